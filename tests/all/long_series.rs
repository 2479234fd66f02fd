//! A long run keeps no row of its time series in memory: timeseries.csv gets
//! every row as it is sampled, and the copy kept for the charts stays within
//! its bound while agreeing with the file, bucket by bucket.

use flowsim::metrics::series::bounded::MAX_ROWS;

/// 20,001 rows, a backlog spike of a few seconds in the middle.
const LONG: &str = r#"
[run]
horizon_s = 20000
[[queue]]
name = "q"
[[producer]]
rate = 5.0
profile = [{ kind = "spike", at_s = 12345, duration_s = 3, factor = 100 }]
[[consumer]]
workers = 2
processing_s = { dist = "constant", mean = 0.1 }
"#;

#[test]
fn a_long_run_streams_every_row_and_keeps_a_bounded_copy() {
    let s = flowsim::load_str("long.toml", LONG).unwrap_or_else(|e| panic!("{e}"));
    let dir = tempfile::tempdir().expect("temp dir");
    let (out, folder) = flowsim::export::run_into(dir.path(), "long", &s, "long.toml")
        .unwrap_or_else(|e| panic!("{e}"));
    let text = std::fs::read_to_string(folder.join("timeseries.csv")).expect("timeseries.csv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let rows: Vec<Vec<f64>> = lines
        // An empty cell is a gauge with no value in its interval (a latency
        // percentile when nothing completed).
        .map(|l| {
            l.split(',')
                .map(|v| match v {
                    "" => f64::NAN,
                    v => v.parse().expect("a number"),
                })
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), 20_001, "the file has every row");

    let copy = &out.series;
    assert_eq!(copy.columns(), header);
    assert!(copy.len() <= MAX_ROWS, "{} rows kept", copy.len());
    let per = copy.samples_per_row();
    assert_eq!(per, 8, "20,001 rows in buckets of 8 fit 4096 rows");
    assert_eq!(copy.len(), rows.len().div_ceil(per));

    let at = |name: &str| header.iter().position(|c| *c == name).expect(name);
    let buckets = || rows.chunks(per);
    // Times: each bucket's last sample's.
    let last_times: Vec<f64> = buckets().map(|b| b[b.len() - 1][0]).collect();
    assert_eq!(copy.column("time_s").unwrap(), last_times);
    // Counters: summed over the bucket.
    for name in ["arrivals", "throughput", "goodput"] {
        let sums: Vec<f64> = buckets()
            .map(|b| b.iter().map(|r| r[at(name)]).sum())
            .collect();
        assert_eq!(copy.column(name).unwrap(), sums, "{name}");
    }
    // Gauges: the last sample, and the lowest and highest.
    for name in ["backlog", "in_flight", "busy_workers"] {
        let i = at(name);
        let last: Vec<f64> = buckets().map(|b| b[b.len() - 1][i]).collect();
        assert_eq!(copy.column(name).unwrap(), last, "{name}");
        for (b, [x, y]) in buckets().zip(copy.extremes(name).unwrap()) {
            let lo = b.iter().map(|r| r[i]).fold(f64::INFINITY, f64::min);
            let hi = b.iter().map(|r| r[i]).fold(f64::NEG_INFINITY, f64::max);
            assert_eq!((x.min(y), x.max(y)), (lo, hi), "{name}");
        }
    }
    // The spike is in the copy as high as in the file.
    let peak = rows.iter().map(|r| r[at("backlog")]).fold(0.0, f64::max);
    assert!(peak > 1000.0, "the spike: {peak}");
    let kept = copy.extremes("backlog").unwrap();
    assert_eq!(kept.iter().flatten().copied().fold(0.0, f64::max), peak);
}
