//! Worker pools as instance-hours: a pool's workers, a group's members, a
//! push endpoint's workers (a Lambda consumer is priced by its invocations).

use super::{Item, Priced, item};
use crate::scenario::CostConfig;

pub(super) fn items(sum: &Priced, p: &CostConfig, hours: f64) -> Vec<Item> {
    sum.consumers
        .iter()
        .filter(|c| c.lambda.is_none())
        .map(|c| {
            let instances = c.workers.div_ceil(p.workers_per_instance.max(1));
            item(
                &c.name,
                "instance_hours",
                "workers",
                f64::from(instances) * hours,
                "instance-hours",
                p.worker_per_hour,
            )
        })
        .collect()
}
