//! Intrinsic call text to tokens. Paths are lexed whole (to the next `,`,
//! `)` or white space outside brackets and quotes) and parsed by
//! [`crate::dataflow::path`].

use super::IntrinsicError;
use crate::dataflow::path::{self, Path};
use crate::load::Span;

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// `States`, `Format`: names are split at dots.
    Ident(String),
    Dot,
    LParen,
    RParen,
    Comma,
    /// `'...'`: `value` with escapes applied, `raw` as written between the quotes
    /// (`States.Format` needs to tell `{}` from `\{\}`).
    Str {
        value: String,
        raw: String,
    },
    Number(serde_json::Number),
    True,
    False,
    Null,
    Path(Path),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
}

pub fn lex(text: &str) -> Result<Vec<Token>, IntrinsicError> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        let single = |tok| Token {
            tok,
            span: Span::new(start, start + 1),
        };
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' | ')' | ',' | '.' => {
                chars.next();
                out.push(single(match c {
                    '(' => Tok::LParen,
                    ')' => Tok::RParen,
                    ',' => Tok::Comma,
                    _ => Tok::Dot,
                }));
            }
            '\'' => {
                let (token, end) = string(text, start)?;
                out.push(token);
                while chars.peek().is_some_and(|&(i, _)| i < end) {
                    chars.next();
                }
            }
            '$' => {
                let end = path_end(text, start);
                let path = path::parse_range(text, start, end).map_err(|e| IntrinsicError {
                    offset: e.offset,
                    message: e.message,
                })?;
                out.push(Token {
                    tok: Tok::Path(path),
                    span: Span::new(start, end),
                });
                while chars.peek().is_some_and(|&(i, _)| i < end) {
                    chars.next();
                }
            }
            c if c == '-' || c.is_ascii_digit() => {
                let mut end = start;
                while let Some(&(i, c)) = chars.peek() {
                    let sign_after_exp = (c == '-' || c == '+')
                        && matches!(text[..i].chars().last(), Some('e' | 'E'));
                    if c.is_ascii_digit()
                        || c == '.'
                        || c == 'e'
                        || c == 'E'
                        || sign_after_exp
                        || i == start
                    {
                        end = i + c.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                let raw = &text[start..end];
                let number = raw
                    .parse::<serde_json::Number>()
                    .map_err(|_| IntrinsicError {
                        offset: start,
                        message: format!("'{raw}' is not a number"),
                    })?;
                out.push(Token {
                    tok: Tok::Number(number),
                    span: Span::new(start, end),
                });
            }
            c if c.is_alphabetic() || c == '_' => {
                let mut end = start;
                while let Some(&(i, c)) = chars.peek() {
                    if c.is_alphanumeric() || c == '_' {
                        end = i + c.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                let word = &text[start..end];
                let tok = match word {
                    "true" => Tok::True,
                    "false" => Tok::False,
                    "null" => Tok::Null,
                    _ => Tok::Ident(word.to_string()),
                };
                out.push(Token {
                    tok,
                    span: Span::new(start, end),
                });
            }
            '"' => {
                return Err(IntrinsicError {
                    offset: start,
                    message: "string arguments are written in single quotes: 'text'".into(),
                });
            }
            other => {
                return Err(IntrinsicError {
                    offset: start,
                    message: format!("unexpected '{other}'"),
                });
            }
        }
    }
    Ok(out)
}

/// A single-quoted string starting at `start`; returns it and the offset after it.
fn string(text: &str, start: usize) -> Result<(Token, usize), IntrinsicError> {
    let mut value = String::new();
    let mut iter = text[start + 1..].char_indices();
    while let Some((i, c)) = iter.next() {
        match c {
            '\\' => match iter.next() {
                Some((_, 'u')) => {
                    // `\uXXXX`, as LocalStack's grammar reads it; anything else keeps the letter.
                    let rest = &text[start + 1 + i + 2..];
                    let code = rest
                        .get(..4)
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .and_then(char::from_u32);
                    match code {
                        Some(ch) => {
                            value.push(ch);
                            for _ in 0..4 {
                                iter.next();
                            }
                        }
                        None => value.push('u'),
                    }
                }
                Some((_, escaped)) => value.push(escaped),
                None => break,
            },
            '\'' => {
                let end = start + 1 + i + 1;
                let raw = text[start + 1..end - 1].to_string();
                return Ok((
                    Token {
                        tok: Tok::Str { value, raw },
                        span: Span::new(start, end),
                    },
                    end,
                ));
            }
            c => value.push(c),
        }
    }
    Err(IntrinsicError {
        offset: start,
        message: "the string is never closed with a single quote".into(),
    })
}

/// Where a path argument ends: at `,`, `)` or white space outside brackets and quotes.
fn path_end(text: &str, start: usize) -> usize {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in text[start..].char_indices() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' if depth > 0 => quote = Some(c),
            '[' | '(' => depth += 1,
            ']' | ')' if depth > 0 => depth -= 1,
            ',' | ')' => return start + i,
            c if c.is_whitespace() && depth == 0 => return start + i,
            _ => {}
        }
    }
    text.len()
}
