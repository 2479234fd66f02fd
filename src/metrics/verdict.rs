//! The collapse verdict. A run collapses when its backlog grows without bound
//! (fitted over the final window), or when a guard stopped it. Built to take more
//! reasons as mechanisms arrive (metastability, downstream crashes, …).

use crate::metrics::series::Sampler;
use crate::scenario::VerdictConfig;
use serde::Serialize;

#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    BacklogGrowth,
    /// Messages rejected, dropped or expired: the queue holds by throwing work away.
    MessageLoss,
    BacklogCap,
    EventLimit,
    /// A downstream (a database) crashed under the load it was sent.
    DownstreamCrashed,
    /// The trigger is gone and goodput stays far below the offered load.
    Metastable,
    /// A producer's buffer of unsent messages filled up with
    /// `on_full = "crash"`: it stopped for good, its buffer lost.
    ProducerOutOfMemory,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Verdict {
    pub collapsed: bool,
    pub reason: Option<Reason>,
    /// When it began (growth: the last time the backlog was still small).
    pub at_s: Option<f64>,
    /// The evidence, in words.
    pub detail: String,
}

impl Verdict {
    pub fn stable(detail: String) -> Verdict {
        Verdict {
            collapsed: false,
            reason: None,
            at_s: None,
            detail,
        }
    }
    pub fn collapsed(reason: Reason, at_s: f64, detail: String) -> Verdict {
        Verdict {
            collapsed: true,
            reason: Some(reason),
            at_s: Some(at_s),
            detail,
        }
    }
}

/// Least-squares slope of y over x.
fn slope(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    if sxx == 0.0 { 0.0 } else { sxy / sxx }
}

impl Reason {
    /// The name used in summary.json.
    pub fn name(self) -> &'static str {
        match self {
            Reason::BacklogGrowth => "backlog_growth",
            Reason::MessageLoss => "message_loss",
            Reason::BacklogCap => "backlog_cap",
            Reason::EventLimit => "event_limit",
            Reason::DownstreamCrashed => "downstream_crashed",
            Reason::Metastable => "metastable",
            Reason::ProducerOutOfMemory => "producer_out_of_memory",
        }
    }
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
    Some(Verdict::collapsed(
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
    ))
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
    ))
}

/// Judges a finished run from its time series: backlog growth first, then loss.
pub fn judge(s: &Sampler, cfg: &VerdictConfig) -> Verdict {
    let growth = judge_backlog(s, cfg);
    if growth.collapsed {
        return growth;
    }
    judge_loss(s, cfg).unwrap_or(growth)
}

/// Collapsed if, over the final window, more than `max_loss_fraction` of the
/// arrivals were rejected, dropped or expired.
fn judge_loss(s: &Sampler, cfg: &VerdictConfig) -> Option<Verdict> {
    let t = s.column("time_s")?;
    let a = s.column("arrivals")?;
    let n = t.len();
    let k = ((n as f64 * cfg.window_fraction).ceil() as usize).min(n);
    if n < 3 || k < 2 {
        return None;
    }
    let lost_cols: Vec<Vec<f64>> = [
        "rejected",
        "dropped",
        "expired",
        "push_dropped",
        "producer_lost",
    ]
    .iter()
    .filter_map(|c| s.column(c))
    .collect();
    let lost: f64 = lost_cols
        .iter()
        .map(|v| v[n - k + 1..].iter().sum::<f64>())
        .sum();
    let arrived: f64 = a[n - k + 1..].iter().sum();
    if arrived > 0.0 && lost > cfg.max_loss_fraction * arrived {
        let first = (0..n).find(|&i| lost_cols.iter().any(|v| v[i] > 0.0));
        return Some(Verdict::collapsed(
            Reason::MessageLoss,
            first.map_or(t[n - k], |i| t[i]),
            format!(
                "{:.1} % of the messages that arrived in the last {:.0} s were rejected, dropped, expired or lost by a consumer group",
                100.0 * lost / arrived,
                t[n - 1] - t[n - k]
            ),
        ));
    }
    None
}

/// Judges the messages held by a finished run: the backlog plus those in
/// flight (a consumer that fails or is throttled hides its backlog in flight).
pub fn judge_backlog(s: &Sampler, cfg: &VerdictConfig) -> Verdict {
    let (Some(t), Some(waiting), Some(in_flight), Some(a)) = (
        s.column("time_s"),
        s.column("backlog"),
        s.column("in_flight"),
        s.column("arrivals"),
    ) else {
        return Verdict::stable("no samples".into());
    };
    // Push copies waiting for a retry or being delivered are held too, and so
    // are the messages in producers' buffers.
    let pending = s.column("push_pending");
    let buffered = s.column("producer_buffered");
    let b: Vec<f64> = waiting
        .iter()
        .zip(&in_flight)
        .enumerate()
        .map(|(i, (w, f))| {
            w + f + pending.as_ref().map_or(0.0, |p| p[i]) + buffered.as_ref().map_or(0.0, |p| p[i])
        })
        .collect();
    let n = t.len();
    let k = ((n as f64 * cfg.window_fraction).ceil() as usize).clamp(2.min(n), n);
    if n < 3 || k < 3 {
        return Verdict::stable("too few samples to judge".into());
    }
    let (tw, bw) = (&t[n - k..], &b[n - k..]);
    let span = tw[k - 1] - tw[0];
    let growth = slope(tw, bw) * span;
    let arrived: f64 = a[n - k + 1..].iter().sum();
    let threshold = (cfg.min_growth_fraction * arrived).max(cfg.min_growth_messages);
    let last = b[n - 1];
    if growth > threshold {
        // Onset: the last time the backlog was below a tenth of its final value.
        let floor = (0.1 * last).max(cfg.min_growth_messages);
        let i = b.iter().rposition(|&v| v <= floor).unwrap_or(0);
        Verdict::collapsed(
            Reason::BacklogGrowth,
            t[i],
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
