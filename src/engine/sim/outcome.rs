//! How contact attempts and incidents end: the attempt's outcome reported and traced, a
//! retry drawn for a failed one, and the incident's record once it ends for good.

use super::super::TraceRecord;
use super::super::calendar::Event;
use super::super::contact::State;
use super::super::observe::Observer;
use super::Sim;
use crate::model::unit;
use crate::stats::{ContactEnd, IncidentRecord};

impl<O: Observer> Sim<'_, O> {
    /// Contact attempt `idx` ends with `end`; a failed one may be retried.
    pub(super) fn end_contact(&mut self, idx: u32, end: ContactEnd) {
        if self.contacts[idx as usize].mention.is_some() {
            // A mention disconnected at its router's closing: never a contact.
            return self.drop_mention(idx);
        }
        let m = self.m;
        self.release_line(idx);
        let c = &mut self.contacts[idx as usize];
        // A chase resolved by automation is merged too: the incident stays with its original.
        let end = if c.chase && end == ContactEnd::Resolved {
            ContactEnd::Merged
        } else {
            end
        };
        if c.counted {
            self.stats
                .contact_ended(Self::key(c), end, c.arrival, self.now);
        }
        self.trace_end(idx, end);
        let c = &mut self.contacts[idx as usize];
        if c.chase {
            // Its incident lives on in the original contact: no retry, no incident record.
            c.state = State::Free;
            self.free.push(idx);
            return;
        }
        if end == ContactEnd::Resolved {
            // It may wait on the customer, or reopen, before it closes.
            return self.resolved(idx);
        }
        if let Some(r) = &m.channels[c.channel.index()].retry
            && u32::from(c.attempt) < r.max_attempts
            && unit(&mut c.rng) < r.prob
        {
            let delay = r.delay.sample(&mut c.rng);
            c.state = State::PendingRetry;
            self.cal.schedule(self.now + delay, Event::Retry(idx));
            return;
        }
        self.end_incident(idx, end);
    }

    /// Hands the trace record of attempt `idx`, ending now with `end`, to the tracer.
    #[inline(always)]
    pub(super) fn trace_end(&mut self, idx: u32, end: ContactEnd) {
        let c = &self.contacts[idx as usize];
        if let Some(trace) = &mut self.trace {
            trace.record(TraceRecord {
                incident: c.incident,
                attempt: c.attempt,
                channel: c.channel.0,
                ty: c.ty.0,
                priority: c.priority,
                arrival: c.arrival,
                answered: c.answered,
                end: self.now,
                outcome: end,
                last_team: c.team.0,
                transfers: c.transfers,
                misroutes: c.misroutes,
                chase: c.chase,
            });
        }
    }

    /// The incident of slot `idx` ends for good with its last attempt's `end`: resolved,
    /// deflected, or failed.
    #[inline(always)]
    pub(super) fn end_incident(&mut self, idx: u32, end: ContactEnd) {
        let c = &mut self.contacts[idx as usize];
        c.state = State::Free;
        if c.incident_counted {
            let resolved = end == ContactEnd::Resolved;
            let record = IncidentRecord {
                first_response: (!c.incident_answered.is_nan())
                    .then_some(c.incident_answered - c.first_arrival),
                resolution: resolved.then_some(self.now - c.first_arrival),
                // Resolved on the first attempt, by the first team to handle it.
                first_contact: resolved && c.attempt == 1 && c.handled_visits <= 1,
                transfers: c.transfers,
                misroutes: c.misroutes,
                queue_time: c.queue_time,
                deflected: end == ContactEnd::Deflected,
            };
            let m = self.m;
            let (sla, clock) = m.cases.sla(c.ty, c.first_priority, c.first_channel);
            let key = Self::incident_key(c);
            self.stats.incident_ended(key, &record, sla);
            // Without a target there is nothing to judge on the SLA clock.
            if sla.response.is_some() || sla.resolution.is_some() {
                let times = super::cases::clock_times(c, clock, Some(resolved), self.now);
                self.stats.sla_clock(key, &times, sla);
            }
        }
        self.free.push(idx);
    }
}
