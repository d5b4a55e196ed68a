//! Authorization of management: named permissions, and each tenant's mapping from roles to
//! permissions.
//!
//! Tokenize and the PII API need only a credential of the tenant; requesting a grant needs
//! only a role, since each token's policy decides who may read it. Everything else (reading
//! or changing policies, listing or revoking tokens, the audit trail, usage, API keys, keys,
//! the kill switch, tenant settings, the role mapping) needs a named permission held through
//! one of the caller's roles. `admin` holds every permission and cannot be narrowed (so a
//! tenant cannot lock itself out); a role without a mapping holds none.

use std::collections::BTreeMap;

/// The role that holds every permission.
pub const ADMIN_ROLE: &str = "admin";

/// Longest role name.
pub const MAX_ROLE_CHARS: usize = 64;

/// A named permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
#[repr(u8)]
pub enum Permission {
    /// Read policies and their versions.
    PoliciesRead,
    /// Create, change and delete policies.
    PoliciesWrite,
    /// List the vault's token records (metadata, never values).
    VaultRead,
    /// Revoke tokens.
    VaultRevoke,
    /// Read the audit trail.
    AuditRead,
    /// Read usage counts and the quota.
    UsageRead,
    /// Create, list and revoke API keys.
    ApiKeysManage,
    /// See key versions and rotate the tenant's keys.
    KeysManage,
    /// Turn the tenant's kill switch on or off.
    KillSwitchManage,
    /// Read and change tenant settings (quota, two-person rule).
    TenantSettings,
    /// Read and change LLM rehydration settings.
    RehydrationSettings,
    /// Manage dashboard users.
    UsersManage,
    /// Read the role → permission mapping.
    RolesRead,
    /// Change the role → permission mapping.
    RolesWrite,
    /// Destroy every key of the tenant (crypto-shredding): irreversible.
    TenantShred,
}

impl Permission {
    /// Every permission, in a stable order.
    pub const ALL: [Permission; 15] = [
        Permission::PoliciesRead,
        Permission::PoliciesWrite,
        Permission::VaultRead,
        Permission::VaultRevoke,
        Permission::AuditRead,
        Permission::UsageRead,
        Permission::ApiKeysManage,
        Permission::KeysManage,
        Permission::KillSwitchManage,
        Permission::TenantSettings,
        Permission::RehydrationSettings,
        Permission::UsersManage,
        Permission::RolesRead,
        Permission::RolesWrite,
        Permission::TenantShred,
    ];

    /// The wire name (`policies:write`).
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::PoliciesRead => "policies:read",
            Permission::PoliciesWrite => "policies:write",
            Permission::VaultRead => "vault:read",
            Permission::VaultRevoke => "vault:revoke",
            Permission::AuditRead => "audit:read",
            Permission::UsageRead => "usage:read",
            Permission::ApiKeysManage => "apikeys:manage",
            Permission::KeysManage => "keys:manage",
            Permission::KillSwitchManage => "killswitch:manage",
            Permission::TenantSettings => "tenant:settings",
            Permission::RehydrationSettings => "rehydration:settings",
            Permission::UsersManage => "users:manage",
            Permission::RolesRead => "roles:read",
            Permission::RolesWrite => "roles:write",
            Permission::TenantShred => "tenant:shred",
        }
    }

    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    fn bit(self) -> u32 {
        1u32 << (self as u8)
    }
}

impl std::fmt::Display for Permission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of permissions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PermissionSet(u32);

impl PermissionSet {
    /// Every permission.
    pub fn all() -> Self {
        Permission::ALL.into_iter().collect()
    }

    /// Whether `p` is in the set.
    pub fn contains(self, p: Permission) -> bool {
        self.0 & p.bit() != 0
    }

    /// Adds every permission of `other`.
    pub fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// Permissions in `self` that `before` lacked.
    pub fn added_since(self, before: Self) -> Self {
        Self(self.0 & !before.0)
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The permissions, in `Permission::ALL` order.
    pub fn iter(self) -> impl Iterator<Item = Permission> {
        Permission::ALL
            .into_iter()
            .filter(move |p| self.contains(*p))
    }

    /// The wire names.
    pub fn names(self) -> Vec<String> {
        self.iter().map(|p| p.as_str().to_owned()).collect()
    }

    /// Parses wire names; says which entry is unknown by position, never by value.
    pub fn parse<S: AsRef<str>>(names: &[S]) -> Result<Self, UnknownPermission> {
        let mut set = Self::default();
        for (i, n) in names.iter().enumerate() {
            match Permission::parse(n.as_ref()) {
                Some(p) => set = set.union(std::iter::once(p).collect()),
                None => return Err(UnknownPermission { index: i }),
            }
        }
        Ok(set)
    }
}

impl FromIterator<Permission> for PermissionSet {
    fn from_iter<I: IntoIterator<Item = Permission>>(iter: I) -> Self {
        Self(iter.into_iter().fold(0, |acc, p| acc | p.bit()))
    }
}

/// A tenant's role → permission mapping.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleMapping(BTreeMap<String, PermissionSet>);

impl RoleMapping {
    /// From stored entries.
    pub fn new(entries: impl IntoIterator<Item = (String, PermissionSet)>) -> Self {
        Self(entries.into_iter().collect())
    }

    /// What a role holds (`admin`: everything).
    pub fn of_role(&self, role: &str) -> PermissionSet {
        if role == ADMIN_ROLE {
            return PermissionSet::all();
        }
        self.0.get(role).copied().unwrap_or_default()
    }

    /// What a caller with these roles holds: the union over its roles.
    pub fn effective(&self, roles: &[String]) -> PermissionSet {
        roles.iter().fold(PermissionSet::default(), |acc, r| {
            acc.union(self.of_role(r))
        })
    }

    /// Whether the role has a mapping of its own.
    pub fn has(&self, role: &str) -> bool {
        self.0.contains_key(role)
    }

    /// How many roles are mapped.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no role is mapped.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The mapped roles with their permissions (`admin` first, always with everything).
    pub fn entries(&self) -> Vec<(String, PermissionSet)> {
        std::iter::once((ADMIN_ROLE.to_owned(), PermissionSet::all()))
            .chain(
                self.0
                    .iter()
                    .filter(|(r, _)| r.as_str() != ADMIN_ROLE)
                    .map(|(r, p)| (r.clone(), *p)),
            )
            .collect()
    }
}

/// A list of permission names holds one that is not a permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownPermission {
    /// Its position in the list.
    pub index: usize,
}

impl std::fmt::Display for UnknownPermission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "permissions[{}] is not a permission; use one of {}",
            self.index,
            Permission::ALL.map(Permission::as_str).join(", ")
        )
    }
}

impl std::error::Error for UnknownPermission {}

/// A role name breaks the naming rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a role name is 1 to {MAX_ROLE_CHARS} letters, digits, '_', '-', '.' or ':'")]
pub struct InvalidRoleName;

/// Checks a role name: 1–64 letters, digits, `_`, `-`, `.` or `:`.
pub fn check_role_name(role: &str) -> Result<(), InvalidRoleName> {
    let ok = !role.is_empty()
        && role.chars().count() <= MAX_ROLE_CHARS
        && role
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':'));
    if ok {
        Ok(())
    } else {
        Err(InvalidRoleName)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_holds_everything_and_unmapped_roles_nothing() {
        let m = RoleMapping::new([(
            "auditor".to_owned(),
            [Permission::AuditRead].into_iter().collect(),
        )]);
        assert_eq!(m.effective(&["admin".into()]), PermissionSet::all());
        assert!(m.effective(&["intern".into()]).is_empty());
        assert!(m.effective(&[]).is_empty());
        let auditor = m.effective(&["auditor".into(), "intern".into()]);
        assert!(auditor.contains(Permission::AuditRead));
        assert!(!auditor.contains(Permission::PoliciesWrite));
    }

    #[test]
    fn admin_cannot_be_narrowed_by_a_mapping() {
        let m = RoleMapping::new([("admin".to_owned(), PermissionSet::default())]);
        assert_eq!(m.effective(&["admin".into()]), PermissionSet::all());
    }

    #[test]
    fn every_permission_has_its_own_bit() {
        assert_eq!(PermissionSet::all().iter().count(), Permission::ALL.len());
        for (i, p) in Permission::ALL.into_iter().enumerate() {
            assert_eq!(p as usize, i, "ALL is in declaration order");
        }
    }

    #[test]
    fn names_round_trip_and_unknown_names_are_not_echoed() {
        for p in Permission::ALL {
            assert_eq!(Permission::parse(p.as_str()), Some(p));
        }
        let set = PermissionSet::parse(&["audit:read", "vault:read"]).unwrap();
        assert_eq!(set.names(), vec!["vault:read", "audit:read"]);
        let e = PermissionSet::parse(&["audit:read", "root:everything"])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("permissions[1]") && !e.contains("root:everything"),
            "{e}"
        );
    }

    #[test]
    fn added_since_finds_widening() {
        let before: PermissionSet = [Permission::AuditRead].into_iter().collect();
        let after: PermissionSet = [Permission::AuditRead, Permission::VaultRead]
            .into_iter()
            .collect();
        assert_eq!(after.added_since(before).names(), vec!["vault:read"]);
        assert!(before.added_since(after).is_empty());
    }

    #[test]
    fn role_names_are_checked() {
        assert!(check_role_name("privacy_officer").is_ok());
        assert!(check_role_name("").is_err());
        assert!(check_role_name("a b").is_err());
        assert!(check_role_name(&"r".repeat(65)).is_err());
    }
}
