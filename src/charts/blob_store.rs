//! The `blob_store` chart of a run with claim checks: what each blob store
//! holds over time (all payloads, and the orphans among them: objects whose
//! message is done or lost, kept until a lifecycle rule expires them, or
//! forever), against its storage budget; what it has cost so far on the
//! right axis. The four cleanup strategies differ here at a glance: a flat
//! line near zero, a plateau at the expiry's worth of payloads, a ramp.

use super::run::{chart, dashed, gauge};
use super::timechart::{Limit, Series, Shade, Window};
use super::{ChartDir, ChartError};
use crate::metrics::series::BoundedSeries;
use crate::model::blob_store::GIB;
use crate::run::Summary;

const MIB: f64 = 1_048_576.0;

pub(super) fn draw(dir: &ChartDir, s: &Summary, series: &BoundedSeries) -> Result<(), ChartError> {
    if s.blob_stores.is_empty() {
        return Ok(());
    }
    // GB once a store holds one at its peak, else MB: a small store's
    // line should not hug the axis.
    let peak = s
        .blob_stores
        .iter()
        .map(|b| b.peak_bytes)
        .max()
        .unwrap_or(0) as f64;
    let (unit, per_unit) = if peak >= GIB {
        ("GB stored (1 GB = 2^30 bytes, as billed)", GIB)
    } else {
        ("MB stored (1 MB = 2^20 bytes)", MIB)
    };
    let mut c = chart("Blob store: payloads stored, orphans and cost", s, unit);
    let one = s.blob_stores.len() == 1;
    // The columns are in decimal megabytes (bytes / 10^6).
    let scale = |line: Option<Series>| {
        line.map(|mut l| {
            for p in &mut l.points {
                p.1 *= 1e6 / per_unit;
            }
            l
        })
    };
    for b in &s.blob_stores {
        let label = |what: &str| {
            if one {
                what.to_string()
            } else {
                format!("{}: {what}", b.name)
            }
        };
        c.series.extend(scale(gauge(
            series,
            &format!("{}.stored_mb", b.name),
            &label("payloads stored (all objects)"),
        )));
        c.series.extend(scale(gauge(
            series,
            &format!("{}.orphan_mb", b.name),
            &label("orphans among them (message done or lost)"),
        )));
        if let Some(gb) = b.storage_budget_gb {
            c.limits.push(Limit {
                label: label(&format!("storage budget ({gb} GB)")),
                value: gb * GIB / per_unit,
            });
        }
        if let Some(at) = b.over_budget_at_s {
            c.windows.push(Window {
                label: label("budget passed"),
                from_x: at,
                to_x: at,
                shade: Shade::Down,
            });
        }
        c.series2.extend(
            gauge(
                series,
                &format!("{}.cost_usd", b.name),
                &label("cost so far: requests and storage (right axis)"),
            )
            .map(dashed),
        );
    }
    c.y2_label = Some("US dollars".into());
    super::finish(c).write(dir.join("blob_store"))?;
    Ok(())
}
