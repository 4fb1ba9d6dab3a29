//! The user's additions: `newsgrep.toml` at the top of the corpus.
//!
//! ```toml
//! [[entity]]
//! name = "Jane Doe"            # a newsroom's own list of people
//! kind = "person"
//! aliases = ["J. Doe"]
//!
//! [[entity]]
//! name = "United States"       # a known name: only adds aliases
//! aliases = ["the States"]
//! ```
//!
//! The entries go into the gazetteer ahead of the shipped lists; the index
//! remembers them so that a change re-tags the articles it affects.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::gazetteer::UserEntry;

/// File name looked for at the top of the corpus.
pub const CONFIG_FILE: &str = "newsgrep.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    entity: Vec<UserEntry>,
}

/// Where the configuration of `corpus` lives.
pub fn path_for(corpus: &Path) -> PathBuf {
    corpus.join(CONFIG_FILE)
}

/// Reads `corpus/newsgrep.toml`; no file means no additions.
pub fn load(corpus: &Path) -> Result<Vec<UserEntry>> {
    let path = path_for(corpus);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(Error::Config {
                path,
                message: e.to_string(),
            })
        }
    };
    parse(&text).map_err(|message| Error::Config { path, message })
}

fn parse(text: &str) -> std::result::Result<Vec<UserEntry>, String> {
    let file: File = toml::from_str(text).map_err(|e| {
        // toml's messages span several lines; the first says what is wrong.
        e.message()
            .lines()
            .next()
            .unwrap_or("invalid TOML")
            .to_string()
            + &e.span()
                .map(|s| format!(" (at byte {})", s.start))
                .unwrap_or_default()
    })?;
    for e in &file.entity {
        if e.name.trim().is_empty() {
            return Err("an [[entity]] has an empty name".into());
        }
    }
    Ok(file.entity)
}

/// Loads the corpus's additions and installs them for tagging and lookups.
pub fn install(corpus: &Path) -> Result<Vec<UserEntry>> {
    let entries = load(corpus)?;
    crate::gazetteer::use_user_entries(&entries);
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tagging::EntityKind;

    #[test]
    fn parses_entities_and_aliases() {
        let e = parse(
            "[[entity]]\nname = \"Jane Doe\"\nkind = \"person\"\naliases = [\"J. Doe\"]\n\n[[entity]]\nname = \"United States\"\naliases = [\"the States\"]\n",
        )
        .unwrap();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].kind, Some(EntityKind::Person));
        assert_eq!(e[1].kind, None);
    }

    #[test]
    fn bad_files_say_what_is_wrong() {
        assert!(parse("[[entity]]\nname = \"\"\n").is_err());
        assert!(parse("[[entity]]\nname = \"X\"\nkind = \"planet\"\n").is_err());
        assert!(parse("[[entity]\n").is_err());
        assert!(parse("[[entities]]\nname = \"X\"\n").is_err());
    }
}
