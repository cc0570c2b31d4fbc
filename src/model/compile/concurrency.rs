//! Compiling a pool's concurrency per channel kind (a team's own pool or a shared pool).

use super::super::ConcurrencyModel;
use super::super::bounds;
use super::Compiler;
use crate::error::InputError;
use crate::scenario::{ChannelKind, Concurrency, Dist};
use std::collections::BTreeMap;

impl Compiler<'_> {
    /// The pool's concurrency limits above 1 (a limit of 1 is one contact at a time, as
    /// without the field). `q` and `base` locate the team or pool; `wrap_up` is its
    /// after-contact work, which concurrency does not combine with.
    pub(super) fn concurrency(
        &self,
        q: &str,
        base: &str,
        map: &BTreeMap<ChannelKind, Concurrency>,
        wrap_up: &BTreeMap<String, Dist>,
    ) -> Result<Vec<ConcurrencyModel>, InputError> {
        let mut out = Vec::new();
        for (kind, c) in map {
            let k = format!("{kind:?}");
            let at = [q, "concurrency", k.as_str()];
            let field = |x: &str| format!("{base}.concurrency.{k}.{x}");
            let limit = self.bounded(
                &at,
                field("limit"),
                &bounds::CONCURRENCY_LIMIT,
                f64::from(c.limit),
            )? as u32;
            let slowdown = self.bounded(
                &at,
                field("slowdown"),
                &bounds::CONCURRENCY_SLOWDOWN,
                c.slowdown,
            )?;
            if limit > 1 && !wrap_up.is_empty() {
                return Err(self.err(
                    &at,
                    field("limit"),
                    "a pool with after-contact work (wrap_up) holds one contact at a time: remove wrap_up or set limit: 1",
                ));
            }
            if limit > 1 {
                out.push(ConcurrencyModel {
                    kind: *kind,
                    limit,
                    slowdown,
                });
            }
        }
        Ok(out)
    }
}
