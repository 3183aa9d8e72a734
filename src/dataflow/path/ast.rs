//! The syntax tree of a JSONPath as Step Functions reads it. Every node keeps
//! its byte range in the text it was parsed from, for diagnostics; the engine
//! evaluates the same tree.

use crate::load::Span;

/// `$.a.b[0]`, `$$.Execution.Id`, `$var.field`, or `@.price` inside a filter.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    pub root: Root,
    pub segments: Vec<Segment>,
    pub span: Span,
}

/// What a path starts from.
#[derive(Debug, Clone, PartialEq)]
pub enum Root {
    /// `$`: the state's input (or, in `ResultSelector`, the result).
    Input,
    /// `$$`: the context object.
    Context,
    /// `$name`: a workflow variable set by `Assign`.
    Variable(String),
    /// `@`: the element a filter is looking at.
    Current,
}

/// One step of a path: `.name`, `['a']`, `[0]`, `[*]`, `..name`, `[?(...)]`, ...
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub selector: Selector,
    /// Written after `..`: applies at every depth below, not only to children.
    pub descendant: bool,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Selector {
    /// `.name` or `['name']`.
    Name(String),
    /// `['a','b']`.
    Names(Vec<String>),
    /// `.*` or `[*]`.
    Wildcard,
    /// `[2]`, `[-1]`.
    Index(i64),
    /// `[0,2]`.
    Indexes(Vec<i64>),
    /// `[1:3]`, `[:2]`, `[-2:]`, `[0:10:2]`.
    Slice {
        start: Option<i64>,
        end: Option<i64>,
        step: Option<i64>,
    },
    /// `[?(@.price < 10)]`.
    Filter(Filter),
    /// `[(@.length-1)]`: the text between the parentheses.
    Script(String),
    /// `.length()`: a Jayway function, with its argument text.
    Function { name: String, args: String },
}

/// A filter's condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    Or(Box<Filter>, Box<Filter>),
    And(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    /// `[?(@.isbn)]`: the operand exists (and is not false/null, as Jayway reads it).
    Exists(Operand),
    Compare {
        lhs: Operand,
        op: CompareOp,
        rhs: Operand,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    StrictEq,
    StrictNe,
    Lt,
    Le,
    Gt,
    Ge,
    /// `=~ /regex/flags`.
    Matches,
    In,
    Nin,
    SubsetOf,
    AnyOf,
    NoneOf,
    Size,
    Empty,
    Contains,
}

impl CompareOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Eq => "==",
            CompareOp::Ne => "!=",
            CompareOp::StrictEq => "===",
            CompareOp::StrictNe => "!==",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
            CompareOp::Matches => "=~",
            CompareOp::In => "in",
            CompareOp::Nin => "nin",
            CompareOp::SubsetOf => "subsetof",
            CompareOp::AnyOf => "anyof",
            CompareOp::NoneOf => "noneof",
            CompareOp::Size => "size",
            CompareOp::Empty => "empty",
            CompareOp::Contains => "contains",
        }
    }
}

/// A value in a filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Path(Path),
    String(String),
    Number(f64),
    Bool(bool),
    Null,
    Regex {
        pattern: String,
        flags: String,
    },
    /// A JSON array or object literal: `in ['a', 'b']` is read leniently, see `Bare`.
    Json(serde_json::Value),
    /// A word or literal that is none of the above (`@.kind == Foo`): kept as
    /// written, since AWS accepts such filters.
    Bare(String),
}

impl Path {
    /// A Reference Path: only `.name`, `['name']` and `[index]` steps, so it
    /// names at most one node (required where a value is written or a single
    /// value is read: `ResultPath`, `ItemsPath`, `SecondsPath`, ...).
    pub fn is_reference(&self) -> bool {
        self.first_non_reference().is_none()
    }

    /// The first step that keeps this from being a Reference Path.
    pub fn first_non_reference(&self) -> Option<&Segment> {
        self.segments.iter().find(|s| {
            let plain = match s.selector {
                Selector::Name(_) => true,
                Selector::Index(i) => i >= 0,
                _ => false,
            };
            s.descendant || !plain
        })
    }

    /// Whether the path can select at most one value (no wildcard, filter,
    /// slice, list or descent).
    pub fn is_definite(&self) -> bool {
        self.segments.iter().all(|s| {
            !s.descendant
                && matches!(
                    s.selector,
                    Selector::Name(_) | Selector::Index(_) | Selector::Function { .. }
                )
        })
    }
}
