//! What a heat map's input must satisfy to be drawn.

use super::HeatMap;

/// Checks axes (non-empty, finite, strictly ascending), shapes (`values` and
/// `collapsed` have a row per y value and an entry per x value) and values
/// (finite, and positive on a log colour scale).
pub(super) fn check(map: &HeatMap) -> Result<(), String> {
    axis_values("x", &map.xs)?;
    axis_values("y", &map.ys)?;
    let (nx, ny) = (map.xs.len(), map.ys.len());
    shape("values", &map.values, nx, ny)?;
    shape("collapsed", &map.collapsed, nx, ny)?;
    for (row, y) in map.values.iter().zip(&map.ys) {
        for (v, x) in row.iter().zip(&map.xs) {
            match *v {
                Some(v) if !v.is_finite() => {
                    return Err(format!("value at x = {x}, y = {y} is {v}"));
                }
                Some(v) if map.log_colour && v <= 0.0 => {
                    return Err(format!(
                        "log colour scale needs positive values; at x = {x}, y = {y} it is {v}"
                    ));
                }
                _ => {}
            }
        }
    }
    Ok(())
}

fn axis_values(name: &str, values: &[f64]) -> Result<(), String> {
    if values.is_empty() {
        return Err(format!("no {name} values"));
    }
    if let Some(v) = values.iter().find(|v| !v.is_finite()) {
        return Err(format!("{name} value {v} is not finite"));
    }
    match values.windows(2).find(|w| w[0] >= w[1]) {
        Some(w) => Err(format!(
            "{name} values must be distinct and ascending: {} comes before {}",
            w[0], w[1]
        )),
        None => Ok(()),
    }
}

fn shape<T>(name: &str, rows: &[Vec<T>], nx: usize, ny: usize) -> Result<(), String> {
    if rows.len() != ny {
        return Err(format!("{name} has {} rows for {ny} y values", rows.len()));
    }
    match rows.iter().position(|r| r.len() != nx) {
        Some(i) => Err(format!(
            "{name} row {i} has {} entries for {nx} x values",
            rows[i].len()
        )),
        None => Ok(()),
    }
}
