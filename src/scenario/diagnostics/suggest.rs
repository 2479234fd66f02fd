//! Suggestions shared by all kinds of errors: did-you-mean, lists of choices,
//! numbers written with a unit.

/// Best suggestion among `candidates` for a misspelt `word`, if one is close enough.
///
/// Case and `-`/`_` differences are ignored; an exact match is never suggested
/// (the caller only asks because `word` was rejected).
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let norm = |s: &str| s.to_lowercase().replace('-', "_");
    // No typo is that long, and edit distances cost the product of the lengths.
    const LONGEST: usize = 200;
    if word.len() > LONGEST {
        return None;
    }
    let w = norm(word);
    if w.is_empty() {
        return None;
    }
    let mut best: Option<(f64, &'a str)> = None;
    for &cand in candidates {
        if cand == word || cand.len() > LONGEST {
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

/// Time units a key name might end with, as seconds = value × num / den (a
/// fraction, so that 30000 ms is exactly 30 s). Longest suffixes first, so that
/// `_seconds` is not read as `_s` of a stem `…_second`.
const TIME_UNITS: &[(&str, &str, f64, f64)] = &[
    ("_milliseconds", "milliseconds", 1.0, 1000.0),
    ("_microseconds", "microseconds", 1.0, 1e6),
    ("_nanoseconds", "nanoseconds", 1.0, 1e9),
    ("_seconds", "seconds", 1.0, 1.0),
    ("_minutes", "minutes", 60.0, 1.0),
    ("_millis", "milliseconds", 1.0, 1000.0),
    ("_hours", "hours", 3600.0, 1.0),
    ("_secs", "seconds", 1.0, 1.0),
    ("_days", "days", 86_400.0, 1.0),
    ("_mins", "minutes", 60.0, 1.0),
    ("_sec", "seconds", 1.0, 1.0),
    ("_min", "minutes", 60.0, 1.0),
    ("_hrs", "hours", 3600.0, 1.0),
    ("_ms", "milliseconds", 1.0, 1000.0),
    ("_us", "microseconds", 1.0, 1e6),
    ("_ns", "nanoseconds", 1.0, 1e9),
    ("_hr", "hours", 3600.0, 1.0),
    ("_h", "hours", 3600.0, 1.0),
    ("_d", "days", 86_400.0, 1.0),
];

/// For an unknown key written in another time unit (`visibility_timeout_ms`)
/// whose seconds twin exists: the twin, with the value converted when it is a
/// number. A plain did-you-mean would point at `visibility_timeout_s` and leave
/// the 30000 in place, silently meaning 8.3 hours.
pub(super) fn unit_key_hint(name: &str, value: Option<f64>, keys: &[&str]) -> Option<String> {
    let (stem, unit, num, den) = TIME_UNITS.iter().find_map(|&(suffix, unit, num, den)| {
        let stem = name.strip_suffix(suffix)?;
        Some((stem, unit, num, den))
    })?;
    let twin = format!("{stem}_s");
    if !keys.contains(&twin.as_str()) {
        return None;
    }
    let value = value.filter(|v| v.is_finite());
    if num == den {
        // Already seconds, only spelt out: the twin is the whole fix.
        return Some(match value {
            Some(v) => format!("seconds are written `_s`: `{twin} = {}`", plain_number(v)),
            None => format!("did you mean `{twin}`?"),
        });
    }
    Some(match value {
        Some(v) => format!(
            "the key takes seconds, not {unit}: write `{twin} = {}`",
            plain_number(v * num / den)
        ),
        None => format!(
            "did you mean `{twin}`? it takes seconds, not {unit} (multiply by {})",
            plain_number(num / den)
        ),
    })
}

/// A number as a person writes it in TOML: `30`, not `30.0`; `1.5` as is.
fn plain_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// "one of: a, b, c", or `None` when there is nothing to list. A long list
/// (the names of 40,000 queues) shows its first items and its length.
pub fn one_of(items: &[&str]) -> Option<String> {
    const SHOWN: usize = 40;
    if items.len() <= SHOWN {
        return (!items.is_empty()).then(|| format!("one of: {}", items.join(", ")));
    }
    Some(format!(
        "one of: {}, … ({} in all)",
        items[..SHOWN].join(", "),
        items.len()
    ))
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
    fn unit_key_hint_converts() {
        let keys = [
            "name",
            "visibility_timeout_s",
            "delay_s",
            "max_receive_count",
        ];
        let hint = |n, v| unit_key_hint(n, v, &keys);
        assert_eq!(
            hint("visibility_timeout_ms", Some(30000.0)).as_deref(),
            Some("the key takes seconds, not milliseconds: write `visibility_timeout_s = 30`")
        );
        assert_eq!(
            hint("delay_min", Some(2.5)).as_deref(),
            Some("the key takes seconds, not minutes: write `delay_s = 150`")
        );
        assert_eq!(
            hint("delay_ms", Some(1500.0)).as_deref(),
            Some("the key takes seconds, not milliseconds: write `delay_s = 1.5`")
        );
        assert_eq!(
            hint("delay_h", None).as_deref(),
            Some("did you mean `delay_s`? it takes seconds, not hours (multiply by 3600)")
        );
        assert_eq!(
            hint("delay_seconds", Some(4.0)).as_deref(),
            Some("seconds are written `_s`: `delay_s = 4`")
        );
        // No seconds twin, or no unit suffix: no conversion.
        assert_eq!(hint("retention_ms", Some(1.0)), None);
        assert_eq!(hint("max_receive_count", Some(1.0)), None);
    }

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
