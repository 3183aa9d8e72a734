//! The executable plan: the model with every path, payload template and
//! intrinsic call parsed once, before the first state runs.

use serde_json::Value;

use crate::dataflow::choice::Rule;
use crate::dataflow::eval::{Expr, JsonPathFlow, PathSpec};
use crate::dataflow::path::{self, Path};
use crate::dataflow::result_path::ResultPathSpec;
use crate::dataflow::template::Template;
use crate::load::Node;
use crate::model::{QueryLanguage, ScopeId, StateId, StateMachine, StateType};

/// Why a definition cannot be run (it validated, but uses what the engine lacks).
#[derive(Debug, Clone, PartialEq)]
pub struct Unsupported {
    pub state: String,
    pub message: String,
}

pub struct Plan {
    /// The first state of each scope (`scopes[0]` is the top level).
    pub starts: Vec<Option<StateId>>,
    pub states: Vec<StatePlan>,
    /// The machine's `TimeoutSeconds`.
    pub timeout_seconds: Option<f64>,
    /// Whether any expression may read `$$.Execution.Input`: if none can, the
    /// context object leaves the input out, so a state's context costs nothing
    /// however large the input is.
    pub context_needs_input: bool,
}

pub struct StatePlan {
    pub id: StateId,
    pub name: String,
    /// The name as history events carry it, shared rather than copied per event.
    pub shared_name: std::sync::Arc<str>,
    /// The parts of the context object the state's expressions can read: only
    /// those are built for it (none, mostly), as a Map builds one per item.
    pub context_parts: ContextParts,
    pub state_type: StateType,
    /// InputPath, Parameters, ResultSelector, Assign, ResultPath, OutputPath:
    /// the query language's data flow.
    pub flow: JsonPathFlow,
    pub next: Option<StateId>,
    pub retry: Vec<RetrierPlan>,
    pub catch: Vec<CatcherPlan>,
    pub body: Body,
}

pub struct RetrierPlan {
    pub error_equals: Vec<String>,
    pub interval_seconds: f64,
    pub max_attempts: u32,
    pub backoff_rate: f64,
    pub max_delay_seconds: Option<f64>,
    pub full_jitter: bool,
}

pub struct CatcherPlan {
    pub error_equals: Vec<String>,
    pub next: StateId,
    pub result_path: ResultPathSpec,
    /// `Assign`, over the error output.
    pub assign: Option<Template>,
}

/// A number given literally or by a reference path.
pub enum NumberSpec {
    Literal(f64),
    /// The path and its text.
    Path(Path, String),
}

pub enum Body {
    Pass {
        result: Option<Value>,
    },
    Task(Box<TaskPlan>),
    Choice {
        /// Each rule, its target, and its own `Assign`.
        rules: Vec<(Rule, StateId, Option<Template>)>,
        default: Option<StateId>,
    },
    Wait(WaitPlan),
    Succeed,
    Fail {
        error: Option<TextSpec>,
        cause: Option<TextSpec>,
    },
    Parallel {
        branches: Vec<ScopeId>,
    },
    Map(Box<MapPlan>),
}

/// `Error`/`ErrorPath`, `Cause`/`CausePath`.
pub enum TextSpec {
    Literal(String),
    Expr(Expr),
}

pub enum WaitPlan {
    Seconds(NumberSpec),
    Timestamp(String),
    TimestampPath(Path, String),
}

pub struct TaskPlan {
    pub resource: String,
    pub timeout_seconds: Option<NumberSpec>,
    pub heartbeat_seconds: Option<NumberSpec>,
    /// `Credentials`: a payload template (`RoleArn` or `RoleArn.$`).
    pub credentials: Option<Template>,
}

pub struct MapPlan {
    pub processor: ScopeId,
    pub items_path: PathSpec,
    pub item_selector: Option<Template>,
    pub max_concurrency: Option<NumberSpec>,
    pub tolerated_failure_count: Option<NumberSpec>,
    pub tolerated_failure_percentage: Option<NumberSpec>,
    /// `ItemBatcher`: the items go to the iterations in batches.
    pub batching: bool,
    pub max_items_per_batch: Option<NumberSpec>,
    pub max_input_bytes_per_batch: Option<NumberSpec>,
    pub batch_input: Option<Template>,
    pub distributed: bool,
    /// `Label`: names the Map Run.
    pub label: Option<String>,
    /// `ItemReader`: the items come from S3 (local files) instead of `ItemsPath`.
    pub item_reader: Option<super::items::ReaderPlan>,
    /// `ResultWriter`: how the Map Run's results are shaped and where they are exported.
    pub result_writer: Option<super::items::WriterPlan>,
    /// Whether nothing reads the state's input once the items are found in it,
    /// so that they can be moved out of it instead of copied (see [`takes_items`]).
    pub takes_items: bool,
}

impl Plan {
    /// Compiles a validated model. Fails on what the engine does not run yet.
    pub fn compile(model: &StateMachine<'_>) -> Result<Plan, Unsupported> {
        let mut states = Vec::with_capacity(model.states.len());
        for state in &model.states {
            states.push(compile_state(model, state.id)?);
        }
        let starts = model
            .scopes
            .iter()
            .map(|scope| {
                let name = &scope.start_at.as_ref()?.value;
                scope
                    .states
                    .iter()
                    .copied()
                    .find(|&id| &model.states[id].name == name)
            })
            .collect();
        let timeout_seconds = model
            .root
            .get("TimeoutSeconds")
            .and_then(Node::as_f64_lenient);
        let context_needs_input = any_string(model.root, &mut may_read_execution_input);
        Ok(Plan {
            context_needs_input,
            starts,
            states,
            timeout_seconds,
        })
    }

    pub fn start_of(&self, scope: ScopeId) -> Option<StateId> {
        self.starts.get(scope).copied().flatten()
    }
}

fn compile_state(model: &StateMachine<'_>, id: StateId) -> Result<StatePlan, Unsupported> {
    let state = &model.states[id];
    let node = state.node;
    let unsupported = |message: String| Unsupported {
        state: state.name.to_string(),
        message,
    };
    if state.query_language == QueryLanguage::Jsonata {
        return Err(unsupported(
            "JSONata states cannot run yet (the JSONata engine is the next piece of work); JSONPath states can".into(),
        ));
    }
    let path_of = |field: &str| -> Result<PathSpec, Unsupported> {
        match node.get(field) {
            None => Ok(PathSpec::Absent),
            Some(n) if n.is_null() => Ok(PathSpec::Null),
            Some(n) => {
                let text = n.as_str().unwrap_or_default();
                path::parse(text)
                    .map(|p| PathSpec::Path(p, text.to_string()))
                    .map_err(|e| unsupported(format!("{field}: {}", e.message)))
            }
        }
    };
    let template_of = |field: &str| -> Result<Option<Template>, Unsupported> {
        node.get(field)
            .map(|n| {
                Template::compile(&n.to_value()).map_err(|e| unsupported(format!("{field}: {e}")))
            })
            .transpose()
    };
    // `field` of `node` as a number, or `{field}Path` as the path to one.
    let nested_number_of = |node: &Node, field: &str| -> Result<Option<NumberSpec>, Unsupported> {
        if let Some(n) = node.get(field).and_then(Node::as_f64_lenient) {
            return Ok(Some(NumberSpec::Literal(n)));
        }
        match node.get(&format!("{field}Path")).and_then(Node::as_str) {
            Some(text) => path::parse(text)
                .map(|p| Some(NumberSpec::Path(p, text.to_string())))
                .map_err(|e| unsupported(format!("{field}Path: {}", e.message))),
            None => Ok(None),
        }
    };
    let number_of = |field: &str| nested_number_of(node, field);
    let target = |name: &str| -> Result<StateId, Unsupported> {
        model.scopes[state.scope]
            .states
            .iter()
            .copied()
            .find(|&s| model.states[s].name == name)
            .ok_or_else(|| unsupported(format!("no state named '{name}'")))
    };
    let result_path = |n: Option<&Node>| -> Result<ResultPathSpec, Unsupported> {
        match n {
            None => Ok(ResultPathSpec::Default),
            Some(n) if n.is_null() => Ok(ResultPathSpec::Discard),
            Some(n) => path::parse(n.as_str().unwrap_or_default())
                .map(ResultPathSpec::Path)
                .map_err(|e| unsupported(format!("ResultPath: {}", e.message))),
        }
    };
    let text_of = |field: &str| -> Result<Option<TextSpec>, Unsupported> {
        if let Some(s) = node.get(field).and_then(Node::as_str) {
            return Ok(Some(TextSpec::Literal(s.to_string())));
        }
        match node.get(&format!("{field}Path")).and_then(Node::as_str) {
            Some(text) => Expr::compile(text)
                .map(|e| Some(TextSpec::Expr(e)))
                .map_err(|e| unsupported(format!("{field}Path: {e}"))),
            None => Ok(None),
        }
    };
    let state_type = state
        .state_type
        .as_ref()
        .map(|t| t.value.clone())
        .unwrap_or(StateType::Unknown(String::new()));
    let body = match &state_type {
        StateType::Pass => Body::Pass {
            result: node.get("Result").map(Node::to_value),
        },
        StateType::Succeed => Body::Succeed,
        StateType::Fail => Body::Fail {
            error: text_of("Error")?,
            cause: text_of("Cause")?,
        },
        StateType::Choice => {
            let mut rules = Vec::new();
            let rule_nodes = node
                .get("Choices")
                .and_then(Node::as_array)
                .unwrap_or_default();
            for (i, rule) in state.choices.iter().enumerate() {
                let next = rule.next.as_ref().map(|n| target(n.value)).transpose()?;
                if let Some(next) = next {
                    let compiled = Rule::compile(&rule.condition)
                        .map_err(|e| unsupported(format!("Choices: {e}")))?;
                    let assign = rule_nodes
                        .get(i)
                        .and_then(|n| n.get("Assign"))
                        .map(|n| {
                            Template::compile(&n.to_value())
                                .map_err(|e| unsupported(format!("Assign: {e}")))
                        })
                        .transpose()?;
                    rules.push((compiled, next, assign));
                }
            }
            let default = state
                .default
                .as_ref()
                .map(|d| target(d.value))
                .transpose()?;
            Body::Choice { rules, default }
        }
        StateType::Wait => {
            let wait = if let Some(ts) = node.get("Timestamp").and_then(Node::as_str) {
                WaitPlan::Timestamp(ts.to_string())
            } else if let Some(p) = node.get("TimestampPath").and_then(Node::as_str) {
                WaitPlan::TimestampPath(
                    path::parse(p)
                        .map_err(|e| unsupported(format!("TimestampPath: {}", e.message)))?,
                    p.to_string(),
                )
            } else {
                WaitPlan::Seconds(number_of("Seconds")?.unwrap_or(NumberSpec::Literal(0.0)))
            };
            Body::Wait(wait)
        }
        StateType::Task => Body::Task(Box::new(TaskPlan {
            resource: state
                .resource
                .map(|r| r.value.to_string())
                .unwrap_or_default(),
            timeout_seconds: number_of("TimeoutSeconds")?,
            heartbeat_seconds: number_of("HeartbeatSeconds")?,
            credentials: template_of("Credentials")?,
        })),
        StateType::Parallel => Body::Parallel {
            branches: state.branches.clone(),
        },
        StateType::Map => {
            let processor = state
                .processor
                .ok_or_else(|| unsupported("Map without ItemProcessor".into()))?;
            let config = node
                .get("ItemProcessor")
                .or_else(|| node.get("Iterator"))
                .and_then(|p| p.get("ProcessorConfig"));
            let distributed =
                config.and_then(|c| c.get("Mode")).and_then(Node::as_str) == Some("DISTRIBUTED");
            let item_reader = node
                .get("ItemReader")
                .map(super::items::compile_reader)
                .transpose()
                .map_err(unsupported)?;
            let result_writer = node
                .get("ResultWriter")
                .map(super::items::compile_writer)
                .transpose()
                .map_err(unsupported)?;
            let batcher = node.get("ItemBatcher");
            Body::Map(Box::new(MapPlan {
                processor,
                items_path: path_of("ItemsPath")?,
                item_selector: if node.get("ItemSelector").is_some() {
                    template_of("ItemSelector")?
                } else {
                    template_of("Parameters")?
                },
                max_concurrency: number_of("MaxConcurrency")?,
                tolerated_failure_count: number_of("ToleratedFailureCount")?,
                tolerated_failure_percentage: number_of("ToleratedFailurePercentage")?,
                batching: batcher.is_some(),
                max_items_per_batch: match batcher {
                    Some(b) => nested_number_of(b, "MaxItemsPerBatch")?,
                    None => None,
                },
                max_input_bytes_per_batch: match batcher {
                    Some(b) => nested_number_of(b, "MaxInputBytesPerBatch")?,
                    None => None,
                },
                // A payload template: its `.$` fields are evaluated per Map state.
                batch_input: batcher
                    .and_then(|b| b.get("BatchInput"))
                    .map(|n| {
                        Template::compile(&n.to_value())
                            .map_err(|e| unsupported(format!("ItemBatcher.BatchInput: {e}")))
                    })
                    .transpose()?,
                distributed,
                label: node.get("Label").and_then(Node::as_str).map(str::to_string),
                item_reader,
                result_writer,
                takes_items: false,
            }))
        }
        StateType::Unknown(t) => return Err(unsupported(format!("unknown state type '{t}'"))),
    };
    let retry = node
        .get("Retry")
        .and_then(Node::as_array)
        .unwrap_or_default()
        .iter()
        .map(|r| RetrierPlan {
            error_equals: strings(r.get("ErrorEquals")),
            interval_seconds: r
                .get("IntervalSeconds")
                .and_then(Node::as_f64_lenient)
                .unwrap_or(1.0),
            max_attempts: r
                .get("MaxAttempts")
                .and_then(Node::as_i64_lenient)
                .unwrap_or(3)
                .max(0) as u32,
            backoff_rate: r
                .get("BackoffRate")
                .and_then(Node::as_f64_lenient)
                .unwrap_or(2.0),
            max_delay_seconds: r.get("MaxDelaySeconds").and_then(Node::as_f64_lenient),
            full_jitter: r.get("JitterStrategy").and_then(Node::as_str) == Some("FULL"),
        })
        .collect();
    let mut catch = Vec::new();
    for c in node
        .get("Catch")
        .and_then(Node::as_array)
        .unwrap_or_default()
    {
        let Some(next) = c.get("Next").and_then(Node::as_str) else {
            continue;
        };
        catch.push(CatcherPlan {
            error_equals: strings(c.get("ErrorEquals")),
            next: target(next)?,
            result_path: result_path(c.get("ResultPath"))?,
            assign: c
                .get("Assign")
                .map(|n| {
                    Template::compile(&n.to_value())
                        .map_err(|e| unsupported(format!("Catch Assign: {e}")))
                })
                .transpose()?,
        });
    }
    let parameters = if matches!(state_type, StateType::Map) {
        None
    } else {
        template_of("Parameters")?
    };
    let mut plan = StatePlan {
        id,
        name: state.name.to_string(),
        shared_name: state.name.into(),
        context_parts: context_parts(state.node),
        state_type,
        flow: JsonPathFlow {
            input_path: path_of("InputPath")?,
            output_path: path_of("OutputPath")?,
            parameters,
            result_selector: template_of("ResultSelector")?,
            result_path: result_path(node.get("ResultPath"))?,
            assign: template_of("Assign")?,
        },
        next: state.next.as_ref().map(|n| target(n.value)).transpose()?,
        retry,
        catch,
        body,
    };
    let takes = matches!(&plan.body, Body::Map(map) if takes_items(&plan, map));
    if let Body::Map(map) = &mut plan.body {
        map.takes_items = takes;
    }
    Ok(plan)
}

/// Whether an inline Map's input is read only to find its items: a large
/// array is then moved out of the input, not copied item by item. Nothing else
/// may read the input after `ItemsPath`: no `InputPath` (its copy would be
/// read instead), no `*Path` number, batcher, reader or writer, an
/// `ItemSelector` that reads only the context, no retrier (a retry reads the
/// input again), and the result (or a catcher's error output) replacing the
/// input, not placed in it.
fn takes_items(sp: &StatePlan, map: &MapPlan) -> bool {
    let items_path_plain = match &map.items_path {
        PathSpec::Absent => true,
        PathSpec::Null => false,
        PathSpec::Path(p, _) => p.root == path::Root::Input && p.is_reference(),
    };
    let replaces = |r: &ResultPathSpec| match r {
        ResultPathSpec::Default => true,
        ResultPathSpec::Discard => false,
        ResultPathSpec::Path(p) => p.root == path::Root::Input && p.segments.is_empty(),
    };
    let literal = |n: &Option<NumberSpec>| !matches!(n, Some(NumberSpec::Path(..)));
    !map.distributed
        && map.item_reader.is_none()
        && map.result_writer.is_none()
        && !map.batching
        && items_path_plain
        && matches!(sp.flow.input_path, PathSpec::Absent)
        && literal(&map.max_concurrency)
        && literal(&map.tolerated_failure_count)
        && literal(&map.tolerated_failure_percentage)
        && map.item_selector.as_ref().is_none_or(|t| !t.reads_input())
        && sp.retry.is_empty()
        && replaces(&sp.flow.result_path)
        && sp.catch.iter().all(|c| replaces(&c.result_path))
}

fn strings(node: Option<&Node>) -> Vec<String> {
    node.and_then(Node::as_array)
        .unwrap_or_default()
        .iter()
        .filter_map(|n| n.as_str().map(str::to_string))
        .collect()
}

/// Whether `text` may read `$$.Execution.Input`: conservatively, any `$$` not
/// followed by a context field known to be something else.
fn may_read_execution_input(text: &str) -> bool {
    const OTHER: &[&str] = &[
        ".State.",
        ".State'",
        ".State)",
        ".StateMachine",
        ".Map.",
        ".Task.",
        ".Execution.Id",
        ".Execution.Name",
        ".Execution.RoleArn",
        ".Execution.StartTime",
        ".Execution.RedriveCount",
    ];
    let mut rest = text;
    while let Some(i) = rest.find("$$") {
        let after = &rest[i + 2..];
        let field_end = after
            .find(|c: char| !(c.is_alphanumeric() || c == '.' || c == '_'))
            .unwrap_or(after.len());
        let field = &after[..field_end];
        let known = OTHER.iter().any(|o| {
            let o = o.trim_end_matches(['\'', ')']);
            field == o.trim_end_matches('.') || field.starts_with(o)
        });
        if !known {
            return true;
        }
        rest = after;
    }
    false
}

/// Which members of the context object (`$$`) a state can read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ContextParts {
    /// Whether the state reads the context at all (`$$.Map` or `$$.Task` alone included).
    pub used: bool,
    pub execution: bool,
    pub state: bool,
    pub state_machine: bool,
}

impl ContextParts {
    const ALL: ContextParts = ContextParts {
        used: true,
        execution: true,
        state: true,
        state_machine: true,
    };
}

/// The context members named after each `$$.` in the state's strings. Anything
/// else (`$$` alone, `$$['Execution']`, JSONata's `$states`) may read them all.
/// `Task` and `Map` are added by the engine where they exist.
fn context_parts(node: &Node) -> ContextParts {
    let mut parts = ContextParts::default();
    any_string(node, &mut |s: &str| {
        if s.contains("$states") {
            parts = ContextParts::ALL;
            return true;
        }
        let mut rest = s;
        while let Some(at) = rest.find("$$") {
            parts.used = true;
            rest = &rest[at + 2..];
            let member: String = rest
                .strip_prefix('.')
                .unwrap_or("")
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            match member.as_str() {
                "Execution" => parts.execution = true,
                "State" => parts.state = true,
                "StateMachine" => parts.state_machine = true,
                "Task" | "Map" => {}
                _ => {
                    parts = ContextParts::ALL;
                    return true;
                }
            }
        }
        false
    });
    parts
}

/// Whether any string (key or value) in the tree satisfies `test`.
fn any_string(node: &Node, test: &mut dyn FnMut(&str) -> bool) -> bool {
    use crate::load::NodeKind;
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        match &n.kind {
            NodeKind::String(s) if test(s) => return true,
            NodeKind::Array(items) => stack.extend(items.iter()),
            NodeKind::Object(entries) => {
                for e in entries {
                    if test(&e.key) {
                        return true;
                    }
                    stack.push(&e.value);
                }
            }
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod context_tests {
    use super::may_read_execution_input as reads;

    #[test]
    fn only_paths_that_may_reach_the_execution_input_need_it() {
        assert!(reads("$$.Execution.Input.order"));
        assert!(reads("$$.Execution"));
        assert!(reads("$$"));
        assert!(reads("States.JsonToString($$)"));
        assert!(reads("$$['Execution']"));
        assert!(!reads("$$.Map.Item.Value.id"));
        assert!(!reads("$$.State.EnteredTime"));
        assert!(!reads("$$.Execution.Id"));
        assert!(!reads(
            "States.Format('{} {}', $$.Execution.Name, $$.StateMachine.Name)"
        ));
        assert!(!reads("$.plain"));
    }
}
