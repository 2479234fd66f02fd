//! Numbers a reviewer asks for first, read row by row as they are sampled:
//! the backlog's peak and when, when it drained (the messages held, waiting or
//! in flight, back to their level before the first trigger), the peak age of the oldest waiting message, and the run's
//! counters over the whole run and over the measured window (after warm-up).

use super::held::HeldColumns;
use super::series::RowReader;
use crate::scenario::VerdictConfig;
use serde::Serialize;

/// Counts over a span of the run (sums of the series' counters).
#[derive(Clone, Debug, Default, Serialize, serde::Deserialize, PartialEq)]
pub struct Counts {
    /// Messages published (the initial backlog excluded).
    pub arrivals: u64,
    /// Messages processed successfully for the first time.
    pub goodput: u64,
    pub failures: u64,
    pub duplicates: u64,
    /// Messages moved to dead-letter queues.
    pub dead_lettered: u64,
    /// Messages lost: expired, dropped, refused without retry, lost by a
    /// group (retention, crashes), by a producer's buffer or a push endpoint.
    pub lost: u64,
    /// Clients' logical requests and those that succeeded.
    pub requests: u64,
    pub successes: u64,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize, PartialEq)]
pub struct Review {
    /// Most messages waiting (queues' backlog and groups' lag) at a sample.
    pub peak_backlog: u64,
    pub peak_backlog_at_s: f64,
    /// The peak of the messages held (waiting, in flight, in buffers) before
    /// the first trigger; None without one.
    pub held_before_trigger: Option<u64>,
    /// Whether the messages held rose above that level (at most
    /// `recovery_level_factor` × it + `min_growth_messages`) after the first
    /// trigger: whether there was anything to drain. False without a trigger.
    #[serde(default)]
    pub rose_above_normal: bool,
    /// When the messages held came back near that level (at most
    /// `recovery_level_factor` × it + `min_growth_messages`) and stayed there
    /// to the end; None without a trigger, when it never rose above that
    /// level, or when it never came back.
    pub drained_at_s: Option<f64>,
    /// The peak age of the oldest waiting message (visible or delayed in a
    /// queue, unread by a group), and when.
    pub peak_oldest_age_s: f64,
    pub peak_oldest_age_at_s: f64,
    /// The longest a message went unprocessed, waiting or in flight: the
    /// largest of the longest publish → first success after warm-up, the
    /// age of the oldest message still unprocessed at the end (in a queue,
    /// in flight or unread by a group) and `peak_oldest_age_s`. A message
    /// dead-lettered or lost while in flight is not in it.
    pub peak_unprocessed_age_s: f64,
    /// When: the completion of the message that waited longest, the time
    /// of the oldest-waiting peak, or the end of the run for a message still
    /// unprocessed then (the earliest of equal candidates).
    pub peak_unprocessed_age_at_s: f64,
    /// Messages dead-lettered over messages produced (None before any).
    pub dead_lettered_fraction: Option<f64>,
    /// P(wait): the fraction of messages received after warm-up that waited
    /// at all (at least 1 µs between publish and first receive).
    pub p_wait: Option<f64>,
    pub whole: Counts,
    /// After `warmup_s`.
    pub measured: Counts,
}

/// Counters summed into `Counts`, by field.
const COUNTED: [(&str, usize); 12] = [
    ("arrivals", 0),
    ("goodput", 1),
    ("failures", 2),
    ("duplicates", 3),
    ("dead_lettered", 4),
    ("expired", 5),
    ("dropped", 5),
    ("rejected", 5),
    ("producer_lost", 5),
    ("push_dropped", 5),
    ("requests", 6),
    ("successes", 7),
];

fn add(c: &mut Counts, field: usize, v: u64) {
    let f = match field {
        0 => &mut c.arrivals,
        1 => &mut c.goodput,
        2 => &mut c.failures,
        3 => &mut c.duplicates,
        4 => &mut c.dead_lettered,
        5 => &mut c.lost,
        6 => &mut c.requests,
        _ => &mut c.successes,
    };
    *f += v;
}

pub struct ReviewWatch {
    first_trigger_s: Option<f64>,
    warmup_s: f64,
    level_factor: f64,
    slack: f64,
    time: Option<usize>,
    backlog: Option<usize>,
    held: Option<HeldColumns>,
    oldest_age: Option<usize>,
    counted: Vec<(usize, usize)>,
    peak: (f64, f64),
    peak_age: (f64, f64),
    before: Option<f64>,
    /// Whether the backlog rose above its normal level after the trigger.
    rose: bool,
    drained_at: Option<f64>,
    whole: Counts,
    measured: Counts,
}

impl ReviewWatch {
    /// `first_trigger_s`: when the first trigger starts, if there is one.
    pub fn new(first_trigger_s: Option<f64>, warmup_s: f64, cfg: &VerdictConfig) -> Self {
        ReviewWatch {
            first_trigger_s,
            warmup_s,
            level_factor: cfg.recovery_level_factor,
            slack: cfg.min_growth_messages,
            time: None,
            backlog: None,
            held: None,
            oldest_age: None,
            counted: vec![],
            peak: (0.0, 0.0),
            peak_age: (0.0, 0.0),
            before: None,
            rose: false,
            drained_at: None,
            whole: Counts::default(),
            measured: Counts::default(),
        }
    }

    /// What was read; the fractions that need the world's counters are
    /// filled by the summary.
    pub fn review(&self) -> Review {
        Review {
            peak_backlog: self.peak.0 as u64,
            peak_backlog_at_s: self.peak.1,
            held_before_trigger: self
                .first_trigger_s
                .map(|_| self.before.unwrap_or(0.0) as u64),
            rose_above_normal: self.rose,
            drained_at_s: self.drained_at,
            peak_oldest_age_s: self.peak_age.0,
            peak_oldest_age_at_s: self.peak_age.1,
            peak_unprocessed_age_s: 0.0,
            peak_unprocessed_age_at_s: 0.0,
            dead_lettered_fraction: None,
            p_wait: None,
            whole: self.whole.clone(),
            measured: self.measured.clone(),
        }
    }

    fn drain(&mut self, time: f64, held: f64) {
        let Some(from) = self.first_trigger_s else {
            return;
        };
        if time < from {
            self.before = Some(self.before.unwrap_or(0.0).max(held));
            return;
        }
        let normal = self.level_factor * self.before.unwrap_or(0.0) + self.slack;
        if held > normal {
            self.rose = true;
            self.drained_at = None;
        } else if self.rose && self.drained_at.is_none() {
            self.drained_at = Some(time);
        }
    }
}

impl RowReader for ReviewWatch {
    fn start(&mut self, columns: &[String], counters: &[bool]) {
        let at = |name: &str| columns.iter().position(|c| c == name);
        self.time = at("time_s");
        self.backlog = at("backlog");
        self.held = HeldColumns::locate(columns);
        self.oldest_age = at("oldest_age_s");
        self.counted = COUNTED
            .iter()
            .filter_map(|&(n, f)| at(n).filter(|&i| counters[i]).map(|i| (i, f)))
            .collect();
    }

    fn read(&mut self, row: &[f64]) {
        let Some(t) = self.time else { return };
        let time = row[t];
        if let Some(b) = self.backlog.map(|i| row[i])
            && b > self.peak.0
        {
            self.peak = (b, time);
        }
        if let Some(h) = self.held.map(|h| h.read(row)) {
            self.drain(time, h);
        }
        if let Some(a) = self.oldest_age.map(|i| row[i])
            && a > self.peak_age.0
        {
            self.peak_age = (a, time);
        }
        for &(i, f) in &self.counted {
            // Counters are whole counts during the row's interval.
            let v = row[i].max(0.0) as u64;
            add(&mut self.whole, f, v);
            if time > self.warmup_s {
                add(&mut self.measured, f, v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn watch(rows: &[(f64, f64, f64)], trigger: Option<f64>, warmup: f64) -> Review {
        let mut w = ReviewWatch::new(trigger, warmup, &VerdictConfig::default());
        let cols = ["time_s", "backlog", "arrivals"].map(String::from);
        w.start(&cols, &[false, false, true]);
        for &(t, b, a) in rows {
            w.read(&[t, b, a]);
        }
        w.review()
    }

    #[test]
    fn the_backlog_drains_when_it_is_back_near_its_level_and_stays() {
        // 20 waiting before a trigger at 10 s; a hill to 1,000 at 30 s; back
        // to 20 by 60 s; a blip over the normal level (2 × 20 + 100 = 140) at 70 s.
        let rows: Vec<_> = (0..=100)
            .map(|i| {
                let t = f64::from(i);
                let b = match i {
                    0..10 => 20.0,
                    10..=30 => 20.0 + 49.0 * (t - 10.0),
                    31..60 => 1000.0 - 33.0 * (t - 30.0),
                    70 => 150.0,
                    _ => 20.0,
                };
                (t, b.max(20.0), 1.0)
            })
            .collect();
        let r = watch(&rows, Some(10.0), 50.0);
        assert_eq!((r.peak_backlog, r.peak_backlog_at_s), (1000, 30.0));
        assert_eq!(r.held_before_trigger, Some(20));
        // Back at or below 140 from 71 s on (at 57 s first, but the blip).
        assert_eq!(r.drained_at_s, Some(71.0));
        assert!(r.rose_above_normal);
        assert_eq!(r.whole.arrivals, 101);
        assert_eq!(r.measured.arrivals, 50);
        // Without a trigger there is no level to drain back to.
        assert_eq!(watch(&rows, None, 0.0).drained_at_s, None);
        assert!(!watch(&rows, None, 0.0).rose_above_normal);
    }

    #[test]
    fn a_backlog_that_stays_under_its_normal_level_has_nothing_to_drain() {
        // 8 before the trigger, a rise to 59 after it: above 8, but under
        // the normal level of 2 × 8 + 100 = 116.
        let rows: Vec<_> = (0..=100)
            .map(|i| {
                let b = if (20..40).contains(&i) { 59.0 } else { 8.0 };
                (f64::from(i), b, 1.0)
            })
            .collect();
        let r = watch(&rows, Some(10.0), 0.0);
        assert_eq!((r.peak_backlog, r.held_before_trigger), (59, Some(8)));
        assert!(!r.rose_above_normal);
        assert_eq!(r.drained_at_s, None);
    }
}
