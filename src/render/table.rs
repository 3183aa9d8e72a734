//! Tables for people: an execution's history (`sfn history`) and the stored
//! executions (`sfn list`). One line per row, truncated to fit the width.

use owo_colors::OwoColorize;
use serde_json::{Map, Value};

/// How a table is laid out and coloured.
#[derive(Debug, Clone, Copy)]
pub struct TableOptions {
    /// Total width in columns (80 when not writing to a terminal).
    pub width: u16,
    pub color: bool,
}

impl Default for TableOptions {
    fn default() -> Self {
        TableOptions {
            width: 80,
            color: false,
        }
    }
}

/// How an event (or an execution) ended up, for its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Neutral,
    Success,
    Failure,
    /// Aborted, timed out, redriven: neither success nor an error raised by a state.
    Warning,
}

/// The outcome an event type reports.
pub fn event_outcome(event_type: &str) -> Outcome {
    if event_type.ends_with("Failed") {
        Outcome::Failure
    } else if event_type.ends_with("TimedOut")
        || event_type.ends_with("Aborted")
        || event_type == "ExecutionRedriven"
    {
        Outcome::Warning
    } else if event_type.ends_with("Succeeded") {
        Outcome::Success
    } else {
        Outcome::Neutral
    }
}

/// The outcome of an execution status.
pub fn status_outcome(status: &str) -> Outcome {
    match status {
        "SUCCEEDED" => Outcome::Success,
        "FAILED" => Outcome::Failure,
        "TIMED_OUT" | "ABORTED" | "PENDING_REDRIVE" => Outcome::Warning,
        _ => Outcome::Neutral,
    }
}

/// The parts of a `GetExecutionHistory` event the renderers read, found in
/// one pass over its fields (looking each up by name costs more than the
/// rest of the table over a 25,000-event history).
#[derive(Debug, Clone, Copy)]
pub struct EventView<'a> {
    pub id: u64,
    pub previous_event_id: u64,
    pub timestamp: Option<f64>,
    pub event_type: &'a str,
    /// The `...EventDetails` object.
    pub details: Option<&'a Map<String, Value>>,
}

impl<'a> EventView<'a> {
    pub fn of(event: &'a Value) -> EventView<'a> {
        let mut v = EventView {
            id: 0,
            previous_event_id: 0,
            timestamp: None,
            event_type: "",
            details: None,
        };
        let Some(obj) = event.as_object() else {
            return v;
        };
        for (k, value) in obj {
            match k.as_str() {
                "id" => v.id = value.as_u64().unwrap_or(0),
                "previousEventId" => v.previous_event_id = value.as_u64().unwrap_or(0),
                "type" => v.event_type = value.as_str().unwrap_or(""),
                "timestamp" => v.timestamp = seconds(value),
                k if k.ends_with("EventDetails") => v.details = value.as_object(),
                _ => {}
            }
        }
        v
    }

    /// A field of the details.
    pub fn field(&self, key: &str) -> Option<&'a Value> {
        field(self.details?, key)
    }
}

/// A field of a small object, by a scan (cheaper than hashing the key).
fn field<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.iter().find(|(k, _)| k.as_str() == key).map(|(_, v)| v)
}

/// An event's `...EventDetails` object.
pub fn event_details(event: &Value) -> Option<&Map<String, Value>> {
    EventView::of(event).details
}

/// Epoch seconds of an event, whether stored as a number or an RFC 3339 string.
pub fn timestamp(event: &Value) -> Option<f64> {
    seconds(&event["timestamp"])
}

fn seconds(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => {
            let t = time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
                .ok()?;
            Some(t.unix_timestamp_nanos() as f64 / 1e9)
        }
        _ => None,
    }
}

/// The state each event belongs to, by index: its own `name`, else the state of
/// the event it follows (`previousEventId`). A `MapStateSucceeded`-like event
/// (`<Kind>State<Something>` without a name) belongs to the nearest earlier
/// state of its kind along that chain. Execution-level events belong to none.
pub fn state_names(events: &[Value]) -> Vec<Option<&str>> {
    let views: Vec<EventView> = events.iter().map(EventView::of).collect();
    states_of(&views)
}

/// [`state_names`] over events already viewed.
pub fn states_of<'a>(events: &[EventView<'a>]) -> Vec<Option<&'a str>> {
    let ids: Vec<u64> = events.iter().map(|e| e.id).collect();
    let prevs: Vec<u64> = events.iter().map(|e| e.previous_event_id).collect();
    // Index by id: a table when ids are dense (they are 1..=n), else a map.
    let max_id = ids.iter().copied().max().unwrap_or(0);
    let index: Box<dyn Fn(u64) -> Option<usize>> = if max_id as usize <= 2 * events.len() + 16 {
        let mut table = vec![usize::MAX; max_id as usize + 1];
        for (i, &id) in ids.iter().enumerate() {
            table[id as usize] = i;
        }
        Box::new(move |id| table.get(id as usize).copied().filter(|&i| i != usize::MAX))
    } else {
        let map: std::collections::HashMap<u64, usize> =
            ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
        Box::new(move |id| map.get(&id).copied())
    };
    let prev_of = |i: usize| if prevs[i] == 0 { None } else { index(prevs[i]) };
    // Resolve in id order, so that an event's predecessor is always done first
    // whatever order the events are listed in (`--reverse`).
    let mut order: Vec<usize> = (0..events.len()).collect();
    if !ids.is_sorted() {
        order.sort_by_key(|&i| ids[i]);
    }
    let mut state: Vec<Option<&'a str>> = vec![None; events.len()];
    // The kind of state ("Map", "Task", ...) each event belongs to.
    let mut kind: Vec<Option<&str>> = vec![None; events.len()];
    for (pos, &i) in order.iter().enumerate() {
        let e = &events[i];
        let t = e.event_type;
        if t.starts_with("Execution") {
            continue;
        }
        let own = e.field("name").and_then(Value::as_str);
        let own_kind = t
            .find("State")
            .filter(|&at| at > 0)
            .map(|at| &t[..at])
            .or_else(|| t.starts_with("MapIteration").then_some("Map"));
        let prev = prev_of(i);
        if let Some(name) = own {
            state[i] = Some(name);
            kind[i] = own_kind.or_else(|| prev.and_then(|p| kind[p]));
            continue;
        }
        let Some(p) = prev else {
            // Not chained (`previousEventId` 0): the nearest earlier state of its kind.
            if let Some(k) = own_kind {
                let found = order[..pos]
                    .iter()
                    .rev()
                    .take(512)
                    .find(|&&j| kind[j] == Some(k) && state[j].is_some());
                if let Some(&j) = found {
                    state[i] = state[j];
                    kind[i] = Some(k);
                }
            }
            continue;
        };
        if let Some(k) = own_kind {
            // Walk back to the nearest state of this kind (bounded: chains are short).
            let mut at = Some(p);
            let mut steps = 0;
            while let Some(j) = at {
                if kind[j] == Some(k) && state[j].is_some() {
                    state[i] = state[j];
                    kind[i] = Some(k);
                    break;
                }
                steps += 1;
                if steps > 512 {
                    break;
                }
                at = prev_of(j);
            }
            if state[i].is_some() {
                continue;
            }
        }
        state[i] = state[p];
        kind[i] = kind[p];
    }
    reassign_aborted(events, &order, &mut state);
    state
}

/// A sibling's `<Kind>StateAborted` is chained to the event that failed its
/// Parallel or Map, not to its own state: it belongs to a state of its kind still
/// in flight. The one its chain leads to if that one is in flight (a failing
/// Task's own abort), else the earliest entered.
fn reassign_aborted<'a>(events: &[EventView<'a>], order: &[usize], state: &mut [Option<&'a str>]) {
    let mut open: Vec<(&str, &'a str)> = Vec::new();
    for &i in order {
        let t = events[i].event_type;
        let Some((kind, what)) = t.split_once("State") else {
            continue;
        };
        match (what, state[i]) {
            ("Entered", Some(name)) => open.push((kind, name)),
            ("Exited", Some(name)) => {
                if let Some(at) = open.iter().rposition(|&o| o == (kind, name)) {
                    open.remove(at);
                }
            }
            ("Aborted", chained) => {
                let at = chained
                    .and_then(|name| open.iter().rposition(|&o| o == (kind, name)))
                    .or_else(|| open.iter().position(|&(k, _)| k == kind));
                state[i] = at.map(|at| open.remove(at).1);
            }
            _ => {}
        }
    }
}

/// A JSON payload as one line: a string holding JSON is shown as that JSON.
pub fn payload(v: &Value) -> String {
    payload_cut(v, usize::MAX)
}

/// [`payload`], of which only the first `max` characters (and one more, to
/// tell that it goes on) are kept: payloads may be 256 KiB.
fn payload_cut(v: &Value, max: usize) -> String {
    let owned;
    let s = match v {
        Value::String(s) => s.as_str(),
        other => {
            owned = other.to_string();
            owned.as_str()
        }
    };
    let s = match s.char_indices().nth(max.saturating_add(1)) {
        Some((at, _)) => &s[..at],
        None => s,
    };
    if s.contains(['\n', '\r', '\t']) {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    } else {
        s.to_string()
    }
}

/// A short description of an event: what a person looks for first.
pub fn event_detail(event: &Value) -> String {
    detail_of(&EventView::of(event), usize::MAX)
}

/// [`event_detail`], cut short after `max` characters.
pub fn detail_of(event: &EventView, max: usize) -> String {
    let t = event.event_type;
    let Some(d) = event.details else {
        return String::new();
    };
    let text = |key: &str| field(d, key).map(|v| payload_cut(v, max));
    let pair = |a: &str, b: &str, sep: &str| match (text(a), text(b)) {
        (Some(x), Some(y)) => Some(format!("{x}{sep}{y}")),
        (x, y) => x.or(y),
    };
    let error_and_cause = || pair("error", "cause", ": ");
    let found = if t.ends_with("StateEntered") || t == "ExecutionStarted" {
        text("input")
    } else if t.ends_with("StateExited") {
        text("output")
    } else if t.starts_with("MapIteration") {
        field(d, "index").map(|i| format!("index {i}"))
    } else if t == "MapStateStarted" {
        field(d, "length").map(|n| format!("{n} items"))
    } else if t == "ExecutionRedriven" {
        field(d, "redriveCount").map(|n| format!("redrive {n}"))
    } else if t.ends_with("Scheduled") || t.ends_with("Started") && field(d, "resource").is_some() {
        pair("resourceType", "resource", ":")
    } else if t.ends_with("Failed") || t.ends_with("TimedOut") || t.ends_with("Aborted") {
        error_and_cause()
    } else {
        None
    };
    found
        .or_else(error_and_cause)
        .or_else(|| text("output"))
        .or_else(|| text("input"))
        .or_else(|| text("mapRunArn"))
        .unwrap_or_default()
}

/// Time since the first event, e.g. `0.000s`, `12.345s`, `2m03.456s`, `1h02m03s`.
pub fn format_elapsed(seconds: f64) -> String {
    let s = seconds.max(0.0);
    if s < 60.0 {
        format!("{s:.3}s")
    } else if s < 3600.0 {
        let m = (s / 60.0).floor();
        format!("{}m{:06.3}s", m as u64, s - m * 60.0)
    } else {
        let total = s.floor() as u64;
        format!(
            "{}h{:02}m{:02}s",
            total / 3600,
            total % 3600 / 60,
            total % 60
        )
    }
}

/// Columns `s` takes on a terminal: wide characters (漢) take two.
pub fn display_width(s: &str) -> usize {
    if s.is_ascii() {
        return s.len();
    }
    unicode_width::UnicodeWidthStr::width(s)
}

/// `s` with its control characters written out (`\u{1b}`): a table cell must not
/// move the cursor or colour the terminal.
fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Cuts `s` to at most `max` columns, marking the cut with `…`.
pub fn truncate(s: &str, max: usize) -> String {
    if max == 0 {
        return String::new();
    }
    if display_width(s) <= max {
        return s.to_string();
    }
    let mut used = 0;
    let mut cut = 0;
    for (i, c) in s.char_indices() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        // Room for the `…`.
        if used + w > max - 1 {
            break;
        }
        used += w;
        cut = i + c.len_utf8();
    }
    format!("{}…", &s[..cut])
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Right,
}

/// A column of a [`Grid`].
struct Column {
    header: &'static str,
    align: Align,
    /// Coloured by the row's outcome.
    colored: bool,
    /// At most this share of the table's width (percent), when space is short.
    max_share: Option<usize>,
    /// Never narrower than this when space is short (if its content is wider).
    min: usize,
}

/// A table drawn the way comfy-table's borderless style draws one (a space
/// either side of each cell, one line per row, `…` where a cell is cut), but
/// in one pass: comfy-table alone took 140 ms over a 25,000-event history,
/// most of the 200 ms `sfn history` may take.
struct Grid {
    columns: Vec<Column>,
    rows: Vec<(Vec<String>, Outcome)>,
}

impl Grid {
    fn new(columns: Vec<Column>) -> Grid {
        Grid {
            columns,
            rows: Vec::new(),
        }
    }

    fn push(&mut self, cells: Vec<String>, outcome: Outcome) {
        self.rows.push((cells, outcome));
    }

    /// Each column's width: its content's, unless the table would be wider
    /// than `width`; then capped columns shrink to their share, and the last
    /// column takes what is left (shrinking the others if it would go below
    /// its minimum).
    fn widths(&self, width: usize) -> Vec<usize> {
        let mut w: Vec<usize> = self
            .columns
            .iter()
            .map(|c| display_width(c.header))
            .collect();
        for (cells, _) in &self.rows {
            for (i, cell) in cells.iter().enumerate() {
                w[i] = w[i].max(display_width(&printable(cell)));
            }
        }
        let available = width.saturating_sub(2 * self.columns.len());
        if w.iter().sum::<usize>() <= available {
            return w;
        }
        let last = w.len() - 1;
        for (i, c) in self.columns.iter().enumerate().take(last) {
            if let Some(share) = c.max_share {
                w[i] = w[i].min((width * share / 100).max(c.min));
            }
        }
        let fixed: usize = w[..last].iter().sum();
        let want_last = self.columns[last].min.min(w[last]);
        if fixed + want_last > available {
            // Take the missing room from the widest shrinkable columns first.
            let mut missing = fixed + want_last - available;
            while missing > 0 {
                let Some(i) = (0..last)
                    .filter(|&i| w[i] > self.columns[i].min)
                    .max_by_key(|&i| w[i] - self.columns[i].min)
                else {
                    break;
                };
                w[i] -= 1;
                missing -= 1;
            }
        }
        let fixed: usize = w[..last].iter().sum();
        w[last] = w[last].min(available.saturating_sub(fixed).max(want_last));
        w
    }

    fn render(&self, opts: &TableOptions) -> String {
        let widths = self.widths(usize::from(opts.width));
        let mut out = String::with_capacity((self.rows.len() + 1) * (usize::from(opts.width) + 1));
        let headers: Vec<String> = self.columns.iter().map(|c| c.header.to_string()).collect();
        self.line(&mut out, &headers, &widths, None, opts);
        for (cells, outcome) in &self.rows {
            self.line(&mut out, cells, &widths, Some(*outcome), opts);
        }
        out
    }

    /// One row; `outcome` is `None` for the header.
    fn line(
        &self,
        out: &mut String,
        cells: &[String],
        widths: &[usize],
        outcome: Option<Outcome>,
        opts: &TableOptions,
    ) {
        let start = out.len();
        for (i, (cell, column)) in cells.iter().zip(&self.columns).enumerate() {
            let room = widths[i];
            let text = truncate(&printable(cell), room);
            let fill = room.saturating_sub(display_width(&text));
            out.push(' ');
            if column.align == Align::Right {
                out.extend(std::iter::repeat_n(' ', fill));
            }
            match outcome {
                None if opts.color => out.push_str(&text.bold().to_string()),
                Some(o) if opts.color && column.colored => out.push_str(&paint(&text, o)),
                _ => out.push_str(&text),
            }
            if column.align == Align::Left {
                out.extend(std::iter::repeat_n(' ', fill));
            }
            out.push(' ');
        }
        let end = out[start..].trim_end().len();
        out.truncate(start + end);
        out.push('\n');
    }
}

fn paint(text: &str, outcome: Outcome) -> String {
    match outcome {
        Outcome::Neutral => text.to_string(),
        Outcome::Success => text.green().to_string(),
        Outcome::Failure => text.red().to_string(),
        Outcome::Warning => text.yellow().to_string(),
    }
}

fn column(header: &'static str, align: Align, colored: bool) -> Column {
    Column {
        header,
        align,
        colored,
        max_share: None,
        min: 4,
    }
}

/// `sfn history --format table`: id, elapsed time, type, state and a short
/// detail, one line per event.
pub fn history_table(events: &[Value], opts: &TableOptions) -> String {
    let views: Vec<EventView> = events.iter().map(EventView::of).collect();
    let states = states_of(&views);
    let start = views
        .iter()
        .filter_map(|v| v.timestamp)
        .min_by(f64::total_cmp)
        .unwrap_or(0.0);
    // No cell is wider than the table: cutting long payloads first saves
    // measuring text that would be cut anyway.
    let cell_max = usize::from(opts.width);
    let mut grid = Grid::new(vec![
        column("ID", Align::Right, false),
        column("ELAPSED", Align::Right, false),
        Column {
            min: 12,
            ..column("TYPE", Align::Left, true)
        },
        Column {
            max_share: Some(25),
            min: 8,
            ..column("STATE", Align::Left, false)
        },
        Column {
            min: 12,
            ..column("DETAIL", Align::Left, true)
        },
    ]);
    grid.rows.reserve(events.len());
    for (event, state) in views.iter().zip(states) {
        let t = event.event_type;
        let elapsed = event
            .timestamp
            .map(|ts| format_elapsed(ts - start))
            .unwrap_or_default();
        grid.push(
            vec![
                event.id.to_string(),
                elapsed,
                t.to_string(),
                truncate(state.unwrap_or_default(), cell_max),
                truncate(&detail_of(event, cell_max), cell_max),
            ],
            event_outcome(t),
        );
    }
    grid.render(opts)
}

/// `sfn list --format table`: name, state machine, status, start, duration.
pub fn executions_table(executions: &[Value], opts: &TableOptions) -> String {
    let cell_max = usize::from(opts.width);
    let mut grid = Grid::new(vec![
        Column {
            max_share: Some(40),
            min: 8,
            ..column("NAME", Align::Left, false)
        },
        Column {
            max_share: Some(25),
            min: 8,
            ..column("STATE MACHINE", Align::Left, false)
        },
        Column {
            min: 9,
            ..column("STATUS", Align::Left, true)
        },
        Column {
            min: 19,
            ..column("STARTED (UTC)", Align::Left, false)
        },
        Column {
            min: 8,
            ..column("DURATION", Align::Right, false)
        },
    ]);
    for e in executions {
        let status = e["status"].as_str().unwrap_or("");
        let machine = e["stateMachineArn"]
            .as_str()
            .map(|a| a.rsplit(':').next().unwrap_or(a));
        let started = e["startDate"].as_f64().map(format_date).unwrap_or_default();
        let duration = match (e["startDate"].as_f64(), e["stopDate"].as_f64()) {
            (Some(a), Some(b)) => format_elapsed(b - a),
            _ => String::new(),
        };
        let mut status_text = status.to_string();
        if let Some(n) = e["redriveCount"].as_u64().filter(|&n| n > 0) {
            status_text.push_str(&format!(" (redriven {n}×)"));
        }
        grid.push(
            vec![
                truncate(e["name"].as_str().unwrap_or(""), cell_max),
                truncate(machine.unwrap_or(""), cell_max),
                status_text,
                started,
                duration,
            ],
            status_outcome(status),
        );
    }
    grid.render(opts)
}

/// `2024-05-01 12:00:03` (UTC) from epoch seconds.
pub fn format_date(seconds: f64) -> String {
    let nanos = (seconds * 1e9) as i128;
    let Ok(t) = time::OffsetDateTime::from_unix_timestamp_nanos(nanos) else {
        return String::new();
    };
    let f = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    t.format(f).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn elapsed_times_read_naturally() {
        assert_eq!(format_elapsed(0.0), "0.000s");
        assert_eq!(format_elapsed(12.3456), "12.346s");
        assert_eq!(format_elapsed(123.5), "2m03.500s");
        assert_eq!(format_elapsed(3723.9), "1h02m03s");
    }

    #[test]
    fn truncation_marks_the_cut() {
        assert_eq!(truncate("abcdef", 6), "abcdef");
        assert_eq!(truncate("abcdefg", 6), "abcde…");
        assert_eq!(truncate("ééééé", 3), "éé…");
        // Wide characters take two columns each.
        assert_eq!(truncate("漢字漢字", 8), "漢字漢字");
        assert_eq!(truncate("漢字漢字", 7), "漢字漢…");
        assert_eq!(truncate("漢字漢字", 6), "漢字…");
        assert_eq!(display_width("漢字…"), 5);
    }

    /// Control characters are written out: a cell cannot colour the terminal.
    #[test]
    fn control_characters_are_shown_not_sent() {
        assert_eq!(printable("E\u{1b}[31m"), "E\\u{1b}[31m");
        assert_eq!(printable("a\tb"), "a\\tb");
        assert!(matches!(printable("plain"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn aborted_siblings_belong_to_their_own_states() {
        // A Parallel whose third branch fails while the first waits, the second
        // runs a Task and a fourth's Task fails on its own (recorded as aborted).
        let events = vec![
            json!({"id": 1, "previousEventId": 0, "type": "ExecutionStarted"}),
            json!({"id": 2, "previousEventId": 0, "type": "ParallelStateEntered", "stateEnteredEventDetails": {"name": "P"}}),
            json!({"id": 3, "previousEventId": 2, "type": "ParallelStateStarted"}),
            json!({"id": 4, "previousEventId": 3, "type": "WaitStateEntered", "stateEnteredEventDetails": {"name": "W"}}),
            json!({"id": 5, "previousEventId": 3, "type": "TaskStateEntered", "stateEnteredEventDetails": {"name": "Slow"}}),
            json!({"id": 6, "previousEventId": 3, "type": "TaskStateEntered", "stateEnteredEventDetails": {"name": "Bad"}}),
            json!({"id": 7, "previousEventId": 6, "type": "TaskFailed", "taskFailedEventDetails": {"error": "E"}}),
            json!({"id": 8, "previousEventId": 7, "type": "TaskStateAborted"}),
            json!({"id": 9, "previousEventId": 8, "type": "WaitStateAborted"}),
            json!({"id": 10, "previousEventId": 8, "type": "TaskStateAborted"}),
            json!({"id": 11, "previousEventId": 8, "type": "ParallelStateFailed"}),
            json!({"id": 12, "previousEventId": 11, "type": "ExecutionFailed"}),
        ];
        assert_eq!(
            state_names(&events)[7..11],
            [Some("Bad"), Some("W"), Some("Slow"), Some("P")]
        );
    }

    #[test]
    fn events_inherit_their_state_along_previous_event_ids() {
        let events = vec![
            json!({"id": 1, "previousEventId": 0, "type": "ExecutionStarted"}),
            json!({"id": 2, "previousEventId": 0, "type": "MapStateEntered", "stateEnteredEventDetails": {"name": "M"}}),
            json!({"id": 3, "previousEventId": 2, "type": "MapStateStarted", "mapStateStartedEventDetails": {"length": 1}}),
            json!({"id": 4, "previousEventId": 3, "type": "MapIterationStarted", "mapIterationStartedEventDetails": {"name": "M", "index": 0}}),
            json!({"id": 5, "previousEventId": 4, "type": "TaskStateEntered", "stateEnteredEventDetails": {"name": "T"}}),
            json!({"id": 6, "previousEventId": 5, "type": "TaskScheduled", "taskScheduledEventDetails": {"resource": "invoke", "resourceType": "lambda"}}),
            json!({"id": 7, "previousEventId": 6, "type": "TaskStateExited", "stateExitedEventDetails": {"name": "T"}}),
            json!({"id": 8, "previousEventId": 7, "type": "MapStateSucceeded"}),
            json!({"id": 9, "previousEventId": 8, "type": "MapStateExited", "stateExitedEventDetails": {"name": "M"}}),
            json!({"id": 10, "previousEventId": 9, "type": "ExecutionSucceeded"}),
        ];
        let names = state_names(&events);
        let names: Vec<&str> = names.iter().map(|n| n.unwrap_or("-")).collect();
        assert_eq!(names, ["-", "M", "M", "M", "T", "T", "T", "M", "M", "-"]);
        // Listed newest first, the same.
        let mut reversed = events.clone();
        reversed.reverse();
        let mut back: Vec<&str> = state_names(&reversed)
            .iter()
            .map(|n| n.unwrap_or("-"))
            .collect();
        back.reverse();
        assert_eq!(back, names);
        // An event not chained to its state's (previousEventId 0) still finds it.
        let mut unchained = events.clone();
        unchained[7]["previousEventId"] = json!(0);
        assert_eq!(state_names(&unchained)[7], Some("M"));
    }

    #[test]
    fn tables_fit_their_width_however_long_the_names() {
        let long = "S".repeat(80);
        let events = vec![
            json!({"id": 1, "previousEventId": 0, "timestamp": 10.0, "type": "ExecutionStarted",
                   "executionStartedEventDetails": {"input": "{}"}}),
            json!({"id": 2, "previousEventId": 1, "timestamp": 10.5, "type": "LambdaFunctionScheduleFailed",
                   "lambdaFunctionScheduleFailedEventDetails": {"error": "Lambda.Unknown", "cause": "x".repeat(300)}}),
            json!({"id": 3, "previousEventId": 2, "timestamp": 4000.0, "type": "PassStateEntered",
                   "stateEnteredEventDetails": {"name": long, "input": "{\"k\":\"v\"}"}}),
        ];
        let render = |width| {
            history_table(
                &events,
                &TableOptions {
                    width,
                    color: false,
                },
            )
        };
        assert_eq!(
            render(80),
            [
                " ID   ELAPSED  TYPE                          STATE                 DETAIL",
                "  1    0.000s  ExecutionStarted                                    {}",
                "  2    0.500s  LambdaFunctionScheduleFailed                        Lambda.Unkn…",
                "  3  1h06m30s  PassStateEntered              SSSSSSSSSSSSSSSSSSS…  {\"k\":\"v\"}",
                "",
            ]
            .join("\n")
        );
        for width in [50, 60, 100, 200] {
            let table = render(width);
            let widest = table.lines().map(|l| l.chars().count()).max().unwrap();
            assert!(widest <= usize::from(width), "{width}: {table}");
        }
        // Short content leaves the table narrower than the width.
        let short = history_table(
            &events[..1],
            &TableOptions {
                width: 80,
                color: false,
            },
        );
        assert_eq!(
            short,
            " ID  ELAPSED  TYPE              STATE  DETAIL\n  1   0.000s  ExecutionStarted         {}\n"
        );
    }

    #[test]
    fn colours_follow_outcomes_without_moving_anything() {
        let events = vec![
            json!({"id": 1, "previousEventId": 0, "timestamp": 1.0, "type": "TaskFailed", "taskFailedEventDetails": {"error": "E"}}),
            json!({"id": 2, "previousEventId": 1, "timestamp": 2.0, "type": "ExecutionSucceeded"}),
        ];
        let coloured = history_table(
            &events,
            &TableOptions {
                width: 80,
                color: true,
            },
        );
        assert!(
            coloured.contains(&"TaskFailed".red().to_string()),
            "{coloured}"
        );
        assert!(
            coloured.contains(&"ExecutionSucceeded".green().to_string()),
            "{coloured}"
        );
        assert!(coloured.contains(&"ID".bold().to_string()), "{coloured}");
    }

    #[test]
    fn details_say_what_matters_for_each_event_type() {
        let cases = [
            (
                json!({"type": "PassStateEntered", "stateEnteredEventDetails": {"name": "A", "input": "{\"a\":1}"}}),
                "{\"a\":1}",
            ),
            (
                json!({"type": "TaskFailed", "taskFailedEventDetails": {"error": "Boom", "cause": "it broke"}}),
                "Boom: it broke",
            ),
            (
                json!({"type": "TaskScheduled", "taskScheduledEventDetails": {"resource": "invoke", "resourceType": "lambda", "parameters": "{}"}}),
                "lambda:invoke",
            ),
            (
                json!({"type": "MapIterationStarted", "mapIterationStartedEventDetails": {"name": "M", "index": 3}}),
                "index 3",
            ),
            (
                json!({"type": "ExecutionSucceeded", "executionSucceededEventDetails": {"output": "{\n \"x\": 1\n}"}}),
                "{ \"x\": 1 }",
            ),
            (json!({"type": "MapStateSucceeded"}), ""),
        ];
        for (event, want) in cases {
            assert_eq!(event_detail(&event), want, "{event}");
        }
        // A 256 KiB payload is cut before anything is copied of it.
        let big = json!({"type": "PassStateEntered", "stateEnteredEventDetails": {"input": format!("[{}]", "1,".repeat(131_072))}});
        let cut = detail_of(&EventView::of(&big), 10);
        assert_eq!(cut, "[1,1,1,1,1,");
        assert_eq!(truncate(&cut, 10), "[1,1,1,1,…");
    }
}
