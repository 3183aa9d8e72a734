//! The command line: every flag defined once, here, with its help text;
//! completions and the README's usage come from these definitions.

mod explain;
mod validate;
mod watch;

use clap::{Parser, Subcommand, ValueEnum};

pub use explain::rule_table_markdown;

#[derive(Debug, Parser)]
#[command(
    name = "sfn",
    version,
    about = "Validate, run and inspect AWS Step Functions state machines, offline"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check definitions and templates for everything AWS rejects or warns about
    Validate(ValidateArgs),
    /// Print the documentation of a validation rule
    Explain(ExplainArgs),
    /// Print a shell completion script
    Completions {
        /// The shell to complete for
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Human,
    Json,
    Sarif,
    Github,
}

#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// Definition files, templates, directories (searched recursively) or globs
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<String>,
    /// Output format
    #[arg(long, value_enum, default_value = "human")]
    pub format: OutputFormat,
    /// Treat warnings as errors
    #[arg(long)]
    pub strict: bool,
    /// Re-validate whenever a file changes
    #[arg(long)]
    pub watch: bool,
    /// Fill `${NAME}` placeholders: NAME=VALUE (repeatable; overrides DefinitionSubstitutions)
    #[arg(long = "sub", value_name = "NAME=VALUE", value_parser = parse_sub)]
    pub substitutions: Vec<(String, String)>,
    /// Colours: auto (a terminal without NO_COLOR), always or never
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// A rule code (`MISSING_END_STATE`) or rule name (`transition-target`)
    #[arg(value_name = "CODE", required_unless_present = "list")]
    pub code: Option<String>,
    /// List every rule instead
    #[arg(long)]
    pub list: bool,
    /// With --list: print the README's Markdown table
    #[arg(long, requires = "list")]
    pub markdown: bool,
}

fn parse_sub(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_string(), value.to_string())),
        _ => Err(format!("expected NAME=VALUE, got '{s}'")),
    }
}

/// Exit statuses, as SPEC.md fixes them.
pub mod exit {
    pub const OK: i32 = 0;
    pub const FAILED: i32 = 1;
    pub const COULD_NOT_RUN: i32 = 2;
}

/// Whether to colour output written to stdout.
pub fn use_color(choice: ColorChoice) -> bool {
    use std::io::IsTerminal;
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

/// Runs the command line; returns the exit status.
pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Command::Validate(args) => validate::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "sfn", &mut std::io::stdout());
            exit::OK
        }
    }
}

/// Where the completion scripts shipped in `completions/` come from.
pub fn completion_script(shell: clap_complete::Shell) -> String {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "sfn", &mut buf);
    String::from_utf8(buf).expect("completion scripts are UTF-8")
}
