//! How long each consumer had no headroom: the share of the samples after
//! warm-up in which every one of its workers was busy. Read row by row from
//! a pool's `<name>.busy` and `<name>.workers` columns, and from a Lambda's
//! `<name>.concurrency` against its concurrency cap (the event source's
//! maximum, its reserved concurrency, the account's limit: the lowest), which
//! is fixed and given at the start.

use crate::metrics::series::RowReader;

/// One consumer's columns and tally.
struct Tally {
    name: String,
    busy: usize,
    capacity: Capacity,
    saturated: u64,
}

/// How many may be busy at once: a pool's workers column, or a fixed cap.
enum Capacity {
    Column(usize),
    Fixed(f64),
}

pub struct SaturationWatch {
    names: Vec<String>,
    /// Lambda-like consumers by name, with their concurrency cap.
    caps: Vec<(String, u32)>,
    warmup_s: f64,
    time: Option<usize>,
    consumers: Vec<Tally>,
    /// Samples after warm-up.
    measured: u64,
}

impl SaturationWatch {
    /// Watches the consumers named, in samples after `warmup_s`; `caps` are
    /// the Lambda-like ones' concurrency caps.
    pub fn new(names: Vec<String>, caps: Vec<(String, u32)>, warmup_s: f64) -> Self {
        SaturationWatch {
            names,
            caps,
            warmup_s,
            time: None,
            consumers: vec![],
            measured: 0,
        }
    }

    /// Each consumer's share of saturated samples; empty before a sample
    /// after warm-up.
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
                let (busy, capacity) = match self.caps.iter().find(|(c, _)| c == n) {
                    Some(&(_, cap)) => (
                        at(&format!("{n}.concurrency"))?,
                        Capacity::Fixed(f64::from(cap)),
                    ),
                    None => (
                        at(&format!("{n}.busy"))?,
                        Capacity::Column(at(&format!("{n}.workers"))?),
                    ),
                };
                Some(Tally {
                    name: n.clone(),
                    busy,
                    capacity,
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
            let workers = match c.capacity {
                Capacity::Column(i) => row[i],
                Capacity::Fixed(cap) => cap,
            };
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
        let names = vec!["w".into(), "lambda".into()];
        let mut w = SaturationWatch::new(names, vec![("lambda".into(), 5)], 10.0);
        let cols = ["time_s", "w.workers", "w.busy", "lambda.concurrency"].map(String::from);
        w.start(&cols, &[false; 4]);
        for i in 0..40 {
            // Saturated before warm-up (ignored), then one sample in three;
            // the Lambda at its cap of 5 in one sample in two.
            let busy = if i < 10 || i % 3 == 0 { 4.0 } else { 2.0 };
            let running = if i % 2 == 0 { 5.0 } else { 3.0 };
            w.read(&[f64::from(i), 4.0, busy, running]);
        }
        // 30 measured samples (10..40), 10 of them saturated; 15 at the cap.
        assert_eq!(
            w.fractions(),
            vec![("w", 10.0 / 30.0), ("lambda", 15.0 / 30.0)]
        );
    }
}
