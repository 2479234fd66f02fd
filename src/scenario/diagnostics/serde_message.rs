//! Reading serde's (and toml's) error messages back: what went wrong, which names
//! were involved, and serde's type names in words a scenario author understands.

use super::source_map::{Node, Scalar, Shape};

/// The shapes of serde/toml error messages that we can say more about.
#[derive(Debug)]
pub(super) enum SerdeMsg<'m> {
    UnknownField {
        name: &'m str,
        expected: Vec<&'m str>,
    },
    UnknownVariant {
        name: &'m str,
        expected: Vec<&'m str>,
    },
    MissingField(&'m str),
    /// "invalid type: X, expected Y" / "invalid value: X, expected Y".
    Invalid {
        found: &'m str,
        expected: &'m str,
    },
    Other,
}

pub(super) fn classify(msg: &str) -> SerdeMsg<'_> {
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        let (name, expected) = named_list(rest);
        SerdeMsg::UnknownField { name, expected }
    } else if let Some(rest) = msg.strip_prefix("unknown variant `") {
        let (name, expected) = named_list(rest);
        SerdeMsg::UnknownVariant { name, expected }
    } else if let Some(rest) = msg.strip_prefix("unexpected keys in table: ") {
        // toml's own wording for struct variants of externally tagged enums.
        let (names, avail) = rest.split_once(", available keys: ").unwrap_or((rest, ""));
        SerdeMsg::UnknownField {
            name: names.split(", ").next().unwrap_or(names),
            expected: avail.split(", ").filter(|s| !s.is_empty()).collect(),
        }
    } else if let Some(rest) = msg.strip_prefix("missing field `") {
        SerdeMsg::MissingField(rest.strip_suffix('`').unwrap_or(rest))
    } else if let Some(rest) = msg
        .strip_prefix("invalid type: ")
        .or_else(|| msg.strip_prefix("invalid value: "))
    {
        match rest.rsplit_once(", expected ") {
            Some((found, expected)) => SerdeMsg::Invalid { found, expected },
            None => SerdeMsg::Other,
        }
    } else {
        SerdeMsg::Other
    }
}

/// The name and the list of choices in the rest of serde's "unknown field `x`, expected
/// one of `a`, `b`" (or "expected `a` or `b`" | "expected `a`" | "there are no fields").
fn named_list(rest: &str) -> (&str, Vec<&str>) {
    match rest.find("`, ") {
        Some(p) => (&rest[..p], ticked(&rest[p + 1..])),
        None => (rest.trim_end_matches('`'), Vec::new()),
    }
}

/// All `backticked` words in `s`.
fn ticked(s: &str) -> Vec<&str> {
    s.split('`').skip(1).step_by(2).collect()
}

/// `s` without `prefix` (which ends in a backtick) and its closing backtick.
fn quoted_after<'s>(s: &'s str, prefix: &str) -> Option<&'s str> {
    s.strip_prefix(prefix).map(|r| r.trim_end_matches('`'))
}

/// serde's `Unexpected` rendering, parsed back so we can find the value in the tree.
pub(super) enum Found {
    Str(String),
    Int(i128),
    Float(f64),
    Bool(bool),
    Map,
    Seq,
    Unknown,
}

impl Found {
    pub fn parse(s: &str) -> Self {
        if let Some(r) = s.strip_prefix("string ") {
            Found::Str(r.to_owned())
        } else if let Some(i) = quoted_after(s, "integer `").and_then(|r| r.parse().ok()) {
            Found::Int(i)
        } else if let Some(f) = quoted_after(s, "floating point `").and_then(|r| r.parse().ok()) {
            Found::Float(f)
        } else if let Some(b) = quoted_after(s, "boolean `").and_then(|r| r.parse().ok()) {
            Found::Bool(b)
        } else if s == "map" {
            Found::Map
        } else if s == "sequence" {
            Found::Seq
        } else {
            Found::Unknown
        }
    }

    /// Whether `n` holds the value serde complained about.
    pub fn matches(&self, n: &Node) -> bool {
        match (self, &n.shape) {
            // serde prints strings with Rust's Debug quoting.
            (Found::Str(q), Shape::Scalar(Scalar::Str(s))) => format!("{s:?}") == *q,
            (Found::Int(i), Shape::Scalar(Scalar::Int(Some(j)))) => i == j,
            (Found::Float(f), Shape::Scalar(Scalar::Float(Some(g)))) => f == g,
            (Found::Bool(b), Shape::Scalar(Scalar::Bool(c))) => b == c,
            (Found::Map, Shape::Table { .. }) => true,
            (Found::Seq, Shape::Array) => true,
            _ => false,
        }
    }
}

/// Range of a Rust integer type with at most 64 bits.
pub(super) fn int_range(t: &str) -> Option<(i128, i128)> {
    Some(match t {
        "u8" => (0, u8::MAX.into()),
        "u16" => (0, u16::MAX.into()),
        "u32" => (0, u32::MAX.into()),
        "u64" | "usize" => (0, u64::MAX.into()),
        "i8" => (i8::MIN.into(), i8::MAX.into()),
        "i16" => (i16::MIN.into(), i16::MAX.into()),
        "i32" => (i32::MIN.into(), i32::MAX.into()),
        "i64" | "isize" => (i64::MIN.into(), i64::MAX.into()),
        _ => return None,
    })
}

pub(super) fn is_integer_type(t: &str) -> bool {
    int_range(t).is_some() || t == "u128" || t == "i128"
}

pub(super) fn is_number_type(t: &str) -> bool {
    t == "f32" || t == "f64" || is_integer_type(t)
}

/// serde's "expected ..." in plain words.
pub(super) fn plain_expected(e: &str) -> String {
    let e = e.trim();
    match e {
        "f32" | "f64" => "a number".to_owned(),
        // The u32 bound is noise to a reader; overflow gets its own hint.
        "u32" | "u64" | "u128" | "usize" => "a whole number ≥ 0".to_owned(),
        "i64" | "i128" | "isize" => "a whole number".to_owned(),
        "a boolean" => "true or false".to_owned(),
        "a string" | "a borrowed string" => "text in quotes".to_owned(),
        "a character" => "a single character in quotes".to_owned(),
        "a sequence" => "an array".to_owned(),
        "a map" | "struct variant" => "a table".to_owned(),
        "unit" => "nothing".to_owned(),
        _ if e.starts_with("struct ")
            || e.starts_with("internally tagged enum")
            || e.starts_with("adjacently tagged enum")
            || e.starts_with("map") =>
        {
            "a table".to_owned()
        }
        _ if e.starts_with("enum ") || e == "variant identifier" => {
            "one of the allowed names".to_owned()
        }
        // The small integer types, whose bounds are worth saying.
        _ => match int_range(e) {
            Some((lo, hi)) => format!("a whole number from {lo} to {hi}"),
            None => e.to_owned(),
        },
    }
}

/// serde's `Unexpected` rendering in plain words.
pub(super) fn plain_found(f: &str) -> String {
    let f = f.trim();
    if let Some(s) = f.strip_prefix("string ") {
        format!("the text {s}")
    } else if let Some(n) =
        quoted_after(f, "integer `").or_else(|| quoted_after(f, "floating point `"))
    {
        format!("the number {n}")
    } else if let Some(b) = quoted_after(f, "boolean `") {
        format!("`{b}`")
    } else {
        match f {
            "map" => "a table".to_owned(),
            "sequence" => "an array".to_owned(),
            "unit" | "unit value" => "nothing".to_owned(),
            "unit variant" => "a plain name".to_owned(),
            other => other.to_owned(),
        }
    }
}
