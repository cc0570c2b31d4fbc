//! `run`, `compare` and `validate`.

use super::{CompareArgs, Format, RunArgs, say, sayln};
use anyhow::{Result, bail};
use std::path::{Path, PathBuf};
use tiersim::{experiment, model, report};

/// Loads and compiles a scenario with `--days` applied (and checked like the file's value),
/// printing its warnings.
pub(super) fn load(path: &Path, days: Option<u32>) -> Result<model::Model> {
    let (s, src) = tiersim::scenario::load(path)?;
    let m = model::compile_with(&s, &src, &model::Overrides { days })?;
    warn(&m.warnings);
    Ok(m)
}

/// Prints warnings (suspicious but valid input) on stderr.
pub(super) fn warn(warnings: &[String]) {
    for w in warnings {
        eprintln!("warning: {w}");
    }
}

pub(super) fn run(a: RunArgs) -> Result<()> {
    if a.sim.replications == 0 {
        bail!("--replications must be at least 1");
    }
    let m = load(&a.scenario, a.sim.days)?;
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
            let (layout, reps, _) = experiment::run_replications(&m, a.sim.seed, reps, false)?;
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
    let meta =
        report::tidy::RunMeta::new(&m, &a.scenario.display().to_string(), a.sim.seed, &summary);
    let written = report::write_run(set.dir(), &m, &meta, &summary, None)?;
    let mut written: Vec<PathBuf> = written.iter().map(|p| set.final_path(p)).collect();
    written.extend(trace.as_ref().map(|p| set.final_path(p)));
    set.commit()?;
    match a.format {
        Format::Table => {
            say(report::table::run_table(&m, &summary));
            for p in &written {
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

/// `file` itself, or its place in the set's folder if it lies in the set's target folder.
fn staged(set: &report::OutputSet, target: &Path, file: &Path) -> PathBuf {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    match (file.parent(), file.file_name()) {
        (Some(parent), Some(name))
            if abs(if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            }) == abs(target) =>
        {
            set.dir().join(name)
        }
        _ => file.to_path_buf(),
    }
}

pub(super) fn validate(paths: &[PathBuf]) -> Result<()> {
    let mut failed = 0;
    for p in paths {
        match model::load_model(p) {
            Ok(m) => {
                warn(&m.warnings);
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
        Path::new("results").join(folder_name("compare-", &names.join("-")))
    });
    let set = report::OutputSet::begin(&dir)?;
    let c = experiment::compare(models, a.sim.seed, a.sim.replications)?;
    say(report::compare::compare_table(&c));
    let written = report::compare::write_compare(set.dir(), &c)?;
    let written: Vec<PathBuf> = written.iter().map(|p| set.final_path(p)).collect();
    set.commit()?;
    for p in written {
        sayln!("wrote {}", p.display());
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
