//! Compiling the case rules: business calendars, SLA targets and clocks per type and
//! priority, priority mixes per type, waiting on the customer, and reopening per team.

use super::super::bounds;
use super::super::cases::{BusinessClock, CaseRules, PauseModel, ReopenModel, SlaRule};
use super::super::{Categorical, ChannelId, SlaModel};
use super::{Compiler, DAY};
use crate::error::InputError;
use crate::scenario::{BusinessHours, Priority, Sla};
use std::collections::BTreeMap;

impl Compiler<'_> {
    /// The case rules of the scenario; `types` and the scenario's channels and teams are
    /// already checked.
    pub(super) fn cases(&self, types: &[String]) -> Result<CaseRules, InputError> {
        let s = self.s;
        let clocks = self.clocks()?;
        let names: Vec<&str> = clocks.iter().map(|c| c.name.as_str()).collect();
        let clock = |anchors: &[&str], field: &str, n: &Option<String>| match n {
            None => Ok(None),
            Some(n) => self.clock_ref(anchors, field, n, &names).map(Some),
        };
        for (p, sla) in &s.targets.sla {
            let f = format!("targets.sla.{p:?}.clock");
            clock(&["sla", &format!("{p:?}"), "clock"], &f, &sla.clock)?;
        }
        self.known_types(
            &["sla_by_type"],
            "targets.sla_by_type",
            s.targets.sla_by_type.keys(),
            types,
            false,
        )?;
        let mut sla = Vec::with_capacity(types.len());
        for ty in types {
            let by_type = s.targets.sla_by_type.get(ty);
            let mut rules = [SlaRule::default(); 4];
            for p in Priority::ALL {
                let by_prio = s.targets.sla.get(&p);
                let pick = |f: fn(&Sla) -> Option<crate::scenario::Dur>| {
                    by_type
                        .and_then(f)
                        .or_else(|| by_prio.and_then(f))
                        .map(|d| d.secs())
                };
                let named = by_type
                    .and_then(|t| t.clock.clone())
                    .or_else(|| by_prio.and_then(|b| b.clock.clone()));
                let q = format!("\"{ty}\"");
                let at: &[&str] = if by_type.is_some_and(|t| t.clock.is_some()) {
                    &["sla_by_type", &q, "clock"]
                } else {
                    &["sla", "clock"]
                };
                rules[p as usize] = SlaRule {
                    targets: SlaModel {
                        response: pick(|x| x.response),
                        resolution: pick(|x| x.resolution),
                    },
                    clock: clock(at, "targets.sla_by_type[].clock", &named)?,
                };
            }
            sla.push(rules);
        }
        let mut channel_clock = vec![None; s.channels.len()];
        for (ch, n) in &s.targets.sla_clock_by_channel {
            let q = format!("\"{ch}\"");
            let i = s
                .channels
                .iter()
                .position(|c| &c.name == ch)
                .ok_or_else(|| {
                    let known: Vec<&str> = s.channels.iter().map(|c| c.name.as_str()).collect();
                    self.err(
                        &["sla_clock_by_channel", &q],
                        "targets.sla_clock_by_channel",
                        format!(
                            "unknown channel `{ch}`; known channels: {}",
                            known.join(", ")
                        ),
                    )
                })?;
            channel_clock[i] = clock(
                &["sla_clock_by_channel", &q],
                "targets.sla_clock_by_channel",
                &Some(n.clone()),
            )?;
        }
        Ok(CaseRules {
            clocks,
            sla,
            channel_clock,
            priority_by_type: self.priority_by_type(types)?,
            pause: self.pauses(types)?,
            reopen: self.reopens(types)?,
        })
    }

    /// Checks that every key names an incident type (or `"*"` where `star`).
    fn known_types<'k>(
        &self,
        anchors: &[&str],
        field: &str,
        keys: impl Iterator<Item = &'k String>,
        types: &[String],
        star: bool,
    ) -> Result<(), InputError> {
        for k in keys {
            if !(types.contains(k) || star && k == "*") {
                let kq = format!("\"{k}\"");
                let at: Vec<&str> = anchors.iter().copied().chain([kq.as_str()]).collect();
                let other = if star {
                    " (or \"*\" for any other)"
                } else {
                    ""
                };
                return Err(self.err(
                    &at,
                    field,
                    format!(
                        "unknown incident type `{k}`; known types: {}{other}",
                        types.join(", ")
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The index of the business calendar called `n`.
    fn clock_ref(
        &self,
        anchors: &[&str],
        field: &str,
        n: &str,
        names: &[&str],
    ) -> Result<u8, InputError> {
        names
            .iter()
            .position(|c| *c == n)
            .map(|i| i as u8)
            .ok_or_else(|| {
                let known = if names.is_empty() {
                    "none is defined (add `business_hours: [(name: ..., hours: [...])]`)"
                        .to_string()
                } else {
                    names.join(", ")
                };
                let nq = format!("\"{n}\"");
                let at: Vec<&str> = anchors.iter().copied().chain([nq.as_str()]).collect();
                self.err(
                    &at,
                    field,
                    format!("unknown business calendar `{n}`; known calendars: {known}"),
                )
            })
    }

    fn clocks(&self) -> Result<Vec<BusinessClock>, InputError> {
        let list = &self.s.business_hours;
        if list.is_empty() {
            return Ok(Vec::new());
        }
        self.bounded(
            &["business_hours"],
            "business_hours",
            &bounds::BUSINESS_CALENDARS,
            list.len() as f64,
        )?;
        self.unique("business_hours", list.iter().map(|b| b.name.as_str()))?;
        list.iter()
            .enumerate()
            .map(|(i, b)| self.clock(i, b))
            .collect()
    }

    fn clock(&self, i: usize, b: &BusinessHours) -> Result<BusinessClock, InputError> {
        let q = format!("\"{}\"", b.name);
        let base = format!("business_hours[{i}] {q}");
        self.name(&format!("{base}.name"), &["business_hours", &q], &b.name)?;
        let mut hours: [Vec<(f64, f64)>; 7] = Default::default();
        for d in &b.hours {
            let (from, to) = (d.from.secs(), d.to.secs());
            if from >= to || d.days.is_empty() {
                return Err(self.err(
                    &["business_hours", &q, "hours"],
                    format!("{base}.hours"),
                    "each entry needs some days and `from` before `to` (\"24:00\" ends at midnight)",
                ));
            }
            for &w in &d.days {
                hours[w as usize].push((from, to));
            }
        }
        for day in &mut hours {
            day.sort_by(|a, b| a.0.total_cmp(&b.0));
            // Overlapping entries count once.
            let mut merged: Vec<(f64, f64)> = Vec::with_capacity(day.len());
            for &(a, b) in day.iter() {
                match merged.last_mut() {
                    Some(last) if a <= last.1 => last.1 = last.1.max(b),
                    _ => merged.push((a, b)),
                }
            }
            *day = merged;
        }
        if hours.iter().all(Vec::is_empty) {
            return Err(self.err(
                &["business_hours", &q],
                format!("{base}.hours"),
                "a business calendar needs some hours, or its SLA clock would never run",
            ));
        }
        for &h in &b.holidays {
            self.bounded(
                &["business_hours", &q, "holidays"],
                format!("{base}.holidays"),
                &bounds::HOLIDAY,
                f64::from(h),
            )?;
        }
        let run_days = (self.horizon() / DAY).ceil() as u32;
        if let Some(h) = b.holidays.iter().find(|&&h| h >= run_days) {
            self.warnings.borrow_mut().push(format!(
                "{base}: holiday {h} is after the run's last day ({}); it has no effect",
                run_days.saturating_sub(1)
            ));
        }
        Ok(BusinessClock::new(
            b.name.clone(),
            hours,
            b.holidays.clone(),
            self.s.calendar.start as usize,
        ))
    }

    fn priority_by_type(&self, types: &[String]) -> Result<Vec<Option<Categorical>>, InputError> {
        let map = &self.s.priorities_by_type;
        self.known_types(
            &["priorities_by_type"],
            "priorities_by_type",
            map.keys(),
            types,
            false,
        )?;
        types
            .iter()
            .map(|ty| {
                map.get(ty)
                    .map(|mix| {
                        let q = format!("\"{ty}\"");
                        self.priorities(
                            &["priorities_by_type", &q],
                            "priorities_by_type",
                            &Some(mix.clone()),
                        )
                    })
                    .transpose()
            })
            .collect()
    }

    fn pauses(&self, types: &[String]) -> Result<Vec<Option<PauseModel>>, InputError> {
        let map = &self.s.waiting_on_customer;
        let field = "waiting_on_customer";
        self.known_types(&[field], field, map.keys(), types, true)?;
        types
            .iter()
            .map(|ty| {
                let Some((k, p)) = by_type(map, ty) else {
                    return Ok(None);
                };
                let q = format!("\"{k}\"");
                Ok(Some(PauseModel {
                    prob: self.prob(&[field, &q, "prob"], &format!("{field}.{k}.prob"), p.prob)?,
                    delay: self.sampler(
                        &[field, &q, "delay"],
                        &format!("{field}.{k}.delay"),
                        &p.delay,
                    )?,
                }))
            })
            .collect()
    }

    fn reopens(&self, types: &[String]) -> Result<Vec<Vec<Option<ReopenModel>>>, InputError> {
        let s = self.s;
        s.teams
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let tq = format!("\"{}\"", t.name);
                let base = format!("teams[{i}] {tq}.reopen");
                self.known_types(&[&tq, "reopen"], &base, t.reopen.keys(), types, true)?;
                types
                    .iter()
                    .map(|ty| {
                        let Some((k, r)) = by_type(&t.reopen, ty) else {
                            return Ok(None);
                        };
                        let q = format!("\"{k}\"");
                        let at = [tq.as_str(), "reopen", &q];
                        let prob = self.prob(&at, &base, r.prob)?;
                        self.bounded(&at, format!("{base}.{k}.prob"), &bounds::REOPEN_PROB, prob)?;
                        let channel = match &r.channel {
                            None => None,
                            Some(n) => Some(ChannelId::at(self.channel_ref(
                                &tq,
                                usize::MAX,
                                "reopen",
                                &format!("{base}.{k}.channel"),
                                Some(n),
                            )?)),
                        };
                        Ok(Some(ReopenModel {
                            prob,
                            after: self.sampler(&at, &format!("{base}.{k}.after"), &r.after)?,
                            channel,
                        }))
                    })
                    .collect()
            })
            .collect()
    }
}

/// The entry of `map` for type `ty`, or its `"*"` entry, with the key found.
fn by_type<'m, V>(map: &'m BTreeMap<String, V>, ty: &str) -> Option<(&'m str, &'m V)> {
    map.get_key_value(ty)
        .or_else(|| map.get_key_value("*"))
        .map(|(k, v)| (k.as_str(), v))
}
