//! `/data/collections/{collection}/…tokens`: tokenize (the seed's body and the later
//! revision's array), detokenize, update, delete, rotate, search and count. The wire shapes of
//! both revisions are read and written here; the rules are the domain's.

use std::sync::Arc;

use axum::{
    extract::{Path, State},
    http::StatusCode,
    Json,
};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use tokenvault_core::{
    clock::rfc3339,
    objects::{IdTemplate, TokenType},
    service::{
        Reveal, ServiceError, TokenSelector, TokenSource, TokenSpec, TokenUpdate, TokenView,
    },
};

use super::{
    error::PvltError,
    extract::{PvltBody, PvltCaller, PvltQuery},
    objects::{comma_list as list, DataParams},
};
use crate::AppState;

type St = State<Arc<AppState>>;
type Answer = Result<Json<Value>, PvltError>;

fn errors(collection: &str) -> impl Fn(ServiceError) -> PvltError + '_ {
    move |e| match e {
        ServiceError::NotFound("collection") => PvltError::collection_not_found(collection),
        ServiceError::NotFound("tokens") => PvltError::new(
            StatusCode::NOT_FOUND,
            "PV3087",
            "one or more tokens were not found, have expired or were deleted",
        ),
        ServiceError::NotFound("token match") => PvltError::new(
            StatusCode::NOT_FOUND,
            "PV3009",
            "no token matched the query",
        ),
        ServiceError::NotFound(_) => PvltError::new(
            StatusCode::NOT_FOUND,
            "PV1013",
            "one or more objects were not found; no tokens were made",
        ),
        other => other.into(),
    }
}

fn bad_json(e: &serde_json::Error) -> PvltError {
    PvltError::bad_request(crate::error::describe_json_error(e))
}

fn yes() -> bool {
    true
}

/// The seed's body: one spec for several objects.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedRequest {
    object_ids: Vec<String>,
    props: Vec<String>,
    #[serde(rename = "type")]
    token_type: String,
    #[serde(default)]
    reuse_token_id: bool,
    #[serde(default = "yes")]
    reversible: bool,
    scope: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    fptemplate: Option<String>,
    #[serde(default)]
    fpprops: Vec<String>,
}

/// The later revision's item: one token, of a stored object or of values sent inline.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemRequest {
    #[serde(rename = "type")]
    token_type: String,
    object: ItemObject,
    props: Option<Vec<String>>,
    token_id: Option<String>,
    scope: Option<String>,
    tags: Option<Vec<String>>,
    ensure_unique_tenant_tags: Option<Vec<String>>,
    store_object: Option<bool>,
    fptemplate: Option<String>,
    #[serde(default)]
    fpprops: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemObject {
    id: Option<String>,
    fields: Option<Map<String, Value>>,
}

fn token_type(name: &str) -> Result<TokenType, PvltError> {
    TokenType::parse(name).ok_or_else(|| {
        PvltError::bad_request(
            "type is VALUE or POINTER (or randomized, deterministic, pci, pci_oneway, pointer)",
        )
    })
}

fn template(name: Option<&str>) -> Result<IdTemplate, PvltError> {
    match name {
        None | Some("") => Ok(IdTemplate::Uuid),
        Some("primary_account_number") => Ok(IdTemplate::PrimaryAccountNumber),
        Some(_) => Err(PvltError::bad_request(
            "fptemplate is primary_account_number, or none for UUID ids",
        )),
    }
}

fn scope(s: Option<String>) -> String {
    s.filter(|s| !s.is_empty())
        .unwrap_or_else(|| "default".into())
}

fn seed_specs(r: SeedRequest) -> Result<Vec<TokenSpec>, PvltError> {
    let (t, tpl) = (
        token_type(&r.token_type)?,
        template(r.fptemplate.as_deref())?,
    );
    if r.object_ids.is_empty() {
        return Err(PvltError::bad_request("object_ids names 1 or more objects"));
    }
    let scope = scope(r.scope);
    Ok(r.object_ids
        .into_iter()
        .map(|id| TokenSpec {
            source: TokenSource::Object(id),
            props: r.props.clone(),
            token_type: t,
            reuse: r.reuse_token_id,
            reversible: r.reversible,
            scope: scope.clone(),
            tags: r.tags.clone(),
            template: tpl,
            fpprops: r.fpprops.clone(),
        })
        .collect())
}

fn item_spec(i: usize, r: ItemRequest) -> Result<TokenSpec, PvltError> {
    let refuse = |m: &str| PvltError::bad_request(format!("[{i}]: {m}"));
    if r.token_id.is_some() {
        return Err(refuse(
            "token_id is not supported: the vault makes token ids",
        ));
    }
    if r.ensure_unique_tenant_tags.is_some_and(|t| !t.is_empty()) {
        return Err(refuse("ensure_unique_tenant_tags is not supported"));
    }
    if r.store_object == Some(true) {
        return Err(refuse(
            "store_object is not supported: add the object, then tokenize it by id",
        ));
    }
    let source = match (r.object.id, r.object.fields) {
        (Some(id), None) => TokenSource::Object(id),
        (None, Some(fields)) => TokenSource::Fields(fields),
        _ => return Err(refuse("object is {\"id\": …} or {\"fields\": {…}}")),
    };
    Ok(TokenSpec {
        source,
        props: r.props.unwrap_or_default(),
        token_type: token_type(&r.token_type)?,
        reuse: false,
        reversible: true,
        scope: scope(r.scope),
        tags: r.tags.unwrap_or_default(),
        template: template(r.fptemplate.as_deref())?,
        fpprops: r.fpprops,
    })
}

/// The specs of either body: the seed's object, or the later revision's array.
fn specs(body: &PvltBody) -> Result<Vec<TokenSpec>, PvltError> {
    let v: Value = serde_json::from_slice(&body.bytes).map_err(|e| bad_json(&e))?;
    match v {
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| {
                let r: ItemRequest = serde_json::from_value(item).map_err(|e| {
                    PvltError::bad_request(format!(
                        "[{i}]: {}",
                        crate::error::describe_json_error(&e)
                    ))
                })?;
                item_spec(i, r)
            })
            .collect(),
        Value::Object(_) => seed_specs(serde_json::from_value(v).map_err(|e| bad_json(&e))?),
        _ => Err(PvltError::bad_request(
            "send a tokenize request object, or an array of them",
        )),
    }
}

pub(crate) async fn tokenize(
    State(s): St,
    c: PvltCaller,
    Path(collection): Path<String>,
    PvltQuery(q): PvltQuery<DataParams>,
    body: PvltBody,
) -> Answer {
    let (why, ttl) = (q.why()?, q.ttl()?);
    let specs = specs(&body)?;
    let objects: Vec<Option<String>> = specs
        .iter()
        .map(|s| match &s.source {
            TokenSource::Object(id) => Some(id.to_ascii_lowercase()),
            TokenSource::Fields(_) => None,
        })
        .collect();
    let ids = s
        .vault
        .tokenize_objects(&c.user, &collection, &specs, ttl, &why, &c.trace_id)
        .await
        .map_err(errors(&collection))?;
    Ok(Json(Value::Array(
        ids.into_iter()
            .zip(objects)
            .map(|(id, o)| match o {
                Some(o) => json!({ "token_id": id, "object_id": o }),
                None => json!({ "token_id": id }),
            })
            .collect(),
    )))
}

/// The selector of the query string (plural names, and the seed's singular ones).
fn selector(q: &DataParams) -> TokenSelector {
    let both = |a: &Option<String>, b: &Option<String>| {
        let mut v = list(a.as_deref());
        v.extend(list(b.as_deref()));
        v
    };
    TokenSelector {
        token_ids: both(&q.token_ids, &q.token_id),
        object_ids: both(&q.object_ids, &q.object_id),
        tags: both(&q.tags, &q.tag),
        archived: q.options().contains(&"archived"),
    }
}

fn time(t: Option<i64>) -> Value {
    t.map_or(Value::Null, |t| Value::from(rfc3339(t)))
}

/// A token's metadata in the shapes of both revisions (flat fields, and `tokens[]`).
fn metadata(v: &TokenView) -> Value {
    let r = &v.record;
    let mut m = json!({
        "token_id": r.id,
        "type": r.token_type.as_str(),
        "scope": r.scope,
        "reversible": r.reversible,
        "props": r.props,
        "tags": r.tags,
        "object_ids": r.object_id.iter().collect::<Vec<_>>(),
        "creation_time": rfc3339(r.created_at),
        "modification_time": rfc3339(r.modified_at),
        "expiration_time": time(r.expires_at),
        "effective_expiration_time": time(v.effective_expires_at),
        "tokens": [{
            "object_id": r.object_id,
            "tags": r.tags,
            "creation_time": rfc3339(r.created_at),
            "expiration_time": time(r.expires_at),
            "effective_expiration_time": time(v.effective_expires_at),
        }],
        "agg": { "max_effective_expiration_time": time(v.effective_expires_at) },
    });
    if let (Some(o), Some(tpl)) = (m.as_object_mut(), r.template.as_str()) {
        o.insert("fptemplate".into(), tpl.into());
    }
    if let (Some(o), Some(d)) = (m.as_object_mut(), r.deleted_at) {
        o.insert("deletion_time".into(), rfc3339(d).into());
    }
    m
}

pub(crate) async fn detokenize(
    State(s): St,
    c: PvltCaller,
    Path(collection): Path<String>,
    PvltQuery(q): PvltQuery<DataParams>,
) -> Answer {
    let why = q.why()?;
    let reveal = Reveal {
        props: list(q.props.as_deref()),
        include_metadata: q.options().contains(&"include_metadata"),
    };
    let found = s
        .vault
        .detokenize_objects(
            &c.user,
            &collection,
            &selector(&q),
            &reveal,
            &why,
            &c.trace_id,
        )
        .await
        .map_err(errors(&collection))?;
    Ok(Json(Value::Array(
        found
            .into_iter()
            .map(|d| {
                let mut out = json!({ "token_id": d.token_id, "fields": d.fields });
                if let (Some(o), Some(m)) = (out.as_object_mut(), &d.metadata) {
                    o.insert("metadata".into(), metadata(m));
                }
                out
            })
            .collect(),
    )))
}

/// `{"tags": [...]}` (the later revision's other fields are refused).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateBody {
    tags: Option<Vec<String>>,
}

pub(crate) async fn update(
    State(s): St,
    c: PvltCaller,
    Path(collection): Path<String>,
    PvltQuery(q): PvltQuery<DataParams>,
    body: PvltBody,
) -> Answer {
    let (why, ttl) = (q.why()?, q.ttl()?);
    let b: UpdateBody = if body.bytes.iter().all(u8::is_ascii_whitespace) {
        UpdateBody::default()
    } else {
        serde_json::from_slice(&body.bytes).map_err(|e| bad_json(&e))?
    };
    let update = TokenUpdate {
        tags: b.tags,
        ttl_seconds: ttl,
    };
    s.vault
        .update_tokens(
            &c.user,
            &collection,
            &selector(&q),
            &update,
            &why,
            &c.trace_id,
        )
        .await
        .map_err(errors(&collection))?;
    Ok(Json(json!({})))
}

pub(crate) async fn delete(
    State(s): St,
    c: PvltCaller,
    Path(collection): Path<String>,
    PvltQuery(q): PvltQuery<DataParams>,
) -> Answer {
    let why = q.why()?;
    let hard = q.options().contains(&"hard_delete");
    s.vault
        .delete_tokens(&c.user, &collection, &selector(&q), hard, &why, &c.trace_id)
        .await
        .map_err(errors(&collection))?;
    Ok(Json(json!({})))
}

pub(crate) async fn rotate(
    State(s): St,
    c: PvltCaller,
    Path(collection): Path<String>,
    PvltQuery(q): PvltQuery<DataParams>,
) -> Answer {
    let why = q.why()?;
    let sel = selector(&q);
    if sel.token_ids.is_empty() {
        return Err(PvltError::bad_request(
            "name the tokens to rotate in token_ids",
        ));
    }
    let pairs = s
        .vault
        .rotate_tokens(&c.user, &collection, &sel.token_ids, &why, &c.trace_id)
        .await
        .map_err(errors(&collection))?;
    Ok(Json(Value::Object(
        pairs
            .into_iter()
            .map(|(old, new)| (old, Value::from(new)))
            .collect(),
    )))
}

/// `{"token_ids", "object_ids", "tags"}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchBody {
    #[serde(default)]
    token_ids: Vec<String>,
    #[serde(default)]
    object_ids: Vec<String>,
    #[serde(default)]
    tags: Vec<String>,
}

pub(crate) async fn search(
    State(s): St,
    c: PvltCaller,
    Path(collection): Path<String>,
    PvltQuery(q): PvltQuery<DataParams>,
    body: PvltBody,
) -> Answer {
    let why = q.why()?;
    let b: SearchBody = serde_json::from_slice(&body.bytes).map_err(|e| bad_json(&e))?;
    let sel = TokenSelector {
        token_ids: b.token_ids,
        object_ids: b.object_ids,
        tags: b.tags,
        archived: q.options().contains(&"archived"),
    };
    let found = s
        .vault
        .token_metadata(&c.user, &collection, &sel, &why, &c.trace_id)
        .await
        .map_err(errors(&collection))?;
    Ok(Json(Value::Array(found.iter().map(metadata).collect())))
}

pub(crate) async fn count(
    State(s): St,
    c: PvltCaller,
    Path(collection): Path<String>,
    PvltQuery(q): PvltQuery<DataParams>,
) -> Answer {
    let why = q.why()?;
    let n = s
        .vault
        .count_tokens(&c.user, &collection, &why, &c.trace_id)
        .await
        .map_err(errors(&collection))?;
    Ok(Json(json!({
        "active": n.active,
        "archived": n.archived,
        "total": n.active + n.archived,
    })))
}
