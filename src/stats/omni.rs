//! Statistics of the omnichannel mechanisms: callbacks per channel (and overall), waits of
//! live and deferred work at blending teams, and time-triggered escalations per team. Only
//! the channels and teams that use a mechanism report its KPIs.

use super::kpi::{Kpi, Scope};
use super::tally::Summary;
use crate::model::Model;

/// Callback counts for one breakdown.
#[derive(Clone, Debug)]
pub struct CallbackStats {
    pub offered: u64,
    pub accepted: u64,
    pub reached: u64,
    pub failed: u64,
    /// Arrival to the call back that reached the customer.
    pub time_to_callback: Summary,
}

impl CallbackStats {
    fn new() -> Self {
        CallbackStats {
            offered: 0,
            accepted: 0,
            reached: 0,
            failed: 0,
            time_to_callback: Summary::new(),
        }
    }
}

/// One replication's omnichannel statistics.
#[derive(Clone, Debug)]
pub struct OmniStats {
    /// Overall, then per channel.
    pub callbacks: Vec<CallbackStats>,
    /// Per team: waits of the visits of live and of deferred contacts (blending teams).
    pub live_wait: Vec<Summary>,
    pub deferred_wait: Vec<Summary>,
    /// Per team: contacts that escalated out of its queue.
    pub escalations: Vec<u64>,
    /// Per channel: written (deferred at a blending team).
    written: Vec<bool>,
    /// Per team: blends live and deferred work.
    blends: Vec<bool>,
    /// Some team does (most models have none: one test per visit then).
    any_blend: bool,
}

impl OmniStats {
    pub fn new(m: &Model) -> Self {
        let teams = m.teams.len();
        OmniStats {
            callbacks: (0..=m.channels.len())
                .map(|_| CallbackStats::new())
                .collect(),
            live_wait: (0..teams).map(|_| Summary::new()).collect(),
            deferred_wait: (0..teams).map(|_| Summary::new()).collect(),
            escalations: vec![0; teams],
            written: m.channels.iter().map(|c| c.kind.is_written()).collect(),
            blends: m.teams.iter().map(|t| t.blend.is_some()).collect(),
            any_blend: m.teams.iter().any(|t| t.blend.is_some()),
        }
    }

    /// The overall and channel breakdowns of a contact on `channel`.
    fn callback_scopes(&mut self, channel: u16) -> [&mut CallbackStats; 2] {
        let (all, rest) = self.callbacks.split_at_mut(1);
        [&mut all[0], &mut rest[channel as usize]]
    }

    pub fn callback_offered(&mut self, channel: u16, accepted: bool) {
        for s in self.callback_scopes(channel) {
            s.offered += 1;
            s.accepted += u64::from(accepted);
        }
    }

    pub fn callback_reached(&mut self, channel: u16, waited: f64) {
        for s in self.callback_scopes(channel) {
            s.reached += 1;
            s.time_to_callback.record(waited);
        }
    }

    pub fn callback_failed(&mut self, channel: u16) {
        for s in self.callback_scopes(channel) {
            s.failed += 1;
        }
    }

    /// A visit at `team` of a contact on `channel` started after `waited` seconds.
    #[inline]
    pub fn visit_started(&mut self, team: u16, channel: u16, waited: f64) {
        let t = team as usize;
        if self.any_blend && self.blends[t] {
            if self.written[channel as usize] {
                self.deferred_wait[t].record(waited);
            } else {
                self.live_wait[t].record(waited);
            }
        }
    }
}

/// Emits the omnichannel KPIs of the channels and teams that use each mechanism.
pub fn emit(o: &OmniStats, m: &Model, emit: &mut impl FnMut(Kpi, Scope, f64)) {
    let with_callbacks: Vec<usize> = (0..m.channels.len())
        .filter(|&c| m.channels[c].callback.is_some())
        .collect();
    let scopes = (!with_callbacks.is_empty())
        .then_some((Scope::Overall, 0))
        .into_iter()
        .chain(
            with_callbacks
                .iter()
                .map(|&c| (Scope::Channel(c as u16), c + 1)),
        );
    for (scope, i) in scopes {
        let s = &o.callbacks[i];
        emit(Kpi::CallbacksOffered, scope, s.offered as f64);
        emit(Kpi::CallbacksAccepted, scope, s.accepted as f64);
        emit(Kpi::CallbacksReached, scope, s.reached as f64);
        emit(Kpi::CallbacksFailed, scope, s.failed as f64);
        emit(Kpi::TimeToCallbackMean, scope, s.time_to_callback.mean());
        emit(Kpi::TimeToCallbackMax, scope, s.time_to_callback.max());
    }
    for (t, tm) in m.teams.iter().enumerate() {
        let scope = Scope::Team(t as u16);
        if tm.blend.is_some() {
            emit(Kpi::LiveWaitMean, scope, o.live_wait[t].mean());
            emit(Kpi::DeferredWaitMean, scope, o.deferred_wait[t].mean());
            emit(Kpi::DeferredVisits, scope, o.deferred_wait[t].n as f64);
        }
        if tm.escalate.is_some() {
            emit(Kpi::Escalations, scope, o.escalations[t] as f64);
        }
    }
    if m.teams.iter().any(|t| t.escalate.is_some()) {
        let all: u64 = o.escalations.iter().sum();
        emit(Kpi::Escalations, Scope::Overall, all as f64);
    }
}
