//! `sfn run`: validate, then execute locally with Tasks answered by mocks.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::{Value, json};

use super::{ClockArg, ColorChoice, RunArgs, RunFormat, exit, use_color};
use crate::diagnostic::{Diagnostic, Severity, closest};
use crate::engine::{
    self, ClockKind, Execution, MAX_EXECUTION_INPUT, Plan, RunError, RunOptions, Status,
};
use crate::history::{JsonText, Retain, json_text};
use crate::load::{Definition, LoadOptions, load_path, read_problem};
use crate::mocks::{Miss, Mocks, UNKNOWN_MOCK_STATE};
use crate::model;
use crate::render::describe::{Describe, Piece};
use crate::render::{self, FileReport};
use crate::store::{Lock, RunFiles, Store, StoreError};
use crate::validate::validate_model;

pub fn run(args: &RunArgs) -> i32 {
    // The schema compiles on the other core while the definition and input load.
    std::thread::spawn(crate::validate::prepare);
    if args.watch {
        return watch(args);
    }
    run_once(args, &mut Session::new(false))
}

fn run_once(args: &RunArgs, session: &mut Session) -> i32 {
    match run_inner(args, session) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            exit::COULD_NOT_RUN
        }
    }
}

/// What one run hands the next under `--watch`.
struct Session {
    /// Set by Ctrl-C: the run in progress stops as ABORTED.
    abort: Arc<AtomicBool>,
    /// Whether Ctrl-C sets `abort` yet (the watch installs its handler at the start).
    ctrl_c: bool,
    /// `--input -`, read once (with its text): a re-run cannot read stdin again.
    stdin: Option<Input>,
    /// Under `--watch`: JSON on one line per run, and a new generated name per run.
    watch: bool,
    runs: u64,
    /// The files the definitions were read from: a SAM template's `DefinitionUri`
    /// file is watched too.
    sources: Vec<PathBuf>,
}

impl Session {
    fn new(watch: bool) -> Session {
        Session {
            abort: Arc::new(AtomicBool::new(false)),
            ctrl_c: false,
            stdin: None,
            watch,
            runs: 0,
            sources: Vec::new(),
        }
    }

    /// The abort flag, Ctrl-C setting it from now on. Not earlier: Ctrl-C while the
    /// input is read from stdin must still end the process.
    fn abort_on_ctrl_c(&mut self) -> Arc<AtomicBool> {
        if !self.ctrl_c {
            self.ctrl_c = true;
            let abort = self.abort.clone();
            // A second Ctrl-C while the first is handled is ignored: the run stops at the next state.
            let _ = ctrlc::set_handler(move || abort.store(true, Ordering::Relaxed));
        }
        self.abort.clone()
    }

    /// The input, and the text it was read from.
    fn input(&mut self, arg: Option<&str>) -> Result<Input, String> {
        if arg != Some("-") {
            return read_input(arg);
        }
        if self.stdin.is_none() {
            self.stdin = Some(read_input(arg)?);
        }
        self.stdin
            .clone()
            .ok_or_else(|| "the input from stdin was not read".to_string())
    }

    /// A generated name: a random UUID, as AWS generates; with `--seed`, a reproducible
    /// sequence (each `--watch` run takes the next), skipping names the store already
    /// holds, so running again with the same seed is not refused. A seeded name is
    /// held (the store's lock on it) until the run is stored: runs started at once
    /// with the same seed each take a different name instead of all but one being
    /// refused when they store their executions.
    fn name(&mut self, seed: Option<u64>, store: Option<&Store>) -> (String, Option<Lock>) {
        let Some(seed) = seed else {
            return (uuid::Uuid::new_v4().to_string(), None);
        };
        loop {
            let k = self.runs;
            self.runs += 1;
            let name = seeded_name(seed.wrapping_add(k));
            let Some(store) = store else {
                return (name, None);
            };
            if k >= 1000 {
                return (name, None);
            }
            if store.exists(&name) {
                continue;
            }
            match store.lock(&name) {
                // Checked again once held: another run may have stored it meanwhile.
                Ok(lock) if !store.exists(&name) => return (name, Some(lock)),
                Ok(_) | Err(StoreError::Busy(_)) => continue,
                // A store that cannot hold locks fails the run where it stores it.
                Err(_) => return (name, None),
            }
        }
    }
}

/// `sfn run --watch`: runs again on every save of the definition, the mocks or the input
/// file, until Ctrl-C.
fn watch(args: &RunArgs) -> i32 {
    match watch_inner(args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            exit::COULD_NOT_RUN
        }
    }
}

fn watch_inner(args: &RunArgs) -> Result<i32, String> {
    use super::watch::{INTERRUPTED, Wake, Watch, changed, clear_screen, waiting};
    if let Some(name) = &args.name {
        // Replacing the stored execution would lose the earlier runs, and AWS never
        // reuses a name: refuse instead.
        if !args.no_store {
            return Err(format!(
                "--name '{name}' cannot be used with --watch: every save starts a new execution, and a stored \
                 execution name can be used only once (ExecutionAlreadyExists). Leave --name out: each run \
                 gets a generated name, and `sfn history` shows the latest; or add --no-store"
            ));
        }
        check_execution_name(name)?;
    }
    let mut files = vec![args.definition.as_path()];
    files.extend(args.mocks.as_deref());
    for file in &files {
        if !file.is_file() {
            return Err(format!("{}: no such file", file.display()));
        }
    }
    // The input file, also one not made yet: an argument that is not JSON names a file.
    if let Some(arg) = args.input.as_deref()
        && arg != "-"
        && (Path::new(arg).is_file() || serde_json::from_str::<Value>(arg).is_err())
    {
        files.push(Path::new(arg));
    }
    let mut session = Session::new(true);
    // Stdin is read once, before the watch starts; each run reuses it.
    session.input(args.input.as_deref().filter(|a| *a == "-"))?;
    let mut watch = Watch::files(&files, session.abort.clone())?;
    session.ctrl_c = true;
    let mut names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    let mut changes = None;
    loop {
        clear_screen();
        if let Some(files) = &changes {
            changed(files);
        }
        run_once(args, &mut session);
        if watch.interrupted() {
            return Ok(INTERRUPTED);
        }
        for source in std::mem::take(&mut session.sources) {
            // Not fatal: the template itself is still watched.
            if let Ok(true) = watch.add_file(&source) {
                names.push(source.display().to_string());
            }
        }
        waiting(&names.join(", "));
        match watch.wait() {
            Wake::Changed(files) => {
                watch.rewatch();
                changes = Some(files);
            }
            Wake::Interrupted => return Ok(INTERRUPTED),
        }
    }
}

fn run_inner(args: &RunArgs, session: &mut Session) -> Result<i32, String> {
    let opts = LoadOptions {
        substitutions: args.substitutions.iter().cloned().collect(),
    };
    if args.test_case.is_some() && args.mocks.is_none() {
        return Err(
            "--test-case names a test case of a MockConfigFile: give that file with --mocks".into(),
        );
    }
    let mut loaded = load_path(&args.definition, &opts).map_err(|e| e.to_string())?;
    if loaded.source.text.trim().is_empty() {
        return Err(format!(
            "{}: the file is empty: nothing to run (a definition needs \"StartAt\" and \"States\")",
            args.definition.display()
        ));
    }
    // With --machine, what the template says about its other machines is not this run's.
    if let Some(id) = args.machine.as_deref() {
        let own = format!("/Resources/{}", crate::load::pointer_token(id));
        loaded.diagnostics.retain(|d| {
            !d.location.starts_with("/Resources/")
                || d.location == own
                || d.location.starts_with(&format!("{own}/"))
        });
    }
    session.sources = loaded
        .definitions
        .iter()
        .map(|d| d.source.path.clone())
        .collect();
    let color = use_color(ColorChoice::Auto) && args.format == RunFormat::Human;
    if !loaded.diagnostics.is_empty() {
        report(&[FileReport {
            source: loaded.source.clone(),
            machine: None,
            diagnostics: loaded.diagnostics.clone(),
            template_level: false,
        }]);
        if loaded
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
        {
            return Ok(exit::COULD_NOT_RUN);
        }
    }
    let definition = pick_machine(
        &loaded.definitions,
        args.machine.as_deref(),
        &args.definition,
        &loaded.diagnostics,
    )?;
    // An input from a file or the command line is read now, while the schema that
    // validation waits for is still compiling on the other core; its errors still
    // come after the definition's. Stdin is read only once the definition is valid.
    let read_early = match args.input.as_deref() {
        Some("-") => None,
        arg => Some(read_input(arg)),
    };
    let machine = model::build(&definition.root);
    let diagnostics = validate_model(definition, &machine);
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        report(&[FileReport {
            source: definition.source.clone(),
            machine: definition.machine.clone(),
            diagnostics,
            template_level: false,
        }]);
        eprintln!("error: the definition is invalid: fix the errors above, then run it again");
        return Ok(exit::COULD_NOT_RUN);
    }
    // A `${...}` nothing fills runs as that literal text (a function name, a
    // bucket): said before the run, with the --sub that fills it, not left to
    // surface as a strange failure.
    let unfilled: Vec<_> = diagnostics
        .into_iter()
        .filter(|d| d.code == crate::load::template::UNFILLED_PLACEHOLDER)
        .collect();
    if !unfilled.is_empty() {
        report_file(&[FileReport {
            source: definition.source.clone(),
            machine: definition.machine.clone(),
            diagnostics: unfilled,
            template_level: false,
        }]);
    }
    let machine_name = machine_name(definition, &args.definition);
    // The text read is what the store keeps; the history shows it compact.
    let Input {
        value: input,
        text: read_text,
        json: input_text,
        from: input_from,
    } = match read_early {
        Some(read) => read?,
        None => session.input(args.input.as_deref())?,
    };
    // StartExecution refuses a larger input; no execution is created.
    let input_len = input_text.len();
    if input_len > MAX_EXECUTION_INPUT {
        return Err(format!(
            "{input_from}: the input is {input_len} bytes of JSON (UTF-8); AWS's StartExecution accepts at most {MAX_EXECUTION_INPUT} \
             (256 KiB): pass a smaller input, e.g. a reference to where the data is"
        ));
    }
    // The mocks file's text as read now: the execution keeps what it ran with,
    // even if the file is saved again while it runs.
    let mut mocks_text = None;
    let mocks = match &args.mocks {
        None => Mocks::empty(),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("{}: the mocks file: {}", path.display(), read_problem(&e)))?;
            mocks_text = Some(text.clone());
            let names = vec![machine_name.clone(), "definition".to_string()];
            match Mocks::parse(path, text.clone(), args.test_case.as_deref(), &names) {
                Ok(m) => m,
                Err(diags) => {
                    let source = Arc::new(crate::load::SourceFile::new(path, text));
                    report_file(&[FileReport {
                        source,
                        machine: None,
                        diagnostics: diags,
                        template_level: false,
                    }]);
                    return Ok(exit::COULD_NOT_RUN);
                }
            }
        }
    };
    warn_unknown_mocks(&mocks, &machine);
    let plan =
        Plan::compile(&machine).map_err(|u| format!("state '{}': {}", u.state, u.message))?;
    let abort = session.abort_on_ctrl_c();
    if abort.load(Ordering::Relaxed) {
        // Ctrl-C under --watch before this run started: no execution is created.
        return Ok(super::watch::INTERRUPTED);
    }
    let store = (!args.no_store).then(|| Store::locate(args.store.store.as_deref()));
    let (name, held) = match &args.name {
        Some(name) => (name.clone(), None),
        None => session.name(args.seed, store.as_ref()),
    };
    check_execution_name(&name)?;
    // A name given is held until the run is stored, as a generated one is: a second
    // run of the same name meanwhile is refused, not the first one when it stores.
    let _held = match (held, &store, &args.name) {
        (None, Some(store), Some(_)) => match store.lock(&name) {
            Ok(lock) => Some(lock),
            Err(StoreError::Busy(_)) => {
                return Err(format!(
                    "ExecutionAlreadyExists: an execution named '{name}' is running in {}: pick another --name",
                    store.root.display()
                ));
            }
            // A store that cannot hold locks fails the run where it stores it.
            Err(_) => None,
        },
        (held, _, _) => held,
    };
    if let Some(store) = &store
        && store.exists(&name)
    {
        return Err(format!(
            "ExecutionAlreadyExists: an execution named '{name}' is already in {}: pick another --name",
            store.root.display()
        ));
    }
    let run_opts = RunOptions {
        execution_name: name,
        state_machine_name: machine_name,
        // Without --seed, States.UUID, States.MathRandom and Map Run ids differ run
        // to run, as on AWS.
        seed: args
            .seed
            .unwrap_or_else(|| uuid::Uuid::new_v4().as_u64_pair().0),
        clock: match args.clock {
            ClockArg::Virtual => ClockKind::Virtual,
            ClockArg::Real => ClockKind::Real,
        },
        start_ms: now_ms(),
        abort,
        s3_dir: args.s3_dir.clone(),
    };
    // The history is written into the store while the execution runs. A store
    // that cannot take it is reported now, before a run whose result would be lost.
    let (pending, sink, input_text) = match &store {
        Some(store) => {
            // Its input written from the text the history escaped, lent and taken
            // back: read back and escaped again, it cost a twentieth of a large Map's run.
            let mut running = Describe::default();
            running.push("executionArn", json!(run_opts.execution_arn()));
            running.push("stateMachineArn", json!(run_opts.state_machine_arn()));
            running.push("name", json!(run_opts.execution_name));
            running.push("status", json!("RUNNING"));
            running.push("startDate", json!(run_opts.start_ms as f64 / 1000.0));
            running.push("input", Piece::JsonText(input_text));
            running.push("inputDetails", json!({"included": true}));
            running.push("redriveCount", json!(0));
            running.push("redriveStatus", json!("NOT_REDRIVABLE"));
            running.push(
                "redriveStatusReason",
                json!("Execution is RUNNING and cannot be redriven"),
            );
            let mut text = Vec::with_capacity(running.text_len() + 1024);
            running.write_compact(&[], &mut text);
            text.push(b'\n');
            let input_text = running.take_text("input");
            match store.begin_run(&run_opts.execution_name, &text) {
                Ok((pending, file)) => (Some(pending), Some(file), input_text),
                Err(e) => return Err(save_error(store, e)),
            }
        }
        None => (None, None, Some(input_text)),
    };
    // The human summary lists the states entered; JSON needs no event.
    let retain = match args.format {
        RunFormat::Human => Retain::Events,
        RunFormat::Json => Retain::Count,
    };
    let sink = sink.map(|file| (Box::new(file) as Box<dyn std::io::Write + Send>, retain));
    let ran = engine::execute_to(&plan, input, input_text, &mocks, &run_opts, sink);
    let (mut execution, history_written) = match ran {
        Ok(e) => e,
        Err(e) => {
            let mocks_file = args.mocks.as_deref().map(|p| p.display().to_string());
            eprint!(
                "{}",
                missing_mock_report(e, mocks_file.as_deref(), &mocks, args.test_case.as_deref())
            );
            return Ok(exit::COULD_NOT_RUN);
        }
    };
    // The input's and output's text as the run recorded them, taken rather than copied.
    let input = match execution.input_text.take() {
        Some(text) => Piece::JsonText(text),
        None => Piece::Value(Value::String(read_text.clone())),
    };
    let out = describe(&mut execution, &run_opts, input);
    let mut not_saved = None;
    if let (Some(store), Some(pending)) = (&store, pending) {
        let path = json!(args.definition.display().to_string());
        // A redrive with the stored mocks picks the same test case.
        let test_case = args.test_case.as_ref().map(|t| json!(t));
        let mut extra = vec![("definitionPath", &path)];
        extra.extend(
            test_case
                .as_ref()
                .map(|c| (super::redrive::MOCKS_TEST_CASE, c)),
        );
        let describe = |mut w: &mut dyn std::io::Write| {
            out.write_compact_to(&extra, &mut w)?;
            w.write_all(b"\n")
        };
        let mocks = mocks_text;
        let map_runs = execution.map_runs_to_keep();
        let saved = store.finish_run(
            &run_opts.execution_name,
            pending,
            RunFiles {
                describe: &describe,
                definition: &definition.root.to_value(),
                input_text: &read_text,
                mocks: mocks.as_deref(),
                map_runs: map_runs.as_ref(),
            },
            // Begun with a history file (above), so written or not.
            history_written
                .unwrap_or_else(|| Err(std::io::Error::other("the history was not written"))),
        );
        not_saved = saved.err().map(|e| save_error(store, e));
    }
    match args.format {
        RunFormat::Json => print_json(&out, session.watch),
        RunFormat::Human => print_human(&execution, &run_opts, color),
    }
    // The execution ran: its result is shown above, then why it is not stored.
    if let Some(why) = not_saved {
        return Err(format!(
            "the execution ended {} but is not stored: {why}",
            execution.status.as_str()
        ));
    }
    let code = match execution.status {
        Status::Succeeded => exit::OK,
        _ => exit::FAILED,
    };
    // Freeing a 25,000-event history takes about as long as recording it; a
    // process about to exit need not (a watch session runs again, so it must).
    if !session.watch {
        std::mem::forget(execution);
    }
    Ok(code)
}

/// Why the execution cannot be stored, and what to do.
fn save_error(store: &Store, e: StoreError) -> String {
    match e {
        // A file where the store should be (a mistyped --store): the error says what to do.
        StoreError::Io { ref path, .. } if path.is_file() => {
            format!("cannot save the execution: {e}; or run with --no-store")
        }
        StoreError::Io { .. } => format!(
            "cannot save the execution in the store {}: {e} (choose another with --store DIR, or --no-store)",
            store.root.display()
        ),
        e => e.to_string(),
    }
}

/// `--format json`'s text: pretty, or under `--watch` one object per line, for
/// scripts reading the stream.
/// `out` on stdout, then a newline. Written through a small buffer: the text
/// of a large Map's input and output is most of a megabyte.
fn print_json(out: &Describe, one_line: bool) {
    use std::io::Write;
    let mut w = std::io::BufWriter::with_capacity(8192, std::io::stdout().lock());
    let written = if one_line {
        out.write_compact_to(&[], &mut w)
    } else {
        out.write_pretty_to(&mut w)
    };
    let written = written
        .and_then(|()| w.write_all(b"\n"))
        .and_then(|()| w.flush());
    // As `println!` fails.
    if let Err(e) = written {
        panic!("failed printing to stdout: {e}");
    }
}

/// Diagnostics about a file that is not a definition (the mocks): no totals line.
fn report_file(reports: &[FileReport]) {
    eprint!(
        "{}",
        render::human::render_reports(reports, use_color(ColorChoice::Auto)).0
    );
}

fn report(reports: &[FileReport]) {
    eprint!(
        "{}",
        render::human::render(reports, use_color(ColorChoice::Auto))
    );
}

fn pick_machine<'d>(
    defs: &'d [Definition],
    wanted: Option<&str>,
    path: &Path,
    file_diagnostics: &[Diagnostic],
) -> Result<&'d Definition, String> {
    // A machine of the template whose definition could not be read (in S3, built
    // by intrinsic functions): why, rather than "no state machine".
    let unreadable = |id: &str| {
        let at = format!("/Resources/{}", crate::load::pointer_token(id));
        file_diagnostics.iter().find(|d| d.location == at).map(|d| {
            format!(
                "{}: state machine '{id}' cannot be run: {}",
                path.display(),
                d.message
            )
        })
    };
    let none = || {
        format!(
            "{}: holds no state machine definition: a definition has \"StartAt\" and \"States\"; a template, an AWS::StepFunctions::StateMachine or AWS::Serverless::StateMachine resource",
            path.display()
        )
    };
    match (defs, wanted) {
        ([one], Some(_)) if one.machine.is_none() => Err(format!(
            "{}: --machine picks one of a template's state machines, and this file is a definition: leave --machine out",
            path.display()
        )),
        (_, Some(id)) => defs
            .iter()
            .find(|d| d.machine.as_deref() == Some(id))
            .ok_or_else(|| match unreadable(id) {
                Some(why) => why,
                None if defs.is_empty() => none(),
                None => format!(
                    "{}: no state machine '{id}'; it holds {}",
                    path.display(),
                    machine_list(defs)
                ),
            }),
        // Found, but not one whose definition can be read offline: say why.
        ([], None) => Err(file_diagnostics
            .iter()
            .filter_map(|d| d.location.strip_prefix("/Resources/"))
            .find_map(|id| unreadable(&crate::load::unescape_token(id)))
            .unwrap_or_else(none)),
        ([one], None) => Ok(one),
        (_, None) => Err(format!(
            "{}: holds {} state machines ({}): pick one with --machine",
            path.display(),
            defs.len(),
            machine_list(defs)
        )),
    }
}

fn machine_list(defs: &[Definition]) -> String {
    defs.iter()
        .filter_map(|d| d.machine.clone())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The machine's name: the template's logical id, or the file name without
/// `.asl.json`, made a name AWS accepts (it appears in every ARN): each character
/// AWS does not allow in a name becomes `-`, and at most 80 are kept.
fn machine_name(def: &Definition, path: &Path) -> String {
    if let Some(m) = &def.machine {
        return m.clone();
    }
    let file = path
        .file_name()
        .and_then(|f| f.to_str())
        .unwrap_or("state-machine");
    let stem = file.split('.').next().unwrap_or(file);
    if stem.is_empty() {
        return "state-machine".into();
    }
    stem.chars()
        .map(|c| if allowed_in_name(c) { c } else { '-' })
        .take(80)
        .collect()
}

/// Whether AWS allows `c` in a state machine or execution name.
fn allowed_in_name(c: char) -> bool {
    !(c.is_whitespace() || c.is_control() || "<>{}[]?*\"#%\\^|~`$&,;:/".contains(c))
}

/// An execution's input: its value, the text it was read from, and the value's
/// compact text as the history records it.
#[derive(Clone)]
struct Input {
    value: Value,
    text: String,
    json: JsonText,
    /// Where it came from, for messages: its file, `stdin` or `--input`.
    from: String,
}

/// `--input`: a file, `-` for stdin, or JSON text; default `{}`.
fn read_input(arg: Option<&str>) -> Result<Input, String> {
    let Some(arg) = arg else {
        let value = json!({});
        let json = JsonText::of(&value);
        return Ok(Input {
            value,
            text: "{}".into(),
            json,
            from: "--input".into(),
        });
    };
    let (text, what) = if arg == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| format!("cannot read the input from stdin: {e}"))?;
        (s, "stdin".to_string())
    } else if Path::new(arg).is_file() {
        (
            std::fs::read_to_string(arg)
                .map_err(|e| format!("{arg}: the input: {}", read_problem(&e)))?,
            arg.to_string(),
        )
    } else {
        (arg.to_string(), "--input".to_string())
    };
    if let Some((value, json)) = JsonText::parse(&text) {
        return Ok(Input {
            value,
            text,
            json,
            from: what,
        });
    }
    match serde_json::from_str(&text) {
        Ok(value) => {
            let json = JsonText::of(&value);
            Ok(Input {
                value,
                text,
                json,
                from: what,
            })
        }
        Err(_) if what == "--input" && Path::new(arg).is_dir() => Err(format!(
            "--input '{arg}': is a directory: give a JSON file, JSON text, or - for stdin"
        )),
        Err(e) if what == "--input" && !arg.trim_start().starts_with(['{', '[', '"']) => Err(
            format!("--input '{arg}': no such file, and not JSON either ({e})"),
        ),
        // A byte order mark, as editors on Windows write one: said so, as for definitions.
        Err(_) if text.starts_with('\u{feff}') => Err(format!(
            "{what}: the input is not valid JSON: it starts with a UTF-8 byte order mark (BOM): save it as UTF-8 without one"
        )),
        // serde_json's message ends with the line and column already.
        Err(e) if e.to_string().starts_with("number out of range") => Err(format!(
            "{what}: the input is not valid JSON: {e}: numbers must be within ±1.7976931348623157e308 (a double); write a larger one as a string"
        )),
        Err(e) if what == "--input" => Err(format!(
            "--input: the input is not valid JSON: {e}: --input takes JSON text (quoted for the shell, \
             e.g. --input '{{\"id\": 1}}'), a file, or - for stdin"
        )),
        Err(e) if e.is_eof() => Err(format!(
            "{what}: the input is not valid JSON: it ends before the JSON value does: complete it (a closing }} or ] missing?)"
        )),
        // A file or stdin: its place as file:line:column, as for definitions.
        Err(e) => {
            let at = format!(" at line {} column {}", e.line(), e.column());
            let message = e.to_string();
            let message = message.strip_suffix(&at).unwrap_or(&message);
            // serde_json counts a line break as column 0 of the next line: it is the
            // end of the line before.
            let (line, column) = match (e.line(), e.column()) {
                (line, 0) if line > 1 => (
                    line - 1,
                    text.lines().nth(line - 2).map_or(0, |l| l.chars().count()) + 1,
                ),
                place => place,
            };
            Err(format!(
                "{what}:{line}:{column}: the input is not valid JSON: {message}: fix the JSON at that place"
            ))
        }
    }
}

pub(super) fn warn_unknown_mocks(mocks: &Mocks, machine: &model::StateMachine) {
    let names: Vec<&str> = machine.states.iter().map(|s| s.name).collect();
    let tasks: Vec<&str> = machine
        .states
        .iter()
        .filter(|s| s.is(&model::StateType::Task))
        .map(|s| s.name)
        .collect();
    for state in mocks.state_names() {
        if tasks.contains(&state) {
            continue;
        }
        let (span, pointer) = mocks.place_of(state).unwrap_or_default();
        let (message, help) = match machine.states.iter().find(|s| s.name == state) {
            // Only a Task calls a service: a mock of any other state is never used.
            Some(other) => {
                let kind = other
                    .state_type
                    .as_ref()
                    .map_or("not a Task".to_string(), |t| {
                        format!("a {} state", t.value.as_str())
                    });
                (
                    format!(
                        "the mocks answer '{state}', which is {kind}: only Task states are mocked"
                    ),
                    "remove this mock: the state never calls a service".to_string(),
                )
            }
            None => (
                format!("the mocks name a state '{state}' that the definition does not have"),
                match closest(state, names.iter().copied()) {
                    Some(similar) => format!("did you mean '{similar}'?"),
                    None => format!("the states are: {}", names.join(", ")),
                },
            ),
        };
        let d = Diagnostic::warning(UNKNOWN_MOCK_STATE, pointer, span, message).with_help(help);
        report_file(&[FileReport {
            source: mocks.source.clone(),
            machine: None,
            diagnostics: vec![d],
            template_level: false,
        }]);
    }
}

/// What to add so that `state` gets an answer, in the mocks file's own format.
/// What to say of a Task reached without a mock: which state, why no mock
/// answered, its input, and the mock entry to add. `file`: the mocks file as the
/// user knows it (`None`: no mocks given).
pub(super) fn missing_mock_report(
    e: RunError,
    file: Option<&str>,
    mocks: &Mocks,
    test_case: Option<&str>,
) -> String {
    let RunError::MissingMock {
        state,
        resource,
        input,
        miss,
    } = e;
    let in_file = file.unwrap_or("the mocks file");
    let error = match miss {
        Miss::NoMatch => format!(
            "error: Task state '{state}' was reached, but no mock response in {in_file} matches its input"
        ),
        Miss::NoCall(n) => format!(
            "error: Task state '{state}' was called a {} time, but its response in {in_file} has no \"{n}\" (Step Functions Local fails the execution: each call needs a response)",
            ordinal(n + 1)
        ),
        Miss::NoMock => {
            format!("error: Task state '{state}' ({resource}) was reached, but it has no mock")
        }
    };
    format!(
        "{error}\n  its input: {}\n{}\n",
        truncate(&input.to_string(), 300),
        missing_mock_help(&state, file, mocks, &miss, test_case)
    )
}

fn missing_mock_help(
    state: &str,
    file: Option<&str>,
    mocks: &Mocks,
    miss: &Miss,
    test_case: Option<&str>,
) -> String {
    match (file, miss) {
        (None, _) => format!(
            "help: pass a mocks file with --mocks FILE; in the native YAML form:\n\n  {state}:\n    return: {{}}   # the service's raw response\n"
        ),
        (Some(f), Miss::NoCall(n)) => format!(
            "help: in {f}, give the state's response a \"{n}\" (or a range such as \"0-{n}\"), e.g.\n\n  \"{n}\": {{\"Return\": {{}}}}\n"
        ),
        (Some(f), _) if mocks.aws_format => format!(
            "help: in {f}, map the state to a response in the test case, and define the response:\n\n  \"TestCases\": {{\"{}\": {{\"{state}\": \"{state}Response\"}}}}\n  \"MockedResponses\": {{\"{state}Response\": {{\"0\": {{\"Return\": {{}}}}}}}}\n",
            test_case.unwrap_or("<case>")
        ),
        (Some(f), Miss::NoMatch) => format!(
            "help: add a response without 'when' to the list of '{state}' in {f}, for every other input, e.g.\n\n  {state}:\n    - when: {{...}}\n      return: {{...}}\n    - return: {{}}   # any other input\n"
        ),
        (Some(f), _) => format!(
            "help: add an entry for it to {f}, e.g.\n\n  {state}:\n    return: {{}}   # the service's raw response\n"
        ),
    }
}

/// `1st`, `2nd`, `3rd`, `4th`, ... `11th`, `21st`.
fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// AWS's execution-name rules: 1 to 80 characters, none of the reserved ones.
pub fn check_execution_name(name: &str) -> Result<(), String> {
    let count = name.chars().count();
    if count == 0 || count > 80 {
        return Err(format!(
            "execution name '{name}' must be 1 to 80 characters long (it has {count})"
        ));
    }
    // AWS allows them, but each execution is a folder in the store.
    if name == "." || name == ".." {
        return Err(format!(
            "execution name '{name}' cannot be stored (it names a folder): pick another --name"
        ));
    }
    if let Some(c) = name.chars().find(|c| !allowed_in_name(*c)) {
        return Err(format!(
            "execution name '{name}' contains '{}', which AWS does not allow: no white space, brackets < > {{ }} [ ], wildcards ? *, special characters \" # % \\ ^ | ~ ` $ & , ; : / or control characters",
            c.escape_default()
        ));
    }
    Ok(())
}

fn seeded_name(seed: u64) -> String {
    use rand::SeedableRng;
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed ^ 0x5f3759df);
    let mut bytes = [0u8; 16];
    rand::Rng::fill_bytes(&mut rng, &mut bytes);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n).collect::<String>() + "…"
    }
}

/// `DescribeExecution`'s response for a finished execution. `input`: the
/// execution's input as JSON text. The output is the text the run recorded,
/// when it has it.
pub fn describe(e: &mut Execution, opts: &RunOptions, input: Piece) -> Describe {
    let mut d = Describe::default();
    d.push("executionArn", json!(opts.execution_arn()));
    d.push("stateMachineArn", json!(opts.state_machine_arn()));
    d.push("name", json!(opts.execution_name));
    d.push("status", json!(e.status.as_str()));
    d.push("startDate", json!(e.start_ms as f64 / 1000.0));
    d.push("stopDate", json!(e.stop_ms as f64 / 1000.0));
    d.push("input", input);
    d.push("inputDetails", json!({"included": true}));
    if let Some(o) = &e.output {
        match e.output_text.take() {
            Some(text) => d.push("output", Piece::JsonText(text)),
            None => d.push("output", Value::String(json_text(o))),
        }
        d.push("outputDetails", json!({"included": true}));
    }
    if let Some(err) = &e.error {
        d.push("error", json!(err));
    }
    if let Some(c) = &e.cause {
        d.push("cause", json!(c));
    }
    d.push("redriveCount", json!(0));
    // As `sfn redrive` decides it (just stopped: well within the redrivable period).
    let not_redrivable =
        super::redrive::not_redrivable_as_ended(e.status.as_str(), Some(e.history.len()));
    match not_redrivable {
        None => d.push("redriveStatus", json!("REDRIVABLE")),
        Some(reason) => {
            d.push("redriveStatus", json!("NOT_REDRIVABLE"));
            d.push("redriveStatusReason", json!(reason));
        }
    }
    d
}

/// The states entered, one per line; a long path (a loop, a large Map) shows
/// its start and end, and says how many states are left out between.
fn path_lines(path: &[&str]) -> String {
    const HEAD: usize = 20;
    const TAIL: usize = 10;
    let mut out = String::new();
    if path.len() <= HEAD + TAIL + 1 {
        for name in path {
            out.push_str(&format!("  → {name}\n"));
        }
        return out;
    }
    for name in &path[..HEAD] {
        out.push_str(&format!("  → {name}\n"));
    }
    out.push_str(&format!(
        "  … {} more states (`sfn history` lists every event)\n",
        path.len() - HEAD - TAIL
    ));
    for name in &path[path.len() - TAIL..] {
        out.push_str(&format!("  → {name}\n"));
    }
    out
}

fn print_human(e: &Execution, opts: &RunOptions, color: bool) {
    use owo_colors::OwoColorize;
    let path: Vec<&str> = e
        .history
        .events
        .iter()
        .filter(|ev| ev.event_type.ends_with("StateEntered"))
        .filter_map(|ev| ev.state_name())
        .collect();
    print!("{}", path_lines(&path));
    let status = e.status.as_str();
    let elapsed = (e.stop_ms - e.start_ms) as f64 / 1000.0;
    let line = format!(
        "{} {status} in {elapsed:.3}s ({} time), {} events",
        opts.execution_name,
        match opts.clock {
            ClockKind::Virtual => "virtual",
            ClockKind::Real => "real",
        },
        e.history.len()
    );
    if color {
        match e.status {
            Status::Succeeded => println!("{}", line.green().bold()),
            _ => println!("{}", line.red().bold()),
        }
    } else {
        println!("{line}");
    }
    if let Some(o) = &e.output {
        println!(
            "output: {}",
            serde_json::to_string_pretty(o).unwrap_or_default()
        );
    }
    if let Some(err) = &e.error {
        println!("error: {err}");
    }
    if let Some(c) = &e.cause {
        println!("cause: {c}");
    }
}
