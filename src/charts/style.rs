//! Shared look of all charts: fonts, palette, sizes.
//!
//! Text is rendered with DejaVu Sans shipped inside the `dejavu` crate, so charts
//! render identically on every machine and need no system fonts (fontconfig).
//! The DejaVu fonts are under the Bitstream Vera licence: ship its notice.

use plotters::style::{FontStyle, RGBColor};
use std::sync::Once;

/// Family name that every chart text style uses.
pub const FONT: &str = "sans-serif";

static FONTS: Once = Once::new();

/// Registers DejaVu Sans as "sans-serif" (regular and bold). Idempotent.
pub fn register_fonts() {
    FONTS.call_once(|| {
        // The fonts are compiled in and known to parse; were one ever rejected, text
        // drawing would report `FontUnavailable` as a `ChartError` instead of panicking.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold());
    });
}

/// Okabe-Ito colours (safe for the common colour-vision deficiencies), ordered so
/// that neighbours contrast; yellow is left out because it vanishes on white.
pub const PALETTE: [RGBColor; 7] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0x33, 0x33, 0x33), // near black
];

/// Output size of raster charts in pixels (SVG uses the same user units).
pub const WIDTH: u32 = 1280;
pub const HEIGHT: u32 = 720;
/// PNG coordinates are whole numbers in units of 1/this pixel (lines keep
/// their sub-pixel positions; the rasteriser antialiases them).
pub const RASTER_UNITS_PER_PIXEL: u32 = 4;
/// SVG coordinates are whole numbers in units of 1/this pixel (smooth lines).
pub const SVG_UNITS_PER_PIXEL: u32 = 4;

// Font sizes in plotters units (the ascent-to-descent height, about 1.16 em).
pub const TITLE_SIZE: f64 = 30.0;
pub const SUBTITLE_SIZE: f64 = 18.0;
pub const AXIS_LABEL_SIZE: f64 = 18.0;
pub const TICK_SIZE: f64 = 16.0;
pub const LEGEND_SIZE: f64 = 16.0;
pub const ANNOTATION_SIZE: f64 = 15.0;

/// Outer padding around everything, in pixels.
pub const PAD: f64 = 24.0;
pub const LINE_WIDTH: f64 = 2.0;
/// Dash pattern (on, off) in pixels.
pub const DASH: (f64, f64) = (9.0, 6.0);

pub const BACKGROUND: RGBColor = RGBColor(0xFF, 0xFF, 0xFF);
pub const TEXT: RGBColor = RGBColor(0x22, 0x22, 0x22);
pub const TEXT_MUTED: RGBColor = RGBColor(0x66, 0x66, 0x66);
pub const AXIS: RGBColor = RGBColor(0x88, 0x88, 0x88);
pub const GRID: RGBColor = RGBColor(0xE6, 0xE6, 0xE6);
pub const GRID_MINOR: RGBColor = RGBColor(0xF2, 0xF2, 0xF2);
pub const LIMIT: RGBColor = RGBColor(0xB0, 0x1C, 0x2E);
/// Shaded windows: this colour at `WINDOW_ALPHA`; labels in `WINDOW_TEXT`.
pub const WINDOW: RGBColor = RGBColor(0xF0, 0x9A, 0x30);
pub const WINDOW_ALPHA: f64 = 0.16;
pub const WINDOW_TEXT: RGBColor = RGBColor(0x9A, 0x55, 0x00);
/// Down time (crashes, outages): a red of its own, never the trigger's orange.
pub const DOWN: RGBColor = RGBColor(0xC6, 0x28, 0x28);
pub const DOWN_ALPHA: f64 = 0.13;
pub const DOWN_TEXT: RGBColor = RGBColor(0x9E, 0x1B, 0x1B);
/// Opacity of the area under a filled series.
pub const FILL_ALPHA: f64 = 0.18;
/// Opacity of a series' uncertainty band.
pub const BAND_ALPHA: f64 = 0.2;
/// Opacity of the legend's and labels' white background.
pub const LEGEND_ALPHA: f64 = 0.85;
