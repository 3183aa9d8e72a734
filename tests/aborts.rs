//! Parallel branches and inline Map iterations side by side: their events interleave
//! by time, and when one fails, what the others have in flight is recorded as
//! aborted.
//!
//! No AWS recording in the conformance cases shows a sibling being cut. The shapes
//! pinned here follow what floci (github.com/floci-io/floci) measured on AWS and pins
//! in `AslExecutorParallelCutTest` and `StepFunctionsMapIterationFailureIntegrationTest`
//! ("measured in ap-northeast-1 on 2026-09-30"):
//! - Parallel: one `<Type>StateAborted` (no details) per cut branch, for the state it
//!   is in, chained to the failing branch's last event, before `ParallelStateFailed`,
//!   which chains to that same event; a branch that had finished records nothing;
//! - inline Map: per cut iteration `MapIterationAborted` (index, name) then the
//!   `<Type>StateAborted` of its state, all chained to the failing iteration's last
//!   event, then `MapIterationFailed` and `MapStateFailed`, chained to that event too.
//!
//! At the same instant, siblings take turns at their Tasks (`interleave.rs`): an
//! inline Map of Lambda tasks starts every iteration first, as AWS recorded it
//! (`map_iterations_calling_tasks_start_side_by_side_as_aws_records_them`).
//!
//! Guesses (nothing measured): abort events carry the failure's timestamp; a nested
//! Parallel or Map in flight is aborted outer first (`ParallelStateAborted`, then
//! what its branches had in flight); a Map iteration started while the one before it
//! is still running chains to that one's latest event so far.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use serde_json::{Value, json};
use sfn::engine::{ClockKind, Execution, Plan, RunOptions, Status, execute};
use sfn::load::{LoadOptions, load_text};
use sfn::mocks::Mocks;

const START_MS: i64 = 1_700_000_000_000;

/// Runs a definition with mocks in the native format (`null`: none).
fn run(definition: Value, input: Value, mocks: Value) -> Execution {
    let loaded = load_text(
        Path::new("t.asl.json"),
        definition.to_string(),
        &LoadOptions::default(),
    );
    let model = sfn::model::build(&loaded.definitions[0].root);
    let plan = Plan::compile(&model).unwrap_or_else(|u| panic!("{u:?}"));
    let mocks = if mocks.is_null() {
        Mocks::empty()
    } else {
        Mocks::parse(Path::new("m.json"), mocks.to_string(), None, &[])
            .unwrap_or_else(|d| panic!("{d:?}"))
    };
    let opts = RunOptions {
        execution_name: "e".into(),
        state_machine_name: "m".into(),
        seed: 7,
        clock: ClockKind::Virtual,
        start_ms: START_MS,
        abort: Arc::new(AtomicBool::new(false)),
        s3_dir: "s3".into(),
    };
    execute(&plan, input, &mocks, &opts).unwrap_or_else(|e| panic!("{e:?}"))
}

/// Each event as `id prev +seconds Type what`: `what` is the state's name, or a Map
/// iteration's index.
fn lines(x: &Execution) -> Vec<String> {
    x.history
        .events
        .iter()
        .map(|e| {
            let json = e.to_json();
            let details = json
                .as_object()
                .unwrap()
                .iter()
                .find(|(k, _)| k.ends_with("EventDetails"))
                .map(|(_, v)| v.clone())
                .unwrap_or(Value::Null);
            let what = match (details.get("name"), details.get("index")) {
                (_, Some(i)) => format!("#{i}"),
                (Some(n), None) => n.as_str().unwrap_or_default().to_string(),
                _ => String::new(),
            };
            let t = (e.timestamp_ms - START_MS) as f64 / 1000.0;
            format!(
                "{} {} +{t} {} {what}",
                e.id, e.previous_event_id, e.event_type
            )
            .trim_end()
            .to_string()
        })
        .collect()
}

fn task(name: &str, next: Option<&str>) -> Value {
    let mut t = json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": name}});
    match next {
        Some(n) => t["Next"] = json!(n),
        None => t["End"] = json!(true),
    }
    t
}

fn branch(start: &str, states: Value) -> Value {
    json!({"StartAt": start, "States": states})
}

fn parallel(branches: Vec<Value>) -> Value {
    json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": branches, "End": true}}})
}

/// Waits `seconds`, then fails.
fn failing_branch(wait: &str, seconds: u64) -> Value {
    branch(
        wait,
        json!({
            wait: {"Type": "Wait", "Seconds": seconds, "Next": "Boom"},
            "Boom": {"Type": "Fail", "Error": "Boom", "Cause": "sibling failed"}
        }),
    )
}

#[test]
fn a_failing_branch_aborts_the_wait_and_the_tasks_its_siblings_are_in() {
    let x = run(
        parallel(vec![
            branch(
                "W0",
                json!({"W0": {"Type": "Wait", "Seconds": 10, "End": true}}),
            ),
            branch("T1", json!({"T1": task("T1", None)})),
            failing_branch("W2", 2),
            // Done before the failure: nothing aborted.
            branch("T3", json!({"T3": task("T3", None)})),
            // After the failing branch in the list, still running at the failure.
            branch("T4", json!({"T4": task("T4", None)})),
        ]),
        json!({}),
        json!({
            "T1": {"delay": 10, "return": {"Payload": 1}},
            "T3": {"delay": 1, "return": {"Payload": 3}},
            "T4": {"delay": 5, "return": {"Payload": 4}}
        }),
    );
    assert_eq!(x.status, Status::Failed);
    assert_eq!(x.error.as_deref(), Some("Boom"));
    assert_eq!(
        lines(&x),
        [
            "1 0 +0 ExecutionStarted",
            "2 0 +0 ParallelStateEntered P",
            "3 2 +0 ParallelStateStarted",
            "4 3 +0 WaitStateEntered W0",
            "5 3 +0 WaitStateEntered W2",
            "6 3 +0 TaskStateEntered T1",
            "7 6 +0 TaskScheduled",
            "8 3 +0 TaskStateEntered T3",
            "9 8 +0 TaskScheduled",
            "10 3 +0 TaskStateEntered T4",
            "11 10 +0 TaskScheduled",
            "12 7 +0 TaskStarted",
            "13 9 +0 TaskStarted",
            "14 11 +0 TaskStarted",
            "15 13 +1 TaskSucceeded",
            "16 15 +1 TaskStateExited T3",
            "17 5 +2 WaitStateExited W2",
            "18 17 +2 FailStateEntered Boom",
            "19 18 +2 WaitStateAborted",
            "20 18 +2 TaskStateAborted",
            "21 18 +2 TaskStateAborted",
            "22 18 +2 ParallelStateFailed",
            "23 22 +2 ExecutionFailed",
        ]
    );
    // The execution stops when the branch fails, not when the others would have.
    assert_eq!(x.stop_ms - x.start_ms, 2_000);
}

/// Mocks that answer at once, as most are written: a Task failing at once still
/// lets the branches after it start theirs (on AWS every call takes time), and they
/// are aborted; before, a later branch never started.
#[test]
fn branches_after_one_failing_at_once_start_their_tasks_and_are_aborted() {
    let x = run(
        parallel(vec![
            branch("A", json!({"A": task("A", None)})),
            branch("B", json!({"B": task("B", None)})),
            branch("C", json!({"C": task("C", None)})),
        ]),
        json!({}),
        json!({
            "A": {"return": {"Payload": "a"}},
            "B": {"throw": {"error": "Boom", "cause": "b"}},
            "C": {"return": {"Payload": "c"}}
        }),
    );
    assert_eq!(x.error.as_deref(), Some("Boom"));
    assert_eq!(
        lines(&x)[3..],
        [
            "4 3 +0 TaskStateEntered A",
            "5 4 +0 TaskScheduled",
            "6 3 +0 TaskStateEntered B",
            "7 6 +0 TaskScheduled",
            "8 3 +0 TaskStateEntered C",
            "9 8 +0 TaskScheduled",
            "10 5 +0 TaskStarted",
            "11 7 +0 TaskStarted",
            "12 9 +0 TaskStarted",
            "13 10 +0 TaskSucceeded",
            "14 13 +0 TaskStateExited A",
            "15 11 +0 TaskFailed",
            "16 15 +0 TaskStateAborted",
            // C, in its Task, chained to the failing branch's last event.
            "17 16 +0 TaskStateAborted",
            "18 16 +0 ParallelStateFailed",
            "19 18 +0 ExecutionFailed",
        ]
    );
}

/// MaxConcurrency 2 with mocks that answer at once: two iterations at a time, each
/// pair side by side; when the third item's Task fails, the fourth, started beside
/// it, is aborted, and the fifth never starts.
#[test]
fn iterations_two_at_a_time_take_the_slot_freed_first() {
    let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrency": 2, "End": true,
        "ItemProcessor": {"StartAt": "T", "States": {"T": {"Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "f", "Payload.$": "$"}, "End": true}}}}}});
    let x = run(
        def,
        json!([1, 2, 3, 4, 5]),
        json!({"T": [{"when": {"Payload": 3}, "throw": {"error": "Boom"}}, {"return": {"ok": 1}}]}),
    );
    assert_eq!(x.error.as_deref(), Some("Boom"));
    let iterations: Vec<String> = lines(&x)
        .into_iter()
        .filter(|l| l.contains("MapIteration"))
        .map(|l| l.split(' ').skip(3).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        iterations,
        [
            "MapIterationStarted #0",
            "MapIterationStarted #1",
            "MapIterationSucceeded #0",
            "MapIterationSucceeded #1",
            "MapIterationStarted #2",
            "MapIterationStarted #3",
            "MapIterationAborted #3",
            "MapIterationFailed #2",
        ]
    );
}

#[test]
fn a_failing_task_ends_its_branch_and_aborts_the_siblings_after_its_own_abort() {
    let x = run(
        parallel(vec![
            branch(
                "W0",
                json!({"W0": {"Type": "Wait", "Seconds": 10, "End": true}}),
            ),
            branch("T1", json!({"T1": task("T1", None)})),
        ]),
        json!({}),
        json!({"T1": {"delay": 3, "throw": {"error": "Nope", "cause": "no"}}}),
    );
    assert_eq!(x.error.as_deref(), Some("Nope"));
    assert_eq!(
        lines(&x)[3..],
        [
            "4 3 +0 WaitStateEntered W0",
            "5 3 +0 TaskStateEntered T1",
            "6 5 +0 TaskScheduled",
            "7 6 +0 TaskStarted",
            "8 7 +3 TaskFailed",
            // The failing Task's own abort, as AWS's recorded test_parallel_catch_error.
            "9 8 +3 TaskStateAborted",
            "10 9 +3 WaitStateAborted",
            "11 9 +3 ParallelStateFailed",
            "12 11 +3 ExecutionFailed",
        ]
    );
}

#[test]
fn branches_that_take_time_interleave_by_time() {
    let x = run(
        parallel(vec![
            branch(
                "A",
                json!({"A": {"Type": "Wait", "Seconds": 2, "Next": "A2"},
                       "A2": {"Type": "Pass", "End": true}}),
            ),
            branch(
                "B",
                json!({"B": task("B", Some("B2")), "B2": {"Type": "Pass", "End": true}}),
            ),
        ]),
        json!({}),
        json!({"B": {"delay": 1, "return": {"Payload": "b"}}}),
    );
    assert_eq!(x.status, Status::Succeeded);
    assert_eq!(
        lines(&x),
        [
            "1 0 +0 ExecutionStarted",
            "2 0 +0 ParallelStateEntered P",
            "3 2 +0 ParallelStateStarted",
            "4 3 +0 WaitStateEntered A",
            "5 3 +0 TaskStateEntered B",
            "6 5 +0 TaskScheduled",
            "7 6 +0 TaskStarted",
            "8 7 +1 TaskSucceeded",
            "9 8 +1 TaskStateExited B",
            "10 9 +1 PassStateEntered B2",
            "11 10 +1 PassStateExited B2",
            "12 4 +2 WaitStateExited A",
            "13 12 +2 PassStateEntered A2",
            "14 13 +2 PassStateExited A2",
            // The state's end follows the branch that ended last.
            "15 14 +2 ParallelStateSucceeded",
            "16 14 +2 ParallelStateExited P",
            "17 16 +2 ExecutionSucceeded",
        ]
    );
    assert_eq!(x.output, Some(json!([{}, {"Payload": "b"}])));
}

#[test]
fn retries_interleave_with_the_other_branch() {
    let mut t = task("T", None);
    t["Retry"] = json!([{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 2, "MaxAttempts": 1}]);
    let x = run(
        parallel(vec![
            branch("T", json!({"T": t})),
            branch(
                "W",
                json!({"W": {"Type": "Wait", "Seconds": 1, "End": true}}),
            ),
        ]),
        json!({}),
        json!({"T": [{"throw": {"error": "Flaky", "cause": "once"}}, {"return": {"Payload": 1}}]}),
    );
    assert_eq!(x.status, Status::Succeeded);
    assert_eq!(
        lines(&x)[3..],
        [
            "4 3 +0 WaitStateEntered W",
            "5 3 +0 TaskStateEntered T",
            "6 5 +0 TaskScheduled",
            "7 6 +0 TaskStarted",
            "8 7 +0 TaskFailed",
            "9 4 +1 WaitStateExited W",
            "10 8 +2 TaskScheduled",
            "11 10 +2 TaskStarted",
            "12 11 +2 TaskSucceeded",
            "13 12 +2 TaskStateExited T",
            "14 13 +2 ParallelStateSucceeded",
            "15 13 +2 ParallelStateExited P",
            "16 15 +2 ExecutionSucceeded",
        ]
    );
}

#[test]
fn a_nested_parallel_in_flight_is_aborted_with_what_its_branches_are_in() {
    let inner = json!({"Type": "Parallel", "End": true, "Branches": [
        branch("IW", json!({"IW": {"Type": "Wait", "Seconds": 10, "End": true}})),
        branch("IT", json!({"IT": task("IT", None)})),
    ]});
    let x = run(
        parallel(vec![
            branch("P2", json!({"P2": inner})),
            failing_branch("W", 3),
        ]),
        json!({}),
        json!({"IT": {"delay": 10, "return": {"Payload": 1}}}),
    );
    assert_eq!(x.error.as_deref(), Some("Boom"));
    assert_eq!(
        lines(&x),
        [
            "1 0 +0 ExecutionStarted",
            "2 0 +0 ParallelStateEntered P",
            "3 2 +0 ParallelStateStarted",
            "4 3 +0 ParallelStateEntered P2",
            "5 4 +0 ParallelStateStarted",
            "6 5 +0 WaitStateEntered IW",
            "7 3 +0 WaitStateEntered W",
            "8 5 +0 TaskStateEntered IT",
            "9 8 +0 TaskScheduled",
            "10 9 +0 TaskStarted",
            "11 7 +3 WaitStateExited W",
            "12 11 +3 FailStateEntered Boom",
            "13 12 +3 ParallelStateAborted",
            "14 12 +3 WaitStateAborted",
            "15 12 +3 TaskStateAborted",
            "16 12 +3 ParallelStateFailed",
            "17 16 +3 ExecutionFailed",
        ]
    );
}

#[test]
fn a_nested_map_in_flight_is_aborted_with_its_iterations() {
    let inner = json!({"Type": "Map", "End": true, "ItemProcessor": {
        "StartAt": "IW", "States": {"IW": {"Type": "Wait", "Seconds": 10, "End": true}}}});
    let x = run(
        json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
            branch("M2", json!({"M2": inner})),
            failing_branch("W", 3),
        ]}}}),
        json!([1, 2]),
        Value::Null,
    );
    assert_eq!(
        lines(&x)[3..],
        [
            "4 3 +0 MapStateEntered M2",
            "5 4 +0 MapStateStarted",
            "6 5 +0 MapIterationStarted #0",
            "7 6 +0 WaitStateEntered IW",
            "8 7 +0 MapIterationStarted #1",
            "9 8 +0 WaitStateEntered IW",
            "10 3 +0 WaitStateEntered W",
            "11 10 +3 WaitStateExited W",
            "12 11 +3 FailStateEntered Boom",
            "13 12 +3 MapStateAborted",
            "14 12 +3 MapIterationAborted #0",
            "15 12 +3 WaitStateAborted",
            "16 12 +3 MapIterationAborted #1",
            "17 12 +3 WaitStateAborted",
            "18 12 +3 ParallelStateFailed",
            "19 18 +3 ExecutionFailed",
        ]
    );
}

fn routed_map(max_concurrency: u64) -> Value {
    json!({"StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrency": max_concurrency,
        "End": true, "ItemProcessor": {"StartAt": "Route", "States": {
            "Route": {"Type": "Choice", "Default": "Slow",
                      "Choices": [{"Variable": "$.kind", "StringEquals": "fail", "Next": "Pause"},
                                  {"Variable": "$.kind", "StringEquals": "fast", "Next": "Fast"}]},
            "Slow": task("Slow", None),
            "Pause": {"Type": "Wait", "Seconds": 2, "Next": "Boom"},
            "Boom": {"Type": "Fail", "Error": "Boom", "Cause": "iteration failed"},
            "Fast": {"Type": "Pass", "End": true}}}}}})
}

#[test]
fn a_failing_map_iteration_aborts_the_one_in_flight_and_the_rest_never_start() {
    let x = run(
        routed_map(2),
        json!([{"kind": "slow"}, {"kind": "fail"}, {"kind": "fast"}]),
        json!({"Slow": {"delay": 10, "return": {"Payload": 1}}}),
    );
    assert_eq!(x.error.as_deref(), Some("Boom"));
    assert_eq!(
        lines(&x),
        [
            "1 0 +0 ExecutionStarted",
            "2 0 +0 MapStateEntered M",
            "3 2 +0 MapStateStarted",
            "4 3 +0 MapIterationStarted #0",
            "5 4 +0 ChoiceStateEntered Route",
            "6 5 +0 ChoiceStateExited Route",
            // Iteration 0 is still running: its latest event so far. Its Task is entered in
            // the next step, after what iteration 1 does at once (see interleave.rs).
            "7 6 +0 MapIterationStarted #1",
            "8 7 +0 ChoiceStateEntered Route",
            "9 8 +0 ChoiceStateExited Route",
            "10 9 +0 WaitStateEntered Pause",
            "11 6 +0 TaskStateEntered Slow",
            "12 11 +0 TaskScheduled",
            "13 12 +0 TaskStarted",
            "14 10 +2 WaitStateExited Pause",
            "15 14 +2 FailStateEntered Boom",
            "16 15 +2 MapIterationAborted #0",
            "17 15 +2 TaskStateAborted",
            "18 15 +2 MapIterationFailed #1",
            "19 15 +2 MapStateFailed",
            "20 19 +2 ExecutionFailed",
        ]
    );
}

#[test]
fn map_iterations_that_take_no_time_stay_one_after_another() {
    let x = run(
        routed_map(0),
        json!([{"kind": "fast"}, {"kind": "fast"}]),
        Value::Null,
    );
    assert_eq!(x.status, Status::Succeeded);
    assert_eq!(
        lines(&x),
        [
            "1 0 +0 ExecutionStarted",
            "2 0 +0 MapStateEntered M",
            "3 2 +0 MapStateStarted",
            "4 3 +0 MapIterationStarted #0",
            "5 4 +0 ChoiceStateEntered Route",
            "6 5 +0 ChoiceStateExited Route",
            "7 6 +0 PassStateEntered Fast",
            "8 7 +0 PassStateExited Fast",
            "9 8 +0 MapIterationSucceeded #0",
            "10 8 +0 MapIterationStarted #1",
            "11 10 +0 ChoiceStateEntered Route",
            "12 11 +0 ChoiceStateExited Route",
            "13 12 +0 PassStateEntered Fast",
            "14 13 +0 PassStateExited Fast",
            "15 14 +0 MapIterationSucceeded #1",
            "16 15 +0 MapStateSucceeded",
            "17 15 +0 MapStateExited M",
            "18 17 +0 ExecutionSucceeded",
        ]
    );
}

#[test]
fn a_map_over_slow_items_interleaves_them_under_max_concurrency() {
    let x = run(
        routed_map(2),
        json!([{"kind": "slow"}, {"kind": "slow"}, {"kind": "fast"}]),
        json!({"Slow": [{"delay": 3, "return": {"Payload": 1}}, {"delay": 1, "return": {"Payload": 2}}]}),
    );
    assert_eq!(x.status, Status::Succeeded);
    // Both slow items start at once, their Tasks side by side. Item 2 starts when
    // item 1's slot frees up (at 1 s), before item 0 ends, and chains to item 1's
    // last state event as iterations one after another do.
    assert_eq!(
        lines(&x),
        [
            "1 0 +0 ExecutionStarted",
            "2 0 +0 MapStateEntered M",
            "3 2 +0 MapStateStarted",
            "4 3 +0 MapIterationStarted #0",
            "5 4 +0 ChoiceStateEntered Route",
            "6 5 +0 ChoiceStateExited Route",
            "7 6 +0 MapIterationStarted #1",
            "8 7 +0 ChoiceStateEntered Route",
            "9 8 +0 ChoiceStateExited Route",
            "10 6 +0 TaskStateEntered Slow",
            "11 10 +0 TaskScheduled",
            "12 9 +0 TaskStateEntered Slow",
            "13 12 +0 TaskScheduled",
            "14 11 +0 TaskStarted",
            "15 13 +0 TaskStarted",
            "16 15 +1 TaskSucceeded",
            "17 16 +1 TaskStateExited Slow",
            "18 17 +1 MapIterationSucceeded #1",
            "19 17 +1 MapIterationStarted #2",
            "20 19 +1 ChoiceStateEntered Route",
            "21 20 +1 ChoiceStateExited Route",
            "22 21 +1 PassStateEntered Fast",
            "23 22 +1 PassStateExited Fast",
            "24 23 +1 MapIterationSucceeded #2",
            "25 14 +3 TaskSucceeded",
            "26 25 +3 TaskStateExited Slow",
            "27 26 +3 MapIterationSucceeded #0",
            "28 27 +3 MapStateSucceeded",
            "29 27 +3 MapStateExited M",
            "30 29 +3 ExecutionSucceeded",
        ]
    );
    assert_eq!(
        x.output,
        Some(json!([{"Payload": 1}, {"Payload": 2}, {"kind": "fast"}]))
    );
}

/// AWS's recording of an inline Map of four Lambda tasks that all time out
/// (LocalStack's AWS-validated `test_service_lambda_map_timeout`, the same
/// definition): the iterations start side by side, every `MapIterationStarted`
/// first, then each one's `TaskStateEntered` and `TaskScheduled`, then the four
/// `TaskStarted`, then the first `TaskTimedOut`; events 1 to 20 are AWS's, chains
/// included. (AWS then records the other three timeouts of the same instant, in an
/// order that is a race, before the aborts; here the first failure cuts them.)
#[test]
fn map_iterations_calling_tasks_start_side_by_side_as_aws_records_them() {
    let x = run(
        json!({"StartAt": "MapWait", "States": {"MapWait": {"Type": "Map", "InputPath": "$.Inputs",
            "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "LambdaInvoke",
                "States": {"LambdaInvoke": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                    "TimeoutSeconds": 5, "End": true,
                    "Parameters": {"FunctionName.$": "$.FunctionName", "Payload.$": "$.Payload"}}}},
            "End": true}}}),
        json!({"Inputs": [
            {"FunctionName": "f", "Payload": null}, {"FunctionName": "f", "Payload": null},
            {"FunctionName": "f", "Payload": null}, {"FunctionName": "f", "Payload": null}]}),
        json!({"LambdaInvoke": {"delay": 10, "return": {"Payload": 1}}}),
    );
    assert_eq!(x.error.as_deref(), Some("States.Timeout"));
    assert_eq!(
        lines(&x)[..20],
        [
            "1 0 +0 ExecutionStarted",
            "2 0 +0 MapStateEntered MapWait",
            "3 2 +0 MapStateStarted",
            "4 3 +0 MapIterationStarted #0",
            "5 3 +0 MapIterationStarted #1",
            "6 3 +0 MapIterationStarted #2",
            "7 3 +0 MapIterationStarted #3",
            "8 4 +0 TaskStateEntered LambdaInvoke",
            "9 8 +0 TaskScheduled",
            "10 5 +0 TaskStateEntered LambdaInvoke",
            "11 10 +0 TaskScheduled",
            "12 6 +0 TaskStateEntered LambdaInvoke",
            "13 12 +0 TaskScheduled",
            "14 7 +0 TaskStateEntered LambdaInvoke",
            "15 14 +0 TaskScheduled",
            "16 9 +0 TaskStarted",
            "17 11 +0 TaskStarted",
            "18 13 +0 TaskStarted",
            "19 15 +0 TaskStarted",
            "20 16 +5 TaskTimedOut",
        ]
    );
}

/// Tolerated failures are a Distributed Map's: an inline Map fails at its first
/// failed iteration and aborts the others, whatever it says it tolerates ("In this
/// mode, if any iteration fails, the Map state fails", AWS's guide).
#[test]
fn a_tolerated_failure_count_does_not_keep_an_inline_map_going() {
    let mut def = routed_map(0);
    def["States"]["M"]["ToleratedFailureCount"] = json!(1);
    let x = run(
        def,
        json!([{"kind": "slow"}, {"kind": "fail"}]),
        json!({"Slow": {"delay": 5, "return": {"Payload": 1}}}),
    );
    assert_eq!(x.error.as_deref(), Some("Boom"));
    let l = lines(&x);
    assert!(
        l.iter().any(|l| l.ends_with("MapIterationAborted #0")),
        "{l:#?}"
    );
}

/// Redrives `x` a minute after it stopped, the mock counters going on.
fn redrive(definition: Value, x: &Execution, mocks: Value) -> Execution {
    let loaded = load_text(
        Path::new("t.asl.json"),
        definition.to_string(),
        &LoadOptions::default(),
    );
    let model = sfn::model::build(&loaded.definitions[0].root);
    let plan = Plan::compile(&model).unwrap_or_else(|u| panic!("{u:?}"));
    let mocks = Mocks::parse(Path::new("m.json"), mocks.to_string(), None, &[])
        .unwrap_or_else(|d| panic!("{d:?}"));
    let opts = RunOptions {
        execution_name: "e".into(),
        state_machine_name: "m".into(),
        seed: 7,
        clock: ClockKind::Virtual,
        start_ms: START_MS,
        abort: Arc::new(AtomicBool::new(false)),
        s3_dir: "s3".into(),
    };
    let history = x.history.to_json();
    let request = sfn::engine::RedriveRequest {
        history: &history,
        input: json!({}),
        redrive_count: 1,
        redrive_ms: x.stop_ms + 60_000,
        replay_mocks_after: Some(0),
        map_runs: x.map_runs.clone(),
    };
    sfn::engine::redrive(&plan, &mocks, &opts, request).unwrap_or_else(|e| panic!("{e:?}"))
}

#[test]
fn a_redrive_runs_again_the_states_a_failure_aborted_and_not_those_that_exited() {
    let def = parallel(vec![
        branch(
            "W",
            json!({"W": {"Type": "Wait", "Seconds": 1, "Next": "T0"}, "T0": task("T0", None)}),
        ),
        branch("T1", json!({"T1": task("T1", None)})),
    ]);
    let mocks = json!({
        "T0": {"delay": 5, "return": {"Payload": 0}},
        "T1": [{"delay": 3, "throw": {"error": "Flaky", "cause": "once"}}, {"return": {"Payload": 1}}]
    });
    let x = run(def.clone(), json!({}), mocks.clone());
    assert_eq!(
        lines(&x)[3..],
        [
            "4 3 +0 WaitStateEntered W",
            "5 3 +0 TaskStateEntered T1",
            "6 5 +0 TaskScheduled",
            "7 6 +0 TaskStarted",
            "8 4 +1 WaitStateExited W",
            "9 8 +1 TaskStateEntered T0",
            "10 9 +1 TaskScheduled",
            "11 10 +1 TaskStarted",
            "12 7 +3 TaskFailed",
            "13 12 +3 TaskStateAborted",
            "14 13 +3 TaskStateAborted",
            "15 13 +3 ParallelStateFailed",
            "16 15 +3 ExecutionFailed",
        ]
    );
    let r = redrive(def, &x, mocks);
    assert_eq!(r.status, Status::Succeeded, "{:#?}", lines(&r));
    assert_eq!(r.output, Some(json!([{"Payload": 0}, {"Payload": 1}])));
    // W exited: it does not run again; both Tasks do, side by side.
    assert_eq!(
        lines(&r)[16..],
        [
            "17 16 +63 ExecutionRedriven",
            "18 17 +63 ParallelStateEntered P",
            "19 18 +63 ParallelStateStarted",
            "20 19 +63 TaskStateEntered T0",
            "21 20 +63 TaskScheduled",
            "22 19 +63 TaskStateEntered T1",
            "23 22 +63 TaskScheduled",
            "24 21 +63 TaskStarted",
            "25 23 +63 TaskStarted",
            "26 25 +63 TaskSucceeded",
            "27 26 +63 TaskStateExited T1",
            "28 24 +68 TaskSucceeded",
            "29 28 +68 TaskStateExited T0",
            "30 29 +68 ParallelStateSucceeded",
            "31 29 +68 ParallelStateExited P",
            "32 31 +68 ExecutionSucceeded",
        ]
    );
}

#[test]
fn a_redrive_resumes_the_map_iterations_a_failure_cut() {
    let def = routed_map(0);
    let mocks =
        json!({"Slow": [{"delay": 10, "return": {"Payload": 1}}, {"return": {"Payload": 2}}]});
    // Item 1 fails at 2 s while item 0 is in its Task and item 2 has succeeded.
    let x = run(
        def.clone(),
        json!([{"kind": "slow"}, {"kind": "fail"}, {"kind": "fast"}]),
        mocks.clone(),
    );
    assert_eq!(x.error.as_deref(), Some("Boom"));
    let l = lines(&x);
    assert_eq!(
        l[l.len() - 5..],
        [
            "22 21 +2 MapIterationAborted #0",
            "23 21 +2 TaskStateAborted",
            "24 21 +2 MapIterationFailed #1",
            "25 21 +2 MapStateFailed",
            "26 25 +2 ExecutionFailed",
        ]
    );
    // Items 0 and 1 run again side by side, item 2 (done) not: item 1 reaches its
    // Fail state at once, while item 0 has yet to enter its Task (a step of its
    // own, see interleave.rs), so item 0 is aborted before its Task.
    let r = redrive(def, &x, mocks);
    assert_eq!(r.error.as_deref(), Some("Boom"));
    assert_eq!(
        lines(&r)[26..],
        [
            "27 26 +62 ExecutionRedriven",
            "28 27 +62 MapStateEntered M",
            "29 28 +62 MapStateStarted",
            "30 29 +62 MapIterationStarted #0",
            "31 29 +62 MapIterationStarted #1",
            "32 31 +62 FailStateEntered Boom",
            "33 32 +62 MapIterationAborted #0",
            "34 32 +62 MapIterationFailed #1",
            "35 32 +62 MapStateFailed",
            "36 35 +62 ExecutionFailed",
        ]
    );
}

#[test]
fn a_distributed_map_in_flight_is_aborted_with_its_map_run() {
    let inner = json!({"Type": "Map", "End": true, "ItemProcessor": {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
        "StartAt": "IW", "States": {"IW": {"Type": "Wait", "Seconds": 10, "End": true}}}});
    let x = run(
        json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
            branch("D", json!({"D": inner})),
            failing_branch("W", 3),
        ]}}}),
        json!([1, 2]),
        Value::Null,
    );
    assert_eq!(
        lines(&x)[3..],
        [
            "4 3 +0 MapStateEntered D",
            "5 4 +0 MapStateStarted",
            "6 5 +0 MapRunStarted",
            "7 3 +0 WaitStateEntered W",
            "8 7 +3 WaitStateExited W",
            "9 8 +3 FailStateEntered Boom",
            "10 9 +3 MapStateAborted",
            "11 9 +3 MapRunAborted",
            "12 9 +3 ParallelStateFailed",
            "13 12 +3 ExecutionFailed",
        ]
    );
}

#[test]
fn the_machine_timeout_stops_every_branch_at_the_deadline() {
    let mut def = parallel(vec![
        branch(
            "A",
            json!({"A": {"Type": "Wait", "Seconds": 10, "End": true}}),
        ),
        branch(
            "B",
            json!({"B": {"Type": "Wait", "Seconds": 2, "Next": "B2"},
                   "B2": {"Type": "Wait", "Seconds": 10, "End": true}}),
        ),
    ]);
    def["TimeoutSeconds"] = json!(5);
    let x = run(def, json!({}), Value::Null);
    assert_eq!(x.status, Status::TimedOut);
    // Both branches ran up to the deadline; nothing is recorded as aborted.
    assert_eq!(
        lines(&x)[3..],
        [
            "4 3 +0 WaitStateEntered A",
            "5 3 +0 WaitStateEntered B",
            "6 5 +2 WaitStateExited B",
            "7 6 +2 WaitStateEntered B2",
            // At the deadline (TimeoutSeconds 5), not when the waits would end; the
            // execution's timer, not a state: chained to nothing.
            "8 0 +5 ExecutionTimedOut",
        ]
    );
}

#[test]
fn the_iteration_that_fails_first_in_time_fails_the_map() {
    let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
        "ItemProcessor": {"StartAt": "Route", "States": {
            "Route": {"Type": "Choice", "Default": "Late",
                      "Choices": [{"Variable": "$", "StringEquals": "early", "Next": "Early"}]},
            "Late": {"Type": "Wait", "Seconds": 5, "Next": "LateFail"},
            "LateFail": {"Type": "Fail", "Error": "Late"},
            "Early": {"Type": "Wait", "Seconds": 1, "Next": "EarlyFail"},
            "EarlyFail": {"Type": "Fail", "Error": "Early"}}}}}});
    let x = run(def, json!(["late", "early"]), Value::Null);
    assert_eq!(x.error.as_deref(), Some("Early"));
    assert_eq!(
        lines(&x)[3..],
        [
            "4 3 +0 MapIterationStarted #0",
            "5 4 +0 ChoiceStateEntered Route",
            "6 5 +0 ChoiceStateExited Route",
            "7 6 +0 WaitStateEntered Late",
            "8 7 +0 MapIterationStarted #1",
            "9 8 +0 ChoiceStateEntered Route",
            "10 9 +0 ChoiceStateExited Route",
            "11 10 +0 WaitStateEntered Early",
            "12 11 +1 WaitStateExited Early",
            "13 12 +1 FailStateEntered EarlyFail",
            "14 13 +1 MapIterationAborted #0",
            "15 13 +1 WaitStateAborted",
            "16 13 +1 MapIterationFailed #1",
            "17 13 +1 MapStateFailed",
            "18 17 +1 ExecutionFailed",
        ]
    );
}
