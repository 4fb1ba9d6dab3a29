//! Reference lists compiled into the binary, and one automaton over them.
//!
//! Every list lives in `data/` with its source and licence (see
//! `data/README.md`). All surface forms (names, aliases, demonyms, capitals,
//! organisations, weapon systems) go into a single Aho-Corasick automaton so
//! a paragraph is scanned once, whatever the size of the lists.

use rustc_hash::FxHashSet as HashSet;

use rustc_hash::FxHashMap as HashMap;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::{LazyLock, Mutex};

use aho_corasick::automaton::Automaton;
use aho_corasick::nfa::contiguous::NFA;
use aho_corasick::{Anchored, MatchKind};

use crate::tagging::EntityKind;

const COUNTRIES: &str = include_str!("../data/countries.tsv");
const US_STATES: &str = include_str!("../data/us-states.tsv");
const PLACES: &str = include_str!("../data/places.tsv");
const ORGS: &str = include_str!("../data/orgs.tsv");
const WEAPONS: &str = include_str!("../data/weapons.tsv");
const FIRST_NAMES: &str = include_str!("../data/first-names.tsv");
const TITLES: &str = include_str!("../data/honorifics-titles.txt");

/// Gender as far as a first name or an honorific tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gender {
    Male,
    Female,
    Unknown,
}

/// How a surface form entered the list; `analyze` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    CountryName,
    CountryAlias,
    Demonym,
    Capital,
    UsState,
    Region,
    Organisation,
    WeaponSystem,
    /// From the user's `newsgrep.toml`.
    User,
}

/// An entity (or extra aliases of a known one) from `corpus/newsgrep.toml`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UserEntry {
    pub name: String,
    /// Needed for a new entity; a known name keeps its kind.
    #[serde(default)]
    pub kind: Option<EntityKind>,
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// One surface form and what it stands for.
#[derive(Debug, Clone)]
pub struct Entry {
    pub surface: String,
    pub canonical: String,
    pub kind: EntityKind,
    pub origin: Origin,
    /// Weapon names that are also ordinary words ("Patriot", "Apache")
    /// count only next to a military word.
    pub needs_context: bool,
    /// For a capital: its country, whose government it often stands for.
    pub country: Option<String>,
}

/// A byte of a word: an ASCII letter or digit, or part of a non-ASCII
/// character (folded text keeps accented letters).
const fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

/// Below this count in the first-name list (births in the US since 1880
/// and in the UK, see `data/README.md`), a given name that is also a
/// place's name is not taken for a first name. Real people it loses are
/// few ("Olympia Snowe"; titles and reporting verbs still find them).
const RARE_GIVEN_NAME: u64 = 10_000;

/// 1 for the bytes a word may start after: those not [`is_word_byte`].
static AFTER_NON_WORD: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = !is_word_byte(b as u8) as u8;
        b += 1;
    }
    t
};

/// A gazetteer hit in a text, in byte offsets.
#[derive(Debug, Clone, Copy)]
pub struct Hit<'g> {
    pub start: usize,
    pub end: usize,
    pub entry: &'g Entry,
}

pub struct Gazetteer {
    entries: Vec<Entry>,
    /// The automaton itself rather than `AhoCorasick`: it is walked byte
    /// by byte from each word start (see [`Gazetteer::find`]), with no
    /// set-up per search.
    automaton: NFA,
    /// Bytes that some surface form starts with.
    first_bytes: [u8; 256],
    first_names: HashMap<String, Gender>,
    /// Lower-cased titles, each as a list of words ("brig. gen." → ["brig.", "gen."]).
    titles: HashSet<String>,
    /// Lower-cased first words of the titles, to reject most words at once.
    title_starts: HashSet<String>,
    longest_title_words: usize,
    /// Lower-cased canonical/alias → index, for looking a name up whole.
    by_surface: HashMap<String, usize>,
    /// Canonical/alias as written → index. Forms that differ only in case
    /// are entries of their own ("al Qaeda", "Al Qaeda"), and `by_surface`
    /// keeps only the first of them.
    by_exact: HashMap<String, usize>,
}

fn tsv_rows(data: &str) -> impl Iterator<Item = Vec<&str>> {
    data.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split('\t').collect())
}

fn split_multi(field: Option<&&str>) -> Vec<String> {
    field
        .map(|f| {
            f.split('|')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

impl Gazetteer {
    /// The shipped lists plus the user's entries, which come first and so
    /// win over a shipped entry with the same surface form.
    pub fn build(user: &[UserEntry]) -> Gazetteer {
        let mut entries: Vec<Entry> = Vec::new();
        let mut seen: HashSet<String> = HashSet::default();
        let mut push = |surface: String, canonical: &str, kind, origin, needs_context| {
            // First list wins: a capital that is also a US state keeps its
            // country row, an alias never shadows another row's name.
            if surface.len() < 2 || !seen.insert(surface.clone()) {
                return;
            }
            entries.push(Entry {
                surface,
                canonical: canonical.to_string(),
                kind,
                origin,
                needs_context,
                country: None,
            });
        };
        let shipped = Gazetteer::shipped_kinds();
        let mut capital_of: HashMap<String, String> = HashMap::default();
        for u in user {
            let Some(kind) = u
                .kind
                .or_else(|| shipped.get(&u.name.to_lowercase()).copied())
            else {
                continue;
            };
            push(u.name.clone(), &u.name, kind, Origin::User, false);
            for a in &u.aliases {
                push(a.clone(), &u.name, kind, Origin::User, false);
            }
        }
        for row in tsv_rows(COUNTRIES) {
            let name = row[0];
            push(
                name.to_string(),
                name,
                EntityKind::Place,
                Origin::CountryName,
                false,
            );
            for a in split_multi(row.get(1)) {
                push(a, name, EntityKind::Place, Origin::CountryAlias, false);
            }
            for d in split_multi(row.get(2)) {
                push(d, name, EntityKind::Place, Origin::Demonym, false);
            }
            for c in split_multi(row.get(3)) {
                let canonical = c.clone();
                push(c, &canonical, EntityKind::Place, Origin::Capital, false);
                capital_of.insert(canonical, name.to_string());
            }
        }
        for row in tsv_rows(US_STATES) {
            let name = row[0];
            push(
                name.to_string(),
                name,
                EntityKind::Place,
                Origin::UsState,
                false,
            );
            // Only the dotted AP forms: two-letter codes collide with words.
            for a in split_multi(row.get(1)) {
                if a.contains('.') && a.len() > 4 {
                    push(a, name, EntityKind::Place, Origin::UsState, false);
                }
            }
        }
        for (data, kind, origin) in [
            (PLACES, EntityKind::Place, Origin::Region),
            (ORGS, EntityKind::Org, Origin::Organisation),
            (WEAPONS, EntityKind::Weapon, Origin::WeaponSystem),
        ] {
            for row in tsv_rows(data) {
                let name = row[0];
                let needs_context = row.get(2).is_some_and(|v| v.trim() == "yes");
                push(name.to_string(), name, kind, origin, needs_context);
                for a in split_multi(row.get(1)) {
                    push(a, name, kind, origin, needs_context);
                }
            }
        }
        for e in entries.iter_mut().filter(|e| e.origin == Origin::Capital) {
            e.country = capital_of.get(&e.canonical).cloned();
        }
        let patterns: Vec<&str> = entries.iter().map(|e| e.surface.as_str()).collect();
        // A contiguous NFA, walked anchored from word starts (see
        // [`Gazetteer::find`]): each start reads a few bytes, so what
        // counts is staying in cache. The DFA over these ~2,000 forms is
        // 6 MB, and with tantivy indexing on the other core its
        // transitions missed the cache: the NFA took 40% less time in a
        // full build (437 against 728 samples), though 0.6% more alone.
        let automaton = aho_corasick::nfa::contiguous::Builder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .expect("gazetteer automaton builds");
        let mut first_bytes = [0u8; 256];
        for p in &patterns {
            if let Some(&b) = p.as_bytes().first() {
                first_bytes[b as usize] = 1;
            }
        }

        // A given name that is rare as one and also a place's name
        // ("Washington", "Florida", "Boston") starts far more places and
        // institutions in news text ("Washington Times", "Florida
        // Republican", "Boston Globe") than people's names.
        let place_names: HashSet<&str> = entries
            .iter()
            .filter(|e| e.kind == EntityKind::Place)
            .map(|e| e.surface.as_str())
            .collect();
        let mut first_names = HashMap::default();
        for row in tsv_rows(FIRST_NAMES) {
            let g = match row.get(1).copied() {
                Some("m") => Gender::Male,
                Some("f") => Gender::Female,
                _ => Gender::Unknown,
            };
            let count: u64 = row.get(2).and_then(|c| c.trim().parse().ok()).unwrap_or(0);
            if count < RARE_GIVEN_NAME && place_names.contains(row[0]) {
                continue;
            }
            first_names.insert(row[0].to_string(), g);
        }
        let titles: HashSet<String> = TITLES
            .lines()
            .map(|l| l.trim().to_lowercase())
            .filter(|l| !l.is_empty())
            .collect();
        let title_starts: HashSet<String> = titles
            .iter()
            .filter_map(|t| t.split_whitespace().next().map(str::to_string))
            .collect();
        let longest_title_words = titles
            .iter()
            .map(|t| t.split_whitespace().count())
            .max()
            .unwrap_or(1);
        let mut by_surface = HashMap::default();
        let mut by_exact = HashMap::default();
        for (i, e) in entries.iter().enumerate() {
            by_surface.entry(e.surface.to_lowercase()).or_insert(i);
            by_surface.entry(e.canonical.to_lowercase()).or_insert(i);
            by_exact.entry(e.surface.clone()).or_insert(i);
            by_exact.entry(e.canonical.clone()).or_insert(i);
        }
        Gazetteer {
            entries,
            automaton,
            first_bytes,
            first_names,
            titles,
            title_starts,
            longest_title_words,
            by_surface,
            by_exact,
        }
    }

    /// Every whole-word hit in `text` (which should be folded, see
    /// [`crate::text::fold`]), leftmost-longest, case as written.
    ///
    /// A hit must start a word, so the automaton runs anchored from each
    /// word start whose first byte starts some surface form (most words in
    /// news text are lower case, and no form starts with one unless a user
    /// adds it). A match that ends inside a word hides nothing after it,
    /// as it did in an unanchored scan of every byte.
    pub fn find<'g>(&'g self, text: &str) -> Vec<Hit<'g>> {
        let bytes = text.as_bytes();
        let mut hits = Vec::new();
        // One test a byte from two tables (testing for a word start first
        // mispredicted at every word): `starts[b]` is 1 if a form starts
        // with `b`, `after[b]` 1 if a word may start after `b`.
        let (starts, after) = (&self.first_bytes, &AFTER_NON_WORD);
        let mut i = 0;
        let mut may_start = 1u8;
        while i < bytes.len() {
            let b = bytes[i];
            if may_start & starts[b as usize] == 0 {
                may_start = after[b as usize];
                i += 1;
                continue;
            }
            let Some((pattern, end)) = self.longest_at(bytes, i) else {
                may_start = after[b as usize];
                i += 1;
                continue;
            };
            // A match that ends inside a word ("Oman" in "Omani") is no
            // hit, and nothing starts inside it either.
            if !bytes.get(end).is_some_and(|&b| is_word_byte(b)) {
                hits.push(Hit {
                    start: i,
                    end,
                    entry: &self.entries[pattern],
                });
            }
            // "U.S." ends in a dot, so the next byte may start a word.
            i = end;
            may_start = after[bytes[i - 1] as usize];
        }
        hits
    }

    /// The longest surface form starting at byte `start`: its index and
    /// end.
    fn longest_at(&self, bytes: &[u8], start: usize) -> Option<(usize, usize)> {
        let nfa = &self.automaton;
        let mut sid = nfa.start_state(Anchored::Yes).ok()?;
        let mut longest = None;
        for (at, &b) in bytes.iter().enumerate().skip(start) {
            sid = nfa.next_state(Anchored::Yes, sid, b);
            if nfa.is_special(sid) {
                if nfa.is_dead(sid) {
                    break;
                }
                if nfa.is_match(sid) {
                    let pattern = nfa.match_pattern(sid, 0);
                    let end = at + 1;
                    if end.checked_sub(nfa.pattern_len(pattern)) == Some(start) {
                        longest = Some((pattern.as_usize(), end));
                    }
                }
            }
        }
        longest
    }

    /// Looks a whole name up (case-insensitive, leading "the" dropped).
    pub fn lookup(&self, name: &str) -> Option<&Entry> {
        crate::text::with_lowered(name.trim(), |lower| {
            let lower = lower.strip_prefix("the ").unwrap_or(lower);
            self.by_surface.get(lower).map(|&i| &self.entries[i])
        })
    }

    /// Looks a name up as written (case-sensitive), for capitalised runs in
    /// text, where "Labour" the party must not match "labour" the word.
    pub fn lookup_exact(&self, name: &str) -> Option<&Entry> {
        let name = name.trim();
        let bare = name
            .strip_prefix("the ")
            .or_else(|| name.strip_prefix("The "))
            .unwrap_or(name);
        self.by_exact.get(bare).map(|&i| &self.entries[i])
    }

    pub fn first_name_gender(&self, word: &str) -> Option<Gender> {
        self.first_names.get(word).copied().or_else(|| {
            // Already capitalised as names are ("Pentagon"): nothing to retry.
            let mut rest = word.bytes().skip(1);
            if word.as_bytes().first().is_some_and(u8::is_ascii_uppercase)
                && rest.all(|b| b.is_ascii_lowercase() || !b.is_ascii_alphabetic() && b < 0x80)
            {
                return None;
            }
            // "JOHN" or "john" in odd casing.
            let mut c = word.chars();
            let first = c.next()?;
            let fixed: String = first
                .to_uppercase()
                .chain(c.flat_map(char::to_lowercase))
                .collect();
            self.first_names.get(&fixed).copied()
        })
    }

    pub fn is_first_name(&self, word: &str) -> bool {
        self.first_name_gender(word).is_some()
    }

    /// Is `words` (as written) a title that precedes names ("Brig. Gen.",
    /// "spokesman", "Prime Minister")? Abbreviations must keep their case.
    pub fn is_title(&self, words: &[&str]) -> bool {
        // One word (most calls) is looked up without a copy.
        let joined = match words {
            [one] => std::borrow::Cow::Borrowed(*one),
            _ => std::borrow::Cow::Owned(words.join(" ")),
        };
        if !crate::text::with_lowered(&joined, |lower| self.titles.contains(lower)) {
            return false;
        }
        // "MP", "PC", "Gen." only in their own case; lower-case "general" or
        // "pc" are ordinary words.
        let short = joined.len() <= 4 || joined.ends_with('.');
        !short || joined.chars().next().is_some_and(char::is_uppercase)
    }

    /// Can a title start with this (lower-case) word?
    pub fn starts_title(&self, lower: &str) -> bool {
        self.title_starts.contains(lower)
    }

    pub fn longest_title_words(&self) -> usize {
        self.longest_title_words
    }
}

impl Gazetteer {
    /// Canonical names of the shipped lists with their kinds, so a user entry
    /// that only adds aliases to "United States" needs no kind.
    fn shipped_kinds() -> HashMap<String, EntityKind> {
        let mut out = HashMap::default();
        for (data, kind) in [
            (COUNTRIES, EntityKind::Place),
            (US_STATES, EntityKind::Place),
            (PLACES, EntityKind::Place),
            (ORGS, EntityKind::Org),
            (WEAPONS, EntityKind::Weapon),
        ] {
            for row in tsv_rows(data) {
                out.entry(row[0].to_lowercase()).or_insert(kind);
            }
        }
        out
    }
}

static SHIPPED: LazyLock<Gazetteer> = LazyLock::new(|| Gazetteer::build(&[]));
/// The gazetteer with the user's entries, once installed. Tagging asks for
/// the gazetteer in its inner loops, so this is a plain pointer read.
static ACTIVE: AtomicPtr<Gazetteer> = AtomicPtr::new(std::ptr::null_mut());
/// The user entries behind `ACTIVE`, to skip rebuilding for the same list.
static ACTIVE_ENTRIES: Mutex<Vec<UserEntry>> = Mutex::new(Vec::new());

/// The gazetteer in use: the shipped lists, plus the user's entries once
/// [`use_user_entries`] has installed them.
pub fn gazetteer() -> &'static Gazetteer {
    let p = ACTIVE.load(Ordering::Acquire);
    if p.is_null() {
        &SHIPPED
    } else {
        // SAFETY: non-null values come from `Box::leak` in
        // `use_user_entries` and are never freed.
        unsafe { &*p }
    }
}

/// Installs the user's entries for every later tagging and lookup in this
/// process (an empty list goes back to the shipped lists). Each distinct
/// list is built once and kept for the life of the process.
pub fn use_user_entries(user: &[UserEntry]) {
    let Ok(mut current) = ACTIVE_ENTRIES.lock() else {
        return;
    };
    if current.as_slice() == user {
        return;
    }
    let p = if user.is_empty() {
        std::ptr::null_mut()
    } else {
        Box::leak(Box::new(Gazetteer::build(user))) as *mut Gazetteer
    };
    ACTIVE.store(p, Ordering::Release);
    *current = user.to_vec();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_aliases_with_canonical_names() {
        let g = gazetteer();
        let hits = g.find("The U.S. and America met the UK near Pyongyang; US officials.");
        let names: Vec<&str> = hits.iter().map(|h| h.entry.canonical.as_str()).collect();
        assert_eq!(
            names,
            [
                "United States",
                "United States",
                "United Kingdom",
                "Pyongyang",
                "United States"
            ]
        );
    }

    #[test]
    fn whole_words_only_and_longest_match() {
        let g = gazetteer();
        assert!(g
            .find("Iranian")
            .iter()
            .all(|h| h.entry.surface == "Iranian"));
        assert!(g.find("Omani").iter().all(|h| h.entry.surface != "Oman"));
        let hits = g.find("the Washington Post reported");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].entry.canonical, "Washington Post");
    }

    #[test]
    fn exact_lookup_takes_any_listed_casing_and_no_other() {
        let g = gazetteer();
        // Listed as "al Qaeda" and as "Al Qaeda": both casings name it.
        for name in ["Al Qaeda", "al Qaeda", "the Al Qaeda"] {
            let e = g.lookup_exact(name).map(|e| e.canonical.as_str());
            assert_eq!(e, Some("al-Qaeda"), "{name}");
        }
        assert_eq!(
            g.lookup_exact("Labour").map(|e| e.canonical.as_str()),
            Some("Labour Party")
        );
        assert!(g.lookup_exact("labour").is_none());
        assert!(g.lookup_exact("AL QAEDA").is_none());
    }

    #[test]
    fn first_names_and_titles() {
        let g = gazetteer();
        assert_eq!(g.first_name_gender("John"), Some(Gender::Male));
        assert_eq!(g.first_name_gender("Barbara"), Some(Gender::Female));
        assert!(g.is_title(&["Brig.", "Gen."]));
        assert!(g.is_title(&["spokesman"]));
        assert!(g.is_title(&["Press", "Secretary"]));
        assert!(!g.is_title(&["Kirby"]));
    }
}
