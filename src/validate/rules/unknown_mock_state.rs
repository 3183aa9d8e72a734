use crate::declare_rule;
use crate::diagnostic::Severity;

declare_rule! {
    /// ## What it checks
    /// That every state the mocks file names is a state of the definition being
    /// run, with a "did you mean" for a near miss. Reported by `sfn run` as a
    /// warning; the run goes on.
    ///
    /// ## Why
    /// A mock under a misspelt name is never used: the Task it was meant for
    /// then has no mock and stops the run, or a stale mock hides a renamed state.
    ///
    /// ## Example
    /// ```yaml
    /// ChargeCrad:            # the state is ChargeCard
    ///   return: {charged: true}
    /// ```
    pub static RULE = Rule {
        id: "unknown-mock-state",
        code: "UNKNOWN_MOCK_STATE",
        severity: Severity::Warning,
        summary: "Every state the mocks name exists in the definition (reported by sfn run)",
        check: |_, _| {},
    };
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_code_is_the_one_sfn_run_reports() {
        assert_eq!(super::RULE.code, crate::mocks::UNKNOWN_MOCK_STATE);
    }
}
