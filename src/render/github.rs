//! `--format github`: workflow commands that annotate the pull request.

use super::{FileReport, position};
use crate::diagnostic::Severity;

pub fn render(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for r in reports {
        for d in &r.diagnostics {
            let (line, col) = position(&r.source, d);
            let (end_line, end_col) = r.source.line_col(d.span.end);
            let level = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let mut message = d.message.clone();
            if let Some(m) = &r.machine {
                message = format!("{m}: {message}");
            }
            if let Some(h) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(h);
            }
            out.push_str(&format!(
                "::{level} file={},line={line},col={col},endLine={end_line},endColumn={end_col},title={}::{}\n",
                escape_property(&r.source.display_name()),
                escape_property(d.code),
                escape_data(&message)
            ));
        }
    }
    out
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}
