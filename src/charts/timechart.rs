//! TEMPORARY STUB
pub struct Series {
    pub label: String,
    pub points: Vec<(f64, f64)>,
    pub dashed: bool,
    pub color: Option<usize>,
    pub fill: bool,
}
pub struct Limit {
    pub label: String,
    pub value: f64,
}
#[derive(Clone)]
pub struct Window {
    pub label: String,
    pub from_x: f64,
    pub to_x: f64,
}
pub struct TimeChart {
    pub title: String,
    pub subtitle: Option<String>,
    pub x_label: String,
    pub y_label: String,
    pub series: Vec<Series>,
    pub y2_label: Option<String>,
    pub series2: Vec<Series>,
    pub limits: Vec<Limit>,
    pub windows: Vec<Window>,
    pub y_log: bool,
}
impl TimeChart {
    pub fn write(
        &self,
        stem: &std::path::Path,
    ) -> Result<[std::path::PathBuf; 2], super::ChartError> {
        Ok([stem.with_extension("png"), stem.with_extension("svg")])
    }
}
