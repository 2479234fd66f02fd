//! A consumer group whose full batch takes longer than the poll interval:
//! Kafka expels a member that does not poll again within
//! `max.poll.interval.ms` (300 s by default), its partitions move, the batch's
//! work is done again, and if every full batch is that slow the group
//! rebalances without end (`rebalance-storm`). The mean time of a full batch
//! (`batch_size`, Kafka's `max.poll.records`, times the mean processing time)
//! is a lower bound: downstream calls and retries only add to it.

use super::*;

pub const ID: &str = "poll-interval";

/// Kafka's max.poll.interval.ms, for a group without a membership table.
const KAFKA_MAX_POLL_INTERVAL_S: f64 = 300.0;

pub fn check(s: &Scenario) -> Vec<Warning> {
    let mut out = vec![];
    for (i, c) in s.consumers.iter().enumerate() {
        if c.topic.is_none() {
            continue;
        }
        let membership = c.group.as_ref().and_then(|g| g.membership.as_ref());
        let interval = membership.map_or(KAFKA_MAX_POLL_INTERVAL_S, |m| m.max_poll_interval_s);
        let per_record = mean(&c.processing_s);
        let batch = c.batch_size();
        let full = f64::from(batch) * per_record;
        if !(full >= interval && per_record > 0.0) {
            continue;
        }
        let who = consumer_name(i, c);
        let modelled = if membership.is_some() {
            String::new()
        } else {
            " (flowsim expels members only with `[consumer.group.membership]`)".to_string()
        };
        // Half the interval: a margin for the spread of batch times.
        let fits = ((0.5 * interval / per_record).floor() as u64).max(1);
        out.push(Warning {
            rule: ID,
            path: root().key("consumer").index(i).key("batch_size"),
            message: format!(
                "a full batch of `{who}` takes {} s ({batch} × {} s), not less than max.poll.interval.ms ({} s): Kafka expels the member in every full batch, its work is done again and the group rebalances without end{modelled}",
                num(full),
                num(per_record),
                num(interval)
            ),
            fix: format!(
                "set `batch_size = {fits}` (max.poll.records) on consumer `{who}`, or `max_poll_interval_s` above {} s in its `[consumer.group.membership]`",
                num(full.ceil())
            ),
        });
    }
    out
}
