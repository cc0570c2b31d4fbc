//! Sweep results on disk: a manifest naming the sweep (with a fingerprint of the scenario and
//! the points), one file per finished point (written atomically, so an interrupted sweep keeps
//! every finished point and a rerun resumes), and the final tidy CSV, JSON and plots, built
//! from the point files alone, so a single run and a merge of shards give identical bytes.

use super::format::clock;
use super::plot::{self, Band, LineSeries};
use super::tidy::rows;
use super::{plot_both, write_atomic};
use crate::error::{Error, Result};
use crate::experiment::{Plan, PointResult, describe};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What a sweep folder holds results for.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub fingerprint: String,
    pub scenario: String,
    pub params: Vec<String>,
    pub points: Vec<Vec<(String, f64)>>,
    pub replications: u64,
    pub seed: u64,
    pub days: Option<u32>,
}

impl Manifest {
    pub fn new(plan: &Plan) -> Self {
        Manifest {
            fingerprint: format!("{:016x}", plan.fingerprint()),
            // The file name alone: shards may name the same file by different paths.
            scenario: plan
                .source
                .path
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
            params: plan.params.clone(),
            points: plan.points.clone(),
            replications: plan.replications,
            seed: plan.seed,
            days: plan.days,
        }
    }
}

/// One KPI row of a point (undefined values are `null`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PointRow {
    pub kpi: String,
    pub scope: String,
    pub name: String,
    pub unit: String,
    pub mean: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub replications: usize,
}

/// A finished point as stored.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PointFile {
    pub fingerprint: String,
    pub index: usize,
    pub point: Vec<(String, f64)>,
    pub rows: Vec<PointRow>,
    /// Per team: mean queue length per interval of the day (for plots).
    pub queue_by_interval: BTreeMap<String, Vec<Option<f64>>>,
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

fn json<T: Serialize>(v: &T) -> Result<Vec<u8>> {
    serde_json::to_vec_pretty(v).map_err(|e| Error::Usage(format!("JSON output failed: {e}")))
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T> {
    super::read_json(path, "sweep file")
}

/// A sweep's output folder. Opened for writing, it holds the folder's lock.
pub struct Store {
    pub dir: PathBuf,
    /// Syncs point files in the background as they are written ([`Store::sync_points`]).
    points_sync: Option<super::atomic::FolderSync>,
    /// With [`Store::keep_points`]: the points of this sweep as their files read, so that the
    /// final results need not read them all back.
    kept: Option<std::sync::Mutex<BTreeMap<usize, PointFile>>>,
    _lock: Option<super::atomic::DirLock>,
}

/// What a sweep folder holds: the points done, and files in `points/` that could not be used
/// (truncated by a crash, or put there by hand), each with the reason.
#[derive(Debug, Default)]
pub struct Scan {
    pub done: Vec<usize>,
    pub unreadable: Vec<(PathBuf, String)>,
}

impl Store {
    fn manifest_path(&self) -> PathBuf {
        self.dir.join("manifest.json")
    }
    fn point_path(&self, i: usize) -> PathBuf {
        self.dir.join("points").join(format!("point-{i:05}.json"))
    }

    /// Opens `dir` for writing `manifest`: locks it (a second writer is refused), removes
    /// temporary files a killed run left, writes the manifest if new, and refuses a folder
    /// holding results of a different sweep or scenario.
    pub fn open(dir: &Path, manifest: &Manifest) -> Result<Self> {
        let abs = std::path::absolute(dir).map_err(|e| Error::io(dir, e))?;
        let store = Store {
            dir: dir.to_path_buf(),
            _lock: Some(super::atomic::DirLock::acquire(&abs)?),
            points_sync: Some(super::atomic::FolderSync::watch(&dir.join("points"))),
            kept: None,
        };
        super::atomic::clean_temporaries(dir);
        super::atomic::clean_temporaries(&dir.join("points"));
        let mp = store.manifest_path();
        if mp.exists() {
            let old: Manifest = read_json(&mp)?;
            if old.fingerprint != manifest.fingerprint {
                return Err(Error::Usage(format!(
                    "{} holds partial results of a different sweep (fingerprint {} vs {} now): the scenario \
                     file or the sweep definition changed since they were written. Refusing to mix them: use \
                     another --out folder, or delete {} to start again.",
                    dir.display(),
                    old.fingerprint,
                    manifest.fingerprint,
                    dir.display()
                )));
            }
        } else {
            write_atomic(&mp, &json(manifest)?)?;
        }
        Ok(store)
    }

    /// Reads the manifest of an existing sweep folder.
    pub fn manifest(dir: &Path) -> Result<Manifest> {
        read_json(&dir.join("manifest.json"))
    }

    /// A folder to read (a shard being merged), without its lock.
    pub fn reader(dir: &Path) -> Self {
        Store {
            dir: dir.to_path_buf(),
            points_sync: None,
            kept: None,
            _lock: None,
        }
    }

    /// The points stored for this sweep, and the `.json` files in `points/` that cannot be
    /// used (those points are simply computed again).
    pub fn scan(&self, fingerprint: &str) -> Result<Scan> {
        let (scan, files) = self.read_points(fingerprint)?;
        if let Some(kept) = &self.kept {
            let mut kept = kept.lock().unwrap_or_else(|e| e.into_inner());
            kept.extend(files.into_iter().map(|f| (f.index, f)));
        }
        Ok(scan)
    }

    /// Keeps the points found by [`Store::scan`] and stored by [`Store::save`], for
    /// [`Store::kept_points`]. A stored point is kept as read back from the bytes of its file
    /// (on the worker that computed it), so the final results are those a later
    /// [`collect`] of the folder gives, byte for byte.
    pub fn keep_points(&mut self) {
        self.kept = Some(std::sync::Mutex::default());
    }

    /// Every point of `manifest`, as kept, or says which are missing.
    pub fn kept_points(&mut self, manifest: &Manifest) -> Result<Vec<PointFile>> {
        let kept = self
            .kept
            .take()
            .map(|k| k.into_inner().unwrap_or_else(|e| e.into_inner()))
            .unwrap_or_default();
        complete(manifest, kept)
    }

    /// [`Store::scan`] with the point files of this sweep as read (each file read once).
    fn read_points(&self, fingerprint: &str) -> Result<(Scan, Vec<PointFile>)> {
        let dir = self.dir.join("points");
        let mut out = Scan::default();
        let mut files = Vec::new();
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return Ok((out, files));
        };
        for e in entries {
            let p = e.map_err(|e| Error::io(&dir, e))?.path();
            if p.extension().is_none_or(|x| x != "json") {
                continue;
            }
            let named = p
                .file_stem()
                .and_then(|s| s.to_str())
                .and_then(|s| s.strip_prefix("point-"))
                .and_then(|s| s.parse::<usize>().ok());
            match (named, read_json::<PointFile>(&p)) {
                (None, _) => out
                    .unreadable
                    .push((p, "not a point file (expected point-NNNNN.json)".into())),
                (Some(_), Err(e)) => out.unreadable.push((p, e.to_string())),
                (Some(i), Ok(f)) if f.index != i => out.unreadable.push((
                    p,
                    format!("holds point {} under the name of point {i}", f.index),
                )),
                (Some(_), Ok(f)) => {
                    if f.fingerprint == fingerprint {
                        out.done.push(f.index);
                        files.push(f);
                    }
                }
            }
        }
        out.done.sort_unstable();
        Ok((out, files))
    }

    /// Waits until every point file written is synced to disk (they are synced in the
    /// background as they come, so the workers never wait for the disk). Call it before
    /// announcing the points as done: before the final results, at the end of a shard.
    pub fn sync_points(&mut self) -> Result<()> {
        self.points_sync.take().map_or(Ok(()), |s| s.finish())
    }

    /// Stores a finished point atomically (whole for every reader at once; durable once
    /// [`Store::sync_points`] returns. A point damaged by a machine crash before that is
    /// found unreadable on resuming and computed again).
    pub fn save(&self, plan: &Plan, fingerprint: &str, r: &PointResult) -> Result<()> {
        let m = &r.model;
        let rows = rows(m, &r.summary)
            .into_iter()
            .map(|t| PointRow {
                kpi: t.kpi,
                scope: t.scope.into(),
                name: t.name,
                unit: t.unit.into(),
                mean: finite(t.mean),
                ci_low: finite(t.ci_low),
                ci_high: finite(t.ci_high),
                replications: t.replications,
            })
            .collect();
        let queue_by_interval = m
            .teams
            .iter()
            .enumerate()
            .map(|(t, team)| {
                (
                    team.name.clone(),
                    r.summary.series.queue_mean[t]
                        .iter()
                        .map(|&x| finite(x))
                        .collect(),
                )
            })
            .collect();
        let file = PointFile {
            fingerprint: fingerprint.into(),
            index: r.index,
            point: plan.points[r.index].clone(),
            rows,
            queue_by_interval,
        };
        // Compact (the final sweep.json is the readable one): less to write and to read back.
        let bytes = serde_json::to_vec(&file)
            .map_err(|e| Error::Usage(format!("JSON output failed: {e}")))?;
        let path = self.point_path(r.index);
        write_atomic(&path, &bytes)?;
        if let Some(kept) = &self.kept {
            let file: PointFile = serde_json::from_slice(&bytes)
                .map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?;
            let mut kept = kept.lock().unwrap_or_else(|e| e.into_inner());
            kept.insert(file.index, file);
        }
        Ok(())
    }
}

/// Gathers every point of `manifest` from `dirs`, or says which are missing.
pub fn collect(manifest: &Manifest, dirs: &[PathBuf]) -> Result<Vec<PointFile>> {
    let mut found: BTreeMap<usize, PointFile> = BTreeMap::new();
    for d in dirs {
        let other = Store::manifest(d)?;
        if other.fingerprint != manifest.fingerprint {
            return Err(Error::Usage(format!(
                "{} holds a different sweep (fingerprint {}, expected {}): cannot merge",
                d.display(),
                other.fingerprint,
                manifest.fingerprint
            )));
        }
        let (_, files) = Store::reader(d).read_points(&manifest.fingerprint)?;
        for f in files {
            found.entry(f.index).or_insert(f);
        }
    }
    complete(manifest, found)
}

/// The points of `manifest` in order, or which are missing.
fn complete(manifest: &Manifest, found: BTreeMap<usize, PointFile>) -> Result<Vec<PointFile>> {
    let missing: Vec<usize> = (0..manifest.points.len())
        .filter(|i| !found.contains_key(i))
        .collect();
    if !missing.is_empty() {
        let list: Vec<String> = missing
            .iter()
            .take(10)
            .map(|&i| format!("{i} ({})", describe(&manifest.points[i])))
            .collect();
        return Err(Error::Usage(format!(
            "{} of {} points are missing, e.g. {}: run the remaining shards first",
            missing.len(),
            manifest.points.len(),
            list.join("; ")
        )));
    }
    Ok(found.into_values().collect())
}

/// Writes `sweep.csv`, `sweep.json` and the plots for complete results; returns the paths.
/// The CSV, the JSON and the plots are made side by side on the command's threads (the only
/// part of a sweep not spread over them otherwise).
pub fn write_final(dir: &Path, manifest: &Manifest, points: &[PointFile]) -> Result<Vec<PathBuf>> {
    #[derive(Serialize)]
    struct Doc<'a> {
        manifest: &'a Manifest,
        points: &'a [PointFile],
    }
    let (csv_bytes, (json_bytes, plotted)) = rayon::join(
        || sweep_csv(manifest, points),
        || {
            rayon::join(
                || json(&Doc { manifest, points }),
                || plots(dir, manifest, points),
            )
        },
    );
    let files = [
        (dir.join("sweep.csv"), csv_bytes?),
        (dir.join("sweep.json"), json_bytes?),
    ];
    for (p, b) in &files {
        write_atomic(p, b)?;
    }
    let mut written: Vec<PathBuf> = files.into_iter().map(|(p, _)| p).collect();
    written.extend(plotted?);
    // From the points in hand rather than sweep.json read back (23 MB for the bundled sweep).
    written.push(super::html::write_sweep_report(dir, manifest, points)?);
    Ok(written)
}

/// `sweep.csv`: a row per point and KPI.
fn sweep_csv(manifest: &Manifest, points: &[PointFile]) -> Result<Vec<u8>> {
    use rayon::prelude::*;
    let mut header = vec!["point".to_string()];
    header.extend(manifest.params.iter().cloned());
    header.extend(
        [
            "kpi",
            "scope",
            "name",
            "unit",
            "mean",
            "ci_low",
            "ci_high",
            "replications",
        ]
        .map(String::from),
    );
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header).map_err(csv_err)?;
    let mut out = w.into_inner().map_err(|e| csv_err(e.into_error().into()))?;
    // Each point's rows on its own (side by side on the command's threads): a record's bytes
    // do not depend on the records before it.
    let chunks: Vec<Vec<u8>> = points
        .par_iter()
        .map(|p| point_csv(&manifest.params, p))
        .collect::<Result<_>>()?;
    for c in chunks {
        out.extend_from_slice(&c);
    }
    Ok(out)
}

fn csv_err(e: csv::Error) -> Error {
    Error::Usage(format!("CSV output failed: {e}"))
}

/// The rows of `sweep.csv` for one point.
fn point_csv(params: &[String], p: &PointFile) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Numbers formatted into one reused buffer, fields written as they are.
    let mut num = String::new();
    let mut number = |w: &mut csv::Writer<Vec<u8>>, x: Option<&dyn std::fmt::Display>| {
        use std::fmt::Write as _;
        num.clear();
        if let Some(x) = x {
            let _ = write!(num, "{x}");
        }
        w.write_field(&num)
    };
    let values: Vec<Option<f64>> = params
        .iter()
        .map(|name| p.point.iter().find(|(n, _)| n == name).map(|(_, v)| *v))
        .collect();
    for r in &p.rows {
        number(&mut w, Some(&p.index)).map_err(csv_err)?;
        for v in &values {
            number(&mut w, v.as_ref().map(|v| v as _)).map_err(csv_err)?;
        }
        for text in [&r.kpi, &r.scope, &r.name, &r.unit] {
            w.write_field(text).map_err(csv_err)?;
        }
        for x in [r.mean, r.ci_low, r.ci_high] {
            number(&mut w, x.as_ref().map(|v| v as _)).map_err(csv_err)?;
        }
        number(&mut w, Some(&r.replications)).map_err(csv_err)?;
        w.write_record(None::<&[u8]>).map_err(csv_err)?;
    }
    w.into_inner().map_err(|e| csv_err(e.into_error().into()))
}

fn value_of(p: &PointFile, kpi: &str, scope: &str, name: &str) -> Option<(f64, f64, f64)> {
    p.rows
        .iter()
        .find(|r| r.kpi == kpi && r.scope == scope && r.name == name)
        .and_then(|r| {
            let m = r.mean?;
            Some((r.ci_low.unwrap_or(m), m, r.ci_high.unwrap_or(m)))
        })
}

fn plots(dir: &Path, manifest: &Manifest, points: &[PointFile]) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    let Some(x_param) = manifest.params.first() else {
        return Ok(written);
    };
    let scenario = Path::new(&manifest.scenario)
        .file_stem()
        .map_or(String::new(), |s| s.to_string_lossy().into_owned());
    let others: Vec<&String> = manifest.params.iter().skip(1).collect();
    let x_of = |p: &PointFile, name: &str| p.point.iter().find(|(n, _)| n == name).map(|(_, v)| *v);
    let label = |path: &str| readable_param(path, &manifest.params);
    let x_label = label(x_param);
    // Whole-number parameters (agents) get whole-number ticks.
    let x_axis = if points
        .iter()
        .filter_map(|p| x_of(p, x_param))
        .all(|v| v.fract() == 0.0)
    {
        plot::Axis::Integer
    } else {
        plot::Axis::Plain
    };
    // The middle value of each parameter in `names`, where other parameters are held fixed.
    let middle = |names: &[&String]| -> Vec<(String, f64)> {
        names
            .iter()
            .filter_map(|o| {
                let mut v: Vec<f64> = points.iter().filter_map(|p| x_of(p, o)).collect();
                v.sort_by(f64::total_cmp);
                v.dedup();
                v.get(v.len() / 2).map(|&mid| (o.to_string(), mid))
            })
            .collect()
    };
    let stated = |slice: &[(String, f64)]| -> String {
        if slice.is_empty() {
            String::new()
        } else {
            format!(
                " (fixed: {})",
                slice
                    .iter()
                    .map(|(o, v)| format!("{} = {v}", label(o)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    };
    // KPI charts: one line per value of the second parameter; any further parameters are held
    // at their middle values, and the title says so.
    let held = middle(&others.iter().skip(1).copied().collect::<Vec<_>>());
    let in_held = |p: &PointFile| held.iter().all(|(o, v)| x_of(p, o) == Some(*v));
    let group = |p: &PointFile| -> String {
        others
            .first()
            .and_then(|o| x_of(p, o).map(|v| format!("{} = {v}", label(o))))
            .unwrap_or_else(|| "all".into())
    };
    let first_sl = points.first().and_then(|p| {
        p.rows
            .iter()
            .find(|r| super::html::is_plain_service_level(&r.kpi))
            .map(|r| r.kpi.clone())
    });
    let mut charts: Vec<(String, String, String, f64, &str)> = vec![
        (
            "response_mean".into(),
            "overall".into(),
            "all".into(),
            1.0 / 60.0,
            "mean time to answer (min)",
        ),
        (
            "abandon_rate".into(),
            "overall".into(),
            "all".into(),
            100.0,
            "abandoned (% of contacts)",
        ),
        (
            "loss_rate".into(),
            "overall".into(),
            "all".into(),
            100.0,
            "lost (% of contacts)",
        ),
        (
            "incidents_unresolved".into(),
            "overall".into(),
            "all".into(),
            1.0,
            "incidents never solved",
        ),
        (
            "resolution_mean".into(),
            "overall".into(),
            "all".into(),
            1.0 / 3600.0,
            "mean resolution time (h)",
        ),
    ];
    if let Some(sl) = &first_sl {
        charts.insert(
            0,
            (
                sl.clone(),
                "overall".into(),
                "all".into(),
                100.0,
                "service level (%)",
            ),
        );
    }
    for (kpi, scope, name, scale, label) in &charts {
        let mut lines: BTreeMap<String, Vec<Band>> = BTreeMap::new();
        for p in points.iter().filter(|p| in_held(p)) {
            if let (Some(x), Some((lo, mid, hi))) =
                (x_of(p, x_param), value_of(p, kpi, scope, name))
            {
                // Percentages cannot leave 0..100, whatever the t-interval says.
                let (lo, hi) = if *scale == 100.0 {
                    (lo.max(0.0), hi.min(1.0))
                } else {
                    (lo, hi)
                };
                lines.entry(group(p)).or_default().push(Band {
                    x,
                    lo: lo * scale,
                    mid: mid * scale,
                    hi: hi * scale,
                });
            }
        }
        let mut series: Vec<LineSeries> = lines
            .into_iter()
            .map(|(label, points)| LineSeries { label, points })
            .collect();
        // Numeric order of the second parameter's values, not text order.
        series.sort_by(|a, b| {
            let num = |s: &str| {
                s.rsplit("= ")
                    .next()
                    .and_then(|v| v.parse::<f64>().ok())
                    .unwrap_or(f64::NAN)
            };
            num(&a.label).total_cmp(&num(&b.label))
        });
        let title = format!(
            "{scenario}: {} vs {x_label}{}",
            super::compare::readable(kpi),
            stated(&held)
        );
        let opts = plot::ChartOptions {
            x_axis,
            ..plot::ChartOptions::default()
        };
        plot_both(dir, &format!("sweep_{kpi}"), &mut written, &|p| {
            plot::line_chart_with(p, &title, &x_label, label, &series, &opts)
        })?;
    }
    // Utilisation per team against the first parameter.
    let teams: Vec<String> = points
        .first()
        .map(|p| {
            p.rows
                .iter()
                .filter(|r| r.kpi == "utilisation")
                .map(|r| r.name.clone())
                .collect()
        })
        .unwrap_or_default();
    // One line per team: with other parameters, the slice at their middle values (a line per
    // team and combination would be unreadable).
    let slice = middle(&others);
    let in_slice = |p: &PointFile| slice.iter().all(|(o, v)| x_of(p, o) == Some(*v));
    let util: Vec<LineSeries> = teams
        .iter()
        .map(|t| LineSeries {
            label: t.clone(),
            points: points
                .iter()
                .filter(|p| in_slice(p))
                .filter_map(|p| {
                    let x = x_of(p, x_param)?;
                    let (lo, mid, hi) = value_of(p, "utilisation", "team", t)?;
                    Some(Band {
                        x,
                        lo: lo * 100.0,
                        mid: mid * 100.0,
                        hi: hi * 100.0,
                    })
                })
                .collect(),
        })
        .collect();
    let at = stated(&slice);
    let title = format!("{scenario}: utilisation per team vs {x_label}{at}");
    let opts = plot::ChartOptions {
        x_axis,
        y_from_zero: true,
        ..plot::ChartOptions::default()
    };
    plot_both(dir, "sweep_utilisation", &mut written, &|p| {
        plot::line_chart_with(p, &title, &x_label, "utilisation (%)", &util, &opts)
    })?;
    // Heatmaps for two-parameter grids.
    if manifest.params.len() == 2 {
        let y_param = &manifest.params[1];
        let mut xs: Vec<f64> = points.iter().filter_map(|p| x_of(p, x_param)).collect();
        let mut ys: Vec<f64> = points.iter().filter_map(|p| x_of(p, y_param)).collect();
        for v in [&mut xs, &mut ys] {
            v.sort_by(f64::total_cmp);
            v.dedup();
        }
        for (kpi, _, _, scale, label) in charts.iter().take(2) {
            let mut grid = vec![vec![f64::NAN; xs.len()]; ys.len()];
            for p in points {
                if let (Some(x), Some(y), Some((_, m, _))) = (
                    x_of(p, x_param),
                    x_of(p, y_param),
                    value_of(p, kpi, "overall", "all"),
                ) {
                    let ix = xs.iter().position(|v| *v == x).unwrap_or(0);
                    let iy = ys.iter().position(|v| *v == y).unwrap_or(0);
                    grid[iy][ix] = m * scale;
                }
            }
            let title = format!("{scenario}: {}", super::compare::readable(kpi));
            let y_label = readable_param(y_param, &manifest.params);
            plot_both(dir, &format!("heatmap_{kpi}"), &mut written, &|p| {
                plot::heatmap(p, &title, &x_label, &y_label, &xs, &ys, &grid, label)
            })?;
        }
    }
    let _ = clock;
    Ok(written)
}

/// A parameter as a person reads it, naming the team or channel it belongs to:
/// `teams.L1.agents` -> `L1 agents`, `teams.L1.add` -> `L1 agents added`,
/// `channels.phone.patience.mean` -> `phone patience mean`, `demand` -> `demand (x)`. Paths
/// that would read the same keep their unambiguous tail.
pub fn readable_param(path: &str, all: &[String]) -> String {
    let segs: Vec<&str> = path.split('.').collect();
    let body: Vec<&str> = match segs.first() {
        Some(&"teams") | Some(&"channels") if segs.len() > 2 => segs[1..].to_vec(),
        _ => segs.clone(),
    };
    let text = body.join(" ");
    let text = if path == "demand" {
        "demand (x)".to_string()
    } else if let Some(t) = text.strip_suffix(" add") {
        format!("{t} agents added")
    } else {
        text
    };
    let clash = all.iter().filter(|o| o.as_str() != path).any(|o| {
        let other = readable_param_plain(o);
        other == text
    });
    if clash {
        short_name(path, all).to_string()
    } else {
        text
    }
}

fn readable_param_plain(path: &str) -> String {
    let segs: Vec<&str> = path.split('.').collect();
    match segs.first() {
        Some(&"teams") | Some(&"channels") if segs.len() > 2 => segs[1..].join(" "),
        _ => segs.join(" "),
    }
}

/// The shortest tail of a parameter path that no other parameter shares
/// (`teams.L2_technical.agents` becomes `L2_technical.agents` beside `teams.L1.agents`, and
/// `agents` alone otherwise), so legends stay readable.
fn short_name<'a>(path: &'a str, all: &[String]) -> &'a str {
    let segs: Vec<&str> = path.split('.').collect();
    for k in 1..segs.len() {
        let tail = &path[path.len() - segs[segs.len() - k..].join(".").len()..];
        let clash = all
            .iter()
            .filter(|o| o.as_str() != path)
            .any(|o| o.ends_with(&format!(".{tail}")) || o == tail);
        if !clash {
            return tail;
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::short_name;

    #[test]
    fn parameters_read_with_their_team() {
        let all = vec!["teams.L1.agents".to_string(), "demand".to_string()];
        assert_eq!(super::readable_param("teams.L1.agents", &all), "L1 agents");
        assert_eq!(
            super::readable_param("teams.L1.add", &all),
            "L1 agents added"
        );
        assert_eq!(super::readable_param("demand", &all), "demand (x)");
    }

    #[test]
    fn legend_names_are_the_shortest_unambiguous_tails() {
        let all = vec![
            "teams.L1.agents".to_string(),
            "teams.L2.agents".to_string(),
            "demand".to_string(),
        ];
        assert_eq!(short_name("teams.L2.agents", &all), "L2.agents");
        assert_eq!(short_name("demand", &all), "demand");
        assert_eq!(short_name("teams.L2.agents", &all[1..]), "agents");
    }
}
