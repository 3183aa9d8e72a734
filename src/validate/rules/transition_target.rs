use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Severity, closest};
use crate::validate::Context;

declare_rule! {
    /// ## What it checks
    /// That `StartAt`, every `Next`, every Choice rule's `Next`, `Default` and
    /// every Catcher's `Next` name a state of the same scope: the top level, one
    /// Parallel branch, or one Map processor.
    ///
    /// ## Why
    /// AWS rejects the definition with `MISSING_TRANSITION_TARGET: Missing 'Next'
    /// target: X at /States/A/Next`. Transitions cannot cross scopes: a state in a
    /// Parallel branch cannot jump to a top-level state, nor the reverse.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}
    /// ```
    /// `B` does not exist: add it, or correct the name.
    pub static RULE = Rule {
        id: "transition-target",
        code: "MISSING_TRANSITION_TARGET",
        severity: Severity::Error,
        summary: "StartAt, Next, Default and Catch targets exist in the same scope",
        check,
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let m = ctx.machine;
    for scope in &m.scopes {
        let graph = &ctx.graphs()[scope.id];
        let index = &graph.index;
        let in_scope = |name: &str| index.contains_key(name);
        let elsewhere = |name: &str| {
            m.states
                .iter()
                .find(|s| s.name == name && s.scope != scope.id)
        };
        // AWS words every missing target the same way, `StartAt` and `Default` included:
        // "Missing 'Next' target: X at /StartAt".
        let mut report = |name: &str, pointer: String, span| {
            let mut d = RULE
                .diag(
                    pointer.clone(),
                    span,
                    format!("Missing 'Next' target: {name} at {pointer}"),
                )
                .with_label("no such state in this scope");
            d = match elsewhere(name) {
                Some(other) => d.with_help(format!(
                    "'{name}' is defined at {}, in another scope: transitions cannot enter or leave a Parallel branch or Map processor",
                    other.pointer
                )),
                None => match closest(name, scope.states.iter().map(|&s| m.states[s].name)) {
                    Some(similar) => d.with_help(format!("did you mean '{similar}'?")),
                    None => d.with_help(format!("add a state named '{name}' to this scope, or correct the name")),
                },
            };
            out.push(d);
        };
        // With no States at all, the schema's "These fields are required: [States]"
        // is the one problem, as AWS reports it: not also a missing StartAt target.
        if let Some(start) = &scope.start_at
            && !scope.states.is_empty()
            && !in_scope(start.value)
        {
            report(
                start.value,
                format!("{}/StartAt", scope.pointer),
                start.span,
            );
        }
        // The graph knows which states have a target outside the scope: only theirs are looked up again.
        for (i, &sid) in scope.states.iter().enumerate() {
            if !graph.dangling[i] {
                continue;
            }
            let state = &m.states[sid];
            for (target, via) in state.targets() {
                if !in_scope(target.value) {
                    report(target.value, state.transition_pointer(via), target.span);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::testing::{codes_of, diags_of};

    #[test]
    fn missing_next_target_is_reported_as_aws_does() {
        let d = diags_of(
            r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Bee"},"B":{"Type":"Pass","End":true}}}"#,
        );
        let missing: Vec<_> = d
            .iter()
            .filter(|d| d.message.starts_with("Missing"))
            .collect();
        assert_eq!(missing.len(), 1);
        assert_eq!(
            missing[0].message,
            "Missing 'Next' target: Bee at /States/A/Next"
        );
        assert_eq!(missing[0].location, "/States/A/Next");
        assert_eq!(missing[0].help.as_deref(), Some("did you mean 'B'?"));
    }

    #[test]
    fn a_missing_start_at_target_is_worded_as_aws_words_it() {
        let d = diags_of(r#"{"StartAt":"run_step","States":{"A":{"Type":"Succeed"}}}"#);
        assert!(d.iter().any(
            |d| d.message == "Missing 'Next' target: run_step at /StartAt"
                && d.location == "/StartAt"
        ));
    }

    #[test]
    fn jumping_out_of_a_branch_is_reported() {
        let d = diags_of(
            r#"{"StartAt":"P","States":{"P":{"Type":"Parallel","Next":"Done","Branches":[
              {"StartAt":"X","States":{"X":{"Type":"Pass","Next":"Done"}}}]},"Done":{"Type":"Succeed"}}}"#,
        );
        let d: Vec<_> = d
            .iter()
            .filter(|d| d.message.starts_with("Missing"))
            .collect();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].location, "/States/P/Branches/0/States/X/Next");
        assert!(d[0].help.as_ref().unwrap().contains("another scope"));
    }

    #[test]
    fn start_at_default_and_catch_targets_are_checked() {
        let codes = codes_of(
            r#"{"StartAt":"Nope","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.a","IsPresent":true,"Next":"T"}],"Default":"Gone"},
              "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,"Catch":[{"ErrorEquals":["States.ALL"],"Next":"Lost"}]}}}"#,
        );
        assert!(
            codes
                .iter()
                .filter(|c| **c == "MISSING_TRANSITION_TARGET")
                .count()
                >= 3,
            "{codes:?}"
        );
    }

    #[test]
    fn valid_targets_pass() {
        assert!(codes_of(r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Succeed"}}}"#).is_empty());
    }
}
