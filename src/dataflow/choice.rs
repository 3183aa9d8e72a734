//! Choice rules of JSONPath Choice states: every comparison operator and its
//! `...Path` variant, `And`/`Or`/`Not`, the `Is...` tests and
//! `StringMatches`, as AWS evaluates them:
//!
//! - A comparison is true only when both sides have the operator's type: a
//!   number compared with `StringEquals` is simply false. One exception: a
//!   `Numeric...Path` operand that is a boolean, an array or an object is read
//!   as Java reads it (`true` 1, anything else 0), see [`numeric_operand`].
//! - Numbers compare by value (`0` equals `0.0`); strings compare as Java
//!   does (by UTF-16 code units).
//! - Timestamps are strings in ISO-8601 extended offset date-time form
//!   (`2016-03-14T01:59:00Z`, `...T01:59:00.123+01:00`), compared as
//!   instants; a string that is not one makes the comparison false.
//! - `StringMatches` reads `*` as any run of characters, `\*` as a star and
//!   `\\` as a backslash.
//! - `IsPresent` is the only test that accepts a `Variable` that matches
//!   nothing; with any other operator (and for a `...Path` operand that
//!   matches nothing) AWS fails the execution with `States.Runtime`:
//!   `Invalid path '$.x': The choice state's condition path references an
//!   invalid value.`
//!
//! Rules are compiled once ([`Rule::compile`]); [`evaluate`] compiles and
//! evaluates in one call.

use serde_json::Value;

use super::eval::{Bindings, EvalError};
use super::path::{self, Path};
use crate::model::Condition;

/// `And`/`Or`/`Not` nest: deeper than this is refused.
pub const MAX_RULE_DEPTH: usize = 256;

/// A compiled Choice rule (without its `Next`).
#[derive(Debug, Clone)]
pub struct Rule {
    kind: Kind,
}

#[derive(Debug, Clone)]
enum Kind {
    And(Vec<Rule>),
    Or(Vec<Rule>),
    Not(Box<Rule>),
    Test(Box<Test>),
}

#[derive(Debug, Clone)]
struct Test {
    variable: Path,
    /// The `Variable` as written, for causes.
    variable_text: String,
    op: Op,
}

#[derive(Debug, Clone)]
enum Op {
    Compare {
        kind: Type,
        cmp: Cmp,
        operand: Operand,
    },
    Matches(Vec<GlobToken>),
    Is {
        kind: IsKind,
        want: bool,
    },
    IsPresent(bool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Type {
    String,
    Numeric,
    Boolean,
    Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IsKind {
    Null,
    Numeric,
    String,
    Boolean,
    Timestamp,
}

#[derive(Debug, Clone)]
enum Operand {
    Literal(Value),
    Path(Path, String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum GlobToken {
    Char(char),
    Star,
}

impl Rule {
    /// Compiles a rule of the model. A JSONata `Condition` is not a JSONPath
    /// rule: it is the JSONata engine's to evaluate.
    pub fn compile(condition: &Condition) -> Result<Rule, String> {
        compile_condition(condition, 0)
    }

    /// Compiles a rule given as JSON (`{"Variable": "$.x", "NumericEquals": 1}`,
    /// `{"And": [...]}`); `Next` and `Assign` are ignored.
    pub fn from_value(rule: &Value) -> Result<Rule, String> {
        compile_value(rule, 0)
    }

    /// Whether the rule matches.
    pub fn evaluate(&self, b: &Bindings) -> Result<bool, EvalError> {
        match &self.kind {
            Kind::And(rules) => {
                for r in rules {
                    if !r.evaluate(b)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            Kind::Or(rules) => {
                for r in rules {
                    if r.evaluate(b)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Kind::Not(r) => Ok(!r.evaluate(b)?),
            Kind::Test(t) => t.evaluate(b),
        }
    }
}

/// Compiles and evaluates a rule of the model (prefer [`Rule::compile`] once
/// and [`Rule::evaluate`] per visit).
pub fn evaluate(condition: &Condition, b: &Bindings) -> Result<bool, EvalError> {
    Rule::compile(condition)
        .map_err(EvalError::runtime)?
        .evaluate(b)
}

fn compile_condition(c: &Condition, depth: usize) -> Result<Rule, String> {
    if depth > MAX_RULE_DEPTH {
        return Err(format!(
            "Choice rules nest more than {MAX_RULE_DEPTH} levels deep"
        ));
    }
    let kind = match c {
        Condition::And(rules) => Kind::And(
            rules
                .iter()
                .map(|r| compile_condition(r, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Condition::Or(rules) => Kind::Or(
            rules
                .iter()
                .map(|r| compile_condition(r, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Condition::Not(r) => Kind::Not(Box::new(compile_condition(r, depth + 1)?)),
        Condition::Compare {
            variable,
            operator,
            operand,
            ..
        } => {
            let variable = variable
                .as_ref()
                .map(|v| v.value)
                .ok_or("a comparison needs a Variable")?;
            return compile_test(variable, operator.value, &operand.to_value());
        }
        Condition::Jsonata { .. } => {
            return Err("a JSONata Condition is evaluated by the JSONata engine".into());
        }
        Condition::Invalid { pointer } => {
            return Err(format!("the Choice rule at {pointer} is not valid"));
        }
    };
    Ok(Rule { kind })
}

fn compile_value(v: &Value, depth: usize) -> Result<Rule, String> {
    if depth > MAX_RULE_DEPTH {
        return Err(format!(
            "Choice rules nest more than {MAX_RULE_DEPTH} levels deep"
        ));
    }
    let Some(m) = v.as_object() else {
        return Err("a Choice rule must be an object".into());
    };
    let list = |key: &str| -> Result<Vec<Rule>, String> {
        m.get(key)
            .and_then(Value::as_array)
            .ok_or_else(|| format!("{key} must be an array of rules"))?
            .iter()
            .map(|r| compile_value(r, depth + 1))
            .collect()
    };
    if m.contains_key("And") {
        return Ok(Rule {
            kind: Kind::And(list("And")?),
        });
    }
    if m.contains_key("Or") {
        return Ok(Rule {
            kind: Kind::Or(list("Or")?),
        });
    }
    if let Some(inner) = m.get("Not") {
        return Ok(Rule {
            kind: Kind::Not(Box::new(compile_value(inner, depth + 1)?)),
        });
    }
    let variable = m
        .get("Variable")
        .and_then(Value::as_str)
        .ok_or("a comparison needs a Variable")?;
    let (op, operand) = m
        .iter()
        .find(|(k, _)| crate::model::COMPARISON_OPERATORS.contains(&k.as_str()))
        .ok_or("the rule has no comparison operator")?;
    compile_test(variable, op, operand)
}

fn compile_test(variable_text: &str, operator: &str, operand: &Value) -> Result<Rule, String> {
    let variable = path::parse(variable_text).map_err(|e| format!("Variable: {e}"))?;
    let want_bool = || {
        operand
            .as_bool()
            .ok_or_else(|| format!("{operator} takes true or false"))
    };
    let op = match operator {
        "IsPresent" => Op::IsPresent(want_bool()?),
        "IsNull" => Op::Is {
            kind: IsKind::Null,
            want: want_bool()?,
        },
        "IsNumeric" => Op::Is {
            kind: IsKind::Numeric,
            want: want_bool()?,
        },
        "IsString" => Op::Is {
            kind: IsKind::String,
            want: want_bool()?,
        },
        "IsBoolean" => Op::Is {
            kind: IsKind::Boolean,
            want: want_bool()?,
        },
        "IsTimestamp" => Op::Is {
            kind: IsKind::Timestamp,
            want: want_bool()?,
        },
        "StringMatches" => Op::Matches(glob(
            operand
                .as_str()
                .ok_or("StringMatches takes a string pattern")?,
        )),
        _ => {
            let (base, by_path) = match operator.strip_suffix("Path") {
                Some(base) => (base, true),
                None => (operator, false),
            };
            let (kind, rest) = [
                ("String", Type::String),
                ("Numeric", Type::Numeric),
                ("Boolean", Type::Boolean),
                ("Timestamp", Type::Timestamp),
            ]
            .iter()
            .find_map(|(prefix, t)| base.strip_prefix(prefix).map(|rest| (*t, rest)))
            .ok_or_else(|| format!("'{operator}' is not a comparison operator"))?;
            let cmp = match rest {
                "Equals" => Cmp::Eq,
                "LessThan" => Cmp::Lt,
                "LessThanEquals" => Cmp::Le,
                "GreaterThan" => Cmp::Gt,
                "GreaterThanEquals" => Cmp::Ge,
                _ => return Err(format!("'{operator}' is not a comparison operator")),
            };
            if kind == Type::Boolean && cmp != Cmp::Eq {
                return Err(format!("'{operator}' is not a comparison operator"));
            }
            let operand = if by_path {
                let text = operand
                    .as_str()
                    .ok_or_else(|| format!("{operator} takes a path"))?;
                Operand::Path(
                    path::parse(text).map_err(|e| format!("{operator}: {e}"))?,
                    text.to_string(),
                )
            } else {
                let fits = match kind {
                    Type::String | Type::Timestamp => operand.is_string(),
                    Type::Numeric => operand.is_number(),
                    Type::Boolean => operand.is_boolean(),
                };
                if !fits {
                    return Err(format!(
                        "{operator} takes a {} value",
                        match kind {
                            Type::String | Type::Timestamp => "string",
                            Type::Numeric => "number",
                            Type::Boolean => "boolean",
                        }
                    ));
                }
                Operand::Literal(operand.clone())
            };
            Op::Compare { kind, cmp, operand }
        }
    };
    Ok(Rule {
        kind: Kind::Test(Box::new(Test {
            variable,
            variable_text: variable_text.to_string(),
            op,
        })),
    })
}

fn invalid_path(text: &str) -> EvalError {
    EvalError::runtime(format!(
        "Invalid path '{text}': The choice state's condition path references an invalid value."
    ))
}

impl Test {
    fn evaluate(&self, b: &Bindings) -> Result<bool, EvalError> {
        if let Op::IsPresent(want) = self.op {
            return Ok(path::exists(&self.variable, b) == want);
        }
        let value =
            path::query(&self.variable, b).map_err(|_| invalid_path(&self.variable_text))?;
        let value = value.as_ref();
        Ok(match &self.op {
            // Reached only when the variable exists.
            Op::IsPresent(want) => *want,
            Op::Is { kind, want } => {
                let is = match kind {
                    IsKind::Null => value.is_null(),
                    IsKind::Numeric => value.is_number(),
                    IsKind::String => value.is_string(),
                    IsKind::Boolean => value.is_boolean(),
                    IsKind::Timestamp => value.as_str().and_then(parse_timestamp).is_some(),
                };
                is == *want
            }
            Op::Matches(pattern) => value.as_str().is_some_and(|s| glob_match(pattern, s)),
            Op::Compare { kind, cmp, operand } => {
                let other = match operand {
                    Operand::Literal(v) => std::borrow::Cow::Borrowed(v),
                    Operand::Path(p, text) => {
                        let other = path::query(p, b).map_err(|_| invalid_path(text))?;
                        match (kind, value, other.as_ref()) {
                            (Type::Numeric, Value::Number(_), o) => match numeric_operand(o) {
                                Some(n) => std::borrow::Cow::Owned(n),
                                None => other,
                            },
                            _ => other,
                        }
                    }
                };
                compare(*kind, *cmp, value, &other)
            }
        })
    }
}

/// The number AWS compares a numeric `Variable` with when a `Numeric...Path`
/// operand is a boolean, an array or an object: it reads it as Java's JSON
/// library does (`asDouble`: `true` 1, anything else 0) instead of failing the
/// comparison. A characterization suite run on AWS records that
/// `{"left": 8, "right": false}` matches `NumericGreaterThanEqualsPath` and
/// `{"left": 7, "right": [6]}` matches `NumericGreaterThanPath`, while
/// `{"left": 7, "right": {"value": 7}}` does not match `NumericEqualsPath`,
/// `{"left": 8, "right": {"value": 8}}` does not match `NumericLessThanEqualsPath`
/// and `{"left": 7, "right": true}` does not match `NumericLessThanPath`
/// (tests/support/conformance/*: Choice.NumericGreaterThanEqualsPath 008,
/// Choice.NumericGreaterThanPath 008, Choice.NumericEqualsPath 007,
/// Choice.NumericLessThanEqualsPath 008, Choice.NumericLessThanPath 008).
/// A string or null operand, which nothing recorded, still fails the comparison;
/// the `Variable` itself must be a number (a string, null or object one does not
/// match: the same suite's 006/007 cases).
fn numeric_operand(v: &Value) -> Option<Value> {
    match v {
        Value::Bool(b) => Some(Value::from(u8::from(*b))),
        Value::Array(_) | Value::Object(_) => Some(Value::from(0)),
        _ => None,
    }
}

fn compare(kind: Type, cmp: Cmp, a: &Value, b: &Value) -> bool {
    use std::cmp::Ordering;
    let order: Option<Ordering> = match kind {
        Type::String => match (a, b) {
            (Value::String(x), Value::String(y)) => Some(x.encode_utf16().cmp(y.encode_utf16())),
            _ => None,
        },
        Type::Numeric => match (a, b) {
            (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
                (Some(x), Some(y)) => Some(x.cmp(&y)),
                _ => match (x.as_u64(), y.as_u64()) {
                    (Some(x), Some(y)) => Some(x.cmp(&y)),
                    _ => x
                        .as_f64()
                        .zip(y.as_f64())
                        .and_then(|(x, y)| x.partial_cmp(&y)),
                },
            },
            _ => None,
        },
        Type::Boolean => match (a, b) {
            (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
            _ => None,
        },
        Type::Timestamp => match (
            a.as_str().and_then(parse_timestamp),
            b.as_str().and_then(parse_timestamp),
        ) {
            (Some(x), Some(y)) => Some(x.cmp(&y)),
            _ => None,
        },
    };
    let Some(order) = order else { return false };
    match cmp {
        Cmp::Eq => order == Ordering::Equal,
        Cmp::Lt => order == Ordering::Less,
        Cmp::Le => order != Ordering::Greater,
        Cmp::Gt => order == Ordering::Greater,
        Cmp::Ge => order != Ordering::Less,
    }
}

/// A `StringMatches` pattern: `*` any run, `\*` a star, `\\` a backslash
/// (a backslash before any other character stands for that character).
fn glob(pattern: &str) -> Vec<GlobToken> {
    let mut out = Vec::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(GlobToken::Char(chars.next().unwrap_or('\\'))),
            '*' => {
                if out.last() != Some(&GlobToken::Star) {
                    out.push(GlobToken::Star);
                }
            }
            c => out.push(GlobToken::Char(c)),
        }
    }
    out
}

/// Wildcard matching without recursion (backtracks to the last star).
fn glob_match(pattern: &[GlobToken], s: &str) -> bool {
    let text: Vec<char> = s.chars().collect();
    let (mut p, mut t) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(GlobToken::Char(c)) if *c == text[t] => {
                p += 1;
                t += 1;
            }
            Some(GlobToken::Star) => {
                star = Some((p, t));
                p += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p.min(pattern.len())..]
        .iter()
        .all(|tok| *tok == GlobToken::Star)
}

/// Nanoseconds since the Unix epoch of a timestamp in the form Java's
/// `DateTimeFormatter.ISO_OFFSET_DATE_TIME` reads, which is what AWS's
/// causes name ("ISO-8601 extended offset date-time format"):
/// `YYYY-MM-DDTHH:MM[:SS[.fraction]]` then `Z` or `±HH:MM[:SS]`; letters in
/// either case; calendar dates checked.
pub fn parse_timestamp(s: &str) -> Option<i128> {
    let b = s.as_bytes();
    let mut i = 0usize;
    let digits = |i: &mut usize, n: usize| -> Option<i64> {
        let part = b.get(*i..*i + n)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        *i += n;
        Some(
            part.iter()
                .fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0')),
        )
    };
    let expect = |i: &mut usize, c: u8| -> Option<()> {
        (b.get(*i)?.eq_ignore_ascii_case(&c)).then(|| *i += 1)
    };
    let year = digits(&mut i, 4)?;
    expect(&mut i, b'-')?;
    let month = digits(&mut i, 2)?;
    expect(&mut i, b'-')?;
    let day = digits(&mut i, 2)?;
    expect(&mut i, b'T')?;
    let hour = digits(&mut i, 2)?;
    expect(&mut i, b':')?;
    let minute = digits(&mut i, 2)?;
    let mut second = 0;
    let mut nanos: i64 = 0;
    if b.get(i) == Some(&b':') {
        i += 1;
        second = digits(&mut i, 2)?;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            let n = i - start;
            if n == 0 || n > 9 {
                return None;
            }
            let frac = &s[start..i];
            nanos = frac.parse::<i64>().ok()? * 10i64.pow(9 - n as u32);
        }
    }
    let offset_seconds: i64 = match b.get(i)? {
        b'Z' | b'z' => {
            i += 1;
            0
        }
        sign @ (b'+' | b'-') => {
            let sign = if *sign == b'-' { -1 } else { 1 };
            i += 1;
            let oh = digits(&mut i, 2)?;
            expect(&mut i, b':')?;
            let om = digits(&mut i, 2)?;
            let mut os = 0;
            if b.get(i) == Some(&b':') {
                i += 1;
                os = digits(&mut i, 2)?;
            }
            if oh > 18 || om > 59 || os > 59 || (oh == 18 && (om > 0 || os > 0)) {
                return None;
            }
            sign * (oh * 3600 + om * 60 + os)
        }
        _ => return None,
    };
    if i != b.len() {
        return None;
    }
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_seconds;
    Some(i128::from(secs) * 1_000_000_000 + i128::from(nanos))
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, json};

    fn check(rule: Value, input: Value) -> Result<bool, EvalError> {
        let ctx = json!({});
        let vars = Map::new();
        let b = Bindings {
            input: &input,
            context: &ctx,
            variables: &vars,
        };
        Rule::from_value(&rule).unwrap().evaluate(&b)
    }
    fn yes(rule: Value, input: Value) -> bool {
        check(rule.clone(), input).unwrap_or_else(|e| panic!("{rule}: {e}"))
    }

    #[test]
    fn documented_examples() {
        // "Choice state" in the developer guide.
        let rule =
            json!({"Not": {"Variable": "$.type", "StringEquals": "Private"}, "Next": "Public"});
        assert!(yes(rule.clone(), json!({"type": "Public"})));
        assert!(!yes(rule, json!({"type": "Private"})));
        let rule = json!({"And": [
            {"Variable": "$.value", "NumericGreaterThanEquals": 20},
            {"Variable": "$.value", "NumericLessThan": 30}
        ]});
        assert!(yes(rule.clone(), json!({"value": 20})));
        assert!(yes(rule.clone(), json!({"value": 29.9})));
        assert!(!yes(rule, json!({"value": 30})));
        assert!(yes(
            json!({"Variable": "$.rating", "NumericGreaterThanPath": "$.auditThreshold"}),
            json!({"rating": 53, "auditThreshold": 50})
        ));
        assert!(yes(
            json!({"Variable": "$.foo", "StringMatches": "log-*.txt"}),
            json!({"foo": "log-2024.txt"})
        ));
        assert!(yes(
            json!({"Variable": "$.ts", "TimestampGreaterThan": "2001-01-01T12:00:00Z"}),
            json!({"ts": "2016-03-14T01:59:00Z"})
        ));
        assert!(yes(
            json!({"Or": [{"Variable": "$.x", "IsPresent": false}, {"Variable": "$.x", "IsNull": true}]}),
            json!({})
        ));
    }

    #[test]
    fn types_must_match() {
        assert!(!yes(
            json!({"Variable": "$.v", "StringEquals": "1"}),
            json!({"v": 1})
        ));
        assert!(!yes(
            json!({"Variable": "$.v", "NumericEquals": 1}),
            json!({"v": "1"})
        ));
        assert!(!yes(
            json!({"Variable": "$.v", "BooleanEquals": true}),
            json!({"v": "true"})
        ));
        assert!(yes(
            json!({"Variable": "$.v", "NumericEquals": 0}),
            json!({"v": 0.0})
        ));
        assert!(yes(
            json!({"Variable": "$.v", "NumericLessThanEquals": 1}),
            json!({"v": 0})
        ));
        assert!(!yes(
            json!({"Variable": "$.v", "TimestampEquals": "2012-10-09T19:00:55Z"}),
            json!({"v": "2012-10-09T19:00:55"})
        ));
        assert!(yes(
            json!({"Variable": "$.v", "TimestampEquals": "2012-10-09T19:00:55Z"}),
            json!({"v": "2012-10-09T20:00:55+01:00"})
        ));
        assert!(!yes(
            json!({"Variable": "$.v", "StringGreaterThanPath": "$.w"}),
            json!({"v": "A", "w": "A\t\n\r"})
        ));
        assert!(yes(
            json!({"Variable": "$.v", "StringLessThan": "AB"}),
            json!({"v": "A"})
        ));
        // Java compares UTF-16 units: U+FF61 sorts after U+1F197.
        assert!(yes(
            json!({"Variable": "$.v", "StringGreaterThan": "\u{1F197}"}),
            json!({"v": "\u{FF61}"})
        ));
    }

    #[test]
    fn is_tests() {
        for (value, null, numeric, string, boolean, timestamp) in [
            (json!(null), true, false, false, false, false),
            (json!(1), false, true, false, false, false),
            (json!(1.5), false, true, false, false, false),
            (json!("x"), false, false, true, false, false),
            (json!(true), false, false, false, true, false),
            (
                json!("2012-10-09T19:00:55Z"),
                false,
                false,
                true,
                false,
                true,
            ),
            (
                json!("2012-10-09T19:00:55"),
                false,
                false,
                true,
                false,
                false,
            ),
            (json!("2023-02-24"), false, false, true, false, false),
            (json!([]), false, false, false, false, false),
            (json!({}), false, false, false, false, false),
        ] {
            let input = json!({"v": value});
            for (op, want) in [
                ("IsNull", null),
                ("IsNumeric", numeric),
                ("IsString", string),
                ("IsBoolean", boolean),
                ("IsTimestamp", timestamp),
            ] {
                assert_eq!(
                    yes(json!({"Variable": "$.v", op: true}), input.clone()),
                    want,
                    "{op} {value}"
                );
                assert_eq!(
                    yes(json!({"Variable": "$.v", op: false}), input.clone()),
                    !want,
                    "{op} {value}"
                );
            }
            assert!(yes(
                json!({"Variable": "$.v", "IsPresent": true}),
                input.clone()
            ));
        }
        assert!(yes(
            json!({"Variable": "$.v", "IsPresent": false}),
            json!({})
        ));
        assert!(yes(
            json!({"Variable": "$.v[*]", "IsPresent": false}),
            json!({"v": []})
        ));
    }

    /// A characterization suite run on AWS (tests/support/conformance/*:
    /// Choice.NumericGreaterThanEqualsPath 008-boolean-right-default and
    /// Choice.NumericGreaterThanPath 008-array-right-default, whose notes record
    /// AWS's `{ selected: 'matched' }`; Choice.NumericEqualsPath 007,
    /// Choice.NumericLessThanEqualsPath 008 and Choice.NumericLessThanPath 008,
    /// which ran on AWS and did not match).
    #[test]
    fn a_numeric_path_operand_that_is_not_a_number_reads_as_java_reads_it() {
        let r = |op: &str| json!({"Variable": "$.left", op: "$.right"});
        assert!(yes(
            r("NumericGreaterThanEqualsPath"),
            json!({"left": 8, "right": false})
        ));
        assert!(yes(
            r("NumericGreaterThanPath"),
            json!({"left": 7, "right": [6]})
        ));
        assert!(!yes(
            r("NumericEqualsPath"),
            json!({"left": 7, "right": {"value": 7}})
        ));
        assert!(!yes(
            r("NumericLessThanEqualsPath"),
            json!({"left": 8, "right": {"value": 8}})
        ));
        assert!(!yes(
            r("NumericLessThanPath"),
            json!({"left": 7, "right": true})
        ));
        // The Variable must be a number.
        assert!(!yes(
            r("NumericEqualsPath"),
            json!({"left": "7", "right": 7})
        ));
        assert!(!yes(
            r("NumericGreaterThanPath"),
            json!({"left": null, "right": 8})
        ));
        assert!(!yes(
            r("NumericGreaterThanEqualsPath"),
            json!({"left": {"value": 8}, "right": 8})
        ));
    }

    #[test]
    fn missing_variables_fail() {
        let e = check(
            json!({"Variable": "$.missing", "NumericEquals": 1}),
            json!({}),
        )
        .unwrap_err();
        assert_eq!(e.error, "States.Runtime");
        assert_eq!(
            e.cause,
            "Invalid path '$.missing': The choice state's condition path references an invalid value."
        );
        let e = check(
            json!({"Variable": "$.v", "NumericEqualsPath": "$.w"}),
            json!({"v": 1}),
        )
        .unwrap_err();
        assert_eq!(
            e.cause,
            "Invalid path '$.w': The choice state's condition path references an invalid value."
        );
        let e = check(json!({"Variable": "$.missing", "IsNull": true}), json!({})).unwrap_err();
        assert_eq!(e.error, "States.Runtime");
        // And/Or stop at the first deciding rule.
        assert!(!yes(
            json!({"And": [{"Variable": "$.v", "IsPresent": true}, {"Variable": "$.v", "IsNull": true}]}),
            json!({})
        ));
    }

    #[test]
    fn string_matches() {
        let m = |p: &str, s: &str| {
            yes(
                json!({"Variable": "$.v", "StringMatches": p}),
                json!({"v": s}),
            )
        };
        assert!(m("*", ""));
        assert!(m("log-*.txt", "log-.txt"));
        assert!(!m("log-*.txt", "log-1.txt.gz"));
        assert!(m("*.log", "a.b.log"));
        assert!(m("a*b*c", "aXXbYYc"));
        assert!(!m("a*b*c", "aXXcYYb"));
        assert!(m("a\\*b", "a*b"));
        assert!(!m("a\\*b", "aXb"));
        assert!(m("a\\\\b", "a\\b"));
        assert!(m("**x", "x"));
        assert!(!m("x", "y"));
        assert!(!yes(
            json!({"Variable": "$.v", "StringMatches": "*"}),
            json!({"v": 1})
        ));
        let long = "a".repeat(5000);
        assert!(!m("*a*a*a*a*b", &long));
    }

    #[test]
    fn timestamps() {
        let t = |s: &str| parse_timestamp(s);
        assert_eq!(t("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(t("1970-01-01T00:00:01.5Z"), Some(1_500_000_000));
        assert_eq!(t("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(t("2016-03-14T01:59Z"), t("2016-03-14T01:59:00Z"));
        assert!(t("2016-12-05T21:29:29").is_none());
        assert!(t("05-12-2016T21:29:29Z").is_none());
        assert!(t("2016-12-05T25:29:29Z").is_none());
        assert!(t("2023-02-29T00:00:00Z").is_none());
        assert!(t("2024-02-29T00:00:00Z").is_some());
        assert!(t("2016-12-05 21:29:29Z").is_none());
        assert!(t("2016-12-05T21:29:29.Z").is_none());
        assert!(t("2016-12-05T21:29:29.1234567891Z").is_none());
        assert!(t("2016-12-05T21:29:29+1:00").is_none());
        assert_eq!(t("2026-11-21T17:11:36Z"), Some(1_795_281_096_000_000_000));
    }

    #[test]
    fn compile_errors() {
        assert!(Rule::from_value(&json!({"Variable": "$.v", "NumericEquals": "1"})).is_err());
        assert!(Rule::from_value(&json!({"Variable": "$.v", "BooleanLessThan": true})).is_err());
        assert!(Rule::from_value(&json!({"Variable": "x", "IsNull": true})).is_err());
        assert!(Rule::from_value(&json!({"NumericEquals": 1})).is_err());
        let mut deep = json!({"Variable": "$.v", "IsNull": true});
        for _ in 0..(MAX_RULE_DEPTH + 2) {
            let mut m = Map::new();
            m.insert("Not".into(), deep);
            deep = Value::Object(m);
        }
        assert!(Rule::from_value(&deep).is_err());
    }
}
