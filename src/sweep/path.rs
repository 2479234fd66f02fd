//! Dotted key paths into a scenario's TOML document (`consumer[0].workers`,
//! `run.seed`), and setting a value at one. An array of tables with a single
//! entry may be named without its index (`consumer.workers`).

use toml::{Table, Value};

#[derive(Clone, Debug, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

fn parse(path: &str) -> Result<Vec<Step>, String> {
    let mut steps = vec![];
    for part in path.split('.') {
        let (name, mut rest) = part.split_once('[').map_or((part, ""), |(n, r)| (n, r));
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(format!(
                "`{path}` is not a key path (like `consumer[0].workers`)"
            ));
        }
        steps.push(Step::Key(name.to_string()));
        while !rest.is_empty() {
            let (idx, after) = rest
                .split_once(']')
                .ok_or_else(|| format!("`{path}`: unclosed `[`"))?;
            let i = idx
                .parse()
                .map_err(|_| format!("`{path}`: `[{idx}]` is not an index"))?;
            steps.push(Step::Index(i));
            rest = after.strip_prefix('[').unwrap_or(after);
            if !after.is_empty() && !after.starts_with('[') {
                return Err(format!("`{path}`: unexpected `{after}`"));
            }
        }
    }
    Ok(steps)
}

/// Sets `value` at `path`, creating tables on the way (a key left out of the
/// file takes its default until set here).
pub fn set(doc: &mut Table, path: &str, value: Value) -> Result<(), String> {
    set_in(doc, &parse(path)?, value, path)
}

fn set_in(t: &mut Table, steps: &[Step], value: Value, path: &str) -> Result<(), String> {
    let Some((Step::Key(k), rest)) = steps.split_first() else {
        return Err(format!("`{path}`: expected a key"));
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
            let v = a
                .get_mut(*n)
                .ok_or_else(|| format!("`{path}`: index {n} out of range ({len} entries)"))?;
            (v, &rest[1..])
        }
        // `consumer.workers` for the only consumer.
        (Value::Array(a), _) if a.len() == 1 => (&mut a[0], rest),
        (Value::Array(a), _) => {
            return Err(format!(
                "`{path}`: there are {} `{k}` entries; say which, e.g. `{k}[0]`",
                a.len()
            ));
        }
        (_, Step::Index(n)) => {
            return Err(format!(
                "`{path}`: `[{n}]` indexes something that is not a list"
            ));
        }
        (v, _) => (v, rest),
    };
    if rest.is_empty() {
        *target = value;
        return Ok(());
    }
    match target {
        Value::Table(inner) => set_in(inner, rest, value, path),
        _ => Err(format!("`{path}`: `{k}` is not a table")),
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
    fn bad_paths_say_why() {
        let mut d = doc();
        assert!(
            set(&mut d, "producer.rate", Value::Float(1.0))
                .unwrap_err()
                .contains("producer[0]")
        );
        assert!(
            set(&mut d, "consumer[3].workers", Value::Integer(1))
                .unwrap_err()
                .contains("out of range")
        );
        assert!(
            set(&mut d, "run.seed.x", Value::Integer(1))
                .unwrap_err()
                .contains("not a table")
        );
        assert!(set(&mut d, "con sumer", Value::Integer(1)).is_err());
        assert!(set(&mut d, "consumer[x]", Value::Integer(1)).is_err());
    }
}
