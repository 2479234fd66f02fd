//! A sweep's folder is named after its scenario file alone, so a second sweep
//! of the same file with other `--set` keys or values would replace the first
//! one's results. It is refused instead, unless `--force` says to replace them;
//! a re-run of the same keys and values (after editing the scenario, or with
//! other replications) replaces them as before: it is the same study, redone.

use super::{Param, PlanInfo, SweepError, values::show};
use std::path::Path;

/// `key = a, b, c; key2 = x..y` (long value lists shortened): what a sweep
/// varied, for the message.
pub fn describe(params: &[Param]) -> String {
    params
        .iter()
        .map(|p| {
            let vs: Vec<String> = p.values.iter().map(show).collect();
            let shown = if vs.len() > 4 {
                format!(
                    "{}, {}, …, {} ({} values)",
                    vs[0],
                    vs[1],
                    vs[vs.len() - 1],
                    vs.len()
                )
            } else {
                vs.join(", ")
            };
            format!("{} = {shown}", p.path)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Refuses when `dir` holds a sweep (its plan.json) of other keys or values
/// than `info`'s. A plan.json that does not parse is no sweep's: left to be
/// replaced, as before.
pub fn other_sweep_in(dir: &Path, info: &PlanInfo) -> Result<(), SweepError> {
    let Ok(text) = std::fs::read_to_string(dir.join("plan.json")) else {
        return Ok(());
    };
    let Ok(old) = serde_json::from_str::<PlanInfo>(&text) else {
        return Ok(());
    };
    if old.params == info.params {
        return Ok(());
    }
    Err(SweepError::WouldReplace {
        dir: dir.to_path_buf(),
        old: describe(&old.params),
        new: describe(&info.params),
    })
}
