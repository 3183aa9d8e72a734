//! The store survives a killed `sfn run`: a SIGKILL leaves no half-written
//! execution, and Ctrl-C (SIGINT) stores the execution as ABORTED with its
//! history so far.

#![cfg(unix)]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn sfn() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_sfn"));
    c.env("NO_COLOR", "1");
    c
}

/// A definition that waits an hour on the real clock.
fn slow_definition(dir: &std::path::Path) -> std::path::PathBuf {
    let p = dir.join("slow.asl.json");
    std::fs::write(
        &p,
        r#"{"StartAt":"First","States":{"First":{"Type":"Pass","Next":"Nap"},"Nap":{"Type":"Wait","Seconds":3600,"End":true}}}"#,
    )
    .unwrap();
    p
}

/// A store in a new folder, with a run of [`slow_definition`] named `name` under
/// way in it: the folder (kept while it lives), the store, the definition, the run.
fn started(
    name: &str,
) -> (
    tempfile::TempDir,
    std::path::PathBuf,
    std::path::PathBuf,
    std::process::Child,
) {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let def = slow_definition(dir.path());
    let child = start_slow_run(&def, name, &store);
    let_it_start();
    (dir, store, def, child)
}

/// Ctrl-C (SIGINT) to a run this test started; its exit code once it stops.
fn interrupt(child: &mut std::process::Child) -> Option<i32> {
    // SAFETY: signalling a child this test started.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    wait_exit(child).and_then(|s| s.code())
}

fn assert_stderr_has(out: &std::process::Output, needle: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(needle), "{err}");
}

/// Starts `sfn run` of [`slow_definition`] on the real clock, named `name`.
fn start_slow_run(
    def: &std::path::Path,
    name: &str,
    store: &std::path::Path,
) -> std::process::Child {
    sfn()
        .args([
            "run",
            def.to_str().unwrap(),
            "--clock",
            "real",
            "--name",
            name,
            "--store",
        ])
        .arg(store)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Waits (a hang guard, not a timing assertion) until the run has started its Wait.
fn let_it_start() {
    std::thread::sleep(Duration::from_millis(500));
}

fn wait_exit(child: &mut std::process::Child) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Some(s) = child.try_wait().unwrap() {
            return Some(s);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    None
}

#[test]
fn sigkill_leaves_no_half_written_execution_and_the_store_still_works() {
    let (dir, store, _def, mut child) = started("killed");
    child.kill().unwrap();
    let _ = child.wait();
    // Nothing of the killed run is in the store.
    let executions = store.join("executions");
    let stored = std::fs::read_dir(&executions)
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(stored, 0);
    // The store works as before: a new run is saved and listed.
    let def_fast = dir.path().join("fast.asl.json");
    std::fs::write(
        &def_fast,
        r#"{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}"#,
    )
    .unwrap();
    let ok = sfn()
        .args([
            "run",
            def_fast.to_str().unwrap(),
            "--name",
            "after",
            "--store",
        ])
        .arg(&store)
        .output()
        .unwrap();
    assert_eq!(ok.status.code(), Some(0));
    let list = sfn()
        .args(["list", "--format", "json", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let names: Vec<&str> = v["executions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["after"]);
    // The killed run's unfinished folder was removed by the next run.
    let left: Vec<_> = std::fs::read_dir(store.join("tmp"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn ctrl_c_stores_the_execution_as_aborted_with_its_history_so_far() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let def = slow_definition(dir.path());
    let mut child = sfn()
        .args([
            "run",
            def.to_str().unwrap(),
            "--clock",
            "real",
            "--name",
            "interrupted",
            "--format",
            "json",
            "--store",
        ])
        .arg(&store)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let_it_start();
    // SIGINT, as Ctrl-C sends it.
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let status = wait_exit(&mut child).expect("the run stops after Ctrl-C");
    assert_eq!(status.code(), Some(1));
    let out = sfn()
        .args(["describe", "interrupted", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    let d: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["status"], "ABORTED");
    let out = sfn()
        .args(["history", "interrupted", "--format", "json", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    let h: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let types: Vec<&str> = h["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "ExecutionStarted",
            "PassStateEntered",
            "PassStateExited",
            "WaitStateEntered",
            "ExecutionAborted"
        ]
    );
}

/// Runs started at once with the same `--seed` and no `--name` each take their
/// own generated name: none is refused with ExecutionAlreadyExists (all but one
/// were, when each picked the first free name and found it taken only when storing).
#[test]
fn runs_started_at_once_with_one_seed_each_get_a_name() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let definition =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/bench/loop-6000.asl.json");
    let children: Vec<_> = (0..8)
        .map(|_| {
            sfn()
                .arg("run")
                .arg(&definition)
                .arg("--store")
                .arg(&store)
                .args(["--seed", "7", "--format", "json"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut names = Vec::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        let describe: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        names.push(describe["name"].as_str().unwrap().to_string());
    }
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 8, "{names:?}");
    let stored = std::fs::read_dir(store.join("executions")).unwrap().count();
    assert_eq!(stored, 8);
    // The names were held only while their runs lasted.
    let locks = std::fs::read_dir(store.join("locks")).map_or(0, |d| d.count());
    assert_eq!(locks, 0);
}

/// A name given with --name is held while its run goes on: a second run of the
/// same name is refused, and the first, stopped with Ctrl-C, is still stored (it
/// used to be the one refused, its history lost).
#[test]
fn a_second_run_of_a_name_in_use_is_refused_and_the_first_is_kept() {
    let (_dir, store, def, mut first) = started("dup");
    let second = sfn()
        .args(["run", def.to_str().unwrap(), "--name", "dup", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    let code = interrupt(&mut first);
    assert_eq!(second.status.code(), Some(2));
    assert_stderr_has(
        &second,
        "ExecutionAlreadyExists: an execution named 'dup' is running",
    );
    assert_eq!(code, Some(1));
    let describe = sfn()
        .args(["describe", "dup", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    let shown: serde_json::Value = serde_json::from_slice(&describe.stdout).unwrap();
    assert_eq!(shown["status"], "ABORTED");
}

/// While it runs, an execution is listed and described as RUNNING (as
/// ListExecutions and DescribeExecution show it), its redrive is refused with
/// AWS's reason, and once stopped it is stored with its final status.
#[test]
fn a_running_execution_is_listed_and_described_as_running() {
    let (_dir, store, _def, mut child) = started("busy");
    let json = |args: &[&str]| -> serde_json::Value {
        let out = sfn()
            .args(args)
            .arg("--store")
            .arg(&store)
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null)
    };
    let listed = json(&["list", "--status", "RUNNING", "--format", "json"]);
    let described = json(&["describe", "busy"]);
    let redrive = sfn()
        .args(["redrive", "busy", "--store"])
        .arg(&store)
        .output()
        .unwrap();
    let code = interrupt(&mut child);
    assert_eq!(listed["executions"][0]["name"], "busy", "{listed}");
    assert_eq!(listed["executions"][0]["status"], "RUNNING");
    assert_eq!(described["status"], "RUNNING", "{described}");
    assert_eq!(
        described["redriveStatusReason"],
        "Execution is RUNNING and cannot be redriven"
    );
    assert_eq!(redrive.status.code(), Some(2));
    assert_stderr_has(&redrive, "Execution is RUNNING and cannot be redriven");
    assert_eq!(code, Some(1));
    assert_eq!(json(&["describe", "busy"])["status"], "ABORTED");
}

/// Closing the terminal (SIGHUP) or `kill` (SIGTERM) ends a run as Ctrl-C does:
/// the execution is stored as ABORTED, not lost.
#[test]
fn sigterm_and_sighup_store_the_execution_as_aborted() {
    for (signal, name) in [(libc::SIGTERM, "terminated"), (libc::SIGHUP, "hung-up")] {
        let (_dir, store, _def, mut child) = started(name);
        // SAFETY: signalling a child this test started.
        unsafe {
            libc::kill(child.id() as i32, signal);
        }
        assert!(wait_exit(&mut child).is_some(), "{name} ended");
        let out = sfn()
            .args(["describe", name, "--store"])
            .arg(&store)
            .output()
            .unwrap();
        let d: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(d["status"], "ABORTED", "{name}");
    }
}

/// A store that cannot take the execution is reported before the run, not after
/// it (a real-clock run would wait its whole length to lose its result).
#[test]
fn a_store_that_cannot_be_written_is_refused_before_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    std::fs::create_dir(&store).unwrap();
    std::fs::write(store.join("tmp"), "in the way").unwrap();
    let def = slow_definition(dir.path());
    let mut child = sfn()
        .args(["run", def.to_str().unwrap(), "--clock", "real", "--store"])
        .arg(&store)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // It would wait an hour if it ran: ending at all is the check.
    let status = wait_exit(&mut child).expect("refused at once");
    assert_eq!(status.code(), Some(2));
    let out = child.wait_with_output().unwrap();
    assert_stderr_has(&out, "cannot save the execution");
}

/// A store that stops taking executions while one runs: the run's result is
/// still shown, then why it is not stored (exit 2), rather than lost.
#[test]
fn a_run_that_cannot_be_stored_at_its_end_still_shows_its_result() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let def = dir.path().join("nap.asl.json");
    std::fs::write(
        &def,
        r#"{"StartAt":"Nap","States":{"Nap":{"Type":"Wait","Seconds":2,"End":true}}}"#,
    )
    .unwrap();
    let child = sfn()
        .args([
            "run",
            def.to_str().unwrap(),
            "--clock",
            "real",
            "--format",
            "json",
        ])
        .args(["--name", "nap", "--store"])
        .arg(&store)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let_it_start();
    // Where the execution would be stored, a file now stands.
    std::fs::remove_dir_all(store.join("executions")).unwrap();
    std::fs::write(store.join("executions"), "in the way").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["status"], "SUCCEEDED");
    assert_stderr_has(&out, "the execution ended SUCCEEDED but is not stored");
}

/// The mocks kept with an execution are those it ran with, though the file is
/// saved again while it runs (as under `--watch`).
#[test]
fn the_stored_mocks_are_the_ones_the_run_used() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let def = dir.path().join("t.asl.json");
    std::fs::write(
        &def,
        r#"{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"Next":"T"},
            "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f"},"End":true}}}"#,
    )
    .unwrap();
    let mocks = dir.path().join("m.yaml");
    let used = "T:\n  return: {used: true}\n";
    std::fs::write(&mocks, used).unwrap();
    let mut child = sfn()
        .args([
            "run",
            def.to_str().unwrap(),
            "--clock",
            "real",
            "--name",
            "m",
        ])
        .arg("--mocks")
        .arg(&mocks)
        .arg("--store")
        .arg(&store)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    std::fs::write(&mocks, "T:\n  return: {edited: true}\n").unwrap();
    assert_eq!(wait_exit(&mut child).and_then(|s| s.code()), Some(0));
    let kept = std::fs::read_to_string(store.join("executions/m/mocks")).unwrap();
    assert_eq!(kept, used);
}
