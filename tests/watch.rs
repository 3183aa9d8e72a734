//! `sfn validate --watch` re-validates on save and survives half-written files.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Waits (generously: this guards against a hang, it measures nothing) for a line containing `needle`.
fn wait_for(rx: &mpsc::Receiver<String>, needle: &str) -> bool {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while std::time::Instant::now() < deadline {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(line) if line.contains(needle) => return true,
            Ok(_) | Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => return false,
        }
    }
    false
}

#[test]
fn revalidates_on_every_save_and_survives_a_half_written_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.asl.json");
    std::fs::write(
        &file,
        r#"{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}"#,
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sfn"))
        .args(["validate", "--watch", "--format", "json"])
        .arg(dir.path())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let ok = wait_for(&rx, r#""result": "OK""#);
    // Half-written: a syntax error is reported and the watcher keeps going.
    std::fs::write(&file, r#"{"StartAt":"A","States":{"A":{"Ty"#).unwrap();
    let broken = ok && wait_for(&rx, "INVALID_JSON_DESCRIPTION");
    std::fs::write(
        &file,
        r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"}}}"#,
    )
    .unwrap();
    let missing = broken && wait_for(&rx, "MISSING_TRANSITION_TARGET");
    let _ = child.kill();
    let _ = child.wait();
    assert!(ok, "first pass reported OK");
    assert!(broken, "half-written file reported as a syntax error");
    assert!(missing, "the next save was validated again");
}
