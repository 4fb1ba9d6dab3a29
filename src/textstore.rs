//! Where a hit's text comes from: the corpus itself.
//!
//! The index keeps postings, tags and a few short fields, not a second copy
//! of every paragraph: the articles are already in `corpus/`, and storing
//! them again made the index larger than the corpus. Each commit writes an
//! *offset table* (article key → file and byte offset of its record); a hit
//! reads its article back from there, checks the bytes against the content
//! hash the index was built from, and splits them into the same paragraphs
//! the indexer saw. An article edited or removed since the last
//! `newsgrep index` fails the check and is reported as stale instead of
//! showing text the tags do not describe.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::article::{json_paragraphs, parse_json_record, parse_txt, txt_paragraphs, Article};
use crate::corpus::{decode, Format};
use crate::error::{Error, Result};
use crate::facets::NameTables;

const MAGIC: &[u8] = b"newsgrep-offsets 1\n";
/// File names of offset tables start with this.
pub const TABLE_PREFIX: &str = "newsgrep-offsets-";

/// The 64-bit key of an article's content (see `index::doc_key`): the low
/// half of the xxh3-128 hash of its trimmed text or JSON line.
pub fn content_key(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_128(bytes) as u64
}

/// Where one article's record starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file, relative to the corpus.
    pub file: String,
    /// Byte offset of the record (its JSON line; 0 for a text file).
    pub offset: u64,
}

/// Article key → location, sorted by key for binary search, as written by
/// `newsgrep index`. Entries are kept in their on-disk form (20
/// little-endian bytes: key, offset, file number); search reads them back
/// with [`OffsetReader`].
#[derive(Debug, Default, Clone)]
pub struct OffsetTable {
    files: Vec<String>,
    entries: Vec<u8>,
}

const ENTRY: usize = 20;

fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut x = [0u8; 8];
    x.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(x)
}

/// Binary search over `n` sorted entries fetched by `entry`: the
/// (offset, file number) stored for `key`.
fn find(n: u64, key: u64, entry: impl Fn(u64) -> Option<[u8; ENTRY]>) -> Option<(u64, usize)> {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let e = entry(mid)?;
        match u64_at(&e, 0).cmp(&key) {
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
            std::cmp::Ordering::Equal => {
                let mut file = [0u8; 4];
                file.copy_from_slice(&e[16..20]);
                return Some((u64_at(&e, 8), u32::from_le_bytes(file) as usize));
            }
        }
    }
    None
}

impl OffsetTable {
    /// Builds a table; the first location given for a key wins (duplicates
    /// hold the same bytes, so any of them will do).
    pub fn new(items: impl IntoIterator<Item = (u64, Location)>) -> OffsetTable {
        let mut files: Vec<String> = Vec::new();
        let mut file_ids: HashMap<String, u32> = HashMap::new();
        let mut sorted: Vec<(u64, u64, u32)> = Vec::new();
        for (key, loc) in items {
            let id = *file_ids.entry(loc.file.clone()).or_insert_with(|| {
                files.push(loc.file.clone());
                (files.len() - 1) as u32
            });
            sorted.push((key, loc.offset, id));
        }
        // Stable sort keeps the first location of a key first.
        sorted.sort_by_key(|e| e.0);
        sorted.dedup_by_key(|e| e.0);
        let mut entries = Vec::with_capacity(sorted.len() * ENTRY);
        for (key, offset, file) in sorted {
            entries.extend(key.to_le_bytes());
            entries.extend(offset.to_le_bytes());
            entries.extend(file.to_le_bytes());
        }
        OffsetTable { files, entries }
    }

    pub fn get(&self, key: u64) -> Option<Location> {
        let (offset, file) = find(self.len() as u64, key, |i| {
            let at = i as usize * ENTRY;
            self.entries.get(at..at + ENTRY)?.try_into().ok()
        })?;
        Some(Location {
            file: self.files.get(file)?.clone(),
            offset,
        })
    }

    pub fn len(&self) -> usize {
        self.entries.len() / ENTRY
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn to_bytes(&self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend((self.files.len() as u64).to_le_bytes());
        for f in &self.files {
            out.extend((f.len() as u64).to_le_bytes());
            out.extend(f.as_bytes());
        }
        out.extend((self.len() as u64).to_le_bytes());
        out.extend(&self.entries);
        out
    }

    /// Writes the table durably under a fresh name, returned for the
    /// commit's payload.
    pub fn write(&self, dir: &Path) -> Result<String> {
        crate::index::write_commit_file(dir, TABLE_PREFIX, "bin", &self.to_bytes())
    }
}

/// An offset table read on demand: a search looks up about ten keys, so it
/// reads the file list and a few entries per key, not the whole table.
pub struct OffsetReader {
    file: File,
    files: Vec<String>,
    /// Where the entries start, and how many there are.
    at: u64,
    n: u64,
}

impl OffsetReader {
    /// Opens the table `name` in `dir`.
    pub fn open(dir: &Path, name: &str) -> Result<OffsetReader> {
        let damaged = |what: &str| Error::IndexDamaged {
            path: dir.to_path_buf(),
            what: format!("offset table {name:?} {what}"),
        };
        if name.is_empty() || name.contains(['/', '\\']) {
            return Err(damaged("is not named"));
        }
        let file = File::open(dir.join(name)).map_err(|e| damaged(&e.to_string()))?;
        let len = file.metadata().map_err(|e| damaged(&e.to_string()))?.len();
        let header = || -> Option<(Vec<String>, u64, u64)> {
            let mut r = std::io::BufReader::new(&file);
            let mut magic = vec![0u8; MAGIC.len()];
            r.read_exact(&mut magic).ok()?;
            if magic != MAGIC {
                return None;
            }
            let mut word = [0u8; 8];
            let mut next = |r: &mut std::io::BufReader<&File>| -> Option<u64> {
                r.read_exact(&mut word).ok()?;
                Some(u64::from_le_bytes(word))
            };
            let n_files = next(&mut r)?;
            let mut at = MAGIC.len() as u64 + 8;
            let mut files = Vec::new();
            for _ in 0..n_files {
                let n = next(&mut r)?;
                let mut name = vec![0u8; usize::try_from(n).ok().filter(|&n| n < 1 << 16)?];
                r.read_exact(&mut name).ok()?;
                files.push(String::from_utf8(name).ok()?);
                at += 8 + n;
            }
            let n = next(&mut r)?;
            at += 8;
            (at.checked_add(n.checked_mul(ENTRY as u64)?)? == len).then_some((files, at, n))
        };
        let (files, at, n) = header().ok_or_else(|| damaged("is unreadable"))?;
        Ok(OffsetReader { file, files, at, n })
    }

    /// Keys are hashes, spread evenly over u64: the entry of `key` sits
    /// near `key / 2^64 * n`. One read of the entries around there finds it
    /// nearly always (a binary search read 16 entries one at a time, ~15 us
    /// a hit); otherwise the range shrinks to one side and is read again.
    pub fn get(&self, key: u64) -> Option<Location> {
        let (mut lo, mut hi) = (0u64, self.n);
        let (mut lo_key, mut hi_key) = (0u64, u64::MAX);
        let mut window = vec![0u8; WINDOW as usize * ENTRY];
        while lo < hi {
            let span = hi - lo;
            let (start, len) = if span <= WINDOW {
                (lo, span)
            } else {
                let guess = lo
                    + ((u128::from(key.saturating_sub(lo_key)) * u128::from(span))
                        / (u128::from(hi_key - lo_key) + 1)) as u64;
                let start = guess.saturating_sub(WINDOW / 2).clamp(lo, hi - WINDOW);
                (start, WINDOW)
            };
            let bytes = &mut window[..len as usize * ENTRY];
            read_exact_at(&self.file, bytes, self.at + start * ENTRY as u64).ok()?;
            let entry = |i: u64| -> Option<[u8; ENTRY]> {
                let at = i as usize * ENTRY;
                bytes.get(at..at + ENTRY)?.try_into().ok()
            };
            let (first, last) = (u64_at(&entry(0)?, 0), u64_at(&entry(len - 1)?, 0));
            if key < first && start > lo {
                (hi, hi_key) = (start, first);
            } else if key > last && start + len < hi {
                (lo, lo_key) = (start + len, last);
            } else {
                let (offset, file) = find(len, key, entry)?;
                return Some(Location {
                    file: self.files.get(file)?.clone(),
                    offset,
                });
            }
        }
        None
    }
}

/// Entries read at a time by [`OffsetReader::get`] (5 KB).
const WINDOW: u64 = 256;

/// Reads up to `buf.len()` bytes at `offset` without moving the file's
/// cursor, so that the threads building hits can share one open file.
#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

/// Reads `buf.len()` bytes at `offset` (see [`read_at`]).
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    while !buf.is_empty() {
        match read_at(file, buf, offset) {
            Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// What a hit shows of its article: the title, the paragraph texts, split
/// exactly as the indexer split them, and a JSON record's source and date
/// (paragraph kinds, tags and datelines come from the index). Source and
/// date are read here rather than stored with each of an article's
/// paragraphs: 3.3 MB of AllSides' index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleText {
    pub title: String,
    pub paragraphs: Vec<String>,
    pub source: Option<String>,
    pub date: Option<String>,
}

impl ArticleText {
    pub fn paragraph(&self, n: u64) -> Option<&str> {
        self.paragraphs
            .get(usize::try_from(n).ok()?)
            .map(String::as_str)
    }
}

/// A record's text as read back: a whole text file or one JSON line.
enum Record {
    Text(String),
    Line(String),
}

impl Record {
    /// The article in full, as the indexer parsed it.
    fn parse(&self, file: &str) -> Option<Article> {
        match self {
            Record::Text(text) => Some(parse_txt(file, text)),
            Record::Line(line) => parse_json_record(file, 0, line).ok(),
        }
    }
}

/// JSON-lines files kept open while a search builds its hits: ten hits
/// from one large file opened it, sought in it and closed it ten times.
#[derive(Default)]
struct OpenFiles(Mutex<HashMap<PathBuf, Arc<File>>>);

impl OpenFiles {
    fn get(&self, path: &Path) -> Option<Arc<File>> {
        let mut files = self.0.lock().ok()?;
        if let Some(file) = files.get(path) {
            return Some(file.clone());
        }
        let file = Arc::new(File::open(path).ok()?);
        files.insert(path.to_path_buf(), file.clone());
        Some(file)
    }
}

/// The line that starts at byte `offset` of `path`, with its line break,
/// at most `limit` bytes; through `files` when given (read at the offset,
/// so the threads building hits can share a file).
fn read_line(files: Option<&OpenFiles>, path: &Path, offset: u64, limit: u64) -> Option<Vec<u8>> {
    let file = match files {
        Some(files) => files.get(path)?,
        None => Arc::new(File::open(path).ok()?),
    };
    let limit = usize::try_from(limit).ok()?;
    let mut raw: Vec<u8> = Vec::new();
    loop {
        let start = raw.len();
        let want = (start + 16 * 1024).min(limit);
        if want == start {
            return Some(raw);
        }
        raw.resize(want, 0);
        let n = match read_at(&file, &mut raw[start..], offset + start as u64) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {
                raw.truncate(start);
                continue;
            }
            Err(_) => return None,
        };
        raw.truncate(start + n);
        if let Some(i) = memchr::memchr(b'\n', &raw[start..]) {
            raw.truncate(start + i + 1);
            return Some(raw);
        }
        if n == 0 {
            return Some(raw);
        }
    }
}

/// The record at `loc` in `corpus`, decoded as the indexer decoded it, or
/// `None` when its file no longer holds bytes with content key `key` there.
fn read_record(
    corpus: &Path,
    loc: &Location,
    key: u64,
    files: Option<&OpenFiles>,
) -> Option<Record> {
    let path = corpus.join(&loc.file);
    match Format::of(&path)? {
        Format::Text => {
            let (text, _) = decode(std::fs::read(&path).ok()?);
            (content_key(text.trim_end().as_bytes()) == key).then_some(Record::Text(text))
        }
        Format::JsonLines => {
            // A record was at most MAX_FILE_BYTES when it was indexed.
            let raw = read_line(files, &path, loc.offset, crate::corpus::MAX_FILE_BYTES + 1)?;
            // Valid UTF-8 (nearly always) is checked in bulk and kept as
            // read; from_utf8_lossy's checking went at a fifth the speed,
            // 4% of the instructions of a search showing ten hits.
            let (mut line, _) = decode(raw);
            let trimmed = line.trim();
            if trimmed.len() != line.len() {
                line = trimmed.to_string();
            }
            (content_key(line.as_bytes()) == key).then_some(Record::Line(line))
        }
    }
}

/// The article with content key `key` at `loc`, parsed in full (for
/// tagging it again), if the corpus still holds it there.
pub fn read_article(corpus: &Path, loc: &Location, key: u64) -> Option<Article> {
    read_record(corpus, loc, key, None)?.parse(&loc.file)
}

/// Reads the article with content key `key` back from `corpus` for showing,
/// or `None` when its file no longer holds those bytes at that place.
///
/// Paragraphs are split but not classified: classifying compiles patterns
/// that cost more than the whole search. Only an article without a title
/// is parsed in full, to derive its title as the indexer did.
pub fn read_back(corpus: &Path, loc: &Location, key: u64) -> Option<ArticleText> {
    read_back_from(corpus, loc, key, None)
}

fn read_back_from(
    corpus: &Path,
    loc: &Location,
    key: u64,
    files: Option<&OpenFiles>,
) -> Option<ArticleText> {
    let record = read_record(corpus, loc, key, files)?;
    let parts = match &record {
        Record::Text(text) => txt_paragraphs(text),
        Record::Line(line) => json_paragraphs(line).ok()?,
    };
    let title = match parts.title {
        Some(t) => t,
        None => record.parse(&loc.file)?.title,
    };
    Some(ArticleText {
        title,
        paragraphs: parts.paragraphs,
        source: parts.source,
        date: parts.date,
    })
}

/// The text of an index that tantivy does not hold: articles read back
/// from the corpus through the offset table, and the names of facet values
/// from the name tables (see `facets`).
pub struct TextSource {
    corpus: PathBuf,
    table: OffsetReader,
    names: NameTables,
    files: OpenFiles,
}

impl TextSource {
    pub fn new(corpus: PathBuf, table: OffsetReader, names: NameTables) -> TextSource {
        TextSource {
            corpus,
            table,
            names,
            files: OpenFiles::default(),
        }
    }

    /// The text source of the index in `dir`: its offset table, and the
    /// corpus it was built from, or `fallback` when that folder is gone
    /// (the project was moved).
    pub fn of_index(
        dir: &Path,
        payload: &crate::index::Payload,
        fallback: &Path,
    ) -> Result<TextSource> {
        let table = OffsetReader::open(dir, &payload.offsets)?;
        let recorded = PathBuf::from(&payload.corpus);
        let corpus = if !payload.corpus.is_empty() && recorded.is_dir() {
            recorded
        } else {
            fallback.to_path_buf()
        };
        Ok(TextSource::new(corpus, table, NameTables::open(dir)))
    }

    pub fn names(&self) -> &NameTables {
        &self.names
    }

    /// The article with content key `key`, if the corpus still holds it.
    pub fn article(&self, key: u64) -> Option<ArticleText> {
        let loc = self.table.get(key)?;
        read_back_from(&self.corpus, &loc, key, Some(&self.files))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(file: &str, offset: u64) -> Location {
        Location {
            file: file.into(),
            offset,
        }
    }

    #[test]
    fn content_keys_match_the_index_keys() {
        // The index keys documents by the low half of the hex content hash
        // that `newsgrep index` records; read-back must compute the same.
        let bytes = b"{\"id\": \"a\", \"body\": \"Text.\"}";
        let hex = format!("{:032x}", xxhash_rust::xxh3::xxh3_128(bytes));
        assert_eq!(crate::index::doc_key(&hex), content_key(bytes));
    }

    #[test]
    fn table_round_trips_and_keeps_the_first_location() {
        let t = OffsetTable::new([
            (9, loc("b.jsonl", 40)),
            (3, loc("a.txt", 0)),
            (9, loc("c.jsonl", 7)),
        ]);
        assert_eq!(t.len(), 2);
        let dir = tempfile::tempdir().expect("temp dir");
        let name = t.write(dir.path()).expect("write");
        let back = OffsetReader::open(dir.path(), &name).expect("opens");
        assert_eq!(back.get(9), Some(loc("b.jsonl", 40)));
        assert_eq!(back.get(3), Some(loc("a.txt", 0)));
        assert_eq!(back.get(4), None);
        assert_eq!(back.get(10), None);
        // A cut or foreign file is refused, with what to run.
        let bytes = std::fs::read(dir.path().join(&name)).expect("read");
        std::fs::write(dir.path().join(&name), &bytes[..bytes.len() - 3]).expect("write");
        let err = OffsetReader::open(dir.path(), &name)
            .err()
            .expect("refused");
        assert!(err.to_string().contains("run `newsgrep index`"), "{err}");
        std::fs::write(dir.path().join(&name), b"something else").expect("write");
        assert!(OffsetReader::open(dir.path(), &name).is_err());
    }

    #[test]
    fn every_key_is_found_in_tables_large_and_small_even_and_skewed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let spread = |i: u64| content_key(&i.to_le_bytes());
        let sets: Vec<Vec<u64>> = vec![
            (0..20_000).map(spread).collect(),
            (0..300).map(spread).collect(),
            // Skewed: most keys in a narrow band, a few far away.
            (0..5_000)
                .map(|i| (1 << 40) | (i * 7))
                .chain([0, 1, u64::MAX - 1, u64::MAX])
                .collect(),
            vec![42],
        ];
        for keys in sets {
            let t = OffsetTable::new(keys.iter().map(|&k| (k, loc("f.jsonl", k % 1000))));
            let name = t.write(dir.path()).expect("write");
            let back = OffsetReader::open(dir.path(), &name).expect("opens");
            let present: std::collections::HashSet<u64> = keys.iter().copied().collect();
            for &k in &keys {
                assert_eq!(back.get(k), Some(loc("f.jsonl", k % 1000)), "{k}");
                for absent in [k.wrapping_add(1), k.wrapping_sub(1)] {
                    if !present.contains(&absent) {
                        assert_eq!(back.get(absent), None, "{absent}");
                    }
                }
            }
        }
    }

    #[test]
    fn reads_records_back_and_refuses_changed_ones() {
        let dir = tempfile::tempdir().expect("temp dir");
        let first = r#"{"id": "a", "title": "First", "body": "One.\n\nTwo."}"#;
        let second =
            r#"{"id": "b", "title": "Second", "source": "Wire", "date": " ", "body": "Three."}"#;
        std::fs::write(dir.path().join("f.jsonl"), format!("{first}\n{second}\n")).expect("write");
        let at = loc("f.jsonl", first.len() as u64 + 1);
        let a = read_back(dir.path(), &at, content_key(second.as_bytes())).expect("read back");
        assert_eq!(a.title, "Second");
        assert_eq!(a.paragraphs, ["Three."]);
        // Source and date as the indexer reads them: a blank one is none.
        assert_eq!(
            (a.source.as_deref(), a.date.as_deref()),
            (Some("Wire"), None)
        );
        // The wrong offset, or bytes that changed, read as stale.
        assert!(read_back(
            dir.path(),
            &loc("f.jsonl", 0),
            content_key(second.as_bytes())
        )
        .is_none());
        std::fs::write(dir.path().join("t.txt"), "Title\n\nBody text here.\n").expect("write");
        let key = content_key(b"Title\n\nBody text here.");
        let t = read_back(dir.path(), &loc("t.txt", 0), key).expect("read back");
        assert_eq!(
            (t.title.as_str(), t.paragraph(0)),
            ("Title", Some("Body text here."))
        );
        // Without a headline, the title is derived as the indexer derives it.
        let body = "The council met on Monday. It voted.\n\nA second paragraph.";
        std::fs::write(dir.path().join("u.txt"), body).expect("write");
        let t =
            read_back(dir.path(), &loc("u.txt", 0), content_key(body.as_bytes())).expect("read");
        assert_eq!(t.title, parse_txt("u.txt", body).title);
        assert_eq!(t.paragraphs.len(), 2);
        std::fs::write(dir.path().join("t.txt"), "Title\n\nBody text edited.\n").expect("write");
        assert!(read_back(dir.path(), &loc("t.txt", 0), key).is_none());
    }

    /// Lines read through files kept open are the lines of the file, line
    /// breaks included, however long; the last needs none; `limit` caps.
    #[test]
    fn lines_are_read_whole_through_open_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("f.jsonl");
        let long = "x".repeat(40_000);
        std::fs::write(&path, format!("short\n{long}\nlast")).expect("write");
        let files = OpenFiles::default();
        for shared in [Some(&files), None] {
            let line = |offset: u64, limit: u64| read_line(shared, &path, offset, limit);
            assert_eq!(line(0, 100).as_deref(), Some(&b"short\n"[..]));
            let second = line(6, 100_000).expect("second line");
            assert_eq!(second.len(), long.len() + 1);
            assert!(second.ends_with(b"x\n"));
            assert_eq!(
                line(6 + long.len() as u64 + 1, 100).as_deref(),
                Some(&b"last"[..])
            );
            assert_eq!(line(6, 10).map(|l| l.len()), Some(10));
            assert_eq!(line(1_000_000, 100).as_deref(), Some(&b""[..]));
        }
        assert!(read_line(Some(&files), &dir.path().join("gone.jsonl"), 0, 100).is_none());
    }
}
