//! Distributed Map with `ItemReader` and `ResultWriter` on local files standing in for
//! S3 (`--s3-dir`): each reader type, `MaxItems`, CSV header modes, a missing object,
//! the exported result files and the Map's output, and the Map Run's events, with the
//! exact values AWS's documentation and recorded histories give.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use assert_cmd::Command;
use serde_json::{Value, json};
use sfn::engine::{ClockKind, Execution, Plan, RunOptions, Status, execute};
use sfn::load::{LoadOptions, load_path, load_text};
use sfn::mocks::Mocks;

const FIXTURES: &str = "testdata/distributed";
/// The modification time given to the listed objects (2023-11-14T22:13:20Z).
const MTIME: u64 = 1_700_000_000;

/// A scratch copy of `testdata/distributed/s3`: runs write into it.
fn s3_copy() -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
                let f = std::fs::File::options().write(true).open(&target).unwrap();
                f.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(MTIME))
                    .unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    copy(&Path::new(FIXTURES).join("s3"), &dir.path().join("s3"));
    dir
}

fn sfn() -> Command {
    let mut c = Command::cargo_bin("sfn").unwrap();
    c.env("NO_COLOR", "1").env_remove("SFN_S3_DIR");
    c
}

/// `sfn run FIXTURE --input INPUT --s3-dir <dir>/s3 --format json`, stored in `<dir>/.sfn`
/// under `name`; returns (exit code, DescribeExecution).
fn run(dir: &Path, fixture: &str, input: Value, name: &str) -> (i32, Value) {
    let out = sfn()
        .arg("run")
        .arg(Path::new(FIXTURES).join(fixture))
        .args(["--input", &input.to_string(), "--name", name, "--seed", "1"])
        .arg("--s3-dir")
        .arg(dir.join("s3"))
        .arg("--store")
        .arg(dir.join(".sfn"))
        .args(["--format", "json"])
        .output()
        .unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "stdout is not JSON: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap(), v)
}

fn output_of(v: &Value) -> Value {
    serde_json::from_str(v["output"].as_str().expect("an output")).unwrap()
}

/// `sfn history NAME --format json`'s events as (type, previousEventId, details).
fn history(dir: &Path, name: &str) -> Vec<(String, u64, Value)> {
    let out = sfn()
        .args(["history", name, "--format", "json", "--store"])
        .arg(dir.join(".sfn"))
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let details = e
                .as_object()
                .unwrap()
                .iter()
                .find(|(k, _)| k.ends_with("EventDetails"))
                .map(|(_, d)| d.clone())
                .unwrap_or(Value::Null);
            (
                e["type"].as_str().unwrap().to_string(),
                e["previousEventId"].as_u64().unwrap(),
                details,
            )
        })
        .collect()
}

#[test]
fn json_reader_keeps_max_items_and_feeds_the_item_selector() {
    let dir = s3_copy();
    let (code, v) = run(
        dir.path(),
        "json.asl.json",
        json!({"bucket": "orders"}),
        "j",
    );
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        output_of(&v),
        json!([
            {"at": 0, "from": "orders", "id": "A-1"},
            {"at": 1, "from": "orders", "id": "A-2"},
            {"at": 2, "from": "orders", "id": "A-3"}
        ])
    );
}

#[test]
fn a_map_run_over_read_items_records_the_events_aws_does() {
    // AWS's recorded histories (LocalStack's snapshots of test_map_item_reader_*):
    // MapStateStarted says length 0, the Map Run's events chain, and the state's exit
    // follows MapRunSucceeded, not MapStateSucceeded.
    let dir = s3_copy();
    let (code, _) = run(
        dir.path(),
        "json.asl.json",
        json!({"bucket": "orders"}),
        "ev",
    );
    assert_eq!(code, 0);
    let events = history(dir.path(), "ev");
    let shape: Vec<(&str, u64)> = events.iter().map(|(t, p, _)| (t.as_str(), *p)).collect();
    assert_eq!(
        shape,
        [
            ("ExecutionStarted", 0),
            ("MapStateEntered", 0),
            ("MapStateStarted", 2),
            ("MapRunStarted", 3),
            ("MapRunSucceeded", 4),
            ("MapStateSucceeded", 5),
            ("MapStateExited", 5),
            ("ExecutionSucceeded", 7),
        ]
    );
    assert_eq!(events[2].2, json!({"length": 0}));
    let arn = events[3].2["mapRunArn"].as_str().unwrap();
    assert!(
        arn.starts_with("arn:aws:states:local:000000000000:mapRun:json/Orders:"),
        "{arn}"
    );
}

#[test]
fn jsonl_reader_reads_one_value_per_line_and_batches_them() {
    let dir = s3_copy();
    let (code, v) = run(dir.path(), "jsonl.asl.json", json!({}), "l");
    assert_eq!(code, 0, "{v}");
    assert_eq!(
        output_of(&v),
        json!([
            {"BatchInput": {"run": "nightly"}, "Items": [{"id": "L-1", "qty": 1}, {"id": "L-2", "qty": 2}]},
            {"BatchInput": {"run": "nightly"}, "Items": [{"id": "L-3", "qty": 3}]}
        ])
    );
}

#[test]
fn csv_first_row_names_the_columns_and_every_value_is_a_string() {
    let dir = s3_copy();
    let (code, v) = run(dir.path(), "csv.asl.json", json!({}), "c");
    assert_eq!(code, 0, "{v}");
    // Keys in Java HashMap order, as AWS's recorded CSV outputs have them.
    assert_eq!(
        v["output"].as_str().unwrap(),
        r#"[{"note":"boxed, fragile","qty":"2","id":"C-1"},{"note":"says \"hi\"","qty":"1","id":"C-2"},{"note":"","qty":"","id":"C-3"}]"#
    );
}

#[test]
fn csv_given_headers_pipe_delimiter_and_max_items_path() {
    let dir = s3_copy();
    let (code, v) = run(dir.path(), "csv-given.asl.json", json!({"limit": 2}), "g2");
    assert_eq!(code, 0, "{v}");
    // A row with extra fields drops them; a short one gets empty strings.
    assert_eq!(
        output_of(&v),
        json!([{"qty": "4", "id": "C-7"}, {"qty": "5", "id": "C-8"}])
    );
    // MaxItems 0: no limit.
    let (_, v) = run(dir.path(), "csv-given.asl.json", json!({"limit": 0}), "g0");
    assert_eq!(
        output_of(&v),
        json!([{"qty": "4", "id": "C-7"}, {"qty": "5", "id": "C-8"}, {"qty": "", "id": "C-9"}])
    );
    let (code, v) = run(dir.path(), "csv-given.asl.json", json!({"limit": -1}), "gn");
    assert_eq!(code, 1);
    assert_eq!(v["error"], "States.ItemReaderFailed");
    assert_eq!(v["cause"], "field MaxItems must be positive");
    let (_, v) = run(
        dir.path(),
        "csv-given.asl.json",
        json!({"limit": "two"}),
        "gs",
    );
    assert_eq!(v["error"], "States.ItemReaderFailed");
    assert_eq!(
        v["cause"],
        "The MaxItemsPath field refers to value 'two' which is not a valid integer: $.limit"
    );
}

#[test]
fn list_objects_v2_yields_the_objects_under_the_prefix_in_key_order() {
    let dir = s3_copy();
    let (code, v) = run(
        dir.path(),
        "list.asl.json",
        json!({"prefix": "inbox/"}),
        "ls",
    );
    assert_eq!(code, 0, "{v}");
    // Etag: the MD5 of the content in quotes, as S3 gives it for a simple upload.
    assert_eq!(
        output_of(&v),
        json!([
            {"Etag": "\"eb260e9ae827821beceeed4104f0ad89\"", "Key": "inbox/a.txt", "LastModified": MTIME, "Size": 6, "StorageClass": "STANDARD"},
            {"Etag": "\"ec8426d9ff1ba041cd7ffb1e43e93ddf\"", "Key": "inbox/b.txt", "LastModified": MTIME, "Size": 8, "StorageClass": "STANDARD"},
            {"Etag": "\"aa62cba149c51923916eff46f80fe74c\"", "Key": "inbox/sub/c.txt", "LastModified": MTIME, "Size": 6, "StorageClass": "STANDARD"}
        ])
    );
}

#[test]
fn a_missing_object_fails_the_map_run_with_item_reader_failed() {
    let dir = s3_copy();
    let (code, v) = run(
        dir.path(),
        "read.asl.json",
        json!({"bucket": "orders", "key": "missing.json"}),
        "miss",
    );
    assert_eq!(code, 1);
    assert_eq!(v["status"], "FAILED");
    assert_eq!(v["error"], "States.ItemReaderFailed");
    let local = dir.path().join("s3/orders/missing.json");
    let cause = format!(
        "NoSuchKey: The specified key does not exist. The object s3://orders/missing.json is the local file {}, which is missing",
        local.display()
    );
    assert_eq!(v["cause"], cause.as_str());
    let events = history(dir.path(), "miss");
    let shape: Vec<(&str, u64)> = events.iter().map(|(t, p, _)| (t.as_str(), *p)).collect();
    assert_eq!(
        shape,
        [
            ("ExecutionStarted", 0),
            ("MapStateEntered", 0),
            ("MapStateStarted", 2),
            ("MapRunStarted", 3),
            ("MapRunFailed", 4),
            ("MapStateFailed", 5),
            ("ExecutionFailed", 6),
        ]
    );
    assert_eq!(
        events[4].2,
        json!({"error": "States.ItemReaderFailed", "cause": cause})
    );
}

#[test]
fn a_missing_bucket_and_a_json_object_that_is_no_array_fail_as_aws_words_it() {
    let dir = s3_copy();
    let (_, v) = run(
        dir.path(),
        "read.asl.json",
        json!({"bucket": "nobucket", "key": "a.json"}),
        "nb",
    );
    assert_eq!(v["error"], "States.ItemReaderFailed");
    assert_eq!(
        v["cause"],
        format!(
            "NoSuchBucket: The specified bucket does not exist. The bucket 'nobucket' is the local directory {}, \
             which is missing: create it (the S3 directory is set by --s3-dir)",
            dir.path().join("s3/nobucket").display()
        )
    );
    // AWS's recorded cause (test_map_item_reader_json_no_json_list_object).
    let (_, v) = run(
        dir.path(),
        "read.asl.json",
        json!({"bucket": "orders", "key": "not-an-array.json"}),
        "na",
    );
    assert_eq!(v["error"], "States.ItemReaderFailed");
    assert_eq!(v["cause"], "Attempting to map over non-iterable node.");
    // A key cannot leave the S3 directory.
    let (_, v) = run(
        dir.path(),
        "read.asl.json",
        json!({"bucket": "orders", "key": "../results/x.json"}),
        "up",
    );
    assert_eq!(v["error"], "States.ItemReaderFailed");
    assert!(
        v["cause"]
            .as_str()
            .unwrap()
            .contains("'..' is not a plain name"),
        "{v}"
    );
}

#[test]
fn result_writer_exports_the_map_run_and_outputs_where_it_wrote() {
    let dir = s3_copy();
    let (code, v) = run(
        dir.path(),
        "orders.asl.json",
        json!({"bucket": "orders", "key": "orders.csv"}),
        "rw",
    );
    assert_eq!(code, 0, "{v}");
    let out = output_of(&v);
    let arn = out["export"]["MapRunArn"].as_str().unwrap();
    let id = arn.rsplit(':').next().unwrap();
    assert!(arn.starts_with("arn:aws:states:local:000000000000:mapRun:orders/Pricing:"));
    assert_eq!(
        out,
        json!({
            "bucket": "orders",
            "key": "orders.csv",
            "export": {
                "MapRunArn": arn,
                "ResultWriterDetails": {"Bucket": "results", "Key": format!("pricing/{id}/manifest.json")}
            }
        })
    );
    let run_dir = dir.path().join("s3/results/pricing").join(id);
    let mut files: Vec<String> = std::fs::read_dir(&run_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    // Written whole, then renamed: no temporary file is left.
    assert_eq!(
        files,
        ["FAILED_0.json", "SUCCEEDED_0.json", "manifest.json"]
    );
    let read = |f: &str| -> Value {
        serde_json::from_slice(&std::fs::read(run_dir.join(f)).unwrap()).unwrap()
    };
    let size = |f: &str| std::fs::metadata(run_dir.join(f)).unwrap().len();
    assert_eq!(
        read("manifest.json"),
        json!({
            "DestinationBucket": "results",
            "MapRunArn": arn,
            "ResultFiles": {
                "FAILED": [{"Key": format!("pricing/{id}/FAILED_0.json"), "Size": size("FAILED_0.json")}],
                "PENDING": [],
                "SUCCEEDED": [{"Key": format!("pricing/{id}/SUCCEEDED_0.json"), "Size": size("SUCCEEDED_0.json")}]
            }
        })
    );
    let succeeded = read("SUCCEEDED_0.json");
    let outputs: Vec<&str> = succeeded
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["Output"].as_str().unwrap())
        .collect();
    assert_eq!(
        outputs,
        [r#"{"total":12,"id":"C-1"}"#, r#"{"total":11,"id":"C-2"}"#]
    );
    let failed = read("FAILED_0.json");
    assert_eq!(failed[0]["Error"], "Order.Empty");
    assert_eq!(failed[0]["Status"], "FAILED");
}

/// A redrive re-runs only the children that failed, in the same Map Run (AWS's
/// RedriveExecution: "preserves the results ... of the successful steps"); its
/// export is of the whole Map Run, the children kept from before included, as they
/// ran (their input and start date), not only those run again.
#[test]
fn a_redrive_exports_the_children_kept_from_before_too() {
    let dir = s3_copy();
    let d = dir.path();
    let definition = json!({"StartAt": "M", "States": {"M": {"Type": "Map",
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "f", "Payload.$": "$"}, "OutputPath": "$.Payload", "End": true}}},
        "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "results", "Prefix": "r"}},
        "End": true}}});
    std::fs::write(d.join("d.asl.json"), definition.to_string()).unwrap();
    std::fs::write(
        d.join("fails.yaml"),
        "T:\n  - when: {Payload: 2}\n    throw: {error: Boom, cause: bad item}\n  - return: {Payload: {ok: 1}}\n",
    )
    .unwrap();
    std::fs::write(
        d.join("fixed.yaml"),
        "T:\n  return: {Payload: {fixed: 1}}\n",
    )
    .unwrap();
    let cmd = |args: &[&str]| {
        let out = sfn()
            .current_dir(d)
            .args(args)
            .args(["--store", ".sfn", "--s3-dir", "s3", "--format", "json"])
            .output()
            .unwrap();
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let first = cmd(&[
        "run",
        "d.asl.json",
        "--name",
        "x",
        "--input",
        "[1,2,3]",
        "--mocks",
        "fails.yaml",
    ]);
    assert_eq!(first["status"], "FAILED");
    let again = cmd(&["redrive", "x", "--mocks", "fixed.yaml"]);
    assert_eq!(again["status"], "SUCCEEDED", "{again}");
    let key = output_of(&again)["ResultWriterDetails"]["Key"]
        .as_str()
        .unwrap()
        .to_string();
    let run_dir = d
        .join("s3/results")
        .join(key.trim_end_matches("manifest.json"));
    let succeeded: Value =
        serde_json::from_slice(&std::fs::read(run_dir.join("SUCCEEDED_0.json")).unwrap()).unwrap();
    let shown: Vec<(&str, &str)> = succeeded
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["Input"].as_str().unwrap(), c["Output"].as_str().unwrap()))
        .collect();
    // Item 1 succeeded in the first attempt and is not run again: its output stays.
    assert_eq!(
        shown,
        [
            ("1", r#"{"ok":1}"#),
            ("2", r#"{"fixed":1}"#),
            ("3", r#"{"fixed":1}"#)
        ]
    );
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(run_dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["ResultFiles"]["FAILED"], json!([]));
}

/// Runs a definition through the library, starting at a fixed instant.
fn exec(definition: &Value, input: Value, s3_dir: PathBuf) -> Execution {
    let loaded = load_text(
        Path::new("writer.asl.json"),
        definition.to_string(),
        &LoadOptions::default(),
    );
    let model = sfn::model::build(&loaded.definitions[0].root);
    let plan = Plan::compile(&model).unwrap_or_else(|u| panic!("{u:?}"));
    let opts = RunOptions {
        execution_name: "x".into(),
        state_machine_name: "writer".into(),
        seed: 5,
        clock: ClockKind::Virtual,
        start_ms: MTIME as i64 * 1000,
        abort: Arc::new(AtomicBool::new(false)),
        s3_dir,
    };
    execute(&plan, input, &Mocks::empty(), &opts).unwrap()
}

fn distributed(processor: Value, extra: Value) -> Value {
    let mut map = json!({
        "Type": "Map",
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "P",
            "States": {"P": processor}
        },
        "End": true
    });
    for (k, v) in extra.as_object().unwrap() {
        map[k] = v.clone();
    }
    json!({"StartAt": "M", "States": {"M": map}})
}

#[test]
fn result_files_hold_each_child_as_aws_describes_it() {
    let dir = s3_copy();
    let def = distributed(
        json!({"Type": "Pass", "Parameters": {"doubled.$": "States.MathAdd($, $)"}, "End": true}),
        json!({
            "Label": "Double",
            "ResultWriter": {
                "Resource": "arn:aws:states:::s3:putObject",
                "Parameters": {"Bucket": "results", "Prefix": "runs/"}
            }
        }),
    );
    let x = exec(&def, json!([1, 2]), dir.path().join("s3"));
    assert_eq!(x.status, Status::Succeeded);
    let out = x.output.unwrap();
    let arn = out["MapRunArn"].as_str().unwrap().to_string();
    let id = arn.rsplit(':').next().unwrap();
    assert_eq!(
        out["ResultWriterDetails"],
        json!({"Bucket": "results", "Key": format!("runs/{id}/manifest.json")})
    );
    let text = std::fs::read_to_string(
        dir.path()
            .join(format!("s3/results/runs/{id}/SUCCEEDED_0.json")),
    )
    .unwrap();
    let entries: Value = serde_json::from_str(&text).unwrap();
    let first = &entries[0];
    let name = first["Name"].as_str().unwrap();
    assert_eq!(
        first,
        &json!({
            "ExecutionArn": format!("arn:aws:states:local:000000000000:execution:writer/Double:{name}"),
            "Input": "1",
            "InputDetails": {"Included": true},
            "Name": name,
            "Output": "{\"doubled\":2}",
            "OutputDetails": {"Included": true},
            "RedriveCount": 0,
            "RedriveStatus": "NOT_REDRIVABLE",
            "RedriveStatusReason": "Execution is SUCCEEDED and cannot be redriven",
            "StartDate": "2023-11-14T22:13:20.000Z",
            "StateMachineArn": "arn:aws:states:local:000000000000:stateMachine:writer/Double",
            "Status": "SUCCEEDED",
            "StopDate": "2023-11-14T22:13:20.000Z"
        })
    );
    assert_eq!(entries[1]["Input"], "2");
    assert_ne!(entries[1]["Name"], first["Name"]);
    // The same seed, the same Map Run and child names.
    let again = exec(&def, json!([1, 2]), dir.path().join("s3"));
    assert_eq!(again.output.unwrap()["MapRunArn"], json!(arn));
}

#[test]
fn writer_config_compact_jsonl_and_flatten() {
    let dir = s3_copy();
    let def = distributed(
        json!({"Type": "Pass", "Parameters": {"n.$": "$"}, "End": true}),
        json!({
            "ResultWriter": {
                "Resource": "arn:aws:states:::s3:putObject",
                "Parameters": {"Bucket": "results", "Prefix": "compact"},
                "WriterConfig": {"Transformation": "COMPACT", "OutputType": "JSONL"}
            }
        }),
    );
    let x = exec(&def, json!([1, 2]), dir.path().join("s3"));
    let out = x.output.unwrap();
    let id = out["MapRunArn"]
        .as_str()
        .unwrap()
        .rsplit(':')
        .next()
        .unwrap();
    let text = std::fs::read_to_string(
        dir.path()
            .join(format!("s3/results/compact/{id}/SUCCEEDED_0.json")),
    )
    .unwrap();
    assert_eq!(text, "{\"n\":1}\n{\"n\":2}\n");
    // WriterConfig alone: nothing is exported, the output is shaped.
    let x = exec(
        &serde_json::from_str(
            &std::fs::read_to_string(Path::new(FIXTURES).join("flatten.asl.json")).unwrap(),
        )
        .unwrap(),
        json!([1, "a"]),
        dir.path().join("s3"),
    );
    assert_eq!(x.output.unwrap(), json!([1, 1, "a", "a"]));
}

#[test]
fn a_missing_result_bucket_fails_with_result_writer_failed() {
    let dir = s3_copy();
    let def = distributed(
        json!({"Type": "Pass", "End": true}),
        json!({
            "ResultWriter": {
                "Resource": "arn:aws:states:::s3:putObject",
                "Parameters": {"Bucket": "nowhere", "Prefix": "p"}
            }
        }),
    );
    let x = exec(&def, json!([1]), dir.path().join("s3"));
    assert_eq!(x.status, Status::Failed);
    assert_eq!(x.error.as_deref(), Some("States.ResultWriterFailed"));
    let types: Vec<&str> = x.history.events.iter().map(|e| e.event_type).collect();
    assert_eq!(
        types,
        [
            "ExecutionStarted",
            "MapStateEntered",
            "MapStateStarted",
            "MapRunStarted",
            "MapRunFailed",
            "MapStateFailed",
            "ExecutionFailed"
        ]
    );
}

#[test]
fn duplicate_csv_headers_fail_as_aws_words_it() {
    let dir = s3_copy();
    let def = distributed(
        json!({"Type": "Pass", "End": true}),
        json!({
            "ItemReader": {
                "Resource": "arn:aws:states:::s3:getObject",
                "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["a", "a"]},
                "Parameters": {"Bucket": "orders", "Key": "orders.csv"}
            }
        }),
    );
    let x = exec(&def, json!({}), dir.path().join("s3"));
    assert_eq!(x.error.as_deref(), Some("States.ItemReaderFailed"));
    // AWS's recorded cause (test_map_item_reader_csv_headers_decl_duplicate_headers).
    assert_eq!(
        x.cause.as_deref(),
        Some("CSV headers cannot contain duplicates.")
    );
}

#[test]
fn an_s3_inventory_manifest_cannot_run_locally() {
    let dir = tempfile::tempdir().unwrap();
    let def = distributed(
        json!({"Type": "Pass", "End": true}),
        json!({
            "ItemReader": {
                "Resource": "arn:aws:states:::s3:getObject",
                "ReaderConfig": {"InputType": "MANIFEST"},
                "Parameters": {"Bucket": "inv", "Key": "manifest.json"}
            }
        }),
    );
    let file = dir.path().join("inventory.asl.json");
    std::fs::write(&file, def.to_string()).unwrap();
    let out = sfn()
        .arg("run")
        .arg(&file)
        .arg("--no-store")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("ItemReader InputType MANIFEST (an S3 inventory) cannot be read locally"),
        "{stderr}"
    );
}

#[test]
fn the_s3_directory_defaults_to_s3_in_the_working_directory() {
    let dir = s3_copy();
    let def = std::path::absolute(Path::new(FIXTURES).join("jsonl.asl.json")).unwrap();
    let out = sfn()
        .current_dir(dir.path())
        .arg("run")
        .arg(&def)
        .args(["--no-store", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // SFN_S3_DIR moves it.
    let out = sfn()
        .current_dir(dir.path())
        .env("SFN_S3_DIR", "elsewhere")
        .arg("run")
        .arg(&def)
        .args(["--no-store", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"], "States.ItemReaderFailed");
}

#[test]
fn every_fixture_definition_validates() {
    for entry in std::fs::read_dir(FIXTURES).unwrap() {
        let path = entry.unwrap().path();
        if path.to_string_lossy().ends_with(".asl.json") {
            let loaded = load_path(&path, &LoadOptions::default()).unwrap();
            assert!(loaded.diagnostics.is_empty(), "{}", path.display());
            sfn().arg("validate").arg(&path).assert().success();
        }
    }
}
