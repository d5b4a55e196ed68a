//! `/data/collections/{collection}/…objects`: add (one or bulk), list, get, update, delete,
//! and exact-match query. Every call states a `reason` (400 `PV1001` without one).

use std::sync::Arc;

use axum::{
    extract::{Path, State},
    http::StatusCode,
    Json,
};
use serde_json::{json, Map, Value};
use tokenvault_core::service::{
    AccessReason, PageRequest, Selection, ServiceError, MAX_OBJECT_PAGE, MAX_TOKEN_TTL_SECONDS,
};

use super::{
    error::PvltError,
    extract::{PvltBody, PvltCaller, PvltQuery},
};
use crate::AppState;

type St = State<Arc<AppState>>;
type Answer = Result<Json<Value>, PvltError>;

/// The access reasons of Piiano Vault.
pub(crate) const REASONS: [&str; 10] = [
    "AppFunctionality",
    "Analytics",
    "Notifications",
    "Marketing",
    "ThirdPartyMarketing",
    "FraudPreventionSecurityAndCompliance",
    "AccountManagement",
    "Maintenance",
    "DataSubjectRequest",
    "Other",
];

/// The query parameters of data calls.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DataParams {
    reason: Option<String>,
    adhoc_reason: Option<String>,
    /// Accepted and ignored: tokenvault has no cache to reload (the store is read on every call).
    #[allow(dead_code)]
    reload_cache: Option<String>,
    pub(crate) props: Option<String>,
    options: Option<String>,
    ids: Option<String>,
    id: Option<String>,
    page_size: Option<String>,
    cursor: Option<String>,
    ttl: Option<String>,
    expiration_secs: Option<String>,
    /// Generated clients always send `import=false`; importing built-in values is refused.
    import: Option<String>,
    pub(crate) token_ids: Option<String>,
    pub(crate) token_id: Option<String>,
    pub(crate) object_ids: Option<String>,
    pub(crate) object_id: Option<String>,
    pub(crate) tags: Option<String>,
    pub(crate) tag: Option<String>,
}

/// A comma-separated list, blanks dropped.
pub(crate) fn comma_list(v: Option<&str>) -> Vec<String> {
    v.map(|s| {
        s.split(',')
            .map(|i| i.trim().to_owned())
            .filter(|i| !i.is_empty())
            .collect()
    })
    .unwrap_or_default()
}

impl DataParams {
    pub(crate) fn why(&self) -> Result<AccessReason, PvltError> {
        let missing = || {
            PvltError::new(
                StatusCode::BAD_REQUEST,
                "PV1001",
                format!("send reason, one of {}", REASONS.join(", ")),
            )
        };
        let reason = self.reason.as_deref().ok_or_else(missing)?;
        if !REASONS.contains(&reason) {
            return Err(missing());
        }
        let adhoc = self
            .adhoc_reason
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty());
        if reason == "Other" && adhoc.is_none() {
            return Err(PvltError::new(
                StatusCode::BAD_REQUEST,
                "PV1001",
                "reason Other needs adhoc_reason",
            ));
        }
        if self.import.as_deref().is_some_and(|i| i != "false") {
            return Err(PvltError::bad_request(
                "import is not supported: built-in times are set by the vault",
            ));
        }
        if adhoc.is_some_and(|a| a.chars().count() > 450) {
            return Err(PvltError::bad_request(
                "adhoc_reason is at most 450 characters",
            ));
        }
        Ok(AccessReason {
            reason: reason.to_owned(),
            adhoc_reason: adhoc.map(str::to_owned),
        })
    }

    pub(crate) fn options(&self) -> Vec<&str> {
        self.options
            .as_deref()
            .map(|o| {
                o.split(',')
                    .map(str::trim)
                    .filter(|o| !o.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }

    fn selection(&self) -> Result<Selection, PvltError> {
        if self.options().contains(&"unsafe") {
            if self.props.is_some() {
                return Err(PvltError::bad_request(
                    "send props or options=unsafe, not both",
                ));
            }
            return Ok(Selection::All);
        }
        let props: Vec<String> = self
            .props
            .as_deref()
            .map(|p| {
                p.split(',')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        Ok(Selection::Props(props))
    }

    pub(crate) fn ttl(&self) -> Result<Option<i64>, PvltError> {
        match self.ttl.as_deref().or(self.expiration_secs.as_deref()) {
            None | Some("") => Ok(None),
            Some(t) => t
                .parse::<i64>()
                .ok()
                .filter(|t| (1..=MAX_TOKEN_TTL_SECONDS).contains(t))
                .map(Some)
                .ok_or_else(|| {
                    PvltError::bad_request("ttl is a number of seconds from 1 to ten years")
                }),
        }
    }

    fn page(&self) -> Result<PageRequest, PvltError> {
        let size = match self.page_size.as_deref() {
            None => 100,
            Some(s) => s
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_OBJECT_PAGE).contains(n))
                .ok_or_else(|| {
                    PvltError::bad_request(format!("page_size is 1 to {MAX_OBJECT_PAGE}"))
                })?,
        };
        let cursor = match self.cursor.as_deref() {
            None | Some("") => None,
            Some(c) => Some(
                c.parse::<i64>()
                    .map_err(|_| PvltError::bad_request("cursor is not one this vault issued"))?,
            ),
        };
        Ok(PageRequest { cursor, size })
    }
}

pub(crate) fn object_body(body: &PvltBody) -> Result<Value, PvltError> {
    serde_json::from_slice(&body.bytes)
        .map_err(|e| PvltError::bad_request(crate::error::describe_json_error(&e)))
}

fn as_object(v: Value) -> Result<Map<String, Value>, PvltError> {
    match v {
        Value::Object(m) => Ok(m),
        _ => Err(PvltError::bad_request(
            "an object is a JSON object of property values",
        )),
    }
}

fn errors(collection: &str) -> impl Fn(ServiceError) -> PvltError + '_ {
    move |e| match e {
        ServiceError::NotFound("collection") => PvltError::collection_not_found(collection),
        ServiceError::NotFound(_) => {
            PvltError::new(StatusCode::NOT_FOUND, "PV1013", "the object was not found")
        }
        other => other.into(),
    }
}

fn page(results: Vec<Map<String, Value>>, cursor: Option<i64>) -> Value {
    json!({
        "results": results.iter().map(|m| Value::Object(m.clone())).collect::<Vec<_>>(),
        "paging": {
            "size": results.len(),
            "remaining_count": usize::from(cursor.is_some()),
            "cursor": cursor.map(|c| c.to_string()).unwrap_or_default(),
        }
    })
}

pub(crate) async fn add(
    State(s): St,
    c: PvltCaller,
    Path(collection): Path<String>,
    PvltQuery(q): PvltQuery<DataParams>,
    body: PvltBody,
) -> Answer {
    let (why, ttl) = (q.why()?, q.ttl()?);
    let object = as_object(object_body(&body)?)?;
    let ids = s
        .vault
        .add_objects(&c.user, &collection, &[object], ttl, &why, &c.trace_id)
        .await
        .map_err(errors(&collection))?;
    // `_id` as the seed's revision answers, `id` as the later one's (ObjectID).
    Ok(Json(json!({ "_id": ids[0], "id": ids[0] })))
}

pub(crate) async fn add_bulk(
    State(s): St,
    c: PvltCaller,
    Path(collection): Path<String>,
    PvltQuery(q): PvltQuery<DataParams>,
    body: PvltBody,
) -> Answer {
    let (why, ttl) = (q.why()?, q.ttl()?);
    let list = match object_body(&body)? {
        Value::Array(a) => a,
        Value::Object(mut o) => match o.remove("objects") {
            Some(Value::Array(a)) => a,
            _ => {
                return Err(PvltError::bad_request(
                    "send an array of objects, or {\"objects\": [...]}",
                ))
            }
        },
        _ => return Err(PvltError::bad_request("send an array of objects")),
    };
    let objects = list
        .into_iter()
        .map(as_object)
        .collect::<Result<Vec<_>, _>>()?;
    let ids = s
        .vault
        .add_objects(&c.user, &collection, &objects, ttl, &why, &c.trace_id)
        .await
        .map_err(errors(&collection))?;
    // The later revision's BulkObjectResponse (all or none here, so every item is ok).
    let results: Vec<Value> = ids
        .iter()
        .map(|id| json!({ "ok": true, "id": id, "_id": id }))
        .collect();
    Ok(Json(json!({ "ok": true, "results": results })))
}

pub(crate) async fn list(
    State(s): St,
    c: PvltCaller,
    Path(collection): Path<String>,
    PvltQuery(q): PvltQuery<DataParams>,
) -> Answer {
    let (why, selection) = (q.why()?, q.selection()?);
    if let Some(ids) = q.ids.as_deref().or(q.id.as_deref()) {
        let ids = comma_list(Some(ids));
        let found = s
            .vault
            .get_objects(&c.user, &collection, &ids, &selection, &why, &c.trace_id)
            .await
            .map_err(errors(&collection))?;
        return Ok(Json(page(found, None)));
    }
    let p = s
        .vault
        .list_objects(
            &c.user,
            &collection,
            &selection,
            q.page()?,
            &why,
            &c.trace_id,
        )
        .await
        .map_err(errors(&collection))?;
    Ok(Json(page(p.results, p.cursor)))
}

pub(crate) async fn get(
    State(s): St,
    c: PvltCaller,
    Path((collection, id)): Path<(String, String)>,
    PvltQuery(q): PvltQuery<DataParams>,
) -> Answer {
    let (why, selection) = (q.why()?, q.selection()?);
    let found = s
        .vault
        .get_objects(&c.user, &collection, &[id], &selection, &why, &c.trace_id)
        .await
        .map_err(errors(&collection))?;
    let first = found
        .into_iter()
        .next()
        .ok_or_else(|| errors(&collection)(ServiceError::NotFound("object")))?;
    Ok(Json(Value::Object(first)))
}

pub(crate) async fn update(
    State(s): St,
    c: PvltCaller,
    Path((collection, id)): Path<(String, String)>,
    PvltQuery(q): PvltQuery<DataParams>,
    body: PvltBody,
) -> Answer {
    let why = q.why()?;
    let changes = as_object(object_body(&body)?)?;
    s.vault
        .update_object(&c.user, &collection, &id, &changes, &why, &c.trace_id)
        .await
        .map_err(errors(&collection))?;
    Ok(Json(json!({})))
}

pub(crate) async fn delete(
    State(s): St,
    c: PvltCaller,
    Path((collection, id)): Path<(String, String)>,
    PvltQuery(q): PvltQuery<DataParams>,
) -> Answer {
    let why = q.why()?;
    let hard = q.options().contains(&"hard_delete");
    s.vault
        .delete_object(&c.user, &collection, &id, hard, &why, &c.trace_id)
        .await
        .map_err(errors(&collection))?;
    Ok(Json(json!({})))
}

/// `{"match": {prop: value, …}, "in": {prop: [values], …}}`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct QueryBody {
    #[serde(default, rename = "match")]
    exact: Map<String, Value>,
    #[serde(default, rename = "in")]
    any_of: Map<String, Value>,
}

pub(crate) async fn query(
    State(s): St,
    c: PvltCaller,
    Path(collection): Path<String>,
    PvltQuery(q): PvltQuery<DataParams>,
    body: PvltBody,
) -> Answer {
    let (why, selection) = (q.why()?, q.selection()?);
    let b: QueryBody = serde_json::from_slice(&body.bytes)
        .map_err(|e| PvltError::bad_request(crate::error::describe_json_error(&e)))?;
    let mut matches: Vec<(String, Vec<Value>)> =
        b.exact.into_iter().map(|(k, v)| (k, vec![v])).collect();
    for (k, v) in b.any_of {
        match v {
            Value::Array(values) if !values.is_empty() && values.len() <= 1000 => {
                matches.push((k, values))
            }
            _ => {
                return Err(PvltError::bad_request(
                    "each \"in\" entry is a list of 1 to 1000 values",
                ))
            }
        }
    }
    let found = s
        .vault
        .query_objects(
            &c.user,
            &collection,
            &matches,
            &selection,
            &why,
            &c.trace_id,
        )
        .await
        .map_err(errors(&collection))?;
    Ok(Json(page(found, None)))
}

pub(crate) async fn count(
    State(s): St,
    c: PvltCaller,
    Path(collection): Path<String>,
    PvltQuery(q): PvltQuery<DataParams>,
) -> Answer {
    q.why()?;
    let n = s
        .vault
        .count_objects(&c.user, &collection)
        .await
        .map_err(errors(&collection))?;
    Ok(Json(json!({
        "active": n.active,
        "archived": n.archived,
        "total": n.active + n.archived,
    })))
}
