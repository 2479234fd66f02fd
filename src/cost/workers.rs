//! Worker pools as instance-hours: a pool's workers (an autoscaled pool's
//! worker-seconds), a group's members, a push endpoint's workers (a Lambda
//! consumer is priced by its invocations).

use super::{Item, Priced, item};
use crate::scenario::CostConfig;

pub(super) fn items(sum: &Priced, p: &CostConfig, hours: f64) -> Vec<Item> {
    sum.consumers
        .iter()
        .filter(|c| c.lambda.is_none())
        .map(|c| {
            let per = p.workers_per_instance.max(1);
            // An autoscaled pool pays for the workers it had, when it had
            // them (instances filled as workers come and go).
            let instance_hours = match &c.autoscale {
                Some(a) => a.worker_seconds / 3600.0 / f64::from(per),
                None => f64::from(c.workers.div_ceil(per)) * hours,
            };
            item(
                &c.name,
                "instance_hours",
                "workers",
                instance_hours,
                "instance-hours",
                p.worker_per_hour,
            )
        })
        .collect()
}
