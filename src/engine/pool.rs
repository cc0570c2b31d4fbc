//! An agent pool at run time: its agents one by one (free since when, busy, away on other
//! duties, off shift), the duty cycle that moves agents between this work and other duties,
//! and roster changes at interval boundaries. A team's own pool is staffed as the team;
//! shared pools have their own staffing.
//!
//! Agents are tracked individually, but the pool's dynamics are defined on counts so that
//! they are the same whatever agent is picked: an agent due to leave for other duties once
//! done, or to go off shift once done (the roster dropped while everyone was busy), is
//! whichever busy agent finishes first. Free agents wait in the order they became free
//! (the front has been idle longest and takes the next contact); an idle agent who leaves
//! (other duties, end of shift) is the one freed last; an away agent who comes back is the
//! one away longest. Nothing here allocates once the largest roster has been seen.

use super::concurrency::Shares;
use crate::model::{ConcurrencyModel, Sampler, Staffing, unit};
use crate::scenario::ChannelKind;
use rand_distr::{Distribution, Exp1};
use rand_pcg::Pcg64Mcg;
use std::collections::VecDeque;

/// An agent's position in its pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AgentId(pub u32);

impl AgentId {
    #[inline]
    pub(super) fn index(self) -> usize {
        self.0 as usize
    }
}

/// What an agent is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AgentState {
    /// Rostered and waiting for work.
    Free,
    /// Handling a contact (possibly past the end of the shift, or kept on in overtime).
    Busy,
    /// After-contact work: the contact has moved on, the agent is still busy with it.
    WrapUp,
    /// Rostered but on other duties.
    Away,
    /// Not rostered.
    Off,
}

/// One agent.
#[derive(Clone, Copy, Debug)]
pub struct Agent {
    pub state: AgentState,
    /// When the agent entered its current state.
    pub since: f64,
    /// Contacts held now.
    pub holding: u32,
    /// Seconds spent handling contacts and on their wrap-up, over the whole run.
    pub handled: f64,
    /// Contacts taken, over the whole run.
    pub taken: u64,
}

/// One pool's agents.
pub(super) struct Pool {
    agents: Vec<Agent>,
    /// Free agents, in the order they became free.
    free: VecDeque<u32>,
    /// Away agents, in the order they left.
    away: VecDeque<u32>,
    /// Agents not rostered.
    off: Vec<u32>,
    busy: u32,
    scheduled: u32,
    /// Busy agents due to leave for other duties when their current contact is done.
    leaving: u32,
    /// Busy agents beyond the roster (it dropped while they were busy, or they were kept on
    /// in overtime): as many agents go off shift as they finish. Never positive while an
    /// agent is free.
    over: u32,
    /// Guards against stale duty toggles after the rates changed.
    duty_version: u32,
    /// The pool's own randomness (who is away), apart from demand.
    rng: Pcg64Mcg,
    /// Agents kept on after closing to serve the contacts waiting then (0 when none wait).
    overtime: u32,
    /// Contacts held by its agents (several per agent under concurrency).
    held: u32,
    /// Concurrency limits and the contacts agents hold under them.
    pub(super) shares: Shares,
}

/// A pool's load as the statistics see it.
#[derive(Clone, Copy, Debug)]
pub struct PoolLoad {
    /// Agents busy with a contact.
    pub busy: u32,
    /// Agents rostered and not away on other duties.
    pub available: u32,
    /// Agents rostered.
    pub scheduled: u32,
    /// Contacts held by busy agents (equal to `busy` without concurrency).
    pub held: u32,
}

impl Pool {
    pub(super) fn new(rng: Pcg64Mcg) -> Self {
        Pool {
            agents: Vec::new(),
            free: VecDeque::new(),
            away: VecDeque::new(),
            off: Vec::new(),
            busy: 0,
            scheduled: 0,
            leaving: 0,
            over: 0,
            duty_version: 0,
            rng,
            overtime: 0,
            held: 0,
            shares: Shares::default(),
        }
    }

    /// The pool with concurrency `limits` (none: one contact per agent).
    pub(super) fn with_concurrency(mut self, limits: &[ConcurrencyModel]) -> Self {
        self.shares = Shares::new(limits);
        self
    }

    /// Whether an agent could take a contact of `kind` now: one of more than `need` free
    /// agents, or (with no reserve to keep) one holding contacts of that kind below its
    /// concurrency limit. `None` for work that needs a wholly free agent (a call back).
    #[inline]
    pub(super) fn open_for(&self, kind: Option<ChannelKind>, need: u32) -> bool {
        // A reserve (`need` > 0: deferred work at a blending team) counts free agents only.
        self.free() > need
            || need == 0
                && kind
                    .and_then(|k| self.shares.limit_of(k))
                    .is_some_and(|l| self.shares.pick(l).is_some())
    }

    /// Whether an agent could take some contact now (of some kind).
    #[inline]
    pub(super) fn open_any(&self) -> bool {
        self.free() > 0 || self.shares.any_holding()
    }

    /// An agent takes a contact of `kind` at `now`: as [`Self::seize`] for a kind without
    /// concurrency; for one with, a free agent if any, else the agent holding the fewest of
    /// that kind below the limit. Returns who, and the limit that applies (if any).
    #[inline]
    pub(super) fn seize_for(&mut self, kind: ChannelKind, now: f64) -> (AgentId, Option<usize>) {
        let Some(l) = self.shares.limit_of(kind) else {
            return (self.seize(now), None);
        };
        if self.free.is_empty()
            && let Some(a) = self.shares.pick(l)
        {
            let ag = &mut self.agents[a as usize];
            ag.holding += 1;
            ag.taken += 1;
            self.held += 1;
            return (AgentId(a), Some(l));
        }
        (self.seize(now), Some(l))
    }

    /// Agents free to take a contact now.
    #[inline]
    pub(super) fn free(&self) -> u32 {
        self.free.len() as u32
    }

    /// Agents away on other duties.
    #[inline]
    fn n_away(&self) -> u32 {
        self.away.len() as u32
    }

    #[inline]
    fn available(&self) -> u32 {
        self.scheduled.saturating_sub(self.n_away())
    }

    #[inline]
    pub(super) fn load(&self) -> PoolLoad {
        PoolLoad {
            busy: self.busy,
            available: self.available(),
            scheduled: self.scheduled,
            held: self.held,
        }
    }

    /// Every agent this pool has had, by [`AgentId`].
    #[inline]
    pub fn agents(&self) -> &[Agent] {
        &self.agents
    }

    /// When the free agent idle longest became free, if any agent is free.
    #[inline]
    pub(super) fn longest_idle_since(&self) -> Option<f64> {
        self.free.front().map(|&a| self.agents[a as usize].since)
    }

    /// Moves agent `a` to `state` at `now`.
    #[inline]
    fn set(&mut self, a: u32, state: AgentState, now: f64) {
        let ag = &mut self.agents[a as usize];
        ag.state = state;
        ag.since = now;
    }

    /// An agent not rostered (a new one if every agent is rostered).
    fn off_agent(&mut self) -> u32 {
        self.off.pop().unwrap_or_else(|| {
            self.agents.push(Agent {
                state: AgentState::Off,
                since: 0.0,
                holding: 0,
                handled: 0.0,
                taken: 0,
            });
            (self.agents.len() - 1) as u32
        })
    }

    /// Agent `a` becomes free at `now`, unless busy agents beyond the roster are waiting to
    /// take its place (then it goes off shift and one of them stays on).
    fn make_free(&mut self, a: u32, now: f64) {
        if self.over > 0 {
            self.over -= 1;
            self.set(a, AgentState::Off, now);
            self.off.push(a);
        } else {
            self.set(a, AgentState::Free, now);
            self.free.push_back(a);
        }
    }

    /// The agents on the floor at closing stay on to serve those still waiting; if all were
    /// away, one stays.
    pub(super) fn keep_on_for_overtime(&mut self) {
        self.overtime = self.available().max(1);
    }

    /// An agent kept on in overtime is free to take a contact waiting since closing.
    #[inline]
    pub(super) fn overtime_free(&self) -> bool {
        self.overtime > self.busy
    }

    /// Overtime ends (every contact waiting at closing was answered or gave up).
    #[inline]
    pub(super) fn end_overtime(&mut self) {
        self.overtime = 0;
    }

    /// An agent takes a contact at `now`: the free agent idle longest, or else one kept on in
    /// overtime (beyond the roster). Returns who.
    #[inline]
    pub(super) fn seize(&mut self, now: f64) -> AgentId {
        let a = match self.free.pop_front() {
            Some(a) => a,
            None => {
                self.over += 1;
                self.off_agent()
            }
        };
        self.busy += 1;
        self.held += 1;
        self.set(a, AgentState::Busy, now);
        let ag = &mut self.agents[a as usize];
        ag.holding += 1;
        ag.taken += 1;
        AgentId(a)
    }

    /// Agent `a`'s contact ends at `now` and its after-contact work starts: the agent stays
    /// busy.
    #[inline]
    pub(super) fn start_wrap_up(&mut self, a: AgentId, now: f64) {
        let ag = &mut self.agents[a.index()];
        ag.handled += now - ag.since;
        self.set(a.0, AgentState::WrapUp, now);
    }

    /// A draw of `d` from the pool's own stream (after-contact work).
    #[inline]
    pub(super) fn draw(&mut self, d: &Sampler) -> f64 {
        d.sample(&mut self.rng)
    }

    /// Agent `a` finishes a contact (or its after-contact work) at `now`; it stays busy while
    /// it holds others. True if it then left for other duties, which changes the duty
    /// clock's rates (the caller redraws the next toggle).
    #[inline]
    pub(super) fn release(&mut self, a: AgentId, now: f64) -> bool {
        let ag = &mut self.agents[a.index()];
        ag.holding -= 1;
        self.held -= 1;
        if ag.holding > 0 {
            return false;
        }
        ag.handled += now - ag.since;
        self.busy -= 1;
        if self.leaving > 0 {
            self.leaving -= 1;
            self.set(a.0, AgentState::Away, now);
            self.away.push_back(a.0);
            return true;
        }
        self.make_free(a.0, now);
        false
    }

    /// Rates at which present agents (not already due to leave) go to other duties and away
    /// agents come back, so that each agent gives this work a share `availability` of the
    /// time, in cycles of mean length `duty_cycle`.
    fn duty_rates(&self, tm: Staffing<'_>) -> (f64, f64) {
        let present = self.available() - self.leaving.min(self.available());
        (
            f64::from(present) / (tm.availability * tm.duty_cycle),
            f64::from(self.n_away()) / ((1.0 - tm.availability) * tm.duty_cycle),
        )
    }

    /// Sets the roster to `want` agents at `now`. False if it already was.
    pub(super) fn roster(&mut self, want: u32, tm: Staffing<'_>, now: f64) -> bool {
        if want == self.scheduled {
            return false;
        }
        if want > self.scheduled {
            if self.scheduled == 0 {
                self.overtime = 0;
            }
            // New agents are away on other duties with the stationary probability.
            for _ in self.scheduled..want {
                let a = self.off_agent();
                if tm.availability < 1.0 && unit(&mut self.rng) >= tm.availability {
                    self.set(a, AgentState::Away, now);
                    self.away.push_back(a);
                } else {
                    self.make_free(a, now);
                }
            }
        } else {
            // Agents going off shift are a random pick of those rostered, away or not.
            let mut gone = 0;
            for n in (want + 1..=self.scheduled).rev() {
                if self.n_away() > 0
                    && unit(&mut self.rng) * f64::from(n) < f64::from(self.n_away())
                {
                    self.away_off(now);
                    gone += 1;
                }
            }
            while self.n_away() > want {
                self.away_off(now);
                gone += 1;
            }
            // The others leave from among those present: idle ones first, then busy ones
            // (as they finish).
            let present = (self.scheduled - want).saturating_sub(gone);
            for _ in 0..present {
                match self.free.pop_back() {
                    Some(a) => {
                        self.set(a, AgentState::Off, now);
                        self.off.push(a);
                    }
                    None => self.over += 1,
                }
            }
            self.leaving = self.leaving.min(want - self.n_away());
        }
        self.scheduled = want;
        true
    }

    /// The agent away longest goes off shift.
    fn away_off(&mut self, now: f64) {
        if let Some(a) = self.away.pop_front() {
            self.set(a, AgentState::Off, now);
            self.off.push(a);
        }
    }

    /// Invalidates any pending duty toggle and draws the next one: its delay and the version
    /// it must carry, or `None` if nobody can toggle.
    pub(super) fn next_duty(&mut self, tm: Staffing<'_>) -> Option<(f64, u32)> {
        self.duty_version = self.duty_version.wrapping_add(1);
        if tm.availability >= 1.0 || self.scheduled == 0 {
            return None;
        }
        let (leave, back) = self.duty_rates(tm);
        let total = leave + back;
        (total > 0.0).then(|| {
            let dt = <Exp1 as Distribution<f64>>::sample(&Exp1, &mut self.rng) / total;
            (dt, self.duty_version)
        })
    }

    /// A duty toggle carrying `version` fires at `now`: an agent leaves for other duties (an
    /// idle one now, a busy one once done) or one comes back. False if the toggle was stale.
    pub(super) fn toggle_duty(&mut self, version: u32, tm: Staffing<'_>, now: f64) -> bool {
        if version != self.duty_version {
            return false;
        }
        let (leave, back) = self.duty_rates(tm);
        if unit(&mut self.rng) * (leave + back) < leave {
            match self.free.pop_back() {
                Some(a) => {
                    self.set(a, AgentState::Away, now);
                    self.away.push_back(a);
                }
                None => self.leaving += 1,
            }
        } else if let Some(a) = self.away.pop_front() {
            self.make_free(a, now);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(rng: &mut Pcg64Mcg, n: usize) -> usize {
        ((unit(rng) * n as f64) as usize).min(n - 1)
    }

    /// The pool as counts only (how it was kept before agents were tracked one by one).
    #[derive(Default)]
    struct Counts {
        busy: u32,
        scheduled: u32,
        away: u32,
        leaving: u32,
    }

    impl Counts {
        fn free(&self) -> u32 {
            self.scheduled
                .saturating_sub(self.away)
                .saturating_sub(self.busy)
        }
    }

    /// Random seizes, releases (by any busy agent), duty toggles and roster changes: the
    /// agents' states always add up to the count model's numbers, which are drawn from the
    /// same random stream, so tracking agents changes no result.
    #[test]
    fn agents_one_by_one_agree_with_the_count_model() {
        let agents = [2, 5, 0, 7, 3, 3, 1, 6];
        let tm = Staffing {
            agents: &agents,
            availability: 0.7,
            duty_cycle: 600.0,
            temporary: &[],
        };
        let mut pool = Pool::new(Pcg64Mcg::new(7));
        let mut twin = Pcg64Mcg::new(7); // the count model's copy of the pool's stream
        let mut c = Counts::default();
        let mut ops = Pcg64Mcg::new(99);
        let mut busy: Vec<(AgentId, f64)> = Vec::new();
        let mut version = 0;
        for step in 0..20_000 {
            let now = f64::from(step);
            match pick(&mut ops, 10) {
                0..=2 if c.free() > 0 => {
                    busy.push((pool.seize(now), now));
                    c.busy += 1;
                }
                3..=5 if !busy.is_empty() => {
                    let (a, t) = busy.swap_remove(pick(&mut ops, busy.len()));
                    let _ = t;
                    let left = pool.release(a, now);
                    c.busy -= 1;
                    assert_eq!(left, c.leaving > 0);
                    if c.leaving > 0 {
                        c.leaving -= 1;
                        c.away += 1;
                    }
                }
                6..=8 => {
                    if let Some((_, v)) = pool.next_duty(tm) {
                        version = v;
                        let _: f64 = <Exp1 as Distribution<f64>>::sample(&Exp1, &mut twin);
                    }
                    let present = c.scheduled - c.away - c.leaving.min(c.scheduled - c.away);
                    let leave = f64::from(present) / (0.7 * 600.0);
                    let back = f64::from(c.away) / (0.3 * 600.0);
                    if tm.availability < 1.0 && c.scheduled > 0 && leave + back > 0.0 {
                        assert!(pool.toggle_duty(version, tm, now));
                        if unit(&mut twin) * (leave + back) < leave {
                            if c.free() > 0 {
                                c.away += 1;
                            } else {
                                c.leaving += 1;
                            }
                        } else {
                            c.away = c.away.saturating_sub(1);
                        }
                    }
                }
                _ => {
                    let want = agents[pick(&mut ops, agents.len())];
                    pool.roster(want, tm, now);
                    if want > c.scheduled {
                        for _ in c.scheduled..want {
                            c.away += u32::from(unit(&mut twin) >= 0.7);
                        }
                    } else {
                        for n in (want + 1..=c.scheduled).rev() {
                            if c.away > 0 && unit(&mut twin) * f64::from(n) < f64::from(c.away) {
                                c.away -= 1;
                            }
                        }
                        c.away = c.away.min(want);
                        c.leaving = c.leaving.min(want - c.away);
                    }
                    c.scheduled = want;
                }
            }
            let count = |s: AgentState| pool.agents().iter().filter(|a| a.state == s).count();
            assert_eq!(pool.free(), c.free(), "step {step}");
            assert_eq!(count(AgentState::Free) as u32, c.free(), "step {step}");
            assert_eq!(count(AgentState::Away) as u32, c.away, "step {step}");
            assert_eq!(count(AgentState::Busy) as u32, c.busy, "step {step}");
            let l = pool.load();
            assert_eq!((l.busy, l.scheduled), (c.busy, c.scheduled));
            assert_eq!(l.available, c.scheduled - c.away);
        }
    }

    /// A pool of 3 full-time agents (stream `seed`) rostered at 0; the first two take a
    /// contact at 1 and 2.
    fn three_busy_two(agents: &[u32], seed: u128) -> (Pool, Staffing<'_>, [AgentId; 2]) {
        let tm = Staffing {
            agents,
            availability: 1.0,
            duty_cycle: 3600.0,
            temporary: &[],
        };
        let mut pool = Pool::new(Pcg64Mcg::new(seed));
        pool.roster(3, tm, 0.0);
        let a = pool.seize(1.0);
        let b = pool.seize(2.0);
        (pool, tm, [a, b])
    }

    /// An agent in wrap-up is busy: a roster cut never picks it while idle
    /// agents exist, it goes off shift (or away) only once its wrap-up ends, and it is not
    /// free for overtime work.
    #[test]
    fn an_agent_in_wrap_up_is_busy_for_roster_cuts_and_overtime() {
        let (mut pool, tm, [a, b]) = three_busy_two(&[3], 3);
        pool.start_wrap_up(a, 4.0);
        assert_eq!(pool.agents()[a.index()].state, AgentState::WrapUp);
        assert_eq!((pool.free(), pool.load().busy), (1, 2));
        // The roster drops to 1: the idle agent goes first, then one busy agent as it finishes;
        // the agent in wrap-up is not sent off mid-work.
        pool.roster(1, tm, 5.0);
        assert_eq!(pool.free(), 0);
        assert_eq!(pool.agents()[a.index()].state, AgentState::WrapUp);
        assert_eq!(pool.agents()[b.index()].state, AgentState::Busy);
        // Closing with both still busy: they stay on, and neither counts as free for overtime.
        pool.keep_on_for_overtime();
        assert!(!pool.overtime_free());
        // Wrap-up ends: that agent takes the place due to leave (off shift), b stays on.
        assert!(!pool.release(a, 7.0));
        assert_eq!(pool.agents()[a.index()].state, AgentState::Off);
        assert_eq!(pool.agents()[a.index()].handled, 6.0); // 3 s handling + 3 s wrap-up
        assert_eq!((pool.free(), pool.load().busy), (0, 1));
        assert!(!pool.release(b, 8.0));
        assert_eq!(pool.agents()[b.index()].state, AgentState::Free);
        assert_eq!(pool.free(), 1);
    }

    #[test]
    fn the_agent_idle_longest_takes_the_next_contact_and_work_is_counted() {
        let (mut pool, _, [a, b]) = three_busy_two(&[3], 1);
        assert_eq!(pool.longest_idle_since(), Some(0.0));
        pool.release(b, 5.0);
        pool.release(a, 9.0);
        // The third agent (free since 0) goes first, then b (free since 5), then a.
        let order: Vec<_> = (0..3).map(|_| pool.seize(10.0)).collect();
        assert_eq!(order, [AgentId(2), b, a]);
        assert_eq!(pool.agents()[a.index()].handled, 8.0);
        assert_eq!(pool.agents()[b.index()].taken, 2);
    }
}
