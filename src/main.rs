use clap::Parser;

// Validating many definitions is allocation-bound (one tree per file): mimalloc
// halves that cost compared with the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = sfn::cli::Cli::parse();
    std::process::exit(sfn::cli::run(cli));
}
