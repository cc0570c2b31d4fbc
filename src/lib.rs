//! tiersim: a discrete-event simulator for customer-service design.
//!
//! Data flows one way: [`scenario`] (what the user writes) → [`model`] (validated, names
//! resolved to ids) → [`engine`] (one replication, no I/O) → [`stats`] (streaming collectors,
//! confidence intervals) → [`experiment`] (replications in parallel) → [`report`] (tables,
//! CSV, JSON). The binary's `cli` is a thin layer over these.
//!
//! # Using tiersim as a library
//!
//! Load, compile, run and read KPIs (the same example as the README's "Using tiersim as a
//! library"; `tests/readme.rs` checks that the two stay identical):
//!
//! ```rust
//! use tiersim::experiment;
//! use tiersim::model::load_model;
//! use tiersim::stats::{Kpi, Scope};
//!
//! // Load a scenario: parsed, validated and compiled (names resolved to typed ids).
//! let mut model = load_model("scenarios/after.ron".as_ref())?;
//! model.horizon = model.warmup + 2.0 * 86_400.0; // two simulated days, to keep this quick
//!
//! // Run 3 replications from seed 1, in parallel (the numbers never depend on the threads).
//! let summary = experiment::run(&model, 1, 3)?;
//!
//! // Read KPIs: each is a mean over replications with its 95% confidence interval.
//! let sl = summary.get(Kpi::ServiceLevel(0), Scope::Overall).expect("a service level");
//! println!("service level {:.1}% ({:.1}% to {:.1}%)", 100.0 * sl.mean, 100.0 * sl.lo, 100.0 * sl.hi);
//! let answer = summary.get(Kpi::ResponseMean, Scope::Overall).expect("an answer time");
//! assert!(answer.mean >= 0.0 && answer.lo <= answer.hi);
//!
//! // Or every KPI for every breakdown as tidy rows, exactly as in kpis.csv.
//! for row in tiersim::report::tidy::rows(&model, &summary).iter().take(3) {
//!     println!("{} {} {}: {} {}", row.kpi, row.scope, row.name, row.mean, row.unit);
//! }
//! # Ok::<(), tiersim::error::Error>(())
//! ```

pub mod analytic;
pub mod engine;
pub mod error;
pub mod experiment;
pub mod fit;
pub mod hash;
pub mod logs;
pub mod model;
pub mod report;
pub mod scenario;
pub mod stats;
