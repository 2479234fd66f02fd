//! The time series' cap: rows × columns. The run keeps a bounded copy of the
//! series, but writes every row and samples every column of every row, so its
//! size on disk and its time grow with both.

use super::super::diagnostics::KeyPath;
use super::super::validate::Problem;
use crate::scenario::Scenario;

/// Values in the time series (rows × columns): about a gigabyte of CSV at
/// worst, and tens of seconds of sampling.
pub const MAX_VALUES: u64 = 100_000_000;

/// Rows: one per sample interval up to the horizon, and the one at time 0.
pub fn rows(s: &Scenario) -> u64 {
    let n = (s.run.horizon_s / s.run.sample_interval_s).ceil();
    if n.is_finite() && n >= 0.0 {
        (n as u64).saturating_add(1)
    } else {
        u64::MAX
    }
}

/// Columns, estimated from the components (the series has a few of its own,
/// and about a dozen per component).
pub fn columns(s: &Scenario) -> u64 {
    let components = s.queues.len()
        + s.producers.len()
        + s.consumers.len()
        + s.topics.len()
        + s.pushes.len()
        + s.databases.len()
        + s.apis.len()
        + s.clients.len()
        + s.services.len()
        + s.records.len();
    10 + 11 * components as u64
}

/// A series beyond [`MAX_VALUES`].
pub fn check(s: &Scenario) -> Option<Problem> {
    let (rows, columns) = (rows(s), columns(s));
    let values = rows.saturating_mul(columns);
    if values <= MAX_VALUES {
        return None;
    }
    // The interval that would fit, rounded up to a tidy number.
    let fits = s.run.horizon_s * columns as f64 / MAX_VALUES as f64;
    let tidy = 10f64.powf(fits.log10().ceil());
    Some(
        Problem::new(
            KeyPath::root().key("run").key("sample_interval_s"),
            format!(
                "the time series would have {rows} rows of about {columns} columns: {values} values, beyond the cap of {MAX_VALUES}"
            ),
            format!("at most {MAX_VALUES} values (rows × columns)"),
        )
        .with_hint(format!(
            "sample less often: `sample_interval_s = {tidy}` fits this horizon"
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load_str;

    fn run(interval: &str) -> Scenario {
        load_str(
            "t.toml",
            &format!(
                "[run]\nhorizon_s = 10\nsample_interval_s = {interval}\n[[queue]]\nname = \"q\"\n[[producer]]\nrate = 1\n"
            ),
        )
        .unwrap()
    }

    #[test]
    fn rows_count_the_sample_at_zero() {
        assert_eq!(rows(&run("1")), 11);
        assert_eq!(rows(&run("0.3")), 35);
    }

    #[test]
    fn a_series_past_the_cap_is_refused_with_a_fitting_interval() {
        assert!(check(&run("0.001")).is_none());
        let p = check(&run("0.000001")).expect("refused").describe();
        assert!(p.contains("run.sample_interval_s"), "{p}");
        assert!(p.contains("10000001 rows"), "{p}");
    }
}
