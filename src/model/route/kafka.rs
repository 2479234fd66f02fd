//! A Kafka producer client's conversations with its topic: a `send()` into
//! the client, the client's timed steps (a request reaching the broker, a
//! response or a timeout), and the broker's append of a batch, to an
//! unreplicated topic or to a replicated topic's leader (whose refusal,
//! NotEnoughReplicas or an offline partition, fails the request: retried).

use crate::engine::Scheduler;
use crate::model::event::{ProducerEvent, ProducerId};
use crate::model::log::{Record, partition_of};
use crate::model::producer::Sink;
use crate::model::producer::kafka::Action;
use crate::model::{Event, World};

impl World {
    fn kafka_topic(&self, pi: usize) -> usize {
        let Sink::Topic(t) = self.producers[pi].p.sink else {
            unreachable!("a Kafka client on a producer to a topic")
        };
        t.index()
    }

    /// Producer `pi`'s next record goes into its client.
    pub(super) fn kafka_send(&mut self, pi: usize, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let ti = self.kafka_topic(pi);
        let p = &mut self.producers[pi];
        let keyed = p.p.keys > 0;
        let m = p.make_message(now, 0);
        if !self.sink_admits(pi, m.size) {
            return;
        }
        let record = Record::of(&m);
        let topic = &mut self.topics[ti];
        topic.keyed |= keyed;
        let n = topic.partitions.len();
        let k = self.producers[pi].kafka.as_mut().expect("a Kafka client");
        let part = if keyed {
            partition_of(record.key, n) as u32
        } else {
            k.unkeyed_partition(record.size)
        };
        k.send(record, part, now);
        self.kafka_settle(pi, sim);
    }

    /// The client's timed steps due now, then whatever can move.
    pub(super) fn kafka_timer(&mut self, p: ProducerId, sim: &mut Scheduler<Event>) {
        let pi = p.index();
        let now = sim.now();
        let k = self.producers[pi].kafka.as_mut().expect("a Kafka client");
        if k.timer_at != Some(now) {
            return; // superseded by an earlier timer
        }
        k.timer_at = None;
        loop {
            let k = self.producers[pi].kafka.as_mut().expect("a Kafka client");
            let Some(a) = k.pop_due(now) else { break };
            sim.work(1);
            match a {
                Action::Arrive(b) => self.kafka_at_broker(pi, b, sim),
                Action::Done(b) => {
                    let acked = k.done(b, now);
                    self.producers[pi].c.produced += acked;
                }
            }
        }
        self.kafka_settle(pi, sim);
    }

    /// The client drains what it can and arms its timer.
    fn kafka_settle(&mut self, pi: usize, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let k = self.producers[pi].kafka.as_mut().expect("a Kafka client");
        k.drain(now);
        if let Some(t) = k.next_timer()
            && k.timer_at.is_none_or(|a| t < a)
        {
            k.timer_at = Some(t);
            sim.at(
                t.max(now),
                Event::Producer(ProducerId::of(pi), ProducerEvent::Kafka),
            );
        }
    }

    /// Batch `b` of producer `pi` reaches the broker.
    fn kafka_at_broker(&mut self, pi: usize, b: u32, sim: &mut Scheduler<Event>) {
        let ti = self.kafka_topic(pi);
        let k = self.producers[pi].kafka.as_mut().expect("a Kafka client");
        let Some(part) = k.at_broker(b) else { return };
        let records = k.take_records(b);
        let part = part as usize;
        let now = sim.now();
        let held: u64 = self.topics.iter().map(|t| t.held()).sum();
        self.guard_backlog(held, sim);
        let ok = if self.topics[ti].replication.is_some() {
            let acks = self.producers[pi].p.acks;
            let mut out = std::mem::take(&mut self.scratch_records);
            let rep = self.topics[ti].replication.as_mut().expect("replicated");
            // The partition's leader and in-sync set are the same for every
            // record of the batch: all are taken, or none.
            let mut ok = true;
            for r in &records {
                if rep.append(part, *r, acks, now, &mut out).is_err() {
                    ok = false;
                    break;
                }
            }
            self.commit(ti, part, &mut out, sim);
            self.scratch_records = out;
            ok
        } else {
            for r in &records {
                self.append_to_partition(ti, part, *r, now, Some(&mut *sim));
            }
            true
        };
        let k = self.producers[pi].kafka.as_mut().expect("a Kafka client");
        k.appended(b, records, ok);
    }
}
