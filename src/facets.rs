//! Counting facet values over a result set, fast.
//!
//! tantivy's `FacetCollector` turns every facet value present in the hits
//! into its text before ranking; on a query that matches most of the corpus
//! ("said") that is a hundred thousand dictionary look-ups. This collector
//! counts ordinals in a plain array and looks up only the values it keeps:
//! the top `k` of each kind ("person", "org", ...).

use rustc_hash::FxHashMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::TermOrdHit;
use tantivy::fastfield::FacetReader;
use tantivy::schema::Facet;
use tantivy::{DocId, Score, SegmentReader};

/// (kind, name, paragraphs) for the top values of each kind.
pub type Counts = Vec<(String, String, u64)>;

/// Top-`k` facet values per kind of a facet field (`/kind/name` paths).
pub struct TopFacets {
    field: String,
    kinds: Vec<String>,
    /// Kept per kind; 0 keeps every value.
    k: usize,
}

impl TopFacets {
    pub fn new(field: &str, kinds: &[&str], k: usize) -> TopFacets {
        TopFacets {
            field: field.to_string(),
            kinds: kinds.iter().map(|s| s.to_string()).collect(),
            k,
        }
    }
}

pub struct TopFacetsSegment {
    reader: FacetReader,
    counts: Vec<u32>,
    /// Ordinal range of each kind in this segment's dictionary.
    ranges: Vec<(String, u64, u64)>,
    /// Values kept per kind in this segment (more than `k`, so merging
    /// segments stays close to exact).
    keep: usize,
}

impl Collector for TopFacets {
    type Fruit = Counts;
    type Child = TopFacetsSegment;

    fn for_segment(&self, _ord: u32, segment: &SegmentReader) -> tantivy::Result<TopFacetsSegment> {
        let reader = segment.facet_reader(&self.field)?;
        let dict = reader.facet_dict();
        let mut ranges = Vec::new();
        let n = reader.num_facets() as u64;
        for kind in &self.kinds {
            // Encoded facets separate path parts with \0: "person\0John Kirby".
            let start = ord_or_next(dict, format!("{kind}\u{0}").as_bytes())?;
            let end = ord_or_next(dict, format!("{kind}\u{1}").as_bytes())?;
            // `Next` past the last term is out of range: clamp.
            let (start, end) = (start.min(n), end.min(n));
            ranges.push((kind.clone(), start, end.max(start)));
        }
        Ok(TopFacetsSegment {
            counts: vec![0; reader.num_facets()],
            reader,
            ranges,
            keep: if self.k == 0 { usize::MAX } else { self.k + 5 },
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<Counts>) -> tantivy::Result<Counts> {
        let mut merged: FxHashMap<(String, String), u64> = FxHashMap::default();
        for seg in segments {
            for (kind, name, n) in seg {
                *merged.entry((kind, name)).or_default() += n;
            }
        }
        let mut out: Counts = merged.into_iter().map(|((k, n), c)| (k, n, c)).collect();
        out.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(&b.1)));
        if self.k > 0 {
            let mut per_kind: FxHashMap<String, usize> = FxHashMap::default();
            out.retain(|(kind, _, _)| {
                let n = per_kind.entry(kind.clone()).or_default();
                *n += 1;
                *n <= self.k
            });
        }
        Ok(out)
    }
}

fn ord_or_next(dict: &tantivy::columnar::Dictionary, key: &[u8]) -> tantivy::Result<u64> {
    Ok(match dict.term_ord_or_next(key)? {
        TermOrdHit::Exact(o) | TermOrdHit::Next(o) => o,
    })
}

impl SegmentCollector for TopFacetsSegment {
    type Fruit = Counts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        for ord in self.reader.facet_ords(doc) {
            if let Some(c) = self.counts.get_mut(ord as usize) {
                *c += 1;
            }
        }
    }

    fn harvest(self) -> Counts {
        let mut out = Vec::new();
        let mut facet = Facet::root();
        for (kind, start, end) in &self.ranges {
            let mut best: Vec<(u32, u64)> = (*start..*end)
                .filter_map(|o| {
                    let c = self.counts.get(o as usize).copied().unwrap_or(0);
                    (c > 0).then_some((c, o))
                })
                .collect();
            best.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            best.truncate(self.keep);
            for (count, ord) in best {
                if self.reader.facet_from_ord(ord, &mut facet).is_ok() {
                    if let [_, name] = facet.to_path().as_slice() {
                        out.push((kind.clone(), name.to_string(), u64::from(count)));
                    }
                }
            }
        }
        out
    }
}
