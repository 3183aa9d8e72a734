//! Tables for people: an execution's history (`sfn history`) and the stored
//! executions (`sfn list`). One line per row, truncated to fit the width.

use comfy_table::{
    Cell, CellAlignment, Color, ColumnConstraint, ContentArrangement, Row, Table, Width,
};
use serde_json::{Map, Value};

use crate::history::details_key;

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

impl Outcome {
    fn color(self) -> Option<Color> {
        match self {
            Outcome::Neutral => None,
            Outcome::Success => Some(Color::Green),
            Outcome::Failure => Some(Color::Red),
            Outcome::Warning => Some(Color::Yellow),
        }
    }
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

/// An event's `...EventDetails` object.
pub fn event_details(event: &Value) -> Option<&Map<String, Value>> {
    let obj = event.as_object()?;
    if let Some(t) = obj.get("type").and_then(Value::as_str)
        && let Some(Value::Object(d)) = obj.get(&details_key(t))
    {
        return Some(d);
    }
    obj.iter()
        .find(|(k, _)| k.ends_with("EventDetails"))
        .and_then(|(_, v)| v.as_object())
}

/// Epoch seconds of an event, whether stored as a number or an RFC 3339 string.
pub fn timestamp(event: &Value) -> Option<f64> {
    match &event["timestamp"] {
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
pub fn state_names(events: &[Value]) -> Vec<Option<String>> {
    let mut by_id: std::collections::HashMap<u64, usize> =
        std::collections::HashMap::with_capacity(events.len());
    for (i, e) in events.iter().enumerate() {
        if let Some(id) = e["id"].as_u64() {
            by_id.insert(id, i);
        }
    }
    // Resolve in id order so that an event's predecessor is always done first,
    // whatever order the events are listed in.
    let mut order: Vec<usize> = (0..events.len()).collect();
    order.sort_by_key(|&i| events[i]["id"].as_u64().unwrap_or(0));
    let mut state: Vec<Option<String>> = vec![None; events.len()];
    // The kind of state ("Map", "Task", ...) each event belongs to.
    let mut kind: Vec<Option<&str>> = vec![None; events.len()];
    for i in order {
        let e = &events[i];
        let t = e["type"].as_str().unwrap_or("");
        if t.starts_with("Execution") {
            continue;
        }
        let own = event_details(e)
            .and_then(|d| d.get("name"))
            .and_then(Value::as_str);
        let own_kind = t
            .find("State")
            .filter(|&at| at > 0)
            .map(|at| &t[..at])
            .or_else(|| t.starts_with("MapIteration").then_some("Map"));
        let prev = e["previousEventId"]
            .as_u64()
            .and_then(|p| by_id.get(&p).copied());
        if let Some(name) = own {
            state[i] = Some(name.to_string());
            kind[i] = own_kind.or_else(|| prev.and_then(|p| kind[p]));
            continue;
        }
        let Some(p) = prev else { continue };
        if let Some(k) = own_kind {
            // Walk back to the nearest state of this kind (bounded: chains are short).
            let mut at = Some(p);
            let mut steps = 0;
            while let Some(j) = at {
                if kind[j] == Some(k) && state[j].is_some() {
                    state[i] = state[j].clone();
                    kind[i] = Some(k);
                    break;
                }
                steps += 1;
                if steps > 512 {
                    break;
                }
                at = events[j]["previousEventId"]
                    .as_u64()
                    .and_then(|q| by_id.get(&q).copied());
            }
            if state[i].is_some() {
                continue;
            }
        }
        state[i] = state[p].clone();
        kind[i] = kind[p];
    }
    state
}

/// A JSON payload as one line: a string holding JSON is shown as that JSON.
pub fn payload(v: &Value) -> String {
    let s = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    one_line(&s)
}

fn one_line(s: &str) -> String {
    if s.contains(['\n', '\r', '\t']) {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    } else {
        s.to_string()
    }
}

fn text(d: &Map<String, Value>, key: &str) -> Option<String> {
    d.get(key).map(payload)
}

fn error_and_cause(d: &Map<String, Value>) -> Option<String> {
    match (text(d, "error"), text(d, "cause")) {
        (Some(e), Some(c)) => Some(format!("{e}: {c}")),
        (Some(e), None) => Some(e),
        (None, Some(c)) => Some(c),
        (None, None) => None,
    }
}

fn resource(d: &Map<String, Value>) -> Option<String> {
    match (text(d, "resourceType"), text(d, "resource")) {
        (Some(t), Some(r)) => Some(format!("{t}:{r}")),
        (None, Some(r)) => Some(r),
        (Some(t), None) => Some(t),
        (None, None) => None,
    }
}

/// A short description of an event: what a person looks for first.
pub fn event_detail(event: &Value) -> String {
    let t = event["type"].as_str().unwrap_or("");
    let Some(d) = event_details(event) else {
        return String::new();
    };
    let found = if t.ends_with("StateEntered") {
        text(d, "input")
    } else if t.ends_with("StateExited") {
        text(d, "output")
    } else if t.starts_with("MapIteration") {
        d.get("index").map(|i| format!("index {i}"))
    } else if t == "MapStateStarted" {
        d.get("length").map(|n| format!("{n} items"))
    } else if t == "ExecutionStarted" {
        text(d, "input")
    } else if t == "ExecutionRedriven" {
        d.get("redriveCount").map(|n| format!("redrive {n}"))
    } else if t.ends_with("Scheduled") || t.ends_with("Started") && d.contains_key("resource") {
        resource(d)
    } else if t.ends_with("Failed") || t.ends_with("TimedOut") || t.ends_with("Aborted") {
        error_and_cause(d)
    } else {
        None
    };
    found
        .or_else(|| error_and_cause(d))
        .or_else(|| text(d, "output"))
        .or_else(|| text(d, "input"))
        .or_else(|| text(d, "mapRunArn"))
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

/// Cuts `s` to at most `max` characters, marking the cut with `…`.
pub fn truncate(s: &str, max: usize) -> String {
    if max == 0 {
        return String::new();
    }
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some(_) => {
            let cut = s.char_indices().nth(max - 1).map_or(s.len(), |(i, _)| i);
            format!("{}…", &s[..cut])
        }
    }
}

fn cell(text: String, outcome: Outcome, opts: &TableOptions) -> Cell {
    let c = Cell::new(text);
    match outcome.color() {
        Some(color) if opts.color => c.fg(color),
        _ => c,
    }
}

fn new_table(opts: &TableOptions) -> Table {
    let mut table = Table::new();
    table
        .load_style(comfy_table::presets::NOTHING)
        .force_no_tty()
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_truncation_indicator("…")
        .set_width(opts.width);
    if opts.color {
        table.enforce_styling();
        table.style_text_only();
    }
    table
}

fn header(names: &[&str], opts: &TableOptions) -> Row {
    Row::from(names.iter().map(|n| {
        let c = Cell::new(n);
        if opts.color {
            c.add_attribute(comfy_table::Attribute::Bold)
        } else {
            c
        }
    }))
}

/// Longest text kept per cell before the table cuts it to the column's width:
/// nothing wider than a terminal is ever shown, and long payloads cost nothing.
const CELL_MAX: usize = 240;

/// `sfn history --format table`: id, elapsed time, type, state and a short
/// detail, one line per event.
pub fn history_table(events: &[Value], opts: &TableOptions) -> String {
    let states = state_names(events);
    let start = events
        .iter()
        .filter_map(timestamp)
        .min_by(f64::total_cmp)
        .unwrap_or(0.0);
    let mut table = new_table(opts);
    table.set_header(header(&["ID", "ELAPSED", "TYPE", "STATE", "DETAIL"], opts));
    for (event, state) in events.iter().zip(states) {
        let t = event["type"].as_str().unwrap_or("?");
        let outcome = event_outcome(t);
        let elapsed = timestamp(event)
            .map(|ts| format_elapsed(ts - start))
            .unwrap_or_default();
        let id = event["id"]
            .as_u64()
            .map(|i| i.to_string())
            .unwrap_or_default();
        let mut row = Row::from(vec![
            Cell::new(id),
            Cell::new(elapsed),
            cell(t.to_string(), outcome, opts),
            Cell::new(truncate(&state.unwrap_or_default(), CELL_MAX)),
            cell(truncate(&event_detail(event), CELL_MAX), outcome, opts),
        ]);
        row.max_height(1);
        table.add_row(row);
    }
    let limits = [
        ColumnConstraint::ContentWidth,
        ColumnConstraint::ContentWidth,
        ColumnConstraint::ContentWidth,
        ColumnConstraint::UpperBoundary(Width::Percentage(25)),
        ColumnConstraint::LowerBoundary(Width::Fixed(12)),
    ];
    table.set_constraints(limits);
    for i in [0, 1] {
        if let Some(c) = table.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    finish(&table)
}

/// `sfn list --format table`: name, state machine, status, start, duration.
pub fn executions_table(executions: &[Value], opts: &TableOptions) -> String {
    let mut table = new_table(opts);
    table.set_header(header(
        &[
            "NAME",
            "STATE MACHINE",
            "STATUS",
            "STARTED (UTC)",
            "DURATION",
        ],
        opts,
    ));
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
        let mut row = Row::from(vec![
            Cell::new(truncate(e["name"].as_str().unwrap_or(""), CELL_MAX)),
            Cell::new(truncate(machine.unwrap_or(""), CELL_MAX)),
            cell(status_text, status_outcome(status), opts),
            Cell::new(started),
            Cell::new(duration),
        ]);
        row.max_height(1);
        table.add_row(row);
    }
    if let Some(c) = table.column_mut(4) {
        c.set_cell_alignment(CellAlignment::Right);
    }
    finish(&table)
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

fn finish(table: &Table) -> String {
    let mut out = String::new();
    for line in table.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
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
        let names: Vec<&str> = names.iter().map(|n| n.as_deref().unwrap_or("-")).collect();
        assert_eq!(names, ["-", "M", "M", "M", "T", "T", "T", "M", "M", "-"]);
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
    }
}
