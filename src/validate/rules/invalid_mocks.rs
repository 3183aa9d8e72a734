use crate::declare_rule;
use crate::diagnostic::Severity;

declare_rule! {
    /// ## What it checks
    /// The mocks file `sfn run --mocks` reads: YAML or JSON that parses, in one
    /// of the two forms (AWS Step Functions Local's `MockConfigFile` with
    /// `StateMachines` and `MockedResponses`, or the native form keyed by state
    /// name), each response a `return` or a `throw` (`Return`/`Throw`) with the
    /// right types, and `--test-case` naming a test case that exists. Reported
    /// by `sfn run` and `sfn redrive` when they load the mocks, at the line and
    /// column of the mistake; the run does not start (exit 2).
    ///
    /// ## Why
    /// A Task's result comes from its mock: a mock that cannot be read would
    /// make the run answer something other than what the file says.
    ///
    /// ## Example
    /// ```yaml
    /// ChargeCard:
    ///   retrun: {charged: true}   # not `return`
    /// ```
    pub static RULE = Rule {
        id: "invalid-mocks",
        code: "INVALID_MOCKS",
        severity: Severity::Error,
        summary: "The mocks file parses and each mock is well formed (reported by sfn run)",
        check: |_, _| {},
    };
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_code_is_the_one_the_mocks_loader_reports() {
        assert_eq!(super::RULE.code, crate::mocks::INVALID_MOCKS);
    }
}
