//! Per-pool statistics: time integrals of busy and available agents (utilisation) and the
//! visits each pool served per team's queue (the share of a team's work a shared pool does).

use super::kpi::{Kpi, Scope};
use crate::model::Model;

/// One pool's statistics over one replication (after the warm-up).
#[derive(Clone, Debug)]
pub struct PoolStats {
    /// Agent-seconds busy, and agent-seconds available (rostered, not on other duties).
    pub busy_area: f64,
    pub capacity_area: f64,
    /// Visits started, per team whose queue they came from.
    pub served: Vec<u64>,
    last: f64,
    busy: u32,
    capacity: u32,
}

impl PoolStats {
    pub fn new(teams: usize) -> Self {
        PoolStats {
            busy_area: 0.0,
            capacity_area: 0.0,
            served: vec![0; teams],
            last: 0.0,
            busy: 0,
            capacity: 0,
        }
    }

    /// The pool's load becomes (`busy`, `capacity`) at `now`; integrals run from `warmup`.
    #[inline]
    pub fn set(&mut self, now: f64, warmup: f64, busy: u32, capacity: u32) {
        let from = self.last.max(warmup);
        if now > from {
            let dt = now - from;
            self.busy_area += f64::from(self.busy) * dt;
            self.capacity_area += f64::from(self.capacity.max(self.busy)) * dt;
        }
        self.last = now;
        self.busy = busy;
        self.capacity = capacity;
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
