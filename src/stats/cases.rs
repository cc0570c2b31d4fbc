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

/// The case KPIs of one breakdown; `sla_on_wall`: its SLA clock is the wall clock, unpaused,
/// so its SLA-clock counts are the wall-clock ones (not recorded twice).
pub(super) fn case_kpis(s: &ScopeStats, sla_on_wall: bool, e: &mut dyn FnMut(Kpi, f64)) {
    let c = &s.cases;
    let (response, resolution) = if sla_on_wall {
        (s.sla_response, s.sla_resolution)
    } else {
        (c.sla_response, c.sla_resolution)
    };
    let demand = c.deflected + s.arrived;
    e(Kpi::Deflected, c.deflected as f64);
    e(Kpi::DemandOffered, demand as f64);
    e(Kpi::DeflectionRate, ratio(c.deflected, demand));
    e(Kpi::IncidentsDeflected, c.incidents_deflected as f64);
    e(Kpi::Reopened, c.reopened as f64);
    e(Kpi::ReopenRate, ratio(c.reopened, s.resolved));
    e(Kpi::SlaResponseBusiness, ratio(response.0, response.1));
    e(
        Kpi::SlaResolutionBusiness,
        ratio(resolution.0, resolution.1),
    );
}

#[cfg(test)]
mod tests {
    use super::{ClockTimes, Collector};
    use crate::engine::{ContactKey, Observer};
    use crate::model::{ChannelId, NO_SEGMENT, SlaModel, TypeId};
    use crate::stats::{IncidentRecord, Kpi, Scope};

    /// Ended and open incidents with every combination of targets, answers and resolutions,
    /// reported as the engine reports them on the wall clock: the SLA-clock times are the
    /// wall times.
    fn feed(c: &mut Collector) {
        let key = ContactKey {
            channel: ChannelId(0),
            ty: TypeId(0),
            priority: 2,
            segment: NO_SEGMENT,
        };
        for k in 0..400u32 {
            let x = f64::from(k * 37 % 101);
            let sla = SlaModel {
                response: (k % 3 != 0).then_some(40.0),
                resolution: (k % 5 != 0).then_some(70.0),
            };
            let first_response = (k % 7 != 0).then_some(x * 0.8);
            if k % 4 == 0 {
                Observer::incident_open_at_end(c, key, x, first_response, sla);
                let t = ClockTimes {
                    first_response,
                    resolution: None,
                    open_age: Some(x),
                };
                Observer::sla_clock(c, key, &t, sla);
            } else {
                let resolution = (k % 6 != 0).then_some(x);
                let r = IncidentRecord {
                    first_response,
                    resolution,
                    first_contact: true,
                    transfers: 0,
                    misroutes: 0,
                    queue_time: 0.0,
                    deflected: resolution.is_none() && k % 2 == 0,
                };
                Observer::incident_ended(c, key, &r, sla);
                let t = ClockTimes {
                    first_response,
                    resolution,
                    open_age: None,
                };
                Observer::sla_clock(c, key, &t, sla);
            }
        }
    }

    /// On a wall clock nothing pauses, the SLA-clock counts are taken from the wall-clock
    /// ones rather than recorded: the KPIs are those the recorded counts give.
    #[test]
    fn sla_clock_on_the_wall_reads_the_wall_counts() {
        let m = crate::model::load_model("scenarios/validation/mmc.ron".as_ref()).unwrap();
        assert!(Collector::new(&m).sla_on_wall);
        let business = |on_wall: bool| {
            let mut c = Collector::new(&m);
            c.sla_on_wall = on_wall;
            feed(&mut c);
            let mut v = Vec::new();
            c.kpis(&m, |k, s, x| {
                if s == Scope::Overall
                    && matches!(k, Kpi::SlaResponseBusiness | Kpi::SlaResolutionBusiness)
                {
                    v.push(x);
                }
            });
            v
        };
        let (recorded, read) = (business(false), business(true));
        assert_eq!(recorded.len(), 2);
        assert!(
            recorded
                .iter()
                .all(|x| x.is_finite() && *x > 0.0 && *x < 1.0)
        );
        assert_eq!(recorded, read);
    }
}
