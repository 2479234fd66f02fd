//! A queue or topic that nothing reads: its messages pile up for the whole run.
//! (A push topic without a subscription is already an error of validation.) Dead-letter queues and topics
//! are meant to be read by a person, later, and are left alone; so is a queue
//! or topic that nothing publishes to (a spare kept for a variant of the file).

use super::*;

pub const ID: &str = "no-consumer";

pub fn check(s: &Scenario) -> Vec<Warning> {
    let mut out = vec![];
    let dead_letter_queues: Vec<&str> = s
        .queues
        .iter()
        .filter_map(|q| q.dead_letter_queue.as_deref())
        .chain(
            s.consumers
                .iter()
                .filter_map(|c| c.delivery.as_ref()?.dead_letter_queue.as_deref()),
        )
        .collect();
    for (i, q) in s.queues.iter().enumerate() {
        let read = s.consumers.iter().any(|c| queue_of(s, c) == Some(&q.name));
        let fed = s.producers.iter().any(|p| match (&p.queue, &p.push) {
            (Some(name), _) => *name == q.name,
            (None, Some(push)) => s
                .pushes
                .iter()
                .any(|t| t.name == *push && t.queues.contains(&q.name)),
            (None, None) => p.topic.is_none() && s.queues.len() == 1,
        });
        if fed && !read && !dead_letter_queues.contains(&q.name.as_str()) {
            out.push(unread(
                root().key("queue").index(i).key("name"),
                "queue",
                &q.name,
                format!("add a `[[consumer]]` with `queue = \"{}\"`", q.name),
            ));
        }
    }
    let dead_letter_topics: Vec<&str> = s
        .consumers
        .iter()
        .filter_map(|c| c.group.as_ref()?.dead_letter_topic.as_deref())
        .collect();
    for (i, t) in s.topics.iter().enumerate() {
        let read = s
            .consumers
            .iter()
            .any(|c| c.topic.as_ref() == Some(&t.name));
        let fed = s
            .producers
            .iter()
            .any(|p| p.topic.as_ref() == Some(&t.name));
        if fed && !read && !dead_letter_topics.contains(&t.name.as_str()) {
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
