//! Tests of what parameter sweeps need: bands, markers, a log x axis and marker
//! lines for instants.

use super::layout::Plan;
use super::legend::Swatch;
use super::test_support::{TempDir, read, sweep, wave};
use super::*;

#[test]
fn sweep_charts_render_byte_identically_on_either_x_scale() {
    let dir = TempDir::new("sweep");
    let chart = sweep();
    for scale in [XScale::Linear, XScale::Log] {
        let first = chart.write_with(&dir.0.join("a"), scale).expect("first");
        let second = chart.write_with(&dir.0.join("b"), scale).expect("second");
        for (a, b) in first.iter().zip(&second) {
            let (a, b) = (read(a), read(b));
            assert!(!a.is_empty());
            assert_eq!(a, b, "{scale:?}: renders differ");
        }
        let svg = String::from_utf8(read(&first[1])).expect("utf-8 svg");
        assert!(svg.contains("collapse point: 800 messages/s"));
    }
}

#[test]
fn sweep_plan_has_bands_markers_and_a_marker_line() {
    style::register_fonts();
    let plan = Plan::new(&sweep(), XScale::Linear).expect("plan");
    assert_eq!(plan.lines.len(), 3);
    for line in &plan.lines {
        assert_eq!(line.markers.len(), 10);
        let band = line.band.as_ref().expect("band");
        assert_eq!(band.len(), 1);
        assert_eq!(band[0].len(), 20, "upper and lower edge");
    }
    // Markers keep clear of the axes: the x axis reaches beyond the data.
    assert!(plan.x.lo < 100.0 && plan.x.hi > 1000.0, "{:?}", plan.x);
    assert!(plan.bands.is_empty());
    assert_eq!(plan.instants.len(), 1);
    let legend = plan.legend.expect("legend");
    let swatches: Vec<&Swatch> = legend.entries.iter().map(|(s, _)| s).collect();
    assert!(matches!(
        swatches[0],
        Swatch::Line {
            band: true,
            markers: true,
            ..
        }
    ));
    assert!(matches!(swatches[3], Swatch::Instant(_)));
    let label = plan.annotations.iter().find(|a| a.halo).expect("label");
    let line_x = plan.instants[0].0;
    assert!(
        label.bbox.l > line_x || label.bbox.r < line_x,
        "the label must not cross its line"
    );
}

#[test]
fn log_x_axis_leaves_non_positive_x_out() {
    style::register_fonts();
    let chart = TimeChart {
        series: vec![Series {
            markers: true,
            band: Some(vec![(0.5, 2.0); 4]),
            ..Series::new("s", vec![(-1.0, 1.0), (0.0, 1.0), (1.0, 1.0), (100.0, 1.0)])
        }],
        ..TimeChart::default()
    };
    let plan = Plan::new(&chart, XScale::Log).expect("plan");
    assert!(plan.x.log);
    assert_eq!(plan.lines[0].markers.len(), 2);
    let labels: Vec<&str> = plan.x.ticks.iter().map(|t| t.1.as_str()).collect();
    assert_eq!(labels.first(), Some(&"1"));
    assert_eq!(labels.last(), Some(&"100"));
}

#[test]
fn dense_series_go_without_markers() {
    style::register_fonts();
    let chart = TimeChart {
        series: vec![Series {
            markers: true,
            ..Series::new("dense", wave(2_000, 100.0, |x| x))
        }],
        ..TimeChart::default()
    };
    let plan = Plan::new(&chart, XScale::Linear).expect("plan");
    assert!(plan.lines[0].markers.is_empty());
}

#[test]
fn odd_bands_render_and_a_band_of_the_wrong_length_is_an_error() {
    let dir = TempDir::new("bands");
    let nan = f64::NAN;
    let points = vec![(1.0, 1.0), (2.0, 2.0), (3.0, nan), (4.0, 3.0)];
    let banded = |band: Vec<(f64, f64)>, y_log: bool| TimeChart {
        series: vec![Series {
            band: Some(band),
            ..Series::new("s", points.clone())
        }],
        y_scale: if y_log { YScale::Log } else { YScale::Linear },
        ..TimeChart::default()
    };
    let odd = vec![(0.5, 2.0), (nan, 3.0), (f64::INFINITY, 1.0), (4.0, 2.0)];
    let below_zero = vec![(-1.0, 2.0), (0.0, 3.0), (1.0, 4.0), (-5.0, -1.0)];
    for (name, chart) in [
        ("odd", banded(odd, false)),
        ("log_below_zero", banded(below_zero, true)),
        (
            "lone_points",
            banded(vec![(0.0, 1.0), (nan, nan), (2.0, 4.0), (nan, 1.0)], false),
        ),
    ] {
        for scale in [XScale::Linear, XScale::Log] {
            let paths = chart
                .write_with(&dir.0.join(format!("{name}-{scale:?}")), scale)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!read(&paths[0]).is_empty());
        }
    }
    let short = banded(vec![(0.0, 1.0)], false);
    let err = short.write(&dir.0.join("short")).expect_err("mismatch");
    assert!(
        err.to_string()
            .contains("band has 1 (low, high) pairs for 4 points"),
        "{err}"
    );
    assert!(!dir.0.join("short.png").exists());
}

/// A share of replications (0 or 1 at every point) spans 0 to 1: as plain
/// values its whole ticks ran to 2, an axis no share can reach.
#[test]
fn a_share_of_replications_spans_zero_to_one() {
    style::register_fonts();
    let share = TimeChart {
        series: vec![Series::new(
            "collapsed",
            vec![(60.0, 0.0), (100.0, 0.0), (110.0, 1.0), (130.0, 1.0)],
        )],
        ..sweep()
    };
    let counts = Plan::new(&share, XScale::Linear).expect("plan");
    assert_eq!(counts.y.hi, 2.0);
    let share = TimeChart {
        y_scale: YScale::Share,
        ..share
    };
    let plan = Plan::new(&share, XScale::Linear).expect("plan");
    assert_eq!((plan.y.lo, plan.y.hi), (0.0, 1.0));
}

/// Each replication where they disagree is a series of lone dots in its
/// line's colour: the legend shows a dot for it, and neither it nor the
/// line turns dashed to tell them apart (the dashes of a dot mean nothing;
/// the legend showed a dashed line, drawn nowhere).
#[test]
fn replications_drawn_as_dots_have_a_dot_in_the_legend() {
    style::register_fonts();
    let mut mean = Series::new("mean", vec![(50.0, 0.0), (60.0, 0.67), (70.0, 5.0)]);
    mean.markers = true;
    mean.color = Some(0);
    let nan = (f64::NAN, f64::NAN);
    let mut each = Series::new(
        "each replication, where they disagree",
        vec![(60.0, 0.0), nan, (60.0, 1.0), nan, (60.0, 1.0), nan],
    );
    each.color = Some(0);
    let chart = TimeChart {
        series: vec![mean, each],
        ..TimeChart::default()
    };
    let plan = Plan::new(&chart, XScale::Linear).expect("plan");
    assert!(plan.lines.iter().all(|l| !l.dashed));
    let legend = plan.legend.expect("legend");
    assert!(matches!(
        legend.entries[0].0,
        Swatch::Line { dashed: false, .. }
    ));
    assert!(matches!(legend.entries[1].0, Swatch::Dots(_)));
}
