//! The memory budget: by default half of the machine's memory (MemTotal in
//! /proc/meminfo), so that a run leaves room for the rest of the machine and
//! for the runs beside it; `--memory-budget 8GiB` sets it.

use std::fmt;
use std::str::FromStr;

/// When /proc/meminfo cannot be read (not Linux, a sandbox).
pub const FALLBACK_BYTES: u64 = 4 << 30;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemoryBudget {
    pub bytes: u64,
    /// Where it came from, for the messages.
    pub source: Source,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Half of MemTotal.
    Machine,
    /// /proc/meminfo unreadable: [`FALLBACK_BYTES`].
    Fallback,
    /// `--memory-budget`.
    Flag,
}

impl MemoryBudget {
    /// Half of this machine's memory, or [`FALLBACK_BYTES`].
    pub fn machine() -> Self {
        match std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|t| mem_total(&t))
        {
            Some(total) => MemoryBudget {
                bytes: total / 2,
                source: Source::Machine,
            },
            None => MemoryBudget {
                bytes: FALLBACK_BYTES,
                source: Source::Fallback,
            },
        }
    }

    /// `--memory-budget` when given, else [`MemoryBudget::machine`].
    pub fn or_machine(flag: Option<MemoryBudget>) -> Self {
        flag.unwrap_or_else(Self::machine)
    }
}

impl fmt::Display for MemoryBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = super::bytes(self.bytes);
        match self.source {
            Source::Machine => write!(f, "{b} (half of this machine's memory)"),
            Source::Fallback => write!(f, "{b} (the machine's memory is unknown)"),
            Source::Flag => write!(f, "{b} (--memory-budget)"),
        }
    }
}

/// MemTotal in bytes, from the text of /proc/meminfo.
fn mem_total(meminfo: &str) -> Option<u64> {
    let line = meminfo.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kb.checked_mul(1024).filter(|&b| b > 0)
}

/// A `--memory-budget` that is not a size.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "`{0}` is not a memory size: expected a number of bytes with a unit, e.g. 8GiB, 512MiB or 2G"
)]
pub struct BadBudget(pub String);

impl FromStr for MemoryBudget {
    type Err = BadBudget;

    /// `8GiB`, `512MiB`, `2G`, `1.5TiB`, `1000000` (bytes).
    fn from_str(s: &str) -> Result<Self, BadBudget> {
        let bad = || BadBudget(s.to_string());
        let t = s.trim();
        let split = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let n: f64 = num.parse().map_err(|_| bad())?;
        let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
            "" | "b" => 1,
            "k" | "kb" | "kib" => 1 << 10,
            "m" | "mb" | "mib" => 1 << 20,
            "g" | "gb" | "gib" => 1 << 30,
            "t" | "tb" | "tib" => 1 << 40,
            _ => return Err(bad()),
        };
        let bytes = n * scale as f64;
        if !(bytes.is_finite() && bytes >= 1.0 && bytes < u64::MAX as f64) {
            return Err(bad());
        }
        Ok(MemoryBudget {
            bytes: bytes as u64,
            source: Source::Flag,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_units() {
        let b = |s: &str| s.parse::<MemoryBudget>().map(|b| b.bytes);
        assert_eq!(b("8GiB"), Ok(8 << 30));
        assert_eq!(b("512 MiB"), Ok(512 << 20));
        assert_eq!(b("2g"), Ok(2 << 30));
        assert_eq!(b("1.5KiB"), Ok(1536));
        assert_eq!(b("1000"), Ok(1000));
        assert!(b("lots").is_err());
        assert!(b("8 parsecs").is_err());
        assert!(b("0").is_err());
        assert!(b("-1G").is_err());
    }

    #[test]
    fn mem_total_is_read_in_bytes() {
        let t = "MemTotal:       24683792 kB\nMemFree:         1000 kB\n";
        assert_eq!(mem_total(t), Some(24683792 * 1024));
        assert_eq!(mem_total("MemFree: 1 kB"), None);
        assert_eq!(mem_total("MemTotal: x kB"), None);
    }
}
