use crate::dataflow::sites;
use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::validate::Context;

declare_rule! {
    /// ## What it checks
    /// That in the payload templates of a JSONPath state (`Parameters`,
    /// `ResultSelector`, `ItemSelector`, `Assign`, `Credentials`,
    /// `ItemReader.Parameters`, `ResultWriter.Parameters`, `ItemBatcher.BatchInput`,
    /// at any depth) every field whose name ends in `.$` holds a string that is a
    /// path (`$.a`), a context path (`$$.Execution.Id`), a variable (`$name`) or an
    /// intrinsic function call (`States.Format('{}', $.a)`).
    ///
    /// ## Why
    /// AWS refuses to create the state machine: `The value for the field 'x.$'
    /// must be a valid JSONPath or a valid intrinsic function call`. The `.$`
    /// suffix means "evaluate this"; a literal cannot be evaluated.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true,
    ///   "Parameters": {"name.$": "customer"}}}}
    /// ```
    /// Write `"name.$": "$.customer"` to read the input, or `"name": "customer"` for the literal text.
    pub static RULE = Rule {
        id: "payload-template",
        code: "SCHEMA_VALIDATION_FAILED",
        severity: Severity::Error,
        summary: "Fields ending in .$ hold a valid path or intrinsic function call",
        check,
    };
}

const HELP: &str = "a field ending in '.$' takes a path ('$.a'), a context path ('$$.Execution.Id'), a variable ('$name') or an intrinsic function call ('States.Format(...)'); for a literal value, drop the '.$'";

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let source = &ctx.definition.source.text;
    let analysis = ctx.analysis();
    for field in &analysis.fields {
        if !field.is_dynamic() {
            continue;
        }
        let key = &field.entry.key;
        let value = &field.entry.value;
        let message = || {
            format!(
                "The value for the field '{key}' must be a valid JSONPath or a valid intrinsic function call"
            )
        };
        match analysis.dynamic(field) {
            None if sites::is_cfn_intrinsic(value) => {}
            None => out.push(
                RULE.diag(
                    analysis.pointer(field.at),
                    value.span,
                    format!("{}, not {}", message(), value.type_name()),
                )
                .with_label("not a path or intrinsic call")
                .with_help(HELP),
            ),
            Some(Err((offset, detail))) => out.push(
                RULE.diag(
                    analysis.pointer(field.at),
                    sites::char_span(source, value, *offset),
                    format!("{}: {detail}", message()),
                )
                .with_label("not a path or intrinsic call")
                .with_help(HELP),
            ),
            Some(Ok(_)) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::testing::diags_of;

    fn ours(json: &str) -> Vec<crate::diagnostic::Diagnostic> {
        diags_of(json)
            .into_iter()
            .filter(|d| {
                d.message
                    .contains("must be a valid JSONPath or a valid intrinsic")
            })
            .collect()
    }

    fn pass(fields: &str) -> String {
        format!(r#"{{"StartAt":"A","States":{{"A":{{"Type":"Pass","End":true,{fields}}}}}}}"#)
    }

    #[test]
    fn a_literal_in_a_dollar_field_is_an_error() {
        let text = pass(r#""Parameters":{"name.$":"customer"}"#);
        let d = ours(&text);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, "SCHEMA_VALIDATION_FAILED");
        assert_eq!(d[0].location, "/States/A/Parameters/name.$");
        assert_eq!(
            d[0].message,
            "The value for the field 'name.$' must be a valid JSONPath or a valid intrinsic function call: expected '(' after 'customer'"
        );
    }

    #[test]
    fn errors_deep_in_templates_point_inside_the_string() {
        let text = pass(r#""Parameters":{"a":[{"b":{"c.$":"$.x[0"}}]},"ResultSelector":{"n.$":5}"#);
        let d = ours(&text);
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(d[0].location, "/States/A/Parameters/a/0/b/c.$");
        assert_eq!(&text[d[0].span.start..d[0].span.end], "[");
        assert!(d[0].message.ends_with("'[' is never closed"));
        assert_eq!(d[1].location, "/States/A/ResultSelector/n.$");
        assert!(d[1].message.ends_with("call, not number"));
    }

    #[test]
    fn assign_credentials_and_catch_assign_are_templates() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true,
            "Assign":{"v.$":"nope"},"Credentials":{"RoleArn.$":"$$.x."},
            "Catch":[{"ErrorEquals":["States.ALL"],"Next":"A","Assign":{"e.$":"States.Format('x'"}}]}}}"#;
        let locs: Vec<_> = ours(text).iter().map(|d| d.location.clone()).collect();
        assert_eq!(
            locs,
            [
                "/States/A/Assign/v.$",
                "/States/A/Credentials/RoleArn.$",
                "/States/A/Catch/0/Assign/e.$"
            ]
        );
    }

    #[test]
    fn valid_templates_pass() {
        let text = pass(
            r#""Parameters":{"a.$":"$","b.$":"$$.Map.Item.Value","c.$":"$var.x","d.$":"States.Format('{}', $.a)",
               "e":{"f.$":"$.items[?(@.n > 1)]"},"g":"literal","h.$":"$['Test\\\"\"Name\"']","i.$":{"Fn::Sub":"${X}"}}"#,
        );
        assert!(ours(&text).is_empty(), "{:?}", ours(&text));
        // Result is static: its .$ fields are not evaluated (PASS_RESULT_IS_STATIC warns instead).
        assert!(ours(&pass(r#""Result":{"x.$":"ConditionTrue"}"#)).is_empty());
        // JSONata states have no .$ templates.
        let jsonata = r#"{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","End":true,"Assign":{"x":"{% 1 %}"}}}}"#;
        assert!(ours(jsonata).is_empty());
    }
}
