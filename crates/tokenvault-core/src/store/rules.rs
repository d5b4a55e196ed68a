//! Rules every backend applies inside its transactions, written once: the quota check and
//! "the first record of a value wins".

use std::collections::HashMap;

use super::{StoreError, TokenRecord};
use crate::ids::TokenId;

/// Whether adding `adding` operations to `used_before` stays within `quota`. A request that
/// adds nothing is never refused (a batch the policy skipped whole).
pub fn check_quota(used_before: u64, adding: u64, quota: Option<u64>) -> Result<(), StoreError> {
    match quota {
        Some(quota) if adding > 0 && used_before.saturating_add(adding) > quota => {
            Err(StoreError::QuotaExceeded { quota })
        }
        _ => Ok(()),
    }
}

/// Whether a batch made under tenant key version `batch` may commit: only under the tenant's
/// newest version. A node that has not yet seen a rotation computes record ids under the old
/// version; were it to commit, a value first tokenized on it and on a node that has seen the
/// rotation would get two records. Refused, it re-reads the keys and plans again (the ids
/// under every version are then known to it). Checked inside the commit's transaction, which
/// rotation cannot interleave with (SQLite: one writer; PostgreSQL: a per-tenant advisory
/// lock rotation takes exclusively and commits share).
pub fn check_key_version(batch: u32, newest: Option<u32>) -> Result<(), StoreError> {
    match newest {
        Some(n) if n > batch => Err(StoreError::Conflict {
            what: super::Entity::KeyVersion,
        }),
        _ => Ok(()),
    }
}

/// A batch's new records with repeated ids folded: the store inserts each id once, and every
/// position of the batch resolves to the record that stands (the first of the batch, or one
/// the vault already held, made earlier or concurrently on any node).
#[derive(Debug, Clone)]
pub struct BatchRecords {
    firsts: Vec<TokenRecord>,
    slots: Vec<usize>,
}

impl BatchRecords {
    /// Folds `records` by id; the first of each id is the one to insert.
    pub fn new(records: Vec<TokenRecord>) -> Self {
        let mut index: HashMap<TokenId, usize> = HashMap::with_capacity(records.len());
        let mut firsts = Vec::with_capacity(records.len());
        let mut slots = Vec::with_capacity(records.len());
        for r in records {
            let next = firsts.len();
            let slot = *index.entry(r.token_id.clone()).or_insert(next);
            if slot == next {
                firsts.push(r);
            }
            slots.push(slot);
        }
        Self { firsts, slots }
    }

    /// The records to insert, one per id.
    pub fn firsts(&self) -> &[TokenRecord] {
        &self.firsts
    }

    /// Each position's record, given for each of [`firsts`](Self::firsts) the record the
    /// vault already held (`Some`), or `None` where it was inserted.
    pub fn resolve(self, held: Vec<Option<TokenRecord>>) -> Vec<TokenRecord> {
        let standing: Vec<TokenRecord> = self
            .firsts
            .into_iter()
            .zip(held.into_iter().chain(std::iter::repeat(None)))
            .map(|(new, held)| held.unwrap_or(new))
            .collect();
        if standing.len() == self.slots.len() {
            // No id repeated in the batch (the usual case): positions are the records.
            return standing;
        }
        self.slots
            .into_iter()
            .filter_map(|i| standing.get(i).cloned())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quota_counts_what_is_added() {
        assert!(check_quota(9, 1, Some(10)).is_ok());
        assert_eq!(
            check_quota(9, 2, Some(10)),
            Err(StoreError::QuotaExceeded { quota: 10 })
        );
        assert!(check_quota(12, 0, Some(10)).is_ok());
        assert!(check_quota(u64::MAX, 5, None).is_ok());
    }
}
