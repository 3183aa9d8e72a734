use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::StateType;
use crate::validate::Context;

declare_rule! {
    /// ## What it checks
    /// That every Choice state has a `Default`.
    ///
    /// ## Why
    /// AWS accepts a Choice without `Default`, but when none of its rules matches
    /// the input the execution fails with `States.Runtime` (not the
    /// `States.NoChoiceMatched` of the specification), which no Catch
    /// can handle (a Choice state has no Catch). Inputs missing a field, or with a
    /// value of an unexpected type, are the usual cause.
    ///
    /// ## Example
    /// ```json
    /// "IsLarge": {"Type": "Choice",
    ///   "Choices": [{"Variable": "$.size", "NumericGreaterThan": 100, "Next": "Big"}]}
    /// ```
    /// Add `"Default": "Small"` (or a Fail state with a clear error).
    pub static RULE = Rule {
        id: "choice-default",
        code: "CHOICE_NO_DEFAULT",
        severity: Severity::Warning,
        summary: "Choice states have a Default",
        check,
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for state in &ctx.machine.states {
        // A Choice without `Choices` is a schema error; `Default` is the least of it.
        if !state.is(&StateType::Choice)
            || state.node.get("Default").is_some()
            || state.node.get("Choices").is_none()
        {
            continue;
        }
        out.push(
            RULE.diag(
                state.pointer.clone(),
                state.name_span,
                format!(
                    "Choice state \"{}\" has no Default: when no rule matches, the execution fails with States.Runtime",
                    state.name
                ),
            )
            .with_label("no Default")
            .with_help(
                "add \"Default\": naming the state to go to when no rule matches (a Fail state if that is an error)",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::testing::diags_of;

    fn warnings(json: &str) -> Vec<(String, String)> {
        diags_of(json)
            .into_iter()
            .filter(|d| d.code == "CHOICE_NO_DEFAULT")
            .map(|d| (d.location, d.message))
            .collect()
    }

    #[test]
    fn reports_a_choice_without_default() {
        assert_eq!(
            warnings(
                r#"{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[
                   {"Variable":"$.n","NumericGreaterThan":1,"Next":"S"}]},"S":{"Type":"Succeed"}}}"#
            ),
            [(
                "/States/C".to_string(),
                "Choice state \"C\" has no Default: when no rule matches, the execution fails with States.Runtime".to_string()
            )]
        );
    }

    #[test]
    fn reports_inside_a_parallel_branch() {
        let d = warnings(
            r#"{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"C","States":{
               "C":{"Type":"Choice","Choices":[{"Variable":"$.n","IsPresent":true,"Next":"S"}]},"S":{"Type":"Succeed"}}}]}}}"#,
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].0, "/States/P/Branches/0/States/C");
    }

    #[test]
    fn a_choice_with_default_is_fine() {
        assert!(
            warnings(
                r#"{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[
                   {"Variable":"$.n","NumericGreaterThan":1,"Next":"S"}],"Default":"S"},"S":{"Type":"Succeed"}}}"#
            )
            .is_empty()
        );
    }
}
