//! Warnings for scenarios that are valid but probably not what the user meant: a team offered
//! more work than it can do, live demand arriving while its entry team is closed, a team with
//! no agents that receives work, a log that does not cover the simulated days.
//!
//! Loads are first-order: the expected visits of first contacts (after self-service and
//! forgetting) through the routes, triage errors included, times the mean handling time.
//! Live contacts (phone, chat, any channel with patience or lines) at their entry team are
//! judged per interval, since they cannot wait for a quieter one; all work, passed-on work
//! included, is judged over the week. Retries and chases add more, so a warning understates the
//! problem rather than inventing one.

use super::{ArrivalModel, LogRow, Model, Outcome};
use crate::scenario::ChannelKind;
use serde::Serialize;

const DAY: f64 = 86_400.0;
/// Share of a live channel's demand arriving while its entry team is closed that is worth a
/// warning.
const CLOSED_SHARE: f64 = 0.01;

/// One warning: a short kind (`input`, `overload`, `closed_entry`, `no_agents`,
/// `log_coverage`) and a sentence naming the field, team or channel and the figures behind it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Warning {
    pub kind: &'static str,
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.kind)
    }
}

/// Every warning for `m`: those found while reading the input (kind `input`), then teams, then
/// channels.
pub fn warnings(m: &Model) -> Vec<Warning> {
    let rates = entry_rates(m);
    let mut out: Vec<Warning> = m
        .warnings
        .iter()
        .map(|w| Warning {
            kind: "input",
            message: w.clone(),
        })
        .collect();
    out.extend(team_warnings(m, &rates));
    out.extend(closed_entry(m, &rates));
    out.extend(log_coverage(m));
    out
}

/// `[channel][week slot][type]`: first contacts per second reaching the entry team.
fn entry_rates(m: &Model) -> Vec<Vec<Vec<f64>>> {
    let slots = 7 * m.slots_per_day;
    let nt = m.types.len();
    let mut r = vec![vec![vec![0.0; nt]; slots]; m.channels.len()];
    let mut add = |ch: usize, arrivals: &ArrivalModel, mix: &super::Categorical| match arrivals {
        ArrivalModel::Rates(rates) => {
            for (w, &rate) in rates.iter().enumerate() {
                for (ty, v) in r[ch][w].iter_mut().enumerate() {
                    *v += rate * mix.prob(ty);
                }
            }
        }
        ArrivalModel::Log(rows) => {
            let weeks = ((m.horizon / DAY) / 7.0).max(1.0 / 7.0);
            for row in rows.iter().filter(|row| row.time < m.horizon) {
                r[ch][m.week_slot(row.time)][row.ty.index()] += 1.0 / weeks / m.interval;
            }
        }
    };
    for (ch, c) in m.channels.iter().enumerate() {
        add(ch, &c.arrivals, &c.type_mix);
    }
    for st in &m.streams {
        add(st.channel.index(), &st.arrivals, &st.type_mix);
    }
    for (ch, c) in m.channels.iter().enumerate() {
        for slot in &mut r[ch] {
            for (ty, v) in slot.iter_mut().enumerate() {
                *v *= (1.0 - c.forget) * (1.0 - c.self_service[ty]);
            }
        }
    }
    r
}

/// `[team]`: seconds of work at each team per contact of type `ty` entering at team `entry`.
fn work_per_contact(m: &Model, entry: usize, ty: usize) -> Vec<f64> {
    let n = m.teams.len();
    // Expected visits: v = e_entry + v P, by fixed-point iteration (the routes are absorbing,
    // which compile checks, so this converges).
    let mut v = vec![0.0; n];
    v[entry] = 1.0;
    for _ in 0..10_000 {
        let mut next = vec![0.0; n];
        next[entry] = 1.0;
        for (s, &vs) in v.iter().enumerate() {
            let team = &m.teams[s];
            let Some(route) = &team.routes[ty] else {
                continue;
            };
            for (k, o) in route.outcomes.iter().enumerate() {
                let Outcome::Pass(t) = *o else { continue };
                let p = vs * route.dist.prob(k);
                next[t.index()] += p;
                if let Some((acc, confused)) = &team.triage {
                    let wrong: Vec<_> = confused.iter().filter(|&&u| u != t).collect();
                    for &&u in &wrong {
                        next[u.index()] += p * (1.0 - acc) / wrong.len() as f64;
                    }
                }
            }
        }
        let change: f64 = next.iter().zip(&v).map(|(a, b)| (a - b).abs()).sum();
        v = next;
        if change < 1e-12 {
            break;
        }
    }
    v.iter()
        .enumerate()
        .map(|(t, &vt)| vt * m.teams[t].handling[ty].as_ref().map_or(0.0, |h| h.mean()))
        .collect()
}

/// A channel whose customers wait on the line (or in a chat window) for the entry team.
fn live(c: &super::ChannelModel) -> bool {
    c.patience.is_some()
        || c.lines.is_some()
        || matches!(c.kind, ChannelKind::Phone | ChannelKind::Chat)
}

/// `[team][week slot]`: offered load in erlangs (agent-seconds of work per second), of all
/// work and of live contacts' first visit to their entry team.
fn offered_load(m: &Model, rates: &[Vec<Vec<f64>>]) -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
    let slots = 7 * m.slots_per_day;
    let nt = m.types.len();
    let mut all = vec![vec![0.0; slots]; m.teams.len()];
    let mut live_load = all.clone();
    let mut work = vec![vec![None; nt]; m.teams.len()];
    for (ch, c) in m.channels.iter().enumerate() {
        for ty in 0..nt {
            let e = c.entry[ty].index();
            let per: &Vec<f64> = work[e][ty].get_or_insert_with(|| work_per_contact(m, e, ty));
            let first = if live(c) {
                m.teams[e].handling[ty].as_ref().map_or(0.0, |h| h.mean())
            } else {
                0.0
            };
            for (w, slot) in rates[ch].iter().enumerate() {
                // Contacts turned away after hours bring no work.
                if slot[ty] > 0.0 && (m.open[w] || !c.reject_after_hours) {
                    for (t, &x) in per.iter().enumerate() {
                        all[t][w] += slot[ty] * x;
                    }
                    live_load[e][w] += slot[ty] * first;
                }
            }
        }
    }
    (all, live_load)
}

fn slot_name(m: &Model, w: usize) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let secs = (w % m.slots_per_day) as f64 * m.interval;
    let mins = (secs / 60.0).round() as u64;
    format!(
        "{} {:02}:{:02}",
        DAYS[w / m.slots_per_day],
        mins / 60,
        mins % 60
    )
}

/// Agents able to serve team `t`'s queue in slot `w` of the week: its own and those of the
/// shared pools with a skill for it, each times its availability (whether anyone serves it;
/// [`capacity`] splits shared pools between their queues).
fn serving(m: &Model, t: usize, w: usize) -> f64 {
    m.servers[t]
        .iter()
        .map(|&(p, _)| {
            let s = m.staffing(p);
            f64::from(s.agents[w]) * s.availability
        })
        .sum()
}

/// `[team][week slot]`: agents serving each team's queue, in its own agents' terms: its own
/// agents times availability, plus what the shared pools serving it can give, divided by their
/// proficiency for it. Per slot, each pool's agents times availability go to the work the
/// queues' own agents leave, primary skill first (round k gives every pool's k-th queue what
/// it still needs, as far as the pool has agents left), as a freed agent picks its work; what a
/// pool has left then is split between its queues by their week's work. A pool is never
/// counted twice.
fn capacity(m: &Model, load: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let own = |t: usize, w: usize| {
        let s = m.staffing(super::PoolId::at(t));
        f64::from(s.agents[w]) * s.availability
    };
    let slots = 7 * m.slots_per_day;
    let mut cap: Vec<Vec<f64>> = (0..m.teams.len())
        .map(|t| (0..slots).map(|w| own(t, w)).collect())
        .collect();
    let shared = m.teams.len()..m.n_pools();
    let week: Vec<f64> = load.iter().map(|l| l.iter().sum()).collect();
    let rounds = shared.clone().map(|p| m.work[p].len()).max().unwrap_or(0);
    for w in 0..slots {
        let mut need: Vec<f64> = (0..m.teams.len())
            .map(|q| (load[q][w] - own(q, w)).max(0.0))
            .collect();
        let mut left: Vec<f64> = shared
            .clone()
            .map(|p| {
                let s = m.staffing(super::PoolId::at(p));
                f64::from(s.agents[w]) * s.availability
            })
            .collect();
        for k in 0..rounds {
            for (i, p) in shared.clone().enumerate() {
                let Some(&(q, proficiency)) = m.work[p].get(k) else {
                    continue;
                };
                let give = left[i].min(need[q.index()] * proficiency);
                left[i] -= give;
                need[q.index()] -= give / proficiency;
                cap[q.index()][w] += give / proficiency;
            }
        }
        for (i, p) in shared.clone().enumerate() {
            let queues = &m.work[p];
            let total: f64 = queues.iter().map(|&(q, _)| week[q.index()]).sum();
            for &(q, proficiency) in queues {
                let share = if total > 0.0 {
                    week[q.index()] / total
                } else {
                    1.0 / queues.len() as f64
                };
                cap[q.index()][w] += left[i] * share / proficiency;
            }
        }
    }
    cap
}

/// Who serves team `t`'s queue, for a warning: its own agents, and the shared pools' shares.
fn who_serves(m: &Model, t: usize) -> String {
    let shared: Vec<String> = m.servers[t]
        .iter()
        .filter(|&&(p, _)| p.index() >= m.teams.len())
        .map(|&(p, _)| format!("`{}`", m.pool_name(p)))
        .collect();
    let own = format!("agents x availability {}", m.teams[t].availability);
    if shared.is_empty() {
        own
    } else {
        format!(
            "its own {own}, plus what shared pool{} {} can give it after higher-ranked work",
            if shared.len() > 1 { "s" } else { "" },
            shared.join(", ")
        )
    }
}

fn team_warnings(m: &Model, rates: &[Vec<Vec<f64>>]) -> Vec<Warning> {
    let (load, live_load) = offered_load(m, rates);
    let capacity = capacity(m, &load);
    let mut out = Vec::new();
    for (t, team) in m.teams.iter().enumerate() {
        let total: f64 = load[t].iter().sum();
        if total <= 0.0 {
            continue;
        }
        let hours = |x: f64| x * m.interval / 3600.0;
        if (0..team.agents.len()).all(|w| serving(m, t, w) == 0.0) {
            out.push(Warning {
                kind: "no_agents",
                message: format!(
                    "team `{}` has no agents at any time{} but receives work ({:.1} agent-hours a week offered): it never answers anything{}",
                    team.name,
                    if team.temporary.is_empty() { "" } else { " except temporary staff" },
                    hours(total),
                    if team.temporary.is_empty() { "" } else { " on other days" }
                ),
            });
            continue;
        }
        let cap = &capacity[t];
        // Live contacts cannot wait for a quieter interval: their load is judged per open
        // interval (those arriving while the team is closed are `closed_entry`'s business).
        let over: Vec<usize> = (0..cap.len())
            .filter(|&w| cap[w] > 0.0 && live_load[t][w] > cap[w] * (1.0 + 1e-9))
            .collect();
        // All work, passed-on work included, is judged over the week (work arriving while
        // the team is closed waits for it).
        let week_cap: f64 = cap.iter().sum();
        let week_over = total > week_cap * (1.0 + 1e-9);
        if over.is_empty() && !week_over {
            continue;
        }
        let mut parts = Vec::new();
        // The first interval with the highest live load per available agent.
        let worst = over
            .iter()
            .copied()
            .fold(None, |best: Option<usize>, w| match best {
                Some(b) if live_load[t][b] / cap[b] >= live_load[t][w] / cap[w] => Some(b),
                _ => Some(w),
            });
        if let Some(w) = worst {
            parts.push(format!(
                "live contacts' load exceeds the agents available ({}) in {} of {} open intervals a week, worst {}: {:.1} erlangs against {:.1} agents",
                who_serves(m, t),
                over.len(),
                cap.iter().filter(|&&c| c > 0.0).count(),
                slot_name(m, w),
                live_load[t][w],
                cap[w]
            ));
        }
        if week_over {
            parts.push(format!(
                "its work exceeds its available agent-hours over the week ({:.0} against {:.0}{}), so its queue grows without bound",
                hours(total),
                hours(week_cap),
                if m.servers[t].len() > 1 {
                    format!(": {}", who_serves(m, t))
                } else {
                    String::new()
                }
            ));
        }
        out.push(Warning {
            kind: "overload",
            message: format!("team `{}`: {}", team.name, parts.join("; ")),
        });
    }
    out
}

fn closed_entry(m: &Model, rates: &[Vec<Vec<f64>>]) -> Vec<Warning> {
    let mut out = Vec::new();
    for (ch, c) in m.channels.iter().enumerate() {
        let live = c.reject_after_hours || matches!(c.kind, ChannelKind::Phone | ChannelKind::Chat);
        if !live {
            continue;
        }
        let (mut all, mut closed, mut rejected) = (0.0, 0.0, 0.0);
        for (w, slot) in rates[ch].iter().enumerate() {
            for (ty, &r) in slot.iter().enumerate() {
                all += r;
                if serving(m, c.entry[ty].index(), w) == 0.0 {
                    closed += r;
                    if c.reject_after_hours && !m.open[w] {
                        rejected += r;
                    }
                }
            }
        }
        if all > 0.0 && closed / all >= CLOSED_SHARE {
            out.push(Warning {
                kind: "closed_entry",
                message: format!(
                    "channel `{}`: {:.0}% of its demand arrives while its entry team is closed ({:.0}% turned away as blocked after hours, the rest waits for the team to open)",
                    c.name,
                    100.0 * closed / all,
                    100.0 * rejected / all
                ),
            });
        }
    }
    out
}

fn log_coverage(m: &Model) -> Vec<Warning> {
    let day_open = |d: usize| {
        let w = ((d + m.start_weekday) % 7) * m.slots_per_day;
        m.open[w..w + m.slots_per_day].iter().any(|&o| o)
    };
    let first = (m.warmup / DAY).floor() as usize;
    let last = ((m.horizon / DAY).ceil() as usize).max(first + 1);
    let open_days: Vec<usize> = (first..last).filter(|&d| day_open(d)).collect();
    let (Some(&first_open), Some(&last_open)) = (open_days.first(), open_days.last()) else {
        return Vec::new();
    };
    let logs = m
        .channels
        .iter()
        .map(|c| (format!("channel `{}`", c.name), &c.arrivals))
        .chain(
            m.streams
                .iter()
                .map(|s| (format!("incident stream `{}`", s.name), &s.arrivals)),
        );
    let mut out = Vec::new();
    for (who, arrivals) in logs {
        let ArrivalModel::Log(rows) = arrivals else {
            continue;
        };
        let days: Vec<usize> = rows
            .iter()
            .filter(|r| r.time >= m.warmup && r.time < m.horizon)
            .map(|r: &LogRow| (r.time / DAY).floor() as usize)
            .collect();
        let covered = days.first().zip(days.last());
        if covered.is_none_or(|(&a, &b)| a > first_open || b < last_open) {
            let have = covered.map_or("no day".to_string(), |(a, b)| format!("days {a} to {b}"));
            out.push(Warning {
                kind: "log_coverage",
                message: format!(
                    "{who}: its log covers {have} of the measured run, which is open on days {first_open} to {last_open} (day 0 is the first simulated day, warm-up included): days outside the log get no contacts from it"
                ),
            });
        }
    }
    out
}
