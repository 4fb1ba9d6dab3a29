//! Tagging: who speaks in each paragraph, and what it mentions.
//!
//! The pipeline per article is: cut paragraphs into words and sentences
//! ([`tokens`]), find names and learn the article's people ([`names`]), tag
//! entities ([`entities`]), then attribute speech ([`speakers`]). Each stage is
//! rules over reference lists: no model, so every decision can be explained.

pub mod entities;
pub mod names;
pub mod speakers;
pub mod tokens;

use serde::{Deserialize, Serialize};

use crate::article::{Article, ParagraphKind};
use crate::text::fold;

/// Fingerprint of the tagging rules and reference lists (computed by
/// `build.rs`): an index tagged under another value must be re-tagged.
pub const TAGGING_VERSION: &str = env!("NEWSGREP_TAGGING_VERSION");

/// The four entity facets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    Person,
    Org,
    Place,
    Weapon,
}

impl EntityKind {
    pub const ALL: [EntityKind; 4] = [
        EntityKind::Person,
        EntityKind::Org,
        EntityKind::Place,
        EntityKind::Weapon,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Org => "org",
            EntityKind::Place => "place",
            EntityKind::Weapon => "weapon",
        }
    }

    pub fn parse(s: &str) -> Option<EntityKind> {
        EntityKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Something a paragraph mentions, under its canonical name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Entity {
    pub name: String,
    pub kind: EntityKind,
    /// Which rule or list found it (shown by `analyze`).
    #[serde(skip)]
    pub rule: &'static str,
}

/// Speakers are people or organisations (governments count as organisations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SpeakerKind {
    Person,
    Org,
}

impl SpeakerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SpeakerKind::Person => "person",
            SpeakerKind::Org => "org",
        }
    }

    pub fn parse(s: &str) -> Option<SpeakerKind> {
        match s {
            "person" => Some(SpeakerKind::Person),
            "org" => Some(SpeakerKind::Org),
            _ => None,
        }
    }
}

/// Whether the paragraph quotes the speaker's words or reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteType {
    Direct,
    Indirect,
}

/// Someone whose words a paragraph reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Speaker {
    pub name: String,
    pub kind: SpeakerKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    pub quote: QuoteType,
    /// Which rule attributed the speech (shown by `analyze`).
    #[serde(skip)]
    pub rule: &'static str,
}

/// A paragraph with its tags.
#[derive(Debug, Clone)]
pub struct TaggedParagraph {
    pub index: usize,
    pub kind: ParagraphKind,
    pub text: String,
    pub speakers: Vec<Speaker>,
    pub entities: Vec<Entity>,
}

/// An article with every paragraph tagged.
#[derive(Debug, Clone)]
pub struct TaggedArticle {
    pub article: Article,
    pub paragraphs: Vec<TaggedParagraph>,
}

/// A paragraph prepared once for all taggers; it borrows the paragraph's
/// [`Texts`].
pub struct Prepared<'a> {
    pub kind: ParagraphKind,
    pub folded: &'a str,
    /// The lower-case text every word's [`tokens::Word::lower`] is part of.
    pub lower: &'a str,
    pub words: Vec<tokens::Word<'a>>,
    pub names: names::Names,
    /// Gazetteer hits in `folded`, found once.
    pub hits: Vec<crate::gazetteer::Hit<'static>>,
}

/// The article with no tags at all (for measuring what tagging costs).
pub fn untagged(mut article: Article) -> TaggedArticle {
    let paragraphs = std::mem::take(&mut article.paragraphs)
        .into_iter()
        .map(|p| TaggedParagraph {
            index: p.index,
            kind: p.kind,
            text: p.text,
            speakers: Vec::new(),
            entities: Vec::new(),
        })
        .collect();
    TaggedArticle {
        article,
        paragraphs,
    }
}

/// Speakers only, for each paragraph (for measuring speaker attribution).
pub fn tag_speakers(article: &Article) -> Vec<Vec<Speaker>> {
    let mut texts = Texts::of(article);
    let prepared = prepare(article, &mut texts);
    let people = names::People::learn(&prepared);
    speakers::attribute(&prepared, &people)
}

/// The text each paragraph's words borrow: folded, and in lower case.
struct Texts {
    folded: Vec<String>,
    lower: Vec<String>,
}

impl Texts {
    fn of(article: &Article) -> Texts {
        let folded: Vec<String> = article
            .paragraphs
            .iter()
            .map(|p| {
                let mut folded = fold(&p.text);
                // The dateline is not part of any sentence: blank it out (same
                // length, so offsets hold).
                if p.index == 0 {
                    if let Some(d) = crate::article::find_dateline(&folded) {
                        folded.replace_range(..d.body_start, &" ".repeat(d.body_start));
                    }
                }
                folded
            })
            .collect();
        let lower = vec![String::new(); folded.len()];
        Texts { folded, lower }
    }
}

fn prepare<'a>(article: &Article, texts: &'a mut Texts) -> Vec<Prepared<'a>> {
    article
        .paragraphs
        .iter()
        .zip(texts.folded.iter().zip(texts.lower.iter_mut()))
        .map(|(p, (folded, lower))| {
            let (words, lower) = tokens::words_and_lower(folded, lower);
            let mut names = names::Names::of(&words);
            let hits = crate::gazetteer::gazetteer().find(folded);
            names.adopt_hits(&words, &hits);
            Prepared {
                kind: p.kind,
                folded,
                lower,
                words,
                names,
                hits,
            }
        })
        .collect()
}

/// A capital that speaks stands for its government: the paragraph also
/// mentions the country ("Pyongyang denied" → North Korea).
fn add_governments(entities: &mut Vec<Entity>, speakers: &[Speaker]) {
    if !speakers.iter().any(|s| s.kind == SpeakerKind::Org) {
        return;
    }
    let g = crate::gazetteer::gazetteer();
    let countries: Vec<String> = entities
        .iter()
        .filter(|e| e.kind == EntityKind::Place)
        .filter_map(|e| g.lookup(&e.name).and_then(|x| x.country.clone()))
        .filter(|c| {
            speakers
                .iter()
                .any(|s| s.kind == SpeakerKind::Org && s.name == *c)
        })
        .collect();
    for country in countries {
        if !entities
            .iter()
            .any(|x| x.kind == EntityKind::Place && x.name == country)
        {
            entities.push(Entity {
                name: country,
                kind: EntityKind::Place,
                rule: "capital-as-government",
            });
        }
    }
}

/// "The drone hit a school" after "a kamikaze drone": a weapon named by
/// its bare head noun is the article's weapon of that kind named in full,
/// as a surname is its person: the nearest one named before it, else the
/// first after. A head no fuller name shares stays as it is.
fn resolve_bare_weapons(entities: &mut [Vec<Entity>]) {
    let is_bare = |e: &Entity| {
        e.kind == EntityKind::Weapon
            && !e.name.contains(' ')
            && e.name.chars().all(|c| c.is_lowercase())
    };
    // Paragraph and name of every generic weapon named with more than its
    // head ("ballistic missile", "surface-to-air missile").
    let fuller: Vec<(usize, String)> = entities
        .iter()
        .enumerate()
        .flat_map(|(at, list)| {
            list.iter()
                .filter(|e| e.kind == EntityKind::Weapon && e.name.contains(' '))
                .filter(|e| !e.name.chars().any(char::is_uppercase))
                .map(move |e| (at, e.name.clone()))
        })
        .collect();
    if fuller.is_empty() {
        return;
    }
    for (at, list) in entities.iter_mut().enumerate() {
        if !list.iter().any(is_bare) {
            continue;
        }
        let mut resolved: Vec<Entity> = Vec::with_capacity(list.len());
        for e in list.drain(..) {
            let full = is_bare(&e)
                .then(|| {
                    let of_head = |(_, name): &&(usize, String)| {
                        name.strip_suffix(e.name.as_str())
                            .is_some_and(|rest| rest.ends_with(' '))
                    };
                    fuller
                        .iter()
                        .filter(|f| f.0 <= at)
                        .rfind(of_head)
                        .or_else(|| fuller.iter().find(of_head))
                })
                .flatten();
            let e = match full {
                Some((_, name)) => Entity {
                    name: name.clone(),
                    kind: EntityKind::Weapon,
                    rule: "weapon:head-noun",
                },
                None => e,
            };
            if !resolved
                .iter()
                .any(|x| x.kind == e.kind && x.name == e.name)
            {
                resolved.push(e);
            }
        }
        *list = resolved;
    }
}

/// Tags every paragraph of `article`.
pub fn tag_article(mut article: Article) -> TaggedArticle {
    let mut texts = Texts::of(&article);
    let prepared = prepare(&article, &mut texts);
    let people = names::People::learn(&prepared);
    let mut entities: Vec<Vec<Entity>> = prepared
        .iter()
        .enumerate()
        .map(|(at, p)| {
            // Boilerplate keeps its entities (credits name people and
            // outlets); it is not searched by default anyway.
            people.set_paragraph(at);
            entities::paragraph_entities(p, &people)
        })
        .collect();
    resolve_bare_weapons(&mut entities);
    let speakers = speakers::attribute(&prepared, &people);
    let paragraphs = std::mem::take(&mut article.paragraphs)
        .into_iter()
        .zip(entities)
        .zip(speakers)
        .map(|((p, mut entities), speakers)| {
            add_governments(&mut entities, &speakers);
            TaggedParagraph {
                index: p.index,
                kind: p.kind,
                text: p.text,
                speakers,
                entities,
            }
        })
        .collect();
    TaggedArticle {
        article,
        paragraphs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::parse_txt;

    /// The weapons of each paragraph of a made-up article.
    fn weapons(text: &str) -> Vec<Vec<String>> {
        let a = parse_txt("t.txt", &format!("Headline for a test\n\n{text}"));
        tag_article(a)
            .paragraphs
            .into_iter()
            .map(|p| {
                p.entities
                    .into_iter()
                    .filter(|e| e.kind == EntityKind::Weapon)
                    .map(|e| e.name)
                    .collect()
            })
            .collect()
    }

    #[test]
    fn a_bare_weapon_noun_is_the_fuller_one_named_nearest_before() {
        let w = weapons(
            "The army said a drone struck the depot.\n\n\
             Russia fired a ballistic missile and a kamikaze drone overnight.\n\n\
             The missile and the drone hit a school.\n\n\
             Later a cruise missile was fired. The missile fell short.",
        );
        // Before any fuller name: the first one after.
        assert_eq!(w[0], ["kamikaze drone"]);
        assert_eq!(w[2], ["ballistic missile", "kamikaze drone"]);
        assert_eq!(w[3], ["cruise missile"]);
        // A head no fuller name shares stays.
        assert_eq!(weapons("A rocket hit the town.")[0], ["rocket"]);
    }
}
