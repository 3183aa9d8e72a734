//! `sfn history --diff A B`: two executions' histories side by side, aligned
//! event by event, with what changed highlighted.
//!
//! Events are compared by type, state and details; ids and timestamps are left
//! out (they differ between any two runs). Long runs of identical events are
//! folded, keeping a few around each difference.

use owo_colors::OwoColorize;
use serde_json::{Value, json};
use similar::{Algorithm, ChangeTag, DiffOp, TextDiff};

use super::table::{TableOptions, event_detail, event_details, payload, state_names, truncate};

/// Identical events kept on each side of a difference.
pub const CONTEXT: usize = 3;

/// One execution to compare.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    pub name: &'a str,
    /// Its `DescribeExecution` response.
    pub describe: &'a Value,
    /// Its events, in order.
    pub events: &'a [Value],
}

/// What is compared of each event: type, state and details (not id nor time).
fn keys(events: &[Value], states: &[Option<&str>]) -> Vec<String> {
    events
        .iter()
        .zip(states)
        .map(|(e, s)| {
            let details = event_details(e).map(|d| serde_json::to_string(d).unwrap_or_default());
            format!(
                "{}\u{0}{}\u{0}{}",
                e["type"].as_str().unwrap_or(""),
                s.unwrap_or(""),
                details.unwrap_or_default()
            )
        })
        .collect()
}

/// The aligned operations between two event lists.
pub fn align(a: &[Value], b: &[Value]) -> Vec<DiffOp> {
    let ka = keys(a, &state_names(a));
    let kb = keys(b, &state_names(b));
    similar::capture_diff_slices(Algorithm::Myers, &ka, &kb)
}

/// How many events changed, exist only in A, only in B.
fn counts(ops: &[DiffOp]) -> (usize, usize, usize) {
    let (mut changed, mut only_a, mut only_b) = (0, 0, 0);
    for op in ops {
        match *op {
            DiffOp::Equal { .. } => {}
            DiffOp::Delete { old_len, .. } => only_a += old_len,
            DiffOp::Insert { new_len, .. } => only_b += new_len,
            DiffOp::Replace {
                old_len, new_len, ..
            } => {
                changed += old_len.min(new_len);
                only_a += old_len.saturating_sub(new_len);
                only_b += new_len.saturating_sub(old_len);
            }
        }
    }
    (changed, only_a, only_b)
}

/// Whether the two executions' events differ (type, state or details).
pub fn differ(a: &[Value], b: &[Value]) -> bool {
    let (changed, only_a, only_b) = counts(&align(a, b));
    changed + only_a + only_b > 0
}

/// One row of the side-by-side view.
enum Pair {
    Same(usize, usize),
    Changed(usize, usize),
    OnlyA(usize),
    OnlyB(usize),
    /// `n` identical events folded away.
    Fold(usize),
}

fn pairs(ops: &[DiffOp], context: usize) -> Vec<Pair> {
    let mut out = Vec::new();
    let last = ops.len().saturating_sub(1);
    for (k, op) in ops.iter().enumerate() {
        match *op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => {
                // Keep `context` events after the previous change and before the next one.
                let head = if k == 0 { 0 } else { context.min(len) };
                let tail = if k == last {
                    0
                } else {
                    context.min(len - head)
                };
                if head + tail + 1 >= len {
                    out.extend((0..len).map(|i| Pair::Same(old_index + i, new_index + i)));
                } else {
                    out.extend((0..head).map(|i| Pair::Same(old_index + i, new_index + i)));
                    out.push(Pair::Fold(len - head - tail));
                    out.extend((len - tail..len).map(|i| Pair::Same(old_index + i, new_index + i)));
                }
            }
            DiffOp::Delete {
                old_index, old_len, ..
            } => {
                out.extend((old_index..old_index + old_len).map(Pair::OnlyA));
            }
            DiffOp::Insert {
                new_index, new_len, ..
            } => {
                out.extend((new_index..new_index + new_len).map(Pair::OnlyB));
            }
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                for i in 0..old_len.max(new_len) {
                    out.push(match (i < old_len, i < new_len) {
                        (true, true) => Pair::Changed(old_index + i, new_index + i),
                        (true, false) => Pair::OnlyA(old_index + i),
                        _ => Pair::OnlyB(new_index + i),
                    });
                }
            }
        }
    }
    out
}

/// An event as one line: `id Type State: detail`.
fn line(event: &Value, state: Option<&str>) -> String {
    let id = event["id"]
        .as_u64()
        .map(|i| i.to_string())
        .unwrap_or_default();
    let t = event["type"].as_str().unwrap_or("?");
    let detail = event_detail(event);
    let mut s = format!("{id:>4} {t}");
    if let Some(state) = state {
        s.push(' ');
        s.push_str(state);
    }
    if !detail.is_empty() {
        s.push_str(": ");
        s.push_str(&detail);
    }
    s
}

/// Two events that differ, as lines. When their usual lines read the same
/// (the difference is in a detail the line leaves out, such as a Task's
/// `parameters`), the first differing detail field is shown instead.
/// Each line comes with how much of its start to keep when cutting it.
fn changed_lines(
    a: &Value,
    sa: Option<&str>,
    b: &Value,
    sb: Option<&str>,
) -> ((String, usize), (String, usize)) {
    let (la, lb) = (line(a, sa), line(b, sb));
    if la != lb {
        let (pa, pb) = (detail_start(&la), detail_start(&lb));
        return ((la, pa), (lb, pb));
    }
    let empty = serde_json::Map::new();
    let da = event_details(a).unwrap_or(&empty);
    let db = event_details(b).unwrap_or(&empty);
    let differing = da
        .keys()
        .chain(db.keys())
        .find(|k| da.get(*k) != db.get(*k));
    let Some(key) = differing else {
        let p = detail_start(&la);
        return ((la, p), (lb, p));
    };
    let field = |e: &Value, s: Option<&str>, d: &serde_json::Map<String, Value>| {
        let value = d.get(key).map_or_else(|| "(none)".to_string(), payload);
        let mut l = line(&json!({"id": e["id"], "type": e["type"]}), s);
        l.push_str(&format!(": {key} "));
        let keep = chars(&l);
        l.push_str(&value);
        (l, keep)
    };
    (field(a, sa, da), field(b, sb, db))
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// `s` cut to `width` characters. When two lines first differ at character
/// `focus` and that would be cut off, characters are dropped from the middle
/// instead, after the first `protect` (the event's id, type and state), so
/// that the difference shows.
fn window(s: &str, width: usize, focus: usize, protect: usize) -> String {
    let n = chars(s);
    if n <= width {
        return s.to_string();
    }
    if focus + 8 < width {
        return truncate(s, width);
    }
    let excess = n - width + 1; // the characters to drop, and room for `…`
    let end = focus.saturating_sub(6);
    let start = protect.min(width.saturating_sub(8));
    let head: String = s.chars().take(start).collect();
    if start + excess <= focus {
        let tail: String = s.chars().skip(start + excess).collect();
        return format!("{head}…{tail}");
    }
    // The difference is too far in: keep less of the head, then a window
    // from just before the difference.
    let start = start.min(width.saturating_sub(16));
    let head: String = s.chars().take(start).collect();
    let tail: String = s.chars().skip(end.max(start)).collect();
    format!("{head}…{}", truncate(&tail, width - start - 1))
}

/// Where an event line's detail starts (after `id Type State: `).
fn detail_start(line: &str) -> usize {
    line.find(": ").map_or(0, |at| chars(&line[..at]) + 2)
}

fn first_difference(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

fn pad(s: &str, width: usize) -> String {
    let n = chars(s);
    if n >= width {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(width - n))
    }
}

#[derive(Clone, Copy)]
enum Tone {
    Removed,
    Added,
    Changed,
    Dim,
}

fn paint(s: &str, tone: Tone, color: bool) -> String {
    if !color {
        return s.to_string();
    }
    match tone {
        Tone::Removed => s.red().to_string(),
        Tone::Added => s.green().to_string(),
        Tone::Changed => s.yellow().to_string(),
        Tone::Dim => s.dimmed().to_string(),
    }
}

/// Two changed lines, each padded to `width`, with the characters that differ
/// emphasised when colouring.
fn changed_pair(a: (&str, usize), b: (&str, usize), width: usize, color: bool) -> (String, String) {
    let focus = first_difference(a.0, b.0);
    let va = window(a.0, width, focus, a.1);
    let vb = window(b.0, width, focus, b.1);
    if !color {
        return (pad(&va, width), pad(&vb, width));
    }
    let diff = TextDiff::from_chars(va.as_str(), vb.as_str());
    let (mut left, mut right) = (String::new(), String::new());
    for change in diff.iter_all_changes() {
        let v = change.value();
        match change.tag() {
            ChangeTag::Equal => {
                left.push_str(&v.yellow().to_string());
                right.push_str(&v.yellow().to_string());
            }
            ChangeTag::Delete => left.push_str(&v.yellow().bold().underline().to_string()),
            ChangeTag::Insert => right.push_str(&v.yellow().bold().underline().to_string()),
        }
    }
    let fill = |n: usize| " ".repeat(width.saturating_sub(n));
    (
        format!("{left}{}", fill(chars(&va))),
        format!("{right}{}", fill(chars(&vb))),
    )
}

fn summary(side: &Side) -> String {
    let status = side.describe["status"].as_str().unwrap_or("?");
    format!("{} {status} ({} events)", side.name, side.events.len())
}

fn outcome(describe: &Value) -> String {
    if let Some(o) = describe.get("output") {
        let o = match o {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        return format!("output {o}");
    }
    let error = describe["error"].as_str().unwrap_or("");
    let cause = describe["cause"].as_str().unwrap_or("");
    match (error.is_empty(), cause.is_empty()) {
        (true, true) => String::new(),
        (false, true) => format!("error {error}"),
        (true, false) => format!("cause {cause}"),
        (false, false) => format!("error {error}: {cause}"),
    }
}

/// The side-by-side view, `opts.width` columns wide: `<` marks events only in
/// A, `>` only in B, `|` events that differ.
pub fn side_by_side(a: Side, b: Side, opts: &TableOptions) -> String {
    let color = opts.color;
    let total = usize::from(opts.width).max(40);
    let half = (total - 3) / 2;
    let (sa, sb) = (state_names(a.events), state_names(b.events));
    let ka = keys(a.events, &sa);
    let kb = keys(b.events, &sb);
    let ops = similar::capture_diff_slices(Algorithm::Myers, &ka, &kb);
    let mut out = String::new();
    let row = |out: &mut String, l: String, mark: &str, r: String| {
        let line = format!("{l} {mark} {r}");
        out.push_str(line.trim_end());
        out.push('\n');
    };
    // Header: each execution, its status and how it ended.
    let heads = [
        (summary(&a), summary(&b)),
        (outcome(a.describe), outcome(b.describe)),
    ];
    for (i, (l, r)) in heads.into_iter().enumerate() {
        if i == 1 && l.is_empty() && r.is_empty() {
            continue;
        }
        let differs = l != r;
        let (l, r) = if differs && i == 1 {
            changed_pair((&l, 0), (&r, 0), half, color)
        } else {
            let (l, r) = (
                pad(&truncate(&l, half), half),
                pad(&truncate(&r, half), half),
            );
            if color {
                (l.bold().to_string(), r.bold().to_string())
            } else {
                (l, r)
            }
        };
        let mark = if differs && i == 1 { "|" } else { "│" };
        row(&mut out, l, mark, r);
    }
    out.push_str(&format!(
        "{}┼{}\n",
        "─".repeat(half + 1),
        "─".repeat(half + 1)
    ));
    for p in pairs(&ops, CONTEXT) {
        match p {
            Pair::Same(i, j) => {
                let l = pad(&truncate(&line(&a.events[i], sa[i]), half), half);
                let r = truncate(&line(&b.events[j], sb[j]), half);
                row(&mut out, l, "│", r);
            }
            Pair::Changed(i, j) => {
                let (la, lb) = changed_lines(&a.events[i], sa[i], &b.events[j], sb[j]);
                let (l, r) = changed_pair((&la.0, la.1), (&lb.0, lb.1), half, color);
                row(&mut out, l, &paint("|", Tone::Changed, color), r);
            }
            Pair::OnlyA(i) => {
                let l = pad(&truncate(&line(&a.events[i], sa[i]), half), half);
                row(
                    &mut out,
                    paint(&l, Tone::Removed, color),
                    &paint("<", Tone::Removed, color),
                    String::new(),
                );
            }
            Pair::OnlyB(j) => {
                let r = truncate(&line(&b.events[j], sb[j]), half);
                row(
                    &mut out,
                    " ".repeat(half),
                    &paint(">", Tone::Added, color),
                    paint(&r, Tone::Added, color),
                );
            }
            Pair::Fold(n) => {
                let text = format!("   ⋮ {n} identical event{}", if n == 1 { "" } else { "s" });
                let text = pad(&truncate(&text, half), half);
                row(
                    &mut out,
                    paint(&text, Tone::Dim, color),
                    "│",
                    paint(text.trim_end(), Tone::Dim, color),
                );
            }
        }
    }
    let (changed, only_a, only_b) = counts(&ops);
    if changed + only_a + only_b == 0 {
        out.push_str(&format!(
            "the two histories are the same ({} events)\n",
            a.events.len()
        ));
    } else {
        out.push_str(&format!(
            "{changed} changed, {only_a} only in {}, {only_b} only in {}\n",
            a.name, b.name
        ));
    }
    out
}

/// `--diff --format json`: the alignment as data. Each entry is `equal` (with
/// a count), or `changed`, `onlyA`, `onlyB` with the events concerned.
pub fn diff_json(a: Side, b: Side) -> Value {
    let ops = align(a.events, b.events);
    let (changed, only_a, only_b) = counts(&ops);
    let mut entries = Vec::new();
    for op in &ops {
        if let DiffOp::Equal { len, .. } = *op {
            entries.push(json!({"op": "equal", "count": len}));
            continue;
        }
        for p in pairs(std::slice::from_ref(op), 0) {
            entries.push(match p {
                Pair::Same(..) | Pair::Fold(_) => continue,
                Pair::Changed(i, j) => json!({"op": "changed", "a": a.events[i], "b": b.events[j]}),
                Pair::OnlyA(i) => json!({"op": "onlyA", "a": a.events[i]}),
                Pair::OnlyB(j) => json!({"op": "onlyB", "b": b.events[j]}),
            });
        }
    }
    json!({
        "a": {"name": a.name, "status": a.describe["status"], "events": a.events.len()},
        "b": {"name": b.name, "status": b.describe["status"], "events": b.events.len()},
        "identical": changed + only_a + only_b == 0,
        "changed": changed,
        "onlyA": only_a,
        "onlyB": only_b,
        "diff": entries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_show_where_long_lines_differ() {
        let cut = |a: &str, b: &str, width| {
            let focus = first_difference(a, b);
            let (wa, wb) = (
                window(a, width, focus, detail_start(a)),
                window(b, width, focus, detail_start(b)),
            );
            assert!(chars(&wa) <= width && chars(&wb) <= width, "{wa} / {wb}");
            (wa, wb)
        };
        // Slightly too long: a few characters go from the middle.
        let (a, b) = cut(
            "   5 TaskSucceeded ChargeCard: {\"charged\":42}",
            "   5 TaskSucceeded ChargeCard: {\"charged\":7}",
            38,
        );
        assert_eq!(
            (a.as_str(), b.as_str()),
            (
                "   5 TaskSucceeded ChargeCard:…ed\":42}",
                "   5 TaskSucceeded ChargeCard:…ged\":7}"
            )
        );
        // Much too long: id and type stay, then the part around the difference.
        let long = |n: u32| {
            format!(
                "   1 ExecutionStarted: {{\"orderId\":\"order-{n}\",\"amount\":42,\"items\":[\"book\",\"pen\"]}}"
            )
        };
        let (a, b) = cut(&long(1), &long(3), 38);
        assert_eq!(a, "   1 ExecutionStarted:…order-1\",\"amou…");
        assert_eq!(b, "   1 ExecutionStarted:…order-3\",\"amou…");
        // A difference within sight: cut at the end as usual.
        assert_eq!(
            cut(
                &format!("ab{}", "x".repeat(50)),
                &format!("ac{}", "x".repeat(50)),
                10
            )
            .0,
            "abxxxxxxx…"
        );
        assert_eq!(window("short", 30, 2, 0), "short");
    }

    #[test]
    fn folds_keep_context_around_changes() {
        let ops = [
            DiffOp::Equal {
                old_index: 0,
                new_index: 0,
                len: 10,
            },
            DiffOp::Replace {
                old_index: 10,
                old_len: 1,
                new_index: 10,
                new_len: 1,
            },
            DiffOp::Equal {
                old_index: 11,
                new_index: 11,
                len: 2,
            },
        ];
        let p = pairs(&ops, 3);
        let kinds: Vec<String> = p
            .iter()
            .map(|p| match p {
                Pair::Same(i, _) => format!("={i}"),
                Pair::Changed(i, _) => format!("~{i}"),
                Pair::OnlyA(i) => format!("<{i}"),
                Pair::OnlyB(j) => format!(">{j}"),
                Pair::Fold(n) => format!("…{n}"),
            })
            .collect();
        assert_eq!(kinds, ["…7", "=7", "=8", "=9", "~10", "=11", "=12"]);
    }
}
