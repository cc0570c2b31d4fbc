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
}

impl Scope {
    /// `overall`, `channel`, `type`, `priority` or `team`.
    pub fn kind(self) -> &'static str {
        match self {
            Scope::Overall => "overall",
            Scope::Channel(_) => "channel",
            Scope::Type(_) => "type",
            Scope::Priority(_) => "priority",
            Scope::Team(_) => "team",
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
        }
    }
}

/// What is measured.
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
    InSystemAtEnd,
    AbandonRate,
    BlockRate,
    LossRate,
    Answered,
    /// Time from a contact's arrival to an agent picking it up, for answered contacts.
    ResponseMean,
    ResponseQuantile(u8),
    ResponseMax,
    /// Answered within threshold k / (answered + abandoned).
    ServiceLevel(u8),
    /// Answered within threshold k / answered.
    ServiceLevelExclAbandons(u8),
    // Incidents (a customer's problem, over all its contacts), by their first channel.
    Incidents,
    IncidentsResolved,
    IncidentsUnresolved,
    IncidentsOpenAtEnd,
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
    // Teams.
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
}

/// Quantiles reported for waits and resolution times.
pub const QUANTILES: [f64; 4] = [0.5, 0.9, 0.95, 0.99];

impl Kpi {
    /// Snake-case name, with the threshold or quantile folded in (`service_level_20s`,
    /// `wait_p90`).
    pub fn name(self, m: &Model) -> String {
        let q = |k: u8| format!("p{}", (QUANTILES[k as usize] * 100.0).round());
        let t = |k: u8| fmt_threshold(m.thresholds[k as usize]);
        match self {
            Kpi::ResponseQuantile(k) => format!("response_{}", q(k)),
            Kpi::ResolutionQuantile(k) => format!("resolution_{}", q(k)),
            Kpi::WaitQuantile(k) => format!("wait_{}", q(k)),
            Kpi::QueueTimePerIncidentQuantile(k) => format!("queue_time_per_incident_{}", q(k)),
            Kpi::ServiceLevel(k) => format!("service_level_{}", t(k)),
            Kpi::ServiceLevelExclAbandons(k) => format!("service_level_excl_abandons_{}", t(k)),
            other => {
                let s = format!("{other:?}");
                let mut out = String::new();
                for (i, ch) in s.chars().enumerate() {
                    if ch.is_ascii_uppercase() && i > 0 {
                        out.push('_');
                    }
                    out.push(ch.to_ascii_lowercase());
                }
                out
            }
        }
    }

    /// Unit of the value.
    pub fn unit(self) -> Unit {
        use Kpi::*;
        match self {
            ResponseMean
            | ResponseQuantile(_)
            | ResponseMax
            | QueueTimePerIncidentMean
            | QueueTimePerIncidentQuantile(_)
            | QueueTimePerIncidentMax
            | ResolutionMean
            | ResolutionQuantile(_)
            | ResolutionMax
            | WaitMean
            | WaitQuantile(_)
            | WaitMax => Unit::Seconds,
            AbandonRate
            | BlockRate
            | LossRate
            | ServiceLevel(_)
            | ServiceLevelExclAbandons(_)
            | FirstContactResolution
            | SlaResponse
            | SlaResolution
            | Utilisation
            | Saturation => Unit::Ratio,
            ReassignmentsPerIncident | MisroutesPerIncident => Unit::PerIncident,
            AgentsPresent => Unit::Agents,
            OvertimeHours => Unit::Hours,
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
                | ServiceLevelExclAbandons(_)
                | IncidentsResolved
                | FirstContactResolution
                | SlaResponse
                | SlaResolution
                | Handled
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
