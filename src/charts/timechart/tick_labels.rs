//! Tick label text: plain numbers for time, SI suffixes for values.

/// Decimals needed to show multiples of `step` exactly (at most 6).
fn decimals(step: f64) -> usize {
    (0..6)
        .find(|d| {
            let s = step * 10f64.powi(*d as i32);
            (s - s.round()).abs() < 1e-6 * s.abs().max(1.0)
        })
        .unwrap_or(6)
}

fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// Plain number with as many decimals as `step` needs ("0", "2.5", "1200").
pub(crate) fn format_plain(v: f64, step: f64) -> String {
    if v.abs() < step.abs() * 1e-9 {
        return "0".to_string();
    }
    trim_zeros(&format!("{v:.*}", decimals(step))).to_string()
}

/// Number with an SI suffix chosen per label ("500", "1.5k", "2M"); scientific
/// notation from 1e21 and below 1e-4.
pub(crate) fn format_si(v: f64, step: f64) -> String {
    const UNITS: [(f64, &str); 6] = [
        (1e18, "E"),
        (1e15, "P"),
        (1e12, "T"),
        (1e9, "G"),
        (1e6, "M"),
        (1e3, "k"),
    ];
    let a = v.abs();
    // `a == 0.0` catches zero when `step` is zero too.
    if a < step.abs() * 1e-9 || a == 0.0 {
        return "0".to_string();
    }
    if !(1e-4..1e21).contains(&a) {
        let mantissa_step = step / 10f64.powi(a.log10().floor() as i32);
        let s = format!("{v:.*e}", decimals(mantissa_step).min(3));
        return match s.split_once('e') {
            Some((m, e)) => format!("{}e{e}", trim_zeros(m)),
            None => s,
        };
    }
    let (unit, suffix) = UNITS
        .iter()
        .copied()
        .find(|(u, _)| a >= *u)
        .unwrap_or((1.0, ""));
    let digits = trim_zeros(&format!("{:.*}", decimals(step / unit), v / unit)).to_string();
    format!("{digits}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tick_labels_are_readable() {
        assert_eq!(format_si(1500.0, 500.0), "1.5k");
        assert_eq!(format_si(2e6, 1e6), "2M");
        assert_eq!(format_si(750.0, 250.0), "750");
        assert_eq!(format_si(1250.0, 250.0), "1.25k");
        assert_eq!(format_si(0.30000000000000004, 0.1), "0.3");
        assert_eq!(format_si(-0.0, 1.0), "0");
        assert_eq!(format_si(2.5e22, 5e21), "2.5e22");
        assert_eq!(format_plain(3600.0, 600.0), "3600");
        assert_eq!(format_plain(2.5, 0.5), "2.5");
    }
}
