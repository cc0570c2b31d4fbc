//! Calendar dates without a time-zone crate: days since 1970-01-01 (proleptic Gregorian) and
//! back, weekdays, and the `YYYY-MM-DD HH:MM:SS` form logs use.

/// A calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i64,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// Days since 1970-01-01 (negative before).
    pub fn days(self) -> i64 {
        let y = self.year - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01.
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        Date {
            year: yoe + era * 400 + i64::from(month <= 2),
            month,
            day,
        }
    }

    /// Parses `YYYY-MM-DD`, checking the day exists.
    pub fn parse(s: &str) -> Result<Date, String> {
        let bad = || format!("`{s}` is not a date: use YYYY-MM-DD");
        let mut it = s.trim().splitn(3, '-');
        let (Some(y), Some(m), Some(d)) = (it.next(), it.next(), it.next()) else {
            return Err(bad());
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(bad());
        }
        let date = Date {
            year: y.parse().map_err(|_| bad())?,
            month: m.parse().map_err(|_| bad())?,
            day: d.parse().map_err(|_| bad())?,
        };
        date.checked()
            .ok_or_else(|| format!("`{s}` is not a calendar date"))
    }

    /// The date if it exists.
    pub fn checked(self) -> Option<Date> {
        (self.month >= 1
            && self.month <= 12
            && self.day >= 1
            && Date::from_days(self.days()) == self)
            .then_some(self)
    }

    /// `YYYY-MM-DD HH:MM:SS` for seconds since 1970-01-01 00:00.
    pub fn format_time(t: f64) -> String {
        let day = (t / 86_400.0).floor() as i64;
        let secs = (t - day as f64 * 86_400.0).round() as i64;
        let (day, secs) = if secs >= 86_400 {
            (day + 1, secs - 86_400)
        } else {
            (day, secs)
        };
        format!(
            "{} {:02}:{:02}:{:02}",
            Date::from_days(day),
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Weekday of a day (0 = Monday).
pub fn weekday(days: i64) -> usize {
    // 1970-01-01 was a Thursday.
    (days + 3).rem_euclid(7) as usize
}

/// Seconds into the day of `H:MM:SS` or `HH:MM[:SS][.fff]`; hours 0 to 23.
pub fn parse_clock(s: &str) -> Result<f64, String> {
    let bad = || format!("`{s}` is not a time of day: use H:MM:SS, from 0:00:00 to 23:59:59");
    let parts: Vec<&str> = s.trim().split(':').collect();
    if !(2..=3).contains(&parts.len()) || parts[1].len() != 2 {
        return Err(bad());
    }
    let h: u32 = parts[0].parse().map_err(|_| bad())?;
    let m: u32 = parts[1].parse().map_err(|_| bad())?;
    let sec: f64 = match parts.get(2) {
        Some(p) => p.parse().map_err(|_| bad())?,
        None => 0.0,
    };
    if h > 23 {
        return Err(format!(
            "`{s}` is past midnight: times of day run from 0:00:00 to 23:59:59 (a call crossing midnight keeps its start date and its later times wrap to 0:00)"
        ));
    }
    if m > 59 || !(0.0..60.0).contains(&sec) {
        return Err(bad());
    }
    Ok(f64::from(h * 3600 + m * 60) + sec)
}

/// Seconds since 1970-01-01 of `YYYY-MM-DD HH:MM:SS` (or with `T` between).
pub fn parse_timestamp(s: &str) -> Result<f64, String> {
    let s = s.trim();
    let (d, t) = s
        .split_once([' ', 'T'])
        .ok_or_else(|| format!("`{s}` is not a timestamp: use YYYY-MM-DD HH:MM:SS"))?;
    Ok(Date::parse(d)?.days() as f64 * 86_400.0 + parse_clock(t)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip_and_weekdays() {
        let d = Date::parse("1999-02-01").unwrap();
        assert_eq!(Date::from_days(d.days()), d);
        assert_eq!(weekday(d.days()), 0, "1 Feb 1999 was a Monday");
        assert_eq!(
            Date::parse("2024-02-29").unwrap().days() - Date::parse("2024-02-28").unwrap().days(),
            1
        );
        assert!(Date::parse("1999-02-29").is_err());
        for k in -800_000..800_000i64 {
            if k % 997 == 0 {
                assert_eq!(Date::from_days(k).days(), k);
            }
        }
    }

    #[test]
    fn clocks_and_timestamps() {
        assert_eq!(parse_clock("7:02:47").unwrap(), 7.0 * 3600.0 + 167.0);
        assert!(
            parse_clock("24:00:01")
                .unwrap_err()
                .contains("past midnight")
        );
        assert!(parse_clock("7:2:47").is_err());
        let t = parse_timestamp("1999-02-01 07:02:47").unwrap();
        assert_eq!(Date::format_time(t), "1999-02-01 07:02:47");
    }
}
