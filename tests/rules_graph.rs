//! The graph, Retry/Catch, Task Resource and timestamp rules together, on JSON and
//! YAML definitions: each diagnostic's code, location and the text its span covers.

use std::path::Path;

use sfn::load::{LoadOptions, load_text};
use sfn::validate::validate;

/// Codes of the rules under test.
const CODES: &[&str] = &[
    "INVALID_STATE_NAME",
    "MISSING_TRANSITION_TARGET",
    "UNREACHABLE_STATE",
    "MISSING_END_STATE",
    "NO_EXIT_LOOP",
    "CHOICE_NO_DEFAULT",
    "SCHEMA_VALIDATION_FAILED",
    "UNKNOWN_ERROR_NAME",
    "INVALID_RESOURCE",
    "UNKNOWN_INTEGRATION",
];

/// (code, location, covered text) of every diagnostic with one of [`CODES`].
fn diagnostics(path: &str, text: &str) -> Vec<(String, String, String)> {
    let loaded = load_text(Path::new(path), text.to_string(), &LoadOptions::default());
    assert_eq!(loaded.definitions.len(), 1, "{:?}", loaded.diagnostics);
    let def = &loaded.definitions[0];
    let mut out: Vec<_> = validate(def)
        .into_iter()
        .filter(|d| CODES.contains(&d.code))
        // Of the schema's errors, only those of `retry-catch` and `timestamp`.
        .filter(|d| {
            d.code != "SCHEMA_VALIDATION_FAILED"
                || d.message.starts_with("States.ALL")
                || d.message.contains("date-time")
        })
        .map(|d| {
            (
                d.code.to_string(),
                d.location.clone(),
                def.source.text[d.span.start..d.span.end].to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

fn row(code: &str, location: &str, covered: &str) -> (String, String, String) {
    (code.to_string(), location.to_string(), covered.to_string())
}

#[test]
fn a_broken_json_definition_gets_every_diagnostic_at_its_place() {
    let text = r#"{
  "StartAt": "Charge",
  "States": {
    "Charge": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke.sync",
      "Retry": [
        {"ErrorEquals": ["States.ALL"]},
        {"ErrorEquals": ["States.Timeouts"]}
      ],
      "Next": "Route"
    },
    "Route": {
      "Type": "Choice",
      "Choices": [
        {"Variable": "$.at", "TimestampLessThan": "2024-06-01 09:00:00Z", "Next": "Fan"}
      ]
    },
    "Fan": {
      "Type": "Map",
      "ItemReader": {"Resource": "arn:aws:states:::s3:listObjects"},
      "ItemProcessor": {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
        "StartAt": "Spin",
        "States": {"Spin": {"Type": "Wait", "Seconds": 1, "Next": "Spin"}}
      },
      "Next": "Route"
    },
    "Orphan": {"Type": "Succeed"}
  }
}"#;
    assert_eq!(
        diagnostics("broken.asl.json", text),
        [
            row("CHOICE_NO_DEFAULT", "/States/Route", "\"Route\""),
            row(
                "INVALID_RESOURCE",
                "/States/Charge/Resource",
                "\"arn:aws:states:::lambda:invoke.sync\""
            ),
            row("MISSING_TRANSITION_TARGET", "/States/Orphan", "\"Orphan\""),
            row(
                "NO_EXIT_LOOP",
                "/States/Fan/ItemProcessor/States/Spin",
                "\"Spin\""
            ),
            row(
                "SCHEMA_VALIDATION_FAILED",
                "/States/Charge/Retry/0/ErrorEquals/0",
                "\"States.ALL\""
            ),
            row(
                "SCHEMA_VALIDATION_FAILED",
                "/States/Route/Choices/0/TimestampLessThan",
                "\"2024-06-01 09:00:00Z\""
            ),
            row(
                "UNKNOWN_ERROR_NAME",
                "/States/Charge/Retry/1/ErrorEquals/0",
                "\"States.Timeouts\""
            ),
            row(
                "UNKNOWN_INTEGRATION",
                "/States/Fan/ItemReader/Resource",
                "\"arn:aws:states:::s3:listObjects\""
            ),
        ]
    );
}

#[test]
fn yaml_definitions_point_into_the_yaml() {
    let text = "\
StartAt: A
States:
  A:
    Type: Pass
    Next: B
  B:
    Type: Pass
    Next: A
  C:
    Type: Wait
    Timestamp: '2024-02-30T00:00:00Z'
    Next: A
";
    assert_eq!(
        diagnostics("loop.asl.yaml", text),
        [
            row("MISSING_END_STATE", "/States", "States"),
            row("MISSING_TRANSITION_TARGET", "/States/C", "C"),
            row("NO_EXIT_LOOP", "/States/A", "A"),
            row(
                "SCHEMA_VALIDATION_FAILED",
                "/States/C/Timestamp",
                "'2024-02-30T00:00:00Z'"
            ),
        ]
    );
}

#[test]
fn a_correct_machine_with_every_kind_of_scope_and_integration_is_clean() {
    let text = r#"{
  "StartAt": "Start",
  "States": {
    "Start": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:eu-west-1:123456789012:function:start:live",
      "Retry": [
        {"ErrorEquals": ["Lambda.ServiceException", "States.Timeout"], "MaxAttempts": 2},
        {"ErrorEquals": ["States.ALL"]}
      ],
      "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed"}],
      "Next": "Work"
    },
    "Work": {
      "Type": "Parallel",
      "Branches": [
        {"StartAt": "Child", "States": {"Child": {"Type": "Task",
          "Resource": "arn:aws:states:::states:startExecution.sync:2", "End": true}}},
        {"StartAt": "Callback", "States": {"Callback": {"Type": "Task",
          "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "End": true}}},
        {"StartAt": "Poll", "States": {
          "Poll": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:glue:getJobRun", "Next": "Done?"},
          "Done?": {"Type": "Choice", "Default": "Later", "Choices": [
            {"Variable": "$.JobRun.JobRunState", "StringEquals": "SUCCEEDED", "Next": "Ok"}]},
          "Later": {"Type": "Wait", "Timestamp": "2030-01-01T00:00:00.5+01:00", "Next": "Poll"},
          "Ok": {"Type": "Succeed"}}}
      ],
      "Catch": [{"ErrorEquals": ["States.BranchFailed"], "Next": "Failed"}],
      "Next": "Each"
    },
    "Each": {
      "Type": "Map",
      "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"}},
      "ItemProcessor": {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
        "StartAt": "Item",
        "States": {"Item": {"Type": "Task", "Resource": "arn:aws-us-gov:states:us-gov-west-1:123456789012:activity:item", "End": true}}
      },
      "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject"},
      "Next": "When"
    },
    "When": {
      "Type": "Choice",
      "Default": "Done",
      "Choices": [{"And": [
        {"Variable": "$.at", "TimestampGreaterThanEquals": "2024-01-01T00:00:00Z"},
        {"Variable": "$.at", "TimestampLessThanPath": "$.until"}], "Next": "Done"}]
    },
    "Done": {"Type": "Succeed"},
    "Failed": {"Type": "Fail", "Error": "Order.Failed"}
  }
}"#;
    assert_eq!(diagnostics("good.asl.json", text), []);
}
