//! Tidy outputs of a summary: one row per KPI x breakdown (CSV and JSON), the per-interval
//! series (CSV), and the per-contact trace (CSV).

use super::format::clock;
use crate::engine::TraceRecord;
use crate::error::{Error, Result};
use crate::experiment::Summary;
use crate::model::Model;
use crate::scenario::Priority;
use crate::stats::ContactEnd;
use serde::Serialize;

/// One KPI for one breakdown, across replications.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct TidyRow {
    pub kpi: String,
    pub scope: &'static str,
    pub name: String,
    pub unit: &'static str,
    pub mean: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub sd: f64,
    pub replications: usize,
}

/// The rows of a summary.
pub fn rows(m: &Model, s: &Summary) -> Vec<TidyRow> {
    s.layout
        .keys
        .iter()
        .zip(&s.estimates)
        .map(|(&(k, sc), e)| TidyRow {
            kpi: k.name(m),
            scope: sc.kind(),
            name: sc.label(m),
            unit: k.unit().name(),
            mean: e.mean,
            ci_low: e.lo,
            ci_high: e.hi,
            sd: e.sd,
            replications: e.n,
        })
        .collect()
}

/// Serialises records as CSV with a header row.
pub fn to_csv<T: Serialize>(records: impl IntoIterator<Item = T>) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in records {
        w.serialize(r)
            .map_err(|e| Error::Usage(format!("CSV output failed: {e}")))?;
    }
    w.into_inner()
        .map_err(|e| Error::Usage(format!("CSV output failed: {e}")))
}

/// Run metadata written beside the numbers.
#[derive(Clone, Debug, Serialize)]
pub struct RunMeta {
    pub scenario: String,
    pub file: String,
    pub seed: u64,
    pub replications: usize,
    pub simulated_days: f64,
    pub warmup_days: f64,
    pub events: u64,
    pub demand_fingerprint: String,
    pub tiersim_version: &'static str,
}

impl RunMeta {
    pub fn new(m: &Model, file: &str, seed: u64, s: &Summary) -> Self {
        RunMeta {
            scenario: m.name.clone(),
            file: file.to_string(),
            seed,
            replications: s.replications,
            simulated_days: (m.horizon - m.warmup) / 86_400.0,
            warmup_days: m.warmup / 86_400.0,
            events: s.events,
            demand_fingerprint: format!("{:016x}", m.demand_fingerprint),
            tiersim_version: env!("CARGO_PKG_VERSION"),
        }
    }
}

/// `summary.json`: metadata, every KPI row, and the interval series.
pub fn summary_json(m: &Model, meta: &RunMeta, s: &Summary) -> Result<Vec<u8>> {
    #[derive(Serialize)]
    struct Doc<'a> {
        meta: &'a RunMeta,
        kpis: Vec<TidyRow>,
        intervals: Vec<IntervalRow>,
    }
    let doc = Doc {
        meta,
        kpis: rows(m, s),
        intervals: interval_rows(m, s),
    };
    serde_json::to_vec_pretty(&doc).map_err(|e| Error::Usage(format!("JSON output failed: {e}")))
}

/// One value of the per-interval series.
#[derive(Clone, Debug, Serialize)]
pub struct IntervalRow {
    pub start: String,
    pub series: &'static str,
    pub name: String,
    pub value: f64,
}

/// The per-interval series as tidy rows.
pub fn interval_rows(m: &Model, s: &Summary) -> Vec<IntervalRow> {
    let is = &s.series;
    let mut out = Vec::new();
    for (slot, &start) in is.start.iter().enumerate() {
        let start = clock(start);
        let mut push = |series: &'static str, name: &str, value: f64| {
            out.push(IntervalRow {
                start: start.clone(),
                series,
                name: name.to_string(),
                value,
            })
        };
        for (c, ch) in m.channels.iter().enumerate() {
            push("arrivals_per_day", &ch.name, is.arrivals[c][slot]);
        }
        push("service_level", "all", is.service_level[slot]);
        for (t, team) in m.teams.iter().enumerate() {
            push("agents", &team.name, is.agents[t][slot]);
            push("utilisation", &team.name, is.utilisation[t][slot]);
            push("queue_mean", &team.name, is.queue_mean[t][slot]);
            push("wait_mean_s", &team.name, is.wait_mean[t][slot]);
        }
    }
    out
}

/// One trace record as a CSV row with names.
#[derive(Serialize)]
struct TraceRow<'a> {
    incident: u64,
    attempt: u8,
    channel: &'a str,
    r#type: &'a str,
    priority: &'static str,
    arrival_s: f64,
    answered_s: Option<f64>,
    end_s: f64,
    outcome: &'static str,
    last_team: &'a str,
    transfers: u16,
    misroutes: u16,
    chase: bool,
}

fn trace_row<'a>(m: &'a Model, t: &TraceRecord) -> TraceRow<'a> {
    TraceRow {
        incident: t.incident,
        attempt: t.attempt,
        channel: &m.channels[t.channel as usize].name,
        r#type: &m.types[t.ty as usize],
        priority: Priority::ALL[t.priority as usize].name(),
        arrival_s: t.arrival,
        answered_s: (!t.answered.is_nan()).then_some(t.answered),
        end_s: t.end,
        outcome: match t.outcome {
            ContactEnd::Resolved => "resolved",
            ContactEnd::Abandoned => "abandoned",
            ContactEnd::Blocked => "blocked",
            ContactEnd::Lost => "lost",
            ContactEnd::Merged => "merged",
        },
        last_team: m
            .teams
            .get(t.last_team as usize)
            .map_or("", |x| x.name.as_str()),
        transfers: t.transfers,
        misroutes: t.misroutes,
        chase: t.chase,
    }
}

/// The trace as CSV rows with names.
pub fn trace_csv(m: &Model, trace: &[TraceRecord]) -> Result<Vec<u8>> {
    to_csv(trace.iter().map(|t| trace_row(m, t)))
}

/// The trace streamed to a CSV file as records arrive: rows go through a buffer into an
/// exclusive temporary file beside the target, renamed into place by [`TraceWriter::finish`],
/// so memory stays flat and a failed run leaves no partial trace.
pub struct TraceWriter<'m> {
    m: &'m Model,
    path: std::path::PathBuf,
    csv: csv::Writer<std::io::BufWriter<tempfile::NamedTempFile>>,
    error: Option<String>,
}

impl<'m> TraceWriter<'m> {
    /// Starts a trace for `m` at `path`.
    pub fn create(path: &std::path::Path, m: &'m Model) -> Result<Self> {
        let tmp = super::atomic::temporary_in(path)?;
        Ok(TraceWriter {
            m,
            path: path.to_path_buf(),
            csv: csv::Writer::from_writer(std::io::BufWriter::new(tmp)),
            error: None,
        })
    }

    /// Appends one record (after a write error, records are dropped and `finish` fails).
    pub fn push(&mut self, t: &TraceRecord) {
        if self.error.is_none()
            && let Err(e) = self.csv.serialize(trace_row(self.m, t))
        {
            self.error = Some(e.to_string());
        }
    }

    /// Flushes the rows and renames the file into place.
    pub fn finish(self) -> Result<()> {
        let fail = |e: String| {
            Error::io(
                &self.path,
                std::io::Error::other(format!("cannot write the trace: {e}")),
            )
        };
        if let Some(e) = self.error.clone() {
            return Err(fail(e));
        }
        let path = self.path.clone();
        let tmp = self
            .csv
            .into_inner()
            .map_err(|e| fail(e.to_string()))?
            .into_inner()
            .map_err(|e| fail(e.to_string()))?;
        super::atomic::persist(tmp, &path)
    }
}
