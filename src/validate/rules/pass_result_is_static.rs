use crate::dataflow::sites::{self, Template};
use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::load::{Node, NodeKind};
use crate::model::{QueryLanguage, StateType};
use crate::validate::Context;

declare_rule! {
    /// ## What it checks
    /// A JSONPath Pass state's `Result` that contains a field whose name ends in
    /// `.$`, or that is itself a string that looks like a path (`"$.a"`).
    ///
    /// ## Why
    /// `Result` is static: it is output exactly as written, and nothing in it is
    /// evaluated. `"total.$": "$.sum"` in `Result` produces a field named
    /// `total.$` holding the text `$.sum`. AWS reports this warning as
    /// `PASS_RESULT_IS_STATIC: Attempt to use a path in the result of a pass state`.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true,
    ///   "Result": {"total.$": "$.sum"}}}}
    /// ```
    /// Use `Parameters` instead of `Result` to build the output from the input.
    pub static RULE = Rule {
        id: "pass-result-is-static",
        code: "PASS_RESULT_IS_STATIC",
        severity: Severity::Warning,
        summary: "A Pass state's Result uses a path, but Result is never evaluated",
        check,
    };
}

const HELP: &str =
    "Result is output as written: use Parameters to build the output from the input or the context";

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for state in &ctx.machine.states {
        if state.query_language != QueryLanguage::JsonPath || !state.is(&StateType::Pass) {
            continue;
        }
        let Some(result) = state.node.get("Result") else {
            continue;
        };
        if result.as_str().and_then(sites::appears_dynamic).is_some() {
            out.push(
                RULE.diag(
                    format!("{}/Result", state.pointer),
                    result.span,
                    "Attempt to use a path in the result of a pass state: Result is not evaluated",
                )
                .with_label("not evaluated")
                .with_help(HELP),
            );
            continue;
        }
        // Most results have no `.$` key: found without building a pointer per field.
        if !has_dollar_key(result) {
            continue;
        }
        let template = Template {
            pointer: format!("{}/Result", state.pointer),
            node: result,
        };
        for field in sites::fields(&template) {
            if field.is_dynamic() {
                out.push(
                    RULE.diag(
                        field.pointer.clone(),
                        field.entry.key_span,
                        format!(
                            "Attempt to use a path in the result of a pass state: '{}' is output as a field of that name, not evaluated",
                            field.entry.key
                        ),
                    )
                    .with_label("not evaluated")
                    .with_help(HELP),
                );
            }
        }
    }
}

/// Whether a key ending in `.$` is anywhere in `node`.
fn has_dollar_key(node: &Node) -> bool {
    // An explicit stack: the depth of the result is the user's.
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        match &node.kind {
            NodeKind::Object(entries) => {
                for entry in entries {
                    if entry.key.ends_with(".$") {
                        return true;
                    }
                    stack.push(&entry.value);
                }
            }
            NodeKind::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use crate::validate::testing::diags_of;

    fn ours(json: &str) -> Vec<crate::diagnostic::Diagnostic> {
        diags_of(json)
            .into_iter()
            .filter(|d| d.code == "PASS_RESULT_IS_STATIC")
            .collect()
    }

    #[test]
    fn dollar_fields_in_result_warn() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","End":true,"Result":{"a":[{"total.$":"$.sum"}]}}}}"#;
        let d = ours(text);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].location, "/States/A/Result/a/0/total.$");
        assert_eq!(
            d[0].message,
            "Attempt to use a path in the result of a pass state: 'total.$' is output as a field of that name, not evaluated"
        );
        assert_eq!(&text[d[0].span.start..d[0].span.end], "\"total.$\"");
        let d = ours(r#"{"StartAt":"A","States":{"A":{"Type":"Pass","End":true,"Result":"$.a"}}}"#);
        assert_eq!(d[0].location, "/States/A/Result");
    }

    #[test]
    fn static_results_do_not_warn() {
        assert!(ours(r#"{"StartAt":"A","States":{"A":{"Type":"Pass","End":true,"Result":{"price":"$100","n":1}}}}"#).is_empty());
        assert!(ours(r#"{"StartAt":"A","States":{"A":{"Type":"Pass","End":true,"Parameters":{"a.$":"$.x"}}}}"#).is_empty());
    }
}
