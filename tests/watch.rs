//! `--watch` re-validates or re-runs on save and survives half-written files.
//!
//! Every wait has a generous deadline: it guards against a hang, it measures nothing.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(60);

/// The lines a stream prints, as they come.
fn lines(stream: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Waits for a line containing `needle`; returns it.
fn wait_for(rx: &mpsc::Receiver<String>, needle: &str) -> Option<String> {
    let deadline = Instant::now() + DEADLINE;
    while Instant::now() < deadline {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(line) if line.contains(needle) => return Some(line),
            Ok(_) | Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => return None,
        }
    }
    None
}

/// Kills the child when a test ends, passed or failed: no process outlives the test.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn(dir: &Path, args: &[&str]) -> (Killed, mpsc::Receiver<String>, mpsc::Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sfn"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("SFN_STORE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = lines(child.stdout.take().unwrap());
    let err = lines(child.stderr.take().unwrap());
    (Killed(child), out, err)
}

/// Saves as editors do: write a new file, then rename it over the old one.
fn save_by_rename(path: &Path, text: &str) {
    let tmp = path.with_extension("tmp~");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

/// A folder holding a valid definition, `m.asl.json`.
fn valid_definition() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.asl.json");
    std::fs::write(
        &file,
        r#"{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}"#,
    )
    .unwrap();
    (dir, file)
}

#[test]
fn revalidates_on_every_save_and_survives_a_half_written_file() {
    let (dir, file) = valid_definition();
    let (_child, out, _err) = spawn(
        dir.path(),
        &["validate", "--watch", "--format", "json", "m.asl.json"],
    );
    let ok = wait_for(&out, r#""result": "OK""#).is_some();
    // Half-written: a syntax error is reported and the watcher keeps going.
    std::fs::write(&file, r#"{"StartAt":"A","States":{"A":{"Ty"#).unwrap();
    let broken = ok && wait_for(&out, "INVALID_JSON_DESCRIPTION").is_some();
    std::fs::write(
        &file,
        r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"}}}"#,
    )
    .unwrap();
    let missing = broken && wait_for(&out, "MISSING_TRANSITION_TARGET").is_some();
    assert!(ok, "first pass reported OK");
    assert!(broken, "half-written file reported as a syntax error");
    assert!(missing, "the next save was validated again");
}

/// A watched symlink pointed at another file: that file's saves count from then on.
#[cfg(unix)]
#[test]
fn validate_watch_follows_a_symlink_to_its_new_target() {
    let dir = tempfile::tempdir().unwrap();
    let good = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}"#;
    std::fs::write(dir.path().join("a.json"), good).unwrap();
    std::fs::write(dir.path().join("b.json"), good).unwrap();
    std::os::unix::fs::symlink("a.json", dir.path().join("link.asl.json")).unwrap();
    let (_child, out, err) = spawn(
        dir.path(),
        &["validate", "--watch", "--format", "json", "link.asl.json"],
    );
    assert!(wait_for(&out, r#""result": "OK""#).is_some());
    assert!(wait_for(&err, "watching").is_some());
    // Pointed at b.json (as `ln -sfn` does it: a new link renamed over the old).
    std::os::unix::fs::symlink("b.json", dir.path().join("link.tmp")).unwrap();
    std::fs::rename(
        dir.path().join("link.tmp"),
        dir.path().join("link.asl.json"),
    )
    .unwrap();
    assert!(wait_for(&err, "watching").is_some(), "validated again");
    std::fs::write(
        dir.path().join("b.json"),
        r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"}}}"#,
    )
    .unwrap();
    assert!(
        wait_for(&out, "MISSING_TRANSITION_TARGET").is_some(),
        "a save of the new target is validated"
    );
}

/// A file saved by rename, or deleted and written again, is still watched.
#[test]
fn validate_watch_follows_a_file_saved_by_rename_or_recreated() {
    let (dir, file) = valid_definition();
    let (_child, out, _err) = spawn(
        dir.path(),
        &["validate", "--watch", "--format", "json", "m.asl.json"],
    );
    let ok = wait_for(&out, r#""result": "OK""#).is_some();
    save_by_rename(
        &file,
        r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"}}}"#,
    );
    let renamed = ok && wait_for(&out, "MISSING_TRANSITION_TARGET").is_some();
    std::fs::remove_file(&file).unwrap();
    // A Wait state without a duration: a diagnostic no earlier pass gave.
    std::fs::write(
        &file,
        r#"{"StartAt":"A","States":{"A":{"Type":"Wait","End":true}}}"#,
    )
    .unwrap();
    let recreated = renamed && wait_for(&out, "SecondsPath").is_some();
    assert!(ok, "first pass reported OK");
    assert!(renamed, "a save by rename was validated");
    assert!(recreated, "a file deleted and written again was validated");
}

/// Watching a folder (the default `.`), only the files a search of it checks
/// count: not the report redirected into it, nor files in hidden folders.
#[test]
fn validate_watch_of_a_folder_ignores_files_it_does_not_check() {
    let (dir, file) = valid_definition();
    let (_child, out, err) = spawn(dir.path(), &["validate", "--watch", "--format", "json"]);
    let ok = wait_for(&out, r#""result": "OK""#).is_some();
    std::fs::write(dir.path().join("out.log"), "a report").unwrap();
    std::fs::create_dir(dir.path().join(".sfn")).unwrap();
    std::fs::write(dir.path().join(".sfn/x.json"), "{}").unwrap();
    // Not a measurement: the writes above come first, in their own burst.
    std::thread::sleep(Duration::from_millis(500));
    std::fs::write(
        &file,
        r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"}}}"#,
    )
    .unwrap();
    let changed = wait_for(&err, "changed: running again");
    assert!(ok, "first pass reported OK");
    assert_eq!(
        changed.as_deref(),
        Some("m.asl.json changed: running again")
    );
    assert!(wait_for(&out, "MISSING_TRANSITION_TARGET").is_some());
}

/// A watched folder deleted and made again is watched again.
#[test]
fn validate_watch_of_a_folder_follows_it_when_it_is_made_again() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("defs");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(
        folder.join("m.asl.json"),
        r#"{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}"#,
    )
    .unwrap();
    let (_child, out, err) = spawn(
        dir.path(),
        &["validate", "--watch", "--format", "json", "defs"],
    );
    let ok = wait_for(&out, r#""result": "OK""#).is_some();
    std::fs::remove_dir_all(&folder).unwrap();
    let gone = ok && wait_for(&err, "no such file or directory").is_some();
    std::fs::create_dir(&folder).unwrap();
    let back = gone && wait_for(&err, "holds no .json").is_some();
    std::fs::write(
        folder.join("m.asl.json"),
        r#"{"StartAt":"A","States":{"A":{"Type":"Wait","End":true}}}"#,
    )
    .unwrap();
    let seen = back && wait_for(&out, "SecondsPath").is_some();
    assert!(ok, "first pass reported OK");
    assert!(gone, "the deleted folder was reported");
    assert!(back, "the folder made again was noticed");
    assert!(seen, "a file written into it was validated");
}

const DEFINITION: &str = r#"{"StartAt":"Charge","States":{"Charge":{"Type":"Task",
  "Resource":"arn:aws:states:::lambda:invoke","End":true}}}"#;

#[test]
fn run_watch_reruns_on_every_save_of_the_definition_or_the_mocks() {
    let dir = tempfile::tempdir().unwrap();
    let def = dir.path().join("order.asl.json");
    let mocks = dir.path().join("mocks.yaml");
    std::fs::write(&def, DEFINITION).unwrap();
    std::fs::write(&mocks, "Charge:\n  return: {charged: first}\n").unwrap();
    let (_child, out, err) = spawn(
        dir.path(),
        &[
            "run",
            "order.asl.json",
            "--mocks",
            "mocks.yaml",
            "--watch",
            "--format",
            "json",
        ],
    );

    // A run at the start: one DescribeExecution object on one line.
    let first = wait_for(&out, r#""status":"SUCCEEDED""#).expect("a run at the start");
    let first: serde_json::Value = serde_json::from_str(&first).expect("one JSON object a line");
    assert!(
        first["output"].as_str().unwrap().contains("first"),
        "{first}"
    );
    assert!(wait_for(&err, "watching").is_some());
    // Nothing changed, nothing runs: reading the files is no change.
    let quiet = out.recv_timeout(Duration::from_secs(1));
    assert!(quiet.is_err(), "ran again with no change: {quiet:?}");

    // Editing the mocks runs again, with the new result, under a new name.
    std::fs::write(&mocks, "Charge:\n  return: {charged: second}\n").unwrap();
    let second = wait_for(&out, "second").expect("a re-run after the mocks changed");
    let second: serde_json::Value = serde_json::from_str(&second).unwrap();
    assert_eq!(second["status"], "SUCCEEDED");
    assert_ne!(first["name"], second["name"], "each run gets its own name");

    // A half-written definition shows its diagnostics and the watch goes on.
    std::fs::write(&def, r#"{"StartAt":"Charge","States":{"Ch"#).unwrap();
    assert!(
        wait_for(&err, "INVALID_JSON_DESCRIPTION").is_some(),
        "diagnostics for the broken definition"
    );
    assert!(wait_for(&err, "watching").is_some(), "still watching");

    std::fs::write(&mocks, "Pay:\n  return: {charged: third}\n").unwrap();
    assert!(wait_for(&err, "mocks.yaml changed").is_some());
    assert!(wait_for(&err, "watching").is_some(), "still watching");

    // Fixed, and saved by renaming (the watch is on the folder): it runs again.
    save_by_rename(&def, &DEFINITION.replace("\"Charge\"", "\"Pay\""));
    let third = wait_for(&out, "third").expect("a re-run after the definition was fixed");
    assert!(third.contains(r#""status":"SUCCEEDED""#), "{third}");

    // Every run was stored, each under its own name.
    let stored = std::fs::read_dir(dir.path().join(".sfn/executions"))
        .unwrap()
        .count();
    assert!(stored >= 3, "{stored} executions stored");
}

/// A watched file's folder deleted and made again (a branch switch, a tool that
/// writes the folder anew) is still watched: a save in it runs again.
#[test]
fn run_watch_follows_a_folder_made_again() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("order.asl.json"), DEFINITION).unwrap();
    let md = dir.path().join("md");
    std::fs::create_dir(&md).unwrap();
    std::fs::write(md.join("m.yaml"), "Charge:\n  return: {charged: first}\n").unwrap();
    let (_child, out, err) = spawn(
        dir.path(),
        &[
            "run",
            "order.asl.json",
            "--mocks",
            "md/m.yaml",
            "--watch",
            "--format",
            "json",
            "--no-store",
        ],
    );
    assert!(wait_for(&out, "first").is_some(), "a run at the start");
    assert!(wait_for(&err, "watching").is_some());
    std::fs::remove_dir_all(&md).unwrap();
    assert!(
        wait_for(&err, "watching").is_some(),
        "a run of the missing file"
    );
    std::fs::create_dir(&md).unwrap();
    std::fs::write(md.join("m.yaml"), "Charge:\n  return: {charged: second}\n").unwrap();
    assert!(
        wait_for(&out, "second").is_some(),
        "a run once the folder is back"
    );
    std::fs::write(md.join("m.yaml"), "Charge:\n  return: {charged: third}\n").unwrap();
    assert!(wait_for(&out, "third").is_some(), "and on each save after");
}

/// An `--input` file that does not exist yet is watched too: made, it runs.
#[test]
fn run_watch_runs_once_the_input_file_is_made() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p.asl.json"),
        r#"{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}"#,
    )
    .unwrap();
    let (_child, out, err) = spawn(
        dir.path(),
        &[
            "run",
            "p.asl.json",
            "--input",
            "later.json",
            "--watch",
            "--format",
            "json",
            "--no-store",
        ],
    );
    assert!(
        wait_for(&err, "later.json").is_some(),
        "says the input is missing"
    );
    std::fs::write(dir.path().join("later.json"), r#"{"made": "later"}"#).unwrap();
    let ran = wait_for(&out, r#""status":"SUCCEEDED""#).expect("a run once the input exists");
    assert!(ran.contains("later"), "{ran}");
}

#[test]
fn run_watch_refuses_a_name_it_could_use_only_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("d.asl.json"), DEFINITION).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_sfn"))
        .args(["run", "d.asl.json", "--watch", "--name", "mine"])
        .current_dir(dir.path())
        .env_remove("SFN_STORE")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--name 'mine' cannot be used with --watch"),
        "{stderr}"
    );
}

#[test]
fn run_watch_needs_its_files_to_exist() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("d.asl.json"), DEFINITION).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_sfn"))
        .args(["run", "d.asl.json", "--watch", "--mocks", "nope.yaml"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.yaml: no such file"));
}

/// Ctrl-C while a run waits (real clock): that run is stored ABORTED, the watch ends.
#[cfg(unix)]
#[test]
fn ctrl_c_aborts_the_run_in_progress_and_ends_the_watch() {
    let dir = tempfile::tempdir().unwrap();
    let def = dir.path().join("w.asl.json");
    std::fs::write(
        &def,
        r#"{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}"#,
    )
    .unwrap();
    let (mut child, out, err) = spawn(
        dir.path(),
        &[
            "run",
            "w.asl.json",
            "--watch",
            "--clock",
            "real",
            "--format",
            "json",
        ],
    );
    assert!(wait_for(&out, r#""status":"SUCCEEDED""#).is_some());
    assert!(wait_for(&err, "watching").is_some());
    std::fs::write(
        &def,
        r#"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}"#,
    )
    .unwrap();
    assert!(wait_for(&err, "w.asl.json changed").is_some());
    // The re-run has started; give it time to reach the hour-long Wait.
    std::thread::sleep(Duration::from_secs(2));
    let sent = Command::new("kill")
        .args(["-INT", &child.0.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let aborted = wait_for(&out, r#""status":"ABORTED""#);
    let deadline = Instant::now() + DEADLINE;
    let status = loop {
        if let Some(status) = child.0.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() > deadline {
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(aborted.is_some(), "the run in progress was stored ABORTED");
    assert_eq!(status.and_then(|s| s.code()), Some(130), "the watch ended");
}

/// A SAM template's `DefinitionUri` file is watched too: that is the file people edit.
#[test]
fn run_watch_follows_a_templates_definition_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("statemachine")).unwrap();
    std::fs::write(
        dir.path().join("template.yaml"),
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: statemachine/m.asl.json\n",
    )
    .unwrap();
    let def = dir.path().join("statemachine/m.asl.json");
    let pass = |v: &str| {
        format!(r#"{{"StartAt":"P","States":{{"P":{{"Type":"Pass","Result":"{v}","End":true}}}}}}"#)
    };
    std::fs::write(&def, pass("before")).unwrap();
    let (_child, out, err) = spawn(
        dir.path(),
        &[
            "run",
            "template.yaml",
            "--watch",
            "--no-store",
            "--format",
            "json",
        ],
    );
    assert!(wait_for(&out, "before").is_some(), "a run at the start");
    assert!(wait_for(&err, "m.asl.json for changes").is_some());
    std::fs::write(&def, pass("after")).unwrap();
    assert!(
        wait_for(&out, "after").is_some(),
        "a re-run after the definition file changed"
    );
}
