use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::validate::Context;

declare_rule! {
    /// ## What it checks
    /// That every state that something names can also be reached from its
    /// scope's `StartAt` by following `Next`, Choice rules, `Default` and Catchers.
    ///
    /// ## Why
    /// AWS only refuses states that nothing names (`unreachable-state`). A state
    /// named only by other unreachable states, such as a small loop nothing enters,
    /// is accepted but can never run: it is dead code, usually left over from an
    /// edit.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {
    ///   "A": {"Type": "Succeed"},
    ///   "B": {"Type": "Pass", "Next": "C"},
    ///   "C": {"Type": "Pass", "Next": "B"}}}
    /// ```
    /// `B` and `C` name each other, but nothing leads to them from `A`.
    pub static RULE = Rule {
        id: "unreachable-from-start",
        code: "UNREACHABLE_STATE",
        severity: Severity::Warning,
        summary: "Every state can be reached from its scope's StartAt",
        check,
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let m = ctx.machine;
    for scope in &m.scopes {
        let g = &ctx.graphs()[scope.id];
        // Without a valid StartAt everything is unreachable; `transition-target` says why.
        let Some(start) = g.start else { continue };
        let reachable = g.reachable([start]);
        // States nothing names at all are `unreachable-state`'s errors.
        let mut named = vec![false; g.len()];
        named[start] = true;
        for &t in g.targets() {
            named[t] = true;
        }
        for i in 0..g.len() {
            if reachable[i] || !named[i] {
                continue;
            }
            let state = &m.states[g.ids[i]];
            out.push(
                RULE.diag(
                    state.pointer.clone(),
                    state.name_span,
                    format!(
                        "State \"{}\" can never run: only unreachable states lead to it",
                        state.name
                    ),
                )
                .with_label("not reachable from StartAt")
                .with_help(format!(
                    "connect it to the states that run (from {}), or remove it and the states leading to it",
                    scope
                        .start_at
                        .as_ref()
                        .map(|s| format!("'{}'", s.value))
                        .unwrap_or_default()
                )),
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
            .filter(|d| d.code == "UNREACHABLE_STATE")
            .map(|d| (d.location, d.message))
            .collect()
    }

    #[test]
    fn reports_a_loop_nothing_enters() {
        let d = warnings(
            r#"{"StartAt":"A","States":{"A":{"Type":"Succeed"},
               "B":{"Type":"Pass","Next":"C"},"C":{"Type":"Pass","Next":"B"}}}"#,
        );
        assert_eq!(
            d,
            [
                (
                    "/States/B".to_string(),
                    "State \"B\" can never run: only unreachable states lead to it".to_string()
                ),
                (
                    "/States/C".to_string(),
                    "State \"C\" can never run: only unreachable states lead to it".to_string()
                )
            ]
        );
    }

    #[test]
    fn reports_states_behind_an_unreachable_state_in_a_map() {
        let d = warnings(
            r#"{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"I","States":{
                "I":{"Type":"Succeed"},"Orphan":{"Type":"Pass","Next":"Behind"},"Behind":{"Type":"Succeed"}}}}}}"#,
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].0, "/States/M/ItemProcessor/States/Behind");
    }

    #[test]
    fn states_on_a_path_from_start_are_fine() {
        assert!(
            warnings(
                r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Choice",
                   "Choices":[{"Variable":"$.x","IsPresent":true,"Next":"A"}],"Default":"C"},"C":{"Type":"Succeed"}}}"#
            )
            .is_empty()
        );
    }

    #[test]
    fn a_missing_start_at_is_left_to_other_rules() {
        assert!(
            warnings(
                r#"{"StartAt":"Nope","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Succeed"}}}"#
            )
            .is_empty()
        );
    }
}
