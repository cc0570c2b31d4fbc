//! `sweep` and `merge`: grids of parameter values, shards on a cluster, resuming.

use super::{Format, SweepArgs, say, sayln};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// The shard to run: `--shard K/N`, or from a job array's environment.
pub(super) fn shard(arg: Option<&str>) -> Result<Option<(usize, usize)>> {
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

pub(super) fn sweep(a: SweepArgs, quiet: bool) -> Result<()> {
    use tiersim::experiment::{Param, Plan, SweepFile, parse_values, run_points};
    use tiersim::report::sweep::{Manifest, Store, write_final};
    let file: Option<SweepFile> = match &a.sweep {
        None => None,
        Some(p) => {
            let text = tiersim::scenario::read_text(
                p,
                "sweep file",
                tiersim::scenario::MAX_SCENARIO_BYTES,
            )?;
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
    for w in plan.model(0)?.warnings {
        eprintln!("warning: {w}");
    }
    let dir = a
        .out
        .clone()
        .unwrap_or_else(|| Path::new("results").join(default_folder(&a, &plan)));
    let mut store = Store::open(&dir, &manifest)?;
    let shard = shard(a.shard.as_deref())?;
    let whole = shard.is_none_or(|(_, n)| n == 1);
    if whole {
        // The final results are built from the points in hand, not all read back.
        store.keep_points();
    }
    let mine = match shard {
        Some((k, n)) => plan.shard(k, n),
        None => (0..plan.points.len()).collect(),
    };
    let scan = store.scan(&manifest.fingerprint)?;
    for (p, why) in &scan.unreadable {
        eprintln!(
            "warning: {} cannot be used ({why}); computing its point again",
            p.display()
        );
    }
    let done = scan.done;
    let todo: Vec<usize> = mine.iter().copied().filter(|i| !done.contains(i)).collect();
    if !quiet {
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
    }
    let bar = super::progress(todo.len() as u64, "points", quiet);
    run_points(&plan, &todo, &|r| {
        store.save(&plan, &manifest.fingerprint, &r)?;
        bar.inc(1);
        Ok(())
    })?;
    bar.finish_and_clear();
    // Point files were synced in the background as they came; this waits for the last.
    store.sync_points()?;
    if !whole {
        sayln!(
            "shard done: {} points in {}; combine the shards with `tiersim merge`",
            mine.len(),
            dir.display()
        );
        return Ok(());
    }
    let points = store.kept_points(&manifest)?;
    let written = write_final(&dir, &manifest, &points)?;
    finish(&dir, &written, a.format, quiet)
}

/// Prints what a finished sweep wrote: the file list, or `sweep.json`.
fn finish(dir: &Path, written: &[PathBuf], format: Format, quiet: bool) -> Result<()> {
    match format {
        Format::Table if !quiet => {
            for p in written {
                sayln!("wrote {}", p.display());
            }
        }
        Format::Table => {}
        Format::Json => {
            let p = dir.join("sweep.json");
            say(String::from_utf8_lossy(
                &std::fs::read(&p).with_context(|| format!("cannot read {}", p.display()))?,
            ));
            say("\n");
        }
    }
    Ok(())
}

/// The default output folder, named after the sweep: the sweep file's name (`sweep-after.ron`
/// gives `sweep-after`), or the scenario's name and the parameters set on the command line
/// (`sweep-after-L1.add-demand`), so different sweeps of one scenario do not collide.
fn default_folder(a: &SweepArgs, plan: &tiersim::experiment::Plan) -> String {
    let stem = a
        .sweep
        .as_ref()
        .and_then(|p| p.file_stem())
        .map(|s| s.to_string_lossy().into_owned());
    let mut name = match stem {
        Some(s) if s.starts_with("sweep") => s,
        Some(s) => format!("sweep-{s}"),
        None => format!("sweep-{}", plan.base.name),
    };
    for set in &a.set {
        let path = set.split_once('=').map_or(set.as_str(), |(p, _)| p).trim();
        // The path without `teams.`/`channels.`: the item and field are what tell sweeps apart.
        let short = path.split_once('.').map_or(path, |(_, rest)| rest);
        name.push('-');
        name.push_str(short);
    }
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '+') {
                c
            } else {
                '_'
            }
        })
        .collect();
    super::simulate::folder_name("", &safe)
}

pub(super) fn merge(dirs: &[PathBuf], out: Option<PathBuf>, format: Format) -> Result<()> {
    use tiersim::report::sweep::{Store, collect, write_final};
    let manifest = Store::manifest(&dirs[0])?;
    let points = collect(&manifest, dirs)?;
    // A point file a killed sweep left unsynced is made durable before results rest on it.
    for d in dirs {
        tiersim::report::atomic::FolderSync::watch(&d.join("points")).finish()?;
    }
    let out = out.unwrap_or_else(|| dirs[0].clone());
    // Held until the final files are written: a second writer of this folder is refused.
    let _store = Store::open(&out, &manifest)?;
    let written = write_final(&out, &manifest, &points)?;
    finish(&out, &written, format, false)
}
