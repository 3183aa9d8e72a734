//! `sfn validate --watch`: re-validate on every save.

use std::io::{IsTerminal, Write};
use std::sync::mpsc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};

use super::{ValidateArgs, exit};

pub fn run(args: &ValidateArgs) -> i32 {
    let (tx, rx) = mpsc::channel();
    let mut watcher = match notify::recommended_watcher(move |res| {
        let _ = tx.send(res);
    }) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: cannot watch files: {e}");
            return exit::COULD_NOT_RUN;
        }
    };
    for p in &args.paths {
        let path = std::path::Path::new(p);
        let target = if path.exists() {
            path.to_path_buf()
        } else {
            std::path::PathBuf::from(".")
        };
        if let Err(e) = watcher.watch(&target, RecursiveMode::Recursive) {
            eprintln!("error: cannot watch {}: {e}", target.display());
            return exit::COULD_NOT_RUN;
        }
    }
    loop {
        let outcome = super::validate::check(args);
        // Clear the screen and move home, as `watch` does, only on a terminal:
        // a pipe gets one report after another.
        if std::io::stdout().is_terminal() {
            print!("\x1b[2J\x1b[H");
        }
        print!("{}", outcome.rendered);
        let _ = std::io::stdout().flush();
        for e in &outcome.problems {
            eprintln!("error: {e}");
        }
        eprintln!("watching for changes (Ctrl-C to stop)");
        // Wait for a change, then let a burst of events (editors write in steps) settle.
        if rx.recv().is_err() {
            return exit::COULD_NOT_RUN;
        }
        while rx.recv_timeout(Duration::from_millis(100)).is_ok() {}
    }
}
