//! Routing: which team's queue a contact joins on arrival, which pool serves a waiting
//! contact (overflow order: the team's own pool, then shared pools by the rank of their skill
//! for it), which queue a freed agent takes work from (by skill rank: primary skill first),
//! and where a contact goes after a team handled it: resolved, lost, or passed on, with
//! triage errors that land it on a wrong team first. Queue `i` is team `i`'s; pool `i` is
//! team `i`'s own, shared pools follow.

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

/// The team whose queue is `queue` (for statistics, which are kept per team).
#[inline]
pub(super) fn team_of(queue: QueueId) -> TeamId {
    TeamId(queue.0)
}

/// A team's own pool.
#[inline]
pub(super) fn own_pool(team: TeamId) -> PoolId {
    PoolId(team.0)
}

/// The pools serving `queue`, in overflow order (its team's own first, then by rank), each
/// with its handling-time multiplier.
#[inline]
pub(super) fn servers(m: &Model, queue: QueueId) -> &[(PoolId, f64)] {
    &m.servers[queue.index()]
}

/// The queues a freed agent of `pool` takes work from, primary skill first.
#[inline]
pub(super) fn work_for(m: &Model, pool: PoolId) -> &[(QueueId, f64)] {
    &m.work[pool.index()]
}

/// Overflow order: the first pool serving `queue` with a free agent, if any.
#[inline]
pub(super) fn free_server(
    m: &Model,
    queue: QueueId,
    free: impl Fn(PoolId) -> bool,
) -> Option<(PoolId, f64)> {
    servers(m, queue).iter().copied().find(|&(p, _)| free(p))
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
