//! Arrival generators: a piecewise-constant-rate Poisson process sampled exactly (a fresh
//! exponential draw at each rate change, valid by memorylessness), or a recorded log replayed.

use super::streams::{Purpose, stream};
use crate::model::{ArrivalModel, Model};
use rand_distr::{Distribution, Exp1};
use rand_pcg::Pcg64Mcg;

/// The next arrival times of one channel.
pub struct ArrivalGen {
    rng: Pcg64Mcg,
    cursor: usize,
    /// Whether any slot of the week has a positive rate (checked once, not per arrival).
    any_rate: Option<bool>,
    /// The slot the last draw was in: its end and its rate.
    slot_end: f64,
    rate: f64,
}

impl ArrivalGen {
    pub fn new(seed: u64, rep: u64, key: u64) -> Self {
        ArrivalGen {
            rng: stream(seed, rep, Purpose::Arrivals, key),
            cursor: 0,
            any_rate: None,
            slot_end: f64::NEG_INFINITY,
            rate: 0.0,
        }
    }

    /// The first arrival after `t` (strictly before the horizon), and the index of the log row
    /// it replays. The common case, a draw that stays inside the current slot, is inlined
    /// where called; a draw that crosses the slot's end goes on from there, as the loop of
    /// [`Self::next_from`] would.
    #[inline(always)]
    pub fn next(
        &mut self,
        m: &Model,
        arrivals: &ArrivalModel,
        mut t: f64,
    ) -> Option<(f64, Option<usize>)> {
        if let ArrivalModel::Rates(_) = arrivals
            && t < self.slot_end
            && self.rate > 0.0
            && t < m.horizon
        {
            let dt = <Exp1 as Distribution<f64>>::sample(&Exp1, &mut self.rng) / self.rate;
            if t + dt < self.slot_end {
                return (t + dt < m.horizon).then_some((t + dt, None));
            }
            t = self.slot_end;
        }
        self.next_from(m, arrivals, t)
    }

    /// [`Self::next`] without its inlined first step.
    #[inline(never)]
    fn next_from(
        &mut self,
        m: &Model,
        arrivals: &ArrivalModel,
        mut t: f64,
    ) -> Option<(f64, Option<usize>)> {
        match arrivals {
            ArrivalModel::Log(rows) => {
                let row = rows.get(self.cursor).filter(|r| r.time < m.horizon)?;
                self.cursor += 1;
                Some((row.time, Some(self.cursor - 1)))
            }
            ArrivalModel::Rates(rates) => {
                if !*self
                    .any_rate
                    .get_or_insert_with(|| rates.iter().any(|&r| r > 0.0))
                {
                    return None;
                }
                // Times only move forward, so the current slot is cached between draws.
                while t < m.horizon {
                    if t >= self.slot_end {
                        self.rate = rates[m.week_slot(t)];
                        self.slot_end = ((t / m.interval).floor() + 1.0) * m.interval;
                    }
                    let (rate, slot_end) = (self.rate, self.slot_end);
                    if rate > 0.0 {
                        let dt = <Exp1 as Distribution<f64>>::sample(&Exp1, &mut self.rng) / rate;
                        if t + dt < slot_end {
                            return (t + dt < m.horizon).then_some((t + dt, None));
                        }
                    }
                    t = slot_end;
                }
                None
            }
        }
    }
}
