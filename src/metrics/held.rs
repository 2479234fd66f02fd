//! Messages held: waiting (queues' visible and delayed messages, groups'
//! lag), in flight (received and not yet deleted), push copies waiting for a
//! delivery, and messages in producers' buffers. This is what an SRE means by
//! "the backlog" when asking whether a system has drained: a consumer whose
//! calls fail receives its queue empty and hides the backlog in flight, where
//! the visible count alone reads zero.

/// Where the held messages' columns are in a row of the time series.
#[derive(Clone, Copy, Debug)]
pub struct HeldColumns {
    backlog: usize,
    in_flight: Option<usize>,
    push_pending: Option<usize>,
    producer_buffered: Option<usize>,
}

impl HeldColumns {
    /// None without a `backlog` column: nothing is held where nothing waits.
    pub fn locate(columns: &[String]) -> Option<HeldColumns> {
        let at = |name: &str| columns.iter().position(|c| c == name);
        Some(HeldColumns {
            backlog: at("backlog")?,
            in_flight: at("in_flight"),
            push_pending: at("push_pending"),
            producer_buffered: at("producer_buffered"),
        })
    }

    /// The messages held at the row's sample.
    pub fn read(&self, row: &[f64]) -> f64 {
        let extra = |i: Option<usize>| i.map_or(0.0, |i| row[i]);
        // This order of sums, always: the verdict's figures are exact.
        row[self.backlog]
            + extra(self.in_flight)
            + extra(self.push_pending)
            + extra(self.producer_buffered)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn held_counts_what_waits_in_flight_and_in_buffers() {
        let cols = ["time_s", "in_flight", "backlog", "producer_buffered"].map(String::from);
        let h = HeldColumns::locate(&cols).unwrap();
        assert_eq!(h.read(&[5.0, 388_000.0, 0.0, 7.0]), 388_007.0);
        let none = ["time_s", "in_flight"].map(String::from);
        assert!(HeldColumns::locate(&none).is_none());
    }
}
