//! The typed ASL model, built from the spanned tree.
//!
//! Building never fails: a definition with mistakes still yields a model (with
//! the broken parts left out or marked unknown) so that every rule can run and
//! report everything at once. What is wrong is the validator's business.

mod build;

pub use build::{COMPARISON_OPERATORS, build, misplaced_query_language};

use crate::load::{Node, Span};

/// A value and where it was written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QueryLanguage {
    JsonPath,
    Jsonata,
}

impl QueryLanguage {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "JSONPath" => Some(QueryLanguage::JsonPath),
            "JSONata" => Some(QueryLanguage::Jsonata),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            QueryLanguage::JsonPath => "JSONPath",
            QueryLanguage::Jsonata => "JSONata",
        }
    }
}

pub type StateId = usize;
pub type ScopeId = usize;

/// Borrows the definition's tree: building the model copies no part of it.
#[derive(Debug, Clone)]
pub struct StateMachine<'a> {
    pub root: &'a Node,
    /// The machine-wide default, `JSONPath` unless `QueryLanguage` says otherwise.
    pub query_language: QueryLanguage,
    /// `scopes[0]` is the top level.
    pub scopes: Vec<Scope<'a>>,
    pub states: Vec<State<'a>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    Root,
    /// A Parallel state's branch.
    Branch {
        parallel: StateId,
        index: usize,
    },
    /// A Map state's `ItemProcessor` (or legacy `Iterator`).
    ItemProcessor {
        map: StateId,
    },
}

/// A set of states with its own `StartAt`: transitions never leave it.
#[derive(Debug, Clone)]
pub struct Scope<'a> {
    pub id: ScopeId,
    pub kind: ScopeKind,
    /// Pointer to the object holding `StartAt` and `States`.
    pub pointer: String,
    pub span: Span,
    pub start_at: Option<Spanned<&'a str>>,
    pub states: Vec<StateId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateType {
    Pass,
    Task,
    Choice,
    Wait,
    Succeed,
    Fail,
    Parallel,
    Map,
    Unknown(String),
}

impl StateType {
    pub fn parse(s: &str) -> StateType {
        match s {
            "Pass" => StateType::Pass,
            "Task" => StateType::Task,
            "Choice" => StateType::Choice,
            "Wait" => StateType::Wait,
            "Succeed" => StateType::Succeed,
            "Fail" => StateType::Fail,
            "Parallel" => StateType::Parallel,
            "Map" => StateType::Map,
            other => StateType::Unknown(other.to_string()),
        }
    }
    pub fn as_str(&self) -> &str {
        match self {
            StateType::Pass => "Pass",
            StateType::Task => "Task",
            StateType::Choice => "Choice",
            StateType::Wait => "Wait",
            StateType::Succeed => "Succeed",
            StateType::Fail => "Fail",
            StateType::Parallel => "Parallel",
            StateType::Map => "Map",
            StateType::Unknown(s) => s,
        }
    }
    /// Succeed and Fail end their scope; Choice never does.
    pub fn is_terminal_type(&self) -> bool {
        matches!(self, StateType::Succeed | StateType::Fail)
    }
}

#[derive(Debug, Clone)]
pub struct State<'a> {
    pub id: StateId,
    pub scope: ScopeId,
    pub name: &'a str,
    pub name_span: Span,
    /// Pointer to the state's object (`/States/Foo`).
    pub pointer: String,
    pub node: &'a Node,
    pub state_type: Option<Spanned<StateType>>,
    /// The state's own `QueryLanguage`, else the machine's.
    pub query_language: QueryLanguage,
    pub next: Option<Spanned<&'a str>>,
    pub end: bool,
    pub retry: Vec<Retrier<'a>>,
    pub catch: Vec<Catcher<'a>>,
    pub choices: Vec<ChoiceRule<'a>>,
    pub default: Option<Spanned<&'a str>>,
    pub resource: Option<Spanned<&'a str>>,
    /// Parallel branches.
    pub branches: Vec<ScopeId>,
    /// Map's `ItemProcessor`/`Iterator`.
    pub processor: Option<ScopeId>,
}

impl<'a> State<'a> {
    pub fn is(&self, t: &StateType) -> bool {
        self.state_type.as_ref().is_some_and(|s| &s.value == t)
    }
    pub fn type_name(&self) -> &str {
        self.state_type
            .as_ref()
            .map(|t| t.value.as_str())
            .unwrap_or("")
    }
    /// Whether reaching this state can end its scope.
    pub fn can_end(&self) -> bool {
        self.end
            || self
                .state_type
                .as_ref()
                .is_some_and(|t| t.value.is_terminal_type())
    }
    /// The targets of [`State::transitions`], in the same order, without building pointers.
    pub fn targets(&self) -> impl Iterator<Item = (&Spanned<&'a str>, Via)> + '_ {
        let choices = self.choices.iter().enumerate();
        let catch = self.catch.iter().enumerate();
        self.next
            .iter()
            .map(|n| (n, Via::Next))
            .chain(choices.filter_map(|(i, r)| r.next.as_ref().map(|n| (n, Via::Choice(i)))))
            .chain(self.default.iter().map(|n| (n, Via::Default)))
            .chain(catch.filter_map(|(i, c)| c.next.as_ref().map(|n| (n, Via::Catch(i)))))
    }
    /// The pointer of the field naming the target of a transition `via`.
    pub fn transition_pointer(&self, via: Via) -> String {
        match via {
            Via::Next => format!("{}/Next", self.pointer),
            Via::Choice(i) => format!("{}/Next", self.choices[i].pointer),
            Via::Default => format!("{}/Default", self.pointer),
            Via::Catch(i) => format!("{}/Next", self.catch[i].pointer),
        }
    }
    /// Every outgoing transition: `Next`, Choice rules' `Next`, `Default`, Catch `Next`.
    pub fn transitions(&self) -> Vec<Transition<'a>> {
        let mut out = Vec::new();
        if let Some(n) = &self.next {
            out.push(Transition {
                target: *n,
                pointer: format!("{}/Next", self.pointer),
                via: Via::Next,
            });
        }
        for (i, rule) in self.choices.iter().enumerate() {
            if let Some(n) = &rule.next {
                out.push(Transition {
                    target: *n,
                    pointer: format!("{}/Next", rule.pointer),
                    via: Via::Choice(i),
                });
            }
        }
        if let Some(n) = &self.default {
            out.push(Transition {
                target: *n,
                pointer: format!("{}/Default", self.pointer),
                via: Via::Default,
            });
        }
        for (i, c) in self.catch.iter().enumerate() {
            if let Some(n) = &c.next {
                out.push(Transition {
                    target: *n,
                    pointer: format!("{}/Next", c.pointer),
                    via: Via::Catch(i),
                });
            }
        }
        out
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Next,
    Choice(usize),
    Default,
    Catch(usize),
}

#[derive(Debug, Clone)]
pub struct Transition<'a> {
    pub target: Spanned<&'a str>,
    /// Pointer to the field naming the target.
    pub pointer: String,
    pub via: Via,
}

#[derive(Debug, Clone)]
pub struct Retrier<'a> {
    pub pointer: String,
    pub span: Span,
    pub error_equals: Vec<Spanned<&'a str>>,
}

#[derive(Debug, Clone)]
pub struct Catcher<'a> {
    pub pointer: String,
    pub span: Span,
    pub error_equals: Vec<Spanned<&'a str>>,
    pub next: Option<Spanned<&'a str>>,
}

/// A top-level Choice rule (the only level that carries `Next`).
#[derive(Debug, Clone)]
pub struct ChoiceRule<'a> {
    pub pointer: String,
    pub span: Span,
    pub next: Option<Spanned<&'a str>>,
    pub condition: Condition<'a>,
}

#[derive(Debug, Clone)]
pub enum Condition<'a> {
    And(Vec<Condition<'a>>),
    Or(Vec<Condition<'a>>),
    Not(Box<Condition<'a>>),
    /// `Variable` with one comparison operator (`StringEquals`, `IsPresent`, ...).
    Compare {
        pointer: String,
        variable: Option<Spanned<&'a str>>,
        operator: Spanned<&'a str>,
        operand: &'a Node,
    },
    /// A JSONata `Condition` string.
    Jsonata {
        pointer: String,
        expression: Spanned<&'a str>,
    },
    /// Something the builder could not make sense of; the validator reports it.
    Invalid {
        pointer: String,
    },
}
