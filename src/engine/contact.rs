//! A contact in flight: one attempt of an incident, with the incident's running totals carried
//! along so a retry (a duplicate) continues the same incident in the same slot.

use super::pool::AgentId;
use super::queue::Waiting;
use crate::model::{ChannelId, PoolId, Record, TeamId, TypeId};
use rand_pcg::Pcg64Mcg;

/// Where a contact is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// The slot is free for reuse.
    Free,
    Waiting,
    InService,
    SelfService,
    /// Failed, and the customer will contact again; or resolved and waiting on the customer,
    /// or to reopen (the incident is open, no contact is in the system).
    PendingRetry,
}

/// No team yet (a contact not yet queued anywhere).
pub const NO_TEAM: TeamId = TeamId(u16::MAX);

/// One contact attempt and its incident's history.
#[derive(Clone, Debug)]
pub struct Contact {
    /// The contact's own stream: handling times, routing and retry draws.
    pub rng: Pcg64Mcg,
    pub incident: u64,
    /// Incident start (first contact's arrival).
    pub first_arrival: f64,
    /// This attempt's arrival.
    pub arrival: f64,
    /// When it joined its current queue.
    pub enqueued: f64,
    /// Patience deadline while waiting for the entry team (infinite if none).
    pub deadline: f64,
    /// This attempt's first answer (NaN until answered).
    pub answered: f64,
    /// The incident's first answer over all attempts (NaN until answered).
    pub incident_answered: f64,
    /// Queue time over all attempts and visits.
    pub queue_time: f64,
    /// Recorded handling time for the first visit (negative: draw one).
    pub log_handling: f64,
    /// Seed of a chasing contact's own stream, drawn from this contact's stream on arrival.
    pub chase_seed: u64,
    /// Queue-visit generation; stale queue entries and patience events carry older ones.
    pub vgen: u32,
    pub channel: ChannelId,
    pub first_channel: ChannelId,
    pub ty: TypeId,
    /// The team whose queue it is in or whose agent serves it.
    pub team: TeamId,
    /// The pool whose agent serves it (while in service).
    pub pool: PoolId,
    /// After a mis-route: the team the contact should have gone to.
    pub target: Option<TeamId>,
    pub transfers: u16,
    pub misroutes: u16,
    /// Team visits handled, over the incident.
    pub handled_visits: u16,
    /// Team visits started in this attempt.
    pub visits: u16,
    pub priority: u8,
    pub first_priority: u8,
    pub attempt: u8,
    pub state: State,
    pub counted: bool,
    pub incident_counted: bool,
    pub holds_line: bool,
    /// A chasing contact: handled once by the entry team, then merged into its open incident.
    pub chase: bool,
    /// Waiting in its team's overtime queue (it was waiting when the team closed).
    pub overtime: bool,
    /// An accepted callback not yet returned: it holds no line and never abandons.
    pub callback: bool,
    /// Calls back made so far for this attempt's callback.
    pub callback_tries: u8,
    /// Moved by time-triggered escalation in this attempt (its later queues are not its first).
    pub escalated: bool,
    /// Seconds on the incident's SLA clock spent waiting on the customer (clock stopped).
    pub paused: f64,
    /// When the current wait on the customer began (NaN when not waiting).
    pub pause_start: f64,
    /// The agent of `pool` serving it (while in service).
    pub agent: AgentId,
    /// A social-media mention waiting for or in triage (not yet a case; never counted).
    pub mention: Option<Mention>,
    /// The customer's record, as the urgency rule reads it.
    pub record: Record,
    /// The priority the problem itself has, before the urgency rule.
    pub stated_priority: u8,
}

impl Contact {
    /// Whether queue entry `w` of `team`'s line still stands for this contact waiting there
    /// (not stale: it has not left, been taken or moved since the entry was made).
    #[inline(always)]
    pub fn waits_as(&self, w: Waiting, team: TeamId) -> bool {
        self.vgen == w.vgen && self.state == State::Waiting && self.team == team
    }

    /// A free slot's placeholder, overwritten when the slot is used.
    pub fn spent() -> Self {
        Contact {
            rng: Pcg64Mcg::new(0),
            incident: 0,
            first_arrival: 0.0,
            arrival: 0.0,
            enqueued: 0.0,
            deadline: 0.0,
            answered: f64::NAN,
            incident_answered: f64::NAN,
            queue_time: 0.0,
            log_handling: -1.0,
            chase_seed: 0,
            vgen: 0,
            channel: ChannelId(0),
            first_channel: ChannelId(0),
            ty: TypeId(0),
            team: NO_TEAM,
            pool: PoolId(u16::MAX),
            target: None,
            transfers: 0,
            misroutes: 0,
            handled_visits: 0,
            visits: 0,
            priority: 0,
            first_priority: 0,
            attempt: 0,
            state: State::Free,
            counted: false,
            incident_counted: false,
            holds_line: false,
            chase: false,
            overtime: false,
            callback: false,
            callback_tries: 0,
            escalated: false,
            paused: 0.0,
            pause_start: f64::NAN,
            agent: AgentId(u32::MAX),
            mention: None,
            record: Record::NONE,
            stated_priority: 0,
        }
    }
}

/// A mention in triage: the feed it came from, and whether it really is a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mention {
    pub feed: u16,
    pub real: bool,
}
