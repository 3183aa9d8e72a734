use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::load::{NodeKind, pointer_token};
use crate::model::QueryLanguage;
use crate::validate::Context;

declare_rule! {
    /// ## What it checks
    /// That no field of a JSONata state (in `Arguments`, `Output`, `Assign`, ...)
    /// has a name ending in `.$`.
    ///
    /// ## Why
    /// `.$` fields are how JSONPath states evaluate a path; a JSONata state has no
    /// JSONPath, and evaluates `{% ... %}` strings instead. AWS refuses the
    /// definition.
    ///
    /// ## Example
    /// ```json
    /// {"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass",
    ///   "Output": {"id.$": "$.id"}, "End": true}}}
    /// ```
    /// Write `"id": "{% $states.input.id %}"`.
    pub static RULE = Rule {
        id: "jsonpath-in-jsonata",
        code: "SCHEMA_VALIDATION_FAILED",
        severity: Severity::Error,
        summary: "JSONata states do not use .$ fields",
        check,
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for state in &ctx.machine.states {
        if state.query_language != QueryLanguage::Jsonata {
            continue;
        }
        // Walk objects only: the same traversal as the expression rule, keys instead of strings.
        let mut stack = vec![(state.node, state.pointer.clone(), true)];
        while let Some((node, pointer, top)) = stack.pop() {
            match &node.kind {
                NodeKind::Object(entries) => {
                    for e in entries.iter().rev() {
                        if top
                            && matches!(
                                e.key.as_str(),
                                "Branches" | "ItemProcessor" | "Iterator" | "Comment"
                            )
                        {
                            continue;
                        }
                        let p = format!("{pointer}/{}", pointer_token(&e.key));
                        if e.key.ends_with(".$") {
                            let name = e.key.trim_end_matches(".$");
                            out.push(
                                RULE.diag(
                                    p.clone(),
                                    e.key_span,
                                    format!("The field '{}' uses JSONPath's '.$' suffix, which a JSONata state does not support", e.key),
                                )
                                .with_label("JSONPath syntax")
                                .with_help(format!(
                                    "drop the '.$' and write the value as a JSONata expression, such as \"{name}\": \"{{% $states.input.{name} %}}\"; or set \"QueryLanguage\": \"JSONPath\" on this state"
                                )),
                            );
                        }
                        stack.push((&e.value, p, false));
                    }
                }
                NodeKind::Array(items) => {
                    for (i, item) in items.iter().enumerate().rev() {
                        stack.push((item, format!("{pointer}/{i}"), false));
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::testing::diags_of;

    fn ours(json: &str) -> Vec<crate::diagnostic::Diagnostic> {
        diags_of(json)
            .into_iter()
            .filter(|d| d.message.contains("uses JSONPath's '.$' suffix"))
            .collect()
    }

    #[test]
    fn dollar_fields_in_a_jsonata_state_are_errors() {
        let text = r#"{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Output":{"x":{"id.$":"$.id"}},"End":true}}}"#;
        let d = ours(text);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, "SCHEMA_VALIDATION_FAILED");
        assert_eq!(d[0].location, "/States/A/Output/x/id.$");
        assert_eq!(&text[d[0].span.start..d[0].span.end], "\"id.$\"");
    }

    #[test]
    fn jsonpath_states_and_nested_jsonpath_states_are_fine() {
        let text = r#"{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
            {"StartAt":"B","States":{"B":{"Type":"Pass","QueryLanguage":"JSONPath","Parameters":{"id.$":"$.id"},"End":true}}}]}}}"#;
        assert!(ours(text).is_empty());
    }
}
