use super::{ExplainArgs, exit};
use crate::validate::registry::{self, RULES};

pub fn run(args: &ExplainArgs) -> i32 {
    if args.list || args.markdown {
        if args.markdown {
            print!("{}", rule_table_markdown());
        } else {
            for r in RULES {
                println!(
                    "{:<28} {:<8} {:<28} {}",
                    r.code,
                    r.severity.as_str(),
                    r.id,
                    r.summary
                );
            }
        }
        return exit::OK;
    }
    let code = args.code.as_deref().unwrap_or_default();
    let rules = registry::find(code);
    if rules.is_empty() {
        eprintln!("error: no rule has the code or name '{code}'");
        eprintln!(
            "help: `sfn explain --list` lists every rule; known codes: {}",
            registry::codes().join(", ")
        );
        return exit::COULD_NOT_RUN;
    }
    for (i, r) in rules.iter().enumerate() {
        if i > 0 {
            println!();
        }
        println!(
            "# {} ({}, {})\n",
            r.code,
            r.id,
            r.severity.as_str().to_lowercase()
        );
        println!("{}\n", r.summary);
        print!("{}", unindent(r.doc));
    }
    exit::OK
}

/// Doc comments arrive with the space after `///`.
fn unindent(doc: &str) -> String {
    doc.lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// The README's rule table, generated from the registry.
pub fn rule_table_markdown() -> String {
    let mut out = String::from("| Code | Rule | Severity | Checks |\n|---|---|---|---|\n");
    for r in RULES {
        out.push_str(&format!(
            "| `{}` | `{}` | {} | {} |\n",
            r.code,
            r.id,
            r.severity.as_str().to_lowercase(),
            r.summary
        ));
    }
    out
}
