//! Compiled omnichannel demand: the urgency rule (customer record and problem to priority),
//! customers' records per incident stream, and the feeds that are not customers' own
//! contacts (social-media mentions, monitoring events) with how they become cases.

use super::{ArrivalModel, Categorical, ChannelId, TeamId};

/// A customer's record, as the urgency rule reads it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Record {
    /// Index into [`UrgencyModel::segments`], or [`NO_SEGMENT`].
    pub segment: u8,
    /// Past complaints without a solution.
    pub complaints: u8,
}

/// The segment of a contact without a customer record.
pub const NO_SEGMENT: u8 = u8::MAX;

impl Record {
    /// No segment, no complaints.
    pub const NONE: Record = Record {
        segment: NO_SEGMENT,
        complaints: 0,
    };
}

/// The compiled urgency rule (see [`crate::scenario::Urgency`] for the formula).
#[derive(Clone, Debug)]
pub struct UrgencyModel {
    /// Segment names, in the order of the scenario's `urgency.segments` (sorted by name).
    pub segments: Vec<String>,
    /// Points per segment.
    pub segment_points: Vec<f64>,
    pub per_complaint: f64,
    pub per_repeat: f64,
    /// Points per incident type.
    pub type_points: Vec<f64>,
    /// Points per stated priority, urgent first.
    pub priority_points: [f64; 4],
    /// Lowest score of Urgent, High and Medium.
    pub levels: [f64; 3],
}

impl UrgencyModel {
    /// The urgency score of a contact: stated priority `stated` (0 = urgent), incident type
    /// `ty`, the customer's `record` and `repeats` earlier contacts on this incident.
    pub fn score(&self, stated: u8, ty: usize, record: Record, repeats: u32) -> f64 {
        let segment = self
            .segment_points
            .get(usize::from(record.segment))
            .copied()
            .unwrap_or(0.0);
        self.priority_points[usize::from(stated.min(3))]
            + segment
            + self.per_complaint * f64::from(record.complaints)
            + self.per_repeat * f64::from(repeats)
            + self.type_points.get(ty).copied().unwrap_or(0.0)
    }

    /// The priority (0 = urgent .. 3 = low) the score earns.
    pub fn priority(&self, stated: u8, ty: usize, record: Record, repeats: u32) -> u8 {
        let s = self.score(stated, ty, record, repeats);
        self.levels.iter().position(|&l| s >= l).unwrap_or(3) as u8
    }
}

/// A stream's customers: segment shares (by [`UrgencyModel::segments`]) and the distribution
/// of past complaints.
#[derive(Clone, Debug)]
pub struct CustomerMix {
    pub segments: Categorical,
    pub complaints: Categorical,
}

impl CustomerMix {
    /// The record two uniform draws give.
    pub fn record(&self, u_segment: f64, u_complaints: f64) -> Record {
        Record {
            segment: self.segments.pick(u_segment) as u8,
            complaints: self.complaints.pick(u_complaints).min(usize::from(u8::MAX)) as u8,
        }
    }
}

/// What a feed is and how its items become cases.
#[derive(Clone, Debug)]
pub enum FeedKind {
    /// Social-media mentions; `router` is the triage team and its accuracy (none: automatic).
    Mentions { router: Option<(TeamId, f64)> },
    /// Monitoring events; `prevents` is the share of proactive cases that prevent a later
    /// customer incident of their type, and the window (seconds) they do so in.
    Monitor { prevents: Option<(f64, f64)> },
}

/// A compiled mention or monitoring stream.
#[derive(Clone, Debug)]
pub struct FeedModel {
    pub name: String,
    pub arrivals: ArrivalModel,
    /// Share of items that are (real) cases.
    pub case_share: f64,
    pub type_mix: Categorical,
    pub priority_mix: Categorical,
    /// The channel cases arrive on.
    pub channel: ChannelId,
    pub kind: FeedKind,
    /// Stable key for the feed's random numbers (a hash of its kind and name).
    pub stream_key: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule() -> UrgencyModel {
        // The README's worked example: premium +2, 1 per complaint, 1 per repeat, outage +1.
        UrgencyModel {
            segments: vec!["premium".into(), "standard".into()],
            segment_points: vec![2.0, 0.0],
            per_complaint: 1.0,
            per_repeat: 1.0,
            type_points: vec![1.0, 0.0],
            priority_points: [3.0, 2.0, 1.0, 0.0],
            levels: [5.0, 3.0, 2.0],
        }
    }

    #[test]
    fn scores_match_hand_computed_cases() {
        let u = rule();
        let premium = Record {
            segment: 0,
            complaints: 0,
        };
        let standard_2 = Record {
            segment: 1,
            complaints: 2,
        };
        // Medium (1) + premium (2) + outage (1) = 4 -> High (>= 3, < 5).
        assert_eq!(u.score(2, 0, premium, 0), 4.0);
        assert_eq!(u.priority(2, 0, premium, 0), 1);
        // Low (0) + standard (0) + 2 complaints (2) + other type (0) = 2 -> Medium.
        assert_eq!(u.score(3, 1, standard_2, 0), 2.0);
        assert_eq!(u.priority(3, 1, standard_2, 0), 2);
        // The same customer's second repeat: 2 + 2 = 4 -> High.
        assert_eq!(u.priority(3, 1, standard_2, 2), 1);
        // Urgent (3) + premium (2) = 5 -> Urgent; no record, Low, other type: 0 -> Low.
        assert_eq!(u.priority(0, 1, premium, 0), 0);
        assert_eq!(u.priority(3, 1, Record::NONE, 0), 3);
    }

    #[test]
    fn default_points_and_levels_keep_the_stated_priority() {
        let u = UrgencyModel {
            segments: vec![],
            segment_points: vec![],
            per_complaint: 0.0,
            per_repeat: 0.0,
            type_points: vec![0.0; 3],
            priority_points: [3.0, 2.0, 1.0, 0.0],
            levels: [3.0, 2.0, 1.0],
        };
        for p in 0..4 {
            assert_eq!(u.priority(p, 1, Record::NONE, 0), p);
        }
    }
}
