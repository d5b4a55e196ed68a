//! Who may be granted detokenization under a policy.

use super::PolicyBody;

/// Longest grant reason, in characters.
pub const MAX_REASON_CHARS: usize = 1024;

/// A request for access to tokens made under a policy.
#[derive(Debug, Clone, Copy)]
pub struct AccessRequest<'a> {
    /// The caller's roles (from its JWT).
    pub roles: &'a [String],
    /// The purpose given.
    pub purpose: &'a str,
    /// The reason given, if any.
    pub reason: Option<&'a str>,
}

/// Why access was refused. Says what is missing without revealing the policy's lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AccessDenial {
    /// None of the caller's roles is allowed.
    #[error("none of the caller's roles may detokenize under this policy")]
    RoleNotAllowed,
    /// The purpose is not allowed.
    #[error("the purpose is not allowed by this policy")]
    PurposeNotAllowed,
    /// The policy requires a reason and none was given.
    #[error("this policy requires a reason")]
    ReasonRequired,
    /// The reason is too long or has control characters.
    #[error("the reason must be at most 1024 characters without control characters")]
    InvalidReason,
}

impl AccessDenial {
    /// A stable code for audit records.
    pub fn code(self) -> &'static str {
        match self {
            AccessDenial::RoleNotAllowed => "ROLE_NOT_ALLOWED",
            AccessDenial::PurposeNotAllowed => "PURPOSE_NOT_ALLOWED",
            AccessDenial::ReasonRequired => "REASON_REQUIRED",
            AccessDenial::InvalidReason => "INVALID_REASON",
        }
    }
}

/// Checks roles, purpose and reason against a policy.
pub fn check_access(policy: &PolicyBody, request: &AccessRequest<'_>) -> Result<(), AccessDenial> {
    if !request
        .roles
        .iter()
        .any(|r| policy.allowed_roles.contains(r))
    {
        return Err(AccessDenial::RoleNotAllowed);
    }
    if !policy.allowed_purposes.iter().any(|p| p == request.purpose) {
        return Err(AccessDenial::PurposeNotAllowed);
    }
    let reason = request.reason.map(str::trim).unwrap_or_default();
    if reason.chars().count() > MAX_REASON_CHARS
        || reason
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(AccessDenial::InvalidReason);
    }
    if policy.require_reason && reason.is_empty() {
        return Err(AccessDenial::ReasonRequired);
    }
    Ok(())
}
