//! The `newsgrep` binary: everything it does lives in the library.

/// Indexing allocates many small, short-lived strings on every core;
/// mimalloc serves them markedly faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    newsgrep::app::main()
}
