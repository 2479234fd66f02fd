//! One row of the time series as components write it: each names itself, then
//! its gauges (read as they are) and counters (cumulative; the sampler turns
//! them into counts per interval). Names are formatted only for the first row.
//! A leaf module: components write their own columns without knowing the
//! sampler.

pub struct Columns<'a> {
    values: &'a mut Vec<f64>,
    counters: &'a mut Vec<bool>,
    names: Option<&'a mut Vec<String>>,
    prefix: String,
}

impl<'a> Columns<'a> {
    /// A row into `values`; with `names`, the first row, whose column names
    /// and kinds are recorded too.
    pub(crate) fn new(
        values: &'a mut Vec<f64>,
        counters: &'a mut Vec<bool>,
        names: Option<&'a mut Vec<String>>,
    ) -> Columns<'a> {
        Columns {
            values,
            counters,
            names,
            prefix: String::new(),
        }
    }

    /// The columns that follow are this component's: `<name>.<column>`.
    pub fn component(&mut self, name: &str) {
        if self.names.is_some() {
            self.prefix.clear();
            self.prefix.push_str(name);
        }
    }

    /// The columns that follow are system-wide: no prefix.
    pub fn system(&mut self) {
        self.prefix.clear();
    }

    pub fn put(&mut self, name: &str, v: f64, counter: bool) {
        if let Some(n) = self.names.as_deref_mut() {
            n.push(if self.prefix.is_empty() {
                name.to_string()
            } else {
                format!("{}.{}", self.prefix, name)
            });
            self.counters.push(counter);
        }
        self.values.push(v);
    }

    /// A level read as it is at the sample.
    pub fn gauge(&mut self, name: &str, v: f64) {
        self.put(name, v, false)
    }

    /// A cumulative count; the row reports its increase over the interval.
    pub fn counter(&mut self, name: &str, cumulative: u64) {
        self.put(name, cumulative as f64, true)
    }
}
