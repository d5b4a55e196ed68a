//! Collections: a name, a type (PERSONS or DATA) and typed properties, with the built-in
//! properties every object has. Written as JSON or as PVSchema text, read back as either.

use serde::{Deserialize, Serialize};

use super::DataType;
use crate::clock::UnixSeconds;

/// Longest collection or property name.
pub const MAX_NAME_CHARS: usize = 40;
/// Most properties in one collection.
pub const MAX_PROPERTIES: usize = 256;
/// Longest property description.
pub const MAX_DESCRIPTION_CHARS: usize = 500;

/// What a collection holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum CollectionType {
    /// People: built-ins include `_tenant_id`, `_owner_id`, `_foreign_id`.
    Persons,
    /// Anything else.
    Data,
}

impl CollectionType {
    /// The schema name.
    pub fn as_str(self) -> &'static str {
        match self {
            CollectionType::Persons => "PERSONS",
            CollectionType::Data => "DATA",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_uppercase().as_str() {
            "PERSONS" => Some(CollectionType::Persons),
            "DATA" => Some(CollectionType::Data),
            _ => None,
        }
    }
}

/// One property of a collection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Property {
    /// Its name (case-preserving; matched without case).
    pub name: String,
    /// Its type.
    pub data_type: DataType,
    /// A description.
    pub description: String,
    /// At most one live object per value (through the blind index).
    pub is_unique: bool,
    /// Searchable by exact match (through the blind index).
    pub is_index: bool,
    /// Encrypted at rest. Every value is encrypted in tokenvault; kept for the schema.
    pub is_encrypted: bool,
    /// May be absent or null.
    pub is_nullable: bool,
    /// One of the built-ins (`_id`, `_creation_time`, …).
    pub is_builtin: bool,
    /// Set by the vault, not by callers.
    pub is_readonly: bool,
    /// When added.
    pub creation_time: UnixSeconds,
    /// When last changed.
    pub modification_time: UnixSeconds,
}

/// A collection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collection {
    /// Its name (case-preserving; matched without case).
    pub name: String,
    /// PERSONS or DATA.
    pub kind: CollectionType,
    /// Its own properties (the built-ins are added when shown).
    pub properties: Vec<Property>,
    /// When created.
    pub creation_time: UnixSeconds,
    /// When last changed.
    pub modification_time: UnixSeconds,
}

/// Why a collection definition is refused: the field and what to fix (never a value).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct SchemaError {
    /// Where (`properties[2].data_type_name`).
    pub field: String,
    /// What to fix.
    pub message: String,
}

fn err(field: impl Into<String>, message: impl Into<String>) -> SchemaError {
    SchemaError {
        field: field.into(),
        message: message.into(),
    }
}

/// Whether `name` is a valid collection or user property name: a letter, then letters, digits
/// or `_`, at most 40 characters.
pub fn valid_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && b.len() <= MAX_NAME_CHARS
        && b[0].is_ascii_alphabetic()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
}

/// A property as a client writes it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PropertySpec {
    /// Name.
    pub name: String,
    /// Type name (`CC_NUMBER`).
    #[serde(default)]
    pub data_type_name: Option<String>,
    /// The older field name of the type.
    #[serde(default)]
    pub pii_type_name: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Unique.
    #[serde(default)]
    pub is_unique: bool,
    /// Indexed.
    #[serde(default)]
    pub is_index: bool,
    /// Encrypted (always true in tokenvault).
    #[serde(default)]
    pub is_encrypted: Option<bool>,
    /// Nullable.
    #[serde(default)]
    pub is_nullable: bool,
    /// Read-only fields of a definition read back and sent again; ignored.
    #[serde(default)]
    pub is_builtin: Option<bool>,
    /// Ignored (read-only).
    #[serde(default)]
    pub is_readonly: Option<bool>,
    /// Ignored (read-only).
    #[serde(default)]
    pub creation_time: Option<serde_json::Value>,
    /// Ignored (read-only).
    #[serde(default)]
    pub modification_time: Option<serde_json::Value>,
}

/// A collection as a client writes it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollectionSpec {
    /// Name.
    pub name: String,
    /// `PERSONS` or `DATA`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Properties.
    #[serde(default)]
    pub properties: Vec<PropertySpec>,
    /// Ignored (read-only).
    #[serde(default)]
    pub creation_time: Option<serde_json::Value>,
    /// Ignored (read-only).
    #[serde(default)]
    pub modification_time: Option<serde_json::Value>,
}

impl PropertySpec {
    /// The property, checked; `now` stamps it.
    pub fn validate(&self, field: &str, now: UnixSeconds) -> Result<Property, SchemaError> {
        if !valid_name(&self.name) {
            return Err(err(
                format!("{field}.name"),
                format!("a property name is a letter, then letters, digits or '_', at most {MAX_NAME_CHARS} characters (names starting with '_' are the built-ins')"),
            ));
        }
        let type_name = self
            .data_type_name
            .as_deref()
            .or(self.pii_type_name.as_deref())
            .ok_or_else(|| err(format!("{field}.data_type_name"), "required"))?;
        let data_type = DataType::parse(type_name).ok_or_else(|| {
            err(
                format!("{field}.data_type_name"),
                "not a data type; see docs/objects.md for the list",
            )
        })?;
        let description = self.description.clone().unwrap_or_default();
        if description.chars().count() > MAX_DESCRIPTION_CHARS {
            return Err(err(
                format!("{field}.description"),
                format!("at most {MAX_DESCRIPTION_CHARS} characters"),
            ));
        }
        Ok(Property {
            name: self.name.clone(),
            data_type,
            description,
            is_unique: self.is_unique,
            is_index: self.is_index || self.is_unique,
            is_encrypted: true,
            is_nullable: self.is_nullable,
            is_builtin: false,
            is_readonly: false,
            creation_time: now,
            modification_time: now,
        })
    }
}

/// Checks a list of new properties against each other and the existing ones.
pub fn validate_properties(
    specs: &[PropertySpec],
    existing: &[Property],
    now: UnixSeconds,
) -> Result<Vec<Property>, SchemaError> {
    if existing.len() + specs.len() > MAX_PROPERTIES {
        return Err(err(
            "properties",
            format!("a collection has at most {MAX_PROPERTIES} properties"),
        ));
    }
    let mut out: Vec<Property> = Vec::with_capacity(specs.len());
    for (i, spec) in specs.iter().enumerate() {
        let field = format!("properties[{i}]");
        let p = spec.validate(&field, now)?;
        let taken = existing
            .iter()
            .chain(&out)
            .any(|q| q.name.eq_ignore_ascii_case(&p.name));
        if taken {
            return Err(err(
                format!("{field}.name"),
                "a property with this name exists (names are matched without case)",
            ));
        }
        out.push(p);
    }
    Ok(out)
}

impl CollectionSpec {
    /// The collection, checked.
    pub fn validate(&self, now: UnixSeconds) -> Result<Collection, SchemaError> {
        if !valid_name(&self.name) {
            return Err(err(
                "name",
                format!("a collection name is a letter, then letters, digits or '_', at most {MAX_NAME_CHARS} characters"),
            ));
        }
        let kind = CollectionType::parse(&self.kind)
            .ok_or_else(|| err("type", "must be PERSONS or DATA"))?;
        Ok(Collection {
            name: self.name.clone(),
            kind,
            properties: validate_properties(&self.properties, &[], now)?,
            creation_time: now,
            modification_time: now,
        })
    }
}

impl Collection {
    /// The built-in properties of this collection's objects.
    pub fn builtins(&self) -> Vec<Property> {
        let p = |name: &str, data_type: DataType, readonly: bool| Property {
            name: name.into(),
            data_type,
            description: String::new(),
            is_unique: name == "_id",
            is_index: name == "_id",
            is_encrypted: false,
            is_nullable: !readonly,
            is_builtin: true,
            is_readonly: readonly,
            creation_time: self.creation_time,
            modification_time: self.creation_time,
        };
        let mut out = vec![
            p("_id", DataType::String, true),
            p("_creation_time", DataType::Timestamp, true),
            p("_modification_time", DataType::Timestamp, true),
            p("_expiration_time", DataType::Timestamp, true),
        ];
        if self.kind == CollectionType::Persons {
            out.extend([
                p("_tenant_id", DataType::String, false),
                p("_owner_id", DataType::String, false),
                p("_foreign_id", DataType::String, false),
            ]);
        }
        out
    }

    /// A property by name, without case (user properties and writable built-ins).
    pub fn property(&self, name: &str) -> Option<&Property> {
        self.properties
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
    }
}

/// The PVSchema text of a collection.
pub fn to_pvschema(c: &Collection, with_builtins: bool) -> String {
    let builtins = if with_builtins {
        c.builtins()
    } else {
        Vec::new()
    };
    let props: Vec<String> = builtins
        .iter()
        .chain(&c.properties)
        .map(|p| {
            let mut s = format!("{} {}", p.name, p.data_type.as_str());
            s.push_str(if p.is_nullable { " NULL" } else { " NOT NULL" });
            if p.is_unique {
                s.push_str(" UNIQUE");
            } else if p.is_index {
                s.push_str(" INDEX");
            }
            if p.is_encrypted {
                s.push_str(" ENCRYPTED");
            }
            if !p.description.is_empty() {
                s.push_str(&format!(" COMMENT '{}'", p.description.replace('\'', "''")));
            }
            s
        })
        .collect();
    format!(
        "{} {} (\n  {}\n);\n",
        c.name,
        c.kind.as_str(),
        props.join(",\n  ")
    )
}

/// Parses PVSchema text (`name TYPE ( prop TYPE [NULL|NOT NULL] [UNIQUE] [INDEX]
/// [ENCRYPTED] [COMMENT 'text'], … );`) into a definition to validate. NOT NULL is the
/// default.
pub fn parse_pvschema(text: &str) -> Result<CollectionSpec, SchemaError> {
    let bad = |m: &str| err("pvschema", m.to_owned());
    let text = text.trim().trim_end_matches(';').trim();
    let open = text
        .find('(')
        .ok_or_else(|| bad("expected '(' after the collection's name and type"))?;
    let close = text
        .rfind(')')
        .ok_or_else(|| bad("expected ')' closing the properties"))?;
    if close < open || !text[close + 1..].trim().is_empty() {
        return Err(bad("nothing may follow the closing ')' but ';'"));
    }
    let head: Vec<&str> = text[..open].split_whitespace().collect();
    let [name, kind] = head.as_slice() else {
        return Err(bad(
            "expected '<name> PERSONS|DATA (' before the properties",
        ));
    };
    let mut properties = Vec::new();
    for (i, def) in split_properties(&text[open + 1..close])?.iter().enumerate() {
        properties
            .push(parse_property(def).map_err(|m| err(format!("pvschema.properties[{i}]"), m))?);
    }
    Ok(CollectionSpec {
        name: (*name).to_owned(),
        kind: (*kind).to_owned(),
        properties,
        ..CollectionSpec::default()
    })
}

/// Splits property definitions on commas outside quoted comments.
fn split_properties(body: &str) -> Result<Vec<String>, SchemaError> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' if quoted && chars.peek() == Some(&'\'') => {
                cur.push_str("''");
                chars.next();
            }
            '\'' => {
                quoted = !quoted;
                cur.push(c);
            }
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    if quoted {
        return Err(err("pvschema", "a COMMENT's quote is not closed"));
    }
    out.push(cur);
    Ok(out
        .into_iter()
        .map(|d| d.trim().to_owned())
        .filter(|d| !d.is_empty())
        .collect())
}

fn parse_property(def: &str) -> Result<PropertySpec, String> {
    let (head, comment) = match def.find('\'') {
        Some(q) => {
            let before = def[..q].trim_end();
            let Some(before) = before
                .strip_suffix("COMMENT")
                .or_else(|| before.strip_suffix("comment"))
            else {
                return Err("a quoted text must follow COMMENT".into());
            };
            let rest = &def[q + 1..];
            let end = rest.rfind('\'').ok_or("a COMMENT's quote is not closed")?;
            if !rest[end + 1..].trim().is_empty() {
                return Err("nothing may follow a COMMENT".into());
            }
            (before, Some(rest[..end].replace("''", "'")))
        }
        None => (def, None),
    };
    let words: Vec<String> = head.split_whitespace().map(str::to_owned).collect();
    let [name, data_type, flags @ ..] = words.as_slice() else {
        return Err("expected '<name> <TYPE>' and optional flags".into());
    };
    let mut spec = PropertySpec {
        name: name.clone(),
        data_type_name: Some(data_type.clone()),
        description: comment,
        ..PropertySpec::default()
    };
    let mut i = 0;
    while i < flags.len() {
        match flags[i].to_ascii_uppercase().as_str() {
            "NULL" => spec.is_nullable = true,
            "NOT"
                if flags
                    .get(i + 1)
                    .is_some_and(|f| f.eq_ignore_ascii_case("NULL")) =>
            {
                spec.is_nullable = false;
                i += 1;
            }
            "UNIQUE" => spec.is_unique = true,
            "INDEX" => spec.is_index = true,
            "ENCRYPTED" => spec.is_encrypted = Some(true),
            _ => return Err(
                "unknown flag; expected NULL, NOT NULL, UNIQUE, INDEX, ENCRYPTED or COMMENT 'text'"
                    .into(),
            ),
        }
        i += 1;
    }
    Ok(spec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pvschema_reads_and_writes_back() {
        let spec = parse_pvschema(
            "customers PERSONS (\n ssn SSN NULL UNIQUE ENCRYPTED COMMENT 'Social, ''security''',\n email EMAIL,\n card CC_NUMBER NOT NULL INDEX\n);",
        )
        .unwrap();
        let c = spec.validate(0).unwrap();
        assert_eq!(c.kind, CollectionType::Persons);
        assert_eq!(c.properties.len(), 3);
        assert!(c.properties[0].is_nullable && c.properties[0].is_unique);
        assert_eq!(c.properties[0].description, "Social, 'security'");
        assert!(!c.properties[1].is_nullable, "NOT NULL is the default");
        let again = parse_pvschema(&to_pvschema(&c, false))
            .unwrap()
            .validate(0)
            .unwrap();
        assert_eq!(again.properties, c.properties);
    }

    #[test]
    fn bad_definitions_name_their_field() {
        for (text, field) in [
            (
                "customers PERSONS ( ssn SSN SPARKLY );",
                "pvschema.properties[0]",
            ),
            ("customers PERSONS ( ssn );", "pvschema.properties[0]"),
            ("customers ( ssn SSN );", "pvschema"),
            ("customers PERSONS ( ssn SSN COMMENT 'open );", "pvschema"),
        ] {
            assert_eq!(parse_pvschema(text).unwrap_err().field, field, "{text}");
        }
        let e = parse_pvschema("1customers PERSONS ( a SSN );")
            .unwrap()
            .validate(0)
            .unwrap_err();
        assert_eq!(e.field, "name");
        let e = parse_pvschema("c DATA ( _id STRING );")
            .unwrap()
            .validate(0)
            .unwrap_err();
        assert_eq!(e.field, "properties[0].name");
        let e = parse_pvschema("c DATA ( a STRING, A EMAIL );")
            .unwrap()
            .validate(0)
            .unwrap_err();
        assert_eq!(
            e.field, "properties[1].name",
            "names are matched without case"
        );
        assert!(!valid_name(&"a".repeat(41)));
    }
}
