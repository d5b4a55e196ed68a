//! An object's property values checked against its collection: known properties only
//! (matched without case, stored under the property's name), every non-nullable one present on
//! add, each value valid for its type and normalized, read-only built-ins refused.

use serde_json::{Map, Value};

use super::{Collection, CollectionType};
use crate::pii::NormalizeOptions;

/// Most objects in one bulk add.
pub const MAX_BULK_OBJECTS: usize = 1000;

/// Why an object is refused: the property and what to fix (never the value).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ObjectError {
    /// A property the collection does not have.
    #[error("the collection has no property {0:?}")]
    UnknownProperty(String),
    /// A value the property refuses.
    #[error("{property}: {message}")]
    Invalid {
        /// The property.
        property: String,
        /// What to fix.
        message: String,
    },
}

/// Writable built-ins of PERSONS collections.
const WRITABLE_BUILTINS: [&str; 3] = ["_tenant_id", "_owner_id", "_foreign_id"];

/// Checks `input` for an add (`partial = false`: every non-nullable property present) or an
/// update (`partial = true`). Returns the values to store, keyed by the properties' names.
pub fn check_values(
    c: &Collection,
    input: &Map<String, Value>,
    options: &NormalizeOptions,
    partial: bool,
) -> Result<Map<String, Value>, ObjectError> {
    let mut out = Map::new();
    for (key, value) in input {
        if key.starts_with('_') {
            let builtin = WRITABLE_BUILTINS
                .iter()
                .find(|b| b.eq_ignore_ascii_case(key))
                .filter(|_| c.kind == CollectionType::Persons)
                .ok_or_else(|| ObjectError::Invalid {
                    property: safe(key),
                    message: "built-in properties other than _tenant_id, _owner_id and _foreign_id of PERSONS collections are set by the vault".into(),
                })?;
            let ok = value.is_null() || value.as_str().is_some_and(|s| s.chars().count() <= 450);
            if !ok {
                return Err(ObjectError::Invalid {
                    property: (*builtin).into(),
                    message: "must be a string of at most 450 characters, or null".into(),
                });
            }
            out.insert((*builtin).to_owned(), value.clone());
            continue;
        }
        let p = c
            .property(key)
            .ok_or_else(|| ObjectError::UnknownProperty(safe(key)))?;
        if value.is_null() {
            if !p.is_nullable {
                return Err(ObjectError::Invalid {
                    property: p.name.clone(),
                    message: "is not nullable".into(),
                });
            }
            out.insert(p.name.clone(), Value::Null);
            continue;
        }
        let stored = p
            .data_type
            .validate(value, options)
            .map_err(|e| ObjectError::Invalid {
                property: p.name.clone(),
                message: e.0,
            })?;
        out.insert(p.name.clone(), stored);
    }
    if !partial {
        if let Some(missing) = c
            .properties
            .iter()
            .find(|p| !p.is_nullable && !out.contains_key(&p.name))
        {
            return Err(ObjectError::Invalid {
                property: missing.name.clone(),
                message: "is required (not nullable)".into(),
            });
        }
    }
    Ok(out)
}

/// A property name from a request, repeated in an error only when it is a name.
fn safe(key: &str) -> String {
    let bare = key.trim_start_matches('_');
    if super::valid_name(bare) {
        key.to_owned()
    } else {
        "(not a property name)".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objects::parse_pvschema;
    use serde_json::json;

    fn customers() -> Collection {
        parse_pvschema(
            "customers PERSONS ( ssn SSN UNIQUE, email EMAIL NULL, card CC_NUMBER NULL );",
        )
        .unwrap()
        .validate(0)
        .unwrap()
    }

    fn check(v: Value, partial: bool) -> Result<Map<String, Value>, ObjectError> {
        check_values(
            &customers(),
            v.as_object().unwrap(),
            &NormalizeOptions::default(),
            partial,
        )
    }

    #[test]
    fn values_are_checked_against_the_collection() {
        let ok = check(
            json!({"SSN": "123-45-6789", "card": "4111 1111 1111 1111", "_owner_id": "u1"}),
            false,
        )
        .unwrap();
        assert_eq!(ok["ssn"], "123-45-6789");
        assert_eq!(ok["card"], "4111111111111111");
        assert!(
            matches!(check(json!({"email": "a@b.example"}), false), Err(ObjectError::Invalid { property, .. }) if property == "ssn")
        );
        assert!(
            check(json!({"email": "a@b.example"}), true).is_ok(),
            "an update names only what changes"
        );
        assert!(matches!(
            check(json!({"ssn": "123-45-6789", "nope": 1}), false),
            Err(ObjectError::UnknownProperty(_))
        ));
        assert!(matches!(
            check(json!({"ssn": null}), true),
            Err(ObjectError::Invalid { .. })
        ));
        assert!(matches!(
            check(json!({"ssn": "123-45-6789", "_id": "x"}), false),
            Err(ObjectError::Invalid { .. })
        ));
        let e = check(
            json!({"ssn": "123-45-6789", "card": "4111111111111112"}),
            false,
        )
        .unwrap_err();
        assert!(!e.to_string().contains("4111"), "{e}");
    }
}
