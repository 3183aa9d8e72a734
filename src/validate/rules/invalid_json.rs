use crate::declare_rule;
use crate::diagnostic::Severity;

declare_rule! {
    /// ## What it checks
    /// That the file (or a template's `DefinitionString`) is well-formed JSON or
    /// YAML. Reported while loading, before any other rule: the error points at
    /// the exact character where parsing stopped (the end of the file for an
    /// unclosed bracket). Comments, trailing commas, single quotes and other JSON5
    /// extensions are errors, as they are for AWS; so is nesting deeper than 512
    /// levels.
    ///
    /// ## Why
    /// AWS rejects the definition with `INVALID_JSON_DESCRIPTION`.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Succeed",}}}
    /// ```
    /// Remove the trailing comma.
    pub static RULE = Rule {
        id: "invalid-json",
        code: crate::load::INVALID_JSON,
        severity: Severity::Error,
        summary: "The file is well-formed JSON or YAML (reported while loading)",
        check: |_, _| {},
    };
}
