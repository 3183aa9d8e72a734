//! `sfn history`: an execution's events as `GetExecutionHistory` returns them,
//! or as a table; `--diff A B` compares two executions. Also what `describe`
//! and `list` share: opening the store and finding an execution in it.

use std::io::{IsTerminal, Write};

use serde_json::{Value, json};

use super::{HistoryArgs, HistoryFormat, exit, use_color};
use crate::diagnostic::closest;
use crate::render::diff::{self, Side};
use crate::render::table::{TableOptions, format_date, history_table};
use crate::store::{Latest, ResolveError, Store};

pub fn run(args: &HistoryArgs) -> i32 {
    let store = Store::locate(args.store.store.as_deref());
    let color = args.format == HistoryFormat::Table && use_color(args.color);
    let opts = TableOptions {
        width: table_width(),
        color,
    };
    if let Some(pair) = &args.diff {
        return run_diff(&store, &pair[0], &pair[1], args, &opts);
    }
    let (_, _, history) = match open(&store, args.execution.as_deref()) {
        Ok(found) => found,
        Err(code) => return code,
    };
    let events = events_of(history, args.reverse, args.include_data);
    match args.format {
        HistoryFormat::Json => {
            let response = json!({ "events": events });
            emit_json(&response);
            keep(response);
        }
        HistoryFormat::Table => {
            emit(&history_table(&events, &opts));
            keep(events);
        }
    }
    exit::OK
}

/// Leaves a large value for the process's exit to reclaim: freeing a parsed
/// 25,000-event history one string at a time costs as much as parsing it.
fn keep<T>(value: T) {
    std::mem::forget(value);
}

fn run_diff(store: &Store, a: &str, b: &str, args: &HistoryArgs, opts: &TableOptions) -> i32 {
    let (name_a, describe_a, history_a) = match open(store, Some(a)) {
        Ok(found) => found,
        Err(code) => return code,
    };
    let (name_b, describe_b, history_b) = match open(store, Some(b)) {
        Ok(found) => found,
        Err(code) => return code,
    };
    let events_a = events_of(history_a, args.reverse, args.include_data);
    let events_b = events_of(history_b, args.reverse, args.include_data);
    let side_a = Side {
        name: &name_a,
        describe: &describe_a,
        events: &events_a,
    };
    let side_b = Side {
        name: &name_b,
        describe: &describe_b,
        events: &events_b,
    };
    match args.format {
        HistoryFormat::Json => emit_json(&diff::diff_json(side_a, side_b)),
        HistoryFormat::Table => emit(&diff::side_by_side(side_a, side_b, opts)),
    }
    // As diff(1): scripts can tell "the same" from "changed" without parsing.
    let code = if diff::differ(&events_a, &events_b) {
        exit::FAILED
    } else {
        exit::OK
    };
    keep((events_a, events_b));
    code
}

/// The events of a stored `GetExecutionHistory` response, in the order and
/// with the data `reverseOrder` and `includeExecutionData` ask for.
pub fn events_of(history: Value, reverse: bool, include_data: bool) -> Vec<Value> {
    let mut events = match history {
        Value::Object(mut h) => match h.remove("events") {
            Some(Value::Array(events)) => events,
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    if reverse {
        events.reverse();
    }
    if !include_data {
        for e in &mut events {
            strip_execution_data(e);
        }
    }
    events
}

/// As `includeExecutionData: false`: the event's input and output are left out
/// (AWS documents this option as covering "input or output of a history
/// event"; everything else, `parameters` included, stays).
pub fn strip_execution_data(event: &mut Value) {
    let Some(obj) = event.as_object_mut() else {
        return;
    };
    for (key, details) in obj.iter_mut() {
        if key.ends_with("EventDetails")
            && let Some(d) = details.as_object_mut()
        {
            d.remove("input");
            d.remove("output");
        }
    }
}

/// Finds an execution (the most recent when `wanted` is `None`). On failure,
/// says why on stderr and returns the exit status.
pub(super) fn find(store: &Store, wanted: Option<&str>) -> Result<String, i32> {
    if let Some(problem) = store.problem() {
        eprintln!("error: {problem}");
        return Err(exit::COULD_NOT_RUN);
    }
    let said = |e: ResolveError| {
        eprint!("{}", resolve_message(store, &e));
        exit::COULD_NOT_RUN
    };
    if wanted.is_some() {
        return store.resolve(wanted).map_err(said);
    }
    let latest = store.latest().map_err(said)?;
    for note in default_notes(&latest) {
        eprintln!("note: {note}");
    }
    Ok(latest.name)
}

/// What the default (the most recent execution that has ended) passed over.
fn default_notes(latest: &Latest) -> Vec<String> {
    let mut notes = Vec::new();
    if !latest.running_after.is_empty() {
        notes.push(format!(
            "showing '{}', the most recent execution that has ended; still running: {} (name one to see it)",
            latest.name,
            latest.running_after.join(", ")
        ));
    }
    let damaged = latest.damaged;
    if damaged > 0 {
        notes.push(format!(
            "{damaged} damaged stored execution{} not considered: `sfn list` names {}",
            if damaged == 1 { " is" } else { "s are" },
            if damaged == 1 { "it" } else { "them" },
        ));
    }
    notes
}

/// Finds an execution, as [`find`], and reads its history: only that file,
/// so a history is shown even if another of its files is lost.
pub(super) fn open(store: &Store, wanted: Option<&str>) -> Result<(String, Value, Value), i32> {
    let name = find(store, wanted)?;
    if store.running_only(&name).is_some() {
        eprintln!(
            "error: execution '{name}' is RUNNING: its history is stored when it ends (`sfn describe {name}` shows it meanwhile)"
        );
        return Err(exit::COULD_NOT_RUN);
    }
    match store.load_history(&name) {
        Ok((describe, history)) => Ok((name, describe, history)),
        Err(e) => {
            eprintln!("error: {e}");
            Err(exit::COULD_NOT_RUN)
        }
    }
}

/// The store's folder as the user knows it: `.sfn/`.
pub(super) fn store_dir(store: &Store) -> String {
    let mut s = store.root.display().to_string();
    if !s.ends_with('/') {
        s.push('/');
    }
    s
}

/// Why an execution could not be found, with the closest name and the recent ones.
pub fn resolve_message(store: &Store, error: &ResolveError) -> String {
    let dir = store_dir(store);
    match error {
        ResolveError::Empty => match store.running().len() {
            0 => format!("error: no executions in {dir} yet: run `sfn run DEFINITION` first\n"),
            n => format!(
                "error: no execution in {dir} has ended yet ({n} running: each is stored when it ends; `sfn list` shows them)\n"
            ),
        },
        ResolveError::Unknown { wanted, .. } => {
            let all = store.list();
            if all.is_empty() {
                return format!(
                    "error: no execution named '{wanted}': there are no executions in {dir} yet: run `sfn run DEFINITION` first\n"
                );
            }
            let mut out = format!("error: no execution named '{wanted}' in {dir}\n");
            let short = wanted.rsplit(':').next().unwrap_or(wanted);
            let names = all.iter().filter_map(|d| d["name"].as_str());
            if let Some(close) = closest(short, names) {
                out.push_str(&format!("  did you mean '{close}'?\n"));
            }
            out.push_str("recent executions, newest first:\n");
            let shown: Vec<&Value> = all.iter().take(10).collect();
            let width = shown
                .iter()
                .filter_map(|d| d["name"].as_str())
                .map(|n| n.chars().count())
                .max()
                .unwrap_or(0);
            for d in &shown {
                let name = d["name"].as_str().unwrap_or("?");
                let status = d["status"].as_str().unwrap_or("");
                let started = d["startDate"].as_f64().map(format_date).unwrap_or_default();
                let line = format!("  {name:<width$}  {status:<9}  {started}");
                out.push_str(line.trim_end());
                out.push('\n');
            }
            if all.len() > shown.len() {
                out.push_str(&format!(
                    "  ... and {} more: `sfn list`\n",
                    all.len() - shown.len()
                ));
            }
            out
        }
    }
}

/// 80 columns, or the terminal's width when writing to one.
pub(super) fn table_width() -> u16 {
    if std::io::stdout().is_terminal() {
        comfy_table::Table::new()
            .width()
            .filter(|&w| w >= 40)
            .unwrap_or(80)
    } else {
        80
    }
}

/// Writes pretty JSON and a newline to stdout, as it is produced.
pub(super) fn emit_json(v: &Value) {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let _ = serde_json::to_writer_pretty(&mut out, v)
        .map_err(std::io::Error::from)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
}

/// Writes to stdout; a closed pipe (`| head`) is not an error.
pub(super) fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}
