//! `queue_max` (a team's longest queue after the warm-up) counts the queue the warm-up found,
//! even when the first change after it takes several contacts at once.
//!
//! Emails arrive through the night while the desk is closed (`at_closing` for written channels
//! is `Wait`), the warm-up ends at 08:00 on Monday, and at 08:00 ten agents start and take ten
//! emails in one go; they stay until the run ends (Tuesday 08:00). The queue after the warm-up
//! was longest at 08:00 itself: every email that arrived overnight. Ten agents clear 120 emails
//! an hour against 10 arriving, so it never grows back.
//! Before the fix the statistic saw only the queue after the first take (one email fewer,
//! or ten fewer once a take no longer reported each contact): no tolerance, it is a count.

use tiersim::engine::{RunOptions, simulate};
use tiersim::model::compile;
use tiersim::scenario::parse;

#[test]
fn queue_max_counts_the_queue_at_the_end_of_the_warm_up() {
    let text = r#"Scenario(name: "night", calendar: (days: 1, warmup: "8h"), incident_types: ["q"],
  channels: [(name: "email", kind: Email, arrivals: Poisson(per_hour: 10), mix: {"q": 1.0}, entry: "desk")],
  teams: [(name: "desk", agents: 0, handling: {"*": Deterministic("5min")}, routes: {"*": (resolve: 1.0)},
    shifts: [(start: "08:00", length: "16h", headcount: 10, days: [Mon]),
             (start: "00:00", length: "8h", headcount: 10, days: [Tue])])])"#;
    let (s, src) = parse("night.ron".as_ref(), text.to_string()).unwrap();
    let m = compile(&s, &src).unwrap();
    for rep in 0..5 {
        let out = simulate(&m, 3, rep, &RunOptions { trace: true }).unwrap();
        let overnight = out
            .trace
            .iter()
            .filter(|r| r.attempt == 1 && r.arrival < 8.0 * 3600.0)
            .count() as u32;
        assert!(
            overnight > 30,
            "replication {rep}: only {overnight} overnight emails"
        );
        let max = out.collector.teams[0].queue_max;
        assert_eq!(max, overnight, "replication {rep}: queue_max");
    }
}
