//! The admin API of the council and the ledger (JSON, under `/admin/v1/`),
//! for `liaison council|ledger|member withdraw|member rotate-key` and
//! operators. Thin: `liaison_core::council` holds the rules; the acts made
//! here wake the delivery workers at once.
//!
//! | Method | Path | Who | Does |
//! |---|---|---|---|
//! | GET | `/council/proposals` | admins, analysts | every proposal with its votes, counted or not and why, electorate, quorum, outcome |
//! | POST | `/council/proposals` | admins | propose `{action, card?, member?, admission?, withdrawal_notice_seconds?, text, deadline}` |
//! | POST | `/council/proposals/{id}/votes` | admins | vote `{choice: yes\|no\|abstain}` on a proposal (hash or prefix) |
//! | POST | `/member/withdraw` | admins | this member withdraws from the commonwealth |
//! | POST | `/member/rotate-key` | admins | new signing key and card; the act is signed by the old and new key |
//! | GET | `/ledger` | admins, analysts | the membership and every act, in the order of the laws |
//! | GET | `/ledger/export` | admins | the ledger for a candidate (`liaison agreement join --ledger`) |
//! | GET | `/ledger/verify` | admins, analysts | replays the stored ledger from the agreement: the membership, or 409 naming the act that breaks it |
//! | POST | `/resend` | admins | `{to, objects:[ids]}`: what this node shared with `all` earlier, to a (new) member |
//!
//! Without a ledger (no adopted commonwealth) these answer 404. A refused
//! act is 409 with the law it breaks, e.g. `the ledger refuses the act:
//! cert-d is suspended and may not act in the council`.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value as Json, json};

use liaison_core::council::{
    self, Committed, CouncilError, LedgerExport, LedgerMembership, report,
};
use liaison_core::exchange_ops::ExchangeError;
use liaison_core::federation::{Admission, MemberCard, Rules, SigningKey};
use liaison_core::ledger::{Action, Choice};
use liaison_core::users::Role;

use super::Federation;
use super::admin::{LocalUser, federated, ok, parse_field};
use crate::auth::AdminUser;
use crate::error::AdminError;
use crate::extract::{AdminPath, admin_json};
use crate::state::AppState;

/// The routes, merged into the admin router.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/council/proposals", get(proposals).post(propose))
        .route("/council/proposals/{id}/votes", post(vote))
        .route("/member/withdraw", post(withdraw))
        .route("/member/rotate-key", post(rotate_key))
        .route("/ledger", get(ledger))
        .route("/ledger/export", get(export))
        .route("/ledger/verify", get(verify))
        .route("/resend", post(resend))
}

/// The federation and its ledger, or 404.
fn council_of(state: &AppState) -> Result<(&Arc<Federation>, &Arc<LedgerMembership>), AdminError> {
    let federation = federated(state)?;
    let council = federation
        .council()
        .ok_or_else(|| AdminError::not_found("this node keeps no ledger of the council"))?;
    Ok((federation, council))
}

fn council_error(e: CouncilError) -> AdminError {
    match e {
        CouncilError::Refused(_) => AdminError::conflict(e.to_string()),
        CouncilError::UnknownProposal(_) => AdminError::not_found(e.to_string()),
        CouncilError::AmbiguousProposal { .. } | CouncilError::Invalid(_) => {
            AdminError::bad_request(e.to_string())
        }
        CouncilError::Store(e) | CouncilError::Exchange(ExchangeError::Store(e)) => e.into(),
        CouncilError::Exchange(
            ExchangeError::Audience(_)
            | ExchangeError::Invalid(_)
            | ExchangeError::NotShared { .. },
        ) => AdminError::bad_request(e.to_string()),
        CouncilError::Replay(_) | CouncilError::Identity(_) | CouncilError::Exchange(_) => {
            tracing::error!(error = %e, "council");
            AdminError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
        }
    }
}

/// Readers see nothing of the council.
fn may_read(user: &liaison_core::users::User) -> Result<(), AdminError> {
    if user.role == Role::Reader {
        return Err(AdminError::new(
            StatusCode::FORBIDDEN,
            "readers may not see the council's ledger",
        ));
    }
    Ok(())
}

/// `{"act": hash, "sent_to": [...], "messages": n}` for an own act.
fn committed_view(committed: &Committed) -> Json {
    json!({
        "act": committed.hash.to_hex(),
        "sent_to": committed.recipients,
        "messages": committed.enqueued.len(),
    })
}

/// [`committed_view`] with `"proposal"`: the report of the proposal
/// `proposal` (its hash) as it stands after the act.
fn proposal_view(
    council: &LedgerMembership,
    committed: &Committed,
    proposal: &str,
    now: i64,
) -> Json {
    let report = council.with_ledger(|l| {
        report::proposals_report(l, now)
            .into_iter()
            .find(|p| p.proposal == proposal)
    });
    let mut view = committed_view(committed);
    view["proposal"] = json!(report);
    view
}

/// # `GET /admin/v1/council/proposals`
///
/// `{"proposals":[...]}`: every proposal in the order of the laws, as
/// `liaison_core::council::report::ProposalReport`.
pub async fn proposals(
    LocalUser(user): LocalUser,
    State(state): State<AppState>,
) -> Result<Response, AdminError> {
    may_read(&user)?;
    let (_, council) = council_of(&state)?;
    let now = state.clock.now_micros();
    let list = council.with_ledger(|l| report::proposals_report(l, now));
    Ok(ok(&json!({ "proposals": list })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProposeBody {
    /// `admit`, `suspend`, `reinstate`, `expel` or `amend`.
    action: String,
    /// For `admit`: the candidate's member card.
    card: Option<Json>,
    /// For `suspend`, `reinstate`, `expel`.
    member: Option<String>,
    /// For `amend`.
    admission: Option<String>,
    /// For `amend` (default: the notice in force).
    withdrawal_notice_seconds: Option<u64>,
    text: String,
    /// RFC 3339 UTC timestamp, or a duration (`7d`, `12h`).
    deadline: String,
}

fn action_of(body: &ProposeBody, council: &LedgerMembership) -> Result<Action, AdminError> {
    let member = || {
        body.member
            .clone()
            .ok_or_else(|| AdminError::bad_request(format!("{} needs member", body.action)))
    };
    Ok(match body.action.as_str() {
        "admit" => {
            let card = body.card.as_ref().ok_or_else(|| {
                AdminError::bad_request("admit needs card: the candidate's member card")
            })?;
            let policy = council.with_ledger(|l| l.policy());
            let card = MemberCard::from_json(&card.to_string(), policy)
                .map_err(|e| AdminError::bad_request(e.to_string()))?;
            Action::Admit { card }
        }
        "suspend" => Action::Suspend { member: member()? },
        "reinstate" => Action::Reinstate { member: member()? },
        "expel" => Action::Expel { member: member()? },
        "amend" => {
            let current = council.with_ledger(|l| l.membership().rules());
            let admission: Admission = match &body.admission {
                Some(text) => parse_field(text)?,
                None => current.admission,
            };
            Action::Amend {
                rules: Rules {
                    admission,
                    withdrawal_notice_seconds: body
                        .withdrawal_notice_seconds
                        .unwrap_or(current.withdrawal_notice_seconds),
                },
            }
        }
        other => {
            return Err(AdminError::bad_request(format!(
                "unknown action {other:?}: expected admit, suspend, reinstate, expel or amend"
            )));
        }
    })
}

/// # `POST /admin/v1/council/proposals`
///
/// `{"action":"admit","card":{...}}`, `{"action":"suspend"|"reinstate"|"expel","member":NAME}`
/// or `{"action":"amend","admission":"two-thirds","withdrawal_notice_seconds":N}`, each
/// with `"text"` and `"deadline"` (RFC 3339 or `7d`, `12h`). The proposal
/// counts as this member's yes. 200 `{"act":hash,"sent_to":[...],"messages":n,
/// "proposal":{report}}`; 409 when the ledger refuses it.
pub async fn propose(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AdminError> {
    let (federation, council) = council_of(&state)?;
    let body: ProposeBody = admin_json(&headers, body, state.settings.max_admin_body).await?;
    let action = action_of(&body, council)?;
    let now = state.clock.now_micros();
    let deadline = council::parse_deadline(&body.deadline, now).map_err(council_error)?;
    let node = federation.node();
    let committed = council::propose(
        state.store.as_ref(),
        &node,
        council,
        action,
        &body.text,
        deadline,
        now,
    )
    .await
    .map_err(council_error)?;
    federation.wake(&committed.enqueued);
    tracing::info!(admin = %admin.name, proposal = %committed.hash, "proposal made");
    Ok(ok(&proposal_view(
        council,
        &committed,
        &committed.hash.to_hex(),
        now,
    )))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VoteBody {
    choice: String,
}

/// # `POST /admin/v1/council/proposals/{id}/votes`
///
/// `{"choice":"yes"|"no"|"abstain"}` on the proposal `{id}` (its hash, or
/// a unique prefix of at least 6 digits). 200 `{"act":hash,"sent_to":[...],
/// "messages":n,"proposal":{report}}`; 404 unknown proposal; 409 refused.
pub async fn vote(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    AdminPath(id): AdminPath<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AdminError> {
    let (federation, council) = council_of(&state)?;
    let body: VoteBody = admin_json(&headers, body, state.settings.max_admin_body).await?;
    let choice: Choice = parse_field(&body.choice)?;
    let now = state.clock.now_micros();
    let node = federation.node();
    let committed = council::vote(state.store.as_ref(), &node, council, &id, choice, now)
        .await
        .map_err(council_error)?;
    federation.wake(&committed.enqueued);
    tracing::info!(admin = %admin.name, vote = %committed.hash, choice = %choice, "vote cast");
    let target = match &committed.act.body {
        liaison_core::ledger::Body::Vote { proposal, .. } => proposal.to_hex(),
        _ => String::new(),
    };
    Ok(ok(&proposal_view(council, &committed, &target, now)))
}

/// # `POST /admin/v1/member/withdraw`
///
/// This member withdraws from the commonwealth (after the notice in the
/// rules). 200 `{"act":hash,"sent_to":[...],"messages":n}`.
pub async fn withdraw(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
) -> Result<Response, AdminError> {
    let (federation, council) = council_of(&state)?;
    let node = federation.node();
    let committed = council::withdraw(
        state.store.as_ref(),
        &node,
        council,
        state.clock.now_micros(),
    )
    .await
    .map_err(council_error)?;
    federation.wake(&committed.enqueued);
    tracing::warn!(admin = %admin.name, act = %committed.hash, "this member withdrew from the commonwealth");
    Ok(ok(&committed_view(&committed)))
}

/// # `POST /admin/v1/member/rotate-key`
///
/// A new signing key (in the data directory, mode 0600; the old one is
/// kept as `member/signing.key.previous`) and a new card with it (same
/// name, endpoint and TLS certificate); the rotation act, signed by the
/// old and the new key, goes to every member. From then on the node signs
/// with the new key. 200 `{"act":hash,"sent_to":[...],"messages":n,"card":{new card}}`.
pub async fn rotate_key(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
) -> Result<Response, AdminError> {
    let (federation, council) = council_of(&state)?;
    let files = federation.member_files().ok_or_else(|| {
        AdminError::conflict("this node has no member files to rotate its key in")
    })?;
    let io = |e: std::io::Error| {
        tracing::error!(error = %e, "member files");
        AdminError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("cannot write the member files: {e}"),
        )
    };
    let new_key = SigningKey::generate();
    files.stage(&new_key).map_err(io)?;
    let node = federation.node();
    let policy = council.with_ledger(|l| l.policy());
    let now = state.clock.now_micros();
    let (committed, card) = match council::rotate_key(
        state.store.as_ref(),
        &node,
        council,
        &new_key,
        policy,
        now,
    )
    .await
    {
        Ok(done) => done,
        Err(e) => {
            let _ = files.unstage();
            return Err(council_error(e));
        }
    };
    // The act is committed: from here the node signs with the new key,
    // even if the files cannot be moved now (the next start finishes it).
    if let Err(e) = files.commit(&card) {
        tracing::error!(error = %e, "key rotation committed, member files not yet moved; the next start finishes it");
    }
    federation.set_node(Arc::new(node.rotated(new_key, card.clone())));
    federation.wake(&committed.enqueued);
    tracing::warn!(admin = %admin.name, act = %committed.hash, key = %card.signing_key, "signing key rotated");
    let mut view = committed_view(&committed);
    view["card"] = json!(card);
    Ok(ok(&view))
}

/// # `GET /admin/v1/ledger`
///
/// `{"membership":{...},"acts":[{hash,author,created,kind,summary}],"heads":[...]}`
/// (see `liaison_core::council::report`).
pub async fn ledger(
    LocalUser(user): LocalUser,
    State(state): State<AppState>,
) -> Result<Response, AdminError> {
    may_read(&user)?;
    let (_, council) = council_of(&state)?;
    let view = council.with_ledger(|l| {
        json!({
            "membership": report::membership_report(l),
            "acts": report::acts_report(l),
            "heads": l.heads().iter().map(|h| h.to_hex()).collect::<Vec<_>>(),
        })
    });
    Ok(ok(&view))
}

/// # `GET /admin/v1/ledger/export`
///
/// The ledger as a candidate is given it:
/// `{"v":1,"type":"liaison-ledger","commonwealth":id,"acts":[...]}`.
pub async fn export(
    AdminUser(_): AdminUser,
    State(state): State<AppState>,
) -> Result<Response, AdminError> {
    let (_, council) = council_of(&state)?;
    let export = council.with_ledger(LedgerExport::of);
    Ok(ok(&json!(export)))
}

/// # `GET /admin/v1/ledger/verify`
///
/// Replays every stored act from the founding agreement, as a new node
/// would: 200 with the membership it proves, or 409 naming the first act
/// that breaks it.
pub async fn verify(
    LocalUser(user): LocalUser,
    State(state): State<AppState>,
) -> Result<Response, AdminError> {
    may_read(&user)?;
    let (federation, council) = council_of(&state)?;
    let node = federation.node();
    let policy = council.with_ledger(|l| l.policy());
    let stored = state.store.acts().await?;
    let mut acts = Vec::with_capacity(stored.len());
    for s in &stored {
        match liaison_core::ledger::Act::from_json(&s.json) {
            Ok(act) => acts.push(act),
            Err(e) => {
                return Err(AdminError::conflict(format!("act {}: {e}", s.hash)));
            }
        }
    }
    let agreement = node.agreement().clone();
    let replayed =
        tokio::task::spawn_blocking(move || liaison_core::ledger::replay(agreement, acts, policy))
            .await
            .map_err(|_| AdminError::new(StatusCode::INTERNAL_SERVER_ERROR, "replay panicked"))?;
    match replayed {
        Ok(ledger) => Ok(ok(&json!(report::membership_report(&ledger)))),
        Err(e) => Err(AdminError::conflict(e.to_string())),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResendBody {
    to: String,
    objects: Vec<String>,
}

/// # `POST /admin/v1/resend`
///
/// `{"to":"cert-d","objects":["indicator--...",...]}`: shares again with
/// one member (typically just admitted) the latest version of objects this
/// node shared with `all`. 200 as `POST /admin/v1/share`:
/// `{"recipients":[...],"messages":N,"statuses":[...]}`; 400 when an id was
/// not shared with all by this node or the member is not in good standing.
pub async fn resend(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, AdminError> {
    let (federation, council) = council_of(&state)?;
    let body: ResendBody = admin_json(&headers, body, state.settings.max_admin_body).await?;
    let node = federation.node();
    let report = council::resend(
        state.store.as_ref(),
        &node,
        council.as_ref(),
        &body.to,
        &body.objects,
        &admin.name,
        state.clock.now_micros(),
    )
    .await
    .map_err(council_error)?;
    federation.wake(&report.enqueued);
    tracing::info!(admin = %admin.name, to = %body.to, objects = body.objects.len(), "objects sent again");
    let statuses: Vec<liaison_taxii::resources::StatusResource> = report
        .statuses
        .iter()
        .map(liaison_taxii::resources::StatusResource::from)
        .collect();
    Ok(ok(&json!({
        "recipients": report.recipients,
        "messages": report.enqueued.len(),
        "statuses": statuses,
    })))
}
