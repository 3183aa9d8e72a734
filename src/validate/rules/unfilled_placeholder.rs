use crate::declare_rule;
use crate::diagnostic::Severity;

declare_rule! {
    /// ## What it checks
    /// A `${Name}` placeholder that nothing fills: in a stand-alone definition,
    /// every one not given with `--sub Name=VALUE`; in a template, one that
    /// neither `DefinitionSubstitutions` nor `Fn::Sub` declares. Reported while
    /// loading. Errors the placeholder alone would cause (a `Resource` that is not
    /// an ARN, a string where a number belongs) are not reported: only this warning.
    ///
    /// ## Why
    /// SAM and CloudFormation fill placeholders at deploy time; a definition file
    /// validated on its own cannot know their values.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "${FnArn}", "End": true}}}
    /// ```
    /// Run `sfn validate def.asl.json --sub FnArn=arn:aws:lambda:us-east-1:123456789012:function:f`,
    /// or validate the template that fills it.
    pub static RULE = Rule {
        id: "unfilled-placeholder",
        code: crate::load::template::UNFILLED_PLACEHOLDER,
        severity: Severity::Warning,
        summary: "A `${Name}` placeholder nothing fills (reported while loading)",
        check: |_, _| {},
    };
}
