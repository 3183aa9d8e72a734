//! `--format sarif`: SARIF 2.1.0, for code-scanning upload.

use serde_json::{Value, json};

use super::{FileReport, position};
use crate::diagnostic::Severity;
use crate::validate::registry;

/// The SARIF log of `reports`; `problems` are what could not be checked (a
/// missing file, say), told as the run's tool notifications.
pub fn render(reports: &[FileReport], problems: &[String]) -> String {
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
            "invocations": [{
                "executionSuccessful": problems.is_empty(),
                "toolExecutionNotifications": problems
                    .iter()
                    .map(|p| json!({"level": "error", "message": {"text": p}}))
                    .collect::<Vec<_>>(),
            }],
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&doc).expect("JSON values serialize");
    out.push('\n');
    out
}

/// A path as a SARIF URI reference: a relative path with forward slashes (no
/// leading `./`), an absolute one as a `file://` URI, and in either every
/// character a URI cannot hold (a space, `%`, non-ASCII letters) percent-encoded.
fn uri(path: &str) -> String {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    // RFC 3986's unreserved characters, and the path's own separators.
    const KEEP: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~')
        .remove(b'/');
    let path = path.replace('\\', "/");
    let path = path.trim_start_matches("./");
    let encoded = utf8_percent_encode(path, KEEP).to_string();
    if path.starts_with('/') {
        format!("file://{encoded}")
    } else {
        encoded
    }
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("./defs/order.asl.json"), "defs/order.asl.json");
        assert_eq!(
            uri("dir with space/ünï/my file,x.asl.json"),
            "dir%20with%20space/%C3%BCn%C3%AF/my%20file%2Cx.asl.json"
        );
        assert_eq!(uri("/tmp/a b.json"), "file:///tmp/a%20b.json");
        assert_eq!(uri("defs\\win.json"), "defs/win.json");
    }
}
