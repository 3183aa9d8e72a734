//! Strict JSON to a spanned tree, through `jsonc-parser` with every JSON5 and
//! JSONC extension turned off: AWS accepts only plain JSON.

use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};

use super::node::{Entry, Node, NodeKind, Span};

/// A syntax error at a byte range.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
}

fn strict() -> ParseOptions {
    ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

/// Parses `text` as one JSON value. Spans are byte offsets into `text`.
/// Nesting deeper than 512 levels is a syntax error, never a stack overflow.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let result = parse_to_ast(text, &CollectOptions::default(), &strict()).map_err(|e| {
        use jsonc_parser::errors::ParseErrorKind as K;
        let r = e.range();
        // An unclosed bracket is noticed at the end of the text: point there.
        let span = match e.kind() {
            K::UnterminatedObject | K::UnterminatedArray => Span::new(text.len(), text.len()),
            _ => Span::new(r.start, r.end),
        };
        SyntaxError {
            span,
            message: e.kind().to_string(),
        }
    })?;
    match result.value {
        Some(v) => convert(&v),
        None => Err(SyntaxError {
            span: Span::new(text.len(), text.len()),
            message: "the file is empty: expected a JSON object".into(),
        }),
    }
}

fn convert(value: &Value<'_>) -> Result<Node, SyntaxError> {
    Ok(match value {
        Value::NullKeyword(n) => Node::new(NodeKind::Null, span(n.range)),
        Value::BooleanLit(b) => Node::new(NodeKind::Bool(b.value), span(b.range)),
        Value::StringLit(s) => Node::new(NodeKind::String(s.value.to_string()), span(s.range)),
        Value::NumberLit(n) => {
            let number = parse_number(n.value).ok_or_else(|| SyntaxError {
                span: span(n.range),
                message: format!("number {} is out of range", n.value),
            })?;
            Node::new(NodeKind::Number(number), span(n.range))
        }
        Value::Array(a) => {
            let items = a.elements.iter().map(convert).collect::<Result<_, _>>()?;
            Node::new(NodeKind::Array(items), span(a.range))
        }
        Value::Object(o) => {
            let mut entries = Vec::with_capacity(o.properties.len());
            for p in &o.properties {
                let (key, key_range) = match &p.name {
                    ObjectPropName::String(s) => (s.value.to_string(), s.range),
                    ObjectPropName::Word(w) => (w.value.to_string(), w.range),
                };
                entries.push(Entry {
                    key,
                    key_span: span(key_range),
                    value: convert(&p.value)?,
                });
            }
            Node::new(NodeKind::Object(entries), span(o.range))
        }
    })
}

fn span(r: jsonc_parser::common::Range) -> Span {
    Span::new(r.start, r.end)
}

fn parse_number(text: &str) -> Option<serde_json::Number> {
    if let Ok(i) = text.parse::<i64>() {
        return Some(i.into());
    }
    if let Ok(u) = text.parse::<u64>() {
        return Some(u.into());
    }
    text.parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_spans_of_keys_and_values() {
        let text = r#"{"StartAt": "A", "n": [1, 2.5]}"#;
        let node = parse(text).unwrap();
        let e = node.entry("StartAt").unwrap();
        assert_eq!(&text[e.key_span.start..e.key_span.end], "\"StartAt\"");
        assert_eq!(&text[e.value.span.start..e.value.span.end], "\"A\"");
        assert_eq!(node.pointer("/n/1").unwrap().as_f64(), Some(2.5));
    }

    #[test]
    fn rejects_json5_extensions() {
        for bad in [
            r#"{"a": 1,}"#,
            "{'a': 1}",
            r#"{"a": 1 // c
}"#,
            "{a: 1}",
            r#"{"a": 0x10}"#,
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(10_000) + &"]".repeat(10_000);
        let err = parse(&text).unwrap_err();
        assert!(err.message.contains("nesting"), "{}", err.message);
    }

    #[test]
    fn truncated_file_points_at_the_end() {
        let err = parse("{\"StartAt\": \"A\", ").unwrap_err();
        assert!(err.span.start >= 15, "{err:?}");
    }
}
