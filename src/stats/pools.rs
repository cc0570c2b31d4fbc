//! Per-pool statistics: time integrals of busy and available agents (utilisation) and the
//! visits each pool served per team's queue (the share of a team's work a shared pool does).

use super::kpi::{Kpi, Scope};
use crate::model::Model;

/// One pool's statistics over one replication (after the warm-up).
#[derive(Clone, Debug)]
pub struct PoolStats {
    /// Agent-seconds busy, and agent-seconds available (rostered, not on other duties); with
    /// `held_area`, integrated here where [`integrals_used`], elsewhere (a team's own pool
    /// serving its team alone) taken from the team's integrals at the end of the run.
    pub busy_area: f64,
    pub capacity_area: f64,
    /// Visits started, per team whose queue they came from, and contacts taken, per incident
    /// type; counted only where a KPI reads them ([`served_used`]), zero elsewhere.
    pub served: Vec<u64>,
    pub served_types: Vec<u64>,
    /// Seconds of work (handling and after-contact work) per agent, after the warm-up.
    pub agent_work: Vec<f64>,
    /// Contact-seconds held (several per agent under concurrency).
    pub held_area: f64,
    last: f64,
    busy: u32,
    capacity: u32,
    held: u32,
    /// Whether the time integrals are kept.
    pub(super) integrate: bool,
}

/// Whether any KPI reads the visits pools served per team and per type: with shared pools
/// (their visits and served shares) or a queue that more than one pool serves (its overflow
/// share). Otherwise each team's own pool serves all its visits and nothing reads the counts.
pub fn served_used(m: &Model) -> bool {
    !m.shared_pools.is_empty() || m.servers.iter().any(|s| s.len() > 1)
}

/// Whether pool `i` integrates its own load over time: a shared pool, a pool with
/// concurrency (held contacts differ from busy agents), and every pool where pools share work
/// (shared pools, or a queue served by more than one pool: [`served_used`]). Otherwise a
/// team's own pool serves its team alone, its load changes only with its team's, and it takes
/// the team's integrals at the end of the run ([`PoolStats::take_team_areas`]).
pub fn integrals_used(m: &Model, i: usize) -> bool {
    i >= m.teams.len() || served_used(m) || !m.concurrency(crate::model::PoolId::at(i)).is_empty()
}

impl PoolStats {
    /// A pool's statistics; `integrate`: keep its time integrals ([`integrals_used`]).
    pub fn new(teams: usize, types: usize, integrate: bool) -> Self {
        PoolStats {
            busy_area: 0.0,
            capacity_area: 0.0,
            served: vec![0; teams],
            served_types: vec![0; types],
            agent_work: Vec::new(),
            held_area: 0.0,
            last: 0.0,
            busy: 0,
            capacity: 0,
            held: 0,
            integrate,
        }
    }

    /// The pool's load becomes (`busy` agents holding `held` contacts, `capacity`) at `now`;
    /// integrals run from `warmup`.
    #[inline]
    pub fn set(&mut self, now: f64, warmup: f64, busy: u32, held: u32, capacity: u32) {
        if !self.integrate {
            return;
        }
        let from = super::counted_from(self.last, warmup);
        if now > from {
            let dt = now - from;
            self.busy_area += f64::from(self.busy) * dt;
            self.held_area += f64::from(self.held) * dt;
            self.capacity_area += f64::from(self.capacity.max(self.busy)) * dt;
        }
        self.last = now;
        self.busy = busy;
        self.capacity = capacity;
        self.held = held;
    }

    /// A team's own pool that keeps no integrals takes them from its team's (busy agents,
    /// available agents or the busy if more; held contacts are the busy agents without
    /// concurrency), so that [`PoolStats::utilisation`] is the pool's all the same (to
    /// rounding): the team integrates at every change of its own pool's load.
    pub(super) fn take_team_areas(&mut self, [busy, capacity]: [f64; 2]) {
        if !self.integrate {
            self.busy_area = busy;
            self.capacity_area = capacity;
            self.held_area = busy;
        }
    }

    /// Agent `agent` worked from `from` to `to` (nothing if `to <= from`); the table grows to
    /// the pool's largest roster once, then stays.
    #[inline]
    pub fn worked(&mut self, agent: u32, from: f64, to: f64) {
        match self.agent_work.get_mut(agent as usize) {
            Some(w) if to > from => *w += to - from,
            Some(_) => {}
            None => self.worked_past_table(agent, from, to),
        }
    }

    /// [`PoolStats::worked`] by an agent the table does not have yet.
    #[cold]
    #[inline(never)]
    fn worked_past_table(&mut self, agent: u32, from: f64, to: f64) {
        self.agent_work.resize(agent as usize + 1, 0.0);
        self.worked(agent, from, to);
    }

    /// Busy agent-time over available agent-time.
    pub fn utilisation(&self) -> f64 {
        if self.capacity_area > 0.0 {
            self.busy_area / self.capacity_area
        } else {
            f64::NAN
        }
    }
}

/// Share of all work done by the busiest tenth of the agents: the `ceil(n / 10)` agents with
/// the most work over the `n` agents given (every agent the pools had, idle ones included).
/// With identical agents it is about `ceil(n / 10) / n` (a little more: the busiest are
/// picked after the fact); 1 means a few do everything. NaN when nobody worked.
pub fn busiest_tenth_share(work: impl Iterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = work.collect();
    let total: f64 = v.iter().sum();
    if v.is_empty() || total <= 0.0 {
        return f64::NAN;
    }
    v.sort_by(|a, b| b.total_cmp(a));
    let k = v.len().div_ceil(10);
    v[..k].iter().sum::<f64>() / total
}

/// Emits the shared pools' KPIs (visits, utilisation) and, for each team that shared pools
/// serve, the share of its visits they served (`overflow_share`).
pub fn emit(pools: &[PoolStats], m: &Model, emit: &mut impl FnMut(Kpi, Scope, f64)) {
    for (i, p) in pools.iter().enumerate().skip(m.teams.len()) {
        let scope = Scope::Pool(i as u16);
        emit(Kpi::Visits, scope, p.served.iter().sum::<u64>() as f64);
        emit(Kpi::Utilisation, scope, p.utilisation());
        let hours = m.rostered_hours(crate::model::PoolId::at(i));
        emit(Kpi::AgentHours, scope, hours);
        if let Some(c) = m.shared_pools[i - m.teams.len()].cost_per_hour {
            emit(
                Kpi::CostPerDay,
                scope,
                hours * c / ((m.horizon - m.warmup) / 86_400.0),
            );
        }
        emit(
            Kpi::BusiestTenthShare,
            scope,
            busiest_tenth_share(p.agent_work.iter().copied()),
        );
    }
    for (i, p) in pools.iter().enumerate() {
        debug_assert!(p.integrate || !integrals_used(m, i));
        let k = m
            .concurrency(crate::model::PoolId::at(i))
            .iter()
            .map(|c| c.limit)
            .max();
        let Some(k) = k else { continue };
        let scope = Scope::Pool(i as u16);
        if i < m.teams.len() {
            // A team's own pool: its utilisation is also the team's.
            emit(Kpi::Utilisation, scope, p.utilisation());
        }
        let occupancy = p.held_area / (p.capacity_area * f64::from(k));
        emit(Kpi::Occupancy, scope, occupancy);
        emit(Kpi::ConcurrencyMean, scope, p.held_area / p.busy_area);
    }
    emit(
        Kpi::BusiestTenthShare,
        Scope::Overall,
        busiest_tenth_share(pools.iter().flat_map(|p| p.agent_work.iter().copied())),
    );
    if !m.shared_pools.is_empty() {
        // Who serves each type: every pool, a team's own under the team's name.
        for ty in 0..m.types.len() {
            let all: u64 = pools.iter().map(|p| p.served_types[ty]).sum();
            for (i, p) in pools.iter().enumerate() {
                let share = if all > 0 {
                    p.served_types[ty] as f64 / all as f64
                } else {
                    f64::NAN
                };
                emit(Kpi::ServedShare(ty as u16), Scope::Pool(i as u16), share);
            }
        }
    }
    for t in (0..m.teams.len()).filter(|&t| m.servers[t].len() > 1) {
        let all: u64 = pools.iter().map(|p| p.served[t]).sum();
        let own = pools[t].served[t];
        let share = if all > 0 {
            (all - own) as f64 / all as f64
        } else {
            f64::NAN
        };
        emit(Kpi::OverflowShare, Scope::Team(t as u16), share);
    }
}

#[cfg(test)]
mod tests {
    use super::{busiest_tenth_share, integrals_used};
    use crate::engine::{Observer, PoolLoad};
    use crate::model::{PoolId, load_model};
    use crate::stats::Collector;

    /// Every KPI of a collector fed the same pool loads and visits, as bit patterns (NaN
    /// equals NaN); `keep_all`: keep every pool's integrals and visit counts.
    fn kpis_after_loads(m: &crate::model::Model, keep_all: bool) -> Vec<u64> {
        let mut c = Collector::new(m);
        if keep_all {
            c.pools.iter_mut().for_each(|p| p.integrate = true);
            c.count_served = true;
        }
        for k in 0..2_000u32 {
            let load = PoolLoad {
                busy: k % 7,
                held: k % 7 + k % 3,
                available: 7,
                scheduled: 7,
            };
            let pool = PoolId::at(k as usize % m.n_pools());
            c.pool_state(pool, f64::from(k) * 17.5, load);
            // Each team's queue served by the pools that serve it, in turn.
            let team = k as usize % m.teams.len();
            let servers = &m.servers[team];
            let (server, _) = servers[k as usize / m.teams.len() % servers.len()];
            let channel = crate::model::ChannelId(0);
            Observer::visit_started(&mut c, crate::model::TeamId::at(team), server, channel, 1.0);
            c.served_type(server, crate::model::TypeId(0));
        }
        let mut v = Vec::new();
        c.kpis(m, |_, _, x| v.push(x.to_bits()));
        v
    }

    /// A team's own pool that integrates nothing itself reports, at the end of the run, the
    /// utilisation it would have integrated: the team's load changes with its pool's.
    #[test]
    fn own_pool_takes_its_teams_integrals() {
        let m = load_model("scenarios/validation/mmc.ron".as_ref()).unwrap();
        let utilisation = |integrate: bool| {
            let mut c = Collector::new(&m);
            c.pools[0].integrate = integrate;
            for k in 0..5_000u32 {
                // Busy agents beyond the available ones now and then (overtime).
                let load = PoolLoad {
                    busy: k * 7 % 13,
                    held: k * 7 % 13,
                    available: 9 + k % 3,
                    scheduled: 11,
                };
                let now = m.warmup * 0.5 + f64::from(k) * 31.0;
                Observer::team_state(&mut c, crate::model::TeamId::at(0), now, load, k % 5);
                c.pool_state(PoolId::at(0), now, load);
            }
            c.run_ended();
            let p = &c.pools[0];
            (p.utilisation(), p.busy_area, p.held_area)
        };
        let (direct, folded) = (utilisation(true), utilisation(false));
        assert!(direct.0 > 0.3 && direct.0 < 1.0, "{direct:?}");
        assert!(
            (folded.0 / direct.0 - 1.0).abs() < 1e-12,
            "{folded:?} {direct:?}"
        );
        assert_eq!(folded.1, folded.2);
    }

    /// A pool's time integrals are kept where a KPI reads them (shared pools, pools with
    /// concurrency), and so are the visits per pool; keeping them elsewhere changes no KPI.
    #[test]
    fn pool_integrals_are_kept_where_read() {
        // (scenario, some pool keeps integrals, visits per pool counted)
        for (file, integrals, served) in [
            ("scenarios/validation/mmc.ron", false, false),
            ("scenarios/vendor-skills.ron", true, true),
            ("scenarios/case3-omnichannel.ron", true, false),
        ] {
            let m = load_model(file.as_ref()).unwrap();
            let c = Collector::new(&m);
            let flags: Vec<bool> = c.pools.iter().map(|p| p.integrate).collect();
            assert!(
                flags
                    .iter()
                    .enumerate()
                    .all(|(i, &f)| f == integrals_used(&m, i))
            );
            assert_eq!(flags.contains(&true), integrals, "{file}");
            assert_eq!(c.count_served, served, "{file}");
            assert_eq!(
                kpis_after_loads(&m, false),
                kpis_after_loads(&m, true),
                "{file}"
            );
        }
    }

    #[test]
    fn work_table_grows_to_the_agent_and_adds_only_positive_spans() {
        let mut p = super::PoolStats::new(1, 1, false);
        p.worked(3, 1.0, 3.5);
        assert_eq!(p.agent_work, [0.0, 0.0, 0.0, 2.5]);
        p.worked(1, 5.0, 4.0);
        p.worked(3, 2.0, 2.0);
        p.worked(1, 4.0, 5.0);
        assert_eq!(p.agent_work, [0.0, 1.0, 0.0, 2.5]);
        p.worked(5, 0.0, 0.0);
        assert_eq!(p.agent_work.len(), 6);
    }

    #[test]
    fn busiest_tenth_share_is_the_top_ceil_tenth_over_all_agents() {
        // 12 agents: the busiest 2 (ceil of 1.2).
        let equal = busiest_tenth_share(std::iter::repeat_n(3.0, 12));
        assert!((equal - 2.0 / 12.0).abs() < 1e-12);
        let expert = busiest_tenth_share([10.0, 0.0, 0.0, 0.0].into_iter());
        assert_eq!(expert, 1.0);
        let mixed = busiest_tenth_share([1.0, 5.0, 2.0, 2.0].into_iter());
        assert_eq!(mixed, 0.5);
        assert!(busiest_tenth_share([0.0, 0.0].into_iter()).is_nan());
    }
}
