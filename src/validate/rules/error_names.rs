use super::retry_catch::handles_errors;
use crate::dataflow::eval::INTRINSIC_FAILURE;
use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Severity, closest};
use crate::load::Node;
use crate::model::StateType;
use crate::validate::Context;
use crate::validate::rules::graph::FxHasher;
use std::hash::BuildHasherDefault;

/// Names hashed with [`FxHasher`]: SipHash was most of looking one up.
type HashSet<T> = std::collections::HashSet<T, BuildHasherDefault<FxHasher>>;

/// Errors the ASL specification names that AWS never raises, since it fails the
/// execution with `States.Runtime` instead: (name, what does so, how to fix it).
const NEVER_RAISED: &[(&str, &str, &str)] = &[
    (
        INTRINSIC_FAILURE,
        "a failed intrinsic function",
        "fix the call's arguments instead (or check them in a Choice state first)",
    ),
    (
        "States.NoChoiceMatched",
        "a Choice state that no rule matches, with no Default,",
        "give the Choice state a Default (a Fail state, to fail on purpose) instead",
    ),
];

/// The error names Step Functions itself raises. Names starting with `States.`
/// are reserved: no Task, Lambda or Fail state can raise any other.
pub const PREDEFINED_ERRORS: &[&str] = &[
    "States.ALL",
    "States.BranchFailed",
    "States.DataLimitExceeded",
    "States.ExceedToleratedFailureThreshold",
    "States.HeartbeatTimeout",
    "States.Http.Socket",
    "States.IntrinsicFailure",
    "States.ItemReaderFailed",
    "States.NoChoiceMatched",
    "States.ParameterPathFailure",
    "States.Permissions",
    "States.QueryEvaluationError",
    "States.ReferencePathConflict",
    "States.ResultPathMatchFailure",
    "States.ResultWriterFailed",
    "States.Runtime",
    "States.TaskFailed",
    "States.Timeout",
];

declare_rule! {
    /// ## What it checks
    /// The error names in the `ErrorEquals` of Retriers and Catchers:
    /// - a name starting with `States.` is one of AWS's predefined errors
    ///   (`States.ALL`, `States.TaskFailed`, `States.Timeout`, ...), spelled with
    ///   the right case;
    /// - a name that looks like a misspelt predefined one (`State.ALL`);
    /// - `States.Runtime`, which can never be caught or retried;
    /// - `States.IntrinsicFailure`, which the ASL specification names for a failed
    ///   intrinsic function, but which AWS never raises: executions fail with
    ///   `States.Runtime` (`Invalid arguments in States.MathAdd`) instead;
    /// - `States.NoChoiceMatched`, likewise never raised: a Choice state that no rule
    ///   matches and that has no `Default` fails the execution with `States.Runtime`
    ///   (`Failed to transition out of the state. The state does not point to a next
    ///   state.`).
    ///
    /// ## Why
    /// Error names are matched exactly and case-sensitively, and Step Functions only
    /// raises its predefined `States.` errors, so such a name matches nothing unless
    /// a Fail state raises it (which is allowed, and not reported): the Retrier or
    /// Catcher is silently dead. AWS accepts the definition, which is why these are
    /// warnings. `States.Runtime` errors (an invalid path, a failed
    /// intrinsic) always fail the execution, even when named explicitly.
    ///
    /// ## Example
    /// ```json
    /// "Retry": [{"ErrorEquals": ["States.Timeouts"], "MaxAttempts": 3}]
    /// ```
    /// `States.Timeouts` never matches: write `States.Timeout`.
    pub static RULE = Rule {
        id: "error-names",
        code: "UNKNOWN_ERROR_NAME",
        severity: Severity::Warning,
        summary: "Error names in ErrorEquals can match: predefined States.* names, exact case",
        check,
    };
}

/// The error names Fail states of the machine raise, or `None` when one raises
/// a computed name (`ErrorPath`, a JSONata `Error`) that could be anything.
fn raised_by_fail_states<'a>(ctx: &Context<'a>) -> Option<HashSet<&'a str>> {
    let mut raised = HashSet::default();
    for state in ctx.machine.states.iter().filter(|s| s.is(&StateType::Fail)) {
        if state.node.get("ErrorPath").is_some() {
            return None;
        }
        match state.node.get("Error").and_then(Node::as_str) {
            Some(e) if e.trim_start().starts_with("{%") => return None,
            Some(e) => {
                raised.insert(e);
            }
            None => {}
        }
    }
    Some(raised)
}

/// Why `name` can never match, and how to fix it. `raised`: see [`raised_by_fail_states`].
fn problem(name: &str, raised: Option<&HashSet<&str>>) -> Option<(String, String)> {
    if name == "States.Runtime" {
        return Some((
            "States.Runtime errors are never caught or retried: the execution always fails".to_string(),
            "fix what raises it (an invalid path, a failed intrinsic function) instead; remove this name".to_string(),
        ));
    }
    if let Some((_, what, fix)) = NEVER_RAISED.iter().find(|(n, ..)| *n == name)
        && !raised.is_none_or(|r| r.contains(name))
    {
        return Some((
            format!(
                "{name} is never raised: {what} fails the execution with States.Runtime, which is never caught or retried"
            ),
            format!("{fix}; remove this name"),
        ));
    }
    if PREDEFINED_ERRORS.contains(&name) {
        return None;
    }
    // A Fail state may raise any name, `States.` ones included (AWS's own patterns do).
    if raised.is_none_or(|r| r.contains(name)) {
        return None;
    }
    if name.starts_with("States.Http.") {
        // HTTP Task errors are a family (`States.Http.Socket`, ...): not second-guessed.
        return None;
    }
    if let Some(exact) = PREDEFINED_ERRORS
        .iter()
        .find(|p| p.eq_ignore_ascii_case(name))
    {
        return Some((
            format!("Error name '{name}' does not match '{exact}': error names are case-sensitive"),
            format!("write '{exact}'"),
        ));
    }
    let prefix = name.split('.').next().unwrap_or("");
    let reserved = name.starts_with("States.");
    // `State.ALL`, `states.Foo`: meant as a predefined error, but never matches one.
    let looks_reserved =
        name.contains('.') && matches!(prefix.to_ascii_lowercase().as_str(), "state" | "states");
    if !reserved && !looks_reserved {
        return None;
    }
    let suggestion = closest(name, PREDEFINED_ERRORS.iter().copied());
    let help = match suggestion {
        Some(s) => format!("did you mean '{s}'?"),
        None => format!(
            "use one of the predefined errors ({}), or a custom name without the States. prefix",
            PREDEFINED_ERRORS.join(", ")
        ),
    };
    let message = if reserved {
        format!(
            "Unknown error name '{name}': it is not a predefined error and no Fail state raises it"
        )
    } else {
        format!(
            "Error name '{name}' looks like a misspelt predefined error, and no Fail state raises it"
        )
    };
    Some((message, help))
}

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let raised = raised_by_fail_states(ctx);
    for state in ctx.machine.states.iter().filter(|s| handles_errors(s)) {
        // One pass over the state's members for both lists.
        let [retry, catch] = state.node.get_many(&["Retry", "Catch"]);
        for (field, list) in [("Retry", retry), ("Catch", catch)] {
            let Some(items) = list.and_then(Node::as_array) else {
                continue;
            };
            for (i, item) in items.iter().enumerate() {
                let Some(names) = item.get("ErrorEquals").and_then(Node::as_array) else {
                    continue;
                };
                for (j, name) in names.iter().enumerate() {
                    let Some((message, help)) =
                        name.as_str().and_then(|n| problem(n, raised.as_ref()))
                    else {
                        continue;
                    };
                    out.push(
                        RULE.diag(
                            format!("{}/{field}/{i}/ErrorEquals/{j}", state.pointer),
                            name.span,
                            message,
                        )
                        .with_label("never matches")
                        .with_help(help),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::testing::diags_of;

    fn warnings(errors: &str) -> Vec<(String, String, Option<String>)> {
        let json = format!(
            r#"{{"StartAt":"T","States":{{"T":{{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,
               "Retry":[{{"ErrorEquals":{errors}}}]}}}}}}"#
        );
        diags_of(&json)
            .into_iter()
            .filter(|d| d.code == "UNKNOWN_ERROR_NAME")
            .map(|d| (d.location, d.message, d.help))
            .collect()
    }

    #[test]
    fn reports_an_unknown_states_name_with_a_suggestion() {
        assert_eq!(
            warnings(r#"["States.Timeouts"]"#),
            [(
                "/States/T/Retry/0/ErrorEquals/0".to_string(),
                "Unknown error name 'States.Timeouts': it is not a predefined error and no Fail state raises it".to_string(),
                Some("did you mean 'States.Timeout'?".to_string())
            )]
        );
    }

    #[test]
    fn reports_wrong_case_and_misspelt_prefixes() {
        let d = warnings(r#"["Custom.Error","states.all","State.ALL"]"#);
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(d[0].0, "/States/T/Retry/0/ErrorEquals/1");
        assert_eq!(
            d[0].1,
            "Error name 'states.all' does not match 'States.ALL': error names are case-sensitive"
        );
        assert_eq!(d[1].0, "/States/T/Retry/0/ErrorEquals/2");
        assert_eq!(
            d[1].1,
            "Error name 'State.ALL' looks like a misspelt predefined error, and no Fail state raises it"
        );
        assert_eq!(d[1].2.as_deref(), Some("did you mean 'States.ALL'?"));
    }

    #[test]
    fn reports_states_runtime_in_a_catcher() {
        let json = r#"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,
              "Catch":[{"ErrorEquals":["States.Runtime"],"Next":"F"}]},"F":{"Type":"Fail"}}}"#;
        let d: Vec<_> = diags_of(json)
            .into_iter()
            .filter(|d| d.code == "UNKNOWN_ERROR_NAME")
            .collect();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].location, "/States/T/Catch/0/ErrorEquals/0");
        assert_eq!(
            d[0].message,
            "States.Runtime errors are never caught or retried: the execution always fails"
        );
    }

    #[test]
    fn reports_states_intrinsic_failure_unless_a_fail_state_raises_it() {
        let d = warnings(r#"["States.IntrinsicFailure"]"#);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            d[0].1,
            "States.IntrinsicFailure is never raised: a failed intrinsic function fails the execution with States.Runtime, which is never caught or retried"
        );
        let raised = r#"{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,
              "Branches":[{"StartAt":"Stop","States":{"Stop":{"Type":"Fail","Error":"States.IntrinsicFailure"}}}],
              "Catch":[{"ErrorEquals":["States.IntrinsicFailure"],"Next":"Done"}]},"Done":{"Type":"Succeed"}}}"#;
        assert!(
            !diags_of(raised)
                .iter()
                .any(|d| d.code == "UNKNOWN_ERROR_NAME")
        );
    }

    /// AWS fails an unmatched Choice without Default with States.Runtime (a
    /// characterization suite run on AWS: Choice.IsNull 008-no-default-nonmatch,
    /// Feature.ChoiceValidation 001), so a catcher for NoChoiceMatched is dead.
    #[test]
    fn reports_states_no_choice_matched_unless_a_fail_state_raises_it() {
        let d = warnings(r#"["States.NoChoiceMatched"]"#);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            d[0].1,
            "States.NoChoiceMatched is never raised: a Choice state that no rule matches, with no Default, fails the execution with States.Runtime, which is never caught or retried"
        );
    }

    #[test]
    fn predefined_and_custom_names_pass() {
        assert!(warnings(r#"["States.ALL"]"#).is_empty());
        assert!(
            warnings(
                r#"["States.TaskFailed","States.Timeout","States.HeartbeatTimeout","States.Http.Socket",
                    "Lambda.ServiceException","Stage.Failed","Status.Failed","MyError","HandleItemFailError"]"#
            )
            .is_empty()
        );
    }

    #[test]
    fn names_a_fail_state_raises_are_fine() {
        // As AWS's either-or-parallel pattern: a branch fails with a custom States. name.
        let json = r#"{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,
              "Branches":[{"StartAt":"Stop","States":{"Stop":{"Type":"Fail","Error":"States.FauxFailure1"}}}],
              "Catch":[{"ErrorEquals":["States.FauxFailure1"],"Next":"Done"},{"ErrorEquals":["States.Other"],"Next":"Done"}]},
              "Done":{"Type":"Succeed"}}}"#;
        let d: Vec<_> = diags_of(json)
            .into_iter()
            .filter(|d| d.code == "UNKNOWN_ERROR_NAME")
            .map(|d| d.location)
            .collect();
        assert_eq!(d, ["/States/P/Catch/1/ErrorEquals/0"]);
    }

    #[test]
    fn a_computed_fail_error_could_be_any_name() {
        let json = r#"{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Next":"F",
              "Retry":[{"ErrorEquals":["States.Whatever"]}]},"F":{"Type":"Fail","ErrorPath":"$.error"}}}"#;
        assert!(
            !diags_of(json)
                .iter()
                .any(|d| d.code == "UNKNOWN_ERROR_NAME")
        );
    }
}
