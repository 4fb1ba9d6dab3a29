//! Words and sentences of a paragraph, for the taggers.
//!
//! The taggers reason over words (is it capitalised? a title? a cue verb?),
//! so a paragraph is cut once into [`Word`]s over its folded text. Dots stay
//! on abbreviations and initials ("U.S.", "Brig.", "J."), so that a sentence
//! ends only at a real full stop.

/// One token of folded paragraph text; `start..end` are byte offsets.
///
/// Both strings borrow the paragraph: `text` its folded text, `lower` the
/// lower-case copy made once per paragraph (see [`words`]). A word is
/// looked at many times by every rule, and owning two small strings per
/// word was a fifth of the tagger's time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word<'a> {
    pub text: &'a str,
    lower: &'a str,
    pub start: usize,
    pub end: usize,
    /// Index of the sentence the word belongs to.
    pub sentence: usize,
}

impl<'a> Word<'a> {
    pub fn is_capitalised(&self) -> bool {
        self.text.chars().next().is_some_and(char::is_uppercase)
    }

    pub fn is_punct(&self) -> bool {
        !self.text.chars().next().is_some_and(char::is_alphanumeric)
    }

    /// `text` in lower case.
    pub fn lower(&self) -> &'a str {
        self.lower
    }

    pub fn is(&self, s: &str) -> bool {
        self.text.eq_ignore_ascii_case(s)
    }
}

/// A raw token: byte range in the text.
#[derive(Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || unicode_mark(c)
}

/// Combining marks (accents written as separate characters).
fn unicode_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// Cuts text into raw tokens: acronyms with dots ("U.S."), words with
/// inner hyphens and apostrophes ("Jong-Sup", "don't"), numbers ("1,000",
/// "122mm") and single punctuation characters. A hand-written scanner:
/// this runs over every paragraph and is the tagger's hottest loop.
fn scan(text: &str, mut emit: impl FnMut(Span)) {
    let bytes = text.as_bytes();
    // The character at byte `i` (always a character boundary here); ASCII,
    // nearly all of news text, without decoding.
    let char_at = |i: usize| match bytes.get(i) {
        Some(&b) if b < 0x80 => Some(b as char),
        Some(_) => text.get(i..).and_then(|t| t.chars().next()),
        None => None,
    };
    let mut i = 0;
    while let Some(c) = char_at(i) {
        let mut end = i + c.len_utf8();
        if c.is_whitespace() {
            i = end;
            continue;
        }
        if c.is_uppercase() && bytes.get(end) == Some(&b'.') {
            // Acronym: (Upper '.'){2,}
            let mut j = end + 1;
            let mut count = 1;
            while let Some(n) = char_at(j) {
                if n.is_uppercase() && bytes.get(j + n.len_utf8()) == Some(&b'.') {
                    j += n.len_utf8() + 1;
                    count += 1;
                } else {
                    break;
                }
            }
            if count >= 2 {
                emit(Span { start: i, end: j });
                i = j;
                continue;
            }
        }
        if c.is_alphabetic() {
            loop {
                end = crate::text::ascii_alnum_run(bytes, end);
                match char_at(end) {
                    Some(n) if !n.is_ascii() && is_word_char(n) => end += n.len_utf8(),
                    Some(n @ ('-' | '\'')) => match char_at(end + 1) {
                        Some(m) if is_word_char(m) => end += n.len_utf8() + m.len_utf8(),
                        _ => break,
                    },
                    _ => break,
                }
            }
        } else if c.is_numeric() {
            loop {
                match char_at(end) {
                    Some(n) if n.is_numeric() => end += n.len_utf8(),
                    Some(',' | '.') if char_at(end + 1).is_some_and(char::is_numeric) => end += 1,
                    _ => break,
                }
            }
            while let Some(n) = char_at(end).filter(|n| n.is_alphabetic()) {
                end += n.len_utf8();
            }
        }
        emit(Span { start: i, end });
        i = end;
    }
}

/// Abbreviations that keep their dot and do not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "lt", "gen", "col", "capt", "cmdr",
    "adm", "maj", "brig", "sgt", "cpl", "pvt", "st", "rev", "hon", "jr", "sr", "vs", "etc", "inc",
    "ltd", "corp", "dept", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "mt", "ft", "approx", "ave", "blvd", "calif", "fla", "mich", "ariz", "colo",
    "conn", "ky", "minn", "nev", "okla", "tenn", "tex", "vt", "wis", "wyo", "supt", "insp", "cllr",
    "messrs", "mme", "msgr", "sra",
];
static ABBREVIATIONS_SET: std::sync::LazyLock<crate::text::WordSet> =
    std::sync::LazyLock::new(|| ABBREVIATIONS.iter().copied().collect());

/// A word found by the scanner: a byte range of the text and its sentence.
#[derive(Clone, Copy)]
struct Token {
    start: usize,
    end: usize,
    sentence: usize,
    /// The possessive ending split off a word, whatever its case: "'s".
    possessive: bool,
}

impl Token {
    fn new(start: usize, end: usize, sentence: usize) -> Token {
        Token {
            start,
            end,
            sentence,
            possessive: false,
        }
    }
}

/// Cuts folded text into words with sentence numbers. `lower` receives the
/// lower-case text the words borrow: the ASCII lower case of `folded` (same
/// offsets), then the lower case of each word that has other letters.
pub fn words<'a>(folded: &'a str, lower: &'a mut String) -> Vec<Word<'a>> {
    words_and_lower(folded, lower).0
}

/// [`words`], and the lower-case text they borrow: every word's
/// [`Word::lower`] is a part of it.
pub fn words_and_lower<'a>(folded: &'a str, lower: &'a mut String) -> (Vec<Word<'a>>, &'a str) {
    SCRATCH.with_borrow_mut(|scratch| words_with(folded, lower, scratch))
}

/// Vectors used while cutting a paragraph, kept from one paragraph to the
/// next on each thread: allocating and freeing them for every paragraph
/// showed in the tagger's time in the allocator.
#[derive(Default)]
struct Scratch {
    tokens: Vec<Token>,
    /// Where each token's lower case is in `lower`, for paragraphs that
    /// are not all ASCII.
    lower_ranges: Vec<std::ops::Range<usize>>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

fn words_with<'a>(
    folded: &'a str,
    lower: &'a mut String,
    scratch: &mut Scratch,
) -> (Vec<Word<'a>>, &'a str) {
    let Scratch {
        tokens,
        lower_ranges,
    } = scratch;
    // The scanner feeds the tokeniser directly: one pass, no list of raw
    // tokens in between (pushing to it was a fifth of this function).
    let mut tokeniser = Tokeniser::new(folded, tokens);
    scan(folded, |m| tokeniser.push(m));
    lower.clear();
    lower.push_str(folded);
    lower.make_ascii_lowercase();
    // Most paragraphs are ASCII once folded: one check for all their words.
    let all_ascii = folded.is_ascii();
    lower_ranges.clear();
    if !all_ascii {
        for t in tokens.iter() {
            let text = &folded[t.start..t.end];
            if text.is_ascii() {
                lower_ranges.push(t.start..t.end);
            } else {
                let at = lower.len();
                lower.push_str(&text.to_lowercase());
                lower_ranges.push(at..lower.len());
            }
        }
    }
    let lower: &'a String = lower;
    let mut words = Vec::with_capacity(tokens.len());
    for (k, t) in tokens.iter().enumerate() {
        let (text, lower) = if t.possessive {
            ("'s", "'s")
        } else if all_ascii {
            (&folded[t.start..t.end], &lower[t.start..t.end])
        } else {
            (&folded[t.start..t.end], &lower[lower_ranges[k].clone()])
        };
        words.push(Word {
            text,
            lower,
            start: t.start,
            end: t.end,
            sentence: t.sentence,
        });
    }
    (words, lower)
}

/// Turns raw tokens into words with sentence numbers: possessives split
/// off, dots kept on abbreviations and initials.
struct Tokeniser<'t> {
    folded: &'t str,
    out: &'t mut Vec<Token>,
    sentence: usize,
    pending_break: bool,
}

impl<'t> Tokeniser<'t> {
    fn new(folded: &'t str, out: &'t mut Vec<Token>) -> Self {
        out.clear();
        Tokeniser {
            folded,
            out,
            sentence: 0,
            pending_break: false,
        }
    }

    fn push(&mut self, m: Span) {
        let folded = self.folded;
        let out = &mut *self.out;
        let text_of = |t: &Token| &folded[t.start..t.end];
        let text = &folded[m.start..m.end];
        let is_dot_word = text.ends_with('.');
        // Split the English possessive off: "Russia's" → "Russia", "'s".
        if !is_dot_word && (text.ends_with("'s") || text.ends_with("'S")) && text.len() > 2 {
            let cut = m.start + text.len() - 2;
            if self.pending_break && starts_sentence(text) {
                self.sentence += 1;
            }
            self.pending_break = false;
            out.push(Token::new(m.start, cut, self.sentence));
            out.push(Token {
                possessive: true,
                ..Token::new(cut, m.end, self.sentence)
            });
            return;
        }
        // Re-attach the dot of an abbreviation or an initial.
        if text == "." {
            if let Some(prev) = out.last_mut() {
                let p = &folded[prev.start..prev.end];
                let mut chars = p.chars();
                let initial =
                    chars.next().is_some_and(char::is_uppercase) && chars.next().is_none();
                if prev.end == m.start && !p.ends_with('.') && (initial || is_abbreviation(p)) {
                    prev.end = m.end;
                    return;
                }
            }
        }
        // "a.m." and "p.m." arrive as "a", ".", "m", "."; keep them whole.
        if (text == "m" || text == "M") && out.len() >= 2 {
            let n = out.len();
            let (a, dot) = (&out[n - 2], &out[n - 1]);
            if text_of(dot) == "."
                && (text_of(a).eq_ignore_ascii_case("a") || text_of(a).eq_ignore_ascii_case("p"))
                && a.end == dot.start
                && dot.end == m.start
            {
                let (start, sent) = (a.start, a.sentence);
                out.truncate(n - 2);
                let end = if folded[m.end..].starts_with('.') {
                    m.end + 1
                } else {
                    m.end
                };
                out.push(Token::new(start, end, sent));
                return;
            }
        }
        // A closing quote or bracket right after the stop stays with the
        // sentence it closes: `... so." Then` breaks before "Then".
        if self.pending_break
            && matches!(text, "\"" | "'" | ")" | "]")
            && out.last().is_some_and(|p| p.end == m.start)
        {
            out.push(Token::new(m.start, m.end, self.sentence));
            return;
        }
        if self.pending_break && starts_sentence(text) {
            self.sentence += 1;
        }
        self.pending_break = false;
        out.push(Token::new(m.start, m.end, self.sentence));
        if matches!(text, "." | "!" | "?") {
            self.pending_break = true;
        }
    }
}

/// An abbreviation that keeps its dot ("Gen", "Oct", "a.m").
fn is_abbreviation(word: &str) -> bool {
    if word.len() > 7 {
        return false;
    }
    let lower = crate::text::lowered(word);
    ABBREVIATIONS_SET.contains(lower.as_ref()) || lower == "a.m" || lower == "p.m"
}

/// A sentence begins with a capital, a digit or an opening quote.
fn starts_sentence(token: &str) -> bool {
    token.chars().next().is_some_and(|c| {
        c.is_uppercase() || c.is_numeric() || c == '"' || c == '\'' || c == '(' || c == '['
    })
}

/// Word ranges of each sentence.
pub fn sentence_ranges(words: &[Word]) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = 0;
    for i in 1..=words.len() {
        if i == words.len() || words[i].sentence != words[start].sentence {
            ranges.push(start..i);
            start = i;
        }
    }
    ranges.retain(|r| !r.is_empty());
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts<'a>(ws: &[Word<'a>]) -> Vec<&'a str> {
        ws.iter().map(|w| w.text).collect()
    }

    #[test]
    fn keeps_abbreviations_and_initials() {
        let mut lower = String::new();
        let ws = words(
            "Brig. Gen. Pat Ryder met J.R.R. Tolkien in the U.S. on Oct. 20 at 9 a.m. today.",
            &mut lower,
        );
        let t = texts(&ws);
        assert!(t.contains(&"Brig."));
        assert!(t.contains(&"Gen."));
        assert!(t.contains(&"U.S."));
        assert!(t.contains(&"Oct."));
        assert!(t.contains(&"J.R.R."));
        assert!(t.contains(&"a.m."));
        assert!(ws.iter().all(|w| w.sentence == 0), "{ws:?}");
    }

    #[test]
    fn splits_sentences_and_possessives() {
        let mut lower = String::new();
        let ws = words(
            "Russia's army moved. Mr. Smith said so! \"Yes.\" Then quiet.",
            &mut lower,
        );
        let t = texts(&ws);
        assert_eq!(&t[..3], ["Russia", "'s", "army"]);
        let last = ws.last().unwrap().sentence;
        assert_eq!(last, 3, "{ws:?}");
        let smith = ws.iter().find(|w| w.text == "Smith").unwrap();
        assert_eq!(smith.sentence, 1);
        assert_eq!(sentence_ranges(&ws).len(), 4);
    }
}
