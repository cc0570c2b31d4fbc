//! Concurrency: agents of a pool holding several contacts of one channel kind at once (chat).
//!
//! Model. A pool may give a channel kind a limit `k` (at least 2) and a slowdown `s`. An agent
//! holds at most `k` contacts of that kind at once; while it holds `n` of them, each
//! progresses at `1 / (1 + s * (n - 1))` of its normal speed, so a handling time drawn as
//! usual is the work done at normal speed. Every time `n` changes (a contact starts or ends),
//! the work left on each contact the agent holds is brought up to date at the old speed and
//! its end is rescheduled at the new one; ends scheduled before carry an older version and
//! are ignored. An agent holding contacts of one kind takes only more of that kind (never
//! another kind, nor a contact of a kind without concurrency) until it holds none. A contact
//! of a concurrent kind goes to a free agent (idle longest) if there is one, else to the
//! agent holding the fewest contacts of its kind below the limit (ties: the one that started
//! holding first). With every limit 1 (or no `concurrency` field) nothing here is used.

use crate::model::ConcurrencyModel;
use crate::scenario::ChannelKind;

/// A contact an agent holds under concurrency.
#[derive(Clone, Copy, Debug)]
pub(super) struct Held {
    pub contact: u32,
    /// Work left at normal speed, as of the agent's last update.
    pub left: f64,
    /// Its current end event's version.
    pub version: u32,
}

/// One agent's concurrent contacts.
#[derive(Clone, Debug, Default)]
struct Slot {
    held: Vec<Held>,
    /// When `left` was last brought up to date.
    at: f64,
    /// Which limit (index into the pool's) its contacts fall under.
    limit: usize,
}

/// A pool's concurrency limits and its agents' concurrent contacts.
#[derive(Clone, Debug, Default)]
pub(super) struct Shares {
    limits: Vec<ConcurrencyModel>,
    /// Per agent (by index), grown on first use.
    slots: Vec<Slot>,
    /// Agents holding at least one concurrent contact, in the order they started.
    holding: Vec<u32>,
    version: u32,
}

impl Shares {
    pub(super) fn new(limits: &[ConcurrencyModel]) -> Self {
        Shares {
            limits: limits.to_vec(),
            ..Shares::default()
        }
    }

    /// The limit that applies to contacts of `kind`, if any.
    #[inline]
    pub(super) fn limit_of(&self, kind: ChannelKind) -> Option<usize> {
        if self.limits.is_empty() {
            return None;
        }
        self.limits.iter().position(|l| l.kind == kind)
    }

    /// Whether any agent holds concurrent contacts.
    #[inline]
    pub(super) fn any_holding(&self) -> bool {
        !self.holding.is_empty()
    }

    /// The agent holding the fewest contacts under limit `l`, below it (ties: the first
    /// that started holding), if any.
    pub(super) fn pick(&self, l: usize) -> Option<u32> {
        let k = self.limits[l].limit as usize;
        let mut best: Option<(usize, u32)> = None;
        for &a in &self.holding {
            let s = &self.slots[a as usize];
            let n = s.held.len();
            if s.limit == l && n < k && best.is_none_or(|(b, _)| n < b) {
                best = Some((n, a));
            }
        }
        best.map(|(_, a)| a)
    }

    /// Contacts agent `a` holds under concurrency (empty if none).
    #[inline]
    pub(super) fn held(&self, a: u32) -> &[Held] {
        self.slots
            .get(a as usize)
            .map_or(&[], |s| s.held.as_slice())
    }

    /// Speed of each contact agent `a` holds now.
    #[inline]
    pub(super) fn rate(&self, a: u32) -> f64 {
        let s = &self.slots[a as usize];
        self.limits[s.limit].rate(s.held.len() as u32)
    }

    /// Brings agent `a`'s contacts up to date at `now` at their current speed.
    fn advance(&mut self, a: u32, now: f64) {
        let s = &mut self.slots[a as usize];
        if s.held.is_empty() {
            return;
        }
        let done = (now - s.at) * self.limits[s.limit].rate(s.held.len() as u32);
        for h in &mut s.held {
            h.left = (h.left - done).max(0.0);
        }
        s.at = now;
    }

    /// New versions for every contact agent `a` holds (their ends are rescheduled).
    fn renew(&mut self, a: u32) {
        for h in &mut self.slots[a as usize].held {
            self.version = self.version.wrapping_add(1);
            h.version = self.version;
        }
    }

    /// Agent `a` takes `contact` under limit `l` at `now`, with `work` seconds of work at
    /// normal speed. Every contact it holds gets a new version; their ends are due at
    /// `now + left / rate`.
    pub(super) fn add(&mut self, a: u32, l: usize, contact: u32, work: f64, now: f64) {
        if self.slots.len() <= a as usize {
            self.slots.resize(a as usize + 1, Slot::default());
        }
        self.advance(a, now);
        let s = &mut self.slots[a as usize];
        if s.held.is_empty() {
            s.limit = l;
            s.at = now;
            self.holding.push(a);
        }
        s.held.push(Held {
            contact,
            left: work,
            version: 0,
        });
        self.renew(a);
    }

    /// Whether `contact`'s end event carrying `version` is current for agent `a`.
    #[inline]
    pub(super) fn is_current(&self, a: u32, contact: u32, version: u32) -> bool {
        self.held(a)
            .iter()
            .any(|h| h.contact == contact && h.version == version)
    }

    /// Agent `a`'s `contact` ends at `now`; the others it holds get new versions. False if
    /// the agent did not hold it under concurrency.
    pub(super) fn remove(&mut self, a: u32, contact: u32, now: f64) -> bool {
        let Some(pos) = self.held(a).iter().position(|h| h.contact == contact) else {
            return false;
        };
        self.advance(a, now);
        let s = &mut self.slots[a as usize];
        s.held.remove(pos);
        if s.held.is_empty() {
            self.holding.retain(|&x| x != a);
        } else {
            self.renew(a);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shares(slowdown: f64) -> Shares {
        Shares::new(&[ConcurrencyModel {
            kind: ChannelKind::Chat,
            limit: 3,
            slowdown,
        }])
    }

    #[test]
    fn work_left_follows_the_speed_of_each_stretch() {
        let mut s = shares(0.5);
        s.add(0, 0, 10, 100.0, 0.0);
        // Alone for 40 s: 60 left. Then two held, each at 1/1.5.
        s.add(0, 0, 11, 100.0, 40.0);
        assert_eq!(s.held(0)[0].left, 60.0);
        assert!((s.rate(0) - 1.0 / 1.5).abs() < 1e-12);
        // 30 s at 2/3: 20 done each.
        assert!(s.remove(0, 11, 70.0));
        assert!((s.held(0)[0].left - 40.0).abs() < 1e-9);
        assert_eq!(s.rate(0), 1.0);
    }

    #[test]
    fn stale_versions_are_refused_and_the_least_loaded_agent_is_picked() {
        let mut s = shares(0.0);
        s.add(0, 0, 1, 10.0, 0.0);
        let v = s.held(0)[0].version;
        s.add(0, 0, 2, 10.0, 1.0);
        assert!(!s.is_current(0, 1, v));
        assert!(s.is_current(0, 1, s.held(0)[0].version));
        s.add(1, 0, 3, 10.0, 1.0);
        assert_eq!(s.pick(0), Some(1));
        s.add(1, 0, 4, 10.0, 1.0);
        s.add(1, 0, 5, 10.0, 1.0);
        assert_eq!(s.pick(0), Some(0));
        s.add(0, 0, 6, 10.0, 1.0);
        assert_eq!(s.pick(0), None);
        assert!(!s.remove(0, 99, 2.0));
        assert!(s.remove(1, 4, 2.0));
        assert_eq!(s.pick(0), Some(1));
    }
}
