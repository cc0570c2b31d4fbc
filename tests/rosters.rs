//! Staffing beyond one daily schedule: weekday schedules followed exactly in `intervals.csv`,
//! shifts with breaks compiled to the hand-computed roster, temporary staff on a range of days,
//! and an external team paid per contact handled. Every check here is exact (rosters are
//! deterministic); the runs only add demand so that agents have work.

use std::collections::BTreeMap;
use std::process::Command;
use tiersim::engine::{RunOptions, simulate};
use tiersim::model::{Model, PoolId, compile};
use tiersim::scenario::parse;
use tiersim::stats::{Kpi, Scope};

fn model(text: &str) -> Model {
    let (s, src) = parse("rosters.ron".as_ref(), text.to_string()).unwrap();
    compile(&s, &src).unwrap()
}

fn compile_error(text: &str) -> String {
    let (s, src) = parse("rosters.ron".as_ref(), text.to_string()).unwrap();
    compile(&s, &src).unwrap_err().to_string()
}

/// One replication's KPIs by (kpi, scope).
fn kpis(m: &Model) -> BTreeMap<(String, String), f64> {
    let out = simulate(m, 7, 0, &RunOptions { trace: false }).unwrap();
    let mut k = BTreeMap::new();
    out.collector.kpis(m, |kpi, scope, v| {
        k.insert((format!("{kpi:?}"), format!("{scope:?}")), v);
    });
    k
}

fn get(k: &BTreeMap<(String, String), f64>, kpi: Kpi, scope: Scope) -> f64 {
    k[&(format!("{kpi:?}"), format!("{scope:?}"))]
}

/// Agents of a hand-written weekly roster: `agents` per (day, hour), one-hour intervals.
fn weekday_roster(day: usize, hour: usize) -> u32 {
    match day {
        // Mon-Thu: the team's agents and schedule.
        0..=3 => match hour {
            0..=7 => 2,
            8..=17 => 5,
            _ => 1,
        },
        // Fri: from 0 at midnight, 3 from 07:00, 0 from 14:00.
        4 => u32::from((7..14).contains(&hour)) * 3,
        // Sat: one agent all day; Sun: nobody.
        5 => 1,
        _ => 0,
    }
}

#[test]
fn weekday_schedules_are_followed_exactly_in_intervals_csv() {
    let text = r#"Scenario(name: "weekdays", calendar: (days: 14, interval: "1h"), incident_types: ["q"],
  channels: [(name: "mail", kind: Email, arrivals: Poisson(per_hour: 3), mix: {"q": 1.0}, entry: "T")],
  teams: [(name: "T", agents: 2, schedule: [("08:00", 5), ("18:00", 1)],
    schedule_by_day: [
      (days: [Fri], agents: 0, schedule: [("07:00", 3), ("14:00", 0)]),
      (days: [Sat], agents: 1),
      (days: [Sun], agents: 0),
    ],
    handling: {"*": Exponential(mean: "20min")}, routes: {"*": (resolve: 1.0)})])"#;
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("weekdays.ron");
    std::fs::write(&path, text).unwrap();
    let out = tmp.path().join("out");
    let run = Command::new(env!("CARGO_BIN_EXE_tiersim"))
        .args(["run", path.to_str().unwrap(), "-n", "2", "--quiet", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let mut rdr = csv::Reader::from_path(out.join("intervals.csv")).unwrap();
    let days = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let mut checked = BTreeMap::new();
    for row in rdr.records() {
        let row = row.unwrap();
        if &row[2] != "agents" || &row[3] != "T" {
            continue;
        }
        let hour: usize = row[1][..2].parse().unwrap();
        let value = &row[5];
        // Monday to Friday together: mean over the days someone was rostered.
        let expected: Option<f64> = match &row[0] {
            "weekday" => {
                let on: Vec<u32> = (0..5)
                    .map(|d| weekday_roster(d, hour))
                    .filter(|&a| a > 0)
                    .collect();
                (!on.is_empty()).then(|| f64::from(on.iter().sum::<u32>()) / on.len() as f64)
            }
            "all" => continue,
            name => {
                let d = days.iter().position(|x| *x == name).unwrap();
                Some(f64::from(weekday_roster(d, hour))).filter(|&a| a > 0.0)
            }
        };
        match expected {
            // Never rostered: no agents to average, an empty cell.
            None => assert_eq!(value, "", "{} {hour}:00 should be empty", &row[0]),
            Some(a) => {
                let v: f64 = value.parse().unwrap();
                assert!(
                    (v - a).abs() < 1e-9,
                    "{} {hour}:00: {v} agents, scheduled {a}",
                    &row[0]
                );
            }
        }
        *checked.entry(row[0].to_string()).or_insert(0) += 1;
    }
    // Every weekday apart (the rosters differ between Monday and Friday), every interval.
    for d in days.iter().chain(&["weekday"]) {
        assert_eq!(checked.get(*d), Some(&24), "intervals checked for {d}");
    }
}

const SHIFT_TEAM: &str = r#"Scenario(name: "shifts", calendar: (days: 7, interval: "15min"), incident_types: ["q"],
  channels: [(name: "mail", kind: Email, arrivals: Poisson(per_hour: 4), mix: {"q": 1.0}, entry: "T")],
  teams: [(name: "T", agents: 1,
    shifts: [
      (start: "08:00", length: "8h", breaks: [(at: "2h", length: "15min"), (at: "4h", length: "30min")],
       headcount: 3, days: [Mon, Tue, Wed, Thu, Fri]),
      (start: "22:00", length: "8h", headcount: 2, days: [Sun]),
    ],
    handling: {"*": Exponential(mean: "10min")}, routes: {"*": (resolve: 1.0)})])"#;

/// The roster the shifts above give, by hand: (days, from, to, agents on top of the base 1).
fn hand_roster() -> Vec<u32> {
    let slot = |hh: usize, mm: usize| hh * 4 + mm / 15;
    let mut week = vec![1u32; 7 * 96];
    let mut add = |day: usize, from: usize, to: usize, n: u32| {
        for s in from..to {
            week[day * 96 + s] += n;
        }
    };
    for d in 0..5 {
        add(d, slot(8, 0), slot(10, 0), 3); // 08:00-10:00
        add(d, slot(10, 15), slot(12, 0), 3); // break 10:00-10:15
        add(d, slot(12, 30), slot(16, 0), 3); // break 12:00-12:30, end 16:00
    }
    add(6, slot(22, 0), 96, 2); // Sunday 22:00 to midnight
    add(0, 0, slot(6, 0), 2); // ... and on into Monday 06:00
    week
}

#[test]
fn shifts_compile_to_the_hand_computed_roster() {
    let m = model(SHIFT_TEAM);
    assert_eq!(m.teams[0].agents, hand_roster());
    // Paid hours over the simulated week: the roster's agent-hours (1 x 168 base,
    // 5 x 3 x 7.25 h day shifts, 2 x 8 h night shift), plus overtime past a shift's end or
    // break start.
    let k = kpis(&m);
    let t = Scope::Team(0);
    let rostered = get(&k, Kpi::AgentHours, t) - get(&k, Kpi::OvertimeHours, t);
    assert!(
        (rostered - (168.0 + 5.0 * 3.0 * 7.25 + 16.0)).abs() < 1e-6,
        "{rostered}"
    );
}

#[test]
fn shift_breaks_off_the_interval_grid_are_refused_where_they_are_written() {
    let coarse = SHIFT_TEAM.replace("interval: \"15min\"", "interval: \"30min\"");
    let e = compile_error(&coarse);
    assert!(
        e.contains("teams[0] \"T\".shifts[0].breaks[0]") && e.contains("every 30 min"),
        "{e}"
    );
    assert!(e.contains("rosters.ron:"), "located: {e}");
    let long = SHIFT_TEAM.replace(
        "(at: \"4h\", length: \"30min\")",
        "(at: \"465min\", length: \"30min\")",
    );
    let e = compile_error(&long);
    assert!(
        e.contains("shifts[0].breaks[1]") && e.contains("end within the shift"),
        "{e}"
    );
    let overlap = SHIFT_TEAM.replace(
        "(at: \"4h\", length: \"30min\")",
        "(at: \"2h\", length: \"30min\")",
    );
    assert!(compile_error(&overlap).contains("overlaps an earlier break"));
    let day = SHIFT_TEAM.replace(
        "length: \"8h\", headcount: 2",
        "length: \"25h\", headcount: 2",
    );
    let e = compile_error(&day);
    assert!(e.contains("shifts[1].length") && e.contains("24"), "{e}");
}

const TEMP: &str = r#"Scenario(name: "temp", calendar: (days: 10, interval: "1h", warmup: "1d"), incident_types: ["q"],
  channels: [(name: "mail", kind: Email, arrivals: Poisson(per_hour: 2), mix: {"q": 1.0}, entry: "T")],
  teams: [(name: "T", agents: 2,
    temporary: [(first_day: 3, last_day: 5, agents: 4, from: "09:00", to: "17:00")],
    handling: {"*": Exponential(mean: "15min")}, routes: {"*": (resolve: 1.0)})])"#;

#[test]
fn temporary_staff_work_on_their_days_only() {
    let m = model(TEMP);
    // The warm-up is day 0; simulated day d covers absolute hours 24d..24(d+1).
    for k in 0..24 * 11 {
        let (day, hour) = (k / 24, k % 24);
        let extra = if (3..=5).contains(&day) && (9..17).contains(&hour) {
            4
        } else {
            0
        };
        assert_eq!(m.roster(PoolId::at(0), k), 2 + extra, "day {day} {hour}:00");
    }
    let hours = 2.0 * 24.0 * 10.0 + 4.0 * 8.0 * 3.0;
    assert!((m.agent_hours(0u16) - hours).abs() < 1e-9);
    let k = kpis(&m);
    let t = Scope::Team(0);
    let rostered = get(&k, Kpi::AgentHours, t) - get(&k, Kpi::OvertimeHours, t);
    assert!((rostered - hours).abs() < 1e-6, "{rostered} vs {hours}");
    // A team staffed only by temporary staff is warned about, saying so.
    let only = model(&TEMP.replace("agents: 2,", "agents: 0,"));
    let w = tiersim::model::warnings(&only);
    assert!(
        w.iter()
            .any(|w| w.kind == "no_agents" && w.message.contains("except temporary staff")),
        "{w:?}"
    );
    let e = compile_error(&TEMP.replace("last_day: 5", "last_day: 2"));
    assert!(
        e.contains("teams[0] \"T\".temporary[0].last_day") && e.contains("first_day"),
        "{e}"
    );
}

const OUTSOURCED: &str = r#"Scenario(name: "outsourced", calendar: (days: 5), incident_types: ["simple", "complex"],
  channels: [(name: "phone", kind: Phone, arrivals: Poisson(per_hour: 20), mix: {"simple": 0.85, "complex": 0.15}, entry: "ext")],
  teams: [
    (name: "ext", agents: 6, cost_per_contact: 4.5, handling: {"*": Exponential(mean: "8min")},
     routes: {"simple": (resolve: 1.0), "complex": (pass: {"int": 1.0})}),
    (name: "int", agents: 2, cost_per_hour: 30.0, handling: {"*": Exponential(mean: "20min")},
     routes: {"*": (resolve: 1.0)}),
  ])"#;

#[test]
fn an_external_team_costs_its_contacts_handled_times_its_price() {
    let m = model(OUTSOURCED);
    let k = kpis(&m);
    let (ext, int) = (Scope::Team(0), Scope::Team(1));
    let handled = get(&k, Kpi::Handled, ext);
    assert!(handled > 1000.0, "{handled}");
    let days = 5.0;
    let ext_cost = get(&k, Kpi::CostPerDay, ext) * days;
    assert!(
        (ext_cost - handled * 4.5).abs() < 1e-9 * ext_cost,
        "{ext_cost} vs {handled} x 4.5"
    );
    // The supplier's hours are not ours: overall agent-hours are the internal team's.
    let int_hours = get(&k, Kpi::AgentHours, int);
    assert!(int_hours >= 2.0 * 24.0 * days);
    assert_eq!(get(&k, Kpi::AgentHours, Scope::Overall), int_hours);
    let total = get(&k, Kpi::CostPerDay, Scope::Overall) * days;
    assert!((total - (handled * 4.5 + int_hours * 30.0)).abs() < 1e-9 * total);
    let resolved = get(&k, Kpi::IncidentsResolved, Scope::Overall);
    let per = get(&k, Kpi::CostPerResolvedIncident, Scope::Overall);
    assert!((per - total / resolved).abs() < 1e-9 * per);
    let both = OUTSOURCED.replace(
        "cost_per_contact: 4.5,",
        "cost_per_contact: 4.5, cost_per_hour: 20.0,",
    );
    let e = compile_error(&both);
    assert!(
        e.contains("teams[0] \"ext\".cost_per_contact") && e.contains("not both"),
        "{e}"
    );
}

#[test]
fn shared_pools_take_shifts_and_temporary_staff_too() {
    let text = r#"Scenario(name: "pool", calendar: (days: 7, interval: "1h"), incident_types: ["q"],
  channels: [(name: "mail", kind: Email, arrivals: Poisson(per_hour: 2), mix: {"q": 1.0}, entry: "T")],
  teams: [(name: "T", agents: 1, handling: {"*": Exponential(mean: "15min")}, routes: {"*": (resolve: 1.0)})],
  pools: [(name: "P", agents: 1, skills: {"T": ()},
    shifts: [(start: "09:00", length: "2h", headcount: 2, days: [Tue])],
    temporary: [(first_day: 4, last_day: 4, agents: 3, from: "12:00", to: "14:00")])])"#;
    let m = model(text);
    let pool = PoolId::at(1);
    for k in 0..24 * 7 {
        let (day, hour) = (k / 24, k % 24);
        let shift = if day == 1 && (9..11).contains(&hour) {
            2
        } else {
            0
        };
        // No warm-up: simulated day 4 is the fourth day, index 3 (Thursday).
        let temp = if day == 3 && (12..14).contains(&hour) {
            3
        } else {
            0
        };
        assert_eq!(m.shared_pools[0].agents[k], 1 + shift, "{day} {hour}:00");
        assert_eq!(m.roster(pool, k), 1 + shift + temp, "{day} {hour}:00");
    }
}

#[test]
fn a_staffed_scenario_replaces_the_shifts_it_was_found_from() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("staff");
    let run = Command::new(env!("CARGO_BIN_EXE_tiersim"))
        .args(["staff", "scenarios/case4-sizing.ron", "-q", "-n", "4"])
        .args(["--target", "service_level_20s>=80%", "--out"])
        .arg(&out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let path = out.join("case4-sizing-staffed.ron");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("shifts"), "{text}");
    // The staffing found is constant while open (no shift or break left on top of it).
    let m = tiersim::model::load_model(&path).unwrap();
    let open: Vec<u32> = (0..m.slots_per_day)
        .filter(|&s| m.open[s])
        .map(|s| m.teams[0].agents[s])
        .collect();
    assert!(
        open[0] > 0 && open.iter().all(|&a| a == open[0]),
        "{open:?}"
    );
}

/// A team whose only large roster is temporary staff (review finding: temporary staff and
/// shared pools escaped the duty-switch and agent bounds, so such a run hung instead of being
/// refused).
const TEMP_HEAVY: &str = r#"Scenario(name: "heavy", calendar: (days: 3000, interval: "30min"), incident_types: ["x"],
  channels: [(name: "phone", kind: Phone, arrivals: Daily(per_day: 10.0), mix: {"x": 1.0}, entry: "t")],
  teams: [(name: "t", agents: 1, availability: 0.5, duty_cycle: "1min",
    temporary: [(first_day: 1, last_day: 3000, agents: 99999)],
    handling: {"*": Exponential(mean: "5min")}, routes: {"*": (resolve: 1.0)})])"#;

#[test]
fn temporary_staff_and_shared_pools_count_towards_the_run_size_bounds() {
    // 99,999 temporary agents switching duties every minute for 3000 days: about 8.6e11
    // switches, far past the 1e10 allowed, as the same agents in `agents` would be.
    let e = compile_error(TEMP_HEAVY);
    assert!(e.contains("duty_cycle") && e.contains("switches"), "{e}");
    // The same rate of switching in a shared pool is refused too.
    let pool = TEMP_HEAVY
        .replace("agents: 1, availability: 0.5, duty_cycle: \"1min\",", "agents: 1,")
        .replace(
            "temporary: [(first_day: 1, last_day: 3000, agents: 99999)],\n    handling",
            "handling",
        )
        .replace(
            "routes: {\"*\": (resolve: 1.0)})])",
            "routes: {\"*\": (resolve: 1.0)})],\n  pools: [(name: \"P\", agents: 100000, availability: 0.5, duty_cycle: \"1min\", skills: {\"t\": ()})])",
        );
    assert!(pool.contains("pools: [(name: \"P\""), "{pool}");
    let e = compile_error(&pool);
    assert!(e.contains("duty_cycle") && e.contains("switches"), "{e}");
    // A short run with few temporary agents is fine.
    let small = TEMP_HEAVY
        .replace("days: 3000", "days: 5")
        .replace("last_day: 3000, agents: 99999", "last_day: 5, agents: 10");
    model(&small);
    // Temporary staff on top of the roster stay within the agents bound (100,000 at once),
    // counting only entries that overlap in day and hour.
    let over = small.replace(
        "temporary: [(first_day: 1, last_day: 5, agents: 10)]",
        "temporary: [(first_day: 1, last_day: 3, agents: 60000, from: \"08:00\", to: \"12:00\"), \
         (first_day: 3, last_day: 5, agents: 40000, from: \"11:00\", to: \"18:00\")]",
    );
    let e = compile_error(&over);
    assert!(
        e.contains("teams[0] \"t\".temporary") && e.contains("rosters.ron:"),
        "{e}"
    );
    let apart = over.replace("from: \"11:00\"", "from: \"12:00\"");
    model(&apart);
}

#[test]
fn temporary_staff_after_the_last_simulated_day_are_warned_about() {
    // TEMP runs 10 days after a one-day warm-up: day 10 is its last simulated day.
    let input = |m: &Model| -> Vec<String> {
        tiersim::model::warnings(m)
            .into_iter()
            .filter(|w| w.kind == "input")
            .map(|w| w.message)
            .collect()
    };
    let last = model(&TEMP.replace("first_day: 3, last_day: 5", "first_day: 10, last_day: 12"));
    assert!(input(&last).is_empty(), "{:?}", input(&last));
    let after = model(&TEMP.replace("first_day: 3, last_day: 5", "first_day: 11, last_day: 12"));
    let w = input(&after);
    assert!(
        w.len() == 1
            && w[0].contains("teams[0] \"T\".temporary[0]")
            && w[0].contains("last simulated day (10)"),
        "{w:?}"
    );
    // On the last simulated day (absolute day 10) they are not on yet, as the warning says.
    assert_eq!(after.roster(PoolId::at(0), 24 * 10 + 12), 2);
    assert_eq!(last.roster(PoolId::at(0), 24 * 10 + 12), 6);
}

#[test]
fn an_edge_off_the_grid_is_told_an_interval_that_fits_it() {
    // Review finding: the message suggested "15min" or "5min" whatever the edge, so a shift
    // starting at 22:10 on a 15-minute grid was told to use 15 minutes.
    let start = compile_error(&SHIFT_TEAM.replace("\"22:00\"", "\"22:10\""));
    assert!(
        start.contains("shifts[1].start") && start.contains("set calendar.interval to \"5min\""),
        "{start}"
    );
    // A 15-minute break on a 30-minute grid: 15 minutes fits.
    let coarse = compile_error(&SHIFT_TEAM.replace("interval: \"15min\"", "interval: \"30min\""));
    assert!(
        coarse.contains("breaks[0]") && coarse.contains("set calendar.interval to \"15min\""),
        "{coarse}"
    );
    // A temporary staff hour at 09:20 on an hourly grid: 20 minutes.
    let temp = compile_error(&TEMP.replace("from: \"09:00\"", "from: \"09:20\""));
    assert!(
        temp.contains("temporary[0].from") && temp.contains("set calendar.interval to \"20min\""),
        "{temp}"
    );
}

#[test]
fn the_peak_roster_counts_temporary_staff() {
    // Review finding: the teams table's peak `agents` was the weekly roster's only, so a team
    // staffed by temporary staff alone showed 0 agents next to its agent-hours.
    let pool = PoolId::at(0);
    let brute = |m: &Model| {
        let slots = (m.horizon / m.interval).round() as usize;
        let weekly = m.teams[0].agents.iter().copied().max().unwrap();
        (0..slots).map(|k| m.roster(pool, k)).fold(weekly, u32::max)
    };
    let only = model(&TEMP.replace("agents: 2,", "agents: 0,"));
    assert_eq!(only.roster_peak(pool), 4);
    let inputs = tiersim::report::tidy::Inputs::of(&only);
    assert_eq!(inputs.teams[0].agents_peak, 4);
    // Entries overlapping on a weekend day of a weekday schedule (closed Sat/Sun would hide
    // them), and entries after the run (never on): the peak is the brute-force one.
    let mixed = model(&TEMP.replace(
        "temporary: [(first_day: 3, last_day: 5, agents: 4, from: \"09:00\", to: \"17:00\")]",
        "schedule_by_day: [(days: [Sat], agents: 5)],
         temporary: [(first_day: 3, last_day: 9, agents: 4, from: \"09:00\", to: \"17:00\"),
                     (first_day: 5, last_day: 5, agents: 3, from: \"16:00\", to: \"18:00\"),
                     (first_day: 40, last_day: 50, agents: 90)]",
    ));
    assert_eq!(mixed.roster_peak(pool), brute(&mixed));
    // Day 5 (a Saturday: the warm-up, day 0, is a Monday) has 5 + 4 + 3 at 16:00.
    assert_eq!(mixed.roster_peak(pool), 12);
}
