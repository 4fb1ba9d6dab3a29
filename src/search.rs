//! Answering a query: BM25 over paragraph text (the title as a boost),
//! facet filters, facet counts and highlighted snippets.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use serde::Serialize;
use tantivy::collector::{Collector, Count, TopDocs};

use crate::facets::TopFacets;
use tantivy::query::{
    BooleanQuery, BoostQuery, EnableScoring, Occur, Query, QueryParser, TermQuery,
};
use tantivy::schema::{Facet, IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Index, Score, Searcher, TantivyDocument, Term};

use crate::article::ParagraphKind;
use crate::error::{Error, Result};
use crate::index::{Fields, Payload, StoredTag};
use crate::kindfilter::WithoutTerms;
use crate::ranked;
use crate::tagging::{EntityKind, QuoteType};
use crate::textstore::{ArticleText, TextSource};
use crate::tokenizer;

/// How much more a title match weighs than a body match.
const TITLE_BOOST: f32 = 2.0;
/// Facet values listed per facet under the hits.
const FACET_TOP: usize = 10;
/// Snippet length in characters.
const SNIPPET_CHARS: usize = 240;

/// Which paragraph kinds a search covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindFilter {
    Only(ParagraphKind),
    All,
}

/// A filter on a facet, as the user typed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterField {
    Speaker,
    Entity(EntityKind),
}

impl FilterField {
    pub fn flag(&self) -> &'static str {
        match self {
            FilterField::Speaker => "--speaker",
            FilterField::Entity(EntityKind::Person) => "--person",
            FilterField::Entity(EntityKind::Org) => "--org",
            FilterField::Entity(EntityKind::Place) => "--place",
            FilterField::Entity(EntityKind::Weapon) => "--weapon",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Request {
    pub query: String,
    pub filters: Vec<(FilterField, String)>,
    /// 0 means every hit.
    pub limit: usize,
    pub kinds: KindFilter,
    /// Keep only paragraphs that quote a matched speaker directly.
    pub quotes_only: bool,
    /// Sources (case-insensitive, any unambiguous part), any of which may match.
    pub sources: Vec<String>,
    /// Only articles dated on or after / before this day (days since 1970).
    pub since: Option<i64>,
    pub until: Option<i64>,
    pub sort: Sort,
    /// Neighbouring paragraphs to add on each side of a hit.
    pub context: usize,
}

/// Order of the hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Relevance,
    /// Newest first; undated articles last.
    Date,
}

impl Request {
    /// A plain query: body paragraphs, ten hits, by relevance.
    pub fn new(query: &str) -> Request {
        Request {
            query: query.to_string(),
            filters: Vec::new(),
            limit: 10,
            kinds: KindFilter::Only(ParagraphKind::Body),
            quotes_only: false,
            sources: Vec::new(),
            since: None,
            until: None,
            sort: Sort::Relevance,
            context: 0,
        }
    }
}

/// A paragraph shown around a hit (`--context`).
#[derive(Debug, Clone, Serialize)]
pub struct Neighbour {
    pub paragraph: u64,
    pub kind: String,
    pub text: String,
}

/// A speaker or entity name with its kind.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Tag {
    pub name: String,
    pub kind: String,
}

/// A speaker as shown with a hit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HitSpeaker {
    pub name: String,
    pub kind: String,
    pub quote: QuoteType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub rank: usize,
    pub score: f32,
    pub path: String,
    pub paragraph: u64,
    pub title: String,
    pub kind: String,
    /// The article changed or vanished since it was indexed: its text
    /// cannot be shown until `newsgrep index` runs.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub stale: bool,
    pub text: String,
    pub snippet: String,
    /// Byte ranges of `snippet` to highlight.
    pub highlights: Vec<[usize; 2]>,
    pub speakers: Vec<HitSpeaker>,
    pub entities: Vec<Tag>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Other paths holding exactly the same article.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<String>,
    /// Paragraphs before and after the hit, with `--context`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub context: Vec<Neighbour>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FacetCount {
    pub name: String,
    pub kind: String,
    pub count: u64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Facets {
    pub speaker: Vec<FacetCount>,
    pub person: Vec<FacetCount>,
    pub org: Vec<FacetCount>,
    pub place: Vec<FacetCount>,
    pub weapon: Vec<FacetCount>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub query: String,
    pub total_hits: usize,
    /// Hits there are to show (`hits` holds them once built).
    #[serde(skip)]
    pub shown: usize,
    pub hits: Vec<Hit>,
    pub facets: Facets,
}

/// A filter that matched nothing the index knows; carries suggestions.
#[derive(Debug, Clone)]
pub struct UnknownFilter {
    pub flag: &'static str,
    pub value: String,
    pub suggestions: Vec<String>,
}

/// The outcome of a search: results, or a filter naming nobody.
#[derive(Debug)]
pub enum Outcome<R = Results> {
    Results(R),
    UnknownFilter(UnknownFilter),
}

/// Every value of a plain string field (such as `source_key`) in the index.
pub fn term_values(searcher: &Searcher, field: tantivy::schema::Field) -> Result<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut stream = inverted.terms().stream()?;
        while stream.advance() {
            if let Ok(s) = std::str::from_utf8(stream.key()) {
                out.insert(s.to_string());
            }
        }
    }
    Ok(out)
}

/// Every paragraph of the article at `path`, in order: (paragraph, document).
pub fn article_paragraphs(
    searcher: &Searcher,
    fields: &Fields,
    path: &str,
) -> Result<Vec<(u64, TantivyDocument)>> {
    let query = TermQuery::new(
        Term::from_field_text(fields.path, path),
        IndexRecordOption::Basic,
    );
    let addresses = searcher.search(&query, &tantivy::collector::DocSetCollector)?;
    let mut out = Vec::with_capacity(addresses.len());
    for address in addresses {
        let doc: TantivyDocument = searcher.doc(address)?;
        let p = doc
            .get_first(fields.paragraph)
            .and_then(|v| v.as_u64())
            .unwrap_or(0);
        out.push((p, doc));
    }
    out.sort_by_key(|(p, _)| *p);
    Ok(out)
}

/// The paragraphs within `k` of paragraph `at` of the article at `path`
/// (kinds from the index, text from `article`).
fn neighbours(
    searcher: &Searcher,
    fields: &Fields,
    path: &str,
    article: &ArticleText,
    at: u64,
    k: usize,
) -> Result<Vec<Neighbour>> {
    let k = k as u64;
    Ok(article_paragraphs(searcher, fields, path)?
        .into_iter()
        .filter(|(p, _)| *p != at && p.abs_diff(at) <= k)
        .map(|(p, doc)| Neighbour {
            paragraph: p,
            kind: first_text(&doc, fields.kind),
            text: article.paragraph(p).unwrap_or_default().to_string(),
        })
        .collect())
}

/// Every facet value of `field` in the index (`/person/John Kirby` → (person, John Kirby)).
pub fn facet_values(
    searcher: &Searcher,
    field: tantivy::schema::Field,
) -> Result<BTreeSet<(String, String)>> {
    let mut out = BTreeSet::new();
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        let mut stream = inverted.terms().stream()?;
        while stream.advance() {
            let Ok(facet) = Facet::from_encoded(stream.key().to_vec()) else {
                continue;
            };
            let path = facet.to_path();
            if let [kind, name] = path.as_slice() {
                out.insert((kind.to_string(), name.to_string()));
            }
        }
    }
    Ok(out)
}

/// How a filter value met the index's names.
#[derive(Debug, PartialEq, Eq)]
enum Resolved {
    /// One or more facet values (kind, name), any of which may match.
    Names(Vec<(String, String)>),
    /// Nothing matched; the closest names.
    Unknown(Vec<String>),
    /// Several names matched.
    Ambiguous(Vec<String>),
}

fn name_words(n: &str) -> impl Iterator<Item = String> + '_ {
    n.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
}

fn distinct_names(c: &[(String, String)]) -> BTreeSet<&str> {
    c.iter().map(|(_, n)| n.as_str()).collect()
}

/// Resolves a user's filter value to facet values: full name, surname or
/// any unambiguous part, case-insensitive. A bare surname that the index
/// also holds as one full name ("Blair" and "Tony Blair", from articles
/// that never gave the first name) matches both.
fn resolve_filter(value: &str, known: &BTreeSet<(String, String)>) -> Resolved {
    let v = value.trim().to_lowercase();
    let exact: Vec<(String, String)> = known
        .iter()
        .filter(|(_, n)| n.to_lowercase() == v)
        .cloned()
        .collect();
    let v_words: Vec<String> = name_words(&v).filter(|w| !w.is_empty()).collect();
    let whole: Vec<(String, String)> = known
        .iter()
        .filter(|(_, n)| n.to_lowercase() != v)
        .filter(|(_, n)| {
            let words: Vec<String> = name_words(n).collect();
            !v_words.is_empty()
                && words
                    .windows(v_words.len())
                    .any(|w| w == v_words.as_slice())
        })
        .cloned()
        .collect();
    if !exact.is_empty() {
        let mut names = exact;
        // The surname rule is for people: a place or organisation named
        // exactly is itself ("Africa", not also "South Africa").
        let surname = v_words.len() == 1 && names.iter().any(|(k, _)| k == "person");
        let people: Vec<(String, String)> =
            whole.into_iter().filter(|(k, _)| k == "person").collect();
        match distinct_names(&people).len() {
            1 if surname => names.extend(people),
            // "Blair" alone, and both "Tony Blair" and "Cherie Blair".
            n if n > 1 && surname => {
                return Resolved::Ambiguous(
                    distinct_names(&people)
                        .into_iter()
                        .take(6)
                        .map(str::to_string)
                        .collect(),
                )
            }
            _ => {}
        }
        return Resolved::Names(names);
    }
    let partial: Vec<(String, String)> = known
        .iter()
        .filter(|(_, n)| n.to_lowercase().contains(&v))
        .cloned()
        .collect();
    // Whole-word matches beat substring matches ("kim" vs "Kimberly").
    for candidates in [&whole, &partial] {
        match distinct_names(candidates).len() {
            0 => continue,
            // One name (perhaps both a person and an organisation speaker).
            1 => return Resolved::Names(candidates.clone()),
            _ => {
                return Resolved::Ambiguous(
                    distinct_names(candidates)
                        .into_iter()
                        .take(6)
                        .map(str::to_string)
                        .collect(),
                )
            }
        }
    }
    let mut scored: Vec<(f64, &String)> = known
        .iter()
        .map(|(_, n)| {
            // The best of the whole name and each of its words, so that a
            // misspelt surname finds its person.
            let whole = strsim::jaro_winkler(&n.to_lowercase(), &v);
            let best_word = name_words(n)
                .map(|w| strsim::jaro_winkler(&w, &v))
                .fold(0.0, f64::max);
            (whole.max(best_word), n)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut suggestions: Vec<String> = Vec::new();
    for (_, n) in scored {
        if !suggestions.contains(n) {
            suggestions.push(n.clone());
        }
        if suggestions.len() == 3 {
            break;
        }
    }
    Resolved::Unknown(suggestions)
}

/// Parses a user's query with `field` as the default field.
fn parse(index: &Index, field: tantivy::schema::Field, q: &str) -> Result<Box<dyn Query>> {
    QueryParser::new(index.schema(), vec![field], tokenizer::query_manager())
        .parse_query(q)
        .map_err(|e| Error::Query(describe_query_error(&e)))
}

/// Resolves a filter to the facet or term values it stands for; a value
/// that names nobody comes back as `Err` with suggestions (exit 1), an
/// ambiguous one is an error (exit 2).
fn resolve_or_report(
    flag: &'static str,
    value: &str,
    known: &BTreeSet<(String, String)>,
) -> Result<std::result::Result<Vec<(String, String)>, UnknownFilter>> {
    match resolve_filter(value, known) {
        Resolved::Names(names) => Ok(Ok(names)),
        Resolved::Unknown(suggestions) => Ok(Err(UnknownFilter {
            flag,
            value: value.to_string(),
            suggestions,
        })),
        Resolved::Ambiguous(names) => Err(Error::Filter {
            flag,
            value: value.to_string(),
            reason: format!(
                "ambiguous, it matches {}; give more of the name",
                names.join(", ")
            ),
        }),
    }
}

/// Documents matched by the words of a query (their document frequencies
/// summed) from which a search runs on all cores: any. Each segment has
/// fixed costs (scorers, facet columns, first touches of its files) that
/// two threads split, and on the benchmark's 40 queries that beats the
/// price of the threads for every query that matches something (rare words
/// included: thresholds of 5,000 and 50,000 documents took 5% and 15%
/// longer in all); a query matching nothing stays on one thread.
const PARALLEL_FROM: u64 = 1;

/// Runs `collector` over `query`, on all cores when the index has several
/// segments and the terms of `words` (the user's words, not the filters
/// around them) match enough documents.
fn collect<C: Collector>(
    searcher: &Searcher,
    query: &dyn Query,
    collector: &C,
    words: &dyn Query,
) -> Result<C::Fruit> {
    let mut matched = 0u64;
    words.query_terms(&mut |term, _| {
        matched += searcher.doc_freq(term).unwrap_or(0);
    });
    if matched >= PARALLEL_FROM && searcher.segment_readers().len() > 1 {
        if let Some(pool) = search_threads() {
            let scoring = if collector.requires_scoring() {
                EnableScoring::enabled_from_searcher(searcher)
            } else {
                EnableScoring::disabled_from_searcher(searcher)
            };
            let weight = query.weight(scoring)?;
            let segments = searcher.segment_readers();
            let threads = pool.current_num_threads();
            // Every thread is handed its own segments: left to work
            // stealing, a thread still starting up often let the other
            // collect both segments one after the other.
            let shares = pool.broadcast(|ctx| {
                segments
                    .iter()
                    .enumerate()
                    .skip(ctx.index())
                    .step_by(threads)
                    .map(|(ord, reader)| {
                        let fruit = collector.collect_segment(&*weight, ord as u32, reader)?;
                        Ok((ord, fruit))
                    })
                    .collect::<tantivy::Result<Vec<_>>>()
            });
            let mut fruits = Vec::with_capacity(segments.len());
            for share in shares {
                fruits.extend(share?);
            }
            fruits.sort_by_key(|(ord, _)| *ord);
            let fruits = fruits.into_iter().map(|(_, fruit)| fruit).collect();
            return Ok(collector.merge_fruits(fruits)?);
        }
    }
    Ok(searcher.search(query, collector)?)
}

/// Starts the search threads now, so that starting them (and waking the
/// other core, ~0.3 ms on the benchmark's virtual machine) overlaps with
/// opening the index rather than delaying the first segment.
pub fn start_threads() {
    let _ = search_threads();
}

/// One thread per core for searching, started once and kept: the segments
/// are collected on them, then the hits are built on them, each thread
/// handed its share (`broadcast`). Threads started afresh for the hits
/// found the collection's idle threads still spinning on the other core
/// and often waited for them; left to work stealing, one thread often did
/// both segments while the other was still starting. `None` on one core.
fn search_threads() -> Option<&'static Arc<rayon::ThreadPool>> {
    static POOL: std::sync::OnceLock<Option<Arc<rayon::ThreadPool>>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        let cores = cores();
        (cores > 1)
            .then(|| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(cores)
                    .thread_name(|i| format!("newsgrep-search-{i}"))
                    .build()
                    .ok()
            })
            .flatten()
            .map(Arc::new)
    })
    .as_ref()
}

/// The cores this process may run on. `std::thread::available_parallelism`
/// also reads the cgroup's CPU quota (four files under `/sys`: 4.4% of the
/// benchmark's 40 search processes); a quota below the cores only means
/// the two or three segments' threads share them, so it is not read.
fn cores() -> usize {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: `cpu_set_t` is plain data; sched_getaffinity fills at
        // most the size it is given.
        let count = unsafe {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) == 0 {
                libc::CPU_COUNT(&set)
            } else {
                0
            }
        };
        if count > 0 {
            return count as usize;
        }
    }
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Articles kept read back while building the hits of one search.
const ARTICLE_CACHE: usize = 256;

/// `clauses` as one query that keeps paragraphs of `kind` only. Body
/// paragraphs are nearly all of them: leaving the few others out (see
/// [`crate::kindfilter`]) costs far less than intersecting every hit with
/// the `body` posting list (a third of the time of "the").
fn of_kind(
    mut clauses: Vec<(Occur, Box<dyn Query>)>,
    fields: &Fields,
    kinds: KindFilter,
) -> Box<dyn Query> {
    let term = |k: ParagraphKind| Term::from_field_text(fields.kind, k.as_str());
    match kinds {
        KindFilter::All => Box::new(BooleanQuery::new(clauses)),
        KindFilter::Only(ParagraphKind::Body) => Box::new(WithoutTerms::new(
            Box::new(BooleanQuery::new(clauses)),
            vec![
                term(ParagraphKind::Heading),
                term(ParagraphKind::Boilerplate),
            ],
        )),
        KindFilter::Only(other) => {
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(term(other), IndexRecordOption::Basic)),
            ));
            Box::new(BooleanQuery::new(clauses))
        }
    }
}

/// Runs a search against an open index; hit text comes from `text`. The
/// hits are built when asked for, by [`Found::hits`] or
/// [`Found::each_hit_unordered`].
pub fn search<'a>(
    index: &Index,
    fields: &'a Fields,
    payload: &'a Payload,
    text: &'a TextSource,
    req: &Request,
) -> Result<Outcome<Found<'a>>> {
    // One query per process: no need for tantivy's reload watcher.
    let reader = index
        .reader_builder()
        .reload_policy(tantivy::ReloadPolicy::Manual)
        .try_into()?;
    find(&reader.searcher(), index, fields, payload, text, req)
}

/// Runs a search with an open searcher (reused across queries by a
/// long-running caller such as the benchmark), every hit built.
pub fn search_with(
    searcher: &Searcher,
    index: &Index,
    fields: &Fields,
    payload: &Payload,
    text: &TextSource,
    req: &Request,
) -> Result<Outcome> {
    Ok(match find(searcher, index, fields, payload, text, req)? {
        Outcome::Results(found) => Outcome::Results(Results {
            hits: found.hits(0..found.results.shown)?,
            ..found.results
        }),
        Outcome::UnknownFilter(u) => Outcome::UnknownFilter(u),
    })
}

/// A search whose count and facets are known; its hits are built on demand.
pub struct Found<'a> {
    /// Everything but the hits.
    pub results: Results,
    searcher: Searcher,
    fields: &'a Fields,
    payload: &'a Payload,
    text: &'a TextSource,
    context: usize,
    top: Vec<(Score, DocAddress)>,
    snippets: SnippetGenerator,
}

impl Found<'_> {
    /// Builds the hits ranked in `ranks` (0-based, `0..shown` for all)
    /// and hands each to `emit` in index order, where an article's
    /// paragraphs sit together so that each article is read back once even
    /// for `--limit 0`; `Hit::rank` says where it belongs.
    pub fn each_hit_unordered<E: From<Error>>(
        &self,
        ranks: std::ops::Range<usize>,
        emit: impl FnMut(Hit) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        self.build(&self.in_index_order(ranks), emit)
    }

    /// The hits ranked in `ranks`, best first, in memory. Each hit reads a
    /// stored document and its article back from disk: the search threads,
    /// each over its part of the hits in index order, build them in about
    /// half the time on two cores.
    pub fn hits(&self, ranks: std::ops::Range<usize>) -> Result<Vec<Hit>> {
        let ordered = self.in_index_order(ranks);
        let collect = |part: &[(usize, (Score, DocAddress))]| -> Result<Vec<Hit>> {
            let mut hits = Vec::with_capacity(part.len());
            self.build(part, |hit| -> Result<()> {
                hits.push(hit);
                Ok(())
            })?;
            Ok(hits)
        };
        let mut hits = match search_threads() {
            Some(pool) if ordered.len() > 1 => {
                let per_thread = ordered.len().div_ceil(pool.current_num_threads());
                let parts: Vec<_> = ordered.chunks(per_thread).collect();
                let built = pool.broadcast(|ctx| parts.get(ctx.index()).map(|part| collect(part)));
                let mut hits = Vec::with_capacity(ordered.len());
                for part in built.into_iter().flatten() {
                    hits.extend(part?);
                }
                hits
            }
            _ => collect(&ordered)?,
        };
        hits.sort_by_key(|h| h.rank);
        Ok(hits)
    }

    /// Builds the hits of `part` (rank, document) in its order, with one
    /// cache of articles read back.
    fn build<E: From<Error>>(
        &self,
        part: &[(usize, (Score, DocAddress))],
        mut emit: impl FnMut(Hit) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let mut articles: HashMap<u64, Option<ArticleText>> = HashMap::new();
        for &(rank, (score, address)) in part {
            emit(self.hit(rank + 1, score, address, &mut articles)?)?;
        }
        Ok(())
    }

    /// (rank, document) of the hits ranked in `ranks`, in index order.
    fn in_index_order(&self, ranks: std::ops::Range<usize>) -> Vec<(usize, (Score, DocAddress))> {
        let chosen = self.top.get(ranks.clone()).unwrap_or_default();
        let mut ordered: Vec<(usize, (Score, DocAddress))> = chosen
            .iter()
            .copied()
            .enumerate()
            .map(|(i, hit)| (ranks.start + i, hit))
            .collect();
        ordered.sort_by_key(|(_, (_, address))| *address);
        ordered
    }

    fn hit(
        &self,
        rank: usize,
        score: Score,
        address: DocAddress,
        articles: &mut HashMap<u64, Option<ArticleText>>,
    ) -> Result<Hit> {
        let fields = self.fields;
        let doc: TantivyDocument = self.searcher.doc(address)?;
        let key = doc.get_first(fields.key).and_then(|v| v.as_u64());
        if articles.len() >= ARTICLE_CACHE && key.is_some_and(|k| !articles.contains_key(&k)) {
            // `--limit 0` on a common word visits most articles: keep memory flat.
            articles.clear();
        }
        let article = key.and_then(|k| {
            articles
                .entry(k)
                .or_insert_with(|| self.text.article(k))
                .as_ref()
        });
        let mut hit = make_hit(rank, score, &doc, fields, article, &self.snippets);
        if let Some(locations) = key.and_then(|k| self.payload.duplicates.get(&k.to_string())) {
            hit.also = locations
                .iter()
                .filter(|l| **l != hit.path && !l.starts_with(&format!("{}:", hit.path)))
                .cloned()
                .collect();
        }
        if let Some(article) = article.filter(|_| self.context > 0) {
            hit.context = neighbours(
                &self.searcher,
                fields,
                &hit.path,
                article,
                hit.paragraph,
                self.context,
            )?;
        }
        Ok(hit)
    }
}

/// Runs the query: count, facets and the ranked documents of the hits.
fn find<'a>(
    searcher: &Searcher,
    index: &Index,
    fields: &'a Fields,
    payload: &'a Payload,
    text: &'a TextSource,
    req: &Request,
) -> Result<Outcome<Found<'a>>> {
    let query_text = req.query.trim();
    if query_text.is_empty() {
        return Err(Error::Query("the query is empty".into()));
    }
    let text_query = parse(index, fields.text, query_text)?;
    let title_query = parse(index, fields.title, query_text).ok();

    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text_query.box_clone())];
    if let Some(t) = &title_query {
        clauses.push((
            Occur::Should,
            Box::new(BoostQuery::new(t.box_clone(), TITLE_BOOST)),
        ));
    }

    // Every known name, for resolving filters: only when there are filters.
    let (speakers_known, entities_known) = if req.filters.is_empty() {
        (BTreeSet::new(), BTreeSet::new())
    } else {
        (
            facet_values(searcher, fields.speaker)?,
            facet_values(searcher, fields.entity)?,
        )
    };
    let mut matched_speakers: Vec<Facet> = Vec::new();
    for (field, value) in &req.filters {
        let (known, facet_field) = match field {
            FilterField::Speaker => (speakers_known.clone(), fields.speaker),
            FilterField::Entity(kind) => (
                entities_known
                    .iter()
                    .filter(|(k, _)| k == kind.as_str())
                    .cloned()
                    .collect(),
                fields.entity,
            ),
        };
        // Aliases name the same entity: "N. Korea" is North Korea.
        let canonical = crate::gazetteer::gazetteer()
            .lookup(value)
            .map(|e| e.canonical.clone())
            .filter(|c| known.iter().any(|(_, n)| n == c));
        let value = canonical.as_ref().unwrap_or(value);
        let names = match resolve_or_report(field.flag(), value, &known)? {
            Ok(names) => names,
            Err(unknown) => return Ok(Outcome::UnknownFilter(unknown)),
        };
        let mut any_of: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (kind, name) in names {
            let facet = Facet::from_path([kind.as_str(), name.as_str()]);
            if *field == FilterField::Speaker {
                matched_speakers.push(facet.clone());
            }
            any_of.push((
                Occur::Should,
                Box::new(TermQuery::new(
                    Term::from_facet(facet_field, &facet),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        clauses.push((Occur::Must, Box::new(BooleanQuery::new(any_of))));
    }
    if req.quotes_only {
        // Direct quotes from the filtered speakers, or from anyone.
        let quoted: Box<dyn Query> = if matched_speakers.is_empty() {
            Box::new(tantivy::query::ExistsQuery::new("quoted".into(), true))
        } else {
            let any: Vec<(Occur, Box<dyn Query>)> = matched_speakers
                .iter()
                .map(|f| {
                    (
                        Occur::Should,
                        Box::new(TermQuery::new(
                            Term::from_facet(fields.quoted, f),
                            IndexRecordOption::Basic,
                        )) as Box<dyn Query>,
                    )
                })
                .collect();
            Box::new(BooleanQuery::new(any))
        };
        clauses.push((Occur::Must, quoted));
    }
    if !req.sources.is_empty() {
        let known: BTreeSet<(String, String)> = term_values(searcher, fields.source_key)?
            .into_iter()
            .map(|v| ("source".to_string(), v))
            .collect();
        for value in &req.sources {
            let names = match resolve_or_report("--source", &value.to_lowercase(), &known)? {
                Ok(names) => names,
                Err(mut unknown) => {
                    unknown.value = value.clone();
                    return Ok(Outcome::UnknownFilter(unknown));
                }
            };
            let any: Vec<(Occur, Box<dyn Query>)> = names
                .into_iter()
                .map(|(_, n)| {
                    (
                        Occur::Should,
                        Box::new(TermQuery::new(
                            Term::from_field_text(fields.source_key, &n),
                            IndexRecordOption::Basic,
                        )) as Box<dyn Query>,
                    )
                })
                .collect();
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
    }
    if req.since.is_some() || req.until.is_some() {
        use std::ops::Bound;
        let bound = |d: Option<i64>| match d {
            Some(d) => Bound::Included(Term::from_field_i64(fields.day, d)),
            None => Bound::Unbounded,
        };
        clauses.push((
            Occur::Must,
            Box::new(tantivy::query::RangeQuery::new(
                bound(req.since),
                bound(req.until),
            )),
        ));
    }
    let query = of_kind(clauses, fields, req.kinds);

    let entity_kinds: Vec<&str> = EntityKind::ALL.iter().map(|k| k.as_str()).collect();
    let facets = TopFacets::new(
        text.names(),
        &[("speaker", &["person", "org"]), ("entity", &entity_kinds)],
        FACET_TOP,
    );
    // limit 0 (every hit) needs the count first; otherwise one pass does all.
    let limit = if req.limit == 0 {
        collect(searcher, &*query, &Count, &*text_query)?.max(1)
    } else {
        req.limit
    };
    // A query of plain words and nothing else: its best hits come from
    // block-max WAND over its terms (see crate::ranked), counted unscored
    // with the facets in the same pass. Filters and `--kind heading` are
    // clauses whose own scores add to a hit's, so they take the exhaustive
    // path; leaving headings out adds nothing.
    let words_only = req.filters.is_empty()
        && !req.quotes_only
        && req.sources.is_empty()
        && req.since.is_none()
        && req.until.is_none()
        && !matches!(req.kinds, KindFilter::Only(k) if k != ParagraphKind::Body);
    let plain = if words_only && limit <= ranked::MAX_HITS {
        let title_terms = match &title_query {
            Some(title) => ranked::plain_terms(&**title),
            None => Some(Vec::new()),
        };
        ranked::plain_terms(&*text_query).zip(title_terms)
    } else {
        None
    };
    let (total, top, facet_counts) = match (req.sort, plain) {
        (Sort::Relevance, Some((text_terms, title_terms))) => {
            let best = ranked::AlongWith {
                other: (Count, facets),
                ranked: ranked::RankedByTerms::new(
                    searcher,
                    &*query,
                    text_terms,
                    title_terms,
                    TITLE_BOOST,
                    limit,
                )?,
            };
            let ((total, counts), top) = collect(searcher, &*query, &best, &*text_query)?;
            (total, top, counts)
        }
        (Sort::Relevance, None) => collect(
            searcher,
            &*query,
            &(Count, TopDocs::with_limit(limit).order_by_score(), facets),
            &*text_query,
        )?,
        (Sort::Date, _) => {
            let (total, top, counts) = collect(
                searcher,
                &*query,
                &(
                    Count,
                    TopDocs::with_limit(limit)
                        .order_by_fast_field::<i64>("day", tantivy::Order::Desc),
                    facets,
                ),
                &*text_query,
            )?;
            // Sorted by date, the BM25 score is not computed: report 0.
            let top = top.into_iter().map(|(_, a)| (0.0, a)).collect::<Vec<_>>();
            (total, top, counts)
        }
    };
    let mut facet_counts = facet_counts.into_iter();
    let speaker_counts = facet_counts.next().unwrap_or_default();
    let entity_counts = facet_counts.next().unwrap_or_default();

    let snippets = crate::snippet::generator(searcher, &*text_query, fields.text, SNIPPET_CHARS)?;

    let of_kind = |counts: &crate::facets::Counts, kind: &str| -> Vec<FacetCount> {
        counts
            .iter()
            .filter(|(k, _, _)| k == kind)
            .map(|(k, name, count)| FacetCount {
                name: name.clone(),
                kind: k.clone(),
                count: *count,
            })
            .collect()
    };
    let mut speaker = of_kind(&speaker_counts, "person");
    speaker.extend(of_kind(&speaker_counts, "org"));
    speaker.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    speaker.truncate(FACET_TOP);
    let facets = Facets {
        speaker,
        person: of_kind(&entity_counts, "person"),
        org: of_kind(&entity_counts, "org"),
        place: of_kind(&entity_counts, "place"),
        weapon: of_kind(&entity_counts, "weapon"),
    };
    Ok(Outcome::Results(Found {
        results: Results {
            query: req.query.clone(),
            total_hits: total,
            shown: top.len(),
            hits: Vec::new(),
            facets,
        },
        searcher: searcher.clone(),
        fields,
        payload,
        text,
        context: req.context,
        top,
        snippets,
    }))
}

fn first_text(doc: &TantivyDocument, field: tantivy::schema::Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

/// The speakers and entities stored with a paragraph.
pub fn tags_of(doc: &TantivyDocument, f: &Fields) -> (Vec<HitSpeaker>, Vec<Tag>) {
    let mut speakers = Vec::new();
    let mut entities = Vec::new();
    let stored = doc.get_first(f.tags).and_then(|v| v.as_str());
    for tag in stored.into_iter().flat_map(crate::index::decode_tags) {
        match tag {
            StoredTag::Speaker {
                kind,
                quote,
                name,
                role,
            } => speakers.push(HitSpeaker {
                name: name.to_string(),
                kind: kind.to_string(),
                quote,
                role: role.map(str::to_string),
            }),
            StoredTag::Entity { kind, name } => entities.push(Tag {
                name: name.to_string(),
                kind: kind.to_string(),
            }),
        }
    }
    (speakers, entities)
}

fn make_hit(
    rank: usize,
    score: f32,
    doc: &TantivyDocument,
    f: &Fields,
    article: Option<&ArticleText>,
    snippets: &SnippetGenerator,
) -> Hit {
    let paragraph = doc
        .get_first(f.paragraph)
        .and_then(|v| v.as_u64())
        .unwrap_or(0);
    let text = article
        .and_then(|a| a.paragraph(paragraph))
        .map(str::to_string);
    let stale = text.is_none();
    let text = text.unwrap_or_default();
    let snippet = snippets.snippet(&text);
    let (snippet_text, highlights) = if snippet.fragment().is_empty() {
        (lead(&text, SNIPPET_CHARS), Vec::new())
    } else {
        let ranges = merge_ranges(
            snippet
                .highlighted()
                .iter()
                .map(|r| [r.start, r.end])
                .collect(),
        );
        (snippet.fragment().to_string(), ranges)
    };
    let (speakers, entities) = tags_of(doc, f);
    Hit {
        rank,
        score,
        path: first_text(doc, f.path),
        paragraph,
        title: article.map(|a| a.title.clone()).unwrap_or_default(),
        kind: first_text(doc, f.kind),
        stale,
        text,
        snippet: snippet_text,
        highlights,
        speakers,
        entities,
        source: article.and_then(|a| a.source.clone()),
        date: article.and_then(|a| a.date.clone()),
        also: Vec::new(),
        context: Vec::new(),
    }
}

/// Overlapping highlight ranges (a designator and its parts) become one.
fn merge_ranges(mut ranges: Vec<[usize; 2]>) -> Vec<[usize; 2]> {
    ranges.sort();
    let mut out: Vec<[usize; 2]> = Vec::new();
    for r in ranges {
        match out.last_mut() {
            Some(last) if r[0] <= last[1] => last[1] = last[1].max(r[1]),
            _ => out.push(r),
        }
    }
    out
}

/// The start of a text, cut at a word boundary.
fn lead(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let cut: String = text.chars().take(max_chars).collect();
    match cut.rfind(' ') {
        Some(i) => cut[..i].to_string(),
        None => cut,
    }
}

/// One line that names what is wrong with a query.
fn describe_query_error(e: &tantivy::query::QueryParserError) -> String {
    use tantivy::query::QueryParserError as E;
    match e {
        E::SyntaxError(s) => {
            format!("syntax error ({s}); check quotes, brackets and AND/OR/NOT operands")
        }
        E::FieldDoesNotExist(f) => format!("unknown field {f:?}; fields are title and text"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> BTreeSet<(String, String)> {
        [
            ("person", "John Kirby"),
            ("person", "Pat Ryder"),
            ("org", "White House"),
            ("person", "Kim Jong Un"),
            ("person", "Kimberly Quinn"),
        ]
        .iter()
        .map(|(k, n)| (k.to_string(), n.to_string()))
        .collect()
    }

    /// The affinity's count is never below std's, which is the same count
    /// lowered by a cgroup quota.
    #[test]
    fn cores_counts_the_affinity() {
        let std_count = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert!(cores() >= std_count);
    }

    #[test]
    fn filters_take_surnames_and_parts() {
        let one = |k: &str, n: &str| Resolved::Names(vec![(k.into(), n.into())]);
        assert_eq!(
            resolve_filter("kirby", &known()),
            one("person", "John Kirby")
        );
        assert_eq!(
            resolve_filter("WHITE house", &known()),
            one("org", "White House")
        );
        assert_eq!(
            resolve_filter("kim", &known()),
            one("person", "Kim Jong Un")
        );
        assert!(matches!(
            resolve_filter("r", &known()),
            Resolved::Ambiguous(_)
        ));
        let mut k = known();
        k.insert(("person".into(), "Kirby".into()));
        let Resolved::Names(both) = resolve_filter("kirby", &k) else {
            panic!()
        };
        assert_eq!(both.len(), 2);
        k.insert(("person".into(), "Cherie Kirby".into()));
        assert!(matches!(
            resolve_filter("kirby", &k),
            Resolved::Ambiguous(_)
        ));
        // Places and organisations named exactly are themselves.
        for (kind, name) in [
            ("place", "Africa"),
            ("place", "South Africa"),
            ("place", "Korea"),
            ("place", "North Korea"),
            ("place", "South Korea"),
            ("org", "Labour"),
            ("org", "Scottish Labour"),
        ] {
            k.insert((kind.into(), name.into()));
        }
        assert_eq!(resolve_filter("africa", &k), one("place", "Africa"));
        assert_eq!(resolve_filter("Korea", &k), one("place", "Korea"));
        assert_eq!(resolve_filter("labour", &k), one("org", "Labour"));
    }

    #[test]
    fn unknown_filter_suggests_close_names() {
        let Resolved::Unknown(s) = resolve_filter("kirbby", &known()) else {
            panic!("expected unknown")
        };
        assert_eq!(s[0], "John Kirby");
    }

    #[test]
    fn overlapping_highlights_merge() {
        assert_eq!(
            merge_ranges(vec![[5, 9], [0, 11], [20, 22]]),
            vec![[0, 11], [20, 22]]
        );
    }
}

/// What `newsgrep speakers` and `newsgrep entities` list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Browse {
    Speakers,
    Entities(Option<EntityKind>),
}

/// Facet values with paragraph counts, over all body paragraphs or over
/// the hits of `query`, most frequent first. `limit` 0 lists all.
pub fn browse(
    index: &Index,
    fields: &Fields,
    names: &crate::facets::NameTables,
    what: Browse,
    query: Option<&str>,
    limit: usize,
) -> Result<Vec<FacetCount>> {
    let reader = index.reader()?;
    let searcher = reader.searcher();
    // Over everything, the `body` posting list is read block by block:
    // faster than every paragraph checked against the other kinds.
    let query: Box<dyn Query> = match query.map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => of_kind(
            vec![(Occur::Must, parse(index, fields.text, q)?)],
            fields,
            KindFilter::Only(ParagraphKind::Body),
        ),
        None => Box::new(TermQuery::new(
            Term::from_field_text(fields.kind, ParagraphKind::Body.as_str()),
            IndexRecordOption::Basic,
        )),
    };
    let (field, roots): (&str, Vec<&str>) = match what {
        Browse::Speakers => ("speaker", vec!["person", "org"]),
        Browse::Entities(None) => (
            "entity",
            EntityKind::ALL.iter().map(|k| k.as_str()).collect(),
        ),
        Browse::Entities(Some(k)) => ("entity", vec![k.as_str()]),
    };
    // Over all kinds at once the limit applies to the merged list, so keep
    // `limit` of each kind and cut after sorting.
    let counts = collect(
        &searcher,
        &*query,
        &TopFacets::new(names, &[(field, &roots)], limit),
        &*query,
    )?
    .into_iter()
    .next()
    .unwrap_or_default();
    let mut out: Vec<FacetCount> = counts
        .into_iter()
        .map(|(kind, name, count)| FacetCount { name, kind, count })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    if limit > 0 {
        out.truncate(limit);
    }
    Ok(out)
}
