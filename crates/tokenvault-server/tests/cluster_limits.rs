//! Rate limits shared by nodes through the Redis on 127.0.0.1:6379, and the per-node fallback
//! when Redis is gone.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

mod common;

use common::{item, request, TestServer};
use tokenvault_client::Client;
use tokenvault_core::service::VaultConfig;
use tokenvault_proto::GrantRequest;
use tokenvault_server::{Limit, RateLimits, ServerSettings};

fn settings(redis_url: &str, prefix: &str) -> ServerSettings {
    ServerSettings {
        rate_limits: RateLimits {
            grant: Limit {
                per_user: 3,
                per_tenant: 100,
            },
            ..RateLimits::default()
        },
        redis_url: Some(redis_url.into()),
        redis_prefix: prefix.into(),
        ..ServerSettings::default()
    }
}

fn redis_url() -> String {
    std::env::var("TOKENVAULT_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

fn grant_status(base: &str, jwt: &str, ids: &[String]) -> u16 {
    let c = Client::new(base).with_jwt(jwt);
    match c.grant(&GrantRequest {
        token_ids: ids.to_vec(),
        purpose: "customer_support".into(),
        reason: Some("r".into()),
        trace_id: None,
    }) {
        Ok(_) => 200,
        Err(e) => e.status().unwrap(),
    }
}

#[test]
fn limits_hold_across_nodes_sharing_redis() {
    let prefix = format!(
        "tvtest{}",
        tokenvault_core::ids::TokenId::generate().as_str()
    );
    let s = TestServer::start_with(settings(&redis_url(), &prefix), VaultConfig::default());
    let b = s.second_node(settings(&redis_url(), &prefix));
    s.hipaa_policy();
    let ids: Vec<String> = s
        .api()
        .tokenize(&request(vec![item("123-45-6789", "us_ssn")]), false)
        .unwrap()
        .results
        .into_iter()
        .map(|r| r.token_id.unwrap())
        .collect();
    let jwt = s.jwt("alice", &["admin"]);
    // Three grants a minute for alice, counted across both nodes: A, B, A pass; B is refused.
    assert_eq!(grant_status(&s.base, &jwt, &ids), 200);
    assert_eq!(grant_status(&b, &jwt, &ids), 200);
    assert_eq!(grant_status(&s.base, &jwt, &ids), 200);
    assert_eq!(grant_status(&b, &jwt, &ids), 429);
    assert_eq!(grant_status(&s.base, &jwt, &ids), 429);
    // Another user has their own allowance.
    assert_eq!(grant_status(&b, &s.jwt("bob", &["admin"]), &ids), 200);
    let m = Client::new(&b).raw("GET", "/metrics", None, &[]).unwrap();
    assert!(
        m.body.contains("tokenvault_redis_limiter_up 1"),
        "{}",
        m.body
    );
}

#[test]
fn without_redis_each_node_keeps_its_own_limits() {
    // Nothing listens on port 1: the node serves under its per-node limits and says so.
    let s = TestServer::start_with(
        settings("redis://127.0.0.1:1", "tvdown"),
        VaultConfig::default(),
    );
    s.hipaa_policy();
    let ids: Vec<String> = s
        .api()
        .tokenize(&request(vec![item("123-45-6789", "us_ssn")]), false)
        .unwrap()
        .results
        .into_iter()
        .map(|r| r.token_id.unwrap())
        .collect();
    let jwt = s.jwt("alice", &["admin"]);
    for _ in 0..3 {
        assert_eq!(grant_status(&s.base, &jwt, &ids), 200);
    }
    assert_eq!(grant_status(&s.base, &jwt, &ids), 429);
    let m = Client::new(&s.base)
        .raw("GET", "/metrics", None, &[])
        .unwrap();
    assert!(
        m.body.contains("tokenvault_redis_limiter_up 0"),
        "{}",
        m.body
    );
}

/// An unreachable Redis is not asked by every request: after a failure the node uses its own
/// limits and probes Redis once per backoff (1 s, doubling), so an outage adds no latency to
/// requests. Asserted on the attempts counted, not on time.
#[test]
fn an_unreachable_redis_is_probed_with_backoff_not_per_request() {
    let s = TestServer::start_with(
        settings("redis://127.0.0.1:1", "tv-backoff"),
        VaultConfig::default(),
    );
    let api = s.api();
    for _ in 0..40 {
        let r = api.raw("POST", "/tokenize", Some("{}"), &[]).unwrap();
        assert_eq!(r.status, 400, "answered, by the node's own limiter");
    }
    let metrics = Client::new(&s.base)
        .raw("GET", "/metrics", None, &[])
        .unwrap()
        .body;
    let attempts: u64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("tokenvault_redis_limiter_attempts_total "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (1..=3).contains(&attempts),
        "{attempts} of 40 requests waited for Redis"
    );
    assert!(metrics.contains("tokenvault_redis_limiter_up 0"));
}
