//! The event calendar: a binary heap ordered by (time, insertion sequence), so events at the
//! same time fire in the order they were scheduled and runs repeat exactly.

use crate::model::{ChannelId, PoolId, StreamId};
use std::cmp::Ordering;
use std::collections::BinaryHeap;

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
}

/// A scheduled event. The key packs the time's bits (monotone for non-negative floats) above
/// the insertion sequence, so ordering is one integer comparison.
#[derive(Clone, Copy, Debug)]
struct Entry {
    key: u128,
    event: Event,
}

impl Entry {
    fn time(&self) -> f64 {
        f64::from_bits((self.key >> 64) as u64)
    }
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    // Reversed: the heap's maximum is the earliest event.
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        other.key.cmp(&self.key)
    }
}

/// Pending events.
#[derive(Default)]
pub struct Calendar {
    heap: BinaryHeap<Entry>,
    seq: u64,
}

impl Calendar {
    pub fn with_capacity(n: usize) -> Self {
        Calendar {
            heap: BinaryHeap::with_capacity(n),
            seq: 0,
        }
    }
    /// Schedules `event` at `time` (a non-negative, finite number of seconds).
    #[inline]
    pub fn schedule(&mut self, time: f64, event: Event) {
        debug_assert!(time >= 0.0 && time.is_finite(), "event time {time}");
        self.seq += 1;
        // +0.0 turns -0.0 (whose bits would sort last) into 0.0.
        let bits = (time + 0.0).to_bits();
        self.heap.push(Entry {
            key: (u128::from(bits) << 64) | u128::from(self.seq),
            event,
        });
    }
    /// The earliest event, if any.
    #[inline]
    pub fn pop(&mut self) -> Option<(f64, Event)> {
        self.heap.pop().map(|e| (e.time(), e.event))
    }
    /// Time of the earliest event.
    pub fn peek_time(&self) -> Option<f64> {
        self.heap.peek().map(Entry::time)
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

    #[test]
    fn event_records_are_compact() {
        assert!(std::mem::size_of::<Event>() <= 12);
    }
}
