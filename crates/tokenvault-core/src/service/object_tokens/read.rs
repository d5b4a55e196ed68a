//! Reading the object vault's tokens: which tokens a selector finds (and whether they still
//! work: not deleted, not expired, their object live), detokenizing them into the values they
//! stand for, their metadata, and counts.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde_json::{Map, Value};

use super::{lower, opened, AccessReason, Reveal, ServiceError, TokenSelector, Vault, VaultUser};
use crate::{
    clock::UnixSeconds,
    objects::{
        open, Collection, ObjectTokenRecord, TokenCounts, TokenFilter, TokenKind,
        MAX_TOKENS_PER_CALL,
    },
    service::objects::is_live,
    store::ObjectRecord,
};

/// A token as read: its record and when it stops working (its own expiry or its object's,
/// whichever comes first).
#[derive(Debug, Clone, PartialEq)]
pub struct TokenView {
    /// The stored token.
    pub record: ObjectTokenRecord,
    /// Its effective expiry.
    pub effective_expires_at: Option<UnixSeconds>,
}

/// A detokenized token.
#[derive(Debug, Clone, PartialEq)]
pub struct Detokenized {
    /// Its id.
    pub token_id: String,
    /// Property (or `property.mask`) → value.
    pub fields: Map<String, Value>,
    /// Its metadata, when asked for.
    pub metadata: Option<TokenView>,
}

/// Tokens a selector found, with the live objects they refer to.
pub(super) struct Selected {
    pub tokens: Vec<ObjectTokenRecord>,
    pub objects: HashMap<String, ObjectRecord>,
}

impl Selected {
    pub(super) fn view(&self, r: &ObjectTokenRecord) -> TokenView {
        let object_expiry = r
            .object_id
            .as_ref()
            .and_then(|o| self.objects.get(o))
            .and_then(|o| o.expires_at);
        let effective = match (r.expires_at, object_expiry) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        TokenView {
            record: r.clone(),
            effective_expires_at: effective,
        }
    }
}

/// Requested output properties: `name` or `name.mask`, by the collection's names.
fn requested(c: &Collection, props: &[String]) -> Result<Vec<(String, bool)>, ServiceError> {
    props
        .iter()
        .map(|p| {
            let (name, mask) = match p.strip_suffix(".mask") {
                Some(n) => (n, true),
                None => (p.as_str(), false),
            };
            let prop = c.property(name).ok_or_else(|| {
                ServiceError::InvalidInput(
                    "props names a property the collection does not have".into(),
                )
            })?;
            if mask && !prop.data_type.has_mask() {
                return Err(ServiceError::InvalidInput(format!(
                    "{} has no mask transformation",
                    prop.data_type.as_str()
                )));
            }
            Ok((prop.name.clone(), mask))
        })
        .collect()
}

impl Vault {
    /// The tokens `sel` finds that work now (archived ones too when it says so). With
    /// `strict`, every token id it names must be one of them (404 otherwise).
    pub(super) async fn select_tokens(
        &self,
        user: &VaultUser,
        c: &Collection,
        sel: &TokenSelector,
        strict: bool,
    ) -> Result<Selected, ServiceError> {
        sel.check().map_err(ServiceError::InvalidInput)?;
        let (tenant, coll) = (&user.caller.tenant, lower(c));
        let token_ids: Vec<String> = dedup(&sel.token_ids, true);
        let object_ids: Vec<String> = dedup(&sel.object_ids, true);
        let tags: Vec<String> = dedup(&sel.tags, false);
        let candidates = if !token_ids.is_empty() {
            self.store
                .object_tokens_by_id(tenant, &coll, &token_ids)
                .await?
        } else {
            let filter = if object_ids.is_empty() {
                TokenFilter::Tags(tags.clone())
            } else {
                TokenFilter::Objects(object_ids.clone())
            };
            let found = self
                .store
                .find_object_tokens(tenant, &coll, &filter, MAX_TOKENS_PER_CALL + 1)
                .await?;
            if found.len() > MAX_TOKENS_PER_CALL {
                return Err(ServiceError::InvalidInput(format!(
                    "more than {MAX_TOKENS_PER_CALL} tokens match; narrow the selection"
                )));
            }
            found
        };
        let now = self.clock.now();
        let referenced: Vec<String> = candidates
            .iter()
            .filter_map(|r| r.object_id.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let objects: HashMap<String, ObjectRecord> = if referenced.is_empty() {
            HashMap::new()
        } else {
            self.store
                .objects_by_id(tenant, &coll, &referenced)
                .await?
                .into_iter()
                .filter(|o| is_live(o, now))
                .map(|o| (o.id.clone(), o))
                .collect()
        };
        // Archived tokens (soft-deleted, or archived when they expired) are shown when asked
        // for, whatever their expiry; others work until they expire. Either way their object
        // must be live.
        let works = |r: &ObjectTokenRecord| {
            let state = match r.deleted_at {
                Some(_) => sel.archived,
                None => !r.is_expired(now),
            };
            state && r.object_id.as_ref().is_none_or(|o| objects.contains_key(o))
        };
        let usable: Vec<ObjectTokenRecord> = candidates.into_iter().filter(|r| works(r)).collect();
        if strict && usable.len() < token_ids.len() {
            return Err(ServiceError::NotFound("tokens"));
        }
        // Sets: up to 1,000 tokens checked against up to 1,000 ids or tags stay linear.
        let object_set: HashSet<&String> = object_ids.iter().collect();
        let tag_set: HashSet<&String> = tags.iter().collect();
        let tokens = usable
            .into_iter()
            .filter(|r| {
                (object_set.is_empty()
                    || r.object_id.as_ref().is_some_and(|o| object_set.contains(o)))
                    && (tag_set.is_empty() || r.tags.iter().any(|t| tag_set.contains(t)))
            })
            .collect();
        Ok(Selected { tokens, objects })
    }

    /// The values selected tokens stand for: VALUE tokens the values at creation, POINTER
    /// tokens their object's values now; `props` narrows (and masks) what is returned.
    pub async fn detokenize_objects(
        &self,
        user: &VaultUser,
        collection: &str,
        sel: &TokenSelector,
        reveal: &Reveal,
        why: &AccessReason,
        trace_id: &str,
    ) -> Result<Vec<Detokenized>, ServiceError> {
        let c = self.collection_of(user, collection).await?;
        let wanted = requested(&c, &reveal.props)?;
        let mut selected = self.select_tokens(user, &c, sel, true).await?;
        if !sel.token_ids.is_empty() && selected.tokens.iter().any(|r| !r.reversible) {
            return Err(ServiceError::InvalidInput(
                "tokens made with reversible: false cannot be detokenized".into(),
            ));
        }
        selected.tokens.retain(|r| r.reversible);
        let shown = |r: &ObjectTokenRecord| -> Vec<(String, bool)> {
            if wanted.is_empty() {
                r.props.iter().map(|p| (p.clone(), false)).collect()
            } else {
                wanted
                    .iter()
                    .filter(|(p, _)| r.props.contains(p))
                    .cloned()
                    .collect()
            }
        };
        let resources: BTreeSet<String> = selected
            .tokens
            .iter()
            .flat_map(&shown)
            .map(|(p, mask)| {
                let suffix = if mask { ".mask" } else { "" };
                format!("{}/{p}{suffix}", c.name)
            })
            .collect();
        let resources: Vec<String> = resources.into_iter().collect();
        if !resources.is_empty() {
            self.require_policy(user, "detokenize", &why.reason, &resources, trace_id)
                .await?;
        }
        let ring = self.keys.keyring(&user.caller.tenant).await?;
        let mut out = Vec::with_capacity(selected.tokens.len());
        for r in &selected.tokens {
            let values = match (r.token_type.kind(), &r.values, &r.object_id) {
                (TokenKind::Value, Some(sealed), _) => {
                    open(&ring, &c.name, &ObjectTokenRecord::seal_id(&r.id), sealed).map_err(
                        |_| {
                            tracing::error!(token = %r.id, "a token's values do not open");
                            ServiceError::Internal
                        },
                    )?
                }
                (TokenKind::Pointer, _, Some(o)) => match selected.objects.get(o) {
                    Some(object) => opened(&ring, &c, object)?,
                    None => continue,
                },
                _ => continue,
            };
            let mut fields = Map::new();
            for (p, mask) in shown(r) {
                let v = values.get(&p).cloned().unwrap_or(Value::Null);
                if mask {
                    let masked = c
                        .property(&p)
                        .and_then(|prop| prop.data_type.mask(&v))
                        .unwrap_or(Value::Null);
                    fields.insert(format!("{p}.mask"), masked);
                } else {
                    fields.insert(p, v);
                }
            }
            out.push(Detokenized {
                token_id: r.id.clone(),
                fields,
                metadata: reveal.include_metadata.then(|| selected.view(r)),
            });
        }
        let audit = self.data_audit(
            user,
            "object_detokenize",
            &c.name,
            why,
            serde_json::json!({ "tokens": out.len(), "properties": resources }),
            trace_id,
        );
        self.store.append_audit(&[audit]).await?;
        Ok(out)
    }

    /// Metadata of the tokens `sel` finds (ids that find nothing are left out).
    pub async fn token_metadata(
        &self,
        user: &VaultUser,
        collection: &str,
        sel: &TokenSelector,
        why: &AccessReason,
        trace_id: &str,
    ) -> Result<Vec<TokenView>, ServiceError> {
        let c = self.collection_of(user, collection).await?;
        self.require_tokens_policy(user, &c, "read", why, trace_id)
            .await?;
        let selected = self.select_tokens(user, &c, sel, false).await?;
        let audit = self.data_audit(
            user,
            "object_token_search",
            &c.name,
            why,
            serde_json::json!({ "tokens": selected.tokens.len() }),
            trace_id,
        );
        self.store.append_audit(&[audit]).await?;
        Ok(selected.tokens.iter().map(|r| selected.view(r)).collect())
    }

    /// How many of the collection's tokens are active and archived.
    pub async fn count_tokens(
        &self,
        user: &VaultUser,
        collection: &str,
        why: &AccessReason,
        trace_id: &str,
    ) -> Result<TokenCounts, ServiceError> {
        let c = self.collection_of(user, collection).await?;
        self.require_tokens_policy(user, &c, "read", why, trace_id)
            .await?;
        Ok(self
            .store
            .count_object_tokens(&user.caller.tenant, &lower(&c), self.clock.now())
            .await?)
    }

    /// Operations on tokens as such (not on the values) are checked against the
    /// `collection/tokens` resource.
    pub(super) async fn require_tokens_policy(
        &self,
        user: &VaultUser,
        c: &Collection,
        operation: &str,
        why: &AccessReason,
        trace_id: &str,
    ) -> Result<(), ServiceError> {
        let resource = [format!("{}/tokens", c.name)];
        self.require_policy(user, operation, &why.reason, &resource, trace_id)
            .await
    }
}

/// Distinct entries in order; ids lower-cased (UUIDs are case-insensitive).
fn dedup(list: &[String], ids: bool) -> Vec<String> {
    let mut seen = HashSet::new();
    list.iter()
        .map(|s| {
            if ids {
                s.to_ascii_lowercase()
            } else {
                s.clone()
            }
        })
        .filter(|s| seen.insert(s.clone()))
        .collect()
}
