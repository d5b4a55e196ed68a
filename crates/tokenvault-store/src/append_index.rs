//! Finding appended rows by a random key without a random-keyed index write per row.
//!
//! Token ids and blind-index digests are keyed digests, so a B-tree keyed by them takes each
//! insert on a random page, and in WAL mode every touched page is written whole: a
//! thousand-row commit wrote megabytes. Instead, rows are appended to their table (`seq`,
//! with a 64-bit `id_key` column), and the key → seq lookup lives in two parts:
//!
//! - a *map* table keyed by `(id_key, seq)`, filled in bulk: once the unmerged rows pass
//!   [`MERGE_EVERY`], one transaction copies them in key order, touching each page once;
//! - the *tail*: the keys of rows appended since the last merge, in memory, rebuilt from the
//!   table (`seq > merged_upto`) when the store opens, so a crash loses nothing.
//!
//! Two indexes work this way ([`TOKENS`] and [`OBJECT_DIGESTS`]). Only one process may append
//! to a database (a lock file enforces it), so the tail is complete. Callers check every
//! candidate row against the full value they looked for, so key collisions only cost a read.

use std::{
    collections::{hash_map::Entry, HashMap},
    hash::{BuildHasherDefault, Hasher},
};

use parking_lot::RwLock;
use rusqlite::{params, Connection};
use tokenvault_core::store::StoreError;

use crate::pool::unavailable;

/// The tables of one append index: rows are appended to `source` (columns `seq` and
/// `id_key`), merged into `map` (`(id_key, seq)`, without rowid), and `state` holds the last
/// merged `seq` (one row, id 1).
#[derive(Debug)]
pub(crate) struct IndexTables {
    pub source: &'static str,
    pub map: &'static str,
    pub state: &'static str,
}

/// Token records by id.
pub(crate) const TOKENS: IndexTables = IndexTables {
    source: "tokens",
    map: "token_ids",
    state: "token_ids_state",
};

/// The object vault's blind-index entries by digest.
pub(crate) const OBJECT_DIGESTS: IndexTables = IndexTables {
    source: "object_digests",
    map: "object_digest_keys",
    state: "object_digest_keys_state",
};

/// Unmerged rows that trigger a merge, unless the store is opened with another threshold.
pub const MERGE_EVERY: usize = 200_000;

/// Hashes an `id_key` as itself: the keys are already uniformly distributed.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn write_i64(&mut self, v: i64) {
        self.0 = u64::from_ne_bytes(v.to_ne_bytes());
    }
}

type KeyMap<V> = HashMap<i64, V, BuildHasherDefault<KeyHasher>>;

/// The largest tail the merge schedule lets grow (about 64 MiB of memory).
pub const MAX_TAIL: usize = 2_000_000;

/// Ids appended but not yet merged: `id_key → seq`, with the rare second row of a key (a
/// 64-bit collision between two ids) kept aside.
#[derive(Debug, Default)]
pub(crate) struct Pending {
    first: KeyMap<i64>,
    more: KeyMap<Vec<i64>>,
    len: usize,
}

impl Pending {
    pub(crate) fn add(&mut self, key: i64, seq: i64) {
        match self.first.entry(key) {
            Entry::Vacant(v) => {
                v.insert(seq);
            }
            Entry::Occupied(_) => self.more.entry(key).or_default().push(seq),
        }
        self.len += 1;
    }

    fn seqs(&self, key: i64) -> impl Iterator<Item = i64> + '_ {
        self.first
            .get(&key)
            .copied()
            .into_iter()
            .chain(self.more.get(&key).into_iter().flatten().copied())
    }

    pub(crate) fn extend(&mut self, other: Pending) {
        for (key, seq) in other.first {
            self.add(key, seq);
        }
        for (key, seqs) in other.more {
            for seq in seqs {
                self.add(key, seq);
            }
        }
    }

    fn entries(&self) -> impl Iterator<Item = (i64, i64)> + '_ {
        self.first.iter().map(|(k, s)| (*k, *s)).chain(
            self.more
                .iter()
                .flat_map(|(k, v)| v.iter().map(move |s| (*k, *s))),
        )
    }

    /// Keeps the rows after `upto`.
    fn retain_after(&mut self, upto: i64) {
        let kept: Vec<(i64, i64)> = self.entries().filter(|(_, s)| *s > upto).collect();
        *self = Pending::default();
        for (k, s) in kept {
            self.add(k, s);
        }
    }

    pub(crate) fn clear(&mut self) {
        *self = Pending::default();
    }
}

/// The 64-bit lookup key of a blind-index digest (its first eight bytes: the digest is a
/// keyed MAC, uniformly distributed).
pub(crate) fn digest_key(digest: &[u8]) -> i64 {
    let mut first = [0u8; 8];
    for (d, s) in first.iter_mut().zip(digest) {
        *d = *s;
    }
    i64::from_le_bytes(first)
}

/// The 64-bit lookup key of a record id (FNV-1a; ids are already uniformly distributed).
pub(crate) fn id_key(token_id: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in token_id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    i64::from_ne_bytes(h.to_ne_bytes())
}

/// A Bloom filter over the merged ids' keys, so that looking up an id that was never stored
/// (every new token, every new unique value) does not read the map. Ten bits per key, four probes: about 1 %
/// false positives, which only cost the read the filter would have saved.
#[derive(Debug)]
struct Bloom {
    words: Vec<u64>,
    keys: usize,
}

impl Bloom {
    const PROBES: u64 = 4;
    const BITS_PER_KEY: usize = 10;

    fn with_capacity(keys: usize) -> Self {
        let bits = (keys.max(1 << 16) * Self::BITS_PER_KEY).next_power_of_two();
        Self {
            words: vec![0; bits / 64],
            keys: 0,
        }
    }

    fn probes(&self, key: i64) -> impl Iterator<Item = usize> {
        let mask = (self.words.len() * 64 - 1) as u64;
        let h1 = u64::from_ne_bytes(key.to_ne_bytes());
        let h2 = h1.rotate_left(32) | 1;
        (0..Self::PROBES).map(move |i| (h1.wrapping_add(i.wrapping_mul(h2)) & mask) as usize)
    }

    fn insert(&mut self, key: i64) {
        for bit in self.probes(key).collect::<Vec<_>>() {
            self.words[bit / 64] |= 1 << (bit % 64);
        }
        self.keys += 1;
    }

    fn may_contain(&self, key: i64) -> bool {
        self.probes(key)
            .all(|bit| self.words[bit / 64] & (1 << (bit % 64)) != 0)
    }

    fn is_full(&self) -> bool {
        self.keys * Self::BITS_PER_KEY > self.words.len() * 64
    }

    fn from_table(conn: &Connection, map: &str) -> rusqlite::Result<Self> {
        let count: i64 =
            conn.query_row(&format!("SELECT COUNT(*) FROM {map}"), [], |r| r.get(0))?;
        let mut bloom = Self::with_capacity(usize::try_from(count).unwrap_or(0) * 2);
        let mut stmt = conn.prepare(&format!("SELECT id_key FROM {map}"))?;
        let keys = stmt.query_map([], |r| r.get::<_, i64>(0))?;
        for k in keys {
            bloom.insert(k?);
        }
        Ok(bloom)
    }
}

#[derive(Debug, Default)]
struct Tail {
    merged_upto: i64,
    pending: Pending,
}

/// The in-memory tail and the merge.
#[derive(Debug)]
pub(crate) struct AppendIndex {
    tables: &'static IndexTables,
    tail: RwLock<Tail>,
    merged: RwLock<Bloom>,
    merge_every: usize,
}

impl AppendIndex {
    /// Rebuilds the tail from the rows appended since the last merge.
    pub(crate) fn load(
        conn: &Connection,
        tables: &'static IndexTables,
        merge_every: usize,
    ) -> rusqlite::Result<Self> {
        let IndexTables { source, map, state } = tables;
        let merged_upto: i64 = conn.query_row(
            &format!("SELECT merged_upto FROM {state} WHERE id = 1"),
            [],
            |r| r.get(0),
        )?;
        let mut tail = Tail {
            merged_upto,
            ..Tail::default()
        };
        let mut stmt = conn.prepare(&format!("SELECT id_key, seq FROM {source} WHERE seq > ?1"))?;
        let rows = stmt.query_map([merged_upto], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
        })?;
        for row in rows {
            let (key, seq) = row?;
            tail.pending.add(key, seq);
        }
        Ok(Self {
            tables,
            tail: RwLock::new(tail),
            merged: RwLock::new(Bloom::from_table(conn, map)?),
            merge_every: merge_every.max(1),
        })
    }

    /// The `seq` of every row that may have `key`: in the tail, in `extra` (rows of the
    /// current transaction) and in the map. The caller checks each row's full value.
    pub(crate) fn candidates(
        &self,
        conn: &Connection,
        key: i64,
        extra: &[&Pending],
    ) -> Result<Vec<i64>, StoreError> {
        let mut seqs: Vec<i64> = self.tail.read().pending.seqs(key).collect();
        for e in extra {
            seqs.extend(e.seqs(key));
        }
        if self.merged.read().may_contain(key) {
            let mut stmt = conn
                .prepare_cached(&format!(
                    "SELECT seq FROM {} WHERE id_key = ?1",
                    self.tables.map
                ))
                .map_err(unavailable)?;
            let merged = stmt
                .query_map([key], |r| r.get::<_, i64>(0))
                .map_err(unavailable)?;
            for s in merged {
                seqs.push(s.map_err(unavailable)?);
            }
        }
        Ok(seqs)
    }

    /// Makes committed rows findable.
    pub(crate) fn publish(&self, added: Pending) {
        self.tail.write().pending.extend(added);
    }

    /// Whether enough rows await a merge: at least `merge_every`, and at least a quarter of
    /// the merged index (up to [`MAX_TAIL`]), so that merges, which rewrite the index pages they
    /// touch, grow rarer as the index grows and cost a bounded amount per row.
    pub(crate) fn should_merge(&self) -> bool {
        let merged = self.merged.read().keys;
        let threshold = self.merge_every.max((merged / 4).min(MAX_TAIL));
        self.tail.read().pending.len >= threshold
    }

    /// Copies the tail into the map in one transaction, then drops it from memory. Runs on
    /// the writer connection, outside any other transaction.
    pub(crate) fn merge(&self, conn: &Connection) -> rusqlite::Result<()> {
        let IndexTables { source, map, state } = self.tables;
        let from = self.tail.read().merged_upto;
        let upto: i64 = conn.query_row(
            &format!("SELECT COALESCE(MAX(seq), 0) FROM {source}"),
            [],
            |r| r.get(0),
        )?;
        if upto <= from {
            return Ok(());
        }
        conn.execute_batch("BEGIN IMMEDIATE")?;
        let result = conn
            .execute(
                &format!(
                    "INSERT OR IGNORE INTO {map} (id_key, seq)
                     SELECT id_key, seq FROM {source} WHERE seq > ?1 AND seq <= ?2 ORDER BY id_key"
                ),
                params![from, upto],
            )
            .and_then(|_| {
                conn.execute(
                    &format!("UPDATE {state} SET merged_upto = ?1 WHERE id = 1"),
                    [upto],
                )
            });
        if let Err(e) = result {
            let _ = conn.execute_batch("ROLLBACK");
            return Err(e);
        }
        conn.execute_batch("COMMIT")?;
        // Into the filter before the tail forgets them, so no reader misses a merged id.
        {
            let tail = self.tail.read();
            let mut bloom = self.merged.write();
            for (key, seq) in tail.pending.entries() {
                if seq <= upto {
                    bloom.insert(key);
                }
            }
            if bloom.is_full() {
                *bloom = Bloom::from_table(conn, map)?;
            }
        }
        let mut tail = self.tail.write();
        tail.merged_upto = upto;
        tail.pending.retain_after(upto);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bloom_has_no_false_negatives_and_few_false_positives() {
        let mut b = Bloom::with_capacity(10_000);
        for k in 0..10_000i64 {
            b.insert(id_key(&format!("tok_{k}")));
        }
        assert!((0..10_000i64).all(|k| b.may_contain(id_key(&format!("tok_{k}")))));
        let false_positives = (10_000..110_000i64)
            .filter(|k| b.may_contain(id_key(&format!("tok_{k}"))))
            .count();
        assert!(false_positives < 2_000, "{false_positives} of 100000");
        assert!(!b.is_full());
    }

    #[test]
    fn id_keys_are_stable_fnv1a() {
        // FNV-1a 64 of "a" is af63dc4c8601ec8c.
        assert_eq!(
            id_key("a"),
            i64::from_ne_bytes(0xaf63_dc4c_8601_ec8c_u64.to_ne_bytes())
        );
        assert_ne!(id_key("tok_a"), id_key("tok_b"));
    }
}
