//! The discrete-event engine: one replication of a [`Model`], no I/O. Events are kept in a
//! calendar ordered by (time, insertion sequence); contacts live in a slab addressed by index
//! and reused, so the steady state allocates nothing per event. Queues hold waiting contacts
//! (`queue`), pools own agents and their duty cycle (`pool`), `routing` decides where contacts
//! go, and the engine reports what happens through the [`Observer`] interface only.
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
mod concurrency;
mod contact;
mod observe;
mod pool;
mod queue;
mod routing;
mod sim;
mod streams;

pub use arrivals::ArrivalGen;
pub use calendar::{Calendar, Event};
pub use observe::{ContactKey, Observer};
pub use pool::PoolLoad;
pub use streams::{Purpose, contact_stream, stream};

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
    checked(
        model,
        sim::Sim::new(model, seed, rep, opts, Collector::new(model)).run()?,
    )
}

/// A finished run's output once conservation holds.
fn checked(model: &Model, done: sim::Finished<Collector>) -> Result<RunOutput, Error> {
    check_conservation(model, &done.observer)?;
    Ok(RunOutput {
        collector: done.observer,
        trace: done.trace,
        events: done.events,
    })
}

/// Every contact counted as arrived is resolved, abandoned, blocked, lost or still in the
/// system, on each channel and overall. A violation is a bug in the engine.
fn check_conservation(m: &Model, stats: &Collector) -> Result<(), Error> {
    for i in 0..=m.channels.len() {
        let s = stats.scope(i);
        let out = s.resolved + s.abandoned + s.blocked + s.lost + s.merged + s.in_system_end;
        if s.arrived != out {
            let what = if i == 0 {
                "overall".to_string()
            } else {
                format!("channel `{}`", m.channels[i - 1].name)
            };
            return Err(Error::Invariant(format!(
                "conservation violated for {what}: arrived {} but resolved {} + abandoned {} + blocked {} + lost {} + merged {} + in system {} = {out}",
                s.arrived, s.resolved, s.abandoned, s.blocked, s.lost, s.merged, s.in_system_end
            )));
        }
    }
    Ok(())
}

/// [`simulate`] with every contact attempt handed to `sink` as it ends (in time order),
/// instead of kept in [`RunOutput::trace`]: memory stays flat however long the run.
pub fn simulate_traced(
    model: &Model,
    seed: u64,
    rep: u64,
    sink: &mut dyn FnMut(&TraceRecord),
) -> Result<RunOutput, Error> {
    let sim = sim::Sim::new(
        model,
        seed,
        rep,
        &RunOptions::default(),
        Collector::new(model),
    );
    checked(model, sim.with_sink(sink).run()?)
}
