//! `sfn redrive` end to end: run, redrive, then what history, describe and list show.

use assert_cmd::Command;
use serde_json::{Value, json};

struct Dir {
    dir: tempfile::TempDir,
}

impl Dir {
    fn new() -> Dir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("order.asl.json"),
            json!({"StartAt": "Reserve", "States": {
                "Reserve": {"Type": "Pass", "Result": {"held": true}, "ResultPath": "$.stock", "Next": "Charge"},
                "Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}})
            .to_string(),
        )
        .unwrap();
        Dir { dir }
    }

    fn write(&self, name: &str, text: &str) {
        std::fs::write(self.dir.path().join(name), text).unwrap();
    }

    fn sfn(&self, args: &[&str]) -> std::process::Output {
        Command::cargo_bin("sfn")
            .unwrap()
            .current_dir(self.dir.path())
            .env("NO_COLOR", "1")
            .env_remove("SFN_STORE")
            .args(args)
            .output()
            .unwrap()
    }

    /// Runs `order.asl.json` with `mocks.yaml` as `name`: it must fail.
    fn failed_run(&self, name: &str) {
        let run = self.sfn(&[
            "run",
            "order.asl.json",
            "--mocks",
            "mocks.yaml",
            "--name",
            name,
        ]);
        assert_eq!(code(&run), Some(1), "{}", stderr(&run));
    }

    fn json(&self, args: &[&str]) -> Value {
        let out = self.sfn(args);
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: {e}\n{}", String::from_utf8_lossy(&out.stderr)))
    }

    /// `(type, id, previousEventId)` of the stored history's events from `from` on.
    fn events(&self, name: &str, from: u64) -> Vec<(String, u64, u64)> {
        self.json(&["history", name, "--format", "json"])["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["id"].as_u64().unwrap() >= from)
            .map(|e| {
                (
                    e["type"].as_str().unwrap().to_string(),
                    e["id"].as_u64().unwrap(),
                    e["previousEventId"].as_u64().unwrap(),
                )
            })
            .collect()
    }

    fn names(&self, filter: &str) -> Vec<String> {
        self.json(&["list", "--redrive-filter", filter, "--format", "json"])["executions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["name"].as_str().unwrap().to_string())
            .collect()
    }
}

fn code(out: &std::process::Output) -> Option<i32> {
    out.status.code()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn ev(t: &str, id: u64, prev: u64) -> (String, u64, u64) {
    (t.to_string(), id, prev)
}

#[test]
fn a_failed_task_is_redriven_with_the_stored_mocks_going_on_to_their_next_entry() {
    let d = Dir::new();
    d.write(
        "mocks.yaml",
        "Charge:\n  - throw: {error: Card.Declined, cause: insufficient funds}\n  - return: {charged: 12}\n",
    );
    let run = d.sfn(&[
        "run",
        "order.asl.json",
        "--mocks",
        "mocks.yaml",
        "--name",
        "o1",
    ]);
    assert_eq!(code(&run), Some(1));
    d.sfn(&[
        "run",
        "order.asl.json",
        "--mocks",
        "mocks.yaml",
        "--name",
        "o2",
    ]);
    let before = d.json(&["describe", "o1"]);
    assert_eq!(before["redriveCount"], 0);
    assert_eq!(before["redriveStatus"], "REDRIVABLE");
    assert_eq!(before.get("redriveStatusReason"), None);

    let out = d.sfn(&["redrive", "o1", "--format", "json"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["status"], "SUCCEEDED");
    assert_eq!(shown["output"], json!(r#"{"charged":12}"#));

    assert_eq!(
        d.events("o1", 1),
        [
            ev("ExecutionStarted", 1, 0),
            ev("PassStateEntered", 2, 0),
            ev("PassStateExited", 3, 2),
            ev("TaskStateEntered", 4, 3),
            ev("TaskScheduled", 5, 4),
            ev("TaskStarted", 6, 5),
            ev("TaskFailed", 7, 6),
            ev("ExecutionFailed", 8, 7),
            ev("ExecutionRedriven", 9, 8),
            ev("TaskStateEntered", 10, 9),
            ev("TaskScheduled", 11, 10),
            ev("TaskStarted", 12, 11),
            ev("TaskSucceeded", 13, 12),
            ev("TaskStateExited", 14, 13),
            ev("ExecutionSucceeded", 15, 14),
        ]
    );
    let h = d.json(&["history", "o1", "--format", "json"]);
    assert_eq!(
        h["events"][8]["executionRedrivenEventDetails"],
        json!({"redriveCount": 1})
    );
    // Charge runs again with the input it was entered with; Reserve is not rerun.
    assert_eq!(
        h["events"][9]["stateEnteredEventDetails"]["input"],
        json!(r#"{"stock":{"held":true}}"#)
    );

    let after = d.json(&["describe", "o1"]);
    assert_eq!(after["status"], "SUCCEEDED");
    assert_eq!(after["redriveCount"], 1);
    assert_eq!(after["startDate"], before["startDate"]);
    assert!(after["redriveDate"].as_f64().unwrap() >= before["stopDate"].as_f64().unwrap());
    assert_eq!(after["redriveStatus"], "NOT_REDRIVABLE");
    assert_eq!(
        after["redriveStatusReason"],
        "Execution is SUCCEEDED and cannot be redriven"
    );
    assert_eq!(after.get("error"), None);
    assert_eq!(after.get("mocksSinceEvent"), None);
    let keys: Vec<&str> = after
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        &keys[keys.len() - 4..],
        [
            "redriveCount",
            "redriveDate",
            "redriveStatus",
            "redriveStatusReason"
        ]
    );
    assert_eq!(d.names("REDRIVEN"), ["o1"]);
    assert_eq!(d.names("NOT_REDRIVEN"), ["o2"]);
}

#[test]
fn other_mocks_start_afresh_and_a_second_redrive_counts_two() {
    let d = Dir::new();
    d.write("always.yaml", "Charge:\n  throw: {error: Card.Declined}\n");
    d.write(
        "fixed.yaml",
        "Charge:\n  - throw: {error: Still.Down}\n  - return: {charged: 3}\n",
    );
    d.sfn(&[
        "run",
        "order.asl.json",
        "--mocks",
        "always.yaml",
        "--name",
        "o",
    ]);
    // New mocks start from their first entry: the redrive fails again.
    let first = d.sfn(&["redrive", "o", "--mocks", "fixed.yaml"]);
    assert_eq!(code(&first), Some(1), "{}", stderr(&first));
    let mid = d.json(&["describe", "o"]);
    assert_eq!(
        (&mid["status"], &mid["error"], &mid["redriveCount"]),
        (&json!("FAILED"), &json!("Still.Down"), &json!(1))
    );
    assert_eq!(mid["redriveStatus"], "REDRIVABLE");
    // They are stored with the execution, and go on to their next entry.
    let second = d.sfn(&["redrive", "o"]);
    assert_eq!(code(&second), Some(0), "{}", stderr(&second));
    let end = d.json(&["describe", "o"]);
    assert_eq!(
        (&end["status"], &end["redriveCount"]),
        (&json!("SUCCEEDED"), &json!(2))
    );
    let redriven: Vec<Value> = d.json(&["history", "o", "--format", "json"])["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "ExecutionRedriven")
        .map(|e| json!([e["id"], e["executionRedrivenEventDetails"]]))
        .collect();
    assert_eq!(
        redriven,
        [
            json!([9, {"redriveCount": 1}]),
            json!([15, {"redriveCount": 2}])
        ]
    );
}

#[test]
fn a_timed_out_execution_is_redriven() {
    let d = Dir::new();
    d.write(
        "slow.asl.json",
        &json!({"TimeoutSeconds": 30, "StartAt": "Charge", "States": {
            "Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}})
        .to_string(),
    );
    d.write(
        "mocks.yaml",
        "Charge:\n  - delay: 60\n    return: late\n  - return: fine\n",
    );
    let run = d.sfn(&[
        "run",
        "slow.asl.json",
        "--mocks",
        "mocks.yaml",
        "--name",
        "t",
    ]);
    assert_eq!(code(&run), Some(1));
    assert_eq!(d.json(&["describe", "t"])["status"], "TIMED_OUT");
    let out = d.sfn(&["redrive", "t"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(
        d.events("t", 6),
        [
            ev("ExecutionRedriven", 6, 5),
            ev("TaskStateEntered", 7, 6),
            ev("TaskScheduled", 8, 7),
            ev("TaskStarted", 9, 8),
            ev("TaskSucceeded", 10, 9),
            ev("TaskStateExited", 11, 10),
            ev("ExecutionSucceeded", 12, 11),
        ]
    );
}

#[test]
fn refusals_name_aws_reason_and_exit_2() {
    let d = Dir::new();
    d.write("mocks.yaml", "Charge:\n  return: {}\n");
    d.sfn(&[
        "run",
        "order.asl.json",
        "--mocks",
        "mocks.yaml",
        "--name",
        "ok",
    ]);
    let out = d.sfn(&["redrive", "ok"]);
    assert_eq!(code(&out), Some(2));
    assert!(
        stderr(&out).contains(
            "error: ExecutionNotRedrivable: Execution is SUCCEEDED and cannot be redriven. (execution 'ok': only a FAILED, TIMED_OUT or ABORTED execution can be redriven)"
        ),
        "{}",
        stderr(&out)
    );

    // An execution still running (as a killed process could leave one).
    let file = d.dir.path().join(".sfn/executions/ok/execution.json");
    let mut describe: Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    describe["status"] = json!("RUNNING");
    std::fs::write(&file, describe.to_string()).unwrap();
    let out = d.sfn(&["redrive", "ok"]);
    assert_eq!(code(&out), Some(2));
    assert!(
        stderr(&out).contains("Execution is RUNNING and cannot be redriven."),
        "{}",
        stderr(&out)
    );

    let out = d.sfn(&["redrive", "nope"]);
    assert_eq!(code(&out), Some(2));
    assert!(
        stderr(&out).contains("no execution named 'nope'"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_task_with_no_mock_in_the_redrive_says_which_and_exits_2() {
    let d = Dir::new();
    d.write("mocks.yaml", "Charge:\n  throw: {error: Boom}\n");
    d.write("other.yaml", "Reserve:\n  return: {}\n");
    d.sfn(&[
        "run",
        "order.asl.json",
        "--mocks",
        "mocks.yaml",
        "--name",
        "o",
    ]);
    let out = d.sfn(&["redrive", "o", "--mocks", "other.yaml"]);
    assert_eq!(code(&out), Some(2));
    // As a run says it, with the entry to add to the file given.
    assert!(
        stderr(&out).contains(
            "Task state 'Charge' (arn:aws:states:::lambda:invoke) was reached, but it has no mock"
        ) && stderr(&out).contains("help: add an entry for it to other.yaml"),
        "{}",
        stderr(&out)
    );
    // Nothing was stored: the execution is as it was.
    assert_eq!(d.json(&["describe", "o"])["redriveCount"], 0);
    // The stored mocks (a MockConfigFile with one response) have no second call:
    // said as a run says it, not as a store file with "no mock answering its input".
    d.write(
        "mc.json",
        r#"{"StateMachines":{"order":{"TestCases":{"T":{"Charge":"R"}}}},"MockedResponses":{"R":{"0":{"Throw":{"Error":"E"}}}}}"#,
    );
    d.sfn(&[
        "run",
        "order.asl.json",
        "--mocks",
        "mc.json",
        "--test-case",
        "T",
        "--name",
        "m",
    ]);
    let out = d.sfn(&["redrive", "m"]);
    assert_eq!(code(&out), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("Task state 'Charge' was called a 2nd time, but its response in your mocks file has no \"1\"")
            && err.contains("pass your mocks file, completed, with --mocks FILE")
            && !err.contains(".sfn"),
        "{err}"
    );
}

/// Redrives of one execution at the same time: each one either lands (and is
/// counted) or is refused as AWS refuses a redrive of a RUNNING execution; none
/// is lost to another's write.
#[test]
fn concurrent_redrives_are_each_counted_or_refused() {
    let d = Dir::new();
    // Every call fails: each redrive leaves the execution FAILED, redrivable again.
    d.write(
        "mocks.yaml",
        "Charge:\n  throw: {error: Card.Declined, cause: no}\n",
    );
    let run = d.sfn(&[
        "run",
        "order.asl.json",
        "--mocks",
        "mocks.yaml",
        "--name",
        "c",
    ]);
    assert_eq!(code(&run), Some(1));
    let bin = assert_cmd::cargo::cargo_bin("sfn");
    let children: Vec<_> = (0..5)
        .map(|_| {
            std::process::Command::new(&bin)
                .current_dir(d.dir.path())
                .env_remove("SFN_STORE")
                .args(["redrive", "c"])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut landed = 0;
    for child in children {
        let out = child.wait_with_output().unwrap();
        match out.status.code() {
            Some(1) => landed += 1,
            Some(2) => assert!(
                stderr(&out).contains("Execution is RUNNING and cannot be redriven"),
                "{}",
                stderr(&out)
            ),
            other => panic!("{other:?}: {}", stderr(&out)),
        }
    }
    assert!(landed >= 1);
    assert_eq!(d.json(&["describe", "c"])["redriveCount"], landed);
    let redriven = d
        .events("c", 1)
        .iter()
        .filter(|(t, _, _)| t == "ExecutionRedriven")
        .count();
    assert_eq!(redriven, landed);
}

/// A run with `--test-case` is redriven in the same test case of its stored
/// MockConfigFile; it used to stop with "3 test cases: pick one".
#[test]
fn a_redrive_keeps_the_test_case_of_the_run() {
    let d = Dir::new();
    d.write(
        "mcf.json",
        &json!({
            "StateMachines": {"order": {"TestCases": {
                "happy": {"Charge": "Ok"},
                "flaky": {"Charge": "FailsOnce"}}}},
            "MockedResponses": {
                "Ok": {"0": {"Return": {"charged": 1}}},
                "FailsOnce": {"0": {"Throw": {"Error": "Boom", "Cause": "first"}},
                              "1": {"Return": {"charged": 2}}}}})
        .to_string(),
    );
    let run = d.sfn(&[
        "run",
        "order.asl.json",
        "--mocks",
        "mcf.json",
        "--test-case",
        "flaky",
        "--name",
        "t1",
    ]);
    assert_eq!(code(&run), Some(1), "{}", stderr(&run));
    // Our own field stays out of DescribeExecution's response.
    assert_eq!(d.json(&["describe", "t1"]).get("mocksTestCase"), None);
    let out = d.sfn(&["redrive", "t1", "--format", "json"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["output"], json!(r#"{"charged":2}"#));
}

/// The redrivable period runs out after the execution stopped: describe says so
/// as redrive does (it used to show the REDRIVABLE stored when the run ended).
#[test]
fn describe_says_not_redrivable_once_the_period_is_over() {
    let d = Dir::new();
    d.write("mocks.yaml", "Charge:\n  throw: {error: E, cause: c}\n");
    d.failed_run("old");
    assert_eq!(d.json(&["describe", "old"])["redriveStatus"], "REDRIVABLE");
    let path = d.dir.path().join(".sfn/executions/old/execution.json");
    let mut stored: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let days_ago = |d: f64| stored["stopDate"].as_f64().unwrap() - d * 24.0 * 3600.0;
    let (start, stop) = (days_ago(15.1), days_ago(15.0));
    stored["startDate"] = json!(start);
    stored["stopDate"] = json!(stop);
    std::fs::write(&path, stored.to_string()).unwrap();
    let shown = d.json(&["describe", "old"]);
    assert_eq!(shown["redriveStatus"], "NOT_REDRIVABLE");
    assert_eq!(
        shown["redriveStatusReason"],
        "Execution redrivable period exceeded"
    );
    let out = d.sfn(&["redrive", "old"]);
    assert_eq!(code(&out), Some(2));
    assert!(stderr(&out).contains(
        "Execution redrivable period exceeded. (execution 'old': an execution can be redriven within 14 days of its end: run it again)"
    ));
}

const DISTRIBUTED: &str = r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items", "End": true,
  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
    "StartAt": "W", "States": {"W": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:w", "End": true}}}}}}"#;

/// Runs [`DISTRIBUTED`] as `dm` over `items` with `mocks`: it must fail.
fn failed_distributed_run(d: &Dir, mocks: &str, items: &str) {
    d.write("dmap.asl.json", DISTRIBUTED);
    d.write("mocks.yaml", mocks);
    let input = format!(r#"{{"items": {items}}}"#);
    let run = d.sfn(&[
        "run",
        "dmap.asl.json",
        "--mocks",
        "mocks.yaml",
        "--name",
        "dm",
        "--input",
        &input,
    ]);
    assert_eq!(code(&run), Some(1), "{}", stderr(&run));
}

/// `sfn redrive dm` with `more` arguments: it must succeed; its output.
fn redriven_output(d: &Dir, more: &[&str]) -> Value {
    let mut args = vec!["redrive", "dm", "--format", "json"];
    args.extend(more);
    let out = d.sfn(&args);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
    shown["output"].clone()
}

/// A distributed Map's redrive runs again only the child executions that did not
/// succeed (AWS: "redrive all the unsuccessful child workflow executions"); the
/// others keep their outputs. It used to run every child again.
#[test]
fn a_distributed_map_redrive_runs_only_the_unsuccessful_children() {
    let d = Dir::new();
    failed_distributed_run(
        &d,
        "W:\n  - when: {v: 2}\n    throw: {error: Boom, cause: bad}\n  - return: {r: first}\n",
        r#"[{"v": 1}, {"v": 2}]"#,
    );
    d.write("new.yaml", "W:\n  return: {r: again}\n");
    assert_eq!(
        redriven_output(&d, &["--mocks", "new.yaml"]),
        json!(r#"[{"r":"first"},{"r":"again"}]"#)
    );
}

/// With the stored mocks, a child execution's mock list goes on where it was:
/// `[throw, return]` fails the run and succeeds on redrive, as for any Task.
#[test]
fn a_distributed_map_child_goes_on_with_its_stored_mocks() {
    let d = Dir::new();
    failed_distributed_run(
        &d,
        "W:\n  - throw: {error: Boom, cause: bad}\n  - return: {r: ok}\n",
        r#"[{"v": 1}]"#,
    );
    assert_eq!(redriven_output(&d, &[]), json!(r#"[{"r":"ok"}]"#));
}

/// Other mocks given to a redrive are checked as a run checks them: a mock for
/// no state of the definition is a warning with a "did you mean".
#[test]
fn a_redrive_warns_of_a_mock_for_no_state() {
    let d = Dir::new();
    d.write("mocks.yaml", "Charge:\n  throw: {error: E, cause: c}\n");
    d.write("other.yaml", "Charg:\n  return: {charged: 1}\n");
    d.failed_run("w");
    let out = d.sfn(&["redrive", "w", "--mocks", "other.yaml"]);
    let err = stderr(&out);
    assert!(err.contains("UNKNOWN_MOCK_STATE"), "{err}");
    assert!(err.contains("did you mean 'Charge'"), "{err}");
}

/// A redrive that cannot be stored shows its result, then why it is not stored,
/// and the stored execution stays as it was.
#[test]
fn a_redrive_that_cannot_be_stored_shows_its_result_and_keeps_the_execution() {
    let d = Dir::new();
    d.write(
        "mocks.yaml",
        "Charge:\n  throw: {error: Card.Declined, cause: no}\n",
    );
    d.failed_run("r");
    d.write("fixed.yaml", "Charge:\n  return: {charged: true}\n");
    // Where the redrive writes the new files first, a file now stands.
    let tmp = d.dir.path().join(".sfn/tmp");
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::write(&tmp, "in the way").unwrap();
    let out = d.sfn(&["redrive", "r", "--mocks", "fixed.yaml", "--format", "json"]);
    assert_eq!(code(&out), Some(2), "{}", stderr(&out));
    let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["status"], "SUCCEEDED");
    assert!(
        stderr(&out).contains(
            "the redrive ended SUCCEEDED but is not stored, and execution 'r' is kept as it was: "
        ),
        "{}",
        stderr(&out)
    );
    std::fs::remove_file(&tmp).unwrap();
    let kept = d.json(&["describe", "r"]);
    assert_eq!(kept["status"], "FAILED");
    assert_eq!(kept["redriveCount"], 0);
}

/// With no mocks file stored (the copy lost), a redrive without --mocks says
/// so, rather than asking for an entry the user's file has.
#[test]
fn a_lost_stored_mocks_file_is_named_as_such() {
    let d = Dir::new();
    d.write(
        "mocks.yaml",
        "Charge:\n  throw: {error: Card.Declined, cause: no}\n",
    );
    d.failed_run("m");
    std::fs::remove_file(d.dir.path().join(".sfn/executions/m/mocks")).unwrap();
    let out = d.sfn(&["redrive", "m"]);
    assert_eq!(code(&out), Some(2));
    assert!(
        stderr(&out).ends_with(
            "no mocks file is stored with this execution (it ran without --mocks, or the stored copy is lost): pass your mocks file with --mocks FILE\n"
        ),
        "{}",
        stderr(&out)
    );
}
