//! Compiled omnichannel behaviour: callbacks (virtual hold) on a channel, and time-triggered
//! escalation at a team. A team's blend is its reserve (`TeamModel::blend`).

use super::TeamId;

/// A compiled callback offer (see [`crate::scenario::Callback`]); times in seconds.
#[derive(Clone, Copy, Debug)]
pub struct CallbackModel {
    /// Offer when the expected wait on arrival exceeds this.
    pub threshold: f64,
    pub accept: f64,
    pub reach: f64,
    pub dial: f64,
    pub retry_after: f64,
    pub max_tries: u32,
}

/// A compiled time-triggered escalation: after `after` seconds in the team's queue, the
/// contact moves to team `to`.
#[derive(Clone, Copy, Debug)]
pub struct EscalateModel {
    pub after: f64,
    pub to: TeamId,
}
