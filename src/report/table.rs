//! The terminal report of one scenario's run: headline KPIs, then per channel, team, incident
//! type and priority, each value with its 95% confidence half-width.

use super::format::{estimate, table};
use crate::experiment::Summary;
use crate::model::Model;
use crate::stats::{Kpi, Scope, Unit};

fn cell(m: &Model, s: &Summary, k: Kpi, sc: Scope) -> String {
    let _ = m;
    s.get(k, sc).map_or("-".into(), |e| estimate(&e, k.unit()))
}

fn section(m: &Model, s: &Summary, title: &str, scopes: &[Scope], kpis: &[(Kpi, &str)]) -> String {
    let mut header = vec![title.to_string()];
    header.extend(kpis.iter().map(|(_, h)| h.to_string()));
    let rows: Vec<Vec<String>> = scopes
        .iter()
        .map(|&sc| {
            std::iter::once(sc.label(m))
                .chain(kpis.iter().map(|&(k, _)| cell(m, s, k, sc)))
                .collect()
        })
        .collect();
    table(&header, &rows)
}

/// The full terminal report.
pub fn run_table(m: &Model, s: &Summary) -> String {
    let sl = |k: usize| {
        format!(
            "SL {}",
            super::format::duration(m.thresholds[k]).replace(".0 ", " ")
        )
    };
    let sl0 = sl(0);
    let mut out = String::new();
    let intervals = if s.replications >= 2 {
        "95% confidence half-widths after ±"
    } else {
        "no confidence intervals from one replication: use -n 2 or more"
    };
    out.push_str(&format!(
        "{}: {} replication{}, {:.0} simulated days each ({intervals})\n\n",
        m.name,
        s.replications,
        if s.replications == 1 { "" } else { "s" },
        (m.horizon - m.warmup) / 86_400.0
    ));
    let contacts: Vec<(Kpi, &str)> = vec![
        (Kpi::Arrived, "arrived"),
        (Kpi::Deflected, "deflected"),
        (Kpi::Duplicates, "duplicates"),
        (Kpi::ServiceLevel(0), &sl0),
        (Kpi::ServiceLevelOfAnswered(0), "of answered"),
        (Kpi::DelayProbability, "P(wait>0)"),
        (Kpi::ResponseMean, "answer mean"),
        (Kpi::ResponseQuantile(1), "answer p90"),
        (Kpi::AbandonRate, "abandoned"),
        (Kpi::BlockRate, "blocked"),
        (Kpi::LossRate, "lost"),
        (Kpi::Merged, "merged"),
        (Kpi::ContactsOpenAtEnd, "open at end"),
    ];
    let mut scopes = vec![Scope::Overall];
    scopes.extend((0..m.channels.len()).map(|c| Scope::Channel(c as u16)));
    out.push_str(&section(m, s, "contacts by channel", &scopes, &contacts));
    out.push_str(&format!(
        "{sl0} ({}): {}.\n",
        Kpi::ServiceLevel(0).name(m),
        Kpi::ServiceLevel(0).definition()
    ));
    out.push_str(&own_thresholds(m, s));
    out.push('\n');
    let incidents: Vec<(Kpi, &str)> = vec![
        (Kpi::Incidents, "incidents"),
        (Kpi::IncidentsResolved, "resolved"),
        (Kpi::IncidentsUnresolved, "never solved"),
        (Kpi::IncidentsOpenAtEnd, "open at end"),
        (Kpi::OldestOpenIncidentAge, "oldest open"),
        (Kpi::ResolutionRate, "resolved/arrived"),
        (Kpi::ResolutionMean, "resolution mean"),
        (Kpi::ResolutionQuantile(1), "resolution p90"),
        (Kpi::FirstContactResolution, "first-contact"),
        (Kpi::ReassignmentsPerIncident, "reassignments"),
        (Kpi::MisroutesPerIncident, "misroutes"),
    ];
    let mut scopes = vec![Scope::Overall];
    scopes.extend((0..m.types.len()).map(|t| Scope::Type(t as u16)));
    out.push_str(&section(m, s, "incidents by type", &scopes, &incidents));
    out.push('\n');
    let teams: Vec<(Kpi, &str)> = vec![
        (Kpi::AgentsPresent, "agents"),
        (Kpi::AgentHours, "agent-hours"),
        (Kpi::Handled, "handled"),
        (Kpi::Utilisation, "utilisation"),
        (Kpi::WaitMean, "wait mean"),
        (Kpi::WaitQuantile(1), "wait p90"),
        (Kpi::QueueMean, "queue mean"),
        (Kpi::QueueMax, "queue max"),
        (Kpi::Saturation, "all busy"),
        (Kpi::SaturatedIntervals, "saturated int."),
        (Kpi::OpenAtEnd, "open at end"),
        (Kpi::BacklogGrowthPerDay, "backlog/day"),
    ];
    let scopes: Vec<Scope> = (0..m.teams.len()).map(|t| Scope::Team(t as u16)).collect();
    out.push_str(&section(m, s, "teams", &scopes, &teams));
    out.push_str(&staff_line(m, s));
    out.push('\n');
    if !m.shared_pools.is_empty() {
        let pools = [
            (Kpi::Visits, "visits"),
            (Kpi::Utilisation, "utilisation"),
            (Kpi::BusiestTenthShare, "busiest 10%"),
        ];
        let scopes: Vec<Scope> = (m.teams.len()..m.n_pools())
            .map(|p| Scope::Pool(p as u16))
            .collect();
        out.push_str(&section(m, s, "shared pools", &scopes, &pools));
        out.push('\n');
        let scopes: Vec<Scope> = (0..m.teams.len())
            .filter(|&t| m.servers[t].len() > 1)
            .map(|t| Scope::Team(t as u16))
            .collect();
        let overflow = [(Kpi::OverflowShare, "served by shared pools")];
        out.push_str(&section(
            m,
            s,
            "teams with shared pools",
            &scopes,
            &overflow,
        ));
        out.push('\n');
    }
    let prio: Vec<(Kpi, &str)> = vec![
        (Kpi::Incidents, "incidents"),
        (Kpi::ResponseMean, "answer mean"),
        (Kpi::ResolutionMean, "resolution mean"),
        (Kpi::SlaResponse, "SLA response"),
        (Kpi::SlaResolution, "SLA resolution"),
        (Kpi::SlaResolutionOfArrived, "of arrived"),
    ];
    let scopes: Vec<Scope> = (0..4).map(Scope::Priority).collect();
    out.push_str(&section(m, s, "priorities", &scopes, &prio));
    out.push_str(
        "\nSLA: open incidents past their target count as breaches; `of arrived` is resolved within\n\
         target / every incident with a target that arrived. Every KPI, with its variants, is in kpis.csv.\n",
    );
    out
}

/// Which thresholds each channel is judged on, when they differ between channels, and the
/// service level on its own first threshold for each channel not judged on the headline's.
fn own_thresholds(m: &Model, s: &Summary) -> String {
    if m.channel_thresholds.windows(2).all(|w| w[0] == w[1]) {
        return String::new();
    }
    let list: Vec<String> = m
        .channels
        .iter()
        .zip(&m.channel_thresholds)
        .map(|(c, ks)| {
            let ts: Vec<String> = ks
                .iter()
                .map(|&k| super::format::duration(m.thresholds[k as usize]))
                .collect();
            format!("{} {}", c.name, ts.join("/"))
        })
        .collect();
    let mut out = format!(
        "Each contact is judged on its own channel's thresholds ({}); `all` pools the contacts of\nthe channels judged on that threshold.\n",
        list.join(", ")
    );
    for (c, ks) in m.channel_thresholds.iter().enumerate() {
        let Some(&k) = ks.first().filter(|&&k| k != 0) else {
            continue;
        };
        let kpi = Kpi::ServiceLevel(k);
        if let Some(e) = s.get(kpi, Scope::Channel(c as u16)) {
            out.push_str(&format!(
                "{}: {} {}\n",
                m.channels[c].name,
                kpi.name(m),
                estimate(&e, Unit::Ratio)
            ));
        }
    }
    out
}

/// Agent-hours and cost over all teams and shared pools.
fn staff_line(m: &Model, s: &Summary) -> String {
    let days = (m.horizon - m.warmup) / 86_400.0;
    let get = |k: Kpi| s.get(k, Scope::Overall);
    let mut out = String::new();
    if let Some(h) = get(Kpi::AgentHours) {
        out.push_str(&format!(
            "staff: {:.1} agent-hours a day in all",
            h.mean / days
        ));
        if let Some(c) = get(Kpi::CostPerDay) {
            out.push_str(&format!(", cost {} a day", estimate(&c, Unit::Cost)));
        }
        if let Some(c) = get(Kpi::CostPerResolvedIncident) {
            out.push_str(&format!(
                ", {} per resolved incident",
                estimate(&c, Unit::Cost)
            ));
        }
        out.push('\n');
    }
    out
}
