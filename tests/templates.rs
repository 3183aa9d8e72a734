//! Loading CloudFormation and SAM templates: every state machine found under
//! its logical id, placeholders filled, and every diagnostic pointing into the
//! file the user wrote.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sfn::diagnostic::{Diagnostic, Severity};
use sfn::load::{Definition, FileKind, LoadOptions, LoadedFile, Node, load_path};
use sfn::validate::validate;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/templates")
        .join(name)
}

fn load(name: &str) -> LoadedFile {
    load_with(name, &[])
}

fn load_with(name: &str, subs: &[(&str, &str)]) -> LoadedFile {
    let opts = LoadOptions {
        substitutions: subs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
    };
    load_path(&fixture(name), &opts).expect("fixture loads")
}

fn machine<'a>(file: &'a LoadedFile, id: &str) -> &'a Definition {
    file.definitions
        .iter()
        .find(|d| d.machine.as_deref() == Some(id))
        .unwrap_or_else(|| panic!("no machine {id}"))
}

fn ids(file: &LoadedFile) -> Vec<&str> {
    file.definitions
        .iter()
        .filter_map(|d| d.machine.as_deref())
        .collect()
}

fn string_at<'a>(def: &'a Definition, pointer: &str) -> &'a str {
    def.root
        .pointer(pointer)
        .and_then(Node::as_str)
        .unwrap_or_else(|| panic!("no string at {pointer}"))
}

/// `CODE line:column` of a diagnostic, in its definition's file.
fn at(def: &Definition, d: &Diagnostic) -> String {
    let (line, col) = def.source.line_col(d.span.start);
    format!("{} {line}:{col}", d.code)
}

fn found(def: &Definition) -> Vec<String> {
    validate(def).iter().map(|d| at(def, d)).collect()
}

/// 1-based line and column of the first occurrence of `needle` in a fixture.
fn position_of(name: &str, needle: &str) -> (usize, usize) {
    let text = std::fs::read_to_string(fixture(name)).unwrap();
    let offset = text.find(needle).expect("needle in fixture");
    let line = text[..offset].matches('\n').count() + 1;
    let col = offset - text[..offset].rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, col)
}

#[test]
fn definition_string_with_sub_block_scalar() {
    let file = load("sfn-definition-string.yaml");
    assert_eq!(file.kind, FileKind::Template);
    assert_eq!(ids(&file), ["SubMachine", "BrokenMachine"]);
    let def = machine(&file, "SubMachine");
    assert_eq!(def.source.path, fixture("sfn-definition-string.yaml"));
    // Fn::Sub: pseudo parameters, parameters, resource attributes, and `${!Literal}`.
    assert_eq!(
        string_at(def, "/Comment"),
        "Runs in us-east-1 for dev, literally ${Stage}"
    );
    assert_eq!(
        string_at(def, "/States/Work/Resource"),
        "arn:aws:lambda:us-east-1:123456789012:function:dev-worker"
    );
    let diags = found(def);
    // The error inside the DefinitionString points at the template's own line and column.
    assert_eq!(
        position_of("sfn-definition-string.yaml", "\"Missing\""),
        (29, 23)
    );
    assert!(
        diags.contains(&"MISSING_TRANSITION_TARGET 29:23".to_string()),
        "{diags:?}"
    );
    // `${!Stage}` leaves `${Stage}` in the definition, which nothing fills.
    assert!(
        diags.contains(&"UNFILLED_PLACEHOLDER 23:70".to_string()),
        "{diags:?}"
    );
}

#[test]
fn syntax_error_inside_a_definition_string_points_into_the_template() {
    let file = load("sfn-definition-string.yaml");
    let def = machine(&file, "BrokenMachine");
    let diags = validate(def);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].code, "INVALID_JSON_DESCRIPTION");
    assert_eq!(diags[0].severity, Severity::Error);
    // The trailing comma after `"End": true}`.
    assert_eq!(at(def, &diags[0]), "INVALID_JSON_DESCRIPTION 41:47");
    let (line, col) = position_of("sfn-definition-string.yaml", "true},\n          }");
    assert_eq!((line, col + 5), (41, 47));
}

#[test]
fn definition_string_built_with_fn_join_in_a_json_template() {
    let file = load("sfn-join.json");
    assert_eq!(ids(&file), ["JoinMachine", "InlineMachine"]);
    let def = machine(&file, "JoinMachine");
    assert_eq!(
        string_at(def, "/States/Call/Resource"),
        "arn:aws:lambda:us-east-1:123456789012:function:Fn"
    );
    // `"Nowhere"` is escaped inside a JSON string of the template: `\"Nowhere\"`.
    assert_eq!(position_of("sfn-join.json", "\\\"Nowhere"), (22, 32));
    let diags = found(def);
    assert!(
        diags.contains(&"MISSING_TRANSITION_TARGET 22:32".to_string()),
        "{diags:?}"
    );
}

#[test]
fn inline_definition_with_an_intrinsic_of_unknown_value_is_a_quiet_placeholder() {
    let file = load("sfn-join.json");
    let def = machine(&file, "InlineMachine");
    assert_eq!(
        string_at(def, "/States/Call/Resource"),
        "${SomethingElse.Arn}"
    );
    assert_eq!(def.placeholders, ["/States/Call/Resource"]);
    // Declared by the template: no warning, and no error about the stand-in.
    assert!(validate(def).is_empty(), "{:?}", validate(def));
}

#[test]
fn definition_uri_loads_the_file_and_fills_definition_substitutions() {
    let file = load("sam-uri/template.yaml");
    assert_eq!(
        ids(&file),
        ["FileMachine", "InlineMachine", "YamlFileMachine"]
    );
    let def = machine(&file, "FileMachine");
    // Diagnostics point into the definition file, not the template.
    assert_eq!(
        def.source.path,
        fixture("sam-uri/statemachine/process.asl.json")
    );
    assert_eq!(
        string_at(def, "/States/Process/Parameters/FunctionName"),
        "arn:aws:lambda:us-east-1:123456789012:function:ProcessFunction"
    );
    assert_eq!(
        string_at(def, "/States/Store/Parameters/TableName"),
        "orders"
    );
    // Declared with a value unknown offline: kept, quiet. Not declared: a warning.
    assert_eq!(
        def.placeholders,
        ["/Comment", "/States/Store/Parameters/Item/note/S"]
    );
    let diags = validate(def);
    assert_eq!(
        diags.iter().map(|d| at(def, d)).collect::<Vec<_>>(),
        ["UNFILLED_PLACEHOLDER 19:55"]
    );
    assert_eq!(diags[0].severity, Severity::Warning);
    assert!(
        diags[0].message.contains("${NotDeclared}"),
        "{}",
        diags[0].message
    );
    assert!(
        diags[0]
            .help
            .as_deref()
            .unwrap_or("")
            .contains("FileMachine"),
        "{:?}",
        diags[0].help
    );

    let yaml = machine(&file, "YamlFileMachine");
    assert_eq!(
        yaml.source.path,
        fixture("sam-uri/statemachine/wait.asl.yaml")
    );
    assert!(validate(yaml).is_empty(), "{:?}", validate(yaml));
}

/// A placeholder outside any string in a DefinitionUri file (`"TimeoutSeconds":
/// ${Timeout}`) is filled before the text is parsed, as AWS does: no syntax error.
#[test]
fn definition_uri_file_with_placeholders_outside_strings() {
    let file = load("sam-uri-bare/template.yaml");
    let def = machine(&file, "FanOut");
    assert_eq!(
        def.source.path,
        fixture("sam-uri-bare/statemachine/fan.asl.json")
    );
    let number = |p: &str| def.root.pointer(p).and_then(Node::as_f64);
    assert_eq!(number("/TimeoutSeconds"), Some(300.0));
    assert_eq!(number("/States/Fan/MaxConcurrency"), Some(5.0));
    // Not declared anywhere: a warning at it, in the definition file.
    let (line, col) = position_of("sam-uri-bare/statemachine/fan.asl.json", "${NotDeclared}");
    assert_eq!(found(def), [format!("UNFILLED_PLACEHOLDER {line}:{col}")]);
}

/// `Fn::ForEach` (AWS::LanguageExtensions) is not expanded: its state machines
/// are said to go unchecked, a warning, not "no state machine" (exit 2).
#[test]
fn state_machines_made_by_fn_foreach_are_a_warning() {
    let file = load("foreach.yaml");
    assert!(file.definitions.is_empty());
    let d: Vec<_> = file
        .diagnostics
        .iter()
        .map(|d| (d.code, d.severity, d.location.as_str()))
        .collect();
    assert_eq!(
        d,
        [(
            "UNRESOLVED_DEFINITION",
            Severity::Warning,
            "/Resources/Fn::ForEach::Workflows"
        )]
    );
}

#[test]
fn sub_option_wins_over_definition_substitutions() {
    let file = load_with(
        "sam-uri/template.yaml",
        &[("TableName", "from-cli"), ("NotDeclared", "x")],
    );
    let def = machine(&file, "FileMachine");
    assert_eq!(
        string_at(def, "/States/Store/Parameters/TableName"),
        "from-cli"
    );
    assert_eq!(def.placeholders, ["/Comment"]);
    assert!(validate(def).is_empty(), "{:?}", validate(def));
}

#[test]
fn inline_sam_definition_with_substitutions() {
    let file = load("sam-uri/template.yaml");
    let def = machine(&file, "InlineMachine");
    assert_eq!(def.source.path, fixture("sam-uri/template.yaml"));
    assert_eq!(string_at(def, "/States/Say/Result/text"), "hello");
    let diags = found(def);
    assert_eq!(position_of("sam-uri/template.yaml", "Gone"), (40, 19));
    assert!(
        diags.contains(&"MISSING_TRANSITION_TARGET 40:19".to_string()),
        "{diags:?}"
    );
}

#[test]
fn a_definition_in_s3_is_a_warning_on_the_template() {
    let file = load("sam-uri/template.yaml");
    assert_eq!(file.diagnostics.len(), 1, "{:?}", file.diagnostics);
    let d = &file.diagnostics[0];
    assert_eq!(d.code, "UNRESOLVED_DEFINITION_URI");
    assert_eq!(d.severity, Severity::Warning);
    assert!(d.message.contains("S3Machine"), "{}", d.message);
    assert_eq!(
        file.source.line_col(d.span.start),
        position_of("sam-uri/template.yaml", "Bucket: my-bucket")
    );
}

/// A `DefinitionUri` with a mistyped folder (`statemachines/` for `statemachine/`):
/// the file of that name nearby is validated, and the template gets a warning.
#[test]
fn a_definition_uri_near_miss_validates_the_file_it_means_with_a_warning() {
    let file = load("near-miss/template.yaml");
    assert_eq!(file.diagnostics.len(), 1, "{:?}", file.diagnostics);
    let d = &file.diagnostics[0];
    assert_eq!(d.code, "UNRESOLVED_DEFINITION_URI");
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(
        file.source.line_col(d.span.start),
        position_of("near-miss/template.yaml", "statemachines/orders")
    );
    assert_eq!(
        d.help.as_deref(),
        Some(
            "did you mean 'statemachine/orders.asl.json'? That file exists, relative to the template's folder; SAM refuses to package a DefinitionUri that does not exist"
        )
    );
    let def = machine(&file, "Orders");
    assert!(def.source.path().ends_with("statemachine/orders.asl.json"));
    // The file is validated: its missing transition target is found in it.
    assert_eq!(
        found(def),
        ["MISSING_END_STATE 3:3", "MISSING_TRANSITION_TARGET 4:39"]
    );
}

#[test]
fn state_machines_without_a_usable_definition_are_errors() {
    let file = load("missing-definition.yaml");
    assert_eq!(file.kind, FileKind::Template);
    assert!(file.definitions.is_empty());
    let found: Vec<(String, (usize, usize))> = file
        .diagnostics
        .iter()
        .map(|d| (d.code.to_string(), file.source.line_col(d.span.start)))
        .collect();
    assert_eq!(
        found,
        [
            ("MISSING_DEFINITION".to_string(), (2, 3)),
            ("UNRESOLVED_DEFINITION_URI".to_string(), (9, 22)),
        ]
    );
    assert!(
        file.diagnostics
            .iter()
            .all(|d| d.severity == Severity::Error)
    );
    assert!(file.diagnostics[0].help.is_some());
}

#[test]
fn a_template_without_state_machines_has_no_definitions() {
    let file = load("no-machine.yaml");
    assert_eq!(file.kind, FileKind::Template);
    assert!(file.definitions.is_empty());
    assert!(file.diagnostics.is_empty());
}

#[test]
fn stand_alone_definition_warns_once_per_unfilled_placeholder() {
    let file = load("sam-uri/statemachine/process.asl.json");
    assert_eq!(file.kind, FileKind::Definition);
    let def = &file.definitions[0];
    let diags = validate(def);
    let names: Vec<&str> = diags
        .iter()
        .filter(|d| d.code == "UNFILLED_PLACEHOLDER")
        .map(|d| d.message.split_whitespace().nth(1).unwrap_or(""))
        .collect();
    assert_eq!(
        names,
        [
            "${StreamArn}",
            "${ProcessFunctionArn}",
            "${TableName}",
            "${NotDeclared}"
        ]
    );
    assert!(
        diags.iter().all(|d| d.severity == Severity::Warning),
        "{diags:?}"
    );
    let help = diags[1].help.as_deref().unwrap_or("");
    assert!(help.contains("--sub ProcessFunctionArn=VALUE"), "{help}");

    let file = load_with(
        "sam-uri/statemachine/process.asl.json",
        &[(
            "ProcessFunctionArn",
            "arn:aws:lambda:us-east-1:123456789012:function:f",
        )],
    );
    let def = &file.definitions[0];
    assert_eq!(
        string_at(def, "/States/Process/Parameters/FunctionName"),
        "arn:aws:lambda:us-east-1:123456789012:function:f"
    );
    assert_eq!(def.placeholders.len(), 3);
    assert_eq!(validate(def).len(), 3);
}

/// The real-world corpus (beside the checkout, when present): every template
/// yields each of its state machines (or a diagnostic saying why it cannot),
/// and nothing fails to parse.
#[test]
fn every_state_machine_of_the_corpus_is_found() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/samples");
    if !dir.exists() {
        return;
    }
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("json" | "yaml" | "yml")
            )
        })
        .collect();
    files.sort();
    let mut machines = 0;
    for path in &files {
        let file = load_path(path, &LoadOptions::default()).unwrap();
        assert_ne!(
            file.kind,
            FileKind::Broken,
            "{}: {:?}",
            path.display(),
            file.diagnostics
        );
        if file.kind != FileKind::Template {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        // Resource types named as values (`Type: X`), not in comments or outputs.
        let declared = text
            .lines()
            .filter(|l| {
                let l = l.trim();
                l.contains("\"Type\"") || l.starts_with("Type:")
            })
            .filter(|l| {
                l.contains("AWS::StepFunctions::StateMachine")
                    || l.contains("AWS::Serverless::StateMachine")
            })
            .count();
        // A machine is either loaded or named by an error (a warning may come with
        // a loaded one, as for a DefinitionUri near miss).
        let unloaded = file
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error || d.message.contains("in S3"))
            .count();
        let got = file.definitions.len() + unloaded;
        assert_eq!(got, declared, "{}", path.display());
        machines += file.definitions.len();
    }
    assert!(machines >= 90, "found {machines} state machines");
}

#[test]
fn windows_line_endings_keep_positions() {
    let text = std::fs::read_to_string(fixture("sfn-definition-string.yaml"))
        .unwrap()
        .replace('\n', "\r\n");
    let file = sfn::load::load_text(
        &fixture("sfn-definition-string.yaml"),
        text,
        &LoadOptions::default(),
    );
    let def = machine(&file, "SubMachine");
    let diags = found(def);
    assert!(
        diags.contains(&"MISSING_TRANSITION_TARGET 29:23".to_string()),
        "{diags:?}"
    );
    let broken = machine(&file, "BrokenMachine");
    assert_eq!(found(broken), ["INVALID_JSON_DESCRIPTION 41:47"]);
}
