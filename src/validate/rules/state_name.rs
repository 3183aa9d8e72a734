use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::validate::Context;

/// AWS's limit on state names, in characters.
pub const MAX_STATE_NAME: usize = 80;

declare_rule! {
    /// ## What it checks
    /// That every state name, at the top level, in every Parallel branch and in
    /// every Map processor, is 1 to 80 characters long.
    ///
    /// ## Why
    /// AWS refuses the definition: `INVALID_STATE_NAME: Invalid State name: State
    /// 'X' exceeds the 80-character limit allowed by the service`. State names
    /// appear in the execution history, which limits them to 80 characters.
    /// Spaces and punctuation are allowed in state names (only CloudWatch Logs
    /// prefers `0-9`, `A-Z`, `a-z`, `-` and `_`), so they are not reported.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "Validate the order, reserve the stock and charge the card of the customer now",
    ///  "States": {"Validate the order, reserve the stock and charge the card of the customer now":
    ///    {"Type": "Succeed"}}}
    /// ```
    /// The name has 81 characters: shorten it (and every `Next` naming it).
    pub static RULE = Rule {
        id: "state-name",
        code: "INVALID_STATE_NAME",
        severity: Severity::Error,
        summary: "State names are 1 to 80 characters long",
        check,
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for state in &ctx.machine.states {
        // Characters, not bytes: AWS counts `é` once.
        let len = state.name.chars().count();
        if len > MAX_STATE_NAME {
            out.push(
                RULE.diag(
                    state.pointer.clone(),
                    state.name_span,
                    format!(
                        "Invalid State name: State '{}' exceeds the {MAX_STATE_NAME}-character limit allowed by the service",
                        state.name
                    ),
                )
                .with_label(format!("{len} characters"))
                .with_help(format!(
                    "shorten the name to at most {MAX_STATE_NAME} characters, and every StartAt, Next and Default naming it"
                )),
            );
        } else if len == 0 {
            out.push(
                RULE.diag(
                    state.pointer.clone(),
                    state.name_span,
                    "Invalid State name: a state name must not be empty",
                )
                .with_label("empty name")
                .with_help("give the state a name of 1 to 80 characters"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::testing::diags_of;

    fn named(name: &str) -> String {
        format!(r#"{{"StartAt":"{name}","States":{{"{name}":{{"Type":"Succeed"}}}}}}"#)
    }

    #[test]
    fn reports_a_name_over_80_characters() {
        let long = "x".repeat(81);
        let d: Vec<_> = diags_of(&named(&long))
            .into_iter()
            .filter(|d| d.code == "INVALID_STATE_NAME")
            .collect();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].location, format!("/States/{long}"));
        assert_eq!(
            d[0].message,
            format!(
                "Invalid State name: State '{long}' exceeds the 80-character limit allowed by the service"
            )
        );
    }

    #[test]
    fn reports_a_long_name_inside_a_branch() {
        let long = "b".repeat(90);
        let json = format!(
            r#"{{"StartAt":"P","States":{{"P":{{"Type":"Parallel","End":true,"Branches":[
               {{"StartAt":"{long}","States":{{"{long}":{{"Type":"Succeed"}}}}}}]}}}}}}"#
        );
        let d: Vec<_> = diags_of(&json)
            .into_iter()
            .filter(|d| d.code == "INVALID_STATE_NAME")
            .collect();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].location, format!("/States/P/Branches/0/States/{long}"));
    }

    #[test]
    fn reports_an_empty_name() {
        let d: Vec<_> = diags_of(&named(""))
            .into_iter()
            .filter(|d| d.code == "INVALID_STATE_NAME")
            .collect();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].location, "/States/");
        assert_eq!(
            d[0].message,
            "Invalid State name: a state name must not be empty"
        );
    }

    #[test]
    fn accepts_80_characters_spaces_and_multibyte_letters() {
        let exact = "é".repeat(80);
        assert!(diags_of(&named(&exact)).is_empty());
        assert!(diags_of(&named("Charge the card (retry #2) - ok?")).is_empty());
    }
}
