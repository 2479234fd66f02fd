//! `flowsim run --set PATH=VALUE`: one scenario file with keys changed, for a
//! one-off what-if. The key paths, their parsing, their checks and their
//! errors are the sweep's (a what-if is a sweep of one point), so an error
//! points at the `--set` at fault the same way.

use super::error::{PlanError, SweepError};
use super::{Param, PlanInfo, path, validated, values};
use crate::scenario::diagnostics::echo;
use crate::scenario::limits::{self, MemoryBudget};
use crate::scenario::{Diagnostic, Override, Scenario, SweepParam, load_str, rules};
use std::path::Path;

/// A scenario file with the `--set` keys applied.
pub struct WhatIf {
    /// Validated, with its `overrides` listing what changed.
    pub scenario: Scenario,
    /// The design rules the changed scenario breaks, located in the file.
    pub warnings: Vec<Diagnostic>,
    /// The changed scenario as TOML, under the file's opening comment and a
    /// line naming the changes (kept as scenario.toml by `--report`).
    pub text: String,
    /// Appended to the file stem to name the output folder: `-set-` and 8 hex
    /// digits of the changes, so that a what-if never replaces the plain
    /// run's folder, and the same what-if replaces its own.
    pub suffix: String,
}

/// Applies `sets` (each with exactly one value; the last of a path wins) to
/// `file`.
pub fn what_if(
    file: &Path,
    sets: &[SweepParam],
    budget: &MemoryBudget,
) -> Result<WhatIf, SweepError> {
    let label = file.display().to_string();
    let (_, src) = crate::scenario::read(file)?;
    // The file's own errors first, located in it.
    load_str(&label, &src)?;
    let mut doc: toml::Table = src.parse().map_err(|e| PlanError::Toml {
        scenario: label.clone(),
        source: Box::new(e),
    })?;
    let original = doc.clone();
    let mut params: Vec<Param> = vec![];
    for s in sets {
        let vals = values::values_of(s).map_err(|source| PlanError::Values {
            scenario: label.clone(),
            source,
        })?;
        let [value] = <[toml::Value; 1]>::try_from(vals).map_err(|v| PlanError::OneValue {
            scenario: label.clone(),
            path: s.path.clone(),
            count: v.len(),
        })?;
        path::set(&mut doc, &s.path, value.clone()).map_err(|source| PlanError::KeyPath {
            scenario: label.clone(),
            source,
        })?;
        params.retain(|p| p.path != s.path);
        params.push(Param {
            path: s.path.clone(),
            values: vec![value],
        });
    }
    let at = params
        .iter()
        .map(|p| format!("{} = {}", echo(&p.path), echo(&values::show(&p.values[0]))))
        .collect::<Vec<_>>()
        .join(", ");
    // Only what `validated` reads of a plan: the file and the keys set.
    let info = PlanInfo {
        scenario: label.clone(),
        stem: String::new(),
        seed: 0,
        base_replication: 0,
        reps: 1,
        params,
        metrics: vec![],
        objective: crate::scenario::Objective {
            metric: super::DEFAULT_METRICS[0].into(),
            goal: crate::scenario::Goal::Min,
        },
        hash: String::new(),
    };
    let mut scenario = validated(&info, &doc, &at, budget)?;
    // A run is held to every limit a file is (the series cap too).
    if let Some(p) = limits::check(&scenario, budget).first() {
        return Err(PlanError::PointInvalid {
            scenario: label,
            at,
            problem: p.describe(),
        }
        .into());
    }
    scenario.overrides = info
        .params
        .iter()
        .map(|p| Override {
            path: p.path.clone(),
            value: values::show(&p.values[0]),
            file_value: path::get(&original, &p.path).map(inline),
        })
        .collect();
    // Located in the file as written: the keys the rules name are there (or
    // their table is).
    let warnings = rules::locate_all(&rules::check(&scenario), &label, &src);
    let changes: String = scenario
        .overrides
        .iter()
        .map(|o| format!("{}={}\n", o.path, o.value))
        .collect();
    let suffix = format!("-set-{:08x}", super::fnv(&changes) as u32);
    let text = format!(
        "{}#\n# What-if (flowsim run --set): {}\n\n{}",
        opening_comment(&src),
        at,
        toml::to_string(&doc).unwrap_or_default()
    );
    Ok(WhatIf {
        scenario,
        warnings,
        text,
        suffix,
    })
}

/// A value as TOML writes it inline.
fn inline(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The comment lines that open the file (its description), each with its
/// newline.
fn opening_comment(src: &str) -> String {
    src.lines()
        .take_while(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        .filter(|l| !l.trim().is_empty())
        .map(|l| format!("{l}\n"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sets(args: &[&str]) -> Vec<SweepParam> {
        args.iter().map(|a| values::parse_set(a).unwrap()).collect()
    }

    fn file(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("s.toml");
        std::fs::write(&f, text).unwrap();
        (dir, f)
    }

    const TEXT: &str = "# A queue.\n\n[run]\nhorizon_s = 10\n[[queue]]\nname = \"q\"\n[[producer]]\nrate = 5.0\n[[consumer]]\nworkers = 2\nprocessing_s = { dist = \"constant\", mean = 0.1 }\n";

    #[test]
    fn keys_are_changed_and_named_with_the_files_values() {
        let (_d, f) = file(TEXT);
        let budget = MemoryBudget::or_machine(None);
        let w = what_if(
            &f,
            &sets(&["consumer.workers=3", "consumer[0].workers=4"]),
            &budget,
        )
        .unwrap();
        assert_eq!(w.scenario.consumers[0].workers, Some(4));
        assert_eq!(w.scenario.overrides.len(), 2);
        assert_eq!(w.scenario.overrides[1].file_value.as_deref(), Some("2"));
        assert!(w.text.starts_with("# A queue.\n#\n# What-if"), "{}", w.text);
        assert!(w.suffix.starts_with("-set-") && w.suffix.len() == 13);
        let again = what_if(&f, &sets(&["run.warmup_s=1"]), &budget).unwrap();
        assert_ne!(again.suffix, w.suffix);
        assert_eq!(again.scenario.overrides[0].file_value, None);
    }

    #[test]
    fn a_list_is_refused_and_a_misspelt_key_suggests_the_right_one() {
        let (_d, f) = file(TEXT);
        let budget = MemoryBudget::or_machine(None);
        let e = what_if(&f, &sets(&["consumer.workers=3,4"]), &budget)
            .err()
            .unwrap();
        assert!(e.to_string().contains("gives 2 values"), "{e}");
        let e = what_if(&f, &sets(&["consumer.wrokers=3"]), &budget)
            .err()
            .unwrap();
        assert!(e.to_string().contains("did you mean `workers`"), "{e}");
    }
}
