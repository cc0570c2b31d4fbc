//! The command line: parses arguments, calls the library, prints. It never simulates itself.

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use tiersim::{experiment, model, report};

/// Writes to stdout; a closed pipe (`tiersim run ... | head`) ends the program quietly
/// instead of panicking.
fn say(text: impl std::fmt::Display) {
    use std::io::Write;
    if let Err(e) = write!(std::io::stdout().lock(), "{text}")
        && e.kind() == std::io::ErrorKind::BrokenPipe
    {
        std::process::exit(0);
    }
}

macro_rules! sayln {
    ($($arg:tt)*) => { say(format_args!("{}\n", format_args!($($arg)*))) };
}

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
    #[arg(long, short = 'n', default_value_t = 10)]
    pub replications: u64,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[arg(long)]
    pub days: Option<u32>,
    /// Share of paid time off the floor, to turn agents on the floor into rostered heads.
    #[arg(long, default_value = "12.5%")]
    pub shrinkage: String,
    /// Most evaluations (each of N replications) the search may use.
    #[arg(long, default_value_t = 1500)]
    pub max_evaluations: usize,
    /// Output folder (default: results/staff-<scenario name>/).
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
        Command::Sweep(a) => sweep(a),
        Command::Erlang(a) => erlang(a),
        Command::Staff(a) => staff(a),
        Command::Merge { dirs, out } => merge(&dirs, out),
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
            say(report::table::run_table(&m, &summary));
            for p in written.iter().chain(a.trace.as_ref()) {
                sayln!("wrote {}", p.display());
            }
        }
        Format::Json => {
            sayln!(
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
            Ok(m) => sayln!(
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
    say(report::compare::compare_table(&c));
    for p in report::compare::write_compare(&dir, &c)? {
        sayln!("wrote {}", p.display());
    }
    Ok(())
}

/// The shard to run: `--shard K/N`, or from a job array's environment.
fn shard(arg: Option<&str>) -> Result<Option<(usize, usize)>> {
    let parse = |k: &str, n: &str, from: &str| -> Result<(usize, usize)> {
        let (k, n): (usize, usize) = (
            k.trim()
                .parse()
                .with_context(|| format!("bad shard index in {from}"))?,
            n.trim()
                .parse()
                .with_context(|| format!("bad shard count in {from}"))?,
        );
        if n == 0 || k >= n {
            bail!("shard {k}/{n} from {from}: need 0 <= K < N");
        }
        Ok((k, n))
    };
    if let Some(s) = arg {
        let (k, n) = s.split_once('/').context("--shard takes K/N, e.g. 0/4")?;
        return parse(k, n, "--shard").map(Some);
    }
    let env = |v: &str| std::env::var(v).ok();
    if let (Some(k), Some(n)) = (env("SLURM_ARRAY_TASK_ID"), env("SLURM_ARRAY_TASK_COUNT")) {
        // Slurm array indices start where the script says; --array=0-(N-1) is documented.
        return parse(&k, &n, "SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT").map(Some);
    }
    if let (Some(k), Some(n)) = (env("JOB_COMPLETION_INDEX"), env("TIERSIM_SHARDS")) {
        return parse(&k, &n, "JOB_COMPLETION_INDEX/TIERSIM_SHARDS").map(Some);
    }
    Ok(None)
}

fn sweep(a: SweepArgs) -> Result<()> {
    use tiersim::experiment::{Param, Plan, SweepFile, parse_values, run_points};
    use tiersim::report::sweep::{Manifest, Store, collect, write_final};
    let file: Option<SweepFile> = match &a.sweep {
        None => None,
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("{}: cannot read the sweep file", p.display()))?;
            Some(
                ron::Options::default()
                    .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
                    .from_str(&text)
                    .map_err(|e| {
                        anyhow::anyhow!(
                            "{}:{}:{}: {}",
                            p.display(),
                            e.span.start.line,
                            e.span.start.col,
                            e.code
                        )
                    })?,
            )
        }
    };
    let scenario_path = match (&a.scenario, &file) {
        (Some(s), _) => s.clone(),
        (None, Some(f)) => a
            .sweep
            .as_ref()
            .and_then(|p| p.parent())
            .unwrap_or(Path::new("."))
            .join(&f.scenario),
        (None, None) => bail!("give a sweep file or --scenario"),
    };
    let mut grid: Vec<Param> = file
        .as_ref()
        .map(|f| {
            f.parameters
                .iter()
                .map(|(p, v)| Param {
                    path: p.clone(),
                    values: v.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    for s in &a.set {
        let (path, values) = s.split_once('=').with_context(|| {
            format!("--set `{s}`: expected PATH=VALUES, e.g. teams.L1.agents=2..6")
        })?;
        let values = parse_values(values).map_err(|e| anyhow::anyhow!("--set `{s}`: {e}"))?;
        grid.retain(|p| p.path != path.trim());
        grid.push(Param {
            path: path.trim().to_string(),
            values,
        });
    }
    let explicit = file.as_ref().map(|f| f.points.clone()).unwrap_or_default();
    let replications = a
        .replications
        .or(file.as_ref().and_then(|f| f.replications))
        .unwrap_or(10);
    let seed = a.seed.or(file.as_ref().and_then(|f| f.seed)).unwrap_or(1);
    let days = a.days.or(file.as_ref().and_then(|f| f.days));
    if replications < 2 {
        bail!("replications must be at least 2 to give confidence intervals");
    }
    let (base, source) = tiersim::scenario::load(&scenario_path)?;
    let plan = Plan::new(base, source, &grid, explicit, replications, seed, days)?;
    let manifest = Manifest::new(&plan);
    let dir = a
        .out
        .clone()
        .unwrap_or_else(|| Path::new("results").join(format!("sweep-{}", plan.base.name)));
    let store = Store::open(&dir, &manifest)?;
    let shard = shard(a.shard.as_deref())?;
    let mine = match shard {
        Some((k, n)) => plan.shard(k, n),
        None => (0..plan.points.len()).collect(),
    };
    let done = store.done(&manifest.fingerprint)?;
    let todo: Vec<usize> = mine.iter().copied().filter(|i| !done.contains(i)).collect();
    eprintln!(
        "sweep of {} points x {} replications{}: {} already done, computing {}",
        plan.points.len(),
        replications,
        shard.map_or(String::new(), |(k, n)| format!(
            " (shard {k}/{n}: {} points)",
            mine.len()
        )),
        mine.len() - todo.len(),
        todo.len()
    );
    let bar = progress(todo.len() as u64);
    run_points(&plan, &todo, &|r| {
        store.save(&plan, &manifest.fingerprint, &r)?;
        bar.inc(1);
        Ok(())
    })?;
    bar.finish_and_clear();
    if shard.is_some_and(|(_, n)| n > 1) {
        sayln!(
            "shard done: {} points in {}; combine the shards with `tiersim merge`",
            mine.len(),
            dir.display()
        );
        return Ok(());
    }
    let points = collect(&manifest, std::slice::from_ref(&dir))?;
    for p in write_final(&dir, &manifest, &points)? {
        sayln!("wrote {}", p.display());
    }
    Ok(())
}

/// A progress bar with ETA on stderr when it is a terminal; hidden otherwise.
fn progress(n: u64) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(n);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{bar:40} {pos}/{len} points, {elapsed} elapsed, ETA {eta}",
    ) {
        bar.set_style(style);
    }
    bar
}

fn merge(dirs: &[PathBuf], out: Option<PathBuf>) -> Result<()> {
    use tiersim::report::sweep::{Store, collect, write_final};
    let manifest = Store::manifest(&dirs[0])?;
    let points = collect(&manifest, dirs)?;
    let out = out.unwrap_or_else(|| dirs[0].clone());
    if out != dirs[0] {
        Store::open(&out, &manifest)?;
    }
    for p in write_final(&out, &manifest, &points)? {
        sayln!("wrote {}", p.display());
    }
    Ok(())
}

fn share(text: &str, what: &str) -> Result<f64> {
    let t = text.trim();
    let v = match t.strip_suffix('%') {
        Some(p) => p.trim().parse::<f64>().map(|v| v / 100.0),
        None => t.parse::<f64>(),
    }
    .with_context(|| format!("{what}: `{text}` is not a share (e.g. 0.8 or 80%)"))?;
    if !(0.0..=1.0).contains(&v) {
        bail!("{what}: `{text}` must be between 0 and 1 (0% and 100%)");
    }
    Ok(v)
}

fn dur(text: &str, what: &str) -> Result<f64> {
    tiersim::scenario::Dur::parse(text)
        .map(|d| d.secs())
        .map_err(|e| anyhow::anyhow!("{what}: {e}"))
}

/// An arrival rate per second.
fn rate(text: &str, hours: f64) -> Result<f64> {
    let (num, per) = text.split_once('/').unwrap_or((text, "h"));
    let n: f64 = num
        .trim()
        .parse()
        .with_context(|| format!("--rate: `{text}` is not a rate like 120/h"))?;
    let secs = match per.trim() {
        "s" | "sec" => 1.0,
        "min" | "m" => 60.0,
        "h" | "hour" => 3600.0,
        "d" | "day" => hours * 3600.0,
        other => bail!("--rate: unknown unit `/{other}`; use /s, /min, /h or /d"),
    };
    if !(n >= 0.0 && n.is_finite() && secs > 0.0) {
        bail!("--rate: must be a non-negative rate (and --hours positive)");
    }
    Ok(n / secs)
}

fn erlang(a: ErlangArgs) -> Result<()> {
    use tiersim::analytic::Target;
    let (kind, value) = a
        .target
        .split_once('=')
        .context("--target: expected sl=80%/20s, asa=30s, abandon=5% or occupancy=85%")?;
    let target = match kind.trim() {
        "sl" => {
            let (p, t) = value
                .split_once('/')
                .context("--target sl=SHARE/TIME, e.g. sl=80%/20s")?;
            Target::ServiceLevel {
                within: dur(t, "--target")?,
                at_least: share(p, "--target")?,
            }
        }
        "asa" => Target::MaxMeanWait(dur(value, "--target")?),
        "abandon" => Target::MaxAbandonRate(share(value, "--target")?),
        "occupancy" => Target::MaxOccupancy(share(value, "--target")?),
        other => bail!("--target: unknown kind `{other}`; use sl, asa, abandon or occupancy"),
    };
    if matches!(target, Target::MaxAbandonRate(_)) && a.patience.is_none() {
        bail!("an abandonment target needs --patience (Erlang A)");
    }
    let table = match &a.table {
        None => None,
        Some(t) => {
            let (lo, hi) = t
                .split_once("..")
                .context("--table: expected LOW..HIGH, e.g. 10..16")?;
            let (lo, hi): (u32, u32) = (lo.trim().parse()?, hi.trim().parse()?);
            if lo > hi || hi - lo > 1000 {
                bail!("--table: expected LOW..HIGH with at most 1000 rows");
            }
            Some((lo, hi))
        }
    };
    let inputs = report::staff::ErlangInputs {
        arrival_rate: rate(&a.rate, a.hours)?,
        mean_service: dur(&a.aht, "--aht")?,
        mean_patience: a
            .patience
            .as_deref()
            .map(|p| dur(p, "--patience"))
            .transpose()?,
        target,
        shrinkage: share(&a.shrinkage, "--shrinkage")?,
        table,
    };
    if inputs.shrinkage >= 1.0 {
        bail!("--shrinkage must be below 100%");
    }
    say(report::staff::erlang_report(&inputs)?);
    Ok(())
}

fn staff(a: StaffArgs) -> Result<()> {
    use tiersim::experiment::{StaffOptions, StaffTarget, search, validate};
    let targets = a
        .targets
        .iter()
        .map(|t| StaffTarget::parse(t).map_err(|e| anyhow::anyhow!(e)))
        .collect::<Result<Vec<_>>>()?;
    let shrinkage = share(&a.shrinkage, "--shrinkage")?;
    if shrinkage >= 1.0 {
        bail!("--shrinkage must be below 100%");
    }
    if a.replications < 2 {
        bail!("--replications must be at least 2 (targets are checked at confidence bounds)");
    }
    let (scenario, source) = tiersim::scenario::load(&a.scenario)?;
    let mut m = model::compile(&scenario, &source)?;
    if let Some(d) = a.days {
        m.horizon = m.warmup + f64::from(d) * 86_400.0;
    }
    let opts = StaffOptions {
        replications: a.replications,
        seed: a.seed,
        per_interval: a.per_interval,
        max_evaluations: a.max_evaluations,
    };
    let r = search(&m, &targets, &opts)?;
    let vseed = a.seed.wrapping_add(1_000_003);
    let (mut vchecks, vsummary) = validate(&m, &r.staffing, &targets, a.replications, vseed)?;
    if a.per_interval {
        vchecks.extend(tiersim::experiment::interval_checks(
            &r.staffing.apply(&m),
            &vsummary,
            &targets,
        ));
    }
    say(report::staff::staff_report(
        &m,
        &r,
        a.per_interval,
        shrinkage,
        Some((&vchecks, vseed)),
    ));
    let dir = a
        .out
        .unwrap_or_else(|| Path::new("results").join(format!("staff-{}", m.name)));
    let path = dir.join(format!("{}-staffed.ron", m.name));
    report::write_atomic(
        &path,
        report::staff::staffed_scenario(&scenario, &m, &r.staffing)?.as_bytes(),
    )?;
    let meta =
        report::tidy::RunMeta::new(&m, &a.scenario.display().to_string(), a.seed, &r.summary);
    let staffed = r.staffing.apply(&m);
    let written = report::write_run(&dir, &staffed, &meta, &r.summary, None)?;
    say("\n");
    for p in std::iter::once(&path).chain(&written) {
        sayln!("wrote {}", p.display());
    }
    if r.stopped.is_some() {
        bail!("the search stopped without meeting every target (see above)");
    }
    Ok(())
}
