//! A team's waiting line: FIFO, or one FIFO lane per priority served most urgent first; a team
//! that blends live and deferred work has the same lanes again for deferred contacts, served
//! after all the live ones (allocated on the first deferred contact, so other queues keep
//! their size).
//! Abandoned contacts are removed lazily: entries carry the contact's queue generation and
//! stale ones are skipped when they reach the head, cleared when nobody waits, and compacted
//! away once they outnumber the live ones, so abandoning is amortised O(1) and the lanes stay
//! within twice the live queue.

use std::collections::VecDeque;

/// Lanes per kind of work (one per priority).
const LANES: usize = 4;

/// One waiting contact: its index and the generation of its queue visit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Waiting {
    pub contact: u32,
    pub vgen: u32,
}

/// Lanes by priority (lane 0 only, for FIFO).
#[allow(clippy::len_without_is_empty)]
pub struct TeamQueue {
    /// Live lanes.
    lanes: [VecDeque<Waiting>; LANES],
    /// Deferred lanes (empty until a deferred contact waits).
    deferred: Vec<VecDeque<Waiting>>,
    by_priority: bool,
    /// Contacts really waiting (stale entries excluded).
    len: u32,
    /// Stale entries left in the lanes (contacts that left while waiting, not yet dropped):
    /// exact as long as every contact leaving is reported by [`Self::forget_one`] (the
    /// decrement in [`Self::head`] saturates all the same).
    stale: u32,
}

impl TeamQueue {
    pub fn new(by_priority: bool) -> Self {
        TeamQueue {
            lanes: Default::default(),
            deferred: Vec::new(),
            by_priority,
            len: 0,
            stale: 0,
        }
    }
    #[inline]
    pub fn len(&self) -> u32 {
        self.len
    }
    #[inline]
    pub fn push(&mut self, w: Waiting, priority: u8) {
        self.push_lane(w, priority, false);
    }
    /// Adds a waiting contact, behind every live one if `deferred`.
    #[inline]
    pub fn push_lane(&mut self, w: Waiting, priority: u8, deferred: bool) {
        let lane = if self.by_priority {
            priority as usize
        } else {
            0
        };
        if deferred {
            if self.deferred.is_empty() {
                self.deferred.resize_with(LANES, VecDeque::new);
            }
            self.deferred[lane].push_back(w);
        } else {
            self.lanes[lane].push_back(w);
        }
        self.len += 1;
    }
    /// A waiting contact left (abandoned): its entry becomes stale.
    #[inline]
    pub fn forget_one(&mut self) {
        self.len -= 1;
        self.stale += 1;
    }
    /// Whether stale entries outnumber the live ones (and a few more): then
    /// [`Self::compact`] is due, so the lanes hold at most 2 x live + 65 entries even when the
    /// queue never empties (a busy team whose low-priority callers give up). Each compaction
    /// follows at least live + 65 departures: amortised O(1) per departure.
    #[inline]
    pub fn bloated(&self) -> bool {
        self.stale > self.len + 64
    }
    /// Drops every stale entry (`live` says whether an entry is still waiting), keeping the
    /// others in order.
    #[cold]
    pub fn compact(&mut self, live: impl Fn(Waiting) -> bool) {
        for lane in self.lanes.iter_mut().chain(&mut self.deferred) {
            lane.retain(|&w| live(w));
        }
        self.stale = 0;
    }
    /// Moves the live entries that `pick` selects into `out` (in queue order), dropping stale
    /// ones; `pick` returns `None` for a stale entry, `Some(true)` to take a live one.
    pub fn take(&mut self, mut pick: impl FnMut(Waiting) -> Option<bool>, out: &mut Vec<Waiting>) {
        let mut taken = 0;
        for lane in self.lanes.iter_mut().chain(&mut self.deferred) {
            lane.retain(|&w| match pick(w) {
                None => false,
                Some(false) => true,
                Some(true) => {
                    out.push(w);
                    taken += 1;
                    false
                }
            });
        }
        self.len -= taken;
        // Every stale entry met is dropped.
        self.stale = 0;
    }
    /// The next live entry; `live` says whether an entry is still waiting.
    #[cfg(test)]
    pub fn pop(&mut self, live: impl FnMut(Waiting) -> bool) -> Option<Waiting> {
        self.pop_within(live, true)
    }

    /// [`TeamQueue::pop`] from the live lanes only, unless `deferred` allows the others too.
    #[cfg(test)]
    pub fn pop_within(
        &mut self,
        live: impl FnMut(Waiting) -> bool,
        deferred: bool,
    ) -> Option<Waiting> {
        let (lane, w) = self.head(live, |_| true, deferred)?;
        self.pop_lane(lane);
        Some(w)
    }

    /// With nobody waiting, drops the stale entries left behind (contacts that gave up or
    /// were taken elsewhere), so memory stays bounded by the live queue.
    #[inline]
    pub fn drop_stale(&mut self) {
        debug_assert_eq!(self.len, 0);
        if self.stale > 0 {
            self.lanes.iter_mut().for_each(VecDeque::clear);
            self.deferred.iter_mut().for_each(VecDeque::clear);
            self.stale = 0;
        }
    }

    /// The next live entry that `ok` accepts, and its lane, left in place: the head of the
    /// most urgent live lane whose live head `ok` accepts, then (if `deferred` allows them)
    /// the deferred lanes likewise. Stale entries met on the way are dropped; `live` says
    /// whether an entry is still waiting.
    #[inline]
    pub fn head(
        &mut self,
        mut live: impl FnMut(Waiting) -> bool,
        ok: impl Fn(Waiting) -> bool,
        deferred: bool,
    ) -> Option<(usize, Waiting)> {
        if self.len == 0 {
            self.drop_stale();
            return None;
        }
        let deferred_lanes = if deferred {
            &mut self.deferred[..]
        } else {
            &mut []
        };
        for (i, lane) in self.lanes.iter_mut().chain(deferred_lanes).enumerate() {
            while let Some(&w) = lane.front() {
                if !live(w) {
                    lane.pop_front();
                    self.stale = self.stale.saturating_sub(1);
                    continue;
                }
                if ok(w) {
                    return Some((i, w));
                }
                break;
            }
        }
        None
    }

    /// Live entries in the live lanes only (deferred lanes left out); `live` says whether an
    /// entry is still waiting. Walks the lanes: for occasional use (a callback offer).
    pub fn live_lanes_len(&self, live: impl Fn(Waiting) -> bool) -> u32 {
        self.lanes.iter().flatten().filter(|&&w| live(w)).count() as u32
    }

    /// Removes the head of `lane` (live lanes first, then deferred ones, as [`Self::head`]
    /// numbers them), a live entry found by [`Self::head`].
    #[inline]
    pub fn pop_lane(&mut self, lane: usize) {
        match lane.checked_sub(LANES) {
            None => self.lanes[lane].pop_front(),
            Some(d) => self.deferred[d].pop_front(),
        };
        self.len -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Entries held in all lanes, stale ones included.
    fn entries(q: &TeamQueue) -> usize {
        q.lanes.iter().chain(&q.deferred).map(VecDeque::len).sum()
    }

    #[test]
    fn priority_lanes_serve_urgent_first_and_skip_stale() {
        let mut q = TeamQueue::new(true);
        q.push(
            Waiting {
                contact: 1,
                vgen: 0,
            },
            3,
        );
        q.push(
            Waiting {
                contact: 2,
                vgen: 0,
            },
            0,
        );
        q.push(
            Waiting {
                contact: 3,
                vgen: 0,
            },
            0,
        );
        q.forget_one(); // contact 2 abandoned
        let got = q.pop(|w| w.contact != 2).unwrap();
        assert_eq!(got.contact, 3);
        assert_eq!(q.pop(|_| true).unwrap().contact, 1);
        assert!(q.pop(|_| true).is_none());
    }

    #[test]
    fn stale_entries_are_dropped_once_nobody_waits() {
        let mut q = TeamQueue::new(true);
        let w = |contact| Waiting { contact, vgen: 0 };
        q.push_lane(w(1), 0, false);
        q.push_lane(w(2), 3, true);
        q.forget_one();
        q.forget_one();
        assert_eq!(q.len(), 0);
        assert_eq!(entries(&q), 2, "left in place until cleared");
        q.drop_stale();
        assert_eq!(entries(&q), 0);
        // Nothing left to clear: a later call is a no-op, and new entries stay.
        q.push(w(3), 0);
        q.pop_lane(0);
        q.drop_stale();
        q.push(w(4), 0);
        assert_eq!(q.pop(|_| true).unwrap().contact, 4);
    }

    #[test]
    fn a_queue_that_never_empties_keeps_its_stale_entries_bounded() {
        // Priority lanes: urgent contacts keep the queue busy while low-priority ones give up
        // behind them, so the queue never empties and head() never reaches the stale ones.
        let mut q = TeamQueue::new(true);
        let w = |contact| Waiting { contact, vgen: 0 };
        let mut gone = std::collections::HashSet::new();
        q.push(w(0), 0);
        // Every tenth low-priority contact stays: their order must survive compaction.
        let mut compactions = 0;
        for c in 1..10_000 {
            q.push(w(c), 3);
            if c % 10 != 0 {
                q.forget_one();
                gone.insert(c);
                if q.bloated() {
                    q.compact(|w| !gone.contains(&w.contact));
                    compactions += 1;
                }
            }
            assert!(
                entries(&q) <= 2 * q.len() as usize + 65,
                "{} entries",
                entries(&q)
            );
        }
        // 9,000 departures, each compaction after at least live + 65 of them: not one per
        // departure (quadratic), nor none (unbounded).
        assert!(
            (10..=140).contains(&compactions),
            "{compactions} compactions"
        );
        let live = |w: Waiting| !gone.contains(&w.contact);
        let order: Vec<u32> = std::iter::from_fn(|| q.pop(live).map(|w| w.contact)).collect();
        let want: Vec<u32> = std::iter::once(0).chain((10..10_000).step_by(10)).collect();
        assert_eq!(order, want);
    }

    #[test]
    fn deferred_entries_wait_behind_live_ones_and_only_when_allowed() {
        let mut q = TeamQueue::new(false);
        let w = |contact| Waiting { contact, vgen: 0 };
        q.push_lane(w(1), 2, true);
        q.push_lane(w(2), 2, false);
        q.push_lane(w(3), 2, true);
        assert_eq!(q.pop_within(|_| true, false).unwrap().contact, 2);
        assert!(q.pop_within(|_| true, false).is_none());
        assert_eq!(q.len(), 2);
        assert_eq!(q.pop(|_| true).unwrap().contact, 1);
        assert_eq!(q.pop(|_| true).unwrap().contact, 3);
        assert!(q.pop(|_| true).is_none());
    }

    #[test]
    fn take_moves_picked_entries_and_drops_stale_ones() {
        let mut q = TeamQueue::new(false);
        for c in 0..5 {
            q.push(
                Waiting {
                    contact: c,
                    vgen: 0,
                },
                2,
            );
        }
        q.forget_one(); // contact 1 abandoned
        let mut out = Vec::new();
        q.take(|w| (w.contact != 1).then_some(w.contact % 2 == 0), &mut out);
        assert_eq!(out.iter().map(|w| w.contact).collect::<Vec<_>>(), [0, 2, 4]);
        assert_eq!(q.len(), 1);
        assert_eq!(q.pop(|_| true).unwrap().contact, 3);
        assert!(q.pop(|_| true).is_none());
    }

    #[test]
    fn head_skips_a_lane_whose_head_is_not_accepted_and_leaves_the_entry_in_place() {
        let mut q = TeamQueue::new(true);
        for (c, prio) in [(1, 0), (2, 0), (3, 2)] {
            q.push(
                Waiting {
                    contact: c,
                    vgen: 0,
                },
                prio,
            );
        }
        // Contact 1 is not yet visible: lane 0's head blocks lane 0, lane 2 answers.
        let (lane, w) = q.head(|_| true, |w| w.contact != 1, false).unwrap();
        assert_eq!((lane, w.contact), (2, 3));
        assert_eq!(q.len(), 3);
        q.pop_lane(lane);
        assert_eq!(q.pop(|_| true).unwrap().contact, 1);
        assert_eq!(q.len(), 1);
    }
}
