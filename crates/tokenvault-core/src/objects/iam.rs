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

/// A role: its capabilities and the policies that decide its data access.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Role {
    /// What it may call.
    pub capabilities: Vec<Capability>,
    /// Names of its policies.
    pub policies: Vec<String>,
}

/// Allow or deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyType {
    /// Grants what it matches.
    Allow,
    /// Refuses what it matches, whatever allows it.
    Deny,
}

/// A data operation a policy speaks of.
pub const OPERATIONS: [&str; 6] = [
    "read",
    "write",
    "delete",
    "search",
    "tokenize",
    "detokenize",
];

/// A policy over operations × reasons × resources (`collection/property`,
/// `collection/property.mask`, `*/email`, `collection/*`, `collection/tokens`, `*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessPolicy {
    /// Allow or deny.
    pub policy_type: PolicyType,
    /// Operations, or `*`.
    pub operations: Vec<String>,
    /// Reasons, or `*`.
    pub reasons: Vec<String>,
    /// Resources.
    pub resources: Vec<String>,
}

/// A tenant's object-vault IAM configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IamConfig {
    /// User (API key name) → role name.
    pub users: BTreeMap<String, String>,
    /// Role name → role.
    pub roles: BTreeMap<String, Role>,
    /// Policy name → policy.
    pub policies: BTreeMap<String, AccessPolicy>,
}

/// The user of the key `tokenvault init` makes.
pub const BOOTSTRAP_USER: &str = "bootstrap";

/// The configuration of a tenant that has not written one, in its TOML form.
pub const DEFAULT_IAM_TOML: &str = r#"[users.bootstrap]
role = "admin"

[roles.admin]
capabilities = ["CapSystem"]
policies = ["AdminAllowAll"]

[policies.AdminAllowAll]
policy_type = "allow"
operations = ["*"]
reasons = ["*"]
resources = ["*"]
"#;

impl Default for IamConfig {
    fn default() -> Self {
        // The constant is a valid configuration; a test parses it.
        Self::parse(DEFAULT_IAM_TOML).unwrap_or(Self {
            users: BTreeMap::new(),
            roles: BTreeMap::new(),
            policies: BTreeMap::new(),
        })
    }
}

/// Why a configuration is refused: where, and what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct IamConfigError(pub String);

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUser {
    role: String,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRole {
    #[serde(default)]
    capabilities: Vec<String>,
    #[serde(default)]
    policies: Vec<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    policy_type: String,
    operations: Vec<String>,
    #[serde(default)]
    reasons: Vec<String>,
    resources: Vec<String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    users: BTreeMap<String, RawUser>,
    #[serde(default)]
    roles: BTreeMap<String, RawRole>,
    #[serde(default)]
    policies: BTreeMap<String, RawPolicy>,
}

impl IamConfig {
    /// Parses and checks a TOML configuration: every role a user names exists, every
    /// capability and policy a role names exists, every policy's type, operations and reasons
    /// are known. `reasons` is the list of valid access reasons.
    pub fn parse(text: &str) -> Result<Self, IamConfigError> {
        let e = |m: String| IamConfigError(m);
        let raw: RawConfig = toml::from_str(text)
            .map_err(|err| e(format!("not a valid IAM configuration: {}", err.message())))?;
        let mut policies = BTreeMap::new();
        for (name, p) in raw.policies {
            let policy_type = match p.policy_type.as_str() {
                "allow" => PolicyType::Allow,
                "deny" => PolicyType::Deny,
                _ => {
                    return Err(e(format!(
                        "policies.{name}.policy_type must be allow or deny"
                    )))
                }
            };
            if p.operations
                .iter()
                .any(|o| o != "*" && !OPERATIONS.contains(&o.as_str()))
            {
                return Err(e(format!(
                    "policies.{name}.operations: each is * or one of {}",
                    OPERATIONS.join(", ")
                )));
            }
            if p.resources.is_empty() || p.operations.is_empty() {
                return Err(e(format!("policies.{name} needs operations and resources")));
            }
            let reasons = if p.reasons.is_empty() {
                vec!["*".to_owned()]
            } else {
                p.reasons
            };
            policies.insert(
                name,
                AccessPolicy {
                    policy_type,
                    operations: p.operations,
                    reasons,
                    resources: p.resources,
                },
            );
        }
        let mut roles = BTreeMap::new();
        for (name, r) in raw.roles {
            let mut capabilities = Vec::new();
            for c in &r.capabilities {
                capabilities.push(Capability::parse(c).ok_or_else(|| {
                    e(format!(
                        "roles.{name}.capabilities: not a capability (see docs/objects.md)"
                    ))
                })?);
            }
            if r.policies.iter().any(|p| !policies.contains_key(p)) {
                return Err(e(format!(
                    "roles.{name}.policies names a policy that is not defined"
                )));
            }
            roles.insert(
                name,
                Role {
                    capabilities,
                    policies: r.policies,
                },
            );
        }
        let mut users = BTreeMap::new();
        for (name, u) in raw.users {
            if !roles.contains_key(&u.role) {
                return Err(e(format!(
                    "users.{name}.role names a role that is not defined"
                )));
            }
            users.insert(name, u.role);
        }
        Ok(Self {
            users,
            roles,
            policies,
        })
    }

    /// Whether `user` holds `cap` (directly, or through `CapSystem`).
    pub fn allows(&self, user: &str, cap: Capability) -> bool {
        self.role_of(user).is_some_and(|r| {
            r.capabilities
                .iter()
                .any(|c| *c == cap || *c == Capability::System)
        })
    }

    fn role_of(&self, user: &str) -> Option<&Role> {
        self.users.get(user).and_then(|role| self.roles.get(role))
    }

    /// Whether `user`'s policies let it perform `operation` for `reason` on every one of
    /// `resources` (each `collection/property`, `collection/property.mask` or
    /// `collection/tokens`): at least one allowing policy and no denying one per resource.
    /// The first resource refused, if any.
    pub fn check_data<'a>(
        &self,
        user: &str,
        operation: &str,
        reason: &str,
        resources: &'a [String],
    ) -> Result<(), &'a str> {
        let policies: Vec<&AccessPolicy> = self
            .role_of(user)
            .map(|r| {
                r.policies
                    .iter()
                    .filter_map(|p| self.policies.get(p))
                    .collect()
            })
            .unwrap_or_default();
        for resource in resources {
            let applies: Vec<&&AccessPolicy> = policies
                .iter()
                .filter(|p| {
                    any_matches(&p.operations, operation)
                        && any_matches(&p.reasons, reason)
                        && p.resources
                            .iter()
                            .any(|pattern| resource_matches(pattern, resource))
                })
                .collect();
            let allowed = applies.iter().any(|p| p.policy_type == PolicyType::Allow);
            let denied = applies.iter().any(|p| p.policy_type == PolicyType::Deny);
            if !allowed || denied {
                return Err(resource);
            }
        }
        Ok(())
    }
}

fn any_matches(list: &[String], value: &str) -> bool {
    list.iter()
        .any(|x| x == "*" || x.eq_ignore_ascii_case(value))
}

/// `*`, `collection/*`, `*/property`, `collection/property` and their `.mask` forms, without
/// case. A plain property pattern also covers the property's `.mask` (reading the masked form
/// is less than reading the value).
fn resource_matches(pattern: &str, resource: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let (Some((pc, pp)), Some((rc, rp))) = (pattern.split_once('/'), resource.split_once('/'))
    else {
        return false;
    };
    let collection = pc == "*" || pc.eq_ignore_ascii_case(rc);
    let base = rp.strip_suffix(".mask").unwrap_or(rp);
    let property = pp == "*"
        || pp.eq_ignore_ascii_case(rp)
        || (pp.eq_ignore_ascii_case(base) && rp.ends_with(".mask"));
    collection && property
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policies_need_an_allow_and_no_deny_per_resource() {
        let c = IamConfig::parse(
            r#"
[users.support]
role = "Support"
[roles.Support]
capabilities = ["CapDataReader"]
policies = ["ReadMasked", "NoSsn"]
[policies.ReadMasked]
policy_type = "allow"
operations = ["read"]
reasons = ["AppFunctionality"]
resources = ["customers/*"]
[policies.NoSsn]
policy_type = "deny"
operations = ["*"]
resources = ["*/ssn"]
"#,
        )
        .unwrap();
        let r = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert!(c
            .check_data(
                "support",
                "read",
                "AppFunctionality",
                &r(&["customers/email", "customers/card.mask"])
            )
            .is_ok());
        assert_eq!(
            c.check_data(
                "support",
                "read",
                "AppFunctionality",
                &r(&["customers/email", "customers/ssn"])
            ),
            Err("customers/ssn")
        );
        assert!(
            c.check_data("support", "read", "Marketing", &r(&["customers/email"]))
                .is_err(),
            "reason"
        );
        assert!(
            c.check_data(
                "support",
                "write",
                "AppFunctionality",
                &r(&["customers/email"])
            )
            .is_err(),
            "operation"
        );
        assert!(
            c.check_data("support", "read", "AppFunctionality", &r(&["orders/total"]))
                .is_err(),
            "resource"
        );
        assert!(c
            .check_data(
                "nobody",
                "read",
                "AppFunctionality",
                &r(&["customers/email"])
            )
            .is_err());
        assert!(
            c.allows("support", Capability::DataReader)
                && !c.allows("support", Capability::DataWriter)
        );
        for bad in [
            "[users.a]\nrole = \"missing\"",
            "[roles.r]\ncapabilities = [\"CapNothing\"]",
            "[roles.r]\npolicies = [\"missing\"]",
            "[policies.p]\npolicy_type = \"maybe\"\noperations = [\"read\"]\nresources = [\"*\"]",
            "[policies.p]\npolicy_type = \"allow\"\noperations = [\"fly\"]\nresources = [\"*\"]",
            "[mystery]",
        ] {
            assert!(IamConfig::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_the_bootstrap_user_holds_capabilities_by_default() {
        assert_eq!(
            IamConfig::parse(DEFAULT_IAM_TOML).unwrap(),
            IamConfig::default()
        );
        let c = IamConfig::default();
        for cap in Capability::ALL {
            assert!(c.allows(BOOTSTRAP_USER, cap));
            assert!(!c.allows("reporting", cap));
            assert_eq!(Capability::parse(cap.as_str()), Some(cap));
        }
    }
}
