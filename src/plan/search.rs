//! The search for the cheapest configuration that holds. The key with the
//! most values among those where more capacity never hurts is bisected: the
//! smallest value that holds, for each combination of the other keys. With
//! one other key that never hurts either, that smallest value can only fall
//! as the other rises, so each bisection is bounded by the one before (a
//! staircase along the frontier). Keys that may hurt are scanned.

use super::PlannerError;
use super::decide::{Evaluation, Evaluator};
use super::keys::Key;

/// The frontier's candidates and what was chosen among them.
pub struct Found {
    /// Every holding configuration evaluated at the planned load, cheapest
    /// first (ties: the smaller values first).
    pub holding: Vec<Evaluation>,
    /// For the cheapest, each key one value lower (where there is one): the
    /// next-cheaper configurations, evaluated.
    pub next_cheaper: Vec<(String, Evaluation)>,
}

/// Index vectors of every combination of `lens`, the last varying fastest.
fn combos(lens: &[usize]) -> Vec<Vec<usize>> {
    let total: usize = lens.iter().product();
    (0..total)
        .map(|mut p| {
            let mut c = vec![0; lens.len()];
            for i in (0..lens.len()).rev() {
                c[i] = p % lens[i];
                p /= lens[i];
            }
            c
        })
        .collect()
}

fn values_at(keys: &[Key], coords: &[usize]) -> Vec<toml::Value> {
    keys.iter()
        .zip(coords)
        .map(|(k, &i)| k.values[i].clone())
        .collect()
}

/// The bisected key: the monotone one with the most values (the first of
/// those with as many); None when no key is monotone.
pub fn bisected(keys: &[Key]) -> Option<usize> {
    (0..keys.len())
        .filter(|&i| keys[i].monotone)
        .max_by_key(|&i| (keys[i].values.len(), std::cmp::Reverse(i)))
}

pub fn search(ev: &mut Evaluator, keys: &[Key]) -> Result<Found, PlannerError> {
    let bisected = bisected(keys);
    let others: Vec<usize> = (0..keys.len()).filter(|&i| Some(i) != bisected).collect();
    let lens: Vec<usize> = others.iter().map(|&i| keys[i].values.len()).collect();
    let staircase = bisected.is_some() && others.len() == 1 && keys[others[0]].monotone;
    let mut bound: Option<usize> = None;
    for combo in combos(&lens) {
        let mut coords = vec![0; keys.len()];
        for (j, &i) in others.iter().enumerate() {
            coords[i] = combo[j];
        }
        let Some(b) = bisected else {
            ev.eval(&values_at(keys, &coords), 1.0)?;
            continue;
        };
        let mut hi = bound.unwrap_or(keys[b].values.len() - 1);
        coords[b] = hi;
        if !ev.eval(&values_at(keys, &coords), 1.0)?.holds() {
            // Nothing up to the bound holds here; with the staircase the
            // bound is where the previous combination held, so it holds
            // here too unless the decision was a close call: try the top.
            if bound.is_some() && hi < keys[b].values.len() - 1 {
                hi = keys[b].values.len() - 1;
                coords[b] = hi;
                if !ev.eval(&values_at(keys, &coords), 1.0)?.holds() {
                    continue;
                }
            } else {
                continue;
            }
        }
        let mut lo = 0;
        while lo < hi {
            let mid = (lo + hi) / 2;
            coords[b] = mid;
            if ev.eval(&values_at(keys, &coords), 1.0)?.holds() {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        if staircase {
            bound = Some(hi);
        }
    }
    let mut holding = holding_cheapest_first(ev, keys);
    // The bisection decides the smallest value that holds of each line of
    // the grid and skips the values above it, so the next-cheapest holding
    // configuration may be one nobody evaluated: the cheapest one with its
    // bisected key one value higher (more of it never hurts, so it holds).
    // It is decided, so that the runner-up is the next on the grid, not the
    // next the bisection happened to try.
    if let (Some(b), Some(best)) = (bisected, holding.first()) {
        let at = keys[b].values.iter().position(|v| *v == best.values[b]);
        if let Some(up) = at.and_then(|i| keys[b].values.get(i + 1)) {
            let mut values = best.values.clone();
            values[b] = up.clone();
            ev.eval(&values, 1.0)?;
            holding = holding_cheapest_first(ev, keys);
        }
    }
    let mut next_cheaper = vec![];
    if let Some(best) = holding.first().cloned() {
        for (i, k) in keys.iter().enumerate() {
            let at = k
                .values
                .iter()
                .position(|v| *v == best.values[i])
                .unwrap_or(0);
            if at == 0 {
                continue;
            }
            let mut values = best.values.clone();
            values[i] = k.values[at - 1].clone();
            next_cheaper.push((k.path.clone(), ev.eval(&values, 1.0)?));
        }
    }
    Ok(Found {
        holding,
        next_cheaper,
    })
}

/// Every holding configuration evaluated at the planned load, cheapest
/// first (ties: the smaller values first).
fn holding_cheapest_first(ev: &Evaluator, keys: &[Key]) -> Vec<Evaluation> {
    let mut holding: Vec<Evaluation> = ev
        .all()
        .filter(|e| e.load_factor == 1.0 && e.holds())
        .cloned()
        .collect();
    holding.sort_by(|a, b| {
        a.cost_per_hour
            .total_cmp(&b.cost_per_hour)
            .then_with(|| order(keys, &a.values, &b.values))
    });
    holding
}

/// Configurations in the order of their values, key by key.
fn order(keys: &[Key], a: &[toml::Value], b: &[toml::Value]) -> std::cmp::Ordering {
    let f = |v: &toml::Value| super::keys::as_f64(v).unwrap_or(0.0);
    keys.iter()
        .enumerate()
        .map(|(i, _)| f(&a[i]).total_cmp(&f(&b[i])))
        .find(|o| o.is_ne())
        .unwrap_or(std::cmp::Ordering::Equal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combinations_vary_the_last_fastest() {
        assert_eq!(
            combos(&[2, 3]),
            vec![
                vec![0, 0],
                vec![0, 1],
                vec![0, 2],
                vec![1, 0],
                vec![1, 1],
                vec![1, 2]
            ]
        );
        assert_eq!(combos(&[]), vec![Vec::<usize>::new()]);
    }
}
