//! Fixtures shared by the chart tests.

use super::{Limit, Series, TimeChart, Window, YScale};
use std::path::{Path, PathBuf};

/// A fresh directory under the system temp dir, removed on drop.
pub(crate) struct TempDir(pub(crate) PathBuf);

impl TempDir {
    pub(crate) fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("flowsim-charts-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub(crate) fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Renders twice with `write` (stem -> [png, svg]) and checks both files are
/// non-empty, byte-identical across the renders, a PNG and a 1280×720 SVG.
/// Returns the SVG text for further checks.
pub(crate) fn assert_identical_renders(
    dir: &Path,
    write: impl Fn(&Path) -> Result<[PathBuf; 2], crate::charts::ChartError>,
) -> String {
    let first = write(&dir.join("a")).expect("first render");
    let second = write(&dir.join("b")).expect("second render");
    assert_eq!(first[0], dir.join("a.png"));
    assert_eq!(first[1], dir.join("a.svg"));
    for (a, b) in first.iter().zip(&second) {
        let (a, b) = (read(a), read(b));
        assert!(!a.is_empty());
        assert_eq!(a, b, "renders differ");
    }
    assert!(read(&first[0]).starts_with(b"\x89PNG"));
    let svg = String::from_utf8(read(&first[1])).expect("utf-8 svg");
    assert!(svg.starts_with("<svg width=\"1280\" height=\"720\""));
    svg
}

/// `n` evenly spaced samples of `f` over [0, span).
pub(crate) fn wave(n: usize, span: f64, f: impl Fn(f64) -> f64) -> Vec<(f64, f64)> {
    (0..n)
        .map(|i| {
            let x = i as f64 * span / n as f64;
            (x, f(x))
        })
        .collect()
}

/// Two primary series (one filled, one dashed), a secondary one, a limit and a
/// window: every element of the chart.
pub(crate) fn demo(points: usize) -> TimeChart {
    TimeChart {
        title: "Backlog under a consumer outage".into(),
        subtitle: Some("scenarios/outage.toml · seed 42".into()),
        x_label: "simulated time (s)".into(),
        y_label: "messages".into(),
        series: vec![
            Series {
                fill: true,
                ..Series::new(
                    "backlog",
                    wave(points, 600.0, |x| 1200.0 + 400.0 * (x / 40.0).sin()),
                )
            },
            Series {
                dashed: true,
                ..Series::new(
                    "in flight",
                    wave(points, 600.0, |x| 800.0 + 100.0 * (x / 9.0).cos()),
                )
            },
        ],
        y2_label: Some("age of oldest message (s)".into()),
        series2: vec![Series::new(
            "age of oldest (right axis)",
            wave(600, 600.0, |x| {
                if (300.0..420.0).contains(&x) {
                    (x - 300.0) * 0.3
                } else {
                    0.5
                }
            }),
        )],
        limits: vec![Limit {
            label: "queue limit".into(),
            value: 2000.0,
        }],
        windows: vec![Window {
            label: "consumer outage".into(),
            from_x: 300.0,
            to_x: 360.0,
            ..Default::default()
        }],
        y_scale: YScale::Linear,
    }
}

/// A parameter sweep: three metrics (mean with a 95% confidence band, markers)
/// over ten arrival rates, with the collapse point marked.
pub(crate) fn sweep() -> TimeChart {
    let rates = [
        100.0, 200.0, 300.0, 400.0, 500.0, 600.0, 700.0, 800.0, 900.0, 1000.0,
    ];
    let metric = |label: &str, scale: f64, dashed: bool| {
        let mean = |r: f64| scale * (0.05 + 1.0 / (1050.0 - r));
        let points: Vec<(f64, f64)> = rates.iter().map(|&r| (r, mean(r))).collect();
        let band = points
            .iter()
            .map(|&(r, m)| (m * (1.0 - r / 4000.0), m * (1.0 + r / 3000.0)))
            .collect();
        Series {
            dashed,
            band: Some(band),
            markers: true,
            ..Series::new(label, points)
        }
    };
    TimeChart {
        title: "End-to-end latency against the arrival rate".into(),
        subtitle: Some(
            "scenarios/orders.toml · 10 replications per point · mean with 95% CI".into(),
        ),
        x_label: "producer[0].rate (messages/s)".into(),
        y_label: "end-to-end latency (s)".into(),
        series: vec![
            metric("p50 latency", 1.0, false),
            metric("p95 latency", 2.5, false),
            metric("p99 latency", 4.0, true),
        ],
        windows: vec![Window {
            label: "collapse point: 800 messages/s".into(),
            from_x: 800.0,
            to_x: 800.0,
            ..Default::default()
        }],
        ..TimeChart::default()
    }
}
