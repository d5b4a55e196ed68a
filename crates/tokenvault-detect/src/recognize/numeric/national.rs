//! Readings of digit groups as the national identifiers of issue 17's packs (au, us, sv, za,
//! ko, th). Each needs its check digit; a plain run of digits, which many things are, scores
//! low enough to need a context word, while the usual grouped form stands on its own.

use super::{Raw, Shape};
use crate::{
    catalog::Category,
    recognize::{national_checksum as check, Ctx},
};

pub(super) fn recognize(ctx: &Ctx<'_>, s: &Shape<'_>, out: &mut Vec<Raw>) {
    let (d, plain) = (s.d(), s.plain());
    let grouped = |shape: &[usize]| plain || s.spaced_or_dashed(shape);
    if (s.k == 9 && s.spaced_or_dashed(&[3, 3, 3])
        || s.k == 12 && s.spaced_or_dashed(&[3, 3, 3, 3]))
        && ctx.on(Category::PhTin)
    {
        // No check digit either: context decides.
        s.push(out, Category::PhTin, 0.15);
    }
    if plain
        && (8..=17).contains(&s.k)
        && ctx.on(Category::UsBankAccount)
        && !d.iter().all(|&b| b == d[0])
    {
        // Any digit run could be one: only an account word makes it one.
        s.push(out, Category::UsBankAccount, 0.1);
    }
    match s.k {
        9 if grouped(&[3, 3, 3]) && ctx.on(Category::AuAcn) && check::au_acn(d) => {
            s.push(out, Category::AuAcn, s.score(0.2, 0.35));
        }
        10 => {
            if plain && ctx.on(Category::UsNpi) && check::us_npi(d) {
                s.push(out, Category::UsNpi, 0.3);
            }
            let dashed = s.lens() == [6, 4] && s.seps() == ["-"];
            let century = (s.lens() == [6, 4] && s.seps() == ["+"]).then_some(19);
            if (plain || dashed || century.is_some())
                && ctx.on(Category::SePersonnummer)
                && check::se_personnummer(d, century)
            {
                s.push(out, Category::SePersonnummer, s.score(0.35, 0.6));
            }
            if (plain || dashed) && ctx.on(Category::SeOrgnr) && check::se_orgnr(d) {
                s.push(out, Category::SeOrgnr, s.score(0.3, 0.5));
            }
        }
        11 => {
            if grouped(&[2, 3, 3, 3]) && ctx.on(Category::AuAbn) && check::au_abn(d) {
                s.push(out, Category::AuAbn, s.score(0.3, 0.6));
            }
            if plain && ctx.on(Category::ItVat) && check::it_vat(d) {
                s.push(out, Category::ItVat, 0.3);
            }
            // No check digit: only a context word makes it one.
            if plain && ctx.on(Category::NgNin) {
                s.push(out, Category::NgNin, 0.15);
            }
        }
        12 if ((s.lens() == [8, 4] && s.seps() == ["-"]) || plain)
            && ctx.on(Category::SePersonnummer) =>
        {
            let century = (d[0] - b'0') * 10 + (d[1] - b'0');
            if matches!(century, 18..=20) && check::se_personnummer(&d[2..], Some(century.into())) {
                s.push(out, Category::SePersonnummer, s.score(0.4, 0.65));
            }
        }
        13 => {
            if plain && ctx.on(Category::ZaId) && check::za_id(d) {
                s.push(out, Category::ZaId, 0.5);
            }
            if (plain || (s.lens() == [6, 7] && s.seps() == ["-"]))
                && ctx.on(Category::KrRrn)
                && check::kr_rrn(d)
            {
                s.push(out, Category::KrRrn, s.score(0.4, 0.7));
            }
            if grouped(&[1, 4, 5, 2, 1]) && ctx.on(Category::ThPin) && check::th_pin(d) {
                s.push(out, Category::ThPin, s.score(0.4, 0.7));
            }
        }
        _ => {}
    }
}
