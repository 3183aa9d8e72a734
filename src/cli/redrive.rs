//! `sfn redrive`: an unsuccessful stored execution resumed, as `RedriveExecution`
//! does: the same execution, its history going on after an `ExecutionRedriven` event.
//!
//! Mocks: without `--mocks`, the ones stored with the execution, their call
//! counters going on where the execution left them (a list "consumed call by call"
//! gives its next entry, an AWS mock file's call numbers continue). With `--mocks
//! FILE` holding other mocks, they start from their first call; they are stored
//! with the execution for the next redrive.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::{Value, json};

use super::history::resolve_message;
use super::{ColorChoice, RedriveArgs, RunFormat, exit, use_color};
use crate::engine::{self, ClockKind, Plan, RedriveError, RedriveRequest, RunOptions};
use crate::history::json_text;
use crate::load::{LoadOptions, load_text};
use crate::mocks::Mocks;
use crate::render::{self, FileReport};
use crate::store::{MOCKS, Store};

/// Our own field in the stored execution: the mock calls recorded after this event
/// id were made with the stored mocks (earlier ones with mocks since replaced).
pub(super) const MOCKS_SINCE_EVENT: &str = "mocksSinceEvent";
/// Our own field of a stored execution: the `--test-case` its MockConfigFile was run with.
pub(super) const MOCKS_TEST_CASE: &str = "mocksTestCase";

/// AWS's redrivable period: 14 days after the execution stopped.
const REDRIVABLE_MS: f64 = 14.0 * 24.0 * 3600.0 * 1000.0;
/// A redrive needs room for `ExecutionRedriven` and one more event.
const MAX_EVENTS_TO_REDRIVE: usize = engine::MAX_HISTORY_EVENTS - 1;

/// Why an execution that ended as `status` with `events` recorded cannot be
/// redriven, whenever that is asked (the redrivable period aside), in
/// `redriveStatusReason` words; `None`: it can.
pub(super) fn not_redrivable_as_ended(status: &str, events: Option<usize>) -> Option<String> {
    if !matches!(status, "FAILED" | "TIMED_OUT" | "ABORTED") {
        return Some(format!("Execution is {status} and cannot be redriven"));
    }
    if events.is_some_and(|n| n >= MAX_EVENTS_TO_REDRIVE) {
        return Some("Execution history event limit exceeded".into());
    }
    None
}

/// `RedriveExecution`'s refusal for `reason`, with the hint that fits it: the
/// status, the history's length, or the age.
fn refusal(name: &str, reason: &str) -> String {
    let hint = if reason.starts_with("Execution is ") {
        "only a FAILED, TIMED_OUT or ABORTED execution can be redriven"
    } else if reason.contains("event limit") {
        "its history has no room for more events: run it again, with fewer steps (a loop with an earlier way out, a Distributed Map for many items, or child executions)"
    } else {
        "an execution can be redriven within 14 days of its end: run it again"
    };
    format!("ExecutionNotRedrivable: {reason}. (execution '{name}': {hint})")
}

/// Why `describe` cannot be redriven now, in `DescribeExecution`'s
/// `redriveStatusReason` words; `None`: it can.
pub(super) fn not_redrivable(describe: &Value, events: Option<usize>) -> Option<String> {
    let status = describe["status"].as_str().unwrap_or_default();
    if let Some(reason) = not_redrivable_as_ended(status, events) {
        return Some(reason);
    }
    let stopped = describe["stopDate"].as_f64().unwrap_or(0.0) * 1000.0;
    if now_ms() as f64 - stopped > REDRIVABLE_MS {
        return Some("Execution redrivable period exceeded".into());
    }
    None
}

/// Sets `redriveStatus` (and `redriveStatusReason` when not redrivable) as
/// `DescribeExecution` shows them now.
pub(super) fn set_redrive_status(describe: &mut Value, events: Option<usize>) {
    let reason = not_redrivable(describe, events);
    let Some(obj) = describe.as_object_mut() else {
        return;
    };
    obj.remove("redriveStatus");
    obj.remove("redriveStatusReason");
    match reason {
        None => {
            obj.insert("redriveStatus".into(), json!("REDRIVABLE"));
        }
        Some(r) => {
            obj.insert("redriveStatus".into(), json!("NOT_REDRIVABLE"));
            obj.insert("redriveStatusReason".into(), json!(r));
        }
    }
}

pub fn run(args: &RedriveArgs) -> i32 {
    match redrive(args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            exit::COULD_NOT_RUN
        }
    }
}

fn redrive(args: &RedriveArgs) -> Result<i32, String> {
    let store = Store::locate(args.store.store.as_deref());
    if let Some(problem) = store.problem() {
        return Err(problem);
    }
    let name = match store.resolve(Some(&args.execution)) {
        Ok(name) => name,
        Err(e) => {
            eprint!("{}", resolve_message(&store, &e));
            return Ok(exit::COULD_NOT_RUN);
        }
    };
    if store.running_only(&name).is_some() {
        return Err(format!(
            "ExecutionNotRedrivable: Execution is RUNNING and cannot be redriven. (execution '{name}')"
        ));
    }
    // A status that can never be redriven is refused before the lock is taken:
    // the refusal needs no writable store. (Checked again under the lock.)
    if let Ok(describe) =
        crate::store::read_describe(&store.path_of(&name).join(crate::store::DESCRIBE))
        && let Some(reason) =
            not_redrivable_as_ended(describe["status"].as_str().unwrap_or_default(), None)
    {
        return Err(refusal(&name, &reason));
    }
    // Held until the redriven execution is stored.
    let _lock = store.lock(&name).map_err(|e| match e {
        crate::store::StoreError::Io { .. } => format!(
            "cannot write to the store {}: {e} (it must be writable, with free space; or choose another with --store DIR)",
            store.root.display()
        ),
        e => e.to_string(),
    })?;
    let mut record = store.load(&name).map_err(|e| e.to_string())?;
    let events = record.history["events"].as_array().map(Vec::len);
    if let Some(reason) = not_redrivable(&record.describe, events) {
        return Err(refusal(&name, &reason));
    }
    let events = events.unwrap_or(0);
    let definition = format!("{}/definition.json", store.path_of(&name).display());
    let loaded = load_text(
        Path::new(&definition),
        record.definition.to_string(),
        &LoadOptions::default(),
    );
    let root = loaded
        .definitions
        .first()
        .map(|d| &d.root)
        .ok_or_else(|| format!("{definition}: the stored definition is damaged"))?;
    let machine = crate::model::build(root);
    let plan =
        Plan::compile(&machine).map_err(|u| format!("state '{}': {}", u.state, u.message))?;
    let machine_name = record.describe["stateMachineArn"]
        .as_str()
        .and_then(|arn| arn.rsplit(':').next())
        .unwrap_or("state-machine")
        .to_string();

    // The mocks: the ones given, else the stored ones.
    let (mocks_text, mocks_path) = match &args.mocks {
        Some(path) => (
            Some(std::fs::read_to_string(path).map_err(|e| {
                format!(
                    "{}: the mocks file: {}",
                    path.display(),
                    crate::load::read_problem(&e)
                )
            })?),
            path.clone(),
        ),
        None => (record.mocks.clone(), store.path_of(&name).join(MOCKS)),
    };
    // The stored mocks go on in the test case the run used, unless told otherwise;
    // kept with the execution for the next redrive.
    let test_case: Option<String> = match (&args.test_case, &args.mocks) {
        (Some(case), _) => Some(case.clone()),
        (None, None) => record.describe[MOCKS_TEST_CASE].as_str().map(String::from),
        (None, Some(_)) => None,
    };
    let mocks = match &mocks_text {
        None => Mocks::empty(),
        Some(text) => {
            let names = vec![machine_name.clone(), "definition".to_string()];
            match Mocks::parse(&mocks_path, text.clone(), test_case.as_deref(), &names) {
                Ok(m) => m,
                Err(diagnostics) => {
                    let source = Arc::new(crate::load::SourceFile::new(&mocks_path, text.clone()));
                    let reports = [FileReport {
                        source,
                        machine: None,
                        diagnostics,
                        template_level: false,
                    }];
                    eprint!(
                        "{}",
                        render::human::render_reports(&reports, use_color(ColorChoice::Auto)).0
                    );
                    return Ok(exit::COULD_NOT_RUN);
                }
            }
        }
    };
    if args.mocks.is_some() {
        // As for a run: a mock for no state of the definition is probably misnamed.
        super::run::warn_unknown_mocks(&mocks, &machine);
    }
    // The same mocks go on from their earlier calls; others start afresh.
    let same_mocks = mocks_text == record.mocks;
    let since = record.describe[MOCKS_SINCE_EVENT].as_u64().unwrap_or(0);
    let replay_mocks_after = same_mocks.then_some(since);
    let mocks_since = if same_mocks { since } else { events as u64 };

    let count = record.describe["redriveCount"].as_u64().unwrap_or(0) as u32 + 1;
    let abort = Arc::new(AtomicBool::new(false));
    {
        let abort = abort.clone();
        // Ctrl-C stops the redrive as it stops a run: the execution is stored ABORTED.
        let _ = ctrlc::set_handler(move || abort.store(true, Ordering::Relaxed));
    }
    let opts = RunOptions {
        execution_name: name.clone(),
        state_machine_name: machine_name,
        seed: u64::from(count),
        clock: ClockKind::Virtual,
        start_ms: (record.describe["startDate"].as_f64().unwrap_or(0.0) * 1000.0).round() as i64,
        abort,
        s3_dir: args.s3_dir.clone(),
    };
    let redrive_ms = now_ms();
    let request = RedriveRequest {
        history: &record.history,
        input: record.input.clone(),
        redrive_count: count,
        redrive_ms,
        replay_mocks_after,
        map_runs: match &record.map_runs {
            None => Default::default(),
            Some(runs) => engine::map_runs_from_json(runs).ok_or_else(|| {
                format!(
                    "{}: the stored Map Runs are damaged",
                    store.path_of(&name).join(crate::store::MAP_RUNS).display()
                )
            })?,
        },
    };
    let mut execution = match engine::redrive(&plan, &mocks, &opts, request) {
        Ok(x) => x,
        Err(RedriveError::History(why)) => {
            return Err(format!(
                "{}: the stored history cannot be redriven: {why}",
                store.path_of(&name).join(crate::store::HISTORY).display()
            ));
        }
        Err(RedriveError::Run(e)) => {
            // As a run says it, of the file the user has: the mocks given, or, for
            // the ones kept with the run, the file they were read from then.
            let (file, note) = match &args.mocks {
                Some(p) => (p.display().to_string(), ""),
                None if record.mocks.is_none() => (
                    "your mocks file".to_string(),
                    "no mocks file is stored with this execution (it ran without --mocks, or the stored copy is lost): pass your mocks file with --mocks FILE\n",
                ),
                None => (
                    "your mocks file".to_string(),
                    "the redrive goes on with the mocks the run used: pass your mocks file, completed, with --mocks FILE\n",
                ),
            };
            eprint!(
                "{}{note}",
                super::run::missing_mock_report(*e, Some(&file), &mocks, test_case.as_deref())
            );
            return Ok(exit::COULD_NOT_RUN);
        }
    };

    let input = Value::String(json_text(&record.input));
    let mut describe = super::run::describe(&mut execution, &opts, input.into()).to_value();
    let redrive_date = redrive_ms.max(execution.history.events[events].timestamp_ms);
    if let Some(obj) = describe.as_object_mut() {
        obj.remove("redriveStatus");
        obj.remove("redriveStatusReason");
        obj.insert("redriveCount".into(), json!(count));
        obj.insert("redriveDate".into(), json!(redrive_date as f64 / 1000.0));
    }
    set_redrive_status(&mut describe, Some(execution.history.len()));
    let mut stored = describe.clone();
    if let (Some(obj), Some(old)) = (stored.as_object_mut(), record.describe.as_object()) {
        if let Some(path) = old.get("definitionPath") {
            obj.insert("definitionPath".into(), path.clone());
        }
        if let Some(case) = &test_case {
            obj.insert(MOCKS_TEST_CASE.into(), json!(case));
        }
        obj.insert(MOCKS_SINCE_EVENT.into(), json!(mocks_since));
    }
    record.describe = stored;
    record.history = execution.history.to_json();
    record.mocks = mocks_text;
    record.map_runs = execution.map_runs_to_keep();
    let saved = store.replace(&name, &record);

    match args.format {
        RunFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&describe).unwrap_or_default()
        ),
        RunFormat::Human => print_human(&name, &describe, execution.history.len() - events),
    }
    // The redrive ran: its result is shown above, then why it is not stored.
    if let Err(e) = saved {
        // A system error gets what to check; the store's own errors say it already.
        let advice = match &e {
            crate::store::StoreError::Io { path, .. } if !path.is_file() => format!(
                " (the store {} must be writable, with free space)",
                store.root.display()
            ),
            _ => String::new(),
        };
        return Err(format!(
            "the redrive ended {} but is not stored, and execution '{name}' is kept as it was: {e}{advice}",
            execution.status.as_str(),
        ));
    }
    Ok(match execution.status {
        engine::Status::Succeeded => exit::OK,
        _ => exit::FAILED,
    })
}

fn print_human(name: &str, d: &Value, new_events: usize) {
    let status = d["status"].as_str().unwrap_or_default();
    let count = &d["redriveCount"];
    println!("{name} redriven (redrive {count}): {status}, {new_events} new events");
    let text = |k: &str| d[k].as_str().map(str::to_string);
    if let Some(o) = text("output") {
        let pretty = serde_json::from_str::<Value>(&o)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
            .unwrap_or(o);
        println!("output: {pretty}");
    }
    if let Some(e) = text("error") {
        println!("error: {e}");
    }
    if let Some(c) = text("cause") {
        println!("cause: {c}");
    }
    if d["redriveStatus"] == "REDRIVABLE" {
        println!("`sfn redrive {name}` redrives it again; `sfn history {name}` shows every event");
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
