//! A queue or topic that nothing reads: its messages pile up for the whole run.
//! (A push topic without a subscription is already an error of validation.) Dead-letter queues and topics
//! are meant to be read by a person, later, and are left alone; so is a queue
//! or topic that nothing publishes to (a spare kept for a variant of the file).

use super::*;
use std::collections::HashSet;

pub const ID: &str = "no-consumer";

pub fn check(s: &Scenario) -> Vec<Warning> {
    let mut out = vec![];
    let dead_letter_queues: HashSet<&str> = s
        .queues
        .iter()
        .filter_map(|q| q.dead_letter_queue.as_deref())
        .chain(
            s.consumers
                .iter()
                .filter_map(|c| c.delivery.as_ref()?.dead_letter_queue.as_deref()),
        )
        .collect();
    let read: HashSet<&str> = s.consumers.iter().filter_map(|c| queue_of(s, c)).collect();
    let pushed_to: HashSet<&str> = s
        .producers
        .iter()
        .filter_map(|p| p.push.as_deref())
        .collect();
    let mut fed: HashSet<&str> = HashSet::new();
    for p in &s.producers {
        match (&p.queue, &p.push, s.queues.as_slice()) {
            (Some(name), _, _) => {
                fed.insert(name);
            }
            (None, None, [only]) if p.topic.is_none() => {
                fed.insert(&only.name);
            }
            _ => {}
        }
    }
    for t in s
        .pushes
        .iter()
        .filter(|t| pushed_to.contains(t.name.as_str()))
    {
        fed.extend(t.queues.iter().map(String::as_str));
    }
    for (i, q) in s.queues.iter().enumerate() {
        let name = q.name.as_str();
        if fed.contains(name) && !read.contains(name) && !dead_letter_queues.contains(name) {
            out.push(unread(
                root().key("queue").index(i).key("name"),
                "queue",
                &q.name,
                format!("add a `[[consumer]]` with `queue = \"{}\"`", q.name),
            ));
        }
    }
    let dead_letter_topics: HashSet<&str> = s
        .consumers
        .iter()
        .filter_map(|c| c.group.as_ref()?.dead_letter_topic.as_deref())
        .collect();
    let read: HashSet<&str> = s
        .consumers
        .iter()
        .filter_map(|c| c.topic.as_deref())
        .collect();
    let fed: HashSet<&str> = s
        .producers
        .iter()
        .filter_map(|p| p.topic.as_deref())
        .collect();
    for (i, t) in s.topics.iter().enumerate() {
        let name = t.name.as_str();
        if fed.contains(name) && !read.contains(name) && !dead_letter_topics.contains(name) {
            out.push(unread(
                root().key("topic").index(i).key("name"),
                "topic",
                &t.name,
                format!("add a `[[consumer]]` with `topic = \"{}\"`", t.name),
            ));
        }
    }
    out
}

fn unread(path: KeyPath, what: &str, name: &str, fix: String) -> Warning {
    Warning {
        rule: ID,
        path,
        message: format!("{what} `{name}` has no consumer: what is published to it is never read"),
        fix: format!("{fix}, or remove the {what}"),
    }
}
