//! Email addresses: lowercased, plus-addressing stripped.

use super::InvalidReason;

const FORMAT: InvalidReason = InvalidReason::InvalidFormat {
    expected: "an address like name@example.com",
};

/// Canonical form: lowercase, with any `+tag` removed from the local part
/// (`John.Doe+news@Example.COM` → `john.doe@example.com`). The local part allows the RFC 5322
/// dot-atom characters; the domain must be a dotted hostname or an IP literal.
pub(super) fn normalize(s: &str) -> Result<String, InvalidReason> {
    // Validation is case-insensitive, so the value is lowercased only once, into the output:
    // no intermediate copy of the address is left unzeroized on the heap.
    let (local, domain) = s.rsplit_once('@').ok_or(FORMAT)?;
    let local = local.split_once('+').map_or(local, |(base, _tag)| base);
    if local.is_empty() || local.len() > 64 {
        return Err(InvalidReason::WrongLength {
            expected: "a local part of 1 to 64 characters before the @",
        });
    }
    let local_ok = local
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*/=?^_`{|}~.-".contains(&b))
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..");
    if !local_ok {
        return Err(InvalidReason::InvalidCharacters);
    }
    if !valid_domain(domain) {
        return Err(FORMAT);
    }
    let mut out = String::with_capacity(local.len() + 1 + domain.len());
    out.push_str(local);
    out.push('@');
    out.push_str(domain);
    out.make_ascii_lowercase();
    Ok(out)
}

fn valid_domain(domain: &str) -> bool {
    if let Some(literal) = domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
        return literal.parse::<std::net::IpAddr>().is_ok()
            || literal.split_at_checked(5).is_some_and(|(tag, v6)| {
                tag.eq_ignore_ascii_case("ipv6:") && v6.parse::<std::net::Ipv6Addr>().is_ok()
            });
    }
    let valid_label = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    let tld = domain.rsplit('.').next().unwrap_or_default();
    domain.len() <= 253
        && domain.contains('.')
        && domain.split('.').all(valid_label)
        && tld.bytes().any(|b| b.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes() {
        assert_eq!(normalize("john@example.com").unwrap(), "john@example.com");
        assert_eq!(
            normalize("John.Doe+news@Example.COM").unwrap(),
            "john.doe@example.com"
        );
        assert_eq!(normalize("a+b+c@x.io").unwrap(), "a@x.io");
        assert_eq!(
            normalize("o'brien@mail.co.uk").unwrap(),
            "o'brien@mail.co.uk"
        );
        assert_eq!(normalize("ops@[192.168.1.1]").unwrap(), "ops@[192.168.1.1]");
        assert_eq!(
            normalize("Ops@[IPv6:2001:DB8::1]").unwrap(),
            "ops@[ipv6:2001:db8::1]"
        );
    }

    #[test]
    fn refuses() {
        for s in [
            "john",
            "john@",
            "@example.com",
            "+tag@example.com",
            "john@localhost",
            "jo hn@example.com",
            "john@exa_mple.com",
            "john@-example.com",
            ".john@example.com",
            "jo..hn@example.com",
            "john@example.123",
        ] {
            assert!(normalize(s).is_err(), "{s}");
        }
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert!(matches!(
            normalize(&long_local),
            Err(InvalidReason::WrongLength { .. })
        ));
    }
}
