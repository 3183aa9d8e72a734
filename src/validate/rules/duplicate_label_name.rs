use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::StateType;
use crate::validate::Context;

declare_rule! {
    /// ## What it checks
    /// That no two Map states of the state machine have the same `Label`,
    /// wherever they are (top level, Parallel branches, Map processors).
    ///
    /// ## Why
    /// A label names the Map Runs the state starts, so AWS wants each unique within
    /// a state machine and refuses the definition with `DUPLICATE_LABEL_NAME`.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {
    ///   "A": {"Type": "Map", "Label": "Batch", "Next": "B", "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "P", "States": {"P": {"Type": "Succeed"}}}},
    ///   "B": {"Type": "Map", "Label": "Batch", "End": true, "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "Q", "States": {"Q": {"Type": "Succeed"}}}}}}
    /// ```
    /// Label the second one `BatchAgain`, or leave its `Label` out.
    pub static RULE = Rule {
        id: "duplicate-label-name",
        code: "DUPLICATE_LABEL_NAME",
        severity: Severity::Error,
        summary: "No two Map states have the same Label",
        check,
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    // (label, state name), in document order: the first one of a label is not reported.
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for state in &ctx.machine.states {
        if !state.is(&StateType::Map) {
            continue;
        }
        let Some(node) = state.node.get("Label") else {
            continue;
        };
        let Some(label) = node.as_str() else {
            continue;
        };
        match seen.iter().find(|(l, _)| *l == label) {
            Some((_, other)) => out.push(
                RULE.diag(
                    format!("{}/Label", state.pointer),
                    node.span,
                    format!("Duplicate Label name: {label}"),
                )
                .with_label(format!("also the label of the Map state '{other}'"))
                .with_help("give each Map state a label of its own: labels are unique within a state machine"),
            ),
            None => seen.push((label, state.name)),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::testing::diags_of;

    fn two(a: &str, b: &str) -> String {
        format!(
            r#"{{"StartAt":"A","States":{{"A":{{"Type":"Map","Next":"B","Label":{a},"ItemProcessor":{{"ProcessorConfig":{{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"}},"StartAt":"P","States":{{"P":{{"Type":"Succeed"}}}}}}}},"B":{{"Type":"Map","End":true,"Label":{b},"ItemProcessor":{{"ProcessorConfig":{{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"}},"StartAt":"Q","States":{{"Q":{{"Type":"Succeed"}}}}}}}}}}}}"#
        )
    }

    #[test]
    fn a_label_used_twice_is_reported_at_the_second() {
        let json = two(r#""same""#, r#""same""#);
        let d = diags_of(&json);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(
            (d[0].code, d[0].location.as_str(), d[0].message.as_str()),
            (
                "DUPLICATE_LABEL_NAME",
                "/States/B/Label",
                "Duplicate Label name: same"
            )
        );
        assert_eq!(&json[d[0].span.start..d[0].span.end], r#""same""#);
    }

    #[test]
    fn distinct_labels_pass() {
        assert_eq!(diags_of(&two(r#""one""#, r#""two""#)), vec![]);
    }
}
