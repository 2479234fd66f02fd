//! Heat maps of a metric over two swept parameters, written as PNG and SVG.
//!
//! `check` validates the input; `scale` maps values onto the colour map
//! (`colormap`) and picks the colour bar's ticks; `layout` places the frame,
//! `cells` the grid and `key` the key, in output pixels; `draw` paints the plan
//! with the line charts' canvas, and the files are written like theirs.

mod cells;
mod check;
mod colormap;
mod draw;
mod key;
mod layout;
mod scale;
#[cfg(test)]
pub(crate) mod tests;

pub use check::InputError;

use super::style;
use super::timechart::render::{append_extension, write_png_and_svg};
use super::{ChartError, IntoTarget};
use layout::Plan;
use std::path::PathBuf;

/// A metric over two parameters: one cell per (x, y) pair, coloured by value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HeatMap {
    pub title: String,
    /// Small line under the title (e.g. scenario file and replications).
    pub subtitle: Option<String>,
    /// First parameter (columns), e.g. "consumer[0].workers".
    pub x_label: String,
    /// Second parameter (rows).
    pub y_label: String,
    /// Colour bar label, with unit, e.g. "p99 end-to-end latency (s)".
    pub value_label: String,
    /// Distinct x values, ascending. Columns have equal widths whatever the
    /// spacing of the values, and are labelled with them.
    pub xs: Vec<f64>,
    /// Distinct y values, ascending (rows from the bottom up).
    pub ys: Vec<f64>,
    /// Tick labels for `xs` and `ys` (a parameter whose values are words);
    /// empty: the numbers.
    pub x_names: Vec<String>,
    pub y_names: Vec<String>,
    /// `values[yi][xi]`; `None` = no data (drawn grey and hatched).
    pub values: Vec<Vec<Option<f64>>>,
    /// Same shape as `values`: collapsed cells are marked with ×, and a thick line
    /// runs between collapsed and stable neighbours.
    pub collapsed: Vec<Vec<bool>>,
    /// Colours on log10 of the values (which must then be positive).
    pub log_colour: bool,
}

impl HeatMap {
    /// Writes `<stem>.png` (1280x720) and `<stem>.svg`, each whole or not at all;
    /// returns the two paths, PNG first. Input that cannot be drawn (no x or y
    /// values, values not ascending, shapes that do not match, NaN or infinite
    /// values, values <= 0 on a log colour scale, more cells than pixels) is an
    /// error, and nothing is written.
    pub fn write(&self, to: impl IntoTarget) -> Result<[PathBuf; 2], ChartError> {
        let to = to.into_target();
        let png = append_extension(&to.stem, "png");
        let svg = append_extension(&to.stem, "svg");
        check::check(self).map_err(|e| ChartError::draw(&png, e.into()))?;
        if to.options.formats == crate::charts::Formats::None {
            return Ok([png, svg]);
        }
        style::register_fonts();
        let plan = Plan::new(self).map_err(|e| ChartError::draw(&png, e))?;
        write_png_and_svg(&plan, &png, &svg, &to.options)?;
        Ok([png, svg])
    }
}
