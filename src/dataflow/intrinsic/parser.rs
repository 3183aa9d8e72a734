//! Tokens to a [`Call`] tree.

use super::IntrinsicError;
use super::lexer::{Tok, Token, lex};
use crate::dataflow::path::Path;
use crate::load::Span;

/// `States.Format('x {}', $.a)`: a call of an intrinsic function.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// As written, dots included: `States.Format`.
    pub name: String,
    pub name_span: Span,
    pub args: Vec<Arg>,
    /// From the name to the closing parenthesis.
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    pub kind: ArgKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ArgKind {
    /// `'text'`: `value` with escapes applied (a JSON string, so that a call
    /// borrows it rather than copying it each time); `raw` as written between
    /// the quotes.
    String {
        value: serde_json::Value,
        raw: String,
    },
    Number(serde_json::Number),
    Bool(bool),
    Null,
    /// `$.a`, `$$.Execution.Id`, `$var`.
    Path(Path),
    Call(Call),
}

/// Calls nest in calls: bounded so that hostile input cannot exhaust the stack.
pub const MAX_DEPTH: usize = 32;

/// Parses a whole string as one intrinsic call.
pub fn parse(text: &str) -> Result<Call, IntrinsicError> {
    let tokens = lex(text)?;
    let mut p = Parser {
        tokens: &tokens,
        pos: 0,
        text_len: text.len(),
        depth: 0,
    };
    let call = p.call()?;
    if let Some(t) = tokens.get(p.pos) {
        return Err(IntrinsicError {
            offset: t.span.start,
            message: "unexpected text after the end of the call".into(),
        });
    }
    Ok(call)
}

struct Parser<'t> {
    tokens: &'t [Token],
    pos: usize,
    text_len: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }
    fn here(&self) -> usize {
        self.peek().map(|t| t.span.start).unwrap_or(self.text_len)
    }
    fn error(&self, message: impl Into<String>) -> IntrinsicError {
        IntrinsicError {
            offset: self.here(),
            message: message.into(),
        }
    }

    fn call(&mut self) -> Result<Call, IntrinsicError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("intrinsic calls nest too deeply"));
        }
        let start = self.here();
        let mut name = String::new();
        let mut name_end;
        loop {
            match self.peek() {
                Some(Token {
                    tok: Tok::Ident(part),
                    span,
                }) => {
                    name.push_str(part);
                    name_end = span.end;
                    self.pos += 1;
                }
                _ if name.is_empty() => {
                    return Err(
                        self.error("expected an intrinsic function such as States.Format(...)")
                    );
                }
                _ => return Err(self.error("expected a function name after '.'")),
            }
            match self.peek().map(|t| &t.tok) {
                Some(Tok::Dot) => {
                    name.push('.');
                    self.pos += 1;
                }
                Some(Tok::LParen) => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.error(format!("expected '(' after '{name}'"))),
            }
        }
        let mut args = Vec::new();
        if matches!(self.peek().map(|t| &t.tok), Some(Tok::RParen)) {
            self.pos += 1;
        } else {
            loop {
                args.push(self.arg()?);
                match self.peek().map(|t| &t.tok) {
                    Some(Tok::Comma) => self.pos += 1,
                    Some(Tok::RParen) => {
                        self.pos += 1;
                        break;
                    }
                    Some(_) => return Err(self.error("expected ',' or ')' after an argument")),
                    None => return Err(self.error(format!("'{name}(' is never closed with ')'"))),
                }
            }
        }
        let end = self.tokens[self.pos - 1].span.end;
        self.depth -= 1;
        Ok(Call {
            name,
            name_span: Span::new(start, name_end),
            args,
            span: Span::new(start, end),
        })
    }

    fn arg(&mut self) -> Result<Arg, IntrinsicError> {
        let Some(token) = self.peek() else {
            return Err(self.error("expected an argument"));
        };
        let span = token.span;
        let kind = match &token.tok {
            Tok::Str { value, raw } => ArgKind::String {
                value: serde_json::Value::String(value.clone()),
                raw: raw.clone(),
            },
            Tok::Number(n) => ArgKind::Number(n.clone()),
            Tok::True => ArgKind::Bool(true),
            Tok::False => ArgKind::Bool(false),
            Tok::Null => ArgKind::Null,
            Tok::Path(p) => ArgKind::Path(p.clone()),
            Tok::Ident(_) => {
                let call = self.call()?;
                return Ok(Arg {
                    span: call.span,
                    kind: ArgKind::Call(call),
                });
            }
            Tok::Comma | Tok::RParen => return Err(self.error("an argument is missing")),
            Tok::LParen | Tok::Dot => return Err(self.error("expected an argument")),
        };
        self.pos += 1;
        Ok(Arg { kind, span })
    }
}
