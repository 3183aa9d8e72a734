//! `--watch`, shared by `sfn validate` and `sfn run`: wait for a save, let the burst of
//! events settle, clear the screen, do it again; Ctrl-C ends the watch.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, EventKind, ModifyKind};
use notify::{RecommendedWatcher, RecursiveMode, Watcher};

use super::{ValidateArgs, exit};

/// Exit status when Ctrl-C ends a watch: 128 + SIGINT, as a shell reports it.
pub const INTERRUPTED: i32 = 130;

/// How long events must stop before a burst counts as one save: editors write in steps
/// (truncate, write, rename, chmod).
const QUIET: Duration = Duration::from_millis(150);

enum Msg {
    Fs(notify::Result<notify::Event>),
    Interrupt,
}

/// Which paths count as a change.
#[derive(Default)]
struct Filter {
    /// These files (absolute), each with the name the user gave it; their folders
    /// are watched, not the files themselves.
    files: HashMap<PathBuf, String>,
    /// Folders watched whole (absolute): a change counts there if it is to a file a
    /// search of the folder checks (not to the report the watch is writing).
    trees: Vec<PathBuf>,
    /// The folders of `files`: one deleted or made again (a branch switch, a tool
    /// writing the folder anew) is a change, seen from the folder above it.
    file_dirs: HashSet<PathBuf>,
}

pub enum Wake {
    /// The files that changed, as the user named them.
    Changed(BTreeSet<String>),
    Interrupted,
}

pub struct Watch {
    watcher: RecommendedWatcher,
    /// The folders watched for `Filter::Files`.
    dirs: HashSet<PathBuf>,
    rx: mpsc::Receiver<Msg>,
    filter: Filter,
    interrupted: Arc<AtomicBool>,
}

impl Watch {
    /// Watches files, each through its folder: an editor that saves by writing a new file
    /// and renaming it over the old one would otherwise end a watch on the file itself.
    /// Ctrl-C sets `abort` (so a run in progress stops as ABORTED) and ends the watch.
    pub fn files(paths: &[&Path], abort: Arc<AtomicBool>) -> Result<Watch, String> {
        let mut watch = Watch::new(abort)?;
        for path in paths {
            watch.add_file(path)?;
        }
        Ok(watch)
    }

    /// Watches one more file (of a watch made by [`Watch::files`]). Whether it was new.
    pub fn add_file(&mut self, path: &Path) -> Result<bool, String> {
        let files = &mut self.filter.files;
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let dir = dir
            .canonicalize()
            .map_err(|e| format!("{}: cannot watch its folder: {e}", path.display()))?;
        let Some(name) = path.file_name() else {
            return Err(format!("{}: not a file", path.display()));
        };
        let shown = path.display().to_string();
        let mut watched = vec![(dir.join(name), dir)];
        // A symlink changes where its target lives.
        if let Ok(target) = path.canonicalize()
            && let Some(parent) = target.parent()
        {
            watched.push((target.clone(), parent.to_path_buf()));
        }
        let mut new = false;
        for (file, dir) in watched {
            if files.contains_key(&file) {
                continue;
            }
            new = true;
            files.insert(file, shown.clone());
            if self.dirs.insert(dir.clone()) {
                self.watcher
                    .watch(&dir, RecursiveMode::NonRecursive)
                    .map_err(|e| format!("cannot watch {}: {e}", dir.display()))?;
            }
            if let Some(parent) = dir.parent()
                && self.filter.file_dirs.insert(dir.clone())
                && self.dirs.insert(parent.to_path_buf())
            {
                let _ = self.watcher.watch(parent, RecursiveMode::NonRecursive);
            }
        }
        Ok(new)
    }

    /// Watches files (as [`Watch::files`] does) and folders, these recursively for
    /// changes to the files a search of them checks.
    pub fn trees(paths: &[PathBuf]) -> Result<Watch, String> {
        let mut watch = Watch::new(Arc::new(AtomicBool::new(false)))?;
        for path in paths {
            if !path.is_dir() {
                watch.add_file(path)?;
                continue;
            }
            let root = path
                .canonicalize()
                .map_err(|e| format!("cannot watch {}: {e}", path.display()))?;
            watch
                .watcher
                .watch(&root, RecursiveMode::Recursive)
                .map_err(|e| format!("cannot watch {}: {e}", path.display()))?;
            // Its parent too: a folder deleted and made again is a change, and is
            // watched again (see `rewatch`); its old watch went with it.
            if let Some(parent) = root.parent()
                && watch.dirs.insert(parent.to_path_buf())
            {
                let _ = watch.watcher.watch(parent, RecursiveMode::NonRecursive);
            }
            watch.filter.trees.push(root);
        }
        Ok(watch)
    }

    /// Watches again the folders of [`Watch::trees`], and those of watched files,
    /// that exist: one deleted and made again is not watched until then.
    pub fn rewatch(&mut self) {
        for root in &self.filter.trees {
            if root.is_dir() {
                let _ = self.watcher.unwatch(root);
                let _ = self.watcher.watch(root, RecursiveMode::Recursive);
            }
        }
        // The watched files' folders too.
        for dir in &self.filter.file_dirs {
            if dir.is_dir() {
                let _ = self.watcher.unwatch(dir);
                let _ = self.watcher.watch(dir, RecursiveMode::NonRecursive);
            }
        }
        // A symlink pointed at another file: that file is watched from now on.
        let named: BTreeSet<String> = self.filter.files.values().cloned().collect();
        for path in named {
            let _ = self.add_file(Path::new(&path));
        }
    }

    fn new(abort: Arc<AtomicBool>) -> Result<Watch, String> {
        let (tx, rx) = mpsc::channel();
        let fs_tx = tx.clone();
        let watcher = notify::recommended_watcher(move |res| {
            let _ = fs_tx.send(Msg::Fs(res));
        })
        .map_err(|e| format!("cannot watch files: {e}"))?;
        let interrupted = abort;
        {
            let interrupted = interrupted.clone();
            ctrlc::set_handler(move || {
                interrupted.store(true, Ordering::Relaxed);
                let _ = tx.send(Msg::Interrupt);
            })
            .map_err(|e| format!("cannot handle Ctrl-C: {e}"))?;
        }
        Ok(Watch {
            watcher,
            dirs: HashSet::new(),
            rx,
            filter: Filter::default(),
            interrupted,
        })
    }

    /// Whether Ctrl-C was pressed.
    pub fn interrupted(&self) -> bool {
        self.interrupted.load(Ordering::Relaxed)
    }

    /// Blocks until a watched file changes and the burst of events around it has settled,
    /// or until Ctrl-C.
    pub fn wait(&self) -> Wake {
        let mut changed = BTreeSet::new();
        loop {
            match self.rx.recv() {
                Ok(Msg::Interrupt) | Err(_) => return Wake::Interrupted,
                Ok(Msg::Fs(res)) if self.changes(&res, &mut changed) => break,
                Ok(Msg::Fs(_)) => {}
            }
        }
        // Debounce: wait until QUIET passes with no relevant event.
        let mut until = Instant::now() + QUIET;
        loop {
            let left = until.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(Msg::Interrupt) => return Wake::Interrupted,
                Ok(Msg::Fs(res)) if self.changes(&res, &mut changed) => {
                    until = Instant::now() + QUIET
                }
                Ok(Msg::Fs(_)) => {}
                Err(mpsc::RecvTimeoutError::Timeout) => return Wake::Changed(changed),
                Err(mpsc::RecvTimeoutError::Disconnected) => return Wake::Interrupted,
            }
        }
    }

    /// Whether an event is a change to a watched file; adds the files it names to `changed`.
    fn changes(&self, res: &notify::Result<notify::Event>, changed: &mut BTreeSet<String>) -> bool {
        let event = match res {
            Ok(e) => e,
            // A lost event (queue overflow) may have been a save.
            Err(_) => return true,
        };
        // Reading a file (ours included: every run reads them) or touching its
        // metadata is no change; only writes, creations, renames and removals are.
        match event.kind {
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => {}
            EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_)) => return false,
            _ => {}
        }
        if event.paths.is_empty() {
            return true;
        }
        let cwd = std::env::current_dir().unwrap_or_default();
        let mut hit = false;
        for path in &event.paths {
            if let Some(shown) = self.filter.files.get(path) {
                changed.insert(shown.clone());
                hit = true;
            } else if self.filter.file_dirs.contains(path)
                || self
                    .filter
                    .trees
                    .iter()
                    .any(|root| root == path || super::validate::searched(root, path))
            {
                let shown = path.strip_prefix(&cwd).unwrap_or(path);
                changed.insert(shown.display().to_string());
                hit = true;
            }
        }
        hit
    }
}

/// Starts a new screen on a terminal, as `watch` does; a pipe gets one report after another.
pub fn clear_screen() {
    let mut out = std::io::stdout();
    if out.is_terminal() {
        let _ = write!(out, "\x1b[2J\x1b[H");
        // Before anything goes to stderr, or the clearing would wipe it.
        let _ = out.flush();
    }
}

/// Says the watch goes on, on stderr (stdout is the reports').
pub fn waiting(what: &str) {
    eprintln!("watching {what} for changes (Ctrl-C to stop)");
}

/// Says what a re-run is for, on stderr: in a pipe it also separates one report from the next.
pub fn changed(files: &BTreeSet<String>) {
    if files.is_empty() {
        eprintln!("files changed: running again");
    } else {
        let list: Vec<&str> = files.iter().map(String::as_str).collect();
        eprintln!("{} changed: running again", list.join(", "));
    }
}

/// `sfn validate --watch`: re-validate on every save.
pub fn validate(args: &ValidateArgs) -> i32 {
    let targets: Vec<PathBuf> = args
        .paths
        .iter()
        .map(|p| {
            let path = Path::new(p);
            if path.exists() || !p.contains(['*', '?', '[', '{']) {
                // A file not written yet is watched through its folder all the same.
                path.to_path_buf()
            } else {
                super::validate::glob_base(p)
            }
        })
        .collect();
    let mut watch = match Watch::trees(&targets) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::COULD_NOT_RUN;
        }
    };
    let mut changes = None;
    loop {
        let outcome = super::validate::check(args);
        clear_screen();
        if let Some(files) = &changes {
            changed(files);
        }
        print!("{}", outcome.rendered);
        let _ = std::io::stdout().flush();
        for e in &outcome.problems {
            eprintln!("error: {e}");
        }
        waiting(&args.paths.join(", "));
        match watch.wait() {
            Wake::Changed(files) => {
                watch.rewatch();
                changes = Some(files);
            }
            Wake::Interrupted => return INTERRUPTED,
        }
    }
}
