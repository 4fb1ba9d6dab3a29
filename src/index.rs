//! The tantivy index: one document per paragraph, tags as facets.
//!
//! Speakers go to the `speaker` facet field as `/person/John Kirby` or
//! `/org/White House`; direct quotes also to `quoted`; entities to `entity`
//! as `/person/…`, `/org/…`, `/place/…`, `/weapon/…`. Facets give both
//! exact filters and counts over a result set for free. What a hit shows
//! of its tags is stored once, compactly, in `tags` (see [`StoredTag`]).
//!
//! Every paragraph of an article carries the article's content hash in
//! `key`, so an article is replaced or removed with one delete. Each commit
//! carries a payload (see [`Payload`]) naming the index format, the tagging
//! version and the manifest of source files that the commit reflects: the
//! documents and their bookkeeping change in one atomic step.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use tantivy::schema::{
    Facet, FacetOptions, Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing,
    TextOptions, FAST, STORED,
};
use tantivy::store::Compressor;
use tantivy::{Index, IndexSettings, IndexWriter, TantivyDocument, TantivyError};

use crate::directory::ChunkedDirectory;
use crate::error::{Error, Result};
use crate::tagging::{QuoteType, Speaker, TaggedArticle, TAGGING_VERSION};
use crate::tokenizer::{self, NEWS_TOKENIZER};

/// Version of the schema and of what documents hold; another value means
/// the index must be rebuilt from scratch.
pub const INDEX_FORMAT: &str = "newsgrep-index-10";

/// Memory for tantivy's writer, shared by its threads: enough for each
/// thread to hold its half of AllSides' 920,000 tagged paragraphs (at 192
/// MB each flushed a segment two thirds of the way through, and the build
/// ended merging four segments into two: 9.3-9.9 s against 8.6-8.9 s),
/// small enough to keep a full build well under a gigabyte (485 MB).
pub const WRITER_MEMORY: usize = 384 * 1024 * 1024;

/// The schema's fields, looked up once.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// 64 bits of the article's content hash: identifies its paragraphs.
    pub key: Field,
    pub path: Field,
    /// The title as searched: indexed on the article's first paragraph only,
    /// so a title match lifts the lead without repeating its postings.
    pub title: Field,
    pub paragraph: Field,
    pub kind: Field,
    /// Indexed, not stored: text is read back from the corpus (see
    /// [`crate::textstore`]).
    pub text: Field,
    pub speaker: Field,
    pub quoted: Field,
    pub entity: Field,
    /// The paragraph's speakers and entities as a hit shows them.
    pub tags: Field,
    /// The source in lower case, for case-insensitive `--source`.
    pub source_key: Field,
    /// The date as days since 1970-01-01, for `--since`, `--until` and
    /// `--sort date`.
    pub day: Field,
    pub dateline: Field,
}

pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text_options = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(NEWS_TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let title_options = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(NEWS_TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    // Exact-match fields filter and are never scored: no fieldnorms (one
    // byte per paragraph and field, ~1 MB each on 900k paragraphs).
    let exact = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("raw")
            .set_fieldnorms(false)
            .set_index_option(IndexRecordOption::Basic),
    );
    let fields = Fields {
        key: b.add_u64_field("key", NumericOptions::default().set_indexed().set_stored()),
        path: b.add_text_field("path", exact.clone().set_stored()),
        title: b.add_text_field("title", title_options),
        paragraph: b.add_u64_field("paragraph", STORED | FAST),
        kind: b.add_text_field("kind", exact.clone().set_stored()),
        text: b.add_text_field("text", text_options),
        speaker: b.add_facet_field("speaker", FacetOptions::default()),
        quoted: b.add_facet_field("quoted", FacetOptions::default()),
        entity: b.add_facet_field("entity", FacetOptions::default()),
        tags: b.add_text_field("tags", STORED),
        source_key: b.add_text_field("source_key", exact),
        day: b.add_i64_field("day", NumericOptions::default().set_indexed().set_fast()),
        dateline: b.add_text_field("dateline", STORED),
    };
    (b.build(), fields)
}

/// Stored fields: LZ4 in 16 KB blocks. Each hit shown decompresses its
/// whole block, and tantivy makes a new zstd context for every block it
/// reads: that runs two `cpuid` instructions (~5 µs each on a virtual
/// machine, where the hypervisor traps them) on top of a slower decoder.
/// AllSides, against zstd (level 3) in 8 KB blocks: the 40 benchmark
/// searches 3-4% faster in 32 KB blocks (sum of each query's fastest of
/// 12 runs 125.1 against 130.2 ms), and 16 KB blocks, once source and date
/// left the store, 3-5% faster again (111.7 against 117.6-119.0 ms) for
/// an index of 0.690x the corpus (zstd 8 KB 0.665x; LZ4 8 KB would be
/// ~0.70x, over the target). Consecutive paragraphs of an article share
/// path and key, which compress well.
fn settings() -> IndexSettings {
    IndexSettings {
        docstore_compression: Compressor::Lz4,
        docstore_blocksize: 16 * 1024,
        ..IndexSettings::default()
    }
}

/// Creates an index in `dir`, which holds none (callers check).
fn create(dir: &Path, schema: Schema) -> Result<Index> {
    Ok(Index::builder()
        .schema(schema)
        .settings(settings())
        .open_or_create(ChunkedDirectory::open(dir)?)?)
}

/// What a commit records besides the documents.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Payload {
    pub format: String,
    pub tagging: String,
    /// File name (inside the index folder) of the manifest of source files.
    pub manifest: String,
    /// File name of the offset table (see [`crate::textstore`]).
    #[serde(default)]
    pub offsets: String,
    /// The corpus folder (absolute) the index was built from: where text
    /// is read back.
    #[serde(default)]
    pub corpus: String,
    /// Document keys (see [`doc_key`]) of articles found at more than one
    /// path, with every location, so a hit can list the others.
    #[serde(default)]
    pub duplicates: BTreeMap<String, Vec<String>>,
}

/// Has tantivy ever created an index in `dir`?
fn has_meta(dir: &Path) -> bool {
    dir.join("meta.json").is_file()
}

/// A commit's payload text as ours, if it is.
fn ours(payload: Option<String>) -> Option<Payload> {
    serde_json::from_str(&payload?).ok()
}

/// The payload of the last commit, if it is one of ours.
pub fn payload(index: &Index) -> Result<Option<Payload>> {
    Ok(ours(index.load_metas()?.payload))
}

/// The payload of the last commit in `dir`, if it is one of ours, read
/// from `meta.json` alone. [`payload`] goes through `Index::load_metas`,
/// which also builds the schema and every segment's meta: a search already
/// pays for that twice (opening the index, then its reader), and a third
/// time was a tenth of the instructions of a search that finds nothing.
fn payload_in(dir: &Path) -> Result<Option<Payload>> {
    #[derive(Deserialize)]
    struct Meta {
        payload: Option<String>,
    }
    let meta: Meta = serde_json::from_slice(&std::fs::read(dir.join("meta.json"))?)
        .map_err(|e| Error::NotAnIndex(dir.to_path_buf(), e.to_string()))?;
    Ok(ours(meta.payload))
}

/// Opens an existing index for reading. An index written by a newsgrep with
/// another format or tagging is refused with what to run.
pub fn open(dir: &Path) -> Result<(Index, Fields, Payload)> {
    if !has_meta(dir) {
        return Err(Error::IndexMissing(dir.to_path_buf()));
    }
    let index =
        Index::open_in_dir(dir).map_err(|e| Error::NotAnIndex(dir.to_path_buf(), e.to_string()))?;
    let (expected, fields) = schema();
    let outdated = |found: String| Error::IndexOutdated {
        path: dir.to_path_buf(),
        found,
    };
    if index.schema() != expected {
        return Err(outdated("another schema".into()));
    }
    // A folder whose first build never committed counts as no index:
    // `search` then builds it.
    let Some(payload) = payload_in(dir)? else {
        return Err(Error::IndexMissing(dir.to_path_buf()));
    };
    if payload.format != INDEX_FORMAT {
        return Err(outdated(format!("format {}", payload.format)));
    }
    if payload.tagging != TAGGING_VERSION {
        return Err(outdated(format!("tagging {}", payload.tagging)));
    }
    tokenizer::register(&index);
    Ok((index, fields, payload))
}

/// Opens the index at `dir` for writing, creating it when needed. An index
/// of another format is replaced. Returns whether it was (re)created.
pub fn open_for_write(dir: &Path) -> Result<(Index, Fields, bool)> {
    std::fs::create_dir_all(dir)?;
    let (schema, fields) = schema();
    let (index, fresh) = if has_meta(dir) {
        // Written through `ChunkedDirectory` (see there), read as tantivy
        // reads any index.
        let old = ChunkedDirectory::open(dir).and_then(Index::open).ok();
        let usable = old.as_ref().is_some_and(|old| {
            old.schema() == schema
                && payload(old)
                    .ok()
                    .flatten()
                    .is_some_and(|p| p.format == INDEX_FORMAT)
        });
        match old {
            Some(old) if usable => (old, false),
            _ => {
                remove_index_files(dir)?;
                (create(dir, schema)?, true)
            }
        }
    } else {
        (create(dir, schema)?, true)
    };
    tokenizer::register(&index);
    Ok((index, fields, fresh))
}

/// Removes tantivy's and newsgrep's files from `dir`, leaving anything else
/// (such as the repository's `.gitignore`) alone.
fn remove_index_files(dir: &Path) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let ours = name == "meta.json"
            || name == ".managed.json"
            || name.starts_with("newsgrep-manifest-")
            || name.starts_with(crate::textstore::TABLE_PREFIX)
            || name.starts_with(crate::facets::NAME_TABLE_PREFIX)
            || [
                ".idx",
                ".pos",
                ".term",
                ".store",
                ".fast",
                ".fieldnorm",
                ".del",
            ]
            .iter()
            .any(|ext| name.ends_with(ext));
        if ours && path.is_file() {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}

/// The single writer; a second one fails at once.
pub fn writer(index: &Index, dir: &Path) -> Result<IndexWriter> {
    index.writer(WRITER_MEMORY).map_err(|e| match e {
        TantivyError::LockFailure(..) => Error::IndexLocked(dir.to_path_buf()),
        other => Error::Tantivy(other),
    })
}

/// Writes a file that a commit's payload names (manifest, offset table)
/// under a fresh name: through a temporary file synced before it is
/// renamed, so a payload never names a partial file. Returns the name.
pub fn write_commit_file(dir: &Path, prefix: &str, ext: &str, bytes: &[u8]) -> Result<String> {
    use std::io::Write;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let name = format!("{prefix}{nanos}-{}.{ext}", std::process::id());
    let tmp = dir.join(format!("{name}.tmp"));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, dir.join(&name))?;
    Ok(name)
}

/// Small segments merged into one once there are this many.
const SMALL_SEGMENTS: usize = 4;

/// Merges the small segments (under a quarter of the largest) into one when
/// there are several. Every segment costs each search a fixed price
/// (opening its files, term and facet dictionary look-ups), and a full
/// build ends with about ten; two or three large ones answer a rare term
/// ~30% faster as a whole process while keeping both cores busy on common
/// ones. Small additions leave tiny segments, cheap to merge, and the
/// largest segments are never merged again.
///
/// Runs after the writer of an update has finished (its merges must not
/// overlap with these) with a writer of its own; if another process took
/// the lock in between, it leaves the merging to that one. Returns whether
/// it merged.
pub fn consolidate(index: &Index, dir: &Path) -> Result<bool> {
    let metas = index.searchable_segment_metas()?;
    let largest = metas.iter().map(|m| m.num_docs()).max().unwrap_or(0);
    let small: Vec<tantivy::index::SegmentId> = metas
        .iter()
        .filter(|m| m.num_docs() < largest / 4)
        .map(|m| m.id())
        .collect();
    // Segment metas still held count as live files for tantivy's clean-up.
    drop(metas);
    if small.len() < SMALL_SEGMENTS {
        return Ok(false);
    }
    merge_groups(index, dir, &[small])
}

/// Merges each group of segments into one, the groups at the same time,
/// with a writer of its own (see [`consolidate`]); returns whether it
/// merged, `false` when another process holds the lock.
fn merge_groups(
    index: &Index,
    dir: &Path,
    groups: &[Vec<tantivy::index::SegmentId>],
) -> Result<bool> {
    let mut writer = match writer(index, dir) {
        Ok(w) => w,
        Err(Error::IndexLocked(_)) => return Ok(false),
        Err(e) => return Err(e),
    };
    let merges: Vec<_> = groups.iter().map(|g| writer.merge(g)).collect();
    for merge in merges {
        merge.wait()?;
    }
    // Delete the merged segments' files now rather than at the next run.
    writer.garbage_collect_files().wait()?;
    writer.wait_merging_threads()?;
    Ok(true)
}

/// Merges the segments an update wrote (those not in `before`) into as
/// many as the machine has cores, when it wrote more: search runs a
/// thread per core, each taking whole segments, so a segment more than the
/// cores is one a thread searches after its first. A build that commits
/// once ends with one segment per indexing thread each time their memory
/// fills, plus the remainders: AllSides, at the old 192 MB writer budget,
/// four (341,596, 341,526, 123,161 and 114,323 documents), which merged
/// into two (0.9 s on two cores) made the 40 benchmark searches 78.7 ms
/// against 97.0 ms; at [`WRITER_MEMORY`] it fits in two, and a larger
/// corpus or a `--watch` run that commits often still needs this. Small
/// updates write one segment and merge nothing here (the old segments are
/// never rewritten).
///
/// Segments are grouped largest first, each into the group with the fewest
/// documents so far. Runs after the update's writer has finished, like
/// [`consolidate`]. Returns whether it merged.
pub fn balance_new_segments(
    index: &Index,
    dir: &Path,
    before: &std::collections::HashSet<tantivy::index::SegmentId>,
) -> Result<bool> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut fresh: Vec<(tantivy::index::SegmentId, u32)> = index
        .searchable_segment_metas()?
        .iter()
        .filter(|m| !before.contains(&m.id()))
        .map(|m| (m.id(), m.num_docs()))
        .collect();
    let mut groups = balanced_groups(&mut fresh, cores);
    groups.retain(|g| g.len() >= 2);
    if groups.is_empty() {
        return Ok(false);
    }
    merge_groups(index, dir, &groups)
}

/// `segments` (id, documents) in at most `n` groups of about equal
/// documents: largest first, each into the lightest group.
fn balanced_groups<T: Copy>(segments: &mut [(T, u32)], n: usize) -> Vec<Vec<T>> {
    segments.sort_by_key(|&(_, docs)| std::cmp::Reverse(docs));
    let mut groups: Vec<(u64, Vec<T>)> = vec![(0, Vec::new()); n.min(segments.len())];
    for &(id, docs) in segments.iter() {
        if let Some(lightest) = groups.iter_mut().min_by_key(|(total, _)| *total) {
            lightest.0 += u64::from(docs);
            lightest.1.push(id);
        }
    }
    groups.into_iter().map(|(_, ids)| ids).collect()
}

/// Days since 1970-01-01 of a date written `YYYY-MM-DD` (a time after it,
/// as in ISO 8601, is ignored); `None` for anything else.
pub fn parse_day(s: &str) -> Option<i64> {
    let s = s.trim();
    let date = s.get(..10)?;
    let mut parts = date.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (i64, i64, i64) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// The document key of an article: the low 64 bits of its content hash
/// (hex), enough to tell millions of articles apart.
pub fn doc_key(content: &str) -> u64 {
    let tail = &content[content.len().saturating_sub(16)..];
    u64::from_str_radix(tail, 16).unwrap_or_else(|_| xxhash_rust::xxh3::xxh3_64(content.as_bytes()))
}

/// Facet path for a speaker: `/person/John Kirby`.
pub fn speaker_facet(s: &Speaker) -> Facet {
    Facet::from_path([s.kind.as_str(), s.name.as_str()])
}

/// One tag of a paragraph as stored in `tags`: a line each, fields
/// separated by tabs: `s kind d|i name role` for a speaker (direct or
/// indirect), `e kind name` for an entity. Storing the speakers as JSON
/// and the entities as stored facets cost the tagged build 1.5% more
/// cycles, and the index 2% more bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredTag<'a> {
    Speaker {
        kind: &'a str,
        quote: QuoteType,
        name: &'a str,
        role: Option<&'a str>,
    },
    Entity {
        kind: &'a str,
        name: &'a str,
    },
}

/// A paragraph's tags as stored (see [`StoredTag`]). Names are made of
/// words and hold no tab or line break; a user's list entry might, and
/// those become spaces.
fn encode_tags(p: &crate::tagging::TaggedParagraph) -> String {
    let mut out = String::with_capacity(paragraph_tag_bytes(p));
    let field = |out: &mut String, value: &str| {
        out.push('\t');
        if value.contains(['\t', '\n']) {
            out.push_str(&value.replace(['\t', '\n'], " "));
        } else {
            out.push_str(value);
        }
    };
    for s in &p.speakers {
        out.push('s');
        field(&mut out, s.kind.as_str());
        field(
            &mut out,
            match s.quote {
                QuoteType::Direct => "d",
                QuoteType::Indirect => "i",
            },
        );
        field(&mut out, &s.name);
        field(&mut out, s.role.as_deref().unwrap_or_default());
        out.push('\n');
    }
    for e in &p.entities {
        out.push('e');
        field(&mut out, e.kind.as_str());
        field(&mut out, &e.name);
        out.push('\n');
    }
    out
}

/// The tags stored with a paragraph; lines it cannot read are skipped.
pub fn decode_tags(stored: &str) -> impl Iterator<Item = StoredTag<'_>> {
    stored.lines().filter_map(|line| {
        let mut f = line.split('\t');
        match (f.next()?, f.next()?) {
            ("s", kind) => {
                let quote = match f.next()? {
                    "d" => QuoteType::Direct,
                    "i" => QuoteType::Indirect,
                    _ => return None,
                };
                let name = f.next()?;
                let role = f.next().filter(|r| !r.is_empty());
                Some(StoredTag::Speaker {
                    kind,
                    quote,
                    name,
                    role,
                })
            }
            ("e", kind) => Some(StoredTag::Entity {
                kind,
                name: f.next()?,
            }),
            _ => None,
        }
    })
}

/// About the bytes of an article's fields that every paragraph's document
/// holds, with what each value costs besides its text (type, length,
/// address). See [`paragraph_bytes`].
fn article_bytes(a: &crate::article::Article) -> usize {
    const PER_VALUE: usize = 12;
    let strings = [&a.path, &a.title]
        .into_iter()
        .chain(&a.source)
        .chain(&a.dateline)
        .map(String::len)
        .sum::<usize>();
    strings + 14 * PER_VALUE
}

/// About the bytes a paragraph's own values add to its document. A
/// document is sized with these instead of tantivy's default 1 KB, which
/// glibc does not cache per thread: the indexing threads that free
/// documents built on other threads then queued on those threads' malloc
/// locks (the most frequent wake-ups of a full build).
fn paragraph_bytes(p: &crate::tagging::TaggedParagraph) -> usize {
    // Each tag is a facet value and a line of `tags`; a speaker quoted
    // directly is also a `quoted` value.
    p.text.len() + 2 * paragraph_tag_bytes(p) + p.speakers.len() * 32
}

/// About the bytes of a paragraph's stored tags.
fn paragraph_tag_bytes(p: &crate::tagging::TaggedParagraph) -> usize {
    p.entities.iter().map(|e| e.name.len() + 12).sum::<usize>()
        + p.speakers
            .iter()
            .map(|s| s.name.len() + s.role.as_ref().map_or(0, String::len) + 16)
            .sum::<usize>()
}

/// The tantivy documents of one tagged article, keyed by its content hash.
pub fn documents(tagged: &TaggedArticle, key: &str, f: &Fields) -> Vec<TantivyDocument> {
    let a = &tagged.article;
    let shared = article_bytes(a);
    // The article's own values, worked out once for all its paragraphs.
    let key = doc_key(key);
    let source_key = a.source.as_ref().map(|s| s.trim().to_lowercase());
    let day = a.date.as_deref().and_then(parse_day);
    tagged
        .paragraphs
        .iter()
        .map(|p| {
            let mut doc = TantivyDocument::with_capacity(shared + paragraph_bytes(p));
            doc.add_u64(f.key, key);
            doc.add_text(f.path, &a.path);
            if p.index == 0 {
                doc.add_text(f.title, &a.title);
            }
            doc.add_u64(f.paragraph, p.index as u64);
            doc.add_text(f.kind, p.kind.as_str());
            doc.add_text(f.text, &p.text);
            for s in &p.speakers {
                let facet = speaker_facet(s);
                if s.quote == QuoteType::Direct {
                    doc.add_facet(f.quoted, facet.clone());
                }
                doc.add_facet(f.speaker, facet);
            }
            for e in &p.entities {
                doc.add_facet(
                    f.entity,
                    Facet::from_path([e.kind.as_str(), e.name.as_str()]),
                );
            }
            if !p.speakers.is_empty() || !p.entities.is_empty() {
                doc.add_text(f.tags, encode_tags(p));
            }
            if let Some(s) = &source_key {
                doc.add_text(f.source_key, s);
            }
            if let Some(day) = day {
                doc.add_i64(f.day, day);
            }
            if p.index == 0 {
                if let Some(d) = &a.dateline {
                    doc.add_text(f.dateline, d);
                }
            }
            doc
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_since_epoch() {
        assert_eq!(parse_day("1970-01-01"), Some(0));
        assert_eq!(parse_day("2016-09-20"), Some(17_064));
        assert_eq!(parse_day("2020-03-01T10:00:00Z"), Some(18_322));
        assert_eq!(parse_day("yesterday"), None);
        assert_eq!(parse_day("2020-13-01"), None);
    }

    /// A writer with one thread and no merging: one segment per commit.
    fn one_segment_a_commit(index: &Index) -> IndexWriter {
        let w: IndexWriter = index
            .writer_with_num_threads(1, 15_000_000)
            .expect("writer");
        w.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        w
    }

    /// Adds `n` documents (keys `batch * 1000 + i`) and commits them.
    fn commit_segment(w: &mut IndexWriter, f: &Fields, batch: usize, n: usize) {
        for i in 0..n {
            let mut doc = TantivyDocument::default();
            doc.add_u64(f.key, (batch * 1000 + i) as u64);
            doc.add_text(f.text, "the harbour authority said");
            w.add_document(doc).expect("add");
        }
        w.commit().expect("commit");
    }

    #[test]
    fn consolidate_merges_small_segments_and_deletes_their_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (index, f, _) = open_for_write(dir.path()).expect("index");
        let mut w = one_segment_a_commit(&index);
        for (batch, n) in [100, 5, 5, 5, 5, 5].into_iter().enumerate() {
            commit_segment(&mut w, &f, batch, n);
        }
        w.wait_merging_threads().expect("wait");
        let segment_files = || {
            std::fs::read_dir(dir.path())
                .expect("dir")
                .filter(|e| {
                    e.as_ref()
                        .is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".idx"))
                })
                .count()
        };
        assert_eq!(segment_files(), 6);
        assert!(consolidate(&index, dir.path()).expect("consolidate"));
        assert_eq!(index.searchable_segment_metas().expect("metas").len(), 2);
        assert_eq!(segment_files(), 2);
        // Two segments of 100 and 25: nothing small enough to merge.
        assert!(!consolidate(&index, dir.path()).expect("consolidate"));
    }

    #[test]
    fn new_segments_are_balanced_into_one_group_a_core() {
        // Largest first, each into the lighter group: 342+114, 341+123.
        let mut segs = [("c", 123), ("a", 342), ("d", 114), ("b", 341)];
        let groups = balanced_groups(&mut segs, 2);
        assert_eq!(groups, vec![vec!["a", "d"], vec!["b", "c"]]);
        let mut one = [("a", 5)];
        assert_eq!(balanced_groups(&mut one, 2), vec![vec!["a"]]);
        let mut none: [(&str, u32); 0] = [];
        assert!(balanced_groups(&mut none, 2).is_empty());
    }

    #[test]
    fn balancing_merges_only_the_segments_an_update_wrote() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (index, f, _) = open_for_write(dir.path()).expect("index");
        let mut w = one_segment_a_commit(&index);
        for batch in 0..3 {
            commit_segment(&mut w, &f, batch, 10);
        }
        let ids = || -> std::collections::HashSet<_> {
            index
                .searchable_segment_metas()
                .expect("metas")
                .iter()
                .map(|m| m.id())
                .collect()
        };
        let before = ids();
        for batch in 3..8 {
            commit_segment(&mut w, &f, batch, 10);
        }
        w.wait_merging_threads().expect("wait");
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let merged = balance_new_segments(&index, dir.path(), &before).expect("balance");
        assert_eq!(merged, cores < 5);
        let after = ids();
        // The three old segments are untouched; the five new ones became
        // one a core (at most five).
        assert!(before.iter().all(|id| after.contains(id)));
        assert_eq!(after.len(), 3 + cores.min(5));
        let docs: u32 = index
            .searchable_segment_metas()
            .expect("metas")
            .iter()
            .map(|m| m.num_docs())
            .sum();
        assert_eq!(docs, 80);
    }

    #[test]
    fn payload_read_from_meta_json_equals_tantivys() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (index, _, _) = open_for_write(dir.path()).expect("index");
        // Created but never committed: no payload either way.
        assert_eq!(payload_in(dir.path()).expect("read"), None);
        let mut w: IndexWriter = index
            .writer_with_num_threads(1, 15_000_000)
            .expect("writer");
        let ours = Payload {
            format: INDEX_FORMAT.into(),
            tagging: "t \"quoted\"".into(),
            manifest: "m.json".into(),
            ..Payload::default()
        };
        let mut commit = w.prepare_commit().expect("prepare");
        commit.set_payload(&serde_json::to_string(&ours).expect("json"));
        commit.commit().expect("commit");
        let read = payload_in(dir.path()).expect("read");
        assert_eq!(read, Some(ours));
        assert_eq!(read, payload(&index).expect("tantivy"));
        std::fs::write(dir.path().join("meta.json"), "{").expect("damage");
        assert!(matches!(payload_in(dir.path()), Err(Error::NotAnIndex(..))));
    }

    #[test]
    fn stored_tags_read_back_as_written() {
        use crate::tagging::{Entity, EntityKind, SpeakerKind, TaggedParagraph};
        let p = TaggedParagraph {
            index: 3,
            kind: crate::article::ParagraphKind::Body,
            text: "\"No,\" Kirby said, as Hamas denied it.".into(),
            speakers: vec![
                Speaker {
                    name: "John Kirby".into(),
                    kind: SpeakerKind::Person,
                    role: Some("White House spokesman".into()),
                    quote: QuoteType::Direct,
                    rule: "cue-left",
                },
                Speaker {
                    name: "Hamas".into(),
                    kind: SpeakerKind::Org,
                    role: None,
                    quote: QuoteType::Indirect,
                    rule: "cue-left",
                },
            ],
            entities: vec![
                Entity {
                    name: "John Kirby".into(),
                    kind: EntityKind::Person,
                    rule: "name",
                },
                Entity {
                    name: "A\tlist\nentry".into(),
                    kind: EntityKind::Place,
                    rule: "list",
                },
            ],
        };
        let stored = encode_tags(&p);
        let tags: Vec<StoredTag> = decode_tags(&stored).collect();
        assert_eq!(
            tags,
            [
                StoredTag::Speaker {
                    kind: "person",
                    quote: QuoteType::Direct,
                    name: "John Kirby",
                    role: Some("White House spokesman"),
                },
                StoredTag::Speaker {
                    kind: "org",
                    quote: QuoteType::Indirect,
                    name: "Hamas",
                    role: None,
                },
                StoredTag::Entity {
                    kind: "person",
                    name: "John Kirby",
                },
                StoredTag::Entity {
                    kind: "place",
                    name: "A list entry",
                },
            ]
        );
        // A line it cannot read is skipped, not a failure.
        assert_eq!(decode_tags("x\tjunk\ns\tperson\n").count(), 0);
    }

    #[test]
    fn doc_keys_are_stable() {
        assert_eq!(doc_key("00000000000000000000000000000010"), 16);
    }
}
