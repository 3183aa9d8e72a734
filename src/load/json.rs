//! Strict JSON to a spanned tree, through `jsonc-parser` with every JSON5 and
//! JSONC extension turned off: AWS accepts only plain JSON.

use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};

use super::node::{Entry, Node, NodeKind, Span, Str};

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
    match parse_fast(text) {
        Some(node) => Ok(node),
        None => parse_jsonc(text),
    }
}

/// [`parse`] through jsonc-parser's tree: the reference the fast path agrees
/// with, and where every syntax error comes from.
fn parse_jsonc(text: &str) -> Result<Node, SyntaxError> {
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
        Value::StringLit(s) => Node::new(NodeKind::String(Str::from(&*s.value)), span(s.range)),
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
                    ObjectPropName::String(s) => (Str::from(&*s.value), s.range),
                    ObjectPropName::Word(w) => (Str::from(w.value), w.range),
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

/// Containers the fast path enters before it leaves deep text to jsonc-parser
/// (whose limit, 512, counts object members too).
const FAST_MAX_DEPTH: usize = 200;

/// Strict JSON straight to the tree: the fast path for text that is valid JSON.
/// It builds exactly what [`jsonc_parser`] and [`convert`] build, and gives up
/// (`None`) on anything else, or anything it is not sure of (raw control
/// characters in strings, unusual white space, deep nesting, numbers out of
/// range), so that every error is still jsonc-parser's.
struct Fast<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    depth: usize,
    /// Members and items of the objects and arrays being read, innermost last.
    entries: Vec<Entry>,
    items: Vec<Node>,
}

fn parse_fast(text: &str) -> Option<Node> {
    let mut p = Fast {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
        entries: Vec::new(),
        items: Vec::new(),
    };
    p.ws();
    let value = p.value()?;
    p.ws();
    (p.pos == p.bytes.len()).then_some(value)
}

impl Fast<'_> {
    fn ws(&mut self) {
        let bytes = self.bytes;
        let mut i = self.pos;
        while let Some(&b) = bytes.get(i) {
            // Most calls find a token at once: one comparison tells.
            if b > b' ' {
                break;
            }
            match b {
                b' ' => {
                    i += 1;
                    // Indentation is most of a pretty-printed file: eight spaces at a
                    // time, and the end of a run found in the same step.
                    while let Some(chunk) = bytes.get(i..i + 8) {
                        let other =
                            u64::from_le_bytes(chunk.try_into().unwrap_or_default()) ^ SPACES;
                        if other != 0 {
                            i += (other.trailing_zeros() / 8) as usize;
                            break;
                        }
                        i += 8;
                    }
                }
                b'\t' | b'\n' | b'\r' => i += 1,
                _ => break,
            }
        }
        self.pos = i;
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn value(&mut self) -> Option<Node> {
        let start = self.pos;
        let kind = match self.peek()? {
            b'{' => return self.object(),
            b'[' => return self.array(),
            b'"' => NodeKind::String(self.string()?),
            b't' => self.word("true", NodeKind::Bool(true))?,
            b'f' => self.word("false", NodeKind::Bool(false))?,
            b'n' => self.word("null", NodeKind::Null)?,
            b'-' | b'0'..=b'9' => NodeKind::Number(self.number()?),
            _ => return None,
        };
        Some(Node::new(kind, Span::new(start, self.pos)))
    }

    fn word(&mut self, word: &str, kind: NodeKind) -> Option<NodeKind> {
        let end = self.pos + word.len();
        if self.bytes.get(self.pos..end)? != word.as_bytes() {
            return None;
        }
        // `truex` is one (bad) word to jsonc-parser.
        if self
            .bytes
            .get(end)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'$' || *b == b'_' || *b >= 0x80)
        {
            return None;
        }
        self.pos = end;
        Some(kind)
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, as the JSON grammar has it.
    fn number(&mut self) -> Option<serde_json::Number> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek()? {
            b'0' => self.pos += 1,
            b'1'..=b'9' => {
                self.digits();
            }
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return None;
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return None;
            }
        }
        // `01`, `1.5.3`, `1x`: jsonc-parser reads them otherwise, or rejects them.
        if let Some(b) = self.peek()
            && (b.is_ascii_alphanumeric()
                || matches!(b, b'.' | b'$' | b'_' | b'+' | b'-')
                || b >= 0x80)
        {
            return None;
        }
        parse_number(&self.text[start..self.pos])
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let digits = self.bytes.get(at..at + 4)?;
        let mut value = 0;
        for &d in digits {
            value = value * 16 + (d as char).to_digit(16)?;
        }
        Some(value)
    }

    /// A string literal starting at the current `"`, unescaped. Inlined, as most
    /// keys and values have no escape: the call itself (saving and restoring
    /// registers) cost as much as reading such a string.
    #[inline(always)]
    fn string(&mut self) -> Option<Str> {
        let start = self.pos + 1;
        let i = plain_run(self.bytes, start);
        if *self.bytes.get(i)? == b'"' {
            self.pos = i + 1;
            return Some(Str::from(&self.text[start..i]));
        }
        self.escaped_string(start, i)
    }

    /// The rest of [`Fast::string`] from `i`, the first byte (after the plain
    /// ones from `start`) that is neither plain nor the closing `"`.
    #[inline(never)]
    fn escaped_string(&mut self, start: usize, mut i: usize) -> Option<Str> {
        if self.bytes[i] != b'\\' {
            return None;
        }
        let mut out = String::with_capacity(i - start + 16);
        out.push_str(&self.text[start..i]);
        loop {
            match *self.bytes.get(i)? {
                b'"' => {
                    self.pos = i + 1;
                    return Some(out.into());
                }
                b'\\' => {
                    let escape = *self.bytes.get(i + 1)?;
                    i += 2;
                    out.push(match escape {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{08}',
                        b'f' => '\u{0C}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let high = self.hex4(i)?;
                            i += 4;
                            if (0xD800..=0xDBFF).contains(&high) {
                                if self.bytes.get(i..i + 2)? != b"\\u" {
                                    return None;
                                }
                                let low = self.hex4(i + 2)?;
                                if !(0xDC00..=0xDFFF).contains(&low) {
                                    return None;
                                }
                                i += 6;
                                char::from_u32((high - 0xD800) * 0x400 + (low - 0xDC00) + 0x10000)?
                            } else {
                                // A lone low surrogate is no char: jsonc-parser reports it.
                                char::from_u32(high)?
                            }
                        }
                        _ => return None,
                    });
                }
                0..=0x1f => return None,
                _ => {
                    // A run of plain characters; it ends at an ASCII byte, so on a char boundary.
                    let run = i;
                    i = plain_run(self.bytes, i);
                    out.push_str(&self.text[run..i]);
                }
            }
        }
    }

    fn enter(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= FAST_MAX_DEPTH).then_some(())
    }

    fn object(&mut self) -> Option<Node> {
        let start = self.pos;
        self.pos += 1;
        self.enter()?;
        let mark = self.entries.len();
        self.ws();
        if self.peek()? == b'}' {
            self.pos += 1;
        } else {
            loop {
                if self.peek()? != b'"' {
                    return None;
                }
                let key_start = self.pos;
                let key = self.string()?;
                let key_span = Span::new(key_start, self.pos);
                self.ws();
                if self.peek()? != b':' {
                    return None;
                }
                self.pos += 1;
                self.ws();
                let value = self.value()?;
                self.entries.push(Entry {
                    key,
                    key_span,
                    value,
                });
                self.ws();
                match self.peek()? {
                    b',' => {
                        self.pos += 1;
                        self.ws();
                    }
                    b'}' => {
                        self.pos += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        self.depth -= 1;
        let entries = take_from(&mut self.entries, mark);
        Some(Node::new(
            NodeKind::Object(entries),
            Span::new(start, self.pos),
        ))
    }

    fn array(&mut self) -> Option<Node> {
        let start = self.pos;
        self.pos += 1;
        self.enter()?;
        let mark = self.items.len();
        self.ws();
        if self.peek()? == b']' {
            self.pos += 1;
        } else {
            loop {
                let value = self.value()?;
                self.items.push(value);
                self.ws();
                match self.peek()? {
                    b',' => {
                        self.pos += 1;
                        self.ws();
                    }
                    b']' => {
                        self.pos += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        self.depth -= 1;
        let items = take_from(&mut self.items, mark);
        Some(Node::new(
            NodeKind::Array(items),
            Span::new(start, self.pos),
        ))
    }
}

/// `stack.drain(mark..).collect()`, with the members moved as one block (one
/// `memcpy`) rather than one by one: that was a seventh of parsing.
fn take_from<T>(stack: &mut Vec<T>, mark: usize) -> Vec<T> {
    if mark == 0 {
        // `split_off(0)` would hand over the whole stack's buffer, capacity and all.
        let mut all = Vec::with_capacity(stack.len());
        all.append(stack);
        return all;
    }
    stack.split_off(mark)
}

const SPACES: u64 = u64::from_le_bytes([b' '; 8]);

/// The index of the first `"`, `\\` or control character at or after `i` (or
/// the length): eight bytes at a time, as strings are most of a definition.
fn plain_run(bytes: &[u8], mut i: usize) -> usize {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    // Bytes below `n` (n <= 0x80) get their high bit set; the lowest flagged byte is exact.
    let below = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x & HIGH;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let w = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let found = below(w ^ (ONES * b'"' as u64), 1)
            | below(w ^ (ONES * b'\\' as u64), 1)
            | below(w, 0x20);
        if found != 0 {
            return i + (found.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&b) = bytes.get(i) {
        if b == b'"' || b == b'\\' || b < 0x20 {
            break;
        }
        i += 1;
    }
    i
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

    /// Texts the fast path must take, each as jsonc-parser reads it.
    const VALID: &[&str] = &[
        r#"{"StartAt": "A", "n": [1, 2.5, -0, 0.25e-3, 1E+5, -12e2, 18446744073709551615], "t": true, "f": false, "z": null}"#,
        r#"{"esc": "q\" b\\ s\/ \b\f\n\r\t u\u00e9\u20AC pair\ud83d\ude00 end", "é中🆗": "€ plain"}"#,
        "  [ ]  ",
        "{}",
        "\t\r\n{\n  \"a\" :\t[ {} , [ ] , \"\" ]\r\n}\n",
        "\"just a string\"",
        "-1",
        "[[[[[[[[[[1]]]]]]]]]]",
        r#"{"dup": 1, "dup": 2}"#,
    ];

    fn fast_agrees(text: &str) {
        if let Some(fast) = parse_fast(text) {
            assert_eq!(Ok(fast), parse_jsonc(text), "{text:?}");
        }
    }

    #[test]
    fn the_fast_path_builds_what_jsonc_parser_builds() {
        let mut samples: Vec<String> = VALID.iter().map(|s| s.to_string()).collect();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
        for entry in walkdir::WalkDir::new(dir) {
            let path = entry.unwrap().into_path();
            if path.extension().is_some_and(|e| e == "json") {
                samples.push(std::fs::read_to_string(path).unwrap());
            }
        }
        for text in &samples {
            let fast = parse_fast(text);
            match parse_jsonc(text) {
                Ok(node) if !text.contains("\u{1}") => assert_eq!(fast, Some(node), "{text}"),
                _ => assert_eq!(fast, None, "{text}"),
            }
        }
        assert!(samples.len() > 20);
    }

    /// Random edits of valid JSON: whatever the fast path accepts, jsonc-parser
    /// accepts too, with the same tree (or it is left to jsonc-parser).
    #[test]
    fn the_fast_path_never_accepts_what_jsonc_parser_rejects() {
        const PIECES: &[&str] = &[
            "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud83d", "\\udc00", "u", "0", "1",
            "9", "-", ".", "e", "E", "+", "a", "true", "nul", "false", " ", "\t", "\n", "\u{b}",
            "\u{c}", "\u{1}", "\u{a0}", "\u{feff}", "é", "/", "/*", "//", "'", "x", "$", "_",
            "NaN", "Infinity", "0x1", "\u{2028}",
        ];
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let bases = [
            r#"{"a": [1, -2.5e3, "x\"y", true, null, {"b": {}}], "c": "\u00e9"}"#,
            r#"[{"k": "v"}, [], 0, "s", false]"#,
            VALID[1],
        ];
        let mut accepted = 0;
        for _ in 0..20_000 {
            let mut text = bases[(next() % bases.len() as u64) as usize].to_string();
            for _ in 0..1 + next() % 3 {
                let mut at = (next() % (text.len() as u64 + 1)) as usize;
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                match next() % 3 {
                    0 => {
                        let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
                        text.replace_range(at..end, "");
                    }
                    _ => text.insert_str(at, PIECES[(next() % PIECES.len() as u64) as usize]),
                }
            }
            if parse_fast(&text).is_some() {
                accepted += 1;
            }
            fast_agrees(&text);
        }
        assert!(accepted > 1_000, "{accepted}");
    }

    #[test]
    fn deep_but_allowed_nesting_still_parses() {
        let text = "[".repeat(300) + &"]".repeat(300);
        assert!(parse_fast(&text).is_none());
        assert!(parse(&text).is_ok());
        // Out of range: left to the reference, which reports it.
        assert!(parse_fast("[1e400]").is_none());
        assert!(parse("[1e400]").is_err());
    }

    #[test]
    fn truncated_file_points_at_the_end() {
        let err = parse("{\"StartAt\": \"A\", ").unwrap_err();
        assert!(err.span.start >= 15, "{err:?}");
    }
}
