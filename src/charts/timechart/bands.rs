//! Uncertainty bands: the drawable runs of a series' (low, high) pairs, and their
//! outlines in pixels.

use super::Series;
use super::axis::Axis;
use super::layout::Mapper;
use crate::charts::DrawError;

/// Runs of consecutive drawable (x, low, high) triples of one band, low <= high.
/// On a log axis a low edge <= 0 is kept: it is drawn at the bottom of the plot.
pub(super) type BandRuns = Vec<Vec<(f64, f64, f64)>>;

/// Half the width of the bar drawn for a band point with no drawable neighbour.
const LONE_HALF_WIDTH: f64 = 4.0;

/// The band of `series` split into runs at pairs that cannot be drawn; an error if
/// its length differs from the series'.
pub(super) fn band_runs(series: &Series, x_log: bool, y_log: bool) -> Result<BandRuns, DrawError> {
    let Some(band) = &series.band else {
        return Ok(Vec::new());
    };
    if band.len() != series.points.len() {
        return Err(DrawError::BandLength {
            label: series.label.clone(),
            pairs: band.len(),
            points: series.points.len(),
        });
    }
    let drawable = |x: f64, a: f64, b: f64| {
        x.is_finite()
            && a.is_finite()
            && b.is_finite()
            && (!x_log || x > 0.0)
            && (!y_log || a.max(b) > 0.0)
    };
    let mut runs: BandRuns = vec![Vec::new()];
    for (&(x, _), &(a, b)) in series.points.iter().zip(band) {
        match runs.last_mut() {
            Some(run) if drawable(x, a, b) => run.push((x, a.min(b), a.max(b))),
            Some(run) if !run.is_empty() => runs.push(Vec::new()),
            _ => {}
        }
    }
    runs.retain(|r| !r.is_empty());
    Ok(runs)
}

/// Closed outlines of the band in pixels: the high edge left to right, then the low
/// edge back. Long runs keep, per pixel column, the widest extent (which draws the
/// same area when x is non-decreasing); a lone point becomes a narrow bar.
pub(super) fn band_polygons(
    runs: &BandRuns,
    map: &Mapper,
    axis: &Axis,
    max_points: usize,
) -> Vec<Vec<(f64, f64)>> {
    let bottom = map.plot.b;
    let to_px = |&(x, lo, hi): &(f64, f64, f64)| {
        let (px, top) = map.point(axis, (x, hi))?;
        let low = map.point(axis, (x, lo)).map_or(bottom, |p| p.1);
        Some((px, top, low))
    };
    runs.iter()
        .map(|run| {
            let px: Vec<(f64, f64, f64)> = run.iter().filter_map(to_px).collect();
            let px = envelope(px, max_points);
            match px.as_slice() {
                [] => Vec::new(),
                [(x, top, low)] => {
                    let (l, r) = (x - LONE_HALF_WIDTH, x + LONE_HALF_WIDTH);
                    vec![(l, *top), (r, *top), (r, *low), (l, *low)]
                }
                _ => {
                    let upper = px.iter().map(|&(x, top, _)| (x, top));
                    let lower = px.iter().rev().map(|&(x, _, low)| (x, low));
                    upper.chain(lower).collect()
                }
            }
        })
        .filter(|p| !p.is_empty())
        .collect()
}

/// (pixel x, top, bottom) thinned to one entry per pixel column with the column's
/// highest top and lowest bottom (pixel y grows downwards).
fn envelope(px: Vec<(f64, f64, f64)>, max_points: usize) -> Vec<(f64, f64, f64)> {
    let monotone = px.windows(2).all(|w| w[0].0 <= w[1].0);
    if px.len() <= max_points || !monotone {
        return px;
    }
    px.chunk_by(|a, b| a.0.floor() == b.0.floor())
        .map(|column| {
            column
                .iter()
                .skip(1)
                .fold(column[0], |(x, t, b), p| (x, t.min(p.1), b.max(p.2)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn banded(points: Vec<(f64, f64)>, band: Vec<(f64, f64)>) -> Series {
        Series {
            band: Some(band),
            ..Series::new("s", points)
        }
    }

    #[test]
    fn bands_split_at_undrawable_pairs_and_must_match_the_points() {
        let nan = f64::NAN;
        let points = vec![(0.0, 1.0), (1.0, nan), (2.0, 1.0), (3.0, 1.0), (4.0, 1.0)];
        let band = vec![(0.5, 2.0), (3.0, 1.0), (nan, 1.0), (-1.0, 2.0), (0.0, 0.5)];
        let s = banded(points.clone(), band);
        assert_eq!(
            band_runs(&s, false, false).expect("runs"),
            [
                vec![(0.0, 0.5, 2.0), (1.0, 1.0, 3.0)],
                vec![(3.0, -1.0, 2.0), (4.0, 0.0, 0.5)]
            ]
        );
        // On a log axis a low edge <= 0 stays (drawn to the bottom); x <= 0 does not.
        assert_eq!(
            band_runs(&s, true, true).expect("runs"),
            [
                vec![(1.0, 1.0, 3.0)],
                vec![(3.0, -1.0, 2.0), (4.0, 0.0, 0.5)]
            ]
        );
        assert!(
            band_runs(&Series::new("s", points.clone()), false, false)
                .expect("no band")
                .is_empty()
        );
        let short = banded(points, vec![(0.0, 1.0)]);
        let err = band_runs(&short, false, false).expect_err("length mismatch");
        assert!(
            matches!(
                err,
                DrawError::BandLength {
                    pairs: 1,
                    points: 5,
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("1 (low, high) pairs for 5 points"));
    }

    #[test]
    fn envelope_keeps_the_widest_extent_per_column() {
        let px = vec![(0.2, 5.0, 9.0), (0.7, 3.0, 8.0), (1.1, 4.0, 6.0)];
        assert_eq!(envelope(px.clone(), 10), px);
        assert_eq!(envelope(px, 2), [(0.2, 3.0, 9.0), (1.1, 4.0, 6.0)]);
    }
}
