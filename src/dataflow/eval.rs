//! What evaluation shares: the values a path can see ([`Bindings`]), how
//! evaluation fails ([`EvalError`]), the seeded generator ([`Rng`]), a compiled
//! `.$` value ([`Expr`]), and two things AWS does everywhere: print JSON
//! compactly in its error causes, and order the keys of the objects a payload
//! template builds as a Java `HashMap` does ([`java_hash_order`]).
//!
//! Everything here is compiled once per definition and evaluated without
//! parsing again. Evaluation is pure: the same bindings (and generator state)
//! give the same value.

use serde_json::{Map, Value};

use super::intrinsic::{self, Call, Severity};
use super::path::{self, Path};

/// What the expressions of a state can see.
#[derive(Debug, Clone, Copy)]
pub struct Bindings<'a> {
    /// `$`: the state's input (in `ResultSelector`, the task's result; in
    /// `ItemSelector`, the Map state's input).
    pub input: &'a Value,
    /// `$$`: the context object (`Execution`, `State`, `StateMachine`, `Task`, `Map`).
    pub context: &'a Value,
    /// `$name`: the workflow variables set by `Assign`.
    pub variables: &'a Map<String, Value>,
}

/// A failure with AWS's error name and cause.
///
/// The `cause` is the part AWS writes after its standard prefix: the engine
/// adds `An error occurred while executing the state 'X' (entered at the event
/// id #N). ` with [`EvalError::in_state`] (every error made here but
/// [`REFERENCE_PATH_CONFLICT`] is one AWS reports with that prefix).
#[derive(Debug, Clone, PartialEq)]
pub struct EvalError {
    pub error: String,
    pub cause: String,
}

/// Error names raised by data flow.
pub const RUNTIME: &str = "States.Runtime";
/// What the ASL specification says a failed intrinsic function raises. AWS raises
/// `States.Runtime` instead (see [`EvalError::intrinsic`]): no state can catch it.
pub const INTRINSIC_FAILURE: &str = "States.IntrinsicFailure";
/// What AWS raises when a ResultPath cannot be written into the input. The ASL
/// specification and AWS's error list name `States.ResultPathMatchFailure`, but
/// executions on AWS fail with this name (and a cause without the state prefix):
/// `States.ReferencePathConflict: Unable to apply step "x" to input [...]`.
pub const REFERENCE_PATH_CONFLICT: &str = "States.ReferencePathConflict";

impl EvalError {
    pub fn new(error: impl Into<String>, cause: impl Into<String>) -> Self {
        EvalError {
            error: error.into(),
            cause: cause.into(),
        }
    }
    /// `States.Runtime`.
    pub fn runtime(cause: impl Into<String>) -> Self {
        EvalError::new(RUNTIME, cause)
    }
    /// An intrinsic function that cannot work on its arguments. The ASL
    /// specification names this `States.IntrinsicFailure`, but executions on AWS
    /// fail with `States.Runtime` (`Invalid arguments in States.MathAdd`), which
    /// neither Retry nor Catch sees.
    pub fn intrinsic(cause: impl Into<String>) -> Self {
        EvalError::new(RUNTIME, cause)
    }
    /// Prefixes the cause as AWS does for a failure inside a state:
    /// `An error occurred while executing the state 'Pass' (entered at the event id #2). <cause>`.
    pub fn in_state(self, state: &str, entered_event_id: u64) -> Self {
        if self.error == REFERENCE_PATH_CONFLICT {
            return self;
        }
        EvalError {
            cause: state_cause(state, entered_event_id, &self.cause),
            error: self.error,
        }
    }
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error, self.cause)
    }
}

/// `An error occurred while executing the state '{state}' (entered at the event id #{id}). {detail}`
pub fn state_cause(state: &str, entered_event_id: u64, detail: &str) -> String {
    format!(
        "An error occurred while executing the state '{state}' (entered at the event id #{entered_event_id}). {detail}"
    )
}

/// The engine's seeded generator: `States.UUID` and `States.MathRandom` draw from it.
pub type Rng = rand::rngs::StdRng;

/// A compiled `.$` value, `ErrorPath`/`CausePath`, or any other field that
/// holds a path or an intrinsic call.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Path(Path),
    Call(Call),
}

impl Expr {
    /// Whether evaluating it may read the input (see [`crate::dataflow::template::Template::reads_input`]).
    pub fn reads_input(&self) -> bool {
        fn path_reads(p: &Path) -> bool {
            use crate::dataflow::path::{Root, Selector};
            p.root == Root::Input
                || p.segments.iter().any(|s| {
                    matches!(
                        s.selector,
                        Selector::Filter(_) | Selector::Script(_) | Selector::Function { .. }
                    )
                })
        }
        fn call_reads(c: &intrinsic::Call) -> bool {
            c.args.iter().any(|a| match &a.kind {
                intrinsic::ArgKind::Path(p) => path_reads(p),
                intrinsic::ArgKind::Call(c) => call_reads(c),
                _ => false,
            })
        }
        match self {
            Expr::Path(p) => path_reads(p),
            Expr::Call(c) => call_reads(c),
        }
    }

    /// Parses text starting with `$` as a path, anything else as an intrinsic
    /// call. Unknown functions and wrong arities are refused (AWS refuses the
    /// definition); calls that can only fail at run time compile, and fail when
    /// evaluated, as on AWS.
    pub fn compile(text: &str) -> Result<Expr, String> {
        if path::looks_like_path(text.trim_start()) {
            return path::parse(text).map(Expr::Path).map_err(|e| e.to_string());
        }
        let call = intrinsic::parse(text).map_err(|e| e.to_string())?;
        if let Some(p) = intrinsic::check(&call)
            .into_iter()
            .find(|p| p.severity == Severity::Invalid)
        {
            return Err(p.message);
        }
        Ok(Expr::Call(call))
    }

    /// The value: a definite path's value (`States.Runtime` when it matches
    /// nothing), an indefinite path's matches as an array, or the call's result.
    pub fn eval(&self, b: &Bindings, rng: &mut Rng) -> Result<Value, EvalError> {
        match self {
            Expr::Path(p) => path::query(p, b).map(|v| v.into_owned()).map_err(|e| {
                EvalError::runtime(format!(
                    "Invalid path '{}' : {}",
                    path::render(p),
                    e.message
                ))
            }),
            Expr::Call(c) => intrinsic::eval_call(c, b, rng),
        }
    }
}

/// `InputPath`: `None` is `"InputPath": null` (the effective input is `{}`);
/// a path selects from the bindings (`$` the raw input, `$$` the context,
/// `$name` a variable). An absent field is the path `$`. A definite path
/// that matches nothing fails as on AWS: `States.Runtime`, `Invalid path
/// '$.x' : No results for path: $['x']`.
pub fn apply_input_path(path: Option<&Path>, b: &Bindings) -> Result<Value, EvalError> {
    apply_path_field(path, None, b).map(std::borrow::Cow::into_owned)
}

/// `OutputPath`: as [`apply_input_path`], `$` being the state's output
/// after `ResultPath` (`null` gives `{}`).
pub fn apply_output_path(path: Option<&Path>, b: &Bindings) -> Result<Value, EvalError> {
    apply_path_field(path, None, b).map(std::borrow::Cow::into_owned)
}

/// The path fields (`InputPath`, `OutputPath`, `ItemsPath`, ...), borrowing
/// what they select; `text` is the path as written, for the cause (else the
/// path is written back from its tree).
pub fn apply_path_field<'a>(
    path: Option<&Path>,
    text: Option<&str>,
    b: &Bindings<'a>,
) -> Result<std::borrow::Cow<'a, Value>, EvalError> {
    let Some(p) = path else {
        return Ok(std::borrow::Cow::Owned(Value::Object(Map::new())));
    };
    path::query(p, b).map_err(|e| {
        let text = text.map_or_else(|| path::render(p), str::to_string);
        EvalError::runtime(format!("Invalid path '{text}' : {}", e.message))
    })
}

/// The seam between the engine and a query language: what a state's data
/// flow does, in AWS's order, whatever language the state is written in.
/// [`JsonPathFlow`] is JSONPath's; a JSONata state plugs in its own
/// (`Arguments`, `Output`, `Assign` over `$states`).
pub trait StateFlow {
    /// The input the state works on (JSONPath: `InputPath`).
    fn effective_input<'a>(
        &self,
        raw: &'a Value,
        context: &Value,
        variables: &Map<String, Value>,
    ) -> Result<std::borrow::Cow<'a, Value>, EvalError>;

    /// What the state hands to its task, or a Pass state's result
    /// (JSONPath: `Parameters`, else the effective input).
    fn task_input(
        &self,
        effective: &Value,
        context: &Value,
        variables: &Map<String, Value>,
        rng: &mut Rng,
    ) -> Result<Value, EvalError>;

    /// From the state's result to its output, and the variables it assigns
    /// (JSONPath: `ResultSelector`, `Assign` (seeing the selected result and
    /// the variables as they were), `ResultPath` over the raw input, then
    /// `OutputPath`).
    fn finish(
        &self,
        raw: &Value,
        result: Value,
        context: &Value,
        variables: &Map<String, Value>,
        rng: &mut Rng,
    ) -> Result<(Value, Option<Map<String, Value>>), EvalError>;
}

/// `InputPath` / `OutputPath` (and the other path fields) as written.
#[derive(Debug, Clone)]
pub enum PathSpec {
    /// The field is absent: `$`.
    Absent,
    /// `null`: `{}`.
    Null,
    /// A path, and its text for causes.
    Path(Path, String),
}

impl PathSpec {
    /// Reads the field of a state object.
    pub fn of(state: &Value, field: &str) -> Result<PathSpec, String> {
        match state.get(field) {
            None => Ok(PathSpec::Absent),
            Some(Value::Null) => Ok(PathSpec::Null),
            Some(Value::String(text)) => path::parse(text)
                .map(|p| PathSpec::Path(p, text.clone()))
                .map_err(|e| format!("{field}: {e}")),
            Some(_) => Err(format!("{field} must be a string or null")),
        }
    }

    /// Applies it; `Absent` borrows the input unchanged.
    pub fn apply<'a>(&self, b: &Bindings<'a>) -> Result<std::borrow::Cow<'a, Value>, EvalError> {
        match self {
            PathSpec::Absent => Ok(std::borrow::Cow::Borrowed(b.input)),
            PathSpec::Null => apply_path_field(None, None, b),
            PathSpec::Path(p, text) => apply_path_field(Some(p), Some(text), b),
        }
    }
}

/// The data flow of a JSONPath state, compiled once.
#[derive(Debug, Clone)]
pub struct JsonPathFlow {
    pub input_path: PathSpec,
    pub parameters: Option<crate::dataflow::template::Template>,
    pub result_selector: Option<crate::dataflow::template::Template>,
    pub result_path: crate::dataflow::result_path::ResultPathSpec,
    pub output_path: PathSpec,
    pub assign: Option<crate::dataflow::template::Template>,
}

impl JsonPathFlow {
    /// Compiles the data-flow fields of a state object (a Map state's
    /// `ItemSelector`/`Parameters` and a Choice rule's `Assign` are the
    /// engine's to compile with [`crate::dataflow::template::Template`]).
    pub fn compile(state: &Value) -> Result<JsonPathFlow, String> {
        use crate::dataflow::result_path::ResultPathSpec;
        use crate::dataflow::template::Template;
        let template = |field: &str| -> Result<Option<Template>, String> {
            state
                .get(field)
                .map(|t| Template::compile(t).map_err(|e| format!("{field}: {e}")))
                .transpose()
        };
        let result_path = match PathSpec::of(state, "ResultPath")? {
            PathSpec::Absent => ResultPathSpec::Default,
            PathSpec::Null => ResultPathSpec::Discard,
            PathSpec::Path(p, _) => ResultPathSpec::Path(p),
        };
        Ok(JsonPathFlow {
            input_path: PathSpec::of(state, "InputPath")?,
            parameters: template("Parameters")?,
            result_selector: template("ResultSelector")?,
            result_path,
            output_path: PathSpec::of(state, "OutputPath")?,
            assign: template("Assign")?,
        })
    }
}

impl StateFlow for JsonPathFlow {
    fn effective_input<'a>(
        &self,
        raw: &'a Value,
        context: &Value,
        variables: &Map<String, Value>,
    ) -> Result<std::borrow::Cow<'a, Value>, EvalError> {
        if let PathSpec::Absent = self.input_path {
            return Ok(std::borrow::Cow::Borrowed(raw));
        }
        let b = Bindings {
            input: raw,
            context,
            variables,
        };
        self.input_path
            .apply(&b)
            .map(|v| std::borrow::Cow::Owned(v.into_owned()))
    }

    fn task_input(
        &self,
        effective: &Value,
        context: &Value,
        variables: &Map<String, Value>,
        rng: &mut Rng,
    ) -> Result<Value, EvalError> {
        match &self.parameters {
            Some(t) => t.eval(
                &Bindings {
                    input: effective,
                    context,
                    variables,
                },
                rng,
                "Parameters",
            ),
            None => Ok(effective.clone()),
        }
    }

    fn finish(
        &self,
        raw: &Value,
        result: Value,
        context: &Value,
        variables: &Map<String, Value>,
        rng: &mut Rng,
    ) -> Result<(Value, Option<Map<String, Value>>), EvalError> {
        let result = match &self.result_selector {
            Some(t) => t.eval(
                &Bindings {
                    input: &result,
                    context,
                    variables,
                },
                rng,
                "ResultSelector",
            )?,
            None => result,
        };
        let assigned = match &self.assign {
            Some(t) => match t.eval(
                &Bindings {
                    input: &result,
                    context,
                    variables,
                },
                rng,
                "Assign",
            )? {
                Value::Object(m) => Some(m),
                _ => None,
            },
            None => None,
        };
        let output =
            crate::dataflow::result_path::apply_result_path(raw, result, &self.result_path)?;
        let output = match &self.output_path {
            PathSpec::Absent => output,
            spec => spec
                .apply(&Bindings {
                    input: &output,
                    context,
                    variables,
                })?
                .into_owned(),
        };
        Ok((output, assigned))
    }
}

/// JSON as AWS prints values inside error causes: compact, keys in order.
pub fn to_json_text(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// The order in which a Java `HashMap<String, _>` (default capacity, filled
/// one `put` at a time in the given order) iterates these keys, as indexes
/// into `keys`. Duplicates keep their first place.
///
/// AWS builds the object of a payload template that has `.$` fields (and the
/// result of `States.JsonMerge`) in such a map, so its outputs list the keys
/// in this order, not in the order the definition gives them: recorded
/// executions show it (`tests/dataflow.rs` replays them).
pub fn java_hash_order<S: AsRef<str>>(keys: &[S]) -> Vec<usize> {
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let distinct: Vec<usize> = (0..keys.len())
        .filter(|&i| seen.insert(keys[i].as_ref()))
        .collect();
    let hashes: Vec<u32> = distinct
        .iter()
        .map(|&i| java_spread(keys[i].as_ref()))
        .collect();
    java_hash_order_of(&hashes)
        .into_iter()
        .map(|j| distinct[j])
        .collect()
}

/// The order in which a Java `HashMap` (or `HashSet`) of default capacity,
/// filled one `put` at a time, iterates distinct keys whose spread hashes
/// (`HashMap.hash`) are `hashes`, in insertion order: as indexes into `hashes`.
pub fn java_hash_order_of(hashes: &[u32]) -> Vec<usize> {
    const TREEIFY_THRESHOLD: usize = 8;
    const MIN_TREEIFY_CAPACITY: usize = 64;
    let mut capacity = 16usize;
    // Buckets hold indexes in insertion order (a resize keeps relative order).
    let mut buckets: Vec<Vec<usize>> = vec![Vec::new(); capacity];
    for (i, &hash) in hashes.iter().enumerate() {
        let b = hash as usize & (capacity - 1);
        buckets[b].push(i);
        // A bin reaching 9 entries in a small table makes Java resize it
        // (`treeifyBin`), before the size check of the same `put`.
        if buckets[b].len() > TREEIFY_THRESHOLD && capacity < MIN_TREEIFY_CAPACITY {
            capacity *= 2;
            buckets = rehash(&buckets, hashes, capacity);
        }
        let size = i + 1;
        if size > capacity / 4 * 3 {
            capacity *= 2;
            buckets = rehash(&buckets, hashes, capacity);
        }
    }
    buckets.into_iter().flatten().collect()
}

/// `hashCode()` of the Java value Jackson reads this JSON into (`null` as
/// `HashMap.hash` takes it, 0; `Boolean`; `String`; `Integer`, `Long` or
/// `Double`; `List`; `Map`), spread as `HashMap.hash` does.
pub fn java_value_spread(value: &Value) -> u32 {
    let h = java_value_hash(value);
    h ^ (h >> 16)
}

fn java_value_hash(value: &Value) -> u32 {
    fn long_hash(bits: u64) -> u32 {
        (bits ^ (bits >> 32)) as u32
    }
    match value {
        Value::Null => 0,
        Value::Bool(true) => 1231,
        Value::Bool(false) => 1237,
        Value::String(s) => java_string_hash(s),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                match i32::try_from(i) {
                    Ok(small) => small as u32,
                    Err(_) => long_hash(i as u64),
                }
            } else if let Some(u) = n.as_u64() {
                long_hash(u)
            } else {
                let f = n.as_f64().unwrap_or(0.0);
                // `Double.doubleToLongBits`: one NaN; -0.0 keeps its sign.
                long_hash(f.to_bits())
            }
        }
        Value::Array(items) => items.iter().fold(1u32, |h, item| {
            h.wrapping_mul(31).wrapping_add(java_value_hash(item))
        }),
        Value::Object(map) => map.iter().fold(0u32, |h, (k, v)| {
            h.wrapping_add(java_string_hash(k) ^ java_value_hash(v))
        }),
    }
}

/// Java's resize: each bin splits in two, keeping the relative order.
fn rehash(buckets: &[Vec<usize>], hashes: &[u32], capacity: usize) -> Vec<Vec<usize>> {
    let mut next = vec![Vec::new(); capacity];
    for bucket in buckets {
        for &j in bucket {
            next[hashes[j] as usize & (capacity - 1)].push(j);
        }
    }
    next
}

/// `String.hashCode()` (over UTF-16 code units), spread as `HashMap.hash` does.
fn java_spread(key: &str) -> u32 {
    let h = java_string_hash(key);
    h ^ (h >> 16)
}

/// `String.hashCode()`, over UTF-16 code units.
fn java_string_hash(s: &str) -> u32 {
    let mut h: u32 = 0;
    for unit in s.encode_utf16() {
        h = h.wrapping_mul(31).wrapping_add(u32::from(unit));
    }
    h
}

/// A map with the keys of `map` in Java `HashMap` order.
pub fn hash_ordered(map: Map<String, Value>) -> Map<String, Value> {
    let keys: Vec<&String> = map.keys().collect();
    let order = java_hash_order(&keys);
    let mut slots: Vec<Option<(String, Value)>> = map.into_iter().map(Some).collect();
    let mut out = Map::with_capacity(slots.len());
    for i in order {
        if let Some((k, v)) = slots[i].take() {
            out.insert(k, v);
        }
    }
    out
}

/// How Java prints a value with `toString()` on the maps and lists Jackson
/// reads JSON into (`{a=1, b=[x, y]}`): what `States.Format` puts in place of
/// `{}` for a non-string, and what Jayway shows in some errors. `None` when
/// nested too deeply to print.
pub fn java_to_string(value: &Value) -> Option<String> {
    let mut out = String::new();
    java_to_string_into(value, &mut out, 0).then_some(out)
}

const MAX_PRINT_DEPTH: usize = 512;

/// As [`java_to_string`], appended to `out`; false if too deeply nested.
pub fn java_to_string_into(value: &Value, out: &mut String, depth: usize) -> bool {
    if depth > MAX_PRINT_DEPTH {
        return false;
    }
    match value {
        Value::String(s) => out.push_str(s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                if !java_to_string_into(item, out, depth + 1) {
                    return false;
                }
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push('=');
                if !java_to_string_into(v, out, depth + 1) {
                    return false;
                }
            }
            out.push('}');
        }
        // Integers print as they are: no formatter, no allocation.
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => out.push_str(itoa::Buffer::new().format(u)),
            (_, Some(i)) => out.push_str(itoa::Buffer::new().format(i)),
            _ => out.push_str(&java_number_string(n)),
        },
        other => out.push_str(&other.to_string()),
    }
    true
}

/// A JSON number as Java prints it: integers as they are, others as
/// `Double.toString` does (`1.0`, `1.5E-5`, `1.0E10`).
pub fn java_number_string(n: &serde_json::Number) -> String {
    if !n.is_f64() {
        return n.to_string();
    }
    let Some(x) = n.as_f64() else {
        return n.to_string();
    };
    if x == 0.0 {
        return if x.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    let abs = x.abs();
    if (1e-3..1e7).contains(&abs) {
        let s = format!("{x}");
        return if s.contains('.') { s } else { format!("{s}.0") };
    }
    let sci = format!("{x:e}");
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
    let mantissa = if mantissa.contains('.') {
        mantissa.to_string()
    } else {
        format!("{mantissa}.0")
    };
    format!("{mantissa}E{exponent}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ordered(keys: &[&str]) -> Vec<String> {
        java_hash_order(keys)
            .into_iter()
            .map(|i| keys[i].to_string())
            .collect()
    }

    #[test]
    fn hash_order_matches_what_aws_returned() {
        // test_query_context_object_values: 13 keys, capacity 32.
        let keys = [
            "context_object",
            "execution",
            "execution_id",
            "execution_input",
            "execution_name",
            "execution_rolearn",
            "execution_starttime",
            "state",
            "state_enteredtime",
            "state_name",
            "statemachine",
            "statemachine_id",
            "statemachine_name",
        ];
        assert_eq!(
            ordered(&keys),
            [
                "execution",
                "execution_rolearn",
                "execution_name",
                "statemachine_id",
                "execution_id",
                "execution_input",
                "execution_starttime",
                "state_name",
                "state_enteredtime",
                "statemachine",
                "state",
                "context_object",
                "statemachine_name"
            ]
        );
        assert_eq!(
            ordered(&["LambdaOutput", "ContextObjectValue"]),
            ["ContextObjectValue", "LambdaOutput"]
        );
        assert_eq!(
            ordered(&["constant_in_literal", "constant_input_field"]),
            ["constant_input_field", "constant_in_literal"]
        );
        assert_eq!(ordered(&["Question", "Answer"]), ["Answer", "Question"]);
        assert_eq!(ordered(&["a", "a", "b"]), ["a", "b"]);
        assert!(ordered(&[]).is_empty());
    }

    #[test]
    fn many_keys_and_collisions() {
        // "Aa" and "BB" share a Java hash code: they stay in insertion order.
        assert_eq!(ordered(&["BB", "Aa"]), ["BB", "Aa"]);
        let keys: Vec<String> = (0..200).map(|i| format!("k{i}")).collect();
        let order = java_hash_order(&keys);
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..200).collect::<Vec<_>>());
    }

    #[test]
    fn java_strings() {
        let v =
            json!({"Arg1": 1, "Arg2": [], "s": "x", "n": null, "f": 1.5, "b": [true, {"c": "d"}]});
        assert_eq!(
            java_to_string(&v).unwrap(),
            "{Arg1=1, Arg2=[], s=x, n=null, f=1.5, b=[true, {c=d}]}"
        );
    }

    #[test]
    fn java_numbers() {
        let n = |v: Value| java_to_string(&v).unwrap();
        assert_eq!(n(json!(1)), "1");
        assert_eq!(n(json!(1.0)), "1.0");
        assert_eq!(n(json!(1.1)), "1.1");
        assert_eq!(n(json!(0.00001)), "1.0E-5");
        assert_eq!(n(json!(1.5e10)), "1.5E10");
        assert_eq!(n(json!(1234567.5)), "1234567.5");
        assert_eq!(n(json!(-0.0)), "-0.0");
    }

    #[test]
    fn input_and_output_paths() {
        let input = json!({"a": {"b": 1}, "list": [1, 2]});
        let ctx = json!({"Execution": {"Input": {"x": 1}}});
        let vars = Map::new();
        let b = Bindings {
            input: &input,
            context: &ctx,
            variables: &vars,
        };
        let p = |t: &str| path::parse(t).unwrap();
        assert_eq!(apply_input_path(None, &b).unwrap(), json!({}));
        assert_eq!(apply_input_path(Some(&p("$")), &b).unwrap(), input);
        assert_eq!(
            apply_input_path(Some(&p("$.a")), &b).unwrap(),
            json!({"b": 1})
        );
        assert_eq!(
            apply_input_path(Some(&p("$$.Execution.Input")), &b).unwrap(),
            json!({"x": 1})
        );
        assert_eq!(
            apply_output_path(Some(&p("$.list[*]")), &b).unwrap(),
            json!([1, 2])
        );
        // scenarios.test_catch_states_runtime: AWS's cause.
        let e = apply_output_path(Some(&p("$.no.such.result.path")), &b).unwrap_err();
        assert_eq!(e.error, "States.Runtime");
        assert_eq!(
            e.cause,
            "Invalid path '$.no.such.result.path' : Missing property in path $['no']"
        );
        // scenarios.test_invalid_jsonpath (TimeoutSecondsPath): AWS's cause.
        let e = apply_path_field(
            Some(&p("$.NoSuchTimeoutSecondsPath")),
            Some("$.NoSuchTimeoutSecondsPath"),
            &b,
        )
        .unwrap_err();
        assert_eq!(
            e.cause,
            "Invalid path '$.NoSuchTimeoutSecondsPath' : No results for path: $['NoSuchTimeoutSecondsPath']"
        );
    }

    #[test]
    fn state_prefix() {
        let e = EvalError::runtime("boom").in_state("Pass", 2);
        assert_eq!(
            e.cause,
            "An error occurred while executing the state 'Pass' (entered at the event id #2). boom"
        );
        assert_eq!(e.error, "States.Runtime");
    }
}
