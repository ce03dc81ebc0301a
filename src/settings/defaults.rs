//! Temporary defaults (replaced by the customer-analytics branch).
use super::*;
impl Settings {
    pub fn defaults() -> Settings {
        unimplemented!()
    }
}
pub fn default_grade_rules(_k: GradeKind) -> Vec<GradeRule> {
    unimplemented!()
}
