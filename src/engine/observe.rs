//! The engine's only view of statistics: a narrow observer interface it reports facts to
//! (a contact arrived, was answered, ended; a team's load changed; an interval closed). The
//! engine never names a concrete collector; [`crate::stats::Collector`] implements this.

use super::pool::PoolLoad;
use crate::model::{ChannelId, PoolId, SlaModel, TeamId, TypeId};
use crate::stats::{ClockTimes, ContactEnd, IncidentRecord, OmniFact};

/// What a contact is counted under: its channel, incident type and priority.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ContactKey {
    pub channel: ChannelId,
    pub ty: TypeId,
    pub priority: u8,
    /// The customer's segment ([`crate::model::NO_SEGMENT`] without a record).
    pub segment: u8,
}

/// Receives what happens during one replication. Calls for contacts that arrived during the
/// warm-up are not made (the engine filters them), except load changes, which the observer
/// integrates from the warm-up on.
pub trait Observer {
    /// A contact (first or repeated attempt) arrived; `duplicate` if not the incident's first.
    fn arrived(&mut self, key: ContactKey, duplicate: bool);
    /// A contact that arrived at `arrival` joined `team`'s queue; `first_visit` if it is the
    /// first queue of this attempt.
    fn entered(&mut self, team: TeamId, key: ContactKey, first_visit: bool, arrival: f64);
    /// A contact that arrived at `arrival` was first answered, `waited` seconds later.
    fn answered(&mut self, key: ContactKey, waited: f64, arrival: f64);
    /// A contact attempt that arrived at `arrival` ended at `now`.
    fn contact_ended(&mut self, key: ContactKey, end: ContactEnd, arrival: f64, now: f64);
    /// An incident ended for good; `sla` holds its first priority's targets.
    fn incident_ended(&mut self, key: ContactKey, record: &IncidentRecord, sla: SlaModel);
    /// At the end of the run: a contact still in the system.
    fn contact_open_at_end(&mut self, key: ContactKey);
    /// At the end of the run: work waiting for or in service with `team`, `age` seconds in
    /// its current queue visit.
    fn team_open_at_end(&mut self, team: TeamId, age: f64);
    /// At the end of the run: an incident still open, `age` seconds old, first answered
    /// after `first_response` if ever; `sla` holds its first priority's targets.
    fn incident_open_at_end(
        &mut self,
        key: ContactKey,
        age: f64,
        first_response: Option<f64>,
        sla: SlaModel,
    );
    /// A team visit of a contact on `channel` started after `waited` seconds in the team's
    /// queue, served by `pool`.
    fn visit_started(&mut self, team: TeamId, pool: PoolId, channel: ChannelId, waited: f64);
    /// A contact of type `ty` was taken by an agent of `pool` (counted ones only).
    fn served_type(&mut self, pool: PoolId, ty: TypeId);
    /// Agent `agent` of `pool` worked (handling or after-contact work) from `from` to `to`.
    fn agent_worked(&mut self, pool: PoolId, agent: u32, from: f64, to: f64);
    /// At the end of the run: `pool` has had `agents` agents.
    fn pool_agents(&mut self, pool: PoolId, agents: u32);
    /// A contact gave up waiting in a team's queue.
    fn abandoned_from(&mut self, team: TeamId);
    /// A team finished handling a contact; `misrouted` if it was not the right team.
    fn handled(&mut self, team: TeamId, misrouted: bool);
    /// A team's load changed at `now`: its pool's agents and its queue's length.
    fn team_state(&mut self, team: TeamId, now: f64, load: PoolLoad, queue: u32);
    /// A pool's load changed at `now`.
    fn pool_state(&mut self, pool: PoolId, now: f64, load: PoolLoad);
    /// Whether [`Self::pool_state`] is wanted for `pool` (asked once per run; when not, the
    /// engine makes no such calls for it).
    fn wants_pool_state(&self, _pool: PoolId) -> bool {
        true
    }
    /// The interval ending at `now` closed; the next (slot of the day `next_slot`) starts.
    fn interval_boundary(&mut self, now: f64, interval: f64, next_slot: usize);
    /// A caller was offered a callback, and `accepted` it or not.
    fn callback_offered(&mut self, _key: ContactKey, _accepted: bool) {}
    /// An accepted callback reached the customer `waited` seconds after the contact arrived.
    fn callback_reached(&mut self, _key: ContactKey, _waited: f64) {}
    /// An accepted callback never reached the customer (its calls back all failed).
    fn callback_failed(&mut self, _key: ContactKey) {}
    /// A contact waiting at `team` escalated (time-triggered) to another team.
    fn escalated(&mut self, _team: TeamId) {}
    /// A mention, monitoring event or prevention happened (after the warm-up).
    fn omni(&mut self, _fact: OmniFact) {}
    /// Self-service deflected a contact: demand avoided, not an arrival; `duplicate` if not
    /// its incident's first contact.
    fn deflected(&mut self, key: ContactKey, duplicate: bool);
    /// A contact an agent resolved will reopen (its incident stays open).
    fn reopened(&mut self, key: ContactKey);
    /// An incident ended, or was open at the end, with `times` on its SLA clock (business
    /// hours, waiting on the customer left out); `sla` holds its targets. Only called for
    /// incidents with at least one target (without one there is nothing to judge).
    fn sla_clock(&mut self, key: ContactKey, times: &ClockTimes, sla: SlaModel);
    /// The run ended (after the last load changes, before the contacts still open are
    /// reported).
    fn run_ended(&mut self) {}
}
