//! `--format json`, as SPEC.md fixes it.

use serde_json::{Value, json};

use super::{FileReport, position};
use crate::validate::fails;

pub fn render(reports: &[FileReport], strict: bool) -> String {
    let files: Vec<Value> = reports
        .iter()
        .map(|r| {
            let diagnostics: Vec<Value> = r
                .diagnostics
                .iter()
                .map(|d| {
                    let (line, column) = position(&r.source, d);
                    let mut v = json!({
                        "severity": d.severity.as_str(),
                        "code": d.code,
                        "message": d.message,
                        // The whole definition is "/", as AWS's ValidateStateMachineDefinition
                        // writes it (the JSON pointer of the root is "").
                        "location": if d.location.is_empty() { "/" } else { d.location.as_str() },
                        "line": line,
                        "column": column,
                    });
                    if let Some(help) = &d.help {
                        v["help"] = json!(help);
                    }
                    v
                })
                .collect();
            let mut file = json!({
                "path": r.source.display_name(),
                "result": if fails(&r.diagnostics, strict) { "FAIL" } else { "OK" },
                "diagnostics": diagnostics,
            });
            if let Some(m) = &r.machine {
                file["machine"] = json!(m);
            }
            file
        })
        .collect();
    let mut out =
        serde_json::to_string_pretty(&json!({ "files": files })).expect("JSON values serialize");
    out.push('\n');
    out
}
