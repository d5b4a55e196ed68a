//! The routers, one per surface, merged in one place. Every authenticated route is declared
//! with its [`Endpoint`], which the [`Authed`](crate::extract::Authed) extractor enforces.

use std::sync::Arc;

use axum::{
    handler::Handler,
    routing::{get, on as on_method, MethodFilter, MethodRouter},
    Extension, Router,
};
use tokenvault_core::policy::TextAction;

use crate::{
    access::Endpoint,
    api::{insights, meta, objects, policies, tokens, users, vault},
    management, masking, pii, AppState,
};

type State = Arc<AppState>;

/// The route of `endpoint` (its method from the access table) served by `handler`.
pub(crate) fn on<H, T>(endpoint: Endpoint, handler: H) -> MethodRouter<State>
where
    H: Handler<T, State>,
    T: 'static,
{
    let method = endpoint.access().route.split(' ').next().unwrap_or("GET");
    let filter = match method {
        "POST" => MethodFilter::POST,
        "PUT" => MethodFilter::PUT,
        "DELETE" => MethodFilter::DELETE,
        _ => MethodFilter::GET,
    };
    on_method(filter, handler).layer(Extension(endpoint))
}

/// The tokens API, under `/api/v1/tokens`.
fn tokens_api() -> Router<State> {
    use Endpoint as E;
    Router::new()
        .route("/tokenize", on(E::Tokenize, tokens::tokenize))
        .route("/mask", on(E::Mask, masking::mask))
        .route("/grant", on(E::Grant, tokens::grant))
        .route("/detokenize", on(E::Detokenize, tokens::detokenize))
        .route("/rehydrate", on(E::Rehydrate, tokens::rehydrate))
        .route(
            "/rehydrate/stream",
            on(E::RehydrateStream, tokens::rehydrate_stream),
        )
        .route("/vault", on(E::VaultList, vault::list_vault))
        .route("/vault/stats", on(E::VaultStats, insights::vault_stats))
        .route("/collections", on(E::CollectionList, objects::collections))
        .route(
            "/collections/{collection}/objects",
            on(E::ObjectList, objects::objects),
        )
        .route("/audit/stats", on(E::AuditStats, insights::audit_stats))
        .route("/audit/verify", on(E::AuditVerify, insights::audit_verify))
        .route("/audit/export", on(E::AuditExport, vault::audit_export))
        .route(
            "/policies/{id}/versions",
            on(E::PolicyVersions, insights::policy_versions),
        )
        .route("/vault/{token_id}", on(E::Revoke, vault::revoke))
        .route(
            "/policies",
            on(E::PolicyList, policies::list).merge(on(E::PolicyCreate, policies::create)),
        )
        .route(
            "/policies/{id}",
            on(E::PolicyGet, policies::get)
                .merge(on(E::PolicyUpdate, policies::update))
                .merge(on(E::PolicyDelete, policies::delete)),
        )
        .route("/usage", on(E::Usage, vault::usage))
        .route("/audit", on(E::Audit, vault::audit))
        .merge(management_api())
        .route("/health", get(meta::health))
        .route("/jwks.json", get(meta::jwks))
        .route("/openapi.json", get(meta::openapi))
}

/// Roles, changes, tenant settings, API keys and keys, under `/api/v1/tokens`.
fn management_api() -> Router<State> {
    use management as m;
    use Endpoint as E;
    Router::new()
        .route("/permissions", on(E::MyPermissions, m::my_permissions))
        .route("/roles", on(E::RoleList, m::list_roles))
        .route(
            "/roles/{role}",
            on(E::RoleSet, m::set_role).merge(on(E::RoleDelete, m::delete_role)),
        )
        .route("/changes", on(E::ChangeList, m::list_changes))
        .route(
            "/changes/{id}/{decision}",
            on(E::ChangeDecide, m::decide_change),
        )
        .route("/tenant", on(E::TenantGet, m::get_tenant))
        .route("/tenant/settings", on(E::TenantSettings, m::put_settings))
        .route("/tenant/kill-switch", on(E::KillSwitch, m::put_kill_switch))
        .route("/tenant/shred", on(E::TenantShred, m::shred_tenant))
        .route(
            "/api-keys",
            on(E::ApiKeyList, m::list_api_keys).merge(on(E::ApiKeyCreate, m::create_api_key)),
        )
        .route("/api-keys/{id}", on(E::ApiKeyRevoke, m::revoke_api_key))
        .route(
            "/rehydration",
            on(E::RehydrationGet, m::get_rehydration)
                .merge(on(E::RehydrationSet, m::put_rehydration)),
        )
        .route("/keys", on(E::KeyList, m::list_keys))
        .route("/keys/rotate", on(E::KeyRotate, m::rotate_keys))
        .route(
            "/users",
            on(E::UserList, users::list).merge(on(E::UserCreate, users::create)),
        )
        .route(
            "/users/{login}",
            on(E::UserUpdate, users::update).merge(on(E::UserDelete, users::delete)),
        )
}

/// The PII API of seed 003, under `/api/client/v1/pii`.
fn pii_api() -> Router<State> {
    use Endpoint as E;
    Router::new()
        .route("/detect", pii::endpoint(Some(TextAction::Detect)))
        .route("/redact", pii::endpoint(Some(TextAction::Redact)))
        .route("/mask", pii::endpoint(Some(TextAction::Mask)))
        .route("/tokenize", pii::endpoint(Some(TextAction::Tokenize)))
        .route("/detokenize", on(E::PiiDetokenize, pii::detokenize))
        .route(
            "/detokenize/stream",
            on(E::PiiDetokenizeStream, pii::detokenize_stream),
        )
        .route("/scan", pii::endpoint(None))
}

/// Every surface, with the fallbacks and the middleware around every request.
pub(crate) fn all(state: State) -> Router {
    Router::new()
        .nest("/api/v1/tokens", tokens_api())
        .nest("/api/client/v1/pii", pii_api())
        .nest("/api/pvlt/1.0", crate::pvlt::router())
        .merge(crate::ui::router())
        .route("/metrics", get(meta::metrics))
        .route("/.well-known/jwks.json", get(meta::jwks))
        .fallback(meta::not_found)
        .method_not_allowed_fallback(meta::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::middleware::around,
        ))
        .with_state(state)
}
