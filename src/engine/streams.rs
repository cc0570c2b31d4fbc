//! Random streams keyed by (seed, replication, purpose, key). Demand-side streams are keyed by
//! channel names, never by the organisation, so two designs see the same demand (common random
//! numbers), and nothing depends on thread count or the order replications run in.

use crate::hash::mix64;
use rand_pcg::Pcg64Mcg;

/// What a stream is for.
#[derive(Clone, Copy, Debug)]
#[repr(u64)]
pub enum Purpose {
    /// Arrival times of a channel.
    Arrivals = 1,
    /// A channel's contact attributes: type, priority, patience, and each contact's own seed.
    Demand = 2,
    /// An organisation's own randomness (agents' other duties).
    Organisation = 3,
}

/// The stream for `(seed, replication, purpose, key)`.
pub fn stream(seed: u64, replication: u64, purpose: Purpose, key: u64) -> Pcg64Mcg {
    let a = mix64(seed ^ mix64(replication.wrapping_add(0x9e37_79b9_7f4a_7c15)));
    let b = mix64(a ^ mix64((purpose as u64).wrapping_mul(0xd1b5_4a32_d192_ed03) ^ key));
    contact_stream(a, b)
}

/// A contact's own stream (handling times, routing draws, retry decisions), from two words.
#[inline]
pub fn contact_stream(hi: u64, lo: u64) -> Pcg64Mcg {
    // The MCG state must be odd.
    Pcg64Mcg::new(((u128::from(mix64(hi)) << 64) | u128::from(mix64(lo))) | 1)
}
