use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::load::Node;
use crate::model::StateType;
use crate::validate::Context;

declare_rule! {
    /// ## What it checks
    /// How a Map state's processor is configured:
    ///
    /// - `"Mode": "DISTRIBUTED"` needs an `ExecutionType` (`STANDARD` or
    ///   `EXPRESS`): the type of the child executions it starts;
    /// - `ExecutionType` is for `DISTRIBUTED` mode only: an `INLINE` Map (the
    ///   default) runs its iterations inside the execution itself;
    /// - an `ItemReader` whose `ReaderConfig` says `"CSVHeaderLocation": "GIVEN"`
    ///   lists the column names in `CSVHeaders`.
    ///
    /// Labels have rules of their own: `invalid-label-name`, `duplicate-label-name`.
    ///
    /// ## Why
    /// AWS rejects the definition with `SCHEMA_VALIDATION_FAILED`: `These fields
    /// are required: [ExecutionType]`, `Field 'ExecutionType' is not supported`.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
    ///   "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED"},
    ///                     "StartAt": "P", "States": {"P": {"Type": "Succeed"}}}}}}
    /// ```
    /// Add `"ExecutionType": "STANDARD"` (or `"EXPRESS"`) to `ProcessorConfig`.
    pub static RULE = Rule {
        id: "map-config",
        code: "SCHEMA_VALIDATION_FAILED",
        severity: Severity::Error,
        summary: "Distributed Map has an ExecutionType, Inline Map has none; GIVEN CSV headers are listed",
        check,
    };
}

/// A Map state's processing mode, as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Inline,
    Distributed,
    /// A value the schema rule reports.
    Unknown,
}

/// The Map state's processor (`ItemProcessor`, or the legacy `Iterator`) and its pointer field.
pub fn processor(map: &Node) -> Option<(&'static str, &Node)> {
    ["ItemProcessor", "Iterator"]
        .into_iter()
        .find_map(|f| map.get(f).map(|p| (f, p)))
}

/// The mode of a Map state: `INLINE` unless its `ProcessorConfig` says otherwise.
pub fn mode(map: &Node) -> Mode {
    let Some((_, processor)) = processor(map) else {
        return Mode::Inline;
    };
    match processor.get("ProcessorConfig").and_then(|c| c.get("Mode")) {
        None => Mode::Inline,
        Some(m) => match m.as_str() {
            Some("INLINE") => Mode::Inline,
            Some("DISTRIBUTED") => Mode::Distributed,
            _ => Mode::Unknown,
        },
    }
}

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for state in &ctx.machine.states {
        if !state.is(&StateType::Map) {
            continue;
        }
        let map = &state.node;
        if let Some((field, processor)) = processor(map)
            && let Some(config) = processor.get("ProcessorConfig")
            && config.as_object().is_some()
        {
            // Built only for a diagnostic: most Map states have none.
            let pointer = || format!("{}/{field}/ProcessorConfig", state.pointer);
            match (mode(map), config.entry("ExecutionType")) {
                (Mode::Distributed, None) => {
                    let span = config
                        .entry("Mode")
                        .map(|e| e.key_span)
                        .unwrap_or(config.span);
                    out.push(
                        RULE.diag(pointer(), span, "These fields are required: [ExecutionType]")
                            .with_label("DISTRIBUTED, without an ExecutionType")
                            .with_help(
                                "add \"ExecutionType\": \"STANDARD\" or \"EXPRESS\": the type of the child executions",
                            ),
                    );
                }
                (Mode::Inline, Some(execution_type)) => {
                    out.push(
                        RULE.diag(
                            format!("{}/ExecutionType", pointer()),
                            execution_type.key_span,
                            "Field 'ExecutionType' is not supported",
                        )
                        .with_label("INLINE mode starts no child executions")
                        .with_help(
                            "remove ExecutionType, or set \"Mode\": \"DISTRIBUTED\" to run each item as a child execution",
                        ),
                    );
                }
                _ => {}
            }
        }
        if let Some(config) = map.get("ItemReader").and_then(|r| r.get("ReaderConfig"))
            && let Some(location) = config.entry("CSVHeaderLocation")
            && location.value.as_str() == Some("GIVEN")
            && config.get("CSVHeaders").is_none()
        {
            out.push(
                RULE.diag(
                    format!("{}/ItemReader/ReaderConfig", state.pointer),
                    location.value.span,
                    "These fields are required: [CSVHeaders]",
                )
                .with_label("GIVEN, but no CSVHeaders")
                .with_help(
                    "add \"CSVHeaders\": [\"column\", ...], or use \"CSVHeaderLocation\": \"FIRST_ROW\" to read them from the file",
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Span;

    fn map_config(json: &str) -> Vec<Diagnostic> {
        crate::validate::testing::rule_diags(&RULE, json)
    }

    fn map(fields: &str, config: &str) -> String {
        format!(
            r#"{{"StartAt":"M","States":{{"M":{{"Type":"Map","End":true,{fields}"ItemProcessor":{{"ProcessorConfig":{config},"StartAt":"P","States":{{"P":{{"Type":"Succeed"}}}}}}}}}}}}"#
        )
    }

    fn text(json: &str, span: Span) -> &str {
        &json[span.start..span.end]
    }

    #[test]
    fn distributed_mode_needs_an_execution_type() {
        let json = map("", r#"{"Mode":"DISTRIBUTED"}"#);
        let d = map_config(&json);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].code, "SCHEMA_VALIDATION_FAILED");
        assert_eq!(d[0].location, "/States/M/ItemProcessor/ProcessorConfig");
        assert_eq!(d[0].message, "These fields are required: [ExecutionType]");
        assert_eq!(text(&json, d[0].span), r#""Mode""#);
    }

    #[test]
    fn inline_mode_takes_no_execution_type() {
        for config in [
            r#"{"Mode":"INLINE","ExecutionType":"STANDARD"}"#,
            r#"{"ExecutionType":"EXPRESS"}"#,
        ] {
            let json = map("", config);
            let d = map_config(&json);
            assert_eq!(d.len(), 1, "{d:#?}");
            assert_eq!(
                d[0].location,
                "/States/M/ItemProcessor/ProcessorConfig/ExecutionType"
            );
            assert_eq!(d[0].message, "Field 'ExecutionType' is not supported");
            assert_eq!(text(&json, d[0].span), r#""ExecutionType""#);
        }
    }

    #[test]
    fn given_csv_headers_are_listed() {
        let reader = r#""ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"GIVEN"}},"#;
        let json = map(
            reader,
            r#"{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"}"#,
        );
        let d = map_config(&json);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].location, "/States/M/ItemReader/ReaderConfig");
        assert_eq!(d[0].message, "These fields are required: [CSVHeaders]");
        assert_eq!(text(&json, d[0].span), r#""GIVEN""#);
    }

    #[test]
    fn valid_configurations_pass() {
        let reader = r#""ItemReader":{"Resource":"r","ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"GIVEN","CSVHeaders":["a"]}},"#;
        for json in [
            map(reader, r#"{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"}"#),
            map("", r#"{"Mode":"INLINE"}"#),
            map("", "{}"),
            r#"{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"Iterator":{"StartAt":"P","States":{"P":{"Type":"Succeed"}}}}}}"#.to_string(),
        ] {
            assert!(map_config(&json).is_empty(), "{json}");
        }
        // The legacy Iterator takes a ProcessorConfig too.
        let json = r#"{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"Iterator":{"ProcessorConfig":{"Mode":"DISTRIBUTED"},"StartAt":"P","States":{"P":{"Type":"Succeed"}}}}}}"#;
        assert_eq!(
            map_config(json)[0].location,
            "/States/M/Iterator/ProcessorConfig"
        );
    }

    #[test]
    fn mode_defaults_to_inline() {
        let root = crate::load::parse_json(r#"{"Type":"Map"}"#).unwrap();
        assert_eq!(mode(&root), Mode::Inline);
        let root = crate::load::parse_json(
            r#"{"Type":"Map","ItemProcessor":{"ProcessorConfig":{"Mode":"distributed"}}}"#,
        )
        .unwrap();
        assert_eq!(mode(&root), Mode::Unknown);
    }
}
