//! Validation errors that name the field to fix.

use std::fmt;

/// One problem in a policy, at a JSON path such as `type_rules.us_ssn.mode`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldProblem {
    /// Where, as a dotted path into the request body.
    pub field: String,
    /// What is wrong and how to fix it. Never contains a PII value.
    pub message: String,
}

/// Every problem found in a policy, so a client can fix them all at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyValidationError {
    /// The problems, in the order of the body's fields.
    pub problems: Vec<FieldProblem>,
}

impl fmt::Display for PolicyValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", p.field, p.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for PolicyValidationError {}

/// Collects problems while validating.
#[derive(Debug, Default)]
pub(crate) struct Problems(Vec<FieldProblem>);

impl Problems {
    pub(crate) fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldProblem {
            field: field.into(),
            message: message.into(),
        });
    }

    pub(crate) fn finish<T>(self, value: T) -> Result<T, PolicyValidationError> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(PolicyValidationError { problems: self.0 })
        }
    }
}
