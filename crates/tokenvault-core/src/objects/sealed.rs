//! An object's values at rest: the property map sealed with AES-256-GCM under a fresh data key,
//! the data key wrapped by the tenant's newest key version under a context binding it to the
//! tenant, collection and object; and the keyed blind indexes of its unique and indexed
//! properties (HMAC under the tenant's fingerprint key, never an unkeyed hash).

use serde_json::{Map, Value};
use tokenvault_crypto::{gcm, siv::context};

use crate::{ids::TenantId, keys::TenantKeyring};

/// Why an object does not open (the keys or the stored bytes; never the caller's fault).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the object's values do not open")]
pub struct SealError;

/// A sealed object: what the store keeps of its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedValues {
    /// The tenant key version that wraps the data key.
    pub key_version: u32,
    /// The data key, wrapped.
    pub wrapped_dek: Vec<u8>,
    /// The property map, encrypted (nonce || ciphertext || tag).
    pub sealed: Vec<u8>,
}

fn ad(tenant: &TenantId, collection: &str, id: &str) -> Vec<u8> {
    context(&[
        b"tokenvault/v1/object",
        tenant.as_str().as_bytes(),
        collection.to_ascii_lowercase().as_bytes(),
        id.as_bytes(),
    ])
}

fn dek_context(tenant: &TenantId, collection: &str, id: &str, version: u32) -> Vec<u8> {
    context(&[
        b"tokenvault/v1/object-dek",
        tenant.as_str().as_bytes(),
        collection.to_ascii_lowercase().as_bytes(),
        id.as_bytes(),
        &version.to_be_bytes(),
    ])
}

/// Seals `values` (a property map) for object `id` of `collection` under the ring's newest
/// key version.
pub fn seal(
    ring: &TenantKeyring,
    collection: &str,
    id: &str,
    values: &Map<String, Value>,
) -> SealedValues {
    let version = ring.current();
    let plain = Value::Object(values.clone()).to_string();
    let mut sealed = Vec::with_capacity(plain.len() + gcm::NONCE_LEN + gcm::TAG_LEN);
    let tenant = ring.tenant();
    let dek = gcm::seal_with_fresh_key(&ad(tenant, collection, id), plain.as_bytes(), &mut sealed);
    let wrapped_dek = version
        .dek_wrap
        .wrap(&dek_context(tenant, collection, id, version.version), &dek);
    SealedValues {
        key_version: version.version,
        wrapped_dek,
        sealed,
    }
}

/// Opens a sealed object's property map.
pub fn open(
    ring: &TenantKeyring,
    collection: &str,
    id: &str,
    s: &SealedValues,
) -> Result<Map<String, Value>, SealError> {
    let version = ring.version(s.key_version).map_err(|_| SealError)?;
    let tenant = ring.tenant();
    let dek = version
        .dek_wrap
        .unwrap::<32>(
            &dek_context(tenant, collection, id, s.key_version),
            &s.wrapped_dek,
        )
        .map_err(|_| SealError)?;
    let plain =
        gcm::open_with_key(&dek, &ad(tenant, collection, id), &s.sealed).map_err(|_| SealError)?;
    match serde_json::from_slice(&plain) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(SealError),
    }
}

/// The blind index of a property's value: equal values of one property of one collection have
/// one digest; nothing else does, and it cannot be computed without the tenant's keys.
pub fn blind_index(
    ring: &TenantKeyring,
    collection: &str,
    property: &str,
    value: &Value,
) -> [u8; 32] {
    ring.fingerprinter().digest(&[
        b"tokenvault/v1/object-index",
        collection.to_ascii_lowercase().as_bytes(),
        property.to_ascii_lowercase().as_bytes(),
        value.to_string().as_bytes(),
    ])
}
