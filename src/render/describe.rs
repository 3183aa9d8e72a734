//! `DescribeExecution`'s response as JSON text, its large strings (the input
//! and output, each up to 256 KiB of JSON) written from the text the run
//! already escaped for its history, instead of being serialized and escaped
//! again for the store and again for stdout.

use std::io::Write;

use serde_json::Value;

use crate::history::{JsonText, write_str, write_value};

/// One field's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    Value(Value),
    /// A string holding a value's JSON text, as the run made it (escaped).
    JsonText(JsonText),
}

impl From<Value> for Piece {
    fn from(v: Value) -> Self {
        Piece::Value(v)
    }
}

/// The fields, in the order AWS returns them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Describe {
    fields: Vec<(&'static str, Piece)>,
}

impl Describe {
    /// Adds a field at the end.
    pub fn push(&mut self, key: &'static str, value: impl Into<Piece>) {
        self.fields.push((key, value.into()));
    }

    /// Takes back the text lent to field `key` (pushed as [`Piece::JsonText`]).
    pub fn take_text(self, key: &str) -> Option<JsonText> {
        self.fields.into_iter().find_map(|(k, piece)| match piece {
            Piece::JsonText(t) if k == key => Some(t),
            _ => None,
        })
    }

    /// As a JSON tree (the escaped strings read back).
    pub fn to_value(&self) -> Value {
        let map = self
            .fields
            .iter()
            .map(|(k, piece)| {
                let v = match piece {
                    Piece::Value(v) => v.clone(),
                    Piece::JsonText(t) => Value::String(t.text()),
                };
                ((*k).to_string(), v)
            })
            .collect();
        Value::Object(map)
    }

    /// The length of its strings: about the length of its text.
    pub fn text_len(&self) -> usize {
        self.fields
            .iter()
            .map(|(_, piece)| match piece {
                Piece::Value(Value::String(s)) => s.len(),
                Piece::JsonText(t) => t.escaped().len(),
                Piece::Value(_) => 16,
            })
            .sum()
    }

    /// Compact JSON text, as `serde_json::to_writer` writes [`Describe::to_value`]
    /// with the fields of `extra` added at the end.
    pub fn write_compact(&self, extra: &[(&'static str, &Value)], out: &mut Vec<u8>) {
        // Writing into a Vec cannot fail.
        let _ = self.write_compact_to(extra, out);
    }

    /// As [`Describe::write_compact`], to `w`: the escaped strings (an input and
    /// output of hundreds of kilobytes) are written from where they are, not
    /// copied into a buffer as large as the whole text.
    pub fn write_compact_to(
        &self,
        extra: &[(&'static str, &Value)],
        w: &mut impl Write,
    ) -> std::io::Result<()> {
        let mut out = Vec::with_capacity(4096);
        out.push(b'{');
        let extra = extra.iter().map(|(k, v)| (*k, Part::Value(v)));
        let fields = self.fields.iter().map(|(k, piece)| {
            let part = match piece {
                Piece::Value(v) => Part::Value(v),
                Piece::JsonText(t) => Part::Escaped(t.escaped()),
            };
            (*k, part)
        });
        for (i, (key, part)) in fields.chain(extra).enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_str(key, &mut out);
            out.push(b':');
            match part {
                Part::Value(v) => write_value(v, &mut out),
                Part::Escaped(s) => quoted(s, &mut out, w)?,
            }
        }
        out.push(b'}');
        w.write_all(&out)
    }

    /// Pretty JSON text, as `serde_json::to_writer_pretty` writes
    /// [`Describe::to_value`]: two spaces per level.
    pub fn write_pretty(&self, out: &mut Vec<u8>) {
        // Writing into a Vec cannot fail.
        let _ = self.write_pretty_to(out);
    }

    /// As [`Describe::write_pretty`], to `w`, the escaped strings written from
    /// where they are (see [`Describe::write_compact_to`]).
    pub fn write_pretty_to(&self, w: &mut impl Write) -> std::io::Result<()> {
        if self.fields.is_empty() {
            return w.write_all(b"{}");
        }
        let mut out = Vec::with_capacity(4096);
        out.extend_from_slice(b"{\n");
        for (i, (key, piece)) in self.fields.iter().enumerate() {
            if i > 0 {
                out.extend_from_slice(b",\n");
            }
            out.extend_from_slice(b"  ");
            write_str(key, &mut out);
            out.extend_from_slice(b": ");
            match piece {
                // One level in: every line after the first indented once more.
                // JSON text has no raw newline inside a string, so lines are safe
                // to split.
                Piece::Value(v) => {
                    let text = serde_json::to_vec_pretty(v).unwrap_or_default();
                    for (n, line) in text.split(|&b| b == b'\n').enumerate() {
                        if n > 0 {
                            out.extend_from_slice(b"\n  ");
                        }
                        out.extend_from_slice(line);
                    }
                }
                Piece::JsonText(t) => quoted(t.escaped(), &mut out, w)?,
            }
        }
        out.extend_from_slice(b"\n}");
        w.write_all(&out)
    }
}

/// A field's value, borrowed.
enum Part<'a> {
    Value(&'a Value),
    Escaped(&'a str),
}

/// A string already escaped, quoted: what `out` holds written to `w` first,
/// then the string, which is left out of `out`.
fn quoted(escaped: &str, out: &mut Vec<u8>, w: &mut impl Write) -> std::io::Result<()> {
    out.push(b'"');
    w.write_all(out)?;
    out.clear();
    w.write_all(escaped.as_bytes())?;
    out.push(b'"');
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn sample() -> Describe {
        let input = json!({"a": "x\"y\n\u{1}é", "list": [1, 2.5, null, {"b": {}}], "e": []});
        let mut d = Describe::default();
        d.push(
            "executionArn",
            json!("arn:aws:states:local:000000000000:execution:m:e"),
        );
        d.push("startDate", json!(1_700_000_000.5));
        d.push("input", Piece::JsonText(JsonText::of(&input)));
        d.push("inputDetails", json!({"included": true}));
        d.push(
            "nested",
            json!({"a": [1, {"b": []}], "c": {}, "d": "q\\\"u"}),
        );
        d.push("empty", json!({}));
        d.push("redriveCount", json!(0));
        d
    }

    #[test]
    fn escaped_strings_read_back_as_the_text_they_escape() {
        let v = sample().to_value();
        let input: Value = serde_json::from_str(v["input"].as_str().unwrap()).unwrap();
        assert_eq!(input["a"], json!("x\"y\n\u{1}é"));
    }

    #[test]
    fn compact_text_is_what_serde_json_writes() {
        let d = sample();
        let mut out = Vec::new();
        d.write_compact(&[], &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            serde_json::to_string(&d.to_value()).unwrap()
        );
        let path = json!("dir/def.asl.json");
        let mut out = Vec::new();
        d.write_compact(&[("definitionPath", &path)], &mut out);
        let mut v = d.to_value();
        v["definitionPath"] = path;
        assert_eq!(
            String::from_utf8(out).unwrap(),
            serde_json::to_string(&v).unwrap()
        );
    }

    #[test]
    fn pretty_text_is_what_serde_json_writes() {
        for d in [sample(), Describe::default()] {
            let mut out = Vec::new();
            d.write_pretty(&mut out);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string_pretty(&d.to_value()).unwrap()
            );
        }
    }
}
