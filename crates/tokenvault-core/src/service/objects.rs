//! The object vault's objects: add (one or many), read (by id, in pages, by exact match),
//! update, delete. Values are checked against the collection, sealed under the tenant's keys
//! and indexed blindly; every access is audited with the user, the reason and the property
//! names, never values.

use serde_json::{Map, Value};

use super::{ServiceError, Vault, VaultUser};
use crate::{
    clock::{rfc3339, UnixSeconds},
    objects::{blind_index, check_values, open, seal, Collection, ObjectError, MAX_BULK_OBJECTS},
    store::{Entity, IndexEntry, ObjectRecord, StoreError},
};

/// Why data is accessed (Piiano's access reasons), for the audit record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessReason {
    /// One of the reasons.
    pub reason: String,
    /// Free text, with `Other`.
    pub adhoc_reason: Option<String>,
}

/// Which properties a read returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Every property and `_id` (`options=unsafe`).
    All,
    /// These, each a property name or `<name>.mask`.
    Props(Vec<String>),
}

/// Where a page starts and how long it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// From a previous page.
    pub cursor: Option<i64>,
    /// 1 to [`MAX_OBJECT_PAGE`].
    pub size: usize,
}

/// Largest page.
pub const MAX_OBJECT_PAGE: usize = 1000;

/// A page of objects.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectPage {
    /// The objects, as selected.
    pub results: Vec<Map<String, Value>>,
    /// Where the next page starts; none on the last.
    pub cursor: Option<i64>,
}

fn object_error(e: ObjectError) -> ServiceError {
    ServiceError::InvalidInput(e.to_string())
}

fn unique_taken(e: StoreError) -> ServiceError {
    match e {
        StoreError::Conflict {
            what: Entity::UniqueValue,
        } => ServiceError::Conflict(
            "a unique property's value is already held by another object".into(),
        ),
        other => other.into(),
    }
}

impl Vault {
    pub(super) async fn collection_of(
        &self,
        user: &VaultUser,
        name: &str,
    ) -> Result<Collection, ServiceError> {
        self.store
            .collection(&user.caller.tenant, name)
            .await?
            .ok_or(ServiceError::NotFound("collection"))
    }

    pub(super) fn data_audit(
        &self,
        user: &VaultUser,
        action: &str,
        collection: &str,
        why: &AccessReason,
        detail: Value,
        trace_id: &str,
    ) -> crate::store::AuditEvent {
        let mut audit = self.audit(&user.caller, action, trace_id);
        audit.result = "allowed".into();
        audit.purpose = Some(why.reason.clone());
        audit.reason = why
            .adhoc_reason
            .as_deref()
            .map(|r| self.catalog.redact_free_text(r));
        let mut d = serde_json::json!({ "user": user.name, "collection": collection });
        if let (Some(o), Value::Object(extra)) = (d.as_object_mut(), detail) {
            o.extend(extra);
        }
        audit.detail = d;
        audit
    }

    /// A record of `values` for object `id`: sealed, with its blind indexes.
    async fn record(
        &self,
        user: &VaultUser,
        c: &Collection,
        id: &str,
        values: &Map<String, Value>,
        times: (UnixSeconds, UnixSeconds, Option<UnixSeconds>),
    ) -> Result<ObjectRecord, ServiceError> {
        let ring = self.keys.keyring(&user.caller.tenant).await?;
        let index = c
            .properties
            .iter()
            .filter(|p| p.is_index || p.is_unique)
            .filter_map(|p| {
                let v = values.get(&p.name).filter(|v| !v.is_null())?;
                Some(IndexEntry {
                    property: p.name.to_ascii_lowercase(),
                    digest: blind_index(&ring, &c.name, &p.name, v),
                    unique: p.is_unique,
                })
            })
            .collect();
        Ok(ObjectRecord {
            id: id.to_owned(),
            collection: c.name.to_ascii_lowercase(),
            created_at: times.0,
            modified_at: times.1,
            expires_at: times.2,
            deleted_at: None,
            values: seal(&ring, &c.name, id, values),
            index,
        })
    }

    /// Adds objects (all or none); their ids in order.
    pub async fn add_objects(
        &self,
        user: &VaultUser,
        collection: &str,
        inputs: &[Map<String, Value>],
        ttl_seconds: Option<i64>,
        why: &AccessReason,
        trace_id: &str,
    ) -> Result<Vec<String>, ServiceError> {
        if inputs.is_empty() || inputs.len() > MAX_BULK_OBJECTS {
            return Err(ServiceError::InvalidInput(format!(
                "send 1 to {MAX_BULK_OBJECTS} objects"
            )));
        }
        let c = self.collection_of(user, collection).await?;
        let now = self.clock.now();
        let expires = ttl_seconds.map(|t| now.saturating_add(t));
        let mut records = Vec::with_capacity(inputs.len());
        let mut props = std::collections::BTreeSet::new();
        for (i, input) in inputs.iter().enumerate() {
            let values = check_values(&c, input, &self.config.normalize, false)
                .map_err(|e| ServiceError::InvalidInput(format!("objects[{i}]: {e}")))?;
            props.extend(values.keys().cloned());
            let id = tokenvault_crypto::random::uuid_v7(now_millis());
            records.push(
                self.record(user, &c, &id, &values, (now, now, expires))
                    .await?,
            );
        }
        let resources = resources(&c, props.iter().cloned());
        self.require_policy(user, "write", &why.reason, &resources, trace_id)
            .await?;
        let audit = self.data_audit(
            user,
            "object_add",
            &c.name,
            why,
            serde_json::json!({ "objects": records.len(), "properties": props }),
            trace_id,
        );
        self.store
            .insert_objects(&user.caller.tenant, &records, &audit)
            .await
            .map_err(unique_taken)?;
        Ok(records.into_iter().map(|r| r.id).collect())
    }

    /// Reads objects by id (missing, expired or deleted ones are left out).
    pub async fn get_objects(
        &self,
        user: &VaultUser,
        collection: &str,
        ids: &[String],
        selection: &Selection,
        why: &AccessReason,
        trace_id: &str,
    ) -> Result<Vec<Map<String, Value>>, ServiceError> {
        if ids.is_empty() || ids.len() > MAX_OBJECT_PAGE {
            return Err(ServiceError::InvalidInput(format!(
                "ids names 1 to {MAX_OBJECT_PAGE} objects"
            )));
        }
        let c = self.collection_of(user, collection).await?;
        check_selection(&c, selection)?;
        self.require_policy(
            user,
            "read",
            &why.reason,
            &selected(&c, selection),
            trace_id,
        )
        .await?;
        let records = self
            .store
            .objects_by_id(&user.caller.tenant, &c.name.to_ascii_lowercase(), ids)
            .await?;
        self.read_out(user, &c, records, selection, why, trace_id)
            .await
    }

    /// A page of live objects after `cursor`.
    pub async fn list_objects(
        &self,
        user: &VaultUser,
        collection: &str,
        selection: &Selection,
        page: PageRequest,
        why: &AccessReason,
        trace_id: &str,
    ) -> Result<ObjectPage, ServiceError> {
        let PageRequest {
            cursor,
            size: page_size,
        } = page;
        if page_size == 0 || page_size > MAX_OBJECT_PAGE {
            return Err(ServiceError::InvalidInput(format!(
                "page_size must be 1 to {MAX_OBJECT_PAGE}"
            )));
        }
        let c = self.collection_of(user, collection).await?;
        check_selection(&c, selection)?;
        self.require_policy(
            user,
            "read",
            &why.reason,
            &selected(&c, selection),
            trace_id,
        )
        .await?;
        let mut rows = self
            .store
            .list_objects(
                &user.caller.tenant,
                &c.name.to_ascii_lowercase(),
                cursor.unwrap_or(0),
                page_size + 1,
            )
            .await?;
        let more = rows.len() > page_size;
        rows.truncate(page_size);
        let next = if more {
            rows.last().map(|(seq, _)| *seq)
        } else {
            None
        };
        let records = rows.into_iter().map(|(_, r)| r).collect();
        Ok(ObjectPage {
            results: self
                .read_out(user, &c, records, selection, why, trace_id)
                .await?,
            cursor: next,
        })
    }

    /// Objects whose properties equal every `matches` value (properties that are indexed or
    /// unique only; each entry a list of accepted values: `match` has one, `in` several).
    pub async fn query_objects(
        &self,
        user: &VaultUser,
        collection: &str,
        matches: &[(String, Vec<Value>)],
        selection: &Selection,
        why: &AccessReason,
        trace_id: &str,
    ) -> Result<Vec<Map<String, Value>>, ServiceError> {
        let c = self.collection_of(user, collection).await?;
        check_selection(&c, selection)?;
        if matches.is_empty() {
            return Err(ServiceError::InvalidInput(
                "send at least one property to match".into(),
            ));
        }
        let searched = resources(&c, matches.iter().map(|(name, _)| name.clone()));
        self.require_policy(user, "search", &why.reason, &searched, trace_id)
            .await?;
        self.require_policy(
            user,
            "read",
            &why.reason,
            &selected(&c, selection),
            trace_id,
        )
        .await?;
        let ring = self.keys.keyring(&user.caller.tenant).await?;
        let mut found: Option<Vec<String>> = None;
        for (name, values) in matches {
            let p = c
                .property(name)
                .filter(|p| p.is_index || p.is_unique)
                .ok_or_else(|| {
                    ServiceError::InvalidInput(
                        "exact-match queries are on properties that are unique or indexed".into(),
                    )
                })?;
            let mut digests = Vec::with_capacity(values.len());
            for v in values {
                let stored = p
                    .data_type
                    .validate(v, &self.config.normalize)
                    .map_err(|e| ServiceError::InvalidInput(format!("{}: {}", p.name, e.0)))?;
                digests.push(blind_index(&ring, &c.name, &p.name, &stored));
            }
            let ids = self
                .store
                .find_objects(
                    &user.caller.tenant,
                    &c.name.to_ascii_lowercase(),
                    &p.name.to_ascii_lowercase(),
                    p.is_unique,
                    &digests,
                )
                .await?;
            found = Some(match found {
                None => ids,
                Some(prev) => {
                    let these: std::collections::HashSet<&String> = ids.iter().collect();
                    prev.into_iter().filter(|id| these.contains(id)).collect()
                }
            });
        }
        let ids = found.unwrap_or_default();
        if ids.len() > MAX_OBJECT_PAGE {
            return Err(ServiceError::InvalidInput(format!(
                "more than {MAX_OBJECT_PAGE} objects match; narrow the query"
            )));
        }
        let records = self
            .store
            .objects_by_id(&user.caller.tenant, &c.name.to_ascii_lowercase(), &ids)
            .await?;
        self.read_out(user, &c, records, selection, why, trace_id)
            .await
    }

    /// How many of the collection's objects are active and archived (soft-deleted).
    pub async fn count_objects(
        &self,
        user: &VaultUser,
        collection: &str,
    ) -> Result<crate::objects::TokenCounts, ServiceError> {
        let c = self.collection_of(user, collection).await?;
        Ok(self
            .store
            .count_objects(
                &user.caller.tenant,
                &c.name.to_ascii_lowercase(),
                self.clock.now(),
            )
            .await?)
    }

    /// Changes the given properties of a live object.
    pub async fn update_object(
        &self,
        user: &VaultUser,
        collection: &str,
        id: &str,
        changes: &Map<String, Value>,
        why: &AccessReason,
        trace_id: &str,
    ) -> Result<(), ServiceError> {
        let c = self.collection_of(user, collection).await?;
        let changes =
            check_values(&c, changes, &self.config.normalize, true).map_err(object_error)?;
        let now = self.clock.now();
        let existing = self
            .store
            .objects_by_id(
                &user.caller.tenant,
                &c.name.to_ascii_lowercase(),
                &[id.to_owned()],
            )
            .await?
            .into_iter()
            .find(|r| is_live(r, now))
            .ok_or(ServiceError::NotFound("object"))?;
        let ring = self.keys.keyring(&user.caller.tenant).await?;
        let mut values = open(&ring, &c.name, id, &existing.values).map_err(|_| {
            tracing::error!(object = id, "an object's values do not open");
            ServiceError::Internal
        })?;
        let props: Vec<String> = changes.keys().cloned().collect();
        values.extend(changes);
        let record = self
            .record(
                user,
                &c,
                id,
                &values,
                (existing.created_at, now, existing.expires_at),
            )
            .await?;
        let audit = self.data_audit(
            user,
            "object_update",
            &c.name,
            why,
            serde_json::json!({ "object_id": id, "properties": props }),
            trace_id,
        );
        self.store
            .update_object(&user.caller.tenant, &record, &audit)
            .await
            .map_err(|e| match e {
                StoreError::NotFound { .. } => ServiceError::NotFound("object"),
                other => unique_taken(other),
            })
    }

    /// Deletes an object: soft (its tokens stop working, its unique values are freed) or hard.
    pub async fn delete_object(
        &self,
        user: &VaultUser,
        collection: &str,
        id: &str,
        hard: bool,
        why: &AccessReason,
        trace_id: &str,
    ) -> Result<(), ServiceError> {
        let c = self.collection_of(user, collection).await?;
        let all = [format!("{}/*", c.name)];
        self.require_policy(user, "delete", &why.reason, &all, trace_id)
            .await?;
        let audit = self.data_audit(
            user,
            "object_delete",
            &c.name,
            why,
            serde_json::json!({ "object_id": id, "hard": hard }),
            trace_id,
        );
        self.store
            .delete_object(
                &user.caller.tenant,
                &c.name.to_ascii_lowercase(),
                id,
                hard,
                self.clock.now(),
                &audit,
            )
            .await
            .map_err(|e| match e {
                StoreError::NotFound { .. } => ServiceError::NotFound("object"),
                other => other.into(),
            })
    }

    /// The live ones of `records`, read: the read audited, the values opened and selected.
    async fn read_out(
        &self,
        user: &VaultUser,
        c: &Collection,
        records: Vec<ObjectRecord>,
        selection: &Selection,
        why: &AccessReason,
        trace_id: &str,
    ) -> Result<Vec<Map<String, Value>>, ServiceError> {
        let now = self.clock.now();
        let live: Vec<ObjectRecord> = records.into_iter().filter(|r| is_live(r, now)).collect();
        self.audit_read(user, c, selection, live.len(), why, trace_id)
            .await?;
        self.render(user, c, &live, selection).await
    }

    async fn audit_read(
        &self,
        user: &VaultUser,
        c: &Collection,
        selection: &Selection,
        count: usize,
        why: &AccessReason,
        trace_id: &str,
    ) -> Result<(), ServiceError> {
        let props: Vec<String> = match selection {
            Selection::All => c.properties.iter().map(|p| p.name.clone()).collect(),
            Selection::Props(p) => p.clone(),
        };
        let audit = self.data_audit(
            user,
            "object_read",
            &c.name,
            why,
            serde_json::json!({ "objects": count, "properties": props }),
            trace_id,
        );
        self.store.append_audit(&[audit]).await?;
        Ok(())
    }

    async fn render(
        &self,
        user: &VaultUser,
        c: &Collection,
        records: &[ObjectRecord],
        selection: &Selection,
    ) -> Result<Vec<Map<String, Value>>, ServiceError> {
        let ring = self.keys.keyring(&user.caller.tenant).await?;
        records
            .iter()
            .map(|r| {
                let values = open(&ring, &c.name, &r.id, &r.values).map_err(|_| {
                    tracing::error!(object = %r.id, "an object's values do not open");
                    ServiceError::Internal
                })?;
                Ok(select(c, r, &values, selection))
            })
            .collect()
    }
}

/// The wall clock in milliseconds, for time-ordered object ids (not the vault's clock, whose
/// resolution is seconds).
fn now_millis() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// `collection/property` resources of properties.
pub(super) fn resources(c: &Collection, props: impl Iterator<Item = String>) -> Vec<String> {
    props.map(|p| format!("{}/{p}", c.name)).collect()
}

/// The resources a read touches: each selected property (or its `.mask`); every property
/// for `unsafe`. Built-ins are not data.
fn selected(c: &Collection, selection: &Selection) -> Vec<String> {
    match selection {
        Selection::All => resources(c, c.properties.iter().map(|p| p.name.clone())),
        Selection::Props(props) => {
            resources(c, props.iter().filter(|p| !p.starts_with('_')).cloned())
        }
    }
}

pub(super) fn is_live(r: &ObjectRecord, now: UnixSeconds) -> bool {
    r.deleted_at.is_none() && r.expires_at.is_none_or(|e| e > now)
}

/// Every requested property exists (a transformation, on a type that has one).
fn check_selection(c: &Collection, selection: &Selection) -> Result<(), ServiceError> {
    let Selection::Props(props) = selection else {
        return Ok(());
    };
    if props.is_empty() {
        return Err(ServiceError::InvalidInput(
            "name the properties to return in props, or send options=unsafe".into(),
        ));
    }
    for p in props {
        let (name, mask) = match p.strip_suffix(".mask") {
            Some(n) => (n, true),
            None => (p.as_str(), false),
        };
        if BUILTINS.iter().any(|b| b.eq_ignore_ascii_case(name)) && !mask {
            continue;
        }
        let prop = c.property(name).ok_or_else(|| {
            ServiceError::InvalidInput("props names a property the collection does not have".into())
        })?;
        if mask && !prop.data_type.has_mask() {
            return Err(ServiceError::InvalidInput(format!(
                "{} has no mask transformation",
                prop.data_type.as_str()
            )));
        }
    }
    Ok(())
}

const BUILTINS: [&str; 7] = [
    "_id",
    "_creation_time",
    "_modification_time",
    "_expiration_time",
    "_tenant_id",
    "_owner_id",
    "_foreign_id",
];

fn builtin(r: &ObjectRecord, values: &Map<String, Value>, name: &str) -> Value {
    match name {
        "_id" => Value::from(r.id.clone()),
        "_creation_time" => Value::from(rfc3339(r.created_at)),
        "_modification_time" => Value::from(rfc3339(r.modified_at)),
        "_expiration_time" => r
            .expires_at
            .map_or(Value::Null, |e| Value::from(rfc3339(e))),
        other => values.get(other).cloned().unwrap_or(Value::Null),
    }
}

fn select(
    c: &Collection,
    r: &ObjectRecord,
    values: &Map<String, Value>,
    selection: &Selection,
) -> Map<String, Value> {
    let mut out = Map::new();
    match selection {
        Selection::All => {
            out.insert("_id".into(), Value::from(r.id.clone()));
            for p in &c.properties {
                out.insert(
                    p.name.clone(),
                    values.get(&p.name).cloned().unwrap_or(Value::Null),
                );
            }
        }
        Selection::Props(props) => {
            for requested in props {
                let (name, mask) = match requested.strip_suffix(".mask") {
                    Some(n) => (n, true),
                    None => (requested.as_str(), false),
                };
                if let Some(b) = BUILTINS.iter().find(|b| b.eq_ignore_ascii_case(name)) {
                    out.insert((*b).to_owned(), builtin(r, values, b));
                    continue;
                }
                let Some(p) = c.property(name) else { continue };
                let v = values.get(&p.name).cloned().unwrap_or(Value::Null);
                if mask {
                    let masked = p.data_type.mask(&v).unwrap_or(Value::Null);
                    out.insert(format!("{}.mask", p.name), masked);
                } else {
                    out.insert(p.name.clone(), v);
                }
            }
        }
    }
    out
}
