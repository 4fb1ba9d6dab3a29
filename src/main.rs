//! The `newsgrep` binary: everything it does lives in the library.

fn main() -> std::process::ExitCode {
    newsgrep::app::main()
}
