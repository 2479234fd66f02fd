//! The cost model: what a run would cost at list prices, tied to what it
//! did — requests made (empty receives included), invocations and their
//! billed duration, instance-hours over the time simulated. One file per
//! priced component; prices from the scenario's `[cost]` (defaults and
//! their sources: docs/cost.md).

mod database;
mod dedupe;
mod kafka;
mod lambda;
mod s3;
mod sns;
mod so_far;
mod sqs;
mod workers;

pub use so_far::so_far;

use crate::run::{
    ConsumerSummary, DatabaseSummary, ProducerSummary, PushSummary, QueueSummary, Summary,
    TopicSummary,
};
use crate::scenario::{CostConfig, PRICES_AS_OF, Scenario};
use serde::{Deserialize, Serialize};

/// Seconds in an hour; a month is 730 hours (AWS's convention).
const HOUR_S: f64 = 3600.0;
const MONTH_H: f64 = 730.0;

/// One priced part of a component.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Item {
    /// The component and the part priced: `orders.requests`.
    pub name: String,
    /// What is priced: sqs, sns, lambda, database, dedupe, kafka, workers.
    pub kind: String,
    /// How much of `unit` the run used.
    pub quantity: f64,
    pub unit: String,
    /// US dollars over the run.
    pub cost: f64,
}

/// A run's cost.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Cost {
    /// The date of the default prices (a `[cost]` key overrides one).
    pub prices_as_of: String,
    /// Hours simulated: what instance-hours are counted over.
    pub hours: f64,
    /// US dollars over the run.
    pub total: f64,
    pub per_hour: f64,
    /// Per million messages produced (None when none was).
    pub per_million_messages: Option<f64>,
    /// Per message processed successfully (None when none was).
    pub per_successful_message: Option<f64>,
    pub items: Vec<Item>,
}

/// What an item adds up to: its quantity and its price per unit.
fn item(name: &str, part: &str, kind: &str, quantity: f64, unit: &str, price: f64) -> Item {
    Item {
        name: format!("{name}.{part}"),
        kind: kind.into(),
        quantity,
        unit: unit.into(),
        cost: quantity * price,
    }
}

/// The components' entries the cost model prices: a run's summary's, or
/// the world's as it is at a sample (`so_far`).
pub(crate) struct Priced<'a> {
    pub blob_stores: &'a [crate::model::blob_store::summary::BlobStoreSummary],
    pub producers: &'a [ProducerSummary],
    pub queues: &'a [QueueSummary],
    pub consumers: &'a [ConsumerSummary],
    pub databases: &'a [DatabaseSummary],
    pub topics: &'a [TopicSummary],
    pub pushes: &'a [PushSummary],
}

impl<'a> Priced<'a> {
    fn of(sum: &'a Summary) -> Priced<'a> {
        Priced {
            blob_stores: &sum.blob_stores,
            producers: &sum.producers,
            queues: &sum.queues,
            consumers: &sum.consumers,
            databases: &sum.databases,
            topics: &sum.topics,
            pushes: &sum.pushes,
        }
    }
}

/// Every priced part of `sum`, over `hours` simulated.
fn items(s: &Scenario, sum: &Priced, hours: f64) -> Vec<Item> {
    let p: &CostConfig = &s.cost;
    let mut items = vec![];
    items.extend(sqs::items(s, sum, p));
    items.extend(sns::items(s, sum, p));
    items.extend(lambda::items(s, sum, p));
    items.extend(database::items(sum, p, hours));
    items.extend(dedupe::items(s, sum, p));
    items.extend(kafka::items(s, sum, p, hours));
    items.extend(workers::items(sum, p, hours));
    items.extend(s3::items(sum));
    items
}

/// The cost of the run `s` summarised as `sum`.
pub fn of(s: &Scenario, sum: &Summary) -> Cost {
    let hours = sum.ended_at_s / HOUR_S;
    let items = items(s, &Priced::of(sum), hours);
    let total: f64 = items.iter().map(|i| i.cost).sum();
    let produced = sum.review.whole.arrivals;
    let good = sum.review.whole.goodput;
    Cost {
        prices_as_of: PRICES_AS_OF.into(),
        hours,
        total,
        per_hour: if hours > 0.0 { total / hours } else { 0.0 },
        per_million_messages: (produced > 0).then(|| total / produced as f64 * 1e6),
        per_successful_message: (good > 0).then(|| total / good as f64),
        items,
    }
}

/// Billing units of a message of `bytes`: each 64 KiB chunk is one request
/// (SQS, SNS).
fn chunks(bytes: u32) -> f64 {
    f64::from(bytes.div_ceil(64 * 1024).max(1))
}

/// The message size of what producers send to `target` (a queue, topic or
/// push topic by name): the largest, or 1 KiB without a producer.
fn size_to(s: &Scenario, sum: &Priced, target: &str) -> u32 {
    sum.producers
        .iter()
        .zip(&s.producers)
        .filter(|(ps, _)| ps.queue == target)
        .map(|(_, p)| p.message.size_bytes)
        .max()
        .unwrap_or(1024)
}
