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
    let queues = queue_index(s);
    // Each queue's polling consumers, in file order.
    let mut polling: Vec<Vec<usize>> = vec![vec![]; s.queues.len()];
    for (i, c) in s.consumers.iter().enumerate() {
        if let Some((qi, _)) = polled_queue(s, c, &queues) {
            polling[qi].push(i);
        }
    }
    let published = Published::new(s);
    for (qi, q) in s.queues.iter().enumerate() {
        let mut held = 0.0;
        let mut terms = vec![];
        for &i in &polling[qi] {
            let c = &s.consumers[i];
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
        let published = published.bound(&q.name);
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

/// Upper bounds on the messages published to each queue over the run: the
/// initial backlogs plus the peak rate of each producer (directly, or through a
/// push topic subscribed by the queue) over its active time. Summed per queue
/// and per push topic, then per queue over the topics subscribed to it.
struct Published<'a> {
    by_queue: HashMap<&'a str, f64>,
}

impl<'a> Published<'a> {
    fn new(s: &'a Scenario) -> Self {
        let h = s.run.horizon_s;
        let mut by_queue: HashMap<&str, f64> = HashMap::new();
        let mut by_push: HashMap<&str, f64> = HashMap::new();
        for p in &s.producers {
            let active = (p.stop_s.unwrap_or(h).min(h) - p.start_s).max(0.0);
            let n = p.initial_backlog as f64 + peak_rate(p.rate, &p.profile) * active;
            let (map, name) = match (&p.queue, &p.push, s.queues.as_slice()) {
                (Some(q), _, _) => (&mut by_queue, q.as_str()),
                (None, Some(t), _) => (&mut by_push, t.as_str()),
                (None, None, [only]) if p.topic.is_none() => (&mut by_queue, only.name.as_str()),
                _ => continue,
            };
            *map.entry(name).or_default() += n;
        }
        for t in &s.pushes {
            let Some(&n) = by_push.get(t.name.as_str()) else {
                continue;
            };
            let mut subscribed: Vec<&str> = t.queues.iter().map(String::as_str).collect();
            subscribed.sort_unstable();
            subscribed.dedup();
            for q in subscribed {
                *by_queue.entry(q).or_default() += n;
            }
        }
        Published { by_queue }
    }

    fn bound(&self, queue: &str) -> f64 {
        self.by_queue.get(queue).copied().unwrap_or(0.0)
    }
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
