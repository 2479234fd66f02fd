//! The SLO and cost lines a run shows on the terminal and in its report.

use crate::cost::Cost;
use crate::report::format::number;
use crate::run::SloCheck;

/// US dollars with about three significant digits: $0.0661, $1.10, $1,234.
pub fn dollars(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    match x.abs() {
        0.0 => "$0".into(),
        a if a < 0.01 => format!("${x:.2e}"),
        a if a < 1.0 => format!("${x:.4}"),
        _ => format!("${}", number(x)),
    }
}

/// One objective: `p99_s ≤ 60: met (47.2, margin 12.8)`.
pub fn slo_line(c: &SloCheck) -> String {
    let verdict = if c.met { "met" } else { "MISSED" };
    // A rule rather than a bound: how many times it was broken.
    if c.name == "no_collapse" || c.name == "no_degraded" {
        return format!("{}: {verdict}", c.name);
    }
    let value = c.value.map_or("no value".into(), number);
    let margin = c
        .margin
        .map_or(String::new(), |m| format!(", margin {}", number(m)));
    format!(
        "{} ≤ {}: {} ({value}{margin})",
        c.name,
        number(c.target),
        verdict
    )
}

/// The cost in one line: total, per hour, per million, per success.
pub fn cost_line(c: &Cost) -> String {
    format!("{}: {}", cost_total(c), cost_rates(c))
}

/// The run's total cost: `$0.7815 over the run`.
pub fn cost_total(c: &Cost) -> String {
    format!("{} over the run", dollars(c.total))
}

/// The cost's rates: per hour, per million messages, per success.
pub fn cost_rates(c: &Cost) -> String {
    format!(
        "{}/h, {} per million messages, {} per successful message (list prices, docs/cost.md)",
        dollars(c.per_hour),
        c.per_million_messages.map_or("–".into(), dollars),
        c.per_successful_message.map_or("–".into(), dollars),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollars_keep_three_digits() {
        assert_eq!(dollars(0.0), "$0");
        assert_eq!(dollars(1.1), "$1.10");
        assert_eq!(dollars(0.06612), "$0.0661");
        assert_eq!(dollars(1.1e-6), "$1.10e-6");
    }
}
