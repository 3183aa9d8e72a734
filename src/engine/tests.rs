//! Engine behaviour as AWS's recorded histories show it: exact outputs,
//! causes and event chains.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use serde_json::{Value, json};

use super::*;
use crate::load::{LoadOptions, load_text};

fn opts() -> RunOptions {
    RunOptions {
        execution_name: "e".into(),
        state_machine_name: "m".into(),
        seed: 7,
        clock: ClockKind::Virtual,
        start_ms: 1_700_000_000_000,
        abort: Arc::new(AtomicBool::new(false)),
        s3_dir: "s3".into(),
    }
}

/// The plan of a definition.
fn plan_of(definition: &Value) -> Plan {
    let loaded = load_text(
        Path::new("t.asl.json"),
        definition.to_string(),
        &LoadOptions::default(),
    );
    let model = crate::model::build(&loaded.definitions[0].root);
    Plan::compile(&model).unwrap_or_else(|u| panic!("{u:?}"))
}

/// Runs a definition with mocks in the AWS mock configuration format (`null`: none).
pub(super) fn exec_with(definition: Value, input: Value, mocks: Value) -> Execution {
    let plan = plan_of(&definition);
    let mocks = if mocks.is_null() {
        Mocks::empty()
    } else {
        Mocks::parse(
            Path::new("m.json"),
            mocks.to_string(),
            Some("t"),
            &["m".to_string()],
        )
        .unwrap_or_else(|d| panic!("{d:?}"))
    };
    execute(&plan, input, &mocks, &opts()).unwrap_or_else(|e| panic!("{e:?}"))
}

use crate::history::testing::Shared;

/// Runs a definition with its history streamed, and checks that it ends as the
/// same run recorded whole: the same execution, every event, and the same text.
fn exec_streamed(definition: Value, input: Value) -> Execution {
    let whole = exec(definition.clone(), input.clone());
    let plan = plan_of(&definition);
    let run = |retain, sink: &Shared| {
        let sink: Box<dyn std::io::Write + Send> = Box::new(sink.clone());
        let (x, written) = execute_to(
            &plan,
            input.clone(),
            Some(JsonText::of(&input)),
            &Mocks::empty(),
            &opts(),
            Some((sink, retain)),
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        (x, written.expect("a history written"))
    };
    let mut text = Vec::new();
    whole.history.write_to(&mut text).unwrap();
    text.push(b'\n');
    // Only the count kept.
    let sink = Shared::default();
    let (x, written) = run(crate::history::Retain::Count, &sink);
    assert!(written.is_ok());
    assert!(x.history.events.is_empty());
    assert_eq!(x.history.len(), whole.history.len());
    assert!(*sink.0.lock().unwrap() == text, "the streamed text differs");
    // Every event kept.
    let sink = Shared::default();
    let (x, written) = run(crate::history::Retain::Events, &sink);
    assert!(written.is_ok());
    assert_eq!(
        (x.status, &x.output, &x.error),
        (whole.status, &whole.output, &whole.error)
    );
    assert_eq!(x.history.events, whole.history.events);
    assert!(*sink.0.lock().unwrap() == text, "the streamed text differs");
    x
}

#[test]
fn streamed_histories_are_the_histories_recorded_whole() {
    // Iterations that take no time (appended as they end), and a Map whose
    // iterations wait (merged by time), and one that fails part-way (cut).
    let items: Vec<Value> = (0..1_500).map(|i| json!({ "id": i })).collect();
    let x = exec_streamed(
        json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items",
            "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
            "End": true}}}),
        json!({ "items": items }),
    );
    assert_eq!(x.history.len(), 4 * 1_500 + 6);
    let x = exec_streamed(
        json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 7,
            "ItemProcessor": {"StartAt": "W", "States": {
                "W": {"Type": "Wait", "SecondsPath": "$.id", "Next": "P"},
                "P": {"Type": "Pass", "End": true}}},
            "Next": "Again"},
            "Again": {"Type": "Parallel", "End": true, "Branches": [
                {"StartAt": "A", "States": {"A": {"Type": "Wait", "Seconds": 2, "End": true}}},
                {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": true}}}]}}}),
        json!({ "items": (0..400).map(|i| json!({ "id": i % 5 })).collect::<Vec<_>>() }),
    );
    assert_eq!(x.status, Status::Succeeded);
    let x = exec_streamed(
        json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 3,
            "ItemProcessor": {"StartAt": "C", "States": {
                "C": {"Type": "Choice", "Choices": [{"Variable": "$.id", "NumericEquals": 900, "Next": "F"}],
                      "Default": "W"},
                "W": {"Type": "Wait", "Seconds": 1, "End": true},
                "F": {"Type": "Fail", "Error": "Boom"}}},
            "End": true}}}),
        json!({ "items": (0..1_200).map(|i| json!({ "id": i })).collect::<Vec<_>>() }),
    );
    assert_eq!(x.error.as_deref(), Some("Boom"));
}

pub(super) fn exec(definition: Value, input: Value) -> Execution {
    exec_with(definition, input, Value::Null)
}

/// `(type, previousEventId)` of every event.
fn chain(x: &Execution) -> Vec<(&'static str, u64)> {
    x.history
        .events
        .iter()
        .map(|e| (e.event_type, e.previous_event_id))
        .collect()
}

fn failed(x: &Execution) -> (String, String) {
    assert_eq!(x.status, Status::Failed, "{:?}", x.output);
    (
        x.error.clone().unwrap_or_default(),
        x.cause.clone().unwrap_or_default(),
    )
}

/// A characterization suite run on AWS (tests/support/conformance/*: Choice.IsNull
/// 008-no-default-nonmatch, Choice.And 006-no-default-no-match, Choice.IsString
/// 011-false-string-runtime) records that a Choice state no rule of which matches, and
/// that has no Default, fails the execution with States.Runtime, cause "... state does
/// not point to a next state", not with the specification's States.NoChoiceMatched.
#[test]
fn a_choice_without_default_that_no_rule_matches_fails_with_states_runtime() {
    let x = exec(
        json!({"StartAt": "Check", "States": {
            "Check": {"Type": "Choice", "Choices": [
                {"Variable": "$.value", "IsString": false, "Next": "M"}]},
            "M": {"Type": "Pass", "End": true}}}),
        json!({"value": "still a string"}),
    );
    assert_eq!(
        failed(&x),
        (
            "States.Runtime".into(),
            "An error occurred while executing the state 'Check' (entered at the event id #2). \
             Failed to transition out of the state. The state does not point to a next state."
                .into()
        )
    );
    assert_eq!(
        chain(&x),
        vec![
            ("ExecutionStarted", 0),
            ("ChoiceStateEntered", 0),
            ("ExecutionFailed", 2)
        ]
    );
}

fn wait_seconds_path(input: Value) -> Execution {
    exec(
        json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "SecondsPath": "$.s", "End": true}}}),
        input,
    )
}

#[test]
fn seconds_path_must_reference_a_non_negative_integer() {
    let prefix = "An error occurred while executing the state 'W' (entered at the event id #2). ";
    assert_eq!(
        failed(&wait_seconds_path(json!({"s": -1}))),
        (
            "States.Runtime".into(),
            format!("{prefix}The SecondsPath parameter references a negative value: $.s == -1")
        )
    );
    assert_eq!(
        failed(&wait_seconds_path(json!({"s": 1.5}))).1,
        format!("{prefix}The SecondsPath parameter cannot be parsed as a long value: $.s == 1.5")
    );
    assert_eq!(
        failed(&wait_seconds_path(json!({}))).1,
        format!("{prefix}The SecondsPath parameter does not reference an input value: $.s")
    );
    let x = wait_seconds_path(json!({"s": 3}));
    assert_eq!(x.status, Status::Succeeded);
    assert_eq!(x.stop_ms - x.start_ms, 3000);
    // The failure follows the state's entry directly.
    assert_eq!(
        chain(&wait_seconds_path(json!({"s": -1}))),
        vec![
            ("ExecutionStarted", 0),
            ("WaitStateEntered", 0),
            ("ExecutionFailed", 2)
        ]
    );
}

/// A task's TimeoutSecondsPath must give a positive integer: the history records
/// `timeoutInSeconds` as one, and a fraction used to time the task out at a
/// moment the history did not show.
#[test]
fn timeout_seconds_path_must_give_a_positive_integer() {
    let def = json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "TimeoutSecondsPath": "$.t", "Parameters": {"FunctionName": "f"}, "End": true}}});
    let run = |t: Value| {
        exec_with(
            def.clone(),
            json!({ "t": t }),
            mock("T", json!({"Return": {}})),
        )
    };
    let prefix = "An error occurred while executing the state 'T' (entered at the event id #2). ";
    assert_eq!(
        failed(&run(json!(2.5))),
        (
            "States.Runtime".into(),
            format!(
                "{prefix}The TimeoutSecondsPath field refers to value \"2.5\" which is not a valid integer: $.t"
            )
        )
    );
    assert_eq!(
        failed(&run(json!(0))).1,
        format!(
            "{prefix}The TimeoutSecondsPath field refers to value \"0\" which is not a positive integer: $.t"
        )
    );
    assert_eq!(run(json!(5)).status, Status::Succeeded);
    assert_eq!(run(json!("5")).status, Status::Succeeded);
}

#[test]
fn timestamp_path_needs_an_offset_date_time_and_a_delay_within_i32_seconds() {
    let def = json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "TimestampPath": "$.t", "End": true}}});
    let prefix = "An error occurred while executing the state 'W' (entered at the event id #2). ";
    assert_eq!(
        failed(&exec(def.clone(), json!({"t": "2016-12-05T21:29:29"}))).1,
        format!(
            "{prefix}The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: $.t == 2016-12-05T21:29:29"
        )
    );
    // 2^31 seconds and more after the start: too long.
    assert_eq!(
        failed(&exec(def.clone(), json!({"t": "2091-12-31T00:00:00Z"}))).1,
        format!("{prefix}Wait state delay is too long.")
    );
    // A space for the `T` (RFC 3339 allows it; the ISO-8601 form AWS names does
    // not), as Choice rules refuse it too.
    assert_eq!(
        failed(&exec(def.clone(), json!({"t": "2023-11-14 22:13:30Z"}))).1,
        format!(
            "{prefix}The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: $.t == 2023-11-14 22:13:30Z"
        )
    );
    let x = exec(def, json!({"t": "2023-11-14T22:13:30Z"}));
    assert_eq!(x.status, Status::Succeeded);
    assert_eq!(x.stop_ms - x.start_ms, 10_000);
}

#[test]
fn fail_state_without_cause_leaves_cause_out_of_the_event() {
    let x = exec(
        json!({"StartAt": "F", "States": {"F": {"Type": "Fail"}}}),
        json!({}),
    );
    assert_eq!(x.error, None);
    assert_eq!(x.cause, None);
    let last = x.history.events.last().unwrap();
    assert_eq!(last.event_type, "ExecutionFailed");
    assert_eq!(last.details, Some(crate::history::Details::default()));
    let x = exec(
        json!({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E"}}}),
        json!({}),
    );
    assert_eq!(
        x.history.events.last().unwrap().to_json()["executionFailedEventDetails"],
        json!({"error": "E"})
    );
}

/// The keys of the context object in the order AWS recorded them (conformance
/// case `context_object...test_input_path`: a Pass state with `"InputPath": "$$"`).
#[test]
fn the_context_object_keeps_aws_key_order() {
    let x = exec(
        json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "InputPath": "$$", "End": true}}}),
        json!({"input-value": 0}),
    );
    let out = x.output.unwrap();
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&out), ["Execution", "StateMachine", "State"]);
    assert_eq!(
        keys(&out["Execution"]),
        [
            "Id",
            "Input",
            "StartTime",
            "Name",
            "RoleArn",
            "RedriveCount"
        ]
    );
    assert_eq!(keys(&out["State"]), ["Name", "EnteredTime"]);
}

/// Executions on AWS fail with `States.ReferencePathConflict` (not the
/// `States.ResultPathMatchFailure` of the specification) and a cause with no state
/// prefix: `Unable to apply step "aggregatedResult" to input [...]`.
#[test]
fn a_result_path_into_a_non_object_is_a_reference_path_conflict() {
    let x = exec(
        json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"r": 1},
            "ResultPath": "$.aggregatedResult", "End": true}}}),
        json!([1, 2]),
    );
    assert_eq!(
        failed(&x),
        (
            "States.ReferencePathConflict".into(),
            "Unable to apply step \"aggregatedResult\" to input [1,2]".into()
        )
    );
    // A catcher's ResultPath, into the state's input: the same error, which no
    // catcher of that state handles.
    let x = exec_with(
        json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "f"}, "End": true,
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Z"}]},
            "Z": {"Type": "Pass", "End": true}}}),
        json!("text"),
        mock("T", json!({"Throw": {"Error": "Boom", "Cause": "c"}})),
    );
    assert_eq!(
        failed(&x),
        (
            "States.ReferencePathConflict".into(),
            "Unable to apply step \"error\" to input \"text\"".into()
        )
    );
}

/// A failed intrinsic function fails the execution with `States.Runtime`, past
/// every Retry and Catch: a real-AWS test of this machine asserts the error
/// `States.Runtime` and a cause holding `Invalid arguments in States.MathAdd`
/// (the ASL specification's `States.IntrinsicFailure` is not what AWS raises).
#[test]
fn a_failed_intrinsic_function_is_a_runtime_error_no_catcher_sees() {
    let add = json!({"StartAt": "SetResult", "States": {"SetResult": {"Type": "Pass",
        "Parameters": {"result.$": "States.MathAdd($.firstNumber, $.secondNumber)"},
        "OutputPath": "$.result", "End": true}}});
    let x = exec(
        add.clone(),
        json!({"firstNumber": 1, "secondNumber": "NOT A NUMBER"}),
    );
    let (error, cause) = failed(&x);
    assert_eq!(error, "States.Runtime");
    assert!(
        cause.starts_with("An error occurred while executing the state 'SetResult' (entered at the event id #2). Invalid arguments in States.MathAdd"),
        "{cause}"
    );
    let x = exec(add, json!({"firstNumber": 1, "secondNumber": 2}));
    assert_eq!(x.output, Some(json!(3)));
    // Retry and Catch on States.ALL (and on the specification's name) see nothing.
    let x = exec_with(
        json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "f", "r.$": "States.MathAdd($.a, $.b)"}, "End": true,
            "Retry": [{"ErrorEquals": ["States.ALL"]}],
            "Catch": [{"ErrorEquals": ["States.IntrinsicFailure"], "Next": "Z"}, {"ErrorEquals": ["States.ALL"], "Next": "Z"}]},
            "Z": {"Type": "Pass", "End": true}}}),
        json!({"a": 1, "b": "x"}),
        mock("T", json!({"Return": {}})),
    );
    assert_eq!(failed(&x).0, "States.Runtime");
    assert_eq!(
        chain(&x).last(),
        Some(&("ExecutionFailed", 2)),
        "no task was scheduled: {:?}",
        chain(&x)
    );
}

#[test]
fn retry_count_is_in_the_context_of_task_states_only() {
    let x = exec(
        json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"s.$": "$$.State"}, "End": true}}}),
        json!({}),
    );
    assert_eq!(
        x.output,
        Some(json!({"s": {"EnteredTime": "2023-11-14T22:13:20.000Z", "Name": "P"}}))
    );
}

fn distributed(extra: Value) -> Value {
    let mut map = json!({"Type": "Map", "ItemsPath": "$.Items", "MaxConcurrency": 1,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "H", "States": {"H": {"Type": "Pass", "End": true}}}, "End": true});
    for (k, v) in extra.as_object().unwrap() {
        map[k] = v.clone();
    }
    json!({"StartAt": "M", "States": {"M": map}})
}

/// Without a ResultWriter a distributed Map's result is COMPACT ("Default when
/// ResultWriter is not specified"), where a failed child "returns its execution
/// result unchanged" (AWS's ResultWriter page): its record, as a WriterConfig with
/// COMPACT shows it, not `null`.
#[test]
fn a_tolerated_failed_child_is_its_execution_record_without_a_result_writer() {
    let processor = json!({"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
        "StartAt": "C", "States": {
            "C": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 2, "Next": "F"}], "Default": "S"},
            "F": {"Type": "Fail", "Error": "Boom", "Cause": "bad item"},
            "S": {"Type": "Succeed"}}});
    let run = |extra: Value| {
        let mut fields = json!({"ToleratedFailureCount": 1, "ItemProcessor": processor});
        for (k, v) in extra.as_object().unwrap() {
            fields[k] = v.clone();
        }
        let x = exec(distributed(fields), json!({"Items": [1, 2, 3]}));
        assert_eq!(x.status, Status::Succeeded);
        x.output.unwrap()
    };
    let plain = run(json!({}));
    let compact = run(
        json!({"ResultWriter": {"WriterConfig": {"Transformation": "COMPACT", "OutputType": "JSON"}}}),
    );
    assert_eq!(plain, compact);
    assert_eq!(plain[0], json!(1));
    assert_eq!(plain[2], json!(3));
    let failed = &plain[1];
    assert_eq!(failed["Status"], "FAILED");
    assert_eq!(failed["Error"], "Boom");
    assert_eq!(failed["Cause"], "bad item");
    assert_eq!(failed["Input"], "2");
    assert!(
        failed["ExecutionArn"]
            .as_str()
            .unwrap()
            .contains(":execution:")
    );
}

/// "In this mode [INLINE], if any iteration fails, the Map state fails" (AWS's
/// guide): the tolerated failure thresholds are a Distributed Map's, though AWS
/// accepts them on an inline Map.
#[test]
fn an_inline_map_fails_with_its_first_failed_iteration_whatever_it_tolerates() {
    let x = exec(
        json!({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "ToleratedFailureCount": 1,
            "ItemProcessor": {"StartAt": "C", "States": {
                "C": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 2, "Next": "F"}], "Default": "S"},
                "F": {"Type": "Fail", "Error": "Boom"},
                "S": {"Type": "Succeed"}}}}}}),
        json!([1, 2, 3]),
    );
    assert_eq!(failed(&x).0, "Boom");
}

/// A `.sync` job's TaskSubmitted shows what the start call answers (Batch's
/// SubmitJob: the job's ARN, id and name; Athena's StartQueryExecution: the query's
/// id), taken from the job the mock describes, whose whole result is TaskSucceeded's.
#[test]
fn a_sync_jobs_submission_shows_the_start_calls_answer() {
    let submitted_of = |resource: &str, result: Value| {
        let x = exec_with(
            json!({"StartAt": "J", "States": {"J": {"Type": "Task", "Resource": resource,
                "Parameters": {"X": 1}, "End": true}}}),
            json!({}),
            mock("J", json!({ "Return": result })),
        );
        assert_eq!(x.status, Status::Succeeded);
        let submitted = x.history.events[4].to_json();
        assert_eq!(submitted["type"], "TaskSubmitted");
        let mut out: Value = serde_json::from_str(
            submitted["taskSubmittedEventDetails"]["output"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
        let out = out.as_object_mut().unwrap();
        out.remove("SdkHttpMetadata");
        out.remove("SdkResponseMetadata");
        Value::Object(out.clone())
    };
    assert_eq!(
        submitted_of(
            "arn:aws:states:::batch:submitJob.sync",
            json!({"JobArn": "arn:j", "JobId": "j1", "JobName": "n", "Status": "SUCCEEDED", "Attempts": []})
        ),
        json!({"JobArn": "arn:j", "JobId": "j1", "JobName": "n"})
    );
    assert_eq!(
        submitted_of(
            "arn:aws:states:::athena:startQueryExecution.sync",
            json!({"QueryExecution": {"QueryExecutionId": "q-1", "Status": {"State": "SUCCEEDED"}}})
        ),
        json!({"QueryExecutionId": "q-1"})
    );
}

/// AWS divides the failed items by all the items of the Map Run, not by those done
/// so far, and fails it only when the share is above the threshold: the order of
/// the items does not matter.
#[test]
fn tolerated_failure_percentage_is_of_all_items() {
    let processor = json!({"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
        "StartAt": "C", "States": {
            "C": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericLessThan": 3, "Next": "F"}], "Default": "S"},
            "F": {"Type": "Fail", "Error": "Y"},
            "S": {"Type": "Succeed"}}});
    for (pct, items, status) in [
        (50, json!([3, 4, 1, 2]), Status::Succeeded),
        (50, json!([1, 3, 4, 2]), Status::Succeeded),
        (50, json!([1, 2, 3, 4]), Status::Succeeded),
        (49, json!([3, 4, 1, 2]), Status::Failed),
        (25, json!([3, 4, 5, 1]), Status::Succeeded),
    ] {
        let x = exec(
            distributed(json!({"ToleratedFailurePercentage": pct, "ItemProcessor": processor})),
            json!({ "Items": items }),
        );
        assert_eq!(x.status, status, "{pct}% of {items}");
        if status == Status::Failed {
            assert_eq!(
                x.error.as_deref(),
                Some("States.ExceedToleratedFailureThreshold")
            );
        }
    }
}

/// `BatchInput` is a payload template, evaluated once for the Map state (its
/// `.$` fields read the state's input and the context), and the batch size may
/// come from `MaxItemsPerBatchPath`.
#[test]
fn batch_input_is_evaluated_and_the_batch_size_read_from_a_path() {
    let x = exec(
        distributed(json!({"ItemBatcher": {"MaxItemsPerBatchPath": "$.n",
            "BatchInput": {"b.$": "$.cfg", "fixed": 1, "name.$": "$$.Execution.Name"}}})),
        json!({"cfg": "C", "n": 3, "Items": [1, 2, 3, 4, 5, 6, 7]}),
    );
    assert_eq!(x.status, Status::Succeeded, "{:?}", x.cause);
    let batch_input = json!({"b": "C", "fixed": 1, "name": opts().execution_name});
    assert_eq!(
        x.output,
        Some(json!([
            {"BatchInput": batch_input, "Items": [1, 2, 3]},
            {"BatchInput": batch_input, "Items": [4, 5, 6]},
            {"BatchInput": batch_input, "Items": [7]},
        ]))
    );
}

/// "ItemBatcher (Map)": batching adds the items to an `Items` array, cut by item
/// count, by size (`MaxInputBytesPerBatch` alone batches too), or both; the
/// items are batched after ItemSelector made each of them.
#[test]
fn batches_are_of_selected_items_cut_by_count_or_size() {
    let x = exec(
        distributed(json!({"ItemBatcher": {"MaxItemsPerBatch": 2},
            "ItemSelector": {"idx.$": "$$.Map.Item.Index", "val.$": "$$.Map.Item.Value"}})),
        json!({"Items": ["a", "b", "c"]}),
    );
    assert_eq!(
        x.output,
        Some(json!([
            {"Items": [{"idx": 0, "val": "a"}, {"idx": 1, "val": "b"}]},
            {"Items": [{"idx": 2, "val": "c"}]},
        ]))
    );
    let x = exec(
        distributed(json!({"ItemBatcher": {"MaxInputBytesPerBatch": 100000}})),
        json!({"Items": [1, 2, 3]}),
    );
    assert_eq!(x.output, Some(json!([{"Items": [1, 2, 3]}])));
    // `{"Items":[]}` is 12 bytes; each 5-byte item and its comma: two fit in 24.
    let x = exec(
        distributed(json!({"ItemBatcher": {"MaxInputBytesPerBatch": 24}})),
        json!({"Items": ["abc", "def", "ghi"]}),
    );
    assert_eq!(
        x.output,
        Some(json!([{"Items": ["abc", "def"]}, {"Items": ["ghi"]}]))
    );
}

/// AWS's "Tolerated failure threshold" page: with both a count and a percentage,
/// exceeding either fails the Map Run; a failed batch fails each of its items.
#[test]
fn tolerated_failures_exceeding_either_threshold_fail_the_map_run() {
    let processor = json!({"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
        "StartAt": "C", "States": {
            "C": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 2, "Next": "F"}], "Default": "S"},
            "F": {"Type": "Fail", "Error": "Y"},
            "S": {"Type": "Succeed"}}});
    let x = exec(
        distributed(
            json!({"ToleratedFailurePercentage": 10, "ToleratedFailureCount": 5,
            "ItemProcessor": processor}),
        ),
        json!({"Items": [1, 2, 3, 4]}),
    );
    assert_eq!(
        x.error.as_deref(),
        Some("States.ExceedToleratedFailureThreshold")
    );
    let x = exec(
        distributed(
            json!({"ToleratedFailurePercentage": 25, "ToleratedFailureCount": 1,
            "ItemProcessor": processor}),
        ),
        json!({"Items": [1, 2, 3, 4]}),
    );
    assert_eq!(x.status, Status::Succeeded);
    // One failed batch of two items is two failed items: over a count of 1.
    let batch_fails = json!({"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
        "StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Y"}}});
    let x = exec(
        distributed(
            json!({"ToleratedFailureCount": 1, "ItemBatcher": {"MaxItemsPerBatch": 2},
            "ItemProcessor": batch_fails}),
        ),
        json!({"Items": [1, 2]}),
    );
    assert_eq!(
        x.error.as_deref(),
        Some("States.ExceedToleratedFailureThreshold")
    );
}

/// A distributed Map's child is an execution of its own: its context object
/// names it (its ARN is the one a ResultWriter lists), its input is the item,
/// and its state machine is the Map Run's child machine `<machine>/<label>`.
#[test]
fn a_child_execution_sees_its_own_context() {
    let processor = json!({"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
        "StartAt": "C", "States": {"C": {"Type": "Pass", "Parameters": {"ctx.$": "$$"}, "End": true}}});
    let x = exec(
        distributed(json!({"Label": "L", "ItemProcessor": processor})),
        json!({"Items": [{"a": 1}]}),
    );
    let ctx = &x.output.unwrap()[0]["ctx"];
    let machine = format!("{}/L", opts().state_machine_name);
    assert_eq!(ctx["StateMachine"]["Name"], json!(machine));
    assert_eq!(
        ctx["StateMachine"]["Id"],
        json!(format!(
            "arn:aws:states:local:000000000000:stateMachine:{machine}"
        ))
    );
    assert_eq!(ctx["Execution"]["Input"], json!({"a": 1}));
    let name = ctx["Execution"]["Name"].as_str().unwrap();
    assert_eq!(name.len(), 36, "a UUID: {name}");
    assert_eq!(
        ctx["Execution"]["Id"],
        json!(format!(
            "arn:aws:states:local:000000000000:execution:{machine}:{name}"
        ))
    );
    assert_eq!(ctx["Execution"]["RedriveCount"], json!(0));
}

#[test]
fn distributed_map_records_a_map_run_not_its_iterations() {
    let x = exec(distributed(json!({"Label": "L"})), json!({"Items": [1, 2]}));
    assert_eq!(x.output, Some(json!([1, 2])));
    assert_eq!(
        chain(&x),
        vec![
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
    let arn = x.history.events[3].details.as_ref().unwrap().to_json()["mapRunArn"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        arn.starts_with("arn:aws:states:local:000000000000:mapRun:m/L:"),
        "{arn}"
    );
}

#[test]
fn tolerated_failure_paths_are_checked_after_the_map_starts() {
    let prefix = "An error occurred while executing the state 'M' (entered at the event id #2). ";
    let pct = distributed(json!({"ToleratedFailurePercentagePath": "$.P"}));
    for p in [json!(-1), json!(100.1)] {
        let x = exec(pct.clone(), json!({"Items": [0], "P": p}));
        assert_eq!(
            failed(&x).1,
            format!("{prefix}ToleratedFailurePercentage must be between 0 and 100.")
        );
        assert_eq!(
            chain(&x)[2..],
            [("MapStateStarted", 2), ("ExecutionFailed", 3)]
        );
    }
    assert_eq!(
        failed(&exec(pct, json!({"Items": [0], "P": "NoNumber"}))).1,
        format!(
            "{prefix}The ToleratedFailurePercentagePath field refers to value \"NoNumber\" which is not a valid float: $.P"
        )
    );
    let count = distributed(json!({"ToleratedFailureCountPath": "$.C"}));
    assert_eq!(
        failed(&exec(count, json!({"Items": [0], "C": {}}))).1,
        format!(
            "{prefix}The ToleratedFailureCountPath field refers to value \"{{}}\" which is not a valid integer: $.C"
        )
    );
}

fn failing_map(extra: Value) -> Value {
    let mut map = json!({"Type": "Map", "MaxConcurrency": 1,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"},
            "StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E", "Cause": "C"}}},
        "Next": "Done"});
    for (k, v) in extra.as_object().unwrap() {
        map[k] = v.clone();
    }
    json!({"StartAt": "M", "States": {"M": map, "Done": {"Type": "Pass", "End": true},
        "Caught": {"Type": "Pass", "End": true}}})
}

#[test]
fn a_failed_map_is_retried_whole_and_fails_once_retries_are_spent() {
    let x = exec(
        failing_map(
            json!({"Retry": [{"ErrorEquals": ["E"], "MaxAttempts": 1, "IntervalSeconds": 1}]}),
        ),
        json!([1]),
    );
    assert_eq!(failed(&x), ("E".into(), "C".into()));
    assert_eq!(
        chain(&x),
        vec![
            ("ExecutionStarted", 0),
            ("MapStateEntered", 0),
            ("MapStateStarted", 2),
            ("MapIterationStarted", 3),
            ("FailStateEntered", 4),
            ("MapIterationFailed", 5),
            ("MapStateStarted", 5),
            ("MapIterationStarted", 7),
            ("FailStateEntered", 8),
            ("MapIterationFailed", 9),
            ("MapStateFailed", 9),
            ("ExecutionFailed", 11),
        ]
    );
}

#[test]
fn a_caught_map_exits_after_map_state_failed() {
    let x = exec(
        failing_map(json!({"Catch": [{"ErrorEquals": ["E"], "Next": "Caught"}]})),
        json!([1]),
    );
    assert_eq!(x.output, Some(json!({"Error": "E", "Cause": "C"})));
    assert_eq!(
        chain(&x)[5..],
        [
            ("MapIterationFailed", 5),
            ("MapStateFailed", 5),
            ("MapStateExited", 7),
            ("PassStateEntered", 8),
            ("PassStateExited", 9),
            ("ExecutionSucceeded", 10),
        ]
    );
}

#[test]
fn assign_sees_the_result_and_the_old_variables_and_is_recorded_as_json_text() {
    let x = exec(
        json!({"StartAt": "S0", "States": {
            "S0": {"Type": "Pass", "Result": {"q": "why?"}, "Assign": {"question.$": "$.q", "answer": 42}, "Next": "S1"},
            "S1": {"Type": "Pass", "InputPath": "$answer", "ResultPath": "$.theAnswer", "OutputPath": "$answer",
                   "Assign": {"answer": "later"}, "Next": "S2"},
            "S2": {"Type": "Pass", "Parameters": {"a.$": "$answer", "q.$": "$question"}, "End": true}}}),
        json!({}),
    );
    // OutputPath still saw the old value of $answer; the next state sees the new one.
    assert_eq!(x.output, Some(json!({"a": "later", "q": "why?"})));
    let exited = x.history.events[2].to_json();
    assert_eq!(
        exited["stateExitedEventDetails"],
        json!({"name": "S0", "output": "{\"q\":\"why?\"}", "outputDetails": {"truncated": false},
               "assignedVariables": {"question": "\"why?\"", "answer": "42"},
               "assignedVariablesDetails": {"truncated": false}})
    );
    assert_eq!(
        x.history.events[4].to_json()["stateExitedEventDetails"]["output"],
        json!("42")
    );
}

#[test]
fn choice_assigns_from_the_matched_rule_or_the_state_for_the_default() {
    let def = json!({"StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [
                {"Variable": "$.v", "NumericEquals": 42, "Assign": {"status": "CORRECT"}, "Next": "F"}],
              "Assign": {"status": "INCORRECT", "guess.$": "$.v"}, "Default": "F"},
        "F": {"Type": "Pass", "Parameters": {"r.$": "$status"}, "End": true}}});
    assert_eq!(
        exec(def.clone(), json!({"v": 42})).output,
        Some(json!({"r": "CORRECT"}))
    );
    let x = exec(def, json!({"v": "0"}));
    assert_eq!(x.output, Some(json!({"r": "INCORRECT"})));
    assert_eq!(
        x.history.events[2].to_json()["stateExitedEventDetails"]["assignedVariables"],
        json!({"status": "\"INCORRECT\"", "guess": "\"0\""})
    );
}

#[test]
fn variables_assigned_in_a_map_iteration_stay_inside_it() {
    let x = exec(
        json!({"StartAt": "A", "States": {
            "A": {"Type": "Pass", "Assign": {"n": "1", "x": "outer"}, "Result": [1, 2], "Next": "M"},
            "M": {"Type": "Map", "MaxConcurrencyPath": "$n", "ItemProcessor": {"StartAt": "I", "States": {
                "I": {"Type": "Pass", "Parameters": {"x.$": "$x"}, "Assign": {"x": "inner"}, "End": true}}},
                "Next": "B"},
            "B": {"Type": "Pass", "Parameters": {"x.$": "$x", "m.$": "$"}, "End": true}}}),
        json!({}),
    );
    assert_eq!(
        x.output,
        Some(json!({"x": "outer", "m": [{"x": "outer"}, {"x": "outer"}]}))
    );
}

fn mock(state: &str, response: Value) -> Value {
    json!({"StateMachines": {"m": {"TestCases": {"t": {state: "R"}}}},
           "MockedResponses": {"R": {"0": response}}})
}

/// As recorded on AWS (LocalStack's AWS-validated snapshots
/// `test_service_task_lambada_catch_state_all_data_limit_exceeded_on_large_utf8_response`
/// and `test_task_lambda_data_limit_exceeded_on_large_utf8_response`): a Task result over
/// 256 KiB fails the task, and `States.ALL` catches it.
#[test]
fn a_task_result_over_the_quota_fails_the_task_and_can_be_caught() {
    let big = json!({"Payload": "x".repeat(262_144)});
    let definition = |resource: &str| {
        json!({"StartAt": "InvokeLambda", "States": {
            "InvokeLambda": {"Type": "Task", "Resource": resource,
                "Parameters": {"FunctionName": "f"}, "Next": "ProcessResult",
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "HandleGeneralError"}]},
            "ProcessResult": {"Type": "Pass", "End": true},
            "HandleGeneralError": {"Type": "Pass", "End": true}}})
    };
    let cause = "The state/task 'lambda' returned a result with a size exceeding the maximum number of bytes service limit.";
    let x = exec_with(
        definition("arn:aws:states:::lambda:invoke"),
        json!({}),
        mock("InvokeLambda", json!({"Return": big})),
    );
    assert_eq!(x.status, Status::Succeeded);
    assert_eq!(
        x.output,
        Some(json!({"Error": "States.DataLimitExceeded", "Cause": cause}))
    );
    let types: Vec<_> = chain(&x).into_iter().map(|(t, _)| t).collect();
    assert_eq!(
        types,
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskFailed",
            "TaskStateExited",
            "PassStateEntered",
            "PassStateExited",
            "ExecutionSucceeded"
        ]
    );
    assert_eq!(
        x.history.events[4].details.as_ref().unwrap().to_json(),
        json!({"resourceType": "lambda", "resource": "invoke",
            "error": "States.DataLimitExceeded", "cause": cause})
        .as_object()
        .unwrap()
        .clone()
    );
    // A Lambda function's ARN: the cause names it.
    let arn = "arn:aws:lambda:us-east-1:111111111111:function:f";
    let x = exec_with(
        definition(arn),
        json!({}),
        mock("InvokeLambda", json!({"Return": big})),
    );
    assert_eq!(x.history.events[4].event_type, "LambdaFunctionFailed");
    assert_eq!(
        x.output,
        Some(json!({"Error": "States.DataLimitExceeded",
            "Cause": format!("The state/task '{arn}' returned a result with a size exceeding the maximum number of bytes service limit.")}))
    );
}

#[test]
fn sync_tasks_record_the_submission_before_the_result() {
    let x = exec_with(
        json!({"StartAt": "S", "States": {"S": {"Type": "Task",
            "Resource": "arn:aws:states:::states:startExecution.sync:2",
            "Parameters": {"StateMachineArn": "arn:sm"},
            "Credentials": {"RoleArn.$": "States.Format('{}', $.role)"}, "End": true}}}),
        json!({"role": "arn:aws:iam::1:role/r"}),
        mock(
            "S",
            json!({"Return": {"ExecutionArn": "arn:x", "StartDate": 1.5, "Status": "SUCCEEDED"}}),
        ),
    );
    assert_eq!(
        x.output,
        Some(json!({"ExecutionArn": "arn:x", "StartDate": 1.5, "Status": "SUCCEEDED"}))
    );
    let types: Vec<_> = chain(&x).into_iter().map(|(t, _)| t).collect();
    assert_eq!(
        types,
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskSubmitted",
            "TaskSucceeded",
            "TaskStateExited",
            "ExecutionSucceeded"
        ]
    );
    let scheduled = x.history.events[2].details.as_ref().unwrap().to_json();
    assert_eq!(
        scheduled["taskCredentials"],
        json!({"roleArn": "arn:aws:iam::1:role/r"})
    );
    let submitted = x.history.events[4].details.as_ref().unwrap().to_json();
    assert_eq!(submitted["resource"], json!("startExecution.sync:2"));
    let out: Value = serde_json::from_str(submitted["output"].as_str().unwrap()).unwrap();
    assert_eq!(out["ExecutionArn"], json!("arn:x"));
    assert_eq!(out["StartDate"], json!(1.5));
    assert_eq!(out["SdkHttpMetadata"]["HttpStatusCode"], json!(200));
    // In alphabetical order, as AWS recorded it (conformance case `test_start_execution_sync2`).
    let keys: Vec<_> = out.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "ExecutionArn",
            "SdkHttpMetadata",
            "SdkResponseMetadata",
            "StartDate"
        ]
    );
    // The length of {"executionArn":"arn:x","startDate":1.5}.
    assert_eq!(
        out["SdkHttpMetadata"]["HttpHeaders"]["Content-Length"],
        json!("40")
    );
}

#[test]
fn api_gateway_headers_must_map_names_to_lists_of_strings() {
    let def = json!({"StartAt": "A", "States": {"A": {"Type": "Task",
        "Resource": "arn:aws:states:::apigateway:invoke",
        "Parameters": {"ApiEndpoint": "e", "Method": "GET", "Headers.$": "$.h"}, "End": true}}});
    let x = exec(def.clone(), json!({"h": {"custom": "single"}}));
    assert_eq!(
        failed(&x),
        (
            "States.Runtime".into(),
            "An error occurred while executing the state 'A' (entered at the event id #2). The Parameters '{\"ApiEndpoint\":\"e\",\"Method\":\"GET\",\"Headers\":{\"custom\":\"single\"}}' could not be used to start the Task: [The value of the field 'Headers' has an invalid format]".into()
        )
    );
    let x = exec_with(
        def,
        json!({"h": {"custom": ["a"]}}),
        mock("A", json!({"Return": {"StatusCode": 200}})),
    );
    assert_eq!(x.status, Status::Succeeded);
}

#[test]
fn a_failed_parallel_is_retried_whole_and_fails_once_retries_are_spent() {
    let x = exec(
        json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true,
            "Retry": [{"ErrorEquals": ["E"], "MaxAttempts": 1}],
            "Branches": [{"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E", "Cause": "C"}}}]}}}),
        json!({}),
    );
    assert_eq!(failed(&x), ("E".into(), "C".into()));
    assert_eq!(
        chain(&x),
        vec![
            ("ExecutionStarted", 0),
            ("ParallelStateEntered", 0),
            ("ParallelStateStarted", 2),
            ("FailStateEntered", 3),
            ("ParallelStateStarted", 4),
            ("FailStateEntered", 5),
            ("ParallelStateFailed", 6),
            ("ExecutionFailed", 7),
        ]
    );
}

#[test]
fn map_input_must_be_an_array() {
    let x = exec(
        json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.i", "End": true,
            "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}}}),
        json!({"i": {"foo": "bar"}}),
    );
    assert_eq!(
        failed(&x),
        (
            "States.Runtime".into(),
            "An error occurred while executing the state 'M' (entered at the event id #2). Map state input must be an array but was: {\"foo\":\"bar\"}".into()
        )
    );
}

/// A Map over `$.a.items`, with `extra` fields on the Map state.
fn map_over_items(extra: Value) -> Value {
    let mut map = json!({"Type": "Map", "ItemsPath": "$.a.items", "End": true,
        "ItemSelector": {"v.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index"},
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}});
    for (k, v) in extra.as_object().unwrap() {
        map[k] = v.clone();
    }
    json!({"StartAt": "M", "States": {"M": map}})
}

fn takes_items(extra: Value) -> bool {
    match &plan_of(&map_over_items(extra)).states[0].body {
        plan::Body::Map(m) => m.takes_items,
        _ => unreachable!("a Map state"),
    }
}

#[test]
fn a_map_takes_its_items_out_of_its_input_only_when_nothing_reads_the_input_after() {
    assert!(takes_items(json!({})));
    assert!(takes_items(json!({"ResultPath": "$", "MaxConcurrency": 2})));
    assert!(takes_items(
        json!({"Catch": [{"ErrorEquals": ["States.ALL"], "Next": "M"}]})
    ));
    for reads_input in [
        json!({"ResultPath": "$.r"}),
        json!({"ResultPath": null}),
        json!({"InputPath": "$.a"}),
        json!({"Retry": [{"ErrorEquals": ["States.ALL"]}]}),
        json!({"Catch": [{"ErrorEquals": ["States.ALL"], "Next": "M", "ResultPath": "$.e"}]}),
        json!({"MaxConcurrencyPath": "$.n"}),
        json!({"ToleratedFailureCountPath": "$.n"}),
        json!({"ItemSelector": {"v.$": "$.a"}}),
        json!({"ItemSelector": {"v.$": "States.Format('{}', $.a)"}}),
        json!({"ItemSelector": {"v.$": "$$.Map.Item.Value[?(@.x == $.y)]"}}),
        json!({"ItemsPath": "$.a.items[*]"}),
        json!({"ItemBatcher": {"MaxItemsPerBatch": 2}}),
    ] {
        assert!(!takes_items(reads_input.clone()), "{reads_input}");
    }
}

#[test]
fn a_map_that_takes_its_items_ends_as_one_that_copies_them() {
    let input = json!({"a": {"items": [{"x": 1}, [2], "three", null], "b": 1}, "c": [1]});
    let taken = exec(map_over_items(json!({})), input.clone());
    // Placed in the input, the result needs the input: the items are copied.
    let copied = exec(map_over_items(json!({"ResultPath": "$.r"})), input.clone());
    assert_eq!(taken.status, Status::Succeeded);
    assert_eq!(
        taken.output.as_ref(),
        copied.output.as_ref().map(|o| &o["r"])
    );
    assert_eq!(copied.output.as_ref().map(|o| &o["a"]), Some(&input["a"]));
    assert_eq!(
        taken.output,
        Some(
            json!([{"v": {"x": 1}, "i": 0}, {"v": [2], "i": 1}, {"v": "three", "i": 2}, {"v": null, "i": 3}])
        )
    );
    // The Map's entered event shows the whole input, items included.
    let entered = taken.history.events[1].to_json();
    let shown: Value = serde_json::from_str(
        entered["stateEnteredEventDetails"]["input"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(shown, input);
    // Items that are not an array, or not there, fail as before.
    let x = exec(
        map_over_items(json!({})),
        json!({"a": {"items": {"foo": 1}}}),
    );
    assert!(
        failed(&x)
            .1
            .ends_with("Map state input must be an array but was: {\"foo\":1}")
    );
    let x = exec(map_over_items(json!({})), json!({"a": {}}));
    assert_eq!(failed(&x).0, "States.Runtime");
    // A caught failure's output is the error output, whatever was taken.
    let caught = exec(
        json!({"StartAt": "M", "States": {
            "M": {"Type": "Map", "ItemsPath": "$.items", "Next": "Done",
                  "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done"}],
                  "ItemProcessor": {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E", "Cause": "c"}}}},
            "Done": {"Type": "Pass", "End": true}}}),
        json!({"items": [1, 2]}),
    );
    assert_eq!(caught.output, Some(json!({"Error": "E", "Cause": "c"})));
}

fn callback_task(extra: Value) -> Value {
    let mut task = json!({"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": "q", "MessageBody": {"Token.$": "$$.Task.Token"}}, "End": true});
    for (k, v) in extra.as_object().unwrap() {
        task[k] = v.clone();
    }
    json!({"StartAt": "T", "States": {"T": task, "Caught": {"Type": "Pass", "End": true}}})
}

#[test]
fn a_missed_heartbeat_is_recorded_as_states_timeout_without_cause() {
    // The AWS mock format has no delay: the native form gives a slow callback.
    let mocks = Mocks::parse(
        Path::new("m.yaml"),
        "T:\n  delay: 60\n  return: {ok: true}\n".into(),
        None,
        &[],
    )
    .unwrap();
    let run = |def: Value| {
        let loaded = load_text(
            Path::new("t.asl.json"),
            def.to_string(),
            &LoadOptions::default(),
        );
        let model = crate::model::build(&loaded.definitions[0].root);
        let plan = Plan::compile(&model).unwrap();
        execute(&plan, json!({}), &mocks, &opts()).unwrap()
    };
    let x = run(callback_task(json!({"HeartbeatSeconds": 5})));
    assert_eq!(failed(&x), ("States.Timeout".into(), String::new()));
    assert_eq!(x.cause, None);
    let types: Vec<_> = chain(&x).into_iter().map(|(t, _)| t).collect();
    assert_eq!(
        types,
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskSubmitted",
            "TaskTimedOut",
            "ExecutionFailed"
        ]
    );
    assert_eq!(
        x.history.events[5].to_json()["taskTimedOutEventDetails"],
        json!({"resourceType": "sqs", "resource": "sendMessage.waitForTaskToken", "error": "States.Timeout"})
    );
    assert_eq!(
        x.history.events[6].to_json()["executionFailedEventDetails"],
        json!({"error": "States.Timeout"})
    );
    // The send call's answer: the MD5 of the message body and a message id.
    let submitted: Value = serde_json::from_str(
        x.history.events[4].details.as_ref().unwrap().to_json()["output"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(submitted["MD5OfMessageBody"].as_str().unwrap().len(), 32);
    assert_eq!(
        submitted["SdkHttpMetadata"]["HttpHeaders"]["Content-Length"],
        json!("106")
    );
    // Retry and Catch still know it as a heartbeat timeout.
    let x = run(callback_task(
        json!({"HeartbeatSeconds": 5, "Catch": [{"ErrorEquals": ["States.HeartbeatTimeout"], "Next": "Caught"}]}),
    ));
    assert_eq!(x.status, Status::Succeeded);
    assert_eq!(
        x.output,
        Some(json!({"Error": "States.Timeout", "Cause": ""}))
    );
}

/// As floci measured it on AWS (floci-io/floci#2733: this definition, and the
/// history of three events): TIMED_OUT at the start plus TimeoutSeconds, no error
/// or cause in the description; the ExecutionTimedOut event carries States.Timeout
/// and chains to nothing.
#[test]
fn a_machine_timeout_has_no_error_or_cause_in_the_description() {
    let x = exec(
        json!({"StartAt": "W", "TimeoutSeconds": 3, "States": {"W": {"Type": "Wait", "Seconds": 25, "End": true}}}),
        json!({}),
    );
    assert_eq!(x.status, Status::TimedOut);
    assert_eq!((x.error.as_deref(), x.cause.as_deref()), (None, None));
    assert_eq!(x.stop_ms - x.start_ms, 3_000);
    assert_eq!(
        chain(&x),
        [
            ("ExecutionStarted", 0),
            ("WaitStateEntered", 0),
            ("ExecutionTimedOut", 0)
        ]
    );
    assert_eq!(
        x.history.events.last().unwrap().to_json()["executionTimedOutEventDetails"],
        json!({"error": "States.Timeout"})
    );
}

#[test]
fn a_mocked_error_without_cause_has_no_cause_in_the_events() {
    let def = json!({"StartAt": "T", "States": {"T": {"Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"}, "End": true}}});
    let x = exec_with(
        def.clone(),
        json!({}),
        mock("T", json!({"Throw": {"Error": "Boom"}})),
    );
    assert_eq!(
        (x.error.as_deref(), x.cause.as_deref()),
        (Some("Boom"), None)
    );
    let events: Vec<Value> = x.history.events.iter().map(|e| e.to_json()).collect();
    assert_eq!(
        events[4]["taskFailedEventDetails"],
        json!({"resourceType": "lambda", "resource": "invoke", "error": "Boom"})
    );
    assert_eq!(
        events[5]["executionFailedEventDetails"],
        json!({"error": "Boom"})
    );
    let x = exec_with(
        def,
        json!({}),
        mock("T", json!({"Throw": {"Error": "Boom", "Cause": "why"}})),
    );
    assert_eq!(
        x.history.events[4].to_json()["taskFailedEventDetails"]["cause"],
        json!("why")
    );
}

#[test]
fn an_activity_without_heartbeat_times_out_without_cause() {
    let mocks = Mocks::parse(
        Path::new("m.yaml"),
        "A:\n  delay: 30\n  return: {ok: true}\n".into(),
        None,
        &[],
    )
    .unwrap();
    let def = json!({"StartAt": "A", "States": {"A": {"Type": "Task",
        "Resource": "arn:aws:states:us-east-1:111111111111:activity:act", "HeartbeatSeconds": 10, "End": true}}});
    let loaded = load_text(
        Path::new("t.asl.json"),
        def.to_string(),
        &LoadOptions::default(),
    );
    let model = crate::model::build(&loaded.definitions[0].root);
    let plan = Plan::compile(&model).unwrap();
    let x = execute(&plan, json!({}), &mocks, &opts()).unwrap();
    assert_eq!(failed(&x).0, "States.Timeout");
    assert_eq!(x.stop_ms - x.start_ms, 10_000);
    let timed_out = x.history.events[4].to_json();
    assert_eq!(timed_out["type"], "ActivityTimedOut");
    assert_eq!(
        timed_out["activityTimedOutEventDetails"],
        json!({"error": "States.Timeout"})
    );
}

#[test]
fn parallel_exit_follows_the_last_branch_event_not_parallel_state_succeeded() {
    let x = exec(
        json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
            {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}},
            {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": true}}}]}}}),
        json!(1),
    );
    assert_eq!(x.output, Some(json!([1, 1])));
    assert_eq!(
        chain(&x),
        vec![
            ("ExecutionStarted", 0),
            ("ParallelStateEntered", 0),
            ("ParallelStateStarted", 2),
            ("PassStateEntered", 3),
            ("PassStateExited", 4),
            ("PassStateEntered", 3),
            ("PassStateExited", 6),
            ("ParallelStateSucceeded", 7),
            ("ParallelStateExited", 7),
            ("ExecutionSucceeded", 9),
        ]
    );
}

#[test]
fn a_failed_sync_execution_was_still_submitted_under_its_name() {
    let x = exec_with(
        json!({"StartAt": "S", "States": {"S": {"Type": "Task",
            "Resource": "arn:aws:states:::states:startExecution.sync",
            "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:1:stateMachine:child", "Name": "run1"},
            "End": true}}}),
        json!({}),
        mock(
            "S",
            json!({"Throw": {"Error": "States.TaskFailed", "Cause": "child failed"}}),
        ),
    );
    assert_eq!(
        failed(&x),
        ("States.TaskFailed".into(), "child failed".into())
    );
    let types: Vec<_> = chain(&x).into_iter().map(|(t, _)| t).collect();
    assert_eq!(
        types[4..],
        ["TaskSubmitted", "TaskFailed", "ExecutionFailed"]
    );
    let submitted: Value = serde_json::from_str(
        x.history.events[4].details.as_ref().unwrap().to_json()["output"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        submitted["ExecutionArn"],
        json!("arn:aws:states:us-east-1:1:execution:child:run1")
    );
    assert_eq!(submitted["StartDate"], json!(1_700_000_000.0));
}

/// With `--clock real`, a wait sleeps until its end on the schedule, measured
/// from the first wait: a second Parallel branch (scheduled from the state's
/// start again) whose 1-second wait ends when the first branch's did, sleeps no
/// more, so three branches of one second take one second, as on AWS.
#[test]
fn real_clock_waits_follow_the_schedule() {
    use std::time::Duration;
    // The first wait, from the origin: its whole length.
    assert_eq!(
        super::run::wall_offset(10_000, 11_000),
        Duration::from_secs(1)
    );
    // A later branch scheduled at the same start, ending at the same time.
    assert_eq!(
        super::run::wall_offset(10_000, 11_000),
        Duration::from_secs(1)
    );
    // A wait that ends before the origin on the schedule: no sleep at all.
    assert_eq!(super::run::wall_offset(10_000, 9_000), Duration::ZERO);
}

/// AWS's recorded test_parallel_catch_error: a Task that fails its Parallel branch
/// is aborted after its TaskFailed, then the Parallel fails and is caught.
#[test]
fn a_task_failing_its_parallel_branch_is_aborted() {
    let x = exec_with(
        json!({"StartAt": "P", "States": {
            "P": {"Type": "Parallel", "Next": "Done",
                  "Branches": [{"StartAt": "T", "States": {"T": {"Type": "Task",
                      "Resource": "arn:aws:states:::lambda:invoke",
                      "Parameters": {"FunctionName": "f"}, "End": true}}}],
                  "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Fallback"}]},
            "Fallback": {"Type": "Pass", "End": true},
            "Done": {"Type": "Pass", "End": true}}}),
        json!({}),
        mock(
            "T",
            json!({"Throw": {"Error": "Exception", "Cause": "boom"}}),
        ),
    );
    assert_eq!(
        chain(&x),
        [
            ("ExecutionStarted", 0),
            ("ParallelStateEntered", 0),
            ("ParallelStateStarted", 2),
            ("TaskStateEntered", 3),
            ("TaskScheduled", 4),
            ("TaskStarted", 5),
            ("TaskFailed", 6),
            ("TaskStateAborted", 7),
            ("ParallelStateFailed", 8),
            ("ParallelStateExited", 9),
            ("PassStateEntered", 10),
            ("PassStateExited", 11),
            ("ExecutionSucceeded", 12),
        ]
    );
    // At the top level a failed Task is not aborted: the execution just fails.
    let x = exec_with(
        json!({"StartAt": "T", "States": {"T": {"Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "f"}, "End": true}}}),
        json!({}),
        mock(
            "T",
            json!({"Throw": {"Error": "Exception", "Cause": "boom"}}),
        ),
    );
    assert!(!chain(&x).iter().any(|(t, _)| *t == "TaskStateAborted"));
}

/// A slot per item at most: the largest MaxConcurrency AWS accepts, literal or
/// from a path, runs two items as an unlimited Map would (it used to allocate a
/// slot per unit of MaxConcurrency and exhaust memory).
#[test]
fn a_huge_max_concurrency_runs_as_an_unlimited_one() {
    let map = |extra: Value| {
        let mut map = json!({"Type": "Map", "End": true,
            "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}});
        for (k, v) in extra.as_object().unwrap() {
            map[k] = v.clone();
        }
        json!({"StartAt": "M", "States": {"M": map}})
    };
    let unlimited = exec(map(json!({})), json!([1, 2]));
    for (extra, input) in [
        (json!({"MaxConcurrency": 2147483647}), json!([1, 2])),
        (
            json!({"MaxConcurrencyPath": "$.n", "ItemsPath": "$.items"}),
            json!({"n": 2147483647, "items": [1, 2]}),
        ),
    ] {
        let x = exec(map(extra), input);
        assert_eq!(x.output, Some(json!([1, 2])));
        assert_eq!(chain(&x), chain(&unlimited));
    }
}

/// A MaxConcurrencyPath value below 0 fails the run, as LocalStack's AWS-recorded
/// parity tests have it; sfn used to read it as 0 (no limit).
#[test]
fn a_negative_max_concurrency_from_a_path_fails_the_run() {
    let x = exec(
        json!({"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrencyPath": "$.mc", "End": true,
            "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}}}),
        json!({"items": [1], "mc": -1}),
    );
    assert_eq!(
        failed(&x),
        (
            "States.Runtime".into(),
            "An error occurred while executing the state 'M' (entered at the event id #2). Expected non-negative integer for MaxConcurrency, got '-1' instead.".into()
        )
    );
}

/// Numbers written as strings (what a `${...}` substitution leaves) are the
/// numbers they hold, as the schema lets them through: a Wait of "30" waited 0
/// seconds and a TimeoutSeconds of "3" never timed out.
#[test]
fn numbers_written_as_strings_are_read_as_numbers() {
    let x = exec(
        json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": "30", "End": true}}}),
        json!({}),
    );
    assert_eq!(x.stop_ms - x.start_ms, 30_000);
    let mocks = Mocks::parse(
        Path::new("m.yaml"),
        "T:\n  delay: 10\n  return: {}\n".into(),
        None,
        &[],
    )
    .unwrap();
    let run = |def: Value| {
        let plan = plan_of(&def);
        execute(&plan, json!({}), &mocks, &opts()).unwrap()
    };
    let task = json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f",
        "TimeoutSeconds": "3", "End": true}}});
    let x = run(task);
    assert_eq!(failed(&x).0, "States.Timeout");
    assert_eq!(x.stop_ms - x.start_ms, 3_000);
    let machine = json!({"TimeoutSeconds": "5", "StartAt": "T", "States": {"T": {"Type": "Task",
        "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "End": true}}});
    let x = run(machine);
    assert_eq!(x.status, Status::TimedOut);
    assert_eq!(x.stop_ms - x.start_ms, 5_000);
    let retry = json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true,
        "Retry": [{"ErrorEquals": ["E"], "MaxAttempts": "2", "IntervalSeconds": "4", "BackoffRate": "1.5"}],
        "Branches": [{"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E"}}}]}}});
    let x = exec(retry, json!({}));
    // Two retries, 4 then 6 seconds after.
    assert_eq!(x.stop_ms - x.start_ms, 10_000);
}
