//! Who is quoted or paraphrased in each paragraph.
//!
//! Rules, applied per sentence outside quotation marks:
//! - **cue-left**: a name before a cue verb ("Kirby said", "the White House
//!   warned", "Ryder on Tuesday acknowledged");
//! - **cue-right**: a name after a cue verb that follows a quotation
//!   (`"...," said Kirby`);
//! - **according-to**: "according to X";
//! - **apposition**: "Bruce Klingner, a former CIA analyst, said";
//! - **org-role**: "a Home Office spokesman said" → Home Office, and
//!   "South Korea's military said";
//! - **coordination** and **participle**: "He declined ..., but noted" and
//!   "..., saying" take the subject of the sentence;
//! - **pronoun**: he/she → the nearest person speaker of that gender,
//!   it/they → the nearest organisation;
//! - **continuing-quote**: a paragraph that opens inside a quotation and
//!   names nobody inherits the previous paragraph's speakers.

use std::ops::Range;

use super::names::{honorific_gender, is_not_name, join, person_name, NameClass, People};
use super::tokens::{sentence_ranges, Word};
use super::{EntityKind, Prepared, QuoteType, Speaker, SpeakerKind};
use crate::article::ParagraphKind;
use crate::gazetteer::{gazetteer, Gender};

/// Reporting verbs in every form that introduces speech.
const CUE_VERBS: &[&str] = &[
    "say",
    "says",
    "said",
    "tell",
    "tells",
    "told",
    "add",
    "adds",
    "added",
    "noted",
    "explain",
    "explains",
    "explained",
    "warn",
    "warns",
    "warned",
    "argue",
    "argues",
    "argued",
    "claimed",
    "insist",
    "insists",
    "insisted",
    "acknowledge",
    "acknowledges",
    "acknowledged",
    "admit",
    "admits",
    "admitted",
    "announce",
    "announces",
    "announced",
    "confirm",
    "confirms",
    "confirmed",
    "deny",
    "denies",
    "denied",
    "suggest",
    "suggests",
    "suggested",
    "write",
    "writes",
    "wrote",
    "tweet",
    "tweets",
    "tweeted",
    "testify",
    "testifies",
    "testified",
    "recalled",
    "stressed",
    "predict",
    "predicts",
    "predicted",
    "replies",
    "replied",
    "responds",
    "responded",
    "criticise",
    "criticised",
    "criticises",
    "criticize",
    "criticized",
    "criticizes",
    "condemn",
    "condemned",
    "condemns",
    "dismissed",
    "dismisses",
    "derided",
    "derides",
    "described",
    "describes",
    "accused",
    "accuses",
    "rejected",
    "rejects",
    "welcomed",
    "welcomes",
    "branded",
    "brands",
    "praised",
    "praises",
    "blamed",
    "blames",
    "cited",
    "declare",
    "declares",
    "declared",
    "maintain",
    "maintains",
    "maintained",
    "stated",
    "concede",
    "concedes",
    "conceded",
    "caution",
    "cautions",
    "cautioned",
    "emphasise",
    "emphasised",
    "emphasises",
    "emphasize",
    "emphasized",
    "emphasizes",
    "assert",
    "asserts",
    "asserted",
    "allege",
    "alleges",
    "alleged",
    "contend",
    "contends",
    "contended",
    "vow",
    "vows",
    "vowed",
    "promise",
    "promises",
    "promised",
    "urge",
    "urges",
    "urged",
    "complain",
    "complains",
    "complained",
    "remark",
    "remarks",
    "remarked",
    "pledge",
    "pledged",
    "pledges",
    "vow",
    "vows",
    "vowed",
];
static CUE_VERBS_SET: std::sync::LazyLock<crate::text::WordSet> =
    std::sync::LazyLock::new(|| CUE_VERBS.iter().copied().collect());

/// Participles that report speech of the sentence's subject.
const CUE_PARTICIPLES: &[&str] = &[
    "saying",
    "adding",
    "noting",
    "explaining",
    "warning",
    "arguing",
    "insisting",
    "claiming",
    "telling",
    "stressing",
    "acknowledging",
    "admitting",
    "suggesting",
    "declaring",
    "describing",
    "calling",
    "writing",
    "urging",
    "accusing",
    "branding",
    "criticising",
    "criticizing",
    "condemning",
    "dismissing",
    "insisting",
];
static CUE_PARTICIPLES_SET: std::sync::LazyLock<crate::text::WordSet> =
    std::sync::LazyLock::new(|| CUE_PARTICIPLES.iter().copied().collect());

/// Verbs that only report speech when followed by more words ("went on",
/// "pointed out").
const CUE_PHRASES: &[(&str, &str)] = &[
    ("went", "on"),
    ("goes", "on"),
    ("pointed", "out"),
    ("points", "out"),
    ("called", "for"),
    ("calls", "for"),
    ("hit", "back"),
    ("hits", "back"),
    ("spoke", "of"),
    ("spoken", "of"),
    ("spoke", "about"),
    ("spoken", "about"),
];

/// Reporting verbs too weak to report speech unless a quotation, a colon
/// or "that" follows ("agreed that", but not "agreed a deal").
const WEAK_CUES: &[&str] = &[
    "continue",
    "continued",
    "continues",
    "agree",
    "agreed",
    "agrees",
    "estimate",
    "estimated",
    "estimates",
    "believe",
    "believes",
    "believed",
    "reveal",
    "revealed",
    "reveals",
    "state",
    "states",
    "report",
    "reports",
    "reported",
    "observe",
    "observes",
    "observed",
    "note",
    "notes",
    "stress",
    "stresses",
    "recall",
    "recalls",
    "claim",
    "claims",
    "asks",
    "asked",
    "cites",
];
static WEAK_CUES_SET: std::sync::LazyLock<crate::text::WordSet> =
    std::sync::LazyLock::new(|| WEAK_CUES.iter().copied().collect());

/// Words skipped between a subject and its verb ("Kirby has also said").
const BETWEEN_SUBJECT_AND_VERB: &[&str] = &[
    "also",
    "later",
    "earlier",
    "previously",
    "then",
    "again",
    "recently",
    "separately",
    "further",
    "simply",
    "repeatedly",
    "publicly",
    "privately",
    "has",
    "have",
    "had",
    "would",
    "will",
    "could",
    "did",
    "does",
    "do",
    "may",
    "might",
    "must",
    "should",
    "can",
    "once",
    "reportedly",
    "initially",
    "subsequently",
    "already",
    "often",
    "frequently",
    "always",
    "never",
    "not",
    "now",
    "yesterday",
    "today",
    "tonight",
    "since",
    "however",
    "too",
    "first",
    "last",
    "this",
    "week",
    "month",
    "year",
    "morning",
    "afternoon",
    "evening",
    "night",
    "on",
    "in",
    "late",
    "early",
    "has since",
    "flatly",
    "angrily",
    "quietly",
    "openly",
    "bluntly",
    "just",
];
static BETWEEN_SUBJECT_AND_VERB_SET: std::sync::LazyLock<crate::text::WordSet> =
    std::sync::LazyLock::new(|| BETWEEN_SUBJECT_AND_VERB.iter().copied().collect());

static TIME_WORDS_SET: std::sync::LazyLock<crate::text::WordSet> =
    std::sync::LazyLock::new(|| crate::text::TIME_WORDS.iter().copied().collect());

/// Nouns that stand for an organisation's voice, or a person in its name.
const VOICE_NOUNS: &[&str] = &[
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "spokespeople",
    "spokesmen",
    "official",
    "officials",
    "source",
    "sources",
    "representative",
    "representatives",
    "statement",
    "aide",
    "aides",
    "insider",
    "insiders",
];
static VOICE_NOUNS_SET: std::sync::LazyLock<crate::text::WordSet> =
    std::sync::LazyLock::new(|| VOICE_NOUNS.iter().copied().collect());

/// Documents an organisation speaks through: "according to a CNN
/// report", "an NBC News poll".
const REPORT_NOUNS: &[&str] = &[
    "report",
    "study",
    "poll",
    "survey",
    "analysis",
    "investigation",
    "review",
    "audit",
    "estimate",
    "memo",
    "filing",
    "tally",
    "count",
    "statement",
    "document",
    "documents",
];

/// Nouns that name an organisation when a name precedes them
/// ("South Korea's military", "the Biden administration").
const BODY_NOUNS: &[&str] = &[
    "ministry",
    "military",
    "government",
    "department",
    "administration",
    "police",
    "army",
    "navy",
    "embassy",
    "office",
    "party",
    "campaign",
    "committee",
    "council",
    "force",
    "forces",
    "foreign ministry",
    "defense ministry",
    "defence ministry",
    "cabinet",
    "regime",
    "leadership",
    "authorities",
    "command",
    "agency",
    "spokesman",
    "spokeswoman",
    "spokesperson",
];
static BODY_NOUNS_SET: std::sync::LazyLock<crate::text::WordSet> =
    std::sync::LazyLock::new(|| BODY_NOUNS.iter().copied().collect());

/// Verbs that report speech in the passive only ("was attacked by the
/// Tories as too little"); in the active they are often deeds.
const PASSIVE_SPEECH: &[&str] = &[
    "attacked",
    "questioned",
    "challenged",
    "ridiculed",
    "mocked",
    "hailed",
    "slammed",
    "lambasted",
    "backed",
    "endorsed",
    "opposed",
];
static PASSIVE_SPEECH_SET: std::sync::LazyLock<crate::text::WordSet> =
    std::sync::LazyLock::new(|| PASSIVE_SPEECH.iter().copied().collect());

/// Words that open a subordinate clause: a speaker inside one is background.
const SUBORDINATORS: &[&str] = &[
    "when", "after", "before", "as", "because", "if", "while", "since", "until", "though",
    "although", "whether", "once",
];
static SUBORDINATORS_SET: std::sync::LazyLock<crate::text::WordSet> =
    std::sync::LazyLock::new(|| SUBORDINATORS.iter().copied().collect());

/// Pronouns that can be a speaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pronoun {
    He,
    She,
    It,
    They,
}

fn pronoun(w: &Word) -> Option<Pronoun> {
    match w.lower() {
        "he" => Some(Pronoun::He),
        "she" => Some(Pronoun::She),
        "it" => Some(Pronoun::It),
        "they" => Some(Pronoun::They),
        _ => None,
    }
}

/// What stands in the subject slot of a cue.
#[derive(Debug)]
enum Subject {
    Name(Range<usize>),
    Pronoun(Pronoun),
    Org(String),
    /// "the spokesman" with no name: the organisation that spoke last.
    Spokesperson,
    /// "the government": the government of the article's main country.
    Government,
    /// "according to Gallup": one unknown word is an organisation unless
    /// the article names a person so ([`People::is_person`]).
    Source(Range<usize>),
    /// "Trump aides said" opening a sentence: the word speaks as an
    /// organisation if the article names someone so ("Health officials
    /// said" names no one).
    OrgIfNamed(String),
}

/// Marks words that stand inside quotation marks. A `"` is an opening mark
/// when a space (or the start) precedes it and a word follows, a closing
/// mark otherwise: that holds for curly, straight and mis-typed quotes alike.
fn quoted(folded: &str, words: &[Word]) -> Vec<bool> {
    let bytes = folded.as_bytes();
    let mut inside = false;
    words
        .iter()
        .map(|w| {
            if w.text == "\"" {
                let before = w.start.checked_sub(1).map(|i| bytes[i]);
                let after = bytes.get(w.end).copied();
                let opens = before
                    .is_none_or(|b| b == b' ' || b == b'\n' || b == b'(' || b == b'[')
                    && after.is_some_and(|b| b != b' ' && b != b'\n');
                inside = opens;
                false
            } else {
                inside
            }
        })
        .collect()
}

struct ParagraphState<'a> {
    words: &'a [Word<'a>],
    runs: &'a [Range<usize>],
    names: &'a super::names::Names,
    in_quote: Vec<bool>,
}

impl ParagraphState<'_> {
    fn run_ending_at(&self, end: usize) -> Option<Range<usize>> {
        self.runs.iter().find(|r| r.end == end).cloned()
    }

    fn run_starting_at(&self, start: usize) -> Option<Range<usize>> {
        self.runs
            .iter()
            .find(|r| r.start == start || (words_is_the(self.words, start) && r.start == start + 1))
            .cloned()
    }
}

fn words_is_the(words: &[Word], i: usize) -> bool {
    words.get(i).is_some_and(|w| w.is("the"))
}

/// Any reporting verb, strong or weak.
/// Every word a cue rule can start at (a cue verb, a weak cue, a
/// participle, a passive speech verb, the first word of a cue phrase): one
/// look-up rejects all other words, where the rules made up to six.
static CUE_STARTS: std::sync::LazyLock<crate::text::WordSet> = std::sync::LazyLock::new(|| {
    CUE_VERBS
        .iter()
        .chain(WEAK_CUES)
        .chain(CUE_PARTICIPLES)
        .chain(PASSIVE_SPEECH)
        .copied()
        .chain(CUE_PHRASES.iter().map(|(first, _)| *first))
        .collect()
});

fn is_speech_verb(w: &str) -> bool {
    CUE_VERBS_SET.contains(w) || WEAK_CUES_SET.contains(w)
}

/// Is the word before `i` a form of "be" (a passive: "is said to")?
fn after_be(words: &[Word], i: usize) -> bool {
    i > 0
        && matches!(
            words[i - 1].lower(),
            "is" | "was" | "be" | "been" | "being" | "are" | "were"
        )
}

fn is_cue_at(words: &[Word], i: usize) -> bool {
    let w = words[i].lower();
    if is_speech_verb(w) {
        // Passive "is said to" and adjectival uses do not report speech.
        if after_be(words, i) {
            return false;
        }
        if WEAK_CUES_SET.contains(w) {
            let next = words.get(i + 1).map(|n| n.lower()).unwrap_or_default();
            // `"...?" he asked.` ends the sentence; "asked the state for
            // rockets" is a request, not speech.
            if matches!(next, "," | "." | "?" | "!") {
                return !is_noun_phrase_end(words, i);
            }
            return matches!(next, "that" | ":" | "\"");
        }
        return true;
    }
    CUE_PHRASES
        .iter()
        .any(|(a, b)| w == *a && words.get(i + 1).is_some_and(|n| n.is(b)))
}

/// Is the weak cue at `i`, before a comma or full stop, a noun ending a
/// noun phrase ("the Jewish state.", "a CNN report,", "its claims.")
/// rather than a verb ("The Hill reports.")? Its form is also a noun, and
/// a determiner comes just before it, or a few words before it when that
/// is "a"/"an" or a possessive, or "the" before a singular form (a
/// singular subject takes "reports", not "report").
fn is_noun_phrase_end(words: &[Word], i: usize) -> bool {
    let w = words[i].lower();
    let singular = match w {
        "state" | "report" | "claim" | "note" | "estimate" | "stress" | "recall" => true,
        "states" | "reports" | "claims" | "notes" | "estimates" | "recalls" => false,
        _ => return false,
    };
    let word = |k: usize| words[k].lower();
    let always = |d: &str| {
        matches!(
            d,
            "a" | "an" | "its" | "their" | "his" | "her" | "our" | "my" | "your"
        )
    };
    let definite = |d: &str| matches!(d, "the" | "this" | "that" | "these" | "those");
    // The nearest determiner within four words, with no punctuation
    // between: "a historically gun-friendly Southern state,".
    for k in (i.saturating_sub(4)..i).rev() {
        let d = word(k);
        if words[k].is_punct() {
            return false;
        }
        if always(d) || definite(d) {
            return k + 1 == i || always(d) || singular;
        }
    }
    false
}

/// A speech-act verb in the passive with its agent: "was criticised by X".
fn is_passive_by(words: &[Word], i: usize) -> bool {
    let w = words[i].lower();
    (is_speech_verb(w) || PASSIVE_SPEECH_SET.contains(w))
        && w.ends_with("ed")
        && after_be(words, i)
        && words.get(i + 1).is_some_and(|n| n.is("by"))
}

/// "Mr Kennedy, whose party opposes the plan as "flawed" said ...": a name
/// followed by a relative clause that runs up to the verb.
fn relative_clause_subject(
    st: &ParagraphState,
    sentence: &Range<usize>,
    i: usize,
) -> Option<Subject> {
    let words = st.words;
    let mut k = i;
    while k > sentence.start + 1 {
        k -= 1;
        if words[k].text == "," {
            // Another comma between the clause and the verb: not this pattern.
            return None;
        }
        if matches!(words[k].lower(), "who" | "whose" | "which") && words[k - 1].text == "," {
            let run = st.run_ending_at(k - 1)?;
            // "which" stands for a thing or a body, never a person.
            let person_ok = !words[k].is("which");
            return match st.names.class(words, &run) {
                NameClass::Person { .. } => person_ok,
                NameClass::Unknown => true,
                _ => false,
            }
            .then_some(Subject::Name(run));
        }
    }
    None
}

/// Finds the subject to the left of a cue at `i` within `sentence`.
fn subject_left(st: &ParagraphState, sentence: &Range<usize>, i: usize) -> Option<Subject> {
    let words = st.words;
    let mut j = i.checked_sub(1)?;
    // Skip adverbs, auxiliaries and time phrases: "Ryder on Tuesday acknowledged".
    loop {
        if j < sentence.start {
            return None;
        }
        // "Sen. Mike Lee (R-Utah) said": skip the parenthesis.
        if words[j].text == ")" {
            let mut k = j;
            while k > sentence.start && words[k].text != "(" {
                k -= 1;
            }
            if words[k].text == "(" && k > sentence.start {
                j = k - 1;
                continue;
            }
            return None;
        }
        let lower = words[j].lower();
        let is_number = words[j].text.chars().all(|c| c.is_ascii_digit());
        if BETWEEN_SUBJECT_AND_VERB_SET.contains(lower)
            || TIME_WORDS_SET.contains(lower)
            || is_number
        {
            j = j.checked_sub(1)?;
            continue;
        }
        break;
    }
    let w = &words[j];
    if let Some(p) = pronoun(w) {
        return Some(Subject::Pronoun(p));
    }
    if w.text == "\"" {
        return None;
    }
    if w.text == "," {
        // `"...," said X` — handled to the right.
        if j > 0 && words[j - 1].text == "\"" {
            return None;
        }
        // Apposition: "Bruce Klingner, a former ... chief, said"; places
        // inside it ("a citizen from Milwaukee, ...") are passed over.
        let mut k = j;
        while k > sentence.start {
            k -= 1;
            // "(D., Calif.)": nothing inside a parenthesis is the subject.
            if words[k].text == ")" {
                while k > sentence.start && words[k].text != "(" {
                    k -= 1;
                }
                // "Rep. Scott Peters (D., Calif.), who ..., said"
                if let Some(run) = st.run_ending_at(k) {
                    if run.start == sentence.start
                        && matches!(st.names.class(words, &run), NameClass::Person { .. })
                    {
                        return Some(Subject::Name(run));
                    }
                }
                continue;
            }
            if words[k].text == "," {
                if let Some(run) = st.run_ending_at(k) {
                    // A place, or a name inside the apposition ("chairman
                    // of Democracy for America"), is not the subject: look
                    // further back.
                    let embedded = run.start > sentence.start
                        && words[run.start - 1]
                            .text
                            .starts_with(|c: char| c.is_lowercase())
                        && !is_determiner(&words[run.start - 1]);
                    if embedded
                        || matches!(
                            st.names.class(words, &run),
                            NameClass::Known(EntityKind::Place, ..) | NameClass::Place
                        )
                    {
                        continue;
                    }
                    return Some(Subject::Name(run));
                }
                // ", a progressive committee," — keep looking for the name.
            }
        }
        return None;
    }
    if w.is("and") || w.is("but") {
        return sentence_subject(st, sentence);
    }
    if w.is_capitalised() && !w.is_punct() {
        let run = st.run_ending_at(j + 1)?;
        // "The Maricopa County Sheriff's Office told": the office is the
        // whole name, not "Office".
        if run.start > sentence.start + 1
            && words[run.start - 1].text == "'s"
            && super::names::is_org_head(words[run.start].text)
            && !matches!(st.names.class(words, &run), NameClass::Person { .. })
        {
            if let Some(owner) = st.run_ending_at(run.start - 1) {
                let whole = owner.start..run.end;
                return Some(Subject::Org(canonical_org(
                    words,
                    &whole,
                    &NameClass::Unknown,
                )));
            }
        }
        if run.start > sentence.start + 1 {
            let before = &words[run.start - 1];
            // "the Albanian embassy in London said": skip the place; so
            // too "his allies on Capitol Hill say", whatever the name.
            let class = st.names.class(words, &run);
            if ((before.is("in") || before.is("at"))
                && matches!(
                    class,
                    NameClass::Known(EntityKind::Place, ..) | NameClass::Place
                ))
                || (before.is("on")
                    && matches!(
                        class,
                        NameClass::Known(EntityKind::Place, ..)
                            | NameClass::Place
                            | NameClass::Unknown
                    ))
            {
                let k = run.start - 2;
                if words[k].is_capitalised() && !words[k].is_punct() {
                    return st.run_ending_at(k + 1).map(Subject::Name);
                }
                return voice_noun_phrase(st, sentence, k);
            }
            // "Laura Brownlees of Save the Children said": the person speaks.
            if before.is("of") || before.is("for") || before.is("at") || before.is("from") {
                if let Some(person) = st.run_ending_at(run.start - 1) {
                    if matches!(st.names.class(words, &person), NameClass::Person { .. }) {
                        return Some(Subject::Name(person));
                    }
                }
            }
        }
        return Some(Subject::Name(run));
    }
    // "a Home Office spokesman", "South Korea's military", "the Biden administration".
    voice_noun_phrase(st, sentence, j)
}

/// Spokesperson nouns that stand for an organisation named earlier.
fn is_spokesperson(w: &str) -> bool {
    matches!(w, "spokesman" | "spokeswoman" | "spokesperson")
}

/// "X spokesman" / "X's military" / "the X administration" ending at `j`.
fn voice_noun_phrase(st: &ParagraphState, sentence: &Range<usize>, j: usize) -> Option<Subject> {
    let words = st.words;
    let head = words[j].lower();
    let is_voice = VOICE_NOUNS_SET.contains(head);
    let is_body = BODY_NOUNS_SET.contains(head);
    if !is_voice && !is_body {
        return None;
    }
    // Up to three lower-case modifiers: "foreign", "home affairs".
    let mut k = j;
    let mut steps = 0;
    while k > sentence.start && steps < 3 {
        let prev = &words[k - 1];
        if prev.text == "'s" || prev.is_capitalised() || prev.is_punct() || is_determiner(prev) {
            break;
        }
        k -= 1;
        steps += 1;
    }
    let unnamed = k == sentence.start || is_determiner(&words[k - 1]);
    if unnamed {
        // "the spokesman said", "a police spokesman said".
        if head == "government" && k == j && k > sentence.start && words[k - 1].is("the") {
            return Some(Subject::Government);
        }
        return is_spokesperson(head).then_some(Subject::Spokesperson);
    }
    let possessive = words[k - 1].text == "'s";
    let name_end = if possessive { k - 1 } else { k };
    let run = st.run_ending_at(name_end)?;
    if is_voice && !possessive {
        if let Some(party) = party_voice(words, &run) {
            return Some(Subject::Org(party));
        }
    }
    let cls = st.names.class(words, &run);
    let named_body = k < j && BODY_NOUNS_SET.contains(words[j - 1].lower());
    // "Capitol Hill sources said", "Boston insiders say": people from a
    // place, unnamed. An organisation's or a government's sources speak for
    // it ("Pentagon sources", "Turkish sources", "Trump campaign aides").
    if ANONYMOUS_VOICES.contains(&head) && !named_body && !speaks_for_a_body(words, &run, &cls) {
        return None;
    }
    // "Health officials said", "Federal officials said": one unknown word
    // opening a sentence is capitalised for that alone ("FBI officials"
    // are a name in any place). Names are spared: a possessive ("Trump's
    // campaign"), a body named after someone ("Trump administration
    // officials"), a word the paragraph capitalises elsewhere too, a name
    // the article gives.
    let word = words[run.start].text;
    let acronym = super::names::is_acronym(word);
    let named_elsewhere = || {
        words.iter().enumerate().any(|(i, w)| {
            i != run.start && w.text == word && i > 0 && words[i - 1].sentence == w.sentence
        })
    };
    if is_voice
        && cls == NameClass::Unknown
        && run.len() == 1
        && opens_sentence(words, run.start)
        && !acronym
        && !possessive
        && !named_body
        && !named_elsewhere()
    {
        return Some(Subject::OrgIfNamed(word.to_string()));
    }
    if matches!(cls, NameClass::Person { .. })
        || (cls == NameClass::Unknown && possessive && is_voice)
    {
        // "Mr Blair's spokesman" speaks for a person, not an organisation.
        return None;
    }
    if is_voice && named_body {
        // "Obama administration officials": the administration speaks.
        let name = canonical_org(words, &run, &NameClass::Unknown);
        let modifiers: Vec<&str> = words[k..j].iter().map(Word::lower).collect();
        return Some(Subject::Org(format!("{name} {}", modifiers.join(" "))));
    }
    if is_voice {
        Some(Subject::Org(canonical_org(words, &run, &cls)))
    } else {
        // "Albanian embassy", "South Korea's military": the phrase as written.
        let name = canonical_org(words, &run, &NameClass::Unknown);
        let phrase = join(words, &(k..j + 1));
        if possessive {
            Some(Subject::Org(format!("{name}'s {phrase}")))
        } else {
            Some(Subject::Org(format!("{name} {phrase}")))
        }
    }
}

/// Voice nouns for people a report leaves unnamed: they speak for an
/// organisation named before them, not for a place.
const ANONYMOUS_VOICES: &[&str] = &["source", "sources", "insider", "insiders", "aide", "aides"];

/// Is the run an organisation, or a country or capital that stands for
/// its government? An acronym counts as an organisation ("DOJ sources").
fn speaks_for_a_body(words: &[Word], run: &Range<usize>, cls: &NameClass) -> bool {
    use crate::gazetteer::Origin;
    match cls {
        NameClass::Known(EntityKind::Org, ..) | NameClass::Org => true,
        NameClass::Known(EntityKind::Place, canonical, _) => {
            gazetteer().lookup(canonical).is_some_and(|e| {
                matches!(
                    e.origin,
                    Origin::CountryName | Origin::CountryAlias | Origin::Demonym | Origin::Capital
                )
            })
        }
        _ => {
            words[run.clone()]
                .iter()
                .any(|w| super::names::is_org_head(w.text))
                || super::names::is_acronym(words[run.start].text)
        }
    }
}

/// "Democratic officials", "Senate Republican aides": a party label before
/// a voice noun stands for the party, or the party's members in a chamber
/// ("Senate Republicans"), as the label in the plural does when it speaks.
fn party_voice(words: &[Word], run: &Range<usize>) -> Option<String> {
    let members = super::names::party_members(words[run.end - 1].text)?;
    match &words[run.clone()] {
        [_] => gazetteer().lookup(members).map(|e| e.canonical.clone()),
        pair => super::names::chamber_party(pair),
    }
}

/// Does the word at `i` open its sentence (so its capital says nothing)?
fn opens_sentence(words: &[Word], i: usize) -> bool {
    i == 0 || words[i - 1].sentence != words[i].sentence
}

fn is_determiner(w: &Word) -> bool {
    matches!(
        w.lower(),
        "a" | "an" | "the" | "its" | "their" | "his" | "her"
    )
}

fn canonical_org(words: &[Word], run: &Range<usize>, cls: &NameClass) -> String {
    match cls {
        NameClass::Known(_, canonical, _) => canonical.to_string(),
        _ => {
            let mut r = run.clone();
            while r.start < r.end && words[r.start].is("the") {
                r.start += 1;
            }
            join(words, &r)
        }
    }
}

/// The subject at the start of a sentence ("He declined ..., but noted";
/// "Conservative co-chairman Liam Fox derided ..., saying").
fn sentence_subject(st: &ParagraphState, sentence: &Range<usize>) -> Option<Subject> {
    let words = st.words;
    let g = gazetteer();
    let mut i = sentence.start;
    while i < sentence.end && (words[i].text == "\"" || words[i].is("the")) {
        i += 1;
    }
    let w = words.get(i)?;
    if let Some(p) = pronoun(w) {
        return Some(Subject::Pronoun(p));
    }
    // Names and the titles between them: the last name is the subject.
    let mut last = None;
    while i < sentence.end {
        if let Some(run) = st.run_starting_at(i) {
            i = run.end;
            last = Some(run);
            continue;
        }
        if last.is_some() && !words[i].is_capitalised() && g.is_title(&[words[i].text]) {
            i += 1;
            continue;
        }
        break;
    }
    let run = last?;
    // "Children's charities ..." — the name only modifies the subject; and
    // "In London, ..." is an adverbial, not a subject.
    if words
        .get(run.end)
        .is_some_and(|n| n.text == "," || n.text == "'s")
    {
        return None;
    }
    Some(Subject::Name(run))
}

/// The subject to the right of a cue: `"...," said Kirby`, "according to X".
fn subject_right(st: &ParagraphState, sentence: &Range<usize>, k: usize) -> Option<Subject> {
    let words = st.words;
    if k >= sentence.end {
        return None;
    }
    if let Some(p) = pronoun(&words[k]) {
        return Some(Subject::Pronoun(p));
    }
    let run = match st.run_starting_at(k) {
        Some(run) => run,
        // "according to a CNN report": the organisation whose document it
        // is ("a May poll" is a date).
        None if matches!(words[k].lower(), "a" | "an") => {
            // Past a date or an adjective: "a 2018 UN report", "a recent
            // Washington Examiner report".
            let start = (k + 1..(k + 3).min(sentence.end))
                .find(|&j| words[j].is_capitalised() || words[j].is_punct())?;
            if words[k + 1..start].iter().any(|w| w.is_punct()) {
                return None;
            }
            let run = st
                .run_starting_at(start)
                .filter(|r| r.start == start)
                .filter(|r| {
                    words
                        .get(r.end)
                        .is_some_and(|w| REPORT_NOUNS.contains(&w.text))
                })
                .filter(|r| !(r.len() == 1 && TIME_WORDS_SET.contains(words[r.start].lower())))?;
            let cls = st.names.class(words, &run);
            if matches!(cls, NameClass::Person { .. }) {
                return Some(Subject::Name(run));
            }
            return Some(Subject::Org(canonical_org(words, &run, &cls)));
        }
        None => return None,
    };
    // "according to South Korea's military"
    if words.get(run.end).is_some_and(|w| w.text == "'s") {
        let mut e = run.end + 1;
        let mut steps = 0;
        while e < sentence.end && steps < 3 && !words[e].is_punct() && !words[e].is_capitalised() {
            let lower = words[e].lower();
            if BODY_NOUNS_SET.contains(lower) || VOICE_NOUNS_SET.contains(lower) {
                let cls = st.names.class(words, &run);
                if matches!(cls, NameClass::Person { .. }) {
                    break;
                }
                let name = canonical_org(words, &run, &cls);
                let phrase = join(words, &(run.end + 1..e + 1));
                if VOICE_NOUNS_SET.contains(lower) {
                    return Some(Subject::Org(name));
                }
                return Some(Subject::Org(format!("{name}'s {phrase}")));
            }
            e += 1;
            steps += 1;
        }
    }
    Some(Subject::Name(run))
}

/// Resolves a capitalised run in subject position to a speaker.
fn speaker_from_run(
    st: &ParagraphState,
    run: &Range<usize>,
    people: &People,
) -> Option<(String, SpeakerKind, Option<String>, Gender)> {
    let g = gazetteer();
    let words = st.words;
    // "Gen. Joseph Dunford, Jr. declared": the letters after a name, cut
    // off by a comma, belong to the name before them.
    if words[run.clone()]
        .iter()
        .all(|w| super::names::is_post_nominal(w.text))
    {
        let before = run.start.checked_sub(1).filter(|&c| words[c].text == ",");
        let name = before.and_then(|c| st.run_ending_at(c));
        return name.and_then(|r| speaker_from_run(st, &r, people));
    }
    let cls = st.names.class(words, run);
    match cls {
        NameClass::Known(EntityKind::Weapon, ..) => None,
        NameClass::Known(kind, canonical, _) => {
            // "Jordan said" in an article about Rep. Jim Jordan: a surname
            // the article gave a person is that person, whatever else the
            // word names.
            if let [word] = &words[run.clone()] {
                if let Some(p) = people.with_surname(word.text) {
                    let role = role_before(words, run.start, run.start);
                    return Some((p.name.clone(), SpeakerKind::Person, role, p.gender));
                }
            }
            // "Pyongyang denied": a capital speaking is its government.
            let country = (kind == EntityKind::Place)
                .then(|| g.lookup(canonical).and_then(|e| e.country.clone()))
                .flatten();
            Some((
                country.unwrap_or_else(|| canonical.to_string()),
                SpeakerKind::Org,
                None,
                Gender::Unknown,
            ))
        }
        NameClass::Person { name_start, gender } => {
            let name = person_name(words, name_start, run.end);
            let role = role_before(words, run.start, name_start);
            let (full, g2) = match people.resolve_as(&name, gender) {
                Some(p) => (p.name.clone(), p.gender),
                None => (name, Gender::Unknown),
            };
            let gender = if gender != Gender::Unknown {
                gender
            } else {
                g2
            };
            Some((full, SpeakerKind::Person, role, gender))
        }
        NameClass::Org | NameClass::Place => Some((
            canonical_org(words, run, &cls),
            SpeakerKind::Org,
            None,
            Gender::Unknown,
        )),
        NameClass::Unknown => {
            let mut r = run.clone();
            while r.start < r.end && words[r.start].is("the") {
                r.start += 1;
            }
            let name = join(words, &r);
            if r.is_empty() || is_not_name(&name) {
                return None;
            }
            // Scraped link previews run names together: no one to name.
            if r.len() > 1
                && words[r.clone()]
                    .iter()
                    .any(|w| super::names::is_glued(w.text))
            {
                return None;
            }
            // "A senior Tory MP", "the Secretary of State": a role, not a name.
            if g.is_title(&[words[r.end - 1].text]) || super::names::is_title_run(words, &r) {
                return None;
            }
            if let Some(p) = people.resolve(&name) {
                let role = role_before(words, run.start, run.start);
                return Some((p.name.clone(), SpeakerKind::Person, role, p.gender));
            }
            if let Some(e) = g.lookup(&name) {
                if e.kind != EntityKind::Weapon {
                    return Some((e.canonical.clone(), SpeakerKind::Org, None, Gender::Unknown));
                }
            }
            // "A Georgia Republican said": a description, not a name.
            if super::names::is_party_member(words[r.end - 1].text) {
                return None;
            }
            // "Businessman Donald Trump said", "CLOSE Hillary Clinton said"
            // (a caption's button): a word that names no one before a full
            // name. Not an initial or an abbreviation ("G. Terry Madonna",
            // "St. Louis Post-Dispatch"), and before a surname alone only a
            // word in capitals ("WATCHED Trump"): "Ivanka Trump" is no
            // Donald Trump, whatever the first-name list knows.
            if (2..=3).contains(&r.len()) && !words[r.start].text.ends_with('.') {
                let tail = r.start + 1..r.end;
                let shouted = super::names::is_shouted(&words[r.start..tail.start]);
                if tail.len() >= 2
                    && words[tail.start].is_capitalised()
                    && g.is_first_name(words[tail.start].text)
                {
                    let name = person_name(words, tail.start, tail.end);
                    if let Some(p) = people.resolve(&name) {
                        return Some((p.name.clone(), SpeakerKind::Person, None, p.gender));
                    }
                    let gender = people.gender_of(&name);
                    return Some((name, SpeakerKind::Person, None, gender));
                }
                if shouted {
                    if let Some(p) = people.resolve(&join(words, &tail)) {
                        return Some((p.name.clone(), SpeakerKind::Person, None, p.gender));
                    }
                }
            }
            // A lone capitalised word opening a sentence that the article
            // never gives as anyone's name is a common noun ("Officials").
            if r.len() == 1 && opens_sentence(words, r.start) && !g.is_first_name(&name) {
                return None;
            }
            // "MPs said", "Senators said": a group by role, not a name.
            if r.len() == 1 {
                let w = words[r.start].text;
                if let Some(singular) = w.strip_suffix('s') {
                    if g.is_title(&[singular]) {
                        return None;
                    }
                }
            }
            // "The Post adds", "TMZ", "PolitiFact": one-word organisations.
            if r.len() == 1 {
                let w = &words[r.start].text;
                let after_the = r.start > 0 && words[r.start - 1].is("the");
                let letters: Vec<char> = w.chars().filter(|c| c.is_alphabetic()).collect();
                let all_caps = letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase());
                let camel = letters.iter().skip(1).any(|c| c.is_uppercase())
                    && !w.contains('-')
                    && !w.starts_with("Mc")
                    && !w.starts_with("Mac");
                if (after_the && super::names::is_org_head(w)) || all_caps || camel {
                    return Some((name, SpeakerKind::Org, None, Gender::Unknown));
                }
            }
            // "The Atlantic reported", "the Fed said": one word after "the"
            // that no one in the article is called is no person's name
            // (plural families aside: "the Clintons said"; "the Obama
            // campaign said" and "the Mueller report" are left as they were).
            let after_the = r.start > 0 && words[r.start - 1].is("the");
            let body_follows = words.get(r.end).is_some_and(|w| {
                let l = w.lower();
                BODY_NOUNS_SET.contains(l)
                    || VOICE_NOUNS_SET.contains(l)
                    || REPORT_NOUNS.contains(&l)
                    || matches!(l, "camp" | "team")
            });
            if r.len() == 1 && after_the && !name.ends_with('s') && !body_follows {
                return Some((name, SpeakerKind::Org, None, Gender::Unknown));
            }
            // "The Daily Beast reported", "the New Yorker wrote": no one's
            // name follows "the".
            if r.len() > 1 && after_the && !body_follows {
                return Some((name, SpeakerKind::Org, None, Gender::Unknown));
            }
            // An unknown capitalised subject of a speech verb is most often a
            // person named by surname only, or a foreign full name.
            if r.len() <= 3 {
                let gender = people.gender_of(&name);
                return Some((name, SpeakerKind::Person, None, gender));
            }
            Some((name, SpeakerKind::Org, None, Gender::Unknown))
        }
    }
}

/// The role words before a name: "National Security Council spokesman".
fn role_before(words: &[Word], run_start: usize, name_start: usize) -> Option<String> {
    let g = gazetteer();
    let mut start = name_start;
    // Title words inside the run.
    if name_start > run_start {
        start = run_start;
    }
    // Lower-case titles just before the run ("spokesman"), and the
    // capitalised affiliation before them.
    let mut k = start;
    let mut took_title = false;
    while k > 0 {
        let prev = &words[k - 1];
        if !prev.is_capitalised() && g.is_title(&[prev.text]) {
            k -= 1;
            took_title = true;
            continue;
        }
        if took_title
            && prev.is_capitalised()
            && !prev.is_punct()
            && !super::names::is_not_name_lower(prev.lower())
        {
            k -= 1;
            continue;
        }
        if took_title && prev.text == "'s" {
            k -= 1;
            continue;
        }
        break;
    }
    let role = join(words, &(k..name_start));
    let role = role.trim();
    (!role.is_empty() && honorific_gender(role).is_none() && !is_courtesy(role))
        .then(|| role.to_string())
}

fn is_courtesy(s: &str) -> bool {
    crate::text::with_lowered(s.trim_end_matches('.'), |s| {
        matches!(
            s,
            "mr" | "mrs" | "ms" | "dr" | "sir" | "miss" | "dame" | "lord" | "lady"
        )
    })
}

/// A person speaker of the previous paragraph and how often it was cited.
struct Recent {
    name: String,
    gender: Gender,
    role: Option<String>,
    cited: usize,
}

/// The article-wide memory that pronouns are resolved against.
///
/// Names merely mentioned are kept as places in the text and spelt out
/// only when a pronoun gets that far: most paragraphs have no such pronoun,
/// and spelling out every name of every paragraph was a tenth of the
/// speaker rules' time.
struct Memory<'p, 'a> {
    paragraphs: &'p [Prepared<'a>],
    /// Person speakers, most recent last, with gender.
    persons: Vec<(String, Gender, Option<String>)>,
    /// Organisation speakers, most recent last, with the paragraph index.
    orgs: Vec<(String, usize)>,
    /// People mentioned (not necessarily speaking), most recent last, as
    /// (paragraph, run) of a [`NameClass::Person`] run.
    mentioned: Vec<(usize, Range<usize>)>,
    /// Person speakers of the previous body paragraph with how often each
    /// was cited: the main voice of a paragraph is who "he" means next.
    previous: Vec<Recent>,
    /// The previous body paragraph, whose organisations "it" may mean.
    previous_body: Option<usize>,
}

/// The full name and gender of the person named by `run` (a
/// [`NameClass::Person`] run starting its name at `name_start`).
fn mentioned_person(
    words: &[Word],
    name_start: usize,
    run: &Range<usize>,
    people: &People,
) -> (String, Gender) {
    let name = person_name(words, name_start, run.end);
    let full = people
        .resolve(&name)
        .map(|p| p.name.clone())
        .unwrap_or(name);
    let g = people.gender_of(&full);
    (full, g)
}

/// The canonical name of the organisation `run` names, if it names one.
fn named_org(words: &[Word], names: &super::names::Names, run: &Range<usize>) -> Option<String> {
    match names.class(words, run) {
        NameClass::Known(EntityKind::Org, c, _) => Some(c.to_string()),
        NameClass::Org => Some(canonical_org(words, run, &NameClass::Org)),
        _ => None,
    }
}

impl<'p, 'a> Memory<'p, 'a> {
    fn new(paragraphs: &'p [Prepared<'a>]) -> Self {
        Memory {
            paragraphs,
            persons: Vec::new(),
            orgs: Vec::new(),
            mentioned: Vec::new(),
            previous: Vec::new(),
            previous_body: None,
        }
    }

    /// The last organisation named in the previous body paragraph.
    fn org_named_before(&self) -> Option<String> {
        let p = &self.paragraphs[self.previous_body?];
        p.names
            .runs
            .iter()
            .rev()
            .find_map(|r| named_org(&p.words, &p.names, r))
    }

    /// The last organisation that spoke, if within `within` paragraphs of
    /// paragraph `paragraph`.
    fn recent_org(&self, paragraph: usize, within: usize) -> Option<String> {
        self.orgs
            .last()
            .filter(|(_, pi)| paragraph.saturating_sub(*pi) <= within)
            .map(|(n, _)| n.clone())
    }

    fn person_for(
        &self,
        p: Pronoun,
        current: &[Speaker],
        st: &ParagraphState,
        at: usize,
        people: &People,
    ) -> Option<(String, Option<String>)> {
        let want = match p {
            Pronoun::He => Gender::Male,
            Pronoun::She => Gender::Female,
            _ => return None,
        };
        let fits = |g: Gender| g == want || g == Gender::Unknown;
        for s in current.iter().rev() {
            if s.kind == SpeakerKind::Person && fits(people.gender_of(&s.name)) {
                return Some((s.name.clone(), s.role.clone()));
            }
        }
        let mut previous: Vec<(usize, &Recent)> = self.previous.iter().enumerate().collect();
        previous.sort_by(|a, b| b.1.cited.cmp(&a.1.cited).then(b.0.cmp(&a.0)));
        if let Some((_, r)) = previous.into_iter().find(|(_, r)| fits(r.gender)) {
            return Some((r.name.clone(), r.role.clone()));
        }
        for (name, g, role) in self.persons.iter().rev() {
            if fits(*g) {
                return Some((name.clone(), role.clone()));
            }
        }
        // People mentioned earlier in this paragraph, then before it.
        let here = st
            .runs
            .iter()
            .filter(|r| r.end <= at)
            .rev()
            .map(|r| (st.words, st.names, r));
        let before = self.mentioned.iter().rev().map(|(pi, r)| {
            let p = &self.paragraphs[*pi];
            (&p.words[..], &p.names, r)
        });
        here.chain(before)
            .find_map(|(words, names, r)| match names.class(words, r) {
                NameClass::Person { name_start, .. } => {
                    let (name, g) = mentioned_person(words, name_start, r, people);
                    fits(g).then_some((name, None))
                }
                _ => None,
            })
    }
}

/// Attributes speakers in every paragraph of one article.
pub(crate) fn attribute(paragraphs: &[Prepared], people: &People) -> Vec<Vec<Speaker>> {
    let mut memory = Memory::new(paragraphs);
    let mut out: Vec<Vec<Speaker>> = Vec::with_capacity(paragraphs.len());
    for (pi, p) in paragraphs.iter().enumerate() {
        if p.kind != ParagraphKind::Body {
            out.push(Vec::new());
            continue;
        }
        people.set_paragraph(pi);
        let words = &p.words;
        let st = ParagraphState {
            words,
            runs: &p.names.runs,
            names: &p.names,
            in_quote: quoted(p.folded, words),
        };
        let mut found: Vec<Speaker> = Vec::new();
        let mut cited: rustc_hash::FxHashMap<String, usize> = rustc_hash::FxHashMap::default();
        let mut background: Vec<String> = Vec::new();
        let sentences = sentence_ranges(words);
        for (si, sentence) in sentences.iter().enumerate() {
            let direct_here = words[sentence.clone()].iter().any(|w| w.text == "\"")
                || sentences.get(si + 1).is_some_and(|n| {
                    words[n.start].text == "\"" && words[sentence.end - 1].text == ":"
                });
            let mut i = sentence.start;
            while i < sentence.end {
                // Cues are lower-case words: skip names and punctuation fast.
                let lowercase = words[i].text.starts_with(|c: char| c.is_lowercase());
                if st.in_quote[i] || !(lowercase || words[i].lower() == "according") {
                    i += 1;
                    continue;
                }
                let w = words[i].lower();
                if w != "according" && !CUE_STARTS.contains(w) {
                    i += 1;
                    continue;
                }
                let (subject, rule) =
                    if w == "according" && words.get(i + 1).is_some_and(|n| n.is("to")) {
                        let subject = subject_right(&st, sentence, i + 2).map(|s| match s {
                            Subject::Name(run) => Subject::Source(run),
                            other => other,
                        });
                        (subject, "according-to")
                    } else if CUE_PARTICIPLES_SET.contains(w)
                        && i > sentence.start
                        && words[i - 1].text == ","
                    {
                        (sentence_subject(&st, sentence), "participle")
                    } else if CUE_PARTICIPLES_SET.contains(w)
                        && i > sentence.start
                        && st.run_ending_at(i).is_some()
                    {
                        // "with leader Charles Kennedy saying ..."
                        (st.run_ending_at(i).map(Subject::Name), "participle")
                    } else if is_passive_by(words, i) {
                        // "That has been attacked by the Tories": the agent speaks.
                        (subject_right(&st, sentence, i + 2), "passive-agent")
                    } else if is_cue_at(words, i) {
                        match subject_left(&st, sentence, i)
                            .or_else(|| relative_clause_subject(&st, sentence, i))
                        {
                            Some(s) => (Some(s), "cue-left"),
                            None => {
                                let after_quote = i > sentence.start
                                    && (words[i - 1].text == "\""
                                        || (words[i - 1].text == ","
                                            && i >= 2
                                            && words[i - 2].text == "\""));
                                if after_quote {
                                    (subject_right(&st, sentence, i + 1), "cue-right")
                                } else {
                                    (None, "")
                                }
                            }
                        }
                    } else {
                        i += 1;
                        continue;
                    };
                // "Labour and the Liberal Democrats say": both speak.
                if let Some(Subject::Name(run)) = &subject {
                    let mut k = run.start;
                    while k > sentence.start && words[k - 1].is("the") {
                        k -= 1;
                    }
                    if k > sentence.start + 1 && words[k - 1].is("and") {
                        // "the Health and Human Services Department": one
                        // unknown word joined straight to the next name is
                        // part of it, not a second speaker.
                        let part_of_name = |first: &Range<usize>| {
                            first.len() == 1
                                && k == run.start
                                && st.names.class(words, first) == NameClass::Unknown
                                && !people.is_person(words[first.start].text)
                        };
                        if let Some(first) = st.run_ending_at(k - 1).filter(|f| !part_of_name(f)) {
                            let quote = if direct_here {
                                QuoteType::Direct
                            } else {
                                QuoteType::Indirect
                            };
                            if let Some(s) = resolve(
                                Subject::Name(first),
                                &st,
                                i,
                                pi,
                                &found,
                                &memory,
                                people,
                                quote,
                                "compound",
                            ) {
                                push_speaker(&mut found, s);
                            }
                        }
                    }
                }
                if let Some(subject) = subject {
                    let quote = if direct_here {
                        QuoteType::Direct
                    } else {
                        QuoteType::Indirect
                    };
                    let embedded = match &subject {
                        Subject::Name(r) => {
                            let mut k = r.start;
                            while k > sentence.start
                                && (words[k - 1].is("the")
                                    || gazetteer().is_title(&[words[k - 1].text]))
                            {
                                k -= 1;
                            }
                            k > sentence.start && SUBORDINATORS_SET.contains(words[k - 1].lower())
                        }
                        _ => false,
                    };
                    let salient: Vec<Speaker> = found
                        .iter()
                        .filter(|f| !background.contains(&f.name))
                        .cloned()
                        .collect();
                    if let Some(s) =
                        resolve(subject, &st, i, pi, &salient, &memory, people, quote, rule)
                    {
                        // A speaker inside "when X argued ..." is not who a
                        // following "he" means.
                        if embedded {
                            *cited.entry(s.name.clone()).or_default() += 0;
                            if !found.iter().any(|f| f.name == s.name) {
                                background.push(s.name.clone());
                            }
                        } else {
                            *cited.entry(s.name.clone()).or_default() += 1;
                            background.retain(|b| b != &s.name);
                        }
                        push_speaker(&mut found, s);
                    }
                }
                i += 1;
            }
        }
        // A paragraph that opens a quotation and names nobody carries on the
        // previous speaker's words.
        if found.is_empty() && p.folded.trim_start().starts_with('"') {
            if let Some(prev) = out.last() {
                for s in prev.iter().filter(|s| s.kind == SpeakerKind::Person) {
                    push_speaker(
                        &mut found,
                        Speaker {
                            quote: QuoteType::Direct,
                            rule: "continuing-quote",
                            ..s.clone()
                        },
                    );
                }
            }
        }
        memory.previous.clear();
        for s in &found {
            match s.kind {
                SpeakerKind::Person => {
                    let g = people.gender_of(&s.name);
                    memory.persons.push((s.name.clone(), g, s.role.clone()));
                    let n = cited.get(&s.name).copied().unwrap_or(1);
                    memory.previous.push(Recent {
                        name: s.name.clone(),
                        gender: g,
                        role: s.role.clone(),
                        cited: n,
                    });
                }
                SpeakerKind::Org => memory.orgs.push((s.name.clone(), pi)),
            }
        }
        memory.previous_body = Some(pi);
        for run in st.runs {
            if let NameClass::Person { .. } = st.names.class(words, run) {
                memory.mentioned.push((pi, run.clone()));
            }
        }
        out.push(found);
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn resolve(
    subject: Subject,
    st: &ParagraphState,
    at: usize,
    paragraph: usize,
    found: &[Speaker],
    memory: &Memory,
    people: &People,
    quote: QuoteType,
    rule: &'static str,
) -> Option<Speaker> {
    match subject {
        Subject::Name(run) => {
            let (name, kind, role, _) = speaker_from_run(st, &run, people)?;
            Some(Speaker {
                name,
                kind,
                role,
                quote,
                rule,
            })
        }
        Subject::Source(run) => {
            let (name, mut kind, role, _) = speaker_from_run(st, &run, people)?;
            if kind == SpeakerKind::Person && !name.contains(' ') && !people.is_person(&name) {
                kind = SpeakerKind::Org;
            }
            Some(Speaker {
                name,
                kind,
                role,
                quote,
                rule,
            })
        }
        Subject::OrgIfNamed(name) => {
            people.resolve(&name)?;
            Some(Speaker {
                name,
                kind: SpeakerKind::Org,
                role: None,
                quote,
                rule,
            })
        }
        Subject::Government => Some(Speaker {
            name: people.government_country()?.to_string(),
            kind: SpeakerKind::Org,
            role: None,
            quote,
            rule: "government",
        }),
        Subject::Spokesperson => {
            let name = found
                .iter()
                .rev()
                .find(|s| s.kind == SpeakerKind::Org)
                .map(|s| s.name.clone())
                .or_else(|| memory.recent_org(paragraph, 3))?;
            Some(Speaker {
                name,
                kind: SpeakerKind::Org,
                role: None,
                quote,
                rule: "spokesperson",
            })
        }
        Subject::Org(name) => {
            let canonical = gazetteer()
                .lookup(&name)
                .filter(|e| e.kind != EntityKind::Weapon)
                .map(|e| e.canonical.clone())
                .unwrap_or(name);
            Some(Speaker {
                name: canonical,
                kind: SpeakerKind::Org,
                role: None,
                quote,
                rule,
            })
        }
        Subject::Pronoun(p @ (Pronoun::He | Pronoun::She)) => {
            let (name, role) = memory.person_for(p, found, st, at, people)?;
            Some(Speaker {
                name,
                kind: SpeakerKind::Person,
                role,
                quote,
                rule: "pronoun",
            })
        }
        Subject::Pronoun(Pronoun::It | Pronoun::They) => {
            // The nearest organisation named earlier in this paragraph, else
            // an organisation that spoke in the last two paragraphs.
            let named_here = st
                .runs
                .iter()
                .filter(|r| r.end <= at)
                .rev()
                .find_map(|r| named_org(st.words, st.names, r));
            let name = named_here
                .or_else(|| {
                    found
                        .iter()
                        .rev()
                        .find(|s| s.kind == SpeakerKind::Org)
                        .map(|s| s.name.clone())
                })
                .or_else(|| memory.org_named_before())
                .or_else(|| memory.recent_org(paragraph, 2))?;
            Some(Speaker {
                name,
                kind: SpeakerKind::Org,
                role: None,
                quote,
                rule: "pronoun",
            })
        }
    }
}

fn push_speaker(found: &mut Vec<Speaker>, s: Speaker) {
    if let Some(existing) = found
        .iter_mut()
        .find(|e| e.name == s.name && e.kind == s.kind)
    {
        if s.quote == QuoteType::Direct {
            existing.quote = QuoteType::Direct;
        }
        if existing.role.is_none() {
            existing.role = s.role;
        }
        return;
    }
    found.push(s);
}

#[cfg(test)]
mod tests {
    use super::super::{tag_article, SpeakerKind};
    use crate::article::parse_txt;

    /// Speakers per paragraph of a made-up article, as "name" strings.
    fn speakers(text: &str) -> Vec<Vec<String>> {
        speaker_kinds(text)
            .into_iter()
            .map(|p| p.into_iter().map(|(name, _)| name).collect())
            .collect()
    }

    /// Speakers per paragraph of a made-up article, with their kinds.
    fn speaker_kinds(text: &str) -> Vec<Vec<(String, SpeakerKind)>> {
        let a = parse_txt("t.txt", &format!("Headline for a test\n\n{text}"));
        tag_article(a)
            .paragraphs
            .into_iter()
            .map(|p| p.speakers.into_iter().map(|s| (s.name, s.kind)).collect())
            .collect()
    }

    #[test]
    fn every_kind_of_cue_word_passes_the_first_look_up() {
        // One rule of each kind that starts at a word (CUE_STARTS): a
        // participle, a passive agent, a cue phrase, a weak cue, a cue verb.
        for (text, who) in [
            (
                "Mayor Ann Lee opened the bridge, saying it was overdue.",
                "Ann Lee",
            ),
            ("The plan was criticised by Senator Tom Reed.", "Tom Reed"),
            (
                "Professor Jane Hill pointed out that the data were old.",
                "Jane Hill",
            ),
            ("Senator Tom Reed asked that the vote wait.", "Tom Reed"),
            ("Senator Tom Reed warned that costs would rise.", "Tom Reed"),
        ] {
            assert_eq!(speakers(text), [[who]], "{text}");
        }
    }

    /// "state", "report", "claims" ending a noun phrase are nouns, not
    /// reporting verbs; after a name alone they still report.
    #[test]
    fn nouns_that_look_like_weak_cues_report_nothing() {
        for text in [
            "Virginia, a historically gun-friendly Southern state, has changed.",
            "Its great hatred is the Jewish state.",
            "None of this is in the Mueller report.",
            "Republicans lamented the campaign's failure to use the Comey report.",
            "Many doubted their claims.",
        ] {
            assert!(speakers(text)[0].is_empty(), "{text}: {:?}", speakers(text));
        }
        assert_eq!(
            speakers("The vote was close, The Hill reports.")[0],
            ["Hill"]
        );
        assert_eq!(
            speakers("\"We are ready,\" Senator Tom Reed notes.")[0],
            ["Tom Reed"]
        );
    }

    /// Letters after a name and a title word as a surname do not cut the
    /// name short: "Martin Luther King Jr.", "Sen. Angus S. King",
    /// "Gen. Joseph Dunford, Jr.". A generation stays with the name.
    #[test]
    fn suffixes_and_title_surnames_keep_the_name() {
        let s = speakers("Martin Luther King Jr. said the arc bends toward justice.\n\nSen. Angus S. King warned that the vote would fail.\n\nGen. Joseph Dunford, Jr. declared no changes.\n\nDeputy Prime Minister Nick Clegg said it was wrong.");
        assert_eq!(s[0], ["Martin Luther King Jr."]);
        assert_eq!(s[1], ["Angus S. King"]);
        assert_eq!(s[2], ["Joseph Dunford"]);
        assert_eq!(s[3], ["Nick Clegg"]);
    }

    /// "The Maricopa County Sheriff's Office told": the whole office; a
    /// common word opening a sentence before "officials" names no one, and
    /// neither do a person's aides (as "Mr Blair's spokesman" does not).
    #[test]
    fn offices_named_whole_and_sentence_case_words_unnamed() {
        let s = speakers("The Maricopa County Sheriff's Office told reporters that he was held.\n\nHealth officials caution that the rate will change.\n\nDonald Trump spoke first.\n\nTrump aides said that he was tired.");
        assert_eq!(s[0], ["Maricopa County Sheriff's Office"]);
        assert!(s[1].is_empty(), "{:?}", s[1]);
        assert!(s[3].is_empty(), "{:?}", s[3]);
    }

    /// A bare surname two people share is the one the article named first
    /// (its subject; relatives are named in full each time), unless an
    /// honorific, the pronouns after the surname, or a full name in the
    /// same paragraph say otherwise.
    #[test]
    fn shared_surnames_resolve_to_the_subject() {
        let s = speakers(
            "Donald Trump spoke in Ohio on Tuesday.\n\nMelania Trump and her son were in New York.\n\nTrump said the economy was strong.\n\nMrs. Trump said she was proud.\n\nMelania Trump visited a school. Trump said the children were kind.",
        );
        assert_eq!(s[2], ["Donald Trump"]);
        assert_eq!(s[3], ["Melania Trump"]);
        assert_eq!(s[4], ["Melania Trump"]);
        // A longer form of the name stands for it.
        let s = speakers(
            "Sen. Chris Van Hollen was in Maryland.\n\nVan Hollen said the vote would wait.",
        );
        assert_eq!(s[1], ["Chris Van Hollen"]);
    }

    /// One unknown word after "the" is an organisation, not a surname;
    /// families and "the X campaign" stay as they were.
    #[test]
    fn one_word_after_the_speaks_as_an_organisation() {
        let kinds = speaker_kinds("The vote was close, the Intercept reported.\n\nThe Clintons said they were pleased.\n\nThe Obama campaign said it was pleased.");
        assert_eq!(kinds[0], [("Intercept".to_string(), SpeakerKind::Org)]);
        assert_eq!(kinds[1], [("Clintons".to_string(), SpeakerKind::Person)]);
        assert_eq!(kinds[2], [("Obama campaign".to_string(), SpeakerKind::Org)]);
    }

    /// Several words after "the" are an organisation too; a word that
    /// names no one before a name is left out of it.
    #[test]
    fn a_name_after_the_or_after_a_descriptor() {
        let kinds = speaker_kinds("The Daily Beast reported that the plan failed.\n\nBusinessman Donald Trump said he would win.\n\nDonald Trump spoke first. WATCHED Trump said he wanted loyalty.\n\nIvanka Trump said she was proud.");
        assert_eq!(kinds[0], [("Daily Beast".to_string(), SpeakerKind::Org)]);
        assert_eq!(
            kinds[1],
            [("Donald Trump".to_string(), SpeakerKind::Person)]
        );
        assert_eq!(
            kinds[2],
            [("Donald Trump".to_string(), SpeakerKind::Person)]
        );
        assert_eq!(
            kinds[3],
            [("Ivanka Trump".to_string(), SpeakerKind::Person)]
        );
    }

    /// "according to Gallup" is an organisation; "according to Obama",
    /// whom the article titles, a person. "the Health and Human Services
    /// Department" is one name, not "Health" and a department.
    #[test]
    fn one_word_sources_and_compound_names() {
        let s = speaker_kinds("Support fell, according to Gallup.\n\nPresident Obama spoke. Support rose, according to Obama.\n\nThe Health and Human Services Department warned that costs would rise.");
        assert_eq!(s[0], [("Gallup".to_string(), SpeakerKind::Org)]);
        assert!(
            s[1].contains(&("Obama".to_string(), SpeakerKind::Person)),
            "{:?}",
            s[1]
        );
        assert!(!s[2].iter().any(|(n, _)| n == "Health"), "{:?}", s[2]);
    }

    /// "according to a CNN report": the organisation whose document it is.
    #[test]
    fn according_to_an_organisations_document() {
        let s = speakers("Turnout fell, according to a Gallup poll.\n\nTurnout rose, according to an NBC News survey.\n\nTurnout fell, according to a May poll.");
        assert_eq!(s[0], ["Gallup"]);
        assert_eq!(s[1], ["NBC News"]);
        assert!(s[2].is_empty(), "{:?}", s[2]);
    }

    /// A capitalised run inside a listed name that starts lower-case is
    /// that organisation, not a surname: "al Qaeda said".
    #[test]
    fn runs_inside_listed_names_speak_for_them() {
        let s = speakers("A video showed that al Qaeda said the path was jihad.");
        assert_eq!(s[0], ["al-Qaeda"]);
    }

    /// A party label is a description: before a name it is dropped, alone
    /// it names no speaker.
    #[test]
    fn party_labels_are_not_speakers() {
        let s = speakers("Ohio Republican Tom Reed said the vote would wait.\n\nA Nevada Democrat said the bill was dead.");
        assert_eq!(s[0], ["Tom Reed"]);
        assert!(s[1].is_empty(), "{:?}", s[1]);
        // A title alone is a role this tagger does not resolve to a name.
        let s = speakers("The talks failed, the Secretary of State said.");
        assert!(s[0].is_empty(), "{:?}", s[0]);
    }

    #[test]
    fn cue_left_with_title_stripped() {
        let s = speakers("Deputy Health Minister Maria Lopez said the clinic would open.");
        assert_eq!(s, [["Maria Lopez"]]);
    }

    #[test]
    fn cue_right_after_quote() {
        let s = speakers("“We will rebuild,” said Tom Walsh, the mayor.");
        assert_eq!(s, [["Tom Walsh"]]);
    }

    #[test]
    fn surname_resolves_to_full_name() {
        let s = speakers("Anna Berg runs the port.\n\n“Trade is up,” Berg said.");
        assert_eq!(s[1], ["Anna Berg"]);
    }

    #[test]
    fn pronoun_follows_gender() {
        let s = speakers("Peter Hall said the talks failed.\n\nSusan Reed disagreed. She said a deal was close.\n\nHe said nothing more.");
        assert_eq!(s[1], ["Susan Reed"]);
        assert_eq!(s[2], ["Peter Hall"]);
    }

    #[test]
    fn organisation_and_according_to() {
        let s = speakers("The plan was dropped, the Foreign Office said.\n\nTroops moved, according to Norway's army.\n\nA Treasury spokesman said costs rose.");
        assert_eq!(s[0], ["Foreign Office"]);
        assert_eq!(s[1], ["Norway's army"]);
        assert_eq!(s[2], ["Treasury"]);
    }

    #[test]
    fn apposition_and_time_phrase() {
        let s = speakers("Lena Ortiz, a former envoy now with the Atlantic Council, said talks stalled.\n\nGen. Mark Ruiz on Monday warned of delays.");
        assert_eq!(s[0], ["Lena Ortiz"]);
        assert_eq!(s[1], ["Mark Ruiz"]);
    }

    #[test]
    fn coordination_and_participle_take_the_subject() {
        let s = speakers("Carl Stone spoke first.\n\nHe declined to give figures, but noted the risk.\n\nHe left early, saying he was tired.");
        assert_eq!(s[1], ["Carl Stone"]);
        assert_eq!(s[2], ["Carl Stone"]);
    }

    #[test]
    fn continuing_quote_inherits() {
        let s = speakers("“We are ready,” said Ida Holm.\n\n“The rest is up to them.”");
        assert_eq!(s[1], ["Ida Holm"]);
    }

    #[test]
    fn words_inside_quotes_are_not_attributions() {
        let s = speakers("“Paul Kemp said he would come,” Rosa Diaz told reporters.");
        assert_eq!(s, [["Rosa Diaz"]]);
    }

    #[test]
    fn quote_type_direct_or_indirect() {
        let a = parse_txt(
            "t.txt",
            "Headline\n\nJan Novak said prices would fall.\n\n“Prices will fall,” Novak said.",
        );
        let t = tag_article(a);
        assert_eq!(
            t.paragraphs[0].speakers[0].quote,
            super::QuoteType::Indirect
        );
        assert_eq!(t.paragraphs[1].speakers[0].quote, super::QuoteType::Direct);
        assert_eq!(t.paragraphs[1].speakers[0].kind, SpeakerKind::Person);
    }

    #[test]
    fn cue_verbs_in_every_tense_and_order() {
        for text in [
            "Omar Bakri says the bridge is safe.",
            "Omar Bakri told reporters the bridge was safe.",
            "Omar Bakri has repeatedly insisted the bridge is safe.",
            "“The bridge is safe,” Omar Bakri tweeted.",
            "“The bridge is safe,” said Omar Bakri.",
            "Omar Bakri said in a statement that the bridge was safe.",
            "Omar Bakri said: “The bridge is safe.”",
            "The bridge is safe, Omar Bakri wrote on Monday.",
        ] {
            assert_eq!(speakers(text), [["Omar Bakri"]], "{text}");
        }
    }

    #[test]
    fn participles_take_the_subject() {
        let s =
            speakers("Nina Petrova rejected the offer on Friday, adding that talks would resume.");
        assert_eq!(s, [["Nina Petrova"]]);
    }

    #[test]
    fn honorific_forms_resolve_and_role_is_kept() {
        let a = parse_txt(
            "t.txt",
            "Headline\n\nTransport Secretary Helen Ward opened the line.\n\nMs Ward said trains would run hourly.",
        );
        let t = tag_article(a);
        let s = &t.paragraphs[1].speakers[0];
        assert_eq!(s.name, "Helen Ward");
        let first = &t.paragraphs[0];
        assert!(first.speakers.is_empty());
        let role_para = parse_txt(
            "t.txt",
            "Headline\n\nTransport Secretary Helen Ward said trains would run.",
        );
        let t = tag_article(role_para);
        assert_eq!(
            t.paragraphs[0].speakers[0].role.as_deref(),
            Some("Transport Secretary")
        );
    }

    #[test]
    fn it_and_they_resolve_to_organisations() {
        let s = speakers("The European Commission published its review. It said fines would rise.");
        assert_eq!(s, [["European Commission"]]);
    }

    #[test]
    fn governments_speak_under_canonical_names() {
        assert_eq!(
            speakers("Beijing denied the report, and the U.S. said it would respond."),
            [["China", "United States"]]
        );
        assert_eq!(
            speakers(
                "The German government unveiled a plan.\n\nThe government said costs would fall."
            ),
            [Vec::<String>::new(), vec!["Germany".to_string()]]
        );
    }

    #[test]
    fn unnamed_sources_are_not_named_speakers() {
        assert_eq!(
            speakers("Officials said the border would reopen."),
            [Vec::<String>::new()]
        );
        assert_eq!(
            speakers("A senior official told reporters the border would reopen."),
            [Vec::<String>::new()]
        );
    }

    #[test]
    fn sources_from_a_place_are_unnamed_and_a_bodys_speak_for_it() {
        let s = speakers(
            "Capitol Hill sources said the vote was close.\n\n\
             Boston insiders said the deal was dead.\n\n\
             Pentagon sources said the strike was planned.\n\n\
             Turkish sources said the talks failed.\n\n\
             Trump campaign aides said the rally would go ahead.",
        );
        assert!(s[0].is_empty() && s[1].is_empty(), "{s:?}");
        assert_eq!(s[2], ["Pentagon"]);
        assert_eq!(s[3], ["Turkey"]);
        assert_eq!(s[4], ["Trump campaign"]);
        // A name after "on" is where the speakers are, not who they are.
        let on = speakers("His Republican allies on Capitol Hill say the inquiry is illegitimate.");
        assert!(on[0].is_empty(), "{on:?}");
    }

    #[test]
    fn a_party_label_before_a_voice_noun_speaks_for_the_party() {
        let s = speaker_kinds(
            "Republican officials said the bill was dead.\n\n\
             The bill was dead, Democratic aides said.\n\n\
             Senate Republican aides said the vote would wait.",
        );
        assert_eq!(s[0], [("Republican Party".to_string(), SpeakerKind::Org)]);
        assert_eq!(s[1], [("Democratic Party".to_string(), SpeakerKind::Org)]);
        assert_eq!(s[2], [("Senate Republicans".to_string(), SpeakerKind::Org)]);
    }

    #[test]
    fn a_surname_the_article_gave_a_person_beats_a_country() {
        let s = speaker_kinds(
            "Rep. Jim Jordan of Ohio spoke first.\n\n\"No,\" Jordan said.\n\n\
             Democrats said they would wait.",
        );
        assert_eq!(s[1], [("Jim Jordan".to_string(), SpeakerKind::Person)]);
        assert_eq!(s[2], [("Democratic Party".to_string(), SpeakerKind::Org)]);
        let s = speaker_kinds("Jordan said it would close the border.");
        assert_eq!(s[0], [("Jordan".to_string(), SpeakerKind::Org)]);
    }

    #[test]
    fn a_son_is_not_his_father() {
        let s = speakers(
            "Donald Trump Jr. said the meeting was short. President Donald Trump said it was fine.\n\n\
             Trump Jr said he regretted nothing.\n\n\
             Trump said the son was right.",
        );
        assert_eq!(s[0], ["Donald Trump Jr.", "Donald Trump"]);
        assert_eq!(s[1], ["Donald Trump Jr."]);
        assert_eq!(s[2], ["Donald Trump"]);
        // An article that names only the son: his surname is his.
        let s = speakers("Donald Trump Jr. spoke first.\n\nTrump said the meeting was short.");
        assert_eq!(s[1], ["Donald Trump Jr."]);
    }

    #[test]
    fn which_never_opens_a_clause_about_a_person() {
        let s = speakers(
            "Theresa May met the board. The story ran in a CNN report from May, which described the meeting.\n\n\
             The Daily Beast, which first reported the story, said the official resigned.",
        );
        assert!(s[0].is_empty(), "{s:?}");
        assert_eq!(s[1], ["Daily Beast"]);
    }

    #[test]
    fn spokesperson_stands_for_the_organisation_that_spoke() {
        let s = speakers("The Ministry of Health said supplies were adequate.\n\n“We have enough,” the spokesman said.");
        assert_eq!(s[1], ["Ministry of Health"]);
    }

    #[test]
    fn person_of_organisation_and_place_after_organisation() {
        assert_eq!(
            speakers("Maria Costa of Greenpeace said the spill was growing."),
            [["Maria Costa"]]
        );
        assert_eq!(
            speakers("A spokesman for the Danish embassy in Paris said no request was made."),
            [["Danish embassy"]]
        );
    }

    #[test]
    fn passive_agent_and_relative_clause() {
        assert_eq!(
            speakers("The budget was criticised by the Liberal Democrats as timid."),
            [["Liberal Democrats"]]
        );
        assert_eq!(
            speakers(
                "Earlier Mr Grant, whose party opposes the scheme as “costly” said a vote was due."
            ),
            [["Grant"]]
        );
    }

    #[test]
    fn compound_subjects_both_speak() {
        let mut got = speakers("Labour and the Greens say the tax is unfair.").remove(0);
        got.sort();
        assert_eq!(got, ["Green Party", "Labour Party"]);
    }

    #[test]
    fn subordinate_speakers_do_not_take_the_next_pronoun() {
        let s = speakers(
            "Mr Reed said he backed the plan when Mr Holt argued for it. “It is sound,” he said.",
        );
        assert_eq!(s, [["Reed", "Holt"]]);
        let a = parse_txt("t.txt", "Headline\n\nMr Reed said he backed the plan when Mr Holt argued for it. “It is sound,” he said.");
        let t = tag_article(a);
        let reed = t.paragraphs[0]
            .speakers
            .iter()
            .find(|s| s.name == "Reed")
            .unwrap();
        assert_eq!(reed.quote, super::QuoteType::Direct);
    }

    #[test]
    fn apposition_skips_places_and_parentheses() {
        assert_eq!(
            speakers("Rosa Lind, a nurse from Leeds, said the ward was full."),
            [["Rosa Lind"]]
        );
        assert_eq!(
            speakers("Sen. Mark Udall (D-Colo.) said the bill would pass."),
            [["Mark Udall"]]
        );
    }

    #[test]
    fn administration_officials_and_one_word_outlets() {
        assert_eq!(
            speakers("Trump administration officials said the talks were over."),
            [["Trump administration"]]
        );
        assert_eq!(
            speakers("The report was first published by a local paper, WXYZ said."),
            [["WXYZ"]]
        );
    }

    #[test]
    fn long_appositions_and_party_labels() {
        assert_eq!(
            speakers(
                "Jim Dean, chairman of Democracy for America, a progressive group, warned members."
            ),
            [["Jim Dean"]]
        );
        assert_eq!(
            speakers(
                "Rep. Scott Peters (D., Calif.), who had not decided, said the call came twice."
            ),
            [["Scott Peters"]]
        );
    }

    #[test]
    fn groups_by_role_are_not_speakers() {
        assert_eq!(
            speakers("Some of the proposals, MPs said, went too far."),
            [Vec::<String>::new()]
        );
    }
}
