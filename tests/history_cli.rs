//! `sfn history`, `sfn describe` and `sfn list` over a store written with
//! `Store::save` (SPEC.md: History, Also; issue 4).

use assert_cmd::Command;
use serde_json::{Value, json};
use sfn::history::{Details, History, details, not_truncated};
use sfn::store::{Record, Store};

const T0: i64 = 1_714_564_800_000; // 2024-05-01 12:00:00 UTC, in ms
const MACHINE: &str = "arn:aws:states:local:000000000000:stateMachine:order";

fn sfn(store: &std::path::Path) -> Command {
    let mut c = Command::cargo_bin("sfn").unwrap();
    c.env("NO_COLOR", "1").env("SFN_STORE", store);
    c
}

fn s(v: Value) -> Option<Value> {
    Some(json!(v.to_string()))
}

fn d(fields: Vec<(&'static str, Option<Value>)>) -> Option<Details> {
    let mut m = Details::default();
    for (k, v) in fields {
        if let Some(v) = v {
            m.insert(k, v);
        }
    }
    Some(m)
}

/// An order workflow: ChargeCard (a Lambda Task), a Wait, then a Map over two
/// items. `declined` makes the card charge fail and the execution with it.
fn order_run(name: &str, start_ms: i64, amount: i64, declined: bool) -> Record {
    let input = json!({"orderId": name, "amount": amount, "items": ["book", "pen"]});
    let lambda = |extra: Vec<(&'static str, Option<Value>)>| {
        let mut f = vec![
            ("resourceType", Some(json!("lambda"))),
            ("resource", Some(json!("invoke"))),
        ];
        f.extend(extra);
        d(f)
    };
    let mut h = History::default();
    let mut t = start_ms;
    let mut tick = |ms: i64| {
        t += ms;
        t
    };
    let e1 = h.push(
        "ExecutionStarted",
        0,
        tick(0),
        Some(details([
            ("input", s(input.clone())),
            ("inputDetails", Some(not_truncated())),
            (
                "roleArn",
                Some(json!("arn:aws:iam::000000000000:role/sfn-local")),
            ),
        ])),
    );
    let e2 = h.push(
        "TaskStateEntered",
        e1,
        tick(12),
        d(vec![
            ("name", Some(json!("ChargeCard"))),
            ("input", s(input.clone())),
            ("inputDetails", Some(not_truncated())),
        ]),
    );
    let params = json!({"FunctionName": "charge", "Payload": {"amount": amount}});
    let e3 = h.push(
        "TaskScheduled",
        e2,
        tick(3),
        lambda(vec![
            ("region", Some(json!("local"))),
            ("parameters", s(params)),
        ]),
    );
    let e4 = h.push("TaskStarted", e3, tick(5), lambda(vec![]));
    if declined {
        let e5 = h.push(
            "TaskFailed",
            e4,
            tick(140),
            lambda(vec![
                ("error", Some(json!("Card.Declined"))),
                ("cause", Some(json!("insufficient funds"))),
            ]),
        );
        h.push(
            "ExecutionFailed",
            e5,
            tick(2),
            d(vec![
                ("error", Some(json!("Card.Declined"))),
                ("cause", Some(json!("insufficient funds"))),
            ]),
        );
        return record(
            name,
            start_ms,
            t,
            &input,
            h,
            Err(("Card.Declined", "insufficient funds")),
        );
    }
    let charged = json!({"charged": amount});
    let e5 = h.push(
        "TaskSucceeded",
        e4,
        tick(140),
        lambda(vec![
            ("output", s(charged.clone())),
            ("outputDetails", Some(not_truncated())),
        ]),
    );
    let e6 = h.push(
        "TaskStateExited",
        e5,
        tick(2),
        d(vec![
            ("name", Some(json!("ChargeCard"))),
            ("output", s(charged.clone())),
            ("outputDetails", Some(not_truncated())),
        ]),
    );
    let e7 = h.push(
        "WaitStateEntered",
        e6,
        tick(1),
        d(vec![
            ("name", Some(json!("Settle"))),
            ("input", s(charged.clone())),
            ("inputDetails", Some(not_truncated())),
        ]),
    );
    let e8 = h.push(
        "WaitStateExited",
        e7,
        tick(90_000),
        d(vec![
            ("name", Some(json!("Settle"))),
            ("output", s(charged.clone())),
            ("outputDetails", Some(not_truncated())),
        ]),
    );
    let e9 = h.push(
        "MapStateEntered",
        e8,
        tick(1),
        d(vec![
            ("name", Some(json!("ShipItems"))),
            ("input", s(input.clone())),
            ("inputDetails", Some(not_truncated())),
        ]),
    );
    let mut prev = h.push(
        "MapStateStarted",
        e9,
        tick(1),
        d(vec![("length", Some(json!(2)))]),
    );
    let mut outputs = Vec::new();
    for (i, item) in ["book", "pen"].iter().enumerate() {
        let it = h.push(
            "MapIterationStarted",
            prev,
            tick(1),
            d(vec![
                ("name", Some(json!("ShipItems"))),
                ("index", Some(json!(i))),
            ]),
        );
        let en = h.push(
            "PassStateEntered",
            it,
            tick(1),
            d(vec![
                ("name", Some(json!("Ship"))),
                ("input", s(json!(item))),
                ("inputDetails", Some(not_truncated())),
            ]),
        );
        let shipped = json!({"shipped": item});
        let ex = h.push(
            "PassStateExited",
            en,
            tick(1),
            d(vec![
                ("name", Some(json!("Ship"))),
                ("output", s(shipped.clone())),
                ("outputDetails", Some(not_truncated())),
            ]),
        );
        outputs.push(shipped);
        prev = h.push(
            "MapIterationSucceeded",
            ex,
            tick(1),
            d(vec![
                ("name", Some(json!("ShipItems"))),
                ("index", Some(json!(i))),
            ]),
        );
    }
    let ms = h.push("MapStateSucceeded", prev, tick(1), None);
    let output = json!(outputs);
    let mx = h.push(
        "MapStateExited",
        ms,
        tick(1),
        d(vec![
            ("name", Some(json!("ShipItems"))),
            ("output", s(output.clone())),
            ("outputDetails", Some(not_truncated())),
        ]),
    );
    h.push(
        "ExecutionSucceeded",
        mx,
        tick(1),
        d(vec![
            ("output", s(output.clone())),
            ("outputDetails", Some(not_truncated())),
        ]),
    );
    record(name, start_ms, t, &input, h, Ok(output))
}

fn record(
    name: &str,
    start_ms: i64,
    stop_ms: i64,
    input: &Value,
    h: History,
    result: Result<Value, (&str, &str)>,
) -> Record {
    let mut describe = json!({
        "executionArn": format!("arn:aws:states:local:000000000000:execution:order:{name}"),
        "stateMachineArn": MACHINE,
        "name": name,
        "status": if result.is_ok() { "SUCCEEDED" } else { "FAILED" },
        "startDate": start_ms as f64 / 1000.0,
        "stopDate": stop_ms as f64 / 1000.0,
        "input": input.to_string(),
        "inputDetails": {"included": true},
    });
    match result {
        Ok(output) => {
            describe["output"] = json!(output.to_string());
            describe["outputDetails"] = json!({"included": true});
            describe["redriveCount"] = json!(0);
            describe["redriveStatus"] = json!("NOT_REDRIVABLE");
            describe["redriveStatusReason"] =
                json!("Execution is SUCCEEDED and cannot be redriven");
        }
        Err((error, cause)) => {
            describe["error"] = json!(error);
            describe["cause"] = json!(cause);
            describe["redriveCount"] = json!(0);
            describe["redriveStatus"] = json!("REDRIVABLE");
        }
    }
    describe["definitionPath"] = json!("order.asl.json");
    Record {
        describe,
        history: h.to_json(),
        definition: json!({"StartAt": "ChargeCard", "States": {}}),
        input: input.clone(),
        mocks: None,
        map_runs: None,
    }
}

/// A store holding, oldest first: `order-1` (succeeded), `order-2` (declined,
/// then redriven once), `order-3` (succeeded, a different amount).
fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::locate(Some(dir.path()));
    store
        .save("order-1", &order_run("order-1", T0, 42, false))
        .unwrap();
    let mut redriven = order_run("order-2", T0 + 60_000, 42, true);
    redriven.describe["redriveCount"] = json!(1);
    redriven.describe["redriveDate"] = json!((T0 + 70_000) as f64 / 1000.0);
    store.save("order-2", &redriven).unwrap();
    store
        .save("order-3", &order_run("order-3", T0 + 120_000, 7, false))
        .unwrap();
    (dir, store)
}

fn stdout(c: &mut Command, code: i32) -> String {
    let out = c.assert().code(code).get_output().clone();
    String::from_utf8(out.stdout).unwrap()
}

fn stderr(c: &mut Command, code: i32) -> String {
    let out = c.assert().code(code).get_output().clone();
    String::from_utf8(out.stderr).unwrap()
}

fn json_out(c: &mut Command) -> Value {
    serde_json::from_str(&stdout(c, 0)).expect("stdout is JSON")
}

#[test]
fn history_table_shows_the_most_recent_execution_in_80_columns() {
    let (dir, _) = store();
    let table = stdout(sfn(dir.path()).arg("history"), 0);
    insta::assert_snapshot!("history_table", table);
    assert!(table.lines().all(|l| l.chars().count() <= 80), "{table}");
    assert!(!table.contains('\u{1b}'), "no colour in a pipe");
}

#[test]
fn history_table_of_a_failed_execution() {
    let (dir, _) = store();
    let table = stdout(sfn(dir.path()).args(["history", "order-2"]), 0);
    insta::assert_snapshot!("history_table_failed", table);
}

#[test]
fn history_json_is_the_stored_get_execution_history_response() {
    let (dir, store) = store();
    let stored = store.load("order-3").unwrap().history;
    let printed = json_out(sfn(dir.path()).args(["history", "--format", "json"]));
    assert_eq!(printed, stored);
    // Field order as AWS sends it, input and output as JSON strings.
    let first = serde_json::to_string(&printed["events"][0]).unwrap();
    assert!(first.starts_with(r#"{"timestamp":1714564920.0,"type":"ExecutionStarted","id":1,"previousEventId":0,"executionStartedEventDetails":{"input":"{\"orderId\""#), "{first}");
}

#[test]
fn history_by_arn_reverse_and_without_data() {
    let (dir, store) = store();
    let arn = "arn:aws:states:local:000000000000:execution:order:order-1";
    let stored = store.load("order-1").unwrap().history;
    let reversed =
        json_out(sfn(dir.path()).args(["history", arn, "--format", "json", "--reverse"]));
    let mut want = stored["events"].as_array().unwrap().clone();
    want.reverse();
    assert_eq!(reversed, json!({ "events": want }));

    let bare = json_out(sfn(dir.path()).args([
        "history",
        "order-1",
        "--format",
        "json",
        "--include-data=false",
    ]));
    let events = bare["events"].as_array().unwrap();
    assert_eq!(events.len(), stored["events"].as_array().unwrap().len());
    assert_eq!(
        events[1],
        json!({"timestamp": 1714564800.012, "type": "TaskStateEntered", "id": 2, "previousEventId": 1,
               "stateEnteredEventDetails": {"name": "ChargeCard", "inputDetails": {"truncated": false}}})
    );
    // Only input and output go: a Task's parameters stay, as do names and indexes.
    assert_eq!(
        events[2]["taskScheduledEventDetails"]["parameters"],
        json!(r#"{"FunctionName":"charge","Payload":{"amount":42}}"#)
    );
    assert_eq!(
        events.last().unwrap(),
        &json!({"timestamp": 1714564890.176, "type": "ExecutionSucceeded", "id": 21, "previousEventId": 20,
                "executionSucceededEventDetails": {"outputDetails": {"truncated": false}}})
    );
    // The table leaves payloads out too.
    let table = stdout(
        sfn(dir.path()).args(["history", "order-1", "--include-data=false"]),
        0,
    );
    assert!(!table.contains("orderId"), "{table}");
    assert!(table.contains("lambda:invoke"), "{table}");
    // `--include-data` alone, or `=true`, is the default.
    let full = json_out(sfn(dir.path()).args([
        "history",
        "order-1",
        "--format",
        "json",
        "--include-data",
    ]));
    assert_eq!(full, stored);
}

#[test]
fn colours_only_when_asked_or_on_a_terminal() {
    let (dir, _) = store();
    let plain = stdout(sfn(dir.path()).args(["history", "order-2"]), 0);
    let coloured = stdout(
        sfn(dir.path()).args(["history", "order-2", "--color", "always"]),
        0,
    );
    assert!(coloured.contains('\u{1b}'), "{coloured}");
    assert!(!plain.contains('\u{1b}'));
    // Same layout, colours aside.
    let stripped: String = strip_ansi(&coloured);
    assert_eq!(stripped, plain);
    // NO_COLOR wins over a terminal, and --color never over everything.
    let never = stdout(
        sfn(dir.path()).args(["history", "order-2", "--color", "never"]),
        0,
    );
    assert_eq!(never, plain);
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn describe_prints_describe_execution() {
    let (dir, _) = store();
    let described = json_out(sfn(dir.path()).args(["describe", "order-2"]));
    assert_eq!(
        described,
        json!({
            "executionArn": "arn:aws:states:local:000000000000:execution:order:order-2",
            "stateMachineArn": MACHINE,
            "name": "order-2",
            "status": "FAILED",
            "startDate": 1714564860.0,
            "stopDate": 1714564860.162,
            "input": r#"{"orderId":"order-2","amount":42,"items":["book","pen"]}"#,
            "inputDetails": {"included": true},
            "error": "Card.Declined",
            "cause": "insufficient funds",
            "redriveCount": 1,
            // Stored REDRIVABLE in 2024: more than 14 days ago now.
            "redriveStatus": "NOT_REDRIVABLE",
            "redriveStatusReason": "Execution redrivable period exceeded",
            "redriveDate": 1714564870.0,
        })
    );
    // Default: the most recent.
    assert_eq!(json_out(sfn(dir.path()).arg("describe"))["name"], "order-3");
}

#[test]
fn list_is_list_executions_newest_first_with_filters() {
    let (dir, _) = store();
    let item = |n: u32, status: &str, start: f64, stop: f64, redrives: u32| {
        json!({
            "executionArn": format!("arn:aws:states:local:000000000000:execution:order:order-{n}"),
            "stateMachineArn": MACHINE,
            "name": format!("order-{n}"),
            "status": status,
            "startDate": start,
            "stopDate": stop,
            "redriveCount": redrives,
        })
    };
    let o1 = item(1, "SUCCEEDED", 1714564800.0, 1714564890.176, 0);
    let mut o2 = item(2, "FAILED", 1714564860.0, 1714564860.162, 1);
    o2["redriveDate"] = json!(1714564870.0);
    let o3 = item(3, "SUCCEEDED", 1714564920.0, 1714565010.176, 0);
    let list = |args: &[&str]| {
        json_out(
            sfn(dir.path())
                .arg("list")
                .args(["--format", "json"])
                .args(args),
        )
    };
    assert_eq!(list(&[]), json!({"executions": [o3, o2, o1]}));
    assert_eq!(list(&["--status", "FAILED"]), json!({"executions": [o2]}));
    assert_eq!(
        list(&["--status", "succeeded", "--max-results", "1"]),
        json!({"executions": [o3]})
    );
    // ListExecutions: "A value of 0 uses the default" (here, all).
    assert_eq!(
        list(&["--max-results", "0"]),
        json!({"executions": [o3, o2, o1]})
    );
    assert_eq!(
        list(&["--redrive-filter", "REDRIVEN"]),
        json!({"executions": [o2]})
    );
    assert_eq!(
        list(&["--redrive-filter", "NOT_REDRIVEN"]),
        json!({"executions": [o3, o1]})
    );
    assert_eq!(
        list(&["--state-machine", "order", "--status", "TIMED_OUT"]),
        json!({"executions": []})
    );
    assert_eq!(
        list(&["--state-machine", "other"]),
        json!({"executions": []})
    );
    assert_eq!(
        list(&["--state-machine", MACHINE]).as_object().unwrap()["executions"]
            .as_array()
            .unwrap()
            .len(),
        3
    );

    let table = stdout(sfn(dir.path()).arg("list"), 0);
    insta::assert_snapshot!("list_table", table);
}

#[test]
fn unknown_executions_get_a_suggestion_and_the_recent_ones() {
    let (dir, _) = store();
    let err = stderr(sfn(dir.path()).args(["history", "ordr-2"]), 2);
    let dir_text = format!("{}/", dir.path().display());
    insta::assert_snapshot!("unknown_execution", err.replace(&dir_text, "<store>/"));
    let err = stderr(sfn(dir.path()).args(["describe", "zzz"]), 2);
    assert!(
        err.starts_with("error: no execution named 'zzz' in "),
        "{err}"
    );
    assert!(!err.contains("did you mean"), "{err}");
    assert!(
        err.contains("  order-3  SUCCEEDED  2024-05-01 12:02:00\n"),
        "{err}"
    );
    // --diff names are checked the same way.
    let err = stderr(
        sfn(dir.path()).args(["history", "--diff", "order-1", "order-9"]),
        2,
    );
    assert!(
        err.contains("no execution named 'order-9'") && err.contains("did you mean 'order-3'?"),
        "{err}"
    );
}

#[test]
fn an_empty_store_says_how_to_fill_it() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nothing-here");
    let mut c = Command::cargo_bin("sfn").unwrap();
    c.current_dir(dir.path())
        .env_remove("SFN_STORE")
        .arg("history");
    assert_eq!(
        stderr(&mut c, 2),
        "error: no executions in .sfn/ yet: run `sfn run DEFINITION` first\n"
    );
    let mut c = sfn(&missing);
    c.arg("describe");
    assert_eq!(
        stderr(&mut c, 2),
        format!(
            "error: no executions in {}/ yet: run `sfn run DEFINITION` first\n",
            missing.display()
        )
    );
    // Listing nothing is not an error.
    assert_eq!(
        json_out(sfn(&missing).args(["list", "--format", "json"])),
        json!({"executions": []})
    );
    let err = stderr(sfn(&missing).arg("list"), 0);
    assert!(err.starts_with("no executions in "), "{err}");
}

#[test]
fn store_flag_wins_over_the_environment() {
    let (dir, _) = store();
    let other = tempfile::tempdir().unwrap();
    let mut c = sfn(other.path());
    c.args(["describe", "order-1", "--store"]).arg(dir.path());
    assert_eq!(json_out(&mut c)["name"], "order-1");
}

#[test]
fn diff_shows_two_runs_side_by_side() {
    let (dir, _) = store();
    let out = stdout(
        sfn(dir.path()).args(["history", "--diff", "order-1", "order-3"]),
        1,
    );
    insta::assert_snapshot!("diff_amounts", out);
    assert!(out.lines().all(|l| l.chars().count() <= 80), "{out}");
    let out = stdout(
        sfn(dir.path()).args(["history", "--diff", "order-1", "order-2"]),
        1,
    );
    insta::assert_snapshot!("diff_declined", out);
    let same = stdout(
        sfn(dir.path()).args(["history", "--diff", "order-1", "order-1"]),
        0,
    );
    assert!(
        same.ends_with("the two histories are the same (21 events)\n"),
        "{same}"
    );

    // Different histories exit 1, as diff(1) does.
    let j: Value = serde_json::from_str(&stdout(
        sfn(dir.path()).args([
            "history", "--diff", "order-1", "order-2", "--format", "json",
        ]),
        1,
    ))
    .expect("stdout is JSON");
    assert_eq!(
        j["a"],
        json!({"name": "order-1", "status": "SUCCEEDED", "events": 21})
    );
    assert_eq!(
        j["b"],
        json!({"name": "order-2", "status": "FAILED", "events": 6})
    );
    assert_eq!(
        (
            j["identical"].clone(),
            j["changed"].clone(),
            j["onlyA"].clone(),
            j["onlyB"].clone()
        ),
        (json!(false), json!(4), json!(15), json!(0))
    );
    let ops: Vec<&str> = j["diff"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["op"].as_str().unwrap())
        .collect();
    let mut want = vec!["changed", "changed", "equal", "changed", "changed"];
    want.extend(["onlyA"; 15]);
    assert_eq!(ops, want);
    assert_eq!(j["diff"][2], json!({"op": "equal", "count": 2}));
    assert_eq!(j["diff"][3]["a"]["type"], "TaskSucceeded");
    assert_eq!(j["diff"][3]["b"]["type"], "TaskFailed");
    assert_eq!(j["diff"][5]["a"]["id"], 7);
}

#[test]
fn history_and_diff_exclude_each_other() {
    let (dir, _) = store();
    let err = stderr(
        sfn(dir.path()).args(["history", "order-1", "--diff", "order-1", "order-2"]),
        2,
    );
    assert!(err.contains("cannot be used with"), "{err}");
}

/// A folder left without its `execution.json` is the damaged execution it is,
/// not an unknown name; the default (the most recent) says what it passed over.
#[test]
fn a_missing_execution_file_is_damage_and_the_default_says_it_passed_it_over() {
    let (dir, store) = store();
    std::fs::remove_file(store.path_of("order-3").join("execution.json")).unwrap();
    for command in ["describe", "history"] {
        let err = stderr(sfn(dir.path()).args([command, "order-3"]), 2);
        assert!(
            err.contains("execution.json: the stored execution is damaged: the file is missing"),
            "{command}: {err}"
        );
    }
    let out = sfn(dir.path())
        .arg("describe")
        .assert()
        .code(0)
        .get_output()
        .clone();
    let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["name"], "order-2");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "note: 1 damaged stored execution is not considered: `sfn list` names it\n"
    );
}

/// A history needs only its own file: it is shown though the stored definition
/// and input are lost (describe shows the execution too).
#[test]
fn a_history_is_shown_without_the_other_stored_files() {
    let (dir, store) = store();
    std::fs::remove_file(store.path_of("order-1").join("definition.json")).unwrap();
    std::fs::remove_file(store.path_of("order-1").join("input.json")).unwrap();
    let shown = json_out(sfn(dir.path()).args(["history", "order-1", "--format", "json"]));
    assert_eq!(shown["events"][0]["type"], "ExecutionStarted");
}

/// A status that can never be redriven is refused with AWS's reason before the
/// store is written to (a read-only store still gets the refusal).
#[test]
fn a_succeeded_execution_is_refused_before_any_lock() {
    let (dir, store) = store();
    // Where the redrive's lock would go, a file stands: taking it would fail.
    std::fs::write(store.root.join("locks"), "in the way").unwrap();
    let err = stderr(sfn(dir.path()).args(["redrive", "order-1"]), 2);
    assert!(
        err.contains("Execution is SUCCEEDED and cannot be redriven."),
        "{err}"
    );
}

#[test]
fn a_damaged_execution_is_reported_not_shown() {
    let (dir, store) = store();
    std::fs::write(
        store.path_of("order-1").join("history.json"),
        "{\"events\": [",
    )
    .unwrap();
    let err = stderr(sfn(dir.path()).args(["history", "order-1"]), 2);
    assert!(
        err.starts_with("error: ")
            && err.contains("history.json: the stored execution is damaged: EOF"),
        "{err}"
    );
    // describe reads only the execution's own file.
    assert_eq!(
        json_out(sfn(dir.path()).args(["describe", "order-1"]))["status"],
        "SUCCEEDED"
    );
    std::fs::write(store.path_of("order-1").join("execution.json"), "not json").unwrap();
    let err = stderr(sfn(dir.path()).args(["describe", "order-1"]), 2);
    assert!(
        err.contains("execution.json: the stored execution is damaged: expected ident"),
        "{err}"
    );
}

/// The whole path: `sfn run` saves, these commands read back.
#[test]
fn executions_saved_by_sfn_run_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let def = dir.path().join("check.asl.json");
    std::fs::write(
        &def,
        r#"{"StartAt": "Check", "States": {
            "Check": {"Type": "Choice", "Choices": [{"Variable": "$.amount", "NumericGreaterThan": 100, "Next": "TooBig"}], "Default": "Accept"},
            "TooBig": {"Type": "Fail", "Error": "Order.TooBig", "Cause": "amount over 100"},
            "Accept": {"Type": "Pass", "Result": {"accepted": true}, "ResultPath": "$.result", "End": true}}}"#,
    )
    .unwrap();
    let store = dir.path().join("store");
    let run = |name: &str, amount: u32, code: i32| {
        let mut c = sfn(&store);
        c.arg("run")
            .arg(&def)
            .args(["--name", name, "--format", "json", "--input"]);
        c.arg(format!(r#"{{"amount": {amount}}}"#));
        serde_json::from_str::<Value>(&stdout(&mut c, code)).unwrap()
    };
    run("small", 5, 0);
    let big = run("big", 500, 1);
    assert_eq!(json_out(sfn(&store).args(["describe", "big"])), big);
    let history = json_out(sfn(&store).args(["history", "--format", "json"]));
    let seen: Vec<(u64, &str)> = history["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["id"].as_u64().unwrap(), e["type"].as_str().unwrap()))
        .collect();
    assert_eq!(
        seen,
        [
            (1, "ExecutionStarted"),
            (2, "ChoiceStateEntered"),
            (3, "ChoiceStateExited"),
            (4, "FailStateEntered"),
            (5, "ExecutionFailed")
        ]
    );
    let table = stdout(sfn(&store).arg("history"), 0);
    let last = table.lines().last().unwrap();
    assert!(
        last.starts_with("  5 ")
            && last.ends_with("ExecutionFailed             Order.TooBig: amount over 100"),
        "{table}"
    );
    let names: Vec<Value> = json_out(sfn(&store).args(["list", "--format", "json"]))["executions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].clone())
        .collect();
    assert_eq!(names, [json!("big"), json!("small")]);
    // A damaged execution is not listed, and the list says so.
    let damaged = store.join("executions/small/execution.json");
    let kept = std::fs::read(&damaged).unwrap();
    std::fs::write(&damaged, "{\"trunc").unwrap();
    let listed = sfn(&store)
        .args(["list", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(listed.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(v["executions"].as_array().unwrap().len(), 1);
    let warning = String::from_utf8(listed.stderr).unwrap();
    assert!(
        warning.starts_with("warning: not listed: ")
            && warning.contains("small")
            && warning.contains("the stored execution is damaged"),
        "{warning}"
    );
    std::fs::write(&damaged, kept).unwrap();
    let diff = stdout(sfn(&store).args(["history", "--diff", "small", "big"]), 1);
    assert!(
        diff.ends_with("5 changed, 1 only in small, 0 only in big\n"),
        "{diff}"
    );
}
