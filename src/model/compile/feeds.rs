//! Compiling the omnichannel parts of a scenario: the urgency rule, the customers of each
//! incident stream, and the mention and monitoring feeds (names resolved, probabilities and
//! bounds checked, errors located in the file).

use super::super::bounds;
use super::super::{Categorical, ChannelId, CustomerMix, FeedKind, FeedModel, UrgencyModel};
use super::{Compiler, DAY};
use crate::error::InputError;
use crate::hash::fnv1a;
use crate::scenario::{Arrivals, Customers, Discipline, IncidentStream, Priority, Router};
use std::collections::BTreeMap;

/// What a mention or monitoring feed says, whichever it is.
struct FeedSpec<'a> {
    /// `mentions` or `monitoring`.
    list: &'static str,
    name: &'a str,
    arrivals: &'a Arrivals,
    case_share: f64,
    mix: &'a BTreeMap<String, f64>,
    priorities: &'a Option<BTreeMap<Priority, f64>>,
    channel: &'a str,
}

impl Compiler<'_> {
    /// A number of points in the urgency rule, within its bound.
    fn points(&self, anchors: &[&str], field: String, v: f64) -> Result<f64, InputError> {
        self.bounded(anchors, field, &bounds::URGENCY_POINTS, v)
    }

    /// The urgency rule, if any.
    pub(super) fn urgency(&self, types: &[String]) -> Result<Option<UrgencyModel>, InputError> {
        let Some(u) = &self.s.urgency else {
            return Ok(None);
        };
        let n = u.segments.len() as f64;
        if bounds::SEGMENTS.check(n).is_err() {
            return Err(self.err(
                &["urgency", "segments"],
                "urgency.segments",
                format!(
                    "give 1 to {} segments, e.g. {{\"premium\": 2.0, \"standard\": 0.0}}; got {n}",
                    bounds::SEGMENTS.max
                ),
            ));
        }
        let mut segment_points = Vec::new();
        for (name, &p) in &u.segments {
            let q = format!("\"{name}\"");
            self.name("urgency.segments", &["urgency", &q], name)?;
            segment_points.push(self.points(
                &["urgency", &q],
                format!("urgency.segments.{name}"),
                p,
            )?);
        }
        let mut type_points = vec![0.0; types.len()];
        for (ty, &p) in &u.by_type {
            let q = format!("\"{ty}\"");
            let at = ["urgency", "by_type", q.as_str()];
            let i = types.iter().position(|t| t == ty).ok_or_else(|| {
                self.err(
                    &at,
                    "urgency.by_type",
                    format!(
                        "unknown incident type `{ty}`; known types: {}",
                        types.join(", ")
                    ),
                )
            })?;
            type_points[i] = self.points(&at, format!("urgency.by_type.{ty}"), p)?;
        }
        let mut priority_points = [3.0, 2.0, 1.0, 0.0];
        for (p, &v) in u.by_priority.iter().flatten() {
            priority_points[*p as usize] = self.points(
                &["urgency", "by_priority"],
                format!("urgency.by_priority.{p:?}"),
                v,
            )?;
        }
        let l = u.levels;
        let at = ["urgency", "levels"];
        let levels = [
            self.points(&at, "urgency.levels.urgent".into(), l.urgent)?,
            self.points(&at, "urgency.levels.high".into(), l.high)?,
            self.points(&at, "urgency.levels.medium".into(), l.medium)?,
        ];
        if !(levels[0] >= levels[1] && levels[1] >= levels[2]) {
            return Err(self.err(
                &at,
                "urgency.levels",
                format!(
                    "levels must not increase from urgent to medium (urgent >= high >= medium), got {}, {}, {}",
                    levels[0], levels[1], levels[2]
                ),
            ));
        }
        self.urgency_warnings();
        Ok(Some(UrgencyModel {
            segments: u.segments.keys().cloned().collect(),
            segment_points,
            per_complaint: self.points(
                &["urgency", "per_complaint"],
                "urgency.per_complaint".into(),
                u.per_complaint,
            )?,
            per_repeat: self.points(
                &["urgency", "per_repeat"],
                "urgency.per_repeat".into(),
                u.per_repeat,
            )?,
            type_points,
            priority_points,
            levels,
        }))
    }

    /// An urgency rule that orders no queue, or retries asking to raise priorities the rule
    /// sets, is valid but surely not meant.
    fn urgency_warnings(&self) {
        let s = self.s;
        let mut w = self.warnings.borrow_mut();
        if !s.teams.iter().any(|t| t.discipline == Discipline::Priority) {
            w.push(
                "urgency: no team orders its queue by priority (`discipline: Priority`), so the urgency rule changes only the priority breakdowns and SLA targets, not who waits".into(),
            );
        }
        for c in s
            .channels
            .iter()
            .filter(|c| c.retry.as_ref().is_some_and(|r| r.raise_priority))
        {
            w.push(format!(
                "channels \"{}\".retry.raise_priority is not applied: with an urgency rule, repeated contacts raise the score through `urgency.per_repeat`",
                c.name
            ));
        }
    }

    /// The customers of incident stream `i`, checked against the urgency rule's segments.
    pub(super) fn customers(
        &self,
        i: usize,
        st: &IncidentStream,
    ) -> Result<Option<CustomerMix>, InputError> {
        let Some(Customers {
            segments,
            complaints,
        }) = &st.customers
        else {
            return Ok(None);
        };
        let q = format!("\"{}\"", st.name);
        let field = format!("demand[{i}] {q}.customers");
        let Some(u) = &self.s.urgency else {
            return Err(self.err(
                &[&q, "customers"],
                field,
                "customer records need an urgency rule to read them: add `urgency: (segments: {...})` to the scenario",
            ));
        };
        let known: Vec<String> = u.segments.keys().cloned().collect();
        let mut shares = vec![0.0; known.len()];
        for (name, &p) in segments {
            let nq = format!("\"{name}\"");
            let at = [q.as_str(), "customers", nq.as_str()];
            let k = known.iter().position(|s| s == name).ok_or_else(|| {
                self.err(
                    &at,
                    format!("{field}.segments"),
                    format!(
                        "unknown segment `{name}`; the urgency rule's segments: {}",
                        known.join(", ")
                    ),
                )
            })?;
            shares[k] = self.prob(&at, &format!("{field}.segments"), p)?;
        }
        let at = [q.as_str(), "customers", "segments"];
        self.sums_to_one(&at, &format!("{field}.segments"), shares.iter().sum())?;
        let at = [q.as_str(), "customers", "complaints"];
        let cfield = format!("{field}.complaints");
        let n = complaints.len() as f64;
        bounds::COMPLAINT_COUNTS
            .check(n)
            .map_err(|m| self.err(&at, cfield.clone(), m))?;
        let complaints = if complaints.is_empty() {
            vec![1.0]
        } else {
            for &p in complaints {
                self.prob(&at, &cfield, p)?;
            }
            self.sums_to_one(&at, &cfield, complaints.iter().sum())?;
            complaints.clone()
        };
        Ok(Some(CustomerMix {
            segments: Categorical::new(&shares),
            complaints: Categorical::new(&complaints),
        }))
    }

    /// The mention feeds, then the monitoring feeds.
    pub(super) fn feeds(
        &self,
        types: &[String],
        teams: &[&str],
        cal: (f64, usize, &[bool]),
    ) -> Result<Vec<FeedModel>, InputError> {
        let s = self.s;
        if !s.mentions.is_empty() {
            self.unique("mentions", s.mentions.iter().map(|m| m.name.as_str()))?;
        }
        if !s.monitoring.is_empty() {
            self.unique("monitoring", s.monitoring.iter().map(|m| m.name.as_str()))?;
        }
        let mut out = Vec::new();
        for (i, m) in s.mentions.iter().enumerate() {
            let spec = FeedSpec {
                list: "mentions",
                name: &m.name,
                arrivals: &m.arrivals,
                case_share: m.case_share,
                mix: &m.mix,
                priorities: &m.priorities,
                channel: &m.channel,
            };
            let q = format!("\"{}\"", m.name);
            let router = match &m.router {
                Router::Automatic => None,
                Router::Manual { team, accuracy } => {
                    let field = format!("mentions[{i}] {q}.router");
                    let t = self.team_id(&[&q, "router"], &field, team, teams)?;
                    let acc = self.prob(&[&q, "router", "accuracy"], &field, *accuracy)?;
                    Some((t, acc))
                }
            };
            out.push(self.feed(i, &spec, types, cal, FeedKind::Mentions { router })?);
        }
        for (i, m) in s.monitoring.iter().enumerate() {
            let spec = FeedSpec {
                list: "monitoring",
                name: &m.name,
                arrivals: &m.events,
                case_share: m.case_share,
                mix: &m.mix,
                priorities: &m.priorities,
                channel: &m.channel,
            };
            let q = format!("\"{}\"", m.name);
            let prevents = match &m.prevents {
                None => None,
                Some(p) => {
                    let field = format!("monitoring[{i}] {q}.prevents");
                    let share = self.prob(&[&q, "prevents", "share"], &field, p.share)?;
                    let window = self.bounded(
                        &[&q, "prevents", "window"],
                        format!("{field}.window"),
                        &bounds::PREVENTION_WINDOW_DAYS,
                        p.window.secs() / DAY,
                    )? * DAY;
                    Some((share, window))
                }
            };
            out.push(self.feed(i, &spec, types, cal, FeedKind::Monitor { prevents })?);
        }
        self.feed_handlers(&out, types)?;
        Ok(out)
    }

    fn feed(
        &self,
        i: usize,
        f: &FeedSpec,
        types: &[String],
        (interval, slots, open): (f64, usize, &[bool]),
        kind: FeedKind,
    ) -> Result<FeedModel, InputError> {
        let q = format!("\"{}\"", f.name);
        let base = format!("{}[{i}] {q}", f.list);
        let field = |x: &str| format!("{base}.{x}");
        self.name(&field("name"), &[&q], f.name)?;
        let case_share = self.prob(&[&q, "case_share"], &field("case_share"), f.case_share)?;
        let type_mix = Categorical::new(&self.mix(&[&q, "mix"], &field("mix"), f.mix, types)?);
        let priority_mix =
            self.priorities(&[&q, "priorities"], &field("priorities"), f.priorities)?;
        let channel = self
            .s
            .channels
            .iter()
            .position(|c| c.name == f.channel)
            .ok_or_else(|| {
                let known: Vec<&str> = self.s.channels.iter().map(|c| c.name.as_str()).collect();
                self.err(
                    &[&q, "channel"],
                    field("channel"),
                    format!(
                        "unknown channel `{}`; known channels: {}",
                        f.channel,
                        known.join(", ")
                    ),
                )
            })?;
        let arrivals =
            self.arrivals(&q, &base, f.arrivals, f.name, types, interval, slots, open)?;
        Ok(FeedModel {
            name: f.name.to_string(),
            arrivals,
            case_share,
            type_mix,
            priority_mix,
            channel: ChannelId::at(channel),
            kind,
            stream_key: fnv1a(format!("{}/{}", f.list, f.name).as_bytes()),
        })
    }

    /// A mention router reads mentions of every type its feed brings: it needs a handling
    /// time for each (the entry teams of the cases' channels are checked with the channels').
    fn feed_handlers(&self, feeds: &[FeedModel], types: &[String]) -> Result<(), InputError> {
        for f in feeds {
            let FeedKind::Mentions {
                router: Some((t, _)),
            } = f.kind
            else {
                continue;
            };
            let team = &self.s.teams[t.index()];
            for ty in (0..types.len()).filter(|&t| f.type_mix.prob(t) > 0.0) {
                let name = &types[ty];
                if !team.handling.contains_key(name) && !team.handling.contains_key("*") {
                    let q = format!("\"{}\"", f.name);
                    return Err(self.err(
                        &[&q, "router"],
                        format!("mentions \"{}\".router", f.name),
                        format!(
                            "team `{}` reads these mentions, but it has no handling time for type `{name}`: add `\"{name}\"` or `\"*\"` to its `handling`",
                            team.name
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// A hash of the mention feeds (zero without any), folded into the demand fingerprint:
    /// mentions are customers' demand. The router is the organisation's choice and is left
    /// out, and so is monitoring (a design chooses to monitor; the customers' own incidents
    /// stay the same, which keeps designs with and without it paired).
    pub(super) fn feeds_fingerprint(&self) -> u64 {
        let s = self.s;
        if s.mentions.is_empty() {
            return 0;
        }
        let mentions: Vec<_> = s
            .mentions
            .iter()
            .map(|m| (&m.name, &m.arrivals, m.case_share, &m.mix, &m.priorities))
            .collect();
        fnv1a(ron::to_string(&mentions).unwrap_or_default().as_bytes()).rotate_left(29)
    }
}
