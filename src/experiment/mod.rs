//! Experiments over models: replications in parallel and their summaries. Rayon is used here
//! and nowhere deeper; every result is seeded by index and collected in order.

mod compare;
pub mod pilot;
mod replicate;
mod staff;
mod summary;
mod sweep;

pub use compare::{CompareRow, Comparison, Design, compare, compare_with};
pub use replicate::{
    Layout, RepResult, replicate, run_replications, run_replications_traced, run_replications_with,
};
pub use staff::{
    BACKLOG_TOLERANCE, Check, Op, StaffOptions, StaffResult, StaffTarget, Staffing,
    VALIDATION_ALPHA, Validation, Verdict, check, independent_check, interval_checks,
    min_replications, search, staffing_cost, validate, validation_seed, work_checks,
};
pub use summary::{IntervalSeries, Summary};
pub use sweep::{Param, Plan, PointResult, SweepFile, apply, describe, parse_values, run_points};

use crate::error::Result;
use crate::model::Model;

/// Runs `replications` of `model` from `seed` and summarises them.
pub fn run(model: &Model, seed: u64, replications: u64) -> Result<Summary> {
    let (layout, reps, _) = run_replications(model, seed, 0..replications, false)?;
    Ok(Summary::new(model, layout, &reps))
}
