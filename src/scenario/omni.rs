//! Scenario fields for omnichannel behaviour: callbacks offered to waiting callers (virtual
//! hold), blended live and deferred work at a team, and time-triggered escalation. All are
//! optional, so scenarios without them run exactly as before.

use super::Dur;
use super::units::whole;
use serde::{Deserialize, Serialize};

/// Virtual hold: a caller whose expected wait on arrival exceeds `threshold` is offered a
/// callback; a share `accept` accepts, hangs up (freeing the phone line, never abandoning)
/// and keeps its place in the queue. When its turn comes an agent calls back, reaching the
/// customer with probability `reach`; a call that does not reach costs the agent `dial` and
/// is tried again `retry_after` later (at the back of the queue), up to `max_tries` calls in
/// all, after which the callback has failed.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Callback {
    /// Offer a callback when the expected wait on arrival exceeds this.
    pub threshold: Dur,
    /// Share of callers offered a callback who accept it.
    pub accept: f64,
    /// Probability that one call back reaches the customer (default 1).
    #[serde(default = "one")]
    pub reach: f64,
    /// Agent time spent on a call back that does not reach the customer (default 30 s).
    #[serde(default = "default_dial")]
    pub dial: Dur,
    /// Delay before calling again after a call back that did not reach (default 15 min).
    #[serde(default = "default_retry_after")]
    pub retry_after: Dur,
    /// Calls back in all before the callback counts as failed (default 3).
    #[serde(default = "three", deserialize_with = "whole")]
    pub max_tries: u32,
}

fn one() -> f64 {
    1.0
}

fn default_dial() -> Dur {
    Dur::from_secs(30.0)
}

fn default_retry_after() -> Dur {
    Dur::from_mins(15.0)
}

fn three() -> u32 {
    3
}

/// How a team blends live contacts (phone, chat, chatbot, organic, other) with deferred ones
/// (email, portal, social, monitoring) in its queue. Service is non-preemptive: a deferred
/// contact in service is finished before the agent takes a live one.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub enum Blend {
    /// Live contacts first; a deferred contact is taken only when no live one waits.
    LiveFirst,
    /// Live first, and a deferred contact is taken only while more than this many agents of
    /// the serving pool are free (they are kept for live work).
    Reserve(#[serde(deserialize_with = "whole")] u32),
}

/// Time-triggered (hierarchical) escalation: a contact that has waited `after` in this team's
/// queue moves to team `to`'s queue, in addition to the routes applied after handling.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Escalate {
    pub after: Dur,
    pub to: String,
}
