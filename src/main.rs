use clap::Parser;

// Validating many definitions is allocation-bound (one tree per file): mimalloc
// halves that cost compared with the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Small pages from the first allocation on (see `sfn::cli::memory`): the C
/// runtime calls this before `main`, before the Rust runtime first allocates,
/// which would otherwise fault in the allocator's first 2 MiB pages whole.
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static SMALL_PAGES_FIRST: extern "C" fn() = {
    extern "C" fn small_pages() {
        sfn::cli::memory::huge_pages(false);
    }
    small_pages
};

fn main() {
    // `sfn ... | head` closes the pipe early: end quietly as Unix tools do,
    // instead of a panic from the next print.
    #[cfg(unix)]
    // SAFETY: restoring a signal's default disposition, before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = sfn::cli::Cli::parse();
    exit(sfn::cli::run(cli));
}

/// Ends the process. On Unix without the C library's exit handlers: there the
/// allocator hands every page freed during the run back to the system one call
/// at a time (splitting huge pages), a millisecond after a large run, just
/// before the system takes all of them back anyway.
fn exit(code: i32) -> ! {
    #[cfg(unix)]
    {
        use std::io::Write;
        // `process::exit` would flush stdout; `_exit` does not.
        let _ = std::io::stdout().flush();
        // SAFETY: nothing runs after this: every command has returned, its files
        // are closed, stdout is flushed and stderr is unbuffered.
        unsafe { libc::_exit(code) }
    }
    #[cfg(not(unix))]
    std::process::exit(code)
}
