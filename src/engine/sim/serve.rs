//! Agents and queues: a contact joining a team's queue, a free agent of the serving pool
//! taking it, handling ending (then routed on), freed agents taking waiting work, and
//! waiting customers running out of patience.

use super::super::calendar::Event;
use super::super::contact::State;
use super::super::observe::Observer;
use super::super::pool::AgentId;
use super::super::queue::Waiting;
use super::super::routing::{self, Candidate, Next};
use super::Sim;
use crate::model::{PoolId, QueueId, TeamId};
use crate::stats::ContactEnd;

impl<O: Observer> Sim<'_, O> {
    /// Contact `idx` joins `team`'s queue, or goes straight to a free agent if nobody waits.
    pub(super) fn enqueue(&mut self, idx: u32, team: TeamId) {
        let c = &mut self.contacts[idx as usize];
        c.team = team;
        c.state = State::Waiting;
        c.vgen = c.vgen.wrapping_add(1);
        c.enqueued = self.now;
        c.overtime = false;
        let (vgen, first_visit, deadline) = (c.vgen, c.visits == 0 && !c.escalated, c.deadline);
        // A call back needs a wholly free agent, not one with room for another chat.
        let kind = (!c.callback).then_some(self.m.channels[c.channel.index()].kind);
        if c.counted {
            let (key, arrival) = (Self::key(c), c.arrival);
            self.stats.entered(team, key, first_visit, arrival);
        }
        let m = self.m;
        let q = routing::queue_of(team);
        let need = self.free_needed(idx, team);
        // Straight to an agent only if nobody is waiting: a contact passed back to the team
        // that just finished it must not jump the queue.
        let idle = routing::free_server(m, q, &self.pools, need, kind);
        let nobody_waits = self.queues[q.index()].len() == 0 && self.overtime[q.index()].len() == 0;
        if let (Some((p, proficiency)), true) = (idle, nobody_waits) {
            if self.start_service(idx, p, proficiency) {
                self.team_changed(team);
                self.pool_changed(p);
            }
        } else {
            self.push_waiting(q, team, idx, vgen);
            if first_visit && deadline.is_finite() {
                self.cal
                    .schedule(deadline.max(self.now), Event::Patience(idx, vgen));
            }
            // Time-based overflow: pools that see this queue's contacts only after a wait are
            // offered this one when it has waited that long.
            for &after in &m.routing.timed[q.index()] {
                self.cal
                    .schedule(self.now + after, Event::Overflow(idx, vgen));
            }
            self.arm_escalation(idx, team, vgen);
            match idle {
                Some((p, _)) => self.dispatch(p),
                None => self.team_changed(team),
            }
        }
    }

    /// Contact `idx`, still in queue visit `vgen`, has waited long enough for more pools to
    /// see it: those with a free agent look for work.
    pub(super) fn on_overflow(&mut self, idx: u32, vgen: u32) {
        let m = self.m;
        let c = &self.contacts[idx as usize];
        if c.vgen != vgen || c.state != State::Waiting {
            return;
        }
        let (q, enqueued) = (routing::queue_of(c.team), c.enqueued);
        for &(p, _) in routing::servers(m, q) {
            let after = m.routing.after(p, q);
            if after > 0.0 && enqueued + after <= self.now && self.pools[p.index()].open_any() {
                self.dispatch(p);
            }
        }
    }

    /// A free agent of `pool` starts handling contact `idx`, taking `proficiency` times its
    /// team's handling time. The caller reports the team's and the pool's new load, unless
    /// this returns false (a call back that failed, already reported).
    fn start_service(&mut self, idx: u32, pool: PoolId, proficiency: f64) -> bool {
        if self.contacts[idx as usize].callback && !self.call_back(idx, pool) {
            return false;
        }
        let m = self.m;
        let now = self.now;
        let c = &mut self.contacts[idx as usize];
        let team = c.team;
        let waited = now - c.enqueued;
        c.queue_time += waited;
        c.state = State::InService;
        c.overtime = false;
        c.pool = pool;
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
            m.teams[team.index()].handling[c.ty.index()]
                .as_ref()
                .map_or(0.0, |d| d.sample(&mut c.rng))
        } * proficiency;
        c.visits += 1;
        c.handled_visits = c.handled_visits.saturating_add(1);
        let (counted, response) = (c.counted, now - c.arrival);
        if counted {
            let key = Self::key(c);
            self.stats.visit_started(team, pool, key.channel, waited);
            self.stats.served_type(pool, key.ty);
            if first_answer {
                self.stats.answered(key, response, now - response);
            }
        }
        let kind = m.channels[self.contacts[idx as usize].channel.index()].kind;
        let (agent, limit) = self.pools[pool.index()].seize_for(kind, now);
        self.contacts[idx as usize].agent = agent;
        match limit {
            Some(l) => self.share(pool, agent, l, idx, handling),
            None => self.cal.schedule(now + handling, Event::ServiceEnd(idx)),
        }
        true
    }

    /// Handling of contact `idx` ends: its agent is freed (or leaves for other duties) and
    /// the contact is merged, resolved, lost or passed on.
    pub(super) fn on_service_end(&mut self, idx: u32) {
        let m = self.m;
        let c = &mut self.contacts[idx as usize];
        let team = c.team;
        let tm = &m.teams[team.index()];
        let misrouted = c.target.is_some();
        if c.counted {
            self.stats.handled(team, misrouted);
        }
        let (pool, agent, ty) = (c.pool, c.agent, c.ty);
        self.unshare(pool, agent, idx);
        match m.wrap_up(pool, ty) {
            Some(d) => {
                // The contact moves on; its agent stays busy with after-contact work.
                let p = &mut self.pools[pool.index()];
                let wrap = p.draw(d);
                let since = p.agents()[agent.index()].since;
                p.start_wrap_up(agent, self.now);
                self.stats.agent_worked(pool, agent.0, since, self.now);
                self.cal
                    .schedule(self.now + wrap, Event::WrapUpEnd(pool, agent.0));
            }
            None => self.free_agent(pool, agent),
        }
        self.release_line(idx);
        let c = &mut self.contacts[idx as usize];
        if c.chase {
            // A chase is answered by its entry team and merged into the open incident.
            self.end_contact(idx, ContactEnd::Merged);
        } else if c.mention.is_some() {
            // A social-media mention read by its router: a case, or nothing.
            self.on_triaged(idx);
        } else if let Some(next) = c.target.take() {
            // The wrong team sends it on to the right one: a reassignment.
            c.transfers = c.transfers.saturating_add(1);
            self.enqueue(idx, next);
        } else {
            match routing::after_handling(tm, c.ty, &mut c.rng) {
                Next::Resolve => self.end_contact(idx, ContactEnd::Resolved),
                Next::Lose => self.end_contact(idx, ContactEnd::Lost),
                Next::Pass { to, target } => {
                    c.transfers = c.transfers.saturating_add(1);
                    if target.is_some() {
                        c.target = target;
                        c.misroutes = c.misroutes.saturating_add(1);
                    }
                    self.enqueue(idx, to);
                }
            }
        }
        self.dispatch(pool);
    }

    /// Agent `agent` of `pool` is done (with a contact or its after-contact work).
    #[inline(always)]
    pub(super) fn free_agent(&mut self, pool: PoolId, agent: AgentId) {
        let ag = self.pools[pool.index()].agents()[agent.index()];
        if ag.holding > 1 {
            // Still busy with other contacts held at once (concurrency).
            self.pools[pool.index()].release(agent, self.now);
            return;
        }
        let since = ag.since;
        self.stats.agent_worked(pool, agent.0, since, self.now);
        if self.pools[pool.index()].release(agent, self.now) {
            // The agent left for other duties once done. The duty clock's rates changed, so
            // its next toggle is drawn again (valid: it is memoryless).
            self.reschedule_duty(pool);
        }
    }

    /// Agent `agent` of `pool` finishes its after-contact work and takes waiting work.
    pub(super) fn on_wrap_up_end(&mut self, pool: PoolId, agent: AgentId) {
        self.free_agent(pool, agent);
        self.dispatch(pool);
    }

    /// The contact gives back the phone line it held, if any.
    pub(super) fn release_line(&mut self, idx: u32) {
        let c = &mut self.contacts[idx as usize];
        if c.holds_line {
            c.holds_line = false;
            self.channels[c.channel.index()].lines_busy -= 1;
        }
    }

    /// Free agents of `pool` take waiting contacts, chosen by the work-selection policy
    /// among the heads of the queues they serve (and see: time-based overflow).
    ///
    /// Contacts left waiting when a team closed come first in their queue (its own agents kept
    /// on in overtime serve them; so does any free agent).
    pub(super) fn dispatch(&mut self, pool: PoolId) {
        let m = self.m;
        let work = routing::work_for(m, pool);
        while let Some((q, overtime, lane, w, proficiency)) = self.next_work(pool) {
            let line = if overtime {
                &mut self.overtime[q.index()]
            } else {
                &mut self.queues[q.index()]
            };
            line.pop_lane(lane);
            // Reported below, with every team this pool serves.
            self.start_service(w.contact, pool, proficiency);
        }
        for &(q, _) in work {
            let team = routing::team_of(q);
            if routing::own_pool(team) == pool && self.overtime[q.index()].len() == 0 {
                // Overtime ends once every contact waiting at closing was answered or gave up.
                self.pool(pool).end_overtime();
            }
            self.team_changed(team);
        }
        self.pool_changed(pool);
    }

    /// The waiting contact an agent of `pool` takes next, if it has one free (or kept on in
    /// overtime) and a queue it serves has a contact it sees: its queue, whether it waits in
    /// the overtime line, its lane there, the entry, and the pool's proficiency for it.
    #[allow(clippy::type_complexity)]
    fn next_work(&mut self, pool: PoolId) -> Option<(QueueId, bool, usize, Waiting, f64)> {
        let m = self.m;
        let now = self.now;
        let (contacts, queues, overtime) = (&self.contacts, &mut self.queues, &mut self.overtime);
        let p = &self.pools[pool.index()];
        let free = p.free() > 0;
        let shared = p.shares.any_holding();
        if !free && !shared && !p.overtime_free() {
            // No agent could take anything (the usual case once the free one took work).
            return None;
        }
        let channels = &m.channels;
        let mut best: Option<((QueueId, bool, usize, Waiting, f64), Candidate)> = None;
        for &(q, proficiency) in routing::work_for(m, pool) {
            if queues[q.index()].len() == 0 && overtime[q.index()].len() == 0 {
                // Nothing waits here (the usual case when an agent is freed).
                queues[q.index()].drop_stale();
                overtime[q.index()].drop_stale();
                continue;
            }
            let team = routing::team_of(q);
            let live = |w: Waiting| contacts[w.contact as usize].waits_as(w, team);
            let after = m.routing.after(pool, q);
            let sees =
                |w: Waiting| after == 0.0 || contacts[w.contact as usize].enqueued + after <= now;
            let in_overtime = routing::own_pool(team) == pool && p.overtime_free();
            // The closing line first; a free agent that sees none of it (time-based overflow)
            // still takes from the queue.
            let found = (overtime[q.index()].len() > 0 && (free || in_overtime))
                .then(|| overtime[q.index()].head(live, sees, true))
                .flatten()
                .map(|(l, w)| (true, l, w))
                .or_else(|| {
                    (free || shared)
                        .then(|| {
                            let deferred = super::blend::takes_deferred(m, team, p.free());
                            // An agent holding contacts at once takes only more of their kind.
                            // A call back needs a wholly free agent.
                            let takes = |w: Waiting| {
                                let c = &contacts[w.contact as usize];
                                free || (!c.callback
                                    && p.open_for(Some(channels[c.channel.index()].kind), 0))
                            };
                            queues[q.index()].head(live, |w| sees(w) && takes(w), deferred)
                        })
                        .flatten()
                        .map(|(l, w)| (false, l, w))
                });
            let Some((ot, lane, w)) = found else { continue };
            let c = &contacts[w.contact as usize];
            let cand = Candidate {
                enqueued: c.enqueued,
                priority: c.priority,
            };
            if routing::first_found_wins(m) {
                return Some((q, ot, lane, w, proficiency));
            }
            if best.is_none_or(|(_, b)| routing::prefers(m, cand, b)) {
                best = Some(((q, ot, lane, w, proficiency), cand));
            }
        }
        best.map(|(found, _)| found)
    }

    /// A waiting customer's patience runs out, if it is still in queue visit `vgen`.
    pub(super) fn on_patience(&mut self, idx: u32, vgen: u32) {
        let c = &mut self.contacts[idx as usize];
        if c.vgen != vgen || c.state != State::Waiting {
            return;
        }
        c.queue_time += self.now - c.enqueued;
        let (team, counted, overtime) = (c.team, c.counted, c.overtime);
        if counted {
            self.stats.abandoned_from(team);
        }
        self.leave_queue(idx, team, overtime);
        self.team_changed(team);
        self.end_contact(idx, ContactEnd::Abandoned);
    }

    /// Contact `idx` left `team`'s queue (its overtime line if `overtime`) while waiting: its
    /// entry goes stale, and the line drops its stale entries (its own included, though it
    /// still reads as waiting) once they outnumber the live.
    pub(super) fn leave_queue(&mut self, idx: u32, team: TeamId, overtime: bool) {
        let q = routing::queue_of(team).index();
        let line = if overtime {
            &mut self.overtime[q]
        } else {
            &mut self.queues[q]
        };
        line.forget_one();
        if line.bloated() {
            let contacts = &self.contacts;
            line.compact(|w| w.contact != idx && contacts[w.contact as usize].waits_as(w, team));
        }
    }
}
