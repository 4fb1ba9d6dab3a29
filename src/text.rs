//! Typographic folding shared by every stage.
//!
//! News text mixes straight and curly quotes, and a zoo of dashes (`-`, `–`,
//! `—`, `―`, `‑`). The stored paragraph keeps them exactly as written; the
//! tagger and the tokenizer look at a folded copy in which each quote and dash
//! is a single ASCII character, so one rule covers every spelling.
//!
//! Also the small helpers every word-list look-up goes through
//! ([`WordSet`], [`with_lowered`]): the taggers ask about nearly every word.

/// Dashes and hyphens that join or separate words.
pub fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}' // hyphen
            | '\u{2011}' // non-breaking hyphen
            | '\u{2012}' // figure dash
            | '\u{2013}' // en dash
            | '\u{2014}' // em dash
            | '\u{2015}' // horizontal bar
            | '\u{2212}' // minus sign
            | '\u{FE58}'
            | '\u{FE63}'
            | '\u{FF0D}'
    )
}

/// Double quotation marks in any style.
pub fn is_double_quote(c: char) -> bool {
    matches!(
        c,
        '"' | '\u{201C}'
            | '\u{201D}'
            | '\u{201E}'
            | '\u{201F}'
            | '\u{00AB}'
            | '\u{00BB}'
            | '\u{2033}'
    )
}

/// Single quotation marks and apostrophes in any style.
pub fn is_single_quote(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' | '\u{00B4}'
    )
}

/// Folds quotes to `"`/`'`, dashes to `-` and odd spaces to ` `.
///
/// The result has the same number of *characters* as the input, so a
/// character index found in the folded text is valid in the original.
pub fn fold(s: &str) -> String {
    // Most text is ASCII with at most a few curly quotes: copy the runs
    // between characters that need folding instead of going char by char.
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = first_to_fold(rest.as_bytes()) {
        out.push_str(&rest[..i]);
        let mut chars = rest[i..].chars();
        let Some(c) = chars.next() else { break };
        out.push(fold_char(c));
        rest = chars.as_str();
    }
    out.push_str(rest);
    out
}

/// Where the first byte that may need folding is. Tested 16 bytes at a
/// time without branching inside a block (the compiler turns each block
/// into a few vector instructions): most bytes need nothing.
fn first_to_fold(bytes: &[u8]) -> Option<usize> {
    let needs_fold = |b: &u8| *b >= 0x80 || *b == b'\t' || *b == b'`';
    let mut at = 0;
    for block in bytes.chunks(16) {
        if block.iter().fold(false, |any, b| any | needs_fold(b)) {
            return block.iter().position(needs_fold).map(|i| at + i);
        }
        at += block.len();
    }
    None
}

/// The high bit of each byte of a word of eight.
pub const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// Up to eight bytes as one little-endian word (missing bytes are 0, which
/// is no letter or digit).
pub fn eight_bytes(chunk: &[u8]) -> u64 {
    let mut word = [0u8; 8];
    let n = chunk.len().min(8);
    word[..n].copy_from_slice(&chunk[..n]);
    u64::from_le_bytes(word)
}

/// The high bit of each byte of `x` that is an ASCII letter or digit, the
/// others 0: eight bytes tested without a branch (the scanners over every
/// paragraph mispredicted a per-byte test at nearly every word).
pub fn ascii_alnum_bits(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    // Per byte of 7-bit `y` (no carry between bytes): the high bit of
    // `y + (0x80 - lo)` is set when y >= lo.
    let y = x & !HIGH_BITS;
    let at_least = |v: u64, lo: u8| v + ONES * (0x80 - u64::from(lo));
    let lower = y | (ONES * 0x20);
    let digit = at_least(y, b'0') & !at_least(y, b'9' + 1);
    let letter = at_least(lower, b'a') & !at_least(lower, b'z' + 1);
    !x & (digit | letter) & HIGH_BITS
}

/// The end of the run of ASCII letters and digits at `i`, eight bytes at a
/// time: a byte-by-byte loop mispredicted its exit at nearly every word.
pub fn ascii_alnum_run(bytes: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = bytes.get(i..i + 8) {
        let other = !ascii_alnum_bits(eight_bytes(chunk)) & HIGH_BITS;
        if other != 0 {
            return i + (other.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while bytes.get(i).is_some_and(u8::is_ascii_alphanumeric) {
        i += 1;
    }
    i
}

fn fold_char(c: char) -> char {
    if is_double_quote(c) {
        '"'
    } else if is_single_quote(c) {
        '\''
    } else if is_dash(c) {
        '-'
    } else if c == '\u{00A0}' || c == '\u{2009}' || c == '\u{202F}' || c == '\t' {
        ' '
    } else {
        c
    }
}

/// `s` in lower case, borrowed when it already is (most words are):
/// word-list look-ups run for nearly every word.
pub fn lowered(s: &str) -> std::borrow::Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase() || b >= 0x80) {
        std::borrow::Cow::Owned(s.to_lowercase())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Calls `f` with `s` in lower case. Short ASCII text (nearly every word
/// and name looked up while tagging) is lowered on the stack: a heap copy
/// for each look-up was a tenth of the tagger's time in the allocator.
pub fn with_lowered<R>(s: &str, f: impl FnOnce(&str) -> R) -> R {
    const MAX: usize = 64;
    let bytes = s.as_bytes();
    if bytes.len() <= MAX && bytes.is_ascii() {
        let mut buf = [0u8; MAX];
        let buf = &mut buf[..bytes.len()];
        buf.copy_from_slice(bytes);
        buf.make_ascii_lowercase();
        // SAFETY: `bytes` is ASCII, and ASCII lower-cased is ASCII, so
        // valid UTF-8. (Validating again was 2% of the tagger's time.)
        return f(unsafe { std::str::from_utf8_unchecked(buf) });
    }
    f(&s.to_lowercase())
}

/// A fixed set of words (a rule's word list), asked about nearly every word
/// of every paragraph, nearly always with "no". Before hashing, a word's
/// first byte and length are checked against those of the list's words
/// (one table look-up), which turns most words away.
#[derive(Debug, Default)]
pub struct WordSet {
    words: rustc_hash::FxHashSet<&'static str>,
    /// For each first byte, bit `len.min(31)` is set for each length a
    /// word of the list with that first byte has.
    shapes: Vec<u32>,
}

impl WordSet {
    fn shape(w: &str) -> Option<(usize, u32)> {
        let first = *w.as_bytes().first()?;
        Some((usize::from(first), 1 << w.len().min(31)))
    }

    pub fn contains(&self, w: &str) -> bool {
        match WordSet::shape(w) {
            Some((first, bit)) if self.shapes.get(first).is_some_and(|s| s & bit == 0) => false,
            _ => self.words.contains(w),
        }
    }
}

impl FromIterator<&'static str> for WordSet {
    fn from_iter<I: IntoIterator<Item = &'static str>>(iter: I) -> WordSet {
        let mut set = WordSet {
            words: rustc_hash::FxHashSet::default(),
            shapes: vec![0; 256],
        };
        for w in iter {
            if let Some((first, bit)) = WordSet::shape(w) {
                set.shapes[first] |= bit;
            }
            set.words.insert(w);
        }
        set
    }
}

/// Collapses runs of whitespace to one space and trims.
pub fn squash_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Number of words, for "is this short enough to be a headline" checks.
pub fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

/// Days and months (with their abbreviations): not names to the tagger,
/// which skips them with their preposition between a speaker and the verb
/// ("May" is also a name, so it counts only as a time word there), and no
/// designator to the analyser ("May 14").
pub const TIME_WORDS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan.",
    "feb.",
    "mar.",
    "apr.",
    "jun.",
    "jul.",
    "aug.",
    "sep.",
    "sept.",
    "oct.",
    "nov.",
    "dec.",
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Eight bytes at a time, the run ends where a byte-by-byte scan ends.
    #[test]
    fn alnum_runs_end_where_bytes_say() {
        let mut text: Vec<u8> = (0u8..=255).collect();
        text.extend(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
        text.extend(b"Zz09@[`{/:");
        text.extend("\u{e9}t\u{e9} x".as_bytes());
        for start in 0..text.len() {
            let mut end = start;
            while text.get(end).is_some_and(u8::is_ascii_alphanumeric) {
                end += 1;
            }
            assert_eq!(ascii_alnum_run(&text, start), end, "from {start}");
        }
    }

    /// Every byte value, in each of the eight places of a word.
    #[test]
    fn alnum_bits_mark_ascii_letters_and_digits() {
        for b in 0..=255u8 {
            for at in 0..8 {
                let mut bytes = [b' '; 8];
                bytes[at] = b;
                let bits = ascii_alnum_bits(eight_bytes(&bytes));
                let expected = if b.is_ascii_alphanumeric() {
                    0x80u64 << (8 * at)
                } else {
                    0
                };
                assert_eq!(bits, expected, "byte {b:#x} at {at}");
            }
        }
        assert_eq!(eight_bytes(b"ab"), u64::from_le_bytes(*b"ab\0\0\0\0\0\0"));
    }

    #[test]
    fn folds_curly_quotes_and_dashes() {
        assert_eq!(fold("“Hi” – it’s ―"), "\"Hi\" - it's -");
        assert_eq!(fold("Shahed\u{2011}136").chars().count(), 10);
        assert_eq!(fold("plain `text`\there"), "plain 'text' here");
        assert_eq!(fold("Zoë said “no”."), "Zoë said \"no\".");
    }

    #[test]
    fn folds_bytes_past_the_first_block() {
        // The byte to fold in the second, third and last 16-byte block.
        let long = format!("{}’{}—{}“", "a".repeat(20), "b".repeat(30), "c".repeat(7));
        let folded = fold(&long);
        assert_eq!(
            folded,
            format!("{}'{}-{}\"", "a".repeat(20), "b".repeat(30), "c".repeat(7))
        );
        assert_eq!(
            first_to_fold(b"no folding needed in this line at all"),
            None
        );
        assert_eq!(first_to_fold("0123456789abcdef0123`".as_bytes()), Some(20));
    }

    #[test]
    fn word_sets_answer_as_their_words() {
        let set: WordSet = ["said", "says", "told", "according", "é"]
            .into_iter()
            .collect();
        for w in ["said", "says", "told", "according", "é"] {
            assert!(set.contains(w), "{w}");
        }
        // Same first byte and length as a listed word, but not listed.
        assert!(!set.contains("sane"));
        // A shape no listed word has: turned away before hashing.
        for w in ["", "s", "saying", "x", "tolds", "accordingly", "è"] {
            assert!(!set.contains(w), "{w}");
        }
        let long: WordSet = ["a".repeat(40).leak() as &str].into_iter().collect();
        assert!(long.contains(&"a".repeat(40)));
        // Lengths over 31 share one bit: the set still decides.
        assert!(!long.contains(&"a".repeat(35)));
    }

    #[test]
    fn with_lowered_lowers_every_kind_of_text() {
        assert!(with_lowered("Kirby", |l| l == "kirby"));
        assert!(with_lowered("U.S. ARMY", |l| l == "u.s. army"));
        assert!(with_lowered("ÉLYSÉE", |l| l == "élysée"));
        let long = "X".repeat(100);
        assert!(with_lowered(&long, |l| l == "x".repeat(100)));
        assert!(with_lowered("", str::is_empty));
    }

    #[test]
    fn lowered_borrows_lower_case() {
        assert!(matches!(
            lowered("said"),
            std::borrow::Cow::Borrowed("said")
        ));
        assert_eq!(lowered("Kirby"), "kirby");
        assert_eq!(lowered("ÉLYSÉE"), "élysée");
    }

    #[test]
    fn squash_and_count() {
        assert_eq!(squash_spaces("  a \n b  "), "a b");
        assert_eq!(word_count("Tension on the peninsula"), 4);
    }
}
