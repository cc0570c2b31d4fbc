//! `run`, `compare` and `validate`.

use super::{CompareArgs, Format, RunArgs, say, sayln};
use anyhow::{Result, bail};
use std::path::{Path, PathBuf};
use tiersim::{experiment, model, report};

/// Loads and compiles a scenario with `--days` applied (and checked like the file's value),
/// printing its warnings (input checks and the model's suspicious features).
pub(super) fn load(path: &Path, days: Option<u32>) -> Result<model::Model> {
    let (s, src) = tiersim::scenario::load(path)?;
    let m = model::compile_with(&s, &src, &model::Overrides { days })?;
    super::warn(path, &m);
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
    let dir = a
        .sim
        .out
        .clone()
        .unwrap_or_else(|| Path::new("results").join(&m.name));
    let set = report::OutputSet::begin(&dir)?;
    // A trace inside the output folder is part of the set; elsewhere it is its own file.
    let trace = a.trace.as_ref().map(|t| staged(&set, &dir, t));
    let reps = 0..a.sim.replications;
    let (layout, reps) = match &trace {
        None => {
            let bar = super::progress(a.sim.replications, "replications", quiet);
            let (layout, reps, _) =
                experiment::run_replications_with(&m, a.sim.seed, reps, false, &|| bar.inc(1))?;
            bar.finish_and_clear();
            (layout, reps)
        }
        Some(path) => {
            let mut w = report::tidy::TraceWriter::create(path, &m)?;
            let out =
                experiment::run_replications_traced(&m, a.sim.seed, reps, &mut |t| w.push(t))?;
            w.finish()?;
            out
        }
    };
    let summary = experiment::Summary::new(&m, layout, &reps);
    let checks = experiment::check(&m, &summary, &targets)?;
    let extras = report::tidy::ReportExtras::new(&m, &summary, &targets, &checks, &m, None);
    let meta =
        report::tidy::RunMeta::new(&m, &a.scenario.display().to_string(), a.sim.seed, &summary);
    let mut written = report::write_run(set.dir(), &m, &meta, &summary, &extras, None)?;
    written.extend(report::write_run_plots(set.dir(), &m, &summary)?);
    written.push(report::html::write_report(set.dir())?);
    let mut written: Vec<PathBuf> = written.iter().map(|p| set.final_path(p)).collect();
    written.extend(trace.as_ref().map(|p| set.final_path(p)));
    set.commit()?;
    match a.format {
        Format::Table => {
            say(report::table::run_table(&m, &summary));
            if !quiet {
                for p in &written {
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

/// `file` itself, or its place in the set's folder if it lies anywhere under the set's target
/// folder (however the path is spelt: `..`, subfolders, symlinked parents): a file left in the
/// old folder would be removed with it when the set is swapped in.
fn staged(set: &report::OutputSet, target: &Path, file: &Path) -> PathBuf {
    match resolved(file).strip_prefix(resolved(target)) {
        Ok(rel) if !rel.as_os_str().is_empty() => set.dir().join(rel),
        _ => file.to_path_buf(),
    }
}

/// `p` made absolute with `.` and `..` folded, its longest existing ancestor resolved through
/// symlinks.
fn resolved(p: &Path) -> PathBuf {
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    let mut rest = Vec::new();
    let mut base = out.as_path();
    loop {
        if let Ok(real) = base.canonicalize() {
            return rest.iter().rev().fold(real, |acc, n| acc.join(n));
        }
        match (base.parent(), base.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                base = parent;
            }
            _ => return out,
        }
    }
}

pub(super) fn validate(paths: &[PathBuf], format: Format) -> Result<()> {
    let mut failed = 0;
    let mut json = Vec::new();
    for p in paths {
        match model::load_model(p) {
            Ok(m) => {
                super::warn(p, &m);
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
                    "incident_types": m.types.len(), "days": days, "warnings": tiersim::model::warnings(&m),
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
    let dir = a.sim.out.clone().unwrap_or_else(|| {
        let names: Vec<&str> = models.iter().map(|(_, m)| m.name.as_str()).collect();
        Path::new("results").join(folder_name("compare-", &names.join("-")))
    });
    let targets = targets(&a.targets)?;
    let set = report::OutputSet::begin(&dir)?;
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
        let sub = set.dir().join("designs").join(report::file_safe(&d.label));
        written.extend(report::write_run(
            &sub, &d.model, &meta, &d.summary, &extras, None,
        )?);
    }
    let plain: Vec<(String, f64)> = targets
        .iter()
        .filter(|t| t.scope.as_deref().is_none_or(|s| s == "overall"))
        .map(|t| (t.kpi.clone(), t.value))
        .collect();
    written.extend(report::compare::write_compare(set.dir(), &c, &plain)?);
    written.push(report::html::write_report(set.dir())?);
    let json = std::fs::read(set.dir().join("compare.json"))?;
    let written: Vec<PathBuf> = written.iter().map(|p| set.final_path(p)).collect();
    set.commit()?;
    match a.format {
        Format::Table => {
            say(report::compare::compare_table(&c));
            if !quiet {
                for p in &written {
                    sayln!("wrote {}", p.display());
                }
            }
        }
        Format::Json => sayln!("{}", String::from_utf8_lossy(&json)),
    }
    Ok(())
}

/// `prefix` + `name`, cut to at most 200 bytes (on a character boundary): folder names have
/// a length limit (255 bytes on most file systems) and several scenario names may be joined.
pub(super) fn folder_name(prefix: &str, name: &str) -> String {
    let mut out = format!("{prefix}{name}");
    let mut cut = out.len().min(200);
    while !out.is_char_boundary(cut) {
        cut -= 1;
    }
    out.truncate(cut);
    out
}
