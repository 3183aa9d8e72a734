//! Aborts and redrives: the events they record, exactly.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::{Value, json};

use super::*;
use crate::load::{LoadOptions, load_text};

const START: i64 = 1_700_000_000_000;

fn opts(clock: ClockKind) -> RunOptions {
    RunOptions {
        execution_name: "e".into(),
        state_machine_name: "m".into(),
        seed: 7,
        clock,
        start_ms: START,
        abort: Arc::new(AtomicBool::new(false)),
        s3_dir: "s3".into(),
    }
}

fn plan(definition: &Value) -> Plan {
    let loaded = load_text(
        Path::new("t.asl.json"),
        definition.to_string(),
        &LoadOptions::default(),
    );
    let model = crate::model::build(&loaded.definitions[0].root);
    Plan::compile(&model).unwrap_or_else(|u| panic!("{u:?}"))
}

/// Mocks in the native YAML form.
fn mocks(yaml: &str) -> Mocks {
    Mocks::parse(Path::new("m.yaml"), yaml.into(), None, &["m".to_string()])
        .unwrap_or_else(|d| panic!("{d:?}"))
}

fn run(definition: &Value, input: Value, m: &Mocks, o: &RunOptions) -> Execution {
    execute(&plan(definition), input, m, o).unwrap_or_else(|e| panic!("{e:?}"))
}

/// Redrives `x` at `at_ms`, the mock counters continuing from the start.
fn redrive_at(
    definition: &Value,
    x: &Execution,
    input: Value,
    m: &Mocks,
    count: u32,
    at_ms: i64,
) -> Execution {
    let history = x.history.to_json();
    let request = RedriveRequest {
        history: &history,
        input,
        redrive_count: count,
        redrive_ms: at_ms,
        replay_mocks_after: Some(0),
        map_runs: x.map_runs.clone(),
    };
    super::redrive(&plan(definition), m, &opts(ClockKind::Virtual), request)
        .unwrap_or_else(|e| panic!("{e:?}"))
}

fn again(definition: &Value, x: &Execution, input: Value, m: &Mocks) -> Execution {
    redrive_at(definition, x, input, m, 1, x.stop_ms + 60_000)
}

/// `(type, previousEventId)` of the events from `from` (1-based id) on.
fn chain_from(x: &Execution, from: u64) -> Vec<(&'static str, u64)> {
    x.history
        .events
        .iter()
        .filter(|e| e.id >= from)
        .map(|e| (e.event_type, e.previous_event_id))
        .collect()
}

fn event(x: &Execution, id: u64) -> Value {
    x.history.events[id as usize - 1].to_json()
}

// ---- Aborts ----

#[test]
fn an_abort_before_the_first_state_records_only_the_abort() {
    let o = opts(ClockKind::Virtual);
    o.abort.store(true, Ordering::Relaxed);
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}});
    let x = run(&def, json!({}), &Mocks::empty(), &o);
    assert_eq!(x.status, Status::Aborted);
    assert_eq!(
        chain_from(&x, 1),
        [("ExecutionStarted", 0), ("ExecutionAborted", 0)]
    );
}

/// Sets the abort flag after a moment, as Ctrl-C would.
fn abort_soon(o: &RunOptions) -> std::thread::JoinHandle<()> {
    let flag = o.abort.clone();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(200));
        flag.store(true, Ordering::Relaxed);
    })
}

#[test]
fn a_wait_in_progress_is_stopped_as_aws_records_stop_execution() {
    // AWS (LocalStack's test_stop_execution snapshot, recorded against AWS): the
    // Wait gets no event of its own; ExecutionAborted follows no event, with `{}`.
    let o = opts(ClockKind::Real);
    let def =
        json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": true}}});
    let stopper = abort_soon(&o);
    let x = run(&def, json!({}), &Mocks::empty(), &o);
    stopper.join().unwrap();
    assert_eq!(x.status, Status::Aborted);
    assert_eq!(
        chain_from(&x, 1),
        [
            ("ExecutionStarted", 0),
            ("WaitStateEntered", 0),
            ("ExecutionAborted", 0)
        ]
    );
    assert_eq!(event(&x, 3)["executionAbortedEventDetails"], json!({}));
    // Stopped when the flag was set, not when the Wait began (nor after it).
    assert!(x.stop_ms - x.start_ms >= 200, "{}", x.stop_ms - x.start_ms);
    assert!(x.stop_ms - x.start_ms < 60_000);
    assert_eq!(x.history.events[2].timestamp_ms, x.stop_ms);
}

/// With the real clock, Parallel branches run side by side on the wall clock
/// too: stopped at 200 ms, both branches have started (the second's Task is
/// under way), and the failure the third would raise at 30 s has not happened.
#[test]
fn with_the_real_clock_branches_are_side_by_side_when_stopped() {
    let o = opts(ClockKind::Real);
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true,
        "Branches": [
            {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 60, "End": true}}},
            {"StartAt": "T", "States": {"T": {"Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke", "End": true}}},
            {"StartAt": "Late", "States": {"Late": {"Type": "Wait", "Seconds": 30, "Next": "Boom"},
                "Boom": {"Type": "Fail", "Error": "E"}}}]}}});
    let m = mocks("T:\n  delay: 60\n  return: {}\n");
    let stopper = abort_soon(&o);
    let x = run(&def, json!({}), &m, &o);
    stopper.join().unwrap();
    assert_eq!(x.status, Status::Aborted);
    let types: Vec<&str> = x.history.events.iter().map(|e| e.event_type).collect();
    // At the same instant, the Task is entered in a step of its own, after the
    // states the other branches enter at once (see `interleave.rs`).
    assert_eq!(
        types,
        [
            "ExecutionStarted",
            "ParallelStateEntered",
            "ParallelStateStarted",
            "WaitStateEntered",
            "WaitStateEntered",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "ExecutionAborted"
        ]
    );
    assert!(x.stop_ms - x.start_ms < 30_000);
}

#[test]
fn a_task_in_progress_is_stopped_without_an_event_of_its_own() {
    // As a real history of a Task stopped while it ran: TaskScheduled, TaskStarted,
    // then ExecutionAborted chained to no event.
    let o = opts(ClockKind::Real);
    let def = json!({"StartAt": "T", "States": {"T": {"Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke", "End": true}}});
    let m = mocks("T:\n  delay: 60\n  return: {}\n");
    let stopper = abort_soon(&o);
    let x = run(&def, json!({}), &m, &o);
    stopper.join().unwrap();
    assert_eq!(
        chain_from(&x, 1),
        [
            ("ExecutionStarted", 0),
            ("TaskStateEntered", 0),
            ("TaskScheduled", 2),
            ("TaskStarted", 3),
            ("ExecutionAborted", 0)
        ]
    );
    assert!(x.stop_ms - x.start_ms >= 200);
}

// ---- Redrives ----

fn task(name: &str, next: Option<&str>) -> Value {
    let mut t = json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke"});
    match next {
        Some(n) => t["Next"] = json!(n),
        None => t["End"] = json!(true),
    }
    let _ = name;
    t
}

#[test]
fn a_failed_task_runs_again_after_execution_redriven_and_earlier_states_keep_their_results() {
    let def = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Result": {"a": 1}, "ResultPath": "$.a", "Next": "B"},
        "B": task("B", None),
    }});
    // The list goes on call by call: the redrive's call gets the second entry.
    let m = mocks("B:\n  - throw: {error: Boom, cause: broken}\n  - return: {ok: true}\n");
    let x = run(&def, json!({"in": 1}), &m, &opts(ClockKind::Virtual));
    assert_eq!(x.status, Status::Failed);
    assert_eq!(x.history.len(), 8);
    let r = again(&def, &x, json!({"in": 1}), &m);
    assert_eq!(r.status, Status::Succeeded);
    assert_eq!(r.output, Some(json!({"ok": true})));
    assert_eq!(
        chain_from(&r, 1),
        [
            ("ExecutionStarted", 0),
            ("PassStateEntered", 0),
            ("PassStateExited", 2),
            ("TaskStateEntered", 3),
            ("TaskScheduled", 4),
            ("TaskStarted", 5),
            ("TaskFailed", 6),
            ("ExecutionFailed", 7),
            ("ExecutionRedriven", 8),
            ("TaskStateEntered", 9),
            ("TaskScheduled", 10),
            ("TaskStarted", 11),
            ("TaskSucceeded", 12),
            ("TaskStateExited", 13),
            ("ExecutionSucceeded", 14),
        ]
    );
    assert_eq!(
        event(&r, 9)["executionRedrivenEventDetails"],
        json!({"redriveCount": 1})
    );
    // The state runs again with the input it was entered with.
    assert_eq!(
        event(&r, 10)["stateEnteredEventDetails"]["input"],
        json!(r#"{"in":1,"a":{"a":1}}"#)
    );
    // The earlier events are kept as they were.
    assert_eq!(
        r.history.to_json()["events"].as_array().unwrap()[..8],
        x.history.to_json()["events"].as_array().unwrap()[..]
    );
    assert_eq!(r.start_ms, x.start_ms);
    assert_eq!(r.history.events[8].timestamp_ms, x.stop_ms + 60_000);
}

#[test]
fn retries_start_from_zero_and_redrive_count_two_after_two_redrives() {
    let mut t = task("T", None);
    t["Retry"] = json!([{"ErrorEquals": ["Boom"], "MaxAttempts": 1, "IntervalSeconds": 1}]);
    let def = json!({"StartAt": "T", "States": {"T": t}});
    // Two calls per attempt fail (the call and its one retry); the fifth succeeds.
    let m = mocks(
        "T:\n  - throw: {error: Boom}\n  - throw: {error: Boom}\n  - throw: {error: Boom}\n  - throw: {error: Boom}\n  - return: {n: 5}\n",
    );
    let x = run(&def, json!({}), &m, &opts(ClockKind::Virtual));
    assert_eq!(x.status, Status::Failed);
    let once = again(&def, &x, json!({}), &m);
    assert_eq!(once.status, Status::Failed);
    let scheduled = |x: &Execution| {
        x.history
            .events
            .iter()
            .filter(|e| e.event_type == "TaskScheduled")
            .count()
    };
    // The retrier's one attempt is made again after the redrive.
    assert_eq!((scheduled(&x), scheduled(&once)), (2, 4));
    let twice = redrive_at(&def, &once, json!({}), &m, 2, once.stop_ms + 1_000);
    assert_eq!(twice.status, Status::Succeeded);
    assert_eq!(twice.output, Some(json!({"n": 5})));
    let redriven: Vec<Value> = twice
        .history
        .events
        .iter()
        .filter(|e| e.event_type == "ExecutionRedriven")
        .map(|e| e.to_json()["executionRedrivenEventDetails"].clone())
        .collect();
    assert_eq!(
        redriven,
        [json!({"redriveCount": 1}), json!({"redriveCount": 2})]
    );
    assert_eq!(
        chain_from(&twice, 19),
        [
            ("ExecutionRedriven", 18),
            ("TaskStateEntered", 19),
            ("TaskScheduled", 20),
            ("TaskStarted", 21),
            ("TaskSucceeded", 22),
            ("TaskStateExited", 23),
            ("ExecutionSucceeded", 24),
        ]
    );
}

#[test]
fn only_the_failed_parallel_branch_runs_again() {
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
        {"StartAt": "X", "States": {"X": {"Type": "Pass", "Result": "x", "End": true}}},
        {"StartAt": "Y1", "States": {
            "Y1": {"Type": "Pass", "Result": "y1", "Next": "Y2"},
            "Y2": task("Y2", None)}},
    ]}}});
    let m = mocks("Y2:\n  - throw: {error: Boom}\n  - return: y2\n");
    let x = run(&def, json!({}), &m, &opts(ClockKind::Virtual));
    assert_eq!(x.status, Status::Failed);
    assert_eq!(
        chain_from(&x, 1),
        [
            ("ExecutionStarted", 0),
            ("ParallelStateEntered", 0),
            ("ParallelStateStarted", 2),
            ("PassStateEntered", 3),
            ("PassStateExited", 4),
            ("PassStateEntered", 3),
            ("PassStateExited", 6),
            ("TaskStateEntered", 7),
            ("TaskScheduled", 8),
            ("TaskStarted", 9),
            ("TaskFailed", 10),
            ("TaskStateAborted", 11),
            ("ParallelStateFailed", 12),
            ("ExecutionFailed", 13),
        ]
    );
    let r = again(&def, &x, json!({}), &m);
    assert_eq!(r.status, Status::Succeeded);
    assert_eq!(r.output, Some(json!(["x", "y2"])));
    // Branch X and state Y1 do not run again: the branch resumes at Y2.
    assert_eq!(
        chain_from(&r, 15),
        [
            ("ExecutionRedriven", 14),
            ("ParallelStateEntered", 15),
            ("ParallelStateStarted", 16),
            ("TaskStateEntered", 17),
            ("TaskScheduled", 18),
            ("TaskStarted", 19),
            ("TaskSucceeded", 20),
            ("TaskStateExited", 21),
            ("ParallelStateSucceeded", 22),
            ("ParallelStateExited", 22),
            ("ExecutionSucceeded", 24),
        ]
    );
    assert_eq!(
        event(&r, 18)["stateEnteredEventDetails"]["input"],
        json!("\"y1\"")
    );
}

#[test]
fn only_the_failed_inline_map_iteration_runs_again() {
    let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
        "ItemProcessor": {"StartAt": "T", "States": {"T": task("T", None)}}}}});
    // Item 1 fails the first time it is called.
    let m = mocks(
        "T:\n  - when: {v: 1}\n    throw: {error: Boom}\n  - when: {v: 0}\n    return: zero\n  - return: other\n",
    );
    let input = json!([{"v": 0}, {"v": 1}, {"v": 2}]);
    let x = run(&def, input.clone(), &m, &opts(ClockKind::Virtual));
    assert_eq!(x.status, Status::Failed);
    // The three start side by side; 0 succeeds, 1 fails, 2 is aborted in its Task.
    let iterations: Vec<(&str, Value)> = x
        .history
        .events
        .iter()
        .filter(|e| e.event_type.starts_with("MapIteration"))
        .map(|e| {
            (
                e.event_type,
                e.to_json()["mapIterationStartedEventDetails"]["index"].clone(),
            )
        })
        .collect();
    assert_eq!(iterations.len(), 6);
    let r = again(&def, &x, input, &m);
    assert_eq!(r.status, Status::Succeeded);
    assert_eq!(r.output, Some(json!(["zero", "other", "other"])));
    let from = x.history.len() as u64 + 1;
    let m0 = from + 1;
    assert_eq!(
        chain_from(&r, from),
        [
            ("ExecutionRedriven", from - 1),
            ("MapStateEntered", from),
            ("MapStateStarted", m0),
            // The two iterations run again side by side (interleave.rs).
            ("MapIterationStarted", m0 + 1),
            ("MapIterationStarted", m0 + 1),
            ("TaskStateEntered", m0 + 2),
            ("TaskScheduled", m0 + 4),
            ("TaskStateEntered", m0 + 3),
            ("TaskScheduled", m0 + 6),
            ("TaskStarted", m0 + 5),
            ("TaskStarted", m0 + 7),
            ("TaskSucceeded", m0 + 8),
            ("TaskStateExited", m0 + 10),
            ("MapIterationSucceeded", m0 + 11),
            ("TaskSucceeded", m0 + 9),
            ("TaskStateExited", m0 + 13),
            ("MapIterationSucceeded", m0 + 14),
            ("MapStateSucceeded", m0 + 15),
            ("MapStateExited", m0 + 15),
            ("ExecutionSucceeded", m0 + 17),
        ]
    );
    let indexes: Vec<Value> = r.history.events[from as usize..]
        .iter()
        .filter(|e| e.event_type == "MapIterationStarted")
        .map(|e| e.to_json()["mapIterationStartedEventDetails"]["index"].clone())
        .collect();
    assert_eq!(indexes, [json!(1), json!(2)]);
    assert_eq!(
        event(&r, from + 2)["mapStateStartedEventDetails"],
        json!({"length": 3})
    );
}

#[test]
fn a_timed_out_execution_resumes_its_task_with_the_timeout_counted_from_the_redrive() {
    let def = json!({"TimeoutSeconds": 10, "StartAt": "W", "States": {
        "W": {"Type": "Wait", "Seconds": 5, "Next": "T"},
        "T": task("T", None)}});
    let m = mocks("T:\n  - delay: 20\n    return: slow\n  - delay: 8\n    return: fast\n");
    let x = run(&def, json!({}), &m, &opts(ClockKind::Virtual));
    assert_eq!(x.status, Status::TimedOut);
    let r = again(&def, &x, json!({}), &m);
    assert_eq!(r.status, Status::Succeeded);
    assert_eq!(r.output, Some(json!("fast")));
    assert_eq!(
        chain_from(&r, x.history.len() as u64 + 1)
            .iter()
            .map(|(t, _)| *t)
            .collect::<Vec<_>>(),
        [
            "ExecutionRedriven",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskSucceeded",
            "TaskStateExited",
            "ExecutionSucceeded"
        ]
    );
}

#[test]
fn an_aborted_execution_resumes_the_state_that_was_in_progress() {
    let def = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "W"},
        "W": {"Type": "Wait", "Seconds": 60, "Next": "Z"},
        "Z": {"Type": "Pass", "Result": "done", "End": true}}});
    let o = opts(ClockKind::Real);
    let stopper = abort_soon(&o);
    let x = run(&def, json!({"k": 1}), &Mocks::empty(), &o);
    stopper.join().unwrap();
    assert_eq!(x.status, Status::Aborted);
    assert_eq!(x.history.len(), 5);
    let r = again(&def, &x, json!({"k": 1}), &Mocks::empty());
    assert_eq!(r.status, Status::Succeeded);
    assert_eq!(
        chain_from(&r, 6),
        [
            ("ExecutionRedriven", 5),
            ("WaitStateEntered", 6),
            ("WaitStateExited", 7),
            ("PassStateEntered", 8),
            ("PassStateExited", 9),
            ("ExecutionSucceeded", 10),
        ]
    );
}

#[test]
fn an_execution_aborted_before_its_first_state_starts_from_the_beginning() {
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}});
    let o = opts(ClockKind::Virtual);
    o.abort.store(true, Ordering::Relaxed);
    let x = run(&def, json!({"k": 1}), &Mocks::empty(), &o);
    let r = again(&def, &x, json!({"k": 1}), &Mocks::empty());
    assert_eq!(r.output, Some(json!({"k": 1})));
    assert_eq!(
        chain_from(&r, 3),
        [
            ("ExecutionRedriven", 2),
            ("PassStateEntered", 3),
            ("PassStateExited", 4),
            ("ExecutionSucceeded", 5),
        ]
    );
}

#[test]
fn variables_assigned_before_the_failure_are_seen_after_the_redrive() {
    let def = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Assign": {"x": 42}, "Next": "T"},
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": {"x.$": "$x"}, "End": true}}});
    let m = mocks("T:\n  - throw: {error: Boom}\n  - when: {x: 42}\n    return: seen\n");
    let x = run(&def, json!({}), &m, &opts(ClockKind::Virtual));
    assert_eq!(x.status, Status::Failed);
    let r = again(&def, &x, json!({}), &m);
    assert_eq!(r.output, Some(json!("seen")));
}

#[test]
fn a_damaged_history_is_refused_with_a_reason() {
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}});
    let request = RedriveRequest {
        history: &json!({"events": [{"type": "PassStateEntered", "id": 1}]}),
        input: json!({}),
        redrive_count: 1,
        redrive_ms: START,
        replay_mocks_after: None,
        map_runs: Default::default(),
    };
    let e = super::redrive(
        &plan(&def),
        &Mocks::empty(),
        &opts(ClockKind::Virtual),
        request,
    )
    .unwrap_err();
    assert_eq!(
        e,
        RedriveError::History("the history does not begin with ExecutionStarted".into())
    );
}
