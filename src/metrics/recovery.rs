//! Recovery after a trigger, and the metastable verdict (docs/model.md "How a
//! run judges recovery"). Once the last trigger (a profile, an outage, a
//! latency window, a crash) has ended, the run should come back to normal
//! within a window: goodput follows the offered load, and the messages held
//! (waiting, in flight, in buffers: `held.rs`) and the
//! age of the oldest waiting message (the wait a new message faces) are back
//! near their level before the first trigger. A window in which nothing was
//! offered is no evidence of health: a system nobody calls is not shown to
//! work.
//!
//! A run whose goodput stays short in every window up to its end is
//! metastable: the trigger is gone, the failure sustains itself (retries,
//! timeouts, work nobody waits for). One whose goodput came back but whose
//! backlog or latency did not is not recovered (degraded). The triggers are
//! known from the scenario before the run, so the windows are judged as the
//! rows come.

use super::held::HeldColumns;
use super::series::RowReader;
use super::verdict::{Finding, Reason, Verdict};
use crate::scenario::VerdictConfig;
use serde::Serialize;
use std::collections::VecDeque;

/// Why a window after the trigger was not healthy.
#[derive(Clone, Copy, Debug, Serialize, serde::Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Shortfall {
    /// Goodput below the fraction of the offered load.
    Goodput,
    /// Nothing was offered: no evidence either way.
    NothingOffered,
    /// The messages held (waiting, in flight, in buffers) were above their
    /// level before the first trigger.
    Held,
    /// The oldest waiting message was older than before the first trigger.
    Latency,
}

/// The messages held and the age of the oldest waiting message that count as back
/// to normal.
#[derive(Clone, Copy, Debug, Serialize, serde::Deserialize, PartialEq)]
pub struct Normal {
    /// The peaks before the first trigger (0 when it starts the run).
    pub held_before: f64,
    pub oldest_age_before_s: f64,
    /// At most `recovery_level_factor` × the peak before, plus
    /// `min_growth_messages` (backlog) or `recovery_age_slack_s` (age).
    pub held_at_most: f64,
    pub oldest_age_at_most_s: f64,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize, PartialEq)]
pub struct Recovery {
    /// The last trigger to end.
    pub trigger: String,
    pub trigger_from_s: f64,
    pub trigger_to_s: f64,
    /// The end of the trigger plus one window: healthy by then.
    pub should_recover_by_s: f64,
    /// Healthy at the end of the run: the last window was. None when the run
    /// ended less than a window after the trigger, or when nothing was
    /// offered in its last window.
    pub recovered: Option<bool>,
    /// Since when it has been healthy: the first row with goodput after the
    /// last window that was not.
    pub recovered_at_s: Option<f64>,
    /// Why the last window was not healthy.
    pub shortfall: Option<Shortfall>,
    /// Messages held (waiting, in flight, in buffers) at the run's last sample.
    pub held_at_end: f64,
    /// Goodput / offered load over the run's last window.
    pub final_goodput_fraction: Option<f64>,
    /// What counts as back to normal.
    pub normal: Normal,
}

/// A window in which the scenario changes its conditions on purpose; an
/// instant (a crash, a step) when `from_s == to_s`.
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
    held: Option<HeldColumns>,
    oldest_age: Option<usize>,
}

/// A row's time, the offered load and goodput up to it, and its levels.
#[derive(Clone, Copy)]
struct Totals {
    time: f64,
    offered: f64,
    goodput: f64,
    /// Goodput during the row's interval.
    flowed: bool,
    held: f64,
    oldest_age: f64,
}

/// Judges recovery after the last trigger to end, row by row.
///
/// Windows (t[i], t[j]] start at each row i at or after the trigger's end and
/// end at the first row j at least `recovery_window_s` later; each is judged
/// when its row j comes, from its goodput and the levels at both its rows.
/// Recovered means healthy at the end: from the first goodput after the last
/// unhealthy window on (a system that comes back and falls again has not).
/// Rows are kept only while a window may still start at them or the run's
/// last window may: about one window's worth, whatever the horizon.
pub struct RecoveryWatch {
    trigger: String,
    trigger_from_s: f64,
    trigger_to_s: f64,
    /// The levels before it are measured before this time.
    first_from_s: f64,
    fraction: f64,
    window: f64,
    level_factor: f64,
    held_slack: f64,
    age_slack: f64,
    /// Peaks before the first trigger.
    held_before: f64,
    age_before: f64,
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
    /// Whether a whole window was seen, and why the last one fell short.
    judged: bool,
    last_short: Option<Shortfall>,
    /// The first row of the current healthy stretch: the row after the last
    /// unhealthy window's start (the first row after the trigger while none was).
    healthy_from: usize,
    /// The first row at or after `healthy_from` whose interval had goodput,
    /// and the first row not yet looked at for it.
    first_flow: Option<(usize, f64)>,
    flow_cursor: usize,
}

impl RecoveryWatch {
    /// Watches for recovery after the last trigger to end, even after the run
    /// (then undecided: sweeps find the same fields in every run). None
    /// without a trigger: nothing to recover from.
    pub fn new(triggers: &[TriggerWindow], cfg: &VerdictConfig) -> Option<Self> {
        let last = triggers
            .iter()
            .filter(|w| w.to_s >= w.from_s)
            .max_by(|a, b| a.to_s.total_cmp(&b.to_s))?;
        let first_from_s = triggers
            .iter()
            .map(|w| w.from_s)
            .fold(f64::INFINITY, f64::min);
        Some(RecoveryWatch {
            trigger: last.label.to_string(),
            trigger_from_s: last.from_s,
            trigger_to_s: last.to_s,
            first_from_s,
            fraction: cfg.recovery_fraction,
            window: cfg.recovery_window_s,
            level_factor: cfg.recovery_level_factor,
            held_slack: cfg.min_growth_messages,
            age_slack: cfg.recovery_age_slack_s,
            held_before: 0.0,
            age_before: 0.0,
            columns: None,
            totals: Totals {
                time: 0.0,
                offered: 0.0,
                goodput: 0.0,
                flowed: false,
                held: 0.0,
                oldest_age: 0.0,
            },
            kept: VecDeque::new(),
            front: 0,
            rows: 0,
            after_trigger: false,
            next_start: 0,
            judged: false,
            last_short: None,
            healthy_from: 0,
            first_flow: None,
            flow_cursor: 0,
        })
    }

    fn normal(&self) -> Normal {
        Normal {
            held_before: self.held_before,
            oldest_age_before_s: self.age_before,
            held_at_most: self.level_factor * self.held_before + self.held_slack,
            oldest_age_at_most_s: self.level_factor * self.age_before + self.age_slack,
        }
    }

    /// The judgement of the rows so far; None before the first row.
    pub fn judge(&self) -> Option<Recovery> {
        let last = self.kept.back()?;
        let recovered = match (self.judged, self.last_short) {
            (false, _) | (true, Some(Shortfall::NothingOffered)) => None,
            (true, None) => Some(true),
            (true, Some(_)) => Some(false),
        };
        let recovered_at = if recovered == Some(true) {
            self.first_flow.map(|(_, t)| t)
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
            shortfall: if recovered == Some(true) {
                None
            } else {
                self.last_short
            },
            final_goodput_fraction: final_fraction,
            held_at_end: last.held,
            normal: self.normal(),
        })
    }

    fn row(&self, i: usize) -> Totals {
        self.kept[i - self.front]
    }

    /// Why the window from row `i` to row `j` is not healthy, if it is not.
    fn shortfall(&self, start: Totals, end: Totals) -> Option<Shortfall> {
        let n = self.normal();
        let (o, g) = (end.offered - start.offered, end.goodput - start.goodput);
        if o <= 0.0 {
            Some(Shortfall::NothingOffered)
        } else if g < self.fraction * o {
            Some(Shortfall::Goodput)
        } else if start.held.max(end.held) > n.held_at_most {
            Some(Shortfall::Held)
        } else if start.oldest_age.max(end.oldest_age) > n.oldest_age_at_most_s {
            Some(Shortfall::Latency)
        } else {
            None
        }
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
            self.last_short = self.shortfall(start, end);
            self.judged = true;
            if self.last_short.is_some() {
                self.healthy_from = self.next_start + 1;
            }
            self.next_start += 1;
        }
    }

    /// Finds the first row with goodput at or after `healthy_from`, up to `now`;
    /// each row is looked at once however often the stretch restarts.
    fn find_flow(&mut self, now: usize) {
        if self.first_flow.is_some_and(|(i, _)| i < self.healthy_from) {
            self.first_flow = None;
        }
        if self.first_flow.is_some() {
            return;
        }
        self.flow_cursor = self.flow_cursor.max(self.healthy_from);
        while self.flow_cursor <= now {
            let r = self.row(self.flow_cursor);
            if r.flowed {
                self.first_flow = Some((self.flow_cursor, r.time));
                return;
            }
            self.flow_cursor += 1;
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
            held: HeldColumns::locate(columns),
            oldest_age: at("oldest_age_s"),
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
        let level = |i: Option<usize>| i.map_or(0.0, |i| row[i]);
        self.totals = Totals {
            time: row[c.time],
            offered: self.totals.offered + offered,
            goodput: self.totals.goodput + goodput,
            flowed: goodput > 0.0,
            held: c.held.map_or(0.0, |h| h.read(row)),
            oldest_age: level(c.oldest_age),
        };
        if self.totals.time < self.first_from_s {
            self.held_before = self.held_before.max(self.totals.held);
            self.age_before = self.age_before.max(self.totals.oldest_age);
        }
        let now = self.rows;
        self.rows += 1;
        self.kept.push_back(self.totals);
        if !self.after_trigger && self.totals.time >= self.trigger_to_s {
            self.after_trigger = true;
            self.next_start = now;
            self.healthy_from = now;
        }
        // Before the first row at or after the trigger's end, no row starts a window.
        let starts_from = if self.after_trigger {
            self.judge_windows(now);
            self.find_flow(now);
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

/// Metastable when a full window was observed after the trigger and goodput
/// is still short of the offered load at the end.
pub fn verdict(r: &Recovery, cfg: &VerdictConfig) -> Option<Verdict> {
    if r.recovered != Some(false) || r.shortfall != Some(Shortfall::Goodput) {
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

/// Not recovered (degraded) when goodput came back but the messages held or the
/// age of the oldest waiting message is still above normal at the end.
pub fn not_recovered(r: &Recovery) -> Option<Finding> {
    // The run's last window was judged short because the messages held were
    // above normal at its start or at its end: at the end only when they
    // still are; otherwise they came back under the level within that last
    // window, too late for a whole window of normal before the run ended.
    let window = r.should_recover_by_s - r.trigger_to_s;
    let what = match (r.recovered, r.shortfall) {
        (Some(false), Some(Shortfall::Held)) if r.held_at_end > r.normal.held_at_most => format!(
            "at the end of the run {:.0} messages were still held, waiting or in flight, above the {:.0} that count as normal (their peak before the first trigger: {:.0})",
            r.held_at_end, r.normal.held_at_most, r.normal.held_before
        ),
        (Some(false), Some(Shortfall::Held)) => format!(
            "the messages held, waiting or in flight, came back under the {:.0} that count as normal (their peak before the first trigger: {:.0}) only in the run's last {} s, so no whole {} s of normal was seen ({:.0} held at the end)",
            r.normal.held_at_most,
            r.normal.held_before,
            short(window),
            short(window),
            r.held_at_end
        ),
        (Some(false), Some(Shortfall::Latency)) => format!(
            "in the run's last {} s the oldest waiting message was still older than {:.1} s (its peak before the first trigger: {:.1} s)",
            short(window),
            r.normal.oldest_age_at_most_s,
            r.normal.oldest_age_before_s
        ),
        _ => return None,
    };
    let mut f = Finding::new(
        Reason::NotRecovered,
        None,
        format!(
            "after `{}` ended at {:.0} s, goodput came back but {what}",
            r.trigger, r.trigger_to_s
        ),
    );
    f.at_s = Some(r.trigger_to_s);
    Some(f)
}

/// Recovered late (degraded) when the run came back to normal, but after the
/// trigger's end + one window: a flash sale whose backlog drains for forty
/// minutes is not stable, however well it ends.
pub fn recovered_late(r: &Recovery, cfg: &VerdictConfig) -> Option<Finding> {
    let at = r.recovered_at_s?;
    if r.recovered != Some(true) || at <= r.should_recover_by_s {
        return None;
    }
    // An instant (a crash, an initial backlog) does not end: it happens.
    let ended = if r.trigger_from_s == r.trigger_to_s {
        "at"
    } else {
        "ended at"
    };
    let mut f = Finding::new(
        Reason::RecoveredLate,
        None,
        format!(
            "back to normal at {} s, {} s after `{}` {ended} {} s; expected within {} s (verdict.recovery_window_s)",
            short(at),
            short(at - r.trigger_to_s),
            r.trigger,
            short(r.trigger_to_s),
            short(cfg.recovery_window_s)
        ),
    );
    f.at_s = Some(r.should_recover_by_s);
    Some(f)
}

/// Seconds with the digits that matter: 2818, 75.9, 0.25.
fn short(x: f64) -> String {
    if x >= 100.0 {
        crate::export::table::thousands(x.round() as u64)
    } else if x >= 10.0 {
        format!("{x:.0}")
    } else {
        format!("{}", (x * 10.0).round() / 10.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row: time_s, arrivals, goodput, backlog, oldest_age_s.
    type Row = (f64, f64, f64, f64, f64);

    /// The judgement of rows fed one by one.
    fn judge(rows: &[Row], triggers: &[TriggerWindow], cfg: &VerdictConfig) -> Option<Recovery> {
        let mut watch = RecoveryWatch::new(triggers, cfg)?;
        let names = ["time_s", "arrivals", "goodput", "backlog", "oldest_age_s"].map(String::from);
        watch.start(&names, &[false, true, true, false, false]);
        for &(t, a, g, b, age) in rows {
            watch.read(&[t, a, g, b, age]);
        }
        watch.judge()
    }

    /// Rows with an empty backlog.
    fn flat(rows: &[(f64, f64, f64)]) -> Vec<Row> {
        rows.iter().map(|&(t, a, g)| (t, a, g, 0.0, 0.0)).collect()
    }

    /// The judgement over the whole series at once, the rule written plainly:
    /// what the watch must reproduce.
    fn judge_whole(
        rows: &[Row],
        triggers: &[TriggerWindow],
        cfg: &VerdictConfig,
    ) -> Option<Recovery> {
        let t: Vec<f64> = rows.iter().map(|r| r.0).collect();
        let end = *t.last()?;
        let last = triggers
            .iter()
            .filter(|w| w.to_s >= w.from_s)
            .max_by(|a, b| a.to_s.total_cmp(&b.to_s))?;
        let first_from = triggers
            .iter()
            .map(|w| w.from_s)
            .fold(f64::INFINITY, f64::min);
        let before = |f: fn(&Row) -> f64| {
            rows.iter()
                .filter(|r| r.0 < first_from)
                .map(f)
                .fold(0.0, f64::max)
        };
        let (b0, a0) = (before(|r| r.3), before(|r| r.4));
        let normal = Normal {
            held_before: b0,
            oldest_age_before_s: a0,
            held_at_most: cfg.recovery_level_factor * b0 + cfg.min_growth_messages,
            oldest_age_at_most_s: cfg.recovery_level_factor * a0 + cfg.recovery_age_slack_s,
        };
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
        let short = |i: usize, j: usize| {
            let (o, g) = (co[j] - co[i], cg[j] - cg[i]);
            if o <= 0.0 {
                Some(Shortfall::NothingOffered)
            } else if g < cfg.recovery_fraction * o {
                Some(Shortfall::Goodput)
            } else if rows[i].3.max(rows[j].3) > normal.held_at_most {
                Some(Shortfall::Held)
            } else if rows[i].4.max(rows[j].4) > normal.oldest_age_at_most_s {
                Some(Shortfall::Latency)
            } else {
                None
            }
        };
        let first = t.iter().position(|&x| x >= last.to_s).unwrap_or(t.len());
        let (mut j, mut seen, mut from, mut last_short) = (0, false, first, None);
        for i in first..t.len() {
            while j < t.len() && t[j] - t[i] < w {
                j += 1;
            }
            if j == t.len() {
                break;
            }
            seen = true;
            last_short = short(i, j);
            if last_short.is_some() {
                from = i + 1;
            }
        }
        let recovered = match (seen, last_short) {
            (false, _) | (true, Some(Shortfall::NothingOffered)) => None,
            (true, None) => Some(true),
            (true, Some(_)) => Some(false),
        };
        let recovered_at = (recovered == Some(true))
            .then(|| (from..t.len()).find(|&m| rows[m].2 > 0.0).map(|m| t[m]))
            .flatten();
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
            shortfall: if recovered == Some(true) {
                None
            } else {
                last_short
            },
            final_goodput_fraction: final_fraction,
            held_at_end: rows.last().map_or(0.0, |r| r.3),
            normal,
        })
    }

    proptest::proptest! {
        #[test]
        fn row_by_row_judges_like_the_whole_series(
            steps in proptest::collection::vec((1u32..4, 0u32..20, 0u32..20, 0u32..300, 0u32..30), 0..200),
            trigger in (0u32..100, 0u32..50),
            window in 1u32..40,
            fraction in 0u32..=10,
        ) {
            let mut time = 0.0;
            let rows: Vec<Row> = steps
                .iter()
                .map(|&(dt, a, g, b, age)| {
                    time += f64::from(dt) * 0.7;
                    (time, f64::from(a), f64::from(g), f64::from(b), f64::from(age))
                })
                .collect();
            let cfg = VerdictConfig {
                recovery_window_s: f64::from(window) * 0.9,
                recovery_fraction: f64::from(fraction) / 10.0,
                ..VerdictConfig::default()
            };
            let from_s = f64::from(trigger.0) + 0.5;
            let trigger = [TriggerWindow { label: "t", from_s, to_s: from_s + f64::from(trigger.1) }];
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
        let r = judge(&flat(&rows), &[SPIKE], &cfg()).unwrap();
        assert_eq!(r.recovered, Some(true));
        // (35, 45] holds 5 good seconds of 10, exactly the 50 % fraction, but
        // goodput flows again only in (40, 41].
        assert_eq!(r.recovered_at_s, Some(41.0));
        assert_eq!(r.should_recover_by_s, 30.0);
        assert!(verdict(&r, &cfg()).is_none());
    }

    #[test]
    fn metastable_when_goodput_never_comes_back() {
        let rows: Vec<_> = (0..=100)
            .map(|i| (i as f64, 10.0, if i < 15 { 10.0 } else { 3.0 }))
            .collect();
        let r = judge(&flat(&rows), &[SPIKE], &cfg()).unwrap();
        assert_eq!(r.recovered, Some(false));
        assert_eq!(r.shortfall, Some(Shortfall::Goodput));
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
        let r = judge(&flat(&rows), &[SPIKE], &cfg()).unwrap();
        assert_eq!((r.recovered, r.recovered_at_s), (Some(false), None));
    }

    #[test]
    fn a_silent_window_is_no_evidence_of_health() {
        // Nothing offered nor processed from 20 s to 35 s, then all of it.
        let rows: Vec<_> = (0..=100)
            .map(|i| {
                let x = if (20..35).contains(&i) { 0.0 } else { 10.0 };
                (i as f64, x, x)
            })
            .collect();
        let r = judge(&flat(&rows), &[SPIKE], &cfg()).unwrap();
        assert_eq!(r.recovered, Some(true));
        // Not at 20 s, when the trigger ended: when goodput came back.
        assert_eq!(r.recovered_at_s, Some(35.0));
        // Silent to the end: undecided, not metastable.
        let silent: Vec<_> = (0..=100)
            .map(|i| {
                let x = if i < 20 { 10.0 } else { 0.0 };
                (i as f64, x, x)
            })
            .collect();
        let r = judge(&flat(&silent), &[SPIKE], &cfg()).unwrap();
        assert_eq!(
            (r.recovered, r.shortfall),
            (None, Some(Shortfall::NothingOffered))
        );
        assert!(verdict(&r, &cfg()).is_none());
    }

    #[test]
    fn recovered_only_once_the_backlog_is_back_near_its_level() {
        // Goodput follows the load throughout; the backlog left by the spike
        // (50 before it) drains linearly from 1,000 at 20 s to 0 at 70 s.
        let rows: Vec<Row> = (0..=100)
            .map(|i| {
                let b = if i < 10 {
                    50.0
                } else {
                    (1000.0 - 20.0 * (i as f64 - 20.0)).clamp(0.0, 1000.0)
                };
                (i as f64, 10.0, 10.0, b, 0.0)
            })
            .collect();
        let r = judge(&rows, &[SPIKE], &cfg()).unwrap();
        // Normal: at most 2 × 50 + 100 = 200, reached at 60 s.
        assert_eq!(r.normal.held_at_most, 200.0);
        assert_eq!((r.recovered, r.recovered_at_s), (Some(true), Some(60.0)));
        // Cut at 50 s: goodput is fine but the backlog is not.
        let r = judge(&rows[..=50], &[SPIKE], &cfg()).unwrap();
        assert_eq!(
            (r.recovered, r.shortfall),
            (Some(false), Some(Shortfall::Held))
        );
        assert!(verdict(&r, &cfg()).is_none());
        let f = not_recovered(&r).unwrap();
        assert_eq!(f.reason, Reason::NotRecovered);
        assert!(f.detail.contains("were still held"), "{}", f.detail);
        assert!(recovered_late(&r, &cfg()).is_none(), "not recovered at all");
        // Cut at 62 s: under the level at the end (160), but the last window
        // (52 to 62 s) starts at 360. Not a whole window of normal: still
        // not recovered, and the detail says why rather than that 160 is
        // above 200.
        let r = judge(&rows[..=62], &[SPIKE], &cfg()).unwrap();
        assert_eq!(
            (r.recovered, r.shortfall),
            (Some(false), Some(Shortfall::Held))
        );
        assert!(r.held_at_end <= r.normal.held_at_most, "{r:?}");
        let f = not_recovered(&r).unwrap();
        assert!(!f.detail.contains("still held"), "{}", f.detail);
        assert!(
            f.detail
                .contains("came back under the 200 that count as normal (their peak before the first trigger: 50) only in the run's last 10 s"),
            "{}",
            f.detail
        );
    }

    #[test]
    fn late_when_back_to_normal_after_the_trigger_and_one_window() {
        // The spike ends at 20 s, the window is 10 s: normal by 30 s. The
        // backlog drains from 1,000 at 20 s by 20 a second: at most 200 at 60 s.
        let rows: Vec<Row> = (0..=100)
            .map(|i| {
                let b = (1000.0 - 20.0 * (i as f64 - 20.0)).clamp(0.0, 1000.0);
                (i as f64, 10.0, 10.0, if i < 10 { 50.0 } else { b }, 0.0)
            })
            .collect();
        let r = judge(&rows, &[SPIKE], &cfg()).unwrap();
        let late = recovered_late(&r, &cfg()).expect("60 s is after 30 s");
        assert_eq!(late.reason, Reason::RecoveredLate);
        assert_eq!(late.at_s, Some(30.0));
        assert!(late.detail.contains("back to normal at 60 s, 40 s after"));
        // A window of 40 s allows it: normal by 60 s.
        let wide = VerdictConfig {
            recovery_window_s: 40.0,
            ..VerdictConfig::default()
        };
        let r = judge(&rows, &[SPIKE], &wide).unwrap();
        assert_eq!(r.recovered_at_s, Some(60.0));
        assert!(recovered_late(&r, &wide).is_none());
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
        let r = judge(&flat(&rows), &[SPIKE], &cfg()).unwrap();
        assert_eq!(r.recovered, None);
    }
}
