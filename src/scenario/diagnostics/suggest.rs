//! Suggestions shared by all kinds of errors: did-you-mean, lists of choices,
//! numbers written with a unit.

/// Best suggestion among `candidates` for a misspelt `word`, if one is close enough.
///
/// Case and `-`/`_` differences are ignored; an exact match is never suggested
/// (the caller only asks because `word` was rejected).
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let norm = |s: &str| s.to_lowercase().replace('-', "_");
    let w = norm(word);
    if w.is_empty() {
        return None;
    }
    let mut best: Option<(f64, &'a str)> = None;
    for &cand in candidates {
        if cand == word {
            continue;
        }
        let c = norm(cand);
        let score = if c == w {
            2.0
        } else {
            let jw = strsim::jaro_winkler(&w, &c);
            let dl = strsim::normalized_damerau_levenshtein(&w, &c);
            // A word that is a prefix/suffix/part of a longer key ("timeout" for
            // "visibility_timeout_s") is a plausible abbreviation.
            let (short, long) = if w.len() <= c.len() {
                (&w, &c)
            } else {
                (&c, &w)
            };
            let part = short.chars().count() >= 4 && long.contains(short.as_str());
            if jw >= 0.82 || dl >= 0.6 || part {
                jw.max(dl)
            } else {
                continue;
            }
        };
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, cand));
        }
    }
    best.map(|(_, c)| c)
}

/// "did you mean `x`?" if a candidate is close to `word`.
pub(super) fn did_you_mean_hint(word: &str, candidates: &[&str]) -> Option<String> {
    did_you_mean(word, candidates).map(|s| format!("did you mean `{s}`?"))
}

/// "one of: a, b, c", or `None` when there is nothing to list.
pub(super) fn one_of(items: &[&str]) -> Option<String> {
    (!items.is_empty()).then(|| format!("one of: {}", items.join(", ")))
}

/// For a number written with a unit (`10s`, quoted or not): how to write it instead.
pub(super) fn unit_hint(s: &str) -> Option<String> {
    let (num, unit) = split_number_unit(s)?;
    Some(format!(
        "write a plain number without the unit `{unit}` (the key name tells the unit, e.g. `_s` for seconds): `{num}`"
    ))
}

/// `"10s"` → `("10", "s")`.
fn split_number_unit(s: &str) -> Option<(&str, &str)> {
    let p = s.find(|c: char| c.is_ascii_alphabetic())?;
    let (num, unit) = s.split_at(p);
    let ok = !num.is_empty()
        && num.trim().parse::<f64>().is_ok()
        && unit.chars().all(|c| c.is_ascii_alphabetic());
    ok.then(|| (num.trim(), unit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_cases() {
        let keys = ["name", "visibility_timeout_s", "max_receives"];
        assert_eq!(
            did_you_mean("visiblity_timeout_s", &keys),
            Some("visibility_timeout_s")
        );
        assert_eq!(
            did_you_mean("visibility-timeout-s", &keys),
            Some("visibility_timeout_s")
        );
        assert_eq!(did_you_mean("timeout", &keys), Some("visibility_timeout_s"));
        assert_eq!(did_you_mean("Name", &keys), Some("name"));
        assert_eq!(did_you_mean("max_recieves", &keys), Some("max_receives"));
        assert_eq!(did_you_mean("color", &keys), None);
        assert_eq!(did_you_mean("x", &keys), None);
        assert_eq!(did_you_mean("name", &keys), None);
        assert_eq!(did_you_mean("", &keys), None);
        assert_eq!(did_you_mean("ordrs", &["orders", "dlq"]), Some("orders"));
        assert_eq!(
            did_you_mean("rate", &["rate_per_s", "name"]),
            Some("rate_per_s")
        );
    }
}
