//! Contacts entering: a channel's or an incident stream's next arrival, a new incident's
//! first contact, a customer
//! chasing an open incident, a retry after a failed attempt, and admission on a channel
//! (closed hours, busy lines, informal hand-offs that forget, self-service).

use super::super::calendar::Event;
use super::super::contact::{Contact, State};
use super::super::observe::Observer;
use super::super::routing;
use super::super::streams::contact_stream;
use super::{Sim, Source};
use crate::model::{ArrivalModel, ChannelId, Record, StreamId, TypeId, bounds, unit};
use crate::stats::ContactEnd;
use rand::Rng;

/// A new incident's demand-side draws.
pub(super) struct NewIncident {
    pub(super) channel: ChannelId,
    pub(super) ty: TypeId,
    /// The priority the problem has (the urgency rule, if any, sets the contact's).
    pub(super) priority: u8,
    pub(super) patience: f64,
    pub(super) seeds: (u64, u64),
    pub(super) log_handling: f64,
    pub(super) record: Record,
}

impl<O: Observer> Sim<'_, O> {
    /// Schedules the next arrival of `src`.
    #[inline(always)]
    pub(super) fn schedule_arrival(&mut self, src: Source, after: f64) {
        let m = self.m;
        let (arrivals, model, pending, event) = match src {
            Source::Channel(ch) => {
                let rt = &mut self.channels[ch.index()];
                let model = &m.channels[ch.index()].arrivals;
                (
                    &mut rt.arrivals,
                    model,
                    &mut rt.pending_row,
                    Event::Arrival(ch),
                )
            }
            Source::Stream(st) => {
                let rt = &mut self.streams[st.index()];
                let model = &m.streams[st.index()].arrivals;
                (
                    &mut rt.arrivals,
                    model,
                    &mut rt.pending_row,
                    Event::Incident(st),
                )
            }
        };
        if let Some((t, row)) = arrivals.next(m, model, after) {
            *pending = row;
            self.cal.schedule(t, event);
        }
    }

    /// Puts a contact in a free slot of the slab (or a new one) and returns its index.
    fn place(&mut self, contact: Contact) -> u32 {
        let i = self.slot();
        let c = &mut self.contacts[i as usize];
        *c = Contact {
            vgen: c.vgen,
            ..contact
        };
        i
    }

    /// A free slot of the slab (reused, or a new one holding a spent contact): its index.
    /// A reused slot keeps its generation rising, so stale entries for it never match.
    #[inline]
    fn slot(&mut self) -> u32 {
        if let Some(i) = self.free.pop() {
            return i;
        }
        if self.contacts.len() >= bounds::MAX_IN_SYSTEM && self.stop_reason.is_none() {
            self.stop_reason = Some(format!(
                "more than {} contacts in the system at once: the organisation cannot keep up \
                 with the demand and memory would grow without end",
                bounds::MAX_IN_SYSTEM
            ));
            self.event_limit = 0;
        }
        self.contacts.push(Contact::spent());
        (self.contacts.len() - 1) as u32
    }

    /// Incident `k` of a stream arrives on the channel this design gives the stream. Its
    /// draws come from a stream keyed by (seed, replication, stream, k), so the same incident
    /// looks the same in every design, whatever happened before it.
    pub(super) fn on_incident(&mut self, st: StreamId) {
        let m = self.m;
        let sm = &m.streams[st.index()];
        let rt = &mut self.streams[st.index()];
        let row = rt.pending_row.and_then(|i| match &sm.arrivals {
            ArrivalModel::Log(rows) => rows.get(i),
            _ => None,
        });
        let mut r = contact_stream(rt.key, rt.count);
        rt.count += 1;
        let (u_type, u_prio) = (unit(&mut r), unit(&mut r));
        let seeds = (r.next_u64(), r.next_u64());
        let patience = m.channels[sm.channel.index()]
            .patience
            .as_ref()
            .map_or(f64::INFINITY, |p| p.sample(&mut r));
        let ty = row.map_or_else(|| TypeId::at(sm.type_mix.pick(u_type)), |r| r.ty);
        // Drawn last, and only for streams that describe their customers, so streams without
        // records keep every draw they had.
        let record = sm.customers.as_ref().map_or(Record::NONE, |c| {
            let (u_seg, u_comp) = (unit(&mut r), unit(&mut r));
            c.record(u_seg, u_comp)
        });
        let n = NewIncident {
            channel: sm.channel,
            ty,
            priority: row.and_then(|r| r.priority).unwrap_or_else(|| {
                m.cases
                    .priority(ty, u_prio)
                    .unwrap_or_else(|| sm.priority_mix.pick(u_prio) as u8)
            }),
            patience,
            seeds,
            log_handling: row.and_then(|r| r.handling).unwrap_or(-1.0),
            record,
        };
        self.start_incident(Source::Stream(st), n);
    }

    pub(super) fn on_arrival(&mut self, ch: ChannelId) {
        let m = self.m;
        let cm = &m.channels[ch.index()];
        let rt = &mut self.channels[ch.index()];
        let row = rt.pending_row.and_then(|i| match &cm.arrivals {
            ArrivalModel::Log(rows) => rows.get(i),
            _ => None,
        });
        // Demand-side draws, always the same number per contact, so the stream stays in step
        // whatever the organisation does.
        let d = &mut rt.demand;
        let (u_type, u_prio) = (unit(d), unit(d));
        let patience = cm.patience.as_ref().map_or(f64::INFINITY, |p| p.sample(d));
        let (s1, s2) = (d.next_u64(), d.next_u64());
        let ty = row.map_or_else(|| TypeId::at(cm.type_mix.pick(u_type)), |r| r.ty);
        let n = NewIncident {
            channel: ch,
            ty,
            priority: row.and_then(|r| r.priority).unwrap_or_else(|| {
                m.cases
                    .priority(ty, u_prio)
                    .unwrap_or_else(|| cm.priority_mix.pick(u_prio) as u8)
            }),
            patience,
            seeds: (s1, s2),
            log_handling: row.and_then(|r| r.handling).unwrap_or(-1.0),
            record: Record::NONE,
        };
        self.start_incident(Source::Channel(ch), n);
    }

    /// A new incident's first contact: placed, the source's next arrival scheduled, its chase
    /// drawn, and admitted on its channel; unless a proactive case prevented it.
    #[inline]
    fn start_incident(&mut self, src: Source, n: NewIncident) {
        if self.prevented(n.ty) {
            return self.schedule_arrival(src, self.now);
        }
        let idx = self.open_incident(n);
        self.schedule_arrival(src, self.now);
        self.launch(idx);
    }

    /// Places a new incident's first contact, its priority set by the urgency rule if any.
    #[inline(always)]
    pub(super) fn open_incident(&mut self, n: NewIncident) -> u32 {
        let m = self.m;
        let NewIncident {
            channel: ch,
            ty,
            priority: stated,
            patience,
            seeds: (s1, s2),
            log_handling,
            record,
        } = n;
        let priority = m
            .urgency
            .as_ref()
            .map_or(stated, |u| u.priority(stated, ty.index(), record, 0));
        let now = self.now;
        let idx = self.slot();
        let slot = &mut self.contacts[idx as usize];
        *slot = Contact {
            rng: contact_stream(s1, s2),
            incident: self.next_incident,
            first_arrival: now,
            arrival: now,
            enqueued: now,
            deadline: now + patience,
            log_handling,
            vgen: slot.vgen,
            channel: ch,
            first_channel: ch,
            ty,
            priority,
            first_priority: priority,
            attempt: 1,
            state: State::Waiting,
            counted: now >= m.warmup,
            incident_counted: now >= m.warmup,
            record,
            stated_priority: stated,
            // Nothing answered, queued, passed on or paused yet.
            ..Contact::spent()
        };
        self.next_incident += 1;
        idx
    }

    /// A placed first contact: its chase drawn, and admitted on its channel.
    #[inline(always)]
    pub(super) fn launch(&mut self, idx: u32) {
        let m = self.m;
        let now = self.now;
        let cm = &m.channels[self.contacts[idx as usize].channel.index()];
        if let Some(chase) = &cm.chase {
            // Demand-side: the same draws whatever the organisation.
            let c = &mut self.contacts[idx as usize];
            let (u, after) = (unit(&mut c.rng), chase.after.sample(&mut c.rng));
            c.chase_seed = c.rng.next_u64();
            if u < chase.prob {
                self.cal
                    .schedule(now + after, Event::Chase(idx, c.incident as u32));
            }
        }
        self.admit(idx);
    }

    /// The customer of incident slot `idx` chases it, if it is still open and not about to
    /// be retried anyway: a new contact, a duplicate, on the chase channel.
    pub(super) fn on_chase(&mut self, idx: u32, tag: u32) {
        let m = self.m;
        let now = self.now;
        let c = &self.contacts[idx as usize];
        if c.incident as u32 != tag
            || c.chase
            || matches!(c.state, State::Free | State::PendingRetry)
        {
            return;
        }
        let chase = m.channels[c.first_channel.index()]
            .chase
            .as_ref()
            .expect("chases come from channels with chase");
        // Its own stream, seeded on arrival from the original's (so it follows the seed and the
        // replication), leaving the original contact's later draws untouched.
        let mut rng = contact_stream(c.chase_seed, c.incident);
        let patience = m.channels[chase.channel.index()]
            .patience
            .as_ref()
            .map_or(f64::INFINITY, |p| p.sample(&mut rng));
        // The incident's facts are the original's; the attempt starts afresh.
        let dup = Contact {
            rng,
            incident: c.incident,
            first_arrival: c.first_arrival,
            arrival: now,
            enqueued: now,
            deadline: now + patience,
            chase_seed: c.chase_seed,
            channel: chase.channel,
            first_channel: c.first_channel,
            ty: c.ty,
            priority: c.priority,
            first_priority: c.first_priority,
            attempt: c.attempt,
            state: State::Waiting,
            counted: now >= m.warmup,
            chase: true,
            paused: c.paused,
            pause_start: c.pause_start,
            agent: c.agent,
            mention: c.mention,
            record: c.record,
            stated_priority: c.stated_priority,
            ..Contact::spent()
        };
        let slot = self.place(dup);
        if let Some(u) = &m.urgency {
            // Chasing is a repeated contact: one more than the attempts so far.
            let c = &mut self.contacts[slot as usize];
            c.priority = u.priority(c.stated_priority, c.ty.index(), c.record, c.attempt.into());
        }
        self.admit(slot);
    }

    /// A contact (first or repeated) presents itself on its channel.
    fn admit(&mut self, idx: u32) {
        let m = self.m;
        let now = self.now;
        let c = &mut self.contacts[idx as usize];
        let cm = &m.channels[c.channel.index()];
        c.counted = now >= m.warmup;
        let (u_forget, u_self) = (unit(&mut c.rng), unit(&mut c.rng));
        let (counted, duplicate, ch, ty) = (c.counted, c.attempt > 1 || c.chase, c.channel, c.ty);
        // Automation in front of the channel: a deflected contact is demand avoided, never an
        // arrival (nor blocked, nor lost).
        if u_self < cm.self_service[ty.index()] {
            return self.deflect(idx, duplicate);
        }
        if counted {
            let key = Self::key(c);
            self.stats.arrived(key, duplicate);
        }
        if cm.reject_after_hours && self.closes && !m.open[m.week_slot(now)] {
            return self.end_contact(idx, ContactEnd::Blocked);
        }
        if let Some(lines) = cm.lines {
            let rt = &mut self.channels[ch.index()];
            if rt.lines_busy >= lines {
                return self.end_contact(idx, ContactEnd::Blocked);
            }
            rt.lines_busy += 1;
            self.contacts[idx as usize].holds_line = true;
        }
        if u_forget < cm.forget {
            return self.end_contact(idx, ContactEnd::Lost);
        }
        let c = &mut self.contacts[idx as usize];
        let (team, target) = routing::enter(m, ch, ty, &mut c.rng);
        if target.is_some() {
            // Routed by skill to a holder of the wrong one, who will pass it on.
            c.target = target;
            c.misroutes = c.misroutes.saturating_add(1);
        }
        self.offer_callback(idx, team);
        self.enqueue(idx, team);
    }

    /// A customer whose attempt failed contacts again: a duplicate of the same incident.
    pub(super) fn on_retry(&mut self, idx: u32) {
        let m = self.m;
        let c = &mut self.contacts[idx as usize];
        let retry = m.channels[c.channel.index()]
            .retry
            .as_ref()
            .expect("retries come from channels with retry");
        if m.urgency.is_none() && retry.raise_priority {
            c.priority = c.priority.saturating_sub(1);
        }
        self.contact_again(idx, retry.channel);
    }

    /// The customer of incident slot `idx` contacts again on `channel`: the incident's next
    /// attempt (after a failed one, or a reopen).
    pub(super) fn contact_again(&mut self, idx: u32, channel: ChannelId) {
        let m = self.m;
        let now = self.now;
        let c = &mut self.contacts[idx as usize];
        c.attempt = c.attempt.saturating_add(1);
        if let Some(u) = &m.urgency {
            // A repeated contact (a retry or a reopen): the rule counts it (`per_repeat`).
            let repeats = u32::from(c.attempt) - 1;
            c.priority = u.priority(c.stated_priority, c.ty.index(), c.record, repeats);
        }
        c.channel = channel;
        c.arrival = now;
        c.answered = f64::NAN;
        c.visits = 0;
        c.target = None;
        c.escalated = false;
        let patience = m.channels[c.channel.index()]
            .patience
            .as_ref()
            .map_or(f64::INFINITY, |p| p.sample(&mut c.rng));
        c.deadline = now + patience;
        self.admit(idx);
    }
}
