//! The Slurm example (examples/slurm-sweep.sh) on a real single-node Slurm that
//! tests/slurm/run.sh starts and stops: the job array and the dependent merge give results
//! byte-identical to a single-machine sweep, a failed shard cancels the merge, and resubmitting
//! only the missing shard completes it. Skipped, with a message, where Slurm and munge are not
//! installed, unless TIERSIM_SLURM_TEST=require (set by .ci/run once it has installed them).

use std::io::Write;
use std::process::Command;

const EXE: &str = env!("CARGO_BIN_EXE_tiersim");
/// What tests/slurm/run.sh exits with when Slurm or munge is not installed.
const SKIPPED: i32 = 77;

#[test]
fn slurm_array_and_dependent_merge_equal_a_single_run() {
    let o = Command::new("bash")
        .arg("tests/slurm/run.sh")
        .env("TIERSIM", EXE)
        .output()
        .expect("cannot run bash");
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    if o.status.code() == Some(SKIPPED) {
        let required = std::env::var("TIERSIM_SLURM_TEST").is_ok_and(|v| v == "require");
        assert!(!required, "Slurm is required here but missing: {stdout}");
        // Straight to stderr, past the test harness's capture, so the skip is seen.
        let _ = writeln!(std::io::stderr(), "tests/slurm.rs: {}", stdout.trim());
        return;
    }
    assert!(
        o.status.success(),
        "tests/slurm/run.sh failed ({}):\n{stdout}\n{stderr}",
        o.status
    );
    assert!(
        stdout.contains("resubmitting it alone gave results identical to a single run"),
        "{stdout}"
    );
}
