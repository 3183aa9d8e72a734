//! Evaluates intrinsic calls: all 18 `States.*` functions, nested calls, and
//! AWS's edge cases as its recorded executions show them:
//!
//! - `States.Format` prints a non-string as Java does (`{Arg1=1, Arg2=[]}`,
//!   `null`), and reads `\{`, `\}`, `\'` and `\\` in a literal template.
//! - `States.MathAdd` rounds each number as Java's `Math.round` does (half up:
//!   `-1.5` → `-1`), as AWS's guide says and its recorded executions show.
//! - `States.ArrayRange`, `States.ArrayPartition`'s chunk size,
//!   `States.ArrayGetItem`'s index and `States.MathRandom` truncate a fraction
//!   (towards zero), as observed on AWS by a characterization suite
//!   (`intrinsicCases/States.ArrayRange.ts` ...: `ArrayRange(1.6, 1.4, 1)` is
//!   `[1]`, a chunk size of 2.6 is 2 and of 0.6 an error, `ArrayGetItem(a, 1.2)`
//!   is item 1, `MathRandom(1.4, 1.6)` an error), though AWS's guide says
//!   ArrayPartition rounds.
//! - `States.StringToJson` reads an empty or blank string as `null`.
//! - `States.JsonMerge` builds its object as a Java `HashMap`: the keys come
//!   out in hash order.
//! - `States.StringSplit` splits at any of the delimiter characters and drops
//!   empty parts (Java's `StringTokenizer`).
//! - `States.MathRandom` with a seed draws as `java.util.Random(seed)` does;
//!   without one it draws from the engine's seeded generator.
//!
//! The same characterization suite (`intrinsicCases/States.*.ts`, cases it
//! ran on AWS or whose notes record what AWS returned) shows:
//!
//! - `States.MathAdd` works on Java `int`s: `MathAdd(2147483647, 1)` and
//!   `MathAdd(3000000000, 1)` fail, `MathAdd(2147483646, 1)` is 2147483647.
//! - `States.ArrayContains` compares values as text: `["true"]` contains
//!   `true`, `["9007199254740991"]` contains 9007199254740991, and
//!   `[{"a":1,"b":2}]` does not contain `{"b":2,"a":1}`. The text is taken to
//!   be Java's, as `States.Format` prints a value.
//! - `States.ArrayUnique` returns a Java `HashSet`'s iteration order:
//!   `[true, false, true, false]` gives `[false, true]`, `[[1,2],[1,2],[2,1]]`
//!   gives `[[2,1],[1,2]]`, `[null, null, 1, null]` gives `[null, 1]`, and
//!   objects are equal whatever the order of their keys.
//! - `States.ArrayGetItem` of an empty array gives null for an index past its
//!   end (999); a non-empty array fails for one (3 of 3 items).
//! - `States.Hash` hashes a number (`123`) or an object (`{}`) rather than
//!   failing; the suite records that it succeeds, not the digest, and both
//!   texts are the same in JSON and in Java's print (`123`, `{}`).
//! - `States.Base64Decode` never fails on malformed text: `'!!!invalid!!!'`,
//!   `'abc'`, `'ab==cd'` and `' YWJjZA== '` all decode. The suite records the
//!   successes, not the text; the decoding here skips characters outside the
//!   alphabet and stops at the first `=` (Apache Commons Codec's rules, the
//!   only common decoder that accepts all four).
//!
//! A function that cannot work on its arguments fails with `States.Runtime`
//! (`Invalid arguments in States.X`), as executions on AWS do: the ASL
//! specification's `States.IntrinsicFailure` is not what AWS raises. A definite
//! path argument that matches nothing fails with `States.Runtime` too, as a path
//! field does.

use std::borrow::Cow;

use base64::Engine as _;
use rand::RngExt as _;
use serde_json::{Map, Value};

use super::functions::{ARRAY_RANGE_MAX, HASH_ALGORITHMS};
use super::parser::{Arg, ArgKind, Call};
use crate::dataflow::eval::{
    Bindings, EvalError, Rng, hash_ordered, java_hash_order_of, java_to_string,
    java_to_string_into, java_value_spread, to_json_text,
};
use crate::dataflow::path;

/// The most characters `States.Base64Encode`, `Base64Decode` and `Hash` accept.
pub const MAX_INPUT_CHARS: usize = 10_000;

/// Evaluates a call and the calls nested in it.
pub fn eval_call(call: &Call, b: &Bindings, rng: &mut Rng) -> Result<Value, EvalError> {
    eval_call_at(call, b, rng, &Site::default())
}

/// Where a call is written, for the causes of its failures.
#[derive(Debug, Clone, Copy, Default)]
pub struct Site<'s> {
    /// The text the call was parsed from (its spans point into it).
    pub text: Option<&'s str>,
    /// The template field holding it (`value.$`).
    pub field: Option<&'s str>,
}

/// As [`eval_call`], naming the field and text in causes.
pub fn eval_call_at(
    call: &Call,
    b: &Bindings,
    rng: &mut Rng,
    site: &Site,
) -> Result<Value, EvalError> {
    let mut args: Vec<Cow<Value>> = Vec::with_capacity(call.args.len());
    for arg in &call.args {
        args.push(eval_arg(arg, b, rng, site)?);
    }
    apply(call, &args, b, rng)
}

fn eval_arg<'a>(
    arg: &'a Arg,
    b: &Bindings<'a>,
    rng: &mut Rng,
    site: &Site,
) -> Result<Cow<'a, Value>, EvalError> {
    Ok(match &arg.kind {
        ArgKind::String { value, .. } => Cow::Borrowed(value),
        ArgKind::Number(n) => Cow::Owned(Value::Number(n.clone())),
        ArgKind::Bool(v) => Cow::Owned(Value::Bool(*v)),
        ArgKind::Null => Cow::Owned(Value::Null),
        ArgKind::Path(p) => path::query(p, b).map_err(|e| {
            let text = site
                .text
                .and_then(|t| t.get(arg.span.start..arg.span.end))
                .map_or_else(|| path::render(p), str::to_string);
            match site.field {
                Some(field) => EvalError::runtime(format!(
                    "The JSONPath '{text}' specified for the field '{field}' could not be found in the input '{}'",
                    to_json_text(b.input)
                )),
                None => EvalError::runtime(format!("Invalid path '{text}' : {}", e.message)),
            }
        })?,
        ArgKind::Call(inner) => Cow::Owned(eval_call_at(inner, b, rng, site)?),
    })
}

fn fail(name: &str, detail: impl std::fmt::Display) -> EvalError {
    EvalError::intrinsic(format!("Invalid arguments in {name}: {detail}"))
}

/// How an argument is described in a cause: its JSON text, shortened.
fn shown(v: &Value) -> String {
    let mut s = to_json_text(v);
    if s.len() > 200 {
        let mut cut = 200;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push_str("...");
    }
    s
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn ordinal(i: usize) -> &'static str {
    ["first", "second", "third"]
        .get(i)
        .copied()
        .unwrap_or("next")
}

struct Args<'c, 'v> {
    name: &'c str,
    args: &'c [Cow<'v, Value>],
}

impl<'c, 'v> Args<'c, 'v> {
    fn get(&self, i: usize) -> Result<&'c Value, EvalError> {
        self.args
            .get(i)
            .map(|c| c.as_ref())
            .ok_or_else(|| fail(self.name, format!("the {} argument is missing", ordinal(i))))
    }
    fn wrong(&self, i: usize, want: &str) -> EvalError {
        let v = self.args.get(i).map(|c| c.as_ref()).unwrap_or(&Value::Null);
        // "null null" said nothing twice.
        let was = match v {
            Value::Null => "null".to_string(),
            v => format!("{} {}", type_name(v), shown(v)),
        };
        fail(
            self.name,
            format!("the {} argument must be {want}, but was {was}", ordinal(i)),
        )
    }
    fn string(&self, i: usize) -> Result<&'c str, EvalError> {
        self.get(i)?
            .as_str()
            .ok_or_else(|| self.wrong(i, "a string"))
    }
    fn array(&self, i: usize) -> Result<&'c Vec<Value>, EvalError> {
        self.get(i)?
            .as_array()
            .ok_or_else(|| self.wrong(i, "an array"))
    }
    fn object(&self, i: usize) -> Result<&'c Map<String, Value>, EvalError> {
        self.get(i)?
            .as_object()
            .ok_or_else(|| self.wrong(i, "an object"))
    }
    fn number(&self, i: usize) -> Result<f64, EvalError> {
        self.get(i)?
            .as_f64()
            .ok_or_else(|| self.wrong(i, "a number"))
    }
    /// A number without its fraction (towards zero).
    fn truncated(&self, i: usize) -> Result<i64, EvalError> {
        let v = self.get(i)?;
        if let Some(n) = v.as_i64() {
            return Ok(n);
        }
        java_truncate(self.number(i)?).ok_or_else(|| self.wrong(i, "a number within range"))
    }
    /// A number rounded as Java's `Math.round` does (half up).
    fn rounded(&self, i: usize) -> Result<i64, EvalError> {
        let v = self.get(i)?;
        if let Some(n) = v.as_i64() {
            return Ok(n);
        }
        let f = self.number(i)?;
        java_round(f).ok_or_else(|| self.wrong(i, "a number within range"))
    }
}

/// `Math.round(double)`: the closest integer, ties towards positive infinity.
pub(super) fn java_round(f: f64) -> Option<i64> {
    let r = (f + 0.5).floor();
    (r.is_finite() && r.abs() < 9.2e18).then_some(r as i64)
}

/// `f` without its fraction (towards zero), as AWS takes an integer argument.
pub(super) fn java_truncate(f: f64) -> Option<i64> {
    let t = f.trunc();
    (t.abs() < 9.2e18).then_some(t as i64)
}

fn apply(
    call: &Call,
    args: &[Cow<Value>],
    b: &Bindings,
    rng: &mut Rng,
) -> Result<Value, EvalError> {
    let name = call.name.as_str();
    let a = Args { name, args };
    let _ = b;
    match name {
        "States.Format" => format(call, &a),
        "States.StringToJson" => {
            let s = a.string(0)?;
            if s.trim().is_empty() {
                return Ok(Value::Null);
            }
            serde_json::from_str(&integer_zeros(s)).map_err(|e| {
                fail(
                    name,
                    format!(
                        "the string {} is not valid JSON: {e}",
                        shown(a.get(0).unwrap_or(&Value::Null))
                    ),
                )
            })
        }
        "States.JsonToString" => Ok(Value::String(to_json_text(a.get(0)?))),
        "States.Array" => Ok(Value::Array(
            args.iter().map(|v| v.as_ref().clone()).collect(),
        )),
        "States.ArrayPartition" => {
            let array = a.array(0)?;
            // Truncated (see the module's documentation).
            let size = a.truncated(1)?;
            if size <= 0 {
                return Err(fail(
                    name,
                    format!("the chunk size must be greater than 0, but was {size}"),
                ));
            }
            let size = usize::try_from(size).unwrap_or(usize::MAX);
            Ok(Value::Array(
                array
                    .chunks(size)
                    .map(|c| Value::Array(c.to_vec()))
                    .collect(),
            ))
        }
        "States.ArrayContains" => {
            // AWS compares the values as text, as Java prints them (see the
            // module's documentation): "true" matches true, "42" matches 42,
            // and objects match only with their keys in the same order.
            let array = a.array(0)?;
            let needle = java_text(a.get(1)?);
            Ok(Value::Bool(array.iter().any(|x| match x {
                Value::String(s) => *s == needle,
                x => java_text(x) == needle,
            })))
        }
        "States.ArrayRange" => {
            // Truncated (see the module's documentation).
            let first = a.truncated(0)?;
            let last = a.truncated(1)?;
            let step = a.truncated(2)?;
            if step == 0 {
                return Err(fail(name, "the step must not be 0"));
            }
            let count = (i128::from(last) - i128::from(first)) / i128::from(step) + 1;
            if count > i128::from(ARRAY_RANGE_MAX) {
                return Err(fail(
                    name,
                    format!(
                        "the range would hold {count} items, but at most {ARRAY_RANGE_MAX} are allowed"
                    ),
                ));
            }
            let count = usize::try_from(count.max(0)).unwrap_or(0);
            Ok(Value::Array(
                (0..count)
                    .map(|i| Value::from(first + step * i as i64))
                    .collect(),
            ))
        }
        "States.ArrayGetItem" => {
            let array = a.array(0)?;
            let index = a.truncated(1)?;
            // Observed on AWS (the module's documentation): an empty array
            // gives null for an index past its end, a non-empty one fails.
            if array.is_empty() && index >= 0 {
                return Ok(Value::Null);
            }
            usize::try_from(index)
                .ok()
                .and_then(|i| array.get(i))
                .cloned()
                .ok_or_else(|| {
                    fail(
                        name,
                        format!(
                            "the index {index} is out of bounds for an array of {} items",
                            array.len()
                        ),
                    )
                })
        }
        "States.ArrayLength" => Ok(Value::from(a.array(0)?.len())),
        "States.ArrayUnique" => {
            // A Java `HashSet` of the items: the first of equal items stays,
            // in the set's iteration order (see the module's documentation).
            let array = a.array(0)?;
            let mut distinct: Vec<&Value> = Vec::with_capacity(array.len());
            for x in array {
                if !distinct.contains(&x) {
                    distinct.push(x);
                }
            }
            let hashes: Vec<u32> = distinct.iter().map(|x| java_value_spread(x)).collect();
            Ok(Value::Array(
                java_hash_order_of(&hashes)
                    .into_iter()
                    .map(|i| distinct[i].clone())
                    .collect(),
            ))
        }
        "States.Base64Encode" => {
            let s = limited(&a, 0)?;
            Ok(Value::String(
                base64::engine::general_purpose::STANDARD.encode(s.as_bytes()),
            ))
        }
        "States.Base64Decode" => {
            let s = limited(&a, 0)?;
            Ok(Value::String(
                String::from_utf8_lossy(&lenient_base64(s)).into_owned(),
            ))
        }
        "States.Hash" => {
            // Observed on AWS (the module's documentation): a number or an
            // object is hashed as its text, not refused. Other values (null,
            // booleans, arrays) have not been observed: they still fail.
            let text;
            let data = match a.get(0)? {
                v @ (Value::Number(_) | Value::Object(_)) => {
                    text = java_text(v);
                    limited_text(&a, &text)?
                }
                _ => limited(&a, 0)?,
            };
            let algorithm = a.string(1)?;
            Ok(Value::String(hash(data, algorithm).ok_or_else(|| {
                fail(
                    name,
                    format!(
                        "'{algorithm}' is not a supported hash algorithm; use one of {}",
                        HASH_ALGORITHMS.join(", ")
                    ),
                )
            })?))
        }
        "States.JsonMerge" => {
            let first = a.object(0)?;
            let second = a.object(1)?;
            match a.get(2)? {
                Value::Bool(false) => {}
                Value::Bool(true) => {
                    return Err(fail(
                        name,
                        "deep merging is not supported: the third argument must be false",
                    ));
                }
                _ => return Err(a.wrong(2, "a boolean")),
            }
            let mut merged = first.clone();
            for (k, v) in second {
                merged.insert(k.clone(), v.clone());
            }
            Ok(Value::Object(hash_ordered(merged)))
        }
        "States.MathRandom" => {
            let start = a.truncated(0)?;
            let end = a.truncated(1)?;
            if end <= start {
                return Err(fail(
                    name,
                    format!("the end ({end}) must be greater than the start ({start})"),
                ));
            }
            if args.len() > 2 {
                let seed = a.truncated(2)?;
                let bound = end - start;
                let bound = i32::try_from(bound)
                    .map_err(|_| fail(name, "the range between start and end is too large"))?;
                return Ok(Value::from(
                    i64::from(JavaRandom::new(seed).next_int(bound)) + start,
                ));
            }
            Ok(Value::from(rng.random_range(start..end)))
        }
        "States.MathAdd" => {
            // Java `int`s, as observed on AWS (the module's documentation):
            // an operand or a sum outside them fails.
            let x = a.rounded(0)?;
            let y = a.rounded(1)?;
            for (i, v) in [(0, x), (1, y)] {
                if i32::try_from(v).is_err() {
                    return Err(a.wrong(i, "an integer from -2147483648 to 2147483647"));
                }
            }
            i32::try_from(x + y).map(Value::from).map_err(|_| {
                fail(
                    name,
                    format!("the sum {} is outside -2147483648 to 2147483647", x + y),
                )
            })
        }
        "States.StringSplit" => {
            let s = a.string(0)?;
            let delimiters = a.string(1)?;
            Ok(Value::Array(
                s.split(|c| delimiters.contains(c))
                    .filter(|part| !part.is_empty())
                    .map(|part| Value::String(part.to_string()))
                    .collect(),
            ))
        }
        "States.UUID" => {
            let mut bytes = [0u8; 16];
            rand::Rng::fill_bytes(rng, &mut bytes);
            Ok(Value::String(
                uuid::Builder::from_random_bytes(bytes)
                    .into_uuid()
                    .hyphenated()
                    .to_string(),
            ))
        }
        other => Err(EvalError::intrinsic(format!(
            "'{other}' is not an intrinsic function"
        ))),
    }
}

/// Jackson reads `-0` as the integer 0 (serde_json as the float -0.0): the
/// text with every `-0` number token that has no fraction or exponent
/// written as `0`.
fn integer_zeros(text: &str) -> Cow<'_, str> {
    if !text.contains("-0") {
        return Cow::Borrowed(text);
    }
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut i = 0;
    let mut last = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'-' if !in_string
                && b.get(i + 1) == Some(&b'0')
                && !b
                    .get(i + 2)
                    .is_some_and(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E')) =>
            {
                out.push_str(&text[last..i]);
                last = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

/// A string argument of at most [`MAX_INPUT_CHARS`] characters.
fn limited<'c>(a: &Args<'c, '_>, i: usize) -> Result<&'c str, EvalError> {
    limited_text(a, a.string(i)?)
}

/// `s`, if it has at most [`MAX_INPUT_CHARS`] characters.
fn limited_text<'s>(a: &Args, s: &'s str) -> Result<&'s str, EvalError> {
    let n = s.encode_utf16().count();
    if n > MAX_INPUT_CHARS {
        return Err(fail(
            a.name,
            format!("the string has {n} characters, but at most {MAX_INPUT_CHARS} are allowed"),
        ));
    }
    Ok(s)
}

/// A value as Java prints it, a string as it is: what `States.Format` puts in
/// place of `{}`.
fn java_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        v => java_to_string(v).unwrap_or_else(|| to_json_text(v)),
    }
}

/// Base64 decoded leniently, as AWS does (see the module's documentation): a
/// character outside the alphabet (standard or URL-safe) is skipped, the first
/// `=` ends the data, and a last group of 2 or 3 characters gives 1 or 2 bytes
/// (a lone last character nothing). Never fails.
fn lenient_base64(s: &str) -> Vec<u8> {
    fn sextet(b: u8) -> Option<u32> {
        Some(u32::from(match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        }))
    }
    let mut out = Vec::with_capacity(s.len() / 4 * 3 + 2);
    let (mut bits, mut n) = (0u32, 0u32);
    for b in s.bytes() {
        if b == b'=' {
            break;
        }
        let Some(v) = sextet(b) else { continue };
        bits = (bits << 6) | v;
        n += 1;
        if n == 4 {
            out.extend_from_slice(&[(bits >> 16) as u8, (bits >> 8) as u8, bits as u8]);
            bits = 0;
            n = 0;
        }
    }
    match n {
        2 => out.push((bits >> 4) as u8),
        3 => out.extend_from_slice(&[(bits >> 10) as u8, (bits >> 2) as u8]),
        _ => {}
    }
    out
}

fn hash(data: &str, algorithm: &str) -> Option<String> {
    use sha2::Digest as _;
    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
    let d = data.as_bytes();
    Some(match algorithm {
        "MD5" => hex(&md5::Md5::digest(d)),
        "SHA-1" => hex(&sha1::Sha1::digest(d)),
        "SHA-256" => hex(&sha2::Sha256::digest(d)),
        "SHA-384" => hex(&sha2::Sha384::digest(d)),
        "SHA-512" => hex(&sha2::Sha512::digest(d)),
        _ => return None,
    })
}

/// `States.Format(template, values...)`.
fn format(call: &Call, a: &Args) -> Result<Value, EvalError> {
    let name = a.name;
    // A literal template keeps its escapes: `\{\}` is text, `{}` a placeholder.
    // Without a backslash (most templates) its pieces are slices of it.
    let literal = match call.args.first().map(|arg| &arg.kind) {
        Some(ArgKind::String { raw, .. }) => Some(raw.as_str()),
        _ => None,
    };
    let template = match literal {
        Some(raw) => raw,
        None => a.string(0)?,
    };
    if super::functions::braces(template).stray {
        return Err(fail(
            name,
            "the template has a '{' or '}' that is not part of a placeholder '{}'",
        ));
    }
    let unescaped;
    let pieces: Vec<&str> = match literal {
        Some(raw) if raw.contains('\\') => {
            unescaped = split_literal_template(raw);
            unescaped.iter().map(String::as_str).collect()
        }
        _ => split_placeholders(template),
    };
    let values = &a.args[1..];
    let placeholders = pieces.len() - 1;
    if placeholders != values.len() {
        return Err(fail(
            name,
            format!(
                "the template has {placeholders} placeholder(s) '{{}}' but {} value(s) were given",
                values.len()
            ),
        ));
    }
    let mut out = String::with_capacity(pieces.iter().map(|p| p.len()).sum::<usize>() + 16);
    for (i, piece) in pieces.iter().enumerate() {
        out.push_str(piece);
        if let Some(v) = values.get(i)
            && !java_to_string_into(v, &mut out, 0)
        {
            return Err(fail(name, "a value is nested too deeply to print"));
        }
    }
    Ok(Value::String(out))
}

/// A template split at each `{}`, as `str::split("{}")` splits it, without
/// setting up a substring searcher for each call: templates are short.
fn split_placeholders(t: &str) -> Vec<&str> {
    let b = t.as_bytes();
    let mut pieces = Vec::with_capacity(4);
    let (mut start, mut i) = (0, 0);
    while i + 1 < b.len() {
        if b[i] == b'{' && b[i + 1] == b'}' {
            pieces.push(&t[start..i]);
            i += 2;
            start = i;
        } else {
            i += 1;
        }
    }
    pieces.push(&t[start..]);
    pieces
}

/// A literal template as written between the quotes, escapes applied.
fn split_literal_template(raw: &str) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut cur = String::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('u') => {
                    let hex: String = chars.clone().take(4).collect();
                    match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                        Some(ch) if hex.len() == 4 => {
                            cur.push(ch);
                            for _ in 0..4 {
                                chars.next();
                            }
                        }
                        _ => cur.push('u'),
                    }
                }
                Some(escaped) => cur.push(escaped),
                None => cur.push('\\'),
            },
            '{' if chars.peek() == Some(&'}') => {
                chars.next();
                pieces.push(std::mem::take(&mut cur));
            }
            c => cur.push(c),
        }
    }
    pieces.push(cur);
    pieces
}

/// `java.util.Random`: the generator `States.MathRandom` uses with a seed.
struct JavaRandom {
    seed: i64,
}

impl JavaRandom {
    const MULTIPLIER: i64 = 0x5_DEEC_E66D;
    const MASK: i64 = (1 << 48) - 1;

    fn new(seed: i64) -> Self {
        JavaRandom {
            seed: (seed ^ Self::MULTIPLIER) & Self::MASK,
        }
    }

    fn next(&mut self, bits: u32) -> i32 {
        self.seed = (self.seed.wrapping_mul(Self::MULTIPLIER).wrapping_add(0xB)) & Self::MASK;
        (self.seed >> (48 - bits)) as i32
    }

    /// `nextInt(bound)`, `bound > 0`.
    fn next_int(&mut self, bound: i32) -> i32 {
        if bound & -bound == bound {
            return ((i64::from(bound) * i64::from(self.next(31))) >> 31) as i32;
        }
        loop {
            let bits = self.next(31);
            let val = bits % bound;
            if bits.wrapping_sub(val).wrapping_add(bound - 1) >= 0 {
                return val;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataflow::intrinsic::parse;
    use rand::SeedableRng;
    use serde_json::json;

    fn run(text: &str, input: Value) -> Result<Value, EvalError> {
        let ctx =
            json!({"StateMachine": {"Name": "my-machine-name"}, "Execution": {"Input": {"a": 1}}});
        let mut vars = Map::new();
        vars.insert("tpl".into(), json!("It's {}!"));
        let b = Bindings {
            input: &input,
            context: &ctx,
            variables: &vars,
        };
        let mut rng = Rng::seed_from_u64(7);
        eval_call(&parse(text).unwrap(), &b, &mut rng)
    }
    fn ok(text: &str, input: Value) -> Value {
        run(text, input).unwrap_or_else(|e| panic!("{text}: {e}"))
    }
    fn err(text: &str, input: Value) -> EvalError {
        run(text, input).expect_err(text)
    }

    /// The value's type and the value; a null once, not "null null".
    #[test]
    fn a_wrong_argument_is_named_with_its_type_and_value() {
        assert_eq!(
            err("States.Hash($.x, 'MD5')", json!({"x": null})).cause,
            "Invalid arguments in States.Hash: the first argument must be a string, but was null"
        );
        assert_eq!(
            err("States.Hash($.x, 'MD5')", json!({"x": [5]})).cause,
            "Invalid arguments in States.Hash: the first argument must be a string, but was array [5]"
        );
    }

    #[test]
    fn documented_examples() {
        // The "Intrinsic functions" page of the Step Functions developer guide.
        assert_eq!(
            ok(
                "States.Format('Hello, my name is {}.', $.name)",
                json!({"name": "Arnav"})
            ),
            json!("Hello, my name is Arnav.")
        );
        assert_eq!(
            ok(
                "States.Format($.template, $.name)",
                json!({"name": "Arnav", "template": "Hello, my name is {}."})
            ),
            json!("Hello, my name is Arnav.")
        );
        assert_eq!(
            ok(
                "States.StringToJson($.escapedJsonString)",
                json!({"escapedJsonString": "{\"foo\": \"bar\"}"})
            ),
            json!({"foo": "bar"})
        );
        assert_eq!(
            ok(
                "States.JsonToString($.unescapedJson)",
                json!({"unescapedJson": {"foo": "bar"}})
            ),
            json!("{\"foo\":\"bar\"}")
        );
        assert_eq!(
            ok(
                "States.Array('Foo', 2020, $.Id, null)",
                json!({"Id": 123456})
            ),
            json!(["Foo", 2020, 123456, null])
        );
        assert_eq!(
            ok(
                "States.ArrayPartition($.inputArray,4)",
                json!({"inputArray": [1,2,3,4,5,6,7,8,9]})
            ),
            json!([[1, 2, 3, 4], [5, 6, 7, 8], [9]])
        );
        assert_eq!(
            ok(
                "States.ArrayContains($.inputArray, $.lookingFor)",
                json!({"inputArray": [1,2,3,4,5,6,7,8,9], "lookingFor": 5})
            ),
            json!(true)
        );
        assert_eq!(
            ok("States.ArrayRange(1, 9, 2)", json!({})),
            json!([1, 3, 5, 7, 9])
        );
        assert_eq!(
            ok(
                "States.ArrayGetItem($.inputArray, $.index)",
                json!({"inputArray": [1,2,3,4,5,6,7,8,9], "index": 5})
            ),
            json!(6)
        );
        assert_eq!(
            ok(
                "States.ArrayLength($.inputArray)",
                json!({"inputArray": [1,2,3,4,5,6,7,8,9]})
            ),
            json!(9)
        );
        assert_eq!(
            ok(
                "States.ArrayUnique($.inputArray)",
                json!({"inputArray": [1,2,3,3,3,3,3,3,4]})
            ),
            json!([1, 2, 3, 4])
        );
        assert_eq!(
            ok(
                "States.Base64Encode($.input)",
                json!({"input": "Data to encode"})
            ),
            json!("RGF0YSB0byBlbmNvZGU=")
        );
        assert_eq!(
            ok(
                "States.Base64Decode($.base64)",
                json!({"base64": "RGF0YSB0byBlbmNvZGU="})
            ),
            json!("Data to encode")
        );
        assert_eq!(
            ok(
                "States.Hash($.Data, $.Algorithm)",
                json!({"Data": "input data", "Algorithm": "SHA-1"})
            ),
            json!("aaff4a450a104cd177d28d18d74485e8cae074b7")
        );
        assert_eq!(
            ok(
                "States.JsonMerge($.json1, $.json2, false)",
                json!({
                    "json1": {"a": {"a1": 1, "a2": 2}, "b": 2},
                    "json2": {"a": {"a3": 1, "a4": 2}, "c": 3}
                })
            ),
            json!({"a": {"a3": 1, "a4": 2}, "b": 2, "c": 3})
        );
        assert_eq!(
            ok(
                "States.MathAdd($.value1, $.step)",
                json!({"value1": 111, "step": -1})
            ),
            json!(110)
        );
        assert_eq!(
            ok(
                "States.StringSplit($.inputString, $.splitter)",
                json!({"inputString": "1,2,3,4,5", "splitter": ","})
            ),
            json!(["1", "2", "3", "4", "5"])
        );
        assert_eq!(
            ok(
                "States.StringSplit($.inputString, $.splitter)",
                json!({"inputString": "This.is+a,test=string", "splitter": ".+,="})
            ),
            json!(["This", "is", "a", "test", "string"])
        );
        let id = ok("States.UUID()", json!({}));
        let id = id.as_str().unwrap();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        let r = ok(
            "States.MathRandom($.start, $.end)",
            json!({"start": 1, "end": 999}),
        );
        assert!((1..999).contains(&r.as_i64().unwrap()));
    }

    #[test]
    fn templates_split_at_placeholders_as_str_split_does() {
        for t in [
            "",
            "{}",
            "{}{}",
            "{{}",
            "{}}",
            "a{b}c",
            "x {} y {} z",
            "{",
            "}",
            "é{}ü{}",
        ] {
            assert_eq!(
                split_placeholders(t),
                t.split("{}").collect::<Vec<_>>(),
                "{t}"
            );
        }
    }

    #[test]
    fn format_edge_cases() {
        assert_eq!(
            ok(
                "States.Format('fst={} snd={}.', $.a, $.b)",
                json!({"a": null, "b": {"Arg1": 1, "Arg2": []}})
            ),
            json!("fst=null snd={Arg1=1, Arg2=[]}.")
        );
        assert_eq!(
            ok("States.Format('{}', $.a)", json!({"a": 1.1})),
            json!("1.1")
        );
        assert_eq!(
            ok("States.Format('\\{\\} {} \\'x\\' \\\\', 1)", json!({})),
            json!("{} 1 'x' \\")
        );
        assert_eq!(
            ok("States.Format($tpl, 'Pikachu')", json!({})),
            json!("It's Pikachu!")
        );
        assert_eq!(
            ok("States.Format('no placeholders')", json!({})),
            json!("no placeholders")
        );
        let e = err("States.Format('{} {}', 1)", json!({}));
        assert_eq!(e.error, "States.Runtime");
        // A brace outside a placeholder fails, as a suite run on AWS records it.
        for t in [
            "States.Format('Hello {{}}', $.a)",
            "States.Format('}')",
            "States.Format('{ }', 1)",
        ] {
            let e = err(t, json!({"a": "x"}));
            assert_eq!(e.error, "States.Runtime", "{t}");
            assert!(e.cause.contains("not part of a placeholder"), "{t}");
        }
        assert_eq!(
            ok("States.Format('\\{{}\\}', $.a)", json!({"a": "x"})),
            json!("{x}")
        );
        let e = err("States.Format($.t, 1)", json!({"t": 5}));
        assert_eq!(e.error, "States.Runtime");
    }

    #[test]
    fn math_add_rounds_half_up() {
        // test_math_add: every pair AWS was given, and what it answered.
        for (a, b, sum) in [
            (json!(-9), json!(3), -6),
            (json!(1.49), json!(1.5), 3),
            (json!(1.5), json!(1.51), 4),
            (json!(-1.49), json!(-1.5), -2),
            (json!(-1.5), json!(-1.51), -3),
            (json!(1.49), json!(0), 1),
            (json!(1.49), json!(-1.49), 0),
            (json!(1.5), json!(0), 2),
            (json!(1.51), json!(0), 2),
            (json!(-1.49), json!(0), -1),
            (json!(-1.5), json!(0), -1),
            (json!(-1.51), json!(0), -2),
            (json!(0.5), json!(0), 1),
            (json!(2.5), json!(0), 3),
            (json!(3.5), json!(0), 4),
            (json!(-0.5), json!(0.5), 1),
            (json!(-0.5), json!(0), 0),
            (json!(-2.5), json!(0), -2),
            (json!(-3.5), json!(0), -3),
        ] {
            assert_eq!(
                ok("States.MathAdd($.a, $.b)", json!({"a": a, "b": b})),
                json!(sum),
                "{a} + {b}"
            );
        }
        assert_eq!(
            err("States.MathAdd($.a, 1)", json!({"a": "1"})).error,
            "States.Runtime"
        );
    }

    #[test]
    fn string_to_json_edge_cases() {
        for (s, v) in [
            ("", json!(null)),
            (" ", json!(null)),
            ("null", json!(null)),
            ("-0", json!(0)),
            ("[-0, -0.0, \"-0\"]", json!([0, -0.0, "-0"])),
            ("1", json!(1)),
            ("1.1", json!(1.1)),
            ("true", json!(true)),
            ("\"HelloWorld\"", json!("HelloWorld")),
            ("[1, 2, \"HelloWorld\"]", json!([1, 2, "HelloWorld"])),
            (
                "{\"Arg1\": 1, \"Arg2\": []}",
                json!({"Arg1": 1, "Arg2": []}),
            ),
        ] {
            assert_eq!(ok("States.StringToJson($.s)", json!({"s": s})), v, "{s:?}");
        }
        let out = ok(
            "States.StringToJson($.s)",
            json!({"s": "{\"b\": 1, \"a\": 2}"}),
        );
        assert_eq!(
            out.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["b", "a"]
        );
        assert_eq!(
            err("States.StringToJson($.s)", json!({"s": "{"})).error,
            "States.Runtime"
        );
    }

    #[test]
    fn arrays() {
        assert_eq!(
            ok(
                "States.ArrayContains($.a, $.b)",
                json!({"a": [], "b": null})
            ),
            json!(false)
        );
        assert_eq!(
            ok(
                "States.ArrayContains($.a, $.b)",
                json!({"a": [[1,2,3],2], "b": [1,2,3]})
            ),
            json!(true)
        );
        assert_eq!(
            ok(
                "States.ArrayContains($.a, $.b)",
                json!({"a": [{"1": 2, "2": []}], "b": {"1": 2, "2": []}})
            ),
            json!(true)
        );
        assert_eq!(
            ok(
                "States.ArrayContains($.a, $.b)",
                json!({"a": [1], "b": 1.0})
            ),
            json!(false)
        );
        assert_eq!(
            ok("States.ArrayRange(0, 10, 3)", json!({})),
            json!([0, 3, 6, 9])
        );
        assert_eq!(
            ok("States.ArrayRange(5, 1, -2)", json!({})),
            json!([5, 3, 1])
        );
        assert_eq!(ok("States.ArrayRange(5, 1, 2)", json!({})), json!([]));
        assert_eq!(
            err("States.ArrayRange(1, 5000, 1)", json!({})).error,
            "States.Runtime"
        );
        assert_eq!(
            err("States.ArrayRange(1, 5, 0)", json!({})).error,
            "States.Runtime"
        );
        assert_eq!(
            ok("States.ArrayPartition($.a, 2)", json!({"a": []})),
            json!([])
        );
        // A fraction is truncated, as observed on AWS (the module's documentation):
        // the suite's cases, with the values it records.
        assert_eq!(
            ok(
                "States.ArrayPartition($.arr, 2.6)",
                json!({"arr": [1, 2, 3, 4, 5]})
            ),
            json!([[1, 2], [3, 4], [5]])
        );
        assert_eq!(
            err(
                "States.ArrayPartition($.arr, 0.6)",
                json!({"arr": [1, 2, 3]})
            )
            .error,
            "States.Runtime"
        );
        assert_eq!(ok("States.ArrayRange(1.6, 1.4, 1)", json!({})), json!([1]));
        assert_eq!(
            ok("States.ArrayRange(5.4, -0.6, -2.4)", json!({})),
            json!([5, 3, 1])
        );
        assert_eq!(
            ok(
                "States.ArrayGetItem($.arr, 1.2)",
                json!({"arr": [10, 20, 30]})
            ),
            json!(20)
        );
        assert_eq!(
            err("States.MathRandom(1.4, 1.6)", json!({})).error,
            "States.Runtime"
        );
        assert_eq!(
            ok("States.ArrayRange(1, 9.4, 2)", json!({})),
            json!([1, 3, 5, 7, 9])
        );
        assert_eq!(
            err("States.ArrayRange(1, 5, 0.4)", json!({})).error,
            "States.Runtime"
        );
        assert_eq!(
            err("States.ArrayPartition($.a, 0)", json!({"a": [1]})).error,
            "States.Runtime"
        );
        assert_eq!(
            err("States.ArrayGetItem($.a, 3)", json!({"a": [1]})).error,
            "States.Runtime"
        );
        assert_eq!(
            err("States.ArrayGetItem($.a, -1)", json!({"a": [1]})).error,
            "States.Runtime"
        );
        assert_eq!(
            err("States.ArrayLength($.a)", json!({"a": "x"})).error,
            "States.Runtime"
        );
        assert_eq!(
            ok(
                "States.ArrayUnique($.a)",
                json!({"a": [null, null, true, true, 1, 1, 1.1, 0, -0, "x", "x", [], [], {"a": 1}, {"a": 1}, {"a": 2}]})
            ),
            json!([null, 0, {"a": 1}, 1, [], {"a": 2}, "x", 1.1, true])
        );
    }

    /// What a characterization suite run on AWS records
    /// (`tests/support/conformance/intrinsicCases/States.*.ts`: its cases and
    /// the notes of the ones it could not pass).
    #[test]
    fn edge_cases_as_observed_on_aws() {
        // States.ArrayUnique: a Java HashSet (AUNIQ-004, -005, -008, -010).
        for (input, unique) in [
            (json!([true, false, true, false]), json!([false, true])),
            (json!([[1, 2], [1, 2], [2, 1]]), json!([[2, 1], [1, 2]])),
            (json!([null, null, 1, null]), json!([null, 1])),
            (
                json!([{"a": 1, "b": 2}, {"b": 2, "a": 1}]),
                json!([{"a": 1, "b": 2}]),
            ),
            (json!(["a", "b", "a", "c", "b"]), json!(["a", "b", "c"])),
            (json!([1, 2, 1, 3, 2, 4]), json!([1, 2, 3, 4])),
        ] {
            assert_eq!(
                ok("States.ArrayUnique($.a)", json!({ "a": input })),
                unique,
                "{input}"
            );
        }
        // States.ArrayContains: as text (AC-009, AC-026, AC-028, AC-025, AC-027).
        for (arr, target, found) in [
            (json!([{"a": 1, "b": 2}]), json!({"b": 2, "a": 1}), false),
            (
                json!(["-1", "-1.5", "-9007199254740991", "9007199254740991"]),
                json!(9007199254740991_i64),
                true,
            ),
            (json!(["true", "false", "maybe"]), json!(true), true),
            (json!([0, 1, -1, -1.5]), json!(false), false),
            (
                json!([null, "", " ", 0, 1, true, false, [0, 1, false]]),
                json!([0, 1, false]),
                true,
            ),
            (json!([{"a": 1}]), json!({"a": 1, "extra": null}), false),
        ] {
            assert_eq!(
                ok(
                    "States.ArrayContains($.a, $.t)",
                    json!({ "a": arr, "t": target })
                ),
                json!(found),
                "{arr} {target}"
            );
        }
        // States.ArrayGetItem (AGI-011, AGI-009, AGI-010).
        assert_eq!(
            ok("States.ArrayGetItem($.a, 999)", json!({"a": []})),
            json!(null)
        );
        assert_eq!(
            err("States.ArrayGetItem($.a, 3)", json!({"a": [10, 20, 30]})).error,
            "States.Runtime"
        );
        assert_eq!(
            err("States.ArrayGetItem($.a, -1)", json!({"a": [10, 20, 30]})).error,
            "States.Runtime"
        );
        // States.MathAdd: Java ints (MADD-009 to -016).
        for (expr, sum) in [
            ("States.MathAdd(2147483647, 0)", 2147483647_i64),
            ("States.MathAdd(-2147483648, 0)", -2147483648),
            ("States.MathAdd(2147483646, 1)", 2147483647),
            ("States.MathAdd(-2147483647, -1)", -2147483648),
        ] {
            assert_eq!(ok(expr, json!({})), json!(sum), "{expr}");
        }
        for expr in [
            "States.MathAdd(2147483647, 1)",
            "States.MathAdd(-2147483648, -1)",
            "States.MathAdd(3000000000, 1)",
            "States.MathAdd(-3000000000, 1)",
        ] {
            assert_eq!(err(expr, json!({})).error, "States.Runtime", "{expr}");
        }
        // States.Hash of a number or an object (HASH-014, HASH-017): hashed.
        assert_eq!(
            ok("States.Hash(123, 'MD5')", json!({})),
            ok("States.Hash('123', 'MD5')", json!({}))
        );
        assert_eq!(
            ok("States.Hash($.o, 'SHA-256')", json!({"o": {}})),
            ok("States.Hash('{}', 'SHA-256')", json!({}))
        );
        // States.Base64Decode never fails (B64D-015, -017, -019, -024).
        assert_eq!(
            ok("States.Base64Decode(' YWJjZA== ')", json!({})),
            json!("abcd")
        );
        for text in ["!!!invalid!!!", "abc", "ab==cd"] {
            assert!(
                ok("States.Base64Decode($.s)", json!({ "s": text })).is_string(),
                "{text}"
            );
        }
        // The decoder's own rules (Commons Codec's), not observed on AWS: the
        // first `=` ends the data, the URL-safe alphabet decodes too.
        assert_eq!(ok("States.Base64Decode('ab==cd')", json!({})), json!("i"));
        assert_eq!(
            ok("States.Base64Decode('aGVsbG8')", json!({})),
            json!("hello")
        );
        assert_eq!(
            ok("States.Base64Decode('_-8=')", json!({})),
            ok("States.Base64Decode('/+8=')", json!({}))
        );
    }

    #[test]
    fn hashes_and_encodings() {
        for (alg, hex) in [
            ("MD5", "812f45842bc6d66ee14572ce20db8e86"),
            ("SHA-1", "aaff4a450a104cd177d28d18d74485e8cae074b7"),
            (
                "SHA-256",
                "b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3",
            ),
            (
                "SHA-384",
                "d28a7d5cf25a74f11a50a18452b75e04bb3d70c9dd0510d6123aa008c756511b87525bdc835ebb27e1fb9e9374a15562",
            ),
            (
                "SHA-512",
                "6ce4adb348546d4f449c4d25aad9a7c9cb711d9e91982d3f0b29ca2f3f47d4ce2deba23bf2954f0f1d593fc50283731a533d30d425402d4f91316d871303aac4",
            ),
        ] {
            assert_eq!(
                ok(
                    "States.Hash($.d, $.a)",
                    json!({"d": "input data", "a": alg})
                ),
                json!(hex)
            );
        }
        assert_eq!(
            err("States.Hash('x', 'SHA-0')", json!({})).error,
            "States.Runtime"
        );
        assert_eq!(
            ok("States.Hash($.d, 'MD5')", json!({"d": 1})),
            json!("c4ca4238a0b923820dcc509a6f75849b")
        );
        assert_eq!(ok("States.Base64Encode('')", json!({})), json!(""));
        assert_eq!(ok("States.Base64Decode('')", json!({})), json!(""));
        assert_eq!(ok("States.Base64Decode('!!')", json!({})), json!(""));
        let long = "x".repeat(MAX_INPUT_CHARS + 1);
        assert_eq!(
            err("States.Base64Encode($.s)", json!({"s": long})).error,
            "States.Runtime"
        );
    }

    #[test]
    fn nested_calls_and_context() {
        assert_eq!(
            ok(
                "States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), 0)",
                json!({})
            ),
            json!("my")
        );
        assert_eq!(
            ok(
                "States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, '-')), -1))",
                json!({})
            ),
            json!("name")
        );
        assert_eq!(
            ok("States.StringSplit('Hello\nWorld', '\n')", json!({})),
            json!(["Hello", "World"])
        );
        assert_eq!(
            ok(
                "States.JsonMerge(States.StringToJson('{\"constant_in_literal\": \"false\"}'), $$.Execution.Input, false)",
                json!({})
            ),
            json!({"constant_in_literal": "false", "a": 1})
        );
        let merged = ok(
            "States.JsonMerge(States.StringToJson('{\"constant_in_literal\": \"false\"}'), $.x, false)",
            json!({"x": {"constant_input_field": "constant_value"}}),
        );
        assert_eq!(
            merged.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["constant_input_field", "constant_in_literal"]
        );
        assert_eq!(
            err("States.JsonMerge($.a, $.a, true)", json!({"a": {}})).error,
            "States.Runtime"
        );
    }

    #[test]
    fn json_text_and_merge_as_recorded() {
        // test_json_manipulation (LocalStack's snapshots of AWS).
        for (v, text) in [
            (json!(null), "null"),
            (json!(0), "0"),
            (json!(1.1), "1.1"),
            (json!(true), "true"),
            (json!("HelloWorld"), "\"HelloWorld\""),
            (json!([1, 2, "HelloWorld"]), "[1,2,\"HelloWorld\"]"),
            (json!({"Arg1": 1, "Arg2": []}), "{\"Arg1\":1,\"Arg2\":[]}"),
        ] {
            assert_eq!(ok("States.JsonToString($.v)", json!({"v": v})), json!(text));
        }
        let merged = ok(
            "States.JsonMerge($.fst, $.snd, false)",
            json!({"fst": {"a": {"a1": 1, "a2": 2}, "b": 2, "d": 3}, "snd": {"a": {"a3": 1, "a4": 2}, "c": 3, "d": 4}}),
        );
        assert_eq!(
            merged,
            json!({"a": {"a3": 1, "a4": 2}, "b": 2, "c": 3, "d": 4})
        );
        assert_eq!(
            merged.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["a", "b", "c", "d"]
        );
    }

    #[test]
    fn missing_paths() {
        let e = err("States.ArrayLength($.nope)", json!({}));
        assert_eq!(e.error, "States.Runtime");
        assert_eq!(
            e.cause,
            "Invalid path '$.nope' : No results for path: $['nope']"
        );
    }

    #[test]
    fn math_random() {
        // With a seed, as java.util.Random(seed).nextInt(end - start) + start.
        assert_eq!(JavaRandom::new(42).next_int(10), 0);
        assert_eq!(JavaRandom::new(0).next_int(100), 60);
        let a = ok("States.MathRandom(1, 100, 7)", json!({}));
        let b = ok("States.MathRandom(1, 100, 7)", json!({}));
        assert_eq!(a, b);
        assert_eq!(ok("States.MathRandom(5, 6)", json!({})), json!(5));
        assert_eq!(
            err("States.MathRandom(5, 5)", json!({})).error,
            "States.Runtime"
        );
        // The engine's generator makes runs reproducible.
        assert_eq!(
            ok("States.UUID()", json!({})),
            ok("States.UUID()", json!({}))
        );
    }
}
