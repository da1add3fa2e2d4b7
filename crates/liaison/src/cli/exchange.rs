//! `liaison share|accept|react|status`: the exchange with the other
//! members, through a running node's admin API (`--server URL`) or on the
//! node's data directory and database. Both paths apply the same rules:
//! the local one calls `liaison_core::exchange_ops`, which the admin API
//! calls too. Through the admin API the node's delivery workers are woken
//! at once; locally written messages are picked up by a running node
//! within its poll interval, or on its next start.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use liaison_core::Store;
use liaison_core::clock::{Clock, SystemClock};
use liaison_core::exchange_ops::{self, CARD_FILE, NodeIdentity, SIGNING_KEY_FILE};
use liaison_core::federation::{Audience, EndpointPolicy, ReactionDraft, ReactionKind};
use liaison_server::federation::views::{received_view, status_view};
use liaison_stix::Timestamp;
use liaison_stix::json::{self as stix_json, Value};
use serde_json::{Value as Json, json};

use super::admin::{Target, TargetArgs, runtime};
use super::remote::{RemoteAdmin, segment};
use crate::bootstrap::ADMIN_USER;

/// `liaison share`
#[derive(Debug, clap::Args)]
pub struct ShareArgs {
    /// STIX: an object, a bundle, a JSON array of objects or a TAXII
    /// envelope (`-`: standard input).
    file: PathBuf,
    /// `all` (every member now) or member names separated by commas (one
    /// name: a bilateral exchange).
    #[arg(long, value_name = "all|NAME[,NAME...]")]
    to: String,
    #[command(flatten)]
    common: Common,
}

/// `liaison accept`
#[derive(Debug, clap::Args)]
pub struct AcceptArgs {
    /// The id of an object received from another member.
    object_id: String,
    #[command(flatten)]
    common: Common,
}

/// `liaison react`
#[derive(Debug, clap::Args)]
pub struct ReactArgs {
    /// The id of an object received from another member.
    object_id: String,
    #[arg(long, value_parser = ["seen", "blocked", "investigating", "not-relevant", "false-positive", "agree", "disagree"])]
    kind: String,
    /// Free text for the originator.
    #[arg(long, value_name = "TEXT")]
    note: Option<String>,
    /// How many times it was seen (`seen` only).
    #[arg(long, value_name = "N")]
    count: Option<u32>,
    /// When it was first seen (`seen` only), e.g. 2026-01-31T08:00:00Z.
    #[arg(long, value_name = "TIMESTAMP")]
    first_seen: Option<String>,
    /// When it was last seen (`seen` only).
    #[arg(long, value_name = "TIMESTAMP")]
    last_seen: Option<String>,
    /// Tell other members too (`all` or names; only for TLP:CLEAR, TLP:GREEN
    /// or unmarked objects). Default: the originator only.
    #[arg(long, value_name = "all|NAME[,NAME...]")]
    to: Option<String>,
    #[command(flatten)]
    common: Common,
}

/// `liaison status`
#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// The id of an object this node shared.
    object_id: String,
    #[command(flatten)]
    common: Common,
}

/// `liaison provenance`
#[derive(Debug, clap::Args)]
pub struct ProvenanceArgs {
    /// The id of an object this node received from another member.
    object_id: String,
    #[command(flatten)]
    common: Common,
}

/// Options every exchange command takes.
#[derive(Debug, clap::Args)]
struct Common {
    #[command(flatten)]
    target: TargetArgs,
    /// Local use only: the user recorded as acting [default: admin].
    /// Through --server, the authenticated user acts.
    #[arg(long = "as", value_name = "USER")]
    user: Option<String>,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

/// The node an exchange command acts on.
enum Node {
    Local {
        store: Arc<dyn Store>,
        node: NodeIdentity,
        membership: liaison_core::council::LedgerMembership,
        user: String,
    },
    Remote(RemoteAdmin),
}

impl Common {
    async fn connect(&self) -> anyhow::Result<Node> {
        let store = match self.target.open().await? {
            Target::Remote(remote) => {
                if self.user.is_some() {
                    bail!("--as is for local use: through --server the authenticated user acts");
                }
                return Ok(Node::Remote(remote));
            }
            Target::Local(store) => store,
        };
        let (data, _) = self.target.local()?;
        let read = |relative: &str| {
            let path = data.join(relative);
            std::fs::read_to_string(&path).with_context(|| {
                format!(
                    "cannot read {}: this data directory has no member identity (`liaison member init`)",
                    path.display()
                )
            })
        };
        let (key, card) = (read(SIGNING_KEY_FILE)?, read(CARD_FILE)?);
        let node = NodeIdentity::load(store.as_ref(), &key, &card, EndpointPolicy::HttpsOnly)
            .await?
            .context(
                "this node is not a member of a commonwealth: adopt an agreement first (`liaison agreement adopt`)",
            )?;
        // The membership the council's ledger proves (admissions, suspensions, ...).
        let membership = liaison_core::council::LedgerMembership::load(
            store.as_ref(),
            node.agreement(),
            node.name(),
            EndpointPolicy::HttpsOnly,
            Arc::new(SystemClock),
            node.max_skew(),
        )
        .await?;
        Ok(Node::Local {
            store,
            node,
            membership,
            user: self.user.clone().unwrap_or_else(|| ADMIN_USER.to_owned()),
        })
    }
}

fn now() -> i64 {
    SystemClock.now_micros()
}

/// Prints `value` as indented JSON.
fn print_json(value: &Json) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value).context("serialising JSON")?;
    write_out(&format!("{text}\n"))
}

/// Writes to standard output; a reader that went away (`| head`) is not
/// an error.
fn write_out(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(e).context("writing to standard output")
        }
        _ => Ok(()),
    }
}

// ----- share ---------------------------------------------------------------

/// Runs `liaison share`.
pub fn share(args: &ShareArgs) -> anyhow::Result<()> {
    let text = read_input(&args.file)?;
    let document = stix_json::parse(&text)
        .map_err(|e| anyhow::anyhow!("{} is not JSON: {e}", args.file.display()))?;
    let objects = objects_of(&document)
        .with_context(|| format!("{} holds no STIX to share", args.file.display()))?;
    let audience: Audience = args.to.parse().map_err(|e| anyhow::anyhow!("--to: {e}"))?;
    let summary = runtime()?.block_on(async {
        match args.common.connect().await? {
            Node::Remote(remote) => {
                let texts: Vec<String> = objects.iter().map(Value::to_json_string).collect();
                let body = format!(
                    r#"{{"to":{},"objects":[{}]}}"#,
                    Json::String(audience.to_string()),
                    texts.join(",")
                );
                let answer = remote
                    .call_text(reqwest::Method::POST, "/share", Some(body))
                    .await?;
                Ok::<_, anyhow::Error>(ShareSummary::from_answer(&answer))
            }
            Node::Local {
                store,
                node,
                membership,
                user,
            } => {
                let report = exchange_ops::share(
                    store.as_ref(),
                    &node,
                    &membership,
                    objects,
                    &audience,
                    &user,
                    now(),
                )
                .await?;
                Ok(ShareSummary::from_report(&report))
            }
        }
    })?;
    if args.common.json {
        print_json(&summary.to_json())?;
    } else {
        summary.print();
    }
    if !summary.refused.is_empty() {
        bail!(
            "{} of {} objects were not shared",
            summary.refused.len(),
            summary.refused.len() + summary.shared.len()
        );
    }
    Ok(())
}

fn read_input(path: &Path) -> anyhow::Result<String> {
    if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("reading standard input")?;
        return Ok(text);
    }
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// The objects of a document: an array, a bundle, a TAXII envelope, or
/// one object.
fn objects_of<'a, 'v>(document: &'a Value<'v>) -> anyhow::Result<&'a [Value<'v>]> {
    if let Some(items) = document.as_array() {
        return Ok(items);
    }
    if document.as_object().is_none() {
        bail!("expected a STIX object, a bundle, an array of objects or a TAXII envelope");
    }
    let is_bundle = document.get("type").and_then(Value::as_str) == Some("bundle");
    let is_envelope = document.get("type").is_none() && document.get("objects").is_some();
    if is_bundle || is_envelope {
        return document
            .get("objects")
            .and_then(Value::as_array)
            .context("objects must be a list of STIX objects");
    }
    Ok(std::slice::from_ref(document))
}

/// What a share did, from the admin API's answer or the core's report.
#[derive(Debug, Default)]
struct ShareSummary {
    recipients: Vec<String>,
    messages: u64,
    /// `(id, version)` shared.
    shared: BTreeSet<(String, String)>,
    /// `(id, version, reason)` refused.
    refused: BTreeSet<(String, String, String)>,
}

impl ShareSummary {
    fn from_report(report: &exchange_ops::ShareReport) -> ShareSummary {
        let mut summary = ShareSummary {
            recipients: report.recipients.clone(),
            messages: report.enqueued.len() as u64,
            ..ShareSummary::default()
        };
        for status in &report.statuses {
            for s in &status.successes {
                summary.shared.insert((s.id.clone(), s.version.clone()));
            }
            for f in &status.failures {
                let reason = f.message.clone().unwrap_or_default();
                summary
                    .refused
                    .insert((f.id.clone(), f.version.clone(), reason));
            }
        }
        summary
    }

    /// From `{"recipients","messages","statuses":[TAXII status]}`.
    fn from_answer(answer: &Json) -> ShareSummary {
        let text = |v: &Json, key: &str| {
            v.get(key)
                .and_then(Json::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let mut summary = ShareSummary {
            recipients: list(answer, "recipients")
                .filter_map(|r| r.as_str().map(str::to_owned))
                .collect(),
            messages: answer.get("messages").and_then(Json::as_u64).unwrap_or(0),
            ..ShareSummary::default()
        };
        for status in list(answer, "statuses") {
            for s in list(status, "successes") {
                summary.shared.insert((text(s, "id"), text(s, "version")));
            }
            for f in list(status, "failures") {
                summary
                    .refused
                    .insert((text(f, "id"), text(f, "version"), text(f, "message")));
            }
        }
        summary
    }

    fn to_json(&self) -> Json {
        json!({
            "recipients": self.recipients,
            "messages": self.messages,
            "shared": self.shared.iter().map(|(id, version)| json!({"id": id, "version": version})).collect::<Vec<_>>(),
            "refused": self.refused.iter().map(|(id, version, reason)| json!({"id": id, "version": version, "reason": reason})).collect::<Vec<_>>(),
        })
    }

    fn print(&self) {
        let to = if self.recipients.is_empty() {
            "nobody (no other member in good standing)".to_owned()
        } else {
            self.recipients.join(", ")
        };
        println!(
            "shared {} object version(s) with {to}; {} message(s) queued",
            self.shared.len(),
            self.messages
        );
        for (id, version, reason) in &self.refused {
            let version = if version.is_empty() { "-" } else { version };
            println!("refused {id} (version {version}): {reason}");
        }
    }
}

fn list<'a>(value: &'a Json, key: &str) -> impl Iterator<Item = &'a Json> {
    value
        .get(key)
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
}

// ----- accept and react ----------------------------------------------------

/// Runs `liaison accept`.
pub fn accept(args: &AcceptArgs) -> anyhow::Result<()> {
    let answer = runtime()?.block_on(async {
        match args.common.connect().await? {
            Node::Remote(remote) => {
                let path = format!("/objects/{}/accept", segment(&args.object_id));
                remote.call(reqwest::Method::POST, &path, None).await
            }
            Node::Local {
                store,
                node,
                membership,
                user,
            } => {
                let accepted = exchange_ops::accept(
                    store.as_ref(),
                    &node,
                    &membership,
                    &args.object_id,
                    &user,
                    now(),
                )
                .await?;
                Ok(json!({
                    "acceptance": accepted.acceptance,
                    "sent_to": peers(&accepted.enqueued),
                }))
            }
        }
    })?;
    if args.common.json {
        return print_json(&answer);
    }
    let acceptance = &answer["acceptance"];
    println!(
        "accepted {} (version {}) as {}; {}",
        args.object_id,
        acceptance["object_version"].as_str().unwrap_or("-"),
        acceptance["accepted_by"].as_str().unwrap_or("-"),
        sent_to(&answer)
    );
    Ok(())
}

/// Runs `liaison react`.
pub fn react(args: &ReactArgs) -> anyhow::Result<()> {
    let answer = runtime()?.block_on(async {
        match args.common.connect().await? {
            Node::Remote(remote) => {
                let body = json!({
                    "kind": args.kind,
                    "note": args.note,
                    "count": args.count,
                    "first_seen": args.first_seen,
                    "last_seen": args.last_seen,
                    "to": args.to,
                });
                let path = format!("/objects/{}/react", segment(&args.object_id));
                remote.call(reqwest::Method::POST, &path, Some(body)).await
            }
            Node::Local {
                store,
                node,
                membership,
                ..
            } => {
                let draft = draft(args)?;
                let reacted = exchange_ops::react(
                    store.as_ref(),
                    &node,
                    &membership,
                    &args.object_id,
                    &draft,
                    now(),
                )
                .await?;
                let stix: Json = serde_json::from_str(&reacted.stix).unwrap_or(Json::Null);
                Ok(json!({
                    "reaction": reacted.reaction,
                    "stix": stix,
                    "sent_to": peers(&reacted.enqueued),
                }))
            }
        }
    })?;
    if args.common.json {
        return print_json(&answer);
    }
    println!(
        "reacted {} to {} ({} {}); {}",
        args.kind,
        args.object_id,
        answer["stix"]["type"].as_str().unwrap_or("-"),
        answer["stix"]["id"].as_str().unwrap_or("-"),
        sent_to(&answer)
    );
    Ok(())
}

/// The reaction as the core takes it.
fn draft(args: &ReactArgs) -> anyhow::Result<ReactionDraft> {
    let timestamp = |flag: &str, text: &Option<String>| {
        text.as_deref()
            .map(|t| Timestamp::parse(t).map_err(|e| anyhow::anyhow!("{flag}: {e}")))
            .transpose()
    };
    let kind: ReactionKind = args.kind.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
    let audience = args
        .to
        .as_deref()
        .map(|to| to.parse::<Audience>())
        .transpose()
        .map_err(|e| anyhow::anyhow!("--to: {e}"))?;
    Ok(ReactionDraft {
        kind,
        note: args.note.clone(),
        count: args.count,
        first_seen: timestamp("--first-seen", &args.first_seen)?,
        last_seen: timestamp("--last-seen", &args.last_seen)?,
        audience,
    })
}

/// The peers of `(peer, seq)` pairs, once each, in order.
fn peers(enqueued: &[(String, u64)]) -> Vec<String> {
    let mut names: Vec<String> = enqueued.iter().map(|(p, _)| p.clone()).collect();
    names.sort();
    names.dedup();
    names
}

fn sent_to(answer: &Json) -> String {
    let names: Vec<&str> = list(answer, "sent_to").filter_map(Json::as_str).collect();
    if names.is_empty() {
        "sent to nobody (the originator is not in good standing)".to_owned()
    } else {
        format!("queued for {}", names.join(", "))
    }
}

// ----- status --------------------------------------------------------------

/// Runs `liaison status`.
pub fn status(args: &StatusArgs) -> anyhow::Result<()> {
    let view = runtime()?.block_on(async {
        match args.common.connect().await? {
            Node::Remote(remote) => {
                let path = format!("/objects/{}/status", segment(&args.object_id));
                remote.call(reqwest::Method::GET, &path, None).await
            }
            Node::Local { store, node, .. } => {
                let status = exchange_ops::status(store.as_ref(), &node, &args.object_id).await?;
                Ok(status_view(&status))
            }
        }
    })?;
    if args.common.json {
        return print_json(&view);
    }
    write_out(&status_table(&view))
}

// ----- provenance ----------------------------------------------------------

/// Runs `liaison provenance`.
pub fn provenance(args: &ProvenanceArgs) -> anyhow::Result<()> {
    let view = runtime()?.block_on(async {
        match args.common.connect().await? {
            Node::Remote(remote) => {
                let path = format!("/objects/{}/provenance", segment(&args.object_id));
                remote.call(reqwest::Method::GET, &path, None).await
            }
            Node::Local {
                store,
                node,
                membership,
                ..
            } => {
                // The operator of the node's files sees every version.
                let versions = exchange_ops::received(
                    store.as_ref(),
                    &node,
                    &membership,
                    &args.object_id,
                    None,
                )
                .await?;
                Ok(received_view(&args.object_id, &versions))
            }
        }
    })?;
    if args.common.json {
        return print_json(&view);
    }
    write_out(&provenance_lines(&view))
}

/// The received view (`GET /admin/v1/objects/{id}/provenance`) as text: a
/// paragraph per version.
fn provenance_lines(view: &Json) -> String {
    let mut out = String::new();
    for version in list(view, "versions") {
        let tlp = tlp_text(version);
        let check = |field: &str, yes: &str, no: &str| {
            if version.get(field).and_then(Json::as_bool) == Some(true) {
                yes.to_owned()
            } else {
                no.to_owned()
            }
        };
        out.push_str(&format!(
            "{} version {}  {tlp}\n  shared by {} at {} to {}\n  digest {} ({})\n  signature: {}\n",
            text(view, "object_id"),
            text(version, "version"),
            text(version, "origin"),
            text(version, "shared_at"),
            audience_text(version),
            text(version, "digest"),
            check(
                "digest_matches",
                "matches the version held",
                "DOES NOT match the version held"
            ),
            check(
                "signature_verifies",
                "verifies with the originator's current key",
                "does not verify with the originator's current key (signed before a key rotation?)"
            ),
        ));
    }
    out
}

/// A version's TLP: `TLP:AMBER`, or `no TLP`.
fn tlp_text(version: &Json) -> String {
    version
        .get("tlp")
        .and_then(Json::as_str)
        .map_or("no TLP".to_owned(), |t| format!("TLP:{}", t.to_uppercase()))
}

/// A version's audience: `all`, or the names.
fn audience_text(version: &Json) -> String {
    match version.get("audience") {
        Some(Json::String(all)) => all.clone(),
        Some(Json::Array(names)) => names
            .iter()
            .filter_map(Json::as_str)
            .collect::<Vec<_>>()
            .join(","),
        _ => "-".to_owned(),
    }
}

/// The status view (`GET /admin/v1/objects/{id}/status`) as text: per
/// version a header, then a row per recipient and a line per reaction.
fn status_table(view: &Json) -> String {
    let mut out = String::new();
    for version in list(view, "versions") {
        let audience = audience_text(version);
        let tlp = tlp_text(version);
        out.push_str(&format!(
            "{} version {}  {tlp}  to {audience}  shared {}\n",
            text(view, "object_id"),
            text(version, "version"),
            text(version, "shared_at"),
        ));
        out.push_str(&recipients_table(version));
    }
    out
}

/// A row per recipient of one version (aligned columns), each followed
/// by its refusal and its reactions.
fn recipients_table(version: &Json) -> String {
    let mut rows = vec![(
        ["RECIPIENT", "STATE", "DELIVERED", "ACCEPTED"].map(str::to_owned),
        Vec::new(),
    )];
    for r in list(version, "recipients") {
        let accepted = match r.get("accepted_at").and_then(Json::as_str) {
            Some(at) => format!("{at} by {}", text(r, "accepted_by")),
            None => "-".to_owned(),
        };
        let mut lines = Vec::new();
        if let Some(reason) = r.get("reason").and_then(Json::as_str) {
            lines.push(format!("refused at {}: {reason}", text(r, "refused_at")));
        }
        lines.extend(list(r, "reactions").map(reaction_line));
        let cells = [
            text(r, "recipient"),
            text(r, "state"),
            text(r, "delivered_at"),
            accepted,
        ];
        rows.push((cells, lines));
    }
    let width = |i: usize| {
        rows.iter()
            .map(|(cells, _)| cells[i].len())
            .max()
            .unwrap_or(0)
    };
    let (w0, w1, w2) = (width(0), width(1), width(2));
    let mut out = String::new();
    for ([recipient, state, delivered, accepted], lines) in &rows {
        out.push_str(&format!(
            "  {recipient:<w0$}  {state:<w1$}  {delivered:<w2$}  {accepted}\n"
        ));
        for line in lines {
            out.push_str(&format!("      {line}\n"));
        }
    }
    out
}

/// The string at `key`, or `-`.
fn text(value: &Json, key: &str) -> String {
    value
        .get(key)
        .and_then(Json::as_str)
        .unwrap_or("-")
        .to_owned()
}

/// `reaction seen at T: count 3, first seen T, last seen T, note "..."`.
fn reaction_line(reaction: &Json) -> String {
    let mut parts = Vec::new();
    if let Some(count) = reaction.get("count").and_then(Json::as_u64) {
        parts.push(format!("count {count}"));
    }
    for (key, label) in [("first_seen", "first seen"), ("last_seen", "last seen")] {
        if let Some(at) = reaction.get(key).and_then(Json::as_str) {
            parts.push(format!("{label} {at}"));
        }
    }
    if let Some(note) = reaction.get("note").and_then(Json::as_str) {
        parts.push(format!("note {}", Json::String(note.to_owned())));
    }
    let kind = reaction.get("kind").and_then(Json::as_str).unwrap_or("-");
    let at = reaction.get("at").and_then(Json::as_str).unwrap_or("-");
    if parts.is_empty() {
        format!("reaction {kind} at {at}")
    } else {
        format!("reaction {kind} at {at}: {}", parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_give_their_objects() {
        let one = stix_json::parse(r#"{"type":"indicator","id":"x"}"#).unwrap();
        assert_eq!(objects_of(&one).unwrap().len(), 1);
        let bundle =
            stix_json::parse(r#"{"type":"bundle","id":"b","objects":[{"id":"x"},{"id":"y"}]}"#)
                .unwrap();
        assert_eq!(objects_of(&bundle).unwrap().len(), 2);
        let envelope = stix_json::parse(r#"{"objects":[{"id":"x"}]}"#).unwrap();
        assert_eq!(objects_of(&envelope).unwrap().len(), 1);
        let array = stix_json::parse(r#"[{"id":"x"},{"id":"y"},{"id":"z"}]"#).unwrap();
        assert_eq!(objects_of(&array).unwrap().len(), 3);
        assert!(objects_of(&stix_json::parse("3").unwrap()).is_err());
    }

    #[test]
    fn the_status_table_shows_every_recipient_and_reaction() {
        let view = json!({"object_id": "indicator--1", "versions": [{
        "version": "2024-01-01T00:00:00.000Z", "tlp": "amber", "audience": "all",
        "shared_at": "2026-01-01T00:00:00.000000Z",
        "recipients": [
            {"recipient": "cert-b", "state": "accepted", "delivered_at": "2026-01-01T00:00:01.000000Z",
             "accepted_at": "2026-01-01T00:00:02.000000Z", "accepted_by": "alice",
             "refused_at": null, "reason": null,
             "reactions": [{"id": "r", "kind": "seen", "at": "2026-01-01T00:00:03.000000Z",
                            "note": "in our netflow", "count": 3, "first_seen": null, "last_seen": null}]},
            {"recipient": "cert-c", "state": "queued", "delivered_at": null, "accepted_at": null,
             "accepted_by": null, "refused_at": null, "reason": null, "reactions": []}
        ]}]});
        let table = status_table(&view);
        let expected = "\
indicator--1 version 2024-01-01T00:00:00.000Z  TLP:AMBER  to all  shared 2026-01-01T00:00:00.000000Z
  RECIPIENT  STATE     DELIVERED                    ACCEPTED
  cert-b     accepted  2026-01-01T00:00:01.000000Z  2026-01-01T00:00:02.000000Z by alice
      reaction seen at 2026-01-01T00:00:03.000000Z: count 3, note \"in our netflow\"
  cert-c     queued    -                            -
";
        assert_eq!(table, expected);
    }
}
