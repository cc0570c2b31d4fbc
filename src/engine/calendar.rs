//! The event calendar: a binary heap ordered by (time, insertion sequence), so events at the
//! same time fire in the order they were scheduled and runs repeat exactly.

use crate::model::{ChannelId, PoolId, StreamId};

/// Everything that can happen; payloads are indices, so a record is 12 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// The next arrival on a channel.
    Arrival(ChannelId),
    /// The next incident of an incident stream (on the channel this design gives it).
    Incident(StreamId),
    /// A customer contacts again (a duplicate of the same incident).
    Retry(u32),
    /// An agent finishes handling a contact.
    ServiceEnd(u32),
    /// A waiting contact's patience runs out, if it is still in queue visit `gen`.
    Patience(u32, u32),
    /// An automated flow (chatbot, self-service) finishes with a contact.
    SelfServiceEnd(u32),
    /// A customer chases incident slot `.0` if it still holds incident `.1` (low 32 bits).
    Chase(u32, u32),
    /// A reporting interval ends: staffing and opening hours may change.
    Tick,
    /// A resolved incident's wait on the customer ends (it closes, or reopens later).
    Resume(u32),
    /// A resolved incident reopens: a new contact of the same incident.
    Reopen(u32),
    /// A waiting contact, if still in queue visit `.1`, has waited long enough for pools with
    /// time-based overflow to see it.
    Overflow(u32, u32),
    /// An agent (`.1`) of a pool finishes its after-contact work.
    WrapUpEnd(PoolId, u32),
    /// An agent of a pool switches between this work and other duties (`version` guards
    /// against stale toggles after a staffing change).
    Duty(PoolId, u32),
    /// An agent finishes a contact it held with others (concurrency), if the end still
    /// carries the contact's current version `.1`.
    ConcurrentEnd(u32, u32),
    /// An agent's call back to contact `.0` did not reach the customer: the agent is free.
    CallbackDialEnd(u32),
    /// The next call back to contact `.0` is due: it rejoins its team's queue.
    CallbackRetry(u32),
    /// Contact `.0` has waited its team's escalation time, if still in queue visit `.1`.
    Escalate(u32, u32),
    /// The next item (a mention or a monitoring event) of feed `.0` of [`Model::feeds`].
    ///
    /// [`Model::feeds`]: crate::model::Model::feeds
    Feed(u16),
}

/// A scheduled event. The key packs the time's bits (monotone for non-negative floats) above
/// the insertion sequence, so ordering is one integer comparison.
#[derive(Clone, Copy, Debug)]
struct Entry {
    key: u128,
    event: Event,
}

/// The key of an empty arrival lane: later than any event.
const EMPTY: u128 = u128::MAX;

impl Entry {
    fn time(&self) -> f64 {
        f64::from_bits((self.key >> 64) as u64)
    }
}

/// Children per node of the heap: a 4-ary heap is half as deep as a binary one, and a node's
/// children share a cache line or two.
const ARITY: usize = 4;

/// Pending events: a 4-ary min-heap, plus one lane per arrival source (a channel's or an
/// incident stream's next arrival, of which there is at most one at a time) kept outside it.
/// Every event gets its key (time, then scheduling order) when scheduled, wherever it is
/// kept, so events fire in the same order as from a single heap.
#[derive(Default)]
pub struct Calendar {
    heap: Vec<Entry>,
    seq: u64,
    /// By [`lane_of`], created on first use: the pending arrival, or [`EMPTY`].
    lanes: Vec<Entry>,
    /// Index of the lane holding the earliest arrival (meaningless while all are empty).
    first_lane: usize,
}

impl Calendar {
    pub fn with_capacity(n: usize) -> Self {
        Calendar {
            heap: Vec::with_capacity(n),
            ..Calendar::default()
        }
    }

    /// Schedules `event` at `time` (a non-negative, finite number of seconds).
    #[inline(always)]
    pub fn schedule(&mut self, time: f64, event: Event) {
        debug_assert!(time >= 0.0 && time.is_finite(), "event time {time}");
        self.seq += 1;
        // +0.0 turns -0.0 (whose bits would sort last) into 0.0.
        let bits = (time + 0.0).to_bits();
        let entry = Entry {
            key: (u128::from(bits) << 64) | u128::from(self.seq),
            event,
        };
        if let Some(lane) = lane_of(event)
            && self.lane_is_free(lane)
        {
            self.lanes[lane] = entry;
            if entry.key < self.lanes[self.first_lane].key {
                self.first_lane = lane;
            }
        } else {
            self.push(entry);
        }
    }

    /// Whether `lane` holds no arrival (creating it and those before it if new).
    fn lane_is_free(&mut self, lane: usize) -> bool {
        if lane >= self.lanes.len() {
            self.lanes.resize(
                lane + 1,
                Entry {
                    key: EMPTY,
                    event: Event::Tick,
                },
            );
        }
        self.lanes[lane].key == EMPTY
    }

    /// The earliest event, if any.
    #[inline]
    pub fn pop(&mut self) -> Option<(f64, Event)> {
        let lane_key = self.lanes.get(self.first_lane).map_or(EMPTY, |e| e.key);
        let heap_key = self.heap.first().map_or(EMPTY, |e| e.key);
        let e = if lane_key < heap_key {
            let e = self.lanes[self.first_lane];
            self.lanes[self.first_lane].key = EMPTY;
            self.first_lane = (0..self.lanes.len())
                .min_by_key(|&i| self.lanes[i].key)
                .unwrap_or(0);
            e
        } else if heap_key < EMPTY {
            self.pop_heap()
        } else {
            return None;
        };
        Some((e.time(), e.event))
    }

    /// Time of the earliest event.
    pub fn peek_time(&self) -> Option<f64> {
        let lane = self.lanes.get(self.first_lane).map_or(EMPTY, |e| e.key);
        let heap = self.heap.first().map_or(EMPTY, |e| e.key);
        let key = lane.min(heap);
        (key < EMPTY).then(|| f64::from_bits((key >> 64) as u64))
    }

    #[inline]
    fn push(&mut self, entry: Entry) {
        let h = &mut self.heap;
        let mut i = h.len();
        h.push(entry);
        while i > 0 {
            let parent = (i - 1) / ARITY;
            if h[parent].key <= entry.key {
                break;
            }
            h[i] = h[parent];
            i = parent;
        }
        h[i] = entry;
    }

    #[inline]
    fn pop_heap(&mut self) -> Entry {
        let h = &mut self.heap;
        let top = h[0];
        let last = h.pop().expect("pop_heap on a non-empty heap");
        let n = h.len();
        if n > 0 {
            let mut i = 0;
            loop {
                let first = ARITY * i + 1;
                if first >= n {
                    break;
                }
                let mut child = first;
                for c in first + 1..(first + ARITY).min(n) {
                    if h[c].key < h[child].key {
                        child = c;
                    }
                }
                if last.key <= h[child].key {
                    break;
                }
                h[i] = h[child];
                i = child;
            }
            h[i] = last;
        }
        top
    }
}

/// The lane of an arrival event: channel `c` takes lane `2c`, incident stream `s` lane
/// `2s + 1` (interleaved, as neither count is known here).
#[inline]
fn lane_of(event: Event) -> Option<usize> {
    match event {
        Event::Arrival(ch) => Some(2 * ch.index()),
        Event::Incident(st) => Some(2 * st.index() + 1),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_time_events_fire_in_scheduling_order() {
        let mut c = Calendar::default();
        c.schedule(5.0, Event::Tick);
        c.schedule(1.0, Event::Arrival(ChannelId(2)));
        c.schedule(1.0, Event::Arrival(ChannelId(1)));
        c.schedule(1.0, Event::Retry(9));
        let order: Vec<_> = std::iter::from_fn(|| c.pop()).collect();
        assert_eq!(
            order,
            vec![
                (1.0, Event::Arrival(ChannelId(2))),
                (1.0, Event::Arrival(ChannelId(1))),
                (1.0, Event::Retry(9)),
                (5.0, Event::Tick)
            ]
        );
    }

    /// Arrivals kept in lanes and other events in the heap come out in time order, ties in
    /// scheduling order, exactly as from one sorted list (random times, few distinct ones so
    /// that ties are common).
    #[test]
    fn lanes_and_heap_pop_in_key_order() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(3);
        let mut c = Calendar::default();
        let mut want = Vec::new();
        let mut now = 0.0;
        let mut n = 0u64;
        for step in 0..20_000 {
            if step % 3 != 2 {
                let t = now + f64::from(rng.random_range(0..4u32));
                let ev = match rng.random_range(0..4u32) {
                    0 => Event::Arrival(ChannelId(rng.random_range(0..3u16))),
                    1 => Event::Incident(StreamId(rng.random_range(0..2u16))),
                    _ => Event::ServiceEnd(rng.random_range(0..50u32)),
                };
                n += 1;
                c.schedule(t, ev);
                want.push((t, n, ev));
            } else if let Some((t, ev)) = c.pop() {
                want.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                let (wt, _, wev) = want.remove(0);
                assert_eq!((t, ev), (wt, wev));
                assert_eq!(c.peek_time(), want.iter().map(|w| w.0).reduce(f64::min));
                now = t;
            }
        }
    }

    #[test]
    fn event_records_are_compact() {
        assert!(std::mem::size_of::<Event>() <= 12);
    }
}
