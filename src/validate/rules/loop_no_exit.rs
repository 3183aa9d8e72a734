use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{State, StateType};
use crate::validate::Context;

declare_rule! {
    /// ## What it checks
    /// That no loop of states is a trap: from every loop (states that can come back
    /// to themselves through `Next`, Choice rules, `Default` and Catchers), some
    /// path leads to a state that ends its scope (`"End": true`, `Succeed`, `Fail`).
    /// Checked in every scope: the top level, Parallel branches and Map processors.
    ///
    /// ## Why
    /// AWS accepts such a definition, but an execution that enters the loop runs
    /// until it fails on the 25,000-event history limit or its timeout (a year for
    /// Standard workflows), running and paying for every state on the way. A Choice
    /// rule or Catcher leaving the loop counts as a way out, and so does a Choice
    /// without `Default` (it fails the execution when no rule matches).
    ///
    /// ## Example
    /// ```json
    /// "Poll": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Wait"},
    /// "Wait": {"Type": "Wait", "Seconds": 10, "Next": "Poll"}
    /// ```
    /// Add a Choice after `Poll` that goes to a Succeed state when the job is done.
    pub static RULE = Rule {
        id: "loop-no-exit",
        code: "NO_EXIT_LOOP",
        severity: Severity::Warning,
        summary: "Every loop has a way out to a state that ends the scope",
        check,
    };
}

/// Whether the execution can leave through this state: it ends the scope, or
/// fails for sure, or is too broken to tell (other rules report it).
fn is_exit(state: &State, dangling: bool) -> bool {
    if state.can_end() || dangling {
        return true;
    }
    match state.state_type.as_ref().map(|t| &t.value) {
        None | Some(StateType::Unknown(_)) => true,
        Some(StateType::Choice) => state.default.is_none(),
        Some(_) => state.next.is_none(),
    }
}

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let m = ctx.machine;
    for g in ctx.graphs() {
        let exits = (0..g.len()).filter(|&i| is_exit(&m.states[g.ids[i]], g.dangling[i]));
        let leaves = g.reaching(exits);
        // A loop is reported only when none of its states can leave.
        if leaves.iter().all(|&l| l) {
            continue;
        }
        for component in g.sccs() {
            if !g.is_cycle(&component) || component.iter().any(|&i| leaves[i]) {
                continue;
            }
            let names: Vec<String> = component
                .iter()
                .map(|&i| format!("\"{}\"", m.states[g.ids[i]].name))
                .collect();
            let shown = if names.len() > 5 {
                format!("{} and {} more", names[..5].join(", "), names.len() - 5)
            } else {
                names.join(", ")
            };
            let message = if names.len() == 1 {
                format!(
                    "State {shown} loops forever: no path from it leads to a state that ends the execution"
                )
            } else {
                format!(
                    "States {shown} loop forever: no path from them leads to a state that ends the execution"
                )
            };
            let first = &m.states[g.ids[component[0]]];
            out.push(
                RULE.diag(first.pointer.clone(), first.name_span, message)
                    .with_label("loop with no way out")
                    .with_help(
                        "add a Choice rule or Catch that leaves the loop for a state with \"End\": true, a Succeed or a Fail state",
                    ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::testing::diags_of;

    fn warnings(json: &str) -> Vec<(String, String)> {
        diags_of(json)
            .into_iter()
            .filter(|d| d.code == "NO_EXIT_LOOP")
            .map(|d| (d.location, d.message))
            .collect()
    }

    #[test]
    fn reports_a_loop_with_no_way_out() {
        let d = warnings(
            r#"{"StartAt":"Start","States":{"Start":{"Type":"Pass","Next":"Poll"},
               "Poll":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Next":"Wait"},
               "Wait":{"Type":"Wait","Seconds":10,"Next":"Poll"},"Done":{"Type":"Succeed"}}}"#,
        );
        assert_eq!(
            d,
            [(
                "/States/Poll".to_string(),
                "States \"Poll\", \"Wait\" loop forever: no path from them leads to a state that ends the execution".to_string()
            )]
        );
    }

    #[test]
    fn reports_a_self_loop_in_a_map_processor() {
        let d = warnings(
            r#"{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"Spin",
               "States":{"Spin":{"Type":"Pass","Next":"Spin"}}}}}}"#,
        );
        assert_eq!(
            d,
            [(
                "/States/M/ItemProcessor/States/Spin".to_string(),
                "State \"Spin\" loops forever: no path from it leads to a state that ends the execution".to_string()
            )]
        );
    }

    #[test]
    fn choice_rules_and_catchers_are_ways_out() {
        assert!(
            warnings(
                r#"{"StartAt":"Poll","States":{
                   "Poll":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Next":"Done?"},
                   "Done?":{"Type":"Choice","Choices":[{"Variable":"$.done","BooleanEquals":true,"Next":"Ok"}],"Default":"Wait"},
                   "Wait":{"Type":"Wait","Seconds":10,"Next":"Poll"},"Ok":{"Type":"Succeed"}}}"#
            )
            .is_empty()
        );
        assert!(
            warnings(
                r#"{"StartAt":"Poll","States":{
                   "Poll":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Next":"Wait",
                           "Catch":[{"ErrorEquals":["States.ALL"],"Next":"Failed"}]},
                   "Wait":{"Type":"Wait","Seconds":10,"Next":"Poll"},"Failed":{"Type":"Fail"}}}"#
            )
            .is_empty()
        );
    }

    #[test]
    fn a_choice_without_default_can_fail_out_of_the_loop() {
        assert!(
            warnings(
                r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"C"},
                   "C":{"Type":"Choice","Choices":[{"Variable":"$.x","IsPresent":true,"Next":"A"}]},
                   "E":{"Type":"Succeed"}}}"#
            )
            .is_empty()
        );
    }
}
