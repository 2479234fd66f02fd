//! Recovery after a trigger, and the metastable verdict (docs/model.md "How a run judges
//! recovery"): once the last trigger (a spike, an outage, a latency window) has
//! ended, goodput should come back to at least a fraction of the offered load
//! within a window. A system that stays below it in every window up to the
//! end of the run is metastable: the trigger is gone, the failure sustains
//! itself (retries, timeouts, work nobody waits for). The trigger is known from
//! the scenario before the run, so the windows are judged as the rows come.

use super::series::RowReader;
use super::verdict::{Reason, Verdict};
use crate::scenario::VerdictConfig;
use serde::Serialize;
use std::collections::VecDeque;

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Recovery {
    /// The last trigger to end.
    pub trigger: String,
    pub trigger_from_s: f64,
    pub trigger_to_s: f64,
    /// The end of the trigger plus one window: healthy by then.
    pub should_recover_by_s: f64,
    /// Healthy at the end of the run: the last window's goodput reached the
    /// fraction of its offered load. None when the run ended less than a
    /// window after the trigger.
    pub recovered: Option<bool>,
    /// Since when it has been healthy: the start of the first window after
    /// the last one that fell short.
    pub recovered_at_s: Option<f64>,
    /// Goodput / offered load over the run's last window.
    pub final_goodput_fraction: Option<f64>,
}

/// A window in which the scenario changes its conditions on purpose.
pub struct TriggerWindow<'a> {
    pub label: &'a str,
    pub from_s: f64,
    pub to_s: f64,
}

/// Offered load: messages published and client requests started. A publish to
/// a push topic offers one message per subscription (its copies).
const OFFERED: [(&str, f64); 4] = [
    ("arrivals", 1.0),
    ("requests", 1.0),
    ("push_published", -1.0),
    ("push_copies", 1.0),
];
/// Goodput: messages first processed and client requests that succeeded.
const GOODPUT: [(&str, f64); 2] = [("goodput", 1.0), ("successes", 1.0)];

/// Where the judgement's columns are in a row, with their signs.
struct Columns {
    time: usize,
    offered: Vec<(usize, f64)>,
    goodput: Vec<(usize, f64)>,
}

/// A row's time and the offered load and goodput up to it.
#[derive(Clone, Copy)]
struct Totals {
    time: f64,
    offered: f64,
    goodput: f64,
}

/// Judges recovery after the last trigger to end, row by row.
///
/// Windows (t[i], t[j]] start at each row i at or after the trigger's end and
/// end at the first row j at least `recovery_window_s` later; each is judged
/// when its row j comes. Recovered means healthy at the end: from the start
/// after the last unhealthy window on (a system that comes back and falls
/// again has not). Rows are kept only while a window may still start at them
/// or the run's last window may: about one window's worth, whatever the
/// horizon.
pub struct RecoveryWatch {
    trigger: String,
    trigger_from_s: f64,
    trigger_to_s: f64,
    fraction: f64,
    window: f64,
    /// None until the first row, or when the series has no time column.
    columns: Option<Columns>,
    /// Offered load and goodput up to the last row (cumulative sums: row i
    /// counts the interval (t[i-1], t[i]]).
    totals: Totals,
    /// The rows still needed, from row `front` on.
    kept: VecDeque<Totals>,
    front: usize,
    rows: usize,
    /// Whether a row at or after the trigger's end has come: windows start
    /// from the first one on.
    after_trigger: bool,
    /// The row the next window starts at.
    next_start: usize,
    /// Whether a whole window was seen, and how the last one was.
    judged: bool,
    last_healthy: bool,
    /// The start of the first window after the last unhealthy one (the
    /// first row's time while none was).
    healthy_since: Option<f64>,
}

impl RecoveryWatch {
    /// Watches for recovery after the last trigger to end, even after the run
    /// (then undecided: sweeps find the same fields in every run). None when
    /// no trigger lasts: nothing to recover from.
    pub fn new(triggers: &[TriggerWindow], cfg: &VerdictConfig) -> Option<Self> {
        let last = triggers
            .iter()
            .filter(|w| w.to_s > w.from_s)
            .max_by(|a, b| a.to_s.total_cmp(&b.to_s))?;
        Some(RecoveryWatch {
            trigger: last.label.to_string(),
            trigger_from_s: last.from_s,
            trigger_to_s: last.to_s,
            fraction: cfg.recovery_fraction,
            window: cfg.recovery_window_s,
            columns: None,
            totals: Totals {
                time: 0.0,
                offered: 0.0,
                goodput: 0.0,
            },
            kept: VecDeque::new(),
            front: 0,
            rows: 0,
            after_trigger: false,
            next_start: 0,
            judged: false,
            last_healthy: true,
            healthy_since: None,
        })
    }

    /// The judgement of the rows so far; None before the first row.
    pub fn judge(&self) -> Option<Recovery> {
        let last = self.kept.back()?;
        let recovered = self.judged.then_some(self.last_healthy);
        let recovered_at = if recovered == Some(true) {
            self.healthy_since
        } else {
            None
        };
        // The run's last window: from the last row at least a window before its end.
        let tail = self
            .kept
            .iter()
            .rposition(|r| last.time - r.time >= self.window);
        let final_fraction = tail.and_then(|i| {
            let o = last.offered - self.kept[i].offered;
            (o > 0.0).then(|| (last.goodput - self.kept[i].goodput) / o)
        });
        Some(Recovery {
            trigger: self.trigger.clone(),
            trigger_from_s: self.trigger_from_s,
            trigger_to_s: self.trigger_to_s,
            should_recover_by_s: self.trigger_to_s + self.window,
            recovered,
            recovered_at_s: recovered_at,
            final_goodput_fraction: final_fraction,
        })
    }

    fn row(&self, i: usize) -> Totals {
        self.kept[i - self.front]
    }

    /// Judges the windows that the row `now` completes.
    fn judge_windows(&mut self, now: usize) {
        let end = self.row(now);
        // The window is longer than 0: it never ends at its own start, so the
        // row after its start has come.
        while self.next_start < now {
            let start = self.row(self.next_start);
            if end.time - start.time < self.window {
                break;
            }
            let (o, g) = (end.offered - start.offered, end.goodput - start.goodput);
            self.last_healthy = o <= 0.0 || g >= self.fraction * o;
            self.judged = true;
            if !self.last_healthy {
                self.healthy_since = Some(self.row(self.next_start + 1).time);
            }
            self.next_start += 1;
        }
    }
}

impl RowReader for RecoveryWatch {
    fn start(&mut self, columns: &[String], _counters: &[bool]) {
        let at = |name: &str| columns.iter().position(|c| c == name);
        let present = |names: &[(&str, f64)]| -> Vec<(usize, f64)> {
            names
                .iter()
                .filter_map(|&(n, sign)| Some((at(n)?, sign)))
                .collect()
        };
        self.columns = at("time_s").map(|time| Columns {
            time,
            offered: present(&OFFERED),
            goodput: present(&GOODPUT),
        });
    }

    fn read(&mut self, row: &[f64]) {
        let Some(c) = &self.columns else { return };
        let sum = |cols: &[(usize, f64)]| {
            let mut sum = 0.0;
            for &(i, sign) in cols {
                sum += sign * row[i];
            }
            sum
        };
        let (offered, goodput) = (sum(&c.offered), sum(&c.goodput));
        self.totals = Totals {
            time: row[c.time],
            offered: self.totals.offered + offered,
            goodput: self.totals.goodput + goodput,
        };
        let now = self.rows;
        self.rows += 1;
        self.kept.push_back(self.totals);
        if !self.after_trigger && self.totals.time >= self.trigger_to_s {
            self.after_trigger = true;
            self.next_start = now;
            self.healthy_since = Some(self.totals.time);
        }
        // Before the first row at or after the trigger's end, no row starts a window.
        let starts_from = if self.after_trigger {
            self.judge_windows(now);
            self.next_start
        } else {
            self.rows
        };
        // A row can go once no window starts at it and a later row is at
        // least a window before now: the run's last window starts there or later.
        while self.kept.len() >= 2
            && self.front < starts_from
            && self.totals.time - self.kept[1].time >= self.window
        {
            self.kept.pop_front();
            self.front += 1;
        }
    }
}

/// Metastable when a full window was observed after the trigger and the
/// system is not healthy at the end.
pub fn verdict(r: &Recovery, cfg: &VerdictConfig) -> Option<Verdict> {
    if r.recovered != Some(false) {
        return None;
    }
    Some(Verdict::collapsed(
        Reason::Metastable,
        r.trigger_to_s,
        format!(
            "after `{}` ended at {:.0} s, goodput was still below {:.0} % of the offered load over the last {:.0} s of the run ({:.0} %)",
            r.trigger,
            r.trigger_to_s,
            100.0 * cfg.recovery_fraction,
            cfg.recovery_window_s,
            100.0 * r.final_goodput_fraction.unwrap_or(0.0),
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The judgement of rows (time_s, arrivals, goodput) fed one by one.
    fn judge(
        rows: &[(f64, f64, f64)],
        triggers: &[TriggerWindow],
        cfg: &VerdictConfig,
    ) -> Option<Recovery> {
        let mut watch = RecoveryWatch::new(triggers, cfg)?;
        let names = ["time_s", "arrivals", "goodput"].map(String::from);
        watch.start(&names, &[false, true, true]);
        for &(t, a, g) in rows {
            watch.read(&[t, a, g]);
        }
        watch.judge()
    }

    /// The judgement over the whole series at once, as it was made before rows
    /// streamed: what the watch must reproduce.
    fn judge_whole(
        rows: &[(f64, f64, f64)],
        triggers: &[TriggerWindow],
        cfg: &VerdictConfig,
    ) -> Option<Recovery> {
        let t: Vec<f64> = rows.iter().map(|r| r.0).collect();
        let end = *t.last()?;
        let last = triggers
            .iter()
            .filter(|w| w.to_s > w.from_s)
            .max_by(|a, b| a.to_s.total_cmp(&b.to_s))?;
        let w = cfg.recovery_window_s;
        let cum = |v: Vec<f64>| -> Vec<f64> {
            v.iter()
                .scan(0.0, |acc, x| {
                    *acc += x;
                    Some(*acc)
                })
                .collect()
        };
        let (co, cg) = (
            cum(rows.iter().map(|r| 0.0 + r.1).collect()),
            cum(rows.iter().map(|r| 0.0 + r.2).collect()),
        );
        let healthy = |i: usize, j: usize| {
            let (o, g) = (co[j] - co[i], cg[j] - cg[i]);
            o <= 0.0 || g >= cfg.recovery_fraction * o
        };
        let first = t.iter().position(|&x| x >= last.to_s).unwrap_or(t.len());
        let (mut j, mut seen, mut last_bad, mut last_ok) = (0, false, None, true);
        for i in first..t.len() {
            while j < t.len() && t[j] - t[i] < w {
                j += 1;
            }
            if j == t.len() {
                break;
            }
            seen = true;
            last_ok = healthy(i, j);
            if !last_ok {
                last_bad = Some(i);
            }
        }
        let recovered = seen.then_some(last_ok);
        let recovered_at = (recovered == Some(true)).then(|| t[last_bad.map_or(first, |i| i + 1)]);
        let tail = t.iter().rposition(|&x| end - x >= w);
        let final_fraction = tail.and_then(|i| {
            let o = co[t.len() - 1] - co[i];
            (o > 0.0).then(|| (cg[t.len() - 1] - cg[i]) / o)
        });
        Some(Recovery {
            trigger: last.label.to_string(),
            trigger_from_s: last.from_s,
            trigger_to_s: last.to_s,
            should_recover_by_s: last.to_s + w,
            recovered,
            recovered_at_s: recovered_at,
            final_goodput_fraction: final_fraction,
        })
    }

    proptest::proptest! {
        #[test]
        fn row_by_row_judges_like_the_whole_series(
            steps in proptest::collection::vec((1u32..4, 0u32..20, 0u32..20), 0..200),
            trigger_end in 0u32..150,
            window in 1u32..40,
            fraction in 0u32..=10,
        ) {
            let mut time = 0.0;
            let rows: Vec<(f64, f64, f64)> = steps
                .iter()
                .map(|&(dt, a, g)| {
                    time += f64::from(dt) * 0.7;
                    (time, f64::from(a), f64::from(g))
                })
                .collect();
            let cfg = VerdictConfig {
                recovery_window_s: f64::from(window) * 0.9,
                recovery_fraction: f64::from(fraction) / 10.0,
                ..VerdictConfig::default()
            };
            let trigger = [TriggerWindow { label: "t", from_s: 0.0, to_s: f64::from(trigger_end) + 0.5 }];
            for n in 0..=rows.len() {
                proptest::prop_assert_eq!(
                    judge(&rows[..n], &trigger, &cfg),
                    judge_whole(&rows[..n], &trigger, &cfg)
                );
            }
        }
    }

    fn cfg() -> VerdictConfig {
        VerdictConfig {
            recovery_window_s: 10.0,
            ..VerdictConfig::default()
        }
    }

    const SPIKE: TriggerWindow = TriggerWindow {
        label: "spike",
        from_s: 10.0,
        to_s: 20.0,
    };

    #[test]
    fn recovers_at_the_first_window_that_reaches_the_fraction() {
        // Goodput 0 until 40 s, then all of the offered load.
        let rows: Vec<_> = (0..=100)
            .map(|i| (i as f64, 10.0, if i > 40 { 10.0 } else { 0.0 }))
            .collect();
        let r = judge(&rows, &[SPIKE], &cfg()).unwrap();
        assert_eq!(r.recovered, Some(true));
        // (35, 45] holds 5 good seconds of 10: exactly the 50 % fraction.
        assert_eq!(r.recovered_at_s, Some(35.0));
        assert_eq!(r.should_recover_by_s, 30.0);
        assert!(verdict(&r, &cfg()).is_none());
    }

    #[test]
    fn metastable_when_goodput_never_comes_back() {
        let rows: Vec<_> = (0..=100)
            .map(|i| (i as f64, 10.0, if i < 15 { 10.0 } else { 3.0 }))
            .collect();
        let r = judge(&rows, &[SPIKE], &cfg()).unwrap();
        assert_eq!(r.recovered, Some(false));
        assert!((r.final_goodput_fraction.unwrap() - 0.3).abs() < 1e-9);
        let v = verdict(&r, &cfg()).unwrap();
        assert_eq!((v.reason, v.at_s), (Some(Reason::Metastable), Some(20.0)));
    }

    #[test]
    fn a_system_that_comes_back_and_falls_again_has_not_recovered() {
        // Healthy from 40 s to 60 s only.
        let rows: Vec<_> = (0..=100)
            .map(|i| {
                (
                    i as f64,
                    10.0,
                    if (40..60).contains(&i) { 10.0 } else { 0.0 },
                )
            })
            .collect();
        let r = judge(&rows, &[SPIKE], &cfg()).unwrap();
        assert_eq!((r.recovered, r.recovered_at_s), (Some(false), None));
    }

    #[test]
    fn keeps_about_one_window_of_rows_whatever_the_horizon() {
        let mut watch = RecoveryWatch::new(&[SPIKE], &cfg()).unwrap();
        let names = ["time_s", "arrivals", "goodput"].map(String::from);
        watch.start(&names, &[false, true, true]);
        for i in 0..100_000 {
            watch.read(&[i as f64, 10.0, if i % 100 < 30 { 0.0 } else { 10.0 }]);
            // A window of 10 s at one row a second.
            assert!(watch.kept.len() <= 12, "{} rows kept", watch.kept.len());
        }
        assert_eq!(watch.judge().unwrap().recovered, Some(true));
    }

    #[test]
    fn undecided_when_the_run_ends_within_a_window_of_the_trigger() {
        let rows: Vec<_> = (0..=25).map(|i| (i as f64, 10.0, 0.0)).collect();
        let r = judge(&rows, &[SPIKE], &cfg()).unwrap();
        assert_eq!(r.recovered, None);
    }
}
