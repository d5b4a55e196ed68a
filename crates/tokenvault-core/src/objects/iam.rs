//! Identity and access on the object vault, in Piiano Vault's terms: each API key is a user
//! (named by the key's name), each user has one role, each role has capabilities that gate
//! operations. Until a tenant configures its own, the configuration has one user: `bootstrap`,
//! the key `tokenvault init` prints, with every capability (as Piiano's admin key); every other
//! key holds none.

use std::collections::BTreeMap;

/// A capability: permission to call a family of operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[allow(missing_docs)]
pub enum Capability {
    CollectionsReader,
    CollectionsWriter,
    DataReader,
    DataWriter,
    DataSearcher,
    TokensWriter,
    TokensReader,
    TokensDetokenizer,
    IamReader,
    IamWriter,
    /// Everything.
    System,
}

impl Capability {
    /// Every capability.
    pub const ALL: [Capability; 11] = [
        Capability::CollectionsReader,
        Capability::CollectionsWriter,
        Capability::DataReader,
        Capability::DataWriter,
        Capability::DataSearcher,
        Capability::TokensWriter,
        Capability::TokensReader,
        Capability::TokensDetokenizer,
        Capability::IamReader,
        Capability::IamWriter,
        Capability::System,
    ];

    /// The name in configurations (`CapCollectionsReader`).
    pub fn as_str(self) -> &'static str {
        match self {
            Capability::CollectionsReader => "CapCollectionsReader",
            Capability::CollectionsWriter => "CapCollectionsWriter",
            Capability::DataReader => "CapDataReader",
            Capability::DataWriter => "CapDataWriter",
            Capability::DataSearcher => "CapDataSearcher",
            Capability::TokensWriter => "CapTokensWriter",
            Capability::TokensReader => "CapTokensReader",
            Capability::TokensDetokenizer => "CapTokensDetokenizer",
            Capability::IamReader => "CapIAMReader",
            Capability::IamWriter => "CapIAMWriter",
            Capability::System => "CapSystem",
        }
    }

    /// A capability by name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// A role: its capabilities.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Role {
    /// What it may call.
    pub capabilities: Vec<Capability>,
}

/// A tenant's object-vault IAM configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IamConfig {
    /// User (API key name) → role name.
    pub users: BTreeMap<String, String>,
    /// Role name → role.
    pub roles: BTreeMap<String, Role>,
}

/// The user of the key `tokenvault init` makes.
pub const BOOTSTRAP_USER: &str = "bootstrap";

impl Default for IamConfig {
    fn default() -> Self {
        Self {
            users: BTreeMap::from([(BOOTSTRAP_USER.to_owned(), "admin".to_owned())]),
            roles: BTreeMap::from([(
                "admin".to_owned(),
                Role {
                    capabilities: vec![Capability::System],
                },
            )]),
        }
    }
}

impl IamConfig {
    /// Whether `user` holds `cap` (directly, or through `CapSystem`).
    pub fn allows(&self, user: &str, cap: Capability) -> bool {
        self.users
            .get(user)
            .and_then(|role| self.roles.get(role))
            .is_some_and(|r| {
                r.capabilities
                    .iter()
                    .any(|c| *c == cap || *c == Capability::System)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_bootstrap_user_holds_capabilities_by_default() {
        let c = IamConfig::default();
        for cap in Capability::ALL {
            assert!(c.allows(BOOTSTRAP_USER, cap));
            assert!(!c.allows("reporting", cap));
            assert_eq!(Capability::parse(cap.as_str()), Some(cap));
        }
    }
}
