//! `report.html`: one self-contained page per results folder (inline CSS and SVG; no scripts,
//! fonts or images fetched from anywhere), built only from the JSON files the commands wrote
//! there, so that `tiersim report DIR` rebuilds it without simulating.
//!
//! [`Page`] is the building block: a title, sections of escaped text, tables, KPI cards and
//! charts. [`write_report`] picks the page for a folder: `compare.json` (a comparison, with each
//! design's `designs/<label>/summary.json`), `sweep.json` (a sweep), or `summary.json` (a run or
//! a staffing search) or `pilot.json` (a pilot, page built in [`super::pilot`]).

use super::compare::readable;
use super::format::{clock, duration};
use super::plot::{self, Axis, Band, ChartOptions, CiPoint, LineSeries};
use super::tidy::{Inputs, ReportExtras, StaffingRow};
use super::write_atomic;
use crate::error::{Error, Result};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// HTML-escapes text.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A value in a unit as named in the tidy outputs (`s`, `ratio`, `count`, ...).
pub fn fmt_value(v: f64, unit: &str) -> String {
    use crate::stats::Unit;
    let known = match unit {
        "s" => Some(Unit::Seconds),
        "ratio" => Some(Unit::Ratio),
        "count" => Some(Unit::Count),
        "agents" => Some(Unit::Agents),
        "per_incident" => Some(Unit::PerIncident),
        "h" => Some(Unit::Hours),
        "cost" => Some(Unit::Cost),
        _ => None,
    };
    match known {
        Some(u) => super::format::value(v, u),
        None if v.is_finite() => format!("{} {unit}", trim(v)),
        None => "-".into(),
    }
}

fn trim(v: f64) -> String {
    if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// `mean ±half-width` in a unit.
fn fmt_estimate(mean: Option<f64>, lo: Option<f64>, hi: Option<f64>, unit: &str) -> String {
    let Some(m) = mean else { return "-".into() };
    match (lo, hi) {
        (Some(l), Some(h)) if h > l => {
            let hw = (h - l) / 2.0;
            let hw = if unit == "ratio" {
                format!("{:.1}", hw * 100.0)
            } else {
                fmt_value(hw, unit)
            };
            format!("{} ±{hw}", fmt_value(m, unit))
        }
        _ => fmt_value(m, unit),
    }
}

/// One KPI row as read back from `summary.json` (the same shape as a sweep point's rows).
pub type KpiRow = super::sweep::PointRow;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct IntervalRow {
    start: String,
    series: String,
    name: String,
    value: Option<f64>,
    /// `all`, `weekday`, `saturday`, `sunday` (absent in older files: all days together).
    day_type: Option<String>,
}

/// `summary.json` as read back.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct SummaryDoc {
    meta: Value,
    kpis: Vec<KpiRow>,
    intervals: Vec<IntervalRow>,
    warnings: Vec<Value>,
    #[serde(flatten)]
    extras: ReportExtras,
}

/// One row of `compare.json`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct CompareRow {
    kpi: String,
    scope: String,
    name: String,
    unit: String,
    design: String,
    mean: Option<f64>,
    ci_low: Option<f64>,
    ci_high: Option<f64>,
    diff_vs_first: Option<f64>,
    diff_ci_low: Option<f64>,
    diff_ci_high: Option<f64>,
    significant: Option<bool>,
    paired: bool,
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T> {
    super::read_json(path, "result file")
}

const CSS: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;margin:0;color:#1d2330;background:#f4f5f7;line-height:1.4}
main{max-width:1180px;margin:0 auto;padding:20px 28px 60px}
h1{font-size:26px;margin:10px 0 4px}h2{font-size:20px;margin:32px 0 10px;border-bottom:2px solid #d7dbe2;padding-bottom:4px}
h3{font-size:16px;margin:18px 0 6px}.sub{color:#5a6372;margin:0 0 12px}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{background:#fff;border-radius:8px;padding:10px 14px;min-width:170px;border-left:7px solid #9aa3b2;box-shadow:0 1px 2px #0001}
.card .label{font-size:13px;color:#5a6372}.card .value{font-size:26px;font-weight:650}
.card .ci{font-size:12px;color:#5a6372}.card .status{font-size:13px;font-weight:600}
.met{border-left-color:#2c9f4b}.close{border-left-color:#e0a100}.missed{border-left-color:#d03030}
span.met{color:#1f7a37}span.close{color:#9a6f00}span.missed{color:#b02020}
table{border-collapse:collapse;background:#fff;margin:6px 0 12px;font-size:14px;box-shadow:0 1px 2px #0001}
th,td{padding:4px 10px;border-bottom:1px solid #e3e6eb;text-align:right;vertical-align:top}
th{background:#eef0f4}th:first-child,td:first-child{text-align:left}
td.sig{font-weight:600}
figure{margin:10px 0;max-width:980px;background:#fff;padding:6px;border-radius:6px;box-shadow:0 1px 2px #0001}
figure svg{width:100%;height:auto;display:block}figcaption{font-size:13px;color:#5a6372;padding:4px 6px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(470px,1fr));gap:12px}
.warn{background:#fff6e0;border-left:6px solid #e0a100;padding:8px 12px;margin:6px 0}
.ok{background:#eaf6ec;border-left:6px solid #2c9f4b;padding:8px 12px;margin:6px 0}
dl{background:#fff;padding:10px 16px;border-radius:6px}dt{font-weight:600;margin-top:8px;font-family:ui-monospace,monospace}dd{margin:2px 0 0 16px}
details{margin:8px 0}summary{cursor:pointer;font-weight:600}
code{font-family:ui-monospace,monospace;font-size:13px}
";

/// A report page: sections of HTML, rendered with inline CSS into one file.
pub struct Page {
    title: String,
    subtitle: String,
    body: String,
    footnote: String,
}

/// The line under every page, unless [`Page::footnote`] replaces it.
const FOOTNOTE: &str =
    "Every number is a mean over independent replications with its 95% confidence interval (±).";

impl Page {
    /// A page with a title and a line under it (both plain text).
    pub fn new(title: &str, subtitle: &str) -> Self {
        Page {
            title: title.to_string(),
            subtitle: subtitle.to_string(),
            body: String::new(),
            footnote: FOOTNOTE.to_string(),
        }
    }

    /// Replaces the line at the foot of the page (plain text) saying how to read its numbers.
    pub fn footnote(&mut self, text: &str) -> &mut Self {
        self.footnote = text.to_string();
        self
    }

    /// A section heading.
    pub fn heading(&mut self, text: &str) -> &mut Self {
        let _ = writeln!(self.body, "<h2>{}</h2>", esc(text));
        self
    }

    /// A paragraph of plain text.
    pub fn para(&mut self, text: &str) -> &mut Self {
        let _ = writeln!(self.body, "<p>{}</p>", esc(text));
        self
    }

    /// A note box: `kind` is `warn` or `ok`.
    pub fn note(&mut self, kind: &str, text: &str) -> &mut Self {
        let _ = writeln!(self.body, "<div class=\"{kind}\">{}</div>", esc(text));
        self
    }

    /// A table of plain-text cells (the first column left-aligned).
    pub fn table(&mut self, header: &[String], rows: &[Vec<String>]) -> &mut Self {
        self.body.push_str("<table><thead><tr>");
        for h in header {
            let _ = write!(self.body, "<th>{}</th>", esc(h));
        }
        self.body.push_str("</tr></thead><tbody>\n");
        for r in rows {
            self.body.push_str("<tr>");
            for c in r {
                let _ = write!(self.body, "<td>{}</td>", esc(c));
            }
            self.body.push_str("</tr>\n");
        }
        self.body.push_str("</tbody></table>\n");
        self
    }

    /// KPI cards: (label, value, interval text, status `met`/`close`/`missed` or empty,
    /// status text).
    pub fn cards(&mut self, cards: &[Card]) -> &mut Self {
        self.body.push_str("<div class=\"cards\">\n");
        for c in cards {
            let _ = writeln!(
                self.body,
                "<div class=\"card {}\"><div class=\"label\">{}</div><div class=\"value\">{}</div><div class=\"ci\">{}</div>{}</div>",
                esc(&c.status),
                esc(&c.label),
                esc(&c.value),
                esc(&c.detail),
                if c.status.is_empty() {
                    String::new()
                } else {
                    format!(
                        "<div class=\"status\"><span class=\"{}\">{}</span></div>",
                        esc(&c.status),
                        esc(&c.status_text)
                    )
                }
            );
        }
        self.body.push_str("</div>\n");
        self
    }

    /// A chart (an SVG document from [`plot`]) with a caption; a chart that could not be drawn
    /// (e.g. no data) is replaced by the caption and the reason.
    pub fn chart(
        &mut self,
        svg: std::result::Result<String, plot::PlotError>,
        caption: &str,
    ) -> &mut Self {
        match svg {
            Ok(svg) => {
                let svg = svg
                    .find("<svg")
                    .map_or(svg.as_str(), |i| &svg[i..])
                    .to_string();
                let _ = writeln!(
                    self.body,
                    "<figure>{svg}<figcaption>{}</figcaption></figure>",
                    esc(caption)
                );
            }
            Err(plot::PlotError::Empty { .. }) => {
                let _ = writeln!(
                    self.body,
                    "<p class=\"sub\">{}: nothing to draw (no data: closed or idle).</p>",
                    esc(caption),
                );
            }
            Err(e) => {
                let _ = writeln!(
                    self.body,
                    "<p class=\"sub\">{}: not drawn ({})</p>",
                    esc(caption),
                    esc(&e.to_string())
                );
            }
        }
        self
    }

    /// Raw, already-escaped HTML (for callers composing their own markup).
    pub fn raw(&mut self, html: &str) -> &mut Self {
        self.body.push_str(html);
        self
    }

    /// The whole document.
    pub fn render(&self) -> String {
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{t}</title>\n<style>{CSS}</style></head>\n<body><main>\n<h1>{t}</h1>\n<p class=\"sub\">{s}</p>\n{b}<p class=\"sub\">Made by tiersim {v}. {f}</p>\n</main></body></html>\n",
            t = esc(&self.title),
            s = esc(&self.subtitle),
            b = self.body,
            f = esc(&self.footnote),
            v = env!("CARGO_PKG_VERSION"),
        )
    }

    /// Writes the page as `DIR/report.html` (atomically) and returns the path.
    pub fn write(&self, dir: &Path) -> Result<PathBuf> {
        let p = dir.join("report.html");
        write_atomic(&p, self.render().as_bytes())?;
        Ok(p)
    }
}

/// Charts side by side (as many columns as the page is wide for), each with its caption.
pub fn chart_grid(
    page: &mut Page,
    charts: Vec<(std::result::Result<String, plot::PlotError>, String)>,
) {
    let mut sub = Page::new("", "");
    for (svg, caption) in charts {
        sub.chart(svg, &caption);
    }
    page.raw(&format!("<div class=\"grid\">{}</div>", sub.body));
}

/// A headline KPI card.
#[derive(Clone, Debug, Default)]
pub struct Card {
    pub label: String,
    pub value: String,
    pub detail: String,
    /// `met`, `close`, `missed`, or empty for no target.
    pub status: String,
    pub status_text: String,
}

/// Writes `DIR/report.html` for whatever results `DIR` holds; returns its path.
pub fn write_report(dir: &Path) -> Result<PathBuf> {
    let page = if dir.join("compare.json").is_file() {
        compare_page(dir)?
    } else if dir.join("sweep.json").is_file() {
        sweep_page_of_folder(dir)?
    } else if dir.join("pilot.json").is_file() {
        super::pilot::html_page(dir)?
    } else if dir.join("summary.json").is_file() {
        let doc: SummaryDoc = read_json(&dir.join("summary.json"))?;
        run_page(&doc)
    } else {
        return Err(Error::Usage(format!(
            "{}: no tiersim results here (expected summary.json, compare.json, sweep.json or pilot.json)",
            dir.display()
        )));
    };
    page.write(dir)
}

/// Headline KPIs, in order: the first service level, then these by name if present.
const HEADLINE: [&str; 10] = [
    "response_mean",
    "abandon_rate",
    "block_rate",
    "loss_rate",
    "resolution_mean",
    "resolution_p90",
    "first_contact_resolution",
    "incidents_open_at_end",
    "agent_hours",
    "cost_per_day",
];

/// Whether a KPI is the headline service level at a threshold (`service_level_20s`, not one
/// of its variants).
pub fn is_plain_service_level(kpi: &str) -> bool {
    kpi.strip_prefix("service_level_")
        .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
}

fn headline_rows(kpis: &[KpiRow]) -> Vec<&KpiRow> {
    let overall = |k: &&KpiRow| k.scope == "overall";
    let sl = kpis
        .iter()
        .filter(overall)
        .find(|k| is_plain_service_level(&k.kpi));
    let mut rows: Vec<&KpiRow> = sl
        .into_iter()
        .chain(
            HEADLINE
                .iter()
                .filter_map(|h| kpis.iter().filter(overall).find(|k| k.kpi == *h)),
        )
        .collect();
    if deflects(kpis)
        && let Some(d) = kpis.iter().filter(overall).find(|k| k.kpi == DEFLECTED)
    {
        let at = deflected_slot(rows.iter().map(|r| r.kpi.as_str()));
        rows.insert(at, d);
    }
    rows
}

/// Contacts self-service deflected: headlined, just before first-contact resolution, where a
/// design deflects any, since deflection (demand avoided) moves that KPI and the arrivals.
const DEFLECTED: &str = "deflected";

/// Whether these KPIs show any contact deflected by self-service.
fn deflects(kpis: &[KpiRow]) -> bool {
    kpis.iter()
        .any(|k| k.scope == "overall" && k.kpi == DEFLECTED && k.mean.is_some_and(|m| m > 0.0))
}

/// Where `deflected` goes among headline KPIs named `names`: before first-contact resolution,
/// else last.
fn deflected_slot<'a>(mut names: impl ExactSizeIterator<Item = &'a str>) -> usize {
    let n = names.len();
    names
        .position(|k| k == "first_contact_resolution")
        .unwrap_or(n)
}

fn cards(doc: &SummaryDoc) -> Vec<Card> {
    headline_rows(&doc.kpis)
        .into_iter()
        .map(|k| {
            let target = doc
                .extras
                .targets
                .iter()
                .find(|t| t.kpi == k.kpi && (t.name == k.name || t.name == "all"));
            let detail = match (k.ci_low, k.ci_high) {
                (Some(l), Some(h)) if h > l => format!(
                    "95% CI {} to {}",
                    fmt_value(l, &k.unit),
                    fmt_value(h, &k.unit)
                ),
                _ => String::new(),
            };
            Card {
                label: readable(&k.kpi),
                value: k.mean.map_or("-".into(), |m| fmt_value(m, &k.unit)),
                detail,
                status: target.map_or(String::new(), |t| t.status.clone()),
                status_text: target.map_or(String::new(), |t| {
                    format!("{}: target {}", t.status, t.target)
                }),
            }
        })
        .collect()
}

fn meta_line(meta: &Value) -> String {
    let g = |k: &str| {
        meta.get(k).map_or(String::new(), |v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    };
    format!(
        "Scenario {} ({}): {} replications of {} simulated days after {} warm-up days, seed {}.",
        g("scenario"),
        g("file"),
        g("replications"),
        g("simulated_days"),
        g("warmup_days"),
        g("seed")
    )
}

fn run_page(doc: &SummaryDoc) -> Page {
    let name = doc
        .meta
        .get("scenario")
        .and_then(Value::as_str)
        .unwrap_or("");
    let staffed = doc.extras.staffing.iter().any(|r| r.required.is_some());
    let mut page = Page::new(
        &format!(
            "{}: {name}",
            if staffed { "Staffing" } else { "Simulation" }
        ),
        &meta_line(&doc.meta),
    );
    page.heading("Headline KPIs").cards(&cards(doc));
    targets_section(&mut page, &doc.extras);
    warnings_section(&mut page, &doc.warnings);
    page.heading("Teams: staffing, agent-hours and cost");
    teams_table(&mut page, &doc.kpis, &doc.extras.inputs);
    staffing_charts(&mut page, doc);
    day_charts(&mut page, doc);
    answer_chart(&mut page, &[(name.to_string(), doc)]);
    inputs_section(&mut page, &doc.extras.inputs);
    all_kpis(&mut page, &doc.kpis);
    definitions(
        &mut page,
        &doc.extras.definitions,
        doc.kpis.iter().map(|k| k.kpi.as_str()),
    );
    page
}

fn targets_section(page: &mut Page, x: &ReportExtras) {
    if x.targets.is_empty() {
        return;
    }
    page.heading("Targets");
    let rows: Vec<Vec<String>> = x
        .targets
        .iter()
        .map(|t| {
            vec![
                t.target.clone(),
                t.name.clone(),
                fmt_value(t.mean, &t.unit),
                fmt_value(t.bound, &t.unit),
                t.status.clone(),
            ]
        })
        .collect();
    page.table(
        &["target", "for", "estimate", "95% bound", "status"].map(String::from),
        &rows,
    );
    page.para("met: the 95% confidence bound meets the target; close: the estimate meets it, or the bound misses by at most 5%; missed: otherwise.");
}

fn warnings_section(page: &mut Page, warnings: &[Value]) {
    page.heading("Warnings");
    if warnings.is_empty() {
        page.note("ok", "No warnings.");
    }
    for w in warnings {
        page.note("warn", &warning_text(w));
    }
}

/// A warning as text: a string, or an object's `message` (with its `file`/`field` if given).
fn warning_text(w: &Value) -> String {
    match w {
        Value::String(s) => s.clone(),
        Value::Object(o) => {
            let msg = o
                .get("message")
                .and_then(Value::as_str)
                .map_or_else(|| w.to_string(), str::to_string);
            let at: Vec<&str> = ["file", "field"]
                .iter()
                .filter_map(|k| o.get(*k).and_then(Value::as_str))
                .collect();
            if at.is_empty() {
                msg
            } else {
                format!("{}: {msg}", at.join(" "))
            }
        }
        other => other.to_string(),
    }
}

fn team_kpi<'a>(kpis: &'a [KpiRow], team: &str, kpi: &str) -> Option<&'a KpiRow> {
    kpis.iter()
        .find(|k| k.scope == "team" && k.name == team && k.kpi == kpi)
}

fn teams_table(page: &mut Page, kpis: &[KpiRow], inputs: &Inputs) {
    let cell = |team: &str, kpi: &str| {
        team_kpi(kpis, team, kpi).map_or("-".into(), |k| {
            fmt_estimate(k.mean, k.ci_low, k.ci_high, &k.unit)
        })
    };
    let mut rows: Vec<Vec<String>> = inputs
        .teams
        .iter()
        .map(|t| {
            vec![
                t.name.clone(),
                t.agents_peak.to_string(),
                format!("{:.0}", t.agent_hours),
                match (t.cost_per_hour, t.cost_per_contact) {
                    (Some(c), _) => format!("{:.0}", c * t.agent_hours),
                    (None, Some(p)) => format!("{p} per contact"),
                    (None, None) => "-".into(),
                },
                cell(&t.name, "utilisation"),
                cell(&t.name, "wait_mean"),
                cell(&t.name, "queue_mean"),
            ]
        })
        .collect();
    let hours: f64 = inputs.teams.iter().map(|t| t.agent_hours).sum();
    let cost: Option<f64> = inputs
        .teams
        .iter()
        .map(|t| t.cost_per_hour.map(|c| c * t.agent_hours))
        .sum();
    rows.push(vec![
        "total".into(),
        inputs
            .teams
            .iter()
            .map(|t| t.agents_peak)
            .sum::<u32>()
            .to_string(),
        format!("{hours:.0}"),
        cost.map_or("-".into(), |c| format!("{c:.0}")),
        String::new(),
        String::new(),
        String::new(),
    ]);
    page.table(
        &[
            "team",
            "peak agents",
            "agent-hours",
            "cost",
            "utilisation",
            "wait mean",
            "queue mean",
        ]
        .map(String::from),
        &rows,
    );
}

fn hours(start: &str) -> f64 {
    let (h, m) = start.split_once(':').unwrap_or((start, "0"));
    h.parse::<f64>().unwrap_or(f64::NAN) + m.parse::<f64>().unwrap_or(0.0) / 60.0
}

fn flat(x: f64, y: f64) -> Band {
    Band {
        x,
        lo: y,
        mid: y,
        hi: y,
    }
}

/// The day type of an interval row (`all` in files written before day types).
fn day_of(r: &IntervalRow) -> &str {
    r.day_type.as_deref().unwrap_or("all")
}

/// Interval values of one series and name, per day type (weekday, saturday, sunday; all days
/// together only where the file has no day types), in time order.
fn interval_lines(doc: &SummaryDoc, series: &str, name: &str) -> BTreeMap<String, Vec<Band>> {
    let split = doc.intervals.iter().any(|r| day_of(r) != "all");
    let mut out: BTreeMap<String, Vec<Band>> = BTreeMap::new();
    for r in doc
        .intervals
        .iter()
        .filter(|r| r.series == series && r.name == name && (!split || day_of(r) != "all"))
    {
        out.entry(day_of(r).to_string())
            .or_default()
            .push(flat(hours(&r.start), r.value.unwrap_or(f64::NAN)));
    }
    out
}

fn staffing_charts(page: &mut Page, doc: &SummaryDoc) {
    page.heading("Staffing over the day");
    page.para("Per team: agents scheduled in each interval (the most on any weekday), agents actually available on average (after availability and breaks), and, from a staffing search, the agents required.");
    let mut by_team: BTreeMap<&str, Vec<&StaffingRow>> = BTreeMap::new();
    for r in &doc.extras.staffing {
        by_team.entry(r.team.as_str()).or_default().push(r);
    }
    let hour_axis = ChartOptions {
        x_axis: Axis::HourOfDay,
        y_axis: Axis::Integer,
        y_from_zero: true,
        ..ChartOptions::default()
    };
    let mut charts = Vec::new();
    for team in doc.extras.inputs.teams.iter().map(|t| t.name.as_str()) {
        let Some(rows) = by_team.get(team) else {
            continue;
        };
        let mut lines = vec![LineSeries {
            label: "scheduled".into(),
            points: rows
                .iter()
                .map(|r| flat(hours(&r.start), f64::from(r.scheduled)))
                .collect(),
        }];
        if rows.iter().any(|r| r.required.is_some()) {
            lines.push(LineSeries {
                label: "required".into(),
                points: rows
                    .iter()
                    .map(|r| flat(hours(&r.start), r.required.map_or(f64::NAN, f64::from)))
                    .collect(),
            });
        }
        for (day, pts) in interval_lines(doc, "agents", team) {
            lines.push(LineSeries {
                label: format!("available ({day})"),
                points: pts,
            });
        }
        charts.push((
            plot::line_chart_svg(
                &format!("Agents: {team}"),
                "time of day",
                "agents",
                &lines,
                &hour_axis,
            ),
            format!("{team}: scheduled against available and required agents per interval"),
        ));
    }
    chart_grid(page, charts);
}

fn day_charts(page: &mut Page, doc: &SummaryDoc) {
    let hour_axis = ChartOptions {
        x_axis: Axis::HourOfDay,
        y_from_zero: true,
        ..ChartOptions::default()
    };
    page.heading("Service level by interval");
    let sl: Vec<LineSeries> = interval_lines(doc, "service_level", "all")
        .into_iter()
        .map(|(day, pts)| LineSeries {
            label: day,
            points: pts.into_iter().map(|b| flat(b.x, b.mid * 100.0)).collect(),
        })
        .collect();
    let threshold = doc.extras.inputs.thresholds_s.first().copied();
    page.chart(
        plot::line_chart_svg(
            "Service level of contacts arriving in each interval",
            "time of day",
            "service level (%)",
            &sl,
            &hour_axis,
        ),
        &format!(
            "Share answered within {} of the contacts arriving in each interval (abandons count as failures); gaps: nothing to measure.",
            threshold.map_or("-".into(), duration)
        ),
    );
    page.heading("Queue over the day");
    let days: Vec<String> = {
        let split = doc.intervals.iter().any(|r| day_of(r) != "all");
        let mut d: Vec<String> = doc
            .intervals
            .iter()
            .filter(|r| r.series == "queue_mean" && (!split || day_of(r) != "all"))
            .map(|r| day_of(r).to_string())
            .collect();
        d.sort();
        d.dedup();
        d
    };
    let mut charts = Vec::new();
    for day in &days {
        let lines: Vec<LineSeries> = doc
            .extras
            .inputs
            .teams
            .iter()
            .filter_map(|t| {
                let pts = interval_lines(doc, "queue_mean", &t.name).remove(day)?;
                let agents = interval_lines(doc, "agents", &t.name).remove(day);
                // Closed hours (nobody rostered) are gaps, not a flat backlog line.
                let pts: Vec<Band> = pts
                    .iter()
                    .enumerate()
                    .map(|(i, b)| {
                        let open = agents
                            .as_ref()
                            .and_then(|a| a.get(i))
                            .is_none_or(|a| a.mid > 0.0);
                        flat(b.x, if open { b.mid } else { f64::NAN })
                    })
                    .collect();
                pts.iter().any(|b| b.mid > 0.0).then(|| LineSeries {
                    label: t.name.clone(),
                    points: pts,
                })
            })
            .collect();
        charts.push((
            plot::line_chart_svg(
                &format!("Mean queue per team: {day}"),
                "time of day",
                "contacts waiting",
                &lines,
                &hour_axis,
            ),
            format!("{day}: mean contacts waiting per team; teams that never queue are left out; gaps: team closed"),
        ));
    }
    chart_grid(page, charts);
}

fn answer_chart(page: &mut Page, docs: &[(String, &SummaryDoc)]) {
    page.heading("Time to answer");
    let lines: Vec<LineSeries> = docs
        .iter()
        .map(|(label, d)| LineSeries {
            label: label.clone(),
            points: d
                .extras
                .answer_cdf
                .iter()
                .map(|&(x, y)| flat(x, y * 100.0))
                .collect(),
        })
        .collect();
    let threshold = docs
        .first()
        .and_then(|(_, d)| d.extras.inputs.thresholds_s.first().copied());
    page.chart(
        plot::line_chart_svg(
            "Share of answered contacts answered within a time",
            "time to answer (log scale)",
            "answered within (%)",
            &lines,
            &ChartOptions {
                x_axis: Axis::LogSeconds,
                y_from_zero: true,
                x_marker: threshold.map(|t| (t, format!("threshold {}", duration(t)))),
                ..ChartOptions::default()
            },
        ),
        "Cumulative distribution of the time from arrival to an agent picking the contact up, all channels; the dashed line is the service-level threshold.",
    );
}

fn inputs_section(page: &mut Page, inputs: &Inputs) {
    page.heading("Key inputs");
    page.para(&format!(
        "Intervals of {} minutes; service-level thresholds: {}.",
        inputs.interval_minutes,
        inputs
            .thresholds_s
            .iter()
            .map(|&t| duration(t))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let rows: Vec<Vec<String>> = inputs
        .channels
        .iter()
        .map(|c| {
            vec![
                c.name.clone(),
                c.kind.clone(),
                format!("{:.0}", c.contacts_per_day),
                {
                    let mut e = c.entry.clone();
                    e.dedup();
                    e.sort();
                    e.dedup();
                    e.join(", ")
                },
                c.patience_mean_s.map_or("-".into(), duration),
            ]
        })
        .collect();
    page.table(
        &[
            "channel",
            "kind",
            "contacts per day",
            "entry teams",
            "mean patience",
        ]
        .map(String::from),
        &rows,
    );
    let rows: Vec<Vec<String>> = inputs
        .teams
        .iter()
        .map(|t| {
            vec![
                t.name.clone(),
                t.agents_peak.to_string(),
                format!("{:.0}", t.agent_hours),
                t.cost_per_hour.map_or("-".into(), |c| format!("{c}")),
            ]
        })
        .collect();
    page.table(
        &["team", "peak agents", "agent-hours", "cost per hour"].map(String::from),
        &rows,
    );
}

fn all_kpis(page: &mut Page, kpis: &[KpiRow]) {
    let rows: Vec<Vec<String>> = kpis
        .iter()
        .map(|k| {
            vec![
                k.kpi.clone(),
                k.scope.clone(),
                k.name.clone(),
                fmt_estimate(k.mean, k.ci_low, k.ci_high, &k.unit),
            ]
        })
        .collect();
    let mut sub = Page::new("", "");
    sub.table(
        &["KPI", "scope", "name", "mean ±95%"].map(String::from),
        &rows,
    );
    page.raw(&format!(
        "<h2>Every KPI</h2><details><summary>{} KPI values by channel, incident type, priority and team</summary>{}</details>\n",
        kpis.len(),
        sub.body
    ));
}

/// How each KPI is defined, by name prefix (the README's "Reading the outputs" in short).
const DEFINITIONS: &[(&str, &str)] = &[
    ("answered", "Contacts picked up by an agent."),
    (
        "resolved",
        "Contacts whose incident was resolved at that contact (by an agent or self-service).",
    ),
    ("abandoned", "Contacts that gave up waiting in a queue."),
    (
        "blocked",
        "Contacts refused because every line was busy (or the channel was closed and rejects after hours).",
    ),
    (
        "lost",
        "Contacts whose incident was dropped by a team without resolution.",
    ),
    (
        "in_system_at_end",
        "Contacts still waiting or in service when the simulation ended.",
    ),
    (
        "incidents_resolved",
        "Incidents resolved by the end of the run.",
    ),
    (
        "incidents_open_at_end",
        "Incidents still open when the simulation ended.",
    ),
    (
        "visits",
        "Contacts that reached the team (including hand-offs to it).",
    ),
    ("handled", "Contacts the team finished handling."),
    (
        "misrouted",
        "Contacts the team's triage sent to the wrong team.",
    ),
    (
        "agent_hours",
        "Agent-hours on the floor over the simulated days.",
    ),
    ("cost", "Agent-hours times each team's cost per hour."),
    (
        "service_level_excl_abandons",
        "Contacts answered within the threshold / contacts answered (abandons left out).",
    ),
    (
        "service_level",
        "Contacts answered within the threshold of arrival / (answered + abandoned); abandons count as failures, blocked and self-served contacts are in neither.",
    ),
    (
        "response",
        "Time from a contact's arrival to an agent picking it up, for answered contacts (pNN: percentiles).",
    ),
    (
        "abandon_rate",
        "Contacts that gave up waiting / contacts arrived.",
    ),
    (
        "block_rate",
        "Contacts refused because every line was busy / contacts arrived.",
    ),
    (
        "loss_rate",
        "Contacts whose incident was dropped without resolution / contacts arrived.",
    ),
    (
        "arrived",
        "Contact attempts arrived (including duplicates).",
    ),
    (
        "duplicates",
        "Retries and chases among the arrived contacts.",
    ),
    (
        "merged",
        "Chasing contacts merged into their still-open incident.",
    ),
    (
        "incidents_unresolved",
        "Incidents that ended without resolution (every attempt abandoned, blocked or lost).",
    ),
    (
        "incidents",
        "Customer problems, over all their contacts, by their first channel.",
    ),
    (
        "first_contact_resolution",
        "Resolved incidents solved on their first attempt by automation or the first team, with no hand-off / resolved incidents.",
    ),
    (
        "reassignments_per_incident",
        "Hand-offs between teams per incident.",
    ),
    (
        "misroutes_per_incident",
        "Triage errors (hand-offs to the wrong team) per incident.",
    ),
    (
        "resolution",
        "Time from an incident's first contact to its resolution (pNN: percentiles).",
    ),
    (
        "queue_time_per_incident",
        "Time an incident spent waiting in queues over all its contacts and team visits.",
    ),
    (
        "sla_response",
        "Ended incidents of a priority answered within the priority's response target / ended incidents.",
    ),
    (
        "sla_resolution",
        "Ended incidents of a priority resolved within the priority's resolution target / ended incidents.",
    ),
    ("utilisation", "Busy agent time / available agent time."),
    ("saturation", "Share of rostered time with no agent free."),
    (
        "saturated_intervals",
        "Intervals with all agents busy throughout and a longer queue at the end than at the start.",
    ),
    (
        "wait",
        "Time in the team's queue per visit (pNN: percentiles).",
    ),
    (
        "queue",
        "Contacts waiting in the team's queue, time-averaged (queue_max: the most).",
    ),
    ("agents_present", "Mean agents available while rostered."),
];

/// The definition of a KPI by name, if known.
pub fn definition(kpi: &str) -> Option<&'static str> {
    DEFINITIONS
        .iter()
        .find(|(p, _)| kpi.starts_with(p))
        .map(|(_, d)| *d)
}

fn definitions<'a>(
    page: &mut Page,
    known: &BTreeMap<String, String>,
    names: impl Iterator<Item = &'a str>,
) {
    let mut seen: Vec<&str> = Vec::new();
    for n in names {
        if !seen.contains(&n) {
            seen.push(n);
        }
    }
    let mut html = String::from("<h2>How each KPI is defined</h2><dl>\n");
    for n in seen {
        let _ = writeln!(
            html,
            "<dt>{}</dt><dd>{}</dd>",
            esc(n),
            esc(known
                .get(n)
                .map(String::as_str)
                .or_else(|| definition(n))
                .unwrap_or("See the README, section \"Reading the outputs\"."))
        );
    }
    html.push_str("</dl>\n");
    page.raw(&html);
}

fn compare_page(dir: &Path) -> Result<Page> {
    let rows: Vec<CompareRow> = read_json(&dir.join("compare.json"))?;
    let mut labels: Vec<String> = Vec::new();
    for r in &rows {
        if !labels.contains(&r.design) {
            labels.push(r.design.clone());
        }
    }
    let docs: Vec<(String, SummaryDoc)> = labels
        .iter()
        .map(|l| {
            let p = dir
                .join("designs")
                .join(super::file_safe(l))
                .join("summary.json");
            Ok((
                l.clone(),
                if p.is_file() {
                    read_json(&p)?
                } else {
                    SummaryDoc::default()
                },
            ))
        })
        .collect::<Result<_>>()?;
    let paired = rows.first().is_some_and(|r| r.paired);
    let mut page = Page::new(
        &format!("Comparison: {}", labels.join(" vs ")),
        &format!(
            "{} designs on {}. {}",
            labels.len(),
            if paired {
                "the same demand (common random numbers; differences are paired)"
            } else {
                "DIFFERENT demand (differences use unpaired Welch intervals)"
            },
            docs.first()
                .map_or(String::new(), |(_, d)| meta_line(&d.meta))
        ),
    );
    if !paired {
        page.note(
            "warn",
            "The designs' demand sections differ, so this is not a like-for-like comparison.",
        );
    }
    page.heading("Headline KPIs, side by side");
    let first = &labels[0];
    let mut header = vec!["KPI".to_string()];
    for l in &labels {
        header.push(l.clone());
        if l != first {
            header.push(format!("{l} − {first}"));
        }
    }
    let headline: Vec<&KpiRow> = docs
        .first()
        .map(|(_, d)| headline_rows(&d.kpis))
        .unwrap_or_default();
    let mut names: Vec<(String, String, String)> = headline
        .iter()
        .map(|k| (k.kpi.clone(), "overall".into(), "all".into()))
        .collect();
    if headline.is_empty() {
        names.extend(
            [
                "service_level_20s",
                "response_mean",
                "abandon_rate",
                "loss_rate",
            ]
            .map(|k| (k.to_string(), "overall".to_string(), "all".to_string())),
        );
    }
    // The first design may deflect nothing while another does: headline it for all of them.
    if docs.iter().any(|(_, d)| deflects(&d.kpis)) && !names.iter().any(|n| n.0 == DEFLECTED) {
        let at = deflected_slot(names.iter().map(|n| n.0.as_str()));
        names.insert(at, (DEFLECTED.into(), "overall".into(), "all".into()));
    }
    let mut teams: Vec<String> = Vec::new();
    for (_, d) in &docs {
        for t in &d.extras.inputs.teams {
            if !teams.contains(&t.name) {
                teams.push(t.name.clone());
            }
        }
    }
    names.extend(
        teams
            .iter()
            .map(|t| ("utilisation".to_string(), "team".to_string(), t.clone())),
    );
    let mut table = String::from("<table><thead><tr>");
    for h in &header {
        let _ = write!(table, "<th>{}</th>", esc(h));
    }
    table.push_str("</tr></thead><tbody>\n");
    for (kpi, scope, name) in &names {
        let label = if scope == "overall" {
            readable(kpi)
        } else {
            format!("{name} {}", readable(kpi))
        };
        let _ = write!(table, "<tr><td>{}</td>", esc(&label));
        for l in &labels {
            let r = rows
                .iter()
                .find(|r| &r.kpi == kpi && &r.scope == scope && &r.name == name && &r.design == l);
            let _ = write!(
                table,
                "<td>{}</td>",
                esc(&r.map_or("n/a".into(), |r| fmt_estimate(
                    r.mean, r.ci_low, r.ci_high, &r.unit
                )))
            );
            if l != first {
                let (cell, sig) = r.map_or((String::new(), false), |r| {
                    let d = fmt_estimate(r.diff_vs_first, r.diff_ci_low, r.diff_ci_high, &r.unit);
                    let sign = if r.diff_vs_first.is_some_and(|v| v > 0.0) {
                        "+"
                    } else {
                        ""
                    };
                    let sig = r.significant == Some(true);
                    (format!("{sign}{d}{}", if sig { " *" } else { "" }), sig)
                });
                let _ = write!(
                    table,
                    "<td{}>{}</td>",
                    if sig { " class=\"sig\"" } else { "" },
                    esc(&cell)
                );
            }
        }
        table.push_str("</tr>\n");
    }
    table.push_str("</tbody></table>\n<p class=\"sub\">* the 95% interval of the difference excludes zero.</p>\n");
    page.raw(&table);
    page.heading("Staffing, agent-hours and cost");
    let rows_t: Vec<Vec<String>> = teams
        .iter()
        .map(|t| {
            let mut r = vec![t.clone()];
            for (_, d) in &docs {
                r.push(
                    d.extras
                        .inputs
                        .teams
                        .iter()
                        .find(|x| &x.name == t)
                        .map_or("-".into(), |x| {
                            format!("{} agents, {:.0} h", x.agents_peak, x.agent_hours)
                        }),
                );
            }
            r
        })
        .chain([
            std::iter::once("agent-hours".to_string())
                .chain(docs.iter().map(|(_, d)| {
                    format!(
                        "{:.0}",
                        d.extras
                            .inputs
                            .teams
                            .iter()
                            .map(|t| t.agent_hours)
                            .sum::<f64>()
                    )
                }))
                .collect(),
            std::iter::once("cost".to_string())
                .chain(docs.iter().map(|(_, d)| {
                    d.extras
                        .inputs
                        .teams
                        .iter()
                        .map(|t| t.cost_per_hour.map(|c| c * t.agent_hours))
                        .sum::<Option<f64>>()
                        .map_or("-".into(), |c| format!("{c:.0}"))
                }))
                .collect(),
        ])
        .collect();
    let mut h = vec!["team (peak agents, agent-hours)".to_string()];
    h.extend(labels.iter().cloned());
    page.table(&h, &rows_t);
    let all: Vec<Value> = docs
        .iter()
        .flat_map(|(l, d)| {
            d.warnings
                .iter()
                .map(move |w| Value::String(format!("{l}: {}", warning_text(w))))
        })
        .collect();
    warnings_section(&mut page, &all);
    let pts = |pick: &dyn Fn(&CompareRow) -> bool, scale: f64| -> Vec<CiPoint> {
        rows.iter()
            .filter(|r| pick(r))
            .filter_map(|r| {
                let m = r.mean?;
                let (mut lo, mut hi) = (r.ci_low.unwrap_or(m), r.ci_high.unwrap_or(m));
                if r.unit == "ratio" {
                    // Shares cannot leave 0..1, whatever the t-interval says.
                    (lo, hi) = (lo.max(0.0), hi.min(1.0));
                }
                Some(CiPoint {
                    group: r.design.clone(),
                    category: if r.scope == "overall" {
                        readable(&r.kpi)
                    } else {
                        r.name.clone()
                    },
                    mean: m * scale,
                    lo: lo * scale,
                    hi: hi * scale,
                })
            })
            .collect()
    };
    page.heading("Service KPIs");
    let higher = |r: &CompareRow| {
        r.scope == "overall"
            && (is_plain_service_level(&r.kpi)
                || r.kpi == "first_contact_resolution"
                || r.kpi.starts_with("sla_"))
    };
    let lower = |r: &CompareRow| {
        r.scope == "overall"
            && ["abandon_rate", "block_rate", "loss_rate"].contains(&r.kpi.as_str())
    };
    let zero = ChartOptions {
        y_from_zero: true,
        ..ChartOptions::default()
    };
    let mut html = String::from("<div class=\"grid\">");
    let mut sub = Page::new("", "");
    sub.chart(
        plot::ci_chart_svg(
            "Higher is better",
            "percent (%)",
            &pts(&higher, 100.0),
            &zero,
        ),
        "Shares where more is better, with 95% intervals.",
    );
    sub.chart(
        plot::ci_chart_svg("Lower is better", "percent (%)", &pts(&lower, 100.0), &zero),
        "Shares where less is better, with 95% intervals.",
    );
    html.push_str(&sub.body);
    html.push_str("</div>");
    page.raw(&html);
    let times = |r: &CompareRow| {
        r.scope == "overall"
            && [
                "response_mean",
                "response_p90",
                "resolution_mean",
                "resolution_p90",
            ]
            .contains(&r.kpi.as_str())
    };
    page.chart(
        plot::ci_chart_svg(
            "Waits and resolution (log scale)",
            "time",
            &pts(&times, 1.0),
            &ChartOptions {
                y_axis: Axis::LogSeconds,
                ..ChartOptions::default()
            },
        ),
        "Means and 90th percentiles on a log scale, so that seconds and hours both read.",
    );
    page.chart(
        plot::ci_chart_svg(
            "Utilisation per team",
            "utilisation (%)",
            &pts(&|r| r.scope == "team" && r.kpi == "utilisation", 100.0),
            &zero,
        ),
        "Busy agent time / available agent time, per team and design.",
    );
    let refs: Vec<(String, &SummaryDoc)> = docs.iter().map(|(l, d)| (l.clone(), d)).collect();
    answer_chart(&mut page, &refs);
    for (l, d) in &docs {
        if d.intervals.is_empty() {
            continue;
        }
        page.raw(&format!("<h2>Design {}</h2>\n", esc(l)));
        page.cards(&cards(d));
        staffing_charts(&mut page, d);
        day_charts(&mut page, d);
        inputs_section(&mut page, &d.extras.inputs);
    }
    let known: BTreeMap<String, String> = docs
        .iter()
        .flat_map(|(_, d)| d.extras.definitions.clone())
        .collect();
    definitions(&mut page, &known, rows.iter().map(|r| r.kpi.as_str()));
    Ok(page)
}

#[derive(Deserialize)]
struct SweepDoc {
    manifest: super::sweep::Manifest,
    points: Vec<super::sweep::PointFile>,
}

/// Writes `DIR/report.html` for a sweep whose results are in hand (the page `tiersim report`
/// builds from `sweep.json`); returns its path.
pub fn write_sweep_report(
    dir: &Path,
    manifest: &super::sweep::Manifest,
    points: &[super::sweep::PointFile],
) -> Result<PathBuf> {
    sweep_page(dir, manifest, points)?.write(dir)
}

fn sweep_page_of_folder(dir: &Path) -> Result<Page> {
    let doc: SweepDoc = read_json(&dir.join("sweep.json"))?;
    sweep_page(dir, &doc.manifest, &doc.points)
}

fn sweep_page(
    dir: &Path,
    m: &super::sweep::Manifest,
    points: &[super::sweep::PointFile],
) -> Result<Page> {
    let mut page = Page::new(
        &format!("Sweep: {}", m.scenario),
        &format!(
            "{} points over {}; {} replications each, seed {}.",
            m.points.len(),
            m.params.join(", "),
            m.replications,
            m.seed
        ),
    );
    page.heading("Points");
    let first_sl = points
        .first()
        .and_then(|p| p.rows.iter().find(|r| is_plain_service_level(&r.kpi)))
        .map(|r| r.kpi.clone())
        .unwrap_or_default();
    let kpis: Vec<&str> = std::iter::once(first_sl.as_str())
        .chain(HEADLINE.iter().copied())
        .collect();
    let shown: Vec<&str> = kpis
        .into_iter()
        .filter(|k| {
            points
                .first()
                .is_some_and(|p| p.rows.iter().any(|r| r.kpi == *k && r.scope == "overall"))
        })
        .collect();
    let mut header: Vec<String> = m.params.clone();
    header.extend(shown.iter().map(|k| readable(k)));
    let rows: Vec<Vec<String>> = points
        .iter()
        .map(|p| {
            let mut r: Vec<String> = m
                .params
                .iter()
                .map(|n| {
                    p.point
                        .iter()
                        .find(|(x, _)| x == n)
                        .map_or(String::new(), |(_, v)| format!("{v}"))
                })
                .collect();
            r.extend(shown.iter().map(|k| {
                p.rows
                    .iter()
                    .find(|x| x.kpi == *k && x.scope == "overall")
                    .map_or("-".into(), |x| {
                        fmt_estimate(x.mean, x.ci_low, x.ci_high, &x.unit)
                    })
            }));
            r
        })
        .collect();
    page.table(&header, &rows);
    page.heading("Plots");
    let mut svgs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "svg"))
        .collect();
    svgs.sort();
    for p in svgs {
        let svg = std::fs::read_to_string(&p).map_err(|e| Error::io(&p, e))?;
        let name = p
            .file_stem()
            .map_or(String::new(), |s| s.to_string_lossy().into_owned());
        page.chart(Ok(svg), &name);
    }
    definitions(&mut page, &BTreeMap::new(), shown.into_iter());
    Ok(page)
}

/// The start of each interval as `HH:MM` (for callers building staffing rows).
pub fn interval_start(slot: usize, interval_s: f64) -> String {
    clock(slot as f64 * interval_s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn page_has_no_script_and_no_remote_reference() {
        let mut p = Page::new("t <x>", "s");
        p.heading("h")
            .para("p")
            .table(&["a".into()], &[vec!["<b>".into()]]);
        let html = p.render();
        assert!(html.contains("t &lt;x&gt;"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("http://") && !html.contains("https://"));
    }

    #[test]
    fn every_headline_kpi_has_a_definition() {
        for k in HEADLINE
            .iter()
            .filter(|k| !["agent_hours", "cost"].contains(k))
        {
            assert!(definition(k).is_some(), "{k}");
        }
        assert!(
            definition("service_level_excl_abandons_20s")
                .unwrap()
                .contains("answered")
        );
    }
}
