//! Data flow checked against executions recorded on real AWS Step Functions
//! (`../shared/conformance/cases`): every top-level Pass, Task, Choice and
//! Fail state of a JSONPath machine is replayed from the input its
//! `StateEntered` event recorded, and what `InputPath → Parameters →
//! (result) → ResultSelector → ResultPath → OutputPath` produces is compared
//! with its `StateExited` output (keys in AWS's order too); a Choice state
//! must pick the state AWS entered next; a state that failed must fail with
//! AWS's error and cause.

use std::collections::BTreeMap;
use std::path::{Path as FsPath, PathBuf};

use rand::SeedableRng;
use serde_json::{Map, Value, json};
use sfn::dataflow::choice::Rule;
use sfn::dataflow::eval::{
    Bindings, EvalError, Expr, JsonPathFlow, Rng, StateFlow, apply_input_path, apply_output_path,
    apply_path_field,
};
use sfn::dataflow::path;
use sfn::dataflow::result_path::{ResultPathSpec, apply_result_path};
use sfn::dataflow::template::Template;

fn cases_dir() -> Option<PathBuf> {
    let dir = FsPath::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/cases");
    dir.is_dir().then_some(dir)
}

/// A recorded value: objects were decoded by the recorder, other values
/// kept as their JSON text.
fn recorded(v: &Value) -> Value {
    match v {
        Value::String(s) => serde_json::from_str(s).unwrap_or_else(|_| v.clone()),
        other => other.clone(),
    }
}

/// Compares with the recorded value: a placeholder (a masked value) matches
/// anything; object keys must come in the recorded order.
fn same(exp: &Value, act: &Value, ph: &[String], at: &str) -> Result<(), String> {
    match (exp, act) {
        (Value::String(e), _) if ph.iter().any(|p| p == e) => Ok(()),
        (Value::String(e), Value::String(a)) => {
            if e == a || placeholder_match(e, a, ph) {
                Ok(())
            } else {
                Err(format!("{at}: expected {e:?}, got {a:?}"))
            }
        }
        (Value::Number(e), Value::Number(a)) if e.as_f64() == a.as_f64() => Ok(()),
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => {
            for (i, (x, y)) in e.iter().zip(a).enumerate() {
                same(x, y, ph, &format!("{at}[{i}]"))?;
            }
            Ok(())
        }
        (Value::Object(e), Value::Object(a)) => {
            let ek: Vec<&String> = e.keys().collect();
            let ak: Vec<&String> = a.keys().collect();
            if ek != ak {
                return Err(format!("{at}: expected keys {ek:?}, got {ak:?}"));
            }
            for (k, x) in e {
                same(x, &a[k], ph, &format!("{at}.{k}"))?;
            }
            Ok(())
        }
        _ if exp == act => Ok(()),
        _ => Err(format!("{at}: expected {exp}, got {act}")),
    }
}

/// `exp` with its placeholders read as "any text".
fn placeholder_match(exp: &str, act: &str, ph: &[String]) -> bool {
    let mut pieces = vec![exp.to_string()];
    for p in ph {
        pieces = pieces
            .iter()
            .flat_map(|s| s.split(p.as_str()).map(str::to_string).collect::<Vec<_>>())
            .collect();
    }
    if pieces.len() == 1 {
        return false;
    }
    let Some(rest) = act.strip_prefix(pieces[0].as_str()) else {
        return false;
    };
    let mut rest = rest;
    let last = pieces.len() - 1;
    for piece in &pieces[1..last] {
        match rest.find(piece.as_str()) {
            Some(i) => rest = &rest[i + piece.len()..],
            None => return false,
        }
    }
    rest.ends_with(pieces[last].as_str())
}

struct Case {
    name: String,
    definition: Value,
    input: Value,
    expected: Value,
}

fn load_cases() -> Vec<Case> {
    let Some(dir) = cases_dir() else {
        eprintln!("no conformance cases beside the checkout: skipped");
        return Vec::new();
    };
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
        .into_iter()
        .filter_map(|name| {
            let read = |f: &str| -> Option<Value> {
                serde_json::from_str(&std::fs::read_to_string(dir.join(&name).join(f)).ok()?).ok()
            };
            Some(Case {
                definition: read("definition.json")?,
                input: read("input.json").unwrap_or(json!({})),
                expected: read("expected.json")?,
                name,
            })
        })
        .collect()
}

#[derive(Default)]
struct Tally {
    checks: BTreeMap<&'static str, (usize, usize)>,
    failures: Vec<String>,
}

impl Tally {
    fn record(&mut self, kind: &'static str, case: &str, state: &str, r: Result<(), String>) {
        let e = self.checks.entry(kind).or_default();
        e.1 += 1;
        match r {
            Ok(()) => e.0 += 1,
            Err(msg) => self
                .failures
                .push(format!("{kind} {case} / {state}: {msg}")),
        }
    }
}

fn is_jsonata(def: &Value) -> bool {
    def.to_string().contains("JSONata")
}

fn context(exec_input: &Value, state: &str) -> Value {
    json!({
        "Execution": {
            "Id": "arn:aws:states:us-east-1:111111111111:execution:<ArnPart_0idx>:<ExecArnPart_0idx>",
            "Input": exec_input,
            "StartTime": "start-time",
            "Name": "<ExecArnPart_0idx>",
            "RoleArn": "snf_role_arn",
            "RedriveCount": 0
        },
        "StateMachine": {
            "Id": "arn:aws:states:us-east-1:111111111111:stateMachine:<ArnPart_0idx>",
            "Name": "<ArnPart_0idx>"
        },
        "State": {"Name": state, "EnteredTime": "entered-time"}
    })
}

fn path_field(state: &Value, field: &str) -> Result<Option<Option<path::Path>>, String> {
    match state.get(field) {
        None => Ok(None),
        Some(Value::Null) => Ok(Some(None)),
        Some(Value::String(s)) => path::parse(s)
            .map(|p| Some(Some(p)))
            .map_err(|e| e.to_string()),
        Some(other) => Err(format!("{field} is {other}")),
    }
}

/// What a state's data flow produced: its output and variables to assign,
/// or the error it raised.
struct Flow {
    output: Value,
    assign: Map<String, Value>,
}

fn select_field(state: &Value, field: &str, b: &Bindings) -> Result<Value, EvalError> {
    match path_field(state, field).map_err(EvalError::runtime)? {
        None => Ok(b.input.clone()),
        Some(None) => apply_input_path(None, b),
        Some(Some(p)) => apply_input_path(Some(&p), b),
    }
}

fn template(state: &Value, field: &str) -> Option<Template> {
    state
        .get(field)
        .map(|t| Template::compile(t).unwrap_or_else(|e| panic!("{field}: {e}")))
}

fn assign(
    state: &Value,
    input: &Value,
    ctx: &Value,
    vars: &Map<String, Value>,
    rng: &mut Rng,
) -> Result<Map<String, Value>, EvalError> {
    let Some(t) = template(state, "Assign") else {
        return Ok(Map::new());
    };
    let b = Bindings {
        input,
        context: ctx,
        variables: vars,
    };
    match t.eval(&b, rng, "Assign")? {
        Value::Object(m) => Ok(m),
        _ => Ok(Map::new()),
    }
}

/// Pass and Task through [`JsonPathFlow`]: `InputPath → Parameters →
/// result → ResultSelector → Assign → ResultPath → OutputPath`.
fn pass_or_task(
    state: &Value,
    raw: &Value,
    task_result: Option<&Value>,
    ctx: &Value,
    vars: &Map<String, Value>,
    rng: &mut Rng,
) -> Result<Flow, EvalError> {
    let flow = JsonPathFlow::compile(state).unwrap_or_else(|e| panic!("{e}"));
    let effective = flow.effective_input(raw, ctx, vars)?;
    let b = Bindings {
        input: &effective,
        context: ctx,
        variables: vars,
    };
    for field in ["TimeoutSecondsPath", "HeartbeatSecondsPath"] {
        if let Some(text) = state.get(field).and_then(Value::as_str) {
            let p = path::parse(text).map_err(|e| EvalError::runtime(e.to_string()))?;
            apply_path_field(Some(&p), Some(text), &b)?;
        }
    }
    let task_input = flow.task_input(&effective, ctx, vars, rng)?;
    let result = match task_result {
        Some(r) => r.clone(),
        None => match state.get("Result") {
            Some(r) if state.get("Parameters").is_none() => r.clone(),
            _ => task_input,
        },
    };
    let (output, assign) = flow.finish(raw, result, ctx, vars, rng)?;
    Ok(Flow {
        output,
        assign: assign.unwrap_or_default(),
    })
}

/// Choice: the state chosen, the output, the variables of the rule taken.
fn choice(
    state: &Value,
    raw: &Value,
    ctx: &Value,
    vars: &Map<String, Value>,
    rng: &mut Rng,
) -> Result<(Option<String>, Flow), EvalError> {
    let b = Bindings {
        input: raw,
        context: ctx,
        variables: vars,
    };
    let effective = select_field(state, "InputPath", &b)?;
    let b = Bindings {
        input: &effective,
        context: ctx,
        variables: vars,
    };
    let mut next = None;
    let mut assigned = None;
    for rule in state["Choices"].as_array().into_iter().flatten() {
        let compiled = Rule::from_value(rule).unwrap_or_else(|e| panic!("{rule}: {e}"));
        if compiled.evaluate(&b)? {
            next = rule.get("Next").and_then(Value::as_str).map(str::to_string);
            assigned = Some(assign(rule, &effective, ctx, vars, rng)?);
            break;
        }
    }
    if next.is_none() {
        next = state
            .get("Default")
            .and_then(Value::as_str)
            .map(str::to_string);
    }
    let assigned = match assigned {
        Some(a) => a,
        None => assign(state, &effective, ctx, vars, rng)?,
    };
    let output = match path_field(state, "OutputPath").map_err(EvalError::runtime)? {
        None => effective,
        Some(p) => apply_output_path(p.as_ref(), &b)?,
    };
    Ok((
        next,
        Flow {
            output,
            assign: assigned,
        },
    ))
}

fn fail_state(
    state: &Value,
    raw: &Value,
    ctx: &Value,
    vars: &Map<String, Value>,
    rng: &mut Rng,
) -> (Option<String>, Option<String>) {
    let b = Bindings {
        input: raw,
        context: ctx,
        variables: vars,
    };
    let text = |field: &str, rng: &mut Rng| -> Option<String> {
        if let Some(s) = state.get(field).and_then(Value::as_str) {
            return Some(s.to_string());
        }
        let p = state.get(format!("{field}Path"))?.as_str()?;
        match Expr::compile(p).ok()?.eval(&b, rng).ok()? {
            Value::String(s) => Some(s),
            other => Some(other.to_string()),
        }
    };
    (text("Error", rng), text("Cause", rng))
}

/// The event detail holding a state's failure, if the event is one.
fn failure(e: &Value) -> Option<(String, String)> {
    let details = e.as_object()?.iter().find_map(|(k, v)| {
        (k.ends_with("FailedEventDetails") && k != "executionFailedEventDetails").then_some(v)
    })?;
    Some((
        details.get("error")?.as_str()?.to_string(),
        details
            .get("cause")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
    ))
}

fn replay(case: &Case, tally: &mut Tally) {
    let def = &case.definition;
    if is_jsonata(def) {
        return;
    }
    let Some(states) = def.get("States").and_then(Value::as_object) else {
        return;
    };
    let Some(events) = case.expected.get("raw_events").and_then(Value::as_array) else {
        return;
    };
    let ph: Vec<String> = case.expected["placeholders"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p.as_str().map(str::to_string))
        .collect();
    let exec_input = events
        .iter()
        .find_map(|e| e.get("executionStartedEventDetails"))
        .map(|d| recorded(&d["input"]))
        .unwrap_or(json!({}));
    let mut vars = Map::new();
    let mut rng = Rng::seed_from_u64(0);
    let mut i = 0;
    while i < events.len() {
        let e = &events[i];
        i += 1;
        let Some(entered) = e.get("stateEnteredEventDetails") else {
            continue;
        };
        let name = entered["name"].as_str().unwrap_or_default();
        let Some(state) = states.get(name) else {
            continue;
        };
        let entered_id = e["id"].as_u64().unwrap_or(0);
        let raw = recorded(&entered["input"]);
        let ctx = context(&exec_input, name);
        let kind = state["Type"].as_str().unwrap_or_default();
        // This state's events, up to its exit or the end of the execution.
        let mut exit: Option<Value> = None;
        let mut next_state: Option<String> = None;
        let mut task_result: Option<Value> = None;
        let mut failed: Option<(String, String)> = None;
        let mut j = i;
        while j < events.len() {
            let ev = &events[j];
            if let Some(d) = ev.get("stateExitedEventDetails")
                && d["name"] == entered["name"]
            {
                exit = Some(recorded(&d["output"]));
                next_state = events[j + 1..]
                    .iter()
                    .find_map(|x| x.get("stateEnteredEventDetails"))
                    .and_then(|d| d["name"].as_str())
                    .map(str::to_string);
                break;
            }
            if let Some(d) = ev
                .get("taskSucceededEventDetails")
                .or_else(|| ev.get("lambdaFunctionSucceededEventDetails"))
            {
                task_result = Some(recorded(&d["output"]));
            }
            if let Some(d) = ev.get("executionFailedEventDetails") {
                failed = Some((
                    d.get("error")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                    d.get("cause")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string(),
                ));
                break;
            }
            if ev.get("stateEnteredEventDetails").is_some() {
                break;
            }
            if let Some(f) = failure(ev)
                && f.0 != "States.Runtime"
            {
                // A task error (retried or caught): not data flow.
                task_result = None;
            }
            j += 1;
        }
        i = j;
        let runtime_failure = failed.as_ref().filter(|(err, cause)| {
            // A service's refusal of the parameters is the engine's, not data flow.
            !cause.contains("could not be used to start the Task")
                && err.starts_with("States.")
                && cause.starts_with(&format!(
                    "An error occurred while executing the state '{name}' (entered at the event id #{entered_id})."
                ))
        });
        let outcome: Result<Option<String>, EvalError> = match kind {
            "Pass" => pass_or_task(state, &raw, None, &ctx, &vars, &mut rng).map(|f| {
                if let Some(out) = &exit {
                    tally.record(
                        "Pass output",
                        &case.name,
                        name,
                        same(out, &f.output, &ph, "$"),
                    );
                }
                vars.extend(f.assign);
                None
            }),
            "Task" if task_result.is_some() || runtime_failure.is_some() => {
                let result = task_result.clone().unwrap_or(json!({}));
                pass_or_task(state, &raw, Some(&result), &ctx, &vars, &mut rng).map(|f| {
                    if let Some(out) = &exit {
                        tally.record(
                            "Task output",
                            &case.name,
                            name,
                            same(out, &f.output, &ph, "$"),
                        );
                    }
                    vars.extend(f.assign);
                    None
                })
            }
            "Choice" => choice(state, &raw, &ctx, &vars, &mut rng).map(|(next, f)| {
                if let Some(out) = &exit {
                    tally.record(
                        "Choice output",
                        &case.name,
                        name,
                        same(out, &f.output, &ph, "$"),
                    );
                    let r = if next == next_state {
                        Ok(())
                    } else {
                        Err(format!("chose {next:?}, AWS went to {next_state:?}"))
                    };
                    tally.record("Choice branch", &case.name, name, r);
                }
                vars.extend(f.assign);
                next
            }),
            "Fail" => {
                if let Some((err, cause)) = &failed {
                    let (e, c) = fail_state(state, &raw, &ctx, &vars, &mut rng);
                    let r = same(&json!(err), &json!(e.unwrap_or_default()), &ph, "error")
                        .and_then(|_| {
                            same(&json!(cause), &json!(c.unwrap_or_default()), &ph, "cause")
                        });
                    tally.record("Fail error", &case.name, name, r);
                }
                Ok(None)
            }
            _ => {
                if state.get("Assign").is_some() {
                    return; // variables now unknown: stop here
                }
                continue;
            }
        };
        match (outcome, runtime_failure) {
            (Err(e), Some((err, cause))) => {
                let e = e.in_state(name, entered_id);
                let r = same(&json!(err), &json!(e.error), &ph, "error")
                    .and_then(|_| same(&json!(cause), &json!(e.cause), &ph, "cause"));
                tally.record("Failure cause", &case.name, name, r);
            }
            (Ok(_), Some((err, cause))) if kind != "Fail" => {
                tally.record(
                    "Failure cause",
                    &case.name,
                    name,
                    Err(format!("no error; AWS failed with {err}: {cause}")),
                );
            }
            (Err(e), None) if exit.is_some() => {
                tally.record(
                    "Pass output",
                    &case.name,
                    name,
                    Err(format!("failed with {e}")),
                );
            }
            _ => {}
        }
    }
}

#[test]
fn replays_recorded_executions() {
    let cases = load_cases();
    if cases.is_empty() {
        return;
    }
    let mut tally = Tally::default();
    for case in &cases {
        replay(case, &mut tally);
    }
    let mut total = (0, 0);
    for (kind, (ok, all)) in &tally.checks {
        eprintln!("{kind:>15}: {ok}/{all}");
        total.0 += ok;
        total.1 += all;
    }
    eprintln!("{:>15}: {}/{}", "all", total.0, total.1);
    for f in &tally.failures {
        eprintln!("FAIL {f}");
    }
    assert!(total.1 > 150, "too few checks: {total:?}");
    assert!(
        tally.failures.is_empty(),
        "{} of {} checks differ from AWS",
        tally.failures.len(),
        total.1
    );
}

/// Every Choice rule of the `choice_operators` group against the input AWS
/// was given: the branch must be AWS's.
#[test]
fn choice_operators_take_aws_branches() {
    let mut checked = 0;
    for case in load_cases()
        .iter()
        .filter(|c| c.name.starts_with("choice_operators"))
    {
        let Some(states) = case.definition["States"].as_object() else {
            continue;
        };
        let Some((_, choice)) = states.iter().find(|(_, s)| s["Type"] == "Choice") else {
            continue;
        };
        let input = &case.input;
        let want = case.expected["output"]["TestResult.$"].as_str() == Some("ConditionTrue");
        let rule = Rule::from_value(&choice["Choices"][0]).unwrap();
        let ctx = json!({});
        let vars = Map::new();
        let b = Bindings {
            input,
            context: &ctx,
            variables: &vars,
        };
        assert_eq!(rule.evaluate(&b).unwrap(), want, "{}", case.name);
        checked += 1;
    }
    if cases_dir().is_some() {
        assert!(checked >= 150, "{checked}");
    }
}

/// The `intrinsic_functions` group: each Pass state's Parameters on the
/// recorded input give AWS's output.
#[test]
fn intrinsic_functions_give_aws_results() {
    let mut checked = 0;
    for case in load_cases()
        .iter()
        .filter(|c| c.name.starts_with("intrinsic_functions"))
    {
        if is_jsonata(&case.definition) {
            continue;
        }
        let mut tally = Tally::default();
        replay(case, &mut tally);
        assert!(tally.failures.is_empty(), "{:#?}", tally.failures);
        checked += tally.checks.values().map(|c| c.1).sum::<usize>();
    }
    if cases_dir().is_some() {
        assert!(checked >= 40, "{checked}");
    }
}

/// How fast a typical state's data flow runs (`cargo test --release --test
/// dataflow -- --ignored --nocapture`).
#[test]
#[ignore]
fn throughput() {
    let input = json!({"order": {"id": "o-1", "items": [{"sku": "a", "qty": 2}, {"sku": "b", "qty": 1}], "total": 42.5}, "customer": {"name": "Ann"}});
    let ctx = context(&input, "Charge");
    let vars = Map::new();
    let params = Template::compile(&json!({
        "OrderId.$": "$.order.id",
        "Amount.$": "$.order.total",
        "Customer.$": "$.customer.name",
        "Execution.$": "$$.Execution.Name",
        "Static": {"a": 1}
    }))
    .unwrap();
    let selector = Template::compile(&json!({"ok.$": "$.ok"})).unwrap();
    let rule =
        Rule::from_value(&json!({"Variable": "$.order.total", "NumericGreaterThan": 10})).unwrap();
    let spec = ResultPathSpec::Path(path::parse("$.charge").unwrap());
    let mut rng = Rng::seed_from_u64(1);
    let n = 1_000_000;
    let start = std::time::Instant::now();
    for _ in 0..n {
        let b = Bindings {
            input: &input,
            context: &ctx,
            variables: &vars,
        };
        let p = params.eval(&b, &mut rng, "Parameters").unwrap();
        assert!(rule.evaluate(&b).unwrap());
        let result = json!({"ok": true, "echo": p});
        let sel = selector
            .eval(
                &Bindings {
                    input: &result,
                    context: &ctx,
                    variables: &vars,
                },
                &mut rng,
                "ResultSelector",
            )
            .unwrap();
        let out = apply_result_path(&input, sel, &spec).unwrap();
        std::hint::black_box(out);
    }
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "{:.0} states/s (Parameters + Choice rule + ResultSelector + ResultPath)",
        n as f64 / secs
    );
    let b = Bindings {
        input: &input,
        context: &ctx,
        variables: &vars,
    };
    let time = |what: &str, f: &mut dyn FnMut()| {
        let start = std::time::Instant::now();
        for _ in 0..n {
            f();
        }
        eprintln!(
            "{what:>40}: {:.0} ns",
            start.elapsed().as_secs_f64() * 1e9 / n as f64
        );
    };
    time("Parameters (5 fields)", &mut || {
        std::hint::black_box(params.eval(&b, &mut rng, "Parameters").unwrap());
    });
    time("Choice rule", &mut || {
        std::hint::black_box(rule.evaluate(&b).unwrap());
    });
    let p = path::parse("$.order.items[1].sku").unwrap();
    time("path $.order.items[1].sku", &mut || {
        std::hint::black_box(path::select_cow(&p, &b));
    });
    let p = path::parse("$.order.items[*].sku").unwrap();
    time("path $.order.items[*].sku", &mut || {
        std::hint::black_box(path::select_cow(&p, &b));
    });
    time("ResultPath $.charge (copies the input)", &mut || {
        std::hint::black_box(apply_result_path(&input, json!(1), &spec).unwrap());
    });
    time("input clone", &mut || {
        std::hint::black_box(input.clone());
    });
}

/// Hostile expressions and documents: evaluation never panics or hangs.
#[test]
fn evaluation_never_panics() {
    const PIECES: &[&str] = &[
        "$",
        "$$",
        ".",
        "..",
        "[",
        "]",
        "(",
        ")",
        "'",
        "\\",
        "?",
        "@",
        "*",
        ":",
        ",",
        "-",
        "1",
        "0",
        "-9223372036854775808",
        "99999",
        "a",
        "b",
        "length()",
        "min()",
        " ",
        "==",
        "<",
        "&&",
        "||",
        "!",
        "=~",
        "/.*/i",
        "in",
        "['a']",
        "States.",
        "Format",
        "Array",
        "ArrayRange",
        "MathRandom",
        "StringToJson",
        "JsonMerge",
        "Hash",
        "'MD5'",
        "'{}'",
        "null",
        "true",
        "Execution",
        "Input",
        "$v",
        "{}",
    ];
    let doc = json!({
        "a": {"b": [1, 2.5, "x", null, {"a": [[], {}]}], "c": "-0"},
        "b": [{"a": 1}, {"a": "1"}, {"b": true}],
        "1": -1,
        "": ""
    });
    let ctx = context(&doc, "S");
    let mut vars = Map::new();
    vars.insert("v".into(), doc.clone());
    let b = Bindings {
        input: &doc,
        context: &ctx,
        variables: &vars,
    };
    let mut rng = Rng::seed_from_u64(3);
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..30_000 {
        let len = (next() % 16) as usize;
        let text: String = (0..len)
            .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
            .collect();
        for t in [
            text.clone(),
            format!("${text}"),
            format!("States.Array({text})"),
        ] {
            if let Ok(e) = Expr::compile(&t) {
                let _ = e.eval(&b, &mut rng);
            }
            if let Ok(p) = path::parse(&t) {
                let _ = path::query(&p, &b);
                let _ = path::exists(&p, &b);
                let spec = ResultPathSpec::Path(p);
                let _ = apply_result_path(&doc, json!(1), &spec);
            }
            let _ = Template::compile(&json!({"x.$": t, "y": [{"z.$": "$.a"}]}))
                .map(|tpl| tpl.eval(&b, &mut rng, "Parameters"));
            let _ = Rule::from_value(&json!({"Variable": "$.a.c", "StringMatches": t}))
                .map(|r| r.evaluate(&b));
            let _ = sfn::dataflow::choice::parse_timestamp(&t);
        }
    }
}
