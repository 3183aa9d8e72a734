use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::validate::Context;

declare_rule! {
    /// ## What it checks
    /// That every state is named by something in its own scope (the top level,
    /// one Parallel branch or one Map processor): the scope's `StartAt`, a `Next`,
    /// a Choice rule's `Next`, a `Default` or a Catcher's `Next`.
    ///
    /// ## Why
    /// AWS refuses to create the state machine: `MISSING_TRANSITION_TARGET: State
    /// "X" is not reachable. at /States/X`. A state nothing transitions to can never
    /// run; it is usually a forgotten `Next` or a typo in one.
    ///
    /// Like AWS, this checks that something names the state, not that a path leads
    /// there from `StartAt`: states only reached from unreachable states are
    /// reported by `unreachable-from-start`, as a warning.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {
    ///   "A": {"Type": "Pass", "End": true},
    ///   "B": {"Type": "Pass", "End": true}}}
    /// ```
    /// Nothing leads to `B`: remove it, or make `A` go there (`"Next": "B"`).
    pub static RULE = Rule {
        id: "unreachable-state",
        code: "MISSING_TRANSITION_TARGET",
        severity: Severity::Error,
        summary: "Every state is the target of StartAt, a Next, a Default or a Catch",
        check,
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let m = ctx.machine;
    for (g, scope) in ctx.graphs().iter().zip(&m.scopes) {
        // Without StartAt the schema's "These fields are required: [StartAt]" is the
        // one problem, as AWS reports it: not also every state unreachable.
        if scope.start_at.is_none() {
            continue;
        }
        // A state is named when StartAt or a transition names it (targets resolve
        // to the first state of a name, so duplicates share their first one's answer).
        let mut named = vec![false; g.len()];
        if let Some(start) = g.start {
            named[start] = true;
        }
        for &t in g.targets() {
            named[t] = true;
        }
        for &sid in &g.ids {
            let state = &m.states[sid];
            let first = g.index.get(state.name).copied();
            // A `States` member that is not an object is a schema error, not a state.
            if first.is_some_and(|i| named[i]) || state.node.as_object().is_none() {
                continue;
            }
            out.push(
                RULE.diag(
                    state.pointer.clone(),
                    state.name_span,
                    format!("State \"{}\" is not reachable.", state.name),
                )
                .with_label("nothing transitions here")
                .with_help(format!(
                    "add a Next, Choice rule, Default or Catch that goes to '{}', or remove the state",
                    state.name
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::testing::{codes_of, diags_of};

    fn unreachable(json: &str) -> Vec<(String, String)> {
        diags_of(json)
            .into_iter()
            .filter(|d| d.message.ends_with("is not reachable."))
            .map(|d| {
                assert_eq!(d.code, "MISSING_TRANSITION_TARGET");
                (d.location, d.message)
            })
            .collect()
    }

    #[test]
    fn reports_a_state_nothing_names_as_aws_does() {
        let d = unreachable(
            r#"{"StartAt":"pass1","States":{"pass1":{"Type":"Pass","End":true},"pass2":{"Type":"Pass","End":true}}}"#,
        );
        assert_eq!(
            d,
            [(
                "/States/pass2".to_string(),
                "State \"pass2\" is not reachable.".to_string()
            )]
        );
    }

    #[test]
    fn reports_states_in_branches_and_map_processors() {
        let d = unreachable(
            r#"{"StartAt":"P","States":{"P":{"Type":"Parallel","Next":"M","Branches":[
                {"StartAt":"B1","States":{"B1":{"Type":"Pass","End":true},"B2":{"Type":"Pass","End":true}}}]},
              "M":{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"I1","States":{
                "I1":{"Type":"Pass","End":true},"I2":{"Type":"Succeed"}}}}}}"#,
        );
        let locations: Vec<_> = d.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(
            locations,
            [
                "/States/P/Branches/0/States/B2",
                "/States/M/ItemProcessor/States/I2"
            ]
        );
    }

    #[test]
    fn a_missing_start_at_leaves_the_unnamed_states_unreachable() {
        // As AWS: only "Pass One" is reported; "Success" is named by "Pass One".
        let d = unreachable(
            r#"{"StartAt":"Not sure","States":{"Pass One":{"Type":"Pass","Next":"Success"},"Success":{"Type":"Succeed"}}}"#,
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].0, "/States/Pass One");
    }

    #[test]
    fn a_name_from_another_scope_does_not_count() {
        // The branch's own "Shared" is not named inside the branch.
        let d = unreachable(
            r#"{"StartAt":"P","States":{"P":{"Type":"Parallel","Next":"X","Branches":[
                {"StartAt":"B","States":{"B":{"Type":"Pass","End":true},"X":{"Type":"Pass","End":true}}}]},
              "X":{"Type":"Succeed"}}}"#,
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].0, "/States/P/Branches/0/States/X");
    }

    #[test]
    fn a_member_that_is_not_a_state_is_left_to_the_schema() {
        let d = unreachable(
            r#"{"StartAt":"A","States":{"QueryLanguage":"JSONata","A":{"Type":"Succeed"}}}"#,
        );
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn default_choice_and_catch_targets_count() {
        let codes = codes_of(
            r#"{"StartAt":"C","States":{
              "C":{"Type":"Choice","Choices":[{"Variable":"$.a","IsPresent":true,"Next":"T"}],"Default":"D"},
              "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,
                   "Catch":[{"ErrorEquals":["States.ALL"],"Next":"F"}]},
              "D":{"Type":"Succeed"},"F":{"Type":"Fail"}}}"#,
        );
        assert!(!codes.contains(&"MISSING_TRANSITION_TARGET"), "{codes:?}");
    }
}
