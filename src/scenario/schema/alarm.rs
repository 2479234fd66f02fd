//! `[[alarm]]`: a CloudWatch-shaped alarm on one component's metric. It only
//! watches: it changes nothing in the run, and the summary says when it fired.

use serde::{Deserialize, Serialize};

/// CloudWatch's standard resolution: a metric has one datapoint a minute.
pub const STANDARD_RESOLUTION_S: f64 = 60.0;

/// An alarm: a metric of one queue or consumer, a statistic over each period,
/// and "M of N" periods beyond the threshold to fire.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AlarmConfig {
    pub name: String,
    /// The metric, by its CloudWatch name.
    pub metric: Metric,
    /// The queue of a queue metric (may be left out when there is one queue).
    pub queue: Option<String>,
    /// The consumer of a consumer or group metric.
    pub consumer: Option<String>,
    #[serde(default)]
    pub statistic: Statistic,
    #[serde(default = "defaults::period_s")]
    pub period_s: f64,
    pub threshold: f64,
    #[serde(default)]
    pub comparison: Comparison,
    #[serde(default = "defaults::evaluation_periods")]
    pub evaluation_periods: u32,
    /// M of the N evaluation periods (default: all N).
    pub datapoints_to_alarm: Option<u32>,
}

/// The metrics an alarm can watch, named as CloudWatch names them.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub enum Metric {
    // A queue's (AWS/SQS).
    ApproximateNumberOfMessagesVisible,
    ApproximateNumberOfMessagesNotVisible,
    ApproximateNumberOfMessagesDelayed,
    ApproximateAgeOfOldestMessage,
    NumberOfMessagesSent,
    NumberOfMessagesReceived,
    NumberOfMessagesDeleted,
    // A consumer's (AWS/Lambda for a poller; the same meaning for a pool).
    ConcurrentExecutions,
    Invocations,
    Errors,
    Throttles,
    // A consumer group's (AWS/Kafka).
    SumOffsetLag,
    EstimatedMaxTimeLag,
}

impl AlarmConfig {
    /// The time between two samples of the metric: the period itself up to a
    /// minute (high resolution), a minute beyond.
    pub fn resolution_s(&self) -> f64 {
        self.period_s.min(STANDARD_RESOLUTION_S)
    }

    /// M of "M out of N".
    pub fn datapoints(&self) -> u32 {
        self.datapoints_to_alarm.unwrap_or(self.evaluation_periods)
    }
}

/// What a metric belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetricOwner {
    Queue,
    Consumer,
    /// A consumer that is a member of a group reading a topic.
    Group,
}

impl Metric {
    pub fn owner(self) -> MetricOwner {
        use Metric::*;
        match self {
            ApproximateNumberOfMessagesVisible
            | ApproximateNumberOfMessagesNotVisible
            | ApproximateNumberOfMessagesDelayed
            | ApproximateAgeOfOldestMessage
            | NumberOfMessagesSent
            | NumberOfMessagesReceived
            | NumberOfMessagesDeleted => MetricOwner::Queue,
            ConcurrentExecutions | Invocations | Errors | Throttles => MetricOwner::Consumer,
            SumOffsetLag | EstimatedMaxTimeLag => MetricOwner::Group,
        }
    }

    /// Counts per sample (an increase) rather than a level read as it is.
    pub fn is_count(self) -> bool {
        use Metric::*;
        matches!(
            self,
            NumberOfMessagesSent
                | NumberOfMessagesReceived
                | NumberOfMessagesDeleted
                | Invocations
                | Errors
                | Throttles
        )
    }

    /// Throttles exist only where invocations can be throttled: a poller.
    pub fn needs_poller(self) -> bool {
        matches!(self, Metric::Throttles)
    }
}

/// The statistic of a period's samples.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
pub enum Statistic {
    #[default]
    Maximum,
    Minimum,
    Average,
    Sum,
    SampleCount,
}

/// How a period's statistic is compared with the threshold.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
pub enum Comparison {
    #[default]
    GreaterThanThreshold,
    GreaterThanOrEqualToThreshold,
    LessThanThreshold,
    LessThanOrEqualToThreshold,
}

impl Comparison {
    pub fn breaches(self, value: f64, threshold: f64) -> bool {
        match self {
            Comparison::GreaterThanThreshold => value > threshold,
            Comparison::GreaterThanOrEqualToThreshold => value >= threshold,
            Comparison::LessThanThreshold => value < threshold,
            Comparison::LessThanOrEqualToThreshold => value <= threshold,
        }
    }
}

mod defaults {
    pub fn period_s() -> f64 {
        60.0
    }
    pub fn evaluation_periods() -> u32 {
        1
    }
}
