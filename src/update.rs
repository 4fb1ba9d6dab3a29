//! Bringing the index in line with the corpus, touching only what changed.
//!
//! The index remembers every source file (size, modification time, content
//! hash, and the articles it holds) in a *manifest* named by the commit's
//! payload, so the documents and the bookkeeping move together: a crash
//! leaves the last commit, with its own manifest, searchable. Articles are
//! keyed by a hash of their content: an exact duplicate is indexed once,
//! an edited article is replaced, and an unchanged file whose modification
//! time moved is recognised by its hash.
//!
//! Large updates commit every [`COMMIT_EVERY`] of work (or every
//! [`Options::batch`] articles, if set). A commit in the middle of a file
//! records that file as partly done (empty hash), so the next run reads it
//! again, finds most of its articles already indexed and finishes the rest.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Instant, UNIX_EPOCH};

use aho_corasick::AhoCorasick;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tantivy::{IndexWriter, TantivyDocument, Term};

use crate::article::{parse_json_record, parse_txt, Article};
use crate::corpus::{decode, display_path, list_files, looks_binary, Format, Warning, LOSSY_UTF8};
use crate::error::{Error, Result};
use crate::gazetteer::UserEntry;
use crate::index::{self, Fields, Payload, INDEX_FORMAT};
use crate::tagging::{tag_article, TAGGING_VERSION};
use crate::textstore::{read_article, Location, OffsetTable, TABLE_PREFIX};

/// Articles tagged together on all cores before their documents are added.
const TAG_BATCH: usize = 256;

/// How much work a run may lose if it is cut off: past this since the last
/// commit, the next article commits. A commit flushes every indexing
/// thread's segment, and the smaller segments cost merges later: committing
/// every 5,000 articles (about a second of work each) made a full AllSides
/// build 9.9 s (17.8 CPU s) against 7.6 s (14.8 CPU s) with one commit.
pub const COMMIT_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// Whether `waiting` newly tagged articles, the last commit `since` ago,
/// should be committed now: a full `batch`, or [`COMMIT_EVERY`] of work.
fn commit_due(waiting: usize, batch: usize, since: std::time::Duration) -> bool {
    waiting >= batch || (waiting > 0 && since >= COMMIT_EVERY)
}

/// How `newsgrep index` runs.
pub struct Options<'a> {
    /// Rebuild everything from scratch.
    pub full: bool,
    /// Files larger than this are skipped with a warning.
    pub max_file_bytes: u64,
    /// Commit after this many newly tagged articles as well (`usize::MAX`:
    /// only every [`COMMIT_EVERY`]).
    pub batch: usize,
    /// Called as files are read: (bytes done, bytes in all, articles read).
    pub progress: Option<&'a (dyn Fn(u64, u64, usize) + Sync)>,
    /// Called with a line explaining what happens to each file (`-v`).
    pub explain: Option<&'a (dyn Fn(String) + Sync)>,
    /// Called for each warning as it happens (e.g. to print it at once).
    pub on_warning: Option<&'a (dyn Fn(&Warning) + Sync)>,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Options {
            full: false,
            max_file_bytes: crate::corpus::MAX_FILE_BYTES,
            batch: usize::MAX,
            progress: None,
            explain: None,
            on_warning: None,
        }
    }
}

/// The state of the corpus that a commit reflects.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Manifest {
    format: String,
    tagging: String,
    #[serde(default)]
    config: Vec<UserEntry>,
    files: BTreeMap<String, FileState>,
    /// Contents that may still have documents but no longer a location
    /// (left by a run cut short): the next run deletes them.
    #[serde(default)]
    orphans: BTreeSet<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
struct FileState {
    size: u64,
    mtime: u64,
    /// Hash of the bytes; empty while the file is only partly indexed.
    hash: String,
    records: Vec<Record>,
}

/// One article of a file: `key` is empty for a `.txt` file, the `id` (or
/// a hash of the line) for a `.jsonl` record.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct Record {
    key: String,
    content: String,
    /// The documents of `content` carry this record's path.
    #[serde(default)]
    primary: bool,
    /// Byte offset of the record in its file (0 for a text file): where
    /// search reads the article's text back.
    #[serde(default)]
    offset: u64,
}

fn location(path: &str, key: &str) -> String {
    if key.is_empty() {
        path.to_string()
    } else {
        format!("{path}:{key}")
    }
}

/// What `newsgrep index` did.
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub corpus: PathBuf,
    pub index: PathBuf,
    pub files: usize,
    /// Articles in the corpus (every location, duplicates included).
    pub articles: usize,
    /// Locations whose content is indexed under another path.
    pub duplicates: usize,
    pub paragraphs: u64,
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    pub unchanged: usize,
    /// Articles tagged again because newsgrep's tagging or newsgrep.toml changed.
    pub retagged: usize,
    pub speakers: usize,
    pub entities: usize,
    pub seconds: f64,
    #[serde(skip)]
    pub warnings: Vec<Warning>,
    pub warning_count: usize,
}

fn content_hash(bytes: &[u8]) -> String {
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(bytes))
}

fn mtime_ns(meta: &std::fs::Metadata) -> u64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64)
}

fn manifest_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(name)
}

fn load_manifest(dir: &Path, name: &str) -> Option<Manifest> {
    if name.is_empty() || name.contains('/') || name.contains('\\') {
        return None;
    }
    let bytes = std::fs::read(manifest_path(dir, name)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Writes the manifest durably under a fresh name, returned for the payload.
fn write_manifest(dir: &Path, m: &Manifest) -> Result<String> {
    index::write_commit_file(dir, "newsgrep-manifest-", "json", &serde_json::to_vec(m)?)
}

/// Removes manifests and offset tables other than `keep` (older commits'
/// and stray temp files).
fn prune_manifests(dir: &Path, keep: &[&str]) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let ours = name.starts_with("newsgrep-manifest-") || name.starts_with(TABLE_PREFIX);
        if ours && !keep.contains(&name.as_str()) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// An article waiting to be tagged and added.
struct Pending {
    article: Article,
    content: String,
}

/// One update in progress.
struct Run<'a> {
    dir: &'a Path,
    /// The corpus folder as an absolute path, recorded for search.
    corpus: String,
    /// File name of the offset table of the last commit.
    offsets: String,
    fields: Fields,
    writer: IndexWriter,
    prior: Manifest,
    config: Vec<UserEntry>,
    /// Contents that have documents in the index right now.
    indexed: HashSet<String>,
    /// Contents (re)indexed in this run, with the location their documents carry.
    indexed_now: HashMap<String, String>,
    /// First location of each content met in this run.
    first_seen: HashMap<String, String>,
    new_files: BTreeMap<String, FileState>,
    orphans: BTreeSet<String>,
    pending: Vec<Pending>,
    since_commit: usize,
    /// When the last commit was (or the run started).
    last_commit: Instant,
    /// Documents queued or deleted in this run.
    changes: usize,
    retagged: usize,
    previously_indexed: HashSet<String>,
    affected: Option<AhoCorasick>,
    batch: usize,
    warnings: Vec<Warning>,
    on_warning: Option<&'a (dyn Fn(&Warning) + Sync)>,
    progress: Option<&'a (dyn Fn(u64, u64, usize) + Sync)>,
    explain: Option<&'a (dyn Fn(String) + Sync)>,
    /// Bytes of files finished, and of all files; articles read so far.
    bytes_done: u64,
    bytes_total: u64,
    articles_read: usize,
}

impl Run<'_> {
    fn tell(&self, line: impl FnOnce() -> String) {
        if let Some(f) = self.explain {
            f(line());
        }
    }

    /// Reports progress with `done` bytes read in all.
    fn report(&self, done: u64) {
        if let Some(p) = self.progress {
            p(done, self.bytes_total, self.articles_read);
        }
    }

    fn warn(&mut self, location: String, message: String) {
        let w = Warning { location, message };
        if let Some(f) = self.on_warning {
            f(&w);
        }
        self.warnings.push(w);
    }

    /// Tags the pending articles on all cores and adds their documents.
    fn flush(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let fields = self.fields;
        let pending = std::mem::take(&mut self.pending);
        let docs: Vec<Vec<TantivyDocument>> = pending
            .into_par_iter()
            .map(|p| {
                let tagged = tag_article(p.article);
                index::documents(&tagged, &p.content, &fields)
            })
            .collect();
        for doc in docs.into_iter().flatten() {
            self.writer.add_document(doc)?;
        }
        Ok(())
    }

    /// The manifest for a commit now: files done so far, the rest as before,
    /// and `partial` for a file in the middle of being read.
    fn manifest_now(&self, partial: Option<(&str, FileState)>) -> Manifest {
        let mut files = self.prior.files.clone();
        for (k, v) in &self.new_files {
            files.insert(k.clone(), v.clone());
        }
        if let Some((path, state)) = partial {
            files.insert(path.to_string(), state);
        }
        Manifest {
            format: INDEX_FORMAT.into(),
            tagging: TAGGING_VERSION.into(),
            config: self.config.clone(),
            files,
            orphans: self.orphans.clone(),
        }
    }

    fn commit(
        &mut self,
        manifest: &Manifest,
        duplicates: BTreeMap<String, Vec<String>>,
    ) -> Result<()> {
        self.flush()?;
        let name = write_manifest(self.dir, manifest)?;
        let offsets = offset_table(manifest).write(self.dir)?;
        let payload = serde_json::to_string(&Payload {
            format: INDEX_FORMAT.into(),
            tagging: TAGGING_VERSION.into(),
            manifest: name.clone(),
            offsets: offsets.clone(),
            corpus: self.corpus.clone(),
            duplicates,
        })?;
        let mut prepared = self.writer.prepare_commit()?;
        prepared.set_payload(&payload);
        prepared.commit()?;
        // The previous commit's offset table stays one commit longer: a
        // search that read that commit's payload a moment ago still finds it.
        let previous = std::mem::replace(&mut self.offsets, offsets);
        prune_manifests(self.dir, &[&name, &self.offsets, &previous]);
        self.since_commit = 0;
        self.last_commit = Instant::now();
        Ok(())
    }

    /// Whether newly tagged articles wait that should be committed now.
    fn commit_due(&self) -> bool {
        commit_due(self.since_commit, self.batch, self.last_commit.elapsed())
    }

    /// Commits mid-run when enough work waits (see [`Run::commit_due`]).
    fn maybe_commit(&mut self, partial: Option<(&str, FileState)>) -> Result<()> {
        if !self.commit_due() {
            return Ok(());
        }
        let m = self.manifest_now(partial);
        self.commit(&m, BTreeMap::new())
    }

    /// Queues `article` unless its content is already indexed (and not
    /// affected by a changed newsgrep.toml). Returns whether this location
    /// carries the content's documents.
    fn offer(&mut self, article: Article, content: &str, loc: &str) -> Result<bool> {
        if self.first_seen.contains_key(content) {
            return Ok(false); // a duplicate of an article met earlier
        }
        self.first_seen.insert(content.to_string(), loc.to_string());
        let affected = self.affected.as_ref().is_some_and(|ac| {
            ac.is_match(&article.title) || article.paragraphs.iter().any(|p| ac.is_match(&p.text))
        });
        if self.indexed.contains(content) && !affected {
            return Ok(false);
        }
        if self.indexed.contains(content) {
            self.writer.delete_term(Term::from_field_u64(
                self.fields.key,
                index::doc_key(content),
            ));
        }
        if self.previously_indexed.contains(content) {
            self.retagged += 1;
        }
        self.indexed.insert(content.to_string());
        self.indexed_now
            .insert(content.to_string(), loc.to_string());
        self.pending.push(Pending {
            article,
            content: content.to_string(),
        });
        self.since_commit += 1;
        self.changes += 1;
        if self.pending.len() >= TAG_BATCH {
            self.flush()?;
        }
        Ok(true)
    }

    /// Records for an unchanged file, without reading it.
    fn keep(&mut self, path: &str, state: FileState) {
        for r in &state.records {
            self.first_seen
                .entry(r.content.clone())
                .or_insert_with(|| location(path, &r.key));
        }
        self.new_files.insert(path.to_string(), state);
    }
}

/// Hash of a file read in chunks, and its first 8 KB (to spot binaries).
fn stream_hash(file: &Path) -> std::io::Result<(String, Vec<u8>)> {
    use std::io::Read;
    let mut f = std::fs::File::open(file)?;
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut head = Vec::new();
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        if head.len() < 8192 {
            head.extend_from_slice(&buf[..n.min(8192 - head.len())]);
        }
        h.update(&buf[..n]);
    }
    Ok((format!("{:032x}", h.digest128()), head))
}

/// One JSON-lines record, parsed (on any core) before it is offered.
struct ParsedLine {
    line_no: usize,
    /// Byte offset of the line in its file.
    offset: u64,
    /// The article and the hash of its line, or why the line was skipped.
    result: std::result::Result<(Article, String), String>,
    bad_utf8: bool,
}

fn parse_line(
    rel: &str,
    (line_no, offset): (usize, u64),
    raw: &[u8],
    max_record_bytes: u64,
) -> Option<ParsedLine> {
    if raw.len() as u64 > max_record_bytes {
        return Some(ParsedLine {
            line_no,
            offset,
            result: Err(format!(
                "skipped: record over the {max_record_bytes}-byte limit"
            )),
            bad_utf8: false,
        });
    }
    let (line, bad_utf8) = match std::str::from_utf8(raw) {
        Ok(l) => (std::borrow::Cow::Borrowed(l), false),
        Err(_) => (String::from_utf8_lossy(raw), true),
    };
    let line = line.trim();
    if line.is_empty() {
        return None;
    }
    let result = match parse_json_record(rel, line_no, line) {
        Ok(a) if !a.paragraphs.is_empty() => Ok((a, content_hash(line.as_bytes()))),
        Ok(_) => Err("skipped: empty body".to_string()),
        Err(msg) => Err(msg),
    };
    Some(ParsedLine {
        line_no,
        offset,
        result,
        bad_utf8,
    })
}

/// Lines parsed together on all cores.
const PARSE_BATCH: usize = 512;

/// Streams a JSON-lines file record by record into `state`.
fn read_jsonl(
    run: &mut Run,
    file: &Path,
    rel: &str,
    state: &mut FileState,
    old_state: Option<&FileState>,
    max_record_bytes: u64,
) -> Result<()> {
    use std::io::BufRead;
    let mut reader = std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(file)?);
    let mut keys_seen: HashSet<String> = HashSet::new();
    let mut line_no = 0;
    let mut warned_utf8 = false;
    let mut consumed = 0u64;
    let mut eof = false;
    while !eof {
        let mut batch: Vec<(usize, u64, Vec<u8>)> = Vec::with_capacity(PARSE_BATCH);
        while batch.len() < PARSE_BATCH {
            let mut raw = Vec::new();
            let n = reader.read_until(b'\n', &mut raw)?;
            if n == 0 {
                eof = true;
                break;
            }
            line_no += 1;
            batch.push((line_no, consumed, raw));
            consumed += n as u64;
        }
        let parsed: Vec<ParsedLine> = batch
            .par_iter()
            .filter_map(|(no, at, raw)| parse_line(rel, (*no, *at), raw, max_record_bytes))
            .collect();
        // Progress inside a large file; its size is added when it ends.
        run.report((run.bytes_done + consumed).saturating_sub(state.size));
        for p in parsed {
            let at = format!("{rel}:{}", p.line_no);
            if p.bad_utf8 && !warned_utf8 {
                run.warn(at.clone(), LOSSY_UTF8.into());
                warned_utf8 = true;
            }
            let (mut article, content) = match p.result {
                Ok(ok) => ok,
                Err(msg) => {
                    run.warn(at, msg);
                    continue;
                }
            };
            let has_id = !article.id.starts_with(&format!("{rel}:"));
            let mut key = if has_id {
                article.id.clone()
            } else {
                format!("line-{}", &content[..16])
            };
            if !keys_seen.insert(key.clone()) {
                key = format!("{key}@{}", p.line_no);
                keys_seen.insert(key.clone());
            }
            run.articles_read += 1;
            let loc = location(rel, &key);
            // A record's documents carry its own location ("feed.jsonl:ID"),
            // so `show` and hits name one article, not the whole file.
            article.path = loc.clone();
            let primary = run.offer(article, &content, &loc)?;
            state.records.push(Record {
                key,
                content,
                primary,
                offset: p.offset,
            });
            if run.commit_due() {
                // Commit mid-file: the file counts as partly done and keeps
                // its old records referenced until it is read to the end.
                let mut partial = state.clone();
                if let Some(s) = old_state {
                    partial.records.extend(s.records.iter().cloned());
                }
                run.maybe_commit(Some((rel, partial)))?;
            }
        }
    }
    Ok(())
}

/// Surface forms whose entries differ between two configurations.
fn changed_surfaces(old: &[UserEntry], new: &[UserEntry]) -> Vec<String> {
    let forms = |entries: &[UserEntry]| -> BTreeMap<String, String> {
        let mut m = BTreeMap::new();
        for e in entries {
            let sig = format!("{}|{:?}|{}", e.name, e.kind, e.aliases.join("|"));
            m.insert(e.name.clone(), sig.clone());
            for a in &e.aliases {
                m.insert(a.clone(), sig.clone());
            }
        }
        m
    };
    let (a, b) = (forms(old), forms(new));
    let mut out: Vec<String> = a
        .iter()
        .filter(|(k, v)| b.get(*k) != Some(v))
        .map(|(k, _)| k.clone())
        .collect();
    out.extend(
        b.iter()
            .filter(|(k, v)| a.get(*k) != Some(v))
            .map(|(k, _)| k.clone()),
    );
    out.sort();
    out.dedup();
    out
}

/// Brings the index at `index_dir` in line with `corpus`.
pub fn run(corpus: &Path, index_dir: &Path, opts: &Options) -> Result<Summary> {
    let started = Instant::now();
    if !corpus.is_dir() {
        return Err(Error::CorpusMissing(corpus.to_path_buf()));
    }
    crate::alloc::indexing();
    let (index, fields, fresh) = index::open_for_write(index_dir)?;
    // Take the writer lock first: a second `newsgrep index` stops here.
    let writer = index::writer(&index, index_dir)?;
    // The segments before this run (see `index::balance_new_segments`).
    let segments_before: HashSet<tantivy::index::SegmentId> = index
        .searchable_segment_metas()?
        .iter()
        .map(|m| m.id())
        .collect();
    let config = crate::config::install(corpus)?;
    let old_payload = if fresh { None } else { index::payload(&index)? };
    let old = old_payload
        .as_ref()
        .and_then(|p| load_manifest(index_dir, &p.manifest));
    // Without a manifest we cannot know what the documents are: start over.
    let trusted = old.is_some() || fresh;
    let old = old.unwrap_or_default();
    let payload_current = old_payload
        .as_ref()
        .is_none_or(|p| p.tagging == TAGGING_VERSION && p.format == INDEX_FORMAT);
    let retag_all = opts.full
        || !trusted
        || !payload_current
        || old.tagging != TAGGING_VERSION
        || old.format != INDEX_FORMAT;
    if retag_all && !fresh {
        writer.delete_all_documents()?;
    }
    let prior = if retag_all {
        Manifest::default()
    } else {
        old.clone()
    };
    let previously_indexed: HashSet<String> = old
        .files
        .values()
        .flat_map(|f| f.records.iter().map(|r| r.content.clone()))
        .collect();
    let mut indexed: HashSet<String> = prior
        .files
        .values()
        .flat_map(|f| f.records.iter().map(|r| r.content.clone()))
        .collect();
    indexed.extend(prior.orphans.iter().cloned());
    let affected = if !retag_all && old.config != config {
        let forms = changed_surfaces(&old.config, &config);
        AhoCorasick::new(&forms).ok()
    } else {
        None
    };
    let read_all = affected.is_some();

    let corpus_abs = std::fs::canonicalize(corpus)
        .unwrap_or_else(|_| corpus.to_path_buf())
        .to_string_lossy()
        .into_owned();
    let mut run = Run {
        dir: index_dir,
        corpus: corpus_abs,
        offsets: old_payload
            .as_ref()
            .map(|p| p.offsets.clone())
            .unwrap_or_default(),
        fields,
        writer,
        orphans: prior.orphans.clone(),
        prior,
        config,
        indexed,
        indexed_now: HashMap::new(),
        first_seen: HashMap::new(),
        new_files: BTreeMap::new(),
        pending: Vec::new(),
        since_commit: 0,
        last_commit: Instant::now(),
        changes: 0,
        retagged: 0,
        previously_indexed,
        affected,
        batch: opts.batch.max(1),
        warnings: Vec::new(),
        on_warning: opts.on_warning,
        progress: opts.progress,
        explain: opts.explain,
        bytes_done: 0,
        bytes_total: 0,
        articles_read: 0,
    };

    let mut walk_warnings = Vec::new();
    let files = list_files(corpus, &mut walk_warnings)?;
    for w in walk_warnings {
        run.warn(w.location, w.message);
    }
    let metas: Vec<Option<std::fs::Metadata>> =
        files.iter().map(|f| std::fs::metadata(f).ok()).collect();
    run.bytes_total = metas.iter().flatten().map(|m| m.len()).sum();

    for (file, meta) in files.iter().zip(metas) {
        let rel = display_path(corpus, file);
        let old_state = run.prior.files.get(&rel).cloned();
        let Some(meta) = meta else {
            run.warn(
                rel.clone(),
                "cannot read: it vanished or is not accessible".into(),
            );
            if let Some(s) = old_state {
                run.keep(&rel, s);
            }
            continue;
        };
        let (size, mtime) = (meta.len(), mtime_ns(&meta));
        run.bytes_done += size;
        run.report(run.bytes_done - size);
        if let Some(s) = &old_state {
            if !read_all && s.size == size && s.mtime == mtime && !s.hash.is_empty() {
                run.tell(|| {
                    format!("{rel}: unchanged (same size and modification time), not read")
                });
                run.articles_read += s.records.len();
                run.keep(&rel, s.clone());
                continue;
            }
        }
        let format = Format::of(file);
        // A .jsonl file is a container: the size limit applies to each
        // record, and the file is streamed, never held whole in memory.
        let jsonl = format == Some(Format::JsonLines);
        if !jsonl && size > opts.max_file_bytes {
            run.warn(
                rel.clone(),
                format!(
                    "skipped: {size} bytes is over the {}-byte limit",
                    opts.max_file_bytes
                ),
            );
            if let Some(s) = old_state {
                run.keep(&rel, s);
            }
            continue;
        }
        let read = if jsonl {
            stream_hash(file).map(|(hash, head)| (hash, head, None))
        } else {
            std::fs::read(file).map(|b| {
                let head = b.iter().take(8192).copied().collect::<Vec<u8>>();
                (content_hash(&b), head, Some(b))
            })
        };
        let (hash, head, bytes) = match read {
            Ok(r) => r,
            Err(e) => {
                // Keep what was indexed: the file may come back.
                run.warn(rel.clone(), format!("cannot read: {e}"));
                if let Some(s) = old_state {
                    run.keep(&rel, s);
                }
                continue;
            }
        };
        if let Some(s) = &old_state {
            if !read_all && s.hash == hash {
                run.tell(|| format!("{rel}: unchanged (same content, new modification time)"));
                run.articles_read += s.records.len();
                let mut s = s.clone();
                s.mtime = mtime;
                run.keep(&rel, s);
                continue;
            }
        }
        run.tell(|| {
            let what = if old_state.is_some() {
                "changed"
            } else {
                "new"
            };
            format!("{rel}: {what}, reading")
        });
        if let Some(s) = &old_state {
            // What this file held may now be unreferenced; decided at the end.
            run.orphans
                .extend(s.records.iter().map(|r| r.content.clone()));
        }
        let mut state = FileState {
            size,
            mtime,
            hash: String::new(),
            records: Vec::new(),
        };
        if looks_binary(&head) {
            run.warn(rel.clone(), "skipped: binary file".into());
            state.hash = hash;
            run.new_files.insert(rel, state);
            continue;
        }
        match (format, bytes) {
            (Some(Format::Text), Some(bytes)) => {
                let (text, lossy) = decode(bytes);
                if lossy {
                    run.warn(rel.clone(), LOSSY_UTF8.into());
                }
                let article = parse_txt(&rel, &text);
                if article.paragraphs.is_empty() {
                    run.warn(rel.clone(), "skipped: no text".into());
                } else {
                    let content = content_hash(text.trim_end().as_bytes());
                    run.articles_read += 1;
                    let primary = run.offer(article, &content, &rel)?;
                    state.records.push(Record {
                        key: String::new(),
                        content,
                        primary,
                        offset: 0,
                    });
                }
            }
            (Some(Format::JsonLines), _) => {
                if let Err(e) = read_jsonl(
                    &mut run,
                    file,
                    &rel,
                    &mut state,
                    old_state.as_ref(),
                    opts.max_file_bytes,
                ) {
                    match e {
                        Error::Io(io) => run.warn(rel.clone(), format!("cannot read: {io}")),
                        other => return Err(other),
                    }
                }
            }
            _ => {}
        }
        state.hash = hash;
        run.new_files.insert(rel, state);
        run.maybe_commit(None)?;
    }
    run.flush()?;
    run.report(run.bytes_total);

    // Files gone from the corpus.
    let gone: Vec<String> = run
        .prior
        .files
        .keys()
        .filter(|k| !run.new_files.contains_key(*k))
        .cloned()
        .collect();
    for path in &gone {
        if let Some(s) = run.prior.files.get(path) {
            let contents: Vec<String> = s.records.iter().map(|r| r.content.clone()).collect();
            run.orphans.extend(contents);
        }
    }
    // Final locations of every content, in corpus order.
    let mut locations: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut order: Vec<(String, String)> = Vec::new();
    let mut where_is: HashMap<String, (String, String, u64)> = HashMap::new();
    for (path, state) in &run.new_files {
        for r in &state.records {
            let loc = location(path, &r.key);
            locations
                .entry(r.content.clone())
                .or_default()
                .push(loc.clone());
            where_is.insert(loc.clone(), (path.clone(), r.key.clone(), r.offset));
            order.push((r.content.clone(), loc));
        }
    }
    // Delete what nothing references any more.
    let orphans = std::mem::take(&mut run.orphans);
    for content in &orphans {
        if !locations.contains_key(content) && run.indexed.contains(content) {
            run.writer
                .delete_term(Term::from_field_u64(fields.key, index::doc_key(content)));
            run.indexed.remove(content);
            run.changes += 1;
        }
    }
    // Exactly one location per content carries its documents. Where the one
    // that did is gone, index the content again from its first location.
    let mut carrier: HashMap<String, String> = run.indexed_now.clone();
    for (path, state) in &run.new_files {
        for r in &state.records {
            if r.primary {
                carrier
                    .entry(r.content.clone())
                    .or_insert_with(|| location(path, &r.key));
            }
        }
    }
    let mut reindex: Vec<(String, String)> = Vec::new();
    for (content, loc) in &order {
        if !carrier.contains_key(content) {
            carrier.insert(content.clone(), loc.clone());
            reindex.push((content.clone(), loc.clone()));
        }
    }
    for (content, loc) in &reindex {
        let Some((path, key, offset)) = where_is.get(loc) else {
            continue;
        };
        let at = Location {
            file: path.clone(),
            offset: *offset,
        };
        if let Some(mut article) = read_article(corpus, &at, index::doc_key(content)) {
            article.path = location(path, key);
            if run.indexed.contains(content) {
                run.writer
                    .delete_term(Term::from_field_u64(fields.key, index::doc_key(content)));
            }
            run.pending.push(Pending {
                article,
                content: content.clone(),
            });
            run.indexed.insert(content.clone());
        }
    }
    for (path, state) in run.new_files.iter_mut() {
        for r in state.records.iter_mut() {
            r.primary = carrier.get(&r.content) == Some(&location(path, &r.key));
        }
    }
    let duplicates: BTreeMap<String, Vec<String>> = locations
        .iter()
        .filter(|(_, l)| l.len() > 1)
        .map(|(c, l)| (index::doc_key(c).to_string(), l.clone()))
        .collect();
    let manifest = Manifest {
        format: INDEX_FORMAT.into(),
        tagging: TAGGING_VERSION.into(),
        config: run.config.clone(),
        files: run.new_files.clone(),
        orphans: BTreeSet::new(),
    };
    // Nothing to record (no document, no file state changed): leave the
    // last commit as it is, which keeps a no-change run cheap.
    let unchanged = !retag_all
        && run.changes == 0
        && reindex.is_empty()
        && orphans.is_empty()
        && run.config == old.config
        && manifest.files == old.files
        && old_payload.as_ref().is_some_and(|p| {
            p.duplicates == duplicates
                && p.corpus == run.corpus
                && index_dir.join(&p.offsets).is_file()
        });
    if !unchanged {
        run.commit(&manifest, duplicates)?;
        run.writer.wait_merging_threads()?;
        // tantivy's own merges are done; fold what is left into fewer
        // segments: this run's into one a core, then small ones together.
        index::balance_new_segments(&index, index_dir, &segments_before)?;
        index::consolidate(&index, index_dir)?;
    }

    // Counts per location, against the last complete state.
    let old_locs: HashMap<String, String> = old
        .files
        .iter()
        .flat_map(|(p, s)| {
            s.records
                .iter()
                .map(move |r| (location(p, &r.key), r.content.clone()))
        })
        .collect();
    let mut summary = Summary {
        corpus: corpus.to_path_buf(),
        index: index_dir.to_path_buf(),
        files: manifest.files.len(),
        retagged: run.retagged,
        ..Summary::default()
    };
    let mut new_locs: HashSet<String> = HashSet::new();
    for (content, loc) in &order {
        summary.articles += 1;
        new_locs.insert(loc.clone());
        match old_locs.get(loc) {
            None => summary.added += 1,
            Some(c) if c == content => summary.unchanged += 1,
            Some(_) => summary.updated += 1,
        }
        if carrier.get(content) != Some(loc) {
            summary.duplicates += 1;
        }
    }
    summary.removed = old_locs.keys().filter(|l| !new_locs.contains(*l)).count();
    let searcher = index
        .reader_builder()
        .reload_policy(tantivy::ReloadPolicy::Manual)
        .try_into()?
        .searcher();
    crate::facets::write_name_tables(&searcher, index_dir, &["speaker", "entity"])?;
    let (paragraphs, speakers, entities) = counts(&searcher, &fields)?;
    summary.paragraphs = paragraphs;
    summary.speakers = speakers;
    summary.entities = entities;
    summary.warning_count = run.warnings.len();
    summary.warnings = run.warnings;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// Where each indexed content's record is, for reading text back.
fn offset_table(m: &Manifest) -> OffsetTable {
    OffsetTable::new(m.files.iter().flat_map(|(file, state)| {
        state.records.iter().map(move |r| {
            (
                index::doc_key(&r.content),
                Location {
                    file: file.clone(),
                    offset: r.offset,
                },
            )
        })
    }))
}

/// Paragraphs, distinct speakers and distinct entities in the index.
fn counts(searcher: &tantivy::Searcher, fields: &Fields) -> Result<(u64, usize, usize)> {
    // Count raw facet terms ("kind\0name"; the bare "kind" ancestors have no
    // separator) without decoding them.
    let distinct = |field| -> Result<usize> {
        let mut seen: rustc_hash::FxHashSet<Vec<u8>> = rustc_hash::FxHashSet::default();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(field)?;
            let mut stream = inverted.terms().stream()?;
            while stream.advance() {
                let key = stream.key();
                if key.contains(&0) && !seen.contains(key) {
                    seen.insert(key.to_vec());
                }
            }
        }
        Ok(seen.len())
    };
    Ok((
        searcher.num_docs(),
        distinct(fields.speaker)?,
        distinct(fields.entity)?,
    ))
}

/// A cheap fingerprint of the corpus (paths, sizes, times), for `--watch`.
pub fn fingerprint(corpus: &Path) -> u64 {
    let mut ignored = Vec::new();
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    if let Ok(files) = list_files(corpus, &mut ignored) {
        for f in files {
            h.update(f.to_string_lossy().as_bytes());
            if let Ok(m) = std::fs::metadata(&f) {
                h.update(&m.len().to_le_bytes());
                h.update(&mtime_ns(&m).to_le_bytes());
            }
        }
    }
    if let Ok(m) = std::fs::metadata(crate::config::path_for(corpus)) {
        h.update(&mtime_ns(&m).to_le_bytes());
        h.update(&m.len().to_le_bytes());
    }
    h.digest()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commits_after_a_full_batch_or_enough_work() {
        use std::time::Duration;
        let moment = Duration::from_millis(10);
        assert!(!commit_due(0, 25, COMMIT_EVERY * 2), "nothing waits");
        assert!(!commit_due(24, 25, moment));
        assert!(commit_due(25, 25, moment), "a full batch");
        assert!(
            !commit_due(5_000, usize::MAX, moment),
            "no batch: by time only"
        );
        assert!(commit_due(1, usize::MAX, COMMIT_EVERY), "enough work");
    }

    #[test]
    fn changed_surfaces_lists_what_differs() {
        let a = vec![UserEntry {
            name: "Jane Doe".into(),
            kind: None,
            aliases: vec!["J. Doe".into()],
        }];
        let mut b = a.clone();
        b[0].aliases.push("JD".into());
        let c = changed_surfaces(&a, &b);
        assert!(c.contains(&"JD".to_string()));
        assert!(c.contains(&"Jane Doe".to_string()));
        assert!(changed_surfaces(&a, &a).is_empty());
    }

    #[test]
    fn locations_name_jsonl_records() {
        assert_eq!(location("a.txt", ""), "a.txt");
        assert_eq!(location("f.jsonl", "x1"), "f.jsonl:x1");
    }
}
