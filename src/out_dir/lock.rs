//! Advisory locks (flock) on a file or a folder: held while the value lives,
//! released by the kernel when the process dies, however it dies. That is
//! what tells a killed process's leftovers from a running one's.

use std::fs::{File, TryLockError};
use std::io;
use std::path::Path;

/// A held lock; dropping it releases it.
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

impl Lock {
    /// Takes the lock of `path` (created empty if absent) without waiting;
    /// `Ok(None)` if another process holds it.
    pub fn try_file(path: &Path) -> io::Result<Option<Lock>> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)?;
        try_lock(file)
    }
}

/// Takes the lock of the folder `path` without waiting; `Ok(None)` if another
/// process holds it.
pub fn lock_dir(path: &Path) -> io::Result<Option<Lock>> {
    try_lock(File::open(path)?)
}

fn try_lock(file: File) -> io::Result<Option<Lock>> {
    match file.try_lock() {
        Ok(()) => Ok(Some(Lock { _file: file })),
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(e)) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_lock_refuses_a_second_and_is_released_on_drop() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(".x.lock");
        let first = Lock::try_file(&path).expect("lock").expect("free");
        assert!(Lock::try_file(&path).expect("lock").is_none());
        drop(first);
        assert!(Lock::try_file(&path).expect("lock").is_some());
        let held = lock_dir(dir.path()).expect("lock").expect("free");
        assert!(lock_dir(dir.path()).expect("lock").is_none());
        drop(held);
    }
}
