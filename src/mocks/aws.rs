//! AWS Step Functions Local's mock configuration file, read unchanged.

use std::collections::BTreeMap;

use super::{Entry, INVALID_MOCKS, Outcome, Response, Responses, StateMock, bad, read_throw};
use crate::diagnostic::Diagnostic;
use crate::load::{Node, pointer_token};

pub(super) fn is_aws_format(root: &Node) -> bool {
    root.get("StateMachines").is_some() || root.get("MockedResponses").is_some()
}

pub(super) fn read(
    root: &Node,
    test_case: Option<&str>,
    machine_names: &[String],
) -> Result<BTreeMap<String, StateMock>, Vec<Diagnostic>> {
    let need = |key: &str| -> Result<&Node, Vec<Diagnostic>> {
        root.get(key)
            .filter(|n| n.as_object().is_some())
            .ok_or_else(|| {
                vec![bad(
                    root,
                    "",
                    format!("a mock configuration needs a '{key}' object"),
                    "see AWS's \"Using mocked service integrations\" for the MockConfigFile format",
                )]
            })
    };
    let machines = need("StateMachines")?;
    let responses = need("MockedResponses")?;
    let machine_entries = machines.as_object().unwrap_or_default();
    let chosen = machine_names
        .iter()
        .find_map(|n| machine_entries.iter().find(|e| e.key == n))
        .or(if machine_entries.len() == 1 {
            machine_entries.first()
        } else {
            None
        });
    let Some(machine) = chosen else {
        let known: Vec<&str> = machine_entries.iter().map(|e| e.key.as_str()).collect();
        return Err(vec![bad(
            machines,
            "/StateMachines",
            // The names after the first are fallbacks any definition answers to.
            format!(
                "no state machine named '{}' in the mock configuration",
                machine_names.first().map_or("", String::as_str)
            ),
            format!(
                "rename one of {} to '{}', the definition's name{}, or keep a single state machine in the file (it is then used whatever its name)",
                quoted_strs(&known),
                machine_names.first().map_or("", String::as_str),
                match machine_names.get(1..) {
                    Some(others) if !others.is_empty() => format!(
                        " (or to {}, which any definition answers to)",
                        quoted(others)
                    ),
                    _ => String::new(),
                }
            ),
        )]);
    };
    let mp = format!("/StateMachines/{}", pointer_token(&machine.key));
    let Some(cases) = machine.value.get("TestCases").and_then(Node::as_object) else {
        return Err(vec![bad(
            &machine.value,
            &mp,
            format!("state machine '{}' has no 'TestCases' object", machine.key),
            "add TestCases: {CaseName: {StateName: ResponseName}}",
        )]);
    };
    let case = match test_case {
        Some(name) => cases.iter().find(|c| c.key == name),
        None if cases.len() == 1 => cases.first(),
        None => None,
    };
    let Some(case) = case else {
        let known: Vec<&str> = cases.iter().map(|c| c.key.as_str()).collect();
        let message = match test_case {
            Some(name) => format!("no test case '{name}' for state machine '{}'", machine.key),
            None => format!(
                "state machine '{}' has {} test cases: pick one",
                machine.key,
                known.len()
            ),
        };
        return Err(vec![bad(
            &machine.value,
            &mp,
            message,
            format!("pass --test-case with one of {}", quoted_strs(&known)),
        )]);
    };
    let cp = format!("{mp}/TestCases/{}", pointer_token(&case.key));
    let mut errs = Vec::new();
    let mut states = BTreeMap::new();
    let Some(mapped) = case.value.as_object() else {
        return Err(vec![bad(
            &case.value,
            &cp,
            "a test case maps state names to mocked response names (an object)",
            "write {\"StateName\": \"MockedResponseName\"}",
        )]);
    };
    for s in mapped {
        let p = format!("{cp}/{}", pointer_token(&s.key));
        let Some(name) = s.value.as_str() else {
            errs.push(bad(
                &s.value,
                &p,
                "a test case maps a state name to a response name (a string)",
                "write \"StateName\": \"MockedResponseName\"",
            ));
            continue;
        };
        let Some(resp) = responses.get(name) else {
            let known: Vec<&str> = responses
                .as_object()
                .unwrap_or_default()
                .iter()
                .map(|e| e.key.as_str())
                .collect();
            errs.push(bad(
                &s.value,
                &p,
                format!("no mocked response named '{name}'"),
                format!(
                    "define it under MockedResponses, or use one of {}",
                    quoted_strs(&known)
                ),
            ));
            continue;
        };
        let rp = format!("/MockedResponses/{}", pointer_token(name));
        if let Some(ranges) = read_ranges(resp, &rp, &mut errs) {
            states.insert(
                s.key.to_string(),
                StateMock {
                    span: s.key_span,
                    pointer: p,
                    responses: Responses::ByCall(ranges),
                },
            );
        }
    }
    if errs.is_empty() {
        Ok(states)
    } else {
        Err(errs)
    }
}

fn read_ranges(
    node: &Node,
    pointer: &str,
    errs: &mut Vec<Diagnostic>,
) -> Option<Vec<(u32, u32, Entry)>> {
    let Some(fields) = node.as_object() else {
        errs.push(bad(
            node,
            pointer,
            "a mocked response must be an object keyed by call number (\"0\", \"1-2\")",
            "write {\"0\": {\"Return\": {...}}}",
        ));
        return None;
    };
    if fields.is_empty() {
        errs.push(bad(
            node,
            pointer,
            "a mocked response needs a response for each call",
            "write {\"0\": {\"Return\": {...}}}",
        ));
        return None;
    }
    let mut out: Vec<(u32, u32, Entry)> = Vec::new();
    for f in fields {
        let p = format!("{pointer}/{}", pointer_token(&f.key));
        let Some((from, to)) = parse_range(&f.key) else {
            errs.push(
                Diagnostic::error(
                    INVALID_MOCKS,
                    p,
                    f.key_span,
                    format!("'{}' is not a call number or range", f.key),
                )
                .with_help("keys are 0-based call numbers (\"0\") or inclusive ranges (\"1-2\")"),
            );
            continue;
        };
        if let Some((a, b, _)) = out.iter().find(|(a, b, _)| from <= *b && *a <= to) {
            let earlier = if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            };
            errs.push(
                Diagnostic::error(
                    INVALID_MOCKS,
                    p,
                    f.key_span,
                    format!("'{}' gives calls that \"{earlier}\" gives already", f.key),
                )
                .with_help("give each call number one response"),
            );
            continue;
        }
        if let Some(other) = f
            .value
            .as_object()
            .unwrap_or_default()
            .iter()
            .find(|e| e.key != "Return" && e.key != "Throw")
        {
            errs.push(
                Diagnostic::error(
                    INVALID_MOCKS,
                    format!("{p}/{}", pointer_token(&other.key)),
                    other.key_span,
                    format!("unknown field '{}' in a mocked response", other.key),
                )
                .with_help("a call's response has 'Return' or 'Throw'"),
            );
            continue;
        }
        let ret = f.value.get("Return");
        let throw = f.value.get("Throw");
        let outcome = match (ret, throw) {
            (Some(r), None) => Some(Outcome::Return(r.to_value())),
            (None, Some(t)) => read_throw(t, &format!("{p}/Throw"), ("Error", "Cause"), errs),
            _ => {
                errs.push(bad(
                    &f.value,
                    &p,
                    "each call's response needs exactly one of 'Return' or 'Throw'",
                    "write {\"Return\": {...}} or {\"Throw\": {\"Error\": ..., \"Cause\": ...}}",
                ));
                None
            }
        };
        if let Some(outcome) = outcome {
            out.push((
                from,
                to,
                Entry {
                    when: None,
                    response: Response {
                        outcome,
                        delay: 0.0,
                    },
                },
            ));
        }
    }
    Some(out)
}

fn parse_range(key: &str) -> Option<(u32, u32)> {
    match key.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
            (a <= b).then_some((a, b))
        }
        None => key.trim().parse().ok().map(|n| (n, n)),
    }
}

fn quoted(names: &[String]) -> String {
    quoted_strs(&names.iter().map(String::as_str).collect::<Vec<_>>())
}

fn quoted_strs(names: &[&str]) -> String {
    if names.is_empty() {
        return "(none)".into();
    }
    names
        .iter()
        .map(|n| format!("'{n}'"))
        .collect::<Vec<_>>()
        .join(", ")
}
