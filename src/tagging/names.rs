//! Names in running text: capitalised runs, titles stripped, people learnt.
//!
//! A capitalised run ("Pentagon Press Secretary Air Force Brig. Gen. Pat
//! Ryder") is classified as a gazetteer entry, a person (after the last title
//! in it), an organisation (it has an organisation word such as "Council") or
//! a place. [`People`] then remembers the full names of the article's people so
//! that "Kirby", "Mr Kirby" and "he" can be resolved to "John Kirby".

use rustc_hash::FxHashMap as HashMap;

use super::tokens::Word;
use super::{EntityKind, Prepared};
use crate::gazetteer::{gazetteer, Gender};
use crate::text::lowered;

/// Capitalised words that are not names when they open a sentence, or ever.
const NOT_NAMES: &[&str] = &[
    "a",
    "an",
    "the",
    "this",
    "that",
    "these",
    "those",
    "it",
    "its",
    "he",
    "she",
    "they",
    "we",
    "i",
    "you",
    "his",
    "her",
    "their",
    "our",
    "my",
    "your",
    "in",
    "on",
    "at",
    "for",
    "from",
    "with",
    "without",
    "by",
    "of",
    "to",
    "as",
    "after",
    "before",
    "during",
    "since",
    "until",
    "while",
    "when",
    "where",
    "what",
    "which",
    "who",
    "why",
    "how",
    "if",
    "but",
    "and",
    "or",
    "nor",
    "so",
    "yet",
    "also",
    "only",
    "even",
    "still",
    "however",
    "meanwhile",
    "asked",
    "although",
    "though",
    "because",
    "despite",
    "under",
    "over",
    "about",
    "among",
    "between",
    "there",
    "here",
    "then",
    "now",
    "today",
    "yesterday",
    "tomorrow",
    "later",
    "earlier",
    "last",
    "next",
    "some",
    "many",
    "most",
    "more",
    "all",
    "both",
    "each",
    "every",
    "no",
    "not",
    "one",
    "two",
    "three",
    "other",
    "another",
    "such",
    "much",
    "few",
    "several",
    "according",
    "instead",
    "meantime",
    "indeed",
    "candidate",
    "nominee",
    "yes",
    "well",
    "just",
    "like",
    "unlike",
    "amid",
    "against",
    "into",
    "onto",
    "upon",
    "toward",
    "towards",
    "through",
    "throughout",
    "within",
    "beyond",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "has",
    "have",
    "had",
    "do",
    "does",
    "did",
    "will",
    "would",
    "can",
    "could",
    "should",
    "may",
    "might",
    "must",
    "shall",
    "let",
    "once",
    "twice",
    "first",
    "second",
    "third",
    "former",
    "senior",
    "top",
    "chief",
    "deputy",
    "acting",
    "interim",
    "speaking",
    "christmas",
    "easter",
    "ramadan",
    "internet",
    "web",
    "covid",
    "covid-19",
    "coronavirus",
    "god",
    "officials",
    "sources",
    "analysts",
    "experts",
    "critics",
    "residents",
    "witnesses",
    "authorities",
    "officers",
    "diplomats",
    "lawmakers",
    "legislators",
    "researchers",
    "scientists",
    "doctors",
    "investigators",
    "prosecutors",
    "protesters",
    "activists",
    "campaigners",
    "ministers",
    "observers",
    "reports",
    "documents",
    "data",
    "figures",
    "studies",
    "surveys",
    "polls",
    "supporters",
    "opponents",
    "voters",
    "parents",
    "teachers",
    "students",
    "workers",
    "employees",
    "executives",
    "leaders",
    "members",
    "people",
    "others",
    "neither",
    "either",
    "everyone",
    "nobody",
    "somebody",
    "someone",
    "anyone",
    "i've",
    "i'd",
    "i'm",
    "i'll",
    "we've",
    "we're",
    "we'd",
    "we'll",
    "you've",
    "you're",
    "they're",
    "they've",
    "it's",
    "that's",
    "there's",
    "here's",
    "let's",
    "he's",
    "she's",
];
static NOT_NAMES_SET: std::sync::LazyLock<crate::text::WordSet> = std::sync::LazyLock::new(|| {
    NOT_NAMES
        .iter()
        .chain(crate::text::TIME_WORDS)
        .copied()
        .filter(|w| *w != "may")
        .collect()
});

/// Words that make a run an organisation, besides [`INSTITUTION_HEADS`].
/// Some are also surnames ("Church", "Bank", "Post").
const ORG_HEADS: &[&str] = &[
    "office",
    "command",
    "corp",
    "corp.",
    "co.",
    "inc",
    "inc.",
    "ltd",
    "plc",
    "bank",
    "union",
    "court",
    "police",
    "army",
    "navy",
    "forces",
    "force",
    "service",
    "services",
    "group",
    "network",
    "news",
    "times",
    "post",
    "journal",
    "herald",
    "tribune",
    "telegraph",
    "gazette",
    "magazine",
    "press",
    "radio",
    "tv",
    "television",
    "board",
    "campaign",
    "trust",
    "fund",
    "executive",
    "assembly",
    "parliament",
    "cabinet",
    "enterprise",
    "enterprises",
    "watch",
    "alliance",
    "movement",
    "front",
    "brigade",
    "brigades",
    "guard",
    "guards",
    "congress",
    "senate",
    "house",
    "tribunal",
    "club",
    "fc",
    "systems",
    "labs",
    "media",
    "church",
    "mission",
    "programme",
    "program",
    "project",
    "initiative",
    "partnership",
    "chamber",
    "exchange",
    "reserve",
    "regiment",
    "battalion",
    "division",
    "corps",
    "fleet",
    "squadron",
    "unit",
    "league",
    "panel",
];
static ORG_HEADS_SET: std::sync::LazyLock<crate::text::WordSet> =
    std::sync::LazyLock::new(|| ORG_HEADS.iter().chain(INSTITUTION_HEADS).copied().collect());

/// Last words that make a run an event or competition, which is none of
/// the entity kinds ("Davis Cup", "Academy Awards", "Champions League").
const EVENT_HEADS: &[&str] = &[
    "cup",
    "awards",
    "award",
    "prize",
    "prizes",
    "championship",
    "championships",
    "games",
    "open",
    "festival",
    "olympics",
    "trophy",
    "series",
    "tour",
    "marathon",
    "final",
    "finals",
    "derby",
    "classic",
    "masters",
    "league",
    "grand",
    "prix",
    "week",
    "day",
    "conference",
    "summit",
    "election",
    "elections",
    "act",
    "bill",
    "war",
    "show",
];
static EVENT_HEADS_SET: std::sync::LazyLock<crate::text::WordSet> =
    std::sync::LazyLock::new(|| EVENT_HEADS.iter().copied().collect());

/// Last words that make a run a document or policy, never a person: a
/// first name starts many ("Paris Agreement", "Monroe Doctrine",
/// "Johnson Amendment", "West Wing").
fn is_document_head(lower: &str) -> bool {
    matches!(
        lower,
        "agreement"
            | "agreements"
            | "accord"
            | "accords"
            | "treaty"
            | "doctrine"
            | "amendment"
            | "wing"
    )
}

/// Last words of documents and bodies that are also surnames ("Nathan
/// Deal", "Margaret Court"): in a run of three words or more they are
/// the document or body ("Green New Deal", "Montana Supreme Court").
fn is_long_document_head(lower: &str) -> Option<NameClass> {
    match lower {
        "deal" | "plan" | "rule" | "report" => Some(NameClass::Unknown),
        "court" | "fund" => Some(NameClass::Org),
        _ => None,
    }
}

/// Nouns that introduce the title of a work ("the film Vera Drake").
const WORK_NOUNS: &[&str] = &[
    "film",
    "movie",
    "drama",
    "comedy",
    "documentary",
    "novel",
    "book",
    "play",
    "musical",
    "album",
    "song",
    "single",
    "series",
    "show",
    "sitcom",
    "opera",
    "thriller",
    "biopic",
    "programme",
    "program",
    "memoir",
    "game",
    "track",
    "painting",
    "ballet",
];
static WORK_NOUNS_SET: std::sync::LazyLock<crate::text::WordSet> =
    std::sync::LazyLock::new(|| WORK_NOUNS.iter().copied().collect());

/// Last words that make a run a place.
const PLACE_HEADS: &[&str] = &[
    "island",
    "islands",
    "sea",
    "ocean",
    "river",
    "mountains",
    "mountain",
    "province",
    "region",
    "county",
    "city",
    "valley",
    "bay",
    "strait",
    "peninsula",
    "lake",
    "desert",
    "coast",
    "state",
    "oblast",
    "district",
    "gulf",
    "canal",
    "airport",
    "base",
    "square",
    "street",
    "road",
    "avenue",
    "bridge",
    "port",
    "harbour",
    "harbor",
    "heights",
    "hills",
    "borough",
    "village",
    "town",
    "line",
];
static PLACE_HEADS_SET: std::sync::LazyLock<crate::text::WordSet> =
    std::sync::LazyLock::new(|| PLACE_HEADS.iter().copied().collect());

/// Small words that belong inside a person's name ("Ludwig van
/// Beethoven", "Bill de Blasio", "Mohammed bin Salman").
const NAME_PARTICLES: &[&str] = &[
    "de", "del", "der", "van", "von", "da", "di", "du", "la", "le", "bin", "al", "ibn",
];
/// Small words that link the parts of a longer name ("Department for
/// Education", "Council on Foreign Relations"), and after a person's name
/// start something else.
const LINKERS: &[&str] = &["of", "for", "on", "the", "and", "&"];
/// Small words allowed inside a name: particles and linkers.
static CONNECTORS_SET: std::sync::LazyLock<crate::text::WordSet> =
    std::sync::LazyLock::new(|| NAME_PARTICLES.iter().chain(LINKERS).copied().collect());

/// [`is_not_name`] for a word already in lower case.
pub fn is_not_name_lower(w: &str) -> bool {
    NOT_NAMES_SET.contains(w)
}

pub fn is_not_name(w: &str) -> bool {
    crate::text::with_lowered(w, |l| NOT_NAMES_SET.contains(l))
}

pub fn is_org_head(w: &str) -> bool {
    crate::text::with_lowered(w, |l| ORG_HEADS_SET.contains(l))
}

/// Organisation words that are not also surnames: a run that ends in one
/// is an organisation even when it starts with a first name.
const INSTITUTION_HEADS: &[&str] = &[
    "council",
    "committee",
    "ministry",
    "department",
    "party",
    "foundation",
    "institute",
    "institution",
    "university",
    "college",
    "school",
    "agency",
    "commission",
    "corporation",
    "company",
    "association",
    "authority",
    "bureau",
    "centre",
    "center",
    "society",
    "federation",
    "organisation",
    "organization",
    "hospital",
    "academy",
    "laboratory",
    "embassy",
    "consulate",
    "directorate",
    "secretariat",
    "coalition",
    "caucus",
    "administration",
    "industries",
    "holdings",
    "technologies",
    "airlines",
    "airways",
    "initiative",
];
static INSTITUTION_HEADS_SET: std::sync::LazyLock<crate::text::WordSet> =
    std::sync::LazyLock::new(|| INSTITUTION_HEADS.iter().copied().collect());

fn is_institution_head(w: &str) -> bool {
    crate::text::with_lowered(w, |l| INSTITUTION_HEADS_SET.contains(l))
}

fn is_place_head(w: &str) -> bool {
    crate::text::with_lowered(w, |l| PLACE_HEADS_SET.contains(l))
}

/// A word that can be part of a name: capitalised, and not a capitalised
/// compound adjective ("Republican-leaning", "Iranian-made") or a party
/// label ("R-Utah").
fn is_name_word(w: &Word) -> bool {
    if !w.is_capitalised() || w.is_punct() {
        return false;
    }
    // A byte loop: words are short, and `rsplit_once` called `memrchr`
    // for every capitalised word.
    if let Some(cut) = w.text.bytes().rposition(|b| b == b'-') {
        let (head, tail) = (&w.text[..cut], &w.text[cut + 1..]);
        let tail_lower = tail.chars().next().is_some_and(char::is_lowercase);
        let party_label = head.len() == 1 && matches!(head, "R" | "D" | "I");
        if (tail_lower && head.chars().nth(2).is_some()) || party_label {
            return false;
        }
    }
    true
}

/// Maximal capitalised runs, as word-index ranges, within sentences.
/// Sentence-opening function words ("With", "After") are left out, and
/// so are days and months.
pub fn capitalised_runs(words: &[Word]) -> Vec<std::ops::Range<usize>> {
    let g = gazetteer();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if !is_name_word(&words[i])
            || NOT_NAMES_SET.contains(words[i].lower())
            || is_month_may(words, i)
            || is_chrome_label(words, i)
        {
            i += 1;
            continue;
        }
        // "Interviewed on ...", "Speaking to ...", "Separately, ...": a
        // sentence-opening verb form or adverb is not a name.
        let opens_sentence =
            i == 0 || words[i - 1].sentence != words[i].sentence || words[i - 1].text == "\"";
        if opens_sentence {
            let lower = words[i].lower();
            let next_is_name = words.get(i + 1).is_some_and(|n| {
                n.sentence == words[i].sentence
                    && is_name_word(n)
                    && !NOT_NAMES_SET.contains(n.lower())
            });
            if SENTENCE_ADVERBS.contains(&lower) {
                i += 1;
                continue;
            }
            if (lower.ends_with("ed") || lower.ends_with("ing") || lower.ends_with("ly"))
                && !next_is_name
                && !g.is_first_name(words[i].text)
                && g.lookup_exact(words[i].text).is_none()
            {
                i += 1;
                continue;
            }
        }
        let start = i;
        let mut end = i + 1;
        let mut has_of = false;
        while end < words.len() && words[end].sentence == words[start].sentence {
            let w = &words[end];
            if is_name_word(w) && !NOT_NAMES_SET.contains(w.lower()) {
                end += 1;
                continue;
            }
            // A connector joins two capitalised parts: "Department for
            // Education and Skills"; "and" only inside an "of/for" name, so
            // "Iran and North Korea" stays two names.
            let lower = w.lower();
            // "on" joins an organisation's name ("Council on Foreign
            // Relations"), not a person to a topic ("Trump on Kanye West").
            if CONNECTORS_SET.contains(lower)
                && (lower != "and"
                    || (has_of && and_continues_of_name(words, start..end))
                    || and_joins_institution(words, start..end))
                && (lower != "on" || words[start..end].iter().any(|w| is_org_head(w.text)))
                && (is_name_particle(lower) || !person_so_far(words, start..end))
            {
                let mut k = end + 1;
                while k < words.len() && words[k].is("the") {
                    k += 1;
                }
                if k < words.len()
                    && words[k].sentence == words[start].sentence
                    && is_name_word(&words[k])
                    && !NOT_NAMES_SET.contains(words[k].lower())
                {
                    has_of |= lower == "of" || lower == "for";
                    end = k + 1;
                    continue;
                }
            }
            break;
        }
        runs.push(start..end);
        i = end;
    }
    runs
}

/// Adverbs that open a sentence and are never the start of a name
/// ("Again Trump said", "Perhaps the Senate"); inside a title-case run
/// they may be part of one ("Make America Great Again").
const SENTENCE_ADVERBS: &[&str] = &[
    "again",
    "thus",
    "therefore",
    "hence",
    "moreover",
    "furthermore",
    "nevertheless",
    "nonetheless",
    "otherwise",
    "perhaps",
    "already",
];

/// Labels a news page shows in capitals beside its text ("WATCH: Obama
/// speaks", "CLOSE" on a caption): a scraper runs them into the names
/// after them ("WATCH Obama" was an organisation).
const CHROME_LABELS: &[&str] = &[
    "watch",
    "watched",
    "close",
    "read",
    "listen",
    "video",
    "photos",
    "photo",
    "update",
    "updated",
    "breaking",
    "exclusive",
    "live",
    "related",
    "replay",
    "advertisement",
];

/// A page label in capitals (see [`CHROME_LABELS`]); the same word in
/// title case may be a name ("Close", "Read"). A photo gallery's "Hide
/// Caption" / "Show Caption" buttons are labels in any case.
fn is_chrome_label(words: &[Word], i: usize) -> bool {
    let w = &words[i];
    let caption = |w: &Word| w.is("caption") || w.is("captions");
    // Capitals first: most name words are in title case.
    (is_shouted(std::slice::from_ref(w)) && CHROME_LABELS.contains(&w.lower()))
        || caption(w)
        || ((w.is("hide") || w.is("show")) && words.get(i + 1).is_some_and(caption))
}

/// "House Republicans", "Senate GOP", "House Democratic" (before
/// "leaders"): a chamber's members of a party, named as the chamber and
/// the party's members ("House Republicans"), so that every spelling is
/// one name. "the Republican Senate" is the chamber. `None` for anything
/// else.
pub fn chamber_party(words: &[Word]) -> Option<String> {
    let chamber = |w: &Word| w.is("House") || w.is("Senate");
    match words {
        [c, p] if chamber(c) => party_members(p.text).map(|m| format!("{} {m}", c.text)),
        [p, c] if chamber(c) => party_members(p.text).map(|_| c.text.to_string()),
        _ => None,
    }
}

/// Words before "May" that make it the month: "in May", "last May".
const BEFORE_MONTH: &[&str] = &[
    "in",
    "during",
    "throughout",
    "last",
    "next",
    "this",
    "early",
    "late",
    "mid",
];
/// Words before "May" that make it the month when a date or a range
/// follows: "from May to July", "since May,"; "since May took office" is
/// the person.
const BEFORE_MONTH_IF_DATE: &[&str] = &[
    "from", "since", "until", "till", "before", "after", "through",
];
/// Nouns that make "of May" the month: "the end of May".
const PART_OF_MONTH: &[&str] = &["end", "beginning", "middle", "start", "month"];

/// Is "May" at `i` the month? The word is also a name ("Theresa May"), so
/// it is a name unless its neighbours say date: a day or year after it
/// ("May 5", "May 2019"), or a time preposition before it ("in May", "a
/// report from May, which").
fn is_month_may(words: &[Word], i: usize) -> bool {
    if words[i].lower() != "may" {
        return false;
    }
    let same = |k: usize| words.get(k).filter(|w| w.sentence == words[i].sentence);
    let next = same(i + 1);
    if next.is_some_and(|n| n.text.starts_with(|c: char| c.is_ascii_digit())) {
        return true;
    }
    let Some(prev) = i.checked_sub(1).and_then(same) else {
        return false;
    };
    let prev = prev.lower();
    if next.is_some_and(|n| n.text == "'s") {
        return false;
    }
    if BEFORE_MONTH.contains(&prev) {
        return true;
    }
    if prev == "of" {
        return i
            .checked_sub(2)
            .and_then(same)
            .is_some_and(|w| PART_OF_MONTH.contains(&w.lower()));
    }
    BEFORE_MONTH_IF_DATE.contains(&prev)
        && next.is_none_or(|n| {
            (n.is_punct() && n.text != "\"")
                || matches!(n.lower(), "to" | "through" | "until" | "and" | "or")
        })
}

/// Last words of some agencies' names that are also ordinary words ("law
/// enforcement", "Equal Protection Clause"): an institution only in a
/// name joined by "and" ("Immigration and Customs Enforcement").
fn is_mission_head(lower: &str) -> bool {
    matches!(lower, "enforcement" | "protection")
}

/// Does "and" at `run.end` join two parts of one institution's name? Only
/// when the part after it is two or more words ending in an institution
/// word and neither part is a name of its own: "Food and Drug
/// Administration", "House Ways and Means Committee", but "the Senate
/// Judiciary Committee and House Oversight Committee", "Trump and the
/// Justice Department" and "Sen. Ron Wyden and Finance Committee" stay two.
fn and_joins_institution(words: &[Word], run: std::ops::Range<usize>) -> bool {
    let sentence = words[run.start].sentence;
    let after_start = run.end + 1;
    let after_end = name_words_end(words, after_start, sentence);
    let last = words[after_end - 1].lower();
    if after_end - after_start < 2 || !(is_institution_head(last) || is_mission_head(last)) {
        return false;
    }
    let before = &words[run.clone()];
    let g = gazetteer();
    // An acronym is a name of its own ("UCLA and Harvard Law School").
    let acronym =
        |w: &Word| w.text.chars().skip(1).any(char::is_uppercase) && !w.text.contains('.');
    if before
        .last()
        .is_some_and(|w| is_org_head(w.text) || acronym(w))
        || g.is_first_name(before[0].text)
        || after_last_title(words, &run).is_some()
    {
        return false;
    }
    g.lookup(&join(words, &run)).is_none()
        && g.lookup(&join(words, &(after_start..after_end))).is_none()
}

/// A capital after the first letter: "FBI", "DoJ", "U.S." are names in
/// any position, not words capitalised for opening a sentence.
pub fn is_acronym(word: &str) -> bool {
    word.chars().skip(1).any(char::is_uppercase)
}

/// Where the name words from `start` on, within `sentence`, end.
fn name_words_end(words: &[Word], start: usize, sentence: usize) -> usize {
    let mut end = start;
    while words.get(end).is_some_and(|w| {
        w.sentence == sentence && is_name_word(w) && !NOT_NAMES_SET.contains(w.lower())
    }) {
        end += 1;
    }
    end
}

/// Does "and" at `run.end` go on with a name joined by "of" or "for"
/// ("Department of Health and Human Services", "Port Authority of New York
/// and New Jersey")? Not when "the", an acronym or a body's name follows
/// ("the Department of Justice and the FBI", "the House of Representatives
/// and Senate"), nor when the part before is a whole name and the whole is not
/// ("the Department of Justice and Mueller"), unless the whole is a name.
fn and_continues_of_name(words: &[Word], run: std::ops::Range<usize>) -> bool {
    let sentence = words[run.start].sentence;
    let mut after_start = run.end + 1;
    while words.get(after_start).is_some_and(|w| w.is("the")) {
        after_start += 1;
    }
    let after_end = name_words_end(words, after_start, sentence);
    if after_end == after_start {
        return true;
    }
    let g = gazetteer();
    let whole_known = || g.lookup(&join(words, &(run.start..after_end))).is_some();
    let after = &words[after_start..after_end];
    let acronym = after.len() == 1 && is_acronym(after[0].text);
    // A place goes on ("of New York and New Jersey"), a body or a person
    // does not ("the House of Representatives and Senate").
    let own_name = g
        .lookup(&join(words, &(after_start..after_end)))
        .is_some_and(|e| e.kind != EntityKind::Place);
    if acronym || own_name || after_start > run.end + 1 || g.lookup(&join(words, &run)).is_some() {
        return whole_known();
    }
    true
}

/// Is the run so far a person's name? Then a connector after it starts
/// something else: "Laura Smith of Save the Children" is a person, then an
/// organisation; "Sen. Kamala Harris of California" a senator, then her
/// state. After a title one to three words are a name, whatever the
/// first-name list knows ("President Obama of the United States"); a
/// title alone is not ("Secretary of State").
fn person_so_far(words: &[Word], run: std::ops::Range<usize>) -> bool {
    // An organisation word in the title is part of the role ("Senate
    // Majority Leader Mitch McConnell of Kentucky"); in the name it makes
    // an organisation.
    let no_org_head = |ws: &[Word]| !ws.iter().any(|w| is_org_head(w.text));
    match after_last_title(words, &run) {
        Some(name_start) => {
            (1..=3).contains(&(run.end.saturating_sub(name_start)))
                && words[name_start..run.end].iter().all(Word::is_capitalised)
                && no_org_head(&words[name_start..run.end])
        }
        None => {
            (2..=3).contains(&run.len())
                && gazetteer().is_first_name(words[run.start].text)
                && no_org_head(&words[run])
        }
    }
}

/// Is `lower` one of the [`NAME_PARTICLES`]?
fn is_name_particle(lower: &str) -> bool {
    NAME_PARTICLES.contains(&lower)
}

/// The capitalised runs of one paragraph and what each is, computed once
/// and shared by every tagger.
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub runs: Vec<std::ops::Range<usize>>,
    pub classes: Vec<NameClass>,
}

impl Names {
    pub fn of(words: &[Word]) -> Names {
        let runs = capitalised_runs(words);
        let classes = runs.iter().map(|r| classify_run(words, r)).collect();
        Names { runs, classes }
    }

    /// Runs inside a longer gazetteer hit that starts with a lower-case
    /// word ("Qaeda" of "al Qaeda said") are that entry: classified alone,
    /// the capitalised part looks like a surname.
    pub fn adopt_hits(&mut self, words: &[Word], hits: &[crate::gazetteer::Hit<'static>]) {
        if hits.is_empty() {
            return;
        }
        for (run, class) in self.runs.iter().zip(self.classes.iter_mut()) {
            if matches!(class, NameClass::Known(..)) {
                continue;
            }
            let (s, e) = (words[run.start].start, words[run.end - 1].end);
            if let Some(h) = hits.iter().find(|h| h.start < s && h.end >= e) {
                *class =
                    NameClass::Known(h.entry.kind, &h.entry.canonical, known_rule(h.entry.kind));
            }
        }
    }

    /// The class of `run` (one of this paragraph's runs, else computed).
    pub fn class(&self, words: &[Word], run: &std::ops::Range<usize>) -> NameClass {
        match self.runs.binary_search_by_key(&run.start, |r| r.start) {
            Ok(i) if self.runs[i] == *run => self.classes[i],
            _ => classify_run(words, run),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&std::ops::Range<usize>, &NameClass)> {
        self.runs.iter().zip(&self.classes)
    }
}

/// What a capitalised run turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameClass {
    /// A gazetteer entry (canonical name). Borrowed from the gazetteer,
    /// which lives as long as the process: a class is copied freely.
    Known(EntityKind, &'static str, &'static str),
    /// A person; `name_start` is the word index where the name proper starts
    /// (after any titles), `gender` what an honorific said.
    Person {
        name_start: usize,
        gender: Gender,
    },
    Org,
    Place,
    /// Capitalised, but nothing says what it is.
    Unknown,
}

/// Honorifics that tell gender.
pub fn honorific_gender(w: &str) -> Option<Gender> {
    let w = lowered(w.trim_end_matches('.'));
    match &*w {
        "mr" | "sir" | "lord" | "king" | "prince" | "duke" | "baron" | "earl" | "father"
        | "monsieur" | "herr" | "señor" | "senor" | "brother" => Some(Gender::Male),
        "mrs" | "ms" | "miss" | "dame" | "lady" | "queen" | "princess" | "duchess" | "baroness"
        | "madame" | "mme" | "frau" | "sister" | "countess" => Some(Gender::Female),
        _ => None,
    }
}

/// Index just after the last title inside `words[range]`, if any.
pub fn after_last_title(words: &[Word], range: &std::ops::Range<usize>) -> Option<usize> {
    let g = gazetteer();
    let max = g.longest_title_words();
    let mut best = None;
    // The end of the last title before the run's end, and where the
    // longest title ending the run starts.
    let mut inner = None;
    let mut final_start = range.end;
    for end in range.start + 1..=range.end {
        for len in (1..=max.min(end - range.start)).rev() {
            // Most words start no title: skip the join and the look-up.
            if !g.starts_title(words[end - len].lower()) {
                continue;
            }
            // On the stack: titles are a few words long.
            let mut buf = [""; 8];
            let is_title = match buf.get_mut(..len) {
                Some(slice) => {
                    for (s, w) in slice.iter_mut().zip(&words[end - len..end]) {
                        *s = w.text;
                    }
                    g.is_title(slice)
                }
                None => g.is_title(
                    &words[end - len..end]
                        .iter()
                        .map(|w| w.text)
                        .collect::<Vec<_>>(),
                ),
            };
            if is_title {
                if end < range.end {
                    inner = Some(end);
                } else {
                    final_start = end - len;
                }
                best = Some(end);
                break;
            }
        }
    }
    // "Sen. Angus S. King": a title word ending a name after a title
    // ("King", "Bishop") is the surname, when only names come between
    // ("Pope Francis the Pope", "Francis on the Speaker" are no names).
    match inner {
        Some(e)
            if best == Some(range.end)
                && final_start > e
                && words[e..final_start]
                    .iter()
                    .all(|w| w.is_capitalised() && !w.is_punct() && !w.is("the")) =>
        {
            Some(e)
        }
        _ => best,
    }
}

/// Is the run a title and nothing more ("Secretary of State")? A role,
/// not a name.
pub fn is_title_run(words: &[Word], range: &std::ops::Range<usize>) -> bool {
    let texts: Vec<&str> = words[range.clone()].iter().map(|w| w.text).collect();
    gazetteer().is_title(&texts)
}

/// Classifies a capitalised run. A run with words glued together (see
/// [`is_glued`]) names no person.
pub fn classify_run(words: &[Word], range: &std::ops::Range<usize>) -> NameClass {
    let class = classify_words(words, range);
    if matches!(class, NameClass::Person { .. })
        && words[range.clone()].iter().any(|w| is_glued(w.text))
    {
        return NameClass::Unknown;
    }
    class
}

/// [`classify_run`] from the words alone.
fn classify_words(words: &[Word], range: &std::ops::Range<usize>) -> NameClass {
    let g = gazetteer();
    let mut range = range.clone();
    while range.start < range.end && words[range.start].is("the") {
        range.start += 1;
    }
    if range.is_empty() {
        return NameClass::Unknown;
    }
    // Most runs are one word: look it up as it is.
    let known = match range.len() {
        1 => g.lookup_exact(words[range.start].text),
        _ => with_joined(words, &range, |text| g.lookup_exact(text)),
    };
    if let Some(e) = known {
        return NameClass::Known(e.kind, &e.canonical, known_rule(e.kind));
    }
    let last = &words[range.end - 1].text;
    // Titles are looked for before the letters after a name: in "Martin
    // Luther King Jr." the name does not start at "Jr.".
    let mut core = range.clone();
    while core.len() > 1 && is_post_nominal(words[core.end - 1].text) {
        core.end -= 1;
    }
    if let Some(name_start) = after_last_title(words, &core) {
        if name_start == range.end && is_title_run(words, &range) {
            return NameClass::Unknown;
        }
        // "Major League Baseball": an organisation word after a title
        // makes an organisation, not a major.
        if name_start < core.end
            && words[name_start].is_capitalised()
            && !words[name_start..range.end]
                .iter()
                .any(|w| is_org_head(w.text))
            && !is_shouted_non_name(&words[name_start..core.end])
        {
            let gender = words[range.start..name_start]
                .iter()
                .rev()
                .find_map(|w| honorific_gender(w.text))
                .unwrap_or(Gender::Unknown);
            return NameClass::Person { name_start, gender };
        }
    }
    if range.len() >= 2 && crate::text::with_lowered(last, |l| EVENT_HEADS_SET.contains(l)) {
        return NameClass::Unknown;
    }
    // A document or body whose name starts with a first name ("Paris
    // Agreement", "Montana Supreme Court") is no person; without one the
    // rules below see to it ("Status of Forces Agreement").
    if range.len() >= 2 && g.is_first_name(words[range.start].text) {
        if crate::text::with_lowered(last, is_document_head) {
            return NameClass::Unknown;
        }
        if range.len() >= 3 {
            if let Some(class) = crate::text::with_lowered(last, is_long_document_head) {
                return class;
            }
        }
    }
    // An organisation word anywhere in a run that is not a person's name:
    // "Heritage Foundation", "BBC Radio Sheffield", "Department for Education".
    // A first name leads many institutions' names too ("Stanford
    // University", "Clinton Foundation", "Tea Party"): an institution word
    // at the end, never a surname, still makes the run an organisation.
    if range.len() >= 2
        && (!g.is_first_name(words[range.start].text) || is_institution_head(last))
        && words[range.clone()].iter().any(|w| is_org_head(w.text))
    {
        return NameClass::Org;
    }
    // "Customs and Border Protection": a name that only an institution's
    // mission ends (see `and_joins_institution`).
    if range.len() >= 4
        && crate::text::with_lowered(last, is_mission_head)
        && words[range.clone()].iter().any(|w| w.is("and"))
    {
        return NameClass::Org;
    }
    if range.len() >= 2 && is_place_head(last) {
        return NameClass::Place;
    }
    // A party label describes the person named after it ("Florida
    // Republican Marco Rubio"); ending a run, it names no one ("Virginia
    // Democrat").
    if let Some(k) = words[range.clone()]
        .iter()
        .rposition(|w| is_party_member(w.text))
        .map(|k| range.start + k)
    {
        let name = k + 1..range.end;
        if (2..=3).contains(&name.len()) && g.is_first_name(words[name.start].text) {
            return NameClass::Person {
                name_start: name.start,
                gender: Gender::Unknown,
            };
        }
        if name.is_empty() {
            return NameClass::Unknown;
        }
    }
    // Letters after a name are not part of it: "Guy Mansfield QC".
    while range.len() > 2 && is_post_nominal(words[range.end - 1].text) {
        range.end -= 1;
    }
    let first = &words[range.start].text;
    // "Tory MP" is a role; "Jim Dean" is a name whose surname is also a title.
    let last = &words[range.end - 1].text;
    let last_is_title = g.is_title(&[last])
        && (last
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase)
            || !g.is_first_name(words[range.start].text));
    if (2..=4).contains(&range.len())
        && !last_is_title
        && !is_shouted_non_name(&words[range.clone()])
        && g.is_first_name(first)
        && words[range.clone()]
            .iter()
            .all(|w| !w.is_punct() && w.text.chars().nth(1).is_some() || w.text.ends_with('.'))
        && g.lookup_exact(first).is_none_or(|_| range.len() >= 2)
    {
        return NameClass::Person {
            name_start: range.start,
            gender: Gender::Unknown,
        };
    }
    NameClass::Unknown
}

/// In capitals every word looks like a name: "UKRAINE PRESIDENT BACKS UP
/// TRUMP" in a heading is a title and three words, not a person. A name
/// in capitals is taken only as two or three words from a first name.
fn is_shouted_non_name(name: &[Word]) -> bool {
    name.len() >= 2
        && is_shouted(name)
        && (name.len() > 3 || !gazetteer().is_first_name(name[0].text))
}

/// Two words run together by a scraper ("TrumpGOP", "McConnellGOP" from
/// a page's link previews): a capital after a lower-case letter, past a
/// prefix longer than a surname's "Mc", "Mac", "De", "La" or "Van".
/// Organisations are written so too ("BuzzFeed"), so it only keeps a run
/// from being a person.
pub fn is_glued(w: &str) -> bool {
    let b = w.as_bytes();
    (4..b.len()).any(|i| b[i].is_ascii_uppercase() && b[i - 1].is_ascii_lowercase())
}

/// The rule that names a run found in the gazetteer.
fn known_rule(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Place => "gazetteer:place",
        EntityKind::Org => "gazetteer:org",
        EntityKind::Weapon => "gazetteer:weapon",
        EntityKind::Person => "gazetteer:person",
    }
}

/// A member of a party, as a label before a name: "Republican", "Democrats".
pub fn is_party_member(w: &str) -> bool {
    party_members(w).is_some()
}

/// The party's members a label names, in the plural the party speaks
/// under: "Democratic" → "Democrats", "GOP" → "Republicans".
pub fn party_members(w: &str) -> Option<&'static str> {
    match w {
        "Democratic" | "Democrat" | "Democrats" => Some("Democrats"),
        "Republican" | "Republicans" | "GOP" => Some("Republicans"),
        _ => None,
    }
}

/// "Jr.", "Sr", "III": the generation a name is written with, spelt one
/// way ("Jr" and "Jr." are both "Jr.").
pub fn generation_suffix(w: &str) -> Option<&'static str> {
    let w = w.trim_end_matches('.');
    if w.eq_ignore_ascii_case("jr") {
        Some("Jr.")
    } else if w.eq_ignore_ascii_case("sr") {
        Some("Sr.")
    } else {
        ["II", "III", "IV"]
            .into_iter()
            .find(|g| g.eq_ignore_ascii_case(w))
    }
}

/// `name` without a generation after it: "Donald Trump" for "Donald Trump
/// Jr.", to find its surname.
fn without_generation(name: &str) -> &str {
    match name.rsplit_once(' ') {
        Some((rest, last)) if generation_suffix(last).is_some() => rest,
        _ => name,
    }
}

/// Honours, degrees and generations written after a name.
pub fn is_post_nominal(w: &str) -> bool {
    matches!(
        w.trim_end_matches('.'),
        "QC" | "KC"
            | "MP"
            | "MEP"
            | "MSP"
            | "AM"
            | "Jr"
            | "Sr"
            | "OBE"
            | "MBE"
            | "CBE"
            | "KBE"
            | "DBE"
            | "PhD"
            | "MD"
            | "III"
            | "II"
            | "IV"
    )
}

/// A person's name from `start` to `end`, without post-nominals ("QC").
/// A full name written in capitals (a heading, a transcript's speaker
/// label) is spelt as a name ("DONALD TRUMP" → Donald Trump), so that it is
/// one speaker and one person with the body's mentions; a word alone
/// ("USA", "CORRECTION") may be no name at all and stays as written.
pub fn person_name(words: &[Word], start: usize, mut end: usize) -> String {
    // Honours and degrees go; a generation stays with the name, spelt one
    // way: "Donald Trump Jr." is not his father.
    let mut generation = None;
    while end > start + 1 && is_post_nominal(words[end - 1].text) {
        end -= 1;
        if generation.is_none() && end > start + 1 {
            generation = generation_suffix(words[end].text);
        }
    }
    let mut name = join(words, &(start..end));
    if let Some(g) = generation {
        name.push(' ');
        name.push_str(g);
    }
    if end - start >= 2
        && is_shouted(&words[start..end])
        && gazetteer().is_first_name(words[start].text)
    {
        name.split(' ').map(name_case).collect::<Vec<_>>().join(" ")
    } else {
        name
    }
}

/// Are `words` written in capitals: no lower-case letter, and some word
/// longer than an initial ("J.")?
pub fn is_shouted(words: &[Word]) -> bool {
    let letters = |w: &Word| w.text.chars().filter(|c| c.is_alphabetic()).count();
    words.iter().any(|w| letters(w) >= 2)
        && words
            .iter()
            .all(|w| !w.text.chars().any(char::is_lowercase))
}

/// One word of a name in capitals, spelt as a name: "TRUMP" → Trump,
/// "O'BRIEN" → O'Brien, "JEAN-LUC" → Jean-Luc, "MCCAIN" → McCain; initials
/// and numerals ("J.", "III") stay.
fn name_case(word: &str) -> String {
    if word.chars().filter(|c| c.is_alphabetic()).count() < 2
        || word.chars().all(|c| matches!(c, 'I' | 'V' | 'X'))
    {
        return word.to_string();
    }
    let mut out = String::with_capacity(word.len());
    let mut upper_next = true;
    for c in word.chars() {
        if upper_next {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        upper_next = !c.is_alphabetic() || (out == "Mc" && word.chars().count() > 3);
    }
    out
}

/// The pieces of the words of `range` written as a name: a space between
/// words, none before a possessive "'s".
fn name_pieces<'a>(
    words: &'a [Word<'a>],
    range: &std::ops::Range<usize>,
) -> impl Iterator<Item = &'a str> {
    words[range.clone()].iter().enumerate().flat_map(|(i, w)| {
        let space = (i > 0 && w.text != "'s").then_some(" ");
        space.into_iter().chain(std::iter::once(w.text))
    })
}

/// `f` of the words of `range` joined as [`join`] joins them, on the
/// stack when they are short: every run of several words is looked up
/// whole, and most are then thrown away.
fn with_joined<R>(words: &[Word], range: &std::ops::Range<usize>, f: impl FnOnce(&str) -> R) -> R {
    const MAX: usize = 128;
    let mut buf = [0u8; MAX];
    let mut len = 0;
    for piece in name_pieces(words, range) {
        let Some(to) = buf.get_mut(len..len + piece.len()) else {
            return f(&join(words, range));
        };
        to.copy_from_slice(piece.as_bytes());
        len += piece.len();
    }
    // Whole words and spaces: valid UTF-8 (checked anyway, it is short).
    match std::str::from_utf8(&buf[..len]) {
        Ok(text) => f(text),
        Err(_) => f(&join(words, range)),
    }
}

pub fn join(words: &[Word], range: &std::ops::Range<usize>) -> String {
    // Sized once: growing word by word reallocated most names twice.
    let mut s = String::with_capacity(words[range.clone()].iter().map(|w| w.text.len() + 1).sum());
    s.extend(name_pieces(words, range));
    s
}

/// A person the article names in full.
#[derive(Debug, Clone)]
pub struct Person {
    pub name: String,
    pub gender: Gender,
    /// `name` in lower case, compared on every look-up.
    lower: String,
    /// The paragraphs that name this person in full, in order.
    named_at: Vec<usize>,
}

/// The people of one article, learnt from every paragraph before tagging,
/// so a surname is resolved to the fullest name the article uses.
#[derive(Debug, Default)]
pub struct People {
    people: Vec<Person>,
    /// Lower-cased surname (and each name word) → index into `people`.
    by_part: HashMap<String, Vec<usize>>,
    /// Lower-cased full name → index into `people`.
    by_full: HashMap<String, usize>,
    /// The country the article mentions most: whose government "the
    /// government" is.
    main_country: Option<String>,
    /// The country named in "the UK government", "Russia's government".
    named_government: Option<String>,
    /// Names the article uses as titles of works ("the film Vera Drake",
    /// "Mike Leigh's Vera Drake"): not people.
    works: rustc_hash::FxHashSet<String>,
    /// Whether the article is about sport, where a city usually stands for
    /// its club ("Liverpool have not won the title").
    sports: bool,
    /// Surnames shared by a man and a woman of the article, with the
    /// gender the pronouns after the bare surname point to ("Clinton …
    /// she" is Hillary Clinton, even if Bill Clinton is named first).
    surname_gender: HashMap<String, Gender>,
    /// Lower-cased one-word names the article gives a title or honorific
    /// ("President Obama"): people, though never named in full.
    surnames: rustc_hash::FxHashSet<String>,
    /// The paragraph being tagged: a surname means whoever was named in
    /// full last before it (see [`People::resolve`]). Set by the taggers as
    /// they go ([`People::set_paragraph`]) rather than passed through
    /// every rule that resolves a name.
    at: std::cell::Cell<usize>,
}

impl People {
    pub fn learn(paragraphs: &[Prepared]) -> People {
        let g = gazetteer();
        let mut people = People::default();
        let mut honorific_of: HashMap<String, Gender> = HashMap::default();
        for (at, p) in paragraphs.iter().enumerate() {
            for (run, class) in p.names.iter() {
                if let NameClass::Person { name_start, gender } = *class {
                    let name = person_name(&p.words, name_start, run.end);
                    let before = run.start.checked_sub(1).map(|i| &p.words[i]);
                    // "Mike Leigh's Vera Drake": a person's work.
                    let after_possessor = before.is_some_and(|w| w.text == "'s")
                        && run.start >= 2
                        && p.names
                            .iter()
                            .find(|(r, _)| r.end == run.start - 1)
                            .is_some_and(|(_, c)| matches!(c, NameClass::Person { .. }));
                    if before.is_some_and(|w| WORK_NOUNS_SET.contains(w.lower())) || after_possessor
                    {
                        people.works.insert(name.to_lowercase());
                        continue;
                    }
                    if run.end - name_start >= 2 {
                        let first_gender = g
                            .first_name_gender(p.words[name_start].text)
                            .unwrap_or(Gender::Unknown);
                        let gender = if gender != Gender::Unknown {
                            gender
                        } else {
                            first_gender
                        };
                        people.add(name, gender, &[at]);
                    } else {
                        if gender != Gender::Unknown {
                            honorific_of.insert(name.to_lowercase(), gender);
                        }
                        // "President Obama", "Mr Leigh": a person known by
                        // surname only.
                        crate::text::with_lowered(&name, |l| {
                            if !people.surnames.contains(l) {
                                people.surnames.insert(l.to_string());
                            }
                        });
                    }
                }
            }
        }
        let mut countries: HashMap<String, usize> = HashMap::default();
        for p in paragraphs {
            for hit in &p.hits {
                use crate::gazetteer::Origin;
                if matches!(
                    hit.entry.origin,
                    Origin::CountryName | Origin::CountryAlias | Origin::Demonym
                ) {
                    *countries.entry(hit.entry.canonical.clone()).or_default() += 1;
                    let rest = p.folded[hit.end..].trim_start_matches("'s").trim_start();
                    if people.named_government.is_none() && rest.starts_with("government") {
                        people.named_government = Some(hit.entry.canonical.clone());
                    }
                }
            }
        }
        people.main_country = countries
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
            .map(|(c, _)| c);
        let mut sports_words = rustc_hash::FxHashSet::default();
        for p in paragraphs {
            for w in &p.words {
                let lower = w.lower();
                if super::entities::SPORTS_CONTEXT_SET.contains(lower) {
                    sports_words.insert(lower);
                }
            }
        }
        people.sports = sports_words.len() >= 3;
        if !people.works.is_empty() {
            let works = people.works.clone();
            let kept: Vec<Person> = people
                .people
                .drain(..)
                .filter(|p| !works.contains(&p.name.to_lowercase()))
                .collect();
            people.by_part.clear();
            people.by_full.clear();
            for p in kept {
                people.add(p.name, p.gender, &p.named_at);
            }
        }
        people.vote_surname_genders(paragraphs);
        // "Ms Roche" tells us Barbara Roche is a woman even if "Barbara" did not.
        for (surname, gender) in honorific_of {
            if let Some(ids) = people.by_part.get(&surname) {
                if let [only] = ids.as_slice() {
                    people.people[*only].gender = gender;
                }
            }
        }
        people
    }

    /// For each surname a man and a woman of the article share, the
    /// pronoun ("he"/"his", "she"/"her") that most often follows the bare
    /// surname in its sentence.
    fn vote_surname_genders(&mut self, paragraphs: &[Prepared]) {
        let shared: Vec<&String> = self
            .by_part
            .iter()
            .filter(|(_, ids)| {
                let has = |g: Gender| ids.iter().any(|&i| self.people[i].gender == g);
                has(Gender::Male) && has(Gender::Female)
            })
            .map(|(surname, _)| surname)
            .collect();
        if shared.is_empty() {
            return;
        }
        let mut votes: HashMap<String, (u32, u32)> = HashMap::default();
        for p in paragraphs {
            let words = &p.words;
            for (i, w) in words.iter().enumerate() {
                let Some(&surname) = shared.iter().find(|s| s.as_str() == w.lower()) else {
                    continue;
                };
                // The bare surname, not the end of a full name.
                if i > 0 && words[i - 1].is_capitalised() && words[i - 1].sentence == w.sentence {
                    continue;
                }
                let pronoun = words[i + 1..]
                    .iter()
                    .take_while(|n| n.sentence == w.sentence)
                    .take(15)
                    .find_map(|n| match n.lower() {
                        "he" | "his" | "him" => Some(Gender::Male),
                        "she" | "her" | "hers" => Some(Gender::Female),
                        _ => None,
                    });
                let v = votes.entry(surname.clone()).or_default();
                match pronoun {
                    Some(Gender::Male) => v.0 += 1,
                    Some(Gender::Female) => v.1 += 1,
                    _ => {}
                }
            }
        }
        for (surname, (he, she)) in votes {
            if he > she * 2 {
                self.surname_gender.insert(surname, Gender::Male);
            } else if she > he * 2 {
                self.surname_gender.insert(surname, Gender::Female);
            }
        }
    }

    /// Does the article name a person `name`, in full or as a titled
    /// surname ("President Obama")?
    pub fn is_person(&self, name: &str) -> bool {
        self.resolve(name).is_some()
            || crate::text::with_lowered(name, |l| self.surnames.contains(l))
    }

    /// The paragraph being tagged, for [`People::resolve`].
    pub fn set_paragraph(&self, at: usize) {
        self.at.set(at);
    }

    fn add(&mut self, name: String, gender: Gender, named_at: &[usize]) {
        if let Some(existing) = self.people.iter_mut().find(|p| p.name == name) {
            if existing.gender == Gender::Unknown {
                existing.gender = gender;
            }
            for &at in named_at {
                if existing.named_at.last() != Some(&at) {
                    existing.named_at.push(at);
                }
            }
            return;
        }
        // A longer form of a known name replaces it ("George Bush" → "George W Bush").
        let id = self.people.len();
        // The surname, before any generation: "Trump" and "Trump Jr." both
        // find Donald Trump Jr.
        let base = without_generation(&name);
        let last = base
            .split_whitespace()
            .last()
            .unwrap_or(base)
            .to_lowercase();
        self.by_part.entry(last).or_default().push(id);
        let lower = name.to_lowercase();
        self.people.push(Person {
            name,
            gender,
            lower,
            named_at: named_at.to_vec(),
        });
    }

    /// Resolves a surname or short form to the article's full name.
    pub fn resolve(&self, name: &str) -> Option<&Person> {
        self.resolve_as(name, Gender::Unknown)
    }

    /// The person of the article whose surname `word` is (not a lone first
    /// name, as [`People::resolve`] also allows), for a word that also
    /// names a country or a body ("Jordan" for Jim Jordan). Not a plural
    /// ("Democrats", "Americans") or an acronym ("FBI"), which name no one
    /// even when a scraped page glued them to a name the article learned.
    pub fn with_surname(&self, word: &str) -> Option<&Person> {
        if word.ends_with('s') || word.chars().skip(1).any(char::is_uppercase) {
            return None;
        }
        self.resolve(word).filter(|p| {
            let parts: Vec<&str> = p.name.split(' ').collect();
            (2..=4).contains(&parts.len())
                && !parts.iter().any(|w| is_glued(w))
                && parts
                    .last()
                    .is_some_and(|last| last.eq_ignore_ascii_case(word))
        })
    }

    /// [`People::resolve`] for a name an honorific gave a gender ("Mrs
    /// Clinton").
    pub fn resolve_as(&self, name: &str, gender: Gender) -> Option<&Person> {
        crate::text::with_lowered(name, |lower| self.resolve_lower(lower, gender))
    }

    fn resolve_lower(&self, lower: &str, gender: Gender) -> Option<&Person> {
        if let Some(&i) = self.by_full.get(lower) {
            return Some(&self.people[i]);
        }
        // "Trump Jr" is written as the name is kept: "trump jr.".
        let spelt;
        let lower = match lower.rsplit_once(' ') {
            Some((base, g)) => match generation_suffix(g) {
                Some(g) => {
                    spelt = format!("{base} {}", g.to_lowercase());
                    spelt.as_str()
                }
                None => lower,
            },
            None => lower,
        };
        let last = without_generation(lower).split_whitespace().last()?;
        let Some(ids) = self.by_part.get(last) else {
            // "Sir John" for Sir John Bourn: a lone first name, if only one
            // person of the article has it.
            let by_first: Vec<&Person> = self
                .people
                .iter()
                .filter(|p| p.lower.split_whitespace().next() == Some(lower))
                .collect();
            return match by_first.as_slice() {
                [one] if !lower.contains(' ') => Some(one),
                _ => None,
            };
        };
        // With two people of the same surname, prefer the one whose full name
        // ends with the whole short form ("Jong-Sup" vs "Lee Jong-Sup"), of
        // the gender an honorific ("Mrs Clinton") or else the pronouns after
        // the bare surname point to (see `vote_surname_genders`), then one
        // named in full in this paragraph, else the one the article named
        // first: news names its subject in full once and by surname after,
        // while relatives are named in full each time. A longer form of
        // that name stands for it ("Van Hollen" → Chris Van Hollen).
        let gender = match gender {
            Gender::Unknown => self.surname_gender.get(last).copied(),
            known => Some(known),
        };
        let at = self.at.get();
        // "Trump" is Donald Trump Jr. only in an article that names no
        // other Trump without a generation.
        let of_gender = |p: &Person| gender.is_none_or(|g| p.gender == g);
        let exact = ids
            .iter()
            .any(|&id| self.people[id].lower.ends_with(lower) && of_gender(&self.people[id]));
        let candidates = || {
            ids.iter()
                .map(|&id| &self.people[id])
                .filter(move |p| {
                    if exact {
                        p.lower.ends_with(lower)
                    } else {
                        without_generation(&p.lower).ends_with(lower)
                    }
                })
                .filter(move |p| of_gender(p))
        };
        let first_named = |p: &&Person| p.named_at.first().copied();
        let chosen = candidates()
            .filter(|p| p.named_at.binary_search(&at).is_ok())
            .min_by_key(first_named)
            .or_else(|| candidates().min_by_key(first_named))?;
        let longer = candidates().filter(|p| {
            p.lower.len() > chosen.lower.len()
                && p.lower.ends_with(chosen.lower.as_str())
                && p.lower.as_bytes()[p.lower.len() - chosen.lower.len() - 1] == b' '
        });
        Some(longer.max_by_key(|p| p.name.len()).unwrap_or(chosen))
    }

    pub fn gender_of(&self, name: &str) -> Gender {
        self.resolve(name)
            .map(|p| p.gender)
            .or_else(|| {
                name.split_whitespace()
                    .next()
                    .and_then(|f| gazetteer().first_name_gender(f))
            })
            .unwrap_or(Gender::Unknown)
    }

    pub fn is_sports_article(&self) -> bool {
        self.sports
    }

    /// Is `name` used in this article as the title of a work?
    pub fn is_work(&self, name: &str) -> bool {
        crate::text::with_lowered(name, |lower| self.works.contains(lower))
    }

    pub fn main_country(&self) -> Option<&str> {
        self.main_country.as_deref()
    }

    /// Whose government "the government" is: the country the article names
    /// with "government", else the country it mentions most.
    pub fn government_country(&self) -> Option<&str> {
        self.named_government.as_deref().or(self.main_country())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tokens::words;
    use super::*;
    use crate::text::fold;

    fn class_of(text: &str) -> (NameClass, String) {
        let folded = fold(text);
        let mut lower = String::new();
        let ws = words(&folded, &mut lower);
        let runs = capitalised_runs(&ws);
        let run = runs.into_iter().max_by_key(|r| r.len()).unwrap();
        (classify_run(&ws, &run), join(&ws, &run))
    }

    /// The capitalised runs of `text`, as `join` writes them.
    fn runs(text: &str) -> Vec<String> {
        let mut lower = String::new();
        let ws = words(text, &mut lower);
        capitalised_runs(&ws).iter().map(|r| join(&ws, r)).collect()
    }

    /// Joined on the stack or not, a run reads as `join` writes it.
    #[test]
    fn runs_joined_on_the_stack_read_as_joined() {
        let long = "Word ".repeat(40);
        for text in [
            "Russia's Defence Ministry",
            "the U.S. Department of Defense",
            "Élysée Palace officials",
            long.as_str(),
        ] {
            let mut lower = String::new();
            let ws = words(text, &mut lower);
            for start in 0..ws.len() {
                for end in start + 1..=ws.len() {
                    let r = start..end;
                    assert_eq!(with_joined(&ws, &r, str::to_string), join(&ws, &r));
                }
            }
        }
    }

    #[test]
    fn strips_ranks_and_titles() {
        let mut lower = String::new();
        let ws = words(
            "Pentagon Press Secretary Air Force Brig. Gen. Pat Ryder said",
            &mut lower,
        );
        let runs = capitalised_runs(&ws);
        assert_eq!(runs.len(), 1);
        match classify_run(&ws, &runs[0]) {
            NameClass::Person { name_start, .. } => {
                assert_eq!(join(&ws, &(name_start..runs[0].end)), "Pat Ryder")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn organisations_places_and_people() {
        assert!(matches!(
            class_of("the Fenwick Foundation said").0,
            NameClass::Org
        ));
        assert!(matches!(
            class_of("on Yeonpyeong Island today").0,
            NameClass::Place
        ));
        assert!(matches!(
            class_of("met Mary Smith there").0,
            NameClass::Person { .. }
        ));
        assert!(matches!(
            class_of("the White House said").0,
            NameClass::Known(EntityKind::Org, _, _)
        ));
        assert_eq!(
            class_of("for the Department for Education and Skills now").1,
            "Department for Education and Skills"
        );
    }

    /// Institutions named after people, or whose first word is also a
    /// first name, are organisations; a surname that is also an
    /// organisation word still makes a person.
    #[test]
    fn institutions_led_by_a_first_name_are_organisations() {
        for text in [
            "at Stanford University today",
            "the Clinton Foundation said",
            "members of the Tea Party rallied",
            "at Sandy Hook Elementary School yesterday",
            "the Urban Institute found",
        ] {
            let (class, name) = class_of(text);
            assert!(matches!(class, NameClass::Org), "{text}: {name} {class:?}");
        }
        assert!(matches!(
            class_of("met Mary Church there").0,
            NameClass::Person { .. }
        ));
    }

    /// A rare given name that is also a place's ("Washington") does not
    /// make a person; a party label before a name is not part of it, and
    /// one at the end names no one.
    #[test]
    fn places_and_party_labels_are_not_people() {
        for text in [
            "told the Washington Examiner on Friday",
            "a Nevada Democrat said",
        ] {
            let (class, name) = class_of(text);
            assert!(
                !matches!(class, NameClass::Person { .. }),
                "{text}: {name} {class:?}"
            );
        }
        let mut lower = String::new();
        let ws = words("Florida Republican Marco Rubio said", &mut lower);
        let runs = capitalised_runs(&ws);
        match classify_run(&ws, &runs[0]) {
            NameClass::Person { name_start, .. } => {
                assert_eq!(join(&ws, &(name_start..runs[0].end)), "Marco Rubio")
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            class_of("said Virginia Foxx today").0,
            NameClass::Person { .. }
        ));
    }

    /// A title alone is a role, not an entity.
    #[test]
    fn a_title_alone_is_no_entity() {
        for text in [
            "said the Secretary of State today",
            "the House Speaker said",
        ] {
            let (class, name) = class_of(text);
            assert!(
                matches!(class, NameClass::Unknown),
                "{text}: {name} {class:?}"
            );
        }
    }

    #[test]
    fn and_does_not_glue_two_places() {
        let mut lower = String::new();
        let ws = words("Iran and North Korea helped.", &mut lower);
        assert_eq!(capitalised_runs(&ws).len(), 2);
    }

    #[test]
    fn names_in_capitals() {
        assert!(matches!(
            class_of("UKRAINE PRESIDENT BACKS UP TRUMP").0,
            NameClass::Unknown
        ));
        assert!(matches!(
            class_of("ANN COULTER RIPS TRUMP").0,
            NameClass::Unknown
        ));
        let (class, _) = class_of("PRESIDENT DONALD TRUMP");
        assert!(matches!(class, NameClass::Person { name_start: 1, .. }));
        let mut lower = String::new();
        let ws = words(
            "AMY GOODMAN: JOHN F. MCCAIN III and SEAN O'BRIEN-SMITH",
            &mut lower,
        );
        assert_eq!(person_name(&ws, 0, 2), "Amy Goodman");
        // A generation stays with the name.
        assert_eq!(person_name(&ws, 3, 7), "John F. McCain III");
        assert_eq!(person_name(&ws, 8, 10), "Sean O'Brien-Smith");
        let ws = words("Amy Goodman and NATO", &mut lower);
        assert_eq!(person_name(&ws, 0, 2), "Amy Goodman");
        assert_eq!(person_name(&ws, 3, 4), "NATO");
    }

    #[test]
    fn connectors_join_organisations_not_a_person_to_what_follows() {
        assert_eq!(
            runs("Sen. Lindsey Graham of South Carolina spoke."),
            ["Sen. Lindsey Graham", "South Carolina"]
        );
        assert_eq!(
            runs("Senate Majority Leader Mitch McConnell of Kentucky spoke."),
            ["Senate Majority Leader Mitch McConnell", "Kentucky"]
        );
        assert_eq!(
            runs("Sen. Kamala Harris of California and President Obama of the United States."),
            [
                "Sen. Kamala Harris",
                "California",
                "President Obama",
                "United States"
            ]
        );
        assert_eq!(
            runs("The Duke of Edinburgh met the Archbishop of Canterbury."),
            ["Duke of Edinburgh", "Archbishop of Canterbury"]
        );
        assert_eq!(
            runs("Mayor Bill de Blasio and Crown Prince Mohammed bin Salman met."),
            ["Mayor Bill de Blasio", "Crown Prince Mohammed bin Salman"]
        );
        assert_eq!(
            runs("Secretary of Health and Human Services Alex Azar spoke."),
            ["Secretary of Health and Human Services Alex Azar"]
        );
        assert_eq!(
            runs("Asked, Obama on Kanye West said no."),
            ["Obama", "Kanye West"]
        );
        assert_eq!(
            runs("He joined the Council on Foreign Relations and Secretary of State Mike Pompeo."),
            [
                "Council on Foreign Relations",
                "Secretary of State Mike Pompeo"
            ]
        );
    }

    #[test]
    fn and_joins_an_institutions_name_not_two_names() {
        assert_eq!(
            runs("The Food and Drug Administration and U.S. Customs and Border Protection agreed."),
            [
                "Food and Drug Administration",
                "U.S. Customs and Border Protection"
            ]
        );
        assert_eq!(
            runs("He told the House Ways and Means Committee."),
            ["House Ways and Means Committee"]
        );
        assert_eq!(
            runs("The Senate Judiciary Committee and House Oversight Committee met."),
            ["Senate Judiciary Committee", "House Oversight Committee"]
        );
        assert_eq!(
            runs("Trump and Justice Department lawyers met UCLA and Harvard Law School."),
            ["Trump", "Justice Department", "UCLA", "Harvard Law School"]
        );
        assert!(matches!(
            class_of("Immigration and Customs Enforcement").0,
            NameClass::Org
        ));
    }

    #[test]
    fn and_goes_on_with_an_of_name_unless_another_name_follows() {
        assert_eq!(
            runs("The Department of Health and Human Services and the Port Authority of New York and New Jersey met."),
            [
                "Department of Health and Human Services",
                "Port Authority of New York and New Jersey"
            ]
        );
        assert_eq!(
            runs("The Department of Justice and the FBI, the House of Representatives and Senate and the Department of Justice and Mueller."),
            [
                "Department of Justice",
                "FBI",
                "House of Representatives",
                "Senate",
                "Department of Justice",
                "Mueller"
            ]
        );
    }

    #[test]
    fn sentence_adverbs_and_candidate_start_no_name() {
        assert_eq!(
            runs("Perhaps Jared Kushner knew. Again Trump said no. Candidate Obama won. They chanted Make America Great Again."),
            ["Jared Kushner", "Trump", "Obama", "Make America Great Again"]
        );
    }

    #[test]
    fn an_organisation_word_after_a_title_makes_an_organisation() {
        assert!(matches!(
            class_of("Major League Baseball").0,
            NameClass::Org
        ));
        // "Panel" is one too, so "on" joins the rest of the name.
        assert_eq!(
            runs("The Intergovernmental Panel on Climate Change said so."),
            ["Intergovernmental Panel on Climate Change"]
        );
        assert!(matches!(
            class_of("Major John Smith").0,
            NameClass::Person { .. }
        ));
    }

    #[test]
    fn page_labels_in_capitals_are_not_names() {
        assert_eq!(
            runs("WATCH Obama speak. CLOSE Hillary Clinton spoke."),
            ["Obama", "Hillary Clinton"]
        );
        assert_eq!(
            runs("They met Glenn Close and Lou Reed."),
            ["Glenn Close", "Lou Reed"]
        );
        assert_eq!(
            runs("The debate ended. Hide Caption 1 of 10 Bernie Sanders spoke."),
            ["Bernie Sanders"]
        );
    }

    #[test]
    fn a_chambers_party_members_are_one_name() {
        let name = |text: &str| {
            let mut lower = String::new();
            let ws = words(text, &mut lower);
            chamber_party(&ws)
        };
        assert_eq!(name("House GOP").as_deref(), Some("House Republicans"));
        assert_eq!(
            name("Senate Democratic").as_deref(),
            Some("Senate Democrats")
        );
        assert_eq!(name("Republican Senate").as_deref(), Some("Senate"));
        assert_eq!(name("House Judiciary"), None);
        assert_eq!(name("Democratic Party"), None);
    }

    #[test]
    fn may_next_to_a_date_is_the_month() {
        assert_eq!(runs("The vote in May was close."), Vec::<String>::new());
        assert_eq!(
            runs("It ran from May to July and again on May 5."),
            Vec::<String>::new()
        );
        assert_eq!(runs("Talks end at the end of May, they said."), ["Talks"]);
        assert_eq!(
            runs("It is a report from May, which says so."),
            Vec::<String>::new()
        );
        assert_eq!(runs("Since May took office, they split."), ["May"]);
        assert_eq!(
            runs("Confidence in May's cabinet fell."),
            ["Confidence", "May"]
        );
        assert_eq!(runs("Theresa May said so."), ["Theresa May"]);
    }

    #[test]
    fn sentence_openers_are_not_names() {
        let mut lower = String::new();
        let ws = words("With Iran helping, Russia gained.", &mut lower);
        let runs: Vec<String> = capitalised_runs(&ws).iter().map(|r| join(&ws, r)).collect();
        assert_eq!(runs, ["Iran", "Russia"]);
    }
}
