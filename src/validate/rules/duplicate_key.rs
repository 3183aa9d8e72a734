use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::load::{Entry, Node, NodeKind, pointer_token};
use crate::validate::Context;

declare_rule! {
    /// ## What it checks
    /// That no JSON object in the definition has the same key twice, such as two
    /// `Next` fields in one state or two `Parameters`.
    ///
    /// ## Why
    /// JSON leaves it open which of the two values counts: many parsers keep
    /// the last, `sfn` keeps the first, and an editor's merge or a copy-paste
    /// that duplicated a field rarely meant either. The local run and AWS may
    /// then follow different values. A state name used twice is reported as
    /// `DUPLICATE_STATE_NAME` instead.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "A", "States": {
    ///   "A": {"Type": "Pass", "Next": "B", "Next": "C"},
    ///   "B": {"Type": "Succeed"}, "C": {"Type": "Succeed"}}}
    /// ```
    /// Keep one `Next`.
    pub static RULE = Rule {
        id: "duplicate-key",
        code: "DUPLICATE_KEY",
        severity: Severity::Warning,
        summary: "No object has the same key twice",
        check,
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let mut repeated = Vec::new();
    walk(ctx.root(), false, &mut repeated);
    for (first, later) in repeated {
        let (line, column) = ctx.definition.source.line_col(first.key_span.start);
        let mut tokens = Vec::new();
        path_to(ctx.root(), later, &mut tokens);
        let pointer: String = tokens.iter().map(|t| format!("/{t}")).collect();
        out.push(
            RULE.diag(
                pointer,
                later.key_span,
                format!("'{}' is given twice in this object", later.key),
            )
            .with_label("again")
            .with_help(format!(
                "remove one of the two: sfn uses the first (line {line}, column {column}); other JSON parsers may take this one"
            )),
        );
    }
}

/// Collects `(first, repeated)` members of the objects under `node`; `is_states`
/// tells a `States` object, whose repeated keys are repeated state names.
fn walk<'a>(node: &'a Node, is_states: bool, repeated: &mut Vec<(&'a Entry, &'a Entry)>) {
    match &node.kind {
        NodeKind::Object(entries) => {
            if !is_states {
                repeats(entries, repeated);
            }
            // Scalars hold no objects: most members are not walked into at all.
            for e in entries {
                if is_container(&e.value) {
                    walk(&e.value, e.is("States"), repeated);
                }
            }
        }
        NodeKind::Array(items) => items
            .iter()
            .filter(|i| is_container(i))
            .for_each(|i| walk(i, false, repeated)),
        _ => {}
    }
}

fn is_container(node: &Node) -> bool {
    matches!(node.kind, NodeKind::Object(_) | NodeKind::Array(_))
}

/// Every tree walks through here, once per object: a bit per key's length and
/// end bytes tells at once the objects (nearly all) where no key can repeat.
fn repeats<'a>(entries: &'a [Entry], repeated: &mut Vec<(&'a Entry, &'a Entry)>) {
    let mut seen = 0u64;
    let mut maybe = false;
    for e in entries {
        let k = e.key.as_bytes();
        let (first, last) = (k.first().copied(), k.last().copied());
        let hash = k.len() * 31 + first.unwrap_or(0) as usize * 7 + last.unwrap_or(0) as usize;
        let bit = 1u64 << (hash % 64);
        maybe |= seen & bit != 0;
        seen |= bit;
    }
    if !maybe {
        return;
    }
    for (i, later) in entries.iter().enumerate().skip(1) {
        // A key given three times is reported at its second and third places.
        if let Some(first) = entries[..i].iter().find(|e| e.is(&later.key)) {
            repeated.push((first, later));
        }
    }
}

/// The pointer tokens from `node` down to the member `target`.
fn path_to(node: &Node, target: &Entry, tokens: &mut Vec<String>) -> bool {
    match &node.kind {
        NodeKind::Object(entries) => entries.iter().any(|e| {
            tokens.push(pointer_token(&e.key));
            if std::ptr::eq(e, target) || path_to(&e.value, target, tokens) {
                return true;
            }
            tokens.pop();
            false
        }),
        NodeKind::Array(items) => items.iter().enumerate().any(|(i, item)| {
            tokens.push(i.to_string());
            if path_to(item, target, tokens) {
                return true;
            }
            tokens.pop();
            false
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::testing::{codes_of, diags_of};

    #[test]
    fn reports_a_field_given_twice_in_a_state() {
        let bad = r#"{"StartAt":"A","States":{
            "A":{"Type":"Pass","Next":"B","Next":"C"},
            "B":{"Type":"Succeed"},"C":{"Type":"Succeed"}}}"#;
        let diags = diags_of(bad);
        let d = diags.iter().find(|d| d.code == "DUPLICATE_KEY").unwrap();
        assert_eq!(d.location, "/States/A/Next");
        assert_eq!(d.message, "'Next' is given twice in this object");
    }

    #[test]
    fn reports_a_key_inside_parameters_and_arrays() {
        let bad = r#"{"StartAt":"A","States":{"A":{"Type":"Pass",
            "Parameters":{"list":[{"x":1,"x/y":2,"x/y":3}]},"End":true}}}"#;
        let diags = diags_of(bad);
        let d = diags.iter().find(|d| d.code == "DUPLICATE_KEY").unwrap();
        assert_eq!(d.location, "/States/A/Parameters/list/0/x~1y");
    }

    #[test]
    fn a_state_name_given_twice_is_a_duplicate_state_name_only() {
        let bad = r#"{"StartAt":"A","States":{"A":{"Type":"Succeed"},"A":{"Type":"Succeed"}}}"#;
        assert_eq!(codes_of(bad), ["DUPLICATE_STATE_NAME"]);
    }

    #[test]
    fn accepts_distinct_keys() {
        let good = r#"{"StartAt":"A","States":{"A":{"Type":"Pass",
            "Parameters":{"a":1,"a.$":"$.b"},"End":true}}}"#;
        assert!(!codes_of(good).contains(&"DUPLICATE_KEY"));
    }
}
