//! tiersim: a discrete-event simulator for customer-service design.
//!
//! Data flows one way: [`scenario`] (what the user writes) → [`model`] (validated, names
//! resolved to ids) → [`engine`] (one replication, no I/O) → [`stats`] (streaming collectors,
//! confidence intervals) → [`experiment`] (replications in parallel) → [`report`] (tables,
//! CSV, JSON). The binary's `cli` is a thin layer over these.

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
