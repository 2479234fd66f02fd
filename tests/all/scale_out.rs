//! The Slurm job script (`scripts/slurm-sweep.sbatch`) without Slurm: bash runs
//! it once per array task with the variables Slurm sets, and the shards merge
//! into the single-machine sweep. `scripts/slurm-test.sh` (run by `.ci/run`)
//! runs the same script on a real cluster; these tests keep it honest where
//! Slurm is absent, and keep docs/scale-out.md showing the script that runs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const JOB: &str = "scripts/slurm-sweep.sbatch";
const LOAD: &str = "scenarios/sweep-offered-load.toml";

/// Runs the job script as array task `id` of the array `min..=max`, in `dir`.
fn task(dir: &Path, id: u32, min: u32, max: u32, count: u32, extra: &[&str]) -> Output {
    Command::new("bash")
        .arg(root().join(JOB))
        .arg(root().join(LOAD))
        .args(extra)
        .current_dir(dir)
        .env("FLOWSIM", env!("CARGO_BIN_EXE_flowsim"))
        .env("SLURM_ARRAY_TASK_ID", id.to_string())
        .env("SLURM_ARRAY_TASK_MIN", min.to_string())
        .env("SLURM_ARRAY_TASK_MAX", max.to_string())
        .env("SLURM_ARRAY_TASK_COUNT", count.to_string())
        .env("SLURM_CPUS_PER_TASK", "1")
        .output()
        .expect("bash runs")
}

fn ok(o: Output) -> Output {
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn job_script_tasks_merge_into_the_single_machine_sweep() {
    let t = tempfile::tempdir().unwrap();
    let extra = ["--set", "producer[0].rate=60,100,120", "--reps", "2"];
    for id in 0..3 {
        ok(task(t.path(), id, 0, 2, 3, &extra));
        let journal = t.path().join(format!(
            "shards/{id}/sweep-offered-load-sweep/runs-shard-{id}-of-3.jsonl.gz"
        ));
        assert!(journal.is_file(), "{} missing", journal.display());
    }
    let shards: Vec<String> = (0..3)
        .map(|i| format!("shards/{i}/sweep-offered-load-sweep"))
        .collect();
    let mut merge = vec!["merge"];
    merge.extend(shards.iter().map(String::as_str));
    merge.extend(["--out", "merged"]);
    let flowsim = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_flowsim"))
            .args(args)
            .current_dir(t.path())
            .output()
            .expect("binary runs")
    };
    ok(flowsim(&merge));
    // The scenario by the same path as the tasks: chart subtitles name it.
    let scenario = root().join(LOAD);
    let mut single = vec!["sweep", scenario.to_str().unwrap()];
    single.extend(extra);
    single.extend(["--out", "single", "-q"]);
    ok(flowsim(&single));
    let one = t.path().join("single");
    let (a, b) = (
        one.join("sweep-offered-load-sweep"),
        t.path().join("merged/sweep-offered-load-sweep"),
    );
    assert_eq!(files(&a), files(&b));
    assert!(files(&a).contains(&"summary.json".to_string()));
    for f in files(&a) {
        assert!(
            std::fs::read(a.join(&f)).unwrap() == std::fs::read(b.join(&f)).unwrap(),
            "{f} differs between the merged shards and one machine"
        );
    }
}

/// An array that does not start at 0, or has gaps, would name shards its
/// indices do not cover: the script refuses it before running anything.
#[test]
fn job_script_refuses_an_array_that_is_not_0_to_n_minus_1() {
    let t = tempfile::tempdir().unwrap();
    for (id, min, max, count) in [(1, 1, 3, 3), (2, 0, 4, 3)] {
        let o = task(t.path(), id, min, max, count, &[]);
        assert_eq!(o.status.code(), Some(2), "array {min}..{max} of {count}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("--array=0-2"), "{err}");
    }
    assert!(!t.path().join("shards").exists());
}

/// docs/scale-out.md shows the job script the cluster test submits, verbatim,
/// and the `sbatch` line that test uses.
#[test]
fn docs_show_the_job_script_that_runs() {
    let job = std::fs::read_to_string(root().join(JOB)).unwrap();
    let doc = std::fs::read_to_string(root().join("docs/scale-out.md")).unwrap();
    assert!(
        doc.contains(&format!("```bash\n{job}```")),
        "docs/scale-out.md does not show {JOB} as it is"
    );
    let test = std::fs::read_to_string(root().join("scripts/slurm-test.sh")).unwrap();
    assert!(test.contains("\"$repo/scripts/slurm-sweep.sbatch\""));
    assert!(test.contains(&format!("scenario={LOAD}")));
    assert!(doc.contains(&format!(
        "sbatch --array=0-2 --wait scripts/slurm-sweep.sbatch {LOAD}"
    )));
}
