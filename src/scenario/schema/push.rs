//! Push topics (SNS-like fan-out) and the delivery policy of an endpoint
//! subscription. A topic pushes each publish to every subscription at once: to
//! its `queues` (SNS→SQS), and to every `[[consumer]]` with `push = "<topic>"`
//! (an endpoint, retried by `[consumer.delivery]`).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PushConfig {
    pub name: String,
    /// Queue subscriptions: each publish puts a copy in each of these queues.
    #[serde(default)]
    pub queues: Vec<String>,
    /// The largest message it takes, in bytes or a preset (docs/scenarios.md,
    /// "Payloads"); a producer's larger publish is refused. Absent: no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_message_bytes: Option<super::payload::ByteLimit>,
}

/// SNS's backoff functions: how the backoff phase's delays grow from
/// `min_delay_s` to `max_delay_s` (see docs/scenarios.md for the curves).
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum BackoffFunction {
    Arithmetic,
    Exponential,
    Geometric,
    #[default]
    Linear,
}

/// The delivery policy a subscription starts from.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryPreset {
    /// SNS's HTTP/S default: 3 retries 20 s apart, no immediate retry.
    #[default]
    Http,
    /// SNS's policy for AWS-managed endpoints (SQS, Lambda).
    AwsManaged,
}

/// Jitter on each retry delay (SNS jitters its retries without saying how).
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryJitter {
    None,
    /// Uniform in [0, d].
    Full,
    /// Uniform in [d/2, d].
    #[default]
    Equal,
}

/// An endpoint subscription's delivery policy: the preset's figures, each one
/// overridable. Retry phases as SNS names them: immediate (no delay),
/// pre-backoff (at the min delay), backoff (min → max), post-backoff (at max).
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct DeliveryConfig {
    pub preset: DeliveryPreset,
    pub immediate_retries: Option<u32>,
    pub pre_backoff_retries: Option<u32>,
    pub backoff_retries: Option<u32>,
    pub post_backoff_retries: Option<u32>,
    pub min_delay_s: Option<f64>,
    pub max_delay_s: Option<f64>,
    pub backoff_function: Option<BackoffFunction>,
    /// Give up when a retry would start later than this after the first attempt.
    pub max_s: Option<f64>,
    pub jitter: Option<DeliveryJitter>,
    /// An attempt not answered within this fails at the broker (the endpoint
    /// keeps working on it).
    pub timeout_s: Option<f64>,
    /// SNS `maxReceivesPerSecond`: attempts to this endpoint per second.
    pub throttle_per_s: Option<f64>,
    /// An SQS queue for copies whose policy ran out; without it they are dropped.
    pub dead_letter_queue: Option<String>,
}

/// A delivery policy with every figure decided.
#[derive(Clone, Debug, PartialEq)]
pub struct DeliveryPolicy {
    pub immediate_retries: u32,
    pub pre_backoff_retries: u32,
    pub backoff_retries: u32,
    pub post_backoff_retries: u32,
    pub min_delay_s: f64,
    pub max_delay_s: f64,
    pub backoff_function: BackoffFunction,
    pub max_s: Option<f64>,
    pub jitter: DeliveryJitter,
    pub timeout_s: f64,
    pub throttle_per_s: Option<f64>,
}

/// SNS HTTP/S limits: at most 100 retries, 3,600 s of retry delays in all.
pub const HTTP_MAX_RETRIES: u32 = 100;
pub const HTTP_MAX_TOTAL_S: f64 = 3600.0;

impl DeliveryConfig {
    pub fn resolve(&self) -> DeliveryPolicy {
        // (immediate, pre-backoff, backoff, post-backoff, min, max, function)
        let (i, pre, b, post, min, max, f) = match self.preset {
            DeliveryPreset::Http => (0, 0, 3, 0, 20.0, 20.0, BackoffFunction::Linear),
            DeliveryPreset::AwsManaged => {
                (3, 2, 10, 100_000, 1.0, 20.0, BackoffFunction::Exponential)
            }
        };
        DeliveryPolicy {
            immediate_retries: self.immediate_retries.unwrap_or(i),
            pre_backoff_retries: self.pre_backoff_retries.unwrap_or(pre),
            backoff_retries: self.backoff_retries.unwrap_or(b),
            post_backoff_retries: self.post_backoff_retries.unwrap_or(post),
            min_delay_s: self.min_delay_s.unwrap_or(min),
            max_delay_s: self.max_delay_s.unwrap_or(max),
            backoff_function: self.backoff_function.unwrap_or(f),
            max_s: self.max_s,
            jitter: self.jitter.unwrap_or_default(),
            timeout_s: self.timeout_s.unwrap_or(15.0),
            throttle_per_s: self.throttle_per_s,
        }
    }
}

impl DeliveryPolicy {
    pub fn retries(&self) -> u64 {
        self.immediate_retries as u64
            + self.pre_backoff_retries as u64
            + self.backoff_retries as u64
            + self.post_backoff_retries as u64
    }

    /// The nominal delay (before jitter) before retry `k` (1-based), or None
    /// past the last retry.
    pub fn delay_s(&self, k: u64) -> Option<f64> {
        let (i, pre, b) = (
            self.immediate_retries as u64,
            self.pre_backoff_retries as u64,
            self.backoff_retries as u64,
        );
        if k == 0 || k > self.retries() {
            return None;
        }
        Some(if k <= i {
            0.0
        } else if k <= i + pre {
            self.min_delay_s
        } else if k <= i + pre + b {
            self.backoff_delay_s(k - i - pre, b)
        } else {
            self.max_delay_s
        })
    }

    /// Backoff retry `j` of `n` (1-based): from just above the min delay to
    /// exactly the max delay at the phase's last retry.
    fn backoff_delay_s(&self, j: u64, n: u64) -> f64 {
        let (lo, hi) = (self.min_delay_s, self.max_delay_s);
        let x = j as f64 / n as f64;
        match self.backoff_function {
            // Equal steps.
            BackoffFunction::Linear => lo + (hi - lo) * x,
            // Steps that grow by a constant amount: j(j+1)/2 of n(n+1)/2.
            BackoffFunction::Arithmetic => {
                lo + (hi - lo) * (j * (j + 1)) as f64 / (n * (n + 1)) as f64
            }
            // Each delay a constant ratio times the one before.
            BackoffFunction::Geometric => lo * (hi / lo.max(1e-9)).powf(x),
            // Doubling from the min delay, capped at the max.
            BackoffFunction::Exponential => (lo * 2f64.powi(j.min(1023) as i32))
                .min(hi)
                .max(if j == n { hi } else { lo }),
        }
    }

    /// Sum of the nominal delays: the longest the retries can take (SNS caps
    /// it at 3,600 s for HTTP/S).
    pub fn total_delay_s(&self) -> f64 {
        let b = self.backoff_retries as u64;
        let backoff: f64 = (1..=b).map(|j| self.backoff_delay_s(j, b)).sum();
        self.pre_backoff_retries as f64 * self.min_delay_s
            + backoff
            + self.post_backoff_retries as f64 * self.max_delay_s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delays(p: &DeliveryPolicy) -> Vec<f64> {
        (1..=p.retries()).map(|k| p.delay_s(k).unwrap()).collect()
    }

    #[test]
    fn http_default_is_three_retries_twenty_seconds_apart() {
        let p = DeliveryConfig::default().resolve();
        assert_eq!(delays(&p), vec![20.0, 20.0, 20.0]);
        assert_eq!(p.delay_s(4), None);
        assert_eq!(p.timeout_s, 15.0);
    }

    #[test]
    fn aws_managed_phases() {
        let p = DeliveryConfig {
            preset: DeliveryPreset::AwsManaged,
            ..Default::default()
        }
        .resolve();
        assert_eq!(p.retries(), 100_015);
        let d: Vec<f64> = (1..=17).map(|k| p.delay_s(k).unwrap()).collect();
        assert_eq!(
            d,
            vec![
                0.0, 0.0, 0.0, 1.0, 1.0, 2.0, 4.0, 8.0, 16.0, 20.0, 20.0, 20.0, 20.0, 20.0, 20.0,
                20.0, 20.0
            ]
        );
        assert_eq!(p.delay_s(100_015), Some(20.0));
        assert_eq!(p.delay_s(100_016), None);
    }

    #[test]
    fn backoff_functions_run_from_min_to_max() {
        for f in [
            BackoffFunction::Linear,
            BackoffFunction::Arithmetic,
            BackoffFunction::Geometric,
            BackoffFunction::Exponential,
        ] {
            let p = DeliveryConfig {
                backoff_retries: Some(8),
                min_delay_s: Some(2.0),
                max_delay_s: Some(100.0),
                backoff_function: Some(f),
                ..Default::default()
            }
            .resolve();
            let d = delays(&p);
            assert_eq!(*d.last().unwrap(), 100.0, "{f:?}");
            assert!(d.windows(2).all(|w| w[0] <= w[1]), "{f:?}: {d:?}");
            assert!(d[0] >= 2.0 && d[0] < 100.0, "{f:?}: {d:?}");
        }
        // Linear has equal steps; arithmetic starts slower and ends faster.
        let p = |f| {
            DeliveryConfig {
                backoff_retries: Some(4),
                min_delay_s: Some(0.0),
                max_delay_s: Some(20.0),
                backoff_function: Some(f),
                ..Default::default()
            }
            .resolve()
        };
        assert_eq!(
            delays(&p(BackoffFunction::Linear)),
            vec![5.0, 10.0, 15.0, 20.0]
        );
        assert_eq!(
            delays(&p(BackoffFunction::Arithmetic)),
            vec![2.0, 6.0, 12.0, 20.0]
        );
    }
}
