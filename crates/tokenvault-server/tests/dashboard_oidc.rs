//! Dashboard sign-in through an OpenID Connect provider: a provider run by the test (its token
//! endpoint checks the PKCE verifier and the client secret, and signs ID tokens with its own
//! key), the server's start and callback, the session that follows, and every way the
//! callback must refuse (state, nonce, another provider's key, a cookie from elsewhere).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use base64::Engine;
use common::TestServer;
use serde_json::{json, Value};
use tokenvault_core::service::{ExternalIssuer, ExternalKeys, JwksVerifier, VaultConfig};
use tokenvault_crypto::{jwt::JwtSigner, Key256};
use tokenvault_server::{DashboardOidc, ServerSettings};

const ISSUER: &str = "https://idp.example";
const CLIENT: &str = "tokenvault-dashboard";
const SECRET: &str = "client secret of the test";

/// What the provider remembers of an authorization: the PKCE challenge and the nonce, and
/// the claims it will sign.
#[derive(Clone)]
struct Grant {
    challenge: String,
    nonce: String,
    claims: Value,
}

struct Provider {
    signer: JwtSigner,
    codes: Mutex<HashMap<String, Grant>>,
}

fn form(body: &str) -> HashMap<String, String> {
    url::form_urlencoded::parse(body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The provider's token endpoint, on a runtime of its own; its base URL.
fn start_provider(p: Arc<Provider>) -> (String, tokio::runtime::Runtime) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new().route(
        "/token",
        axum::routing::post(move |body: String| {
            let p = p.clone();
            async move {
                let f = form(&body);
                let grant = p.codes.lock().unwrap().remove(&f["code"]);
                let Some(grant) = grant else {
                    return (
                        axum::http::StatusCode::BAD_REQUEST,
                        "unknown code".to_owned(),
                    );
                };
                let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(
                    tokenvault_crypto::digest::sha256(&[f["code_verifier"].as_bytes()]),
                );
                if challenge != grant.challenge
                    || f["client_secret"] != SECRET
                    || f["client_id"] != CLIENT
                {
                    return (
                        axum::http::StatusCode::BAD_REQUEST,
                        "invalid_grant".to_owned(),
                    );
                }
                let mut claims = grant.claims.clone();
                if claims.get("nonce").is_none() {
                    claims["nonce"] = json!(grant.nonce);
                }
                let id_token = p.signer.sign(&claims).unwrap();
                (
                    axum::http::StatusCode::OK,
                    json!({"id_token": id_token, "token_type": "Bearer"}).to_string(),
                )
            }
        }),
    );
    rt.spawn(async move { axum::serve(listener, app).await });
    (base, rt)
}

struct Setup {
    s: TestServer,
    provider: Arc<Provider>,
    _rt: tokio::runtime::Runtime,
    agent: ureq::Agent,
}

fn setup() -> Setup {
    let provider = Arc::new(Provider {
        signer: JwtSigner::from_seed(&Key256::generate()).unwrap(),
        codes: Mutex::new(HashMap::new()),
    });
    let (idp, rt) = start_provider(provider.clone());
    let jwks = json!({ "keys": [provider.signer.jwk()] }).to_string();
    let config = VaultConfig {
        external_issuer: Some(ExternalIssuer {
            issuer: ISSUER.into(),
            audience: "tokenvault".into(),
            keys: Arc::new(ExternalKeys::new(JwksVerifier::from_json(&jwks).unwrap())),
            user_claim: "email".into(),
            tenant_claim: "org".into(),
            roles_claim: "groups".into(),
        }),
        ..VaultConfig::default()
    };
    let settings = ServerSettings {
        dashboard_oidc: Some(DashboardOidc {
            authorization_endpoint: format!("{idp}/authorize"),
            token_endpoint: format!("{idp}/token"),
            client_id: CLIENT.into(),
            client_secret: SECRET.into(),
            redirect_url: "http://127.0.0.1/ui/oidc/callback".into(),
            scopes: "openid email".into(),
            provider_name: "Test IdP".into(),
        }),
        ..ServerSettings::default()
    };
    let s = TestServer::start_with(settings, config);
    let agent = ureq::AgentBuilder::new().redirects(0).build();
    Setup {
        s,
        provider,
        _rt: rt,
        agent,
    }
}

fn response(r: Result<ureq::Response, ureq::Error>) -> ureq::Response {
    match r {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{e}"),
    }
}

fn set_cookies(r: &ureq::Response) -> Vec<String> {
    r.all("set-cookie").into_iter().map(str::to_owned).collect()
}

/// `/ui/oidc/start`: the provider's authorization URL's parameters and the pending cookie.
fn start(x: &Setup) -> (HashMap<String, String>, String) {
    let r = response(x.agent.get(&format!("{}/ui/oidc/start", x.s.base)).call());
    assert_eq!(r.status(), 303);
    let location = url::Url::parse(r.header("location").unwrap()).unwrap();
    assert_eq!(location.path(), "/authorize");
    let params: HashMap<String, String> = location
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let cookie = set_cookies(&r)
        .into_iter()
        .find(|c| c.starts_with("tv_oidc="))
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    (params, cookie.split(';').next().unwrap().to_owned())
}

/// The user signs in at the provider, which redirects back with this code.
fn authorize(x: &Setup, params: &HashMap<String, String>, code: &str, claims: Value) {
    x.provider.codes.lock().unwrap().insert(
        code.into(),
        Grant {
            challenge: params["code_challenge"].clone(),
            nonce: params["nonce"].clone(),
            claims,
        },
    );
}

fn callback(x: &Setup, code: &str, state: &str, cookie: &str) -> ureq::Response {
    response(
        x.agent
            .get(&format!("{}/ui/oidc/callback", x.s.base))
            .query("code", code)
            .query("state", state)
            .set("cookie", cookie)
            .call(),
    )
}

fn claims(x: &Setup, groups: &str) -> Value {
    json!({
        "iss": ISSUER, "aud": CLIENT, "email": "Erin@Corp.example", "org": x.s.tenant.as_str(),
        "groups": groups, "exp": common::START + 600
    })
}

#[test]
fn a_provider_user_signs_in_with_the_roles_of_its_token() {
    let x = setup();
    let r = response(x.agent.get(&format!("{}/ui/config", x.s.base)).call());
    assert_eq!(r.into_json::<Value>().unwrap()["oidc"]["name"], "Test IdP");
    let (params, pending) = start(&x);
    assert_eq!(params["response_type"], "code");
    assert_eq!(params["client_id"], CLIENT);
    assert_eq!(params["code_challenge_method"], "S256");
    assert_eq!(params["scope"], "openid email");
    authorize(&x, &params, "code-1", claims(&x, "auditor"));
    let r = callback(&x, "code-1", &params["state"], &pending);
    assert_eq!(r.status(), 303, "{:?}", r.into_string());
    assert_eq!(r.header("location"), Some("/ui/"));
    let session = set_cookies(&r)
        .into_iter()
        .find(|c| c.starts_with("tv_session="))
        .unwrap();
    assert!(session.contains("SameSite=Strict") && session.contains("HttpOnly"));
    let cookie = session.split(';').next().unwrap().to_owned();

    // The session is the provider's user, with the token's roles.
    let me: Value = response(
        x.agent
            .get(&format!("{}/ui/session", x.s.base))
            .set("cookie", &cookie)
            .call(),
    )
    .into_json()
    .unwrap();
    assert_eq!(me["login"], "oidc:erin@corp.example");
    assert_eq!(me["roles"], json!(["auditor"]));
    let csrf = me["csrf_token"].as_str().unwrap();
    let perms: Value = response(
        x.agent
            .get(&format!("{}/api/v1/tokens/permissions", x.s.base))
            .set("cookie", &cookie)
            .set("x-csrf-token", csrf)
            .call(),
    )
    .into_json()
    .unwrap();
    assert_eq!(perms["actor"], "user:oidc:erin@corp.example");

    // The code is single-use at the provider; the state's cookie cannot finish another.
    let again = callback(&x, "code-1", &params["state"], &pending);
    assert_eq!(again.status(), 401);

    // At the next sign-in the roles follow the token.
    let (params, pending) = start(&x);
    authorize(&x, &params, "code-2", claims(&x, "admin"));
    assert_eq!(
        callback(&x, "code-2", &params["state"], &pending).status(),
        303
    );
    let users = x.s.admin().raw("GET", "/users", None, &[]).unwrap().json();
    let erin = users["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["login"] == "oidc:erin@corp.example")
        .unwrap()
        .clone();
    assert_eq!(erin["roles"], json!(["admin"]));

    // No password opens a provider user's account.
    let r =
        x.s.api()
            .raw(
                "POST",
                "/ui/session",
                Some(
                    &json!({"login": "oidc:erin@corp.example", "password": "anything at all"})
                        .to_string(),
                ),
                &[],
            )
            .unwrap();
    assert_eq!(r.status, 401);
}

#[test]
fn the_callback_refuses_what_it_did_not_start() {
    let x = setup();
    // Another state than the cookie's.
    let (params, pending) = start(&x);
    authorize(&x, &params, "c1", claims(&x, "auditor"));
    assert_eq!(callback(&x, "c1", "forged-state", &pending).status(), 401);
    // No pending cookie at all (a link from elsewhere).
    let r = response(
        x.agent
            .get(&format!("{}/ui/oidc/callback", x.s.base))
            .query("code", "c1")
            .query("state", &params["state"])
            .call(),
    );
    assert_eq!(r.status(), 401);
    // A token with another nonce (replayed from another sign-in).
    let (params, pending) = start(&x);
    let mut c = claims(&x, "auditor");
    c["nonce"] = json!("someone else's nonce");
    authorize(&x, &params, "c2", c);
    let r = callback(&x, "c2", &params["state"], &pending);
    assert_eq!(r.status(), 401);
    assert!(r.into_string().unwrap().contains("nonce"));
    // A token for another client (audience) or expired.
    for (field, value) in [
        ("aud", json!("another-client")),
        ("exp", json!(common::START - 1)),
    ] {
        let (params, pending) = start(&x);
        let mut c = claims(&x, "auditor");
        c[field] = value;
        authorize(&x, &params, "c3", c);
        assert_eq!(
            callback(&x, "c3", &params["state"], &pending).status(),
            401,
            "{field}"
        );
    }
    // The pending cookie expires after ten minutes.
    let (params, pending) = start(&x);
    authorize(&x, &params, "c4", claims(&x, "auditor"));
    x.s.clock.advance(601);
    assert_eq!(callback(&x, "c4", &params["state"], &pending).status(), 401);
    // Every refusal left no user behind.
    let users = x.s.admin().raw("GET", "/users", None, &[]).unwrap().json();
    assert!(!users.to_string().contains("oidc:"), "{users}");
}
