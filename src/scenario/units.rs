//! Units as users write them: durations (`"20s"`, `"6min"`, `"1.5h"`, `"2d"`, or a bare number
//! of minutes) and clock times of day (`"08:30"`, `"24:00"`).

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// Longest duration accepted anywhere (100 years): seconds as `f64` keep sub-microsecond
/// resolution up to it, and nothing longer means anything in a run of at most 10 years.
pub const MAX_DURATION_DAYS: f64 = 36_500.0;

/// A non-negative duration, stored in seconds.
///
/// Written in a scenario as a string with a unit (`"20s"`, `"6min"`, `"1.5h"`, `"2d"`) or as a
/// bare number, read as minutes.
///
/// ```
/// use tiersim::scenario::Dur;
/// assert_eq!(Dur::parse("6min").unwrap().secs(), 360.0);
/// assert_eq!(Dur::parse("1.5h").unwrap().secs(), 5400.0);
/// assert!(Dur::parse("-3s").is_err());
/// assert_eq!(Dur::parse("3 minutes").unwrap(), Dur::parse("3 min").unwrap());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Default)]
pub struct Dur(f64);

impl Dur {
    /// A duration of `s` seconds.
    pub const fn from_secs(s: f64) -> Self {
        Dur(s)
    }
    /// A duration of `m` minutes.
    pub fn from_mins(m: f64) -> Self {
        Dur(m * 60.0)
    }
    /// Seconds.
    pub fn secs(self) -> f64 {
        self.0
    }

    /// Parses `"20s"`, `"6min"`, `"1.5h"`, `"2d"`, or a number of minutes.
    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim();
        // The unit is the trailing letters, so exponents (`1e3min`) stay in the number.
        let split = t.trim_end_matches(|c: char| c.is_ascii_alphabetic()).len();
        let (num, unit) = t.split_at(split);
        let value: f64 = num.trim().parse().map_err(|_| {
            format!("`{text}` is not a duration: expected a number with a unit, like \"20s\", \"6min\", \"1.5h\" or \"2d\"")
        })?;
        let scale = match unit.trim().to_ascii_lowercase().as_str() {
            "" | "m" | "min" | "mins" | "minute" | "minutes" => 60.0,
            "s" | "sec" | "secs" | "second" | "seconds" => 1.0,
            "ms" => 0.001,
            "h" | "hr" | "hrs" | "hour" | "hours" => 3600.0,
            "d" | "day" | "days" => 86_400.0,
            other => {
                return Err(format!(
                    "unknown duration unit `{other}` in `{text}`: use s, min, h or d"
                ));
            }
        };
        Self::checked(value * scale).map_err(|why| format!("duration `{text}` {why}"))
    }

    /// A duration of `secs` seconds within [0, [`MAX_DURATION_DAYS`]], or why not.
    fn checked(secs: f64) -> Result<Self, String> {
        if !(secs.is_finite() && secs >= 0.0) {
            Err("must be a finite, non-negative amount of time".into())
        } else if secs > MAX_DURATION_DAYS * 86_400.0 {
            Err(format!(
                "is longer than {MAX_DURATION_DAYS} days, the longest duration tiersim accepts"
            ))
        } else {
            Ok(Dur(secs))
        }
    }
}

impl fmt::Display for Dur {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0;
        if s < 120.0 {
            write!(f, "{s}s")
        } else if s < 2.0 * 3600.0 {
            write!(f, "{}min", s / 60.0)
        } else {
            write!(f, "{}h", s / 3600.0)
        }
    }
}

impl Serialize for Dur {
    /// Written in the largest unit that states it exactly (`"24h"`, `"6min"`, `"20s"`,
    /// `"0.25s"`), so that a written scenario reads like a hand-written one and reads back to
    /// the same number of seconds.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let secs = self.0;
        let exact = |unit: f64| {
            let v = secs / unit;
            (secs > 0.0 && v.fract() == 0.0 && v * unit == secs).then_some(v)
        };
        let text = if let Some(h) = exact(3600.0) {
            format!("{h}h")
        } else if let Some(m) = exact(60.0) {
            format!("{m}min")
        } else {
            format!("{secs}s")
        };
        s.serialize_str(&text)
    }
}

impl<'de> Deserialize<'de> for Dur {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Dur;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration like \"20s\", \"6min\", \"1.5h\", or a number of minutes")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Dur, E> {
                Dur::parse(v).map_err(E::custom)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Dur, E> {
                Dur::checked(v * 60.0)
                    .map_err(|why| E::custom(format!("duration of {v} minutes {why}")))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Dur, E> {
                self.visit_f64(v as f64)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Dur, E> {
                self.visit_f64(v as f64)
            }
        }
        d.deserialize_any(V)
    }
}

/// A count written as a whole number: `5.5` or `-1` get a message saying so (RON would
/// otherwise report the `.` as a missing comma). Used through [`whole`] and friends, so the
/// fields stay plain `u32`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Whole(pub u32);

impl<'de> Deserialize<'de> for Whole {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Whole;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a whole number, 0 or more")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Whole, E> {
                u32::try_from(v).map(Whole).map_err(|_| {
                    E::custom(format!(
                        "{v} is too large: expected a whole number up to {}",
                        u32::MAX
                    ))
                })
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Whole, E> {
                u64::try_from(v)
                    .map_err(|_| {
                        E::custom(format!(
                            "{v} is negative: expected a whole number, 0 or more"
                        ))
                    })
                    .and_then(|v| self.visit_u64(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Whole, E> {
                if v.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&v) {
                    Ok(Whole(v as u32))
                } else {
                    Err(E::custom(format!(
                        "expected a whole number, 0 or more, got {v}"
                    )))
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// Deserialises a `u32` field through [`Whole`].
pub(crate) fn whole<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    Whole::deserialize(d).map(|w| w.0)
}

/// Deserialises an optional `u32` field through [`Whole`].
pub(crate) fn whole_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    Option::<Whole>::deserialize(d).map(|w| w.map(|w| w.0))
}

/// Deserialises a staffing schedule `[("08:00", 3), ...]` with whole agent counts.
pub(crate) fn whole_schedule<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Vec<(Clock, u32)>, D::Error> {
    Vec::<(Clock, Whole)>::deserialize(d).map(|v| v.into_iter().map(|(c, w)| (c, w.0)).collect())
}

/// A time of day, `"HH:MM"` from `"00:00"` to `"24:00"`, stored in seconds after midnight.
///
/// ```
/// use tiersim::scenario::Clock;
/// assert_eq!(Clock::parse("08:30").unwrap().secs(), 30_600.0);
/// assert!(Clock::parse("25:00").is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Clock(f64);

impl Clock {
    /// Seconds after midnight.
    pub fn secs(self) -> f64 {
        self.0
    }
    /// Parses `"HH:MM"`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "`{text}` is not a time of day: expected \"HH:MM\" between \"00:00\" and \"24:00\""
            )
        };
        let (h, m) = text.trim().split_once(':').ok_or_else(bad)?;
        let h: u32 = h.parse().map_err(|_| bad())?;
        let m: u32 = m.parse().map_err(|_| bad())?;
        if m >= 60 || h > 24 || (h == 24 && m > 0) {
            return Err(bad());
        }
        Ok(Clock(f64::from(h * 3600 + m * 60)))
    }
}

impl Serialize for Clock {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let m = (self.0 / 60.0).round() as u32;
        s.serialize_str(&format!("{:02}:{:02}", m / 60, m % 60))
    }
}

impl<'de> Deserialize<'de> for Clock {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Clock::parse(&s).map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_written_readably_and_read_back_exactly() {
        for (secs, text) in [
            (86_400.0, "\"24h\""),
            (360.0, "\"6min\""),
            (20.0, "\"20s\""),
            (0.25, "\"0.25s\""),
            (0.0, "\"0s\""),
            (5400.0, "\"90min\""),
        ] {
            let written = ron::to_string(&Dur::from_secs(secs)).unwrap();
            assert_eq!(written, text);
            let back: Dur = ron::from_str(&written).unwrap();
            assert_eq!(back.secs(), secs);
        }
        for t in ["3 minutes", "3 Minutes", "180 seconds", "3min"] {
            assert_eq!(Dur::parse(t).unwrap().secs(), 180.0, "{t}");
        }
    }

    #[test]
    fn durations_accept_units_and_bare_minutes() {
        assert_eq!(Dur::parse("20s").unwrap().secs(), 20.0);
        assert_eq!(Dur::parse("2d").unwrap().secs(), 172_800.0);
        assert_eq!(Dur::parse("10").unwrap().secs(), 600.0);
        let d: Dur = ron::from_str("7.5").unwrap();
        assert_eq!(d.secs(), 450.0);
    }

    #[test]
    fn durations_reject_negative_and_unknown_units() {
        assert!(Dur::parse("-1min").unwrap_err().contains("non-negative"));
        assert!(
            Dur::parse("3 weeks")
                .unwrap_err()
                .contains("unknown duration unit")
        );
        assert!(ron::from_str::<Dur>("-2").is_err());
    }

    #[test]
    fn exponents_stay_in_the_number_and_huge_durations_are_refused() {
        assert_eq!(Dur::parse("1e3s").unwrap().secs(), 1000.0);
        let e = Dur::parse("1e200min").unwrap_err();
        assert!(e.contains("longer than 36500 days"), "{e}");
        assert!(
            Dur::parse("100y")
                .unwrap_err()
                .contains("unknown duration unit `y`")
        );
    }

    #[test]
    fn clock_times_parse_and_reject_nonsense() {
        assert_eq!(Clock::parse("24:00").unwrap().secs(), 86_400.0);
        assert!(Clock::parse("12:60").is_err());
        assert!(Clock::parse("noon").is_err());
    }
}
