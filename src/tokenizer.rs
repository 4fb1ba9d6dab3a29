//! The text analyser: words, designators, lower case, English stems.
//!
//! Weapon and model designators are written every which way: `Shahed-136`,
//! `Shahed 136`, `shahed136`, `SHAHED-136`, plural `Shahed-136s`. At index
//! time a letters-then-number pair is stored three times: joined and
//! singular (`shahed136`) and as its two parts at their own positions, so
//! plain-word and phrase queries still work. At query time the pair becomes
//! the joined token only, which every spelling above produces. Positions
//! stay aligned (the joined token takes the first part's position) so that
//! phrases around a designator still match.

use rustc_hash::FxHashMap;
use tantivy::tokenizer::{
    Language, RawTokenizer, Stemmer, TextAnalyzer, Token, TokenStream, Tokenizer, TokenizerManager,
};

use crate::text::{ascii_alnum_run, is_dash};

/// Name under which the analyser is registered in the index.
pub const NEWS_TOKENIZER: &str = "news";

/// Longest letter prefix of a designator (`Hwasong`, `Shahed`, `Bayraktar`).
const MAX_PREFIX_CHARS: usize = 12;
/// Longest number part (`136`, `22M3`, `400`).
const MAX_NUMBER_CHARS: usize = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Index,
    Query,
}

/// Splits on non-alphanumerics and handles designators (see module docs),
/// leaving case and endings as written: the raw words under [`analyzer`],
/// and what snippets stem only where a query term could come out.
#[derive(Debug, Clone)]
pub struct NewsTokenizer {
    mode: Mode,
    /// The token every stream of this tokenizer rewrites in place, as
    /// tantivy's own tokenizers do: a `String` for each word of every
    /// paragraph was a tenth of a full build without tagging.
    token: Token,
}

impl NewsTokenizer {
    pub fn new(mode: Mode) -> NewsTokenizer {
        NewsTokenizer {
            mode,
            token: Token::default(),
        }
    }
}

/// A token as written: `head` then `tail` (a designator's number, made
/// singular; empty for a plain word), with its byte range and position.
#[derive(Debug, Clone, Copy)]
struct Piece<'a> {
    head: &'a str,
    tail: &'a str,
    from: usize,
    to: usize,
    position: usize,
}

impl Piece<'_> {
    fn len(&self) -> usize {
        self.head.len() + self.tail.len()
    }

    /// Writes the piece's text, range and position into `token`.
    fn place(&self, token: &mut Token, text: &str) {
        token.text.clear();
        token.text.push_str(text);
        token.offset_from = self.from;
        token.offset_to = self.to;
        token.position = self.position;
        token.position_length = 1;
    }
}

/// The words and designators of one text, found as they are asked for;
/// shared by the raw tokenizer and the full analyser.
struct Pieces<'a> {
    text: &'a str,
    mode: Mode,
    /// Where the search for the next word starts.
    cursor: usize,
    /// The word after the current one, when it was looked at already: its
    /// byte range, `ahead_end` 0 when there is none. (Two fields, not an
    /// `Option` of a pair: the pair was written as two words and read back
    /// as one, which the processor cannot forward from its store buffer,
    /// and stalled at every word.)
    ahead_start: usize,
    ahead_end: usize,
    position: usize,
    /// A designator's parts, still to be given at index time: byte range
    /// and position.
    pending: [(usize, usize, usize); 2],
    pending_len: usize,
    pending_next: usize,
}

impl<'a> Pieces<'a> {
    fn new(text: &'a str, mode: Mode) -> Pieces<'a> {
        Pieces {
            text,
            mode,
            cursor: 0,
            ahead_start: 0,
            ahead_end: 0,
            position: 0,
            pending: [(0, 0, 0); 2],
            pending_len: 0,
            pending_next: 0,
        }
    }
}

impl<'a> Iterator for Pieces<'a> {
    type Item = Piece<'a>;

    fn next(&mut self) -> Option<Piece<'a>> {
        let text = self.text;
        let piece = |head, tail, from, to, position| Piece {
            head,
            tail,
            from,
            to,
            position,
        };
        if self.pending_next < self.pending_len {
            let (from, to, position) = self.pending[self.pending_next];
            self.pending_next += 1;
            return Some(piece(&text[from..to], "", from, to, position));
        }
        let (s, e) = if self.ahead_end > 0 {
            let ahead = (self.ahead_start, self.ahead_end);
            self.ahead_end = 0;
            ahead
        } else {
            next_word(text, self.cursor)?
        };
        let word = &text[s..e];
        let position = self.position;
        if let Some((letters, number)) = split_joined(word) {
            self.position += 1;
            self.cursor = e;
            return Some(piece(letters, singular_number(number), s, e, position));
        }
        if let Some((s2, e2)) = next_word(text, e) {
            let gap = &text[e..s2];
            let mut gap_chars = gap.chars();
            let one_joiner = gap_chars.next().is_some_and(|c| is_dash(c) || c == ' ')
                && gap_chars.next().is_none();
            let next = &text[s2..e2];
            // Nearly every word has one space after it: ask the cheap
            // question (does a number follow?) first.
            if one_joiner && is_number_part(next) && is_letters(word) && joins(word, gap) {
                if self.mode == Mode::Index {
                    self.pending = [(s, e, position), (s2, e2, position + 1)];
                    self.pending_len = 2;
                    self.pending_next = 0;
                }
                self.position += 2;
                self.cursor = e2;
                return Some(piece(word, singular_number(next), s, e2, position));
            }
            (self.ahead_start, self.ahead_end) = (s2, e2);
        }
        self.position += 1;
        self.cursor = e;
        Some(piece(word, "", s, e, position))
    }
}

/// The raw tokens of one text.
pub struct NewsTokenStream<'a> {
    pieces: Pieces<'a>,
    token: &'a mut Token,
}

impl Tokenizer for NewsTokenizer {
    type TokenStream<'a> = NewsTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> NewsTokenStream<'a> {
        self.token.reset();
        NewsTokenStream {
            pieces: Pieces::new(text, self.mode),
            token: &mut self.token,
        }
    }
}

impl TokenStream for NewsTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let Some(p) = self.pieces.next() else {
            return false;
        };
        p.place(self.token, p.head);
        self.token.text.push_str(p.tail);
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// The next run of alphanumeric characters at or after byte `from`, as a
/// byte range.
#[inline]
fn next_word(text: &str, from: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    // The character at byte `i` (a character boundary) and its length;
    // ASCII without decoding.
    let at = |i: usize| -> Option<(bool, usize)> {
        let b = *bytes.get(i)?;
        if b < 0x80 {
            Some((b.is_ascii_alphanumeric(), 1))
        } else {
            let c = text.get(i..)?.chars().next()?;
            Some((c.is_alphanumeric(), c.len_utf8()))
        }
    };
    let mut i = from;
    let start = loop {
        let (alnum, len) = at(i)?;
        if alnum {
            break i;
        }
        i += len;
    };
    // Eight ASCII bytes at a time, then one character that is not ASCII.
    loop {
        i = ascii_alnum_run(bytes, i);
        match at(i) {
            Some((true, len)) => i += len,
            _ => return Some((start, i)),
        }
    }
}

fn is_letters(s: &str) -> bool {
    let n = s.chars().count();
    (1..=MAX_PREFIX_CHARS).contains(&n) && s.chars().all(char::is_alphabetic)
}

fn is_number_part(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_digit())
        && s.chars().count() <= MAX_NUMBER_CHARS
        && s.chars().all(|c| c.is_ascii_alphanumeric())
}

/// Words that come before a number in ordinary prose ("in 2025", "about
/// 36%", "the 1866 treaty", "May 14"): written with a space they are no
/// designator. Joining them made a term of each pair ("in2025"): one
/// distinct term in seven over 5,000 AllSides articles, and a new term
/// costs the index more than a known one. ("No 10" and "US 101" still
/// join.)
const PROSE_BEFORE_NUMBERS: &[&str] = &[
    // Articles, determiners and pronouns.
    "a",
    "an",
    "the",
    "this",
    "that",
    "these",
    "those",
    "some",
    "any",
    "all",
    "each",
    "every",
    "another",
    "other",
    "its",
    "his",
    "her",
    "their",
    "our",
    "my",
    "your",
    "whose",
    "which",
    "what",
    "he",
    "she",
    "it",
    "we",
    "they",
    "i",
    "you",
    "them",
    "him",
    "s",
    // Prepositions and conjunctions.
    "in",
    "of",
    "to",
    "at",
    "on",
    "by",
    "for",
    "from",
    "with",
    "into",
    "onto",
    "over",
    "under",
    "above",
    "below",
    "between",
    "among",
    "about",
    "around",
    "after",
    "before",
    "since",
    "until",
    "till",
    "through",
    "during",
    "within",
    "without",
    "across",
    "against",
    "near",
    "past",
    "per",
    "than",
    "via",
    "toward",
    "towards",
    "up",
    "down",
    "off",
    "out",
    "beyond",
    "like",
    "as",
    "including",
    "and",
    "or",
    "but",
    "nor",
    "while",
    "when",
    "if",
    "so",
    "because",
    "then",
    "plus",
    "minus",
    "versus",
    "vs",
    // Quantities and order.
    "nearly",
    "almost",
    "roughly",
    "approximately",
    "only",
    "just",
    "least",
    "most",
    "more",
    "less",
    "fewer",
    "exactly",
    "barely",
    "top",
    "first",
    "last",
    "next",
    "early",
    "late",
    "mid",
    "half",
    "number",
    "aged",
    "age",
    "ages",
    // Auxiliaries.
    "is",
    "was",
    "are",
    "were",
    "be",
    "been",
    "being",
    "has",
    "have",
    "had",
    "will",
    "would",
    "could",
    "should",
    "can",
    "did",
    "do",
    "does",
];

/// Whether `word` and the number after it, `gap` apart, make one
/// designator: a dash always joins ("Su-27"), a space unless the word is
/// prose (see [`PROSE_BEFORE_NUMBERS`]). The same rule at index and query
/// time, so both agree on every spelling.
fn joins(word: &str, gap: &str) -> bool {
    static PROSE: std::sync::LazyLock<crate::text::WordSet> = std::sync::LazyLock::new(|| {
        PROSE_BEFORE_NUMBERS
            .iter()
            .chain(crate::text::TIME_WORDS)
            .copied()
            .collect()
    });
    gap != " " || crate::text::with_lowered(word, |lower| !PROSE.contains(lower))
}

/// `136s` → `136`: a plural "s" after the digits goes.
fn singular_number(s: &str) -> &str {
    match s.strip_suffix(['s', 'S']) {
        Some(rest) if rest.ends_with(|c: char| c.is_ascii_digit()) => rest,
        _ => s,
    }
}

/// A single word written joined (`shahed136`, `F16s`): letters then a digit.
fn split_joined(word: &str) -> Option<(&str, &str)> {
    // A digit is one byte, and no byte of another character is one.
    let cut = word.bytes().position(|b| b.is_ascii_digit())?;
    let (letters, number) = word.split_at(cut);
    (cut > 0 && is_letters(letters) && is_number_part(number)).then_some((letters, number))
}

/// Tokens this long or longer (in bytes, as written) are dropped, as
/// tantivy's `RemoveLongFilter::limit` drops them: URLs, run-together
/// junk. Snippets drop the same ones.
pub const MAX_TOKEN_BYTES: usize = 40;

/// The full analyser for one mode: words and designators, long tokens
/// dropped, lower case, English stems. Its tokens are exactly those of
/// [`NewsTokenizer`] followed by tantivy's `RemoveLongFilter` (at
/// [`MAX_TOKEN_BYTES`]), `LowerCaser` and English `Stemmer` (a test holds
/// it to that).
pub fn analyzer(mode: Mode) -> TextAnalyzer {
    TextAnalyzer::from(NewsAnalyzer::new(mode))
}

/// Distinct words (as written) whose tokens an analyser keeps; past this,
/// it starts over (a full AllSides build meets ~300,000 distinct words in
/// lower case, most of them once).
const KEPT_WORDS: usize = 200_000;

/// [`NewsTokenizer`], tantivy's lower-casing and its English stemmer in
/// one tokenizer that keeps the final token of each word as written: news
/// text repeats a small vocabulary, and a seen word then costs one look-up
/// and one copy. As three filters (copy each word into the token, lower-
/// case it in place, look its stem up by string) the analyser was a
/// quarter of a full build without tagging, and took 1.72 s of one core
/// over AllSides' paragraphs; as one, 1.33 s. Snowball's stem depends on
/// the word alone, so a kept token is the token.
pub struct NewsAnalyzer {
    mode: Mode,
    token: Token,
    /// Word as written (a designator joined) → its token.
    kept: Kept,
    stemmer: TextAnalyzer,
    /// A designator's two parts, joined.
    joined: String,
}

impl NewsAnalyzer {
    pub fn new(mode: Mode) -> NewsAnalyzer {
        NewsAnalyzer {
            mode,
            token: Token::default(),
            kept: Kept::default(),
            stemmer: stemmer(),
            joined: String::new(),
        }
    }
}

/// A copy keeps no tokens: tantivy copies an analyser for every segment it
/// writes, and copying thousands of words each time would cost more than
/// finding them again.
impl Clone for NewsAnalyzer {
    fn clone(&self) -> Self {
        NewsAnalyzer::new(self.mode)
    }
}

/// One word stemmed by tantivy's own stemmer (for words not seen yet).
fn stemmer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(Stemmer::new(Language::English))
        .build()
}

/// The token of a word as written, not seen yet: tantivy's `LowerCaser`
/// (ASCII in place, otherwise each character's lower case), then its
/// stemmer.
fn analysed(word: &str, stemmer: &mut TextAnalyzer) -> Box<str> {
    let lower = if word.is_ascii() {
        word.to_ascii_lowercase()
    } else {
        word.chars().flat_map(char::to_lowercase).collect()
    };
    let mut stream = stemmer.token_stream(&lower);
    if stream.advance() {
        return stream.token().text.as_str().into();
    }
    drop(stream);
    lower.into()
}

/// The tokens of words seen, by the word as written. A word of up to 16
/// bytes (nearly all) is keyed by its bytes as one number, held in the
/// table itself: a look-up then follows no pointer to a key and compares
/// no strings, where string keys missed the cache and called `memcmp` for
/// every word.
#[derive(Default)]
struct Kept {
    short: FxHashMap<u128, Box<str>>,
    long: FxHashMap<Box<str>, Box<str>>,
}

/// The bytes of a word of at most 16 bytes as one number, zero-padded. A
/// word is letters and digits and holds no zero byte, so no two words share
/// a key. `from_word` is the word's text from the word on: sixteen bytes
/// are read from it at once and those past the word masked off (the word
/// copied into a zeroed array was written a byte at a time and read back
/// whole, which the processor cannot forward from its store buffer).
fn short_key(word: &str, from_word: &[u8]) -> Option<u128> {
    let len = word.len();
    if len > 16 {
        return None;
    }
    let raw = match from_word.first_chunk::<16>() {
        Some(chunk) => u128::from_le_bytes(*chunk),
        None => word
            .bytes()
            .rev()
            .fold(0u128, |key, b| (key << 8) | u128::from(b)),
    };
    Some(if len == 16 {
        raw
    } else {
        raw & ((1u128 << (8 * len)) - 1)
    })
}

impl Kept {
    fn get(&self, word: &str, key: Option<u128>) -> Option<&str> {
        match key {
            Some(key) => self.short.get(&key),
            None => self.long.get(word),
        }
        .map(|token| &**token)
    }

    fn insert(&mut self, word: &str, key: Option<u128>, token: Box<str>) {
        match key {
            Some(key) => self.short.insert(key, token),
            None => self.long.insert(word.into(), token),
        };
    }

    fn len(&self) -> usize {
        self.short.len() + self.long.len()
    }

    fn clear(&mut self) {
        self.short.clear();
        self.long.clear();
    }
}

pub struct NewsAnalyzerStream<'a> {
    pieces: Pieces<'a>,
    token: &'a mut Token,
    kept: &'a mut Kept,
    stemmer: &'a mut TextAnalyzer,
    joined: &'a mut String,
}

impl Tokenizer for NewsAnalyzer {
    type TokenStream<'a> = NewsAnalyzerStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> NewsAnalyzerStream<'a> {
        self.token.reset();
        NewsAnalyzerStream {
            pieces: Pieces::new(text, self.mode),
            token: &mut self.token,
            kept: &mut self.kept,
            stemmer: &mut self.stemmer,
            joined: &mut self.joined,
        }
    }
}

impl TokenStream for NewsAnalyzerStream<'_> {
    fn advance(&mut self) -> bool {
        let p = loop {
            let p = match self.pieces.next() {
                Some(p) => p,
                None => return false,
            };
            if p.len() < MAX_TOKEN_BYTES {
                break p;
            }
        };
        let (word, key) = if p.tail.is_empty() {
            let from_word = &self.pieces.text.as_bytes()[p.from..];
            (p.head, short_key(p.head, from_word))
        } else {
            self.joined.clear();
            self.joined.push_str(p.head);
            self.joined.push_str(p.tail);
            (
                self.joined.as_str(),
                short_key(self.joined, self.joined.as_bytes()),
            )
        };
        if let Some(kept) = self.kept.get(word, key) {
            p.place(self.token, kept);
            return true;
        }
        let analysed = analysed(word, self.stemmer);
        p.place(self.token, &analysed);
        if self.kept.len() >= KEPT_WORDS {
            self.kept.clear();
        }
        self.kept.insert(word, key, analysed);
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// Registers the index-time analyser with an index.
pub fn register(index: &tantivy::Index) {
    index
        .tokenizers()
        .register(NEWS_TOKENIZER, analyzer(Mode::Index));
}

/// Tokenizers for the query parser: the query-time analyser under the same
/// name as the index-time one.
pub fn query_manager() -> TokenizerManager {
    // Built once per process: a manager is cheap to clone (shared inside).
    static MANAGER: std::sync::LazyLock<TokenizerManager> = std::sync::LazyLock::new(|| {
        let manager = TokenizerManager::default();
        manager.register(NEWS_TOKENIZER, analyzer(Mode::Query));
        manager
    });
    MANAGER.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str, mode: Mode) -> Vec<(String, usize)> {
        let mut a = analyzer(mode);
        let mut stream = a.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push((t.text.clone(), t.position));
        }
        out
    }

    #[test]
    fn every_spelling_of_a_designator_meets_the_index() {
        let indexed: Vec<String> = terms("began sending Shahed-136s, dubbed", Mode::Index)
            .into_iter()
            .map(|t| t.0)
            .collect();
        for q in [
            "Shahed-136",
            "Shahed 136",
            "shahed136",
            "SHAHED-136",
            "Shahed-136s",
            "Shahed\u{2011}136",
        ] {
            let t = terms(q, Mode::Query);
            assert_eq!(t.len(), 1, "{q}: {t:?}");
            assert!(indexed.contains(&t[0].0), "{q}: {t:?} not in {indexed:?}");
        }
    }

    #[test]
    fn prose_before_a_number_is_no_designator() {
        for mode in [Mode::Index, Mode::Query] {
            let t = terms("In 2025 about 36 of them, on May 14, in-2025", mode);
            let words: Vec<&str> = t.iter().map(|t| t.0.as_str()).collect();
            // A dash still joins: it is how designators are written.
            assert_eq!(
                words,
                if mode == Mode::Index {
                    [
                        "in", "2025", "about", "36", "of", "them", "on", "may", "14", "in2025",
                    ]
                    .iter()
                    .chain(&["in", "2025"])
                    .copied()
                    .collect::<Vec<_>>()
                } else {
                    vec![
                        "in", "2025", "about", "36", "of", "them", "on", "may", "14", "in2025",
                    ]
                },
                "{mode:?}"
            );
            // Positions run on one by one, as for any words.
            assert_eq!(t[1].1, t[0].1 + 1);
        }
        let t = terms("Hwasong 15 and Route 66", Mode::Query);
        assert_eq!(
            t.iter().map(|t| t.0.as_str()).collect::<Vec<_>>(),
            ["hwasong15", "and", "route66"]
        );
    }

    #[test]
    fn positions_stay_aligned_for_phrases() {
        let idx = terms("the F-16 jets flew", Mode::Index);
        let q = terms("F-16 jets", Mode::Query);
        let f16 = idx.iter().find(|t| t.0 == "f16").unwrap().1;
        let jets = idx.iter().find(|t| t.0 == "jet").unwrap().1;
        assert_eq!(jets - f16, q[1].1 - q[0].1);
    }

    /// The analyser's tokens (text, offsets, positions) are those of the
    /// raw tokenizer followed by tantivy's own filters, for words seen
    /// once or again, in a copy too, in both modes.
    #[test]
    fn analyser_equals_tantivys_filters_over_the_raw_words() {
        use tantivy::tokenizer::{LowerCaser, RemoveLongFilter};
        let text = "Running runs RAN shells Shelling generously organisations \
                    \u{c9}lys\u{e9}es \u{c9}LYS\u{c9}ES \u{3a3}\u{38a}\u{3a3}\u{3a5}\u{3a6}\u{39f}\u{3a3} \
                    nationalities ponies caresses Shahed-136s F16s shahed 136 \
                    http://averyveryveryveryveryverylongaddress.example/path \
                    Stra\u{df}e \u{130}stanbul don't U.S. 1,000 22M3 Running";
        for mode in [Mode::Index, Mode::Query] {
            let all = |a: &mut TextAnalyzer| {
                let mut s = a.token_stream(text);
                let mut out = Vec::new();
                while let Some(t) = s.next() {
                    out.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
                }
                out
            };
            let expected = all(&mut TextAnalyzer::builder(NewsTokenizer::new(mode))
                .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
                .filter(LowerCaser)
                .filter(Stemmer::new(Language::English))
                .build());
            assert!(expected.iter().any(|t| t.0 == "shahed136"));
            assert!(expected.iter().any(|t| t.0 == "\u{e9}lys\u{e9}"));
            let mut ours = analyzer(mode);
            let mut copy = ours.clone();
            for _ in 0..2 {
                assert_eq!(all(&mut ours), expected, "{mode:?}");
                assert_eq!(all(&mut copy), expected, "{mode:?} copy");
            }
        }
    }

    #[test]
    fn plain_words_are_stemmed() {
        let t = terms("Shells were fired", Mode::Query);
        assert_eq!(t[0].0, "shell");
    }
}
