//! Compiled case rules: business calendars and how far an SLA clock runs between two
//! instants, the SLA targets and clock of each (incident type, priority), priority mixes per
//! type, pauses while waiting on the customer, and reopening per (team, type).

use super::{Categorical, ChannelId, Sampler, SlaModel, TeamId, TypeId};

const DAY: f64 = 86_400.0;

/// A business calendar as an SLA clock: open intervals per weekday (seconds of the day,
/// sorted, disjoint) and holidays (simulated days on which it does not run).
#[derive(Clone, Debug)]
pub struct BusinessClock {
    pub name: String,
    /// Per weekday (0 = Monday): open `[from, to)` intervals, seconds since midnight.
    pub hours: [Vec<(f64, f64)>; 7],
    /// Sorted simulated-day indices (0 = the run's first day).
    pub holidays: Vec<u32>,
    /// Weekday (0 = Monday) of simulated day 0.
    pub start_weekday: usize,
    day_open: [f64; 7],
}

impl BusinessClock {
    /// A clock from its (sorted, disjoint) intervals per weekday.
    pub fn new(
        name: String,
        hours: [Vec<(f64, f64)>; 7],
        mut holidays: Vec<u32>,
        start_weekday: usize,
    ) -> Self {
        holidays.sort_unstable();
        holidays.dedup();
        let day_open = std::array::from_fn(|w| hours[w].iter().map(|(a, b)| b - a).sum());
        BusinessClock {
            name,
            hours,
            holidays,
            start_weekday,
            day_open,
        }
    }

    fn weekday(&self, day: u64) -> usize {
        ((day + self.start_weekday as u64) % 7) as usize
    }

    /// Business seconds from time 0 to time `t` (seconds since the run's start).
    pub fn at(&self, t: f64) -> f64 {
        if t <= 0.0 {
            return 0.0;
        }
        let day = (t / DAY).floor() as u64;
        let week: f64 = self.day_open.iter().sum();
        let mut before = (day / 7) as f64 * week
            + (0..day % 7)
                .map(|k| self.day_open[self.weekday(day / 7 * 7 + k)])
                .sum::<f64>();
        for &h in self.holidays.iter().take_while(|&&h| u64::from(h) < day) {
            before -= self.day_open[self.weekday(u64::from(h))];
        }
        if self.holidays.binary_search(&(day as u32)).is_ok() {
            return before;
        }
        let sod = t - day as f64 * DAY;
        let within: f64 = self.hours[self.weekday(day)]
            .iter()
            .map(|&(a, b)| (sod.min(b) - a).max(0.0))
            .sum();
        before + within
    }

    /// Business seconds between `a` and `b` (`a <= b`).
    pub fn between(&self, a: f64, b: f64) -> f64 {
        (self.at(b) - self.at(a)).max(0.0)
    }
}

/// SLA targets and the clock (an index into [`CaseRules::clocks`]; none: the wall clock)
/// they are measured on.
#[derive(Clone, Copy, Debug, Default)]
pub struct SlaRule {
    pub targets: SlaModel,
    pub clock: Option<u8>,
}

/// Waiting on the customer before a resolved incident closes.
#[derive(Clone, Debug)]
pub struct PauseModel {
    pub prob: f64,
    pub delay: Sampler,
}

/// A resolved incident reopening as a new contact.
#[derive(Clone, Debug)]
pub struct ReopenModel {
    pub prob: f64,
    pub after: Sampler,
    /// The channel of the new contact; `None`: the incident's first channel.
    pub channel: Option<ChannelId>,
}

/// Everything about how cases are judged and come back, compiled.
#[derive(Clone, Debug, Default)]
pub struct CaseRules {
    pub clocks: Vec<BusinessClock>,
    /// Per incident type, per priority (urgent first): targets and clock.
    pub sla: Vec<[SlaRule; 4]>,
    /// Per channel: the clock its incidents use where their SLA names none.
    pub channel_clock: Vec<Option<u8>>,
    /// Per incident type: a priority mix replacing the channel's or stream's.
    pub priority_by_type: Vec<Option<Categorical>>,
    /// Per incident type: waiting on the customer.
    pub pause: Vec<Option<PauseModel>>,
    /// Per team, per incident type: reopening.
    pub reopen: Vec<Vec<Option<ReopenModel>>>,
}

impl CaseRules {
    /// The SLA targets and clock of an incident of type `ty` that first arrived on `channel`
    /// with priority `priority`.
    #[inline]
    pub fn sla(
        &self,
        ty: TypeId,
        priority: u8,
        channel: ChannelId,
    ) -> (SlaModel, Option<&BusinessClock>) {
        let rule = self
            .sla
            .get(ty.index())
            .map_or_else(SlaRule::default, |r| r[priority as usize]);
        let clock = rule
            .clock
            .or_else(|| self.channel_clock.get(channel.index()).copied().flatten());
        (rule.targets, clock.map(|k| &self.clocks[k as usize]))
    }

    /// The priority of a new incident of type `ty` from uniform draw `u`, if its type has
    /// its own mix.
    #[inline]
    pub fn priority(&self, ty: TypeId, u: f64) -> Option<u8> {
        self.priority_by_type
            .get(ty.index())
            .and_then(Option::as_ref)
            .map(|mix| mix.pick(u) as u8)
    }

    /// Waiting on the customer for incidents of type `ty`.
    #[inline]
    pub fn pause(&self, ty: TypeId) -> Option<&PauseModel> {
        self.pause.get(ty.index()).and_then(Option::as_ref)
    }

    /// Reopening of incidents of type `ty` resolved by `team`.
    #[inline]
    pub fn reopen(&self, team: TeamId, ty: TypeId) -> Option<&ReopenModel> {
        self.reopen
            .get(team.index())
            .and_then(|t| t.get(ty.index()))
            .and_then(Option::as_ref)
    }
}

/// Seconds on `clock` (the wall clock if none) from `a` to `b`.
#[inline]
pub fn clock_between(clock: Option<&BusinessClock>, a: f64, b: f64) -> f64 {
    match clock {
        Some(c) => c.between(a, b),
        None => (b - a).max(0.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Mon-Fri 09:00-17:00, starting on a Monday, day 2 (Wednesday) a holiday.
    fn office() -> BusinessClock {
        let nine_to_five = vec![(9.0 * 3600.0, 17.0 * 3600.0)];
        let hours = std::array::from_fn(|w| if w < 5 { nine_to_five.clone() } else { vec![] });
        BusinessClock::new("office".into(), hours, vec![2], 0)
    }

    #[test]
    fn business_seconds_count_only_open_hours_off_holidays() {
        let c = office();
        let h = 3600.0;
        assert_eq!(c.at(9.0 * h), 0.0);
        assert_eq!(c.at(10.0 * h), h);
        assert_eq!(c.at(DAY), 8.0 * h);
        // Monday 16:00 to Tuesday 10:00: one hour each side of the night.
        assert_eq!(c.between(16.0 * h, DAY + 10.0 * h), 2.0 * h);
        // Tuesday 12:00 to Thursday 12:00 skips the Wednesday holiday: 5 h + 3 h.
        assert_eq!(c.between(DAY + 12.0 * h, 3.0 * DAY + 12.0 * h), 8.0 * h);
        // Friday 16:00 to next Monday 10:00: the weekend does not count.
        assert_eq!(
            c.between(4.0 * DAY + 16.0 * h, 7.0 * DAY + 10.0 * h),
            2.0 * h
        );
        // Whole weeks after the first: 5 days x 8 h a week (no more holidays).
        assert_eq!(c.between(7.0 * DAY, 21.0 * DAY), 80.0 * h);
        assert_eq!(clock_between(None, 5.0, 12.0), 7.0);
    }
}
