use crate::dataflow::intrinsic::Severity as Kind;
use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::validate::Context;

declare_rule! {
    /// ## What it checks
    /// The literal arguments of intrinsic function calls, where they make the
    /// call fail whatever the input:
    ///
    /// - a literal of the wrong type (`States.MathAdd('1', 2)`, `States.ArrayLength(null)`),
    ///   or a nested call returning the wrong type (`States.ArrayLength(States.Format(...))`);
    /// - `States.Format` whose literal template has a different number of `{}`
    ///   placeholders than values after it (`\{` and `\}` are literal braces);
    /// - `States.Hash` with an algorithm other than `MD5`, `SHA-1`, `SHA-256`,
    ///   `SHA-384`, `SHA-512`;
    /// - `States.JsonMerge` whose third argument is `true` (only shallow merges exist);
    /// - `States.ArrayPartition` with a chunk size below 1, `States.ArrayGetItem` with
    ///   a negative index, `States.ArrayRange` with step 0 or over 1000 items. Where
    ///   these take an integer, a fraction is truncated, as AWS does (`0.6` is `0`);
    /// - `States.MathAdd` with a literal operand, or a sum of two literals, beyond
    ///   the 32-bit integers AWS adds (-2147483648 to 2147483647).
    ///
    /// ## Why
    /// AWS accepts the definition, but every execution that reaches the state
    /// fails with `States.Runtime` (`Invalid arguments in States.Format`), which
    /// no Retry or Catch sees. Hence a warning, not an error.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true,
    ///   "Parameters": {"msg.$": "States.Format('{} of {}', $.done)"}}}}
    /// ```
    /// Two placeholders but one value: add the missing value, or remove a `{}`.
    pub static RULE = Rule {
        id: "intrinsic-argument",
        code: "INVALID_INTRINSIC_ARGUMENT",
        severity: Severity::Warning,
        summary: "Literal intrinsic arguments that make every call fail at run time",
        check,
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    super::intrinsic_call::report(ctx, out, &RULE, Kind::FailsAtRunTime, "fails at run time");
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Severity;
    use crate::validate::testing::diags_of;

    fn ours(json: &str) -> Vec<crate::diagnostic::Diagnostic> {
        diags_of(json)
            .into_iter()
            .filter(|d| d.code == "INVALID_INTRINSIC_ARGUMENT")
            .collect()
    }

    fn pass(params: &str) -> String {
        format!(
            r#"{{"StartAt":"A","States":{{"A":{{"Type":"Pass","End":true,"Parameters":{params}}}}}}}"#
        )
    }

    #[test]
    fn placeholder_count_mismatch_is_a_warning_on_the_template() {
        let text = pass(r#"{"msg.$":"States.Format('{} of {}', $.done)"}"#);
        let d = ours(&text);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].severity, Severity::Warning);
        assert_eq!(d[0].location, "/States/A/Parameters/msg.$");
        assert_eq!(
            d[0].message,
            "the template has 2 placeholders '{}' but 1 value follows"
        );
        assert_eq!(&text[d[0].span.start..d[0].span.end], "'{} of {}'");
    }

    #[test]
    fn hash_algorithm_and_json_merge_literals() {
        let text =
            pass(r#"{"h.$":"States.Hash($.x, 'SHA-0')","m.$":"States.JsonMerge($.a, $.b, true)"}"#);
        let d = ours(&text);
        assert_eq!(d.len(), 2);
        assert_eq!(&text[d[0].span.start..d[0].span.end], "'SHA-0'");
        assert_eq!(&text[d[1].span.start..d[1].span.end], "true");
    }

    /// AWS adds Java ints: `MathAdd(2147483647, 1)` and `MathAdd(3000000000, 1)`
    /// fail, `MathAdd(2147483646, 1)` is 2147483647 (a characterization suite run
    /// on AWS, MADD-009..016).
    #[test]
    fn math_add_literals_beyond_32_bit_integers() {
        let text = pass(
            r#"{"a.$":"States.MathAdd(3000000000, $.n)","b.$":"States.MathAdd(2147483647, 1)","c.$":"States.MathAdd(2147483646, 1)","d.$":"States.MathAdd(-2147483648.6, 0)"}"#,
        );
        let d = ours(&text);
        assert_eq!(d.len(), 3, "{d:?}");
        assert_eq!(&text[d[0].span.start..d[0].span.end], "3000000000");
        assert_eq!(
            d[0].message,
            "States.MathAdd adds 32-bit integers: 3000000000 is outside -2147483648 to 2147483647"
        );
        assert_eq!(
            &text[d[1].span.start..d[1].span.end],
            "States.MathAdd(2147483647, 1)"
        );
        assert_eq!(
            d[1].message,
            "the sum 2147483648 is outside -2147483648 to 2147483647, the 32-bit integers States.MathAdd adds"
        );
        assert_eq!(&text[d[2].span.start..d[2].span.end], "-2147483648.6");
    }

    #[test]
    fn arguments_from_paths_are_not_judged() {
        let text = pass(
            r#"{"h.$":"States.Hash($.x, $.alg)","m.$":"States.JsonMerge($.a, $.b, false)","f.$":"States.Format($.t, $.a)"}"#,
        );
        assert!(ours(&text).is_empty());
    }
}
