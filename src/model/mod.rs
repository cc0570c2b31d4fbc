//! The validated, compiled model: every name resolved to an index, every probability checked,
//! the calendar expanded into per-interval tables. The engine reads only this.

pub mod bounds;
mod cases;
mod compile;
mod dist;
mod feeds;
mod ids;
mod log;
mod omni;
mod roster;
mod skills;
mod warn;

pub use cases::{BusinessClock, CaseRules, PauseModel, ReopenModel, SlaRule, clock_between};
pub use compile::{Overrides, compile, compile_with, load_model};
pub use dist::{Categorical, Sampler, unit};
pub use feeds::{CustomerMix, FeedKind, FeedModel, NO_SEGMENT, Record, UrgencyModel};
pub use ids::{ChannelId, PoolId, QueueId, StreamId, TeamId, TypeId};
pub use log::LogRow;
pub use omni::{CallbackModel, EscalateModel};
pub use roster::TempStaff;
pub use warn::{Warning, warnings};

use crate::scenario::{AgentSelection, AtClosing, ChannelKind, Discipline, WorkSelection};

/// A scenario ready to simulate.
#[derive(Clone, Debug)]
pub struct Model {
    pub name: String,
    /// Reporting interval, seconds.
    pub interval: f64,
    pub slots_per_day: usize,
    /// Weekday (0 = Monday) of simulated day 0.
    pub start_weekday: usize,
    /// Statistics start here (seconds).
    pub warmup: f64,
    /// The run ends here (seconds): warm-up plus the simulated days.
    pub horizon: f64,
    /// Open or not, per slot of the week (Monday 00:00 first).
    pub open: Vec<bool>,
    pub types: Vec<String>,
    pub channels: Vec<ChannelModel>,
    /// Incident streams (demand defined as customers' incidents), each sent to one channel.
    pub streams: Vec<StreamModel>,
    pub teams: Vec<TeamModel>,
    /// Shared pools, after the teams' own: pool `teams.len() + k` is `shared_pools[k]`.
    pub shared_pools: Vec<PoolModel>,
    /// Per queue (= per team): the pools serving it, primary first (by rank, then pool), each
    /// with its proficiency (handling-time multiplier). Its team's own pool is first.
    pub servers: Vec<Vec<(PoolId, f64)>>,
    /// Per pool: the queues it serves, by rank (primary skill first), then queue, each with
    /// the pool's proficiency for it.
    pub work: Vec<Vec<(QueueId, f64)>>,
    /// Every service-level threshold on time to first response some channel is judged on,
    /// seconds; the first is the headline (the first live-channel threshold, if any channel is
    /// live).
    pub thresholds: Vec<f64>,
    /// Per channel: indices into `thresholds` of the thresholds its contacts are judged on.
    pub channel_thresholds: Vec<Vec<u8>>,
    /// Abandons within this many seconds of arrival are short abandons.
    pub short_abandon: f64,
    /// Per priority (urgent first): response and resolution targets, seconds.
    pub sla: [SlaModel; 4],
    /// Hash of everything that defines demand (calendar, types, arrival streams, mixes,
    /// patience, retries): equal fingerprints mean two designs face the same demand.
    pub demand_fingerprint: u64,
    /// Suspicious but valid input found while compiling (shown on stderr by the CLI).
    pub warnings: Vec<String>,
    /// The urgency rule, if the scenario has one: it sets every new contact's priority.
    pub urgency: Option<UrgencyModel>,
    /// Social-media mention and monitoring event streams (mentions first).
    pub feeds: Vec<FeedModel>,
    /// Business-hours SLA clocks, SLAs and priority mixes per type, waiting on the customer,
    /// reopening.
    pub cases: CaseRules,
    /// The router's policies and time-based overflow.
    pub routing: RoutingModel,
}

/// How contacts and agents are matched.
#[derive(Clone, Debug, Default)]
pub struct RoutingModel {
    pub agent: AgentSelection,
    pub work: WorkSelection,
    /// Per pool, per queue: seconds a contact must have waited in the queue before the pool
    /// sees it (0: at once; only shared pools' skills set it).
    pub after: Vec<Vec<f64>>,
    /// Per queue: the distinct positive thresholds of the pools serving it, ascending (when a
    /// waiting contact crosses one, the pools it opens to are offered it).
    pub timed: Vec<Vec<f64>>,
}

impl RoutingModel {
    /// Seconds a contact must have waited in `queue` before `pool` sees it.
    #[inline]
    pub fn after(&self, pool: PoolId, queue: QueueId) -> f64 {
        self.after
            .get(pool.index())
            .and_then(|v| v.get(queue.index()))
            .copied()
            .unwrap_or(0.0)
    }
}

/// Per-priority SLA targets in seconds.
#[derive(Clone, Copy, Debug, Default)]
pub struct SlaModel {
    pub response: Option<f64>,
    pub resolution: Option<f64>,
}

/// A compiled channel.
#[derive(Clone, Debug)]
pub struct ChannelModel {
    pub name: String,
    pub kind: ChannelKind,
    pub arrivals: ArrivalModel,
    pub type_mix: Categorical,
    pub priority_mix: Categorical,
    /// Entry team per incident type.
    pub entry: Vec<TeamId>,
    pub reject_after_hours: bool,
    /// What happens at closing to contacts still waiting for the entry team.
    pub at_closing: AtClosing,
    pub lines: Option<u32>,
    pub patience: Option<Sampler>,
    pub retry: Option<RetryModel>,
    pub chase: Option<ChaseModel>,
    pub forget: f64,
    /// Share resolved by self-service, per incident type.
    pub self_service: Vec<f64>,
    pub self_service_time: Option<Sampler>,
    /// Stable key for this channel's random streams (a hash of its name).
    pub stream_key: u64,
    /// Callbacks offered to callers facing a long wait.
    pub callback: Option<CallbackModel>,
    /// Routing by skill: the share of contacts whose entry queue is recognised, and the queues
    /// the others land on instead (uniformly among those other than the right one).
    pub misentry: Option<(f64, Vec<TeamId>)>,
}

/// A compiled incident stream: its arrivals, mixes, and the channel this design gives it.
#[derive(Clone, Debug)]
pub struct StreamModel {
    pub name: String,
    pub arrivals: ArrivalModel,
    pub type_mix: Categorical,
    pub priority_mix: Categorical,
    /// The first of the stream's preferred and fallback channels that this design offers.
    pub channel: ChannelId,
    /// Stable key for the stream's random numbers (a hash of its name): incident k of the
    /// stream draws from (seed, replication, key, k) whatever the design.
    pub stream_key: u64,
    /// The customers' records (segments, complaints), if the stream describes them.
    pub customers: Option<CustomerMix>,
}

/// When contacts arrive.
#[derive(Clone, Debug)]
pub enum ArrivalModel {
    /// Piecewise-constant Poisson rate (per second), per slot of the week.
    Rates(Vec<f64>),
    /// Recorded contacts, sorted by time.
    Log(Vec<LogRow>),
}

/// A compiled retry behaviour.
#[derive(Clone, Debug)]
pub struct RetryModel {
    pub prob: f64,
    pub delay: Sampler,
    pub max_attempts: u32,
    pub channel: ChannelId,
    pub raise_priority: bool,
}

/// A compiled chase behaviour.
#[derive(Clone, Debug)]
pub struct ChaseModel {
    pub prob: f64,
    pub after: Sampler,
    pub channel: ChannelId,
}

/// A compiled team.
#[derive(Clone, Debug)]
pub struct TeamModel {
    pub name: String,
    /// Agents on the floor per slot of the week (zero while closed).
    pub agents: Vec<u32>,
    pub availability: f64,
    /// Mean length of one work/other-duties cycle, seconds.
    pub duty_cycle: f64,
    /// Handling time per incident type (`None`: this team cannot handle it).
    pub handling: Vec<Option<Sampler>>,
    pub discipline: Discipline,
    /// What happens after handling, per incident type.
    pub routes: Vec<Option<RouteModel>>,
    /// Triage accuracy and the teams a mis-routed contact can land on.
    pub triage: Option<(f64, Vec<TeamId>)>,
    pub cost_per_hour: Option<f64>,
    pub stream_key: u64,
    /// After-contact work per incident type (`None`: none).
    pub wrap_up: Vec<Option<Sampler>>,
    /// Temporary staff on top of `agents`, on some simulated days.
    pub temporary: Vec<TempStaff>,
    /// Price per contact handled, for an external team paid per contact (then its hours are
    /// not counted in the overall `agent_hours`).
    pub cost_per_contact: Option<f64>,
    /// Blended live and deferred work: agents of a serving pool kept free for live contacts
    /// (0: live first); `None`: one first-come-first-served order.
    pub blend: Option<u32>,
    /// Time-triggered escalation out of this team's queue.
    pub escalate: Option<EscalateModel>,
    /// Its own pool's concurrency per channel kind (limits above 1 only).
    pub concurrency: Vec<ConcurrencyModel>,
}

/// An agent holds up to `limit` (at least 2) contacts of channel kind `kind` at once; with
/// `n` held, each progresses at `1 / (1 + slowdown * (n - 1))` of its normal speed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ConcurrencyModel {
    pub kind: ChannelKind,
    pub limit: u32,
    pub slowdown: f64,
}

impl ConcurrencyModel {
    /// Speed of each of `n` (at least 1) contacts held at once, relative to one held alone.
    #[inline]
    pub fn rate(&self, n: u32) -> f64 {
        1.0 / (1.0 + self.slowdown * f64::from(n.saturating_sub(1)))
    }
}

/// A compiled shared pool.
#[derive(Clone, Debug)]
pub struct PoolModel {
    pub name: String,
    /// Agents on the floor per slot of the week (zero while closed).
    pub agents: Vec<u32>,
    pub availability: f64,
    /// Mean length of one work/other-duties cycle, seconds.
    pub duty_cycle: f64,
    pub cost_per_hour: Option<f64>,
    pub stream_key: u64,
    /// After-contact work per incident type (`None`: none).
    pub wrap_up: Vec<Option<Sampler>>,
    /// Temporary staff on top of `agents`, on some simulated days.
    pub temporary: Vec<TempStaff>,
    /// Concurrency per channel kind (limits above 1 only).
    pub concurrency: Vec<ConcurrencyModel>,
}

/// Who a pool's agents are: per slot of the week, and their availability.
#[derive(Clone, Copy, Debug)]
pub struct Staffing<'a> {
    pub agents: &'a [u32],
    pub availability: f64,
    pub duty_cycle: f64,
    /// Temporary staff on top of `agents` ([`Model::roster`] adds them).
    pub temporary: &'a [TempStaff],
}

/// Where a contact goes after a team handled it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Resolve,
    Pass(TeamId),
    Lose,
}

/// Outcome probabilities for one team and incident type.
#[derive(Clone, Debug)]
pub struct RouteModel {
    pub outcomes: Vec<Outcome>,
    pub dist: Categorical,
}

impl RouteModel {
    /// The outcome of a uniform draw.
    #[inline]
    pub fn pick(&self, u: f64) -> Outcome {
        self.outcomes[self.dist.pick(u)]
    }
}

impl Model {
    /// Slot of the week (0 = Monday 00:00) containing simulated time `t`.
    #[inline]
    pub fn week_slot(&self, t: f64) -> usize {
        let slot = (t / self.interval) as usize;
        (slot + self.start_weekday * self.slots_per_day) % (7 * self.slots_per_day)
    }
    /// The channel called `name`.
    pub fn channel(&self, name: &str) -> Option<ChannelId> {
        self.channels
            .iter()
            .position(|c| c.name == name)
            .map(ChannelId::at)
    }
    /// The team called `name`.
    pub fn team_id(&self, name: &str) -> Option<TeamId> {
        self.teams
            .iter()
            .position(|c| c.name == name)
            .map(TeamId::at)
    }
    /// Position of the team called `name`, as report scopes ([`crate::stats::Scope::Team`])
    /// and staffing levels number teams.
    pub fn team(&self, name: &str) -> Option<u16> {
        self.team_id(name).map(|t| t.0)
    }
    /// Number of pools: one per team, then the shared ones.
    pub fn n_pools(&self) -> usize {
        self.teams.len() + self.shared_pools.len()
    }
    /// Name of a pool (a team's own pool carries the team's name).
    pub fn pool_name(&self, p: PoolId) -> &str {
        match self.teams.get(p.index()) {
            Some(t) => &t.name,
            None => &self.shared_pools[p.index() - self.teams.len()].name,
        }
    }
    /// The staffing of a pool (a team's own pool is staffed as the team).
    pub fn staffing(&self, p: PoolId) -> Staffing<'_> {
        match self.teams.get(p.index()) {
            Some(t) => Staffing {
                agents: &t.agents,
                availability: t.availability,
                duty_cycle: t.duty_cycle,
                temporary: &t.temporary,
            },
            None => {
                let s = &self.shared_pools[p.index() - self.teams.len()];
                Staffing {
                    agents: &s.agents,
                    availability: s.availability,
                    duty_cycle: s.duty_cycle,
                    temporary: &s.temporary,
                }
            }
        }
    }
    /// After-contact work of `pool`'s agents on a contact of type `ty`, if any.
    #[inline]
    pub fn wrap_up(&self, pool: PoolId, ty: TypeId) -> Option<&Sampler> {
        match self.teams.get(pool.index()) {
            Some(t) => t.wrap_up[ty.index()].as_ref(),
            None => self.shared_pools[pool.index() - self.teams.len()].wrap_up[ty.index()].as_ref(),
        }
    }
    /// Concurrency of `pool`'s agents per channel kind (empty: one contact at a time).
    #[inline]
    pub fn concurrency(&self, pool: PoolId) -> &[ConcurrencyModel] {
        match self.teams.get(pool.index()) {
            Some(t) => &t.concurrency,
            None => &self.shared_pools[pool.index() - self.teams.len()].concurrency,
        }
    }
    /// Total agent-hours rostered on the floor over the simulated days (after warm-up),
    /// temporary staff included.
    pub fn agent_hours(&self, team: impl Into<TeamId>) -> f64 {
        self.rostered_hours(PoolId::at(team.into().index()))
    }
    /// Total agent-hours pool `p` has rostered over the simulated days (after warm-up),
    /// temporary staff included.
    pub fn rostered_hours(&self, p: PoolId) -> f64 {
        let first = (self.warmup / self.interval).round() as usize;
        let last = (self.horizon / self.interval).round() as usize;
        (first..last)
            .map(|k| f64::from(self.roster(p, k)))
            .sum::<f64>()
            * self.interval
            / 3600.0
    }
}
