//! A producer's messages: the initial backlog, each arrival published to its
//! queue, topic or push topic, and the next arrival scheduled. A producer with
//! a publish policy goes through its buffer (`publish.rs`).

use crate::engine::Scheduler;
use crate::model::event::{ProducerEvent, ProducerId};
use crate::model::queue::Publish;
use crate::model::{Event, World};

impl World {
    /// The initial backlog: messages already waiting at time 0.
    /// Returns the messages made (steps of work).
    pub fn seed_backlogs(&mut self) -> u64 {
        let mut steps = 0;
        for pi in 0..self.producers.len() {
            if self.producers[pi].p.topic.is_some() {
                for _ in 0..self.producers[pi].p.initial_backlog {
                    self.append_record(pi, 0, None);
                }
                steps += self.producers[pi].p.initial_backlog;
            }
        }
        for p in self
            .producers
            .iter_mut()
            .filter(|p| p.p.topic.is_none() && p.p.push.is_none())
        {
            let q = &mut self.queues[p.p.queue as usize];
            steps += p.p.initial_backlog;
            for _ in 0..p.p.initial_backlog {
                // Stopped, or blocked with a message in hand: the rest of the
                // backlog is never made (a blocked producer counts it).
                if let Some(b) = &mut p.buffer {
                    if b.crashed_at.is_some() {
                        break;
                    }
                    if b.blocked_since.is_some() {
                        b.c.blocked += 1;
                        continue;
                    }
                }
                let m = p.make_message(0, q.id);
                if let Some(b) = &mut p.buffer {
                    let (outcome, changed) = q.try_publish(&mut self.arena, m, 0);
                    changed.before_the_run();
                    match outcome {
                        Ok(_) => p.c.produced += 1,
                        Err(m) => b.refused_new(m, 0),
                    }
                    continue;
                }
                let (outcome, changed) = q.publish(&mut self.arena, m, 0);
                changed.before_the_run();
                match outcome {
                    Publish::Accepted(_) => p.c.produced += 1,
                    Publish::Rejected => p.c.rejected += 1,
                }
            }
        }
        steps
    }

    pub(crate) fn produce(&mut self, pi: usize, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        if self.producers[pi].p.push.is_some() {
            self.publish_push(pi, sim);
            return self.schedule_arrival(pi, sim);
        }
        if self.producers[pi].p.topic.is_some() {
            self.append_record(pi, now, Some(sim));
            return self.schedule_arrival(pi, sim);
        }
        if self.producers[pi].buffer.is_some() {
            self.produce_buffered(pi, sim);
            return;
        }
        let p = &mut self.producers[pi];
        let qi = p.p.queue as usize;
        let m = p.make_message(now, qi as u16);
        let (outcome, changed) = self.queues[qi].publish(&mut self.arena, m, now);
        match outcome {
            Publish::Accepted(_) => p.c.produced += 1,
            Publish::Rejected => p.c.rejected += 1,
        }
        self.schedule_arrival(pi, sim);
        self.after_publish(changed, sim);
    }

    /// The producer's next arrival, if it has one.
    pub(crate) fn schedule_arrival(&mut self, pi: usize, sim: &mut Scheduler<Event>) {
        if let Some(t) = self.producers[pi].next_arrival() {
            sim.at(
                t,
                Event::Producer(ProducerId::of(pi), ProducerEvent::Produce),
            );
        }
    }
}
