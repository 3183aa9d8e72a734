//! `sfn run`: executions with exact expected outputs and event sequences, from
//! AWS's documented semantics (data flow order, Retry/Catch, Map, Parallel,
//! Choice, timeouts, quotas).

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::{Value, json};

fn sfn() -> Command {
    let mut c = Command::cargo_bin("sfn").unwrap();
    c.env("NO_COLOR", "1");
    c
}

/// Runs with `--format json --no-store`; returns (exit code, DescribeExecution JSON).
fn run(args: &[&str]) -> (i32, Value) {
    let out = sfn()
        .arg("run")
        .args(args)
        .args(["--format", "json", "--no-store"])
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "stdout is not JSON: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (code, v)
}

fn output_of(v: &Value) -> Value {
    serde_json::from_str(v["output"].as_str().expect("output is a JSON string")).unwrap()
}

#[test]
fn retry_then_succeed_applies_result_selector_and_result_path() {
    let (code, v) = run(&[
        "testdata/run/retry-catch.asl.json",
        "--input",
        r#"{"amount": 12}"#,
        "--mocks",
        "testdata/run/retry-catch.mocks.yaml",
        "--name",
        "retry-ok",
    ]);
    assert_eq!(code, 0);
    assert_eq!(v["status"], "SUCCEEDED");
    assert_eq!(v["name"], "retry-ok");
    assert_eq!(
        v["executionArn"],
        "arn:aws:states:local:000000000000:execution:retry-catch:retry-ok"
    );
    assert_eq!(
        output_of(&v),
        json!({"amount": 12, "charge": {"charged": true}})
    );
    // The retry waited IntervalSeconds (2 s) on the virtual clock.
    let elapsed = v["stopDate"].as_f64().unwrap() - v["startDate"].as_f64().unwrap();
    assert!((elapsed - 2.0).abs() < 1e-6, "{elapsed}");
    assert_eq!(v["redriveCount"], 0);
}

#[test]
fn an_error_matching_no_retrier_is_caught_with_error_and_cause() {
    let (code, v) = run(&[
        "testdata/run/retry-catch.asl.json",
        "--input",
        r#"{"amount": 12}"#,
        "--mocks",
        "testdata/run/declined.mocks.yaml",
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        output_of(&v),
        json!({"amount": 12, "failure": {"Error": "Card.Declined", "Cause": "insufficient funds"}, "outcome": "declined"})
    );
}

#[test]
fn map_item_selector_and_parallel_branches() {
    let (code, v) = run(&[
        "testdata/run/map-parallel.asl.json",
        "--input",
        r#"{"items": [{"sku": "A"}, {"sku": "B"}], "currency": "EUR"}"#,
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        output_of(&v),
        json!([{"n": 2}, {"line": "0:A", "currency": "EUR"}])
    );
}

#[test]
fn choice_rules_route_and_no_match_fails() {
    let (_, v) = run(&[
        "testdata/run/choice.asl.json",
        "--input",
        r#"{"kind": "book", "price": 12}"#,
    ]);
    assert_eq!(output_of(&v), json!({"route": "cheap-book"}));
    let (_, v) = run(&[
        "testdata/run/choice.asl.json",
        "--input",
        r#"{"kind": "vinyl-lp", "price": 30}"#,
    ]);
    assert_eq!(output_of(&v), json!({"route": "music"}));
    let (code, v) = run(&[
        "testdata/run/choice.asl.json",
        "--input",
        r#"{"kind": "dvd", "price": 5}"#,
    ]);
    assert_eq!(code, 1);
    assert_eq!(v["status"], "FAILED");
    assert_eq!(v["error"], "States.Runtime");
}

#[test]
fn a_mock_slower_than_the_task_timeout_times_out() {
    let (code, v) = run(&[
        "testdata/run/timeouts.asl.json",
        "--mocks",
        "testdata/run/slow.mocks.yaml",
    ]);
    assert_eq!(code, 1);
    assert_eq!(v["status"], "FAILED");
    assert_eq!(v["error"], "States.Timeout");
}

#[test]
fn the_machine_timeout_ends_the_execution_as_timed_out() {
    let dir = tempfile::tempdir().unwrap();
    let def = dir.path().join("long.asl.json");
    std::fs::write(&def, r#"{"StartAt":"W","TimeoutSeconds":60,"States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}"#).unwrap();
    let (code, v) = run(&[def.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(v["status"], "TIMED_OUT");
}

#[test]
fn an_endless_loop_fails_at_the_history_quota_instead_of_hanging() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let store = store.to_str().unwrap();
    let out = sfn()
        .args([
            "run",
            "testdata/run/loop.asl.json",
            "--format",
            "json",
            "--name",
            "loop",
            "--store",
            store,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["status"], "FAILED");
    assert_eq!(v["error"], "States.Runtime");
    // No room left for ExecutionRedriven: `describe` says so, as `redrive` does.
    assert_eq!(v["redriveStatus"], "NOT_REDRIVABLE");
    assert_eq!(
        v["redriveStatusReason"],
        "Execution history event limit exceeded"
    );
    let out = sfn()
        .args(["describe", "loop", "--store", store])
        .output()
        .unwrap();
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["redriveStatus"], "NOT_REDRIVABLE");
    sfn()
        .args(["redrive", "loop", "--store", store])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "Execution history event limit exceeded. (execution 'loop': its history has no room for more events: run it again, with fewer steps (a loop with an earlier way out, a Distributed Map for many items, or child executions))",
        ));
    let out = sfn()
        .args(["history", "loop", "--format", "json", "--store", store])
        .output()
        .unwrap();
    let h: Value = serde_json::from_slice(&out.stdout).unwrap();
    let events = h["events"].as_array().unwrap();
    assert_eq!(events.len(), 25_000);
    assert_eq!(events.last().unwrap()["type"], "ExecutionFailed");
}

/// Runs `definition` (JSON text) with `input` and `mocks` (YAML text), stored;
/// returns the DescribeExecution JSON and the history's events.
fn run_stored(definition: &str, input: &str, mocks: &str) -> (Value, Vec<Value>) {
    let dir = tempfile::tempdir().unwrap();
    let def = dir.path().join("machine.asl.json");
    std::fs::write(&def, definition).unwrap();
    let mocks_file = dir.path().join("mocks.yaml");
    std::fs::write(&mocks_file, mocks).unwrap();
    let store = dir.path().join("store");
    let (def, mocks_file, store) = (
        def.to_str().unwrap(),
        mocks_file.to_str().unwrap(),
        store.to_str().unwrap(),
    );
    let out = sfn()
        .args(["run", def, "--input", input, "--mocks", mocks_file])
        .args(["--name", "x", "--format", "json", "--store", store])
        .output()
        .unwrap();
    let describe: Value = serde_json::from_slice(&out.stdout).unwrap();
    let out = sfn()
        .args(["history", "x", "--format", "json", "--store", store])
        .output()
        .unwrap();
    let h: Value = serde_json::from_slice(&out.stdout).unwrap();
    (describe, h["events"].as_array().unwrap().clone())
}

const POLL_FOREVER: &str = r#"{"StartAt": "Each", "States": {"Each": {"Type": "Map", "End": true,
  "ItemProcessor": {"StartAt": "Poll", "States": {
    "Poll": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:poll", "Next": "Wait"},
    "Wait": {"Type": "Wait", "Seconds": 10, "Next": "Done?"},
    "Done?": {"Type": "Choice", "Choices": [{"Variable": "$.done", "BooleanEquals": true, "Next": "Ok"}], "Default": "Poll"},
    "Ok": {"Type": "Succeed"}}}}}}"#;

#[test]
fn iterations_polling_forever_side_by_side_fail_where_their_merged_history_reaches_the_quota() {
    // Each iteration records 7 events at 0 s, then 9 every 10 s (Wait exits,
    // Choice, the Task's 5, Wait enters); the two are merged by time. 3 events
    // come first, so 17 by 0 s and 18 more each 10 s: the 24,999th is the 16th
    // of those at 13,880 s (1,387 × 18 + 17 = 24,983), the Lambda's success in
    // iteration 1. It used to fail at once: iteration 1 counted iteration 0's
    // whole history as before it.
    let (describe, events) = run_stored(
        POLL_FOREVER,
        r#"[{"n": 0}, {"n": 1}]"#,
        "Poll:\n  - return: {done: false}\n",
    );
    assert_eq!(describe["status"], "FAILED");
    assert_eq!(describe["error"], "States.Runtime");
    assert_eq!(
        describe["cause"],
        "The execution reached the maximum number of history events (25000)."
    );
    assert_eq!(events.len(), 25_000);
    let started = events[0]["timestamp"].as_f64().unwrap();
    let at = |i: usize| events[i]["timestamp"].as_f64().unwrap() - started;
    assert_eq!(at(24_998), 13_880.0);
    assert_eq!(at(24_999), 13_880.0);
    assert_eq!(events[24_998]["type"], "LambdaFunctionSucceeded");
    assert_eq!(events[24_999]["type"], "ExecutionFailed");
    assert_eq!(events[24_999]["previousEventId"], 24_999);
    // Both iterations ran side by side: each entered its Wait at 0 s.
    let entered: Vec<_> = events[..17]
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        entered
            .iter()
            .filter(|t| **t == "MapIterationStarted")
            .count(),
        2
    );
    assert_eq!(
        entered.iter().filter(|t| **t == "WaitStateEntered").count(),
        2
    );
    assert!((1..events.len()).all(|i| at(i) >= at(i - 1)));
}

#[test]
fn a_parallel_branch_polling_forever_beside_a_short_one_reaches_the_quota_in_time() {
    let definition = r#"{"StartAt": "Both", "States": {"Both": {"Type": "Parallel", "End": true, "Branches": [
      {"StartAt": "Short", "States": {"Short": {"Type": "Wait", "Seconds": 5, "End": true}}},
      {"StartAt": "Wait", "States": {
        "Wait": {"Type": "Wait", "Seconds": 1, "Next": "Again"},
        "Again": {"Type": "Pass", "Next": "Wait"}}}]}}}"#;
    let (describe, events) = run_stored(definition, "{}", "{}\n");
    assert_eq!(describe["status"], "FAILED");
    assert_eq!(describe["error"], "States.Runtime");
    assert_eq!(events.len(), 25_000);
    let started = events[0]["timestamp"].as_f64().unwrap();
    let at = |i: usize| events[i]["timestamp"].as_f64().unwrap() - started;
    // The short branch ends at 5 s, before the other's events of that instant.
    assert_eq!(events[21]["type"], "WaitStateExited");
    assert_eq!(events[21]["stateExitedEventDetails"]["name"], "Short");
    assert_eq!(at(21), 5.0);
    assert_eq!(events[22]["stateExitedEventDetails"]["name"], "Wait");
    // 3 events, then both branches enter their Wait at 0 s; from then on 4
    // events a second (Wait exits, Pass enters and exits, Wait enters) and the
    // short branch's exit at 5 s: 4 t + 6 events by t >= 5 s, 24,998 by 6,248 s,
    // so the 24,999th is the Wait's exit at 6,249 s.
    assert_eq!(events[24_998]["type"], "WaitStateExited");
    assert_eq!(at(24_998), 6_249.0);
}

#[test]
fn iterations_that_end_count_together_towards_the_quota() {
    // Each iteration loops 1,500 times a second apart: 9,006 events each
    // (MapIterationStarted, Init's 2, 1,500 × 6, Ok's 2, MapIterationSucceeded).
    // Two fit, with the 6 of the execution and the Map; three do not.
    let definition = r#"{"StartAt": "Each", "States": {"Each": {"Type": "Map", "End": true,
      "ItemProcessor": {"StartAt": "Init", "States": {
        "Init": {"Type": "Pass", "Parameters": {"n": 0}, "Next": "Wait"},
        "Wait": {"Type": "Wait", "Seconds": 1, "Next": "Inc"},
        "Inc": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, 1)"}, "Next": "Done?"},
        "Done?": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThanEquals": 1500, "Next": "Ok"}], "Default": "Wait"},
        "Ok": {"Type": "Succeed"}}}}}}"#;
    let (describe, events) = run_stored(definition, "[1, 2]", "{}\n");
    assert_eq!(describe["status"], "SUCCEEDED");
    assert_eq!(events.len(), 18_018);
    let (describe, events) = run_stored(definition, "[1, 2, 3]", "{}\n");
    assert_eq!(describe["status"], "FAILED");
    assert_eq!(describe["error"], "States.Runtime");
    assert_eq!(events.len(), 25_000);
}

#[test]
fn a_task_without_a_mock_stops_the_run_naming_the_state() {
    sfn()
        .args([
            "run",
            "testdata/run/retry-catch.asl.json",
            "--no-store",
            "--input",
            r#"{"amount": 1}"#,
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("Task state 'Charge'"))
        .stderr(predicates::str::contains("Charge:\n    return:"));
}

#[test]
fn invalid_input_json_is_a_clear_error() {
    sfn()
        .args([
            "run",
            "testdata/run/choice.asl.json",
            "--no-store",
            "--input",
            r#"{"kind": "#,
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not valid JSON"));
}

#[test]
fn an_invalid_definition_gets_the_validate_diagnostics_and_exit_2() {
    sfn()
        .args([
            "run",
            "testdata/invalid/broken-order.asl.json",
            "--no-store",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("MISSING_TRANSITION_TARGET"));
}

#[test]
fn the_shipped_order_example_runs_with_its_mocks() {
    let (code, v) = run(&[
        "testdata/order.asl.json",
        "--input",
        "testdata/order.input.json",
        "--mocks",
        "testdata/order.mocks.yaml",
    ]);
    assert_eq!(code, 0, "{v}");
    assert_eq!(v["status"], "SUCCEEDED");
}

#[test]
fn a_missing_mocks_file_is_one_plain_message() {
    sfn()
        .args([
            "run",
            "testdata/run/retry-catch.asl.json",
            "--no-store",
            "--input",
            r#"{"amount": 1}"#,
        ])
        .args(["--mocks", "testdata/run/no-such-mocks.yaml"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "error: testdata/run/no-such-mocks.yaml: the mocks file: no such file: check the path",
        ))
        .stderr(predicates::str::contains("state machine").not());
}

/// A template's only machine, built with intrinsics that cannot be evaluated
/// offline: `run` says so, rather than that the file holds no state machine.
#[test]
fn a_template_machine_that_cannot_be_evaluated_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("template.yaml");
    std::fs::write(
        &template,
        "Conditions:\n  C: !Equals [a, a]\nResources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: !If [C, '{}', '{}']\n",
    )
    .unwrap();
    sfn()
        .args(["run", template.to_str().unwrap(), "--no-store"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "state machine 'M' cannot be run: the DefinitionString of M is built with intrinsic functions that cannot be evaluated offline",
        ));
}

/// Only Task states call services: a mock for any other state is a warning, never used.
#[test]
fn a_mock_for_a_state_that_is_not_a_task_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let mocks = dir.path().join("m.yaml");
    std::fs::write(&mocks, "Route:\n  return: {}\n").unwrap();
    let def = dir.path().join("c.asl.json");
    std::fs::write(
        &def,
        r#"{"StartAt": "Route", "States": {"Route": {"Type": "Choice",
            "Choices": [{"Variable": "$.x", "IsPresent": true, "Next": "Done"}], "Default": "Done"},
            "Done": {"Type": "Succeed"}}}"#,
    )
    .unwrap();
    sfn()
        .args(["run", def.to_str().unwrap(), "--no-store"])
        .arg("--mocks")
        .arg(&mocks)
        .assert()
        .code(0)
        .stderr(predicates::str::contains(
            "the mocks answer 'Route', which is a Choice state: only Task states are mocked",
        ));
}

/// A MockConfigFile must give a response for every call (AWS's Step Functions
/// Local page); a call past them stops the run, naming the call to add.
#[test]
fn a_mock_config_file_without_a_response_for_a_call_stops_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let def = dir.path().join("loop.asl.json");
    std::fs::write(
        &def,
        r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "f"}, "ResultPath": "$.r", "Next": "T2"},
            "T2": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "f"}, "End": true}}}"#,
    )
    .unwrap();
    let mocks = dir.path().join("m.json");
    std::fs::write(
        &mocks,
        r#"{"StateMachines": {"loop": {"TestCases": {"A": {"T": "R", "T2": "R2"}}}},
            "MockedResponses": {"R": {"0": {"Return": {}}}, "R2": {"1": {"Return": {}}}}}"#,
    )
    .unwrap();
    sfn()
        .args([
            "run",
            def.to_str().unwrap(),
            "--no-store",
            "--test-case",
            "A",
        ])
        .arg("--mocks")
        .arg(&mocks)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "Task state 'T2' was called a 1st time, but its response in",
        ))
        .stderr(predicates::str::contains(r#"has no "0""#));
}

/// The machine is named after its file, in a form AWS accepts in a name and an ARN.
#[test]
fn a_file_name_with_spaces_gives_a_valid_machine_name() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("my order, v2.asl.json");
    std::fs::write(
        &file,
        r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#,
    )
    .unwrap();
    let out = sfn()
        .args([
            "run",
            file.to_str().unwrap(),
            "--no-store",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["stateMachineArn"],
        "arn:aws:states:local:000000000000:stateMachine:my-order--v2"
    );
}

/// `--machine`: the template's diagnostics about its other machines are left out.
#[test]
fn a_template_machine_run_reports_only_on_that_machine() {
    sfn()
        .args([
            "run",
            "testdata/templates/sam-uri/template.yaml",
            "--machine",
            "YamlFileMachine",
            "--no-store",
        ])
        .assert()
        .code(0)
        .stderr(predicates::str::contains("S3Machine").not())
        .stderr(predicates::str::contains("UNRESOLVED_DEFINITION_URI").not());
}

/// Arguments that cannot work together, or point at the wrong kind of file: one
/// line each saying what to do, exit 2.
#[test]
fn misused_arguments_say_what_to_do() {
    let definition = "testdata/run/retry-catch.asl.json";
    let cases: &[(&[&str], &str)] = &[
        (
            &["run", definition, "--test-case", "happy"],
            "error: --test-case names a test case of a MockConfigFile: give that file with --mocks",
        ),
        (
            &["run", definition, "--machine", "M"],
            "--machine picks one of a template's state machines, and this file is a definition: leave --machine out",
        ),
        (
            &["run", definition, "--input", "testdata"],
            "error: --input 'testdata': is a directory: give a JSON file, JSON text, or - for stdin",
        ),
        (
            &["run", "testdata/run/no-such.asl.json"],
            "error: testdata/run/no-such.asl.json: no such file: check the path",
        ),
    ];
    for (args, message) in cases {
        sfn()
            .args(*args)
            .arg("--no-store")
            .assert()
            .code(2)
            .stderr(predicates::str::contains(*message));
    }
    // An empty file: what `validate` says of it, not a JSON syntax error.
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.asl.json");
    std::fs::write(&empty, "\n").unwrap();
    sfn()
        .args(["run", empty.to_str().unwrap(), "--no-store"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "the file is empty: nothing to run (a definition needs \"StartAt\" and \"States\")",
        ))
        .stderr(predicates::str::contains("INVALID_JSON").not());
}

#[test]
fn a_broken_mocks_file_points_into_it_without_a_state_machine_summary() {
    let dir = tempfile::tempdir().unwrap();
    let mocks = dir.path().join("m.yaml");
    std::fs::write(&mocks, "Charge:\n  retrun: {}\n").unwrap();
    sfn()
        .args([
            "run",
            "testdata/run/retry-catch.asl.json",
            "--no-store",
            "--input",
            r#"{"amount": 1}"#,
            "--mocks",
        ])
        .arg(&mocks)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("INVALID_MOCKS"))
        .stderr(predicates::str::contains(
            "unknown field 'retrun' in a response",
        ))
        .stderr(predicates::str::contains("m.yaml:2:3"))
        .stderr(predicates::str::contains("checked").not());
}

#[test]
fn an_input_over_start_executions_limit_is_refused_before_running() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.json");
    std::fs::write(
        &input,
        format!(
            r#"{{"kind": "book", "price": 1, "blob": "{}"}}"#,
            "x".repeat(300_000)
        ),
    )
    .unwrap();
    sfn()
        .args([
            "run",
            "testdata/run/choice.asl.json",
            "--no-store",
            "--input",
        ])
        .arg(&input)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "AWS's StartExecution accepts at most 262144",
        ));
}

/// States.UUID and States.MathRandom differ from run to run, as on AWS; `--seed`
/// makes them reproducible, and a second run with the same seed is stored under
/// the next name of the sequence rather than refused.
#[test]
fn randomness_is_fresh_without_a_seed_and_repeatable_with_one() {
    let dir = tempfile::tempdir().unwrap();
    let def = dir.path().join("rnd.asl.json");
    std::fs::write(
        &def,
        r#"{"StartAt":"R","States":{"R":{"Type":"Pass","Parameters":{"u.$":"States.UUID()","r.$":"States.MathRandom(1, 1000000)"},"End":true}}}"#,
    )
    .unwrap();
    let def = def.to_str().unwrap();
    let (_, a) = run(&[def]);
    let (_, b) = run(&[def]);
    assert_ne!(output_of(&a)["u"], output_of(&b)["u"]);
    let store = dir.path().join("store");
    let seeded = |store: &std::path::Path| {
        let out = sfn()
            .args(["run", def, "--seed", "7", "--format", "json", "--store"])
            .arg(store)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let first = seeded(&store);
    let second = seeded(&store);
    assert_eq!(output_of(&first), output_of(&second));
    assert_ne!(first["name"], second["name"]);
}

#[test]
fn dot_names_are_refused_with_the_reason() {
    sfn()
        .args([
            "run",
            "testdata/order.asl.json",
            "--no-store",
            "--name",
            "..",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("names a folder"));
}

/// The help for a Task with no mock fits the situation: no mocks file at all,
/// or AWS's MockConfigFile format.
#[test]
fn missing_mock_help_fits_the_mocks_format() {
    sfn()
        .args(["run", "testdata/run/retry-catch.asl.json", "--no-store"])
        .args(["--input", r#"{"amount": 5}"#])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "pass a mocks file with --mocks FILE",
        ));
    let dir = tempfile::tempdir().unwrap();
    let mocks = dir.path().join("MockConfigFile.json");
    std::fs::write(
        &mocks,
        r#"{"StateMachines":{"retry-catch":{"TestCases":{"t":{}}}},"MockedResponses":{}}"#,
    )
    .unwrap();
    sfn()
        .args(["run", "testdata/run/retry-catch.asl.json", "--no-store"])
        .args(["--input", r#"{"amount": 5}"#, "--test-case", "t", "--mocks"])
        .arg(&mocks)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("\"MockedResponses\""));
}

/// Piped, `sfn list` keeps whole names, so a script can pass them to `sfn history`.
#[test]
fn list_keeps_whole_names_when_piped() {
    let dir = tempfile::tempdir().unwrap();
    let name = "a-rather-long-execution-name-that-a-table-would-cut-short-0123";
    sfn()
        .args([
            "run",
            "testdata/order.asl.json",
            "--input",
            "testdata/order.input.json",
        ])
        .args([
            "--mocks",
            "testdata/order.mocks.yaml",
            "--name",
            name,
            "--store",
        ])
        .arg(dir.path())
        .assert()
        .code(0);
    sfn()
        .args(["list", "--store"])
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains(name));
}

/// The human view of a long run lists its first 20 and last 10 states and
/// counts the ones between, instead of 12,003 lines.
#[test]
fn a_long_path_is_shortened_in_the_human_view() {
    let out = sfn()
        .args([
            "run",
            "testdata/bench/loop-6000.asl.json",
            "--no-store",
            "--name",
            "long",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // Init, then Inc/More? 6,000 times, then Last, Done: 12,003 states.
    assert_eq!(lines[..3], ["  → Init", "  → Inc", "  → More?"]);
    assert_eq!(
        lines[20],
        "  … 11973 more states (`sfn history` lists every event)"
    );
    assert_eq!(lines[29..31], ["  → Last", "  → Done"]);
    assert_eq!(
        lines[31],
        "long SUCCEEDED in 0.000s (virtual time), 24008 events"
    );
}

/// The machine's `TimeoutSeconds` ends the execution at its deadline, even in
/// the middle of a Wait, a mocked call's delay or a retry interval: AWS does not
/// wait for the state to finish.
#[test]
fn the_machine_times_out_at_its_deadline_in_the_middle_of_a_state() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        json!({"TimeoutSeconds": 3, "StartAt": "W",
               "States": {"W": {"Type": "Wait", "Seconds": 100, "End": true}}}),
        json!({"TimeoutSeconds": 3, "StartAt": "T", "States": {"T": {"Type": "Task",
               "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "End": true}}}),
        json!({"TimeoutSeconds": 5, "StartAt": "R", "States": {"R": {"Type": "Task",
               "Resource": "arn:aws:lambda:us-east-1:123456789012:function:g",
               "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 100}], "End": true}}}),
        json!({"TimeoutSeconds": 3, "StartAt": "A", "States": {
               "A": {"Type": "Wait", "Seconds": 2, "Next": "B"},
               "B": {"Type": "Wait", "Seconds": 2, "End": true}}}),
    ];
    let mocks = dir.path().join("mocks.yaml");
    std::fs::write(
        &mocks,
        "T:\n  delay: 50\n  return: {}\nR:\n  throw: {error: E, cause: c}\n",
    )
    .unwrap();
    for (def, deadline) in cases.iter().zip([3.0, 3.0, 5.0, 3.0]) {
        let path = dir.path().join("d.asl.json");
        std::fs::write(&path, def.to_string()).unwrap();
        let (code, v) = run(&[path.to_str().unwrap(), "--mocks", mocks.to_str().unwrap()]);
        assert_eq!(code, 1, "{v}");
        assert_eq!(v["status"], "TIMED_OUT", "{def}");
        let took = v["stopDate"].as_f64().unwrap() - v["startDate"].as_f64().unwrap();
        assert!((took - deadline).abs() < 1e-6, "{def}: took {took}s");
    }
}

#[test]
fn a_stored_run_keeps_its_input_as_read_and_shows_it_compact() {
    let dir = tempfile::tempdir().unwrap();
    let def = dir.path().join("def.asl.json");
    std::fs::write(
        &def,
        r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#,
    )
    .unwrap();
    let input_file = dir.path().join("input.json");
    let input = json!({"name": "Zoë \"q\"", "list": [1, 2.5, {"nested": null}], "big": 1e300});
    std::fs::write(&input_file, serde_json::to_string_pretty(&input).unwrap()).unwrap();
    let store = dir.path().join("store");
    let out = sfn()
        .args([
            "run",
            def.to_str().unwrap(),
            "--input",
            input_file.to_str().unwrap(),
        ])
        .args([
            "--store",
            store.to_str().unwrap(),
            "--name",
            "kept",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    let compact = serde_json::to_string(&input).unwrap();
    assert_eq!(printed["input"], json!(compact));
    assert_eq!(printed["output"], json!(compact));
    let kept = store.join("executions/kept");
    let described: Value =
        serde_json::from_str(&std::fs::read_to_string(kept.join("execution.json")).unwrap())
            .unwrap();
    assert_eq!(described["input"], json!(compact));
    assert_eq!(described["definitionPath"], json!(def.to_str().unwrap()));
    let stored: Value =
        serde_json::from_str(&std::fs::read_to_string(kept.join("input.json")).unwrap()).unwrap();
    assert_eq!(stored, input);
    let history: Value =
        serde_json::from_str(&std::fs::read_to_string(kept.join("history.json")).unwrap()).unwrap();
    let started = &history["events"][0]["executionStartedEventDetails"]["input"];
    assert_eq!(started, &json!(compact));
    // Nothing is left behind in the store's private folder.
    assert_eq!(std::fs::read_dir(store.join("tmp")).unwrap().count(), 0);
}

/// A template's machine whose definition is in S3 is named with the reason it
/// cannot be run, not as a machine the template does not hold.
#[test]
fn a_machine_with_its_definition_in_s3_says_why_it_cannot_run() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("template.json");
    std::fs::write(
        &template,
        json!({"Resources": {
            "S3Machine": {"Type": "AWS::StepFunctions::StateMachine",
                "Properties": {"DefinitionS3Location": {"Bucket": "b", "Key": "k.json"}}},
            "Local": {"Type": "AWS::StepFunctions::StateMachine",
                "Properties": {"Definition": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}}}})
        .to_string(),
    )
    .unwrap();
    sfn()
        .arg("run")
        .arg(&template)
        .args(["--machine", "S3Machine", "--no-store"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "state machine 'S3Machine' cannot be run: the definition of S3Machine is in S3 (DefinitionS3Location)",
        ));
}

/// A `${...}` nothing fills runs as that text (a function name here): the run says
/// so first, with the --sub that fills it, and says nothing once it is filled.
#[test]
fn a_run_warns_of_an_unfilled_placeholder_and_how_to_fill_it() {
    let dir = tempfile::tempdir().unwrap();
    let def = dir.path().join("p.asl.json");
    std::fs::write(
        &def,
        r#"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"${Fn}"},"End":true}}}"#,
    )
    .unwrap();
    let mocks = dir.path().join("m.yaml");
    std::fs::write(&mocks, "T:\n  return: {}\n").unwrap();
    sfn()
        .arg("run")
        .arg(&def)
        .arg("--mocks")
        .arg(&mocks)
        .args(["--no-store", "--format", "json"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("placeholder ${Fn} is not filled"))
        .stderr(predicate::str::contains("pass --sub Fn=VALUE"));
    sfn()
        .arg("run")
        .arg(&def)
        .arg("--mocks")
        .arg(&mocks)
        .args(["--no-store", "--format", "json", "--sub", "Fn=f"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("not filled").not());
}

/// A mock for a state the definition lacks is labelled with where it is in the
/// mocks file: the whole pointer in a MockConfigFile, not just the state's name.
#[test]
fn an_unknown_mock_state_is_labelled_with_its_place_in_the_mocks_file() {
    let dir = tempfile::tempdir().unwrap();
    let def = dir.path().join("m.asl.json");
    std::fs::write(
        &def,
        r#"{"StartAt": "Charge", "States": {"Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "f"}, "End": true}}}"#,
    )
    .unwrap();
    let aws = dir.path().join("aws.json");
    std::fs::write(
        &aws,
        r#"{"StateMachines": {"m": {"TestCases": {"Happy": {"Charge": "Ok", "Chargee": "Ok"}}}},
            "MockedResponses": {"Ok": {"0": {"Return": {}}}}}"#,
    )
    .unwrap();
    let native = dir.path().join("native.yaml");
    std::fs::write(&native, "Charge:\n  return: {}\nChargee:\n  return: {}\n").unwrap();
    let run = |mocks: &std::path::Path, extra: &[&str]| {
        let out = sfn()
            .args(["run", def.to_str().unwrap(), "--no-store"])
            .args(extra)
            .arg("--mocks")
            .arg(mocks)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8(out.stderr).unwrap()
    };
    let err = run(&aws, &["--test-case", "Happy"]);
    assert!(err.contains("UNKNOWN_MOCK_STATE"), "{err}");
    assert!(
        err.contains("╰── /StateMachines/m/TestCases/Happy/Chargee"),
        "{err}"
    );
    let err = run(&native, &[]);
    assert!(err.contains("╰── /Chargee"), "{err}");
    assert!(err.contains("native.yaml:3:1"), "{err}");
}
