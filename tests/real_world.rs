//! Definitions that deployed or ran on AWS must validate with no errors:
//! the shared corpus of real-world templates and the conformance cases.
//! (Skipped when `../shared` is not beside the checkout.)

use std::path::{Path, PathBuf};

use sfn::diagnostic::Severity;
use sfn::load::{FileKind, LoadOptions, load_path};
use sfn::validate::validate;

fn shared(sub: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(sub);
    p.exists().then_some(p)
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("json" | "yaml" | "yml")
            )
        })
        .collect();
    out.sort();
    out
}

/// Every error, as `file#machine: CODE location message` lines.
fn errors_in(files: &[PathBuf]) -> (usize, Vec<String>) {
    let mut machines = 0;
    let mut errors = Vec::new();
    for path in files {
        let Ok(loaded) = load_path(path, &LoadOptions::default()) else {
            continue;
        };
        if loaded.kind == FileKind::Other {
            continue;
        }
        for d in &loaded.diagnostics {
            if d.severity == Severity::Error {
                errors.push(format!("{}: {} {}", path.display(), d.code, d.message));
            }
        }
        for def in &loaded.definitions {
            machines += 1;
            for d in validate(def) {
                if d.severity == Severity::Error {
                    errors.push(format!(
                        "{}#{}: {} {} {}",
                        def.source.path.display(),
                        def.machine.clone().unwrap_or_default(),
                        d.code,
                        d.location,
                        d.message
                    ));
                }
            }
        }
    }
    (machines, errors)
}

#[test]
fn every_conformance_definition_validates_without_errors() {
    let Some(dir) = shared("conformance/cases") else {
        return;
    };
    let files: Vec<PathBuf> = files_under(&dir)
        .into_iter()
        .filter(|p| p.ends_with("definition.json"))
        .collect();
    assert!(files.len() > 400, "found {} definitions", files.len());
    let (machines, errors) = errors_in(&files);
    assert_eq!(machines, files.len());
    assert!(
        errors.is_empty(),
        "{} errors:\n{}",
        errors.len(),
        errors.join("\n")
    );
}

/// The one corpus template whose `DefinitionUri` names `statemachines/…` while the
/// file is in `statemachine/`: the file it means is validated, with a warning.
const NEAR_MISS_SAMPLE: &str = "account-vending-machine/template.yaml";

#[test]
fn the_mistyped_definition_uri_sample_is_validated_from_the_file_that_exists() {
    let Some(dir) = shared("corpus/samples") else {
        return;
    };
    let loaded = load_path(&dir.join(NEAR_MISS_SAMPLE), &LoadOptions::default()).unwrap();
    assert_eq!(loaded.definitions.len(), 1);
    let codes: Vec<_> = loaded
        .diagnostics
        .iter()
        .map(|d| (d.code, d.severity))
        .collect();
    assert_eq!(codes, [("UNRESOLVED_DEFINITION_URI", Severity::Warning)]);
    assert_eq!(
        loaded.diagnostics[0].help.as_deref(),
        Some(
            "did you mean 'statemachine/statemachine.asl.json'? That file exists, relative to the template's folder; SAM refuses to package a DefinitionUri that does not exist"
        )
    );
}

#[test]
fn the_real_world_corpus_validates_without_errors() {
    let Some(dir) = shared("corpus/samples") else {
        return;
    };
    let files: Vec<PathBuf> = files_under(&dir);
    let (machines, errors) = errors_in(&files);
    assert!(machines > 150, "found only {machines} state machines");
    assert!(
        errors.is_empty(),
        "{} errors:\n{}",
        errors.len(),
        errors.join("\n")
    );
}

#[test]
fn every_template_in_the_corpus_yields_each_of_its_state_machines() {
    let Some(dir) = shared("corpus/samples") else {
        return;
    };
    let mut declared_total = 0;
    for path in files_under(&dir) {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        // Resources declared as `Type: AWS::…::StateMachine` (YAML or JSON).
        let declared = text
            .lines()
            .filter(|l| {
                l.contains("Type")
                    && (l.contains("AWS::StepFunctions::StateMachine")
                        || l.contains("AWS::Serverless::StateMachine"))
            })
            .count();
        if declared == 0 {
            continue;
        }
        declared_total += declared;
        let loaded = load_path(&path, &LoadOptions::default()).unwrap();
        assert_eq!(loaded.kind, FileKind::Template, "{}", path.display());
        // A machine whose definition lives in S3 is named by a warning instead.
        let in_s3 = loaded
            .diagnostics
            .iter()
            .filter(|d| d.code == "UNRESOLVED_DEFINITION_URI" && d.message.contains("in S3"))
            .count();
        assert_eq!(
            loaded.definitions.len() + in_s3,
            declared,
            "{}: {} machines found, {in_s3} in S3, {declared} declared",
            path.display(),
            loaded.definitions.len()
        );
    }
    assert!(
        declared_total > 90,
        "only {declared_total} state machine resources found"
    );
}
