//! Message TTL (RabbitMQ's `x-message-ttl`, and a per-message `expiration`
//! for messages a retry tier moves in): a message expires when its time is
//! up **and it is at the head of the line** — RabbitMQ "only expires messages
//! at the head of the queue", so a short-lived message behind a long-lived
//! one waits for it. An expired message moves to `expire_to` (a dead-letter
//! exchange bound to another queue: the way delayed-retry tiers send a
//! message back to its work queue), or, without one, is lost as expired.
//! Moves go through the router (`route/queue.rs`), which hands each to its
//! queue and settles it.

use crate::engine::SimTime;
use crate::model::message::{Arena, State};
use crate::model::queue::Queue;

impl Queue {
    /// When `m` expires here (`None`: never).
    pub(super) fn ttl_expiry(&self, arena: &Arena, slot: u32) -> Option<SimTime> {
        let queue = self.p.ttl.map(|t| arena.entered(slot).saturating_add(t));
        let own = self.p.per_message_ttl.then_some(arena.get(slot).deadline);
        match (queue, own) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The head's expiry, the only one that can come first.
    pub(super) fn ttl_head_expiry(&self, arena: &Arena) -> Option<SimTime> {
        if self.p.ttl.is_none() && !self.p.per_message_ttl {
            return None;
        }
        let head = self.ready.oldest(arena)?;
        self.ttl_expiry(arena, head)
    }

    /// Expires the messages at the head whose time is up: to `ttl_out` for
    /// the router to move, or lost.
    pub(super) fn expire_ttl(&mut self, arena: &mut Arena, now: SimTime) {
        while let Some(t) = self.ttl_head_expiry(arena) {
            if t > now {
                break;
            }
            let slot = self.ready.pop_oldest(arena).expect("a head");
            self.visible_n -= 1;
            self.leave(arena, slot, now);
            if self.p.expire_to.is_some() {
                self.c.ttl_moved += 1;
                self.ttl_out.push(slot);
            } else {
                self.c.expired += 1;
                arena.get_mut(slot).state = State::Expired;
                arena.release_if_done(slot);
            }
        }
    }
}
