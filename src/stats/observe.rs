//! The collector as the engine's observer: each engine fact becomes the collector's
//! breakdowns (overall, channel, type, priority; per team).

use super::cases::ClockTimes;
use super::collect::{Collector, ContactEnd, IncidentRecord, ScopeIds};
use crate::engine::{ContactKey, Observer, PoolLoad};
use crate::model::{ChannelId, PoolId, SlaModel, TeamId, TypeId};

impl Collector {
    /// The breakdowns of `k`, remembered for the next call: the facts of one contact come one
    /// after another, with the same key (compared as one packed word).
    #[inline]
    fn ids(&mut self, k: ContactKey) -> ScopeIds {
        if self.overall_only {
            return ScopeIds::OVERALL;
        }
        let key = u64::from(k.channel.0) | u64::from(k.ty.0) << 16 | u64::from(k.priority) << 32;
        if self.last_ids.0 != key {
            self.look_up_ids(k, key);
        }
        self.last_ids.1
    }

    /// [`Collector::ids`] for a key other than the last.
    #[cold]
    #[inline(never)]
    fn look_up_ids(&mut self, k: ContactKey, key: u64) {
        self.last_ids = (key, self.scope_ids(k.channel.0, k.ty.0, k.priority));
    }
}

impl Collector {
    /// [`Observer::sla_clock`] where the SLA clock may not be the wall clock.
    #[inline(never)]
    fn sla_clock_recorded(&mut self, key: ContactKey, times: &ClockTimes, sla: SlaModel) {
        let ids = self.ids(key);
        Collector::sla_clock(self, ids, times, (sla.response, sla.resolution));
    }
}

impl Observer for Collector {
    #[inline]
    fn arrived(&mut self, key: ContactKey, duplicate: bool) {
        let ids = self.ids(key);
        Collector::arrived(self, ids, duplicate, key.channel.0);
        if !duplicate {
            self.feeds.incident(key.segment);
        }
    }
    #[inline]
    fn entered(&mut self, team: TeamId, key: ContactKey, first_visit: bool, arrival: f64) {
        Collector::entered(self, team.0, key.channel.0);
        if first_visit {
            let ids = self.ids(key);
            Collector::queued(self, ids, key.channel.0, arrival);
        }
    }
    // One call site in the engine: inlined, the call and the key's packing go.
    #[inline(always)]
    fn answered(&mut self, key: ContactKey, waited: f64, arrival: f64) {
        let ids = self.ids(key);
        Collector::answered(self, ids, key.channel.0, waited, arrival);
        self.feeds.answered(key.segment, waited);
    }
    #[inline]
    fn contact_ended(&mut self, key: ContactKey, end: ContactEnd, arrival: f64, now: f64) {
        let ids = self.ids(key);
        Collector::contact_ended(self, ids, key.channel.0, end, arrival, now);
    }
    // One call site in the engine: inlined, the call and the record's copy go.
    #[inline(always)]
    fn incident_ended(&mut self, key: ContactKey, record: &IncidentRecord, sla: SlaModel) {
        let ids = self.ids(key);
        Collector::incident_ended(self, ids, record, (sla.response, sla.resolution));
    }
    fn contact_open_at_end(&mut self, key: ContactKey) {
        let ids = self.ids(key);
        Collector::contact_open_at_end(self, ids);
    }
    fn team_open_at_end(&mut self, team: TeamId, age: f64) {
        Collector::team_open_at_end(self, team.0, age);
    }
    fn incident_open_at_end(
        &mut self,
        key: ContactKey,
        age: f64,
        first_response: Option<f64>,
        sla: SlaModel,
    ) {
        let ids = self.ids(key);
        Collector::incident_open_at_end(
            self,
            ids,
            age,
            first_response,
            (sla.response, sla.resolution),
        );
    }
    #[inline]
    fn visit_started(&mut self, team: TeamId, pool: PoolId, channel: ChannelId, waited: f64) {
        Collector::visit_started(self, team.0, channel.0, waited);
        self.omni.visit_started(team.0, channel.0, waited);
        if self.count_served {
            self.pools[pool.index()].served[team.index()] += 1;
        }
    }
    #[inline]
    fn served_type(&mut self, pool: PoolId, ty: TypeId) {
        if self.count_served {
            self.pools[pool.index()].served_types[ty.index()] += 1;
        }
    }
    #[inline]
    fn agent_worked(&mut self, pool: PoolId, agent: u32, from: f64, to: f64) {
        let warmup = self.warmup;
        self.pools[pool.index()].worked(agent, super::counted_from(from, warmup), to);
    }
    fn pool_agents(&mut self, pool: PoolId, agents: u32) {
        if agents > 0 {
            self.pools[pool.index()].worked(agents - 1, 0.0, 0.0);
        }
    }
    fn wants_pool_state(&self, pool: PoolId) -> bool {
        self.pools[pool.index()].integrate
    }
    #[inline]
    fn pool_state(&mut self, pool: PoolId, now: f64, load: PoolLoad) {
        let warmup = self.warmup;
        self.pools[pool.index()].set(now, warmup, load.busy, load.held, load.available);
    }
    #[inline]
    fn abandoned_from(&mut self, team: TeamId) {
        Collector::abandoned_from(self, team.0);
    }
    #[inline]
    fn handled(&mut self, team: TeamId, misrouted: bool) {
        Collector::handled(self, team.0, misrouted);
    }
    // Inlined into the engine's call sites: no call, the load read in place.
    #[inline(always)]
    fn team_state(&mut self, team: TeamId, now: f64, load: PoolLoad, queue: u32) {
        Collector::team_state(
            self,
            team.0,
            now,
            load.busy,
            load.available,
            load.scheduled,
            queue,
        );
    }
    fn interval_boundary(&mut self, now: f64, interval: f64, next_slot: usize) {
        Collector::interval_boundary(self, now, interval, next_slot);
    }
    fn callback_offered(&mut self, key: ContactKey, accepted: bool) {
        self.omni.callback_offered(key.channel.0, accepted);
    }
    fn callback_reached(&mut self, key: ContactKey, waited: f64) {
        self.omni.callback_reached(key.channel.0, waited);
    }
    fn callback_failed(&mut self, key: ContactKey) {
        self.omni.callback_failed(key.channel.0);
    }
    fn escalated(&mut self, team: TeamId) {
        self.omni.escalations[team.index()] += 1;
    }
    fn omni(&mut self, fact: crate::stats::OmniFact) {
        self.feeds.record(fact);
    }
    fn run_ended(&mut self) {
        Collector::run_ended(self);
    }
    #[inline]
    fn deflected(&mut self, key: ContactKey, _duplicate: bool) {
        let ids = self.ids(key);
        Collector::deflected(self, ids);
    }
    fn reopened(&mut self, key: ContactKey) {
        let ids = self.ids(key);
        Collector::reopened(self, ids);
    }
    #[inline(always)]
    fn sla_clock(&mut self, key: ContactKey, times: &ClockTimes, sla: SlaModel) {
        // On the wall clock, the wall-clock counts of incident_ended and
        // incident_open_at_end are these: only the test stays at the call site.
        if !self.sla_on_wall {
            self.sla_clock_recorded(key, times, sla);
        }
    }
}
