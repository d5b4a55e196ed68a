//! `/ctl/collections`: create (JSON or PVSchema), list, get (`format=json|pvschema`,
//! `options=show_builtins`), add properties (PATCH), delete.

use std::sync::Arc;

use axum::{
    extract::{Path, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde_json::{json, Value};
use tokenvault_core::{
    clock::rfc3339,
    objects::{parse_pvschema, to_pvschema, Collection, CollectionSpec, Property},
    service::ServiceError,
};

use super::{
    error::PvltError,
    extract::{PvltBody, PvltCaller, PvltQuery},
};
use crate::AppState;

type St = State<Arc<AppState>>;

fn property_json(p: &Property) -> Value {
    json!({
        "name": p.name, "data_type_name": p.data_type.as_str(), "description": p.description,
        "is_unique": p.is_unique, "is_index": p.is_index, "is_encrypted": p.is_encrypted,
        "is_nullable": p.is_nullable, "is_builtin": p.is_builtin, "is_readonly": p.is_readonly,
        "creation_time": rfc3339(p.creation_time), "modification_time": rfc3339(p.modification_time),
    })
}

fn collection_json(c: &Collection, builtins: bool) -> Value {
    let shown = if builtins { c.builtins() } else { Vec::new() };
    let properties: Vec<Value> = shown
        .iter()
        .chain(&c.properties)
        .map(property_json)
        .collect();
    json!({
        "name": c.name, "type": c.kind.as_str(), "properties": properties,
        "creation_time": rfc3339(c.creation_time), "modification_time": rfc3339(c.modification_time),
    })
}

/// `format` and `options` of a read.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReadParams {
    format: Option<String>,
    options: Option<String>,
}

impl ReadParams {
    fn builtins(&self) -> Result<bool, PvltError> {
        match self.options.as_deref() {
            None | Some("") => Ok(false),
            Some("show_builtins") => Ok(true),
            Some(_) => Err(PvltError::bad_request("options must be show_builtins")),
        }
    }

    fn pvschema(&self) -> Result<bool, PvltError> {
        match self.format.as_deref() {
            None | Some("json") => Ok(false),
            Some("pvschema") => Ok(true),
            Some(_) => Err(PvltError::bad_request("format must be json or pvschema")),
        }
    }
}

fn render(c: &Collection, p: &ReadParams) -> Result<Response, PvltError> {
    let builtins = p.builtins()?;
    if p.pvschema()? {
        let text = to_pvschema(c, builtins);
        return Ok(([(header::CONTENT_TYPE, "application/pvschema")], text).into_response());
    }
    Ok(Json(collection_json(c, builtins)).into_response())
}

/// A collection definition from a JSON or PVSchema body (PVSchema by its content type, or by
/// `format=pvschema`, which generated clients send as a JSON string).
fn spec(body: &PvltBody, p: &ReadParams) -> Result<CollectionSpec, PvltError> {
    if body.content_type.starts_with("application/pvschema") || p.pvschema()? {
        let text = std::str::from_utf8(&body.bytes)
            .map_err(|_| PvltError::bad_request("the PVSchema text is not UTF-8"))?;
        let unquoted = match serde_json::from_str::<Value>(text) {
            Ok(Value::String(s)) => s,
            _ => text.to_owned(),
        };
        return parse_pvschema(&unquoted).map_err(|e| PvltError::bad_request(e.to_string()));
    }
    serde_json::from_slice(&body.bytes)
        .map_err(|e| PvltError::bad_request(crate::error::describe_json_error(&e)))
}

fn collection_error(name: &str) -> impl Fn(ServiceError) -> PvltError + '_ {
    move |e| match e {
        ServiceError::NotFound(_) => PvltError::collection_not_found(name),
        other => other.into(),
    }
}

pub(crate) async fn list(
    State(s): St,
    c: PvltCaller,
    PvltQuery(p): PvltQuery<ReadParams>,
) -> Result<Response, PvltError> {
    let builtins = p.builtins()?;
    if p.pvschema()? {
        let text: String = s
            .vault
            .list_collections(&c.user)
            .await?
            .iter()
            .map(|col| to_pvschema(col, builtins))
            .collect::<Vec<_>>()
            .join("\n");
        return Ok(([(header::CONTENT_TYPE, "application/pvschema")], text).into_response());
    }
    let all = s.vault.list_collections(&c.user).await?;
    let list: Vec<Value> = all
        .iter()
        .map(|col| collection_json(col, builtins))
        .collect();
    Ok(Json(Value::Array(list)).into_response())
}

pub(crate) async fn create(
    State(s): St,
    c: PvltCaller,
    PvltQuery(p): PvltQuery<ReadParams>,
    body: PvltBody,
) -> Result<Response, PvltError> {
    let created = s
        .vault
        .create_collection(&c.user, &spec(&body, &p)?, &c.trace_id)
        .await?;
    let mut r = render(&created, &p)?;
    *r.status_mut() = StatusCode::OK;
    Ok(r)
}

pub(crate) async fn get(
    State(s): St,
    c: PvltCaller,
    Path(name): Path<String>,
    PvltQuery(p): PvltQuery<ReadParams>,
) -> Result<Response, PvltError> {
    let col = s
        .vault
        .get_collection(&c.user, &name)
        .await
        .map_err(collection_error(&name))?;
    render(&col, &p)
}

pub(crate) async fn update(
    State(s): St,
    c: PvltCaller,
    Path(name): Path<String>,
    PvltQuery(p): PvltQuery<ReadParams>,
    body: PvltBody,
) -> Result<Response, PvltError> {
    let spec = spec(&body, &p)?;
    if !spec.name.eq_ignore_ascii_case(&name) {
        return Err(PvltError::bad_request(
            "the body's name must be the collection's name in the path",
        ));
    }
    let col = s
        .vault
        .add_properties(&c.user, &name, &spec.properties, &c.trace_id)
        .await
        .map_err(collection_error(&name))?;
    render(&col, &p)
}

pub(crate) async fn delete(
    State(s): St,
    c: PvltCaller,
    Path(name): Path<String>,
) -> Result<Response, PvltError> {
    s.vault
        .delete_collection(&c.user, &name, &c.trace_id)
        .await
        .map_err(collection_error(&name))?;
    Ok(StatusCode::OK.into_response())
}
