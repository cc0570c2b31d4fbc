//! Blended live and deferred work at a team (`blend`): deferred contacts (written channels:
//! email, portal, social, monitoring) wait in lanes behind every live one, and are taken only
//! while more than the team's reserve of agents of the serving pool is free. Service is
//! non-preemptive: a deferred contact in service is finished first.

use super::super::observe::Observer;
use super::super::queue::Waiting;
use super::Sim;
use crate::model::{Model, QueueId, TeamId};

/// Whether an agent of a pool with `free` agents free may take a deferred contact of `team`.
#[inline]
pub(super) fn takes_deferred(m: &Model, team: TeamId, free: u32) -> bool {
    m.teams[team.index()].blend.is_none_or(|k| free > k)
}

impl<O: Observer> Sim<'_, O> {
    /// Whether contact `idx` is deferred work at `team` (a blending team, a written channel).
    #[inline]
    pub(super) fn is_deferred(&self, idx: u32, team: TeamId) -> bool {
        let m = self.m;
        m.teams[team.index()].blend.is_some()
            && m.channels[self.contacts[idx as usize].channel.index()]
                .kind
                .is_written()
    }

    /// Free agents a serving pool must have, beyond which it takes contact `idx` at `team`:
    /// the team's reserve for deferred work, none for live.
    #[inline]
    pub(super) fn free_needed(&self, idx: u32, team: TeamId) -> u32 {
        if self.is_deferred(idx, team) {
            self.m.teams[team.index()].blend.unwrap_or(0)
        } else {
            0
        }
    }

    /// Contact `idx` (in queue visit `vgen`) joins queue `q` of `team`: in its priority's lane,
    /// behind the live ones if it is deferred work there.
    #[inline]
    pub(super) fn push_waiting(&mut self, q: QueueId, team: TeamId, idx: u32, vgen: u32) {
        let deferred = self.is_deferred(idx, team);
        let priority = self.contacts[idx as usize].priority;
        self.queue(q)
            .push_lane(Waiting { contact: idx, vgen }, priority, deferred);
    }
}
