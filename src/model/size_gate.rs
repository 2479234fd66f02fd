//! A broker's largest message (`max_message_bytes` of a topic, push topic or
//! bus): a publish above it is refused, as Kafka answers
//! RecordTooLargeException, SNS and EventBridge a validation error. The
//! producer sees the refusal and counts it (`too_large`); nothing retries it —
//! a message does not shrink by being sent again. A queue keeps its own limit
//! (`model/queue`), where a refusal also meets the queue's overflow policy.

#[derive(Clone, Debug, Default)]
pub struct SizeGate {
    /// The largest message let through, in bytes; None: no limit.
    pub max: Option<u64>,
    /// Publishes refused for their size.
    pub refused: u64,
}

impl SizeGate {
    pub fn new(max: Option<u64>) -> SizeGate {
        SizeGate { max, refused: 0 }
    }

    /// Whether a message of `size` bytes passes; a refusal is counted.
    pub fn admits(&mut self, size: u32) -> bool {
        let ok = self.max.is_none_or(|max| u64::from(size) <= max);
        self.refused += u64::from(!ok);
        ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_and_counts_only_what_is_larger_than_the_limit() {
        let mut g = SizeGate::new(Some(1_048_576));
        assert!(g.admits(1_048_576));
        assert!(!g.admits(1_048_577));
        assert!(g.admits(10));
        assert_eq!(g.refused, 1);
        let mut none = SizeGate::new(None);
        assert!(none.admits(u32::MAX));
        assert_eq!(none.refused, 0);
    }
}
