//! Legal and medical case numbers: free-form identifiers such as `CV-2024-001234`.

use super::InvalidReason;

/// Canonical form: uppercase, runs of whitespace collapsed to one space. Allowed characters are
/// ASCII letters, digits and the separators `- / . : # _` and space; at least one digit and
/// 3 to 64 characters.
pub(super) fn normalize(s: &str) -> Result<String, InvalidReason> {
    let collapsed = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if !collapsed
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '.' | ':' | '#' | '_' | ' '))
    {
        return Err(InvalidReason::InvalidCharacters);
    }
    if !(3..=64).contains(&collapsed.len()) {
        return Err(InvalidReason::WrongLength {
            expected: "3 to 64 characters",
        });
    }
    if !collapsed.bytes().any(|b| b.is_ascii_digit()) {
        return Err(InvalidReason::InvalidFormat {
            expected: "an identifier containing at least one digit",
        });
    }
    Ok(collapsed.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes() {
        assert_eq!(normalize("cv-2024-001234").unwrap(), "CV-2024-001234");
        assert_eq!(normalize("Case  #  12345").unwrap(), "CASE # 12345");
        assert_eq!(normalize("MRN:000123").unwrap(), "MRN:000123");
    }

    #[test]
    fn refuses() {
        assert!(normalize("no digits here").is_err());
        assert!(normalize("12").is_err());
        assert!(normalize("case<script>1").is_err());
        assert!(normalize(&"1".repeat(65)).is_err());
    }
}
