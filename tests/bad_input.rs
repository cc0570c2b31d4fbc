//! Bad input is rejected before simulating, with an error that names the file, the line and
//! column where it can, the field, and what is expected. Never a panic, and `tiersim run` on a
//! bad file writes nothing.
//!
//! Each test starts from one good scenario (`GOOD`), breaks one thing in it by replacing a
//! unique piece of text, and checks the error. Expected line numbers are computed from the
//! broken text (the line holding the offending text), not hard-coded.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tiersim::error::InputError;
use tiersim::model::load_model;

/// A small but complete service desk: two channels into Level 1, escalation to Level 2.
const GOOD: &str = r#"// Service desk: phone and e-mail into Level 1, technical escalations to Level 2.
Scenario(
    name: "desk",
    calendar: (
        days: 5,
        open: [(days: [Mon, Tue, Wed, Thu, Fri], from: "08:00", to: "18:00")],
        interval: "30min",
    ),
    incident_types: ["password", "technical"],
    channels: [
        (
            name: "phone",
            kind: Phone,
            arrivals: Daily(per_day: 200.0),
            mix: {"password": 0.4, "technical": 0.6},
            entry: "L1",
            lines: 12,
            patience: Exponential(mean: "3min"),
            retry: (
                prob: 0.5,
                delay: Exponential(mean: "10min"),
                channel: "email",
            ),
        ),
        (name: "email", kind: Email, arrivals: Poisson(per_hour: 6.0), mix: {"password": 0.2, "technical": 0.8}, entry: "L1"),
    ],
    teams: [
        (
            name: "L1",
            agents: 6,
            handling: {"*": LogNormal(mean: "6min", sd: "3min")},
            routes: {
                "password": (resolve: 1.0),
                "technical": (resolve: 0.7, pass: {"L2": 0.3}),
            },
        ),
        (
            name: "L2",
            agents: 3,
            handling: {"technical": Gamma(mean: "25min", sd: "10min")},
            routes: {"technical": (resolve: 0.95, lose: 0.05)},
        ),
    ],
    targets: (answer_within: ["20s", "60s"]),
)
"#;

// ---------------------------------------------------------------------------------------------
// Helpers

/// `GOOD` with each `(from, to)` applied; every `from` must occur exactly once, so a fixture
/// edit that makes a replacement ambiguous fails loudly instead of breaking the wrong thing.
fn broken(edits: &[(&str, &str)]) -> String {
    let mut text = GOOD.to_string();
    for (from, to) in edits {
        assert_eq!(
            text.matches(from).count(),
            1,
            "fixture edit {from:?} must match exactly once"
        );
        text = text.replacen(from, to, 1);
    }
    text
}

/// 1-based line of the only occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    assert_eq!(
        text.matches(needle).count(),
        1,
        "{needle:?} must occur exactly once in the fixture"
    );
    let at = text.find(needle).unwrap();
    text[..at].matches('\n').count() + 1
}

/// 1-based column (in characters) of the only occurrence of `needle` on its line.
fn col_of(text: &str, needle: &str) -> usize {
    let at = text.find(needle).unwrap();
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..at].chars().count() + 1
}

struct Case {
    _dir: tempfile::TempDir,
    path: PathBuf,
    text: String,
}

impl Case {
    /// Writes `text` as `scenario.ron` (plus extra files) into a fresh temporary folder.
    fn new(text: String, extra: &[(&str, &str)]) -> Case {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("scenario.ron");
        std::fs::write(&path, &text).unwrap();
        for (name, content) in extra {
            std::fs::write(dir.path().join(name), content).unwrap();
        }
        Case {
            _dir: dir,
            path,
            text,
        }
    }

    fn dir(&self) -> &Path {
        self.path.parent().unwrap()
    }

    /// Loads the scenario, which must fail; the error must name this scenario file.
    fn error(&self) -> InputError {
        let e = self.error_in_any_file();
        assert_eq!(
            e.file, self.path,
            "the error must name the scenario file: {e}"
        );
        e
    }

    /// Loads the scenario, which must fail (the error may name another file, e.g. a log).
    fn error_in_any_file(&self) -> InputError {
        match load_model(&self.path) {
            Ok(_) => panic!("this scenario must be rejected:\n{}", self.text),
            Err(e) => {
                eprintln!("error: {e}");
                e
            }
        }
    }

    /// The line the error points at (it must point somewhere).
    fn line(&self, e: &InputError) -> usize {
        e.at.unwrap_or_else(|| panic!("the error must give a line and column: {e}"))
            .0
    }

    fn validate(&self) -> Output {
        tiersim(&["validate", self.path.to_str().unwrap()])
    }
}

fn tiersim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tiersim"))
        .args(args)
        .output()
        .expect("cannot start tiersim")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The CLI rejects the case: non-zero exit, the error on stderr naming the file, no panic.
fn assert_cli_rejects(case: &Case, expect_in_stderr: &[&str]) {
    let out = case.validate();
    let err = stderr(&out);
    assert!(!out.status.success(), "validate must fail; stderr: {err}");
    assert!(!err.contains("panicked"), "tiersim panicked: {err}");
    for s in expect_in_stderr {
        assert!(err.contains(s), "stderr must contain {s:?}: {err}");
    }
}

fn assert_contains(e: &InputError, parts: &[&str]) {
    let shown = e.to_string();
    for p in parts {
        assert!(
            shown.contains(p),
            "the error must contain {p:?}; got: {shown}"
        );
    }
}

fn field(e: &InputError) -> &str {
    e.field
        .as_deref()
        .unwrap_or_else(|| panic!("the error must name the field: {e}"))
}

// ---------------------------------------------------------------------------------------------
// Good files are accepted

#[test]
fn the_good_fixture_and_the_validation_example_load() {
    let case = Case::new(GOOD.to_string(), &[]);
    load_model(&case.path).expect("GOOD must load");
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/validation/mmc.ron");
    load_model(&example).expect("mmc.ron must load");
}

#[test]
fn validate_on_a_good_file_exits_zero() {
    let case = Case::new(GOOD.to_string(), &[]);
    let out = case.validate();
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("ok"), "stdout: {stdout}");
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/validation/mmc.ron");
    assert!(
        tiersim(&["validate", example.to_str().unwrap()])
            .status
            .success()
    );
}

// ---------------------------------------------------------------------------------------------
// Unknown names

#[test]
fn unknown_team_in_a_route_is_named_with_its_line() {
    let case = Case::new(
        broken(&[(r#"pass: {"L2": 0.3}"#, r#"pass: {"L9": 0.3}"#)]),
        &[],
    );
    let e = case.error();
    assert_eq!(case.line(&e), line_of(&case.text, r#""L9""#));
    assert_eq!(e.at.unwrap().1, col_of(&case.text, r#""L9""#));
    assert_eq!(field(&e), r#"teams[0] "L1".routes["technical"].pass"#);
    assert_contains(&e, &["unknown team `L9`", "known teams: L1, L2"]);
    // Display: FILE:LINE:COL: FIELD: message
    let shown = e.to_string();
    let (line, col) = e.at.unwrap();
    assert!(shown.starts_with(&format!("{}:{line}:{col}: teams[0]", case.path.display())));
    assert_cli_rejects(&case, &["scenario.ron", "unknown team `L9`"]);
}

#[test]
fn unknown_entry_team_of_a_channel_is_named_with_its_line() {
    let case = Case::new(broken(&[(r#"entry: "L1"),"#, r#"entry: "Level1"),"#)]), &[]);
    let e = case.error();
    assert_eq!(case.line(&e), line_of(&case.text, r#""Level1""#));
    assert_eq!(field(&e), r#"channels[1] "email".entry"#);
    assert_contains(&e, &["unknown team `Level1`", "known teams: L1, L2"]);
}

#[test]
fn unknown_incident_type_in_a_mix_is_named_with_its_line() {
    let case = Case::new(
        broken(&[(r#""technical": 0.6"#, r#""tecnical": 0.6"#)]),
        &[],
    );
    let e = case.error();
    assert_eq!(case.line(&e), line_of(&case.text, r#""tecnical""#));
    assert_eq!(field(&e), r#"channels[0] "phone".mix"#);
    assert_contains(
        &e,
        &["unknown incident type `tecnical`", "password, technical"],
    );
}

#[test]
fn unknown_incident_type_in_a_handling_table_is_named_with_its_line() {
    let case = Case::new(
        broken(&[(r#"{"technical": Gamma"#, r#"{"tech": Gamma"#)]),
        &[],
    );
    let e = case.error();
    assert_eq!(case.line(&e), line_of(&case.text, r#""tech""#));
    assert_eq!(field(&e), r#"teams[1] "L2".handling"#);
    assert_contains(&e, &["unknown incident type `tech`", "\"*\""]);
}

#[test]
fn unknown_retry_channel_is_named() {
    let case = Case::new(
        broken(&[(r#"channel: "email","#, r#"channel: "sms","#)]),
        &[],
    );
    let e = case.error();
    assert_eq!(field(&e), r#"channels[0] "phone".retry.channel"#);
    assert_contains(&e, &["unknown channel `sms`"]);
    // Somewhere in the phone channel's retry block.
    let line = case.line(&e);
    assert!((line_of(&case.text, "retry: (")..=line_of(&case.text, r#""sms""#)).contains(&line));
}

#[test]
fn unknown_retry_channel_is_located_on_its_line_and_lists_known_channels() {
    let case = Case::new(
        broken(&[(r#"channel: "email","#, r#"channel: "sms","#)]),
        &[],
    );
    let e = case.error();
    assert_eq!(case.line(&e), line_of(&case.text, r#""sms""#));
    assert_contains(&e, &["phone, email"]);

    let case = Case::new(broken(&[("prob: 0.5,", "prob: 1.5,")]), &[]);
    let e = case.error();
    assert_eq!(case.line(&e), line_of(&case.text, "prob: 1.5"));
}

#[test]
fn unknown_field_typo_names_the_expected_fields() {
    let case = Case::new(broken(&[("agents: 3,", "agent: 3,")]), &[]);
    let e = case.error();
    assert_eq!(case.line(&e), line_of(&case.text, "agent: 3"));
    assert_contains(&e, &["agent", "agents", "handling", "routes"]);
    assert_cli_rejects(&case, &["scenario.ron", "agents"]);
}

// ---------------------------------------------------------------------------------------------
// Probabilities

#[test]
fn mix_not_summing_to_1_is_rejected_with_the_sum() {
    let case = Case::new(broken(&[(r#""password": 0.4"#, r#""password": 0.5"#)]), &[]);
    let e = case.error();
    assert_eq!(
        case.line(&e),
        line_of(&case.text, r#"mix: {"password": 0.5"#)
    );
    assert_eq!(field(&e), r#"channels[0] "phone".mix"#);
    assert_contains(&e, &["sum to 1", "1e-9", "1.1"]);
}

#[test]
fn route_not_summing_to_1_is_rejected_at_the_route() {
    let case = Case::new(broken(&[("resolve: 0.7,", "resolve: 0.6,")]), &[]);
    let e = case.error();
    assert_eq!(case.line(&e), line_of(&case.text, "resolve: 0.6"));
    assert_eq!(field(&e), r#"teams[0] "L1".routes["technical"]"#);
    assert_contains(&e, &["sum to 1", "they sum to 0.9"]);
}

#[test]
fn sums_within_1e_9_of_1_are_accepted_and_beyond_rejected() {
    // Off by 1e-10: accepted.
    let near = Case::new(
        broken(&[(r#""password": 0.4"#, r#""password": 0.4000000001"#)]),
        &[],
    );
    load_model(&near.path).expect("a sum within 1e-9 of 1 is fine");
    // Classic rounding: 0.1 + 0.2 + 0.7 != 1 exactly, must be accepted.
    let rounding = Case::new(
        broken(&[(
            "(resolve: 0.95, lose: 0.05)",
            "(resolve: 0.1, pass: {\"L1\": 0.2}, lose: 0.7)",
        )]),
        &[],
    );
    load_model(&rounding.path).expect("floating-point rounding is within tolerance");
    // Off by 1e-8: rejected.
    let far = Case::new(
        broken(&[(r#""password": 0.4"#, r#""password": 0.40000001"#)]),
        &[],
    );
    let e = far.error();
    assert_contains(&e, &["sum to 1"]);
}

#[test]
fn probability_outside_0_1_is_rejected_even_if_the_sum_is_1() {
    let case = Case::new(
        broken(&[("(resolve: 0.95, lose: 0.05)", "(resolve: 1.2, lose: -0.2)")]),
        &[],
    );
    let e = case.error();
    assert_eq!(case.line(&e), line_of(&case.text, "resolve: 1.2"));
    assert_eq!(field(&e), r#"teams[1] "L2".routes["technical"].resolve"#);
    assert_contains(&e, &["between 0 and 1", "1.2"]);

    let case = Case::new(broken(&[("prob: 0.5,", "prob: 1.5,")]), &[]);
    let e = case.error();
    assert_eq!(field(&e), r#"channels[0] "phone".retry.prob"#);
    assert_contains(&e, &["between 0 and 1", "1.5"]);
    let line = case.line(&e);
    assert!((line_of(&case.text, "retry: (")..=line_of(&case.text, "prob: 1.5")).contains(&line));

    let case = Case::new(broken(&[("lines: 12,", "lines: 12, forget: -0.1,")]), &[]);
    let e = case.error();
    assert_eq!(field(&e), r#"channels[0] "phone".forget"#);
    assert_eq!(case.line(&e), line_of(&case.text, "forget: -0.1"));
    assert_contains(&e, &["between 0 and 1", "-0.1"]);
}

// ---------------------------------------------------------------------------------------------
// Numbers and durations

#[test]
fn negative_arrival_rate_is_rejected_with_its_line() {
    let case = Case::new(broken(&[("per_hour: 6.0", "per_hour: -6.0")]), &[]);
    let e = case.error();
    assert_eq!(case.line(&e), line_of(&case.text, "per_hour: -6.0"));
    assert_eq!(field(&e), r#"channels[1] "email".arrivals.per_hour"#);
    assert_contains(&e, &["non-negative", "-6"]);

    let case = Case::new(broken(&[("per_day: 200.0", "per_day: -200.0")]), &[]);
    let e = case.error();
    assert_eq!(case.line(&e), line_of(&case.text, "per_day: -200.0"));
    assert_eq!(field(&e), r#"channels[0] "phone".arrivals.per_day"#);
    assert_contains(&e, &["non-negative", "-200"]);
}

#[test]
fn negative_agent_count_is_a_parse_error_at_its_line() {
    let case = Case::new(broken(&[("agents: 3,", "agents: -3,")]), &[]);
    let e = case.error();
    assert_eq!(case.line(&e), line_of(&case.text, "agents: -3"));
}

#[test]
fn negative_duration_is_rejected_with_its_line() {
    let case = Case::new(broken(&[(r#"mean: "3min""#, r#"mean: "-3min""#)]), &[]);
    let e = case.error();
    assert_eq!(case.line(&e), line_of(&case.text, "-3min"));
    assert_contains(&e, &["-3min", "non-negative"]);
    assert_cli_rejects(&case, &["scenario.ron", "-3min"]);
}

#[test]
fn unknown_duration_unit_is_rejected_with_its_line() {
    let case = Case::new(broken(&[(r#"mean: "10min""#, r#"mean: "5 weeks""#)]), &[]);
    let e = case.error();
    assert_eq!(case.line(&e), line_of(&case.text, "5 weeks"));
    assert_contains(
        &e,
        &["5 weeks", "unknown duration unit `weeks`", "s, min, h or d"],
    );
}

#[test]
fn zero_phone_lines_is_rejected_with_its_line() {
    let case = Case::new(broken(&[("lines: 12,", "lines: 0,")]), &[]);
    let e = case.error();
    assert_eq!(case.line(&e), line_of(&case.text, "lines: 0"));
    assert_eq!(field(&e), r#"channels[0] "phone".lines"#);
    assert_contains(&e, &["at least one"]);
}

// ---------------------------------------------------------------------------------------------
// Flows: routes out, handling, cycles

#[test]
fn team_with_no_route_out_for_a_type_it_receives_is_rejected() {
    let case = Case::new(
        broken(&[(
            r#"routes: {"technical": (resolve: 0.95"#,
            r#"routes: {"password": (resolve: 0.95"#,
        )]),
        &[],
    );
    let e = case.error();
    assert_eq!(case.line(&e), line_of(&case.text, r#"routes: {"password""#));
    assert!(field(&e).contains(r#""L2".routes"#), "field: {e}");
    assert_contains(&e, &["`technical`", "no route out", "from team `L1`"]);
}

#[test]
fn route_with_no_outcome_at_all_is_rejected() {
    let case = Case::new(
        broken(&[(r#""password": (resolve: 1.0)"#, r#""password": ()"#)]),
        &[],
    );
    let e = case.error();
    assert_eq!(case.line(&e), line_of(&case.text, r#""password": ()"#));
    assert_eq!(field(&e), r#"teams[0] "L1".routes["password"]"#);
    assert_contains(&e, &["sum to 1", "sum to 0"]);
}

#[test]
fn type_nobody_can_handle_is_rejected() {
    // Technical contacts are escalated to L2, which has no handling time for them.
    let case = Case::new(
        broken(&[(r#"{"technical": Gamma"#, r#"{"password": Gamma"#)]),
        &[],
    );
    let e = case.error();
    assert_eq!(
        case.line(&e),
        line_of(&case.text, r#"handling: {"password""#)
    );
    assert!(field(&e).contains(r#""L2".handling"#), "field: {e}");
    assert_contains(&e, &["`technical`", "no handling time", "from team `L1`"]);

    // A new type that arrives on a channel but whose entry team has no route for it.
    let case = Case::new(
        broken(&[
            (
                r#"["password", "technical"]"#,
                r#"["password", "technical", "billing"]"#,
            ),
            (
                r#"mix: {"password": 0.2, "technical": 0.8}"#,
                r#"mix: {"password": 0.2, "technical": 0.7, "billing": 0.1}"#,
            ),
        ]),
        &[],
    );
    let e = case.error();
    assert_contains(&e, &["`billing`", "from channel `email`"]);
}

#[test]
fn cycle_that_can_never_end_is_rejected() {
    let case = Case::new(
        broken(&[
            (
                r#"(resolve: 0.7, pass: {"L2": 0.3})"#,
                r#"(pass: {"L2": 1.0})"#,
            ),
            ("(resolve: 0.95, lose: 0.05)", r#"(pass: {"L1": 1.0})"#),
        ]),
        &[],
    );
    let e = case.error();
    assert_contains(&e, &["`technical`", "forever", "cycle"]);
    let l1_routes = case.text.find("routes:").unwrap();
    let expected = case.text[..l1_routes].matches('\n').count() + 1;
    assert_eq!(case.line(&e), expected, "points at L1's routes");
    assert_cli_rejects(&case, &["scenario.ron", "cycle"]);
}

#[test]
fn cycle_with_a_way_out_is_accepted() {
    let case = Case::new(
        broken(&[(
            "(resolve: 0.95, lose: 0.05)",
            r#"(resolve: 0.5, pass: {"L1": 0.5})"#,
        )]),
        &[],
    );
    load_model(&case.path).expect("a loop that can end is fine");
}

// ---------------------------------------------------------------------------------------------
// Names and the calendar

#[test]
fn duplicate_team_names_are_rejected_at_the_second_one() {
    let case = Case::new(broken(&[(r#"name: "L2","#, r#"name: "L1","#)]), &[]);
    let e = case.error();
    let second = case.text.rfind(r#"name: "L1""#).unwrap();
    let expected = case.text[..second].matches('\n').count() + 1;
    assert_eq!(case.line(&e), expected);
    assert_eq!(field(&e), "teams");
    assert_contains(&e, &["`L1`", "twice"]);
}

#[test]
fn duplicate_keys_in_a_mix_are_rejected() {
    // RON maps may repeat a key; the last one silently winning hides typos.
    let case = Case::new(
        broken(&[(
            r#"{"password": 0.2, "technical": 0.8}"#,
            r#"{"password": 0.2, "technical": 0.8, "password": 0.2}"#,
        )]),
        &[],
    );
    let e = case.error();
    assert_contains(&e, &["password"]);
}

#[test]
fn opening_hours_off_the_interval_grid_are_rejected() {
    let case = Case::new(broken(&[(r#"from: "08:00""#, r#"from: "08:10""#)]), &[]);
    let e = case.error();
    assert_eq!(case.line(&e), line_of(&case.text, "08:10"));
    assert_eq!(field(&e), "calendar.open[0]");
    assert_contains(&e, &["interval boundaries", "30min"]);
}

#[test]
fn second_opening_off_the_grid_is_located_on_its_own_line() {
    let case = Case::new(
        broken(&[(
            r#"to: "18:00")],"#,
            "to: \"18:00\"),\n            (days: [Sat], from: \"09:00\", to: \"12:45\"),\n        ],",
        )]),
        &[],
    );
    let e = case.error();
    assert_eq!(field(&e), "calendar.open[1]");
    assert_eq!(case.line(&e), line_of(&case.text, "12:45"));
}

#[test]
fn error_lines_are_not_misled_by_comments() {
    let text = broken(&[
        (
            "// Service desk: phone and e-mail into Level 1, technical escalations to Level 2.",
            "// Service desk with two teams: L1 answers, L2 fixes.",
        ),
        (r#"name: "L2","#, r#"name: "L1","#),
    ]);
    let case = Case::new(text, &[]);
    let e = case.error();
    let second = case.text.rfind(r#"name: "L1""#).unwrap();
    let expected = case.text[..second].matches('\n').count() + 1;
    assert_eq!(case.line(&e), expected);
}

#[test]
fn absurdly_long_interval_is_reported_as_an_interval_problem() {
    let case = Case::new(
        broken(&[(r#"interval: "30min","#, "interval: 1e300,")]),
        &[],
    );
    let e = case.error();
    assert_eq!(field(&e), "calendar.interval");
    assert_eq!(case.line(&e), line_of(&case.text, "interval: 1e300"));
}

#[test]
fn parse_errors_name_the_field_and_what_is_expected() {
    let case = Case::new(broken(&[(r#"mean: "3min""#, r#"mean: "-3min""#)]), &[]);
    let e = case.error();
    assert!(e.to_string().contains("patience"), "names the field: {e}");

    let case = Case::new(broken(&[("agents: 3,", "agents: -3,")]), &[]);
    let e = case.error();
    assert!(e.to_string().contains("agents"), "names the field: {e}");
    assert!(
        e.to_string().contains("non-negative") || e.to_string().contains("0 or more"),
        "says what is expected: {e}"
    );
}

#[test]
fn odd_but_parseable_values_are_errors_not_panics() {
    let cases: &[(&str, &str, &str)] = &[
        ("days: 5,", "days: 0,", "calendar.days"),
        (
            r#"interval: "30min","#,
            r#"interval: "0s","#,
            "calendar.interval",
        ),
        (
            r#"interval: "30min","#,
            r#"interval: "7min","#,
            "calendar.interval",
        ),
        (r#"to: "18:00")"#, r#"to: "08:00")"#, "calendar.open[0]"),
        (r#"["password", "technical"]"#, "[]", "incident_types"),
        (
            r#"["password", "technical"]"#,
            r#"["password", "technical", "password"]"#,
            "incident_types",
        ),
        ("per_hour: 6.0", "per_hour: inf", "per_hour"),
        ("per_hour: 6.0", "per_hour: NaN", "per_hour"),
        (
            "agents: 6,",
            "agents: 6, availability: NaN,",
            "availability",
        ),
        (
            "agents: 6,",
            "agents: 6, availability: 0.0,",
            "availability",
        ),
        (
            "agents: 6,",
            r#"agents: 6, schedule: [("10:00", 2), ("09:00", 3)],"#,
            "schedule",
        ),
        (
            "agents: 6,",
            r#"agents: 6, schedule: [("24:00", 2)],"#,
            "schedule",
        ),
        (
            "agents: 6,",
            "agents: 6, cost_per_hour: -1.0,",
            "cost_per_hour",
        ),
        (
            "agents: 6,",
            r#"agents: 6, triage: (accuracy: 1.5),"#,
            "triage.accuracy",
        ),
        (
            "agents: 6,",
            r#"agents: 6, triage: (accuracy: 0.9, confused_with: ["L7"]),"#,
            "confused_with",
        ),
        (
            "Daily(per_day: 200.0)",
            "Daily(per_day: 200.0, weekdays: [1.0, 1.0])",
            "weekdays",
        ),
        (
            "Daily(per_day: 200.0)",
            r#"Daily(per_day: 200.0, intraday: (from: "23:30", weights: [1.0, 1.0, 1.0]))"#,
            "intraday",
        ),
        (
            "Daily(per_day: 200.0)",
            r#"Daily(per_day: 200.0, intraday: (from: "08:00", weights: [0.0, 0.0]))"#,
            "weights",
        ),
        ("Daily(per_day: 200.0)", r#"Log(file: "")"#, "arrivals"),
        (
            "patience: Exponential(mean: \"3min\")",
            "patience: Empirical([])",
            "patience",
        ),
        (
            "patience: Exponential(mean: \"3min\")",
            "patience: Exponential(mean: 0)",
            "patience",
        ),
        (
            "patience: Exponential(mean: \"3min\")",
            r#"patience: Uniform(min: "5min", max: "1min")"#,
            "patience",
        ),
        (
            "patience: Exponential(mean: \"3min\")",
            r#"patience: Weibull(shape: 0.0, scale: "1min")"#,
            "patience",
        ),
        (
            "lines: 12,",
            "lines: 12, priorities: {Urgent: 0.5},",
            "priorities",
        ),
        (
            "lines: 12,",
            r#"lines: 12, entry_by_type: {"billing": "L1"},"#,
            "entry_by_type",
        ),
        (
            "lines: 12,",
            r#"lines: 12, entry_by_type: {"password": "L3"},"#,
            "entry_by_type",
        ),
        (
            "lines: 12,",
            r#"lines: 12, self_service: (resolves: {"password": 2.0}),"#,
            "self_service",
        ),
        ("prob: 0.5,", "prob: 0.5, max_attempts: 0,", "max_attempts"),
        (
            "targets: (answer_within: [\"20s\", \"60s\"]),",
            "targets: (answer_within: []),",
            "answer_within",
        ),
    ];
    for (from, to, field_part) in cases {
        let case = Case::new(broken(&[(from, to)]), &[]);
        let path = case.path.clone();
        let e = match std::panic::catch_unwind(|| load_model(&path)) {
            Err(_) => panic!("load_model panicked on {to}"),
            Ok(Ok(_)) => panic!("{to} must be rejected"),
            Ok(Err(e)) => e,
        };
        eprintln!("{to} -> {e}");
        assert_eq!(e.file, case.path, "{e}");
        assert!(e.at.is_some(), "{to}: the error must have a line: {e}");
        assert!(
            e.to_string().contains(field_part),
            "{to}: must name {field_part}: {e}"
        );
        let out = case.validate();
        assert!(!out.status.success());
        assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    }
}

// ---------------------------------------------------------------------------------------------
// Malformed RON

#[test]
fn syntax_error_is_located() {
    let case = Case::new(broken(&[("agents: 6,", "agents 6,")]), &[]);
    let e = case.error();
    assert_eq!(case.line(&e), line_of(&case.text, "agents 6"));
    assert_cli_rejects(&case, &["scenario.ron"]);
}

#[test]
fn missing_field_is_named() {
    let case = Case::new(broken(&[("kind: Email, ", "")]), &[]);
    let e = case.error();
    assert_contains(&e, &["kind"]);
    assert_eq!(case.line(&e), line_of(&case.text, r#"(name: "email""#));

    // In a multi-line channel, somewhere inside that channel.
    let case = Case::new(broken(&[("kind: Phone,\n", "")]), &[]);
    let e = case.error();
    assert_contains(&e, &["missing field", "kind"]);
    let line = case.line(&e);
    assert!(
        (line_of(&case.text, r#"name: "phone""#)..line_of(&case.text, r#"(name: "email""#))
            .contains(&line),
        "{e}"
    );
}

#[test]
fn truncated_files_are_errors_never_panics() {
    let end = GOOD.rfind(')').unwrap();
    let cut_points: Vec<usize> = (0..end).filter(|&i| GOOD.is_char_boundary(i)).collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.ron");
    for i in cut_points {
        std::fs::write(&path, &GOOD[..i]).unwrap();
        let r = std::panic::catch_unwind(|| load_model(&path));
        match r {
            Err(_) => panic!("load_model panicked on the first {i} bytes"),
            Ok(Ok(_)) => panic!("the first {i} bytes are not a whole scenario"),
            Ok(Err(e)) => {
                assert_eq!(e.file, path);
                assert!(e.at.is_some(), "a parse error has a place: {e}");
            }
        }
    }
}

#[test]
fn missing_scenario_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nope.ron");
    let e = load_model(&path).unwrap_err();
    assert_eq!(e.file, path);
    assert!(e.message.contains("cannot read"), "{e}");
    let out = tiersim(&["validate", path.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("nope.ron"));
    assert!(!stderr(&out).contains("panicked"));
}

// ---------------------------------------------------------------------------------------------
// Arrival logs

const LOG_SCENARIO_EDIT: (&str, &str) = ("Daily(per_day: 200.0)", r#"Log(file: "calls.csv")"#);

const GOOD_LOG: &str = "time,channel,type,priority,handling_min
10,phone,password,medium,4.5
0 08:30,phone,technical,high,
15,email,technical,,
0 09:00:30,phone,password,,3
";

#[test]
fn a_good_log_loads() {
    let case = Case::new(broken(&[LOG_SCENARIO_EDIT]), &[("calls.csv", GOOD_LOG)]);
    load_model(&case.path).expect("good log");
}

#[test]
fn missing_arrival_log_is_named() {
    let case = Case::new(broken(&[LOG_SCENARIO_EDIT]), &[]);
    // The scenario's line naming the log is at fault; the message names the log.
    let e = case.error();
    assert!(e.at.is_some(), "located: {e}");
    assert_contains(&e, &["cannot read the arrival log", "calls.csv"]);
    assert_cli_rejects(&case, &["calls.csv"]);
}

#[test]
fn missing_arrival_log_error_says_which_scenario_and_line_refer_to_it() {
    let case = Case::new(broken(&[LOG_SCENARIO_EDIT]), &[]);
    let e = case.error_in_any_file();
    let shown = e.to_string();
    assert!(
        shown.contains("scenario.ron"),
        "names the scenario: {shown}"
    );
    assert!(shown.contains("phone"), "names the channel: {shown}");
}

#[test]
fn log_with_a_bad_time_names_file_line_and_column() {
    let log = GOOD_LOG.replace("0 08:30,phone", "0 25:30,phone");
    let case = Case::new(broken(&[LOG_SCENARIO_EDIT]), &[("calls.csv", &log)]);
    let e = case.error_in_any_file();
    assert_eq!(e.file, case.dir().join("calls.csv"));
    assert_eq!(e.at.map(|a| a.0), Some(line_of(&log, "25:30")));
    assert_eq!(e.field.as_deref(), Some("time"));
    assert_contains(&e, &["`0 25:30` is not a time"]);
    assert_cli_rejects(&case, &["calls.csv:3:"]);
}

#[test]
fn log_with_an_unknown_type_or_priority_names_line_and_column() {
    let log = GOOD_LOG.replace("phone,technical,high", "phone,billing,high");
    let case = Case::new(broken(&[LOG_SCENARIO_EDIT]), &[("calls.csv", &log)]);
    let e = case.error_in_any_file();
    assert_eq!(e.at.map(|a| a.0), Some(line_of(&log, "billing")));
    assert_eq!(e.field.as_deref(), Some("type"));
    assert_contains(
        &e,
        &["unknown incident type `billing`", "password, technical"],
    );

    let log = GOOD_LOG.replace("medium", "normal");
    let case = Case::new(broken(&[LOG_SCENARIO_EDIT]), &[("calls.csv", &log)]);
    let e = case.error_in_any_file();
    assert_eq!(e.at.map(|a| a.0), Some(line_of(&log, "normal")));
    assert_eq!(e.field.as_deref(), Some("priority"));
    assert_contains(&e, &["unknown priority `normal`"]);

    let log = GOOD_LOG.replace(",3\n", ",-3\n");
    let case = Case::new(broken(&[LOG_SCENARIO_EDIT]), &[("calls.csv", &log)]);
    let e = case.error_in_any_file();
    assert_eq!(e.at.map(|a| a.0), Some(line_of(&log, "-3")));
    assert_eq!(e.field.as_deref(), Some("handling_min"));
}

#[test]
fn log_with_a_short_row_or_missing_column_is_located() {
    let log = GOOD_LOG.replace("15,email,technical,,", "15,email");
    let case = Case::new(broken(&[LOG_SCENARIO_EDIT]), &[("calls.csv", &log)]);
    let e = case.error_in_any_file();
    assert_eq!(e.file, case.dir().join("calls.csv"));
    assert_eq!(e.at.map(|a| a.0), Some(line_of(&log, "15,email")));

    let log = GOOD_LOG.replace("time,channel,type", "when,channel,type");
    let case = Case::new(broken(&[LOG_SCENARIO_EDIT]), &[("calls.csv", &log)]);
    let e = case.error_in_any_file();
    assert_eq!(e.at.map(|a| a.0), Some(1));
    // The header is described, not echoed (the file could be anything).
    assert_contains(&e, &["naming the columns time, channel, type", "lack time"]);
    assert!(!e.to_string().contains("when"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// `tiersim run` on bad input

#[test]
fn run_on_a_bad_file_fails_and_writes_nothing() {
    let bad = [
        broken(&[(r#"pass: {"L2": 0.3}"#, r#"pass: {"L9": 0.3}"#)]),
        broken(&[("agents: 6,", "agents 6,")]),
        broken(&[LOG_SCENARIO_EDIT]),
    ];
    for text in bad {
        let case = Case::new(text, &[]);
        let out_dir = case.dir().join("out");
        let out = tiersim(&[
            "run",
            case.path.to_str().unwrap(),
            "-n",
            "2",
            "--days",
            "1",
            "--out",
            out_dir.to_str().unwrap(),
        ]);
        let err = stderr(&out);
        assert!(!out.status.success(), "run must fail: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(err.contains("error:"), "{err}");
        assert!(
            err.contains("scenario.ron") || err.contains("calls.csv"),
            "names the file: {err}"
        );
        assert!(
            !out_dir.exists() || std::fs::read_dir(&out_dir).unwrap().next().is_none(),
            "no output may be written for a bad scenario"
        );
        // Nothing else appears next to the scenario either (e.g. a default results/ folder).
        let names: Vec<_> = std::fs::read_dir(case.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("scenario.ron")]);
    }
}

#[test]
fn run_on_a_good_file_writes_its_results() {
    let case = Case::new(GOOD.to_string(), &[]);
    let out_dir = case.dir().join("out");
    let out = tiersim(&[
        "run",
        case.path.to_str().unwrap(),
        "-n",
        "2",
        "--days",
        "1",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(std::fs::read_dir(&out_dir).unwrap().next().is_some());
}
