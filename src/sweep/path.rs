//! Dotted key paths into a scenario's TOML document (`consumer[0].workers`,
//! `run.seed`), and setting a value at one. An array of tables with a single
//! entry may be named without its index (`consumer.workers`).

use toml::{Table, Value};

/// A key path that does not parse, or does not lead to a place for a value in
/// the document; `path` is the whole key path.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum KeyPathError {
    #[error("`{path}` is not a key path (like `consumer[0].workers`)")]
    NotAKeyPath { path: String },
    #[error("`{path}`: unclosed `[`")]
    Unclosed { path: String },
    #[error("`{path}`: `[{index}]` is not an index")]
    NotAnIndex {
        path: String,
        index: String,
        #[source]
        source: std::num::ParseIntError,
    },
    #[error("`{path}`: unexpected `{text}`")]
    Unexpected { path: String, text: String },
    #[error("`{path}`: expected a key")]
    ExpectedKey { path: String },
    #[error("`{path}`: index {index} out of range ({len} entries)")]
    OutOfRange {
        path: String,
        index: usize,
        len: usize,
    },
    #[error("`{path}`: there are {count} `{key}` entries; say which, e.g. `{key}[0]`")]
    WhichEntry {
        path: String,
        key: String,
        count: usize,
    },
    #[error("`{path}`: `[{index}]` indexes something that is not a list")]
    NotAList { path: String, index: usize },
    #[error("`{path}`: `{key}` is not a table")]
    NotATable { path: String, key: String },
}

impl KeyPathError {
    /// The whole key path, and the part of it at fault when there is one.
    pub fn where_(&self) -> (&str, Option<String>) {
        match self {
            KeyPathError::NotAKeyPath { path }
            | KeyPathError::Unclosed { path }
            | KeyPathError::ExpectedKey { path } => (path, None),
            KeyPathError::NotAnIndex { path, index, .. } => (path, Some(index.clone())),
            KeyPathError::Unexpected { path, text } => (path, Some(text.clone())),
            KeyPathError::OutOfRange { path, index, .. }
            | KeyPathError::NotAList { path, index } => (path, Some(format!("[{index}]"))),
            KeyPathError::WhichEntry { path, key, .. } | KeyPathError::NotATable { path, key } => {
                (path, Some(key.clone()))
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

fn parse(path: &str) -> Result<Vec<Step>, KeyPathError> {
    let whole = || path.to_string();
    let mut steps = vec![];
    for part in path.split('.') {
        let (name, mut rest) = part.split_once('[').map_or((part, ""), |(n, r)| (n, r));
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(KeyPathError::NotAKeyPath { path: whole() });
        }
        steps.push(Step::Key(name.to_string()));
        while !rest.is_empty() {
            let (idx, after) = rest
                .split_once(']')
                .ok_or_else(|| KeyPathError::Unclosed { path: whole() })?;
            let i = idx.parse().map_err(|source| KeyPathError::NotAnIndex {
                path: whole(),
                index: idx.into(),
                source,
            })?;
            steps.push(Step::Index(i));
            rest = after.strip_prefix('[').unwrap_or(after);
            if !after.is_empty() && !after.starts_with('[') {
                return Err(KeyPathError::Unexpected {
                    path: whole(),
                    text: after.into(),
                });
            }
        }
    }
    Ok(steps)
}

/// The value at `path`, if the document has one there (an array of tables
/// with a single entry may be named without its index, as in [`set`]).
pub fn get<'a>(doc: &'a Table, path: &str) -> Option<&'a Value> {
    let steps = parse(path).ok()?;
    let mut at: Option<&Value> = None;
    for step in &steps {
        let here = match (at, step) {
            (None, Step::Key(k)) => doc.get(k)?,
            (Some(Value::Table(t)), Step::Key(k)) => t.get(k)?,
            (Some(Value::Array(a)), Step::Key(k)) if a.len() == 1 => a[0].get(k)?,
            (Some(Value::Array(a)), Step::Index(i)) => a.get(*i)?,
            _ => return None,
        };
        at = Some(here);
    }
    at
}

/// Sets `value` at `path`, creating tables on the way (a key left out of the
/// file takes its default until set here).
pub fn set(doc: &mut Table, path: &str, value: Value) -> Result<(), KeyPathError> {
    set_in(doc, &parse(path)?, value, path)
}

fn set_in(t: &mut Table, steps: &[Step], value: Value, path: &str) -> Result<(), KeyPathError> {
    let whole = || path.to_string();
    let Some((Step::Key(k), rest)) = steps.split_first() else {
        return Err(KeyPathError::ExpectedKey { path: whole() });
    };
    if rest.is_empty() {
        t.insert(k.clone(), value);
        return Ok(());
    }
    let entry = t
        .entry(k.clone())
        .or_insert_with(|| Value::Table(Table::new()));
    let (target, rest) = match (entry, &rest[0]) {
        (Value::Array(a), Step::Index(n)) => {
            let len = a.len();
            let v = a.get_mut(*n).ok_or_else(|| KeyPathError::OutOfRange {
                path: whole(),
                index: *n,
                len,
            })?;
            (v, &rest[1..])
        }
        // `consumer.workers` for the only consumer.
        (Value::Array(a), _) if a.len() == 1 => (&mut a[0], rest),
        (Value::Array(a), _) => {
            return Err(KeyPathError::WhichEntry {
                path: whole(),
                key: k.clone(),
                count: a.len(),
            });
        }
        (_, Step::Index(n)) => {
            return Err(KeyPathError::NotAList {
                path: whole(),
                index: *n,
            });
        }
        (v, _) => (v, rest),
    };
    if rest.is_empty() {
        *target = value;
        return Ok(());
    }
    match target {
        Value::Table(inner) => set_in(inner, rest, value, path),
        _ => Err(KeyPathError::NotATable {
            path: whole(),
            key: k.clone(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Table {
        "[run]\nseed = 1\n[[consumer]]\nworkers = 2\n[[producer]]\nrate = 1.0\n[[producer]]\nrate = 2.0\n"
            .parse()
            .unwrap()
    }

    #[test]
    fn sets_existing_new_and_indexed_keys() {
        let mut d = doc();
        set(&mut d, "run.seed", Value::Integer(9)).unwrap();
        set(&mut d, "run.horizon_s", Value::Float(5.0)).unwrap();
        set(&mut d, "consumer.workers", Value::Integer(7)).unwrap();
        set(&mut d, "producer[1].rate", Value::Float(3.0)).unwrap();
        set(&mut d, "verdict.window_fraction", Value::Float(0.5)).unwrap();
        let text = toml::to_string(&d).unwrap();
        for want in [
            "seed = 9",
            "horizon_s = 5.0",
            "workers = 7",
            "rate = 3.0",
            "window_fraction = 0.5",
        ] {
            assert!(text.contains(want), "{want} in {text}");
        }
    }

    #[test]
    fn gets_what_set_would_replace() {
        let d = doc();
        assert_eq!(get(&d, "run.seed"), Some(&Value::Integer(1)));
        assert_eq!(get(&d, "consumer.workers"), Some(&Value::Integer(2)));
        assert_eq!(get(&d, "producer[1].rate"), Some(&Value::Float(2.0)));
        assert_eq!(get(&d, "producer.rate"), None);
        assert_eq!(get(&d, "run.horizon_s"), None);
    }

    #[test]
    fn bad_paths_say_why() {
        let mut d = doc();
        assert!(
            set(&mut d, "producer.rate", Value::Float(1.0))
                .unwrap_err()
                .to_string()
                .contains("producer[0]")
        );
        assert!(matches!(
            set(&mut d, "consumer[3].workers", Value::Integer(1)),
            Err(KeyPathError::OutOfRange {
                index: 3,
                len: 1,
                ..
            })
        ));
        assert!(matches!(
            set(&mut d, "run.seed.x", Value::Integer(1)),
            Err(KeyPathError::NotATable { key, .. }) if key == "seed"
        ));
        assert!(matches!(
            set(&mut d, "con sumer", Value::Integer(1)),
            Err(KeyPathError::NotAKeyPath { .. })
        ));
        assert!(matches!(
            set(&mut d, "consumer[x]", Value::Integer(1)),
            Err(KeyPathError::NotAnIndex { index, .. }) if index == "x"
        ));
    }
}
