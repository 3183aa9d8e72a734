//! `ResultPath` (of a state or a Catcher): where the result goes in the
//! state's input.
//!
//! - absent: the result replaces the input;
//! - `null`: the result is discarded, the output is the input;
//! - a Reference Path (`$.a.b[0]`): the result is written there, creating the
//!   objects of missing names on the way (appended after the input's keys);
//!   an existing key keeps its place.
//!
//! Writing through a value that is not an object (or through a missing or
//! out-of-range array element) fails with `States.ReferencePathConflict`.

use serde_json::{Map, Value};

use super::eval::{EvalError, REFERENCE_PATH_CONFLICT, to_json_text};
use super::path::{Path, Root, Selector, render};

#[derive(Debug, Clone, PartialEq)]
pub enum ResultPathSpec {
    /// The field is absent: the result replaces the input.
    Default,
    /// `"ResultPath": null`: the output is the input.
    Discard,
    /// A Reference Path starting at `$`.
    Path(Path),
}

/// The state's output before `OutputPath`.
pub fn apply_result_path(
    input: &Value,
    result: Value,
    spec: &ResultPathSpec,
) -> Result<Value, EvalError> {
    match spec {
        ResultPathSpec::Default => Ok(result),
        ResultPathSpec::Discard => Ok(input.clone()),
        ResultPathSpec::Path(p) if p.segments.is_empty() && p.root == Root::Input => Ok(result),
        ResultPathSpec::Path(p) => {
            check(input, p)?;
            let mut output = input.clone();
            write(&mut output, p, result);
            Ok(output)
        }
    }
}

/// As [`apply_result_path`], taking the input by value (no copy of it).
pub fn apply_result_path_owned(
    input: Value,
    result: Value,
    spec: &ResultPathSpec,
) -> Result<Value, EvalError> {
    match spec {
        ResultPathSpec::Default => Ok(result),
        ResultPathSpec::Discard => Ok(input),
        ResultPathSpec::Path(p) if p.segments.is_empty() && p.root == Root::Input => Ok(result),
        ResultPathSpec::Path(p) => {
            check(&input, p)?;
            let mut output = input;
            write(&mut output, p, result);
            Ok(output)
        }
    }
}

fn mismatch(step: &str, input: &Value) -> EvalError {
    EvalError::new(
        REFERENCE_PATH_CONFLICT,
        format!(
            "Unable to apply step \"{step}\" to input {}",
            to_json_text(input)
        ),
    )
}

/// Whether the result can be written at `p`: checked on the input as it is,
/// so that a failure quotes the input unchanged.
fn check(input: &Value, p: &Path) -> Result<(), EvalError> {
    if p.root != Root::Input {
        return Err(EvalError::new(
            REFERENCE_PATH_CONFLICT,
            format!("The ResultPath '{}' must start with '$'", render(p)),
        ));
    }
    // `None`: the value is missing and will be created as an object.
    let mut cur: Option<&Value> = Some(input);
    for seg in &p.segments {
        if seg.descendant {
            return Err(mismatch(&render(p), input));
        }
        cur = match (&seg.selector, cur) {
            (Selector::Name(n), Some(Value::Object(m))) => m.get(n),
            (Selector::Name(_), None) => None,
            (Selector::Name(n), Some(_)) => return Err(mismatch(n, input)),
            (Selector::Index(i), Some(Value::Array(a))) => {
                match usize::try_from(*i).ok().and_then(|i| a.get(i)) {
                    Some(v) => Some(v),
                    None => return Err(mismatch(&i.to_string(), input)),
                }
            }
            (Selector::Index(i), _) => return Err(mismatch(&i.to_string(), input)),
            _ => return Err(mismatch(&render(p), input)),
        };
    }
    Ok(())
}

/// Writes `result` at `p`; `check` has passed.
fn write(output: &mut Value, p: &Path, result: Value) {
    let Some(last) = p.segments.len().checked_sub(1) else {
        *output = result;
        return;
    };
    let mut cur = output;
    let mut result = Some(result);
    for (k, seg) in p.segments.iter().enumerate() {
        let next = match (&seg.selector, cur) {
            (Selector::Name(n), Value::Object(m)) => {
                if k == last {
                    m.insert(n.clone(), result.take().unwrap_or(Value::Null));
                    return;
                }
                m.entry(n.clone())
                    .or_insert_with(|| Value::Object(Map::new()))
            }
            (Selector::Index(i), Value::Array(a)) => {
                let Some(slot) = usize::try_from(*i).ok().and_then(|i| a.get_mut(i)) else {
                    return;
                };
                if k == last {
                    *slot = result.take().unwrap_or(Value::Null);
                    return;
                }
                slot
            }
            _ => return,
        };
        cur = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataflow::path::parse;
    use serde_json::json;

    fn at(path: &str) -> ResultPathSpec {
        ResultPathSpec::Path(parse(path).unwrap())
    }

    #[test]
    fn documented_examples() {
        // "ResultPath" in the developer guide.
        let input = json!({"master": {"detail": [1, 2, 3]}});
        assert_eq!(
            apply_result_path(&input, json!(6), &at("$.master.detail")).unwrap(),
            json!({"master": {"detail": 6}})
        );
        let input = json!({"comment": "This is a test of the input and output of a Task state.", "details": "Default example", "who": "AWS Step Functions"});
        let out = apply_result_path(
            &input,
            json!("Hello, AWS Step Functions!"),
            &at("$.taskresult"),
        )
        .unwrap();
        assert_eq!(
            out.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["comment", "details", "who", "taskresult"]
        );
        assert_eq!(
            apply_result_path(&input, json!(1), &ResultPathSpec::Discard).unwrap(),
            input
        );
        assert_eq!(
            apply_result_path(&input, json!(1), &ResultPathSpec::Default).unwrap(),
            json!(1)
        );
        assert_eq!(
            apply_result_path(&input, json!(1), &at("$")).unwrap(),
            json!(1)
        );
    }

    #[test]
    fn creates_nested_objects_and_keeps_key_places() {
        let input = json!({"a": 1, "b": {"c": 2}});
        assert_eq!(
            apply_result_path(&input, json!("r"), &at("$.x.y.z")).unwrap(),
            json!({"a": 1, "b": {"c": 2}, "x": {"y": {"z": "r"}}})
        );
        let out = apply_result_path(&input, json!("r"), &at("$.a")).unwrap();
        assert_eq!(
            out.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert_eq!(
            apply_result_path(&input, json!("r"), &at("$.b.d")).unwrap(),
            json!({"a": 1, "b": {"c": 2, "d": "r"}})
        );
        let input = json!({"list": [{"n": 1}, {"n": 2}]});
        assert_eq!(
            apply_result_path(&input, json!(9), &at("$.list[1].n")).unwrap(),
            json!({"list": [{"n": 1}, {"n": 9}]})
        );
        assert_eq!(
            apply_result_path_owned(input, json!(9), &at("$.list[0]")).unwrap(),
            json!({"list": [9, {"n": 2}]})
        );
    }

    #[test]
    fn cannot_write_through_other_values() {
        for (input, path) in [
            (json!({"a": "text"}), "$.a.b"),
            (json!("text"), "$.a"),
            (json!({"a": null}), "$.a.b"),
            (json!({"a": [1]}), "$.a[3]"),
            (json!({}), "$.a[0]"),
        ] {
            let e = apply_result_path(&input, json!(1), &at(path)).unwrap_err();
            assert_eq!(e.error, "States.ReferencePathConflict", "{path}");
        }
        let e = apply_result_path(&json!({"a": "text"}), json!(1), &at("$.a.b")).unwrap_err();
        assert_eq!(
            e.cause,
            "Unable to apply step \"b\" to input {\"a\":\"text\"}"
        );
    }
}
