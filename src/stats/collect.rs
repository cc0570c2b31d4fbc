//! The per-replication collector: the engine reports what happens (a contact answered, an
//! incident resolved, a team's queue changed) and the collector keeps streaming counts,
//! tallies, time averages and per-interval series. Memory is fixed by the model's size, never
//! by the horizon.

use super::kpi::{Kpi, QUANTILES, Scope};
use super::series::Series;
use super::tally::Tally;
use crate::model::Model;

/// Contact and incident statistics for one breakdown (overall, a channel, a type, a priority).
#[derive(Clone, Debug)]
pub struct ScopeStats {
    pub arrived: u64,
    pub duplicates: u64,
    pub resolved: u64,
    pub abandoned: u64,
    pub blocked: u64,
    pub lost: u64,
    /// Chasing contacts handled and merged into their open incident.
    pub merged: u64,
    pub in_system_end: u64,
    pub response: Tally,
    /// Per threshold: contacts answered within it, and abandoned before it.
    pub answered_within: Vec<u64>,
    pub incidents: u64,
    pub incidents_resolved: u64,
    pub incidents_unresolved: u64,
    pub incidents_open_end: u64,
    pub fcr: u64,
    pub reassignments: u64,
    pub misroutes: u64,
    pub incident_queue_time: Tally,
    pub resolution: Tally,
    pub sla_response: (u64, u64),
    pub sla_resolution: (u64, u64),
}

impl ScopeStats {
    fn new(thresholds: usize) -> Self {
        ScopeStats {
            arrived: 0,
            duplicates: 0,
            resolved: 0,
            abandoned: 0,
            blocked: 0,
            lost: 0,
            merged: 0,
            in_system_end: 0,
            response: Tally::with_quantiles(),
            answered_within: vec![0; thresholds],
            incidents: 0,
            incidents_resolved: 0,
            incidents_unresolved: 0,
            incidents_open_end: 0,
            fcr: 0,
            reassignments: 0,
            misroutes: 0,
            incident_queue_time: Tally::with_quantiles(),
            resolution: Tally::with_quantiles(),
            sla_response: (0, 0),
            sla_resolution: (0, 0),
        }
    }
}

/// A team's statistics: visits, waits, and time averages of busy agents and queue length.
#[derive(Clone, Debug)]
pub struct TeamStats {
    pub visits: u64,
    pub handled: u64,
    pub misrouted: u64,
    /// Contacts that gave up waiting in this team's queue.
    pub abandoned: u64,
    /// Per threshold: visits that started within it.
    pub within: Vec<u64>,
    pub wait: Tally,
    /// Integrals over time (agent-seconds, contact-seconds, seconds). `busy_area` and
    /// `capacity_area` cover rostered agents only; work beyond the roster (after closing or
    /// past a shift's end) is `overtime_area`.
    pub busy_area: f64,
    pub capacity_area: f64,
    pub overtime_area: f64,
    pub queue_area: f64,
    pub open_time: f64,
    pub all_busy_time: f64,
    pub queue_max: u32,
    pub saturated_intervals: u64,
    // State for the running integrals.
    last: f64,
    busy: u32,
    capacity: u32,
    rostered: u32,
    queue: u32,
    slot_all_busy: f64,
    slot_queue_start: u32,
}

/// How a contact attempt ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContactEnd {
    Resolved,
    Abandoned,
    Blocked,
    Lost,
    /// A chasing contact, handled and merged into its open incident.
    Merged,
}

/// The four breakdowns a contact is counted in: overall, channel, type, priority. A breakdown
/// that aliases the overall one holds [`ALIAS`] and is skipped.
pub type ScopeIds = [usize; 4];

/// Marks a breakdown whose statistics are the overall ones (a single channel, a single type,
/// or one priority everywhere), so nothing is recorded twice.
pub const ALIAS: usize = usize::MAX;

/// Everything one replication measures.
#[derive(Clone, Debug)]
pub struct Collector {
    pub warmup: f64,
    interval: f64,
    thresholds: Vec<f64>,
    n_channels: usize,
    n_types: usize,
    pub scopes: Vec<ScopeStats>,
    /// Per scope: whether it is the overall scope under another name.
    alias: Vec<bool>,
    pub teams: Vec<TeamStats>,
    pub series: Series,
    slot: usize,
}

impl Collector {
    pub fn new(m: &Model) -> Self {
        let n_scopes = 1 + m.channels.len() + m.types.len() + 4;
        let mut alias = vec![false; n_scopes];
        alias[1] = m.channels.len() == 1;
        alias[1 + m.channels.len()] = m.types.len() == 1;
        if let Some(p) = single_priority(m) {
            alias[1 + m.channels.len() + m.types.len() + p] = true;
        }
        Collector {
            warmup: m.warmup,
            interval: m.interval,
            thresholds: m.thresholds.clone(),
            n_channels: m.channels.len(),
            n_types: m.types.len(),
            scopes: (0..n_scopes)
                .map(|_| ScopeStats::new(m.thresholds.len()))
                .collect(),
            alias,
            teams: (0..m.teams.len())
                .map(|_| TeamStats {
                    visits: 0,
                    handled: 0,
                    misrouted: 0,
                    abandoned: 0,
                    within: vec![0; m.thresholds.len()],
                    wait: Tally::with_quantiles(),
                    busy_area: 0.0,
                    capacity_area: 0.0,
                    overtime_area: 0.0,
                    queue_area: 0.0,
                    open_time: 0.0,
                    all_busy_time: 0.0,
                    queue_max: 0,
                    saturated_intervals: 0,
                    last: 0.0,
                    busy: 0,
                    capacity: 0,
                    rostered: 0,
                    queue: 0,
                    slot_all_busy: 0.0,
                    slot_queue_start: 0,
                })
                .collect(),
            series: Series::new(m),
            slot: 0,
        }
    }

    /// Scope indices of a contact on `channel` of type `ty` and priority `prio`.
    #[inline]
    pub fn scope_ids(&self, channel: u16, ty: u16, prio: u8) -> ScopeIds {
        let ids = [
            0,
            1 + channel as usize,
            1 + self.n_channels + ty as usize,
            1 + self.n_channels + self.n_types + prio as usize,
        ];
        ids.map(|i| if self.alias[i] { ALIAS } else { i })
    }

    /// The statistics of scope `i` (the overall ones for an alias).
    pub fn scope(&self, i: usize) -> &ScopeStats {
        &self.scopes[if self.alias[i] { 0 } else { i }]
    }

    /// A contact (first or repeated attempt) arrived.
    #[inline]
    pub fn arrived(&mut self, ids: ScopeIds, duplicate: bool, channel: u16) {
        for i in ids.into_iter().filter(|&i| i != ALIAS) {
            self.scopes[i].arrived += 1;
            self.scopes[i].duplicates += u64::from(duplicate);
        }
        self.series.arrival(channel, self.slot);
    }

    /// The slot of the day containing time `t`.
    #[inline]
    fn slot_of(&self, t: f64) -> usize {
        (t / self.interval) as usize % self.series.slots
    }

    /// An agent picked up a contact that arrived at `arrival`, `waited` seconds later (its
    /// first response). The interval series count it in the interval it arrived in.
    #[inline]
    pub fn answered(&mut self, ids: ScopeIds, waited: f64, arrival: f64) {
        for i in ids.into_iter().filter(|&i| i != ALIAS) {
            let s = &mut self.scopes[i];
            s.response.record(waited);
            for (k, &t) in self.thresholds.iter().enumerate() {
                s.answered_within[k] += u64::from(waited <= t);
            }
        }
        let slot = self.slot_of(arrival);
        self.series
            .answered(slot, waited <= self.thresholds[0], waited);
    }

    /// A contact attempt that arrived at `arrival` ended.
    #[inline]
    pub fn contact_ended(&mut self, ids: ScopeIds, end: ContactEnd, arrival: f64) {
        for i in ids.into_iter().filter(|&i| i != ALIAS) {
            let s = &mut self.scopes[i];
            match end {
                ContactEnd::Resolved => s.resolved += 1,
                ContactEnd::Abandoned => s.abandoned += 1,
                ContactEnd::Blocked => s.blocked += 1,
                ContactEnd::Lost => s.lost += 1,
                ContactEnd::Merged => s.merged += 1,
            }
        }
        if end == ContactEnd::Abandoned {
            let slot = self.slot_of(arrival);
            self.series.abandoned(slot);
        }
    }

    /// An incident ended for good (resolved, or failed with no further attempt).
    #[inline]
    pub fn incident_ended(
        &mut self,
        ids: ScopeIds,
        r: &IncidentRecord,
        sla: (Option<f64>, Option<f64>),
    ) {
        for i in ids.into_iter().filter(|&i| i != ALIAS) {
            let s = &mut self.scopes[i];
            s.incidents += 1;
            s.reassignments += u64::from(r.transfers);
            s.misroutes += u64::from(r.misroutes);
            s.incident_queue_time.record(r.queue_time);
            if let Some(limit) = sla.0 {
                s.sla_response.1 += 1;
                s.sla_response.0 += u64::from(r.first_response.is_some_and(|t| t <= limit));
            }
            if let Some(limit) = sla.1 {
                s.sla_resolution.1 += 1;
                s.sla_resolution.0 += u64::from(r.resolution.is_some_and(|t| t <= limit));
            }
            match r.resolution {
                Some(t) => {
                    s.incidents_resolved += 1;
                    s.resolution.record(t);
                    s.fcr += u64::from(r.first_contact);
                }
                None => s.incidents_unresolved += 1,
            }
        }
    }

    /// A contact or incident still open when the run stopped.
    pub fn open_at_end(&mut self, contact: Option<ScopeIds>, incident: Option<ScopeIds>) {
        for i in contact.into_iter().flatten().filter(|&i| i != ALIAS) {
            self.scopes[i].in_system_end += 1;
        }
        for i in incident.into_iter().flatten().filter(|&i| i != ALIAS) {
            self.scopes[i].incidents_open_end += 1;
        }
    }

    /// A team visit started after `waited` seconds in the team's queue.
    #[inline]
    pub fn visit_started(&mut self, team: u16, waited: f64) {
        let t = &mut self.teams[team as usize];
        t.visits += 1;
        t.wait.record(waited);
        for (k, &limit) in self.thresholds.iter().enumerate() {
            t.within[k] += u64::from(waited <= limit);
        }
        self.series.visit(team, self.slot, waited);
    }

    /// A contact gave up waiting in a team's queue.
    #[inline]
    pub fn abandoned_from(&mut self, team: u16) {
        self.teams[team as usize].abandoned += 1;
    }

    /// A team finished handling a contact; `misrouted` if it was not the right team.
    #[inline]
    pub fn handled(&mut self, team: u16, misrouted: bool) {
        let t = &mut self.teams[team as usize];
        t.handled += 1;
        t.misrouted += u64::from(misrouted);
    }

    /// A team's state changes at `now`: busy agents, agents available (rostered and not on
    /// other duties), agents rostered, and the queue length.
    #[inline]
    pub fn team_state(
        &mut self,
        team: u16,
        now: f64,
        busy: u32,
        capacity: u32,
        rostered: u32,
        queue: u32,
    ) {
        self.advance(team, now);
        let t = &mut self.teams[team as usize];
        t.busy = busy;
        t.capacity = capacity;
        t.rostered = rostered;
        t.queue = queue;
        if now >= self.warmup && queue > t.queue_max {
            t.queue_max = queue;
        }
    }

    #[inline]
    fn advance(&mut self, team: u16, now: f64) {
        let t = &mut self.teams[team as usize];
        let from = t.last.max(self.warmup);
        t.last = now;
        if now <= from {
            return;
        }
        let dt = now - from;
        // Agents busy beyond the roster work overtime; the rest count against open time.
        let busy = t.busy.min(t.rostered);
        let cap = t.capacity.max(busy);
        t.busy_area += f64::from(busy) * dt;
        t.capacity_area += f64::from(cap) * dt;
        t.overtime_area += f64::from(t.busy - busy) * dt;
        t.queue_area += f64::from(t.queue) * dt;
        let open = t.rostered > 0;
        if open {
            // Open time: someone is rostered. Saturated: no agent free to take a contact.
            t.open_time += dt;
            if busy >= cap {
                t.all_busy_time += dt;
                t.slot_all_busy += dt;
            }
        }
        self.series.team_area(
            team,
            self.slot,
            f64::from(busy) * dt,
            f64::from(cap) * dt,
            f64::from(t.queue) * dt,
            if open { dt } else { 0.0 },
        );
    }

    /// The interval that ended at `now` closes; the next (slot of the day `next_slot`) starts.
    pub fn interval_boundary(&mut self, now: f64, interval: f64, next_slot: usize) {
        for team in 0..self.teams.len() {
            self.advance(team as u16, now);
            let t = &mut self.teams[team];
            // Saturated: all agents busy the whole interval and the queue longer at its end.
            if now - interval >= self.warmup
                && t.slot_all_busy >= interval * (1.0 - 1e-9)
                && t.queue > t.slot_queue_start
            {
                t.saturated_intervals += 1;
            }
            t.slot_all_busy = 0.0;
            t.slot_queue_start = t.queue;
        }
        self.slot = next_slot;
    }

    /// Emits every KPI of this replication, in a fixed order for a given model.
    pub fn kpis(&self, m: &Model, mut emit: impl FnMut(Kpi, Scope, f64)) {
        let ratio = |a: u64, b: u64| {
            if b == 0 {
                f64::NAN
            } else {
                a as f64 / b as f64
            }
        };
        for i in 0..self.scopes.len() {
            let s = self.scope(i);
            let scope = if i == 0 {
                Scope::Overall
            } else if i <= self.n_channels {
                Scope::Channel((i - 1) as u16)
            } else if i <= self.n_channels + self.n_types {
                Scope::Type((i - 1 - self.n_channels) as u16)
            } else {
                Scope::Priority((i - 1 - self.n_channels - self.n_types) as u8)
            };
            let mut e = |k: Kpi, v: f64| emit(k, scope, v);
            e(Kpi::Arrived, s.arrived as f64);
            e(Kpi::Duplicates, s.duplicates as f64);
            e(Kpi::Resolved, s.resolved as f64);
            e(Kpi::Abandoned, s.abandoned as f64);
            e(Kpi::Blocked, s.blocked as f64);
            e(Kpi::Lost, s.lost as f64);
            e(Kpi::Merged, s.merged as f64);
            e(Kpi::InSystemAtEnd, s.in_system_end as f64);
            e(Kpi::AbandonRate, ratio(s.abandoned, s.arrived));
            e(Kpi::BlockRate, ratio(s.blocked, s.arrived));
            e(Kpi::LossRate, ratio(s.lost, s.arrived));
            e(Kpi::Answered, s.response.n as f64);
            e(Kpi::ResponseMean, s.response.mean());
            for (k, &q) in QUANTILES.iter().enumerate() {
                e(Kpi::ResponseQuantile(k as u8), s.response.quantile(q));
            }
            e(Kpi::ResponseMax, s.response.max);
            for k in 0..m.thresholds.len() {
                e(
                    Kpi::ServiceLevel(k as u8),
                    ratio(s.answered_within[k], s.response.n + s.abandoned),
                );
                e(
                    Kpi::ServiceLevelExclAbandons(k as u8),
                    ratio(s.answered_within[k], s.response.n),
                );
            }
            e(Kpi::Incidents, s.incidents as f64);
            e(Kpi::IncidentsResolved, s.incidents_resolved as f64);
            e(Kpi::IncidentsUnresolved, s.incidents_unresolved as f64);
            e(Kpi::IncidentsOpenAtEnd, s.incidents_open_end as f64);
            e(
                Kpi::FirstContactResolution,
                ratio(s.fcr, s.incidents_resolved),
            );
            e(
                Kpi::ReassignmentsPerIncident,
                ratio(s.reassignments, s.incidents),
            );
            e(Kpi::MisroutesPerIncident, ratio(s.misroutes, s.incidents));
            e(Kpi::QueueTimePerIncidentMean, s.incident_queue_time.mean());
            for (k, &q) in QUANTILES.iter().enumerate() {
                e(
                    Kpi::QueueTimePerIncidentQuantile(k as u8),
                    s.incident_queue_time.quantile(q),
                );
            }
            e(Kpi::QueueTimePerIncidentMax, s.incident_queue_time.max);
            e(Kpi::ResolutionMean, s.resolution.mean());
            for (k, &q) in QUANTILES.iter().enumerate() {
                e(Kpi::ResolutionQuantile(k as u8), s.resolution.quantile(q));
            }
            e(Kpi::ResolutionMax, s.resolution.max);
            e(Kpi::SlaResponse, ratio(s.sla_response.0, s.sla_response.1));
            e(
                Kpi::SlaResolution,
                ratio(s.sla_resolution.0, s.sla_resolution.1),
            );
        }
        let span = m.horizon - m.warmup;
        for (i, t) in self.teams.iter().enumerate() {
            let mut e = |k: Kpi, v: f64| emit(k, Scope::Team(i as u16), v);
            e(Kpi::Visits, t.visits as f64);
            e(Kpi::Handled, t.handled as f64);
            e(Kpi::Misrouted, t.misrouted as f64);
            e(Kpi::Abandoned, t.abandoned as f64);
            for (k, &n) in t.within.iter().enumerate() {
                e(Kpi::ServiceLevel(k as u8), ratio(n, t.visits + t.abandoned));
                e(Kpi::ServiceLevelExclAbandons(k as u8), ratio(n, t.visits));
            }
            e(Kpi::WaitMean, t.wait.mean());
            for (k, &q) in QUANTILES.iter().enumerate() {
                e(Kpi::WaitQuantile(k as u8), t.wait.quantile(q));
            }
            e(Kpi::WaitMax, t.wait.max);
            e(
                Kpi::Utilisation,
                if t.capacity_area > 0.0 {
                    t.busy_area / t.capacity_area
                } else {
                    f64::NAN
                },
            );
            e(Kpi::QueueMean, t.queue_area / span);
            e(Kpi::QueueMax, f64::from(t.queue_max));
            e(
                Kpi::Saturation,
                if t.open_time > 0.0 {
                    t.all_busy_time / t.open_time
                } else {
                    f64::NAN
                },
            );
            e(Kpi::SaturatedIntervals, t.saturated_intervals as f64);
            e(
                Kpi::AgentsPresent,
                if t.open_time > 0.0 {
                    t.capacity_area / t.open_time
                } else {
                    0.0
                },
            );
            e(Kpi::OvertimeHours, t.overtime_area / 3600.0);
        }
    }
}

/// How an incident went, for [`Collector::incident_ended`].
#[derive(Clone, Copy, Debug)]
pub struct IncidentRecord {
    /// Seconds from the incident's first contact to its first answer, if ever answered.
    pub first_response: Option<f64>,
    /// Seconds from the first contact to resolution, if resolved.
    pub resolution: Option<f64>,
    /// Resolved by the first team that handled it, with no hand-off.
    pub first_contact: bool,
    pub transfers: u16,
    pub misroutes: u16,
    /// Seconds spent waiting in queues over all its contacts and visits.
    pub queue_time: f64,
}

/// The one priority every contact has, if the model gives no other: every channel's mix puts
/// all its weight on it, no retry raises priority, and no log records priorities.
fn single_priority(m: &Model) -> Option<usize> {
    let mut only = None;
    for c in &m.channels {
        let nonzero: Vec<usize> = (0..4).filter(|&p| c.priority_mix.prob(p) > 0.0).collect();
        let logged = matches!(&c.arrivals, crate::model::ArrivalModel::Log(rows) if rows.iter().any(|r| r.priority.is_some()));
        if nonzero.len() != 1
            || logged
            || c.retry.as_ref().is_some_and(|r| r.raise_priority)
            || only.is_some_and(|p| p != nonzero[0])
        {
            return None;
        }
        only = Some(nonzero[0]);
    }
    only
}
