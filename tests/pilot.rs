//! `tiersim pilot`: the window KPIs use tiersim's definitions, and on a log the model itself
//! generated the 95% prediction intervals cover about 95% of the windows.

use tiersim::engine::{RunOptions, simulate};
use tiersim::experiment::pilot::{
    DemandSource, PilotOptions, WindowGrid, Windows, calls_from_trace, pilot, seen_from_trace,
};
use tiersim::logs::{self, Date, DateRange, LogFormat, generic};
use tiersim::model::compile;
use tiersim::scenario::parse;
use tiersim::stats::{Kpi, Scope};

/// One desk, 09:00-17:00 on weekdays, busy enough that waits, abandons and service levels
/// vary from interval to interval.
const SCENARIO: &str = r#"Scenario(
    name: "desk",
    calendar: (days: 5, start: Mon, interval: "30min",
        open: [(days: [Mon, Tue, Wed, Thu, Fri], from: "09:00", to: "17:00")]),
    incident_types: ["q"],
    channels: [(
        name: "phone", kind: Phone,
        arrivals: Daily(per_day: 480),
        mix: {"q": 1.0},
        entry: "desk",
        patience: Exponential(mean: "3min"),
    )],
    teams: [(name: "desk", agents: 5, handling: {"*": Exponential(mean: "4.5min")}, routes: {"*": (resolve: 1.0)})],
)"#;

#[test]
fn window_kpis_match_the_collector_definitions() {
    // Eight lines: some calls are blocked, which the service level counts as failures.
    let text = SCENARIO.replace("entry: \"desk\",", "entry: \"desk\", lines: 8,");
    let (s, src) = parse("desk.ron".as_ref(), text).unwrap();
    let m = compile(&s, &src).unwrap();
    let out = simulate(&m, 5, 0, &RunOptions { trace: true }).unwrap();
    assert_eq!(
        out.collector.scopes[0].in_system_end, 0,
        "the desk closes empty"
    );
    let grid = WindowGrid {
        kind: Windows::Week,
        day0: 0,
        days: 5,
        interval: m.interval,
    };
    let tally = grid.tally(out.trace.iter().map(seen_from_trace), m.thresholds[0]);
    let ours = tally[0].values();
    let mut theirs = [f64::NAN; 4];
    out.collector.kpis(&m, |k, scope, v| {
        if scope != Scope::Overall {
            return;
        }
        let i = match k {
            Kpi::Arrived => 0,
            Kpi::AbandonRate => 1,
            Kpi::ServiceLevel(0) => 2,
            Kpi::ResponseMean => 3,
            _ => return,
        };
        theirs[i] = v;
    });
    for k in 0..4 {
        assert!(
            (ours[k] - theirs[k]).abs() <= 1e-9 * theirs[k].abs().max(1.0),
            "KPI {k}: {} vs {}",
            ours[k],
            theirs[k]
        );
    }
}

/// The model generates 10 weeks of "observations" (seed 99), written as a generic log and
/// read back; the pilot predicts each half-hour window with 200 replications of another seed.
/// 50 days x 16 intervals = 800 windows per KPI. Were windows independent, the coverage of a
/// correct 95% interval would have a binomial standard error of sqrt(0.95 x 0.05 / 800) =
/// 0.8 points; quantiles estimated from 200 replications and whole-number KPIs (counts,
/// shares of small counts, with intervals closed at both ends) shift it by up to about 2
/// points. Tolerance: 3 standard errors plus 2 points, 4.4 points either way.
#[test]
fn coverage_is_near_95_percent_on_a_model_generated_log() {
    let text = SCENARIO.replace("days: 5,", "days: 70,");
    let (s, src) = parse("desk.ron".as_ref(), text).unwrap();
    let m = compile(&s, &src).unwrap();
    let out = simulate(&m, 99, 0, &RunOptions { trace: true }).unwrap();
    let day0 = Date::parse("2024-01-01").unwrap().days();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("observed.csv");
    generic::write(
        std::fs::File::create(&path).unwrap(),
        &calls_from_trace(&m, &out.trace, day0),
    )
    .unwrap();
    let mut calls = Vec::new();
    logs::read(&path, LogFormat::Csv, DateRange::default(), &mut |c| {
        calls.push(c);
        Ok(())
    })
    .unwrap();
    for demand in [DemandSource::Model, DemandSource::Replay] {
        let opts = PilotOptions {
            windows: Windows::Interval,
            demand,
            replications: 200,
            seed: 7,
            calibration_replications: 0,
            clock: None,
        };
        let r = pilot(&s, &src, &calls, day0, 70, &opts).unwrap();
        for c in &r.coverage {
            eprintln!("{demand:?} {}: {} of {} inside", c.kpi, c.inside, c.windows);
            if demand == DemandSource::Replay && c.kpi == "arrived" {
                // Replayed arrivals are the observed ones: always inside, nothing to test.
                assert_eq!(c.inside, c.windows);
                continue;
            }
            let share = c.inside as f64 / c.windows as f64;
            assert!(c.windows >= 780, "{}: {} windows", c.kpi, c.windows);
            assert!(
                (share - 0.95).abs() <= 0.044,
                "{demand:?} {}: coverage {share:.3} over {} windows",
                c.kpi,
                c.windows
            );
        }
    }
}

#[test]
fn recalibration_finds_the_handling_time_that_was_changed() {
    // Observations from a desk whose handling is 30% longer than the scenario says: the
    // one-factor recalibration should pick handling time, with a factor near 1.3 (within 0.15:
    // the objective is noisy with 20 replications and the levers partly substitute).
    let observed_text = SCENARIO
        .replace("days: 5,", "days: 20,")
        .replace("4.5min", "5.85min");
    let (so, srco) = parse("obs.ron".as_ref(), observed_text).unwrap();
    let mo = compile(&so, &srco).unwrap();
    let out = simulate(&mo, 3, 0, &RunOptions { trace: true }).unwrap();
    let calls = calls_from_trace(&mo, &out.trace, 0);
    let (s, src) = parse(
        "desk.ron".as_ref(),
        SCENARIO.replace("days: 5,", "days: 20,"),
    )
    .unwrap();
    let opts = PilotOptions {
        windows: Windows::Day,
        demand: DemandSource::Replay,
        replications: 40,
        seed: 1,
        calibration_replications: 20,
        clock: None,
    };
    let r = pilot(&s, &src, &calls, 0, 20, &opts).unwrap();
    let c = r.recalibration.unwrap();
    assert!(c.tried.iter().all(|t| t.2 <= c.score_before + 1e-9));
    assert_eq!(c.lever.name(), "handling time", "{:?}", c.tried);
    assert!((c.factor - 1.3).abs() < 0.15, "{}", c.factor);
    let before = r.coverage.iter().map(|x| x.inside).sum::<usize>();
    let after = c.coverage.iter().map(|x| x.inside).sum::<usize>();
    assert!(after > before, "{before} -> {after}");
}

/// A pilot folder gets a self-contained `report.html` with each KPI's coverage, the windows
/// outside, a chart per KPI and the recalibration; `tiersim report DIR` (here
/// `write_report`) rebuilds the same page from `pilot.json`. User text is escaped.
#[test]
fn pilot_writes_a_self_contained_report_with_the_coverage() {
    let (s, src) = parse("desk.ron".as_ref(), SCENARIO.to_string()).unwrap();
    let m = compile(&s, &src).unwrap();
    let out = simulate(&m, 3, 0, &RunOptions { trace: true }).unwrap();
    let day0 = Date::parse("2024-01-01").unwrap().days();
    let calls = calls_from_trace(&m, &out.trace, day0);
    let opts = PilotOptions {
        windows: Windows::Day,
        demand: DemandSource::Model,
        replications: 40,
        seed: 5,
        calibration_replications: 4,
        clock: None,
    };
    let r = pilot(&s, &src, &calls, day0, 5, &opts).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let about = tiersim::report::pilot::PilotAbout {
        scenario: "<script>alert(1)</script>".into(),
        observed: "calls.csv".into(),
        demand: "drawn from the scenario's arrival streams".into(),
    };
    tiersim::report::pilot::write(dir.path(), &r, &about).unwrap();
    let path = dir.path().join("report.html");
    let html = std::fs::read_to_string(&path).unwrap();
    for c in &r.coverage {
        assert!(c.windows > 0, "{}: no window", c.kpi);
        let figure = format!("{} of {} windows inside", c.inside, c.windows);
        assert!(html.contains(&figure), "{}: `{figure}` missing", c.kpi);
        let pct = format!("{:.1}%", 100.0 * c.inside as f64 / c.windows as f64);
        assert!(html.contains(&pct), "{}: {pct} missing", c.kpi);
    }
    assert_eq!(
        html.matches("<svg").count(),
        r.coverage.len(),
        "one chart per KPI"
    );
    let rc = r.recalibration.as_ref().expect("recalibration ran");
    assert!(html.contains(&format!(
        "Suggested: {} x {:.3}",
        rc.lever.name(),
        rc.factor
    )));
    let outside = r.rows.iter().filter(|x| !x.inside).count();
    assert!(html.contains(&format!("Windows outside their interval ({outside})")));
    // Its numbers are observations and prediction intervals, not means with a CI.
    assert!(!html.contains("confidence interval (±)"));
    assert!(html.contains("prediction intervals are over the simulation"));
    // Self-contained and escaped: no scripts, nothing fetched.
    assert!(!html.contains("<script"), "user text injected markup");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    for bad in ["src=", "href=", "url(", "@import"] {
        assert!(!html.contains(bad), "report.html references `{bad}`");
    }
    // `tiersim report DIR` rebuilds the same page from pilot.json.
    std::fs::remove_file(&path).unwrap();
    tiersim::report::html::write_report(dir.path()).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), html);
}

/// An email desk open 09:00-17:00 on weekdays: what arrives late in the day is answered the
/// next morning, a miss of an 8 h target on the wall clock and a hit in business hours.
#[test]
fn a_pilot_can_measure_times_to_answer_in_business_hours() {
    use tiersim::experiment::pilot::{Seen, seen_on_clock};
    use tiersim::model::BusinessClock;
    // By hand first: Monday 16:00, answered 18 h later (Tuesday 10:00) is 2 business hours.
    let nine_to_five = vec![(9.0 * 3600.0, 17.0 * 3600.0)];
    let hours = std::array::from_fn(|w| if w < 5 { nine_to_five.clone() } else { vec![] });
    let office = BusinessClock::new("office".into(), hours, vec![], 0);
    let late = Seen {
        arrival: 16.0 * 3600.0,
        answered: Some(18.0 * 3600.0),
        abandoned: false,
        blocked: false,
    };
    assert_eq!(
        seen_on_clock(late, Some(&office)).answered,
        Some(2.0 * 3600.0)
    );
    assert_eq!(seen_on_clock(late, None).answered, Some(18.0 * 3600.0));

    let text = r#"Scenario(name: "mail",
        calendar: (days: 10, start: Mon, open: [(days: [Mon, Tue, Wed, Thu, Fri], from: "09:00", to: "17:00")]),
        incident_types: ["q"],
        channels: [(name: "email", kind: Email, arrivals: Daily(per_day: 60), mix: {"q": 1.0}, entry: "desk")],
        teams: [(name: "desk", agents: 2, handling: {"*": Exponential(mean: "15min")}, routes: {"*": (resolve: 1.0)})],
        targets: (answer_within_written: ["8h"]),
        business_hours: [(name: "office", hours: [(days: [Mon, Tue, Wed, Thu, Fri], from: "09:00", to: "17:00")])])"#;
    let (s, src) = parse("mail.ron".as_ref(), text.to_string()).unwrap();
    let m = compile(&s, &src).unwrap();
    let out = simulate(&m, 9, 0, &RunOptions { trace: true }).unwrap();
    let calls = calls_from_trace(&m, &out.trace, 0);
    let evaluate = |clock: Option<&str>| {
        let opts = PilotOptions {
            windows: Windows::Week,
            demand: DemandSource::Replay,
            replications: 20,
            seed: 2,
            calibration_replications: 0,
            clock: clock.map(str::to_string),
        };
        pilot(&s, &src, &calls, 0, 10, &opts).unwrap()
    };
    let (wall, business) = (evaluate(None), evaluate(Some("office")));
    let observed = |r: &tiersim::experiment::pilot::PilotResult, kpi: &str| -> Vec<f64> {
        r.rows
            .iter()
            .filter(|x| x.kpi == kpi)
            .map(|x| x.observed)
            .collect()
    };
    let (w, b) = (
        observed(&wall, "service_level_8h"),
        observed(&business, "service_level_8h_business"),
    );
    assert_eq!(w.len(), 2);
    assert_eq!(b.len(), 2);
    // Business time never exceeds wall time, and the overnight answers turn into hits.
    for (w, b) in w.iter().zip(&b) {
        assert!(b > w, "business {b} against wall {w}");
    }
    assert!(observed(&business, "response_mean_business")[0] < observed(&wall, "response_mean")[0]);
    // An unknown calendar is a usage error naming the known ones.
    let opts = PilotOptions {
        windows: Windows::Week,
        demand: DemandSource::Replay,
        replications: 2,
        seed: 2,
        calibration_replications: 0,
        clock: Some("ofice".into()),
    };
    let e = pilot(&s, &src, &calls, 0, 10, &opts)
        .unwrap_err()
        .to_string();
    assert!(e.contains("ofice") && e.contains("office"), "{e}");
}
