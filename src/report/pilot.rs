//! Writing a pilot evaluation: `pilot.csv` (and `recalibrated.csv`), `pilot.json` (everything
//! the report page needs), `report.html`, the coverage table for the terminal, and per KPI a
//! plot of the observed values over the predicted bands.

use super::html::{Page, chart_grid, fmt_value};
use super::plot::{self, Band, ChartOptions, LineSeries};
use crate::error::Result;
use crate::experiment::pilot::{Coverage, KPI_UNITS, PilotResult, PilotRow};
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// What the pilot was run on, for the page's subtitle.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PilotAbout {
    pub scenario: String,
    pub observed: String,
    pub demand: String,
}

/// A number written as `null` when it is not finite (JSON has no NaN) read back as NaN.
fn nan_if_null<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

/// One window's KPI in `pilot.json`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
struct DocRow {
    window: String,
    window_index: usize,
    kpi: String,
    #[serde(deserialize_with = "nan_if_null")]
    observed: f64,
    #[serde(deserialize_with = "nan_if_null")]
    predicted_mean: f64,
    #[serde(deserialize_with = "nan_if_null")]
    pi_low: f64,
    #[serde(deserialize_with = "nan_if_null")]
    pi_high: f64,
    inside: bool,
}

/// One KPI's coverage in `pilot.json`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
struct DocCoverage {
    kpi: String,
    unit: String,
    inside: usize,
    windows: usize,
}

/// One lever's best factor in `pilot.json`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
struct DocLever {
    lever: String,
    #[serde(deserialize_with = "nan_if_null")]
    factor: f64,
    #[serde(deserialize_with = "nan_if_null")]
    score: f64,
}

/// The recalibration in `pilot.json`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
struct DocRecalibration {
    #[serde(deserialize_with = "nan_if_null")]
    score_before: f64,
    tried: Vec<DocLever>,
    lever: String,
    #[serde(deserialize_with = "nan_if_null")]
    factor: f64,
    coverage: Vec<DocCoverage>,
}

/// `pilot.json`: the pilot as the report page reads it back.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
struct PilotDoc {
    about: PilotAbout,
    windows: usize,
    coverage: Vec<DocCoverage>,
    rows: Vec<DocRow>,
    recalibration: Option<DocRecalibration>,
}

fn doc_rows(rows: &[PilotRow]) -> Vec<DocRow> {
    rows.iter()
        .map(|r| DocRow {
            window: r.window.clone(),
            window_index: r.window_index,
            kpi: r.kpi.clone(),
            observed: r.observed,
            predicted_mean: r.predicted_mean,
            pi_low: r.pi_low,
            pi_high: r.pi_high,
            inside: r.inside,
        })
        .collect()
}

/// Coverage in the order of the window KPIs, each with its unit.
fn doc_coverage(cov: &[Coverage]) -> Vec<DocCoverage> {
    cov.iter()
        .enumerate()
        .map(|(i, c)| DocCoverage {
            kpi: c.kpi.clone(),
            unit: KPI_UNITS.get(i).copied().unwrap_or("").to_string(),
            inside: c.inside,
            windows: c.windows,
        })
        .collect()
}

fn doc(r: &PilotResult, about: &PilotAbout) -> PilotDoc {
    PilotDoc {
        about: about.clone(),
        windows: r.grid.len(),
        coverage: doc_coverage(&r.coverage),
        rows: doc_rows(&r.rows),
        recalibration: r.recalibration.as_ref().map(|c| DocRecalibration {
            score_before: c.score_before,
            tried: c
                .tried
                .iter()
                .map(|(l, f, s)| DocLever {
                    lever: l.name().to_string(),
                    factor: *f,
                    score: *s,
                })
                .collect(),
            lever: c.lever.name().to_string(),
            factor: c.factor,
            coverage: doc_coverage(&c.coverage),
        }),
    }
}

fn share(inside: usize, windows: usize) -> String {
    if windows > 0 {
        format!("{:.1}%", 100.0 * inside as f64 / windows as f64)
    } else {
        "n/a".into()
    }
}

fn coverage_table(page: &mut Page, cov: &[DocCoverage]) {
    let header = ["KPI", "windows", "inside", "coverage"].map(String::from);
    let rows: Vec<Vec<String>> = cov
        .iter()
        .map(|c| {
            vec![
                c.kpi.clone(),
                c.windows.to_string(),
                c.inside.to_string(),
                share(c.inside, c.windows),
            ]
        })
        .collect();
    page.table(&header, &rows);
}

/// One KPI's chart series: the predicted mean with its 95% prediction interval as a band,
/// and the observed values, per window.
fn kpi_series(rows: &[DocRow], kpi: &str) -> [LineSeries; 2] {
    let of_kpi: Vec<&DocRow> = rows.iter().filter(|x| x.kpi == kpi).collect();
    let band = |f: &dyn Fn(&DocRow) -> (f64, f64, f64)| -> Vec<Band> {
        of_kpi
            .iter()
            .map(|x| {
                let (lo, mid, hi) = f(x);
                Band {
                    x: x.window_index as f64,
                    lo,
                    mid,
                    hi,
                }
            })
            .collect()
    };
    [
        LineSeries {
            label: "predicted mean, 95% prediction interval".into(),
            points: band(&|x| (x.pi_low, x.predicted_mean, x.pi_high)),
        },
        LineSeries {
            label: "observed".into(),
            points: band(&|x| (x.observed, x.observed, x.observed)),
        },
    ]
}

/// Observed points over the predicted band, one chart per KPI.
fn pilot_charts(page: &mut Page, d: &PilotDoc) {
    let mut charts = Vec::new();
    for cov in &d.coverage {
        let series = kpi_series(&d.rows, &cov.kpi);
        let title = format!("{}: observed against prediction", cov.kpi);
        let svg = plot::line_chart_svg(
            &title,
            "window",
            &cov.kpi,
            &series,
            &ChartOptions::default(),
        );
        charts.push((
            svg,
            format!(
                "{}: {} of {} windows inside their 95% prediction interval ({})",
                cov.kpi,
                cov.inside,
                cov.windows,
                share(cov.inside, cov.windows)
            ),
        ));
    }
    chart_grid(page, charts);
}

fn unit_of<'a>(d: &'a PilotDoc, kpi: &str) -> &'a str {
    d.coverage
        .iter()
        .find(|c| c.kpi == kpi)
        .map_or("", |c| c.unit.as_str())
}

/// The report page of a pilot folder, from its `pilot.json`.
pub fn html_page(dir: &Path) -> Result<Page> {
    let d: PilotDoc = super::read_json(&dir.join("pilot.json"), "pilot file")?;
    let mut page = Page::new(
        &format!("Pilot: {}", d.about.scenario),
        &format!(
            "Observed: {}; {} windows; demand {}. Each window's prediction is the 95% prediction interval of one window's value (2.5% and 97.5% quantiles over replications).",
            d.about.observed, d.windows, d.about.demand
        ),
    );
    page.footnote("Observed values come from the log; predicted means and 95% prediction intervals are over the simulation's replications.");
    page.heading("Coverage: observed windows inside their prediction interval");
    page.para(&format!(
        "A model that predicts well puts about 95% of the windows inside. Each window is {:.1} points of a KPI's share here, so few windows say little. With replayed demand, `arrived` is the log's own count and always inside.",
        100.0 / d.coverage.iter().map(|c| c.windows).max().unwrap_or(1).max(1) as f64
    ));
    coverage_table(&mut page, &d.coverage);
    page.heading("Observed against predicted, per KPI");
    pilot_charts(&mut page, &d);
    let outside: Vec<&DocRow> = d.rows.iter().filter(|x| !x.inside).collect();
    page.heading(&format!(
        "Windows outside their interval ({})",
        outside.len()
    ));
    if outside.is_empty() {
        page.note(
            "ok",
            "Every observed window lies inside its prediction interval.",
        );
    } else {
        let header = [
            "window",
            "KPI",
            "observed",
            "predicted mean",
            "interval low",
            "interval high",
        ]
        .map(String::from);
        let rows: Vec<Vec<String>> = outside
            .iter()
            .take(200)
            .map(|x| {
                let u = unit_of(&d, &x.kpi);
                vec![
                    x.window.clone(),
                    x.kpi.clone(),
                    fmt_value(x.observed, u),
                    fmt_value(x.predicted_mean, u),
                    fmt_value(x.pi_low, u),
                    fmt_value(x.pi_high, u),
                ]
            })
            .collect();
        page.table(&header, &rows);
        if outside.len() > 200 {
            page.para(&format!(
                "... {} more in pilot.csv (column inside = false).",
                outside.len() - 200
            ));
        }
    }
    page.heading("Recalibration");
    match &d.recalibration {
        None => {
            page.para("Not run (--calibration-replications 0).");
        }
        Some(c) => {
            page.para("One factor on one lever at a time; score = mean squared (observed - predicted mean) / predicted sd over the rates and times (lower is better).");
            let mut rows = vec![vec![
                "as is".to_string(),
                "1.000".to_string(),
                format!("{:.2}", c.score_before),
            ]];
            rows.extend(c.tried.iter().map(|t| {
                vec![
                    t.lever.clone(),
                    format!("{:.3}", t.factor),
                    format!("{:.2}", t.score),
                ]
            }));
            page.table(&["lever", "best factor", "score"].map(String::from), &rows);
            page.note(
                "ok",
                &format!(
                    "Suggested: {} x {:.3}. Coverage after applying it (recalibrated.csv):",
                    c.lever, c.factor
                ),
            );
            coverage_table(&mut page, &c.coverage);
        }
    }
    Ok(page)
}

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

/// Writes `pilot.csv`, `recalibrated.csv` (if any), `pilot.json`, the plots and
/// `report.html` to `dir`; returns the paths.
pub fn write(dir: &Path, r: &PilotResult, about: &PilotAbout) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    let d = doc(r, about);
    let json = serde_json::to_vec_pretty(&d)
        .map_err(|e| crate::error::Error::Usage(format!("cannot render JSON: {e}")))?;
    let mut files = vec![
        (dir.join("pilot.csv"), rows_csv(&r.rows)?),
        (dir.join("pilot.json"), json),
    ];
    if let Some(c) = &r.recalibration {
        files.push((dir.join("recalibrated.csv"), rows_csv(&c.rows)?));
    }
    for (p, bytes) in &files {
        super::write_atomic(p, bytes)?;
        written.push(p.clone());
    }
    for cov in &d.coverage {
        let series = kpi_series(&d.rows, &cov.kpi);
        let title = format!(
            "{}: observed against prediction ({} of {} inside)",
            cov.kpi, cov.inside, cov.windows
        );
        super::plot_both(dir, &format!("pilot_{}", cov.kpi), &mut written, &|p| {
            plot::line_chart(p, &title, "window", &cov.kpi, &series)
        })?;
    }
    written.push(html_page(dir)?.write(dir)?);
    Ok(written)
}
