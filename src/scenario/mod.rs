//! The scenario file as the user writes it (RON, serde, `deny_unknown_fields`): calendar,
//! incident types, channels with their arrival streams, teams with their routes, and targets.
//!
//! These types hold names, not ids, and are checked only for shape; [`crate::model`] resolves
//! names and checks consistency. Durations are [`Dur`] (`"20s"`, `"6min"`, or minutes).

mod cases;
mod feeds;
mod load;
mod omni;
mod unique;
mod units;

pub use cases::{BusinessDay, BusinessHours, Pause, Reopen};
pub use feeds::{Customers, Levels, Mentions, Monitor, Prevention, Router, Urgency};
pub use load::{MAX_SCENARIO_BYTES, Source, closest, decode, load, parse, read_text};
pub use omni::{Blend, Callback, Escalate};
pub use units::{Clock, Dur, MAX_DURATION_DAYS};
use units::{whole, whole_opt, whole_schedule};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use unique::{unique, unique_opt};

/// A whole scenario: one organisation facing one demand.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short name, used for the default output folder.
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub calendar: Calendar,
    /// Incident types, by name (password_reset, technical, ...).
    pub incident_types: Vec<String>,
    /// Demand as customers' incidents, each stream with a preferred channel and fallbacks; the
    /// design's channels decide where each incident arrives. Channels may instead (or as well)
    /// carry their own `arrivals` and `mix`.
    #[serde(default)]
    pub demand: Vec<IncidentStream>,
    pub channels: Vec<Channel>,
    pub teams: Vec<Team>,
    /// Shared pools: people who serve the queues of several teams, by skill.
    #[serde(default)]
    pub pools: Vec<Pool>,
    #[serde(default)]
    pub targets: Targets,
    /// The urgency rule: customer record and problem to priority (absent: priorities as drawn).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urgency: Option<Urgency>,
    /// Social-media mention streams, of which a share become cases.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mentions: Vec<Mentions>,
    /// Monitoring event streams, of which a share become proactive cases.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub monitoring: Vec<Monitor>,
    /// Named business calendars that SLA clocks run on (see `targets.sla[].clock`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub business_hours: Vec<BusinessHours>,
    /// Priority mix per incident type, replacing the channel's or stream's mix for that type.
    #[serde(
        default,
        deserialize_with = "unique",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub priorities_by_type: BTreeMap<String, BTreeMap<Priority, f64>>,
    /// Per incident type (`"*"`: the others), resolved incidents that wait on the customer
    /// before they close; the SLA clock stops meanwhile.
    #[serde(
        default,
        deserialize_with = "unique",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub waiting_on_customer: BTreeMap<String, Pause>,
    /// An organisation without tiers: each incident type requires a skill and goes straight
    /// to an agent who holds it (compiled into one queue per skill served by the pools that
    /// name it in their `skills`).
    #[serde(default)]
    pub skills: Option<Skills>,
    /// How contacts and agents are matched (default: overflow order and skill rank).
    #[serde(default)]
    pub routing: Routing,
}

/// The router's policies: which agent an arriving contact goes to, and which waiting contact a
/// freed agent takes.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Routing {
    #[serde(default)]
    pub agent: AgentSelection,
    #[serde(default)]
    pub work: WorkSelection,
}

/// Which free agent a contact goes to, among the pools serving its queue (within a pool, the
/// agent idle longest is always the one).
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
pub enum AgentSelection {
    /// The first pool in the queue's ordered list (its team's own pool, then shared pools by
    /// the rank of their skill for it) with a free agent.
    #[default]
    Overflow,
    /// The qualified agent who has been idle longest, whatever the pool.
    LongestIdle,
    /// A free agent of the qualified pool with the fewest skills (keeps generalists free);
    /// ties go by overflow order.
    FewestSkills,
}

/// Which waiting contact a freed agent takes, among the queues its pool serves.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
pub enum WorkSelection {
    /// The head of its primary skill's queue first, then the next rank.
    #[default]
    SkillRank,
    /// The head that has waited longest in its queue, across its queues (ties by rank).
    LongestWaiting,
    /// The most urgent head across its queues (ties: longest waiting, then rank). Each queue's
    /// head follows its own discipline, so give queues `discipline: Priority` for the most
    /// urgent of each to be at its head.
    Priority,
}

/// Horizon, opening hours and the reporting interval.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Calendar {
    /// Simulated days after the warm-up.
    #[serde(deserialize_with = "whole")]
    pub days: u32,
    /// Weekday of the first simulated day.
    #[serde(default)]
    pub start: Weekday,
    /// Opening hours; absent means open around the clock. Agents work only while open.
    #[serde(default)]
    pub open: Option<Vec<Opening>>,
    /// Reporting and staffing interval (default 30 min). Opening hours and staffing changes
    /// fall on its boundaries.
    #[serde(default = "default_interval")]
    pub interval: Dur,
    /// Simulated time before statistics start (default none).
    #[serde(default)]
    pub warmup: Dur,
}

fn default_interval() -> Dur {
    Dur::from_mins(30.0)
}

/// Days of the week.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub enum Weekday {
    #[default]
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

/// Opening hours on some weekdays.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Opening {
    pub days: Vec<Weekday>,
    pub from: Clock,
    pub to: Clock,
}

/// Priority levels, most urgent first.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    Urgent,
    High,
    Medium,
    Low,
}

impl Priority {
    /// All levels, most urgent first.
    pub const ALL: [Priority; 4] = [
        Priority::Urgent,
        Priority::High,
        Priority::Medium,
        Priority::Low,
    ];
    /// Lower-case name.
    pub fn name(self) -> &'static str {
        ["urgent", "high", "medium", "low"][self as usize]
    }
}

/// What kind of channel; sets defaults (phone and chat turn contacts away while closed).
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChannelKind {
    Phone,
    Email,
    Chat,
    Portal,
    Social,
    Chatbot,
    /// A direct contact with a sales rep or trainer.
    Organic,
    /// Cases created automatically from monitoring events.
    Monitoring,
    Other,
}

/// A stream of customers' incidents, independent of the design: when they arrive, what they
/// are about, and the channel they use (the first of `prefer` and then `fallback` that the
/// design offers).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct IncidentStream {
    pub name: String,
    /// When they arrive; a `Log`'s rows are those whose `channel` column names `prefer`.
    pub arrivals: Arrivals,
    /// Incident-type mix: type name to probability (sums to 1).
    #[serde(deserialize_with = "unique")]
    pub mix: BTreeMap<String, f64>,
    /// Priority mix (sums to 1); absent means all `Medium`.
    #[serde(default, deserialize_with = "unique_opt")]
    pub priorities: Option<BTreeMap<Priority, f64>>,
    /// The channel these customers use where the design offers it.
    pub prefer: String,
    /// Channels tried in order where the design does not offer `prefer`.
    #[serde(default)]
    pub fallback: Vec<String>,
    /// The customers' records (segment shares, past complaints) the urgency rule reads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customers: Option<Customers>,
}

impl ChannelKind {
    /// Written channels (email, portal, social, monitoring) are answered in hours, not seconds.
    pub fn is_written(self) -> bool {
        matches!(
            self,
            ChannelKind::Email
                | ChannelKind::Portal
                | ChannelKind::Social
                | ChannelKind::Monitoring
        )
    }
}

/// One way contacts arrive, with its demand and its behaviour.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    pub name: String,
    pub kind: ChannelKind,
    /// The channel's own arrivals; absent where its contacts come only from `demand`.
    #[serde(default)]
    pub arrivals: Option<Arrivals>,
    /// Incident-type mix of its own arrivals: type name to probability (sums to 1).
    #[serde(default, deserialize_with = "unique")]
    pub mix: BTreeMap<String, f64>,
    /// Priority mix (sums to 1); absent means all `Medium`.
    #[serde(default, deserialize_with = "unique_opt")]
    pub priorities: Option<BTreeMap<Priority, f64>>,
    /// The team that receives contacts from this channel (may be left out for a channel listed
    /// in `skills.recognised`, whose contacts go to the skill their type requires).
    #[serde(default)]
    pub entry: String,
    /// Per-type entry teams overriding `entry` (e.g. organic contacts: commercial to sales).
    #[serde(default, deserialize_with = "unique")]
    pub entry_by_type: BTreeMap<String, String>,
    /// What happens to a contact arriving while closed (default: `Reject` for phone and chat,
    /// `Queue` otherwise).
    #[serde(default)]
    pub after_hours: Option<AfterHours>,
    /// What happens to contacts still waiting for the entry team when it closes (its roster
    /// drops to zero): default `Serve` for channels that turn contacts away after hours
    /// (phone and chat by default), `Wait` for the others.
    #[serde(default)]
    pub at_closing: Option<AtClosing>,
    /// Phone lines: a call finding all lines busy is blocked. A line is held while the caller
    /// waits for and talks to the entry team.
    #[serde(default, deserialize_with = "whole_opt")]
    pub lines: Option<u32>,
    /// Patience while waiting for the entry team; waiting longer means abandoning.
    #[serde(default)]
    pub patience: Option<Dist>,
    /// How customers whose contact was blocked, abandoned or lost contact again (duplicates).
    #[serde(default)]
    pub retry: Option<Retry>,
    /// Customers whose problem is still open some time after they first got in touch chase it:
    /// a duplicate contact that the entry team handles and merges into the open incident.
    #[serde(default)]
    pub chase: Option<Chase>,
    /// Probability that the informal hand-off is forgotten: the contact is lost at entry.
    #[serde(default)]
    pub forget: f64,
    /// Automation in front of the entry team (chatbot flows, self-service portal).
    #[serde(default)]
    pub self_service: Option<SelfService>,
    /// Callbacks offered to callers facing a long wait (virtual hold).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback: Option<Callback>,
}

/// Whether contacts arriving while closed are turned away or wait for opening.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub enum AfterHours {
    /// Not answered: counted as blocked.
    Reject,
    /// Waits in the entry team's queue until opening.
    Queue,
}

/// What happens at closing to a channel's contacts still waiting for their entry team.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub enum AtClosing {
    /// The agents on the floor at closing stay on (overtime) until every contact of this channel
    /// that was waiting at closing has been answered or has given up.
    Serve,
    /// They stay in the queue until the team opens again.
    Wait,
    /// They are disconnected, counted as `Blocked` or `Abandoned` (and may retry).
    Disconnect(Disconnected),
}

/// How a contact disconnected at closing is counted.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub enum Disconnected {
    Blocked,
    Abandoned,
}

/// When contacts arrive on a channel.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub enum Arrivals {
    /// A homogeneous Poisson stream, around the clock.
    Poisson { per_hour: f64 },
    /// A daily volume spread over the day by an intraday profile and scaled by weekday factors
    /// (a non-homogeneous Poisson process, piecewise constant per interval).
    Daily {
        per_day: f64,
        /// Factors Mon..Sun (default: 1 on days with opening hours, 0 otherwise).
        #[serde(default)]
        weekdays: Option<Vec<f64>>,
        /// Weights per interval from `from`; absent means flat over the opening hours.
        #[serde(default)]
        intraday: Option<Profile>,
    },
    /// A daily volume and intraday profile per group of weekdays (as fitted from a log):
    /// `ByDay([(days: [Mon, Tue], per_day: 900, intraday: (from: "07:00", weights: [...]))])`.
    /// Weekdays in no group get no arrivals; a weekday may be in one group only.
    ByDay(Vec<DayDemand>),
    /// A recorded log replayed from CSV, path relative to the scenario file. Columns:
    /// `time` (minutes since the start, or `D HH:MM[:SS]` with D the day index), `channel`,
    /// `type`, and optionally `priority` and `handling_min`. Rows of other channels are skipped.
    Log { file: String },
}

/// The demand of some weekdays: a daily volume spread by an intraday profile (absent: flat
/// over the opening hours).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DayDemand {
    pub days: Vec<Weekday>,
    pub per_day: f64,
    #[serde(default)]
    pub intraday: Option<Profile>,
}

/// An intraday profile: one weight per calendar interval, starting at `from`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub from: Clock,
    pub weights: Vec<f64>,
}

/// Contacting again after a failed attempt; every further contact is a duplicate.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Retry {
    /// Probability of contacting again after being blocked, abandoning or being lost.
    pub prob: f64,
    /// Time until the next attempt.
    pub delay: Dist,
    /// Attempts in all, the first included (default 3).
    #[serde(default = "default_attempts", deserialize_with = "whole")]
    pub max_attempts: u32,
    /// Channel of the next attempt (default: the same channel).
    #[serde(default)]
    pub channel: Option<String>,
    /// Raise the priority one level on each further attempt (repeated contacts are urgent).
    #[serde(default)]
    pub raise_priority: bool,
}

fn default_attempts() -> u32 {
    3
}

/// Chasing an open incident: with probability `prob`, a customer whose incident is still open
/// `after` its first contact gets in touch again (once) on `channel`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Chase {
    pub prob: f64,
    pub after: Dist,
    /// Channel of the chasing contact (default: the same channel).
    #[serde(default)]
    pub channel: Option<String>,
}

/// Automation in front of a channel's entry team.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SelfService {
    /// Per incident type, the share resolved without an agent; unlisted types get none.
    #[serde(deserialize_with = "unique")]
    pub resolves: BTreeMap<String, f64>,
    /// Time the automated flow takes (default: instant).
    #[serde(default)]
    pub time: Option<Dist>,
}

/// A pool of agents.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Team {
    pub name: String,
    /// Agents on the floor while open.
    #[serde(deserialize_with = "whole")]
    pub agents: u32,
    /// Staffing changes by time of day: `[("08:00", 2), ("10:00", 4)]`; each holds until the
    /// next, and `agents` holds before the first.
    #[serde(default, deserialize_with = "whole_schedule")]
    pub schedule: Vec<(Clock, u32)>,
    /// Staffing that differs by weekday: each entry replaces `agents` and `schedule` on its
    /// days, e.g. `[(days: [Fri], agents: 0, schedule: [("07:00", 5), ("14:00", 0)])]`.
    /// Weekdays in no entry keep `agents` and `schedule`; a weekday may be in one entry only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schedule_by_day: Vec<DaySchedule>,
    /// Share of their time the agents give this work (sales reps and trainers have other
    /// duties); they alternate between this work and other duties.
    #[serde(default = "one")]
    pub availability: f64,
    /// Mean length of one cycle of this work and other duties (default 1 h).
    #[serde(default)]
    pub duty_cycle: Option<Dur>,
    /// Handling time per incident type; the key `"*"` covers unlisted types.
    #[serde(deserialize_with = "unique")]
    pub handling: BTreeMap<String, Dist>,
    #[serde(default)]
    pub discipline: Discipline,
    /// What happens after handling, per incident type; the key `"*"` covers unlisted types.
    #[serde(deserialize_with = "unique")]
    pub routes: BTreeMap<String, Route>,
    /// Classification accuracy when passing contacts on (Level 1 triage).
    #[serde(default)]
    pub triage: Option<Triage>,
    /// Cost of one agent-hour (for staffing reports).
    #[serde(default)]
    pub cost_per_hour: Option<f64>,
    /// After-contact work per incident type (`"*"` covers unlisted types): the agent stays
    /// busy this long after the contact ends; the contact (and its phone line) moves on.
    #[serde(default, deserialize_with = "unique")]
    pub wrap_up: BTreeMap<String, Dist>,
    /// Shift patterns whose headcounts add to the staffing above (write `agents: 0` for a
    /// roster made of shifts only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shifts: Vec<Shift>,
    /// Temporary staff: extra agents on a range of simulated days.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub temporary: Vec<Temporary>,
    /// An external (outsourced) team paid per contact handled instead of per hour: its cost is
    /// contacts handled x this price, and its hours are not counted in the overall
    /// `agent_hours` (they are the supplier's). Excludes `cost_per_hour`.
    #[serde(default)]
    pub cost_per_contact: Option<f64>,
    /// How live and deferred (written) contacts share the team's queue: absent means one
    /// first-come-first-served order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blend: Option<Blend>,
    /// Contacts waiting here longer than `after` move to another team's queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalate: Option<Escalate>,
    /// Per incident type (`"*"`: the others), incidents this team resolves that reopen.
    #[serde(
        default,
        deserialize_with = "unique",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub reopen: BTreeMap<String, Reopen>,
    /// Concurrency per channel kind: an agent holds up to `limit` contacts of that kind at
    /// once, each slowed by `slowdown` per extra one held (see [`Concurrency`]).
    #[serde(
        default,
        deserialize_with = "unique",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub concurrency: BTreeMap<ChannelKind, Concurrency>,
}

/// How many contacts of one channel kind an agent holds at once, and how much each slows
/// the others: with `n` held, each progresses at `1 / (1 + slowdown * (n - 1))` of its
/// normal speed (its handling time is work at normal speed).
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Concurrency {
    pub limit: u32,
    #[serde(default)]
    pub slowdown: f64,
}

/// A shift pattern: `headcount` agents start at `start` on each of `days` and stay `length`
/// (it may run past midnight into the next day), off the floor during each break. Start,
/// length and breaks must fall on calendar-interval boundaries.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Shift {
    pub start: Clock,
    pub length: Dur,
    /// Breaks, each `at` an offset from the shift's start.
    #[serde(default)]
    pub breaks: Vec<Break>,
    #[serde(deserialize_with = "whole")]
    pub headcount: u32,
    /// Weekdays the shift starts on (default: every day).
    #[serde(default = "every_day")]
    pub days: Vec<Weekday>,
}

/// A break within a shift: from `at` after the shift's start, for `length`.
#[derive(Clone, Copy, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Break {
    pub at: Dur,
    pub length: Dur,
}

fn every_day() -> Vec<Weekday> {
    use Weekday::*;
    vec![Mon, Tue, Wed, Thu, Fri, Sat, Sun]
}

/// Extra agents on simulated days `first_day..=last_day` (day 1 is the day statistics start
/// on, midnight to midnight), from `from` to `to` each of those days (default the whole day);
/// like every agent, only while open.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Temporary {
    #[serde(deserialize_with = "whole")]
    pub first_day: u32,
    #[serde(deserialize_with = "whole")]
    pub last_day: u32,
    #[serde(deserialize_with = "whole")]
    pub agents: u32,
    #[serde(default)]
    pub from: Option<Clock>,
    #[serde(default)]
    pub to: Option<Clock>,
}

/// Staffing on some weekdays: `agents` from midnight (default: the team's `agents`), changed
/// by `schedule` as the day goes on.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DaySchedule {
    pub days: Vec<Weekday>,
    #[serde(default)]
    pub agents: Option<u32>,
    #[serde(default)]
    pub schedule: Vec<(Clock, u32)>,
}

fn one() -> f64 {
    1.0
}

/// A shared pool: people with a schedule and availability like a team's, who serve the
/// queues of the teams named in `skills`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Pool {
    pub name: String,
    pub agents: u32,
    #[serde(default)]
    pub schedule: Vec<(Clock, u32)>,
    /// Weekday-specific staffing, as a team's `schedule_by_day`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schedule_by_day: Vec<DaySchedule>,
    #[serde(default = "one")]
    pub availability: f64,
    #[serde(default)]
    pub duty_cycle: Option<Dur>,
    /// Per team (or skill) whose queue this pool serves: its rank (1 = primary) and
    /// proficiency.
    #[serde(deserialize_with = "unique")]
    pub skills: BTreeMap<String, Skill>,
    #[serde(default)]
    pub cost_per_hour: Option<f64>,
    /// After-contact work per incident type, as a team's `wrap_up`.
    #[serde(default, deserialize_with = "unique")]
    pub wrap_up: BTreeMap<String, Dist>,
    /// Shift patterns, as a team's `shifts`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shifts: Vec<Shift>,
    /// Temporary staff, as a team's `temporary`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub temporary: Vec<Temporary>,
    /// Concurrency per channel kind: an agent holds up to `limit` contacts of that kind at
    /// once, each slowed by `slowdown` per extra one held (see [`Concurrency`]).
    #[serde(
        default,
        deserialize_with = "unique",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub concurrency: BTreeMap<ChannelKind, Concurrency>,
}

/// Routing by skills instead of tiers. Each skill becomes a queue named after it; pools
/// serve it by naming it in their `skills`, like a team's queue.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Skills {
    /// Incident type to the skill it requires; the key `"*"` covers unlisted types.
    #[serde(deserialize_with = "unique")]
    pub requires: BTreeMap<String, String>,
    /// Handling time per incident type by an agent holding its skill at proficiency 1; the key
    /// `"*"` covers unlisted types.
    #[serde(deserialize_with = "unique")]
    pub handling: BTreeMap<String, Dist>,
    /// Per channel routed by skill: the share of its contacts whose required skill is recognised
    /// on arrival (a portal form's category, an email's keywords). The rest land in the queue of
    /// another skill, uniformly; its holder lacks the skill and passes the contact on.
    #[serde(deserialize_with = "unique")]
    pub recognised: BTreeMap<String, f64>,
    /// Time a holder of another skill spends on a contact before passing it on (default: the
    /// type's handling time).
    #[serde(default)]
    pub redirect: Option<Dist>,
    /// Per skill: the share of its contacts a holder fails to solve, handed to the holders of
    /// skill `to` (the same skill: another attempt by whoever holding it is free first).
    #[serde(default, deserialize_with = "unique")]
    pub fails: BTreeMap<String, Failure>,
    #[serde(default)]
    pub discipline: Discipline,
}

/// Contacts a skill's holders fail to solve, and where they go.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Failure {
    pub prob: f64,
    pub to: String,
}

/// How a pool serves one team's queue.
#[derive(Clone, Copy, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Skill {
    /// 1 = primary skill; a freed agent takes work from its lowest rank first, and a contact
    /// overflows to pools in increasing rank.
    #[serde(default = "rank_one")]
    pub rank: u8,
    /// Multiplies the team's handling time (1 = as fast as the team's own agents).
    #[serde(default = "one")]
    pub proficiency: f64,
    /// Time-based overflow: the pool sees a contact of this queue only once it has waited this
    /// long in it (default: at once).
    #[serde(default)]
    pub after: Option<Dur>,
}

fn rank_one() -> u8 {
    1
}

/// Queue discipline.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
pub enum Discipline {
    #[default]
    Fifo,
    /// Most urgent first, first come first served within a priority.
    Priority,
}

/// Outcome probabilities after a team handles a contact (sum to 1).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    #[serde(default)]
    pub resolve: f64,
    /// Team name to probability of passing the contact there.
    #[serde(default, deserialize_with = "unique")]
    pub pass: BTreeMap<String, f64>,
    /// Probability the contact is dropped (forgotten, never solved).
    #[serde(default)]
    pub lose: f64,
}

/// Triage errors: with probability `1 - accuracy` a contact passed on goes to a wrong team,
/// which spends a handling time and sends it on (a reassignment).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Triage {
    pub accuracy: f64,
    /// Teams a mis-routed contact can land on (default: the team's other pass targets).
    #[serde(default)]
    pub confused_with: Vec<String>,
}

/// Service targets.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    /// Service-level thresholds on the time to first response for live channels (phone, chat,
    /// chatbot, organic, other; default 20 s and 60 s).
    #[serde(default = "default_thresholds")]
    pub answer_within: Vec<Dur>,
    /// Thresholds for written channels (email, portal, social, monitoring; default 4 h, 24 h).
    #[serde(default = "default_written_thresholds")]
    pub answer_within_written: Vec<Dur>,
    /// Per channel name, thresholds replacing its kind's default.
    #[serde(default, deserialize_with = "unique")]
    pub answer_within_by_channel: BTreeMap<String, Vec<Dur>>,
    /// Abandons within this time of arrival are short abandons, left out of
    /// `service_level_excl_short_abandons_<T>` (default 5 s).
    #[serde(default = "default_short_abandon")]
    pub short_abandon: Dur,
    /// Per-priority response and resolution targets.
    #[serde(default, deserialize_with = "unique")]
    pub sla: BTreeMap<Priority, Sla>,
    /// Per incident type: targets (and clock) replacing the priority's, field by field.
    #[serde(
        default,
        deserialize_with = "unique",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub sla_by_type: BTreeMap<String, Sla>,
    /// Per channel name: the business calendar its incidents' SLA clocks run on where neither
    /// their type's nor their priority's SLA names one.
    #[serde(
        default,
        deserialize_with = "unique",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub sla_clock_by_channel: BTreeMap<String, String>,
}

impl Default for Targets {
    fn default() -> Self {
        Targets {
            answer_within: default_thresholds(),
            answer_within_written: default_written_thresholds(),
            answer_within_by_channel: BTreeMap::new(),
            short_abandon: default_short_abandon(),
            sla: BTreeMap::new(),
            sla_by_type: BTreeMap::new(),
            sla_clock_by_channel: BTreeMap::new(),
        }
    }
}

fn default_thresholds() -> Vec<Dur> {
    vec![Dur::from_secs(20.0), Dur::from_secs(60.0)]
}

fn default_written_thresholds() -> Vec<Dur> {
    vec![Dur::from_secs(4.0 * 3600.0), Dur::from_secs(24.0 * 3600.0)]
}

fn default_short_abandon() -> Dur {
    Dur::from_secs(5.0)
}

/// Response and resolution targets for one priority.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Sla {
    #[serde(default)]
    pub response: Option<Dur>,
    #[serde(default)]
    pub resolution: Option<Dur>,
    /// The business calendar (a `business_hours` name) the targets are measured on; absent:
    /// the wall clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock: Option<String>,
}

/// A distribution of durations.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub enum Dist {
    Exponential {
        mean: Dur,
    },
    LogNormal {
        mean: Dur,
        sd: Dur,
    },
    Gamma {
        mean: Dur,
        sd: Dur,
    },
    Weibull {
        shape: f64,
        scale: Dur,
    },
    Uniform {
        min: Dur,
        max: Dur,
    },
    Deterministic(Dur),
    /// Resampled from observed values.
    Empirical(Vec<Dur>),
}
