//! Where each row of the time series goes as it is sampled. Nothing keeps the
//! whole series: a file takes the rows (timeseries.csv), a bounded copy keeps
//! what the charts draw, and the verdict and the recovery judgement keep what
//! they judge. A run's memory does not grow with its horizon.

use super::bounded::BoundedSeries;
use crate::metrics::cross_check::CrossCheckWatch;
use crate::metrics::final_window::FinalWindow;
use crate::metrics::recovery::RecoveryWatch;
use crate::metrics::review::ReviewWatch;
use crate::metrics::verdict::saturation::SaturationWatch;
use std::io;

/// Something fed each row in memory as it is sampled.
pub trait RowReader {
    /// Before the first row: the columns' names, and which are counters (the
    /// count during the row's interval) rather than gauges.
    fn start(&mut self, columns: &[String], counters: &[bool]);
    /// One row, a value per column.
    fn read(&mut self, row: &[f64]);
}

/// A file the rows are written to as they are sampled. Unlike the readers in
/// memory it can fail; the first failure ends the writing and fails the run.
pub trait RowSink {
    fn header(&mut self, columns: &[String]) -> io::Result<()>;
    fn row(&mut self, row: &[f64]) -> io::Result<()>;
    /// After the last row: writes out what is buffered.
    fn finish(self: Box<Self>) -> io::Result<()>;
}

/// The readers of one run's rows. The verdict's is always there; the others
/// only when the run has a use for them.
#[derive(Default)]
pub struct Readers {
    pub sink: Option<Box<dyn RowSink>>,
    /// Kept for the charts and for tests that look at the series.
    pub bounded: Option<BoundedSeries>,
    pub final_window: FinalWindow,
    /// Only when the scenario has a trigger to recover from.
    pub recovery: Option<RecoveryWatch>,
    /// The summary's review numbers, and the consumers' saturation.
    pub review: Option<ReviewWatch>,
    pub saturation: Option<SaturationWatch>,
    /// Theory beside the run, where a part of the scenario has a closed form.
    pub cross_check: Option<CrossCheckWatch>,
    /// The sink's first failure: rows after it are not written.
    sink_error: Option<io::Error>,
}

impl Readers {
    pub fn new(
        final_window: FinalWindow,
        recovery: Option<RecoveryWatch>,
        bounded: Option<BoundedSeries>,
        sink: Option<Box<dyn RowSink>>,
    ) -> Readers {
        Readers {
            sink,
            bounded,
            final_window,
            recovery,
            review: None,
            saturation: None,
            cross_check: None,
            sink_error: None,
        }
    }

    /// Also reads the review numbers and the consumers' saturation.
    pub fn reviewed(mut self, review: ReviewWatch, saturation: SaturationWatch) -> Readers {
        self.review = Some(review);
        self.saturation = Some(saturation);
        self
    }

    /// Also reads the samples the analytic cross-check needs.
    pub fn cross_checked(mut self, watch: CrossCheckWatch) -> Readers {
        self.cross_check = Some(watch);
        self
    }

    pub(super) fn start(&mut self, columns: &[String], counters: &[bool]) {
        self.write(|sink| sink.header(columns));
        for r in self.in_memory() {
            r.start(columns, counters);
        }
    }

    pub(super) fn read(&mut self, row: &[f64]) {
        self.write(|sink| sink.row(row));
        for r in self.in_memory() {
            r.read(row);
        }
    }

    /// After the last row: the sink flushed (or its first failure), the
    /// bounded copy closed.
    pub(super) fn finish(mut self) -> io::Result<Readers> {
        if let Some(e) = self.sink_error.take() {
            return Err(e);
        }
        if let Some(sink) = self.sink.take() {
            sink.finish()?;
        }
        if let Some(b) = &mut self.bounded {
            b.close();
        }
        Ok(self)
    }

    fn write(&mut self, f: impl FnOnce(&mut dyn RowSink) -> io::Result<()>) {
        if let Some(sink) = self.sink.as_deref_mut()
            && let Err(e) = f(sink)
        {
            self.sink = None;
            self.sink_error = Some(e);
        }
    }

    fn in_memory(&mut self) -> impl Iterator<Item = &mut dyn RowReader> {
        let bounded = self.bounded.as_mut().map(|b| b as &mut dyn RowReader);
        let recovery = self.recovery.as_mut().map(|r| r as &mut dyn RowReader);
        let review = self.review.as_mut().map(|r| r as &mut dyn RowReader);
        let saturation = self.saturation.as_mut().map(|r| r as &mut dyn RowReader);
        let cross_check = self.cross_check.as_mut().map(|r| r as &mut dyn RowReader);
        [
            Some(&mut self.final_window as &mut dyn RowReader),
            bounded,
            recovery,
            review,
            saturation,
            cross_check,
        ]
        .into_iter()
        .flatten()
    }
}
