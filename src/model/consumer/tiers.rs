//! Delayed-retry tiers (`[consumer.retry_tiers]`), RabbitMQ's pattern of
//! dead-letter exchanges and TTLs: the `k`-th failure of a message moves it
//! out of the work queue into tier `k`'s queue, which nobody consumes; its TTL
//! runs out and it expires back into the work queue (`queue/ttl.rs`), to be
//! tried again 5 s, 30 s, 5 min later. After the last tier it is parked. The
//! worker is free at once: unlike a retry in place, a failing message never
//! holds a worker while it waits, and unlike an immediate dead-letter queue, a
//! message that failed during an outage gets its later tries.

use crate::engine::{Scheduler, SimTime};
use crate::metrics::Latency;
use crate::model::Event;
use crate::model::consumer::{Consumer, Phase};
use crate::model::event::QueueId;
use crate::model::queue::Changed;
use crate::model::reach::Reach;

pub struct RetryTiers {
    pub queues: Vec<QueueId>,
    /// Per-message expirations, one per tier (else each queue's TTL).
    pub delays: Option<Vec<SimTime>>,
    pub parking: QueueId,
    /// The delays are waited in place by the worker holding the message.
    pub blocking: bool,
    pub c: TierCounters,
    /// Publish → parked, for the messages parked.
    pub parked_after: Latency,
}

#[derive(Clone, Debug, Default)]
pub struct TierCounters {
    /// Messages moved into each tier.
    pub moved: Vec<u64>,
    pub parked: u64,
    pub parked_poison: u64,
}

impl RetryTiers {
    pub fn tiers(&self) -> usize {
        self.delays.as_ref().map_or(self.queues.len(), Vec::len)
    }
}

impl Consumer {
    /// A blocking retry: the worker keeps its failed message and processes
    /// it again after tier `k`'s delay. False once the tiers are used up.
    pub(crate) fn retry_in_place(&mut self, wi: usize, sim: &mut Scheduler<Event>) -> bool {
        let t = self.tiers.as_mut().expect("retry tiers");
        let k = self.workers[wi].retries_in_place as usize;
        if !t.blocking || k >= t.tiers() {
            return false;
        }
        if t.c.moved.len() < t.tiers() {
            t.c.moved.resize(t.tiers(), 0);
        }
        t.c.moved[k] += 1;
        let delay = t.delays.as_ref().expect("blocking tiers have delays")[k];
        self.workers[wi].retries_in_place += 1;
        self.schedule_step(wi, Phase::Redo, delay, sim);
        true
    }

    /// A failed message leaves the work queue for its next tier, or for the
    /// parking queue after the last. Returns the work queue's change.
    pub(crate) fn move_to_tier(&mut self, wi: usize, cx: &mut Reach<'_>, now: SimTime) -> Changed {
        let r = self.current(wi);
        let work = self.p.queue.index();
        let in_place = std::mem::take(&mut self.workers[wi].retries_in_place) as usize;
        let Some(changed) = cx.queues[work].hand_off(cx.arena, r, now) else {
            return cx.queues[work].changed();
        };
        let t = self.tiers.as_mut().expect("retry tiers");
        // Failures so far: each one followed a receive here (or a retry in
        // place).
        let k = if t.blocking {
            in_place
        } else {
            cx.arena.get(r.slot).receive_count.saturating_sub(1) as usize
        };
        let target = if k < t.tiers() && !t.queues.is_empty() {
            if t.c.moved.len() < t.tiers() {
                t.c.moved.resize(t.tiers(), 0);
            }
            t.c.moved[k] += 1;
            if let Some(d) = &t.delays {
                // Its own expiry, read by the tier queue (set before it enters).
                cx.arena.get_mut(r.slot).deadline = now.saturating_add(d[k]);
            }
            t.queues[k.min(t.queues.len() - 1)]
        } else {
            let m = cx.arena.get(r.slot);
            t.c.parked += 1;
            t.c.parked_poison += u64::from(m.poison());
            t.parked_after.record_at(now - m.published, now);
            t.parking
        };
        let moved = cx.queues[target.index()].adopt(cx.arena, r.slot, now);
        cx.settle(moved);
        changed
    }
}
