//! End-to-end tests of `newsgrep index` updates: incremental changes,
//! versioning, duplicates, crash safety, locking, bad input and --watch.

mod common;
use common::{run, stderr, stdout};

use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

/// `newsgrep index --json` in `dir`, asserting success.
fn index(dir: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["index", "--json"];
    args.extend_from_slice(extra);
    let o = run(dir, &args);
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn counts(s: &Value) -> (u64, u64, u64, u64) {
    (
        s["added"].as_u64().unwrap(),
        s["updated"].as_u64().unwrap(),
        s["removed"].as_u64().unwrap(),
        s["unchanged"].as_u64().unwrap(),
    )
}

/// Every hit of a query as (path, paragraph), sorted.
fn hits(dir: &Path, query: &str, index_dir: &str) -> Vec<(String, u64)> {
    let o = run(
        dir,
        &[
            "search", query, "--json", "--limit", "0", "--index", index_dir,
        ],
    );
    assert!(o.status.code() != Some(2), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut out: Vec<(String, u64)> = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["path"].as_str().unwrap().to_string(),
                h["paragraph"].as_u64().unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

fn article(i: usize) -> String {
    let speaker = ["Maria Lopez", "John Park", "Ali Hassan", "Emma Stone"][i % 4];
    format!(
        "Report number {i} on the harbour\n\nThe harbour authority said cargo number {i} arrived on Monday.\n\n\
         “We expect more ships,” {speaker} said, adding that the zebra{m} shipment was late.\n\n\
         Officials in Lisbon confirmed the schedule for vessel {i}.\n",
        m = i % 7
    )
}

/// A temp dir with `corpus/` holding `n` generated articles.
fn generated(n: usize) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir_all(corpus.join("a")).unwrap();
    for i in 0..n {
        std::fs::write(corpus.join(format!("a/{i:05}.txt")), article(i)).unwrap();
    }
    dir
}

#[test]
fn adds_updates_removes_and_leaves_the_rest_alone() {
    let ws = generated(20);
    let d = ws.path();
    assert_eq!(counts(&index(d, &[])), (20, 0, 0, 0));
    assert_eq!(counts(&index(d, &[])), (0, 0, 0, 20));

    // A touched but unchanged file is recognised by its hash.
    let f = d.join("corpus/a/00003.txt");
    let text = std::fs::read_to_string(&f).unwrap();
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(&f, &text).unwrap();
    assert_eq!(counts(&index(d, &[])), (0, 0, 0, 20));

    std::fs::write(
        d.join("corpus/new.txt"),
        "Fresh headline\n\nA quokka was seen near the port, Anna Berg said.\n",
    )
    .unwrap();
    assert_eq!(counts(&index(d, &[])), (1, 0, 0, 20));
    assert_eq!(hits(d, "quokka", "index").len(), 1);

    // An edit with a different number of paragraphs replaces all of them.
    std::fs::write(
        d.join("corpus/new.txt"),
        "Fresh headline\n\nA wombat was seen.\n\nA second paragraph.\n\nA third.\n",
    )
    .unwrap();
    assert_eq!(counts(&index(d, &[])), (0, 1, 0, 20));
    assert!(hits(d, "quokka", "index").is_empty());
    let o = run(
        d,
        &[
            "search",
            "wombat OR second OR third",
            "--json",
            "--limit",
            "0",
        ],
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["total_hits"], 3);

    std::fs::remove_file(d.join("corpus/new.txt")).unwrap();
    assert_eq!(counts(&index(d, &[])), (0, 0, 1, 20));
    assert!(hits(d, "wombat", "index").is_empty());

    let full = index(d, &["--full"]);
    assert_eq!(full["articles"], 20);
    assert_eq!(hits(d, "harbour", "index").len(), 20);
}

#[test]
fn facet_counts_stay_exact_after_updates_for_small_and_huge_result_sets() {
    // Enough paragraphs per segment that "the" (nearly every paragraph)
    // takes the bulk-count path, with deleted documents left by edits.
    let ws = generated(800);
    let d = ws.path();
    index(d, &[]);
    for i in (0..800).step_by(9) {
        let f = d.join(format!("corpus/a/{i:05}.txt"));
        std::fs::write(&f, article(i).replace("Monday", "Tuesday")).unwrap();
    }
    assert_eq!(counts(&index(d, &[])).1, 89);
    index(d, &["--full", "--index", "fresh"]);
    let queries = ["the", "harbour", "Tuesday", "zebra3", "vessel 17"];
    let facets = |query: &str, index_dir: &str| {
        let o = run(d, &["search", query, "--json", "--index", index_dir]);
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        (v["total_hits"].clone(), v["facets"].clone())
    };
    for query in queries {
        let (updated, fresh) = (facets(query, "index"), facets(query, "fresh"));
        assert_eq!(updated, fresh, "{query}");
        assert!(updated.0.as_u64().unwrap() > 0, "{query}");
    }

    // Names come from a table beside each segment (two per segment, one
    // per facet field); without them, as in an index written by an older
    // newsgrep, the dictionaries give the same names, and the next run
    // writes them again.
    let tables = || -> Vec<PathBuf> {
        let mut t: Vec<PathBuf> = std::fs::read_dir(d.join("index"))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.to_string_lossy().contains("newsgrep-names-"))
            .collect();
        t.sort();
        t
    };
    let written = tables();
    let segments = std::fs::read_dir(d.join("index"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "idx"))
        .count();
    assert!(segments >= 2, "an update adds a segment");
    assert_eq!(written.len(), 2 * segments, "{written:?}");
    let with: Vec<_> = queries.iter().map(|q| facets(q, "index")).collect();
    let listed =
        |index_dir: &str| stdout(&run(d, &["entities", "--limit", "0", "--index", index_dir]));
    let entities = listed("index");
    for t in &written {
        std::fs::remove_file(t).unwrap();
    }
    let without: Vec<_> = queries.iter().map(|q| facets(q, "index")).collect();
    assert_eq!(with, without);
    assert_eq!(entities, listed("index"));
    assert_eq!(counts(&index(d, &[])).3, 800);
    assert_eq!(tables(), written);
}

#[test]
fn jsonl_records_are_tracked_one_by_one() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("corpus")).unwrap();
    let rec = |id: Option<&str>, word: &str| {
        let mut v = serde_json::json!({"title": format!("About {word}"), "body": format!("The {word} story.\n\nMore on the {word}.")});
        if let Some(id) = id {
            v["id"] = Value::String(id.into());
        }
        v.to_string()
    };
    let feed = d.join("corpus/feed.jsonl");
    std::fs::write(
        &feed,
        format!("{}\n{}\n", rec(Some("a1"), "otter"), rec(None, "badger")),
    )
    .unwrap();
    assert_eq!(counts(&index(d, &[])), (2, 0, 0, 0));
    // Appending one line re-indexes one article.
    let mut text = std::fs::read_to_string(&feed).unwrap();
    text.push_str(&format!("{}\n", rec(Some("a3"), "heron")));
    std::fs::write(&feed, &text).unwrap();
    assert_eq!(counts(&index(d, &[])), (1, 0, 0, 2));
    // Editing the record with an id updates it in place.
    let text = text.replace("otter", "beaver");
    std::fs::write(&feed, &text).unwrap();
    assert_eq!(counts(&index(d, &[])), (0, 1, 0, 2));
    assert!(hits(d, "otter", "index").is_empty());
    assert_eq!(hits(d, "beaver", "index").len(), 2);
    // The edit moved the later records; their text is still found.
    let text = std::fs::read_to_string(&feed).unwrap();
    std::fs::write(&feed, format!("{}\n{text}", rec(Some("a0"), "stoat"))).unwrap();
    assert_eq!(counts(&index(d, &[])), (1, 0, 0, 3));
    assert_eq!(
        texts(d, "heron"),
        ["The heron story.", "More on the heron."]
    );
    assert_eq!(
        texts(d, "badger"),
        ["The badger story.", "More on the badger."]
    );
}

/// The text of every hit of `query`, in paragraph order.
fn texts(dir: &Path, query: &str) -> Vec<String> {
    let o = run(dir, &["search", query, "--json", "--sort", "date"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut hits: Vec<(u64, String)> = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["paragraph"].as_u64().unwrap(),
                h["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    hits.sort();
    hits.into_iter().map(|(_, t)| t).collect()
}

#[test]
fn text_comes_from_the_corpus_and_a_changed_article_says_so() {
    let ws = generated(3);
    let d = ws.path();
    index(d, &[]);
    // From another folder, without --corpus: the index knows its corpus.
    let elsewhere = tempfile::tempdir().unwrap();
    let index_dir = d.join("index");
    let o = run(
        elsewhere.path(),
        &[
            "search",
            "zebra1",
            "--json",
            "--index",
            index_dir.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["hits"][0]["text"]
        .as_str()
        .unwrap()
        .contains("zebra1 shipment"));
    assert_eq!(v["hits"][0]["title"], "Report number 1 on the harbour");

    // Edited but not re-indexed: the hit is found by its old words and
    // marked stale rather than shown with text its tags do not describe.
    let f = d.join("corpus/a/00001.txt");
    std::fs::write(&f, article(1).replace("harbour", "marina")).unwrap();
    let o = run(d, &["search", "zebra1"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("changed since indexing"),
        "{}",
        stdout(&o)
    );
    assert!(
        stderr(&o).contains("run it to see their text"),
        "{}",
        stderr(&o)
    );
    let o = run(d, &["search", "zebra1", "--json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["hits"][0]["stale"], true);
    let o = run(d, &["show", "a/00001.txt"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("run `newsgrep index`"),
        "{}",
        stderr(&o)
    );

    index(d, &[]);
    let o = run(d, &["search", "zebra1", "--json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["hits"][0].get("stale").is_none());

    // A lost offset table is named, and the next `index` writes it again.
    for e in std::fs::read_dir(d.join("index")).unwrap() {
        let p = e.unwrap().path();
        if p.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("newsgrep-offsets-")
        {
            std::fs::remove_file(p).unwrap();
        }
    }
    let o = run(d, &["search", "zebra1"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("damaged") && err.contains("run `newsgrep index`"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(counts(&index(d, &[])), (0, 0, 0, 3));
    let o = run(d, &["search", "zebra1", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(v["hits"][0]["text"].as_str().unwrap().contains("zebra1"));
    assert_eq!(v["hits"][0]["title"], "Report number 1 on the marina");
}

#[test]
fn exact_duplicates_are_indexed_once_and_listed() {
    let ws = generated(3);
    let d = ws.path();
    std::fs::create_dir(d.join("corpus/b")).unwrap();
    std::fs::copy(d.join("corpus/a/00001.txt"), d.join("corpus/b/copy.txt")).unwrap();
    let s = index(d, &[]);
    assert_eq!(s["duplicates"], 1);
    assert_eq!(s["articles"], 4);
    let o = run(d, &["search", "\"cargo number 1\"", "--json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["total_hits"], 1, "{v}");
    assert_eq!(v["hits"][0]["path"], "a/00001.txt");
    assert_eq!(v["hits"][0]["also"][0], "b/copy.txt");
    // Removing the indexed copy moves the documents to the other path.
    std::fs::remove_file(d.join("corpus/a/00001.txt")).unwrap();
    let s = index(d, &[]);
    assert_eq!(counts(&s).2, 1);
    let v: Value =
        serde_json::from_slice(&run(d, &["search", "\"cargo number 1\"", "--json"]).stdout)
            .unwrap();
    assert_eq!(v["total_hits"], 1);
    assert_eq!(v["hits"][0]["path"], "b/copy.txt");
}

/// Rewrites the tagging version in the index's commit payload, as an older
/// newsgrep would have left it.
fn pretend_old_tagging(index_dir: &Path) {
    let meta_path = index_dir.join("meta.json");
    let mut meta: Value =
        serde_json::from_str(&std::fs::read_to_string(&meta_path).unwrap()).unwrap();
    let mut payload: Value = serde_json::from_str(meta["payload"].as_str().unwrap()).unwrap();
    payload["tagging"] = Value::String("0000-older".into());
    meta["payload"] = Value::String(payload.to_string());
    std::fs::write(&meta_path, meta.to_string()).unwrap();
}

#[test]
fn an_outdated_index_says_what_to_run_and_index_retags_it() {
    let ws = generated(5);
    let d = ws.path();
    index(d, &[]);
    pretend_old_tagging(&d.join("index"));
    let o = run(d, &["search", "harbour"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("newsgrep index"), "{}", stderr(&o));
    let s = index(d, &[]);
    assert_eq!(s["retagged"], 5);
    assert_eq!(counts(&s), (0, 0, 0, 5));
    assert_eq!(run(d, &["search", "harbour"]).status.code(), Some(0));
}

#[test]
fn newsgrep_toml_adds_entities_and_retags_only_affected_articles() {
    let ws = generated(6);
    let d = ws.path();
    std::fs::write(
        d.join("corpus/odd.txt"),
        "Zorblax news\n\nZorblax opened a plant in Porto, Ana Reis said.\n",
    )
    .unwrap();
    index(d, &[]);
    std::fs::write(
        d.join("corpus/newsgrep.toml"),
        "[[entity]]\nname = \"Zorblax Industries\"\nkind = \"org\"\naliases = [\"Zorblax\"]\n",
    )
    .unwrap();
    let s = index(d, &[]);
    assert_eq!(s["retagged"], 1, "{s}");
    let o = run(d, &["entities", "--kind", "org", "--json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .any(|e| e["name"] == "Zorblax Industries"),
        "{v}"
    );
    let o = run(d, &["search", "plant", "--org", "zorblax"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // A broken file is one clear error.
    std::fs::write(d.join("corpus/newsgrep.toml"), "[[entity]\n").unwrap();
    let o = run(d, &["index"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("newsgrep.toml"), "{}", stderr(&o));
}

#[test]
fn a_second_writer_fails_at_once_and_search_keeps_working() {
    let ws = generated(4);
    let d = ws.path();
    index(d, &[]);
    let index_dir = d.join("index");
    let (idx, _fields, _) = newsgrep::index::open_for_write(&index_dir).unwrap();
    let _held = newsgrep::index::writer(&idx, &index_dir).unwrap();
    let started = Instant::now();
    let o = run(d, &["index"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("another `newsgrep index`"),
        "{}",
        stderr(&o)
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(run(d, &["search", "harbour"]).status.code(), Some(0));
}

#[test]
fn sigkill_at_any_moment_leaves_a_searchable_index_that_the_next_run_completes() {
    let n = 400;
    let ws = generated(n);
    let d = ws.path();
    // A committed base: the first half of the corpus.
    let later = d.join("later");
    std::fs::create_dir(&later).unwrap();
    for i in n / 2..n {
        let name = format!("{i:05}.txt");
        std::fs::rename(d.join("corpus/a").join(&name), later.join(&name)).unwrap();
    }
    index(d, &[]);
    let before = hits(d, "harbour", "index").len();
    for i in n / 2..n {
        let name = format!("{i:05}.txt");
        std::fs::rename(later.join(&name), d.join("corpus/a").join(&name)).unwrap();
    }
    // A clean build of the whole corpus to compare with.
    let o = run(d, &["index", "--index", "clean", "-q"]);
    assert!(o.status.success());
    let clean = hits(d, "harbour", "clean");
    let clean_quotes = hits(d, "ships", "clean");

    let bin: PathBuf = assert_cmd::cargo::cargo_bin("newsgrep");
    for delay_ms in [5u64, 40, 150, 400] {
        let mut child = Process::new(&bin)
            .args(["index", "-q", "--batch", "25"])
            .current_dir(d)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        // The last commit is searchable: at least the base, at most everything.
        let now = hits(d, "harbour", "index");
        assert!(
            now.len() >= before && now.len() <= clean.len(),
            "{delay_ms} ms: {} hits",
            now.len()
        );
    }
    let s = index(d, &[]);
    assert_eq!(s["articles"], n as u64);
    assert_eq!(hits(d, "harbour", "index"), clean);
    assert_eq!(hits(d, "ships", "index"), clean_quotes);
    // Nothing is left to do afterwards.
    assert_eq!(counts(&index(d, &[])), (0, 0, 0, n as u64));
}

#[test]
fn bad_files_are_warnings_and_good_articles_are_indexed() {
    let ws = generated(3);
    let d = ws.path();
    let c = d.join("corpus");
    std::fs::write(
        c.join("latin1.txt"),
        b"Caf\xe9 headline\n\nThe caf\xe9 opened, Jo Brand said.\n",
    )
    .unwrap();
    std::fs::write(c.join("binary.txt"), [0u8, 159, 146, 150, 0, 1, 2]).unwrap();
    std::fs::write(c.join("empty.txt"), "").unwrap();
    std::fs::write(c.join("big.txt"), "x".repeat(2 * 1024 * 1024)).unwrap();
    std::fs::write(
        c.join("feed.jsonl"),
        "{\"title\":\"Good\",\"body\":\"A good line about geese.\"}\n{broken json\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(c.join("missing-target.txt"), c.join("dangling.txt")).unwrap();
        std::os::unix::fs::symlink(&c, c.join("a/loop")).unwrap();
    }
    let o = run(d, &["index", "--json", "--max-file-size", "1"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let s: Value = serde_json::from_slice(&o.stdout).unwrap();
    let err = stderr(&o);
    for needle in [
        "latin1.txt: invalid UTF-8",
        "binary.txt: skipped: binary",
        "empty.txt: skipped: no text",
        "big.txt: skipped",
        "feed.jsonl:2",
        "dangling.txt",
    ] {
        assert!(err.contains(needle), "missing {needle:?} in:\n{err}");
    }
    assert!(err.to_lowercase().contains("loop"), "{err}");
    // One line per bad file, and the summary counts them.
    let warning_lines = err.lines().filter(|l| l.contains("warning")).count();
    assert_eq!(s["warning_count"].as_u64().unwrap() as usize, warning_lines);
    assert!(warning_lines >= 7, "{err}");
    // Every good article is searchable, the re-decoded one too.
    assert_eq!(hits(d, "harbour", "index").len(), 3);
    assert_eq!(hits(d, "geese", "index").len(), 1);
    assert_eq!(hits(d, "opened", "index").len(), 1);
    // --strict turns warnings into a failing exit status.
    let o = run(d, &["index", "--strict", "--max-file-size", "1"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn watch_applies_changes_shortly_after_they_happen() {
    let ws = generated(2);
    let d = ws.path();
    index(d, &[]);
    let bin: PathBuf = assert_cmd::cargo::cargo_bin("newsgrep");
    let mut child = Process::new(&bin)
        .args(["index", "--watch", "-q"])
        .current_dir(d)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(500));
    std::fs::write(
        d.join("corpus/feed1.txt"),
        "Flash\n\nA narwhal swam past the pier.\n",
    )
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut found = false;
    while Instant::now() < deadline {
        if hits(d, "narwhal", "index").len() == 1 {
            found = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(found, "the watcher did not index the new file");
}
