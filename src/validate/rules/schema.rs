use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::OnceLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::types::JsonType;
use serde_json::Value;

use crate::declare_rule;
use crate::diagnostic::closest;
use crate::diagnostic::{Diagnostic, Severity};
use crate::load::{Entry, Node, NodeKind, Span};
use crate::load::{is_decimal, is_integer};
use crate::validate::Context;

declare_rule! {
    /// ## What it checks
    /// The shape of the definition, against the JSON Schema for ASL that ships
    /// with sfn (`schemas/asl.schema.json`):
    ///
    /// - every object has only the fields its kind allows: the top level,
    ///   each state type, Parallel branches, Map `ItemProcessor`/`Iterator`,
    ///   `ProcessorConfig`, `ItemReader`, `ItemBatcher`, `ResultWriter`,
    ///   Retriers, Catchers and Choice rules (`Next` only at the top of a rule);
    /// - required fields are there (`StartAt`, `States`, `Type`, a Task's
    ///   `Resource`, a Choice's `Choices`, a Catcher's `ErrorEquals` and `Next`, ...);
    /// - `Type` is one of the eight state types, and enumerated values
    ///   (`QueryLanguage`, `Mode`, `ExecutionType`, `JitterStrategy`) are known;
    /// - values have the right JSON type and range: `TimeoutSeconds` and
    ///   `HeartbeatSeconds` 1 to 99999999, `Seconds` 0 to 99999999,
    ///   `MaxAttempts` 0 to 99999999, `BackoffRate` at least 1.0,
    ///   `MaxDelaySeconds` 1 to 31622400, `ToleratedFailurePercentage` 0 to 100, ...
    ///   In JSONata states these numbers may be `{% ... %}` expressions instead.
    ///
    /// Fields of both query languages are accepted here; which ones a state may
    /// use is checked by `query-language-fields`.
    ///
    /// ## Why
    /// AWS rejects such a definition with `SCHEMA_VALIDATION_FAILED`, for example
    /// `Field 'TimeoutSeconds' is not supported at /States/Wait` or
    /// `Maximum value is 99999999 at /States/Wait/Seconds`.
    ///
    /// The same schema works in editors: point VS Code's `json.schemas` (or a
    /// `"$schema"` key removed before deploying) at `schemas/asl.schema.json`.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "TimeoutSeconds": 5, "End": true}}}
    /// ```
    /// Pass states have no timeout: only Task states take `TimeoutSeconds`.
    pub static RULE = Rule {
        id: "schema",
        code: "SCHEMA_VALIDATION_FAILED",
        severity: Severity::Error,
        summary: "Fields, required fields, types and ranges follow the ASL JSON Schema",
        check,
    };
}

/// The schema shipped in `schemas/`, without the annotations editors show
/// (`build.rs` strips them): validation never reads them.
pub const SCHEMA_TEXT: &str = include_str!(concat!(env!("OUT_DIR"), "/asl.schema.min.json"));

/// The parsed schema, each of its patterns replaced by the format that checks it
/// (see [`PATTERN_FORMATS`]).
pub fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        // The file is part of the build and checked by a test: it always parses.
        let mut schema = serde_json::from_str(SCHEMA_TEXT).unwrap_or(Value::Null);
        patterns_to_formats(&mut schema);
        schema
    })
}

/// A pattern of the schema, the name of its format, and the format's check.
pub type PatternFormat = (&'static str, &'static str, fn(&str) -> bool);

/// The schema's `pattern`s (the string forms of numbers, and `{% ... %}`
/// expressions), each with a custom `format` of the same meaning checked by a
/// function: compiling their regexes was a seventh of a one-file `sfn validate`.
/// A pattern not listed here is left to the regex engine.
pub const PATTERN_FORMATS: &[PatternFormat] = &[
    (r"^[+-]?[0-9]+$", "asl-integer", is_integer),
    (r"^[+-]?[0-9]+(\.[0-9]+)?$", "asl-decimal", is_decimal),
    (r"^\{%[\w\W]*%\}$", "asl-jsonata", is_jsonata),
    (
        r"^(\{%[\w\W]*%\}|[+-]?[0-9]+)$",
        "asl-integer-or-jsonata",
        |s| is_jsonata(s) || is_integer(s),
    ),
    (
        r"^(\{%[\w\W]*%\}|[+-]?[0-9]+(\.[0-9]+)?)$",
        "asl-decimal-or-jsonata",
        |s| is_jsonata(s) || is_decimal(s),
    ),
];

/// `{%`, anything, `%}` (the two delimiters do not overlap).
fn is_jsonata(s: &str) -> bool {
    s.len() >= 4 && s.starts_with("{%") && s.ends_with("%}")
}

fn patterns_to_formats(schema: &mut Value) {
    match schema {
        Value::Object(keywords) => {
            let format = keywords
                .get("pattern")
                .and_then(Value::as_str)
                .and_then(|p| PATTERN_FORMATS.iter().find(|(q, ..)| *q == p))
                .map(|(_, name, _)| *name);
            if let Some(name) = format {
                *keywords = std::mem::take(keywords)
                    .into_iter()
                    .map(|(k, v)| match k.as_str() {
                        "pattern" => ("format".to_string(), Value::from(name)),
                        _ => (k, v),
                    })
                    .collect();
            }
            keywords.values_mut().for_each(patterns_to_formats);
        }
        Value::Array(items) => items.iter_mut().for_each(patterns_to_formats),
        _ => {}
    }
}

/// The pattern a subschema checks strings with, written as `pattern` or as one
/// of [`PATTERN_FORMATS`].
fn string_pattern(subschema: &Value) -> Option<&str> {
    subschema["pattern"].as_str().or_else(|| {
        let format = subschema["format"].as_str()?;
        PATTERN_FORMATS
            .iter()
            .find(|(_, name, _)| *name == format)
            .map(|(pattern, ..)| *pattern)
    })
}

/// Whether the schema lets objects of `definition` (`task`, `catcher`, ...) have `field`:
/// other rules stay quiet about a field this rule already reports as not supported.
pub fn allows(definition: &str, field: &str) -> bool {
    let d = &schema()["definitions"][definition];
    d["additionalProperties"] != Value::Bool(false) || d["properties"].get(field).is_some()
}

/// The schema definition of a state type (`task` for Task).
pub fn state_definition(t: &crate::model::StateType) -> &'static str {
    use crate::model::StateType::*;
    match t {
        Pass => "pass",
        Task => "task",
        Choice => "choice",
        Wait => "wait",
        Succeed => "succeed",
        Fail => "fail",
        Parallel => "parallel",
        Map => "map",
        Unknown(_) => "",
    }
}

/// Whether `key` is a comparison operator of JSONPath Choice rules (`StringEquals`, ...),
/// as the schema lists them.
pub fn is_comparison_operator(key: &str) -> bool {
    static OPERATORS: OnceLock<Vec<&'static str>> = OnceLock::new();
    let operators = OPERATORS.get_or_init(|| {
        let mut names: Vec<&'static str> =
            schema()["definitions"]["nestedChoiceRule"]["properties"]
                .as_object()
                .map(|p| p.keys().map(String::as_str).collect())
                .unwrap_or_default();
        names.retain(|k| !matches!(*k, "Comment" | "Variable" | "And" | "Or" | "Not"));
        names.sort_unstable();
        names
    });
    // Every operator starts with String, Numeric, Boolean, Timestamp or Is:
    // most other keys are told apart by their first letter.
    matches!(
        key.as_bytes().first(),
        Some(b'S' | b'N' | b'B' | b'T' | b'I')
    ) && operators.binary_search(&key).is_ok()
}

/// Compiles the schema now (validation waits for it if it is still compiling).
pub fn prepare() {
    validator();
}

/// The compiled schema, over the spanned tree: compiled once, on first use.
fn validator() -> Option<&'static jsonschema::Validator<SpannedJson>> {
    static VALIDATOR: OnceLock<Option<jsonschema::Validator<SpannedJson>>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| {
            let mut options =
                jsonschema::options_for::<SpannedJson>().should_validate_formats(true);
            for &(_, name, check) in PATTERN_FORMATS {
                options = options.with_format(name, check);
            }
            options.build(schema()).ok()
        })
        .as_ref()
}

/// The state types, in the order AWS lists them.
const STATE_TYPES: &str = "Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map";

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let Some(validator) = validator() else {
        return;
    };
    // The tree is validated as it is: converting it to a `serde_json::Value`
    // first would cost more than the validation itself.
    let instance = ctx.root();
    if validator.is_valid(instance) {
        return;
    }
    // One diagnostic per location: the first error there wins, except that
    // missing fields of one object are merged into one list.
    let mut found: BTreeMap<String, Found> = BTreeMap::new();
    for error in validator.iter_errors(instance) {
        let at = error.instance_path().as_str().to_string();
        let schema_path = error.schema_path().as_str();
        match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                for key in unexpected {
                    let location = format!("{at}/{}", crate::load::pointer_token(key));
                    found
                        .entry(location.clone())
                        .or_insert_with(|| Found::Other(unsupported(ctx, &at, key, schema_path)));
                }
            }
            ValidationErrorKind::Required { property } => {
                let Some(name) = property.as_str() else {
                    continue;
                };
                match found
                    .entry(at.clone())
                    .or_insert_with(|| Found::Required(Vec::new()))
                {
                    Found::Required(names) => {
                        if !names.iter().any(|n| n == name) {
                            names.push(name.to_string());
                        }
                    }
                    Found::Other(_) => {}
                }
            }
            kind => {
                if let Some(d) = value_error(ctx, &at, kind, schema_path) {
                    found.entry(at).or_insert(Found::Other(d));
                }
            }
        }
    }
    for (location, f) in found {
        out.push(match f {
            Found::Other(d) => d,
            Found::Required(names) => required(ctx, &location, &names),
        });
    }
}

enum Found {
    Required(Vec<String>),
    Other(Diagnostic),
}

/// The span to label for a whole object: its key if it has one, else its first character.
fn head_span(ctx: &Context<'_>, pointer: &str) -> Span {
    let key = ctx.key_span_of(pointer);
    let value = ctx.span_of(pointer);
    if key != value {
        key
    } else {
        Span::new(
            value.start,
            (value.start + 1).min(value.end.max(value.start)),
        )
    }
}

/// The last member name of a pointer (`TimeoutSeconds` for `/States/A/TimeoutSeconds`).
fn last_token(pointer: &str) -> String {
    crate::load::unescape_token(pointer.rsplit('/').next().unwrap_or("")).into_owned()
}

/// What kind of object a schema definition describes, for messages.
fn describe(definition: &str) -> Option<&'static str> {
    Some(match definition {
        "pass" => "Pass states",
        "task" => "Task states",
        "choice" => "Choice states",
        "wait" => "Wait states",
        "succeed" => "Succeed states",
        "fail" => "Fail states",
        "parallel" => "Parallel states",
        "map" => "Map states",
        "branch" => "Parallel branches",
        "itemProcessor" => "ItemProcessor and Iterator",
        "processorConfig" => "ProcessorConfig",
        "itemReader" => "ItemReader",
        "itemBatcher" => "ItemBatcher",
        "resultWriter" => "ResultWriter",
        "retrier" => "Retriers",
        "catcher" => "Catchers",
        "choiceRule" => "Choice rules",
        "nestedChoiceRule" => "Choice rules inside And, Or and Not",
        _ => return None,
    })
}

/// The definition a schema path ends in (`/definitions/pass/additionalProperties` → `pass`).
fn definition_of(schema_path: &str) -> &str {
    match schema_path.rfind("/definitions/") {
        Some(i) => {
            let rest = &schema_path[i + "/definitions/".len()..];
            rest.split('/').next().unwrap_or("")
        }
        None => "",
    }
}

/// The fields a definition (or the top level, for `""`) allows.
fn allowed_fields(definition: &str) -> Vec<&'static str> {
    let node = if definition.is_empty() {
        schema()
    } else {
        &schema()["definitions"][definition]
    };
    node["properties"]
        .as_object()
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

/// The state types whose definitions allow `field`.
fn state_types_allowing(field: &str) -> Vec<&'static str> {
    [
        ("task", "Task"),
        ("pass", "Pass"),
        ("choice", "Choice"),
        ("wait", "Wait"),
        ("succeed", "Succeed"),
        ("fail", "Fail"),
        ("parallel", "Parallel"),
        ("map", "Map"),
    ]
    .into_iter()
    .filter(|(d, _)| allowed_fields(d).contains(&field))
    .map(|(_, t)| t)
    .collect()
}

fn unsupported(ctx: &Context<'_>, at: &str, key: &str, schema_path: &str) -> Diagnostic {
    let location = format!("{at}/{}", crate::load::pointer_token(key));
    let definition = definition_of(schema_path);
    let allowed = allowed_fields(definition);
    let what = describe(definition).unwrap_or("This object");
    let is_state = matches!(
        definition,
        "pass" | "task" | "choice" | "wait" | "succeed" | "fail" | "parallel" | "map"
    );
    let mut help = match closest(key, allowed.iter().copied()) {
        Some(similar) => format!("did you mean '{similar}'? "),
        None => String::new(),
    };
    if is_state {
        let others = state_types_allowing(key);
        if !others.is_empty() {
            help.push_str(&format!(
                "'{key}' is a field of {} states. ",
                others.join(", ")
            ));
        }
    }
    if allowed.is_empty() {
        help.push_str("remove the field");
    } else {
        help.push_str(&format!("{what} allow: {}", allowed.join(", ")));
    }
    RULE.diag(
        location.clone(),
        ctx.key_span_of(&location),
        format!("Field '{key}' is not supported"),
    )
    .with_label(format!("not a field of {what}"))
    .with_help(help)
}

fn required(ctx: &Context<'_>, location: &str, names: &[String]) -> Diagnostic {
    let list = names.join(", ");
    let help = if names.len() == 1 {
        format!("add the field '{list}'")
    } else {
        format!("add the fields {list}")
    };
    RULE.diag(
        location,
        head_span(ctx, location),
        format!("These fields are required: [{list}]"),
    )
    .with_label(format!("missing {list}"))
    .with_help(help)
}

/// The JSON type a schema type names, as AWS writes it.
fn type_name(t: &str) -> &'static str {
    match t {
        "integer" => "Integer",
        "number" => "Number",
        "boolean" => "Boolean",
        "object" => "Object",
        "array" => "Array",
        "null" => "Null",
        _ => "String",
    }
}

fn expected_type(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Single(t) => type_name(&t.to_string()),
        TypeKind::Multiple(set) => {
            let names: Vec<String> = set.iter().map(|t| t.to_string()).collect();
            // A number (or array, or boolean) that may also be written as a
            // string is described by its main type; a path (string or null) by String.
            names
                .iter()
                .find(|t| !matches!(t.as_str(), "string" | "null"))
                .or_else(|| names.first())
                .map(|t| type_name(t))
                .unwrap_or("String")
        }
    }
}

/// Whether the field at `schema_path` also takes a `{% ... %}` expression.
fn takes_jsonata(schema_path: &str) -> bool {
    subschema(schema_path)
        .and_then(string_pattern)
        .is_some_and(|p| p.contains("{%"))
}

/// The subschema holding the keyword at `schema_path`.
fn subschema(schema_path: &str) -> Option<&'static Value> {
    let parent = &schema_path[..schema_path.rfind('/')?];
    schema().pointer(parent)
}

fn value_error(
    ctx: &Context<'_>,
    at: &str,
    kind: &ValidationErrorKind,
    schema_path: &str,
) -> Option<Diagnostic> {
    let span = ctx.span_of(at);
    let field = last_token(at);
    let jsonata_help = "or, in a JSONata state, a {% ... %} expression";
    let d = match kind {
        ValidationErrorKind::Type { kind } => {
            let expected = expected_type(kind);
            let jsonata = takes_jsonata(schema_path);
            let found = ctx
                .root()
                .pointer(at)
                .map(|n| n.type_name())
                .unwrap_or("value");
            let mut help = format!("write {} value", article(expected));
            if jsonata {
                help = format!("{help}, {jsonata_help}");
            }
            // `"States": {"QueryLanguage": "JSONata", ...}`: a top-level field put one level too deep.
            let parent = &at[..at.rfind('/').unwrap_or(0)];
            if expected == "Object"
                && parent.ends_with("/States")
                && allowed_fields("").contains(&field.as_str())
            {
                help = format!(
                    "'{field}' is not a state: it belongs next to StartAt and States, not inside States"
                );
            }
            RULE.diag(at, span, format!("Expected value of type {expected}"))
                .with_label(format!("this is {} {found}", article_for(found)))
                .with_help(help)
        }
        ValidationErrorKind::Pattern { .. } | ValidationErrorKind::Format { .. } => {
            let pattern = subschema(schema_path)
                .and_then(string_pattern)
                .unwrap_or_default();
            // The schema's patterns describe the string forms of a non-string
            // field: a number written as a string, or a `{% ... %}` expression.
            let types: Vec<&str> = subschema(schema_path)
                .and_then(|s| s["type"].as_array())
                .map(|t| t.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let expected = types
                .iter()
                .find(|t| **t != "string")
                .map(|t| type_name(t))
                .unwrap_or("String");
            let jsonata = pattern.contains("{%");
            let mut help = format!("write {} value", article(expected));
            if jsonata {
                help = format!("{help}, {jsonata_help} (starting with {{% and ending with %}})");
            }
            RULE.diag(at, span, format!("Expected value of type {expected}"))
                .with_label(if jsonata {
                    "a string, not a JSONata expression"
                } else {
                    "a string, not a number"
                })
                .with_help(help)
        }
        ValidationErrorKind::Enum { options } => {
            let values: Vec<&str> = options
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let list = values.join(", ");
            let is_state_type = field == "Type" && values.len() == 8;
            let message = if is_state_type {
                format!("The field 'Type' should have one of these values: [{STATE_TYPES}]")
            } else {
                format!("Value should be one of the following: [{list}]")
            };
            let given = ctx.root().pointer(at).and_then(|n| n.as_str());
            let help = match given.and_then(|g| closest(g, values.iter().copied())) {
                Some(similar) => format!("did you mean '{similar}'? (values are case-sensitive)"),
                None if is_state_type => format!("use one of {STATE_TYPES}"),
                None => format!("use one of {list}"),
            };
            RULE.diag(at, span, message)
                .with_label(format!("not a valid '{field}'"))
                .with_help(help)
        }
        ValidationErrorKind::Minimum { limit }
        | ValidationErrorKind::ExclusiveMinimum { limit } => RULE
            .diag(at, span, format!("Minimum value is {limit}"))
            .with_label(format!("'{field}' is below the minimum of {limit}"))
            .with_help(format!("give '{field}' a value of at least {limit}")),
        ValidationErrorKind::Maximum { limit }
        | ValidationErrorKind::ExclusiveMaximum { limit } => RULE
            .diag(at, span, format!("Maximum value is {limit}"))
            .with_label(format!("'{field}' is above the maximum of {limit}"))
            .with_help(format!("give '{field}' a value of at most {limit}")),
        ValidationErrorKind::MinItems { .. } => RULE
            .diag(at, span, "Value cannot be empty")
            .with_label(format!("'{field}' is empty"))
            .with_help(format!("give '{field}' at least one element, or remove it")),
        ValidationErrorKind::MinProperties { .. } | ValidationErrorKind::MinLength { .. } => RULE
            .diag(at, span, "Value cannot be empty")
            .with_label(format!("'{field}' is empty")),
        // The schema uses no other keyword that can fail; keep a plain message
        // rather than losing the error should one be added.
        _ => RULE
            .diag(
                at,
                span,
                format!("The value of '{field}' is not valid here"),
            )
            .with_help("see `sfn explain SCHEMA_VALIDATION_FAILED`"),
    };
    Some(d)
}

fn article(type_name: &str) -> &'static str {
    match type_name {
        "Integer" => "an integer",
        "Number" => "a number",
        "Boolean" => "a boolean",
        "Object" => "an object",
        "Array" => "an array",
        "Null" => "null as the",
        _ => "a string",
    }
}

fn article_for(json_type: &str) -> &'static str {
    match json_type {
        "object" | "array" => "an",
        "null" => "a",
        _ => "a",
    }
}

/// The spanned tree as a JSON representation the validator reads directly.
pub struct SpannedJson;

impl jsonschema::json::Json for SpannedJson {
    type Node<'a> = &'a Node;
    type PreparedKey = String;
    type StringBuffer = NameBuffer;

    // Lookups scan an object's few members, so one pass over them beats several lookups.
    const KEYS_PER_LOOKUP: usize = 32;

    fn prepare_key(key: &str) -> String {
        key.to_owned()
    }

    fn with_string_node<T>(buffer: &mut NameBuffer, string: &str, f: impl FnOnce(&Node) -> T) -> T {
        buffer.0.kind = NodeKind::String(string.into());
        f(&buffer.0)
    }
}

/// Scratch node for `propertyNames`.
pub struct NameBuffer(Node);

impl Default for NameBuffer {
    fn default() -> Self {
        NameBuffer(Node::new(NodeKind::Null, Span::default()))
    }
}

impl<'a> jsonschema::json::Node<'a, SpannedJson> for &'a Node {
    type Object = Members<'a>;
    type Array = &'a [Node];
    type Number = &'a serde_json::Number;

    fn as_object(&self) -> Option<Members<'a>> {
        match &self.kind {
            NodeKind::Object(entries) => Some(Members(entries)),
            _ => None,
        }
    }
    fn as_array(&self) -> Option<&'a [Node]> {
        match &self.kind {
            NodeKind::Array(items) => Some(items),
            _ => None,
        }
    }
    fn as_string(&self) -> Option<Cow<'a, str>> {
        match &self.kind {
            NodeKind::String(s) => Some(Cow::Borrowed(s)),
            _ => None,
        }
    }
    fn as_number(&self) -> Option<&'a serde_json::Number> {
        match &self.kind {
            NodeKind::Number(n) => Some(n),
            _ => None,
        }
    }
    fn as_boolean(&self) -> Option<bool> {
        match self.kind {
            NodeKind::Bool(b) => Some(b),
            _ => None,
        }
    }
    fn is_null(&self) -> bool {
        matches!(self.kind, NodeKind::Null)
    }
    fn json_type(&self) -> JsonType {
        match self.kind {
            NodeKind::Null => JsonType::Null,
            NodeKind::Bool(_) => JsonType::Boolean,
            NodeKind::Number(_) => JsonType::Number,
            NodeKind::String(_) => JsonType::String,
            NodeKind::Array(_) => JsonType::Array,
            NodeKind::Object(_) => JsonType::Object,
        }
    }
    fn to_value(&self) -> Cow<'a, Value> {
        Cow::Owned(Node::to_value(self))
    }
    fn identity(&self) -> Option<jsonschema::json::NodeIdentity> {
        Some(jsonschema::json::NodeIdentity::new(
            std::ptr::from_ref::<Node>(self) as usize,
        ))
    }
}

/// An object's members. A duplicated key reads as its last value, as in `Node::to_value`.
#[derive(Clone, Copy)]
pub struct Members<'a>(&'a [Entry]);

impl<'a> jsonschema::json::Object<'a, SpannedJson> for Members<'a> {
    type Node = &'a Node;
    type MemberName = &'a str;
    type MembersIter =
        std::iter::Map<std::slice::Iter<'a, Entry>, fn(&'a Entry) -> (&'a str, &'a Node)>;

    fn len(&self) -> usize {
        self.0.len()
    }
    fn get(&self, key: &String) -> Option<&'a Node> {
        self.0.iter().rev().find(|e| e.is(key)).map(|e| &e.value)
    }
    fn members(&self) -> Self::MembersIter {
        self.0.iter().map(|e| (e.key.as_str(), &e.value))
    }
}

impl<'a> jsonschema::json::Array<'a, SpannedJson> for &'a [Node] {
    type Node = &'a Node;
    type ElementsIter = std::slice::Iter<'a, Node>;

    fn len(&self) -> usize {
        <[Node]>::len(self)
    }
    fn elements(&self) -> Self::ElementsIter {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::testing::diags_of;

    /// This rule's diagnostics only.
    fn schema_diags(json: &str) -> Vec<Diagnostic> {
        crate::validate::testing::rule_diags(&RULE, json)
    }

    /// The values AWS's ItemReader and ResultWriter pages list, and no others: the
    /// engine refuses the same values, so `validate` must not pass what `run` refuses.
    #[test]
    fn reader_and_writer_settings_take_only_the_values_aws_lists() {
        let map = |reader: &str, writer: &str| {
            format!(
                r#"{{"StartAt":"M","States":{{"M":{{"Type":"Map","End":true,
                "ItemReader":{{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{reader},"Parameters":{{"Bucket":"b","Key":"k"}}}},
                "ItemProcessor":{{"ProcessorConfig":{{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"}},"StartAt":"P","States":{{"P":{{"Type":"Pass","End":true}}}}}},
                "ResultWriter":{{"Resource":"arn:aws:states:::s3:putObject","Parameters":{{"Bucket":"b","Prefix":"p"}},"WriterConfig":{writer}}}}}}}}}"#
            )
        };
        for (input, delimiter) in [
            ("CSV", "COMMA"),
            ("CSV", "PIPE"),
            ("CSV", "SEMICOLON"),
            ("CSV", "SPACE"),
            ("CSV", "TAB"),
        ] {
            let json = map(
                &format!(r#"{{"InputType":"{input}","CSVDelimiter":"{delimiter}"}}"#),
                r#"{"OutputType":"JSON","Transformation":"NONE"}"#,
            );
            assert_eq!(schema_diags(&json), vec![], "{delimiter}");
        }
        for input in ["JSON", "JSONL", "PARQUET", "MANIFEST"] {
            for (output, transformation) in [("JSONL", "COMPACT"), ("JSON", "FLATTEN")] {
                let json = map(
                    &format!(r#"{{"InputType":"{input}"}}"#),
                    &format!(r#"{{"OutputType":"{output}","Transformation":"{transformation}"}}"#),
                );
                assert_eq!(
                    schema_diags(&json),
                    vec![],
                    "{input} {output} {transformation}"
                );
            }
        }
        let json = map(
            r#"{"InputType":"csv","CSVDelimiter":"COLON"}"#,
            r#"{"OutputType":"XML","Transformation":"SQUASH"}"#,
        );
        // By location (the rule alone does not sort; `validate` does).
        let mut messages: Vec<_> = schema_diags(&json)
            .into_iter()
            .map(|d| (d.location, d.message))
            .collect();
        messages.sort();
        let one_of = |location: &str, values: &str| {
            (
                format!("/States/M/{location}"),
                format!("Value should be one of the following: [{values}]"),
            )
        };
        assert_eq!(
            messages,
            [
                one_of(
                    "ItemReader/ReaderConfig/CSVDelimiter",
                    "COMMA, PIPE, SEMICOLON, SPACE, TAB"
                ),
                one_of(
                    "ItemReader/ReaderConfig/InputType",
                    "CSV, JSON, JSONL, PARQUET, MANIFEST"
                ),
                one_of("ResultWriter/WriterConfig/OutputType", "JSON, JSONL"),
                one_of(
                    "ResultWriter/WriterConfig/Transformation",
                    "NONE, COMPACT, FLATTEN"
                ),
            ]
        );
    }

    /// The embedded schema is the shipped one less its annotations: every
    /// keyword but `description` and `title` kept, and every field name.
    #[test]
    fn the_embedded_schema_is_the_shipped_one_without_annotations() {
        fn annotations_dropped(v: &Value, names: bool) -> Value {
            match v {
                Value::Object(m) => Value::Object(
                    m.iter()
                        .filter(|(k, _)| names || !matches!(k.as_str(), "description" | "title"))
                        .map(|(k, v)| {
                            let maps = matches!(k.as_str(), "properties" | "definitions") && !names;
                            let kept =
                                matches!(k.as_str(), "enum" | "const" | "required") && !names;
                            (
                                k.clone(),
                                if kept {
                                    v.clone()
                                } else {
                                    annotations_dropped(v, maps)
                                },
                            )
                        })
                        .collect(),
                ),
                Value::Array(a) => {
                    Value::Array(a.iter().map(|v| annotations_dropped(v, false)).collect())
                }
                other => other.clone(),
            }
        }
        let shipped: Value =
            serde_json::from_str(include_str!("../../../schemas/asl.schema.json")).unwrap();
        assert!(shipped.to_string().contains("\"description\""));
        assert!(!SCHEMA_TEXT.contains("\"description\""));
        let embedded: Value = serde_json::from_str(SCHEMA_TEXT).unwrap();
        assert_eq!(embedded, annotations_dropped(&shipped, false));
    }

    /// Each format means what its pattern means, and every pattern of the schema
    /// has one, so that no regex is compiled.
    #[test]
    fn pattern_formats_agree_with_their_patterns() {
        let samples = [
            "",
            "0",
            "42",
            "+7",
            "-7",
            "007",
            "1.5",
            "-1.25",
            "1.",
            ".5",
            "1e3",
            "1.5.3",
            " 1",
            "1 ",
            "+",
            "-",
            "١٢",
            "{%%}",
            "{%}",
            "{% $x %}",
            "{%\n  $x\n%}",
            "{% é 😀 %}",
            "{% x",
            "x %}",
            " {% x %}",
            "{% x %} ",
            "{% a %}{% b %}",
            "%}{%",
            "abc",
        ];
        for &(pattern, name, check) in PATTERN_FORMATS {
            let regex = regex::Regex::new(pattern).unwrap();
            for s in samples {
                assert_eq!(check(s), regex.is_match(s), "{name} on {s:?}");
            }
        }
        fn patterns(v: &Value, out: &mut Vec<String>) {
            match v {
                Value::Object(m) => {
                    if let Some(p) = m.get("pattern").and_then(Value::as_str) {
                        out.push(p.to_string());
                    }
                    m.values().for_each(|v| patterns(v, out));
                }
                Value::Array(a) => a.iter().for_each(|v| patterns(v, out)),
                _ => {}
            }
        }
        let mut shipped = Vec::new();
        patterns(&serde_json::from_str(SCHEMA_TEXT).unwrap(), &mut shipped);
        assert!(shipped.len() >= 10);
        for p in &shipped {
            assert!(
                PATTERN_FORMATS.iter().any(|(q, ..)| q == p),
                "{p} has no format"
            );
        }
        let mut left = Vec::new();
        patterns(schema(), &mut left);
        assert_eq!(left, Vec::<String>::new());
    }

    /// The one diagnostic of this rule, with its location and message.
    fn one(json: &str) -> Diagnostic {
        let d = schema_diags(json);
        assert_eq!(d.len(), 1, "{d:#?}");
        d.into_iter().next().unwrap()
    }

    fn state(body: &str) -> String {
        format!(r#"{{"StartAt":"A","States":{{"A":{body}}}}}"#)
    }

    #[test]
    fn the_schema_parses_and_compiles() {
        assert!(schema().is_object());
        assert!(validator().is_some());
    }

    #[test]
    fn the_schema_lists_every_comparison_operator() {
        let properties = schema()["definitions"]["nestedChoiceRule"]["properties"]
            .as_object()
            .unwrap();
        let operators = properties
            .keys()
            .filter(|k| is_comparison_operator(k))
            .count();
        assert_eq!(operators, 39);
        assert!(is_comparison_operator("TimestampLessThanEqualsPath"));
        assert!(!is_comparison_operator("Variable"));
        assert!(!is_comparison_operator("Next"));
    }

    #[test]
    fn a_field_of_another_state_type_is_not_supported() {
        let json = state(r#"{"Type":"Pass","TimeoutSeconds":5,"End":true}"#);
        let d = one(&json);
        assert_eq!(d.code, "SCHEMA_VALIDATION_FAILED");
        assert_eq!(d.location, "/States/A/TimeoutSeconds");
        assert_eq!(d.message, "Field 'TimeoutSeconds' is not supported");
        assert_eq!(&json[d.span.start..d.span.end], r#""TimeoutSeconds""#);
        let help = d.help.unwrap();
        assert!(
            help.contains("'TimeoutSeconds' is a field of Task states"),
            "{help}"
        );
        assert!(help.contains("Pass states allow: Type, Comment"), "{help}");
    }

    #[test]
    fn a_misspelt_field_gets_a_suggestion() {
        let d = one(r#"{"Coment":"x","StartAt":"A","States":{"A":{"Type":"Succeed"}}}"#);
        assert_eq!(d.location, "/Coment");
        assert_eq!(d.message, "Field 'Coment' is not supported");
        assert!(d.help.unwrap().starts_with("did you mean 'Comment'?"));
    }

    #[test]
    fn every_unknown_field_is_reported_at_its_own_key() {
        let d = schema_diags(&state(r#"{"Type":"Succeed","Foo":1,"Bar":2}"#));
        let locations: Vec<_> = d.iter().map(|d| d.location.as_str()).collect();
        assert_eq!(locations, ["/States/A/Bar", "/States/A/Foo"]);
    }

    #[test]
    fn missing_fields_are_listed_in_one_diagnostic() {
        let json = r#"{"Comment":"nothing"}"#;
        let d = one(json);
        assert_eq!(d.location, "");
        assert_eq!(d.message, "These fields are required: [StartAt, States]");
        assert_eq!(d.span, Span::new(0, 1));

        let json = state(r#"{"Type":"Task","End":true}"#);
        let d = one(&json);
        assert_eq!(d.location, "/States/A");
        assert_eq!(d.message, "These fields are required: [Resource]");
        assert_eq!(&json[d.span.start..d.span.end], r#""A""#);
    }

    #[test]
    fn an_unknown_state_type_lists_the_valid_ones() {
        let d = one(&state(r#"{"Type":"pass","End":true}"#));
        assert_eq!(d.location, "/States/A/Type");
        assert_eq!(
            d.message,
            "The field 'Type' should have one of these values: [Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map]"
        );
        assert!(d.help.unwrap().starts_with("did you mean 'Pass'?"));

        let d = one(&state(r#"{"End":true}"#));
        assert_eq!(d.message, "These fields are required: [Type]");
    }

    #[test]
    fn other_enumerations_list_their_values() {
        let d = one(&state(
            r#"{"Type":"Map","End":true,"ItemProcessor":{"ProcessorConfig":{"Mode":"inline"},"StartAt":"B","States":{"B":{"Type":"Succeed"}}}}"#,
        ));
        assert_eq!(d.location, "/States/A/ItemProcessor/ProcessorConfig/Mode");
        assert_eq!(
            d.message,
            "Value should be one of the following: [INLINE, DISTRIBUTED]"
        );
        assert!(d.help.unwrap().starts_with("did you mean 'INLINE'?"));

        let d =
            one(r#"{"QueryLanguage":"JSONPATH","StartAt":"A","States":{"A":{"Type":"Succeed"}}}"#);
        assert_eq!(d.location, "/QueryLanguage");
        assert_eq!(
            d.message,
            "Value should be one of the following: [JSONPath, JSONata]"
        );
    }

    #[test]
    fn ranges_are_checked() {
        let d = one(&state(r#"{"Type":"Wait","Seconds":100000000,"End":true}"#));
        assert_eq!(d.location, "/States/A/Seconds");
        assert_eq!(d.message, "Maximum value is 99999999");

        let d = one(&state(
            r#"{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","TimeoutSeconds":0,"End":true}"#,
        ));
        assert_eq!(d.location, "/States/A/TimeoutSeconds");
        assert_eq!(d.message, "Minimum value is 1");
        // AWS's message names no field: the label and the help do.
        assert_eq!(
            d.label.as_deref(),
            Some("'TimeoutSeconds' is below the minimum of 1")
        );
        assert_eq!(
            d.help.as_deref(),
            Some("give 'TimeoutSeconds' a value of at least 1")
        );

        let d = one(&state(
            r#"{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,"Retry":[{"ErrorEquals":["States.ALL"],"BackoffRate":0.5}]}"#,
        ));
        assert_eq!(d.location, "/States/A/Retry/0/BackoffRate");
        assert_eq!(d.message, "Minimum value is 1.0");

        let d = one(&state(
            r#"{"Type":"Map","End":true,"ToleratedFailurePercentage":101,"ItemProcessor":{"StartAt":"B","States":{"B":{"Type":"Succeed"}}}}"#,
        ));
        assert_eq!(d.message, "Maximum value is 100.0");
    }

    #[test]
    fn values_have_their_type() {
        let d = one(&state(
            r#"{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","TimeoutSeconds":"soon","End":true}"#,
        ));
        assert_eq!(d.location, "/States/A/TimeoutSeconds");
        assert_eq!(d.message, "Expected value of type Integer");
        assert!(d.help.unwrap().contains("{% ... %}"));

        let d = one(&state(r#"{"Type":"Pass","End":"yes"}"#));
        assert_eq!(d.location, "/States/A/End");
        assert_eq!(d.message, "Expected value of type Boolean");

        let d = one(&state(r#"{"Type":"Wait","Seconds":1.5,"End":true}"#));
        assert_eq!(d.message, "Expected value of type Integer");

        let d = one(r#"{"StartAt":"A","States":{"A":{"Type":"Succeed"},"Comment":"c"}}"#);
        assert_eq!(d.location, "/States/Comment");
        assert_eq!(d.message, "Expected value of type Object");
        assert!(
            d.help
                .unwrap()
                .contains("belongs next to StartAt and States")
        );

        // AWS reads a QueryLanguage string among the states as the scope's language
        // (a published sample does this); a state named QueryLanguage is still a state.
        assert!(
            schema_diags(
                r#"{"StartAt":"A","States":{"QueryLanguage":"JSONata","A":{"Type":"Succeed"}}}"#
            )
            .is_empty()
        );
        let d =
            one(r#"{"StartAt":"A","States":{"QueryLanguage":"JSONATA","A":{"Type":"Succeed"}}}"#);
        assert_eq!(
            d.message,
            "Value should be one of the following: [JSONPath, JSONata]"
        );
        let d = one(
            r#"{"StartAt":"QueryLanguage","States":{"QueryLanguage":{"Type":"Succeed","End":true}}}"#,
        );
        assert_eq!(d.location, "/States/QueryLanguage/End");

        let d = one(&state(
            r#"{"Type":"Task","Resource":"r","End":true,"Retry":[{"ErrorEquals":["States.ALL"],"MaxAttempts":"{% 3 %}"}]}"#,
        ));
        assert_eq!(d.location, "/States/A/Retry/0/MaxAttempts");
        assert_eq!(d.message, "Expected value of type Integer");
        assert!(!d.help.unwrap().contains("JSONata"));
    }

    #[test]
    fn numbers_may_be_jsonata_expressions_or_numeric_strings() {
        // A template's DefinitionSubstitutions turn "${Timeout}" into "300", which AWS reads as 300.
        assert!(schema_diags(&state(
            r#"{"Type":"Task","Resource":"r","TimeoutSeconds":"300","HeartbeatSeconds":"{% $h %}","End":true}"#
        ))
        .is_empty());
        assert!(
            schema_diags(&state(
                r#"{"Type":"Wait","Seconds":"{% $states.input.n %}","End":true}"#
            ))
            .is_empty()
        );
    }

    #[test]
    fn empty_lists_are_reported() {
        let d = one(&state(r#"{"Type":"Choice","Choices":[],"Default":"A"}"#));
        assert_eq!(d.location, "/States/A/Choices");
        assert_eq!(d.message, "Value cannot be empty");

        let d = one(&state(
            r#"{"Type":"Task","Resource":"r","End":true,"Catch":[{"ErrorEquals":[],"Next":"A"}]}"#,
        ));
        assert_eq!(d.location, "/States/A/Catch/0/ErrorEquals");
        assert_eq!(d.message, "Value cannot be empty");
    }

    #[test]
    fn next_belongs_only_to_top_level_choice_rules() {
        let d = one(&state(
            r#"{"Type":"Choice","Default":"A","Choices":[{"And":[{"Variable":"$.a","IsPresent":true,"Next":"A"}],"Next":"A"}]}"#,
        ));
        assert_eq!(d.location, "/States/A/Choices/0/And/0/Next");
        assert_eq!(d.message, "Field 'Next' is not supported");
        assert!(
            d.help
                .unwrap()
                .contains("Choice rules inside And, Or and Not allow")
        );

        let d = one(&state(
            r#"{"Type":"Choice","Default":"A","Choices":[{"Variable":"$.a","IsPresent":true}]}"#,
        ));
        assert_eq!(d.location, "/States/A/Choices/0");
        assert_eq!(d.message, "These fields are required: [Next]");
    }

    #[test]
    fn nested_state_machines_have_their_own_fields() {
        let d = one(&state(
            r#"{"Type":"Map","End":true,"ItemProcessor":{"QueryLanguage":"JSONata","StartAt":"B","States":{"B":{"Type":"Succeed"}}}}"#,
        ));
        assert_eq!(d.location, "/States/A/ItemProcessor/QueryLanguage");
        assert_eq!(d.message, "Field 'QueryLanguage' is not supported");

        let d = one(&state(
            r#"{"Type":"Parallel","End":true,"Branches":[{"StartAt":"B","States":{"B":{"Type":"Pass","Foo":1,"End":true}}}]}"#,
        ));
        assert_eq!(d.location, "/States/A/Branches/0/States/B/Foo");
    }

    #[test]
    fn valid_definitions_of_both_languages_pass() {
        let json = r#"{
          "Comment": "c", "StartAt": "T", "TimeoutSeconds": 60, "Version": "1.0",
          "States": {
            "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"a.$": "$.b"},
                  "ResultSelector": {"p.$": "$.Payload"}, "ResultPath": "$.r", "OutputPath": "$", "InputPath": null,
                  "TimeoutSecondsPath": "$.t", "HeartbeatSeconds": 10, "Assign": {"x": 1},
                  "Credentials": {"RoleArn": "arn:aws:iam::1:role/r"},
                  "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1, "MaxAttempts": 3, "BackoffRate": 2,
                             "MaxDelaySeconds": 10, "JitterStrategy": "FULL", "Comment": "r"}],
                  "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "C", "ResultPath": "$.e", "Comment": "c"}],
                  "Next": "C"},
            "C": {"Type": "Choice", "Choices": [
                    {"Not": {"Variable": "$.a", "StringEquals": "x"}, "Next": "J"},
                    {"Or": [{"Variable": "$.n", "NumericGreaterThanPath": "$.m"}, {"Variable": "$.b", "IsBoolean": true}], "Next": "J"}],
                  "Default": "J"},
            "J": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $states.input %}", "Assign": {"v": "{% 1 %}"}, "Next": "M"},
            "M": {"Type": "Map", "QueryLanguage": "JSONata", "Items": "{% $states.input.items %}", "MaxConcurrency": "{% 2 %}",
                  "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "Arguments": {"Bucket": "b", "Key": "k"},
                                 "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "MaxItems": 10}},
                  "ItemBatcher": {"MaxItemsPerBatch": 5, "BatchInput": {"a": 1}},
                  "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Arguments": {"Bucket": "b", "Prefix": "p"}},
                  "ToleratedFailurePercentage": 5.5, "Label": "L",
                  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}, "StartAt": "W",
                                    "States": {"W": {"Type": "Wait", "Seconds": 1, "End": true}}},
                  "Next": "P"},
            "P": {"Type": "Parallel", "Branches": [{"Comment": "b", "StartAt": "F", "States": {"F": {"Type": "Fail", "ErrorPath": "$.e", "Cause": "c"}}}],
                  "ResultPath": null, "Next": "S"},
            "S": {"Type": "Succeed", "Comment": "done"}
          }}"#;
        let d = schema_diags(json);
        assert!(d.is_empty(), "{d:#?}");
        // And through the whole validator.
        assert!(
            diags_of(json)
                .iter()
                .all(|d| d.code != "SCHEMA_VALIDATION_FAILED"),
            "{:#?}",
            diags_of(json)
        );
    }
}

#[cfg(test)]
mod timing {
    use crate::load::{LoadOptions, load_text};
    use crate::model;
    use crate::validate::Context;

    /// `cargo test --release --lib schema::timing -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn time_fifty_states() {
        let mut states = Vec::new();
        for i in 0..50 {
            let next = if i == 49 {
                r#""End":true"#.to_string()
            } else {
                format!(r#""Next":"S{}""#, i + 1)
            };
            let body = match i % 5 {
                0 => format!(
                    r#"{{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{{"FunctionName":"f","Payload.$":"$"}},"ResultPath":"$.r","Retry":[{{"ErrorEquals":["States.ALL"],"MaxAttempts":2}}],"Catch":[{{"ErrorEquals":["States.ALL"],"Next":"S49"}}],{next}}}"#
                ),
                1 => format!(r#"{{"Type":"Pass","Result":{{"a":1}},"ResultPath":"$.p",{next}}}"#),
                2 => format!(
                    r#"{{"Type":"Choice","Choices":[{{"Variable":"$.x","NumericEquals":1,"Next":"S{}"}}],"Default":"S{}"}}"#,
                    i + 1,
                    i + 1
                ),
                3 => format!(r#"{{"Type":"Wait","Seconds":1,{next}}}"#),
                _ => format!(
                    r#"{{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{{"StartAt":"I","States":{{"I":{{"Type":"Pass","End":true}}}}}},{next}}}"#
                ),
            };
            states.push(format!(r#""S{i}":{body}"#));
        }
        let text = format!(r#"{{"StartAt":"S0","States":{{{}}}}}"#, states.join(","));
        let loaded = load_text(
            std::path::Path::new("t.json"),
            text,
            &LoadOptions::default(),
        );
        let def = &loaded.definitions[0];
        let machine = model::build(&def.root);
        let ctx = Context::new(def, &machine);
        let mut out = Vec::new();
        super::check(&ctx, &mut out);
        assert!(out.is_empty(), "{out:?}");
        let n = 2000;
        let t = std::time::Instant::now();
        for _ in 0..n {
            out.clear();
            super::check(&ctx, &mut out);
        }
        eprintln!(
            "schema rule, 50 states: {:?} per definition",
            t.elapsed() / n
        );
        use crate::validate::rules::{
            distributed_only_fields, exclusive_fields, field_ranges, map_config,
            query_language_fields,
        };
        let structure = [
            &super::RULE,
            &exclusive_fields::RULE,
            &query_language_fields::RULE,
            &map_config::RULE,
            &distributed_only_fields::RULE,
            &field_ranges::RULE,
        ];
        let t = std::time::Instant::now();
        for _ in 0..n {
            out.clear();
            for rule in structure {
                (rule.check)(&ctx, &mut out);
            }
        }
        assert!(out.is_empty(), "{out:?}");
        eprintln!("all structure rules: {:?} per definition", t.elapsed() / n);
        let profile = std::env::var("SFN_PROFILE_RULE").ok();
        for rule in structure {
            if let Some(p) = &profile
                && p == rule.id
            {
                for _ in 0..200_000 {
                    out.clear();
                    (rule.check)(&ctx, &mut out);
                }
            }
            let t = std::time::Instant::now();
            for _ in 0..n {
                out.clear();
                (rule.check)(&ctx, &mut out);
            }
            eprintln!("  {}: {:?}", rule.id, t.elapsed() / n);
        }
    }
}

#[cfg(test)]
mod all_rules_timing {
    /// Per-rule time on the benchmark definition:
    /// `cargo test --release --lib all_rules_timing -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn time_every_rule() {
        use crate::load::{LoadOptions, load_text};
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("testdata/bench/fifty-states.asl.json");
        let text = std::fs::read_to_string(path).unwrap();
        let loaded = load_text(
            std::path::Path::new("b.json"),
            text,
            &LoadOptions::default(),
        );
        let def = &loaded.definitions[0];
        let machine = crate::model::build(&def.root);
        let ctx = crate::validate::Context::new(def, &machine);
        let n = 500;
        let mut out = Vec::new();
        let profile = std::env::var("SFN_PROFILE_RULE").ok();
        for rule in crate::validate::registry::RULES {
            (rule.check)(&ctx, &mut out);
            if profile.as_deref() == Some(rule.id) {
                for _ in 0..100_000 {
                    out.clear();
                    (rule.check)(&ctx, &mut out);
                }
            }
            let t = std::time::Instant::now();
            for _ in 0..n {
                out.clear();
                (rule.check)(&ctx, &mut out);
            }
            eprintln!("{:>10.1?}  {}", t.elapsed() / n, rule.id);
        }
    }
}
