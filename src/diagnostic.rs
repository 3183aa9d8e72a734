//! The one diagnostic type every stage reports with: loading, validation and
//! mocks all point at a span of the file the user wrote.

use crate::load::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "ERROR",
            Severity::Warning => "WARNING",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// AWS's `ValidateStateMachineDefinition` code where one exists, else ours.
    pub code: &'static str,
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// JSON pointer into the definition (`/States/Foo/Next`).
    pub location: String,
    /// Where in the file; line and column are computed from it.
    pub span: Span,
    /// Short text shown under the labelled span.
    pub label: Option<String>,
}

impl Diagnostic {
    pub fn new(
        severity: Severity,
        code: &'static str,
        location: impl Into<String>,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity,
            code,
            message: message.into(),
            help: None,
            location: location.into(),
            span,
            label: None,
        }
    }
    pub fn error(
        code: &'static str,
        location: impl Into<String>,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Error, code, location, span, message)
    }
    pub fn warning(
        code: &'static str,
        location: impl Into<String>,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Warning, code, location, span, message)
    }
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }
}
