//! An object-vault token as the columns both SQL backends store: lists as JSON text, the
//! type and id template by name, the sealed values as three nullable columns.

use tokenvault_core::{
    objects::{IdTemplate, ObjectTokenRecord, SealedValues, TokenType},
    store::StoreError,
};

/// The column list, in the order of [`TokenRow`].
pub(crate) const OBJECT_TOKEN_COLUMNS: &str = "id, collection, token_type, object_id, props, \
    scope, reversible, reuse, tags, template, key_version, wrapped_dek, sealed, created_at, \
    modified_at, expires_at, deleted_at, version";

/// A token's columns.
#[derive(Debug, Clone)]
pub(crate) struct TokenRow {
    pub id: String,
    pub collection: String,
    pub token_type: String,
    pub object_id: Option<String>,
    pub props: String,
    pub scope: String,
    pub reversible: bool,
    pub reuse: Option<Vec<u8>>,
    pub tags: String,
    pub template: Option<String>,
    pub key_version: Option<i64>,
    pub wrapped_dek: Option<Vec<u8>>,
    pub sealed: Option<Vec<u8>>,
    pub created_at: i64,
    pub modified_at: i64,
    pub expires_at: Option<i64>,
    pub deleted_at: Option<i64>,
    pub version: i64,
}

fn corrupt() -> StoreError {
    StoreError::Corrupt {
        what: "object token row",
    }
}

impl TokenRow {
    /// The columns of a record.
    pub(crate) fn of(r: &ObjectTokenRecord) -> Self {
        let list = |v: &[String]| serde_json::Value::from(v.to_vec()).to_string();
        Self {
            id: r.id.clone(),
            collection: r.collection.clone(),
            token_type: r.token_type.as_str().to_owned(),
            object_id: r.object_id.clone(),
            props: list(&r.props),
            scope: r.scope.clone(),
            reversible: r.reversible,
            reuse: r.reuse.map(|d| d.to_vec()),
            tags: list(&r.tags),
            template: r.template.as_str().map(str::to_owned),
            key_version: r.values.as_ref().map(|v| i64::from(v.key_version)),
            wrapped_dek: r.values.as_ref().map(|v| v.wrapped_dek.clone()),
            sealed: r.values.as_ref().map(|v| v.sealed.clone()),
            created_at: r.created_at,
            modified_at: r.modified_at,
            expires_at: r.expires_at,
            deleted_at: r.deleted_at,
            version: r.version,
        }
    }

    /// The record these columns hold; `Corrupt` when one does not read back.
    pub(crate) fn record(self) -> Result<ObjectTokenRecord, StoreError> {
        let list = |s: &str| serde_json::from_str::<Vec<String>>(s).map_err(|_| corrupt());
        let template = match self.template.as_deref() {
            None => IdTemplate::Uuid,
            Some("primary_account_number") => IdTemplate::PrimaryAccountNumber,
            Some(_) => return Err(corrupt()),
        };
        let values = match (self.key_version, self.wrapped_dek, self.sealed) {
            (Some(v), Some(wrapped_dek), Some(sealed)) => Some(SealedValues {
                key_version: u32::try_from(v).map_err(|_| corrupt())?,
                wrapped_dek,
                sealed,
            }),
            (None, None, None) => None,
            _ => return Err(corrupt()),
        };
        let reuse = match self.reuse {
            None => None,
            Some(d) => Some(<[u8; 32]>::try_from(d.as_slice()).map_err(|_| corrupt())?),
        };
        Ok(ObjectTokenRecord {
            token_type: TokenType::parse(&self.token_type).ok_or_else(corrupt)?,
            props: list(&self.props)?,
            tags: list(&self.tags)?,
            id: self.id,
            collection: self.collection,
            object_id: self.object_id,
            scope: self.scope,
            reversible: self.reversible,
            reuse,
            template,
            values,
            created_at: self.created_at,
            modified_at: self.modified_at,
            expires_at: self.expires_at,
            deleted_at: self.deleted_at,
            version: self.version,
        })
    }
}
