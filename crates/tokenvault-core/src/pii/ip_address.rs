//! IPv4 and IPv6 addresses.

use std::net::IpAddr;

use super::InvalidReason;

/// Canonical form: the standard textual form (RFC 5952 for IPv6: lowercase, zeros compressed).
/// IPv4 octets with leading zeros are refused, since some parsers read them as octal.
pub(super) fn normalize(s: &str) -> Result<String, InvalidReason> {
    let addr: IpAddr = s.parse().map_err(|_| InvalidReason::InvalidFormat {
        expected: "an IPv4 address such as 192.168.1.42 or an IPv6 address such as 2001:db8::1",
    })?;
    Ok(addr.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert_eq!(normalize("192.168.1.42").unwrap(), "192.168.1.42");
        assert_eq!(normalize("2001:DB8:0:0:0:0:0:1").unwrap(), "2001:db8::1");
        assert!(normalize("192.168.01.1").is_err());
        assert!(normalize("256.1.1.1").is_err());
        assert!(normalize("1.2.3").is_err());
        assert!(normalize("fe80::1%eth0").is_err());
    }
}
