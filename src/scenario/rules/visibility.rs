//! A visibility timeout shorter than the work: messages reappear while they are
//! still being processed and are processed again (the zombie loop).
//!
//! For a Lambda-like consumer, AWS's guidance for SQS event sources: a
//! visibility timeout of at least six times the function timeout, plus the
//! batching window (the batch's messages are in flight while it gathers). For a
//! worker pool, the same six-fold margin over the mean time one receive takes
//! (its batch processed one message after another), since a pool has no
//! timeout of its own to go by.

use super::*;

pub const ID: &str = "visibility-timeout";

/// AWS: "set the source queue's visibility timeout to at least six times the
/// timeout that you configure on your function", plus the batching window.
const MARGIN: f64 = 6.0;

pub fn check(s: &Scenario) -> Vec<Warning> {
    let mut out = vec![];
    let queues = queue_index(s);
    let costs = costs(s);
    for (i, c) in s.consumers.iter().enumerate() {
        let Some((qi, q)) = polled_queue(s, c, &queues) else {
            continue;
        };
        let vt = q.visibility_timeout_s;
        let who = consumer_name(i, c);
        let (need, formula, why) = match &c.lambda {
            Some(l) => (
                MARGIN * l.function_timeout_s + l.batch_window_s,
                format!(
                    "6 × {} s + {} s",
                    num(l.function_timeout_s),
                    num(l.batch_window_s)
                ),
                format!("AWS's minimum for `{who}`: 6 × function timeout + batch window"),
            ),
            None => {
                let per_receive = c.batch_size() as f64
                    * mean(&c.processing_s)
                    * costs.get(q.name.as_str()).copied().unwrap_or(1.0);
                (
                    MARGIN * per_receive,
                    format!("6 × {} s", num(per_receive)),
                    format!("six times the mean time a receive of `{who}` takes"),
                )
            }
        };
        if vt < need {
            out.push(Warning {
                rule: ID,
                path: root().key("queue").index(qi).key("visibility_timeout_s"),
                message: format!(
                    "visibility timeout {} s < {formula} = {} s ({why}): messages reappear while still being processed and are processed again",
                    num(vt),
                    num(need)
                ),
                fix: format!(
                    "set `visibility_timeout_s = {}` on queue `{}`",
                    num(need.ceil()),
                    q.name
                ),
            });
        }
    }
    out
}

/// For each queue, the largest mean cost multiplier among the producers
/// publishing straight to it (1 when none sets one): the work per message
/// scales with it.
fn costs(s: &Scenario) -> HashMap<&str, f64> {
    let mut costs = HashMap::new();
    for p in &s.producers {
        let queue = match (&p.queue, s.queues.as_slice()) {
            (Some(q), _) => q.as_str(),
            (None, [only]) if p.topic.is_none() && p.push.is_none() => only.name.as_str(),
            _ => continue,
        };
        let c = costs.entry(queue).or_insert(1.0_f64);
        if let Some(d) = &p.message.cost {
            *c = c.max(mean(d));
        }
    }
    costs
}
