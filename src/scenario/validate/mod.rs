//! Checks a parsed scenario for what serde cannot: ranges, references between
//! components, and which keys each kind needs. Each problem names its key path;
//! `locate` turns it into a diagnostic with line and column.

mod alarm;
mod autoscale;
mod broker;
mod bus;
mod client;
mod crash;
mod csv_samples;
mod dist;
mod downstream;
mod kafka;
mod log;
mod names;
mod onward;
mod order;
mod overlap;
mod payload;
mod push;
mod slo;
mod tiers;

pub use names::{NAME_MAX, TITLE_MAX};

use super::diagnostics::{KeyPath, SourceMap, echo};
use super::*;
use names::{Names, shown};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// A number as a message shows it: `1e300`, not 301 digits.
fn num(x: f64) -> String {
    if x != 0.0 && x.is_finite() && !(1e-6..1e15).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

pub struct Problem {
    path: KeyPath,
    message: String,
    expected: Option<String>,
    hint: Option<String>,
    /// Shared by every problem of one list of names (copying 40,000 names per
    /// problem made a file with many problems quadratic).
    candidates: Option<Arc<[String]>>,
    bad_value: Option<String>,
}

impl Problem {
    pub(crate) fn new(
        path: KeyPath,
        message: impl Into<String>,
        expected: impl Into<String>,
    ) -> Self {
        Problem {
            path,
            message: message.into(),
            expected: Some(expected.into()),
            hint: None,
            candidates: None,
            bad_value: None,
        }
    }

    /// How to fix it.
    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// One line, for places without the file's text (a sweep point).
    pub fn describe(&self) -> String {
        let path = self.path.to_string();
        let (path, message) = (echo(&path), echo(&self.message));
        let mut d = match &self.expected {
            Some(e) => format!("{path}: {message} (expected {})", echo(e)),
            None => format!("{path}: {message}"),
        };
        if let Some(h) = &self.hint {
            d.push_str(&format!("; {}", echo(h)));
        }
        d
    }

    /// The problem with its line and column, from `map` of the file.
    pub fn locate(self, map: &SourceMap) -> Diagnostic {
        let cands: Vec<&str> = self
            .candidates
            .iter()
            .flat_map(|c| c.iter().map(String::as_str))
            .collect();
        let hint = self.hint;
        let d = map.at_path(
            &self.path,
            self.message,
            self.expected,
            &cands,
            self.bad_value.as_deref(),
        );
        match hint {
            Some(h) => d.with_hint(h),
            None => d,
        }
    }
}

#[derive(Default)]
struct Checker {
    problems: Vec<Problem>,
    /// The scenario file's directory: where `samples_csv` paths start.
    base: std::path::PathBuf,
}

impl Checker {
    fn fail(&mut self, path: KeyPath, message: impl Into<String>, expected: impl Into<String>) {
        self.problems.push(Problem::new(path, message, expected));
    }

    /// A finite number within [lo, hi].
    fn range(&mut self, path: KeyPath, v: f64, lo: f64, hi: f64, expected: &str) {
        if !(v.is_finite() && v >= lo && v <= hi) {
            self.fail(path, format!("{} is out of range", num(v)), expected);
        }
    }

    /// A backoff policy: base > 0, cap ≥ base, multiplier ≥ 1.
    fn backoff(&mut self, path: KeyPath, b: &RetryPolicy) {
        self.range(
            path.key("base_s"),
            b.base_s,
            0.0,
            1e9,
            "seconds ≥ 0 (0: retry at once)",
        );
        let cap_range = "seconds ≥ base_s";
        self.range(
            path.key("cap_s"),
            b.cap_s,
            b.base_s.max(0.0),
            1e9,
            cap_range,
        );
        self.range(
            path.key("multiplier"),
            b.multiplier,
            1.0,
            1e3,
            "a factor ≥ 1",
        );
    }

    /// A reference by name to one of `names` (a `what`: "queue", "database or API").
    fn reference(&mut self, path: KeyPath, what: &str, name: &str, names: &Names) -> bool {
        if names.contains(name) {
            return true;
        }
        let expected = if names.is_empty() {
            format!("a {what} defined in the file")
        } else {
            format!("one of: {}", names.listed())
        };
        self.problems.push(Problem {
            path,
            message: format!("no {what} named `{}`", shown(name)),
            expected: Some(expected),
            hint: None,
            candidates: Some(names.list.clone()),
            bad_value: Some(name.to_string()),
        });
        false
    }

    /// A reference to a queue by name.
    fn queue_ref(&mut self, path: KeyPath, name: Option<&str>, queues: &Names) {
        match name {
            Some(n) => {
                self.reference(path, "queue", n, queues);
            }
            None if queues.len() == 1 => {}
            None => self.fail(
                path,
                "which queue?",
                format!("`queue = \"...\"`, one of: {}", queues.listed()),
            ),
        }
    }

    /// Steps and ramps set the base rate; a ramp must not overlap another change,
    /// so the base stays linear between changes (the arrival process relies on it).
    fn base_changes_apart(&mut self, producer: &KeyPath, steps: &[ProfileStep]) {
        let span = |s: &ProfileStep| match s.kind {
            ProfileKind::Step => s.at_s.map(|a| (a, a)),
            ProfileKind::Ramp => s.from_s.zip(s.to_s),
            _ => None,
        };
        let spans: Vec<_> = steps
            .iter()
            .map(|s| span(s).map(|(a, b)| (a, b, s.kind == ProfileKind::Ramp)))
            .collect();
        for j in overlap::overlapping_ramps(&spans) {
            self.fail(
                producer.key("profile").index(j),
                "this rate change overlaps a ramp",
                "ramps and steps that do not overlap in time",
            );
        }
    }

    fn profile(&mut self, path: KeyPath, s: &ProfileStep) {
        let needs: &[&str] = match s.kind {
            ProfileKind::Step => &["at_s", "rate"],
            ProfileKind::Ramp => &["from_s", "to_s", "to_rate"],
            ProfileKind::Spike => &["at_s", "duration_s", "factor"],
            ProfileKind::Sine => &["period_s", "amplitude"],
        };
        let optional: &[&str] = if s.kind == ProfileKind::Sine {
            &["phase_s"]
        } else {
            &[]
        };
        let fields = [
            ("at_s", s.at_s),
            ("rate", s.rate),
            ("from_s", s.from_s),
            ("to_s", s.to_s),
            ("to_rate", s.to_rate),
            ("duration_s", s.duration_s),
            ("factor", s.factor),
            ("period_s", s.period_s),
            ("amplitude", s.amplitude),
            ("phase_s", s.phase_s),
        ];
        let kind = format!("{:?}", s.kind).to_lowercase();
        for (k, v) in fields {
            match v {
                None if needs.contains(&k) => self.fail(
                    path.clone(),
                    format!("a `{kind}` profile step needs `{k}`"),
                    format!("keys: kind, {}", needs.join(", ")),
                ),
                Some(_) if !needs.contains(&k) && !optional.contains(&k) => self.fail(
                    path.key(k),
                    format!("`{k}` does not apply to a `{kind}` step"),
                    format!("keys: kind, {}", needs.join(", ")),
                ),
                Some(x) if k == "amplitude" => {
                    self.range(path.key(k), x, -1.0, 1.0, "a fraction in [-1, 1]")
                }
                Some(x) if k == "phase_s" => {
                    self.range(path.key(k), x, f64::MIN, f64::MAX, "a number of seconds")
                }
                Some(x) if k == "period_s" => {
                    self.range(path.key(k), x, 1e-9, f64::MAX, "a number of seconds > 0")
                }
                Some(x) => self.range(path.key(k), x, 0.0, f64::MAX, "a number ≥ 0"),
                None => {}
            }
        }
        if let (Some(a), Some(b)) = (s.from_s, s.to_s)
            && b < a
        {
            self.fail(
                path.key("to_s"),
                "the ramp ends before it starts",
                "to_s ≥ from_s",
            );
        }
    }
}

fn kind(fifo: bool) -> &'static str {
    if fifo {
        "a FIFO queue"
    } else {
        "a standard queue"
    }
}

/// For each queue: following dead-letter queues from it comes back to a queue
/// already seen. Each queue is walked once (`first`: the first queue of each
/// name, as the model resolves names).
fn dlq_cycles(s: &Scenario, first: &HashMap<&str, usize>) -> Vec<bool> {
    let next: Vec<Option<usize>> = s
        .queues
        .iter()
        .map(|q| {
            q.dead_letter_queue
                .as_deref()
                .and_then(|d| first.get(d).copied())
        })
        .collect();
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let mut state = vec![NEW; next.len()];
    let mut cycles = vec![false; next.len()];
    for start in 0..next.len() {
        let mut path = vec![];
        let mut at = Some(start);
        let ends_in_cycle = loop {
            match at {
                None => break false,
                Some(i) if state[i] == ON_PATH => break true,
                Some(i) if state[i] == DONE => break cycles[i],
                Some(i) => {
                    state[i] = ON_PATH;
                    path.push(i);
                    at = next[i];
                }
            }
        };
        for i in path {
            state[i] = DONE;
            cycles[i] = ends_in_cycle;
        }
    }
    cycles
}

/// Names that are present, unique and not too long.
fn names_unique(c: &mut Checker, what: &str, names: &[(KeyPath, String)]) {
    let mut seen = HashSet::with_capacity(names.len());
    for (path, n) in names {
        if n.is_empty() {
            c.fail(
                path.clone(),
                format!("empty {what} name"),
                "a non-empty name",
            );
            continue;
        }
        let len = n.chars().count();
        if len > NAME_MAX {
            c.fail(
                path.clone(),
                format!("a {what} name of {len} characters"),
                format!(
                    "a name of at most {NAME_MAX} characters (names label time-series columns and charts)"
                ),
            );
        }
        if !seen.insert(n.as_str()) {
            c.fail(
                path.clone(),
                format!("two {what}s are named `{}`", shown(n)),
                "a unique name",
            );
        }
    }
}

/// Each name's first index, as the model resolves a reference.
fn first_index<'a>(names: impl Iterator<Item = &'a str>) -> HashMap<&'a str, usize> {
    let mut first = HashMap::new();
    for (i, n) in names.enumerate() {
        first.entry(n).or_insert(i);
    }
    first
}

/// The problems of a scenario whose file's directory is the current one.
pub fn check(s: &Scenario) -> Vec<Problem> {
    check_in(s, std::path::Path::new(""))
}

/// The problems of a scenario whose file is in `base` (where the paths of
/// `samples_csv` start; their files are read here).
pub fn check_in(s: &Scenario, base: &std::path::Path) -> Vec<Problem> {
    let mut c = Checker {
        base: base.to_path_buf(),
        ..Checker::default()
    };
    let root = KeyPath::root();
    let run = root.key("run");
    c.range(
        run.key("horizon_s"),
        s.run.horizon_s,
        1e-9,
        1e12,
        "a number of seconds > 0",
    );
    c.range(
        run.key("sample_interval_s"),
        s.run.sample_interval_s,
        1e-6,
        1e12,
        "a number of seconds > 0",
    );
    if s.run.horizon_s > 0.0 && !(s.run.warmup_s >= 0.0 && s.run.warmup_s < s.run.horizon_s) {
        c.fail(
            run.key("warmup_s"),
            "warm-up must end before the horizon",
            "0 ≤ warmup_s < horizon_s",
        );
    }
    if let Some(t) = &s.run.title {
        let len = t.chars().count();
        if len > TITLE_MAX {
            c.fail(
                run.key("title"),
                format!("a title of {len} characters"),
                format!("a title of at most {TITLE_MAX} characters (it is a chart subtitle)"),
            );
        }
    }
    nothing_to_simulate(&mut c, s);
    if s.run.max_backlog == 0 {
        c.fail(
            run.key("max_backlog"),
            "a cap of 0 messages",
            "a whole number ≥ 1",
        );
    }
    if s.run.max_events == Some(0) {
        c.fail(
            run.key("max_events"),
            "no events allowed",
            "a whole number > 0",
        );
    }
    if s.run.horizon_s / s.run.sample_interval_s > 10_000_000.0 {
        c.fail(
            run.key("sample_interval_s"),
            "more than 10 million samples",
            "a longer sample interval for this horizon",
        );
    }

    let queue_names = Names::new(s.queues.iter().map(|q| q.name.clone()));
    let first_queue = first_index(s.queues.iter().map(|q| q.name.as_str()));
    let cycles = dlq_cycles(s, &first_queue);
    let on_queues = s
        .producers
        .iter()
        .any(|p| p.topic.is_none() && p.push.is_none() && p.bus.is_none())
        || s.consumers
            .iter()
            .any(|c| c.topic.is_none() && c.push.is_none());
    if s.queues.is_empty() && on_queues {
        c.fail(
            root.clone(),
            "no queue defined",
            "a `[[queue]]` table with a `name`",
        );
    }
    let qpaths: Vec<_> = s
        .queues
        .iter()
        .enumerate()
        .map(|(i, q)| (root.key("queue").index(i).key("name"), q.name.clone()))
        .collect();
    names_unique(&mut c, "queue", &qpaths);
    broker::check(&mut c, s, &queue_names);
    let dlq_targets: HashSet<&str> = s
        .queues
        .iter()
        .filter_map(|q| q.dead_letter_queue.as_deref())
        .collect();
    for (i, q) in s.queues.iter().enumerate() {
        let p = root.key("queue").index(i);
        c.range(
            p.key("visibility_timeout_s"),
            q.visibility_timeout_s,
            0.0,
            1e9,
            "seconds ≥ 0 (SQS: 0 to 43200)",
        );
        c.range(
            p.key("delay_s"),
            q.delay_s,
            0.0,
            1e9,
            "seconds ≥ 0 (SQS: 0 to 900)",
        );
        c.range(
            p.key("retention_s"),
            q.retention_s,
            1e-9,
            1e12,
            "seconds > 0 (SQS: 60 to 1209600)",
        );
        match (q.max_receive_count, &q.dead_letter_queue) {
            (Some(0), _) => c.fail(
                p.key("max_receive_count"),
                "0 receives",
                "a whole number ≥ 1 (SQS: 1 to 1000)",
            ),
            (Some(_), None) => c.fail(
                p.key("max_receive_count"),
                "a receive limit needs a dead-letter queue",
                "also `dead_letter_queue = \"<queue name>\"`",
            ),
            // An overflow that dead-letters needs the DLQ, not a receive limit.
            (None, Some(_))
                if matches!(q.overflow, Overflow::RejectPublishDlx | Overflow::DropHead) => {}
            (None, Some(_)) => c.fail(
                p.key("dead_letter_queue"),
                "a dead-letter queue needs a receive limit",
                "also `max_receive_count = 5` (or another limit)",
            ),
            _ => {}
        }
        tiers::queue(&mut c, &p, q, &queue_names);
        if let Some(d) = &q.dead_letter_queue {
            let target = first_queue.get(d.as_str()).map(|&t| &s.queues[t]);
            if cycles[i] {
                c.fail(
                    p.key("dead_letter_queue"),
                    "dead-letter queues that lead back to this queue",
                    "a chain of dead-letter queues that ends",
                );
            } else if let Some(t) = target
                && t.fifo != q.fifo
            {
                c.fail(
                    p.key("dead_letter_queue"),
                    format!(
                        "`{}` is {} but `{}` is {}",
                        shown(d),
                        kind(t.fifo),
                        shown(&q.name),
                        kind(q.fifo)
                    ),
                    "a dead-letter queue of the same type (SQS requires it)",
                );
            } else {
                c.queue_ref(p.key("dead_letter_queue"), Some(d), &queue_names);
            }
        }
        if q.max_in_flight == Some(0) {
            c.fail(
                p.key("max_in_flight"),
                "no message may be in flight: nothing could ever be received",
                "a whole number ≥ 1 (SQS: 120,000, FIFO 20,000; leave it out for those)",
            );
        }
        if q.overflow == Overflow::RejectPublishDlx && q.dead_letter_queue.is_none() {
            c.fail(
                p.key("overflow"),
                "`reject_publish_dlx` dead-letters refused publishes, but the queue has no dead-letter queue",
                "also `dead_letter_queue = \"<queue name>\"`, or `overflow = \"reject\"`",
            );
        }
        match q.max_ops_per_s {
            Some(_) if !q.fifo => c.fail(
                p.key("max_ops_per_s"),
                "a throughput quota on a standard queue (SQS has none: nearly unlimited)",
                "leave it out, or `fifo = true`",
            ),
            Some(n) if n == 0 || n > 1_000_000_000 => c.fail(
                p.key("max_ops_per_s"),
                format!("{n} calls a second"),
                "a whole number 1 … 10⁹ (SQS FIFO: 300; 3,000 messages/s with batches of 10; more in high-throughput mode)",
            ),
            _ => {}
        }
        if q.max_depth == Some(0) {
            c.fail(
                p.key("max_depth"),
                "a queue that holds nothing",
                "a whole number ≥ 1, or leave it out",
            );
        }
        if let Some(r) = &q.redrive {
            if !dlq_targets.contains(q.name.as_str()) {
                c.fail(
                    p.key("redrive"),
                    format!("`{}` is no queue's dead-letter queue", shown(&q.name)),
                    "redrive on a queue named by another queue's `dead_letter_queue`",
                );
            }
            c.range(
                p.key("redrive").key("at_s"),
                r.at_s,
                0.0,
                1e12,
                "seconds ≥ 0",
            );
            c.range(
                p.key("redrive").key("rate"),
                r.rate,
                1e-9,
                1e12,
                "messages per second > 0",
            );
        }
    }

    let mut pnames = vec![];
    for (i, pr) in s.producers.iter().enumerate() {
        let p = root.key("producer").index(i);
        pnames.push((p.key("name"), producer_name(i, pr)));
        if pr.topic.is_none() && pr.push.is_none() && pr.bus.is_none() {
            c.queue_ref(p.key("queue"), pr.queue.as_deref(), &queue_names);
        }
        c.range(p.key("rate"), pr.rate, 0.0, 1e12, "messages per second ≥ 0");
        c.range(p.key("start_s"), pr.start_s, 0.0, 1e12, "seconds ≥ 0");
        if let Some(stop) = pr.stop_s
            && (stop < pr.start_s || stop.is_nan())
        {
            c.fail(
                p.key("stop_s"),
                "the producer stops before it starts",
                "stop_s ≥ start_s",
            );
        }
        for (j, st) in pr.profile.iter().enumerate() {
            c.profile(p.key("profile").index(j), st);
        }
        c.base_changes_apart(&p, &pr.profile);
        let m = p.key("message");
        c.range(
            m.key("key_skew"),
            pr.message.key_skew,
            0.0,
            100.0,
            "a Zipf exponent ≥ 0",
        );
        c.range(
            m.key("poison_probability"),
            pr.message.poison_probability,
            0.0,
            1.0,
            "a probability in [0, 1]",
        );
        if let Some(d) = &pr.message.cost {
            c.dist(m.key("cost"), d);
        }
        if let Some(pb) = &pr.publish {
            publish(&mut c, &p, pr, pb);
        }
        let sets_rate = pr.profile.iter().any(|st| {
            matches!(st.kind, ProfileKind::Step | ProfileKind::Ramp)
                && st.rate.or(st.to_rate).unwrap_or(0.0) > 0.0
        });
        if pr.rate == 0.0 && pr.initial_backlog == 0 && !sets_rate {
            c.fail(
                p.key("rate"),
                "this producer sends nothing",
                "a rate > 0, a profile, or an initial_backlog",
            );
        }
    }
    names_unique(&mut c, "producer", &pnames);

    let mut cnames = vec![];
    let downstreams = downstream::callable(s);
    let mut keyed = None;
    for (i, co) in s.consumers.iter().enumerate() {
        let p = root.key("consumer").index(i);
        cnames.push((p.key("name"), consumer_name(i, co)));
        if co.topic.is_none() && co.push.is_none() {
            c.queue_ref(p.key("queue"), co.queue.as_deref(), &queue_names);
        }
        if co.workers == Some(0) && co.autoscale.is_none() {
            c.fail(p.key("workers"), "no workers", "a whole number ≥ 1");
        }
        if let Some(a) = &co.autoscale {
            autoscale::check(&mut c, &p, co, a);
        }
        downstream::consumer(&mut c, &p, co, &downstreams);
        onward::check(&mut c, &p, co, &queue_names);
        crash::check(&mut c, &p, co);
        order::check(&mut c, &p, co, s, &mut keyed);
        tiers::consumer(&mut c, &p, co, s, &queue_names);
        if co.batch_size == Some(0) {
            c.fail(
                p.key("batch_size"),
                "batches of 0",
                "a whole number ≥ 1 (SQS: 1 to 10)",
            );
        }
        c.range(
            p.key("wait_time_s"),
            co.wait_time_s,
            0.0,
            1e9,
            "seconds ≥ 0 (SQS: 0 to 20)",
        );
        if co.wait_time_s == 0.0 {
            c.range(
                p.key("empty_poll_pause_s"),
                co.empty_poll_pause_s,
                1e-6,
                1e9,
                "seconds > 0 (short polling must pause after an empty receive)",
            );
        }
        c.dist(p.key("processing_s"), &co.processing_s);
        c.range(
            p.key("error_rate"),
            co.error_rate,
            0.0,
            1.0,
            "a probability in [0, 1]",
        );
        c.backoff(p.key("backoff"), &co.backoff);
    }
    names_unique(&mut c, "consumer", &cnames);
    downstream::check(&mut c, s);
    log::check(&mut c, s);
    kafka::check(&mut c, s);
    client::check(&mut c, s);
    push::check(&mut c, s);
    bus::check(&mut c, s);
    payload::check(&mut c, s);
    alarm::check(&mut c, s);
    slo::check(&mut c, s);

    let v = root.key("verdict");
    c.range(
        v.key("window_fraction"),
        s.verdict.window_fraction,
        0.01,
        1.0,
        "a fraction in (0, 1]",
    );
    c.range(
        v.key("min_growth_fraction"),
        s.verdict.min_growth_fraction,
        0.0,
        1e9,
        "a fraction ≥ 0",
    );
    c.range(
        v.key("max_loss_fraction"),
        s.verdict.max_loss_fraction,
        0.0,
        1.0,
        "a fraction in [0, 1]",
    );
    c.range(
        v.key("min_growth_messages"),
        s.verdict.min_growth_messages,
        0.0,
        1e15,
        "a count ≥ 0",
    );
    c.range(
        v.key("recovery_fraction"),
        s.verdict.recovery_fraction,
        0.0,
        1.0,
        "a fraction in [0, 1]",
    );
    c.range(
        v.key("recovery_window_s"),
        s.verdict.recovery_window_s,
        1e-9,
        1e12,
        "seconds > 0",
    );
    c.range(
        v.key("recovery_level_factor"),
        s.verdict.recovery_level_factor,
        1.0,
        1e9,
        "a factor ≥ 1",
    );
    c.range(
        v.key("recovery_age_slack_s"),
        s.verdict.recovery_age_slack_s,
        0.0,
        1e12,
        "seconds ≥ 0",
    );
    // The degraded thresholds are fractions: 0 flags any occurrence, 1 none.
    for (key, value) in [
        (
            "max_dead_lettered_after_success_fraction",
            s.verdict.max_dead_lettered_after_success_fraction,
        ),
        (
            "max_dead_letter_fraction",
            s.verdict.max_dead_letter_fraction,
        ),
        (
            "max_applied_twice_fraction",
            s.verdict.max_applied_twice_fraction,
        ),
        (
            "max_out_of_order_fraction",
            s.verdict.max_out_of_order_fraction,
        ),
        ("max_lost_fraction", s.verdict.max_lost_fraction),
        (
            "max_failed_request_fraction",
            s.verdict.max_failed_request_fraction,
        ),
        ("max_refused_fraction", s.verdict.max_refused_fraction),
        ("max_saturated_fraction", s.verdict.max_saturated_fraction),
        (
            "max_rebalancing_fraction",
            s.verdict.max_rebalancing_fraction,
        ),
    ] {
        c.range(v.key(key), value, 0.0, 1.0, "a fraction in [0, 1]");
    }
    if s.queues.len() > u16::MAX as usize
        || s.producers.len() > u16::MAX as usize
        || s.consumers.len() > u16::MAX as usize
        || s.topics.len() > u16::MAX as usize
        || s.pushes.len() > u16::MAX as usize
        || s.databases.len() > u16::MAX as usize
        || s.apis.len() > u16::MAX as usize
        || s.clients.len() > u16::MAX as usize
        || s.services.len() > u16::MAX as usize
        || s.records.len() > u16::MAX as usize
    {
        c.fail(root, "too many components", "at most 65535 of each kind");
    }
    initial_backlog(&mut c, s);
    c.problems
}

/// A file that would simulate nothing: no producer and no client. (An empty
/// file parses to every default: 600 s of nothing.)
fn nothing_to_simulate(c: &mut Checker, s: &Scenario) {
    if s.producers.is_empty() && s.clients.is_empty() {
        c.fail(
            KeyPath::root(),
            "nothing in this scenario produces load: it has no `[[producer]]` and no `[[client]]`",
            "a `[[producer]]` (messages to a queue, topic or push topic) or a `[[client]]` (requests to a service or record)",
        );
        if let Some(p) = c.problems.last_mut() {
            p.hint = Some(
                "for example: `[[queue]]` `name = \"orders\"` / `[[producer]]` `queue = \"orders\"` `rate = 50` / \
                 `[[consumer]]` `queue = \"orders\"` `workers = 4` (each on its own line; see scenarios/steady.toml)"
                    .into(),
            );
        }
    }
}

/// The initial backlog is made message by message before the run starts: more
/// than `run.max_backlog` of it would only trip the guard at time 0, or spin
/// on a queue that refuses it.
fn initial_backlog(c: &mut Checker, s: &Scenario) {
    let total = s
        .producers
        .iter()
        .fold(0u64, |t, p| t.saturating_add(p.initial_backlog));
    if total <= s.run.max_backlog {
        return;
    }
    let Some((i, p)) = s
        .producers
        .iter()
        .enumerate()
        .max_by_key(|(_, p)| p.initial_backlog)
    else {
        return;
    };
    c.problems.push(
        Problem::new(
            KeyPath::root()
                .key("producer")
                .index(i)
                .key("initial_backlog"),
            format!(
                "an initial backlog of {total} messages in all, beyond the cap of {} (run.max_backlog)",
                s.run.max_backlog
            ),
            format!("at most run.max_backlog = {} messages", s.run.max_backlog),
        )
        .with_hint(format!(
            "lower `initial_backlog` to {} or less, or raise `run.max_backlog` (each message held takes about 100 bytes)",
            s.run.max_backlog.saturating_sub(total - p.initial_backlog)
        )),
    );
}

/// A producer's publish policy: only on queues, which can refuse a publish.
fn publish(c: &mut Checker, p: &KeyPath, pr: &ProducerConfig, pb: &PublishConfig) {
    let k = p.key("publish");
    if pr.topic.is_some() || pr.push.is_some() || pr.bus.is_some() {
        c.fail(
            k.clone(),
            "a publish policy applies to a producer that publishes to a queue",
            "`queue = \"...\"` instead of `topic`/`push`/`bus`, or leave `publish` out",
        );
    }
    if pb.attempts == 0 {
        c.fail(
            k.key("attempts"),
            "0 attempts",
            "a whole number ≥ 1 (1 = no retry)",
        );
    }
    c.backoff(k.clone(), &pb.policy());
    if pb.base_s <= 0.0 && pb.base_s.is_finite() {
        c.fail(
            k.key("base_s"),
            "a retry at once would find the queue just as full",
            "seconds > 0, like 0.1",
        );
    }
    if pb.buffer == 0 {
        c.fail(
            k.key("buffer"),
            "a buffer that holds nothing",
            "a whole number ≥ 1 (messages)",
        );
    }
}

pub fn producer_name(i: usize, p: &ProducerConfig) -> String {
    p.name
        .clone()
        .unwrap_or_else(|| format!("producer{}", i + 1))
}

pub fn consumer_name(i: usize, c: &ConsumerConfig) -> String {
    c.name
        .clone()
        .unwrap_or_else(|| format!("consumer{}", i + 1))
}
