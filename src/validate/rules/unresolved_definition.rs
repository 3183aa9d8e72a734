use crate::declare_rule;
use crate::diagnostic::Severity;

declare_rule! {
    /// ## What it checks
    /// A template's `Definition` or `DefinitionString` built with intrinsic
    /// functions that cannot be evaluated offline (`Fn::If` on a condition,
    /// `Fn::ImportValue`, ...). What they produce is treated as a placeholder, and
    /// the rest of the definition is still checked. Reported while loading.
    ///
    /// ## Why
    /// Their values are only known when the stack is deployed.
    ///
    /// ## Example
    /// ```yaml
    /// DefinitionString: !If [IsProd, !Sub "${ProdJson}", !Sub "${DevJson}"]
    /// ```
    pub static RULE = Rule {
        id: "unresolved-definition",
        code: crate::load::template::UNRESOLVED_DEFINITION,
        severity: Severity::Warning,
        summary: "A template definition built with intrinsics that cannot be evaluated offline",
        check: |_, _| {},
    };
}
