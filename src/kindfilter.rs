//! Leaving headings and boilerplate out of a search at a bit test a hit.
//!
//! A default search covers body paragraphs; the few headings and
//! boilerplate lines (~4% of paragraphs) are left out. As `MustNot`
//! clauses, tantivy seeks each excluded kind's posting list at every hit:
//! for a word in most paragraphs (`the`, 694,000 hits) those two seeks a
//! hit took half the time of counting the hits with the speaker facet
//! (4.8 of 9.9 ms on one thread). Here a segment's first hits are checked
//! with the same seeks (a rare word stays as cheap as before), and past
//! `SEEKS_BEFORE_BITS` hits the excluded paragraphs are read once into a
//! bit set.

use std::sync::Arc;

use tantivy::index::{InvertedIndexReader, SegmentReader};
use tantivy::postings::{SegmentPostings, TermInfo};
use tantivy::query::{EnableScoring, Exclude, ExclusionSet, Explanation, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{BitSet, DocId, DocSet, Score, SeekDangerResult, TantivyError, Term};

/// Hits checked by seeking before the excluded paragraphs are read into a
/// bit set: reading them costs about as much as ~20,000 seeks on the
/// benchmark's segments (~20,000 excluded paragraphs each), so only a
/// query with many hits switches, once it has paid a fraction of that.
const SEEKS_BEFORE_BITS: u32 = 4096;

/// `inner` without the documents that have any of `excluded` (terms of
/// one field, such as the paragraph kinds `heading` and `boilerplate`).
/// Scores are `inner`'s.
#[derive(Debug)]
pub struct WithoutTerms {
    inner: Box<dyn Query>,
    excluded: Vec<Term>,
}

impl WithoutTerms {
    pub fn new(inner: Box<dyn Query>, excluded: Vec<Term>) -> WithoutTerms {
        WithoutTerms { inner, excluded }
    }
}

impl Clone for WithoutTerms {
    fn clone(&self) -> Self {
        WithoutTerms {
            inner: self.inner.box_clone(),
            excluded: self.excluded.clone(),
        }
    }
}

impl Query for WithoutTerms {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(WithoutTermsWeight {
            inner: self.inner.weight(scoring)?,
            excluded: self.excluded.clone(),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

struct WithoutTermsWeight {
    inner: Box<dyn Weight>,
    excluded: Vec<Term>,
}

impl Weight for WithoutTermsWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let inner = self.inner.scorer(reader, boost)?;
        let excluded = ExcludedDocs::open(reader, &self.excluded)?;
        Ok(Box::new(Exclude::new(inner, excluded)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        if ExcludedDocs::open(reader, &self.excluded)?.contains(doc) {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} has an excluded term"
            )));
        }
        self.inner.explain(reader, doc)
    }
}

/// The documents of a segment that have an excluded term.
struct ExcludedDocs {
    /// Each term's posting list, sought hit by hit until `bits` is read.
    lists: Vec<SegmentPostings>,
    /// Where to read the lists again from their start.
    sources: Vec<(Arc<InvertedIndexReader>, TermInfo)>,
    max_doc: DocId,
    seeks: u32,
    /// The excluded documents, once read.
    bits: Option<BitSet>,
}

impl ExcludedDocs {
    fn open(reader: &SegmentReader, terms: &[Term]) -> tantivy::Result<ExcludedDocs> {
        let mut lists = Vec::new();
        let mut sources = Vec::new();
        for term in terms {
            let inverted = reader.inverted_index(term.field())?;
            if let Some(info) = inverted.get_term_info(term)? {
                lists.push(inverted.read_postings_from_terminfo(&info, IndexRecordOption::Basic)?);
                sources.push((inverted, info));
            }
        }
        Ok(ExcludedDocs {
            lists,
            sources,
            max_doc: reader.max_doc(),
            seeks: 0,
            bits: None,
        })
    }

    /// Every excluded document in a bit set; `None` if a list cannot be
    /// read again (the seeks then go on).
    fn read_bits(&self) -> Option<BitSet> {
        let mut bits = BitSet::with_max_value(self.max_doc);
        for (inverted, info) in &self.sources {
            let mut postings = inverted
                .read_postings_from_terminfo(info, IndexRecordOption::Basic)
                .ok()?;
            let mut doc = postings.doc();
            while doc < self.max_doc {
                bits.insert(doc);
                doc = postings.advance();
            }
        }
        Some(bits)
    }
}

impl ExclusionSet for ExcludedDocs {
    /// `doc` grows from one call to the next (tantivy's `Exclude` asks
    /// about each candidate in order), as `seek_danger` requires.
    fn contains(&mut self, doc: DocId) -> bool {
        if let Some(bits) = &self.bits {
            return doc < bits.max_value() && bits.contains(doc);
        }
        if self.lists.is_empty() {
            return false;
        }
        self.seeks += 1;
        if self.seeks == SEEKS_BEFORE_BITS {
            self.bits = self.read_bits();
            if self.bits.is_some() {
                return self.contains(doc);
            }
        }
        self.lists
            .iter_mut()
            .any(|list| list.seek_danger(doc) == SeekDangerResult::Found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::{Count, DocSetCollector};
    use tantivy::query::{BooleanQuery, Occur, TermQuery};
    use tantivy::schema::{Schema, STRING};
    use tantivy::{doc, Index, IndexWriter};

    /// Over a segment with more hits than `SEEKS_BEFORE_BITS` (so both
    /// the seeks and the bit set answer), the same documents as tantivy's
    /// own `MustNot` clauses.
    #[test]
    fn leaves_out_the_same_documents_as_must_not_clauses() {
        let mut schema = Schema::builder();
        let word = schema.add_text_field("word", STRING);
        let kind = schema.add_text_field("kind", STRING);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for i in 0..20_000u32 {
            let k = match i % 97 {
                0 | 5 => "heading",
                13 => "boilerplate",
                _ => "body",
            };
            let w = if i % 3 == 0 { "rare" } else { "common" };
            writer.add_document(doc!(word => w, kind => k)).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 1);
        let kind_term = |k: &str| Term::from_field_text(kind, k);
        for w in ["common", "rare", "absent"] {
            let inner = || -> Box<dyn Query> {
                Box::new(TermQuery::new(
                    Term::from_field_text(word, w),
                    IndexRecordOption::WithFreqs,
                ))
            };
            let ours = WithoutTerms::new(
                inner(),
                vec![
                    kind_term("heading"),
                    kind_term("boilerplate"),
                    kind_term("none"),
                ],
            );
            let theirs = BooleanQuery::new(vec![
                (Occur::Must, inner()),
                (
                    Occur::MustNot,
                    Box::new(TermQuery::new(
                        kind_term("heading"),
                        IndexRecordOption::Basic,
                    )),
                ),
                (
                    Occur::MustNot,
                    Box::new(TermQuery::new(
                        kind_term("boilerplate"),
                        IndexRecordOption::Basic,
                    )),
                ),
            ]);
            let a = searcher.search(&ours, &DocSetCollector).unwrap();
            let b = searcher.search(&theirs, &DocSetCollector).unwrap();
            assert_eq!(a, b, "{w}");
            assert_eq!(searcher.search(&ours, &Count).unwrap(), b.len(), "{w}");
        }
        let common = searcher
            .search(
                &WithoutTerms::new(
                    Box::new(TermQuery::new(
                        Term::from_field_text(word, "common"),
                        IndexRecordOption::Basic,
                    )),
                    vec![kind_term("heading")],
                ),
                &Count,
            )
            .unwrap();
        assert!(common > SEEKS_BEFORE_BITS as usize, "{common}");
    }
}
