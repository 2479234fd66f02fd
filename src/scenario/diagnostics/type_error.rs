//! "invalid type" / "invalid value" errors: finding the value serde rejected and
//! hinting at the usual slips (quotes around numbers, units, `[x]` vs `[[x]]`).

use super::serde_message::{
    Found, int_range, is_integer_type, is_number_type, plain_expected, plain_found,
};
use super::source_map::{Node, Scalar, Shape, SourceMap};
use super::suggest::unit_hint;
use super::toml_error::Hits;
use super::{Diagnostic, Seg};

impl SourceMap<'_> {
    /// serde found `found` where it wanted `expected` (both in serde's words).
    pub(super) fn invalid(&self, hits: &Hits, found: &str, expected: &str) -> Diagnostic {
        let want = Found::parse(found);
        let target = hits
            .values
            .iter()
            .rev()
            .copied()
            .find(|n| want.matches(n))
            .or_else(|| self.find_in(hits.scope, |n| want.matches(n)))
            .unwrap_or(hits.deepest);
        let plain = plain_expected(expected);
        self.diag(
            Some(target.path.clone()),
            self.location(target),
            format!("expected {plain}, found {}", plain_found(found)),
            Some(plain.clone()),
            self.invalid_hint(&want, expected, target),
        )
    }

    fn invalid_hint(&self, found: &Found, expected: &str, n: &Node) -> Option<String> {
        let key = n.path.last_key().unwrap_or("name");
        let raw = self.src.get(n.value.clone()).unwrap_or("");
        let scalar = match &n.shape {
            Shape::Scalar(s) => Some(s),
            _ => None,
        };
        match (found, scalar) {
            (Found::Str(_), Some(Scalar::Str(s))) if is_number_type(expected) => {
                let t = s.trim();
                if t.parse::<f64>().is_ok() {
                    Some(format!("remove the quotes: `{t}`"))
                } else {
                    unit_hint(t)
                }
            }
            (Found::Float(f), _) if is_integer_type(expected) && f.is_finite() => {
                Some(format!("use a whole number, e.g. `{}`", f.round()))
            }
            (Found::Int(i), _) if *i < 0 && expected.starts_with('u') => {
                Some("the value must not be negative".to_owned())
            }
            (Found::Int(i), _) if is_integer_type(expected) => int_range(expected)
                .filter(|(_, hi)| i > hi)
                .map(|(_, hi)| format!("the value must be at most {hi}")),
            (Found::Str(_), Some(Scalar::Str(s))) if expected == "a boolean" => {
                let t = s.trim().to_lowercase();
                Some(if t == "true" || t == "false" {
                    format!("remove the quotes: `{t}`")
                } else {
                    "write `true` or `false` (without quotes)".to_owned()
                })
            }
            (_, Some(Scalar::Int(_) | Scalar::Float(_) | Scalar::Bool(_)))
                if expected == "a string" =>
            {
                Some(format!("put text in quotes: `\"{}\"`", raw.trim()))
            }
            (Found::Map, _) if expected == "a sequence" => Some(match n.shape {
                Shape::Table { header: true } => {
                    format!("write `[[{key}]]` (double brackets) for each entry of the list")
                }
                _ => format!("write an array: `{key} = [ … ]`"),
            }),
            // serde lets a struct be read from a sequence, so `[[run]]` for a single
            // `[run]` table surfaces as the first field's type error on the entry.
            (Found::Map, _) if matches!(n.path.0.last(), Some(Seg::Index(_))) => {
                let name = raw.trim_start_matches('[').trim_end_matches(']').trim();
                (raw.starts_with("[[") && !name.is_empty()).then(|| {
                    format!(
                        "`[[{name}]]` starts a list of tables; for a single table write `[{name}]`"
                    )
                })
            }
            (Found::Seq, _) if plain_expected(expected) == "a table" => {
                raw.starts_with("[[").then(|| {
                    format!("write `[{key}]` (single brackets): only one `{key}` table is allowed")
                })
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::from_toml_str;
    use super::super::test_support::{err, path, toy};

    #[test]
    fn wrong_type() {
        let d = err("rate_per_s = 10.0", "rate_per_s = \"ten\"");
        assert_eq!(path(&d), "producer[0].rate_per_s");
        assert_eq!((d.line, d.column), (Some(9), Some(14)));
        assert_eq!(d.expected.as_deref(), Some("a number"));
        assert_eq!(d.message, "expected a number, found the text \"ten\"");
        assert_eq!(d.underline, Some((14, 5)));

        let d = err("rate_per_s = 10.0", "rate_per_s = \"10\"");
        assert_eq!(d.hint.as_deref(), Some("remove the quotes: `10`"));

        let d = err("seed = 42", "seed = -1");
        assert_eq!(path(&d), "run.seed");
        assert_eq!(d.expected.as_deref(), Some("a whole number ≥ 0"));
        assert_eq!(d.hint.as_deref(), Some("the value must not be negative"));

        let d = err("count = 4", "count = 2.5");
        assert_eq!(d.expected.as_deref(), Some("a whole number ≥ 0"));
        assert_eq!(d.hint.as_deref(), Some("use a whole number, e.g. `3`"));

        let d = err("count = 4", "count = 99999999999");
        assert_eq!(
            d.hint.as_deref(),
            Some("the value must be at most 4294967295")
        );

        let d = err("name = \"web\"", "name = 5");
        assert_eq!(path(&d), "producer[0].name");
        assert_eq!(d.hint.as_deref(), Some("put text in quotes: `\"5\"`"));
    }

    #[test]
    fn wrong_type_inside_tagged_enum_is_found_below_the_table() {
        let d = err("mean_s = 0.5", "mean_s = \"half\"");
        assert_eq!(path(&d), "consumer[0].processing.mean_s");
        assert_eq!(d.column, Some(47));
        let d = err(
            "{ dist = \"exponential\", mean_s = 0.5 }",
            "{ dist = \"mix\", parts = [{ dist = \"constant\", value_s = 1 }, { dist = \"constant\", value_s = true }] }",
        );
        assert_eq!(path(&d), "consumer[0].processing.parts[1].value_s");
    }

    #[test]
    fn brackets_mixed_up() {
        let d = err("[[queue]]\nname = \"dlq\"", "[queue]\nname = \"dlq\"");
        // Mixing [[queue]] and [queue] is a TOML error already.
        assert_eq!(d.line, Some(16));
        assert!(d.hint.unwrap().contains("[[queue]]"));

        let src = "[run]\nduration_s = 1\nseed = 1\n[queue]\nname = \"a\"\n";
        let d = from_toml_str::<toy::Scenario>("x.toml", src).unwrap_err();
        assert_eq!(path(&d), "queue");
        assert_eq!((d.line, d.column), (Some(4), Some(1)));
        assert_eq!(
            d.hint.as_deref(),
            Some("write `[[queue]]` (double brackets) for each entry of the list")
        );

        let d = err("[run]", "[[run]]");
        assert_eq!(path(&d), "run[0]");
        assert_eq!((d.line, d.column), (Some(2), Some(1)));
        assert_eq!(
            d.hint.as_deref(),
            Some("`[[run]]` starts a list of tables; for a single table write `[run]`")
        );
    }
}
