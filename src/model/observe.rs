//! The world's columns in the time series, declared by the components
//! themselves through `Observed`, and their shares of the system-wide
//! columns; this file only orders the tables.

use crate::engine::SimTime;
use crate::metrics::columns::Columns;
use crate::metrics::series::totals::Totals;
use crate::model::World;
use crate::model::log::Topic;
use crate::model::message::Arena;

/// What a component may read, besides itself, when it writes its columns:
/// the world's shared state, never another component's tables.
pub struct View<'a> {
    pub arena: &'a Arena,
    pub topics: &'a [Topic],
    pub now: SimTime,
}

/// A component seen in the time series: under its name, the columns it
/// declares, and its share of the system-wide columns. A new kind of
/// component implements this in its own folder and adds its table to
/// `World::series_columns` (and to `World::totals` if it has a share); no
/// column list names it.
pub trait Observed {
    /// The prefix of its columns (`<name>.<column>`).
    fn name(&self) -> &str;
    /// False for a component with nothing to show (a producer without a
    /// publish policy): it gets no columns at all.
    fn shown(&self) -> bool {
        true
    }
    /// Its columns, in a fixed order: that order is timeseries.csv's.
    fn series_columns(&self, cols: &mut Columns, view: &View);
    /// Adds its share to the system-wide columns (the backlog, the workers,
    /// what arrived, …), whether it is shown or not; nothing by default.
    fn totals<'a>(&'a self, _: &mut Totals<'a>, _: &View) {}
}

/// One table's columns, component after component.
fn section<T: Observed>(table: &[T], cols: &mut Columns, view: &View) {
    for c in table.iter().filter(|c| c.shown()) {
        cols.component(c.name());
        c.series_columns(cols, view);
    }
}

impl World {
    pub fn view(&self, now: SimTime) -> View<'_> {
        View {
            arena: &self.arena,
            topics: &self.topics,
            now,
        }
    }

    /// The world's columns: each component writes its own, under its name, in
    /// a fixed order of tables (the order of the columns in timeseries.csv).
    pub fn series_columns(&self, cols: &mut Columns, now: SimTime) {
        let v = self.view(now);
        section(&self.queues, cols, &v);
        section(&self.pushes, cols, &v);
        section(&self.buses, cols, &v);
        section(&self.producers, cols, &v);
        section(&self.consumers, cols, &v);
        section(&self.databases, cols, &v);
        section(&self.apis, cols, &v);
        section(&self.clients, cols, &v);
        section(&self.services, cols, &v);
        section(&self.records, cols, &v);
        section(&self.blob_stores, cols, &v);
        // Compacted topics only (the others are not shown): after every
        // other table, so that no existing column moves.
        section(&self.topics, cols, &v);
        cols.system();
    }
}

/// One table's shares of the system-wide columns.
fn add<'a, T: Observed>(table: &'a [T], t: &mut Totals<'a>, view: &View) {
    for c in table {
        c.totals(t, view);
    }
}

impl World {
    /// The system-wide columns: every component's share, summed.
    pub fn totals(&self, now: SimTime) -> Totals<'_> {
        let v = self.view(now);
        let mut t = Totals::default();
        add(&self.queues, &mut t, &v);
        add(&self.pushes, &mut t, &v);
        add(&self.buses, &mut t, &v);
        add(&self.producers, &mut t, &v);
        add(&self.consumers, &mut t, &v);
        add(&self.clients, &mut t, &v);
        t
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
        let v = self.view(now);
        match what {
            Watched::Queue(i) => Observed::series_columns(&self.queues[i], &mut cols, &v),
            Watched::Consumer(i) => Observed::series_columns(&self.consumers[i], &mut cols, &v),
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
