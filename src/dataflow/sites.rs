//! Where the languages appear in a definition: the payload templates of a
//! JSONPath state, the `.$` fields in them, and the spans of the characters
//! inside a string value (so a diagnostic can point inside the literal).

use super::intrinsic::{self, Call};
use super::path::{self, Path};
use crate::load::{Entry, Node, NodeKind, Span};
use crate::model::State;

/// A payload template: an object whose `.$` fields are evaluated.
pub struct Template<'a> {
    /// Pointer to the template object (`/States/A/Parameters`).
    pub pointer: String,
    pub node: &'a Node,
}

/// The state fields, directly on the state, that hold a payload template.
pub const TEMPLATE_FIELDS: [&str; 5] = [
    "Parameters",
    "ResultSelector",
    "ItemSelector",
    "Assign",
    "Credentials",
];

/// The fields of a JSONPath state that hold payload templates:
/// `Parameters`, `ResultSelector`, `ItemSelector`, `Assign`, `Credentials`,
/// `ItemReader.Parameters`, `ResultWriter.Parameters`, `ItemBatcher.BatchInput`,
/// and the `Assign` of Choice rules and Catchers.
pub fn payload_templates<'a>(state: &'a State) -> Vec<Template<'a>> {
    let mut out: Vec<(String, &'a Node)> = Vec::new();
    let mut add = |pointer: String, node: Option<&'a Node>| {
        if let Some(node) = node.filter(|n| n.as_object().is_some()) {
            out.push((pointer, node));
        }
    };
    let n = &state.node;
    let p = &state.pointer;
    for field in TEMPLATE_FIELDS {
        add(format!("{p}/{field}"), n.get(field));
    }
    for (outer, inner) in [
        ("ItemReader", "Parameters"),
        ("ResultWriter", "Parameters"),
        ("ItemBatcher", "BatchInput"),
    ] {
        add(
            format!("{p}/{outer}/{inner}"),
            n.get(outer).and_then(|o| o.get(inner)),
        );
    }
    for list in ["Choices", "Catch"] {
        if let Some(items) = n.get(list).and_then(Node::as_array) {
            for (i, item) in items.iter().enumerate() {
                add(format!("{p}/{list}/{i}/Assign"), item.get("Assign"));
            }
        }
    }
    out.into_iter()
        .map(|(pointer, node)| Template { pointer, node })
        .collect()
}

/// One member of a template, with its pointer.
pub struct Field<'a> {
    pub entry: &'a Entry,
    pub pointer: String,
}

impl Field<'_> {
    /// Whether the key ends in `.$`: the value is evaluated.
    pub fn is_dynamic(&self) -> bool {
        self.entry.key.ends_with(".$")
    }
}

/// Every object member inside a template, at any depth (through arrays too),
/// in document order. The values of `.$` members are not entered.
pub fn fields<'a>(template: &Template<'a>) -> Vec<Field<'a>> {
    let mut out = Vec::new();
    // An explicit stack: the depth of the template is the user's.
    let mut stack: Vec<(&'a Node, String)> = vec![(template.node, template.pointer.clone())];
    while let Some((node, pointer)) = stack.pop() {
        match &node.kind {
            NodeKind::Object(entries) => {
                for entry in entries.iter().rev() {
                    let p = format!("{pointer}/{}", crate::load::pointer_token(&entry.key));
                    if !entry.key.ends_with(".$") {
                        stack.push((&entry.value, p.clone()));
                    }
                    out.push(Field { entry, pointer: p });
                }
            }
            NodeKind::Array(items) => {
                for (i, item) in items.iter().enumerate().rev() {
                    stack.push((item, format!("{pointer}/{i}")));
                }
            }
            _ => {}
        }
    }
    // The stack visits children before later siblings; restore document order.
    out.sort_by_key(|f| f.entry.key_span.start);
    out
}

/// What a `.$` value (or `ErrorPath`/`CausePath`) evaluates.
#[derive(Debug, Clone, PartialEq)]
pub enum Dynamic {
    Path(Path),
    Call(Call),
}

/// A dynamic value that does not parse: where (bytes into the string) and why.
pub type DynamicError = (usize, String);

/// Parses a `.$` value: a path (`$...`) or an intrinsic call.
pub fn parse_dynamic(s: &str) -> Result<Dynamic, DynamicError> {
    if path::looks_like_path(s.trim_start()) {
        path::parse(s)
            .map(Dynamic::Path)
            .map_err(|e| (e.offset, e.message))
    } else {
        intrinsic::parse(s)
            .map(Dynamic::Call)
            .map_err(|e| (e.offset, e.message))
    }
}

/// A CloudFormation intrinsic (`{"Fn::Sub": ...}`, `{"Ref": ...}`) left in a
/// definition: its value is only known at deploy time.
pub fn is_cfn_intrinsic(node: &Node) -> bool {
    matches!(node.as_object(), Some([e]) if e.key == "Ref" || e.key.starts_with("Fn::"))
}

/// Every intrinsic call of a JSONPath state, with the pointer and node of the
/// string holding it: in `.$` template fields and in `ErrorPath`/`CausePath`.
pub fn intrinsic_calls<'a>(state: &'a State) -> Vec<(String, &'a Node, Call)> {
    let mut out = Vec::new();
    for template in payload_templates(state) {
        for field in fields(&template) {
            if field.is_dynamic()
                && let Some(s) = field.entry.value.as_str()
                && let Ok(Dynamic::Call(call)) = parse_dynamic(s)
            {
                out.push((field.pointer, &field.entry.value, call));
            }
        }
    }
    for key in ["ErrorPath", "CausePath"] {
        if let Some(node) = state.node.get(key)
            && let Some(s) = node.as_str()
            && !path::looks_like_path(s.trim_start())
            && let Ok(call) = intrinsic::parse(s)
        {
            out.push((format!("{}/{key}", state.pointer), node, call));
        }
    }
    out
}

/// The span of bytes `start..end` of a string value's text, when the literal
/// in the file spells the string exactly (no escapes); else the whole value.
/// An empty range points at the character after it (the closing quote at the end).
pub fn inner_span(source: &str, node: &Node, start: usize, end: usize) -> Span {
    let Some(s) = node.as_str() else {
        return node.span;
    };
    let Some(written) = source.get(node.span.start..node.span.end) else {
        return node.span;
    };
    let body_start = if written == s {
        node.span.start
    } else if written.len() == s.len() + 2
        && matches!(written.as_bytes()[0], b'"' | b'\'')
        && written.get(1..written.len() - 1) == Some(s)
    {
        node.span.start + 1
    } else {
        return node.span;
    };
    let start = start.min(s.len());
    let mut end = end.clamp(start, s.len());
    if end == start {
        let Some(rest) = s.get(start..) else {
            return node.span;
        };
        end = start + rest.chars().next().map(char::len_utf8).unwrap_or(1);
        if body_start + end > node.span.end {
            return node.span;
        }
    }
    Span::new(body_start + start, body_start + end)
}

/// The span of one character at `offset` of a string value (see [`inner_span`]).
pub fn char_span(source: &str, node: &Node, offset: usize) -> Span {
    inner_span(source, node, offset, offset)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::parse_json;

    #[test]
    fn inner_spans_point_inside_plain_literals_only() {
        let text = r#"{"a": "$.x y", "b": "$.\u0078 y"}"#;
        let root = parse_json(text).unwrap();
        let a = root.get("a").unwrap();
        let sp = inner_span(text, a, 3, 4);
        assert_eq!(&text[sp.start..sp.end], " ");
        let end = char_span(text, a, 6);
        assert_eq!(&text[end.start..end.end], "\"");
        let b = root.get("b").unwrap();
        assert_eq!(inner_span(text, b, 3, 4), b.span);
    }

    #[test]
    fn fields_are_walked_in_document_order_without_entering_dollar_values() {
        let text = r#"{"Parameters": {"a": {"b.$": "$.x", "c": [{"d.$": "$.y"}]}, "e": 1}}"#;
        let root = parse_json(text).unwrap();
        let t = Template {
            pointer: "/Parameters".into(),
            node: root.get("Parameters").unwrap(),
        };
        let got: Vec<_> = fields(&t).iter().map(|f| f.pointer.clone()).collect();
        assert_eq!(
            got,
            [
                "/Parameters/a",
                "/Parameters/a/b.$",
                "/Parameters/a/c",
                "/Parameters/a/c/0/d.$",
                "/Parameters/e"
            ]
        );
    }

    #[test]
    fn dynamic_values_are_paths_or_calls() {
        assert!(matches!(parse_dynamic("$.a"), Ok(Dynamic::Path(_))));
        assert!(matches!(
            parse_dynamic("States.UUID()"),
            Ok(Dynamic::Call(_))
        ));
        assert!(parse_dynamic("ConditionTrue").is_err());
        assert_eq!(parse_dynamic("$.a b").unwrap_err().0, 3);
    }
}

/// What a plain string value appears to be meant as, for the `NO_DOLLAR`,
/// `NO_PATH` and `PASS_RESULT_IS_STATIC` warnings: a path (`$.x`, `$[0]`,
/// `$$.Execution.Id`) or an intrinsic call (`States.Format(...)`) that parses.
/// A lone `$` or `$word` is not taken for one: such text is common prose.
pub fn appears_dynamic(s: &str) -> Option<&'static str> {
    let looks_path = ["$.", "$[", "$$.", "$$["].iter().any(|p| s.starts_with(p)) || s == "$$";
    if looks_path && path::parse(s).is_ok() {
        return Some("a JSONPath");
    }
    if s.starts_with("States.") && intrinsic::looks_like_call(s) && intrinsic::parse(s).is_ok() {
        return Some("an intrinsic function");
    }
    None
}

#[cfg(test)]
mod appears_tests {
    use super::appears_dynamic;

    #[test]
    fn tells_paths_and_calls_from_prose() {
        assert_eq!(appears_dynamic("$.a"), Some("a JSONPath"));
        assert_eq!(appears_dynamic("$$.Execution.Id"), Some("a JSONPath"));
        assert_eq!(
            appears_dynamic("States.Format('{}', $.a)"),
            Some("an intrinsic function")
        );
        for prose in [
            "$",
            "$100",
            "$USD",
            "costs $.5 b",
            "States.Format is nice",
            "hello",
        ] {
            assert_eq!(appears_dynamic(prose), None, "{prose}");
        }
    }
}
