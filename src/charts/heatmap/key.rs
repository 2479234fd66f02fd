//! The key above the grid's right end: what hatched cells, × and the thick line
//! mean (only those that occur).

use super::HeatMap;
use crate::charts::timechart::rect::{Rect, rect};
use crate::charts::timechart::text::{CAP_HEIGHT, PlacedText, TextSpec, text_width};
use crate::charts::{DrawError, style};

const SWATCH_W: f64 = 22.0;
const SWATCH_H: f64 = 16.0;
/// Between a swatch and its text, and between entries.
const INNER_GAP: f64 = 7.0;
const ENTRY_GAP: f64 = 22.0;
/// Space the key takes above the grid.
const ROW_HEIGHT: f64 = SWATCH_H + 14.0;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum KeySwatch {
    NoData,
    /// Marked with a dot rather than ×.
    Collapsed {
        dot: bool,
    },
    Boundary,
}

/// A key entry: its swatch's box and its text.
pub(super) struct KeyEntry {
    pub(super) swatch: KeySwatch,
    pub(super) at: Rect,
    pub(super) text: PlacedText,
}

/// The entries the map needs, not yet placed.
pub(super) struct KeyEntries(Vec<(KeySwatch, &'static str)>);

/// The height of the key row (0 without entries) and its entries.
pub(super) fn key_row(map: &HeatMap) -> (f64, KeyEntries) {
    let no_data = map.values.iter().flatten().any(Option::is_none);
    let collapsed = map.collapsed.iter().flatten().any(|c| *c);
    let stable = map.collapsed.iter().flatten().any(|c| !*c);
    let mut entries = Vec::new();
    if no_data {
        entries.push((KeySwatch::NoData, "no data"));
    }
    if collapsed {
        entries.push((KeySwatch::Collapsed { dot: false }, "collapsed"));
    }
    // The grid is connected: with both kinds of cells some neighbours differ.
    if collapsed && stable {
        entries.push((KeySwatch::Boundary, "collapse boundary"));
    }
    let height = if entries.is_empty() { 0.0 } else { ROW_HEIGHT };
    (height, KeyEntries(entries))
}

impl KeyEntries {
    /// Places the entries in a row ending at `right`, starting at `top`; `dots`
    /// if collapsed cells are marked with dots.
    pub(super) fn place(
        self,
        right: f64,
        top: f64,
        dots: bool,
    ) -> Result<Vec<KeyEntry>, DrawError> {
        let size = style::LEGEND_SIZE;
        let spec = TextSpec::new(size, style::TEXT);
        let mid = top + SWATCH_H / 2.0;
        let mut x = right;
        let mut out = Vec::new();
        for (mut swatch, label) in self.0.into_iter().rev() {
            if let KeySwatch::Collapsed { dot } = &mut swatch {
                *dot = dots;
            }
            let w = text_width(label, size, false)?;
            let text_x = x - w;
            let at = rect(
                (text_x - INNER_GAP - SWATCH_W).round(),
                top.round(),
                (text_x - INNER_GAP).round(),
                (top + SWATCH_H).round(),
            );
            let text = PlacedText {
                text: label.to_string(),
                x: text_x,
                y: mid + CAP_HEIGHT * size / 2.0,
                spec,
            };
            out.push(KeyEntry { swatch, at, text });
            x = at.l - ENTRY_GAP;
        }
        out.reverse();
        Ok(out)
    }
}
