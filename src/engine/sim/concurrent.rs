//! Contacts held at once (concurrency, see `engine::concurrency`): scheduling their ends as
//! the number an agent holds changes, and ignoring ends made stale by a change.

use super::super::calendar::Event;
use super::super::contact::State;
use super::super::observe::Observer;
use super::super::pool::AgentId;
use super::Sim;
use crate::model::PoolId;

impl<O: Observer> Sim<'_, O> {
    /// Agent `agent` of `pool` takes contact `idx` under limit `l`, with `work` seconds of
    /// handling at normal speed; every contact it holds gets its end rescheduled.
    #[cold]
    pub(super) fn share(&mut self, pool: PoolId, agent: AgentId, l: usize, idx: u32, work: f64) {
        self.pools[pool.index()]
            .shares
            .add(agent.0, l, idx, work, self.now);
        self.schedule_held(pool, agent);
    }

    /// Contact `idx` ends at agent `agent` of `pool`: if held under concurrency, the others
    /// the agent holds speed up and their ends are rescheduled.
    pub(super) fn unshare(&mut self, pool: PoolId, agent: AgentId, idx: u32) {
        let shares = &mut self.pools[pool.index()].shares;
        if shares.remove(agent.0, idx, self.now) {
            self.schedule_held(pool, agent);
        }
    }

    /// Schedules the end of every contact `agent` of `pool` holds, at its current speed.
    fn schedule_held(&mut self, pool: PoolId, agent: AgentId) {
        let shares = &self.pools[pool.index()].shares;
        let held = shares.held(agent.0);
        if held.is_empty() {
            return;
        }
        let rate = shares.rate(agent.0);
        for h in held {
            self.cal.schedule(
                self.now + h.left / rate,
                Event::ConcurrentEnd(h.contact, h.version),
            );
        }
    }

    /// A held contact's end carrying `version` fires: it ends unless the end is stale.
    pub(super) fn on_concurrent_end(&mut self, idx: u32, version: u32) {
        let c = &self.contacts[idx as usize];
        if c.state != State::InService
            || !self.pools[c.pool.index()]
                .shares
                .is_current(c.agent.0, idx, version)
        {
            return;
        }
        self.on_service_end(idx);
    }
}
