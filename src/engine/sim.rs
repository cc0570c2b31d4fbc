//! One replication: the event loop and what each event does to contacts, teams and channels.

use super::arrivals::ArrivalGen;
use super::calendar::{Calendar, Event};
use super::contact::{Contact, NO_TEAM, State};
use super::queue::{TeamQueue, Waiting};
use super::streams::{Purpose, contact_stream, stream};
use super::{RunOptions, RunOutput, TraceRecord};
use crate::error::Error;
use crate::model::{ArrivalModel, Model, Outcome, TeamModel, bounds, unit};
use crate::scenario::{AtClosing, Discipline, Disconnected};
use crate::stats::{Collector, ContactEnd, IncidentRecord, ScopeIds};
use rand::Rng;
use rand_distr::{Distribution, Exp1};
use rand_pcg::Pcg64Mcg;

struct TeamRt {
    queue: TeamQueue,
    busy: u32,
    scheduled: u32,
    away: u32,
    /// Busy agents due to leave for other duties when their current contact is done.
    leaving: u32,
    duty_version: u32,
    rng: Pcg64Mcg,
    /// Contacts that were waiting when the team closed and are served in overtime.
    overtime_queue: TeamQueue,
    /// Agents kept on after closing to serve `overtime_queue` (0 when it is empty).
    overtime: u32,
}

impl TeamRt {
    #[inline]
    fn free(&self) -> u32 {
        self.scheduled
            .saturating_sub(self.away)
            .saturating_sub(self.busy)
    }
    #[inline]
    fn available(&self) -> u32 {
        self.scheduled.saturating_sub(self.away)
    }
    /// Rates at which present agents (not already due to leave) go to other duties and away
    /// agents come back, so that each agent gives this work a share `availability` of the
    /// time, in cycles of mean length `duty_cycle`.
    fn duty_rates(&self, tm: &TeamModel) -> (f64, f64) {
        let present = self.available() - self.leaving.min(self.available());
        (
            f64::from(present) / (tm.availability * tm.duty_cycle),
            f64::from(self.away) / ((1.0 - tm.availability) * tm.duty_cycle),
        )
    }
}

struct ChannelRt {
    arrivals: ArrivalGen,
    demand: Pcg64Mcg,
    lines_busy: u32,
    pending_row: Option<usize>,
}

/// An incident stream's state: its arrival times, the seed its incidents' draws are keyed
/// by, and how many incidents it has produced.
struct StreamRt {
    arrivals: ArrivalGen,
    key: u64,
    pending_row: Option<usize>,
    count: u64,
}

/// A new incident's demand-side draws.
struct NewIncident {
    channel: u16,
    ty: u16,
    priority: u8,
    patience: f64,
    seeds: (u64, u64),
    log_handling: f64,
}

/// Where trace records go: kept in memory, or handed one by one to a sink (which streams them
/// to disk, so a long traced run needs no memory for its trace).
pub(super) enum Tracer<'m> {
    Keep(Vec<TraceRecord>),
    Sink(&'m mut dyn FnMut(&TraceRecord)),
}

impl Tracer<'_> {
    #[inline]
    fn record(&mut self, r: TraceRecord) {
        match self {
            Tracer::Keep(v) => v.push(r),
            Tracer::Sink(f) => f(&r),
        }
    }
}

pub(super) struct Sim<'m> {
    m: &'m Model,
    cal: Calendar,
    contacts: Vec<Contact>,
    free: Vec<u32>,
    teams: Vec<TeamRt>,
    channels: Vec<ChannelRt>,
    streams: Vec<StreamRt>,
    stats: Collector,
    trace: Option<Tracer<'m>>,
    now: f64,
    next_incident: u64,
    events: u64,
    /// Reused buffer for the queue entries a closing team hands over.
    scratch: Vec<Waiting>,
    /// The guard against runs that never end: events allowed in all, events allowed at one
    /// instant, and events at the current instant so far. Checking them costs one comparison
    /// per event; a reason set elsewhere (too many contacts) drops `event_limit` to zero.
    event_limit: u64,
    stall_limit: u64,
    same_instant: u64,
    stop_reason: Option<String>,
}

impl<'m> Sim<'m> {
    pub(super) fn new(m: &'m Model, seed: u64, rep: u64, opts: &RunOptions) -> Self {
        let teams = m
            .teams
            .iter()
            .map(|t| TeamRt {
                queue: TeamQueue::new(t.discipline == Discipline::Priority),
                busy: 0,
                scheduled: 0,
                away: 0,
                leaving: 0,
                duty_version: 0,
                rng: stream(seed, rep, Purpose::Organisation, t.stream_key),
                overtime_queue: TeamQueue::new(t.discipline == Discipline::Priority),
                overtime: 0,
            })
            .collect();
        let channels = m
            .channels
            .iter()
            .map(|c| ChannelRt {
                arrivals: ArrivalGen::new(seed, rep, c.stream_key),
                demand: stream(seed, rep, Purpose::Demand, c.stream_key),
                lines_busy: 0,
                pending_row: None,
            })
            .collect();
        let streams = m
            .streams
            .iter()
            .map(|st| StreamRt {
                arrivals: ArrivalGen::new(seed, rep, st.stream_key),
                key: stream(seed, rep, Purpose::Demand, st.stream_key).next_u64(),
                pending_row: None,
                count: 0,
            })
            .collect();
        Sim {
            m,
            cal: Calendar::with_capacity(1024),
            contacts: Vec::with_capacity(1024),
            free: Vec::new(),
            teams,
            channels,
            streams,
            stats: Collector::new(m),
            trace: opts.trace.then(|| Tracer::Keep(Vec::new())),
            now: 0.0,
            next_incident: 0,
            events: 0,
            scratch: Vec::new(),
            event_limit: bounds::event_limit(m),
            stall_limit: stall_limit(m),
            same_instant: 0,
            stop_reason: None,
        }
    }

    /// Sends every trace record to `sink` instead of keeping them.
    pub(super) fn with_sink(mut self, sink: &'m mut dyn FnMut(&TraceRecord)) -> Self {
        self.trace = Some(Tracer::Sink(sink));
        self
    }

    /// Why the guard stopped the run, at the current time.
    fn runaway(&self) -> Error {
        let day = self.now / 86_400.0;
        let why = self.stop_reason.clone().unwrap_or_else(|| {
            if self.same_instant >= self.stall_limit {
                format!(
                    "the clock stopped advancing: {} events at the same instant (so far {} in all); \
                     look for durations of (nearly) zero that repeat, such as a tiny duty_cycle or \
                     contacts passed between teams in no time",
                    self.same_instant, self.events
                )
            } else {
                format!(
                    "{} events, far more than this model can need (the limit, {}, is a thousand per \
                     expected contact attempt); look for durations of (nearly) zero that repeat",
                    self.events, self.event_limit
                )
            }
        });
        Error::Runaway(format!("on simulated day {day:.2}: {why}"))
    }

    pub(super) fn run(mut self) -> Result<RunOutput, Error> {
        let m = self.m;
        for src in 0..m.channels.len() + m.streams.len() {
            self.schedule_arrival(src as u16, 0.0);
        }
        self.staff(0.0);
        self.cal.schedule(m.interval, Event::Tick);
        while let Some((t, ev)) = self.cal.pop() {
            if t > m.horizon {
                break;
            }
            if t == self.now {
                self.same_instant += 1;
            } else {
                self.same_instant = 0;
            }
            self.now = t;
            self.events += 1;
            if self.events > self.event_limit || self.same_instant >= self.stall_limit {
                return Err(self.runaway());
            }
            match ev {
                Event::Arrival(ch) => self.on_arrival(ch),
                Event::Retry(c) => self.on_retry(c),
                Event::ServiceEnd(c) => self.on_service_end(c),
                Event::Patience(c, vgen) => self.on_patience(c, vgen),
                Event::SelfServiceEnd(c) => self.end_contact(c, ContactEnd::Resolved),
                Event::Chase(c, tag) => self.on_chase(c, tag),
                Event::Tick => self.on_tick(),
                Event::Duty(team, version) => self.on_duty(team, version),
            }
        }
        self.finish()
    }

    /// Schedules the next arrival of source `src`: a channel's own arrivals (the channels
    /// first) or an incident stream (after them).
    fn schedule_arrival(&mut self, src: u16, after: f64) {
        let m = self.m;
        let nc = m.channels.len();
        let (arrivals, model, pending) = match self.channels.get_mut(src as usize) {
            Some(rt) => (
                &mut rt.arrivals,
                &m.channels[src as usize].arrivals,
                &mut rt.pending_row,
            ),
            None => {
                let rt = &mut self.streams[src as usize - nc];
                (
                    &mut rt.arrivals,
                    &m.streams[src as usize - nc].arrivals,
                    &mut rt.pending_row,
                )
            }
        };
        if let Some((t, row)) = arrivals.next(m, model, after) {
            *pending = row;
            self.cal.schedule(t, Event::Arrival(src));
        }
    }

    /// Puts a contact in a free slot of the slab (or a new one) and returns its index.
    fn place(&mut self, contact: Contact) -> u32 {
        match self.free.pop() {
            Some(i) => {
                // Keep the generation rising so stale entries for this slot never match.
                let vgen = self.contacts[i as usize].vgen;
                self.contacts[i as usize] = Contact { vgen, ..contact };
                i
            }
            None => {
                if self.contacts.len() >= bounds::MAX_IN_SYSTEM && self.stop_reason.is_none() {
                    self.stop_reason = Some(format!(
                        "more than {} contacts in the system at once: the organisation cannot keep up \
                         with the demand and memory would grow without end",
                        bounds::MAX_IN_SYSTEM
                    ));
                    self.event_limit = 0;
                }
                self.contacts.push(contact);
                (self.contacts.len() - 1) as u32
            }
        }
    }

    fn ids(&self, c: &Contact) -> ScopeIds {
        self.stats.scope_ids(c.channel, c.ty, c.priority)
    }

    /// Incident `k` of a stream arrives on the channel this design gives the stream. Its
    /// draws come from a stream keyed by (seed, replication, stream, k), so the same incident
    /// looks the same in every design, whatever happened before it.
    fn on_incident(&mut self, src: u16) {
        let m = self.m;
        let s = src as usize - m.channels.len();
        let sm = &m.streams[s];
        let rt = &mut self.streams[s];
        let row = rt.pending_row.and_then(|i| match &sm.arrivals {
            crate::model::ArrivalModel::Log(rows) => rows.get(i),
            _ => None,
        });
        let mut r = contact_stream(rt.key, rt.count);
        rt.count += 1;
        let (u_type, u_prio) = (unit(&mut r), unit(&mut r));
        let seeds = (r.next_u64(), r.next_u64());
        let patience = m.channels[sm.channel as usize]
            .patience
            .as_ref()
            .map_or(f64::INFINITY, |p| p.sample(&mut r));
        let n = NewIncident {
            channel: sm.channel,
            ty: row.map_or_else(|| sm.type_mix.pick(u_type) as u16, |r| r.ty),
            priority: row
                .and_then(|r| r.priority)
                .unwrap_or_else(|| sm.priority_mix.pick(u_prio) as u8),
            patience,
            seeds,
            log_handling: row.and_then(|r| r.handling).unwrap_or(-1.0),
        };
        self.start_incident(src, n);
    }

    fn on_arrival(&mut self, src: u16) {
        let m = self.m;
        if src as usize >= m.channels.len() {
            return self.on_incident(src);
        }
        let ch = src;
        let cm = &m.channels[ch as usize];
        let rt = &mut self.channels[ch as usize];
        let row = rt.pending_row.and_then(|i| match &cm.arrivals {
            crate::model::ArrivalModel::Log(rows) => rows.get(i),
            _ => None,
        });
        // Demand-side draws, always the same number per contact, so the stream stays in step
        // whatever the organisation does.
        let d = &mut rt.demand;
        let (u_type, u_prio) = (unit(d), unit(d));
        let patience = cm.patience.as_ref().map_or(f64::INFINITY, |p| p.sample(d));
        let (s1, s2) = (d.next_u64(), d.next_u64());
        let n = NewIncident {
            channel: ch,
            ty: row.map_or_else(|| cm.type_mix.pick(u_type) as u16, |r| r.ty),
            priority: row
                .and_then(|r| r.priority)
                .unwrap_or_else(|| cm.priority_mix.pick(u_prio) as u8),
            patience,
            seeds: (s1, s2),
            log_handling: row.and_then(|r| r.handling).unwrap_or(-1.0),
        };
        self.start_incident(src, n);
    }

    /// A new incident's first contact: placed, the source's next arrival scheduled, its chase
    /// drawn, and admitted on its channel.
    fn start_incident(&mut self, src: u16, n: NewIncident) {
        let m = self.m;
        let NewIncident {
            channel: ch,
            ty,
            priority,
            patience,
            seeds: (s1, s2),
            log_handling,
        } = n;
        let cm = &m.channels[ch as usize];
        let now = self.now;
        let contact = Contact {
            rng: contact_stream(s1, s2),
            incident: self.next_incident,
            first_arrival: now,
            arrival: now,
            enqueued: now,
            deadline: now + patience,
            answered: f64::NAN,
            incident_answered: f64::NAN,
            queue_time: 0.0,
            log_handling,
            chase_seed: 0,
            vgen: 0,
            channel: ch,
            first_channel: ch,
            ty,
            team: NO_TEAM,
            target: NO_TEAM,
            transfers: 0,
            misroutes: 0,
            handled_visits: 0,
            visits: 0,
            priority,
            first_priority: priority,
            attempt: 1,
            state: State::Waiting,
            counted: now >= m.warmup,
            incident_counted: now >= m.warmup,
            holds_line: false,
            chase: false,
            overtime: false,
        };
        self.next_incident += 1;
        let idx = self.place(contact);
        self.schedule_arrival(src, now);
        if let Some(chase) = &cm.chase {
            // Demand-side: the same draws whatever the organisation.
            let c = &mut self.contacts[idx as usize];
            let (u, after) = (unit(&mut c.rng), chase.after.sample(&mut c.rng));
            c.chase_seed = c.rng.next_u64();
            if u < chase.prob {
                self.cal
                    .schedule(now + after, Event::Chase(idx, c.incident as u32));
            }
        }
        self.admit(idx);
    }

    /// The customer of incident slot `idx` chases it, if it is still open and not about to
    /// be retried anyway: a new contact, a duplicate, on the chase channel.
    fn on_chase(&mut self, idx: u32, tag: u32) {
        let m = self.m;
        let now = self.now;
        let c = &self.contacts[idx as usize];
        if c.incident as u32 != tag
            || c.chase
            || matches!(c.state, State::Free | State::PendingRetry)
        {
            return;
        }
        let chase = m.channels[c.first_channel as usize]
            .chase
            .as_ref()
            .expect("chases come from channels with chase");
        // Its own stream, seeded on arrival from the original's (so it follows the seed and the
        // replication), leaving the original contact's later draws untouched.
        let mut rng = contact_stream(c.chase_seed, c.incident);
        let patience = m.channels[chase.channel as usize]
            .patience
            .as_ref()
            .map_or(f64::INFINITY, |p| p.sample(&mut rng));
        let dup = Contact {
            rng,
            arrival: now,
            enqueued: now,
            deadline: now + patience,
            answered: f64::NAN,
            incident_answered: f64::NAN,
            queue_time: 0.0,
            log_handling: -1.0,
            channel: chase.channel,
            team: NO_TEAM,
            target: NO_TEAM,
            transfers: 0,
            misroutes: 0,
            handled_visits: 0,
            visits: 0,
            state: State::Waiting,
            counted: now >= m.warmup,
            incident_counted: false,
            holds_line: false,
            chase: true,
            overtime: false,
            ..c.clone()
        };
        let slot = self.place(dup);
        self.admit(slot);
    }

    /// A contact (first or repeated) presents itself on its channel.
    fn admit(&mut self, idx: u32) {
        let m = self.m;
        let now = self.now;
        let c = &mut self.contacts[idx as usize];
        let cm = &m.channels[c.channel as usize];
        c.counted = now >= m.warmup;
        let (u_forget, u_self) = (unit(&mut c.rng), unit(&mut c.rng));
        let (counted, duplicate, ch, ty) = (c.counted, c.attempt > 1 || c.chase, c.channel, c.ty);
        if counted {
            let ids = self.stats.scope_ids(ch, ty, c.priority);
            self.stats.arrived(ids, duplicate, ch);
        }
        if cm.reject_after_hours && !m.open[m.week_slot(now)] {
            return self.end_contact(idx, ContactEnd::Blocked);
        }
        if let Some(lines) = cm.lines {
            let rt = &mut self.channels[ch as usize];
            if rt.lines_busy >= lines {
                return self.end_contact(idx, ContactEnd::Blocked);
            }
            rt.lines_busy += 1;
            self.contacts[idx as usize].holds_line = true;
        }
        if u_forget < cm.forget {
            return self.end_contact(idx, ContactEnd::Lost);
        }
        if u_self < cm.self_service[ty as usize] {
            let c = &mut self.contacts[idx as usize];
            match &cm.self_service_time {
                Some(d) => {
                    let t = d.sample(&mut c.rng);
                    c.state = State::SelfService;
                    self.cal.schedule(now + t, Event::SelfServiceEnd(idx));
                }
                None => self.end_contact(idx, ContactEnd::Resolved),
            }
            return;
        }
        self.enqueue(idx, cm.entry[ty as usize]);
    }

    fn enqueue(&mut self, idx: u32, team: u16) {
        let c = &mut self.contacts[idx as usize];
        c.team = team;
        c.state = State::Waiting;
        c.vgen = c.vgen.wrapping_add(1);
        c.enqueued = self.now;
        c.overtime = false;
        let (vgen, priority, first_visit, deadline) =
            (c.vgen, c.priority, c.visits == 0, c.deadline);
        if c.counted {
            let (ch, arrival) = (c.channel, c.arrival);
            let ids = self.stats.scope_ids(ch, c.ty, priority);
            self.stats.entered(team, ch);
            if first_visit {
                self.stats.queued(ids, ch, arrival);
            }
        }
        let rt = &mut self.teams[team as usize];
        // Straight to an agent only if nobody is waiting: a contact passed back to the team
        // that just finished it must not jump the queue.
        if rt.free() > 0 && rt.queue.len() == 0 && rt.overtime_queue.len() == 0 {
            self.start_service(idx);
        } else {
            let free = rt.free() > 0;
            rt.queue.push(Waiting { contact: idx, vgen }, priority);
            if first_visit && deadline.is_finite() {
                self.cal
                    .schedule(deadline.max(self.now), Event::Patience(idx, vgen));
            }
            if free {
                self.dispatch(team);
            } else {
                self.team_changed(team);
            }
        }
    }

    fn start_service(&mut self, idx: u32) {
        let m = self.m;
        let now = self.now;
        let c = &mut self.contacts[idx as usize];
        let team = c.team;
        let waited = now - c.enqueued;
        c.queue_time += waited;
        c.state = State::InService;
        c.overtime = false;
        let first_answer = c.answered.is_nan();
        if first_answer {
            c.answered = now;
        }
        if c.incident_answered.is_nan() {
            c.incident_answered = now;
        }
        let handling = if c.visits == 0 && c.attempt == 1 && c.log_handling >= 0.0 {
            c.log_handling
        } else {
            m.teams[team as usize].handling[c.ty as usize]
                .as_ref()
                .map_or(0.0, |d| d.sample(&mut c.rng))
        };
        c.visits += 1;
        c.handled_visits = c.handled_visits.saturating_add(1);
        let (counted, response) = (c.counted, now - c.arrival);
        if counted {
            let ids = self.ids(&self.contacts[idx as usize]);
            let ch = self.contacts[idx as usize].channel;
            self.stats.visit_started(team, ch, waited);
            if first_answer {
                self.stats.answered(ids, ch, response, now - response);
            }
        }
        self.teams[team as usize].busy += 1;
        self.cal.schedule(now + handling, Event::ServiceEnd(idx));
        self.team_changed(team);
    }

    fn on_service_end(&mut self, idx: u32) {
        let m = self.m;
        let c = &mut self.contacts[idx as usize];
        let team = c.team;
        let tm = &m.teams[team as usize];
        let misrouted = c.target != NO_TEAM;
        if c.counted {
            self.stats.handled(team, misrouted);
        }
        let rt = &mut self.teams[team as usize];
        rt.busy -= 1;
        if rt.leaving > 0 {
            // This agent was due to leave for other duties once done. The duty clock's rates
            // changed, so its next toggle is drawn again (valid: it is memoryless).
            rt.leaving -= 1;
            rt.away += 1;
            self.reschedule_duty(team);
        }
        self.release_line(idx);
        let c = &mut self.contacts[idx as usize];
        if c.chase {
            // A chase is answered by its entry team and merged into the open incident.
            self.end_contact(idx, ContactEnd::Merged);
        } else if misrouted {
            // The wrong team sends it on to the right one: a reassignment.
            let next = c.target;
            c.target = NO_TEAM;
            c.transfers = c.transfers.saturating_add(1);
            self.enqueue(idx, next);
        } else {
            let route = tm.routes[c.ty as usize]
                .as_ref()
                .expect("validated: every reachable team has a route");
            match route.pick(unit(&mut c.rng)) {
                Outcome::Resolve => self.end_contact(idx, ContactEnd::Resolved),
                Outcome::Lose => self.end_contact(idx, ContactEnd::Lost),
                Outcome::Pass(to) => {
                    c.transfers = c.transfers.saturating_add(1);
                    let mut dest = to;
                    if let Some((acc, confused)) = &tm.triage
                        && unit(&mut c.rng) >= *acc
                    {
                        // A wrong team, uniformly among the others (no allocation).
                        let n = confused.iter().filter(|&&t| t != to).count();
                        if n > 0 {
                            let k = ((unit(&mut c.rng) * n as f64) as usize).min(n - 1);
                            dest = confused
                                .iter()
                                .copied()
                                .filter(|&t| t != to)
                                .nth(k)
                                .expect("k < n");
                            c.target = to;
                            c.misroutes = c.misroutes.saturating_add(1);
                        }
                    }
                    self.enqueue(idx, dest);
                }
            }
        }
        self.dispatch(team);
    }

    fn release_line(&mut self, idx: u32) {
        let c = &mut self.contacts[idx as usize];
        if c.holds_line {
            c.holds_line = false;
            self.channels[c.channel as usize].lines_busy -= 1;
        }
    }

    /// Free agents take waiting contacts: those left from closing first (in overtime, or at
    /// opening if any are still there), then the queue.
    fn dispatch(&mut self, team: u16) {
        loop {
            let contacts = &self.contacts;
            let rt = &mut self.teams[team as usize];
            let live = |w: Waiting| {
                let c = &contacts[w.contact as usize];
                c.vgen == w.vgen && c.state == State::Waiting && c.team == team
            };
            let w = if rt.overtime_queue.len() > 0 && (rt.free() > 0 || rt.overtime > rt.busy) {
                rt.overtime_queue.pop(live)
            } else if rt.free() > 0 {
                rt.queue.pop(live)
            } else {
                None
            };
            let Some(w) = w else { break };
            self.start_service(w.contact);
        }
        let rt = &mut self.teams[team as usize];
        if rt.overtime_queue.len() == 0 {
            // Overtime ends once every contact waiting at closing was answered or gave up.
            rt.overtime = 0;
        }
        self.team_changed(team);
    }

    /// The team closes (its roster drops to zero). Each contact still waiting for its entry
    /// team goes as its channel says: served in overtime by the agents on the floor, left to
    /// wait for opening, or disconnected.
    fn close_team(&mut self, team: u16) {
        let m = self.m;
        let now = self.now;
        let mut taken = std::mem::take(&mut self.scratch);
        taken.clear();
        let contacts = &self.contacts;
        let rt = &mut self.teams[team as usize];
        rt.queue.take(
            |w| {
                let c = &contacts[w.contact as usize];
                (c.vgen == w.vgen && c.state == State::Waiting && c.team == team).then(|| {
                    c.visits == 0 && m.channels[c.channel as usize].at_closing != AtClosing::Wait
                })
            },
            &mut taken,
        );
        for &w in &taken {
            let c = &mut self.contacts[w.contact as usize];
            match m.channels[c.channel as usize].at_closing {
                AtClosing::Serve => {
                    c.overtime = true;
                    let rt = &mut self.teams[team as usize];
                    rt.overtime_queue.push(w, c.priority);
                    // The agents on the floor stay on; if all were away, one stays.
                    rt.overtime = rt.available().max(1);
                }
                AtClosing::Disconnect(how) => {
                    c.queue_time += now - c.enqueued;
                    let end = match how {
                        Disconnected::Blocked => ContactEnd::Blocked,
                        Disconnected::Abandoned => {
                            if c.counted {
                                self.stats.abandoned_from(team);
                            }
                            ContactEnd::Abandoned
                        }
                    };
                    self.end_contact(w.contact, end);
                }
                AtClosing::Wait => unreachable!("waiting contacts stay in the queue"),
            }
        }
        self.scratch = taken;
    }

    fn on_patience(&mut self, idx: u32, vgen: u32) {
        let c = &mut self.contacts[idx as usize];
        if c.vgen != vgen || c.state != State::Waiting {
            return;
        }
        c.queue_time += self.now - c.enqueued;
        let (team, counted, overtime) = (c.team, c.counted, c.overtime);
        if counted {
            self.stats.abandoned_from(team);
        }
        let rt = &mut self.teams[team as usize];
        if overtime {
            rt.overtime_queue.forget_one();
        } else {
            rt.queue.forget_one();
        }
        self.team_changed(team);
        self.end_contact(idx, ContactEnd::Abandoned);
    }

    fn end_contact(&mut self, idx: u32, end: ContactEnd) {
        let m = self.m;
        self.release_line(idx);
        let c = &mut self.contacts[idx as usize];
        // A chase resolved by automation is merged too: the incident stays with its original.
        let end = if c.chase && end == ContactEnd::Resolved {
            ContactEnd::Merged
        } else {
            end
        };
        if c.counted {
            let ids = self.stats.scope_ids(c.channel, c.ty, c.priority);
            self.stats
                .contact_ended(ids, c.channel, end, c.arrival, self.now);
        }
        if let Some(trace) = &mut self.trace {
            trace.record(TraceRecord {
                incident: c.incident,
                attempt: c.attempt,
                channel: c.channel,
                ty: c.ty,
                priority: c.priority,
                arrival: c.arrival,
                answered: c.answered,
                end: self.now,
                outcome: end,
                last_team: c.team,
                transfers: c.transfers,
                misroutes: c.misroutes,
                chase: c.chase,
            });
        }
        if c.chase {
            // Its incident lives on in the original contact: no retry, no incident record.
            c.state = State::Free;
            self.free.push(idx);
            return;
        }
        if end != ContactEnd::Resolved
            && let Some(r) = &m.channels[c.channel as usize].retry
            && u32::from(c.attempt) < r.max_attempts
            && unit(&mut c.rng) < r.prob
        {
            let delay = r.delay.sample(&mut c.rng);
            c.state = State::PendingRetry;
            self.cal.schedule(self.now + delay, Event::Retry(idx));
            return;
        }
        self.end_incident(idx, end == ContactEnd::Resolved);
    }

    fn end_incident(&mut self, idx: u32, resolved: bool) {
        let c = &mut self.contacts[idx as usize];
        c.state = State::Free;
        if c.incident_counted {
            let record = IncidentRecord {
                first_response: (!c.incident_answered.is_nan())
                    .then_some(c.incident_answered - c.first_arrival),
                resolution: resolved.then_some(self.now - c.first_arrival),
                // Resolved on the first attempt, by automation or by the first team to handle it.
                first_contact: resolved && c.attempt == 1 && c.handled_visits <= 1,
                transfers: c.transfers,
                misroutes: c.misroutes,
                queue_time: c.queue_time,
            };
            let sla = self.m.sla[c.first_priority as usize];
            let ids = self
                .stats
                .scope_ids(c.first_channel, c.ty, c.first_priority);
            self.stats
                .incident_ended(ids, &record, (sla.response, sla.resolution));
        }
        self.free.push(idx);
    }

    fn on_retry(&mut self, idx: u32) {
        let m = self.m;
        let now = self.now;
        let c = &mut self.contacts[idx as usize];
        let retry = m.channels[c.channel as usize]
            .retry
            .as_ref()
            .expect("retries come from channels with retry");
        c.attempt = c.attempt.saturating_add(1);
        c.channel = retry.channel;
        if retry.raise_priority {
            c.priority = c.priority.saturating_sub(1);
        }
        c.arrival = now;
        c.answered = f64::NAN;
        c.visits = 0;
        c.target = NO_TEAM;
        let patience = m.channels[c.channel as usize]
            .patience
            .as_ref()
            .map_or(f64::INFINITY, |p| p.sample(&mut c.rng));
        c.deadline = now + patience;
        self.admit(idx);
    }

    /// Sets each team's staffing for the slot starting at `now`.
    fn staff(&mut self, now: f64) {
        let m = self.m;
        let slot = m.week_slot(now);
        for (i, tm) in m.teams.iter().enumerate() {
            let want = tm.agents[slot];
            if want == 0 && self.teams[i].scheduled > 0 {
                self.close_team(i as u16);
            }
            let rt = &mut self.teams[i];
            if want == rt.scheduled {
                continue;
            }
            if want > rt.scheduled {
                if rt.scheduled == 0 {
                    rt.overtime = 0;
                }
                // New agents are away on other duties with the stationary probability.
                for _ in rt.scheduled..want {
                    rt.away +=
                        u32::from(tm.availability < 1.0 && unit(&mut rt.rng) >= tm.availability);
                }
            } else {
                // Agents going off shift are a random pick of those rostered, away or not.
                for n in (want + 1..=rt.scheduled).rev() {
                    if rt.away > 0 && unit(&mut rt.rng) * f64::from(n) < f64::from(rt.away) {
                        rt.away -= 1;
                    }
                }
                rt.away = rt.away.min(want);
                rt.leaving = rt.leaving.min(want - rt.away);
            }
            rt.scheduled = want;
            self.reschedule_duty(i as u16);
            self.dispatch(i as u16);
        }
    }

    fn reschedule_duty(&mut self, team: u16) {
        let tm = &self.m.teams[team as usize];
        let rt = &mut self.teams[team as usize];
        rt.duty_version = rt.duty_version.wrapping_add(1);
        if tm.availability >= 1.0 || rt.scheduled == 0 {
            return;
        }
        let (leave, back) = rt.duty_rates(tm);
        let total = leave + back;
        if total > 0.0 {
            let dt = <Exp1 as Distribution<f64>>::sample(&Exp1, &mut rt.rng) / total;
            self.cal
                .schedule(self.now + dt, Event::Duty(team, rt.duty_version));
        }
    }

    fn on_duty(&mut self, team: u16, version: u32) {
        let tm = &self.m.teams[team as usize];
        let rt = &mut self.teams[team as usize];
        if version != rt.duty_version {
            return;
        }
        let (leave, back) = rt.duty_rates(tm);
        if unit(&mut rt.rng) * (leave + back) < leave {
            // An idle agent leaves now; a busy one once the current contact is done.
            if rt.free() > 0 {
                rt.away += 1;
            } else {
                rt.leaving += 1;
            }
        } else {
            rt.away = rt.away.saturating_sub(1);
        }
        self.reschedule_duty(team);
        self.dispatch(team);
    }

    fn on_tick(&mut self) {
        let m = self.m;
        let now = self.now;
        let spd = m.slots_per_day;
        let next_slot = ((now / m.interval).round() as usize + m.start_weekday * spd) % (7 * spd);
        self.stats.interval_boundary(now, m.interval, next_slot);
        self.staff(now);
        // Tick times are whole multiples of the interval, so they never drift.
        let next = ((now / m.interval).round() + 1.0) * m.interval;
        if next <= m.horizon + 1e-9 {
            self.cal.schedule(next, Event::Tick);
        }
    }

    fn team_changed(&mut self, team: u16) {
        let rt = &self.teams[team as usize];
        self.stats.team_state(
            team,
            self.now,
            rt.busy,
            rt.available(),
            rt.scheduled,
            rt.queue.len() + rt.overtime_queue.len(),
        );
    }

    fn finish(mut self) -> Result<RunOutput, Error> {
        let m = self.m;
        self.now = m.horizon;
        for t in 0..m.teams.len() {
            self.team_changed(t as u16);
        }
        let end = m.horizon;
        for c in &self.contacts {
            let open = matches!(
                c.state,
                State::Waiting | State::InService | State::SelfService
            );
            if open && c.counted {
                let ids = self.stats.scope_ids(c.channel, c.ty, c.priority);
                self.stats.contact_open_at_end(ids);
            }
            if matches!(c.state, State::Waiting | State::InService) && c.team != NO_TEAM {
                self.stats.team_open_at_end(c.team, end - c.enqueued);
            }
            // A chase's incident lives on in its original contact.
            if c.state != State::Free && c.incident_counted && !c.chase {
                let ids = self
                    .stats
                    .scope_ids(c.first_channel, c.ty, c.first_priority);
                let sla = m.sla[c.first_priority as usize];
                let first_response = (!c.incident_answered.is_nan())
                    .then_some(c.incident_answered - c.first_arrival);
                self.stats.incident_open_at_end(
                    ids,
                    end - c.first_arrival,
                    first_response,
                    (sla.response, sla.resolution),
                );
            }
        }
        check_conservation(m, &self.stats)?;
        Ok(RunOutput {
            collector: self.stats,
            trace: match self.trace {
                Some(Tracer::Keep(v)) => v,
                _ => Vec::new(),
            },
            events: self.events,
        })
    }
}

/// Events allowed at one instant: ten million, plus what recorded arrivals sharing a time
/// stamp may need.
fn stall_limit(m: &Model) -> u64 {
    let rows: usize = m
        .channels
        .iter()
        .map(|c| match &c.arrivals {
            ArrivalModel::Log(r) => r.len(),
            ArrivalModel::Rates(_) => 0,
        })
        .sum();
    10_000_000 + 100 * rows as u64 * bounds::attempts_per_incident(m) as u64
}

/// Every contact counted as arrived is resolved, abandoned, blocked, lost or still in the
/// system, on each channel and overall. A violation is a bug in the engine.
fn check_conservation(m: &Model, stats: &Collector) -> Result<(), Error> {
    for i in 0..=m.channels.len() {
        let s = stats.scope(i);
        let out = s.resolved + s.abandoned + s.blocked + s.lost + s.merged + s.in_system_end;
        if s.arrived != out {
            let what = if i == 0 {
                "overall".to_string()
            } else {
                format!("channel `{}`", m.channels[i - 1].name)
            };
            return Err(Error::Invariant(format!(
                "conservation violated for {what}: arrived {} but resolved {} + abandoned {} + blocked {} + lost {} + merged {} + in system {} = {out}",
                s.arrived, s.resolved, s.abandoned, s.blocked, s.lost, s.merged, s.in_system_end
            )));
        }
    }
    Ok(())
}
