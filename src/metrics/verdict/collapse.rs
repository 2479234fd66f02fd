//! The collapse judgements: harm that grows without bound. The backlog grows
//! (fitted over the final window), messages are still being thrown away at
//! the end, a downstream crashed, a producer ran out of memory; the guards
//! (backlog cap, event limit) stop such runs early.

use super::{Finding, Reason, Verdict};
use crate::metrics::final_window::{FinalWindow, WindowRow, window_rows};
use crate::model::blob_store::GIB;
use crate::scenario::VerdictConfig;

/// Least-squares slope of the messages held over time.
fn slope(rows: &[WindowRow]) -> f64 {
    let n = rows.len() as f64;
    let x = || rows.iter().map(|r| r.time);
    let mx = x().sum::<f64>() / n;
    let my = rows.iter().map(|r| r.held).sum::<f64>() / n;
    let sxy: f64 = rows.iter().map(|r| (r.time - mx) * (r.held - my)).sum();
    let sxx: f64 = x().map(|a| (a - mx).powi(2)).sum();
    if sxx == 0.0 { 0.0 } else { sxy / sxx }
}

/// A downstream's crash, as the verdict reports it.
pub struct Crash<'a> {
    pub name: &'a str,
    pub first_s: f64,
    pub crashes: u64,
    pub down_s: f64,
}

/// The first downstream to crash collapses the run, whatever the backlog did:
/// the crash is the cause, the backlog its consequence.
pub fn judge_crashes(crashes: &[Crash], then: &Verdict) -> Option<Verdict> {
    let first = crashes
        .iter()
        .filter(|c| c.crashes > 0)
        .min_by(|a, b| a.first_s.total_cmp(&b.first_s))?;
    Some(
        Verdict::collapsed(
            Reason::DownstreamCrashed,
            first.first_s,
            format!(
                "database `{}` crashed at {:.0} s ({} crash{}, {:.0} s down in all); then: {}",
                first.name,
                first.first_s,
                first.crashes,
                if first.crashes == 1 { "" } else { "es" },
                first.down_s,
                then.detail
            ),
        )
        .about(first.name),
    )
}

/// A producer's crash (out of memory), as the verdict reports it.
pub struct ProducerCrash<'a> {
    pub name: &'a str,
    pub at_s: f64,
    /// Messages lost with its buffer.
    pub lost: u64,
}

/// The first producer to run out of memory collapses the run, unless a
/// downstream crashed before it (the downstream's crash is then the cause).
pub fn judge_producer_crashes(
    producers: &[ProducerCrash],
    downstream_first_s: Option<f64>,
    then: &Verdict,
) -> Option<Verdict> {
    let first = producers.iter().min_by(|a, b| a.at_s.total_cmp(&b.at_s))?;
    if downstream_first_s.is_some_and(|d| d <= first.at_s) {
        return None;
    }
    Some(Verdict::collapsed(
        Reason::ProducerOutOfMemory,
        first.at_s,
        format!(
            "producer `{}` ran out of memory at {:.1} s: its buffer was full, {} messages lost with it, and it stopped producing; then: {}",
            first.name, first.at_s, first.lost, then.detail
        ),
    ).about(first.name))
}

/// A blob store whose bytes stored passed its storage budget.
pub struct OverBudget<'a> {
    pub store: &'a str,
    /// When the bytes stored first passed the budget.
    pub at_s: f64,
    pub budget_bytes: f64,
    pub peak_bytes: u64,
    /// Stored at the end, and the orphans' share.
    pub stored_bytes: u64,
    pub orphan_bytes: u64,
}

/// Storage past its budget collapses the run: the budget is the scenario's
/// own bound on what payloads may pile up (the bill grows with them), as
/// `max_backlog` is on messages.
pub fn judge_storage(over: &[OverBudget]) -> Vec<Finding> {
    over.iter()
        .map(|o| {
            let mut f = Finding::new(
                Reason::StorageBudgetExceeded,
                Some(o.store),
                format!(
                    "blob store `{}` passed its storage budget of {:.0} GB at {} s ({:.1} days; peak {:.1} GB; {:.1} GB stored at the end, {:.1} GB of it orphaned payloads)",
                    o.store,
                    o.budget_bytes / GIB,
                    crate::export::table::thousands(o.at_s.round() as u64),
                    o.at_s / 86_400.0,
                    o.peak_bytes as f64 / GIB,
                    o.stored_bytes as f64 / GIB,
                    o.orphan_bytes as f64 / GIB
                ),
            );
            f.at_s = Some(o.at_s);
            f
        })
        .collect()
}

/// Judges a finished run from its time series: backlog growth first, then loss.
pub fn judge(w: &mut FinalWindow, cfg: &VerdictConfig) -> Verdict {
    let growth = judge_backlog(w, cfg);
    if growth.collapsed {
        return growth;
    }
    judge_loss(w, cfg).unwrap_or(growth)
}

/// Collapsed if, over the final window, more than `max_loss_fraction` of the
/// arrivals were rejected, dropped or expired.
fn judge_loss(w: &mut FinalWindow, cfg: &VerdictConfig) -> Option<Verdict> {
    let n = w.rows();
    let k = window_rows(n, cfg.window_fraction, 0);
    if n < 3 || k < 2 {
        return None;
    }
    let first_loss = w.first_loss_at();
    let rows = w.last(k);
    // The window's first row closes the interval before it.
    let lost: f64 = rows[1..].iter().map(|r| r.lost).sum();
    let arrived: f64 = rows[1..].iter().map(|r| r.arrivals).sum();
    if arrived > 0.0 && lost > cfg.max_loss_fraction * arrived {
        return Some(Verdict::collapsed(
            Reason::MessageLoss,
            first_loss.unwrap_or(rows[0].time),
            format!(
                "{:.1} % of the messages that arrived in the last {:.0} s were rejected, dropped, expired or lost by a consumer group",
                100.0 * lost / arrived,
                rows[k - 1].time - rows[0].time
            ),
        ));
    }
    None
}

/// Judges the messages held by a finished run: the backlog plus those in
/// flight (a consumer that fails or is throttled hides its backlog in flight).
/// Push copies waiting for a retry or being delivered are held too, and so
/// are the messages in producers' buffers.
pub fn judge_backlog(w: &mut FinalWindow, cfg: &VerdictConfig) -> Verdict {
    let n = w.rows();
    if n == 0 {
        return Verdict::stable("no samples".into());
    }
    let k = window_rows(n, cfg.window_fraction, 2);
    if n < 3 || k < 3 {
        return Verdict::stable("too few samples to judge".into());
    }
    let rows = w.last(k);
    let span = rows[k - 1].time - rows[0].time;
    let growth = slope(rows) * span;
    let arrived: f64 = rows[1..].iter().map(|r| r.arrivals).sum();
    let threshold = (cfg.min_growth_fraction * arrived).max(cfg.min_growth_messages);
    let last = rows[k - 1].held;
    if growth > threshold {
        // Onset: the last time the backlog was below a tenth of its final value.
        let floor = (0.1 * last).max(cfg.min_growth_messages);
        Verdict::collapsed(
            Reason::BacklogGrowth,
            w.last_at_or_below(floor),
            format!(
                "messages held (waiting + in flight) grew by {growth:.0} over the last {span:.0} s (threshold {threshold:.0}); {last:.0} held at the end"
            ),
        )
    } else {
        Verdict::stable(format!(
            "messages held (waiting + in flight), trend over the last {span:.0} s: {growth:+.0} (threshold {threshold:.0}); {last:.0} held at the end"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::series::RowReader;
    use proptest::prelude::*;

    /// Columns of the rows the tests feed.
    const COLUMNS: [&str; 6] = [
        "time_s",
        "backlog",
        "in_flight",
        "arrivals",
        "rejected",
        "producer_buffered",
    ];

    fn fed(rows: &[[f64; 6]], cfg: &VerdictConfig) -> FinalWindow {
        let mut w = FinalWindow::new(cfg);
        w.start(
            &COLUMNS.map(String::from),
            &[false, false, false, true, true, false],
        );
        for r in rows {
            w.read(r);
        }
        w
    }

    /// The verdict over the whole series at once, as it was judged before
    /// rows streamed: what the final window must reproduce.
    fn judge_whole(rows: &[[f64; 6]], cfg: &VerdictConfig) -> Verdict {
        let growth = backlog_whole(rows, cfg);
        if growth.collapsed {
            return growth;
        }
        loss_whole(rows, cfg).unwrap_or(growth)
    }

    fn backlog_whole(rows: &[[f64; 6]], cfg: &VerdictConfig) -> Verdict {
        let t: Vec<f64> = rows.iter().map(|r| r[0]).collect();
        let a: Vec<f64> = rows.iter().map(|r| r[3]).collect();
        let b: Vec<f64> = rows.iter().map(|r| r[1] + r[2] + 0.0 + r[5]).collect();
        let n = t.len();
        if n == 0 {
            return Verdict::stable("no samples".into());
        }
        let k = ((n as f64 * cfg.window_fraction).ceil() as usize).clamp(2.min(n), n);
        if n < 3 || k < 3 {
            return Verdict::stable("too few samples to judge".into());
        }
        let (tw, bw) = (&t[n - k..], &b[n - k..]);
        let slope = {
            let m = tw.len() as f64;
            let (mx, my) = (tw.iter().sum::<f64>() / m, bw.iter().sum::<f64>() / m);
            let sxy: f64 = tw.iter().zip(bw).map(|(a, b)| (a - mx) * (b - my)).sum();
            let sxx: f64 = tw.iter().map(|a| (a - mx).powi(2)).sum();
            if sxx == 0.0 { 0.0 } else { sxy / sxx }
        };
        let span = tw[k - 1] - tw[0];
        let growth = slope * span;
        let arrived: f64 = a[n - k + 1..].iter().sum();
        let threshold = (cfg.min_growth_fraction * arrived).max(cfg.min_growth_messages);
        let last = b[n - 1];
        if growth > threshold {
            let floor = (0.1 * last).max(cfg.min_growth_messages);
            let i = b.iter().rposition(|&v| v <= floor).unwrap_or(0);
            return Verdict::collapsed(
                Reason::BacklogGrowth,
                t[i],
                format!(
                    "messages held (waiting + in flight) grew by {growth:.0} over the last {span:.0} s (threshold {threshold:.0}); {last:.0} held at the end"
                ),
            );
        }
        Verdict::stable(format!(
            "messages held (waiting + in flight), trend over the last {span:.0} s: {growth:+.0} (threshold {threshold:.0}); {last:.0} held at the end"
        ))
    }

    fn loss_whole(rows: &[[f64; 6]], cfg: &VerdictConfig) -> Option<Verdict> {
        let t: Vec<f64> = rows.iter().map(|r| r[0]).collect();
        let a: Vec<f64> = rows.iter().map(|r| r[3]).collect();
        let lost: Vec<f64> = rows.iter().map(|r| r[4]).collect();
        let n = t.len();
        let k = ((n as f64 * cfg.window_fraction).ceil() as usize).min(n);
        if n < 3 || k < 2 {
            return None;
        }
        let lost_sum: f64 = lost[n - k + 1..].iter().sum();
        let arrived: f64 = a[n - k + 1..].iter().sum();
        if arrived > 0.0 && lost_sum > cfg.max_loss_fraction * arrived {
            let first = (0..n).find(|&i| lost[i] > 0.0);
            return Some(Verdict::collapsed(
                Reason::MessageLoss,
                first.map_or(t[n - k], |i| t[i]),
                format!(
                    "{:.1} % of the messages that arrived in the last {:.0} s were rejected, dropped, expired or lost by a consumer group",
                    100.0 * lost_sum / arrived,
                    t[n - 1] - t[n - k]
                ),
            ));
        }
        None
    }

    proptest! {
        #[test]
        fn the_final_window_judges_like_the_whole_series(
            steps in proptest::collection::vec((0u32..40, 0u32..400, 0u32..5, 0u32..3, 0u32..20), 0..150),
            fraction in 1u32..=100,
            min_growth in 0u32..300,
        ) {
            let mut held = 0.0;
            let rows: Vec<[f64; 6]> = steps
                .iter()
                .enumerate()
                .map(|(i, &(arrived, backlog, flight, lost, buffered))| {
                    held += f64::from(backlog) - 150.0;
                    [
                        i as f64 * 0.3,
                        held.abs(),
                        f64::from(flight),
                        f64::from(arrived),
                        f64::from(lost),
                        f64::from(buffered),
                    ]
                })
                .collect();
            let cfg = VerdictConfig {
                window_fraction: f64::from(fraction) / 100.0,
                min_growth_messages: f64::from(min_growth),
                ..VerdictConfig::default()
            };
            for n in 0..=rows.len() {
                let mut window = fed(&rows[..n], &cfg);
                prop_assert_eq!(judge(&mut window, &cfg), judge_whole(&rows[..n], &cfg));
            }
        }
    }

    #[test]
    fn the_final_window_keeps_its_fraction_of_the_rows() {
        let cfg = VerdictConfig::default();
        let rows: Vec<[f64; 6]> = (0..100_000)
            .map(|i| [i as f64, (i % 7) as f64, 1.0, 5.0, 0.0, 0.0])
            .collect();
        let mut w = fed(&rows, &cfg);
        assert_eq!(w.rows(), 100_000);
        assert_eq!(w.last(usize::MAX).len(), 25_000);
        assert!(!judge(&mut w, &cfg).collapsed);
    }
}
