//! The working folders flowsim leaves in an output folder and how they become
//! results: a run or a sweep writes a hidden sibling, `.<name>.partial-<pid>`,
//! and swaps it with `<name>` in one step ([`replace`]); the owner of a hidden
//! working folder holds a lock on it for as long as it lives, so that the next
//! command on the same `--out` can tell the folders of a killed process and
//! collect them ([`leftovers`]); a lock on a sweep's folder keeps two sweeps
//! off it ([`lock`]).

pub mod leftovers;
pub mod lock;
pub mod replace;

pub use leftovers::collect;
pub use lock::{Lock, lock_dir};
pub use replace::replace_dir;

use std::path::{Path, PathBuf};

/// The hidden working folder of `name` in `dir` for this process.
pub fn partial(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!(".{name}.partial-{}", std::process::id()))
}
