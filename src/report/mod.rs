//! Reports: terminal tables, tidy CSV and JSON, per-interval CSV, traces, and plots. Nothing
//! here simulates; everything is written atomically.

pub mod atomic;
pub mod compare;
pub mod fit;
pub mod format;
pub mod html;
pub mod omni;
pub mod pilot;
pub mod plot;
pub mod staff;
pub mod sweep;
pub mod table;
pub mod tidy;

pub use atomic::{OutputSet, write_atomic};

use crate::engine::TraceRecord;
use crate::error::Result;
use crate::experiment::Summary;
use crate::model::Model;
use std::path::{Path, PathBuf};

/// Writes `summary.json`, `kpis.csv`, `intervals.csv` and `replications.csv` (and `trace.csv`
/// if given) to `dir`,
/// returning the paths written. Everything is rendered before the first file is written.
pub fn write_run(
    dir: &Path,
    m: &Model,
    meta: &tidy::RunMeta,
    s: &Summary,
    extras: &tidy::ReportExtras,
    trace: Option<&[TraceRecord]>,
) -> Result<Vec<PathBuf>> {
    let mut files = vec![
        (
            dir.join("summary.json"),
            tidy::summary_json(m, meta, s, extras)?,
        ),
        (dir.join("kpis.csv"), tidy::to_csv(tidy::rows(m, s))?),
        (
            dir.join("intervals.csv"),
            tidy::to_csv(tidy::interval_rows(m, s))?,
        ),
        (
            dir.join("replications.csv"),
            tidy::to_csv(tidy::replication_rows(m, s))?,
        ),
    ];
    if let Some(t) = trace {
        files.push((dir.join("trace.csv"), tidy::trace_csv(m, t)?));
    }
    for (p, bytes) in &files {
        write_atomic(p, bytes)?;
    }
    Ok(files.into_iter().map(|(p, _)| p).collect())
}

/// Writes the plots of one run: service level, queue and agents over the day, and the
/// answer-time distribution with the threshold marked; returns the paths.
pub fn write_run_plots(dir: &Path, m: &Model, s: &Summary) -> Result<Vec<PathBuf>> {
    use plot::{Axis, Band, ChartOptions, LineSeries};
    let is = &s.series;
    let flat = |x: f64, y: f64| Band {
        x,
        lo: y,
        mid: y,
        hi: y,
    };
    let hours = ChartOptions {
        x_axis: Axis::HourOfDay,
        y_from_zero: true,
        ..ChartOptions::default()
    };
    let mut written = Vec::new();
    let sl = [LineSeries {
        label: "all channels".into(),
        points: is
            .start
            .iter()
            .zip(&is.service_level_ci)
            .map(|(&x, e)| Band {
                x: x / 3600.0,
                lo: e.lo * 100.0,
                mid: e.mean * 100.0,
                hi: e.hi * 100.0,
            })
            .collect(),
    }];
    let threshold = format::duration(m.thresholds[0]);
    plot_both(dir, "run_service_level_by_interval", &mut written, &|p| {
        plot::line_chart_with(
            p,
            &format!(
                "{}: answered within {threshold}, by arrival interval",
                m.name
            ),
            "time of day (gaps: nothing to measure)",
            "service level (%)",
            &sl,
            &hours,
        )
    })?;
    let queue = compare::queue_lines(m, s);
    plot_both(dir, "run_queue_by_interval", &mut written, &|p| {
        plot::line_chart_with(
            p,
            &format!("{}: mean queue over the day", m.name),
            "time of day (gaps: team closed)",
            "contacts waiting",
            &queue,
            &hours,
        )
    })?;
    let agents = compare::team_lines(m, &is.agents, &is.agents);
    plot_both(dir, "run_agents_by_interval", &mut written, &|p| {
        plot::line_chart_with(
            p,
            &format!("{}: agents available over the day", m.name),
            "time of day",
            "agents",
            &agents,
            &hours,
        )
    })?;
    let cdf = [LineSeries {
        label: m.name.clone(),
        points: is
            .answer_cdf
            .iter()
            .map(|&(x, y)| flat(x, y * 100.0))
            .collect(),
    }];
    plot_both(dir, "run_answer_cdf", &mut written, &|p| {
        plot::line_chart_with(
            p,
            &format!("{}: time to answer (all channels)", m.name),
            "time to answer (log scale)",
            "answered within (%)",
            &cdf,
            &ChartOptions {
                x_axis: Axis::LogSeconds,
                y_from_zero: true,
                x_marker: Some((m.thresholds[0], format!("threshold {threshold}"))),
                ..ChartOptions::default()
            },
        )
    })?;
    Ok(written)
}

/// Renders one chart as `DIR/STEM.png` and `DIR/STEM.svg` with `draw`, appending the paths
/// written to `written`. A chart with no data to show is skipped rather than failing the run.
pub(crate) fn plot_both(
    dir: &Path,
    stem: &str,
    written: &mut Vec<PathBuf>,
    draw: &dyn Fn(&Path) -> std::result::Result<(), plot::PlotError>,
) -> Result<()> {
    for ext in ["png", "svg"] {
        let p = dir.join(format!("{stem}.{ext}"));
        match draw(&p) {
            Ok(()) => written.push(p),
            Err(plot::PlotError::Empty { .. }) => {}
            Err(e) => return Err(crate::error::Error::Usage(format!("plot failed: {e}"))),
        }
    }
    Ok(())
}

/// A name made safe as part of a file name: letters, digits, `-` and `_` kept, others `_`.
pub fn file_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Reads a JSON file tiersim wrote; `what` names it in the error (`sweep file`, `result file`).
pub(crate) fn read_json<T: for<'de> serde::Deserialize<'de>>(path: &Path, what: &str) -> Result<T> {
    let bytes = std::fs::read(path).map_err(|e| crate::error::Error::io(path, e))?;
    serde_json::from_slice(&bytes).map_err(|e| {
        crate::error::Error::Input(crate::error::InputError {
            file: path.to_path_buf(),
            at: Some((e.line(), e.column())),
            field: None,
            message: format!("not a tiersim {what}: {e}"),
        })
    })
}
