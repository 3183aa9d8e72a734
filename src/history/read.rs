//! An execution's input read from its text: the value and its [`JsonText`] in
//! one pass. Made the usual way, the input is parsed by serde_json and then
//! written out again to be escaped, and for a large input (a Map's items) the
//! two together cost more than a quarter of the run.

use serde_json::{Map, Number, Value};

use super::JsonText;
use super::write::{ESCAPE, write_value_escaped};

/// Containers entered before this gives up: serde_json's own limit is 128, and
/// past it the error must be serde_json's.
const MAX_DEPTH: usize = 100;

impl JsonText {
    /// `text` as serde_json parses it, with the [`JsonText`] of that value, or
    /// `None` when `text` holds anything this does not read as serde_json does
    /// (escapes, duplicate keys, deep nesting, an error): parse it with serde_json.
    pub fn parse(text: &str) -> Option<(Value, JsonText)> {
        let mut r = Reader {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            depth: 0,
            len: 0,
            entries: Vec::new(),
            shapes: Vec::new(),
            // Each quote is escaped: a little room for them.
            out: String::with_capacity(text.len() + text.len() / 4),
        };
        r.ws();
        let value = r.value()?;
        r.ws();
        if r.pos != r.bytes.len() {
            return None;
        }
        let mut escaped = r.out;
        escaped.shrink_to_fit();
        Some((
            value,
            JsonText {
                escaped,
                len: r.len,
            },
        ))
    }
}

struct Reader<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    depth: usize,
    /// The compact text's length, as [`JsonText::len`] counts it (unescaped).
    len: usize,
    /// Members of the objects being read, innermost last (a key holds no escape
    /// here, so it is its text).
    entries: Vec<(&'t str, Value)>,
    /// By depth, the keys of the object last read there: see [`Shape`].
    shapes: Vec<Shape<'t>>,
    out: String,
}

/// The objects of an array (a Map's items) usually have the same keys in the same
/// order. Once two in a row at one depth do, the next one's map is copied from a
/// map of those keys (its hash table with them) and its values put in place:
/// hashing each key into a new map cost twice as much.
#[derive(Default)]
struct Shape<'t> {
    /// The keys of the object last read at this depth.
    keys: Vec<&'t str>,
    /// Those keys with null values, once two objects in a row had them.
    map: Option<Map<String, Value>>,
}

impl<'t> Reader<'t> {
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    /// One ASCII character of the compact text.
    fn emit(&mut self, c: char) {
        self.out.push(c);
        self.len += 1;
    }

    fn value(&mut self) -> Option<Value> {
        match *self.bytes.get(self.pos)? {
            b'{' => self.object(),
            b'[' => self.array(),
            b'"' => {
                let s = self.string()?;
                Some(Value::String(s.to_owned()))
            }
            b't' => self.word(b"true", Value::Bool(true)),
            b'f' => self.word(b"false", Value::Bool(false)),
            b'n' => self.word(b"null", Value::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn word(&mut self, word: &[u8], value: Value) -> Option<Value> {
        if !self.bytes[self.pos..].starts_with(word) {
            return None;
        }
        let text = &self.text[self.pos..self.pos + word.len()];
        self.pos += word.len();
        self.out.push_str(text);
        self.len += word.len();
        Some(value)
    }

    /// A string with no escape in it, written out escaped (its quotes become `\"`).
    fn string(&mut self) -> Option<&'t str> {
        let start = self.pos + 1;
        // One pass to the first byte that needs an escape: the closing quote, or a
        // backslash or raw control character, which are left to serde_json. (Keys
        // and most values are short: a search for the quote, then a check of the
        // body, cost twice as much.)
        let rest = &self.bytes[start..];
        let n = rest.iter().position(|&b| ESCAPE[b as usize] != 0)?;
        if rest[n] != b'"' {
            return None;
        }
        let end = start + n;
        self.pos = end + 1;
        // Cut at ASCII quotes, so on character boundaries.
        let body = self.text.get(start..end)?;
        self.out.reserve(body.len() + 4);
        self.out.push_str("\\\"");
        self.out.push_str(body);
        self.out.push_str("\\\"");
        self.len += body.len() + 2;
        Some(body)
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while self.bytes.get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Option<Value> {
        let start = self.pos;
        let negative = self.bytes[start] == b'-';
        if negative {
            self.pos += 1;
        }
        let int_start = self.pos;
        let int_digits = self.digits();
        // JSON allows no leading zero.
        if int_digits == 0 || (int_digits > 1 && self.bytes[int_start] == b'0') {
            return None;
        }
        let mut integer = true;
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return None;
            }
            integer = false;
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.pos) {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.pos) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return None;
            }
            integer = false;
        }
        let token = &self.text[start..self.pos];
        // Integers of up to 18 digits are exact in an i64 and written back as
        // they are; `-0`, floats and longer numbers take serde_json's own reading.
        if integer && int_digits <= 18 && !(negative && self.bytes[int_start] == b'0') {
            let magnitude = self.bytes[int_start..self.pos]
                .iter()
                .fold(0i64, |n, d| n * 10 + i64::from(d - b'0'));
            self.out.push_str(token);
            self.len += token.len();
            let n = if negative { -magnitude } else { magnitude };
            return Some(Value::Number(Number::from(n)));
        }
        let value: Value = serde_json::from_str(token).ok()?;
        let mut written = Vec::new();
        self.len += write_value_escaped(&value, &mut written);
        self.out.push_str(std::str::from_utf8(&written).ok()?);
        Some(value)
    }

    /// Enters a container at its opening `open`: `Some(true)` if it is empty
    /// (then also left, its `close` read and written).
    fn open(&mut self, open: char, close: u8) -> Option<bool> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        self.pos += 1;
        self.emit(open);
        self.ws();
        let empty = self.bytes.get(self.pos) == Some(&close);
        if empty {
            self.pos += 1;
            self.depth -= 1;
            self.emit(char::from(close));
        }
        Some(empty)
    }

    /// After a member: `Some(true)` at a comma (another member follows),
    /// `Some(false)` at `close`, which ends the container.
    fn next_member(&mut self, close: u8) -> Option<bool> {
        self.ws();
        let b = *self.bytes.get(self.pos)?;
        self.pos += 1;
        if b == b',' {
            self.emit(',');
            self.ws();
            Some(true)
        } else if b == close {
            self.depth -= 1;
            self.emit(char::from(close));
            Some(false)
        } else {
            None
        }
    }

    fn array(&mut self) -> Option<Value> {
        let mut items = Vec::new();
        if self.open('[', b']')? {
            return Some(Value::Array(items));
        }
        loop {
            if items.len() == items.capacity() && items.len() >= 64 {
                // A long array (a Map's items) grows sixteenfold, to at most one
                // item per two bytes left: grown by doubling, each larger copy
                // touches fresh pages, twice the array's size in all, while room
                // never filled is never touched.
                let room = (self.bytes.len() - self.pos) / 2 + 1;
                items.reserve((items.len() * 15).min(room));
            }
            items.push(self.value()?);
            if !self.next_member(b']')? {
                return Some(Value::Array(items));
            }
        }
    }

    fn object(&mut self) -> Option<Value> {
        let first = self.entries.len();
        if self.open('{', b'}')? {
            return Some(Value::Object(Map::new()));
        }
        loop {
            if self.bytes.get(self.pos) != Some(&b'"') {
                return None;
            }
            let key = self.string()?;
            self.ws();
            if self.bytes.get(self.pos) != Some(&b':') {
                return None;
            }
            self.pos += 1;
            self.emit(':');
            self.ws();
            let value = self.value()?;
            self.entries.push((key, value));
            if !self.next_member(b'}')? {
                break;
            }
        }
        let depth = self.depth;
        if self.shapes.len() <= depth {
            self.shapes.resize_with(depth + 1, Shape::default);
        }
        let shape = &mut self.shapes[depth];
        let members = &mut self.entries;
        let keys = members[first..].iter().map(|(k, _)| *k);
        if let Some(template) = &shape.map
            && template.len() == members.len() - first
            && template.keys().map(String::as_str).eq(keys.clone())
        {
            // The keys are distinct: the template's.
            let mut map = template.clone();
            for (slot, (_, value)) in map.values_mut().zip(members.drain(first..)) {
                *slot = value;
            }
            return Some(Value::Object(map));
        }
        let repeated = shape.keys.iter().copied().eq(keys.clone());
        if !repeated {
            shape.keys.clear();
            shape.keys.extend(keys);
        }
        // Sized once: growing a map member by member rehashes it.
        let mut map = Map::with_capacity(members.len() - first);
        for (key, value) in members.drain(first..) {
            // A repeated key: serde_json keeps one member, the text both.
            if map.insert(key.to_owned(), value).is_some() {
                return None;
            }
        }
        shape.map = repeated.then(|| map.keys().map(|k| (k.clone(), Value::Null)).collect());
        Some(Value::Object(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What serde_json and [`JsonText::of`] make of `text`.
    fn reference(text: &str) -> (Value, JsonText) {
        let v: Value = serde_json::from_str(text).unwrap();
        let t = JsonText::of(&v);
        (v, t)
    }

    #[test]
    fn agrees_with_serde_json_and_json_text_of() {
        for text in [
            r#"{"items": [{"id": 0, "name": "item-0"}, {"id": -12, "name": "é ü 日本"}]}"#,
            "[]",
            "{}",
            " [ 1 , 2 ,\n\t3 ] ",
            r#""just a string""#,
            "true",
            "null",
            "0",
            "123456789012345678",
            "-123456789012345678",
            r#"{"a": {"b": {"c": [true, false, null, {}]}}, "d": []}"#,
            "[[], {}, [{}], [[ ]], { \"e\" : { } }]",
        ] {
            let (v, t) = JsonText::parse(text).unwrap_or_else(|| panic!("{text}"));
            let (rv, rt) = reference(text);
            assert_eq!(v, rv, "{text}");
            assert_eq!(t, rt, "{text}");
        }
    }

    /// Objects with the keys of the two before them are copied from a map of those
    /// keys: the result is the same as reading each on its own.
    #[test]
    fn repeated_keys_in_a_row_read_alike() {
        for text in [
            r#"[{"a":1,"b":2},{"a":3,"b":4},{"a":5,"b":6},{"a":7,"b":{"c":1}}]"#,
            r#"[{"a":1,"b":2},{"a":3,"b":4},{"b":5,"a":6},{"a":7,"b":8},{"a":9}]"#,
            r#"[{"a":1,"b":2},{"a":3,"b":4},{"a":5,"b":6,"c":7},{"a":8,"b":9},{}]"#,
            r#"{"items":[{"id":0,"m":{"x":1,"y":[]}},{"id":1,"m":{"x":2,"y":[{"z":1},{"z":2},{"z":3}]}},{"id":2,"m":{"x":3,"y":[]}}]}"#,
            r#"[[{"a":1},{"a":2}],[{"a":3},{"a":4}],{"a":{"a":{"a":5}}},{"a":6}]"#,
        ] {
            let (v, t) = JsonText::parse(text).unwrap_or_else(|| panic!("{text}"));
            let (rv, rt) = reference(text);
            assert_eq!(v, rv, "{text}");
            assert_eq!(t, rt, "{text}");
            // The key order too (`Value`'s equality ignores it).
            assert_eq!(v.to_string(), rv.to_string(), "{text}");
        }
        // A repeated key after objects of one shape is still left to serde_json.
        let text = r#"[{"a":1,"b":2},{"a":3,"b":4},{"a":5,"b":6},{"a":7,"a":8}]"#;
        assert!(JsonText::parse(text).is_none());
    }

    #[test]
    fn numbers_read_as_serde_json_reads_them() {
        // Floats, exponents, -0 and integers past 18 digits go through serde_json.
        for text in [
            "[1.5, 1.50, 1e3, 1E+3, 2.5e-3, -0, -0.0, 0.1, 12345678901234567890, 1234567890123456789012]",
            r#"{"price": 19.99, "big": 18446744073709551615, "neg": -9223372036854775808}"#,
        ] {
            let (v, t) = JsonText::parse(text).unwrap();
            let (rv, rt) = reference(text);
            assert_eq!(v, rv, "{text}");
            assert_eq!(t, rt, "{text}");
            assert_eq!(t.escaped(), rt.escaped());
        }
    }

    /// Random JSON text: nested containers, the numbers and strings inputs hold
    /// (floats, exponents, escapes, non-ASCII), and irregular white space.
    fn random_text(rng: &mut rand::rngs::StdRng, depth: usize, out: &mut String) {
        use rand::RngExt as _;
        let ws = |rng: &mut rand::rngs::StdRng, out: &mut String| {
            for _ in 0..rng.random_range(0..3) {
                out.push([' ', '\n', '\t', '\r'][rng.random_range(0..4)]);
            }
        };
        const SCALARS: &[&str] = &[
            "0",
            "-1",
            "42",
            "-0",
            "1.0",
            "2.50",
            "-3.25e2",
            "1E-7",
            "6.02e23",
            "99999999999999999999",
            "123456789012345678",
            "true",
            "false",
            "null",
            r#""""#,
            r#""plain""#,
            r#""é日本 ü""#,
            r#""tab\tnew\nline""#,
            r#""q\"uote""#,
            r#""\u00e9\u0001""#,
            r#""back\\slash\/""#,
            r#""$.path[0]""#,
        ];
        let pick = if depth >= 4 {
            0
        } else {
            rng.random_range(0..4)
        };
        if pick < 2 {
            out.push_str(SCALARS[rng.random_range(0..SCALARS.len())]);
            return;
        }
        let keyed = pick == 3;
        out.push(if keyed { '{' } else { '[' });
        let n = rng.random_range(0..4);
        for i in 0..n {
            if i > 0 {
                out.push(',');
            }
            ws(rng, out);
            if keyed {
                // Few names, so that some objects repeat a key.
                out.push_str(
                    ["\"a\"", "\"b\"", "\"key.$\"", "\"é\"", "\"c\\\"d\""][rng.random_range(0..5)],
                );
                ws(rng, out);
                out.push(':');
                ws(rng, out);
            }
            random_text(rng, depth + 1, out);
            if !keyed {
                ws(rng, out);
            }
        }
        out.push(if keyed { '}' } else { ']' });
    }

    #[test]
    fn random_documents_read_as_serde_json_reads_them() {
        use rand::SeedableRng;
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let (mut read, mut left) = (0, 0);
        for _ in 0..3000 {
            let mut text = String::new();
            random_text(&mut rng, 0, &mut text);
            match JsonText::parse(&text) {
                Some((v, t)) => {
                    let (rv, rt) = reference(&text);
                    assert_eq!(v, rv, "{text}");
                    assert_eq!(t, rt, "{text}");
                    read += 1;
                }
                // Only what holds an escape or a repeated key is left to serde_json.
                None => {
                    assert!(serde_json::from_str::<Value>(&text).is_ok(), "{text}");
                    assert!(
                        text.contains('\\')
                            || text.matches("\"a\"").count() > 1
                            || text.matches("\"b\"").count() > 1
                            || text.matches("\"key.$\"").count() > 1
                            || text.matches("\"é\"").count() > 1,
                        "{text}"
                    );
                    left += 1;
                }
            }
        }
        // Both paths were taken, most documents by this reader.
        assert!(read > left && left > 0, "read {read}, left {left}");
    }

    #[test]
    fn leaves_to_serde_json_what_it_does_not_read_alike() {
        for text in [
            r#"{"a": "line\nbreak"}"#,
            r#"{"a\"b": 1}"#,
            "{\"raw\": \"tab\there\"}",
            r#"{"a": 1, "a": 2}"#,
            &format!("{}1{}", "[".repeat(101), "]".repeat(101)),
        ] {
            assert!(JsonText::parse(text).is_none(), "{text}");
        }
    }

    #[test]
    fn refuses_what_is_not_json() {
        for text in [
            "",
            " ",
            "{",
            "[1,]",
            "{\"a\":1,}",
            "[01]",
            "[1.]",
            "[.5]",
            "[1e]",
            "[-]",
            "tru",
            "truex",
            "{} {}",
            "{\"a\" 1}",
            "{a: 1}",
            "[1 2]",
            "'a'",
            "nul",
        ] {
            assert!(JsonText::parse(text).is_none(), "{text:?}");
            assert!(serde_json::from_str::<Value>(text).is_err(), "{text:?}");
        }
    }
}
