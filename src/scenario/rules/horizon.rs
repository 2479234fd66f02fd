//! A trigger at or after the end of the run never happens: a spike, step or ramp
//! of a rate profile, a producer's or client's start, a fault window, a crash
//! of a consumer-group member, a redrive. The run then shows the calm before a
//! storm it never reaches, and a verdict on it.

use super::*;

pub const ID: &str = "trigger-after-horizon";

pub fn check(s: &Scenario) -> Vec<Warning> {
    let h = s.run.horizon_s;
    // (key path of the trigger's time, what it is, when it starts)
    let mut triggers: Vec<(KeyPath, String, f64)> = vec![];
    let mut sources = |table: &str, i: usize, name: &str, start: f64, profile: &[ProfileStep]| {
        let at = root().key(table).index(i);
        triggers.push((
            at.key("start_s"),
            format!("start of {table} `{name}`"),
            start,
        ));
        for (j, step) in profile.iter().enumerate() {
            let (key, t) = match step.kind {
                ProfileKind::Step | ProfileKind::Spike => ("at_s", step.at_s),
                ProfileKind::Ramp => ("from_s", step.from_s),
                // A sine has no start: it runs all along.
                ProfileKind::Sine => continue,
            };
            let kind = format!("{:?}", step.kind).to_lowercase();
            if let Some(t) = t {
                triggers.push((
                    at.key("profile").index(j).key(key),
                    format!("{kind} of {table} `{name}`"),
                    t,
                ));
            }
        }
    };
    for (i, p) in s.producers.iter().enumerate() {
        sources("producer", i, &producer_name(i, p), p.start_s, &p.profile);
    }
    for (i, c) in s.clients.iter().enumerate() {
        sources("client", i, &c.name, c.start_s, &c.profile);
    }
    for (i, f) in s.faults.iter().enumerate() {
        triggers.push((
            root().key("fault").index(i).key("from_s"),
            format!("{:?} fault on `{}`", f.kind, f.target).to_lowercase(),
            f.from_s,
        ));
    }
    for (i, c) in s.consumers.iter().enumerate() {
        let Some(g) = &c.group else { continue };
        for (k, t) in g.crash_at_s.iter().enumerate() {
            triggers.push((
                root()
                    .key("consumer")
                    .index(i)
                    .key("group")
                    .key("crash_at_s")
                    .index(k),
                format!("crash in group `{}`", consumer_name(i, c)),
                *t,
            ));
        }
    }
    for (i, q) in s.queues.iter().enumerate() {
        if let Some(r) = &q.redrive {
            triggers.push((
                root().key("queue").index(i).key("redrive").key("at_s"),
                format!("redrive of queue `{}`", q.name),
                r.at_s,
            ));
        }
    }
    triggers
        .into_iter()
        .filter(|(_, _, t)| *t >= h)
        .map(|(path, what, t)| Warning {
            rule: ID,
            path,
            message: format!(
                "{what} at {} s ≥ horizon {} s: it never happens in this run",
                num(t),
                num(h)
            ),
            fix: format!(
                "move it before {} s, or set `horizon_s` in [run] beyond {} s",
                num(h),
                num(t)
            ),
        })
        .collect()
}
