//! Sweeps: results independent of thread count, shards merged equal a single run byte for
//! byte, an interrupted sweep resumes without recomputing finished points, and a changed
//! scenario is refused rather than mixed with old results.

use std::path::Path;
use std::process::Command;

const EXE: &str = env!("CARGO_BIN_EXE_tiersim");

/// A small grid on the M/M/c validation scenario: 3 x 2 points, 3 replications, 2 days.
fn sweep(out: &Path, extra: &[&str]) -> std::process::Output {
    let mut c = Command::new(EXE);
    c.args([
        "sweep",
        "--scenario",
        "scenarios/validation/mmc.ron",
        "--set",
        "teams.agents.agents=9..11",
        "--set",
        "demand=0.9,1.0",
        "-n",
        "3",
        "--days",
        "2",
        "--out",
    ])
    .arg(out)
    .args(extra)
    .env_remove("SLURM_ARRAY_TASK_ID")
    .env_remove("JOB_COMPLETION_INDEX");
    let o = c.output().unwrap();
    assert!(
        o.status.success(),
        "sweep failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn results_do_not_depend_on_thread_count() {
    let d = tempfile::tempdir().unwrap();
    let (a, b) = (d.path().join("t1"), d.path().join("t2"));
    sweep(&a, &["--threads", "1"]);
    sweep(&b, &["--threads", "2"]);
    assert_eq!(read(&a.join("sweep.csv")), read(&b.join("sweep.csv")));
}

#[test]
fn shards_merged_equal_a_single_run() {
    let d = tempfile::tempdir().unwrap();
    let single = d.path().join("single");
    sweep(&single, &[]);
    let shards: Vec<_> = (0..3).map(|k| d.path().join(format!("shard{k}"))).collect();
    // Three separate processes, as three array tasks would run them.
    for (k, dir) in shards.iter().enumerate() {
        let o = sweep(dir, &["--shard", &format!("{k}/3")]);
        assert!(String::from_utf8_lossy(&o.stdout).contains("shard done"));
        assert!(
            !dir.join("sweep.csv").exists(),
            "a shard alone must not write final results"
        );
    }
    let merged = d.path().join("merged");
    let o = Command::new(EXE)
        .arg("merge")
        .args(&shards)
        .arg("--out")
        .arg(&merged)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        read(&single.join("sweep.csv")),
        read(&merged.join("sweep.csv"))
    );
    assert_eq!(
        read(&single.join("sweep.json")),
        read(&merged.join("sweep.json"))
    );
}

#[test]
fn shard_index_comes_from_slurm_array_variables() {
    let d = tempfile::tempdir().unwrap();
    let o = Command::new(EXE)
        .args([
            "sweep",
            "--scenario",
            "scenarios/validation/mmc.ron",
            "--set",
            "teams.agents.agents=9..11",
            "-n",
            "2",
            "--days",
            "1",
            "--out",
        ])
        .arg(d.path())
        .env("SLURM_ARRAY_TASK_ID", "1")
        .env("SLURM_ARRAY_TASK_COUNT", "2")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("shard 1/2: 1 points"));
    let points: Vec<_> = std::fs::read_dir(d.path().join("points"))
        .unwrap()
        .collect();
    assert_eq!(
        points.len(),
        1,
        "shard 1 of 2 over 3 points runs point 1 only"
    );
}

#[test]
fn merge_refuses_incomplete_shards() {
    let d = tempfile::tempdir().unwrap();
    let s0 = d.path().join("s0");
    sweep(&s0, &["--shard", "0/2"]);
    let o = Command::new(EXE).arg("merge").arg(&s0).output().unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("points are missing"));
}

#[test]
fn interrupted_sweep_resumes_without_recomputing_finished_points() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("s");
    sweep(&out, &[]);
    let full = read(&out.join("sweep.csv"));
    // As if the run had been killed after four points: two point files and the final
    // outputs are missing.
    for f in [
        "points/point-00001.json",
        "points/point-00004.json",
        "sweep.csv",
        "sweep.json",
    ] {
        std::fs::remove_file(out.join(f)).unwrap();
    }
    let kept = out.join("points/point-00000.json");
    let before = std::fs::metadata(&kept).unwrap().modified().unwrap();
    let o = sweep(&out, &[]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("4 already done, computing 2"), "{err}");
    assert_eq!(
        std::fs::metadata(&kept).unwrap().modified().unwrap(),
        before,
        "finished points are not rewritten"
    );
    assert_eq!(
        read(&out.join("sweep.csv")),
        full,
        "the resumed sweep gives the same results"
    );
}

#[test]
fn changed_scenario_is_not_mixed_with_old_results() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("s");
    sweep(&out, &[]);
    let o = Command::new(EXE)
        .args([
            "sweep",
            "--scenario",
            "scenarios/validation/mmc.ron",
            "--set",
            "teams.agents.agents=9..11",
            "--set",
            "demand=0.9,1.0",
            "-n",
            "4",
            "--days",
            "2",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("Refusing to mix them"));
}

#[test]
fn sweep_plots_are_written_and_name_the_scenario() {
    let d = tempfile::tempdir().unwrap();
    sweep(d.path(), &[]);
    let svg = String::from_utf8(read(&d.path().join("sweep_response_mean.svg"))).unwrap();
    // Readable names: the KPI, and the parameter with its team (here the team is `agents`).
    assert!(svg.contains("mmc: response mean vs agents agents"), "{svg}");
    assert!(
        svg.contains("demand (x) = 0.9") && svg.contains("demand (x) = 1"),
        "one line per value of the second parameter"
    );
    // Agent counts are whole numbers: no tick between them is labelled.
    let labels: Vec<&str> = svg
        .split("</text>")
        .filter_map(|p| p.rsplit_once('>').map(|(_, t)| t.trim()))
        .collect();
    assert!(labels.contains(&"10"));
    assert!(
        !labels
            .iter()
            .any(|l| ["9.5", "10.5", "9.2", "10.2"].contains(l))
    );
    let heat = String::from_utf8(read(&d.path().join("heatmap_service_level_20s.svg"))).unwrap();
    assert!(heat.len() > 1000);
    assert!(
        std::fs::metadata(d.path().join("sweep_utilisation.png"))
            .unwrap()
            .len()
            > 1000
    );
}

#[test]
fn merge_does_not_depend_on_how_shards_named_the_scenario() {
    let d = tempfile::tempdir().unwrap();
    let run = |scenario: &str, out: &Path, shard: Option<&str>| {
        let mut c = Command::new(EXE);
        c.args([
            "sweep",
            "--scenario",
            scenario,
            "--set",
            "teams.agents.agents=9..10",
            "-n",
            "2",
            "--days",
            "1",
            "--out",
        ])
        .arg(out);
        if let Some(s) = shard {
            c.args(["--shard", s]);
        }
        let o = c
            .env_remove("SLURM_ARRAY_TASK_ID")
            .env_remove("JOB_COMPLETION_INDEX")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    let single = d.path().join("single");
    run("scenarios/validation/mmc.ron", &single, None);
    let (s0, s1) = (d.path().join("s0"), d.path().join("s1"));
    run("./scenarios/validation/mmc.ron", &s0, Some("0/2"));
    run(
        "scenarios/../scenarios/validation/mmc.ron",
        &s1,
        Some("1/2"),
    );
    let merged = d.path().join("merged");
    let o = Command::new(EXE)
        .arg("merge")
        .args([&s0, &s1])
        .arg("--out")
        .arg(&merged)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        read(&single.join("sweep.json")),
        read(&merged.join("sweep.json"))
    );
}

/// Shared pools are swept like teams: `pools.NAME.agents`, `pools.NAME.add` (every interval,
/// weekday schedules included), any numeric pool field by path; `agents` of a pool with a
/// schedule is refused as for a team. The sweep's outcome moves as it should: fewer experts,
/// busier experts.
#[test]
fn sweeps_vary_shared_pools() {
    use tiersim::experiment::{Plan, apply};
    use tiersim::stats::{Kpi, Scope};
    let (s, src) = tiersim::scenario::load("scenarios/vendor-skills.ron".as_ref()).unwrap();
    let t = apply(&s, &[("pools.experts.agents".into(), 11.0)]).unwrap();
    assert_eq!(t.pools[4].agents, 11);
    let t = apply(
        &s,
        &[("pools.desk.skills.platform.proficiency".into(), 1.6)],
    )
    .unwrap();
    assert_eq!(t.pools[0].skills["platform"].proficiency, 1.6);
    // A pool with a schedule and a weekday schedule: `add` shifts every entry.
    let mut sched = s.clone();
    sched.pools[4].schedule = vec![(tiersim::scenario::Clock::parse("12:00").unwrap(), 10)];
    sched.pools[4].schedule_by_day = vec![tiersim::scenario::DaySchedule {
        days: vec![tiersim::scenario::Weekday::Fri],
        agents: None,
        schedule: vec![(tiersim::scenario::Clock::parse("14:00").unwrap(), 4)],
    }];
    let t = apply(&sched, &[("pools.experts.add".into(), -2.0)]).unwrap();
    let p = &t.pools[4];
    assert_eq!((p.agents, p.schedule[0].1), (13, 8));
    assert_eq!(
        (
            p.schedule_by_day[0].agents,
            p.schedule_by_day[0].schedule[0].1
        ),
        (Some(13), 2)
    );
    let e = apply(&sched, &[("pools.experts.agents".into(), 9.0)]).unwrap_err();
    assert!(e.contains("pool `experts` has a staffing schedule"), "{e}");
    let e = apply(&s, &[("pools.nobody.add".into(), 1.0)]).unwrap_err();
    assert!(e.contains("no pool `nobody`"), "{e}");
    // As a sweep plan, and run: the experts' utilisation falls as experts are added.
    let grid = [tiersim::experiment::Param {
        path: "pools.experts.add".into(),
        values: vec![-3.0, 3.0],
    }];
    let plan = Plan::new(s, src, &grid, vec![], 2, 1, Some(5)).unwrap();
    let util: Vec<f64> = (0..2)
        .map(|i| {
            let m = plan.model(i).unwrap();
            let experts = (0..m.n_pools())
                .find(|&p| m.pool_name(tiersim::model::PoolId::at(p)) == "experts")
                .unwrap();
            let sum = tiersim::experiment::run(&m, 1, 2).unwrap();
            sum.get(Kpi::Utilisation, Scope::Pool(experts as u16))
                .unwrap()
                .mean
        })
        .collect();
    assert!(util[0] > util[1] + 0.05, "experts' utilisation {util:?}");
}

#[test]
fn point_files_of_an_earlier_version_are_still_used() {
    // Point files are now written compact; earlier versions wrote them pretty-printed. A
    // folder begun by an earlier version resumes with them and gives the same results.
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("s");
    sweep(&out, &[]);
    let full = read(&out.join("sweep.csv"));
    let json = read(&out.join("sweep.json"));
    for i in [0, 3] {
        let p = out.join(format!("points/point-0000{i}.json"));
        let v: serde_json::Value = serde_json::from_slice(&read(&p)).unwrap();
        std::fs::write(&p, serde_json::to_vec_pretty(&v).unwrap()).unwrap();
    }
    std::fs::remove_file(out.join("points/point-00005.json")).unwrap();
    std::fs::remove_file(out.join("sweep.csv")).unwrap();
    let o = sweep(&out, &[]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("5 already done, computing 1"), "{err}");
    assert_eq!(read(&out.join("sweep.csv")), full);
    assert_eq!(read(&out.join("sweep.json")), json);
}
