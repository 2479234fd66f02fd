//! What the verdict judges of the time series, gathered as the rows come: the
//! run's final window (its last `window_fraction` of rows), when a message
//! was first lost, and when the messages held were low (for the onset).
//!
//! The window's length depends on the number of rows, known only at the end,
//! so the rows of the window of a run that would end now are kept: as the run
//! goes on the window slides, never taking back a row it left. The trend is a
//! least-squares fit over these rows computed at the end exactly as over the
//! whole series, so the verdict is the same to the last bit: four numbers per
//! row of the final window (a quarter of the rows by default), where the
//! whole series had every column of every row.

use super::held::HeldColumns;
use super::last_below::LastBelow;
use super::series::RowReader;
use crate::scenario::VerdictConfig;
use std::collections::VecDeque;

/// One row as the verdict sees it.
#[derive(Clone, Copy, Debug)]
pub struct WindowRow {
    pub time: f64,
    /// Messages held: waiting (queues' backlog and groups' lag), in flight,
    /// push copies pending and producers' buffers.
    pub held: f64,
    /// Arrivals during the row's interval.
    pub arrivals: f64,
    /// Messages rejected, dropped, expired or lost during the row's interval.
    pub lost: f64,
}

/// Where the verdict's columns are in a row.
struct Columns {
    time: usize,
    held: HeldColumns,
    arrivals: usize,
    lost: Vec<usize>,
}

/// Counters whose counts are messages lost.
const LOST: [&str; 5] = [
    "rejected",
    "dropped",
    "expired",
    "push_dropped",
    "producer_lost",
];

pub struct FinalWindow {
    fraction: f64,
    /// None until the first row, or when the series lacks the verdict's columns.
    columns: Option<Columns>,
    rows: usize,
    first_time: f64,
    /// The last rows: as many as the window of a run ending now.
    window: VecDeque<WindowRow>,
    first_loss_at: Option<f64>,
    low_points: LastBelow,
}

impl Default for FinalWindow {
    fn default() -> Self {
        Self::new(&VerdictConfig::default())
    }
}

/// Rows in the final window of `rows` rows: at least `min`, at most all.
pub fn window_rows(rows: usize, fraction: f64, min: usize) -> usize {
    ((rows as f64 * fraction).ceil() as usize).clamp(min.min(rows), rows)
}

impl FinalWindow {
    pub fn new(cfg: &VerdictConfig) -> Self {
        FinalWindow {
            fraction: cfg.window_fraction,
            columns: None,
            rows: 0,
            first_time: 0.0,
            window: VecDeque::new(),
            first_loss_at: None,
            // The onset is looked for at or above min_growth_messages.
            low_points: LastBelow::new(cfg.min_growth_messages),
        }
    }

    /// Rows seen; 0 when the series lacks the verdict's columns.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The last `k` rows (at most those kept), as one slice: the kept rows
    /// are moved together first, hence `&mut`.
    pub fn last(&mut self, k: usize) -> &[WindowRow] {
        let all = self.window.make_contiguous();
        &all[all.len().saturating_sub(k)..]
    }

    /// The time of the first row that lost a message.
    pub fn first_loss_at(&self) -> Option<f64> {
        self.first_loss_at
    }

    /// The time of the last row that held at most `level` messages (at least
    /// min_growth_messages); the first row's time if none did.
    pub fn last_at_or_below(&self, level: f64) -> f64 {
        self.low_points
            .last_at_or_below(level)
            .unwrap_or(self.first_time)
    }
}

impl RowReader for FinalWindow {
    fn start(&mut self, columns: &[String], _counters: &[bool]) {
        let at = |name: &str| columns.iter().position(|c| c == name);
        // The sampler always writes these: without them there is nothing to judge.
        let (Some(time), Some(_), Some(arrivals), Some(held)) = (
            at("time_s"),
            at("in_flight"),
            at("arrivals"),
            HeldColumns::locate(columns),
        ) else {
            return;
        };
        self.columns = Some(Columns {
            time,
            held,
            arrivals,
            lost: LOST.iter().filter_map(|c| at(c)).collect(),
        });
    }

    fn read(&mut self, row: &[f64]) {
        let Some(c) = &self.columns else { return };
        let time = row[c.time];
        let held = c.held.read(row);
        // Counts of messages: whole numbers, so their sums are exact in any order.
        let lost = c.lost.iter().map(|&i| row[i]).sum();
        if self.first_loss_at.is_none() && c.lost.iter().any(|&i| row[i] > 0.0) {
            self.first_loss_at = Some(time);
        }
        if self.rows == 0 {
            self.first_time = time;
        }
        self.rows += 1;
        self.low_points.push(held, time);
        self.window.push_back(WindowRow {
            time,
            held,
            arrivals: row[c.arrivals],
            lost,
        });
        // The longest window the verdict asks for (the trend wants at least
        // two rows); it grows by at most one row per row.
        let keep = window_rows(self.rows, self.fraction, 2);
        while self.window.len() > keep {
            self.window.pop_front();
        }
    }
}
