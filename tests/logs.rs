//! Contact logs: the Anonymous Bank excerpt reads as published, bad logs give located errors
//! (file, line, column, what was expected) and a non-zero exit, never a panic; and, when the
//! full two weeks are present, fit on 1-7 February and pilot on 8-14 February run end to end.

use std::path::{Path, PathBuf};
use std::process::Command;
use tiersim::logs::{self, CallOutcome, DateRange, LogFormat};

const EXCERPT: &str = "tests/data/anonymous-bank-excerpt.tsv";
const FULL: &str = "../shared/data/anonymous-bank/calls-1999-02-01-to-14.tsv";

fn tiersim(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tiersim"))
        .args(args)
        .output()
        .unwrap()
}

fn read(path: &Path, format: LogFormat) -> Result<Vec<logs::Call>, tiersim::error::InputError> {
    let mut calls = Vec::new();
    logs::read(path, format, DateRange::default(), &mut |c| {
        calls.push(c);
        Ok(())
    })?;
    Ok(calls)
}

#[test]
fn the_bank_excerpt_reads_as_published() {
    let calls = read(EXCERPT.as_ref(), LogFormat::AnonymousBank).unwrap();
    assert_eq!(calls.len(), 152);
    assert!(
        calls.windows(2).all(|w| w[0].start <= w[1].start),
        "handed on in time order"
    );
    // Row 2: served at once (no queue), by DORIT, 166 s.
    let first = calls.iter().find(|c| c.line == 2).unwrap();
    assert_eq!(
        (first.outcome, first.queue, first.handling()),
        (CallOutcome::Served, None, Some(166.0))
    );
    assert_eq!(first.wait(), Some(0.0));
    // Row 5: hung up after 5 s in the queue: an abandonment.
    let hang = calls.iter().find(|c| c.line == 5).unwrap();
    assert_eq!(
        (hang.outcome, hang.wait()),
        (CallOutcome::Abandoned, Some(5.0))
    );
    // A negative VRU time (clocks out of step): the call starts at the VRU exit.
    let skew = calls.iter().find(|c| c.line == 152).unwrap();
    assert_eq!(skew.start, skew.queue.unwrap().0);
}

/// Writes `text` to a file in `dir` and runs `tiersim fit` on it.
fn fit_error(dir: &Path, name: &str, format: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    let out_ron = dir.join("out.ron");
    let out = tiersim(&[
        "fit",
        path.to_str().unwrap(),
        "--format",
        format,
        "--out",
        out_ron.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!out.status.success(), "{name} was accepted");
    assert!(!err.contains("panicked"), "{name}: {err}");
    assert!(!out_ron.exists(), "{name}: a scenario was written");
    err
}

const HEADER: &str = "timestamp,channel,type,priority,queue_entry,queue_exit,service_start,service_end,outcome,agent,customer\n";
const ROW1: &str = "2024-01-01 08:00:00,phone,a,medium,2024-01-01 08:00:05,2024-01-01 08:00:30,2024-01-01 08:00:30,2024-01-01 08:05:00,served,ann,c1\n";
const ROW2: &str =
    "2024-01-01 08:01:00,phone,a,,2024-01-01 08:01:02,2024-01-01 08:02:00,,,abandoned,,c2\n";

#[test]
fn bad_generic_logs_give_located_errors() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let e = fit_error(
        dir,
        "cols.csv",
        "csv",
        &format!("{}{ROW1}", HEADER.replace(",outcome", ",result")),
    );
    assert!(
        e.contains("cols.csv:1:1: header: missing column `outcome`") && e.contains("found"),
        "{e}"
    );
    let e = fit_error(dir, "unsorted.csv", "csv", &format!("{HEADER}{ROW2}{ROW1}"));
    assert!(
        e.contains("unsorted.csv:3:1: timestamp: rows must be in time order"),
        "{e}"
    );
    let e = fit_error(
        dir,
        "midnight.csv",
        "csv",
        &format!("{HEADER}{}", ROW1.replacen("08:00:00", "24:10:00", 1)),
    );
    assert!(
        e.contains("midnight.csv:2:1: timestamp:") && e.contains("past midnight"),
        "{e}"
    );
    let e = fit_error(dir, "empty.csv", "csv", "");
    assert!(
        e.contains("empty.csv") && e.contains("missing column"),
        "{e}"
    );
    let e = fit_error(dir, "header.csv", "csv", HEADER);
    assert!(
        e.contains("header.csv: the log has no rows after the header"),
        "{e}"
    );
    let e = fit_error(
        dir,
        "outcome.csv",
        "csv",
        &format!("{HEADER}{ROW1}{}", ROW2.replace("abandoned", "transferred")),
    );
    assert!(
        e.contains("outcome.csv:3:1: outcome: unknown outcome code `transferred`"),
        "{e}"
    );
    let e = fit_error(
        dir,
        "order.csv",
        "csv",
        &format!("{HEADER}{}", ROW1.replace("08:05:00", "07:05:00")),
    );
    assert!(
        e.contains("order.csv:2:1: service_end:") && e.contains("is before"),
        "{e}"
    );
    let e = fit_error(
        dir,
        "short.csv",
        "csv",
        &format!("{HEADER}2024-01-01 08:00:00,phone\n"),
    );
    assert!(
        e.contains("short.csv:2:1:") && e.contains("expected 11 fields, found 2"),
        "{e}"
    );
}

#[test]
fn bad_bank_logs_give_located_errors() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    let text = std::fs::read_to_string(EXCERPT).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let with = |k: usize, new: &str| {
        let mut l = lines.clone();
        l[k] = new;
        l.join("\n") + "\n"
    };
    let e = fit_error(
        dir,
        "cols.tsv",
        "anonymous-bank",
        &with(0, &lines[0].replace("q_time", "wait")),
    );
    assert!(
        e.contains("cols.tsv:1:1: header: missing column `q_time`"),
        "{e}"
    );
    let bad = lines[4].replace("HANG", "XFER");
    let e = fit_error(dir, "outcome.tsv", "anonymous-bank", &with(4, &bad));
    assert!(
        e.contains(
            "outcome.tsv:5:1: outcome: unknown outcome code `XFER`; expected AGENT, HANG or PHANTOM"
        ),
        "{e}"
    );
    let bad = lines[1].replacen("7:02:47", "24:02:47", 1);
    let e = fit_error(dir, "midnight.tsv", "anonymous-bank", &with(1, &bad));
    assert!(
        e.contains("midnight.tsv:2:1: vru_entry:") && e.contains("past midnight"),
        "{e}"
    );
    let mut swapped = lines.clone();
    swapped.swap(2, 3);
    let e = fit_error(
        dir,
        "unsorted.tsv",
        "anonymous-bank",
        &(swapped.join("\n") + "\n"),
    );
    assert!(
        e.contains("unsorted.tsv:4:1: vru_entry: rows must be in time order (per `AA0101`)"),
        "{e}"
    );
    let e = fit_error(
        dir,
        "empty.tsv",
        "anonymous-bank",
        &(lines[0].to_string() + "\n"),
    );
    assert!(e.contains("no rows after the header"), "{e}");
    let bad = lines[1].replacen("990201", "990231", 1);
    let e = fit_error(dir, "date.tsv", "anonymous-bank", &with(1, &bad));
    assert!(
        e.contains("date.tsv:2:1: date: `990231` is not a calendar date"),
        "{e}"
    );
}

#[test]
fn fit_writes_a_scenario_that_validates_and_runs() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("excerpt.ron");
    let r = tiersim(&[
        "fit",
        EXCERPT,
        "--format",
        "anonymous-bank",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let v = tiersim(&["validate", out.to_str().unwrap()]);
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.contains("patience:") && text.contains("schedule_by_day:") && text.contains("n = ")
    );
    // A pilot over decades is refused before anything is simulated.
    let p = tiersim(&[
        "pilot",
        out.to_str().unwrap(),
        "--observed",
        EXCERPT,
        "--format",
        "anonymous-bank",
        "--from",
        "1999-01-01",
        "--to",
        "2020-01-01",
        "--out",
        d.path().join("p").to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&p.stderr);
    assert!(
        !p.status.success() && err.contains("a pilot covers 1 to 3660 dates"),
        "{err}"
    );
    assert!(!d.path().join("p").exists());
}

/// Fit on 1-7 February, pilot on 8-14 February (the README reports the coverage this prints).
/// Skipped, saying so, when the data set is not next to the project.
#[test]
fn real_data_fit_one_week_pilot_the_next() {
    let full = PathBuf::from(FULL);
    if !full.exists() {
        eprintln!(
            "SKIPPED: {FULL} is absent (the Anonymous Bank data set; see tests/data/README.md)"
        );
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let ron = d.path().join("bank-week1.ron");
    let r = tiersim(&[
        "fit",
        FULL,
        "--format",
        "anonymous-bank",
        "--from",
        "1999-02-01",
        "--to",
        "1999-02-07",
        "--out",
        ron.to_str().unwrap(),
    ]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let out = d.path().join("pilot");
    let p = tiersim(&[
        "pilot",
        ron.to_str().unwrap(),
        "--observed",
        FULL,
        "--format",
        "anonymous-bank",
        "--from",
        "1999-02-08",
        "--to",
        "1999-02-14",
        "-n",
        "100",
        "--calibration-replications",
        "0",
        "--out",
        out.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&p.stdout);
    assert!(p.status.success(), "{}", String::from_utf8_lossy(&p.stderr));
    eprintln!("{text}");
    let csv = std::fs::read_to_string(out.join("pilot.csv")).unwrap();
    assert!(csv.starts_with("window,kpi,observed,predicted_mean,pi_low,pi_high,inside"));
    // 7 dates x 4 KPIs.
    assert_eq!(csv.lines().count(), 1 + 28, "{csv}");
    assert!(
        out.join("pilot_abandon_rate.png").exists() && out.join("pilot_abandon_rate.svg").exists()
    );
}
