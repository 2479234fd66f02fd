//! How long each consumer had no headroom: the share of the samples after
//! warm-up in which every one of its workers was busy. Read row by row from
//! its `<name>.busy` and `<name>.workers` columns (pools; a Lambda's
//! concurrency limit is not in the series, so Lambdas are not judged here).

use crate::metrics::series::RowReader;

/// One consumer's columns and tally.
struct Tally {
    name: String,
    busy: usize,
    workers: usize,
    saturated: u64,
}

pub struct SaturationWatch {
    names: Vec<String>,
    warmup_s: f64,
    time: Option<usize>,
    consumers: Vec<Tally>,
    /// Samples after warm-up.
    measured: u64,
}

impl SaturationWatch {
    /// Watches the consumers named, in samples after `warmup_s`.
    pub fn new(names: Vec<String>, warmup_s: f64) -> Self {
        SaturationWatch {
            names,
            warmup_s,
            time: None,
            consumers: vec![],
            measured: 0,
        }
    }

    /// Each pool consumer's share of saturated samples; empty before a
    /// sample after warm-up.
    pub fn fractions(&self) -> Vec<(&str, f64)> {
        if self.measured == 0 {
            return vec![];
        }
        self.consumers
            .iter()
            .map(|c| (c.name.as_str(), c.saturated as f64 / self.measured as f64))
            .collect()
    }
}

impl RowReader for SaturationWatch {
    fn start(&mut self, columns: &[String], _counters: &[bool]) {
        let at = |name: &str| columns.iter().position(|c| c == name);
        self.time = at("time_s");
        self.consumers = self
            .names
            .iter()
            .filter_map(|n| {
                Some(Tally {
                    name: n.clone(),
                    busy: at(&format!("{n}.busy"))?,
                    workers: at(&format!("{n}.workers"))?,
                    saturated: 0,
                })
            })
            .collect();
    }

    fn read(&mut self, row: &[f64]) {
        let Some(t) = self.time else { return };
        // The warm-up's end is a sample of the measured run.
        if row[t] < self.warmup_s {
            return;
        }
        self.measured += 1;
        for c in &mut self.consumers {
            let workers = row[c.workers];
            if workers > 0.0 && row[c.busy] >= workers {
                c.saturated += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_the_samples_with_every_worker_busy_after_warm_up() {
        let mut w = SaturationWatch::new(vec!["w".into(), "lambda".into()], 10.0);
        let cols = ["time_s", "w.workers", "w.busy", "lambda.concurrency"].map(String::from);
        w.start(&cols, &[false; 4]);
        for i in 0..40 {
            // Saturated before warm-up (ignored), then one sample in three.
            let busy = if i < 10 || i % 3 == 0 { 4.0 } else { 2.0 };
            w.read(&[f64::from(i), 4.0, busy, 1.0]);
        }
        // 30 measured samples (10..40), 10 of them saturated.
        assert_eq!(w.fractions(), vec![("w", 10.0 / 30.0)]);
    }
}
