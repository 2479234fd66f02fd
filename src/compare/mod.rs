//! `flowsim compare A B …`: variants of one scenario family side by side. Each
//! argument is a scenario file (run here) or an output folder of `flowsim run`
//! (read). Writes compare.md, compare.html, compare.json and overlaid charts
//! into one folder; with replications on common random numbers, the paired
//! difference of every headline number with its 95 % confidence interval.
//! Documented in docs/outputs.md, "Comparisons".

mod charts;
mod error;
pub mod headline;
pub mod paired;
mod render;
pub mod variants;

pub use error::CompareError;
pub use headline::{Headline, METRICS};
pub use paired::Paired;
pub use variants::{Input, Variant, load};

use std::path::{Path, PathBuf};

/// Everything a comparison shows.
#[derive(Clone, Debug)]
pub struct Comparison {
    pub variants: Vec<Variant>,
    /// Replications per variant (1 without `--reps`).
    pub reps: u32,
    /// For each variant after the first, its paired differences against the
    /// first (empty with fewer than 2 replications).
    pub paired: Vec<Vec<Paired>>,
}

impl Comparison {
    pub fn new(variants: Vec<Variant>, reps: u32) -> Comparison {
        let paired = if reps >= 2 {
            variants[1..]
                .iter()
                .map(|v| paired::all(&variants[0], v))
                .collect()
        } else {
            vec![]
        };
        Comparison {
            variants,
            reps,
            paired,
        }
    }
}

/// The default output folder: `DIR/compare-<stem>-vs-<stem>…/`.
pub fn default_folder(root: &Path, inputs: &[Input]) -> PathBuf {
    let stems: Vec<String> = inputs.iter().map(Input::stem).collect();
    root.join(format!("compare-{}", stems.join("-vs-")))
}

/// Writes compare.md, compare.html, compare.json and the overlaid charts into
/// `dir`. Returns the paths of the HTML page and the charts.
pub fn write(c: &Comparison, dir: &Path) -> Result<(PathBuf, Vec<PathBuf>), CompareError> {
    std::fs::create_dir_all(dir).map_err(|source| CompareError::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    let charts = charts::draw(c, dir)?;
    let put = |name: &str, text: String| {
        let path = dir.join(name);
        crate::atomic_file::write(&path, text)
            .map_err(|source| CompareError::Write { path, source })
    };
    put("compare.json", render::json(c))?;
    put("compare.md", render::markdown(c, &charts))?;
    put("compare.html", render::html(c, dir, &charts))?;
    Ok((
        dir.join("compare.html"),
        charts
            .iter()
            .map(|(stem, _)| dir.join(format!("{stem}.png")))
            .collect(),
    ))
}

/// The table as printed on the terminal.
pub fn terminal(c: &Comparison) -> String {
    render::terminal(c)
}
