//! Comparing designs on common random numbers: identical designs differ by exactly zero, the
//! bundled redesign's improvements are significant, and the outputs and plots are written.

use std::process::Command;
use tiersim::experiment::compare;
use tiersim::model::{Model, load_model};
use tiersim::stats::Kpi;

fn model(path: &str, days: f64) -> Model {
    let mut m = load_model(path.as_ref()).unwrap();
    m.horizon = m.warmup + days * 86_400.0;
    m
}

#[test]
fn identical_designs_differ_by_exactly_zero() {
    let m = model("scenarios/after.ron", 5.0);
    let c = compare(vec![("a".into(), m.clone()), ("b".into(), m)], 3, 5).unwrap();
    assert!(c.paired);
    let mut n = 0;
    for r in &c.rows {
        if let Some(d) = r.diffs[1]
            && d.mean.is_finite()
        {
            assert_eq!(
                (d.mean, d.lo, d.hi),
                (0.0, 0.0, 0.0),
                "{} {} {}",
                r.kpi_name,
                r.scope,
                r.name
            );
            n += 1;
        }
    }
    assert!(n > 100, "compared {n} KPIs");
}

#[test]
fn redesign_differences_in_losses_and_waits_are_significant() {
    let c = compare(
        vec![
            ("before".into(), model("scenarios/before.ron", 10.0)),
            ("after".into(), model("scenarios/after.ron", 10.0)),
            (
                "after-staffed".into(),
                model("scenarios/after-staffed.ron", 10.0),
            ),
        ],
        1,
        8,
    )
    .unwrap();
    assert!(c.paired, "the three designs share their demand");
    let overall = |k: Kpi, design: usize| {
        c.rows
            .iter()
            .find(|r| r.kpi == k && r.scope == "overall")
            .unwrap()
            .diffs[design]
            .unwrap()
    };
    // The staffed redesign lowers losses, open problems and waits significantly.
    for k in [
        Kpi::IncidentsUnresolved,
        Kpi::Lost,
        Kpi::ResponseMean,
        Kpi::ResolutionMean,
    ] {
        let d = overall(k, 2);
        assert!(
            d.hi < 0.0,
            "{k:?}: the staffed redesign should lower it significantly, difference {d:?}"
        );
    }
    assert!(overall(Kpi::ServiceLevel(0), 2).lo > 0.0);
    // The redesign alone, with the old people plus two, does not help those who wait: the
    // three-person reception is swamped, so answers come later and more callers give up.
    for k in [Kpi::ResponseMean, Kpi::AbandonRate] {
        let d = overall(k, 1);
        assert!(
            d.lo > 0.0,
            "{k:?}: the redesign alone should be worse, {d:?}"
        );
    }
    // Pairing pays: the paired interval on lost contacts is narrower than the two designs'
    // own intervals combined.
    let lost = c
        .rows
        .iter()
        .find(|r| r.kpi == Kpi::Lost && r.scope == "overall")
        .unwrap();
    let (a, b) = (lost.values[0].unwrap(), lost.values[2].unwrap());
    assert!(lost.diffs[2].unwrap().half_width() < a.half_width() + b.half_width());
}

#[test]
fn different_demand_is_flagged_as_unpaired() {
    let a = model("scenarios/validation/mmc.ron", 2.0);
    let b = model("scenarios/validation/mmc_abandon.ron", 2.0);
    let c = compare(vec![("a".into(), a), ("b".into(), b)], 1, 4).unwrap();
    assert!(!c.paired);
    assert!(tiersim::report::compare::compare_table(&c).contains("NOT paired"));
}

#[test]
fn compare_command_writes_tables_and_plots() {
    let d = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_tiersim"))
        .args([
            "compare",
            "scenarios/before.ron",
            "scenarios/after.ron",
            "-n",
            "3",
            "--days",
            "3",
            "--out",
        ])
        .arg(d.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("seed-paired: yes") && out.contains("after - before"));
    let csv = std::fs::read_to_string(d.path().join("compare.csv")).unwrap();
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .starts_with("kpi,scope,name,unit,design,mean,ci_low,ci_high,diff_vs_first")
    );
    for stem in [
        "compare_rates",
        "compare_failures",
        "compare_times",
        "compare_utilisation",
        "compare_answer_cdf",
    ] {
        let svg = std::fs::read_to_string(d.path().join(format!("{stem}.svg"))).unwrap();
        assert!(
            svg.contains("before") && svg.contains("after"),
            "{stem}.svg names both designs"
        );
        assert!(
            std::fs::metadata(d.path().join(format!("{stem}.png")))
                .unwrap()
                .len()
                > 2000,
            "{stem}.png"
        );
    }
    // One queue chart per design, so that lines are told apart by team alone.
    for design in ["before", "after"] {
        let svg = std::fs::read_to_string(
            d.path()
                .join(format!("compare_queue_by_interval_{design}.svg")),
        )
        .unwrap();
        assert!(svg.contains(design));
    }
    let read = |stem: &str| std::fs::read_to_string(d.path().join(format!("{stem}.svg"))).unwrap();
    // The threshold is marked on the answer-time distribution, whose axis reads in time units.
    let cdf = read("compare_answer_cdf");
    assert!(cdf.contains("threshold 20.0 s"));
    assert!(texts(&cdf).iter().any(|t| t.ends_with(" min")));
    assert!(!cdf.contains("log10"));
    // Team names are not cut short; utilisation starts at zero.
    let util = read("compare_utilisation");
    assert!(util.contains("commercial") && !util.contains('…'));
    assert!(
        texts(&util).contains(&"0".to_string()),
        "utilisation axis starts at 0"
    );
    // Higher-is-better and lower-is-better KPIs on separate charts, with readable names.
    let (good, bad) = (read("compare_rates"), read("compare_failures"));
    assert!(good.contains("service level 20s") && !good.contains("abandon"));
    assert!(bad.contains("abandon rate") && !bad.contains("service level"));
    // Times on a log scale: the redesign's answer time is not flattened to zero.
    let times = read("compare_times");
    assert!(times.contains("log scale"));
    let labels = texts(&times);
    assert!(labels.iter().any(|t| t.ends_with(" min")) && labels.iter().any(|t| t.ends_with(" h")));
}

/// The text elements of an SVG written by plotters.
fn texts(svg: &str) -> Vec<String> {
    svg.split("</text>")
        .filter_map(|part| part.rsplit_once('>').map(|(_, t)| t.trim().to_string()))
        .collect()
}
