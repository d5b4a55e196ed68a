//! E-mail addresses, URLs, MAC and IPv6 addresses.

use std::net::Ipv6Addr;

use super::{Ctx, Raw};
use crate::catalog::Category;

pub(super) fn url(ctx: &Ctx<'_>, start: usize, end: usize, out: &mut Vec<Raw>) {
    if !ctx.on(Category::Url) {
        return;
    }
    // Sentence punctuation and a closing bracket without an opening one are not part of it.
    let mut s = &ctx.text[start..end];
    loop {
        let trimmed = s.trim_end_matches(['.', ',', ';', ':', '!', '?', '\'', '"']);
        let trimmed = if trimmed.ends_with(')') && !trimmed.contains('(') {
            &trimmed[..trimmed.len() - 1]
        } else {
            trimmed
        };
        if trimmed.len() == s.len() {
            break;
        }
        s = trimmed;
    }
    let host_start = s.find("://").map_or(0, |i| i + 3);
    let host = s[host_start..].split(['/', '?', '#']).next().unwrap_or("");
    if host.len() < 3 || !host.contains(['.', '[']) && !host.starts_with("localhost") {
        return;
    }
    if !plausible_host(host) {
        return;
    }
    out.push(Raw {
        category: Category::Url,
        start,
        end: start + s.len(),
        score: 0.8,
    });
}

/// A host a URL can have: `localhost`, an IPv4 address, or a name whose last label is a
/// top-level domain (letters, at least two, or an IDN's `xn--` form) — and a `www.` name needs
/// a label between the two (`www.example` alone has no top-level domain).
fn plausible_host(host: &str) -> bool {
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    // A bracketed IPv6 host (`http://[2001:db8::1]:8080/`).
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.split_once(']')) {
        return inner.0.parse::<Ipv6Addr>().is_ok();
    }
    let host = host.split(':').next().unwrap_or(host);
    if host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::Ipv4Addr>().is_ok() {
        return true;
    }
    let labels: Vec<&str> = host.split('.').collect();
    let tld = labels.last().copied().unwrap_or("");
    let tld_ok = (tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
        || tld.to_ascii_lowercase().starts_with("xn--");
    let www = labels
        .first()
        .is_some_and(|l| l.eq_ignore_ascii_case("www"));
    tld_ok && (!www || labels.len() >= 3)
}

pub(super) fn email(ctx: &Ctx<'_>, start: usize, end: usize, out: &mut Vec<Raw>) {
    if !ctx.on(Category::Email) {
        return;
    }
    let s = &ctx.text[start..end];
    let Some((local, domain)) = s.split_once('@') else {
        return;
    };
    if local.len() > 64
        || domain.len() > 253
        || local.starts_with('.')
        || local.ends_with('.')
        || local.contains("..")
        || domain.split('.').any(|l| l.is_empty() || l.len() > 63)
    {
        return;
    }
    out.push(Raw {
        category: Category::Email,
        start,
        end,
        score: 0.95,
    });
}

pub(super) fn mac(ctx: &Ctx<'_>, start: usize, end: usize, out: &mut Vec<Raw>) {
    if !ctx.on(Category::MacAddress) {
        return;
    }
    let s = &ctx.text[start..end];
    // All-zero and broadcast addresses identify no device.
    let hex: String = s.chars().filter(char::is_ascii_hexdigit).collect();
    if hex.bytes().all(|b| b == b'0') || hex.bytes().all(|b| b == b'f' || b == b'F') {
        return;
    }
    out.push(Raw {
        category: Category::MacAddress,
        start,
        end,
        score: 0.8,
    });
}

pub(super) fn ipv6(ctx: &Ctx<'_>, start: usize, end: usize, out: &mut Vec<Raw>) {
    if !ctx.on(Category::IpAddress) {
        return;
    }
    // A candidate right after ':' or '.' is the tail of a longer token (`text2001:db8::1`
    // yields `db8::1`), not an address.
    if ctx.text[..start].ends_with([':', '.']) {
        return;
    }
    let raw = &ctx.text[start..end];
    // An address may end in "::" (`2001:db8::`); otherwise the shape may have run into a
    // trailing ':' of the sentence ("… at fe80::1: it was …").
    let (s, addr) = match raw.parse::<Ipv6Addr>() {
        Ok(a) => (raw, a),
        Err(_) => {
            let t = raw.trim_end_matches(':');
            match t.parse::<Ipv6Addr>() {
                Ok(a) => (t, a),
                Err(_) => return,
            }
        }
    };
    if addr.is_unspecified() {
        return;
    }
    // Without "::" or eight groups the text is more likely a time or a ratio.
    let groups = s.split(':').count();
    if !s.contains("::") && groups < 8 && !s.contains('.') {
        return;
    }
    let end = start + s.len() + ipv6_suffix(&ctx.text[start + s.len()..]);
    out.push(Raw {
        category: Category::IpAddress,
        start,
        end,
        score: 0.8,
    });
}

/// The length of a prefix length (`/32`, at most 128) or a zone id (`%eth0`) at the start of
/// `rest`, which belong to the address before it; 0 when there is none.
fn ipv6_suffix(rest: &str) -> usize {
    let b = rest.as_bytes();
    let run = |from: usize, ok: fn(&u8) -> bool| b[from..].iter().take_while(|c| ok(c)).count();
    match b.first() {
        Some(b'/') => {
            let n = run(1, u8::is_ascii_digit);
            let value = rest.get(1..1 + n).and_then(|d| d.parse::<u16>().ok());
            let glued = b.get(1 + n).is_some_and(u8::is_ascii_alphanumeric);
            if (1..=3).contains(&n) && value.is_some_and(|v| v <= 128) && !glued {
                1 + n
            } else {
                0
            }
        }
        Some(b'%') => {
            let n = run(1, |c| {
                c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.')
            });
            // A zone ends before sentence punctuation.
            let n = rest[1..1 + n].trim_end_matches('.').len();
            if n > 0 {
                1 + n
            } else {
                0
            }
        }
        _ => 0,
    }
}
