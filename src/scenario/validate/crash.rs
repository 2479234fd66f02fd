//! A consumer's crashes (`crash_at_s`, `crashes_per_hour`): a prefetch
//! pool's channel or a worker pool's process. A managed poller, an endpoint
//! and a group member crash otherwise (a group's are `[consumer.group]`).
//! A worker in a downstream call would leave its connection or its place in
//! a pool's line behind: refused with `calls` (not modelled).

use super::{Checker, KeyPath};
use crate::scenario::ConsumerConfig;

pub(super) fn check(c: &mut Checker, p: &KeyPath, co: &ConsumerConfig) {
    if co.crash_at_s.is_empty() && co.crashes_per_hour == 0.0 {
        return;
    }
    let k = if co.crash_at_s.is_empty() {
        p.key("crashes_per_hour")
    } else {
        p.key("crash_at_s")
    };
    if co.topic.is_some() {
        c.fail(
            k.clone(),
            "crashes on a group member here",
            "`[consumer.group] crash_at_s` or `crashes_per_hour`",
        );
    } else if co.push.is_some() || co.lambda.is_some() {
        c.fail(
            k.clone(),
            "crashes of a push endpoint or a managed poller are not modelled",
            "a worker pool on a queue (`workers = N`, with or without `prefetch`)",
        );
    }
    if !co.calls.is_empty() {
        c.fail(
            k.clone(),
            "crashes of a consumer with `calls` are not modelled",
            "leave `calls` or the crashes out",
        );
    }
    for (i, &t) in co.crash_at_s.iter().enumerate() {
        c.range(p.key("crash_at_s").index(i), t, 0.0, 1e12, "seconds ≥ 0");
    }
    c.range(
        p.key("crashes_per_hour"),
        co.crashes_per_hour,
        0.0,
        3.6e6,
        "crashes per hour ≥ 0 (at most one a millisecond)",
    );
}
