//! The per-replication collector: the engine reports what happens (a contact answered, an
//! incident resolved, a team's queue changed) and the collector keeps streaming counts,
//! tallies, time averages and per-interval series. Memory is fixed by the model's size, never
//! by the horizon.

use super::kpi::{Kpi, QUANTILES, Scope};
use super::series::Series;
use super::tally::Tally;

use crate::model::Model;

/// Service-level counts for one threshold, over the contacts of channels judged on it.
#[derive(Clone, Copy, Debug, Default)]
pub struct SlCounts {
    /// Blocked, or joined the entry team's queue.
    pub offered: u64,
    pub answered: u64,
    pub within: u64,
    pub abandoned: u64,
    pub abandoned_within: u64,
    /// Abandoned after the short-abandon time.
    pub abandoned_long: u64,
}

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
    /// Contacts that joined the entry team's queue, and those picked up at once.
    pub queued: u64,
    pub answered_at_once: u64,
    /// Sum of the times abandoned contacts waited.
    pub abandon_wait: f64,
    pub response: Tally,
    /// Per threshold.
    /// Per threshold (the model's first [`Collector::thresholds`] of the fixed
    /// [`MAX_THRESHOLDS`], so that indexing by a threshold's bit needs no bounds check).
    pub sl: Box<[SlCounts; MAX_THRESHOLDS]>,
    pub incidents: u64,
    pub incidents_resolved: u64,
    pub incidents_unresolved: u64,
    pub incidents_open_end: u64,
    pub oldest_open_incident: f64,
    pub fcr: u64,
    pub reassignments: u64,
    pub misroutes: u64,
    pub incident_queue_time: Tally,
    pub resolution: Tally,
    /// (met, judged): ended incidents with a target, plus open ones already past it.
    pub sla_response: (u64, u64),
    pub sla_resolution: (u64, u64),
    /// (resolved within target, every incident with a target that arrived).
    pub sla_resolution_arrived: (u64, u64),
    /// Deflections, reopens, SLA attainment on the SLA clock.
    pub cases: super::CaseCounts,
}

impl ScopeStats {
    fn new() -> Self {
        ScopeStats {
            arrived: 0,
            duplicates: 0,
            resolved: 0,
            abandoned: 0,
            blocked: 0,
            lost: 0,
            merged: 0,
            in_system_end: 0,
            queued: 0,
            answered_at_once: 0,
            abandon_wait: 0.0,
            response: Tally::with_quantiles(),
            sl: Box::new([SlCounts::default(); MAX_THRESHOLDS]),
            incidents: 0,
            incidents_resolved: 0,
            incidents_unresolved: 0,
            incidents_open_end: 0,
            oldest_open_incident: 0.0,
            fcr: 0,
            reassignments: 0,
            misroutes: 0,
            incident_queue_time: Tally::with_quantiles(),
            resolution: Tally::with_quantiles(),
            sla_response: (0, 0),
            sla_resolution: (0, 0),
            sla_resolution_arrived: (0, 0),
            cases: super::CaseCounts::default(),
        }
    }
}

/// A team's visits judged on one threshold.
#[derive(Clone, Copy, Debug, Default)]
pub struct TeamSl {
    pub entered: u64,
    pub visits: u64,
    pub within: u64,
}

/// A team's statistics: visits, waits, and time averages of busy agents and queue length.
///
/// Laid out in declaration order (`repr(C)`), so that the busy and available running totals
/// sit next to their current interval's sums: one vector addition updates both (the overtime
/// and rostered totals have no interval sum).
#[derive(Clone, Debug)]
#[repr(C)]
pub struct TeamStats {
    pub visits: u64,
    pub handled: u64,
    pub misrouted: u64,
    /// Contacts that gave up waiting in this team's queue.
    pub abandoned: u64,
    /// Contacts that joined its queue.
    pub entered: u64,
    /// Per threshold: contacts that joined, visits, visits started within it.
    pub sl: Box<[TeamSl; MAX_THRESHOLDS]>,
    pub wait: Tally,
    /// Integrals over time (agent-seconds, contact-seconds, seconds). `busy_area` and
    /// `capacity_area` cover rostered agents only; work beyond the roster (after closing or
    /// past a shift's end) is `overtime_area`.
    pub busy_area: f64,
    pub capacity_area: f64,
    /// The current interval's series sums of busy and available agent-seconds, queue
    /// contact-seconds and open time, each next to its total: carried here from the series at
    /// the interval's start and back at its end ([`Collector::run_ended`] for the last), the
    /// same additions in the same order, without indexing the series.
    slot_busy_capacity: [f64; 2],
    pub queue_area: f64,
    slot_queue: f64,
    pub open_time: f64,
    slot_open: f64,
    pub all_busy_time: f64,
    slot_all_busy: f64,
    pub overtime_area: f64,
    /// Agents rostered (on the floor or on other duties), agent-seconds.
    pub scheduled_area: f64,
    /// The current interval's sum and count of visit waits, carried like the sums above.
    slot_wait: [f64; 2],
    pub queue_max: u32,
    pub saturated_intervals: u64,
    /// Contacts open here at the end, and the age of the oldest.
    pub open_end: u64,
    pub oldest_open: f64,
    /// Queue at each midnight after the warm-up (one entry a simulated day), and the days,
    /// midnight to midnight, on which it grew.
    pub midnight_queues: Vec<u32>,
    pub backlog_grew: u64,
    // State for the running integrals.
    last: f64,
    busy: u32,
    capacity: u32,
    scheduled: u32,
    queue: u32,
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
    /// Deflected by self-service: demand avoided, never counted as arrived or resolved.
    Deflected,
}

impl TeamStats {
    /// Hours the team is paid for: agents rostered (on the floor or on other duties) plus
    /// overtime (agents kept busy beyond the roster, at closing or past a shift's end).
    pub fn paid_hours(&self) -> f64 {
        (self.scheduled_area + self.overtime_area) / 3600.0
    }
}

/// The breakdowns a contact is counted in: overall, then its channel, type and priority, less
/// those that alias the overall one (a single channel, a single type, or one priority
/// everywhere), so nothing is recorded twice. Iterating yields the scope indices to record.
/// Eight bytes, so that it passes in a register (scopes number at most 1 + 2 x 1000 + 4).
/// `others` is laid out first (`repr(C)`): the low byte of the register, tested as it is.
#[derive(Clone, Copy, Debug)]
#[repr(C)]
pub struct ScopeIds {
    others: u8,
    /// The breakdowns after the overall one (index 0): the first `others`.
    ids: [u16; 3],
}

impl ScopeIds {
    /// The overall breakdown alone.
    pub const OVERALL: ScopeIds = ScopeIds {
        others: 0,
        ids: [0; 3],
    };

    /// The breakdowns after the overall one.
    fn others(self) -> ScopeIter {
        ScopeIter { ids: self, next: 1 }
    }
}

/// The scope indices of a [`ScopeIds`], in order.
#[derive(Clone, Debug)]
pub struct ScopeIter {
    ids: ScopeIds,
    /// 0 for the overall breakdown, `k` for `ids.ids[k - 1]`.
    next: u8,
}

impl Iterator for ScopeIter {
    type Item = usize;
    #[inline]
    fn next(&mut self) -> Option<usize> {
        let k = self.next;
        if k > self.ids.others {
            return None;
        }
        self.next += 1;
        Some(match k {
            0 => 0,
            k => usize::from(self.ids.ids[usize::from(k - 1)]),
        })
    }
}

impl IntoIterator for ScopeIds {
    type Item = usize;
    type IntoIter = ScopeIter;
    #[inline]
    fn into_iter(self) -> ScopeIter {
        ScopeIter { ids: self, next: 0 }
    }
}

/// Applies `f` to the statistics of each breakdown in `ids`, in order: the overall one (every
/// contact counts there, first) inlined, the others, where the contact has any, out of line.
/// `f` is best a `move` closure, passed on by value: then nothing it captures need be stored
/// for the breakdowns a contact is not counted in.
#[inline(always)]
fn each_scope<F: FnMut(&mut ScopeStats)>(scopes: &mut [ScopeStats], ids: ScopeIds, mut f: F) {
    f(&mut scopes[0]);
    if ids.others > 0 {
        other_scopes(scopes, ids, f);
    }
}

/// The breakdowns of [`each_scope`] after the overall one.
#[inline(never)]
fn other_scopes<F: FnMut(&mut ScopeStats)>(scopes: &mut [ScopeStats], ids: ScopeIds, mut f: F) {
    for i in ids.others() {
        f(&mut scopes[i]);
    }
}

/// Most service-level thresholds a model may have (`bounds::THRESHOLDS`): one bit each in
/// [`Judged`].
pub const MAX_THRESHOLDS: usize = 32;

/// The thresholds a channel's contacts are judged on, one bit each; iterating yields their
/// indices, ascending.
#[derive(Clone, Copy, Debug)]
struct Judged(u32);

impl Iterator for Judged {
    type Item = usize;
    #[inline]
    fn next(&mut self) -> Option<usize> {
        if self.0 == 0 {
            return None;
        }
        let k = self.0.trailing_zeros() as usize;
        self.0 &= self.0 - 1;
        // Below 32: the mask only spares a bounds check.
        Some(k & (MAX_THRESHOLDS - 1))
    }
}

/// What the statistics of a contact's facts need to know of its channel.
#[derive(Clone, Copy, Debug)]
struct ChannelPlan {
    judged: Judged,
    /// Judged on the headline (first) threshold: counted in the interval series.
    headline: bool,
}

/// Marks a breakdown whose statistics are the overall ones. [`ScopeIds`] leaves such
/// breakdowns out, so it never yields this value.
pub const ALIAS: usize = usize::MAX;

/// Everything one replication measures.
#[derive(Clone, Debug)]
pub struct Collector {
    pub warmup: f64,
    interval: f64,
    /// Slot of the week at time zero (the scenario's start weekday).
    week_offset: usize,
    thresholds: Vec<f64>,
    /// The thresholds in seconds, at their indices (the rest unused).
    limits: [f64; MAX_THRESHOLDS],
    /// Per channel: the indices of the thresholds its contacts are judged on, in the model's
    /// order (the order its KPIs are reported in).
    chan_thresholds: Vec<Vec<usize>>,
    /// Per channel: what each contact fact needs to know of it.
    chan: Vec<ChannelPlan>,
    short_abandon: f64,
    n_channels: usize,
    n_types: usize,
    pub scopes: Vec<ScopeStats>,
    /// Per scope: whether it is the overall scope under another name.
    alias: Vec<bool>,
    pub teams: Vec<TeamStats>,
    /// Per pool (each team's own, then the shared ones).
    pub pools: Vec<super::PoolStats>,
    pub series: Series,
    slot: usize,
    /// Per channel, the current interval's arrivals, carried from the series and back like
    /// the teams' interval sums ([`Collector::carry_slot_sums`]).
    slot_arrivals: Vec<f64>,
    /// Callbacks, blended work and escalations.
    pub omni: super::OmniStats,
    /// Mentions, monitoring, prevention and per-segment waits.
    pub feeds: super::FeedStats,
    /// Times surely inside the current interval (a hair inside its ends), where
    /// [`Collector::slot_of`] needs no division.
    slot_span: (f64, f64),
    /// The last contact key looked up (channel, type and priority packed as
    /// `channel | type << 16 | priority << 32`), and its breakdowns.
    pub(super) last_ids: (u64, ScopeIds),
    /// Every SLA clock is the wall clock and nothing pauses it (no business calendar, no
    /// waiting on the customer): the SLA-clock counts are then the wall-clock ones, so
    /// [`crate::engine::Observer::sla_clock`] records nothing and the KPIs read the wall
    /// counts (see [`super::cases`]).
    pub(super) sla_on_wall: bool,
    /// Whether the visits per pool, team and type are counted ([`super::pools::served_used`]).
    pub(super) count_served: bool,
    /// Every contact counts in the overall breakdown alone (one channel, one type, one
    /// priority): [`ScopeIds::OVERALL`] without a look-up.
    pub(super) overall_only: bool,
}

impl Collector {
    pub fn new(m: &Model) -> Self {
        // At most 32 thresholds (`bounds::THRESHOLDS`).
        assert!(
            m.thresholds.len() <= MAX_THRESHOLDS,
            "{} thresholds",
            m.thresholds.len()
        );
        let n_scopes = 1 + m.channels.len() + m.types.len() + 4;
        // Channels and types are at most 1000 each (`bounds::LIST_LEN`): scope indices fit
        // [`ScopeIds`]'s 16 bits.
        assert!(n_scopes <= usize::from(u16::MAX), "{n_scopes} breakdowns");
        let mut alias = vec![false; n_scopes];
        alias[1] = m.channels.len() == 1;
        alias[1 + m.channels.len()] = m.types.len() == 1;
        if let Some(p) = single_priority(m) {
            alias[1 + m.channels.len() + m.types.len() + p] = true;
        }
        let mut c = Collector {
            warmup: m.warmup,
            interval: m.interval,
            week_offset: m.start_weekday * m.slots_per_day,
            thresholds: m.thresholds.clone(),
            limits: std::array::from_fn(|k| m.thresholds.get(k).copied().unwrap_or(f64::NAN)),
            chan_thresholds: m
                .channel_thresholds
                .iter()
                .map(|l| l.iter().map(|&k| usize::from(k)).collect())
                .collect(),
            chan: m
                .channel_thresholds
                .iter()
                .map(|l| ChannelPlan {
                    judged: Judged(l.iter().fold(0, |bits, &k| bits | 1 << k)),
                    headline: l.contains(&0),
                })
                .collect(),
            short_abandon: m.short_abandon,
            n_channels: m.channels.len(),
            n_types: m.types.len(),
            scopes: (0..n_scopes).map(|_| ScopeStats::new()).collect(),
            alias,
            teams: (0..m.teams.len())
                .map(|_| TeamStats {
                    visits: 0,
                    handled: 0,
                    misrouted: 0,
                    abandoned: 0,
                    entered: 0,
                    sl: Box::new([TeamSl::default(); MAX_THRESHOLDS]),
                    wait: Tally::with_quantiles(),
                    busy_area: 0.0,
                    capacity_area: 0.0,
                    slot_busy_capacity: [0.0; 2],
                    queue_area: 0.0,
                    slot_queue: 0.0,
                    open_time: 0.0,
                    slot_open: 0.0,
                    all_busy_time: 0.0,
                    slot_all_busy: 0.0,
                    overtime_area: 0.0,
                    scheduled_area: 0.0,
                    slot_wait: [0.0; 2],
                    queue_max: 0,
                    saturated_intervals: 0,
                    open_end: 0,
                    oldest_open: 0.0,
                    midnight_queues: Vec::new(),
                    backlog_grew: 0,
                    last: 0.0,
                    busy: 0,
                    capacity: 0,
                    scheduled: 0,
                    queue: 0,
                    slot_queue_start: 0,
                })
                .collect(),
            pools: (0..m.n_pools())
                .map(|i| {
                    let integrate = super::pools::integrals_used(m, i);
                    super::PoolStats::new(m.teams.len(), m.types.len(), integrate)
                })
                .collect(),
            series: Series::new(m),
            slot: (m.start_weekday * m.slots_per_day) % (7 * m.slots_per_day).max(1),
            slot_arrivals: vec![0.0; m.channels.len()],
            omni: super::OmniStats::new(m),
            feeds: super::FeedStats::new(m),
            slot_span: inside(0.0, m.interval),
            last_ids: (0, ScopeIds::OVERALL),
            sla_on_wall: m.cases.clocks.is_empty() && m.cases.pause.iter().all(Option::is_none),
            count_served: super::pools::served_used(m),
            overall_only: false,
        };
        c.last_ids.1 = c.scope_ids(0, 0, 0);
        c.overall_only = c.alias[1..].iter().filter(|&&a| a).count() == 3;
        c
    }

    /// Scope indices of a contact on `channel` of type `ty` and priority `prio`.
    #[inline]
    pub fn scope_ids(&self, channel: u16, ty: u16, prio: u8) -> ScopeIds {
        let mut out = ScopeIds::OVERALL;
        for i in [
            1 + channel as usize,
            1 + self.n_channels + ty as usize,
            1 + self.n_channels + self.n_types + prio as usize,
        ] {
            if !self.alias[i] {
                // Fewer than 2^16 scopes (checked in `new`).
                out.ids[usize::from(out.others)] = i as u16;
                out.others += 1;
            }
        }
        out
    }

    /// The statistics of scope `i` (the overall ones for an alias).
    pub fn scope(&self, i: usize) -> &ScopeStats {
        &self.scopes[if self.alias[i] { 0 } else { i }]
    }

    /// A contact (first or repeated attempt) arrived.
    #[inline]
    pub fn arrived(&mut self, ids: ScopeIds, duplicate: bool, channel: u16) {
        each_scope(&mut self.scopes, ids, move |s| {
            s.arrived += 1;
            s.duplicates += u64::from(duplicate);
        });
        self.slot_arrivals[usize::from(channel)] += 1.0;
    }

    /// The slot of the week containing time `t`.
    #[inline]
    fn slot_of(&self, t: f64) -> usize {
        if t >= self.slot_span.0 && t < self.slot_span.1 {
            return self.slot;
        }
        ((t / self.interval) as usize + self.week_offset) % self.series.slots
    }

    /// A contact that arrived at `arrival` on `channel` joined its entry team's queue.
    #[inline]
    pub fn queued(&mut self, ids: ScopeIds, channel: u16, arrival: f64) {
        let chan = self.chan[usize::from(channel)];
        each_scope(&mut self.scopes, ids, move |s| {
            s.queued += 1;
            for k in chan.judged {
                s.sl[k].offered += 1;
            }
        });
        if chan.headline {
            let slot = self.slot_of(arrival);
            self.series.offered(slot);
        }
    }

    /// An agent picked up a contact on `channel` that arrived at `arrival`, `waited` seconds
    /// later (its first response). The interval series count it in the interval it arrived in.
    /// (Inlined into [`crate::engine::Observer::answered`], its one caller.)
    #[inline(always)]
    pub fn answered(&mut self, ids: ScopeIds, channel: u16, waited: f64, arrival: f64) {
        let chan = self.chan[usize::from(channel)];
        let limits = &self.limits;
        // The closure inlined, as (with a second call site in `other_scopes`) it would not be.
        each_scope(
            &mut self.scopes,
            ids,
            #[inline(always)]
            move |s| {
                s.response.record(waited);
                s.answered_at_once += u64::from(waited <= 0.0);
                for k in chan.judged {
                    let c = &mut s.sl[k];
                    c.answered += 1;
                    c.within += u64::from(waited <= limits[k]);
                }
            },
        );
        let slot = chan.headline.then(|| self.slot_of(arrival));
        self.series.answered(slot, waited <= self.limits[0], waited);
    }

    /// A contact attempt on `channel` that arrived at `arrival` ended at `now`.
    #[inline]
    pub fn contact_ended(
        &mut self,
        ids: ScopeIds,
        channel: u16,
        end: ContactEnd,
        arrival: f64,
        now: f64,
    ) {
        if end == ContactEnd::Resolved {
            // The common end: one count, no threshold, no interval series.
            each_scope(&mut self.scopes, ids, |s| s.resolved += 1);
            return;
        }
        let chan = self.chan[usize::from(channel)];
        let limits = &self.limits;
        let waited = now - arrival;
        let short = self.short_abandon;
        each_scope(&mut self.scopes, ids, move |s| {
            match end {
                ContactEnd::Resolved => s.resolved += 1,
                ContactEnd::Abandoned => {
                    s.abandoned += 1;
                    s.abandon_wait += waited;
                    for k in chan.judged {
                        let c = &mut s.sl[k];
                        c.abandoned += 1;
                        c.abandoned_within += u64::from(waited <= limits[k]);
                        c.abandoned_long += u64::from(waited > short);
                    }
                }
                ContactEnd::Blocked => {
                    s.blocked += 1;
                    for k in chan.judged {
                        s.sl[k].offered += 1;
                    }
                }
                ContactEnd::Lost => s.lost += 1,
                ContactEnd::Merged => s.merged += 1,
                // Deflections are counted when they happen, never as contact ends.
                ContactEnd::Deflected => {}
            }
        });
        if matches!(end, ContactEnd::Abandoned | ContactEnd::Blocked) && chan.headline {
            let slot = self.slot_of(arrival);
            if end == ContactEnd::Abandoned {
                self.series.abandoned(slot);
            } else {
                self.series.offered(slot);
            }
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
        // The closure inlined, as (with a second call site in `other_scopes`) it would not be.
        each_scope(
            &mut self.scopes,
            ids,
            #[inline(always)]
            move |s| {
                s.incidents += 1;
                s.reassignments += u64::from(r.transfers);
                s.misroutes += u64::from(r.misroutes);
                s.incident_queue_time.record(r.queue_time);
                if let Some(limit) = sla.0 {
                    s.sla_response.1 += 1;
                    s.sla_response.0 += u64::from(r.first_response.is_some_and(|t| t <= limit));
                }
                if let Some(limit) = sla.1 {
                    let met = u64::from(r.resolution.is_some_and(|t| t <= limit));
                    s.sla_resolution.1 += 1;
                    s.sla_resolution.0 += met;
                    s.sla_resolution_arrived.1 += 1;
                    s.sla_resolution_arrived.0 += met;
                }
                match r.resolution {
                    Some(t) => {
                        s.incidents_resolved += 1;
                        s.resolution.record(t);
                        s.fcr += u64::from(r.first_contact);
                    }
                    None if r.deflected => s.cases.incidents_deflected += 1,
                    None => s.incidents_unresolved += 1,
                }
            },
        );
    }

    /// A counted contact still open (waiting, in service or in self-service) at the end.
    pub fn contact_open_at_end(&mut self, ids: ScopeIds) {
        for i in ids {
            self.scopes[i].in_system_end += 1;
        }
    }

    /// A contact waiting for or in service at `team` at the end, `age` seconds after joining
    /// its queue.
    pub fn team_open_at_end(&mut self, team: u16, age: f64) {
        let t = &mut self.teams[team as usize];
        t.open_end += 1;
        t.oldest_open = t.oldest_open.max(age);
    }

    /// A counted incident still open at the end, `age` seconds after its first contact;
    /// `first_response` if it was answered. An open incident already past its target is a
    /// breach; one still within it is not judged (except in `sla_resolution_of_arrived`).
    pub fn incident_open_at_end(
        &mut self,
        ids: ScopeIds,
        age: f64,
        first_response: Option<f64>,
        sla: (Option<f64>, Option<f64>),
    ) {
        for i in ids {
            let s = &mut self.scopes[i];
            s.incidents_open_end += 1;
            s.oldest_open_incident = s.oldest_open_incident.max(age);
            if let Some(limit) = sla.0 {
                match first_response {
                    Some(t) => {
                        s.sla_response.1 += 1;
                        s.sla_response.0 += u64::from(t <= limit);
                    }
                    None => s.sla_response.1 += u64::from(age > limit),
                }
            }
            if let Some(limit) = sla.1 {
                s.sla_resolution.1 += u64::from(age > limit);
                s.sla_resolution_arrived.1 += 1;
            }
        }
    }

    /// A counted contact on `channel` joined `team`'s queue.
    #[inline]
    pub fn entered(&mut self, team: u16, channel: u16) {
        let t = &mut self.teams[team as usize];
        t.entered += 1;
        for k in self.chan[usize::from(channel)].judged {
            t.sl[k].entered += 1;
        }
    }

    /// A team visit of a contact on `channel` started after `waited` seconds in the queue.
    #[inline]
    pub fn visit_started(&mut self, team: u16, channel: u16, waited: f64) {
        let t = &mut self.teams[team as usize];
        t.visits += 1;
        t.wait.record(waited);
        for k in self.chan[usize::from(channel)].judged {
            let c = &mut t.sl[k];
            c.visits += 1;
            c.within += u64::from(waited <= self.limits[k]);
        }
        t.slot_wait[0] += waited;
        t.slot_wait[1] += 1.0;
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
    #[inline(always)]
    pub fn team_state(
        &mut self,
        team: u16,
        now: f64,
        busy: u32,
        capacity: u32,
        scheduled: u32,
        queue: u32,
    ) {
        let warmup = self.warmup;
        let t = &mut self.teams[team as usize];
        // Integrated up to now: now is past the warm-up.
        if t.advance(now, warmup) || now >= warmup {
            // The length held until now counts too: it was the queue after the warm-up (one
            // reported before the warm-up would otherwise be missed if it only shrank since).
            t.queue_max = t.queue_max.max(t.queue).max(queue);
        }
        t.busy = busy;
        t.capacity = capacity;
        t.scheduled = scheduled;
        t.queue = queue;
    }
}

impl TeamStats {
    /// Integrates the team's state from its last change (or the warm-up) to `now`; whether
    /// there was any time to integrate (then `now` is past the warm-up).
    #[inline(always)]
    fn advance(&mut self, now: f64, warmup: f64) -> bool {
        let t = self;
        let from = super::counted_from(t.last, warmup);
        t.last = now;
        if now <= from {
            return false;
        }
        let dt = now - from;
        // Agents busy beyond the roster work overtime; the rest count against open time.
        let busy = t.busy.min(t.scheduled);
        let cap = t.capacity.max(busy);
        let (busy_dt, cap_dt) = (f64::from(busy) * dt, f64::from(cap) * dt);
        t.busy_area += busy_dt;
        t.capacity_area += cap_dt;
        t.slot_busy_capacity[0] += busy_dt;
        t.slot_busy_capacity[1] += cap_dt;
        // A term that is zero is left out: adding +0 leaves every sum as it is (they start at
        // +0 and never go negative), and most of the time no one works overtime, the queue
        // is empty or (closed) no one is rostered.
        if t.busy > busy {
            t.overtime_area += f64::from(t.busy - busy) * dt;
        }
        if t.queue > 0 {
            let queue_dt = f64::from(t.queue) * dt;
            t.queue_area += queue_dt;
            t.slot_queue += queue_dt;
        }
        if t.scheduled > 0 {
            // Open time: someone is rostered. Saturated: no agent free to take a contact.
            t.scheduled_area += f64::from(t.scheduled) * dt;
            t.open_time += dt;
            t.slot_open += dt;
            if busy >= cap {
                t.all_busy_time += dt;
                t.slot_all_busy += dt;
            }
        }
        true
    }
}

impl Collector {
    /// Moves each team's and channel's sums for the current interval into the series (then
    /// `slot` is the current one), or out of them (`load`).
    fn carry_slot_sums(&mut self, load: bool) {
        let (slot, series) = (self.slot, &mut self.series);
        let carry = |cell: &mut f64, sum: &mut f64| {
            if load {
                *sum = *cell;
            } else {
                *cell = *sum;
            }
        };
        for (i, t) in self.teams.iter_mut().enumerate() {
            let [busy, capacity] = &mut t.slot_busy_capacity;
            let [wait_sum, wait_n] = &mut t.slot_wait;
            carry(&mut series.busy_area[i][slot], busy);
            carry(&mut series.capacity_area[i][slot], capacity);
            carry(&mut series.queue_area[i][slot], &mut t.slot_queue);
            carry(&mut series.open_time[i][slot], &mut t.slot_open);
            carry(&mut series.wait_sum[i][slot], wait_sum);
            carry(&mut series.wait_n[i][slot], wait_n);
        }
        for (cells, sum) in series.arrivals.iter_mut().zip(&mut self.slot_arrivals) {
            carry(&mut cells[slot], sum);
        }
    }

    /// The run ended: the last interval's sums go into the series.
    pub fn run_ended(&mut self) {
        self.carry_slot_sums(false);
        for (t, p) in self.teams.iter().zip(&mut self.pools) {
            // The own pool's busy agents are the team's plus its overtime; its available
            // agents (or the busy, if more) likewise, as available <= rostered.
            p.take_team_areas([
                t.busy_area + t.overtime_area,
                t.capacity_area + t.overtime_area,
            ]);
        }
    }

    /// The interval that ended at `now` closes; the next (slot of the week `next_slot`) starts.
    pub fn interval_boundary(&mut self, now: f64, interval: f64, next_slot: usize) {
        let warmup = self.warmup;
        // Series run by slot of the week; a day starts at every multiple of a day's slots.
        let midnight = next_slot.is_multiple_of((self.series.slots / 7).max(1));
        for team in 0..self.teams.len() {
            let t = &mut self.teams[team];
            t.advance(now, warmup);
            // Saturated: all agents busy the whole interval and the queue longer at its end.
            if now - interval >= self.warmup
                && t.slot_all_busy >= interval * (1.0 - 1e-9)
                && t.queue > t.slot_queue_start
            {
                t.saturated_intervals += 1;
            }
            t.slot_all_busy = 0.0;
            t.slot_queue_start = t.queue;
            // Backlog: each simulated day, midnight to midnight, after the warm-up.
            if midnight && now >= warmup {
                if let Some(&q0) = t.midnight_queues.last() {
                    t.backlog_grew += u64::from(t.queue > q0);
                }
                t.midnight_queues.push(t.queue);
            }
        }
        self.carry_slot_sums(false);
        self.slot = next_slot;
        self.carry_slot_sums(true);
        self.slot_span = inside(now, now + interval);
    }

    /// Emits every KPI of this replication, in a fixed order for a given model.
    pub fn kpis(&self, m: &Model, mut emit: impl FnMut(Kpi, Scope, f64)) {
        for i in 0..self.scopes.len() {
            let scope = if i == 0 {
                Scope::Overall
            } else if i <= self.n_channels {
                Scope::Channel((i - 1) as u16)
            } else if i <= self.n_channels + self.n_types {
                Scope::Type((i - 1 - self.n_channels) as u16)
            } else {
                Scope::Priority((i - 1 - self.n_channels - self.n_types) as u8)
            };
            // A channel reports only the thresholds it is judged on.
            let judged: Vec<usize> = match scope {
                Scope::Channel(c) => self.chan_thresholds[c as usize].clone(),
                _ => (0..self.thresholds.len()).collect(),
            };
            scope_kpis(self.scope(i), &judged, self.sla_on_wall, &mut |k, v| {
                emit(k, scope, v)
            });
        }
        let days = (m.horizon - m.warmup) / 86_400.0;
        let span = m.horizon - m.warmup;
        for (i, t) in self.teams.iter().enumerate() {
            let n = self.thresholds.len();
            team_kpis(t, n, team_cost(t, &m.teams[i]), span, &mut |k, v| {
                emit(k, Scope::Team(i as u16), v)
            });
        }
        // Staff and cost over all teams and shared pools (rostered hours); a total cost only
        // where every team and pool that has hours has a cost. An external team paid per
        // contact adds its cost but not its (the supplier's) hours.
        let shared = || {
            m.shared_pools.iter().enumerate().map(|(k, p)| {
                let h = m.rostered_hours(crate::model::PoolId::at(m.teams.len() + k));
                (h, p.cost_per_hour)
            })
        };
        let hours: f64 = self
            .teams
            .iter()
            .zip(&m.teams)
            .filter(|(_, tm)| tm.cost_per_contact.is_none())
            // From +0 (an empty f64 sum is -0, shown as "-0.0").
            .fold(0.0, |sum, (t, _)| sum + t.paid_hours())
            + shared().map(|(h, _)| h).sum::<f64>();
        emit(Kpi::AgentHours, Scope::Overall, hours);
        let costs: Option<f64> = self
            .teams
            .iter()
            .zip(&m.teams)
            .map(|(t, tm)| team_cost(t, tm))
            .chain(shared().map(|(h, c)| c.map(|c| c * h)))
            .sum();
        if let Some(cost) = costs {
            emit(Kpi::CostPerDay, Scope::Overall, cost / days);
            emit(
                Kpi::CostPerResolvedIncident,
                Scope::Overall,
                // No resolved incident: no cost per one (NaN, like any empty ratio).
                match self.scopes[0].incidents_resolved {
                    0 => f64::NAN,
                    n => cost / n as f64,
                },
            );
        }
        super::pools::emit(&self.pools, m, &mut emit);
        super::omni::emit(&self.omni, m, &mut emit);
        self.feeds.emit(m, &mut emit);
    }
}

/// Times in `[start, end)` a hair (a relative 1e-9 of `end`) inside both ends, so that
/// `t / interval` truncates to the interval's index for every `t` between them, whatever the
/// rounding of the division.
fn inside(start: f64, end: f64) -> (f64, f64) {
    let hair = end * 1e-9;
    (start + hair, end - hair)
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        f64::NAN
    } else {
        a as f64 / b as f64
    }
}

/// The contact and incident KPIs of one breakdown; `judged`: the thresholds reported;
/// `sla_on_wall`: the SLA clock is the wall clock (see [`Collector::sla_on_wall`]).
fn scope_kpis(s: &ScopeStats, judged: &[usize], sla_on_wall: bool, e: &mut dyn FnMut(Kpi, f64)) {
    e(Kpi::Arrived, s.arrived as f64);
    e(Kpi::Duplicates, s.duplicates as f64);
    e(Kpi::Resolved, s.resolved as f64);
    e(Kpi::Abandoned, s.abandoned as f64);
    e(Kpi::Blocked, s.blocked as f64);
    e(Kpi::Lost, s.lost as f64);
    e(Kpi::Merged, s.merged as f64);
    e(Kpi::ContactsOpenAtEnd, s.in_system_end as f64);
    e(Kpi::AbandonRate, ratio(s.abandoned, s.arrived));
    e(Kpi::BlockRate, ratio(s.blocked, s.arrived));
    e(Kpi::LossRate, ratio(s.lost, s.arrived));
    e(Kpi::Offered, (s.queued + s.blocked) as f64);
    e(Kpi::Answered, s.response.n as f64);
    e(Kpi::ResponseMean, s.response.mean());
    for (k, &q) in QUANTILES.iter().enumerate() {
        e(Kpi::ResponseQuantile(k as u8), s.response.quantile(q));
    }
    e(Kpi::ResponseMax, s.response.max());
    let left = s.response.n + s.abandoned;
    e(
        Kpi::ResponseMeanInclAbandons,
        if left > 0 {
            (s.response.mean() * s.response.n as f64 + s.abandon_wait) / left as f64
        } else {
            f64::NAN
        },
    );
    e(
        Kpi::DelayProbability,
        1.0 - ratio(s.answered_at_once, s.queued),
    );
    for &k in judged {
        let c = &s.sl[k];
        let k8 = k as u8;
        e(Kpi::ServiceLevel(k8), ratio(c.within, c.offered));
        e(Kpi::ServiceLevelOfAnswered(k8), ratio(c.within, c.answered));
        e(
            Kpi::ServiceLevelExclShortAbandons(k8),
            ratio(c.within, c.answered + c.abandoned_long),
        );
        e(
            Kpi::ServiceLevelAbandonsMet(k8),
            ratio(c.within + c.abandoned_within, c.offered),
        );
    }
    let arrived = s.incidents + s.incidents_open_end;
    e(Kpi::Incidents, s.incidents as f64);
    e(Kpi::IncidentsArrived, arrived as f64);
    e(Kpi::IncidentsResolved, s.incidents_resolved as f64);
    e(Kpi::IncidentsUnresolved, s.incidents_unresolved as f64);
    e(Kpi::IncidentsOpenAtEnd, s.incidents_open_end as f64);
    e(Kpi::OldestOpenIncidentAge, s.oldest_open_incident);
    e(Kpi::ResolutionRate, ratio(s.incidents_resolved, arrived));
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
    e(Kpi::QueueTimePerIncidentMax, s.incident_queue_time.max());
    e(Kpi::ResolutionMean, s.resolution.mean());
    for (k, &q) in QUANTILES.iter().enumerate() {
        e(Kpi::ResolutionQuantile(k as u8), s.resolution.quantile(q));
    }
    e(Kpi::ResolutionMax, s.resolution.max());
    e(Kpi::SlaResponse, ratio(s.sla_response.0, s.sla_response.1));
    e(
        Kpi::SlaResolution,
        ratio(s.sla_resolution.0, s.sla_resolution.1),
    );
    e(
        Kpi::SlaResolutionOfArrived,
        ratio(s.sla_resolution_arrived.0, s.sla_resolution_arrived.1),
    );
    super::cases::case_kpis(s, sla_on_wall, e);
}

/// What a team cost over the measured time: paid hours x `cost_per_hour`, or, for an external
/// team, contacts handled x `cost_per_contact`; `None` where neither is set.
fn team_cost(t: &TeamStats, tm: &crate::model::TeamModel) -> Option<f64> {
    let h = t.paid_hours();
    match tm.cost_per_contact {
        Some(price) => Some(price * t.handled as f64),
        // A queue with no agents of its own (a skill's) costs nothing.
        None => tm
            .cost_per_hour
            .map(|c| c * h)
            .or((h == 0.0).then_some(0.0)),
    }
}

/// A team's KPIs over `span` measured seconds; `cost`: its cost over that span, if known.
/// `thresholds`: how many the model has.
fn team_kpis(
    t: &TeamStats,
    thresholds: usize,
    cost: Option<f64>,
    span: f64,
    e: &mut dyn FnMut(Kpi, f64),
) {
    let per = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
    e(Kpi::Entered, t.entered as f64);
    e(Kpi::Visits, t.visits as f64);
    e(Kpi::Handled, t.handled as f64);
    e(Kpi::Misrouted, t.misrouted as f64);
    e(Kpi::Abandoned, t.abandoned as f64);
    for (k, c) in t.sl[..thresholds].iter().enumerate() {
        if c.entered > 0 {
            e(Kpi::ServiceLevel(k as u8), ratio(c.within, c.entered));
            e(
                Kpi::ServiceLevelOfAnswered(k as u8),
                ratio(c.within, c.visits),
            );
        } else {
            e(Kpi::ServiceLevel(k as u8), f64::NAN);
            e(Kpi::ServiceLevelOfAnswered(k as u8), f64::NAN);
        }
    }
    e(Kpi::WaitMean, t.wait.mean());
    for (k, &q) in QUANTILES.iter().enumerate() {
        e(Kpi::WaitQuantile(k as u8), t.wait.quantile(q));
    }
    e(Kpi::WaitMax, t.wait.max());
    e(Kpi::Utilisation, per(t.busy_area, t.capacity_area));
    e(Kpi::QueueMean, t.queue_area / span);
    e(Kpi::QueueMax, f64::from(t.queue_max));
    e(Kpi::Saturation, per(t.all_busy_time, t.open_time));
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
    e(Kpi::OpenAtEnd, t.open_end as f64);
    e(Kpi::OldestOpenAge, t.oldest_open);
    let days = t.midnight_queues.len().saturating_sub(1);
    e(
        Kpi::BacklogGrowthPerDay,
        backlog_growth_per_day(&t.midnight_queues),
    );
    e(Kpi::BacklogGrowingDays, ratio(t.backlog_grew, days as u64));
    let hours = t.paid_hours();
    e(Kpi::AgentHours, hours);
    if let Some(c) = cost {
        e(Kpi::CostPerDay, c / (span / 86_400.0));
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
    /// Its last attempt was deflected by self-service (it ends neither resolved nor failed).
    pub deflected: bool,
}

/// The one priority every contact has, if the model gives no other: every channel's mix puts
/// all its weight on it, no retry raises priority, no log records priorities, and no incident
/// type has its own priority mix.
fn single_priority(m: &Model) -> Option<usize> {
    // The urgency rule, the feeds' cases and priority mixes per type set priorities no
    // channel mix shows.
    if m.urgency.is_some()
        || !m.feeds.is_empty()
        || m.cases.priority_by_type.iter().any(Option::is_some)
    {
        return None;
    }
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

/// Mean daily growth of a queue from its midnight values: over the longest span of whole weeks
/// that ends at the last midnight (so a run ending on a weekend, or any weekly pattern of
/// opening hours and demand, compares like with like), or over all the days where fewer than
/// seven were measured. NaN with fewer than two midnights.
fn backlog_growth_per_day(midnights: &[u32]) -> f64 {
    let Some(&last) = midnights.last() else {
        return f64::NAN;
    };
    let days = midnights.len() - 1;
    let span = if days >= 7 { days / 7 * 7 } else { days };
    if span == 0 {
        return f64::NAN;
    }
    (f64::from(last) - f64::from(midnights[days - span])) / span as f64
}

#[cfg(test)]
mod backlog_tests {
    use super::backlog_growth_per_day;

    #[test]
    fn growth_is_measured_over_whole_weeks() {
        // Midnights from a Tuesday: drained Mon..Fri, 40 more each weekend day, cleared on
        // Monday; 12 days ending on a Sunday midnight: the weekly span sees no growth, where
        // all 12 days would read 40/12 a day.
        let q = [0, 0, 0, 0, 0, 40, 80, 0, 0, 0, 0, 0, 40];
        assert_eq!(backlog_growth_per_day(&q), 0.0);
        // A queue growing by 3 a day reads 3 whatever the span.
        let g: Vec<u32> = (0..12).map(|d| 3 * d).collect();
        assert_eq!(backlog_growth_per_day(&g), 3.0);
        assert_eq!(backlog_growth_per_day(&g[..4]), 3.0);
        assert!(backlog_growth_per_day(&[5]).is_nan());
        assert!(backlog_growth_per_day(&[]).is_nan());
    }
}

#[cfg(test)]
mod slot_tests {
    use super::Collector;

    /// The interval a time falls in, read from the cached current interval where the time is
    /// surely inside it, agrees with the division everywhere, ends and all.
    #[test]
    fn cached_slot_agrees_with_division() {
        let m = crate::model::load_model("scenarios/validation/mmc.ron".as_ref()).unwrap();
        let mut c = Collector::new(&m);
        let by_division =
            |c: &Collector, t: f64| ((t / c.interval) as usize + c.week_offset) % c.series.slots;
        let spd = m.slots_per_day;
        for k in 0..3 * c.series.slots {
            let now = k as f64 * m.interval;
            if k > 0 {
                let next = (k + m.start_weekday * spd) % (7 * spd);
                c.interval_boundary(now, m.interval, next);
            }
            for t in [
                now,
                now.next_up(),
                now + 1e-7,
                now + 0.5 * m.interval,
                (now + m.interval).next_down(),
                now + m.interval * (1.0 - 1e-12),
            ] {
                assert_eq!(c.slot_of(t), by_division(&c, t), "t = {t}");
            }
        }
    }

    /// Arrivals and visit waits counted in the current interval's sums reach the series cell
    /// of their slot of the week, summed over the weeks, the last interval's at the run's end.
    #[test]
    fn interval_sums_reach_the_series() {
        let m = crate::model::load_model("scenarios/before.ron".as_ref()).unwrap();
        let mut c = Collector::new(&m);
        let slots = c.series.slots;
        let spd = m.slots_per_day;
        let first = (m.start_weekday * spd) % slots;
        let mut slot = first;
        for k in 0..2 * slots + 3 {
            if k > 0 {
                slot = (k + m.start_weekday * spd) % slots;
                c.interval_boundary(k as f64 * m.interval, m.interval, slot);
            }
            for _ in 0..slot % 5 {
                c.arrived(super::ScopeIds::OVERALL, false, 1);
                c.visit_started(0, 1, slot as f64);
            }
        }
        c.run_ended();
        for s in 0..slots {
            // Slots from `first` on are visited three times (two weeks and three intervals
            // more), the others twice.
            let weeks = 2.0 + f64::from(u8::from((s + slots - first) % slots < 3));
            let n = (s % 5) as f64 * weeks;
            assert_eq!(c.series.arrivals[1][s], n, "slot {s}");
            assert_eq!(c.series.arrivals[0][s], 0.0);
            assert_eq!(c.series.wait_n[0][s], n);
            assert_eq!(c.series.wait_sum[0][s], n * s as f64);
        }
    }
}

#[cfg(test)]
mod judged_tests {
    use super::Judged;

    /// A channel's threshold bits yield the thresholds' indices, ascending, the last (31)
    /// included.
    #[test]
    fn judged_bits_yield_the_threshold_indices() {
        assert_eq!(Judged(0b1010_0001).collect::<Vec<_>>(), [0, 5, 7]);
        assert_eq!(Judged(1 << 31 | 2).collect::<Vec<_>>(), [1, 31]);
        assert_eq!(Judged(0).count(), 0);
        assert_eq!(
            Judged(u32::MAX).collect::<Vec<_>>(),
            (0..32).collect::<Vec<_>>()
        );
    }
}

#[cfg(test)]
mod scope_tests {
    use super::Collector;

    /// A model with one channel, one type and one priority counts every contact in the
    /// overall breakdown alone, as the look-up would; one with several channels looks up.
    #[test]
    fn overall_only_where_every_key_aliases_the_overall_scope() {
        let m = crate::model::load_model("scenarios/validation/mmc.ron".as_ref()).unwrap();
        let c = Collector::new(&m);
        assert!(c.overall_only);
        let p = super::single_priority(&m).unwrap() as u8;
        let ids = c.scope_ids(0, 0, p);
        assert_eq!(ids.into_iter().collect::<Vec<_>>(), [0]);
        let m = crate::model::load_model("scenarios/before.ron".as_ref()).unwrap();
        assert!(m.channels.len() > 1 && !Collector::new(&m).overall_only);
    }

    /// `each_scope` visits the breakdowns of a key as iterating its ids does, overall first.
    #[test]
    fn each_scope_visits_the_ids_in_order() {
        let m = crate::model::load_model("scenarios/before.ron".as_ref()).unwrap();
        let mut c = Collector::new(&m);
        for channel in 0..m.channels.len() as u16 {
            for ty in 0..m.types.len() as u16 {
                let ids = c.scope_ids(channel, ty, 1);
                let want: Vec<usize> = ids.into_iter().collect();
                assert!(want.len() > 1 && want[0] == 0);
                for s in c.scopes.iter_mut() {
                    s.arrived = 0;
                }
                let mut order = 0;
                super::each_scope(&mut c.scopes, ids, |s| {
                    order += 1;
                    s.arrived = order;
                });
                let seen: Vec<usize> = (1..=order)
                    .map(|k| c.scopes.iter().position(|s| s.arrived == k).unwrap())
                    .collect();
                assert_eq!(seen, want);
            }
        }
    }
}
