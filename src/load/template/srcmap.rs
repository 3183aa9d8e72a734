//! Where each byte of a built text came from in the file.
//!
//! A `DefinitionString` is JSON text assembled from template strings: decoded
//! YAML or JSON string literals, `Fn::Join` parts, `${...}` substitutions. The
//! JSON parser reports spans in that text; a [`SourceMap`] turns them back into
//! spans of the template file, so every diagnostic points at what the user wrote.

use crate::load::Span;

/// Maps byte offsets of a built text to byte offsets of a file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceMap {
    /// Sorted by `text`; each piece runs until the next one starts.
    pieces: Vec<Piece>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Piece {
    /// Where the piece starts in the text.
    text: usize,
    /// Where it came from in the file.
    file: Span,
    /// Byte for byte from `file.start` on, or else standing for `file` as a whole
    /// (an escape sequence, a substituted value, a folded line break).
    linear: bool,
}

impl SourceMap {
    /// Text copied byte for byte from the file, starting at `file_start`.
    pub fn linear(file_start: usize) -> Self {
        let mut map = SourceMap::default();
        map.push_linear(0, file_start);
        map
    }

    /// The whole text stands for one span of the file.
    pub fn whole(file: Span) -> Self {
        let mut map = SourceMap::default();
        map.push_whole(0, file);
        map
    }

    /// From text offset `at` on, bytes come one for one from `file_start` on.
    pub fn push_linear(&mut self, at: usize, file_start: usize) {
        if let Some(last) = self.pieces.last()
            && last.linear
            && at >= last.text
            && last.file.start + (at - last.text) == file_start
        {
            return; // continues the previous piece
        }
        self.push(Piece {
            text: at,
            file: Span::new(file_start, usize::MAX),
            linear: true,
        });
    }

    /// From text offset `at` on, the text stands for `file` as a whole.
    pub fn push_whole(&mut self, at: usize, file: Span) {
        self.push(Piece {
            text: at,
            file,
            linear: false,
        });
    }

    fn push(&mut self, piece: Piece) {
        // A later piece at the same offset replaces an empty earlier one.
        while self.pieces.last().is_some_and(|p| p.text >= piece.text) {
            self.pieces.pop();
        }
        self.pieces.push(piece);
    }

    fn piece(&self, at: usize) -> Option<&Piece> {
        let i = self.pieces.partition_point(|p| p.text <= at);
        self.pieces.get(i.checked_sub(1)?)
    }

    /// The file offset of text offset `at`.
    pub fn offset(&self, at: usize) -> usize {
        match self.piece(at) {
            None => 0,
            Some(p) if p.linear => (p.file.start + (at - p.text)).min(p.file.end),
            Some(p) => p.file.start,
        }
    }

    /// The file span of text span `start..end`.
    pub fn span(&self, start: usize, end: usize) -> Span {
        let s = self.offset(start);
        if end <= start {
            return Span::new(s, s);
        }
        let e = match self.piece(end - 1) {
            None => s,
            Some(p) if p.linear => (p.file.start + (end - p.text)).min(p.file.end),
            Some(p) => p.file.end,
        };
        Span::new(s, e.max(s))
    }

    /// Appends the mapping of `other`'s text `from..to`, placed at offset `at` of this text.
    pub fn append(&mut self, at: usize, other: &SourceMap, from: usize, to: usize) {
        match other.piece(from) {
            Some(p) if p.linear => self.push_linear(at, p.file.start + (from - p.text)),
            Some(p) => self.push_whole(at, p.file),
            None => {}
        }
        for p in other.pieces.iter().filter(|p| p.text > from && p.text < to) {
            let here = at + (p.text - from);
            if p.linear {
                self.push_linear(here, p.file.start);
            } else {
                self.push_whole(here, p.file);
            }
        }
    }
}

/// How the characters of a string value sit in the file, for the string node
/// whose span is `span`: a JSON or YAML quoted string, a YAML block scalar
/// (`|` or `>`), or a plain scalar. When the decoding cannot be retraced
/// exactly, the whole value maps to the node's span.
pub fn string_map(file: &str, span: Span, value: &str) -> SourceMap {
    let raw = file.get(span.start..span.end).unwrap_or("");
    if raw == value {
        return SourceMap::linear(span.start);
    }
    let candidates: Vec<Option<(String, SourceMap)>> = match raw.as_bytes().first() {
        Some(b'"') => vec![double_quoted(file, span)],
        Some(b'\'') => vec![single_quoted(file, span)],
        Some(b'|' | b'>') => vec![block_with_header(file, span)],
        // A block scalar without tag starts at its first content line.
        _ => vec![
            block_lines(file, span.start, column(file, span.start), Fold::Literal),
            block_lines(file, span.start, column(file, span.start), Fold::Folded),
        ],
    };
    candidates
        .into_iter()
        .flatten()
        .find(|(decoded, _)| same_text(decoded, value))
        .map(|(_, map)| map)
        .unwrap_or_else(|| SourceMap::whole(span))
}

/// Equal up to final line breaks (block scalar chomping).
fn same_text(decoded: &str, value: &str) -> bool {
    decoded.trim_end_matches('\n') == value.trim_end_matches('\n')
}

/// Builds a decoded string and its map together.
#[derive(Default)]
struct Decoder {
    out: String,
    map: SourceMap,
}

impl Decoder {
    /// A character copied from file offset `at`.
    fn copy(&mut self, c: char, at: usize) {
        self.map.push_linear(self.out.len(), at);
        self.out.push(c);
    }
    /// Text produced by the file span `from..to` (an escape, a folded break).
    fn produce(&mut self, s: &str, from: usize, to: usize) {
        if s.is_empty() {
            return;
        }
        self.map.push_whole(self.out.len(), Span::new(from, to));
        self.out.push_str(s);
    }
    /// Drops trailing spaces and tabs copied from the file (before a folded break).
    fn trim_copied_blanks(&mut self) {
        let trimmed = self.out.trim_end_matches([' ', '\t']).len();
        self.out.truncate(trimmed);
    }
    fn finish(self) -> (String, SourceMap) {
        (self.out, self.map)
    }
}

/// A double-quoted YAML string or a JSON string: escapes and line folding.
fn double_quoted(file: &str, span: Span) -> Option<(String, SourceMap)> {
    let raw = file.get(span.start..span.end)?;
    let mut d = Decoder::default();
    let mut chars = raw.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        let at = span.start + i;
        match c {
            '"' => return Some(d.finish()),
            '\\' => {
                let (_, e) = chars.next()?;
                let (s, len): (String, usize) = match e {
                    '0' => ("\0".into(), 2),
                    'a' => ("\u{7}".into(), 2),
                    'b' => ("\u{8}".into(), 2),
                    't' | '\t' => ("\t".into(), 2),
                    'n' => ("\n".into(), 2),
                    'v' => ("\u{b}".into(), 2),
                    'f' => ("\u{c}".into(), 2),
                    'r' => ("\r".into(), 2),
                    'e' => ("\u{1b}".into(), 2),
                    ' ' => (" ".into(), 2),
                    '"' => ("\"".into(), 2),
                    '/' => ("/".into(), 2),
                    '\\' => ("\\".into(), 2),
                    'N' => ("\u{85}".into(), 2),
                    '_' => ("\u{a0}".into(), 2),
                    'L' => ("\u{2028}".into(), 2),
                    'P' => ("\u{2029}".into(), 2),
                    'x' => (char_of(hex(&mut chars, 2)?).to_string(), 4),
                    'u' => {
                        let code = hex(&mut chars, 4)?;
                        // A JSON surrogate pair: \uD83D\uDE00.
                        if (0xD800..0xDC00).contains(&code)
                            && raw.get(i + 6..i + 8) == Some("\\u")
                            && let Some(low) = raw
                                .get(i + 8..i + 12)
                                .and_then(|h| u32::from_str_radix(h, 16).ok())
                                .filter(|l| (0xDC00..0xE000).contains(l))
                        {
                            chars.next();
                            chars.next();
                            hex(&mut chars, 4)?;
                            let c = char_of(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00));
                            (c.to_string(), 12)
                        } else {
                            (char_of(code).to_string(), 6)
                        }
                    }
                    'U' => (char_of(hex(&mut chars, 8)?).to_string(), 10),
                    '\r' | '\n' => {
                        // An escaped line break joins the lines with nothing between.
                        if e == '\r' && chars.peek().map(|x| x.1) == Some('\n') {
                            chars.next();
                        }
                        while chars.peek().is_some_and(|x| matches!(x.1, ' ' | '\t')) {
                            chars.next();
                        }
                        continue;
                    }
                    _ => return None,
                };
                d.produce(&s, at, at + len);
            }
            '\r' | '\n' => fold_break(&mut d, &mut chars, c, at, span.start),
            _ => d.copy(c, at),
        }
    }
    None
}

fn hex(chars: &mut impl Iterator<Item = (usize, char)>, digits: usize) -> Option<u32> {
    let mut v = 0u32;
    for _ in 0..digits {
        v = v
            .checked_mul(16)?
            .checked_add(chars.next()?.1.to_digit(16)?)?;
    }
    Some(v)
}

/// A lone surrogate decodes to the replacement character, as JSON parsers do.
fn char_of(code: u32) -> char {
    char::from_u32(code).unwrap_or('\u{fffd}')
}

/// A single-quoted YAML string: `''` is a quote; line breaks fold.
fn single_quoted(file: &str, span: Span) -> Option<(String, SourceMap)> {
    let raw = file.get(span.start..span.end)?;
    let mut d = Decoder::default();
    let mut chars = raw.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        let at = span.start + i;
        match c {
            '\'' if chars.peek().map(|x| x.1) == Some('\'') => {
                chars.next();
                d.produce("'", at, at + 2);
            }
            '\'' => return Some(d.finish()),
            '\r' | '\n' => fold_break(&mut d, &mut chars, c, at, span.start),
            _ => d.copy(c, at),
        }
    }
    None
}

/// Line folding inside a quoted scalar: blanks around the break go, one break
/// becomes a space, and each further empty line a line feed.
fn fold_break(
    d: &mut Decoder,
    chars: &mut std::iter::Peekable<impl Iterator<Item = (usize, char)>>,
    first: char,
    at: usize,
    base: usize,
) {
    d.trim_copied_blanks();
    let mut breaks = 0;
    let mut pending = Some(first);
    let mut end = at + 1;
    loop {
        match pending.take() {
            Some('\r') => {
                if chars.peek().map(|x| x.1) == Some('\n') {
                    chars.next();
                }
                breaks += 1;
            }
            Some(_) => breaks += 1,
            None => {}
        }
        while let Some(&(j, c)) = chars.peek() {
            if c == ' ' || c == '\t' {
                chars.next();
                end = base + j + 1;
            } else {
                break;
            }
        }
        match chars.peek() {
            Some(&(j, c @ ('\r' | '\n'))) => {
                chars.next();
                end = base + j + 1;
                pending = Some(c);
            }
            _ => break,
        }
    }
    let s = if breaks == 1 {
        " ".to_string()
    } else {
        "\n".repeat(breaks - 1)
    };
    d.produce(&s, at, end);
}

#[derive(Clone, Copy, PartialEq)]
enum Fold {
    Literal,
    Folded,
}

/// A block scalar whose span starts at its `|` or `>` header.
fn block_with_header(file: &str, span: Span) -> Option<(String, SourceMap)> {
    let header_line_end = file[span.start..]
        .find('\n')
        .map_or(file.len(), |i| span.start + i);
    let header = &file[span.start..header_line_end];
    let fold = if header.starts_with('>') {
        Fold::Folded
    } else {
        Fold::Literal
    };
    let indicator = header
        .chars()
        .skip(1)
        .take_while(|c| !c.is_whitespace())
        .find_map(|c| c.to_digit(10));
    let content = (header_line_end + 1).min(file.len());
    let indent = match indicator {
        Some(n) => leading_spaces(line_at(file, span.start)) + n as usize,
        None => auto_indent(file, content)?,
    };
    block_lines(file, content, indent, fold)
}

/// The indentation of the first non-empty content line.
fn auto_indent(file: &str, content: usize) -> Option<usize> {
    file[content..]
        .split('\n')
        .find(|l| !l.trim().is_empty())
        .map(leading_spaces)
}

fn leading_spaces(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn line_at(file: &str, at: usize) -> &str {
    let start = file[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = file[at..].find('\n').map_or(file.len(), |i| at + i);
    &file[start..end]
}

/// Columns before `at` on its line, if they are all spaces (else 0).
fn column(file: &str, at: usize) -> usize {
    let start = file[..at].rfind('\n').map_or(0, |i| i + 1);
    let before = &file[start..at];
    if before.bytes().all(|b| b == b' ') {
        before.len()
    } else {
        0
    }
}

/// The content lines of a block scalar from the line holding `from` on, with
/// `indent` spaces of indentation, folded or kept as the style says.
fn block_lines(file: &str, from: usize, indent: usize, fold: Fold) -> Option<(String, SourceMap)> {
    let mut line_start = file[..from.min(file.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let mut d = Decoder::default();
    let mut first = true;
    let mut pending_empty = 0usize;
    let mut prev_normal: Option<bool> = None;
    let mut break_at = line_start;
    while line_start < file.len() {
        let line_end = file[line_start..]
            .find('\n')
            .map_or(file.len(), |i| line_start + i);
        let line = file[line_start..line_end].trim_end_matches('\r');
        let blank = line.trim().is_empty();
        if !blank && leading_spaces(line) < indent {
            break;
        }
        let content_start = line_start + indent.min(line.len());
        let content = &line[indent.min(line.len())..];
        match fold {
            Fold::Literal => {
                if !first {
                    d.produce("\n", break_at, break_at + 1);
                }
                for (i, c) in content.char_indices() {
                    d.copy(c, content_start + i);
                }
            }
            Fold::Folded if content.is_empty() => pending_empty += 1,
            Fold::Folded => {
                let normal = !content.starts_with([' ', '\t']);
                let joint = match prev_normal {
                    None => "\n".repeat(pending_empty),
                    Some(true) if normal && pending_empty == 0 => " ".to_string(),
                    Some(true) if normal => "\n".repeat(pending_empty),
                    Some(_) => "\n".repeat(pending_empty + 1),
                };
                d.produce(&joint, break_at, content_start);
                for (i, c) in content.char_indices() {
                    d.copy(c, content_start + i);
                }
                pending_empty = 0;
                prev_normal = Some(normal);
            }
        }
        first = false;
        break_at = line_end;
        line_start = line_end + 1;
    }
    Some(d.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The file text that text offset `at` of `value` maps to.
    fn back<'f>(file: &'f str, map: &SourceMap, value: &str, needle: &str) -> &'f str {
        let at = value.find(needle).unwrap();
        let s = map.span(at, at + needle.len());
        &file[s.start..s.end]
    }

    #[test]
    fn json_string_with_escapes() {
        let file = r#"x: "{\"StartAt\": \"A\",\n \"u\": \"\u00e9\ud83d\ude00 z\"}""#;
        let span = Span::new(3, file.len());
        let value = "{\"StartAt\": \"A\",\n \"u\": \"é😀 z\"}";
        let map = string_map(file, span, value);
        assert_eq!(back(file, &map, value, "StartAt"), "StartAt");
        assert_eq!(back(file, &map, value, "\"A\""), "\\\"A\\\"");
        assert_eq!(back(file, &map, value, "\"u\""), "\\\"u\\\"");
        assert_eq!(back(file, &map, value, "z"), "z");
    }

    #[test]
    fn single_quoted_and_folded_quotes() {
        let file = "x: 'it''s\n   a  \n\n   b'";
        let span = Span::new(3, file.len());
        let value = "it's a\nb";
        let map = string_map(file, span, value);
        assert_eq!(back(file, &map, value, "s"), "s");
        assert_eq!(back(file, &map, value, "b"), "b");
        let file = "x: \"a \\\n   b\"";
        let map = string_map(file, Span::new(3, file.len()), "a b");
        assert_eq!(back(file, &map, "a b", "b"), "b");
    }

    #[test]
    fn literal_block_with_and_without_header() {
        let file = "x: !Sub |\n  {\n    \"A\": 1\n  }\ny: 2\n";
        let start = file.find('|').unwrap();
        let value = "{\n  \"A\": 1\n}\n";
        let map = string_map(file, Span::new(start, 30), value);
        assert_eq!(back(file, &map, value, "\"A\""), "\"A\"");
        assert_eq!(back(file, &map, value, "}"), "}");
        let file = "x: |\n  {\n    \"A\": 1\n  }\ny: 2\n";
        let start = file.find('{').unwrap();
        let map = string_map(file, Span::new(start, 25), value);
        assert_eq!(
            map.offset(value.find("\"A\"").unwrap()),
            file.find("\"A\"").unwrap()
        );
    }

    #[test]
    fn folded_block() {
        let file = "x: >\n  a\n  b\n\n  c\n";
        let start = file.find('a').unwrap();
        let value = "a b\nc\n";
        let map = string_map(file, Span::new(start, file.len()), value);
        assert_eq!(
            map.offset(value.find('c').unwrap()),
            file.find('c').unwrap()
        );
    }

    #[test]
    fn unknown_decoding_maps_to_the_whole_span() {
        let file = "x: abc";
        let map = string_map(file, Span::new(3, 6), "something else");
        assert_eq!(map.span(2, 4), Span::new(3, 6));
    }

    #[test]
    fn appending_slices() {
        let mut map = SourceMap::linear(100);
        map.push_whole(5, Span::new(200, 210));
        map.push_linear(8, 300);
        let mut out = SourceMap::default();
        out.append(0, &map, 3, 10);
        assert_eq!(out.offset(0), 103);
        assert_eq!(out.offset(2), 200);
        assert_eq!(out.span(2, 4), Span::new(200, 210));
        assert_eq!(out.offset(6), 301);
    }
}
