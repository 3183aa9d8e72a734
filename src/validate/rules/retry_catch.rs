use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::load::Node;
use crate::model::{State, StateType};
use crate::validate::Context;

declare_rule! {
    /// ## What it checks
    /// In the `Retry` and `Catch` of Task, Parallel and Map states:
    /// - `States.ALL` appears alone in its `ErrorEquals`;
    /// - `States.ALL` appears only in the last Retrier of `Retry` and the last
    ///   Catcher of `Catch`.
    ///
    /// ## Why
    /// The Amazon States Language requires both and AWS rejects the definition
    /// (`SCHEMA_VALIDATION_FAILED`). `States.ALL` matches every error, so anything
    /// after it could never be used: a Retrier or Catcher placed after it would
    /// silently never run.
    ///
    /// ## Example
    /// ```json
    /// "Catch": [
    ///   {"ErrorEquals": ["States.ALL"], "Next": "Failed"},
    ///   {"ErrorEquals": ["States.Timeout"], "Next": "TimedOut"}]
    /// ```
    /// Swap the two Catchers so that `States.ALL` comes last.
    pub static RULE = Rule {
        id: "retry-catch",
        code: "SCHEMA_VALIDATION_FAILED",
        severity: Severity::Error,
        summary: "States.ALL is alone in ErrorEquals and in the last Retrier or Catcher",
        check,
    };
}

/// The only states that may retry and catch; on others the schema reports the field.
pub fn handles_errors(state: &State) -> bool {
    state.is(&StateType::Task) || state.is(&StateType::Parallel) || state.is(&StateType::Map)
}

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for state in ctx.machine.states.iter().filter(|s| handles_errors(s)) {
        for (field, element) in [("Retry", "Retrier"), ("Catch", "Catcher")] {
            let Some(items) = state.node.get(field).and_then(Node::as_array) else {
                continue;
            };
            for (i, item) in items.iter().enumerate() {
                let Some(names) = item.get("ErrorEquals").and_then(Node::as_array) else {
                    continue;
                };
                for (j, name) in names.iter().enumerate() {
                    if name.as_str() != Some("States.ALL") {
                        continue;
                    }
                    // Pointers only for what is reported: most `States.ALL` are well placed.
                    if names.len() == 1 && i + 1 == items.len() {
                        continue;
                    }
                    let at = format!("{}/{field}/{i}/ErrorEquals/{j}", state.pointer);
                    if names.len() > 1 {
                        out.push(
                            RULE.diag(
                                at.clone(),
                                name.span,
                                "States.ALL must appear alone in ErrorEquals",
                            )
                            .with_label("not alone")
                            .with_help(format!(
                                "States.ALL already matches every error: remove the other names, or move them to a {element} before this one"
                            )),
                        );
                    }
                    if i + 1 != items.len() {
                        out.push(
                            RULE.diag(
                                at,
                                name.span,
                                format!("States.ALL must appear only in the last {element} of {field}"),
                            )
                            .with_label(format!("{element} {} of {}", i + 1, items.len()))
                            .with_help(format!(
                                "move this {element} to the end of {field}: the ones after it could never match"
                            )),
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::testing::diags_of;

    fn errors(json: &str) -> Vec<(String, String)> {
        diags_of(json)
            .into_iter()
            .filter(|d| d.code == "SCHEMA_VALIDATION_FAILED")
            .map(|d| (d.location, d.message))
            .collect()
    }

    fn task(extra: &str) -> String {
        format!(
            r#"{{"StartAt":"T","States":{{"T":{{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,{extra}}},"F":{{"Type":"Fail"}}}}}}"#
        )
    }

    #[test]
    fn states_all_must_be_alone() {
        assert_eq!(
            errors(&task(
                r#""Retry":[{"ErrorEquals":["States.Timeout","States.ALL"]}]"#
            )),
            [(
                "/States/T/Retry/0/ErrorEquals/1".to_string(),
                "States.ALL must appear alone in ErrorEquals".to_string()
            )]
        );
    }

    #[test]
    fn states_all_must_be_in_the_last_catcher() {
        assert_eq!(
            errors(&task(
                r#""Catch":[{"ErrorEquals":["States.ALL"],"Next":"F"},{"ErrorEquals":["States.Timeout"],"Next":"F"}]"#
            )),
            [(
                "/States/T/Catch/0/ErrorEquals/0".to_string(),
                "States.ALL must appear only in the last Catcher of Catch".to_string()
            )]
        );
    }

    #[test]
    fn checks_states_inside_a_map_processor() {
        let d = errors(
            r#"{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"P","States":{
               "P":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"S","States":{"S":{"Type":"Succeed"}}}],
                    "Retry":[{"ErrorEquals":["States.ALL"]},{"ErrorEquals":["X"]}]}}}}}}"#,
        );
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].0,
            "/States/M/ItemProcessor/States/P/Retry/0/ErrorEquals/0"
        );
    }

    #[test]
    fn a_well_ordered_retry_and_catch_pass() {
        assert!(
            errors(&task(
                r#""Retry":[{"ErrorEquals":["States.Timeout","Lambda.ServiceException"]},{"ErrorEquals":["States.ALL"]}],
                   "Catch":[{"ErrorEquals":["Custom"],"Next":"F"},{"ErrorEquals":["States.ALL"],"Next":"F"}]"#
            ))
            .is_empty()
        );
    }
}
