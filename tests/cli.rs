//! The command-line contract of `sfn validate` and `sfn explain` (SPEC.md).

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::path::Path;

fn sfn() -> Command {
    let mut c = Command::cargo_bin("sfn").unwrap();
    c.env("NO_COLOR", "1");
    c
}

fn json_of(out: &[u8]) -> Value {
    serde_json::from_slice(out).expect("stdout is JSON")
}

#[test]
fn the_shipped_example_is_valid() {
    sfn()
        .args(["validate", "testdata/order.asl.json"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "1 state machine checked: 0 errors, 0 warnings",
        ));
}

#[test]
fn json_output_has_the_spec_shape() {
    let out = sfn()
        .args([
            "validate",
            "testdata/invalid/broken-order.asl.json",
            "--format",
            "json",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v = json_of(&out);
    let file = &v["files"][0];
    assert_eq!(file["path"], "testdata/invalid/broken-order.asl.json");
    assert_eq!(file["result"], "FAIL");
    let d = file["diagnostics"].as_array().unwrap();
    let missing = d
        .iter()
        .find(|d| d["code"] == "MISSING_TRANSITION_TARGET")
        .expect("missing target reported");
    assert_eq!(missing["severity"], "ERROR");
    assert_eq!(
        missing["message"],
        "Missing 'Next' target: ChargCard at /States/CheckStock/Next"
    );
    assert_eq!(missing["location"], "/States/CheckStock/Next");
    assert_eq!(missing["line"], 8);
    assert_eq!(missing["column"], 15);
    for d in d {
        for key in ["severity", "code", "message", "location", "line", "column"] {
            assert!(d.get(key).is_some(), "{key} missing in {d}");
        }
    }
}

#[test]
fn a_truncated_file_is_a_syntax_diagnostic_at_its_end() {
    let out = sfn()
        .args([
            "validate",
            "testdata/invalid/truncated.asl.json",
            "--format",
            "json",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v = json_of(&out);
    let d = &v["files"][0]["diagnostics"][0];
    assert_eq!(d["code"], "INVALID_JSON_DESCRIPTION");
    // The end of the last line, where the file stops short (not the line after it).
    assert_eq!(d["line"], 4);
    assert_eq!(d["column"], 38);
    assert_eq!(
        d["help"],
        "the file ends here, before the JSON does: complete it"
    );
}

#[test]
fn human_output_labels_the_span_and_gives_help() {
    sfn()
        .args(["validate", "testdata/invalid/broken-order.asl.json"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("MISSING_TRANSITION_TARGET"))
        .stdout(predicate::str::contains(
            "testdata/invalid/broken-order.asl.json:8:15",
        ))
        .stdout(predicate::str::contains("help: did you mean 'ChargeCard'?"));
}

#[test]
fn no_color_means_no_escape_codes() {
    let out = sfn()
        .args(["validate", "testdata/invalid/broken-order.asl.json"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\u{1b}'));
}

#[test]
fn github_format_emits_workflow_commands() {
    sfn()
        .args([
            "validate",
            "testdata/invalid/broken-order.asl.json",
            "--format",
            "github",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "::error file=testdata/invalid/broken-order.asl.json,line=8,col=15,",
        ));
}

#[test]
fn sarif_is_2_1_0_with_results_and_regions() {
    let out = sfn()
        .args([
            "validate",
            "testdata/invalid/broken-order.asl.json",
            "--format",
            "sarif",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v = json_of(&out);
    assert_eq!(v["version"], "2.1.0");
    // Columns are characters, as in the other formats, and SARIF is told so.
    assert_eq!(v["runs"][0]["columnKind"], "unicodeCodePoints");
    let results = v["runs"][0]["results"].as_array().unwrap();
    let r = results
        .iter()
        .find(|r| r["ruleId"] == "MISSING_TRANSITION_TARGET")
        .unwrap();
    assert_eq!(r["level"], "error");
    let region = &r["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 8);
    assert_eq!(region["startColumn"], 15);
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().any(|r| r["id"] == "MISSING_TRANSITION_TARGET"));
}

#[test]
fn missing_file_is_exit_2_with_a_message() {
    sfn()
        .args(["validate", "does/not/exist.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "does/not/exist.json: no such file or directory",
        ));
}

/// SARIF for code-scanning upload is a valid log even when nothing could be
/// checked: a failed invocation that says why, rather than an empty file.
#[test]
fn sarif_of_a_missing_file_is_a_failed_run() {
    let out = sfn()
        .args(["validate", "does/not/exist.json", "--format", "sarif"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let invocation = &v["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert_eq!(
        invocation["toolExecutionNotifications"][0]["message"]["text"],
        "does/not/exist.json: no such file or directory"
    );
    assert_eq!(v["runs"][0]["results"], serde_json::json!([]));
}

#[test]
fn a_directory_without_definitions_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("package.json"), r#"{"name": "x"}"#).unwrap();
    sfn()
        .arg("validate")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no state machine definitions or templates found",
        ));
}

#[test]
fn a_json_file_that_is_not_a_definition_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("package.json");
    std::fs::write(&p, r#"{"name": "x"}"#).unwrap();
    sfn()
        .arg("validate")
        .arg(&p)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a state machine definition"));
}

#[test]
fn a_binary_file_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.json");
    std::fs::write(&p, [0u8, 159, 146, 150, 0, 1, 2]).unwrap();
    sfn()
        .arg("validate")
        .arg(&p)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a text file"));
}

#[test]
fn ten_thousand_levels_of_nesting_is_a_diagnostic_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("deep.asl.json");
    let text = format!(
        r#"{{"StartAt": "A", "States": {}{}}}"#,
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    std::fs::write(&p, text).unwrap();
    sfn()
        .arg("validate")
        .arg(&p)
        .arg("--format=json")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("INVALID_JSON_DESCRIPTION"))
        .stdout(predicate::str::contains("nesting"));
}

#[test]
fn deep_yaml_nesting_is_a_diagnostic_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("deep.asl.yaml");
    let text = format!(
        "StartAt: A\nStates: {}{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    std::fs::write(&p, text).unwrap();
    sfn()
        .arg("validate")
        .arg(&p)
        .arg("--format=json")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("INVALID_JSON_DESCRIPTION"));
}

#[test]
fn a_50_mb_file_gets_one_clear_answer() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big.asl.json");
    // A valid definition whose Comment is 50 MB: far over AWS's 1 MB limit.
    let text = format!(
        r#"{{"Comment": "{}", "StartAt": "A", "States": {{"A": {{"Type": "Succeed"}}}}}}"#,
        "x".repeat(50 * 1024 * 1024)
    );
    std::fs::write(&p, text).unwrap();
    let out = sfn()
        .arg("validate")
        .arg(&p)
        .arg("--format=json")
        .output()
        .unwrap();
    assert!(
        out.status.code() == Some(1) || out.status.code() == Some(2),
        "{out:?}"
    );
    let all =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        all.contains("1 MB") || all.contains("1048576"),
        "says why: {}",
        &all[..all.len().min(500)]
    );
}

#[test]
fn many_paths_and_globs_in_one_call() {
    let out = sfn()
        .args([
            "validate",
            "testdata/order.asl.json",
            "testdata/invalid/*.asl.json",
            "--format",
            "json",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v = json_of(&out);
    let paths: Vec<&str> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "testdata/order.asl.json",
            "testdata/invalid/broken-order.asl.json",
            "testdata/invalid/truncated.asl.json"
        ]
    );
}

#[test]
fn strict_turns_warnings_into_failure() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("w.asl.json");
    // A Choice without Default: a warning, not an error.
    std::fs::write(
        &p,
        r#"{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.a","IsPresent":true,"Next":"D"}]},"D":{"Type":"Succeed"}}}"#,
    )
    .unwrap();
    sfn().arg("validate").arg(&p).assert().code(0);
    // Failing with "0 errors" in the summary says why, as does the GitHub format.
    sfn()
        .arg("validate")
        .arg(&p)
        .arg("--strict")
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "0 errors, 1 warning\n--strict: the warnings fail the check\n",
        ));
    sfn()
        .args(["validate", "--strict", "--format", "github"])
        .arg(&p)
        .assert()
        .code(1)
        .stdout(predicate::str::ends_with(
            "::error title=sfn validate --strict::the warnings fail the check under --strict\n",
        ));
    sfn()
        .args(["validate", "--format", "github"])
        .arg(&p)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("--strict").not());
}

/// As AWS's ValidateStateMachineDefinition reports them (LocalStack's AWS-validated
/// `test_sfn_api_validation` snapshot): `{}` is SCHEMA_VALIDATION_FAILED "These
/// fields are required: ..." at "/", and a missing StartAt is that error alone.
#[test]
fn an_empty_object_named_as_a_definition_is_a_schema_error_at_the_root() {
    let dir = tempfile::tempdir().unwrap();
    let check = |name: &str, text: &str| -> Value {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        let out = sfn()
            .args(["validate", "--format", "json"])
            .arg(&p)
            .assert()
            .code(1)
            .get_output()
            .stdout
            .clone();
        let v: Value = serde_json::from_slice(&out).unwrap();
        v["files"][0]["diagnostics"].clone()
    };
    let d = check("empty.asl.json", "{}");
    assert_eq!(d.as_array().unwrap().len(), 1, "{d}");
    assert_eq!(d[0]["code"], "SCHEMA_VALIDATION_FAILED");
    assert_eq!(d[0]["location"], "/");
    let d = check(
        "no-start.asl.json",
        r#"{"States":{"StartState":{"Type":"Pass","End":true}}}"#,
    );
    assert_eq!(d.as_array().unwrap().len(), 1, "{d}");
    assert_eq!(d[0]["message"], "These fields are required: [StartAt]");
    let d = check("no-states.asl.json", r#"{"StartAt":"State_1"}"#);
    assert_eq!(d.as_array().unwrap().len(), 1, "{d}");
    assert_eq!(d[0]["message"], "These fields are required: [States]");
    // Any other name: not taken for a definition.
    let p = dir.path().join("data.json");
    std::fs::write(&p, "{}").unwrap();
    sfn().arg("validate").arg(&p).assert().code(2);
}

#[test]
fn an_input_file_with_a_byte_order_mark_is_refused_saying_so() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.json");
    std::fs::write(&input, "\u{feff}{\"a\":1}").unwrap();
    sfn()
        .args(["run", "testdata/order.asl.json", "--no-store", "--input"])
        .arg(&input)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "the input is not valid JSON: it starts with a UTF-8 byte order mark (BOM): save it as UTF-8 without one",
        ));
}

#[test]
fn an_input_number_beyond_a_double_is_refused_saying_what_to_do() {
    sfn()
        .args(["run", "testdata/order.asl.json", "--no-store", "--input", r#"{"n": 1e400}"#])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--input: the input is not valid JSON: number out of range at line 1 column 11: numbers must be within ±1.7976931348623157e308 (a double); write a larger one as a string",
        ));
}

/// Bad input JSON says where (file:line:column, or the end of the file) and
/// what to do; so does an input over the quota, naming the file.
#[test]
fn bad_input_json_says_where_and_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let run = |input: &std::path::Path| {
        let out = sfn()
            .args(["run", "testdata/order.asl.json", "--no-store", "--input"])
            .arg(input)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        String::from_utf8(out.stderr).unwrap()
    };
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\n  \"a\": tru\n}").unwrap();
    assert_eq!(
        run(&bad),
        format!(
            "error: {}:2:11: the input is not valid JSON: expected ident: fix the JSON at that place\n",
            bad.display()
        )
    );
    let short = dir.path().join("short.json");
    std::fs::write(&short, "{\"a\": [1,\n").unwrap();
    assert!(run(&short).contains(
        "short.json: the input is not valid JSON: it ends before the JSON value does: complete it"
    ));
    let big = dir.path().join("big.json");
    std::fs::write(&big, format!("{{\"a\":\"{}\"}}", "x".repeat(262_144))).unwrap();
    assert!(run(&big).contains(&format!(
        "{}: the input is 262152 bytes of JSON (UTF-8)",
        big.display()
    )));
    sfn()
        .args(["run", "testdata/order.asl.json", "--no-store", "--input", r#"{"a":1,"#])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--input: the input is not valid JSON: EOF while parsing a value at line 1 column 7: --input takes JSON text (quoted for the shell, e.g. --input '{\"id\": 1}'), a file, or - for stdin",
        ));
}

/// `sfn run` on JSON that is no definition says what a definition has.
#[test]
fn run_on_a_file_that_is_no_definition_says_what_one_has() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("list.json");
    std::fs::write(&file, "[1, 2]").unwrap();
    sfn()
        .arg("run")
        .arg(&file)
        .arg("--no-store")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "holds no state machine definition: a definition has \"StartAt\" and \"States\"",
        ));
}

#[test]
fn explain_prints_a_rules_documentation() {
    sfn()
        .args(["explain", "MISSING_TRANSITION_TARGET"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("## What it checks"))
        .stdout(predicate::str::contains("## Example"));
    sfn()
        .args(["explain", "NOT_A_CODE"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no rule has the code"));
}

/// `--markdown` lists the table alone; a code with `--list` is refused, not ignored.
#[test]
fn explain_lists_as_markdown_and_refuses_a_code_with_a_list() {
    let table = sfn()
        .args(["explain", "--list", "--markdown"])
        .output()
        .unwrap();
    let alone = sfn().args(["explain", "--markdown"]).output().unwrap();
    assert_eq!(alone.status.code(), Some(0));
    assert_eq!(alone.stdout, table.stdout);
    sfn()
        .args(["explain", "--list", "MISSING_END_STATE"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
}

#[test]
fn every_code_in_the_registry_can_be_explained() {
    for code in sfn::validate::registry::codes() {
        sfn()
            .args(["explain", code])
            .assert()
            .code(0)
            .stdout(predicate::str::contains(code));
    }
}

#[test]
fn readme_rule_table_is_generated_from_the_registry() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let table = sfn::cli::rule_table_markdown();
    assert!(
        readme.contains(&table),
        "README's rule table is stale: replace it with the output of `sfn explain --list --markdown`"
    );
}

#[test]
fn shipped_completions_match_the_cli() {
    for (shell, file) in [
        (clap_complete::Shell::Bash, "sfn.bash"),
        (clap_complete::Shell::Zsh, "_sfn"),
        (clap_complete::Shell::Fish, "sfn.fish"),
    ] {
        let shipped =
            std::fs::read_to_string(Path::new("completions").join(file)).unwrap_or_default();
        assert_eq!(
            shipped,
            sfn::cli::completion_script(shell),
            "completions/{file} is stale: run `sfn completions {shell} > completions/{file}`"
        );
    }
}

#[test]
fn a_template_without_a_state_machine_is_exit_2_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("template.yaml");
    std::fs::write(&p, "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n").unwrap();
    sfn()
        .arg("validate")
        .arg(&p)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "the template holds no AWS::StepFunctions::StateMachine or AWS::Serverless::StateMachine resource",
        ));
}

/// `sfn ... | head`: a reader that goes away early ends the process quietly
/// (SIGPIPE, as Unix tools do), never with a panic message.
#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_quietly() {
    use std::io::Read;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sfn"))
        .args(["explain", "--list"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Close our end before sfn writes: its first print meets a closed pipe.
    drop(child.stdout.take());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    child.wait().unwrap();
    assert!(!stderr.contains("panicked"), "stderr: {stderr}");
}

#[test]
fn an_empty_folder_is_named_with_what_is_searched_for() {
    let dir = tempfile::tempdir().unwrap();
    let out = sfn()
        .args(["validate", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "error: {}: the folder holds no .json, .yaml or .yml file (definitions and templates are searched for by those extensions)\n",
            dir.path().display()
        )
    );
}

/// An empty file, JSON or YAML, has nothing to check: one message, exit 2.
#[test]
fn an_empty_file_is_named_as_empty() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["empty.asl.json", "empty.asl.yaml", "blank.json"] {
        let path = dir.path().join(name);
        std::fs::write(&path, if name == "blank.json" { " \n\t\n" } else { "" }).unwrap();
        let out = sfn()
            .args(["validate", path.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            format!(
                "error: {}: the file is empty: nothing to check (a definition needs \"StartAt\" and \"States\")\n",
                path.display()
            ),
            "{name}"
        );
    }
}

#[test]
fn a_byte_order_mark_is_named_in_the_help() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bom.asl.json");
    std::fs::write(
        &path,
        "\u{feff}{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"End\":true}}}",
    )
    .unwrap();
    let out = sfn()
        .args(["validate", path.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out.stdout);
    let d = &v["files"][0]["diagnostics"][0];
    assert_eq!(d["code"], "INVALID_JSON_DESCRIPTION");
    assert_eq!(
        d["help"],
        "the file starts with a UTF-8 byte order mark (BOM): save it as UTF-8 without one"
    );
}

/// A folder holding a SAM template and the definition file its `DefinitionUri`
/// names: the file is checked once, as the template's machine, with the
/// template's substitutions, not again on its own with its `${...}` unfilled.
/// Named on the command line, the file is still checked on its own.
#[test]
fn a_folder_checks_a_definition_uri_file_once_through_its_template() {
    let out = sfn()
        .args(["validate", "testdata/templates/sam-uri", "--format", "json"])
        .output()
        .unwrap();
    let v = json_of(&out.stdout);
    let files: Vec<(String, Option<String>)> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().replace('\\', "/"),
                f["machine"].as_str().map(String::from),
            )
        })
        .collect();
    let process = "testdata/templates/sam-uri/statemachine/process.asl.json".to_string();
    assert!(
        files.contains(&(process.clone(), Some("FileMachine".into()))),
        "{files:?}"
    );
    assert!(!files.contains(&(process.clone(), None)), "{files:?}");
    let alone = sfn()
        .args(["validate", &process, "--format", "json"])
        .output()
        .unwrap();
    let alone = json_of(&alone.stdout);
    let codes: Vec<&str> = alone["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"UNFILLED_PLACEHOLDER"), "{codes:?}");
}

/// A minified definition is one long line: miette would print it whole and
/// panics past column 65,535. The report shows the part around the span instead.
#[test]
fn a_diagnostic_far_along_a_long_line_shows_the_part_around_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("long.asl.json");
    let result = "x".repeat(70_000);
    std::fs::write(
        &file,
        format!(
            r#"{{"StartAt":"A","States":{{"A":{{"Type":"Pass","Result":"{result}","End":"yes"}}}}}}"#
        ),
    )
    .unwrap();
    let out = sfn().arg("validate").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    // `"yes"` starts at character 70,063 of line 1 (53 before the 70,000 x's, then `","End":`).
    assert!(text.contains("long.asl.json:1:70063]"), "{text}");
    assert!(text.contains(r#"xxxx","End":"yes"}}}"#), "{text}");
    assert!(text.contains("this is a string"), "{text}");
    assert!(text.lines().all(|l| l.chars().count() < 200), "{text}");
}

/// Columns count characters in every format: `é`, `日本語` and `😀` are one each.
#[test]
fn human_and_json_columns_agree_past_multibyte_characters() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("uni.asl.json");
    std::fs::write(
        &file,
        r#"{"Comment":"héllo wörld 日本語 😀","StartAt":"A","States":{"A":{"Type":"Pass","Nexx":"B","End":true}}}"#,
    )
    .unwrap();
    let out = sfn()
        .arg("validate")
        .arg(&file)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let json = json_of(&out.stdout);
    assert_eq!(json["files"][0]["diagnostics"][0]["column"], 75);
    sfn()
        .arg("validate")
        .arg(&file)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("uni.asl.json:1:75]"));
}
