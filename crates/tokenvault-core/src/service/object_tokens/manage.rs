//! Changing the object vault's tokens: new tags or expiry, soft and hard deletion, and
//! rotation to new ids (the old ids stop working). Each change is one all-or-none save,
//! retried when another node changed a token meanwhile.

use super::{
    lost_race, lower, spec::check_tags, token_conflict, AccessReason, ServiceError, TokenSelector,
    TokenUpdate, Vault, VaultUser, RACE, WRITE_ATTEMPTS,
};
use crate::objects::{
    open, pan_token_id, seal, Collection, IdTemplate, ObjectTokenRecord, TokenChange,
};

/// The most seconds a token may be given to live (ten years).
pub const MAX_TOKEN_TTL_SECONDS: i64 = 10 * 365 * 86_400;

fn no_match() -> ServiceError {
    ServiceError::NotFound("token match")
}

impl Vault {
    /// Sets the tags and/or expiry of the live tokens `sel` finds; how many changed.
    pub async fn update_tokens(
        &self,
        user: &VaultUser,
        collection: &str,
        sel: &TokenSelector,
        update: &TokenUpdate,
        why: &AccessReason,
        trace_id: &str,
    ) -> Result<usize, ServiceError> {
        if update.tags.is_none() && update.ttl_seconds.is_none() {
            return Err(ServiceError::InvalidInput(
                "send tags, a ttl, or both".into(),
            ));
        }
        if let Some(tags) = &update.tags {
            check_tags(tags).map_err(ServiceError::InvalidInput)?;
        }
        let c = self.collection_of(user, collection).await?;
        self.require_tokens_policy(user, &c, "write", why, trace_id)
            .await?;
        let live = TokenSelector {
            archived: false,
            ..sel.clone()
        };
        self.change_tokens(
            user,
            &c,
            &live,
            "object_token_update",
            why,
            trace_id,
            |r, now| {
                let mut next = r.clone();
                if let Some(tags) = &update.tags {
                    next.tags = tags.clone();
                }
                if let Some(ttl) = update.ttl_seconds {
                    next.expires_at = Some(now.saturating_add(ttl));
                }
                Ok(Some(next))
            },
        )
        .await
    }

    /// Deletes the tokens `sel` finds: soft (archived; shown with `archived`) or for good.
    pub async fn delete_tokens(
        &self,
        user: &VaultUser,
        collection: &str,
        sel: &TokenSelector,
        hard: bool,
        why: &AccessReason,
        trace_id: &str,
    ) -> Result<usize, ServiceError> {
        let c = self.collection_of(user, collection).await?;
        self.require_tokens_policy(user, &c, "delete", why, trace_id)
            .await?;
        let which = TokenSelector {
            archived: hard,
            ..sel.clone()
        };
        self.change_tokens(
            user,
            &c,
            &which,
            "object_token_delete",
            why,
            trace_id,
            |r, now| {
                Ok((!hard).then(|| {
                    let mut next = r.clone();
                    next.deleted_at = Some(now);
                    next
                }))
            },
        )
        .await
    }

    /// New ids for live tokens (each keeps its values, tags and expiry); the old ids stop
    /// working. Old id → new id, in the order asked.
    pub async fn rotate_tokens(
        &self,
        user: &VaultUser,
        collection: &str,
        token_ids: &[String],
        why: &AccessReason,
        trace_id: &str,
    ) -> Result<Vec<(String, String)>, ServiceError> {
        let c = self.collection_of(user, collection).await?;
        self.require_tokens_policy(user, &c, "write", why, trace_id)
            .await?;
        let sel = TokenSelector {
            token_ids: token_ids.to_vec(),
            ..TokenSelector::default()
        };
        for attempt in 1..=WRITE_ATTEMPTS {
            let selected = self.select_tokens(user, &c, &sel, true).await?;
            let now = self.clock.now();
            let mut pairs = Vec::with_capacity(selected.tokens.len());
            let mut changes = Vec::with_capacity(selected.tokens.len());
            for r in &selected.tokens {
                let next = self.rotated(user, &c, r, now).await?;
                pairs.push((r.id.clone(), next.id.clone()));
                changes.push(TokenChange::Replace {
                    id: r.id.clone(),
                    version: r.version,
                    record: next,
                });
            }
            let audit = self.data_audit(
                user,
                "object_token_rotate",
                &c.name,
                why,
                serde_json::json!({ "tokens": pairs.len() }),
                trace_id,
            );
            match self
                .store
                .save_object_tokens(&user.caller.tenant, &lower(&c), &changes, &audit)
                .await
                .map_err(token_conflict)
            {
                Ok(()) => return Ok(pairs),
                Err(e) if lost_race(&e) && attempt < WRITE_ATTEMPTS => continue,
                Err(e) => return Err(e),
            }
        }
        Err(ServiceError::Conflict(RACE.into()))
    }

    /// A token under a fresh id of its template (a PAN keeps its first six and last four
    /// digits), its values sealed again for the new id under the newest key version.
    async fn rotated(
        &self,
        user: &VaultUser,
        c: &Collection,
        r: &ObjectTokenRecord,
        now: i64,
    ) -> Result<ObjectTokenRecord, ServiceError> {
        let id = match r.template {
            IdTemplate::Uuid => tokenvault_crypto::random::uuid_v4(),
            IdTemplate::PrimaryAccountNumber => {
                pan_token_id(&r.id, tokenvault_crypto::random::fill).map_err(|_| {
                    tracing::error!("a PAN-template token id is not a card number");
                    ServiceError::Internal
                })?
            }
        };
        let values = match &r.values {
            None => None,
            Some(sealed) => {
                let ring = self.keys.keyring(&user.caller.tenant).await?;
                let plain = open(&ring, &c.name, &ObjectTokenRecord::seal_id(&r.id), sealed)
                    .map_err(|_| {
                        tracing::error!(token = %r.id, "a token's values do not open");
                        ServiceError::Internal
                    })?;
                Some(seal(
                    &ring,
                    &c.name,
                    &ObjectTokenRecord::seal_id(&id),
                    &plain,
                ))
            }
        };
        Ok(ObjectTokenRecord {
            id,
            values,
            modified_at: now,
            version: r.version + 1,
            ..r.clone()
        })
    }

    /// Applies `change` to each token `sel` finds (a new record, or none to remove it) in one
    /// save; how many. 404 when it finds none.
    #[allow(clippy::too_many_arguments)]
    async fn change_tokens<F>(
        &self,
        user: &VaultUser,
        c: &Collection,
        sel: &TokenSelector,
        action: &str,
        why: &AccessReason,
        trace_id: &str,
        change: F,
    ) -> Result<usize, ServiceError>
    where
        F: Fn(&ObjectTokenRecord, i64) -> Result<Option<ObjectTokenRecord>, ServiceError>,
    {
        for attempt in 1..=WRITE_ATTEMPTS {
            let selected = self.select_tokens(user, c, sel, false).await?;
            if selected.tokens.is_empty() {
                return Err(no_match());
            }
            let now = self.clock.now();
            let mut changes = Vec::with_capacity(selected.tokens.len());
            for r in &selected.tokens {
                changes.push(match change(r, now)? {
                    Some(mut next) => {
                        next.modified_at = now;
                        next.version = r.version + 1;
                        TokenChange::Replace {
                            id: r.id.clone(),
                            version: r.version,
                            record: next,
                        }
                    }
                    None => TokenChange::Remove { id: r.id.clone() },
                });
            }
            let audit = self.data_audit(
                user,
                action,
                &c.name,
                why,
                serde_json::json!({ "tokens": changes.len() }),
                trace_id,
            );
            match self
                .store
                .save_object_tokens(&user.caller.tenant, &lower(c), &changes, &audit)
                .await
                .map_err(token_conflict)
            {
                Ok(()) => return Ok(changes.len()),
                Err(e) if lost_race(&e) && attempt < WRITE_ATTEMPTS => continue,
                Err(e) => return Err(e),
            }
        }
        Err(ServiceError::Conflict(RACE.into()))
    }
}
