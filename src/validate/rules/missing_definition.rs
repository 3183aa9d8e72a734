use crate::declare_rule;
use crate::diagnostic::Severity;

declare_rule! {
    /// ## What it checks
    /// That every `AWS::StepFunctions::StateMachine` and
    /// `AWS::Serverless::StateMachine` resource of a template has a definition:
    /// `Definition`, `DefinitionString`, `DefinitionUri` or
    /// `DefinitionS3Location`, and that it is not empty (`Definition:` with nothing
    /// under it, `DefinitionString: ""`). Reported while loading.
    ///
    /// ## Why
    /// CloudFormation cannot create a state machine without one.
    ///
    /// ## Example
    /// ```yaml
    /// MyMachine:
    ///   Type: AWS::StepFunctions::StateMachine
    ///   Properties:
    ///     RoleArn: !GetAtt Role.Arn
    /// ```
    /// Add `Definition:` (inline) or `DefinitionString:`.
    pub static RULE = Rule {
        id: "missing-definition",
        code: crate::load::template::MISSING_DEFINITION,
        severity: Severity::Error,
        summary: "A template's state machine resource has a definition (reported while loading)",
        check: |_, _| {},
    };
}
