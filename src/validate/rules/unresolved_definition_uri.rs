use crate::declare_rule;
use crate::diagnostic::Severity;

declare_rule! {
    /// ## What it checks
    /// A SAM `DefinitionUri` (or `DefinitionS3Location`) that cannot be read
    /// offline. A local file that does not exist is an error (SAM refuses to
    /// package the template). When a file of that name sits nearby (a folder
    /// name mistyped), that file is validated in its place and the template gets
    /// a warning with a "did you mean". A definition in S3 (`{Bucket, Key}` or
    /// `s3://...`) is a warning, since it cannot be checked without the network.
    /// Reported while loading.
    ///
    /// ## Why
    /// The state machine cannot be validated if its definition cannot be read.
    ///
    /// ## Example
    /// ```yaml
    /// MyMachine:
    ///   Type: AWS::Serverless::StateMachine
    ///   Properties:
    ///     DefinitionUri: statemachines/machine.asl.json   # the file is in statemachine/
    /// ```
    pub static RULE = Rule {
        id: "unresolved-definition-uri",
        code: crate::load::template::UNRESOLVED_DEFINITION_URI,
        severity: Severity::Error,
        summary: "A template's DefinitionUri can be read (S3 locations, and a near miss of a file that exists: a warning)",
        check: |_, _| {},
    };
}
