//! An API's entry in summary.json: its rate limit next to the calls it took
//! and refused.

use crate::model::downstream::api::Api;
use crate::model::summarise::{Links, Summarised};
use serde::Serialize;

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct ApiSummary {
    pub name: String,
    pub rate: f64,
    pub burst: f64,
    pub calls: u64,
    pub throttles: u64,
    pub errors: u64,
    pub down_rejections: u64,
}

impl Summarised for Api {
    type Entry = ApiSummary;

    fn summary(&self, _: &Links) -> ApiSummary {
        ApiSummary {
            name: self.p.name.clone(),
            rate: self.p.rate,
            burst: self.p.burst,
            calls: self.c.calls,
            throttles: self.c.throttles,
            errors: self.c.errors,
            down_rejections: self.c.down_rejections,
        }
    }
}
