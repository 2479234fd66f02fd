//! A retry storm's threshold beside the run: an open-loop client whose
//! failing requests are each sent `attempts` times, against a service that
//! completes at most `capacity` requests per second (the `retry-capacity`
//! design rule's closed form). attempts × rate ≥ capacity predicts that once a
//! trigger makes requests fail, the retries alone keep the service overloaded
//! (metastable: no recovery after the trigger); below it, the run should
//! recover. The run's side is its recovery judgement after the last trigger.
//! Only where the closed form applies: an open loop (a rate), a service with a
//! bound, no circuit breaker (it sheds the retries), and a trigger the run
//! could recover from.

use crate::metrics::cross_check::Check;
use crate::metrics::recovery::Recovery;
use crate::scenario::Scenario;
use crate::scenario::rules::retry_capacity::threshold;

pub fn checks(s: &Scenario, recovery: Option<&Recovery>) -> Vec<Check> {
    let Some(r) = recovery else { return vec![] };
    // The recovery judgement is the whole run's: it speaks for the client
    // only when the client is the run's only load.
    if s.clients.len() != 1 || !s.producers.is_empty() {
        return vec![];
    }
    s.clients
        .iter()
        .filter(|cl| cl.breaker.is_none())
        .filter_map(|cl| {
            let t = threshold(s, cl)?;
            let (recovered, fraction) = (r.recovered?, r.final_goodput_fraction?);
            let predicted = t.load / t.capacity;
            Some(Check {
                queue: cl.name.clone(),
                consumer: t.service.name.clone(),
                model: "retry-threshold".to_string(),
                quantity: "attempts_over_capacity".to_string(),
                predicted,
                // The run's side: goodput / offered in its last window.
                simulated: fraction,
                half_width: 0.0,
                // Metastable predicted ⇔ not recovered.
                agrees: Some((predicted >= 1.0) != recovered),
                arrival_rate_per_s: None,
                mean_time_in_queue_s: None,
            })
        })
        .collect()
}
