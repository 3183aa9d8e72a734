use clap::Parser;

// Validating many definitions is allocation-bound (one tree per file): mimalloc
// halves that cost compared with the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // `sfn ... | head` closes the pipe early: end quietly as Unix tools do,
    // instead of a panic from the next print.
    #[cfg(unix)]
    // SAFETY: restoring a signal's default disposition, before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = sfn::cli::Cli::parse();
    std::process::exit(sfn::cli::run(cli));
}
