//! Writing what `tiersim fit` estimated: a scenario file (RON) in which every figure has a
//! comment with its estimate, sample size and uncertainty, and a short summary for the
//! terminal. Nothing here estimates anything.

use crate::fit::dist::DistFit;
use crate::fit::{Fit, StaffingEstimator};
use crate::logs::{Date, weekday};
use std::fmt::Write;

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Where the fit came from, for the header comment.
pub struct FitMeta {
    pub name: String,
    pub log: String,
    pub format: String,
    pub rows: u64,
}

fn clock(slot: usize, interval: f64) -> String {
    let m = (slot as f64 * interval / 60.0).round() as u64;
    format!("{:02}:{:02}", m / 60, m % 60)
}

fn dur(secs: f64) -> String {
    format!("\"{secs:.1}s\"")
}

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

/// The handling-time line: the chosen family and the comparison.
fn dist_line(f: &DistFit) -> (String, String) {
    let b = f.best();
    let value = match b.family.name() {
        "exponential" => format!("Exponential(mean: {})", dur(b.family.mean())),
        "lognormal" => format!(
            "LogNormal(mean: {}, sd: {})",
            dur(b.family.mean()),
            dur(b.family.sd())
        ),
        _ => format!(
            "Gamma(mean: {}, sd: {})",
            dur(b.family.mean()),
            dur(b.family.sd())
        ),
    };
    let aics: Vec<String> = f
        .fits
        .iter()
        .map(|x| format!("{} {:.0}", x.family.name(), x.aic))
        .collect();
    let comment = format!(
        "MLE, lowest AIC ({}); KS D = {:.3} on {} values; sample mean {:.1}s ± {:.1}s (95%), n = {}",
        aics.join(", "),
        b.ks,
        f.ks_n,
        f.mean,
        1.96 * f.mean_se,
        f.n
    );
    (value, comment)
}

/// The fitted scenario as RON text with comments.
pub fn scenario_text(fit: &Fit, meta: &FitMeta) -> String {
    let interval = fit.options.interval;
    let ndays = (fit.last_day - fit.first_day + 1) as u32;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "// Fitted by `tiersim fit` from {} ({} format): {} to {}, {} days, {} rows.",
        meta.log,
        meta.format,
        Date::from_days(fit.first_day),
        Date::from_days(fit.last_day),
        ndays,
        meta.rows
    );
    let _ = writeln!(
        o,
        "// Contacts arrive when they ask for an agent (queue entry); time before that (a VRU) is not simulated."
    );
    let _ = writeln!(
        o,
        "// {} phantom records dropped. Every figure carries its estimate, sample size and uncertainty.",
        fit.phantom
    );
    let _ = writeln!(o, "Scenario(\n    name: \"{}\",", meta.name);
    let opening = fit.opening();
    let _ = writeln!(
        o,
        "    calendar: (\n        days: {ndays},\n        start: {},\n        interval: \"{}min\",",
        DAYS[weekday(fit.first_day)],
        interval / 60.0
    );
    let _ = writeln!(
        o,
        "        // open: intervals with contacts on at least {} of the weekday's dates",
        pct(fit.options.open_share)
    );
    let _ = writeln!(o, "        open: [");
    for (w, slots) in opening.iter().enumerate() {
        let mut s = 0;
        while s < slots.len() {
            if !slots[s] {
                s += 1;
                continue;
            }
            let start = s;
            while s < slots.len() && slots[s] {
                s += 1;
            }
            let _ = writeln!(
                o,
                "            (days: [{}], from: \"{}\", to: \"{}\"),",
                DAYS[w],
                clock(start, interval),
                clock(s, interval)
            );
        }
    }
    let _ = writeln!(o, "        ],\n    ),");
    let mut types: Vec<&String> = fit.channels.values().flat_map(|c| c.types.keys()).collect();
    types.sort();
    types.dedup();
    let quoted: Vec<String> = types.iter().map(|t| format!("\"{t}\"")).collect();
    let _ = writeln!(o, "    incident_types: [{}],", quoted.join(", "));
    let _ = writeln!(o, "    channels: [");
    for (name, ch) in fit.channels.iter().filter(|(_, c)| c.arrived > 0) {
        channel_text(&mut o, fit, name, ch, &opening);
    }
    let _ = writeln!(o, "    ],\n    teams: [");
    team_text(&mut o, fit, &opening);
    let _ = writeln!(o, "    ],\n)");
    o
}

fn channel_text(
    o: &mut String,
    fit: &Fit,
    name: &str,
    ch: &crate::fit::ChannelCounts,
    opening: &[Vec<bool>],
) {
    let interval = fit.options.interval;
    let _ = writeln!(
        o,
        "        (\n            name: \"{name}\",\n            kind: {},",
        if name == "phone" { "Phone" } else { "Other" }
    );
    let _ = writeln!(
        o,
        "            // {} contacts asked for an agent ({} served, {} abandoned, {} blocked); {} left before (VRU / self-service)",
        ch.arrived, ch.served, ch.abandoned, ch.blocked, ch.self_service
    );
    let _ = writeln!(
        o,
        "            // per_day and weights: first attempts in open intervals (the {} contacts identified as retries come from `retry`)",
        ch.retries
    );
    let _ = writeln!(o, "            arrivals: ByDay([");
    for d in fit.demand(name) {
        let open = &opening[d.weekday];
        let (Some(first), Some(last)) =
            (open.iter().position(|&x| x), open.iter().rposition(|&x| x))
        else {
            continue;
        };
        let inside: u64 = (first..=last)
            .filter(|&s| open[s])
            .map(|s| d.fresh[s])
            .sum();
        if inside == 0 {
            continue;
        }
        let per_date = inside as f64 / d.dates as f64;
        let total = d.fresh.iter().sum::<u64>();
        let weights: Vec<String> = (first..=last)
            .map(|s| {
                if open[s] {
                    format!("{}", d.fresh[s])
                } else {
                    "0".into()
                }
            })
            .collect();
        let spread = if d.dates > 1 {
            format!(
                "day-to-day sd {:.1} (Poisson would give {:.1}), ± {:.1} (95%) on the mean",
                d.sd,
                d.mean.sqrt(),
                1.96 * d.sd / (d.dates as f64).sqrt()
            )
        } else {
            format!(
                "one date: no day-to-day spread (Poisson sd {:.1})",
                d.mean.sqrt()
            )
        };
        let _ = writeln!(
            o,
            "                // {}: {} date(s), {:.1} contacts a day, retries included ({} first attempts outside opening hours dropped); {spread}",
            DAYS[d.weekday],
            d.dates,
            d.mean,
            total - inside
        );
        let _ = writeln!(
            o,
            "                (days: [{}], per_day: {:.1}, intraday: (from: \"{}\", weights: [{}])),",
            DAYS[d.weekday],
            per_date,
            clock(first, interval),
            weights.join(", ")
        );
    }
    let _ = writeln!(o, "            ]),");
    let n = ch.arrived as f64;
    let share = |k: u64| {
        let p = k as f64 / n;
        format!("{p:.4}")
    };
    let se = |k: u64| {
        let p = k as f64 / n;
        1.96 * (p * (1.0 - p) / n).sqrt()
    };
    let _ = writeln!(
        o,
        "            // type mix of {} contacts; largest 95% margin {}",
        ch.arrived,
        pct(ch.types.values().map(|&k| se(k)).fold(0.0, f64::max))
    );
    let mix = normalised(
        ch.types
            .iter()
            .map(|(t, &k)| (format!("\"{t}\""), share(k)))
            .collect(),
    );
    let _ = writeln!(o, "            mix: {{{mix}}},");
    let recorded: u64 = ch.priorities.values().sum();
    if recorded > 0 {
        let _ = writeln!(
            o,
            "            // priority mix of {recorded} contacts with a recorded priority"
        );
        let pm = normalised(
            ch.priorities
                .iter()
                .map(|(p, &k)| {
                    (
                        format!("{p:?}"),
                        format!("{:.4}", k as f64 / recorded as f64),
                    )
                })
                .collect(),
        );
        let _ = writeln!(o, "            priorities: {{{pm}}},");
    }
    let _ = writeln!(o, "            entry: \"agents\",");
    if let Some(p) = fit.patience.get(name) {
        let km: Vec<String> =
            p.km.iter()
                .map(|k| format!("S({}s) = {:.3}", k.t, k.survival))
                .collect();
        let _ = writeln!(
            o,
            "            // patience: {} abandons observed, {} served waits censored. Kaplan-Meier: {}, median {}.",
            p.abandoned,
            p.served,
            km.join(", "),
            p.km_median
                .map_or("not reached".into(), |m| format!("{m:.0}s"))
        );
        let _ = writeln!(
            o,
            "            // censored MLE: exponential mean {:.1}s ± {:.1}s (95%), AIC {:.0}; lognormal mean {:.1}s sd {:.1}s, AIC {:.0}: lowest AIC kept",
            p.exp_mean,
            1.96 * p.exp_se,
            p.exp_aic,
            p.ln_mean(),
            p.ln_sd(),
            p.ln_aic
        );
        if p.lognormal_best() {
            let _ = writeln!(
                o,
                "            patience: LogNormal(mean: {}, sd: {}),",
                dur(p.ln_mean()),
                dur(p.ln_sd())
            );
        } else {
            let _ = writeln!(
                o,
                "            patience: Exponential(mean: {}),",
                dur(p.exp_mean)
            );
        }
    }
    let r = &fit.retry;
    if r.failures > 0 && r.retried > 0 && r.delay.n > 0 {
        let p = r.retried as f64 / r.failures as f64;
        let _ = writeln!(
            o,
            "            // retries: {} of {} failed contacts of identified customers came back within {} ({} ± {}); mean delay {:.1}s (n = {}); longest run {} attempts",
            r.retried,
            r.failures,
            dur(fit.options.retry_window),
            pct(p),
            pct(1.96 * (p * (1.0 - p) / r.failures as f64).sqrt()),
            r.delay.mean(),
            r.delay.n,
            r.max_attempts
        );
        let _ = writeln!(
            o,
            "            retry: (prob: {:.4}, delay: Exponential(mean: {}), max_attempts: {}),",
            p.min(1.0),
            dur(r.delay.mean()),
            r.max_attempts.clamp(2, 100)
        );
    }
    if fit.pre_queue.n > 0 {
        let _ = writeln!(
            o,
            "            // before asking for an agent (VRU): mean {:.1}s, sd {:.1}s, n = {} (not simulated)",
            fit.pre_queue.mean(),
            fit.pre_queue.sd(),
            fit.pre_queue.n
        );
    }
    let _ = writeln!(o, "        ),");
}

/// `k: v` pairs whose values are adjusted so they sum to exactly 1 after rounding.
fn normalised(mut pairs: Vec<(String, String)>) -> String {
    let total: f64 = pairs
        .iter()
        .map(|(_, v)| v.parse::<f64>().unwrap_or(0.0))
        .sum();
    if let Some(big) = pairs.iter_mut().max_by(|a, b| {
        a.1.parse::<f64>()
            .unwrap_or(0.0)
            .total_cmp(&b.1.parse::<f64>().unwrap_or(0.0))
    }) {
        let v: f64 = big.1.parse().unwrap_or(0.0);
        big.1 = format!("{:.4}", v + 1.0 - total);
    }
    pairs
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn team_text(o: &mut String, fit: &Fit, opening: &[Vec<bool>]) {
    let interval = fit.options.interval;
    let staffing = fit.staffing();
    let (chosen, other) = match fit.options.staffing {
        StaffingEstimator::BusyWhileWaiting => (
            "busy while someone waits (explains the waits; under-counts agents logged in but not taking these calls)",
            "seen serving",
        ),
        StaffingEstimator::Seen => (
            "agents seen serving (a lower bound on agents logged in)",
            "busy while waiting",
        ),
    };
    let _ = writeln!(
        o,
        "        (\n            name: \"agents\",\n            agents: 0,"
    );
    let _ = writeln!(
        o,
        "            // staffing per weekday and interval: {chosen}, mean over the weekday's dates,"
    );
    let _ = writeln!(
        o,
        "            // rounded, at least 1 while open; {} distinct agents seen in all",
        fit.agents
    );
    let _ = writeln!(o, "            schedule_by_day: [");
    for (w, day) in staffing.iter().enumerate() {
        if !opening[w].iter().any(|&x| x) {
            continue;
        }
        let pick = |s: usize| {
            let (seen, explain) = day[s];
            let v = if fit.options.staffing == StaffingEstimator::Seen {
                seen
            } else {
                explain
            };
            if opening[w][s] {
                (v.round() as u32).max(1)
            } else {
                0
            }
        };
        let mut entries = Vec::new();
        let mut last = pick(0);
        for s in 1..fit.slots {
            let v = pick(s);
            if v != last {
                entries.push(format!("(\"{}\", {v})", clock(s, interval)));
                last = v;
            }
        }
        let alt: Vec<String> = (0..fit.slots)
            .filter(|&s| opening[w][s])
            .map(|s| {
                let v = if fit.options.staffing == StaffingEstimator::Seen {
                    day[s].1
                } else {
                    day[s].0
                };
                format!("{v:.1}")
            })
            .collect();
        let _ = writeln!(
            o,
            "                // {} {other}, open intervals: [{}]",
            DAYS[w],
            alt.join(", ")
        );
        let _ = writeln!(
            o,
            "                (days: [{}], agents: {}, schedule: [{}]),",
            DAYS[w],
            pick(0),
            entries.join(", ")
        );
    }
    let _ = writeln!(o, "            ],");
    let _ = writeln!(
        o,
        "            // handling time per type: served contacts with a positive service time ({} with zero dropped)",
        fit.zero_handling
    );
    let _ = writeln!(o, "            handling: {{");
    for (ty, f) in &fit.handling {
        let (value, comment) = dist_line(f);
        let _ = writeln!(o, "                // {ty}: {comment}");
        let _ = writeln!(o, "                \"{ty}\": {value},");
    }
    if let Some((_, f)) = fit.handling.iter().max_by_key(|(_, f)| f.n) {
        let (value, _) = dist_line(f);
        let _ = writeln!(
            o,
            "                // other types (too few served to fit): as the most common type"
        );
        let _ = writeln!(o, "                \"*\": {value},");
    }
    let _ = writeln!(
        o,
        "            }},\n            routes: {{\"*\": (resolve: 1.0)}},\n        ),"
    );
}

/// A short terminal summary.
pub fn summary_text(fit: &Fit, meta: &FitMeta) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}: {} to {} ({} rows, {} phantom dropped)",
        meta.log,
        Date::from_days(fit.first_day),
        Date::from_days(fit.last_day),
        meta.rows,
        fit.phantom
    );
    for (name, ch) in &fit.channels {
        let _ = writeln!(
            o,
            "channel {name}: {} contacts asked for an agent, {} served, {} abandoned ({}), {} blocked, {} left before",
            ch.arrived,
            ch.served,
            ch.abandoned,
            pct(ch.abandoned as f64 / ch.arrived.max(1) as f64),
            ch.blocked,
            ch.self_service
        );
        if let Some(p) = fit.patience.get(name) {
            let _ = writeln!(
                o,
                "  patience: exponential mean {:.1}s, lognormal mean {:.1}s ({} by AIC)",
                p.exp_mean,
                p.ln_mean(),
                if p.lognormal_best() {
                    "lognormal"
                } else {
                    "exponential"
                }
            );
        }
    }
    for (ty, f) in &fit.handling {
        let b = f.best();
        let _ = writeln!(
            o,
            "handling {ty}: {} mean {:.1}s sd {:.1}s, KS D {:.3}, n = {}",
            b.family.name(),
            b.family.mean(),
            b.family.sd(),
            b.ks,
            f.n
        );
    }
    let r = &fit.retry;
    let _ = writeln!(
        o,
        "retries: {} of {} failed contacts of identified customers came back within {:.0} min",
        r.retried,
        r.failures,
        fit.options.retry_window / 60.0
    );
    o
}
