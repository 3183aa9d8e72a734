//! The command line: every flag defined once, here, with its help text;
//! completions and the README's usage come from these definitions.

mod describe;
mod explain;
mod history;
mod list;
pub mod memory;
mod redrive;
mod run;
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
    /// Execute a definition locally, with every Task answered from a mocks file
    Run(RunArgs),
    /// Print the documentation of a validation rule
    Explain(ExplainArgs),
    /// Print an execution's event history (GetExecutionHistory), or compare two
    History(HistoryArgs),
    /// Print an execution's DescribeExecution response
    Describe(DescribeArgs),
    /// List the stored executions, newest first (ListExecutions)
    List(ListArgs),
    /// Resume a FAILED, TIMED_OUT or ABORTED execution from where it stopped (RedriveExecution)
    Redrive(RedriveArgs),
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
pub struct RunArgs {
    /// The definition (or template) to run
    #[arg(value_name = "DEFINITION")]
    pub definition: std::path::PathBuf,
    /// Execution input: a JSON file, `-` for stdin, or JSON text (default `{}`)
    #[arg(long, value_name = "X")]
    pub input: Option<String>,
    /// Mocks file: AWS Step Functions Local's MockConfigFile, or the native YAML form
    #[arg(long, value_name = "FILE")]
    pub mocks: Option<std::path::PathBuf>,
    /// The test case of a MockConfigFile to use
    #[arg(long, value_name = "NAME")]
    pub test_case: Option<String>,
    /// Execution name (default: a generated UUID)
    #[arg(long)]
    pub name: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value = "human")]
    pub format: RunFormat,
    /// Seed for States.UUID, States.MathRandom, retry jitter and generated names
    #[arg(long)]
    pub seed: Option<u64>,
    /// virtual: waits, retries, delays and timeouts take no real time; real: they do
    #[arg(long, value_enum, default_value = "virtual")]
    pub clock: ClockArg,
    /// Run again whenever the definition, the mocks or the input file changes
    #[arg(long)]
    pub watch: bool,
    /// For a template holding several state machines: the logical id of the one to run
    #[arg(long, value_name = "LOGICAL_ID")]
    pub machine: Option<String>,
    /// Fill `${NAME}` placeholders: NAME=VALUE (repeatable)
    #[arg(long = "sub", value_name = "NAME=VALUE", value_parser = parse_sub)]
    pub substitutions: Vec<(String, String)>,
    /// Do not save the execution in the store
    #[arg(long)]
    pub no_store: bool,
    /// The directory standing in for Amazon S3 (Distributed Map ItemReader, ResultWriter):
    /// s3://BUCKET/KEY is DIR/BUCKET/KEY
    #[arg(long, value_name = "DIR", env = "SFN_S3_DIR", default_value = "s3")]
    pub s3_dir: std::path::PathBuf,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RunFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClockArg {
    Virtual,
    Real,
}

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// A rule code (`MISSING_END_STATE`) or rule name (`transition-target`)
    #[arg(value_name = "CODE", required_unless_present_any = ["list", "markdown"])]
    pub code: Option<String>,
    /// List every rule instead
    #[arg(long, conflicts_with = "code")]
    pub list: bool,
    /// List every rule as the README's Markdown table
    #[arg(long, conflicts_with = "code")]
    pub markdown: bool,
}

/// Where executions are kept.
#[derive(Debug, Clone, clap::Args)]
pub struct StoreArgs {
    /// The execution store (default: $SFN_STORE, else .sfn in the working directory)
    #[arg(long = "store", value_name = "DIR")]
    pub store: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HistoryFormat {
    Table,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// Execution name or ARN (default: the most recent)
    #[arg(value_name = "EXECUTION", conflicts_with = "diff")]
    pub execution: Option<String>,
    /// Output format: a table, or exactly GetExecutionHistory's JSON
    #[arg(long, value_enum, default_value = "table")]
    pub format: HistoryFormat,
    /// Newest event first (GetExecutionHistory's reverseOrder)
    #[arg(long)]
    pub reverse: bool,
    /// Include events' input and output (GetExecutionHistory's includeExecutionData)
    #[arg(
        long,
        value_name = "BOOL",
        default_value_t = true,
        action = clap::ArgAction::Set,
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true"
    )]
    pub include_data: bool,
    /// Compare two executions side by side, event by event (exit 1 if they differ, as diff)
    #[arg(long, num_args = 2, value_names = ["A", "B"])]
    pub diff: Option<Vec<String>>,
    #[command(flatten)]
    pub store: StoreArgs,
    /// Colours: auto (a terminal without NO_COLOR), always or never
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
}

#[derive(Debug, clap::Args)]
pub struct DescribeArgs {
    /// Execution name or ARN (default: the most recent)
    #[arg(value_name = "EXECUTION")]
    pub execution: Option<String>,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, clap::Args)]
pub struct RedriveArgs {
    /// Execution name or ARN
    #[arg(value_name = "EXECUTION")]
    pub execution: String,
    /// Mocks for the redrive (default: the ones stored with the execution, their call
    /// counters going on; other mocks start from their first call)
    #[arg(long, value_name = "FILE")]
    pub mocks: Option<std::path::PathBuf>,
    /// The test case of a MockConfigFile to use
    #[arg(long, value_name = "NAME")]
    pub test_case: Option<String>,
    /// Output format: a summary, or DescribeExecution's JSON after the redrive
    #[arg(long, value_enum, default_value = "human")]
    pub format: RunFormat,
    /// The directory standing in for Amazon S3 (Distributed Map ItemReader, ResultWriter):
    /// s3://BUCKET/KEY is DIR/BUCKET/KEY
    #[arg(long, value_name = "DIR", env = "SFN_S3_DIR", default_value = "s3")]
    pub s3_dir: std::path::PathBuf,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

/// An execution's status, as `ListExecutions`' statusFilter names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExecutionStatus {
    Running,
    Succeeded,
    Failed,
    TimedOut,
    Aborted,
    PendingRedrive,
}

impl ExecutionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ExecutionStatus::Running => "RUNNING",
            ExecutionStatus::Succeeded => "SUCCEEDED",
            ExecutionStatus::Failed => "FAILED",
            ExecutionStatus::TimedOut => "TIMED_OUT",
            ExecutionStatus::Aborted => "ABORTED",
            ExecutionStatus::PendingRedrive => "PENDING_REDRIVE",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RedriveFilter {
    Redriven,
    NotRedriven,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only executions with this status (ListExecutions' statusFilter)
    #[arg(long, value_enum, ignore_case = true)]
    pub status: Option<ExecutionStatus>,
    /// Only executions redriven at least once, or never (ListExecutions' redriveFilter)
    #[arg(long, value_enum, ignore_case = true)]
    pub redrive_filter: Option<RedriveFilter>,
    /// Only executions of this state machine (name or ARN)
    #[arg(long, value_name = "MACHINE")]
    pub state_machine: Option<String>,
    /// At most N executions, the newest (0, as leaving it out: all)
    #[arg(long, value_name = "N")]
    pub max_results: Option<usize>,
    /// Output format: a table, or ListExecutions' JSON
    #[arg(long, value_enum, default_value = "table")]
    pub format: ListFormat,
    #[command(flatten)]
    pub store: StoreArgs,
    /// Colours: auto (a terminal without NO_COLOR), always or never
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
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
        Command::Run(args) => run::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::History(args) => history::run(&args),
        Command::Describe(args) => describe::run(&args),
        Command::List(args) => list::run(&args),
        Command::Redrive(args) => redrive::run(&args),
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
