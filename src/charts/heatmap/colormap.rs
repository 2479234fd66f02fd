//! The colour map: viridis (perceptually uniform, readable in grey and with the
//! common colour-vision deficiencies), and text colours that contrast with it.

use crate::charts::style;
use plotters::style::RGBColor;

/// Viridis at 0, 0.1, ..., 1 (matplotlib's values); interpolated linearly between.
const VIRIDIS: [(u8, u8, u8); 11] = [
    (0x44, 0x01, 0x54),
    (0x48, 0x24, 0x75),
    (0x41, 0x44, 0x87),
    (0x35, 0x5F, 0x8D),
    (0x2A, 0x78, 0x8E),
    (0x21, 0x91, 0x8C),
    (0x22, 0xA8, 0x84),
    (0x44, 0xBF, 0x70),
    (0x7A, 0xD1, 0x51),
    (0xBD, 0xDF, 0x26),
    (0xFD, 0xE7, 0x25),
];

/// The colour at `f` in [0, 1] (clamped; NaN counts as 0).
pub(super) fn viridis(f: f64) -> RGBColor {
    let f = if f.is_nan() { 0.0 } else { f.clamp(0.0, 1.0) };
    let pos = f * (VIRIDIS.len() - 1) as f64;
    let i = (pos.floor() as usize).min(VIRIDIS.len() - 2);
    let t = pos - i as f64;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    let mix = |a: u8, b: u8| (f64::from(a) + t * (f64::from(b) - f64::from(a))).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Relative luminance (WCAG) of an sRGB colour.
fn luminance(c: RGBColor) -> f64 {
    let lin = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.04045 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c.0) + 0.7152 * lin(c.1) + 0.0722 * lin(c.2)
}

fn contrast(a: RGBColor, b: RGBColor) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Dark or white text, whichever contrasts more with `background`.
pub(super) fn text_on(background: RGBColor) -> RGBColor {
    let white = style::BACKGROUND;
    if contrast(style::TEXT, background) >= contrast(white, background) {
        style::TEXT
    } else {
        white
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viridis_runs_from_dark_purple_to_yellow_ever_lighter() {
        assert_eq!(viridis(0.0), RGBColor(0x44, 0x01, 0x54));
        assert_eq!(viridis(1.0), RGBColor(0xFD, 0xE7, 0x25));
        assert_eq!(viridis(0.5), RGBColor(0x21, 0x91, 0x8C));
        assert_eq!(viridis(f64::NAN), viridis(-3.0));
        assert_eq!(viridis(7.0), viridis(1.0));
        let lum: Vec<f64> = (0..=100)
            .map(|i| luminance(viridis(i as f64 / 100.0)))
            .collect();
        assert!(lum.windows(2).all(|w| w[0] < w[1]), "{lum:?}");
    }

    #[test]
    fn text_contrasts_with_its_cell() {
        assert_eq!(text_on(viridis(0.0)), style::BACKGROUND);
        assert_eq!(text_on(viridis(1.0)), style::TEXT);
        for i in 0..=20 {
            let bg = viridis(i as f64 / 20.0);
            assert!(contrast(text_on(bg), bg) >= 4.0, "{bg:?}");
        }
    }
}
