//! The object vault as the dashboard shows it: collections with their token counts, and pages
//! of objects with every property masked where its type has a mask and left out where it has
//! none. The dashboard's own permission (`vault:read`) admits the caller; the reads are audited
//! like any object-vault read, with the reason `Maintenance`. No plaintext leaves this way:
//! revealing a value stays the grant flow of the tokens API.

use super::{AccessReason, Caller, ObjectPage, PageRequest, Selection, ServiceError, Vault};
use crate::objects::{Collection, TokenCounts};

/// Objects per dashboard page.
pub const DASHBOARD_OBJECT_PAGE: usize = 20;

fn reason() -> AccessReason {
    AccessReason {
        reason: "Maintenance".into(),
        adhoc_reason: Some("dashboard".into()),
    }
}

/// A page of masked objects and the properties left out (no mask for their type).
#[derive(Debug, Clone, PartialEq)]
pub struct MaskedObjects {
    /// The page.
    pub page: ObjectPage,
    /// Properties not shown.
    pub hidden: Vec<String>,
}

impl Vault {
    /// The tenant's collections, each with its token counts.
    pub async fn dashboard_collections(
        &self,
        caller: &Caller,
        trace_id: &str,
    ) -> Result<Vec<(Collection, TokenCounts)>, ServiceError> {
        let user = self.operator_user(caller);
        let mut out = Vec::new();
        for c in self.list_collections(&user).await? {
            let counts = self
                .count_tokens(&user, &c.name, &reason(), trace_id)
                .await?;
            out.push((c, counts));
        }
        Ok(out)
    }

    /// A page of a collection's objects, masked.
    pub async fn dashboard_objects(
        &self,
        caller: &Caller,
        collection: &str,
        cursor: Option<i64>,
        trace_id: &str,
    ) -> Result<MaskedObjects, ServiceError> {
        let user = self.operator_user(caller);
        let c = self.get_collection(&user, collection).await?;
        let mut props = vec!["_id".to_owned(), "_creation_time".to_owned()];
        let mut hidden = Vec::new();
        for p in &c.properties {
            if p.data_type.has_mask() {
                props.push(format!("{}.mask", p.name));
            } else {
                hidden.push(p.name.clone());
            }
        }
        let page = self
            .list_objects(
                &user,
                collection,
                &Selection::Props(props),
                PageRequest {
                    cursor,
                    size: DASHBOARD_OBJECT_PAGE,
                },
                &reason(),
                trace_id,
            )
            .await?;
        Ok(MaskedObjects { page, hidden })
    }
}
