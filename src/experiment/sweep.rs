//! Parameter sweeps: a grid (or a list of explicit points) of values for fields of a scenario,
//! addressed by path (`teams.L1.agents`, `channels.phone.patience.mean`, or `demand` for a
//! multiplier on every channel's volume). Points and their replications run in parallel; each
//! point's result is handed to a callback as soon as it is done (so it can be stored at once),
//! and a shard `K/N` runs a deterministic subset of the points.

use super::replicate::run_replications;
use super::summary::Summary;
use crate::error::{Error, InputError, Result};
use crate::hash::fnv1a;
use crate::model::{Model, Overrides, compile_with};
use crate::scenario::{Scenario, Source};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Most points one sweep may have (grid and explicit points together).
pub const MAX_POINTS: usize = 100_000;

/// One swept parameter and its values.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Param {
    pub path: String,
    pub values: Vec<f64>,
}

/// A sweep as written in a sweep file (RON), `Sweep(scenario: ..., parameters: [...])`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Sweep")]
pub struct SweepFile {
    /// The scenario, relative to the sweep file.
    pub scenario: String,
    /// Parameters whose values form a grid (every combination).
    #[serde(default)]
    pub parameters: Vec<(String, Vec<f64>)>,
    /// Explicit points instead of (or after) the grid: path to value.
    #[serde(default)]
    pub points: Vec<Vec<(String, f64)>>,
    #[serde(default)]
    pub replications: Option<u64>,
    #[serde(default)]
    pub seed: Option<u64>,
    #[serde(default)]
    pub days: Option<u32>,
}

/// Parses `2..6` (integers, step 1), `0.5..0.9:0.1` (with a step), or `0.8,1,1.2`.
///
/// ```
/// use tiersim::experiment::parse_values;
/// assert_eq!(parse_values("2..4").unwrap(), vec![2.0, 3.0, 4.0]);
/// assert_eq!(parse_values("0.8,1.2").unwrap(), vec![0.8, 1.2]);
/// assert_eq!(parse_values("1..2:0.5").unwrap(), vec![1.0, 1.5, 2.0]);
/// ```
pub fn parse_values(text: &str) -> std::result::Result<Vec<f64>, String> {
    let num = |s: &str| {
        s.trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("`{s}` is not a finite number in `{text}`"))
    };
    if let Some((a, rest)) = text.split_once("..") {
        let (b, step) = match rest.split_once(':') {
            Some((b, s)) => (num(b)?, num(s)?),
            None => (num(rest)?, 1.0),
        };
        let a = num(a)?;
        if step.is_nan() || step <= 0.0 || b < a {
            return Err(format!(
                "range `{text}` needs start <= end and a positive step"
            ));
        }
        let n = ((b - a) / step + 1e-9).floor() as usize;
        if n > 100_000 {
            return Err(format!("range `{text}` has too many values"));
        }
        return Ok((0..=n)
            .map(|i| a + i as f64 * step)
            .map(|v| (v * 1e9).round() / 1e9)
            .collect());
    }
    let v: Vec<f64> = text
        .split(',')
        .map(num)
        .collect::<std::result::Result<_, _>>()?;
    if v.is_empty() {
        return Err("no values".into());
    }
    Ok(v)
}

/// A sweep ready to run: the base scenario and every point's assignments, in a fixed order.
#[derive(Clone, Debug)]
pub struct Plan {
    pub base: Scenario,
    pub source: Source,
    pub params: Vec<String>,
    pub points: Vec<Vec<(String, f64)>>,
    pub replications: u64,
    pub seed: u64,
    pub days: Option<u32>,
    /// The base scenario's demand fingerprint, which covers replayed log files.
    demand: u64,
}

impl Plan {
    /// The grid of `params` (first parameter varying slowest), then the explicit `points`.
    pub fn new(
        base: Scenario,
        source: Source,
        grid: &[Param],
        explicit: Vec<Vec<(String, f64)>>,
        replications: u64,
        seed: u64,
        days: Option<u32>,
    ) -> Result<Self> {
        if let Some(d) = days {
            crate::model::bounds::DAYS
                .check(f64::from(d))
                .map_err(|m| Error::Usage(format!("days (--days or the sweep file's): {m}")))?;
        }
        let grid_size = grid
            .iter()
            .try_fold(1usize, |n, p| n.checked_mul(p.values.len()))
            .unwrap_or(usize::MAX);
        let total = if grid.is_empty() { 0 } else { grid_size }.saturating_add(explicit.len());
        if total > MAX_POINTS {
            return Err(Error::Usage(format!(
                "the sweep has {} points, more than the {MAX_POINTS} allowed (one file and one run each): use fewer values or coarser steps",
                if total == usize::MAX {
                    "too many".to_string()
                } else {
                    total.to_string()
                }
            )));
        }
        let mut points: Vec<Vec<(String, f64)>> = if grid.is_empty() {
            Vec::new()
        } else {
            vec![Vec::new()]
        };
        for p in grid {
            points = points
                .into_iter()
                .flat_map(|pt| {
                    p.values.iter().map(move |&v| {
                        let mut q = pt.clone();
                        q.push((p.path.clone(), v));
                        q
                    })
                })
                .collect();
        }
        points.extend(explicit);
        if points.is_empty() {
            return Err(Error::Usage(
                "the sweep has no points: give parameters (--set PATH=VALUES) or points".into(),
            ));
        }
        let mut params: Vec<String> = Vec::new();
        for pt in &points {
            for (path, _) in pt {
                if !params.contains(path) {
                    params.push(path.clone());
                }
            }
        }
        let plan = Plan {
            base,
            source,
            params,
            points,
            replications,
            seed,
            days,
            demand: 0,
        };
        // Build every point once up front, so a bad path fails before any simulation.
        let mut plan = plan;
        for i in 0..plan.points.len() {
            plan.demand ^= plan
                .model(i)?
                .demand_fingerprint
                .rotate_left((i % 64) as u32);
        }
        Ok(plan)
    }

    /// A fingerprint of everything that determines the results: scenario text, arrival logs,
    /// points,
    /// replications, seed and days.
    pub fn fingerprint(&self) -> u64 {
        let desc = serde_json::to_string(&(&self.points, self.replications, self.seed, self.days))
            .unwrap_or_default();
        fnv1a(self.source.text.as_bytes())
            ^ fnv1a(desc.as_bytes()).rotate_left(29)
            ^ self.demand.rotate_left(7)
    }

    /// The compiled model of point `i`.
    pub fn model(&self, i: usize) -> Result<Model> {
        let scenario = apply(&self.base, &self.points[i]).map_err(|msg| {
            Error::Input(InputError {
                file: self.source.path.clone(),
                at: None,
                field: None,
                message: format!("sweep point {}: {msg}", describe(&self.points[i])),
            })
        })?;
        let overrides = Overrides { days: self.days };
        compile_with(&scenario, &self.source, &overrides).map_err(|mut e| {
            e.message = format!(
                "at sweep point {}: {}",
                describe(&self.points[i]),
                e.message
            );
            e.into()
        })
    }

    /// Indices of the points shard `k` of `n` runs (points `i` with `i % n == k`).
    pub fn shard(&self, k: usize, n: usize) -> Vec<usize> {
        (0..self.points.len()).filter(|i| i % n == k).collect()
    }
}

/// `teams.L1.agents=3, demand=1.2`.
pub fn describe(point: &[(String, f64)]) -> String {
    point
        .iter()
        .map(|(p, v)| format!("{p}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One finished point.
#[derive(Clone, Debug)]
pub struct PointResult {
    pub index: usize,
    pub model: Model,
    pub summary: Summary,
}

/// Runs the points `indices` of `plan`, calling `done` as each finishes (from worker threads).
/// Results do not depend on the thread count or the order points finish in.
pub fn run_points(
    plan: &Plan,
    indices: &[usize],
    done: &(dyn Fn(PointResult) -> Result<()> + Sync),
) -> Result<()> {
    indices.par_iter().try_for_each(|&i| {
        let model = plan.model(i)?;
        let (layout, reps, _) = run_replications(&model, plan.seed, 0..plan.replications, false)?;
        let summary = Summary::new(&model, layout, &reps);
        done(PointResult {
            index: i,
            model,
            summary,
        })
    })
}

/// The scenario with a point's values applied.
pub fn apply(base: &Scenario, point: &[(String, f64)]) -> std::result::Result<Scenario, String> {
    let mut v = serde_json::to_value(base).map_err(|e| e.to_string())?;
    for (path, value) in point {
        if !value.is_finite() {
            // JSON has no NaN or infinity: it would turn into `null` and silently remove an
            // optional field (such as a line limit).
            return Err(format!("`{path}`: {value} is not a finite number"));
        }
        let segs: Vec<&str> = path.split('.').collect();
        match segs.as_slice() {
            ["demand"] => scale_demand(&mut v, *value)?,
            [list @ ("teams" | "pools"), name, "add"] => add_agents(&mut v, list, name, *value)?,
            [list @ ("teams" | "pools"), name, "agents"] if has_schedule(&v, list, name) => {
                let what = if *list == "teams" { "team" } else { "pool" };
                return Err(format!(
                    "{what} `{name}` has a staffing schedule, so `agents` only covers the hours before its first change: \
                     sweep `{list}.{name}.add` (agents added to every interval) or a schedule entry `{list}.{name}.schedule.K.1`"
                ));
            }
            _ => set(&mut v, path, *value)?,
        }
    }
    serde_json::from_value(v).map_err(|e| format!("the values do not fit the scenario: {e}"))
}

fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9e15 {
        Value::from(x as i64)
    } else {
        Value::from(x)
    }
}

fn set(root: &mut Value, path: &str, x: f64) -> std::result::Result<(), String> {
    let mut cur = root;
    let segs: Vec<&str> = path.split('.').collect();
    for (k, seg) in segs.iter().enumerate() {
        let last = k + 1 == segs.len();
        cur = step(cur, seg).ok_or_else(|| format!("`{path}`: no field `{seg}` here (fields are named as in the scenario file; list items by their name)"))?;
        if last {
            // A value wrapped in an enum variant with one field (`Exponential(mean: ..)`,
            // `Poisson(per_hour: ..)`) is set through it.
            if !(cur.is_number() || cur.is_string() || cur.is_null()) {
                return Err(format!(
                    "`{path}` is not a single number; address one of its fields"
                ));
            }
            *cur = number(x);
        }
    }
    Ok(())
}

fn step<'a>(cur: &'a mut Value, seg: &str) -> Option<&'a mut Value> {
    match cur {
        Value::Array(items) => {
            if let Ok(i) = seg.parse::<usize>()
                && i < items.len()
            {
                return items.get_mut(i);
            }
            items
                .iter_mut()
                .find(|it| it.get("name").and_then(Value::as_str) == Some(seg))
        }
        Value::Object(map) => {
            if map.contains_key(seg) {
                return map.get_mut(seg);
            }
            // Externally tagged enum: `{"Daily": {...}}`.
            if map.len() == 1
                && map
                    .keys()
                    .next()
                    .is_some_and(|k| k.starts_with(|c: char| c.is_ascii_uppercase()))
            {
                return map.values_mut().next().and_then(|inner| step(inner, seg));
            }
            None
        }
        _ => None,
    }
}

/// The team or shared pool (`list` = `teams` or `pools`) called `name`.
fn staffed_mut<'a>(root: &'a mut Value, list: &str, name: &str) -> Option<&'a mut Value> {
    root.get_mut(list)?
        .as_array_mut()?
        .iter_mut()
        .find(|t| t.get("name").and_then(Value::as_str) == Some(name))
}

fn has_schedule(root: &Value, list: &str, team: &str) -> bool {
    root.get(list)
        .and_then(Value::as_array)
        .and_then(|ts| {
            ts.iter()
                .find(|t| t.get("name").and_then(Value::as_str) == Some(team))
        })
        .and_then(|t| t.get("schedule"))
        .and_then(Value::as_array)
        .is_some_and(|s| !s.is_empty())
}

/// Adds `n` agents (may be negative; never below zero) to a team's or shared pool's base
/// staffing and to every entry of its schedule and weekday schedules.
fn add_agents(root: &mut Value, list: &str, team: &str, n: f64) -> std::result::Result<(), String> {
    if n.fract() != 0.0 {
        return Err(format!("`{list}.{team}.add` takes whole agents, got {n}"));
    }
    let what = if list == "teams" { "team" } else { "pool" };
    let t = staffed_mut(root, list, team)
        .ok_or_else(|| format!("`{list}.{team}.add`: no {what} `{team}`"))?;
    let shift = |x: &Value| Value::from((x.as_i64().unwrap_or(0) + n as i64).max(0));
    t["agents"] = shift(&t["agents"]);
    if let Some(entries) = t.get_mut("schedule").and_then(Value::as_array_mut) {
        for e in entries {
            e[1] = shift(&e[1]);
        }
    }
    let base = t["agents"].clone();
    for d in t
        .get_mut("schedule_by_day")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        // An entry without `agents` inherits the team's, already shifted.
        d["agents"] = match d.get("agents").filter(|a| !a.is_null()) {
            Some(a) => shift(a),
            None => base.clone(),
        };
        for e in d
            .get_mut("schedule")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            e[1] = shift(&e[1]);
        }
    }
    Ok(())
}

fn scale_demand(root: &mut Value, factor: f64) -> std::result::Result<(), String> {
    if !(factor >= 0.0 && factor.is_finite()) {
        return Err(format!(
            "demand multiplier must be non-negative, got {factor}"
        ));
    }
    // Channels' own arrivals and incident streams alike.
    for list in ["channels", "demand"] {
        if let Some(items) = root.get_mut(list).and_then(Value::as_array_mut) {
            for c in items {
                scale_source(c, factor)?;
            }
        }
    }
    Ok(())
}

fn scale_source(c: &mut Value, factor: f64) -> std::result::Result<(), String> {
    let name = c
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("?")
        .to_string();
    let Some(arr) = c.get_mut("arrivals").and_then(Value::as_object_mut) else {
        return Ok(()); // a channel fed only by incident streams
    };
    let (kind, body) = arr.iter_mut().next().ok_or("empty arrivals")?;
    if kind == "ByDay" {
        for g in body.as_array_mut().into_iter().flatten() {
            let old = g
                .get("per_day")
                .and_then(Value::as_f64)
                .ok_or("bad arrivals")?;
            g["per_day"] = Value::from(old * factor);
        }
        return Ok(());
    }
    let field = match kind.as_str() {
        "Poisson" => "per_hour",
        "Daily" => "per_day",
        _ => {
            return Err(format!(
                "`{name}` replays a log: its volume cannot be scaled by `demand`"
            ));
        }
    };
    let old = body
        .get(field)
        .and_then(Value::as_f64)
        .ok_or("bad arrivals")?;
    body[field] = Value::from(old * factor);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> (Scenario, Source) {
        crate::scenario::load("scenarios/validation/mmc.ron".as_ref()).unwrap()
    }

    #[test]
    fn paths_reach_named_items_and_enum_fields() {
        let (s, _) = base();
        let t = apply(
            &s,
            &[
                ("teams.agents.agents".into(), 12.0),
                ("channels.phone.arrivals.per_hour".into(), 50.0),
                ("demand".into(), 2.0),
            ],
        )
        .unwrap();
        assert_eq!(t.teams[0].agents, 12);
        match &t.channels[0].arrivals {
            Some(crate::scenario::Arrivals::Poisson { per_hour }) => assert_eq!(*per_hour, 100.0),
            other => panic!("{other:?}"),
        }
        let t = apply(&s, &[("teams.agents.add".into(), -3.0)]).unwrap();
        assert_eq!(t.teams[0].agents, 7);
        let e = apply(&s, &[("teams.nobody.agents".into(), 1.0)]).unwrap_err();
        assert!(e.contains("no field `nobody`"), "{e}");
    }

    #[test]
    fn grid_varies_first_parameter_slowest_and_shards_partition_it() {
        let (s, src) = base();
        let grid = [
            Param {
                path: "teams.agents.agents".into(),
                values: vec![10.0, 11.0],
            },
            Param {
                path: "demand".into(),
                values: vec![0.9, 1.0, 1.1],
            },
        ];
        let plan = Plan::new(s, src, &grid, vec![], 2, 1, Some(1)).unwrap();
        assert_eq!(plan.points.len(), 6);
        assert_eq!(
            plan.points[1],
            vec![
                ("teams.agents.agents".to_string(), 10.0),
                ("demand".to_string(), 1.0)
            ]
        );
        let mut all: Vec<usize> = (0..3).flat_map(|k| plan.shard(k, 3)).collect();
        all.sort_unstable();
        assert_eq!(all, (0..6).collect::<Vec<_>>());
    }
}
