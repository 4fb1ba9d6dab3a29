//! Printing results and analyses, as text for people or JSON for scripts.
//!
//! Colour follows ripgrep's habits: on for a terminal, off when piped, when
//! `NO_COLOR` is set or `TERM=dumb`, and `--color always|never` overrides.

use std::io::{self, IsTerminal, Write};

use serde::Serialize;

use crate::cli::ColorChoice;
use crate::search::{FacetCount, Hit, Results, UnknownFilter};
use crate::tagging::TaggedArticle;
use crate::update::Summary;

/// ANSI styles; empty strings when colour is off.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub matched: &'static str,
    pub path: &'static str,
    pub title: &'static str,
    pub speaker: &'static str,
    pub dim: &'static str,
    pub reset: &'static str,
}

impl Style {
    pub const PLAIN: Style = Style {
        matched: "",
        path: "",
        title: "",
        speaker: "",
        dim: "",
        reset: "",
    };
    /// Bold red matches, magenta paths, green speakers: ripgrep's palette,
    /// legible on dark and light backgrounds.
    pub const COLOR: Style = Style {
        matched: "\x1b[1;31m",
        path: "\x1b[35m",
        title: "\x1b[1m",
        speaker: "\x1b[32m",
        dim: "\x1b[2m",
        reset: "\x1b[0m",
    };

    pub fn choose(choice: ColorChoice) -> Style {
        let on = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var("TERM").map_or(true, |t| t != "dumb")
            }
        };
        if on {
            Style::COLOR
        } else {
            Style::PLAIN
        }
    }
}

/// Writes the snippet with highlighted ranges, on one line.
fn highlighted(snippet: &str, ranges: &[[usize; 2]], style: &Style) -> String {
    let mut out = String::new();
    let mut at = 0;
    for [s, e] in ranges {
        let (s, e) = (*s, *e);
        if s < at
            || e > snippet.len()
            || !snippet.is_char_boundary(s)
            || !snippet.is_char_boundary(e)
        {
            continue;
        }
        out.push_str(&snippet[at..s]);
        if style.matched.is_empty() {
            out.push_str(&snippet[s..e]);
        } else {
            out.push_str(style.matched);
            out.push_str(&snippet[s..e]);
            out.push_str(style.reset);
        }
        at = e;
    }
    out.push_str(&snippet[at..]);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn counts_line(counts: &[FacetCount]) -> String {
    counts
        .iter()
        .map(|c| format!("{} ({})", c.name, c.count))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Search results whose hits are all built, in `format`.
pub fn results(out: &mut dyn Write, format: Format, r: &Results) -> io::Result<()> {
    let mut w = HitWriter::begin(out, format, r)?;
    for hit in &r.hits {
        w.hit(hit)?;
    }
    w.finish(r)
}

/// One hit as text.
fn hit_text(out: &mut dyn Write, hit: &Hit, style: &Style) -> io::Result<()> {
    writeln!(
        out,
        "{}{}.{} {}[{:.2}]{} {}{}{}",
        style.title,
        hit.rank,
        style.reset,
        style.dim,
        hit.score,
        style.reset,
        style.title,
        if hit.title.is_empty() {
            &hit.path
        } else {
            &hit.title
        },
        style.reset
    )?;
    let mut meta = format!(
        "{}{}#{}{}",
        style.path, hit.path, hit.paragraph, style.reset
    );
    if hit.kind != "body" {
        meta.push_str(&format!(" ({})", hit.kind));
    }
    if !hit.speakers.is_empty() {
        let names: Vec<String> = hit
            .speakers
            .iter()
            .map(|s| {
                let quote = if s.quote == crate::tagging::QuoteType::Direct {
                    ", quoted"
                } else {
                    ""
                };
                match &s.role {
                    Some(role) => {
                        format!("{}{}{} ({role}{quote})", style.speaker, s.name, style.reset)
                    }
                    None if !quote.is_empty() => {
                        format!("{}{}{} (quoted)", style.speaker, s.name, style.reset)
                    }
                    None => format!("{}{}{}", style.speaker, s.name, style.reset),
                }
            })
            .collect();
        meta.push_str(&format!("  speakers: {}", names.join("; ")));
    }
    if !hit.also.is_empty() {
        meta.push_str(&format!("  also at: {}", hit.also.join(", ")));
    }
    writeln!(out, "   {meta}")?;
    let context = |out: &mut dyn Write, before: bool| -> io::Result<()> {
        for c in hit
            .context
            .iter()
            .filter(|c| (c.paragraph < hit.paragraph) == before)
        {
            let text = one_line(&c.text);
            writeln!(
                out,
                "   {}#{} {text}{}",
                style.dim, c.paragraph, style.reset
            )?;
        }
        Ok(())
    };
    context(out, true)?;
    if hit.stale {
        writeln!(
            out,
            "   {}[changed since indexing: run `newsgrep index` to see this paragraph]{}",
            style.dim, style.reset
        )?;
    } else {
        writeln!(
            out,
            "   {}",
            highlighted(&hit.snippet, &hit.highlights, style)
        )?;
    }
    context(out, false)?;
    writeln!(out)?;
    Ok(())
}

/// What follows the hits in text: the count and the facet lines.
fn footer_text(out: &mut dyn Write, r: &Results, shown: usize, style: &Style) -> io::Result<()> {
    writeln!(
        out,
        "{}{} matching paragraph{}{}{}",
        style.dim,
        r.total_hits,
        if r.total_hits == 1 { "" } else { "s" },
        if shown < r.total_hits {
            format!(", {shown} shown")
        } else {
            String::new()
        },
        style.reset
    )?;
    let f = &r.facets;
    for (label, counts) in [
        ("speakers", &f.speaker),
        ("people", &f.person),
        ("organisations", &f.org),
        ("places", &f.place),
        ("weapons", &f.weapon),
    ] {
        if !counts.is_empty() {
            writeln!(
                out,
                "{}{label}:{} {}",
                style.title,
                style.reset,
                counts_line(counts)
            )?;
        }
    }
    Ok(())
}

/// How search results are printed.
#[derive(Debug, Clone, Copy)]
pub enum Format {
    Text(Style),
    /// One JSON document: query, count, hits, facets.
    Json,
    /// One JSON object per hit, one per line.
    Jsonl,
}

/// Prints results as their hits arrive, so that no output format needs
/// every hit in memory: what precedes the hits, each hit, what follows.
pub struct HitWriter<'w> {
    out: &'w mut dyn Write,
    format: Format,
    written: usize,
}

impl<'w> HitWriter<'w> {
    pub fn begin(out: &'w mut dyn Write, format: Format, r: &Results) -> io::Result<Self> {
        if let Format::Json = format {
            // The fields in the order `Results` serialises them.
            out.write_all(b"{\"query\":")?;
            serde_json::to_writer(&mut *out, &r.query)?;
            write!(out, ",\"total_hits\":{},\"hits\":[", r.total_hits)?;
        }
        Ok(HitWriter {
            out,
            format,
            written: 0,
        })
    }

    pub fn hit(&mut self, hit: &Hit) -> io::Result<()> {
        self.separate()?;
        render_hit(self.out, self.format, hit)
    }

    /// A hit already rendered (by [`Reorder`]) in this writer's format.
    fn rendered(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.separate()?;
        self.out.write_all(bytes)
    }

    /// Sends what is written so far on (a pager, a pipe).
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    fn separate(&mut self) -> io::Result<()> {
        if matches!(self.format, Format::Json) && self.written > 0 {
            self.out.write_all(b",")?;
        }
        self.written += 1;
        Ok(())
    }

    pub fn finish(self, r: &Results) -> io::Result<()> {
        match self.format {
            Format::Text(style) => footer_text(self.out, r, self.written, &style),
            Format::Json => {
                self.out.write_all(b"],\"facets\":")?;
                serde_json::to_writer(&mut *self.out, &r.facets)?;
                writeln!(self.out, "}}")
            }
            Format::Jsonl => Ok(()),
        }
    }
}

/// One hit in `format`, without what separates it from the previous one.
fn render_hit(out: &mut dyn Write, format: Format, hit: &Hit) -> io::Result<()> {
    match format {
        Format::Text(style) => hit_text(out, hit, &style),
        Format::Json => Ok(serde_json::to_writer(out, hit)?),
        Format::Jsonl => {
            serde_json::to_writer(&mut *out, hit)?;
            writeln!(out)
        }
    }
}

/// Puts hits that arrive in any order back in rank order. Hits are built
/// cheapest in index order (an article's paragraphs together); printing
/// them best first would mean holding them all, and `--limit 0` on a
/// common word is hundreds of thousands of hits. So each is rendered as it
/// comes into a temporary file (deleted on drop, as sort(1) spills), and
/// copied out by rank at the end: memory stays at 12 bytes a hit.
pub struct Reorder {
    file: std::fs::File,
    format: Format,
    /// The ranks held, 0-based.
    ranks: std::ops::Range<usize>,
    /// (offset, length) in `file` of the hit ranked `ranks.start + i + 1`.
    spans: Vec<(u64, u32)>,
    end: u64,
    buf: Vec<u8>,
}

impl Reorder {
    /// Holds the hits ranked in `ranks` (0-based).
    pub fn new(format: Format, ranks: std::ops::Range<usize>) -> io::Result<Reorder> {
        Ok(Reorder {
            file: tempfile::tempfile()?,
            format,
            spans: vec![(0, 0); ranks.len()],
            ranks,
            end: 0,
            buf: Vec::new(),
        })
    }

    pub fn add(&mut self, hit: &Hit) -> io::Result<()> {
        let slot = hit
            .rank
            .checked_sub(self.ranks.start + 1)
            .and_then(|i| self.spans.get_mut(i));
        let Some(span) = slot else {
            return Err(io::Error::other(format!(
                "hit rank {} out of range",
                hit.rank
            )));
        };
        self.buf.clear();
        render_hit(&mut self.buf, self.format, hit)?;
        self.file.write_all(&self.buf)?;
        *span = (self.end, self.buf.len() as u32);
        self.end += self.buf.len() as u64;
        Ok(())
    }

    /// Writes every hit added, by rank, through `w`.
    pub fn replay(mut self, w: &mut HitWriter) -> io::Result<()> {
        use std::io::{Read, Seek, SeekFrom};
        for (offset, len) in std::mem::take(&mut self.spans) {
            self.buf.resize(len as usize, 0);
            self.file.seek(SeekFrom::Start(offset))?;
            self.file.read_exact(&mut self.buf)?;
            w.rendered(&self.buf)?;
        }
        Ok(())
    }
}

/// The message for a filter that names nobody (stderr).
pub fn unknown_filter(u: &UnknownFilter) -> String {
    let mut msg = format!("newsgrep: {} {:?} matches no known name", u.flag, u.value);
    if !u.suggestions.is_empty() {
        msg.push_str(&format!("; did you mean {}?", u.suggestions.join(", ")));
    }
    msg
}

/// The one-paragraph summary of `newsgrep index`.
pub fn summary_text(s: &Summary) -> String {
    let mut line = format!(
        "Indexed {} into {}: {} added, {} updated, {} removed, {} unchanged",
        s.corpus.display(),
        s.index.display(),
        s.added,
        s.updated,
        s.removed,
        s.unchanged
    );
    if s.retagged > 0 {
        line.push_str(&format!(", {} re-tagged", s.retagged));
    }
    line.push_str(&format!(
        ". {} article{} in {} file{}",
        s.articles,
        if s.articles == 1 { "" } else { "s" },
        s.files,
        if s.files == 1 { "" } else { "s" },
    ));
    if s.duplicates > 0 {
        line.push_str(&format!(
            " ({} exact duplicate{} indexed once)",
            s.duplicates,
            if s.duplicates == 1 { "" } else { "s" }
        ));
    }
    line.push_str(&format!(
        ", {} paragraphs, {} speakers, {} entities; {:.2} s.",
        s.paragraphs, s.speakers, s.entities, s.seconds
    ));
    if s.warning_count > 0 {
        line.push_str(&format!(
            " {} warning{}.",
            s.warning_count,
            if s.warning_count == 1 { "" } else { "s" }
        ));
    }
    line
}

#[derive(Serialize)]
struct NameKind<'a> {
    name: &'a str,
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule: Option<&'a str>,
}

#[derive(Serialize)]
struct SpeakerOut<'a> {
    name: &'a str,
    kind: &'a str,
    quote: crate::tagging::QuoteType,
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule: Option<&'a str>,
}

#[derive(Serialize)]
struct ParagraphOut<'a> {
    index: usize,
    kind: &'a str,
    text: &'a str,
    speakers: Vec<SpeakerOut<'a>>,
    entities: Vec<NameKind<'a>>,
}

#[derive(Serialize)]
struct ArticleOut<'a> {
    path: &'a str,
    title: &'a str,
    dateline: Option<&'a str>,
    source: Option<&'a str>,
    date: Option<&'a str>,
    paragraphs: Vec<ParagraphOut<'a>>,
}

fn article_out(t: &TaggedArticle, explain: bool) -> ArticleOut<'_> {
    let a = &t.article;
    ArticleOut {
        path: &a.path,
        title: &a.title,
        dateline: a.dateline.as_deref(),
        source: a.source.as_deref(),
        date: a.date.as_deref(),
        paragraphs: t
            .paragraphs
            .iter()
            .map(|p| ParagraphOut {
                index: p.index,
                kind: p.kind.as_str(),
                text: &p.text,
                speakers: p
                    .speakers
                    .iter()
                    .map(|s| SpeakerOut {
                        name: &s.name,
                        kind: s.kind.as_str(),
                        quote: s.quote,
                        role: s.role.as_deref(),
                        rule: explain.then_some(s.rule),
                    })
                    .collect(),
                entities: p
                    .entities
                    .iter()
                    .map(|e| NameKind {
                        name: &e.name,
                        kind: e.kind.as_str(),
                        rule: explain.then_some(e.rule),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// One JSON object per article, on one line.
pub fn analysis_json(out: &mut dyn Write, t: &TaggedArticle, explain: bool) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &article_out(t, explain))?;
    writeln!(out)
}

/// An article's reading and tagging, for people.
pub fn analysis_text(out: &mut dyn Write, t: &TaggedArticle, explain: bool) -> io::Result<()> {
    let a = &t.article;
    writeln!(out, "{}", a.path)?;
    writeln!(
        out,
        "  title: {}{}",
        a.title,
        if a.title_derived {
            "  (derived from the first sentence)"
        } else {
            ""
        }
    )?;
    for (label, value) in [
        ("dateline", &a.dateline),
        ("source", &a.source),
        ("date", &a.date),
    ] {
        if let Some(v) = value {
            writeln!(out, "  {label}: {v}")?;
        }
    }
    for p in &t.paragraphs {
        let preview: String = p.text.split_whitespace().collect::<Vec<_>>().join(" ");
        let preview: String = preview.chars().take(90).collect();
        writeln!(out, "  #{:<3} {:<11} {}", p.index, p.kind.as_str(), preview)?;
        for s in &p.speakers {
            let mut line = format!(
                "        speaker: {} ({}, {:?})",
                s.name,
                s.kind.as_str(),
                s.quote
            );
            if let Some(role) = &s.role {
                line.push_str(&format!(" role: {role}"));
            }
            if explain {
                line.push_str(&format!(" [{}]", s.rule));
            }
            writeln!(
                out,
                "{}",
                line.replace("Direct", "direct")
                    .replace("Indirect", "indirect")
            )?;
        }
        if !p.entities.is_empty() {
            let list: Vec<String> = p
                .entities
                .iter()
                .map(|e| {
                    if explain {
                        format!("{}:{} [{}]", e.kind.as_str(), e.name, e.rule)
                    } else {
                        format!("{}:{}", e.kind.as_str(), e.name)
                    }
                })
                .collect();
            writeln!(out, "        entities: {}", list.join(", "))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_plain_and_coloured() {
        let s = "began sending Shahed-136s, dubbed";
        assert_eq!(highlighted(s, &[[14, 25]], &Style::PLAIN), s);
        let c = highlighted(s, &[[14, 25]], &Style::COLOR);
        assert!(c.contains("\x1b[1;31mShahed-136s\x1b[0m"));
    }

    fn hit(rank: usize) -> Hit {
        Hit {
            rank,
            score: 1.0 / rank as f32,
            path: format!("a{}.txt", rank % 3),
            paragraph: rank as u64,
            title: if rank.is_multiple_of(2) {
                format!("Title {rank}")
            } else {
                String::new()
            },
            kind: "body".into(),
            stale: rank == 4,
            text: format!("paragraph {rank} said \"quoted\""),
            snippet: format!("paragraph {rank} said"),
            highlights: vec![[0, 9]],
            speakers: Vec::new(),
            entities: Vec::new(),
            source: None,
            date: None,
            also: Vec::new(),
            context: Vec::new(),
        }
    }

    #[test]
    fn reordered_hits_print_as_if_written_in_rank_order() {
        let hits: Vec<Hit> = (1..=7).map(hit).collect();
        let results = Results {
            query: "said".into(),
            total_hits: 9,
            shown: hits.len(),
            hits,
            facets: Default::default(),
        };
        for format in [Format::Text(Style::PLAIN), Format::Json, Format::Jsonl] {
            let mut direct = Vec::new();
            let mut w = HitWriter::begin(&mut direct, format, &results).unwrap();
            for h in &results.hits {
                w.hit(h).unwrap();
            }
            w.finish(&results).unwrap();

            let mut reordered = Vec::new();
            let mut w = HitWriter::begin(&mut reordered, format, &results).unwrap();
            // The first two in memory, the rest through the file.
            w.hit(&results.hits[0]).unwrap();
            w.hit(&results.hits[1]).unwrap();
            let mut reorder = Reorder::new(format, 2..results.shown).unwrap();
            for i in [3, 6, 5, 2, 4] {
                reorder.add(&results.hits[i]).unwrap();
            }
            reorder.replay(&mut w).unwrap();
            w.finish(&results).unwrap();
            assert_eq!(
                String::from_utf8_lossy(&reordered),
                String::from_utf8_lossy(&direct)
            );
        }
        let mut json = Vec::new();
        super::results(&mut json, Format::Json, &results).unwrap();
        let expected = serde_json::to_string(&results).unwrap() + "\n";
        assert_eq!(String::from_utf8_lossy(&json), expected);
        let mut r = Reorder::new(Format::Json, 2..4).unwrap();
        assert!(r.add(&hit(2)).is_err());
        assert!(r.add(&hit(5)).is_err());
        assert!(r.add(&hit(3)).is_ok());
    }
}

/// One article's paragraphs around a target, for `newsgrep show`.
#[derive(Serialize)]
pub struct ShownArticle {
    pub path: String,
    pub title: String,
    pub dateline: Option<String>,
    pub source: Option<String>,
    pub date: Option<String>,
    /// The paragraph asked for, if any.
    pub target: Option<u64>,
    pub paragraphs: Vec<ShownParagraph>,
}

#[derive(Serialize)]
pub struct ShownParagraph {
    pub paragraph: u64,
    pub kind: String,
    pub text: String,
    pub speakers: Vec<crate::search::HitSpeaker>,
    pub entities: Vec<crate::search::Tag>,
}

impl ShownArticle {
    pub fn from_docs(
        f: &crate::index::Fields,
        path: &str,
        docs: &[(u64, tantivy::TantivyDocument)],
        article: &crate::textstore::ArticleText,
        target: Option<u64>,
        context: usize,
    ) -> ShownArticle {
        use tantivy::schema::Value;
        let text = |d: &tantivy::TantivyDocument, field| {
            d.get_first(field)
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let first = &docs[0].1;
        let paragraphs = docs
            .iter()
            .filter(|(p, _)| target.is_none_or(|t| p.abs_diff(t) <= context as u64))
            .map(|(p, d)| {
                let hit = crate::search::tags_of(d, f);
                ShownParagraph {
                    paragraph: *p,
                    kind: text(d, f.kind).unwrap_or_default(),
                    text: article.paragraph(*p).unwrap_or_default().to_string(),
                    speakers: hit.0,
                    entities: hit.1,
                }
            })
            .collect();
        ShownArticle {
            path: path.to_string(),
            title: article.title.clone(),
            dateline: text(first, f.dateline),
            source: article.source.clone(),
            date: article.date.clone(),
            target,
            paragraphs,
        }
    }
}

/// `newsgrep show` as text: header, then each paragraph with its tags; the
/// target paragraph is marked with `>`.
pub fn show_text(out: &mut dyn Write, a: &ShownArticle, style: &Style) -> io::Result<()> {
    writeln!(out, "{}{}{}", style.title, a.title, style.reset)?;
    let mut meta = vec![format!("{}{}{}", style.path, a.path, style.reset)];
    for v in [&a.dateline, &a.source, &a.date].into_iter().flatten() {
        meta.push(v.clone());
    }
    writeln!(out, "{}", meta.join("  ·  "))?;
    writeln!(out)?;
    for p in &a.paragraphs {
        let mark = if a.target == Some(p.paragraph) {
            ">"
        } else {
            " "
        };
        let kind = if p.kind == "body" {
            String::new()
        } else {
            format!(" ({})", p.kind)
        };
        writeln!(out, "{mark} #{}{kind}  {}", p.paragraph, one_line(&p.text))?;
        if !p.speakers.is_empty() {
            let names: Vec<String> = p
                .speakers
                .iter()
                .map(|s| {
                    format!(
                        "{}{}{} ({}, {})",
                        style.speaker,
                        s.name,
                        style.reset,
                        s.kind,
                        match s.quote {
                            crate::tagging::QuoteType::Direct => "quoted",
                            crate::tagging::QuoteType::Indirect => "paraphrased",
                        }
                    )
                })
                .collect();
            writeln!(out, "      speakers: {}", names.join("; "))?;
        }
        if !p.entities.is_empty() {
            let list: Vec<String> = p
                .entities
                .iter()
                .map(|e| format!("{}:{}", e.kind, e.name))
                .collect();
            writeln!(out, "      entities: {}", list.join(", "))?;
        }
    }
    Ok(())
}
