//! `run`, `compare` and `validate`.

use super::{CompareArgs, Format, RunArgs, say, sayln};
use anyhow::{Result, bail};
use std::path::{Path, PathBuf};
use tiersim::{experiment, model, report};

pub(super) fn load(path: &Path, days: Option<u32>) -> Result<model::Model> {
    let mut m = model::load_model(path)?;
    if let Some(d) = days {
        if d == 0 {
            bail!("--days must be at least 1");
        }
        m.horizon = m.warmup + f64::from(d) * 86_400.0;
    }
    Ok(m)
}

/// Parses `--target` texts (the staffing search's syntax).
pub(super) fn targets(texts: &[String]) -> Result<Vec<experiment::StaffTarget>> {
    texts
        .iter()
        .map(|t| experiment::StaffTarget::parse(t).map_err(|e| anyhow::anyhow!(e)))
        .collect()
}

pub(super) fn run(a: RunArgs, quiet: bool) -> Result<()> {
    if a.sim.replications == 0 {
        bail!("--replications must be at least 1");
    }
    let m = load(&a.scenario, a.sim.days)?;
    let targets = targets(&a.targets)?;
    let bar = super::progress(a.sim.replications, "replications", quiet);
    let (layout, reps, trace) = experiment::run_replications_with(
        &m,
        a.sim.seed,
        0..a.sim.replications,
        a.trace.is_some(),
        &|| bar.inc(1),
    )?;
    bar.finish_and_clear();
    let summary = experiment::Summary::new(&m, layout, &reps);
    let checks = experiment::check(&m, &summary, &targets)?;
    let extras = report::tidy::ReportExtras::new(&m, &summary, &targets, &checks, &m, None);
    let meta =
        report::tidy::RunMeta::new(&m, &a.scenario.display().to_string(), a.sim.seed, &summary);
    let dir = a
        .sim
        .out
        .unwrap_or_else(|| Path::new("results").join(&m.name));
    let mut written = report::write_run(&dir, &m, &meta, &summary, &extras, None)?;
    written.extend(report::write_run_plots(&dir, &m, &summary)?);
    written.push(report::html::write_report(&dir)?);
    if let Some(t) = &a.trace {
        report::write_atomic(t, &report::tidy::trace_csv(&m, &trace)?)?;
    }
    match a.format {
        Format::Table => {
            say(report::table::run_table(&m, &summary));
            if !quiet {
                for p in written.iter().chain(a.trace.as_ref()) {
                    sayln!("wrote {}", p.display());
                }
            }
        }
        Format::Json => {
            sayln!(
                "{}",
                String::from_utf8_lossy(&report::tidy::summary_json(&m, &meta, &summary, &extras)?)
            );
        }
    }
    Ok(())
}

pub(super) fn validate(paths: &[PathBuf], format: Format) -> Result<()> {
    let mut failed = 0;
    let mut json = Vec::new();
    for p in paths {
        match model::load_model(p) {
            Ok(m) => {
                let days = ((m.horizon - m.warmup) / 86_400.0).round();
                if format == Format::Table {
                    sayln!(
                        "{}: ok ({} channels, {} teams, {} incident types, {} days)",
                        p.display(),
                        m.channels.len(),
                        m.teams.len(),
                        m.types.len(),
                        days
                    );
                }
                json.push(serde_json::json!({
                    "file": p, "ok": true, "channels": m.channels.len(), "teams": m.teams.len(),
                    "incident_types": m.types.len(), "days": days,
                }));
            }
            Err(e) => {
                eprintln!("error: {e}");
                json.push(serde_json::json!({ "file": p, "ok": false, "error": e.to_string() }));
                failed += 1;
            }
        }
    }
    if format == Format::Json {
        sayln!("{}", serde_json::Value::Array(json));
    }
    if failed > 0 {
        bail!("{failed} of {} scenario files are invalid", paths.len());
    }
    Ok(())
}

pub(super) fn compare(a: CompareArgs, quiet: bool) -> Result<()> {
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
    let targets = targets(&a.targets)?;
    let dir = a.sim.out.clone().unwrap_or_else(|| {
        let names: Vec<&str> = models.iter().map(|(_, m)| m.name.as_str()).collect();
        Path::new("results").join(format!("compare-{}", names.join("-")))
    });
    let bar = super::progress(
        a.sim.replications * models.len() as u64,
        "replications",
        quiet,
    );
    let c = experiment::compare_with(models, a.sim.seed, a.sim.replications, &|| bar.inc(1))?;
    bar.finish_and_clear();
    let mut written = Vec::new();
    for (d, path) in c.designs.iter().zip(&a.scenarios) {
        let checks = experiment::check(&d.model, &d.summary, &targets)?;
        let extras = report::tidy::ReportExtras::new(
            &d.model, &d.summary, &targets, &checks, &d.model, None,
        );
        let meta = report::tidy::RunMeta::new(
            &d.model,
            &path.display().to_string(),
            a.sim.seed,
            &d.summary,
        );
        let sub = dir.join("designs").join(report::file_safe(&d.label));
        written.extend(report::write_run(
            &sub, &d.model, &meta, &d.summary, &extras, None,
        )?);
    }
    let plain: Vec<(String, f64)> = targets
        .iter()
        .filter(|t| t.scope.as_deref().is_none_or(|s| s == "overall"))
        .map(|t| (t.kpi.clone(), t.value))
        .collect();
    written.extend(report::compare::write_compare(&dir, &c, &plain)?);
    written.push(report::html::write_report(&dir)?);
    match a.format {
        Format::Table => {
            say(report::compare::compare_table(&c));
            if !quiet {
                for p in &written {
                    sayln!("wrote {}", p.display());
                }
            }
        }
        Format::Json => sayln!(
            "{}",
            String::from_utf8_lossy(&std::fs::read(dir.join("compare.json"))?)
        ),
    }
    Ok(())
}
