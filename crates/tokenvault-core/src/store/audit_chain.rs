//! The audit log's hash chain, written once for every backend: how a record is encoded and
//! linked, how appends continue the chain, and how the chain is verified (streaming, a page at
//! a time, whatever its length).
//!
//! Record n stores `hash_n = SHA-256(hash_{n-1} || seq_n (8 bytes, big-endian) || JSON of
//! event n)`, with `hash_0` all zeros. Changing, inserting, reordering or deleting a record
//! breaks every later link.

use tokenvault_crypto::digest;

use super::{AuditEvent, AuditStore, StoreError};

/// Records read per page while verifying.
pub const VERIFY_PAGE: usize = 1000;

/// The hash of record `seq` whose event encodes as `event_json`, after `prev`.
pub fn link(prev: &[u8; 32], seq: u64, event_json: &str) -> [u8; 32] {
    digest::sha256(&[prev, &seq.to_be_bytes(), event_json.as_bytes()])
}

/// The stored encoding of an event (the hashed bytes).
pub fn encode(event: &AuditEvent) -> Result<String, StoreError> {
    serde_json::to_string(event).map_err(|_| StoreError::Corrupt {
        what: "audit event encoding",
    })
}

/// One record as stored: what the chain hashes, byte for byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditLink {
    /// Sequence number, from 1.
    pub seq: u64,
    /// The event's stored JSON.
    pub event_json: String,
    /// The previous record's hash, as stored.
    pub prev_hash: Vec<u8>,
    /// This record's hash, as stored.
    pub hash: Vec<u8>,
}

/// A record to append: the next link of the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLink {
    /// Its sequence number.
    pub seq: u64,
    /// The event's JSON.
    pub event_json: String,
    /// The previous hash.
    pub prev_hash: [u8; 32],
    /// Its hash.
    pub hash: [u8; 32],
}

/// The end of the chain, from which appends continue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainHead {
    seq: u64,
    hash: [u8; 32],
}

impl ChainHead {
    /// An empty chain.
    pub const EMPTY: ChainHead = ChainHead {
        seq: 0,
        hash: [0; 32],
    };

    /// The head after the stored record `(seq, hash)`; `Corrupt` when the stored values
    /// cannot be a link (never a silent restart of the chain).
    pub fn after(seq: i64, hash: &[u8]) -> Result<Self, StoreError> {
        let corrupt = StoreError::Corrupt {
            what: "audit chain",
        };
        Ok(ChainHead {
            seq: u64::try_from(seq).map_err(|_| corrupt.clone())?,
            hash: hash.try_into().map_err(|_| corrupt)?,
        })
    }

    /// Links `event` after this head and moves the head to it.
    pub fn append(&mut self, event: &AuditEvent) -> Result<NewLink, StoreError> {
        let seq = self.seq + 1;
        let event_json = encode(event)?;
        let hash = link(&self.hash, seq, &event_json);
        let new = NewLink {
            seq,
            event_json,
            prev_hash: self.hash,
            hash,
        };
        *self = ChainHead { seq, hash };
        Ok(new)
    }
}

/// Walks the whole chain a page at a time; `Ok(n)` with the number of records, or `Err(seq)`
/// with the first sequence number whose link is broken (missing, reordered, altered).
pub async fn verify(store: &(impl AuditStore + ?Sized)) -> Result<Result<u64, u64>, StoreError> {
    Ok(verify_from(store, 0, [0u8; 32]).await?.map(|(n, _)| n))
}

/// Walks the chain after record `after`, whose hash is `prev` (0 and zeros: from the start);
/// `Ok((last seq, its hash))`, or `Err(seq)` with the first broken sequence number.
pub async fn verify_from(
    store: &(impl AuditStore + ?Sized),
    after: u64,
    prev: [u8; 32],
) -> Result<Result<(u64, [u8; 32]), u64>, StoreError> {
    let mut prev = prev;
    let mut expected = after + 1;
    loop {
        let page = store.audit_links(expected - 1, VERIFY_PAGE).await?;
        if page.is_empty() {
            return Ok(Ok((expected - 1, prev)));
        }
        for l in &page {
            if l.seq != expected
                || l.prev_hash.as_slice() != prev
                || l.hash.as_slice() != link(&prev, l.seq, &l.event_json)
            {
                return Ok(Err(expected));
            }
            prev = link(&prev, l.seq, &l.event_json);
            expected += 1;
        }
    }
}
