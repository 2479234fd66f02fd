//! Output files written whole or not at all, so readers never see a half-written
//! chart.

use crate::charts::ChartError;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// `stem` + "." + `ext`, keeping any dots already in the stem ("run.v2" -> "run.v2.png").
pub(crate) fn append_extension(stem: &Path, ext: &str) -> PathBuf {
    let mut name = stem.as_os_str().to_owned();
    name.push(".");
    name.push(ext);
    PathBuf::from(name)
}

pub(crate) fn draw_error(path: &Path, message: String) -> ChartError {
    ChartError::Draw {
        path: path.display().to_string(),
        message,
    }
}

/// Failure inside rendering: drawing problems are messages, file problems keep the
/// io::Error.
pub(crate) enum RenderError {
    Draw(String),
    Io(std::io::Error),
}

impl From<String> for RenderError {
    fn from(message: String) -> Self {
        RenderError::Draw(message)
    }
}

/// Renders into a temporary sibling of `path` (same extension, since the PNG encoder
/// picks the format from it) and renames it into place.
pub(crate) fn write_whole(
    path: &Path,
    render: impl FnOnce(&Path) -> Result<(), RenderError>,
) -> Result<(), ChartError> {
    // Unique per process and call: charts of parallel runs may share a directory.
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let ext = path.extension().unwrap_or_default().to_string_lossy();
    let unique = COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp = path.with_file_name(format!(".{name}.{}-{unique}.tmp.{ext}", std::process::id()));
    // Creating the file first reports an unwritable directory as an io::Error
    // (the PNG encoder would bury it in a message).
    let result = std::fs::File::create(&tmp)
        .map_err(RenderError::Io)
        .and_then(|_| render(&tmp))
        .and_then(|()| std::fs::rename(&tmp, path).map_err(RenderError::Io));
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        match e {
            RenderError::Draw(message) => draw_error(path, message),
            RenderError::Io(source) => ChartError::Io {
                path: path.display().to_string(),
                source,
            },
        }
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{TempDir, demo};
    use super::*;

    #[test]
    fn leaves_no_temporary_files() {
        let dir = TempDir::new("tidy");
        demo(100).write(&dir.0.join("run.v2")).expect("render");
        let mut names: Vec<String> = std::fs::read_dir(&dir.0)
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["run.v2.png", "run.v2.svg"]);
    }

    #[test]
    fn unwritable_directory_is_an_io_error() {
        let dir = TempDir::new("missing");
        let stem = dir.0.join("no-such-dir").join("chart");
        match demo(10).write(&stem) {
            Err(ChartError::Io { path, .. }) => assert!(path.ends_with("chart.png")),
            other => panic!("expected an io error, got {other:?}"),
        }
    }
}
