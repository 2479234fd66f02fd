//! The `compaction` chart of a run with a compacted topic: the records the
//! topic holds against the records appended to it. Without compaction the two
//! lines would be one; with it the held line stays flat near the live keys
//! (plus the uncleaned tail) while the appended line climbs: the topic's size
//! follows the keys, not the records. The live keys are drawn dashed.

use super::run::{chart, dashed, gauge};
use super::{ChartDir, ChartError};
use crate::metrics::series::BoundedSeries;
use crate::run::Summary;

pub(super) fn draw(dir: &ChartDir, s: &Summary, series: &BoundedSeries) -> Result<(), ChartError> {
    let compacted: Vec<_> = s.topics.iter().filter(|t| t.compaction.is_some()).collect();
    if compacted.is_empty() {
        return Ok(());
    }
    let mut c = chart(
        "Compacted topic: records held against records appended",
        s,
        "records held, live keys",
    );
    let one = compacted.len() == 1;
    for t in compacted {
        let label = |what: &str| {
            if one {
                what.to_string()
            } else {
                format!("{}: {what}", t.name)
            }
        };
        c.series.extend(gauge(
            series,
            &format!("{}.held_records", t.name),
            &label("records held"),
        ));
        c.series.extend(
            gauge(
                series,
                &format!("{}.live_keys", t.name),
                &label("live keys (latest record not a tombstone), at each cleaner pass"),
            )
            .map(dashed),
        );
        c.series2.extend(gauge(
            series,
            &format!("{}.appended", t.name),
            &label("records appended so far (right axis)"),
        ));
    }
    c.y2_label = Some("records appended".into());
    super::finish(c).write(dir.join("compaction"))?;
    Ok(())
}
