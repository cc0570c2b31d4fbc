//! `tiersim fit`: a contact log in, a commented scenario out.

use super::sayln;
use anyhow::{Context, Result};
use std::path::PathBuf;
use tiersim::fit::{FitOptions, StaffingEstimator, fit_file};
use tiersim::logs::{Date, DateRange, LogFormat};
use tiersim::report::fit::{FitMeta, scenario_text, summary_text};

/// A log's format and the dates to use.
#[derive(clap::Args)]
pub struct LogSelect {
    /// `anonymous-bank` (tab-separated call records) or `csv` (tiersim's generic log).
    #[arg(long, default_value = "csv")]
    pub format: LogFormat,
    /// First date to use (YYYY-MM-DD; default: the log's first).
    #[arg(long)]
    pub from: Option<String>,
    /// Last date to use (YYYY-MM-DD), included (default: the log's last).
    #[arg(long)]
    pub to: Option<String>,
}

#[derive(clap::Args)]
pub struct FitArgs {
    /// The contact log.
    pub log: PathBuf,
    #[command(flatten)]
    pub select: LogSelect,
    /// The scenario to write.
    #[arg(long)]
    pub out: PathBuf,
    /// Staffing estimator: `waits` (agents busy while someone waits: explains the waits) or
    /// `seen` (agents seen serving: a lower bound on agents logged in).
    #[arg(long, default_value = "waits")]
    pub staffing: String,
    /// Reporting and staffing interval in minutes.
    #[arg(long, default_value_t = 30)]
    pub interval: u32,
    /// A contact by the same customer within this many minutes of a failed one is a retry.
    #[arg(long, default_value_t = 60)]
    pub retry_window: u32,
}

impl LogSelect {
    /// Parses `--from`/`--to`.
    pub fn range(&self) -> Result<DateRange> {
        date_range(&self.from, &self.to)
    }
}

fn date_range(from: &Option<String>, to: &Option<String>) -> Result<DateRange> {
    let day = |s: &Option<String>, what: &str| -> Result<Option<i64>> {
        s.as_deref()
            .map(|d| Date::parse(d).map(|x| x.days()).map_err(anyhow::Error::msg))
            .transpose()
            .with_context(|| format!("--{what}"))
    };
    Ok(DateRange {
        from: day(from, "from")?,
        to: day(to, "to")?,
    })
}

pub fn fit(a: FitArgs) -> Result<()> {
    let range = a.select.range()?;
    if a.interval == 0 || 1440 % a.interval != 0 {
        anyhow::bail!(
            "--interval must divide a day into whole minutes, got {}",
            a.interval
        );
    }
    let staffing = match a.staffing.as_str() {
        "waits" => StaffingEstimator::BusyWhileWaiting,
        "seen" => StaffingEstimator::Seen,
        s => anyhow::bail!("--staffing: unknown estimator `{s}`; use waits or seen"),
    };
    let opts = FitOptions {
        interval: f64::from(a.interval) * 60.0,
        retry_window: f64::from(a.retry_window) * 60.0,
        staffing,
        ..FitOptions::default()
    };
    let (fit, stats) = fit_file(&a.log, a.select.format, range, opts)?;
    let name = a
        .out
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("fitted")
        .to_string();
    let meta = FitMeta {
        name,
        log: a.log.display().to_string(),
        format: if a.select.format == LogFormat::Csv {
            "csv"
        } else {
            "anonymous-bank"
        }
        .into(),
        rows: stats.kept,
    };
    let text = scenario_text(&fit, &meta);
    // The written scenario must load: check before writing it.
    let (s, src) = tiersim::scenario::parse(&a.out, text.clone())
        .map_err(|e| anyhow::anyhow!("internal: the fitted scenario does not parse: {e}"))?;
    tiersim::model::compile(&s, &src)
        .map_err(|e| anyhow::anyhow!("internal: the fitted scenario does not compile: {e}"))?;
    tiersim::report::write_atomic(&a.out, text.as_bytes())?;
    super::say(summary_text(&fit, &meta));
    sayln!("wrote {}", a.out.display());
    Ok(())
}
