//! The Kubernetes Indexed Job example (examples/k8s-sweep-job.yaml) is valid against the
//! Kubernetes API schemas, strictly (no unknown fields), from 1.29 (the first release where
//! `backoffLimitPerIndex` is on by default) to the newest the validator knows. The validator is
//! `kubernetes-validate` from PyPI, which ships the schemas (no network needed); .ci/run
//! installs it into target/kubernetes-validate. Skipped, with a message, where it is missing,
//! unless TIERSIM_K8S_TEST=require (set by .ci/run once it has installed it).

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output};

const EXAMPLE: &str = "examples/k8s-sweep-job.yaml";

fn validator() -> Option<PathBuf> {
    let local = PathBuf::from("target/kubernetes-validate/bin/kubernetes-validate");
    if local.exists() {
        return Some(local);
    }
    let on_path = PathBuf::from("kubernetes-validate");
    Command::new(&on_path)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
        .then_some(on_path)
}

fn validate(v: &PathBuf, file: &str, version: Option<&str>) -> Output {
    let mut c = Command::new(v);
    c.arg("--strict");
    if let Some(k) = version {
        c.args(["--kubernetes-version", k]);
    }
    c.arg(file)
        .output()
        .expect("cannot run kubernetes-validate")
}

#[test]
fn k8s_indexed_job_example_is_schema_valid() {
    let Some(v) = validator() else {
        let required = std::env::var("TIERSIM_K8S_TEST").is_ok_and(|v| v == "require");
        assert!(
            !required,
            "kubernetes-validate is required here but missing"
        );
        // Straight to stderr, past the test harness's capture, so the skip is seen.
        let _ = writeln!(
            std::io::stderr(),
            "tests/k8s.rs: SKIPPED: kubernetes-validate not found (pip install kubernetes-validate, as .ci/run does)"
        );
        return;
    };
    for version in [Some("1.29.0"), None] {
        let o = validate(&v, EXAMPLE, version);
        assert!(
            o.status.success(),
            "{EXAMPLE} against {version:?}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }
    // The validator really checks: a misspelt field and an older API are refused.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    let text = std::fs::read_to_string(EXAMPLE).unwrap();
    assert!(text.contains("completionMode: Indexed"));
    std::fs::write(&bad, text.replace("completionMode:", "completionMod:")).unwrap();
    assert!(!validate(&v, bad.to_str().unwrap(), None).status.success());
    let old = validate(&v, EXAMPLE, Some("1.27.0"));
    assert!(
        !old.status.success(),
        "1.27 has no backoffLimitPerIndex, yet the example validated"
    );
}
