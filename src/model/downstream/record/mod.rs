//! A record under optimistic concurrency (the contention of the "backoff and
//! jitter" experiment): a read returns the record's version; a write lands only
//! if the version is still the one its writer read, and then bumps it.

pub mod summary;

use crate::engine::{Rng, SimTime, from_secs, stream};
use crate::model::dist::Dist;
use crate::model::observe::{Observed, View};

pub struct RecordParams {
    pub name: String,
    pub read: Dist,
    pub write: Dist,
}

#[derive(Clone, Debug, Default)]
pub struct RecordCounters {
    pub reads: u64,
    pub writes: u64,
    /// Writes refused because another write landed since their read.
    pub conflicts: u64,
}

pub struct Record {
    pub p: RecordParams,
    rng_read: Rng,
    rng_write: Rng,
    pub version: u64,
    pub c: RecordCounters,
}

impl Record {
    pub fn new(p: RecordParams, seed: u64, rep: u64) -> Record {
        Record {
            rng_read: stream(seed, &format!("record.{}.read", p.name), rep),
            rng_write: stream(seed, &format!("record.{}.write", p.name), rep),
            version: 0,
            c: RecordCounters::default(),
            p,
        }
    }

    /// The version now, and how long the read takes to answer.
    pub fn read(&mut self) -> (u64, SimTime) {
        self.c.reads += 1;
        (
            self.version,
            from_secs(self.p.read.sample(&mut self.rng_read)),
        )
    }

    /// A conditional write on the version read: whether it landed, and how long
    /// its answer takes.
    pub fn write(&mut self, read_version: u64) -> (bool, SimTime) {
        self.c.writes += 1;
        let ok = read_version == self.version;
        if ok {
            self.version += 1;
        } else {
            self.c.conflicts += 1;
        }
        (ok, from_secs(self.p.write.sample(&mut self.rng_write)))
    }
}

/// Its columns in the time series: reads, writes and conflicts.
impl Observed for Record {
    fn name(&self) -> &str {
        &self.p.name
    }

    fn series_columns(&self, cols: &mut crate::metrics::columns::Columns, _: &View) {
        cols.counter("reads", self.c.reads);
        cols.counter("writes", self.c.writes);
        cols.counter("conflicts", self.c.conflicts);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_lands_only_on_the_version_it_read() {
        let mut r = Record::new(
            RecordParams {
                name: "r".into(),
                read: Dist::constant(0.001),
                write: Dist::constant(0.001),
            },
            1,
            0,
        );
        let (a, _) = r.read();
        let (b, _) = r.read();
        assert!(r.write(a).0);
        assert!(!r.write(b).0, "a write landed since b's read");
        let (c, _) = r.read();
        assert!(r.write(c).0);
        assert_eq!((r.version, r.c.writes, r.c.conflicts), (2, 3, 1));
    }
}
