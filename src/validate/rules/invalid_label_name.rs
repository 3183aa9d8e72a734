use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::StateType;
use crate::validate::Context;

declare_rule! {
    /// ## What it checks
    /// That a Map state's `Label` has at most 40 characters, none of them white
    /// space, `? *`, `< > { } [ ]`, ``: ; , \ | ^ ~ $ # % & ` "`` or a control
    /// character.
    ///
    /// ## Why
    /// A label goes into the name and ARN of each Map Run the state starts, so
    /// AWS's documentation limits its length and characters, and AWS refuses the
    /// definition with `INVALID_LABEL_NAME`.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true, "Label": "my label",
    ///   "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
    ///                     "StartAt": "P", "States": {"P": {"Type": "Succeed"}}}}}}
    /// ```
    /// Write `my-label`.
    pub static RULE = Rule {
        id: "invalid-label-name",
        code: "INVALID_LABEL_NAME",
        severity: Severity::Error,
        summary: "A Map state's Label is at most 40 characters, without white space or special characters",
        check,
    };
}

/// What a Map Run label may not hold, besides white space and control characters.
const LABEL_FORBIDDEN: &str = "?*<>{}[]:;,\\|^~$#%&`\"";

/// Why a label is refused, if it is.
fn label_problem(label: &str) -> Option<String> {
    let n = label.chars().count();
    if n > 40 {
        return Some(format!(
            "the label has {n} characters: AWS allows at most 40"
        ));
    }
    let c = label
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || LABEL_FORBIDDEN.contains(*c))?;
    Some(format!(
        "the label contains '{}', which AWS does not allow in a label",
        c.escape_default()
    ))
}

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for state in &ctx.machine.states {
        if !state.is(&StateType::Map) {
            continue;
        }
        let Some(node) = state.node.get("Label") else {
            continue;
        };
        let Some(problem) = node.as_str().and_then(label_problem) else {
            continue;
        };
        out.push(
            RULE.diag(
                format!("{}/Label", state.pointer),
                node.span,
                format!("Invalid Label name: {problem}"),
            )
            .with_label("not a valid Map Run label")
            .with_help(
                "keep it to 40 characters at most, without white space, ? *, < > { } [ ], : ; , \\ | ^ ~ $ # % & ` \" or control characters: it goes into each Map Run's ARN",
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(label: &str) -> Vec<Diagnostic> {
        crate::validate::testing::diags_of(&format!(
            r#"{{"StartAt":"A","States":{{"A":{{"Type":"Map","End":true,"Label":{label},"ItemProcessor":{{"ProcessorConfig":{{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"}},"StartAt":"P","States":{{"P":{{"Type":"Succeed"}}}}}}}}}}}}"#
        ))
    }

    /// AWS's documentation on the Distributed Map's `Label`: at most 40 characters,
    /// some characters refused.
    #[test]
    fn labels_are_short_and_plain() {
        for good in [
            format!("\"{}\"", "x".repeat(40)),
            r#""demo-Label_1.v2""#.into(),
        ] {
            assert_eq!(labels(&good), vec![], "{good}");
        }
        let d = labels(&format!("\"{}\"", "é".repeat(41)));
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(
            (d[0].code, d[0].location.as_str()),
            ("INVALID_LABEL_NAME", "/States/A/Label")
        );
        assert_eq!(
            d[0].message,
            "Invalid Label name: the label has 41 characters: AWS allows at most 40"
        );
        for (bad, shown) in [
            (r#""a b""#, "' '"),
            (r#""a:b""#, "':'"),
            (r#""a*""#, "'*'"),
            (r#""a\u0001""#, "'\\u{1}'"),
            (r#""a\"b""#, "'\\\"'"),
        ] {
            let d = labels(bad);
            assert_eq!(d.len(), 1, "{bad}");
            assert_eq!(
                d[0].message,
                format!(
                    "Invalid Label name: the label contains {shown}, which AWS does not allow in a label"
                ),
                "{bad}"
            );
        }
    }
}
