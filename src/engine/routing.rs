//! Routing: which team's queue a contact joins on arrival, which pool serves an arriving
//! contact (the agent-selection policy: overflow order, longest idle, fewest skills), which
//! waiting contact a freed agent takes (the work-selection policy: skill rank, longest
//! waiting, priority), time-based overflow (a pool sees a queue's contacts only after they
//! waited its skill's `after`), and where a contact goes after a team handled it: resolved, lost, or passed on, with
//! triage errors that land it on a wrong team first. Queue `i` is team `i`'s; pool `i` is
//! team `i`'s own, shared pools follow.

use super::pool::Pool;
use crate::model::{ChannelId, Model, Outcome, PoolId, QueueId, TeamId, TeamModel, TypeId, unit};
use crate::scenario::{AgentSelection, ChannelKind, WorkSelection};
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

/// The pool whose agent takes a contact arriving in `queue`, by the agent-selection policy,
/// among the pools serving it that see it at once (no time-based overflow) and have a free
/// agent for a contact of `kind` (more than `need` free: a blending team's reserve for deferred work; or one holding that kind below its concurrency limit): the first in
/// overflow order, the one whose agent has been idle longest, or the one with the fewest skills
/// (ties by overflow order).
#[inline(always)]
pub(super) fn free_server(
    m: &Model,
    queue: QueueId,
    pools: &[Pool],
    need: u32,
    kind: Option<ChannelKind>,
) -> Option<(PoolId, f64)> {
    // One pool (the common case): every policy picks it if it can take the contact.
    if let &[(p, proficiency)] = servers(m, queue) {
        return usable(m, &pools[p.index()], p, queue, need, kind).then_some((p, proficiency));
    }
    free_server_among(m, queue, pools, need, kind)
}

/// [`free_server`] for a queue that several pools serve.
#[inline(never)]
fn free_server_among(
    m: &Model,
    queue: QueueId,
    pools: &[Pool],
    need: u32,
    kind: Option<ChannelKind>,
) -> Option<(PoolId, f64)> {
    let mut open = servers(m, queue)
        .iter()
        .copied()
        .filter(|&(p, _)| usable(m, &pools[p.index()], p, queue, need, kind));
    match m.routing.agent {
        AgentSelection::Overflow => open.next(),
        AgentSelection::LongestIdle => first_min_by(open, |&(p, _)| {
            pools[p.index()]
                .longest_idle_since()
                .unwrap_or(f64::INFINITY)
        }),
        AgentSelection::FewestSkills => first_min_by(open, |&(p, _)| work_for(m, p).len() as f64),
    }
}

/// Whether `pool` (`p`) can take a contact of `kind` arriving in `queue` now: it sees the
/// contact at once and has an agent for it (see [`free_server`]).
#[inline(always)]
fn usable(
    m: &Model,
    pool: &Pool,
    p: PoolId,
    queue: QueueId,
    need: u32,
    kind: Option<ChannelKind>,
) -> bool {
    pool.open_for(kind, need) && m.routing.after(p, queue) == 0.0
}

/// The first item with the smallest key.
#[inline]
fn first_min_by<T>(items: impl Iterator<Item = T>, key: impl Fn(&T) -> f64) -> Option<T> {
    let mut best: Option<(f64, T)> = None;
    for it in items {
        let k = key(&it);
        if best.as_ref().is_none_or(|(b, _)| k < *b) {
            best = Some((k, it));
        }
    }
    best.map(|(_, it)| it)
}

/// A waiting contact a freed agent could take: the head of one of its queues.
#[derive(Clone, Copy, Debug)]
pub(super) struct Candidate {
    /// When it joined the queue.
    pub enqueued: f64,
    /// 0 = most urgent.
    pub priority: u8,
}

/// Whether a freed agent takes the first candidate found in rank order without looking at the
/// others (skill rank).
#[inline]
pub(super) fn first_found_wins(m: &Model) -> bool {
    m.routing.work == WorkSelection::SkillRank
}

/// Whether a freed agent prefers candidate `c` to `best`, found earlier in rank order, by the
/// work-selection policy: the longest waiting, or the most urgent then the longest waiting;
/// ties go to `best` (the better rank).
#[inline]
pub(super) fn prefers(m: &Model, c: Candidate, best: Candidate) -> bool {
    match m.routing.work {
        WorkSelection::SkillRank => false,
        WorkSelection::LongestWaiting => c.enqueued < best.enqueued,
        WorkSelection::Priority => {
            c.priority < best.priority
                || (c.priority == best.priority && c.enqueued < best.enqueued)
        }
    }
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
#[inline]
pub(super) fn after_handling(tm: &TeamModel, ty: TypeId, rng: &mut Pcg64Mcg) -> Next {
    let route = tm.routes[ty.index()]
        .as_ref()
        .expect("validated: every reachable team has a route");
    match route.pick(unit(rng)) {
        Outcome::Resolve => Next::Resolve,
        Outcome::Lose => Next::Lose,
        Outcome::Pass(to) => match tm.triage.as_ref().and_then(|t| misroute(t, to, rng)) {
            Some(wrong) => Next::Pass {
                to: wrong,
                target: Some(to),
            },
            None => Next::Pass { to, target: None },
        },
    }
}

/// With probability `1 - accuracy`, a wrong team instead of `right`: uniformly among the
/// `confused` ones other than `right` (none if there are none).
fn misroute(
    (accuracy, confused): &(f64, Vec<TeamId>),
    right: TeamId,
    rng: &mut Pcg64Mcg,
) -> Option<TeamId> {
    if unit(rng) < *accuracy {
        return None;
    }
    // No allocation: count, then take the k-th.
    let n = confused.iter().filter(|&&t| t != right).count();
    if n == 0 {
        return None;
    }
    let k = ((unit(rng) * n as f64) as usize).min(n - 1);
    confused.iter().copied().filter(|&t| t != right).nth(k)
}

/// The queue a new contact of type `ty` on `channel` joins: its entry team's, or, where the
/// channel routes by skill and the skill is not recognised, a wrong skill's (returned with
/// the right one as the target).
pub(super) fn enter(
    m: &Model,
    channel: ChannelId,
    ty: TypeId,
    rng: &mut Pcg64Mcg,
) -> (TeamId, Option<TeamId>) {
    let right = entry(m, channel, ty);
    match m.channels[channel.index()]
        .misentry
        .as_ref()
        .and_then(|t| misroute(t, right, rng))
    {
        Some(wrong) => (wrong, Some(right)),
        None => (right, None),
    }
}
