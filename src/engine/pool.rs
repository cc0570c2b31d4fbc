//! An agent pool at run time: how many of its agents are rostered, away on other duties, busy,
//! or due to leave for other duties once their contact is done; the duty cycle that moves
//! agents between this work and other duties; and roster changes at interval boundaries.
//! A team's own pool is staffed as the team; shared pools have their own staffing.

use crate::model::{Staffing, unit};
use rand_distr::{Distribution, Exp1};
use rand_pcg::Pcg64Mcg;

/// One pool's agents.
pub(super) struct Pool {
    busy: u32,
    scheduled: u32,
    away: u32,
    /// Busy agents due to leave for other duties when their current contact is done.
    leaving: u32,
    /// Guards against stale duty toggles after the rates changed.
    duty_version: u32,
    /// The pool's own randomness (who is away), apart from demand.
    rng: Pcg64Mcg,
    /// Agents kept on after closing to serve the contacts waiting then (0 when none wait).
    overtime: u32,
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
}

impl Pool {
    pub(super) fn new(rng: Pcg64Mcg) -> Self {
        Pool {
            busy: 0,
            scheduled: 0,
            away: 0,
            leaving: 0,
            duty_version: 0,
            rng,
            overtime: 0,
        }
    }

    /// Agents free to take a contact now.
    #[inline]
    pub(super) fn free(&self) -> u32 {
        self.scheduled
            .saturating_sub(self.away)
            .saturating_sub(self.busy)
    }

    #[inline]
    fn available(&self) -> u32 {
        self.scheduled.saturating_sub(self.away)
    }

    #[inline]
    pub(super) fn load(&self) -> PoolLoad {
        PoolLoad {
            busy: self.busy,
            available: self.available(),
            scheduled: self.scheduled,
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

    /// A free agent takes a contact.
    #[inline]
    pub(super) fn seize(&mut self) {
        self.busy += 1;
    }

    /// An agent finishes a contact. True if it then left for other duties, which changes
    /// the duty clock's rates (the caller redraws the next toggle).
    #[inline]
    pub(super) fn release(&mut self) -> bool {
        self.busy -= 1;
        if self.leaving > 0 {
            self.leaving -= 1;
            self.away += 1;
            return true;
        }
        false
    }

    /// Rates at which present agents (not already due to leave) go to other duties and away
    /// agents come back, so that each agent gives this work a share `availability` of the
    /// time, in cycles of mean length `duty_cycle`.
    fn duty_rates(&self, tm: Staffing<'_>) -> (f64, f64) {
        let present = self.available() - self.leaving.min(self.available());
        (
            f64::from(present) / (tm.availability * tm.duty_cycle),
            f64::from(self.away) / ((1.0 - tm.availability) * tm.duty_cycle),
        )
    }

    /// Sets the roster to `want` agents. False if it already was.
    pub(super) fn roster(&mut self, want: u32, tm: Staffing<'_>) -> bool {
        if want == self.scheduled {
            return false;
        }
        if want > self.scheduled {
            if self.scheduled == 0 {
                self.overtime = 0;
            }
            // New agents are away on other duties with the stationary probability.
            for _ in self.scheduled..want {
                self.away +=
                    u32::from(tm.availability < 1.0 && unit(&mut self.rng) >= tm.availability);
            }
        } else {
            // Agents going off shift are a random pick of those rostered, away or not.
            for n in (want + 1..=self.scheduled).rev() {
                if self.away > 0 && unit(&mut self.rng) * f64::from(n) < f64::from(self.away) {
                    self.away -= 1;
                }
            }
            self.away = self.away.min(want);
            self.leaving = self.leaving.min(want - self.away);
        }
        self.scheduled = want;
        true
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

    /// A duty toggle carrying `version` fires: an agent leaves for other duties (an idle one
    /// now, a busy one once done) or one comes back. False if the toggle was stale.
    pub(super) fn toggle_duty(&mut self, version: u32, tm: Staffing<'_>) -> bool {
        if version != self.duty_version {
            return false;
        }
        let (leave, back) = self.duty_rates(tm);
        if unit(&mut self.rng) * (leave + back) < leave {
            if self.free() > 0 {
                self.away += 1;
            } else {
                self.leaving += 1;
            }
        } else {
            self.away = self.away.saturating_sub(1);
        }
        true
    }
}
