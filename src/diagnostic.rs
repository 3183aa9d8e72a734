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

/// The candidate nearest to `name` by edit distance, if close enough to be a typo:
/// within a third of the name (two edits for short names), and keeping part of it
/// (`Z` is not a typo of `A`).
pub fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let length = name.chars().count();
    let limit = (length / 3).max(2).min(length.saturating_sub(1));
    candidates
        .map(|c| (edit_distance(&name.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == *cb {
                prev
            } else {
                1 + prev.min(row[j]).min(row[j + 1])
            };
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn closest_is_the_nearest_candidate_within_a_third_of_the_name() {
        let states = ["ChargeCard", "ReserveStock", "Done"];
        assert_eq!(
            closest("ChargeCrad", states.into_iter()),
            Some("ChargeCard")
        );
        // Case is ignored: a user's casing slip is still a typo.
        assert_eq!(
            closest("reservestock", states.into_iter()),
            Some("ReserveStock")
        );
        // Two edits are allowed for short names, no more.
        assert_eq!(closest("Dne", states.into_iter()), Some("Done"));
        assert_eq!(closest("Wait", states.into_iter()), None);
        // One letter shares nothing with another.
        assert_eq!(closest("Z", ["A"].into_iter()), None);
        assert_eq!(closest("AB", ["A"].into_iter()), Some("A"));
    }
}
