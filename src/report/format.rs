//! Formatting numbers for people: durations with adaptive units, ratios as percentages,
//! estimates as `mean ±half-width`.

use crate::stats::{Estimate, Unit};

/// A duration in seconds as `42 s`, `3.5 min`, `2.1 h` or `1.4 d`.
pub fn duration(secs: f64) -> String {
    if !secs.is_finite() {
        return "-".into();
    }
    let a = secs.abs();
    if a < 120.0 {
        format!("{secs:.1} s")
    } else if a < 7200.0 {
        format!("{:.1} min", secs / 60.0)
    } else if a < 2.0 * 86_400.0 {
        format!("{:.1} h", secs / 3600.0)
    } else {
        format!("{:.1} d", secs / 86_400.0)
    }
}

/// A value in its unit.
pub fn value(v: f64, unit: Unit) -> String {
    if !v.is_finite() {
        return "-".into();
    }
    match unit {
        Unit::Seconds => duration(v),
        Unit::Ratio => format!("{:.1}%", v * 100.0),
        Unit::Count | Unit::Hours | Unit::Cost if v.abs() >= 100.0 => format!("{v:.0}"),
        Unit::Count | Unit::Agents | Unit::Hours | Unit::Cost => format!("{v:.1}"),
        Unit::PerIncident => format!("{v:.2}"),
    }
}

/// `mean ±hw` (the 95% half-width), in the unit.
pub fn estimate(e: &Estimate, unit: Unit) -> String {
    let hw = e.half_width();
    if !e.mean.is_finite() {
        return "-".into();
    }
    // A value that does not vary (rostered hours) carries only rounding noise.
    if !hw.is_finite() || hw <= 1e-9 * e.mean.abs() {
        return value(e.mean, unit);
    }
    let hw_text = match unit {
        Unit::Seconds => duration(hw),
        Unit::Ratio => format!("{:.1}", hw * 100.0),
        _ => value(hw, unit),
    };
    format!("{} ±{}", value(e.mean, unit), hw_text)
}

/// `HH:MM` for seconds after midnight.
pub fn clock(secs: f64) -> String {
    let m = (secs / 60.0).round() as u64;
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// Lays out rows of cells as a left-aligned first column and right-aligned others.
pub fn table(header: &[String], rows: &[Vec<String>]) -> String {
    let cols = header.len();
    let width: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .map(|r| r.get(c).map_or(0, |s| s.chars().count()))
                .chain([header[c].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| -> String {
        let mut out = String::new();
        for (c, w) in width.iter().enumerate() {
            let s = cells.get(c).map_or("", String::as_str);
            // Padding by hand: `format!` widths above 65 535 panic, and this must be total.
            let pad = " ".repeat(w.saturating_sub(s.chars().count()));
            if c == 0 {
                out.push_str(s);
                out.push_str(&pad);
            } else {
                out.push_str("  ");
                out.push_str(&pad);
                out.push_str(s);
            }
        }
        out.trim_end().to_string() + "\n"
    };
    let mut out = line(header);
    out.push_str(&line(
        &width.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>(),
    ));
    for r in rows {
        out.push_str(&line(r));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_lay_out_cells_of_any_width() {
        let long = "x".repeat(70_000);
        let t = table(
            &["name".into(), "value".into()],
            &[
                vec![long.clone(), "1".into()],
                vec!["a".into(), "22".into()],
            ],
        );
        let lines: Vec<&str> = t.lines().collect();
        // The second column is as wide as its header ("value"), plus two spaces between.
        assert_eq!(lines[2], format!("{long}{}1", " ".repeat(6)));
        assert_eq!(
            lines[3],
            format!("a{}{}22", " ".repeat(69_999), " ".repeat(5))
        );
    }

    #[test]
    fn durations_pick_readable_units() {
        assert_eq!(duration(42.0), "42.0 s");
        assert_eq!(duration(600.0), "10.0 min");
        assert_eq!(duration(3.0 * 86_400.0), "3.0 d");
        assert_eq!(value(0.1234, Unit::Ratio), "12.3%");
    }
}
