//! Organisations without tiers: the scenario's `skills` block checked and expanded into what
//! the rest of the compiler already knows. Each skill becomes a team with no agents of its own
//! (a queue), served by the shared pools that name it in their `skills`. A holder of the skill
//! a type requires solves it, or fails and hands it to the holders of the skill `fails` names;
//! a contact whose skill was not recognised on arrival lands with the holders of another skill,
//! who lack it and pass it on. Only those two things make a reassignment.

use super::{ChannelModel, Model, TeamId};
use crate::error::InputError;
use crate::scenario::{Dist, Route, Scenario, Skills, Source, Team};
use std::collections::{BTreeMap, BTreeSet};

/// A scenario with its skills turned into teams, and per channel routed by skill the share
/// recognised on arrival.
pub(super) struct Expanded {
    pub scenario: Scenario,
    recognised: Vec<(usize, f64)>,
    /// Skills some incident type requires (where an unrecognised contact may land).
    entry_skills: Vec<String>,
}

/// Checks every channel names its entry (or is routed by skill), and expands `skills`, if any.
pub(super) fn expand(s: &Scenario, src: &Source) -> Result<Option<Expanded>, InputError> {
    let routed: BTreeSet<&str> = s
        .skills
        .iter()
        .flat_map(|k| k.recognised.keys().map(String::as_str))
        .collect();
    for (i, c) in s.channels.iter().enumerate() {
        let q = format!("\"{}\"", c.name);
        let field = format!("channels[{i}] {q}.entry");
        match (c.entry.is_empty(), routed.contains(c.name.as_str())) {
            (true, false) => return Err(src.error(&[&q], field, "missing: name the team that receives this channel's contacts (or list the channel in `skills.recognised` to route it by skill)")),
            (false, true) => return Err(src.error(&[&q, "entry"], field, "this channel is routed by skill (it is listed in `skills.recognised`): leave out `entry`")),
            _ => {}
        }
    }
    let Some(k) = &s.skills else { return Ok(None) };
    let x = Checked::new(s, k, src)?;
    let mut scenario = s.clone();
    for skill in &x.skills {
        scenario.teams.push(x.team(skill));
    }
    let mut recognised = Vec::new();
    for (name, &p) in &k.recognised {
        let ch = s
            .channels
            .iter()
            .position(|c| &c.name == name)
            .ok_or_else(|| {
                let known: Vec<&str> = s.channels.iter().map(|c| c.name.as_str()).collect();
                src.error(
                    &["skills", "recognised", &format!("\"{name}\"")],
                    "skills.recognised",
                    format!(
                        "unknown channel `{name}`; known channels: {}",
                        known.join(", ")
                    ),
                )
            })?;
        prob(src, &["skills", "recognised"], "skills.recognised", p)?;
        let c = &mut scenario.channels[ch];
        c.entry = x.requires[0].clone();
        c.entry_by_type = s
            .incident_types
            .iter()
            .zip(&x.requires)
            .map(|(t, r)| (t.clone(), r.clone()))
            .collect();
        recognised.push((ch, p));
    }
    let entry_skills = x.requires.iter().cloned().collect::<BTreeSet<_>>();
    Ok(Some(Expanded {
        scenario,
        recognised,
        entry_skills: entry_skills.into_iter().collect(),
    }))
}

impl Expanded {
    /// Sets, on the compiled model, where the contacts whose skill is not recognised land.
    pub(super) fn apply(&self, m: &mut Model) {
        let ids: Vec<TeamId> = self
            .entry_skills
            .iter()
            .filter_map(|s| m.team_id(s))
            .collect();
        for &(ch, p) in &self.recognised {
            let c: &mut ChannelModel = &mut m.channels[ch];
            c.misentry = (p < 1.0).then(|| (p, ids.clone()));
        }
    }
}

/// A checked `skills` block: the skill each type requires, every skill, and failures.
struct Checked<'a> {
    k: &'a Skills,
    types: &'a [String],
    /// Per incident type (in the scenario's order), the skill it requires.
    requires: Vec<String>,
    /// Every skill: required by some type or taking some skill's failures.
    skills: BTreeSet<String>,
    /// Per incident type, its handling time.
    handling: Vec<&'a Dist>,
}

fn prob(src: &Source, anchors: &[&str], field: &str, p: f64) -> Result<f64, InputError> {
    if (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err(src.error(
            anchors,
            field,
            format!("a probability must be between 0 and 1, got {p}"),
        ))
    }
}

/// Per incident type, the value `map` gives it (its own key, else `"*"`); an error names the
/// first unknown key or the first type left without a value.
fn per_type<'a, V>(
    src: &Source,
    field: &str,
    map: &'a BTreeMap<String, V>,
    types: &[String],
) -> Result<Vec<&'a V>, InputError> {
    let at = ["skills", field];
    let f = format!("skills.{field}");
    if let Some(bad) = map.keys().find(|k| *k != "*" && !types.contains(k)) {
        return Err(src.error(
            &at,
            f,
            format!(
                "unknown incident type `{bad}`; known types: {} (or \"*\" for the others)",
                types.join(", ")
            ),
        ));
    }
    types
        .iter()
        .map(|t| {
            map.get(t).or_else(|| map.get("*")).ok_or_else(|| {
                src.error(
                    &at,
                    f.clone(),
                    format!(
                        "incident type `{t}` is missing: add it, or \"*\" for every type not listed"
                    ),
                )
            })
        })
        .collect()
}

impl<'a> Checked<'a> {
    fn new(s: &'a Scenario, k: &'a Skills, src: &Source) -> Result<Self, InputError> {
        let types = &s.incident_types;
        let requires: Vec<String> = per_type(src, "requires", &k.requires, types)?
            .into_iter()
            .cloned()
            .collect();
        let handling = per_type(src, "handling", &k.handling, types)?;
        for d in handling.iter().copied().chain(&k.redirect) {
            super::Sampler::new(d)
                .map_err(|m| src.error(&["skills", "handling"], "skills.handling", m))?;
        }
        let mut skills: BTreeSet<String> = requires.iter().cloned().collect();
        for (from, f) in &k.fails {
            let at = ["skills", "fails", &format!("\"{from}\"")];
            prob(src, &at, &format!("skills.fails[\"{from}\"].prob"), f.prob)?;
            skills.insert(from.clone());
            skills.insert(f.to.clone());
        }
        for sk in &skills {
            let q = format!("\"{sk}\"");
            if s.teams.iter().any(|t| &t.name == sk) {
                return Err(src.error(
                    &["skills", &q],
                    "skills",
                    format!("skill `{sk}` has the name of a team: a skill becomes a queue of its own, give it another name"),
                ));
            }
            if sk.is_empty() || sk.chars().any(char::is_control) {
                return Err(src.error(
                    &["skills"],
                    "skills",
                    format!("`{}` cannot name a skill", sk.escape_debug()),
                ));
            }
            if !s.pools.iter().any(|p| p.skills.contains_key(sk)) {
                return Err(src.error(
                    &["skills", &q],
                    "skills",
                    format!("skill `{sk}` is held by no pool: name it in some pool's `skills`, e.g. `skills: {{{q}: (rank: 1)}}`"),
                ));
            }
        }
        Ok(Checked {
            k,
            types,
            requires,
            skills,
            handling,
        })
    }

    /// Whether holders of `skill` solve (or try to solve) incidents of type `t`: it is the
    /// skill the type requires, or one its failures are handed on to.
    fn holds(&self, skill: &str, t: usize) -> bool {
        let mut at = self.requires[t].as_str();
        let mut seen = BTreeSet::new();
        while seen.insert(at) {
            if at == skill {
                return true;
            }
            match self.k.fails.get(at) {
                Some(f) => at = &f.to,
                None => break,
            }
        }
        false
    }

    /// The team (a queue with no agents of its own) that skill `skill` compiles to.
    fn team(&self, skill: &str) -> Team {
        let mut handling = BTreeMap::new();
        let mut routes = BTreeMap::new();
        for (t, ty) in self.types.iter().enumerate() {
            let (d, route) = if self.holds(skill, t) {
                let mut r = Route {
                    resolve: 1.0,
                    ..Route::default()
                };
                if let Some(f) = self.k.fails.get(skill).filter(|f| f.prob > 0.0) {
                    r.resolve = 1.0 - f.prob;
                    r.pass.insert(f.to.clone(), f.prob);
                }
                (self.handling[t], r)
            } else {
                let r = Route {
                    pass: [(self.requires[t].clone(), 1.0)].into(),
                    ..Route::default()
                };
                (self.k.redirect.as_ref().unwrap_or(self.handling[t]), r)
            };
            handling.insert(ty.clone(), d.clone());
            routes.insert(ty.clone(), route);
        }
        Team {
            name: skill.to_string(),
            agents: 0,
            schedule: Vec::new(),
            schedule_by_day: Vec::new(),
            availability: 1.0,
            duty_cycle: None,
            handling,
            discipline: self.k.discipline,
            routes,
            triage: None,
            cost_per_hour: None,
            cost_per_contact: None,
            shifts: Vec::new(),
            temporary: Vec::new(),
            reopen: Default::default(),
            wrap_up: Default::default(),
            blend: None,
            escalate: None,
            concurrency: Default::default(),
        }
    }
}
