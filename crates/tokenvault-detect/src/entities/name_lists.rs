//! A policy's own organization names: `deny` names are reported wherever they occur as whole
//! words (ASCII case-insensitive), `allow` names are never reported, whatever recognized them.

use aho_corasick::{AhoCorasick, MatchKind};
use tokenvault_core::policy::NameLists;

use crate::{catalog::Category, recognize::Raw};

/// Confidence of a name the policy lists.
const LISTED_SCORE: f32 = 0.95;

/// The compiled lists of one policy.
#[derive(Debug, Default)]
pub(crate) struct OrganizationLists {
    deny: Option<AhoCorasick>,
    /// Lower-cased, trimmed.
    allow: Vec<String>,
}

impl OrganizationLists {
    /// Compiles the lists; `None` when both are empty.
    pub(crate) fn new(lists: &NameLists) -> Option<Self> {
        if lists.is_empty() {
            return None;
        }
        let deny: Vec<&str> = lists
            .deny
            .iter()
            .map(|n| n.trim())
            .filter(|n| !n.is_empty())
            .collect();
        let deny = if deny.is_empty() {
            None
        } else {
            AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostLongest)
                .build(&deny)
                .ok()
        };
        let allow = lists
            .allow
            .iter()
            .map(|n| n.trim().to_lowercase())
            .collect();
        Some(Self { deny, allow })
    }

    /// Every whole-word occurrence of a `deny` name.
    pub(crate) fn find(&self, text: &str, out: &mut Vec<Raw>) {
        let Some(deny) = &self.deny else {
            return;
        };
        for m in deny.find_iter(text) {
            let before = text[..m.start()].chars().next_back();
            let after = text[m.end()..].chars().next();
            if !before.is_some_and(char::is_alphanumeric)
                && !after.is_some_and(char::is_alphanumeric)
            {
                out.push(Raw {
                    category: Category::Organization,
                    start: m.start(),
                    end: m.end(),
                    score: LISTED_SCORE,
                });
            }
        }
    }

    /// Whether an organization reading of `value` names an `allow` entry.
    pub(crate) fn allowed(&self, value: &str) -> bool {
        if self.allow.is_empty() {
            return false;
        }
        let v = value.trim().to_lowercase();
        self.allow.contains(&v)
    }
}
