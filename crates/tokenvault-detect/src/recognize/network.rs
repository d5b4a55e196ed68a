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
    if host.len() < 3 || !host.contains('.') && !host.starts_with("localhost") {
        return;
    }
    out.push(Raw {
        category: Category::Url,
        start,
        end: start + s.len(),
        score: 0.8,
    });
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
    let s = &ctx.text[start..end];
    // The shape may run into a trailing ':' (a sentence "… at fe80::1: it was …").
    let s = s.trim_end_matches(':');
    let Ok(addr) = s.parse::<Ipv6Addr>() else {
        return;
    };
    if addr.is_unspecified() {
        return;
    }
    // Without "::" or eight groups the text is more likely a time or a ratio.
    let groups = s.split(':').count();
    if !s.contains("::") && groups < 8 && !s.contains('.') {
        return;
    }
    out.push(Raw {
        category: Category::IpAddress,
        start,
        end: start + s.len(),
        score: 0.8,
    });
}
