//! A lean M/M/c event loop for plain models, built from tiersim's own parts: its random
//! streams (`Pcg64Mcg`, keyed as the engine keys them), the model's handling sampler, the
//! engine's event calendar ([`Calendar`]: a 4-ary heap with arrival lanes) and, when asked,
//! a statistics observer fed exactly the calls the real engine makes for such a model, in the
//! same order and with the same arguments. It measures the floor of an event's cost
//! (`benches/floor.rs`, `benches/floor.sh`); `tests/floor_loop.rs` checks it against the engine.
//!
//! It leaves out what the engine does on every event to protect a run (the runaway and stall
//! guards, the cap on contacts in the system, the trace switch): a few instructions each.
//!
//! A plain model: one channel with a constant Poisson rate, no patience, lines, retries,
//! chases, forgetting, self-service or callbacks; one team with a constant roster, every agent
//! available, no wrap-up, concurrency, escalation or triage, every contact resolved after one
//! visit; one incident type and one priority; no incident streams, feeds, urgency rule, SLA
//! targets, pauses or reopening; exponential handling and fewer Erlangs offered than agents (an
//! M/M/c that Erlang C describes). [`Plain::of`] says which condition a model breaks.

use rand::Rng;
use rand_distr::{Distribution, Exp1};
use rand_pcg::Pcg64Mcg;
use statrs::distribution::{ContinuousCDF, StudentsT};
use std::collections::VecDeque;
use tiersim::analytic::ErlangC;
use tiersim::engine::{
    ArrivalGen, Calendar, ContactKey, Event, Observer, PoolLoad, Purpose, contact_stream, stream,
};
use tiersim::model::{
    ArrivalModel, Categorical, ChannelId, Model, Outcome, PoolId, Record, Sampler, SlaModel,
    TeamId, TypeId, unit,
};
use tiersim::stats::{ClockTimes, Collector, ContactEnd, IncidentRecord, Kpi, Scope, estimate};

/// Which random draws a contact makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Draws {
    /// Only what an M/M/c needs: the arrival gap, the contact's own stream (seeded from two
    /// words of the channel's demand stream, as the engine seeds it) and its handling time.
    Minimal,
    /// Every draw the engine makes for a plain model, in its order: the demand stream's type
    /// and priority draws, the contact's forget and self-service draws and its route draw,
    /// and a fresh arrival gap at each interval boundary. The streams, and so every result,
    /// are then the engine's.
    Engine,
}

/// What the loop needs of a plain model (see the module's documentation).
#[derive(Clone, Debug)]
pub struct Plain {
    /// Arrivals per second.
    rate: f64,
    agents: u32,
    handling: Sampler,
    key: ContactKey,
    team: TeamId,
    pool: PoolId,
    sla: SlaModel,
    interval: f64,
    slots_per_day: usize,
    start_weekday: usize,
    warmup: f64,
    horizon: f64,
    stream_key: u64,
}

/// The one category of `mix` with probability 1, if it has one.
fn sure(mix: &Categorical) -> Option<usize> {
    (0..mix.len()).find(|&i| mix.prob(i) == 1.0)
}

/// `Ok(())` if `ok`, else why the model is not plain.
fn need(ok: bool, what: &str) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(format!("not a plain M/M/c model: {what}"))
    }
}

impl Plain {
    /// The plain model `m` is, or the first condition it breaks.
    pub fn of(m: &Model) -> Result<Plain, String> {
        need(m.channels.len() == 1, "exactly one channel")?;
        need(m.teams.len() == 1, "exactly one team")?;
        need(m.shared_pools.is_empty(), "no shared pools")?;
        need(m.streams.is_empty(), "no incident streams")?;
        need(m.feeds.is_empty(), "no mention or monitoring feeds")?;
        need(m.urgency.is_none(), "no urgency rule")?;
        need(m.types.len() == 1, "one incident type")?;
        let (ch, tm) = (&m.channels[0], &m.teams[0]);
        let rate = match &ch.arrivals {
            ArrivalModel::Rates(r) if r.iter().all(|&x| x == r[0] && x > 0.0) => r[0],
            _ => return Err("not a plain M/M/c model: a constant Poisson rate".into()),
        };
        need(ch.type_mix.len() == 1, "one incident type on the channel")?;
        let ty = TypeId::at(0);
        let priority = match m.cases.priority(ty, 0.5) {
            Some(_) => None,
            None => sure(&ch.priority_mix),
        }
        .ok_or("not a plain M/M/c model: one priority")?;
        // Open around the clock: nobody is turned away after hours.
        need(m.open.iter().all(|&o| o), "always open")?;
        need(
            ch.lines.is_none() && ch.patience.is_none(),
            "no lines, no patience",
        )?;
        need(
            ch.retry.is_none() && ch.chase.is_none() && ch.callback.is_none(),
            "no retries, chases or callbacks",
        )?;
        need(
            ch.forget == 0.0 && ch.self_service.iter().all(|&s| s == 0.0),
            "no forgetting, no self-service",
        )?;
        need(ch.misentry.is_none(), "no misrouting on entry")?;
        let team = TeamId::at(0);
        need(ch.entry[0] == team, "the channel enters the team")?;
        let agents = tm.agents[0];
        need(
            agents > 0 && tm.agents.iter().all(|&a| a == agents) && tm.temporary.is_empty(),
            "a constant roster",
        )?;
        need(tm.availability >= 1.0, "every agent available")?;
        need(
            tm.wrap_up[0].is_none() && tm.concurrency.is_empty() && tm.escalate.is_none(),
            "no wrap-up, concurrency or escalation",
        )?;
        need(
            tm.blend.is_none() && tm.triage.is_none(),
            "no blending, no triage",
        )?;
        let handling = tm.handling[0]
            .clone()
            .ok_or("not a plain M/M/c model: the team handles the type")?;
        need(
            matches!(handling, Sampler::Exp { .. }),
            "exponential handling (Erlang C is checked against it)",
        )?;
        need(
            rate * handling.mean() < f64::from(agents),
            "fewer Erlangs offered than agents (a queue that does not grow without end)",
        )?;
        let route = tm.routes[0]
            .as_ref()
            .ok_or("not a plain M/M/c model: a route")?;
        need(
            sure(&route.dist).map(|i| route.outcomes[i]) == Some(Outcome::Resolve),
            "every contact resolved after one visit",
        )?;
        let pool = PoolId::at(0);
        need(
            m.servers[0] == [(pool, 1.0)] && m.concurrency(pool).is_empty(),
            "the team's own pool serves it alone, at proficiency 1",
        )?;
        need(
            m.cases.pause(ty).is_none() && m.cases.reopen(team, ty).is_none(),
            "no pauses, no reopening",
        )?;
        let (sla, _) = m.cases.sla(ty, priority as u8, ChannelId::at(0));
        need(
            sla.response.is_none() && sla.resolution.is_none(),
            "no SLA targets",
        )?;
        Ok(Plain {
            rate,
            agents,
            handling,
            key: ContactKey {
                channel: ChannelId::at(0),
                ty,
                priority: priority as u8,
                segment: Record::NONE.segment,
            },
            team,
            pool,
            sla,
            interval: m.interval,
            slots_per_day: m.slots_per_day,
            start_weekday: m.start_weekday,
            warmup: m.warmup,
            horizon: m.horizon,
            stream_key: ch.stream_key,
        })
    }

    /// Arrivals per second.
    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// Agents on the floor.
    pub fn agents(&self) -> u32 {
        self.agents
    }

    /// Mean handling time, seconds.
    pub fn mean_handling(&self) -> f64 {
        self.handling.mean()
    }
}

/// What a finished run hands back.
pub struct Done<O> {
    pub observer: O,
    /// Events processed (arrivals, service ends, interval ticks), counted as the engine counts.
    pub events: u64,
}

/// An observer that keeps nothing: the loop with it is the bare event loop (the calls and the
/// arguments only they need are compiled away).
pub struct Bare;

impl Observer for Bare {
    fn arrived(&mut self, _: ContactKey, _: bool) {}
    fn entered(&mut self, _: TeamId, _: ContactKey, _: bool, _: f64) {}
    fn answered(&mut self, _: ContactKey, _: f64, _: f64) {}
    fn contact_ended(&mut self, _: ContactKey, _: ContactEnd, _: f64, _: f64) {}
    fn incident_ended(&mut self, _: ContactKey, _: &IncidentRecord, _: SlaModel) {}
    fn contact_open_at_end(&mut self, _: ContactKey) {}
    fn team_open_at_end(&mut self, _: TeamId, _: f64) {}
    fn incident_open_at_end(&mut self, _: ContactKey, _: f64, _: Option<f64>, _: SlaModel) {}
    fn visit_started(&mut self, _: TeamId, _: PoolId, _: ChannelId, _: f64) {}
    fn served_type(&mut self, _: PoolId, _: TypeId) {}
    fn agent_worked(&mut self, _: PoolId, _: u32, _: f64, _: f64) {}
    fn pool_agents(&mut self, _: PoolId, _: u32) {}
    fn abandoned_from(&mut self, _: TeamId) {}
    fn handled(&mut self, _: TeamId, _: bool) {}
    fn team_state(&mut self, _: TeamId, _: f64, _: PoolLoad, _: u32) {}
    fn pool_state(&mut self, _: PoolId, _: f64, _: PoolLoad) {}
    fn wants_pool_state(&self, _: PoolId) -> bool {
        false
    }
    fn interval_boundary(&mut self, _: f64, _: f64, _: usize) {}
    fn deflected(&mut self, _: ContactKey, _: bool) {}
    fn reopened(&mut self, _: ContactKey) {}
    fn sla_clock(&mut self, _: ContactKey, _: &ClockTimes, _: SlaModel) {}
}

/// Where a contact is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Free,
    /// Waiting or in service: the engine's finish counts both alike.
    Open,
}

/// One contact (a slot of the slab, reused once its incident ended).
#[derive(Clone, Debug)]
struct Contact {
    /// Its own stream (handling time; with [`Draws::Engine`], also its other draws).
    rng: Pcg64Mcg,
    arrival: f64,
    /// When an agent took it (NaN until then).
    answered: f64,
    agent: u32,
    state: State,
    /// Arrived after the warm-up.
    counted: bool,
}

struct Floor<'p, O: Observer> {
    p: &'p Plain,
    cal: Calendar,
    arrivals: Pcg64Mcg,
    demand: Pcg64Mcg,
    /// With [`Draws::Engine`]: the engine's own arrival generator (a fresh gap at each
    /// interval boundary).
    arrivals_gen: ArrivalGen,
    m: &'p Model,
    contacts: Vec<Contact>,
    free: Vec<u32>,
    queue: VecDeque<u32>,
    /// Free agents, idle longest first.
    idle: VecDeque<u32>,
    /// Per agent: busy or not, and since when.
    busy: Vec<bool>,
    since: Vec<f64>,
    n_busy: u32,
    pool_state_wanted: bool,
    stats: O,
    now: f64,
    events: u64,
}

/// Runs replication `rep` of plain model `p` with `seed`, reporting to `stats`.
pub fn run<O: Observer>(
    m: &Model,
    p: &Plain,
    seed: u64,
    rep: u64,
    draws: Draws,
    stats: O,
) -> Done<O> {
    let mut f = Floor {
        p,
        cal: Calendar::with_capacity(1024),
        arrivals: stream(seed, rep, Purpose::Arrivals, p.stream_key),
        demand: stream(seed, rep, Purpose::Demand, p.stream_key),
        arrivals_gen: ArrivalGen::new(seed, rep, p.stream_key),
        m,
        contacts: Vec::with_capacity(1024),
        free: Vec::new(),
        queue: VecDeque::new(),
        idle: VecDeque::new(),
        busy: Vec::new(),
        since: Vec::new(),
        n_busy: 0,
        pool_state_wanted: stats.wants_pool_state(p.pool),
        stats,
        now: 0.0,
        events: 0,
    };
    match draws {
        Draws::Minimal => f.run::<false>(),
        Draws::Engine => f.run::<true>(),
    }
    f.finish();
    Done {
        observer: f.stats,
        events: f.events,
    }
}

impl<O: Observer> Floor<'_, O> {
    /// The event loop; `ENGINE` is `draws == Draws::Engine`, fixed at compile time.
    fn run<const ENGINE: bool>(&mut self) {
        let p = self.p;
        self.schedule_arrival::<ENGINE>(0.0);
        // The roster at time zero: every agent free, in order.
        for a in 0..p.agents {
            self.idle.push_back(a);
        }
        self.busy = vec![false; p.agents as usize];
        self.since = vec![0.0; p.agents as usize];
        self.team_changed();
        self.pool_changed();
        self.cal.schedule(p.interval, Event::Tick);
        while let Some((t, ev)) = self.cal.pop() {
            if t > p.horizon {
                break;
            }
            self.now = t;
            self.events += 1;
            match ev {
                Event::Arrival(_) => self.on_arrival::<ENGINE>(),
                Event::ServiceEnd(c) => self.on_service_end::<ENGINE>(c),
                Event::Tick => self.on_tick(),
                _ => unreachable!("a plain model has no {ev:?}"),
            }
        }
    }

    /// Schedules the channel's next arrival after `t`, if before the horizon.
    #[inline(always)]
    fn schedule_arrival<const ENGINE: bool>(&mut self, t: f64) {
        let p = self.p;
        let horizon = p.horizon;
        if !ENGINE {
            let next = t + <Exp1 as Distribution<f64>>::sample(&Exp1, &mut self.arrivals) / p.rate;
            if next < horizon {
                self.cal.schedule(next, Event::Arrival(p.key.channel));
            }
            return;
        }
        let m = self.m;
        if let Some((next, _)) = self.arrivals_gen.next(m, &m.channels[0].arrivals, t) {
            self.cal.schedule(next, Event::Arrival(p.key.channel));
        }
    }

    /// A free slot of the slab (reused, or a new one).
    #[inline]
    fn slot(&mut self) -> u32 {
        if let Some(i) = self.free.pop() {
            return i;
        }
        self.contacts.push(Contact {
            rng: Pcg64Mcg::new(0),
            arrival: 0.0,
            answered: f64::NAN,
            agent: u32::MAX,
            state: State::Free,
            counted: false,
        });
        (self.contacts.len() - 1) as u32
    }

    /// A contact arrives: placed, the next arrival scheduled, counted, and taken by an idle
    /// agent or queued (the engine's `on_arrival`, `open_incident`, `admit`, `enqueue`).
    #[inline]
    fn on_arrival<const ENGINE: bool>(&mut self) {
        let p = self.p;
        let now = self.now;
        let d = &mut self.demand;
        if ENGINE {
            // Type and priority: a plain model has one of each, whatever the draws.
            let _ = (unit(d), unit(d));
        }
        let (s1, s2) = (d.next_u64(), d.next_u64());
        let counted = now >= p.warmup;
        let idx = self.slot();
        self.contacts[idx as usize] = Contact {
            rng: contact_stream(s1, s2),
            arrival: now,
            answered: f64::NAN,
            agent: u32::MAX,
            state: State::Open,
            counted,
        };
        self.schedule_arrival::<ENGINE>(now);
        if ENGINE {
            // Forgetting and self-service: never, in a plain model.
            let c = &mut self.contacts[idx as usize];
            let _ = (unit(&mut c.rng), unit(&mut c.rng));
        }
        if counted {
            self.stats.arrived(p.key, false);
            self.stats.entered(p.team, p.key, true, now);
        }
        if !self.idle.is_empty() && self.queue.is_empty() {
            self.start_service(idx);
            self.team_changed();
            self.pool_changed();
        } else {
            // An agent is never idle while a contact waits (the engine would dispatch).
            debug_assert!(self.idle.is_empty());
            self.queue.push_back(idx);
            self.team_changed();
        }
    }

    /// The idle agent idle longest takes contact `idx` (the engine's `start_service`).
    #[inline(always)]
    fn start_service(&mut self, idx: u32) {
        let p = self.p;
        let now = self.now;
        let c = &mut self.contacts[idx as usize];
        let waited = now - c.arrival;
        c.answered = now;
        let handling = p.handling.sample(&mut c.rng);
        if c.counted {
            let response = now - c.arrival;
            self.stats
                .visit_started(p.team, p.pool, p.key.channel, waited);
            self.stats.served_type(p.pool, p.key.ty);
            self.stats.answered(p.key, response, now - response);
        }
        let a = self.idle.pop_front().expect("an idle agent");
        c.agent = a;
        self.busy[a as usize] = true;
        self.since[a as usize] = now;
        self.n_busy += 1;
        self.cal.schedule(now + handling, Event::ServiceEnd(idx));
    }

    /// Contact `idx`'s handling ends: its agent is freed, it is resolved and its incident
    /// ends, and the freed agent takes the head of the queue (the engine's `on_service_end`,
    /// `free_agent`, `end_contact`, `end_incident`, `dispatch`).
    #[inline]
    fn on_service_end<const ENGINE: bool>(&mut self, idx: u32) {
        let p = self.p;
        let now = self.now;
        let c = &mut self.contacts[idx as usize];
        if c.counted {
            self.stats.handled(p.team, false);
        }
        let a = c.agent;
        self.stats
            .agent_worked(p.pool, a, self.since[a as usize], now);
        self.busy[a as usize] = false;
        self.since[a as usize] = now;
        self.n_busy -= 1;
        self.idle.push_back(a);
        if ENGINE {
            // The route: resolved, in a plain model.
            let _ = unit(&mut c.rng);
        }
        c.state = State::Free;
        if c.counted {
            self.stats
                .contact_ended(p.key, ContactEnd::Resolved, c.arrival, now);
            // One attempt, one visit: the contact's times are the incident's.
            let record = IncidentRecord {
                first_response: Some(c.answered - c.arrival),
                resolution: Some(now - c.arrival),
                first_contact: true,
                transfers: 0,
                misroutes: 0,
                queue_time: c.answered - c.arrival,
                deflected: false,
            };
            self.stats.incident_ended(p.key, &record, p.sla);
        }
        self.free.push(idx);
        if let Some(next) = self.queue.pop_front() {
            self.start_service(next);
        }
        self.team_changed();
        self.pool_changed();
    }

    /// An interval ends: statistics close it; the roster stays (the engine's `on_tick`).
    fn on_tick(&mut self) {
        let p = self.p;
        let now = self.now;
        let spd = p.slots_per_day;
        let next_slot = ((now / p.interval).round() as usize + p.start_weekday * spd) % (7 * spd);
        self.stats.interval_boundary(now, p.interval, next_slot);
        let next = ((now / p.interval).round() + 1.0) * p.interval;
        if next <= p.horizon + 1e-9 {
            self.cal.schedule(next, Event::Tick);
        }
    }

    /// The team's load, reported.
    #[inline(always)]
    fn team_changed(&mut self) {
        let load = self.load();
        self.stats
            .team_state(self.p.team, self.now, load, self.queue.len() as u32);
    }

    /// The pool's load, reported if the observer wants it.
    #[inline(always)]
    fn pool_changed(&mut self) {
        if self.pool_state_wanted {
            let load = self.load();
            self.stats.pool_state(self.p.pool, self.now, load);
        }
    }

    #[inline(always)]
    fn load(&self) -> PoolLoad {
        PoolLoad {
            busy: self.n_busy,
            available: self.p.agents,
            scheduled: self.p.agents,
            held: self.n_busy,
        }
    }

    /// The run ends at the horizon: loads and work in progress reported, then the contacts
    /// and incidents still open (the engine's `finish`).
    fn finish(&mut self) {
        let p = self.p;
        let end = p.horizon;
        self.now = end;
        self.team_changed();
        self.pool_changed();
        for a in 0..p.agents {
            if self.busy[a as usize] {
                self.stats
                    .agent_worked(p.pool, a, self.since[a as usize], end);
            }
        }
        self.stats.pool_agents(p.pool, p.agents);
        self.stats.run_ended();
        for c in &self.contacts {
            if c.state == State::Free || !c.counted {
                continue;
            }
            self.stats.contact_open_at_end(p.key);
            self.stats.team_open_at_end(p.team, end - c.arrival);
            let first_response = (!c.answered.is_nan()).then_some(c.answered - c.arrival);
            self.stats
                .incident_open_at_end(p.key, end - c.arrival, first_response, p.sla);
        }
    }
}

/// Mean wait (s) and service level at the first threshold, overall, and the team's
/// utilisation.
pub fn headline(c: &Collector, m: &Model) -> [f64; 3] {
    let mut out = [f64::NAN; 3];
    c.kpis(m, |k, s, v| match (k, s) {
        (Kpi::ResponseMean, Scope::Overall) => out[0] = v,
        (Kpi::ServiceLevel(0), Scope::Overall) => out[1] = v,
        (Kpi::Utilisation, Scope::Team(0)) => out[2] = v,
        _ => {}
    });
    out
}

/// Erlang C's values of [`headline`].
pub fn erlang_c(m: &Model, p: &Plain) -> [f64; 3] {
    let q = ErlangC {
        arrival_rate: p.rate(),
        mean_service: p.mean_handling(),
        servers: p.agents(),
    };
    [
        q.mean_wait(),
        q.service_level(m.thresholds[0]),
        q.occupancy(),
    ]
}

/// One headline KPI over replications, beside Erlang C.
pub struct Agreement {
    pub name: String,
    pub mean: f64,
    /// Half the width of the 95% interval.
    pub half_width: f64,
    pub analytic: f64,
    /// How far the mean is from Erlang C's value, in standard errors of the mean.
    pub standard_errors: f64,
    /// The most standard errors [`Self::ok`] accepts.
    pub limit: f64,
}

impl Agreement {
    /// Within `limit` standard errors of the mean: the two-sided 1 - 1/10,000 quantile of
    /// Student's t with one degree of freedom fewer than the replications. Replications are
    /// independent and, over many days (the queue forgets its past within hours at this
    /// load), their values are nearly normal, so a correct loop fails a KPI about once in
    /// 10,000 checks (three KPIs: once in 3,300). With 20 replications the limit is 4.9
    /// standard errors; with 8, 7.9.
    pub fn ok(&self) -> bool {
        self.standard_errors <= self.limit
    }
}

/// The limit of [`Agreement::ok`] for `reps` replications (at least 2).
fn t_limit(reps: usize) -> f64 {
    let t = StudentsT::new(0.0, 1.0, (reps - 1) as f64).expect("at least 2 replications");
    t.inverse_cdf(1.0 - 0.5e-4)
}

/// The headline KPIs of `reps` replications of `p` with statistics and minimal draws,
/// beside Erlang C's values.
pub fn agreement(m: &Model, p: &Plain, seed: u64, reps: usize) -> Vec<Agreement> {
    let runs: Vec<[f64; 3]> = (0..reps as u64)
        .map(|rep| {
            headline(
                &run(m, p, seed, rep, Draws::Minimal, Collector::new(m)).observer,
                m,
            )
        })
        .collect();
    let names = [
        "mean wait (s)".to_string(),
        format!("service level {} s", m.thresholds[0]),
        "utilisation".to_string(),
    ];
    let analytic = erlang_c(m, p);
    names
        .into_iter()
        .enumerate()
        .map(|(i, name)| {
            let e = estimate(runs.iter().map(|r| r[i]));
            let se = e.sd / (e.n as f64).sqrt();
            Agreement {
                name,
                mean: e.mean,
                half_width: e.hi - e.mean,
                analytic: analytic[i],
                standard_errors: (e.mean - analytic[i]).abs() / se,
                limit: t_limit(reps),
            }
        })
        .collect()
}
