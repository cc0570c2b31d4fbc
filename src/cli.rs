//! The command line: parses arguments, calls the library, prints. It never simulates itself.

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use tiersim::{experiment, model, report};

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

#[derive(clap::Args)]
pub struct RunArgs {
    /// Scenario file (RON).
    pub scenario: PathBuf,
    /// Independent replications (confidence intervals need at least 2).
    #[arg(long, short = 'n', default_value_t = 10)]
    pub replications: u64,
    /// Base seed; replication r uses the streams of (seed, r).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Override the simulated days of the scenario.
    #[arg(long)]
    pub days: Option<u32>,
    /// Output folder (default: results/<scenario name>/).
    #[arg(long)]
    pub out: Option<PathBuf>,
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
    #[arg(long, short = 'n', default_value_t = 10)]
    pub replications: u64,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Override the simulated days of every design.
    #[arg(long)]
    pub days: Option<u32>,
    /// Output folder (default: results/compare-<first>-<second>...).
    #[arg(long)]
    pub out: Option<PathBuf>,
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
        Command::Run(a) => run(a),
        Command::Compare(a) => compare(a),
        Command::Validate { scenarios } => validate(&scenarios),
    }
}

fn load(path: &Path, days: Option<u32>) -> Result<model::Model> {
    let mut m = model::load_model(path)?;
    if let Some(d) = days {
        if d == 0 {
            bail!("--days must be at least 1");
        }
        m.horizon = m.warmup + f64::from(d) * 86_400.0;
    }
    Ok(m)
}

fn run(a: RunArgs) -> Result<()> {
    if a.replications == 0 {
        bail!("--replications must be at least 1");
    }
    let m = load(&a.scenario, a.days)?;
    let (layout, reps, trace) =
        experiment::run_replications(&m, a.seed, 0..a.replications, a.trace.is_some())?;
    let summary = experiment::Summary::new(&m, layout, &reps);
    let meta = report::tidy::RunMeta::new(&m, &a.scenario.display().to_string(), a.seed, &summary);
    let dir = a.out.unwrap_or_else(|| Path::new("results").join(&m.name));
    let written = report::write_run(&dir, &m, &meta, &summary, None)?;
    if let Some(t) = &a.trace {
        report::write_atomic(t, &report::tidy::trace_csv(&m, &trace)?)?;
    }
    match a.format {
        Format::Table => {
            print!("{}", report::table::run_table(&m, &summary));
            println!();
            for p in written.iter().chain(a.trace.as_ref()) {
                println!("wrote {}", p.display());
            }
        }
        Format::Json => {
            println!(
                "{}",
                String::from_utf8_lossy(&report::tidy::summary_json(&m, &meta, &summary)?)
            );
        }
    }
    Ok(())
}

fn validate(paths: &[PathBuf]) -> Result<()> {
    let mut failed = 0;
    for p in paths {
        match model::load_model(p) {
            Ok(m) => println!(
                "{}: ok ({} channels, {} teams, {} incident types, {} days)",
                p.display(),
                m.channels.len(),
                m.teams.len(),
                m.types.len(),
                ((m.horizon - m.warmup) / 86_400.0).round()
            ),
            Err(e) => {
                eprintln!("error: {e}");
                failed += 1;
            }
        }
    }
    if failed > 0 {
        bail!("{failed} of {} scenario files are invalid", paths.len());
    }
    Ok(())
}

fn compare(a: CompareArgs) -> Result<()> {
    if a.replications < 2 {
        bail!("--replications must be at least 2 to give confidence intervals");
    }
    let models = a
        .scenarios
        .iter()
        .map(|p| {
            Ok((
                p.file_stem().map_or_else(
                    || p.display().to_string(),
                    |s| s.to_string_lossy().into_owned(),
                ),
                load(p, a.days)?,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    let dir = a.out.clone().unwrap_or_else(|| {
        let names: Vec<&str> = models.iter().map(|(_, m)| m.name.as_str()).collect();
        Path::new("results").join(format!("compare-{}", names.join("-")))
    });
    let c = experiment::compare(models, a.seed, a.replications)?;
    print!("{}", report::compare::compare_table(&c));
    println!();
    for p in report::compare::write_compare(&dir, &c)? {
        println!("wrote {}", p.display());
    }
    Ok(())
}
