use crate::dataflow::sites;
use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::load::Node;
use crate::model::{Condition, QueryLanguage};
use crate::validate::Context;

declare_rule! {
    /// ## What it checks
    /// Fields of a JSONPath state that have a `...Path` twin but are given a
    /// value that looks like a path: a Choice comparison such as
    /// `"StringEquals": "$.expected"`, or `Error`, `Cause`, `Seconds`, `Timestamp`,
    /// `TimeoutSeconds`, `HeartbeatSeconds`, `MaxConcurrency`,
    /// `ToleratedFailureCount`, `ToleratedFailurePercentage`, `ReaderConfig.MaxItems`,
    /// `ItemBatcher.MaxItemsPerBatch` or `MaxInputBytesPerBatch` written as `"$.x"`.
    ///
    /// ## Why
    /// The value is taken literally: the Choice rule compares with the text
    /// `"$.expected"`, the Fail state reports the error `"$.x"`. AWS reports this
    /// warning as `NO_PATH: Field value looks like a path, but field name does not
    /// end with 'Path'`.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "C", "States": {"C": {"Type": "Choice", "Default": "D",
    ///   "Choices": [{"Variable": "$.status", "StringEquals": "$.expected", "Next": "D"}]},
    ///   "D": {"Type": "Succeed"}}}
    /// ```
    /// Write `"StringEqualsPath": "$.expected"` to compare with the value at that path.
    pub static RULE = Rule {
        id: "no-path",
        code: "NO_PATH",
        severity: Severity::Warning,
        summary: "A field with a ...Path twin is given a path as a literal",
        check,
    };
}

/// The fields read from the state: those with a `...Path` twin, then the holders
/// of the nested ones (`ItemReader`, `ItemBatcher`).
const LOOKUPS: [&str; 11] = [
    "Error",
    "Cause",
    "Seconds",
    "Timestamp",
    "TimeoutSeconds",
    "HeartbeatSeconds",
    "MaxConcurrency",
    "ToleratedFailureCount",
    "ToleratedFailurePercentage",
    "ItemReader",
    "ItemBatcher",
];

/// The fields with a `...Path` twin, directly on the state.
const STATE_FIELDS: &[&str] = LOOKUPS.split_at(9).0;

/// The index of a key in [`LOOKUPS`], for [`Node::get_by`].
fn lookup(key: &str) -> Option<usize> {
    Some(match key {
        "Error" => 0,
        "Cause" => 1,
        "Seconds" => 2,
        "Timestamp" => 3,
        "TimeoutSeconds" => 4,
        "HeartbeatSeconds" => 5,
        "MaxConcurrency" => 6,
        "ToleratedFailureCount" => 7,
        "ToleratedFailurePercentage" => 8,
        "ItemReader" => 9,
        "ItemBatcher" => 10,
        _ => return None,
    })
}

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for state in &ctx.machine.states {
        if state.query_language != QueryLanguage::JsonPath {
            continue;
        }
        let n = &state.node;
        let p = &state.pointer;
        // One pass over the state's members (a lookup per field was most of this rule).
        let found = n.get_by::<{ LOOKUPS.len() }>(lookup);
        for (field, node) in STATE_FIELDS.iter().zip(found) {
            report(out, field, node, || format!("{p}/{field}"));
        }
        let reader = found[9].and_then(|r| r.get("ReaderConfig"));
        report(
            out,
            "MaxItems",
            reader.and_then(|r| r.get("MaxItems")),
            || format!("{p}/ItemReader/ReaderConfig/MaxItems"),
        );
        let batcher = found[10];
        for field in ["MaxItemsPerBatch", "MaxInputBytesPerBatch"] {
            let node = batcher.and_then(|b| b.get(field));
            report(out, field, node, || format!("{p}/ItemBatcher/{field}"));
        }
        let mut stack: Vec<&Condition> = state.choices.iter().map(|r| &r.condition).collect();
        while let Some(c) = stack.pop() {
            match c {
                Condition::And(cs) | Condition::Or(cs) => stack.extend(cs),
                Condition::Not(inner) => stack.push(inner),
                Condition::Compare {
                    pointer,
                    operator,
                    operand,
                    ..
                } if !operator.value.ends_with("Path") => {
                    let field = operator.value;
                    report(out, field, Some(operand), || format!("{pointer}/{field}"));
                }
                _ => {}
            }
        }
    }
}

fn report(
    out: &mut Vec<Diagnostic>,
    field: &str,
    node: Option<&Node>,
    pointer: impl FnOnce() -> String,
) {
    let Some(node) = node else { return };
    if node.as_str().and_then(sites::appears_dynamic) != Some("a JSONPath") {
        return;
    }
    out.push(
        RULE.diag(
            pointer(),
            node.span,
            format!("The value of '{field}' looks like a path, but the field name does not end with 'Path'"),
        )
        .with_label("taken as literal text")
        .with_help(format!(
            "use '{field}Path' to read the value at this path; keep '{field}' for the literal text"
        )),
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn lookup_finds_each_key_where_the_list_has_it() {
        crate::validate::testing::assert_key_index(&super::LOOKUPS, super::lookup);
    }

    #[test]
    fn the_lookups_start_with_the_state_fields() {
        use super::{LOOKUPS, STATE_FIELDS};
        assert_eq!(STATE_FIELDS, &LOOKUPS[..STATE_FIELDS.len()]);
        assert_eq!(LOOKUPS[9..], ["ItemReader", "ItemBatcher"]);
    }

    use crate::validate::testing::diags_of;

    fn ours(json: &str) -> Vec<crate::diagnostic::Diagnostic> {
        diags_of(json)
            .into_iter()
            .filter(|d| d.code == "NO_PATH")
            .collect()
    }

    #[test]
    fn a_choice_comparison_with_a_path_warns() {
        let text = r#"{"StartAt":"C","States":{"C":{"Type":"Choice","Default":"D","Choices":[{"And":[{"Variable":"$.s","StringEquals":"$.expected"}],"Next":"D"}]},"D":{"Type":"Succeed"}}}"#;
        let d = ours(text);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].location, "/States/C/Choices/0/And/0/StringEquals");
        assert_eq!(
            d[0].message,
            "The value of 'StringEquals' looks like a path, but the field name does not end with 'Path'"
        );
        assert_eq!(&text[d[0].span.start..d[0].span.end], "\"$.expected\"");
    }

    #[test]
    fn fail_error_and_wait_timestamp_warn() {
        let d = ours(
            r#"{"StartAt":"W","States":{"W":{"Type":"Wait","Timestamp":"$.at","Next":"F"},"F":{"Type":"Fail","Error":"$.error","Cause":"boom"}}}"#,
        );
        let locs: Vec<_> = d.iter().map(|d| d.location.as_str()).collect();
        assert_eq!(locs, ["/States/W/Timestamp", "/States/F/Error"]);
    }

    #[test]
    fn literals_and_path_fields_do_not_warn() {
        let text = r#"{"StartAt":"C","States":{"C":{"Type":"Choice","Default":"F","Choices":[{"Variable":"$.s","StringEqualsPath":"$.expected","Next":"F"},{"Variable":"$.s","StringEquals":"$100","Next":"F"}]},"F":{"Type":"Fail","Error":"Oops","CausePath":"$.c"}}}"#;
        assert!(ours(text).is_empty());
    }
}
