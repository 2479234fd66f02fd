//! Design rules checked before a run: scenarios that load and run, but whose
//! figures break a rule of thumb that the physics they model would punish (a
//! visibility timeout shorter than the work, more invocations than database
//! connections, a spike after the end of the run). They are warnings, never
//! errors: a scenario may break a rule on purpose to show what happens — that
//! is what half of `scenarios/` is for.
//!
//! Each rule is one function from the validated [`Scenario`] to its warnings, in
//! its own file; [`RULES`] lists them. Documented in docs/scenarios.md, "Design
//! rules".

mod connections;
mod horizon;
mod in_flight;
mod payload_expiry;
mod poll_interval;
pub mod retry_capacity;
mod unread;
mod visibility;

use super::diagnostics::{Diagnostic, KeyPath, Severity, SourceMap};
use super::*;
use std::collections::HashMap;

/// A design rule broken by a scenario: which rule, where, the figures that
/// break it, and how to fix it.
#[derive(Clone, Debug, PartialEq)]
pub struct Warning {
    /// The rule's id, as listed in [`RULES`] (`visibility-timeout`).
    pub rule: &'static str,
    /// The key to change (or the table it belongs in, when it is left out).
    pub path: KeyPath,
    /// What is wrong, with the numbers: "visibility timeout 30 s < 6 × 60 s + 0 s = 360 s".
    pub message: String,
    /// The change that satisfies the rule.
    pub fix: String,
}

impl Warning {
    /// One line, for places without the file's text.
    pub fn describe(&self) -> String {
        format!(
            "warning[{}]: {}: {} (fix: {})",
            self.rule, self.path, self.message, self.fix
        )
    }

    /// Rendered like an error, with line and column, from `map` of the file.
    pub fn locate(&self, map: &SourceMap) -> Diagnostic {
        let mut d = map.at_path(&self.path, self.message.clone(), None, &[], None);
        d.severity = Severity::Warning { rule: self.rule };
        d.hint = Some(self.fix.clone());
        d
    }
}

/// A design rule: the warnings a scenario earns.
pub type Rule = fn(&Scenario) -> Vec<Warning>;

/// Every design rule, by id, in the order their warnings are printed.
pub const RULES: &[(&str, Rule)] = &[
    (visibility::ID, visibility::check),
    (connections::ID, connections::check),
    (retry_capacity::ID, retry_capacity::check),
    (horizon::ID, horizon::check),
    (unread::ID, unread::check),
    (in_flight::ID, in_flight::check),
    (payload_expiry::ID, payload_expiry::check),
    (poll_interval::ID, poll_interval::check),
];

/// The warnings of every rule for a validated scenario.
pub fn check(s: &Scenario) -> Vec<Warning> {
    RULES.iter().flat_map(|(_, rule)| rule(s)).collect()
}

/// The warnings located in the file's text.
pub fn locate_all(warnings: &[Warning], file: &str, src: &str) -> Vec<Diagnostic> {
    let map = SourceMap::new(file, src);
    warnings.iter().map(|w| w.locate(&map)).collect()
}

// Helpers shared by the rules.

/// The queue a consumer pulls from (or is pushed from, with `prefetch`): its
/// `queue`, or the only queue when it names no queue, topic or push topic.
fn queue_of<'a>(s: &'a Scenario, c: &'a ConsumerConfig) -> Option<&'a str> {
    if c.topic.is_some() || c.push.is_some() {
        return None;
    }
    match (&c.queue, s.queues.as_slice()) {
        (Some(q), _) => Some(q),
        (None, [only]) => Some(&only.name),
        _ => None,
    }
}

/// Each name's first index (names are unique in a valid scenario): rules look
/// components up by name in constant time, so that they stay linear in the
/// file's size.
fn first_index<'a>(names: impl Iterator<Item = &'a str>) -> HashMap<&'a str, usize> {
    let mut first = HashMap::new();
    for (i, n) in names.enumerate() {
        first.entry(n).or_insert(i);
    }
    first
}

/// Queues by name.
fn queue_index(s: &Scenario) -> HashMap<&str, usize> {
    first_index(s.queues.iter().map(|q| q.name.as_str()))
}

/// The queue a consumer receives from SQS-style (polling, with a visibility
/// timeout): not a RabbitMQ-style prefetch consumer. `queues`: [`queue_index`].
fn polled_queue<'a>(
    s: &'a Scenario,
    c: &'a ConsumerConfig,
    queues: &HashMap<&str, usize>,
) -> Option<(usize, &'a QueueConfig)> {
    if c.prefetch.is_some() {
        return None;
    }
    let i = *queues.get(queue_of(s, c)?)?;
    Some((i, &s.queues[i]))
}

/// The most receives a consumer has running at once: its workers, or for a
/// Lambda-like consumer the lowest of its caps (as the model applies them).
fn concurrency(s: &Scenario, c: &ConsumerConfig) -> u32 {
    match &c.lambda {
        None => c.most_workers(),
        Some(l) => l
            .max_concurrency
            .unwrap_or(EVENT_SOURCE_LIMIT)
            .min(EVENT_SOURCE_LIMIT)
            .min(l.reserved_concurrency.unwrap_or(u32::MAX))
            .min(s.run.account_concurrency),
    }
}

/// A distribution's mean.
fn mean(d: &DistSpec) -> f64 {
    crate::model::dist::moments::moments(d).map_or(0.0, |m| m.mean)
}

/// A number as written in a scenario: `360`, `0.5`, `1.333`, with thousands
/// separated (`120,000`) when whole and large.
fn num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        let digits = (x.abs() as u64).to_string();
        let mut out = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(ch);
        }
        if x < 0.0 { format!("-{out}") } else { out }
    } else {
        // Three decimals are plenty for a rule of thumb; drop trailing zeros.
        let s = format!("{x:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

fn root() -> KeyPath {
    KeyPath::root()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_written() {
        assert_eq!(num(360.0), "360");
        assert_eq!(num(120_000.0), "120,000");
        assert_eq!(num(1_000.0), "1,000");
        assert_eq!(num(0.5), "0.5");
        assert_eq!(num(1.0 / 3.0), "0.333");
        assert_eq!(num(-2500.0), "-2,500");
    }

    #[test]
    fn rule_ids_are_unique() {
        let mut ids: Vec<&str> = RULES.iter().map(|(id, _)| *id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len());
    }
}
