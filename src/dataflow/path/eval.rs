//! Evaluates a [`Path`] the way AWS does: AWS runs Jayway JsonPath (its
//! errors quote Jayway's messages, `Missing property in path $['no']`), so
//! this follows Jayway's rules:
//!
//! - A *definite* path (only `.name`, `['name']`, `[index]`, a final
//!   `['a','b']` or a function) selects one value, or fails with Jayway's
//!   message when it matches nothing.
//! - An *indefinite* path (`[*]`, `..`, slices, filters, index lists) gives
//!   the array of its matches in document order: possibly empty, never an
//!   error (AWS answers `[]` for `$.items[*]` on `{}`).
//! - A missing property at the end of a path is simply no match; one in the
//!   middle of a definite path is an error; stepping into a value of the
//!   wrong type is an error only while the path is still definite.
//!
//! Evaluation walks the segments one after the other (no recursion per
//! segment) and borrows from the bindings; only values that a path creates
//! (function results, `['a','b']` merges) are owned.

use std::borrow::Cow;

use serde_json::{Map, Number, Value};

use super::ast::*;
use crate::dataflow::eval::{Bindings, java_to_string};

/// Why a path selects nothing: Jayway's message (`No results for path: $['a']`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathFailure {
    pub message: String,
}

impl std::fmt::Display for PathFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The value a path selects: a definite path's value (`None` when it matches
/// nothing), or an indefinite path's array of matches (possibly empty).
pub fn select(path: &Path, b: &Bindings) -> Option<Value> {
    query(path, b).ok().map(Cow::into_owned)
}

/// As [`select`], borrowing from the bindings where it can.
pub fn select_cow<'a>(path: &Path, b: &Bindings<'a>) -> Option<Cow<'a, Value>> {
    query(path, b).ok()
}

/// As [`select`], with Jayway's message when a definite path matches nothing
/// (AWS quotes it: `Invalid path '$.x' : No results for path: $['x']`).
pub fn query<'a>(path: &Path, b: &Bindings<'a>) -> Result<Cow<'a, Value>, PathFailure> {
    if let Some(v) = lookup(path, b) {
        return Ok(Cow::Borrowed(v));
    }
    let definite = is_definite(path);
    let root = match root_value(path, b) {
        Ok(root) => root,
        Err(e) if definite => return Err(e),
        Err(_) => return Ok(Cow::Owned(Value::Array(Vec::new()))),
    };
    match run(Cow::Borrowed(root), path, b) {
        Ok(found) if definite => found.into_iter().next().ok_or_else(|| PathFailure {
            message: format!("No results for path: {}", jayway_string(path)),
        }),
        Ok(found) => Ok(Cow::Owned(Value::Array(
            found.into_iter().map(Cow::into_owned).collect(),
        ))),
        Err(e) if definite => Err(e),
        Err(_) => Ok(Cow::Owned(Value::Array(Vec::new()))),
    }
}

/// Whether the path exists (for `IsPresent`): a definite path matches a
/// value, or an indefinite path matches at least one.
pub fn exists(path: &Path, b: &Bindings) -> bool {
    match query(path, b) {
        Ok(v) if !is_definite(path) => v.as_array().is_some_and(|a| !a.is_empty()),
        Ok(_) => true,
        Err(_) => false,
    }
}

/// A member of an object. Payload objects are small, and comparing a few keys
/// costs less than hashing the name (serde_json's maps hash with SipHash).
fn member<'a>(m: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    if m.len() <= 8 {
        m.iter().find(|(k, _)| k.as_str() == name).map(|(_, v)| v)
    } else {
        m.get(name)
    }
}

/// The common case without allocating: a path of names and indexes that
/// reaches a value. Anything else (and every failure) takes the general way.
fn lookup<'a>(path: &Path, b: &Bindings<'a>) -> Option<&'a Value> {
    let mut v = root_value(path, b).ok()?;
    for seg in &path.segments {
        if seg.descendant {
            return None;
        }
        v = match (&seg.selector, v) {
            (Selector::Name(n), Value::Object(m)) => member(m, n)?,
            (Selector::Index(i), Value::Array(_)) => index(v, *i)?,
            _ => return None,
        };
    }
    Some(v)
}

fn root_value<'a>(path: &Path, b: &Bindings<'a>) -> Result<&'a Value, PathFailure> {
    match &path.root {
        Root::Input | Root::Current => Ok(b.input),
        Root::Context => Ok(b.context),
        Root::Variable(name) => b.variables.get(name).ok_or_else(|| PathFailure {
            message: format!("No results for path: ${name}"),
        }),
    }
}

/// Whether Jayway calls the path definite: every step names at most one
/// value. A final `['a','b']` is definite (it makes one object), as is a
/// function call.
pub fn is_definite(path: &Path) -> bool {
    let last = path.segments.len().saturating_sub(1);
    path.segments
        .iter()
        .enumerate()
        .all(|(i, s)| token_definite(s, i == last))
}

fn token_definite(s: &Segment, leaf: bool) -> bool {
    !s.descendant
        && match &s.selector {
            Selector::Name(_) | Selector::Index(_) | Selector::Function { .. } => true,
            Selector::Script(_) => true,
            Selector::Names(_) => leaf,
            _ => false,
        }
}

/// The path as Jayway prints it in messages: `$['a']['b'][0]`.
pub fn jayway_string(path: &Path) -> String {
    let mut out = root_text(&path.root);
    for s in &path.segments {
        push_jayway(&mut out, s);
    }
    out
}

fn root_text(root: &Root) -> String {
    match root {
        Root::Input => "$".into(),
        Root::Context => "$$".into(),
        Root::Variable(name) => format!("${name}"),
        Root::Current => "@".into(),
    }
}

fn push_jayway(out: &mut String, s: &Segment) {
    if s.descendant {
        out.push_str("..");
    }
    match &s.selector {
        Selector::Name(n) => {
            out.push_str("['");
            out.push_str(n);
            out.push_str("']");
        }
        Selector::Names(ns) => {
            out.push('[');
            let quoted: Vec<String> = ns.iter().map(|n| format!("'{n}'")).collect();
            out.push_str(&quoted.join(","));
            out.push(']');
        }
        Selector::Index(i) => out.push_str(&format!("[{i}]")),
        Selector::Indexes(is) => {
            let parts: Vec<String> = is.iter().map(i64::to_string).collect();
            out.push_str(&format!("[{}]", parts.join(",")));
        }
        Selector::Wildcard => out.push_str("[*]"),
        Selector::Slice { start, end, step } => {
            out.push('[');
            if let Some(s) = start {
                out.push_str(&s.to_string());
            }
            out.push(':');
            if let Some(e) = end {
                out.push_str(&e.to_string());
            }
            if let Some(st) = step {
                out.push(':');
                out.push_str(&st.to_string());
            }
            out.push(']');
        }
        Selector::Filter(_) => out.push_str("[?]"),
        Selector::Script(s) => out.push_str(&format!("[({s})]")),
        Selector::Function { name, args } => out.push_str(&format!(".{name}({args})")),
    }
}

/// The path written back as text, in the dot notation a user would write
/// (`$.a.b[0]`, `$['a b']`): how AWS quotes a path in its causes.
pub fn render(path: &Path) -> String {
    let mut out = root_text(&path.root);
    for s in &path.segments {
        if s.descendant {
            out.push_str("..");
        }
        match &s.selector {
            Selector::Name(n) if is_plain_name(n) => {
                if !s.descendant {
                    out.push('.');
                }
                out.push_str(n);
            }
            Selector::Name(n) => out.push_str(&format!("[{}]", quote(n))),
            Selector::Names(ns) => {
                let parts: Vec<String> = ns.iter().map(|n| quote(n)).collect();
                out.push_str(&format!("[{}]", parts.join(",")));
            }
            Selector::Wildcard if s.descendant => out.push('*'),
            Selector::Function { name, args } => {
                if !s.descendant {
                    out.push('.');
                }
                out.push_str(&format!("{name}({args})"));
            }
            Selector::Filter(f) => out.push_str(&format!("[?({})]", render_filter(f))),
            _ => push_jayway(
                &mut out,
                &Segment {
                    descendant: false,
                    ..s.clone()
                },
            ),
        }
    }
    out
}

fn is_plain_name(n: &str) -> bool {
    !n.is_empty()
        && !n.chars().any(|c| {
            c.is_whitespace() || matches!(c, '.' | '[' | ']' | '(' | ')' | '\'' | '"' | '\\' | '*')
        })
}

/// A name in brackets, as AWS reads it back (backslashes are part of the name).
fn quote(n: &str) -> String {
    if n.contains('\'') && !n.contains('"') {
        format!("\"{n}\"")
    } else {
        format!("'{n}'")
    }
}

fn render_filter(f: &Filter) -> String {
    match f {
        Filter::Or(a, b) => format!("{} || {}", render_filter(a), render_filter(b)),
        Filter::And(a, b) => format!("{} && {}", render_filter(a), render_filter(b)),
        Filter::Not(a) => format!("!({})", render_filter(a)),
        Filter::Exists(o) => render_operand(o),
        Filter::Compare { lhs, op, rhs } => format!(
            "{} {} {}",
            render_operand(lhs),
            op.as_str(),
            render_operand(rhs)
        ),
    }
}

fn render_operand(o: &Operand) -> String {
    match o {
        Operand::Path(p) => render(p),
        Operand::String(s) => quote(s),
        Operand::Number(n) => n.to_string(),
        Operand::Bool(b) => b.to_string(),
        Operand::Null => "null".into(),
        Operand::Regex { pattern, flags } => format!("/{pattern}/{flags}"),
        Operand::Json(v) => v.to_string(),
        Operand::Bare(s) => s.clone(),
    }
}

/// A failure while the path is still definite, with Jayway's text.
fn fail(message: String) -> PathFailure {
    PathFailure { message }
}

/// Jayway's path up to (not including) segment `k`.
fn current_path(path: &Path, k: usize) -> String {
    let mut out = root_text(&path.root);
    for s in &path.segments[..k] {
        push_jayway(&mut out, s);
    }
    out
}

/// Jayway's `toString` of a token: its fragment and every one after it.
fn token_string(path: &Path, k: usize) -> String {
    let mut out = String::new();
    for s in &path.segments[k..] {
        push_jayway(&mut out, s);
    }
    out
}

/// The class name Jayway's Jackson provider reports for a value.
fn java_class(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "java.lang.Boolean",
        Value::Number(n) if n.is_f64() => "java.lang.Double",
        Value::Number(n) => match n.as_i64() {
            Some(i) if i32::try_from(i).is_ok() => "java.lang.Integer",
            Some(_) => "java.lang.Long",
            None => "java.math.BigInteger",
        },
        Value::String(_) => "java.lang.String",
        Value::Array(_) => "java.util.ArrayList",
        Value::Object(_) => "java.util.LinkedHashMap",
    }
}

/// Runs every segment of `path` from `root`, in document order.
fn run<'v>(
    root: Cow<'v, Value>,
    path: &Path,
    b: &Bindings<'v>,
) -> Result<Vec<Cow<'v, Value>>, PathFailure> {
    let mut nodes = vec![root];
    let mut upstream_definite = true;
    let last = path.segments.len().saturating_sub(1);
    for (k, seg) in path.segments.iter().enumerate() {
        let step = Step {
            path,
            k,
            leaf: k == last,
            upstream_definite,
            b,
        };
        let mut next = Vec::with_capacity(nodes.len());
        for node in nodes {
            match node {
                Cow::Borrowed(v) => step.apply(v, &mut |c| next.push(c))?,
                Cow::Owned(v) => {
                    let mut tmp: Vec<Value> = Vec::new();
                    step.apply_any(&v, &mut |c| tmp.push(c.into_owned()))?;
                    next.extend(tmp.into_iter().map(Cow::Owned));
                }
            }
        }
        nodes = next;
        upstream_definite = upstream_definite && token_definite(seg, k == last);
        if nodes.is_empty() {
            break;
        }
    }
    Ok(nodes)
}

struct Step<'p, 'b, 'v> {
    path: &'p Path,
    k: usize,
    leaf: bool,
    upstream_definite: bool,
    b: &'b Bindings<'v>,
}

impl<'v> Step<'_, '_, 'v> {
    fn seg(&self) -> &Segment {
        &self.path.segments[self.k]
    }

    fn apply(&self, v: &'v Value, emit: &mut dyn FnMut(Cow<'v, Value>)) -> Result<(), PathFailure> {
        if self.seg().descendant {
            return self.scan(v, emit);
        }
        self.one(v, self.upstream_definite, self.b, emit)
    }

    /// As `apply`, on a value owned by the caller (borrowed only briefly).
    fn apply_any<'x>(
        &self,
        v: &'x Value,
        emit: &mut dyn FnMut(Cow<'x, Value>),
    ) -> Result<(), PathFailure>
    where
        'v: 'x,
    {
        let b: &Bindings<'x> = self.b;
        let step = Step {
            path: self.path,
            k: self.k,
            leaf: self.leaf,
            upstream_definite: self.upstream_definite,
            b,
        };
        step.apply(v, emit)
    }

    /// `..x`: the step applied at every container below `v` (and `v`), in
    /// Jayway's walk order (a node before its children).
    fn scan(&self, v: &'v Value, emit: &mut dyn FnMut(Cow<'v, Value>)) -> Result<(), PathFailure> {
        let mut stack: Vec<&'v Value> = vec![v];
        while let Some(node) = stack.pop() {
            let take = match (&self.seg().selector, node) {
                (Selector::Name(n), Value::Object(m)) => m.contains_key(n),
                (Selector::Names(ns), Value::Object(m)) => {
                    !self.leaf || ns.iter().all(|n| m.contains_key(n))
                }
                (Selector::Wildcard, Value::Object(_) | Value::Array(_)) => true,
                (
                    Selector::Index(_)
                    | Selector::Indexes(_)
                    | Selector::Slice { .. }
                    | Selector::Script(_),
                    Value::Array(_),
                ) => true,
                (Selector::Filter(_), Value::Object(_)) => true,
                _ => false,
            };
            if take {
                // After `..` nothing is definite: no step fails.
                let _ = self.one(node, false, self.b, emit);
            }
            match node {
                Value::Object(m) => stack.extend(m.values().rev()),
                Value::Array(a) => stack.extend(a.iter().rev()),
                _ => {}
            }
        }
        Ok(())
    }

    /// The step's selector applied to one value.
    fn one(
        &self,
        v: &'v Value,
        upstream_definite: bool,
        b: &Bindings<'v>,
        emit: &mut dyn FnMut(Cow<'v, Value>),
    ) -> Result<(), PathFailure> {
        match &self.seg().selector {
            Selector::Name(name) => self.property(v, name, true, upstream_definite, emit),
            Selector::Names(names) if self.leaf => {
                let Value::Object(m) = v else {
                    return self.not_object(v, upstream_definite);
                };
                let mut merged = Map::new();
                for n in names {
                    if let Some(x) = member(m, n) {
                        merged.insert(n.clone(), x.clone());
                    }
                }
                emit(Cow::Owned(Value::Object(merged)));
                Ok(())
            }
            Selector::Names(names) => {
                for n in names {
                    self.property(v, n, false, upstream_definite, emit)?;
                }
                Ok(())
            }
            Selector::Index(i) => {
                self.check_array(v, upstream_definite)?;
                if let Some(x) = index(v, *i) {
                    emit(Cow::Borrowed(x));
                }
                Ok(())
            }
            Selector::Indexes(is) => {
                self.check_array(v, upstream_definite)?;
                for i in is {
                    if let Some(x) = index(v, *i) {
                        emit(Cow::Borrowed(x));
                    }
                }
                Ok(())
            }
            Selector::Script(script) => {
                self.check_array(v, upstream_definite)?;
                if let (Value::Array(a), Some(i)) = (v, script_index(script, v))
                    && let Some(x) = usize::try_from(i).ok().and_then(|i| a.get(i))
                {
                    emit(Cow::Borrowed(x));
                }
                Ok(())
            }
            Selector::Wildcard => {
                match v {
                    Value::Object(m) => m.values().for_each(|x| emit(Cow::Borrowed(x))),
                    Value::Array(a) => a.iter().for_each(|x| emit(Cow::Borrowed(x))),
                    _ => {}
                }
                Ok(())
            }
            Selector::Slice { start, end, step } => {
                self.check_array(v, upstream_definite)?;
                if let Value::Array(a) = v {
                    for i in slice_indexes(a.len(), *start, *end, *step) {
                        if let Some(x) = index(v, i) {
                            emit(Cow::Borrowed(x));
                        }
                    }
                }
                Ok(())
            }
            Selector::Filter(filter) => match v {
                Value::Object(_) => {
                    if accept(filter, v, b) {
                        emit(Cow::Borrowed(v));
                    }
                    Ok(())
                }
                Value::Array(a) => {
                    for x in a {
                        if accept(filter, x, b) {
                            emit(Cow::Borrowed(x));
                        }
                    }
                    Ok(())
                }
                _ if upstream_definite => Err(self.filter_on_non_array(v)),
                _ => Ok(()),
            },
            Selector::Function { name, .. } => {
                emit(Cow::Owned(function(name, v)?));
                Ok(())
            }
        }
    }

    fn property(
        &self,
        v: &'v Value,
        name: &str,
        token_definite: bool,
        upstream_definite: bool,
        emit: &mut dyn FnMut(Cow<'v, Value>),
    ) -> Result<(), PathFailure> {
        let Value::Object(m) = v else {
            return self.not_object(v, upstream_definite);
        };
        match member(m, name) {
            Some(x) => emit(Cow::Borrowed(x)),
            None if !self.leaf && upstream_definite && token_definite => {
                return Err(fail(format!(
                    "Missing property in path {}['{name}']",
                    current_path(self.path, self.k)
                )));
            }
            None => {}
        }
        Ok(())
    }

    fn not_object(&self, v: &Value, upstream_definite: bool) -> Result<(), PathFailure> {
        if !upstream_definite {
            return Ok(());
        }
        let fragment = match &self.seg().selector {
            Selector::Names(ns) => {
                let q: Vec<String> = ns.iter().map(|n| format!("'{n}'")).collect();
                format!("[{}]", q.join(","))
            }
            Selector::Name(n) => format!("['{n}']"),
            _ => String::new(),
        };
        Err(fail(format!(
            "Expected to find an object with property {fragment} in path {} but found '{}'. This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JacksonJsonProvider'.",
            current_path(self.path, self.k),
            java_class(v)
        )))
    }

    fn check_array(&self, v: &Value, upstream_definite: bool) -> Result<(), PathFailure> {
        match v {
            Value::Array(_) => Ok(()),
            _ if !upstream_definite => Ok(()),
            Value::Null => Err(fail(format!(
                "The path {} is null",
                current_path(self.path, self.k)
            ))),
            _ => Err(self.filter_on_non_array(v)),
        }
    }

    fn filter_on_non_array(&self, v: &Value) -> PathFailure {
        fail(format!(
            "Filter: {} can only be applied to arrays. Current context is: {}",
            token_string(self.path, self.k),
            java_to_string(v).unwrap_or_default()
        ))
    }
}

/// Element `i` of an array (negative counts from the end).
fn index(v: &Value, i: i64) -> Option<&Value> {
    let Value::Array(a) = v else { return None };
    let len = i64::try_from(a.len()).ok()?;
    let effective = if i < 0 { len.checked_add(i)? } else { i };
    usize::try_from(effective).ok().and_then(|e| a.get(e))
}

/// The indexes a slice visits, as Jayway computes them (`[from:]`, `[:to]`,
/// `[from:to]`); a step other than 1 (not in Jayway) steps as Python does.
fn slice_indexes(len: usize, start: Option<i64>, end: Option<i64>, step: Option<i64>) -> Vec<i64> {
    let len = i64::try_from(len).unwrap_or(i64::MAX);
    match step {
        Some(0) => return Vec::new(),
        Some(st) if st != 1 => {
            let norm = |x: i64, lo: i64, hi: i64| {
                let x = if x < 0 { x.saturating_add(len) } else { x };
                x.clamp(lo, hi)
            };
            let mut out = Vec::new();
            if st > 0 {
                let from = start.map_or(0, |s| norm(s, 0, len));
                let to = end.map_or(len, |e| norm(e, 0, len));
                let mut i = from;
                while i < to && out.len() < 1_000_000 {
                    out.push(i);
                    i = i.saturating_add(st);
                }
            } else {
                let from = start.map_or(len - 1, |s| norm(s, -1, len - 1));
                let to = end.map_or(-1, |e| norm(e, -1, len - 1));
                let mut i = from;
                while i > to && out.len() < 1_000_000 {
                    out.push(i);
                    i = i.saturating_add(st);
                }
            }
            return out;
        }
        _ => {}
    }
    if len == 0 {
        return Vec::new();
    }
    match (start, end) {
        (Some(from), None) => {
            let from = if from < 0 {
                len.saturating_add(from)
            } else {
                from
            }
            .max(0);
            (from..len).collect()
        }
        (None, Some(to)) => {
            let to = if to < 0 { len.saturating_add(to) } else { to }.min(len);
            (0..to.max(0)).collect()
        }
        (Some(from), Some(to)) => {
            // Jayway does not normalise a negative `from` here: the index is
            // then read from the end, as `[-1]` is (and below `-len`, nothing).
            let from = from.max(-len);
            let to = to.min(len);
            if from >= to {
                return Vec::new();
            }
            (from..to).collect()
        }
        (None, None) => (0..len).collect(),
    }
}

/// `[(@.length-1)]`: the index a script names, for that one form.
fn script_index(script: &str, v: &Value) -> Option<i64> {
    let len = i64::try_from(v.as_array()?.len()).ok()?;
    let s: String = script.chars().filter(|c| !c.is_whitespace()).collect();
    let rest = s.strip_prefix("@.length")?;
    if rest.is_empty() {
        return Some(len);
    }
    let (sign, n) = rest.split_at(1);
    let n: i64 = n.parse().ok()?;
    match sign {
        "-" => Some(len - n),
        "+" => Some(len + n),
        _ => None,
    }
}

/// Jayway's path functions: `length()`, `min()`, `max()`, `avg()`, `sum()`,
/// `stddev()`, `first()`, `last()`, `keys()`.
fn function(name: &str, v: &Value) -> Result<Value, PathFailure> {
    let numbers = || -> Vec<f64> {
        v.as_array()
            .map(|a| a.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default()
    };
    let aggregate = |f: &dyn Fn(&[f64]) -> f64| -> Result<Value, PathFailure> {
        let ns = numbers();
        if ns.is_empty() {
            return Err(fail(
                "Aggregation function attempted to calculate value using empty array".into(),
            ));
        }
        Ok(Number::from_f64(f(&ns)).map_or(Value::Null, Value::Number))
    };
    match name {
        "length" | "size" => Ok(match v {
            Value::Array(a) => Value::from(a.len()),
            Value::Object(m) => Value::from(m.len()),
            _ => Value::Null,
        }),
        "sum" => aggregate(&|ns| ns.iter().sum()),
        "min" => aggregate(&|ns| ns.iter().copied().fold(f64::INFINITY, f64::min)),
        "max" => aggregate(&|ns| ns.iter().copied().fold(f64::NEG_INFINITY, f64::max)),
        "avg" => aggregate(&|ns| ns.iter().sum::<f64>() / ns.len() as f64),
        "stddev" => aggregate(&|ns| {
            let n = ns.len() as f64;
            let mean = ns.iter().sum::<f64>() / n;
            (ns.iter().map(|x| x * x).sum::<f64>() / n - mean * mean).sqrt()
        }),
        "first" => Ok(v
            .as_array()
            .and_then(|a| a.first())
            .cloned()
            .unwrap_or(Value::Null)),
        "last" => Ok(v
            .as_array()
            .and_then(|a| a.last())
            .cloned()
            .unwrap_or(Value::Null)),
        "keys" => Ok(match v {
            Value::Object(m) => Value::Array(m.keys().cloned().map(Value::String).collect()),
            _ => Value::Null,
        }),
        other => Err(fail(format!("Function of name: {other} cannot be created"))),
    }
}

/// A value in a filter, as Jayway's `ValueNode`s see it.
enum FVal<'x> {
    Undefined,
    Json(Cow<'x, Value>),
    /// An unquoted word (`@.kind == Foo`): read as a string.
    Word(&'x str),
    Pattern(&'x str, &'x str),
}

impl FVal<'_> {
    fn json(&self) -> Option<&Value> {
        match self {
            FVal::Json(v) => Some(v),
            _ => None,
        }
    }
    fn string(&self) -> Option<&str> {
        match self {
            FVal::Json(v) => v.as_str(),
            FVal::Word(w) => Some(w),
            _ => None,
        }
    }
}

/// Whether `item` passes the filter.
fn accept<'x>(filter: &'x Filter, item: &'x Value, b: &Bindings<'x>) -> bool {
    match filter {
        Filter::Or(l, r) => accept(l, item, b) || accept(r, item, b),
        Filter::And(l, r) => accept(l, item, b) && accept(r, item, b),
        Filter::Not(f) => !accept(f, item, b),
        Filter::Exists(Operand::Path(p)) => {
            sub_path(p, item, b).is_ok_and(|found| !found.is_empty())
        }
        Filter::Exists(other) => match operand(other, item, b) {
            FVal::Json(v) => v.as_bool().unwrap_or(true),
            FVal::Undefined => false,
            _ => true,
        },
        Filter::Compare { lhs, op, rhs } => {
            let l = operand(lhs, item, b);
            let r = operand(rhs, item, b);
            compare(&l, *op, &r)
        }
    }
}

/// A path inside a filter, from `@` (the item) or from a root.
fn sub_path<'x>(
    p: &'x Path,
    item: &'x Value,
    b: &Bindings<'x>,
) -> Result<Vec<Cow<'x, Value>>, PathFailure> {
    let root = match &p.root {
        Root::Current => item,
        _ => root_value(p, b)?,
    };
    run(Cow::Borrowed(root), p, b)
}

fn operand<'x>(o: &'x Operand, item: &'x Value, b: &Bindings<'x>) -> FVal<'x> {
    match o {
        Operand::Path(p) => match sub_path(p, item, b) {
            Ok(mut found) if is_definite(p) => match found.pop() {
                Some(v) => FVal::Json(v),
                None => FVal::Undefined,
            },
            Ok(found) => FVal::Json(Cow::Owned(Value::Array(
                found.into_iter().map(Cow::into_owned).collect(),
            ))),
            Err(_) => FVal::Undefined,
        },
        Operand::String(s) => FVal::Json(Cow::Owned(Value::String(s.clone()))),
        Operand::Number(n) => FVal::Json(Cow::Owned(literal_number(*n))),
        Operand::Bool(v) => FVal::Json(Cow::Owned(Value::Bool(*v))),
        Operand::Null => FVal::Json(Cow::Owned(Value::Null)),
        Operand::Json(v) => FVal::Json(Cow::Borrowed(v)),
        Operand::Bare(w) if w.starts_with('[') || w.starts_with('{') => match lenient_json(w) {
            Some(v) => FVal::Json(Cow::Owned(v)),
            None => FVal::Word(w),
        },
        Operand::Bare(w) => FVal::Word(w),
        Operand::Regex { pattern, flags } => FVal::Pattern(pattern, flags),
    }
}

/// A number written in a filter: an integer when it is one (Jayway keeps
/// the text, so `1` prints as `1`).
fn literal_number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        Value::from(n as i64)
    } else {
        Number::from_f64(n).map_or(Value::Null, Value::Number)
    }
}

/// `['a', 'b']`: a JSON literal written with single-quoted strings, as
/// Jayway reads them in filters.
fn lenient_json(text: &str) -> Option<Value> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                out.push('"');
                loop {
                    match chars.next()? {
                        '\'' => break,
                        '\\' => {
                            let e = chars.next()?;
                            if e == '\'' {
                                out.push('\'');
                            } else {
                                out.push('\\');
                                out.push(e);
                            }
                        }
                        '"' => out.push_str("\\\""),
                        c => out.push(c),
                    }
                }
                out.push('"');
            }
            '"' => {
                out.push('"');
                loop {
                    let c = chars.next()?;
                    out.push(c);
                    match c {
                        '\\' => out.push(chars.next()?),
                        '"' => break,
                        _ => {}
                    }
                }
            }
            c => out.push(c),
        }
    }
    serde_json::from_str(&out).ok()
}

fn number(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// Jayway's `==` between value nodes: numbers compare by value (a string on
/// the right is read as a number), a string on the left compares with the
/// number's text, objects and arrays compare deeply.
fn equals(l: &FVal, r: &FVal) -> bool {
    match (l, r) {
        (FVal::Undefined, _) | (_, FVal::Undefined) => false,
        (FVal::Pattern(a, fa), FVal::Pattern(b, fb)) => a == b && fa == fb,
        (FVal::Pattern(..), _) | (_, FVal::Pattern(..)) => false,
        _ => {
            if let (Some(a), Some(b)) = (l.string(), r.string()) {
                return a == b;
            }
            match (l.json(), r.json()) {
                (Some(Value::Number(a)), Some(rv)) => {
                    let b = match rv {
                        Value::Number(n) => n.as_f64(),
                        Value::String(s) => s.trim().parse::<f64>().ok(),
                        _ => None,
                    };
                    match (a.as_i64(), rv.as_i64()) {
                        (Some(x), Some(y)) => x == y,
                        _ => a.as_f64().zip(b).is_some_and(|(x, y)| x == y),
                    }
                }
                (Some(Value::String(a)), Some(Value::Number(n))) => *a == n.to_string(),
                (None, Some(Value::Number(n))) => l.string() == Some(&n.to_string()),
                (Some(a @ (Value::Object(_) | Value::Array(_))), Some(b)) => a == b,
                (Some(Value::Bool(a)), Some(Value::Bool(b))) => a == b,
                (Some(Value::Null), Some(Value::Null)) => true,
                _ => false,
            }
        }
    }
}

/// Java's `String.compareTo`: by UTF-16 code units.
fn java_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

fn contains(list: &Value, x: &FVal) -> bool {
    list.as_array()
        .is_some_and(|a| a.iter().any(|e| equals(x, &FVal::Json(Cow::Borrowed(e)))))
}

fn compare(l: &FVal, op: CompareOp, r: &FVal) -> bool {
    use std::cmp::Ordering;
    let order = || -> Option<Ordering> {
        match (l, r) {
            (FVal::Json(a), FVal::Json(b)) if a.is_number() && b.is_number() => {
                match (a.as_i64(), b.as_i64()) {
                    (Some(x), Some(y)) => Some(x.cmp(&y)),
                    _ => number(a)?.partial_cmp(&number(b)?),
                }
            }
            _ => match (l.string(), r.string()) {
                (Some(a), Some(b)) => Some(java_cmp(a, b)),
                _ => None,
            },
        }
    };
    match op {
        CompareOp::Eq => equals(l, r),
        CompareOp::Ne => !equals(l, r),
        CompareOp::StrictEq | CompareOp::StrictNe => {
            let same_type = match (l, r) {
                (FVal::Json(a), FVal::Json(b)) => {
                    std::mem::discriminant(a.as_ref()) == std::mem::discriminant(b.as_ref())
                }
                (FVal::Word(_), FVal::Word(_)) => true,
                (FVal::Word(_), FVal::Json(v)) | (FVal::Json(v), FVal::Word(_)) => v.is_string(),
                _ => false,
            };
            let eq = same_type && equals(l, r);
            if op == CompareOp::StrictEq { eq } else { !eq }
        }
        CompareOp::Lt => order() == Some(Ordering::Less),
        CompareOp::Le => matches!(order(), Some(Ordering::Less | Ordering::Equal)),
        CompareOp::Gt => order() == Some(Ordering::Greater),
        CompareOp::Ge => matches!(order(), Some(Ordering::Greater | Ordering::Equal)),
        CompareOp::Matches => {
            let (pattern, flags, input) = match (l, r) {
                (FVal::Pattern(p, f), other) | (other, FVal::Pattern(p, f)) => {
                    (*p, *f, regex_input(other))
                }
                _ => return false,
            };
            regex_full_match(pattern, flags, &input)
        }
        CompareOp::In => r.json().is_some_and(|list| contains(list, l)),
        CompareOp::Nin => !r.json().is_some_and(|list| contains(list, l)),
        CompareOp::SubsetOf => match (l.json(), r.json()) {
            (Some(Value::Array(a)), Some(list)) => a
                .iter()
                .all(|e| contains(list, &FVal::Json(Cow::Borrowed(e)))),
            _ => false,
        },
        CompareOp::AnyOf => match (l.json(), r.json()) {
            (Some(Value::Array(a)), Some(list)) => a
                .iter()
                .any(|e| contains(list, &FVal::Json(Cow::Borrowed(e)))),
            _ => false,
        },
        CompareOp::NoneOf => match (l.json(), r.json()) {
            (Some(Value::Array(a)), Some(list)) => !a
                .iter()
                .any(|e| contains(list, &FVal::Json(Cow::Borrowed(e)))),
            _ => false,
        },
        CompareOp::Size => {
            let Some(n) = r.json().and_then(Value::as_f64) else {
                return false;
            };
            let len = match (l.string(), l.json()) {
                (Some(s), _) => s.encode_utf16().count(),
                (None, Some(Value::Array(a))) => a.len(),
                (None, Some(Value::Object(m))) => m.len(),
                _ => return false,
            };
            len as f64 == n.trunc()
        }
        CompareOp::Empty => {
            let Some(want) = r.json().and_then(Value::as_bool) else {
                return false;
            };
            let empty = match (l.string(), l.json()) {
                (Some(s), _) => s.is_empty(),
                (None, Some(Value::Array(a))) => a.is_empty(),
                (None, Some(Value::Object(m))) => m.is_empty(),
                _ => return false,
            };
            empty == want
        }
        CompareOp::Contains => match (l.string(), r.string(), l.json()) {
            (Some(a), Some(b), _) => a.contains(b),
            (None, _, Some(list @ Value::Array(_))) => contains(list, r),
            _ => false,
        },
    }
}

/// What `=~` matches against: a string or a number's text, a boolean's text.
fn regex_input(v: &FVal) -> String {
    match v {
        FVal::Json(v) => match v.as_ref() {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => String::new(),
        },
        FVal::Word(w) => (*w).to_string(),
        _ => String::new(),
    }
}

/// Java's `Matcher.matches()`: the whole input must match.
fn regex_full_match(pattern: &str, flags: &str, input: &str) -> bool {
    let mut builder = regex::RegexBuilder::new(&format!("^(?:{pattern})$"));
    builder
        .case_insensitive(flags.contains('i'))
        .multi_line(flags.contains('m'))
        .dot_matches_new_line(flags.contains('s'))
        .ignore_whitespace(flags.contains('x'))
        .size_limit(1 << 20)
        .nest_limit(64);
    builder.build().is_ok_and(|re| re.is_match(input))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataflow::path::parse;
    use serde_json::json;

    fn eval(path: &str, input: &Value) -> Result<Value, String> {
        let ctx = json!({"Execution": {"Id": "arn"}});
        let vars = Map::new();
        let b = Bindings {
            input,
            context: &ctx,
            variables: &vars,
        };
        query(&parse(path).unwrap(), &b)
            .map(Cow::into_owned)
            .map_err(|e| e.message)
    }

    fn store() -> Value {
        json!({"store": {
            "book": [
                {"category": "reference", "author": "Nigel Rees", "title": "Sayings of the Century", "price": 8.95},
                {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword of Honour", "price": 12.99},
                {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553-21311-3", "price": 8.99},
                {"category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord of the Rings", "isbn": "0-395-19395-8", "price": 22.99}
            ],
            "bicycle": {"color": "red", "price": 19.95}
        }, "expensive": 10})
    }

    #[test]
    fn definite_paths() {
        let s = store();
        assert_eq!(eval("$.store.bicycle.color", &s).unwrap(), json!("red"));
        assert_eq!(
            eval("$['store']['book'][0]['price']", &s).unwrap(),
            json!(8.95)
        );
        assert_eq!(
            eval("$.store.book[-1].title", &s).unwrap(),
            json!("The Lord of the Rings")
        );
        assert_eq!(eval("$", &json!(3)).unwrap(), json!(3));
        assert_eq!(eval("$$.Execution.Id", &s).unwrap(), json!("arn"));
        assert_eq!(eval("$.store.book.length()", &s).unwrap(), json!(4));
        assert_eq!(
            eval("$.store.bicycle['color','price']", &s).unwrap(),
            json!({"color": "red", "price": 19.95})
        );
        assert_eq!(eval("$.a", &json!({"a": null})).unwrap(), json!(null));
    }

    #[test]
    fn jayway_messages_for_definite_paths() {
        let s = store();
        assert_eq!(
            eval("$.nope", &s).unwrap_err(),
            "No results for path: $['nope']"
        );
        assert_eq!(
            eval("$.no.such.path", &s).unwrap_err(),
            "Missing property in path $['no']"
        );
        assert_eq!(
            eval("$.store.book[9]", &s).unwrap_err(),
            "No results for path: $['store']['book'][9]"
        );
        assert_eq!(
            eval("$.store.bicycle.color.x", &s).unwrap_err(),
            "Expected to find an object with property ['x'] in path $['store']['bicycle']['color'] but found 'java.lang.String'. This is not a json object according to the JsonProvider: 'com.jayway.jsonpath.spi.json.JacksonJsonProvider'."
        );
        assert_eq!(
            eval("$.a[0]", &json!({"a": null})).unwrap_err(),
            "The path $['a'] is null"
        );
        assert_eq!(
            eval("$.a[0]", &json!({"a": {"b": 1}})).unwrap_err(),
            "Filter: [0] can only be applied to arrays. Current context is: {b=1}"
        );
    }

    #[test]
    fn indefinite_paths() {
        let s = store();
        assert_eq!(
            eval("$.store.book[*].author", &s).unwrap(),
            json!([
                "Nigel Rees",
                "Evelyn Waugh",
                "Herman Melville",
                "J. R. R. Tolkien"
            ])
        );
        assert_eq!(
            eval("$..author", &s).unwrap(),
            json!([
                "Nigel Rees",
                "Evelyn Waugh",
                "Herman Melville",
                "J. R. R. Tolkien"
            ])
        );
        assert_eq!(
            eval("$.store..price", &s).unwrap(),
            json!([8.95, 12.99, 8.99, 22.99, 19.95])
        );
        assert_eq!(eval("$..book[2].title", &s).unwrap(), json!(["Moby Dick"]));
        assert_eq!(
            eval("$..book[0,1].title", &s).unwrap(),
            json!(["Sayings of the Century", "Sword of Honour"])
        );
        assert_eq!(
            eval("$..book[:2].title", &s).unwrap(),
            json!(["Sayings of the Century", "Sword of Honour"])
        );
        assert_eq!(
            eval("$..book[-2:].price", &s).unwrap(),
            json!([8.99, 22.99])
        );
        assert_eq!(eval("$..book[1:2].price", &s).unwrap(), json!([12.99]));
        assert_eq!(
            eval("$..book[?(@.isbn)].title", &s).unwrap(),
            json!(["Moby Dick", "The Lord of the Rings"])
        );
        assert_eq!(
            eval("$.store.book[?(@.price < 10)].title", &s).unwrap(),
            json!(["Sayings of the Century", "Moby Dick"])
        );
        assert_eq!(
            eval("$..book[?(@.price <= $['expensive'])].price", &s).unwrap(),
            json!([8.95, 8.99])
        );
        assert_eq!(
            eval("$..book[?(@.author =~ /.*REES/i)].price", &s).unwrap(),
            json!([8.95])
        );
        assert_eq!(
            eval(
                "$..book[?(@.category == 'fiction' && @.price > 20)].title",
                &s
            )
            .unwrap(),
            json!(["The Lord of the Rings"])
        );
        assert_eq!(
            eval("$..book[?(@.category in ['reference'])].price", &s).unwrap(),
            json!([8.95])
        );
        assert_eq!(
            eval("$..book[?(!@.isbn)].price", &s).unwrap(),
            json!([8.95, 12.99])
        );
        assert_eq!(
            eval("$..book[(@.length-1)].price", &s).unwrap(),
            json!([22.99])
        );
        assert_eq!(eval("$.store.*", &s).unwrap().as_array().unwrap().len(), 2);
        assert_eq!(
            eval("$..*", &json!({"a": {"b": 1}})).unwrap(),
            json!([{"b": 1}, 1])
        );
    }

    #[test]
    fn what_matches_nothing_in_an_indefinite_path_is_empty() {
        // base.test_json_path_array_wildcard_or_slice_with_no_input: AWS answers [].
        for p in [
            "$.item.items[1:5].itemValue",
            "$.item.items[1:]",
            "$.items[*].itemValue",
            "$.items[1:].itemValue",
            "$.items[1:]",
            "$.items[*]",
            "$[*]",
        ] {
            assert_eq!(eval(p, &json!({})).unwrap(), json!([]), "{p}");
        }
    }

    #[test]
    fn filters_compare_as_jayway_does() {
        let items = json!([{"k": "FooBar", "v": 1}, {"k": "x", "v": "1"}, {"v": 2}]);
        let v = json!({"items": items});
        assert_eq!(eval("$.items[?(@.k == FooBar)].v", &v).unwrap(), json!([1]));
        assert_eq!(
            eval("$.items[?(@.v == 1)].k", &v).unwrap(),
            json!(["FooBar", "x"])
        );
        assert_eq!(
            eval("$.items[?(@.v === 1)].k", &v).unwrap(),
            json!(["FooBar"])
        );
        assert_eq!(eval("$.items[?(@.k != 'x')].v", &v).unwrap(), json!([1, 2]));
        assert_eq!(eval("$.items[?(@.k size 6)].v", &v).unwrap(), json!([1]));
        let tags = json!({"a": [{"t": ["x", "y"]}, {"t": []}]});
        assert_eq!(
            eval("$.a[?(@.t empty true)]", &tags).unwrap(),
            json!([{"t": []}])
        );
        assert_eq!(
            eval("$.a[?(@.t contains 'y')].t", &tags).unwrap(),
            json!([["x", "y"]])
        );
        assert_eq!(
            eval("$.a[?(@.t subsetof ['x','y','z'])]", &tags)
                .unwrap()
                .as_array()
                .unwrap()
                .len(),
            2
        );
        assert_eq!(
            eval("$.a[?(@.t anyof ['y'])]", &tags).unwrap(),
            json!([{"t": ["x", "y"]}])
        );
        assert_eq!(
            eval("$.a[?(@.t noneof ['y'])]", &tags).unwrap(),
            json!([{"t": []}])
        );
    }

    #[test]
    fn slices() {
        let a = json!([0, 1, 2, 3, 4]);
        assert_eq!(eval("$[1:3]", &a).unwrap(), json!([1, 2]));
        assert_eq!(eval("$[:2]", &a).unwrap(), json!([0, 1]));
        assert_eq!(eval("$[-2:]", &a).unwrap(), json!([3, 4]));
        assert_eq!(eval("$[:-2]", &a).unwrap(), json!([0, 1, 2]));
        assert_eq!(eval("$[3:99]", &a).unwrap(), json!([3, 4]));
        assert_eq!(eval("$[0:5:2]", &a).unwrap(), json!([0, 2, 4]));
        assert_eq!(eval("$[::-1]", &a).unwrap(), json!([4, 3, 2, 1, 0]));
        assert_eq!(eval("$[4:1]", &a).unwrap(), json!([]));
        assert_eq!(eval("$[-2:5]", &a).unwrap(), json!([3, 4, 0, 1, 2, 3, 4]));
        assert_eq!(
            eval("$[-9223372036854775807:2]", &a).unwrap(),
            json!([0, 1, 2, 3, 4, 0, 1])
        );
    }

    #[test]
    fn rendering() {
        for text in [
            "$.a.b[0]",
            "$['a b'].c",
            "$..x",
            "$$.Execution.Input",
            "$var.x",
            "$.a[*].b",
            "$.a[1:2]",
        ] {
            assert_eq!(render(&parse(text).unwrap()), text);
        }
        assert_eq!(
            jayway_string(&parse("$.a['b c'][0]").unwrap()),
            "$['a']['b c'][0]"
        );
        assert!(is_definite(&parse("$.a['x','y']").unwrap()));
        assert!(!is_definite(&parse("$['x','y'].a").unwrap()));
    }

    #[test]
    fn variables() {
        let input = json!({});
        let ctx = json!({});
        let mut vars = Map::new();
        vars.insert("x".into(), json!({"y": [1, 2]}));
        let b = Bindings {
            input: &input,
            context: &ctx,
            variables: &vars,
        };
        assert_eq!(select(&parse("$x.y[1]").unwrap(), &b), Some(json!(2)));
        assert_eq!(select(&parse("$nope").unwrap(), &b), None);
        assert_eq!(select(&parse("$nope[*]").unwrap(), &b), Some(json!([])));
        assert!(exists(&parse("$x.y").unwrap(), &b));
        assert!(!exists(&parse("$x.z").unwrap(), &b));
    }

    #[test]
    fn deep_documents_do_not_overflow() {
        let mut v = json!(1);
        for _ in 0..100_000 {
            v = Value::Array(vec![v]);
        }
        assert_eq!(eval("$..nothing", &v).unwrap(), json!([]));
        assert_eq!(eval("$..[7]", &v).unwrap(), json!([]));
        // serde_json drops deep values recursively: take it apart by hand.
        let mut stack = vec![v];
        while let Some(x) = stack.pop() {
            if let Value::Array(a) = x {
                stack.extend(a);
            }
        }
    }
}
