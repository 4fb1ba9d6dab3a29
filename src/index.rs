//! The tantivy index: one document per paragraph, tags as facets.
//!
//! Speakers go to the `speaker` facet field as `/person/John Kirby` or
//! `/org/White House`; direct quotes also to `quoted`; entities to `entity`
//! as `/person/…`, `/org/…`, `/place/…`, `/weapon/…`. Facets give both
//! exact filters and counts over a result set for free.
//!
//! A build replaces the documents in one commit: until it lands, readers
//! see the previous state, and a crash leaves that state intact.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tantivy::schema::{
    Facet, FacetOptions, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST,
    INDEXED, STORED, STRING,
};
use tantivy::{Index, IndexWriter, TantivyDocument, TantivyError};

use crate::article::ParagraphKind;
use crate::corpus::{read_corpus, Warning};
use crate::error::{Error, Result};
use crate::tagging::{tag_article, QuoteType, Speaker, TaggedArticle};
use crate::tokenizer::{self, NEWS_TOKENIZER};

/// Written into every commit; an index with another value was built by a
/// newsgrep whose schema or tagging differs and must be rebuilt.
pub const INDEX_FORMAT: &str = "newsgrep-index-1";

/// Memory for tantivy's writer: enough for fast batches, small enough for
/// a laptop with other work going on.
const WRITER_MEMORY: usize = 128 * 1024 * 1024;

/// The schema's fields, looked up once.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
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

/// Does `dir` hold an index (of any version)?
pub fn exists(dir: &Path) -> bool {
    dir.join("meta.json").is_file()
}

/// Opens an existing index for reading.
pub fn open(dir: &Path) -> Result<(Index, Fields)> {
    if !exists(dir) {
        return Err(Error::IndexMissing(dir.to_path_buf()));
    }
    let index = Index::open_in_dir(dir)?;
    let (expected, fields) = schema();
    if index.schema() != expected {
        return Err(Error::IndexOutdated {
            path: dir.to_path_buf(),
            found: "a different schema".into(),
        });
    }
    if let Some(found) = committed_format(&index)? {
        if found != INDEX_FORMAT {
            return Err(Error::IndexOutdated {
                path: dir.to_path_buf(),
                found,
            });
        }
    }
    tokenizer::register(&index);
    Ok((index, fields))
}

fn committed_format(index: &Index) -> Result<Option<String>> {
    let meta = index.load_metas()?;
    Ok(meta.payload.map(|p| {
        serde_json::from_str::<Payload>(&p)
            .map(|p| p.format)
            .unwrap_or(p)
    }))
}

/// What a commit records besides the documents.
#[derive(Debug, Serialize, Deserialize)]
struct Payload {
    format: String,
    articles: usize,
    paragraphs: usize,
}

/// What `newsgrep index` did.
#[derive(Debug, Serialize)]
pub struct Summary {
    pub corpus: PathBuf,
    pub index: PathBuf,
    pub files: usize,
    pub articles: usize,
    pub paragraphs: usize,
    pub speakers: usize,
    pub entities: usize,
    pub seconds: f64,
    #[serde(skip)]
    pub warnings: Vec<Warning>,
}

/// Opens the index at `dir` for writing, creating it if needed. An index of
/// another format is replaced (its documents are rebuilt from the corpus).
fn open_for_write(dir: &Path) -> Result<(Index, Fields)> {
    std::fs::create_dir_all(dir)?;
    let (schema, fields) = schema();
    let index = if exists(dir) {
        let old = Index::open_in_dir(dir)?;
        let same =
            old.schema() == schema && committed_format(&old)?.is_none_or(|f| f == INDEX_FORMAT);
        if same {
            old
        } else {
            drop(old);
            remove_index_files(dir)?;
            Index::create_in_dir(dir, schema)?
        }
    } else {
        Index::create_in_dir(dir, schema)?
    };
    tokenizer::register(&index);
    Ok((index, fields))
}

/// Removes tantivy's files from `dir`, leaving anything else (such as the
/// repository's `.gitignore`) alone.
fn remove_index_files(dir: &Path) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let is_tantivy = name == "meta.json"
            || name == ".managed.json"
            || name.ends_with(".lock")
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
        if is_tantivy && path.is_file() {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}

fn writer(index: &Index, dir: &Path) -> Result<IndexWriter> {
    index.writer(WRITER_MEMORY).map_err(|e| match e {
        TantivyError::LockFailure(..) => Error::IndexLocked(dir.to_path_buf()),
        other => Error::Tantivy(other),
    })
}

/// Builds (or rebuilds) the index at `index_dir` from the corpus.
pub fn build(corpus_dir: &Path, index_dir: &Path) -> Result<Summary> {
    let started = Instant::now();
    let corpus = read_corpus(corpus_dir)?;
    let (index, fields) = open_for_write(index_dir)?;
    let mut writer = writer(&index, index_dir)?;
    writer.delete_all_documents()?;
    let mut paragraphs = 0;
    let mut speakers: HashSet<String> = HashSet::new();
    let mut entities: HashSet<String> = HashSet::new();
    let articles = corpus.articles.len();
    for article in corpus.articles {
        let tagged = tag_article(article);
        for doc in documents(&tagged, &fields) {
            writer.add_document(doc)?;
            paragraphs += 1;
        }
        for p in &tagged.paragraphs {
            speakers.extend(
                p.speakers
                    .iter()
                    .map(|s| format!("{}/{}", s.kind.as_str(), s.name)),
            );
            entities.extend(
                p.entities
                    .iter()
                    .map(|e| format!("{}/{}", e.kind.as_str(), e.name)),
            );
        }
    }
    let payload = serde_json::to_string(&Payload {
        format: INDEX_FORMAT.into(),
        articles,
        paragraphs,
    })?;
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&payload);
    prepared.commit()?;
    writer.wait_merging_threads()?;
    Ok(Summary {
        corpus: corpus_dir.to_path_buf(),
        index: index_dir.to_path_buf(),
        files: corpus.files,
        articles,
        paragraphs,
        speakers: speakers.len(),
        entities: entities.len(),
        seconds: started.elapsed().as_secs_f64(),
        warnings: corpus.warnings,
    })
}

/// Facet path for a speaker: `/person/John Kirby`.
pub fn speaker_facet(s: &Speaker) -> Facet {
    Facet::from_path([s.kind.as_str(), s.name.as_str()])
}

/// The tantivy documents of one tagged article.
pub fn documents(tagged: &TaggedArticle, f: &Fields) -> Vec<TantivyDocument> {
    let a = &tagged.article;
    tagged
        .paragraphs
        .iter()
        .map(|p| {
            let mut doc = TantivyDocument::default();
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
                doc.add_text(
                    f.speakers_json,
                    serde_json::to_string(&p.speakers).unwrap_or_default(),
                );
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
            debug_assert!(ParagraphKind::parse(p.kind.as_str()).is_some());
            doc
        })
        .collect()
}
