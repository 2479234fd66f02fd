//! The compact table printed on the terminal after a run.

use crate::run::Summary;
use std::fmt::Write;

/// 1234567 → "1,234,567".
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Seconds with a sensible number of digits.
pub fn secs(s: f64) -> String {
    match s {
        0.0 => "0 s".into(),
        x if x < 0.001 => format!("{:.0} µs", x * 1e6),
        x if x < 1.0 => format!("{:.0} ms", x * 1e3),
        x if x < 100.0 => format!("{x:.2} s"),
        x => format!("{x:.0} s"),
    }
}

pub fn render(s: &Summary, out_dir: Option<&str>) -> String {
    let mut t = String::new();
    let l = &s.ledger;
    let v = &s.verdict;
    let _ = writeln!(
        t,
        "{}  (seed {}, {} simulated, {} events{})",
        s.scenario,
        s.seed,
        secs(s.ended_at_s),
        thousands(s.events),
        if s.stop == "horizon" {
            String::new()
        } else {
            format!(", stopped: {}", s.stop)
        }
    );
    let verdict = if v.collapsed {
        format!(
            "COLLAPSED ({}) at {}: {}",
            v.reason.map(|r| r.name()).unwrap_or_default(),
            secs(v.at_s.unwrap_or(0.0)),
            v.detail
        )
    } else {
        format!("stable: {}", v.detail)
    };
    let _ = writeln!(t, "  verdict     {verdict}");
    let held = l.in_system.visible + l.in_system.in_flight + l.in_system.delayed;
    let _ = writeln!(
        t,
        "  messages    produced {}  processed {}  dead-lettered {}  expired {}  dropped {}  rejected {}  still queued {}",
        thousands(l.produced),
        thousands(l.processed),
        thousands(l.dead_lettered),
        thousands(l.expired),
        thousands(l.dropped),
        thousands(l.rejected),
        thousands(held)
    );
    let _ = writeln!(
        t,
        "  rates       arrivals {:.1}/s  goodput {:.1}/s  duplicates {}  applied twice+ {}  DLQ'd after success {}",
        s.arrival_rate_per_s,
        s.goodput_per_s,
        thousands(l.duplicates),
        thousands(l.applied_more_than_once),
        thousands(l.dead_lettered_after_success)
    );
    for (name, lat) in [
        ("end-to-end", &s.latency.end_to_end),
        ("queue wait", &s.latency.queue_wait),
    ] {
        let _ = writeln!(
            t,
            "  {:<11} mean {}  p50 {}  p90 {}  p99 {}  max {}",
            name,
            secs(lat.mean_s),
            secs(lat.p50_s),
            secs(lat.p90_s),
            secs(lat.p99_s),
            secs(lat.max_s)
        );
    }
    if let Some(d) = out_dir {
        let _ = writeln!(t, "  outputs     {d}");
    }
    t
}
