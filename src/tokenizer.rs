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

use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, Stemmer, TextAnalyzer, Token, TokenStream, Tokenizer,
    TokenizerManager,
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
}

impl NewsTokenizer {
    pub fn new(mode: Mode) -> NewsTokenizer {
        NewsTokenizer { mode }
    }
}

/// The tokens of one text; the filters after it rewrite them in place.
pub struct VecTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

impl Tokenizer for NewsTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        let mut tokens = Vec::new();
        analyse(text, self.mode, &mut tokens);
        VecTokenStream { tokens, next: 0 }
    }
}

/// Alphanumeric runs of `text`, as byte ranges.
fn raw_words(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() {
            if start.is_none() {
                start = Some(i);
            }
        } else if let Some(s) = start.take() {
            out.push((s, i));
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
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
    let cut = word.find(|c: char| c.is_ascii_digit())?;
    let (letters, number) = word.split_at(cut);
    (cut > 0 && is_letters(letters) && is_number_part(number)).then_some((letters, number))
}

fn push(out: &mut Vec<Token>, text: String, from: usize, to: usize, position: usize) {
    out.push(Token {
        offset_from: from,
        offset_to: to,
        position,
        text,
        position_length: 1,
    });
}

/// The whole analysis before lower-casing and stemming.
pub fn analyse(text: &str, mode: Mode, out: &mut Vec<Token>) {
    let words = raw_words(text);
    let mut position = 0;
    let mut i = 0;
    while i < words.len() {
        let (s, e) = words[i];
        let word = &text[s..e];
        if let Some((letters, number)) = split_joined(word) {
            push(
                out,
                format!("{letters}{}", singular_number(number)),
                s,
                e,
                position,
            );
            position += 1;
            i += 1;
            continue;
        }
        if let Some(&(s2, e2)) = words.get(i + 1) {
            let gap = &text[e..s2];
            let one_joiner =
                gap.chars().count() == 1 && gap.chars().all(|c| is_dash(c) || c == ' ');
            let next = &text[s2..e2];
            if one_joiner && is_letters(word) && is_number_part(next) {
                push(
                    out,
                    format!("{word}{}", singular_number(next)),
                    s,
                    e2,
                    position,
                );
                if mode == Mode::Index {
                    push(out, word.to_string(), s, e, position);
                    push(out, next.to_string(), s2, e2, position + 1);
                }
                position += 2;
                i += 2;
                continue;
            }
        }
        push(out, word.to_string(), s, e, position);
        position += 1;
        i += 1;
    }
}

/// The full analyser for one mode: words and designators, long tokens
/// dropped, lower case, English stems.
pub fn analyzer(mode: Mode) -> TextAnalyzer {
    TextAnalyzer::builder(NewsTokenizer::new(mode))
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(Stemmer::new(Language::English))
        .build()
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

    #[test]
    fn plain_words_are_stemmed() {
        let t = terms("Shells were fired", Mode::Query);
        assert_eq!(t[0].0, "shell");
    }
}
