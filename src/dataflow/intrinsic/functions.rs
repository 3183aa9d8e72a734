//! The intrinsic functions, their arities and argument types, and the checks
//! that need only the call as written.

use super::parser::{Arg, ArgKind, Call};
use crate::load::Span;

/// A JSON type an argument must have, or a function returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Any,
    String,
    Number,
    Integer,
    Boolean,
    Array,
    Object,
}

impl Type {
    pub fn as_str(self) -> &'static str {
        match self {
            Type::Any => "any value",
            Type::String => "a string",
            Type::Number => "a number",
            Type::Integer => "an integer",
            Type::Boolean => "a boolean",
            Type::Array => "an array",
            Type::Object => "an object",
        }
    }
    /// Whether a value of type `self` can never be used where `want` is expected.
    fn conflicts_with(self, want: Type) -> bool {
        match (self, want) {
            (Type::Any, _) | (_, Type::Any) => false,
            (Type::Integer, Type::Number) | (Type::Number, Type::Integer) => false,
            (a, b) => a != b,
        }
    }
}

pub struct Function {
    pub name: &'static str,
    pub min: usize,
    /// `None`: any number.
    pub max: Option<usize>,
    /// The type of each argument; past the end, the last one repeats.
    pub params: &'static [Type],
    pub returns: Type,
    pub summary: &'static str,
}

impl Function {
    pub fn param(&self, i: usize) -> Type {
        self.params
            .get(i)
            .or(self.params.last())
            .copied()
            .unwrap_or(Type::Any)
    }
    /// `1`, `2 or 3`, `at least 1`.
    pub fn arity(&self) -> String {
        match self.max {
            None => format!("at least {}", self.min),
            Some(max) if max == self.min => self.min.to_string(),
            Some(max) if max == self.min + 1 => format!("{} or {max}", self.min),
            Some(max) => format!("{} to {max}", self.min),
        }
    }
}

use Type as T;

/// All 18 intrinsic functions of JSONPath states.
pub static FUNCTIONS: &[Function] = &[
    Function {
        name: "States.Format",
        min: 1,
        max: None,
        params: &[T::String, T::Any],
        returns: T::String,
        summary: "States.Format('template with {}', value, ...)",
    },
    Function {
        name: "States.StringToJson",
        min: 1,
        max: Some(1),
        params: &[T::String],
        returns: T::Any,
        summary: "States.StringToJson(string)",
    },
    Function {
        name: "States.JsonToString",
        min: 1,
        max: Some(1),
        params: &[T::Any],
        returns: T::String,
        summary: "States.JsonToString(value)",
    },
    Function {
        name: "States.Array",
        min: 0,
        max: None,
        params: &[T::Any],
        returns: T::Array,
        summary: "States.Array(value, ...)",
    },
    Function {
        name: "States.ArrayPartition",
        min: 2,
        max: Some(2),
        params: &[T::Array, T::Integer],
        returns: T::Array,
        summary: "States.ArrayPartition(array, chunkSize)",
    },
    Function {
        name: "States.ArrayContains",
        min: 2,
        max: Some(2),
        params: &[T::Array, T::Any],
        returns: T::Boolean,
        summary: "States.ArrayContains(array, value)",
    },
    Function {
        name: "States.ArrayRange",
        min: 3,
        max: Some(3),
        params: &[T::Integer, T::Integer, T::Integer],
        returns: T::Array,
        summary: "States.ArrayRange(first, last, step)",
    },
    Function {
        name: "States.ArrayGetItem",
        min: 2,
        max: Some(2),
        params: &[T::Array, T::Integer],
        returns: T::Any,
        summary: "States.ArrayGetItem(array, index)",
    },
    Function {
        name: "States.ArrayLength",
        min: 1,
        max: Some(1),
        params: &[T::Array],
        returns: T::Integer,
        summary: "States.ArrayLength(array)",
    },
    Function {
        name: "States.ArrayUnique",
        min: 1,
        max: Some(1),
        params: &[T::Array],
        returns: T::Array,
        summary: "States.ArrayUnique(array)",
    },
    Function {
        name: "States.Base64Encode",
        min: 1,
        max: Some(1),
        params: &[T::String],
        returns: T::String,
        summary: "States.Base64Encode(string)",
    },
    Function {
        name: "States.Base64Decode",
        min: 1,
        max: Some(1),
        params: &[T::String],
        returns: T::String,
        summary: "States.Base64Decode(base64)",
    },
    Function {
        name: "States.Hash",
        min: 2,
        max: Some(2),
        params: &[T::Any, T::String],
        returns: T::String,
        summary: "States.Hash(value, 'SHA-256')",
    },
    Function {
        name: "States.JsonMerge",
        min: 3,
        max: Some(3),
        params: &[T::Object, T::Object, T::Boolean],
        returns: T::Object,
        summary: "States.JsonMerge(object1, object2, false)",
    },
    Function {
        name: "States.MathRandom",
        min: 2,
        max: Some(3),
        params: &[T::Integer, T::Integer, T::Integer],
        returns: T::Integer,
        summary: "States.MathRandom(start, end[, seed])",
    },
    Function {
        name: "States.MathAdd",
        min: 2,
        max: Some(2),
        params: &[T::Number, T::Number],
        returns: T::Number,
        summary: "States.MathAdd(number, number)",
    },
    Function {
        name: "States.StringSplit",
        min: 2,
        max: Some(2),
        params: &[T::String, T::String],
        returns: T::Array,
        summary: "States.StringSplit(string, separators)",
    },
    Function {
        name: "States.UUID",
        min: 0,
        max: Some(0),
        params: &[],
        returns: T::String,
        summary: "States.UUID()",
    },
];

/// The algorithms `States.Hash` accepts.
pub const HASH_ALGORITHMS: &[&str] = &["MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"];

/// `States.ArrayRange` may produce at most this many items.
pub const ARRAY_RANGE_MAX: i64 = 1000;

pub fn lookup(name: &str) -> Option<&'static Function> {
    FUNCTIONS.iter().find(|f| f.name == name)
}

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// AWS refuses the definition: an unknown function, a wrong number of arguments.
    Invalid,
    /// The definition is accepted, but every evaluation fails with `States.Runtime`.
    FailsAtRunTime,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub severity: Severity,
    /// Byte range in the call's text.
    pub span: Span,
    pub message: String,
    pub help: String,
}

/// Every problem of a call and of the calls nested in it.
pub fn check(call: &Call) -> Vec<Problem> {
    let mut out = Vec::new();
    check_into(call, &mut out);
    out
}

fn check_into(call: &Call, out: &mut Vec<Problem>) {
    for arg in &call.args {
        if let ArgKind::Call(inner) = &arg.kind {
            check_into(inner, out);
        }
    }
    let Some(f) = lookup(&call.name) else {
        let names = FUNCTIONS.iter().map(|f| f.name);
        let help = match crate::diagnostic::closest(&call.name, names) {
            Some(similar) => format!("did you mean {similar}?"),
            None => "the intrinsic functions are States.Format, StringToJson, JsonToString, Array, ArrayPartition, ArrayContains, ArrayRange, ArrayGetItem, ArrayLength, ArrayUnique, Base64Encode, Base64Decode, Hash, JsonMerge, MathRandom, MathAdd, StringSplit and UUID".into(),
        };
        out.push(Problem {
            severity: Severity::Invalid,
            span: call.name_span,
            message: format!("'{}' is not an intrinsic function", call.name),
            help,
        });
        return;
    };
    let n = call.args.len();
    if n < f.min || f.max.is_some_and(|max| n > max) {
        let plural = if f.max == Some(1) && f.min == 1 {
            "argument"
        } else {
            "arguments"
        };
        out.push(Problem {
            severity: Severity::Invalid,
            span: call.span,
            message: format!(
                "{} takes {} {plural}, but {n} {} given",
                f.name,
                f.arity(),
                if n == 1 { "is" } else { "are" }
            ),
            help: format!("call it as {}", f.summary),
        });
        return;
    }
    for (i, arg) in call.args.iter().enumerate() {
        check_type(f, i, arg, out);
    }
    check_values(f, call, out);
}

fn literal_type(arg: &Arg) -> Option<Type> {
    match &arg.kind {
        ArgKind::String { .. } => Some(Type::String),
        ArgKind::Number(n) => Some(if n.is_f64() {
            Type::Number
        } else {
            Type::Integer
        }),
        ArgKind::Bool(_) => Some(Type::Boolean),
        ArgKind::Null => None,
        ArgKind::Path(_) => Some(Type::Any),
        ArgKind::Call(c) => Some(lookup(&c.name).map(|f| f.returns).unwrap_or(Type::Any)),
    }
}

fn check_type(f: &Function, i: usize, arg: &Arg, out: &mut Vec<Problem>) {
    let want = f.param(i);
    if want == Type::Any {
        return;
    }
    let ordinal = ordinal(i);
    if matches!(arg.kind, ArgKind::Null) {
        out.push(fails(
            arg.span,
            format!(
                "the {ordinal} argument of {} must be {}, not null",
                f.name,
                want.as_str()
            ),
            f,
        ));
        return;
    }
    let Some(have) = literal_type(arg) else {
        return;
    };
    // A fraction where an integer is wanted is truncated, not refused (see
    // `intrinsic::eval`): only the wrong kind of value fails.
    if have.conflicts_with(want) {
        let what = match &arg.kind {
            ArgKind::Call(c) => format!("{} returns {}", c.name, have.as_str()),
            _ => format!("this is {}", have.as_str()),
        };
        out.push(fails(
            arg.span,
            format!(
                "the {ordinal} argument of {} must be {}: {what}",
                f.name,
                want.as_str()
            ),
            f,
        ));
    }
}

fn fails(span: Span, message: String, f: &Function) -> Problem {
    Problem {
        severity: Severity::FailsAtRunTime,
        span,
        message,
        help: format!(
            "every execution that reaches this fails with States.Runtime, which no Catch or Retry sees; call it as {}",
            f.summary
        ),
    }
}

fn ordinal(i: usize) -> &'static str {
    ["first", "second", "third", "fourth", "fifth"]
        .get(i)
        .copied()
        .unwrap_or("next")
}

/// A literal number where an integer is wanted, as evaluation takes it: without
/// its fraction. (`None`: not a literal number, or one too large to judge.)
fn int(arg: Option<&Arg>) -> Option<i64> {
    literal(arg, super::eval::java_truncate)
}

/// A literal number as `States.MathAdd` takes it: rounded half up (Java's `Math.round`).
fn rounded(arg: Option<&Arg>) -> Option<i64> {
    literal(arg, super::eval::java_round)
}

/// A literal number as evaluation takes it, `to_integer` for one written with a
/// fraction or an exponent; beyond 9e15 (about 2^53, where doubles stop being
/// exact integers) such a one is not judged.
fn literal(arg: Option<&Arg>, to_integer: fn(f64) -> Option<i64>) -> Option<i64> {
    match &arg?.kind {
        ArgKind::Number(n) => n.as_i64().or_else(|| {
            to_integer(n.as_f64()?).filter(|v| v.unsigned_abs() < 9_000_000_000_000_000)
        }),
        _ => None,
    }
}

/// What a message adds about a literal written with a fraction: what it becomes.
fn truncated_note(arg: &Arg, value: i64) -> String {
    match &arg.kind {
        ArgKind::Number(n) if n.as_i64().is_none() => format!(" ({n} is truncated to {value})"),
        _ => String::new(),
    }
}

/// Checks of literal values, beyond their types.
fn check_values(f: &Function, call: &Call, out: &mut Vec<Problem>) {
    let args = &call.args;
    match f.name {
        "States.Format" => {
            if let Some(ArgKind::String { raw, .. }) = args.first().map(|a| &a.kind) {
                let Braces {
                    placeholders,
                    stray,
                } = braces(raw);
                if stray {
                    out.push(Problem {
                        severity: Severity::FailsAtRunTime,
                        span: args[0].span,
                        message:
                            "the template has a '{' or '}' that is not part of a placeholder '{}'"
                                .into(),
                        help: "write a literal brace as \\{ or \\}".into(),
                    });
                    return;
                }
                let values = args.len() - 1;
                if placeholders != values {
                    out.push(Problem {
                        severity: Severity::FailsAtRunTime,
                        span: args[0].span,
                        message: format!(
                            "the template has {placeholders} placeholder{} '{{}}' but {values} value{} follow{}",
                            if placeholders == 1 { "" } else { "s" },
                            if values == 1 { "" } else { "s" },
                            if values == 1 { "s" } else { "" },
                        ),
                        help: "give one value per '{}'; write a literal brace as \\{ or \\}".into(),
                    });
                }
            }
        }
        "States.Hash" => {
            if let Some(ArgKind::String { value, .. }) = args.get(1).map(|a| &a.kind)
                && let Some(value) = value.as_str()
                && !HASH_ALGORITHMS.contains(&value)
            {
                out.push(Problem {
                    severity: Severity::FailsAtRunTime,
                    span: args[1].span,
                    message: format!("'{value}' is not a hash algorithm States.Hash supports"),
                    help: format!("use one of {}", HASH_ALGORITHMS.join(", ")),
                });
            }
        }
        "States.JsonMerge" => {
            if let Some(ArgKind::Bool(true)) = args.get(2).map(|a| &a.kind) {
                out.push(Problem {
                    severity: Severity::FailsAtRunTime,
                    span: args[2].span,
                    message: "States.JsonMerge supports only a shallow merge: its third argument must be false".into(),
                    help: "pass false; for a deep merge, merge the nested objects one level at a time".into(),
                });
            }
        }
        "States.ArrayPartition" => {
            if let Some(size) = int(args.get(1))
                && size <= 0
            {
                out.push(Problem {
                    severity: Severity::FailsAtRunTime,
                    span: args[1].span,
                    message: format!(
                        "the chunk size of States.ArrayPartition must be positive, not {size}{}",
                        truncated_note(&args[1], size)
                    ),
                    help: "use a chunk size of 1 or more".into(),
                });
            }
        }
        "States.MathAdd" => {
            // Java ints, as AWS adds them: an operand or a sum beyond them fails.
            let operands = [rounded(args.first()), rounded(args.get(1))];
            for (arg, value) in args.iter().zip(operands) {
                if let Some(v) = value.filter(|v| i32::try_from(*v).is_err()) {
                    out.push(Problem {
                        severity: Severity::FailsAtRunTime,
                        span: arg.span,
                        message: format!(
                            "States.MathAdd adds 32-bit integers: {v} is outside -2147483648 to 2147483647"
                        ),
                        help: "keep the operands and their sum within -2147483648 to 2147483647".into(),
                    });
                }
            }
            if let [Some(x), Some(y)] = operands
                && i32::try_from(x).is_ok()
                && i32::try_from(y).is_ok()
                && i32::try_from(x + y).is_err()
            {
                out.push(Problem {
                    severity: Severity::FailsAtRunTime,
                    span: call.span,
                    message: format!(
                        "the sum {} is outside -2147483648 to 2147483647, the 32-bit integers States.MathAdd adds",
                        x + y
                    ),
                    help: "keep the operands and their sum within -2147483648 to 2147483647".into(),
                });
            }
        }
        "States.ArrayGetItem" => {
            if let Some(index) = int(args.get(1))
                && index < 0
            {
                out.push(Problem {
                    severity: Severity::FailsAtRunTime,
                    span: args[1].span,
                    message: format!("the index of States.ArrayGetItem must not be negative, not {index}{}", truncated_note(&args[1], index)),
                    help: "indexes start at 0; for the last item use States.MathAdd(States.ArrayLength(array), -1)".into(),
                });
            }
        }
        "States.ArrayRange" => {
            if let (Some(first), Some(last), Some(step)) =
                (int(args.first()), int(args.get(1)), int(args.get(2)))
            {
                if step == 0 {
                    out.push(Problem {
                        severity: Severity::FailsAtRunTime,
                        span: args[2].span,
                        message: format!(
                            "the step of States.ArrayRange must not be 0{}",
                            truncated_note(&args[2], step)
                        ),
                        help: "use a positive step to count up, a negative one to count down"
                            .into(),
                    });
                } else {
                    let count = (last as i128 - first as i128) / step as i128 + 1;
                    if count > ARRAY_RANGE_MAX as i128 {
                        out.push(Problem {
                            severity: Severity::FailsAtRunTime,
                            span: call.span,
                            message: format!("States.ArrayRange would produce {count} items; at most {ARRAY_RANGE_MAX} are allowed"),
                            help: "use a larger step or a smaller range".into(),
                        });
                    }
                }
            }
        }
        _ => {}
    }
}

/// The braces of a States.Format template as written (`\{` and `\}` are literal
/// braces): its `{}` placeholders, and whether a `{` or `}` is neither escaped
/// nor half of one (`'Hello {{}}'`, `'}'`), which AWS fails with
/// `States.Runtime`, as a characterization suite run on AWS records.
pub struct Braces {
    pub placeholders: usize,
    pub stray: bool,
}

pub fn braces(raw: &str) -> Braces {
    let mut found = Braces {
        placeholders: 0,
        stray: false,
    };
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '{' if chars.peek() == Some(&'}') => {
                chars.next();
                found.placeholders += 1;
            }
            '{' | '}' => found.stray = true,
            _ => {}
        }
    }
    found
}
