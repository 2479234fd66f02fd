//! The world's columns in the time series: each component writes its own,
//! under its name, in a fixed order of tables (that order is the order of the
//! columns in timeseries.csv).

use crate::engine::SimTime;
use crate::metrics::columns::Columns;
use crate::model::World;

impl World {
    pub fn series_columns(&self, cols: &mut Columns, now: SimTime) {
        for q in &self.queues {
            cols.component(&q.p.name);
            q.series_columns(cols, &self.arena, now);
        }
        for t in &self.pushes {
            cols.component(&t.name);
            t.series_columns(cols);
        }
        for p in self.producers.iter().filter(|p| p.buffer.is_some()) {
            cols.component(&p.p.name);
            p.series_columns(cols, now);
        }
        for c in &self.consumers {
            cols.component(&c.p.name);
            c.series_columns(cols, &self.topics, now);
        }
        for d in &self.databases {
            cols.component(&d.p.name);
            d.series_columns(cols);
        }
        for a in &self.apis {
            cols.component(&a.p.name);
            a.series_columns(cols, now);
        }
        for k in &self.clients {
            cols.component(&k.p.name);
            k.series_columns(cols, now);
        }
        for v in &self.services {
            cols.component(&v.p.name);
            v.series_columns(cols, now);
        }
        for r in &self.records {
            cols.component(&r.p.name);
            r.series_columns(cols);
        }
        cols.system();
    }
}

/// A component an alarm watches.
#[derive(Clone, Copy, Debug)]
pub enum Watched {
    Queue(usize),
    Consumer(usize),
}

impl World {
    /// The first of `columns` that the component writes, as the time series
    /// would read it now (a count cumulative). An alarm's sample: the same
    /// numbers as the charts.
    pub fn read_column(&self, what: Watched, columns: &[&str], now: SimTime) -> Option<f64> {
        let (mut values, mut counters, mut names) = (vec![], vec![], vec![]);
        let mut cols = Columns::new(&mut values, &mut counters, Some(&mut names));
        match what {
            Watched::Queue(i) => self.queues[i].series_columns(&mut cols, &self.arena, now),
            Watched::Consumer(i) => self.consumers[i].series_columns(&mut cols, &self.topics, now),
        }
        columns
            .iter()
            .find_map(|c| names.iter().position(|n| n == c))
            .map(|i| values[i])
    }
}

impl World {
    /// Messages made by producers and requests started by clients so far: what
    /// arrived, whatever became of it.
    pub fn arrivals(&self) -> u64 {
        let made: u64 = self.producers.iter().map(|p| p.c.made).sum();
        let requests: u64 = self.clients.iter().map(|k| k.c.requests).sum();
        made + requests
    }
}
