//! What a tokenize request asks, as domain values (the server maps the wire form to these),
//! and what it got back.

use crate::{
    ids::{PolicyId, TokenId},
    pii::PiiType,
    policy::SkipReason,
    token::{Mode, ScopeContext},
};

/// Most items in one tokenize request.
pub const MAX_TOKENIZE_ITEMS: usize = 1000;
/// Longest idempotency key, in characters.
pub const MAX_IDEMPOTENCY_KEY_LEN: usize = 256;

/// The mode an item asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ModeChoice {
    /// The policy's rule decides.
    #[default]
    Policy,
    /// This mode instead of the rule's (the policy may refuse it).
    Override(Mode),
    /// A mode that does not exist: the item fails `INVALID_INPUT`.
    Unknown,
}

/// One value to tokenize.
#[derive(Debug, Clone, Default)]
pub struct TokenizeItemInput {
    /// The raw value.
    pub value: String,
    /// Its type; `None` when the caller named a type this vault does not support (the item
    /// fails `UNSUPPORTED_PII_TYPE`, the others go on).
    pub pii_type: Option<PiiType>,
    /// Mode override.
    pub mode: ModeChoice,
    /// Detection confidence (0.0–1.0); absent means the caller asserts the type.
    pub confidence: Option<f64>,
    /// Context labels for the policy's label filters.
    pub labels: Vec<String>,
    /// Where the value was found, for scoped deterministic tokens.
    pub scope_context: ScopeContext,
}

/// How a batch treats failed items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BatchMode {
    /// Each item stands alone.
    #[default]
    BestEffort,
    /// One failed item fails the request; nothing is written.
    AllOrNothing,
}

impl BatchMode {
    /// The name of seed 002.
    pub fn as_str(self) -> &'static str {
        match self {
            BatchMode::BestEffort => "BEST_EFFORT",
            BatchMode::AllOrNothing => "ALL_OR_NOTHING",
        }
    }
}

/// A tokenize request.
#[derive(Debug, Clone)]
pub struct TokenizeCommand {
    /// Values, 1 to [`MAX_TOKENIZE_ITEMS`].
    pub items: Vec<TokenizeItemInput>,
    /// The policy to apply.
    pub policy_id: PolicyId,
    /// Deduplication key, 1 to [`MAX_IDEMPOTENCY_KEY_LEN`] characters.
    pub idempotency_key: Option<String>,
    /// Batch semantics.
    pub batch_mode: BatchMode,
    /// Require this policy version.
    pub batch_policy_version: Option<u32>,
    /// Compute the answer and write nothing.
    pub dry_run: bool,
}

/// Why one item failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemErrorCode {
    /// The value is empty.
    EmptyValue,
    /// The type is not one the vault supports.
    UnsupportedPiiType,
    /// The value, mode, confidence or scope is invalid.
    InvalidInput,
    /// The tenant's kill switch is on.
    KillSwitchActive,
    /// The value's deterministic token was revoked.
    TokenRevoked,
    /// The value's deterministic token expired.
    TokenExpired,
    /// The record could not be read back.
    ServiceUnavailable,
}

impl ItemErrorCode {
    /// The code clients see.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemErrorCode::EmptyValue => "EMPTY_VALUE",
            ItemErrorCode::UnsupportedPiiType => "UNSUPPORTED_PII_TYPE",
            ItemErrorCode::InvalidInput => "INVALID_INPUT",
            ItemErrorCode::KillSwitchActive => "KILL_SWITCH_ACTIVE",
            ItemErrorCode::TokenRevoked => "TOKEN_REVOKED",
            ItemErrorCode::TokenExpired => "TOKEN_EXPIRED",
            ItemErrorCode::ServiceUnavailable => "SERVICE_UNAVAILABLE",
        }
    }

    /// The code of [`as_str`](Self::as_str), read back.
    pub fn parse(s: &str) -> Option<Self> {
        [
            ItemErrorCode::EmptyValue,
            ItemErrorCode::UnsupportedPiiType,
            ItemErrorCode::InvalidInput,
            ItemErrorCode::KillSwitchActive,
            ItemErrorCode::TokenRevoked,
            ItemErrorCode::TokenExpired,
            ItemErrorCode::ServiceUnavailable,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }
}

/// A per-item error: a code and what to fix (never the value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemError {
    /// The code.
    pub code: ItemErrorCode,
    /// What to fix.
    pub message: String,
}

impl ItemError {
    pub(super) fn new(code: ItemErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

/// Why an item was not tokenized although nothing was wrong with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipCode {
    /// The policy decided so.
    Policy(SkipReason),
    /// The store was unreachable and the policy is `fail_open`.
    FailOpen,
}

impl SkipCode {
    /// The code clients see.
    pub fn as_str(self) -> &'static str {
        match self {
            SkipCode::Policy(r) => r.code(),
            SkipCode::FailOpen => "FAIL_OPEN",
        }
    }

    pub(super) fn parse(s: &str) -> Option<Self> {
        if s == "FAIL_OPEN" {
            return Some(SkipCode::FailOpen);
        }
        SkipReason::ALL
            .into_iter()
            .find(|r| r.code() == s)
            .map(SkipCode::Policy)
    }
}

/// What happened to one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemOutcome {
    /// Tokenized (or found: the same deterministic value's record).
    Tokenized {
        /// The token.
        token: String,
        /// Its record.
        token_id: TokenId,
        /// The mode used.
        mode: Mode,
        /// When it expires, if its rule has a TTL.
        expires_at: Option<i64>,
    },
    /// Not tokenized, by the policy's decision.
    Skipped(SkipCode),
    /// Masked by the policy's rule (`action: mask`): irreversible, nothing stored.
    Masked(String),
    /// Failed.
    Failed {
        /// Why.
        error: ItemError,
        /// The record, when the failure is the record's state (revoked, expired).
        record: Option<(TokenId, Mode, Option<i64>)>,
    },
}

/// The answer to a tokenize request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenizeOutcome {
    /// One outcome per item, in order.
    pub items: Vec<ItemOutcome>,
    /// The policy version applied.
    pub policy_version: u32,
    /// The trace id of the request that made this answer (the first one, on a replay).
    pub trace_id: String,
    /// Whether this was a dry run.
    pub dry_run: bool,
}

impl TokenizeOutcome {
    /// Items tokenized.
    pub fn success_count(&self) -> usize {
        self.items
            .iter()
            .filter(|i| matches!(i, ItemOutcome::Tokenized { .. }))
            .count()
    }

    /// Items skipped.
    pub fn skipped_count(&self) -> usize {
        self.items
            .iter()
            .filter(|i| matches!(i, ItemOutcome::Skipped(_)))
            .count()
    }

    /// Items masked.
    pub fn masked_count(&self) -> usize {
        self.items
            .iter()
            .filter(|i| matches!(i, ItemOutcome::Masked(_)))
            .count()
    }

    /// Items failed.
    pub fn failure_count(&self) -> usize {
        self.items.len() - self.success_count() - self.skipped_count() - self.masked_count()
    }
}
