//! End-to-end tests: the real binary on a temporary copy of a corpus.

mod common;
use common::{newsgrep, run, stderr, stdout};

use std::path::{Path, PathBuf};

use serde_json::Value;
use tempfile::TempDir;

const SHAHED_PREFIX: &str = "North Korea is the second key US opponent";

fn project() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn shared() -> Option<PathBuf> {
    let p = project().join("../shared");
    p.join("README.md").is_file().then_some(p)
}

/// A temp dir holding `corpus/` (a copy of the project's) and no index.
fn workspace() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    for entry in std::fs::read_dir(project().join("corpus")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, corpus.join(path.file_name().unwrap())).unwrap();
        }
    }
    dir
}

fn json(dir: &Path, args: &[&str]) -> (Value, i32) {
    let o = run(dir, args);
    let v: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(&o), stderr(&o)));
    (v, o.status.code().unwrap())
}

fn built() -> TempDir {
    let ws = workspace();
    let o = run(ws.path(), &["index"]);
    assert!(o.status.success(), "{}", stderr(&o));
    ws
}

#[test]
fn search_without_index_builds_it_and_ranks_the_shahed_paragraph_first() {
    let ws = workspace();
    let o = run(ws.path(), &["search", "Shahed-136"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("no index"), "{}", stderr(&o));
    let out = stdout(&o);
    let first_hit = out.split("\n\n").next().unwrap();
    assert!(first_hit.contains("Shahed-136s"), "{out}");
    assert!(first_hit.contains("000_545491d4a5c1f521.txt#4"), "{out}");
    assert!(out.contains("weapons: Shahed-136 (1)"), "{out}");
    assert!(out.contains("places:"), "{out}");
    // A second search uses the index as it is.
    let again = run(ws.path(), &["search", "Shahed-136"]);
    assert!(!stderr(&again).contains("no index"));
}

#[test]
fn every_spelling_of_a_designator_finds_the_paragraph() {
    let ws = built();
    for q in [
        "Shahed-136",
        "\"Shahed 136\"",
        "shahed136",
        "SHAHED-136",
        "Shahed-136s",
    ] {
        let (v, code) = json(ws.path(), &["search", q, "--json"]);
        assert_eq!(code, 0, "{q}");
        let text = v["hits"][0]["text"].as_str().unwrap();
        assert!(text.starts_with(SHAHED_PREFIX), "{q}: {text}");
        // The highlight covers the designator as written.
        let snippet = v["hits"][0]["snippet"].as_str().unwrap();
        let h = &v["hits"][0]["highlights"][0];
        let (s, e) = (
            h[0].as_u64().unwrap() as usize,
            h[1].as_u64().unwrap() as usize,
        );
        assert_eq!(&snippet[s..e], "Shahed-136s", "{q}");
    }
}

#[test]
fn speaker_filter_keeps_only_that_speaker() {
    let ws = built();
    let (v, code) = json(
        ws.path(),
        &["search", "shells", "--speaker", "kirby", "--json"],
    );
    assert_eq!(code, 0);
    let hits = v["hits"].as_array().unwrap();
    assert!(!hits.is_empty());
    for h in hits {
        let names: Vec<&str> = h["speakers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        assert!(names.contains(&"John Kirby"), "{names:?}: {}", h["text"]);
    }
    // Without the filter, other speakers' paragraphs match too.
    let (all, _) = json(ws.path(), &["search", "shells", "--json"]);
    assert!(all["total_hits"].as_u64().unwrap() > v["total_hits"].as_u64().unwrap());
}

#[test]
fn facets_count_speakers_and_entities() {
    let ws = built();
    let (v, _) = json(ws.path(), &["search", "artillery shells", "--json"]);
    let kirby = v["facets"]["speaker"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "John Kirby")
        .expect("John Kirby in the speaker facet");
    assert_eq!(kirby["kind"], "person");
    assert!(kirby["count"].as_u64().unwrap() >= 2);
    assert!(v["facets"]["place"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["name"] == "North Korea"));
    let text = stdout(&run(ws.path(), &["search", "artillery shells"]));
    assert!(text.contains("speakers: John Kirby ("), "{text}");
}

#[test]
fn json_document_has_the_documented_shape() {
    let ws = built();
    let (v, _) = json(ws.path(), &["search", "Kirby", "--json", "--limit", "2"]);
    assert_eq!(v["query"], "Kirby");
    assert!(v["total_hits"].as_u64().unwrap() >= 2);
    let hits = v["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 2);
    for key in [
        "rank",
        "score",
        "path",
        "paragraph",
        "title",
        "text",
        "snippet",
        "highlights",
        "speakers",
        "entities",
    ] {
        assert!(hits[0].get(key).is_some(), "missing {key}");
    }
    assert_eq!(hits[0]["rank"], 1);
    for key in ["speaker", "person", "org", "place", "weapon"] {
        assert!(v["facets"][key].is_array(), "missing facet {key}");
    }
}

#[test]
fn boilerplate_is_not_searched_and_kinds_are_marked() {
    let ws = built();
    let o = run(ws.path(), &["search", "Load More"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("0 matching paragraphs"));
    // It is in the index, only not searched by default.
    let all = run(ws.path(), &["search", "Load More", "--kind", "all"]);
    assert_eq!(all.status.code(), Some(0));

    let o = run(
        ws.path(),
        &["analyze", "--json", "corpus/001_401144d409bd2a4e.txt"],
    );
    assert!(o.status.success());
    let v: Value = serde_json::from_str(stdout(&o).lines().next().unwrap()).unwrap();
    let kind_of = |t: &str| {
        v["paragraphs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["text"] == t)
            .map(|p| p["kind"].as_str().unwrap().to_string())
    };
    assert_eq!(kind_of("Load More").as_deref(), Some("boilerplate"));
    assert_eq!(kind_of("In Other News").as_deref(), Some("boilerplate"));
    assert_eq!(
        kind_of("Tension on the peninsula").as_deref(),
        Some("heading")
    );
    assert_eq!(v["dateline"], "WASHINGTON");
}

#[test]
fn analyze_reads_both_layouts() {
    let ws = workspace();
    let o = run(
        ws.path(),
        &[
            "analyze",
            "--json",
            "corpus/000_545491d4a5c1f521.txt",
            "corpus/001_401144d409bd2a4e.txt",
        ],
    );
    assert!(o.status.success());
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        lines[0]["title"],
        "North Korea sends Russia artillery shells for Ukraine war: White House"
    );
    assert_eq!(lines[0]["paragraphs"].as_array().unwrap().len(), 14);
    assert!(lines[1]["title"]
        .as_str()
        .unwrap()
        .starts_with("The U.S. has information"));
    let p1 = &lines[0]["paragraphs"][1];
    assert_eq!(p1["speakers"][0]["name"], "John Kirby");
    assert_eq!(p1["speakers"][0]["kind"], "person");
}

#[test]
fn malformed_queries_and_unknown_options_exit_2_with_one_line() {
    let ws = built();
    for args in [
        vec!["search", "\"unbalanced"],
        vec!["search", "foo AND"],
        vec!["search", ""],
        vec!["search", "x", "--bogus"],
        vec!["search"],
        vec!["frobnicate"],
        vec!["search", "x", "--limit", "many"],
    ] {
        let o = run(ws.path(), &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("newsgrep: "), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn unknown_filter_exits_1_and_suggests() {
    let ws = built();
    let o = run(ws.path(), &["search", "shells", "--speaker", "kirbby"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("John Kirby"), "{}", stderr(&o));
    let o = run(ws.path(), &["search", "drones", "--place", "iran"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(ws.path(), &["search", "drones", "--weapon", "shahed-136"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn index_prints_a_summary_and_honours_the_environment() {
    let ws = workspace();
    let o = newsgrep(ws.path())
        .args(["index"])
        .env("NEWSGREP_CORPUS", ws.path().join("corpus"))
        .env("NEWSGREP_INDEX", ws.path().join("elsewhere"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("2 added") && out.contains("2 articles in 2 files"),
        "{out}"
    );
    assert!(
        out.contains("speakers") && out.contains("entities"),
        "{out}"
    );
    assert!(ws.path().join("elsewhere/meta.json").is_file());
    // A missing corpus is one clear error.
    let o = run(ws.path(), &["index", "--corpus", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nope"));
}

#[test]
fn reindexing_replaces_documents_rather_than_doubling_them() {
    let ws = built();
    let (before, _) = json(ws.path(), &["search", "Kirby", "--json", "--limit", "0"]);
    assert!(run(ws.path(), &["index"]).status.success());
    let (after, _) = json(ws.path(), &["search", "Kirby", "--json", "--limit", "0"]);
    assert_eq!(before["total_hits"], after["total_hits"]);
    assert_eq!(
        after["hits"].as_array().unwrap().len() as u64,
        after["total_hits"].as_u64().unwrap()
    );
}

#[test]
fn jsonl_articles_are_indexed_with_metadata() {
    let ws = workspace();
    let line = serde_json::json!({
        "id": "x1", "title": "Drone strike hits depot", "source": "Example Wire", "date": "2020-05-01",
        "authors": "A. Writer", "url": "http://example.com/x1",
        "body": "Drone strike hits depot\n\nKYIV, Ukraine (AP) — A drone hit a fuel depot, Mayor Ivan Petrenko said.\n\nAdvertisement\n\n“We will rebuild,” Petrenko said."
    });
    std::fs::write(
        ws.path().join("corpus/feed.jsonl"),
        format!("{line}\nnot json\n"),
    )
    .unwrap();
    let o = run(ws.path(), &["index"]);
    assert!(o.status.success());
    assert!(stderr(&o).contains("feed.jsonl:2"), "{}", stderr(&o));
    let (v, code) = json(ws.path(), &["search", "depot", "--json"]);
    assert_eq!(code, 0);
    let hit = &v["hits"][0];
    assert_eq!(hit["path"], "feed.jsonl:x1");
    assert_eq!(hit["source"], "Example Wire");
    assert_eq!(hit["speakers"][0]["name"], "Ivan Petrenko");
    let o = run(ws.path(), &["analyze", "--json", "corpus/feed.jsonl"]);
    let a: Value = serde_json::from_str(stdout(&o).lines().next().unwrap()).unwrap();
    assert_eq!(a["dateline"], "KYIV, Ukraine (AP)");
    assert_eq!(a["paragraphs"][1]["kind"], "boilerplate");
}

/// More hits than are ordered in memory (`--limit 0` on a common word)
/// come out best first, every one, the same in each output format.
#[test]
fn every_hit_of_a_large_result_set_in_rank_order() {
    let ws = workspace();
    let mut lines = String::new();
    for i in 0..700 {
        let padding = "quiet words ".repeat(i % 37);
        let body = format!(
            "Harbour report {i}\n\nThe harbour {padding}reopened on day {i}.\n\nShips left the harbour.\n\nA harbour official said harbour fees rose.\n\nThe harbour closed at night."
        );
        let line = serde_json::json!({"id": format!("h{i}"), "title": format!("Harbour report {i}"), "body": body});
        lines.push_str(&format!("{line}\n"));
    }
    std::fs::write(ws.path().join("corpus/harbours.jsonl"), lines).unwrap();
    assert!(run(ws.path(), &["index"]).status.success());
    let (v, code) = json(ws.path(), &["search", "harbour", "--json", "--limit", "0"]);
    assert_eq!(code, 0);
    let hits = v["hits"].as_array().unwrap();
    let total = v["total_hits"].as_u64().unwrap() as usize;
    assert!(total > 2048, "{total}");
    assert_eq!(hits.len(), total);
    for (i, h) in hits.iter().enumerate() {
        assert_eq!(h["rank"], i + 1);
        if i > 0 {
            assert!(h["score"].as_f64() <= hits[i - 1]["score"].as_f64());
        }
    }
    let o = run(ws.path(), &["search", "harbour", "--jsonl", "--limit", "0"]);
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(&lines[..], &hits[..]);
    let (top, _) = json(ws.path(), &["search", "harbour", "--json", "--limit", "10"]);
    assert_eq!(top["hits"].as_array().unwrap()[..], hits[..10]);
    let o = run(
        ws.path(),
        &["search", "harbour", "--limit", "0", "--color", "never"],
    );
    let text = stdout(&o);
    assert!(text.starts_with("1. ["), "{}", &text[..200.min(text.len())]);
    assert!(text.contains(&format!("\n{total}. [")));
    assert!(text.contains(&format!("{total} matching paragraphs\n")));
}

#[test]
fn colour_only_on_request_when_piped() {
    let ws = built();
    let plain = stdout(&run(ws.path(), &["search", "Shahed-136"]));
    assert!(!plain.contains('\x1b'));
    let coloured = stdout(&run(
        ws.path(),
        &["search", "Shahed-136", "--color", "always"],
    ));
    assert!(
        coloured.contains("\x1b[1;31mShahed-136s\x1b[0m"),
        "{coloured}"
    );
}

#[test]
fn quotes_flag_keeps_direct_quotes() {
    let ws = built();
    let (v, code) = json(
        ws.path(),
        &[
            "search",
            "Russia",
            "--speaker",
            "ryder",
            "--quotes",
            "--json",
        ],
    );
    assert_eq!(code, 0);
    for h in v["hits"].as_array().unwrap() {
        assert!(h["text"].as_str().unwrap().contains('“'), "{}", h["text"]);
    }
}

/// The scorer shipped in ../shared: speaker F1 must stay at or above 0.80.
#[test]
fn eval_tagging_speaker_f1_at_least_0_80() {
    let Some(shared) = shared() else {
        eprintln!("skipped: ../shared is absent");
        return;
    };
    let bin = assert_cmd::cargo::cargo_bin("newsgrep");
    let o = std::process::Command::new("python3")
        .arg(shared.join("tools/eval-tagging"))
        .args(["--gold"])
        .arg(shared.join("gold/dev.jsonl"))
        .arg("--articles")
        .arg(shared.join("corpus/seeds"))
        .arg(shared.join("datasets/bbc/politics"))
        .args(["--cmd", bin.to_str().unwrap(), "--min-f1", "0.80"])
        .output();
    let Ok(o) = o else {
        eprintln!("skipped: python3 is not installed");
        return;
    };
    let out = stdout(&o);
    assert!(o.status.success(), "{out}\n{}", stderr(&o));
    assert!(out.contains("speaker F1"), "{out}");
}

/// A real corpus: every BBC politics article indexes and common names are found.
#[test]
fn bbc_politics_indexes_and_searches() {
    let Some(shared) = shared() else {
        eprintln!("skipped: ../shared is absent");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let corpus = shared.join("datasets/bbc/politics");
    let o = newsgrep(dir.path())
        .args(["index", "--corpus"])
        .arg(&corpus)
        .args(["--index", "idx", "--json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let summary: Value = serde_json::from_slice(&o.stdout).unwrap();
    let files = std::fs::read_dir(&corpus).unwrap().count() as u64;
    assert_eq!(summary["articles"].as_u64().unwrap(), files);
    let (v, code) = json(
        dir.path(),
        &[
            "search",
            "immigration",
            "--speaker",
            "tony blair",
            "--index",
            "idx",
            "--json",
        ],
    );
    assert_eq!(code, 0, "{v}");
    for h in v["hits"].as_array().unwrap() {
        let names: Vec<&str> = h["speakers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        assert!(names.iter().any(|n| n.ends_with("Blair")), "{names:?}");
    }
    assert!(
        v["facets"]["speaker"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["name"] == "Tony Blair"),
        "{}",
        v["facets"]
    );

    // The index has a segment per indexing thread; a search's top facet
    // values are still the first of the exact counts of every value, which
    // `speakers` and `entities --limit 0` list (a value outside one
    // segment's own top values once lost that segment's count, or its
    // place in the list).
    let (v, code) = json(
        dir.path(),
        &["search", "Labour", "--index", "idx", "--json"],
    );
    assert_eq!(code, 0, "{v}");
    for facet in ["speaker", "person", "org", "place"] {
        let mut args = vec!["entities", "--kind", facet];
        if facet == "speaker" {
            args = vec!["speakers"];
        }
        args.extend(["Labour", "--limit", "0", "--index", "idx", "--json"]);
        let (all, code) = json(dir.path(), &args);
        assert_eq!(code, 0, "{all}");
        let top = v["facets"][facet].as_array().unwrap();
        let all = all.as_array().unwrap();
        assert!(top.len() == 10 && all.len() > 20, "{facet}: {}", all.len());
        assert_eq!(top[..], all[..top.len()], "{facet}");
    }
}

#[test]
fn entity_filters_accept_aliases_and_analyze_explains() {
    let ws = built();
    let (v, code) = json(
        ws.path(),
        &["search", "shells", "--place", "N. Korea", "--json"],
    );
    assert_eq!(code, 0, "{v}");
    assert!(v["hits"].as_array().unwrap().iter().all(|h| h["entities"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["name"] == "North Korea")));
    let (_, code) = json(
        ws.path(),
        &["search", "denied", "--place", "pyongyang", "--json"],
    );
    assert_eq!(code, 0);
    let o = run(
        ws.path(),
        &["analyze", "--explain", "corpus/000_545491d4a5c1f521.txt"],
    );
    let out = stdout(&o);
    assert!(
        out.contains("weapon:Shahed-136 [pattern:designator]"),
        "{out}"
    );
    assert!(
        out.contains("[cue-left]") && out.contains("[list:capital]"),
        "{out}"
    );
    let o = run(
        ws.path(),
        &[
            "analyze",
            "--json",
            "--explain",
            "corpus/000_545491d4a5c1f521.txt",
        ],
    );
    let a: Value = serde_json::from_str(stdout(&o).lines().next().unwrap()).unwrap();
    assert_eq!(a["paragraphs"][1]["speakers"][0]["rule"], "cue-left");
}
