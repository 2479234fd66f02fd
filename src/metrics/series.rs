//! The time series: one row per sampling interval. Gauges are read as they are at
//! the sample; counters are reported as the count during the interval that ends
//! at the row's time. The sampler keeps no row: it hands each to its readers.

pub mod bounded;
pub mod kinds;
pub mod readers;
pub mod totals;

pub use bounded::BoundedSeries;
pub use readers::{Readers, RowReader, RowSink};

use crate::engine::{SimTime, to_secs};
use crate::metrics::columns::Columns;
use crate::model::World;
use crate::scenario::Scenario;

#[derive(Default)]
pub struct Sampler<'s> {
    pub columns: Vec<String>,
    is_counter: Vec<bool>,
    prev: Vec<f64>,
    row: Vec<f64>,
    /// The derived `amplification` column and the `attempts` and `requests`
    /// columns it divides, filled after the counters' deltas.
    amplification: Option<(usize, (usize, usize))>,
    /// The time of the last row.
    last_time: Option<f64>,
    readers: Readers,
    /// The scenario whose cost so far each row reports (`cost_usd`).
    priced: Option<&'s Scenario>,
}

impl<'s> Sampler<'s> {
    /// A sampler that hands each row to `readers`.
    pub fn new(readers: Readers) -> Sampler<'s> {
        Sampler {
            readers,
            ..Sampler::default()
        }
    }

    /// Each row also reports the run's cost so far, priced as `s` says.
    pub fn priced(self, s: &'s Scenario) -> Sampler<'s> {
        Sampler {
            priced: Some(s),
            ..self
        }
    }

    pub fn record(&mut self, w: &World, now: SimTime) {
        let first = self.columns.is_empty();
        self.row.clear();
        let mut r = Columns::new(
            &mut self.row,
            &mut self.is_counter,
            first.then_some(&mut self.columns),
        );
        r.gauge("time_s", to_secs(now));
        w.totals(now).write(&mut r, now);
        if let Some(s) = self.priced {
            r.gauge("cost_usd", crate::cost::so_far(s, w, now));
        }
        w.series_columns(&mut r, now);
        if first {
            self.prev = vec![0.0; self.row.len()];
            let at = |name: &str| self.columns.iter().position(|c| c == name);
            self.amplification = at("amplification").zip(at("attempts").zip(at("requests")));
        }
        for ((v, p), &is_counter) in self
            .row
            .iter_mut()
            .zip(&mut self.prev)
            .zip(&self.is_counter)
        {
            if is_counter {
                let cum = *v;
                *v -= *p;
                *p = cum;
            }
        }
        // Attempts per request offered, in the interval (1: no retries).
        if let Some((i, (a, q))) = self.amplification {
            let (attempts, requests) = (self.row[a], self.row[q]);
            self.row[i] = if requests > 0.0 {
                attempts / requests
            } else {
                0.0
            };
        }
        if first {
            self.readers.start(&self.columns, &self.is_counter);
        }
        self.last_time = Some(self.row[0]);
        self.readers.read(&self.row);
    }

    /// The time of the last row, if there is one.
    pub fn last_time(&self) -> Option<f64> {
        self.last_time
    }

    /// Ends the series: its readers, done with (the sink's rows written out),
    /// or the sink's first failure.
    pub fn finish(self) -> std::io::Result<Readers> {
        self.readers.finish()
    }
}
