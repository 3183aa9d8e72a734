//! JSONata expressions as they appear in a definition: `"{% $states.input.a %}"`.
//!
//! Full parsing comes with the JSONata engine; until then [`check_template`]
//! checks what can be checked without it: the `{% %}` delimiters, a non-empty
//! expression, balanced brackets, closed strings and comments.

/// Whether a string value is meant as a JSONata expression.
pub fn is_template(s: &str) -> bool {
    s.starts_with("{%")
}

/// Checks a whole `{% ... %}` string. Offsets are bytes into `s`.
pub fn check_template(s: &str) -> Result<(), (usize, String)> {
    if !s.starts_with("{%") {
        return Err((0, "a JSONata expression starts with '{%'".into()));
    }
    if s.len() < 4 || !s.ends_with("%}") {
        return Err((
            s.len(),
            "the JSONata expression is not closed: it must end with '%}'".into(),
        ));
    }
    let inner = &s[2..s.len() - 2];
    if inner.trim().is_empty() {
        return Err((
            2,
            "the JSONata expression between '{%' and '%}' is empty".into(),
        ));
    }
    check_jsonata(inner).map_err(|(offset, msg)| (offset + 2, msg))
}

/// Checks an expression (without its delimiters): brackets balance, strings,
/// names in backquotes and comments are closed. Offsets are bytes into `expr`.
pub fn check_jsonata(expr: &str) -> Result<(), (usize, String)> {
    let bytes = expr.as_bytes();
    let mut stack: Vec<(u8, usize)> = Vec::new();
    // Whether the last significant token ends an operand: then `/` divides,
    // otherwise it opens a regular expression.
    let mut after_operand = false;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'"' | b'\'' | b'`' => {
                let what = if c == b'`' {
                    "name in backquotes"
                } else {
                    "string"
                };
                i = skip_quoted(bytes, i).ok_or((i, format!("the {what} is never closed")))?;
                after_operand = true;
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let end = expr[i + 2..]
                    .find("*/")
                    .ok_or((i, "the comment is never closed with '*/'".to_string()))?;
                i += 2 + end + 2;
                continue;
            }
            b'/' if !after_operand => {
                // A regular expression, if it is closed; otherwise leave it to the engine.
                if let Some(end) = skip_regex(bytes, i) {
                    i = end;
                    after_operand = true;
                    continue;
                }
                after_operand = false;
            }
            b'(' | b'[' | b'{' => {
                stack.push((c, i));
                after_operand = false;
            }
            b')' | b']' | b'}' => {
                let open = match c {
                    b')' => b'(',
                    b']' => b'[',
                    _ => b'{',
                };
                match stack.pop() {
                    Some((o, _)) if o == open => {}
                    Some((o, at)) => {
                        return Err((
                            i,
                            format!(
                                "'{}' does not close '{}' (opened at offset {at})",
                                c as char, o as char
                            ),
                        ));
                    }
                    None => return Err((i, format!("'{}' closes nothing", c as char))),
                }
                after_operand = true;
            }
            c if c.is_ascii_whitespace() => {}
            c if c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c == b'.' || c >= 0x80 => {
                after_operand = !ends_with_keyword(&bytes[..i + 1], bytes.get(i + 1));
            }
            _ => after_operand = false,
        }
        i += 1;
    }
    match stack.pop() {
        Some((o, at)) => Err((at, format!("'{}' is never closed", o as char))),
        None => Ok(()),
    }
}

/// `and`, `or`, `in` end a word but not an operand: a `/` after them starts a regex.
fn ends_with_keyword(before: &[u8], next: Option<&u8>) -> bool {
    if next.is_some_and(|n| n.is_ascii_alphanumeric() || *n == b'_') {
        return false;
    }
    [&b"and"[..], b"or", b"in"].iter().any(|k| {
        before.ends_with(k)
            && !before[..before.len() - k.len()].last().is_some_and(|c| {
                c.is_ascii_alphanumeric() || *c == b'_' || *c == b'$' || *c >= 0x80
            })
    })
}

/// The offset after a quoted string starting at `start`, if it closes.
fn skip_quoted(bytes: &[u8], start: usize) -> Option<usize> {
    let q = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if q != b'`' => i += 2,
            c if c == q => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// The offset after `/regex/flags` starting at `start`, if it closes on its line.
fn skip_regex(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    let mut in_class = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'\n' => return None,
            b'[' => {
                in_class = true;
                i += 1
            }
            b']' => {
                in_class = false;
                i += 1
            }
            b'/' if !in_class && i > start + 1 => {
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                    i += 1;
                }
                return Some(i);
            }
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_well_formed_expressions() {
        for s in [
            "{% $states.input %}",
            "{% $states.input.items[price > 10].(name & ' ' & `odd name`) %}",
            "{% $count($x) / 2 %}",
            "{% $match($s, /[(]a\\/b/i) %}",
            "{% /* a comment ( */ $x %}",
            "{% {'a': [1, 2, {\"b\": \")\"}]} %}",
            "{% $x and /ab/ %}",
            "{%$states.input%}",
        ] {
            assert_eq!(check_template(s), Ok(()), "{s}");
        }
    }

    #[test]
    fn reports_delimiters_and_balance_with_offsets() {
        let cases: &[(&str, usize, &str)] = &[
            ("{% $x", 5, "must end with '%}'"),
            ("{%}", 3, "must end with '%}'"),
            ("{%  %}", 2, "is empty"),
            ("{% $f(1 %}", 5, "'(' is never closed"),
            ("{% $x] %}", 5, "']' closes nothing"),
            ("{% [1, 2) %}", 8, "')' does not close '['"),
            ("{% 'abc %}", 3, "string is never closed"),
            ("{% `abc %}", 3, "name in backquotes is never closed"),
            ("{% /* x %}", 3, "comment is never closed"),
        ];
        for (s, offset, msg) in cases {
            let (o, m) = check_template(s).expect_err(s);
            assert!(m.contains(msg), "{s}: {m}");
            assert_eq!(o, *offset, "{s}: {m}");
        }
        assert!(!is_template("$.a"));
        assert!(is_template("{% x"));
    }

    #[test]
    fn deep_nesting_does_not_recurse() {
        let s = format!("{{% {} %}}", "(".repeat(100_000));
        assert!(check_template(&s).is_err());
    }
}
