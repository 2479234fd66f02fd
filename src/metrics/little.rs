//! Little's law on every queue: L, the time-average number of messages in the
//! queue (visible, in flight or delayed), against λ·W, the rate at which
//! messages entered it times their mean time in it, measured message by
//! message (`model::queue::sojourn`). Over the window after warm-up the two
//! differ only by the messages already there when it opened, so in a steady
//! state they agree within the run's 95 % batch-means interval; a departure is
//! a bookkeeping fault. A queue that is not in a steady state is "too short to
//! judge": correlated batch means (a trend), or messages that stay longer than
//! a tenth of the window (the edge is then not small).

use crate::engine::{SimTime, to_secs};
use crate::metrics::cross_check::Check;
use crate::metrics::theory::BatchMeans;
use crate::model::World;

/// A message staying longer than this share of the window makes the edge
/// effect too large to judge the law by.
const MAX_STAY_SHARE: f64 = 0.1;

/// One queue's samples of the number it holds.
pub struct QueuePart {
    pub queue: String,
    /// Columns of visible, in-flight and delayed messages.
    cols: [Option<usize>; 3],
    held: BatchMeans,
    /// Messages held at the first sample after warm-up: the edge.
    first: Option<f64>,
}

impl QueuePart {
    pub fn new(queue: &str, per_batch: u64) -> QueuePart {
        QueuePart {
            queue: queue.to_string(),
            cols: [None; 3],
            held: BatchMeans::new(per_batch),
            first: None,
        }
    }

    pub fn start(&mut self, at: &dyn Fn(&str) -> Option<usize>) {
        let q = &self.queue;
        self.cols = [
            at(&format!("{q}.visible")),
            at(&format!("{q}.in_flight")),
            at(&format!("{q}.delayed")),
        ];
    }

    pub fn read(&mut self, row: &[f64]) {
        if self.cols[0].is_none() {
            return;
        }
        let held = self.cols.iter().flatten().map(|&c| row[c]).sum::<f64>();
        self.first.get_or_insert(held);
        self.held.push(held);
    }

    /// The check at the end of the run (`end`), or None for a queue nothing
    /// went through in the window.
    pub fn check(&self, world: &World, end: SimTime) -> Option<Check> {
        let q = world.queues.iter().find(|q| q.p.name == self.queue)?;
        let iv = self.held.interval()?;
        let window_s = to_secs(end.saturating_sub(q.sojourn.since));
        let l = q.mean_held(end);
        let totals = q.sojourn_at_end(&world.arena, end);
        if totals.entered == 0 && l == 0.0 {
            return None;
        }
        let rate = totals.entered as f64 / window_s.max(1e-9);
        let mean_s = totals.mean_s.unwrap_or(0.0);
        let settled = iv.trusted() && totals.entered > 0 && mean_s <= MAX_STAY_SHARE * window_s;
        let predicted = rate * mean_s;
        // The messages there when the window opened count in L but not in λ·W:
        // about their number times a mean stay, spread over the window.
        let edge = self.first.unwrap_or(0.0) * mean_s / window_s.max(1e-9);
        Some(Check {
            queue: self.queue.clone(),
            consumer: String::new(),
            model: "Little".to_string(),
            quantity: "in_queue".to_string(),
            predicted,
            simulated: l,
            half_width: iv.half_width,
            agrees: settled.then(|| (predicted - l).abs() <= iv.half_width + edge),
            arrival_rate_per_s: Some(rate),
            mean_time_in_queue_s: totals.mean_s,
        })
    }
}
