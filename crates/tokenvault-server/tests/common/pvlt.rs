//! Calls to the object vault (`/api/pvlt/1.0`) as a Piiano Vault client makes them.

use serde_json::Value;
use tokenvault_client::Client;

use super::TestServer;

pub const BASE: &str = "/api/pvlt/1.0";

/// The access reason most calls give.
pub const R: &str = "reason=AppFunctionality";

pub fn call(
    c: &Client,
    method: &str,
    path: &str,
    body: Option<&str>,
    ctype: &str,
) -> (u16, String) {
    let headers: Vec<(&str, &str)> = if ctype.is_empty() {
        vec![]
    } else {
        vec![("Content-Type", ctype)]
    };
    let r = c
        .raw(method, &format!("{BASE}{path}"), body, &headers)
        .unwrap();
    (r.status, r.body)
}

pub fn json_call(c: &Client, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let text = body.map(|b| b.to_string());
    let (status, body) = call(c, method, path, text.as_deref(), "");
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

/// The bootstrap key: every capability, as Piiano's admin key.
pub fn vault_key(s: &TestServer) -> Client {
    Client::new(&s.base).with_bearer(&s.api_key)
}

/// A `customers` collection: a unique SSN, an indexed email, a card and a name.
pub fn customers(c: &Client) {
    let (status, _) = call(
        c,
        "POST",
        "/ctl/collections",
        Some("customers PERSONS ( ssn SSN UNIQUE, email EMAIL NULL INDEX, card CC_NUMBER NULL, name NAME NULL );"),
        "application/pvschema",
    );
    assert_eq!(status, 200);
}

/// An API key of the tenant for user `name` (its role comes from the IAM configuration).
pub fn user_key(s: &TestServer, name: &str) -> Client {
    let issued = s
        .block_on(s.vault.issue_api_key(
            &tokenvault_core::service::Caller {
                tenant: s.tenant.clone(),
                actor: "alice".into(),
                roles: vec!["admin".into()],
                api_key: false,
            },
            name,
            "tr",
        ))
        .unwrap();
    Client::new(&s.base).with_bearer(&issued.key)
}
