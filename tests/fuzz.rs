//! Structured fuzzing, in process: mutations of every bundled scenario (numbers set to 0, -1,
//! 1e308, NaN, inf, 5e-324, 2^64, ...; strings emptied, made `../` or absolute paths or 100 000
//! characters long; tokens deleted or duplicated; truncation; bit flips), each through decoding,
//! parsing, validation and, when valid, a one-day run of one replication. Every input must end
//! within a time limit (a hang fails the test) in a located error (file plus line or field),
//! a clear stop by the engine guard, or a finished run; never a panic or an internal error.
//!
//! CI runs 5 000 inputs. Locally, millions:
//! `TIERSIM_FUZZ_INPUTS=2000000 cargo test --release --test fuzz -- --nocapture`
//! (`TIERSIM_FUZZ_SEED` picks another sequence; a failure prints the seed and the input's
//! index, and saves the input under the system's temporary folder).

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;
use tiersim::error::Error;

/// Longest any one input may take (parse, validate and a one-day run) before it counts as a
/// hang: generous, since CI machines are slow and shared.
const LIMIT: Duration = Duration::from_secs(120);

const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "1e308",
    "NaN",
    "inf",
    "-inf",
    "5e-324",
    "18446744073709551616",
    "4294967296",
    "0.5",
    "1e9",
    "-0",
    "2",
];

fn strings() -> Vec<String> {
    [
        "",
        "../",
        "../../x",
        "/tmp/x",
        "/dev/zero",
        "/etc/passwd",
        "a/b",
        "*",
        "Phone",
        "1e200min",
        "2ms",
        "0s",
        "\\u{0}",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain(["x".repeat(100_000)])
    .collect()
}

/// Byte spans (start, end) in a text.
type Spans = Vec<(usize, usize)>;

/// Byte spans of number literals, of string literals' contents, and of all tokens.
fn spans(text: &[u8]) -> (Spans, Spans, Spans) {
    let (mut nums, mut strs, mut tokens) = (Vec::new(), Vec::new(), Vec::new());
    let mut i = 0;
    while i < text.len() {
        let c = text[i];
        let start = i;
        if c == b'"' {
            i += 1;
            while i < text.len() && text[i] != b'"' {
                i += if text[i] == b'\\' { 2 } else { 1 };
            }
            strs.push((start + 1, i.min(text.len())));
            i += 1;
        } else if c.is_ascii_digit()
            || (c == b'-' && text.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            i += 1;
            while i < text.len() && (text[i].is_ascii_alphanumeric() || b".+-".contains(&text[i])) {
                i += 1;
            }
            nums.push((start, i));
        } else if c.is_ascii_alphabetic() || c == b'_' {
            while i < text.len() && (text[i].is_ascii_alphanumeric() || text[i] == b'_') {
                i += 1;
            }
        } else if c == b'/' && text.get(i + 1) == Some(&b'/') {
            while i < text.len() && text[i] != b'\n' {
                i += 1;
            }
            continue;
        } else {
            i += 1;
            if c.is_ascii_whitespace() {
                continue;
            }
        }
        tokens.push((start, i.min(text.len())));
    }
    (nums, strs, tokens)
}

/// One mutated input and what was done to it.
fn mutate(base: &[u8], rng: &mut Pcg64Mcg, long: &[String]) -> (Vec<u8>, String) {
    let mut text = base.to_vec();
    let mut what = Vec::new();
    let edits = if rng.random_bool(0.6) {
        1
    } else {
        rng.random_range(2..=3)
    };
    for _ in 0..edits {
        let (nums, strs, tokens) = spans(&text);
        let pick = |v: &[(usize, usize)], rng: &mut Pcg64Mcg| v[rng.random_range(0..v.len())];
        let (range, with): ((usize, usize), Vec<u8>) = match rng.random_range(0..10) {
            0..=3 if !nums.is_empty() => {
                let s = pick(&nums, rng);
                let n = NUMBERS[rng.random_range(0..NUMBERS.len())];
                what.push(format!("number at {} -> {n}", s.0));
                (s, n.as_bytes().to_vec())
            }
            4..=5 if !strs.is_empty() => {
                let s = pick(&strs, rng);
                let v = &long[rng.random_range(0..long.len())];
                what.push(format!("string at {} -> {:.20}", s.0, v));
                (s, v.as_bytes().to_vec())
            }
            6 if !tokens.is_empty() => {
                let s = pick(&tokens, rng);
                what.push(format!("token at {} deleted", s.0));
                (s, Vec::new())
            }
            7 if !tokens.is_empty() => {
                let s = pick(&tokens, rng);
                what.push(format!("token at {} duplicated", s.0));
                let mut twice = text[s.0..s.1].to_vec();
                twice.extend_from_slice(&text[s.0..s.1]);
                (s, twice)
            }
            8 if !text.is_empty() => {
                let at = rng.random_range(0..text.len());
                what.push(format!("truncated at {at}"));
                ((at, text.len()), Vec::new())
            }
            _ if !text.is_empty() => {
                let at = rng.random_range(0..text.len());
                let bit = 1u8 << rng.random_range(0..8);
                what.push(format!("bit {bit:#x} flipped at {at}"));
                ((at, at + 1), vec![text[at] ^ bit])
            }
            _ => continue,
        };
        text.splice(range.0..range.1, with);
    }
    (text, what.join("; "))
}

#[derive(Debug)]
enum Outcome {
    Rejected,
    Ran,
    Stopped,
}

/// Decode, parse, validate and (if valid) run one day: the outcome, or what went wrong.
fn check(path: &Path, bytes: Vec<u8>) -> Result<Outcome, String> {
    let located = |e: tiersim::error::InputError| {
        if e.at.is_some() || e.field.is_some() {
            Ok(Outcome::Rejected)
        } else {
            Err(format!("an error without a line or field: {e}"))
        }
    };
    let text = match tiersim::scenario::decode(path, bytes, "scenario") {
        Ok(t) => t,
        Err(e) => return located(e),
    };
    let (s, src) = match tiersim::scenario::parse(path, text) {
        Ok(x) => x,
        Err(e) => return located(e),
    };
    let mut m = match tiersim::model::compile(&s, &src) {
        Ok(m) => m,
        Err(e) => return located(e),
    };
    // A short bounded run: at most a day of warm-up and one simulated day.
    m.warmup = m.warmup.min(86_400.0);
    m.horizon = m.warmup + 86_400.0;
    match tiersim::engine::simulate(&m, 1, 0, &Default::default()) {
        Ok(_) => Ok(Outcome::Ran),
        Err(Error::Runaway(_)) => Ok(Outcome::Stopped),
        Err(e) => Err(format!("the run failed: {e}")),
    }
}

fn bundled() -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for dir in ["scenarios", "scenarios/validation"] {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "ron") {
                let bytes = std::fs::read(&p).unwrap();
                out.push((p, bytes));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn mutated_scenarios_end_in_a_located_error_or_a_finished_run() {
    let env = |k: &str, d: u64| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let inputs = env("TIERSIM_FUZZ_INPUTS", 5000);
    let seed = env("TIERSIM_FUZZ_SEED", 7);
    let scenarios = bundled();
    assert!(
        scenarios.len() >= 6,
        "bundled scenarios found: {}",
        scenarios.len()
    );
    let long = strings();
    let counts = [(); 3].map(|_| AtomicUsize::new(0));
    (0..inputs).into_par_iter().for_each(|k| {
        let mut rng = Pcg64Mcg::seed_from_u64(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ k);
        let (path, base) = &scenarios[(k as usize) % scenarios.len()];
        let (bytes, what) = mutate(base, &mut rng, &long);
        let (tx, rx) = mpsc::channel();
        let (p, b) = (path.clone(), bytes.clone());
        std::thread::spawn(move || {
            let r = std::panic::catch_unwind(|| check(&p, b))
                .unwrap_or_else(|_| Err("a panic".to_string()));
            let _ = tx.send(r);
        });
        let fail = |why: String| -> ! {
            let saved = std::env::temp_dir().join(format!("tiersim-fuzz-{seed}-{k}.ron"));
            let _ = std::fs::write(&saved, &bytes);
            panic!(
                "input {k} (TIERSIM_FUZZ_SEED={seed}), {} with {what}: {why}; saved as {}",
                path.display(),
                saved.display()
            )
        };
        match rx.recv_timeout(LIMIT) {
            Ok(Ok(o)) => {
                counts[o as usize].fetch_add(1, Ordering::Relaxed);
            }
            Ok(Err(why)) => fail(why),
            Err(_) => fail(format!("no answer within {LIMIT:?} (a hang)")),
        }
    });
    let [rejected, ran, stopped] = counts.map(|c| c.into_inner());
    eprintln!(
        "{inputs} inputs: {rejected} rejected with a located error, {ran} ran, {stopped} stopped by the engine guard"
    );
    assert_eq!(rejected + ran + stopped, inputs as usize);
    // The mutations must reach the engine, or the test proves little about it.
    assert!(
        ran as u64 * 20 >= inputs,
        "only {ran} of {inputs} inputs ran"
    );
}
