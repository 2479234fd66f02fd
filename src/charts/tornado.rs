//! The tornado chart of `plan --sensitivity`: each decision key moved down
//! and up around the chosen configuration, one at a time. Left panel: the SLO
//! metric, with its target; right panel: the cost per hour. Each key has two
//! bars from the chosen value (the black line), the key moved down above the
//! key moved up, widest swing on top; each bar is labelled with the key's
//! setting and the result, and says so when that configuration fails the SLOs.
//!
//! The two ends get a bar each, not one bar from low to high, because both
//! often fall on the same side of the chosen value (fewer database cores can
//! cost more than the chosen count, and so can more): one bar would hide the
//! other. Labels sit beyond a bar's end, where no bar is, so none overlaps.

use super::timechart::canvas::{Backend, Canvas, Drawn};
use super::timechart::rect::{Rect, rect};
use super::timechart::render::{Paint, append_extension, write_png_and_svg};
use super::timechart::text::{CAP_HEIGHT, PlacedText, TextSpec, fit_text, text_width};
use super::{ChartError, ChartOptions, DrawError, style};
use crate::plan::Swing;
use plotters::style::text_anchor::HPos;
use plotters::style::{Color, RGBColor};
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

/// One end of a key's swing: its setting, the result there, and whether that
/// configuration holds every SLO.
struct End {
    setting: String,
    value: f64,
    holds: bool,
}

/// A key and its two ends, down then up.
struct Row {
    key: String,
    ends: [End; 2],
}

/// One panel: a quantity at the chosen configuration and at each end.
struct Panel {
    title: String,
    base: f64,
    /// The SLO's target (the metric panel): drawn as a limit line.
    target: Option<f64>,
    /// Put before each value ("$" for the cost).
    prefix: &'static str,
    rows: Vec<Row>,
}

struct Tornado {
    panels: [Panel; 2],
}

/// The key moved down is drawn in the first colour, up in the second.
const END_COLOURS: [RGBColor; 2] = [style::PALETTE[0], style::PALETTE[1]];
const MAX_ROW_H: f64 = 140.0;
const MAX_BAR_H: f64 = 36.0;
/// Between a bar's end and its label.
const LABEL_GAP: f64 = 6.0;

impl Tornado {
    fn new(swings: &[Swing]) -> Tornado {
        let mut order: Vec<&Swing> = swings.iter().collect();
        let swing = |s: &Swing| {
            (s.metric_high.unwrap_or(f64::NAN) - s.metric_low.unwrap_or(f64::NAN)).abs()
        };
        order.sort_by(|a, b| swing(b).total_cmp(&swing(a)).then(a.key.cmp(&b.key)));
        let first = order.first();
        let rows = |value: &dyn Fn(&Swing) -> [f64; 2]| -> Vec<Row> {
            order
                .iter()
                .map(|s| {
                    let [low, high] = value(s);
                    Row {
                        key: s.key.clone(),
                        ends: [
                            End {
                                setting: s.low.to_string(),
                                value: low,
                                holds: s.holds_low,
                            },
                            End {
                                setting: s.high.to_string(),
                                value: high,
                                holds: s.holds_high,
                            },
                        ],
                    }
                })
                .collect()
        };
        let metric = first.map_or(String::new(), |s| s.metric.clone());
        Tornado {
            panels: [
                Panel {
                    title: format!("{metric} (mean)"),
                    base: first.and_then(|s| s.metric_base).unwrap_or(f64::NAN),
                    target: first.and_then(|s| s.metric_target),
                    prefix: "",
                    rows: rows(&|s| {
                        [
                            s.metric_low.unwrap_or(f64::NAN),
                            s.metric_high.unwrap_or(f64::NAN),
                        ]
                    }),
                },
                Panel {
                    title: "cost per hour (US$)".into(),
                    base: first.map_or(f64::NAN, |s| s.cost_base),
                    target: None,
                    prefix: "$",
                    rows: rows(&|s| [s.cost_low, s.cost_high]),
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
            "each key moved down (blue) and up (orange) from the chosen configuration (the black line), one at a time; labels: setting: result",
            style::PAD,
            style::PAD * 1.6 + style::TITLE_SIZE + style::SUBTITLE_SIZE,
            &TextSpec::new(style::SUBTITLE_SIZE, style::TEXT_MUTED),
        )?;
        for p in self.layout()? {
            p.paint(c)?;
        }
        Ok(())
    }
}

impl Tornado {
    fn layout(&self) -> Result<Vec<PanelLayout>, DrawError> {
        let (w, h) = (f64::from(style::WIDTH), f64::from(style::HEIGHT));
        let top = style::PAD * 3.0 + style::TITLE_SIZE + style::SUBTITLE_SIZE * 2.0;
        let panel_w = (w - style::PAD * 3.0) / 2.0;
        self.panels
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let l = style::PAD + i as f64 * (panel_w + style::PAD);
                p.layout(rect(l, top, l + panel_w, h - style::PAD))
            })
            .collect()
    }
}

/// A panel laid out: what to draw, in output pixels.
struct PanelLayout {
    bars: Vec<(Rect, RGBColor)>,
    /// Vertical lines: x, top, bottom, colour, dashed.
    lines: Vec<(f64, f64, f64, RGBColor, bool)>,
    texts: Vec<PlacedText>,
}

impl PanelLayout {
    fn paint<DB: Backend>(&self, c: &Canvas<DB>) -> Drawn {
        for (r, colour) in &self.bars {
            c.fill_rect(*r, colour.mix(0.85))?;
        }
        for &(x, t, b, colour, dashed) in &self.lines {
            if dashed {
                c.line(&[(x, t), (x, b)], colour.to_rgba(), style::LINE_WIDTH, true)?;
            } else {
                c.vline(x, t, b, colour.to_rgba())?;
            }
        }
        for t in &self.texts {
            c.placed(t)?;
        }
        Ok(())
    }

    /// The box each text covers.
    #[cfg(test)]
    fn text_boxes(&self) -> Vec<Rect> {
        self.texts
            .iter()
            .map(|t| {
                let w = text_width(&t.text, t.spec.size, t.spec.bold).unwrap();
                super::timechart::text::text_box(t.x, t.y, w, t.spec.size, t.spec.h)
            })
            .collect()
    }
}

impl End {
    fn label(&self, prefix: &str) -> String {
        let value = if self.value.is_finite() {
            format!("{prefix}{}", fmt(self.value))
        } else {
            "no value".into()
        };
        let fails = if self.holds { "" } else { ", fails" };
        format!("{}: {value}{fails}", self.setting)
    }
}

impl Panel {
    /// Lays the panel out in `area`: the title, the chosen value's line with
    /// its value on top, the target's line with its value at the bottom, and
    /// per key its name over its two bars.
    fn layout(&self, area: Rect) -> Result<PanelLayout, DrawError> {
        let mut out = PanelLayout {
            bars: vec![],
            lines: vec![],
            texts: vec![],
        };
        let title = TextSpec::new(style::SUBTITLE_SIZE, style::TEXT).bold();
        out.texts.push(PlacedText {
            text: self.title.clone(),
            x: area.l,
            y: area.t,
            spec: title,
        });
        let (mut lo, mut hi) = (self.base, self.base);
        let ends = self.rows.iter().flat_map(|r| &r.ends);
        for x in ends
            .clone()
            .map(|e| e.value)
            .chain(self.target)
            .filter(|x| x.is_finite())
        {
            lo = lo.min(x);
            hi = hi.max(x);
        }
        if !lo.is_finite() || !hi.is_finite() {
            return Ok(out);
        }
        if hi - lo < 1e-12 {
            hi = lo + 1.0;
        }
        // Each label lies beyond its bar's end, so the scale leaves room on
        // each side for the widest label that goes there.
        let label_size = style::ANNOTATION_SIZE;
        let (mut room_l, mut room_r) = (0.0f64, 0.0f64);
        for e in ends {
            let w = text_width(&e.label(self.prefix), label_size, false)? + LABEL_GAP;
            if e.value < self.base {
                room_l = room_l.max(w);
            } else {
                room_r = room_r.max(w);
            }
        }
        let (bl, br) = (area.l + style::PAD, area.r - style::PAD);
        let (sl, sr) = (bl + room_l, (br - room_r).max(bl + room_l + 1.0));
        let x = |v: f64| sl + (v - lo) / (hi - lo) * (sr - sl);
        let base_x = x(self.base);
        let target_x = self.target.filter(|t| t.is_finite()).map(x);

        let muted = TextSpec::new(label_size, style::TEXT_MUTED);
        let chosen_label = format!("chosen {}{}", self.prefix, fmt(self.base));
        let rows_top = area.t + style::PAD + label_size + 8.0;
        out.texts.push(centred(
            &chosen_label,
            base_x,
            area.t + style::PAD + label_size * CAP_HEIGHT,
            muted,
            (bl, br),
        )?);
        let bottom_room = if self.target.is_some() {
            label_size + 12.0
        } else {
            0.0
        };
        let n = self.rows.len().max(1) as f64;
        let row_h = ((area.b - rows_top - bottom_room) / n).min(MAX_ROW_H);
        let name_h = style::TICK_SIZE + 8.0;
        let bar_h = ((row_h - name_h - 12.0) / 2.0).clamp(4.0, MAX_BAR_H);
        let mut rows_bottom = rows_top;
        for (j, row) in self.rows.iter().enumerate() {
            let y = rows_top + j as f64 * row_h;
            let (name, size) = fit_text(&row.key, style::TICK_SIZE, false, br - bl)?;
            out.texts.push(PlacedText {
                text: name,
                x: bl,
                y: y + style::TICK_SIZE * CAP_HEIGHT + 2.0,
                spec: TextSpec::new(size, style::TEXT),
            });
            let bars_top = y + name_h;
            for (k, (end, colour)) in row.ends.iter().zip(END_COLOURS).enumerate() {
                let t = bars_top + k as f64 * (bar_h + 2.0);
                let b = t + bar_h;
                let baseline = (t + b) / 2.0 + label_size * CAP_HEIGHT / 2.0;
                let text = end.label(self.prefix);
                let spec = TextSpec::new(
                    label_size,
                    if end.holds { style::TEXT } else { style::LIMIT },
                );
                if !end.value.is_finite() {
                    out.texts.push(PlacedText {
                        text,
                        x: base_x + LABEL_GAP,
                        y: baseline,
                        spec,
                    });
                    continue;
                }
                let ex = x(end.value);
                // At least two pixels, so that an end equal to the base shows.
                let (l, r) = if end.value < self.base {
                    (ex.min(base_x - 2.0), base_x)
                } else {
                    (base_x, ex.max(base_x + 2.0))
                };
                out.bars.push((rect(l, t, r, b), colour));
                out.texts.push(if end.value < self.base {
                    PlacedText {
                        text,
                        x: l - LABEL_GAP,
                        y: baseline,
                        spec: spec.align(HPos::Right),
                    }
                } else {
                    PlacedText {
                        text,
                        x: r + LABEL_GAP,
                        y: baseline,
                        spec,
                    }
                });
            }
            rows_bottom = bars_top + 2.0 * bar_h + 2.0 + 4.0;
            // The chosen value's and the target's lines through this key's
            // bars only, so that they do not cross the key's name.
            out.lines
                .push((base_x, bars_top - 4.0, rows_bottom, style::TEXT, false));
            if let Some(tx) = target_x {
                out.lines
                    .push((tx, bars_top - 4.0, rows_bottom, style::LIMIT, true));
            }
        }
        if let (Some(target), Some(tx)) = (self.target, target_x) {
            out.texts.push(centred(
                &format!("target ≤ {}{}", self.prefix, fmt(target)),
                tx,
                rows_bottom + 8.0 + label_size * CAP_HEIGHT,
                TextSpec::new(label_size, style::LIMIT),
                (bl, br),
            )?);
        }
        Ok(out)
    }
}

/// `text` centred on `x`, moved inside `within` where it would stick out.
fn centred(
    text: &str,
    x: f64,
    y: f64,
    spec: TextSpec,
    within: (f64, f64),
) -> Result<PlacedText, DrawError> {
    let w = text_width(text, spec.size, spec.bold)?;
    let l = (x - w / 2.0).clamp(within.0, (within.1 - w).max(within.0));
    Ok(PlacedText {
        text: text.to_string(),
        x: l,
        y,
        spec: spec.align(HPos::Left),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn swing(key: &str, lh: (i64, i64), metric: (f64, f64), cost: (f64, f64)) -> Swing {
        Swing {
            key: key.into(),
            base: toml::Value::Integer(15),
            low: toml::Value::Integer(lh.0),
            high: toml::Value::Integer(lh.1),
            metric: "p99_s".into(),
            metric_base: Some(55.9),
            metric_target: Some(60.0),
            metric_low: Some(metric.0),
            metric_high: Some(metric.1),
            cost_base: 1.09,
            cost_low: cost.0,
            cost_high: cost.1,
            holds_low: metric.0 <= 60.0,
            holds_high: metric.1 <= 60.0,
        }
    }

    fn overlap(a: &Rect, b: &Rect) -> bool {
        a.l < b.r && b.l < a.r && a.t < b.b && b.t < a.b
    }

    /// The plan-lambda-db sensitivity: one key's cost ends a few cents either
    /// side of the chosen cost, the other's both above it. Every bar shows,
    /// every label is inside its panel, and no label covers another or a bar.
    #[test]
    fn no_label_covers_a_bar_or_another_label_and_every_end_has_a_bar() {
        crate::charts::style::register_fonts();
        let chart = Tornado::new(&[
            swing(
                "consumer[0].lambda.max_concurrency",
                (12, 18),
                (87.7, 40.0),
                (1.07, 1.11),
            ),
            swing("database[0].cores", (3, 5), (88.0, 45.3), (1.13, 1.52)),
        ]);
        let panels = chart.layout().unwrap();
        let w = f64::from(style::WIDTH);
        for (i, p) in panels.iter().enumerate() {
            assert_eq!(p.bars.len(), 4, "panel {i}: a bar per end");
            for (a, (ra, _)) in p.bars.iter().enumerate() {
                assert!(ra.r - ra.l >= 2.0, "panel {i}: bar {a} too thin to see");
                for rb in p.bars.iter().skip(a + 1).map(|(r, _)| r) {
                    assert!(!overlap(ra, rb), "panel {i}: two bars overlap");
                }
            }
            let boxes = p.text_boxes();
            let left = style::PAD + i as f64 * (w - style::PAD) / 2.0;
            for (a, ba) in boxes.iter().enumerate() {
                let what = &p.texts[a].text;
                assert!(
                    ba.l >= left - 0.5 && ba.r <= left + (w - style::PAD * 3.0) / 2.0 + 0.5,
                    "panel {i}: {what:?} sticks out of its panel ({} .. {})",
                    ba.l,
                    ba.r
                );
                for (bb, other) in boxes.iter().zip(&p.texts).skip(a + 1) {
                    assert!(
                        !overlap(ba, bb),
                        "panel {i}: {what:?} covers {:?}",
                        other.text
                    );
                }
                for (r, _) in &p.bars {
                    assert!(!overlap(ba, r), "panel {i}: {what:?} covers a bar");
                }
            }
        }
        // The failing ends (12 and 3) say so, in the metric and the cost panel.
        let texts: Vec<&str> = panels
            .iter()
            .flat_map(|p| p.texts.iter().map(|t| t.text.as_str()))
            .collect();
        for t in [
            "12: 87.7, fails",
            "3: 88, fails",
            "18: 40",
            "5: $1.52",
            "12: $1.07, fails",
        ] {
            assert!(texts.contains(&t), "{t:?} not among {texts:?}");
        }
        assert!(texts.contains(&"target ≤ 60"), "{texts:?}");
        // The target's line is where 60 is on the scale: right of the chosen line.
        let metric = &panels[0];
        let chosen_x = metric.lines[0].0;
        let target = metric.lines.iter().find(|l| l.4).expect("a target line");
        assert!(target.0 > chosen_x + 5.0);
    }

    /// A key whose swing changes nothing still gets a visible bar.
    #[test]
    fn an_end_equal_to_the_chosen_value_still_shows() {
        crate::charts::style::register_fonts();
        let chart = Tornado::new(&[swing("k", (1, 2), (55.9, 55.9), (1.09, 1.09))]);
        for p in chart.layout().unwrap() {
            assert_eq!(p.bars.len(), 2);
            assert!(p.bars.iter().all(|(r, _)| r.r - r.l >= 2.0));
        }
    }
}
