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
pub use tally::{Summary as DurationSummary, Tally};

/// The later of `t` and the warm-up's end: where time starts counting. A comparison, without
/// `f64::max`'s NaN handling (neither is NaN: times come from the calendar, the warm-up is
/// validated).
#[inline(always)]
pub(crate) fn counted_from(t: f64, warmup: f64) -> f64 {
    if t > warmup { t } else { warmup }
}
