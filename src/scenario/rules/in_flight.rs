//! More messages in flight than SQS allows. SQS refuses a receive beyond about
//! 120,000 in-flight messages on a queue (docs/model.md, "Real figures": the
//! same figure for FIFO queues now; earlier documentation gave 20,000); flowsim
//! does not model the limit, so a scenario that reaches it shows more
//! concurrency than SQS would give.
//!
//! The in-flight count a scenario can reach is bounded by its consumers (each
//! receive holds up to a batch), by the queue's `max_depth`, and by the most
//! messages its producers can publish over the run.

use super::*;

pub const ID: &str = "in-flight-limit";

/// SQS's in-flight limit per queue, standard and FIFO (docs/model.md).
pub const SQS_IN_FLIGHT_LIMIT: f64 = 120_000.0;

pub fn check(s: &Scenario) -> Vec<Warning> {
    let mut out = vec![];
    for (qi, q) in s.queues.iter().enumerate() {
        let mut held = 0.0;
        let mut terms = vec![];
        for (i, c) in s.consumers.iter().enumerate() {
            if polled_queue(s, c).is_none_or(|(j, _)| j != qi) {
                continue;
            }
            let (conc, batch) = (concurrency(s, c) as f64, c.batch_size() as f64);
            held += conc * batch;
            terms.push(format!(
                "`{}` {} × batch {}",
                consumer_name(i, c),
                num(conc),
                num(batch)
            ));
        }
        if held < SQS_IN_FLIGHT_LIMIT {
            continue;
        }
        let published = published_bound(s, &q.name);
        let reach = held
            .min(q.max_depth.map_or(f64::INFINITY, |d| d as f64))
            .min(published);
        if reach < SQS_IN_FLIGHT_LIMIT {
            continue;
        }
        let kind = if q.fifo { "FIFO" } else { "standard" };
        out.push(Warning {
            rule: ID,
            path: root().key("queue").index(qi).key("name"),
            message: format!(
                "consumers of queue `{}` can hold {} messages in flight ({}) ≥ SQS's limit of about {} on a {kind} queue, and the producers can supply them: SQS would refuse the receives beyond it, flowsim does not",
                q.name,
                num(held),
                terms.join(" + "),
                num(SQS_IN_FLIGHT_LIMIT)
            ),
            fix: format!(
                "keep concurrency × batch size of the consumers of `{}` below {}",
                q.name,
                num(SQS_IN_FLIGHT_LIMIT)
            ),
        });
    }
    out
}

/// An upper bound on the messages published to the queue over the run: the
/// initial backlogs plus the peak rate of each producer (directly, or through a
/// push topic subscribed by the queue) over its active time.
fn published_bound(s: &Scenario, queue: &str) -> f64 {
    let h = s.run.horizon_s;
    s.producers
        .iter()
        .filter(|p| match (&p.queue, &p.push) {
            (Some(q), _) => q == queue,
            (None, Some(push)) => s
                .pushes
                .iter()
                .any(|t| &t.name == push && t.queues.iter().any(|q| q == queue)),
            (None, None) => p.topic.is_none() && s.queues.len() == 1,
        })
        .map(|p| {
            let active = (p.stop_s.unwrap_or(h).min(h) - p.start_s).max(0.0);
            p.initial_backlog as f64 + peak_rate(p.rate, &p.profile) * active
        })
        .sum()
}

/// A bound on a profile's highest rate: the highest base it sets, times every
/// spike factor and sine crest (as if they all overlapped).
fn peak_rate(base: f64, profile: &[ProfileStep]) -> f64 {
    let mut top = base;
    let mut factor = 1.0;
    for step in profile {
        match step.kind {
            ProfileKind::Step => top = top.max(step.rate.unwrap_or(0.0)),
            ProfileKind::Ramp => top = top.max(step.to_rate.unwrap_or(0.0)),
            ProfileKind::Spike => factor *= step.factor.unwrap_or(1.0).max(1.0),
            ProfileKind::Sine => factor *= 1.0 + step.amplitude.unwrap_or(0.0).max(0.0),
        }
    }
    top * factor
}
