//! Reports of a design comparison: a terminal table of headline KPIs with each design's mean
//! and interval and the difference against the first design, tidy CSV/JSON of every KPI, and
//! plots.

use super::format::{estimate, table};
use super::plot::{self, Band, CiPoint, LineSeries};
use super::tidy::to_csv;
use super::{plot_both, write_atomic};
use crate::error::{Error, Result};
use crate::experiment::{CompareRow, Comparison};
use crate::stats::{Kpi, Unit};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Headline KPIs shown in the terminal (overall), in order.
const HEADLINE: [Kpi; 25] = [
    Kpi::Arrived,
    Kpi::Deflected,
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

/// Whether a staffing row says something: a queue with no agents of its own (a skill's,
/// served by shared pools) has no agent-hours, utilisation or saturation of its own.
fn staffed(r: &CompareRow) -> bool {
    !matches!(r.kpi, Kpi::AgentHours | Kpi::Utilisation | Kpi::Saturation)
        || r.values
            .iter()
            .flatten()
            .any(|e| e.mean.is_finite() && e.mean > 0.0)
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
                .filter(|r| r.kpi == k && (r.scope == "team" || r.scope == "pool"))
                .filter(|r| staffed(r))
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
        "\n{}: {}.\nagent_hours: {}; cost where every team and shared pool has cost_per_hour or\ncost_per_contact (an external team: contacts handled x price, its hours not in the overall agent_hours).\n",
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

/// Writes `compare.csv`, `compare.json` and the plots to `dir`; returns the paths. `targets`
/// (KPI name, value) are drawn on the rate charts.
pub fn write_compare(
    dir: &Path,
    c: &Comparison,
    targets: &[(String, f64)],
) -> Result<Vec<PathBuf>> {
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
    written.extend(plots(dir, c, targets)?);
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
                // Shares cannot leave 0..1, whatever the t-interval says.
                let (lo, hi) = if r.kpi.unit() == Unit::Ratio {
                    (lo.max(0.0), hi.min(1.0))
                } else {
                    (lo, hi)
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

fn plots(dir: &Path, c: &Comparison, targets: &[(String, f64)]) -> Result<Vec<PathBuf>> {
    use plot::{Axis, ChartOptions};
    let names: Vec<&str> = c.designs.iter().map(|d| d.model.name.as_str()).collect();
    let title = |what: &str| format!("{what}: {}", names.join(" vs "));
    let mut written = Vec::new();
    let overall = |set: &[Kpi], r: &CompareRow| {
        (r.scope == "overall" && set.contains(&r.kpi)).then(|| readable(&r.kpi_name))
    };
    let higher = [
        Kpi::ServiceLevel(0),
        Kpi::FirstContactResolution,
        Kpi::SlaResponse,
        Kpi::SlaResolution,
    ];
    let lower = [Kpi::AbandonRate, Kpi::BlockRate, Kpi::LossRate];
    let share = ChartOptions {
        y_from_zero: true,
        targets: targets
            .iter()
            .filter(|(k, _)| !k.contains('@'))
            .map(|(k, v)| (readable(k), v * 100.0))
            .collect(),
        ..ChartOptions::default()
    };
    for (stem, set, what) in [
        ("compare_rates", &higher[..], "Higher is better"),
        ("compare_failures", &lower[..], "Lower is better"),
    ] {
        let pts = ci_points(c, |r| overall(set, r), 100.0);
        plot_both(dir, stem, &mut written, &|p| {
            plot::ci_chart_with(
                p,
                &title(what),
                "percent of contacts or incidents (%)",
                &pts,
                &share,
            )
        })?;
    }
    let times = [
        Kpi::ResponseMean,
        Kpi::ResponseQuantile(1),
        Kpi::ResolutionMean,
        Kpi::ResolutionQuantile(1),
    ];
    let pts = ci_points(c, |r| overall(&times, r), 1.0);
    let log = ChartOptions {
        y_axis: Axis::LogSeconds,
        ..ChartOptions::default()
    };
    plot_both(dir, "compare_times", &mut written, &|p| {
        plot::ci_chart_with(
            p,
            &title("Waits and resolution (log scale)"),
            "time",
            &pts,
            &log,
        )
    })?;
    let pts = ci_points(
        c,
        |r| (r.scope == "team" && r.kpi == Kpi::Utilisation).then(|| r.name.clone()),
        100.0,
    );
    plot_both(dir, "compare_utilisation", &mut written, &|p| {
        plot::ci_chart_with(
            p,
            &title("Utilisation per team"),
            "utilisation (%)",
            &pts,
            &ChartOptions {
                y_from_zero: true,
                ..ChartOptions::default()
            },
        )
    })?;
    let threshold = c.designs[0].model.thresholds[0];
    let cdf: Vec<LineSeries> = c
        .designs
        .iter()
        .map(|d| LineSeries {
            label: d.label.clone(),
            points: d
                .summary
                .series
                .answer_cdf
                .iter()
                .map(|&(x, y)| Band {
                    x,
                    lo: y,
                    mid: y,
                    hi: y,
                })
                .collect(),
        })
        .collect();
    let cdf_opts = ChartOptions {
        x_axis: Axis::LogSeconds,
        x_marker: Some((
            threshold,
            format!("threshold {}", super::format::duration(threshold)),
        )),
        ..ChartOptions::default()
    };
    plot_both(dir, "compare_answer_cdf", &mut written, &|p| {
        plot::line_chart_with(
            p,
            &title("Time to answer (all channels)"),
            "time to answer (log scale)",
            "share answered within",
            &cdf,
            &cdf_opts,
        )
    })?;
    for d in &c.designs {
        let queue = queue_lines(&d.model, &d.summary);
        let stem = format!("compare_queue_by_interval_{}", super::file_safe(&d.label));
        plot_both(dir, &stem, &mut written, &|p| {
            plot::line_chart_with(
                p,
                &format!("Mean queue over the day: {}", d.label),
                "time of day (gaps: team closed)",
                "contacts waiting",
                &queue,
                &ChartOptions {
                    x_axis: Axis::HourOfDay,
                    y_from_zero: true,
                    ..ChartOptions::default()
                },
            )
        })?;
    }
    Ok(written)
}

/// Mean queue per team over the day, one line per team that ever queues; intervals where the
/// team has nobody rostered are gaps rather than a flat overnight line.
pub fn queue_lines(m: &crate::model::Model, s: &crate::experiment::Summary) -> Vec<LineSeries> {
    team_lines(m, &s.series.queue_mean, &s.series.agents)
        .into_iter()
        .filter(|l| l.points.iter().any(|b| b.mid > 0.0))
        .collect()
}

/// One line per team over the day of `values[team][slot]`, with gaps where `open[team][slot]`
/// is not positive (pass `values` itself for no gaps beyond undefined values).
pub fn team_lines(
    m: &crate::model::Model,
    values: &[Vec<f64>],
    open: &[Vec<f64>],
) -> Vec<LineSeries> {
    let start = (0..m.slots_per_day).map(|x| x as f64 * m.interval / 3600.0);
    m.teams
        .iter()
        .enumerate()
        .map(|(t, team)| LineSeries {
            label: team.name.clone(),
            points: start
                .clone()
                .enumerate()
                .map(|(slot, x)| {
                    let y = if open[t][slot] > 0.0 {
                        values[t][slot]
                    } else {
                        f64::NAN
                    };
                    Band {
                        x,
                        lo: y,
                        mid: y,
                        hi: y,
                    }
                })
                .collect(),
        })
        .collect()
}

/// A KPI name as a person reads it: `service_level_20s` -> `service level 20s`.
pub fn readable(kpi: &str) -> String {
    let s = kpi.replace('_', " ");
    match s.strip_prefix("sla ") {
        Some(rest) => format!("SLA {rest}"),
        None => s,
    }
}
