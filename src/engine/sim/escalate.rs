//! Time-triggered (hierarchical) escalation: a contact that has waited a team's `escalate.after`
//! in its queue moves to the named team's queue, counted as an escalation and a reassignment.
//! The clock is the wall clock from joining the queue (nights included); a contact taken by an
//! agent before then is not escalated. Its patience, if any, keeps running.

use super::super::calendar::Event;
use super::super::contact::State;
use super::super::observe::Observer;
use super::Sim;
use crate::model::TeamId;

impl<O: Observer> Sim<'_, O> {
    /// Contact `idx`, now waiting in `team`'s queue in visit `vgen`, escalates after the
    /// team's escalation time if still there.
    #[inline]
    pub(super) fn arm_escalation(&mut self, idx: u32, team: TeamId, vgen: u32) {
        if let Some(e) = self.m.teams[team.index()].escalate {
            self.cal
                .schedule(self.now + e.after, Event::Escalate(idx, vgen));
        }
    }

    /// Contact `idx` has waited its team's escalation time, if still in queue visit `vgen`.
    pub(super) fn on_escalate(&mut self, idx: u32, vgen: u32) {
        let m = self.m;
        let c = &mut self.contacts[idx as usize];
        if c.vgen != vgen || c.state != State::Waiting {
            return;
        }
        let from = c.team;
        let Some(e) = m.teams[from.index()].escalate else {
            return;
        };
        c.queue_time += self.now - c.enqueued;
        c.escalated = true;
        c.transfers = c.transfers.saturating_add(1);
        let (counted, overtime) = (c.counted, c.overtime);
        self.leave_queue(idx, from, overtime);
        if counted {
            self.stats.escalated(from);
        }
        self.team_changed(from);
        self.enqueue(idx, e.to);
        // Patience keeps running in the new queue.
        let c = &self.contacts[idx as usize];
        if c.state == State::Waiting && c.deadline.is_finite() {
            let (deadline, vgen) = (c.deadline.max(self.now), c.vgen);
            self.cal.schedule(deadline, Event::Patience(idx, vgen));
        }
    }
}
