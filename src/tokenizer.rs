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
    Language, LowerCaser, RawTokenizer, RemoveLongFilter, Stemmer, TextAnalyzer, Token,
    TokenFilter, TokenStream, Tokenizer, TokenizerManager,
};

use crate::text::is_dash;

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

/// Splits on non-alphanumerics and handles designators (see module docs).
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

/// The tokens of one text, found as they are asked for.
pub struct NewsTokenStream<'a> {
    text: &'a str,
    mode: Mode,
    token: &'a mut Token,
    /// Where the search for the next word starts.
    cursor: usize,
    /// The word after the current one, when it was looked at already.
    lookahead: Option<(usize, usize)>,
    position: usize,
    /// A designator's parts, still to be given at index time: byte range
    /// and position.
    pending: [(usize, usize, usize); 2],
    pending_len: usize,
    pending_next: usize,
}

impl Tokenizer for NewsTokenizer {
    type TokenStream<'a> = NewsTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> NewsTokenStream<'a> {
        self.token.reset();
        NewsTokenStream {
            text,
            mode: self.mode,
            token: &mut self.token,
            cursor: 0,
            lookahead: None,
            position: 0,
            pending: [(0, 0, 0); 2],
            pending_len: 0,
            pending_next: 0,
        }
    }
}

/// The next run of alphanumeric characters at or after byte `from`, as a
/// byte range.
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
    while let Some((true, len)) = at(i) {
        i += len;
    }
    Some((start, i))
}

impl NewsTokenStream<'_> {
    fn set(&mut self, parts: &[&str], from: usize, to: usize, position: usize) {
        self.token.text.clear();
        for part in parts {
            self.token.text.push_str(part);
        }
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position = position;
        self.token.position_length = 1;
    }
}

impl TokenStream for NewsTokenStream<'_> {
    fn advance(&mut self) -> bool {
        let text = self.text;
        if self.pending_next < self.pending_len {
            let (from, to, position) = self.pending[self.pending_next];
            self.pending_next += 1;
            self.set(&[&text[from..to]], from, to, position);
            return true;
        }
        let Some((s, e)) = self
            .lookahead
            .take()
            .or_else(|| next_word(text, self.cursor))
        else {
            return false;
        };
        let word = &text[s..e];
        let position = self.position;
        if let Some((letters, number)) = split_joined(word) {
            self.set(&[letters, singular_number(number)], s, e, position);
            self.position += 1;
            self.cursor = e;
            return true;
        }
        if let Some((s2, e2)) = next_word(text, e) {
            let gap = &text[e..s2];
            let mut gap_chars = gap.chars();
            let one_joiner = gap_chars.next().is_some_and(|c| is_dash(c) || c == ' ')
                && gap_chars.next().is_none();
            let next = &text[s2..e2];
            // Nearly every word has one space after it: ask the cheap
            // question (does a number follow?) first.
            if one_joiner && is_number_part(next) && is_letters(word) {
                self.set(&[word, singular_number(next)], s, e2, position);
                if self.mode == Mode::Index {
                    self.pending = [(s, e, position), (s2, e2, position + 1)];
                    self.pending_len = 2;
                    self.pending_next = 0;
                }
                self.position += 2;
                self.cursor = e2;
                return true;
            }
            self.lookahead = Some((s2, e2));
        }
        self.set(&[word], s, e, position);
        self.position += 1;
        self.cursor = e;
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
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

/// The full analyser for one mode: words and designators, long tokens
/// dropped, lower case, English stems.
pub fn analyzer(mode: Mode) -> TextAnalyzer {
    TextAnalyzer::builder(NewsTokenizer::new(mode))
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(CachedStemmer)
        .build()
}

/// Distinct words whose stems an analyser keeps; past this, it starts over
/// (a full AllSides build meets ~300,000 distinct words, most of them once).
const STEM_CACHE: usize = 200_000;

/// tantivy's English stemmer, with the stem of each word it has seen kept:
/// news text repeats a small vocabulary, and stemming every word again was
/// a third of a full build without tagging. Snowball's stem depends on the
/// word alone, so a kept stem is the stem.
#[derive(Clone, Copy)]
pub struct CachedStemmer;

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter {
            inner,
            stems: FxHashMap::default(),
            stemmer: stemmer(),
        }
    }
}

/// One word stemmed by tantivy's own stemmer (for words not seen yet).
fn stemmer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(Stemmer::new(Language::English))
        .build()
}

pub struct CachedStemmerFilter<T> {
    inner: T,
    stems: FxHashMap<Box<str>, Box<str>>,
    stemmer: TextAnalyzer,
}

/// A copy starts with no stems: tantivy copies an analyser for every
/// segment it writes, and copying thousands of stems each time would cost
/// more than finding them again.
impl<T: Clone> Clone for CachedStemmerFilter<T> {
    fn clone(&self) -> Self {
        CachedStemmerFilter {
            inner: self.inner.clone(),
            stems: FxHashMap::default(),
            stemmer: stemmer(),
        }
    }
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            stems: &mut self.stems,
            stemmer: &mut self.stemmer,
        }
    }
}

pub struct CachedStemmerStream<'a, T> {
    tail: T,
    stems: &'a mut FxHashMap<Box<str>, Box<str>>,
    stemmer: &'a mut TextAnalyzer,
}

impl<T: TokenStream> TokenStream for CachedStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(stem) = self.stems.get(token.text.as_str()) {
            token.text.clear();
            token.text.push_str(stem);
            return true;
        }
        let mut stream = self.stemmer.token_stream(&token.text);
        let stem: Box<str> = if stream.advance() {
            stream.token().text.as_str().into()
        } else {
            token.text.as_str().into()
        };
        drop(stream);
        if self.stems.len() >= STEM_CACHE {
            self.stems.clear();
        }
        let word: Box<str> = token.text.as_str().into();
        token.text.clear();
        token.text.push_str(&stem);
        self.stems.insert(word, stem);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
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
    fn positions_stay_aligned_for_phrases() {
        let idx = terms("the F-16 jets flew", Mode::Index);
        let q = terms("F-16 jets", Mode::Query);
        let f16 = idx.iter().find(|t| t.0 == "f16").unwrap().1;
        let jets = idx.iter().find(|t| t.0 == "jet").unwrap().1;
        assert_eq!(jets - f16, q[1].1 - q[0].1);
    }

    /// Kept stems are tantivy's stems, seen once or again, in a copy too.
    #[test]
    fn kept_stems_are_the_stemmers_stems() {
        let words = "running runs ran shells shelling generously organisations Élysées \
                     nationalities ponies caresses sensational conditional";
        let mut stock = TextAnalyzer::builder(tantivy::tokenizer::SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(Stemmer::new(Language::English))
            .build();
        let expected: Vec<String> = {
            let mut s = stock.token_stream(words);
            let mut out = Vec::new();
            while let Some(t) = s.next() {
                out.push(t.text.clone());
            }
            out
        };
        let mut cached = TextAnalyzer::builder(tantivy::tokenizer::SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(CachedStemmer)
            .build();
        let mut copy = cached.clone();
        for _ in 0..2 {
            for analyzer in [&mut cached, &mut copy] {
                let mut s = analyzer.token_stream(words);
                let mut got = Vec::new();
                while let Some(t) = s.next() {
                    got.push(t.text.clone());
                }
                assert_eq!(got, expected);
            }
        }
    }

    #[test]
    fn plain_words_are_stemmed() {
        let t = terms("Shells were fired", Mode::Query);
        assert_eq!(t[0].0, "shell");
    }
}
