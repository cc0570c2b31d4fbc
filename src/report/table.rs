//! The terminal report of one scenario's run: headline KPIs, then per channel, team, incident
//! type and priority, each value with its 95% confidence half-width.

use super::format::{estimate, table};
use crate::experiment::Summary;
use crate::model::Model;
use crate::stats::{Kpi, Scope};

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
        (Kpi::Duplicates, "duplicates"),
        (Kpi::ServiceLevel(0), &sl0),
        (Kpi::ResponseMean, "answer mean"),
        (Kpi::ResponseQuantile(1), "answer p90"),
        (Kpi::AbandonRate, "abandoned"),
        (Kpi::BlockRate, "blocked"),
        (Kpi::LossRate, "lost"),
        (Kpi::Merged, "merged"),
    ];
    let mut scopes = vec![Scope::Overall];
    scopes.extend((0..m.channels.len()).map(|c| Scope::Channel(c as u16)));
    out.push_str(&section(m, s, "contacts by channel", &scopes, &contacts));
    out.push('\n');
    let incidents: Vec<(Kpi, &str)> = vec![
        (Kpi::Incidents, "incidents"),
        (Kpi::IncidentsResolved, "resolved"),
        (Kpi::IncidentsUnresolved, "never solved"),
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
        (Kpi::Handled, "handled"),
        (Kpi::Utilisation, "utilisation"),
        (Kpi::WaitMean, "wait mean"),
        (Kpi::WaitQuantile(1), "wait p90"),
        (Kpi::QueueMean, "queue mean"),
        (Kpi::QueueMax, "queue max"),
        (Kpi::Saturation, "all busy"),
        (Kpi::SaturatedIntervals, "saturated int."),
    ];
    let scopes: Vec<Scope> = (0..m.teams.len()).map(|t| Scope::Team(t as u16)).collect();
    out.push_str(&section(m, s, "teams", &scopes, &teams));
    out.push('\n');
    let prio: Vec<(Kpi, &str)> = vec![
        (Kpi::Incidents, "incidents"),
        (Kpi::ResponseMean, "answer mean"),
        (Kpi::ResolutionMean, "resolution mean"),
        (Kpi::SlaResponse, "SLA response"),
        (Kpi::SlaResolution, "SLA resolution"),
    ];
    let scopes: Vec<Scope> = (0..4).map(Scope::Priority).collect();
    out.push_str(&section(m, s, "priorities", &scopes, &prio));
    out.push_str(&format!(
        "\n{sl0}: answered within {} of arrival / (answered + abandoned); blocked and self-served\n\
         contacts are not in it. Excluding abandons: see service_level_excl_abandons in the CSV.\n",
        super::format::duration(m.thresholds[0])
    ));
    out
}
