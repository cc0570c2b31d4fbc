//! Tidy outputs of a summary: one row per KPI x breakdown (CSV and JSON), the per-interval
//! series (CSV), and the per-contact trace (CSV).

use super::format::clock;
use crate::engine::TraceRecord;
use crate::error::{Error, Result};
use crate::experiment::Summary;
use crate::model::Model;
use crate::scenario::Priority;
use crate::stats::ContactEnd;
use serde::{Deserialize, Serialize};

/// Writes a number that is not finite (undefined: one replication's interval, a mean over
/// nothing) as empty in CSV and `null` in JSON, never as `NaN` or `inf`.
fn finite_or_empty<S: serde::Serializer>(v: &f64, s: S) -> std::result::Result<S::Ok, S::Error> {
    v.is_finite().then_some(*v).serialize(s)
}

/// One KPI for one breakdown, across replications.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct TidyRow {
    pub kpi: String,
    pub scope: &'static str,
    pub name: String,
    pub unit: &'static str,
    #[serde(serialize_with = "finite_or_empty")]
    pub mean: f64,
    #[serde(serialize_with = "finite_or_empty")]
    pub ci_low: f64,
    #[serde(serialize_with = "finite_or_empty")]
    pub ci_high: f64,
    #[serde(serialize_with = "finite_or_empty")]
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

/// One KPI of one replication (`replications.csv`): the values behind every interval.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ReplicationRow {
    pub replication: usize,
    pub kpi: String,
    pub scope: &'static str,
    pub name: String,
    pub unit: &'static str,
    /// Empty where the KPI is undefined in that replication (e.g. a mean wait with nothing
    /// answered).
    pub value: Option<f64>,
}

/// Every KPI of every replication, replication by replication.
pub fn replication_rows(m: &Model, s: &Summary) -> Vec<ReplicationRow> {
    let keys: Vec<(String, &'static str, String, &'static str)> = s
        .layout
        .keys
        .iter()
        .map(|&(k, sc)| (k.name(m), sc.kind(), sc.label(m), k.unit().name()))
        .collect();
    s.per_replication
        .iter()
        .enumerate()
        .flat_map(|(r, values)| {
            keys.iter().zip(values).map(move |(k, &v)| ReplicationRow {
                replication: r,
                kpi: k.0.clone(),
                scope: k.1,
                name: k.2.clone(),
                unit: k.3,
                value: v.is_finite().then_some(v),
            })
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

/// `summary.json`: metadata, warnings, every KPI row, the interval series, and what `report.html` shows
/// beyond them ([`ReportExtras`]).
pub fn summary_json(
    m: &Model,
    meta: &RunMeta,
    s: &Summary,
    extras: &ReportExtras,
) -> Result<Vec<u8>> {
    #[derive(Serialize)]
    struct Doc<'a> {
        meta: &'a RunMeta,
        /// Suspicious but valid features of the scenario (also printed on stderr).
        warnings: Vec<crate::model::Warning>,
        kpis: Vec<TidyRow>,
        intervals: Vec<IntervalRow>,
        #[serde(flatten)]
        extras: &'a ReportExtras,
    }
    let doc = Doc {
        meta,
        warnings: crate::model::warnings(m),
        kpis: rows(m, s),
        intervals: interval_rows(m, s),
        extras,
    };
    serde_json::to_vec_pretty(&doc).map_err(|e| Error::Usage(format!("JSON output failed: {e}")))
}

/// One value of the per-interval series: for a day type (`all`, `weekday`, `saturday`,
/// `sunday`), an interval of the day, a series and the channel or team it is for. `value` pools
/// all days and replications; `ci_low`/`ci_high` are the 95% Student-t interval of the
/// replications' own values (empty with one replication or nothing to measure).
#[derive(Clone, Debug, Serialize)]
pub struct IntervalRow {
    pub day_type: String,
    pub start: String,
    pub series: &'static str,
    pub name: String,
    pub unit: &'static str,
    #[serde(serialize_with = "finite_or_empty")]
    pub value: f64,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

/// The per-interval series as tidy rows: all days together, then each day type apart.
pub fn interval_rows(m: &Model, s: &Summary) -> Vec<IntervalRow> {
    let mut out = Vec::new();
    push_intervals(&mut out, m, "all", &s.series);
    for (name, is) in &s.series.day_types {
        push_intervals(&mut out, m, name, is);
    }
    out
}

fn push_intervals(
    out: &mut Vec<IntervalRow>,
    m: &Model,
    day_type: &str,
    is: &crate::experiment::IntervalSeries,
) {
    use crate::stats::Estimate;
    let ci = |e: Option<&Estimate>| {
        e.filter(|e| e.lo.is_finite() && e.hi.is_finite())
            .map_or((None, None), |e| (Some(e.lo), Some(e.hi)))
    };
    for (slot, &start) in is.start.iter().enumerate() {
        let start = clock(start);
        let mut push = |series: &'static str,
                        unit: &'static str,
                        name: &str,
                        value: f64,
                        e: Option<&Estimate>| {
            let (ci_low, ci_high) = ci(e);
            out.push(IntervalRow {
                day_type: day_type.to_string(),
                start: start.clone(),
                series,
                name: name.to_string(),
                unit,
                value,
                ci_low,
                ci_high,
            })
        };
        for (c, ch) in m.channels.iter().enumerate() {
            let e = is.arrivals_ci.get(c).and_then(|v| v.get(slot));
            push(
                "arrivals",
                "contacts_per_day",
                &ch.name,
                is.arrivals[c][slot],
                e,
            );
        }
        push(
            "service_level",
            "ratio",
            "all",
            is.service_level[slot],
            is.service_level_ci.get(slot),
        );
        let team_ci =
            |v: &Vec<Vec<Estimate>>, t: usize| v.get(t).and_then(|x| x.get(slot)).copied();
        for (t, team) in m.teams.iter().enumerate() {
            let c = &is.team_ci;
            for (series, unit, values, cis) in [
                ("agents", "agents", &is.agents, &c.agents),
                ("utilisation", "ratio", &is.utilisation, &c.utilisation),
                ("queue_mean", "contacts", &is.queue_mean, &c.queue_mean),
                ("wait_mean", "s", &is.wait_mean, &c.wait_mean),
            ] {
                push(
                    series,
                    unit,
                    &team.name,
                    values[t][slot],
                    team_ci(cis, t).as_ref(),
                );
            }
        }
    }
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
            ContactEnd::Deflected => "deflected",
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

/// What `report.html` needs beyond the KPI rows, written into `summary.json` so that the report
/// can be rebuilt from the folder: key inputs, the answer-time distribution, targets as checked,
/// and each team's staffing over the day.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct ReportExtras {
    pub inputs: Inputs,
    /// (seconds, share answered within).
    pub answer_cdf: Vec<(f64, f64)>,
    pub targets: Vec<TargetRow>,
    pub staffing: Vec<StaffingRow>,
    /// What each KPI of the run measures, by name.
    pub definitions: std::collections::BTreeMap<String, String>,
}

/// The key inputs of a scenario.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Inputs {
    pub interval_minutes: f64,
    /// Service-level thresholds, in seconds.
    pub thresholds_s: Vec<f64>,
    pub channels: Vec<ChannelInput>,
    pub teams: Vec<TeamInput>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct ChannelInput {
    pub name: String,
    pub kind: String,
    /// Expected arrivals per simulated day (mean over the week; from the log for replays).
    pub contacts_per_day: f64,
    pub entry: Vec<String>,
    pub patience_mean_s: Option<f64>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct TeamInput {
    pub name: String,
    /// Most agents rostered in any interval, temporary staff included.
    pub agents_peak: u32,
    /// Scheduled agent-hours over the simulated days.
    pub agent_hours: f64,
    pub cost_per_hour: Option<f64>,
    /// Price per contact of an external team (its cost is then a KPI, not a roster figure).
    pub cost_per_contact: Option<f64>,
}

/// A target and how the run fared against it.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct TargetRow {
    pub target: String,
    pub kpi: String,
    pub name: String,
    pub unit: String,
    pub mean: f64,
    /// The 95% bound compared with the target (lower for `>=`, upper for `<=`).
    pub bound: f64,
    pub value: f64,
    /// `met` (the bound meets it), `close` (the mean meets it, or the bound misses by at most
    /// 5%), or `missed`.
    pub status: String,
}

/// Agents of one team in one interval of the day: scheduled (the most on any weekday) and,
/// from a staffing search, required.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct StaffingRow {
    pub team: String,
    pub start: String,
    pub scheduled: u32,
    pub required: Option<u32>,
}

impl Inputs {
    pub fn of(m: &Model) -> Self {
        let days = (m.horizon - m.warmup) / 86_400.0;
        Inputs {
            interval_minutes: m.interval / 60.0,
            thresholds_s: m.thresholds.clone(),
            channels: m
                .channels
                .iter()
                .map(|c| ChannelInput {
                    name: c.name.clone(),
                    kind: format!("{:?}", c.kind).to_lowercase(),
                    contacts_per_day: match &c.arrivals {
                        crate::model::ArrivalModel::Rates(r) => {
                            r.iter().sum::<f64>() * m.interval / 7.0
                        }
                        crate::model::ArrivalModel::Log(rows) => rows.len() as f64 / days.max(1.0),
                    },
                    entry: c
                        .entry
                        .iter()
                        .map(|&t| m.teams[t.index()].name.clone())
                        .collect(),
                    patience_mean_s: c.patience.as_ref().map(|p| p.mean()),
                })
                .collect(),
            teams: m
                .teams
                .iter()
                .enumerate()
                .map(|(i, t)| TeamInput {
                    name: t.name.clone(),
                    agents_peak: m.roster_peak(crate::model::PoolId::at(i)),
                    agent_hours: m.agent_hours(i as u16),
                    cost_per_hour: t.cost_per_hour,
                    cost_per_contact: t.cost_per_contact,
                })
                .collect(),
        }
    }
}

impl ReportExtras {
    /// The extras of a run of `m`: `scheduled` is the model the staffing came from (the
    /// scenario as written), `required` what a staffing search found, if any.
    pub fn new(
        m: &Model,
        s: &Summary,
        targets: &[crate::experiment::StaffTarget],
        checks: &[crate::experiment::Check],
        scheduled: &Model,
        required: Option<&crate::experiment::Staffing>,
    ) -> Self {
        let sched = crate::experiment::Staffing::of(scheduled);
        let staffing = (0..m.n_pools())
            .flat_map(|t| (0..m.slots_per_day).map(move |x| (t, x)))
            .map(|(t, x)| StaffingRow {
                team: m.pool_name(crate::model::PoolId::at(t)).to_string(),
                start: clock(x as f64 * m.interval),
                scheduled: sched.levels[t][x],
                required: required.map(|r| r.levels[t][x]),
            })
            .collect();
        let definitions = s
            .layout
            .keys
            .iter()
            .map(|(k, _)| (k.name(m), k.definition()))
            .filter(|(_, d)| *d != "see the README")
            .map(|(n, d)| (n, d.to_string()))
            .collect();
        ReportExtras {
            definitions,
            inputs: Inputs::of(scheduled),
            answer_cdf: s.series.answer_cdf.clone(),
            targets: checks
                .iter()
                .filter(|c| c.slot.is_none())
                .filter_map(|c| {
                    let t = targets.iter().find(|t| t.text == c.target)?;
                    Some(TargetRow::new(m, s, t, c))
                })
                .collect(),
            staffing,
        }
    }
}

impl TargetRow {
    fn new(
        m: &Model,
        s: &Summary,
        t: &crate::experiment::StaffTarget,
        c: &crate::experiment::Check,
    ) -> Self {
        use crate::experiment::Op;
        let mean_meets = match t.op {
            Op::AtLeast => c.estimate.mean >= t.value,
            Op::AtMost => c.estimate.mean <= t.value,
        };
        let status = if c.met {
            "met"
        } else if mean_meets || c.gap <= 0.05 {
            "close"
        } else {
            "missed"
        };
        let unit = s
            .layout
            .keys
            .iter()
            .find(|(k, _)| k.name(m) == t.kpi)
            .map_or("count", |(k, _)| k.unit().name());
        TargetRow {
            target: t.text.clone(),
            kpi: t.kpi.clone(),
            name: c.scope_name.clone(),
            unit: unit.to_string(),
            mean: c.estimate.mean,
            bound: c.bound,
            value: t.value,
            status: status.to_string(),
        }
    }
}
