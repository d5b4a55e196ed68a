//! Tokens of the object vault (seed 004): what a token refers to, the names its types go by
//! in both revisions of the API, how a reusable token is recognised, and the rules of
//! re-tokenizing (tags appended, expiry moved).

use serde_json::Value;

use crate::{clock::UnixSeconds, keys::TenantKeyring};

/// Most tags on one token (the seed: "Maximum 10").
pub const MAX_TAGS: usize = 10;
/// Longest tag, in characters.
pub const MAX_TAG_CHARS: usize = 128;
/// Longest scope, in characters.
pub const MAX_SCOPE_CHARS: usize = 256;
/// Most tokens one call creates, reads or changes.
pub const MAX_TOKENS_PER_CALL: usize = 1000;

/// What a token stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// The property values as they were when the token was made.
    Value,
    /// The object's property values when the token is detokenized.
    Pointer,
}

/// A token type by the name a request gave it: the seed's `VALUE`/`POINTER`, or the later
/// revision's `randomized`, `deterministic`, `pci`, `pci_oneway` and `pointer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenType {
    /// Seed: `VALUE`.
    Value,
    /// Seed: `POINTER`.
    Pointer,
    /// A VALUE token with a fresh id each time.
    Randomized,
    /// A VALUE token whose id is reused for the same object, values and scope.
    Deterministic,
    /// A deterministic VALUE token for card data.
    Pci,
    /// A deterministic VALUE token that cannot be detokenized.
    PciOneway,
    /// Later revision's name for POINTER.
    PointerLower,
}

impl TokenType {
    /// Every type, by its wire name.
    pub const ALL: [TokenType; 7] = [
        TokenType::Value,
        TokenType::Pointer,
        TokenType::Randomized,
        TokenType::Deterministic,
        TokenType::Pci,
        TokenType::PciOneway,
        TokenType::PointerLower,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenType::Value => "VALUE",
            TokenType::Pointer => "POINTER",
            TokenType::Randomized => "randomized",
            TokenType::Deterministic => "deterministic",
            TokenType::Pci => "pci",
            TokenType::PciOneway => "pci_oneway",
            TokenType::PointerLower => "pointer",
        }
    }

    /// By wire name (exact).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Value or pointer.
    pub fn kind(self) -> TokenKind {
        match self {
            TokenType::Pointer | TokenType::PointerLower => TokenKind::Pointer,
            _ => TokenKind::Value,
        }
    }

    /// Whether the type itself asks for id reuse (the later revision's deterministic types;
    /// the seed's types take `reuse_token_id`).
    pub fn implies_reuse(self) -> bool {
        matches!(
            self,
            TokenType::Deterministic | TokenType::Pci | TokenType::PciOneway
        )
    }

    /// Whether the type itself forbids detokenizing.
    pub fn one_way(self) -> bool {
        self == TokenType::PciOneway
    }
}

/// How a token's id is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdTemplate {
    /// A random UUID (the default).
    Uuid,
    /// `primary_account_number`: a Luhn-valid 16-digit number keeping a card's first six and
    /// last four digits.
    PrimaryAccountNumber,
}

impl IdTemplate {
    /// The wire name of a template (none for UUIDs).
    pub fn as_str(self) -> Option<&'static str> {
        match self {
            IdTemplate::Uuid => None,
            IdTemplate::PrimaryAccountNumber => Some("primary_account_number"),
        }
    }
}

/// A token as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectTokenRecord {
    /// Its id: a UUID, or a PAN for the template.
    pub id: String,
    /// Its collection, lower-cased.
    pub collection: String,
    /// Its type, by the name it was made with.
    pub token_type: TokenType,
    /// The object it refers to (none for tokens of values sent inline).
    pub object_id: Option<String>,
    /// The properties it stands for, in the order asked.
    pub props: Vec<String>,
    /// Its scope.
    pub scope: String,
    /// Whether it can be detokenized.
    pub reversible: bool,
    /// The keyed digest that lets its id be reused (reusable tokens only).
    pub reuse: Option<[u8; 32]>,
    /// Its tags, in the order added.
    pub tags: Vec<String>,
    /// The id template it was made with.
    pub template: IdTemplate,
    /// VALUE tokens that can be detokenized: the values at creation, sealed.
    pub values: Option<super::SealedValues>,
    /// When made.
    pub created_at: UnixSeconds,
    /// When last changed.
    pub modified_at: UnixSeconds,
    /// Its own expiry.
    pub expires_at: Option<UnixSeconds>,
    /// When soft-deleted (archived).
    pub deleted_at: Option<UnixSeconds>,
    /// Bumped on every change (optimistic concurrency between nodes).
    pub version: i64,
}

impl ObjectTokenRecord {
    /// Not deleted and not past its own expiry.
    pub fn is_live(&self, now: UnixSeconds) -> bool {
        self.deleted_at.is_none() && !self.is_expired(now)
    }

    /// Past its own expiry.
    pub fn is_expired(&self, now: UnixSeconds) -> bool {
        self.expires_at.is_some_and(|e| e <= now)
    }

    /// The id sealed values are bound to (distinct from any object id).
    pub fn seal_id(id: &str) -> String {
        format!("token:{id}")
    }
}

/// One write of a token save, applied in order with the others, all or none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenChange {
    /// A new token.
    Insert(ObjectTokenRecord),
    /// The token `id`, if still at `version`, becomes `record` (whose id differs on rotation
    /// and whose version is `version + 1`).
    Replace {
        /// The token's id now.
        id: String,
        /// The version read.
        version: i64,
        /// What it becomes.
        record: ObjectTokenRecord,
    },
    /// The token `id` is removed for good (hard delete).
    Remove {
        /// The token's id.
        id: String,
    },
}

/// Which tokens a read selects, besides ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenFilter {
    /// Tokens of one of these objects.
    Objects(Vec<String>),
    /// Tokens with one of these tags.
    Tags(Vec<String>),
}

/// Token counts of a collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TokenCounts {
    /// Neither deleted nor expired.
    pub active: u64,
    /// Soft-deleted.
    pub archived: u64,
}

/// What makes two tokens the same reusable token: the same collection, object, properties,
/// values, scope, reversibility and id template.
#[derive(Debug, Clone, Copy)]
pub struct ReuseKey<'a> {
    /// The collection.
    pub collection: &'a str,
    /// The object (none for values sent inline).
    pub object_id: Option<&'a str>,
    /// The properties, in token order.
    pub props: &'a [String],
    /// Their values, in the same order.
    pub values: &'a [Value],
    /// The scope.
    pub scope: &'a str,
    /// Whether the token can be detokenized.
    pub reversible: bool,
    /// The id template.
    pub template: IdTemplate,
}

/// The keyed digest under which a reusable token is found again.
pub fn reuse_digest(ring: &TenantKeyring, k: &ReuseKey<'_>) -> [u8; 32] {
    let props = k
        .props
        .iter()
        .map(|p| p.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("\u{0}");
    let values = Value::Array(k.values.to_vec()).to_string();
    ring.fingerprinter().digest(&[
        b"tokenvault/v1/object-token-reuse",
        k.collection.to_ascii_lowercase().as_bytes(),
        k.object_id.unwrap_or("").as_bytes(),
        props.as_bytes(),
        values.as_bytes(),
        k.scope.as_bytes(),
        &[u8::from(k.reversible)],
        k.template.as_str().unwrap_or("uuid").as_bytes(),
    ])
}

/// Tags too many for one token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a token has at most {MAX_TAGS} tags")]
pub struct TooManyTags;

/// `existing` with the tags of `added` it lacks appended, in order.
pub fn append_tags(existing: &[String], added: &[String]) -> Result<Vec<String>, TooManyTags> {
    let mut out = existing.to_vec();
    for t in added {
        if !out.contains(t) {
            out.push(t.clone());
        }
    }
    if out.len() > MAX_TAGS {
        return Err(TooManyTags);
    }
    Ok(out)
}

/// A re-tokenized token's expiry: an explicit TTL sets it; otherwise the default moves it
/// only later (no expiry is later than any).
pub fn retokenized_expiry(
    current: Option<UnixSeconds>,
    explicit: Option<UnixSeconds>,
    by_default: Option<UnixSeconds>,
) -> Option<UnixSeconds> {
    if explicit.is_some() {
        return explicit;
    }
    match (current, by_default) {
        (Some(c), Some(d)) => Some(c.max(d)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_appended_once_and_bounded() {
        let s = |v: &[&str]| v.iter().map(|t| (*t).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            append_tags(&s(&["a", "b"]), &s(&["b", "c"])).unwrap(),
            s(&["a", "b", "c"])
        );
        let ten: Vec<String> = (0..10).map(|i| i.to_string()).collect();
        assert_eq!(append_tags(&ten, &s(&["0"])).unwrap().len(), 10);
        assert_eq!(append_tags(&ten, &s(&["x"])), Err(TooManyTags));
    }

    #[test]
    fn expiry_moves_as_the_page_says() {
        // An explicit TTL sets it, earlier or later.
        assert_eq!(
            retokenized_expiry(Some(500), Some(200), Some(900)),
            Some(200)
        );
        // The default moves it only later.
        assert_eq!(retokenized_expiry(Some(500), None, Some(400)), Some(500));
        assert_eq!(retokenized_expiry(Some(500), None, Some(900)), Some(900));
        // No expiry by default is later than any expiry; a token without one keeps none.
        assert_eq!(retokenized_expiry(Some(500), None, None), None);
        assert_eq!(retokenized_expiry(None, None, Some(900)), None);
    }

    #[test]
    fn type_names_round_trip() {
        for t in TokenType::ALL {
            assert_eq!(TokenType::parse(t.as_str()), Some(t));
        }
        assert_eq!(TokenType::parse("value"), None);
        assert_eq!(TokenType::PointerLower.kind(), TokenKind::Pointer);
        assert!(TokenType::PciOneway.one_way() && TokenType::PciOneway.implies_reuse());
    }
}
