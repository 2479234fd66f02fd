//! What a run may use, checked before anything is allocated: memory
//! ([`memory`]: a worst-case estimate against a budget), steps ([`steps`]: the
//! default of `run.max_events`), and the size of the time series
//! ([`series`]). A scenario that would not fit is refused with the key at
//! fault, the estimate, the budget and the fix, like any other scenario error.

pub mod budget;
pub mod memory;
pub mod series;
pub mod steps;

pub use budget::{BadBudget, MemoryBudget};
pub use memory::{Estimate, Part, estimate};
pub use steps::max_steps;

use super::Scenario;
use super::validate::Problem;

/// The problems of a valid scenario against the limits: its memory estimate
/// beyond `budget`, or a time series beyond its cap.
pub fn check(s: &Scenario, budget: &MemoryBudget) -> Vec<Problem> {
    let mut problems = vec![];
    if let Some(p) = series::check(s) {
        problems.push(p);
    }
    if let Some(p) = memory::check(&estimate(s), budget) {
        problems.push(p);
    }
    problems
}

/// Bytes as a person reads them: `512 MiB`, `11.8 GiB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 || v >= 100.0 {
        format!("{v:.0} {}", UNITS[u])
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_read_like_a_person_would() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(8 << 30), "8.0 GiB");
        assert_eq!(bytes(300 << 20), "300 MiB");
    }
}
