//! Where each row of the time series goes as it is sampled.

/// Something fed each row in memory as it is sampled.
pub trait RowReader {
    /// Before the first row: the columns' names, and which are counters (the
    /// count during the row's interval) rather than gauges.
    fn start(&mut self, columns: &[String], counters: &[bool]);
    /// One row, a value per column.
    fn read(&mut self, row: &[f64]);
}
