//! `run`, `compare` and `validate`.

use super::{CompareArgs, Format, RunArgs, say, sayln};
use anyhow::{Result, bail};
use std::path::{Path, PathBuf};
use tiersim::{experiment, model, report};

/// Loads a scenario, applies `--days`, and prints its warnings on stderr.
pub(super) fn load(path: &Path, days: Option<u32>) -> Result<model::Model> {
    let mut m = model::load_model(path)?;
    if let Some(d) = days {
        if d == 0 {
            bail!("--days must be at least 1");
        }
        m.horizon = m.warmup + f64::from(d) * 86_400.0;
    }
    super::warn(path, &m);
    Ok(m)
}

pub(super) fn run(a: RunArgs) -> Result<()> {
    if a.sim.replications == 0 {
        bail!("--replications must be at least 1");
    }
    let m = load(&a.scenario, a.sim.days)?;
    let (layout, reps, trace) =
        experiment::run_replications(&m, a.sim.seed, 0..a.sim.replications, a.trace.is_some())?;
    let summary = experiment::Summary::new(&m, layout, &reps);
    let meta =
        report::tidy::RunMeta::new(&m, &a.scenario.display().to_string(), a.sim.seed, &summary);
    let dir = a
        .sim
        .out
        .unwrap_or_else(|| Path::new("results").join(&m.name));
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

pub(super) fn validate(paths: &[PathBuf]) -> Result<()> {
    let mut failed = 0;
    for p in paths {
        match model::load_model(p) {
            Ok(m) => {
                super::warn(p, &m);
                sayln!(
                    "{}: ok ({} channels, {} teams, {} incident types, {} days)",
                    p.display(),
                    m.channels.len(),
                    m.teams.len(),
                    m.types.len(),
                    ((m.horizon - m.warmup) / 86_400.0).round()
                )
            }
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

pub(super) fn compare(a: CompareArgs) -> Result<()> {
    if a.sim.replications < 2 {
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
                load(p, a.sim.days)?,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    let dir = a.sim.out.clone().unwrap_or_else(|| {
        let names: Vec<&str> = models.iter().map(|(_, m)| m.name.as_str()).collect();
        Path::new("results").join(format!("compare-{}", names.join("-")))
    });
    let c = experiment::compare(models, a.sim.seed, a.sim.replications)?;
    say(report::compare::compare_table(&c));
    for p in report::compare::write_compare(&dir, &c)? {
        sayln!("wrote {}", p.display());
    }
    Ok(())
}
