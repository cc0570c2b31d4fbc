//! The command line: parses arguments, calls the library, prints. It never simulates itself.

mod fit;
mod pilot;
mod simulate;
mod staff;
mod sweep;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Writes to stdout; a closed pipe (`tiersim run ... | head`) ends the program quietly
/// instead of panicking.
pub(crate) fn say(text: impl std::fmt::Display) {
    use std::io::Write;
    if let Err(e) = write!(std::io::stdout().lock(), "{text}")
        && e.kind() == std::io::ErrorKind::BrokenPipe
    {
        std::process::exit(0);
    }
}

macro_rules! sayln {
    ($($arg:tt)*) => { $crate::cli::say(format_args!("{}\n", format_args!($($arg)*))) };
}
pub(crate) use sayln;

/// A progress bar with ETA on stderr when it is a terminal and `--quiet` is off; hidden
/// otherwise, so that logs and pipes stay clean.
pub(crate) fn progress(n: u64, what: &str, quiet: bool) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(n);
    if let Ok(style) = indicatif::ProgressStyle::with_template(&format!(
        "{{bar:40}} {{pos}}/{{len}} {what}, {{elapsed}} elapsed, ETA {{eta}}"
    )) {
        bar.set_style(style);
    }
    bar
}

const MAIN_EXAMPLES: &str = "Examples:
  tiersim compare scenarios/before.ron scenarios/after.ron     # the main job
  tiersim run scenarios/after.ron -n 20 --target 'service_level_20s>=80%'
  tiersim staff scenarios/after.ron --target 'service_level_20s>=80%' --target 'abandon_rate<=5%'
  tiersim report results/compare-before-after                   # rebuild report.html
  tiersim completions bash > ~/.local/share/bash-completion/completions/tiersim";

#[derive(Parser)]
#[command(
    name = "tiersim",
    version,
    about = "Discrete-event simulator for customer-service design",
    after_help = MAIN_EXAMPLES
)]
pub struct Cli {
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, global = true)]
    pub threads: Option<usize>,
    /// No progress bars and no list of files written (results and errors still print).
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Simulate a scenario and report KPIs with 95% confidence intervals.
    #[command(after_help = "Examples:
  tiersim run scenarios/after.ron
  tiersim run scenarios/after.ron -n 20 --days 14 --out results/after-2w
  tiersim run scenarios/after.ron --target 'service_level_20s>=80%' --target 'abandon_rate<=5%'
  tiersim run scenarios/after.ron --format json | jq '.kpis[0]'

Writes summary.json, kpis.csv, intervals.csv, replications.csv, plots and report.html.")]
    Run(RunArgs),
    /// Compare designs on the same demand (common random numbers, paired differences).
    #[command(after_help = "Examples:
  tiersim compare scenarios/before.ron scenarios/after.ron
  tiersim compare scenarios/before.ron scenarios/after.ron -n 20 --target 'service_level_20s>=80%'
  tiersim compare a.ron b.ron c.ron --out results/abc --format json

Writes compare.csv, compare.json, designs/<name>/ (each design's run outputs), plots and
report.html.")]
    Compare(CompareArgs),
    /// Sweep parameters over a grid (resumable; shardable across machines).
    #[command(after_help = "Examples:
  tiersim sweep --scenario scenarios/after.ron --set teams.L1_reception.add=-2..1 --set demand=0.9,1.1
  tiersim sweep examples/sweep-after.ron -n 10
  tiersim sweep examples/sweep-after.ron --shard 3/16     # one shard of a cluster job

Rerunning the same command resumes. Writes sweep.csv, sweep.json, plots and report.html.")]
    Sweep(SweepArgs),
    /// Combine the outputs of sweep shards into the results of a single run.
    #[command(after_help = "Example:
  tiersim merge results/shard-0 results/shard-1 --out results/sweep")]
    Merge {
        /// Shard output folders.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Where to write the merged results (default: the first folder).
        #[arg(long)]
        out: Option<PathBuf>,
        /// What to print: the files written, or sweep.json on stdout.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Required agents by Erlang C and Erlang A for a target, beside the workload-only figure.
    #[command(after_help = "Examples:
  tiersim erlang --rate 120/h --aht 4min
  tiersim erlang --rate 500/d --hours 10 --aht 10min --target sl=80%/60s --shrinkage 12.5% --patience 5min
  tiersim erlang --rate 2/min --aht 180s --target asa=30s --table 6..12")]
    Erlang(ErlangArgs),
    /// Find the smallest staffing per team (optionally per interval) that meets the targets.
    #[command(after_help = "Examples:
  tiersim staff scenarios/after.ron --target 'service_level_20s>=80%' --target 'abandon_rate<=5%'
  tiersim staff scenarios/after.ron --target 'service_level_20s>=80%' --per-interval -n 5
  tiersim staff scenarios/after.ron --target 'sla_response@priority:urgent>=95%' --target 'utilisation<=85%'

Writes <name>-staffed.ron (ready to run and compare), the run outputs of the staffing found and
report.html.")]
    Staff(StaffArgs),
    /// Estimate a scenario from a contact log (demand, mixes, handling, patience, staffing).
    #[command(after_help = "Examples:
  tiersim fit calls.tsv --format anonymous-bank --from 1999-02-01 --to 1999-02-07 --out bank.ron
  tiersim fit export.csv --format csv --staffing seen --out desk.ron")]
    Fit(fit::FitArgs),
    /// Compare a log's KPIs per window with the scenario's prediction intervals.
    #[command(after_help = "Examples:
  tiersim pilot bank.ron --observed calls.tsv --format anonymous-bank --from 1999-02-08 --to 1999-02-14
  tiersim pilot desk.ron --observed export.csv --windows interval --demand model")]
    Pilot(pilot::PilotArgs),
    /// Check a scenario file without simulating.
    #[command(after_help = "Example:
  tiersim validate scenarios/*.ron")]
    Validate {
        /// Scenario files (RON).
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
        /// What to print: a line per file, or JSON on stdout.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Rebuild report.html from a results folder (from its JSON files; nothing is simulated).
    #[command(after_help = "Example:
  tiersim report results/compare-before-after && xdg-open results/compare-before-after/report.html")]
    Report {
        /// A folder written by run, compare, sweep or staff.
        dir: PathBuf,
        /// What to print: the path written, or JSON on stdout.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(after_help = "Examples:
  tiersim completions bash > ~/.local/share/bash-completion/completions/tiersim
  tiersim completions zsh > ~/.zfunc/_tiersim")]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// What a command prints on stdout.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// Tables for people.
    Table,
    /// One JSON document (for scripts).
    Json,
}

/// What every simulating command takes.
#[derive(clap::Args)]
pub struct SimArgs {
    /// Independent replications (confidence intervals need at least 2; at most 100 000, as
    /// every replication's statistics are kept in memory).
    #[arg(long, short = 'n', default_value_t = 10, value_parser = clap::value_parser!(u64).range(..=100_000))]
    pub replications: u64,
    /// Base seed; replication r uses the streams of (seed, r).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Override the simulated days of the scenario.
    #[arg(long)]
    pub days: Option<u32>,
    /// Output folder (default: under results/).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct RunArgs {
    /// Scenario file (RON).
    pub scenario: PathBuf,
    #[command(flatten)]
    pub sim: SimArgs,
    /// What to print: tables, or summary.json on stdout.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write a per-contact trace of the first replication to this CSV file (small runs).
    #[arg(long)]
    pub trace: Option<PathBuf>,
    /// A target to judge the KPIs against (repeatable; syntax as for `staff`), shown as
    /// met / close / missed in the report: `service_level_20s>=80%`, `abandon_rate<=5%`.
    #[arg(long = "target", value_name = "TARGET")]
    pub targets: Vec<String>,
}

#[derive(clap::Args)]
pub struct CompareArgs {
    /// Scenario files; differences are against the first.
    #[arg(required = true, num_args = 2..)]
    pub scenarios: Vec<PathBuf>,
    #[command(flatten)]
    pub sim: SimArgs,
    /// What to print: the comparison table, or compare.json on stdout.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// A target drawn on the plots and judged per design in the report (repeatable):
    /// `service_level_20s>=80%`.
    #[arg(long = "target", value_name = "TARGET")]
    pub targets: Vec<String>,
}

#[derive(clap::Args)]
pub struct SweepArgs {
    /// A sweep file (RON): scenario, parameters and/or points, replications, seed, days.
    pub sweep: Option<PathBuf>,
    /// The scenario to sweep (instead of, or overriding, the sweep file's).
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    /// A parameter and its values: `teams.L1.agents=2..6`, `demand=0.8,1,1.2`,
    /// `teams.L1.triage.accuracy=0.8..1:0.05`. Repeat for a grid.
    #[arg(long = "set", value_name = "PATH=VALUES")]
    pub set: Vec<String>,
    /// Replications per point (default: the sweep file's, else 10).
    #[arg(long, short = 'n', value_parser = clap::value_parser!(u64).range(..=100_000))]
    pub replications: Option<u64>,
    /// Base seed (default: the sweep file's, else 1); every point uses the same streams.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Override the simulated days (default: the sweep file's, else the scenario's).
    #[arg(long)]
    pub days: Option<u32>,
    /// Output folder (default: results/sweep-<scenario name>/).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Run shard K of N (0-based), e.g. `3/16`; default from SLURM_ARRAY_TASK_ID and
    /// SLURM_ARRAY_TASK_COUNT, or JOB_COMPLETION_INDEX and TIERSIM_SHARDS (Kubernetes).
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// What to print: the files written, or sweep.json on stdout.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(clap::Args)]
pub struct ErlangArgs {
    /// Arrival rate: `120/h`, `2/min`, `500/d` (spread over --hours), or a number per hour.
    #[arg(long)]
    pub rate: String,
    /// Opening hours a day, for rates per day.
    #[arg(long, default_value_t = 24.0)]
    pub hours: f64,
    /// Mean handling time (`10min`, `180s`).
    #[arg(long)]
    pub aht: String,
    /// Mean patience (adds Erlang A, with abandonment).
    #[arg(long)]
    pub patience: Option<String>,
    /// Phone lines (waiting places plus agents): adds the blocking probability (M/M/c/K).
    #[arg(long)]
    pub lines: Option<u32>,
    /// `sl=80%/20s`, `asa=30s`, `abandon=5%` or `occupancy=85%`.
    #[arg(long, default_value = "sl=80%/20s")]
    pub target: String,
    /// Share of paid time off the floor (breaks, training, absence): `12.5%` is 7 of 8 hours.
    #[arg(long, default_value = "0%")]
    pub shrinkage: String,
    /// Also print KPIs for a range of agent counts, e.g. `10..16`.
    #[arg(long)]
    pub table: Option<String>,
    /// What to print: tables, or the same figures as JSON on stdout.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(clap::Args)]
pub struct StaffArgs {
    /// Scenario file (RON).
    pub scenario: PathBuf,
    /// A target, repeatable: `service_level_20s>=80%`, `abandon_rate<=5%`, `response_mean<=1min`,
    /// `resolution_p90<=8h`, `loss_rate<=2%`, `utilisation<=85%` (every team),
    /// `service_level_20s@channel:phone>=80%`, `sla_response@priority:urgent>=95%`.
    #[arg(long = "target", required = true)]
    pub targets: Vec<String>,
    /// A staffing level per team per interval of the day instead of one per team.
    #[arg(long)]
    pub per_interval: bool,
    #[command(flatten)]
    pub sim: SimArgs,
    /// Share of paid time off the floor, to turn agents on the floor into rostered heads.
    #[arg(long, default_value = "12.5%")]
    pub shrinkage: String,
    /// Most evaluations (each of N replications) the search may use.
    #[arg(long, default_value_t = 1500)]
    pub max_evaluations: usize,
    /// What to print: the staffing report, or the staffed run's summary.json (with targets and
    /// required staffing) on stdout.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Prints a scenario's warnings on stderr: those found while reading the input, then the
/// model's suspicious but valid features.
pub(crate) fn warn(path: &std::path::Path, m: &tiersim::model::Model) {
    for w in tiersim::model::warnings(m) {
        eprintln!("warning: {}: {w}", path.display());
    }
}

/// Runs the command line.
pub fn main(cli: Cli) -> Result<()> {
    let quiet = cli.quiet;
    if let Some(n) = cli.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()
            .context("cannot set up worker threads")?;
    }
    match cli.command {
        Command::Run(a) => simulate::run(a, quiet),
        Command::Compare(a) => simulate::compare(a, quiet),
        Command::Sweep(a) => sweep::sweep(a, quiet),
        Command::Erlang(a) => staff::erlang(a),
        Command::Staff(a) => staff::staff(a, quiet),
        Command::Fit(a) => fit::fit(a),
        Command::Pilot(a) => pilot::pilot_cmd(a),
        Command::Merge { dirs, out, format } => sweep::merge(&dirs, out, format),
        Command::Validate { scenarios, format } => simulate::validate(&scenarios, format),
        Command::Report { dir, format } => {
            let p = tiersim::report::html::write_report(&dir)?;
            match format {
                Format::Table => sayln!("wrote {}", p.display()),
                Format::Json => sayln!("{}", serde_json::json!({ "wrote": p })),
            }
            Ok(())
        }
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut cmd = Cli::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut cmd, "tiersim", &mut out);
            say(String::from_utf8_lossy(&out));
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    #[test]
    fn every_subcommand_has_examples_and_every_option_a_help_line() {
        let cmd = Cli::command();
        cmd.clone().debug_assert();
        for sub in cmd.get_subcommands() {
            let after = sub
                .get_after_help()
                .map(|h| h.to_string())
                .unwrap_or_default();
            assert!(
                after.contains("Example"),
                "`tiersim {} --help` has no examples",
                sub.get_name()
            );
            for arg in sub.get_arguments() {
                assert!(
                    arg.get_help().is_some() || arg.get_long_help().is_some(),
                    "`tiersim {}`: option `{}` has no help line",
                    sub.get_name(),
                    arg.get_id()
                );
            }
        }
    }
}
