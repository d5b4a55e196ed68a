//! Tokenization modes and deterministic scopes.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

use super::TokenError;

/// How a value becomes a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// AES-256-SIV: the same value, tenant, type and scope always give the same token (joins).
    Deterministic,
    /// AES-256-GCM under a fresh per-record key: every tokenization differs (no joins).
    Randomized,
    /// FF1: the token has the value's format (legacy schemas).
    FormatPreserving,
}

impl Mode {
    /// Every mode.
    pub const ALL: [Mode; 3] = [
        Mode::Deterministic,
        Mode::Randomized,
        Mode::FormatPreserving,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Deterministic => "deterministic",
            Mode::Randomized => "randomized",
            Mode::FormatPreserving => "format_preserving",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Mode {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Mode::ALL.into_iter().find(|m| m.as_str() == s).ok_or(())
    }
}

/// How broadly a deterministic token links (seed 001, "Deterministic Scope").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeKind {
    /// Same token across all connectors.
    #[default]
    Global,
    /// Same token within one data source.
    Connector,
    /// Same token within one table or bucket.
    Resource,
    /// Same token within one column.
    Field,
}

impl ScopeKind {
    /// Every scope kind.
    pub const ALL: [ScopeKind; 4] = [
        ScopeKind::Global,
        ScopeKind::Connector,
        ScopeKind::Resource,
        ScopeKind::Field,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ScopeKind::Global => "global",
            ScopeKind::Connector => "connector",
            ScopeKind::Resource => "resource",
            ScopeKind::Field => "field",
        }
    }

    /// The concrete scope for a request, taking the id from its context.
    pub fn resolve(self, context: &ScopeContext) -> Result<Scope, TokenError> {
        let need = |id: &Option<String>, field: &'static str| {
            let id = id
                .as_deref()
                .ok_or(TokenError::MissingScopeContext { field })?;
            if id.is_empty() || id.len() > 256 || id.chars().any(char::is_control) {
                return Err(TokenError::InvalidScopeId { field });
            }
            Ok(id.to_owned())
        };
        Ok(match self {
            ScopeKind::Global => Scope::Global,
            ScopeKind::Connector => Scope::Connector(need(&context.connector_id, "connector_id")?),
            ScopeKind::Resource => Scope::Resource(need(&context.resource_id, "resource_id")?),
            ScopeKind::Field => Scope::Field(need(&context.field_id, "field_id")?),
        })
    }
}

impl fmt::Display for ScopeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ScopeKind {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        ScopeKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or(())
    }
}

/// Where a value was found, for scoping deterministic tokens.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeContext {
    /// The data source.
    #[serde(default)]
    pub connector_id: Option<String>,
    /// The table or bucket.
    #[serde(default)]
    pub resource_id: Option<String>,
    /// The column.
    #[serde(default)]
    pub field_id: Option<String>,
}

/// A concrete linkability boundary: `global`, `connector:<id>`, `resource:<id>`, `field:<id>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Everywhere in the tenant.
    Global,
    /// One data source.
    Connector(String),
    /// One table or bucket.
    Resource(String),
    /// One column.
    Field(String),
}

impl Scope {
    /// The kind of scope.
    pub fn kind(&self) -> ScopeKind {
        match self {
            Scope::Global => ScopeKind::Global,
            Scope::Connector(_) => ScopeKind::Connector,
            Scope::Resource(_) => ScopeKind::Resource,
            Scope::Field(_) => ScopeKind::Field,
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Result<Self, TokenError> {
        if s == "global" {
            return Ok(Scope::Global);
        }
        let (kind, id) = s
            .split_once(':')
            .ok_or(TokenError::InvalidScopeId { field: "scope" })?;
        let id = id.to_owned();
        match kind {
            "connector" => Ok(Scope::Connector(id)),
            "resource" => Ok(Scope::Resource(id)),
            "field" => Ok(Scope::Field(id)),
            _ => Err(TokenError::InvalidScopeId { field: "scope" }),
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::Global => f.write_str("global"),
            Scope::Connector(id) => write!(f, "connector:{id}"),
            Scope::Resource(id) => write!(f, "resource:{id}"),
            Scope::Field(id) => write!(f, "field:{id}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_resolve_and_round_trip() {
        let ctx = ScopeContext {
            connector_id: Some("crm".into()),
            resource_id: None,
            field_id: Some("users.ssn".into()),
        };
        assert_eq!(ScopeKind::Global.resolve(&ctx).unwrap(), Scope::Global);
        let c = ScopeKind::Connector.resolve(&ctx).unwrap();
        assert_eq!(c.to_string(), "connector:crm");
        assert_eq!(Scope::parse("connector:crm").unwrap(), c);
        assert_eq!(
            Scope::parse("field:users.ssn").unwrap(),
            ScopeKind::Field.resolve(&ctx).unwrap()
        );
        assert!(matches!(
            ScopeKind::Resource.resolve(&ctx),
            Err(TokenError::MissingScopeContext {
                field: "resource_id"
            })
        ));
        assert!(Scope::parse("table:x").is_err());
    }

    #[test]
    fn names() {
        for m in Mode::ALL {
            assert_eq!(m.as_str().parse::<Mode>().unwrap(), m);
        }
        assert_eq!(
            serde_json::to_string(&Mode::FormatPreserving).unwrap(),
            "\"format_preserving\""
        );
        assert!("fast".parse::<Mode>().is_err());
    }
}
