//! Mocks: what each Task "returns" when `sfn run` reaches it. Nothing ever calls AWS.
//!
//! Two formats, told apart by their top-level keys (SPEC.md):
//! - AWS Step Functions Local's mock configuration (`StateMachines` and `MockedResponses`),
//!   read unchanged; `--test-case` picks the test case;
//! - the native YAML form, keyed by state name, each a response or a list of them.
//!
//! Every problem is a [`Diagnostic`] pointing into the mocks file.

mod aws;
mod native;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::load::{Format, Node, SourceFile, Span, parse_json, yaml};

/// Code of every diagnostic about a mocks file.
pub const INVALID_MOCKS: &str = "INVALID_MOCKS";
/// Code of the warning for a mock of a state the definition does not have.
pub const UNKNOWN_MOCK_STATE: &str = "UNKNOWN_MOCK_STATE";

/// What a mocked call does.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The service's raw response (before `ResultSelector`); for a callback task, `SendTaskSuccess`.
    Return(Value),
    /// The service's error; for a callback task, `SendTaskFailure`.
    Throw {
        error: String,
        cause: Option<String>,
    },
}

/// One response, as the engine uses it.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub outcome: Outcome,
    /// Seconds of (virtual) time the call takes.
    pub delay: f64,
}

#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// Partial match against the Task's effective input (native format only).
    pub when: Option<Value>,
    pub response: Response,
}

/// The responses of one state.
#[derive(Debug, Clone)]
pub(crate) enum Responses {
    /// Native: consumed call by call, first matching `when` among those left; the
    /// list's last entry (and the last one left) repeats.
    Sequence(Vec<Entry>),
    /// AWS: by call number (0-based), from `"0"`, `"1-2"` ... ranges.
    ByCall(Vec<(u32, u32, Entry)>),
}

#[derive(Debug, Clone)]
pub(crate) struct StateMock {
    pub span: Span,
    /// Where the state's mock is, as a JSON pointer into the mocks file.
    pub pointer: String,
    pub responses: Responses,
}

/// A loaded mocks file.
#[derive(Debug, Clone)]
pub struct Mocks {
    pub source: Arc<SourceFile>,
    pub(crate) states: BTreeMap<String, StateMock>,
    /// Written in AWS Step Functions Local's MockConfigFile format (else the native one).
    pub aws_format: bool,
}

/// Why the engine got no response for a call.
#[derive(Debug, Clone, PartialEq)]
pub enum Miss {
    /// No mock at all for the state.
    NoMock,
    /// Mocks exist, but no `when` matches this input.
    NoMatch,
    /// A MockConfigFile gives no response for this call (0-based): Step Functions
    /// Local fails such an execution rather than repeat another response.
    NoCall(u32),
}

impl Mocks {
    /// No mocks: every Task reached stops the run.
    pub fn empty() -> Mocks {
        Mocks {
            source: Arc::new(SourceFile::new("<none>", String::new())),
            states: BTreeMap::new(),
            aws_format: false,
        }
    }

    /// Loads a mocks file. `machine_names` are the names the state machine may go by in an
    /// AWS mock configuration (the definition's file stem, the template's logical id).
    pub fn load(
        path: &Path,
        test_case: Option<&str>,
        machine_names: &[String],
    ) -> Result<Mocks, Vec<Diagnostic>> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            vec![Diagnostic::error(
                INVALID_MOCKS,
                "",
                Span::default(),
                format!("cannot read the mocks file: {e}"),
            )]
        })?;
        Self::parse(path, text, test_case, machine_names)
    }

    /// As [`Mocks::load`], with the text in memory.
    pub fn parse(
        path: &Path,
        text: String,
        test_case: Option<&str>,
        machine_names: &[String],
    ) -> Result<Mocks, Vec<Diagnostic>> {
        let format = Format::detect(path, &text);
        let source = Arc::new(SourceFile::new(path, text));
        let parsed = match format {
            Format::Json => parse_json(&source.text),
            Format::Yaml => yaml::parse(&source.text),
        };
        let root = parsed.map_err(|e| {
            let (span, help) = crate::load::syntax_place(&source.text, e.span, format);
            vec![
                Diagnostic::error(
                    INVALID_MOCKS,
                    "",
                    span,
                    format!("invalid mocks file: {}", e.message),
                )
                .with_help(help)
                .with_label(e.message),
            ]
        })?;
        let aws_format = aws::is_aws_format(&root);
        let states = if aws_format {
            aws::read(&root, test_case, machine_names)?
        } else if let Some(case) = test_case {
            // Silently ignored, it would run another scenario than the one asked for.
            return Err(vec![
                Diagnostic::error(
                    INVALID_MOCKS,
                    "",
                    Span::default(),
                    format!(
                        "--test-case {case} picks a test case of AWS's MockConfigFile format, but this mocks file is in the native format, which has none"
                    ),
                )
                .with_help(
                    "leave --test-case out, or give a MockConfigFile (StateMachines.<name>.TestCases.<case>)",
                ),
            ]);
        } else {
            native::read(&root)?
        };
        Ok(Mocks {
            source,
            states,
            aws_format,
        })
    }

    pub fn has(&self, state: &str) -> bool {
        self.states.contains_key(state)
    }

    /// Names of the mocked states.
    pub fn state_names(&self) -> impl Iterator<Item = &str> {
        self.states.keys().map(String::as_str)
    }

    /// Where a state's mock is written: its span, and its JSON pointer.
    pub fn place_of(&self, state: &str) -> Option<(Span, &str)> {
        self.states.get(state).map(|m| (m.span, m.pointer.as_str()))
    }

    /// The response to a state's `call`-th call (0-based), given what earlier calls consumed.
    pub fn respond(
        &self,
        state: &str,
        cursor: &mut MockCursor,
        input: &Value,
    ) -> Result<Response, Miss> {
        let mock = self.states.get(state).ok_or(Miss::NoMock)?;
        let call = cursor.calls.entry(state.to_string()).or_default();
        let n = *call;
        *call += 1;
        match &mock.responses {
            Responses::ByCall(ranges) => ranges
                .iter()
                .find(|(from, to, _)| (*from..=*to).contains(&n))
                .map(|(_, _, e)| e.response.clone())
                .ok_or(Miss::NoCall(n)),
            Responses::Sequence(entries) => {
                let used = cursor
                    .used
                    .entry(state.to_string())
                    .or_insert_with(|| vec![false; entries.len()]);
                let left: Vec<usize> = (0..entries.len()).filter(|&i| !used[i]).collect();
                let pick = left.iter().copied().find(|&i| {
                    entries[i]
                        .when
                        .as_ref()
                        .is_none_or(|w| partial_match(w, input))
                });
                let i = pick.ok_or(Miss::NoMatch)?;
                // The list's last entry repeats forever, as does the last one left:
                // a fallback after `when` entries keeps answering what they do not.
                if left.len() > 1 && i + 1 < entries.len() {
                    used[i] = true;
                }
                Ok(entries[i].response.clone())
            }
        }
    }
}

/// Per-execution state of the mocks: calls made and entries consumed.
#[derive(Debug, Clone, Default)]
pub struct MockCursor {
    calls: BTreeMap<String, u32>,
    used: BTreeMap<String, Vec<bool>>,
}

/// `pattern` matches `value` when every field of an object pattern matches the same
/// field of the value (recursively); arrays and scalars must be equal.
pub fn partial_match(pattern: &Value, value: &Value) -> bool {
    match (pattern, value) {
        (Value::Object(p), Value::Object(v)) => p
            .iter()
            .all(|(k, pv)| v.get(k).is_some_and(|vv| partial_match(pv, vv))),
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        _ => pattern == value,
    }
}

/// A diagnostic at a node of the mocks file.
pub(crate) fn bad(
    node: &Node,
    pointer: &str,
    message: impl Into<String>,
    help: impl Into<String>,
) -> Diagnostic {
    Diagnostic::error(INVALID_MOCKS, pointer, node.span, message).with_help(help)
}

/// Reads `{error, cause}` / `{Error, Cause}` objects.
pub(crate) fn read_throw(
    node: &Node,
    pointer: &str,
    keys: (&str, &str),
    errs: &mut Vec<Diagnostic>,
) -> Option<Outcome> {
    let Some(fields) = node.as_object() else {
        errs.push(bad(
            node,
            pointer,
            format!(
                "a throw must be an object with '{}' and '{}'",
                keys.0, keys.1
            ),
            format!("write {{{}: My.Error, {}: why}}", keys.0, keys.1),
        ));
        return None;
    };
    let mut error = None;
    let mut error_given = false;
    let mut cause = None;
    for f in fields {
        let p = format!("{pointer}/{}", f.key);
        if f.key == keys.0 {
            error_given = true;
            match f.value.as_str() {
                Some(s) => error = Some(s.to_string()),
                None => errs.push(bad(
                    &f.value,
                    &p,
                    format!("'{}' must be a string, not {}", keys.0, f.value.type_name()),
                    "quote the error name",
                )),
            }
        } else if f.key == keys.1 {
            match &f.value.kind {
                crate::load::NodeKind::String(s) => cause = Some(s.to_string()),
                // A structured cause is kept as its JSON text, as AWS stores causes.
                _ => cause = Some(f.value.to_value().to_string()),
            }
        } else {
            errs.push(
                Diagnostic::error(
                    INVALID_MOCKS,
                    p,
                    f.key_span,
                    format!("unknown field '{}' in a throw", f.key),
                )
                .with_help(format!("a throw has only '{}' and '{}'", keys.0, keys.1)),
            );
        }
    }
    match error {
        Some(error) => Some(Outcome::Throw { error, cause }),
        // Given, but not a string: reported above.
        None if error_given => None,
        None => {
            errs.push(bad(
                node,
                pointer,
                format!("a throw needs '{}'", keys.0),
                format!("add {}: My.Error", keys.0),
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn partial_match_compares_only_the_fields_given() {
        assert!(partial_match(
            &json!({"size": "large"}),
            &json!({"size": "large", "id": 1})
        ));
        assert!(!partial_match(
            &json!({"size": "large"}),
            &json!({"size": "small"})
        ));
        assert!(partial_match(
            &json!({"a": {"b": 1}}),
            &json!({"a": {"b": 1.0, "c": 2}})
        ));
        assert!(!partial_match(&json!({"a": [1]}), &json!({"a": [1, 2]})));
    }
}

#[cfg(test)]
mod format_tests {
    use super::*;
    use serde_json::json;

    fn native(text: &str) -> Result<Mocks, Vec<Diagnostic>> {
        Mocks::parse(Path::new("mocks.json"), text.to_string(), None, &[])
    }

    #[test]
    fn native_lists_are_consumed_call_by_call_and_the_last_repeats() {
        let m = native(r#"{"Reserve": [{"throw": {"error": "Stock.Unavailable", "cause": "sold out"}}, {"return": {"reserved": true}}]}"#).unwrap();
        let mut c = MockCursor::default();
        let first = m.respond("Reserve", &mut c, &json!({})).unwrap();
        assert_eq!(
            first.outcome,
            Outcome::Throw {
                error: "Stock.Unavailable".into(),
                cause: Some("sold out".into())
            }
        );
        for _ in 0..3 {
            assert_eq!(
                m.respond("Reserve", &mut c, &json!({})).unwrap().outcome,
                Outcome::Return(json!({"reserved": true}))
            );
        }
        assert_eq!(m.respond("Other", &mut c, &json!({})), Err(Miss::NoMock));
    }

    #[test]
    fn native_when_picks_the_first_matching_response_and_delay_is_kept() {
        let m = native(
            r#"{"Resize": [{"when": {"size": "large"}, "return": {"url": "big.png"}},
                           {"return": {"url": "small.png"}},
                           {"delay": 400, "return": {}}]}"#,
        )
        .unwrap();
        let mut c = MockCursor::default();
        let r = m
            .respond("Resize", &mut c, &json!({"size": "small"}))
            .unwrap();
        assert_eq!(r.outcome, Outcome::Return(json!({"url": "small.png"})));
        let r = m
            .respond("Resize", &mut c, &json!({"size": "large"}))
            .unwrap();
        assert_eq!(r.outcome, Outcome::Return(json!({"url": "big.png"})));
        let r = m
            .respond("Resize", &mut c, &json!({"size": "large"}))
            .unwrap();
        assert_eq!((r.outcome, r.delay), (Outcome::Return(json!({})), 400.0));
    }

    /// From 0 to the longest TimeoutSeconds AWS accepts: `1e20` used to overflow
    /// the virtual clock into no delay at all.
    #[test]
    fn a_delay_is_refused_past_the_longest_timeout() {
        let delay = |d: &str| native(&format!(r#"{{"A": {{"delay": {d}, "return": {{}}}}}}"#));
        assert!(delay("0").is_ok() && delay("99999999").is_ok());
        for d in ["100000000", "1e20", "-1", "\"5\""] {
            let errs = delay(d).unwrap_err();
            assert_eq!(errs.len(), 1, "{d}");
            assert_eq!(
                errs[0].message,
                "'delay' must be a number of seconds from 0 to 99999999 (the longest TimeoutSeconds AWS accepts)",
                "{d}"
            );
        }
    }

    #[test]
    fn a_test_case_with_native_mocks_is_refused_not_ignored() {
        let errs = Mocks::parse(
            Path::new("mocks.yaml"),
            "A: {return: {}}".to_string(),
            Some("Happy"),
            &[],
        )
        .unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(
            errs[0].message,
            "--test-case Happy picks a test case of AWS's MockConfigFile format, but this mocks file is in the native format, which has none"
        );
    }

    /// The README's example: a fallback after a `when` entry answers every other
    /// input, however often, and the `when` entry is used once.
    #[test]
    fn native_fallback_after_when_repeats() {
        let m = native(
            r#"{"Resize": [{"when": {"size": "large"}, "return": {"url": "big.png"}},
                           {"delay": 400, "return": {"url": "small.png"}}]}"#,
        )
        .unwrap();
        let mut c = MockCursor::default();
        let url = |c: &mut MockCursor, size: &str| {
            m.respond("Resize", c, &json!({ "size": size }))
                .map(|r| r.outcome)
        };
        let small = Ok(Outcome::Return(json!({"url": "small.png"})));
        let big = Ok(Outcome::Return(json!({"url": "big.png"})));
        assert_eq!(url(&mut c, "small"), small);
        assert_eq!(url(&mut c, "small"), small);
        assert_eq!(url(&mut c, "large"), big);
        assert_eq!(url(&mut c, "small"), small);
        // Used once: a second large input gets the fallback.
        assert_eq!(url(&mut c, "large"), small);
    }

    #[test]
    fn native_mistakes_point_at_the_entry() {
        let errs =
            native("{\n  \"A\": {\"retrun\": 1},\n  \"B\": {\"throw\": {\"cause\": \"x\"}}\n}")
                .unwrap_err();
        let msgs: Vec<_> = errs
            .iter()
            .map(|d| (d.location.as_str(), d.message.as_str()))
            .collect();
        assert_eq!(
            msgs,
            [
                ("/A/retrun", "unknown field 'retrun' in a response"),
                ("/B/throw", "a throw needs 'error'")
            ]
        );
        assert!(errs.iter().all(|d| d.code == INVALID_MOCKS));
        // An error that is not a string is reported once, not also as missing.
        let errs = native(r#"{"B": {"throw": {"error": 42}}}"#).unwrap_err();
        let msgs: Vec<_> = errs.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(msgs, ["'error' must be a string, not number"]);
    }

    const AWS: &str = r#"{
      "StateMachines": {"definition": {"TestCases": {"happy": {"Charge": "Ok"}, "sad": {"Charge": "Fails"}}}},
      "MockedResponses": {
        "Ok": {"0": {"Return": {"StatusCode": 200}}},
        "Fails": {"0-1": {"Throw": {"Error": "Lambda.ServiceException", "Cause": "boom"}}, "2": {"Return": {"ok": 1}}}
      }}"#;

    #[test]
    fn aws_format_picks_the_machine_and_test_case_and_counts_calls() {
        let names = vec!["definition".to_string()];
        let m = Mocks::parse(Path::new("m.json"), AWS.into(), Some("sad"), &names).unwrap();
        let mut c = MockCursor::default();
        for _ in 0..2 {
            assert!(matches!(
                m.respond("Charge", &mut c, &json!({})).unwrap().outcome,
                Outcome::Throw { .. }
            ));
        }
        assert_eq!(
            m.respond("Charge", &mut c, &json!({})).unwrap().outcome,
            Outcome::Return(json!({"ok": 1}))
        );
        // Past the last numbered response: no response, as in Step Functions Local
        // ("If you do not specify a mocked response, the state machine execution
        // will fail"); the native format's last entry repeats instead.
        assert_eq!(
            m.respond("Charge", &mut c, &json!({})),
            Err(Miss::NoCall(3))
        );
    }

    /// Mistakes in a MockConfigFile: each an `INVALID_MOCKS` at its place.
    #[test]
    fn aws_format_mistakes_point_at_them() {
        let errors = |text: &str| -> Vec<(String, String)> {
            Mocks::parse(Path::new("m.json"), text.into(), Some("A"), &[])
                .unwrap_err()
                .into_iter()
                .map(|d| (d.location, d.message))
                .collect()
        };
        let case = |responses: &str| {
            format!(
                r#"{{"StateMachines": {{"m": {{"TestCases": {{"A": {{"T": "R"}}}}}}}}, "MockedResponses": {{"R": {responses}}}}}"#
            )
        };
        assert_eq!(
            errors(&case(r#"{"0": {"Return": 1, "Throws": {"Error": "E"}}}"#)),
            [(
                "/MockedResponses/R/0/Throws".to_string(),
                "unknown field 'Throws' in a mocked response".to_string()
            )]
        );
        assert_eq!(
            errors(&case(r#"{"0-2": {"Return": 1}, "1": {"Return": 2}}"#)),
            [(
                "/MockedResponses/R/1".to_string(),
                "'1' gives calls that \"0-2\" gives already".to_string()
            )]
        );
        assert_eq!(
            errors(&case("{}")),
            [(
                "/MockedResponses/R".to_string(),
                "a mocked response needs a response for each call".to_string()
            )]
        );
        assert_eq!(
            errors(r#"{"StateMachines": {"m": {"TestCases": {"A": "R"}}}, "MockedResponses": {}}"#),
            [(
                "/StateMachines/m/TestCases/A".to_string(),
                "a test case maps state names to mocked response names (an object)".to_string()
            )]
        );
    }

    #[test]
    fn aws_format_uses_a_lone_machine_whatever_its_name_and_names_the_one_to_add() {
        let names = vec!["other".to_string()];
        // One machine in the file: used although the definition is named otherwise.
        assert!(Mocks::parse(Path::new("m.json"), AWS.into(), Some("happy"), &names).is_ok());
        let two = AWS.replace(
            r#""StateMachines": {"definition""#,
            r#""StateMachines": {"zzz": {"TestCases": {}}, "definition""#,
        );
        let errs = Mocks::parse(Path::new("m.json"), two, Some("happy"), &names).unwrap_err();
        assert_eq!(
            errs[0].message,
            "no state machine named 'other' in the mock configuration"
        );
        assert_eq!(
            errs[0].help.as_deref(),
            Some(
                "rename one of 'zzz', 'definition' to 'other', the definition's name, or keep a single state machine in the file (it is then used whatever its name)"
            )
        );
    }

    #[test]
    fn aws_format_needs_a_test_case_when_there_are_several() {
        let errs = Mocks::parse(
            Path::new("m.json"),
            AWS.into(),
            None,
            &["definition".into()],
        )
        .unwrap_err();
        assert_eq!(
            errs[0].message,
            "state machine 'definition' has 2 test cases: pick one"
        );
        assert_eq!(
            errs[0].help.as_deref(),
            Some("pass --test-case with one of 'happy', 'sad'")
        );
        let errs = Mocks::parse(
            Path::new("m.json"),
            AWS.into(),
            Some("nope"),
            &["definition".into()],
        )
        .unwrap_err();
        assert_eq!(
            errs[0].message,
            "no test case 'nope' for state machine 'definition'"
        );
    }

    #[test]
    fn a_syntax_error_in_mocks_is_a_diagnostic() {
        let errs = native("{\"A\": }").unwrap_err();
        assert_eq!(errs[0].code, INVALID_MOCKS);
        assert!(errs[0].message.starts_with("invalid mocks file"));
        assert_eq!(
            errs[0].help.as_deref(),
            Some("fix the JSON syntax at this position")
        );
        // Cut short: shown at the end of the last line, not past it.
        let errs = native("{\"A\": \n").unwrap_err();
        assert_eq!(errs[0].span, Span::new(5, 5), "just after the colon");
        assert_eq!(
            errs[0].help.as_deref(),
            Some("the file ends here, before the JSON does: complete it")
        );
        // A byte order mark, as editors on Windows write one: said so, as for definitions.
        let errs = native("\u{feff}{\"A\": {\"return\": 1}}").unwrap_err();
        assert_eq!(
            errs[0].help.as_deref(),
            Some(
                "the file starts with a UTF-8 byte order mark (BOM): save it as UTF-8 without one"
            )
        );
    }
}
