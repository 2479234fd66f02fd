//! Key paths such as `queue[1].visibility_timeout_s`: how diagnostics name a key.

use std::fmt;

/// One step of a key path: a table key or an index into an array (of tables).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A key path rendered as `queue[1].visibility_timeout_s`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct KeyPath(pub Vec<Seg>);

impl KeyPath {
    /// The top level of the document.
    pub fn root() -> Self {
        Self(Vec::new())
    }

    /// This path extended by a table key.
    pub fn key(&self, k: &str) -> Self {
        self.with(Seg::Key(k.to_owned()))
    }

    /// This path extended by an array index.
    pub fn index(&self, i: usize) -> Self {
        self.with(Seg::Index(i))
    }

    fn with(&self, seg: Seg) -> Self {
        let mut p = self.clone();
        p.0.push(seg);
        p
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// The path without its last step (`None` for the root).
    pub fn parent(&self) -> Option<Self> {
        let (_, rest) = self.0.split_last()?;
        Some(Self(rest.to_vec()))
    }

    /// The last step, if it is a key.
    pub fn last_key(&self) -> Option<&str> {
        match self.0.last() {
            Some(Seg::Key(k)) => Some(k),
            _ => None,
        }
    }

    pub fn starts_with(&self, prefix: &KeyPath) -> bool {
        self.0.starts_with(&prefix.0)
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    if is_bare_key(k) {
                        f.write_str(k)?;
                    } else {
                        // Quoted like a TOML basic string so the path can be pasted back.
                        write!(f, "{k:?}")?;
                    }
                }
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// A key TOML accepts without quotes.
pub(super) fn is_bare_key(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_path_display() {
        let p = KeyPath::root()
            .key("queue")
            .index(1)
            .key("visibility_timeout_s");
        assert_eq!(p.to_string(), "queue[1].visibility_timeout_s");
        assert_eq!(KeyPath::root().key("a b").key("c").to_string(), "\"a b\".c");
        assert_eq!(p.parent().unwrap().to_string(), "queue[1]");
        assert_eq!(p.last_key(), Some("visibility_timeout_s"));
        assert!(KeyPath::root().parent().is_none());
    }
}
