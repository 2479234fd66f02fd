//! Painting a heat map plan: cells, collapse boundary, values and marks, colour
//! bar, key and text, back to front.

use super::key::{KeyEntry, KeySwatch};
use super::layout::{ColourBar, Plan, TICK_LEN};
use crate::charts::timechart::canvas::{Backend, Canvas, Drawn};
use crate::charts::timechart::rect::Rect;
use crate::charts::timechart::render::Paint;
use crate::charts::{DrawError, style};
use plotters::style::{Color, RGBColor};

/// Cells without data: this grey, hatched in `HATCH`.
const NO_DATA: RGBColor = RGBColor(0xF2, 0xF2, 0xF2);
const HATCH: RGBColor = RGBColor(0xBB, 0xBB, 0xBB);
const HATCH_SPACING: f64 = 7.0;
/// The collapse boundary, with a white halo of `BOUNDARY_HALO` pixels so that it
/// shows on every colour of the map.
const BOUNDARY: RGBColor = style::LIMIT;
const BOUNDARY_HALO: f64 = 1.5;
const CROSS_WIDTH: f64 = 2.0;

impl Paint for Plan {
    fn paint<DB: Backend>(&self, c: &Canvas<DB>) -> Drawn {
        c.area
            .fill(&style::BACKGROUND)
            .map_err(DrawError::backend)?;
        for cell in &self.cells.cells {
            match cell.fill {
                Some(colour) => c.fill_rect(cell.rect, colour.to_rgba())?,
                None => no_data(c, cell.rect)?,
            }
        }
        boundary(c, &self.cells.boundary)?;
        for cell in &self.cells.cells {
            if let Some(label) = &cell.label {
                c.placed(label)?;
            }
            if let Some(m) = cell.mark {
                if m.dot {
                    c.dot(m.at, m.half, m.colour.to_rgba())?;
                } else {
                    cross(c, m.at, m.half, m.colour)?;
                }
            }
        }
        if let Some(bar) = &self.bar {
            colour_bar(c, bar)?;
        }
        self.key.iter().try_for_each(|k| key_entry(c, k))?;
        self.texts.iter().try_for_each(|t| c.placed(t))
    }
}

/// Grey, hatched with lines falling to the right.
fn no_data<DB: Backend>(c: &Canvas<DB>, r: Rect) -> Drawn {
    c.fill_rect(r, NO_DATA.to_rgba())?;
    // Lines x - y = k, clipped to the rectangle.
    let mut k = r.l - r.b + HATCH_SPACING / 2.0;
    while k < r.r - r.t {
        let (x0, x1) = ((r.t + k).max(r.l), (r.b + k).min(r.r));
        if x1 > x0 {
            let line = [(x0, x0 - k), (x1, x1 - k)];
            c.line(&line, HATCH.to_rgba(), 1.0, false)?;
        }
        k += HATCH_SPACING;
    }
    Ok(())
}

fn cross<DB: Backend>(c: &Canvas<DB>, (x, y): (f64, f64), half: f64, colour: RGBColor) -> Drawn {
    let colour = colour.to_rgba();
    let a = [(x - half, y - half), (x + half, y + half)];
    let b = [(x - half, y + half), (x + half, y - half)];
    c.line(&a, colour, CROSS_WIDTH, false)?;
    c.line(&b, colour, CROSS_WIDTH, false)
}

fn boundary<DB: Backend>(c: &Canvas<DB>, segments: &[Rect]) -> Drawn {
    for r in segments {
        c.fill_rect(r.grown(BOUNDARY_HALO), style::BACKGROUND.to_rgba())?;
    }
    for r in segments {
        c.fill_rect(*r, BOUNDARY.to_rgba())?;
    }
    Ok(())
}

fn colour_bar<DB: Backend>(c: &Canvas<DB>, bar: &ColourBar) -> Drawn {
    for (r, colour) in &bar.strips {
        c.fill_rect(*r, colour.to_rgba())?;
    }
    let axis = style::AXIS.to_rgba();
    let r = bar.rect;
    for (y, label) in &bar.ticks {
        c.hline(*y, r.r, r.r + TICK_LEN, axis)?;
        c.placed(label)?;
    }
    Ok(())
}

fn key_entry<DB: Backend>(c: &Canvas<DB>, k: &KeyEntry) -> Drawn {
    let r = k.at;
    let mid = ((r.l + r.r) / 2.0, (r.t + r.b) / 2.0);
    match k.swatch {
        KeySwatch::NoData => no_data(c, r)?,
        KeySwatch::Collapsed { dot: false } => cross(c, mid, 5.0, style::TEXT)?,
        KeySwatch::Collapsed { dot: true } => c.dot(mid, 2.0, style::TEXT.to_rgba())?,
        KeySwatch::Boundary => {
            let line = Rect {
                t: mid.1 - 2.0,
                b: mid.1 + 2.0,
                ..r
            };
            boundary(c, &[line])?;
        }
    }
    c.placed(&k.text)
}
