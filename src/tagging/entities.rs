//! Entities of a paragraph: people, organisations, places and weapons.
//!
//! Four sources, each a named rule: the gazetteer automaton (countries and
//! their aliases, demonyms and capitals, regions, organisations, weapon
//! systems), capitalised runs classified by [`super::names`], weapon
//! designators such as `Shahed-136` confirmed by a military word nearby, and
//! weapon types ("ballistic missile", "artillery shell").

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

use super::names::{
    chamber_party, is_not_name, is_org_head, is_party_member, join, person_name, NameClass, People,
};
use super::tokens::Word;
use super::{Entity, EntityKind, Prepared};
use crate::gazetteer::gazetteer;
use crate::text::with_lowered;

/// Words that show a designator or an ambiguous system name is a weapon.
const MILITARY_CONTEXT: &[&str] = &[
    "drone",
    "drones",
    "missile",
    "missiles",
    "jet",
    "jets",
    "fighter",
    "fighters",
    "aircraft",
    "plane",
    "planes",
    "warplane",
    "warplanes",
    "tank",
    "tanks",
    "system",
    "systems",
    "launcher",
    "launchers",
    "rocket",
    "rockets",
    "bomber",
    "bombers",
    "helicopter",
    "helicopters",
    "howitzer",
    "howitzers",
    "submarine",
    "submarines",
    "warship",
    "warships",
    "weapon",
    "weapons",
    "munition",
    "munitions",
    "interceptor",
    "interceptors",
    "battery",
    "batteries",
    "kamikaze",
    "strike",
    "strikes",
    "air-defense",
    "air-defence",
    "defense",
    "defence",
    "artillery",
    "armored",
    "armoured",
    "vehicle",
    "vehicles",
    "rifle",
    "rifles",
    "gun",
    "guns",
    "military",
    "army",
    "navy",
    "pilot",
    "pilots",
    "squadron",
    "fleet",
    "arms",
    "shells",
    "ballistic",
    "cruise",
    "hypersonic",
    "icbm",
    "warhead",
    "warheads",
    "test-fired",
    "fired",
    "launched",
    "deployed",
    "shot",
    "intercepted",
    "sorties",
    "stealth",
    "attack",
    "attacks",
];
static MILITARY_CONTEXT_SET: std::sync::LazyLock<crate::text::WordSet> =
    std::sync::LazyLock::new(|| MILITARY_CONTEXT.iter().copied().collect());

/// Designator prefixes that are never weapons, whatever the context.
const NOT_WEAPON_PREFIXES: &[&str] = &[
    "covid",
    "sars",
    "mers",
    "h1n1",
    "h5n1",
    "i",
    "a",
    "m",
    "g",
    "p",
    "article",
    "section",
    "chapter",
    "form",
    "flight",
    "route",
    "highway",
    "interstate",
    "us",
    "uk",
    "eu",
    "n",
    "no",
    "level",
    "grade",
    "class",
    "category",
    "page",
    "vote",
    "year",
    "week",
    "day",
    "phase",
    "stage",
    "round",
    "game",
    "top",
    "under",
    "over",
    "windows",
    "iphone",
    "galaxy",
    "ps",
    "xbox",
];
static NOT_WEAPON_PREFIXES_SET: std::sync::LazyLock<crate::text::WordSet> =
    std::sync::LazyLock::new(|| NOT_WEAPON_PREFIXES.iter().copied().collect());

static DESIGNATOR: LazyLock<Regex> = LazyLock::new(|| {
    // Letters, a hyphen, digits (optionally a variant letter): F-16, MQ-9,
    // Su-35S, Kh-101, Hwasong-15, S-400, Shahed-136. A plural "s" may follow.
    Regex::new(r"\b([A-Z][A-Za-z]{0,11})-(\d{1,4}(?:[A-Z]{1,2}\d?)?)(s|'s)?\b")
        .expect("designator regex is valid")
});

const WEAPON_MODIFIER: &str = r#"(?:ballistic|cruise|hypersonic|guided|anti-tank|anti-aircraft|anti-ship|anti-missile|surface-to-surface|surface-to-air|air-to-air|air-to-surface|air-to-ground|ship-to-ship|artillery|kamikaze|suicide|attack|mortar|cluster|nuclear|chemical|biological|fighter|stealth|multiple rocket|rocket|tank|sniper|assault|\d{2,3}mm|\d{2,3}-millimeter|\d{2,3}-millimetre)"#;

/// The weapon nouns, singular and plural.
const WEAPON_HEADS: &[&str] = &[
    "missile",
    "missiles",
    "rocket",
    "rockets",
    "drone",
    "drones",
    "shell",
    "shells",
    "bomb",
    "bombs",
    "warhead",
    "warheads",
    "torpedo",
    "torpedoes",
    "grenade",
    "grenades",
    "launcher",
    "launchers",
    "howitzer",
    "howitzers",
    "jet",
    "jets",
    "bomber",
    "bombers",
    "interceptor",
    "interceptors",
    "weapon",
    "weapons",
    "munition",
    "munitions",
    "rifle",
    "rifles",
    "mine",
    "mines",
];

/// Weapon nouns, searched for in the paragraphs whose words include one
/// ([`is_weapon_head`]).
static WEAPON_HEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)\b(?:{})\b", WEAPON_HEADS.join("|")))
        .expect("weapon head regex is valid")
});

static WEAPON_HEADS_SET: LazyLock<crate::text::WordSet> =
    LazyLock::new(|| WEAPON_HEADS.iter().copied().collect());

/// Is this word (in lower case), or a part of it between hyphens or
/// apostrophes ("anti-missile"), one of the weapon nouns? Checked on
/// the paragraph's words first: most paragraphs have none, and then the
/// regex (a Unicode word-boundary search that falls back to slower engines
/// on non-ASCII text) is not run at all.
fn is_weapon_head(lower: &str) -> bool {
    let head = |w: &str| WEAPON_HEADS_SET.contains(w);
    if lower.len() > 4 && lower.bytes().any(|b| b == b'-' || b == b'\'') {
        lower.split(['-', '\'']).any(head)
    } else {
        head(lower)
    }
}

/// Every weapon noun contains one of these: a SIMD search for them in a
/// paragraph's lower-case text (~150 ns) turns away 19 paragraphs in 20,
/// where asking [`is_weapon_head`] of each word took ~7% of the tagger's
/// cycles. `None` where the CPU has no such search: then every
/// paragraph's words are asked.
static WEAPON_HEAD_STEMS: LazyLock<Option<aho_corasick::packed::Searcher>> = LazyLock::new(|| {
    let stems = WEAPON_HEADS
        .iter()
        .filter(|h| !WEAPON_HEADS.iter().any(|o| o != *h && h.starts_with(o)));
    aho_corasick::packed::Config::new()
        .builder()
        .extend(stems)
        .build()
});

/// Could one of the words whose lower case is in `lower` be a weapon noun?
fn may_have_weapon_head(lower: &str) -> bool {
    WEAPON_HEAD_STEMS
        .as_ref()
        .is_none_or(|s| s.find(lower).is_some())
}

/// The modifiers just before a weapon noun ("122mm and 152mm ", "ballistic "),
/// matched on a short window that ends where the noun starts.
static WEAPON_MODIFIERS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r#"(?i)\b(?:({WEAPON_MODIFIER})(?:,? and | or )(?:["']?\s*)?)?({WEAPON_MODIFIER})["']?\s+["']?$"#
    ))
    .expect("weapon modifier regex is valid")
});

/// Words that make a sentence about a sports club rather than a city.
pub const SPORTS_CONTEXT: &[&str] = &[
    "football",
    "soccer",
    "striker",
    "midfielder",
    "defender",
    "goalkeeper",
    "premiership",
    "club",
    "squad",
    "transfer",
    "match",
    "stadium",
    "penalty",
    "fixture",
    "scored",
    "goal",
    "goals",
    "champions",
    "coach",
    "fans",
    "signing",
    "kick-off",
    "derby",
    "relegation",
    "midfield",
    "winger",
    "manager",
    "captain",
    "championship",
    "tournament",
    "semi-final",
    "quarter-final",
    "referee",
    "scorer",
    "league",
];
pub static SPORTS_CONTEXT_SET: std::sync::LazyLock<crate::text::WordSet> =
    std::sync::LazyLock::new(|| SPORTS_CONTEXT.iter().copied().collect());

/// Is the sentence around `start..end` about sport?
fn sports_sentence(folded: &str, start: usize, end: usize) -> bool {
    let from = folded[..start].rfind(['.', '!', '?']).map_or(0, |i| i + 1);
    let to = folded[end..]
        .find(['.', '!', '?'])
        .map_or(folded.len(), |i| end + i);
    folded[from..to]
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .any(|w| with_lowered(w, |w| SPORTS_CONTEXT_SET.contains(w)))
}

/// Lower-case nouns that make the name next to them an organisation.
const ORG_NOUNS_AFTER: &[&str] = &[
    "newspaper",
    "paper",
    "magazine",
    "tabloid",
    "broadcaster",
    "channel",
    "website",
    "network",
    "agency",
    "charity",
    "company",
    "firm",
    "group",
    "party",
    "embassy",
    "department",
    "ministry",
    "union",
    "bank",
    "airline",
    "carrier",
    "retailer",
    "think-tank",
    "watchdog",
    "regulator",
    "lobby",
];
static ORG_NOUNS_AFTER_SET: std::sync::LazyLock<crate::text::WordSet> =
    std::sync::LazyLock::new(|| ORG_NOUNS_AFTER.iter().copied().collect());

/// Prepositions after which an unknown name is a place.
const LOCATIVES: &[&str] = &[
    "in",
    "at",
    "near",
    "outside",
    "through",
    "via",
    "across",
    "throughout",
    "around",
];
static LOCATIVES_SET: std::sync::LazyLock<crate::text::WordSet> =
    std::sync::LazyLock::new(|| LOCATIVES.iter().copied().collect());

/// Weapon heads that name a weapon even without a modifier.
const BARE_WEAPONS: &[&str] = &[
    "missile", "rocket", "drone", "bomb", "warhead", "torpedo", "grenade", "howitzer",
];
static BARE_WEAPONS_SET: std::sync::LazyLock<crate::text::WordSet> =
    std::sync::LazyLock::new(|| BARE_WEAPONS.iter().copied().collect());

fn singular(head: &str) -> String {
    let h = head.to_lowercase();
    if let Some(s) = h.strip_suffix("oes") {
        return format!("{s}o");
    }
    h.strip_suffix('s').map(str::to_string).unwrap_or(h)
}

/// Is a military word within `window` words of byte range `start..end`?
fn military_nearby(folded: &str, start: usize, end: usize, window: usize) -> bool {
    let before = folded[..start].split_whitespace().rev().take(window);
    let after = folded[end..].split_whitespace().take(window);
    let inside = folded[start..end].split_whitespace();
    before.chain(after).chain(inside).any(|w| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
        with_lowered(w, |w| MILITARY_CONTEXT_SET.contains(w))
    })
}

/// Weapon designators in a text, singular, as written ("Shahed-136").
pub fn designators(folded: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    // Every designator has a hyphen before a digit: most paragraphs have none.
    let bytes = folded.as_bytes();
    if !memchr::memchr_iter(b'-', bytes).any(|i| bytes.get(i + 1).is_some_and(u8::is_ascii_digit)) {
        return out;
    }
    for c in DESIGNATOR.captures_iter(folded) {
        let (Some(all), Some(prefix), Some(number)) = (c.get(0), c.get(1), c.get(2)) else {
            continue;
        };
        if NOT_WEAPON_PREFIXES_SET.contains(prefix.as_str().to_lowercase().as_str()) {
            continue;
        }
        if !military_nearby(folded, all.start(), all.end(), 8) {
            continue;
        }
        out.push((
            all.start(),
            all.end(),
            format!("{}-{}", prefix.as_str(), number.as_str()),
        ));
    }
    out
}

/// Weapon types ("ballistic missile", "122mm shell"), canonical lower-case singular.
pub fn weapon_types(folded: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    for m in WEAPON_HEAD.find_iter(folded) {
        let word = m.as_str();
        let head = singular(word);
        // Up to ~60 bytes before the noun, cut at a character boundary.
        let mut from = m.start().saturating_sub(60);
        while !folded.is_char_boundary(from) {
            from += 1;
        }
        let window = &folded[from..m.start()];
        let caps = WEAPON_MODIFIERS.captures(window);
        let inner = caps
            .as_ref()
            .and_then(|c| c.get(2))
            .map(|x| x.as_str().to_lowercase());
        let coordinated = caps
            .as_ref()
            .and_then(|c| c.get(1))
            .map(|x| x.as_str().to_lowercase());
        let start = caps
            .as_ref()
            .and_then(|c| c.get(0))
            .map_or(m.start(), |x| from + x.start());
        match &inner {
            // A suicide bomber is a person.
            Some(md) if md == "suicide" && head == "bomber" => {}
            Some(md) => {
                out.push((start, m.end(), format!("{md} {head}")));
                if let Some(first) = coordinated {
                    out.push((start, m.end(), format!("{first} {head}")));
                }
            }
            // "weapon" and "munition" need a modifier ("nuclear weapon"); a
            // capitalised head is a name or a headline word.
            None if BARE_WEAPONS_SET.contains(head.as_str())
                && word.chars().next().is_some_and(char::is_lowercase) =>
            {
                out.push((m.start(), m.end(), head));
            }
            None => {}
        }
    }
    out
}

/// Are `a` and `b` the same in lower case?
fn same_lowercase(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.to_lowercase() == b.to_lowercase()
    }
}

/// Adds an entity once per kind and name, whatever its case. A paragraph
/// has a few entities: a look along them beats hashing a lower-case copy
/// of each. Names arrive borrowed where they can (list entries, people
/// already known, one-word runs) and are copied only when new: a paragraph
/// names most of its places and people more than once.
fn push<'n>(
    out: &mut Vec<Entity>,
    kind: EntityKind,
    name: impl Into<Cow<'n, str>>,
    rule: &'static str,
) {
    let name = name.into();
    if !out
        .iter()
        .any(|e| e.kind == kind && same_lowercase(&e.name, &name))
    {
        out.push(Entity {
            name: name.into_owned(),
            kind,
            rule,
        });
    }
}

/// Tags one paragraph's entities; people are resolved to full names.
pub fn paragraph_entities(p: &Prepared, people: &People) -> Vec<Entity> {
    let g = gazetteer();
    let mut out: Vec<Entity> = Vec::new();
    // Byte spans that belong to a person's name: gazetteer hits inside them
    // ("Jordan" in "Michael Jordan") do not count.
    let mut person_spans: Vec<(usize, usize)> = Vec::new();
    let words = &p.words;
    let hits = &p.hits;
    // A run that a gazetteer entry extends ("BBC Radio" of "BBC Radio 2")
    // is left to the gazetteer.
    let extended_by_list = |run: &std::ops::Range<usize>| {
        let (s, e) = (words[run.start].start, words[run.end - 1].end);
        hits.iter()
            .any(|h| h.start < e && h.end > s && (h.start < s || h.end > e))
    };
    // Unknown names that contain a list entry ("Manchester United", "Real
    // Madrid") are something else: the entry inside does not count.
    let mut unknown_spans: Vec<(usize, usize)> = Vec::new();
    for (run, class) in p.names.iter() {
        let run = run.clone();
        if *class == NameClass::Unknown && run.len() >= 2 {
            unknown_spans.push((words[run.start].start, words[run.end - 1].end));
        }
        if !matches!(class, NameClass::Person { .. } | NameClass::Known(..))
            && extended_by_list(&run)
        {
            continue;
        }
        match class {
            &NameClass::Person { name_start, gender } => {
                let name = person_name(words, name_start, run.end);
                if people.is_work(&name) {
                    // A film or book title, not a person; nor its words places.
                    person_spans.push((words[run.start].start, words[run.end - 1].end));
                    continue;
                }
                let full = match people.resolve_as(&name, gender) {
                    Some(pp) => Cow::Borrowed(pp.name.as_str()),
                    None => Cow::Owned(name),
                };
                person_spans.push((words[name_start].start, words[run.end - 1].end));
                push(
                    &mut out,
                    EntityKind::Person,
                    full,
                    "name:title-or-first-name",
                );
            }
            NameClass::Org => {
                let mut r = run.clone();
                while words[r.start].is("the") {
                    r.start += 1;
                }
                let (name, rule) = match chamber_party(&words[r.clone()]) {
                    Some(name) => (name, "name:chamber-party"),
                    None => (join(words, &r), "name:organisation-word"),
                };
                push(&mut out, EntityKind::Org, name, rule);
            }
            NameClass::Place => {
                push(
                    &mut out,
                    EntityKind::Place,
                    join(words, &run),
                    "name:place-word",
                );
            }
            NameClass::Known(..) => {} // the gazetteer pass below finds it
            NameClass::Unknown => {
                // Most unknown runs are one word, and most are tagged as
                // nothing: look them up as they are.
                let name = match run.len() {
                    1 => Cow::Borrowed(words[run.start].text),
                    _ => Cow::Owned(join(words, &run)),
                };
                let next = words.get(run.end).map(Word::lower).unwrap_or_default();
                let prev = run
                    .start
                    .checked_sub(1)
                    .map(|i| words[i].lower())
                    .unwrap_or_default();
                // A lone surname of someone the article names in full.
                if run.len() <= 2 && !is_not_name(&name) && g.lookup_exact(&name).is_none() {
                    if let Some(pp) = people.resolve(&name) {
                        person_spans.push((words[run.start].start, words[run.end - 1].end));
                        push(
                            &mut out,
                            EntityKind::Person,
                            pp.name.as_str(),
                            "name:surname",
                        );
                        continue;
                    }
                }
                if run.len() == 1 && next == "administration" {
                    // "the Biden administration": a government named after its leader.
                    let name = format!("{} administration", words[run.start].text);
                    push(&mut out, EntityKind::Org, name, "name:administration");
                } else if ORG_NOUNS_AFTER_SET.contains(next) {
                    // "the Mirror newspaper", "the Albanian embassy"; "the
                    // Democratic party" is a listed name with its noun.
                    let with_noun = format!("{name} {next}");
                    let name = if let Some(e) = g.lookup(&with_noun) {
                        Cow::Borrowed(e.canonical.as_str())
                    } else if next == "embassy" || next == "government" {
                        Cow::Owned(with_noun)
                    } else {
                        name
                    };
                    push(&mut out, EntityKind::Org, name, "name:organisation-noun");
                } else if ORG_NOUNS_AFTER_SET.contains(prev) && run.len() == 1 && next != "'s" {
                    // "agriculture department Defra"
                    push(&mut out, EntityKind::Org, name, "name:organisation-noun");
                } else if LOCATIVES_SET.contains(prev)
                    && next != "'s"
                    && !g.is_first_name(words[run.start].text)
                    && !is_party_member(words[run.end - 1].text)
                    && !is_org_head(words[run.end - 1].text)
                    && run.start >= 2
                    && words[run.start - 2].sentence == words[run.start].sentence
                {
                    // "a walk at Tweedbank", "in Mayfair"; "in Trump's
                    // orbit" names an owner, not a place.
                    push(&mut out, EntityKind::Place, name, "name:locative");
                }
            }
        }
    }
    for hit in hits.iter() {
        if person_spans
            .iter()
            .any(|&(s, e)| hit.start < e && hit.end > s)
        {
            continue;
        }
        if hit.entry.kind == EntityKind::Place
            && unknown_spans
                .iter()
                .any(|&(s, e)| hit.start >= s && hit.end <= e && (hit.start > s || hit.end < e))
        {
            continue;
        }
        let e = hit.entry;
        // "Liverpool striker", "Madrid's fans": a city standing for its club.
        if matches!(
            e.origin,
            crate::gazetteer::Origin::Region | crate::gazetteer::Origin::Capital
        ) && (people.is_sports_article() || sports_sentence(p.folded, hit.start, hit.end))
        {
            continue;
        }
        if e.kind == EntityKind::Weapon
            && e.needs_context
            && !military_nearby(p.folded, hit.start, hit.end, 6)
        {
            continue;
        }
        let rule = match e.origin {
            crate::gazetteer::Origin::CountryName => "list:country",
            crate::gazetteer::Origin::CountryAlias => "list:country-alias",
            crate::gazetteer::Origin::Demonym => "list:demonym",
            crate::gazetteer::Origin::Capital => "list:capital",
            crate::gazetteer::Origin::UsState => "list:us-state",
            crate::gazetteer::Origin::Region => "list:region",
            crate::gazetteer::Origin::Organisation => "list:organisation",
            crate::gazetteer::Origin::WeaponSystem => "list:weapon-system",
            crate::gazetteer::Origin::User => "list:newsgrep.toml",
        };
        push(&mut out, e.kind, e.canonical.as_str(), rule);
    }
    for (_, _, name) in designators(p.folded) {
        push(&mut out, EntityKind::Weapon, name, "pattern:designator");
    }
    if may_have_weapon_head(p.lower) && p.words.iter().any(|w| is_weapon_head(w.lower())) {
        for (_, _, name) in weapon_types(p.folded) {
            push(&mut out, EntityKind::Weapon, name, "pattern:weapon-type");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn designators_need_military_context() {
        let d = designators("Iran began sending Shahed-136s, dubbed kamikaze drones.");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].2, "Shahed-136");
        assert!(designators("COVID-19 cases rose on the I-95 corridor.").is_empty());
        assert!(designators("Traffic on the A-14 was slow.").is_empty());
        let names: Vec<String> = designators("F-16 jets and S-400 systems, Su-35S fighters")
            .into_iter()
            .map(|d| d.2)
            .collect();
        assert_eq!(names, ["F-16", "S-400", "Su-35S"]);
    }

    #[test]
    fn weapon_nouns_are_found_in_words_and_their_parts() {
        for w in [
            "missile",
            "missiles",
            "torpedoes",
            "jets",
            "anti-missile",
            "drone's",
        ] {
            assert!(is_weapon_head(w), "{w}");
        }
        for w in [
            "torpedos",
            "minesweeper",
            "jetty",
            "shelling",
            "bombastic",
            "-",
            "",
        ] {
            assert!(!is_weapon_head(w), "{w}");
        }
        // Every noun the regex matches is a weapon head, so the word check
        // never hides a weapon type.
        let text = "missile rockets drone shells bomb warheads torpedo torpedoes grenades \
                    launcher howitzers jet bombers interceptor weapons munition rifles mines";
        for m in WEAPON_HEAD.find_iter(text) {
            assert!(is_weapon_head(m.as_str()), "{}", m.as_str());
        }
        // The paragraph filter lets every weapon noun through, inside
        // others' words too; and turns a paragraph without one away.
        for h in WEAPON_HEADS {
            assert!(may_have_weapon_head(h), "{h}");
            assert!(may_have_weapon_head(&format!("the anti-{h} unit")), "{h}");
        }
        if WEAPON_HEAD_STEMS.is_some() {
            assert!(!may_have_weapon_head("the minister said on tuesday"));
        }
    }

    #[test]
    fn same_lowercase_ignores_case_only() {
        assert!(same_lowercase("White House", "white house"));
        assert!(same_lowercase("ÉLYSÉE", "élysée"));
        assert!(!same_lowercase("Georgia", "Georgian"));
    }

    #[test]
    fn weapon_types_fold_to_singular() {
        let t: Vec<String> = weapon_types("North Korea fired short-range ballistic missiles and 122mm and 152mm shells, plus \"kamikaze\" drones.")
            .into_iter()
            .map(|w| w.2)
            .collect();
        assert!(t.contains(&"ballistic missile".to_string()), "{t:?}");
        assert!(t.contains(&"152mm shell".to_string()), "{t:?}");
        assert!(t.contains(&"122mm shell".to_string()), "{t:?}");
        assert!(t.contains(&"kamikaze drone".to_string()), "{t:?}");
        assert!(weapon_types("weapons of the mind").is_empty());
    }

    /// Entities of a made-up article, per paragraph, as "kind:name".
    fn tags(text: &str) -> Vec<Vec<String>> {
        let a = crate::article::parse_txt("t.txt", &format!("Headline for a test\n\n{text}"));
        crate::tagging::tag_article(a)
            .paragraphs
            .into_iter()
            .map(|p| {
                p.entities
                    .into_iter()
                    .map(|e| format!("{}:{}", e.kind.as_str(), e.name))
                    .collect()
            })
            .collect()
    }

    fn has(tags: &[String], t: &str) -> bool {
        tags.iter().any(|x| x == t)
    }

    /// Documents and bodies whose names start with a first name are no
    /// people; a surname that is also such a word still is one.
    #[test]
    fn documents_named_after_first_names_are_no_people() {
        let t = tags("The Paris Agreement, the Green New Deal and the Montana Supreme Court came up, and Gov. Nathan Deal spoke.").remove(0);
        for not in [
            "person:Paris Agreement",
            "person:Green New Deal",
            "person:Montana Supreme Court",
        ] {
            assert!(!has(&t, not), "{not}: {t:?}");
        }
        assert!(has(&t, "org:Montana Supreme Court"), "{t:?}");
        assert!(has(&t, "person:Nathan Deal"), "{t:?}");
    }

    /// Words a scraper ran together name no person; organisations written
    /// in camel case still count.
    #[test]
    fn glued_words_name_no_one() {
        let t = tags("He questioned President Trump Donald John TrumpGOP senators balk at trial MORE on Tuesday.\n\nBuzzFeed News reported the memo.").concat();
        assert!(!t.iter().any(|x| x.contains("TrumpGOP")), "{t:?}");
        assert!(super::super::names::is_glued("McConnellGOP"));
        for name in ["McConnell", "DeSantis", "LaPierre", "MacArthur", "BuzzFeed"] {
            assert_eq!(
                super::super::names::is_glued(name),
                name == "BuzzFeed",
                "{name}"
            );
        }
    }

    /// A listed name in any listed casing is that entry, even when its
    /// first word is also a first name ("Al").
    #[test]
    fn listed_names_beat_first_names() {
        let t = tags("Al Qaeda claimed the attack in Karachi.").remove(0);
        assert!(has(&t, "org:al-Qaeda"), "{t:?}");
        assert!(!t.iter().any(|x| x.starts_with("person:")), "{t:?}");
    }

    #[test]
    fn aliases_fold_to_canonical_names() {
        let t =
            tags("Officials in the U.S., Britain and the Kremlin met N. Korea's envoy.").remove(0);
        for want in [
            "place:United States",
            "place:United Kingdom",
            "org:Kremlin",
            "place:North Korea",
        ] {
            assert!(has(&t, want), "{want} in {t:?}");
        }
    }

    #[test]
    fn people_by_first_name_or_title_and_surnames_resolved() {
        let t = tags("Gen. Omar Farouk and Helen Brandt arrived.\n\nLater Farouk left.");
        assert!(
            has(&t[0], "person:Omar Farouk") && has(&t[0], "person:Helen Brandt"),
            "{t:?}"
        );
        assert!(has(&t[1], "person:Omar Farouk"), "{t:?}");
        // A sentence-opening word is not a name.
        let t = tags("Meanwhile, prices rose.").remove(0);
        assert!(t.iter().all(|x| !x.starts_with("person:")), "{t:?}");
    }

    #[test]
    fn organisation_words_and_nouns_make_organisations() {
        let t = tags("The Fenwick Foundation sued the Gazette newspaper.").remove(0);
        assert!(has(&t, "org:Fenwick Foundation"), "{t:?}");
        assert!(has(&t, "org:Gazette"), "{t:?}");
    }

    /// A party adjective before its noun names the listed party, and is no
    /// place after "in".
    #[test]
    fn party_adjectives_are_parties_not_places() {
        let t = tags("The seat stayed in Republican hands, the Democratic party said.").remove(0);
        assert!(has(&t, "org:Democratic Party"), "{t:?}");
        assert!(t.iter().all(|x| !x.starts_with("place:")), "{t:?}");
        assert!(!has(&t, "org:Democratic"), "{t:?}");
    }

    #[test]
    fn place_words_and_locatives_make_places() {
        let t = tags("Ferries left Harwick Island for a rally at Tolbury on Monday.").remove(0);
        assert!(
            has(&t, "place:Harwick Island") && has(&t, "place:Tolbury"),
            "{t:?}"
        );
    }

    #[test]
    fn events_and_works_are_not_people() {
        let t = tags("She starred in the film Vera Drake and watched the Davis Cup.").remove(0);
        assert!(t.iter().all(|x| !x.starts_with("person:")), "{t:?}");
    }

    #[test]
    fn cities_in_sports_articles_are_clubs() {
        let t = tags("Liverpool beat the league leaders as the striker scored twice and the fans sang at the stadium.").remove(0);
        assert!(!has(&t, "place:Liverpool"), "{t:?}");
        let t = tags("Liverpool council approved a new bus route.").remove(0);
        assert!(has(&t, "place:Liverpool"), "{t:?}");
    }

    #[test]
    fn a_capital_speaking_stands_for_its_government() {
        let t = tags("Moscow denied the report on Monday.").remove(0);
        assert!(has(&t, "place:Moscow") && has(&t, "place:Russia"), "{t:?}");
        let t = tags("Tourists flocked to Moscow in May.").remove(0);
        assert!(has(&t, "place:Moscow") && !has(&t, "place:Russia"), "{t:?}");
    }

    #[test]
    fn ambiguous_weapon_names_need_context() {
        assert!(has(
            &tags("Kyiv received a Patriot battery.")[0],
            "weapon:Patriot"
        ));
        assert!(!has(
            &tags("A patriot sang the anthem. The Patriot Act passed.")[0],
            "weapon:Patriot"
        ));
    }
}
