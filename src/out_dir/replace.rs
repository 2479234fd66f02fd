//! Replacing a results folder by a new one in one step. On Linux,
//! renameat2(RENAME_EXCHANGE) swaps the two names atomically: at every instant
//! `to` is the old folder or the new one, never absent, whatever fails or
//! kills the process. Where the exchange is not supported, the old folder is
//! moved aside (locked, so that no other process collects it meanwhile) and
//! moved back if the new one cannot take its place; a kill between the two
//! renames leaves it aside, and the next command on that folder puts it back
//! ([`super::leftovers`]).

use std::io;
use std::path::Path;

/// Moves the folder `from` to `to`, replacing what was there; the old folder
/// is removed (if that fails it stays under `from`'s hidden name, to be
/// collected later: the new results are in place either way).
pub fn replace_dir(from: &Path, to: &Path) -> io::Result<()> {
    match exchange(from, to) {
        Ok(()) => {
            let _ = std::fs::remove_dir_all(from);
            Ok(())
        }
        // Nothing to replace.
        Err(e) if e.kind() == io::ErrorKind::NotFound && from.exists() => std::fs::rename(from, to),
        Err(e) if unsupported(&e) => {
            let old = to.with_file_name(format!(
                ".{}.old-{}",
                to.file_name().unwrap_or_default().to_string_lossy(),
                std::process::id()
            ));
            swap_by_renames(from, to, &old)
        }
        Err(e) => Err(e),
    }
}

fn unsupported(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP)
    )
}

#[cfg(target_os = "linux")]
fn exchange(from: &Path, to: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "path has a NUL byte"))
    };
    let (a, b) = (c(from)?, c(to)?);
    // SAFETY: two valid NUL-terminated paths, resolved against the current
    // directory; the syscall reads them and keeps no pointer.
    let r = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from_raw_os_error(libc::ENOSYS))
}

/// The fallback: `to` aside to `old`, `from` to `to`, and `old` back to `to`
/// if that fails.
pub(crate) fn swap_by_renames(from: &Path, to: &Path, old: &Path) -> io::Result<()> {
    // Held across both renames (the lock follows the folder): a collector
    // leaves a locked folder alone.
    let _held = super::lock_dir(to).ok().flatten();
    std::fs::rename(to, old)?;
    if let Err(e) = std::fs::rename(from, to) {
        std::fs::rename(old, to)?;
        return Err(e);
    }
    let _ = std::fs::remove_dir_all(old);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(dir: &Path) -> String {
        std::fs::read_to_string(dir.join("f")).expect("file")
    }

    #[test]
    fn replaces_or_creates_and_leaves_nothing_aside() {
        let t = tempfile::tempdir().expect("temp dir");
        let (new, to) = (t.path().join(".x.partial-1"), t.path().join("x"));
        for text in ["one", "two"] {
            std::fs::create_dir(&new).expect("new");
            std::fs::write(new.join("f"), text).expect("write");
            replace_dir(&new, &to).expect("replace");
            assert_eq!(file(&to), text);
        }
        let names: Vec<_> = std::fs::read_dir(t.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, ["x"]);
    }

    #[test]
    fn a_failed_swap_puts_the_old_folder_back() {
        let t = tempfile::tempdir().expect("temp dir");
        let to = t.path().join("x");
        std::fs::create_dir(&to).expect("old");
        std::fs::write(to.join("f"), "old").expect("write");
        // The new folder is gone: the second rename fails.
        let missing = t.path().join(".x.partial-1");
        let old = t.path().join(".x.old-1");
        assert!(swap_by_renames(&missing, &to, &old).is_err());
        assert_eq!(file(&to), "old");
        assert!(!old.exists());
    }
}
