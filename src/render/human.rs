//! `--format human`: one miette report per diagnostic, with the source lines
//! and the offending span labelled, then a one-line summary.

use std::fmt;

use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceSpan, SpanContents,
};
use owo_colors::OwoColorize;

use super::FileReport;
use crate::diagnostic::{Diagnostic, Severity};
use crate::load::SourceFile;

/// A file's text under the name shown in the report's header.
struct Named {
    file: Arc<SourceFile>,
    name: String,
}

impl miette::SourceCode for Named {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let c = self.file.text.as_str().read_span(span, before, after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            c.data(),
            *c.span(),
            c.line(),
            c.column(),
            c.line_count(),
        )))
    }
}

struct Report<'a> {
    diag: &'a Diagnostic,
    source: Named,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}
impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}
impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.diag.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.diag
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = SourceSpan::new(self.diag.span.start.into(), self.diag.span.len());
        let label = self
            .diag
            .label
            .clone()
            .or_else(|| (!self.diag.location.is_empty()).then(|| self.diag.location.clone()));
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            label, span,
        ))))
    }
}

/// Renders every diagnostic, then the totals. `color` picks the theme.
pub fn render(reports: &[FileReport], color: bool) -> String {
    let (mut out, errors, warnings) = render_reports(reports, color);
    let checked = reports.iter().filter(|r| !r.template_level).count();
    let noun = if checked == 1 {
        "state machine"
    } else {
        "state machines"
    };
    let summary = format!(
        "{checked} {noun} checked: {errors} error{}, {warnings} warning{}",
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" }
    );
    if color {
        if errors > 0 {
            out.push_str(&format!("{}\n", summary.red().bold()));
        } else if warnings > 0 {
            out.push_str(&format!("{}\n", summary.yellow().bold()));
        } else {
            out.push_str(&format!("{}\n", summary.green().bold()));
        }
    } else {
        out.push_str(&summary);
        out.push('\n');
    }
    out
}

/// Every diagnostic with the error and warning counts, without the totals line
/// (for a file that is not a definition, such as a mocks file).
pub fn render_reports(reports: &[FileReport], color: bool) -> (String, usize, usize) {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let mut out = String::new();
    let (mut errors, mut warnings) = (0, 0);
    for r in reports {
        let name = r.name();
        for d in &r.diagnostics {
            match d.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
            }
            let report = Report {
                diag: d,
                source: Named {
                    file: r.source.clone(),
                    name: name.clone(),
                },
            };
            // Rendering into a String cannot fail.
            let _ = handler.render_report(&mut out, &report);
        }
    }
    (out, errors, warnings)
}
