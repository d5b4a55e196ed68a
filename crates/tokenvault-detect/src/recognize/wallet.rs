//! Cryptocurrency wallet addresses, validated by their own checksums.

use super::{checksum, Ctx, Raw};
use crate::{catalog::Category, scan::Shape};

pub(super) fn recognize(ctx: &Ctx<'_>, shape: Shape, start: usize, end: usize, out: &mut Vec<Raw>) {
    if !ctx.on(Category::CryptoWallet) {
        return;
    }
    let s = &ctx.text[start..end];
    let valid = match shape {
        Shape::EthAddress => checksum::eip55(&s[2..]),
        Shape::Bech32 => checksum::bech32(s.as_bytes()),
        Shape::Base58 => checksum::base58check(s),
        _ => false,
    };
    if valid {
        let score = if shape == Shape::EthAddress && s[2..].bytes().all(|b| b.is_ascii_digit()) {
            0.3 // forty digits after 0x is a hex number more often than an address
        } else {
            0.9
        };
        out.push(Raw {
            category: Category::CryptoWallet,
            start,
            end,
            score,
        });
    }
}
