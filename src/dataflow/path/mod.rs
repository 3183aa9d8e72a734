//! JSONPath as Step Functions reads it: `$.a.b`, `$['a b']`, `$.a[0]`,
//! `$.a[*]`, `$.a[1:3]`, `$..a`, `$.a[?(@.price < 10)]`, context paths
//! (`$$.Execution.Id`) and variables (`$var.field`).
//!
//! [`parse`] turns text into a [`Path`]; [`Path::is_reference`] tells a
//! Reference Path (one node, writable) from a general one.

mod ast;
mod eval;
mod parser;

pub use ast::*;
pub use eval::{
    PathFailure, exists, is_definite, jayway_string, query, render, select, select_cow,
};
pub use parser::{MAX_DEPTH, PathError, parse, parse_range};

/// Whether a string is meant as a path: it starts with `$` (a JSONPath, a
/// context path or a variable).
pub fn looks_like_path(s: &str) -> bool {
    s.starts_with('$')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Path {
        parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }
    fn err(text: &str) -> PathError {
        parse(text).expect_err(text)
    }

    #[test]
    fn parses_what_step_functions_accepts() {
        for text in [
            "$",
            "$$",
            "$.a.b",
            "$['a b']",
            "$[\"a\"]",
            "$.a[0]",
            "$.a[-1]",
            "$.a[*]",
            "$.a[1:3]",
            "$.a[1:]",
            "$.a[:2]",
            "$.a[0:10:2]",
            "$.a[0,2]",
            "$['a','b']",
            "$..a",
            "$..*",
            "$.*",
            "$.a[?(@.price < 10)]",
            "$.a[?(@.price < 10 && @.x == 'y' || !@.z)]",
            "$.a[?(@.OutputKey == FooBar)].OutputValue",
            "$.a[?(@.n =~ /.*REES/i)]",
            "$.a[?(@.tags in ['x', 'y'])]",
            "$.a[?(@.n <= $['max'])]",
            "$[(@.length-1)].bar",
            "$$.Execution.Id",
            "$$.Map.Item.Value",
            "$var",
            "$var.field[0]",
            "$.delivery-partner",
            "$.abc.['def ghi']",
            "$.items.length()",
            "$.store\\.book",
            "$['Test\\\"\"Name\"']",
            "$.&Ж中",
            " $.padded ",
            "$[*][*]",
        ] {
            ok(text);
        }
    }

    #[test]
    fn builds_the_tree() {
        let p = ok("$.a['b'][2][?(@.x > 1)]..c");
        assert_eq!(p.root, Root::Input);
        assert_eq!(p.segments.len(), 5);
        assert_eq!(p.segments[0].selector, Selector::Name("a".into()));
        assert_eq!(p.segments[1].selector, Selector::Name("b".into()));
        assert_eq!(p.segments[2].selector, Selector::Index(2));
        assert_eq!(
            p.segments[3].selector,
            Selector::Filter(Filter::Compare {
                lhs: Operand::Path(Path {
                    root: Root::Current,
                    segments: vec![Segment {
                        selector: Selector::Name("x".into()),
                        descendant: false,
                        span: crate::load::Span::new(15, 17),
                    }],
                    span: crate::load::Span::new(14, 17),
                }),
                op: CompareOp::Gt,
                rhs: Operand::Number(1.0),
            })
        );
        assert!(p.segments[4].descendant);
        assert_eq!(p.segments[2].span, crate::load::Span::new(8, 11));
        assert_eq!(ok("$$.Execution").root, Root::Context);
        assert_eq!(ok("$x.y").root, Root::Variable("x".into()));
    }

    #[test]
    fn classifies_reference_paths() {
        for text in ["$", "$.a.b", "$['a b'][0]", "$$.Execution.Id", "$v.a[2]"] {
            assert!(ok(text).is_reference(), "{text}");
            assert!(ok(text).is_definite(), "{text}");
        }
        for text in [
            "$.a[*]",
            "$..a",
            "$.a[0:1]",
            "$.a[0,1]",
            "$.a[?(@.x)]",
            "$.a[-1]",
            "$.*",
        ] {
            assert!(!ok(text).is_reference(), "{text}");
        }
        assert!(ok("$.a[-1]").is_definite());
        assert!(!ok("$.a[*]").is_definite());
        let p = ok("$.a[*].b");
        assert_eq!(
            p.first_non_reference().unwrap().span,
            crate::load::Span::new(3, 6)
        );
    }

    #[test]
    fn reports_errors_with_offsets() {
        let cases: &[(&str, usize, &str)] = &[
            ("", 0, "empty"),
            ("a.b", 0, "must start with '$'"),
            ("$.", 1, "must not end with '.'"),
            ("$.a..", 3, "must not end with '..'"),
            ("$...a", 3, "name is missing"),
            ("$.a[0", 3, "never closed"),
            ("$.a['b]", 4, "never closed"),
            ("$.a b", 3, "white space"),
            ("$.a[x]", 4, "expected a quoted name"),
            ("$.a[?(@.x <)]", 11, "expects a value"),
            ("$.a[?()]", 5, "filter is empty"),
            ("$1", 1, "after '$'"),
            ("$$x", 2, "after '$$'"),
            ("$.a[0]x", 6, "unexpected 'x'"),
            ("@.a", 0, "must start with '$'"),
            ("$.a[99999999999999999999]", 4, "too large"),
        ];
        for (text, offset, msg) in cases {
            let e = err(text);
            assert!(e.message.contains(msg), "{text}: {e}");
            assert_eq!(e.offset, *offset, "{text}: {e}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let mut text = String::from("$");
        for _ in 0..500 {
            text.push_str("[?(@");
        }
        assert!(parse(&text).is_err());
        let mut text = String::from("$.a[?(");
        text.push_str(&"(".repeat(10_000));
        assert!(parse(&text).is_err());
        let text = format!("$.a[?({})]", "!".repeat(10_000));
        assert!(parse(&text).is_err());
    }
}
