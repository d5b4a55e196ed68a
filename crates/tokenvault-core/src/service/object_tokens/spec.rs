//! What a token request asks for, as domain commands: a spec per token to make, a selector
//! of existing tokens, and a change to them. Each checks itself against the collection.

use serde_json::{Map, Value};

use crate::objects::{
    Collection, DataType, IdTemplate, TokenKind, TokenType, MAX_TAGS, MAX_TOKENS_PER_CALL,
};

/// Longest object or token id accepted.
const MAX_ID_CHARS: usize = 64;

/// Where a token's values come from.
#[derive(Debug, Clone, PartialEq)]
pub enum TokenSource {
    /// A stored object, by id.
    Object(String),
    /// Values sent with the request (VALUE tokens only; nothing is stored but the token).
    Fields(Map<String, Value>),
}

/// One token to make.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenSpec {
    /// Its values' source.
    pub source: TokenSource,
    /// The properties it stands for (several make one token); for inline fields, empty means
    /// every field sent.
    pub props: Vec<String>,
    /// Its type.
    pub token_type: TokenType,
    /// `reuse_token_id` (VALUE tokens).
    pub reuse: bool,
    /// Whether it can be detokenized.
    pub reversible: bool,
    /// Its scope.
    pub scope: String,
    /// Tags to attach (appended on re-tokenizing).
    pub tags: Vec<String>,
    /// How its id is made.
    pub template: IdTemplate,
    /// The properties the template reads.
    pub fpprops: Vec<String>,
}

/// Which tokens a read or change selects: by ids, or by objects and tags (each list is a
/// set of alternatives; the lists given must all match).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenSelector {
    /// Token ids.
    pub token_ids: Vec<String>,
    /// Object ids.
    pub object_ids: Vec<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Whether soft-deleted (archived) tokens are included.
    pub archived: bool,
}

/// What a detokenize returns of each token.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reveal {
    /// The properties (or `property.mask`) to return; empty for all of each token's.
    pub props: Vec<String>,
    /// Whether each token's metadata comes along.
    pub include_metadata: bool,
}

/// A change to selected tokens.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenUpdate {
    /// The tags they get instead of theirs.
    pub tags: Option<Vec<String>>,
    /// Seconds from now until they expire.
    pub ttl_seconds: Option<i64>,
}

/// Tags checked: 1 to [`MAX_TAGS`] distinct non-empty tags of printable text.
pub(super) fn check_tags(tags: &[String]) -> Result<(), String> {
    if tags.len() > MAX_TAGS {
        return Err(format!("send at most {MAX_TAGS} tags"));
    }
    for t in tags {
        let n = t.chars().count();
        if n == 0 || n > crate::objects::token::MAX_TAG_CHARS || t.chars().any(char::is_control) {
            return Err(format!(
                "a tag is 1 to {} printable characters",
                crate::objects::token::MAX_TAG_CHARS
            ));
        }
    }
    Ok(())
}

impl TokenSpec {
    /// Checks the spec against the collection; the properties it reads (canonical names).
    pub(super) fn check(&self, c: &Collection) -> Result<Vec<String>, String> {
        let kind = self.token_type.kind();
        match &self.source {
            TokenSource::Object(id) if id.is_empty() || id.chars().count() > MAX_ID_CHARS => {
                return Err("an object id is 1 to 64 characters".into())
            }
            TokenSource::Fields(_) if kind == TokenKind::Pointer => {
                return Err("a pointer token refers to a stored object: send its id".into())
            }
            TokenSource::Object(_) if self.props.is_empty() => {
                return Err("name the properties to tokenize in props".into())
            }
            _ => {}
        }
        if self.reuse && kind == TokenKind::Pointer {
            return Err("reuse_token_id applies to VALUE tokens only".into());
        }
        let n = self.scope.chars().count();
        if n == 0 || n > crate::objects::token::MAX_SCOPE_CHARS {
            return Err("scope is 1 to 256 characters".into());
        }
        check_tags(&self.tags)?;
        let mut touched = Vec::new();
        let names: Vec<&String> = match &self.source {
            TokenSource::Fields(f) if self.props.is_empty() => f.keys().collect(),
            _ => self.props.iter().collect(),
        };
        if names.is_empty() || names.len() > MAX_TOKENS_PER_CALL {
            return Err("name 1 or more properties to tokenize".into());
        }
        for name in names {
            let p = c
                .property(name)
                .ok_or("props names a property the collection does not have")?;
            if touched.contains(&p.name) {
                return Err("props names a property twice".into());
            }
            touched.push(p.name.clone());
        }
        match (self.template, self.fpprops.as_slice()) {
            (IdTemplate::Uuid, []) => {}
            (IdTemplate::Uuid, _) => {
                return Err("fpprops needs fptemplate primary_account_number".into())
            }
            (IdTemplate::PrimaryAccountNumber, [one]) => {
                let p = c
                    .property(one)
                    .filter(|p| p.data_type == DataType::CcNumber)
                    .ok_or("the primary_account_number template reads one CC_NUMBER property, named in fpprops")?;
                if !touched.contains(&p.name) {
                    touched.push(p.name.clone());
                }
            }
            (IdTemplate::PrimaryAccountNumber, _) => {
                return Err(
                    "the primary_account_number template reads one CC_NUMBER property, named in fpprops"
                        .into(),
                )
            }
        }
        Ok(touched)
    }

    /// The token's properties by their names in the collection, in the order asked (for
    /// inline fields without props, the fields sent, in the collection's order).
    pub(super) fn canonical_props(
        &self,
        c: &Collection,
        values: &Map<String, Value>,
    ) -> Vec<String> {
        if self.props.is_empty() {
            return c
                .properties
                .iter()
                .filter(|p| values.contains_key(&p.name))
                .map(|p| p.name.clone())
                .collect();
        }
        self.props
            .iter()
            .filter_map(|p| c.property(p).map(|p| p.name.clone()))
            .collect()
    }
}

impl TokenSelector {
    /// At least one list, none too long, ids of bounded length.
    pub(super) fn check(&self) -> Result<(), String> {
        if self.token_ids.is_empty() && self.object_ids.is_empty() && self.tags.is_empty() {
            return Err("select tokens by token_ids, object_ids or tags".into());
        }
        for list in [&self.token_ids, &self.object_ids, &self.tags] {
            if list.len() > MAX_TOKENS_PER_CALL {
                return Err(format!("send at most {MAX_TOKENS_PER_CALL} ids or tags"));
            }
        }
        if self
            .token_ids
            .iter()
            .chain(&self.object_ids)
            .any(|i| i.is_empty() || i.chars().count() > MAX_ID_CHARS)
        {
            return Err("an id is 1 to 64 characters".into());
        }
        Ok(())
    }
}
