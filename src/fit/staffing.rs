//! Staffing seen in a log, per calendar day and interval. A log does not say who was logged
//! in, so two estimators, each with its bias:
//!
//! - **seen serving**: distinct agents with some service in the interval. A lower bound on the
//!   agents logged in (an agent who took no call is not seen) and blind to logged-in agents
//!   doing other work; it can exceed the average present when agents come and go within it.
//! - **busy while waiting** (explains the waits): the mean number of contacts in service over
//!   the seconds in which someone was waiting. When one pool serves a queue without idling,
//!   all agents present are busy whenever someone waits, so this is the number of agents that
//!   actually served the queue, the figure that reproduces the observed waits. It
//!   under-counts agents logged in but not taking these calls (other skills, after-call
//!   work, breaks); intervals in which nobody waited fall back to the peak busy count (a
//!   lower bound).
//!
//! Busy and waiting counts are kept as one-second difference arrays per calendar day (fixed
//! memory per day), finished as soon as the log has moved past the day.

/// Counts for one calendar day, at one-second resolution.
#[derive(Clone, Debug)]
pub struct DayLoad {
    busy: Vec<i32>,
    waiting: Vec<i32>,
    /// Per interval: agent ids seen serving.
    seen: Vec<Vec<u32>>,
}

/// What one day's interval showed.
#[derive(Clone, Copy, Debug, Default)]
pub struct IntervalLoad {
    pub seen: u32,
    /// Peak number of contacts in service.
    pub peak_busy: u32,
    /// Mean in service over the whole interval.
    pub mean_busy: f64,
    /// Seconds with someone waiting, and the busy agent-seconds during them.
    pub wait_secs: f64,
    pub busy_while_waiting: f64,
}

const DAY: usize = 86_400;

impl DayLoad {
    pub fn new(slots: usize) -> Self {
        DayLoad {
            busy: vec![0; DAY + 1],
            waiting: vec![0; DAY + 1],
            seen: vec![Vec::new(); slots],
        }
    }

    /// Adds a span `[a, b)` (seconds into this day, clamped to it) to the busy or waiting count.
    pub fn span(&mut self, busy: bool, a: f64, b: f64) {
        let (a, b) = (
            (a.max(0.0) as usize).min(DAY),
            (b.max(0.0) as usize).min(DAY),
        );
        if b <= a {
            return;
        }
        let v = if busy {
            &mut self.busy
        } else {
            &mut self.waiting
        };
        v[a] += 1;
        v[b] -= 1;
    }

    /// Agent `id` served during `[a, b)` (seconds into this day).
    pub fn served_by(&mut self, id: u32, a: f64, b: f64, interval: f64) {
        let slots = self.seen.len();
        let first = (a.max(0.0) / interval) as usize;
        let last = (((b.max(a) - 1e-6).max(0.0) / interval) as usize).min(slots.saturating_sub(1));
        for s in first.min(slots)..=last {
            if let Err(i) = self.seen[s].binary_search(&id) {
                self.seen[s].insert(i, id);
            }
        }
    }

    /// Per-interval figures.
    pub fn finish(&self, interval: f64) -> Vec<IntervalLoad> {
        let per = interval as usize;
        let mut out = vec![IntervalLoad::default(); self.seen.len()];
        let (mut busy, mut waiting) = (0i32, 0i32);
        for t in 0..DAY {
            busy += self.busy[t];
            waiting += self.waiting[t];
            let o = &mut out[t / per];
            o.peak_busy = o.peak_busy.max(busy.max(0) as u32);
            o.mean_busy += f64::from(busy) / interval;
            if waiting > 0 {
                o.wait_secs += 1.0;
                o.busy_while_waiting += f64::from(busy);
            }
        }
        for (o, s) in out.iter_mut().zip(&self.seen) {
            o.seen = s.len() as u32;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_while_waiting_counts_only_waiting_seconds() {
        let mut d = DayLoad::new(48);
        // Two agents busy 08:00-08:30, a third from 08:10; someone waits 08:20-08:25.
        d.span(true, 28_800.0, 30_600.0);
        d.span(true, 28_800.0, 30_600.0);
        d.span(true, 29_400.0, 30_600.0);
        d.span(false, 30_000.0, 30_300.0);
        d.served_by(4, 28_800.0, 30_600.0, 1800.0);
        let s = d.finish(1800.0)[16];
        assert_eq!(s.peak_busy, 3);
        assert_eq!(s.wait_secs, 300.0);
        assert_eq!(s.busy_while_waiting / s.wait_secs, 3.0);
        assert!((s.mean_busy - (2.0 + 1200.0 / 1800.0)).abs() < 1e-9);
        assert_eq!(s.seen, 1);
    }
}
