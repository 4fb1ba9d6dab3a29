//! Runs a parsed command line: the glue between [`crate::cli`] and the
//! library, and the one place that turns outcomes into exit codes
//! (0 found, 1 nothing found, 2 error).

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::{
    AnalyzeArgs, Cli, Command, EntityKindArg, IndexArgs, KindArg, Locations, SearchArgs,
};
use crate::corpus::read_named_files;
use crate::render::{self, Style};
use crate::search::{Browse, FilterField, KindFilter, Outcome, Request};
use crate::tagging::{tag_article, EntityKind};
use crate::{article::ParagraphKind, index, update};

/// What a command found, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    Yes,
    No,
}

/// Parses the process's arguments and runs them. Usage errors print one
/// line (clap's message and its suggestion) and exit 2; `--help` and
/// `--version` print in full and exit 0.
pub fn main() -> ExitCode {
    use clap::Parser;
    match Cli::try_parse() {
        Ok(cli) => run(cli),
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = e.print();
                return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                    ExitCode::from(2)
                } else {
                    ExitCode::SUCCESS
                };
            }
            eprintln!(
                "newsgrep: {}",
                one_line_usage_error(&e.render().to_string())
            );
            ExitCode::from(2)
        }
    }
}

/// clap's error ("error: ...", details, "tip: ...", usage) as one line.
fn one_line_usage_error(rendered: &str) -> String {
    let mut message = Vec::new();
    let mut tip = None;
    for line in rendered.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if line.starts_with("Usage:") || line.starts_with("For more information") {
            break;
        }
        match line.strip_prefix("tip: ") {
            Some(t) => tip = Some(t),
            None => message.push(line.strip_prefix("error: ").unwrap_or(line)),
        }
    }
    let mut out = message.join(" ");
    if let Some(t) = tip {
        out.push_str(&format!(" ({t})"));
    }
    out.push_str("; see --help");
    out
}

pub fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Index(args) => run_index(&args),
        Command::Search(args) => run_search(&args),
        Command::Analyze(args) => run_analyze(&args),
        Command::Speakers(args) => run_browse(
            &args.locations,
            Browse::Speakers,
            args.query.as_deref(),
            args.limit,
            args.json,
        ),
        Command::Entities(args) => {
            let kind = args.kind.map(|k| match k {
                EntityKindArg::Person => EntityKind::Person,
                EntityKindArg::Org => EntityKind::Org,
                EntityKindArg::Place => EntityKind::Place,
                EntityKindArg::Weapon => EntityKind::Weapon,
            });
            run_browse(
                &args.locations,
                Browse::Entities(kind),
                args.query.as_deref(),
                args.limit,
                args.json,
            )
        }
    };
    match result {
        Ok(Found::Yes) => ExitCode::SUCCESS,
        Ok(Found::No) => ExitCode::from(1),
        Err(e) => {
            // `newsgrep search x | head` closes the pipe: end quietly.
            if e.chain().any(|c| {
                c.downcast_ref::<io::Error>()
                    .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            let msg = format!("{e:#}");
            eprintln!("newsgrep: {}", msg.lines().collect::<Vec<_>>().join(" "));
            ExitCode::from(2)
        }
    }
}

fn print_warning(w: &crate::corpus::Warning) {
    eprintln!("newsgrep: warning: {w}");
}

fn run_index(args: &IndexArgs) -> anyhow::Result<Found> {
    let loc = &args.locations;
    let opts = update::Options {
        full: args.full,
        max_file_bytes: args.max_file_size.saturating_mul(1024 * 1024),
        batch: args.batch,
        progress: None,
        on_warning: Some(&print_warning),
    };
    let report = |summary: &update::Summary| -> anyhow::Result<()> {
        let mut out = io::stdout().lock();
        if args.json {
            serde_json::to_writer(&mut out, summary)?;
            writeln!(out)?;
        } else if !args.quiet {
            writeln!(out, "{}", render::summary_text(summary))?;
        }
        out.flush()?;
        Ok(())
    };
    let summary = update::run(&loc.corpus, &loc.index, &opts)?;
    report(&summary)?;
    if args.watch {
        watch(loc, &opts, &report)?;
    }
    if args.strict && summary.warning_count > 0 {
        anyhow::bail!(
            "{} file(s) could not be indexed (--strict)",
            summary.warning_count
        );
    }
    Ok(Found::Yes)
}

/// Polls the corpus and applies changes once it has been quiet for a moment
/// (a feed writing many files triggers one update, not one per file).
fn watch(
    loc: &Locations,
    opts: &update::Options,
    report: &dyn Fn(&update::Summary) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    use std::time::{Duration, Instant};
    const POLL: Duration = Duration::from_millis(300);
    const QUIET: Duration = Duration::from_millis(700);
    let mut applied = update::fingerprint(&loc.corpus);
    loop {
        std::thread::sleep(POLL);
        let mut seen = update::fingerprint(&loc.corpus);
        if seen == applied {
            continue;
        }
        let mut since = Instant::now();
        while since.elapsed() < QUIET {
            std::thread::sleep(POLL);
            let now = update::fingerprint(&loc.corpus);
            if now != seen {
                seen = now;
                since = Instant::now();
            }
        }
        match update::run(&loc.corpus, &loc.index, opts) {
            Ok(summary) => report(&summary)?,
            Err(e) => eprintln!("newsgrep: {e}"),
        }
        applied = seen;
    }
}

/// Builds the index first when there is none, saying so on stderr.
fn ensure_index(loc: &Locations) -> anyhow::Result<()> {
    if !index::exists(&loc.index) {
        eprintln!(
            "newsgrep: no index at {}; building it from {} first",
            loc.index.display(),
            loc.corpus.display()
        );
        let opts = update::Options {
            on_warning: Some(&print_warning),
            ..update::Options::default()
        };
        let summary = update::run(&loc.corpus, &loc.index, &opts)
            .with_context(|| format!("building the index at {}", loc.index.display()))?;
        eprintln!("newsgrep: {}", render::summary_text(&summary));
    }
    Ok(())
}

fn run_browse(
    loc: &Locations,
    what: Browse,
    query: Option<&str>,
    limit: usize,
    json: bool,
) -> anyhow::Result<Found> {
    ensure_index(loc)?;
    let (idx, fields, _payload) = index::open(&loc.index)?;
    let counts = crate::search::browse(&idx, &fields, what, query, limit)?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    if json {
        serde_json::to_writer(&mut out, &counts)?;
        writeln!(out)?;
    } else {
        let width = counts
            .iter()
            .map(|c| c.count.to_string().len())
            .max()
            .unwrap_or(1);
        for c in &counts {
            writeln!(out, "{:>width$}  {:<7} {}", c.count, c.kind, c.name)?;
        }
    }
    out.flush()?;
    Ok(if counts.is_empty() {
        Found::No
    } else {
        Found::Yes
    })
}

/// The corpus's newsgrep.toml aliases help filters ("--org ACME" for an
/// alias); a broken file must not stop a search, so it is only a warning.
fn install_config_quietly(loc: &Locations) {
    if let Err(e) = crate::config::install(&loc.corpus) {
        eprintln!("newsgrep: warning: {e}");
    }
}

fn run_search(args: &SearchArgs) -> anyhow::Result<Found> {
    let loc = &args.locations;
    ensure_index(loc)?;
    install_config_quietly(loc);
    let (idx, fields, payload) = index::open(&loc.index)?;
    let mut filters = Vec::new();
    filters.extend(
        args.speaker
            .iter()
            .map(|v| (FilterField::Speaker, v.clone())),
    );
    for (values, kind) in [
        (&args.person, EntityKind::Person),
        (&args.org, EntityKind::Org),
        (&args.place, EntityKind::Place),
        (&args.weapon, EntityKind::Weapon),
    ] {
        filters.extend(
            values
                .iter()
                .map(|v| (FilterField::Entity(kind), v.clone())),
        );
    }
    let kinds = match args.kind {
        KindArg::Body => KindFilter::Only(ParagraphKind::Body),
        KindArg::Heading => KindFilter::Only(ParagraphKind::Heading),
        KindArg::Boilerplate => KindFilter::Only(ParagraphKind::Boilerplate),
        KindArg::All => KindFilter::All,
    };
    let request = Request {
        query: args.query.clone(),
        filters,
        limit: args.limit,
        kinds,
        quotes_only: args.quotes,
    };
    let results = match crate::search::search(&idx, &fields, &payload, &request)? {
        Outcome::Results(r) => r,
        Outcome::UnknownFilter(u) => {
            eprintln!("{}", render::unknown_filter(&u));
            return Ok(Found::No);
        }
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    if args.json {
        render::results_json(&mut out, &results)?;
    } else {
        render::results_text(&mut out, &results, &Style::choose(args.color))?;
    }
    out.flush()?;
    Ok(if results.total_hits > 0 {
        Found::Yes
    } else {
        Found::No
    })
}

fn run_analyze(args: &AnalyzeArgs) -> anyhow::Result<Found> {
    crate::config::install(&args.corpus)?;
    let corpus = read_named_files(&args.files)?;
    for w in &corpus.warnings {
        eprintln!("newsgrep: warning: {w}");
    }
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut any = false;
    for article in corpus.articles {
        let tagged = tag_article(article);
        if args.json {
            render::analysis_json(&mut out, &tagged, args.explain)?;
        } else {
            render::analysis_text(&mut out, &tagged, args.explain)?;
        }
        any = true;
    }
    out.flush()?;
    Ok(if any { Found::Yes } else { Found::No })
}
