//! TAXII status resources: the outcome of an add-objects request, kept so
//! that clients can fetch it again.

/// Whether processing of a request has finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusState {
    /// Final: every object is either committed (success) or refused (failure).
    Complete,
    /// Some objects are still being processed.
    Pending,
}

impl StatusState {
    /// The TAXII spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            StatusState::Complete => "complete",
            StatusState::Pending => "pending",
        }
    }
}

/// The outcome of one object in a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusDetail {
    /// The object's id (as posted, possibly empty when the object had none).
    pub id: String,
    /// The object's version (as posted, possibly empty).
    pub version: String,
    /// Why it failed, or a note on its success.
    pub message: Option<String>,
}

/// A status resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// UUIDv4.
    pub id: String,
    pub api_root: String,
    /// The collection the request added to.
    pub collection_id: String,
    /// The user who made the request; only they (and administrators) may read it.
    pub owner: String,
    pub state: StatusState,
    /// When the request arrived (Unix microseconds).
    pub request_timestamp: i64,
    /// Objects in the request.
    pub total_count: u64,
    pub successes: Vec<StatusDetail>,
    pub failures: Vec<StatusDetail>,
    pub pendings: Vec<StatusDetail>,
}

impl Status {
    /// `success_count + failure_count + pending_count == total_count`, which
    /// TAXII clients check.
    pub fn counts_agree(&self) -> bool {
        (self.successes.len() + self.failures.len() + self.pendings.len()) as u64
            == self.total_count
    }
}
