//! The dashboard under `/ui/`: its embedded files and its sign-in. Pages call the same API as
//! every client, authenticated by the session cookie and the CSRF header (`context.rs`), so
//! the access table decides what each user may see and do.

mod assets;
mod oidc;
pub(crate) mod session;

pub use oidc::DashboardOidc;

use std::sync::Arc;

use axum::{
    routing::{get, post},
    Router,
};

use crate::AppState;

/// The dashboard's routes.
pub(crate) fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route(
            "/ui",
            get(|| async { axum::response::Redirect::permanent("/ui/") }),
        )
        .route("/ui/", get(assets::index))
        .route(
            "/ui/session",
            post(session::sign_in)
                .get(session::current)
                .delete(session::sign_out),
        )
        .route("/ui/config", get(oidc::config))
        .route("/ui/oidc/start", get(oidc::start))
        .route("/ui/oidc/callback", get(oidc::callback))
        .route("/ui/{*path}", get(assets::asset))
}
