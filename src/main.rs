//! The `newsgrep` binary: parse arguments, hand them to the library.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    newsgrep::app::run(newsgrep::cli::Cli::parse())
}
