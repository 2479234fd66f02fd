//! The transactional outbox (`delivery = "outbox"`): a pipeline stage writes
//! its events as rows of an outbox table in the same transaction as its own
//! write, acknowledges its input at once, and a relay publishes the rows to
//! the next stage's queue. A crash can no longer separate the write from its
//! event: either both committed or neither did. What it costs is the relay's
//! lag, reported from each row's commit to its acceptance by the next queue.
//!
//! Two relays, as deployed:
//! - change-data-capture (Debezium's outbox router reading the database's
//!   log): each row is published `relay_lag_s` after its commit, in commit
//!   order (the log is read in order, so a row never overtakes an earlier
//!   one);
//! - a polling publisher: every `relay_interval_s` it selects the rows
//!   present and publishes them, so a row waits for the next poll.
//!
//! A refusal by the next queue stops the relay at that row (order kept): a
//! CDC relay retries after the stage's backoff, a poller at its next poll.
//! The table holds only what is not yet published: memory follows the rows
//! pending, not the rows that went through.

use crate::engine::{Rng, Scheduler, SimTime, from_secs, stream};
use crate::metrics::Latency;
use crate::model::Event;
use crate::model::consumer::Consumer;
use crate::model::dist::{Dist, DistError};
use crate::model::effect::Effect;
use crate::model::event::ConsumerEvent;
use crate::model::message::Message;
use crate::model::producer::Sink;
use crate::model::reach::Reach;
use crate::scenario::{DistSpec, OnwardConfig, RELAY_LAG_S, Relay};
use std::collections::VecDeque;

/// One event waiting in the outbox table.
struct Row {
    committed: SimTime,
    /// When the relay may publish it.
    ready: SimTime,
    key: u32,
    size: u32,
    /// The first publish of its chain (its lineage).
    start: SimTime,
}

enum RelayKind {
    Cdc { lag: Dist, rng: Rng },
    Polling { interval: SimTime },
}

pub struct Outbox {
    rows: VecDeque<Row>,
    relay: RelayKind,
    /// A relay event is pending.
    armed: bool,
    /// A CDC relay's latest ready time: rows leave in commit order.
    last_ready: SimTime,
    attempt: u32,
    backoff_prev: f64,
    /// Commit → accepted by the next queue.
    pub lag: Latency,
    pub c: OutboxCounters,
}

#[derive(Clone, Debug, Default)]
pub struct OutboxCounters {
    /// Rows committed with a write.
    pub written: u64,
    /// Rows the relay published.
    pub published: u64,
    /// Publish attempts the next queue refused (the relay retried).
    pub refusals: u64,
    /// The most rows pending at once.
    pub peak_rows: u64,
}

impl Outbox {
    pub fn new(name: &str, o: &OnwardConfig, seed: u64, rep: u64) -> Result<Outbox, DistError> {
        let relay = match o.relay {
            Relay::Cdc => RelayKind::Cdc {
                lag: Dist::new(
                    o.relay_lag_s
                        .as_ref()
                        .unwrap_or(&DistSpec::constant(RELAY_LAG_S)),
                )?,
                rng: stream(seed, &format!("consumer.{name}.outbox.relay"), rep),
            },
            // At least 1 ns: a poll at every instant would never end.
            Relay::Polling => RelayKind::Polling {
                interval: from_secs(o.relay_interval_s).max(1),
            },
        };
        Ok(Outbox {
            rows: VecDeque::new(),
            relay,
            armed: false,
            last_ready: 0,
            attempt: 0,
            backoff_prev: 0.0,
            lag: Latency::default(),
            c: OutboxCounters::default(),
        })
    }

    /// Rows not yet published.
    pub fn pending(&self) -> u64 {
        self.rows.len() as u64
    }

    pub fn relay_name(&self) -> &'static str {
        match self.relay {
            RelayKind::Cdc { .. } => "cdc",
            RelayKind::Polling { .. } => "polling",
        }
    }

    /// When the relay next looks, for rows pending at `now` (none pending:
    /// `None`).
    fn next_look(&self, now: SimTime) -> Option<SimTime> {
        let front = self.rows.front()?;
        Some(match self.relay {
            RelayKind::Cdc { .. } => front.ready.max(now),
            // The poller's schedule runs whether or not there are rows: the
            // next tick of its clock after now.
            RelayKind::Polling { interval } => (now / interval + 1).saturating_mul(interval),
        })
    }
}

impl Consumer {
    /// `n` rows commit with the write of the worker's message.
    pub(crate) fn commit_rows(
        &mut self,
        n: u32,
        key: u32,
        size: u32,
        start: SimTime,
        sim: &mut Scheduler<Event>,
    ) {
        let now = sim.now();
        let ob = self
            .onward
            .as_mut()
            .and_then(|o| o.outbox.as_mut())
            .expect("an outbox stage");
        for _ in 0..n {
            let ready = match &mut ob.relay {
                RelayKind::Cdc { lag, rng } => {
                    let at = now.saturating_add(from_secs(lag.sample(rng).max(0.0)));
                    ob.last_ready = ob.last_ready.max(at);
                    ob.last_ready
                }
                RelayKind::Polling { .. } => now,
            };
            ob.rows.push_back(Row {
                committed: now,
                ready,
                key,
                size,
                start,
            });
            ob.c.written += 1;
        }
        ob.c.peak_rows = ob.c.peak_rows.max(ob.rows.len() as u64);
        if !ob.armed
            && let Some(at) = ob.next_look(now)
        {
            ob.armed = true;
            sim.at(at, Event::Consumer(self.id, ConsumerEvent::Relay));
        }
    }

    /// The relay looks at the table: it publishes the rows that are ready, in
    /// order, until the next queue refuses one.
    pub(crate) fn relay(&mut self, cx: &mut Reach<'_>, sim: &mut Scheduler<Event>) {
        let now = sim.now();
        let o = self.onward.as_mut().expect("an outbox stage");
        let ob = o.outbox.as_mut().expect("an outbox stage");
        ob.armed = false;
        while let Some(row) = ob.rows.front() {
            if row.ready > now {
                break;
            }
            let mut m = Message::new(now, 0);
            m.key = row.key;
            m.size = row.size;
            m.offset = row.start + 1;
            let Sink::Queue(q) = o.sink else {
                // A push topic or a bus takes it: the router fans it out.
                if o.forward.is_empty() {
                    cx.next.push(Effect::Forward { consumer: self.id });
                }
                o.forward.push(m);
                ob.lag.record_at(now - row.committed, now);
                ob.rows.pop_front();
                ob.c.published += 1;
                o.c.published += 1;
                continue;
            };
            let (outcome, changed) = cx.queues[q.index()].try_publish(cx.arena, m, now);
            if outcome.is_err() {
                changed.refused();
                ob.c.refusals += 1;
                let at = match ob.relay {
                    RelayKind::Cdc { .. } => {
                        let d = o
                            .backoff
                            .delay_s(ob.attempt, ob.backoff_prev, &mut o.backoff_rng);
                        ob.attempt = ob.attempt.saturating_add(1);
                        ob.backoff_prev = d;
                        now.saturating_add(from_secs(d).max(1))
                    }
                    RelayKind::Polling { .. } => ob.next_look(now).expect("a row pending"),
                };
                ob.armed = true;
                sim.at(at, Event::Consumer(self.id, ConsumerEvent::Relay));
                return;
            }
            ob.attempt = 0;
            ob.backoff_prev = 0.0;
            ob.lag.record_at(now - row.committed, now);
            ob.rows.pop_front();
            ob.c.published += 1;
            o.c.published += 1;
            cx.settle(changed);
        }
        if let Some(at) = ob.next_look(now) {
            ob.armed = true;
            sim.at(at, Event::Consumer(self.id, ConsumerEvent::Relay));
        }
    }
}
