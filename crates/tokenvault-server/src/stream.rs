//! Streaming restoration for model output that arrives in chunks. Request and answer are
//! newline-delimited JSON: the first request line carries the settings (`{"purpose": …}` for
//! vault tokens, `{"vault": {…}}` for placeholders), each later line `{"chunk": "…"}`. The
//! answer streams `{"chunk": "…"}` lines as soon as they are settled, then `{"done": true, …}`.
//!
//! A token or placeholder split across chunks is held back until it is complete: only the part
//! of the buffer that cannot be the start of one is released (see `settled_len`).

use std::sync::Arc;

use axum::{
    body::Body,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
};
use futures_util::StreamExt;
use serde_json::{json, Value};
use tokenvault_core::{
    service::{
        Caller, RehydrateAccess, RestoreStatus, ServiceError, MAX_REHYDRATE_BYTES,
        MAX_REHYDRATE_TOKENS,
    },
    token::in_text,
};

use crate::{error::ApiError, AppState};

/// Longest request line.
const MAX_LINE: usize = 4 * MAX_REHYDRATE_BYTES;
/// Most text one stream may carry.
const MAX_STREAM_BYTES: usize = 64 * MAX_REHYDRATE_BYTES;
/// Answer lines queued for a client at most: a client that stops reading stops the stream
/// (backpressure) instead of letting answers pile up in memory; one that reads nothing for
/// the listener's write timeout loses the connection, which ends the stream.
const QUEUED_LINES: usize = 2;
/// A client that sends nothing for this long gets an error line and the end of the stream.
const IDLE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

type Line = Result<axum::body::Bytes, std::io::Error>;

/// Queues an answer line (waiting while the queue is full); false when the client is gone.
async fn emit(tx: &tokio::sync::mpsc::Sender<Line>, l: Line) -> bool {
    tx.send(l).await.is_ok()
}

/// What a stream restores.
#[allow(clippy::large_enum_variant)] // one per stream, never moved in a loop
pub(crate) enum Restorer {
    /// Vault tokens, for a caller and purpose.
    Vault {
        state: Arc<AppState>,
        caller: Caller,
        purpose: String,
        reason: Option<String>,
        trace_id: String,
        prefix: String,
        /// Each distinct token seen, in order, with its latest status (as `/rehydrate`
        /// reports them).
        tokens: Vec<(String, RestoreStatus)>,
    },
    /// Placeholders of a PII tokenize vault.
    Placeholders {
        keys: Vec<(String, String)>,
        replaced: usize,
    },
}

impl Restorer {
    fn settled(&self, buf: &str) -> usize {
        match self {
            Restorer::Vault { prefix, .. } => in_text::settled_len(buf, prefix),
            Restorer::Placeholders { keys, .. } => {
                let mut hold = 0;
                for (k, _) in keys {
                    for l in (hold + 1..k.len()).rev() {
                        if k.is_char_boundary(l) && buf.ends_with(&k[..l]) {
                            hold = l;
                            break;
                        }
                    }
                }
                buf.len() - hold
            }
        }
    }

    async fn restore(&mut self, text: &str) -> Result<String, ApiError> {
        match self {
            Restorer::Placeholders { keys, replaced } => {
                let (out, n) =
                    tokenvault_detect::transform::detokenize(text, keys, 8 * MAX_REHYDRATE_BYTES)
                        .map_err(|e| ApiError::invalid(e.to_string()))?;
                *replaced += n;
                Ok(out)
            }
            Restorer::Vault {
                state,
                caller,
                purpose,
                reason,
                trace_id,
                prefix,
                tokens,
            } => {
                let found: Vec<String> = in_text::find_tokens(text, prefix)
                    .into_iter()
                    .map(|r| text[r].to_owned())
                    .collect();
                if found.is_empty() {
                    return Ok(text.to_owned());
                }
                for t in &found {
                    if !tokens.iter().any(|(k, _)| k == t) {
                        tokens.push((t.clone(), RestoreStatus::NotFound));
                    }
                }
                if tokens.len() > MAX_REHYDRATE_TOKENS {
                    return Err(ApiError::invalid(format!(
                        "the stream holds more than {MAX_REHYDRATE_TOKENS} distinct tokens"
                    )));
                }
                let access = RehydrateAccess::Purpose {
                    purpose: purpose.clone(),
                    reason: reason.clone(),
                };
                let mut set = |token: &str, status: RestoreStatus| {
                    if let Some(e) = tokens.iter_mut().find(|(k, _)| k == token) {
                        e.1 = status;
                    }
                };
                match state.vault.rehydrate(caller, text, &access, trace_id).await {
                    Ok(r) => {
                        for t in &r.tokens {
                            set(&t.token, t.status);
                        }
                        Ok(r.text)
                    }
                    // Every token of this chunk is refused by its policy: like `/rehydrate`
                    // with some tokens denied, they stay in the text and are reported; the
                    // stream goes on.
                    Err(ServiceError::AccessDenied(_)) => {
                        for t in &found {
                            set(t, RestoreStatus::Denied);
                        }
                        Ok(text.to_owned())
                    }
                    Err(e) => Err(e.into()),
                }
            }
        }
    }

    fn summary(&self) -> Value {
        match self {
            Restorer::Vault { tokens, .. } => {
                // The same meaning as `/rehydrate`: distinct tokens restored and left.
                let restored = tokens
                    .iter()
                    .filter(|(_, s)| *s == RestoreStatus::Restored)
                    .count();
                let list: Vec<Value> = tokens
                    .iter()
                    .map(|(t, s)| json!({"token": t, "status": s.as_str()}))
                    .collect();
                json!({"done": true, "tokens_seen": tokens.len(), "restored_count": restored,
                       "left_count": tokens.len() - restored, "tokens": list})
            }
            Restorer::Placeholders { replaced, .. } => json!({"done": true, "replaced": replaced}),
        }
    }
}

fn line(v: &Value) -> Result<axum::body::Bytes, std::io::Error> {
    let mut s = v.to_string();
    s.push('\n');
    Ok(axum::body::Bytes::from(s))
}

fn error_line(e: ApiError) -> Value {
    json!({"error": {"code": e.code.as_str(), "message": e.message, "detail": e.detail, "retryable": e.code.retryable()}})
}

/// Reads the first line of an authenticated request, lets `build` turn it into a restorer,
/// then streams the answer. Errors before streaming are ordinary error responses.
pub(crate) async fn serve<F, Fut>(state: &Arc<AppState>, body: Body, build: F) -> Response
where
    F: FnOnce(Value) -> Fut,
    Fut: std::future::Future<Output = Result<Restorer, ApiError>>,
{
    let started = async {
        let (first, rest, input) =
            first_line(body, state.settings.connections.body_timeout).await?;
        let restorer = build(first).await?;
        Ok::<_, ApiError>((restorer, rest, input))
    };
    match started.await {
        Ok((restorer, rest, input)) => run(restorer, rest, input),
        Err(e) => e.into_response(),
    }
}

/// Reads the first line (the settings) of a stream; the rest is handed to [`run`].
async fn first_line(
    body: Body,
    timeout: std::time::Duration,
) -> Result<(Value, Vec<u8>, axum::body::BodyDataStream), ApiError> {
    let mut stream = body.into_data_stream();
    let mut buf = Vec::new();
    loop {
        if let Some(pos) = buf.iter().position(|&b| b == b'\n') {
            let rest = buf.split_off(pos + 1);
            let first: Value = serde_json::from_slice(&buf[..pos]).map_err(|e| {
                ApiError::invalid(format!(
                    "first line: {}",
                    crate::error::describe_json_error(&e)
                ))
            })?;
            return Ok((first, rest, stream));
        }
        if buf.len() > MAX_LINE {
            return Err(ApiError::invalid("the first line is too long"));
        }
        let next = tokio::time::timeout(timeout, stream.next())
            .await
            .map_err(|_| crate::context::body_timeout(timeout))?;
        match next {
            Some(Ok(bytes)) => buf.extend_from_slice(&bytes),
            Some(Err(_)) => return Err(ApiError::invalid("the request body could not be read")),
            None => {
                return Err(ApiError::invalid(
                    "send the settings line, then one {\"chunk\": …} line per chunk",
                ))
            }
        }
    }
}

/// Streams the restored chunks back as they settle.
pub(crate) fn run(
    restorer: Restorer,
    pending: Vec<u8>,
    input: axum::body::BodyDataStream,
) -> Response {
    let (tx, rx) = tokio::sync::mpsc::channel::<Line>(QUEUED_LINES);
    let pump = Pump {
        restorer,
        text: String::new(),
        total: 0,
        tx,
    };
    tokio::spawn(pump.run(pending, input));
    let body = Body::from_stream(tokio_stream_from(rx));
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/x-ndjson")],
        body,
    )
        .into_response()
}

/// Whether a stream goes on.
enum Flow {
    Go,
    Stop,
}

/// One stream's state: what is restored, the text not yet settled, the bytes seen, and the
/// queue of answer lines.
struct Pump {
    restorer: Restorer,
    text: String,
    total: usize,
    tx: tokio::sync::mpsc::Sender<Line>,
}

impl Pump {
    /// Reads request lines until the body ends, then flushes and sends the summary.
    async fn run(mut self, mut pending: Vec<u8>, mut input: axum::body::BodyDataStream) {
        let mut ended = false;
        loop {
            // Every complete line in `pending`.
            while let Some(pos) = pending.iter().position(|&b| b == b'\n') {
                let rest = pending.split_off(pos + 1);
                let raw = std::mem::replace(&mut pending, rest);
                if let Flow::Stop = self.take_line(&raw[..raw.len() - 1]).await {
                    return;
                }
            }
            if ended {
                break;
            }
            if pending.len() > MAX_LINE {
                self.fail(ApiError::invalid("a line is too long")).await;
                return;
            }
            let Ok(next) = tokio::time::timeout(IDLE_TIMEOUT, input.next()).await else {
                let detail = format!(
                    "the stream sent nothing for {} s; it was closed",
                    IDLE_TIMEOUT.as_secs()
                );
                self.fail(ApiError::invalid(detail)).await;
                return;
            };
            match next {
                Some(Ok(bytes)) => pending.extend_from_slice(&bytes),
                Some(Err(_)) => return,
                None => {
                    ended = true;
                    if !pending.is_empty() {
                        pending.push(b'\n');
                    }
                }
            }
        }
        self.finish().await;
    }

    /// One request line: a chunk, restored as far as it has settled.
    async fn take_line(&mut self, raw: &[u8]) -> Flow {
        if raw.iter().all(u8::is_ascii_whitespace) {
            return Flow::Go;
        }
        let chunk = match serde_json::from_slice::<Value>(raw) {
            Ok(Value::Object(mut o)) => match o.remove("chunk") {
                Some(Value::String(c)) => c,
                _ => {
                    let e =
                        ApiError::invalid("each line after the first must be {\"chunk\": \"…\"}");
                    return self.fail(e).await;
                }
            },
            _ => {
                return self
                    .fail(ApiError::invalid("a line is not a JSON object"))
                    .await
            }
        };
        self.total += chunk.len();
        if self.total > MAX_STREAM_BYTES {
            let e = ApiError::invalid(format!("a stream carries at most {MAX_STREAM_BYTES} bytes"));
            return self.fail(e).await;
        }
        self.text.push_str(&chunk);
        let n = self.restorer.settled(&self.text);
        if n == 0 {
            return Flow::Go;
        }
        let rest = self.text.split_off(n);
        let ready = std::mem::replace(&mut self.text, rest);
        self.send_restored(&ready).await
    }

    /// Restores `text` and sends it as a chunk line.
    async fn send_restored(&mut self, text: &str) -> Flow {
        match self.restorer.restore(text).await {
            Ok(out) if emit(&self.tx, line(&json!({"chunk": out}))).await => Flow::Go,
            Ok(_) => Flow::Stop,
            Err(e) => self.fail(e).await,
        }
    }

    /// Sends an error line; the stream ends.
    async fn fail(&self, e: ApiError) -> Flow {
        let _ = emit(&self.tx, line(&error_line(e))).await;
        Flow::Stop
    }

    /// Restores what is left and sends the summary.
    async fn finish(mut self) {
        if !self.text.is_empty() {
            let rest = std::mem::take(&mut self.text);
            if let Flow::Stop = self.send_restored(&rest).await {
                return;
            }
        }
        let _ = emit(&self.tx, line(&self.restorer.summary())).await;
    }
}

fn tokio_stream_from<T: Send + 'static>(
    mut rx: tokio::sync::mpsc::Receiver<T>,
) -> impl futures_util::Stream<Item = T> + Send + 'static {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
}
