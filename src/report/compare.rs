//! Reports of a design comparison: a terminal table of headline KPIs with each design's mean
//! and interval and the difference against the first design, tidy CSV/JSON of every KPI, and
//! plots.

use super::format::{estimate, table, value};
use super::plot::{self, Band, CiPoint, LineSeries};
use super::tidy::to_csv;
use super::{plot_both, write_atomic};
use crate::error::{Error, Result};
use crate::experiment::{CompareRow, Comparison};
use crate::stats::{Kpi, Unit, cdf_edges};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Headline KPIs shown in the terminal (overall), in order.
const HEADLINE: [Kpi; 24] = [
    Kpi::Arrived,
    Kpi::Duplicates,
    Kpi::Merged,
    Kpi::ServiceLevel(0),
    Kpi::ServiceLevelOfAnswered(0),
    Kpi::DelayProbability,
    Kpi::ResponseMean,
    Kpi::ResponseQuantile(1),
    Kpi::AbandonRate,
    Kpi::BlockRate,
    Kpi::LossRate,
    Kpi::Incidents,
    Kpi::IncidentsUnresolved,
    Kpi::IncidentsOpenAtEnd,
    Kpi::ResolutionRate,
    Kpi::ResolutionMean,
    Kpi::ResolutionQuantile(1),
    Kpi::FirstContactResolution,
    Kpi::ReassignmentsPerIncident,
    Kpi::MisroutesPerIncident,
    Kpi::SlaResolution,
    Kpi::AgentHours,
    Kpi::CostPerDay,
    Kpi::CostPerResolvedIncident,
];

fn diff_cell(d: &Option<crate::stats::Estimate>, unit: Unit) -> String {
    match d {
        None => String::new(),
        Some(e) if !e.mean.is_finite() => "-".into(),
        Some(e) => {
            let sign = if e.mean > 0.0 { "+" } else { "" };
            let mark = if e.excludes_zero() { " *" } else { "" };
            format!("{sign}{}{mark}", estimate(e, unit))
        }
    }
}

/// The terminal table.
pub fn compare_table(c: &Comparison) -> String {
    let mut header = vec!["KPI".to_string()];
    for (j, d) in c.designs.iter().enumerate() {
        header.push(d.label.clone());
        if j > 0 {
            header.push(format!("{} - {}", d.label, c.designs[0].label));
        }
    }
    let row = |r: &CompareRow, label: String| -> Vec<String> {
        let mut cells = vec![label];
        for (j, v) in r.values.iter().enumerate() {
            cells.push(
                v.as_ref()
                    .map_or("n/a".into(), |e| estimate(e, r.kpi.unit())),
            );
            if j > 0 {
                cells.push(diff_cell(&r.diffs[j], r.kpi.unit()));
            }
        }
        cells
    };
    let mut rows: Vec<Vec<String>> = HEADLINE
        .iter()
        .filter_map(|k| c.rows.iter().find(|r| r.kpi == *k && r.scope == "overall"))
        .map(|r| row(r, r.kpi_name.clone()))
        .collect();
    for k in [
        Kpi::AgentHours,
        Kpi::Utilisation,
        Kpi::WaitMean,
        Kpi::Saturation,
        Kpi::OpenAtEnd,
    ] {
        rows.extend(
            c.rows
                .iter()
                .filter(|r| r.kpi == k && r.scope == "team")
                .map(|r| row(r, format!("{} {}", r.name, r.kpi_name))),
        );
    }
    let runs = &c.designs[0].summary;
    let mut out = format!(
        "{} designs, {} replications each, seed-paired: {}\n",
        c.designs.len(),
        runs.replications,
        if c.paired {
            "yes (same demand, common random numbers)"
        } else {
            "NO"
        }
    );
    if !c.paired {
        out.push_str("WARNING: the designs' demand sections differ (arrivals, mixes, patience, retries or calendar), so\nthe comparison is NOT paired: differences use unpaired (Welch) intervals.\n");
    }
    out.push('\n');
    out.push_str(&table(&header, &rows));
    out.push_str(&format!(
        "\n{}: {}.\nagent_hours: {}; cost where every team has cost_per_hour.\n",
        Kpi::ServiceLevel(0).name(&c.designs[0].model),
        Kpi::ServiceLevel(0).definition(),
        Kpi::AgentHours.definition()
    ));
    out.push_str("Differences are against the first design with 95% intervals; * marks a difference whose\ninterval excludes zero. Every KPI for every breakdown is in compare.csv.\n");
    out
}

#[derive(Serialize)]
struct Row<'a> {
    kpi: &'a str,
    scope: &'a str,
    name: &'a str,
    unit: &'static str,
    design: &'a str,
    mean: f64,
    ci_low: f64,
    ci_high: f64,
    diff_vs_first: Option<f64>,
    diff_ci_low: Option<f64>,
    diff_ci_high: Option<f64>,
    significant: Option<bool>,
    paired: bool,
}

fn tidy(c: &Comparison) -> Vec<Row<'_>> {
    let mut out = Vec::new();
    for r in &c.rows {
        for (j, d) in c.designs.iter().enumerate() {
            let Some(v) = &r.values[j] else { continue };
            let diff = r.diffs[j];
            out.push(Row {
                kpi: &r.kpi_name,
                scope: r.scope,
                name: &r.name,
                unit: r.kpi.unit().name(),
                design: &d.label,
                mean: v.mean,
                ci_low: v.lo,
                ci_high: v.hi,
                diff_vs_first: diff.map(|e| e.mean),
                diff_ci_low: diff.map(|e| e.lo),
                diff_ci_high: diff.map(|e| e.hi),
                significant: diff.map(|e| e.excludes_zero()),
                paired: c.paired,
            });
        }
    }
    out
}

/// Writes `compare.csv`, `compare.json` and the plots to `dir`; returns the paths.
pub fn write_compare(dir: &Path, c: &Comparison) -> Result<Vec<PathBuf>> {
    let rows = tidy(c);
    let files = vec![
        (dir.join("compare.csv"), to_csv(rows.iter())?),
        (
            dir.join("compare.json"),
            serde_json::to_vec_pretty(&rows)
                .map_err(|e| Error::Usage(format!("JSON output failed: {e}")))?,
        ),
    ];
    for (p, b) in &files {
        write_atomic(p, b)?;
    }
    let mut written: Vec<PathBuf> = files.into_iter().map(|(p, _)| p).collect();
    written.extend(plots(dir, c)?);
    Ok(written)
}

fn ci_points(
    c: &Comparison,
    pick: impl Fn(&CompareRow) -> Option<String>,
    scale: f64,
) -> Vec<CiPoint> {
    let mut pts = Vec::new();
    for r in &c.rows {
        let Some(category) = pick(r) else { continue };
        for (j, d) in c.designs.iter().enumerate() {
            if let Some(e) = &r.values[j]
                && e.mean.is_finite()
            {
                let (lo, hi) = if e.lo.is_finite() {
                    (e.lo, e.hi)
                } else {
                    (e.mean, e.mean)
                };
                pts.push(CiPoint {
                    group: d.label.clone(),
                    category: category.clone(),
                    mean: e.mean * scale,
                    lo: lo * scale,
                    hi: hi * scale,
                });
            }
        }
    }
    pts
}

fn plots(dir: &Path, c: &Comparison) -> Result<Vec<PathBuf>> {
    let names: Vec<&str> = c.designs.iter().map(|d| d.model.name.as_str()).collect();
    let title = |what: &str| format!("{what}: {}", names.join(" vs "));
    let mut written = Vec::new();
    let ratios = [
        Kpi::ServiceLevel(0),
        Kpi::AbandonRate,
        Kpi::BlockRate,
        Kpi::LossRate,
        Kpi::FirstContactResolution,
        Kpi::SlaResolution,
    ];
    let pts = ci_points(
        c,
        |r| (r.scope == "overall" && ratios.contains(&r.kpi)).then(|| r.kpi_name.clone()),
        100.0,
    );
    plot_both(dir, "compare_rates", &mut written, &|p| {
        plot::ci_chart(
            p,
            &title("Service KPIs"),
            "percent of contacts or incidents (%)",
            &pts,
        )
    })?;
    let times = [
        Kpi::ResponseMean,
        Kpi::ResponseQuantile(1),
        Kpi::ResolutionMean,
        Kpi::ResolutionQuantile(1),
    ];
    let pts = ci_points(
        c,
        |r| (r.scope == "overall" && times.contains(&r.kpi)).then(|| r.kpi_name.clone()),
        1.0 / 60.0,
    );
    plot_both(dir, "compare_times", &mut written, &|p| {
        plot::ci_chart(p, &title("Waits and resolution"), "minutes", &pts)
    })?;
    let pts = ci_points(
        c,
        |r| (r.scope == "team" && r.kpi == Kpi::Utilisation).then(|| r.name.clone()),
        100.0,
    );
    plot_both(dir, "compare_utilisation", &mut written, &|p| {
        plot::ci_chart(p, &title("Utilisation per team"), "utilisation (%)", &pts)
    })?;
    let edges = cdf_edges();
    let cdf: Vec<LineSeries> = c
        .designs
        .iter()
        .map(|d| {
            let mut bins = vec![0.0; edges.len() + 1];
            for r in &d.reps {
                bins.iter_mut()
                    .zip(&r.series.response_bins)
                    .for_each(|(a, b)| *a += b);
            }
            let total: f64 = bins.iter().sum();
            let mut acc = 0.0;
            let points = edges
                .iter()
                .zip(&bins)
                .filter(|(e, _)| **e <= 7.0 * 86_400.0)
                .map(|(&e, &b)| {
                    acc += b;
                    let y = if total > 0.0 { acc / total } else { f64::NAN };
                    Band {
                        x: (e / 60.0).log10(),
                        lo: y,
                        mid: y,
                        hi: y,
                    }
                })
                .collect();
            LineSeries {
                label: d.label.clone(),
                points,
            }
        })
        .collect();
    plot_both(dir, "compare_answer_cdf", &mut written, &|p| {
        plot::line_chart(
            p,
            &title("Time to answer (all channels)"),
            "log10(minutes to answer)",
            "share answered within",
            &cdf,
        )
    })?;
    let queue: Vec<LineSeries> = c
        .designs
        .iter()
        .flat_map(|d| {
            let s = &d.summary.series;
            d.model
                .teams
                .iter()
                .enumerate()
                .map(move |(t, team)| LineSeries {
                    label: format!("{}: {}", d.label, team.name),
                    points: s
                        .start
                        .iter()
                        .zip(&s.queue_mean[t])
                        .map(|(&x, &y)| Band {
                            x: x / 3600.0,
                            lo: y,
                            mid: y,
                            hi: y,
                        })
                        .collect(),
                })
        })
        .filter(|l| l.points.iter().any(|b| b.mid > 0.0))
        .collect();
    plot_both(dir, "compare_queue_by_interval", &mut written, &|p| {
        plot::line_chart(
            p,
            &title("Mean queue length over the day"),
            "hour of day",
            "contacts waiting",
            &queue,
        )
    })?;
    let _ = value;
    Ok(written)
}
