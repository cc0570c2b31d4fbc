//! The README stays true: its commented example scenario parses, validates and runs, and the
//! commands it names exist.

use std::process::Command;

fn readme() -> String {
    std::fs::read_to_string("README.md").unwrap()
}

#[test]
fn readme_example_scenario_is_valid_and_runs() {
    let text = readme();
    let start = text.find("```ron\n").expect("README has a RON example") + 7;
    let end = start + text[start..].find("```").unwrap();
    let (s, src) = tiersim::scenario::parse("README.md".as_ref(), text[start..end].to_string())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut m = tiersim::model::compile(&s, &src).unwrap_or_else(|e| panic!("{e}"));
    m.horizon = m.warmup + 3.0 * 86_400.0;
    let summary = tiersim::experiment::run(&m, 1, 2).unwrap();
    let arrived = summary
        .get(tiersim::stats::Kpi::Arrived, tiersim::stats::Scope::Overall)
        .unwrap();
    assert!(arrived.mean > 100.0);
}

#[test]
fn readme_subcommands_exist() {
    let text = readme();
    for cmd in [
        "run", "compare", "sweep", "merge", "validate", "erlang", "staff", "fit", "pilot",
    ] {
        assert!(
            text.contains(&format!("tiersim {cmd}")),
            "README documents `tiersim {cmd}`"
        );
        let o = Command::new(env!("CARGO_BIN_EXE_tiersim"))
            .args([cmd, "--help"])
            .output()
            .unwrap();
        assert!(o.status.success(), "`tiersim {cmd} --help` works");
    }
}
