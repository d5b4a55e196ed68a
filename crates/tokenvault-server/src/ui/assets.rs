//! The dashboard's files, embedded in the binary (no Node at build or run time, no CDN), served
//! with a strict Content-Security-Policy: scripts and styles from this origin only, no inline
//! script or style, no framing.

use axum::{
    extract::Path,
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};

/// The policy every dashboard answer carries.
pub(crate) const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; \
    form-action 'self'; frame-ancestors 'none'";

macro_rules! assets {
    ($($path:literal => $kind:literal),* $(,)?) => {
        /// Every file: path under `/ui/`, content type, bytes.
        pub(crate) const FILES: &[(&str, &str, &[u8])] = &[
            $( ($path, $kind, include_bytes!(concat!("../../ui/", $path))) ),*
        ];
    };
}

assets! {
    "index.html" => "text/html; charset=utf-8",
    "app.css" => "text/css; charset=utf-8",
    "app.js" => "text/javascript; charset=utf-8",
    "api.js" => "text/javascript; charset=utf-8",
    "dom.js" => "text/javascript; charset=utf-8",
    "charts.js" => "text/javascript; charset=utf-8",
    "pages/vault.js" => "text/javascript; charset=utf-8",
    "pages/policies.js" => "text/javascript; charset=utf-8",
    "pages/audit.js" => "text/javascript; charset=utf-8",
    "pages/pii.js" => "text/javascript; charset=utf-8",
    "pages/integrations.js" => "text/javascript; charset=utf-8",
    "pages/settings.js" => "text/javascript; charset=utf-8",
    "pages/objects.js" => "text/javascript; charset=utf-8",
}

/// Adds the dashboard's security headers.
pub(crate) fn secure(mut response: Response) -> Response {
    let h = response.headers_mut();
    for (name, value) in [
        ("content-security-policy", CSP),
        ("x-frame-options", "DENY"),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
        ("cross-origin-opener-policy", "same-origin"),
    ] {
        h.insert(name, HeaderValue::from_static(value));
    }
    response
}

fn file(path: &str) -> Response {
    // Page routes (`/ui/vault`, …) are the single page; files have an extension.
    let wanted = if path.is_empty() || !path.contains('.') {
        "index.html"
    } else {
        path
    };
    let Some((_, kind, bytes)) = FILES.iter().find(|(p, _, _)| *p == wanted) else {
        return secure((StatusCode::NOT_FOUND, "not found").into_response());
    };
    let cache = if wanted == "index.html" {
        "no-store"
    } else {
        "no-cache"
    };
    secure(
        (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(kind)),
                (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
            ],
            *bytes,
        )
            .into_response(),
    )
}

pub(crate) async fn index() -> Response {
    file("")
}

pub(crate) async fn asset(Path(path): Path<String>) -> Response {
    file(&path)
}
