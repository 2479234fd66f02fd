//! A RabbitMQ-like broker node (`[[broker]]`) holding some queues, with a
//! memory high watermark: while the bytes of the messages its queues hold are
//! at or above `high_watermark × memory`, the node blocks every publisher on
//! it (`connection.blocked`); it unblocks them as soon as usage falls back
//! below. (RabbitMQ's memory monitor reads usage every few seconds and its
//! credit flow slows publishers in between; here the check is exact, at each
//! publish, so usage never passes the watermark by more than one message.)
//!
//! A blocked queue refuses publishes: a producer with a `[producer.publish]`
//! policy waits in its buffer and retries, as a blocked client does; one
//! without loses the message; a pipeline stage retries while holding its
//! worker. The node's memory is shared by its queues (`NodeMemory`): each
//! queue adds what enters it and takes away what leaves.

use crate::engine::SimTime;
use crate::model::World;
use crate::model::event::QueueId;
use serde::{Deserialize, Serialize};
use std::cell::Cell;
use std::rc::Rc;

/// A node's memory, shared by the queues on it.
#[derive(Debug, Default)]
pub struct NodeMemory {
    bytes: Cell<u64>,
    /// The watermark, in bytes.
    pub limit: u64,
    peak: Cell<u64>,
    blocked: Cell<bool>,
    blocks: Cell<u64>,
    blocked_since: Cell<SimTime>,
    blocked_ns: Cell<SimTime>,
}

impl NodeMemory {
    pub fn new(limit: u64) -> NodeMemory {
        NodeMemory {
            limit,
            ..NodeMemory::default()
        }
    }

    /// A message of `n` bytes enters one of its queues.
    #[inline]
    pub fn add(&self, n: u64, now: SimTime) {
        let b = self.bytes.get() + n;
        self.bytes.set(b);
        self.peak.set(self.peak.get().max(b));
        if b >= self.limit && !self.blocked.get() {
            self.blocked.set(true);
            self.blocks.set(self.blocks.get() + 1);
            self.blocked_since.set(now);
        }
    }

    /// A message of `n` bytes leaves one of its queues.
    #[inline]
    pub fn sub(&self, n: u64, now: SimTime) {
        let b = self.bytes.get() - n;
        self.bytes.set(b);
        if b < self.limit && self.blocked.get() {
            self.blocked.set(false);
            self.blocked_ns
                .set(self.blocked_ns.get() + (now - self.blocked_since.get()));
        }
    }

    /// The node blocks its publishers.
    #[inline]
    pub fn blocked(&self) -> bool {
        self.blocked.get()
    }

    /// Time blocked up to `now`, a block still running included.
    pub fn blocked_ns(&self, now: SimTime) -> SimTime {
        self.blocked_ns.get()
            + if self.blocked.get() {
                now - self.blocked_since.get()
            } else {
                0
            }
    }
}

pub struct Broker {
    pub name: String,
    pub queues: Vec<QueueId>,
    pub memory: Rc<NodeMemory>,
}

/// A broker's entry in summary.json.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BrokerSummary {
    pub name: String,
    pub queues: Vec<String>,
    /// The high watermark, in bytes.
    pub limit_bytes: u64,
    /// The most bytes its queues held at once.
    pub peak_bytes: u64,
    /// Times it started blocking publishers.
    pub blocks: u64,
    pub blocked_s: f64,
    /// Publishes its queues refused while blocked.
    pub refused_publishes: u64,
}

impl Broker {
    pub fn summary(&self, w: &World, end: SimTime) -> BrokerSummary {
        BrokerSummary {
            name: self.name.clone(),
            queues: self
                .queues
                .iter()
                .map(|q| w.queues[q.index()].p.name.clone())
                .collect(),
            limit_bytes: self.memory.limit,
            peak_bytes: self.memory.peak.get(),
            blocks: self.memory.blocks.get(),
            blocked_s: self.memory.blocked_ns(end) as f64 / 1e9,
            refused_publishes: self
                .queues
                .iter()
                .map(|q| w.queues[q.index()].c.refused_blocked)
                .sum(),
        }
    }
}
