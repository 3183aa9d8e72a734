use crate::dataflow::intrinsic::Severity as Kind;
use crate::dataflow::sites;
use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::validate::{Context, Rule};

declare_rule! {
    /// ## What it checks
    /// That every intrinsic function call of a JSONPath state (in a `.$` field of
    /// a payload template, or in `ErrorPath`/`CausePath`), and every call nested
    /// in it, names one of the 18 intrinsic functions (`States.Format`,
    /// `States.StringToJson`, `States.JsonToString`, `States.Array`,
    /// `States.ArrayPartition`, `States.ArrayContains`, `States.ArrayRange`,
    /// `States.ArrayGetItem`, `States.ArrayLength`, `States.ArrayUnique`,
    /// `States.Base64Encode`, `States.Base64Decode`, `States.Hash`,
    /// `States.JsonMerge`, `States.MathRandom`, `States.MathAdd`,
    /// `States.StringSplit`, `States.UUID`) with the number of arguments it takes.
    ///
    /// ## Why
    /// AWS refuses to create the state machine: the call is not a valid
    /// intrinsic function call. Function names are case-sensitive.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true,
    ///   "Parameters": {"id.$": "States.UUID($.seed)", "n.$": "States.Length($.items)"}}}}
    /// ```
    /// `States.UUID` takes no argument; the length of an array is `States.ArrayLength($.items)`.
    pub static RULE = Rule {
        id: "intrinsic-call",
        code: "SCHEMA_VALIDATION_FAILED",
        severity: Severity::Error,
        summary: "Intrinsic calls name a known function with the right number of arguments",
        check,
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    report(ctx, out, &RULE, Kind::Invalid, "not a valid intrinsic call");
}

/// Reports, as `rule`, the intrinsic-call problems of one kind: shared with
/// `intrinsic-argument`, which reports those that only fail at run time.
pub(super) fn report(
    ctx: &Context<'_>,
    out: &mut Vec<Diagnostic>,
    rule: &Rule,
    kind: Kind,
    label: &str,
) {
    let source = &ctx.definition.source.text;
    let analysis = ctx.analysis();
    for site in &analysis.calls {
        for problem in analysis.problems(site) {
            if problem.severity != kind {
                continue;
            }
            out.push(
                rule.diag(
                    analysis.pointer(site.at),
                    sites::inner_span(source, site.node, problem.span.start, problem.span.end),
                    problem.message.clone(),
                )
                .with_label(label)
                .with_help(problem.help.clone()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::testing::diags_of;

    fn ours(json: &str) -> Vec<crate::diagnostic::Diagnostic> {
        diags_of(json)
            .into_iter()
            .filter(|d| d.code == "SCHEMA_VALIDATION_FAILED")
            .collect()
    }

    fn pass(params: &str) -> String {
        format!(
            r#"{{"StartAt":"A","States":{{"A":{{"Type":"Pass","End":true,"Parameters":{params}}}}}}}"#
        )
    }

    #[test]
    fn unknown_functions_are_errors_with_a_suggestion() {
        let text = pass(r#"{"n.$":"States.ArrayLenght($.items)"}"#);
        let d = ours(&text);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].location, "/States/A/Parameters/n.$");
        assert_eq!(
            d[0].message,
            "'States.ArrayLenght' is not an intrinsic function"
        );
        assert_eq!(
            d[0].help.as_deref(),
            Some("did you mean States.ArrayLength?")
        );
        assert_eq!(&text[d[0].span.start..d[0].span.end], "States.ArrayLenght");
    }

    #[test]
    fn wrong_arity_is_an_error_also_when_nested_and_in_error_path() {
        let text = pass(r#"{"id.$":"States.Format('{}', States.UUID($.seed))"}"#);
        let d = ours(&text);
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            "States.UUID takes 0 arguments, but 1 is given"
        );
        assert_eq!(&text[d[0].span.start..d[0].span.end], "States.UUID($.seed)");
        let d = ours(
            r#"{"StartAt":"F","States":{"F":{"Type":"Fail","CausePath":"States.JsonMerge($.a, $.b)"}}}"#,
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].location, "/States/F/CausePath");
        assert_eq!(
            d[0].message,
            "States.JsonMerge takes 3 arguments, but 2 are given"
        );
    }

    #[test]
    fn known_calls_pass() {
        let text = pass(
            r#"{"a.$":"States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, '-')), -1))","b.$":"States.MathRandom(1, 10)","c.$":"States.Array()"}"#,
        );
        assert!(ours(&text).is_empty(), "{:?}", ours(&text));
    }
}
