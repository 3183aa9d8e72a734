//! `${NAME}` placeholders: finding them, filling them, and noting the ones
//! left unfilled.
//!
//! A placeholder is `${` NAME `}` with NAME made of `[A-Za-z0-9_.:-]`, as
//! `DefinitionSubstitutions` keys and `Fn::Sub` variables are. JSONPath (`$.x`),
//! JSONata (`{% $x %}`) and `States.Format('{}')` never match.

use super::srcmap::SourceMap;
use crate::load::{Node, NodeKind, Span, pointer_token};

/// What a placeholder's name stands for.
#[derive(Debug, Clone, PartialEq)]
pub enum Fill {
    /// Its value.
    Value(String),
    /// Something gives it a value, but not one known offline (`!GetAtt Fn.Arn`
    /// of an unknown resource type): not the user's mistake.
    Declared,
    /// Nothing gives it a value.
    Undeclared,
}

/// One `${NAME}` in a text: its byte range and name.
#[derive(Debug, Clone, PartialEq)]
pub struct Found<'t> {
    pub start: usize,
    pub end: usize,
    pub name: &'t str,
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b':' | b'-')
}

/// Every `${NAME}` in `text`, in order.
pub fn find(text: &str) -> Vec<Found<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(rel) = text[i..].find("${") {
        let start = i + rel;
        let name_start = start + 2;
        let mut j = name_start;
        while j < bytes.len() && is_name_byte(bytes[j]) {
            j += 1;
        }
        if j > name_start && bytes.get(j) == Some(&b'}') {
            out.push(Found {
                start,
                end: j + 1,
                name: &text[name_start..j],
            });
            i = j + 1;
        } else {
            i = start + 2;
        }
    }
    out
}

/// A placeholder left in a text after substitution.
#[derive(Debug, Clone, PartialEq)]
pub struct Unfilled {
    /// Its range in the new text.
    pub start: usize,
    pub end: usize,
    pub name: String,
    pub declared: bool,
}

/// Fills the placeholders of a text built with `map`. Returns the new text,
/// its map (a filled value maps to the whole `${NAME}` it replaced) and what
/// stayed unfilled.
pub fn fill_text(
    text: &str,
    map: &SourceMap,
    resolve: &dyn Fn(&str) -> Fill,
) -> (String, SourceMap, Vec<Unfilled>) {
    let mut out = String::with_capacity(text.len());
    let mut out_map = SourceMap::default();
    let mut unfilled = Vec::new();
    let mut copied = 0;
    for f in find(text) {
        let value = resolve(f.name);
        out_map.append(out.len(), map, copied, f.start);
        out.push_str(&text[copied..f.start]);
        match value {
            Fill::Value(v) => {
                out_map.push_whole(out.len(), map.span(f.start, f.end));
                out.push_str(&v);
            }
            other => {
                out_map.append(out.len(), map, f.start, f.end);
                unfilled.push(Unfilled {
                    start: out.len(),
                    end: out.len() + (f.end - f.start),
                    name: f.name.to_string(),
                    declared: other == Fill::Declared,
                });
                out.push_str(&text[f.start..f.end]);
            }
        }
        copied = f.end;
    }
    out_map.append(out.len(), map, copied, text.len());
    out.push_str(&text[copied..]);
    (out, out_map, unfilled)
}

/// Fills `${NAME}` the way `Fn::Sub` does: `${!Name}` is the literal `${Name}`,
/// and names `resolve` does not fill stay as they are.
pub fn fn_sub(text: &str, map: &SourceMap, resolve: &dyn Fn(&str) -> Fill) -> (String, SourceMap) {
    let mut out = String::with_capacity(text.len());
    let mut out_map = SourceMap::default();
    let mut copied = 0;
    let mut i = 0;
    while let Some(rel) = text[i..].find("${") {
        let start = i + rel;
        let Some(close) = text[start..].find('}').map(|c| start + c) else {
            break;
        };
        let name = &text[start + 2..close];
        let replacement = if let Some(literal) = name.strip_prefix('!') {
            // `${!X}` → `${X}`: drop the `!`.
            Some((format!("${{{literal}}}", literal = literal), true))
        } else {
            match resolve(name) {
                Fill::Value(v) => Some((v, false)),
                _ => None,
            }
        };
        if let Some((value, escaped)) = replacement {
            out_map.append(out.len(), map, copied, start);
            out.push_str(&text[copied..start]);
            if escaped {
                out_map.append(out.len(), map, start, start + 2);
                out.push_str("${");
                out_map.append(out.len(), map, start + 3, close + 1);
                out.push_str(&text[start + 3..close + 1]);
            } else {
                out_map.push_whole(out.len(), map.span(start, close + 1));
                out.push_str(&value);
            }
            copied = close + 1;
        }
        i = close + 1;
    }
    out_map.append(out.len(), map, copied, text.len());
    out.push_str(&text[copied..]);
    (out, out_map)
}

/// A placeholder left in a tree after substitution.
#[derive(Debug, Clone, PartialEq)]
pub struct TreeUnfilled {
    /// The pointer of the value (or of the member, for a key) holding it.
    pub pointer: String,
    pub span: Span,
    pub name: String,
    pub declared: bool,
}

/// Fills placeholders in every string value and key of a tree; spans stay
/// those of the original strings. The tree is at most 512 levels deep (the
/// parsers' limit), so recursion is bounded.
pub fn fill_tree(
    node: &mut Node,
    pointer: &mut String,
    resolve: &dyn Fn(&str) -> Fill,
    out: &mut Vec<TreeUnfilled>,
) {
    match &mut node.kind {
        NodeKind::String(s) => {
            fill_string(s, node.span, pointer, resolve, out);
        }
        NodeKind::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&i.to_string());
                fill_tree(item, pointer, resolve, out);
                pointer.truncate(len);
            }
        }
        NodeKind::Object(entries) => {
            for e in entries.iter_mut() {
                let len = pointer.len();
                let mut key_unfilled = Vec::new();
                fill_string(&mut e.key, e.key_span, "", resolve, &mut key_unfilled);
                pointer.push('/');
                pointer.push_str(&pointer_token(&e.key));
                for mut u in key_unfilled {
                    u.pointer = pointer.clone();
                    out.push(u);
                }
                fill_tree(&mut e.value, pointer, resolve, out);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

fn fill_string(
    s: &mut crate::load::Str,
    span: Span,
    pointer: &str,
    resolve: &dyn Fn(&str) -> Fill,
    out: &mut Vec<TreeUnfilled>,
) {
    if !s.contains("${") {
        return;
    }
    let (filled, _, unfilled) = fill_text(s, &SourceMap::whole(span), resolve);
    for u in unfilled {
        out.push(TreeUnfilled {
            pointer: pointer.to_string(),
            span,
            name: u.name,
            declared: u.declared,
        });
    }
    *s = filled.into();
}

/// The distinct pointers of a list of unfilled placeholders, in order.
pub fn pointers(unfilled: &[TreeUnfilled]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for u in unfilled {
        if !out.contains(&u.pointer) {
            out.push(u.pointer.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::parse_json;

    fn names(text: &str) -> Vec<&str> {
        find(text).into_iter().map(|f| f.name).collect()
    }

    #[test]
    fn finds_only_real_placeholders() {
        assert_eq!(
            names("${A} x ${B.Arn} ${AWS::Region} ${a-b_c}"),
            ["A", "B.Arn", "AWS::Region", "a-b_c"]
        );
        assert!(names("$.x $$.Map ${} ${ A } ${!A} States.Format('{}') {% $x %} $${").is_empty());
        assert_eq!(names("$${X}"), ["X"]);
    }

    fn resolve(name: &str) -> Fill {
        match name {
            "Fn" => Fill::Value("arn:aws:lambda:us-east-1:123456789012:function:f".into()),
            "Decl" => Fill::Declared,
            _ => Fill::Undeclared,
        }
    }

    #[test]
    fn fills_text_and_maps_back() {
        let text = r#"{"R": "${Fn}", "X": "${Other}", "Y": 1}"#;
        let (out, map, unfilled) = fill_text(text, &SourceMap::linear(1000), &resolve);
        assert!(out.contains("function:f"), "{out}");
        assert_eq!(unfilled.len(), 1);
        assert_eq!(&out[unfilled[0].start..unfilled[0].end], "${Other}");
        assert!(!unfilled[0].declared);
        // After the filled value, offsets map back to where they were.
        let y = out.find("\"Y\"").unwrap();
        assert_eq!(map.offset(y), 1000 + text.find("\"Y\"").unwrap());
        // The filled value maps to the placeholder it replaced.
        let f = out.find("arn:").unwrap();
        assert_eq!(map.span(f, f + 5), Span::new(1007, 1012));
    }

    #[test]
    fn fn_sub_escapes_and_keeps_unknown_names() {
        let text = "a ${!Lit} ${Fn} ${Nope}";
        let (out, map) = fn_sub(text, &SourceMap::linear(0), &resolve);
        assert_eq!(
            out,
            "a ${Lit} arn:aws:lambda:us-east-1:123456789012:function:f ${Nope}"
        );
        let n = out.find("${Nope}").unwrap();
        assert_eq!(map.offset(n), text.find("${Nope}").unwrap());
        assert_eq!(
            map.offset(out.find("Lit").unwrap()),
            text.find("Lit").unwrap()
        );
    }

    #[test]
    fn fills_tree_values_and_keys() {
        let mut node =
            parse_json(r#"{"States": {"${Decl}": {"Resource": "${Fn}", "Next": "${Nope}"}}}"#)
                .unwrap();
        let mut out = Vec::new();
        fill_tree(&mut node, &mut String::new(), &resolve, &mut out);
        assert_eq!(
            node.pointer("/States/${Decl}/Resource")
                .and_then(Node::as_str),
            Some("arn:aws:lambda:us-east-1:123456789012:function:f")
        );
        assert_eq!(pointers(&out), ["/States/${Decl}", "/States/${Decl}/Next"]);
        assert!(out[0].declared && !out[1].declared);
    }
}
