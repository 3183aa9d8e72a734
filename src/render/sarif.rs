//! `--format sarif`: SARIF 2.1.0, for code-scanning upload.

use serde_json::{Value, json};

use super::{FileReport, position};
use crate::diagnostic::Severity;
use crate::validate::registry;

pub fn render(reports: &[FileReport]) -> String {
    let rules: Vec<Value> = registry::codes()
        .into_iter()
        .map(|code| {
            let rs = registry::find(code);
            let summary = rs.iter().map(|r| r.summary).collect::<Vec<_>>().join("; ");
            json!({
                "id": code,
                "shortDescription": {"text": summary},
                "fullDescription": {"text": summary},
                "help": {"text": format!("Run `sfn explain {code}`."), "markdown": rs.iter().map(|r| r.doc).collect::<Vec<_>>().join("\n")},
                "defaultConfiguration": {"level": match rs.first().map(|r| r.severity) { Some(Severity::Warning) => "warning", _ => "error" }},
            })
        })
        .collect();
    let mut results = Vec::new();
    for r in reports {
        for d in &r.diagnostics {
            let (line, col) = position(&r.source, d);
            let (end_line, end_col) = r.source.line_col(d.span.end);
            let mut text = d.message.clone();
            if let Some(h) = &d.help {
                text.push_str(&format!(" (help: {h})"));
            }
            results.push(json!({
                "ruleId": d.code,
                "level": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
                "message": {"text": text},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(&r.source.display_name())},
                        "region": {"startLine": line, "startColumn": col, "endLine": end_line, "endColumn": end_col},
                    },
                    "logicalLocations": [{"fullyQualifiedName": format!("{}{}", r.machine.clone().unwrap_or_default(), d.location), "kind": "member"}],
                }],
            }));
        }
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "sfn",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            // Our columns count characters, not SARIF's default UTF-16 code units.
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&doc).expect("JSON values serialize");
    out.push('\n');
    out
}

/// A relative path as a SARIF URI (forward slashes, no leading `./`).
fn uri(path: &str) -> String {
    path.replace('\\', "/").trim_start_matches("./").to_string()
}
