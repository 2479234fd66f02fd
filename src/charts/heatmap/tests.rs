//! Rendering tests of heat maps.

use super::*;
use crate::charts::timechart::test_support::{TempDir, assert_identical_renders, read};

/// p99 latency over workers and arrival rate: 6 x 8 cells, collapsed where the
/// load exceeds the pool, two cells without data; log colours.
pub(crate) fn demo() -> HeatMap {
    let xs = vec![10.0, 20.0, 50.0, 100.0, 200.0, 500.0];
    let ys = vec![100.0, 200.0, 400.0, 800.0, 1600.0, 3200.0, 6400.0, 12800.0];
    let load = |w: f64, r: f64| r * 0.05 / w;
    let values = ys
        .iter()
        .map(|&r| {
            xs.iter()
                .map(|&w| {
                    let rho = load(w, r);
                    Some(if rho < 1.0 {
                        0.05 + 0.2 * rho / (1.0 - rho)
                    } else {
                        30.0 + 10.0 * rho.ln()
                    })
                })
                .collect::<Vec<_>>()
        })
        .collect::<Vec<_>>();
    let collapsed = ys
        .iter()
        .map(|&r| xs.iter().map(|&w| load(w, r) >= 1.0).collect())
        .collect();
    let mut map = HeatMap {
        title: "p99 end-to-end latency over pool size and arrival rate".into(),
        subtitle: Some(
            "scenarios/orders.toml · mean of 10 replications · collapsed cells marked".into(),
        ),
        x_label: "consumer[0].workers".into(),
        y_label: "producer[0].rate (messages/s)".into(),
        value_label: "p99 end-to-end latency (s)".into(),
        xs,
        ys,
        x_names: vec![],
        y_names: vec![],
        values,
        collapsed,
        log_colour: true,
    };
    map.values[2][0] = None;
    map.values[7][5] = None;
    map
}

#[test]
fn writes_png_and_svg_byte_identically_across_runs() {
    let dir = TempDir::new("heatmap-identical");
    let map = demo();
    let svg = assert_identical_renders(&dir.0, |stem| map.write(stem));
    for text in [
        "p99 end-to-end latency (s)",
        "collapse boundary",
        "no data",
        "12.8k",
    ] {
        assert!(svg.contains(text), "{text} missing");
    }
}

#[test]
fn unusual_but_valid_maps_render() {
    let dir = TempDir::new("heatmap-valid");
    let one = HeatMap {
        xs: vec![1.0],
        ys: vec![2.0],
        values: vec![vec![Some(0.0)]],
        collapsed: vec![vec![true]],
        ..HeatMap::default()
    };
    let no_values = HeatMap {
        values: vec![vec![None]],
        ..one.clone()
    };
    let (nx, ny) = (60, 40);
    let big = HeatMap {
        xs: (0..nx).map(f64::from).collect(),
        ys: (0..ny).map(|j| f64::from(j) / 3.0).collect(),
        values: (0..ny)
            .map(|j| (0..nx).map(|i| Some(f64::from(i * j) - 100.0)).collect())
            .collect(),
        collapsed: (0..ny)
            .map(|j| (0..nx).map(|i| i + j > 70).collect())
            .collect(),
        ..HeatMap::default()
    };
    for (name, map) in [("one", one), ("no_values", no_values), ("big", big)] {
        let paths = map
            .write(&dir.0.join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        paths
            .iter()
            .for_each(|p| assert!(!read(p).is_empty(), "{name}"));
    }
}

#[test]
fn bad_input_is_an_error_and_writes_nothing() {
    let dir = TempDir::new("heatmap-bad");
    let good = demo();
    let mut cases: Vec<(&str, HeatMap, &str)> = Vec::new();
    let mut with = |name, message, f: &dyn Fn(&mut HeatMap)| {
        let mut map = good.clone();
        f(&mut map);
        cases.push((name, map, message));
    };
    with("default", "no x values", &|_| {});
    with("no_x", "no x values", &|m| m.xs.clear());
    with("no_y", "no y values", &|m| m.ys.clear());
    with("nan_x", "not finite", &|m| m.xs[1] = f64::NAN);
    with("descending", "ascending", &|m| m.ys.swap(0, 1));
    with("repeated", "ascending", &|m| m.xs[1] = m.xs[0]);
    with("rows", "values has 7 rows for 8 y values", &|m| {
        m.values.pop();
    });
    with("columns", "collapsed row 3 has 5 entries", &|m| {
        m.collapsed[3].pop();
    });
    with("nan", "is NaN", &|m| m.values[1][1] = Some(f64::NAN));
    with("inf", "is inf", &|m| m.values[1][1] = Some(f64::INFINITY));
    with("log_zero", "positive", &|m| m.values[0][0] = Some(0.0));
    with("too_many", "do not fit", &|m| {
        m.xs = (0..2000).map(f64::from).collect();
        m.values = vec![vec![None; 2000]; 8];
        m.collapsed = vec![vec![false; 2000]; 8];
    });
    // `HeatMap::default()` gets the demo's check order: x first.
    cases[0].1 = HeatMap::default();
    for (name, map, message) in cases {
        let err = map.write(&dir.0.join(name)).expect_err(name).to_string();
        assert!(err.contains(message), "{name}: {err}");
        assert!(!dir.0.join(format!("{name}.png")).exists(), "{name}");
    }
    assert_eq!(std::fs::read_dir(&dir.0).expect("list").count(), 0);
}

#[test]
fn words_label_the_values_of_a_parameter_given_as_words() {
    let dir = TempDir::new("heatmap-words");
    let map = HeatMap {
        xs: vec![5.0, 10.0],
        ys: vec![0.0, 1.0],
        y_names: vec!["none".into(), "decorrelated".into()],
        values: vec![vec![Some(1.0), Some(2.0)], vec![Some(3.0), Some(4.0)]],
        collapsed: vec![vec![false; 2]; 2],
        ..HeatMap::default()
    };
    let svg = assert_identical_renders(&dir.0, |stem| map.write(stem));
    assert!(svg.contains("\nnone\n") && svg.contains("\ndecorrelated\n"));
    // Numbers stay numbers.
    assert!(svg.contains("\n10\n"));
}
