//! Output files written whole or not at all: each is written to a temporary file
//! in its own directory and renamed into place, so a reader never sees a
//! half-written chart, CSV or JSON file, and a failed write leaves the previous
//! file (if any) untouched and no temporary file behind. Every output of flowsim
//! is written this way.
//!
//! The temporary file is not synced to disk before the rename: the file is whole
//! for readers, not made durable across a power cut.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Why [`write_with`] wrote nothing: the temporary file could not be created or
/// renamed into place, or `fill` failed.
#[derive(Debug)]
pub enum Failed<E> {
    Io(io::Error),
    Fill(E),
}

/// A hidden sibling of `path`, unique per process and call (runs in parallel may
/// write into one directory), with the same extension: some writers pick the
/// format from it.
fn temporary(path: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let unique = COUNTER.fetch_add(1, Ordering::Relaxed);
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let mut tmp = format!(".{name}.{}-{unique}.tmp", std::process::id());
    if let Some(ext) = path.extension() {
        tmp.push('.');
        tmp.push_str(&ext.to_string_lossy());
    }
    path.with_file_name(tmp)
}

/// Writes `path` whole or not at all: `fill` writes the file at the path it is
/// given (a temporary sibling of `path`), which then replaces `path`.
pub fn write_with<E>(
    path: &Path,
    fill: impl FnOnce(&Path) -> Result<(), E>,
) -> Result<(), Failed<E>> {
    let tmp = temporary(path);
    // Creating the file first reports an unwritable directory as an io::Error
    // (some writers, like the PNG encoder, would bury it in a message).
    let result = std::fs::File::create(&tmp)
        .map_err(Failed::Io)
        .and_then(|_| fill(&tmp).map_err(Failed::Fill))
        .and_then(|()| std::fs::rename(&tmp, path).map_err(Failed::Io));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Writes `contents` to `path` whole or not at all (an atomic `std::fs::write`).
pub fn write(path: &Path, contents: impl AsRef<[u8]>) -> io::Result<()> {
    write_with(path, |tmp| std::fs::write(tmp, contents)).map_err(|e| match e {
        Failed::Io(e) | Failed::Fill(e) => e,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_the_file_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("summary.v2.json");
        write(&path, "old").expect("write");
        write(&path, "new").expect("rewrite");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "new");
        assert_eq!(names(dir.path()), ["summary.v2.json"]);
    }

    #[test]
    fn the_temporary_file_keeps_the_extension() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("chart.png");
        write_with(&path, |tmp| {
            assert_eq!(tmp.parent(), Some(dir.path()));
            assert_eq!(tmp.extension().and_then(|e| e.to_str()), Some("png"));
            std::fs::write(tmp, "png")
        })
        .expect("write");
        assert_eq!(names(dir.path()), ["chart.png"]);
    }

    #[test]
    fn a_failed_fill_keeps_the_old_file_and_no_temporary_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("points.csv");
        write(&path, "old").expect("write");
        let result = write_with(&path, |tmp| {
            std::fs::write(tmp, "half")?;
            Err::<(), _>(io::Error::other("broken"))
        });
        assert!(matches!(result, Err(Failed::Fill(_))));
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "old");
        assert_eq!(names(dir.path()), ["points.csv"]);
    }

    #[test]
    fn an_unwritable_directory_is_an_io_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("no-such-dir").join("sweep.csv");
        let result = write_with(&path, |_| -> Result<(), ()> { panic!("not called") });
        assert!(matches!(result, Err(Failed::Io(_))));
    }
}
