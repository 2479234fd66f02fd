//! A database as instance-hours. Its size is the smallest that has its
//! `cores` and its `max_connections`: sizes double (RDS large, xlarge,
//! 2xlarge, …), and so does the price.

use super::{Item, Priced, item};
use crate::scenario::CostConfig;

/// The size multiple (1, 2, 4, …) a database of `cores` and `connections` needs.
pub(super) fn size(cores: u32, connections: u32, p: &CostConfig) -> u32 {
    let need = cores
        .div_ceil(p.database_cores_per_size.max(1))
        .max(connections.div_ceil(p.database_connections_per_size.max(1)))
        .max(1);
    need.checked_next_power_of_two().unwrap_or(u32::MAX)
}

pub(super) fn items(sum: &Priced, p: &CostConfig, hours: f64) -> Vec<Item> {
    sum.databases
        .iter()
        .map(|d| {
            let size = size(d.cores, d.max_connections, p);
            item(
                &d.name,
                "instance_hours",
                "database",
                hours,
                "instance-hours",
                p.database_per_hour * f64::from(size),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_double_with_cores_or_connections() {
        let p = CostConfig::default();
        assert_eq!(size(1, 50, &p), 1);
        assert_eq!(size(2, 50, &p), 1);
        assert_eq!(size(3, 50, &p), 2);
        assert_eq!(size(8, 50, &p), 4);
        assert_eq!(size(2, 1500, &p), 2);
    }
}
