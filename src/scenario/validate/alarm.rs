//! `[[alarm]]` tables: a metric of a component that exists and owns it, a
//! period CloudWatch could evaluate, and "M of N" that can be met.

use super::names::Names;
use super::{Checker, consumer_name, names_unique};
use crate::scenario::diagnostics::KeyPath;
use crate::scenario::{AlarmConfig, MetricOwner, STANDARD_RESOLUTION_S, Scenario};
use std::collections::HashMap;

/// At most this many evaluation periods (CloudWatch allows ten times fewer).
const MAX_EVALUATION_PERIODS: u32 = 1000;

pub(super) fn check(c: &mut Checker, s: &Scenario) {
    let root = KeyPath::root();
    if s.alarms.is_empty() {
        return;
    }
    let queues = Names::new(s.queues.iter().map(|q| q.name.clone()));
    let consumers = Names::new(
        s.consumers
            .iter()
            .enumerate()
            .map(|(i, co)| consumer_name(i, co)),
    );
    let index: HashMap<&str, usize> = consumers
        .list
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let mut names = vec![];
    for (i, a) in s.alarms.iter().enumerate() {
        let p = root.key("alarm").index(i);
        names.push((p.key("name"), a.name.clone()));
        alarm(c, &p, a, s, &queues, &consumers, &index);
    }
    names_unique(c, "alarm", &names);
}

fn alarm(
    c: &mut Checker,
    p: &KeyPath,
    a: &AlarmConfig,
    s: &Scenario,
    queues: &Names,
    consumers: &Names,
    index: &HashMap<&str, usize>,
) {
    let owner = a.metric.owner();
    match owner {
        MetricOwner::Queue => {
            c.queue_ref(p.key("queue"), a.queue.as_deref(), queues);
            if a.consumer.is_some() {
                c.fail(
                    p.key("consumer"),
                    format!("{:?} is a queue's metric", a.metric),
                    "`queue = \"...\"` for a queue metric",
                );
            }
        }
        MetricOwner::Consumer | MetricOwner::Group => {
            if a.queue.is_some() {
                c.fail(
                    p.key("queue"),
                    format!("{:?} is a consumer's metric", a.metric),
                    "`consumer = \"...\"` for a consumer metric",
                );
            }
            match &a.consumer {
                None => c.fail(
                    p.clone(),
                    format!("which consumer's {:?}?", a.metric),
                    format!("`consumer = \"...\"`, one of: {}", consumers.listed()),
                ),
                Some(name) => {
                    if c.reference(p.key("consumer"), "consumer", name, consumers) {
                        let i = index.get(name.as_str()).copied().unwrap_or(0);
                        kind_fits(c, p, a, &s.consumers[i], name);
                    }
                }
            }
        }
    }
    period(c, p, a.period_s);
    if !a.threshold.is_finite() {
        c.fail(
            p.key("threshold"),
            format!("{} is not a number an alarm can compare with", a.threshold),
            "a finite number",
        );
    }
    if !(1..=MAX_EVALUATION_PERIODS).contains(&a.evaluation_periods) {
        c.fail(
            p.key("evaluation_periods"),
            format!("{} evaluation periods", a.evaluation_periods),
            format!("a whole number in 1..={MAX_EVALUATION_PERIODS}"),
        );
    }
    if let Some(m) = a.datapoints_to_alarm
        && !(1..=a.evaluation_periods).contains(&m)
    {
        c.fail(
            p.key("datapoints_to_alarm"),
            format!("{m} of {} periods can never breach", a.evaluation_periods),
            format!("a whole number in 1..={}", a.evaluation_periods),
        );
    }
}

/// A consumer metric on the kind of consumer that has it.
fn kind_fits(
    c: &mut Checker,
    p: &KeyPath,
    a: &AlarmConfig,
    co: &crate::scenario::ConsumerConfig,
    name: &str,
) {
    let group = co.topic.is_some();
    if a.metric.owner() == MetricOwner::Group && !group {
        c.fail(
            p.key("consumer"),
            format!("`{name}` reads no topic, so it has no {:?}", a.metric),
            "a consumer with `topic = \"...\"`",
        );
    }
    if a.metric.needs_poller() && co.lambda.is_none() {
        c.fail(
            p.key("consumer"),
            format!("`{name}` is not throttled by a concurrency limit (no `lambda` table)"),
            "a consumer with a `lambda` table, or the metric Errors",
        );
    }
}

/// One datapoint a period (10 s, 30 s: high resolution), or a whole number of
/// minutes at the standard resolution.
fn period(c: &mut Checker, p: &KeyPath, period_s: f64) {
    let ok = (1.0..=1e9).contains(&period_s)
        && (period_s <= STANDARD_RESOLUTION_S || period_s % STANDARD_RESOLUTION_S == 0.0);
    if !ok {
        let minutes = (period_s / STANDARD_RESOLUTION_S).round().max(1.0);
        c.fail(
            p.key("period_s"),
            format!("a period of {period_s} s"),
            format!(
                "seconds in 1..=60, or whole minutes (`period_s = {}`)",
                minutes * STANDARD_RESOLUTION_S
            ),
        );
    }
}
