use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::StateType;
use crate::validate::Context;

declare_rule! {
    /// ## What it checks
    /// That the top-level `States` has at least one terminal state: a state with
    /// `"End": true`, a `Succeed` state or a `Fail` state.
    ///
    /// ## Why
    /// AWS refuses to create the state machine: `MISSING_END_STATE: Workflow has
    /// no terminal state`. Like AWS, this only asks that a terminal state exists,
    /// not that a path leads to it (`unreachable-state` and `loop-no-exit` look at
    /// paths), and only at the top level: AWS accepts a Parallel branch or Map
    /// processor without one, which `loop-no-exit` reports as a warning.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {
    ///   "A": {"Type": "Pass", "Next": "B"},
    ///   "B": {"Type": "Pass", "Next": "A"}}}
    /// ```
    /// Give one state `"End": true` instead of a `Next`, or add a `Succeed` state.
    pub static RULE = Rule {
        id: "missing-end-state",
        code: "MISSING_END_STATE",
        severity: Severity::Error,
        summary: "The top-level States has a terminal state (End, Succeed or Fail)",
        check,
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let m = ctx.machine;
    let Some(root) = m.scopes.first() else {
        return;
    };
    // No states at all is a schema error, reported elsewhere.
    if root.states.is_empty() || root.states.iter().any(|&s| m.states[s].can_end()) {
        return;
    }
    // A state too broken to tell (no object, unknown Type, `"End": "true"`) may be
    // meant to end: the schema errors say what to fix first.
    let broken = root.states.iter().any(|&s| {
        let state = &m.states[s];
        state.node.as_object().is_none()
            || state.node.get("End").is_some_and(|e| e.as_bool().is_none())
            || !matches!(&state.state_type, Some(t) if !matches!(t.value, StateType::Unknown(_)))
    });
    if broken {
        return;
    }
    let pointer = format!("{}/States", root.pointer);
    out.push(
        RULE.diag(
            pointer.clone(),
            ctx.key_span_of(&pointer),
            "Workflow has no terminal state",
        )
        .with_label("no state here ends the execution")
        .with_help(
            "give the last state \"End\": true instead of a Next, or add a Succeed or Fail state",
        ),
    );
}

#[cfg(test)]
mod tests {
    use crate::validate::testing::diags_of;

    fn missing(json: &str) -> Vec<(String, String)> {
        diags_of(json)
            .into_iter()
            .filter(|d| d.code == "MISSING_END_STATE")
            .map(|d| (d.location, d.message))
            .collect()
    }

    #[test]
    fn reports_a_machine_that_never_ends() {
        assert_eq!(
            missing(
                r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Next":"A"}}}"#
            ),
            [(
                "/States".to_string(),
                "Workflow has no terminal state".to_string()
            )]
        );
    }

    #[test]
    fn any_terminal_state_counts_even_unreachable_ones() {
        // As AWS: C is reported as not reachable, not as a missing end state.
        assert!(
            missing(
                r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Next":"A"},
                   "C":{"Type":"Pass","End":true}}}"#
            )
            .is_empty()
        );
        assert!(missing(r#"{"StartAt":"F","States":{"F":{"Type":"Fail"}}}"#).is_empty());
        assert!(missing(r#"{"StartAt":"S","States":{"S":{"Type":"Succeed"}}}"#).is_empty());
    }

    #[test]
    fn broken_states_are_left_to_the_schema() {
        assert!(
            missing(r#"{"StartAt":"A","States":{"A":{"Type":"Pass","End":"true"}}}"#).is_empty()
        );
        assert!(missing(r#"{"StartAt":"A","States":{"A":{"Type":"Sucess"}}}"#).is_empty());
    }

    #[test]
    fn nested_scopes_are_not_required_to_end() {
        // AWS accepts a Map processor without a terminal state.
        assert!(
            missing(
                r#"{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"A",
                   "States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Next":"A"}}}}}}"#
            )
            .is_empty()
        );
    }
}
