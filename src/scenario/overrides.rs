//! What a `flowsim run --set PATH=VALUE` changed in its scenario file: kept in
//! the scenario and written to summary.json, so that a what-if's outputs say
//! they are one.

use serde::Serialize;

/// One key set on the command line.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct Override {
    /// The key path as given (`consumer[0].workers`).
    pub path: String,
    /// The value run, as written in sweep CSVs (`8`, `0.5`, `exponential`).
    pub value: String,
    /// The file's own value there, inline TOML; None when the file leaves the
    /// key to its default.
    pub file_value: Option<String>,
}
