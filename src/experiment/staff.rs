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
//! 5. Fresh replications re-judge the answer, and agents are added back where a check misses.
//!
//! An independent validation ([`independent_check`]) then fails the answer only where fresh
//! data show a check significantly violated, Bonferroni-corrected over the checks
//! ([`Validation::judge`]).

use super::replicate::Layout;
use super::replicate::run_replications;
use super::summary::Summary;
use crate::analytic::{Target as ErlangTarget, required_servers_c};
use crate::error::{Error, Result};
use crate::model::{Model, PoolId, TeamId};
use crate::scenario::Dur;
use crate::stats::{Estimate, Kpi, Scope, Unit};
use statrs::distribution::{ContinuousCDF, StudentsT};

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
    /// KPI name as in `kpis.csv` (looked up in the typed KPI table, [`Kpi::parse`]).
    pub kpi: String,
    /// `overall`, `channel`, `type`, `priority` or `team`; `None`: overall where the KPI has
    /// an overall value, else every team.
    pub scope: Option<String>,
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
    /// assert_eq!((t.kpi.as_str(), t.scope.as_deref(), t.name.as_deref(), t.op, t.value),
    ///            ("abandon_rate", Some("channel"), Some("phone"), Op::AtMost, 0.05));
    /// assert_eq!(StaffTarget::parse("response_mean<=1min").unwrap().value, 60.0);
    /// assert_eq!(StaffTarget::parse("queue_time_per_incident_mean<=1h").unwrap().scope, None);
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
            None => (None, None),
            Some(s) => match s.split_once(':') {
                Some((k, n)) => (Some(k.to_string()), Some(n.to_string())),
                None => (Some(s.to_string()), None),
            },
        };
        if let Some(scope) = &scope
            && !["overall", "channel", "type", "priority", "team"].contains(&scope.as_str())
        {
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

    /// The KPI this target names, from the typed KPI table.
    fn resolve(&self, m: &Model) -> Result<Kpi> {
        Kpi::parse(&self.kpi, m).ok_or_else(|| {
            Error::Usage(format!(
                "target `{}`: no KPI `{}` in this scenario (KPI names are those of kpis.csv)",
                self.text, self.kpi
            ))
        })
    }

    /// The breakdown kind it applies to: as written, else overall where the KPI has an
    /// overall value, else every team.
    fn scope_kind(&self, kpi: Kpi, layout: &Layout) -> String {
        match &self.scope {
            Some(s) => s.clone(),
            None if layout.index(kpi, Scope::Overall).is_some() => "overall".into(),
            None => "team".into(),
        }
    }
}

/// One target checked against one breakdown.
#[derive(Clone, Debug)]
pub struct Check {
    pub target: String,
    pub scope_name: String,
    /// Unit of the KPI checked.
    pub unit: Unit,
    pub estimate: Estimate,
    /// The confidence bound compared with the target (lower for `>=`, upper for `<=`).
    pub bound: f64,
    pub met: bool,
    /// Relative shortfall (0 when met).
    pub gap: f64,
    /// The interval of the day, for per-interval checks.
    pub slot: Option<usize>,
    /// Which way the target bounds the KPI, and the target's value.
    pub op: Op,
    pub value: f64,
}

/// What is checked: a target's text, the breakdown, the KPI's unit, the estimate, the
/// direction and value, and the interval of the day (per-interval checks).
struct Judged<'a> {
    target: &'a str,
    scope_name: String,
    unit: Unit,
    e: Estimate,
    op: Op,
    value: f64,
    slot: Option<usize>,
}

/// Judges an estimate against its target at its 95% bound (lower for `>=`, upper for `<=`).
fn judge(j: Judged) -> Check {
    let e = j.e;
    let (lo, hi) = if e.lo.is_finite() {
        (e.lo, e.hi)
    } else {
        (e.mean, e.mean)
    };
    let bound = if j.op == Op::AtLeast { lo } else { hi };
    verdict(j, bound)
}

/// Judges a target on a given bound.
fn verdict(j: Judged, bound: f64) -> Check {
    let Judged {
        target,
        scope_name,
        unit,
        e,
        op,
        value,
        slot,
    } = j;
    let scale = value.abs().max(1e-9);
    let gap = match op {
        Op::AtLeast => ((value - bound) / scale).max(0.0),
        Op::AtMost => ((bound - value) / scale).max(0.0),
    };
    Check {
        target: target.to_string(),
        scope_name,
        unit,
        estimate: e,
        bound,
        met: gap == 0.0,
        gap,
        slot,
        op,
        value,
    }
}

/// Largest mean daily backlog growth, as a share of the work a team receives a day (and one
/// contact a day at least), that still counts as no backlog.
pub const BACKLOG_TOLERANCE: f64 = 0.02;

/// Checks every target on a summary, plus what every staffing must do whatever the targets:
/// every team that receives work handles some, and its backlog does not grow (mean daily
/// growth of its queue, midnight to midnight, at most [`BACKLOG_TOLERANCE`] of the contacts
/// it receives a day, or one contact a day if more). Fails if a target names no KPI of
/// the model.
pub fn check(m: &Model, s: &Summary, targets: &[StaffTarget]) -> Result<Vec<Check>> {
    let mut out = Vec::new();
    for t in targets {
        let kpi = t.resolve(m)?;
        let kind = t.scope_kind(kpi, &s.layout);
        let mut found = false;
        for (i, &(k, sc)) in s.layout.keys.iter().enumerate() {
            if k != kpi || sc.kind() != kind || t.name.as_ref().is_some_and(|n| *n != sc.label(m)) {
                continue;
            }
            found = true;
            let e = s.estimates[i];
            if !e.mean.is_finite() {
                continue; // Nothing to measure here (e.g. a team that received no work).
            }
            out.push(judge(Judged {
                target: &t.text,
                scope_name: sc.label(m),
                unit: kpi.unit(),
                e,
                op: t.op,
                value: t.value,
                slot: None,
            }));
        }
        if !found {
            return Err(Error::Usage(format!(
                "target `{}`: no KPI `{}` for {kind}{} in this scenario (KPI names are those of kpis.csv)",
                t.text,
                t.kpi,
                t.name.as_ref().map_or(String::new(), |n| format!(" `{n}`"))
            )));
        }
    }
    out.extend(work_checks(m, s));
    Ok(out)
}

/// The checks no staffing may fail: a team that receives work handles some and builds no
/// backlog.
pub fn work_checks(m: &Model, s: &Summary) -> Vec<Check> {
    let days = (m.horizon - m.warmup) / 86_400.0;
    let mut out = Vec::new();
    for t in 0..m.teams.len() {
        let sc = Scope::Team(t as u16);
        let get = |k: Kpi| s.get(k, sc);
        let Some(entered) = get(Kpi::Entered) else {
            continue;
        };
        if entered.mean.is_nan() || entered.mean <= 0.0 {
            continue;
        }
        let name = m.teams[t].name.clone();
        if let Some(h) = get(Kpi::Handled) {
            // Met when any replication handled something (the mean is then positive).
            out.push(verdict(
                Judged {
                    target: "handled>0 (a team that receives work must handle it)",
                    scope_name: name.clone(),
                    unit: Unit::Count,
                    e: h,
                    op: Op::AtLeast,
                    value: f64::MIN_POSITIVE,
                    slot: None,
                },
                h.mean,
            ));
        }
        if let Some(g) = get(Kpi::BacklogGrowthPerDay)
            && g.mean.is_finite()
        {
            let allowed = (BACKLOG_TOLERANCE * entered.mean / days).max(1.0);
            let text = format!(
                "backlog_growth_per_day<={allowed:.1} (no growing backlog: {:.0}% of a day's work, 1 at least)",
                BACKLOG_TOLERANCE * 100.0
            );
            // Judged at the mean: a team loaded to capacity or beyond grows on average, while
            // a stable one's daily growth averages out to nothing.
            out.push(verdict(
                Judged {
                    target: &text,
                    scope_name: name,
                    unit: Unit::Count,
                    e: g,
                    op: Op::AtMost,
                    value: allowed,
                    slot: None,
                },
                g.mean,
            ));
        }
    }
    out
}

/// Agents per pool per interval of the day (the same every open day): the teams' own pools
/// first, then the shared pools ([`Model::pool_name`] names them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Staffing {
    pub levels: Vec<Vec<u32>>,
}

impl Staffing {
    /// The staffing a model has now: per slot of the day, the most agents any weekday has.
    pub fn of(m: &Model) -> Self {
        let spd = m.slots_per_day;
        let most =
            |agents: &[u32], x: usize| (0..7).map(|d| agents[d * spd + x]).max().unwrap_or(0);
        Staffing {
            levels: (0..m.n_pools())
                .map(|p| {
                    let agents = m.staffing(PoolId::at(p)).agents;
                    (0..spd).map(|x| most(agents, x)).collect()
                })
                .collect(),
        }
    }

    /// The model with this staffing in every open interval.
    pub fn apply(&self, m: &Model) -> Model {
        let mut out = m.clone();
        let spd = m.slots_per_day;
        let teams = out.teams.iter_mut().map(|t| &mut t.agents);
        let pools = out.shared_pools.iter_mut().map(|p| &mut p.agents);
        for (p, agents) in teams.chain(pools).enumerate() {
            for (w, a) in agents.iter_mut().enumerate() {
                *a = if m.open[w] {
                    self.levels[p][w % spd]
                } else {
                    0
                };
            }
        }
        out
    }

    /// Agent-hours per pool over the simulated days (after warm-up).
    pub fn agent_hours(&self, m: &Model) -> Vec<f64> {
        let applied = self.apply(m);
        (0..m.n_pools())
            .map(|p| applied.rostered_hours(PoolId::at(p)))
            .collect()
    }
}

/// Whether pool `p` is left as it is: a team's own pool with no agents at all whose queue
/// shared pools serve (a skill's queue, or a team staffed only through pools).
fn fixed(m: &Model, p: usize) -> bool {
    p < m.teams.len() && m.servers[p].len() > 1 && m.teams[p].agents.iter().all(|&a| a == 0)
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
    /// Per interval: the constant answer for the same checks, which the answer never costs
    /// more than.
    pub constant: Option<Staffing>,
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
    let mut out = Vec::new();
    for t in targets.iter().filter(|t| {
        Kpi::parse(&t.kpi, m) == Some(Kpi::ServiceLevel(0))
            && t.scope.as_deref().is_none_or(|s| s == "overall")
            && t.op == Op::AtLeast
    }) {
        for (slot, e) in is.service_level_ci.iter().enumerate() {
            // Closed intervals are left out: what arrives then waits for opening by design.
            if !e.mean.is_finite()
                || is.service_level_contacts[slot] < MIN_INTERVAL_CONTACTS
                || !open.contains(&slot)
            {
                continue;
            }
            out.push(judge(Judged {
                target: &t.text,
                scope_name: format!("interval {}", clock(is.start[slot])),
                unit: Unit::Ratio,
                e: *e,
                op: t.op,
                value: t.value,
                slot: Some(slot),
            }));
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

/// A pool's cost of one agent-hour (1 where unset).
fn cost_per_agent_hour(m: &Model, p: usize) -> f64 {
    match m.teams.get(p) {
        Some(t) => t.cost_per_hour,
        None => m.shared_pools[p - m.teams.len()].cost_per_hour,
    }
    .unwrap_or(1.0)
    .max(1e-9)
}

/// The first service-level target on all contacts, as (threshold seconds, share).
fn sl_target(m: &Model, targets: &[StaffTarget]) -> Option<(f64, f64)> {
    targets.iter().find_map(|t| match Kpi::parse(&t.kpi, m)? {
        Kpi::ServiceLevel(k)
            if t.op == Op::AtLeast && t.scope.as_deref().is_none_or(|s| s == "overall") =>
        {
            Some((m.thresholds[k as usize], t.value))
        }
        _ => None,
    })
}

/// Erlang C starting levels (one level all day) from a pilot run's measured loads, per team;
/// shared pools start where the scenario has them, and fixed pools stay empty.
fn analytic_start(m: &Model, targets: &[StaffTarget], pilot: &[super::RepResult]) -> Staffing {
    let spd = m.slots_per_day;
    let target = match sl_target(m, targets) {
        Some((within, at_least)) => ErlangTarget::ServiceLevel { within, at_least },
        None => ErlangTarget::MaxOccupancy(0.85),
    };
    let current = Staffing::of(m);
    let levels = (0..m.teams.len())
        .map(|t| {
            if fixed(m, t) {
                return vec![0; spd];
            }
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
            let total_open: f64 = open.iter().sum();
            let n = if total_open > 0.0 {
                need(total_visits / total_open)
            } else {
                0
            };
            vec![n; spd]
        })
        .chain(current.levels[m.teams.len()..].iter().map(|l| {
            let most = l.iter().copied().max().unwrap_or(0);
            vec![most; spd]
        }))
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

/// Slots that change together, per pool: per interval, each open slot of an entry team on its
/// own; otherwise (and for back-office teams, whose queues are backlogs, and shared pools) all
/// open slots at once; none for a fixed pool.
fn move_groups(m: &Model, per_interval: bool) -> Vec<Vec<Vec<usize>>> {
    let open = open_slots(m);
    let entry: Vec<bool> = (0..m.n_pools())
        .map(|t| t < m.teams.len() && m.channels.iter().any(|c| c.entry.contains(&TeamId::at(t))))
        .collect();
    (0..m.n_pools())
        .map(|t| {
            if fixed(m, t) {
                Vec::new()
            } else if per_interval && entry[t] {
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

/// The fewest replications a search accepts, and why: every target is judged at a Student-t
/// bound across replications (2 at least), and per-interval checks judge each interval's
/// service level per replication (5 at least, or the bounds are too wide to ever hold).
pub fn min_replications(per_interval: bool) -> (u64, &'static str) {
    if per_interval {
        (
            5,
            "each interval's service level is judged at its 95% bound across replications",
        )
    } else {
        (
            2,
            "targets are judged at 95% confidence bounds across replications",
        )
    }
}

/// Cost of a staffing over the simulated days (agent-hours weighted by `cost_per_hour`, 1 where
/// unset).
pub fn staffing_cost(m: &Model, s: &Staffing) -> f64 {
    s.agent_hours(m)
        .iter()
        .enumerate()
        .map(|(t, h)| h * cost_per_agent_hour(m, t))
        .sum()
}

/// Where a stage of the search ended.
struct Stage {
    staffing: Staffing,
    kept_because: Vec<String>,
    stopped: Option<String>,
}

impl Searcher<'_> {
    /// From `start`: adds agents until every check holds, removes them (most expensive teams
    /// first, group by group) while every check still holds, and confirms with fresh
    /// replications, adding back what they need.
    fn stage(&mut self, start: Staffing, groups: &[Vec<Vec<usize>>]) -> Result<Stage> {
        let model = self.model;
        let seed = self.opts.seed;
        let mut staffing = start;
        let (mut checks, mut summary) = self.eval(&staffing, seed)?;
        let mut stopped =
            self.add_until_met(&mut staffing, &mut checks, &mut summary, groups, seed)?;
        let teams = model.n_pools();
        let mut kept_because = vec![String::new(); teams];
        if stopped.is_some() {
            return Ok(Stage {
                staffing,
                kept_because,
                stopped,
            });
        }
        let mut order: Vec<usize> = (0..teams).collect();
        order.sort_by(|&a, &b| {
            cost_per_agent_hour(model, b).total_cmp(&cost_per_agent_hour(model, a))
        });
        for &t in &order {
            for g in &groups[t] {
                self.remove_while_met(&mut staffing, t, g, &mut kept_because[t])?;
            }
        }
        // The removals stopped at the edge for this seed's replications: confirm with fresh
        // ones and add back what they need, so the answer does not rest on one sample.
        let confirm_seed = seed ^ 0x5eed_5eed_5eed_5eed;
        let (mut c2, mut s2) = self.eval(&staffing, confirm_seed)?;
        stopped = self.add_until_met(&mut staffing, &mut c2, &mut s2, groups, confirm_seed)?;
        Ok(Stage {
            staffing,
            kept_because,
            stopped,
        })
    }

    /// Removes one agent at a time from team `t` in slots `g` while every check holds; records
    /// in `why` the check one fewer would break.
    fn remove_while_met(
        &mut self,
        staffing: &mut Staffing,
        t: usize,
        g: &[usize],
        why: &mut String,
    ) -> Result<()> {
        loop {
            if g.iter().any(|&x| staffing.levels[t][x] == 0) {
                if why.is_empty() {
                    *why = "no agent left to remove".into();
                }
                return Ok(());
            }
            if !self.budget_left() {
                *why = "evaluation budget reached".into();
                return Ok(());
            }
            let cand = shifted(staffing, t, g, false);
            let (c, _) = self.eval(&cand, self.opts.seed)?;
            if c.iter().all(|x| x.met) {
                *staffing = cand;
                continue;
            }
            let worst = c
                .iter()
                .filter(|x| !x.met)
                .max_by(|a, b| a.gap.total_cmp(&b.gap))
                .expect("some target fails");
            if why.is_empty() || why == "no agent left to remove" {
                *why = format!(
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
            return Ok(());
        }
    }
}

/// Finds the smallest staffing meeting every target at its confidence bound, with no team
/// that receives work left without handling it or building a backlog ([`work_checks`]).
///
/// Per interval, the constant answer (judged on the same checks, the per-interval ones
/// included) comes first; agents are then removed interval by interval from it. The answer
/// never costs more than the constant one: if confirming it would, the constant one is kept.
pub fn search(model: &Model, targets: &[StaffTarget], opts: &StaffOptions) -> Result<StaffResult> {
    if targets.is_empty() {
        return Err(Error::Usage("give at least one --target".into()));
    }
    let (min, why) = min_replications(opts.per_interval);
    if opts.replications < min {
        return Err(Error::Usage(format!(
            "{} replications are too few for these targets: at least {min} are needed ({why})",
            opts.replications
        )));
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
            .enumerate()
            .map(|(p, l)| {
                let extra = if fixed(model, p) { 0 } else { 2 };
                l.iter().map(|&n| n * 2 + extra).collect()
            })
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
    let mut analytic = analytic_start(model, targets, &pilot);
    for l in analytic.levels.iter_mut() {
        for (slot, v) in l.iter_mut().enumerate() {
            if !open.contains(&slot) {
                *v = 0;
            }
        }
    }
    let (analytic_checks, _) = s.eval(&analytic, opts.seed)?;
    let whole_day = move_groups(model, false);
    let constant = s.stage(analytic.clone(), &whole_day)?;
    let mut result = constant.staffing.clone();
    let mut kept_because = constant.kept_because.clone();
    let mut stopped = constant.stopped.clone();
    let mut constant_answer = None;
    if opts.per_interval && stopped.is_none() {
        let refined = s.stage(constant.staffing.clone(), &move_groups(model, true))?;
        let (c_cost, r_cost) = (
            staffing_cost(model, &constant.staffing),
            staffing_cost(model, &refined.staffing),
        );
        if refined.stopped.is_none() && r_cost <= c_cost {
            result = refined.staffing;
            kept_because = refined.kept_because;
        }
        constant_answer = Some(constant.staffing);
    }
    if opts.per_interval && constant_answer.is_none() {
        stopped = stopped.map(|w| format!("constant stage: {w}"));
    }
    // The answer is judged, for the report, on the search's own seed.
    let (final_checks, summary) = s.eval(&result, opts.seed)?;
    Ok(StaffResult {
        staffing: result,
        checks: final_checks,
        summary,
        analytic,
        analytic_checks,
        kept_because,
        evaluations: s.evaluations,
        runs: s.runs,
        stopped,
        constant: constant_answer,
    })
}

/// Family-wise error rate of the independent validation: the chance that it fails a staffing
/// whose every KPI truly meets its target (Bonferroni over the number of checks).
pub const VALIDATION_ALPHA: f64 = 0.05;

/// One check of an independent validation, judged for a significant violation.
#[derive(Clone, Debug)]
pub struct Verdict {
    pub check: Check,
    /// The one-sided bound on the other side (upper for `>=`, lower for `<=`), at confidence
    /// `1 - VALIDATION_ALPHA / checks`.
    pub opposite: f64,
    /// The fresh data show the target missed: even the opposite bound is on the wrong side.
    pub violated: bool,
}

/// An independent validation: every check with its verdict.
#[derive(Clone, Debug)]
pub struct Validation {
    pub seed: u64,
    pub verdicts: Vec<Verdict>,
    /// One-sided confidence of each check's opposite bound (`1 - VALIDATION_ALPHA / checks`).
    pub confidence: f64,
}

impl Validation {
    /// Judges fresh checks: a check is violated when its one-sided bound on the other side of
    /// the target, at confidence `1 - VALIDATION_ALPHA / k` for `k` checks (Student-t across
    /// replications), still misses the target; with fewer than 2 replications, the mean does.
    /// If every KPI truly meets its target, some check is declared violated with probability
    /// at most `VALIDATION_ALPHA`.
    pub fn judge(checks: Vec<Check>, seed: u64) -> Self {
        let per_check = VALIDATION_ALPHA / checks.len().max(1) as f64;
        let verdicts = checks
            .into_iter()
            .map(|c| {
                let e = c.estimate;
                let margin = if e.n >= 2 && e.sd.is_finite() {
                    let q = StudentsT::new(0.0, 1.0, (e.n - 1) as f64)
                        .map_or(f64::NAN, |t| t.inverse_cdf(1.0 - per_check));
                    q * e.sd / (e.n as f64).sqrt()
                } else {
                    0.0
                };
                let (opposite, violated) = match c.op {
                    Op::AtLeast => (e.mean + margin, e.mean + margin < c.value),
                    Op::AtMost => (e.mean - margin, e.mean - margin > c.value),
                };
                Verdict {
                    check: c,
                    opposite,
                    violated,
                }
            })
            .collect();
        Validation {
            seed,
            verdicts,
            confidence: 1.0 - per_check,
        }
    }

    /// The checks the fresh data show violated; the staffing fails when there is any.
    pub fn violated(&self) -> Vec<&Check> {
        self.verdicts
            .iter()
            .filter(|v| v.violated)
            .map(|v| &v.check)
            .collect()
    }
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

/// The seed of a search's independent validation: another stream than the search's own and
/// than its confirmation's.
pub fn validation_seed(search_seed: u64) -> u64 {
    search_seed.wrapping_add(1_000_003)
}

/// The independent validation of a staffing found with `opts`: fresh replications (as many as
/// the search used) with [`validation_seed`], every check the search made (the per-interval
/// ones included), each judged for a significant violation ([`Validation::judge`]).
pub fn independent_check(
    model: &Model,
    staffing: &Staffing,
    targets: &[StaffTarget],
    opts: &StaffOptions,
) -> Result<(Validation, Summary)> {
    let seed = validation_seed(opts.seed);
    let (mut checks, summary) = validate(model, staffing, targets, opts.replications, seed)?;
    if opts.per_interval {
        checks.extend(interval_checks(&staffing.apply(model), &summary, targets));
    }
    Ok((Validation::judge(checks, seed), summary))
}
