//! Callbacks (virtual hold). On arrival, a caller whose expected wait exceeds the channel's
//! threshold is offered a callback; one who accepts hangs up (the phone line is freed, its
//! patience no longer runs) and keeps its place in the queue. When an agent takes it, the agent
//! calls back: a call that reaches the customer becomes the contact's service, as if answered
//! then; one that does not costs the agent `dial` and is tried again `retry_after` later, from
//! the back of the queue, until `max_tries` calls have failed and the contact ends as lost.
//!
//! **Expected wait on arrival** (the estimate the offer is judged on): zero when an agent of
//! a pool serving the entry team's queue is free and nobody waits there; otherwise
//! (contacts waiting in that queue + 1) x the team's mean handling time for the contact's type
//! / agents available in the pools serving the queue (rostered and not on other duties;
//! infinite when none is). It is the mean wait of the arriving caller in an M/M/c queue with
//! every agent busy.
//!
//! The acceptance and reach draws come from a stream keyed by (seed, replication, incident,
//! attempt, call), never from the contact's own stream: the handling times and routes drawn
//! for a contact are the same whether or not it took a callback.

use super::super::calendar::Event;
use super::super::contact::State;
use super::super::observe::Observer;
use super::super::routing;
use super::super::streams::{Purpose, contact_stream, stream};
use super::Sim;
use crate::hash::fnv1a;
use crate::model::{PoolId, TeamId, TypeId, unit};
use crate::stats::ContactEnd;
use rand::Rng;

/// The key of a replication's callback draws (salted, so that no channel name's stream,
/// keyed by the plain hash of its name, can coincide with it).
pub(super) fn key(seed: u64, rep: u64) -> u64 {
    let salt = 0x6a09_e667_f3bc_c908;
    stream(seed, rep, Purpose::Demand, fnv1a(b"callback") ^ salt).next_u64()
}

impl<O: Observer> Sim<'_, O> {
    /// A uniform draw for contact `idx`'s callback: `call` 0 is the acceptance, `k` the k-th
    /// call back.
    fn callback_unit(&self, idx: u32, call: u8) -> f64 {
        let c = &self.contacts[idx as usize];
        let which = (u64::from(c.attempt) << 8) | u64::from(call);
        // Both words vary with the call: streams sharing their high word give correlated
        // first draws (measured: P(second call fails | accepted) 0.353 instead of 0.4).
        unit(&mut contact_stream(
            self.callback_key ^ c.incident ^ which.wrapping_mul(0x9e37_79b9_7f4a_7c15),
            c.incident ^ which.rotate_left(32),
        ))
    }

    /// The expected wait of a contact of type `ty` joining `team`'s queue now (see the module
    /// documentation), in seconds.
    pub(super) fn expected_wait(&self, team: TeamId, ty: TypeId) -> f64 {
        let m = self.m;
        let q = routing::queue_of(team);
        // At a blending team a live caller waits only behind live contacts: deferred ones
        // (in their own lanes) are not ahead of it.
        let queued = if m.teams[team.index()].blend.is_some() {
            let contacts = &self.contacts;
            self.queues[q.index()]
                .live_lanes_len(|w| contacts[w.contact as usize].waits_as(w, team))
        } else {
            self.queues[q.index()].len()
        };
        let waiting = queued + self.overtime[q.index()].len();
        let servers = routing::servers(m, q);
        let free: u32 = servers
            .iter()
            .map(|&(p, _)| self.pools[p.index()].free())
            .sum();
        if free > 0 && waiting == 0 {
            return 0.0;
        }
        let agents: u32 = servers
            .iter()
            .map(|&(p, _)| self.pools[p.index()].load().available)
            .sum();
        if agents == 0 {
            return f64::INFINITY;
        }
        let mean = m.teams[team.index()].handling[ty.index()]
            .as_ref()
            .map_or(0.0, |d| d.mean());
        f64::from(waiting + 1) * mean / f64::from(agents)
    }

    /// Contact `idx`, about to join its entry `team`'s queue, may be offered a callback and
    /// accept it.
    pub(super) fn offer_callback(&mut self, idx: u32, team: TeamId) {
        let m = self.m;
        let c = &self.contacts[idx as usize];
        let Some(cb) = m.channels[c.channel.index()].callback else {
            return;
        };
        if self.expected_wait(team, c.ty) <= cb.threshold {
            return;
        }
        let (key, counted) = (Self::key(c), c.counted);
        let accepts = self.callback_unit(idx, 0) < cb.accept;
        if counted {
            self.stats.callback_offered(key, accepts);
        }
        if accepts {
            let c = &mut self.contacts[idx as usize];
            c.callback = true;
            c.callback_tries = 0;
            c.deadline = f64::INFINITY;
            self.release_line(idx);
        }
    }

    /// An agent of `pool` takes accepted callback `idx` and calls the customer. True if the
    /// call reaches them (the contact's service then starts as usual); false if not, and the
    /// agent spends the dial time on the failed call.
    #[cold]
    pub(super) fn call_back(&mut self, idx: u32, pool: PoolId) -> bool {
        let m = self.m;
        let now = self.now;
        let c = &mut self.contacts[idx as usize];
        c.callback_tries = c.callback_tries.saturating_add(1);
        let call = c.callback_tries;
        let cb = m.channels[c.channel.index()]
            .callback
            .expect("accepted callbacks come from channels with callbacks");
        let reached = self.callback_unit(idx, call) < cb.reach;
        let c = &mut self.contacts[idx as usize];
        if reached {
            c.callback = false;
            if c.counted {
                let (key, waited) = (Self::key(c), now - c.arrival);
                self.stats.callback_reached(key, waited);
            }
            return true;
        }
        // The failed call: the agent is busy dialling; the contact leaves the queue until
        // its next try (a new queue visit, so no stale event can touch it meanwhile).
        c.queue_time += now - c.enqueued;
        c.state = State::InService;
        c.pool = pool;
        c.vgen = c.vgen.wrapping_add(1);
        let team = c.team;
        let agent = self.pools[pool.index()].seize(now);
        self.contacts[idx as usize].agent = agent;
        self.cal
            .schedule(now + cb.dial, Event::CallbackDialEnd(idx));
        self.team_changed(team);
        self.pool_changed(pool);
        false
    }

    /// A call back that did not reach the customer ends: the agent is free again; the
    /// callback is tried again later, or has failed.
    pub(super) fn on_dial_end(&mut self, idx: u32) {
        let m = self.m;
        let c = &mut self.contacts[idx as usize];
        let (pool, agent) = (c.pool, c.agent);
        let cb = m.channels[c.channel.index()]
            .callback
            .expect("accepted callbacks come from channels with callbacks");
        // Pending its next try it is still open (waiting, outside any queue).
        c.state = State::Waiting;
        let failed = u32::from(c.callback_tries) >= cb.max_tries;
        if !failed {
            self.cal
                .schedule(self.now + cb.retry_after, Event::CallbackRetry(idx));
        }
        self.free_agent(pool, agent);
        if failed {
            let c = &mut self.contacts[idx as usize];
            c.callback = false;
            if c.counted {
                self.stats.callback_failed(Self::key(c));
            }
            self.end_contact(idx, ContactEnd::Lost);
        }
        self.dispatch(pool);
    }

    /// The next call back to contact `idx` is due: it joins the back of its team's queue.
    pub(super) fn on_callback_retry(&mut self, idx: u32) {
        let m = self.m;
        let c = &mut self.contacts[idx as usize];
        c.vgen = c.vgen.wrapping_add(1);
        c.enqueued = self.now;
        c.overtime = false;
        let (team, vgen) = (c.team, c.vgen);
        let q = routing::queue_of(team);
        let need = self.free_needed(idx, team);
        self.push_waiting(q, team, idx, vgen);
        self.arm_escalation(idx, team, vgen);
        // Time-based overflow, as for any contact joining a queue.
        for &after in &m.routing.timed[q.index()] {
            self.cal
                .schedule(self.now + after, Event::Overflow(idx, vgen));
        }
        // A call back needs a wholly free agent (`None`: no room in a chat agent's load).
        match routing::free_server(m, q, &self.pools, need, None) {
            Some((p, _)) => self.dispatch(p),
            None => self.team_changed(team),
        }
    }
}
