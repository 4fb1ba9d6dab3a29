//! Counting facet values over a result set, fast.
//!
//! tantivy's `FacetCollector` turns every facet value present in the hits
//! into its text before ranking; on a query that matches most of the corpus
//! ("said") that is a hundred thousand dictionary look-ups. This collector
//! counts ordinals and looks up only the values it keeps: the top `k` of
//! each kind ("person", "org", ...). It records the matching documents and
//! counts when the segment is done, the cheapest way for the hits' number:
//! a few hits' ordinals are sorted and counted in runs (no array of every
//! ordinal to zero and scan); more are counted in that array; and when most
//! documents match ("the"), every value of the segment is counted in one
//! bulk pass and the documents that did not match are taken away.

use rustc_hash::FxHashMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::TermOrdHit;
use tantivy::fastfield::FacetReader;
use tantivy::schema::Facet;
use tantivy::{DocId, Score, SegmentReader};

/// Ordinal ranges of each kind, per segment: segments never change, so a
/// process that searches many times looks them up once.
type RangeKey = (tantivy::index::SegmentId, String, Vec<String>);
type KindRanges = Vec<(String, u64, u64)>;
type Cache<K, V> = std::sync::LazyLock<std::sync::Mutex<FxHashMap<K, V>>>;
static RANGES: Cache<RangeKey, KindRanges> = std::sync::LazyLock::new(Default::default);

/// Names of facet ordinals already looked up (segment, field, ordinal):
/// the same top values come back query after query.
static NAMES: Cache<(tantivy::index::SegmentId, u32, u64), String> =
    std::sync::LazyLock::new(Default::default);
const NAME_CACHE_LIMIT: usize = 100_000;

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
    /// The facet ordinals of every document, for the bulk pass.
    ords: tantivy::columnar::Column<u64>,
    max_doc: DocId,
    /// Matching documents, in the order collected (ascending).
    docs: Vec<DocId>,
    segment: tantivy::index::SegmentId,
    /// The field's id in the schema, for the name cache.
    field_id: u32,
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
        // A facet field's column, opened once for both the per-document
        // reader and the bulk pass over its ordinals.
        let column = segment.fast_fields().str(&self.field)?.ok_or_else(|| {
            tantivy::TantivyError::SchemaError(format!("{} has no facet column", self.field))
        })?;
        let ords = column.ords().clone();
        let reader = FacetReader::new(column);
        let cache_key = (segment.segment_id(), self.field.clone(), self.kinds.clone());
        let cached = RANGES.lock().ok().and_then(|m| m.get(&cache_key).cloned());
        let ranges = match cached {
            Some(r) => r,
            None => {
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
                if let Ok(mut m) = RANGES.lock() {
                    m.insert(cache_key, ranges.clone());
                }
                ranges
            }
        };
        Ok(TopFacetsSegment {
            ords,
            max_doc: segment.max_doc(),
            docs: Vec::new(),
            segment: segment.segment_id(),
            field_id: segment.schema().get_field(&self.field)?.field_id(),
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

/// Up to this many hits, a segment's ordinals are sorted and counted in runs.
const LISTED_DOCS: usize = 1024;

impl TopFacetsSegment {
    /// (ordinal, count) of every value among the hits, in ordinal order.
    fn present(&mut self) -> Vec<(u64, u32)> {
        if !self.docs.is_sorted() {
            self.docs.sort_unstable();
        }
        if self.docs.len() <= LISTED_DOCS {
            let mut ords: Vec<u64> = self
                .docs
                .iter()
                .flat_map(|&d| self.reader.facet_ords(d))
                .collect();
            ords.sort_unstable();
            let mut runs: Vec<(u64, u32)> = Vec::new();
            for ord in ords {
                match runs.last_mut() {
                    Some((o, c)) if *o == ord => *c += 1,
                    _ => runs.push((ord, 1)),
                }
            }
            return runs;
        }
        let mut counts = vec![0u32; self.reader.num_facets()];
        if self.docs.len() <= self.max_doc as usize / 2 {
            for &doc in &self.docs {
                for ord in self.reader.facet_ords(doc) {
                    if let Some(c) = counts.get_mut(ord as usize) {
                        *c += 1;
                    }
                }
            }
        } else {
            // Every value of the segment (deleted documents' too), decoded
            // in blocks, minus the values of every document not collected.
            let values = &self.ords.values;
            let total = u64::from(values.num_vals());
            let mut block = vec![0u64; 16_384];
            let mut start = 0u64;
            while start < total {
                let len = (total - start).min(block.len() as u64) as usize;
                values.get_range(start, &mut block[..len]);
                for &ord in &block[..len] {
                    if let Some(c) = counts.get_mut(ord as usize) {
                        *c += 1;
                    }
                }
                start += len as u64;
            }
            // The gaps between collected documents (which come sorted).
            let mut next = 0;
            for &doc in self.docs.iter().chain(std::iter::once(&self.max_doc)) {
                for unmatched in next..doc {
                    for ord in self.reader.facet_ords(unmatched) {
                        if let Some(c) = counts.get_mut(ord as usize) {
                            *c = c.saturating_sub(1);
                        }
                    }
                }
                next = doc + 1;
            }
        }
        counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(o, c)| (o as u64, *c))
            .collect()
    }
}

impl SegmentCollector for TopFacetsSegment {
    type Fruit = Counts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.docs.push(doc);
    }

    fn harvest(mut self) -> Counts {
        let present = self.present();
        // The top values of each kind: (kind, count, ordinal), in output order.
        let mut kept: Vec<(usize, u32, u64)> = Vec::new();
        for (k, (_, start, end)) in self.ranges.iter().enumerate() {
            let from = present.partition_point(|(o, _)| o < start);
            let to = present.partition_point(|(o, _)| o < end);
            let mut best: Vec<(u32, u64)> = present[from..to.max(from)]
                .iter()
                .map(|&(o, c)| (c, o))
                .collect();
            let order = |a: &(u32, u64), b: &(u32, u64)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
            if best.len() > self.keep {
                best.select_nth_unstable_by(self.keep, order);
                best.truncate(self.keep);
            }
            best.sort_unstable_by(order);
            kept.extend(best.into_iter().map(|(c, o)| (k, c, o)));
        }
        let names = self.names(kept.iter().map(|&(_, _, o)| o));
        kept.into_iter()
            .filter_map(|(k, count, ord)| {
                let name = names.get(&ord)?.clone();
                Some((self.ranges[k].0.clone(), name, u64::from(count)))
            })
            .collect()
    }
}

impl TopFacetsSegment {
    /// Names of facet ordinals: cached ones from the cache, the others in
    /// one ordered pass over the dictionary (a look-up each would decode a
    /// dictionary block each).
    fn names(&self, ords: impl Iterator<Item = u64>) -> FxHashMap<u64, String> {
        let mut names: FxHashMap<u64, String> = FxHashMap::default();
        let mut missing: Vec<u64> = Vec::new();
        let cache = NAMES.lock().ok();
        for ord in ords {
            match cache
                .as_ref()
                .and_then(|c| c.get(&(self.segment, self.field_id, ord)))
            {
                Some(n) => {
                    names.insert(ord, n.clone());
                }
                None => missing.push(ord),
            }
        }
        drop(cache);
        missing.sort_unstable();
        missing.dedup();
        let mut found = missing.iter();
        let _ = self
            .reader
            .facet_dict()
            .sorted_ords_to_term_cb(&missing, |bytes| {
                let Some(&ord) = found.next() else { return };
                let facet = Facet::from_encoded(bytes.to_vec()).ok();
                if let Some(name) = facet.and_then(|f| f.to_path().get(1).map(|s| s.to_string())) {
                    names.insert(ord, name);
                }
            });
        if let Ok(mut cache) = NAMES.lock() {
            if cache.len() >= NAME_CACHE_LIMIT {
                cache.clear();
            }
            for ord in missing {
                if let Some(n) = names.get(&ord) {
                    cache.insert((self.segment, self.field_id, ord), n.clone());
                }
            }
        }
        names
    }
}
