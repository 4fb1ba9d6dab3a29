//! Counting facet values over a result set, fast.
//!
//! tantivy's `FacetCollector` turns every facet value present in the hits
//! into its text before ranking; on a query that matches most of the corpus
//! ("said") that is a hundred thousand dictionary look-ups. This collector
//! counts ordinals and looks up only the values it keeps: the top `k` of
//! each kind ("person", "org", ...). It records the matching documents (a
//! list, then a bit set once a list would be larger) and counts when the
//! segment is done, the cheapest way for the hits' number:
//! a few hits' ordinals are sorted and counted in runs (no array of every
//! ordinal to zero and scan); more are counted in that array; and when most
//! documents match ("the"), the counts start from every value's count in
//! the segment (recorded in its name table, or else counted in one bulk
//! pass) and the documents that did not match are taken away. Segments
//! are counted apart, so merging them asks each segment for the exact
//! count of every value another segment kept (see `TopFacets::merge`).
//!
//! Names come from a name table `newsgrep index` writes beside each
//! segment (ordinal → name, two reads a name), not from tantivy's facet
//! dictionary, which decodes on average half a dictionary block (~200
//! values) for every name: ~0.25 ms of a ~2 ms search process. A segment
//! without a table (an index written by an older newsgrep, or a run cut
//! short) is read through the dictionary as before.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rustc_hash::FxHashMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::column_index::MultiValueIndex;
use tantivy::columnar::{ColumnIndex, TermOrdHit};
use tantivy::directory::{Directory, MmapDirectory, OwnedBytes};
use tantivy::fastfield::FacetReader;
use tantivy::index::SegmentId;
use tantivy::schema::Facet;
use tantivy::{BitSet, DocId, Score, Searcher, SegmentReader};

use crate::error::Result;

/// Ordinal ranges of each kind, per segment: segments never change, so a
/// process that searches many times looks them up once.
type RangeKey = (tantivy::index::SegmentId, String, Vec<String>);
type KindRanges = Vec<(String, u64, u64)>;
type Cache<K, V> = std::sync::LazyLock<std::sync::Mutex<FxHashMap<K, V>>>;
static RANGES: Cache<RangeKey, KindRanges> = std::sync::LazyLock::new(Default::default);

/// (kind, name, paragraphs) for the top values of each kind.
pub type Counts = Vec<(String, String, u64)>;

/// Top-`k` facet values per kind of one or more facet fields (`/kind/name`
/// paths), one [`Counts`] a field. The fields share one record of the
/// matching documents: recording each hit once per field was a tenth of
/// the instructions of "the".
pub struct TopFacets {
    /// Each field with the kinds (first path parts) to count.
    fields: Vec<(String, Vec<String>)>,
    /// Kept per kind; 0 keeps every value.
    k: usize,
    names: NameTables,
}

impl TopFacets {
    pub fn new(names: &NameTables, fields: &[(&str, &[&str])], k: usize) -> TopFacets {
        TopFacets {
            fields: fields
                .iter()
                .map(|(field, kinds)| {
                    let kinds = kinds.iter().map(|s| s.to_string()).collect();
                    (field.to_string(), kinds)
                })
                .collect(),
            k,
            names: names.clone(),
        }
    }
}

/// Where the name tables of an index are.
#[derive(Clone, Default)]
pub struct NameTables {
    /// The index folder, mapped by tantivy's memory-map directory (not the
    /// index's own, which expects tantivy's footer on every file); `None`
    /// reads every name from the dictionaries.
    dir: Option<MmapDirectory>,
    /// The tables opened so far, kept mapped as long as these are: a
    /// segment's counters drop theirs when a search's facets are counted,
    /// and unmapping then, with the search threads running, interrupted
    /// the other core for every table.
    opened: Arc<Mutex<FxHashMap<(SegmentId, String), OwnedBytes>>>,
}

impl NameTables {
    pub fn open(index_dir: &Path) -> NameTables {
        NameTables {
            dir: MmapDirectory::open(index_dir).ok(),
            opened: Arc::default(),
        }
    }

    fn get(&self, segment: SegmentId, field: &str) -> Option<NameTable> {
        let table = NameTable::open(self.dir.as_ref()?, segment, field)?;
        if let Ok(mut opened) = self.opened.lock() {
            opened
                .entry((segment, field.to_string()))
                .or_insert_with(|| table.bytes.clone());
        }
        Some(table)
    }
}

pub struct TopFacetsSegment {
    fields: Vec<FieldCounter>,
    max_doc: DocId,
    /// Matching documents.
    hits: Hits,
    /// Values kept per kind in this segment: more than `k`, so that the
    /// merge's second round (see [`TopFacets::merge`]) is rarely needed.
    keep: usize,
}

/// One facet field of a segment, counted over the hits.
struct FieldCounter {
    reader: FacetReader,
    /// The facet ordinals of every document, for the bulk pass.
    ords: tantivy::columnar::Column<u64>,
    /// The segment's name table, if it has one.
    names: Option<NameTable>,
    /// Ordinal range of each kind in this segment's dictionary.
    ranges: Vec<(String, u64, u64)>,
}

impl TopFacets {
    fn field_counter(
        &self,
        segment: &SegmentReader,
        field: &str,
        kinds: &[String],
    ) -> tantivy::Result<FieldCounter> {
        // A facet field's column, opened once for both the per-document
        // reader and the bulk pass over its ordinals.
        let column = segment.fast_fields().str(field)?.ok_or_else(|| {
            tantivy::TantivyError::SchemaError(format!("{field} has no facet column"))
        })?;
        let ords = column.ords().clone();
        let reader = FacetReader::new(column);
        let names = self.names.get(segment.segment_id(), field);
        let cache_key = (segment.segment_id(), field.to_string(), kinds.to_vec());
        let cached = RANGES.lock().ok().and_then(|m| m.get(&cache_key).cloned());
        let ranges = match (cached, &names) {
            (Some(r), _) => r,
            // Two dictionary look-ups a kind took ~18 us a field and segment,
            // ~70 us of a ~1.1 ms query that matches nothing.
            (None, Some(table)) => kinds
                .iter()
                .map(|kind| {
                    let (start, end) = table.kind_range(kind);
                    (kind.clone(), start, end)
                })
                .collect(),
            (None, None) => {
                let dict = reader.facet_dict();
                let mut ranges = Vec::new();
                let n = reader.num_facets() as u64;
                for kind in kinds {
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
        Ok(FieldCounter {
            reader,
            ords,
            names,
            ranges,
        })
    }

    /// One field's counts from every segment, merged: the top `k` of each
    /// kind, each counted exactly.
    ///
    /// A segment hands over only its top values, so a value left out of one
    /// segment's top would miss that segment's count. Every value a segment
    /// kept is therefore counted in every other segment too (its ordinal
    /// there, by name). A value no segment kept has at most each segment's
    /// smallest kept count ("cut") in it, so it cannot reach the `k`-th
    /// total unless the cuts add up to that; then, in each segment, the
    /// values with at least the `k`-th total minus the other segments' cuts
    /// are counted as well (the "three-phase uniform threshold" of
    /// distributed top-k).
    fn merge(&self, kinds: &[String], segments: Vec<FieldFruit>) -> Counts {
        let mut out: Counts = Vec::new();
        for (ki, kind) in kinds.iter().enumerate() {
            let kept: Vec<FxHashMap<&str, u32>> = segments
                .iter()
                .map(|s| {
                    s.tops[ki]
                        .values
                        .iter()
                        .map(|(n, c)| (n.as_str(), *c))
                        .collect()
                })
                .collect();
            let count_in = |s: usize, name: &str| -> u64 {
                if let Some(&c) = kept[s].get(name) {
                    return u64::from(c);
                }
                segments[s].count_of(ki, name)
            };
            let mut totals: FxHashMap<String, u64> = FxHashMap::default();
            let add = |names: Vec<String>, totals: &mut FxHashMap<String, u64>| {
                for name in names {
                    if let std::collections::hash_map::Entry::Vacant(e) = totals.entry(name) {
                        let total = (0..segments.len()).map(|s| count_in(s, e.key())).sum();
                        e.insert(total);
                    }
                }
            };
            let first: Vec<String> = segments
                .iter()
                .flat_map(|s| s.tops[ki].values.iter().map(|(n, _)| n.clone()))
                .collect();
            add(first, &mut totals);
            let cuts: Vec<u64> = segments.iter().map(|s| u64::from(s.tops[ki].cut)).collect();
            let bound: u64 = cuts.iter().sum();
            if self.k > 0 && bound > 0 {
                let mut sorted: Vec<u64> = totals.values().copied().collect();
                sorted.sort_unstable_by(|a, b| b.cmp(a));
                // Some segment cut values, so it kept at least k of them.
                let kth = sorted.get(self.k - 1).copied().unwrap_or(0);
                if bound >= kth {
                    let mut more = Vec::new();
                    for (s, &cut) in segments.iter().zip(&cuts) {
                        if cut > 0 {
                            let need = kth.saturating_sub(bound - cut).max(1);
                            more.extend(s.names_with_at_least(ki, need));
                        }
                    }
                    add(more, &mut totals);
                }
            }
            let mut counts: Counts = totals
                .into_iter()
                .filter(|(_, c)| *c > 0)
                .map(|(n, c)| (kind.clone(), n, c))
                .collect();
            counts.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(&b.1)));
            if self.k > 0 {
                counts.truncate(self.k);
            }
            out.extend(counts);
        }
        out.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(&b.1)));
        out
    }
}

/// What a segment found of one field: its top values of each kind, and
/// what merging needs to count any other value in it.
pub struct FieldFruit {
    counter: FieldCounter,
    /// Every value among the hits, with its count.
    present: Present,
    /// Per kind, what the segment kept.
    tops: Vec<KindTop>,
}

/// A segment's top values of one kind.
struct KindTop {
    /// (name, count), most frequent first.
    values: Vec<(String, u32)>,
    /// The smallest kept count when some values were left out, else 0.
    cut: u32,
}

impl FieldFruit {
    /// The count among the hits of the value `name` of kind `ki`.
    fn count_of(&self, ki: usize, name: &str) -> u64 {
        if self.tops[ki].cut == 0 {
            return 0; // every value of the kind was kept
        }
        self.counter
            .ord_of(ki, name)
            .map_or(0, |ord| u64::from(self.present.count(ord)))
    }

    /// The names of kind `ki` counted at least `need` times among the hits.
    fn names_with_at_least(&self, ki: usize, need: u64) -> Vec<String> {
        let (start, end) = self.counter.range(ki);
        let mut ords = Vec::new();
        self.present.each_in(start, end, |o, c| {
            if u64::from(c) >= need {
                ords.push(o);
            }
        });
        self.counter.names(ords.into_iter()).into_values().collect()
    }
}

impl Collector for TopFacets {
    type Fruit = Vec<Counts>;
    type Child = TopFacetsSegment;

    fn for_segment(&self, _ord: u32, segment: &SegmentReader) -> tantivy::Result<TopFacetsSegment> {
        Ok(TopFacetsSegment {
            fields: self
                .fields
                .iter()
                .map(|(field, kinds)| self.field_counter(segment, field, kinds))
                .collect::<tantivy::Result<_>>()?,
            max_doc: segment.max_doc(),
            hits: Hits::Listed(Vec::new()),
            keep: if self.k == 0 { usize::MAX } else { self.k + 5 },
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<Vec<FieldFruit>>) -> tantivy::Result<Vec<Counts>> {
        let mut per_field: Vec<Vec<FieldFruit>> = std::iter::repeat_with(Vec::new)
            .take(self.fields.len())
            .collect();
        for seg in segments {
            for (field, fruit) in per_field.iter_mut().zip(seg) {
                field.push(fruit);
            }
        }
        Ok(per_field
            .into_iter()
            .zip(&self.fields)
            .map(|(segments, (_, kinds))| self.merge(kinds, segments))
            .collect())
    }
}

fn ord_or_next(dict: &tantivy::columnar::Dictionary, key: &[u8]) -> tantivy::Result<u64> {
    Ok(match dict.term_ord_or_next(key)? {
        TermOrdHit::Exact(o) | TermOrdHit::Next(o) => o,
    })
}

/// Up to this many hits, a segment's ordinals are sorted and counted in runs.
const LISTED_DOCS: usize = 1024;

impl FieldCounter {
    /// Every value among the hits (a list sorted ascending, or bits), with
    /// its count.
    fn present(&self, hits: &Hits, max_doc: DocId, buffers: &mut Buffers) -> Present {
        if let Hits::Listed(docs) = hits {
            if docs.len() <= LISTED_DOCS {
                let mut ords: Vec<u64> = Vec::new();
                self.each_value(buffers, docs, |ord| ords.push(ord));
                ords.sort_unstable();
                let mut runs: Vec<(u64, u32)> = Vec::new();
                for ord in ords {
                    match runs.last_mut() {
                        Some((o, c)) if *o == ord => *c += 1,
                        _ => runs.push((ord, 1)),
                    }
                }
                return Present::Listed(runs);
            }
        }
        if let Hits::Bits(bits) = hits {
            if bits.len() > max_doc as usize / 2 {
                return self.present_most(bits, buffers);
            }
        }
        // Counted in 16 bits, the counters touch half the memory: fresh
        // pages cost the search process a page fault each (~0.6 µs), and
        // this array's were a third of its faults. A value is counted once
        // a hit, rarely twice, so with fewer hits than 16 bits hold none
        // can overflow; with more ("said": 94,000 a segment) one could,
        // but even the commonest value of a 460,000-paragraph segment
        // (AllSides: "United States", 63,000) stays below. Counted again
        // in 32 bits if one overflows.
        let (present, whole) = self.present_some::<u16>(hits, buffers);
        if whole {
            return present;
        }
        self.present_some::<u32>(hits, buffers).0
    }

    /// [`FieldCounter::present`] for hits that are at most half of the
    /// segment, counted in `C`, and whether every value was counted (none
    /// overflowed `C`).
    fn present_some<C: Count>(&self, hits: &Hits, buffers: &mut Buffers) -> (Present, bool) {
        let mut counts = vec![C::default(); self.reader.num_facets()];
        let mut add = |ord: u64| {
            if let Some(c) = counts.get_mut(ord as usize) {
                c.add_one();
            }
        };
        let mut values = 0;
        match hits {
            Hits::Listed(docs) => values = self.each_value(buffers, docs, add),
            Hits::Bits(bits) => each_doc(bits, false, |batch| {
                values += self.each_value(buffers, batch, &mut add)
            }),
        }
        // A count that wrapped around lost some: checked once, not at
        // every addition.
        let total: u64 = counts.iter().map(|&c| u64::from(c.get())).sum();
        (C::present(counts), total == values as u64)
    }

    /// [`FieldCounter::present`] for hits that are most of the segment.
    fn present_most(&self, bits: &BitSet, buffers: &mut Buffers) -> Present {
        // Every value of the segment (deleted documents' too), minus the
        // values of every document not collected. The name table holds the
        // segment's counts, in 16 bits when they fit (half the memory to
        // touch, as in `present`); without a table they are counted.
        let n = self.reader.num_facets();
        let table = self.names.as_ref().filter(|t| t.n == n as u64);
        if let Some(table) = table {
            let mut counts = vec![0u16; n];
            if table.totals_into(&mut counts) {
                self.take_away_absent(bits, buffers, &mut counts);
                return Present::Dense16(counts);
            }
        }
        let mut counts = vec![0u32; n];
        match table {
            // A 32-bit total always fits: only a short table fails, before
            // writing any.
            Some(table) if table.totals_into(&mut counts) => {}
            _ => count_every_value(&self.ords.values, &mut counts),
        }
        self.take_away_absent(bits, buffers, &mut counts);
        Present::Dense(counts)
    }

    /// Takes one off `counts` for every value of the documents not in
    /// `bits`.
    fn take_away_absent<C: Count>(&self, bits: &BitSet, buffers: &mut Buffers, counts: &mut [C]) {
        // The clear bits: walking the gaps between collected documents
        // instead branched unpredictably at each (a fifth of the time of
        // "the").
        each_doc(bits, true, |batch| {
            self.each_value(buffers, batch, |ord| {
                if let Some(c) = counts.get_mut(ord as usize) {
                    c.take_one();
                }
            });
        });
    }

    /// Calls `f` with every value of `docs` (ascending); returns how many
    /// there were. tantivy's per-document look-up makes three dynamic calls
    /// a document (rank in the optional index, start and end offsets, then
    /// each value); done a batch of documents at a time (ranks block by
    /// block, then offsets and values in one call each) it is 1.3-2x faster.
    fn each_value(&self, buffers: &mut Buffers, docs: &[DocId], mut f: impl FnMut(u64)) -> usize {
        let ColumnIndex::Multivalued(MultiValueIndex::MultiValueIndexV2(index)) = &self.ords.index
        else {
            let mut n = 0;
            for &doc in docs {
                self.reader.facet_ords(doc).for_each(|ord| {
                    n += 1;
                    f(ord)
                });
            }
            return n;
        };
        let mut n = 0;
        let Buffers {
            with_values,
            ranks,
            bounds,
            offsets,
            rows,
            values,
        } = buffers;
        for batch in docs.chunks(BATCH) {
            with_values.clear();
            ranks.clear();
            index
                .optional_index
                .rank_if_exists_batch(batch, with_values, ranks);
            // Written by index, not `extend(flat_map(..))`, which checks the
            // capacity for every value: counting "said" 6% faster.
            overwritable(bounds, ranks.len() * 2);
            for (pair, &r) in bounds.chunks_exact_mut(2).zip(ranks.iter()) {
                pair[0] = r;
                pair[1] = r + 1;
            }
            overwritable(offsets, bounds.len());
            index.start_index_column.get_vals(bounds, offsets);
            let total: usize = offsets
                .chunks_exact(2)
                .map(|p| p[1].saturating_sub(p[0]) as usize)
                .sum();
            overwritable(rows, total);
            let mut at = 0;
            for p in offsets.chunks_exact(2) {
                for row in p[0]..p[1] {
                    rows[at] = row;
                    at += 1;
                }
            }
            overwritable(values, rows.len());
            self.ords.values.get_vals(rows, values);
            values.iter().copied().for_each(&mut f);
            n += values.len();
        }
        n
    }
}

/// The buffers [`FieldCounter::each_value`] decodes a batch of
/// documents through, kept from one batch to the next.
struct Buffers {
    with_values: Vec<DocId>,
    ranks: Vec<u32>,
    bounds: Vec<u32>,
    offsets: Vec<u32>,
    rows: Vec<u32>,
    values: Vec<u64>,
}

impl Default for Buffers {
    /// Made large enough at once for a batch of documents with a few
    /// values each: grown as needed, each buffer was copied into fresh
    /// memory several times, a page fault for every 4 KB touched.
    fn default() -> Buffers {
        Buffers {
            with_values: Vec::with_capacity(BATCH),
            ranks: Vec::with_capacity(BATCH),
            bounds: Vec::with_capacity(2 * BATCH),
            offsets: Vec::with_capacity(2 * BATCH),
            rows: Vec::with_capacity(4 * BATCH),
            values: Vec::with_capacity(4 * BATCH),
        }
    }
}

/// Gives `v` exactly `len` elements for a caller that overwrites them all,
/// zeroing only what it grows by: allocating and zeroing each batch's
/// buffers anew was a tenth of the instructions of counting "said".
fn overwritable<T: Copy + Default>(v: &mut Vec<T>, len: usize) {
    if v.len() > len {
        v.truncate(len);
    } else {
        v.resize(len, T::default());
    }
}

/// A counter of [`FieldCounter::present_some`]: 16 or 32 bits, wrapping
/// around when it overflows.
trait Count: Copy + Default {
    fn add_one(&mut self);
    /// One less, never below zero.
    fn take_one(&mut self);
    fn get(self) -> u32;
    /// A segment's total count of a value, if it fits.
    fn from_total(total: u32) -> Option<Self>;
    /// The counting array as the values counted (kept, not copied).
    fn present(counts: Vec<Self>) -> Present;
}

impl Count for u16 {
    fn add_one(&mut self) {
        *self = self.wrapping_add(1);
    }
    fn take_one(&mut self) {
        *self = self.saturating_sub(1);
    }
    fn get(self) -> u32 {
        u32::from(self)
    }
    fn from_total(total: u32) -> Option<u16> {
        u16::try_from(total).ok()
    }
    fn present(counts: Vec<u16>) -> Present {
        Present::Dense16(counts)
    }
}

impl Count for u32 {
    fn add_one(&mut self) {
        *self = self.wrapping_add(1);
    }
    fn take_one(&mut self) {
        *self = self.saturating_sub(1);
    }
    fn get(self) -> u32 {
        self
    }
    fn from_total(total: u32) -> Option<u32> {
        Some(total)
    }
    fn present(counts: Vec<u32>) -> Present {
        Present::Dense(counts)
    }
}

/// Calls `f` with (ordinal, count) of every nonzero count of `counts` with
/// an ordinal in `start..end`, in ordinal order. Runs of zeros (most of
/// the array when there were fewer hits than values) are skipped a block
/// at a time.
fn each_counted<C: Count>(counts: &[C], start: u64, end: u64, mut f: impl FnMut(u64, u32)) {
    const BLOCK: usize = 32;
    let to = (end as usize).min(counts.len());
    let from = (start as usize).min(to);
    for (b, block) in counts[from..to].chunks(BLOCK).enumerate() {
        if block.iter().fold(0, |any, &c| any | c.get()) == 0 {
            continue;
        }
        for (i, &c) in block.iter().enumerate() {
            if c.get() != 0 {
                f((from + b * BLOCK + i) as u64, c.get());
            }
        }
    }
}

/// Count down, then ordinal up: the order facet values are shown in.
fn by_count(a: &(u32, u64), b: &(u32, u64)) -> std::cmp::Ordering {
    b.0.cmp(&a.0).then(a.1.cmp(&b.1))
}

/// The `keep` first of the values offered ((ordinal, count)) in
/// [`by_count`] order. Chosen as they come, in a buffer of twice `keep`: a
/// kind can have tens of thousands of values in a segment ("said"), and
/// copying them all first cost a search process a page fault every 256
/// values.
struct Best {
    keep: usize,
    /// (count, ordinal), unsorted.
    best: Vec<(u32, u64)>,
    /// The worst value kept so far once `best` was cut down: a value that
    /// does not beat it cannot be among the first `keep`.
    bar: Option<(u32, u64)>,
    /// How many values were offered.
    offered: usize,
}

impl Best {
    fn new(keep: usize) -> Best {
        Best {
            keep,
            best: Vec::new(),
            bar: None,
            offered: 0,
        }
    }

    fn offer(&mut self, ordinal: u64, count: u32) {
        self.offered += 1;
        let v = (count, ordinal);
        if self.keep == 0 || self.bar.is_some_and(|b| by_count(&v, &b).is_ge()) {
            return;
        }
        if self.best.len() >= self.keep.saturating_mul(2) {
            self.cut();
            self.bar = self.best.iter().copied().max_by(by_count);
            if self.bar.is_some_and(|b| by_count(&v, &b).is_ge()) {
                return;
            }
        }
        self.best.push(v);
    }

    fn cut(&mut self) {
        if self.best.len() > self.keep {
            self.best.select_nth_unstable_by(self.keep, by_count);
            self.best.truncate(self.keep);
        }
    }

    /// The values kept, (count, ordinal) in [`by_count`] order, and how
    /// many were offered.
    fn finish(mut self) -> (Vec<(u32, u64)>, usize) {
        self.cut();
        self.best.sort_unstable_by(by_count);
        (self.best, self.offered)
    }
}

/// The values counted among a segment's hits.
enum Present {
    /// (ordinal, count) of each value counted, in ordinal order: a few
    /// hits' values, sorted and counted in runs.
    Listed(Vec<(u64, u32)>),
    /// A count for every ordinal, 0 for the values not counted: the
    /// counting array itself rather than a list of the values counted,
    /// which took up to four times the array's memory (`the`: ~400 of a
    /// search process's page faults) and, when few were, a list built in a
    /// pass as long as reading the array.
    Dense(Vec<u32>),
    /// The same in 16 bits (see [`FieldCounter::present`]).
    Dense16(Vec<u16>),
}

impl Present {
    /// Calls `f` with (ordinal, count) of every value counted with an
    /// ordinal in `start..end`, in ordinal order.
    fn each_in(&self, start: u64, end: u64, mut f: impl FnMut(u64, u32)) {
        match self {
            Present::Listed(values) => {
                let from = values.partition_point(|(o, _)| *o < start);
                let to = values.partition_point(|(o, _)| *o < end).max(from);
                for &(o, c) in &values[from..to] {
                    f(o, c);
                }
            }
            Present::Dense(counts) => each_counted(counts, start, end, f),
            Present::Dense16(counts) => each_counted(counts, start, end, f),
        }
    }

    /// The count of the value with ordinal `ord` (0 if it was not counted).
    fn count(&self, ord: u64) -> u32 {
        match self {
            Present::Listed(values) => values
                .binary_search_by_key(&ord, |p| p.0)
                .map_or(0, |i| values[i].1),
            Present::Dense(counts) => counts.get(ord as usize).copied().unwrap_or(0),
            Present::Dense16(counts) => counts.get(ord as usize).map_or(0, |&c| u32::from(c)),
        }
    }
}

/// Adds one to `counts` for every value of a column (every ordinal of a
/// segment's facet field), decoded in blocks.
fn count_every_value(values: &dyn tantivy::columnar::ColumnValues<u64>, counts: &mut [u32]) {
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
}

/// Documents looked up at a time.
const BATCH: usize = 1024;

/// A segment's hits: listed while few, then a bit a document, once a list
/// would take more memory than the bits (a 32nd of the segment). Listing
/// every hit of "the" grew a vector of 1.5 MB per facet field and
/// segment, half of that search's 3,000 page faults.
enum Hits {
    Listed(Vec<DocId>),
    Bits(BitSet),
}

impl Hits {
    fn add(&mut self, docs: &[DocId], max_doc: DocId) {
        let insert = |bits: &mut BitSet, docs: &[DocId]| {
            for &doc in docs.iter().filter(|&&d| d < max_doc) {
                bits.insert(doc);
            }
        };
        match self {
            Hits::Listed(list) => {
                list.extend_from_slice(docs);
                if list.len() > (max_doc as usize / 32).max(LISTED_DOCS) {
                    let mut bits = BitSet::with_max_value(max_doc);
                    insert(&mut bits, list);
                    *self = Hits::Bits(bits);
                }
            }
            Hits::Bits(bits) => insert(bits, docs),
        }
    }
}

/// Calls `f` with the documents of `bits` (or, with `absent`, the others
/// below its maximum), ascending, a batch at a time.
fn each_doc(bits: &BitSet, absent: bool, mut f: impl FnMut(&[DocId])) {
    let max_doc = bits.max_value();
    let mut batch: Vec<DocId> = Vec::with_capacity(BATCH);
    for bucket in 0..max_doc.div_ceil(64) {
        let first = bucket * 64;
        let mut word = u64::from_le_bytes(bits.tinyset(bucket).into_bytes());
        if absent {
            word = !word;
            // No documents past max_doc in the last word.
            if max_doc - first < 64 {
                word &= (1u64 << (max_doc - first)) - 1;
            }
        }
        while word != 0 {
            batch.push(first + word.trailing_zeros());
            word &= word - 1;
            if batch.len() == BATCH {
                f(&batch);
                batch.clear();
            }
        }
    }
    if !batch.is_empty() {
        f(&batch);
    }
}

impl SegmentCollector for TopFacetsSegment {
    type Fruit = Vec<FieldFruit>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.hits.add(&[doc], self.max_doc);
    }

    /// Unscored passes hand over documents a block at a time.
    fn collect_block(&mut self, docs: &[DocId]) {
        self.hits.add(docs, self.max_doc);
    }

    fn harvest(self) -> Vec<FieldFruit> {
        let mut hits = self.hits;
        if let Hits::Listed(docs) = &mut hits {
            if !docs.is_sorted() {
                docs.sort_unstable();
            }
        }
        let mut buffers = Buffers::default();
        self.fields
            .into_iter()
            .map(|counter| {
                let present = counter.present(&hits, self.max_doc, &mut buffers);
                let tops = counter.top(&present, self.keep);
                FieldFruit {
                    counter,
                    present,
                    tops,
                }
            })
            .collect()
    }
}

impl FieldCounter {
    /// The ordinals of kind `ki`: a kind's values are one run of them.
    fn range(&self, ki: usize) -> (u64, u64) {
        let (_, start, end) = &self.ranges[ki];
        (*start, *end)
    }

    /// The top `keep` values of each kind among `present`, named.
    fn top(&self, present: &Present, keep: usize) -> Vec<KindTop> {
        // The top values of each kind: (count, ordinal), in output order,
        // and the smallest count kept if some were left out.
        let mut kept: Vec<(Vec<(u32, u64)>, u32)> = Vec::new();
        for ki in 0..self.ranges.len() {
            let (start, end) = self.range(ki);
            let mut best = Best::new(keep);
            present.each_in(start, end, |o, c| best.offer(o, c));
            let (best, offered) = best.finish();
            let cuts = offered > keep;
            let cut = if cuts {
                best.last().map_or(0, |b| b.0)
            } else {
                0
            };
            kept.push((best, cut));
        }
        let names = self.names(kept.iter().flat_map(|(best, _)| best).map(|&(_, o)| o));
        kept.into_iter()
            .map(|(best, cut)| KindTop {
                values: best
                    .into_iter()
                    .filter_map(|(count, ord)| Some((names.get(&ord)?.clone(), count)))
                    .collect(),
                cut,
            })
            .collect()
    }

    /// The ordinal of the value `name` of kind `ki`, if the segment has it.
    fn ord_of(&self, ki: usize, name: &str) -> Option<u64> {
        let (kind, start, end) = &self.ranges[ki];
        let Some(table) = &self.names else {
            let key = format!("{kind}\u{0}{name}");
            return self.reader.facet_dict().term_ord(key.as_bytes()).ok()?;
        };
        // A kind's values are one run of the dictionary, in byte order.
        let (mut lo, mut hi) = (*start, *end);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match table.name_bytes(mid)?.cmp(name.as_bytes()) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// Names of facet ordinals: from the segment's name table, or else in
    /// one ordered pass over the dictionary (a look-up each would decode a
    /// dictionary block each).
    fn names(&self, ords: impl Iterator<Item = u64>) -> FxHashMap<u64, String> {
        let mut names: FxHashMap<u64, String> = FxHashMap::default();
        let mut missing: Vec<u64> = Vec::new();
        for ord in ords {
            match self.names.as_ref().and_then(|t| t.name(ord)) {
                Some(n) => {
                    names.insert(ord, n.to_string());
                }
                None => missing.push(ord),
            }
        }
        missing.sort_unstable();
        missing.dedup();
        let mut found = missing.iter();
        let _ = self
            .reader
            .facet_dict()
            .sorted_ords_to_term_cb(&missing, |bytes| {
                let Some(&ord) = found.next() else { return };
                if let Some(name) = leaf_name(bytes) {
                    names.insert(ord, name);
                }
            });
        names
    }
}

/// The name part of an encoded facet value ("person\0John Kirby").
fn leaf_name(encoded: &[u8]) -> Option<String> {
    let facet = Facet::from_encoded(encoded.to_vec()).ok()?;
    facet.to_path().get(1).map(|s| s.to_string())
}

pub const NAME_TABLE_PREFIX: &str = "newsgrep-names-";
/// Version 2 added each kind's ordinal range and each value's count; a
/// version 1 table is rewritten by the next `newsgrep index`.
const NAME_TABLE_MAGIC: &[u8] = b"newsgrep-names 2\n";

fn name_table_file(segment: SegmentId, field: &str) -> String {
    format!("{NAME_TABLE_PREFIX}{}-{field}.bin", segment.uuid_string())
}

/// What `newsgrep index` records of a segment's facet field, by ordinal,
/// so that a search does not decode it from tantivy's dictionary and
/// column: the magic line, then (little-endian) the number of values `n`
/// (u64), `n + 1` offsets (u32) into the names, `n` counts (u32: the
/// value's occurrences in the segment, deleted documents included), the
/// number of kinds (u32) and for each its ordinal range (two u64) and name
/// (u16 length, bytes), then the names. Read in place from tantivy's
/// memory map.
struct NameTable {
    bytes: OwnedBytes,
    n: u64,
    /// Where the counts start.
    totals: usize,
    /// (kind, first ordinal, end ordinal).
    kinds: Vec<(String, u64, u64)>,
    /// Where the names start.
    base: usize,
}

/// A little-endian reader over a table's bytes that fails instead of
/// panicking on a short or damaged file.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, len: usize) -> Option<&'a [u8]> {
        let b = self.bytes.get(self.at..self.at.checked_add(len)?)?;
        self.at += len;
        Some(b)
    }

    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes(self.take(2)?.try_into().ok()?))
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
}

impl NameTable {
    /// The table of `field` in `segment`, if there is a whole one.
    fn open(directory: &dyn Directory, segment: SegmentId, field: &str) -> Option<NameTable> {
        let path = PathBuf::from(name_table_file(segment, field));
        let handle = directory.get_file_handle(&path).ok()?;
        let bytes = handle.read_bytes(0..handle.len()).ok()?;
        let mut c = Cursor {
            bytes: bytes.as_slice(),
            at: 0,
        };
        if c.take(NAME_TABLE_MAGIC.len())? != NAME_TABLE_MAGIC {
            return None;
        }
        let n = c.u64()?;
        let count = usize::try_from(n).ok()?;
        c.take(count.checked_add(1)?.checked_mul(4)?)?;
        let totals = c.at;
        c.take(count.checked_mul(4)?)?;
        let mut kinds = Vec::new();
        for _ in 0..c.u32()? {
            let (start, end) = (c.u64()?, c.u64()?);
            let len = usize::from(c.u16()?);
            let kind = std::str::from_utf8(c.take(len)?).ok()?.to_string();
            kinds.push((kind, start.min(n), end.min(n).max(start.min(n))));
        }
        let base = c.at;
        let table = NameTable {
            bytes,
            n,
            totals,
            kinds,
            base,
        };
        // A table cut short (a crash while writing) is not used.
        let end = table.offset(n)?;
        (base.checked_add(end)? == table.bytes.len()).then_some(table)
    }

    fn offset(&self, i: u64) -> Option<usize> {
        let at = NAME_TABLE_MAGIC.len() + 8 + usize::try_from(i).ok()? * 4;
        let b = self.bytes.as_slice().get(at..at + 4)?;
        Some(u32::from_le_bytes(b.try_into().ok()?) as usize)
    }

    fn name(&self, ord: u64) -> Option<&str> {
        std::str::from_utf8(self.name_bytes(ord)?)
            .ok()
            .filter(|s| !s.is_empty())
    }

    /// The bytes of a name, unchecked: enough to compare it.
    fn name_bytes(&self, ord: u64) -> Option<&[u8]> {
        if ord >= self.n {
            return None;
        }
        let (start, end) = (self.offset(ord)?, self.offset(ord + 1)?);
        self.bytes
            .as_slice()
            .get(self.base + start..self.base + end)
    }

    /// The ordinals of `kind`'s values: empty when the segment has none.
    fn kind_range(&self, kind: &str) -> (u64, u64) {
        self.kinds
            .iter()
            .find(|(k, _, _)| k == kind)
            .map_or((0, 0), |&(_, start, end)| (start, end))
    }

    /// Sets `counts` (one per ordinal) to every value's count in the
    /// segment; false if one does not fit in `C` (or the table is short).
    fn totals_into<C: Count>(&self, counts: &mut [C]) -> bool {
        let Some(raw) = self
            .bytes
            .as_slice()
            .get(self.totals..self.totals + counts.len() * 4)
        else {
            return false;
        };
        for (c, b) in counts.iter_mut().zip(raw.chunks_exact(4)) {
            match C::from_total(u32::from_le_bytes([b[0], b[1], b[2], b[3]])) {
                Some(total) => *c = total,
                None => return false,
            }
        }
        true
    }

    /// The table's bytes for `values` (name, if it has one, and count, by
    /// ordinal) and `kinds` ((kind, start, end) ordinal ranges).
    fn to_bytes(values: &[(Option<String>, u32)], kinds: &[(String, u64, u64)]) -> Option<Vec<u8>> {
        let total: usize = values
            .iter()
            .filter_map(|v| v.0.as_ref())
            .map(String::len)
            .sum();
        u32::try_from(total).ok()?;
        let mut out = NAME_TABLE_MAGIC.to_vec();
        out.extend((values.len() as u64).to_le_bytes());
        let mut at = 0u32;
        out.extend(at.to_le_bytes());
        for (name, _) in values {
            at += name.as_deref().map_or(0, str::len) as u32;
            out.extend(at.to_le_bytes());
        }
        for (_, count) in values {
            out.extend(count.to_le_bytes());
        }
        out.extend(u32::try_from(kinds.len()).ok()?.to_le_bytes());
        for (kind, start, end) in kinds {
            out.extend(start.to_le_bytes());
            out.extend(end.to_le_bytes());
            out.extend(u16::try_from(kind.len()).ok()?.to_le_bytes());
            out.extend(kind.as_bytes());
        }
        for name in values.iter().filter_map(|v| v.0.as_ref()) {
            out.extend(name.as_bytes());
        }
        Some(out)
    }
}

/// The kind part of an encoded facet value ("person\0John Kirby").
fn kind_of(encoded: &[u8]) -> Option<&[u8]> {
    let end = encoded.iter().position(|&b| b == 0)?;
    Some(&encoded[..end])
}

/// Writes the name tables the segments of `searcher` lack (or have in an
/// older version), for `fields`, and removes those of segments gone
/// (merged or deleted). Each table is written whole under a temporary name
/// and renamed, so a search never sees half of one.
pub fn write_name_tables(searcher: &Searcher, dir: &Path, fields: &[&str]) -> Result<()> {
    let tables = NameTables::open(dir);
    let mut keep = Vec::new();
    for segment in searcher.segment_readers() {
        for &field in fields {
            let file = name_table_file(segment.segment_id(), field);
            let path = dir.join(&file);
            if tables.get(segment.segment_id(), field).is_some() {
                keep.push(file);
                continue;
            }
            let Some(column) = segment.fast_fields().str(field)? else {
                continue;
            };
            let mut counts = vec![0u32; column.num_terms()];
            count_every_value(&*column.ords().values, &mut counts);
            let mut values = Vec::with_capacity(column.num_terms());
            let mut kinds: Vec<(String, u64, u64)> = Vec::new();
            let mut stream = column.dictionary().stream()?;
            while stream.advance() {
                let ord = values.len() as u64;
                // The dictionary is sorted, so each kind's values are one run.
                if let Some(kind) = kind_of(stream.key()) {
                    match kinds.last_mut() {
                        Some((k, _, end)) if k.as_bytes() == kind => *end = ord + 1,
                        _ => kinds.push((String::from_utf8_lossy(kind).into_owned(), ord, ord + 1)),
                    }
                }
                let count = counts.get(ord as usize).copied().unwrap_or(0);
                values.push((leaf_name(stream.key()), count));
            }
            let Some(bytes) = NameTable::to_bytes(&values, &kinds) else {
                continue; // over 4 GB of names: the dictionary will do
            };
            let tmp = dir.join(format!("{file}.tmp"));
            std::fs::write(&tmp, bytes)?;
            std::fs::rename(&tmp, &path)?;
            keep.push(file);
        }
    }
    for entry in std::fs::read_dir(dir)?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(NAME_TABLE_PREFIX) && !keep.contains(&name) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{FacetOptions, Schema};
    use tantivy::{doc, Index};

    /// Choosing the first values as they come (in ordinal order, as
    /// counted) keeps the same values as sorting them all, ties in count
    /// broken by ordinal, for `keep` below, at and above the number of values.
    #[test]
    fn best_values_are_those_of_a_full_sort() {
        let mut seed = 7u64;
        let mut next = move || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as u32
        };
        for n in [0usize, 1, 9, 10, 20, 21, 300, 5000] {
            // Ordinals ascending (as counted), counts from a small range so
            // that many tie.
            let values: Vec<(u64, u32)> = (0..n).map(|i| (i as u64 * 3, 1 + next() % 7)).collect();
            for keep in [1usize, 5, 10, 15, n, usize::MAX] {
                let mut all: Vec<(u32, u64)> = values.iter().map(|&(o, c)| (c, o)).collect();
                all.sort_unstable_by(by_count);
                all.truncate(keep);
                let mut best = Best::new(keep);
                for &(o, c) in &values {
                    best.offer(o, c);
                }
                assert_eq!(best.finish(), (all, n), "n {n}, keep {keep}");
            }
        }
    }

    /// A list of the values counted and an array of every count answer
    /// alike: the values in a range of ordinals, in order, and any one count.
    #[test]
    fn listed_and_dense_counts_agree() {
        // Past one block of 32, with empty blocks between counts.
        let mut dense = vec![0u32; 100];
        for (o, c) in [(1, 3), (4, 1), (5, 7), (7, 2), (40, 9), (95, 1)] {
            dense[o] = c;
        }
        let listed: Vec<(u64, u32)> = (0..dense.len())
            .filter(|&o| dense[o] != 0)
            .map(|o| (o as u64, dense[o]))
            .collect();
        let short: Vec<u16> = dense.iter().map(|&c| c as u16).collect();
        let (listed, dense, short) = (
            Present::Listed(listed),
            Present::Dense(dense),
            Present::Dense16(short),
        );
        for (start, end) in [
            (0, 100),
            (1, 5),
            (2, 4),
            (5, 100),
            (9, 12),
            (6, 3),
            (33, 41),
        ] {
            let mut a = Vec::new();
            let mut b = Vec::new();
            let mut c = Vec::new();
            listed.each_in(start, end, |o, n| a.push((o, n)));
            dense.each_in(start, end, |o, n| b.push((o, n)));
            short.each_in(start, end, |o, n| c.push((o, n)));
            assert_eq!(a, b, "{start}..{end}");
            assert_eq!(a, c, "{start}..{end}");
        }
        for ord in 0..110 {
            assert_eq!(listed.count(ord), dense.count(ord), "ordinal {ord}");
            assert_eq!(listed.count(ord), short.count(ord), "ordinal {ord}");
        }
        assert_eq!(dense.count(40), 9);
    }

    /// Each way of counting (few hits listed and sorted, more counted in an
    /// array from a list or from a bit set, most taken away from the
    /// segment's totals) gives the counts of a plain pass, handed documents
    /// one by one or a block at a time, for each of two fields counted over
    /// the same hits.
    #[test]
    fn counts_are_exact_for_few_some_and_most_hits() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut schema = Schema::builder();
        let entity = schema.add_facet_field("entity", FacetOptions::default());
        let speaker = schema.add_facet_field("speaker", FacetOptions::default());
        let word = schema.add_text_field("w", tantivy::schema::STRING);
        let index = Index::create_in_dir(dir.path(), schema.build()).expect("index");
        let mut writer = index
            .writer_with_num_threads(1, 50_000_000)
            .expect("writer");
        // 40,001 documents: hits are listed up to 1,250 (a 32nd), and the
        // last bit-set word is partly past the end.
        let n = 40_001u32;
        let words_of = |i: u32| {
            let mut w = vec!["all"];
            if !i.is_multiple_of(5) {
                w.push("most"); // 32,000: taken away from the totals
            }
            if i.is_multiple_of(3) {
                w.push("some"); // 13,334: a bit set, counted in an array
            }
            if i.is_multiple_of(35) {
                w.push("rare"); // 1,143: a list, counted in an array
            }
            if i.is_multiple_of(100) {
                w.push("few"); // 401: a list, sorted
            }
            w
        };
        let facets_of = |field: usize, i: u32| {
            let mut f = Vec::new();
            if field == 0 {
                if !i.is_multiple_of(3) {
                    f.push(format!("/person/P{}", i % 7));
                }
                if i.is_multiple_of(2) {
                    f.push(format!("/place/L{}", i % 11));
                }
                // The same value five times in each document with "some":
                // counted 66,670 times among 13,334 hits, more than 16 bits
                // hold.
                if i.is_multiple_of(3) {
                    f.extend(std::iter::repeat_n("/person/Again".to_string(), 5));
                }
            } else {
                if i.is_multiple_of(4) {
                    f.push(format!("/person/S{}", i % 13));
                }
                if i % 6 == 1 {
                    f.push(format!("/org/O{}", i % 5));
                }
            }
            f
        };
        for i in 0..n {
            let mut d = doc!();
            for w in words_of(i) {
                d.add_text(word, w);
            }
            for (field, facet) in [(0, entity), (1, speaker)] {
                for f in facets_of(field, i) {
                    d.add_facet(facet, Facet::from(f.as_str()));
                }
            }
            writer.add_document(d).expect("add");
        }
        writer.commit().expect("commit");
        let searcher = index.reader().expect("reader").searcher();
        write_name_tables(&searcher, dir.path(), &["entity", "speaker"]).expect("write");
        let tables = NameTables::open(dir.path());
        for w in ["all", "most", "some", "rare", "few"] {
            let expected: Vec<Counts> = (0..2)
                .map(|field| {
                    let mut counts: Counts = Vec::new();
                    for i in (0..n).filter(|&i| words_of(i).contains(&w)) {
                        for f in facets_of(field, i) {
                            let mut parts = f.trim_start_matches('/').splitn(2, '/');
                            let kind = parts.next().unwrap_or("");
                            let name = parts.next().unwrap_or("");
                            match counts.iter_mut().find(|(k, v, _)| k == kind && v == name) {
                                Some(e) => e.2 += 1,
                                None => counts.push((kind.into(), name.into(), 1)),
                            }
                        }
                    }
                    counts.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(&b.1)));
                    counts
                })
                .collect();
            let query = tantivy::query::TermQuery::new(
                tantivy::Term::from_field_text(word, w),
                tantivy::schema::IndexRecordOption::Basic,
            );
            let top = || {
                TopFacets::new(
                    &tables,
                    &[
                        ("entity", &["person", "place"]),
                        ("speaker", &["person", "org"]),
                    ],
                    0,
                )
            };
            let (_, blocks) = searcher
                .search(&query, &(tantivy::collector::Count, top()))
                .expect("search");
            let (_, one_by_one) = searcher
                .search(
                    &query,
                    &(
                        tantivy::collector::TopDocs::with_limit(1).order_by_score(),
                        top(),
                    ),
                )
                .expect("search");
            assert_eq!(blocks, expected, "{w}");
            assert_eq!(one_by_one, expected, "{w}");
        }
    }

    /// The top `k` over several segments, each with its own favourite
    /// values, is the top `k` of exact counts: a value outside one
    /// segment's kept values still gets that segment's count, and one no
    /// segment kept still ranks when its counts add up.
    #[test]
    fn top_values_over_segments_are_counted_exactly() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut schema = Schema::builder();
        let entity = schema.add_facet_field("entity", FacetOptions::default());
        let word = schema.add_text_field("w", tantivy::schema::STRING);
        let index = Index::create_in_dir(dir.path(), schema.build()).expect("index");
        let mut writer = index
            .writer_with_num_threads(1, 15_000_000)
            .expect("writer");
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        // Segment s: its own people "s<s>v00".."s<s>v11" 10 times each, "x"
        // 2 times (25 in the last), "y" 9 times: under every segment's cut
        // of 10; places "p<s>" 3 + s times and "q" once.
        let mut docs: Vec<(String, Vec<String>)> = Vec::new();
        for s in 0..4 {
            let mut segment = Vec::new();
            for v in 0..12 {
                for i in 0..10 {
                    segment.push(format!("/person/s{s}v{v:02}/{i}"));
                }
            }
            let x = if s == 3 { 25 } else { 2 };
            segment.extend((0..x).map(|i| format!("/person/x/{i}")));
            segment.extend((0..9).map(|i| format!("/person/y/{i}")));
            segment.extend((0..(3 + s)).map(|i| format!("/place/p{s}/{i}")));
            segment.push("/place/q/0".to_string());
            for (n, v) in segment.iter().enumerate() {
                // "/kind/name/i": one document a value; the word splits them.
                let path: Vec<&str> = v.trim_start_matches('/').split('/').collect();
                let w = if n % 3 == 0 { "third" } else { "rest" };
                let mut d = doc!(word => w);
                d.add_facet(entity, Facet::from_path([path[0], path[1]]));
                writer.add_document(d).expect("add");
                docs.push((w.to_string(), vec![format!("{}/{}", path[0], path[1])]));
            }
            writer.commit().expect("commit");
        }
        let searcher = index.reader().expect("reader").searcher();
        assert_eq!(searcher.segment_readers().len(), 4);
        write_name_tables(&searcher, dir.path(), &["entity"]).expect("write");
        let expected = |k: usize, w: Option<&str>| -> Counts {
            let mut all: FxHashMap<(String, String), u64> = FxHashMap::default();
            for (dw, values) in &docs {
                if w.is_none_or(|w| w == dw) {
                    for v in values {
                        let (kind, name) = v.split_once('/').expect("kind/name");
                        *all.entry((kind.into(), name.into())).or_default() += 1;
                    }
                }
            }
            let mut counts: Counts = all.into_iter().map(|((k, n), c)| (k, n, c)).collect();
            counts.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(&b.1)));
            let mut per_kind: FxHashMap<String, usize> = FxHashMap::default();
            counts.retain(|(kind, _, _)| {
                let n = per_kind.entry(kind.clone()).or_default();
                *n += 1;
                *n <= k
            });
            counts
        };
        for names in [NameTables::open(dir.path()), NameTables::default()] {
            for k in [1, 2, 3, 5] {
                for w in [None, Some("third"), Some("rest")] {
                    let top = TopFacets::new(&names, &[("entity", &["person", "place"])], k);
                    let got = match w {
                        None => searcher.search(&tantivy::query::AllQuery, &top),
                        Some(w) => searcher.search(
                            &tantivy::query::TermQuery::new(
                                tantivy::Term::from_field_text(word, w),
                                tantivy::schema::IndexRecordOption::Basic,
                            ),
                            &top,
                        ),
                    }
                    .expect("search")
                    .remove(0);
                    assert_eq!(got, expected(k, w), "k {k}, word {w:?}");
                }
            }
            // x: 2 + 2 + 2 + 25, though only the last segment keeps it;
            // y: 9 in each segment, kept by none.
            let top = TopFacets::new(&names, &[("entity", &["person", "place"])], 1);
            let got = searcher
                .search(&tantivy::query::AllQuery, &top)
                .expect("search");
            assert_eq!(
                got[0],
                vec![
                    ("person".to_string(), "y".to_string(), 36),
                    ("place".to_string(), "p3".to_string(), 6)
                ]
            );
            let top = TopFacets::new(&names, &[("entity", &["person"])], 2);
            let got = searcher
                .search(&tantivy::query::AllQuery, &top)
                .expect("search");
            assert_eq!(got[0][1], ("person".to_string(), "x".to_string(), 31));
        }
    }

    #[test]
    fn name_tables_give_the_dictionarys_names_and_go_with_their_segment() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut schema = Schema::builder();
        let entity = schema.add_facet_field("entity", FacetOptions::default());
        let index = Index::create_in_dir(dir.path(), schema.build()).expect("index");
        let mut writer = index
            .writer_with_num_threads(1, 15_000_000)
            .expect("writer");
        for names in [
            vec!["/person/John Kirby", "/place/Kyiv"],
            vec!["/person/Zoë Ångström", "/org/NATO"],
            vec!["/person/John Kirby", "/place/Kyiv"],
        ] {
            let mut d = doc!();
            for n in names {
                d.add_facet(entity, Facet::from(n));
            }
            writer.add_document(d).expect("add");
        }
        writer.commit().expect("commit");
        let searcher = index.reader().expect("reader").searcher();
        write_name_tables(&searcher, dir.path(), &["entity"]).expect("write");
        let segment = &searcher.segment_readers()[0];
        let tables = NameTables::open(dir.path());
        let table = tables
            .get(segment.segment_id(), "entity")
            .expect("a whole table");
        let column = segment
            .fast_fields()
            .str("entity")
            .expect("column")
            .expect("some");
        let mut stream = column.dictionary().stream().expect("stream");
        let mut ord = 0;
        while stream.advance() {
            assert_eq!(table.name(ord).map(str::to_string), leaf_name(stream.key()));
            ord += 1;
        }
        assert_eq!(ord, 4);
        assert_eq!(table.name(ord), None);

        // Kind ranges as the dictionary gives them; a kind absent is empty.
        let dict = column.dictionary();
        for kind in ["org", "person", "place"] {
            let start = ord_or_next(dict, format!("{kind}\u{0}").as_bytes()).expect("ord");
            let end = ord_or_next(dict, format!("{kind}\u{1}").as_bytes()).expect("ord");
            assert_eq!(table.kind_range(kind), (start, end.min(4)), "{kind}");
        }
        let (start, end) = table.kind_range("weapon");
        assert_eq!(start, end);
        // Counts as a pass over the column gives them: Kirby and Kyiv twice.
        let mut counted = vec![0u32; 4];
        count_every_value(&*column.ords().values, &mut counted);
        let mut recorded = vec![0u32; 4];
        table.totals_into(&mut recorded);
        assert_eq!(recorded, counted);
        assert_eq!(recorded.iter().sum::<u32>(), 6);

        // The top facets of every document are the same with the table and
        // with the dictionary alone (the bulk pass counts them then).
        let all = |names: &NameTables| {
            let top = TopFacets::new(
                names,
                &[("entity", &["person", "place", "org", "weapon"])],
                10,
            );
            searcher
                .search(&tantivy::query::AllQuery, &top)
                .expect("search")
                .remove(0)
        };
        let with_table = all(&tables);
        assert_eq!(
            with_table,
            all(&NameTables::default()),
            "table and dictionary disagree"
        );
        assert!(with_table.contains(&("person".into(), "John Kirby".into(), 2)));

        // A table of the first version is not used, and is written anew.
        let file = dir
            .path()
            .join(name_table_file(segment.segment_id(), "entity"));
        let v2 = std::fs::read(&file).expect("read");
        let mut v1 = b"newsgrep-names 1\n".to_vec();
        v1.extend(&v2[NAME_TABLE_MAGIC.len()..]);
        std::fs::write(&file, v1).expect("old table");
        assert!(NameTables::open(dir.path())
            .get(segment.segment_id(), "entity")
            .is_none());
        write_name_tables(&searcher, dir.path(), &["entity"]).expect("rewrite");
        assert_eq!(std::fs::read(&file).expect("read"), v2);

        // A table cut short is not used; a segment gone takes its table.
        let file = dir
            .path()
            .join(name_table_file(segment.segment_id(), "entity"));
        let whole = std::fs::read(&file).expect("read");
        std::fs::write(&file, &whole[..whole.len() - 1]).expect("cut");
        let fresh = NameTables::open(dir.path());
        assert!(fresh.get(segment.segment_id(), "entity").is_none());
        std::fs::write(
            dir.path()
                .join(format!("{NAME_TABLE_PREFIX}0000-entity.bin")),
            b"x",
        )
        .expect("stale");
        write_name_tables(&searcher, dir.path(), &["entity"]).expect("write");
        let ours: Vec<String> = std::fs::read_dir(dir.path())
            .expect("list")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(NAME_TABLE_PREFIX))
            .collect();
        assert_eq!(ours, vec![name_table_file(segment.segment_id(), "entity")]);
    }
}
