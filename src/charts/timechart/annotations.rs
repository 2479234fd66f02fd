//! Labels inside the plot: window labels along the top, limit labels at the right
//! end of their lines, kept clear of each other.

use super::Shade;
use super::layout::is_instant;
use super::rect::Rect;
use super::text::{CAP_HEIGHT, DESCENT, PlacedText, TextSpec, fit_text, text_box, text_width};
use super::{Limit, Window};
use crate::charts::{DrawError, style};
use plotters::style::text_anchor::HPos;

/// Room between a label and its halo's edge.
const HALO_PAD: f64 = 3.0;

/// A limit or window label.
pub(super) struct Annotation {
    pub(super) text: PlacedText,
    /// Draw a translucent white box behind the text (labels over data).
    pub(super) halo: bool,
    pub(super) bbox: Rect,
}

impl Annotation {
    /// The label's box with its halo (drawn or not).
    pub(super) fn halo_box(&self) -> Rect {
        self.bbox.grown(HALO_PAD)
    }
}

/// Labels of the windows (x range in pixels) and limits (pixel y), in that order of
/// precedence; empty labels are skipped.
pub(super) fn place_labels(
    windows: &[(&Window, (f64, f64))],
    limits: &[(&Limit, f64)],
    plot: &Rect,
) -> Result<Vec<Annotation>, DrawError> {
    let mut out = Vec::new();
    // A name labels its first window only: three crashes of one group read
    // "crash (ledger)" once, not stacked down the plot; the legend names the
    // marker, and the others are the same marker.
    let mut named: Vec<&str> = vec![];
    for (win, (a, b)) in windows.iter().filter(|(w, _)| !w.label.is_empty()) {
        if named.contains(&win.label.as_str()) {
            continue;
        }
        named.push(&win.label);
        let center = (*a + *b) / 2.0;
        let label = if is_instant((*a, *b)) {
            place_instant_label(&out, &win.label, center.round(), plot, win.shade)?
        } else {
            place_window_label(&out, &win.label, center, plot, win.shade)?
        };
        out.push(label);
    }
    for (limit, y) in limits.iter().filter(|(l, _)| !l.label.is_empty()) {
        let label = place_limit_label(&out, &limit.label, *y, plot)?;
        out.push(label);
    }
    Ok(out)
}

/// Window labels sit at the top of their band, moved down a row while they would
/// overlap an earlier label.
fn place_window_label(
    placed: &[Annotation],
    label: &str,
    center: f64,
    plot: &Rect,
    shade: Shade,
) -> Result<Annotation, DrawError> {
    let (text, size) = fit_text(label, style::ANNOTATION_SIZE, false, plot.width() - 12.0)?;
    let w = text_width(&text, size, false)?;
    let x = center.clamp(plot.l + w / 2.0 + 6.0, plot.r - w / 2.0 - 6.0);
    let row = (CAP_HEIGHT + DESCENT) * size + 2.0 * HALO_PAD + 2.0;
    let mut y = plot.t + 6.0 + HALO_PAD + CAP_HEIGHT * size;
    let mut bbox = text_box(x, y, w, size, HPos::Center);
    while placed
        .iter()
        .any(|a| a.halo_box().overlaps(&bbox.grown(HALO_PAD)))
        && y < plot.b
    {
        y += row;
        bbox = text_box(x, y, w, size, HPos::Center);
    }
    let spec = TextSpec::new(size, shade.text()).align(HPos::Center);
    Ok(Annotation {
        text: PlacedText { text, x, y, spec },
        halo: false,
        bbox,
    })
}

/// Labels of marker lines sit beside the line at the top, on its right unless
/// there is no room there, with a halo (they may lie over data); moved down a row
/// while they would overlap an earlier label.
fn place_instant_label(
    placed: &[Annotation],
    label: &str,
    line_x: f64,
    plot: &Rect,
    shade: Shade,
) -> Result<Annotation, DrawError> {
    const GAP: f64 = 6.0;
    let max_w = (plot.width() / 2.0 - 2.0 * GAP).max(plot.width() * 0.3);
    let (text, size) = fit_text(label, style::ANNOTATION_SIZE, false, max_w)?;
    let w = text_width(&text, size, false)?;
    let (x, h) = if line_x + GAP + w + HALO_PAD <= plot.r || line_x - GAP - w < plot.l {
        (line_x + GAP, HPos::Left)
    } else {
        (line_x - GAP, HPos::Right)
    };
    let row = (CAP_HEIGHT + DESCENT) * size + 2.0 * HALO_PAD + 2.0;
    let mut y = plot.t + 6.0 + HALO_PAD + CAP_HEIGHT * size;
    let mut bbox = text_box(x, y, w, size, h);
    while placed
        .iter()
        .any(|a| a.halo_box().overlaps(&bbox.grown(HALO_PAD)))
        && y < plot.b
    {
        y += row;
        bbox = text_box(x, y, w, size, h);
    }
    let spec = TextSpec::new(size, shade.text()).align(h);
    Ok(Annotation {
        text: PlacedText { text, x, y, spec },
        halo: true,
        bbox,
    })
}

/// Limit labels sit just above their line at the right end, or below it when there
/// is no room above or another label is in the way.
fn place_limit_label(
    placed: &[Annotation],
    label: &str,
    line_y: f64,
    plot: &Rect,
) -> Result<Annotation, DrawError> {
    let (text, size) = fit_text(label, style::ANNOTATION_SIZE, false, plot.width() / 2.0)?;
    let w = text_width(&text, size, false)?;
    let x = plot.r - 8.0;
    let above = line_y - 5.0 - DESCENT * size;
    let below = line_y + 5.0 + CAP_HEIGHT * size;
    let fits = |y: f64| {
        let b = text_box(x, y, w, size, HPos::Right);
        b.t >= plot.t + 2.0 && b.b <= plot.b - 2.0 && !placed.iter().any(|a| a.bbox.overlaps(&b))
    };
    let y = if fits(above) || !fits(below) {
        above
    } else {
        below
    };
    let spec = TextSpec::new(size, style::LIMIT).align(HPos::Right);
    Ok(Annotation {
        text: PlacedText { text, x, y, spec },
        halo: true,
        bbox: text_box(x, y, w, size, HPos::Right),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::timechart::rect::rect;

    #[test]
    fn a_name_labels_its_first_window_only() {
        crate::charts::style::register_fonts();
        let crash = |x: f64| Window {
            label: "crash (ledger)".into(),
            from_x: x,
            to_x: x,
            shade: Shade::Down,
        };
        let (a, b, c) = (crash(60.0), crash(76.0), crash(92.0));
        let spike = Window {
            label: "spike ×10 (shop)".into(),
            from_x: 0.0,
            to_x: 0.0,
            shade: Shade::Trigger,
        };
        let windows = [
            (&a, (300.0, 300.0)),
            (&b, (360.0, 360.0)),
            (&spike, (100.0, 200.0)),
            (&c, (430.0, 430.0)),
        ];
        let plot = rect(80.0, 130.0, 1200.0, 540.0);
        let placed = place_labels(&windows, &[], &plot).unwrap();
        assert_eq!(placed.len(), 2, "one crash label and the spike's");
    }
}
