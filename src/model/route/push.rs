//! A push topic's conversations: a publish fans out at once (a copy into each
//! subscribed queue, settled before the next; a copy to each endpoint), and a
//! copy's events go to its endpoint while the copy still waits for it.

use crate::engine::Scheduler;
use crate::model::event::{MessageId, PushCopyEvent};
use crate::model::message::{Message, State};
use crate::model::producer::Sink;
use crate::model::push::Deliveries;
use crate::model::queue::Publish;
use crate::model::{Event, World};

impl World {
    /// A producer's publish to its push topic.
    pub(super) fn publish_push(&mut self, pi: usize, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let p = &mut self.producers[pi];
        let Sink::Push(ti) = p.p.sink else {
            unreachable!("a push from a producer to a queue or topic")
        };
        let m = p.make_message(now, 0);
        if !self.sink_admits(pi, m.size) {
            return;
        }
        self.producers[pi].c.produced += 1;
        self.fan_out_push(ti.index(), m, sim);
    }

    /// A publish to push topic `ti` (by a producer, a bus rule or a pipeline
    /// stage): a copy into each subscribed queue, settled before the next,
    /// then a copy to each endpoint.
    pub(crate) fn fan_out_push(&mut self, ti: usize, m: Message, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        self.pushes[ti].published += 1;
        for j in 0..self.pushes[ti].queues.len() {
            let qi = self.pushes[ti].queues[j].index();
            let t = &mut self.pushes[ti];
            t.queue_copies += 1;
            let (outcome, changed) = self.queues[qi].publish(&mut self.arena, m.clone(), now);
            if let Publish::Rejected = outcome {
                t.queue_rejected[j] += 1;
            }
            self.settle(changed.queue(), sim);
        }
        for j in 0..self.pushes[ti].endpoints.len() {
            let ci = self.pushes[ti].endpoints[j];
            let mut copy = m.clone();
            // A pushed copy names its endpoint in `queue`.
            (copy.state, copy.queue, copy.offset) = (State::Pushed, ci.0, now);
            let slot = self.arena.insert(copy);
            self.endpoint_copies += 1;
            let ep = self.consumers[ci.index()]
                .kind
                .endpoint_mut()
                .expect("an endpoint");
            ep.c.copies += 1;
            ep.pending += 1;
            let cx = Deliveries {
                arena: &mut self.arena,
                queues: &mut self.queues,
                applied_more_than_once: &mut self.applied_more_than_once,
            };
            self.consumers[ci.index()].attempt(slot, cx, sim);
        }
        self.guard_backlog(0, sim);
    }

    /// Routes a copy's event to its endpoint, if the copy still waits for it.
    pub(super) fn push_copy(
        &mut self,
        copy: MessageId,
        ev: PushCopyEvent,
        sim: &mut Scheduler<Event>,
    ) {
        let generation = match ev {
            PushCopyEvent::Retry { generation }
            | PushCopyEvent::Deliver { generation }
            | PushCopyEvent::Timeout { generation } => generation,
        };
        let m = self.arena.get(copy.0);
        if m.generation != generation || m.state != State::Pushed {
            return;
        }
        // A pushed copy names its endpoint in `queue`.
        let ci = m.queue as usize;
        let cx = Deliveries {
            arena: &mut self.arena,
            queues: &mut self.queues,
            applied_more_than_once: &mut self.applied_more_than_once,
        };
        let endpoint = &mut self.consumers[ci];
        match ev {
            PushCopyEvent::Retry { .. } => endpoint.attempt(copy.0, cx, sim),
            PushCopyEvent::Deliver { .. } => endpoint.deliver(copy.0, cx, sim),
            PushCopyEvent::Timeout { .. } => endpoint.delivery_timeout(copy.0, cx, sim),
        }
    }
}
