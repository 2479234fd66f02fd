//! A CloudWatch-shaped alarm, evaluated as CloudWatch does: the metric is
//! sampled once per resolution step (a count as its increase since the last
//! sample, a level as it is); each period's samples give one datapoint, its
//! statistic; the alarm fires when M of the last N datapoints breach the
//! threshold, and is OK again when fewer do. It reads the world and changes
//! nothing.

use crate::scenario::{AlarmConfig, Statistic};
use serde::Serialize;

/// At most this many firings are listed one by one (all are counted).
const MAX_LISTED: usize = 100;

/// One time in ALARM: from the datapoint that fired it to the one that
/// cleared it (None: still in ALARM at the end).
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct Firing {
    pub at_s: f64,
    pub ok_at_s: Option<f64>,
}

/// The alarm changed state at a datapoint.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Transition {
    Fired,
    Cleared,
}

pub struct AlarmWatch {
    pub cfg: AlarmConfig,
    samples_per_period: u32,
    // The period under way.
    n: u32,
    sum: f64,
    min: f64,
    max: f64,
    /// The count's cumulative reading at the previous sample.
    last_count: f64,
    /// Whether each of the last N datapoints breached, oldest first.
    recent: std::collections::VecDeque<bool>,
    in_alarm: bool,
    pub times_fired: u64,
    pub firings: Vec<Firing>,
    pub in_alarm_s: f64,
    alarm_since_s: f64,
}

impl AlarmWatch {
    pub fn new(cfg: AlarmConfig) -> AlarmWatch {
        let samples_per_period = (cfg.period_s / cfg.resolution_s()).round().max(1.0) as u32;
        AlarmWatch {
            recent: std::collections::VecDeque::with_capacity(cfg.evaluation_periods as usize),
            cfg,
            samples_per_period,
            n: 0,
            sum: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            last_count: 0.0,
            in_alarm: false,
            times_fired: 0,
            firings: vec![],
            in_alarm_s: 0.0,
            alarm_since_s: 0.0,
        }
    }

    /// Takes the metric's reading at `t_s` (cumulative for a count); at the
    /// end of a period, evaluates the datapoint.
    pub fn sample(&mut self, t_s: f64, reading: f64) -> Option<Transition> {
        let value = if self.cfg.metric.is_count() {
            // A count that went down was started over (warm-up): count afresh.
            let v = if reading >= self.last_count {
                reading - self.last_count
            } else {
                reading
            };
            self.last_count = reading;
            v
        } else {
            reading
        };
        self.n += 1;
        self.sum += value;
        self.min = self.min.min(value);
        self.max = self.max.max(value);
        if self.n < self.samples_per_period {
            return None;
        }
        let datapoint = match self.cfg.statistic {
            Statistic::Maximum => self.max,
            Statistic::Minimum => self.min,
            Statistic::Average => self.sum / self.n as f64,
            Statistic::Sum => self.sum,
            Statistic::SampleCount => self.n as f64,
        };
        (self.n, self.sum, self.min, self.max) = (0, 0.0, f64::INFINITY, f64::NEG_INFINITY);
        self.evaluate(t_s, datapoint)
    }

    fn evaluate(&mut self, t_s: f64, datapoint: f64) -> Option<Transition> {
        if self.recent.len() == self.cfg.evaluation_periods as usize {
            self.recent.pop_front();
        }
        self.recent
            .push_back(self.cfg.comparison.breaches(datapoint, self.cfg.threshold));
        let breaching = self.recent.iter().filter(|&&b| b).count() as u32;
        let alarm = breaching >= self.cfg.datapoints();
        match (self.in_alarm, alarm) {
            (false, true) => {
                self.in_alarm = true;
                self.alarm_since_s = t_s;
                self.times_fired += 1;
                if self.firings.len() < MAX_LISTED {
                    self.firings.push(Firing {
                        at_s: t_s,
                        ok_at_s: None,
                    });
                }
                Some(Transition::Fired)
            }
            (true, false) => {
                self.in_alarm = false;
                self.in_alarm_s += t_s - self.alarm_since_s;
                if self.times_fired as usize <= MAX_LISTED
                    && let Some(f) = self.firings.last_mut()
                {
                    f.ok_at_s = Some(t_s);
                }
                Some(Transition::Cleared)
            }
            _ => None,
        }
    }

    /// Closes the books at the end of the run.
    pub fn finish(&mut self, end_s: f64) -> bool {
        if self.in_alarm {
            self.in_alarm_s += end_s - self.alarm_since_s;
        }
        self.in_alarm
    }

    pub fn first_fired_at_s(&self) -> Option<f64> {
        self.firings.first().map(|f| f.at_s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Comparison, Metric};

    fn cfg(metric: Metric, statistic: Statistic, period_s: f64, n: u32, m: u32) -> AlarmConfig {
        AlarmConfig {
            name: "a".into(),
            metric,
            queue: None,
            consumer: None,
            statistic,
            period_s,
            threshold: 10.0,
            comparison: Comparison::GreaterThanThreshold,
            evaluation_periods: n,
            datapoints_to_alarm: Some(m),
        }
    }

    #[test]
    fn m_of_n_fires_and_clears() {
        let mut a = AlarmWatch::new(cfg(
            Metric::ApproximateNumberOfMessagesVisible,
            Statistic::Maximum,
            60.0,
            3,
            2,
        ));
        let readings = [5.0, 20.0, 5.0, 20.0, 5.0, 5.0, 5.0];
        let got: Vec<_> = readings
            .iter()
            .enumerate()
            .map(|(i, &r)| a.sample(60.0 * (i + 1) as f64, r))
            .collect();
        // Breaches at 120 and 240: two of the three at 240. Clears when the
        // window (240, 300, 360) holds one breach: at 300 it still holds
        // 180..300 = one breach (240) → cleared at 300.
        assert_eq!(got[3], Some(Transition::Fired));
        assert_eq!(got[4], Some(Transition::Cleared));
        assert_eq!(a.times_fired, 1);
        assert_eq!(
            a.firings,
            vec![Firing {
                at_s: 240.0,
                ok_at_s: Some(300.0)
            }]
        );
        assert!(!a.finish(420.0));
        assert_eq!(a.in_alarm_s, 60.0);
    }

    #[test]
    fn a_period_of_minutes_takes_a_statistic_over_its_minutes() {
        // Five-minute periods of one-minute samples: the maximum of five.
        let mut max = AlarmWatch::new(cfg(
            Metric::ApproximateNumberOfMessagesVisible,
            Statistic::Maximum,
            300.0,
            1,
            1,
        ));
        let mut avg = AlarmWatch::new(cfg(
            Metric::ApproximateNumberOfMessagesVisible,
            Statistic::Average,
            300.0,
            1,
            1,
        ));
        let readings = [0.0, 0.0, 30.0, 0.0, 0.0];
        let mut fired = (None, None);
        for (i, &r) in readings.iter().enumerate() {
            let t = 60.0 * (i + 1) as f64;
            fired.0 = fired.0.or(max.sample(t, r));
            fired.1 = fired.1.or(avg.sample(t, r));
        }
        // Maximum 30 > 10 fires at the period's end; the average, 6, does not.
        assert_eq!(fired, (Some(Transition::Fired), None));
        assert_eq!(max.first_fired_at_s(), Some(300.0));
    }

    #[test]
    fn a_count_is_its_increase_over_each_sample() {
        let mut a = AlarmWatch::new(cfg(Metric::Errors, Statistic::Sum, 120.0, 1, 1));
        // Cumulative errors 4, 8 (a period of 8), 12, 20 (a period of 12 > 10).
        assert_eq!(a.sample(60.0, 4.0), None);
        assert_eq!(a.sample(120.0, 8.0), None);
        assert_eq!(a.sample(180.0, 12.0), None);
        assert_eq!(a.sample(240.0, 20.0), Some(Transition::Fired));
    }
}
