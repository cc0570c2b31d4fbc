//! Scenario types for how cases are judged and come back: business calendars that SLA clocks
//! run on, pauses while waiting on the customer, and resolved incidents that reopen.

use super::{Clock, Dist, Weekday};
use serde::{Deserialize, Serialize};

/// A named business calendar: the hours an SLA clock runs, e.g.
/// `(name: "office", hours: [(days: [Mon, Tue, Wed, Thu, Fri], from: "09:00", to: "17:00")],
/// holidays: [4])`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessHours {
    pub name: String,
    /// Working hours per group of weekdays; a weekday in no group has none.
    pub hours: Vec<BusinessDay>,
    /// Simulated days (0 = the run's first day, warm-up included) on which the clock stops.
    #[serde(default)]
    pub holidays: Vec<u32>,
}

/// The business hours of some weekdays.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessDay {
    pub days: Vec<Weekday>,
    pub from: Clock,
    pub to: Clock,
}

/// Waiting on the customer: with probability `prob`, an incident an agent resolved waits
/// `delay` for the customer (to confirm, or to send what was asked) before it closes. The SLA
/// clock stops meanwhile.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Pause {
    pub prob: f64,
    pub delay: Dist,
}

/// Reopening: with probability `prob`, an incident a team resolved comes back `after` later
/// as a new contact of the same incident on `channel` (default: its first channel).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Reopen {
    pub prob: f64,
    pub after: Dist,
    #[serde(default)]
    pub channel: Option<String>,
}
