//! The native YAML form: `State: {return: ...}` or a list of such responses.

use std::collections::BTreeMap;

use super::{Entry, Outcome, Response, Responses, StateMock, bad, read_throw};
use crate::diagnostic::Diagnostic;
use crate::load::{Node, NodeKind, pointer_token};

/// The longest `TimeoutSeconds` and `HeartbeatSeconds` AWS accepts.
const MAX_DELAY_SECONDS: f64 = 99_999_999.0;

pub(super) fn read(root: &Node) -> Result<BTreeMap<String, StateMock>, Vec<Diagnostic>> {
    let mut errs = Vec::new();
    let mut states = BTreeMap::new();
    let Some(fields) = root.as_object() else {
        return Err(vec![bad(
            root,
            "",
            "a mocks file must be a mapping from state names to responses",
            "write `StateName: {return: {...}}`, or use AWS's MockConfigFile format",
        )]);
    };
    for f in fields {
        let pointer = format!("/{}", pointer_token(&f.key));
        let entries = match &f.value.kind {
            NodeKind::Array(items) => items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| entry(item, &format!("{pointer}/{i}"), &mut errs))
                .collect::<Vec<_>>(),
            NodeKind::Object(_) => entry(&f.value, &pointer, &mut errs).into_iter().collect(),
            _ => {
                errs.push(bad(
                    &f.value,
                    &pointer,
                    format!("the mock of '{}' must be a response or a list of responses, not {}", f.key, f.value.type_name()),
                    "write `return: {...}` or `throw: {error: ..., cause: ...}` under the state name",
                ));
                continue;
            }
        };
        if entries.is_empty()
            && matches!(f.value.kind, NodeKind::Array(_))
            && f.value.as_array().is_some_and(<[Node]>::is_empty)
        {
            errs.push(bad(
                &f.value,
                &pointer,
                format!("the mock of '{}' has no responses", f.key),
                "add at least one `- return: {...}`",
            ));
        }
        if let Some(dup) = states.insert(
            f.key.to_string(),
            StateMock {
                span: f.key_span,
                pointer: pointer.clone(),
                responses: Responses::Sequence(entries),
            },
        ) {
            let _ = dup;
            errs.push(
                Diagnostic::error(
                    super::INVALID_MOCKS,
                    pointer,
                    f.key_span,
                    format!("'{}' is mocked twice", f.key),
                )
                .with_help("merge the two into one list of responses"),
            );
        }
    }
    if errs.is_empty() {
        Ok(states)
    } else {
        Err(errs)
    }
}

fn entry(node: &Node, pointer: &str, errs: &mut Vec<Diagnostic>) -> Option<Entry> {
    let Some(fields) = node.as_object() else {
        errs.push(bad(
            node,
            pointer,
            format!("a response must be a mapping, not {}", node.type_name()),
            "write `return: {...}` or `throw: {error: ..., cause: ...}`",
        ));
        return None;
    };
    let before = errs.len();
    let mut outcome = None;
    let mut when = None;
    let mut delay = 0.0;
    for f in fields {
        let p = format!("{pointer}/{}", pointer_token(&f.key));
        match f.key.as_str() {
            "return" => outcome = Some(Outcome::Return(f.value.to_value())),
            "throw" => outcome = read_throw(&f.value, &p, ("error", "cause"), errs),
            "when" => {
                if f.value.as_object().is_none() {
                    errs.push(bad(
                        &f.value,
                        &p,
                        "'when' must be a mapping matched against the Task's input",
                        "write `when: {field: value}`",
                    ));
                }
                when = Some(f.value.to_value());
            }
            // Beyond the longest timeout AWS accepts a delay means nothing, and
            // `1e20` seconds overflowed the clock into a delay of zero.
            "delay" => match f.value.as_f64() {
                Some(d) if (0.0..=MAX_DELAY_SECONDS).contains(&d) => delay = d,
                _ => errs.push(bad(
                    &f.value,
                    &p,
                    "'delay' must be a number of seconds from 0 to 99999999 (the longest TimeoutSeconds AWS accepts)",
                    "write `delay: 30`",
                )),
            },
            other => errs.push(
                Diagnostic::error(
                    super::INVALID_MOCKS,
                    p,
                    f.key_span,
                    format!("unknown field '{other}' in a response"),
                )
                .with_help("a response has `return` or `throw`, and optionally `when` and `delay`"),
            ),
        }
    }
    if fields
        .iter()
        .filter(|f| f.key == "return" || f.key == "throw")
        .count()
        > 1
    {
        errs.push(bad(
            node,
            pointer,
            "a response has both 'return' and 'throw'",
            "keep one: a call either returns or throws",
        ));
    }
    if errs.len() > before {
        return None;
    }
    let Some(outcome) = outcome else {
        errs.push(bad(
            node,
            pointer,
            "a response needs 'return' or 'throw'",
            "add `return: {...}` (the service's raw response) or `throw: {error: ..., cause: ...}`",
        ));
        return None;
    };
    Some(Entry {
        when,
        response: Response { outcome, delay },
    })
}
