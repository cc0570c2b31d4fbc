//! Routing: which team's queue a contact joins on arrival, which pool serves a queue (and
//! which queue a freed agent of a pool takes work from), and where a contact goes after a
//! team handled it: resolved, lost, or passed on, with triage errors that land it on a wrong
//! team first. A team is today one queue served by one pool, both numbered like the team.

use crate::model::{ChannelId, Model, Outcome, PoolId, QueueId, TeamId, TeamModel, TypeId, unit};
use rand_pcg::Pcg64Mcg;

/// The team whose queue a new contact of type `ty` on `channel` joins.
#[inline]
pub(super) fn entry(m: &Model, channel: ChannelId, ty: TypeId) -> TeamId {
    m.channels[channel.index()].entry[ty.index()]
}

/// The queue where contacts for `team` wait.
#[inline]
pub(super) fn queue_of(team: TeamId) -> QueueId {
    QueueId(team.0)
}

/// The pool whose agents serve `queue`.
#[inline]
pub(super) fn pool_for(queue: QueueId) -> PoolId {
    PoolId(queue.0)
}

/// The queue a freed agent of `pool` takes work from.
#[inline]
pub(super) fn work_for(pool: PoolId) -> QueueId {
    QueueId(pool.0)
}

/// The team whose queue is `queue` (for statistics, which are kept per team).
#[inline]
pub(super) fn team_of(queue: QueueId) -> TeamId {
    TeamId(queue.0)
}

/// Where a contact goes after a team handled it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Next {
    Resolve,
    Lose,
    /// Passed on to `to`; when triage erred, `to` is a wrong team and `target` the right one.
    Pass {
        to: TeamId,
        target: Option<TeamId>,
    },
}

/// Draws what happens after team `tm` handled a contact of type `ty`, from the contact's
/// own stream: its route, then (for a hand-off) whether triage sends it to a wrong team,
/// chosen uniformly among the team's confusable ones.
pub(super) fn after_handling(tm: &TeamModel, ty: TypeId, rng: &mut Pcg64Mcg) -> Next {
    let route = tm.routes[ty.index()]
        .as_ref()
        .expect("validated: every reachable team has a route");
    match route.pick(unit(rng)) {
        Outcome::Resolve => Next::Resolve,
        Outcome::Lose => Next::Lose,
        Outcome::Pass(to) => {
            if let Some((acc, confused)) = &tm.triage
                && unit(rng) >= *acc
            {
                // A wrong team, uniformly among the others (no allocation).
                let n = confused.iter().filter(|&&t| t != to).count();
                if n > 0 {
                    let k = ((unit(rng) * n as f64) as usize).min(n - 1);
                    let wrong = confused
                        .iter()
                        .copied()
                        .filter(|&t| t != to)
                        .nth(k)
                        .expect("k < n");
                    return Next::Pass {
                        to: wrong,
                        target: Some(to),
                    };
                }
            }
            Next::Pass { to, target: None }
        }
    }
}
