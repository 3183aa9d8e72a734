use crate::dataflow::{jsonata, sites};
use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::load::{Node, NodeKind, pointer_token};
use crate::model::{QueryLanguage, State};
use crate::validate::Context;

declare_rule! {
    /// ## What it checks
    /// In a JSONata state, every string that starts with `{%` (in `Arguments`,
    /// `Output`, `Assign`, a Choice rule's `Condition`, `Items`, `TimeoutSeconds`,
    /// ... at any depth) is a well-formed expression: it ends with `%}`, is not
    /// empty, and its brackets, strings, names in backquotes and comments are closed.
    ///
    /// ## Why
    /// AWS refuses to create the state machine with a malformed JSONata
    /// expression. A string that starts with `{%` but does not end with `%}` is
    /// almost always a typo.
    ///
    /// ## Example
    /// ```json
    /// {"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass",
    ///   "Output": {"total": "{% $sum($states.input.prices %}"}, "End": true}}}
    /// ```
    /// The `(` of `$sum(` is never closed: write `{% $sum($states.input.prices) %}`.
    pub static RULE = Rule {
        id: "jsonata-expression",
        code: "SCHEMA_VALIDATION_FAILED",
        severity: Severity::Error,
        summary: "JSONata {% %} expressions are delimited and balanced",
        check,
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let source = &ctx.definition.source.text;
    for state in &ctx.machine.states {
        if state.query_language != QueryLanguage::Jsonata {
            continue;
        }
        for (pointer, node) in strings(state) {
            let Some(text) = node.as_str() else { continue };
            if !jsonata::is_template(text) {
                continue;
            }
            if let Err((offset, detail)) = jsonata::check_template(text) {
                out.push(
                    RULE.diag(
                        pointer,
                        sites::char_span(source, node, offset),
                        format!("Invalid JSONata expression: {detail}"),
                    )
                    .with_label("malformed JSONata")
                    .with_help(
                        "write a JSONata expression as a string of the form \"{% expression %}\"",
                    ),
                );
            }
        }
    }
}

/// Every string value of a state with its pointer, leaving out nested states
/// (each is checked in its own right) and `Comment`s.
pub(crate) fn strings<'a>(state: &'a State) -> Vec<(String, &'a Node)> {
    let mut out = Vec::new();
    let mut stack: Vec<(&Node, String, bool)> = vec![(state.node, state.pointer.clone(), true)];
    while let Some((node, pointer, top)) = stack.pop() {
        match &node.kind {
            NodeKind::String(_) => out.push((pointer, node)),
            NodeKind::Object(entries) => {
                for e in entries.iter().rev() {
                    let skip = e.key == "Comment"
                        || (top
                            && matches!(e.key.as_str(), "Branches" | "ItemProcessor" | "Iterator"));
                    if !skip {
                        stack.push((
                            &e.value,
                            format!("{pointer}/{}", pointer_token(&e.key)),
                            false,
                        ));
                    }
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
    out
}

#[cfg(test)]
mod tests {
    use crate::validate::testing::diags_of;

    fn ours(json: &str) -> Vec<crate::diagnostic::Diagnostic> {
        diags_of(json)
            .into_iter()
            .filter(|d| d.message.starts_with("Invalid JSONata expression"))
            .collect()
    }

    fn jsonata(state: &str) -> String {
        format!(r#"{{"QueryLanguage":"JSONata","StartAt":"A","States":{{"A":{state}}}}}"#)
    }

    #[test]
    fn unclosed_bracket_is_reported_at_the_bracket() {
        let text = jsonata(
            r#"{"Type":"Pass","Output":{"total":"{% $sum($states.input.prices %}"},"End":true}"#,
        );
        let d = ours(&text);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, "SCHEMA_VALIDATION_FAILED");
        assert_eq!(d[0].location, "/States/A/Output/total");
        assert_eq!(
            d[0].message,
            "Invalid JSONata expression: '(' is never closed"
        );
        assert_eq!(&text[d[0].span.start..d[0].span.end], "(");
    }

    #[test]
    fn missing_close_delimiter_and_empty_expressions() {
        let text = jsonata(
            r#"{"Type":"Choice","Choices":[{"Condition":"{% $states.input.ok","Next":"B"}],"Default":"B","Assign":{"x":"{%  %}"}},"B":{"Type":"Succeed"}"#,
        );
        let d = ours(&text);
        let locs: Vec<_> = d.iter().map(|d| d.location.as_str()).collect();
        assert_eq!(
            locs,
            ["/States/A/Choices/0/Condition", "/States/A/Assign/x"]
        );
        assert!(d[0].message.ends_with("it must end with '%}'"));
    }

    #[test]
    fn good_expressions_and_jsonpath_states_pass() {
        let text = jsonata(
            r#"{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Arguments":{"FunctionName":"f","Payload":"{% $states.input %}"},"Comment":"{% not checked","TimeoutSeconds":"{% $t %}","End":true}"#,
        );
        assert!(ours(&text).is_empty(), "{:?}", ours(&text));
        let jsonpath =
            r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"a":"{% x"},"End":true}}}"#;
        assert!(ours(jsonpath).is_empty());
    }
}
