//! Who may call each object-vault endpoint: the one table of routes and the capability each
//! needs. `PvltCaller` enforces it for every route, before the body is read; `docs/objects.md`
//! prints it (a test keeps the two equal).

use tokenvault_core::objects::Capability;

/// Every authenticated endpoint of the object vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PvltEndpoint {
    /// `GET /ctl/collections`.
    CollectionList,
    /// `POST /ctl/collections`.
    CollectionCreate,
    /// `GET /ctl/collections/{collection}`.
    CollectionGet,
    /// `PATCH /ctl/collections/{collection}`.
    CollectionUpdate,
    /// `DELETE /ctl/collections/{collection}`.
    CollectionDelete,
    /// `POST /data/collections/{collection}/objects`.
    ObjectAdd,
    /// `POST /data/collections/{collection}/bulk/objects`.
    ObjectAddBulk,
    /// `GET /data/collections/{collection}/objects`.
    ObjectList,
    /// `GET /data/collections/{collection}/objects/{id}`.
    ObjectGet,
    /// `PATCH /data/collections/{collection}/objects/{id}`.
    ObjectUpdate,
    /// `DELETE /data/collections/{collection}/objects/{id}`.
    ObjectDelete,
    /// `POST /data/collections/{collection}/query/objects`.
    ObjectQuery,
    /// `GET /data/collections/{collection}/count/objects`.
    ObjectCount,
    /// `POST /data/collections/{collection}/tokens`.
    TokenTokenize,
    /// `GET /data/collections/{collection}/tokens`.
    TokenDetokenize,
    /// `PATCH /data/collections/{collection}/tokens`.
    TokenUpdate,
    /// `DELETE /data/collections/{collection}/tokens`.
    TokenDelete,
    /// `POST /data/collections/{collection}/rotate/tokens`.
    TokenRotate,
    /// `POST /data/collections/{collection}/query/tokens`.
    TokenSearch,
    /// `GET /data/collections/{collection}/count/tokens`.
    TokenCount,
    /// `GET /ctl/iam/conf`.
    IamGet,
    /// `POST /ctl/iam/conf`.
    IamSet,
    /// `POST /ctl/iam/user/regen`.
    IamRegen,
}

impl PvltEndpoint {
    /// Every endpoint.
    pub const ALL: [PvltEndpoint; 23] = [
        PvltEndpoint::CollectionList,
        PvltEndpoint::CollectionCreate,
        PvltEndpoint::CollectionGet,
        PvltEndpoint::CollectionUpdate,
        PvltEndpoint::CollectionDelete,
        PvltEndpoint::ObjectAdd,
        PvltEndpoint::ObjectAddBulk,
        PvltEndpoint::ObjectList,
        PvltEndpoint::ObjectGet,
        PvltEndpoint::ObjectUpdate,
        PvltEndpoint::ObjectDelete,
        PvltEndpoint::ObjectQuery,
        PvltEndpoint::ObjectCount,
        PvltEndpoint::TokenTokenize,
        PvltEndpoint::TokenDetokenize,
        PvltEndpoint::TokenUpdate,
        PvltEndpoint::TokenDelete,
        PvltEndpoint::TokenRotate,
        PvltEndpoint::TokenSearch,
        PvltEndpoint::TokenCount,
        PvltEndpoint::IamGet,
        PvltEndpoint::IamSet,
        PvltEndpoint::IamRegen,
    ];

    /// `METHOD path` under `/api/pvlt/1.0`, and the capability it needs.
    pub fn access(self) -> (&'static str, Capability) {
        use Capability as C;
        use PvltEndpoint as E;
        match self {
            E::CollectionList => ("GET /ctl/collections", C::CollectionsReader),
            E::CollectionCreate => ("POST /ctl/collections", C::CollectionsWriter),
            E::CollectionGet => ("GET /ctl/collections/{collection}", C::CollectionsReader),
            E::CollectionUpdate => ("PATCH /ctl/collections/{collection}", C::CollectionsWriter),
            E::CollectionDelete => ("DELETE /ctl/collections/{collection}", C::CollectionsWriter),
            E::ObjectAdd => ("POST /data/collections/{collection}/objects", C::DataWriter),
            E::ObjectAddBulk => (
                "POST /data/collections/{collection}/bulk/objects",
                C::DataWriter,
            ),
            E::ObjectList => ("GET /data/collections/{collection}/objects", C::DataReader),
            E::ObjectGet => (
                "GET /data/collections/{collection}/objects/{id}",
                C::DataReader,
            ),
            E::ObjectUpdate => (
                "PATCH /data/collections/{collection}/objects/{id}",
                C::DataWriter,
            ),
            E::ObjectDelete => (
                "DELETE /data/collections/{collection}/objects/{id}",
                C::DataWriter,
            ),
            E::ObjectQuery => (
                "POST /data/collections/{collection}/query/objects",
                C::DataSearcher,
            ),
            E::ObjectCount => (
                "GET /data/collections/{collection}/count/objects",
                C::DataReader,
            ),
            E::TokenTokenize => (
                "POST /data/collections/{collection}/tokens",
                C::TokensWriter,
            ),
            E::TokenDetokenize => (
                "GET /data/collections/{collection}/tokens",
                C::TokensDetokenizer,
            ),
            E::TokenUpdate => (
                "PATCH /data/collections/{collection}/tokens",
                C::TokensWriter,
            ),
            E::TokenDelete => (
                "DELETE /data/collections/{collection}/tokens",
                C::TokensWriter,
            ),
            E::TokenRotate => (
                "POST /data/collections/{collection}/rotate/tokens",
                C::TokensWriter,
            ),
            E::TokenSearch => (
                "POST /data/collections/{collection}/query/tokens",
                C::TokensReader,
            ),
            E::TokenCount => (
                "GET /data/collections/{collection}/count/tokens",
                C::TokensReader,
            ),
            E::IamGet => ("GET /ctl/iam/conf", C::IamReader),
            E::IamSet => ("POST /ctl/iam/conf", C::IamWriter),
            E::IamRegen => ("POST /ctl/iam/user/regen", C::IamWriter),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::PvltEndpoint;

    /// `docs/objects.md` prints the table; it must be the code's.
    #[test]
    fn the_docs_table_matches_the_code() {
        let doc = include_str!("../../../../docs/objects.md");
        for e in PvltEndpoint::ALL {
            let (route, cap) = e.access();
            let row = format!("| `{route}` | `{}` |", cap.as_str());
            assert!(doc.contains(&row), "docs/objects.md lacks the row {row}");
        }
        let rows = doc
            .lines()
            .filter(|l| l.starts_with("| `") && l.contains("| `Cap"))
            .count();
        assert_eq!(
            rows,
            PvltEndpoint::ALL.len(),
            "the docs table has rows the code does not"
        );
    }
}

#[cfg(test)]
mod openapi {
    use super::PvltEndpoint;

    /// `docs/openapi-pvlt.json` documents every endpoint of the table, with its capability.
    #[test]
    fn every_endpoint_is_in_the_openapi_document() {
        let doc: serde_json::Value =
            serde_json::from_str(include_str!("../../../../docs/openapi-pvlt.json")).unwrap();
        for e in PvltEndpoint::ALL {
            let (route, cap) = e.access();
            let (method, path) = route.split_once(' ').unwrap();
            let op = &doc["paths"][path][method.to_lowercase()];
            assert!(op.is_object(), "{route} is not in docs/openapi-pvlt.json");
            assert!(
                op["description"]
                    .as_str()
                    .unwrap_or_default()
                    .contains(cap.as_str()),
                "{route}: the document does not name {}",
                cap.as_str()
            );
        }
    }
}
