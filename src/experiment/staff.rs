//! Staffing search: the smallest staffing per team (constant, or per interval of the day) that
//! meets every target at its 95% confidence bound.
//!
//! 1. A pilot run with ample staff measures the work each team really receives once routing,
//!    self-service and triage errors are accounted for: visits per hour and mean handling time.
//! 2. Erlang C on that load gives each team's starting level (divided by its availability).
//! 3. Marginal analysis adds agents where they reduce the target violations most per unit of
//!    cost (constant staffing), or where queues are longest (per interval), until every target
//!    holds at its confidence bound.
//! 4. Agents are then removed one at a time while the targets still hold; for each team the
//!    target that stops a further removal is recorded, so the answer says why it kept them.

use super::replicate::run_replications;
use super::summary::Summary;
use crate::analytic::{Target as ErlangTarget, required_servers_c};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::scenario::Dur;
use crate::stats::Estimate;

/// Which way a target bounds its KPI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    AtLeast,
    AtMost,
}

/// A service target on a KPI, e.g. `service_level_20s>=0.8`,
/// `abandon_rate@channel:phone<=0.05`, `utilisation<=0.85` (every team),
/// `resolution_p90<=4h`.
#[derive(Clone, Debug, PartialEq)]
pub struct StaffTarget {
    pub text: String,
    /// KPI name as in `kpis.csv`.
    pub kpi: String,
    /// `overall`, `channel`, `type`, `priority` or `team`.
    pub scope: String,
    /// The breakdown's name; `None` means every breakdown of that scope.
    pub name: Option<String>,
    pub op: Op,
    pub value: f64,
}

impl StaffTarget {
    /// Parses `KPI[@SCOPE[:NAME]] (>=|<=) VALUE`; VALUE is a number, a percentage (`80%`) or a
    /// duration (`20s`, `4h`) for time KPIs.
    ///
    /// ```
    /// use tiersim::experiment::{StaffTarget, Op};
    /// let t = StaffTarget::parse("abandon_rate@channel:phone<=5%").unwrap();
    /// assert_eq!((t.kpi.as_str(), t.scope.as_str(), t.name.as_deref(), t.op, t.value),
    ///            ("abandon_rate", "channel", Some("phone"), Op::AtMost, 0.05));
    /// assert_eq!(StaffTarget::parse("response_mean<=1min").unwrap().value, 60.0);
    /// ```
    pub fn parse(text: &str) -> std::result::Result<Self, String> {
        let (lhs, op, rhs) = if let Some((l, r)) = text.split_once(">=") {
            (l, Op::AtLeast, r)
        } else if let Some((l, r)) = text.split_once("<=") {
            (l, Op::AtMost, r)
        } else {
            return Err(format!(
                "target `{text}`: expected KPI>=VALUE or KPI<=VALUE, e.g. service_level_20s>=0.8"
            ));
        };
        let (kpi, scope) = match lhs.trim().split_once('@') {
            None => (lhs.trim(), None),
            Some((k, s)) => (k.trim(), Some(s.trim())),
        };
        let (scope, name) = match scope {
            None if is_team_kpi(kpi) => ("team".to_string(), None),
            None => ("overall".to_string(), None),
            Some(s) => match s.split_once(':') {
                Some((k, n)) => (k.to_string(), Some(n.to_string())),
                None => (s.to_string(), None),
            },
        };
        if !["overall", "channel", "type", "priority", "team"].contains(&scope.as_str()) {
            return Err(format!(
                "target `{text}`: scope `{scope}` must be channel, type, priority or team"
            ));
        }
        let r = rhs.trim();
        let value = if let Some(p) = r.strip_suffix('%') {
            p.trim()
                .parse::<f64>()
                .map(|v| v / 100.0)
                .map_err(|_| format!("target `{text}`: `{r}` is not a percentage"))?
        } else if let Ok(v) = r.parse::<f64>() {
            v
        } else {
            Dur::parse(r)
                .map(Dur::secs)
                .map_err(|e| format!("target `{text}`: {e}"))?
        };
        if !value.is_finite() {
            return Err(format!("target `{text}`: the value must be finite"));
        }
        Ok(StaffTarget {
            text: text.trim().to_string(),
            kpi: kpi.to_string(),
            scope,
            name,
            op,
            value,
        })
    }
}

fn is_team_kpi(kpi: &str) -> bool {
    [
        "utilisation",
        "saturation",
        "wait_",
        "queue_",
        "visits",
        "handled",
        "misrouted",
        "agents_present",
        "saturated_intervals",
    ]
    .iter()
    .any(|p| kpi.starts_with(p))
}

/// One target checked against one breakdown.
#[derive(Clone, Debug)]
pub struct Check {
    pub target: String,
    pub scope_name: String,
    pub estimate: Estimate,
    /// The confidence bound compared with the target (lower for `>=`, upper for `<=`).
    pub bound: f64,
    pub met: bool,
    /// Relative shortfall (0 when met).
    pub gap: f64,
    /// The interval of the day, for per-interval checks.
    pub slot: Option<usize>,
}

/// Checks every target on a summary. Fails if a target names no KPI of the model.
pub fn check(m: &Model, s: &Summary, targets: &[StaffTarget]) -> Result<Vec<Check>> {
    let mut out = Vec::new();
    for t in targets {
        let mut found = false;
        for (i, &(k, sc)) in s.layout.keys.iter().enumerate() {
            if k.name(m) != t.kpi
                || sc.kind() != t.scope
                || t.name.as_ref().is_some_and(|n| *n != sc.label(m))
            {
                continue;
            }
            found = true;
            let e = s.estimates[i];
            if !e.mean.is_finite() {
                continue; // Nothing to measure here (e.g. a team that received no work).
            }
            let (lo, hi) = if e.lo.is_finite() {
                (e.lo, e.hi)
            } else {
                (e.mean, e.mean)
            };
            let bound = if t.op == Op::AtLeast { lo } else { hi };
            let scale = t.value.abs().max(1e-9);
            let gap = match t.op {
                Op::AtLeast => ((t.value - bound) / scale).max(0.0),
                Op::AtMost => ((bound - t.value) / scale).max(0.0),
            };
            out.push(Check {
                target: t.text.clone(),
                scope_name: sc.label(m),
                estimate: e,
                bound,
                met: gap == 0.0,
                gap,
                slot: None,
            });
        }
        if !found {
            return Err(Error::Usage(format!(
                "target `{}`: no KPI `{}` for {}{} in this scenario (KPI names are those of kpis.csv)",
                t.text,
                t.kpi,
                t.scope,
                t.name.as_ref().map_or(String::new(), |n| format!(" `{n}`"))
            )));
        }
    }
    Ok(out)
}

/// Agents per team per interval of the day (the same every open day).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Staffing {
    pub levels: Vec<Vec<u32>>,
}

impl Staffing {
    /// The staffing a model has now: per slot of the day, the most agents any weekday has.
    pub fn of(m: &Model) -> Self {
        let spd = m.slots_per_day;
        let most = |t: &crate::model::TeamModel, x: usize| {
            (0..7).map(|d| t.agents[d * spd + x]).max().unwrap_or(0)
        };
        Staffing {
            levels: m
                .teams
                .iter()
                .map(|t| (0..spd).map(|x| most(t, x)).collect())
                .collect(),
        }
    }

    /// The model with this staffing in every open interval.
    pub fn apply(&self, m: &Model) -> Model {
        let mut out = m.clone();
        let spd = m.slots_per_day;
        for (t, team) in out.teams.iter_mut().enumerate() {
            for (w, a) in team.agents.iter_mut().enumerate() {
                *a = if m.open[w] {
                    self.levels[t][w % spd]
                } else {
                    0
                };
            }
        }
        out
    }

    /// Agent-hours per team over the simulated days (after warm-up).
    pub fn agent_hours(&self, m: &Model) -> Vec<f64> {
        let applied = self.apply(m);
        (0..m.teams.len())
            .map(|t| applied.agent_hours(t as u16))
            .collect()
    }
}

/// Options of a search.
#[derive(Clone, Debug)]
pub struct StaffOptions {
    pub replications: u64,
    pub seed: u64,
    pub per_interval: bool,
    /// Stop after this many evaluations (each is `replications` runs).
    pub max_evaluations: usize,
}

/// What a search found.
#[derive(Clone, Debug)]
pub struct StaffResult {
    pub staffing: Staffing,
    pub checks: Vec<Check>,
    pub summary: Summary,
    /// The analytic (Erlang C) starting point and how it fared.
    pub analytic: Staffing,
    pub analytic_checks: Vec<Check>,
    /// Per team: why one agent fewer is not possible.
    pub kept_because: Vec<String>,
    pub evaluations: usize,
    pub runs: u64,
    /// Set when the search stopped without meeting every target.
    pub stopped: Option<String>,
}

impl StaffResult {
    pub fn all_met(&self) -> bool {
        self.checks.iter().all(|c| c.met)
    }
}

/// Minimum contacts (pooled over days and replications) for an interval's own check to count.
const MIN_INTERVAL_CONTACTS: f64 = 50.0;

/// Per-interval checks (per-interval staffing): the headline service level must hold in every
/// open interval of the day, not only over the day. Each interval's service level is computed
/// per replication and judged, like every other target, at the 95% Student-t bound across
/// replications (contacts within a day are correlated, so they are not counted as independent
/// draws); intervals with fewer than 50 contacts in all are too thin to judge and are skipped.
pub fn interval_checks(m: &Model, s: &Summary, targets: &[StaffTarget]) -> Vec<Check> {
    let is = &s.series;
    let open = open_slots(m);
    let headline = crate::stats::Kpi::ServiceLevel(0).name(m);
    let mut out = Vec::new();
    for t in targets
        .iter()
        .filter(|t| t.kpi == headline && t.scope == "overall" && t.op == Op::AtLeast)
    {
        for (slot, e) in is.service_level_ci.iter().enumerate() {
            // Closed intervals are left out: what arrives then waits for opening by design.
            if !e.mean.is_finite()
                || is.service_level_contacts[slot] < MIN_INTERVAL_CONTACTS
                || !open.contains(&slot)
            {
                continue;
            }
            let bound = if e.lo.is_finite() { e.lo } else { e.mean };
            let gap = ((t.value - bound) / t.value.abs().max(1e-9)).max(0.0);
            out.push(Check {
                target: t.text.clone(),
                scope_name: format!("interval {}", clock(is.start[slot])),
                estimate: *e,
                bound,
                met: gap == 0.0,
                gap,
                slot: Some(slot),
            });
        }
    }
    out
}

fn clock(secs: f64) -> String {
    let m = (secs / 60.0).round() as u64;
    format!("{:02}:{:02}", m / 60, m % 60)
}

struct Searcher<'a> {
    model: &'a Model,
    targets: &'a [StaffTarget],
    opts: &'a StaffOptions,
    evaluations: usize,
    runs: u64,
}

impl Searcher<'_> {
    fn eval(&mut self, s: &Staffing, seed: u64) -> Result<(Vec<Check>, Summary)> {
        let m = s.apply(self.model);
        let (layout, reps, _) = run_replications(&m, seed, 0..self.opts.replications, false)?;
        let summary = Summary::new(&m, layout, &reps);
        self.evaluations += 1;
        self.runs += self.opts.replications;
        let mut checks = check(&m, &summary, self.targets)?;
        if self.opts.per_interval {
            checks.extend(interval_checks(&m, &summary, self.targets));
        }
        Ok((checks, summary))
    }

    fn budget_left(&self) -> bool {
        self.evaluations < self.opts.max_evaluations
    }
}

fn total_gap(c: &[Check]) -> f64 {
    c.iter().map(|x| x.gap).sum()
}

fn cost_per_agent_hour(m: &Model, t: usize) -> f64 {
    m.teams[t].cost_per_hour.unwrap_or(1.0).max(1e-9)
}

/// The first service-level target on all contacts, as (threshold seconds, share).
fn sl_target(m: &Model, targets: &[StaffTarget]) -> Option<(f64, f64)> {
    targets.iter().find_map(|t| {
        let k = t.kpi.strip_prefix("service_level_")?;
        if t.op != Op::AtLeast || t.scope != "overall" || k.starts_with("excl") {
            return None;
        }
        let secs = Dur::parse(k).ok()?.secs();
        m.thresholds.contains(&secs).then_some((secs, t.value))
    })
}

/// Erlang C starting levels from a pilot run's measured loads.
fn analytic_start(
    m: &Model,
    targets: &[StaffTarget],
    opts: &StaffOptions,
    pilot: &[super::RepResult],
) -> Staffing {
    let spd = m.slots_per_day;
    let target = match sl_target(m, targets) {
        Some((within, at_least)) => ErlangTarget::ServiceLevel { within, at_least },
        None => ErlangTarget::MaxOccupancy(0.85),
    };
    let levels = (0..m.teams.len())
        .map(|t| {
            // Series are by slot of the week; the load is per slot of the day.
            let sum = |f: &dyn Fn(&super::RepResult, usize) -> f64| -> Vec<f64> {
                (0..spd)
                    .map(|s| {
                        pilot
                            .iter()
                            .map(|r| (0..7).map(|d| f(r, d * spd + s)).sum::<f64>())
                            .sum()
                    })
                    .collect()
            };
            let visits = sum(&|r, s| r.series.wait_n[t][s]);
            let busy = sum(&|r, s| r.series.busy_area[t][s]);
            let open = sum(&|r, s| r.series.open_time[t][s]);
            let total_visits: f64 = visits.iter().sum();
            let handling = if total_visits > 0.0 {
                busy.iter().sum::<f64>() / total_visits
            } else {
                0.0
            };
            let need = |lambda: f64| -> u32 {
                if lambda <= 0.0 || handling <= 0.0 {
                    return 0;
                }
                let n = required_servers_c(lambda, handling, target)
                    .unwrap_or_else(|_| (lambda * handling).ceil() as u32 + 1);
                (f64::from(n) / m.teams[t].availability).ceil() as u32
            };
            if opts.per_interval {
                (0..spd)
                    .map(|s| {
                        if open[s] > 0.0 {
                            need(visits[s] / open[s])
                        } else {
                            0
                        }
                    })
                    .collect()
            } else {
                let total_open: f64 = open.iter().sum();
                let n = if total_open > 0.0 {
                    need(total_visits / total_open)
                } else {
                    0
                };
                vec![n; spd]
            }
        })
        .collect();
    Staffing { levels }
}

/// Open slots of the day for a team (where the model has it rostered at all).
fn open_slots(m: &Model) -> Vec<usize> {
    let spd = m.slots_per_day;
    (0..spd)
        .filter(|&s| (0..7).any(|d| m.open[d * spd + s]))
        .collect()
}

/// Slots that change together: per interval, each open slot of an entry team on its own;
/// otherwise (and for back-office teams, whose queues are backlogs) all open slots at once.
fn move_groups(m: &Model, per_interval: bool) -> Vec<Vec<Vec<usize>>> {
    let open = open_slots(m);
    let entry: Vec<bool> = (0..m.teams.len())
        .map(|t| m.channels.iter().any(|c| c.entry.contains(&(t as u16))))
        .collect();
    (0..m.teams.len())
        .map(|t| {
            if per_interval && entry[t] {
                open.iter().map(|&x| vec![x]).collect()
            } else {
                vec![open.clone()]
            }
        })
        .collect()
}

fn shifted(s: &Staffing, team: usize, slots: &[usize], up: bool) -> Staffing {
    let mut n = s.clone();
    for &x in slots {
        let v = &mut n.levels[team][x];
        *v = if up { *v + 1 } else { v.saturating_sub(1) };
    }
    n
}

impl Searcher<'_> {
    /// Adds agents, best improvement per unit of cost first, until every target holds with
    /// `seed`. Returns why it stopped short, if it did.
    fn add_until_met(
        &mut self,
        staffing: &mut Staffing,
        checks: &mut Vec<Check>,
        summary: &mut Summary,
        groups: &[Vec<Vec<usize>>],
        seed: u64,
    ) -> Result<Option<String>> {
        let m = self.model;
        while !checks.iter().all(|c| c.met) {
            if !self.budget_left() {
                return Ok(Some(format!(
                    "stopped after {} evaluations without meeting every target",
                    self.evaluations
                )));
            }
            let before = total_gap(checks);
            // Candidates: every whole-team group, and the three single intervals with the
            // longest queues per unit of cost.
            let sm = &*summary;
            let mut singles: Vec<(f64, usize, usize)> = Vec::new();
            let mut cands: Vec<(usize, Vec<usize>)> = Vec::new();
            for (t, gs) in groups.iter().enumerate() {
                for g in gs {
                    if g.len() == 1 {
                        singles.push((
                            sm.series.queue_mean[t][g[0]].max(0.0) / cost_per_agent_hour(m, t),
                            t,
                            g[0],
                        ));
                    } else {
                        cands.push((t, g.clone()));
                    }
                }
            }
            singles.sort_by(|a, b| b.0.total_cmp(&a.0));
            cands.extend(
                singles
                    .iter()
                    .filter(|x| x.0 > 0.0)
                    .take(3)
                    .map(|&(_, t, x)| (t, vec![x])),
            );
            // Intervals whose own check fails: more agents there, or just before (queues carry).
            let spd = m.slots_per_day;
            for slot in checks.iter().filter(|c| !c.met).filter_map(|c| c.slot) {
                for x in [slot, (slot + spd - 1) % spd] {
                    for &(_, t, y) in singles.iter().filter(|s| s.2 == x) {
                        if !cands.iter().any(|(ct, g)| *ct == t && g.as_slice() == [y]) {
                            cands.push((t, vec![y]));
                        }
                    }
                }
            }
            let mut best: Option<(f64, Staffing, Vec<Check>, Summary)> = None;
            for (t, g) in cands {
                if !self.budget_left() {
                    break;
                }
                let cand = shifted(staffing, t, &g, true);
                let (c, sm) = self.eval(&cand, seed)?;
                let score = (before - total_gap(&c)) / (cost_per_agent_hour(m, t) * g.len() as f64);
                if best.as_ref().is_none_or(|b| score > b.0) {
                    best = Some((score, cand, c, sm));
                }
            }
            match best {
                Some((score, cand, c, sm)) if score > 0.0 || c.iter().all(|x| x.met) => {
                    *staffing = cand;
                    *checks = c;
                    *summary = sm;
                }
                _ => {
                    let failing: Vec<String> = checks
                        .iter()
                        .filter(|c| !c.met)
                        .map(|c| format!("{} ({})", c.target, c.scope_name))
                        .collect();
                    return Ok(Some(format!(
                        "adding an agent to any team no longer helps: {} cannot be reached by staffing alone",
                        failing.join(", ")
                    )));
                }
            }
        }
        Ok(None)
    }
}

/// Finds the smallest staffing meeting every target at its confidence bound.
pub fn search(model: &Model, targets: &[StaffTarget], opts: &StaffOptions) -> Result<StaffResult> {
    if targets.is_empty() {
        return Err(Error::Usage("give at least one --target".into()));
    }
    let mut s = Searcher {
        model,
        targets,
        opts,
        evaluations: 0,
        runs: 0,
    };
    // Pilot with ample staff, so the measured load is the offered one.
    let current = Staffing::of(model);
    let ample = Staffing {
        levels: current
            .levels
            .iter()
            .map(|l| l.iter().map(|&n| n * 2 + 2).collect())
            .collect(),
    };
    let ample_model = ample.apply(model);
    let pilot_reps = opts.replications.clamp(2, 4);
    let (layout, pilot, _) = run_replications(&ample_model, opts.seed, 0..pilot_reps, false)?;
    s.runs += pilot_reps;
    // Fails early if a target names no KPI of this scenario.
    check(
        &ample_model,
        &Summary::new(&ample_model, layout, &pilot),
        targets,
    )?;
    let open = open_slots(model);
    let groups = move_groups(model, opts.per_interval);
    let mut staffing = analytic_start(model, targets, opts, &pilot);
    for (t, l) in staffing.levels.iter_mut().enumerate() {
        // Back-office teams get one level all day: the peak of their per-interval estimate.
        let whole_day = groups[t].len() == 1 && groups[t][0].len() > 1;
        let peak = open.iter().map(|&x| l[x]).max().unwrap_or(0);
        for (slot, v) in l.iter_mut().enumerate() {
            *v = if !open.contains(&slot) {
                0
            } else if whole_day {
                peak
            } else {
                *v
            };
        }
    }
    let analytic = staffing.clone();
    let (analytic_checks, mut summary) = s.eval(&analytic, opts.seed)?;
    let mut checks = analytic_checks.clone();
    let mut stopped =
        s.add_until_met(&mut staffing, &mut checks, &mut summary, &groups, opts.seed)?;
    // Remove agents while every target still holds, the most expensive teams first.
    let teams = model.teams.len();
    let mut kept_because = vec![String::new(); teams];
    if stopped.is_none() {
        let mut order: Vec<usize> = (0..teams).collect();
        order.sort_by(|&a, &b| {
            cost_per_agent_hour(model, b).total_cmp(&cost_per_agent_hour(model, a))
        });
        for &t in &order {
            for g in &groups[t] {
                loop {
                    if g.iter().any(|&x| staffing.levels[t][x] == 0) {
                        if kept_because[t].is_empty() {
                            kept_because[t] = "no agent left to remove".into();
                        }
                        break;
                    }
                    if !s.budget_left() {
                        kept_because[t] = "evaluation budget reached".into();
                        break;
                    }
                    let cand = shifted(&staffing, t, g, false);
                    let (c, _) = s.eval(&cand, opts.seed)?;
                    if c.iter().all(|x| x.met) {
                        staffing = cand;
                    } else {
                        let worst = c
                            .iter()
                            .filter(|x| !x.met)
                            .max_by(|a, b| a.gap.total_cmp(&b.gap))
                            .expect("some target fails");
                        if kept_because[t].is_empty()
                            || kept_because[t] == "no agent left to remove"
                        {
                            kept_because[t] = format!(
                                "one fewer{} breaks {} ({}): {:.4} at the confidence bound",
                                if g.len() == 1 {
                                    " in some interval"
                                } else {
                                    ""
                                },
                                worst.target,
                                worst.scope_name,
                                worst.bound
                            );
                        }
                        break;
                    }
                }
            }
        }
        // The removals stopped at the edge for this seed's replications: confirm with fresh
        // ones and add back what they need, so the answer does not rest on one sample.
        let confirm_seed = opts.seed ^ 0x5eed_5eed_5eed_5eed;
        let (mut c2, mut s2) = s.eval(&staffing, confirm_seed)?;
        stopped = s.add_until_met(&mut staffing, &mut c2, &mut s2, &groups, confirm_seed)?;
    }
    let (final_checks, summary) = s.eval(&staffing, opts.seed)?;
    Ok(StaffResult {
        staffing,
        checks: final_checks,
        summary,
        analytic,
        analytic_checks,
        kept_because,
        evaluations: s.evaluations,
        runs: s.runs,
        stopped,
    })
}

/// Checks a staffing with another seed: an independent validation of a search's answer.
pub fn validate(
    model: &Model,
    staffing: &Staffing,
    targets: &[StaffTarget],
    replications: u64,
    seed: u64,
) -> Result<(Vec<Check>, Summary)> {
    let m = staffing.apply(model);
    let (layout, reps, _) = run_replications(&m, seed, 0..replications, false)?;
    let summary = Summary::new(&m, layout, &reps);
    Ok((check(&m, &summary, targets)?, summary))
}
