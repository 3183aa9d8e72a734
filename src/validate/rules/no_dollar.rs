use crate::dataflow::sites;
use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::validate::Context;

declare_rule! {
    /// ## What it checks
    /// Fields of a payload template (`Parameters`, `ResultSelector`,
    /// `ItemSelector`, `Assign`, ...) of a JSONPath state whose name does not end
    /// in `.$` but whose value looks like a path (`$.order.id`, `$$.Execution.Id`)
    /// or an intrinsic function call (`States.Format(...)`).
    ///
    /// ## Why
    /// Without `.$` the value is passed on as the literal text `"$.order.id"`,
    /// which is rarely what was meant. AWS reports this warning as
    /// `NO_DOLLAR: No .$ on a field that appears to be a JSONPath or Intrinsic Function`.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true,
    ///   "Parameters": {"orderId": "$.order.id"}}}}
    /// ```
    /// Write `"orderId.$": "$.order.id"` to pass the value at that path.
    pub static RULE = Rule {
        id: "no-dollar",
        code: "NO_DOLLAR",
        severity: Severity::Warning,
        summary: "A template field whose value looks like a path or intrinsic call lacks .$",
        check,
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let analysis = ctx.analysis();
    for field in &analysis.fields {
        if field.is_dynamic() {
            continue;
        }
        let key = &field.entry.key;
        let Some(what) = field.entry.value.as_str().and_then(sites::appears_dynamic) else {
            continue;
        };
        out.push(
            RULE.diag(
                analysis.pointer(field.at),
                field.entry.key_span,
                format!("No .$ on the field '{key}', whose value appears to be {what}"),
            )
            .with_label("evaluated only with a .$ suffix")
            .with_help(format!(
                "rename the field to '{key}.$' to use the value it selects; keep '{key}' to pass the text as it is"
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::testing::diags_of;

    fn ours(json: &str) -> Vec<crate::diagnostic::Diagnostic> {
        diags_of(json)
            .into_iter()
            .filter(|d| d.code == "NO_DOLLAR")
            .collect()
    }

    #[test]
    fn a_path_without_dollar_suffix_warns_on_the_key() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","End":true,"Parameters":{"x":{"orderId":"$.order.id"},"f":"States.UUID()"}}}}"#;
        let d = ours(text);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].location, "/States/A/Parameters/x/orderId");
        assert_eq!(
            d[0].message,
            "No .$ on the field 'orderId', whose value appears to be a JSONPath"
        );
        assert_eq!(&text[d[0].span.start..d[0].span.end], "\"orderId\"");
        assert_eq!(
            d[1].message,
            "No .$ on the field 'f', whose value appears to be an intrinsic function"
        );
    }

    #[test]
    fn literals_and_dollar_fields_do_not_warn() {
        let text = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","End":true,"Parameters":{"price":"$100","cur":"$","id.$":"$.id","t":"hello $.x"}}}}"#;
        assert!(ours(text).is_empty());
        let jsonata = r#"{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","End":true,"Output":{"a":"$.x"}}}}"#;
        assert!(ours(jsonata).is_empty());
    }
}
