//! The spanned tree: a JSON-shaped value where every key and value keeps the
//! byte range it came from, so diagnostics can point at line:column.

use std::fmt;

/// A byte range in the text of a [`super::SourceFile`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A key or string value: up to 24 bytes are kept inline, so most keys and
/// values of a definition cost no allocation (they were ~40% of loading).
pub type Str = compact_str::CompactString;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub kind: NodeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(Str),
    Array(Vec<Node>),
    Object(Vec<Entry>),
}

/// One `"key": value` member of an object. Duplicate keys are kept, in order,
/// because a duplicated state name is itself a diagnostic.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: Str,
    pub key_span: Span,
    pub value: Node,
}

impl Node {
    pub fn new(kind: NodeKind, span: Span) -> Self {
        Node { span, kind }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::String(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_object(&self) -> Option<&[Entry]> {
        match &self.kind {
            NodeKind::Object(e) => Some(e),
            _ => None,
        }
    }
    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Array(a) => Some(a),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self.kind {
            NodeKind::Bool(b) => Some(b),
            _ => None,
        }
    }
    pub fn as_f64(&self) -> Option<f64> {
        match &self.kind {
            NodeKind::Number(n) => n.as_f64(),
            _ => None,
        }
    }
    /// An integer value, also when written as `3.0`.
    pub fn as_i64(&self) -> Option<i64> {
        match &self.kind {
            NodeKind::Number(n) => n.as_i64().or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                    .map(|f| f as i64)
            }),
            _ => None,
        }
    }
    /// A number, or a string holding one (`"30"`, `"-2"`, `"1.5"`), as the
    /// schema allows in numeric fields: a `${...}` substitution leaves such strings
    /// in a deployed definition, and AWS reads them as numbers.
    pub fn as_f64_lenient(&self) -> Option<f64> {
        match &self.kind {
            NodeKind::String(s) => is_decimal(s).then(|| s.parse().ok())?,
            _ => self.as_f64(),
        }
    }

    /// As [`Node::as_i64`], also for a string holding an integer (see [`Node::as_f64_lenient`]).
    pub fn as_i64_lenient(&self) -> Option<i64> {
        match &self.kind {
            NodeKind::String(_) => self
                .as_f64_lenient()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64),
            _ => self.as_i64(),
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.kind, NodeKind::Null)
    }

    /// The first member named `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_object()?.iter().find(|e| e.is(key))
    }

    /// `[self.get(keys[0]), self.get(keys[1]), ...]` in one pass over the members:
    /// rules asking a state for a dozen fields spent most of their time in
    /// `get`'s repeated scans. The first of duplicated keys wins, as in `get`.
    pub fn get_many<const N: usize>(&self, keys: &[&str; N]) -> [Option<&Node>; N] {
        self.entries_many(keys).map(|e| e.map(|e| &e.value))
    }

    /// As [`Node::get_many`], each member's key told apart by `index`: a `match` on
    /// the key, which the compiler turns into a jump on its length and a comparison
    /// or two, where `get_many` compares each member with every key.
    #[inline]
    pub fn get_by<const N: usize>(
        &self,
        index: impl Fn(&str) -> Option<usize>,
    ) -> [Option<&Node>; N] {
        let mut found = [None; N];
        for e in self.as_object().unwrap_or_default() {
            if let Some(i) = index(&e.key)
                && let Some(slot) = found.get_mut(i)
            {
                slot.get_or_insert(&e.value);
            }
        }
        found
    }

    /// As [`Node::get_many`], with the members themselves (for their key spans).
    pub fn entries_many<const N: usize>(&self, keys: &[&str; N]) -> [Option<&Entry>; N] {
        let mut found = [None; N];
        for e in self.as_object().unwrap_or_default() {
            let key = e.key.as_bytes();
            // Lengths first: most members match no key, and that is cheap to see.
            if let Some(i) = keys
                .iter()
                .position(|k| k.len() == key.len() && same_bytes(k.as_bytes(), key))
            {
                found[i].get_or_insert(e);
            }
        }
        found
    }

    /// Follows an RFC 6901 JSON pointer.
    pub fn pointer(&self, pointer: &str) -> Option<&Node> {
        if pointer.is_empty() {
            return Some(self);
        }
        let mut node = self;
        for raw in pointer.strip_prefix('/')?.split('/') {
            let token = unescape_token(raw);
            node = match &node.kind {
                NodeKind::Object(_) => node.get(&token)?,
                NodeKind::Array(items) => items.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// The JSON type name as ASL error messages use it.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            NodeKind::Null => "null",
            NodeKind::Bool(_) => "boolean",
            NodeKind::Number(_) => "number",
            NodeKind::String(_) => "string",
            NodeKind::Array(_) => "array",
            NodeKind::Object(_) => "object",
        }
    }

    /// Converts to a plain JSON value (later duplicate keys win, as in most JSON parsers).
    pub fn to_value(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            NodeKind::Null => Value::Null,
            NodeKind::Bool(b) => Value::Bool(*b),
            NodeKind::Number(n) => Value::Number(n.clone()),
            NodeKind::String(s) => Value::String(s.to_string()),
            NodeKind::Array(items) => Value::Array(items.iter().map(Node::to_value).collect()),
            NodeKind::Object(entries) => {
                let mut map = serde_json::Map::with_capacity(entries.len());
                for e in entries {
                    map.insert(e.key.to_string(), e.value.to_value());
                }
                Value::Object(map)
            }
        }
    }

    /// Builds a node from a plain value, every span set to `span`.
    pub fn from_value(value: &serde_json::Value, span: Span) -> Node {
        use serde_json::Value;
        let kind = match value {
            Value::Null => NodeKind::Null,
            Value::Bool(b) => NodeKind::Bool(*b),
            Value::Number(n) => NodeKind::Number(n.clone()),
            Value::String(s) => NodeKind::String(Str::from(s.as_str())),
            Value::Array(a) => {
                NodeKind::Array(a.iter().map(|v| Node::from_value(v, span)).collect())
            }
            Value::Object(m) => NodeKind::Object(
                m.iter()
                    .map(|(k, v)| Entry {
                        key: Str::from(k.as_str()),
                        key_span: span,
                        value: Node::from_value(v, span),
                    })
                    .collect(),
            ),
        };
        Node { span, kind }
    }
}

impl Entry {
    /// Whether the key is `name`: the lookup every rule and the schema do, so
    /// short keys are compared inline rather than through a `memcmp` call.
    #[inline]
    pub fn is(&self, name: &str) -> bool {
        let key = self.key.as_bytes();
        key.len() == name.len() && same_bytes(key, name.as_bytes())
    }
}

/// `a == b` for slices of the same length, with no library call: keys are short.
#[inline]
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().unwrap_or([0; 8]));
    let half = |s: &[u8], at: usize| u32::from_le_bytes(s[at..at + 4].try_into().unwrap_or([0; 4]));
    if n >= 8 {
        let mut i = 0;
        while i + 8 < n {
            if word(a, i) != word(b, i) {
                return false;
            }
            i += 8;
        }
        // The last eight bytes, overlapping what was compared already.
        word(a, n - 8) == word(b, n - 8)
    } else if n >= 4 {
        half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4)
    } else {
        a.iter().zip(b).all(|(x, y)| x == y)
    }
}

/// `[+-]?[0-9]+`: ASCII digits only, after an optional sign.
pub fn is_integer(s: &str) -> bool {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// `[+-]?[0-9]+(\.[0-9]+)?`: an integer, or one with a fraction.
pub fn is_decimal(s: &str) -> bool {
    match s.split_once('.') {
        Some((int, frac)) => {
            is_integer(int) && !frac.is_empty() && frac.bytes().all(|b| b.is_ascii_digit())
        }
        None => is_integer(s),
    }
}

/// One reference token of a JSON pointer as the member name it stands for.
pub fn unescape_token(token: &str) -> std::borrow::Cow<'_, str> {
    if token.contains('~') {
        std::borrow::Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        std::borrow::Cow::Borrowed(token)
    }
}

/// Escapes one reference token of a JSON pointer (the reverse of [`unescape_token`]).
pub fn pointer_token(token: &str) -> String {
    if token.bytes().any(|b| b == b'~' || b == b'/') {
        token.replace('~', "~0").replace('/', "~1")
    } else {
        token.to_string()
    }
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_value())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_bytes_is_slice_equality() {
        let words = [
            "",
            "a",
            "b",
            "ab",
            "abc",
            "abd",
            "Type",
            "Next",
            "TypeX",
            "Comment",
            "Comments",
            "Resource",
            "Resourcf",
            "ResultSelector",
            "ResultSelectoR",
            "ItemProcessorX",
            "0123456789abcdef",
            "0123456789abcdeF",
            "0123456789abcdef0",
            "x0123456789abcdef",
        ];
        for a in words {
            for b in words {
                assert_eq!(
                    same_bytes(a.as_bytes(), b.as_bytes()),
                    a == b,
                    "{a:?} {b:?}"
                );
            }
        }
    }

    /// The strings the schema's numeric patterns accept, and no others.
    #[test]
    fn numbers_in_strings_are_read_as_the_schema_accepts_them() {
        let node = |s: &str| Node::new(NodeKind::String(s.into()), Span::default());
        for (text, want) in [
            ("30", Some(30.0)),
            ("+5", Some(5.0)),
            ("-2", Some(-2.0)),
            ("1.5", Some(1.5)),
        ] {
            assert_eq!(node(text).as_f64_lenient(), want, "{text}");
        }
        for text in [
            "", "1e5", "1.", ".5", " 5", "5 ", "inf", "NaN", "{% 5 %}", "0x10", "+",
        ] {
            assert_eq!(node(text).as_f64_lenient(), None, "{text}");
        }
        assert_eq!(node("7").as_i64_lenient(), Some(7));
        assert_eq!(node("7.5").as_i64_lenient(), None);
    }
}
