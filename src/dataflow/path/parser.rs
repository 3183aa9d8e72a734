//! JSONPath text to [`Path`]: a hand-written scanner over bytes, since what a
//! name may contain depends on where it is (a top-level path, or a filter).
//!
//! The grammar is the Jayway JsonPath that Step Functions documents, read
//! leniently where AWS is known to accept more (bare words in filters, `.[0]`,
//! names with any character but `.`, `[`, `(` and white space).

use super::ast::*;
use crate::load::Span;

/// A path that does not parse: where, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathError {
    /// Byte offset in the text given to the parser.
    pub offset: usize,
    pub message: String,
}

impl std::fmt::Display for PathError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (at offset {})", self.message, self.offset)
    }
}

/// Filters nest paths and paths nest filters: hostile input must not exhaust the stack.
pub const MAX_DEPTH: usize = 32;

/// Parses a whole string as one path. White space around it is ignored.
pub fn parse(text: &str) -> Result<Path> {
    let start = text.len() - text.trim_start().len();
    let end = text.trim_end().len().max(start);
    parse_range(text, start, end)
}

/// Parses `text[start..end]` as one path; offsets stay relative to `text`
/// (used for paths inside intrinsic calls).
pub fn parse_range(text: &str, start: usize, end: usize) -> Result<Path> {
    if start >= end {
        return Err(PathError {
            offset: start,
            message: "the path is empty; use '$' for the whole input".into(),
        });
    }
    let mut p = Parser {
        text,
        pos: start,
        end,
        depth: 0,
        in_filter: false,
    };
    let path = p.path()?;
    if p.pos < p.end {
        return Err(p.unexpected("after the path"));
    }
    Ok(path)
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
    end: usize,
    depth: usize,
    /// Inside `[?( )]`, names also end at white space and operators.
    in_filter: bool,
}

type Result<T> = std::result::Result<T, PathError>;

fn is_var_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

impl<'a> Parser<'a> {
    #[inline]
    fn peek(&self) -> Option<char> {
        // Paths are nearly all ASCII: a byte is the char, no slicing or decoding.
        let b = *self.text.as_bytes()[..self.end].get(self.pos)?;
        if b.is_ascii() {
            return Some(char::from(b));
        }
        self.text[self.pos..self.end].chars().next()
    }
    fn peek_at(&self, n: usize) -> Option<char> {
        self.text[self.pos..self.end].chars().nth(n)
    }
    #[inline]
    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }
    #[inline]
    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }
    fn eat_str(&mut self, s: &str) -> bool {
        if self.text[self.pos..self.end].starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }
    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }
    fn error(&self, offset: usize, message: impl Into<String>) -> PathError {
        PathError {
            offset,
            message: message.into(),
        }
    }
    fn unexpected(&self, context: &str) -> PathError {
        match self.peek() {
            Some(c) => self.error(self.pos, format!("unexpected '{c}' {context}")),
            None => self.error(self.pos, format!("unexpected end {context}")),
        }
    }
    fn expect(&mut self, c: char, what: &str) -> Result<()> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(match self.peek() {
                Some(found) => {
                    self.error(self.pos, format!("expected '{c}' {what}, found '{found}'"))
                }
                None => self.error(self.pos, format!("expected '{c}' {what}")),
            })
        }
    }
    fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(self.pos, "the path nests too deeply"));
        }
        Ok(())
    }

    fn path(&mut self) -> Result<Path> {
        self.enter()?;
        let start = self.pos;
        let root = match self.peek() {
            Some('$') => {
                self.bump();
                if self.eat('$') {
                    Root::Context
                } else if self.peek().is_some_and(is_var_start) {
                    let name_start = self.pos;
                    while self.peek().is_some_and(is_word) {
                        self.bump();
                    }
                    Root::Variable(self.text[name_start..self.pos].to_string())
                } else {
                    Root::Input
                }
            }
            Some('@') if self.in_filter => {
                self.bump();
                Root::Current
            }
            _ => {
                return Err(self.error(self.pos, "a path must start with '$'"));
            }
        };
        let mut segments = Vec::new();
        loop {
            match self.peek() {
                Some('.') => segments.push(self.dot_segment()?),
                Some('[') => {
                    let seg_start = self.pos;
                    segments.push(self.bracket_segment(false, seg_start)?)
                }
                _ => break,
            }
        }
        // What may follow a path: nothing at the top level; an operator or a
        // closing bracket inside a filter (the caller checks which).
        if !self.in_filter
            && let Some(c) = self.peek()
        {
            let after = match (&root, segments.is_empty()) {
                (Root::Input, true) => {
                    "after '$': a path continues with '.' or '[' (a variable name starts with a letter or '_')"
                }
                (Root::Context, true) => "after '$$': a context path continues with '.' or '['",
                _ => "in the path",
            };
            return Err(self.error(self.pos, format!("unexpected '{c}' {after}")));
        }
        self.depth -= 1;
        Ok(Path {
            root,
            segments,
            span: Span::new(start, self.pos),
        })
    }

    /// `.name`, `.*`, `..name`, `..*`, `..[...]`, `.[...]`, `.fn()`.
    fn dot_segment(&mut self) -> Result<Segment> {
        let start = self.pos;
        self.bump();
        let descendant = self.eat('.');
        let selector = match self.peek() {
            None => {
                let dots = if descendant { "'..'" } else { "'.'" };
                return Err(self.error(start, format!("a path must not end with {dots}")));
            }
            Some('.') => {
                return Err(self.error(
                    self.pos,
                    "unexpected '.': a name is missing between the dots",
                ));
            }
            Some('*') => {
                self.bump();
                Selector::Wildcard
            }
            Some('[') => return self.bracket_segment(descendant, start),
            Some(c) if self.ends_name(c) => {
                return Err(self.error(self.pos, format!("expected a name after '.', found '{c}'")));
            }
            Some(_) => {
                let name = self.dot_name()?;
                if self.peek() == Some('(') {
                    let args = self.balanced('(', ')')?;
                    Selector::Function { name, args }
                } else {
                    Selector::Name(name)
                }
            }
        };
        Ok(Segment {
            selector,
            descendant,
            span: Span::new(start, self.pos),
        })
    }

    fn ends_name(&self, c: char) -> bool {
        match c {
            '.' | '[' | '(' => true,
            _ if self.in_filter => {
                c.is_whitespace()
                    || matches!(c, '<' | '>' | '=' | '!' | '&' | '|' | ')' | ']' | ',')
            }
            _ => false,
        }
    }

    fn dot_name(&mut self) -> Result<String> {
        // Nearly every name is plain ASCII up to a '.', '[' or '(' (or the end):
        // taken in one slice. Anything else is left to the loop below, from there.
        let start = self.pos;
        let bytes = &self.text.as_bytes()[..self.end];
        let mut at = start;
        while let Some(&b) = bytes.get(at) {
            if b <= b' ' || !b.is_ascii() || matches!(b, b'.' | b'[' | b'(' | b'\\') {
                break;
            }
            if self.in_filter
                && matches!(
                    b,
                    b'<' | b'>' | b'=' | b'!' | b'&' | b'|' | b')' | b']' | b','
                )
            {
                break;
            }
            at += 1;
        }
        let mut name = String::from(&self.text[start..at]);
        self.pos = at;
        while let Some(c) = self.peek() {
            if self.ends_name(c) {
                break;
            }
            if c.is_whitespace() {
                return Err(self.error(
                    self.pos,
                    "a name in dot notation cannot contain white space: use bracket notation, as in $['my name']",
                ));
            }
            self.bump();
            if c == '\\' {
                // The ASL spec's `$.store\.book`: the next character is part of the name.
                match self.bump() {
                    Some(escaped) => name.push(escaped),
                    None => return Err(self.error(self.pos - 1, "a path must not end with '\\'")),
                }
            } else {
                name.push(c);
            }
        }
        Ok(name)
    }

    /// The text between `open` and its matching `close` (quotes respected); consumes both.
    fn balanced(&mut self, open: char, close: char) -> Result<String> {
        let start = self.pos;
        self.bump();
        let inner_start = self.pos;
        let mut depth = 1usize;
        let mut quote: Option<char> = None;
        while let Some(c) = self.bump() {
            match quote {
                Some(q) => {
                    if c == '\\' {
                        self.bump();
                    } else if c == q {
                        quote = None;
                    }
                }
                None => {
                    if c == '\'' || c == '"' {
                        quote = Some(c);
                    } else if c == open {
                        depth += 1;
                    } else if c == close {
                        depth -= 1;
                        if depth == 0 {
                            return Ok(
                                self.text[inner_start..self.pos - close.len_utf8()].to_string()
                            );
                        }
                    }
                }
            }
        }
        Err(self.error(start, format!("'{open}' is never closed")))
    }

    /// `[...]`, starting at the `[`; `start` is where the segment began (a `..` before it).
    fn bracket_segment(&mut self, descendant: bool, start: usize) -> Result<Segment> {
        let open = self.pos;
        self.bump();
        self.skip_ws();
        let selector = match self.peek() {
            None => return Err(self.error(open, "'[' is never closed")),
            Some('\'') | Some('"') => {
                let mut names = vec![self.quoted(true)?];
                loop {
                    self.skip_ws();
                    if !self.eat(',') {
                        break;
                    }
                    self.skip_ws();
                    match self.peek() {
                        Some('\'') | Some('"') => names.push(self.quoted(true)?),
                        _ => {
                            return Err(
                                self.unexpected("in a list of names: expected a quoted name")
                            );
                        }
                    }
                }
                if names.len() == 1 {
                    Selector::Name(names.pop().unwrap_or_default())
                } else {
                    Selector::Names(names)
                }
            }
            Some('*') => {
                self.bump();
                Selector::Wildcard
            }
            Some('?') => {
                self.bump();
                self.skip_ws();
                if self.peek() != Some('(') {
                    return Err(self.unexpected("after '?': a filter is written [?(...)]"));
                }
                let paren = self.pos;
                self.bump();
                self.skip_ws();
                if self.peek() == Some(')') {
                    return Err(self.error(paren, "the filter is empty"));
                }
                let outer = self.in_filter;
                self.in_filter = true;
                let filter = self.filter_or();
                self.in_filter = outer;
                let filter = filter?;
                self.skip_ws();
                self.expect(')', "to close the filter")?;
                Selector::Filter(filter)
            }
            Some('(') => Selector::Script(self.balanced('(', ')')?),
            Some(c) if c == '-' || c == ':' || c.is_ascii_digit() => self.indexes()?,
            Some(_) => {
                return Err(self.unexpected(
                    "after '[': expected a quoted name, an index, a slice, '*' or a filter ?(...)",
                ));
            }
        };
        self.skip_ws();
        match self.peek() {
            Some(']') => {
                self.bump();
            }
            None => return Err(self.error(open, "'[' is never closed")),
            Some(_) => return Err(self.unexpected("before ']'")),
        }
        Ok(Segment {
            selector,
            descendant,
            span: Span::new(start, self.pos),
        })
    }

    /// A quoted name in brackets, or a string in a filter; `\` escapes the
    /// next character. In a bracketed name (`raw`) the backslash stays part
    /// of the name, as AWS reads it: `$['a\"b']` names the key `a\"b`.
    fn quoted(&mut self, raw: bool) -> Result<String> {
        let open = self.pos;
        let q = self.bump().unwrap_or('\'');
        let mut out = String::new();
        loop {
            match self.bump() {
                None => return Err(self.error(open, "the quoted name is never closed")),
                Some('\\') if raw => match self.bump() {
                    Some(c) => {
                        out.push('\\');
                        out.push(c);
                    }
                    None => return Err(self.error(open, "the quoted name is never closed")),
                },
                Some('\\') => match self.bump() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('r') => out.push('\r'),
                    Some(c) => out.push(c),
                    None => return Err(self.error(open, "the quoted name is never closed")),
                },
                Some(c) if c == q => return Ok(out),
                Some(c) => out.push(c),
            }
        }
    }

    fn int(&mut self) -> Result<Option<i64>> {
        self.skip_ws();
        let start = self.pos;
        self.eat('-');
        let digits = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.bump();
        }
        if self.pos == digits {
            if self.pos > start {
                return Err(self.error(start, "expected a number after '-'"));
            }
            return Ok(None);
        }
        let text = &self.text[start..self.pos];
        text.parse::<i64>()
            .map(Some)
            .map_err(|_| self.error(start, format!("the index {text} is too large")))
    }

    /// `[0]`, `[-1]`, `[0,2]`, `[1:3]`, `[:2]`, `[1:]`, `[0:10:2]`.
    fn indexes(&mut self) -> Result<Selector> {
        let first = self.int()?;
        self.skip_ws();
        if self.eat(':') {
            let end = self.int()?;
            self.skip_ws();
            let step = if self.eat(':') { self.int()? } else { None };
            return Ok(Selector::Slice {
                start: first,
                end,
                step,
            });
        }
        let Some(first) = first else {
            return Err(self.unexpected("in an index"));
        };
        let mut all = vec![first];
        while self.eat(',') {
            match self.int()? {
                Some(i) => all.push(i),
                None => return Err(self.unexpected("in a list of indexes: expected a number")),
            }
            self.skip_ws();
        }
        Ok(if all.len() == 1 {
            Selector::Index(first)
        } else {
            Selector::Indexes(all)
        })
    }

    fn filter_or(&mut self) -> Result<Filter> {
        self.enter()?;
        let mut lhs = self.filter_and()?;
        loop {
            self.skip_ws();
            if !self.eat_str("||") {
                break;
            }
            let rhs = self.filter_and()?;
            lhs = Filter::Or(Box::new(lhs), Box::new(rhs));
        }
        self.depth -= 1;
        Ok(lhs)
    }

    fn filter_and(&mut self) -> Result<Filter> {
        let mut lhs = self.filter_unary()?;
        loop {
            self.skip_ws();
            if !self.eat_str("&&") {
                break;
            }
            let rhs = self.filter_unary()?;
            lhs = Filter::And(Box::new(lhs), Box::new(rhs));
        }
        Ok(lhs)
    }

    fn filter_unary(&mut self) -> Result<Filter> {
        self.skip_ws();
        if self.peek() == Some('!') && self.peek_at(1) != Some('=') {
            self.bump();
            self.enter()?;
            let inner = self.filter_unary()?;
            self.depth -= 1;
            return Ok(Filter::Not(Box::new(inner)));
        }
        if self.peek() == Some('(') {
            self.bump();
            let inner = self.filter_or()?;
            self.skip_ws();
            self.expect(')', "to close the parenthesis in the filter")?;
            return Ok(inner);
        }
        let lhs = self.operand()?;
        self.skip_ws();
        let Some(op) = self.compare_op() else {
            return Ok(Filter::Exists(lhs));
        };
        self.skip_ws();
        let rhs = if matches!(op, CompareOp::Empty) && !self.peek().is_some_and(is_word) {
            // `empty` may stand alone in some Jayway versions.
            Operand::Bool(true)
        } else {
            self.operand()?
        };
        Ok(Filter::Compare { lhs, op, rhs })
    }

    fn compare_op(&mut self) -> Option<CompareOp> {
        const SYMBOLS: &[(&str, CompareOp)] = &[
            ("===", CompareOp::StrictEq),
            ("!==", CompareOp::StrictNe),
            ("==", CompareOp::Eq),
            ("!=", CompareOp::Ne),
            ("<=", CompareOp::Le),
            (">=", CompareOp::Ge),
            ("=~", CompareOp::Matches),
            ("<", CompareOp::Lt),
            (">", CompareOp::Gt),
        ];
        for (s, op) in SYMBOLS {
            if self.eat_str(s) {
                return Some(*op);
            }
        }
        const WORDS: &[(&str, CompareOp)] = &[
            ("subsetof", CompareOp::SubsetOf),
            ("anyof", CompareOp::AnyOf),
            ("noneof", CompareOp::NoneOf),
            ("contains", CompareOp::Contains),
            ("empty", CompareOp::Empty),
            ("size", CompareOp::Size),
            ("nin", CompareOp::Nin),
            ("in", CompareOp::In),
        ];
        let rest = &self.text[self.pos..self.end];
        for (w, op) in WORDS {
            if rest.starts_with(w) && !rest[w.len()..].chars().next().is_some_and(is_word) {
                self.pos += w.len();
                return Some(*op);
            }
        }
        None
    }

    fn operand(&mut self) -> Result<Operand> {
        self.skip_ws();
        let start = self.pos;
        match self.peek() {
            None => Err(self.error(self.pos, "the filter ends where a value was expected")),
            Some('@') | Some('$') => Ok(Operand::Path(self.path()?)),
            Some('\'') | Some('"') => Ok(Operand::String(self.quoted(false)?)),
            Some('/') => {
                let pattern = self.regex()?;
                let flags_start = self.pos;
                while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
                    self.bump();
                }
                Ok(Operand::Regex {
                    pattern,
                    flags: self.text[flags_start..self.pos].to_string(),
                })
            }
            Some('[') | Some('{') => {
                let (open, close) = if self.peek() == Some('[') {
                    ('[', ']')
                } else {
                    ('{', '}')
                };
                self.balanced(open, close)?;
                let raw = &self.text[start..self.pos];
                Ok(serde_json::from_str(raw)
                    .map(Operand::Json)
                    .unwrap_or_else(|_| Operand::Bare(raw.to_string())))
            }
            Some(c) if c == '-' || c.is_ascii_digit() => {
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E'))
                {
                    self.bump();
                }
                let raw = &self.text[start..self.pos];
                Ok(raw
                    .parse::<f64>()
                    .map(Operand::Number)
                    .unwrap_or_else(|_| Operand::Bare(raw.to_string())))
            }
            Some(c) if is_word(c) => {
                while self
                    .peek()
                    .is_some_and(|c| is_word(c) || c == '-' || c == '.')
                {
                    self.bump();
                }
                Ok(match &self.text[start..self.pos] {
                    "true" => Operand::Bool(true),
                    "false" => Operand::Bool(false),
                    "null" => Operand::Null,
                    word => Operand::Bare(word.to_string()),
                })
            }
            Some(c) => Err(self.error(
                self.pos,
                format!("unexpected '{c}' where the filter expects a value"),
            )),
        }
    }

    /// `/.../`: the pattern between the slashes.
    fn regex(&mut self) -> Result<String> {
        let open = self.pos;
        self.bump();
        let start = self.pos;
        while let Some(c) = self.bump() {
            match c {
                '\\' => {
                    self.bump();
                }
                '/' => return Ok(self.text[start..self.pos - 1].to_string()),
                _ => {}
            }
        }
        Err(self.error(open, "the regular expression is never closed with '/'"))
    }
}
