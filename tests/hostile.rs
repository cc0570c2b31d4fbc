//! Hostile and extreme input (issue 7): one test per finding, named after it. Each pins the
//! behaviour that was once wrong: a write outside the output folder, a followed symlink, an
//! override that skipped validation, a run that never ended, a panic, unbounded memory, mixed
//! output sets, silent acceptance, and misleading messages.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::mpsc;
use std::time::Duration;
use tiersim::error::{Error, InputError};
use tiersim::model::{Model, compile};
use tiersim::scenario::parse;

/// A small desk: phone into one team, everything resolved there.
const BASE: &str = r#"Scenario(
    name: "desk",
    calendar: (days: 1),
    incident_types: ["q"],
    channels: [
        (name: "phone", kind: Phone, arrivals: Poisson(per_hour: 10), mix: {"q": 1.0}, entry: "T", lines: 4),
    ],
    teams: [
        (name: "T", agents: 2, handling: {"*": Exponential(mean: "5min")}, routes: {"*": (resolve: 1.0)}),
    ],
)
"#;

fn edit(from: &str, to: &str) -> String {
    assert_eq!(BASE.matches(from).count(), 1, "{from:?} must occur once");
    BASE.replacen(from, to, 1)
}

fn model_at(path: &Path, text: &str) -> Result<Model, InputError> {
    let (s, src) = parse(path, text.to_string())?;
    compile(&s, &src)
}

fn model(text: &str) -> Result<Model, InputError> {
    model_at("case.ron".as_ref(), text)
}

fn rejected(text: &str) -> InputError {
    match model(text) {
        Ok(_) => panic!("must be rejected:\n{text}"),
        Err(e) => e,
    }
}

fn tiersim(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tiersim"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("cannot start tiersim")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn fails_with(o: &Output, parts: &[&str]) {
    let err = stderr(o);
    assert!(!o.status.success(), "must fail: {err}");
    assert!(!err.contains("panicked"), "{err}");
    for p in parts {
        assert!(err.contains(p), "stderr must contain {p:?}: {err}");
    }
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Runs `f` on another thread and fails if it takes longer than `limit` (a hang).
fn within<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(limit)
        .unwrap_or_else(|_| panic!("did not finish within {limit:?}"))
}

/// Writes `text` as `scenario.ron` in a fresh folder.
fn case(text: &str) -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("scenario.ron");
    std::fs::write(&p, text).unwrap();
    (d, p)
}

#[test]
fn finding_1_path_traversal_through_name_is_refused_at_validation() {
    for bad in [
        "../../x",
        "/../../../x",
        "/tmp/x",
        "a/b",
        "a\\\\b",
        "..",
        ".hidden",
        "",
    ] {
        let text = edit(r#"name: "desk""#, &format!("name: \"{bad}\""));
        let e = rejected(&text);
        assert_eq!(e.field.as_deref(), Some("name"), "{e}");
        assert_eq!(
            e.at.map(|a| a.0),
            Some(2),
            "located on the name's line: {e}"
        );
    }
    // Through the command line: `run` (default folder) and `staff` (with --out) write nothing.
    let (d, p) = case(&edit(r#"name: "desk""#, r#"name: "../escaped""#));
    let o = tiersim(d.path(), &["run", p.to_str().unwrap(), "-n", "2"]);
    fails_with(&o, &["scenario.ron:2:", "name"]);
    let o = tiersim(
        d.path(),
        &[
            "staff",
            p.to_str().unwrap(),
            "--target",
            "abandon_rate<=5%",
            "--out",
            "out",
        ],
    );
    fails_with(&o, &["name"]);
    assert_eq!(names_in(d.path()), ["scenario.ron"]);
    assert!(!d.path().parent().unwrap().join("escaped").exists());
    // Ordinary names with spaces, digits and punctuation stay accepted.
    model(&edit(r#"name: "desk""#, r#"name: "Desk 2 (after)-v1.5""#)).unwrap();
}

#[test]
fn finding_2_temporary_files_are_exclusive_and_never_follow_a_planted_symlink() {
    let d = tempfile::tempdir().unwrap();
    let victim = d.path().join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    let out = d.path().join("out");
    std::fs::create_dir(&out).unwrap();
    // The old scheme's predictable name for this process, planted as a symlink.
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        &victim,
        out.join(format!(".kpis.csv.tmp{}", std::process::id())),
    )
    .unwrap();
    tiersim::report::write_atomic(&out.join("kpis.csv"), b"a,b\n").unwrap();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert_eq!(std::fs::read(out.join("kpis.csv")).unwrap(), b"a,b\n");
    // No temporary file is left behind.
    assert!(
        names_in(&out)
            .iter()
            .all(|n| !n.starts_with(tiersim::report::atomic::TMP_PREFIX)),
        "{:?}",
        names_in(&out)
    );
}

#[test]
fn finding_3_command_line_overrides_pass_the_same_validation_as_the_file() {
    let (d, p) = case(BASE);
    let sc = p.to_str().unwrap();
    let bound = "must be between 1 and 3650 days";
    let sweep = |args: &[&str]| {
        let mut all = vec!["sweep", "--scenario", sc];
        all.extend_from_slice(args);
        tiersim(d.path(), &all)
    };
    fails_with(&tiersim(d.path(), &["run", sc, "--days", "0"]), &[bound]);
    fails_with(&sweep(&["--set", "demand=1,2", "--days", "0"]), &[bound]);
    fails_with(
        &tiersim(
            d.path(),
            &["staff", sc, "--target", "abandon_rate<=5%", "--days", "0"],
        ),
        &[bound],
    );
    for v in ["NaN", "inf", "-inf"] {
        let set = format!("channels.phone.lines={v}");
        fails_with(&sweep(&["--set", &set]), &["not a finite number"]);
    }
    // The library path (sweep files) refuses them too, and bounds apply to swept values.
    let (s, _) = parse("case.ron".as_ref(), BASE.to_string()).unwrap();
    let e = tiersim::experiment::apply(&s, &[("channels.phone.lines".into(), f64::NAN)]);
    assert!(e.unwrap_err().contains("not a finite number"));
    fails_with(
        &sweep(&["--set", "teams.T.availability=5e-324"]),
        &["availability", "between 0.001 and 1"],
    );
    assert_eq!(names_in(d.path()), ["scenario.ron"], "nothing written");
}

#[test]
fn finding_4_valid_input_that_never_ends_is_bounded_or_stopped() {
    let e = rejected(&edit("agents: 2,", "agents: 2, availability: 5e-324,"));
    assert!(e.to_string().contains("availability"), "{e}");
    let e = rejected(&edit(
        "agents: 2,",
        r#"agents: 2, availability: 0.5, duty_cycle: "2ms","#,
    ));
    assert!(e.to_string().contains("duty_cycle"), "{e}");
    // The engine guard, for models that slip past validation: a duty rate overflowing to
    // infinity (every event at one instant) stops with a clear error instead of looping.
    let mut m = model(&edit("agents: 2,", "agents: 2, availability: 0.5,")).unwrap();
    m.teams[0].availability = 5e-324;
    let r = within(Duration::from_secs(120), move || {
        tiersim::engine::simulate(&m, 1, 0, &Default::default()).map(|_| ())
    });
    match r {
        Err(Error::Runaway(msg)) => assert!(msg.contains("clock stopped advancing"), "{msg}"),
        other => panic!("expected the guard to stop the run, got {other:?}"),
    }
    // A valid model passing contacts around in zero time (resolving only one time in a
    // billion) stalls the clock: stopped too.
    let looping = edit(
        r#"(name: "T", agents: 2, handling: {"*": Exponential(mean: "5min")}, routes: {"*": (resolve: 1.0)}),"#,
        r#"(name: "T", agents: 2, handling: {"*": Deterministic("0s")}, routes: {"*": (resolve: 1e-9, pass: {"U": 0.999999999})}),
        (name: "U", agents: 2, handling: {"*": Deterministic("0s")}, routes: {"*": (pass: {"T": 1.0})}),"#,
    );
    let m = model(&looping).unwrap();
    let r = within(Duration::from_secs(120), move || {
        tiersim::engine::simulate(&m, 1, 0, &Default::default()).map(|_| ())
    });
    assert!(matches!(r, Err(Error::Runaway(_))), "{r:?}");
    // The same in microsteps: the clock advances, but the event count passes the model's bound.
    let m =
        model(&looping.replace(r#"Deterministic("0s")"#, r#"Deterministic("0.000001s")"#)).unwrap();
    let r = within(Duration::from_secs(120), move || {
        tiersim::engine::simulate(&m, 1, 0, &Default::default()).map(|_| ())
    });
    match r {
        Err(Error::Runaway(msg)) => assert!(msg.contains("far more than this model"), "{msg}"),
        other => panic!("expected the event bound to stop the run, got {other:?}"),
    }
}

#[test]
fn finding_5_names_over_the_cap_are_refused_and_tables_never_panic() {
    let long = "x".repeat(70_000);
    for (from, to) in [
        (r#"name: "T""#, format!(r#"name: "{long}""#)),
        (r#"name: "phone""#, format!(r#"name: "{long}""#)),
    ] {
        let text = edit(from, &to).replace(r#"entry: "T""#, &format!(r#"entry: "{long}""#));
        let e = rejected(&text);
        assert!(e.to_string().contains("1 to 100 characters"), "{e}");
        assert!(e.at.is_some(), "{e}");
    }
    // At the cap, the run table lays out fine.
    let name = "y".repeat(100);
    let m = model(&BASE.replace(r#""T""#, &format!("\"{name}\""))).unwrap();
    let (layout, reps, _) = tiersim::experiment::run_replications(&m, 1, 0..2, false).unwrap();
    let s = tiersim::experiment::Summary::new(&m, layout, &reps);
    assert!(tiersim::report::table::run_table(&m, &s).contains(&name));
}

#[test]
fn finding_6_inputs_that_drive_memory_or_time_are_capped() {
    // A log that is a device, not a file.
    let e = rejected(&edit("Poisson(per_hour: 10)", r#"Log(file: "/dev/zero")"#));
    assert!(e.to_string().contains("not a regular file"), "{e}");
    // Volumes and team sizes.
    for (from, to, what) in [
        ("Poisson(per_hour: 10)", "Daily(per_day: 1e12)", "per_day"),
        (
            "Poisson(per_hour: 10)",
            "Poisson(per_hour: 1e9)",
            "per_hour",
        ),
        ("agents: 2,", "agents: 4000000000,", "agents"),
        ("lines: 4", "lines: 4000000000", "lines"),
    ] {
        let e = rejected(&edit(from, to));
        assert!(e.to_string().contains(what), "{e}");
    }
    // A long run of a large centre is refused before it starts, with the reason.
    let e = rejected(
        &edit("Poisson(per_hour: 10)", "Poisson(per_hour: 40000)").replace("days: 1", "days: 3650"),
    );
    assert!(e.to_string().contains("contacts per replication"), "{e}");
    // A sweep grid's size is checked before any point is built.
    let (s, src) = parse("case.ron".as_ref(), BASE.to_string()).unwrap();
    let big = |path: &str| tiersim::experiment::Param {
        path: path.into(),
        values: (0..100_001).map(f64::from).collect(),
    };
    let grid = [big("teams.T.agents"), big("channels.phone.lines")];
    let r = within(Duration::from_secs(60), move || {
        tiersim::experiment::Plan::new(s, src, &grid, vec![], 2, 1, None).map(|_| ())
    });
    assert!(
        r.unwrap_err()
            .to_string()
            .contains("more than the 100000 allowed"),
        "grid refused"
    );
    // --trace streams to disk: the file equals the trace kept in memory.
    let (d, p) = case(BASE);
    let o = tiersim(
        d.path(),
        &[
            "run",
            p.to_str().unwrap(),
            "-n",
            "3",
            "--out",
            "out",
            "--trace",
            "t.csv",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let m = model_at(&p, BASE).unwrap();
    let out =
        tiersim::engine::simulate(&m, 1, 0, &tiersim::engine::RunOptions { trace: true }).unwrap();
    assert!(out.trace.len() > 100);
    assert_eq!(
        std::fs::read(d.path().join("t.csv")).unwrap(),
        tiersim::report::tidy::trace_csv(&m, &out.trace).unwrap()
    );
}

#[test]
fn finding_7_output_sets_are_replaced_whole_and_a_second_writer_is_refused() {
    let (d, p) = case(BASE);
    let sc = p.to_str().unwrap();
    let run = |seed: &str| tiersim(d.path(), &["run", sc, "-n", "2", "--seed", seed]);
    assert!(run("1").status.success());
    let out = d.path().join("results/desk");
    // Leftovers of a rerun killed mid-way: a staging folder and a temporary file.
    std::fs::create_dir(d.path().join("results/.desk.new-killed")).unwrap();
    std::fs::write(out.join(".tiersim-tmp-killed.tmp"), "x").unwrap();
    assert!(run("2").status.success());
    let summary = std::fs::read_to_string(out.join("summary.json")).unwrap();
    assert!(
        summary.contains("\"seed\": 2"),
        "the whole set is the second run's"
    );
    assert_eq!(
        names_in(&out),
        [
            ".tiersim-output",
            "intervals.csv",
            "kpis.csv",
            "replications.csv",
            "report.html",
            "run_agents_by_interval.png",
            "run_agents_by_interval.svg",
            "run_answer_cdf.png",
            "run_answer_cdf.svg",
            "run_queue_by_interval.png",
            "run_queue_by_interval.svg",
            "run_service_level_by_interval.png",
            "run_service_level_by_interval.svg",
            "summary.json"
        ]
    );
    assert_eq!(
        names_in(&d.path().join("results")),
        ["desk"],
        "nothing stale left"
    );
    // A second writer of the same folder is refused while the first holds it.
    let lock = tiersim::report::atomic::DirLock::acquire(&out).unwrap();
    fails_with(&run("3"), &["being written by another tiersim"]);
    drop(lock);
    assert!(run("3").status.success());
    // A folder holding someone else's files is never replaced.
    let mine = d.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("notes.txt"), "keep").unwrap();
    fails_with(
        &tiersim(d.path(), &["run", sc, "-n", "2", "--out", "mine"]),
        &["files tiersim did not write", "notes.txt"],
    );
    assert_eq!(names_in(&mine), ["notes.txt"]);
    // Sweeps of one scenario with different parameters get different default folders.
    for set in ["teams.T.agents=2,3", "demand=1,1.5"] {
        let o = tiersim(
            d.path(),
            &["sweep", "--scenario", sc, "--set", set, "-n", "2"],
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    // A sweep folder being written is locked too: a second sweep into it stops at once.
    let busy = d.path().join("results/sweep-desk-demand");
    let lock = tiersim::report::atomic::DirLock::acquire(&busy).unwrap();
    fails_with(
        &tiersim(
            d.path(),
            &["sweep", "--scenario", sc, "--set", "demand=1,2", "-n", "2"],
        ),
        &["being written by another tiersim"],
    );
    drop(lock);
    let results = names_in(&d.path().join("results"));
    assert!(
        results.contains(&"sweep-desk-T.agents".to_string())
            && results.contains(&"sweep-desk-demand".to_string()),
        "{results:?}"
    );
}

#[test]
fn finding_7_a_folder_of_the_users_own_pictures_is_never_replaced() {
    let (d, p) = case(BASE);
    let pics = d.path().join("pics");
    std::fs::create_dir(&pics).unwrap();
    std::fs::write(pics.join("holiday.png"), "photo").unwrap();
    std::fs::write(pics.join("chart.svg"), "drawing").unwrap();
    let o = tiersim(
        d.path(),
        &["run", p.to_str().unwrap(), "-n", "2", "--out", "pics"],
    );
    fails_with(&o, &["files tiersim did not write"]);
    assert_eq!(names_in(&pics), ["chart.svg", "holiday.png"]);
}

#[test]
fn finding_7_a_trace_anywhere_under_the_output_folder_survives_the_swap() {
    let (d, p) = case(BASE);
    let sc = p.to_str().unwrap();
    for (out, trace, lands) in [
        ("a", "a/sub/trace.csv", "a/sub/trace.csv"),
        ("b", "b/../b/trace.csv", "b/trace.csv"),
        ("c", "./c/./trace.csv", "c/trace.csv"),
    ] {
        let o = tiersim(
            d.path(),
            &["run", sc, "-n", "2", "--out", out, "--trace", trace],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        let text = std::fs::read_to_string(d.path().join(lands))
            .unwrap_or_else(|e| panic!("--out {out} --trace {trace}: {lands} missing: {e}"));
        assert!(text.lines().count() > 1, "{lands} has rows");
        assert!(d.path().join(out).join("summary.json").is_file());
    }
    // A symlinked spelling of the output folder is recognised too.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(d.path().join("a"), d.path().join("alias")).unwrap();
        let o = tiersim(
            d.path(),
            &[
                "run",
                sc,
                "-n",
                "2",
                "--out",
                "a",
                "--trace",
                "alias/t2.csv",
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(
            d.path().join("a/t2.csv").is_file(),
            "{:?}",
            names_in(&d.path().join("a"))
        );
    }
}

#[test]
fn finding_6_replications_on_the_command_line_are_capped() {
    let (d, p) = case(BASE);
    let sc = p.to_str().unwrap();
    for args in [
        vec!["run", sc, "-n", "4000000000"],
        vec![
            "sweep",
            "--scenario",
            sc,
            "--set",
            "demand=1,2",
            "-n",
            "4000000000",
        ],
    ] {
        let o = within(Duration::from_secs(30), {
            let dir = d.path().to_path_buf();
            let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
            move || {
                let a: Vec<&str> = args.iter().map(String::as_str).collect();
                tiersim(&dir, &a)
            }
        });
        fails_with(&o, &["4000000000", "100000"]);
    }
}

#[test]
fn finding_8_silent_acceptance_is_an_error_or_a_warning_and_resumes_recover() {
    let log_case = |log: &str| {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("s.ron");
        std::fs::write(d.path().join("calls.csv"), log).unwrap();
        let text = edit("Poisson(per_hour: 10)", r#"Log(file: "calls.csv")"#);
        let r = model_at(&p, &text);
        (d, r)
    };
    let (_d, r) = log_case("time,channel,type\n10,Phone,q\n20,Phone,q\n");
    let e = r.unwrap_err().to_string();
    assert!(
        e.contains("none of its 2 rows is for channel `phone`")
            && e.contains("did you mean `Phone`"),
        "{e}"
    );
    let (_d, r) = log_case("time,channel,type\n");
    let e = r.unwrap_err().to_string();
    assert!(e.contains("header row but no contacts"), "{e}");
    let (_d, r) = log_case("time,channel,type\n10,phone,q\n3000,phone,q\n4000,phone,q\n");
    let m = r.unwrap();
    assert_eq!(m.warnings.len(), 1, "{:?}", m.warnings);
    assert!(
        m.warnings[0].contains("2 of the 3 rows") && m.warnings[0].contains("after the end"),
        "{:?}",
        m.warnings
    );
    // A truncated point file and a stray one: the sweep recomputes and says so.
    let (d, p) = case(BASE);
    let sc = p.to_str().unwrap();
    let sweep = || {
        tiersim(
            d.path(),
            &[
                "sweep",
                "--scenario",
                sc,
                "--set",
                "teams.T.agents=2,3",
                "-n",
                "2",
                "--out",
                "sw",
            ],
        )
    };
    assert!(sweep().status.success());
    let points = d.path().join("sw/points");
    let good = std::fs::read(points.join("point-00001.json")).unwrap();
    std::fs::write(points.join("point-00001.json"), &good[..good.len() / 2]).unwrap();
    std::fs::write(points.join("stray.json"), "{}").unwrap();
    std::fs::write(points.join(".tiersim-tmp-killed.tmp"), "x").unwrap();
    let o = sweep();
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("point-00001.json cannot be used")
            && err.contains("computing its point again"),
        "{err}"
    );
    assert!(err.contains("1 already done, computing 1"), "{err}");
    assert_eq!(
        std::fs::read(points.join("point-00001.json")).unwrap(),
        good
    );
    assert!(
        !points.join(".tiersim-tmp-killed.tmp").exists(),
        "temporaries cleaned"
    );
}

#[test]
fn finding_9_messages_name_the_fault_without_echoing_files() {
    // A byte-order mark is read as the text it precedes.
    model(&format!("\u{feff}{BASE}")).unwrap();
    let e = rejected(&edit("days: 1", "days: 5.5"));
    assert_eq!(e.field.as_deref(), Some("calendar.days"), "{e}");
    assert!(
        e.message.contains("whole number") && e.message.contains("5.5"),
        "{e}"
    );
    let e = rejected(&edit(r#""5min""#, r#""1e200min""#));
    assert!(e.message.contains("longer than 36500 days"), "{e}");
    assert!(!e.message.contains("unknown"), "{e}");
    let e = rejected(&edit(
        "lines: 4",
        "lines: 4, patiance: Exponential(mean: \"3min\")",
    ));
    assert_eq!(e.field.as_deref(), Some(r#"channels[0] "phone""#), "{e}");
    assert!(e.message.contains("did you mean `patience`?"), "{e}");
    let e = rejected(&edit("kind: Phone, ", ""));
    assert_eq!(e.field.as_deref(), Some(r#"channels[0] "phone""#), "{e}");
    assert!(e.message.contains("missing field `kind`"), "{e}");
    // Not UTF-8: the line and column of the bad byte.
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("bad.ron");
    let mut bytes = BASE.as_bytes().to_vec();
    let at = BASE.find("desk").unwrap();
    bytes[at] = 0xff;
    std::fs::write(&p, &bytes).unwrap();
    let e = tiersim::scenario::load(&p).unwrap_err();
    assert_eq!(e.at, Some((2, 12)), "{e}");
    assert!(e.message.contains("not UTF-8"), "{e}");
    // An arbitrary file given as a log: its contents are not echoed.
    std::fs::write(d.path().join("secret.txt"), "SECRET-TOKEN-123;other\n").unwrap();
    let e = model_at(
        &d.path().join("s.ron"),
        &edit("Poisson(per_hour: 10)", r#"Log(file: "secret.txt")"#),
    )
    .unwrap_err();
    assert!(!e.to_string().contains("SECRET"), "{e}");
    assert!(e.to_string().contains("lack time, channel, type"), "{e}");
    // An I/O error names its cause once.
    let (d, p) = case(BASE);
    std::fs::write(d.path().join("file"), "").unwrap();
    let o = tiersim(
        d.path(),
        &["run", p.to_str().unwrap(), "-n", "2", "--out", "file/sub"],
    );
    let err = stderr(&o);
    assert!(!o.status.success());
    assert!(err.contains("file"), "{err}");
    assert_eq!(err.matches("(os error").count(), 1, "the cause once: {err}");
}

/// The README's bounds table lists every bound the code checks, with its range.
#[test]
fn readme_lists_every_bound_with_its_range() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let fmt = |v: f64| {
        if v == v.trunc() && v.abs() < 1e8 {
            let digits = format!("{}", v as i64);
            let mut out = String::new();
            for (i, c) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i) % 3 == 0 {
                    out.push(' ');
                }
                out.push(c);
            }
            out
        } else if v == v.trunc() {
            format!("{v:e}")
        } else {
            v.to_string()
        }
    };
    for b in tiersim::model::bounds::ALL {
        let row = format!("| `{}` | {} | {} |", b.field, fmt(b.min), fmt(b.max));
        assert!(
            readme.contains(&row),
            "README must have the row starting {row:?}"
        );
    }
}
