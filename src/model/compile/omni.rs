//! Compiling the omnichannel fields: a channel's callback offer, a team's blend of live and
//! deferred work, and a team's time-triggered escalation (whose chain must not loop).

use super::super::bounds::{self, Bound};
use super::super::{CallbackModel, EscalateModel, TeamModel};
use super::Compiler;
use crate::error::InputError;
use crate::scenario::{Blend, Callback, ChannelKind, Escalate, Team};

impl Compiler<'_> {
    /// A duration field in `bound`'s unit of minutes, returned in seconds.
    fn minutes(
        &self,
        at: &[&str],
        field: String,
        bound: &Bound,
        secs: f64,
    ) -> Result<f64, InputError> {
        self.bounded(at, field, bound, secs / 60.0)
            .map(|m| m * 60.0)
    }

    /// The channel's callback offer, checked.
    pub(super) fn callback(
        &self,
        q: &str,
        base: &str,
        kind: ChannelKind,
        cb: &Callback,
    ) -> Result<CallbackModel, InputError> {
        let f = |x: &str| format!("{base}.callback.{x}");
        let at = |x: &'static str| [q, "callback", x];
        if kind.is_written() {
            return Err(self.err(
                &[q, "callback"],
                format!("{base}.callback"),
                "callbacks are for live channels (a written contact does not wait on the line)",
            ));
        }
        let tries = self.bounded(
            &at("max_tries"),
            f("max_tries"),
            &bounds::CALLBACK_TRIES,
            f64::from(cb.max_tries),
        )?;
        Ok(CallbackModel {
            threshold: self.minutes(
                &at("threshold"),
                f("threshold"),
                &bounds::CALLBACK_THRESHOLD_MIN,
                cb.threshold.secs(),
            )?,
            accept: self.prob(&at("accept"), &f("accept"), cb.accept)?,
            reach: self.prob(&at("reach"), &f("reach"), cb.reach)?,
            dial: self.minutes(
                &at("dial"),
                f("dial"),
                &bounds::CALLBACK_DIAL_MIN,
                cb.dial.secs(),
            )?,
            retry_after: self.minutes(
                &at("retry_after"),
                f("retry_after"),
                &bounds::CALLBACK_RETRY_MIN,
                cb.retry_after.secs(),
            )?,
            max_tries: tries as u32,
        })
    }

    /// The team's reserve for live work (0 for `LiveFirst`), if it blends.
    pub(super) fn blend(&self, q: &str, base: &str, t: &Team) -> Result<Option<u32>, InputError> {
        match t.blend {
            None => Ok(None),
            Some(Blend::LiveFirst) => Ok(Some(0)),
            Some(Blend::Reserve(k)) => self
                .bounded(
                    &[q, "blend"],
                    format!("{base}.blend"),
                    &bounds::BLEND_RESERVE,
                    f64::from(k),
                )
                .map(|_| Some(k)),
        }
    }

    /// The team's escalation, its target resolved.
    pub(super) fn escalate(
        &self,
        q: &str,
        base: &str,
        own: usize,
        e: &Escalate,
        teams: &[&str],
    ) -> Result<EscalateModel, InputError> {
        let at = [q, "escalate"];
        let to = self.team_id(&at, &format!("{base}.escalate.to"), &e.to, teams)?;
        if to.index() == own {
            return Err(self.err(
                &at,
                format!("{base}.escalate.to"),
                "a team cannot escalate to itself: name the next level",
            ));
        }
        Ok(EscalateModel {
            after: self.minutes(
                &[q, "escalate", "after"],
                format!("{base}.escalate.after"),
                &bounds::ESCALATE_AFTER_MIN,
                e.after.secs(),
            )?,
            to,
        })
    }

    /// Escalation is hierarchical: following `escalate.to` from any team never comes back.
    pub(super) fn check_escalation_chain(&self, teams: &[TeamModel]) -> Result<(), InputError> {
        for (start, t) in teams.iter().enumerate() {
            let mut at = start;
            for _ in 0..teams.len() {
                match teams[at].escalate {
                    Some(e) => at = e.to.index(),
                    None => break,
                }
                if at == start {
                    let q = format!("\"{}\"", t.name);
                    return Err(self.err(
                        &[&q, "escalate"],
                        format!("teams[{start}] {q}.escalate"),
                        "escalation comes back to this team: escalation goes up a hierarchy, so the chain of `escalate.to` must not loop",
                    ));
                }
            }
        }
        Ok(())
    }
}
