//! Rendering: validation reports as human text (miette), JSON, SARIF and
//! GitHub workflow commands.

pub mod describe;
pub mod diff;
pub mod github;
pub mod human;
pub mod json;
pub mod sarif;
pub mod table;

use std::sync::Arc;

use crate::diagnostic::Diagnostic;
use crate::load::SourceFile;

/// The diagnostics of one state machine (or of a file that held none).
#[derive(Debug, Clone)]
pub struct FileReport {
    pub source: Arc<SourceFile>,
    /// The template's logical id, for a machine inside a template.
    pub machine: Option<String>,
    pub diagnostics: Vec<Diagnostic>,
    /// Diagnostics about a template itself, beside its state machines' reports:
    /// not a state machine of its own in the totals.
    pub template_level: bool,
}

impl FileReport {
    /// Display name: `path` or `path#LogicalId`.
    pub fn name(&self) -> String {
        match &self.machine {
            Some(m) => format!("{}#{m}", self.source.display_name()),
            None => self.source.display_name(),
        }
    }
}

/// The 1-based line and column where a diagnostic starts.
pub fn position(source: &SourceFile, d: &Diagnostic) -> (usize, usize) {
    source.line_col(d.span.start)
}
