//! Turning a posted TAXII envelope into an add request: every object is
//! validated on its own (one bad object does not sink the others), and the
//! status that the store commits together with the objects is assembled here
//! so that both back ends report identically.

use liaison_stix::json::Value;
use liaison_stix::{Severity, Timestamp, validate_object};

use crate::objects::{AddOutcome, NewObject, UNVERSIONED};
use crate::status::{Status, StatusDetail, StatusState};

/// Findings quoted in a failure message before "and N more".
const QUOTED_FINDINGS: usize = 5;

/// What the store is asked to do for one add-objects request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddRequest {
    pub api_root: String,
    pub collection_id: String,
    /// The user making the request (the status's owner).
    pub owner: String,
    /// Id of the status resource to create.
    pub status_id: String,
    /// When the request arrived (Unix microseconds).
    pub request_timestamp: i64,
    /// The envelope's objects in order.
    pub items: Vec<AddItem>,
}

/// One object of a request: valid and to be stored, or refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddItem {
    Valid(NewObject),
    Invalid(StatusDetail),
}

/// Why a request body is not an envelope at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    #[error("the request body must be a TAXII envelope: a JSON object, not {0}")]
    NotAnObject(&'static str),
    #[error("the envelope's objects property must be a list, not {0}")]
    ObjectsNotAList(&'static str),
}

/// Validates the objects of `envelope` one by one.
pub fn prepare(
    api_root: &str,
    collection_id: &str,
    owner: &str,
    status_id: String,
    request_timestamp: i64,
    envelope: &Value<'_>,
) -> Result<AddRequest, EnvelopeError> {
    let Some(body) = envelope.as_object() else {
        return Err(EnvelopeError::NotAnObject(envelope.type_name()));
    };
    let objects = match body.get("objects") {
        None => &[][..],
        Some(Value::Array(items)) => items.as_slice(),
        Some(other) => return Err(EnvelopeError::ObjectsNotAList(other.type_name())),
    };
    Ok(AddRequest {
        api_root: api_root.to_owned(),
        collection_id: collection_id.to_owned(),
        owner: owner.to_owned(),
        status_id,
        request_timestamp,
        items: prepare_objects(objects),
    })
}

/// Validates `objects` in order, over the available cores when there are
/// many (~5 µs per 1 KB indicator).
fn prepare_objects(objects: &[Value<'_>]) -> Vec<AddItem> {
    crate::parallel::par_map(objects, prepare_object)
}

/// Validates one object and, when valid, extracts what the store indexes.
pub fn prepare_object(value: &Value<'_>) -> AddItem {
    let text = |key: &str| {
        value
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let version = match value
        .get("modified")
        .or_else(|| value.get("created"))
        .and_then(Value::as_str)
    {
        Some(v) => v.to_owned(),
        None => String::new(),
    };
    let errors: Vec<String> = validate_object(value)
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| f.to_string())
        .collect();
    if !errors.is_empty() {
        return AddItem::Invalid(StatusDetail {
            id: text("id"),
            version,
            message: Some(failure_message(&errors)),
        });
    }
    let version_key = Timestamp::parse(&version).map_or(UNVERSIONED, |t| t.unix_micros());
    let spec_version = match value.get("spec_version").and_then(Value::as_str) {
        Some(v) => v.to_owned(),
        None => "2.1".to_owned(),
    };
    AddItem::Valid(NewObject {
        id: text("id"),
        object_type: text("type"),
        spec_version,
        version,
        version_key,
        json: value.to_json_string(),
        tlp: crate::exchange::tlp_rank(crate::federation::object_tlp(value)),
    })
}

fn failure_message(errors: &[String]) -> String {
    let mut message = format!(
        "invalid STIX 2.1 object: {}",
        errors[..errors.len().min(QUOTED_FINDINGS)].join("; ")
    );
    if errors.len() > QUOTED_FINDINGS {
        message.push_str(&format!("; and {} more", errors.len() - QUOTED_FINDINGS));
    }
    message
}

/// The status of a request once the store has decided the outcome of every
/// valid item (`outcomes` are in the order of the valid items).
pub fn assemble_status(request: &AddRequest, outcomes: &[AddOutcome]) -> Status {
    let mut status = Status {
        id: request.status_id.clone(),
        api_root: request.api_root.clone(),
        collection_id: request.collection_id.clone(),
        owner: request.owner.clone(),
        state: StatusState::Complete,
        request_timestamp: request.request_timestamp,
        total_count: request.items.len() as u64,
        successes: Vec::new(),
        failures: Vec::new(),
        pendings: Vec::new(),
    };
    let mut outcomes = outcomes.iter();
    for item in &request.items {
        match item {
            AddItem::Invalid(detail) => status.failures.push(detail.clone()),
            AddItem::Valid(object) => {
                let Some(outcome) = outcomes.next() else {
                    // The store decided fewer outcomes than it was given items:
                    // report them pending rather than claim success.
                    status.state = StatusState::Pending;
                    status.pendings.push(detail(object, None, 0));
                    continue;
                };
                match *outcome {
                    AddOutcome::Added { date_added } => status.successes.push(detail(object, None, date_added)),
                    AddOutcome::AlreadyPresent { date_added } => {
                        status.successes.push(detail(object, Some("already present; nothing changed"), date_added))
                    }
                    AddOutcome::Conflict { date_added } => status.failures.push(detail(
                        object,
                        Some("a different object with this id and version is already stored; the stored one is kept (STIX 2.1 §3.6)"),
                        date_added,
                    )),
                }
            }
        }
    }
    status
}

fn detail(object: &NewObject, message: Option<&str>, date_added: i64) -> StatusDetail {
    StatusDetail {
        id: object.id.clone(),
        version: NewObject::display_version(&object.version, date_added),
        message: message.map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use liaison_stix::json::parse;

    const INDICATOR: &str = r#"{"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.123Z","name":"x","description":"y","pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix","valid_from":"2016-01-01T00:00:00Z"}"#;

    #[test]
    fn valid_and_invalid_objects_are_judged_one_by_one() {
        let body = format!(
            r#"{{"objects":[{INDICATOR},{{"type":"indicator","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"}}, 7]}}"#
        );
        let envelope = parse(&body).unwrap();
        let request = prepare("api", "c", "alice", "s".into(), 1, &envelope).unwrap();
        assert_eq!(request.items.len(), 3);
        let AddItem::Valid(obj) = &request.items[0] else {
            panic!("first should be valid: {:?}", request.items[0])
        };
        assert_eq!(obj.version, "2016-04-06T20:03:48.123Z");
        assert_eq!(
            obj.version_key,
            Timestamp::parse("2016-04-06T20:03:48.123Z")
                .unwrap()
                .unix_micros()
        );
        assert_eq!(obj.json, parse(INDICATOR).unwrap().to_json_string());
        let AddItem::Invalid(bad) = &request.items[1] else {
            panic!()
        };
        assert_eq!(bad.id, "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
        assert!(
            bad.message
                .as_deref()
                .unwrap()
                .contains("spec_version: is required"),
            "{bad:?}"
        );
        assert!(matches!(&request.items[2], AddItem::Invalid(d) if d.id.is_empty()));

        let status = assemble_status(&request, &[AddOutcome::Added { date_added: 5 }]);
        assert_eq!((status.successes.len(), status.failures.len()), (1, 2));
        assert!(status.counts_agree());
        assert_eq!(status.state, StatusState::Complete);
    }

    #[test]
    fn envelope_shape() {
        assert!(prepare("a", "c", "alice", "s".into(), 0, &parse("[]").unwrap()).is_err());
        assert!(
            prepare(
                "a",
                "c",
                "alice",
                "s".into(),
                0,
                &parse(r#"{"objects":{}}"#).unwrap()
            )
            .is_err()
        );
        assert_eq!(
            prepare("a", "c", "alice", "s".into(), 0, &parse("{}").unwrap())
                .unwrap()
                .items
                .len(),
            0
        );
    }

    #[test]
    fn large_envelopes_keep_their_order() {
        // Above PARALLEL_MIN the objects are validated on several threads;
        // the items must still come back in envelope order.
        let objects: Vec<String> = (0..300)
            .map(|n| {
                if n % 7 == 3 {
                    format!(r#"{{"type":"indicator","id":"indicator--bad-{n}"}}"#)
                } else {
                    INDICATOR.replace(
                        "8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
                        &format!("8e2e2d2b-17d4-4cbf-938f-{n:012x}"),
                    )
                }
            })
            .collect();
        let body = format!(r#"{{"objects":[{}]}}"#, objects.join(","));
        let envelope = parse(&body).unwrap();
        let request = prepare("a", "c", "alice", "s".into(), 0, &envelope).unwrap();
        assert_eq!(request.items.len(), 300);
        for (n, item) in request.items.iter().enumerate() {
            match item {
                AddItem::Valid(o) => {
                    assert_ne!(n % 7, 3, "{n}");
                    assert!(o.id.ends_with(&format!("{n:012x}")), "{n}: {}", o.id);
                }
                AddItem::Invalid(d) => {
                    assert_eq!(n % 7, 3, "{n}");
                    assert_eq!(d.id, format!("indicator--bad-{n}"));
                }
            }
        }
    }

    #[test]
    fn missing_outcomes_are_pending_not_success() {
        let body = format!(r#"{{"objects":[{INDICATOR}]}}"#);
        let envelope = parse(&body).unwrap();
        let request = prepare("a", "c", "alice", "s".into(), 0, &envelope).unwrap();
        let status = assemble_status(&request, &[]);
        assert_eq!(status.state, StatusState::Pending);
        assert!(status.counts_agree());
    }
}
