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
use crate::load::{SourceFile, Span};

/// A file's text under the name shown in the report's header.
struct Named {
    file: Arc<SourceFile>,
    name: String,
    /// For a span on a very long line (a minified definition): the part of that
    /// line shown, and the span cut to fit in it.
    window: Option<Window>,
}

/// Lines longer than this (in bytes) are shown only around the span: miette
/// prints whole lines, and panics past column 65,535.
const LONG_LINE: usize = 240;
/// How much of a long line is shown on each side of the span, and how much of a
/// long span is underlined (in bytes, then moved back to a character boundary).
const CONTEXT: usize = 60;

#[derive(Clone, Copy)]
struct Window {
    shown: Span,
    label: Span,
}

impl Named {
    fn new(file: Arc<SourceFile>, name: String, span: Span) -> Self {
        let window = window(&file, span);
        Named { file, name, window }
    }
}

/// The window a span is shown in, when a line near it is too long to show whole:
/// a line of the span, the one before it or the one after.
fn window(file: &SourceFile, span: Span) -> Option<Window> {
    let text = &file.text;
    let first = file.line_of(span.start.min(text.len()));
    let last = file.line_of(span.end.min(text.len()));
    let long = (first.saturating_sub(1)..=last + 1)
        .filter_map(|line| file.line_range(line))
        .any(|(s, e)| e - s > LONG_LINE);
    if !long {
        return None;
    }
    let (line_start, line_end) = file.line_range(first)?;
    let floor = |mut i: usize| {
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let label_end = floor(span.end.min(line_end).min(span.start + CONTEXT));
    let label = Span::new(span.start, label_end.max(span.start));
    let shown = Span::new(
        floor(span.start.saturating_sub(CONTEXT).max(line_start)),
        floor((label.end + CONTEXT).min(line_end)),
    );
    Some(Window { shown, label })
}

impl miette::SourceCode for Named {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        // miette counts columns in bytes; editors, and our other formats, in characters.
        let (line, column) = self.file.line_col(span.offset());
        if let Some(w) = self.window {
            let shown = &self.file.text[w.shown.start..w.shown.end];
            return Ok(Box::new(MietteSpanContents::new_named(
                self.name.clone(),
                shown.as_bytes(),
                SourceSpan::new(w.shown.start.into(), w.shown.len()),
                line - 1,
                column - 1,
                1,
            )));
        }
        let c = self.file.text.as_str().read_span(span, before, after)?;
        // With context lines the contents start a line, at column 0.
        let column = if before == 0 { column - 1 } else { c.column() };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            c.data(),
            *c.span(),
            c.line(),
            column,
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
        let shown = self.source.window.map_or(self.diag.span, |w| w.label);
        let span = SourceSpan::new(shown.start.into(), shown.len());
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
                source: Named::new(r.source.clone(), name.clone(), d.span),
            };
            // Rendering into a String cannot fail.
            let _ = handler.render_report(&mut out, &report);
        }
    }
    (out, errors, warnings)
}
