//! `tiersim fit` recovers what it is given: a scenario with known parameters is simulated, its
//! contacts written as a generic log, the log fitted, and the estimates compared with the
//! truth within tolerances stated at each check (from the sample sizes involved).

use tiersim::engine::{RunOptions, simulate};
use tiersim::experiment::pilot::calls_from_trace;
use tiersim::fit::dist::Family;
use tiersim::fit::{FitOptions, fit_file};
use tiersim::logs::{Date, DateRange, LogFormat, generic};
use tiersim::model::{Model, compile};
use tiersim::report::fit::{FitMeta, scenario_text};
use tiersim::scenario::parse;

/// 28 days from a Monday; weekdays 08:00-18:00 and Saturday 09:00-13:00; 6 agents on
/// weekdays, 3 on Saturday; heavy enough load that someone waits in most intervals.
const TRUTH: &str = r#"Scenario(
    name: "truth",
    calendar: (days: 28, start: Mon, interval: "30min",
        open: [(days: [Mon, Tue, Wed, Thu, Fri], from: "08:00", to: "18:00"), (days: [Sat], from: "09:00", to: "13:00")]),
    incident_types: ["a", "b"],
    channels: [(
        name: "phone", kind: Phone,
        arrivals: ByDay([
            (days: [Mon, Tue, Wed, Thu, Fri], per_day: 400),
            (days: [Sat], per_day: 100),
        ]),
        mix: {"a": 0.3, "b": 0.7},
        entry: "desk",
        patience: Exponential(mean: "4min"),
        retry: (prob: 0.5, delay: Exponential(mean: "10min"), max_attempts: 10),
    )],
    teams: [(
        name: "desk", agents: 6,
        schedule_by_day: [(days: [Sat], agents: 3)],
        handling: {"a": LogNormal(mean: "5min", sd: "3min"), "b": Gamma(mean: "8min", sd: "4min")},
        routes: {"*": (resolve: 1.0)},
    )],
)"#;

fn truth() -> Model {
    let (s, src) = parse("truth.ron".as_ref(), TRUTH.to_string()).unwrap();
    compile(&s, &src).unwrap()
}

/// Simulates the truth and writes its contacts as a generic log dated from 2024-01-01.
fn generic_log(dir: &std::path::Path) -> std::path::PathBuf {
    let m = truth();
    let out = simulate(&m, 11, 0, &RunOptions { trace: true }).unwrap();
    let day0 = Date::parse("2024-01-01").unwrap().days();
    let calls = calls_from_trace(&m, &out.trace, day0);
    let path = dir.join("log.csv");
    generic::write(std::fs::File::create(&path).unwrap(), &calls).unwrap();
    path
}

#[test]
fn round_trip_recovers_the_parameters() {
    let dir = tempfile::tempdir().unwrap();
    let log = generic_log(dir.path());
    let (fit, stats) = fit_file(
        &log,
        LogFormat::Csv,
        DateRange::default(),
        FitOptions::default(),
    )
    .unwrap();
    assert_eq!(stats.phantom, 0);
    // 28 days from a Monday, the last a closed Sunday: 27 days with contacts.
    assert_eq!(fit.last_day - fit.first_day + 1, 27);

    // Fresh demand per weekday: 4 dates of Poisson(400) (Saturday: 100); the standard error of
    // the mean is sqrt(400/4) = 10, so 3.5 standard errors is 35 (Saturday 17.5). Retries are
    // identified by customer and taken out of the fresh volume.
    let ch = &fit.channels["phone"];
    for d in fit.demand("phone") {
        let (truth, tol) = match d.weekday {
            0..=4 => (400.0, 35.0),
            5 => (100.0, 17.5),
            _ => (0.0, 0.0),
        };
        let got = d.fresh.iter().sum::<u64>() as f64 / d.dates as f64;
        assert!(
            (got - truth).abs() <= tol + 1e-9,
            "weekday {}: {got} vs {truth}",
            d.weekday
        );
    }

    // Type mix: about 9,000 contacts, standard error of a 30% share 0.5 points; 2 points.
    let share_a = ch.types["a"] as f64 / ch.arrived as f64;
    assert!((share_a - 0.3).abs() < 0.02, "{share_a}");

    // Handling: thousands of values per type, so the MLE means are within 1-2% (5% allowed),
    // and AIC picks the true family.
    let a = fit.handling["a"].best();
    assert_eq!(a.family.name(), "lognormal", "{:?}", fit.handling["a"].fits);
    assert!(
        (a.family.mean() / 300.0 - 1.0).abs() < 0.05 && (a.family.sd() / 180.0 - 1.0).abs() < 0.1
    );
    let b = fit.handling["b"].best();
    assert!(
        matches!(b.family, Family::Gamma { .. }),
        "{:?}",
        fit.handling["b"].fits
    );
    assert!(
        (b.family.mean() / 480.0 - 1.0).abs() < 0.05 && (b.family.sd() / 240.0 - 1.0).abs() < 0.1
    );

    // Patience: censored MLE of the exponential mean; its standard error is mean/sqrt(abandons).
    let p = &fit.patience["phone"];
    let se = 240.0 / (p.abandoned as f64).sqrt();
    assert!(
        p.abandoned > 300,
        "too few abandons to test: {}",
        p.abandoned
    );
    assert!(
        (p.exp_mean - 240.0).abs() < 4.0 * se,
        "{} (se {se})",
        p.exp_mean
    );
    assert!(
        !p.lognormal_best() || (p.ln_aic - p.exp_aic).abs() < 4.0,
        "AIC should not prefer lognormal clearly"
    );

    // Retries: probability 0.5, within 4 binomial standard errors; mean delay 10 min within
    // 4 standard errors (mean/sqrt(n)), slightly shortened by the 60-minute window (0.25%).
    let r = &fit.retry;
    let prob = r.retried as f64 / r.failures as f64;
    assert!(
        (prob - 0.5).abs() < 4.0 * (0.25 / r.failures as f64).sqrt(),
        "{prob} of {}",
        r.failures
    );
    assert!(
        (r.delay.mean() - 600.0).abs() < 4.0 * 600.0 / (r.delay.n as f64).sqrt(),
        "{}",
        r.delay.mean()
    );

    // Opening hours: exactly the true ones.
    let open = fit.opening();
    for (w, slots) in open.iter().enumerate() {
        for (s, &o) in slots.iter().enumerate() {
            let truth = match w {
                0..=4 => (16..36).contains(&s),
                5 => (18..26).contains(&s),
                _ => false,
            };
            assert_eq!(o, truth, "weekday {w} slot {s}");
        }
    }

    // Staffing: while someone waits every agent is busy, so "busy while waiting" finds the
    // true staffing wherever anyone waited; "seen serving" is unknown without agent ids.
    let staffing = fit.staffing();
    let mut exact = 0;
    let mut judged = 0;
    for (w, day) in staffing.iter().enumerate().take(6) {
        let agents = if w == 5 { 3.0 } else { 6.0 };
        for (s, &(_, est)) in day.iter().enumerate().filter(|(s, _)| open[w][*s]) {
            judged += 1;
            assert!(
                est <= agents + 1e-9,
                "weekday {w} slot {s}: {est} above the true {agents}"
            );
            exact += usize::from((est - agents).abs() < 0.5);
        }
    }
    assert!(
        exact as f64 >= 0.9 * judged as f64,
        "{exact} of {judged} intervals"
    );

    // The written scenario loads and carries the estimates.
    let text = scenario_text(
        &fit,
        &FitMeta {
            name: "fitted".into(),
            log: "log.csv".into(),
            format: "csv".into(),
            rows: stats.rows,
        },
    );
    let (s, src) = parse("fitted.ron".as_ref(), text.clone()).unwrap();
    let m = compile(&s, &src).unwrap();
    assert_eq!(m.types, ["a", "b"]);
    assert!(
        text.contains("schedule_by_day") && text.contains("Kaplan-Meier") && text.contains("AIC")
    );
}

#[test]
fn fit_streams_the_log_and_reports_dates_outside_the_range() {
    let dir = tempfile::tempdir().unwrap();
    let log = generic_log(dir.path());
    let d = |s: &str| Some(Date::parse(s).unwrap().days());
    let range = DateRange {
        from: d("2024-01-08"),
        to: d("2024-01-14"),
    };
    let (fit, stats) = fit_file(&log, LogFormat::Csv, range, FitOptions::default()).unwrap();
    assert_eq!(
        (fit.first_day, fit.last_day),
        (d("2024-01-08").unwrap(), d("2024-01-14").unwrap())
    );
    assert!(stats.kept < stats.rows / 3);
    let none = DateRange {
        from: d("2030-01-01"),
        to: None,
    };
    let e = fit_file(&log, LogFormat::Csv, none, FitOptions::default()).unwrap_err();
    assert!(e.message.contains("nothing to fit"), "{e}");
}

#[test]
fn weekday_schedules_and_demand_are_followed_and_validated() {
    let m = truth();
    let slots = m.slots_per_day;
    let at = |day: usize, slot: usize| m.teams[0].agents[day * slots + slot];
    // 10:00 (slot 20): 6 agents Monday to Friday, 3 on Saturday, none on closed Sunday.
    assert_eq!(
        (0..7).map(|d| at(d, 20)).collect::<Vec<_>>(),
        [6, 6, 6, 6, 6, 3, 0]
    );
    let rate = |day: usize, slot: usize| match &m.channels[0].arrivals {
        tiersim::model::ArrivalModel::Rates(r) => r[day * slots + slot] * 1800.0,
        _ => unreachable!(),
    };
    // ByDay spreads each weekday's volume over its open intervals: 400/20 and 100/8.
    assert!(
        (rate(2, 20) - 20.0).abs() < 1e-9
            && (rate(5, 20) - 12.5).abs() < 1e-9
            && rate(6, 20) == 0.0
    );

    let bad = TRUTH.replace(
        "(days: [Sat], agents: 3)",
        "(days: [Sat], agents: 3), (days: [Sat, Sun], agents: 1)",
    );
    let (s, src) = parse("bad.ron".as_ref(), bad).unwrap();
    let e = compile(&s, &src).unwrap_err().to_string();
    assert!(
        e.contains("schedule_by_day[1]") && e.contains("Sat is in more than one entry"),
        "{e}"
    );
    let bad = TRUTH.replace("(days: [Sat], per_day: 100)", "(days: [Fri], per_day: 100)");
    let (s, src) = parse("bad.ron".as_ref(), bad).unwrap();
    let e = compile(&s, &src).unwrap_err().to_string();
    assert!(
        e.contains("arrivals[1]") && e.contains("Fri is in more than one group"),
        "{e}"
    );
    let bad = TRUTH.replace(
        "schedule_by_day: [(days: [Sat], agents: 3)]",
        "schedule_by_day: [(days: [Sat], schedule: [(\"12:00\", 2), (\"11:00\", 1)])]",
    );
    let (s, src) = parse("bad.ron".as_ref(), bad).unwrap();
    let e = compile(&s, &src).unwrap_err().to_string();
    assert!(e.contains("increasing time order"), "{e}");

    // Sweeping `teams.desk.add` shifts the weekday entries too; `demand` scales every group.
    let (s, _) = parse("truth.ron".as_ref(), TRUTH.to_string()).unwrap();
    let t = tiersim::experiment::apply(
        &s,
        &[("teams.desk.add".into(), 2.0), ("demand".into(), 0.5)],
    )
    .unwrap();
    assert_eq!(t.teams[0].agents, 8);
    assert_eq!(t.teams[0].schedule_by_day[0].agents, Some(5));
    match t.channels[0].arrivals.as_ref().unwrap() {
        tiersim::scenario::Arrivals::ByDay(g) => {
            assert_eq!((g[0].per_day, g[1].per_day), (200.0, 50.0))
        }
        _ => unreachable!(),
    }
}

#[test]
fn a_staffed_scenario_drops_weekday_entries_that_would_override_it() {
    let (s, src) = parse("truth.ron".as_ref(), TRUTH.to_string()).unwrap();
    let m = compile(&s, &src).unwrap();
    let staffing = tiersim::experiment::Staffing {
        levels: vec![vec![7; m.slots_per_day]],
    };
    let text = tiersim::report::staff::staffed_scenario(&s, &m, &staffing).unwrap();
    let (s2, src2) = parse("staffed.ron".as_ref(), text).unwrap();
    let m2 = compile(&s2, &src2).unwrap();
    // Saturday at 10:00 gets the 7 agents found, not the 3 of the weekday entry.
    assert_eq!(m2.teams[0].agents[5 * m.slots_per_day + 20], 7);
}
