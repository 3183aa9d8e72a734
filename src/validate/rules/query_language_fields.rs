use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::load::{Entry, Node, pointer_token};
use crate::model::{QueryLanguage, State, StateType, misplaced_query_language};
use crate::validate::Context;
use crate::validate::rules::schema::{allows, is_comparison_operator, state_definition};

declare_rule! {
    /// ## What it checks
    /// That each state uses the fields of its query language only. A state's
    /// language is its own `QueryLanguage`, else the top-level one, else JSONPath;
    /// states inside a Parallel branch or a Map processor take the top-level
    /// language too, not their Parallel's or Map's.
    ///
    /// - JSONPath only: `InputPath`, `Parameters`, `ResultSelector`,
    ///   `ResultPath`, `OutputPath`, `Result`, `ItemsPath`, the `...Path` forms
    ///   (`TimeoutSecondsPath`, `SecondsPath`, `ErrorPath`, ...), a Catcher's
    ///   `ResultPath`, `ItemReader`/`ResultWriter` `Parameters`, and Choice rules
    ///   made of `Variable`, comparison operators, `And`, `Or`, `Not`;
    /// - JSONata only: `Arguments`, `Output`, `Items`, a Choice rule's
    ///   `Condition` and `Output`, a Catcher's `Output`, `ItemReader`/`ResultWriter`
    ///   `Arguments`, and `{% ... %}` expressions in place of numbers
    ///   (`TimeoutSeconds`, `Seconds`, `MaxConcurrency`, ...);
    /// - both: `Assign`, `ItemSelector`, and everything else;
    /// - a state may not go back to JSONPath when the whole state machine is JSONata.
    ///
    /// ## Why
    /// AWS rejects the definition with `SCHEMA_VALIDATION_FAILED`: `The
    /// QueryLanguage is set to 'JSONata', but field 'Parameters' is only
    /// supported for the 'JSONPath' QueryLanguage`, or `'QueryLanguage' can not
    /// be 'JSONPath' if set to 'JSONata' for whole state machine`.
    ///
    /// ## Example
    /// ```json
    /// {"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"a.$": "$.b"}, "End": true}}}
    /// ```
    /// In JSONata, write `"Output": {"a": "{% $states.input.b %}"}` instead.
    pub static RULE = Rule {
        id: "query-language-fields",
        code: "SCHEMA_VALIDATION_FAILED",
        severity: Severity::Error,
        summary: "Each state uses the fields of its query language (JSONPath or JSONata)",
        check,
    };
}

/// A state field of JSONPath only: what a JSONata state writes instead.
// A match, not a table: it runs for every member of every state.
fn jsonpath_only(key: &str) -> Option<&'static str> {
    Some(match key {
        "InputPath" => "read the input as $states.input in Arguments or Output",
        "Parameters" => "use Arguments (Task, Parallel) or ItemSelector (Map)",
        "ResultSelector" => "use Output, reading $states.result",
        "ResultPath" => "use Output or Assign, reading $states.result",
        "OutputPath" => "use Output",
        "Result" => "use Output",
        "ItemsPath" => "use Items, with a {% ... %} expression",
        "TimeoutSecondsPath" => "use TimeoutSeconds with a {% ... %} expression",
        "HeartbeatSecondsPath" => "use HeartbeatSeconds with a {% ... %} expression",
        "SecondsPath" => "use Seconds with a {% ... %} expression",
        "TimestampPath" => "use Timestamp with a {% ... %} expression",
        "MaxConcurrencyPath" => "use MaxConcurrency with a {% ... %} expression",
        "ToleratedFailureCountPath" => "use ToleratedFailureCount with a {% ... %} expression",
        "ToleratedFailurePercentagePath" => {
            "use ToleratedFailurePercentage with a {% ... %} expression"
        }
        "ErrorPath" => "use Error with a {% ... %} expression",
        "CausePath" => "use Cause with a {% ... %} expression",
        "MaxItemsPerBatchPath" => "use MaxItemsPerBatch with a {% ... %} expression",
        "MaxInputBytesPerBatchPath" => "use MaxInputBytesPerBatch with a {% ... %} expression",
        "MaxItemsPath" => "use MaxItems with a {% ... %} expression",
        _ => return None,
    })
}

/// A state field of JSONata only: what a JSONPath state writes instead.
fn jsonata_only(key: &str) -> Option<&'static str> {
    Some(match key {
        "Arguments" => "use Parameters",
        "Output" => "use ResultSelector, ResultPath and OutputPath",
        "Items" => "use ItemsPath",
        "Condition" => "use Variable with a comparison operator",
        _ => return None,
    })
}

/// Fields that hold a number, or in JSONata a `{% ... %}` expression.
fn is_number_field(key: &str) -> bool {
    matches!(
        key,
        "TimeoutSeconds"
            | "HeartbeatSeconds"
            | "Seconds"
            | "MaxConcurrency"
            | "ToleratedFailureCount"
            | "ToleratedFailurePercentage"
            | "MaxItemsPerBatch"
            | "MaxInputBytesPerBatch"
            | "MaxItems"
    )
}

/// The language a state's fields follow: its own; else the one its scope's
/// `States` name (`"QueryLanguage": "JSONata"` written among the states, which
/// AWS accepts); else the state machine's. States in branches and processors do
/// not inherit their Parallel's or Map's own `QueryLanguage`.
pub fn effective_language(ctx: &Context<'_>, state: &State) -> QueryLanguage {
    own_language(state.node)
        .or_else(|| scope_language(ctx, state.scope))
        .unwrap_or_else(|| top_language(ctx))
}

fn own_language(node: &Node) -> Option<QueryLanguage> {
    node.get("QueryLanguage")
        .and_then(Node::as_str)
        .and_then(QueryLanguage::parse)
}

fn scope_language(ctx: &Context<'_>, scope: usize) -> Option<QueryLanguage> {
    misplaced_query_language(ctx.scope_node(scope)?)
}

/// The state machine's language: its `QueryLanguage`, else JSONPath.
fn top_language(ctx: &Context<'_>) -> QueryLanguage {
    own_language(ctx.root())
        .or_else(|| misplaced_query_language(ctx.root()))
        .unwrap_or(QueryLanguage::JsonPath)
}

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let top = top_language(ctx);
    // What `effective_language` asks of each scope, once per scope.
    let scopes: Vec<Option<QueryLanguage>> = (0..ctx.machine.scopes.len())
        .map(|scope| scope_language(ctx, scope))
        .collect();
    for state in &ctx.machine.states {
        let node = &state.node;
        if node.as_object().is_none() {
            continue;
        }
        // One pass over the state's members for the fields read here.
        let [ql, catch, item_reader, item_batcher, result_writer, choices] = node.entries_many(&[
            "QueryLanguage",
            "Catch",
            "ItemReader",
            "ItemBatcher",
            "ResultWriter",
            "Choices",
        ]);
        if top == QueryLanguage::Jsonata
            && let Some(entry) = ql
            && entry.value.as_str() == Some("JSONPath")
        {
            // At the state, as AWS's ValidateStateMachineDefinition locates it (LocalStack's
            // AWS-validated INVALID_DOWNGRADE_QUERY_LANGUAGE); the span is the value.
            out.push(
                RULE.diag(
                    state.pointer.clone(),
                    entry.value.span,
                    "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
                )
                .with_label("JSONPath in a JSONata state machine")
                .with_help(
                    "write this state in JSONata, or make the state machine JSONPath (the default) and set \"QueryLanguage\": \"JSONata\" on the states that use JSONata",
                ),
            );
        }
        let language = ql
            .and_then(|e| e.value.as_str())
            .and_then(QueryLanguage::parse)
            .or(scopes[state.scope])
            .unwrap_or(top);
        let mut fields = Fields {
            language,
            out: &mut *out,
        };
        let definition = state
            .state_type
            .as_ref()
            .map(|t| state_definition(&t.value))
            .unwrap_or("");
        let p = &state.pointer;
        fields.object(node, &|| p.clone(), definition);
        if let Some(items) = catch.and_then(|e| e.value.as_array()) {
            for (i, item) in items.iter().enumerate() {
                fields.object(item, &|| format!("{p}/Catch/{i}"), "catcher");
            }
        }
        if state.is(&StateType::Map) {
            for (key, definition, o) in [
                ("ItemReader", "itemReader", item_reader),
                ("ItemBatcher", "itemBatcher", item_batcher),
                ("ResultWriter", "resultWriter", result_writer),
            ] {
                if let Some(o) = o {
                    fields.object(&o.value, &|| format!("{p}/{key}"), definition);
                }
            }
            if let Some(config) = item_reader.and_then(|r| r.value.get("ReaderConfig")) {
                fields.object(
                    config,
                    &|| format!("{p}/ItemReader/ReaderConfig"),
                    "readerConfig",
                );
            }
        }
        if state.is(&StateType::Choice)
            && let Some(rules) = choices.and_then(|e| e.value.as_array())
        {
            for (i, rule) in rules.iter().enumerate() {
                fields.choice_rule(rule, &|| format!("{p}/Choices/{i}"));
            }
        }
    }
}

struct Fields<'o> {
    language: QueryLanguage,
    out: &'o mut Vec<Diagnostic>,
}

impl Fields<'_> {
    /// The members of one object of the state (the state itself, a Catcher, ...).
    /// `definition` names the object's kind in the schema: a field the
    /// schema rule reports as not supported there is not reported again.
    fn object(&mut self, node: &Node, pointer: &dyn Fn() -> String, definition: &str) {
        let Some(entries) = node.as_object() else {
            return;
        };
        for entry in entries {
            let key = entry.key.as_str();
            let reported = |key: &str| !allows(definition, key);
            match self.language {
                QueryLanguage::Jsonata => {
                    if let Some(instead) = jsonpath_only(key)
                        && !reported(key)
                    {
                        self.only_in(QueryLanguage::JsonPath, entry, pointer, instead);
                    }
                }
                QueryLanguage::JsonPath => {
                    if let Some(instead) = jsonata_only(key) {
                        if !reported(key) {
                            self.only_in(QueryLanguage::Jsonata, entry, pointer, instead);
                        }
                    } else if is_number_field(key) && is_jsonata(&entry.value) && !reported(key) {
                        self.expression_in_jsonpath(entry, pointer);
                    }
                }
            }
        }
    }

    fn choice_rule(&mut self, rule: &Node, pointer: &dyn Fn() -> String) {
        let Some(entries) = rule.as_object() else {
            return;
        };
        for entry in entries {
            let key = entry.key.as_str();
            let jsonpath_only =
                matches!(key, "Variable" | "And" | "Or" | "Not") || is_comparison_operator(key);
            match self.language {
                QueryLanguage::Jsonata if jsonpath_only => self.only_in(
                    QueryLanguage::JsonPath,
                    entry,
                    pointer,
                    "write the rule as \"Condition\": \"{% ... %}\", a JSONata expression giving a boolean",
                ),
                QueryLanguage::JsonPath if matches!(key, "Condition" | "Output") => {
                    let instead = if key == "Condition" {
                        "use Variable with a comparison operator"
                    } else {
                        "transform the output in the next state"
                    };
                    self.only_in(QueryLanguage::Jsonata, entry, pointer, instead);
                }
                _ => {}
            }
        }
    }

    fn only_in(
        &mut self,
        only: QueryLanguage,
        entry: &Entry,
        pointer: &dyn Fn() -> String,
        instead: &str,
    ) {
        let key = &entry.key;
        let state_language = self.language.as_str();
        let mut help = format!("in a {state_language} state, {instead}");
        if only == QueryLanguage::Jsonata {
            help.push_str(", or set \"QueryLanguage\": \"JSONata\" on the state");
        }
        self.out.push(
            RULE.diag(
                format!("{}/{}", pointer(), pointer_token(key)),
                entry.key_span,
                format!(
                    "The QueryLanguage is set to '{state_language}', but field '{key}' is only supported for the '{}' QueryLanguage",
                    only.as_str()
                ),
            )
            .with_label(format!("a {} field", only.as_str()))
            .with_help(help),
        );
    }

    fn expression_in_jsonpath(&mut self, entry: &Entry, pointer: &dyn Fn() -> String) {
        let key = &entry.key;
        let expected = if key == "ToleratedFailurePercentage" {
            "Number"
        } else {
            "Integer"
        };
        self.out.push(
            RULE.diag(
                format!("{}/{}", pointer(), pointer_token(key)),
                entry.value.span,
                format!("Expected value of type {expected}"),
            )
            .with_label("a JSONata expression, in a JSONPath state")
            .with_help(format!(
                "set \"QueryLanguage\": \"JSONata\" on the state, or write a number (or use '{key}Path' to read it from the input)"
            )),
        );
    }
}

/// A `{% ... %}` string.
fn is_jsonata(node: &Node) -> bool {
    node.as_str()
        .is_some_and(|s| s.starts_with("{%") && s.ends_with("%}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Span;

    fn ql(json: &str) -> Vec<Diagnostic> {
        crate::validate::testing::rule_diags(&RULE, json)
    }

    fn one(json: &str) -> Diagnostic {
        let d = ql(json);
        assert_eq!(d.len(), 1, "{d:#?}");
        d.into_iter().next().unwrap()
    }

    fn text(json: &str, span: Span) -> &str {
        &json[span.start..span.end]
    }

    #[test]
    fn jsonpath_fields_in_a_jsonata_machine_are_reported() {
        let json = r#"{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"a.$":"$.b"},"End":true}}}"#;
        let d = one(json);
        assert_eq!(d.code, "SCHEMA_VALIDATION_FAILED");
        assert_eq!(d.location, "/States/A/Parameters");
        assert_eq!(
            d.message,
            "The QueryLanguage is set to 'JSONata', but field 'Parameters' is only supported for the 'JSONPath' QueryLanguage"
        );
        assert_eq!(text(json, d.span), r#""Parameters""#);
        assert!(d.help.unwrap().contains("Arguments"));
    }

    #[test]
    fn jsonata_fields_in_a_jsonpath_state_are_reported() {
        let json = r#"{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"r","Arguments":{},"End":true}}}"#;
        let d = one(json);
        assert_eq!(d.location, "/States/A/Arguments");
        assert_eq!(
            d.message,
            "The QueryLanguage is set to 'JSONPath', but field 'Arguments' is only supported for the 'JSONata' QueryLanguage"
        );
        assert!(
            d.help
                .unwrap()
                .contains("set \"QueryLanguage\": \"JSONata\"")
        );
    }

    #[test]
    fn a_state_may_switch_to_jsonata_in_a_jsonpath_machine() {
        let json = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","QueryLanguage":"JSONata","Output":"{% 1 %}","Assign":{"x":1},"Next":"B"},
            "B":{"Type":"Pass","Parameters":{},"ResultPath":"$.r","Assign":{"y.$":"$.a"},"End":true}}}"#;
        assert!(ql(json).is_empty(), "{:#?}", ql(json));
    }

    #[test]
    fn a_state_may_not_switch_back_to_jsonpath() {
        let json = r#"{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","QueryLanguage":"JSONPath","End":true}}}"#;
        let d = one(json);
        assert_eq!(d.location, "/States/A");
        assert_eq!(
            d.message,
            "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine"
        );
        assert_eq!(text(json, d.span), r#""JSONPath""#);
    }

    #[test]
    fn nested_states_take_the_top_level_language() {
        // The Map's own QueryLanguage does not reach the states it runs.
        let json = r#"{"StartAt":"M","States":{"M":{"Type":"Map","QueryLanguage":"JSONata","End":true,
            "ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","Output":{},"End":true}}}}}}"#;
        let d = one(json);
        assert_eq!(d.location, "/States/M/ItemProcessor/States/P/Output");
        assert!(
            d.message
                .starts_with("The QueryLanguage is set to 'JSONPath'")
        );
    }

    #[test]
    fn catchers_choice_rules_and_map_objects_are_checked() {
        let json = r#"{"QueryLanguage":"JSONata","StartAt":"T","States":{
            "T":{"Type":"Task","Resource":"r","Next":"C","Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.e","Next":"C"}]},
            "C":{"Type":"Choice","Choices":[{"Variable":"$.a","IsNull":true,"Next":"M"}]},
            "M":{"Type":"Map","End":true,"ItemBatcher":{"MaxItemsPerBatchPath":"$.n"},
                 "ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Succeed"}}}}}}"#;
        let locations: Vec<String> = ql(json).into_iter().map(|d| d.location).collect();
        assert_eq!(
            locations,
            [
                "/States/T/Catch/0/ResultPath",
                "/States/C/Choices/0/Variable",
                "/States/C/Choices/0/IsNull",
                "/States/M/ItemBatcher/MaxItemsPerBatchPath",
            ]
        );

        let json = r#"{"StartAt":"C","States":{"C":{"Type":"Choice","Default":"C","Choices":[{"Condition":"{% true %}","Next":"C"}]}}}"#;
        let d = one(json);
        assert_eq!(d.location, "/States/C/Choices/0/Condition");
        assert!(
            d.message
                .ends_with("only supported for the 'JSONata' QueryLanguage")
        );
    }

    #[test]
    fn expressions_in_place_of_numbers_need_jsonata() {
        let json =
            r#"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":"{% 5 %}","End":true}}}"#;
        let d = one(json);
        assert_eq!(d.location, "/States/W/Seconds");
        assert_eq!(d.message, "Expected value of type Integer");
        assert_eq!(text(json, d.span), r#""{% 5 %}""#);

        let json = r#"{"QueryLanguage":"JSONata","StartAt":"W","States":{"W":{"Type":"Wait","Seconds":"{% 5 %}","End":true}}}"#;
        assert!(ql(json).is_empty());
    }

    #[test]
    fn fields_the_schema_rejects_are_not_reported_again() {
        // Not a Pass field at all: the schema rule says so, once.
        let json = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","TimeoutSeconds":"{% 5 %}","Condition":true,"End":true}}}"#;
        assert!(ql(json).is_empty(), "{:#?}", ql(json));
        let all = crate::validate::testing::diags_of(json);
        let at: Vec<_> = all
            .iter()
            .filter(|d| d.code == "SCHEMA_VALIDATION_FAILED")
            .map(|d| d.location.as_str())
            .collect();
        assert_eq!(at, ["/States/A/TimeoutSeconds", "/States/A/Condition"]);
    }

    #[test]
    fn a_query_language_written_among_the_states_sets_their_language() {
        // As in a published AWS sample, which deploys.
        let json = r#"{"StartAt":"A","States":{"QueryLanguage":"JSONata","A":{"Type":"Pass","Output":{},"End":true}}}"#;
        assert!(ql(json).is_empty(), "{:#?}", ql(json));
        let json = r#"{"StartAt":"A","States":{"QueryLanguage":"JSONata","A":{"Type":"Pass","Result":{},"End":true}}}"#;
        assert_eq!(one(json).location, "/States/A/Result");
    }

    #[test]
    fn jsonata_states_with_jsonata_fields_pass() {
        let json = r#"{"QueryLanguage":"JSONata","StartAt":"T","States":{
            "T":{"Type":"Task","Resource":"r","Arguments":{"a":"{% $states.input %}"},"Output":"{% $states.result %}","Assign":{"v":1},
                 "TimeoutSeconds":"{% 5 %}","Next":"C","Catch":[{"ErrorEquals":["States.ALL"],"Output":{},"Assign":{},"Next":"C"}]},
            "C":{"Type":"Choice","Choices":[{"Condition":"{% $v = 1 %}","Output":{},"Assign":{},"Next":"M"}],"Default":"M"},
            "M":{"Type":"Map","Items":[1],"ItemSelector":{},"End":true,
                 "ItemReader":{"Resource":"r","Arguments":{}},"ResultWriter":{"Resource":"r","Arguments":{}},
                 "ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Succeed"}}}}}}"#;
        assert!(ql(json).is_empty(), "{:#?}", ql(json));
    }
}
