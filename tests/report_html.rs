//! `report.html`: written beside results, rebuilt by `tiersim report DIR` from the folder's JSON
//! alone, self-contained, and loading in a real browser (headless Chromium) without console
//! errors while showing the headline numbers. The browser test is skipped, with a message,
//! only where no Chromium is installed (`.ci/run` installs it from Debian packages).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn tiersim(args: &[&str]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_tiersim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("tiersim runs");
    assert!(
        out.status.success(),
        "tiersim {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A small comparison (2 replications of 2 days) with a target, written to `dir`.
fn small_compare(dir: &Path) {
    tiersim(&[
        "compare",
        "scenarios/before.ron",
        "scenarios/after.ron",
        "-n",
        "2",
        "--days",
        "2",
        "-q",
        "--target",
        "service_level_20s>=80%",
        "--out",
        dir.to_str().unwrap(),
    ]);
}

/// The overall mean of a KPI in a design's summary.json, formatted as the report shows it.
fn headline(dir: &Path, design: &str, kpi: &str) -> String {
    let doc: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.join("designs").join(design).join("summary.json")).unwrap(),
    )
    .unwrap();
    let row = doc["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kpi"] == kpi && r["scope"] == "overall")
        .unwrap_or_else(|| panic!("{kpi} in summary.json"));
    tiersim::report::html::fmt_value(row["mean"].as_f64().unwrap(), row["unit"].as_str().unwrap())
}

#[test]
fn report_is_self_contained_and_rebuilt_from_the_folder_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("cmp");
    small_compare(&dir);
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    // Self-contained: no scripts, no external resources, charts inline.
    for banned in [
        "<script", "<link", "<img", "src=", "@import", "url(", "https://",
    ] {
        assert!(!html.contains(banned), "report.html contains `{banned}`");
    }
    // The only URL is SVG's namespace name, which is never fetched.
    assert_eq!(
        html.matches("http://").count(),
        html.matches("http://www.w3.org/2000/svg").count()
    );
    assert!(html.matches("<svg").count() >= 6, "charts are inline SVG");
    for section in [
        "Headline KPIs",
        "Staffing, agent-hours and cost",
        "Staffing over the day",
        "Service level by interval",
        "Queue over the day",
        "Time to answer",
        "Warnings",
        "Key inputs",
        "How each KPI is defined",
        "target service_level_20s&gt;=80%",
    ] {
        assert!(html.contains(section), "report.html lacks {section}");
    }
    assert!(html.contains(&headline(&dir, "after", "service_level_20s")));
    // Deflection moves arrivals and first-contact resolution, so the headline shows it for
    // every design once one deflects (before.ron has no self-service, after.ron has), just
    // before first-contact resolution.
    let deflected = format!(
        "<tr><td>deflected</td><td>0.0</td><td>{}</td>",
        headline(&dir, "after", "deflected")
    );
    let at = html
        .find(&deflected)
        .expect("deflected among the headline KPIs");
    assert!(
        html[at..]
            .split("</tr>")
            .nth(1)
            .is_some_and(|next| next.contains("first contact resolution")),
        "deflected just before first-contact resolution"
    );
    // Rebuilt from a copy of the folder (no scenario files next to it, nothing simulated):
    // byte-identical.
    let copy = tmp.path().join("copy");
    copy_dir(&dir, &copy);
    std::fs::remove_file(copy.join("report.html")).unwrap();
    let out = tiersim(&["report", copy.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("report.html"));
    assert_eq!(
        std::fs::read_to_string(copy.join("report.html")).unwrap(),
        html
    );
    // A folder without results is a clear error.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tiersim"))
        .args(["report", empty.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no tiersim results"));
}

#[test]
fn run_and_staff_reports_show_targets_and_required_staffing() {
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path().join("run");
    tiersim(&[
        "run",
        "scenarios/after.ron",
        "-n",
        "2",
        "--days",
        "2",
        "-q",
        "--target",
        "abandon_rate<=80%",
        "--target",
        "service_level_20s>=99.9%",
        "--out",
        run.to_str().unwrap(),
    ]);
    let html = std::fs::read_to_string(run.join("report.html")).unwrap();
    // A lax target is met, an impossible one missed.
    assert!(
        html.contains("met: target abandon_rate&lt;=80%"),
        "lax target met"
    );
    assert!(html.contains("missed: target service_level_20s&gt;=99.9%"));
    for plot in [
        "run_service_level_by_interval.png",
        "run_queue_by_interval.png",
        "run_agents_by_interval.png",
        "run_answer_cdf.png",
    ] {
        assert!(run.join(plot).is_file(), "run writes {plot}");
    }
}

/// Chromium on this machine, if any (`TIERSIM_CHROMIUM` overrides).
fn chromium() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("TIERSIM_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ]
    .iter()
    .flat_map(|name| std::env::split_paths(&path).map(move |d| d.join(name)))
    .find(|p| p.is_file())
}

/// Runs headless Chromium on a file with `extra` arguments; returns (stdout, stderr).
fn browse(chrome: &Path, page: &Path, extra: &[&str]) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(chrome)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let (mut so, mut se) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut so, &mut s).ok();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut se, &mut s).ok();
        s
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().ok();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    (out.join().unwrap(), err.join().unwrap())
}

/// Console messages Chromium logged for the page (`...:CONSOLE...] "message", source: ...`).
fn console_lines(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains(":CONSOLE")).collect()
}

#[test]
fn report_loads_in_headless_chromium_without_console_errors() {
    let Some(chrome) = chromium() else {
        // .ci/run sets this where it installed Chromium: then its absence is a failure.
        assert!(
            std::env::var("TIERSIM_BROWSER_TEST").as_deref() != Ok("require"),
            "TIERSIM_BROWSER_TEST=require but no Chromium was found"
        );
        eprintln!(
            "SKIPPED report_loads_in_headless_chromium_without_console_errors: no Chromium found \
             (install it with `apt-get install chromium`, as .ci/run does, or set TIERSIM_CHROMIUM)"
        );
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    // Control: the detector sees a console error where there is one.
    let bad = tmp.path().join("bad.html");
    std::fs::write(
        &bad,
        "<!DOCTYPE html><html><body><script>console.error('boom-42')</script></body></html>",
    )
    .unwrap();
    let (_, err) = browse(&chrome, &bad, &["--dump-dom"]);
    assert!(
        console_lines(&err).iter().any(|l| l.contains("boom-42")),
        "the console detector must see a deliberate error; chromium said:\n{err}"
    );

    let dir = tmp.path().join("cmp");
    small_compare(&dir);
    let page = dir.join("report.html");
    let (dom, err) = browse(&chrome, &page, &["--dump-dom"]);
    assert_eq!(console_lines(&err), Vec::<&str>::new(), "console messages");
    assert!(
        dom.contains("Headline KPIs"),
        "the page rendered: {}",
        &dom[..dom.len().min(500)]
    );
    for (design, kpi) in [
        ("after", "service_level_20s"),
        ("before", "service_level_20s"),
        ("after", "abandon_rate"),
    ] {
        let v = headline(&dir, design, kpi);
        assert!(dom.contains(&v), "the page shows {design} {kpi} = {v}");
    }
    // A screenshot for review.
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let shot = shots.join("compare.png");
    let _ = std::fs::remove_file(&shot);
    browse(
        &chrome,
        &page,
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1280,3000",
            "--hide-scrollbars",
        ],
    );
    let bytes = std::fs::read(&shot).expect("a screenshot was written");
    assert!(
        bytes.starts_with(b"\x89PNG") && bytes.len() > 50_000,
        "a real screenshot"
    );
    eprintln!("screenshot of report.html: {}", shot.display());
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}
