//! `tiersim pilot`: observed KPIs per window from a log against the scenario's prediction
//! intervals, coverage, and a one-factor recalibration.

use super::fit::LogSelect;
use super::sayln;
use anyhow::{Result, bail};
use std::path::PathBuf;
use tiersim::experiment::pilot::{DemandSource, PilotOptions, Windows, pilot};
use tiersim::logs;

#[derive(clap::Args)]
pub struct PilotArgs {
    /// The scenario whose predictions are checked (RON).
    pub scenario: PathBuf,
    /// The log of what was observed.
    #[arg(long)]
    pub observed: PathBuf,
    #[command(flatten)]
    pub select: LogSelect,
    /// Measurement windows: `day`, `week` or `interval` (the scenario's interval on each date).
    #[arg(long, default_value = "day")]
    pub windows: String,
    /// Demand: `replay` (the log's contacts at their recorded times) or `model` (the
    /// scenario's arrival streams).
    #[arg(long, default_value = "replay")]
    pub demand: String,
    /// Replications for the prediction intervals.
    #[arg(long, short = 'n', default_value_t = 200, value_parser = clap::value_parser!(u64).range(..=100_000))]
    pub replications: u64,
    /// Replications per evaluation of a recalibration factor (0: no recalibration).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(0..=100_000))]
    pub calibration_replications: u64,
    /// Base seed of the replications (the same seed gives the same prediction intervals).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Measure the times to answer, observed and predicted, on this business calendar of the
    /// scenario (`business_hours`): an email answered the next morning within 8 business hours
    /// meets an 8 h target that it misses on the wall clock.
    #[arg(long)]
    pub sla_clock: Option<String>,
    /// Output folder (default: results/pilot-<scenario name>/).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub fn pilot_cmd(a: PilotArgs) -> Result<()> {
    let windows = match a.windows.as_str() {
        "day" => Windows::Day,
        "week" => Windows::Week,
        "interval" => Windows::Interval,
        w => bail!("--windows: unknown window `{w}`; use day, week or interval"),
    };
    let demand = match a.demand.as_str() {
        "replay" => DemandSource::Replay,
        "model" => DemandSource::Model,
        d => bail!("--demand: unknown source `{d}`; use replay or model"),
    };
    if a.replications < 40 {
        bail!(
            "--replications: at least 40 are needed for 2.5% and 97.5% quantiles, got {}",
            a.replications
        );
    }
    let range = a.select.range()?;
    let (scenario, source) = tiersim::scenario::load(&a.scenario)?;
    let mut calls = Vec::new();
    logs::read(&a.observed, a.select.format, range, &mut |c| {
        calls.push(c);
        Ok(())
    })?;
    let (Some(first), Some(last)) = (
        calls.first().map(|c| c.day()),
        calls.last().map(|c| c.day()),
    ) else {
        bail!(
            "{}: no contact in the dates asked for",
            a.observed.display()
        );
    };
    let day0 = range.from.unwrap_or(first);
    let days = range.to.unwrap_or(last) - day0 + 1;
    if !(1..=3660).contains(&days) {
        bail!("a pilot covers 1 to 3660 dates; --from and --to give {days}");
    }
    let days = days as usize;
    let opts = PilotOptions {
        windows,
        demand,
        replications: a.replications,
        seed: a.seed,
        calibration_replications: a.calibration_replications,
        clock: a.sla_clock.clone(),
    };
    let result = pilot(&scenario, &source, &calls, day0, days, &opts)?;
    let dir = a
        .out
        .unwrap_or_else(|| PathBuf::from("results").join(format!("pilot-{}", scenario.name)));
    std::fs::create_dir_all(&dir).map_err(|e| tiersim::error::Error::io(&dir, e))?;
    let demand_text = match demand {
        DemandSource::Replay => {
            "replayed from the log (its repeat calls included; the scenario's retries off)"
        }
        DemandSource::Model => "drawn from the scenario's arrival streams",
    };
    super::say(tiersim::report::pilot::summary_text(&result, demand_text));
    let about = tiersim::report::pilot::PilotAbout {
        scenario: scenario.name.clone(),
        observed: a.observed.display().to_string(),
        demand: demand_text.to_string(),
    };
    let written = tiersim::report::pilot::write(&dir, &result, &about)?;
    sayln!("\nwrote {} files to {}", written.len(), dir.display());
    Ok(())
}
