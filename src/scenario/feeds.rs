//! Omnichannel demand beyond customers' own contacts, as the user writes it: customer records
//! and the urgency rule that turns them into a priority, social-media mentions of which a
//! share become cases, and monitoring events of which a share become proactive cases that
//! prevent later customer contacts. Every field is optional at the scenario level.

use super::unique::unique;
use super::{Arrivals, Dur, Priority};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The urgency rule: points from the problem (its stated priority and incident type) and the
/// customer record (segment, past complaints without a solution, repeated contacts on this
/// incident), summed into a score that sets the contact's priority:
///
/// `score = by_priority[stated] + segments[segment] + per_complaint x complaints
///          + per_repeat x repeats + by_type[type]`
///
/// and the priority is `Urgent` if `score >= levels.urgent`, else `High` if `>= levels.high`,
/// else `Medium` if `>= levels.medium`, else `Low`. With the defaults (3/2/1/0 points and
/// levels 3/2/1) and no other weight, the priority is the stated one.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Urgency {
    /// Points per customer segment (segment names are declared here).
    #[serde(deserialize_with = "unique")]
    pub segments: BTreeMap<String, f64>,
    /// Points per past complaint without a solution on the customer's record.
    #[serde(default)]
    pub per_complaint: f64,
    /// Points per repeated contact on this incident (a retry or a chase).
    #[serde(default)]
    pub per_repeat: f64,
    /// Points per incident type; unlisted types get none.
    #[serde(default, deserialize_with = "unique")]
    pub by_type: BTreeMap<String, f64>,
    /// Points for the priority the problem itself has (default Urgent 3, High 2, Medium 1, Low 0).
    #[serde(default, deserialize_with = "super::unique::unique_opt")]
    pub by_priority: Option<BTreeMap<Priority, f64>>,
    /// Score thresholds for the priority levels (default 3, 2, 1).
    #[serde(default)]
    pub levels: Levels,
}

/// The lowest score of each priority level above `Low`.
#[derive(Clone, Copy, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Levels {
    pub urgent: f64,
    pub high: f64,
    pub medium: f64,
}

impl Default for Levels {
    fn default() -> Self {
        Levels {
            urgent: 3.0,
            high: 2.0,
            medium: 1.0,
        }
    }
}

/// The customers behind an incident stream: the share in each segment and the distribution of
/// past complaints without a solution.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Customers {
    /// Segment name (declared in `urgency.segments`) to share of the stream's customers
    /// (sums to 1).
    #[serde(deserialize_with = "unique")]
    pub segments: BTreeMap<String, f64>,
    /// Probability of 0, 1, 2, ... past complaints without a solution (sums to 1; default:
    /// none).
    #[serde(default)]
    pub complaints: Vec<f64>,
}

/// A stream of social-media mentions: a share are real cases; the others never count as
/// incidents, contacts or resolutions.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Mentions {
    pub name: String,
    pub arrivals: Arrivals,
    /// Share of mentions that are real cases (a customer with a problem).
    pub case_share: f64,
    /// Incident-type mix of the cases (sums to 1).
    #[serde(deserialize_with = "unique")]
    pub mix: BTreeMap<String, f64>,
    /// Priority mix of the cases (sums to 1); absent means all `Medium`.
    #[serde(default, deserialize_with = "super::unique::unique_opt")]
    pub priorities: Option<BTreeMap<Priority, f64>>,
    /// The channel created cases arrive on (its entry team handles them).
    pub channel: String,
    /// How mentions become cases (default: automatically).
    #[serde(default)]
    pub router: Router,
}

/// How mentions become cases.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub enum Router {
    /// Every real case becomes a case at once; no other mention does.
    #[default]
    Automatic,
    /// A team reads every mention (its handling time per type, `"*"` for all) and decides:
    /// right with probability `accuracy`. A real case judged not a case is missed (lost for
    /// good); a mention that is not a case judged a case creates a needless case.
    Manual { team: String, accuracy: f64 },
}

/// A stream of monitoring events of which a share become proactive cases, handled by the
/// entry team of `channel`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Monitor {
    pub name: String,
    /// When events occur (e.g. `Poisson(per_hour: 229.2)` for 5,500 a day).
    pub events: Arrivals,
    /// Share of events that become cases.
    pub case_share: f64,
    /// Incident-type mix of the cases (sums to 1).
    #[serde(deserialize_with = "unique")]
    pub mix: BTreeMap<String, f64>,
    #[serde(default, deserialize_with = "super::unique::unique_opt")]
    pub priorities: Option<BTreeMap<Priority, f64>>,
    /// The channel (usually of kind `Monitoring`) the cases arrive on.
    pub channel: String,
    /// Later customer contacts a proactive case prevents (default: none).
    #[serde(default)]
    pub prevents: Option<Prevention>,
}

/// With probability `share`, a proactive case of type T prevents one customer incident of
/// type T arriving within `window` after the case was created: the first such incident (from
/// `demand` streams or a channel's own arrivals) never arrives.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Prevention {
    pub share: f64,
    pub window: Dur,
}
