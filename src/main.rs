use clap::Parser;

fn main() {
    let cli = sfn::cli::Cli::parse();
    std::process::exit(sfn::cli::run(cli));
}
