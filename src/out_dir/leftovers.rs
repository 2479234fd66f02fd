//! Collecting what killed processes left in an output folder: hidden working
//! folders (`.<name>.partial-<pid>`, `.<name>.old-<pid>`) that no living
//! process holds locked. A folder moved aside whose results folder is missing
//! (killed between the two renames of the fallback swap) is put back: those
//! were the last good results.

use std::path::Path;

/// What a name in an output folder is, if it is a working folder.
fn working(name: &str) -> Option<(&str, bool)> {
    let rest = name.strip_prefix('.')?;
    let (base, tail, old) = if let Some((b, t)) = rest.rsplit_once(".partial-") {
        (b, t, false)
    } else {
        let (b, t) = rest.rsplit_once(".old-")?;
        (b, t, true)
    };
    (!base.is_empty() && !tail.is_empty() && tail.bytes().all(|c| c.is_ascii_digit()))
        .then_some((base, old))
}

/// Collects the leftovers in `dir` (which may not exist); best effort: a
/// leftover that cannot be removed now is tried again next time.
pub fn collect(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some((base, old)) = working(&name) else {
            continue;
        };
        let path = e.path();
        if !e.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        // Held: its process is alive and still writing it.
        let Ok(Some(_held)) = super::lock_dir(&path) else {
            continue;
        };
        let target = dir.join(base);
        if old && !target.exists() && std::fs::rename(&path, &target).is_ok() {
            continue;
        }
        let _ = std::fs::remove_dir_all(&path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_working_folders() {
        assert_eq!(working(".steady.partial-123"), Some(("steady", false)));
        assert_eq!(working(".a.b-sweep.old-9"), Some(("a.b-sweep", true)));
        for other in [
            "steady",
            ".steady",
            ".steady.partial-",
            ".x.partial-1a",
            "..partial-1",
        ] {
            assert_eq!(working(other), None, "{other}");
        }
    }

    #[test]
    fn collects_unlocked_leftovers_keeps_held_ones_and_puts_results_back() {
        let t = tempfile::tempdir().expect("temp dir");
        let d = t.path();
        for n in [
            ".a.partial-1",
            ".b.partial-2",
            ".c.old-3",
            ".e.old-4",
            "e",
            "kept",
        ] {
            std::fs::create_dir(d.join(n)).expect("dir");
        }
        std::fs::write(d.join(".c.old-3/f"), "last good").expect("write");
        let held = super::super::lock_dir(&d.join(".b.partial-2"))
            .expect("lock")
            .expect("free");
        collect(d);
        let mut names: Vec<String> = std::fs::read_dir(d)
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, [".b.partial-2", "c", "e", "kept"]);
        assert_eq!(
            std::fs::read_to_string(d.join("c/f")).expect("put back"),
            "last good"
        );
        drop(held);
    }
}
