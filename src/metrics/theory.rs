//! Closed forms for the parts of a scenario that have one: a queue in front
//! of a pool of c workers, fed by Poisson arrivals at a constant rate. The
//! utilisation law holds for any service time; the mean number waiting is
//! exact for exponential service (M/M/c, Erlang C) and for one worker with
//! any service time (M/G/1, Pollaczek–Khinchine). Elsewhere there is no
//! closed form, and flowsim claims none.

/// Erlang B by its stable recursion: the blocking probability of c servers
/// with no waiting room at offered load `a` = λ/μ.
pub fn erlang_b(c: u32, a: f64) -> f64 {
    (1..=c).fold(1.0, |b, k| a * b / (k as f64 + a * b))
}

/// Erlang C: the probability that an arrival waits in M/M/c at offered load
/// `a` = λ/μ (< c).
pub fn erlang_c(c: u32, a: f64) -> f64 {
    let b = erlang_b(c, a);
    let rho = a / c as f64;
    b / (1.0 - rho + rho * b)
}

/// What theory says of a pool of `c` workers with Poisson arrivals at `rate`
/// and service times of mean `service_s` and coefficient of variation `cv`.
#[derive(Clone, Debug, PartialEq)]
pub struct PoolPrediction {
    /// ρ = λ·E[S] / c.
    pub utilisation: f64,
    /// Lq, the mean number waiting, when a closed form exists.
    pub mean_waiting: Option<f64>,
    /// Wq = Lq / λ (Little's law).
    pub mean_wait_s: Option<f64>,
    /// The queueing model's name: "M/M/10", "M/G/1", "M/D/1", "G/G/4".
    pub model: String,
}

pub fn pool(rate: f64, service_s: f64, cv: f64, c: u32) -> Option<PoolPrediction> {
    let a = rate * service_s;
    let rho = a / c as f64;
    if !(rho.is_finite() && rho > 0.0 && rho < 1.0) {
        return None;
    }
    let exponential = (cv - 1.0).abs() < 1e-12;
    let (mean_waiting, model) = if exponential {
        (Some(erlang_c(c, a) * rho / (1.0 - rho)), format!("M/M/{c}"))
    } else if c == 1 {
        let lq = rho * rho * (1.0 + cv * cv) / (2.0 * (1.0 - rho));
        let name = if cv == 0.0 { "M/D/1" } else { "M/G/1" };
        (Some(lq), name.to_string())
    } else {
        (None, format!("M/G/{c}"))
    };
    Some(PoolPrediction {
        utilisation: rho,
        mean_waiting,
        mean_wait_s: mean_waiting.map(|l| l / rate),
        model,
    })
}

/// Batch means of a quantity sampled at regular times: `batches` batches of
/// `per_batch` samples each (samples past the last full batch are dropped).
/// Their mean and spread give a confidence interval for the long-run mean,
/// when the batches are long enough to be nearly independent.
#[derive(Clone, Debug)]
pub struct BatchMeans {
    per_batch: u64,
    n: u64,
    sum: f64,
    means: Vec<f64>,
}

/// A 95 % interval from batch means, and whether the batches looked
/// independent enough to trust it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    pub mean: f64,
    pub half_width: f64,
    /// Lag-1 correlation of the batch means.
    pub lag1: f64,
}

impl Interval {
    /// Batches too correlated: the interval would be too narrow.
    pub fn trusted(&self) -> bool {
        self.lag1 < 0.3
    }
    pub fn contains(&self, x: f64) -> bool {
        (x - self.mean).abs() <= self.half_width
    }
}

impl BatchMeans {
    pub fn new(per_batch: u64) -> BatchMeans {
        BatchMeans {
            per_batch: per_batch.max(1),
            n: 0,
            sum: 0.0,
            means: vec![],
        }
    }

    pub fn push(&mut self, x: f64) {
        self.n += 1;
        self.sum += x;
        if self.n == self.per_batch {
            self.means.push(self.sum / self.n as f64);
            (self.n, self.sum) = (0, 0.0);
        }
    }

    /// The interval over the full batches; None with fewer than 5.
    pub fn interval(&self) -> Option<Interval> {
        use statrs::distribution::{ContinuousCDF, StudentsT};
        let k = self.means.len();
        if k < 5 {
            return None;
        }
        let kf = k as f64;
        let mean = self.means.iter().sum::<f64>() / kf;
        let var = self.means.iter().map(|m| (m - mean).powi(2)).sum::<f64>() / (kf - 1.0);
        let t = StudentsT::new(0.0, 1.0, kf - 1.0).map_or(f64::NAN, |d| d.inverse_cdf(0.975));
        let cov = self
            .means
            .windows(2)
            .map(|w| (w[0] - mean) * (w[1] - mean))
            .sum::<f64>()
            / (kf - 1.0);
        let lag1 = if var > 0.0 { cov / var } else { 0.0 };
        Some(Interval {
            mean,
            half_width: t * (var / kf).sqrt(),
            lag1,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erlang_c_matches_known_values() {
        // M/M/1: P(wait) = ρ.
        assert!((erlang_c(1, 0.8) - 0.8).abs() < 1e-12);
        // M/M/2 at a = 1: C = 1/3.
        assert!((erlang_c(2, 1.0) - 1.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn pool_predictions() {
        let mm1 = pool(0.8, 1.0, 1.0, 1).unwrap();
        // Lq = ρ² / (1 − ρ) = 3.2.
        assert!((mm1.mean_waiting.unwrap() - 3.2).abs() < 1e-9);
        assert_eq!(mm1.model, "M/M/1");
        let md1 = pool(0.8, 1.0, 0.0, 1).unwrap();
        assert!((md1.mean_waiting.unwrap() - 1.6).abs() < 1e-9);
        let gg = pool(5.0, 1.0, 0.5, 10).unwrap();
        assert_eq!((gg.utilisation, gg.mean_waiting), (0.5, None));
        assert!(pool(12.0, 1.0, 1.0, 10).is_none());
    }

    #[test]
    fn batch_means_of_independent_samples_cover_their_mean() {
        // A deterministic zig-zag: batch means alternate around 1.
        let mut b = BatchMeans::new(3);
        for i in 0..60 {
            b.push(if i % 6 < 3 { 0.9 } else { 1.1 });
        }
        let iv = b.interval().unwrap();
        assert!((iv.mean - 1.0).abs() < 1e-12);
        assert!(iv.contains(1.0) && !iv.contains(1.2));
        // Alternating batches are negatively correlated: trusted.
        assert!(iv.trusted(), "{iv:?}");
    }
}
