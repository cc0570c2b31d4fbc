//! Command-line behaviour: `--format json` prints one JSON document on stdout for every
//! command, `--quiet` silences the file list, completions, and readable staffed scenarios.

use std::process::Command;

fn tiersim(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tiersim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("tiersim runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(args: &[&str]) -> serde_json::Value {
    let (ok, out, err) = tiersim(args);
    assert!(ok, "tiersim {args:?}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("tiersim {args:?}: not JSON ({e}): {out}"))
}

#[test]
fn every_command_prints_json_on_request() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = |n: &str| tmp.path().join(n).to_string_lossy().into_owned();
    let mmc = "scenarios/validation/mmc.ron";
    let run = json(&[
        "run",
        mmc,
        "-n",
        "2",
        "--days",
        "1",
        "--out",
        &dir("run"),
        "--format",
        "json",
    ]);
    assert!(run["kpis"].as_array().is_some_and(|k| !k.is_empty()));
    let cmp = json(&[
        "compare",
        mmc,
        mmc,
        "-n",
        "2",
        "--days",
        "1",
        "--out",
        &dir("cmp"),
        "--format",
        "json",
    ]);
    assert!(
        cmp.as_array()
            .is_some_and(|r| r.iter().all(|r| r["diff_vs_first"] != 1.0))
    );
    let erl = json(&[
        "erlang", "--rate", "120/h", "--aht", "4min", "--format", "json",
    ]);
    assert_eq!(erl["required"][0]["model"], "erlang_c");
    let val = json(&["validate", mmc, "--format", "json"]);
    assert_eq!(val[0]["ok"], true);
    let rep = json(&["report", &dir("run"), "--format", "json"]);
    assert!(rep["wrote"].as_str().unwrap().ends_with("report.html"));
    let sw = json(&[
        "sweep",
        "--scenario",
        mmc,
        "--set",
        "demand=0.9,1",
        "-n",
        "2",
        "--days",
        "1",
        "--out",
        &dir("sw"),
        "--format",
        "json",
        "-q",
    ]);
    assert_eq!(sw["points"].as_array().unwrap().len(), 2);
    let staff = json(&[
        "staff",
        mmc,
        "--target",
        "service_level_20s>=50%",
        "-n",
        "2",
        "--days",
        "1",
        "--out",
        &dir("staff"),
        "--format",
        "json",
    ]);
    assert!(
        staff["staffing"]
            .as_array()
            .is_some_and(|s| s.iter().all(|r| r["required"].is_u64()))
    );
    // The staffed scenario keeps durations readable: no "86400s"-style values.
    let staffed = std::fs::read_dir(dir("staff"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with("-staffed.ron"))
        .expect("a staffed scenario");
    let text = std::fs::read_to_string(staffed).unwrap();
    for quoted in text.split('"').skip(1).step_by(2) {
        if let Some(n) = quoted.strip_suffix('s').and_then(|n| n.parse::<f64>().ok()) {
            assert!(
                n < 60.0,
                "unreadable duration \"{quoted}\" in the staffed scenario"
            );
        }
    }
}

#[test]
fn quiet_hides_the_file_list_and_replications_csv_is_tidy() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let args = [
        "run",
        "scenarios/validation/mmc.ron",
        "-n",
        "3",
        "--days",
        "1",
        "--out",
    ];
    let (ok, loud, _) = tiersim(&[&args[..], &[out.to_str().unwrap()]].concat());
    assert!(ok && loud.contains("wrote "));
    let (ok, quiet, _) = tiersim(&[&args[..], &[out.to_str().unwrap(), "--quiet"]].concat());
    assert!(ok && !quiet.contains("wrote ") && quiet.contains("replications"));
    let reps = std::fs::read_to_string(out.join("replications.csv")).unwrap();
    let mut lines = reps.lines();
    assert_eq!(lines.next(), Some("replication,kpi,scope,name,unit,value"));
    let arrived: Vec<&str> = lines.filter(|l| l.contains(",arrived,overall,")).collect();
    assert_eq!(arrived.len(), 3, "one row per replication");
    let iv = std::fs::read_to_string(out.join("intervals.csv")).unwrap();
    assert!(iv.starts_with("day_type,start,series,name,unit,value,ci_low,ci_high"));
    assert!(iv.contains("\nweekday,") && iv.contains("\nall,"));
    // One replication: no ± it cannot fill.
    let mmc = "scenarios/validation/mmc.ron";
    let out = out.to_str().unwrap();
    let (ok, one, _) = tiersim(&["run", mmc, "-n", "1", "--days", "1", "-q", "--out", out]);
    assert!(
        ok && !one.contains('±') && one.contains("no confidence intervals"),
        "{one}"
    );
}

/// Undefined numbers (a confidence interval from one replication, a closed interval's service
/// level) are empty cells in kpis.csv and intervals.csv, as in replications.csv, never `NaN`
/// or `inf` that a spreadsheet would read as text.
#[test]
fn csv_outputs_leave_undefined_numbers_empty() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().to_str().unwrap();
    let (ok, _, err) = tiersim(&[
        "run",
        "scenarios/after.ron",
        "-n",
        "1",
        "--days",
        "1",
        "-q",
        "--out",
        out,
    ]);
    assert!(ok, "{err}");
    for f in ["kpis.csv", "intervals.csv", "replications.csv"] {
        let text = std::fs::read_to_string(tmp.path().join(f)).unwrap();
        for bad in ["NaN", "inf"] {
            assert!(
                !text.split([',', '\n']).any(|c| c.eq_ignore_ascii_case(bad)),
                "{f} holds `{bad}`"
            );
        }
    }
    let kpis = std::fs::read_to_string(tmp.path().join("kpis.csv")).unwrap();
    let arrived = kpis
        .lines()
        .find(|l| l.starts_with("arrived,overall,all,"))
        .unwrap();
    let cells: Vec<&str> = arrived.split(',').collect();
    assert!(cells[4].parse::<f64>().unwrap() > 0.0, "{arrived}");
    assert_eq!(
        &cells[5..8],
        ["", "", ""],
        "no interval from one replication"
    );
    assert_eq!(cells[8], "1");
}

#[test]
fn completions_are_printed_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let (ok, out, _) = tiersim(&["completions", shell]);
        assert!(
            ok && out.contains("tiersim") && out.contains("compare"),
            "{shell}"
        );
    }
}
