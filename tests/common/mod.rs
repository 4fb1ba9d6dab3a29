//! Helpers shared by the end-to-end tests: run the real binary in a folder.

#![allow(dead_code)]

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;

/// The newsgrep binary, run in `dir`, with no environment overrides.
pub fn newsgrep(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("newsgrep").unwrap();
    cmd.current_dir(dir)
        .env_remove("NEWSGREP_CORPUS")
        .env_remove("NEWSGREP_INDEX")
        .env_remove("NO_COLOR")
        .env("TERM", "xterm-256color");
    cmd
}

pub fn run(dir: &Path, args: &[&str]) -> Output {
    newsgrep(dir).args(args).output().unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
