//! Runs a parsed command line: the glue between [`crate::cli`] and the
//! library, and the one place that turns outcomes into exit codes
//! (0 found, 1 nothing found, 2 error).

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::{
    AnalyzeArgs, Cli, Command, EntityKindArg, IndexArgs, KindArg, Locations, PagingChoice,
    SearchArgs, ShowArgs, SortArg,
};
use crate::corpus::read_named_files;
use crate::render::{self, Style};
use crate::search::{Browse, FilterField, KindFilter, Outcome, Request, Sort};
use crate::tagging::{tag_article, EntityKind};
use crate::textstore::TextSource;
use crate::{article::ParagraphKind, index, update};

/// Writes a line to stderr; a closed stderr (`2>&- `, a pipe whose reader
/// left) is not worth a panic.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

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
    if let Some(args) = search_args_alone() {
        return run(Cli {
            command: Command::Search(args),
        });
    }
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
            say!(
                "newsgrep: {}",
                one_line_usage_error(&e.render().to_string())
            );
            ExitCode::from(2)
        }
    }
}

/// `newsgrep search ...`, the command run most often, parsed with the
/// search command's arguments alone: building every command's arguments
/// first took 0.15 ms of a 1.3 ms search that finds nothing. `None` for
/// any other command, and for anything this parse does not accept (help,
/// version, errors), which the whole parser then answers as always.
fn search_args_alone() -> Option<crate::cli::SearchArgs> {
    search_args_from(std::env::args_os().skip(1))
}

fn search_args_from(
    mut args: impl Iterator<Item = std::ffi::OsString>,
) -> Option<crate::cli::SearchArgs> {
    use clap::{Args, FromArgMatches};
    if args.next()? != "search" {
        return None;
    }
    let command =
        crate::cli::SearchArgs::augment_args(clap::Command::new("search")).no_binary_name(true);
    let matches = command.try_get_matches_from(args).ok()?;
    crate::cli::SearchArgs::from_arg_matches(&matches).ok()
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
        Command::Show(args) => run_show(&args),
        Command::Completions(args) => {
            use clap::CommandFactory;
            let mut cmd = Cli::command();
            clap_complete::generate(args.shell, &mut cmd, "newsgrep", &mut io::stdout());
            Ok(Found::Yes)
        }
        Command::Man => {
            use clap::CommandFactory;
            let mut out = io::stdout().lock();
            clap_mangen::Man::new(Cli::command())
                .render(&mut out)
                .map_err(anyhow::Error::from)
                .map(|_| Found::Yes)
        }
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
            say!("newsgrep: {}", msg.lines().collect::<Vec<_>>().join(" "));
            ExitCode::from(2)
        }
    }
}

fn print_warning(w: &crate::corpus::Warning) {
    say!("newsgrep: warning: {w}");
}

fn run_index(args: &IndexArgs) -> anyhow::Result<Found> {
    use std::io::IsTerminal;
    let loc = &args.locations;
    // A progress bar on a terminal (stderr), nothing when piped or quiet.
    let bar = (!args.quiet && !args.json && io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} indexing [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {msg} ETA {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let started = std::time::Instant::now();
    let progress = |done: u64, total: u64, articles: usize| {
        if let Some(bar) = &bar {
            bar.set_length(total);
            bar.set_position(done);
            let secs = started.elapsed().as_secs_f64().max(0.001);
            bar.set_message(format!(
                "{articles} articles, {:.0}/s",
                articles as f64 / secs
            ));
        }
    };
    let warn = |w: &crate::corpus::Warning| match &bar {
        Some(bar) => bar.suspend(|| print_warning(w)),
        None => print_warning(w),
    };
    let explain = |line: String| match &bar {
        Some(bar) => bar.suspend(|| say!("newsgrep: {line}")),
        None => say!("newsgrep: {line}"),
    };
    let opts = update::Options {
        full: args.full,
        max_file_bytes: args.max_file_size.saturating_mul(1024 * 1024),
        batch: args.batch.unwrap_or(usize::MAX),
        progress: Some(&progress),
        explain: args.verbose.then_some(&explain as &(dyn Fn(String) + Sync)),
        on_warning: Some(&warn),
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
    let summary = update::run(&loc.corpus, &loc.index, &opts);
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let summary = summary?;
    report(&summary)?;
    if args.watch {
        // The bar is done; later updates report only their summaries.
        let quiet_opts = update::Options {
            progress: None,
            ..opts
        };
        watch(loc, &quiet_opts, &report)?;
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
            Err(e) => say!("newsgrep: {e}"),
        }
        applied = seen;
    }
}

/// Opens the index, building it first when there is none (and saying so
/// on stderr).
fn open_index(loc: &Locations) -> anyhow::Result<(tantivy::Index, index::Fields, index::Payload)> {
    match index::open(&loc.index) {
        Err(crate::Error::IndexMissing(_)) => {}
        other => return Ok(other?),
    }
    say!(
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
    say!("newsgrep: {}", render::summary_text(&summary));
    Ok(index::open(&loc.index)?)
}

fn run_browse(
    loc: &Locations,
    what: Browse,
    query: Option<&str>,
    limit: usize,
    json: bool,
) -> anyhow::Result<Found> {
    let (idx, fields, _payload) = open_index(loc)?;
    let names = crate::facets::NameTables::open(&loc.index);
    let counts = crate::search::browse(&idx, &fields, &names, what, query, limit)?;
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
        say!("newsgrep: warning: {e}");
    }
}

/// The best hits, up to this many, are ordered in memory; more go
/// through a temporary file (see [`render::Reorder`]).
const IN_MEMORY_HITS: usize = 2048;

fn run_search(args: &SearchArgs) -> anyhow::Result<Found> {
    crate::search::start_threads();
    let loc = &args.locations;
    let (idx, fields, payload) = open_index(loc)?;
    install_config_quietly(loc);
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
        sources: args.source.clone(),
        since: args.since,
        until: args.until,
        sort: match args.sort {
            SortArg::Relevance => Sort::Relevance,
            SortArg::Date => Sort::Date,
        },
        context: args.context,
    };
    let text = TextSource::of_index(&loc.index, &payload, &loc.corpus)?;
    let found = match crate::search::search(&idx, &fields, &payload, &text, &request)? {
        Outcome::Results(r) => r,
        Outcome::UnknownFilter(u) => {
            say!("{}", render::unknown_filter(&u));
            return Ok(Found::No);
        }
    };
    let results = &found.results;
    let mut stale = 0;
    let mut print = |out: &mut dyn Write, format: render::Format| -> anyhow::Result<()> {
        let mut w = render::HitWriter::begin(out, format, results)?;
        // The best hits are built in memory and printed at once (`| head`
        // ends early); the rest of `--limit 0` on a common word goes
        // through a temporary file, never all held.
        let first = results.shown.min(IN_MEMORY_HITS);
        for hit in found.hits(0..first)? {
            stale += usize::from(hit.stale);
            w.hit(&hit)?;
        }
        if results.shown > first {
            w.flush()?;
            let mut reorder = render::Reorder::new(format, first..results.shown)
                .context("cannot create a temporary file to order the hits")?;
            found.each_hit_unordered(first..results.shown, |hit| -> anyhow::Result<()> {
                stale += usize::from(hit.stale);
                Ok(reorder.add(&hit)?)
            })?;
            reorder.replay(&mut w)?;
        }
        Ok(w.finish(results)?)
    };
    if args.json || args.jsonl {
        let mut out = io::BufWriter::new(io::stdout().lock());
        print(
            &mut out,
            if args.jsonl {
                render::Format::Jsonl
            } else {
                render::Format::Json
            },
        )?;
        out.flush()?;
    } else {
        let style = Style::choose(args.color);
        paged(args.paging, |out| print(out, render::Format::Text(style)))?;
    }
    if stale > 0 {
        say!(
            "newsgrep: warning: {stale} of the hits shown come from articles changed or removed since the last `newsgrep index`; run it to see their text"
        );
    }
    let found_any = results.total_hits > 0;
    // The process ends here. Dropping the searcher unmaps the index's
    // files one by one (a TLB shoot-down each, ~10% of a rare query's
    // instructions); exit releases the address space at once. The same
    // holds for the name tables the text source keeps mapped.
    std::mem::forget(found);
    std::mem::forget(idx);
    std::mem::forget(text);
    Ok(if found_any { Found::Yes } else { Found::No })
}

fn run_analyze(args: &AnalyzeArgs) -> anyhow::Result<Found> {
    crate::config::install(&args.corpus)?;
    let corpus = read_named_files(&args.files)?;
    for w in &corpus.warnings {
        say!("newsgrep: warning: {w}");
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

/// Writes text output through a pager when stdout is a terminal, as git
/// does: `$PAGER`, else `less -FRX` (which exits at once when the output
/// fits the screen). Falls back to plain stdout if the pager cannot start.
fn paged(
    paging: PagingChoice,
    write: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    use std::io::IsTerminal;
    use std::process::{Command, Stdio};
    let want = paging == PagingChoice::Auto && io::stdout().is_terminal();
    let pager = std::env::var("PAGER").ok().filter(|p| !p.trim().is_empty());
    let child = want
        .then(|| {
            let spec = pager.unwrap_or_else(|| "less -FRX".to_string());
            let mut parts = spec.split_whitespace();
            let program = parts.next()?.to_string();
            Command::new(program)
                .args(parts)
                .env(
                    "LESS",
                    std::env::var("LESS").unwrap_or_else(|_| "FRX".into()),
                )
                .stdin(Stdio::piped())
                .spawn()
                .ok()
        })
        .flatten();
    match child {
        Some(mut child) => {
            let result = match child.stdin.take() {
                Some(stdin) => {
                    let mut w = io::BufWriter::new(stdin);
                    write(&mut w).and_then(|_| Ok(w.flush()?))
                }
                None => Ok(()),
            };
            let _ = child.wait();
            match result {
                // The reader quit the pager early: not an error.
                Err(e)
                    if e.downcast_ref::<io::Error>()
                        .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe) =>
                {
                    Ok(())
                }
                other => other,
            }
        }
        None => {
            let mut out = io::BufWriter::new(io::stdout().lock());
            write(&mut out)?;
            out.flush()?;
            Ok(())
        }
    }
}

fn run_show(args: &ShowArgs) -> anyhow::Result<Found> {
    let loc = &args.locations;
    let (idx, fields, payload) = open_index(loc)?;
    let (path, at) = match args.target.rsplit_once('#') {
        Some((p, n)) => match n.parse::<u64>() {
            Ok(n) => (p, Some(n)),
            Err(_) => anyhow::bail!(
                "{:?}: expected PATH#N with N a paragraph number",
                args.target
            ),
        },
        None => (args.target.as_str(), None),
    };
    let reader = idx.reader()?;
    let searcher = reader.searcher();
    let article = crate::search::article_paragraphs(&searcher, &fields, path)?;
    if article.is_empty() {
        say!("newsgrep: no article at {path} in the index (paths are as printed with each hit)");
        return Ok(Found::No);
    }
    if let Some(n) = at {
        if !article.iter().any(|(p, _)| *p == n) {
            say!(
                "newsgrep: {path} has no paragraph {n} (it has 0 to {})",
                article.len() - 1
            );
            return Ok(Found::No);
        }
    }
    let key = article[0]
        .1
        .get_first(fields.key)
        .and_then(|v| tantivy::schema::Value::as_u64(&v));
    let source = TextSource::of_index(&loc.index, &payload, &loc.corpus)?;
    let Some(text) = key.and_then(|k| source.article(k)) else {
        anyhow::bail!("{path} changed or was removed since it was indexed; run `newsgrep index`");
    };
    let shown = render::ShownArticle::from_docs(&fields, path, &article, &text, at, args.context);
    let mut out = io::BufWriter::new(io::stdout().lock());
    if args.json {
        serde_json::to_writer(&mut out, &shown)?;
        writeln!(out)?;
    } else {
        render::show_text(&mut out, &shown, &Style::choose(args.color))?;
    }
    out.flush()?;
    Ok(Found::Yes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    /// Whatever the search-only parse accepts, the whole parser reads the
    /// same way; what it refuses is left to the whole parser.
    #[test]
    fn search_args_alone_read_as_the_whole_parser_reads_them() {
        let accepted: &[&[&str]] = &[
            &["search", "Shahed-136"],
            &[
                "search",
                "shells",
                "--speaker",
                "kirby",
                "--quotes",
                "--json",
            ],
            &["search", "-C", "2", "--limit", "0", "--kind", "all", "x"],
            &[
                "search",
                "--sort",
                "date",
                "--since",
                "2017-01-01",
                "missiles",
                "--place",
                "iran",
            ],
            &["search", "--", "-x"],
            &[
                "search", "nato", "--corpus", "c", "--index", "i", "--color", "never", "--jsonl",
            ],
        ];
        for args in accepted {
            let os = || args.iter().map(std::ffi::OsString::from);
            let alone = search_args_from(os()).unwrap_or_else(|| panic!("refused: {args:?}"));
            let whole = Cli::try_parse_from(std::iter::once("newsgrep".into()).chain(os()))
                .expect("the whole parser accepts it too");
            let Command::Search(whole) = whole.command else {
                panic!("not a search: {args:?}");
            };
            assert_eq!(format!("{alone:?}"), format!("{whole:?}"), "{args:?}");
        }
        let refused: &[&[&str]] = &[
            &["search"],
            &["search", "--help"],
            &["search", "--version"],
            &["search", "x", "--limit", "lots"],
            &["search", "x", "--no-such-flag"],
            &["sea", "x"],
            &["index"],
            &[],
        ];
        for args in refused {
            assert!(
                search_args_from(args.iter().map(std::ffi::OsString::from)).is_none(),
                "{args:?}"
            );
        }
    }
}
