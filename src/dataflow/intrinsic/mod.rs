//! Intrinsic functions of JSONPath states: `States.Format('x {}', $.a)`.
//!
//! [`parse`] turns text into a [`Call`] (lexer → parser); [`check`] finds
//! unknown functions, wrong arities and literal arguments that cannot work.

mod eval;
mod functions;
mod lexer;
mod parser;

pub use eval::{MAX_INPUT_CHARS, Site, eval_call, eval_call_at};
pub use functions::{
    ARRAY_RANGE_MAX, Braces, FUNCTIONS, Function, HASH_ALGORITHMS, Problem, Severity, Type, braces,
    check, lookup,
};
pub use lexer::{Tok, Token, lex};
pub use parser::{Arg, ArgKind, Call, MAX_DEPTH, parse};

/// Text that is not a valid intrinsic call: where, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntrinsicError {
    /// Byte offset in the text given to the parser.
    pub offset: usize,
    pub message: String,
}

impl std::fmt::Display for IntrinsicError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (at offset {})", self.message, self.offset)
    }
}

/// Whether a string is meant as an intrinsic call: `Name.Name(`...
pub fn looks_like_call(s: &str) -> bool {
    let s = s.trim_start();
    let Some(open) = s.find('(') else {
        return false;
    };
    let name = s[..open].trim_end();
    name.contains('.')
        && name
            .split('.')
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_alphanumeric() || c == '_'))
        && s.trim_end().ends_with(')')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(text: &str) -> Call {
        parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn parses_calls_with_every_kind_of_argument() {
        let text = "States.Format('x {} \\' \\{\\} \\\\', $.a, 12, -1.5, true, false, null, $$.Execution.Id, $var.f, States.UUID())";
        let c = call(text);
        assert_eq!(c.name, "States.Format");
        assert_eq!(c.name_span, crate::load::Span::new(0, 13));
        assert_eq!(c.args.len(), 10);
        assert_eq!(
            c.args[0].kind,
            ArgKind::String {
                value: "x {} ' {} \\".into(),
                raw: "x {} \\' \\{\\} \\\\".into()
            }
        );
        assert!(matches!(c.args[1].kind, ArgKind::Path(_)));
        assert_eq!(c.args[2].kind, ArgKind::Number(12.into()));
        assert!(matches!(&c.args[3].kind, ArgKind::Number(n) if n.as_f64() == Some(-1.5)));
        assert_eq!(c.args[4].kind, ArgKind::Bool(true));
        assert_eq!(c.args[6].kind, ArgKind::Null);
        assert!(
            matches!(&c.args[7].kind, ArgKind::Path(p) if p.root == crate::dataflow::path::Root::Context)
        );
        assert!(
            matches!(&c.args[8].kind, ArgKind::Path(p) if p.root == crate::dataflow::path::Root::Variable("var".into()))
        );
        assert!(
            matches!(&c.args[9].kind, ArgKind::Call(inner) if inner.name == "States.UUID" && inner.args.is_empty())
        );
        assert_eq!(c.span, crate::load::Span::new(0, text.len()));
    }

    #[test]
    fn parses_what_aws_ran() {
        for text in [
            "States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, '-')), -1))",
            "States.JsonMerge(States.StringToJson('{\"constant_in_literal\": \"false\"}'), $$.Execution.Input.input_field, false)",
            "States.StringSplit('Hello\nWorld', '\n')",
            "States.Format($AnswerTemplate, $$.Map.Item.Value)",
            "States.Format('{}_{}',$$.Execution.Name,$['test-batch']['batch_id'])",
            "States.ArrayGetItem($.Records[?(@.OutputKey == FooBar)].OutputValue, 0)",
            "States.ArrayLength($.items.length())",
            "  States.UUID( )  ",
        ] {
            let c = call(text);
            assert!(check(&c).is_empty(), "{text}: {:?}", check(&c));
        }
    }

    #[test]
    fn syntax_errors_have_offsets() {
        let cases: &[(&str, usize, &str)] = &[
            ("States.Format('x'", 17, "never closed with ')'"),
            ("States.Format('x)", 14, "string is never closed"),
            ("States.Format(\"x\")", 14, "single quotes"),
            ("States.Format('x',)", 18, "argument is missing"),
            ("States.Format('x' $.a)", 18, "expected ',' or ')'"),
            ("States.Format", 13, "expected '('"),
            ("States.", 7, "function name"),
            ("States.UUID() x", 14, "after the end"),
            ("States.Array($.a[)", 17, "unexpected ')'"),
            ("States.Array(#)", 13, "unexpected '#'"),
            ("States.Array(1.)", 13, "not a number"),
            ("", 0, "expected an intrinsic function"),
        ];
        for (text, offset, msg) in cases {
            let e = parse(text).expect_err(text);
            assert!(e.message.contains(msg), "{text}: {e}");
            assert_eq!(e.offset, *offset, "{text}: {e}");
        }
        let deep = format!("{}1{}", "States.Array(".repeat(1000), ")".repeat(1000));
        assert!(parse(&deep).unwrap_err().message.contains("too deeply"));
    }

    #[test]
    fn unknown_functions_and_arities_are_invalid() {
        let p = check(&call("States.Formatt('x')"));
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].severity, Severity::Invalid);
        assert_eq!(
            p[0].message,
            "'States.Formatt' is not an intrinsic function"
        );
        assert_eq!(p[0].help, "did you mean States.Format?");
        assert_eq!(p[0].span, crate::load::Span::new(0, 14));
        let p = check(&call("States.ArrayLength($.a, $.b)"));
        assert_eq!(
            p[0].message,
            "States.ArrayLength takes 1 argument, but 2 are given"
        );
        let p = check(&call("States.MathRandom(1)"));
        assert_eq!(
            p[0].message,
            "States.MathRandom takes 2 or 3 arguments, but 1 is given"
        );
        let p = check(&call("States.Format()"));
        assert_eq!(
            p[0].message,
            "States.Format takes at least 1 arguments, but 0 are given"
        );
        let p = check(&call("States.UUID(1)"));
        assert_eq!(
            p[0].message,
            "States.UUID takes 0 arguments, but 1 is given"
        );
        let p = check(&call("States.Array(States.Nope())"));
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].span, crate::load::Span::new(13, 24));
        for f in FUNCTIONS {
            let args = vec!["$.x"; f.min].join(", ");
            let text = format!("{}({args})", f.name);
            assert!(check(&call(&text)).is_empty(), "{text}");
        }
        assert_eq!(FUNCTIONS.len(), 18);
    }

    #[test]
    fn literal_arguments_that_always_fail() {
        let msgs = |text: &str| -> Vec<String> {
            check(&call(text))
                .into_iter()
                .inspect(|p| assert_eq!(p.severity, Severity::FailsAtRunTime))
                .map(|p| p.message)
                .collect()
        };
        assert_eq!(
            msgs("States.Hash($.a, 'SHA-0')"),
            ["'SHA-0' is not a hash algorithm States.Hash supports"]
        );
        assert!(msgs("States.Hash($.a, 'SHA-256')").is_empty());
        assert_eq!(
            msgs("States.JsonMerge($.a, $.b, true)"),
            ["States.JsonMerge supports only a shallow merge: its third argument must be false"]
        );
        assert_eq!(
            msgs("States.Format('{} {}', $.a)"),
            ["the template has 2 placeholders '{}' but 1 value follows"]
        );
        assert!(msgs("States.Format('\\{\\} {}', $.a)").is_empty());
        assert_eq!(
            msgs("States.Format('Hello {{}}', $.a)"),
            ["the template has a '{' or '}' that is not part of a placeholder '{}'"]
        );
        assert!(msgs("States.Format($.template, $.a, $.b)").is_empty());
        assert_eq!(
            msgs("States.MathAdd('1', 2)"),
            ["the first argument of States.MathAdd must be a number: this is a string"]
        );
        // A fraction is truncated at run time, not refused.
        assert!(msgs("States.ArrayRange(1, 2.5, 1)").is_empty());
        assert_eq!(
            msgs("States.ArrayRange(1, 5, 0.4)"),
            ["the step of States.ArrayRange must not be 0 (0.4 is truncated to 0)"]
        );
        assert_eq!(
            msgs("States.ArrayPartition($.a, 0.6)"),
            [
                "the chunk size of States.ArrayPartition must be positive, not 0 (0.6 is truncated to 0)"
            ]
        );
        assert_eq!(
            msgs("States.ArrayLength(States.Format('x'))"),
            [
                "the first argument of States.ArrayLength must be an array: States.Format returns a string"
            ]
        );
        assert_eq!(
            msgs("States.ArrayLength(null)"),
            ["the first argument of States.ArrayLength must be an array, not null"]
        );
        assert_eq!(
            msgs("States.ArrayRange(1, 5000, 1)"),
            ["States.ArrayRange would produce 5000 items; at most 1000 are allowed"]
        );
        assert_eq!(
            msgs("States.ArrayRange(1, 5, 0)"),
            ["the step of States.ArrayRange must not be 0"]
        );
        assert_eq!(
            msgs("States.ArrayPartition($.a, 0)"),
            ["the chunk size of States.ArrayPartition must be positive, not 0"]
        );
        assert_eq!(
            msgs("States.ArrayGetItem($.a, -1)"),
            ["the index of States.ArrayGetItem must not be negative, not -1"]
        );
        assert!(msgs("States.MathAdd(States.ArrayLength($.a), -1)").is_empty());
        assert!(msgs("States.Array('a', 1, null, true)").is_empty());
    }

    #[test]
    fn recognises_call_shaped_text() {
        assert!(looks_like_call("States.Format('x')"));
        assert!(looks_like_call("States.Nope()"));
        assert!(!looks_like_call("$.a"));
        assert!(!looks_like_call("Hello (world)"));
        assert!(!looks_like_call("ConditionTrue"));
    }
}
