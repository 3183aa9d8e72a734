//! `sfn validate`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{OutputFormat, ValidateArgs, exit, use_color};
use crate::load::{FileKind, LoadOptions, load_path};
use crate::render::{self, FileReport};
use crate::validate::{fails, validate};

pub fn run(args: &ValidateArgs) -> i32 {
    if args.watch {
        return super::watch::validate(args);
    }
    // The schema compiles on the other core while the files load.
    std::thread::spawn(crate::validate::prepare);
    let outcome = check(args);
    print!("{}", outcome.rendered);
    for e in &outcome.problems {
        eprintln!("error: {e}");
    }
    outcome.status
}

/// The result of one validation pass.
pub struct Outcome {
    pub rendered: String,
    pub problems: Vec<String>,
    pub status: i32,
}

pub fn check(args: &ValidateArgs) -> Outcome {
    let opts = LoadOptions {
        substitutions: args
            .substitutions
            .iter()
            .cloned()
            .collect::<BTreeMap<_, _>>(),
    };
    let mut problems = Vec::new();
    let mut reports = Vec::new();
    let mut files: Vec<(PathBuf, bool)> = Vec::new();
    for arg in &args.paths {
        match expand(arg) {
            Ok(found) if found.is_empty() => problems.push(if Path::new(arg).is_dir() {
                format!(
                    "{arg}: the folder holds no .json, .yaml or .yml file (definitions and templates are searched for by those extensions)"
                )
            } else {
                format!("{arg}: no files match")
            }),
            Ok(found) => files.extend(found),
            Err(e) => problems.push(e),
        }
    }
    let mut seen = std::collections::HashSet::new();
    files.retain(|(path, _)| seen.insert(path.clone()));
    let checked = check_files(&files, &opts);
    // A definition file a template loads through `DefinitionUri` is checked as
    // part of it, with its substitutions; found again by a folder search, it would
    // be checked once more without them (its `${...}` unfilled).
    let loaded_by_templates: std::collections::HashSet<PathBuf> = checked
        .iter()
        .flat_map(|c| &c.uses)
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    for ((path, explicit), checked) in files.iter().zip(checked) {
        if !explicit
            && !loaded_by_templates.is_empty()
            && std::fs::canonicalize(path).is_ok_and(|p| loaded_by_templates.contains(&p))
        {
            continue;
        }
        problems.extend(checked.problems);
        reports.extend(checked.reports);
    }
    if reports.is_empty() && problems.is_empty() {
        problems.push(format!(
            "no state machine definitions or templates found in {}",
            args.paths.join(", ")
        ));
    }
    let color = use_color(args.color);
    // The machine-readable formats are written even with nothing checked: a CI
    // step that uploads the SARIF file gets a valid (failed) run, not an empty file.
    let mut rendered = match args.format {
        OutputFormat::Json => render::json::render(&reports, args.strict),
        OutputFormat::Sarif => render::sarif::render(&reports, &problems),
        _ if reports.is_empty() => String::new(),
        OutputFormat::Human => render::human::render(&reports, color),
        OutputFormat::Github => render::github::render(&reports),
    };
    let status = if !problems.is_empty() {
        exit::COULD_NOT_RUN
    } else if reports.iter().any(|r| fails(&r.diagnostics, args.strict)) {
        exit::FAILED
    } else {
        exit::OK
    };
    // Only warnings, failing because of --strict: the summary's "0 errors" and a
    // warning annotation would not say why the check failed.
    if status == exit::FAILED && !reports.iter().any(|r| fails(&r.diagnostics, false)) {
        match args.format {
            OutputFormat::Human => rendered.push_str("--strict: the warnings fail the check\n"),
            OutputFormat::Github => rendered.push_str(
                "::error title=sfn validate --strict::the warnings fail the check under --strict\n",
            ),
            _ => {}
        }
    }
    Outcome {
        rendered,
        problems,
        status,
    }
}

/// What one file adds to the outcome.
#[derive(Default)]
struct Checked {
    problems: Vec<String>,
    reports: Vec<FileReport>,
    /// Other files a template's state machines were read from (`DefinitionUri`).
    uses: Vec<PathBuf>,
}

/// Checks every file, in input order. Many files are shared among threads, each
/// taking the next unchecked file, since each file is independent work.
fn check_files(files: &[(PathBuf, bool)], opts: &LoadOptions) -> Vec<Checked> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len() / 16)
        .min(16);
    if threads <= 1 {
        return files
            .iter()
            .map(|(path, explicit)| check_file(path, *explicit, opts))
            .collect();
    }
    // Hundreds of files fill tens of megabytes, where huge pages are faster
    // (1,000 definitions: about 5%).
    super::memory::huge_pages(true);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut done: Vec<(usize, Checked)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some((path, explicit)) = files.get(i) else {
                            break;
                        };
                        out.push((i, check_file(path, *explicit, opts)));
                    }
                    out
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, c)| c).collect()
}

fn check_file(path: &Path, explicit: bool, opts: &LoadOptions) -> Checked {
    let mut out = Checked::default();
    let loaded = match load_path(path, opts) {
        Ok(l) => l,
        Err(e) => {
            if explicit {
                out.problems.push(e.to_string());
            }
            return out;
        }
    };
    // Nothing to check: the same for JSON and YAML, and exit 2 as for a file that
    // is not a definition.
    if loaded.source.text.trim().is_empty() {
        if explicit {
            out.problems.push(format!(
                "{}: the file is empty: nothing to check (a definition needs \"StartAt\" and \"States\")",
                path.display()
            ));
        }
        return out;
    }
    match loaded.kind {
        FileKind::Other => {
            if explicit {
                out.problems.push(format!(
                    "{}: not a state machine definition (no \"StartAt\" or \"States\") nor a CloudFormation/SAM template (no \"Resources\")",
                    path.display()
                ));
            }
            return out;
        }
        FileKind::Broken if !explicit && !looks_like_asl(path, &loaded.source.text) => {
            return out;
        }
        FileKind::Template if loaded.definitions.is_empty() && loaded.diagnostics.is_empty() => {
            if explicit {
                out.problems.push(format!(
                    "{}: the template holds no AWS::StepFunctions::StateMachine or AWS::Serverless::StateMachine resource",
                    path.display()
                ));
            }
            return out;
        }
        _ => {}
    }
    if !loaded.diagnostics.is_empty() || loaded.definitions.is_empty() {
        out.reports.push(FileReport {
            source: loaded.source.clone(),
            machine: None,
            diagnostics: loaded.diagnostics.clone(),
            template_level: loaded.kind == FileKind::Template,
        });
    }
    for def in &loaded.definitions {
        if def.source.path != path {
            out.uses.push(def.source.path.clone());
        }
        out.reports.push(FileReport {
            source: def.source.clone(),
            machine: def.machine.clone(),
            diagnostics: validate(def),
            template_level: false,
        });
    }
    // Reports wait for every file to be checked; a clean file's text is never shown,
    // and keeping it held 1,000 definitions' texts (25 MB) until the end.
    for report in &mut out.reports {
        if report.diagnostics.is_empty() {
            report.source = std::sync::Arc::new(crate::load::SourceFile::new(
                report.source.path.clone(),
                String::new(),
            ));
        }
    }
    out
}

/// A broken file found while searching a directory is reported only if it was
/// meant as a definition.
fn looks_like_asl(path: &Path, text: &str) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.contains(".asl.") || text.contains("\"StartAt\"") || text.contains("StartAt:")
}

/// Files for one PATH argument, each with whether the user named it directly.
fn expand(arg: &str) -> Result<Vec<(PathBuf, bool)>, String> {
    let path = Path::new(arg);
    if arg.contains(['*', '?', '[', '{']) && !path.exists() {
        return glob(arg);
    }
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("{arg}: no such file or directory"),
        _ => format!("{arg}: {e}"),
    })?;
    if meta.is_dir() {
        Ok(walk(path).into_iter().map(|p| (p, false)).collect())
    } else {
        Ok(vec![(path.to_path_buf(), true)])
    }
}

fn is_candidate(path: &Path) -> bool {
    matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase())
            .as_deref(),
        Some("json" | "yaml" | "yml")
    )
}

/// Definition candidates under `dir`, sorted, skipping hidden and dependency folders.
/// Folders a search does not enter: hidden ones, and build and dependency output.
fn skipped_folder(name: &str) -> bool {
    name.starts_with('.') || matches!(name, "node_modules" | "target" | "cdk.out")
}

/// Whether `path`, under the searched folder `root`, is a file a search of `root`
/// checks (for `--watch`: a change anywhere else is no reason to check again).
pub(super) fn searched(root: &Path, path: &Path) -> bool {
    let Ok(inner) = path.strip_prefix(root) else {
        return false;
    };
    let mut parts: Vec<&str> = inner.iter().filter_map(|c| c.to_str()).collect();
    parts.pop();
    is_candidate(path) && !parts.into_iter().any(skipped_folder)
}

/// The folder a glob is searched from: its longest leading part without wildcards.
pub(super) fn glob_base(pattern: &str) -> PathBuf {
    let base: PathBuf = Path::new(pattern)
        .components()
        .take_while(|c| {
            !c.as_os_str()
                .to_string_lossy()
                .contains(['*', '?', '[', '{'])
        })
        .collect();
    if base.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        base
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name().to_str().unwrap_or("");
            e.depth() == 0 || !skipped_folder(name)
        })
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && is_candidate(e.path()))
        .map(|e| e.into_path())
        .collect();
    out.sort();
    out
}

fn glob(pattern: &str) -> Result<Vec<(PathBuf, bool)>, String> {
    let matcher = globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| format!("{pattern}: invalid glob: {e}"))?
        .compile_matcher();
    let base = glob_base(pattern);
    let strip_dot = !pattern.starts_with("./");
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(&base)
        .into_iter()
        .filter_map(Result::ok)
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let p = entry.path();
        let rel = if strip_dot {
            p.strip_prefix(".").unwrap_or(p)
        } else {
            p
        };
        if matcher.is_match(rel) {
            out.push((rel.to_path_buf(), true));
        }
    }
    out.sort();
    Ok(out)
}
