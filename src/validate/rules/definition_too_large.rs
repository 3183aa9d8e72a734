use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::load::Span;
use crate::validate::Context;

declare_rule! {
    /// ## What it checks
    /// That the definition AWS would receive is at most 1,048,576 characters: a
    /// definition file as it is written (white space counts), or, for a
    /// definition inside a template or written in YAML, its JSON text.
    ///
    /// ## Why
    /// "Maximum size of state machine definition: 1 MB" is a hard quota of Step
    /// Functions: `CreateStateMachine` refuses a longer `definition`, and no
    /// quota increase raises it.
    ///
    /// ## Example
    /// A chain of 30,000 Pass states in one file of 1.2 MB. Split the workflow
    /// into state machines that start one another (`states:startExecution`), or
    /// move repeated work into a Map state.
    pub static RULE = Rule {
        id: "definition-too-large",
        code: "DEFINITION_TOO_LARGE",
        severity: Severity::Error,
        summary: "The definition is at most 1,048,576 characters (a hard quota)",
        check,
    };
}

/// The longest `definition` `CreateStateMachine` takes.
pub const MAX_DEFINITION_CHARS: usize = 1_048_576;

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let definition = ctx.definition;
    let root = &definition.root;
    let text = &definition.source.text;
    // Bytes bound characters from above: most definitions stop here. YAML is
    // shorter than its JSON, but not by half.
    if root.span.len() <= MAX_DEFINITION_CHARS / 2 {
        return;
    }
    let written_as_json = definition.machine.is_none()
        && text[root.span.start..].starts_with('{')
        && !definition
            .source
            .path()
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml");
    let chars = if written_as_json {
        text.chars().count()
    } else {
        root.to_value().to_string().chars().count()
    };
    if chars <= MAX_DEFINITION_CHARS {
        return;
    }
    let what = if written_as_json {
        "this file"
    } else {
        "the definition's JSON text"
    };
    out.push(
        RULE.diag(
            "",
            Span::new(root.span.start, root.span.start + 1),
            format!(
                "The definition is {chars} characters long: AWS accepts at most {MAX_DEFINITION_CHARS} (1 MB, a hard quota)"
            ),
        )
        .with_label(format!("{what} is too long"))
        .with_help(
            "split the workflow into state machines that start one another, or move repeated states into a Map state",
        ),
    );
}

#[cfg(test)]
mod tests {
    use crate::validate::testing::{diags_at, diags_of};

    /// A Pass chain of `n` states, minified.
    fn chain(n: usize) -> String {
        let states: Vec<String> = (0..n)
            .map(|i| {
                if i + 1 == n {
                    format!(r#""S{i}":{{"Type":"Pass","End":true}}"#)
                } else {
                    format!(r#""S{i}":{{"Type":"Pass","Next":"S{}"}}"#, i + 1)
                }
            })
            .collect();
        format!(r#"{{"StartAt":"S0","States":{{{}}}}}"#, states.join(","))
    }

    #[test]
    fn a_definition_past_one_mebibyte_is_refused() {
        let json = chain(30_000);
        assert!(json.len() > 1_048_576);
        let d: Vec<_> = diags_of(&json)
            .into_iter()
            .filter(|d| d.code == "DEFINITION_TOO_LARGE")
            .collect();
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].message,
            format!(
                "The definition is {} characters long: AWS accepts at most 1048576 (1 MB, a hard quota)",
                json.len()
            )
        );
        assert_eq!((d[0].span.start, d[0].span.end), (0, 1));
    }

    /// White space counts in a JSON file (it is sent as written), not in YAML,
    /// which is sent as JSON.
    #[test]
    fn the_file_counts_as_written_and_yaml_as_its_json() {
        let json = chain(20_000);
        assert!(json.len() < 1_048_576);
        let codes = |path: &str, text: &str| -> Vec<&'static str> {
            diags_at(path, text)
                .into_iter()
                .map(|d| d.code)
                .filter(|c| *c == "DEFINITION_TOO_LARGE")
                .collect()
        };
        assert!(codes("def.json", &json).is_empty());
        let padded = format!("{json}{}", " ".repeat(1_048_576 - json.len() + 1));
        assert_eq!(codes("def.json", &padded), ["DEFINITION_TOO_LARGE"]);
        assert!(codes("def.yaml", &padded).is_empty());
    }
}
