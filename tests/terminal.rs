//! End-to-end tests of terminal manners: colour rules, JSON and JSON lines,
//! `--limit 0`, broken pipes, `show`, dates and sorting, completions.

mod common;
use common::{run, stdout};

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command as Process, Stdio};

use serde_json::Value;
use tempfile::TempDir;

/// A corpus of dated JSON-lines articles from two outlets, indexed.
fn dated() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("corpus")).unwrap();
    let mut lines = String::new();
    for (i, (date, source)) in [
        ("2019-06-01", "Harbour Times"),
        ("2020-02-15", "Coast Herald"),
        ("2021-09-30", "Harbour Times"),
        ("2020-11-05", "Coast Herald"),
    ]
    .iter()
    .enumerate()
    {
        let v = serde_json::json!({
            "id": format!("a{i}"),
            "title": format!("Port story {i}"),
            "date": date,
            "source": source,
            "body": format!("Ferries to the port were cancelled, Mayor Lena Holm said on day {i}.\n\nThe port reopened later.\n\nTraders complained about the port fees."),
        });
        lines.push_str(&format!("{v}\n"));
    }
    std::fs::write(dir.path().join("corpus/feed.jsonl"), lines).unwrap();
    let o = run(dir.path(), &["index", "-q"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    dir
}

fn json_hits(dir: &Path, args: &[&str]) -> Value {
    let o = run(dir, args);
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&o)))
}

#[test]
fn colour_follows_flag_terminal_no_color_and_dumb_terminals() {
    let ws = dated();
    let d = ws.path();
    // Piped: plain unless asked.
    assert!(!stdout(&run(d, &["search", "ferries"])).contains('\x1b'));
    assert!(stdout(&run(d, &["search", "ferries", "--color", "always"])).contains("\x1b[1;31m"));
    assert!(!stdout(&run(d, &["search", "ferries", "--color", "never"])).contains('\x1b'));
    // On a terminal (a pty from `script`): colour, unless NO_COLOR or TERM=dumb.
    let bin = assert_cmd::cargo::cargo_bin("newsgrep");
    let in_pty = |env: &[(&str, &str)]| -> Option<String> {
        let mut cmd = Process::new("script");
        cmd.args([
            "-qec",
            &format!("{} search ferries --paging never", bin.display()),
            "/dev/null",
        ])
        .current_dir(d)
        .env("TERM", "xterm-256color")
        .env_remove("NO_COLOR");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let o = cmd.output().ok()?;
        o.status
            .success()
            .then(|| String::from_utf8_lossy(&o.stdout).into_owned())
    };
    match in_pty(&[]) {
        Some(tty) => {
            assert!(tty.contains("\x1b[1;31m"), "{tty:?}");
            assert!(!in_pty(&[("NO_COLOR", "1")]).unwrap().contains("\x1b[1;31m"));
            assert!(!in_pty(&[("TERM", "dumb")]).unwrap().contains("\x1b[1;31m"));
        }
        None => eprintln!("skipped the terminal half: `script` (util-linux) is not available"),
    }
}

#[test]
fn json_is_one_document_and_jsonl_one_hit_per_line() {
    let ws = dated();
    let d = ws.path();
    let v = json_hits(d, &["search", "port", "--json", "--limit", "0"]);
    let total = v["total_hits"].as_u64().unwrap();
    assert_eq!(total, 12);
    assert_eq!(
        v["hits"].as_array().unwrap().len() as u64,
        total,
        "--limit 0 shows all"
    );
    let o = run(d, &["search", "port", "--jsonl", "--limit", "0"]);
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len() as u64, total);
    assert!(lines
        .iter()
        .all(|h| h["path"].as_str().unwrap().starts_with("feed.jsonl:a")));
    assert_eq!(lines[0]["rank"], 1);
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let ws = dated();
    let bin = assert_cmd::cargo::cargo_bin("newsgrep");
    for args in [
        vec!["search", "port", "--limit", "0"],
        vec!["search", "port", "--jsonl", "--limit", "0"],
    ] {
        let mut child = Process::new(&bin)
            .args(&args)
            .current_dir(ws.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        // The reader is gone now, as with `| head -1`.
        let o = child.wait_with_output().unwrap();
        assert!(o.status.success(), "{:?}", o.status);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!err.contains("panicked") && !err.contains("error"), "{err}");
    }
}

#[test]
fn show_prints_a_paragraph_with_its_neighbours_and_metadata() {
    let ws = dated();
    let d = ws.path();
    let o = run(d, &["show", "feed.jsonl:a1#1", "--context", "1"]);
    assert!(o.status.success());
    let out = stdout(&o);
    assert!(out.starts_with("Port story 1\n"), "{out}");
    assert!(
        out.contains("Coast Herald") && out.contains("2020-02-15"),
        "{out}"
    );
    assert!(out.contains("> #1  The port reopened later."), "{out}");
    assert!(
        out.contains("  #0  Ferries") && out.contains("  #2  Traders"),
        "{out}"
    );
    assert!(out.contains("speakers: Lena Holm"), "{out}");
    let v: Value = serde_json::from_slice(
        &run(d, &["show", "feed.jsonl:a1#0", "--context", "0", "--json"]).stdout,
    )
    .unwrap();
    assert_eq!(v["paragraphs"].as_array().unwrap().len(), 1);
    assert_eq!(v["paragraphs"][0]["speakers"][0]["name"], "Lena Holm");
    assert_eq!(
        run(d, &["show", "feed.jsonl:nope#0"]).status.code(),
        Some(1)
    );
    assert_eq!(run(d, &["show", "feed.jsonl:a1#x"]).status.code(), Some(2));
    // search --context adds neighbours to each hit.
    let v = json_hits(
        d,
        &[
            "search",
            "reopened",
            "--context",
            "1",
            "--json",
            "--limit",
            "1",
        ],
    );
    let ctx: Vec<u64> = v["hits"][0]["context"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["paragraph"].as_u64().unwrap())
        .collect();
    assert_eq!(ctx, [0, 2]);
}

#[test]
fn sort_by_date_with_since_until_and_source() {
    let ws = dated();
    let d = ws.path();
    let v = json_hits(
        d,
        &[
            "search",
            "ferries",
            "--sort",
            "date",
            "--since",
            "2020-01-01",
            "--json",
        ],
    );
    let dates: Vec<&str> = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["date"].as_str().unwrap())
        .collect();
    assert_eq!(dates, ["2021-09-30", "2020-11-05", "2020-02-15"]);
    let v = json_hits(d, &["search", "ferries", "--until", "2020-06-30", "--json"]);
    assert_eq!(v["total_hits"], 2);
    let v = json_hits(d, &["search", "ferries", "--source", "harbour", "--json"]);
    assert_eq!(v["total_hits"], 2);
    assert!(v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["source"] == "Harbour Times"));
    let o = run(d, &["search", "ferries", "--since", "last week"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(d, &["search", "ferries", "--source", "Daily Nothing"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn completions_and_man_page_come_from_the_same_definitions() {
    let d = tempfile::tempdir().unwrap();
    let bash = stdout(&run(d.path(), &["completions", "bash"]));
    assert!(
        bash.contains("complete") && bash.contains("--speaker"),
        "{bash}"
    );
    assert!(stdout(&run(d.path(), &["completions", "zsh"])).contains("#compdef newsgrep"));
    assert!(stdout(&run(d.path(), &["completions", "fish"])).contains("complete -c newsgrep"));
    let man = stdout(&run(d.path(), &["man"]));
    assert!(
        man.contains(".TH newsgrep") || man.contains(".TH NEWSGREP"),
        "{}",
        &man[..200.min(man.len())]
    );
    // Every command's --help has examples.
    for cmd in [
        "index",
        "search",
        "speakers",
        "entities",
        "show",
        "analyze",
        "completions",
    ] {
        let help = stdout(&run(d.path(), &[cmd, "--help"]));
        assert!(help.contains("Examples:"), "{cmd}: {help}");
    }
}
