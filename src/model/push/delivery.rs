//! The push topic's conversations: a publish fans out at once (a copy into each
//! subscribed queue, a copy to each endpoint); a copy's attempt takes a free
//! worker of the endpoint or is refused; an attempt fails on a refusal, a
//! failed processing or its delivery timeout (the worker keeps working: a late
//! success is a side effect the topic does not know of); a failed attempt is
//! retried by the delivery policy, then dead-lettered or dropped.
//!
//! The fan-out of a publish is the router's (it settles each subscribed queue,
//! `route/push.rs`); a copy's delivery is its endpoint's own: `impl Consumer`
//! below reaches only
//! what it is lent as `Deliveries` (the arena holding the copies, and the
//! queues a subscription dead-letters to).
//!
//! A copy lives in the arena in state `Pushed` while the topic owns it, with
//! `queue` = its endpoint consumer, `offset` = its first attempt's time and
//! `receive_count` = attempts made. Its generation is bumped at each attempt
//! and each failure, so an attempt's timeout, retry or late answer that no
//! longer applies is recognised and ignored.

use crate::engine::Scheduler;
use crate::model::Event;
use crate::model::consumer::{Consumer, WorkerState, release};
use crate::model::event::{MessageId, PushCopyEvent};
use crate::model::message::{Arena, Receipt, State};
use crate::model::queue::Queue;

/// What an endpoint's deliveries reach: the arena that holds the copies, the
/// queues (a subscription's dead-letter queue), and the count of side effects
/// applied twice.
pub(crate) struct Deliveries<'a> {
    pub arena: &'a mut Arena,
    pub queues: &'a mut [Queue],
    pub applied_more_than_once: &'a mut u64,
}

impl Consumer {
    /// An attempt: now, or when the subscription's throttle allows it.
    pub(crate) fn attempt(&mut self, slot: u32, cx: Deliveries<'_>, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let generation = cx.arena.get(slot).generation;
        let ep = self.kind.endpoint_mut().expect("an endpoint");
        if let Some(interval) = ep.interval {
            let at = ep.next_free.max(now);
            ep.next_free = at.saturating_add(interval);
            if at > now {
                ep.c.throttled += 1;
                sim.at(
                    at,
                    Event::PushCopy(MessageId(slot), PushCopyEvent::Deliver { generation }),
                );
                return;
            }
        }
        self.deliver(slot, cx, sim);
    }

    /// The attempt reaches the endpoint: a free worker takes it, or it is refused.
    pub(crate) fn deliver(&mut self, slot: u32, cx: Deliveries<'_>, sim: &mut Scheduler<Event>) {
        let m = cx.arena.get_mut(slot);
        m.receive_count += 1;
        let ep = self.kind.endpoint_mut().expect("an endpoint");
        ep.c.attempts += 1;
        let Some(wi) = ep.idle.pop() else {
            ep.c.rejected += 1;
            return self.attempt_failed(slot, cx, sim);
        };
        ep.outstanding += 1;
        m.generation = m.generation.wrapping_add(1);
        m.holders += 1;
        let generation = m.generation;
        sim.after(
            ep.timeout,
            Event::PushCopy(MessageId(slot), PushCopyEvent::Timeout { generation }),
        );
        let w = &mut self.workers[wi as usize];
        w.batch.clear();
        w.batch.push(Receipt { slot, generation });
        w.pos = 0;
        w.set_state(WorkerState::Busy, &mut self.parked);
        self.occupy();
        self.begin_message(wi as usize, cx.arena, sim);
    }

    /// The attempt's delivery timeout: it is still unanswered, so the topic
    /// counts it failed and retries; the worker carries on regardless.
    pub(crate) fn delivery_timeout(
        &mut self,
        slot: u32,
        cx: Deliveries<'_>,
        sim: &mut Scheduler<Event>,
    ) {
        let ep = self.kind.endpoint_mut().expect("an endpoint");
        ep.c.timed_out += 1;
        ep.outstanding -= 1;
        self.attempt_failed(slot, cx, sim);
    }

    /// An endpoint's worker is done with its delivery: the topic hears the
    /// answer if the attempt has not timed out meanwhile.
    pub(crate) fn finish_delivery(
        &mut self,
        wi: usize,
        ok: bool,
        cx: Deliveries<'_>,
        sim: &mut Scheduler<Event>,
    ) {
        let r = self.current(wi);
        let m = cx.arena.get_mut(r.slot);
        let current = m.generation == r.generation && m.state == State::Pushed;
        self.busy -= 1;
        let w = &mut self.workers[wi];
        w.batch.clear();
        w.set_state(WorkerState::Idle, &mut self.parked);
        let ep = self.kind.endpoint_mut().expect("an endpoint");
        ep.idle.push(wi as u32);
        if !current {
            ep.c.late += 1;
        } else {
            ep.outstanding -= 1;
            if ok {
                ep.c.acked += 1;
                ep.pending -= 1;
                m.state = State::Deleted;
            } else {
                ep.c.failed += 1;
            }
        }
        release(cx.arena, r, cx.applied_more_than_once);
        if current && !ok {
            self.attempt_failed(r.slot, cx, sim);
        }
    }

    /// A failed attempt: the next retry by the policy, or the end of the policy.
    fn attempt_failed(&mut self, slot: u32, cx: Deliveries<'_>, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let first = cx.arena.offset(slot);
        let m = cx.arena.get_mut(slot);
        m.generation = m.generation.wrapping_add(1);
        let (attempts, generation) = (m.receive_count as u64, m.generation);
        let ep = self.kind.endpoint_mut().expect("an endpoint");
        let retry = ep.retry_delay(attempts).filter(|&d| {
            let limit = ep.policy.max_s.map(crate::engine::from_secs);
            limit.is_none_or(|l| now.saturating_add(d) - first <= l)
        });
        match retry {
            Some(d) => {
                ep.c.retries += 1;
                sim.after(
                    d,
                    Event::PushCopy(MessageId(slot), PushCopyEvent::Retry { generation }),
                );
            }
            None => self.exhausted(slot, cx, sim),
        }
    }

    /// The policy ran out: the copy goes to the subscription's dead-letter
    /// queue, or is dropped.
    fn exhausted(&mut self, slot: u32, cx: Deliveries<'_>, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let m = cx.arena.get_mut(slot);
        let ep = self.kind.endpoint_mut().expect("an endpoint");
        ep.pending -= 1;
        match ep.dlq {
            Some(q) => {
                ep.c.dead_lettered += 1;
                m.origin = q.0;
                let dlq = &mut cx.queues[q.index()];
                let changed = dlq.adopt(cx.arena, slot, now);
                dlq.wake(changed, sim);
            }
            None => {
                ep.c.dropped += 1;
                m.state = State::Dropped;
                if let Some(successes) = cx.arena.release_if_done(slot)
                    && successes >= 2
                {
                    *cx.applied_more_than_once += 1;
                }
            }
        }
    }
}
