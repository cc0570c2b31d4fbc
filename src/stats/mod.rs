//! Streaming statistics: per-replication collectors ([`Collector`]), KPI identities
//! ([`Kpi`], [`Scope`]), per-interval series, and confidence intervals across replications.

mod cases;
mod collect;
mod feeds;
mod kpi;
mod observe;
mod omni;
mod pools;
mod series;
mod summary;
mod tally;

pub use cases::{CaseCounts, ClockTimes};
pub use collect::{ALIAS, Collector, ContactEnd, IncidentRecord, ScopeIds, ScopeStats, TeamStats};
pub use feeds::{FeedStats, OmniFact, SegmentStats};
pub use kpi::{Kpi, QUANTILES, Scope, Unit};
pub use omni::{CallbackStats, OmniStats};
pub use pools::PoolStats;
pub use series::{CDF_BINS, Series, cdf_edges};
pub use summary::{Estimate, estimate, paired_estimate, t_quantile};
pub use tally::Tally;
