//! Numbers as a reviewer reads them: thousands separated, durations in the unit
//! that fits, shares in per cent (the style of the terminal table).

/// A count with thousands separators: 29,994.
pub fn count(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let n = x.round() as i128;
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// A number with about three significant digits, separators for large ones.
pub fn number(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let a = x.abs();
    if a >= 1000.0 || x == x.round() {
        count(x)
    } else if a >= 100.0 {
        format!("{x:.0}")
    } else if a >= 10.0 {
        format!("{x:.1}")
    } else if a >= 0.01 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

/// A rate per second: 50.0/s.
pub fn rate(x: f64) -> String {
    format!("{}/s", number(x))
}

/// A duration in seconds, in µs, ms or s, with minutes, hours or days
/// beside long ones (the unit the charts' time axes use at that span).
pub fn secs(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let a = x.abs();
    if a == 0.0 {
        "0 s".into()
    } else if a < 1e-3 {
        format!("{:.0} µs", x * 1e6)
    } else if a < 1.0 {
        format!("{} ms", number(x * 1e3))
    } else if a < 120.0 {
        format!("{} s", number(x))
    } else if a < 7_200.0 {
        format!("{} s ({} min)", count(x), number(x / 60.0))
    } else if a < 172_800.0 {
        format!("{} s ({} h)", count(x), number(x / 3_600.0))
    } else {
        format!("{} s ({} days)", count(x), number(x / 86_400.0))
    }
}

/// A fraction as a percentage: 0.44 → 44 %.
pub fn percent(f: f64) -> String {
    if !f.is_finite() {
        return "–".into();
    }
    let p = 100.0 * f;
    if p == 0.0 || p >= 10.0 {
        format!("{p:.0} %")
    } else if p >= 0.1 {
        format!("{p:.1} %")
    } else {
        format!("{p:.2} %")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_rates_durations_and_shares_read_as_the_table_prints_them() {
        assert_eq!(count(29994.0), "29,994");
        assert_eq!(count(-1234567.0), "-1,234,567");
        assert_eq!(rate(50.0), "50/s");
        assert_eq!(rate(0.9155), "0.92/s");
        assert_eq!(secs(0.267), "267 ms");
        assert_eq!(secs(10.354687), "10.4 s");
        assert_eq!(secs(2818.0), "2,818 s (47.0 min)");
        assert_eq!(secs(37_800.0), "37,800 s (10.5 h)");
        assert_eq!(secs(1_341_372.0), "1,341,372 s (15.5 days)");
        assert_eq!(percent(0.44), "44 %");
        assert_eq!(percent(0.0012), "0.1 %");
        assert_eq!(percent(0.0004), "0.04 %");
    }
}
