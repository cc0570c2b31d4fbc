//! A team's waiting line: FIFO, or one FIFO lane per priority served most urgent first.
//! Abandoned contacts are removed lazily: entries carry the contact's queue generation and
//! stale ones are skipped when they reach the head, so abandoning is O(1).

use std::collections::VecDeque;

/// One waiting contact: its index and the generation of its queue visit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Waiting {
    pub contact: u32,
    pub vgen: u32,
}

/// Lanes by priority (lane 0 only, for FIFO).
#[allow(clippy::len_without_is_empty)]
pub struct TeamQueue {
    lanes: [VecDeque<Waiting>; 4],
    by_priority: bool,
    /// Contacts really waiting (stale entries excluded).
    len: u32,
}

impl TeamQueue {
    pub fn new(by_priority: bool) -> Self {
        TeamQueue {
            lanes: Default::default(),
            by_priority,
            len: 0,
        }
    }
    #[inline]
    pub fn len(&self) -> u32 {
        self.len
    }
    #[inline]
    pub fn push(&mut self, w: Waiting, priority: u8) {
        let lane = if self.by_priority {
            priority as usize
        } else {
            0
        };
        self.lanes[lane].push_back(w);
        self.len += 1;
    }
    /// A waiting contact left (abandoned): its entry becomes stale.
    #[inline]
    pub fn forget_one(&mut self) {
        self.len -= 1;
    }
    /// Moves the live entries that `pick` selects into `out` (in queue order), dropping stale
    /// ones; `pick` returns `None` for a stale entry, `Some(true)` to take a live one.
    pub fn take(&mut self, mut pick: impl FnMut(Waiting) -> Option<bool>, out: &mut Vec<Waiting>) {
        let mut taken = 0;
        for lane in &mut self.lanes {
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
    }
    /// The next live entry; `live` says whether an entry is still waiting.
    #[cfg(test)]
    pub fn pop(&mut self, live: impl FnMut(Waiting) -> bool) -> Option<Waiting> {
        let (lane, w) = self.head(live, |_| true)?;
        self.pop_lane(lane);
        Some(w)
    }

    /// The next live entry that `ok` accepts, and its lane, left in place: the head of the
    /// most urgent lane whose live head `ok` accepts. Stale entries met on the way are
    /// dropped; `live` says whether an entry is still waiting.
    #[inline]
    pub fn head(
        &mut self,
        mut live: impl FnMut(Waiting) -> bool,
        ok: impl Fn(Waiting) -> bool,
    ) -> Option<(usize, Waiting)> {
        if self.len == 0 {
            // Drop stale entries so memory stays bounded by the live queue.
            self.lanes.iter_mut().for_each(VecDeque::clear);
            return None;
        }
        for (i, lane) in self.lanes.iter_mut().enumerate() {
            while let Some(&w) = lane.front() {
                if !live(w) {
                    lane.pop_front();
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

    /// Removes the head of `lane`, a live entry found by [`Self::head`].
    #[inline]
    pub fn pop_lane(&mut self, lane: usize) {
        self.lanes[lane].pop_front();
        self.len -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let (lane, w) = q.head(|_| true, |w| w.contact != 1).unwrap();
        assert_eq!((lane, w.contact), (2, 3));
        assert_eq!(q.len(), 3);
        q.pop_lane(lane);
        assert_eq!(q.pop(|_| true).unwrap().contact, 1);
        assert_eq!(q.len(), 1);
    }
}
