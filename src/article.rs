//! Reading one article: paragraphs, title, dateline and paragraph kinds.
//!
//! Two plain-text layouts occur in the wild: paragraphs separated by blank
//! lines, and one paragraph per line with no blank line at all. JSON-lines
//! exports carry `title` and `body` (paragraphs separated by blank lines).
//! Whatever the layout, the text of each paragraph is kept exactly as written;
//! only the decisions (title? heading? boilerplate?) look at folded text.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::text::{fold, word_count};

/// What a paragraph is for. Only `Body` paragraphs are searched by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ParagraphKind {
    Body,
    Heading,
    Boilerplate,
}

impl ParagraphKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ParagraphKind::Body => "body",
            ParagraphKind::Heading => "heading",
            ParagraphKind::Boilerplate => "boilerplate",
        }
    }

    pub fn parse(s: &str) -> Option<ParagraphKind> {
        match s {
            "body" => Some(ParagraphKind::Body),
            "heading" => Some(ParagraphKind::Heading),
            "boilerplate" => Some(ParagraphKind::Boilerplate),
            _ => None,
        }
    }
}

/// One paragraph as written, with its position in the article (from 0, after
/// the title).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    pub index: usize,
    pub kind: ParagraphKind,
    pub text: String,
}

/// An article read from the corpus, before tagging.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Article {
    /// Stable identifier: the JSON `id`, or the path (plus line) it came from.
    pub id: String,
    /// Path of the source file as given (relative to the corpus when indexed).
    pub path: String,
    pub title: String,
    /// Whether `title` was written in the file or derived from the text.
    pub title_derived: bool,
    /// `WASHINGTON`, `KYIV, Ukraine (AP)`: the place line that opens a wire story.
    pub dateline: Option<String>,
    pub source: Option<String>,
    pub date: Option<String>,
    pub authors: Option<String>,
    pub url: Option<String>,
    pub paragraphs: Vec<Paragraph>,
}

/// Longest title we accept as a headline, in words and characters.
const HEADLINE_MAX_WORDS: usize = 25;
const HEADLINE_MAX_CHARS: usize = 180;

/// Reads a plain-text article in either layout.
pub fn parse_txt(path: &str, content: &str) -> Article {
    let text = txt_paragraphs(content);
    build_article(path.to_string(), path, text.title, text.paragraphs)
}

/// The headline (if the file has one) and paragraph texts of a plain-text
/// article, unclassified: all a hit shown from the corpus needs.
pub fn txt_paragraphs(content: &str) -> RecordText {
    let content = content.strip_prefix('\u{FEFF}').unwrap_or(content);
    let lines: Vec<&str> = content.lines().collect();
    let has_blank = {
        // A blank line *between* text lines; trailing blank lines do not count.
        let first = lines.iter().position(|l| !l.trim().is_empty());
        let last = lines.iter().rposition(|l| !l.trim().is_empty());
        match (first, last) {
            (Some(a), Some(b)) => lines[a..=b].iter().any(|l| l.trim().is_empty()),
            _ => false,
        }
    };
    let mut blocks: Vec<String> = if has_blank {
        split_blank_line_blocks(&lines)
    } else {
        lines
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()
    };

    let mut title = None;
    if blocks.len() > 1 && reads_as_headline(&blocks[0]) {
        title = Some(blocks.remove(0));
    }
    RecordText {
        title,
        paragraphs: blocks,
        source: None,
        date: None,
    }
}

/// Splits on blank lines; inside a block, lines that each read as a short
/// standalone line ("In Other News" / "Load More") are separate paragraphs,
/// while hard-wrapped prose stays one paragraph.
fn split_blank_line_blocks(lines: &[&str]) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let flush = |current: &mut Vec<&str>, blocks: &mut Vec<String>| {
        if current.is_empty() {
            return;
        }
        let standalone = current.len() > 1
            && current
                .iter()
                .all(|l| word_count(l) <= 8 && !ends_sentence(l));
        if standalone {
            blocks.extend(current.iter().map(|l| l.to_string()));
        } else {
            blocks.push(current.join("\n"));
        }
        current.clear();
    };
    for line in lines {
        let t = line.trim();
        if t.is_empty() {
            flush(&mut current, &mut blocks);
        } else {
            current.push(t);
        }
    }
    flush(&mut current, &mut blocks);
    blocks
}

#[derive(Deserialize)]
struct JsonRecord {
    id: Option<serde_json::Value>,
    title: Option<String>,
    body: Option<String>,
    source: Option<String>,
    date: Option<String>,
    authors: Option<serde_json::Value>,
    url: Option<String>,
}

/// A JSON-lines record with its title and paragraph texts taken out.
fn read_json_record(line: &str) -> Result<(JsonRecord, Option<String>, Vec<String>), String> {
    let mut rec: JsonRecord =
        serde_json::from_str(line).map_err(|e| format!("invalid JSON: {e}"))?;
    let body = rec
        .body
        .take()
        .ok_or_else(|| "missing \"body\"".to_string())?;
    let body_lines: Vec<&str> = body.lines().collect();
    let mut blocks = split_blank_line_blocks(&body_lines);
    let title = rec
        .title
        .take()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty());
    // Web exports often repeat the headline as the body's first paragraph.
    if let (Some(t), Some(first)) = (&title, blocks.first()) {
        if fold(first).trim() == fold(t).trim() && blocks.len() > 1 {
            blocks.remove(0);
        }
    }
    Ok((rec, title, blocks))
}

/// What a hit shows of a record, unclassified: its title (if it has one),
/// paragraph texts, and a JSON-lines record's source and date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordText {
    pub title: Option<String>,
    pub paragraphs: Vec<String>,
    pub source: Option<String>,
    pub date: Option<String>,
}

/// A JSON-lines record read back for showing (see [`RecordText`]).
pub fn json_paragraphs(line: &str) -> Result<RecordText, String> {
    read_json_record(line).map(|(rec, title, paragraphs)| RecordText {
        title,
        paragraphs,
        source: non_blank(rec.source),
        date: non_blank(rec.date),
    })
}

/// A metadata value, unless it is missing or blank.
fn non_blank(value: Option<String>) -> Option<String> {
    value.filter(|s| !s.trim().is_empty())
}

/// Reads one JSON-lines record. `line_no` is 1-based, used in the id when
/// the record carries none.
pub fn parse_json_record(path: &str, line_no: usize, line: &str) -> Result<Article, String> {
    let (rec, title, blocks) = read_json_record(line)?;
    let id = match rec.id {
        Some(serde_json::Value::String(s)) if !s.is_empty() => s,
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => format!("{path}:{line_no}"),
    };
    let mut article = build_article(id, path, title, blocks);
    article.source = non_blank(rec.source);
    article.date = non_blank(rec.date);
    article.url = non_blank(rec.url);
    article.authors = match rec.authors {
        Some(serde_json::Value::String(s)) if !s.trim().is_empty() => Some(s),
        Some(serde_json::Value::Array(a)) => {
            let names: Vec<String> = a
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect();
            (!names.is_empty()).then(|| names.join(", "))
        }
        _ => None,
    };
    Ok(article)
}

fn build_article(id: String, path: &str, title: Option<String>, blocks: Vec<String>) -> Article {
    let dateline = blocks.first().and_then(|b| find_dateline(b));
    let paragraphs: Vec<Paragraph> = blocks
        .into_iter()
        .enumerate()
        .map(|(index, text)| Paragraph {
            index,
            kind: classify(&text),
            text,
        })
        .collect();
    let (title, title_derived) = match title {
        Some(t) => (t, false),
        None => (derive_title(&paragraphs, dateline.as_ref(), path), true),
    };
    Article {
        id,
        path: path.to_string(),
        title,
        title_derived,
        dateline: dateline.map(|d| d.label),
        paragraphs,
        ..Article::default()
    }
}

fn ends_sentence(s: &str) -> bool {
    let f = fold(s);
    let t = f.trim_end_matches(['"', '\'', ')', ']', ' ']);
    t.ends_with(['.', '!', '?', ':', ';', ','])
}

/// A headline is short and does not end like a sentence (a question mark is
/// allowed: "Is the war over?").
pub fn reads_as_headline(s: &str) -> bool {
    let s = s.trim();
    if s.is_empty() || s.contains('\n') {
        return false;
    }
    let f = fold(s);
    let t = f.trim_end_matches(['"', '\'', ')', ' ']);
    word_count(s) <= HEADLINE_MAX_WORDS
        && s.chars().count() <= HEADLINE_MAX_CHARS
        && !t.ends_with(['.', ':', ';', ','])
        && find_dateline(s).is_none()
}

/// A dateline found at the start of a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dateline {
    /// As written, without the dash: `KYIV, Ukraine (AP)`.
    pub label: String,
    /// Byte offset in the paragraph where the story proper begins.
    pub body_start: usize,
}

static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    // An upper-case place (letters, spaces, dots, apostrophes), optionally a
    // ", Region" part and an "(AP)" credit, then any dash.
    Regex::new(
        r"^((?:[A-Z][A-Z.'’]+)(?:[ \-][A-Z][A-Z.'’]+)*(?:,(?: [A-Z][A-Za-z.'’]+)+)*(?: \([A-Za-z .&’']+\))?)\s*[-\u{2010}-\u{2015}\u{2212}]+\s+",
    )
    .expect("dateline regex is valid")
});

pub fn find_dateline(paragraph: &str) -> Option<Dateline> {
    // A dateline opens with two capital letters; most paragraphs do not.
    let mut chars = paragraph.chars();
    if !(chars.next()?.is_uppercase() && chars.next()?.is_uppercase()) {
        return None;
    }
    let caps = DATELINE.captures(paragraph)?;
    let label = caps.get(1)?.as_str();
    // The capital run must be a word, not a lone initial ("A – B").
    let letters = label.chars().take_while(|c| c.is_alphabetic()).count();
    if letters < 2 {
        return None;
    }
    Some(Dateline {
        label: label.to_string(),
        body_start: caps.get(0)?.end(),
    })
}

/// Title for an article without a headline line: its first body sentence
/// (after any dateline), cut at a word boundary near 100 characters; failing
/// that, the file name.
fn derive_title(paragraphs: &[Paragraph], dateline: Option<&Dateline>, path: &str) -> String {
    let Some(first) = paragraphs.iter().find(|p| p.kind == ParagraphKind::Body) else {
        return file_stem(path);
    };
    let mut text = first.text.as_str();
    if first.index == 0 {
        if let Some(d) = dateline {
            text = &text[d.body_start..];
        }
    }
    let sentence = first_sentence(text);
    shorten(sentence.trim(), 100)
}

fn first_sentence(text: &str) -> &str {
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        if matches!(c, '.' | '!' | '?') {
            let next = bytes.get(i + 1).copied();
            let prev_word = text[..i].rsplit(' ').next().unwrap_or("");
            let abbreviation = prev_word.len() <= 3
                && prev_word.chars().next().is_some_and(|c| c.is_uppercase())
                || prev_word.contains('.');
            if next.is_none_or(|b| b == b' ') && !abbreviation {
                return &text[..=i];
            }
        }
    }
    text
}

fn shorten(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        return s.to_string();
    }
    let cut: String = s.chars().take(max_chars).collect();
    let at = cut.rfind(' ').unwrap_or(cut.len());
    format!("{}…", cut[..at].trim_end_matches([',', ';', ':', ' ']))
}

fn file_stem(path: &str) -> String {
    std::path::Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string())
}

/// Transition cache of the two paragraph patterns' lazy DFAs. Their
/// bounded repeats of Unicode classes (`.{1,40}`, `[^.]{0,200}`) make many
/// states; with the default cache (2 MB) the DFA gave up on most
/// paragraphs and the regex fell back to its slowest engine, which was a
/// third of the time to read an article. 4 MB is enough (8 MB was no
/// faster and added ~45 MB to `newsgrep index`'s peak: a cache per thread).
const PATTERN_CACHE: usize = 4 << 20;

static BOILERPLATE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    // Page chrome: whole-paragraph matches only, so a sentence that merely
    // contains "advertisement" stays body text.
    regex::RegexBuilder::new(
        r"(?ix)^(?:
            advertisement|advertising|sponsored(?:\ content)?|ad
          | in\ other\ news|load\ more|read\ more|see\ more|show\ more|more\ stories|more\ from\ .{1,40}
          | related(?:\ (?:articles?|stories|coverage|content|news|links))?|recommended(?:\ for\ you)?|most\ (?:read|popular|viewed)
          | trending(?:\ now)?|top\ stories|latest(?:\ news)?|what\ to\ read\ next|you\ may\ also\ like|also\ read
          | share(?:\ this(?:\ (?:article|story))?)?|share\ on\ \w+|tweet|email|print|comments?|\d+\ comments?
          | sign\ up.*|subscribe.*|click\ here.*|follow\ us.*|get\ the\ latest.*|watch(?:\ now)?|listen(?:\ now)?
          | story\ continues\ below.*|continue\ reading.*|skip\ (?:to\ )?(?:main\ )?content|back\ to\ top
          | (?:photo|image|video|graphic)s?(?:\ credit)?\s*:.*|\(?(?:ap|afp|getty|reuters)\ (?:photo|images?)\b.*
          | all\ rights\ reserved.*|copyright\b.*|©.*
          | (?:reporting|editing|additional\ reporting|writing)\ by\ .*
          | (?:the\ )?[\w.&'\ ]{2,60}\ contributed\ (?:to\ )?(?:this|the)\ (?:report|story|article)\.?
          | this\ (?:article|story|report)\ (?:was|has\ been)\ (?:updated|corrected|amended|originally\ published).*
          | by\ [A-Z][\w.'\-]+(?:\ [A-Z][\w.'\-]+){0,3}(?:\ and\ [A-Z][\w.'\-]+(?:\ [A-Z][\w.'\-]+){0,3})?(?:,\ .{0,60})?
        )[.!]?$",
    )
    .dfa_size_limit(PATTERN_CACHE)
    .build()
    .expect("boilerplate regex is valid")
});

static AUTHOR_BIO: LazyLock<Regex> = LazyLock::new(|| {
    // "Jane Doe is a reporter for ...", "Joe Smith was the senior ... reporter".
    regex::RegexBuilder::new(
        r"^[A-Z][\w'\-]+(?: [A-Z][\w.'\-]*){1,3} (?:is|was|has been|covers|writes)\b[^.]{0,200}\b(?:reporter|correspondent|editor|writer|columnist|journalist|contributor|producer|bureau chief|author of|covers|covering)\b",
    )
    .dfa_size_limit(PATTERN_CACHE)
    .build()
    .expect("bio regex is valid")
});

/// Decides a paragraph's kind from its own text.
pub fn classify(text: &str) -> ParagraphKind {
    // Headings and chrome are short: a long paragraph is body text.
    if text.len() > 600 {
        return ParagraphKind::Body;
    }
    let folded = fold(text);
    let t = folded.trim();
    // Page chrome and credits are short; long paragraphs skip the patterns.
    if t.is_empty() || (t.len() <= 300 && BOILERPLATE_LINE.is_match(t)) {
        return ParagraphKind::Boilerplate;
    }
    // The cheap tests first: a bio starts with a capital (its name).
    if t.as_bytes().first().is_some_and(u8::is_ascii_uppercase)
        && t.len() <= 600
        && !t.contains('"')
        && AUTHOR_BIO.is_match(t)
        && word_count(t) <= 80
    {
        return ParagraphKind::Boilerplate;
    }
    if is_heading(t) {
        return ParagraphKind::Heading;
    }
    ParagraphKind::Body
}

/// A subheading: one short line, starting with a capital, not punctuated as
/// a sentence and not a quotation.
fn is_heading(t: &str) -> bool {
    // Ordered cheapest first: most paragraphs end as sentences do.
    !t.trim_end_matches(['"', '\'', ')'])
        .ends_with(['.', ',', ';', ':', '!'])
        && t.chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_numeric())
        && !t.starts_with(['"', '\''])
        && !t.contains('\n')
        && t.chars().count() <= 90
        && (1..=12).contains(&word_count(t))
        && find_dateline(t).is_none()
        && !quotes_a_question(t)
}

/// `Kirby asked: "Why now?"`: a line ending in a quoted question that
/// something introduces is reported speech, not a question-style heading.
fn quotes_a_question(t: &str) -> bool {
    let body = t.trim_end_matches('"');
    body.len() < t.len() && body.ends_with('?') && (t.contains(": \"") || t.contains(", \""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_paragraph_per_line_with_headline() {
        let a = parse_txt(
            "a.txt",
            "Rebels seize port: officials\nPARIS – Rebels took the port on Monday, officials said.\nThey said more was coming.",
        );
        assert_eq!(a.title, "Rebels seize port: officials");
        assert!(!a.title_derived);
        assert_eq!(a.paragraphs.len(), 2);
        assert_eq!(a.dateline.as_deref(), Some("PARIS"));
        assert_eq!(a.paragraphs[1].index, 1);
    }

    #[test]
    fn blank_line_layout_without_headline_derives_title() {
        let a = parse_txt(
            "b.txt",
            "LONDON ― The mayor resigned on Friday after a long row. Others stayed.\n\nShe said nothing.\n\nIn Other News\nLoad More\n",
        );
        assert!(a.title_derived);
        assert_eq!(a.title, "The mayor resigned on Friday after a long row.");
        assert_eq!(a.paragraphs.len(), 4);
        assert_eq!(a.paragraphs[2].text, "In Other News");
        assert_eq!(a.paragraphs[2].kind, ParagraphKind::Boilerplate);
        assert_eq!(a.paragraphs[3].kind, ParagraphKind::Boilerplate);
    }

    #[test]
    fn hard_wrapped_paragraph_stays_one() {
        let a = parse_txt(
            "c.txt",
            "Title here\n\nThe council voted on the plan late\non Tuesday, members said.\n\nMore text follows here.",
        );
        assert_eq!(a.paragraphs.len(), 2);
        assert!(a.paragraphs[0].text.contains('\n'));
    }

    #[test]
    fn datelines_in_wire_styles() {
        for (p, want) in [
            ("WASHINGTON – North Korea is", "WASHINGTON"),
            ("WASHINGTON ― The U.S. has", "WASHINGTON"),
            ("KYIV, Ukraine (AP) — Russian forces", "KYIV, Ukraine (AP)"),
            ("NEW YORK (Reuters) - Stocks fell", "NEW YORK (Reuters)"),
        ] {
            assert_eq!(
                find_dateline(p).map(|d| d.label).as_deref(),
                Some(want),
                "{p}"
            );
        }
        assert!(find_dateline("A – B").is_none());
        assert!(find_dateline("The US – and its allies").is_none());
    }

    #[test]
    fn kinds() {
        assert_eq!(classify("Tension on the peninsula"), ParagraphKind::Heading);
        assert_eq!(
            classify("Why does the deal matter?"),
            ParagraphKind::Heading
        );
        // A question someone is quoted asking is reported speech.
        for quoted in [
            "Senator Tom Reed asked: “Why now?”",
            "She then asked the minister, \"Are you living in a fantasy world?\"",
        ] {
            assert_eq!(classify(quoted), ParagraphKind::Body, "{quoted}");
        }
        assert_eq!(classify("Advertisement"), ParagraphKind::Boilerplate);
        assert_eq!(classify("Load More"), ParagraphKind::Boilerplate);
        assert_eq!(
            classify("The Associated Press contributed to this report."),
            ParagraphKind::Boilerplate
        );
        assert_eq!(
            classify("Jane Roe is a staff reporter for the Daily Planet covering courts."),
            ParagraphKind::Boilerplate
        );
        assert_eq!(
            classify("The minister said the plan would cost less than expected."),
            ParagraphKind::Body
        );
        assert_eq!(classify("“We will win,” she said"), ParagraphKind::Body);
    }

    #[test]
    fn json_record() {
        let a = parse_json_record(
            "x.jsonl",
            3,
            r#"{"id":"abc","title":"T","body":"T\n\nFirst para.\n\nSecond para.","source":"Wire","date":"2020-01-02","authors":"A B"}"#,
        )
        .unwrap();
        assert_eq!(a.id, "abc");
        assert_eq!(a.paragraphs.len(), 2);
        assert_eq!(a.source.as_deref(), Some("Wire"));
        let b = parse_json_record("x.jsonl", 4, r#"{"title":"T","body":"Only."}"#).unwrap();
        assert_eq!(b.id, "x.jsonl:4");
        assert!(parse_json_record("x.jsonl", 5, "{not json").is_err());
        assert!(parse_json_record("x.jsonl", 6, r#"{"title":"no body"}"#).is_err());
    }
}
