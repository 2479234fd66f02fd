//! Recovery after a trigger, and the metastable verdict (docs/model.md "How a run judges
//! recovery"): once the last trigger (a spike, an outage, a latency window) has
//! ended, goodput should come back to at least a fraction of the offered load
//! within a window. A system that stays below it in every window up to the
//! end of the run is metastable: the trigger is gone, the failure sustains
//! itself (retries, timeouts, work nobody waits for).

use super::series::Sampler;
use super::verdict::{Reason, Verdict};
use crate::scenario::VerdictConfig;
use serde::Serialize;

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

/// Offered load and goodput per interval: messages published and first
/// processed, plus client requests started and succeeded. A publish to a
/// push topic offers one message per subscription (its copies).
fn offered_and_goodput(s: &Sampler) -> Option<(Vec<f64>, Vec<f64>, Vec<f64>)> {
    let t = s.column("time_s")?;
    let add = |names: &[(&str, f64)]| -> Vec<f64> {
        let mut sum = vec![0.0; t.len()];
        for (c, sign) in names.iter().filter_map(|(n, k)| Some((s.column(n)?, k))) {
            sum.iter_mut().zip(c).for_each(|(a, b)| *a += sign * b);
        }
        sum
    };
    let offered = add(&[
        ("arrivals", 1.0),
        ("requests", 1.0),
        ("push_published", -1.0),
        ("push_copies", 1.0),
    ]);
    let goodput = add(&[("goodput", 1.0), ("successes", 1.0)]);
    Some((t, offered, goodput))
}

/// Judges recovery after the last trigger to end.
pub fn judge(s: &Sampler, triggers: &[TriggerWindow], cfg: &VerdictConfig) -> Option<Recovery> {
    let (t, offered, goodput) = offered_and_goodput(s)?;
    let end = *t.last()?;
    // The last trigger to end, even after the run (then undecided): sweeps
    // find the same fields in every run.
    let last = triggers
        .iter()
        .filter(|w| w.to_s > w.from_s)
        .max_by(|a, b| a.to_s.total_cmp(&b.to_s))?;
    let w = cfg.recovery_window_s;
    // Cumulative sums: interval i covers (t[i-1], t[i]].
    let cum = |v: &[f64]| -> Vec<f64> {
        v.iter()
            .scan(0.0, |acc, x| {
                *acc += x;
                Some(*acc)
            })
            .collect()
    };
    let (co, cg) = (cum(&offered), cum(&goodput));
    let healthy = |i: usize, j: usize| {
        let (o, g) = (co[j] - co[i], cg[j] - cg[i]);
        o <= 0.0 || g >= cfg.recovery_fraction * o
    };
    // Windows (t[i], t[j]] with t[i] ≥ the trigger's end and t[j] − t[i] ≥ w.
    // Recovered means healthy at the end: from the start after the last
    // unhealthy window on (a system that comes back and falls again has not).
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

    /// A sampler with columns time_s, arrivals, goodput from rows.
    fn sampler(rows: &[(f64, f64, f64)]) -> Sampler {
        let mut s = Sampler::default();
        s.columns = vec!["time_s".into(), "arrivals".into(), "goodput".into()];
        for &(t, a, g) in rows {
            s.values.extend([t, a, g]);
        }
        s
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
        let r = judge(&sampler(&rows), &[SPIKE], &cfg()).unwrap();
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
        let r = judge(&sampler(&rows), &[SPIKE], &cfg()).unwrap();
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
        let r = judge(&sampler(&rows), &[SPIKE], &cfg()).unwrap();
        assert_eq!((r.recovered, r.recovered_at_s), (Some(false), None));
    }

    #[test]
    fn undecided_when_the_run_ends_within_a_window_of_the_trigger() {
        let rows: Vec<_> = (0..=25).map(|i| (i as f64, 10.0, 0.0)).collect();
        let r = judge(&sampler(&rows), &[SPIKE], &cfg()).unwrap();
        assert_eq!(r.recovered, None);
    }
}
