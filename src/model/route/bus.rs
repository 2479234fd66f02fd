//! An event bus's conversations: a publish is matched against every rule and
//! a copy goes to each target of each rule that matched — into a queue
//! (settled before the next), or published to a push topic (fanned out at
//! once) — and a refused copy's retry, dead-letter or drop.

use crate::engine::{Scheduler, SimTime, from_secs};
use crate::model::bus::{Pending, Target};
use crate::model::event::{BusEvent, BusId};
use crate::model::message::Message;
use crate::model::{Event, World};

impl World {
    /// An event published to bus `bi` (by a producer or a pipeline stage).
    pub(crate) fn publish_bus(&mut self, bi: usize, m: Message, sim: &mut Scheduler<Event>) {
        let bus = &mut self.buses[bi];
        bus.published += 1;
        let event_type = bus.draw_type();
        let mut matched = false;
        for ri in 0..self.buses[bi].rules.len() {
            let rule = &mut self.buses[bi].rules[ri];
            if !rule.matches(event_type, m.key) {
                continue;
            }
            matched = true;
            rule.c.matched += 1;
            for ti in 0..rule.targets.len() {
                self.buses[bi].rules[ri].c.copies += 1;
                let copy = Pending {
                    m: m.clone(),
                    rule: ri as u16,
                    target: ti as u16,
                    retries: 0,
                    backoff_prev: 0.0,
                };
                self.bus_deliver(bi, copy, sim);
            }
        }
        if !matched {
            self.buses[bi].unmatched += 1;
        }
        self.guard_backlog(0, sim);
    }

    /// A copy's attempt at its target: accepted, or retried later, or (its
    /// policy spent) dead-lettered or dropped.
    fn bus_deliver(&mut self, bi: usize, copy: Pending, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let (ri, ti) = (copy.rule as usize, copy.target as usize);
        let target = self.buses[bi].rules[ri].targets[ti];
        let q = match target {
            Target::Push(t) => {
                let rule = &mut self.buses[bi].rules[ri];
                rule.c.delivered += 1;
                rule.delivered_to[ti] += 1;
                return self.fan_out_push(t.index(), copy.m, sim);
            }
            Target::Queue(q) => q.index(),
        };
        let (outcome, changed) = self.queues[q].try_publish(&mut self.arena, copy.m, now);
        let m = match outcome {
            Ok(_) => {
                let rule = &mut self.buses[bi].rules[ri];
                rule.c.delivered += 1;
                rule.delivered_to[ti] += 1;
                return self.settle(changed.queue(), sim);
            }
            Err(m) => m,
        };
        changed.refused();
        let rule = &mut self.buses[bi].rules[ri];
        rule.c.refusals += 1;
        if copy.retries < rule.max_retry_attempts {
            let d = rule
                .backoff
                .delay_s(copy.retries, copy.backoff_prev, &mut rule.backoff_rng);
            let at = now.saturating_add(from_secs(d).max(1));
            // The event's age counts from its publish to the bus.
            if at - m.published.min(at) <= rule.max_event_age {
                rule.c.retries += 1;
                let entry = self.buses[bi].hold(Pending {
                    m,
                    retries: copy.retries + 1,
                    backoff_prev: d,
                    ..copy
                });
                sim.at(at, Event::Bus(BusId::of(bi), BusEvent::Retry { entry }));
                return;
            }
        }
        self.bus_give_up(bi, ri, m, now, sim);
    }

    /// A copy whose policy is spent: into the rule's dead-letter queue, or
    /// dropped.
    fn bus_give_up(
        &mut self,
        bi: usize,
        ri: usize,
        m: Message,
        now: SimTime,
        sim: &mut Scheduler<Event>,
    ) {
        let Some(dlq) = self.buses[bi].rules[ri].dlq else {
            self.buses[bi].rules[ri].c.dropped += 1;
            return;
        };
        let (outcome, changed) = self.queues[dlq.index()].try_publish(&mut self.arena, m, now);
        let rule = &mut self.buses[bi].rules[ri];
        if outcome.is_ok() {
            rule.c.dead_lettered += 1;
            self.settle(changed.queue(), sim);
        } else {
            changed.refused();
            rule.c.dropped += 1;
        }
    }

    /// A refused copy's retry is due.
    pub(super) fn bus_retry(&mut self, bus: BusId, entry: u32, sim: &mut Scheduler<Event>) {
        let copy = self.buses[bus.index()].take(entry);
        self.bus_deliver(bus.index(), copy, sim);
    }
}
