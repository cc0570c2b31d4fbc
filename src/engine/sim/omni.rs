//! Feeds that are not customers' own contacts: social-media mentions (a share become cases,
//! automatically or through a router team's triage) and monitoring events (a share become
//! proactive cases, which may prevent a later customer incident of their type).
//!
//! Item `k` of a feed draws from a stream keyed by (seed, replication, feed, k), always the
//! same number of draws, so feeds stay in step whatever the organisation does. A mention is
//! never counted as a contact or an incident; only the case it becomes is.

use super::super::arrivals::ArrivalGen;
use super::super::calendar::Event;
use super::super::contact::{Mention, NO_TEAM, State};
use super::super::observe::Observer;
use super::super::streams::{Purpose, contact_stream, stream};
use super::Sim;
use super::arrive::NewIncident;
use crate::model::{ArrivalModel, FeedKind, Model, Record, TypeId, unit};
use crate::stats::OmniFact;
use rand::Rng;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// One feed's state: its arrival times, the key its items' draws come from, items so far.
struct FeedRt {
    arrivals: ArrivalGen,
    key: u64,
    count: u64,
    /// The log row the next item replays, for a feed replaying a log.
    pending_row: Option<usize>,
}

/// The feeds' state, and per incident type the expiry times of the prevention credits that
/// proactive cases hold (soonest first).
pub(super) struct OmniRt {
    feeds: Vec<FeedRt>,
    credits: Vec<BinaryHeap<Reverse<u64>>>,
}

impl OmniRt {
    pub(super) fn new(m: &Model, seed: u64, rep: u64) -> Self {
        let credits = if m.feeds.is_empty() {
            Vec::new()
        } else {
            vec![BinaryHeap::new(); m.types.len()]
        };
        OmniRt {
            feeds: m
                .feeds
                .iter()
                .map(|f| FeedRt {
                    arrivals: ArrivalGen::new(seed, rep, f.stream_key),
                    key: stream(seed, rep, Purpose::Demand, f.stream_key).next_u64(),
                    count: 0,
                    pending_row: None,
                })
                .collect(),
            credits,
        }
    }
}

/// What a feed item is, as drawn.
struct Item {
    real: bool,
    /// A uniform draw for the prevention decision of a proactive case.
    u_prevent: f64,
    incident: NewIncident,
}

impl<O: Observer> Sim<'_, O> {
    /// Schedules every feed's first item.
    pub(super) fn start_feeds(&mut self) {
        for f in 0..self.m.feeds.len() {
            self.schedule_feed(f as u16, 0.0);
        }
    }

    fn schedule_feed(&mut self, f: u16, after: f64) {
        let m = self.m;
        let rt = &mut self.omni.feeds[usize::from(f)];
        if let Some((t, row)) = rt
            .arrivals
            .next(m, &m.feeds[usize::from(f)].arrivals, after)
        {
            rt.pending_row = row;
            self.cal.schedule(t, Event::Feed(f));
        }
    }

    /// Reports `fact` if the statistics have started.
    fn fact(&mut self, fact: OmniFact) {
        if self.now >= self.m.warmup {
            self.stats.omni(fact);
        }
    }

    /// The next item of feed `f`: a mention or a monitoring event.
    pub(super) fn on_feed(&mut self, f: u16) {
        let m = self.m;
        let fm = &m.feeds[usize::from(f)];
        let item = self.draw_item(f);
        self.schedule_feed(f, self.now);
        match fm.kind {
            FeedKind::Mentions { router } => {
                self.fact(OmniFact::Mention);
                match router {
                    None if item.real => {
                        self.fact(OmniFact::MentionCase);
                        let idx = self.open_incident(item.incident);
                        self.launch(idx);
                    }
                    None => {}
                    Some((team, _)) => {
                        let idx = self.open_incident(item.incident);
                        let c = &mut self.contacts[idx as usize];
                        c.mention = Some(Mention {
                            feed: f,
                            real: item.real,
                        });
                        c.counted = false;
                        c.incident_counted = false;
                        c.deadline = f64::INFINITY;
                        self.enqueue(idx, team);
                    }
                }
            }
            FeedKind::Monitor { prevents } => {
                self.fact(OmniFact::MonitoringEvent);
                if item.real {
                    self.fact(OmniFact::ProactiveCase);
                    if let Some((share, window)) = prevents
                        && item.u_prevent < share
                    {
                        let until = self.now + window;
                        self.omni.credits[item.incident.ty.index()].push(Reverse(until.to_bits()));
                    }
                    let idx = self.open_incident(item.incident);
                    self.launch(idx);
                }
            }
        }
    }

    /// Item `k` of feed `f`, from its own stream: always the same draws.
    fn draw_item(&mut self, f: u16) -> Item {
        let m = self.m;
        let fm = &m.feeds[usize::from(f)];
        let rt = &mut self.omni.feeds[usize::from(f)];
        // A replayed log gives the item's type and priority where it has them.
        let row = rt.pending_row.and_then(|i| match &fm.arrivals {
            ArrivalModel::Log(rows) => rows.get(i),
            ArrivalModel::Rates(_) => None,
        });
        let mut r = contact_stream(rt.key, rt.count);
        rt.count += 1;
        let (u_case, u_type, u_prio, u_prevent) =
            (unit(&mut r), unit(&mut r), unit(&mut r), unit(&mut r));
        let patience = m.channels[fm.channel.index()]
            .patience
            .as_ref()
            .map_or(f64::INFINITY, |p| p.sample(&mut r));
        let ty = row.map_or_else(|| TypeId::at(fm.type_mix.pick(u_type)), |r| r.ty);
        Item {
            real: u_case < fm.case_share,
            u_prevent,
            incident: NewIncident {
                channel: fm.channel,
                ty,
                priority: row.and_then(|r| r.priority).unwrap_or_else(|| {
                    m.cases
                        .priority(ty, u_prio)
                        .unwrap_or_else(|| fm.priority_mix.pick(u_prio) as u8)
                }),
                patience,
                seeds: (r.next_u64(), r.next_u64()),
                log_handling: -1.0,
                record: Record::NONE,
            },
        }
    }

    /// The router finished reading mention `idx`: right with its accuracy, the mention becomes
    /// a case (arrived at the mention's time, so triage counts in its response time) or is
    /// dropped.
    #[cold]
    pub(super) fn on_triaged(&mut self, idx: u32) {
        let m = self.m;
        let now = self.now;
        let c = &mut self.contacts[idx as usize];
        let Some(Mention { feed, real }) = c.mention.take() else {
            return;
        };
        let FeedKind::Mentions {
            router: Some((_, accuracy)),
        } = m.feeds[usize::from(feed)].kind
        else {
            unreachable!("only mentions with a router are triaged");
        };
        let right = unit(&mut c.rng) < accuracy;
        let case = real == right;
        if !case {
            c.mention = Some(Mention { feed, real });
            return self.drop_mention(idx);
        }
        // The router's work is not an answer to the customer: the case starts afresh.
        let patience = m.channels[c.channel.index()]
            .patience
            .as_ref()
            .map_or(f64::INFINITY, |p| p.sample(&mut c.rng));
        c.deadline = now + patience;
        c.answered = f64::NAN;
        c.incident_answered = f64::NAN;
        c.queue_time = 0.0;
        c.visits = 0;
        c.handled_visits = 0;
        // Nor is the router's escalation or hand-off a reassignment of the case.
        c.escalated = false;
        c.transfers = 0;
        c.team = NO_TEAM;
        c.incident_counted = now >= m.warmup;
        self.fact(OmniFact::MentionCase);
        if !real {
            self.fact(OmniFact::FalseCase);
        }
        self.launch(idx);
    }

    /// A mention that leaves its router unread (disconnected at closing): dropped, and a real
    /// case among them is missed.
    #[cold]
    pub(super) fn drop_mention(&mut self, idx: u32) {
        let c = &mut self.contacts[idx as usize];
        let real = c.mention.take().is_some_and(|x| x.real);
        c.state = State::Free;
        self.free.push(idx);
        if real {
            self.fact(OmniFact::MentionMissed);
        }
    }

    /// Whether a proactive case's credit prevents a customer incident of type `ty` now (the
    /// credit expiring soonest is used up).
    pub(super) fn prevented(&mut self, ty: TypeId) -> bool {
        let Some(credits) = self.omni.credits.get_mut(ty.index()) else {
            return false;
        };
        let now = self.now.to_bits();
        while let Some(&Reverse(until)) = credits.peek() {
            credits.pop();
            if until >= now {
                self.fact(OmniFact::Prevented);
                return true;
            }
        }
        false
    }
}
