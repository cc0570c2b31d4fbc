//! The discrete-event engine: one replication of a [`Model`], no I/O. Events are kept in a
//! calendar ordered by (time, insertion sequence); contacts live in a slab addressed by index
//! and reused, so the steady state allocates nothing per event.
//!
//! ```
//! # use tiersim::{engine, scenario, model};
//! let text = r#"Scenario(name: "mm1", calendar: (days: 1), incident_types: ["q"],
//!   channels: [(name: "phone", kind: Phone, arrivals: Poisson(per_hour: 10), mix: {"q": 1.0}, entry: "desk")],
//!   teams: [(name: "desk", agents: 1, handling: {"*": Exponential(mean: "3min")}, routes: {"*": (resolve: 1.0)})])"#;
//! let (s, src) = scenario::parse("mm1.ron".as_ref(), text.to_string()).unwrap();
//! let m = model::compile(&s, &src).unwrap();
//! let out = engine::simulate(&m, 42, 0, &engine::RunOptions::default()).unwrap();
//! assert!(out.collector.scopes[0].arrived > 100);
//! ```

mod arrivals;
mod calendar;
mod contact;
mod queue;
mod sim;
mod streams;

pub use calendar::{Calendar, Event};
pub use streams::{Purpose, stream};

use crate::error::Error;
use crate::model::Model;
use crate::stats::{Collector, ContactEnd};

/// Switches for one run.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Keep a record of every contact attempt (for small runs).
    pub trace: bool,
}

/// What one replication produced.
pub struct RunOutput {
    pub collector: Collector,
    pub trace: Vec<TraceRecord>,
    /// Events processed.
    pub events: u64,
}

/// One contact attempt, as it ended.
#[derive(Clone, Debug)]
pub struct TraceRecord {
    pub incident: u64,
    pub attempt: u8,
    pub channel: u16,
    pub ty: u16,
    pub priority: u8,
    pub arrival: f64,
    /// NaN if never answered.
    pub answered: f64,
    pub end: f64,
    pub outcome: ContactEnd,
    pub last_team: u16,
    pub transfers: u16,
    pub misroutes: u16,
    /// A chasing contact (a duplicate merged into its open incident).
    pub chase: bool,
}

/// Runs replication `rep` of `model` with `seed`. Fails only if an internal check (such as
/// conservation of contacts) is violated, which is a bug.
pub fn simulate(model: &Model, seed: u64, rep: u64, opts: &RunOptions) -> Result<RunOutput, Error> {
    sim::Sim::new(model, seed, rep, opts).run()
}

/// [`simulate`] with every contact attempt handed to `sink` as it ends (in time order),
/// instead of kept in [`RunOutput::trace`]: memory stays flat however long the run.
pub fn simulate_traced(
    model: &Model,
    seed: u64,
    rep: u64,
    sink: &mut dyn FnMut(&TraceRecord),
) -> Result<RunOutput, Error> {
    sim::Sim::new(model, seed, rep, &RunOptions::default())
        .with_sink(sink)
        .run()
}
