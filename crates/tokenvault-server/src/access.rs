//! Who may call each endpoint: the one table of credentials, rate-limit classes and
//! permissions. `AppState::begin` enforces it for every authenticated request;
//! `docs/security.md` prints it (a test keeps the two equal).

use tokenvault_core::authz::Permission;

pub use crate::context::AuthKind;
use crate::limits::LimitClass;

/// Every authenticated endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    /// `POST /tokenize`.
    Tokenize,
    /// `POST /mask`.
    Mask,
    /// `POST /grant`.
    Grant,
    /// `POST /detokenize`.
    Detokenize,
    /// `POST /rehydrate`.
    Rehydrate,
    /// `POST /rehydrate/stream`.
    RehydrateStream,
    /// `GET /vault`.
    VaultList,
    /// `DELETE /vault/{token_id}`.
    Revoke,
    /// `GET /policies`.
    PolicyList,
    /// `GET /policies/{id}`.
    PolicyGet,
    /// `POST /policies`.
    PolicyCreate,
    /// `PUT /policies/{id}`.
    PolicyUpdate,
    /// `DELETE /policies/{id}`.
    PolicyDelete,
    /// `GET /usage`.
    Usage,
    /// `GET /audit`.
    Audit,
    /// `GET /permissions`: the caller's own.
    MyPermissions,
    /// `GET /roles`.
    RoleList,
    /// `PUT /roles/{role}`.
    RoleSet,
    /// `DELETE /roles/{role}`.
    RoleDelete,
    /// `GET /changes`.
    ChangeList,
    /// `POST /changes/{id}/approve` and `/reject`.
    ChangeDecide,
    /// `GET /tenant`.
    TenantGet,
    /// `PUT /tenant/settings`.
    TenantSettings,
    /// `PUT /tenant/kill-switch`.
    KillSwitch,
    /// `GET /api-keys`.
    ApiKeyList,
    /// `POST /api-keys`.
    ApiKeyCreate,
    /// `DELETE /api-keys/{id}`.
    ApiKeyRevoke,
    /// `GET /keys`.
    KeyList,
    /// `POST /keys/rotate`.
    KeyRotate,
    /// `POST /tenant/shred`.
    TenantShred,
    /// `GET /vault/stats`.
    VaultStats,
    /// `GET /audit/stats`.
    AuditStats,
    /// `GET /audit/verify`.
    AuditVerify,
    /// `GET /audit/export`.
    AuditExport,
    /// `GET /policies/{id}/versions`.
    PolicyVersions,
    /// `GET /collections` (the object vault, for the dashboard).
    CollectionList,
    /// `GET /collections/{collection}/objects` (masked).
    ObjectList,
    /// `GET /rehydration`.
    RehydrationGet,
    /// `PUT /rehydration`.
    RehydrationSet,
    /// `GET /users`.
    UserList,
    /// `POST /users`.
    UserCreate,
    /// `PUT /users/{login}`.
    UserUpdate,
    /// `DELETE /users/{login}`.
    UserDelete,
    /// `POST /api/client/v1/pii/{detect,redact,mask,tokenize,scan}`.
    PiiText,
    /// `POST /api/client/v1/pii/detokenize`.
    PiiDetokenize,
    /// `POST /api/client/v1/pii/detokenize/stream`.
    PiiDetokenizeStream,
}

/// What an endpoint requires.
#[derive(Debug, Clone, Copy)]
pub struct Access {
    /// `METHOD path`, as in the docs' table.
    pub route: &'static str,
    /// The credential.
    pub auth: AuthKind,
    /// The rate-limit class.
    pub class: LimitClass,
    /// The permission one of the caller's roles must hold; none: any credential of the
    /// tenant (tokenize, the PII API) or any user (grants, decided per token by policy).
    pub permission: Option<Permission>,
}

impl Endpoint {
    /// Every endpoint, for the tests and the docs' table.
    pub const ALL: [Endpoint; 46] = [
        Endpoint::Tokenize,
        Endpoint::Mask,
        Endpoint::Grant,
        Endpoint::Detokenize,
        Endpoint::Rehydrate,
        Endpoint::RehydrateStream,
        Endpoint::VaultList,
        Endpoint::Revoke,
        Endpoint::PolicyList,
        Endpoint::PolicyGet,
        Endpoint::PolicyCreate,
        Endpoint::PolicyUpdate,
        Endpoint::PolicyDelete,
        Endpoint::Usage,
        Endpoint::Audit,
        Endpoint::MyPermissions,
        Endpoint::RoleList,
        Endpoint::RoleSet,
        Endpoint::RoleDelete,
        Endpoint::ChangeList,
        Endpoint::ChangeDecide,
        Endpoint::TenantGet,
        Endpoint::TenantSettings,
        Endpoint::KillSwitch,
        Endpoint::ApiKeyList,
        Endpoint::ApiKeyCreate,
        Endpoint::ApiKeyRevoke,
        Endpoint::KeyList,
        Endpoint::KeyRotate,
        Endpoint::TenantShred,
        Endpoint::VaultStats,
        Endpoint::AuditStats,
        Endpoint::AuditVerify,
        Endpoint::AuditExport,
        Endpoint::PolicyVersions,
        Endpoint::CollectionList,
        Endpoint::ObjectList,
        Endpoint::RehydrationGet,
        Endpoint::RehydrationSet,
        Endpoint::UserList,
        Endpoint::UserCreate,
        Endpoint::UserUpdate,
        Endpoint::UserDelete,
        Endpoint::PiiText,
        Endpoint::PiiDetokenize,
        Endpoint::PiiDetokenizeStream,
    ];

    /// The endpoint's requirements.
    pub fn access(self) -> Access {
        use AuthKind::{ApiKey, Bearer, ClientToken};
        use Endpoint as E;
        use LimitClass as L;
        use Permission as P;
        let (route, auth, class, permission) = match self {
            E::Tokenize => ("POST /api/v1/tokens/tokenize", ApiKey, L::Tokenize, None),
            E::Mask => ("POST /api/v1/tokens/mask", ApiKey, L::Tokenize, None),
            E::Grant => ("POST /api/v1/tokens/grant", Bearer, L::Grant, None),
            E::Detokenize => (
                "POST /api/v1/tokens/detokenize",
                Bearer,
                L::Detokenize,
                None,
            ),
            E::Rehydrate => ("POST /api/v1/tokens/rehydrate", Bearer, L::Detokenize, None),
            E::RehydrateStream => (
                "POST /api/v1/tokens/rehydrate/stream",
                Bearer,
                L::Detokenize,
                None,
            ),
            E::VaultList => (
                "GET /api/v1/tokens/vault",
                Bearer,
                L::VaultList,
                Some(P::VaultRead),
            ),
            E::Revoke => (
                "DELETE /api/v1/tokens/vault/{token_id}",
                Bearer,
                L::Revoke,
                Some(P::VaultRevoke),
            ),
            E::PolicyList => (
                "GET /api/v1/tokens/policies",
                Bearer,
                L::Other,
                Some(P::PoliciesRead),
            ),
            E::PolicyGet => (
                "GET /api/v1/tokens/policies/{id}",
                Bearer,
                L::Other,
                Some(P::PoliciesRead),
            ),
            E::PolicyCreate => (
                "POST /api/v1/tokens/policies",
                Bearer,
                L::Other,
                Some(P::PoliciesWrite),
            ),
            E::PolicyUpdate => (
                "PUT /api/v1/tokens/policies/{id}",
                Bearer,
                L::Other,
                Some(P::PoliciesWrite),
            ),
            E::PolicyDelete => (
                "DELETE /api/v1/tokens/policies/{id}",
                Bearer,
                L::Other,
                Some(P::PoliciesWrite),
            ),
            E::Usage => (
                "GET /api/v1/tokens/usage",
                Bearer,
                L::Other,
                Some(P::UsageRead),
            ),
            E::Audit => (
                "GET /api/v1/tokens/audit",
                Bearer,
                L::Other,
                Some(P::AuditRead),
            ),
            E::MyPermissions => ("GET /api/v1/tokens/permissions", Bearer, L::Other, None),
            E::RoleList => (
                "GET /api/v1/tokens/roles",
                Bearer,
                L::Other,
                Some(P::RolesRead),
            ),
            E::RoleSet => (
                "PUT /api/v1/tokens/roles/{role}",
                Bearer,
                L::Other,
                Some(P::RolesWrite),
            ),
            E::RoleDelete => (
                "DELETE /api/v1/tokens/roles/{role}",
                Bearer,
                L::Other,
                Some(P::RolesWrite),
            ),
            // Listing shows roles and policy ids only; deciding checks the change's own
            // permission (policies:write or roles:write) in the domain, through the same
            // `Vault::authorize`.
            E::ChangeList => (
                "GET /api/v1/tokens/changes",
                Bearer,
                L::Other,
                Some(P::RolesRead),
            ),
            E::ChangeDecide => (
                "POST /api/v1/tokens/changes/{id}/{decision}",
                Bearer,
                L::Other,
                None,
            ),
            E::TenantGet => (
                "GET /api/v1/tokens/tenant",
                Bearer,
                L::Other,
                Some(P::TenantSettings),
            ),
            E::TenantSettings => (
                "PUT /api/v1/tokens/tenant/settings",
                Bearer,
                L::Other,
                Some(P::TenantSettings),
            ),
            E::KillSwitch => (
                "PUT /api/v1/tokens/tenant/kill-switch",
                Bearer,
                L::Other,
                Some(P::KillSwitchManage),
            ),
            E::ApiKeyList => (
                "GET /api/v1/tokens/api-keys",
                Bearer,
                L::Other,
                Some(P::ApiKeysManage),
            ),
            E::ApiKeyCreate => (
                "POST /api/v1/tokens/api-keys",
                Bearer,
                L::Other,
                Some(P::ApiKeysManage),
            ),
            E::ApiKeyRevoke => (
                "DELETE /api/v1/tokens/api-keys/{id}",
                Bearer,
                L::Other,
                Some(P::ApiKeysManage),
            ),
            E::KeyList => (
                "GET /api/v1/tokens/keys",
                Bearer,
                L::Other,
                Some(P::KeysManage),
            ),
            E::KeyRotate => (
                "POST /api/v1/tokens/keys/rotate",
                Bearer,
                L::Other,
                Some(P::KeysManage),
            ),
            E::TenantShred => (
                "POST /api/v1/tokens/tenant/shred",
                Bearer,
                L::Other,
                Some(P::TenantShred),
            ),
            E::PiiText => (
                "POST /api/client/v1/pii/{action}",
                ClientToken,
                L::Pii,
                None,
            ),
            E::VaultStats => (
                "GET /api/v1/tokens/vault/stats",
                Bearer,
                L::Other,
                Some(P::VaultRead),
            ),
            E::AuditStats => (
                "GET /api/v1/tokens/audit/stats",
                Bearer,
                L::Other,
                Some(P::AuditRead),
            ),
            E::AuditVerify => (
                "GET /api/v1/tokens/audit/verify",
                Bearer,
                L::Other,
                Some(P::AuditRead),
            ),
            E::AuditExport => (
                "GET /api/v1/tokens/audit/export",
                Bearer,
                L::Other,
                Some(P::AuditRead),
            ),
            E::PolicyVersions => (
                "GET /api/v1/tokens/policies/{id}/versions",
                Bearer,
                L::Other,
                Some(P::PoliciesRead),
            ),
            E::CollectionList => (
                "GET /api/v1/tokens/collections",
                Bearer,
                L::Other,
                Some(P::VaultRead),
            ),
            E::ObjectList => (
                "GET /api/v1/tokens/collections/{collection}/objects",
                Bearer,
                L::Other,
                Some(P::VaultRead),
            ),
            E::RehydrationGet => (
                "GET /api/v1/tokens/rehydration",
                Bearer,
                L::Other,
                Some(P::RehydrationSettings),
            ),
            E::RehydrationSet => (
                "PUT /api/v1/tokens/rehydration",
                Bearer,
                L::Other,
                Some(P::RehydrationSettings),
            ),
            E::UserList => (
                "GET /api/v1/tokens/users",
                Bearer,
                L::Other,
                Some(P::UsersManage),
            ),
            E::UserCreate => (
                "POST /api/v1/tokens/users",
                Bearer,
                L::Other,
                Some(P::UsersManage),
            ),
            E::UserUpdate => (
                "PUT /api/v1/tokens/users/{login}",
                Bearer,
                L::Other,
                Some(P::UsersManage),
            ),
            E::UserDelete => (
                "DELETE /api/v1/tokens/users/{login}",
                Bearer,
                L::Other,
                Some(P::UsersManage),
            ),
            E::PiiDetokenize => (
                "POST /api/client/v1/pii/detokenize",
                ClientToken,
                L::Pii,
                None,
            ),
            E::PiiDetokenizeStream => (
                "POST /api/client/v1/pii/detokenize/stream",
                ClientToken,
                L::Pii,
                None,
            ),
        };
        Access {
            route,
            auth,
            class,
            permission,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `docs/security.md` prints this table; each row must say what the code enforces.
    #[test]
    fn the_docs_table_matches_the_code() {
        let doc = include_str!("../../../docs/security.md");
        for e in Endpoint::ALL {
            let a = e.access();
            let row = doc
                .lines()
                .find(|l| l.starts_with(&format!("| `{}` |", a.route)))
                .unwrap_or_else(|| panic!("docs/security.md has no row for {}", a.route));
            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
            let credential = match a.auth {
                AuthKind::ApiKey => "API key",
                AuthKind::Bearer => "JWT",
                AuthKind::ClientToken => "API key or JWT",
            };
            assert_eq!(cells[2], credential, "{row}");
            match a.permission {
                Some(p) => assert_eq!(cells[3], format!("`{p}`"), "{row}"),
                None => assert!(cells[3].starts_with('—'), "{row}"),
            }
        }
    }
}
