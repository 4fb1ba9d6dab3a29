//! Snippets and highlights of hits, found with the index's analyser.
//!
//! tantivy's snippet generator runs the whole index-time analyser over a
//! hit's paragraph, English stemmer included, and the stemmer was most of a
//! snippet's time (about a third of building a hit). English stemming keeps
//! a word's first two letters (but for "dying", "lying" and "tying", which
//! become "die", "lie" and "tie"), so a word whose first two bytes begin none
//! of the query's terms can never stem to one: such tokens are emptied before
//! the stemmer (an empty token costs it nothing and matches no term). The
//! tokens, their offsets and the matches are those of the full analyser, so
//! snippets and highlights are too.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use tantivy::query::Query;
use tantivy::schema::Field;
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, Stemmer, TextAnalyzer, Token, TokenFilter, TokenStream,
    Tokenizer,
};
use tantivy::{Score, Searcher, Term};

use crate::error::Result;
use crate::tokenizer::{Mode, NewsTokenizer, MAX_TOKEN_BYTES};

/// tantivy's `SnippetGenerator::create` with [`analyzer`]: the same terms
/// and weights (rarer terms weigh more), the same snippets.
pub fn generator(
    searcher: &Searcher,
    query: &dyn Query,
    field: Field,
    max_chars: usize,
) -> Result<SnippetGenerator> {
    let mut terms: BTreeSet<&Term> = BTreeSet::new();
    query.query_terms(&mut |term, _| {
        if term.field() == field {
            terms.insert(term);
        }
    });
    let mut weighted: BTreeMap<String, Score> = BTreeMap::new();
    for term in terms {
        let value = term.value();
        let Some(text) = value.as_str() else {
            continue;
        };
        let doc_freq = searcher.doc_freq(term)?;
        if doc_freq > 0 {
            weighted.insert(text.to_string(), 1.0 / (1.0 + doc_freq as Score));
        }
    }
    let analyzer = analyzer(weighted.keys().map(String::as_str));
    Ok(SnippetGenerator::new(weighted, analyzer, field, max_chars))
}

/// The index-time analyser (`tokenizer::analyzer(Mode::Index)`) for finding
/// `terms`, stemming only the tokens that could become one of them.
pub fn analyzer<'t>(terms: impl IntoIterator<Item = &'t str>) -> TextAnalyzer {
    let starts = terms.into_iter().map(|t| head(t.as_bytes())).collect();
    TextAnalyzer::builder(NewsTokenizer::new(Mode::Index))
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(OnlyPossibleTerms {
            starts: Arc::new(starts),
        })
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Empties the tokens that cannot stem to any term.
#[derive(Clone)]
struct OnlyPossibleTerms {
    /// The first two bytes of each term (the whole of a shorter one, which
    /// only a token as short can be: the stemmer leaves those alone).
    starts: Arc<Vec<Head>>,
}

/// Up to two bytes and how many.
type Head = ([u8; 2], usize);

fn head(word: &[u8]) -> Head {
    match word {
        [] => ([0, 0], 0),
        [a] => ([*a, 0], 1),
        [a, b, ..] => ([*a, *b], 2),
    }
}

impl OnlyPossibleTerms {
    fn possible(&self, token: &str) -> bool {
        let head = head(token.as_bytes());
        // "dying" stems to "die": a "Xy" word may become "Xi...".
        let y_to_i = match head {
            ([first, b'y'], 2) => ([first, b'i'], 2),
            _ => head,
        };
        self.starts.iter().any(|&s| s == head || s == y_to_i)
    }
}

impl TokenFilter for OnlyPossibleTerms {
    type Tokenizer<T: Tokenizer> = OnlyPossibleTermsFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> OnlyPossibleTermsFilter<T> {
        OnlyPossibleTermsFilter {
            inner: tokenizer,
            filter: self,
        }
    }
}

#[derive(Clone)]
pub struct OnlyPossibleTermsFilter<T> {
    inner: T,
    filter: OnlyPossibleTerms,
}

impl<T: Tokenizer> Tokenizer for OnlyPossibleTermsFilter<T> {
    type TokenStream<'a> = OnlyPossibleTermsStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        OnlyPossibleTermsStream {
            tail: self.inner.token_stream(text),
            filter: &self.filter,
        }
    }
}

pub struct OnlyPossibleTermsStream<'a, T> {
    tail: T,
    filter: &'a OnlyPossibleTerms,
}

impl<T: TokenStream> TokenStream for OnlyPossibleTermsStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        if !self.filter.possible(&self.tail.token().text) {
            self.tail.token_mut().text.clear();
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenizer::analyzer as full_analyzer;

    /// English text with stemming's hard cases: the seed articles, this
    /// project's README and words the stemmer treats specially.
    fn texts() -> Vec<String> {
        let mut t: Vec<String> = ["corpus", "."]
            .iter()
            .flat_map(|d| std::fs::read_dir(d).into_iter().flatten().flatten())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "txt" || x == "md"))
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .collect();
        t.push(
            "skis skies dying lying tying idly gently ugly early only singly sky news howe \
             atlas cosmos bias andes generously agreed happy cries ties dies says yelled \
             Yemen's yttrium a I an Shahed-136s F-16s flies flying fly's"
                .into(),
        );
        assert!(t.len() >= 3, "seed articles and README found");
        t
    }

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push(t.clone());
        }
        out
    }

    #[test]
    fn stemming_keeps_the_first_two_bytes_of_every_word_but_y_to_i() {
        let mut unstemmed = TextAnalyzer::builder(NewsTokenizer::new(Mode::Index))
            .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
            .filter(LowerCaser)
            .build();
        let mut full = full_analyzer(Mode::Index);
        for text in texts() {
            let (a, b) = (tokens(&mut unstemmed, &text), tokens(&mut full, &text));
            assert_eq!(a.len(), b.len());
            for (word, stem) in a.iter().zip(&b) {
                let only = OnlyPossibleTerms {
                    starts: Arc::new(vec![head(stem.text.as_bytes())]),
                };
                assert!(only.possible(&word.text), "{word:?} -> {stem:?}");
            }
        }
    }

    #[test]
    fn snippets_equal_those_of_the_full_analyser() {
        let field = Field::from_field_id(0);
        for text in texts() {
            let words: Vec<String> = tokens(&mut full_analyzer(Mode::Index), &text)
                .into_iter()
                .map(|t| t.text)
                .collect();
            // Single words, rare and common, and a few at once.
            for pick in words.iter().step_by(97).take(40) {
                let terms: BTreeMap<String, Score> = [(pick.clone(), 0.5), ("said".into(), 0.1)]
                    .into_iter()
                    .collect();
                let full =
                    SnippetGenerator::new(terms.clone(), full_analyzer(Mode::Index), field, 240);
                let lazy = SnippetGenerator::new(
                    terms.clone(),
                    analyzer(terms.keys().map(String::as_str)),
                    field,
                    240,
                );
                let (a, b) = (full.snippet(&text), lazy.snippet(&text));
                assert_eq!(a.fragment(), b.fragment(), "{pick}");
                assert_eq!(a.highlighted(), b.highlighted(), "{pick}");
            }
        }
    }
}
