//! The best hits of a query of plain words, found without scoring every hit.
//!
//! A search of plain words (`North Korea missile test`: each word optional,
//! title matches a boost) scores a paragraph as the sum of its matching
//! terms' BM25 scores. Asked as one union of those terms, tantivy's
//! block-max WAND skips the blocks of postings that cannot reach the best
//! so far: the best ten of the 694,000 hits of `the` come from a few
//! thousand looked at. The count and the facets come from the search's own
//! query unscored, segment by segment in the same pass ([`AlongWith`]).
//!
//! The union is not quite the search: a paragraph that matches only in the
//! title is no hit, headings and boilerplate are left out, and the union
//! adds the same scores in another order (the last bit of a score can
//! differ). So every paragraph the union offers is looked up with the
//! search's own query, which says whether it is a hit and gives its score;
//! the union's threshold is lowered by `SLACK` to allow for the order.
//! The hits, their order and their scores are the exhaustive search's.

use tantivy::collector::sort_key::NaturalComparator;
use tantivy::collector::{Collector, SegmentCollector, TopNComputer};
use tantivy::fastfield::AliveBitSet;
use tantivy::query::{
    BooleanQuery, BoostQuery, EnableScoring, Occur, Query, Scorer, TermQuery, Weight,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, SegmentReader, Term};

/// Relative allowance between the union's sums and the query's: float
/// sums of a few dozen terms differ by ~1e-6 at most.
const SLACK: Score = 1e-4;

/// Hits asked for up to which the union is worth it; past that, a search
/// scores every hit anyway.
pub const MAX_HITS: usize = 1000;

/// The terms of a query of plain words: a term, or terms all optional.
pub fn plain_terms(query: &dyn Query) -> Option<Vec<Term>> {
    if let Some(t) = query.downcast_ref::<TermQuery>() {
        return Some(vec![t.term().clone()]);
    }
    let b = query.downcast_ref::<BooleanQuery>()?;
    if b.get_minimum_number_should_match() > 1 {
        return None;
    }
    b.clauses()
        .iter()
        .map(|(occur, sub)| {
            let term = sub.downcast_ref::<TermQuery>()?;
            (*occur == Occur::Should).then(|| term.term().clone())
        })
        .collect()
}

/// Collects the best `k` hits of `exact`, a search whose score is the sum
/// of the scores of `text` terms and of `title` terms boosted by
/// `title_boost`. It walks its own union of those terms: the query it is
/// run with is not used.
pub struct RankedByTerms {
    union: Box<dyn Weight>,
    exact: Box<dyn Weight>,
    k: usize,
}

impl RankedByTerms {
    pub fn new(
        searcher: &Searcher,
        exact: &dyn Query,
        text: Vec<Term>,
        title: Vec<Term>,
        title_boost: Score,
        k: usize,
    ) -> tantivy::Result<RankedByTerms> {
        let term = |t: Term| -> Box<dyn Query> {
            Box::new(TermQuery::new(t, IndexRecordOption::WithFreqs))
        };
        let mut union: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        union.extend(text.into_iter().map(|t| (Occur::Should, term(t))));
        union.extend(title.into_iter().map(|t| {
            let boosted: Box<dyn Query> = Box::new(BoostQuery::new(term(t), title_boost));
            (Occur::Should, boosted)
        }));
        let scoring = || EnableScoring::enabled_from_searcher(searcher);
        Ok(RankedByTerms {
            union: BooleanQuery::new(union).weight(scoring())?,
            exact: exact.weight(scoring())?,
            k,
        })
    }

    /// One segment's best hits: the union's terms walked with block-max
    /// WAND (`for_each_pruning`), told the lowest score still worth
    /// offering.
    fn collect_best(
        &self,
        ord: u32,
        reader: &SegmentReader,
    ) -> tantivy::Result<Vec<(Score, DocAddress)>> {
        let mut segment = self.for_segment(ord, reader)?;
        self.union
            .for_each_pruning(Score::MIN, reader, &mut |doc, score| {
                segment.offer(doc, score)
            })?;
        Ok(segment.harvest())
    }
}

impl Collector for RankedByTerms {
    type Fruit = Vec<(Score, DocAddress)>;
    type Child = RankedSegment;

    fn for_segment(&self, ord: u32, reader: &SegmentReader) -> tantivy::Result<RankedSegment> {
        Ok(RankedSegment {
            ord,
            alive: reader.alive_bitset().cloned(),
            exact: self.exact.scorer(reader, 1.0)?,
            best: TopNComputer::new_with_comparator(self.k, NaturalComparator),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn collect_segment(
        &self,
        _weight: &dyn Weight,
        ord: u32,
        reader: &SegmentReader,
    ) -> tantivy::Result<Vec<(Score, DocAddress)>> {
        self.collect_best(ord, reader)
    }

    fn merge_fruits(
        &self,
        segments: Vec<Vec<(Score, DocAddress)>>,
    ) -> tantivy::Result<Vec<(Score, DocAddress)>> {
        let mut all: Vec<(Score, DocAddress)> = segments.into_iter().flatten().collect();
        // As tantivy's TopDocs: higher score first, ties by address.
        all.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        all.truncate(self.k);
        Ok(all)
    }
}

/// `other` (counts, facets: anything collected from the query's weight)
/// and the best hits, one segment at a time in one pass over the
/// segments: on two cores each pass hands every thread its share and waits
/// for them, and a second pass for the hits alone cost ~0.1 ms more than
/// the work it did.
pub struct AlongWith<C> {
    pub other: C,
    pub ranked: RankedByTerms,
}

impl<C: Collector> Collector for AlongWith<C> {
    type Fruit = (C::Fruit, Vec<(Score, DocAddress)>);
    type Child = (C::Child, RankedSegment);

    fn for_segment(&self, ord: u32, reader: &SegmentReader) -> tantivy::Result<Self::Child> {
        Ok((
            self.other.for_segment(ord, reader)?,
            self.ranked.for_segment(ord, reader)?,
        ))
    }

    fn requires_scoring(&self) -> bool {
        self.other.requires_scoring()
    }

    fn collect_segment(
        &self,
        weight: &dyn Weight,
        ord: u32,
        reader: &SegmentReader,
    ) -> tantivy::Result<<Self::Child as SegmentCollector>::Fruit> {
        Ok((
            self.other.collect_segment(weight, ord, reader)?,
            self.ranked.collect_best(ord, reader)?,
        ))
    }

    fn merge_fruits(
        &self,
        segments: Vec<<Self::Child as SegmentCollector>::Fruit>,
    ) -> tantivy::Result<Self::Fruit> {
        let (others, best): (Vec<_>, Vec<_>) = segments.into_iter().unzip();
        Ok((
            self.other.merge_fruits(others)?,
            self.ranked.merge_fruits(best)?,
        ))
    }
}

/// One segment's best hits so far.
pub struct RankedSegment {
    ord: u32,
    alive: Option<AliveBitSet>,
    /// The search's own scorer, sought to each paragraph the union offers
    /// (they come in ascending order).
    exact: Box<dyn Scorer>,
    /// tantivy's own top-k (what `TopDocs` keeps: higher score first, ties
    /// to the lower document, which is why documents come in order).
    best: TopNComputer<Score, DocId, NaturalComparator>,
}

impl RankedSegment {
    /// Keeps `doc` if it is a hit among the best; returns the union score
    /// below which a paragraph cannot be among them.
    fn offer(&mut self, doc: DocId, _union_score: Score) -> Score {
        if self.alive.as_ref().is_none_or(|a| a.is_alive(doc)) {
            let at = match self.exact.doc() {
                d if d < doc => self.exact.seek(doc),
                d => d,
            };
            if at == doc {
                self.best.push(self.exact.score(), doc);
            }
        }
        self.best
            .threshold
            .map_or(Score::MIN, |worst| worst * (1.0 - SLACK))
    }
}

impl SegmentCollector for RankedSegment {
    type Fruit = Vec<(Score, DocAddress)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.offer(doc, score);
    }

    fn harvest(self) -> Vec<(Score, DocAddress)> {
        let ord = self.ord;
        self.best
            .into_sorted_vec()
            .into_iter()
            .map(|best| (best.sort_key, DocAddress::new(ord, best.doc)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kindfilter::WithoutTerms;
    use tantivy::collector::TopDocs;
    use tantivy::schema::{Schema, STRING, TEXT};
    use tantivy::{doc, Index, IndexWriter};

    /// Over two segments with deleted documents, title-only matches and
    /// left-out kinds, the same hits, order and scores as TopDocs over the
    /// search's query, for one word and several, few hits and many.
    #[test]
    fn finds_the_same_hits_as_scoring_every_hit() {
        let mut schema = Schema::builder();
        let id = schema.add_text_field("id", STRING);
        let text = schema.add_text_field("text", TEXT);
        let title = schema.add_text_field("title", TEXT);
        let kind = schema.add_text_field("kind", STRING);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let vocabulary = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"];
        for i in 0..6000usize {
            // Repeating patterns give many equal scores (ties by address).
            let words: Vec<&str> = (0..1 + i % 7)
                .map(|j| vocabulary[(i * 7 + j * j * 3) % (1 + (i / 11) % vocabulary.len())])
                .collect();
            let k = if i % 13 == 0 { "heading" } else { "body" };
            let heading = if i % 5 == 0 { vocabulary[i % 6] } else { "" };
            writer
                .add_document(
                    doc!(id => i.to_string(), text => words.join(" "), title => heading, kind => k),
                )
                .unwrap();
            if i == 3000 {
                writer.commit().unwrap();
            }
        }
        writer.commit().unwrap();
        for i in (0..6000usize).step_by(17) {
            writer.delete_term(Term::from_field_text(id, &i.to_string()));
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 2);
        let terms = |f, words: &[&str]| -> Vec<Term> {
            words.iter().map(|w| Term::from_field_text(f, w)).collect()
        };
        let union = |ts: &[Term]| -> Box<dyn Query> {
            Box::new(BooleanQuery::new(
                ts.iter()
                    .map(|t| {
                        let q: Box<dyn Query> =
                            Box::new(TermQuery::new(t.clone(), IndexRecordOption::WithFreqs));
                        (Occur::Should, q)
                    })
                    .collect(),
            ))
        };
        for words in [
            &["alpha"][..],
            &["zeta"],
            &["beta", "epsilon"],
            &["gamma", "delta", "zeta"],
        ] {
            let (text_terms, title_terms) = (terms(text, words), terms(title, words));
            let exact = WithoutTerms::new(
                Box::new(BooleanQuery::new(vec![
                    (Occur::Must, union(&text_terms)),
                    (
                        Occur::Should,
                        Box::new(BoostQuery::new(union(&title_terms), 2.0)),
                    ),
                ])),
                vec![Term::from_field_text(kind, "heading")],
            );
            for k in [1, 10, 100, 1000] {
                let expected = searcher
                    .search(&exact, &TopDocs::with_limit(k).order_by_score())
                    .unwrap();
                let ranked = RankedByTerms::new(
                    &searcher,
                    &exact,
                    text_terms.clone(),
                    title_terms.clone(),
                    2.0,
                    k,
                )
                .unwrap();
                let found = searcher.search(&exact, &ranked).unwrap();
                assert_eq!(found, expected, "{words:?} k={k}");
                // Along with a count from the query's own weight.
                let along = AlongWith {
                    other: tantivy::collector::Count,
                    ranked,
                };
                let (count, found) = searcher.search(&exact, &along).unwrap();
                assert_eq!(found, expected, "{words:?} k={k}, along");
                let all = searcher.search(&exact, &tantivy::collector::Count).unwrap();
                assert_eq!(count, all, "{words:?}");
            }
        }
        let one = TermQuery::new(
            Term::from_field_text(text, "alpha"),
            IndexRecordOption::Basic,
        );
        assert_eq!(plain_terms(&one), Some(terms(text, &["alpha"])));
        let must = BooleanQuery::new(vec![(Occur::Must, union(&terms(text, &["alpha"])))]);
        assert_eq!(plain_terms(&must), None);
    }
}
