//! A service's entry in summary.json: its latency law, what it accepted and
//! finished, and the work it did for clients that had given up.

use crate::model::downstream::service::Service;
use crate::model::summarise::{Links, Summarised};
use serde::Serialize;

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct ServiceSummary {
    pub name: String,
    pub base_s: f64,
    /// The mean of `service_s`, the drawn part of a request's time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_mean_s: Option<f64>,
    pub slope_s: f64,
    /// 1 / slope: the throughput it tends to as its concurrency grows.
    pub capacity_per_s: Option<f64>,
    pub max_concurrency: Option<u32>,
    pub accepted: u64,
    pub completed: u64,
    /// Completed for a client that had given up on it.
    pub wasted: u64,
    pub rejected: u64,
    pub down_rejections: u64,
    pub errors: u64,
    pub peak_in_service: u32,
    pub mean_in_service: f64,
    pub in_service_at_end: u32,
}

impl Summarised for Service {
    type Entry = ServiceSummary;

    fn summary(&self, r: &Links) -> ServiceSummary {
        ServiceSummary {
            name: self.p.name.clone(),
            base_s: self.p.base_s,
            service_mean_s: self.p.service.as_ref().map(|_| self.p.service_mean_s),
            slope_s: self.p.slope_s,
            capacity_per_s: (self.p.slope_s > 0.0).then(|| 1.0 / self.p.slope_s),
            max_concurrency: self.p.max_concurrency,
            accepted: self.c.accepted,
            completed: self.c.completed,
            wasted: self.c.wasted,
            rejected: self.c.rejected,
            down_rejections: self.c.down_rejections,
            errors: self.c.errors,
            peak_in_service: self.peak,
            mean_in_service: self.level.mean(r.end, self.in_service as u64),
            in_service_at_end: self.in_service,
        }
    }
}
