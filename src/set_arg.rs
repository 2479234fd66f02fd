//! Pointing at the part of a `--set PATH=VALUES` argument a sweep error is
//! about: which `--set` (the n-th), its text, and a caret line under the key
//! or values at fault, as the scenario diagnostics do for a file. `run --set`
//! errors are pointed at the same way.

use crate::sweep::{PlanError, SetError, SweepError};

/// The swept key an error is about, and the word of its argument to point at
/// (`None`: the key path; `Some("")`: the values).
fn subject(e: &SweepError) -> Option<(String, Option<String>)> {
    let SweepError::Plan(p) = e else {
        return None;
    };
    match p {
        PlanError::KeyPath { source, .. } => {
            let (path, word) = source.where_();
            Some((path.to_string(), word))
        }
        PlanError::Values { source, .. } => Some((source.path().to_string(), Some(String::new()))),
        PlanError::OneValue { path, .. } => Some((path.clone(), Some(String::new()))),
        PlanError::PointType {
            key: Some(key),
            word,
            ..
        } => Some((key.clone(), word.clone())),
        // The values are at fault when the points alone are too many, or
        // outnumber the replications; else it is --reps.
        PlanError::TooBig {
            counts,
            points,
            reps,
            ..
        } if *points > crate::sweep::MAX_POINTS || *points >= u64::from(*reps) => counts
            .iter()
            .max_by_key(|(_, n)| *n)
            .map(|(p, _)| (p.clone(), Some(String::new()))),
        _ => None,
    }
}

/// Lines that show the `--set` argument an error is about; empty when the key
/// came from the file's [sweep] table or the error is about no key.
pub fn locate(e: &SweepError, args: &[String]) -> String {
    let Some((path, word)) = subject(e) else {
        return String::new();
    };
    // The last --set of a path is the one in force.
    let Some((n, arg)) = args
        .iter()
        .enumerate()
        .rev()
        .find(|(_, a)| a.split_once('=').is_some_and(|(p, _)| p.trim() == path))
    else {
        return String::new();
    };
    let eq = arg.find('=').unwrap_or(arg.len());
    let (from, len) = match word.as_deref() {
        Some("") => (eq + 1, arg.len().saturating_sub(eq + 1)),
        Some(w) => arg[..eq].rfind(w).map_or((0, eq), |i| (i, w.len())),
        None => (0, eq),
    };
    pointer(n, arg, from, len)
}

/// Where a `--set` that does not parse is wrong.
pub fn locate_parse(e: &SetError, n: usize, arg: &str) -> String {
    let (from, len) = match e.word() {
        Some(w) => arg.rfind(w).map_or((0, arg.len()), |i| (i, w.len())),
        None => (0, arg.len()),
    };
    pointer(n, arg, from, len)
}

fn pointer(n: usize, arg: &str, from: usize, len: usize) -> String {
    let prefix = "  --set ";
    let pad = prefix.chars().count() + arg[..from.min(arg.len())].chars().count();
    let width = arg
        .get(from..from + len)
        .map_or(1, |w| w.chars().count().max(1));
    format!(
        "{prefix}{arg}   (--set number {}, column {})\n{}{}",
        n + 1,
        arg[..from.min(arg.len())].chars().count() + 1,
        " ".repeat(pad),
        "^".repeat(width)
    )
}
