use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::load::pointer_token;
use crate::model::StateType;
use crate::validate::Context;
use crate::validate::rules::map_config::{Mode, mode};

declare_rule! {
    /// ## What it checks
    /// That `ItemReader`, `ItemBatcher`, `ResultWriter`, `Label` and the
    /// tolerated failure thresholds (`ToleratedFailureCount`, `...Percentage`,
    /// and their `Path` forms) appear only on Map states in `DISTRIBUTED` mode
    /// (`"ProcessorConfig": {"Mode": "DISTRIBUTED", ...}` in the `ItemProcessor`).
    ///
    /// ## Why
    /// These fields describe a Distributed Map: reading items from S3, batching
    /// them into child executions, writing results back, naming the child
    /// executions. A Map state without `ProcessorConfig`, or with `"Mode":
    /// "INLINE"`, runs its iterations inside the execution: the fields are not
    /// what it does: an inline Map fails as soon as one iteration fails, whatever
    /// failures it says it tolerates. Most often the `ProcessorConfig` was
    /// forgotten. This is a warning because AWS accepts such definitions.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
    ///   "ItemReader": {"Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": {"Bucket": "b"}},
    ///   "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Succeed"}}}}}}
    /// ```
    /// Add `"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}`
    /// to the `ItemProcessor`.
    pub static RULE = Rule {
        id: "distributed-only-fields",
        code: "DISTRIBUTED_ONLY_FIELD",
        severity: Severity::Warning,
        summary: "ItemReader, ItemBatcher, ResultWriter, Label and tolerated failures only on Distributed Maps",
        check,
    };
}

const DISTRIBUTED_ONLY: &[&str] = &[
    "ItemReader",
    "ItemBatcher",
    "ResultWriter",
    "Label",
    "ToleratedFailureCount",
    "ToleratedFailureCountPath",
    "ToleratedFailurePercentage",
    "ToleratedFailurePercentagePath",
];

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for state in &ctx.machine.states {
        if !state.is(&StateType::Map) || mode(state.node) != Mode::Inline {
            continue;
        }
        for entry in state.node.as_object().unwrap_or_default() {
            if !DISTRIBUTED_ONLY.contains(&entry.key.as_str()) {
                continue;
            }
            out.push(
                RULE.diag(
                    format!("{}/{}", state.pointer, pointer_token(&entry.key)),
                    entry.key_span,
                    format!(
                        "Field '{}' is for Map states in DISTRIBUTED mode, but this Map state is INLINE",
                        entry.key
                    ),
                )
                .with_label("a Distributed Map field")
                .with_help(
                    "add \"ProcessorConfig\": {\"Mode\": \"DISTRIBUTED\", \"ExecutionType\": \"STANDARD\"} to the ItemProcessor, or remove the field",
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warnings(json: &str) -> Vec<Diagnostic> {
        crate::validate::testing::rule_diags(&RULE, json)
    }

    fn map(config: &str) -> String {
        format!(
            r#"{{"StartAt":"M","States":{{"M":{{"Type":"Map","End":true,"Label":"L","ItemBatcher":{{"MaxItemsPerBatch":2}},"ItemProcessor":{{{config}"StartAt":"P","States":{{"P":{{"Type":"Succeed"}}}}}}}}}}}}"#
        )
    }

    #[test]
    fn distributed_fields_on_an_inline_map_are_warned_about() {
        let json = map("");
        let d = warnings(&json);
        assert_eq!(d.len(), 2, "{d:#?}");
        assert_eq!(d[0].severity, Severity::Warning);
        assert_eq!(d[0].code, "DISTRIBUTED_ONLY_FIELD");
        assert_eq!(d[0].location, "/States/M/Label");
        assert_eq!(
            d[0].message,
            "Field 'Label' is for Map states in DISTRIBUTED mode, but this Map state is INLINE"
        );
        assert_eq!(&json[d[0].span.start..d[0].span.end], r#""Label""#);
        assert_eq!(d[1].location, "/States/M/ItemBatcher");
        assert_eq!(
            warnings(&map(r#""ProcessorConfig":{"Mode":"INLINE"},"#)).len(),
            2
        );
    }

    #[test]
    fn distributed_maps_and_inline_maps_without_them_pass() {
        assert!(
            warnings(&map(
                r#""ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"#
            ))
            .is_empty()
        );
        // An unknown mode is the schema rule's to report.
        assert!(warnings(&map(r#""ProcessorConfig":{"Mode":"distributed"},"#)).is_empty());
        let json = r#"{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"MaxConcurrency":2,"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Succeed"}}}}}}"#;
        assert!(warnings(json).is_empty());
    }

    /// An inline Map fails when one iteration fails: a threshold there has no effect.
    #[test]
    fn tolerated_failures_on_an_inline_map_are_warned_about() {
        let json = r#"{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ToleratedFailureCount":1,"ToleratedFailurePercentagePath":"$.p","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Succeed"}}}}}}"#;
        let d: Vec<String> = warnings(json).into_iter().map(|d| d.location).collect();
        assert_eq!(
            d,
            [
                "/States/M/ToleratedFailureCount",
                "/States/M/ToleratedFailurePercentagePath"
            ]
        );
    }
}
