//! The object vault's tokens (seed 004): tokenize objects' properties into VALUE or POINTER
//! tokens (reused, tagged, expiring, with UUID or PAN ids), and the reads and changes in
//! `read` and `manage`. Every call is checked against the role's policies per property and
//! audited with property names, never values.

mod manage;
mod read;
mod spec;

use std::collections::HashMap;

use serde_json::{Map, Value};

pub use manage::MAX_TOKEN_TTL_SECONDS;
pub use read::{Detokenized, TokenView};
pub use spec::{Reveal, TokenSelector, TokenSource, TokenSpec, TokenUpdate};

use super::{objects::is_live, AccessReason, ServiceError, Vault, VaultUser};
use crate::{
    clock::UnixSeconds,
    keys::TenantKeyring,
    objects::{
        append_tags, open, pan_token_id, retokenized_expiry, reuse_digest, seal, Collection,
        IdTemplate, ObjectTokenRecord, ReuseKey, TokenChange, TokenKind, MAX_TOKENS_PER_CALL,
    },
    store::{Entity, ObjectRecord, StoreError},
};

/// Attempts of a token write that lost a race (an id or reuse digest taken meanwhile).
const WRITE_ATTEMPTS: usize = 4;

/// The values one token is made of, read from its object or from the request.
struct Source {
    object_id: Option<String>,
    values: Map<String, Value>,
}

/// A tokenize plan: the store changes and the ids to answer with, in request order.
struct Plan {
    changes: Vec<TokenChange>,
    ids: Vec<String>,
}

fn lost_race(e: &ServiceError) -> bool {
    matches!(e, ServiceError::Conflict(m) if m == RACE)
}

const RACE: &str = "a token changed while it was written";

pub(super) fn token_conflict(e: StoreError) -> ServiceError {
    match e {
        StoreError::Conflict {
            what: Entity::ObjectToken,
        } => ServiceError::Conflict(RACE.into()),
        other => other.into(),
    }
}

fn opened(
    ring: &TenantKeyring,
    c: &Collection,
    o: &ObjectRecord,
) -> Result<Map<String, Value>, ServiceError> {
    open(ring, &c.name, &o.id, &o.values).map_err(|_| {
        tracing::error!(object = %o.id, "an object's values do not open");
        ServiceError::Internal
    })
}

impl Vault {
    /// Tokenizes: one token per spec, all or none; the ids in request order. With `ttl`, new
    /// and re-tokenized tokens expire that many seconds from now.
    pub async fn tokenize_objects(
        &self,
        user: &VaultUser,
        collection: &str,
        specs: &[TokenSpec],
        ttl: Option<i64>,
        why: &AccessReason,
        trace_id: &str,
    ) -> Result<Vec<String>, ServiceError> {
        if specs.is_empty() || specs.len() > MAX_TOKENS_PER_CALL {
            return Err(ServiceError::InvalidInput(format!(
                "tokenize 1 to {MAX_TOKENS_PER_CALL} objects per call"
            )));
        }
        let c = self.collection_of(user, collection).await?;
        let mut touched = std::collections::BTreeSet::new();
        for (i, s) in specs.iter().enumerate() {
            touched.extend(
                s.check(&c)
                    .map_err(|e| ServiceError::InvalidInput(format!("request {i}: {e}")))?,
            );
        }
        let resources = super::objects::resources(&c, touched.iter().cloned());
        self.require_policy(user, "tokenize", &why.reason, &resources, trace_id)
            .await?;
        let sources = self.sources(user, &c, specs).await?;
        let ring = self.keys.keyring(&user.caller.tenant).await?;
        for attempt in 1..=WRITE_ATTEMPTS {
            let plan = self
                .plan_tokens(user, &c, specs, &sources, ttl, &ring)
                .await?;
            let audit = self.data_audit(
                user,
                "object_tokenize",
                &c.name,
                why,
                serde_json::json!({ "tokens": plan.ids.len(), "properties": touched }),
                trace_id,
            );
            match self
                .store
                .save_object_tokens(&user.caller.tenant, &lower(&c), &plan.changes, &audit)
                .await
                .map_err(token_conflict)
            {
                Ok(()) => return Ok(plan.ids),
                Err(e) if lost_race(&e) && attempt < WRITE_ATTEMPTS => continue,
                Err(e) => return Err(e),
            }
        }
        Err(ServiceError::Conflict(RACE.into()))
    }

    /// The values each spec tokenizes: its object's (all must be live; none is made
    /// otherwise) or the ones it sent, checked against the collection.
    async fn sources(
        &self,
        user: &VaultUser,
        c: &Collection,
        specs: &[TokenSpec],
    ) -> Result<Vec<Source>, ServiceError> {
        let ids: Vec<String> = specs
            .iter()
            .filter_map(|s| match &s.source {
                TokenSource::Object(id) => Some(id.to_ascii_lowercase()),
                TokenSource::Fields(_) => None,
            })
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let now = self.clock.now();
        let objects: HashMap<String, ObjectRecord> = if ids.is_empty() {
            HashMap::new()
        } else {
            self.store
                .objects_by_id(&user.caller.tenant, &lower(c), &ids)
                .await?
                .into_iter()
                .filter(|o| is_live(o, now))
                .map(|o| (o.id.clone(), o))
                .collect()
        };
        if objects.len() < ids.len() {
            return Err(ServiceError::NotFound("objects"));
        }
        let ring = self.keys.keyring(&user.caller.tenant).await?;
        let mut opened_by_id: HashMap<&str, Map<String, Value>> = HashMap::new();
        for (id, o) in &objects {
            opened_by_id.insert(id, opened(&ring, c, o)?);
        }
        specs
            .iter()
            .enumerate()
            .map(|(i, s)| match &s.source {
                TokenSource::Object(id) => {
                    let id = id.to_ascii_lowercase();
                    let values = opened_by_id.get(id.as_str()).cloned().unwrap_or_default();
                    Ok(Source {
                        object_id: Some(id),
                        values,
                    })
                }
                TokenSource::Fields(fields) => {
                    let values =
                        crate::objects::check_values(c, fields, &self.config.normalize, true)
                            .map_err(|e| ServiceError::InvalidInput(format!("request {i}: {e}")))?;
                    Ok(Source {
                        object_id: None,
                        values,
                    })
                }
            })
            .collect()
    }

    /// What to write: new tokens, reused ones re-tokenized (tags appended, expiry moved), and
    /// expired reusable ones archived before their digest is taken again.
    async fn plan_tokens(
        &self,
        user: &VaultUser,
        c: &Collection,
        specs: &[TokenSpec],
        sources: &[Source],
        ttl: Option<i64>,
        ring: &TenantKeyring,
    ) -> Result<Plan, ServiceError> {
        let now = self.clock.now();
        let explicit = ttl.map(|t| now.saturating_add(t));
        let by_default = self
            .config
            .object_token_ttl_seconds
            .map(|t| now.saturating_add(t));
        let drafts: Vec<ObjectTokenRecord> = specs
            .iter()
            .zip(sources)
            .map(|(s, src)| self.draft(c, s, src, explicit.or(by_default), now, ring))
            .collect::<Result<_, _>>()?;
        let digests: Vec<[u8; 32]> = drafts.iter().filter_map(|d| d.reuse).collect();
        let mut existing: HashMap<[u8; 32], ObjectTokenRecord> = if digests.is_empty() {
            HashMap::new()
        } else {
            self.store
                .object_tokens_by_reuse(&user.caller.tenant, &lower(c), &digests)
                .await?
                .into_iter()
                .filter_map(|r| r.reuse.map(|d| (d, r)))
                .collect()
        };
        let mut plan = Plan {
            changes: Vec::with_capacity(drafts.len()),
            ids: Vec::with_capacity(drafts.len()),
        };
        // A reuse digest's change in this plan, by digest.
        let mut planned: HashMap<[u8; 32], usize> = HashMap::new();
        for (draft, spec) in drafts.into_iter().zip(specs) {
            let Some(d) = draft.reuse else {
                plan.ids.push(draft.id.clone());
                plan.changes.push(TokenChange::Insert(draft));
                continue;
            };
            if let Some(&at) = planned.get(&d) {
                let record = changed_record(&mut plan.changes[at]).ok_or(ServiceError::Internal)?;
                record.tags = append_tags(&record.tags, &spec.tags)
                    .map_err(|e| ServiceError::InvalidInput(e.to_string()))?;
                record.expires_at = retokenized_expiry(record.expires_at, explicit, by_default);
                plan.ids.push(record.id.clone());
                continue;
            }
            match existing.remove(&d) {
                Some(old) if !old.is_expired(now) => {
                    let mut next = old.clone();
                    next.tags = append_tags(&old.tags, &spec.tags)
                        .map_err(|e| ServiceError::InvalidInput(e.to_string()))?;
                    next.expires_at = retokenized_expiry(old.expires_at, explicit, by_default);
                    next.modified_at = now;
                    next.version = old.version + 1;
                    plan.ids.push(old.id.clone());
                    planned.insert(d, plan.changes.len());
                    plan.changes.push(TokenChange::Replace {
                        id: old.id,
                        version: old.version,
                        record: next,
                    });
                }
                expired => {
                    if let Some(old) = expired {
                        let mut archived = old.clone();
                        archived.deleted_at = Some(now);
                        archived.version = old.version + 1;
                        plan.changes.push(TokenChange::Replace {
                            id: old.id,
                            version: old.version,
                            record: archived,
                        });
                    }
                    plan.ids.push(draft.id.clone());
                    planned.insert(d, plan.changes.len());
                    plan.changes.push(TokenChange::Insert(draft));
                }
            }
        }
        Ok(plan)
    }

    /// A new token for one spec.
    fn draft(
        &self,
        c: &Collection,
        spec: &TokenSpec,
        src: &Source,
        expires_at: Option<UnixSeconds>,
        now: UnixSeconds,
        ring: &TenantKeyring,
    ) -> Result<ObjectTokenRecord, ServiceError> {
        let props = spec.canonical_props(c, &src.values);
        let values: Vec<Value> = props
            .iter()
            .map(|p| src.values.get(p).cloned().unwrap_or(Value::Null))
            .collect();
        let reversible = spec.reversible && !spec.token_type.one_way();
        let kind = spec.token_type.kind();
        let reuse = (kind == TokenKind::Value && (spec.reuse || spec.token_type.implies_reuse()))
            .then(|| {
                reuse_digest(
                    ring,
                    &ReuseKey {
                        collection: &c.name,
                        object_id: src.object_id.as_deref(),
                        props: &props,
                        values: &values,
                        scope: &spec.scope,
                        reversible,
                        template: spec.template,
                    },
                )
            });
        let id = match spec.template {
            IdTemplate::Uuid => tokenvault_crypto::random::uuid_v4(),
            IdTemplate::PrimaryAccountNumber => {
                let card = spec
                    .fpprops
                    .first()
                    .and_then(|p| c.property(p))
                    .and_then(|p| src.values.get(&p.name))
                    .and_then(Value::as_str)
                    .ok_or_else(|| {
                        ServiceError::InvalidInput(
                            "the primary_account_number template needs a card number in fpprops"
                                .into(),
                        )
                    })?;
                pan_token_id(card, tokenvault_crypto::random::fill)
                    .map_err(|e| ServiceError::InvalidInput(e.to_string()))?
            }
        };
        let values = (kind == TokenKind::Value && reversible).then(|| {
            let sealed: Map<String, Value> = props.iter().cloned().zip(values).collect();
            seal(ring, &c.name, &ObjectTokenRecord::seal_id(&id), &sealed)
        });
        Ok(ObjectTokenRecord {
            id,
            collection: lower(c),
            token_type: spec.token_type,
            object_id: src.object_id.clone(),
            props,
            scope: spec.scope.clone(),
            reversible,
            reuse,
            tags: spec.tags.clone(),
            template: spec.template,
            values,
            created_at: now,
            modified_at: now,
            expires_at,
            deleted_at: None,
            version: 1,
        })
    }
}

/// The record a planned insert or replace writes.
fn changed_record(change: &mut TokenChange) -> Option<&mut ObjectTokenRecord> {
    match change {
        TokenChange::Insert(r) | TokenChange::Replace { record: r, .. } => Some(r),
        TokenChange::Remove { .. } => None,
    }
}

pub(super) fn lower(c: &Collection) -> String {
    c.name.to_ascii_lowercase()
}
