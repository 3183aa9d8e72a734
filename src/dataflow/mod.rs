//! The languages inside a definition: JSONPath and reference paths, intrinsic
//! functions, and (their delimiters, for now) JSONata expressions. Each is split
//! into small pure stages (lex → parse → check), so the validator and the
//! engine share them; [`sites`] says where in a state they appear.

pub mod choice;
pub mod eval;
pub mod intrinsic;
pub mod jsonata;
pub mod path;
pub mod result_path;
pub mod sites;
pub mod template;

#[cfg(test)]
mod robustness {
    //! Hostile input: no parser panics, whatever the text.

    /// A small deterministic generator, so a failure reproduces.
    fn strings(seed: u64, count: usize) -> Vec<String> {
        const PIECES: &[&str] = &[
            "$",
            "$$",
            ".",
            "..",
            "[",
            "]",
            "(",
            ")",
            "'",
            "\"",
            "\\",
            "?",
            "@",
            "*",
            ":",
            ",",
            "-",
            "1",
            "0",
            "a",
            "Ж",
            "中",
            "🆗",
            " ",
            "States.",
            "Format",
            "ArrayRange",
            "{",
            "}",
            "%",
            "{%",
            "%}",
            "/",
            "/*",
            "*/",
            "`",
            "==",
            "<",
            "&&",
            "||",
            "!",
            "true",
            "null",
            "e",
            "in",
            "and",
        ];
        let mut state = seed;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        (0..count)
            .map(|_| {
                let len = (next() % 24) as usize;
                (0..len)
                    .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                    .collect()
            })
            .collect()
    }

    #[test]
    fn parsers_never_panic() {
        for s in strings(0x9E37_79B9_7F4A_7C15, 30_000) {
            let _ = super::path::parse(&s);
            if let Ok(call) = super::intrinsic::parse(&s) {
                for p in super::intrinsic::check(&call) {
                    assert!(p.span.end <= s.len(), "{s}");
                }
            }
            let _ = super::jsonata::check_template(&s);
            let _ = super::jsonata::check_jsonata(&s);
            let _ = super::sites::appears_dynamic(&s);
            for prefix in ["$", "States.Array(", "{% "] {
                let t = format!("{prefix}{s}");
                if let Err((offset, _)) = super::sites::parse_dynamic(&t) {
                    assert!(t.is_char_boundary(offset.min(t.len())), "{t}")
                }
                if let Err((offset, _)) = super::jsonata::check_template(&t) {
                    assert!(t.is_char_boundary(offset.min(t.len())), "{t}");
                }
            }
        }
    }
}
