//! The tornado chart of `plan --sensitivity`: for each decision key moved
//! down and up around the chosen configuration, a bar from the SLO metric's
//! value at the low end to its value at the high end (left panel) and the
//! same for the cost per hour (right panel), widest swing on top.

use super::timechart::canvas::{Backend, Canvas, Drawn};
use super::timechart::rect::rect;
use super::timechart::render::{Paint, append_extension, write_png_and_svg};
use super::timechart::text::TextSpec;
use super::{ChartError, ChartOptions, style};
use crate::plan::Swing;
use plotters::style::Color;
use plotters::style::text_anchor::HPos;
use std::path::Path;

/// Writes tornado.png and tornado.svg into `dir`.
pub fn draw(dir: &Path, swings: &[Swing], options: ChartOptions) -> Result<(), ChartError> {
    style::register_fonts();
    let stem = dir.join("tornado");
    let chart = Tornado::new(swings);
    write_png_and_svg(
        &chart,
        &append_extension(&stem, "png"),
        &append_extension(&stem, "svg"),
        &options,
    )
}

/// One panel's bars: (key label, low-end value, high-end value), and the base.
struct Panel {
    title: String,
    base: f64,
    bars: Vec<(String, f64, f64)>,
}

struct Tornado {
    panels: [Panel; 2],
}

impl Tornado {
    fn new(swings: &[Swing]) -> Tornado {
        let mut order: Vec<&Swing> = swings.iter().collect();
        let swing = |s: &Swing| {
            (s.metric_high.unwrap_or(f64::NAN) - s.metric_low.unwrap_or(f64::NAN)).abs()
        };
        order.sort_by(|a, b| swing(b).total_cmp(&swing(a)).then(a.key.cmp(&b.key)));
        let label = |s: &Swing| format!("{} {} → {}", s.key, s.low, s.high);
        let metric = order.first().map_or(String::new(), |s| s.metric.clone());
        Tornado {
            panels: [
                Panel {
                    title: format!("{metric} (mean)"),
                    base: order
                        .first()
                        .and_then(|s| s.metric_base)
                        .unwrap_or(f64::NAN),
                    bars: order
                        .iter()
                        .map(|s| {
                            (
                                label(s),
                                s.metric_low.unwrap_or(f64::NAN),
                                s.metric_high.unwrap_or(f64::NAN),
                            )
                        })
                        .collect(),
                },
                Panel {
                    title: "cost per hour (US$)".into(),
                    base: order.first().map_or(f64::NAN, |s| s.cost_base),
                    bars: order
                        .iter()
                        .map(|s| (label(s), s.cost_low, s.cost_high))
                        .collect(),
                },
            ],
        }
    }
}

fn fmt(x: f64) -> String {
    crate::report::format::number(x)
}

impl Paint for Tornado {
    fn paint<DB: Backend>(&self, c: &Canvas<DB>) -> Drawn {
        let (w, h) = (f64::from(style::WIDTH), f64::from(style::HEIGHT));
        c.fill_rect(rect(0.0, 0.0, w, h), style::BACKGROUND.to_rgba())?;
        c.text(
            "Sensitivity around the chosen configuration",
            style::PAD,
            style::PAD + style::TITLE_SIZE,
            &TextSpec::new(style::TITLE_SIZE, style::TEXT).bold(),
        )?;
        c.text(
            "each key moved down (blue) and up (orange), one at a time; the line is the chosen configuration",
            style::PAD,
            style::PAD * 1.6 + style::TITLE_SIZE + style::SUBTITLE_SIZE,
            &TextSpec::new(style::SUBTITLE_SIZE, style::TEXT_MUTED),
        )?;
        let top = style::PAD * 3.0 + style::TITLE_SIZE + style::SUBTITLE_SIZE * 2.0;
        let panel_w = (w - style::PAD * 3.0) / 2.0;
        for (i, p) in self.panels.iter().enumerate() {
            let l = style::PAD + i as f64 * (panel_w + style::PAD);
            panel(c, p, l, top, panel_w, h - top - style::PAD)?;
        }
        Ok(())
    }
}

fn panel<DB: Backend>(c: &Canvas<DB>, p: &Panel, l: f64, t: f64, w: f64, h: f64) -> Drawn {
    c.text(
        &p.title,
        l,
        t,
        &TextSpec::new(style::SUBTITLE_SIZE, style::TEXT).bold(),
    )?;
    let finite = |x: &f64| x.is_finite();
    let mut lo = p.base;
    let mut hi = p.base;
    for (_, a, b) in &p.bars {
        for x in [a, b].into_iter().filter(|x| finite(x)) {
            lo = lo.min(*x);
            hi = hi.max(*x);
        }
    }
    if !lo.is_finite() || !hi.is_finite() {
        return Ok(());
    }
    if hi - lo < 1e-12 {
        hi = lo + 1.0;
    }
    // Bars in the right two-thirds of the panel; labels above each bar.
    let (bl, br) = (l + style::PAD, l + w - style::PAD);
    let x = |v: f64| bl + (v - lo) / (hi - lo) * (br - bl);
    let rows = p.bars.len().max(1) as f64;
    let row_h = ((h - style::PAD * 2.0) / rows).min(90.0);
    let base_x = x(p.base);
    for (j, (name, a, b)) in p.bars.iter().enumerate() {
        let y = t + style::PAD + j as f64 * row_h;
        c.text(
            name,
            bl,
            y + style::TICK_SIZE,
            &TextSpec::new(style::TICK_SIZE, style::TEXT_MUTED),
        )?;
        let (bt, bb) = (y + style::TICK_SIZE + 6.0, y + row_h - 10.0);
        // Low end in one hue, high end in the other, each from the base.
        for (v, colour) in [(a, style::PALETTE[0]), (b, style::PALETTE[1])] {
            if !v.is_finite() {
                continue;
            }
            let (l2, r2) = if x(*v) < base_x {
                (x(*v), base_x)
            } else {
                (base_x, x(*v).max(base_x + 1.0))
            };
            c.fill_rect(rect(l2, bt, r2, bb), colour.mix(0.8))?;
            // The value at the bar's outer end, inside the bar.
            let (tx, h) = if x(*v) < base_x {
                (l2 + 4.0, HPos::Left)
            } else {
                (r2 - 4.0, HPos::Right)
            };
            c.text(
                &fmt(*v),
                tx,
                bb - 4.0,
                &TextSpec::new(style::ANNOTATION_SIZE, style::TEXT).align(h),
            )?;
        }
    }
    c.vline(
        base_x,
        t + style::PAD,
        t + style::PAD + rows * row_h,
        style::TEXT.to_rgba(),
    )?;
    c.text(
        &format!("chosen: {}", fmt(p.base)),
        base_x + 4.0,
        t + h - 4.0,
        &TextSpec::new(style::ANNOTATION_SIZE, style::TEXT_MUTED),
    )?;
    Ok(())
}
