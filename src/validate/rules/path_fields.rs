use crate::dataflow::path::{self, Path, PathError, Root};
use crate::dataflow::{intrinsic, sites};
use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::load::{Node, NodeKind};
use crate::model::{Condition, QueryLanguage, State};
use crate::validate::Context;
use crate::validate::rules::graph::NameMap;

/// Each distinct path text parsed once per definition.
type Parsed<'a> = NameMap<'a, Result<Path, PathError>>;

declare_rule! {
    /// ## What it checks
    /// That every path field of a JSONPath state holds a path Step Functions
    /// can use:
    ///
    /// - `InputPath`, `OutputPath`: a JSONPath (`$.a`, `$.a[0:2]`, a context path
    ///   `$$.Execution.Input`, a variable `$name`) or `null`;
    /// - `ResultPath` (also in a Catcher): a Reference Path into the state's data
    ///   (`$.a.b`, `$['a b'][0]`; no `*`, `..`, filters, slices or lists; not `$$`
    ///   nor a variable) or `null`;
    /// - `ItemsPath`, `SecondsPath`, `TimestampPath`, `TimeoutSecondsPath`,
    ///   `HeartbeatSecondsPath`, `MaxConcurrencyPath`, `ToleratedFailureCountPath`,
    ///   `ToleratedFailurePercentagePath`, `ReaderConfig.MaxItemsPath`,
    ///   `ItemBatcher.MaxItemsPerBatchPath` and `MaxInputBytesPerBatchPath`: a
    ///   Reference Path (a context path or a variable is fine);
    /// - `ErrorPath`, `CausePath`: a Reference Path or an intrinsic function call;
    /// - a Choice rule's `Variable` and every `...Path` comparison operand: a JSONPath.
    ///
    /// The diagnostic points at the offending characters.
    ///
    /// ## Why
    /// AWS refuses to create the state machine (`SCHEMA_VALIDATION_FAILED: Value
    /// must be a valid JSONPath`). A Reference Path must name a single node,
    /// because a value is written there or exactly one value is read from it.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "ResultPath": "$.results[*]", "End": true}}}
    /// ```
    /// `[*]` may select several nodes: write the result to one place, such as `$.results`.
    pub static RULE = Rule {
        id: "path-fields",
        code: "SCHEMA_VALIDATION_FAILED",
        severity: Severity::Error,
        summary: "Path fields hold valid JSONPaths, and Reference Paths where one node is needed",
        check,
    };
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// Any JSONPath; `null` allowed.
    Path,
    /// Any JSONPath, never `null`: a Choice rule's `Variable` and `...Path` operands.
    Operand,
    /// A Reference Path into the state's data; `null` allowed.
    Writable,
    /// A Reference Path, from `$`, `$$` or a variable.
    Reference,
    /// A Reference Path, or an intrinsic function call.
    ReferenceOrCall,
}

const STATE_FIELDS: &[(&str, Kind)] = &[
    ("InputPath", Kind::Path),
    ("OutputPath", Kind::Path),
    ("ResultPath", Kind::Writable),
    ("ItemsPath", Kind::Reference),
    ("SecondsPath", Kind::Reference),
    ("TimestampPath", Kind::Reference),
    ("TimeoutSecondsPath", Kind::Reference),
    ("HeartbeatSecondsPath", Kind::Reference),
    ("MaxConcurrencyPath", Kind::Reference),
    ("ToleratedFailureCountPath", Kind::Reference),
    ("ToleratedFailurePercentagePath", Kind::Reference),
    ("ErrorPath", Kind::ReferenceOrCall),
    ("CausePath", Kind::ReferenceOrCall),
];

const NESTED_FIELDS: &[(&str, &str, &str)] = &[
    ("ItemReader", "ReaderConfig", "MaxItemsPath"),
    ("ItemBatcher", "", "MaxItemsPerBatchPath"),
    ("ItemBatcher", "", "MaxInputBytesPerBatchPath"),
];

/// The state members this rule reads, looked up in one pass: `STATE_FIELDS`,
/// then the holders of the nested fields and `Catch`.
const LOOKUPS: [&str; 16] = [
    "InputPath",
    "OutputPath",
    "ResultPath",
    "ItemsPath",
    "SecondsPath",
    "TimestampPath",
    "TimeoutSecondsPath",
    "HeartbeatSecondsPath",
    "MaxConcurrencyPath",
    "ToleratedFailureCountPath",
    "ToleratedFailurePercentagePath",
    "ErrorPath",
    "CausePath",
    "ItemReader",
    "ItemBatcher",
    "Catch",
];

/// The index of a key in [`LOOKUPS`], for [`Node::get_by`].
fn lookup(key: &str) -> Option<usize> {
    Some(match key {
        "InputPath" => 0,
        "OutputPath" => 1,
        "ResultPath" => 2,
        "ItemsPath" => 3,
        "SecondsPath" => 4,
        "TimestampPath" => 5,
        "TimeoutSecondsPath" => 6,
        "HeartbeatSecondsPath" => 7,
        "MaxConcurrencyPath" => 8,
        "ToleratedFailureCountPath" => 9,
        "ToleratedFailurePercentagePath" => 10,
        "ErrorPath" => 11,
        "CausePath" => 12,
        "ItemReader" => 13,
        "ItemBatcher" => 14,
        "Catch" => 15,
        _ => return None,
    })
}

fn check<'a>(ctx: &Context<'a>, out: &mut Vec<Diagnostic>) {
    let memo = &mut Parsed::default();
    for state in &ctx.machine.states {
        if state.query_language != QueryLanguage::JsonPath {
            continue;
        }
        let n = &state.node;
        let p = &state.pointer;
        let found = n.get_by::<{ LOOKUPS.len() }>(lookup);
        let holder = |key: &str| found[13 + usize::from(key == "ItemBatcher")];
        for (&(field, kind), node) in STATE_FIELDS.iter().zip(found) {
            if let Some(node) = node {
                check_field(
                    ctx,
                    memo,
                    field,
                    kind,
                    node,
                    &|| format!("{p}/{field}"),
                    out,
                );
            }
        }
        for &(outer, middle, field) in NESTED_FIELDS {
            let mut holder = holder(outer);
            if !middle.is_empty() {
                holder = holder.and_then(|h| h.get(middle));
            }
            if let Some(node) = holder.and_then(|h| h.get(field)) {
                let pointer = || {
                    if middle.is_empty() {
                        format!("{p}/{outer}/{field}")
                    } else {
                        format!("{p}/{outer}/{middle}/{field}")
                    }
                };
                check_field(ctx, memo, field, Kind::Reference, node, &pointer, out);
            }
        }
        if let Some(catchers) = found[15].and_then(Node::as_array) {
            for (i, c) in catchers.iter().enumerate() {
                if let Some(node) = c.get("ResultPath") {
                    let pointer = || format!("{p}/Catch/{i}/ResultPath");
                    check_field(ctx, memo, "ResultPath", Kind::Writable, node, &pointer, out);
                }
            }
        }
        check_choices(ctx, memo, state, out);
    }
}

/// The member `key` of `node`, as a JSON pointer step resolves it.
fn member<'n>(node: Option<&'n Node>, key: &str) -> Option<&'n Node> {
    node?.get(key)
}

/// The item `i` of `node`, as a JSON pointer step resolves it.
fn item(node: Option<&Node>, i: usize) -> Option<&Node> {
    let node = node?;
    match &node.kind {
        NodeKind::Array(items) => items.get(i),
        NodeKind::Object(_) => node.get(&i.to_string()),
        _ => None,
    }
}

fn check_choices<'a>(
    ctx: &Context<'a>,
    memo: &mut Parsed<'a>,
    state: &'a State<'a>,
    out: &mut Vec<Diagnostic>,
) {
    // Each condition with the node its pointer names in the definition: its
    // `Variable` is read from there.
    // A rule's pointer is `{state.pointer}/Choices/{i}`: the state's part is
    // resolved once (walking `/States/...` per rule was a quarter of this rule).
    let mut stack: Vec<(&Condition, Option<&Node>)> = Vec::new();
    if !state.choices.is_empty() {
        let list = member(ctx.state_node(state.id), "Choices");
        stack
            .extend((state.choices.iter().enumerate()).map(|(i, r)| (&r.condition, item(list, i))));
    }
    while let Some((c, node)) = stack.pop() {
        match c {
            Condition::And(cs) | Condition::Or(cs) => {
                let key = if matches!(c, Condition::And(_)) {
                    "And"
                } else {
                    "Or"
                };
                let list = member(node, key);
                stack.extend(cs.iter().enumerate().map(|(i, c)| (c, item(list, i))));
            }
            Condition::Not(inner) => stack.push((inner, member(node, "Not"))),
            Condition::Compare {
                pointer,
                operator,
                operand,
                ..
            } => {
                if let Some(variable) = member(node, "Variable") {
                    let at = || format!("{pointer}/Variable");
                    check_field(ctx, memo, "Variable", Kind::Operand, variable, &at, out);
                }
                if operator.value.ends_with("Path") {
                    let at = || format!("{pointer}/{}", operator.value);
                    check_field(ctx, memo, operator.value, Kind::Operand, operand, &at, out);
                }
            }
            Condition::Jsonata { .. } | Condition::Invalid { .. } => {}
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn check_field<'a>(
    ctx: &Context<'_>,
    memo: &mut Parsed<'a>,
    field: &str,
    kind: Kind,
    node: &'a Node,
    pointer: &dyn Fn() -> String,
    out: &mut Vec<Diagnostic>,
) {
    // Other types are the schema rule's business.
    let Some(text) = node.as_str() else { return };
    let source = &ctx.definition.source.text;
    let what = match kind {
        Kind::Path | Kind::Operand => "JSONPath",
        Kind::ReferenceOrCall => "ReferencePath or intrinsic function call",
        _ => "ReferencePath",
    };
    let mut report = |span, detail: String, help: String| {
        out.push(
            RULE.diag(
                pointer(),
                span,
                format!("The value for the field '{field}' must be a valid {what}: {detail}"),
            )
            .with_label(format!("not a valid {what}"))
            .with_help(help),
        );
    };
    if kind == Kind::ReferenceOrCall && !path::looks_like_path(text.trim_start()) {
        // Names and arities are the intrinsic-call rule's business.
        if let Err(e) = intrinsic::parse(text) {
            report(
                sites::char_span(source, node, e.offset),
                e.message,
                format!(
                    "write a path such as $.error, or an intrinsic call such as States.Format('{{}}', $.a), in '{field}'"
                ),
            );
        }
        return;
    }
    let path: &Path = match memo.entry(text).or_insert_with(|| path::parse(text)) {
        Ok(p) => p,
        Err(e) => {
            report(
                sites::char_span(source, node, e.offset),
                e.message.clone(),
                path_help(field, kind),
            );
            return;
        }
    };
    if matches!(kind, Kind::Path | Kind::Operand) {
        return;
    }
    if kind == Kind::Writable {
        let why = match path.root {
            Root::Context => Some("the context object ($$) is read-only"),
            Root::Variable(_) => {
                Some("a variable cannot be written here; set variables with Assign")
            }
            _ => None,
        };
        if let Some(why) = why {
            report(
                node.span,
                why.to_string(),
                format!(
                    "write the result into the state's data, such as \"{field}\": \"$.result\", or null to discard it"
                ),
            );
            return;
        }
    }
    if let Some(seg) = path.first_non_reference() {
        let written = text.get(seg.span.start..seg.span.end).unwrap_or("");
        report(
            sites::inner_span(source, node, seg.span.start, seg.span.end),
            format!(
                "'{written}' can select several nodes; a ReferencePath uses only .name, ['name'] and [index] steps"
            ),
            format!("point '{field}' at one node, such as $.items or $.items[0]"),
        );
    }
}

fn path_help(field: &str, kind: Kind) -> String {
    match kind {
        Kind::Path | Kind::Writable => format!(
            "write '{field}' as a path starting with '$', such as $.a.b or $['a b'], or null"
        ),
        _ => format!("write '{field}' as a path starting with '$', such as $.a.b or $['a b']"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn lookup_finds_each_key_where_the_list_has_it() {
        crate::validate::testing::assert_key_index(&super::LOOKUPS, super::lookup);
    }

    #[test]
    fn the_lookups_start_with_the_state_fields() {
        use super::{LOOKUPS, NESTED_FIELDS, STATE_FIELDS};
        let names: Vec<&str> = STATE_FIELDS.iter().map(|f| f.0).collect();
        assert_eq!(names, LOOKUPS[..STATE_FIELDS.len()]);
        assert_eq!(LOOKUPS[13..], ["ItemReader", "ItemBatcher", "Catch"]);
        assert!(
            NESTED_FIELDS
                .iter()
                .all(|f| f.0 == "ItemReader" || f.0 == "ItemBatcher")
        );
    }

    use crate::validate::testing::diags_of;

    fn ours(json: &str) -> Vec<crate::diagnostic::Diagnostic> {
        diags_of(json)
            .into_iter()
            .filter(|d| d.message.starts_with("The value for the field"))
            .collect()
    }

    fn machine(state: &str) -> String {
        format!(r#"{{"StartAt":"A","States":{{"A":{state},"B":{{"Type":"Succeed"}}}}}}"#)
    }

    #[test]
    fn result_path_must_be_a_reference_path() {
        let text = machine(r#"{"Type":"Pass","ResultPath":"$.results[*]","Next":"B"}"#);
        let d = ours(&text);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code, "SCHEMA_VALIDATION_FAILED");
        assert_eq!(d[0].location, "/States/A/ResultPath");
        assert_eq!(
            d[0].message,
            "The value for the field 'ResultPath' must be a valid ReferencePath: '[*]' can select several nodes; a ReferencePath uses only .name, ['name'] and [index] steps"
        );
        assert_eq!(&text[d[0].span.start..d[0].span.end], "[*]");
    }

    #[test]
    fn result_path_cannot_write_to_the_context_or_a_variable() {
        let d = ours(&machine(
            r#"{"Type":"Pass","ResultPath":"$$.Execution","Next":"B"}"#,
        ));
        assert!(
            d[0].message
                .ends_with("the context object ($$) is read-only"),
            "{d:?}"
        );
        let d = ours(&machine(
            r#"{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Next":"B","Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$v","Next":"B"}]}"#,
        ));
        assert_eq!(d[0].location, "/States/A/Catch/0/ResultPath");
    }

    #[test]
    fn syntax_errors_point_inside_the_string() {
        let text = machine(r#"{"Type":"Pass","InputPath":"$.a b","Next":"B"}"#);
        let d = ours(&text);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].location, "/States/A/InputPath");
        assert!(d[0].message.contains("white space"), "{}", d[0].message);
        assert_eq!(&text[d[0].span.start..d[0].span.end], " ");
        let d = ours(&machine(
            r#"{"Type":"Pass","OutputPath":"Test","Next":"B"}"#,
        ));
        assert_eq!(
            d[0].message,
            "The value for the field 'OutputPath' must be a valid JSONPath: a path must start with '$'"
        );
    }

    #[test]
    fn reference_fields_choice_operands_and_error_paths() {
        let d = ours(&machine(
            r#"{"Type":"Wait","SecondsPath":"$..s","Next":"B"}"#,
        ));
        assert_eq!(d[0].location, "/States/A/SecondsPath");
        let d = ours(&machine(
            r#"{"Type":"Map","ItemsPath":"$.a[?(@.x)]","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Succeed"}}},"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"MaxItemsPath":"$.m["}},"Next":"B"}"#,
        ));
        let locs: Vec<_> = d.iter().map(|d| d.location.as_str()).collect();
        assert_eq!(
            locs,
            [
                "/States/A/ItemsPath",
                "/States/A/ItemReader/ReaderConfig/MaxItemsPath"
            ]
        );
        let d = ours(&machine(
            r#"{"Type":"Choice","Choices":[{"Not":{"Variable":"$.a.","StringEqualsPath":"x","Next":"B"}}],"Default":"B"}"#,
        ));
        let locs: Vec<_> = d.iter().map(|d| d.location.as_str()).collect();
        assert_eq!(
            locs,
            [
                "/States/A/Choices/0/Not/Variable",
                "/States/A/Choices/0/Not/StringEqualsPath"
            ]
        );
        // A Choice operand is never null: its help does not offer it, as InputPath's does.
        assert_eq!(
            d[0].help.as_deref(),
            Some("write 'Variable' as a path starting with '$', such as $.a.b or $['a b']")
        );
        let d = ours(&machine(r#"{"Type":"Pass","InputPath":"x","Next":"B"}"#));
        assert_eq!(
            d[0].help.as_deref(),
            Some(
                "write 'InputPath' as a path starting with '$', such as $.a.b or $['a b'], or null"
            )
        );
        let d = ours(&machine(
            r#"{"Type":"Fail","ErrorPath":"States.Format('x'","CausePath":"$.c"}"#,
        ));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].location, "/States/A/ErrorPath");
    }

    #[test]
    fn accepts_what_aws_accepts() {
        for state in [
            r#"{"Type":"Pass","InputPath":"$$.Execution.Input","OutputPath":"$.a[0:2]","ResultPath":"$.r['x y'][0]","Next":"B"}"#,
            r#"{"Type":"Pass","InputPath":null,"OutputPath":null,"ResultPath":null,"Next":"B"}"#,
            r#"{"Type":"Pass","InputPath":"$answer","OutputPath":"$.items[?(@.price < 10)]","Next":"B"}"#,
            r#"{"Type":"Wait","SecondsPath":"$waitTime","Next":"B"}"#,
            r#"{"Type":"Wait","TimestampPath":"$$.Execution.Input.at","Next":"B"}"#,
            r#"{"Type":"Fail","ErrorPath":"$$.State.Name","CausePath":"States.Format('failed in {}', $$.State.Name)"}"#,
            r#"{"Type":"Choice","Choices":[{"Variable":"$.items[0].v","NumericGreaterThanPath":"$.limit","Next":"B"}],"Default":"B"}"#,
            r#"{"Type":"Map","ItemsPath":"$$.Execution.Input.items","MaxConcurrencyPath":"$maxConcurrency","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Succeed"}}},"Next":"B"}"#,
            r#"{"Type":"Pass","QueryLanguage":"JSONata","Output":"{% $states.input %}","Next":"B"}"#,
        ] {
            assert!(
                ours(&machine(state)).is_empty(),
                "{state}: {:?}",
                ours(&machine(state))
            );
        }
    }
}
