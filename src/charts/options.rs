//! Which chart files a command writes (`--charts`) and at what size
//! (`--scale`): charts nobody reads are not drawn at all, and a print gets
//! more pixels with the same look (every length is laid out in output pixels
//! and multiplied on the canvas).

use std::path::{Path, PathBuf};

/// The formats written: both by default, as flowsim always did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Formats {
    /// No chart at all: nothing is laid out or drawn.
    None,
    Png,
    Svg,
    #[default]
    Both,
}

impl Formats {
    pub fn png(self) -> bool {
        matches!(self, Formats::Png | Formats::Both)
    }
    pub fn svg(self) -> bool {
        matches!(self, Formats::Svg | Formats::Both)
    }
}

/// The largest `--scale`: 4× (5120×2880) is ~60 MB of canvas already.
pub const MAX_SCALE: u32 = 4;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChartOptions {
    pub formats: Formats,
    /// Output pixels per layout pixel (1280×720 at 1): 2 for print.
    pub scale: u32,
}

impl Default for ChartOptions {
    fn default() -> ChartOptions {
        ChartOptions {
            formats: Formats::Both,
            scale: 1,
        }
    }
}

/// A folder that charts are written to, with the options to write them by.
#[derive(Clone, Copy, Debug)]
pub struct ChartDir<'a> {
    pub dir: &'a Path,
    pub options: ChartOptions,
}

impl<'a> ChartDir<'a> {
    pub fn new(dir: &'a Path, options: ChartOptions) -> ChartDir<'a> {
        ChartDir { dir, options }
    }
    /// The chart `name` in this folder (`backlog`: backlog.png, backlog.svg).
    pub fn join(&self, name: &str) -> Target {
        Target {
            stem: self.dir.join(name),
            options: self.options,
        }
    }
}

/// Where one chart goes: its path without extension, and how it is written.
#[derive(Clone, Debug)]
pub struct Target {
    pub stem: PathBuf,
    pub options: ChartOptions,
}

/// A chart's destination: a bare path writes both formats at scale 1.
pub trait IntoTarget {
    fn into_target(self) -> Target;
}

impl IntoTarget for &Path {
    fn into_target(self) -> Target {
        Target {
            stem: self.to_path_buf(),
            options: ChartOptions::default(),
        }
    }
}

impl IntoTarget for &PathBuf {
    fn into_target(self) -> Target {
        self.as_path().into_target()
    }
}

impl IntoTarget for &Target {
    fn into_target(self) -> Target {
        self.clone()
    }
}

impl IntoTarget for Target {
    fn into_target(self) -> Target {
        self
    }
}
