//! YAML to a spanned tree, through saphyr-parser's event stream, which gives
//! every scalar and collection a start and an end.
//!
//! Plain scalars are typed by the YAML 1.2 core schema. CloudFormation's
//! short-form tags turn into their long form (`!Sub x` → `{"Fn::Sub": x}`),
//! so a YAML template reads exactly like the same template in JSON.
//! A stream of more than one document is refused.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span as YamlSpan, Tag};

use super::json::SyntaxError;
use super::node::{Entry, Node, NodeKind, Span};

/// Same nesting limit as JSON: deeper is a syntax error, never a stack overflow
/// in the code that walks the tree afterwards.
const MAX_DEPTH: usize = 512;

/// Aliases copy their anchor's subtree; past this many copied nodes the file
/// is an alias bomb ("billion laughs"), not a definition.
const MAX_ALIAS_NODES: usize = 1_000_000;

/// Parses the one YAML document of `text`. Spans are byte offsets into `text`.
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    match parse_with(text, Shifts::default()) {
        Err(e) if e.message.contains("indentation") => {
            // YAML 1.2 wants the lines of a flow collection or quoted scalar
            // indented deeper than its key; libyaml, PyYAML and CloudFormation do not. Indent them and
            // read again, spans shifted back; if that fails too, the first error stands.
            let (padded, shifts) = indent_flow_lines(text);
            if shifts.is_empty() {
                return Err(e);
            }
            let padded = parse_with(&padded, shifts);
            padded.map_err(|_| e)
        }
        other => other,
    }
}

fn parse_with(text: &str, shifts: Shifts) -> Result<Node, SyntaxError> {
    let offsets = Offsets::new(text, shifts);
    let mut builder = Builder {
        text,
        stack: Vec::new(),
        root: None,
        anchors: HashMap::new(),
        alias_nodes: 0,
    };
    let mut parser = Parser::new_from_str(text);
    let mut ended = false;
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| scan_error(&e, &offsets, text))?;
        let span = offsets.span(span);
        match event {
            // A second document would go unchecked: refused, as CloudFormation and
            // the SAM CLI (PyYAML's single-document load) refuse it.
            Event::DocumentStart(_) if ended => {
                let end = text[span.start..]
                    .find('\n')
                    .map_or(text.len(), |n| span.start + n);
                return Err(SyntaxError {
                    span: Span::new(span.start, end.max(span.start)),
                    message: "a second YAML document starts here: a definition or template \
                              is one document (put each in a file of its own)"
                        .into(),
                });
            }
            Event::StreamStart | Event::DocumentStart(_) | Event::Nothing => {}
            Event::DocumentEnd => ended = true,
            Event::StreamEnd => break,
            Event::Scalar(value, style, anchor, tag) => {
                builder.scalar(&value, style, anchor, tag.as_deref(), span)?
            }
            Event::Alias(id) => builder.alias(id, span)?,
            Event::SequenceStart(anchor, tag) => {
                builder.open(FrameKind::Seq(Vec::new()), anchor, tag.as_deref(), span)?
            }
            Event::MappingStart(anchor, tag) => builder.open(
                FrameKind::Map {
                    entries: Vec::new(),
                    key: None,
                },
                anchor,
                tag.as_deref(),
                span,
            )?,
            Event::SequenceEnd | Event::MappingEnd => builder.close(span),
        }
    }
    let mut root = builder
        .root
        .unwrap_or_else(|| Node::new(NodeKind::Null, Span::new(0, 0)));
    if !offsets.shifts.is_empty() {
        unshift(&mut root, &offsets.shifts);
    }
    Ok(root)
}

/// Spaces inserted into a text: (offset in the padded text where they start,
/// how many). Sorted.
#[derive(Default)]
struct Shifts(Vec<(usize, usize)>);

impl Shifts {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The offset in the original text of an offset in the padded text.
    fn original(&self, at: usize) -> usize {
        let i = self.0.partition_point(|&(start, _)| start <= at);
        let before: usize = self.0[..i].iter().map(|&(_, n)| n).sum();
        match i.checked_sub(1).map(|j| self.0[j]) {
            // Inside inserted spaces: where they were inserted.
            Some((start, n)) if at < start + n => start - (before - n),
            _ => at - before,
        }
    }
}

/// Moves spans of a tree parsed from padded text back to the original text;
/// the tree is at most [`MAX_DEPTH`] deep.
fn unshift(node: &mut Node, shifts: &Shifts) {
    node.span = Span::new(
        shifts.original(node.span.start),
        shifts.original(node.span.end),
    );
    match &mut node.kind {
        NodeKind::Array(items) => items.iter_mut().for_each(|n| unshift(n, shifts)),
        NodeKind::Object(entries) => {
            for e in entries {
                e.key_span = Span::new(
                    shifts.original(e.key_span.start),
                    shifts.original(e.key_span.end),
                );
                unshift(&mut e.value, shifts);
            }
        }
        _ => {}
    }
}

/// Indents each continuation line of a flow collection (`{` or `[` opened as a
/// block value) or of a quoted scalar one column deeper than the line that
/// opened it; leading spaces of such lines are not content.
fn indent_flow_lines(text: &str) -> (String, Shifts) {
    let mut out = String::with_capacity(text.len() + 64);
    let mut shifts = Shifts::default();
    let mut flow = FlowScan::default();
    let mut block_scalar_indent: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let blank = line.trim().is_empty();
        if let Some(i) = block_scalar_indent {
            if blank || indent > i {
                out.push_str(line);
                continue;
            }
            block_scalar_indent = None;
        }
        if flow.open() && !blank && indent <= flow.base {
            let pad = flow.base + 1 - indent;
            shifts.0.push((out.len(), pad));
            out.push_str(&" ".repeat(pad));
        } else if !flow.open() {
            flow.base = indent;
        }
        out.push_str(line);
        if !flow.open() && opens_block_scalar(line) {
            block_scalar_indent = Some(indent);
            continue;
        }
        flow.scan(line);
    }
    (out, shifts)
}

/// Whether a line's value is a block scalar header (`key: |`, `- >-`).
fn opens_block_scalar(line: &str) -> bool {
    let code = line.split(" #").next().unwrap_or("").trim_end();
    let last = code.rsplit([' ', '\t']).next().unwrap_or("");
    (last.starts_with('|') || last.starts_with('>'))
        && last[1..]
            .chars()
            .all(|c| c.is_ascii_digit() || c == '+' || c == '-')
}

/// Tracks what continues across lines: flow nesting and quoted scalars.
#[derive(Default)]
struct FlowScan {
    depth: usize,
    /// Indentation of the line where the outermost flow collection or quoted scalar began.
    base: usize,
    quote: Option<char>,
}

impl FlowScan {
    /// Whether the next line continues a flow collection or a quoted scalar.
    fn open(&self) -> bool {
        self.depth > 0 || self.quote.is_some()
    }

    fn scan(&mut self, line: &str) {
        let mut prev = ' ';
        // The last whitespace-separated token before `prev`: a quote starts a
        // scalar only after a key's `:`, a `-`, a tag or an anchor.
        let mut token = String::new();
        let mut last_token = String::new();
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match (self.quote, c) {
                (Some('"'), '\\') => {
                    chars.next();
                }
                (Some('\''), '\'') if chars.peek() == Some(&'\'') => {
                    chars.next();
                }
                (Some(q), c) if c == q => self.quote = None,
                (Some(_), _) => {}
                (None, '#') if prev.is_whitespace() => break,
                (None, '"' | '\'') if self.starts_scalar(prev, &last_token) => self.quote = Some(c),
                (None, '{' | '[') if self.depth > 0 || prev.is_whitespace() => self.depth += 1,
                (None, '}' | ']') if self.depth > 0 => self.depth -= 1,
                _ => {}
            }
            if c.is_whitespace() {
                if !token.is_empty() {
                    last_token = std::mem::take(&mut token);
                }
            } else {
                token.push(c);
            }
            prev = c;
        }
    }

    fn starts_scalar(&self, prev: char, last_token: &str) -> bool {
        if self.depth > 0 {
            return matches!(prev, ' ' | '\t' | '{' | '[' | ',' | ':');
        }
        prev.is_whitespace()
            && (last_token.is_empty()
                || last_token.ends_with(':')
                || matches!(last_token, "-" | "?")
                || last_token.starts_with(['!', '&']))
    }
}

fn scan_error(e: &ScanError, offsets: &Offsets, text: &str) -> SyntaxError {
    let at = offsets.byte(e.marker().index());
    let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    SyntaxError {
        span: Span::new(at, end),
        message: e.info().to_string(),
    }
}

/// saphyr counts positions in characters; spans are in bytes.
struct Offsets {
    len: usize,
    /// Spaces the text got to be read leniently, taken back out of spans.
    shifts: Shifts,
    /// For each non-ASCII character: its character index and the byte offset just after it.
    wide: Vec<(usize, usize)>,
}

impl Offsets {
    fn new(text: &str, shifts: Shifts) -> Self {
        let wide = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices()
                .enumerate()
                .filter(|(_, (_, c))| !c.is_ascii())
                .map(|(ci, (b, c))| (ci, b + c.len_utf8()))
                .collect()
        };
        Offsets {
            len: text.len(),
            shifts,
            wide,
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        let i = self.wide.partition_point(|&(c, _)| c < char_index);
        let b = match i.checked_sub(1).and_then(|i| self.wide.get(i)) {
            None => char_index,
            Some(&(c, after)) => after + (char_index - c - 1),
        };
        b.min(self.len)
    }

    fn span(&self, s: YamlSpan) -> Span {
        let start = self.byte(s.start.index());
        Span::new(start, self.byte(s.end.index()).max(start))
    }
}

struct Frame {
    kind: FrameKind,
    /// Where the collection's content starts (after any tag or anchor).
    start: usize,
    /// Where its node starts, tag and anchor included.
    outer_start: usize,
    anchor: usize,
    tag: Option<ShortTag>,
    /// The end of the last child, as a block collection ends there.
    last_end: usize,
}

enum FrameKind {
    Seq(Vec<Node>),
    Map {
        entries: Vec<Entry>,
        key: Option<(super::Str, Span)>,
    },
}

/// A tag that changes how a node is read.
enum ShortTag {
    /// A CloudFormation short form: the long form's key and where the tag is.
    Function(&'static str, Span),
    /// `!!str`, `!!int`, ...: the core-schema type named.
    Core(String),
}

struct Anchored {
    node: Node,
    depth: usize,
    count: usize,
}

struct Builder<'t> {
    text: &'t str,
    stack: Vec<Frame>,
    root: Option<Node>,
    anchors: HashMap<usize, Anchored>,
    alias_nodes: usize,
}

impl Builder<'_> {
    fn scalar(
        &mut self,
        value: &str,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
        span: Span,
    ) -> Result<(), SyntaxError> {
        let (tag_span, start) = skip_properties(self.text, span.start, span.end);
        let end = match style {
            // A block scalar's span runs to the next line; point at its text only.
            ScalarStyle::Plain | ScalarStyle::Literal | ScalarStyle::Folded => {
                start + self.text[start..span.end].trim_end().len()
            }
            _ => span.end,
        };
        let inner = Span::new(start, end.max(start));
        if self.awaiting_key() {
            // Keys stay text: `1: x` and `true: x` name members "1" and "true".
            self.set_key(value.into(), inner);
            return Ok(());
        }
        let tag = tag.and_then(|t| short_tag(t, tag_span));
        let kind = match (&tag, style) {
            (Some(ShortTag::Core(name)), _) => core_typed(name, value),
            (_, ScalarStyle::Plain) => plain_typed(value),
            _ => NodeKind::String(value.into()),
        };
        let node = match tag {
            Some(ShortTag::Function(key, tag_span)) => {
                let inner_node = function_argument(key, value, kind, inner, self.text);
                long_form(key, tag_span, inner_node, Span::new(span.start, end))
            }
            _ => Node::new(kind, inner),
        };
        self.finish(node, anchor);
        Ok(())
    }

    fn alias(&mut self, id: usize, span: Span) -> Result<(), SyntaxError> {
        let Some(anchored) = self.anchors.get(&id) else {
            return Err(SyntaxError {
                span,
                message: "unknown anchor".into(),
            });
        };
        self.alias_nodes += anchored.count;
        if self.alias_nodes > MAX_ALIAS_NODES {
            return Err(SyntaxError {
                span,
                message: format!(
                    "aliases expand to more than {MAX_ALIAS_NODES} nodes; refusing to expand further"
                ),
            });
        }
        if self.stack.len() + anchored.depth > MAX_DEPTH {
            return Err(too_deep(span));
        }
        let mut node = anchored.node.clone();
        node.span = span;
        self.finish(node, 0);
        Ok(())
    }

    fn open(
        &mut self,
        kind: FrameKind,
        anchor: usize,
        tag: Option<&Tag>,
        span: Span,
    ) -> Result<(), SyntaxError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(too_deep(span));
        }
        let (tag_span, start) = skip_properties(self.text, span.start, span.end);
        self.stack.push(Frame {
            kind,
            start,
            outer_start: span.start,
            anchor,
            tag: tag.and_then(|t| short_tag(t, tag_span)),
            last_end: span.end,
        });
        Ok(())
    }

    fn close(&mut self, span: Span) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        // A flow collection ends at its bracket; a block one with its last child.
        let flow = matches!(self.text.as_bytes().get(span.start), Some(b'}' | b']'));
        let end = if flow { span.end } else { frame.last_end };
        let inner_span = Span::new(frame.start, end.max(frame.start));
        let kind = match frame.kind {
            FrameKind::Seq(items) => NodeKind::Array(items),
            FrameKind::Map { entries, .. } => NodeKind::Object(entries),
        };
        let node = match frame.tag {
            Some(ShortTag::Function(key, tag_span)) => long_form(
                key,
                tag_span,
                Node::new(kind, inner_span),
                Span::new(frame.outer_start, inner_span.end),
            ),
            _ => Node::new(kind, inner_span),
        };
        self.finish(node, frame.anchor);
    }

    fn awaiting_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame {
                kind: FrameKind::Map { key: None, .. },
                ..
            })
        )
    }

    fn set_key(&mut self, key: super::Str, span: Span) {
        if let Some(frame) = self.stack.last_mut() {
            if let FrameKind::Map { key: slot, .. } = &mut frame.kind {
                *slot = Some((key, span));
            }
            frame.last_end = span.end;
        }
    }

    /// Hands a finished node to its parent, remembering it if it is anchored.
    fn finish(&mut self, node: Node, anchor: usize) {
        if anchor != 0 {
            self.anchors.insert(
                anchor,
                Anchored {
                    depth: depth_of(&node),
                    count: count_nodes(&node),
                    node: node.clone(),
                },
            );
        }
        let Some(frame) = self.stack.last_mut() else {
            if self.root.is_none() {
                self.root = Some(node);
            }
            return;
        };
        frame.last_end = node.span.end.max(frame.last_end);
        match &mut frame.kind {
            FrameKind::Seq(items) => items.push(node),
            FrameKind::Map { entries, key } => match key.take() {
                Some((key, key_span)) => entries.push(Entry {
                    key,
                    key_span,
                    value: node,
                }),
                // A key that is an alias or a collection (`[a, b]: c`) names
                // the member by its text.
                None => {
                    let text = match &node.kind {
                        NodeKind::String(s) => s.clone(),
                        _ => node.to_value().to_string().into(),
                    };
                    *key = Some((text, node.span));
                }
            },
        }
    }
}

fn too_deep(span: Span) -> SyntaxError {
    SyntaxError {
        span,
        message: format!("nesting is deeper than {MAX_DEPTH} levels"),
    }
}

/// Nodes in a subtree; the tree is at most [`MAX_DEPTH`] deep, so recursion is bounded.
fn count_nodes(node: &Node) -> usize {
    1 + match &node.kind {
        NodeKind::Array(items) => items.iter().map(count_nodes).sum(),
        NodeKind::Object(entries) => entries.iter().map(|e| count_nodes(&e.value)).sum(),
        _ => 0,
    }
}

fn depth_of(node: &Node) -> usize {
    match &node.kind {
        NodeKind::Array(items) => 1 + items.iter().map(depth_of).max().unwrap_or(0),
        NodeKind::Object(entries) => {
            1 + entries
                .iter()
                .map(|e| depth_of(&e.value))
                .max()
                .unwrap_or(0)
        }
        _ => 0,
    }
}

/// Skips a node's properties (tag, anchor) and the space after them. Returns
/// the tag's span, if any, and where the content starts.
fn skip_properties(text: &str, start: usize, end: usize) -> (Option<Span>, usize) {
    let bytes = text.as_bytes();
    let end = end.min(bytes.len());
    let mut pos = start.min(end);
    let mut tag = None;
    loop {
        while pos < end && matches!(bytes[pos], b' ' | b'\t' | b'\r' | b'\n') {
            pos += 1;
        }
        match bytes.get(pos) {
            Some(b'#') if pos < end => {
                while pos < end && bytes[pos] != b'\n' {
                    pos += 1;
                }
            }
            Some(&c @ (b'!' | b'&')) if pos < end => {
                let from = pos;
                let verbatim = bytes.get(pos + 1) == Some(&b'<');
                while pos < end {
                    let b = bytes[pos];
                    if verbatim && b == b'>' {
                        pos += 1;
                        break;
                    }
                    if !verbatim
                        && matches!(
                            b,
                            b' ' | b'\t' | b'\r' | b'\n' | b',' | b'[' | b']' | b'{' | b'}'
                        )
                    {
                        break;
                    }
                    pos += 1;
                }
                if c == b'!' {
                    tag = Some(Span::new(from, pos));
                }
            }
            _ => break,
        }
    }
    (tag, pos)
}

fn short_tag(tag: &Tag, span: Option<Span>) -> Option<ShortTag> {
    if tag.is_yaml_core_schema() {
        return Some(ShortTag::Core(tag.suffix.clone()));
    }
    if tag.handle != "!" {
        return None;
    }
    cfn_function(&tag.suffix).map(|key| ShortTag::Function(key, span.unwrap_or_default()))
}

/// The long-form key of a CloudFormation short-form tag (`Sub` → `Fn::Sub`).
fn cfn_function(suffix: &str) -> Option<&'static str> {
    Some(match suffix {
        "Ref" => "Ref",
        "Condition" => "Condition",
        "Base64" => "Fn::Base64",
        "Cidr" => "Fn::Cidr",
        "FindInMap" => "Fn::FindInMap",
        "GetAtt" => "Fn::GetAtt",
        "GetAZs" => "Fn::GetAZs",
        "ImportValue" => "Fn::ImportValue",
        "Join" => "Fn::Join",
        "Select" => "Fn::Select",
        "Split" => "Fn::Split",
        "Sub" => "Fn::Sub",
        "Transform" => "Fn::Transform",
        "And" => "Fn::And",
        "Equals" => "Fn::Equals",
        "If" => "Fn::If",
        "Not" => "Fn::Not",
        "Or" => "Fn::Or",
        "ToJsonString" => "Fn::ToJsonString",
        "Length" => "Fn::Length",
        "ForEach" => "Fn::ForEach",
        _ => return None,
    })
}

/// `{key: inner}`, spanning the whole tagged node; the key points at the tag.
fn long_form(key: &'static str, tag_span: Span, inner: Node, span: Span) -> Node {
    Node::new(
        NodeKind::Object(vec![Entry {
            key: key.into(),
            key_span: tag_span,
            value: inner,
        }]),
        span,
    )
}

/// The argument of a short-form function written as a scalar. `!GetAtt A.B`
/// is the one whose long form differs: `["A", "B"]`.
fn function_argument(key: &str, value: &str, kind: NodeKind, span: Span, text: &str) -> Node {
    if key != "Fn::GetAtt" {
        return Node::new(kind, span);
    }
    let Some((resource, attribute)) = value.split_once('.') else {
        return Node::new(kind, span);
    };
    // Point at each half when the scalar is written as is (not quoted).
    let raw = text.get(span.start..span.end).unwrap_or("");
    let (a, b) = if raw == value {
        let dot = span.start + resource.len();
        (Span::new(span.start, dot), Span::new(dot + 1, span.end))
    } else {
        (span, span)
    };
    Node::new(
        NodeKind::Array(vec![
            Node::new(NodeKind::String(resource.into()), a),
            Node::new(NodeKind::String(attribute.into()), b),
        ]),
        span,
    )
}

/// A plain scalar's type by the YAML 1.2 core schema.
fn plain_typed(value: &str) -> NodeKind {
    match value {
        "" | "~" | "null" | "Null" | "NULL" => return NodeKind::Null,
        "true" | "True" | "TRUE" => return NodeKind::Bool(true),
        "false" | "False" | "FALSE" => return NodeKind::Bool(false),
        _ => {}
    }
    int(value)
        .or_else(|| float(value))
        .map(NodeKind::Number)
        .unwrap_or_else(|| NodeKind::String(value.into()))
}

/// A scalar with an explicit core-schema tag; one that does not fit stays text.
fn core_typed(tag: &str, value: &str) -> NodeKind {
    let typed = match tag {
        "null" => Some(NodeKind::Null),
        "bool" => match plain_typed(value) {
            k @ NodeKind::Bool(_) => Some(k),
            _ => None,
        },
        "int" => int(value).map(NodeKind::Number),
        "float" => float(value).or_else(|| int(value)).map(NodeKind::Number),
        _ => None,
    };
    typed.unwrap_or_else(|| NodeKind::String(value.into()))
}

fn int(value: &str) -> Option<serde_json::Number> {
    let (negative, digits) = match value.as_bytes().first()? {
        b'-' => (true, &value[1..]),
        b'+' => (false, &value[1..]),
        _ => (false, value),
    };
    let (radix, digits) = if let Some(d) = value.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = value.strip_prefix("0x") {
        (16, d)
    } else {
        (10, digits)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    if radix != 10 {
        return u64::from_str_radix(digits, radix).ok().map(Into::into);
    }
    if negative {
        return match format!("-{digits}").parse::<i64>() {
            Ok(i) => Some(i.into()),
            Err(_) => digits
                .parse::<f64>()
                .ok()
                .and_then(|f| serde_json::Number::from_f64(-f)),
        };
    }
    match digits.parse::<u64>() {
        Ok(u) => Some(u.into()),
        Err(_) => digits
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64),
    }
}

/// `[-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`.
/// Infinity and NaN have no JSON form, so they stay text.
fn float(value: &str) -> Option<serde_json::Number> {
    let b = value.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    let int_start = i;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    let mut digits = i - int_start;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let frac_start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        digits += i - frac_start;
    }
    if digits == 0 {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let exp_start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == exp_start {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    value
        .parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
        .and_then(serde_json::Number::from_f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::SourceFile;

    fn at(text: &str, span: Span) -> &str {
        &text[span.start..span.end]
    }

    #[test]
    fn keeps_spans_of_keys_and_values() {
        let text = "# c\nStartAt: A\nStates:\n  A:\n    Type: Pass\n    End: true\n";
        let node = parse(text).unwrap();
        let e = node.entry("StartAt").unwrap();
        assert_eq!(at(text, e.key_span), "StartAt");
        assert_eq!(at(text, e.value.span), "A");
        let src = SourceFile::new("x", text.to_string());
        let t = node.pointer("/States/A/Type").unwrap();
        assert_eq!(src.line_col(t.span.start), (5, 11));
        let a = node.pointer("/States/A").unwrap();
        assert_eq!(at(text, a.span), "Type: Pass\n    End: true");
        assert_eq!(node.pointer("/States/A/End").unwrap().as_bool(), Some(true));
    }

    #[test]
    fn spans_are_bytes_in_non_ascii_text() {
        let text = "é: \"ü\"\nnext: ✓ ok\n";
        let node = parse(text).unwrap();
        assert_eq!(at(text, node.entry("é").unwrap().value.span), "\"ü\"");
        let next = node.entry("next").unwrap();
        assert_eq!(at(text, next.key_span), "next");
        assert_eq!(at(text, next.value.span), "✓ ok");
    }

    #[test]
    fn flow_collections_span_their_brackets() {
        let text = "a: {b: [1, 2], c: x}\n";
        let node = parse(text).unwrap();
        assert_eq!(at(text, node.get("a").unwrap().span), "{b: [1, 2], c: x}");
        assert_eq!(at(text, node.pointer("/a/b").unwrap().span), "[1, 2]");
    }

    #[test]
    fn core_schema_types() {
        let text = "a: ~\nb: null\nc: True\nd: 12\ne: -3\nf: 0x1F\ng: 0o17\nh: 1.5e3\ni: .5\nj: '12'\nk: \"true\"\nl: .inf\nm: 1.2.3\nn: !!str 5\no: !!int \"7\"\np: 12345678901234567890123\nq: yes\n";
        let v = parse(text).unwrap().to_value();
        assert_eq!(
            v,
            serde_json::json!({"a": null, "b": null, "c": true, "d": 12, "e": -3, "f": 31, "g": 15,
                "h": 1500.0, "i": 0.5, "j": "12", "k": "true", "l": ".inf", "m": "1.2.3",
                "n": "5", "o": 7, "p": 1.2345678901234568e22, "q": "yes"})
        );
    }

    #[test]
    fn keys_stay_text() {
        let v = parse("1: a\ntrue: b\n~: c\n").unwrap().to_value();
        assert_eq!(v, serde_json::json!({"1": "a", "true": "b", "~": "c"}));
    }

    #[test]
    fn short_form_tags_become_long_form() {
        let text = "a: !Sub 'x-${AWS::Region}'\nb: !Ref Param\nc: !GetAtt Fn.Arn\nd: !Join [',', [x, !Ref Y]]\ne: !If\n  - Cond\n  - 1\n  - 2\nf: !Equals [a, b]\ng: !Condition C\nh: !GetAtt [T, StreamArn]\ni: !Unknown keep\nj: !ImportValue Out\n";
        let node = parse(text).unwrap();
        assert_eq!(
            node.to_value(),
            serde_json::json!({
                "a": {"Fn::Sub": "x-${AWS::Region}"},
                "b": {"Ref": "Param"},
                "c": {"Fn::GetAtt": ["Fn", "Arn"]},
                "d": {"Fn::Join": [",", ["x", {"Ref": "Y"}]]},
                "e": {"Fn::If": ["Cond", 1, 2]},
                "f": {"Fn::Equals": ["a", "b"]},
                "g": {"Condition": "C"},
                "h": {"Fn::GetAtt": ["T", "StreamArn"]},
                "i": "keep",
                "j": {"Fn::ImportValue": "Out"},
            })
        );
        let a = node.get("a").unwrap();
        assert_eq!(at(text, a.span), "!Sub 'x-${AWS::Region}'");
        assert_eq!(at(text, a.as_object().unwrap()[0].key_span), "!Sub");
        assert_eq!(
            at(text, a.get("Fn::Sub").unwrap().span),
            "'x-${AWS::Region}'"
        );
        let c = node.pointer("/c/Fn::GetAtt").unwrap();
        assert_eq!(at(text, c.as_array().unwrap()[0].span), "Fn");
        assert_eq!(at(text, c.as_array().unwrap()[1].span), "Arn");
        assert_eq!(
            at(text, node.pointer("/e/Fn::If").unwrap().span),
            "- Cond\n  - 1\n  - 2"
        );
    }

    #[test]
    fn block_scalar_spans_its_text() {
        let text = "a: |\n  {\n    \"x\": 1\n  }\n\nb: 1\n";
        let node = parse(text).unwrap();
        let a = node.get("a").unwrap();
        assert_eq!(a.as_str(), Some("{\n  \"x\": 1\n}\n"));
        assert_eq!(at(text, a.span), "{\n    \"x\": 1\n  }");
        let text = "a: !Sub |\n  x\n";
        let inner = parse(text).unwrap();
        let inner = inner.pointer("/a/Fn::Sub").unwrap();
        assert_eq!(at(text, inner.span), "|\n  x");
    }

    #[test]
    fn anchors_and_aliases() {
        let text = "base: &b {Type: Pass, End: true}\nA: *b\nlist: [&x 1, *x]\n";
        let v = parse(text).unwrap().to_value();
        assert_eq!(v["A"], serde_json::json!({"Type": "Pass", "End": true}));
        assert_eq!(v["list"], serde_json::json!([1, 1]));
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let err = parse(&text).unwrap_err();
        assert!(err.message.contains("aliases"), "{}", err.message);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "- ".repeat(10_000) + "x\n";
        let err = parse(&text).unwrap_err();
        assert!(err.message.contains("nesting"), "{}", err.message);
        let mut text = String::new();
        for i in 0..10_000 {
            text.push_str(&" ".repeat(i));
            text.push_str("a:\n");
        }
        let err = parse(&text).unwrap_err();
        assert!(err.message.contains("nesting"), "{}", err.message);
        let text = "[".repeat(10_000);
        assert!(parse(&text).is_err());
    }

    #[test]
    fn nesting_up_to_the_limit_is_fine() {
        let text = "[".repeat(200) + &"]".repeat(200);
        assert!(parse(&text).is_ok());
    }

    #[test]
    fn syntax_error_position() {
        let text = "StartAt: A\nStates:\n  A: {Type: Pass\n  B: x\n";
        let err = parse(text).unwrap_err();
        let src = SourceFile::new("x", text.to_string());
        assert_eq!(src.line_col(err.span.start), (4, 4), "{err:?}");
        let text = "a: b\n c: d\n";
        let err = parse(text).unwrap_err();
        assert!(err.message.contains("mapping values"), "{}", err.message);
        assert_eq!(
            SourceFile::new("x", text.to_string()).line_col(err.span.start),
            (2, 3)
        );
    }

    #[test]
    fn flow_lines_indented_less_than_their_key_are_read_as_cloudformation_does() {
        let text = "Resources:\n  Key:\n    Policy: {\n      \"a\": [1,\n  2],\n  \"b\": 'x'\n  }\n    Next: |\n      {\n    z: 1\n";
        let node = parse(text).unwrap();
        let policy = node.pointer("/Resources/Key/Policy").unwrap();
        assert_eq!(
            policy.to_value(),
            serde_json::json!({"a": [1, 2], "b": "x"})
        );
        let b = node.pointer("/Resources/Key/Policy/b").unwrap();
        assert_eq!(at(text, b.span), "'x'");
        assert_eq!(at(text, policy.as_object().unwrap()[1].key_span), "\"b\"");
        assert_eq!(node.pointer("/Resources/Key/z").unwrap().as_i64(), Some(1));
        let text = "Outputs:\n  Sample:\n    Value: \"{\n      \\\"a\\\": 1\n    }\"\n    Other: 'x\n  y'\n";
        let node = parse(text).unwrap();
        assert_eq!(
            node.pointer("/Outputs/Sample/Value").unwrap().as_str(),
            Some("{ \"a\": 1 }")
        );
        assert_eq!(
            node.pointer("/Outputs/Sample/Other").unwrap().as_str(),
            Some("x y")
        );
        // Still an error where no indentation helps.
        assert!(parse("a: b\n c: d\n").is_err());
    }

    #[test]
    fn one_document_only_and_empty() {
        let text = "a: 1\n---\nb: 2\n";
        let e = parse(text).unwrap_err();
        assert_eq!(&text[e.span.start..e.span.end], "---");
        assert!(
            e.message.starts_with("a second YAML document"),
            "{}",
            e.message
        );
        // An explicit start and end of the one document are fine.
        let v = parse("---\na: 1\n...\n").unwrap().to_value();
        assert_eq!(v, serde_json::json!({"a": 1}));
        assert!(parse("a: 1\n...\n---\nb: 2\n").is_err());
        assert!(parse("").unwrap().is_null());
        assert!(parse("# only a comment\n").unwrap().is_null());
    }

    #[test]
    fn alias_and_collection_keys() {
        let v = parse("a: &k name\n*k : 1\n[x, y]: 2\n? {z: 1}\n: 3\nlast: 4\n")
            .unwrap()
            .to_value();
        assert_eq!(
            v,
            serde_json::json!({"a": "name", "name": 1, "[\"x\",\"y\"]": 2, "{\"z\":1}": 3, "last": 4})
        );
    }

    #[test]
    fn duplicate_keys_are_kept() {
        let node = parse("a: 1\na: 2\n").unwrap();
        assert_eq!(node.as_object().unwrap().len(), 2);
    }

    #[test]
    fn never_panics_on_odd_input() {
        for text in [
            "&a [*a]",
            "*x",
            "? [a]\n: b",
            "{",
            "]",
            "a: &a\n  b: *a",
            "!Sub",
            "- !GetAtt",
            "\t- x",
            "a: |0\n  x",
            "'",
            "\"\\u",
            "%YAML 1.2\n---\na",
            "\u{feff}a: 1",
            "a: !<tag:x> b",
            "!!binary x",
            "[a, b]: c",
            "é: [ü, {ö: ä}]",
            "a: >-\n\n  x\n\n",
        ] {
            let _ = parse(text);
        }
    }
}
