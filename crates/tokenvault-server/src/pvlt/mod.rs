//! The object vault of seed 004 under `/api/pvlt/1.0`, in the style of Piiano Vault: its own
//! authentication (a bearer API key is a user with one role), capabilities, and error body.

pub mod access;
mod collections;
mod error;
mod extract;
mod iam;
mod objects;
mod tokens;

use std::sync::Arc;

use axum::{
    handler::Handler,
    routing::{get, on as on_method, MethodFilter, MethodRouter},
    Extension, Json, Router,
};
use serde_json::json;

use crate::AppState;
use access::PvltEndpoint;

type State = Arc<AppState>;

/// Whether a name a client sent may be repeated in an error's context (a valid name, no
/// other text).
pub(crate) fn safe_name(name: &str) -> bool {
    tokenvault_core::objects::valid_name(name)
}

fn on<H, T>(endpoint: PvltEndpoint, handler: H) -> MethodRouter<State>
where
    H: Handler<T, State>,
    T: 'static,
{
    let filter = match endpoint.access().0.split(' ').next().unwrap_or("GET") {
        "POST" => MethodFilter::POST,
        "PATCH" => MethodFilter::PATCH,
        "DELETE" => MethodFilter::DELETE,
        _ => MethodFilter::GET,
    };
    on_method(filter, handler).layer(Extension(endpoint))
}

async fn health() -> Json<serde_json::Value> {
    Json(json!({ "status": "pass" }))
}

async fn version() -> Json<serde_json::Value> {
    Json(
        json!({ "vault_id": "tokenvault", "vault_version": tokenvault_core::VERSION, "db_schema_version": 7 }),
    )
}

async fn no_endpoint() -> error::PvltError {
    error::PvltError::no_endpoint()
}

/// The object vault's routes, under `/api/pvlt/1.0`.
pub(crate) fn router() -> Router<State> {
    use collections as c;
    use PvltEndpoint as E;
    Router::new()
        .route(
            "/ctl/collections",
            on(E::CollectionList, c::list).merge(on(E::CollectionCreate, c::create)),
        )
        .route(
            "/ctl/collections/{collection}",
            on(E::CollectionGet, c::get)
                .merge(on(E::CollectionUpdate, c::update))
                .merge(on(E::CollectionDelete, c::delete)),
        )
        .route(
            "/data/collections/{collection}/objects",
            on(E::ObjectAdd, objects::add).merge(on(E::ObjectList, objects::list)),
        )
        .route(
            "/data/collections/{collection}/bulk/objects",
            on(E::ObjectAddBulk, objects::add_bulk),
        )
        .route(
            "/data/collections/{collection}/objects/{id}",
            on(E::ObjectGet, objects::get)
                .merge(on(E::ObjectUpdate, objects::update))
                .merge(on(E::ObjectDelete, objects::delete)),
        )
        .route(
            "/data/collections/{collection}/query/objects",
            on(E::ObjectQuery, objects::query),
        )
        .route(
            "/data/collections/{collection}/tokens",
            on(E::TokenTokenize, tokens::tokenize)
                .merge(on(E::TokenDetokenize, tokens::detokenize))
                .merge(on(E::TokenUpdate, tokens::update))
                .merge(on(E::TokenDelete, tokens::delete)),
        )
        .route(
            "/data/collections/{collection}/rotate/tokens",
            on(E::TokenRotate, tokens::rotate),
        )
        .route(
            "/data/collections/{collection}/query/tokens",
            on(E::TokenSearch, tokens::search),
        )
        .route(
            "/data/collections/{collection}/count/objects",
            on(E::ObjectCount, objects::count),
        )
        .route(
            "/data/collections/{collection}/count/tokens",
            on(E::TokenCount, tokens::count),
        )
        .route(
            "/ctl/iam/conf",
            on(E::IamGet, iam::get).merge(on(E::IamSet, iam::set)),
        )
        .route("/ctl/iam/user/regen", on(E::IamRegen, iam::regen))
        .route("/ctl/info/health", get(health))
        .route("/data/info/health", get(health))
        .route("/system/info/version", get(version))
        .fallback(no_endpoint)
}
