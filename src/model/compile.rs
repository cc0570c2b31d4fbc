//! Turning a [`Scenario`] into a [`Model`]: resolve names, check every field, expand the
//! calendar, and reject inconsistent organisations (unknown names, probabilities that do not
//! sum to 1, teams with no route out, types nobody handles, cycles that never end).

mod cases;
mod concurrency;
mod omni;

use super::bounds::{self, Bound};
use super::log::read_log;
use super::roster;
use super::{
    ArrivalModel, Categorical, ChannelId, ChannelModel, ChaseModel, Model, Outcome, PoolId,
    PoolModel, QueueId, RetryModel, RouteModel, RoutingModel, Sampler, SlaModel, StreamModel,
    TeamId, TeamModel,
};
use crate::error::InputError;
use crate::hash::fnv1a;
use crate::scenario::{
    self, AfterHours, Arrivals, AtClosing, Channel, ChannelKind, Clock, DaySchedule, Dist, Dur,
    IncidentStream, Priority, Route, Scenario, Source, Team,
};
use std::collections::BTreeMap;
use std::path::Path;

/// Most contact attempts an incident may have (a retry policy beyond it is surely a typo).
pub const MAX_ATTEMPTS: u32 = 100;

/// Tolerance on probabilities that must sum to 1.
pub const SUM_TOLERANCE: f64 = 1e-9;
const DAY: f64 = 86_400.0;

mod feeds;

/// Reads, parses and compiles a scenario file.
pub fn load_model(path: &Path) -> Result<Model, InputError> {
    let (scenario, source) = scenario::load(path)?;
    compile(&scenario, &source)
}

/// Command-line changes to a scenario (`--days`). They are applied to the scenario before it
/// is compiled, so they pass exactly the checks a value in the file passes.
#[derive(Clone, Copy, Debug, Default)]
pub struct Overrides {
    pub days: Option<u32>,
}

/// [`compile`] with `overrides` applied first.
pub fn compile_with(s: &Scenario, source: &Source, o: &Overrides) -> Result<Model, InputError> {
    let Some(days) = o.days else {
        return compile(s, source);
    };
    bounds::DAYS
        .check(f64::from(days))
        .map_err(|m| InputError {
            file: source.path.clone(),
            at: None,
            field: Some("--days (overriding calendar.days)".into()),
            message: m,
        })?;
    let mut s = s.clone();
    s.calendar.days = days;
    compile(&s, source)
}

/// Validates and compiles a parsed scenario; `source` locates errors and resolves log paths.
pub fn compile(s: &Scenario, source: &Source) -> Result<Model, InputError> {
    match super::skills::expand(s, source)? {
        None => compile_teams(s, source),
        Some(x) => {
            let mut m = compile_teams(&x.scenario, source)?;
            x.apply(&mut m);
            Ok(m)
        }
    }
}

/// [`compile`] once skills are expanded into teams.
fn compile_teams(s: &Scenario, source: &Source) -> Result<Model, InputError> {
    let c = Compiler {
        s,
        src: source,
        warnings: Default::default(),
    };
    c.run()
}

/// What a team or pool says about its staffing.
struct StaffingSpec<'a> {
    agents: u32,
    schedule: &'a [(Clock, u32)],
    by_day: &'a [DaySchedule],
    availability: f64,
    duty_cycle: Option<Dur>,
    shifts: &'a [scenario::Shift],
    temporary: &'a [scenario::Temporary],
}

struct Compiler<'a> {
    s: &'a Scenario,
    src: &'a Source,
    /// Suspicious but valid input, said once per run.
    warnings: std::cell::RefCell<Vec<String>>,
}

impl Compiler<'_> {
    fn err(
        &self,
        anchors: &[&str],
        field: impl Into<String>,
        msg: impl Into<String>,
    ) -> InputError {
        self.src.error(anchors, field, msg)
    }

    /// `v` if it lies within `bound`, else an error at `anchors`.
    fn bounded(
        &self,
        anchors: &[&str],
        field: impl Into<String>,
        bound: &Bound,
        v: f64,
    ) -> Result<f64, InputError> {
        bound.check(v).map_err(|m| self.err(anchors, field, m))
    }

    fn run(&self) -> Result<Model, InputError> {
        let s = self.s;
        self.scenario_name()?;
        let (interval, slots_per_day, open) = self.calendar()?;
        let types = self.types()?;
        self.unique("teams", s.teams.iter().map(|t| t.name.as_str()))?;
        self.unique("channels", s.channels.iter().map(|c| c.name.as_str()))?;

        let team_names: Vec<&str> = s.teams.iter().map(|t| t.name.as_str()).collect();
        let teams = s
            .teams
            .iter()
            .enumerate()
            .map(|(i, t)| self.team(i, t, &types, &team_names, interval, slots_per_day, &open))
            .collect::<Result<Vec<_>, _>>()?;
        self.check_escalation_chain(&teams)?;
        let mut channels = s
            .channels
            .iter()
            .enumerate()
            .map(|(i, c)| self.channel(i, c, &types, &team_names, interval, slots_per_day, &open))
            .collect::<Result<Vec<_>, _>>()?;
        self.unique_streams()?;
        let streams = s
            .demand
            .iter()
            .enumerate()
            .map(|(i, st)| self.stream(i, st, &types, interval, slots_per_day, &open))
            .collect::<Result<Vec<_>, _>>()?;
        fed_mixes(&mut channels, s, &streams, types.len());
        let urgency = self.urgency(&types)?;
        let feeds = self.feeds(&types, &team_names, (interval, slots_per_day, &open))?;
        let (shared_pools, servers, work) =
            self.pools(&team_names, &types, (interval, slots_per_day, &open))?;
        let (thresholds, channel_thresholds) = self.thresholds()?;
        let cases = self.cases(&types)?;
        let model = Model {
            name: s.name.clone(),
            interval,
            slots_per_day,
            start_weekday: s.calendar.start as usize,
            warmup: s.calendar.warmup.secs(),
            horizon: self.horizon(),
            open,
            types,
            channels,
            streams,
            teams,
            shared_pools,
            servers,
            work,
            thresholds,
            channel_thresholds,
            short_abandon: s.targets.short_abandon.secs(),
            sla: self.sla(),
            demand_fingerprint: self.fingerprint() ^ self.feeds_fingerprint(),
            warnings: self.warnings.take(),
            urgency,
            feeds,
            cases,
            routing: self.routing(&team_names)?,
        };
        self.check_flows(&model)?;
        self.check_workload(&model)?;
        Ok(model)
    }

    /// The run ends here (seconds): warm-up plus the simulated days.
    fn horizon(&self) -> f64 {
        self.s.calendar.warmup.secs() + f64::from(self.s.calendar.days) * DAY
    }

    /// The scenario's name becomes a folder and file names: a plain file-name component.
    fn scenario_name(&self) -> Result<(), InputError> {
        let n = &self.s.name;
        self.name("name", &["name"], n)?;
        let plain = n
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '+' | '(' | ')' | ' '))
            && !n.starts_with(['.', ' '])
            && !n.ends_with(['.', ' ']);
        if !plain {
            return Err(self.err(
                &["name"],
                "name",
                format!(
                    "`{}` cannot name the output folder: use letters, digits, spaces and _ - . + ( ), not starting or ending with a dot or a space (no / or \\)",
                    n.escape_debug()
                ),
            ));
        }
        Ok(())
    }

    /// A name of `field` (anchored after `anchors`): 1 to 100 characters, no control
    /// characters.
    fn name(&self, field: &str, anchors: &[&str], n: &str) -> Result<(), InputError> {
        let len = n.chars().count();
        let at = anchors;
        if bounds::NAME_CHARS.check(len as f64).is_err() {
            return Err(self.err(
                at,
                field,
                format!(
                    "a name must have {} to {} characters, this one has {len}",
                    bounds::NAME_CHARS.min,
                    bounds::NAME_CHARS.max
                ),
            ));
        }
        if n.chars().any(char::is_control) {
            return Err(self.err(
                at,
                field,
                format!(
                    "`{}`: a name cannot hold control characters",
                    n.escape_debug()
                ),
            ));
        }
        Ok(())
    }

    /// Runs whose size would take too long (or without end) are refused before they start.
    fn check_workload(&self, m: &Model) -> Result<(), InputError> {
        let contacts = bounds::expected_arrivals(m) * bounds::attempts_per_incident(m);
        let why = |b: &Bound, v: f64| {
            format!(
                "this run would simulate about {v:.3e} {}, more than the {:.0e} allowed ({})",
                b.unit, b.max, b.why
            )
        };
        if contacts > bounds::CONTACTS_PER_RUN.max {
            return Err(self.err(
                &["calendar", "days"],
                "calendar.days",
                why(&bounds::CONTACTS_PER_RUN, contacts),
            ));
        }
        let switches = bounds::expected_duty_switches(m);
        if switches > bounds::DUTY_SWITCHES_PER_RUN.max {
            return Err(self.err(
                &["duty_cycle"],
                "teams[].duty_cycle, pools[].duty_cycle",
                why(&bounds::DUTY_SWITCHES_PER_RUN, switches),
            ));
        }
        Ok(())
    }

    fn calendar(&self) -> Result<(f64, usize, Vec<bool>), InputError> {
        let cal = &self.s.calendar;
        self.bounded(
            &["calendar", "days"],
            "calendar.days",
            &bounds::DAYS,
            f64::from(cal.days),
        )?;
        self.bounded(
            &["calendar", "warmup"],
            "calendar.warmup",
            &bounds::WARMUP_DAYS,
            cal.warmup.secs() / DAY,
        )?;
        let interval = cal.interval.secs();
        let per_day = DAY / interval;
        let minutes = interval / 60.0;
        if !(1.0..=1440.0).contains(&minutes)
            || minutes.fract() != 0.0
            || 1440 % (minutes as u32) != 0
        {
            return Err(self.err(
                &["calendar", "interval"],
                "calendar.interval",
                format!("must be a whole number of minutes that divides a day (e.g. \"15min\", \"30min\", \"1h\"), got {}", cal.interval),
            ));
        }
        let slots = per_day.round() as usize;
        let mut open = vec![cal.open.is_none(); 7 * slots];
        for (i, o) in cal.open.iter().flatten().enumerate() {
            let field = format!("calendar.open[{i}]");
            let (from, to) = (o.from.secs(), o.to.secs());
            // The i-th opening: its `days` is the (i+1)-th after `open`.
            let mut at: Vec<&str> = vec!["open"];
            at.extend(std::iter::repeat_n("days", i + 1));
            if from >= to {
                at.push("to");
                return Err(self.err(&at, field, "`from` must be before `to`"));
            }
            for (t, which) in [(from, "from"), (to, "to")] {
                if (t / interval).fract().abs() > 1e-9 {
                    at.push(which);
                    return Err(self.err(
                        &at,
                        field,
                        format!(
                            "opening hours must fall on interval boundaries ({})",
                            cal.interval
                        ),
                    ));
                }
            }
            for d in &o.days {
                let base = *d as usize * slots;
                for k in (from / interval).round() as usize..(to / interval).round() as usize {
                    open[base + k] = true;
                }
            }
        }
        if !open.iter().any(|&o| o) {
            return Err(self.err(
                &["calendar", "open"],
                "calendar.open",
                "the service is never open",
            ));
        }
        Ok((interval, slots, open))
    }

    fn types(&self) -> Result<Vec<String>, InputError> {
        let t = &self.s.incident_types;
        if t.is_empty() {
            return Err(self.err(
                &["incident_types"],
                "incident_types",
                "list at least one incident type",
            ));
        }
        self.unique("incident_types", t.iter().map(String::as_str))?;
        for n in t {
            let q = format!("\"{n}\"");
            self.name("incident_types", &["incident_types", &q], n)?;
        }
        if let Some(bad) = t.iter().find(|n| n.as_str() == "*") {
            return Err(self.err(
                &["incident_types", bad],
                "incident_types",
                "`*` is reserved for \"any other type\"",
            ));
        }
        Ok(t.clone())
    }

    fn unique<'b>(
        &self,
        what: &str,
        names: impl Iterator<Item = &'b str>,
    ) -> Result<(), InputError> {
        let mut seen = std::collections::BTreeSet::new();
        for n in names {
            if !seen.insert(n) {
                let q = format!("\"{n}\"");
                return Err(self.err(
                    &[what, &q, &q],
                    what,
                    format!("the name `{n}` is used twice"),
                ));
            }
        }
        if seen.is_empty() && what != "incident_types" {
            return Err(self.err(&[what], what, format!("define at least one of {what}")));
        }
        if seen.len() as f64 > bounds::LIST_LEN.max {
            return Err(self.err(
                &[what],
                what,
                format!(
                    "at most {} {what}, got {}",
                    bounds::LIST_LEN.max,
                    seen.len()
                ),
            ));
        }
        Ok(())
    }

    /// Checks a probability map keyed by names from `known`, returning probabilities by index.
    fn mix(
        &self,
        anchors: &[&str],
        field: &str,
        map: &BTreeMap<String, f64>,
        known: &[String],
    ) -> Result<Vec<f64>, InputError> {
        let mut probs = vec![0.0; known.len()];
        for (k, &p) in map {
            let q = format!("\"{k}\"");
            let at: Vec<&str> = anchors.iter().copied().chain([q.as_str()]).collect();
            let i = known.iter().position(|t| t == k).ok_or_else(|| {
                self.err(
                    &at,
                    field,
                    format!(
                        "unknown incident type `{k}`; known types: {}",
                        known.join(", ")
                    ),
                )
            })?;
            probs[i] = self.prob(&at, field, p)?;
        }
        self.sums_to_one(anchors, field, probs.iter().sum())?;
        Ok(probs)
    }

    fn prob(&self, anchors: &[&str], field: &str, p: f64) -> Result<f64, InputError> {
        if (0.0..=1.0).contains(&p) {
            Ok(p)
        } else {
            Err(self.err(
                anchors,
                field,
                format!("a probability must be between 0 and 1, got {p}"),
            ))
        }
    }

    fn sums_to_one(&self, anchors: &[&str], field: &str, sum: f64) -> Result<(), InputError> {
        if (sum - 1.0).abs() > SUM_TOLERANCE {
            return Err(self.err(
                anchors,
                field,
                format!(
                    "probabilities must sum to 1 (within {SUM_TOLERANCE:e}), they sum to {}",
                    (sum * 1e12).round() / 1e12
                ),
            ));
        }
        Ok(())
    }

    fn team_id(
        &self,
        anchors: &[&str],
        field: &str,
        name: &str,
        teams: &[&str],
    ) -> Result<TeamId, InputError> {
        teams
            .iter()
            .position(|t| *t == name)
            .map(TeamId::at)
            .ok_or_else(|| {
                let q = format!("\"{name}\"");
                let at: Vec<&str> = anchors.iter().copied().chain([q.as_str()]).collect();
                self.err(
                    &at,
                    field,
                    format!("unknown team `{name}`; known teams: {}", teams.join(", ")),
                )
            })
    }

    /// The channel named in `owner`'s `what.channel` (default: `owner` itself, index `own`).
    fn channel_ref(
        &self,
        owner: &str,
        own: usize,
        what: &str,
        field: &str,
        name: Option<&str>,
    ) -> Result<usize, InputError> {
        let Some(n) = name else { return Ok(own) };
        self.s
            .channels
            .iter()
            .position(|x| x.name == n)
            .ok_or_else(|| {
                let known: Vec<&str> = self.s.channels.iter().map(|c| c.name.as_str()).collect();
                let nq = format!("\"{n}\"");
                self.err(
                    &[owner, what, "channel", &nq],
                    field,
                    format!(
                        "unknown channel `{n}`; known channels: {}",
                        known.join(", ")
                    ),
                )
            })
    }

    fn sampler(&self, anchors: &[&str], field: &str, d: &Dist) -> Result<Sampler, InputError> {
        Sampler::new(d).map_err(|m| self.err(anchors, field, m))
    }

    #[allow(clippy::too_many_arguments)]
    fn channel(
        &self,
        i: usize,
        c: &Channel,
        types: &[String],
        teams: &[&str],
        interval: f64,
        slots: usize,
        open: &[bool],
    ) -> Result<ChannelModel, InputError> {
        let q = format!("\"{}\"", c.name);
        let base = format!("channels[{i}] {q}");
        let f = |x: &str| format!("{base}.{x}");
        let a = |x: &'static str| [q.as_str(), x];
        self.name(&f("name"), &[&q], &c.name)?;
        let type_mix = match &c.arrivals {
            Some(_) => Categorical::new(&self.mix(&a("mix"), &f("mix"), &c.mix, types)?),
            // Set from the incident streams that reach it, once they are compiled.
            None => Categorical::new(&vec![0.0; types.len()]),
        };
        // Mention and monitoring feeds may be a channel's only source.
        let fed = self.s.mentions.iter().any(|f| f.channel == c.name)
            || self.s.monitoring.iter().any(|f| f.channel == c.name);
        if c.arrivals.is_none() && (!c.mix.is_empty() || (self.s.demand.is_empty() && !fed)) {
            return Err(self.err(
                &[&q],
                f("arrivals"),
                if self.s.demand.is_empty() {
                    "give the channel's `arrivals` and `mix`, or define demand as incidents under `demand`"
                } else {
                    "a `mix` needs `arrivals` (this channel's contacts otherwise come from `demand`)"
                },
            ));
        }
        let priority_mix = self.priorities(&a("priorities"), &f("priorities"), &c.priorities)?;
        let default_entry = self.team_id(&a("entry"), &f("entry"), &c.entry, teams)?;
        let mut entry = vec![default_entry; types.len()];
        for (ty, team) in &c.entry_by_type {
            let t = types.iter().position(|x| x == ty).ok_or_else(|| {
                self.err(
                    &a("entry_by_type"),
                    f("entry_by_type"),
                    format!(
                        "unknown incident type `{ty}`; known types: {}",
                        types.join(", ")
                    ),
                )
            })?;
            entry[t] = self.team_id(&a("entry_by_type"), &f("entry_by_type"), team, teams)?;
        }
        if let Some(n) = c.lines {
            self.bounded(&a("lines"), f("lines"), &bounds::LINES, f64::from(n))?;
        }
        let patience = c
            .patience
            .as_ref()
            .map(|d| self.sampler(&a("patience"), &f("patience"), d))
            .transpose()?;
        let retry = match &c.retry {
            None => None,
            Some(r) => {
                let at = |x: &'static str| [q.as_str(), "retry", x];
                let prob = self.prob(&at("prob"), &f("retry.prob"), r.prob)?;
                if !(1..=MAX_ATTEMPTS).contains(&r.max_attempts) {
                    return Err(self.err(
                        &at("max_attempts"),
                        f("retry.max_attempts"),
                        format!("must be between 1 (the first contact counts) and {MAX_ATTEMPTS}, got {}", r.max_attempts),
                    ));
                }
                let channel =
                    self.channel_ref(&q, i, "retry", &f("retry.channel"), r.channel.as_deref())?;
                Some(RetryModel {
                    prob,
                    delay: self.sampler(&at("delay"), &f("retry.delay"), &r.delay)?,
                    max_attempts: r.max_attempts,
                    channel: ChannelId::at(channel),
                    raise_priority: r.raise_priority,
                })
            }
        };
        let chase = match &c.chase {
            None => None,
            Some(ch) => {
                let at = |x: &'static str| [q.as_str(), "chase", x];
                let prob = self.prob(&at("prob"), &f("chase.prob"), ch.prob)?;
                let channel =
                    self.channel_ref(&q, i, "chase", &f("chase.channel"), ch.channel.as_deref())?;
                Some(ChaseModel {
                    prob,
                    after: self.sampler(&at("after"), &f("chase.after"), &ch.after)?,
                    channel: ChannelId::at(channel),
                })
            }
        };
        let forget = self.prob(&a("forget"), &f("forget"), c.forget)?;
        let mut self_service = vec![0.0; types.len()];
        let mut self_service_time = None;
        if let Some(ss) = &c.self_service {
            for (ty, &p) in &ss.resolves {
                let t = types.iter().position(|x| x == ty).ok_or_else(|| {
                    self.err(
                        &a("resolves"),
                        f("self_service.resolves"),
                        format!(
                            "unknown incident type `{ty}`; known types: {}",
                            types.join(", ")
                        ),
                    )
                })?;
                self_service[t] = self.prob(&a("resolves"), &f("self_service.resolves"), p)?;
            }
            self_service_time = ss
                .time
                .as_ref()
                .map(|d| self.sampler(&a("self_service"), &f("self_service.time"), d))
                .transpose()?;
        }
        let arrivals = match &c.arrivals {
            Some(arr) => self.arrivals(&q, &base, arr, &c.name, types, interval, slots, open)?,
            None => ArrivalModel::Rates(vec![0.0; 7 * slots]),
        };
        let reject_after_hours = match c.after_hours {
            Some(h) => h == AfterHours::Reject,
            None => matches!(c.kind, ChannelKind::Phone | ChannelKind::Chat),
        };
        // A channel that turns contacts away after hours serves its queue at closing; one
        // whose contacts wait for opening lets the queue wait too.
        let at_closing = c.at_closing.unwrap_or(if reject_after_hours {
            AtClosing::Serve
        } else {
            AtClosing::Wait
        });
        Ok(ChannelModel {
            name: c.name.clone(),
            kind: c.kind,
            arrivals,
            type_mix,
            priority_mix,
            entry,
            reject_after_hours,
            at_closing,
            lines: c.lines,
            patience,
            retry,
            chase,
            forget,
            self_service,
            self_service_time,
            stream_key: fnv1a(c.name.as_bytes()),
            callback: c
                .callback
                .as_ref()
                .map(|cb| self.callback(&q, &base, c.kind, cb))
                .transpose()?,
            misentry: None,
        })
    }

    fn priorities(
        &self,
        anchors: &[&str],
        field: &str,
        map: &Option<BTreeMap<Priority, f64>>,
    ) -> Result<Categorical, InputError> {
        match map {
            None => Ok(Categorical::new(&[0.0, 0.0, 1.0, 0.0])),
            Some(m) => {
                let mut p = [0.0; 4];
                for (k, &v) in m {
                    p[*k as usize] = self.prob(anchors, field, v)?;
                }
                self.sums_to_one(anchors, field, p.iter().sum())?;
                Ok(Categorical::new(&p))
            }
        }
    }

    fn unique_streams(&self) -> Result<(), InputError> {
        let d = &self.s.demand;
        if d.is_empty() {
            return Ok(());
        }
        self.unique("demand", d.iter().map(|st| st.name.as_str()))
    }

    /// An incident stream: its arrivals and mixes, and the channel this design gives it.
    fn stream(
        &self,
        i: usize,
        st: &IncidentStream,
        types: &[String],
        interval: f64,
        slots: usize,
        open: &[bool],
    ) -> Result<StreamModel, InputError> {
        let q = format!("\"{}\"", st.name);
        let base = format!("demand[{i}] {q}");
        let f = |x: &str| format!("{base}.{x}");
        let a = |x: &'static str| [q.as_str(), x];
        self.name(&f("name"), &[&q], &st.name)?;
        let type_mix = Categorical::new(&self.mix(&a("mix"), &f("mix"), &st.mix, types)?);
        let priority_mix = self.priorities(&a("priorities"), &f("priorities"), &st.priorities)?;
        let wanted: Vec<&str> = std::iter::once(st.prefer.as_str())
            .chain(st.fallback.iter().map(String::as_str))
            .collect();
        let channel = wanted
            .iter()
            .find_map(|w| self.s.channels.iter().position(|c| c.name == *w))
            .ok_or_else(|| {
                self.err(
                    &a("prefer"),
                    f("prefer"),
                    format!(
                        "this design offers none of the channels these incidents use ({}); its channels: {}",
                        wanted.join(", then "),
                        self.s.channels.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                )
            })?;
        // A recorded log of these customers lists them under their preferred channel.
        let arrivals = self.arrivals(
            &q,
            &base,
            &st.arrivals,
            &st.prefer,
            types,
            interval,
            slots,
            open,
        )?;
        Ok(StreamModel {
            name: st.name.clone(),
            arrivals,
            type_mix,
            priority_mix,
            channel: ChannelId::at(channel),
            stream_key: fnv1a(format!("incidents/{}", st.name).as_bytes()),
            customers: self.customers(i, st)?,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn arrivals(
        &self,
        q: &str,
        base: &str,
        arrivals: &Arrivals,
        name: &str,
        types: &[String],
        interval: f64,
        slots: usize,
        open: &[bool],
    ) -> Result<ArrivalModel, InputError> {
        let field = format!("{base}.arrivals");
        let at = [q, "arrivals"];
        let nonneg = |v: f64, what: &str, bound: &Bound| -> Result<f64, InputError> {
            self.bounded(&[q, what], format!("{field}.{what}"), bound, v)
        };
        match arrivals {
            Arrivals::Poisson { per_hour } => Ok(ArrivalModel::Rates(vec![
                nonneg(
                    *per_hour,
                    "per_hour",
                    &bounds::PER_HOUR
                )? / 3600.0;
                7 * slots
            ])),
            Arrivals::Daily {
                per_day,
                weekdays,
                intraday,
            } => {
                let per_day = nonneg(*per_day, "per_day", &bounds::PER_DAY)?;
                let factors: Vec<f64> = match weekdays {
                    Some(w) if w.len() != 7 => {
                        return Err(self.err(
                            &[q, "weekdays"],
                            format!("{field}.weekdays"),
                            format!("give 7 factors, Monday to Sunday; got {}", w.len()),
                        ));
                    }
                    Some(w) => w
                        .iter()
                        .map(|&v| nonneg(v, "weekdays", &bounds::WEEKDAY_FACTOR))
                        .collect::<Result<_, _>>()?,
                    None => (0..7)
                        .map(|d| {
                            if open[d * slots..(d + 1) * slots].iter().any(|&o| o) {
                                1.0
                            } else {
                                0.0
                            }
                        })
                        .collect(),
                };
                let mut rates = vec![0.0; 7 * slots];
                for (d, &factor) in factors.iter().enumerate() {
                    let day = &mut rates[d * slots..(d + 1) * slots];
                    let open_day = &open[d * slots..(d + 1) * slots];
                    self.day_rates(
                        q,
                        &field,
                        day,
                        per_day * factor,
                        intraday.as_ref(),
                        open_day,
                        interval,
                    )?;
                }
                Ok(ArrivalModel::Rates(rates))
            }
            Arrivals::ByDay(groups) => {
                let mut rates = vec![0.0; 7 * slots];
                let mut seen = [false; 7];
                for (k, g) in groups.iter().enumerate() {
                    let gfield = format!("{field}[{k}]");
                    let per_day = nonneg(g.per_day, "per_day", &bounds::PER_DAY)?;
                    if g.days.is_empty() {
                        return Err(self.err(&at, gfield, "list at least one weekday in `days`"));
                    }
                    for &wd in &g.days {
                        let d = wd as usize;
                        if std::mem::replace(&mut seen[d], true) {
                            return Err(self.err(
                                &at,
                                gfield,
                                format!("{wd:?} is in more than one group"),
                            ));
                        }
                        let day = &mut rates[d * slots..(d + 1) * slots];
                        let open_day = &open[d * slots..(d + 1) * slots];
                        self.day_rates(
                            q,
                            &gfield,
                            day,
                            per_day,
                            g.intraday.as_ref(),
                            open_day,
                            interval,
                        )?;
                    }
                }
                Ok(ArrivalModel::Rates(rates))
            }
            Arrivals::Log { file } => {
                if file.is_empty() {
                    return Err(self.err(&at, field, "give the log's file name"));
                }
                let fq = format!("\"{file}\"");
                let rows = read_log(&self.src.dir().join(file), name, types).map_err(|e| {
                    if e.at.is_none() && e.field.is_none() {
                        // The file itself cannot be used: the scenario's line naming it is at fault.
                        return self.err(
                            &[q, "arrivals", &fq],
                            format!("{field}.file"),
                            e.to_string(),
                        );
                    }
                    let (line, col) = self.src.locate(&[q, "arrivals", &fq]).unwrap_or((0, 0));
                    InputError {
                        message: format!(
                            "{} (the arrival log of `{}`, named in {}:{line}:{col})",
                            e.message,
                            name,
                            self.src.path.display()
                        ),
                        ..e
                    }
                })?;
                let late = rows.iter().filter(|r| r.time >= self.horizon()).count();
                if late > 0 {
                    self.warnings.borrow_mut().push(format!(
                        "{field}: {late} of the {} rows of `{}` in `{file}` fall after the end of the run (day {}) and are not replayed",
                        rows.len(),
                        name,
                        self.horizon() / DAY
                    ));
                }
                Ok(ArrivalModel::Log(rows))
            }
        }
    }

    /// A team's or pool's agents per slot of the week (zero while closed) and duty cycle,
    /// checked.
    fn staffing(
        &self,
        q: &str,
        base: &str,
        spec: StaffingSpec<'_>,
        (interval, slots, open): (f64, usize, &[bool]),
    ) -> Result<(Vec<u32>, f64, Vec<super::TempStaff>), InputError> {
        let f = |x: &str| format!("{base}.{x}");
        // Staffing per slot of the day for each weekday, then per slot of the week (zero while
        // closed).
        let base_day = self.day_staffing(
            &[q, "schedule"],
            &f("schedule"),
            spec.agents,
            spec.schedule,
            interval,
            slots,
        )?;
        let mut week: Vec<Vec<u32>> = vec![base_day; 7];
        let mut seen = [false; 7];
        for (k, ds) in spec.by_day.iter().enumerate() {
            let field = f(&format!("schedule_by_day[{k}]"));
            let at = [q, "schedule_by_day"];
            if ds.days.is_empty() {
                return Err(self.err(&at, field, "list at least one weekday in `days`"));
            }
            let day = self.day_staffing(
                &at,
                &field,
                ds.agents.unwrap_or(spec.agents),
                &ds.schedule,
                interval,
                slots,
            )?;
            for &d in &ds.days {
                if std::mem::replace(&mut seen[d as usize], true) {
                    return Err(self.err(&at, field, format!("{d:?} is in more than one entry")));
                }
                week[d as usize] = day.clone();
            }
        }
        let loc = roster::Loc {
            src: self.src,
            q,
            base,
        };
        let shifts = roster::shifts(&loc, spec.shifts, interval, slots)?;
        let temporary = roster::temporary(&loc, spec.temporary, interval, slots)?;
        let warmup = self.s.calendar.warmup.secs();
        self.warnings
            .borrow_mut()
            .extend(roster::temporary_after_run(
                base,
                &temporary,
                warmup,
                self.horizon(),
            ));
        let agents: Vec<u32> = (0..7 * slots)
            .map(|w| {
                if open[w] {
                    week[w / slots][w % slots] + shifts[w]
                } else {
                    0
                }
            })
            .collect();
        if let Some(&most) = agents.iter().max() {
            self.bounded(
                &[q, "shifts"],
                f("shifts"),
                &bounds::AGENTS,
                f64::from(most),
            )?;
            // Temporary staff come on top: the peak roster stays within the same bound.
            self.bounded(
                &[q, "temporary"],
                f("temporary"),
                &bounds::AGENTS,
                (u64::from(most) + roster::temporary_peak(&temporary)) as f64,
            )?;
        }
        self.bounded(
            &[q, "availability"],
            f("availability"),
            &bounds::AVAILABILITY,
            spec.availability,
        )?;
        let duty_cycle = spec.duty_cycle.map_or(3600.0, |d| d.secs());
        self.bounded(
            &[q, "duty_cycle"],
            f("duty_cycle"),
            &bounds::DUTY_CYCLE_MIN,
            duty_cycle / 60.0,
        )?;
        Ok((agents, duty_cycle, temporary))
    }

    /// Shared pools, and who serves what: per queue its pools in overflow order (its team's
    /// own first, then by rank, then pool), per pool its queues by rank.
    #[allow(clippy::type_complexity)]
    fn pools(
        &self,
        teams: &[&str],
        types: &[String],
        cal: (f64, usize, &[bool]),
    ) -> Result<
        (
            Vec<PoolModel>,
            Vec<Vec<(PoolId, f64)>>,
            Vec<Vec<(QueueId, f64)>>,
        ),
        InputError,
    > {
        let s = self.s;
        self.unique(
            "pools",
            s.teams
                .iter()
                .map(|t| t.name.as_str())
                .chain(s.pools.iter().map(|p| p.name.as_str())),
        )?;
        let n = teams.len();
        // (rank, pool, proficiency) per queue; the team's own pool has rank 0.
        let mut ranked: Vec<Vec<(u8, PoolId, f64)>> =
            (0..n).map(|t| vec![(0, PoolId::at(t), 1.0)]).collect();
        let mut work: Vec<Vec<(QueueId, f64)>> =
            (0..n).map(|t| vec![(QueueId::at(t), 1.0)]).collect();
        let mut pools = Vec::new();
        for (k, p) in s.pools.iter().enumerate() {
            let q = format!("\"{}\"", p.name);
            let base = format!("pools[{k}] {q}");
            self.name(&format!("{base}.name"), &[&q], &p.name)?;
            let (agents, duty_cycle, temporary) = self.staffing(
                &q,
                &base,
                StaffingSpec {
                    agents: p.agents,
                    schedule: &p.schedule,
                    by_day: &p.schedule_by_day,
                    availability: p.availability,
                    duty_cycle: p.duty_cycle,
                    shifts: &p.shifts,
                    temporary: &p.temporary,
                },
                cal,
            )?;
            if p.skills.is_empty() {
                return Err(self.err(
                    &[&q, "skills"],
                    format!("{base}.skills"),
                    "a pool needs at least one skill: the name of a team whose queue it serves",
                ));
            }
            let id = PoolId::at(n + k);
            let mut mine = Vec::new();
            for (team, sk) in &p.skills {
                let t = self.team_id(&[&q, "skills"], &format!("{base}.skills"), team, teams)?;
                let kq = format!("\"{team}\"");
                if sk.rank == 0 {
                    return Err(self.err(
                        &[&q, "skills", &kq],
                        format!("{base}.skills[{kq}].rank"),
                        "must be 1 (primary) or more",
                    ));
                }
                if !(sk.proficiency.is_finite() && sk.proficiency > 0.0) {
                    return Err(self.err(
                        &[&q, "skills", &kq],
                        format!("{base}.skills[{kq}].proficiency"),
                        format!(
                            "must be a positive handling-time multiplier, got {}",
                            sk.proficiency
                        ),
                    ));
                }
                ranked[t.index()].push((sk.rank, id, sk.proficiency));
                mine.push((sk.rank, QueueId(t.0), sk.proficiency));
            }
            mine.sort_by_key(|&(r, q, _)| (r, q));
            work.push(mine.into_iter().map(|(_, q, f)| (q, f)).collect());
            pools.push(PoolModel {
                name: p.name.clone(),
                agents,
                availability: p.availability,
                duty_cycle,
                cost_per_hour: p.cost_per_hour,
                stream_key: fnv1a(format!("pool/{}", p.name).as_bytes()),
                wrap_up: self.per_type_samplers(&q, &base, "wrap_up", &p.wrap_up, types)?,
                temporary,
                concurrency: self.concurrency(&q, &base, &p.concurrency, &p.wrap_up)?,
            });
        }
        let servers = ranked
            .into_iter()
            .map(|mut v| {
                v.sort_by_key(|&(r, p, _)| (r, p));
                v.into_iter().map(|(_, p, f)| (p, f)).collect()
            })
            .collect();
        Ok((pools, servers, work))
    }

    /// The routing policies, and per pool and queue the wait before the pool sees a contact
    /// (time-based overflow; pool names and skills were checked by [`Self::pools`]).
    fn routing(&self, teams: &[&str]) -> Result<RoutingModel, InputError> {
        let s = self.s;
        let n = teams.len();
        let mut after = vec![vec![0.0; n]; n + s.pools.len()];
        let mut timed: Vec<Vec<f64>> = vec![Vec::new(); n];
        for (k, p) in s.pools.iter().enumerate() {
            let q = format!("\"{}\"", p.name);
            for (team, sk) in &p.skills {
                let Some(wait) = sk.after else { continue };
                let t = self.team_id(&[&q, "skills"], "skills", team, teams)?;
                let kq = format!("\"{team}\"");
                let mins = self.bounded(
                    &[&q, "skills", &kq, "after"],
                    format!("pools[{k}] {q}.skills[{kq}].after"),
                    &bounds::OVERFLOW_AFTER_MIN,
                    wait.secs() / 60.0,
                )?;
                let secs = mins * 60.0;
                after[n + k][t.index()] = secs;
                if secs > 0.0 && !timed[t.index()].contains(&secs) {
                    timed[t.index()].push(secs);
                }
            }
        }
        timed.iter_mut().for_each(|v| v.sort_by(f64::total_cmp));
        Ok(RoutingModel {
            agent: s.routing.agent,
            work: s.routing.work,
            after,
            timed,
        })
    }

    /// Arrival rates (per second) over one day's slots: `volume` spread by the profile, or flat
    /// over the open slots.
    #[allow(clippy::too_many_arguments)]
    fn day_rates(
        &self,
        q: &str,
        field: &str,
        day: &mut [f64],
        volume: f64,
        intraday: Option<&scenario::Profile>,
        open_day: &[bool],
        interval: f64,
    ) -> Result<(), InputError> {
        let Some(p) = intraday else {
            let open_slots = open_day.iter().filter(|&&o| o).count();
            for (r, &o) in day.iter_mut().zip(open_day) {
                if o {
                    *r = volume / open_slots as f64 / interval;
                }
            }
            return Ok(());
        };
        let start = p.from.secs() / interval;
        if start.fract().abs() > 1e-9 || start.round() as usize + p.weights.len() > day.len() {
            return Err(self.err(&[q, "intraday"], format!("{field}.intraday"), format!(
                "the profile must start on an interval boundary and its {} weights (one per interval) must end by midnight", p.weights.len())));
        }
        for &w in &p.weights {
            self.bounded(
                &[q, "weights"],
                format!("{field}.intraday.weights"),
                &bounds::WEIGHT,
                w,
            )?;
        }
        let total: f64 = p.weights.iter().sum();
        if total <= 0.0 {
            return Err(self.err(
                &[q, "weights"],
                format!("{field}.intraday.weights"),
                "at least one weight must be positive",
            ));
        }
        for (k, wk) in p.weights.iter().enumerate() {
            day[start.round() as usize + k] = volume * wk / total / interval;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn team(
        &self,
        i: usize,
        t: &Team,
        types: &[String],
        teams: &[&str],
        interval: f64,
        slots: usize,
        open: &[bool],
    ) -> Result<TeamModel, InputError> {
        let q = format!("\"{}\"", t.name);
        let base = format!("teams[{i}] {q}");
        let f = |x: &str| format!("{base}.{x}");
        self.name(&f("name"), &[&q], &t.name)?;
        let (agents, duty_cycle, temporary) = self.staffing(
            &q,
            &base,
            StaffingSpec {
                agents: t.agents,
                schedule: &t.schedule,
                by_day: &t.schedule_by_day,
                availability: t.availability,
                duty_cycle: t.duty_cycle,
                shifts: &t.shifts,
                temporary: &t.temporary,
            },
            (interval, slots, open),
        )?;
        let per_type =
            |map_name: &str, keys: &mut dyn Iterator<Item = &String>| -> Result<(), InputError> {
                for k in keys {
                    if k != "*" && !types.contains(k) {
                        let kq = format!("\"{k}\"");
                        return Err(self.err(
                        &[&q, map_name, &kq],
                        f(map_name),
                        format!(
                            "unknown incident type `{k}`; known types: {} (or \"*\" for any other)",
                            types.join(", ")
                        ),
                    ));
                    }
                }
                Ok(())
            };
        per_type("handling", &mut t.handling.keys())?;
        per_type("routes", &mut t.routes.keys())?;
        fn lookup<'k>(h: &'k BTreeMap<String, Dist>, ty: &'k str) -> Option<&'k str> {
            if h.contains_key(ty) {
                Some(ty)
            } else if h.contains_key("*") {
                Some("*")
            } else {
                None
            }
        }
        let handling = types
            .iter()
            .map(|ty| {
                lookup(&t.handling, ty)
                    .map(|k| {
                        let kq = format!("\"{k}\"");
                        self.sampler(
                            &[&q, "handling", &kq],
                            &format!("{base}.handling[\"{k}\"]"),
                            &t.handling[k],
                        )
                    })
                    .transpose()
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut compiled: BTreeMap<&str, RouteModel> = BTreeMap::new();
        for (k, r) in &t.routes {
            compiled.insert(
                k,
                self.route(&q, &format!("{base}.routes[\"{k}\"]"), k, r, teams)?,
            );
        }
        let routes = types
            .iter()
            .map(|ty| {
                compiled
                    .get(ty.as_str())
                    .or_else(|| compiled.get("*"))
                    .cloned()
            })
            .collect();
        let triage = match &t.triage {
            None => None,
            Some(tr) => {
                let acc = self.prob(&[&q, "accuracy"], &f("triage.accuracy"), tr.accuracy)?;
                let confused = if tr.confused_with.is_empty() {
                    let mut v: Vec<TeamId> = t
                        .routes
                        .values()
                        .flat_map(|r| r.pass.keys())
                        .filter_map(|n| teams.iter().position(|x| x == n))
                        .map(TeamId::at)
                        .collect();
                    v.sort_unstable();
                    v.dedup();
                    v
                } else {
                    tr.confused_with
                        .iter()
                        .map(|n| {
                            self.team_id(
                                &[&q, "confused_with"],
                                &f("triage.confused_with"),
                                n,
                                teams,
                            )
                        })
                        .collect::<Result<_, _>>()?
                };
                Some((acc, confused))
            }
        };
        if let Some(c) = t.cost_per_hour {
            self.bounded(
                &[&q, "cost_per_hour"],
                f("cost_per_hour"),
                &bounds::COST_PER_HOUR,
                c,
            )?;
        }
        if let Some(c) = t.cost_per_contact {
            let at = [q.as_str(), "cost_per_contact"];
            self.bounded(&at, f("cost_per_contact"), &bounds::COST_PER_CONTACT, c)?;
            if t.cost_per_hour.is_some() {
                return Err(self.err(&at, f("cost_per_contact"), "an external team is paid per contact or per hour, not both: remove cost_per_hour or cost_per_contact"));
            }
        }
        Ok(TeamModel {
            name: t.name.clone(),
            agents,
            availability: t.availability,
            duty_cycle,
            handling,
            discipline: t.discipline,
            routes,
            triage,
            cost_per_hour: t.cost_per_hour,
            stream_key: fnv1a(t.name.as_bytes()),
            wrap_up: self.per_type_samplers(&q, &base, "wrap_up", &t.wrap_up, types)?,
            temporary,
            cost_per_contact: t.cost_per_contact,
            concurrency: self.concurrency(&q, &base, &t.concurrency, &t.wrap_up)?,
            blend: self.blend(&q, &base, t)?,
            escalate: t
                .escalate
                .as_ref()
                .map(|e| self.escalate(&q, &base, i, e, teams))
                .transpose()?,
        })
    }

    /// A per-type map of durations (`"*"` covers unlisted types) as one optional sampler per
    /// incident type, its keys checked against the types.
    fn per_type_samplers(
        &self,
        q: &str,
        base: &str,
        map_name: &str,
        map: &BTreeMap<String, Dist>,
        types: &[String],
    ) -> Result<Vec<Option<Sampler>>, InputError> {
        if let Some(k) = map.keys().find(|k| *k != "*" && !types.contains(k)) {
            return Err(self.err(
                &[q, map_name, &format!("\"{k}\"")],
                format!("{base}.{map_name}"),
                format!(
                    "unknown incident type `{k}`; known types: {} (or \"*\" for any other)",
                    types.join(", ")
                ),
            ));
        }
        types
            .iter()
            .map(|ty| {
                let k = [ty.as_str(), "*"]
                    .into_iter()
                    .find(|k| map.contains_key(*k));
                k.map(|k| {
                    self.sampler(
                        &[q, map_name, &format!("\"{k}\"")],
                        &format!("{base}.{map_name}[\"{k}\"]"),
                        &map[k],
                    )
                })
                .transpose()
            })
            .collect()
    }

    /// Agents per slot of one day: `agents` from midnight, changed by `schedule`.
    fn day_staffing(
        &self,
        at: &[&str],
        field: &str,
        agents: u32,
        schedule: &[(scenario::Clock, u32)],
        interval: f64,
        slots: usize,
    ) -> Result<Vec<u32>, InputError> {
        self.bounded(at, field, &bounds::AGENTS, f64::from(agents))?;
        let mut day = vec![agents; slots];
        let mut last = -1.0;
        for &(clock, n) in schedule {
            self.bounded(at, field, &bounds::AGENTS, f64::from(n))?;
            let k = clock.secs() / interval;
            if k.fract().abs() > 1e-9 || clock.secs() <= last || clock.secs() >= DAY {
                return Err(self.err(at, field, "staffing changes must be in increasing time order, before 24:00, on interval boundaries"));
            }
            last = clock.secs();
            day[k.round() as usize..].iter_mut().for_each(|a| *a = n);
        }
        Ok(day)
    }

    fn route(
        &self,
        q: &str,
        field: &str,
        key: &str,
        r: &Route,
        teams: &[&str],
    ) -> Result<RouteModel, InputError> {
        let kq = format!("\"{key}\"");
        let at = [q, "routes", kq.as_str()];
        let mut outcomes = vec![Outcome::Resolve];
        let mut probs = vec![self.prob(&at, &format!("{field}.resolve"), r.resolve)?];
        for (name, &p) in &r.pass {
            outcomes.push(Outcome::Pass(self.team_id(
                &at,
                &format!("{field}.pass"),
                name,
                teams,
            )?));
            probs.push(self.prob(&at, &format!("{field}.pass"), p)?);
        }
        outcomes.push(Outcome::Lose);
        probs.push(self.prob(&at, &format!("{field}.lose"), r.lose)?);
        self.sums_to_one(&at, field, probs.iter().sum())?;
        Ok(RouteModel {
            outcomes,
            dist: Categorical::new(&probs),
        })
    }

    /// Every service-level threshold some channel is judged on (the live ones first, so the
    /// first is the headline) and, per channel, the indices of its own thresholds: those of
    /// `answer_within_by_channel`, else `answer_within_written` for written kinds, else
    /// `answer_within`.
    fn thresholds(&self) -> Result<(Vec<f64>, Vec<Vec<u8>>), InputError> {
        let t = &self.s.targets;
        let lists = [
            ("answer_within", &t.answer_within),
            ("answer_within_written", &t.answer_within_written),
        ];
        for (field, list) in lists.into_iter().chain(
            t.answer_within_by_channel
                .values()
                .map(|l| ("answer_within_by_channel", l)),
        ) {
            if list.is_empty() {
                return Err(self.err(
                    &[field],
                    format!("targets.{field}"),
                    "give at least one service-level threshold",
                ));
            }
        }
        for name in t.answer_within_by_channel.keys() {
            if !self.s.channels.iter().any(|c| &c.name == name) {
                return Err(self.err(
                    &["answer_within_by_channel", name],
                    format!("targets.answer_within_by_channel.{name}"),
                    format!("no channel called `{name}`"),
                ));
            }
        }
        // Each channel's own list.
        let lists: Vec<&Vec<crate::scenario::Dur>> = self
            .s
            .channels
            .iter()
            .map(|c| match t.answer_within_by_channel.get(&c.name) {
                Some(l) => l,
                None if c.kind.is_written() => &t.answer_within_written,
                None => &t.answer_within,
            })
            .collect();
        let mut all: Vec<f64> = Vec::new();
        let mut index = |d: &crate::scenario::Dur| -> u8 {
            let secs = d.secs();
            match all.iter().position(|&x| x == secs) {
                Some(i) => i as u8,
                None => {
                    all.push(secs);
                    (all.len() - 1) as u8
                }
            }
        };
        // The headline's list first: `answer_within` if a channel uses it, else the first live
        // channel's own list (else, with no live channel, the first channel's, below).
        let headline = if lists.iter().any(|l| std::ptr::eq(*l, &t.answer_within)) {
            Some(&t.answer_within)
        } else {
            self.s
                .channels
                .iter()
                .zip(&lists)
                .find(|(c, _)| !c.kind.is_written())
                .map(|(_, l)| *l)
        };
        headline.into_iter().flatten().for_each(|d| {
            index(d);
        });
        let per_channel: Vec<Vec<u8>> = lists
            .iter()
            .map(|l| l.iter().map(&mut index).collect())
            .collect();
        if all.len() as f64 > bounds::THRESHOLDS.max {
            return Err(self.err(
                &["targets"],
                "targets.answer_within",
                format!(
                    "at most {} distinct service-level thresholds ({}), got {}",
                    bounds::THRESHOLDS.max,
                    bounds::THRESHOLDS.why,
                    all.len()
                ),
            ));
        }
        // Keep a channel's own thresholds unique (a repeated value adds nothing).
        let per_channel = per_channel
            .into_iter()
            .map(|mut l| {
                let mut seen = Vec::new();
                l.retain(|k| {
                    let new = !seen.contains(k);
                    seen.push(*k);
                    new
                });
                l
            })
            .collect();
        Ok((all, per_channel))
    }

    fn sla(&self) -> [SlaModel; 4] {
        let mut out = [SlaModel::default(); 4];
        for p in Priority::ALL {
            if let Some(s) = self.s.targets.sla.get(&p) {
                out[p as usize] = SlaModel {
                    response: s.response.map(|d| d.secs()),
                    resolution: s.resolution.map(|d| d.secs()),
                };
            }
        }
        out
    }

    fn fingerprint(&self) -> u64 {
        let s = self.s;
        let demand: Vec<_> = s
            .channels
            .iter()
            .filter(|c| c.arrivals.is_some() || s.demand.is_empty())
            .map(|c| {
                (
                    &c.name,
                    c.kind,
                    &c.arrivals,
                    &c.mix,
                    &c.priorities,
                    &c.patience,
                    &c.retry,
                    &c.chase,
                )
            })
            .collect();
        // Incident streams name channels, not teams: designs with different channels that
        // face the same incidents share the fingerprint.
        let text = if s.demand.is_empty() {
            ron::to_string(&(&s.calendar, &s.incident_types, demand))
        } else {
            ron::to_string(&(&s.calendar, &s.incident_types, demand, &s.demand))
        }
        .unwrap_or_default();
        let mut h = fnv1a(text.as_bytes());
        if !s.priorities_by_type.is_empty() {
            // Part of demand, hashed only where given so other fingerprints stay as they were.
            h ^= fnv1a(
                ron::to_string(&s.priorities_by_type)
                    .unwrap_or_default()
                    .as_bytes(),
            )
            .rotate_left(29);
        }
        let logs = s
            .channels
            .iter()
            .filter_map(|c| c.arrivals.as_ref())
            .chain(s.demand.iter().map(|st| &st.arrivals));
        for arr in logs {
            if let Arrivals::Log { file } = arr
                && let Ok(bytes) = std::fs::read(self.src.dir().join(file))
            {
                h ^= fnv1a(&bytes).rotate_left(17);
            }
        }
        h
    }

    /// Every contact that can arrive must meet teams that can handle it and a way out.
    fn check_flows(&self, m: &Model) -> Result<(), InputError> {
        for (ti, ty) in m.types.iter().enumerate() {
            // Teams reachable by contacts of this type, with the channel or team that sends them.
            let mut reach: Vec<Option<String>> = vec![None; m.teams.len()];
            let mut stack = Vec::new();
            // Channels contacts of this type can arrive on: by their mix or log, and by the
            // retries of those (a failed call may come back by email).
            let mut carries: Vec<bool> = m
                .channels
                .iter()
                .map(|c| carries_type(&c.type_mix, &c.arrivals, ti))
                .collect();
            // And by the incident streams this design sends to them.
            for st in &m.streams {
                carries[st.channel.index()] |= carries_type(&st.type_mix, &st.arrivals, ti);
            }
            // And by the cases mentions and monitoring create there.
            for f in &m.feeds {
                carries[f.channel.index()] |= f.type_mix.prob(ti) > 0.0;
            }
            // Chases start only from the channel an incident first arrived on, and are handled
            // once by the chase channel's entry team, never routed: it needs a handling time.
            for (i, c) in m.channels.iter().enumerate() {
                if let Some(ch) = &c.chase
                    && carries[i]
                    && ch.prob > 0.0
                {
                    let e = m.channels[ch.channel.index()].entry[ti].index();
                    let team = &m.teams[e];
                    if team.handling[ti].is_none() {
                        return Err(self.err(
                            &[&format!("\"{}\"", team.name), "handling"],
                            format!("teams[{e}] \"{}\".handling", team.name),
                            format!("customers of channel `{}` chase incidents of type `{ty}` through this team, but it has no handling time for them: add `\"{ty}\"` or `\"*\"`", c.name),
                        ));
                    }
                }
            }
            loop {
                let before = carries.clone();
                for (i, c) in m.channels.iter().enumerate() {
                    if before[i]
                        && let Some(r) = &c.retry
                        && r.prob > 0.0
                        && r.max_attempts > 1
                    {
                        carries[r.channel.index()] = true;
                    }
                }
                if carries == before {
                    break;
                }
            }
            for (i, c) in m.channels.iter().enumerate() {
                if carries[i] && c.self_service[ti] < 1.0 && c.forget < 1.0 {
                    let e = c.entry[ti].index();
                    if reach[e].is_none() {
                        reach[e] = Some(format!("channel `{}`", c.name));
                        stack.push(e);
                    }
                }
            }
            while let Some(tm) = stack.pop() {
                let team = &m.teams[tm];
                let q = format!("\"{}\"", team.name);
                let from = reach[tm].clone().unwrap_or_default();
                if team.handling[ti].is_none() {
                    return Err(self.err(&[&q, "handling"], format!("teams[{tm}] \"{}\".handling", team.name), format!(
                        "incident type `{ty}` reaches this team (from {from}) but it has no handling time for it: add `\"{ty}\"` or `\"*\"`")));
                }
                let Some(route) = &team.routes[ti] else {
                    return Err(self.err(&[&q, "routes"], format!("teams[{tm}] \"{}\".routes", team.name), format!(
                        "incident type `{ty}` reaches this team (from {from}) but it has no route out for it: add `\"{ty}\"` or `\"*\"`")));
                };
                let mut next: Vec<usize> = route
                    .outcomes
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| route.dist.prob(*k) > 0.0)
                    .filter_map(|(_, o)| match o {
                        Outcome::Pass(t) => Some(t.index()),
                        _ => None,
                    })
                    .collect();
                if let Some((acc, confused)) = &team.triage
                    && *acc < 1.0
                    && !next.is_empty()
                {
                    next.extend(confused.iter().map(|t| t.index()));
                }
                next.extend(team.escalate.map(|e| e.to.index()));
                for n in next {
                    if reach[n].is_none() {
                        reach[n] = Some(format!("team `{}`", team.name));
                        stack.push(n);
                    }
                }
            }
            // Absorption: from every reachable team, resolving or losing must stay possible.
            let terminal = |t: usize| {
                m.teams[t].routes[ti].as_ref().is_some_and(|r| {
                    r.outcomes
                        .iter()
                        .enumerate()
                        .any(|(k, o)| !matches!(o, Outcome::Pass(_)) && r.dist.prob(k) > 0.0)
                })
            };
            let mut can_end: Vec<bool> = (0..m.teams.len())
                .map(|t| reach[t].is_some() && terminal(t))
                .collect();
            loop {
                let mut changed = false;
                for t in 0..m.teams.len() {
                    if reach[t].is_none() || can_end[t] {
                        continue;
                    }
                    let r = m.teams[t].routes[ti]
                        .as_ref()
                        .expect("reachable teams have routes");
                    let ok = r.outcomes.iter().enumerate().any(|(k, o)| {
                        matches!(o, Outcome::Pass(n) if can_end[n.index()]) && r.dist.prob(k) > 0.0
                    });
                    if ok {
                        can_end[t] = true;
                        changed = true;
                    }
                }
                if !changed {
                    break;
                }
            }
            if let Some(t) = (0..m.teams.len()).find(|&t| reach[t].is_some() && !can_end[t]) {
                let team = &m.teams[t];
                return Err(self.err(&[&format!("\"{}\"", team.name), "routes"], format!("teams[{t}] \"{}\".routes", team.name), format!(
                    "incident type `{ty}` can be passed around forever from here: no team it can reach ever resolves or loses it (a cycle that never ends)")));
            }
        }
        Ok(())
    }
}

/// Whether a source (a channel's own arrivals or an incident stream) brings type `ti`: by its
/// mix, or by its log's rows.
fn carries_type(mix: &Categorical, arrivals: &ArrivalModel, ti: usize) -> bool {
    mix.prob(ti) > 0.0
        || matches!(arrivals, ArrivalModel::Log(rows) if rows.iter().any(|r| r.ty.index() == ti))
}

/// Channels fed only by incident streams take the mixes of the streams that reach them (for
/// the checks and breakdowns that ask which types and priorities a channel carries).
fn fed_mixes(channels: &mut [ChannelModel], s: &Scenario, streams: &[StreamModel], types: usize) {
    for (i, (c, sc)) in channels.iter_mut().zip(&s.channels).enumerate() {
        if sc.arrivals.is_some() {
            continue;
        }
        let mut ty = vec![0.0; types];
        let mut pr = [0.0; 4];
        let feeding: Vec<&StreamModel> = streams
            .iter()
            .filter(|st| st.channel.index() == i)
            .collect();
        for st in &feeding {
            (0..types).for_each(|k| ty[k] += st.type_mix.prob(k) / feeding.len() as f64);
            (0..4).for_each(|k| pr[k] += st.priority_mix.prob(k) / feeding.len() as f64);
        }
        c.type_mix = Categorical::new(&ty);
        if !feeding.is_empty() {
            c.priority_mix = Categorical::new(&pr);
        }
    }
}
