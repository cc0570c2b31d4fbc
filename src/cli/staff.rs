//! `erlang` and `staff`: analytic staffing and the simulation-based staffing search.

use super::{ErlangArgs, Format, StaffArgs, say, sayln};
use anyhow::{Context, Result, bail};
use std::path::Path;
use tiersim::{model, report};

pub(super) fn share(text: &str, what: &str) -> Result<f64> {
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

pub(super) fn dur(text: &str, what: &str) -> Result<f64> {
    tiersim::scenario::Dur::parse(text)
        .map(|d| d.secs())
        .map_err(|e| anyhow::anyhow!("{what}: {e}"))
}

/// An arrival rate per second.
pub(super) fn rate(text: &str, hours: f64) -> Result<f64> {
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

pub(super) fn erlang(a: ErlangArgs) -> Result<()> {
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
        lines: a.lines,
        table,
    };
    if inputs.shrinkage >= 1.0 {
        bail!("--shrinkage must be below 100%");
    }
    match a.format {
        Format::Table => say(report::staff::erlang_report(&inputs)?),
        Format::Json => sayln!(
            "{}",
            String::from_utf8_lossy(&report::staff::erlang_json(&inputs)?)
        ),
    }
    Ok(())
}

pub(super) fn staff(a: StaffArgs, quiet: bool) -> Result<()> {
    use tiersim::experiment::{StaffOptions, StaffTarget, independent_check, search};
    let targets = a
        .targets
        .iter()
        .map(|t| StaffTarget::parse(t).map_err(|e| anyhow::anyhow!(e)))
        .collect::<Result<Vec<_>>>()?;
    let shrinkage = share(&a.shrinkage, "--shrinkage")?;
    if shrinkage >= 1.0 {
        bail!("--shrinkage must be below 100%");
    }
    let (min, why) = tiersim::experiment::min_replications(a.per_interval);
    if a.sim.replications < min {
        bail!(
            "--replications {} is too few{}: at least {min} are needed ({why})",
            a.sim.replications,
            if a.per_interval {
                " for --per-interval"
            } else {
                ""
            }
        );
    }
    let (scenario, source) = tiersim::scenario::load(&a.scenario)?;
    let m = model::compile_with(&scenario, &source, &model::Overrides { days: a.sim.days })?;
    super::warn(&a.scenario, &m);
    // Each mode has its own default folder, so one never overwrites the other.
    let mode = if a.per_interval { "-per-interval" } else { "" };
    let dir = a
        .sim
        .out
        .clone()
        .unwrap_or_else(|| Path::new("results").join(format!("staff-{}{mode}", m.name)));
    let set = report::OutputSet::begin(&dir)?;
    let opts = StaffOptions {
        replications: a.sim.replications,
        seed: a.sim.seed,
        per_interval: a.per_interval,
        max_evaluations: a.max_evaluations,
    };
    let spinner = super::progress(0, "", quiet);
    if !spinner.is_hidden() {
        spinner.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        spinner.set_message("searching staffing (simulating candidate staffings)...");
        spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    }
    let r = search(&m, &targets, &opts)?;
    spinner.set_message("validating with fresh replications...");
    let (validation, _) = independent_check(&m, &r.staffing, &targets, &opts)?;
    spinner.finish_and_clear();
    if a.format == Format::Table {
        say(report::staff::staff_report(
            &m,
            &r,
            a.per_interval,
            shrinkage,
            Some(&validation),
        ));
    }
    // The name is a plain file-name component (checked when compiling), so this stays in `dir`.
    let path = set.dir().join(format!("{}-staffed.ron", m.name));
    report::write_atomic(
        &path,
        report::staff::staffed_scenario(&scenario, &m, &r.staffing)?.as_bytes(),
    )?;
    let meta = report::tidy::RunMeta::new(
        &m,
        &a.scenario.display().to_string(),
        a.sim.seed,
        &r.summary,
    );
    let staffed = r.staffing.apply(&m);
    let checks: Vec<_> = r
        .checks
        .iter()
        .filter(|c| c.slot.is_none())
        .cloned()
        .collect();
    let extras = report::tidy::ReportExtras::new(
        &staffed,
        &r.summary,
        &targets,
        &checks,
        &m,
        Some(&r.staffing),
    );
    let mut written = report::write_run(set.dir(), &staffed, &meta, &r.summary, &extras, None)?;
    written.extend(report::write_run_plots(set.dir(), &staffed, &r.summary)?);
    written.push(report::html::write_report(set.dir())?);
    let json = report::tidy::summary_json(&staffed, &meta, &r.summary, &extras)?;
    let written: Vec<_> = std::iter::once(&path)
        .chain(&written)
        .map(|p| set.final_path(p))
        .collect();
    set.commit()?;
    match a.format {
        Format::Table if !quiet => {
            say("\n");
            for p in written {
                sayln!("wrote {}", p.display());
            }
        }
        Format::Table => {}
        Format::Json => sayln!("{}", String::from_utf8_lossy(&json)),
    }
    if r.stopped.is_some() {
        bail!("the search stopped without meeting every target (see above)");
    }
    let violated: Vec<String> = validation
        .violated()
        .iter()
        .map(|c| format!("{} ({})", c.target, c.scope_name))
        .collect();
    if !violated.is_empty() {
        bail!(
            "INDEPENDENT CHECK FAILED: with seed {} the staffing found significantly misses {}",
            validation.seed,
            violated.join(", ")
        );
    }
    Ok(())
}
