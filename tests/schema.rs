//! The ASL JSON Schema as editors use it (plain JSON, any draft-07 validator),
//! and the structure rules through the CLI.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn schema() -> Value {
    let text = std::fs::read_to_string(root().join("schemas/asl.schema.json")).unwrap();
    serde_json::from_str(&text).expect("the schema is JSON")
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn the_schema_is_a_valid_draft_7_schema() {
    assert!(jsonschema::draft7::meta::is_valid(&schema()));
}

#[test]
fn editors_accept_valid_definitions() {
    let validator = jsonschema::validator_for(&schema()).unwrap();
    for file in [
        "testdata/order.asl.json",
        "testdata/bench/fifty-states.asl.json",
    ] {
        let instance = json(&root().join(file));
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| format!("{} {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{file}: {errors:#?}");
    }
    // Every definition that ran on AWS.
    let cases = root().join("../shared/conformance/cases");
    let Ok(dirs) = std::fs::read_dir(&cases) else {
        return;
    };
    let mut checked = 0;
    for dir in dirs.flatten() {
        let file = dir.path().join("definition.json");
        if !file.exists() {
            continue;
        }
        let instance = json(&file);
        let errors: Vec<String> = validator
            .iter_errors(&instance)
            .map(|e| format!("{} {e}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", file.display());
        checked += 1;
    }
    assert!(checked > 400, "checked {checked}");
}

#[test]
fn editors_see_unknown_fields_wrong_types_and_ranges() {
    let validator = jsonschema::validator_for(&schema()).unwrap();
    let bad: Value = serde_json::json!({
        "StartAt": "A",
        "States": {
            "A": {"Type": "Pass", "TimeoutSeconds": 5, "End": true},
            "B": {"Type": "Wait", "Seconds": -1, "End": "yes"},
            "C": {"Type": "Parallel", "End": true, "Branches": []},
            "D": {"Type": "Pass ", "End": true}
        }
    });
    let mut at: Vec<String> = validator
        .iter_errors(&bad)
        .map(|e| e.instance_path().to_string())
        .collect();
    at.sort();
    at.dedup();
    assert_eq!(
        at,
        [
            "/States/A",
            "/States/B/End",
            "/States/B/Seconds",
            "/States/C/Branches",
            "/States/D/Type"
        ]
    );
}

#[test]
fn the_cli_reports_structure_errors_with_location_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.asl.json");
    std::fs::write(
        &file,
        "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\"Type\": \"Pass\", \"Next\": \"A\", \"End\": true, \"Foo\": 1}\n  }\n}\n",
    )
    .unwrap();
    let output = Command::cargo_bin("sfn")
        .unwrap()
        .args(["validate", "--format", "json"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let diagnostics = report["files"][0]["diagnostics"].as_array().unwrap();
    let found: Vec<(&str, &str, u64)> = diagnostics
        .iter()
        .filter(|d| d["code"] == "SCHEMA_VALIDATION_FAILED")
        .map(|d| {
            (
                d["location"].as_str().unwrap(),
                d["message"].as_str().unwrap(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(
        found.contains(&(
            "/States/A",
            "There should only be one of the following fields: [Next, End]",
            4
        )),
        "{found:?}"
    );
    assert!(
        found.contains(&("/States/A/Foo", "Field 'Foo' is not supported", 4)),
        "{found:?}"
    );
}
