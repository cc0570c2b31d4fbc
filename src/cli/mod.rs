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

#[derive(Parser)]
#[command(
    name = "tiersim",
    version,
    about = "Discrete-event simulator for customer-service design"
)]
pub struct Cli {
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, global = true)]
    pub threads: Option<usize>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Simulate a scenario and report KPIs with 95% confidence intervals.
    Run(RunArgs),
    /// Compare designs on the same demand (common random numbers, paired differences).
    Compare(CompareArgs),
    /// Sweep parameters over a grid (resumable; shardable across machines).
    Sweep(SweepArgs),
    /// Combine the outputs of sweep shards into the results of a single run.
    Merge {
        /// Shard output folders.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Where to write the merged results (default: the first folder).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Required agents by Erlang C and Erlang A for a target, beside the workload-only figure.
    Erlang(ErlangArgs),
    /// Find the smallest staffing per team (optionally per interval) that meets the targets.
    Staff(StaffArgs),
    /// Estimate a scenario from a contact log (demand, mixes, handling, patience, staffing).
    Fit(fit::FitArgs),
    /// Compare a log's KPIs per window with the scenario's prediction intervals.
    Pilot(pilot::PilotArgs),
    /// Check a scenario file without simulating.
    Validate {
        /// Scenario files (RON).
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
}

/// What every simulating command takes.
#[derive(clap::Args)]
pub struct SimArgs {
    /// Independent replications (confidence intervals need at least 2).
    #[arg(long, short = 'n', default_value_t = 10)]
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
    /// What to print.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write a per-contact trace of the first replication to this CSV file (small runs).
    #[arg(long)]
    pub trace: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct CompareArgs {
    /// Scenario files; differences are against the first.
    #[arg(required = true, num_args = 2..)]
    pub scenarios: Vec<PathBuf>,
    #[command(flatten)]
    pub sim: SimArgs,
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
    #[arg(long, short = 'n')]
    pub replications: Option<u64>,
    #[arg(long)]
    pub seed: Option<u64>,
    #[arg(long)]
    pub days: Option<u32>,
    /// Output folder (default: results/sweep-<scenario name>/).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Run shard K of N (0-based), e.g. `3/16`; default from SLURM_ARRAY_TASK_ID and
    /// SLURM_ARRAY_TASK_COUNT, or JOB_COMPLETION_INDEX and TIERSIM_SHARDS (Kubernetes).
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
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
}

/// Runs the command line.
pub fn main(cli: Cli) -> Result<()> {
    if let Some(n) = cli.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()
            .context("cannot set up worker threads")?;
    }
    match cli.command {
        Command::Run(a) => simulate::run(a),
        Command::Compare(a) => simulate::compare(a),
        Command::Sweep(a) => sweep::sweep(a),
        Command::Erlang(a) => staff::erlang(a),
        Command::Staff(a) => staff::staff(a),
        Command::Merge { dirs, out } => sweep::merge(&dirs, out),
        Command::Fit(a) => fit::fit(a),
        Command::Pilot(a) => pilot::pilot_cmd(a),
        Command::Validate { scenarios } => simulate::validate(&scenarios),
    }
}
