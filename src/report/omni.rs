//! The run table's omnichannel sections, printed only where the model has the mechanism:
//! mentions and monitoring (counts a day), and waits per customer segment.

use super::format::{estimate, table};
use crate::experiment::Summary;
use crate::model::Model;
use crate::stats::{Kpi, Scope, Unit};

/// Mentions, monitoring and segment sections (empty without any of them).
pub fn sections(m: &Model, s: &Summary) -> String {
    let mut out = String::new();
    let days = (m.horizon - m.warmup) / 86_400.0;
    let per_day = |k: Kpi| {
        s.get(k, Scope::Overall).map(|e| {
            let mut e = e;
            e.mean /= days;
            e.lo /= days;
            e.hi /= days;
            e.sd /= days;
            estimate(&e, Unit::Count)
        })
    };
    let rows: Vec<Vec<String>> = [
        (Kpi::Mentions, "mentions"),
        (Kpi::MentionCases, "cases created from mentions"),
        (Kpi::MentionsMissed, "real cases missed by the router"),
        (Kpi::FalseCases, "needless cases created by the router"),
        (Kpi::MonitoringEvents, "monitoring events"),
        (Kpi::ProactiveCases, "proactive cases"),
        (Kpi::ContactsPrevented, "customer incidents prevented"),
    ]
    .iter()
    .filter_map(|&(k, label)| per_day(k).map(|v| vec![label.to_string(), k.name(m), v]))
    .collect();
    if !rows.is_empty() {
        let header = ["mentions and monitoring", "kpi", "a day"].map(String::from);
        out.push_str(&table(&header, &rows));
        out.push('\n');
    }
    let Some(u) = &m.urgency else { return out };
    let kpis = [
        (Kpi::IncidentsArrived, "incidents"),
        (Kpi::Answered, "answered"),
        (Kpi::ResponseMean, "answer mean"),
        (Kpi::ResponseQuantile(1), "answer p90"),
    ];
    let mut header = vec!["customer segment".to_string()];
    header.extend(kpis.iter().map(|(_, h)| h.to_string()));
    let rows: Vec<Vec<String>> = (0..u.segments.len())
        .map(|i| {
            let sc = Scope::Segment(i as u8);
            std::iter::once(sc.label(m))
                .chain(
                    kpis.iter()
                        .map(|&(k, _)| s.get(k, sc).map_or("-".into(), |e| estimate(&e, k.unit()))),
                )
                .collect()
        })
        .collect();
    out.push_str(&table(&header, &rows));
    out.push('\n');
    out
}
