//! The Kafka producer's own books: every record that entered `send()` is
//! waiting for buffer memory, in a batch (open, in flight or backing off),
//! acknowledged, or failed; and every record the broker appended a first time
//! is acknowledged, in a live batch, or failed after its append (a response
//! lost, then the delivery timeout). Its duplicates appended are the
//! topic's records like any other: the groups' books count them.

use super::KafkaProducer;
use crate::metrics::imbalance::Imbalance;

impl KafkaProducer {
    pub fn own_books(&self, producer: &str, out: &mut Vec<Imbalance>) {
        let c = &self.c;
        let failed = c.buffer_full_errors + c.delivery_timeouts + c.retries_exhausted;
        let waiting = self.acc.waiting.len() as u64;
        let in_batches = self.acc.records_held();
        let appended_held = self.acc.records_appended_held();
        if c.sends != waiting + in_batches + c.acked + failed
            || c.appended != c.acked + appended_held + c.failed_appended
        {
            out.push(Imbalance::KafkaProducer {
                producer: producer.to_string(),
                sends: c.sends,
                waiting,
                in_batches,
                acked: c.acked,
                failed,
                appended: c.appended,
                appended_held,
                failed_appended: c.failed_appended,
            });
        }
    }
}
