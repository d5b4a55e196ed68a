//! From per-piece labels to entity spans: BIO tags joined into parts, parts of a name (given
//! name, surname) or of an address (building number, street, unit, city, state, ZIP code)
//! written next to each other joined into one person or one address, as the rule layer reports
//! them; a city or state alone is a location.

/// What a model span is in the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityKind {
    /// GIVEN_NAME and SURNAME parts.
    Person,
    /// BUILDING_NUMBER, STREET_NAME, SECONDARY_ADDRESS with CITY, STATE, ZIP_CODE.
    Address,
    /// CITY or STATE standing alone.
    Location,
}

/// One entity the model found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Entity {
    /// What it is.
    pub kind: EntityKind,
    /// Byte offsets into the text.
    pub start: usize,
    /// End, exclusive.
    pub end: usize,
    /// Mean probability of its pieces' labels.
    pub score: f32,
}

/// A labelled part before joining.
#[derive(Debug, Clone, Copy)]
struct Part {
    label: Label,
    start: usize,
    end: usize,
    score_sum: f32,
    pieces: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Label {
    Name,
    /// STREET_NAME: what makes a group an address.
    Street,
    /// BUILDING_NUMBER, SECONDARY_ADDRESS, ZIP_CODE: parts of an address, none alone.
    AddressPart,
    Place,
}

fn label_of(tag: &str) -> Option<Label> {
    Some(match tag {
        "GIVEN_NAME" | "SURNAME" => Label::Name,
        "STREET_NAME" => Label::Street,
        "BUILDING_NUMBER" | "SECONDARY_ADDRESS" | "ZIP_CODE" => Label::AddressPart,
        "CITY" | "STATE" => Label::Place,
        _ => return None,
    })
}

/// Joins per-piece predictions (tag such as `B-CITY`, its probability, the piece's byte range)
/// into entities of `text`.
pub fn entities(text: &str, pieces: &[(&str, f32, usize, usize)]) -> Vec<Entity> {
    let mut parts: Vec<Part> = Vec::new();
    let mut open: Option<(&str, usize)> = None;
    for &(tag, p, start, end) in pieces {
        let (bio, kind) = tag.split_once('-').unwrap_or(("O", ""));
        let continues = bio == "I" && open.is_some_and(|(k, _)| k == kind)
            // A word split into pieces continues its part whatever the later pieces say.
            || open.is_some_and(|(_, e)| e == start) && bio != "O";
        match label_of(kind) {
            Some(_) if continues => {
                if let Some(last) = parts.last_mut() {
                    last.end = end;
                    last.score_sum += p;
                    last.pieces += 1;
                }
                open = Some((kind, end));
            }
            Some(label) => {
                parts.push(Part {
                    label,
                    start,
                    end,
                    score_sum: p,
                    pieces: 1,
                });
                open = Some((kind, end));
            }
            None => open = None,
        }
    }
    join(text, parts)
}

/// Joins neighbouring parts: name parts separated by spaces; address parts (and places right
/// after street parts) separated by spaces, commas or line breaks.
fn join(text: &str, parts: Vec<Part>) -> Vec<Entity> {
    let mut groups: Vec<(Vec<Label>, Part)> = Vec::new();
    for part in parts {
        if let Some((labels, g)) = groups.last_mut() {
            let gap = &text[g.end..part.start];
            let name_gap = gap.chars().all(|c| c == ' ') && gap.len() <= 2;
            let address_gap = gap.chars().all(|c| matches!(c, ' ' | ',' | '\n')) && gap.len() <= 4;
            let joins = match (labels[0], part.label) {
                (Label::Name, Label::Name) => name_gap,
                (
                    Label::Street | Label::AddressPart | Label::Place,
                    Label::Street | Label::AddressPart | Label::Place,
                ) => address_gap,
                _ => false,
            };
            if joins {
                g.end = part.end;
                g.score_sum += part.score_sum;
                g.pieces += part.pieces;
                labels.push(part.label);
                continue;
            }
        }
        groups.push((vec![part.label], part));
    }
    groups
        .into_iter()
        .filter_map(|(labels, g)| {
            let kind = if labels[0] == Label::Name {
                EntityKind::Person
            } else if labels.contains(&Label::Street) {
                EntityKind::Address
            } else if labels.iter().all(|l| *l == Label::Place) {
                EntityKind::Location
            } else {
                // A number, unit or ZIP code without a street is no address.
                return None;
            };
            let end = if kind == EntityKind::Person {
                trim_lowercase_tail(text, g.start, g.end)
            } else {
                g.end
            };
            Some(Entity {
                kind,
                start: g.start,
                end,
                score: g.score_sum / g.pieces.max(1) as f32,
            })
        })
        .collect()
}

/// A name written with capitals does not end in a lower-case word (`Sophia shouted`): the
/// span ends after its last capitalised word. A name written all in lower case is kept whole.
fn trim_lowercase_tail(text: &str, start: usize, end: usize) -> usize {
    let span = &text[start..end];
    let mut last_capital_end = None;
    let mut at = 0;
    for word in span.split(' ') {
        let word_end = at + word.len();
        if word.chars().next().is_some_and(char::is_uppercase) {
            last_capital_end = Some(word_end);
        }
        at = word_end + 1;
    }
    last_capital_end.map_or(end, |e| start + e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_join_into_people_and_addresses() {
        let t = "I'm Sarah Thompson, 42 Maple Street, Springfield IL 62704 in Paris";
        let at = |s: &str| {
            let i = t.find(s).unwrap_or(0);
            (i, i + s.len())
        };
        let p = |tag, s| {
            let (a, b) = at(s);
            (tag, 0.9f32, a, b)
        };
        let pieces = vec![
            p("O", "I"),
            p("B-GIVEN_NAME", "Sarah"),
            p("B-SURNAME", "Thompson"),
            p("O", ","),
            p("B-BUILDING_NUMBER", "42"),
            p("B-STREET_NAME", "Maple"),
            p("I-STREET_NAME", "Street"),
            p("B-CITY", "Springfield"),
            p("B-STATE", "IL"),
            p("B-ZIP_CODE", "62704"),
            p("O", "in"),
            p("B-CITY", "Paris"),
        ];
        let got: Vec<(EntityKind, &str)> = entities(t, &pieces)
            .into_iter()
            .map(|e| (e.kind, &t[e.start..e.end]))
            .collect();
        assert_eq!(trim_lowercase_tail("Sophia shouted", 0, 14), 6);
        assert_eq!(trim_lowercase_tail("maria gonzalez", 0, 14), 14);
        assert_eq!(
            got,
            vec![
                (EntityKind::Person, "Sarah Thompson"),
                (EntityKind::Address, "42 Maple Street, Springfield IL 62704"),
                (EntityKind::Location, "Paris"),
            ]
        );
    }
}
