//! Writing a pilot evaluation: `pilot.csv` (and `recalibrated.csv`), the coverage table for
//! the terminal, and per KPI a plot of the observed values over the predicted bands.

use super::plot::{self, Band, LineSeries};
use crate::error::Result;
use crate::experiment::pilot::{Coverage, PilotResult, PilotRow};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// `window, kpi, observed, predicted_mean, pi_low, pi_high, inside` (times in seconds).
pub fn rows_csv(rows: &[PilotRow]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let io = |e: csv::Error| crate::error::Error::Usage(format!("cannot render CSV: {e}"));
    w.write_record([
        "window",
        "kpi",
        "observed",
        "predicted_mean",
        "pi_low",
        "pi_high",
        "inside",
    ])
    .map_err(io)?;
    for r in rows {
        w.write_record([
            r.window.clone(),
            r.kpi.clone(),
            format!("{}", r.observed),
            format!("{}", r.predicted_mean),
            format!("{}", r.pi_low),
            format!("{}", r.pi_high),
            r.inside.to_string(),
        ])
        .map_err(io)?;
    }
    w.into_inner()
        .map_err(|e| crate::error::Error::Usage(format!("cannot render CSV: {e}")))
}

fn coverage_lines(o: &mut String, cov: &[Coverage]) {
    let _ = writeln!(
        o,
        "{:<24} {:>8} {:>8} {:>9}",
        "KPI", "windows", "inside", "coverage"
    );
    for c in cov {
        let share = if c.windows > 0 {
            format!("{:.1}%", 100.0 * c.inside as f64 / c.windows as f64)
        } else {
            "n/a".into()
        };
        let _ = writeln!(
            o,
            "{:<24} {:>8} {:>8} {:>9}",
            c.kpi, c.windows, c.inside, share
        );
    }
}

/// Coverage per KPI, the windows outside, and the recalibration.
pub fn summary_text(r: &PilotResult, demand: &str) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} windows; demand {demand}; 95% prediction intervals for one window's value (2.5% and 97.5% quantiles over replications)\n",
        r.grid.len()
    );
    coverage_lines(&mut o, &r.coverage);
    let outside: Vec<&PilotRow> = r.rows.iter().filter(|x| !x.inside).collect();
    if !outside.is_empty() {
        let _ = writeln!(o, "\noutside their interval ({}):", outside.len());
        for x in outside.iter().take(40) {
            let _ = writeln!(
                o,
                "  {:<18} {:<22} observed {:>10.4}  interval [{:.4}, {:.4}]",
                x.window, x.kpi, x.observed, x.pi_low, x.pi_high
            );
        }
        if outside.len() > 40 {
            let _ = writeln!(o, "  ... {} more in pilot.csv", outside.len() - 40);
        }
    }
    if let Some(c) = &r.recalibration {
        let _ = writeln!(
            o,
            "\nrecalibration (one factor; score = mean squared (observed - predicted mean) / predicted sd, over the rates and times):"
        );
        let _ = writeln!(o, "  as is: score {:.2}", c.score_before);
        for (lever, f, sc) in &c.tried {
            let _ = writeln!(o, "  {:<22} x {:.3}: score {:.2}", lever.name(), f, sc);
        }
        let _ = writeln!(
            o,
            "suggested: {} x {:.3}; coverage after applying it:",
            c.lever.name(),
            c.factor
        );
        coverage_lines(&mut o, &c.coverage);
    }
    o
}

/// Writes `pilot.csv`, `recalibrated.csv` (if any) and the plots to `dir`; returns the paths.
pub fn write(dir: &Path, r: &PilotResult) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    let mut files = vec![(dir.join("pilot.csv"), rows_csv(&r.rows)?)];
    if let Some(c) = &r.recalibration {
        files.push((dir.join("recalibrated.csv"), rows_csv(&c.rows)?));
    }
    for (p, bytes) in &files {
        super::write_atomic(p, bytes)?;
        written.push(p.clone());
    }
    for cov in &r.coverage {
        let of_kpi: Vec<&PilotRow> = r.rows.iter().filter(|x| x.kpi == cov.kpi).collect();
        let predicted = LineSeries {
            label: "predicted mean, 95% prediction interval".into(),
            points: of_kpi
                .iter()
                .map(|x| Band {
                    x: x.window_index as f64,
                    lo: x.pi_low,
                    mid: x.predicted_mean,
                    hi: x.pi_high,
                })
                .collect(),
        };
        let observed = LineSeries {
            label: "observed".into(),
            points: of_kpi
                .iter()
                .map(|x| Band {
                    x: x.window_index as f64,
                    lo: x.observed,
                    mid: x.observed,
                    hi: x.observed,
                })
                .collect(),
        };
        let title = format!(
            "{}: observed against prediction ({} of {} inside)",
            cov.kpi, cov.inside, cov.windows
        );
        let series = [predicted, observed];
        super::plot_both(dir, &format!("pilot_{}", cov.kpi), &mut written, &|p| {
            plot::line_chart(p, &title, "window", &cov.kpi, &series)
        })?;
    }
    Ok(written)
}
