//! Walking the corpus folder and turning its files into articles.
//!
//! The walk is recursive, sorted (so ids and output are stable across runs)
//! and skips hidden entries. A file that cannot be read becomes a warning,
//! never the end of the run: one bad file must not cost the user the rest.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::article::{parse_json_record, parse_txt, Article};
use crate::error::{Error, Result};

/// Files larger than this are skipped with a warning (a corpus of news
/// articles has no business holding a 50 MB text file).
pub const MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;

/// The file formats newsgrep reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    JsonLines,
}

impl Format {
    pub fn of(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "txt" | "text" => Some(Format::Text),
            "jsonl" | "ndjson" => Some(Format::JsonLines),
            _ => None,
        }
    }
}

/// The warning for text that is not valid UTF-8.
pub const LOSSY_UTF8: &str = "invalid UTF-8, decoded with replacement characters";

/// A NUL byte in the first 8 KB: a binary file, not an article.
pub fn looks_binary(bytes: &[u8]) -> bool {
    bytes.iter().take(8192).any(|&b| b == 0)
}

/// Decodes a file's bytes; invalid UTF-8 is replaced (true when it was).
pub fn decode(bytes: Vec<u8>) -> (String, bool) {
    match String::from_utf8(bytes) {
        Ok(s) => (s, false),
        Err(e) => (String::from_utf8_lossy(e.as_bytes()).into_owned(), true),
    }
}

/// One problem met while reading the corpus; the run goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub location: String,
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Articles read from a corpus, with what went wrong on the way.
#[derive(Debug, Default)]
pub struct Corpus {
    pub articles: Vec<Article>,
    pub files: usize,
    pub warnings: Vec<Warning>,
}

/// Lists the article files below `root`, sorted, hidden entries skipped.
pub fn list_files(root: &Path, warnings: &mut Vec<Warning>) -> Result<Vec<PathBuf>> {
    if !root.is_dir() {
        return Err(Error::CorpusMissing(root.to_path_buf()));
    }
    let mut files = Vec::new();
    let walker = WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() && Format::of(e.path()).is_some() => {
                files.push(e.into_path())
            }
            Ok(_) => {}
            Err(err) => warnings.push(Warning {
                location: err
                    .path()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| root.display().to_string()),
                message: err.to_string(),
            }),
        }
    }
    Ok(files)
}

/// Path of `file` as shown to users: relative to the corpus root.
pub fn display_path(root: &Path, file: &Path) -> String {
    file.strip_prefix(root)
        .unwrap_or(file)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Reads every article below `root`.
pub fn read_corpus(root: &Path) -> Result<Corpus> {
    let mut corpus = Corpus::default();
    let files = list_files(root, &mut corpus.warnings)?;
    corpus.files = files.len();
    for file in files {
        let shown = display_path(root, &file);
        read_file_into(&file, &shown, &mut corpus.articles, &mut corpus.warnings);
    }
    Ok(corpus)
}

/// Reads one file (either format) and appends its articles. `shown` is the
/// path recorded in the articles.
pub fn read_file_into(
    file: &Path,
    shown: &str,
    articles: &mut Vec<Article>,
    warnings: &mut Vec<Warning>,
) {
    let warn = |warnings: &mut Vec<Warning>, message: String| {
        warnings.push(Warning {
            location: shown.to_string(),
            message,
        })
    };
    let Some(format) = Format::of(file) else {
        warn(warnings, "not a .txt or .jsonl file".into());
        return;
    };
    match std::fs::metadata(file) {
        Ok(m) if m.len() > MAX_FILE_BYTES => {
            warn(
                warnings,
                format!(
                    "skipped: {} bytes is over the {MAX_FILE_BYTES}-byte limit",
                    m.len()
                ),
            );
            return;
        }
        Ok(_) => {}
        Err(e) => {
            warn(warnings, format!("cannot read: {e}"));
            return;
        }
    }
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            warn(warnings, format!("cannot read: {e}"));
            return;
        }
    };
    if looks_binary(&bytes) {
        warn(warnings, "skipped: binary file".into());
        return;
    }
    let (content, lossy) = decode(bytes);
    if lossy {
        warn(warnings, LOSSY_UTF8.into());
    }
    match format {
        Format::Text => {
            let article = parse_txt(shown, &content);
            if article.paragraphs.is_empty() {
                warn(warnings, "skipped: no text".into());
            } else {
                articles.push(article);
            }
        }
        Format::JsonLines => {
            for (i, line) in content.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                match parse_json_record(shown, i + 1, line) {
                    Ok(a) if !a.paragraphs.is_empty() => articles.push(a),
                    Ok(_) => warnings.push(Warning {
                        location: format!("{shown}:{}", i + 1),
                        message: "skipped: empty body".into(),
                    }),
                    Err(msg) => warnings.push(Warning {
                        location: format!("{shown}:{}", i + 1),
                        message: msg,
                    }),
                }
            }
        }
    }
}

/// Reads the files named on the command line (for `analyze`): a missing
/// file is an error here, because the user named it.
pub fn read_named_files(files: &[PathBuf]) -> Result<Corpus> {
    let mut corpus = Corpus::default();
    for file in files {
        if !file.is_file() {
            return Err(Error::FileMissing(file.clone()));
        }
        corpus.files += 1;
        let shown = file.to_string_lossy().into_owned();
        read_file_into(file, &shown, &mut corpus.articles, &mut corpus.warnings);
    }
    Ok(corpus)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_sorted_and_skips_hidden_and_bad_lines() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("sub")).unwrap();
        std::fs::create_dir(root.join(".hidden")).unwrap();
        std::fs::write(root.join("b.txt"), "Headline\n\nBody text here.").unwrap();
        std::fs::write(root.join("sub/a.txt"), "Headline A\n\nMore body text.").unwrap();
        std::fs::write(root.join(".hidden/c.txt"), "Hidden\n\nNope.").unwrap();
        std::fs::write(root.join("notes.md"), "ignored").unwrap();
        std::fs::write(
            root.join("d.jsonl"),
            "{\"title\":\"J\",\"body\":\"One.\"}\n{broken\n",
        )
        .unwrap();
        let c = read_corpus(root).unwrap();
        let paths: Vec<&str> = c.articles.iter().map(|a| a.path.as_str()).collect();
        assert_eq!(paths, ["b.txt", "d.jsonl", "sub/a.txt"]);
        assert_eq!(c.warnings.len(), 1);
        assert_eq!(c.warnings[0].location, "d.jsonl:2");
    }

    #[test]
    fn missing_corpus_is_an_error() {
        assert!(read_corpus(Path::new("/no/such/dir")).is_err());
    }
}
