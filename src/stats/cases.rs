//! Counts for how cases are judged and come back: demand deflected by self-service, resolved
//! contacts that reopen, and SLA attainment on each incident's SLA clock (its business
//! calendar, time waiting on the customer left out) beside the wall-clock figures.

use super::collect::{Collector, ScopeIds, ScopeStats};
use super::kpi::Kpi;

/// What an incident's SLA clock shows (seconds on its business calendar, or on the wall clock
/// if its SLA names none; time waiting on the customer left out).
#[derive(Clone, Copy, Debug, Default)]
pub struct ClockTimes {
    /// First contact to first answer, if answered.
    pub first_response: Option<f64>,
    /// First contact to resolution, if it ended resolved.
    pub resolution: Option<f64>,
    /// Age at the end of the run, if it was still open.
    pub open_age: Option<f64>,
}

/// Per breakdown: deflections, reopens, SLA attainment on the SLA clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct CaseCounts {
    /// Contacts self-service deflected (not counted as arrived).
    pub deflected: u64,
    /// Incidents whose last attempt self-service deflected (their first was an arrival).
    pub incidents_deflected: u64,
    /// Resolved contacts whose incident reopens.
    pub reopened: u64,
    /// (met, judged) on the SLA clock, judged as the wall-clock `sla_response` and
    /// `sla_resolution` are.
    pub sla_response: (u64, u64),
    pub sla_resolution: (u64, u64),
}

impl Collector {
    /// Self-service deflected a contact.
    pub fn deflected(&mut self, ids: ScopeIds) {
        for i in ids {
            self.scopes[i].cases.deflected += 1;
        }
    }

    /// A resolved contact's incident will reopen.
    pub fn reopened(&mut self, ids: ScopeIds) {
        for i in ids {
            self.scopes[i].cases.reopened += 1;
        }
    }

    /// An incident ended (or was open at the end) with `t` on its SLA clock; `sla` holds its
    /// (response, resolution) targets. Judged as on the wall clock: an ended incident with a
    /// target is judged; an open one only once it is past the target (or answered, for the
    /// response).
    pub fn sla_clock(&mut self, ids: ScopeIds, t: &ClockTimes, sla: (Option<f64>, Option<f64>)) {
        for i in ids {
            let c = &mut self.scopes[i].cases;
            if let Some(limit) = sla.0 {
                match (t.first_response, t.open_age) {
                    (Some(r), _) => {
                        c.sla_response.1 += 1;
                        c.sla_response.0 += u64::from(r <= limit);
                    }
                    (None, Some(age)) => c.sla_response.1 += u64::from(age > limit),
                    (None, None) => c.sla_response.1 += 1,
                }
            }
            if let Some(limit) = sla.1 {
                match t.open_age {
                    Some(age) => c.sla_resolution.1 += u64::from(age > limit),
                    None => {
                        c.sla_resolution.1 += 1;
                        c.sla_resolution.0 += u64::from(t.resolution.is_some_and(|r| r <= limit));
                    }
                }
            }
        }
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        f64::NAN
    } else {
        a as f64 / b as f64
    }
}

/// The case KPIs of one breakdown.
pub(super) fn case_kpis(s: &ScopeStats, e: &mut dyn FnMut(Kpi, f64)) {
    let c = &s.cases;
    let demand = c.deflected + s.arrived;
    e(Kpi::Deflected, c.deflected as f64);
    e(Kpi::DemandOffered, demand as f64);
    e(Kpi::DeflectionRate, ratio(c.deflected, demand));
    e(Kpi::IncidentsDeflected, c.incidents_deflected as f64);
    e(Kpi::Reopened, c.reopened as f64);
    e(Kpi::ReopenRate, ratio(c.reopened, s.resolved));
    e(
        Kpi::SlaResponseBusiness,
        ratio(c.sla_response.0, c.sla_response.1),
    );
    e(
        Kpi::SlaResolutionBusiness,
        ratio(c.sla_resolution.0, c.sla_resolution.1),
    );
}
