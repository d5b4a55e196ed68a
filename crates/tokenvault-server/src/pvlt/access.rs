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
}

impl PvltEndpoint {
    /// Every endpoint.
    pub const ALL: [PvltEndpoint; 5] = [
        PvltEndpoint::CollectionList,
        PvltEndpoint::CollectionCreate,
        PvltEndpoint::CollectionGet,
        PvltEndpoint::CollectionUpdate,
        PvltEndpoint::CollectionDelete,
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
