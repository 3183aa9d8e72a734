//! The execution store: `.sfn/` in the working directory (or `--store`,
//! `SFN_STORE`), one folder per execution under `executions/`.
//!
//! An execution is written whole into a private temporary folder, then renamed
//! into place: a crash or Ctrl-C never leaves a half-written execution, and of
//! two runs that pick the same name at once, exactly one wins.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The files of one stored execution.
pub const DESCRIBE: &str = "execution.json";
pub const HISTORY: &str = "history.json";
pub const DEFINITION: &str = "definition.json";
pub const INPUT: &str = "input.json";
pub const MOCKS: &str = "mocks";
/// The distributed Maps' Map Runs (what their child executions did), if any ran.
pub const MAP_RUNS: &str = "mapruns.json";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// As AWS refuses `StartExecution` with `ExecutionAlreadyExists`.
    #[error(
        "ExecutionAlreadyExists: an execution named '{0}' is already in the store; pick another --name"
    )]
    AlreadyExists(String),
    #[error(
        "{}: the stored execution is damaged: {reason} (remove the folder {} to drop it)",
        path.display(),
        path.parent().unwrap_or(path).display()
    )]
    Damaged { path: PathBuf, reason: String },
    /// Another process is redriving the execution now.
    #[error(
        "ExecutionNotRedrivable: Execution is RUNNING and cannot be redriven (another sfn redrive of '{0}' is under way)"
    )]
    Busy(String),
}

/// Held while a process updates a stored execution (a redrive): a second one is
/// refused instead of both reading the old history and the last write winning.
/// The lock file names the holder's process; a holder that died leaves a file
/// that the next taker removes.
pub struct Lock {
    path: PathBuf,
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Whether the process that wrote a lock file is still running.
fn holder_alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        // Signal 0 checks that the process exists without touching it.
        let r = unsafe { libc::kill(pid as libc::pid_t, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// Everything kept about one execution.
#[derive(Debug, Clone)]
pub struct Record {
    /// `DescribeExecution`'s response, plus our `definitionPath` and `mocksPath`.
    pub describe: Value,
    /// `GetExecutionHistory`'s response.
    pub history: Value,
    /// The definition as it ran (the JSON of its root).
    pub definition: Value,
    pub input: Value,
    /// The mocks file's text, if there was one.
    pub mocks: Option<String>,
    /// The distributed Maps' Map Runs, if any ran (see `engine::map_runs_to_json`).
    pub map_runs: Option<Value>,
}

#[derive(Debug, Clone)]
pub struct Store {
    pub root: PathBuf,
}

/// A new run's files besides its history, as [`Record`] holds them, the
/// large ones as the text the run made of them: `DescribeExecution`'s response
/// (and our `definitionPath`), then a newline; the input's JSON text.
pub struct RunFiles<'a> {
    /// Writes `DescribeExecution`'s text (then a newline) to the file: a text
    /// of most of a megabyte for a large Map need not be built first.
    pub describe: &'a dyn Fn(&mut dyn std::io::Write) -> std::io::Result<()>,
    pub definition: &'a Value,
    pub input_text: &'a str,
    pub mocks: Option<&'a str>,
    pub map_runs: Option<&'a Value>,
}

/// A new execution's private folder, being written. Dropped, it is removed:
/// once renamed into place there is nothing left to remove.
pub struct PendingRun {
    tmp: PathBuf,
}

impl Drop for PendingRun {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.tmp);
    }
}

/// What stands where a folder of the store belongs.
const IN_THE_WAY: &str = "a file, where the store needs a folder: choose another store with --store DIR (or remove the file, if it is a leftover)";

/// A folder of the store that cannot be made: a file in the way is named as such.
fn dir_error(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |error| match path.ancestors().find(|p| p.is_file()) {
        Some(file) => StoreError::Io {
            path: file.to_path_buf(),
            error: std::io::Error::other(IN_THE_WAY),
        },
        None => StoreError::Io {
            path: path.to_path_buf(),
            error,
        },
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |error| StoreError::Io {
        path: path.to_path_buf(),
        error,
    }
}

impl Store {
    /// The store at `dir`, else `$SFN_STORE`, else `.sfn` (created on first write).
    pub fn locate(dir: Option<&Path>) -> Store {
        let root = dir
            .map(Path::to_path_buf)
            .or_else(|| {
                std::env::var_os("SFN_STORE")
                    .filter(|v| !v.is_empty())
                    .map(PathBuf::from)
            })
            .unwrap_or_else(|| PathBuf::from(".sfn"));
        Store { root }
    }

    fn executions(&self) -> PathBuf {
        self.root.join("executions")
    }

    pub fn path_of(&self, name: &str) -> PathBuf {
        self.executions().join(file_name(name))
    }

    pub fn exists(&self, name: &str) -> bool {
        self.path_of(name).join(DESCRIBE).is_file()
    }

    /// Writes a new execution atomically. Refuses a name already stored.
    pub fn save(&self, name: &str, record: &Record) -> Result<PathBuf, StoreError> {
        self.write(name, record, false)
    }

    /// Replaces a stored execution atomically (redrive updates its history).
    pub fn replace(&self, name: &str, record: &Record) -> Result<PathBuf, StoreError> {
        self.write(name, record, true)
    }

    /// Starts storing a new run: its private folder, and the history file, which
    /// the engine writes while it runs (`engine::execute_to`). The rest follows in
    /// [`Store::finish_run`]; dropping the [`PendingRun`] instead removes it all.
    /// `running`: the execution's `DescribeExecution` while it runs (status
    /// `RUNNING`) as JSON text and a newline, what `list` and `describe` show of
    /// it until it is stored.
    pub fn begin_run(
        &self,
        name: &str,
        running: &[u8],
    ) -> Result<(PendingRun, std::fs::File), StoreError> {
        if self.path_of(name).exists() {
            return Err(StoreError::AlreadyExists(name.to_string()));
        }
        let tmp = self.create_tmp(name)?;
        let pending = PendingRun { tmp };
        let path = pending.tmp.join(DESCRIBE);
        std::fs::write(&path, running).map_err(io(&path))?;
        let path = pending.tmp.join(HISTORY);
        let file = std::fs::File::create(&path).map_err(io(&path))?;
        Ok((pending, file))
    }

    /// Completes what [`Store::begin_run`] began, atomically: `written` says
    /// whether the history file was written whole.
    pub fn finish_run(
        &self,
        name: &str,
        pending: PendingRun,
        files: RunFiles<'_>,
        written: std::io::Result<()>,
    ) -> Result<PathBuf, StoreError> {
        let tmp = &pending.tmp;
        let path = tmp.join(HISTORY);
        written.map_err(io(&path))?;
        let path = tmp.join(DESCRIBE);
        std::fs::File::create(&path)
            .and_then(|f| {
                use std::io::Write;
                let mut w = std::io::BufWriter::with_capacity(8192, f);
                (files.describe)(&mut w)?;
                w.flush()
            })
            .map_err(io(&path))?;
        write_json(&tmp.join(DEFINITION), files.definition)?;
        let path = tmp.join(INPUT);
        std::fs::File::create(&path)
            .and_then(|mut f| {
                use std::io::Write;
                f.write_all(files.input_text.as_bytes())?;
                f.write_all(b"\n")
            })
            .map_err(io(&path))?;
        if let Some(m) = files.mocks {
            std::fs::write(tmp.join(MOCKS), m).map_err(io(tmp))?;
        }
        if let Some(runs) = files.map_runs {
            write_json(&tmp.join(MAP_RUNS), runs)?;
        }
        self.commit(name, tmp, false)
    }

    fn write(&self, name: &str, record: &Record, replace: bool) -> Result<PathBuf, StoreError> {
        let final_dir = self.path_of(name);
        if !replace && final_dir.exists() {
            return Err(StoreError::AlreadyExists(name.to_string()));
        }
        // Removed, whatever happens, once renamed or not.
        let pending = PendingRun {
            tmp: self.create_tmp(name)?,
        };
        let tmp = &pending.tmp;
        write_json(&tmp.join(DESCRIBE), &record.describe)?;
        write_json(&tmp.join(HISTORY), &record.history)?;
        write_json(&tmp.join(DEFINITION), &record.definition)?;
        write_json(&tmp.join(INPUT), &record.input)?;
        if let Some(m) = &record.mocks {
            std::fs::write(tmp.join(MOCKS), m).map_err(io(tmp))?;
        }
        if let Some(runs) = &record.map_runs {
            write_json(&tmp.join(MAP_RUNS), runs)?;
        }
        self.commit(name, tmp, replace)
    }

    /// A new private folder under `tmp/` for an execution being written.
    fn create_tmp(&self, name: &str) -> Result<PathBuf, StoreError> {
        let tmp_root = self.root.join("tmp");
        std::fs::create_dir_all(&tmp_root).map_err(dir_error(&tmp_root))?;
        remove_abandoned(&tmp_root);
        let executions = self.executions();
        std::fs::create_dir_all(&executions).map_err(dir_error(&executions))?;
        let tmp = tmp_root.join(format!(
            "{}.{}.{}",
            file_name(name),
            std::process::id(),
            unique()
        ));
        std::fs::create_dir(&tmp).map_err(io(&tmp))?;
        Ok(tmp)
    }

    /// Renames a written folder into place (replacing the stored one if `replace`).
    fn commit(&self, name: &str, tmp: &Path, replace: bool) -> Result<PathBuf, StoreError> {
        let final_dir = self.path_of(name);
        if replace && final_dir.exists() {
            // Swapped in one step where the system can: readers never find the
            // execution missing (a concurrent redrive or describe did, in between).
            if exchange(tmp, &final_dir) {
                let _ = std::fs::remove_dir_all(tmp);
                return Ok(final_dir);
            }
            // Move the old one aside first: rename cannot replace a non-empty folder.
            let tmp_root = self.root.join("tmp");
            let old = tmp_root.join(format!(
                "{}.old.{}.{}",
                file_name(name),
                std::process::id(),
                unique()
            ));
            std::fs::rename(&final_dir, &old).map_err(io(&final_dir))?;
            let moved = std::fs::rename(tmp, &final_dir).map_err(io(&final_dir));
            let _ = std::fs::remove_dir_all(&old);
            return moved.map(|()| final_dir);
        }
        match std::fs::rename(tmp, &final_dir) {
            Ok(()) => Ok(final_dir),
            // Another run stored the same name first.
            Err(_) if final_dir.exists() => Err(StoreError::AlreadyExists(name.to_string())),
            Err(e) => Err(io(&final_dir)(e)),
        }
    }

    /// Takes the update lock of an execution (see [`Lock`]).
    pub fn lock(&self, name: &str) -> Result<Lock, StoreError> {
        /// How long a lock may stay without its holder's pid.
        const EMPTY_LOCK_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);
        use std::io::Write;
        let dir = self.root.join("locks");
        std::fs::create_dir_all(&dir).map_err(dir_error(&dir))?;
        let path = dir.join(format!("{}.lock", file_name(name)));
        for _ in 0..2 {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut f) => {
                    if let Err(e) = write!(f, "{}", std::process::id()) {
                        // An empty lock would read as held (a full disk left one).
                        let _ = std::fs::remove_file(&path);
                        return Err(io(&path)(e));
                    }
                    return Ok(Lock { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let holder = std::fs::read_to_string(&path)
                        .ok()
                        .and_then(|t| t.trim().parse::<u32>().ok());
                    // A lock being written has no pid yet: its holder is alive,
                    // unless it has had no pid for longer than writing one takes
                    // (its process was killed in between).
                    let abandoned = holder.is_none()
                        && std::fs::metadata(&path)
                            .and_then(|m| m.modified())
                            .ok()
                            .and_then(|t| t.elapsed().ok())
                            .is_some_and(|age| age > EMPTY_LOCK_TIMEOUT);
                    if !abandoned && holder.is_none_or(holder_alive) {
                        return Err(StoreError::Busy(name.to_string()));
                    }
                    let _ = std::fs::remove_file(&path);
                }
                Err(e) => return Err(io(&path)(e)),
            }
        }
        Err(StoreError::Busy(name.to_string()))
    }

    /// Reads one execution by name.
    pub fn load(&self, name: &str) -> Result<Record, StoreError> {
        let dir = self.path_of(name);
        let describe = read_describe(&dir.join(DESCRIBE))?;
        let history = read_json(&dir.join(HISTORY))?;
        let definition = read_json(&dir.join(DEFINITION))?;
        let input = read_json(&dir.join(INPUT))?;
        let mocks = std::fs::read_to_string(dir.join(MOCKS)).ok();
        let map_runs = match dir.join(MAP_RUNS) {
            path if path.exists() => Some(read_json(&path)?),
            _ => None,
        };
        Ok(Record {
            describe,
            history,
            definition,
            input,
            mocks,
            map_runs,
        })
    }

    /// One execution's description and stored history (`GetExecutionHistory`'s
    /// answer), without its other files.
    pub fn load_history(&self, name: &str) -> Result<(Value, Value), StoreError> {
        let dir = self.path_of(name);
        Ok((
            read_describe(&dir.join(DESCRIBE))?,
            read_json(&dir.join(HISTORY))?,
        ))
    }

    /// Every stored execution's `DescribeExecution`, newest first.
    pub fn list(&self) -> Vec<Value> {
        self.list_all().0
    }

    /// As [`Store::list`], with the executions whose description cannot be read.
    pub fn list_all(&self) -> (Vec<Value>, Vec<StoreError>) {
        let Ok(entries) = std::fs::read_dir(self.executions()) else {
            return (Vec::new(), Vec::new());
        };
        // Read before the stored ones, so that a run ending in between is not missed;
        // it is then among both, and listed once, as stored.
        let running = self.running();
        let mut out = Vec::new();
        let mut unreadable = Vec::new();
        for entry in entries.filter_map(Result::ok) {
            match read_describe(&entry.path().join(DESCRIBE)) {
                Ok(d) => out.push(d),
                Err(e) => unreadable.push(e),
            }
        }
        let running: Vec<Value> = running
            .into_iter()
            .filter(|r| !out.iter().any(|d| d["executionArn"] == r["executionArn"]))
            .collect();
        out.extend(running);
        out.sort_by(|a, b| {
            let key = |v: &Value| v["startDate"].as_f64().unwrap_or(0.0);
            key(b)
                .total_cmp(&key(a))
                .then_with(|| b["name"].as_str().cmp(&a["name"].as_str()))
        });
        (out, unreadable)
    }

    /// Why the store cannot be read, if a file stands where one of its folders belongs
    /// (reading it would otherwise find no executions and say nothing).
    pub fn problem(&self) -> Option<String> {
        [self.root.clone(), self.executions()]
            .into_iter()
            .find(|p| p.is_file())
            .map(|p| format!("{}: {IN_THE_WAY}", p.display()))
    }

    /// The executions running now (their writer is alive), as `DescribeExecution`
    /// shows them: status `RUNNING`. Not stored yet: they are in `tmp/`.
    pub fn running(&self) -> Vec<Value> {
        let Ok(entries) = std::fs::read_dir(self.root.join("tmp")) else {
            return Vec::new();
        };
        entries
            .filter_map(Result::ok)
            .filter(|e| writer_of(&e.file_name()).is_some_and(holder_alive))
            .filter_map(|e| read_describe(&e.path().join(DESCRIBE)).ok())
            .filter(|d| d["status"] == "RUNNING")
            .collect()
    }

    /// The description of `name` while it runs, if it is running and not stored
    /// (see [`Store::running`]).
    pub fn running_only(&self, name: &str) -> Option<Value> {
        if self.exists(name) {
            return None;
        }
        self.running().into_iter().find(|d| d["name"] == name)
    }

    /// The most recent execution stored (one still running has no history yet),
    /// with what that passes over.
    pub fn latest(&self) -> Result<Latest, ResolveError> {
        let (all, damaged) = self.list_all();
        let i = all
            .iter()
            .position(|d| d["status"] != "RUNNING")
            .ok_or(ResolveError::Empty)?;
        let name = all[i]["name"].as_str().ok_or(ResolveError::Empty)?;
        Ok(Latest {
            name: name.to_string(),
            running_after: all[..i]
                .iter()
                .filter_map(|d| d["name"].as_str().map(String::from))
                .collect(),
            damaged: damaged.len(),
        })
    }

    /// Finds an execution by name or ARN; `None` means the most recent ([`Store::latest`]).
    pub fn resolve(&self, wanted: Option<&str>) -> Result<String, ResolveError> {
        let Some(w) = wanted else {
            return self.latest().map(|l| l.name);
        };
        let all = self.list();
        let name = w.rsplit(':').next().unwrap_or(w);
        // A name never holds ':'; an ARN must be the execution's own, machine,
        // region and account included (another machine's w1 is not this w1).
        let found = if w.contains(':') {
            all.iter().any(|d| d["executionArn"].as_str() == Some(w))
        } else {
            // A damaged folder is found too: loading it says what is wrong.
            self.exists(name)
                || self.path_of(name).is_dir()
                || all.iter().any(|d| d["name"] == name)
        };
        if found {
            return Ok(name.to_string());
        }
        Err(ResolveError::Unknown {
            wanted: w.to_string(),
            recent: all
                .iter()
                .filter_map(|d| d["name"].as_str().map(String::from))
                .take(10)
                .collect(),
        })
    }
}

/// The execution commands show when none is named: see [`Store::latest`].
#[derive(Debug, Clone, PartialEq)]
pub struct Latest {
    pub name: String,
    /// Executions started after it, still running.
    pub running_after: Vec<String>,
    /// How many stored executions are damaged (their start cannot be read).
    pub damaged: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ResolveError {
    Empty,
    Unknown { wanted: String, recent: Vec<String> },
}

/// Removes what killed processes left in `tmp/` (a `kill -9` in the middle of a
/// run): each folder there is named `<execution>.<pid>.<n>` after its writer.
fn remove_abandoned(tmp_root: &Path) {
    let Ok(entries) = std::fs::read_dir(tmp_root) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let Some(pid) = writer_of(&entry.file_name()) else {
            continue;
        };
        if pid != std::process::id() && !holder_alive(pid) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The process writing a folder of `tmp/`, from its name (`<execution>.<pid>.<n>`).
fn writer_of(name: &std::ffi::OsStr) -> Option<u32> {
    name.to_str()?.rsplit('.').nth(1)?.parse().ok()
}

/// Swaps two folders atomically (Linux's `renameat2` with `RENAME_EXCHANGE`);
/// `false` where that cannot be done.
fn exchange(a: &Path, b: &Path) -> bool {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt;
        let (Ok(a), Ok(b)) = (
            std::ffi::CString::new(a.as_os_str().as_bytes()),
            std::ffi::CString::new(b.as_os_str().as_bytes()),
        ) else {
            return false;
        };
        // SAFETY: two valid NUL-terminated paths; the call only renames.
        let rc = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                a.as_ptr(),
                libc::AT_FDCWD,
                b.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        rc == 0
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (a, b);
        false
    }
}

/// The file name an execution is kept under: its name, unless that is too long
/// for a file name (80 characters of 3 or 4 bytes each pass the 255-byte limit of
/// most file systems, with the suffixes of temporary names): then a prefix and a
/// hash of the whole name. The execution's own files keep its name.
fn file_name(name: &str) -> String {
    const MAX_BYTES: usize = 160;
    if name.len() <= MAX_BYTES {
        return name.to_string();
    }
    use sha2::Digest as _;
    let hash = sha2::Sha256::digest(name.as_bytes());
    let hex: String = hash[..8].iter().map(|b| format!("{b:02x}")).collect();
    let mut cut = 96;
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}~{hex}", &name[..cut])
}

fn unique() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

/// Streams `value` into a new file. No fsync: the folder only becomes visible by
/// the rename, so a killed or interrupted run never leaves a half-written
/// execution; only a power cut could, and a damaged execution is reported as
/// such, never read as valid. Waiting on the disk cost 8 to 80 ms per run.
fn write_json(path: &Path, value: &Value) -> Result<(), StoreError> {
    crate::history::with_scratch(|bytes| {
        crate::history::write_value(value, bytes);
        bytes.push(b'\n');
        std::fs::write(path, bytes).map_err(io(path))
    })
}

/// One execution's `DescribeExecution`, as stored: at least its name, ARN,
/// status and start, or it is damaged (`{}` printed as a description, and
/// "Execution is  and cannot be redriven").
pub fn read_describe(path: &Path) -> Result<Value, StoreError> {
    let describe = read_json(path)?;
    let missing = [
        ("name", describe["name"].is_string()),
        ("executionArn", describe["executionArn"].is_string()),
        ("status", describe["status"].is_string()),
        ("startDate", describe["startDate"].is_number()),
    ]
    .into_iter()
    .find(|(_, ok)| !ok);
    match missing {
        Some((field, _)) => Err(StoreError::Damaged {
            path: path.to_path_buf(),
            reason: format!("it has no '{field}'"),
        }),
        None => Ok(describe),
    }
}

fn read_json(path: &Path) -> Result<Value, StoreError> {
    let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
        // Every stored execution has its files: one missing is damage, said as such.
        std::io::ErrorKind::NotFound => StoreError::Damaged {
            path: path.to_path_buf(),
            reason: "the file is missing".into(),
        },
        _ => io(path)(e),
    })?;
    serde_json::from_str(&text).map_err(|e| StoreError::Damaged {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn one_holder_of_an_execution_lock_at_a_time_and_a_dead_one_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::locate(Some(dir.path()));
        let held = store.lock("a").unwrap();
        assert!(matches!(store.lock("a"), Err(StoreError::Busy(_))));
        assert!(store.lock("b").is_ok());
        drop(held);
        let again = store.lock("a").unwrap();
        drop(again);
        // A lock left by a process that no longer runs (pids stay below 2^22).
        std::fs::write(dir.path().join("locks/a.lock"), "4194305").unwrap();
        assert!(store.lock("a").is_ok());
        // An empty lock is one being written: held while new, abandoned once old
        // (its process died before writing its pid, or the disk was full).
        let empty = dir.path().join("locks/c.lock");
        std::fs::write(&empty, "").unwrap();
        assert!(matches!(store.lock("c"), Err(StoreError::Busy(_))));
        let old = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
        std::fs::File::options()
            .write(true)
            .open(&empty)
            .unwrap()
            .set_modified(old)
            .unwrap();
        assert!(store.lock("c").is_ok());
    }

    fn record(start: f64) -> Record {
        Record {
            describe: json!({"name": "x", "executionArn": "arn:aws:states:local:000000000000:execution:m:x",
                "status": "SUCCEEDED", "startDate": start}),
            history: json!({"events": []}),
            definition: json!({"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}),
            input: json!({}),
            mocks: None,
            map_runs: None,
        }
    }

    /// A stored execution missing one of its files is damaged, and said so with
    /// what to do, not with the system's "No such file or directory".
    #[test]
    fn a_missing_file_of_a_stored_execution_is_damage() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::locate(Some(dir.path()));
        store.save("x", &record(1.0)).unwrap();
        let history = store.path_of("x").join(HISTORY);
        std::fs::remove_file(&history).unwrap();
        let e = store.load("x").unwrap_err().to_string();
        assert_eq!(
            e,
            format!(
                "{}: the stored execution is damaged: the file is missing (remove the folder {} to drop it)",
                history.display(),
                store.path_of("x").display()
            )
        );
    }

    /// 80 characters is AWS's limit, not bytes: 80 emoji are 320 bytes, more than a
    /// file name may hold. Such an execution is stored, found and locked all the same.
    #[test]
    fn names_too_long_for_a_file_name_are_stored_and_found() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::locate(Some(dir.path()));
        for name in [
            "漢".repeat(80),
            "😀".repeat(80),
            format!("{}a", "😀".repeat(79)),
        ] {
            let mut r = record(1.0);
            r.describe["name"] = json!(name);
            store.save(&name, &r).unwrap();
            assert!(store.exists(&name));
            assert_eq!(store.load(&name).unwrap().describe["name"], json!(name));
            assert_eq!(store.resolve(Some(&name)).unwrap(), name);
            let held = store.lock(&name).unwrap();
            assert!(matches!(store.lock(&name), Err(StoreError::Busy(_))));
            drop(held);
        }
        // Names that share their first 96 bytes are kept apart.
        assert_ne!(
            file_name(&"😀".repeat(80)),
            file_name(&format!("{}a", "😀".repeat(79)))
        );
        assert_eq!(store.list().len(), 3);
    }

    /// A description without the fields every execution has is damaged: not
    /// listed (a warning says why), and named with its folder by whatever reads it.
    #[test]
    fn a_description_without_its_fields_is_damaged() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::locate(Some(dir.path()));
        let mut r = record(1.0);
        r.describe["name"] = json!("e");
        r.describe["executionArn"] = json!("arn:aws:states:local:000000000000:execution:m:e");
        store.save("e", &r).unwrap();
        assert_eq!(store.list().len(), 1);
        std::fs::write(store.path_of("e").join(DESCRIBE), "{}").unwrap();
        let (listed, damaged) = store.list_all();
        assert!(listed.is_empty());
        let message = damaged[0].to_string();
        assert!(message.ends_with(&format!(
            "execution.json: the stored execution is damaged: it has no 'name' (remove the folder {} to drop it)",
            store.path_of("e").display()
        )), "{message}");
        assert!(matches!(store.load("e"), Err(StoreError::Damaged { .. })));
    }

    /// A file where a folder of the store belongs is named, with what to do: it
    /// read as an empty store, and writing blamed the store's root.
    #[test]
    fn a_file_in_the_way_of_a_store_folder_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("file");
        std::fs::write(&file, "").unwrap();
        let store = Store::locate(Some(&file));
        assert_eq!(
            store.problem(),
            Some(format!(
                "{}: a file, where the store needs a folder: choose another store with --store DIR (or remove the file, if it is a leftover)",
                file.display()
            ))
        );
        let root = dir.path().join("store");
        std::fs::create_dir(&root).unwrap();
        std::fs::write(root.join("executions"), "").unwrap();
        let store = Store::locate(Some(&root));
        assert!(store.problem().is_some());
        let e = store.save("x", &record(1.0)).unwrap_err().to_string();
        assert_eq!(
            e,
            format!(
                "{}: a file, where the store needs a folder: choose another store with --store DIR (or remove the file, if it is a leftover)",
                root.join("executions").display()
            )
        );
    }

    #[test]
    fn saves_lists_newest_first_and_refuses_a_reused_name() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::locate(Some(dir.path()));
        let mut a = record(1.0);
        a.describe["name"] = json!("a");
        a.describe["executionArn"] = json!("arn:aws:states:local:000000000000:execution:m:a");
        let mut b = record(2.0);
        b.describe["name"] = json!("b");
        store.save("a", &a).unwrap();
        store.save("b", &b).unwrap();
        let names: Vec<_> = store
            .list()
            .iter()
            .map(|d| d["name"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(names, ["b", "a"]);
        assert!(matches!(
            store.save("a", &a),
            Err(StoreError::AlreadyExists(_))
        ));
        assert_eq!(store.resolve(None).unwrap(), "b");
        assert_eq!(
            store
                .resolve(Some("arn:aws:states:local:000000000000:execution:m:a"))
                .unwrap(),
            "a"
        );
        assert!(matches!(
            store.resolve(Some("zzz")),
            Err(ResolveError::Unknown { .. })
        ));
        // Another machine's, region's or account's execution of the same name is not this one.
        for other in [
            "arn:aws:states:local:000000000000:execution:other:a",
            "arn:aws:states:us-west-2:999999999999:execution:m:a",
            "foo:a",
        ] {
            assert!(
                matches!(
                    store.resolve(Some(other)),
                    Err(ResolveError::Unknown { .. })
                ),
                "{other}"
            );
        }
        assert_eq!(store.load("a").unwrap().describe["startDate"], 1.0);
        // Nothing is left behind in the temporary folder.
        assert_eq!(
            std::fs::read_dir(dir.path().join("tmp")).unwrap().count(),
            0
        );
    }

    #[test]
    fn replace_swaps_a_stored_execution_whole() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::locate(Some(dir.path()));
        store.save("a", &record(1.0)).unwrap();
        store.replace("a", &record(5.0)).unwrap();
        assert_eq!(store.load("a").unwrap().describe["startDate"], 5.0);
    }
}
