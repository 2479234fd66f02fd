//! The cost so far, for the time series' `cost_usd` column: the run's cost
//! model (the same items, the same prices) applied to the world as it is at a
//! sample, over the hours simulated up to it. Its last value is the summary's
//! `cost.total` when the last sample is at the run's end; its slope is the
//! rate of spending, which shows what an incident costs while it lasts.

use super::{HOUR_S, Priced, items};
use crate::engine::{SimTime, to_secs};
use crate::model::World;
use crate::model::summarise::{Links, entries};
use crate::scenario::Scenario;

/// US dollars spent from the start of the run `s` up to `now`.
pub fn so_far(s: &Scenario, w: &World, now: SimTime) -> f64 {
    let at = to_secs(now);
    let r = Links::new(w, now, (at - s.run.warmup_s).max(1e-9));
    let (producers, queues, consumers) = (
        entries(&w.producers, &r),
        entries(&w.queues, &r),
        entries(&w.consumers, &r),
    );
    let (databases, topics, pushes) = (
        entries(&w.databases, &r),
        entries(&w.topics, &r),
        entries(&w.pushes, &r),
    );
    let blob_stores = entries(&w.blob_stores, &r);
    let parts = Priced {
        blob_stores: &blob_stores,
        producers: &producers,
        queues: &queues,
        consumers: &consumers,
        databases: &databases,
        topics: &topics,
        pushes: &pushes,
    };
    items(s, &parts, at / HOUR_S).iter().map(|i| i.cost).sum()
}
