//! What a heat map's input must satisfy to be drawn.

use super::HeatMap;

/// A heat map whose input cannot be drawn; `axis` is "x" or "y", `grid` is
/// "values" or "collapsed".
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("no {axis} values")]
    NoValues { axis: &'static str },
    #[error("{axis} value {value} is not finite")]
    NotFinite { axis: &'static str, value: f64 },
    #[error("{axis} values must be distinct and ascending: {before} comes before {after}")]
    NotAscending {
        axis: &'static str,
        before: f64,
        after: f64,
    },
    #[error("{grid} has {rows} rows for {ny} y values")]
    Rows {
        grid: &'static str,
        rows: usize,
        ny: usize,
    },
    #[error("{grid} row {row} has {entries} entries for {nx} x values")]
    Entries {
        grid: &'static str,
        row: usize,
        entries: usize,
        nx: usize,
    },
    #[error("value at x = {x}, y = {y} is {value}")]
    ValueNotFinite { x: f64, y: f64, value: f64 },
    #[error("log colour scale needs positive values; at x = {x}, y = {y} it is {value}")]
    NotPositive { x: f64, y: f64, value: f64 },
}

/// Checks axes (non-empty, finite, strictly ascending), shapes (`values` and
/// `collapsed` have a row per y value and an entry per x value) and values
/// (finite, and positive on a log colour scale).
pub(super) fn check(map: &HeatMap) -> Result<(), InputError> {
    axis_values("x", &map.xs)?;
    axis_values("y", &map.ys)?;
    let (nx, ny) = (map.xs.len(), map.ys.len());
    shape("values", &map.values, nx, ny)?;
    shape("collapsed", &map.collapsed, nx, ny)?;
    for (row, &y) in map.values.iter().zip(&map.ys) {
        for (v, &x) in row.iter().zip(&map.xs) {
            match *v {
                Some(value) if !value.is_finite() => {
                    return Err(InputError::ValueNotFinite { x, y, value });
                }
                Some(value) if map.log_colour && value <= 0.0 => {
                    return Err(InputError::NotPositive { x, y, value });
                }
                _ => {}
            }
        }
    }
    Ok(())
}

fn axis_values(axis: &'static str, values: &[f64]) -> Result<(), InputError> {
    if values.is_empty() {
        return Err(InputError::NoValues { axis });
    }
    if let Some(&value) = values.iter().find(|v| !v.is_finite()) {
        return Err(InputError::NotFinite { axis, value });
    }
    match values.windows(2).find(|w| w[0] >= w[1]) {
        Some(w) => Err(InputError::NotAscending {
            axis,
            before: w[0],
            after: w[1],
        }),
        None => Ok(()),
    }
}

fn shape<T>(grid: &'static str, rows: &[Vec<T>], nx: usize, ny: usize) -> Result<(), InputError> {
    if rows.len() != ny {
        return Err(InputError::Rows {
            grid,
            rows: rows.len(),
            ny,
        });
    }
    match rows.iter().position(|r| r.len() != nx) {
        Some(row) => Err(InputError::Entries {
            grid,
            row,
            entries: rows[row].len(),
            nx,
        }),
        None => Ok(()),
    }
}
