use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::validate::Context;
use crate::validate::rules::graph::NameMap;

declare_rule! {
    /// ## What it checks
    /// That every state name is used once in the whole state machine, across
    /// the top level, every Parallel branch and every Map processor.
    ///
    /// ## Why
    /// AWS refuses to create such a machine: state names identify states in the
    /// execution history and in `$$.State.Name`, so they must be unique
    /// machine-wide, not only within their `States` object.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "Work", "States": {
    ///   "Work": {"Type": "Parallel", "End": true, "Branches": [
    ///     {"StartAt": "Work", "States": {"Work": {"Type": "Pass", "End": true}}}]}}}
    /// ```
    /// Rename the inner `Work` (e.g. `WorkBranch`).
    pub static RULE = Rule {
        id: "duplicate-state-name",
        code: "DUPLICATE_STATE_NAME",
        severity: Severity::Error,
        summary: "State names are unique across the whole state machine",
        check,
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let mut first: NameMap<'_, usize> =
        NameMap::with_capacity_and_hasher(ctx.machine.states.len(), Default::default());
    for state in &ctx.machine.states {
        match first.get(state.name) {
            None => {
                first.insert(state.name, state.id);
            }
            Some(&earlier) => {
                let earlier = &ctx.machine.states[earlier];
                out.push(
                    RULE.diag(
                        state.pointer.clone(),
                        state.name_span,
                        format!("duplicate state name '{}' (first defined at {})", state.name, earlier.pointer),
                    )
                    .with_label("duplicate")
                    .with_help("state names must be unique across the whole machine, including Parallel branches and Map processors: rename one of them"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::testing::codes_of;

    #[test]
    fn reports_a_name_reused_in_a_branch() {
        let bad = r#"{"StartAt":"Work","States":{"Work":{"Type":"Parallel","End":true,"Branches":[
            {"StartAt":"Work","States":{"Work":{"Type":"Pass","End":true}}}]}}}"#;
        assert_eq!(codes_of(bad), ["DUPLICATE_STATE_NAME"]);
    }

    #[test]
    fn accepts_distinct_names() {
        let good = r#"{"StartAt":"Work","States":{"Work":{"Type":"Parallel","End":true,"Branches":[
            {"StartAt":"Inner","States":{"Inner":{"Type":"Pass","End":true}}}]}}}"#;
        assert!(codes_of(good).is_empty());
    }
}
