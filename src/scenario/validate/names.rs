//! The names of one kind of component, looked up in constant time: a file of
//! 40,000 queues must not be checked in 40,000² comparisons.

use crate::scenario::diagnostics::clip;
use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::Arc;

/// The most characters of a component's name (they label time-series columns,
/// chart legends and file names).
pub const NAME_MAX: usize = 200;
/// The most characters of `run.title` (shown in chart subtitles).
pub const TITLE_MAX: usize = 1000;

/// How much of a name a message repeats.
const NAME_ECHO: usize = 80;

/// A name from the file as a message repeats it: cut if long.
pub fn shown(name: &str) -> Cow<'_, str> {
    clip(name, NAME_ECHO)
}

/// Names in file order (for suggestions and lists), and as a set.
pub struct Names {
    pub list: Arc<[String]>,
    set: HashSet<String>,
}

impl Names {
    pub fn new(names: impl IntoIterator<Item = String>) -> Self {
        let list: Arc<[String]> = names.into_iter().collect();
        let set = list.iter().cloned().collect();
        Names { list, set }
    }

    pub fn contains(&self, name: &str) -> bool {
        self.set.contains(name)
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// "a, b, c", or its first names and the count when long (the cost of a
    /// problem must not grow with the number of names).
    pub fn listed(&self) -> String {
        const SHOWN: usize = 20;
        let names: Vec<Cow<str>> = self.list.iter().take(SHOWN).map(|n| shown(n)).collect();
        let mut out = names.join(", ");
        if self.list.len() > SHOWN {
            out.push_str(&format!(", … ({} in all)", self.list.len()));
        }
        out
    }
}
