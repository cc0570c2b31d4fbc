//! KPI identities: what is measured ([`Kpi`]) and for which breakdown ([`Scope`]), with names
//! and units for reports.

use crate::model::Model;
use crate::scenario::Priority;
use serde::Serialize;

/// A breakdown a KPI is reported for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    Overall,
    Channel(u16),
    Type(u16),
    Priority(u8),
    Team(u16),
    /// A shared pool, by its position among all pools (teams' own first).
    Pool(u16),
    /// A customer segment of the urgency rule, by its position (segments sorted by name).
    Segment(u8),
}

impl Scope {
    /// `overall`, `channel`, `type`, `priority`, `team` or `pool`.
    pub fn kind(self) -> &'static str {
        match self {
            Scope::Overall => "overall",
            Scope::Channel(_) => "channel",
            Scope::Type(_) => "type",
            Scope::Priority(_) => "priority",
            Scope::Team(_) => "team",
            Scope::Pool(_) => "pool",
            Scope::Segment(_) => "segment",
        }
    }
    /// The channel, type, priority or team name (`all` for overall).
    pub fn label(self, m: &Model) -> String {
        match self {
            Scope::Overall => "all".into(),
            Scope::Channel(i) => m.channels[i as usize].name.clone(),
            Scope::Type(i) => m.types[i as usize].clone(),
            Scope::Priority(p) => Priority::ALL[p as usize].name().into(),
            Scope::Team(i) => m.teams[i as usize].name.clone(),
            Scope::Pool(i) => m.pool_name(crate::model::PoolId(i)).to_string(),
            Scope::Segment(i) => m
                .urgency
                .as_ref()
                .and_then(|u| u.segments.get(usize::from(i)))
                .cloned()
                .unwrap_or_default(),
        }
    }
}

/// Unit of a KPI value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    Count,
    Seconds,
    Ratio,
    PerIncident,
    Agents,
    Hours,
    /// In the unit of `cost_per_hour`.
    Cost,
}

impl Unit {
    pub fn name(self) -> &'static str {
        match self {
            Unit::Count => "count",
            Unit::Seconds => "s",
            Unit::Ratio => "ratio",
            Unit::PerIncident => "per_incident",
            Unit::Agents => "agents",
            Unit::Hours => "h",
            Unit::Cost => "cost",
        }
    }
}

/// What is measured. Names (as in `kpis.csv` and in staffing targets) come from
/// [`Kpi::name`], definitions from [`Kpi::definition`]; [`Kpi::all`] lists every KPI of a
/// model and [`Kpi::parse`] finds one by its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kpi {
    // Contacts (attempts), by the channel they arrived on.
    Arrived,
    Duplicates,
    Resolved,
    Abandoned,
    Blocked,
    Lost,
    /// Chasing contacts merged into their open incident.
    Merged,
    /// Contacts still waiting, in service or in self-service when the run stopped.
    ContactsOpenAtEnd,
    AbandonRate,
    BlockRate,
    LossRate,
    /// Contacts that asked for an agent: blocked, or joined the entry team's queue.
    Offered,
    Answered,
    /// Time from a contact's arrival to an agent picking it up, for answered contacts.
    ResponseMean,
    ResponseQuantile(u8),
    ResponseMax,
    /// Time in the entry queue over answered and abandoned contacts.
    ResponseMeanInclAbandons,
    /// Share of queued contacts not answered at once (per-contact P(wait > 0)).
    DelayProbability,
    /// Answered within threshold k / offered (blocked and abandoned count as failures).
    ServiceLevel(u8),
    /// Answered within threshold k / answered.
    ServiceLevelOfAnswered(u8),
    /// Answered within threshold k / (answered + abandoned after the short-abandon time).
    ServiceLevelExclShortAbandons(u8),
    /// (Answered within threshold k + abandoned within it) / offered.
    ServiceLevelAbandonsMet(u8),
    // Incidents (a customer's problem, over all its contacts), by their first channel.
    /// Incidents that ended (resolved or failed for good).
    Incidents,
    /// Incidents that arrived: ended plus still open at the end.
    IncidentsArrived,
    IncidentsResolved,
    IncidentsUnresolved,
    IncidentsOpenAtEnd,
    /// Age of the oldest incident still open at the end (0 if none).
    OldestOpenIncidentAge,
    /// Resolved / arrived incidents.
    ResolutionRate,
    FirstContactResolution,
    ReassignmentsPerIncident,
    MisroutesPerIncident,
    /// Time spent waiting in queues over all of an incident's contacts and team visits.
    QueueTimePerIncidentMean,
    QueueTimePerIncidentQuantile(u8),
    QueueTimePerIncidentMax,
    ResolutionMean,
    ResolutionQuantile(u8),
    ResolutionMax,
    SlaResponse,
    SlaResolution,
    /// Resolved within the resolution target / incidents with a target that arrived.
    SlaResolutionOfArrived,
    // Staff and cost (overall: all teams; and per team).
    AgentHours,
    CostPerDay,
    CostPerResolvedIncident,
    // Teams.
    /// Contacts that joined the team's queue (every visit, transfers included).
    Entered,
    Visits,
    Handled,
    WaitMean,
    WaitQuantile(u8),
    WaitMax,
    Utilisation,
    QueueMean,
    QueueMax,
    Saturation,
    SaturatedIntervals,
    AgentsPresent,
    Misrouted,
    /// Agent-hours of handling beyond the roster: after closing (serving the queue left at
    /// closing, finishing a contact) or past a shift's end.
    OvertimeHours,
    /// Contacts waiting for or in service at the team when the run stopped.
    OpenAtEnd,
    /// Age (since joining the team's queue) of the oldest contact open there at the end.
    OldestOpenAge,
    /// Mean over simulated days of (queue at the day's end - queue at its start).
    BacklogGrowthPerDay,
    /// Share of simulated days whose queue ended longer than it started.
    BacklogGrowingDays,
    /// Share of a team's visits served by a pool other than its own (shared pools).
    OverflowShare,
    // Callbacks (channels offering them, and overall).
    CallbacksOffered,
    CallbacksAccepted,
    CallbacksReached,
    CallbacksFailed,
    TimeToCallbackMean,
    TimeToCallbackMax,
    // Blending teams: live and deferred work.
    LiveWaitMean,
    DeferredWaitMean,
    DeferredVisits,
    /// Contacts moved out of a team's queue by time-triggered escalation.
    Escalations,
    // Social media, monitoring and prevention (overall, where the model has them).
    Mentions,
    MentionCases,
    MentionsMissed,
    FalseCases,
    MonitoringEvents,
    ProactiveCases,
    ContactsPrevented,
    // Cases: deflection, reopening, SLA clocks (by the breakdowns contacts are counted in).
    /// Contacts self-service deflected (demand avoided; not arrivals).
    Deflected,
    /// Deflected + arrived contacts.
    DemandOffered,
    /// Deflected / demand offered.
    DeflectionRate,
    /// Incidents whose later attempt self-service deflected.
    IncidentsDeflected,
    /// Resolved contacts whose incident reopens.
    Reopened,
    /// Reopened / resolved contacts.
    ReopenRate,
    /// `SlaResponse` on each incident's SLA clock (business hours, waits on the customer out).
    SlaResponseBusiness,
    /// `SlaResolution` on each incident's SLA clock.
    SlaResolutionBusiness,
    /// Share of all work (handling and wrap-up) done by the busiest tenth of the agents.
    BusiestTenthShare,
    /// Share of an incident type's contacts taken by a pool (by type index).
    ServedShare(u16),
    /// Contact-time held / (available agent-time x the pool's largest concurrency limit).
    Occupancy,
    /// Mean contacts held per busy agent (concurrency in use).
    ConcurrencyMean,
}

/// Quantiles reported for waits and resolution times.
pub const QUANTILES: [f64; 4] = [0.5, 0.9, 0.95, 0.99];

impl Kpi {
    /// The snake-case name of a KPI without threshold or quantile.
    fn base(self) -> &'static str {
        use Kpi::*;
        match self {
            Arrived => "arrived",
            Duplicates => "duplicates",
            Resolved => "resolved",
            Abandoned => "abandoned",
            Blocked => "blocked",
            Lost => "lost",
            Merged => "merged",
            ContactsOpenAtEnd => "contacts_open_at_end",
            AbandonRate => "abandon_rate",
            BlockRate => "block_rate",
            LossRate => "loss_rate",
            Offered => "offered",
            Answered => "answered",
            ResponseMean => "response_mean",
            ResponseQuantile(_) => "response",
            ResponseMax => "response_max",
            ResponseMeanInclAbandons => "response_mean_incl_abandons",
            DelayProbability => "delay_probability",
            ServiceLevel(_) => "service_level",
            ServiceLevelOfAnswered(_) => "service_level_of_answered",
            ServiceLevelExclShortAbandons(_) => "service_level_excl_short_abandons",
            ServiceLevelAbandonsMet(_) => "service_level_abandons_met",
            Incidents => "incidents",
            IncidentsArrived => "incidents_arrived",
            IncidentsResolved => "incidents_resolved",
            IncidentsUnresolved => "incidents_unresolved",
            IncidentsOpenAtEnd => "incidents_open_at_end",
            OldestOpenIncidentAge => "oldest_open_incident_age",
            ResolutionRate => "resolution_rate",
            FirstContactResolution => "first_contact_resolution",
            ReassignmentsPerIncident => "reassignments_per_incident",
            MisroutesPerIncident => "misroutes_per_incident",
            QueueTimePerIncidentMean => "queue_time_per_incident_mean",
            QueueTimePerIncidentQuantile(_) => "queue_time_per_incident",
            QueueTimePerIncidentMax => "queue_time_per_incident_max",
            ResolutionMean => "resolution_mean",
            ResolutionQuantile(_) => "resolution",
            ResolutionMax => "resolution_max",
            SlaResponse => "sla_response",
            SlaResolution => "sla_resolution",
            SlaResolutionOfArrived => "sla_resolution_of_arrived",
            AgentHours => "agent_hours",
            CostPerDay => "cost_per_day",
            CostPerResolvedIncident => "cost_per_resolved_incident",
            Entered => "entered",
            Visits => "visits",
            Handled => "handled",
            WaitMean => "wait_mean",
            WaitQuantile(_) => "wait",
            WaitMax => "wait_max",
            Utilisation => "utilisation",
            QueueMean => "queue_mean",
            QueueMax => "queue_max",
            Saturation => "saturation",
            SaturatedIntervals => "saturated_intervals",
            AgentsPresent => "agents_present",
            OvertimeHours => "overtime_hours",
            Misrouted => "misrouted",
            OpenAtEnd => "open_at_end",
            OldestOpenAge => "oldest_open_age",
            BacklogGrowthPerDay => "backlog_growth_per_day",
            BacklogGrowingDays => "backlog_growing_days",
            OverflowShare => "overflow_share",
            CallbacksOffered => "callbacks_offered",
            CallbacksAccepted => "callbacks_accepted",
            CallbacksReached => "callbacks_reached",
            CallbacksFailed => "callbacks_failed",
            TimeToCallbackMean => "time_to_callback_mean",
            TimeToCallbackMax => "time_to_callback_max",
            LiveWaitMean => "live_wait_mean",
            DeferredWaitMean => "deferred_wait_mean",
            DeferredVisits => "deferred_visits",
            Escalations => "escalations",
            Mentions => "mentions",
            MentionCases => "mention_cases",
            MentionsMissed => "mentions_missed",
            FalseCases => "false_cases",
            MonitoringEvents => "monitoring_events",
            ProactiveCases => "proactive_cases",
            ContactsPrevented => "contacts_prevented",
            Deflected => "deflected",
            DemandOffered => "demand_offered",
            DeflectionRate => "deflection_rate",
            IncidentsDeflected => "incidents_deflected",
            Reopened => "reopened",
            ReopenRate => "reopen_rate",
            SlaResponseBusiness => "sla_response_business",
            SlaResolutionBusiness => "sla_resolution_business",
            BusiestTenthShare => "busiest_tenth_share",
            ServedShare(_) => "served_share",
            Occupancy => "occupancy",
            ConcurrencyMean => "concurrency_mean",
        }
    }

    /// Snake-case name, with the threshold or quantile folded in (`service_level_20s`,
    /// `wait_p90`).
    pub fn name(self, m: &Model) -> String {
        use Kpi::*;
        let q = |k: u8| format!("p{}", (QUANTILES[k as usize] * 100.0).round());
        let t = |k: u8| fmt_threshold(m.thresholds[k as usize]);
        match self {
            ResponseQuantile(k)
            | ResolutionQuantile(k)
            | WaitQuantile(k)
            | QueueTimePerIncidentQuantile(k) => format!("{}_{}", self.base(), q(k)),
            ServiceLevel(k)
            | ServiceLevelOfAnswered(k)
            | ServiceLevelExclShortAbandons(k)
            | ServiceLevelAbandonsMet(k) => format!("{}_{}", self.base(), t(k)),
            ServedShare(ty) => format!("{}_{}", self.base(), m.types[ty as usize]),
            _ => self.base().to_string(),
        }
    }

    /// Every KPI a model can report (for some breakdown), thresholds and quantiles expanded.
    pub fn all(m: &Model) -> Vec<Kpi> {
        use Kpi::*;
        let mut out = vec![
            Arrived,
            Duplicates,
            Resolved,
            Abandoned,
            Blocked,
            Lost,
            Merged,
            ContactsOpenAtEnd,
            AbandonRate,
            BlockRate,
            LossRate,
            Offered,
            Answered,
            ResponseMean,
            ResponseMax,
            ResponseMeanInclAbandons,
            DelayProbability,
            Incidents,
            IncidentsArrived,
            IncidentsResolved,
            IncidentsUnresolved,
            IncidentsOpenAtEnd,
            OldestOpenIncidentAge,
            ResolutionRate,
            FirstContactResolution,
            ReassignmentsPerIncident,
            MisroutesPerIncident,
            QueueTimePerIncidentMean,
            QueueTimePerIncidentMax,
            ResolutionMean,
            ResolutionMax,
            SlaResponse,
            SlaResolution,
            SlaResolutionOfArrived,
            AgentHours,
            CostPerDay,
            CostPerResolvedIncident,
            Entered,
            Visits,
            Handled,
            WaitMean,
            WaitMax,
            Utilisation,
            QueueMean,
            QueueMax,
            Saturation,
            SaturatedIntervals,
            AgentsPresent,
            OvertimeHours,
            Misrouted,
            OpenAtEnd,
            OldestOpenAge,
            BacklogGrowthPerDay,
            BacklogGrowingDays,
            OverflowShare,
            CallbacksOffered,
            CallbacksAccepted,
            CallbacksReached,
            CallbacksFailed,
            TimeToCallbackMean,
            TimeToCallbackMax,
            LiveWaitMean,
            DeferredWaitMean,
            DeferredVisits,
            Escalations,
            Mentions,
            MentionCases,
            MentionsMissed,
            FalseCases,
            MonitoringEvents,
            ProactiveCases,
            ContactsPrevented,
            Deflected,
            DemandOffered,
            DeflectionRate,
            IncidentsDeflected,
            Reopened,
            ReopenRate,
            SlaResponseBusiness,
            SlaResolutionBusiness,
            BusiestTenthShare,
            Occupancy,
            ConcurrencyMean,
        ];
        out.extend((0..m.types.len() as u16).map(ServedShare));
        for k in 0..QUANTILES.len() as u8 {
            out.extend([
                ResponseQuantile(k),
                ResolutionQuantile(k),
                WaitQuantile(k),
                QueueTimePerIncidentQuantile(k),
            ]);
        }
        for k in 0..m.thresholds.len() as u8 {
            out.extend([
                ServiceLevel(k),
                ServiceLevelOfAnswered(k),
                ServiceLevelExclShortAbandons(k),
                ServiceLevelAbandonsMet(k),
            ]);
        }
        out
    }

    /// The KPI called `name` in this model, if any.
    pub fn parse(name: &str, m: &Model) -> Option<Kpi> {
        Kpi::all(m).into_iter().find(|k| k.name(m) == name)
    }

    /// What the KPI measures, in one sentence (for reports and the README).
    pub fn definition(self) -> &'static str {
        use Kpi::*;
        match self {
            ServiceLevel(_) => {
                "answered within T of arrival / offered (answered, abandoned, blocked and still waiting at the end); blocked and abandoned count as failures"
            }
            ServiceLevelOfAnswered(_) => {
                "answered within T / answered (abandons and blocks left out)"
            }
            ServiceLevelExclShortAbandons(_) => {
                "answered within T / (answered + abandoned after the short-abandon time)"
            }
            ServiceLevelAbandonsMet(_) => {
                "(answered within T + abandoned within T) / offered: abandons within T count as met"
            }
            Offered => {
                "contacts that asked for an agent: blocked, or joined the entry team's queue"
            }
            DelayProbability => "share of queued contacts not picked up at once: P(wait > 0)",
            ResponseMeanInclAbandons => {
                "mean time in the entry queue over answered and abandoned contacts"
            }
            ResponseMean | ResponseQuantile(_) | ResponseMax => {
                "time from a contact's arrival to an agent picking it up, answered contacts only"
            }
            ContactsOpenAtEnd => "contacts still waiting, in service or in self-service at the end",
            Incidents => "incidents that ended (resolved, or failed with no further attempt)",
            IncidentsArrived => "incidents that arrived: ended + still open at the end",
            IncidentsOpenAtEnd => {
                "incidents still open at the end (queued, in service or awaiting a retry)"
            }
            OldestOpenIncidentAge => "age at the end of the oldest open incident (0 if none)",
            ResolutionRate => {
                "resolved incidents / incidents that arrived (open ones count as not resolved)"
            }
            FirstContactResolution => "resolved on the first contact / resolved incidents",
            ResolutionMean | ResolutionQuantile(_) | ResolutionMax => {
                "first contact to resolution, resolved incidents only"
            }
            SlaResponse => {
                "answered within the priority's response target / (ended incidents + open ones past the target)"
            }
            SlaResolution => {
                "resolved within the priority's resolution target / (ended incidents + open ones past the target)"
            }
            SlaResolutionOfArrived => {
                "resolved within the resolution target / every incident with a target that arrived"
            }
            AgentHours => {
                "paid agent-hours over the simulated days: rostered (other duties included) plus overtime"
            }
            CostPerDay => {
                "(agent-hours x cost_per_hour, or contacts handled x cost_per_contact) / simulated days"
            }
            CostPerResolvedIncident => "cost of all teams / resolved incidents",
            Entered => "contacts that joined the team's queue (transfers included)",
            OpenAtEnd => "contacts waiting for or in service at the team at the end",
            OldestOpenAge => {
                "age since joining the team's queue of the oldest contact open there at the end"
            }
            BacklogGrowthPerDay => {
                "mean over simulated days of queue at midnight minus queue the midnight before"
            }
            BacklogGrowingDays => {
                "share of simulated days whose queue ended longer than it started"
            }
            Utilisation => "busy agent time / available agent time, while open (overtime apart)",
            OverflowShare => "share of a team's visits served by a pool other than its own",
            BusiestTenthShare => {
                "work (handling and wrap-up) of the ceil(n/10) busiest agents / work of all n agents the pool (overall: every pool) had"
            }
            Occupancy => {
                "contact-time held by the pool's agents / (available agent-time x its largest concurrency limit k); pools with k > 1 only"
            }
            ConcurrencyMean => {
                "contact-time held / busy agent-time (an agent is busy while it holds at least one contact); pools with k > 1 only"
            }
            ServedShare(_) => {
                "contacts of the type taken by this pool / contacts of the type taken by any pool"
            }
            Saturation => "share of rostered time with no agent free",
            QueueMean => "time-average contacts waiting in the team's queue, after the warm-up",
            QueueMax => {
                "longest the team's queue was after the warm-up (the queue the warm-up ends with included)"
            }
            AgentsPresent => "mean agents available while rostered (never above the roster)",
            OvertimeHours => {
                "agent-hours of handling beyond the roster: after closing or past a shift's end"
            }
            CallbacksOffered => {
                "callers offered a callback: their expected wait on arrival exceeded the threshold"
            }
            CallbacksAccepted => {
                "offered callbacks accepted: the caller hung up and kept its place (never an abandon)"
            }
            CallbacksReached => "accepted callbacks whose call back reached the customer",
            CallbacksFailed => {
                "accepted callbacks never reached after max_tries calls back (the contact ends as lost)"
            }
            TimeToCallbackMean | TimeToCallbackMax => {
                "arrival to the call back that reached the customer, reached callbacks only"
            }
            LiveWaitMean => {
                "wait per visit of live contacts (not written channels) at a blending team"
            }
            DeferredWaitMean => {
                "wait per visit of deferred contacts (email, portal, social, monitoring) at a blending team"
            }
            DeferredVisits => "visits of deferred contacts started at a blending team",
            Escalations => {
                "contacts moved out of the team's queue after waiting escalate.after (time-triggered)"
            }
            Mentions => "social-media mentions that arrived (cases or not)",
            MentionCases => {
                "cases created from mentions: real ones, plus needless ones a manual router created"
            }
            MentionsMissed => {
                "real cases a manual router judged not a case: lost, never an incident"
            }
            FalseCases => "mentions that are not cases which a manual router made a case",
            MonitoringEvents => "monitoring events that occurred",
            ProactiveCases => "monitoring events that became cases",
            ContactsPrevented => {
                "customer incidents that never arrived because a proactive case of their type prevented them"
            }
            Deflected => {
                "contacts self-service deflected: demand avoided, never counted as arrived, resolved or first-contact resolutions"
            }
            DemandOffered => "deflected + arrived contacts: the demand before self-service",
            DeflectionRate => "deflected / demand_offered",
            IncidentsDeflected => {
                "incidents that arrived and whose later attempt self-service deflected (neither resolved nor unresolved)"
            }
            Reopened => "contacts an agent resolved whose incident reopens as a new contact",
            ReopenRate => "reopened / resolved contacts",
            SlaResponseBusiness => {
                "sla_response measured on each incident's SLA clock (its business calendar, or the wall clock if its SLA names none)"
            }
            SlaResolutionBusiness => {
                "sla_resolution measured on each incident's SLA clock, time waiting on the customer left out"
            }
            _ => "see the README",
        }
    }

    /// Unit of the value.
    pub fn unit(self) -> Unit {
        use Kpi::*;
        match self {
            ResponseMean
            | ResponseQuantile(_)
            | ResponseMax
            | ResponseMeanInclAbandons
            | QueueTimePerIncidentMean
            | QueueTimePerIncidentQuantile(_)
            | QueueTimePerIncidentMax
            | ResolutionMean
            | ResolutionQuantile(_)
            | ResolutionMax
            | OldestOpenIncidentAge
            | OldestOpenAge
            | WaitMean
            | WaitQuantile(_)
            | WaitMax
            | TimeToCallbackMean
            | TimeToCallbackMax
            | LiveWaitMean
            | DeferredWaitMean => Unit::Seconds,
            AbandonRate
            | BlockRate
            | LossRate
            | DelayProbability
            | ServiceLevel(_)
            | ServiceLevelOfAnswered(_)
            | ServiceLevelExclShortAbandons(_)
            | ServiceLevelAbandonsMet(_)
            | ResolutionRate
            | FirstContactResolution
            | SlaResponse
            | SlaResolution
            | SlaResolutionOfArrived
            | Utilisation
            | Saturation
            | OverflowShare
            | BacklogGrowingDays
            | DeflectionRate
            | ReopenRate
            | SlaResponseBusiness
            | SlaResolutionBusiness
            | BusiestTenthShare
            | Occupancy
            | ServedShare(_) => Unit::Ratio,
            ReassignmentsPerIncident | MisroutesPerIncident => Unit::PerIncident,
            AgentsPresent => Unit::Agents,
            OvertimeHours => Unit::Hours,
            AgentHours => Unit::Hours,
            CostPerDay | CostPerResolvedIncident => Unit::Cost,
            _ => Unit::Count,
        }
    }

    /// Whether a larger value is better (for reports that flag improvements).
    pub fn higher_is_better(self) -> bool {
        use Kpi::*;
        matches!(
            self,
            Resolved
                | Answered
                | ServiceLevel(_)
                | ServiceLevelOfAnswered(_)
                | ServiceLevelExclShortAbandons(_)
                | ServiceLevelAbandonsMet(_)
                | IncidentsResolved
                | ResolutionRate
                | FirstContactResolution
                | SlaResponse
                | SlaResolution
                | SlaResolutionOfArrived
                | Handled
                | SlaResponseBusiness
                | SlaResolutionBusiness
        )
    }
}

fn fmt_threshold(secs: f64) -> String {
    if secs < 120.0 || secs % 60.0 != 0.0 {
        format!("{secs}s")
    } else if secs < 7200.0 || secs % 3600.0 != 0.0 {
        format!("{}min", secs / 60.0)
    } else {
        format!("{}h", secs / 3600.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_parse_back() {
        let m = crate::model::load_model(std::path::Path::new("scenarios/after.ron")).unwrap();
        let all = Kpi::all(&m);
        let mut names: Vec<String> = all.iter().map(|k| k.name(&m)).collect();
        for k in &all {
            assert_eq!(Kpi::parse(&k.name(&m), &m), Some(*k));
        }
        names.sort();
        let n = names.len();
        names.dedup();
        assert_eq!(names.len(), n, "two KPIs share a name");
        assert_eq!(
            Kpi::parse("queue_time_per_incident_mean", &m),
            Some(Kpi::QueueTimePerIncidentMean)
        );
    }
}
