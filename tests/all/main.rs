//! flowsim's integration tests, in one crate: each module used to be a test
//! binary of its own, and every binary linked the whole library again.

mod common;
mod compare;
mod compare_browser;

mod alarms;
mod autoscaling;
mod chart_options;
mod cli;
mod clients;
mod conservation;
mod cost_series;
mod determinism;
mod downstream;
mod first_at_start;
mod fuzz;
mod hedging;
mod input;
mod jobs;
mod lambda;
mod log;
mod long_series;
mod outbox;
mod outputs;
mod pipeline;
mod plan;
mod plot;
mod prefetch_crash;
mod producer;
mod push;
mod queue_semantics;
mod replication;
mod report;
mod reproducers;
mod retries;
mod retry_tiers;
mod rules;
mod samples_csv;
mod sampling;
mod scale_out;
mod scenarios;
mod sweep;
mod theory;
mod validation;
mod verdict;
mod what_if;
