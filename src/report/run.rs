//! A run's report facts, read from its summary.json (docs/outputs.md documents
//! every field read here).

use super::error::ReportError;
use super::facts::{Kind, Reason, Report, Row, Verdict};
use super::format::{count, number, percent, rate, secs};
use super::{charts, scenario};
use serde_json::Value;
use std::path::Path;

fn f(v: &Value, ptr: &str) -> Option<f64> {
    v.pointer(ptr).and_then(Value::as_f64)
}

fn s<'a>(v: &'a Value, ptr: &str) -> Option<&'a str> {
    v.pointer(ptr).and_then(Value::as_str)
}

fn items<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// Sum of a number over the elements of an array of the summary.
fn sum(v: &Value, key: &str, ptr: &str) -> f64 {
    items(v, key).iter().filter_map(|x| f(x, ptr)).sum()
}

pub fn read(dir: &Path) -> Result<Report, ReportError> {
    let path = dir.join("summary.json");
    let text = std::fs::read_to_string(&path).map_err(|source| ReportError::Read {
        path: path.clone(),
        source,
    })?;
    let malformed = |problem: String| ReportError::Malformed {
        path: path.clone(),
        what: "run summary",
        problem,
    };
    let v: Value = serde_json::from_str(&text).map_err(|e| malformed(e.to_string()))?;
    let state = s(&v, "/verdict/state")
        .ok_or_else(|| malformed("no verdict.state".into()))?
        .to_string();
    let scenario_path = s(&v, "/scenario").unwrap_or_default().to_string();
    let folder = folder_name(dir);
    let stored = scenario::read(dir);

    let reasons: Vec<Reason> = items(&v["verdict"], "reasons")
        .iter()
        .map(|r| {
            let name = s(r, "/reason").unwrap_or_default().to_string();
            Reason {
                meaning: crate::metrics::verdict::Reason::from_name(&name)
                    .map_or(String::new(), |r| sentence(r.meaning())),
                // Not capitalised: details start with a component's name.
                detail: full_stop(s(r, "/detail").unwrap_or_default()),
                name,
            }
        })
        .collect();
    let headline = match state.as_str() {
        "stable" => format!(
            "Stable: the run absorbed its load and did no harm the verdict knows of. Evidence: {}.",
            s(&v, "/verdict/detail").unwrap_or_default()
        ),
        "degraded" => "Degraded: harm was done, but it does not grow without bound.".into(),
        _ => format!(
            "Collapsed{}: harm grows without bound — the longer the run, the worse.",
            f(&v, "/verdict/at_s").map_or(String::new(), |t| format!(" at {}", secs(t)))
        ),
    };
    let names: Vec<String> = reasons.iter().map(|r| r.name.clone()).collect();
    let title = s(&v, "/title")
        .map(str::to_string)
        .or_else(|| stored.as_ref().and_then(|s| s.title.clone()))
        .unwrap_or_else(|| folder.clone());

    let mut facts = vec![Row::new("scenario", scenario_path.clone(), "")];
    // A what-if says so before anything else: the file did not say this.
    for o in items(&v, "overrides") {
        facts.push(Row::new(
            "what-if",
            format!(
                "{} = {}",
                s(o, "/path").unwrap_or_default(),
                s(o, "/value").unwrap_or_default()
            ),
            match s(o, "/file_value") {
                Some(was) => format!("set by run --set; the file says {was}"),
                None => "set by run --set; the file leaves it to its default".into(),
            },
        ));
    }
    facts.extend([
        Row::new(
            "seed",
            number(f(&v, "/seed").unwrap_or(f64::NAN)),
            "as run (after any --seed)",
        ),
        Row::new(
            "simulated",
            secs(f(&v, "/ended_at_s").unwrap_or(f64::NAN)),
            format!(
                "of {}; stopped by: {}",
                secs(f(&v, "/horizon_s").unwrap_or(f64::NAN)),
                s(&v, "/stop").unwrap_or("?")
            ),
        ),
    ]);
    if let Some(w) = f(&v, "/warmup_s").filter(|w| *w > 0.0) {
        facts.push(Row::new(
            "warm-up",
            secs(w),
            "rates and latencies count after it",
        ));
    }
    for t in items(&v, "triggers") {
        facts.push(Row::new(
            "trigger",
            s(t, "/label").unwrap_or_default().into(),
            format!(
                "{} – {}",
                secs(f(t, "/from_s").unwrap_or(f64::NAN)),
                secs(f(t, "/to_s").unwrap_or(f64::NAN))
            ),
        ));
    }

    let (description, settings, warnings, scenario_note) = match stored {
        Some(st) => (st.description, st.settings, st.warnings, st.problem),
        None => (
            vec![],
            vec![],
            vec![],
            Some(format!(
                "This folder has no copy of its scenario ({}): the description, the settings and the design-rule warnings are left out. `flowsim run --report` keeps one.",
                scenario::FILE
            )),
        ),
    };

    Ok(Report {
        kind: Kind::Run,
        title,
        folder,
        scenario: scenario_path,
        description,
        scenario_note,
        facts,
        settings,
        verdict: Some(Verdict {
            state,
            headline,
            reasons,
        }),
        headline: headline_numbers(&v),
        warnings,
        sweep: None,
        charts: charts::run_charts(dir, &names),
    })
}

/// A sentence starts with a capital and ends with a full stop.
fn sentence(text: &str) -> String {
    let mut c = text.trim().chars();
    match c.next() {
        Some(first) => full_stop(&(first.to_uppercase().collect::<String>() + c.as_str())),
        None => String::new(),
    }
}

fn full_stop(text: &str) -> String {
    let t = text.trim();
    if t.is_empty() || t.ends_with('.') {
        t.to_string()
    } else {
        format!("{t}.")
    }
}

pub fn folder_name(dir: &Path) -> String {
    dir.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| dir.display().to_string())
}

/// The numbers a reviewer asks for first.
fn headline_numbers(v: &Value) -> Vec<Row> {
    let ended = f(v, "/ended_at_s").unwrap_or(f64::NAN);
    let mut rows = vec![];
    let has_queues = !items(v, "queues").is_empty() || !items(v, "topics").is_empty();
    if has_queues || !items(v, "producers").is_empty() {
        rows.push(Row::new(
            "arrivals",
            rate(f(v, "/arrival_rate_per_s").unwrap_or(f64::NAN)),
            "publishes per second, after warm-up",
        ));
        rows.push(Row::new(
            "throughput",
            rate(sum(v, "consumers", "/completions") / ended),
            "processings finished per second (successful or failed), whole run",
        ));
        rows.push(Row::new(
            "goodput",
            rate(f(v, "/goodput_per_s").unwrap_or(f64::NAN)),
            "first successful processings per second, after warm-up",
        ));
        if f(v, "/latency/end_to_end/count").unwrap_or(0.0) > 0.0 {
            rows.push(Row::new(
                "end-to-end p50",
                secs(f(v, "/latency/end_to_end/p50_s").unwrap_or(f64::NAN)),
                "publish → first successful processing",
            ));
            rows.push(Row::new(
                "end-to-end p99",
                secs(f(v, "/latency/end_to_end/p99_s").unwrap_or(f64::NAN)),
                format!(
                    "max {}",
                    secs(f(v, "/latency/end_to_end/max_s").unwrap_or(f64::NAN))
                ),
            ));
        }
        rows.push(Row::new(
            "peak backlog",
            count(f(v, "/review/peak_backlog").unwrap_or(f64::NAN)),
            f(v, "/review/peak_backlog_at_s").map_or(String::new(), |t| {
                format!("messages waiting, at {}", secs(t))
            }),
        ));
        rows.push(Row::new(
            "peak age",
            secs(f(v, "/review/peak_oldest_age_s").unwrap_or(f64::NAN)),
            f(v, "/review/peak_oldest_age_at_s").map_or(String::new(), |t| {
                format!("of the oldest waiting message, at {}", secs(t))
            }),
        ));
        let drained = match (
            f(v, "/review/drained_at_s"),
            v.pointer("/review/held_before_trigger")
                .is_some_and(|b| !b.is_null()),
        ) {
            (Some(t), _) => (
                secs(t),
                "the messages held, waiting or in flight, came back to their level before the trigger".to_string(),
            ),
            (None, true) if v.pointer("/review/rose_above_normal") == Some(&Value::Bool(false)) => (
                "–".into(),
                "nothing to drain: the messages held never rose above their normal level after the trigger".into(),
            ),
            (None, true) => (
                "not drained".into(),
                "the messages held, waiting or in flight, did not come back to their level before the trigger".into(),
            ),
            (None, false) => ("–".into(), "no trigger".into()),
        };
        rows.push(Row::new("drained at", drained.0, drained.1));
        rows.push(Row::new(
            "DLQ share",
            f(v, "/review/dead_lettered_fraction").map_or("–".into(), percent),
            format!(
                "{} of {} messages produced held by dead-letter queues at the end",
                count(f(v, "/ledger/dead_lettered").unwrap_or(f64::NAN)),
                count(f(v, "/ledger/produced").unwrap_or(f64::NAN))
            ),
        ));
        rows.push(Row::new(
            "duplicates",
            count(f(v, "/ledger/duplicates").unwrap_or(f64::NAN)),
            format!(
                "successful processings beyond a message's first; {} messages applied more than once",
                count(f(v, "/ledger/applied_more_than_once").unwrap_or(f64::NAN))
            ),
        ));
        rows.push(Row::new(
            "losses",
            count(f(v, "/review/whole/lost").unwrap_or(f64::NAN)),
            "expired, dropped, rejected, lost at producers or push endpoints",
        ));
    }
    let refusals = f(v, "/ledger/rejected").unwrap_or(0.0)
        + sum(v, "producers", "/publish/refusals")
        + sum(v, "clients", "/rejections")
        + sum(v, "databases", "/refusals");
    rows.push(Row::new(
        "refusals",
        count(refusals),
        "publishes a full queue refused, producer publish refusals, client rejections, database connection refusals",
    ));
    let db_crashes = sum(v, "databases", "/crashes");
    let producer_crashes = items(v, "producers")
        .iter()
        .filter(|p| f(p, "/publish/crashed_at_s").is_some())
        .count() as f64;
    rows.push(Row::new(
        "crashes",
        count(db_crashes + producer_crashes),
        format!(
            "database crashes {}, producers out of memory {}",
            count(db_crashes),
            count(producer_crashes)
        ),
    ));
    for c in items(v, "clients") {
        rows.push(Row::new(
            "client",
            format!(
                "{} of {} requests succeeded",
                count(f(c, "/successes").unwrap_or(f64::NAN)),
                count(f(c, "/requests").unwrap_or(f64::NAN))
            ),
            format!(
                "{} → {}: {} attempts (×{}), {} gave up",
                s(c, "/name").unwrap_or_default(),
                s(c, "/target").unwrap_or_default(),
                count(f(c, "/attempts").unwrap_or(f64::NAN)),
                number(f(c, "/amplification").unwrap_or(f64::NAN)),
                count(f(c, "/gave_up").unwrap_or(f64::NAN))
            ),
        ));
        // A queue's client: the jobs processed for nobody.
        if let Some(late) = f(c, "/jobs/completed_late") {
            rows.push(Row::new(
                "jobs",
                format!(
                    "{} completed after their client gave up on them",
                    count(late)
                ),
                format!(
                    "{} of the jobs completed: work for nobody; {} submitted",
                    percent(f(c, "/jobs/wasted_share").unwrap_or(f64::NAN)),
                    count(f(c, "/jobs/submitted").unwrap_or(f64::NAN))
                ),
            ));
        }
    }
    if let Some(r) = v.get("recovery").filter(|r| !r.is_null()) {
        let what = match r.get("recovered").and_then(Value::as_bool) {
            Some(true) => {
                let at = f(r, "/recovered_at_s").unwrap_or(f64::NAN);
                let by = f(r, "/should_recover_by_s").unwrap_or(f64::NAN);
                if at > by {
                    format!(
                        "recovered at {}, {} late (expected by {})",
                        secs(at),
                        secs(at - by),
                        secs(by)
                    )
                } else {
                    format!("recovered at {}", secs(at))
                }
            }
            Some(false) => format!(
                "not recovered by {}",
                secs(f(r, "/should_recover_by_s").unwrap_or(f64::NAN))
            ),
            None if s(r, "/shortfall") == Some("nothing_offered") => {
                "not judged (nothing was offered in the run's last window)".into()
            }
            None => "not judged (the run ended within one window of the trigger)".into(),
        };
        rows.push(Row::new(
            "recovery",
            what,
            format!(
                "after the trigger “{}”",
                s(r, "/trigger").unwrap_or_default()
            ),
        ));
    }
    for a in items(v, "alarms") {
        let name = s(a, "/name").unwrap_or_default();
        let watched = format!(
            "{} on {}",
            s(a, "/metric").unwrap_or_default(),
            s(a, "/component").unwrap_or_default()
        );
        let (value, note) = match f(a, "/first_fired_at_s") {
            None => (format!("{name}: never fired"), watched),
            Some(at) => {
                let after = match (s(a, "/trigger"), f(a, "/detected_after_s")) {
                    (Some(t), Some(d)) => format!("{} after “{t}”", secs(d)),
                    _ => "no trigger before it".into(),
                };
                let arrived = f(a, "/arrived_before_firing")
                    .map(|n| format!("; {} arrived before it", count(n)))
                    .unwrap_or_default();
                (
                    format!("{name}: fired at {}", secs(at)),
                    format!(
                        "{watched}; {after}{arrived}; in ALARM for {}",
                        secs(f(a, "/in_alarm_s").unwrap_or(f64::NAN))
                    ),
                )
            }
        };
        rows.push(Row::new("alarm", value, note));
    }
    for c in items(v, "slo") {
        if let Ok(c) = serde_json::from_value::<crate::run::SloCheck>(c.clone()) {
            let line = crate::export::objectives::slo_line(&c);
            rows.push(Row::new("SLO", line, "from the scenario's [slo]"));
        }
    }
    if let Some(c) = v
        .get("cost")
        .and_then(|c| serde_json::from_value::<crate::cost::Cost>(c.clone()).ok())
    {
        // The total as the number; its rates in the note, which wraps (a
        // number cell does not, and the whole line widened the column past
        // the page).
        rows.push(Row::new(
            "cost",
            crate::export::objectives::cost_total(&c),
            crate::export::objectives::cost_rates(&c),
        ));
    }
    for t in items(v, "theory") {
        let judged = match t.get("agrees").and_then(Value::as_bool) {
            Some(true) => "agrees with theory",
            Some(false) => "DEPARTS from theory beyond the run's 95 % interval",
            None => "the run is too short to judge",
        };
        rows.push(Row::new(
            "theory",
            format!(
                "{} {}: {} predicted, {} ± {} simulated",
                s(t, "/model").unwrap_or_default(),
                s(t, "/quantity").unwrap_or_default().replace('_', " "),
                number(f(t, "/predicted").unwrap_or(f64::NAN)),
                number(f(t, "/simulated").unwrap_or(f64::NAN)),
                number(f(t, "/half_width").unwrap_or(f64::NAN))
            ),
            match s(t, "/consumer").filter(|c| !c.is_empty()) {
                Some(consumer) => format!(
                    "{} → {consumer}: {judged}",
                    s(t, "/queue").unwrap_or_default()
                ),
                // Little's law: the queue alone, and its λ and W.
                None => format!(
                    "{}: λ = {}/s, W = {} s: {judged}",
                    s(t, "/queue").unwrap_or_default(),
                    number(f(t, "/arrival_rate_per_s").unwrap_or(f64::NAN)),
                    number(f(t, "/mean_time_in_queue_s").unwrap_or(f64::NAN))
                ),
            },
        ));
    }
    rows
}
