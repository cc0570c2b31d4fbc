//! The `tiersim` binary: see `tiersim --help`.

mod cli;

use clap::Parser;

fn main() -> std::process::ExitCode {
    match cli::main(cli::Cli::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
