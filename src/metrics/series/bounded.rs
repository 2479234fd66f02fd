//! A bounded copy of the time series, for the charts: at most [`MAX_ROWS`] rows
//! whatever the horizon. Up to that many samples it is the series itself, row
//! for row. Past it, adjacent rows are merged in pairs (as often as needed), so
//! that every row is a bucket of the same number of samples, the last one
//! possibly fewer.
//!
//! A bucket keeps what a chart of it needs:
//! - its time is its last sample's (a row's counters cover the interval that
//!   ends at its time, so a bucket's cover the bucket);
//! - a counter is the sum over the bucket: rates and running totals stay exact;
//! - a gauge is its last sample, plus its lowest and highest samples in the
//!   order they came: a one-sample spike or dip survives any merging. Charts
//!   draw both extremes at the bucket's time; with a few thousand buckets a
//!   bucket is narrower than a pixel, so the line covers the same range the
//!   full series would have drawn.

use super::readers::RowReader;

/// At most this many rows. The longest scenario in scenarios/ (an hour sampled
/// every second, 3601 rows) fits whole, so its charts are drawn from every row.
pub const MAX_ROWS: usize = 4096;

#[derive(Clone, Debug)]
pub struct BoundedSeries {
    columns: Vec<String>,
    counters: Vec<bool>,
    /// Positions of the gauge columns (those that are not counters).
    gauges: Vec<usize>,
    max_rows: usize,
    /// Samples in each bucket (a power of two), the last one excepted.
    samples_per_row: usize,
    /// Row-major, one value per column.
    values: Vec<f64>,
    /// Row-major, one pair per gauge: its lowest and highest samples in the
    /// order they came (twice the sample in a one-sample bucket).
    extremes: Vec<[f64; 2]>,
    /// The bucket being filled: its values and extremes, and its samples so far.
    open_values: Vec<f64>,
    open_extremes: Vec<[f64; 2]>,
    open_samples: usize,
}

impl Default for BoundedSeries {
    fn default() -> Self {
        Self::with_max_rows(MAX_ROWS)
    }
}

impl BoundedSeries {
    /// A copy of at most `max_rows` rows (even, at least 2).
    pub fn with_max_rows(max_rows: usize) -> Self {
        assert!(
            max_rows >= 2 && max_rows.is_multiple_of(2),
            "a bounded series needs an even bound of at least 2 rows, not {max_rows}"
        );
        BoundedSeries {
            columns: vec![],
            counters: vec![],
            gauges: vec![],
            max_rows,
            samples_per_row: 1,
            values: vec![],
            extremes: vec![],
            open_values: vec![],
            open_extremes: vec![],
            open_samples: 0,
        }
    }

    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// Which columns are counters (summed when rows merge), column by column.
    pub fn counters(&self) -> &[bool] {
        &self.counters
    }

    /// Rows held (the bucket being filled not included until `close`).
    pub fn len(&self) -> usize {
        self.values.len() / self.columns.len().max(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Samples merged into each row (1: the copy is the series itself).
    pub fn samples_per_row(&self) -> usize {
        self.samples_per_row
    }

    pub fn rows(&self) -> impl Iterator<Item = &[f64]> {
        self.values.chunks(self.columns.len().max(1))
    }

    /// One value per row: a counter's sum over the row's samples, a gauge's
    /// last sample (`time_s`: the row's time).
    pub fn column(&self, name: &str) -> Option<Vec<f64>> {
        let i = self.columns.iter().position(|c| c == name)?;
        Some(self.rows().map(|r| r[i]).collect())
    }

    /// A gauge's lowest and highest samples in each row, in the order they
    /// came; None for a counter or an unknown column.
    pub fn extremes(&self, name: &str) -> Option<Vec<[f64; 2]>> {
        let i = self.columns.iter().position(|c| c == name)?;
        let k = self.gauges.iter().position(|&g| g == i)?;
        let g = self.gauges.len();
        Some(self.extremes.iter().skip(k).step_by(g).copied().collect())
    }

    /// Ends the copy: the bucket being filled becomes the last row.
    pub fn close(&mut self) {
        if self.open_samples > 0 {
            self.values.extend_from_slice(&self.open_values);
            self.extremes.extend_from_slice(&self.open_extremes);
            self.open_samples = 0;
        }
    }

    /// Merges rows 2i and 2i+1 into row i: half the rows, twice the samples each.
    fn halve(&mut self) {
        let (c, g) = (self.columns.len(), self.gauges.len());
        let rows = self.len();
        for i in 0..rows / 2 {
            // Row i is at or before row 2i: read before it is written.
            for col in 0..c {
                let (a, b) = (
                    self.values[2 * i * c + col],
                    self.values[(2 * i + 1) * c + col],
                );
                self.values[i * c + col] = if self.counters[col] { a + b } else { b };
            }
            for k in 0..g {
                let (a, b) = (
                    self.extremes[2 * i * g + k],
                    self.extremes[(2 * i + 1) * g + k],
                );
                self.extremes[i * g + k] = merge_extremes(a, b);
            }
        }
        self.values.truncate(rows / 2 * c);
        self.extremes.truncate(rows / 2 * g);
        self.samples_per_row *= 2;
    }
}

impl RowReader for BoundedSeries {
    fn start(&mut self, columns: &[String], counters: &[bool]) {
        self.columns = columns.to_vec();
        self.counters = counters.to_vec();
        self.gauges = (0..counters.len()).filter(|&i| !counters[i]).collect();
    }

    fn read(&mut self, row: &[f64]) {
        if self.open_samples == 0 {
            // A new bucket: make room first, so that the copy never holds more
            // than `max_rows` rows, the last bucket included.
            if self.len() == self.max_rows {
                self.halve();
            }
            self.open_values.clear();
            self.open_values.extend_from_slice(row);
            self.open_extremes.clear();
            self.open_extremes
                .extend(self.gauges.iter().map(|&i| [row[i], row[i]]));
        } else {
            for ((v, &x), &counter) in self.open_values.iter_mut().zip(row).zip(&self.counters) {
                *v = if counter { *v + x } else { x };
            }
            for (e, &i) in self.open_extremes.iter_mut().zip(&self.gauges) {
                *e = merge_extremes(*e, [row[i], row[i]]);
            }
        }
        self.open_samples += 1;
        if self.open_samples == self.samples_per_row {
            self.close();
        }
    }
}

/// The extremes of two consecutive buckets merged: the lowest and highest of
/// the four values, in the order they came (on a tie, the earlier one).
fn merge_extremes(earlier: [f64; 2], later: [f64; 2]) -> [f64; 2] {
    let seq = [earlier[0], earlier[1], later[0], later[1]];
    let lo = (1..4).fold(0, |m, i| if seq[i] < seq[m] { i } else { m });
    let hi = (1..4).fold(0, |m, i| if seq[i] > seq[m] { i } else { m });
    if lo <= hi {
        [seq[lo], seq[hi]]
    } else {
        [seq[hi], seq[lo]]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Columns time_s (gauge), n (counter), g (gauge), fed `rows` samples
    /// where g is `gauge(i)` and each interval counts 1.
    fn fed(max_rows: usize, rows: usize, gauge: impl Fn(usize) -> f64) -> BoundedSeries {
        let mut b = BoundedSeries::with_max_rows(max_rows);
        let names = ["time_s", "n", "g"].map(String::from);
        b.start(&names, &[false, true, false]);
        for i in 0..rows {
            b.read(&[i as f64, 1.0, gauge(i)]);
        }
        b.close();
        b
    }

    #[test]
    fn up_to_the_bound_it_is_the_series_itself() {
        let b = fed(8, 8, |i| (i * i) as f64);
        assert_eq!(b.samples_per_row(), 1);
        assert_eq!(
            b.column("time_s").unwrap(),
            (0..8).map(|i| i as f64).collect::<Vec<_>>()
        );
        assert_eq!(b.column("n").unwrap(), vec![1.0; 8]);
        let g: Vec<f64> = (0..8).map(|i| (i * i) as f64).collect();
        assert_eq!(b.column("g").unwrap(), g);
        assert_eq!(
            b.extremes("g").unwrap(),
            g.iter().map(|&v| [v, v]).collect::<Vec<_>>()
        );
        assert!(b.extremes("n").is_none());
    }

    #[test]
    fn past_the_bound_rows_merge_in_pairs_and_never_exceed_it() {
        for rows in [9, 16, 17, 100, 1000, 1025] {
            let b = fed(8, rows, |i| i as f64);
            assert!(b.len() <= 8, "{rows} rows: {} kept", b.len());
            assert!(b.len() > 4, "{rows} rows: only {} kept", b.len());
            let per = b.samples_per_row();
            assert_eq!(b.len(), rows.div_ceil(per), "{rows} rows");
            // Counters add up, times are the buckets' last samples.
            let n = b.column("n").unwrap();
            assert_eq!(n.iter().sum::<f64>(), rows as f64);
            assert!(n[..n.len() - 1].iter().all(|&x| x == per as f64));
            let t = b.column("time_s").unwrap();
            assert_eq!(t[0], (per - 1) as f64);
            assert_eq!(*t.last().unwrap(), (rows - 1) as f64);
        }
    }

    #[test]
    fn a_one_sample_spike_and_dip_survive_merging() {
        let b = fed(8, 1000, |i| match i {
            321 => 500.0,
            654 => -7.0,
            _ => 10.0,
        });
        let e = b.extremes("g").unwrap();
        let max = e.iter().flatten().copied().fold(f64::MIN, f64::max);
        let min = e.iter().flatten().copied().fold(f64::MAX, f64::min);
        assert_eq!((min, max), (-7.0, 500.0));
        // The last sample stands for the bucket's value.
        assert!(b.column("g").unwrap().iter().all(|&v| v == 10.0));
    }

    #[test]
    fn extremes_keep_the_order_they_came_in() {
        assert_eq!(merge_extremes([5.0, 9.0], [1.0, 1.0]), [9.0, 1.0]);
        assert_eq!(merge_extremes([1.0, 1.0], [9.0, 5.0]), [1.0, 9.0]);
        assert_eq!(merge_extremes([9.0, 2.0], [3.0, 4.0]), [9.0, 2.0]);
        assert_eq!(merge_extremes([3.0, 3.0], [3.0, 3.0]), [3.0, 3.0]);
        // A falling gauge merged in any grouping stays falling.
        let b = fed(4, 64, |i| 100.0 - i as f64);
        for [first, second] in b.extremes("g").unwrap() {
            assert!(first >= second);
        }
    }
}
