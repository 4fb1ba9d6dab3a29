//! The tantivy index: one document per paragraph, tags as facets.
//!
//! Speakers go to the `speaker` facet field as `/person/John Kirby` or
//! `/org/White House`; direct quotes also to `quoted`; entities to `entity`
//! as `/person/…`, `/org/…`, `/place/…`, `/weapon/…`. Facets give both
//! exact filters and counts over a result set for free.
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
    Facet, FacetOptions, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST,
    INDEXED, STORED, STRING,
};
use tantivy::{Index, IndexWriter, TantivyDocument, TantivyError};

use crate::error::{Error, Result};
use crate::tagging::{QuoteType, Speaker, TaggedArticle, TAGGING_VERSION};
use crate::tokenizer::{self, NEWS_TOKENIZER};

/// Version of the schema and of what documents hold; another value means
/// the index must be rebuilt from scratch.
pub const INDEX_FORMAT: &str = "newsgrep-index-2";

/// Memory for tantivy's writer: enough for fast batches on two cores,
/// small enough to keep a full build well under a gigabyte.
const WRITER_MEMORY: usize = 192 * 1024 * 1024;

/// The schema's fields, looked up once.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Content hash of the article: identifies its paragraphs.
    pub key: Field,
    pub id: Field,
    pub path: Field,
    pub title: Field,
    pub paragraph: Field,
    pub kind: Field,
    pub text: Field,
    pub speaker: Field,
    pub quoted: Field,
    pub entity: Field,
    pub speakers_json: Field,
    pub source: Field,
    pub date: Field,
    pub dateline: Field,
}

pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text_options = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(NEWS_TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let fields = Fields {
        key: b.add_text_field("key", STRING | STORED),
        id: b.add_text_field("id", STRING | STORED),
        path: b.add_text_field("path", STRING | STORED),
        title: b.add_text_field("title", text_options.clone()),
        paragraph: b.add_u64_field("paragraph", INDEXED | STORED | FAST),
        kind: b.add_text_field("kind", STRING | STORED),
        text: b.add_text_field("text", text_options),
        speaker: b.add_facet_field("speaker", FacetOptions::default().set_stored()),
        quoted: b.add_facet_field("quoted", FacetOptions::default()),
        entity: b.add_facet_field("entity", FacetOptions::default().set_stored()),
        speakers_json: b.add_text_field("speakers_json", STORED),
        source: b.add_text_field("source", STRING | STORED),
        date: b.add_text_field("date", STRING | STORED),
        dateline: b.add_text_field("dateline", STORED),
    };
    (b.build(), fields)
}

/// What a commit records besides the documents.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Payload {
    pub format: String,
    pub tagging: String,
    /// File name (inside the index folder) of the manifest of source files.
    pub manifest: String,
    /// Content hashes of articles found at more than one path, with every
    /// location, so a hit can list the others.
    #[serde(default)]
    pub duplicates: BTreeMap<String, Vec<String>>,
}

/// Does `dir` hold an index (of any version)?
pub fn exists(dir: &Path) -> bool {
    dir.join("meta.json").is_file()
}

/// The payload of the last commit, if it is one of ours.
pub fn payload(index: &Index) -> Result<Option<Payload>> {
    let meta = index.load_metas()?;
    Ok(meta
        .payload
        .and_then(|p| serde_json::from_str::<Payload>(&p).ok()))
}

/// Opens an existing index for reading. An index written by a newsgrep with
/// another format or tagging is refused with what to run.
pub fn open(dir: &Path) -> Result<(Index, Fields, Payload)> {
    if !exists(dir) {
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
    let Some(payload) = payload(&index)? else {
        return Err(outdated("no version record".into()));
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
    let (index, fresh) = if exists(dir) {
        let old = Index::open_in_dir(dir).ok();
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
                (Index::create_in_dir(dir, schema)?, true)
            }
        }
    } else {
        (Index::create_in_dir(dir, schema)?, true)
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

/// Facet path for a speaker: `/person/John Kirby`.
pub fn speaker_facet(s: &Speaker) -> Facet {
    Facet::from_path([s.kind.as_str(), s.name.as_str()])
}

/// The tantivy documents of one tagged article, keyed by its content hash.
pub fn documents(tagged: &TaggedArticle, key: &str, f: &Fields) -> Vec<TantivyDocument> {
    let a = &tagged.article;
    tagged
        .paragraphs
        .iter()
        .map(|p| {
            let mut doc = TantivyDocument::default();
            doc.add_text(f.key, key);
            doc.add_text(f.id, &a.id);
            doc.add_text(f.path, &a.path);
            doc.add_text(f.title, &a.title);
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
            if !p.speakers.is_empty() {
                if let Ok(json) = serde_json::to_string(&p.speakers) {
                    doc.add_text(f.speakers_json, json);
                }
            }
            if let Some(s) = &a.source {
                doc.add_text(f.source, s);
            }
            if let Some(d) = &a.date {
                doc.add_text(f.date, d);
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
