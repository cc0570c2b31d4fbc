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
        "run",
        "compare",
        "sweep",
        "merge",
        "validate",
        "erlang",
        "staff",
        "report",
        "completions",
        "fit",
        "pilot",
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

/// The README's library example is the crate's doc test (run by `cargo test`), line for line
/// apart from the doc test's hidden `# ` lines.
#[test]
fn readme_library_example_is_the_doc_test() {
    let text = readme();
    let start = text
        .find("## Using tiersim as a library")
        .expect("README has a library section");
    let code_start = start + text[start..].find("```rust\n").unwrap() + 8;
    let code_end = code_start + text[code_start..].find("```").unwrap();
    let readme_code = &text[code_start..code_end];
    let lib = std::fs::read_to_string("src/lib.rs").unwrap();
    let doc: Vec<&str> = lib
        .lines()
        .take_while(|l| l.starts_with("//!"))
        .map(|l| {
            l.strip_prefix("//! ")
                .unwrap_or(l.strip_prefix("//!").unwrap_or(l))
        })
        .collect();
    let open = doc
        .iter()
        .position(|l| *l == "```rust")
        .expect("lib.rs has the example")
        + 1;
    let close = open + doc[open..].iter().position(|l| *l == "```").unwrap();
    let lib_code: String = doc[open..close]
        .iter()
        .filter(|l| !l.starts_with("# "))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(readme_code, lib_code);
}
