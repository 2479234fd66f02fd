//! TEMPORARY STUB — replaced by the real implementation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg { Key(String), Index(usize) }
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct KeyPath(pub Vec<Seg>);
impl KeyPath {
    pub fn root() -> Self { KeyPath(vec![]) }
    pub fn key(&self, k: &str) -> Self { let mut v = self.0.clone(); v.push(Seg::Key(k.into())); KeyPath(v) }
    pub fn index(&self, i: usize) -> Self { let mut v = self.0.clone(); v.push(Seg::Index(i)); KeyPath(v) }
}
impl std::fmt::Display for KeyPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, s) in self.0.iter().enumerate() { match s { Seg::Key(k) => { if i > 0 { write!(f, ".")?; } write!(f, "{k}")? } Seg::Index(n) => write!(f, "[{n}]")? } }
        Ok(())
    }
}
#[derive(Debug, Clone)]
pub struct Diagnostic { pub file: String, pub line: Option<usize>, pub column: Option<usize>, pub path: Option<KeyPath>, pub message: String, pub expected: Option<String>, pub hint: Option<String>, pub source_line: Option<String>, pub underline: Option<(usize, usize)> }
impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { write!(f, "error: {}: {} {:?}", self.file, self.message, self.path.as_ref().map(|p| p.to_string())) }
}
pub fn from_toml_str<T: serde::de::DeserializeOwned>(file: &str, src: &str) -> Result<T, Diagnostic> {
    toml::from_str(src).map_err(|e| Diagnostic { file: file.into(), line: None, column: None, path: None, message: e.to_string(), expected: None, hint: None, source_line: None, underline: None })
}
pub fn at_path(file: &str, _src: &str, path: &KeyPath, message: impl Into<String>, expected: Option<String>, _c: &[&str], _b: Option<&str>) -> Diagnostic {
    Diagnostic { file: file.into(), line: None, column: None, path: Some(path.clone()), message: message.into(), expected, hint: None, source_line: None, underline: None }
}
