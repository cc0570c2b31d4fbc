//! Reports of staffing: the Erlang calculator's table, and a staffing search's result (the
//! staffing table per team and interval, targets with their confidence bounds, agent-hours,
//! cost and rostered heads, and the scenario file with the staffing found).

use super::format::{clock, duration, estimate, table};
use crate::analytic::{
    ErlangA, ErlangC, MMcK, Target, headcount, required_servers_a, required_servers_c,
};
use crate::error::{Error, Result};
use crate::experiment::{
    Check, StaffResult, Staffing, VALIDATION_ALPHA, Validation, staffing_cost,
};
use crate::model::{Model, PoolId};
use crate::scenario::{Clock, Scenario};

/// Inputs of the Erlang calculator (rates per second, times in seconds).
#[derive(Clone, Debug)]
pub struct ErlangInputs {
    pub arrival_rate: f64,
    pub mean_service: f64,
    pub mean_patience: Option<f64>,
    pub target: Target,
    /// Share of paid time not on the floor (breaks, training, absence).
    pub shrinkage: f64,
    /// Phone lines (agents plus waiting places), for the blocking probability.
    pub lines: Option<u32>,
    /// Agent counts for the optional table.
    pub table: Option<(u32, u32)>,
}

/// Appends the `blocked` column to calculator rows (their second cell is the agent count).
fn add_blocking(i: &ErlangInputs, rows: &mut [Vec<String>]) {
    if i.lines.is_none() {
        return;
    }
    for r in rows.iter_mut().filter(|r| r.len() > 2) {
        let n = r[1].parse().unwrap_or(0);
        r.push(blocking(i, n));
    }
}

/// `blocked` column: M/M/c/K blocking with K lines (agents beyond the lines cannot help).
fn blocking(i: &ErlangInputs, servers: u32) -> String {
    match i.lines {
        None => "-".into(),
        Some(k) => {
            let q = MMcK {
                arrival_rate: i.arrival_rate,
                mean_service: i.mean_service,
                servers: servers.min(k),
                capacity: k,
            };
            format!("{:.1}%", q.p_block() * 100.0)
        }
    }
}

fn describe_target(t: &Target) -> String {
    match *t {
        Target::ServiceLevel { within, at_least } => format!(
            "{:.0}% answered within {}",
            at_least * 100.0,
            duration(within)
        ),
        Target::MaxMeanWait(w) => format!("average speed of answer at most {}", duration(w)),
        Target::MaxAbandonRate(a) => format!("abandonment at most {:.1}%", a * 100.0),
        Target::MaxOccupancy(o) => format!("occupancy at most {:.0}%", o * 100.0),
    }
}

fn rostered(n: u32, shrinkage: f64) -> String {
    headcount(n, 1.0 - shrinkage).map_or("-".into(), |h| h.to_string())
}

fn row_c(q: &ErlangC, within: f64, shrinkage: f64, label: &str) -> Vec<String> {
    vec![
        label.into(),
        q.servers.to_string(),
        rostered(q.servers, shrinkage),
        format!("{:.1}%", q.service_level(within) * 100.0),
        duration(q.mean_wait()),
        format!("{:.1}%", q.p_wait() * 100.0),
        "-".into(),
        format!("{:.1}%", q.occupancy() * 100.0),
    ]
}

fn row_a(q: &ErlangA, within: f64, shrinkage: f64, label: &str) -> Vec<String> {
    vec![
        label.into(),
        q.servers.to_string(),
        rostered(q.servers, shrinkage),
        format!("{:.1}%", q.service_level(within) * 100.0),
        duration(q.mean_wait_served()),
        format!("{:.1}%", q.p_wait() * 100.0),
        format!("{:.1}%", q.p_abandon() * 100.0),
        format!("{:.1}%", q.occupancy() * 100.0),
    ]
}

/// One row of the Erlang calculator as numbers (`--format json`): times in seconds, shares
/// as ratios.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ErlangRow {
    pub model: &'static str,
    pub agents: u32,
    pub rostered: Option<u32>,
    pub service_level: f64,
    pub threshold_s: f64,
    pub asa_s: f64,
    pub p_wait: f64,
    pub abandon_rate: Option<f64>,
    pub occupancy: f64,
    pub block_rate: Option<f64>,
}

/// The Erlang calculator's figures as JSON: offered load, the required agents by Erlang C (and
/// Erlang A with a patience), and the optional table by agent count.
pub fn erlang_json(i: &ErlangInputs) -> Result<Vec<u8>> {
    let within = match i.target {
        Target::ServiceLevel { within, .. } => within,
        _ => 20.0,
    };
    let block = |n: u32| {
        i.lines.map(|k| {
            MMcK {
                arrival_rate: i.arrival_rate,
                mean_service: i.mean_service,
                servers: n.min(k),
                capacity: k,
            }
            .p_block()
        })
    };
    let c = |n: u32| {
        let q = ErlangC {
            arrival_rate: i.arrival_rate,
            mean_service: i.mean_service,
            servers: n,
        };
        ErlangRow {
            model: "erlang_c",
            agents: n,
            rostered: headcount(n, 1.0 - i.shrinkage).ok(),
            service_level: q.service_level(within),
            threshold_s: within,
            asa_s: q.mean_wait(),
            p_wait: q.p_wait(),
            abandon_rate: None,
            occupancy: q.occupancy(),
            block_rate: block(n),
        }
    };
    let a = |p: f64, n: u32| {
        let q = ErlangA {
            arrival_rate: i.arrival_rate,
            mean_service: i.mean_service,
            mean_patience: p,
            servers: n,
        };
        ErlangRow {
            model: "erlang_a",
            agents: n,
            rostered: headcount(n, 1.0 - i.shrinkage).ok(),
            service_level: q.service_level(within),
            threshold_s: within,
            asa_s: q.mean_wait_served(),
            p_wait: q.p_wait(),
            abandon_rate: Some(q.p_abandon()),
            occupancy: q.occupancy(),
            block_rate: block(n),
        }
    };
    let mut required = Vec::new();
    let mut errors = Vec::new();
    match required_servers_c(i.arrival_rate, i.mean_service, i.target) {
        Ok(n) => required.push(c(n)),
        Err(e) => errors.push(format!("Erlang C: {e}")),
    }
    if let Some(p) = i.mean_patience {
        match required_servers_a(i.arrival_rate, i.mean_service, p, i.target) {
            Ok(n) => required.push(a(p, n)),
            Err(e) => errors.push(format!("Erlang A: {e}")),
        }
    }
    let mut by_agents = Vec::new();
    if let Some((lo, hi)) = i.table {
        for n in lo..=hi {
            by_agents.push(c(n));
            if let Some(p) = i.mean_patience {
                by_agents.push(a(p, n));
            }
        }
    }
    let doc = serde_json::json!({
        "offered_load_erlangs": i.arrival_rate * i.mean_service,
        "arrivals_per_hour": i.arrival_rate * 3600.0,
        "mean_handling_s": i.mean_service,
        "target": describe_target(&i.target),
        "shrinkage": i.shrinkage,
        "workload_agents": (i.arrival_rate * i.mean_service).ceil().max(0.0),
        "required": required,
        "errors": errors,
        "by_agents": by_agents,
    });
    serde_json::to_vec_pretty(&doc).map_err(|e| Error::Usage(format!("JSON output failed: {e}")))
}

/// The Erlang calculator's report.
pub fn erlang_report(i: &ErlangInputs) -> Result<String> {
    let load = i.arrival_rate * i.mean_service;
    let within = match i.target {
        Target::ServiceLevel { within, .. } => within,
        _ => 20.0,
    };
    let mut header: Vec<String> = [
        "model",
        "agents",
        "rostered",
        &format!("SL {}", duration(within)),
        "ASA",
        "P(wait)",
        "abandon",
        "occupancy",
    ]
    .map(String::from)
    .to_vec();
    if i.lines.is_some() {
        header.push("blocked".into());
    }
    let mut out = format!(
        "Offered load: {load:.2} Erlangs ({:.1} contacts/h x {} mean handling)\nTarget: {}\nShrinkage: {:.1}% (rostered = on the floor / {:.3})\n",
        i.arrival_rate * 3600.0,
        duration(i.mean_service),
        describe_target(&i.target),
        i.shrinkage * 100.0,
        1.0 - i.shrinkage
    );
    let workload = load.ceil().max(0.0) as u32;
    out.push_str(&format!(
        "Workload only (load, no queueing): {workload} agents on the floor, {} rostered: at that occupancy waits explode.\n\n",
        rostered(workload, i.shrinkage)
    ));
    let c_row = |n: u32| {
        let q = ErlangC {
            arrival_rate: i.arrival_rate,
            mean_service: i.mean_service,
            servers: n,
        };
        row_c(&q, within, i.shrinkage, "Erlang C")
    };
    let a_row = |p: f64, n: u32| {
        let q = ErlangA {
            arrival_rate: i.arrival_rate,
            mean_service: i.mean_service,
            mean_patience: p,
            servers: n,
        };
        row_a(&q, within, i.shrinkage, "Erlang A")
    };
    let mut rows = Vec::new();
    let c = required_servers_c(i.arrival_rate, i.mean_service, i.target);
    match c {
        Ok(n) => rows.push(c_row(n)),
        Err(e) => rows.push(vec!["Erlang C".into(), format!("n/a: {e}")]),
    }
    if let Some(p) = i.mean_patience {
        match required_servers_a(i.arrival_rate, i.mean_service, p, i.target) {
            Ok(n) => rows.push(a_row(p, n)),
            Err(e) => rows.push(vec!["Erlang A".into(), format!("n/a: {e}")]),
        }
    }
    add_blocking(i, &mut rows);
    out.push_str(&table(&header, &rows));
    if let Some((lo, hi)) = i.table {
        out.push_str("\nBy number of agents on the floor:\n");
        let mut rows = Vec::new();
        for n in lo..=hi {
            rows.push(c_row(n));
            if let Some(p) = i.mean_patience {
                rows.push(a_row(p, n));
            }
        }
        add_blocking(i, &mut rows);
        out.push_str(&table(&header, &rows));
    }
    if let Some(k) = i.lines {
        out.push_str(&format!("\nblocked: share of calls finding all {k} lines busy (M/M/c/K, no abandonment); the other columns assume no line limit.\n"));
    }
    if i.mean_patience.is_some() {
        out.push_str("\nErlang A counts abandons as failures in the service level; its ASA is that of answered contacts.\n");
    }
    Ok(out)
}

fn checks_table(checks: &[Check]) -> String {
    let header: Vec<String> = ["target", "for", "estimate (95% CI)", "bound used", "met"]
        .map(String::from)
        .to_vec();
    let rows: Vec<Vec<String>> = checks
        .iter()
        .map(|c| {
            let unit = c.unit;
            vec![
                c.target.clone(),
                c.scope_name.clone(),
                estimate(&c.estimate, unit),
                super::format::value(c.bound, unit),
                if c.met { "yes".into() } else { "NO".into() },
            ]
        })
        .collect();
    table(&header, &rows)
}

fn staffing_table(m: &Model, s: &Staffing, per_interval: bool) -> String {
    let slots: Vec<usize> = (0..m.slots_per_day)
        .filter(|&x| s.levels.iter().any(|l| l[x] > 0))
        .collect();
    let mut header = vec!["team or pool".to_string()];
    if per_interval {
        header.extend(slots.iter().map(|&x| clock(x as f64 * m.interval)));
    } else {
        header.push("agents while open".into());
    }
    let rows: Vec<Vec<String>> = (0..m.n_pools())
        .map(|t| {
            let mut r = vec![m.pool_name(PoolId::at(t)).to_string()];
            if per_interval {
                r.extend(slots.iter().map(|&x| s.levels[t][x].to_string()));
            } else {
                r.push(slots.first().map_or(0, |&x| s.levels[t][x]).to_string());
            }
            r
        })
        .collect();
    table(&header, &rows)
}

/// The independent validation's table: each check's estimate, its 95% bound (as the search
/// judged it), the opposite one-sided bound at the Bonferroni confidence, and the verdict.
fn validation_table(v: &Validation) -> String {
    let header: Vec<String> = [
        "target".to_string(),
        "for".into(),
        "estimate (95% CI)".into(),
        "95% bound".into(),
        format!("other side {:.3}%", v.confidence * 100.0),
        "verdict".into(),
    ]
    .to_vec();
    let rows: Vec<Vec<String>> = v
        .verdicts
        .iter()
        .map(|x| {
            let c = &x.check;
            vec![
                c.target.clone(),
                c.scope_name.clone(),
                estimate(&c.estimate, c.unit),
                super::format::value(c.bound, c.unit),
                super::format::value(x.opposite, c.unit),
                if x.violated {
                    "VIOLATED".into()
                } else if c.met {
                    "holds".into()
                } else {
                    "too close to tell".into()
                },
            ]
        })
        .collect();
    table(&header, &rows)
}

/// The validation's headline and table.
fn validation_section(v: &Validation) -> String {
    let k = v.verdicts.len();
    let violated = v.verdicts.iter().filter(|x| x.violated).count();
    let unsure = v
        .verdicts
        .iter()
        .filter(|x| !x.violated && !x.check.met)
        .count();
    let headline = if violated > 0 {
        format!(
            "INDEPENDENT CHECK FAILED: {violated} of {k} checks significantly miss their target"
        )
    } else if unsure > 0 {
        format!(
            "no check significantly misses its target; {unsure} of {k} are too close to tell (95% bound beyond the target, opposite bound not)"
        )
    } else {
        "every target holds at its 95% bound".to_string()
    };
    format!(
        "\nIndependent validation with seed {}: {headline}\nA check fails only when even its one-sided bound on the other side of the target, at {:.3}% (Bonferroni: {:.0}% over {k} checks), misses it.\n{}",
        v.seed,
        v.confidence * 100.0,
        VALIDATION_ALPHA * 100.0,
        validation_table(v)
    )
}

/// The search's report; `validation` is an independent re-run with another seed.
pub fn staff_report(
    m: &Model,
    r: &StaffResult,
    per_interval: bool,
    shrinkage: f64,
    validation: Option<&Validation>,
) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "Staffing found for {} ({}):\n\n",
        m.name,
        if per_interval {
            "per interval of the day"
        } else {
            "constant while open"
        }
    ));
    out.push_str(&staffing_table(m, &r.staffing, per_interval));
    if let Some(c) = &r.constant {
        let days = (m.horizon - m.warmup) / 86_400.0;
        let (found, constant) = (
            staffing_cost(m, &r.staffing) / days,
            staffing_cost(m, c) / days,
        );
        out.push_str(&format!(
            "\nCost a day against the constant answer for the same checks: {found:.0} against {constant:.0} ({}){}\n",
            if (0..m.n_pools()).all(|p| pool_cost(m, p).is_some()) {
                "cost_per_hour x agent-hours"
            } else {
                "agent-hours, at cost_per_hour where set"
            },
            if r.staffing == *c {
                "; no cheaper per-interval staffing held every check, so the constant answer stands"
            } else {
                ""
            }
        ));
    }
    if let Some(why) = &r.stopped {
        out.push_str(&format!("\nWARNING: {why}\n"));
    }
    out.push_str("\nTargets (each must hold at its 95% confidence bound):\n");
    out.push_str(&checks_table(&r.checks));
    let hours = r.staffing.agent_hours(m);
    let days = (m.horizon - m.warmup) / 86_400.0;
    let header: Vec<String> = [
        "team or pool",
        "agent-hours/day",
        "rostered heads",
        "cost/day",
        "why not one fewer",
    ]
    .map(String::from)
    .to_vec();
    let mut total_h = 0.0;
    let mut total_c = 0.0;
    let rows: Vec<Vec<String>> = (0..m.n_pools())
        .map(|t| {
            let h = hours[t] / days;
            let peak = r.staffing.levels[t].iter().copied().max().unwrap_or(0);
            let cost = pool_cost(m, t).map(|c| c * h);
            total_h += h;
            total_c += cost.unwrap_or(0.0);
            vec![
                m.pool_name(PoolId::at(t)).to_string(),
                format!("{h:.1}"),
                rostered(peak, shrinkage),
                cost.map_or("-".into(), |c| format!("{c:.0}")),
                r.kept_because[t].clone(),
            ]
        })
        .collect();
    out.push('\n');
    out.push_str(&table(&header, &rows));
    out.push_str(&format!(
        "total: {total_h:.1} agent-hours a simulated day{}; rostered heads = peak agents / (1 - shrinkage {:.1}%)\n",
        if total_c > 0.0 { format!(", cost {total_c:.0} a day") } else { String::new() },
        shrinkage * 100.0
    ));
    out.push_str(&format!(
        "\nAnalytic start (Erlang C on each team's measured load), {}:\n",
        if r.analytic_checks.iter().all(|c| c.met) {
            "meets every target"
        } else {
            "misses some targets"
        }
    ));
    out.push_str(&staffing_table(m, &r.analytic, per_interval));
    let missed: Vec<String> = r
        .analytic_checks
        .iter()
        .filter(|c| !c.met)
        .map(|c| format!("{} ({}) at {:.4}", c.target, c.scope_name, c.bound))
        .collect();
    if !missed.is_empty() {
        out.push_str(&format!("missed: {}\n", missed.join("; ")));
    }
    out.push_str(&format!(
        "\nSimulation used: {} evaluations, {} replications in all.\n",
        r.evaluations, r.runs
    ));
    if let Some(v) = validation {
        out.push_str(&validation_section(v));
    }
    out
}

/// A pool's cost of one agent-hour, if set (a team's own pool costs as the team).
fn pool_cost(m: &Model, p: usize) -> Option<f64> {
    match m.teams.get(p) {
        Some(t) => t.cost_per_hour,
        None => m.shared_pools[p - m.teams.len()].cost_per_hour,
    }
}

/// Writes per-slot `levels` as a team's or pool's `agents` and `schedule` (every day alike:
/// weekday entries, which would override it, are dropped).
fn write_levels(
    m: &Model,
    levels: &[u32],
    agents: &mut u32,
    schedule: &mut Vec<(Clock, u32)>,
    by_day: &mut Vec<crate::scenario::DaySchedule>,
) -> Result<()> {
    *agents = levels[0];
    schedule.clear();
    by_day.clear();
    let mut last = levels[0];
    for (slot, &n) in levels.iter().enumerate().skip(1) {
        if n != last {
            let c = clock(slot as f64 * m.interval);
            schedule.push((Clock::parse(&c).map_err(Error::Usage)?, n));
            last = n;
        }
    }
    Ok(())
}

/// The scenario with the staffing found, as RON text. Teams come first in the staffing, then
/// the teams a `skills` block adds (never staffed), then the shared pools.
pub fn staffed_scenario(scenario: &Scenario, m: &Model, s: &Staffing) -> Result<String> {
    let mut sc = scenario.clone();
    for (t, team) in sc.teams.iter_mut().enumerate() {
        // Shifts are part of the levels found (temporary staff stay on top of them).
        team.shifts.clear();
        let (a, sch, by) = (
            &mut team.agents,
            &mut team.schedule,
            &mut team.schedule_by_day,
        );
        write_levels(m, &s.levels[t], a, sch, by)?;
    }
    for (k, pool) in sc.pools.iter_mut().enumerate() {
        pool.shifts.clear();
        let (a, sch, by) = (
            &mut pool.agents,
            &mut pool.schedule,
            &mut pool.schedule_by_day,
        );
        write_levels(m, &s.levels[m.teams.len() + k], a, sch, by)?;
    }
    sc.name = format!("{}-staffed", sc.name);
    let body =
        ron::ser::to_string_pretty(&sc, ron::ser::PrettyConfig::default().struct_names(true))
            .map_err(|e| Error::Usage(format!("cannot write the scenario: {e}")))?;
    Ok(format!(
        "// Written by `tiersim staff`: {} with the staffing found.\n{body}\n",
        scenario.name
    ))
}
