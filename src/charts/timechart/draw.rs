//! Painting a plan: bands, grid, data, axes, labels, legend and titles, back to
//! front.

use super::Shade;
use super::axis::Axis;
use super::canvas::{Backend, Canvas, Drawn};
use super::layout::{Plan, TICK_GAP, TICK_LEN};
use super::lines::drawing_order;
use super::rect::rect;
use super::render::Paint;
use super::text::{CAP_HEIGHT, TextSpec, text_width};
use crate::charts::{DrawError, style};
use plotters::style::text_anchor::HPos;
use plotters::style::{Color, RGBAColor, RGBColor};

const LIMIT_WIDTH: f64 = 1.5;
const INSTANT_WIDTH: f64 = 2.0;
/// Radius of data point markers and width of their white ring.
pub(super) const MARKER_RADIUS: f64 = 4.0;
const MARKER_RING: f64 = 1.5;
const LONE_DOT_RADIUS: f64 = 3.0;

impl Paint for Plan {
    fn paint<DB: Backend>(&self, c: &Canvas<DB>) -> Drawn {
        draw_chart(self, c)
    }
}

fn draw_chart<DB: Backend>(plan: &Plan, c: &Canvas<DB>) -> Drawn {
    c.area
        .fill(&style::BACKGROUND)
        .map_err(DrawError::backend)?;
    draw_bands(plan, c)?;
    draw_grid(plan, c)?;
    draw_data(plan, c)?;
    draw_axes(plan, c)?;
    for a in &plan.annotations {
        if a.halo {
            c.fill_rect(a.halo_box(), style::BACKGROUND.mix(style::LEGEND_ALPHA))?;
        }
        c.placed(&a.text)?;
    }
    if let Some(legend) = &plan.legend {
        legend.draw(c)?;
    }
    plan.texts.iter().try_for_each(|t| c.placed(t))
}

/// Dashed horizontal limit line from `l` to `r` at `y` (also the legend's swatch).
pub(super) fn limit_line<DB: Backend>(c: &Canvas<DB>, l: f64, r: f64, y: f64) -> Drawn {
    c.line(&[(l, y), (r, y)], style::LIMIT.to_rgba(), LIMIT_WIDTH, true)
}

/// Solid vertical line at pixel x `x` from `t` to `b` marking an instant (a
/// window too narrow to shade; also the legend's swatch).
pub(super) fn instant_line<DB: Backend>(
    c: &Canvas<DB>,
    x: f64,
    t: f64,
    b: f64,
    shade: Shade,
) -> Drawn {
    let r = rect(x - INSTANT_WIDTH / 2.0, t, x + INSTANT_WIDTH / 2.0, b);
    c.fill_rect(r, shade.text().to_rgba())
}

fn draw_bands<DB: Backend>(plan: &Plan, c: &Canvas<DB>) -> Drawn {
    for &(a, b, shade) in &plan.bands {
        let r = rect(a, plan.plot.t, b, plan.plot.b);
        c.fill_rect(r, shade.fill())?;
    }
    Ok(())
}

/// Pixel y of a value on `axis` (grid lines and ticks are snapped to whole pixels
/// so they stay crisp).
fn y_px(plan: &Plan, axis: &Axis, v: f64) -> Option<f64> {
    let f = axis.frac(v)?;
    Some((plan.plot.b - f * plan.plot.height()).round())
}

fn x_px(plan: &Plan, v: f64) -> Option<f64> {
    let f = plan.x.frac(v)?;
    Some((plan.plot.l + f * plan.plot.width()).round())
}

fn draw_grid<DB: Backend>(plan: &Plan, c: &Canvas<DB>) -> Drawn {
    let p = plan.plot;
    let (minor, major) = (style::GRID_MINOR.to_rgba(), style::GRID.to_rgba());
    for y in plan.y.minor.iter().filter_map(|v| y_px(plan, &plan.y, *v)) {
        c.hline(y, p.l, p.r, minor)?;
    }
    for y in plan
        .y
        .ticks
        .iter()
        .filter_map(|(v, _)| y_px(plan, &plan.y, *v))
    {
        c.hline(y, p.l, p.r, major)?;
    }
    for x in plan.x.minor.iter().filter_map(|v| x_px(plan, *v)) {
        c.vline(x, p.t, p.b, minor)?;
    }
    for x in plan.x.ticks.iter().filter_map(|(v, _)| x_px(plan, *v)) {
        c.vline(x, p.t, p.b, major)?;
    }
    Ok(())
}

/// A data point marker: a dot with a white ring, so that neighbours stay apart.
pub(super) fn marker<DB: Backend>(c: &Canvas<DB>, p: (f64, f64), color: RGBColor) -> Drawn {
    c.dot(p, MARKER_RADIUS + MARKER_RING, style::BACKGROUND.to_rgba())?;
    c.dot(p, MARKER_RADIUS, color.to_rgba())
}

/// A point with no neighbour to join (also the legend's swatch of a series
/// of such points).
/// Smaller than a marker, so that it is not taken for a mean, and ringed in
/// white like one, so that it shows on a line or a marker line beneath.
pub(super) fn lone_dot<DB: Backend>(c: &Canvas<DB>, p: (f64, f64), color: RGBAColor) -> Drawn {
    c.dot(p, LONE_DOT_RADIUS + 1.0, style::BACKGROUND.to_rgba())?;
    c.dot(p, LONE_DOT_RADIUS, color)
}

fn draw_data<DB: Backend>(plan: &Plan, c: &Canvas<DB>) -> Drawn {
    for line in &plan.lines {
        for poly in line.band.iter().flatten() {
            c.polygon(poly, line.color.mix(style::BAND_ALPHA))?;
        }
    }
    for line in plan.lines.iter().filter(|l| l.fill) {
        for poly in line.polylines.iter().filter(|p| p.len() >= 2) {
            let mut area = poly.clone();
            area.push((poly[poly.len() - 1].0, line.fill_base));
            area.push((poly[0].0, line.fill_base));
            c.polygon(&area, line.color.mix(style::FILL_ALPHA))?;
        }
    }
    for &y in &plan.limit_ys {
        limit_line(c, plan.plot.l, plan.plot.r, y)?;
    }
    for &(x, shade) in &plan.instants {
        instant_line(c, x, plan.plot.t, plan.plot.b, shade)?;
    }
    for line in drawing_order(&plan.lines)
        .into_iter()
        .map(|i| &plan.lines[i])
    {
        let color = line.color.to_rgba();
        for poly in &line.polylines {
            match poly.as_slice() {
                [p] => lone_dot(c, *p, color)?,
                // Revealed from under other lines, which may be dashed too.
                _ if line.revealed => c.dashed_in_gaps(poly, color, style::LINE_WIDTH)?,
                _ => c.line(poly, color, style::LINE_WIDTH, line.dashed)?,
            }
        }
    }
    for line in drawing_order(&plan.lines)
        .into_iter()
        .map(|i| &plan.lines[i])
    {
        line.markers
            .iter()
            .try_for_each(|p| marker(c, *p, line.color))?;
    }
    Ok(())
}

fn draw_axes<DB: Backend>(plan: &Plan, c: &Canvas<DB>) -> Drawn {
    let p = plan.plot;
    let axis = style::AXIS.to_rgba();
    c.hline(p.b, p.l, p.r + 1.0, axis)?;
    c.vline(p.l, p.t, p.b + 1.0, axis)?;
    let tick = TextSpec::new(style::TICK_SIZE, style::TEXT_MUTED);
    let centre = CAP_HEIGHT * style::TICK_SIZE / 2.0;
    for (v, label) in &plan.y.ticks {
        if let Some(y) = y_px(plan, &plan.y, *v) {
            c.hline(y, p.l - TICK_LEN, p.l, axis)?;
            let spec = tick.align(HPos::Right);
            c.text(label, p.l - TICK_LEN - TICK_GAP, y + centre, &spec)?;
        }
    }
    if let Some(y2) = &plan.y2 {
        c.vline(p.r, p.t, p.b + 1.0, axis)?;
        for (v, label) in &y2.ticks {
            if let Some(y) = y_px(plan, y2, *v) {
                c.hline(y, p.r + 1.0, p.r + 1.0 + TICK_LEN, axis)?;
                let spec = tick.align(HPos::Left);
                c.text(label, p.r + 1.0 + TICK_LEN + TICK_GAP, y + centre, &spec)?;
            }
        }
    }
    let w = f64::from(style::WIDTH);
    let base = p.b + 1.0 + TICK_LEN + TICK_GAP + CAP_HEIGHT * style::TICK_SIZE;
    for (v, label) in &plan.x.ticks {
        if let Some(x) = x_px(plan, *v) {
            c.vline(x, p.b + 1.0, p.b + 1.0 + TICK_LEN, axis)?;
            // Keep edge labels on the canvas.
            let half = text_width(label, style::TICK_SIZE, false)? / 2.0;
            let cx = x.clamp(half + 4.0, w - half - 4.0);
            let spec = tick.align(HPos::Center);
            c.text(label, cx, base, &spec)?;
        }
    }
    Ok(())
}
