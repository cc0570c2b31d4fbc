//! Omnichannel counts of one replication: social-media mentions and the cases they became (or
//! failed to become), monitoring events and proactive cases, customer incidents prevented, and
//! waits per customer segment. Emitted as KPIs only where the model has the mechanism.

use super::kpi::{Kpi, Scope};
use super::tally::Tally;
use crate::model::{FeedKind, Model};

/// What the engine reports about mentions, monitoring and prevention (after the warm-up).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OmniFact {
    /// A mention arrived.
    Mention,
    /// A mention became a case (a real one, or a needless one the router created).
    MentionCase,
    /// The router judged a real case not a case: the customer's problem is lost.
    MentionMissed,
    /// The router judged a mention that is not a case a case: a needless case.
    FalseCase,
    /// A monitoring event occurred.
    MonitoringEvent,
    /// A monitoring event became a proactive case.
    ProactiveCase,
    /// A customer incident did not arrive: a proactive case prevented it.
    Prevented,
}

/// Per customer segment: incidents that arrived, and the time to answer their contacts.
#[derive(Clone, Debug)]
pub struct SegmentStats {
    pub incidents: u64,
    pub response: Tally,
}

/// Counts of [`OmniFact`]s and per-segment waits.
#[derive(Clone, Debug, Default)]
pub struct FeedStats {
    pub mentions: u64,
    pub mention_cases: u64,
    pub mentions_missed: u64,
    pub false_cases: u64,
    pub monitoring_events: u64,
    pub proactive_cases: u64,
    pub prevented: u64,
    /// By [`crate::model::UrgencyModel::segments`].
    pub segments: Vec<SegmentStats>,
}

impl FeedStats {
    pub fn new(m: &Model) -> Self {
        let n = m.urgency.as_ref().map_or(0, |u| u.segments.len());
        FeedStats {
            segments: (0..n)
                .map(|_| SegmentStats {
                    incidents: 0,
                    response: Tally::with_quantiles(),
                })
                .collect(),
            ..FeedStats::default()
        }
    }

    pub fn record(&mut self, fact: OmniFact) {
        let n = match fact {
            OmniFact::Mention => &mut self.mentions,
            OmniFact::MentionCase => &mut self.mention_cases,
            OmniFact::MentionMissed => &mut self.mentions_missed,
            OmniFact::FalseCase => &mut self.false_cases,
            OmniFact::MonitoringEvent => &mut self.monitoring_events,
            OmniFact::ProactiveCase => &mut self.proactive_cases,
            OmniFact::Prevented => &mut self.prevented,
        };
        *n += 1;
    }

    /// A new incident of a customer in `segment` arrived (no-op without a segment).
    #[inline]
    pub fn incident(&mut self, segment: u8) {
        if let Some(s) = self.segments.get_mut(usize::from(segment)) {
            s.incidents += 1;
        }
    }

    /// A contact of a customer in `segment` was answered after `waited` seconds.
    #[inline]
    pub fn answered(&mut self, segment: u8, waited: f64) {
        if let Some(s) = self.segments.get_mut(usize::from(segment)) {
            s.response.record(waited);
        }
    }

    /// The KPIs of the mechanisms `m` has, in a fixed order.
    pub fn emit(&self, m: &Model, emit: &mut dyn FnMut(Kpi, Scope, f64)) {
        let o = Scope::Overall;
        let has = |mentions: bool| {
            m.feeds
                .iter()
                .any(|f| matches!(f.kind, FeedKind::Mentions { .. }) == mentions)
        };
        if has(true) {
            emit(Kpi::Mentions, o, self.mentions as f64);
            emit(Kpi::MentionCases, o, self.mention_cases as f64);
            emit(Kpi::MentionsMissed, o, self.mentions_missed as f64);
            emit(Kpi::FalseCases, o, self.false_cases as f64);
        }
        if has(false) {
            emit(Kpi::MonitoringEvents, o, self.monitoring_events as f64);
            emit(Kpi::ProactiveCases, o, self.proactive_cases as f64);
            emit(Kpi::ContactsPrevented, o, self.prevented as f64);
        }
        for (k, s) in self.segments.iter().enumerate() {
            let sc = Scope::Segment(k as u8);
            emit(Kpi::IncidentsArrived, sc, s.incidents as f64);
            emit(Kpi::Answered, sc, s.response.n as f64);
            emit(Kpi::ResponseMean, sc, s.response.mean());
            emit(Kpi::ResponseQuantile(1), sc, s.response.quantile(0.9));
        }
    }
}
