//! What a consumer's handler is lent for one conversation: the arena, the
//! queues (its own, and the dead-letter queue it passes messages on to), the
//! topics it reads, the APIs and databases it calls (their own bookkeeping
//! only: a call that can reach other callers is an `Effect`), the registry of
//! jobs clients wait for, the account's
//! concurrency for a Lambda-like consumer, and the steps it names for the
//! router (`next`). Never the other consumers.

use crate::engine::Scheduler;
use crate::model::Event;
use crate::model::blob_store::BlobStore;
use crate::model::client::jobs::Jobs;
use crate::model::downstream::api::Api;
use crate::model::downstream::database::Database;
use crate::model::effect::{Effect, Effects};
use crate::model::log::{Fetch, Topic};
use crate::model::message::{Arena, Receipt};
use crate::model::push::Deliveries;
use crate::model::queue::{Changed, Queue, dead_letter};

pub(crate) struct Reach<'a> {
    pub arena: &'a mut Arena,
    pub queues: &'a mut [Queue],
    pub topics: &'a [Topic],
    /// Record copies made in the arena for group members.
    pub record_copies: &'a mut u64,
    pub apis: &'a mut [Api],
    pub databases: &'a mut [Database],
    /// Invocations running across Lambda-like consumers, and their limit.
    pub account_running: &'a mut u32,
    pub account_limit: u32,
    /// Messages whose side effect was applied two times or more.
    pub applied_more_than_once: &'a mut u64,
    /// What the last receive set aside for the dead-letter queue.
    pub set_aside: &'a mut Vec<u32>,
    /// The jobs clients submitted to queues, whose completion they wait for.
    pub jobs: &'a mut Jobs,
    /// The blob stores, for claim-check payloads.
    pub blobs: &'a mut [BlobStore],
    pub next: &'a mut Effects,
}

impl Reach<'_> {
    /// The change is the queue's to settle, after this handler: parked
    /// receivers get what became visible, and its timer is re-armed.
    #[inline]
    pub(crate) fn settle(&mut self, changed: Changed) {
        self.next.push(Effect::Settle(changed.id()));
    }

    /// A change that only took messages out (a receive): nothing new to hand
    /// over, only the timer to re-arm, now.
    #[inline]
    pub(crate) fn rearm(&mut self, changed: Changed, sim: &mut Scheduler<Event>) {
        self.queues[changed.queue()].arm(self.arena, sim);
    }

    /// Moves what the last receive from queue `qi` set aside to its DLQ.
    #[inline]
    pub(crate) fn dead_letter(&mut self, qi: usize, sim: &mut Scheduler<Event>) {
        dead_letter(self.queues, qi, self.arena, self.set_aside, sim);
    }

    /// The consumer lets go of a message; its slot is freed if it is done.
    #[inline]
    pub(crate) fn release(&mut self, r: Receipt) {
        crate::model::consumer::release(self.arena, r, self.applied_more_than_once);
    }

    /// The loan of a member's fetch.
    pub(crate) fn fetch(&mut self) -> Fetch<'_> {
        Fetch {
            topics: self.topics,
            arena: self.arena,
            record_copies: self.record_copies,
        }
    }

    /// The loan of an endpoint's deliveries.
    pub(crate) fn deliveries(&mut self) -> Deliveries<'_> {
        Deliveries {
            arena: self.arena,
            queues: self.queues,
            applied_more_than_once: self.applied_more_than_once,
        }
    }
}
