//! Consumers: a fixed worker pool or a Lambda-like managed poller, the work each
//! message takes (own processing, then a chain of downstream calls), and the
//! protections around those calls.

use super::DistSpec;
use super::defaults;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum OnFailure {
    /// Leave the message; it reappears when its visibility timeout expires.
    #[default]
    VisibilityTimeout,
    /// ChangeMessageVisibility to the `backoff` policy's delay for this receive count.
    ChangeVisibility,
}

#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Jitter {
    #[default]
    None,
    Full,
    Equal,
    Decorrelated,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct RetryPolicy {
    pub base_s: f64,
    pub cap_s: f64,
    pub multiplier: f64,
    pub jitter: Jitter,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base_s: 1.0,
            cap_s: 60.0,
            multiplier: 2.0,
            jitter: Jitter::Full,
        }
    }
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConsumerConfig {
    #[serde(default)]
    pub name: Option<String>,
    /// Queue to pull from; may be left out when the scenario has exactly one queue.
    #[serde(default)]
    pub queue: Option<String>,
    /// A topic to read instead: the consumer is a consumer group, its workers the
    /// group's members, `batch_size` the records per fetch (max.poll.records).
    #[serde(default)]
    pub topic: Option<String>,
    /// A push topic instead: the consumer is an endpoint subscription, its
    /// workers its concurrency; the topic's deliveries find a free worker or
    /// are refused.
    #[serde(default)]
    pub push: Option<String>,
    /// How the push topic retries deliveries to this endpoint.
    #[serde(default)]
    pub delivery: Option<super::DeliveryConfig>,
    /// RabbitMQ basic.qos: the queue pushes to each worker up to this many
    /// unacknowledged messages (no polling, no visibility timeout).
    #[serde(default)]
    pub prefetch: Option<u32>,
    /// Fixed pool size (1 if left out); a Lambda-like consumer scales instead.
    #[serde(default)]
    pub workers: Option<u32>,
    /// Messages per receive: 1 by default, 10 for a Lambda-like consumer (AWS).
    #[serde(default)]
    pub batch_size: Option<u32>,
    /// Long-poll wait; 0 is short polling.
    #[serde(default = "defaults::wait_time_s")]
    pub wait_time_s: f64,
    /// With short polling: pause after an empty receive before polling again.
    #[serde(default = "defaults::empty_poll_pause_s")]
    pub empty_poll_pause_s: f64,
    #[serde(default = "defaults::processing_s")]
    pub processing_s: DistSpec,
    /// Probability that a processing of a healthy message fails (transient error).
    #[serde(default)]
    pub error_rate: f64,
    #[serde(default)]
    pub on_failure: OnFailure,
    #[serde(default)]
    pub backoff: RetryPolicy,
    /// Downstreams called for each message, in order, after its own processing
    /// time: names of `[[database]]` or `[[api]]` tables.
    #[serde(default)]
    pub calls: Vec<String>,
    /// Retries of a failed downstream call inside the consumer (holding its slot
    /// and any connection while it waits).
    #[serde(default)]
    pub retry: Option<CallRetry>,
    /// A circuit breaker around each downstream this consumer calls.
    #[serde(default)]
    pub breaker: Option<BreakerConfig>,
    /// A dedupe store keyed by message id; without it every processing applies its
    /// side effect again.
    #[serde(default)]
    pub idempotency: Option<IdempotencyConfig>,
    /// Makes this consumer a managed poller (Lambda reading SQS).
    #[serde(default)]
    pub lambda: Option<LambdaConfig>,
    /// How a consumer group (with `topic`) commits, fails and rebalances.
    #[serde(default)]
    pub group: Option<GroupConfig>,
    /// The consumer crashes at each of these times. A prefetch consumer's
    /// channel: what its workers hold unacknowledged goes back to the queue
    /// (redelivered). A worker pool's process: what its workers hold is left
    /// to the visibility timeout, and they poll again at once.
    #[serde(default)]
    pub crash_at_s: Vec<f64>,
    /// And at random, at this rate (a Poisson process).
    #[serde(default)]
    pub crashes_per_hour: f64,
    /// A pipeline stage: publishes onward after its side effect.
    #[serde(default)]
    pub publish: Option<super::OnwardConfig>,
    /// Delayed-retry tiers: a failed message moves to a retry queue whose TTL
    /// returns it, then to a parking queue.
    #[serde(default)]
    pub retry_tiers: Option<RetryTiersConfig>,
    /// Makes a pool autoscaled on its queue's backlog (KEDA and the Kubernetes
    /// HPA): `workers` is then the size it starts with.
    #[serde(default)]
    pub autoscale: Option<AutoscaleConfig>,
    /// The order of each key's applications matters here: a message applied
    /// after a later one of its key is a harm the verdict names. Counted
    /// whenever the messages carry keys; this makes it a finding.
    #[serde(default)]
    pub order_matters: bool,
    /// What a GET that finds no object does to a claim-check message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_such_key: Option<super::NoSuchKey>,
    /// The consumer's download bandwidth: a message's (or its payload's)
    /// transfer takes size / this. Absent: instantaneous.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub download_mb_per_s: Option<f64>,
}

/// A pool that scales on its queue's backlog per worker, as KEDA's SQS scaler
/// drives a Kubernetes HorizontalPodAutoscaler. Defaults are KEDA's and the
/// HPA's (docs/scenarios.md gives the sources).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct AutoscaleConfig {
    /// The fewest workers (KEDA's minReplicaCount: 0).
    pub min_workers: u32,
    /// The most workers (KEDA's maxReplicaCount: 100).
    pub max_workers: u32,
    /// Messages per worker the scaler aims at (KEDA's SQS `queueLength`: 5).
    pub target_backlog_per_worker: f64,
    /// Count in-flight messages in the backlog (KEDA's `scaleOnInFlight`: true).
    pub count_in_flight: bool,
    /// How often the backlog is read and the size decided (the HPA's sync
    /// period: 15 s).
    pub polling_interval_s: f64,
    /// No change while the backlog per worker is within this fraction of the
    /// target (the HPA's tolerance: 0.1).
    pub tolerance: f64,
    /// Scale up to the lowest size asked for over this window (HPA: 0 s).
    pub scale_up_stabilization_s: f64,
    /// Scale down to the highest size asked for over this window (HPA: 300 s).
    pub scale_down_stabilization_s: f64,
    /// At most this much growth per decision, in percent of the current size…
    /// (HPA: 100 % per 15 s)
    pub scale_up_max_percent: f64,
    /// …or this many workers, whichever is more (HPA: 4 per 15 s).
    pub scale_up_max_workers: u32,
    /// From the decision to a new worker's first poll: scheduling, image pull,
    /// start-up. Deployment-specific; 0 unless given.
    pub startup_s: f64,
}

impl Default for AutoscaleConfig {
    fn default() -> Self {
        AutoscaleConfig {
            min_workers: 0,
            max_workers: 100,
            target_backlog_per_worker: 5.0,
            count_in_flight: true,
            polling_interval_s: 15.0,
            tolerance: 0.1,
            scale_up_stabilization_s: 0.0,
            scale_down_stabilization_s: 300.0,
            scale_up_max_percent: 100.0,
            scale_up_max_workers: 4,
            startup_s: 0.0,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Commit {
    /// When each fetched batch is processed: at-least-once (a crash reprocesses).
    #[default]
    AfterProcessing,
    /// When a batch is fetched, before processing: at-most-once (a crash loses).
    BeforeProcessing,
    /// The fetched position every `commit_interval_s` (Kafka's auto-commit).
    Timer,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct GroupConfig {
    pub commit: Commit,
    /// Kafka's auto.commit.interval.ms: 5 s.
    pub commit_interval_s: f64,
    /// A member crashes at each of these times.
    pub crash_at_s: Vec<f64>,
    /// And at random, at this rate (a Poisson process over the group).
    pub crashes_per_hour: f64,
    /// The group stops for this long after a crash, then every member resumes
    /// from the last committed offsets.
    pub rebalance_s: f64,
    /// A record that fails this many times goes to the dead-letter topic and is
    /// skipped; 0 retries it forever (it blocks its partition).
    pub max_attempts: u32,
    /// The topic dead-lettered records are appended to; without it they are
    /// counted and dropped. It may be a retry topic (one whose group has
    /// `delay_s`): records then go on to it instead of blocking here.
    pub dead_letter_topic: Option<String>,
    /// A retry topic's group: a record is processed no sooner than this long
    /// after it was appended (Spring Kafka's non-blocking retries, Uber's
    /// retry topics). Its partitions wait in order, as every record waits
    /// the same delay.
    #[serde(skip_serializing_if = "is_zero")]
    pub delay_s: f64,
    /// Members that leave, come back and are expelled, and how a rebalance
    /// moves partitions (`membership.rs`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub membership: Option<super::MembershipConfig>,
    /// The group joins at this time, reading from the earliest offset (Kafka's
    /// `auto.offset.reset = earliest`): on a compacted topic it replays the
    /// compacted view.
    #[serde(skip_serializing_if = "is_zero")]
    pub start_s: f64,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

impl Default for GroupConfig {
    fn default() -> Self {
        GroupConfig {
            commit: Commit::AfterProcessing,
            commit_interval_s: 5.0,
            crash_at_s: Vec::new(),
            crashes_per_hour: 0.0,
            rebalance_s: 10.0,
            max_attempts: 0,
            dead_letter_topic: None,
            delay_s: 0.0,
            membership: None,
            start_s: 0.0,
        }
    }
}

impl ConsumerConfig {
    /// The workers it starts with: an autoscaled pool's `min_workers` unless
    /// `workers` is given.
    pub fn workers(&self) -> u32 {
        match (&self.autoscale, self.workers) {
            (_, Some(n)) => n,
            (Some(a), None) => a.min_workers,
            (None, None) => 1,
        }
    }
    /// The most workers it can have at once.
    pub fn most_workers(&self) -> u32 {
        match &self.autoscale {
            Some(a) => a.max_workers.max(self.workers()),
            None => self.workers(),
        }
    }
    pub fn batch_size(&self) -> u32 {
        let default = if self.lambda.is_some() {
            10
        } else if self.topic.is_some() {
            500 // Kafka's max.poll.records
        } else {
            1
        };
        self.batch_size.unwrap_or(default)
    }
}

/// How fast the poller adds concurrency: Lambda's SQS event source (300 per
/// minute) or EventBridge Pipes and older Lambda documentation (60 per minute).
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Scaling {
    #[default]
    Lambda,
    Pipes,
}

impl Scaling {
    pub fn per_minute(self) -> f64 {
        match self {
            Scaling::Lambda => 300.0,
            Scaling::Pipes => 60.0,
        }
    }
}

/// A Lambda function behind an SQS event source mapping. Figures from the AWS
/// Lambda documentation unless marked as an assumption (see docs/scenarios.md).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct LambdaConfig {
    pub scaling: Scaling,
    /// Overrides the preset's rate of adding concurrent batches.
    pub scale_up_per_minute: Option<f64>,
    /// Concurrent batches when messages are first present (AWS: 5).
    pub initial_concurrency: u32,
    /// The event source's maximum concurrency (AWS: 2 to 1000); the poller never
    /// runs more batches than this, so nothing is throttled.
    pub max_concurrency: Option<u32>,
    /// The function's reserved concurrency: invocations beyond it are throttled.
    pub reserved_concurrency: Option<u32>,
    /// Time spent gathering a batch before invoking (AWS: 0 to 300 s).
    pub batch_window_s: f64,
    /// An invocation running longer fails as a whole (AWS default 3 s).
    pub function_timeout_s: f64,
    /// Partial batch response: only failed messages return to the queue.
    pub report_batch_item_failures: bool,
    /// Assumption: idle pollers (an empty long poll) retire at most this fast.
    pub scale_down_per_minute: f64,
    /// Assumption: each failed invocation removes a poller, at most this fast.
    pub error_backoff_per_minute: f64,
    /// Assumption: a poller whose invocation was throttled waits this long.
    pub throttle_pause_s: f64,
    /// The function's memory, MB: the GB of its GB-seconds (cost only).
    pub memory_mb: u32,
}

impl Default for LambdaConfig {
    fn default() -> Self {
        LambdaConfig {
            scaling: Scaling::Lambda,
            scale_up_per_minute: None,
            initial_concurrency: 5,
            max_concurrency: None,
            reserved_concurrency: None,
            batch_window_s: 0.0,
            function_timeout_s: 3.0,
            report_batch_item_failures: false,
            scale_down_per_minute: 60.0,
            error_backoff_per_minute: 60.0,
            throttle_pause_s: 1.0,
            memory_mb: 128,
        }
    }
}

/// The most concurrent batches one SQS event source runs (AWS).
pub const EVENT_SOURCE_LIMIT: u32 = 1000;

/// In-consumer retries of a failed downstream call.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct CallRetry {
    /// Attempts per call, the first included (1 = no retry).
    pub attempts: u32,
    pub base_s: f64,
    pub cap_s: f64,
    pub multiplier: f64,
    pub jitter: Jitter,
    /// Retry budget: retries in each window stay below this fraction of the
    /// window's first attempts (plus `budget_min_retries`). None = no budget.
    pub budget_ratio: Option<f64>,
    pub budget_window_s: f64,
    pub budget_min_retries: u32,
    /// Retry budget as a token bucket (the AWS SDKs' retry quota; Brooker's
    /// simulations): instead of `budget_ratio`.
    pub token_bucket: Option<TokenBucketConfig>,
    /// `[[client]]` only: one budget per client of the population, or one
    /// shared by all of them.
    #[serde(skip_serializing_if = "Scope::is_population")]
    pub scope: Scope,
}

/// A token bucket of retries: first tries (or successes) deposit `credit`, a
/// retry withdraws `cost`, and a retry is made only if the balance stays at or
/// above `threshold` after it. The balance never passes `capacity`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TokenBucketConfig {
    pub capacity: f64,
    /// The balance at the start; the capacity by default.
    pub initial: Option<f64>,
    pub credit: f64,
    #[serde(default)]
    pub credit_on: CreditOn,
    #[serde(default = "one")]
    pub cost: f64,
    #[serde(default)]
    pub threshold: f64,
}

fn one() -> f64 {
    1.0
}

/// What earns a token bucket its credit.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CreditOn {
    /// Every first try (a retry ratio: credit/cost retries per request).
    #[default]
    FirstTry,
    /// Every successful attempt (the AWS SDKs refund on success).
    Success,
}

impl Default for CallRetry {
    fn default() -> Self {
        CallRetry {
            attempts: 3,
            base_s: 0.1,
            cap_s: 10.0,
            multiplier: 2.0,
            jitter: Jitter::Full,
            budget_ratio: None,
            budget_window_s: 10.0,
            budget_min_retries: 10,
            token_bucket: None,
            scope: Scope::Population,
        }
    }
}

impl CallRetry {
    pub fn policy(&self) -> RetryPolicy {
        RetryPolicy {
            base_s: self.base_s,
            cap_s: self.cap_s,
            multiplier: self.multiplier,
            jitter: self.jitter,
        }
    }
}

/// A circuit breaker. `trip = "count"` (the default) opens after `failures`
/// failed calls within `window_s`; `trip = "ratio"` opens when failures are
/// `failure_ratio` or more of the calls (at least `min_calls` of them) within
/// `window_s`, or since the start with `cumulative = true`. Open, it fails
/// fast what it `blocks` (every attempt, or retries only); after `cooldown_s`
/// it lets one probe through (half-open). `cooldown_s = 0`: no open state — it
/// blocks exactly while its condition holds.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct BreakerConfig {
    pub trip: Trip,
    /// count: failures within the window that open it (5 by default).
    pub failures: Option<u32>,
    /// ratio: the share of failed calls that opens it.
    pub failure_ratio: Option<f64>,
    /// ratio: the fewest calls a ratio is judged on (10 by default).
    pub min_calls: Option<u32>,
    pub window_s: f64,
    /// ratio: over every call since the start instead of a window.
    pub cumulative: Option<bool>,
    pub cooldown_s: f64,
    pub blocks: Blocks,
    /// `[[client]]` only: one breaker per client of the population, or one
    /// shared by all of them.
    #[serde(skip_serializing_if = "Scope::is_population")]
    pub scope: Scope,
}

impl BreakerConfig {
    pub fn failures(&self) -> u32 {
        self.failures.unwrap_or(5)
    }
    pub fn min_calls(&self) -> u32 {
        self.min_calls.unwrap_or(10)
    }
}

impl Default for BreakerConfig {
    fn default() -> Self {
        BreakerConfig {
            trip: Trip::Count,
            failures: None,
            failure_ratio: None,
            min_calls: None,
            window_s: 10.0,
            cumulative: None,
            cooldown_s: 30.0,
            blocks: Blocks::All,
            scope: Scope::Population,
        }
    }
}

/// What opens a breaker.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Trip {
    #[default]
    Count,
    Ratio,
}

/// What an open breaker stops.
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Blocks {
    /// Every attempt fails fast (resilience4j, Hystrix).
    #[default]
    All,
    /// First tries go out; only retries are suppressed (Brooker's variant).
    Retries,
}

/// Whose retry budget or breaker: each client of a population its own (the
/// state Brooker's simulated clients keep), or one shared by the population
/// (a fleet-wide budget, a breaker in a shared proxy).
#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    #[default]
    Population,
    Client,
}

impl Scope {
    pub fn is_population(&self) -> bool {
        *self == Scope::Population
    }
}

/// A dedupe store keyed by message id (Powertools' idempotency utility): a
/// completed record is kept `ttl_s`; an in-progress lock expires after `lock_s`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct IdempotencyConfig {
    pub ttl_s: f64,
    pub lock_s: f64,
}

impl Default for IdempotencyConfig {
    fn default() -> Self {
        IdempotencyConfig {
            ttl_s: 3600.0,
            lock_s: 60.0,
        }
    }
}

/// `[consumer.retry_tiers]`: RabbitMQ's delayed retries through dead-letter
/// exchanges. The `k`-th failure of a message moves it to tier `k`'s queue,
/// whose TTL (`message_ttl_s`, `expire_to` = the work queue) brings it back;
/// after the last tier it is parked.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RetryTiersConfig {
    /// One queue per tier (their own `message_ttl_s`), or one queue for
    /// every tier with `delays_s`.
    pub queues: Vec<String>,
    /// Per-message TTLs (RabbitMQ's `expiration`), one per tier: tier `k`
    /// goes to `queues[min(k, last)]` expiring after `delays_s[k]`.
    #[serde(default)]
    pub delays_s: Option<Vec<f64>>,
    /// Where a message that failed every tier goes.
    pub parking: String,
    /// `true`: the same delays waited in place, the worker holding the
    /// message (a blocking retry, for comparison); `queues` is then unused.
    #[serde(default)]
    pub blocking: bool,
}
