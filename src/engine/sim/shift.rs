//! Time-driven changes to the organisation: rosters at interval boundaries, what happens to
//! waiting contacts when a team closes, agents going to other duties and back, the interval
//! tick, and each team's load reported to the observer.

use super::super::calendar::Event;
use super::super::observe::Observer;
use super::super::routing;
use super::Sim;
use crate::model::{PoolId, TeamId};
use crate::scenario::{AtClosing, Disconnected};
use crate::stats::ContactEnd;

impl<O: Observer> Sim<'_, O> {
    /// Sets each pool's roster for the slot starting at `now`.
    pub(super) fn staff(&mut self, now: f64) {
        let m = self.m;
        // The same slot as `Model::week_slot`, counted from time zero (temporary staff).
        let slot = (now / m.interval) as usize;
        for i in 0..m.n_pools() {
            let pool = PoolId::at(i);
            let staffing = m.staffing(pool);
            let want = m.roster(pool, slot);
            if i < m.teams.len() && want == 0 && self.pools[i].load().scheduled > 0 {
                self.close_team(TeamId::at(i));
            }
            if self.pool(pool).roster(want, staffing, now) {
                self.reschedule_duty(pool);
                self.dispatch(pool);
            }
        }
    }

    /// The team closes (its own roster drops to zero). Each contact still waiting for its
    /// entry team goes as its channel says: served in overtime by the agents on the floor,
    /// left to wait for opening, or disconnected.
    #[cold]
    fn close_team(&mut self, team: TeamId) {
        let m = self.m;
        let now = self.now;
        let q = routing::queue_of(team);
        let pool = routing::own_pool(team);
        let mut taken = std::mem::take(&mut self.scratch);
        taken.clear();
        let contacts = &self.contacts;
        self.queues[q.index()].take(
            |w| {
                let c = &contacts[w.contact as usize];
                c.waits_as(w, team).then(|| {
                    // Accepted callbacks and escalated contacts are not on the line: they wait.
                    c.visits == 0
                        && !c.callback
                        && !c.escalated
                        && m.channels[c.channel.index()].at_closing != AtClosing::Wait
                })
            },
            &mut taken,
        );
        for &w in &taken {
            let c = &mut self.contacts[w.contact as usize];
            match m.channels[c.channel.index()].at_closing {
                AtClosing::Serve => {
                    c.overtime = true;
                    self.overtime[q.index()].push(w, c.priority);
                    self.pool(pool).keep_on_for_overtime();
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

    /// Draws `pool`'s next duty toggle afresh (its rates changed).
    pub(super) fn reschedule_duty(&mut self, pool: PoolId) {
        let tm = self.m.staffing(pool);
        if let Some((dt, version)) = self.pools[pool.index()].next_duty(tm) {
            self.cal.schedule(self.now + dt, Event::Duty(pool, version));
        }
    }

    /// An agent of `pool` goes to other duties or comes back, unless the toggle is stale.
    pub(super) fn on_duty(&mut self, pool: PoolId, version: u32) {
        let tm = self.m.staffing(pool);
        if self.pools[pool.index()].toggle_duty(version, tm, self.now) {
            self.reschedule_duty(pool);
            self.dispatch(pool);
        }
    }

    /// A reporting interval ends: statistics close it, rosters change, the next is scheduled.
    pub(super) fn on_tick(&mut self) {
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

    /// Reports `team`'s load (its own pool's agents, its queue's length) to the observer.
    #[inline(always)]
    pub(super) fn team_changed(&mut self, team: TeamId) {
        let q = routing::queue_of(team);
        let load = self.pools[routing::own_pool(team).index()].load();
        let queue = self.queues[q.index()].len() + self.overtime[q.index()].len();
        self.stats.team_state(team, self.now, load, queue);
    }

    /// Reports `pool`'s load to the observer.
    #[inline(always)]
    pub(super) fn pool_changed(&mut self, pool: PoolId) {
        if !self.pool_state_wanted[pool.index()] {
            return;
        }
        let load = self.pools[pool.index()].load();
        self.stats.pool_state(pool, self.now, load);
    }
}
