//! A record's entry in summary.json: its reads, writes and the writes that
//! lost the race.

use crate::model::downstream::record::Record;
use crate::model::summarise::{Links, Summarised};
use serde::Serialize;

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct RecordSummary {
    pub name: String,
    pub reads: u64,
    pub writes: u64,
    pub conflicts: u64,
    /// Successful writes.
    pub version: u64,
}

impl Summarised for Record {
    type Entry = RecordSummary;

    fn summary(&self, _: &Links) -> RecordSummary {
        RecordSummary {
            name: self.p.name.clone(),
            reads: self.c.reads,
            writes: self.c.writes,
            conflicts: self.c.conflicts,
            version: self.version,
        }
    }
}
