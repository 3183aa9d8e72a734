use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::load::{Entry, Node, Span, pointer_token};
use crate::model::StateType;
use crate::validate::Context;
use crate::validate::rules::schema::is_comparison_operator;

declare_rule! {
    /// ## What it checks
    /// Fields that go together, or never together:
    ///
    /// - Task, Pass, Wait, Parallel and Map states have exactly one of `Next`
    ///   and `"End": true`;
    /// - a Wait state has exactly one of `Seconds`, `SecondsPath`, `Timestamp`,
    ///   `TimestampPath`;
    /// - a Map state has exactly one of `ItemProcessor` and its legacy name
    ///   `Iterator`, and at most one of `ItemSelector` and its legacy name `Parameters`;
    /// - a value and its `...Path` form are never both given: `TimeoutSeconds`,
    ///   `HeartbeatSeconds`, `MaxConcurrency`, `ToleratedFailureCount`,
    ///   `ToleratedFailurePercentage`, a Fail state's `Error` and `Cause`,
    ///   `ItemBatcher`'s `MaxItemsPerBatch` and `MaxInputBytesPerBatch`,
    ///   `ReaderConfig`'s `MaxItems`;
    /// - a Choice rule is exactly one of: `Variable` with exactly one comparison
    ///   operator, `And`, `Or`, `Not` or (JSONata) `Condition`.
    ///
    /// ## Why
    /// AWS rejects the definition with `SCHEMA_VALIDATION_FAILED`, for example
    /// `There should only be one of the following fields: [Next, End]`. Without
    /// `Next` or `End` the execution could not leave the state; with both it
    /// would not know which to do.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 5, "Timestamp": "2030-01-01T00:00:00Z", "End": true}}}
    /// ```
    /// Wait either 5 seconds or until the timestamp: keep one of the two.
    pub static RULE = Rule {
        id: "exclusive-fields",
        code: "SCHEMA_VALIDATION_FAILED",
        severity: Severity::Error,
        summary: "Next or End, one Wait duration, a value or its ...Path, one Choice rule condition",
        check,
    };
}

/// The states that move on by `Next` or end by `End`.
const TRANSITIONING: &[StateType] = &[
    StateType::Task,
    StateType::Pass,
    StateType::Wait,
    StateType::Parallel,
    StateType::Map,
];

const WAIT_FIELDS: &[&str] = &["SecondsPath", "Seconds", "TimestampPath", "Timestamp"];

/// Pairs of fields of which at most one may be given, by state type.
/// The pairs of state fields of which one may be given, by state type: read through
/// [`TASK_PAIRS`], [`MAP_PAIRS`] and [`FAIL_PAIRS`].
#[cfg(test)]
const STATE_PAIRS: &[(StateType, &str, &str)] = &[
    (StateType::Task, "TimeoutSeconds", "TimeoutSecondsPath"),
    (StateType::Task, "HeartbeatSeconds", "HeartbeatSecondsPath"),
    (StateType::Map, "ItemProcessor", "Iterator"),
    (StateType::Map, "ItemSelector", "Parameters"),
    (StateType::Map, "MaxConcurrency", "MaxConcurrencyPath"),
    (
        StateType::Map,
        "ToleratedFailureCount",
        "ToleratedFailureCountPath",
    ),
    (
        StateType::Map,
        "ToleratedFailurePercentage",
        "ToleratedFailurePercentagePath",
    ),
    (StateType::Fail, "Error", "ErrorPath"),
    (StateType::Fail, "Cause", "CausePath"),
];

/// Pairs inside a Map state's objects: (object, field, field).
const MAP_OBJECT_PAIRS: &[(&str, &str, &str)] = &[
    ("ItemBatcher", "MaxItemsPerBatch", "MaxItemsPerBatchPath"),
    (
        "ItemBatcher",
        "MaxInputBytesPerBatch",
        "MaxInputBytesPerBatchPath",
    ),
];

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for state in &ctx.machine.states {
        let Some(t) = &state.state_type else {
            continue;
        };
        let t = &t.value;
        let node = &state.node;
        if node.as_object().is_none() {
            continue;
        }
        if TRANSITIONING.contains(t) {
            next_or_end(node, &state.pointer, state.name_span, out);
        }
        if *t == StateType::Wait {
            wait_duration(node, &state.pointer, state.name_span, out);
        }
        // The pairs of the state's type, found in one pass over its members.
        match t {
            StateType::Task => pairs(node, &state.pointer, &TASK_PAIRS, out),
            StateType::Map => pairs(node, &state.pointer, &MAP_PAIRS, out),
            StateType::Fail => pairs(node, &state.pointer, &FAIL_PAIRS, out),
            _ => {}
        }
        if *t == StateType::Map {
            if node.get("ItemProcessor").is_none() && node.get("Iterator").is_none() {
                out.push(
                    RULE.diag(
                        state.pointer.clone(),
                        state.name_span,
                        "This object should have only one of the following fields: [ItemProcessor, Iterator]",
                    )
                    .with_label("a Map state without ItemProcessor")
                    .with_help("add an \"ItemProcessor\" with the StartAt and States run for each item"),
                );
            }
            for (object, a, b) in MAP_OBJECT_PAIRS {
                if let Some(o) = node.get(object) {
                    let pointer = || format!("{}/{object}", state.pointer);
                    at_most_one(o, pointer, a, b, out);
                }
            }
            if let Some(config) = node.get("ItemReader").and_then(|r| r.get("ReaderConfig")) {
                let pointer = || format!("{}/ItemReader/ReaderConfig", state.pointer);
                at_most_one(config, pointer, "MaxItems", "MaxItemsPath", out);
            }
        }
        if *t == StateType::Choice
            && let Some(rules) = node.get("Choices").and_then(Node::as_array)
        {
            // One buffer for the pointers of all rules: most rules report nothing.
            let mut pointer = format!("{}/Choices", state.pointer);
            for (i, rule) in rules.iter().enumerate() {
                let len = pointer.len();
                push_index(&mut pointer, i);
                choice_rule(rule, &mut pointer, true, out);
                pointer.truncate(len);
            }
        }
    }
}

/// How many members match, and the first two of them, without allocating:
/// this runs for every state.
fn first_two(entries: &[Entry], matches: impl Fn(&str) -> bool) -> (usize, [Option<&Entry>; 2]) {
    let mut count = 0;
    let mut first = [None, None];
    for e in entries.iter().filter(|e| matches(&e.key)) {
        if count < 2 {
            first[count] = Some(e);
        }
        count += 1;
    }
    (count, first)
}

/// The first character of a value: a short span for a whole object.
fn head(node: &Node) -> Span {
    Span::new(node.span.start, (node.span.start + 1).min(node.span.end))
}

fn next_or_end(node: &Node, pointer: &str, name_span: Span, out: &mut Vec<Diagnostic>) {
    let [next, end] = node.entries_many(&["Next", "End"]);
    if end.is_some_and(|e| e.value.as_bool().is_none()) {
        // An End that is not a boolean is the schema rule's to report.
        return;
    }
    let ends = end.and_then(|e| e.value.as_bool()) == Some(true);
    match (next, ends) {
        (Some(_), true) => {
            let end = end.expect("End is true");
            out.push(
                RULE.diag(
                    pointer,
                    end.key_span,
                    "There should only be one of the following fields: [Next, End]",
                )
                .with_label("End, and also Next")
                .with_help(
                    "keep \"Next\" to go on to another state, or \"End\": true to stop here",
                ),
            );
        }
        (None, false) => {
            // `"End": false` is no End at all: point at it when present.
            let span = end.map(|e| e.key_span).unwrap_or(name_span);
            out.push(
                RULE.diag(
                    pointer,
                    span,
                    "This object should have only one of the following fields: [Next, End]",
                )
                .with_label("neither Next nor \"End\": true")
                .with_help(
                    "add \"Next\": \"<state name>\" to go on to another state, or \"End\": true to stop here",
                ),
            );
        }
        _ => {}
    }
}

fn wait_duration(node: &Node, pointer: &str, name_span: Span, out: &mut Vec<Diagnostic>) {
    let entries = node.as_object().unwrap_or_default();
    let (count, [first, second]) = first_two(entries, |k| WAIT_FIELDS.contains(&k));
    match (count, first, second) {
        (0, _, _) => out.push(
            RULE.diag(
                pointer,
                name_span,
                format!(
                    "This object should have only one of the following fields: [{}]",
                    WAIT_FIELDS.join(", ")
                ),
            )
            .with_label("a Wait state without a duration")
            .with_help("add \"Seconds\": <n>, or \"Timestamp\" (or their ...Path forms)"),
        ),
        (_, Some(first), Some(second)) => out.push(
            RULE.diag(
                pointer,
                second.key_span,
                format!(
                    "There should only be one of the following fields: [{}]",
                    WAIT_FIELDS.join(", ")
                ),
            )
            .with_label(format!("'{}' and also '{}'", first.key, second.key))
            .with_help("keep one of Seconds, SecondsPath, Timestamp and TimestampPath"),
        ),
        _ => {}
    }
}

/// Reports `b` when `a` is there too.
/// [`STATE_PAIRS`] of one type, flattened: `[a0, b0, a1, b1, ...]`, in the table's order
/// (a test holds them to the table).
const TASK_PAIRS: [&str; 4] = [
    "TimeoutSeconds",
    "TimeoutSecondsPath",
    "HeartbeatSeconds",
    "HeartbeatSecondsPath",
];
const MAP_PAIRS: [&str; 10] = [
    "ItemProcessor",
    "Iterator",
    "ItemSelector",
    "Parameters",
    "MaxConcurrency",
    "MaxConcurrencyPath",
    "ToleratedFailureCount",
    "ToleratedFailureCountPath",
    "ToleratedFailurePercentage",
    "ToleratedFailurePercentagePath",
];
const FAIL_PAIRS: [&str; 4] = ["Error", "ErrorPath", "Cause", "CausePath"];

/// [`at_most_one`] for each pair of `keys` (`[a0, b0, a1, b1, ...]`), in one pass over the members.
fn pairs<const N: usize>(node: &Node, pointer: &str, keys: &[&str; N], out: &mut Vec<Diagnostic>) {
    let found = node.entries_many(keys);
    for i in (0..N).step_by(2) {
        if let (Some(_), Some(second)) = (found[i], found[i + 1]) {
            report_both(pointer, keys[i], keys[i + 1], second, out);
        }
    }
}

/// `pointer` is built only for a diagnostic: most objects have none.
fn at_most_one(
    node: &Node,
    pointer: impl FnOnce() -> String,
    a: &str,
    b: &str,
    out: &mut Vec<Diagnostic>,
) {
    let [Some(_), Some(second)] = node.entries_many(&[a, b]) else {
        return;
    };
    report_both(&pointer(), a, b, second, out);
}

fn report_both(pointer: &str, a: &str, b: &str, second: &Entry, out: &mut Vec<Diagnostic>) {
    out.push(
        RULE.diag(
            format!("{pointer}/{}", pointer_token(b)),
            second.key_span,
            format!("There should only be one of the following fields: [{a}, {b}]"),
        )
        .with_label(format!("'{a}' is given too"))
        .with_help(format!("keep '{a}' or '{b}', not both")),
    );
}

fn choice_rule(rule: &Node, pointer: &mut String, top: bool, out: &mut Vec<Diagnostic>) {
    let Some(entries) = rule.as_object() else {
        return;
    };
    // One pass over the rule's members for everything read below.
    let mut kind_count = 0;
    let mut kinds = [None, None];
    let mut operator_count = 0;
    let mut operators = [None, None];
    let mut variable = false;
    let [mut and, mut or, mut not] = [None, None, None];
    for e in entries {
        let key = e.key.as_str();
        let kind = match key {
            "And" => {
                and.get_or_insert(&e.value);
                true
            }
            "Or" => {
                or.get_or_insert(&e.value);
                true
            }
            "Not" => {
                not.get_or_insert(&e.value);
                true
            }
            "Variable" => {
                variable = true;
                true
            }
            "Condition" => top,
            _ => false,
        };
        if kind {
            if kind_count < 2 {
                kinds[kind_count] = Some(e);
            }
            kind_count += 1;
        }
        // Only `Condition` of those could also name an operator: the schema decides.
        if (!kind || key == "Condition") && is_comparison_operator(key) {
            if operator_count < 2 {
                operators[operator_count] = Some(e);
            }
            operator_count += 1;
        }
    }
    let allowed = if top {
        "And, Or, Not, Variable, Condition"
    } else {
        "And, Or, Not, Variable"
    };
    match (kind_count, kinds, operators[0]) {
        (0, _, None) => out.push(
            RULE.diag(
                pointer.as_str(),
                head(rule),
                format!("The object must have only one of the following fields, [{allowed}]"),
            )
            .with_label("a Choice rule with no condition")
            .with_help(
                "give the rule a \"Variable\" and a comparison such as \"StringEquals\" (JSONPath), or a \"Condition\" (JSONata)",
            ),
        ),
        (0, _, Some(op)) => {
            out.push(
                RULE.diag(
                    pointer.as_str(),
                    op.key_span,
                    format!("The object must have only one of the following fields, [{allowed}]"),
                )
                .with_label(format!("'{}' compares nothing: there is no Variable", op.key))
                .with_help(format!(
                    "add \"Variable\": \"$.field\" naming the value '{}' compares",
                    op.key
                )),
            );
        }
        (2.., [Some(first), Some(second)], _) => out.push(
            RULE.diag(
                pointer.as_str(),
                second.key_span,
                format!("The object must have only one of the following fields, [{allowed}]"),
            )
            .with_label(format!("'{}' and also '{}'", first.key, second.key))
            .with_help("split the rule, or combine the conditions with \"And\" or \"Or\""),
        ),
        _ => {}
    }
    if kind_count == 1 && variable {
        match (operator_count, operators) {
            (0, _) => out.push(
                RULE.diag(
                    pointer.as_str(),
                    head(rule),
                    "The Choice rule has a 'Variable' but no comparison operator",
                )
                .with_label("no comparison")
                .with_help(
                    "add one comparison such as \"StringEquals\", \"NumericGreaterThan\" or \"IsPresent\"",
                ),
            ),
            (2.., [_, Some(second)]) => {
                let names: Vec<&str> = entries
                    .iter()
                    .map(|e| e.key.as_str())
                    .filter(|k| is_comparison_operator(k))
                    .collect();
                out.push(
                    RULE.diag(
                        pointer.as_str(),
                        second.key_span,
                        format!(
                            "There should only be one of the following fields: [{}]",
                            names.join(", ")
                        ),
                    )
                    .with_label(format!("'{}' and also '{}'", names[0], names[1]))
                    .with_help(
                        "a rule compares its Variable once: combine comparisons with \"And\" or \"Or\"",
                    ),
                );
            }
            _ => {}
        }
    }
    let len = pointer.len();
    for (key, list) in [("And", and), ("Or", or)] {
        if let Some(items) = list.and_then(Node::as_array) {
            for (i, item) in items.iter().enumerate() {
                pointer.push('/');
                pointer.push_str(key);
                push_index(pointer, i);
                choice_rule(item, pointer, false, out);
                pointer.truncate(len);
            }
        }
    }
    if let Some(inner) = not {
        pointer.push_str("/Not");
        choice_rule(inner, pointer, false, out);
        pointer.truncate(len);
    }
}

/// Appends `/<i>` to a pointer.
fn push_index(pointer: &mut String, i: usize) {
    pointer.push('/');
    pointer.push_str(itoa::Buffer::new().format(i));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// This rule's diagnostics (its messages are its own among SCHEMA_VALIDATION_FAILED).
    #[test]
    fn the_pairs_of_each_type_are_the_tables() {
        for (t, flat) in [
            (StateType::Task, &TASK_PAIRS[..]),
            (StateType::Map, &MAP_PAIRS[..]),
            (StateType::Fail, &FAIL_PAIRS[..]),
        ] {
            let expected: Vec<&str> = STATE_PAIRS
                .iter()
                .filter(|(ty, ..)| *ty == t)
                .flat_map(|(_, a, b)| [*a, *b])
                .collect();
            assert_eq!(flat, expected);
        }
        assert!(
            STATE_PAIRS
                .iter()
                .all(|(ty, ..)| matches!(ty, StateType::Task | StateType::Map | StateType::Fail))
        );
    }

    fn exclusive(json: &str) -> Vec<Diagnostic> {
        crate::validate::testing::rule_diags(&RULE, json)
    }

    fn one(json: &str) -> Diagnostic {
        let d = exclusive(json);
        assert_eq!(d.len(), 1, "{d:#?}");
        d.into_iter().next().unwrap()
    }

    fn state(body: &str) -> String {
        format!(r#"{{"StartAt":"A","States":{{"A":{body}}}}}"#)
    }

    fn text(json: &str, span: Span) -> &str {
        &json[span.start..span.end]
    }

    #[test]
    fn next_and_end_together_are_reported() {
        let json = state(r#"{"Type":"Pass","Next":"A","End":true}"#);
        let d = one(&json);
        assert_eq!(d.code, "SCHEMA_VALIDATION_FAILED");
        assert_eq!(d.location, "/States/A");
        assert_eq!(
            d.message,
            "There should only be one of the following fields: [Next, End]"
        );
        assert_eq!(text(&json, d.span), r#""End""#);
    }

    #[test]
    fn neither_next_nor_end_is_reported() {
        let json = state(r#"{"Type":"Task","Resource":"r"}"#);
        let d = one(&json);
        assert_eq!(d.location, "/States/A");
        assert_eq!(
            d.message,
            "This object should have only one of the following fields: [Next, End]"
        );
        assert_eq!(text(&json, d.span), r#""A""#);

        let json = state(r#"{"Type":"Wait","Seconds":1,"End":false}"#);
        assert_eq!(text(&json, one(&json).span), r#""End""#);
        // Not a boolean: reported by the schema rule only.
        assert!(exclusive(&state(r#"{"Type":"Pass","End":"yes"}"#)).is_empty());
    }

    #[test]
    fn next_or_end_alone_passes_and_terminal_types_need_neither() {
        assert!(exclusive(&state(r#"{"Type":"Pass","End":true}"#)).is_empty());
        assert!(exclusive(r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Succeed"},"C":{"Type":"Fail"}}}"#).is_empty());
        assert!(
            exclusive(&state(
                r#"{"Type":"Choice","Choices":[{"Variable":"$.a","IsNull":true,"Next":"A"}]}"#
            ))
            .is_empty()
        );
    }

    #[test]
    fn a_wait_state_has_exactly_one_duration() {
        let json =
            state(r#"{"Type":"Wait","Seconds":5,"Timestamp":"2030-01-01T00:00:00Z","End":true}"#);
        let d = one(&json);
        assert_eq!(d.location, "/States/A");
        assert_eq!(
            d.message,
            "There should only be one of the following fields: [SecondsPath, Seconds, TimestampPath, Timestamp]"
        );
        assert_eq!(text(&json, d.span), r#""Timestamp""#);

        let d = one(&state(r#"{"Type":"Wait","End":true}"#));
        assert_eq!(
            d.message,
            "This object should have only one of the following fields: [SecondsPath, Seconds, TimestampPath, Timestamp]"
        );
        assert!(
            exclusive(&state(
                r#"{"Type":"Wait","TimestampPath":"$.t","End":true}"#
            ))
            .is_empty()
        );
    }

    #[test]
    fn a_value_and_its_path_are_exclusive() {
        let json = state(
            r#"{"Type":"Task","Resource":"r","TimeoutSeconds":5,"TimeoutSecondsPath":"$.t","End":true}"#,
        );
        let d = one(&json);
        assert_eq!(d.location, "/States/A/TimeoutSecondsPath");
        assert_eq!(
            d.message,
            "There should only be one of the following fields: [TimeoutSeconds, TimeoutSecondsPath]"
        );
        assert_eq!(text(&json, d.span), r#""TimeoutSecondsPath""#);

        let d = one(&state(r#"{"Type":"Fail","Cause":"c","CausePath":"$.c"}"#));
        assert_eq!(d.location, "/States/A/CausePath");

        let d = one(&state(
            r#"{"Type":"Map","End":true,"ItemBatcher":{"MaxItemsPerBatch":2,"MaxItemsPerBatchPath":"$.n"},"ItemProcessor":{"StartAt":"B","States":{"B":{"Type":"Succeed"}}}}"#,
        ));
        assert_eq!(d.location, "/States/A/ItemBatcher/MaxItemsPerBatchPath");

        let d = one(&state(
            r#"{"Type":"Map","End":true,"ItemReader":{"Resource":"r","ReaderConfig":{"MaxItems":2,"MaxItemsPath":"$.n"}},"ItemProcessor":{"StartAt":"B","States":{"B":{"Type":"Succeed"}}}}"#,
        ));
        assert_eq!(d.location, "/States/A/ItemReader/ReaderConfig/MaxItemsPath");

        assert!(exclusive(&state(
            r#"{"Type":"Task","Resource":"r","TimeoutSeconds":5,"HeartbeatSecondsPath":"$.h","End":true}"#
        ))
        .is_empty());
    }

    #[test]
    fn a_map_state_has_one_item_processor_and_one_item_selector() {
        let d = one(&state(r#"{"Type":"Map","End":true}"#));
        assert_eq!(d.location, "/States/A");
        assert_eq!(
            d.message,
            "This object should have only one of the following fields: [ItemProcessor, Iterator]"
        );
        let p = r#"{"StartAt":"B","States":{"B":{"Type":"Succeed"}}}"#;
        let d = one(&state(&format!(
            r#"{{"Type":"Map","End":true,"ItemProcessor":{p},"Iterator":{p}}}"#
        )));
        assert_eq!(d.location, "/States/A/Iterator");
        let d = one(&state(&format!(
            r#"{{"Type":"Map","End":true,"ItemProcessor":{p},"ItemSelector":{{}},"Parameters":{{}}}}"#
        )));
        assert_eq!(
            d.message,
            "There should only be one of the following fields: [ItemSelector, Parameters]"
        );
        assert!(
            exclusive(&state(&format!(
                r#"{{"Type":"Map","End":true,"Iterator":{p},"Parameters":{{}}}}"#
            )))
            .is_empty()
        );
    }

    #[test]
    fn a_choice_rule_has_one_condition() {
        let rule = |r: &str| {
            state(&format!(
                r#"{{"Type":"Choice","Default":"A","Choices":[{r}]}}"#
            ))
        };

        let json = rule(r#"{"Variable":"$.a","StringEquals":"x","StringMatches":"y*","Next":"A"}"#);
        let d = one(&json);
        assert_eq!(d.location, "/States/A/Choices/0");
        assert_eq!(
            d.message,
            "There should only be one of the following fields: [StringEquals, StringMatches]"
        );
        assert_eq!(text(&json, d.span), r#""StringMatches""#);

        let d = one(&rule(r#"{"Variable":"$.a","Next":"A"}"#));
        assert_eq!(
            d.message,
            "The Choice rule has a 'Variable' but no comparison operator"
        );

        let d = one(&rule(r#"{"Next":"A"}"#));
        assert_eq!(
            d.message,
            "The object must have only one of the following fields, [And, Or, Not, Variable, Condition]"
        );

        let d = one(&rule(r#"{"StringEquals":"x","Next":"A"}"#));
        assert_eq!(d.location, "/States/A/Choices/0");
        assert!(d.label.unwrap().contains("no Variable"));

        let json = rule(
            r#"{"Variable":"$.a","IsNull":true,"Not":{"Variable":"$.b","IsNull":true},"Next":"A"}"#,
        );
        let d = one(&json);
        assert_eq!(text(&json, d.span), r#""Not""#);

        let d = one(&rule(
            r#"{"And":[{"Variable":"$.a","IsNull":true},{"Not":{"Variable":"$.b"}}],"Next":"A"}"#,
        ));
        assert_eq!(d.location, "/States/A/Choices/0/And/1/Not");
    }

    #[test]
    fn well_formed_choice_rules_pass() {
        let json = state(
            r#"{"Type":"Choice","Default":"A","Choices":[
              {"Variable":"$.a","StringEquals":"x","Next":"A"},
              {"Condition":"{% true %}","Next":"A"},
              {"Or":[{"Variable":"$.a","IsNull":true},{"And":[{"Variable":"$.b","NumericLessThan":1},{"Not":{"Variable":"$.c","IsPresent":true}}]}],"Next":"A"}]}"#,
        );
        assert!(exclusive(&json).is_empty(), "{:#?}", exclusive(&json));
    }
}
