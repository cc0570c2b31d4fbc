//! One replication: the simulator's state and its event loop. What each event does lives in
//! the child modules, by concern: `arrive` (arrivals, chases, retries, admission on a
//! channel), `serve` (queues, agents taking and finishing contacts, patience), `outcome`
//! (how contact attempts and incidents end) and `shift` (rosters, closing time, other duties,
//! interval ticks, pool load reported to the observer).

mod arrive;
mod blend;
mod callback;
mod cases;
mod concurrent;
mod escalate;
mod omni;
mod outcome;
mod serve;
mod shift;

use super::arrivals::ArrivalGen;
use super::calendar::{Calendar, Event};
use super::contact::{Contact, NO_TEAM, State};
use super::observe::{ContactKey, Observer};
use super::pool::{AgentId, AgentState, Pool};
use super::queue::{TeamQueue, Waiting};
use super::streams::{Purpose, stream};
use super::{RunOptions, TraceRecord};
use crate::error::Error;
use crate::model::{ArrivalModel, ChannelId, Model, PoolId, QueueId, StreamId, TeamId, bounds};
use crate::scenario::Discipline;
use rand::Rng;
use rand_pcg::Pcg64Mcg;

/// Where new incidents come from: a channel's own arrivals, or an incident stream.
#[derive(Clone, Copy, Debug)]
enum Source {
    Channel(ChannelId),
    Stream(StreamId),
}

struct ChannelRt {
    arrivals: ArrivalGen,
    demand: Pcg64Mcg,
    lines_busy: u32,
    pending_row: Option<usize>,
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

/// An incident stream's state: its arrival times, the seed its incidents' draws are keyed
/// by, and how many incidents it has produced.
struct StreamRt {
    arrivals: ArrivalGen,
    key: u64,
    pending_row: Option<usize>,
    count: u64,
}

/// What a finished run hands back: the observer, the trace, the number of events.
pub(super) struct Finished<O> {
    pub observer: O,
    pub trace: Vec<TraceRecord>,
    pub events: u64,
}

pub(super) struct Sim<'m, O: Observer> {
    m: &'m Model,
    cal: Calendar,
    contacts: Vec<Contact>,
    free: Vec<u32>,
    /// Waiting lines, by [`QueueId`].
    queues: Vec<TeamQueue>,
    /// Per queue: contacts that were waiting when its team closed, served in overtime.
    overtime: Vec<TeamQueue>,
    /// Agents, by [`PoolId`].
    pools: Vec<Pool>,
    channels: Vec<ChannelRt>,
    streams: Vec<StreamRt>,
    stats: O,
    trace: Option<Tracer<'m>>,
    now: f64,
    next_incident: u64,
    events: u64,
    /// The guard against runs that never end: events allowed in all, events allowed at one
    /// instant, and events at the current instant so far. Checking them costs one comparison
    /// per event; a reason set elsewhere (too many contacts) drops `event_limit` to zero.
    event_limit: u64,
    stall_limit: u64,
    same_instant: u64,
    stop_reason: Option<String>,
    /// Reused buffer for the queue entries a closing team hands over.
    scratch: Vec<Waiting>,
    /// Seeds the callback draws (acceptance, reaching the customer), keyed per incident.
    callback_key: u64,
    /// Mention and monitoring feeds, and the prevention credits of proactive cases.
    omni: omni::OmniRt,
    /// Per pool: whether the observer wants its load changes ([`Observer::wants_pool_state`]).
    pool_state_wanted: Vec<bool>,
    /// Whether the week has closed hours at all (else nobody is turned away after hours,
    /// and admission looks up no slot).
    closes: bool,
}

impl<'m, O: Observer> Sim<'m, O> {
    pub(super) fn new(m: &'m Model, seed: u64, rep: u64, opts: &RunOptions, stats: O) -> Self {
        // Queue i is team i's; pool i is team i's own, shared pools follow.
        let queues = m
            .teams
            .iter()
            .map(|t| TeamQueue::new(t.discipline == Discipline::Priority))
            .collect();
        let overtime = m
            .teams
            .iter()
            .map(|t| TeamQueue::new(t.discipline == Discipline::Priority))
            .collect();
        let pools = m
            .teams
            .iter()
            .map(|t| t.stream_key)
            .chain(m.shared_pools.iter().map(|p| p.stream_key))
            .enumerate()
            .map(|(i, key)| {
                Pool::new(stream(seed, rep, Purpose::Organisation, key))
                    .with_concurrency(m.concurrency(PoolId::at(i)))
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
            queues,
            overtime,
            pools,
            channels,
            streams,
            trace: opts.trace.then(|| Tracer::Keep(Vec::new())),
            now: 0.0,
            next_incident: 0,
            events: 0,
            event_limit: bounds::event_limit(m),
            stall_limit: stall_limit(m),
            same_instant: 0,
            stop_reason: None,
            scratch: Vec::new(),
            callback_key: callback::key(seed, rep),
            omni: omni::OmniRt::new(m, seed, rep),
            pool_state_wanted: (0..m.n_pools())
                .map(|p| stats.wants_pool_state(PoolId::at(p)))
                .collect(),
            closes: m.open.contains(&false),
            stats,
        }
    }

    /// Sends every trace record to `sink` instead of keeping them.
    pub(super) fn with_sink(mut self, sink: &'m mut dyn FnMut(&TraceRecord)) -> Self {
        self.trace = Some(Tracer::Sink(sink));
        self
    }

    /// Why the guard stopped the run, at the current time.
    #[cold]
    #[inline(never)]
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

    pub(super) fn run(mut self) -> Result<Finished<O>, Error> {
        let m = self.m;
        for ch in 0..m.channels.len() {
            self.schedule_arrival(Source::Channel(ChannelId::at(ch)), 0.0);
        }
        for st in 0..m.streams.len() {
            self.schedule_arrival(Source::Stream(StreamId::at(st)), 0.0);
        }
        self.start_feeds();
        self.staff(0.0);
        self.cal.schedule(m.interval, Event::Tick);
        while let Some((t, ev)) = self.cal.pop() {
            if t > m.horizon {
                break;
            }
            let same = t == self.now;
            self.now = t;
            self.events += 1;
            // The stall limit is checked only when the clock did not move.
            if same {
                self.same_instant += 1;
                if self.same_instant >= self.stall_limit {
                    return Err(self.runaway());
                }
            } else {
                self.same_instant = 0;
            }
            if self.events > self.event_limit {
                return Err(self.runaway());
            }
            match ev {
                Event::Arrival(ch) => self.on_arrival(ch),
                Event::Incident(st) => self.on_incident(st),
                Event::Retry(c) => self.on_retry(c),
                Event::ServiceEnd(c) => self.on_service_end(c),
                Event::Patience(c, vgen) => self.on_patience(c, vgen),
                Event::SelfServiceEnd(c) => self.end_deflected(c),
                Event::Resume(c) => self.on_resume(c),
                Event::Reopen(c) => self.on_reopen(c),
                Event::Chase(c, tag) => self.on_chase(c, tag),
                Event::Tick => self.on_tick(),
                Event::Duty(pool, version) => self.on_duty(pool, version),
                Event::Overflow(c, vgen) => self.on_overflow(c, vgen),
                Event::WrapUpEnd(pool, agent) => self.on_wrap_up_end(pool, AgentId(agent)),
                Event::ConcurrentEnd(c, version) => self.on_concurrent_end(c, version),
                Event::CallbackDialEnd(c) => self.on_dial_end(c),
                Event::CallbackRetry(c) => self.on_callback_retry(c),
                Event::Escalate(c, vgen) => self.on_escalate(c, vgen),
                Event::Feed(f) => self.on_feed(f),
            }
        }
        Ok(self.finish())
    }

    #[inline]
    fn queue(&mut self, q: QueueId) -> &mut TeamQueue {
        &mut self.queues[q.index()]
    }

    #[inline]
    fn pool(&mut self, p: PoolId) -> &mut Pool {
        &mut self.pools[p.index()]
    }

    /// What contact `c` is counted under.
    #[inline]
    fn key(c: &Contact) -> ContactKey {
        ContactKey {
            channel: c.channel,
            ty: c.ty,
            priority: c.priority,
            segment: c.record.segment,
        }
    }

    /// What contact `c`'s incident is counted under (its first contact's channel and priority).
    #[inline]
    fn incident_key(c: &Contact) -> ContactKey {
        ContactKey {
            channel: c.first_channel,
            ty: c.ty,
            priority: c.first_priority,
            segment: c.record.segment,
        }
    }

    fn finish(mut self) -> Finished<O> {
        let m = self.m;
        self.now = m.horizon;
        for t in 0..m.teams.len() {
            self.team_changed(TeamId::at(t));
        }
        for p in 0..m.n_pools() {
            let pool = PoolId::at(p);
            self.pool_changed(pool);
            // Work in progress at the end counts up to the end.
            let agents = self.pools[p].agents();
            for (a, ag) in agents.iter().enumerate() {
                if matches!(ag.state, AgentState::Busy | AgentState::WrapUp) {
                    self.stats.agent_worked(pool, a as u32, ag.since, self.now);
                }
            }
            self.stats.pool_agents(pool, agents.len() as u32);
        }
        self.stats.run_ended();
        let end = m.horizon;
        for c in &self.contacts {
            // A contact in self-service was deflected: never counted as arrived.
            let open = matches!(c.state, State::Waiting | State::InService);
            if open && c.counted {
                self.stats.contact_open_at_end(Self::key(c));
            }
            if c.counted
                && matches!(c.state, State::Waiting | State::InService)
                && c.team != NO_TEAM
            {
                self.stats.team_open_at_end(c.team, end - c.enqueued);
            }
            // A chase's incident lives on in its original contact.
            if c.state != State::Free && c.incident_counted && !c.chase {
                let first_response = (!c.incident_answered.is_nan())
                    .then_some(c.incident_answered - c.first_arrival);
                let (sla, clock) = m.cases.sla(c.ty, c.first_priority, c.first_channel);
                self.stats.incident_open_at_end(
                    Self::incident_key(c),
                    end - c.first_arrival,
                    first_response,
                    sla,
                );
                if sla.response.is_some() || sla.resolution.is_some() {
                    let times = cases::clock_times(c, clock, None, end);
                    self.stats.sla_clock(Self::incident_key(c), &times, sla);
                }
            }
        }
        Finished {
            observer: self.stats,
            trace: match self.trace {
                Some(Tracer::Keep(v)) => v,
                _ => Vec::new(),
            },
            events: self.events,
        }
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
