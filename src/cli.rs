//! Every command and flag, in one place (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXAMPLES: &str = "\
Examples:
  newsgrep index                          build or refresh ./index from ./corpus
  newsgrep search \"Shahed-136\"            ranked paragraphs, snippets and facets
  newsgrep search shells --speaker kirby  only what John Kirby is reported saying
  newsgrep search missiles --place iran --json
  newsgrep analyze corpus/article.txt     how one article is read and tagged

Exit status: 0 found, 1 nothing found, 2 error.";

#[derive(Debug, Parser)]
#[command(
    name = "newsgrep",
    version,
    about = "Search news articles by who said what",
    long_about = "newsgrep indexes a folder of news articles paragraph by paragraph, tags each \
                  paragraph with its speakers (who is quoted or paraphrased) and its entities \
                  (people, organisations, places, weapons), and searches them with BM25 ranking, \
                  highlighted snippets and facet counts.",
    after_help = EXAMPLES,
    infer_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build or rebuild the index from the corpus folder.
    #[command(
        after_help = "Examples:\n  newsgrep index\n  newsgrep index --corpus ~/news --index ~/.cache/news-index"
    )]
    Index(IndexArgs),
    /// Search paragraphs (tantivy query syntax: phrases, AND/OR/NOT, +/-).
    #[command(
        after_help = "Examples:\n  newsgrep search \"Shahed-136\"\n  newsgrep search '\"artillery shells\" AND Russia' --limit 5\n  newsgrep search shells --speaker kirby --quotes\n  newsgrep search drones --weapon shahed-136 --place iran --json\n\nExit status: 0 with hits, 1 without, 2 on error."
    )]
    Search(SearchArgs),
    /// List speakers with paragraph counts, over everything or a query's hits.
    #[command(
        after_help = "Examples:\n  newsgrep speakers\n  newsgrep speakers \"North Korea\" --limit 5\n  newsgrep speakers sanctions --json"
    )]
    Speakers(SpeakersArgs),
    /// List entities with paragraph counts, over everything or a query's hits.
    #[command(
        after_help = "Examples:\n  newsgrep entities --kind weapon\n  newsgrep entities Iran --kind place --limit 10\n  newsgrep entities --json"
    )]
    Entities(EntitiesArgs),
    /// Print a paragraph with its neighbours, its article's metadata and tags.
    #[command(
        after_help = "Examples:\n  newsgrep show 000_545491d4a5c1f521.txt#4\n  newsgrep show 000_545491d4a5c1f521.txt#4 --context 2\n  newsgrep show feed.jsonl:a1b2c3#0 --json"
    )]
    Show(ShowArgs),
    /// Print shell completions (bash, zsh, fish, elvish, powershell).
    #[command(
        after_help = "Examples:\n  newsgrep completions bash > ~/.local/share/bash-completion/completions/newsgrep\n  newsgrep completions zsh > ~/.zfunc/_newsgrep\n  newsgrep completions fish > ~/.config/fish/completions/newsgrep.fish"
    )]
    Completions(CompletionsArgs),
    /// Print the man page (roff).
    #[command(
        after_help = "Examples:\n  newsgrep man > ~/.local/share/man/man1/newsgrep.1\n  newsgrep man | man -l -"
    )]
    Man,
    /// Show how files are read and tagged, without touching the index.
    #[command(
        after_help = "Examples:\n  newsgrep analyze corpus/000_545491d4a5c1f521.txt\n  newsgrep analyze --json corpus/*.txt | jq .paragraphs[0]"
    )]
    Analyze(AnalyzeArgs),
}

#[derive(Debug, Args, Clone)]
pub struct Locations {
    /// Folder of articles (.txt, .jsonl), read recursively.
    #[arg(
        long,
        env = "NEWSGREP_CORPUS",
        default_value = "corpus",
        value_name = "DIR"
    )]
    pub corpus: PathBuf,
    /// Folder of the index.
    #[arg(
        long,
        env = "NEWSGREP_INDEX",
        default_value = "index",
        value_name = "DIR"
    )]
    pub index: PathBuf,
}

#[derive(Debug, Args)]
pub struct IndexArgs {
    #[command(flatten)]
    pub locations: Locations,
    /// Rebuild everything from scratch instead of updating what changed.
    #[arg(long)]
    pub full: bool,
    /// Keep running and apply changes to the corpus a moment after they happen.
    #[arg(long)]
    pub watch: bool,
    /// Exit with status 2 when any file could not be indexed.
    #[arg(long)]
    pub strict: bool,
    /// Skip files larger than this many megabytes.
    #[arg(long, default_value_t = 50, value_name = "MB")]
    pub max_file_size: u64,
    /// Commit after this many newly tagged articles as well as every 30 s
    /// of work (an interrupted run keeps what was committed).
    #[arg(long, value_name = "N", hide = true)]
    pub batch: Option<usize>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// Print nothing but errors.
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Explain what happens to each file (skipped, unchanged, and why).
    #[arg(short, long)]
    pub verbose: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    Body,
    Heading,
    Boilerplate,
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortArg {
    Relevance,
    Date,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PagingChoice {
    Auto,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query, in tantivy syntax: words, "phrases", AND/OR/NOT, +must -mustnot.
    #[arg(allow_hyphen_values = false)]
    pub query: String,
    /// Only paragraphs attributed to this speaker (full name, surname or unambiguous part).
    #[arg(long, value_name = "NAME")]
    pub speaker: Vec<String>,
    /// Only paragraphs that mention this person.
    #[arg(long, value_name = "NAME")]
    pub person: Vec<String>,
    /// Only paragraphs that mention this organisation.
    #[arg(long, value_name = "NAME")]
    pub org: Vec<String>,
    /// Only paragraphs that mention this place.
    #[arg(long, value_name = "NAME")]
    pub place: Vec<String>,
    /// Only paragraphs that mention this weapon.
    #[arg(long, value_name = "NAME")]
    pub weapon: Vec<String>,
    /// Only paragraphs that quote the (filtered) speaker directly, in quotation marks.
    #[arg(long)]
    pub quotes: bool,
    /// Only articles from this source (case-insensitive, any unambiguous part).
    #[arg(long, value_name = "NAME")]
    pub source: Vec<String>,
    /// Only articles dated on or after this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub since: Option<i64>,
    /// Only articles dated on or before this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub until: Option<i64>,
    /// Order of the hits: by relevance, or newest first.
    #[arg(long, value_enum, default_value_t = SortArg::Relevance)]
    pub sort: SortArg,
    /// Show this many neighbouring paragraphs around each hit.
    #[arg(short = 'C', long, default_value_t = 0, value_name = "K")]
    pub context: usize,
    /// Number of hits to show; 0 shows all.
    #[arg(short = 'n', long, default_value_t = 10, value_name = "N")]
    pub limit: usize,
    /// Which paragraph kinds to search.
    #[arg(long, value_enum, default_value_t = KindArg::Body)]
    pub kind: KindArg,
    /// Print one JSON document instead of text.
    #[arg(long, conflicts_with = "jsonl")]
    pub json: bool,
    /// Print one JSON object per hit, one per line (for large result sets).
    #[arg(long)]
    pub jsonl: bool,
    /// Send long output to a pager ($PAGER, or less -FRX) on a terminal.
    #[arg(long, value_enum, default_value_t = PagingChoice::Auto, value_name = "WHEN")]
    pub paging: PagingChoice,
    /// When to use colour.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    #[command(flatten)]
    pub locations: Locations,
}

#[derive(Debug, Args)]
pub struct SpeakersArgs {
    /// Count only over the paragraphs that match this query.
    pub query: Option<String>,
    /// How many to list; 0 lists all.
    #[arg(short = 'n', long, default_value_t = 30, value_name = "N")]
    pub limit: usize,
    /// Print JSON: [{name, kind, count}].
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub locations: Locations,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EntityKindArg {
    Person,
    Org,
    Place,
    Weapon,
}

#[derive(Debug, Args)]
pub struct EntitiesArgs {
    /// Count only over the paragraphs that match this query.
    pub query: Option<String>,
    /// Only this kind of entity.
    #[arg(long, value_enum)]
    pub kind: Option<EntityKindArg>,
    /// How many to list; 0 lists all.
    #[arg(short = 'n', long, default_value_t = 30, value_name = "N")]
    pub limit: usize,
    /// Print JSON: [{name, kind, count}].
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub locations: Locations,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// PATH#N as printed with each hit (PATH alone shows the whole article).
    pub target: String,
    /// Paragraphs to show on each side.
    #[arg(short = 'C', long, default_value_t = 1, value_name = "K")]
    pub context: usize,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// When to use colour.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    #[command(flatten)]
    pub locations: Locations,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to generate completions for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `YYYY-MM-DD` as days since 1970-01-01.
fn parse_date(s: &str) -> Result<i64, String> {
    crate::index::parse_day(s).ok_or_else(|| format!("{s:?} is not a date like 2020-05-31"))
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Article files (.txt or .jsonl).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// One JSON object per article per line.
    #[arg(long)]
    pub json: bool,
    /// Show which rule or list found each speaker and entity.
    #[arg(long)]
    pub explain: bool,
    /// Corpus whose newsgrep.toml (if any) adds entities and aliases.
    #[arg(
        long,
        env = "NEWSGREP_CORPUS",
        default_value = "corpus",
        value_name = "DIR"
    )]
    pub corpus: PathBuf,
}
