//! Reports: terminal tables, tidy CSV and JSON, per-interval CSV, traces, and plots. Nothing
//! here simulates; everything is written atomically.

pub mod atomic;
pub mod compare;
pub mod fit;
pub mod format;
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

/// Writes `summary.json`, `kpis.csv` and `intervals.csv` (and `trace.csv` if given) to `dir`,
/// returning the paths written. Everything is rendered before the first file is written.
pub fn write_run(
    dir: &Path,
    m: &Model,
    meta: &tidy::RunMeta,
    s: &Summary,
    trace: Option<&[TraceRecord]>,
) -> Result<Vec<PathBuf>> {
    let mut files = vec![
        (dir.join("summary.json"), tidy::summary_json(m, meta, s)?),
        (dir.join("kpis.csv"), tidy::to_csv(tidy::rows(m, s))?),
        (
            dir.join("intervals.csv"),
            tidy::to_csv(tidy::interval_rows(m, s))?,
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
