//! A case's life around its agents: deflection by self-service (demand avoided, never an
//! arrival), waiting on the customer after resolution with the SLA clock stopped, reopening
//! as a new contact of the same incident, and the times an incident's SLA clock shows.

use super::super::calendar::Event;
use super::super::contact::{Contact, State};
use super::super::observe::Observer;
use super::Sim;
use crate::model::{BusinessClock, clock_between, unit};
use crate::stats::{ClockTimes, ContactEnd};

impl<O: Observer> Sim<'_, O> {
    /// Self-service deflects contact `idx` (`duplicate`: not its incident's first): counted as
    /// demand avoided, never as an arrival. A deflected first contact never becomes an
    /// incident; a deflected later attempt ends its incident as deflected.
    #[cold]
    pub(super) fn deflect(&mut self, idx: u32, duplicate: bool) {
        let m = self.m;
        let now = self.now;
        let c = &mut self.contacts[idx as usize];
        if c.counted {
            self.stats.deflected(Self::key(c), duplicate);
        }
        if c.attempt == 1 && !c.chase {
            c.incident_counted = false;
        }
        match &m.channels[c.channel.index()].self_service_time {
            Some(d) => {
                let t = d.sample(&mut c.rng);
                c.state = State::SelfService;
                self.cal.schedule(now + t, Event::SelfServiceEnd(idx));
            }
            None => self.end_deflected(idx),
        }
    }

    /// The automated flow that deflected contact `idx` is done.
    pub(super) fn end_deflected(&mut self, idx: u32) {
        self.trace_end(idx, ContactEnd::Deflected);
        let c = &mut self.contacts[idx as usize];
        if c.chase {
            c.state = State::Free;
            self.free.push(idx);
            return;
        }
        self.end_incident(idx, ContactEnd::Deflected);
    }

    /// An agent resolved the incident of slot `idx`: it may wait on the customer first (the
    /// SLA clock stopped), then reopen or close.
    #[inline]
    pub(super) fn resolved(&mut self, idx: u32) {
        let m = self.m;
        let now = self.now;
        let c = &mut self.contacts[idx as usize];
        if let Some(p) = m.cases.pause(c.ty)
            && unit(&mut c.rng) < p.prob
        {
            let delay = p.delay.sample(&mut c.rng);
            c.state = State::PendingRetry;
            c.pause_start = now;
            self.cal.schedule(now + delay, Event::Resume(idx));
            return;
        }
        self.reopen_or_close(idx);
    }

    /// The customer of slot `idx` answered: the SLA clock runs again.
    pub(super) fn on_resume(&mut self, idx: u32) {
        let m = self.m;
        let c = &mut self.contacts[idx as usize];
        let (_, clock) = m.cases.sla(c.ty, c.first_priority, c.first_channel);
        c.paused += clock_between(clock, c.pause_start, self.now);
        c.pause_start = f64::NAN;
        self.reopen_or_close(idx);
    }

    /// The resolved incident of slot `idx` reopens later (its resolving team's rule for its
    /// type), or closes now.
    #[inline(always)]
    fn reopen_or_close(&mut self, idx: u32) {
        let m = self.m;
        let now = self.now;
        let c = &mut self.contacts[idx as usize];
        if let Some(r) = m.cases.reopen(c.team, c.ty)
            && unit(&mut c.rng) < r.prob
        {
            if c.counted {
                self.stats.reopened(Self::key(c));
            }
            let after = r.after.sample(&mut c.rng);
            c.state = State::PendingRetry;
            self.cal.schedule(now + after, Event::Reopen(idx));
            return;
        }
        self.end_incident(idx, ContactEnd::Resolved);
    }

    /// The incident of slot `idx` reopens: the customer contacts again (an attempt that is
    /// not the first, so the incident is no first-contact resolution).
    pub(super) fn on_reopen(&mut self, idx: u32) {
        let m = self.m;
        let c = &self.contacts[idx as usize];
        let channel = m
            .cases
            .reopen(c.team, c.ty)
            .and_then(|r| r.channel)
            .unwrap_or(c.first_channel);
        self.contact_again(idx, channel);
    }
}

/// What the SLA clock of incident `c` shows at `now`: its first response, and its
/// resolution time (`ended`: `Some(resolved)` once it ended) or its age if still open, each
/// on `clock` (the wall clock if none), time waiting on the customer left out.
pub(super) fn clock_times(
    c: &Contact,
    clock: Option<&BusinessClock>,
    ended: Option<bool>,
    now: f64,
) -> ClockTimes {
    let on = |a: f64, b: f64| clock_between(clock, a, b);
    let waiting = if c.pause_start.is_nan() {
        0.0
    } else {
        on(c.pause_start, now)
    };
    let first_response =
        (!c.incident_answered.is_nan()).then(|| on(c.first_arrival, c.incident_answered));
    let age = (on(c.first_arrival, now) - c.paused - waiting).max(0.0);
    ClockTimes {
        first_response,
        resolution: ended.and_then(|resolved| resolved.then_some(age)),
        open_age: ended.is_none().then_some(age),
    }
}
