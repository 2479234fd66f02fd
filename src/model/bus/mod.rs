//! An event bus (EventBridge-like): each event published to it draws its
//! type, then every rule whose filter matches (types, a range of keys) sends
//! a copy to each of its targets. A queue target that refuses (full, or its
//! broker blocked) is retried by the rule's policy — exponential backoff with
//! jitter, until `max_retry_attempts` or `max_event_age_s` — and then the
//! copy is dead-lettered to the rule's queue, or dropped. A push-topic target
//! always accepts: its subscriptions deliver on by their own policies. An
//! event no rule matches is discarded (counted), as EventBridge does.
//!
//! The conversations that reach queues and push topics are the router's
//! (`route/bus.rs`); the bus owns its rules, its draws and the copies waiting
//! for a retry (a slab: memory follows the copies in flight).

mod ledger;
mod observe;
pub mod summary;

use crate::engine::{Rng, SimTime, from_secs, stream};
use crate::model::event::{PushId, QueueId};
use crate::model::message::Message;
use crate::model::retry::Backoff;
use crate::model::size_gate::SizeGate;
use crate::scenario::{BusConfig, RuleConfig};
use rand::RngExt;

/// Where a rule sends its copies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Queue(QueueId),
    Push(PushId),
}

/// Cumulative counters of one rule; the time series takes differences.
#[derive(Clone, Debug, Default)]
pub struct RuleCounters {
    /// Events the filter matched.
    pub matched: u64,
    /// Copies made: one per matched event and target.
    pub copies: u64,
    /// Copies a target accepted (first attempt or a retry).
    pub delivered: u64,
    /// Attempts a queue target refused.
    pub refusals: u64,
    pub retries: u64,
    /// Copies whose retries ran out, put in the rule's dead-letter queue.
    pub dead_lettered: u64,
    /// Copies whose retries ran out with no dead-letter queue (or one that
    /// refused them too): lost.
    pub dropped: u64,
}

pub struct Rule {
    pub name: String,
    /// Event types matched, one bit per type of the bus (0: any).
    types: u64,
    keys: Option<(u32, u32)>,
    pub targets: Vec<Target>,
    /// Copies each target accepted.
    pub delivered_to: Vec<u64>,
    pub max_retry_attempts: u32,
    pub max_event_age: SimTime,
    pub backoff: Backoff,
    pub(crate) backoff_rng: Rng,
    pub dlq: Option<QueueId>,
    /// Copies waiting for a retry.
    pub pending: u64,
    pub c: RuleCounters,
}

impl Rule {
    pub(crate) fn matches(&self, event_type: Option<usize>, key: u32) -> bool {
        let typed = self.types == 0 || event_type.is_some_and(|t| self.types >> t & 1 == 1);
        typed && self.keys.is_none_or(|(lo, hi)| (lo..=hi).contains(&key))
    }
}

/// A copy waiting for its retry.
pub(crate) struct Pending {
    pub m: Message,
    pub rule: u16,
    pub target: u16,
    /// Retries made so far.
    pub retries: u32,
    pub backoff_prev: f64,
}

pub struct Bus {
    pub name: String,
    pub type_names: Vec<String>,
    /// Cumulative shares of the event types.
    type_cdf: Vec<f64>,
    types_rng: Rng,
    pub rules: Vec<Rule>,
    pub published: u64,
    /// Events no rule matched: discarded.
    pub unmatched: u64,
    /// Publishes, and copies delivered, when statistics were last reset
    /// (end of warm-up).
    pub published_mark: u64,
    pub delivered_mark: u64,
    waiting: Vec<Option<Pending>>,
    free: Vec<u32>,
    /// `max_message_bytes` (EventBridge's event size limit).
    pub size_gate: crate::model::size_gate::SizeGate,
}

impl Bus {
    /// `resolve` names a rule's target queue or push topic.
    pub fn new(
        b: &BusConfig,
        mut queue: impl FnMut(&str) -> Option<QueueId>,
        mut push: impl FnMut(&str) -> Option<PushId>,
        seed: u64,
        rep: u64,
    ) -> Result<Bus, String> {
        let type_names: Vec<String> = b.event_types.keys().cloned().collect();
        let mut acc = 0.0;
        let type_cdf = b
            .event_types
            .values()
            .map(|s| {
                acc += s;
                acc
            })
            .collect();
        let rules = b
            .rules
            .iter()
            .map(|r| rule(&b.name, r, &type_names, &mut queue, &mut push, seed, rep))
            .collect::<Result<_, String>>()?;
        Ok(Bus {
            name: b.name.clone(),
            type_names,
            type_cdf,
            types_rng: stream(seed, &format!("bus.{}.types", b.name), rep),
            rules,
            published: 0,
            unmatched: 0,
            published_mark: 0,
            delivered_mark: 0,
            waiting: vec![],
            free: vec![],
            size_gate: SizeGate::new(b.max_message_bytes.as_ref().and_then(|l| l.bytes())),
        })
    }

    /// The next event's type (None: the bus has no types).
    pub(crate) fn draw_type(&mut self) -> Option<usize> {
        if self.type_cdf.is_empty() {
            return None;
        }
        let u: f64 = self.types_rng.random();
        let last = self.type_cdf.len() - 1;
        Some(self.type_cdf.iter().position(|&c| u < c).unwrap_or(last))
    }

    /// Keeps a copy until its retry; returns its entry.
    pub(crate) fn hold(&mut self, p: Pending) -> u32 {
        self.rules[p.rule as usize].pending += 1;
        match self.free.pop() {
            Some(e) => {
                self.waiting[e as usize] = Some(p);
                e
            }
            None => {
                self.waiting.push(Some(p));
                (self.waiting.len() - 1) as u32
            }
        }
    }

    /// The copy due for its retry.
    pub(crate) fn take(&mut self, entry: u32) -> Pending {
        let p = self.waiting[entry as usize].take().expect("a copy waiting");
        self.free.push(entry);
        self.rules[p.rule as usize].pending -= 1;
        p
    }

    /// Copies waiting for a retry, all rules.
    pub fn pending(&self) -> u64 {
        self.rules.iter().map(|r| r.pending).sum()
    }

    /// Copies delivered to targets, all rules.
    pub fn delivered(&self) -> u64 {
        self.rules.iter().map(|r| r.c.delivered).sum()
    }

    fn waiting_count(&self) -> u64 {
        (self.waiting.len() - self.free.len()) as u64
    }
}

fn rule(
    bus: &str,
    r: &RuleConfig,
    type_names: &[String],
    queue: &mut impl FnMut(&str) -> Option<QueueId>,
    push: &mut impl FnMut(&str) -> Option<PushId>,
    seed: u64,
    rep: u64,
) -> Result<Rule, String> {
    let mut types = 0u64;
    for t in &r.event_types {
        let i = type_names.iter().position(|n| n == t).ok_or(t.clone())?;
        types |= 1 << i;
    }
    let mut targets = vec![];
    for q in &r.queues {
        targets.push(Target::Queue(queue(q).ok_or(q.clone())?));
    }
    for t in &r.push_topics {
        targets.push(Target::Push(push(t).ok_or(t.clone())?));
    }
    let dlq = match &r.dead_letter_queue {
        Some(q) => Some(queue(q).ok_or(q.clone())?),
        None => None,
    };
    Ok(Rule {
        name: r.name.clone(),
        types,
        keys: r.keys.map(|[lo, hi]| (lo, hi)),
        delivered_to: vec![0; targets.len()],
        targets,
        max_retry_attempts: r.max_retry_attempts,
        max_event_age: from_secs(r.max_event_age_s),
        backoff: Backoff::new(&r.policy()),
        backoff_rng: stream(seed, &format!("bus.{bus}.rule.{}.backoff", r.name), rep),
        dlq,
        pending: 0,
        c: RuleCounters::default(),
    })
}
