//! A consumer's own events, and where its conversations resume after a
//! crossing (`effect.rs`).

use crate::engine::Scheduler;
use crate::model::Event;
use crate::model::consumer::Consumer;
use crate::model::effect::Then;
use crate::model::event::ConsumerEvent;
use crate::model::reach::Reach;

impl Consumer {
    pub(crate) fn on_event(
        &mut self,
        ev: ConsumerEvent,
        cx: &mut Reach<'_>,
        sim: &mut Scheduler<Event>,
    ) {
        match ev {
            ConsumerEvent::Step { worker, generation } => {
                self.step(worker.index(), generation, cx, sim)
            }
            ConsumerEvent::Poll { worker } => self.poll(worker.index(), None, cx, sim),
            ConsumerEvent::Scale => self.scale(cx, sim),
            ConsumerEvent::MemberCrash { random } => self.crash_from(0, random, cx, sim),
            ConsumerEvent::Rebalanced => self.on_rebalanced(cx.fetch(), sim),
            ConsumerEvent::AutoCommit => self.on_auto_commit(sim),
            ConsumerEvent::Autoscale => self.autoscale(cx, sim),
            ConsumerEvent::WorkerStarted { worker } => self.worker_started(worker.index(), cx, sim),
            ConsumerEvent::Crash { random } => self.crash(random, cx, sim),
            ConsumerEvent::Relay => self.relay(cx, sim),
            ConsumerEvent::RecordDue { worker } => self.record_due(worker.index(), cx, sim),
            ConsumerEvent::Member(ev) => self.on_member(ev, cx, sim),
        }
    }

    /// Worker `wi`'s conversation goes on after a crossing.
    pub(crate) fn resume(
        &mut self,
        wi: usize,
        then: Then,
        cx: &mut Reach<'_>,
        sim: &mut Scheduler<Event>,
    ) {
        match then {
            Then::NextCall => self.next_call(wi, cx, sim),
            Then::MessageFailed => self.message_failed(wi, true, cx, sim),
            Then::InvocationTimedOut => self.end_invocation(wi, true, cx, sim),
            Then::RecordDone => self.record_done(wi, cx, sim),
            Then::CrashFrom { random } => self.crash_from(wi, random, cx, sim),
        }
    }
}
