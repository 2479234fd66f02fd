//! The `utilisation` chart: each pool consumer's busy workers over its pool
//! size, one line per consumer. The workers chart sums the pools, which hides
//! one saturated consumer among idle ones (fanout's `etl`); here it shows at
//! 100 %. Drawn only with two pool consumers or more.

use super::run::chart;
use super::timechart::{Limit, Series};
use super::{ChartDir, ChartError};
use crate::metrics::series::BoundedSeries;
use crate::run::Summary;

/// `<consumer>.busy` over `<consumer>.workers` in percent, each merged row's
/// lowest and highest (a short saturation is not averaged away).
fn utilisation(s: &BoundedSeries, name: &str) -> Option<Series> {
    let t = s.column("time_s")?;
    let busy = s.extremes(&format!("{name}.busy"))?;
    let size = s.column(&format!("{name}.workers"))?;
    let mut points = Vec::with_capacity(t.len());
    for ((&t, [a, b]), &n) in t.iter().zip(busy).zip(&size) {
        let pct = |v: f64| if n > 0.0 { 100.0 * v / n } else { f64::NAN };
        points.push((t, pct(a)));
        if b.to_bits() != a.to_bits() {
            points.push((t, pct(b)));
        }
    }
    Some(Series::new(name, points))
}

pub(super) fn draw(dir: &ChartDir, s: &Summary, series: &BoundedSeries) -> Result<(), ChartError> {
    let pools: Vec<_> = s.consumers.iter().filter(|c| c.kind == "pool").collect();
    if pools.len() < 2 {
        return Ok(());
    }
    let mut c = chart(
        "Utilisation per consumer (busy workers / pool size)",
        s,
        "busy workers (% of the pool)",
    );
    for (i, p) in pools.iter().enumerate() {
        // Colours tell consumers apart here, not meanings.
        c.series.extend(utilisation(series, &p.name).map(|mut l| {
            l.label = format!("{} ({} workers)", p.name, p.workers);
            l.color = Some(i);
            l
        }));
    }
    c.limits.push(Limit {
        label: "saturated (100 %)".into(),
        value: 100.0,
    });
    super::finish(c).write(dir.join("utilisation"))?;
    Ok(())
}
