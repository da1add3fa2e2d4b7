//! `liaison council propose|vote|list` and `liaison member
//! withdraw|rotate-key`: this member's acts in the council's ledger,
//! through a running node's admin API (`--server URL`: the node's delivery
//! workers send them at once) or on the node's data directory and database
//! (a running node takes them in within its poll interval; rotate a key
//! this way only while the node is stopped). Both paths apply the same
//! rules: `liaison_core::council`, which the admin API calls too.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use liaison_core::Store;
use liaison_core::clock::{Clock, SystemClock};
use liaison_core::council::report::{ProposalReport, proposals_report};
use liaison_core::council::{self, Committed, LedgerMembership};
use liaison_core::exchange_ops::{CARD_FILE, NodeIdentity, SIGNING_KEY_FILE};
use liaison_core::federation::{Admission, EndpointPolicy, MemberCard, Rules, SigningKey};
use liaison_core::ledger::{Action, Choice};
use liaison_server::federation::MemberFiles;
use serde_json::{Value as Json, json};

use super::admin::{Target, TargetArgs, runtime};
use super::remote::{RemoteAdmin, segment};

const POLICY: EndpointPolicy = EndpointPolicy::HttpsOnly;

/// `println!` that stops quietly when the reader went away (`| head`).
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::cli::council::write_line(format_args!($($arg)*))
    };
}
pub(crate) use say;

/// Writes one line to standard output; a closed pipe is not an error.
pub(crate) fn write_line(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// `liaison council ...`
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Propose to the council: admit a candidate, suspend, reinstate or
    /// expel a member, or amend the rules. The proposal counts as this
    /// member's yes.
    Propose {
        #[command(subcommand)]
        proposal: Proposal,
    },
    /// Vote on a proposal (its hash, or at least its first 6 digits).
    Vote {
        proposal: String,
        #[arg(value_parser = ["yes", "no", "abstain"])]
        choice: String,
        /// Print the answer as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Every proposal, open and decided, with its votes (counted or not,
    /// and why), electorate, quorum and outcome.
    List {
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// What to propose.
#[derive(Debug, clap::Subcommand)]
pub enum Proposal {
    /// Admit the member a card describes (the candidate's `liaison member card`).
    Admit {
        /// The candidate's member card (JSON).
        #[arg(long, value_name = "FILE")]
        card: PathBuf,
        #[command(flatten)]
        common: ProposalArgs,
    },
    /// Suspend a member in good standing (it is sent nothing and heard no
    /// more until reinstated).
    Suspend {
        member: String,
        #[command(flatten)]
        common: ProposalArgs,
    },
    /// Return a suspended member to good standing.
    Reinstate {
        member: String,
        #[command(flatten)]
        common: ProposalArgs,
    },
    /// Remove a member for good.
    Expel {
        member: String,
        #[command(flatten)]
        common: ProposalArgs,
    },
    /// Replace the rules (each not given stays as it is).
    Amend {
        /// The quorum of council decisions.
        #[arg(long, value_parser = ["unanimity", "two-thirds", "majority"])]
        admission: Option<String>,
        /// Seconds between a member's withdrawal and its effect.
        #[arg(long, value_name = "SECONDS")]
        withdrawal_notice: Option<u64>,
        #[command(flatten)]
        common: ProposalArgs,
    },
}

/// What every proposal carries.
#[derive(Debug, clap::Args)]
pub struct ProposalArgs {
    /// Why: shown to every member.
    #[arg(long, value_name = "TEXT")]
    text: String,
    /// Voting deadline: an RFC 3339 UTC timestamp (2026-12-01T12:00:00Z)
    /// or a duration from now (7d, 12h, 30m).
    #[arg(long, value_name = "WHEN", default_value = "7d")]
    deadline: String,
    /// Print the answer as JSON.
    #[arg(long)]
    json: bool,
}

/// `--server`, `--ca-cert`, `--database`, `--json` of `liaison member
/// withdraw|rotate-key` (the data directory is `liaison member`'s).
#[derive(Debug, clap::Args)]
pub struct MemberActArgs {
    /// A running node's URL: act through its admin API (LIAISON_TOKEN, or
    /// LIAISON_USER and LIAISON_PASSWORD).
    #[arg(long, value_name = "URL")]
    server: Option<String>,
    /// The node's certificate (PEM) to trust for --server.
    #[arg(long, value_name = "FILE")]
    ca_cert: Option<PathBuf>,
    /// Database of the node (overrides the data directory's SQLite file).
    #[arg(
        long,
        value_name = "DATABASE",
        env = "LIAISON_DATABASE",
        hide_env_values = true
    )]
    database: Option<String>,
    /// Print the answer as JSON.
    #[arg(long)]
    json: bool,
}

/// `liaison resend`
#[derive(Debug, clap::Args)]
pub struct ResendArgs {
    /// The member to send them to (typically one just admitted).
    #[arg(long, value_name = "NAME")]
    to: String,
    /// Ids of objects this node shared with all.
    #[arg(required = true, value_name = "OBJECT_ID")]
    objects: Vec<String>,
    #[command(flatten)]
    target: TargetArgs,
}

/// This node, opened on its data directory, as a member with its ledger.
pub(crate) struct LocalMember {
    pub store: Arc<dyn Store>,
    pub node: NodeIdentity,
    pub council: LedgerMembership,
    pub data: PathBuf,
}

impl LocalMember {
    /// Opens the member files in `data` and the ledger in `store`.
    pub(crate) async fn open(store: Arc<dyn Store>, data: &Path) -> anyhow::Result<LocalMember> {
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
        let node = NodeIdentity::load(store.as_ref(), &key, &card, POLICY)
            .await?
            .context("this node is not a member of a commonwealth: adopt an agreement (`liaison agreement adopt`) or join one (`liaison agreement join`)")?;
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let council = LedgerMembership::load(
            store.as_ref(),
            node.agreement(),
            node.name(),
            POLICY,
            clock,
            node.max_skew(),
        )
        .await?;
        council.check_identity(node.card())?;
        Ok(LocalMember {
            store,
            node,
            council,
            data: data.to_owned(),
        })
    }
}

fn now() -> i64 {
    SystemClock.now_micros()
}

/// Runs `liaison council ...`.
pub fn run(target: &TargetArgs, command: Command) -> anyhow::Result<()> {
    runtime()?.block_on(async {
        let opened = target.open().await?;
        let local = match &opened {
            Target::Local(store) => {
                let (data, _) = target.local()?;
                Some(LocalMember::open(store.clone(), &data).await?)
            }
            Target::Remote(_) => None,
        };
        let remote = match &opened {
            Target::Remote(remote) => Some(remote),
            Target::Local(_) => None,
        };
        match command {
            Command::Propose { proposal } => propose(local.as_ref(), remote, proposal).await,
            Command::Vote {
                proposal,
                choice,
                json,
            } => vote(local.as_ref(), remote, &proposal, &choice, json).await,
            Command::List { json } => list(local.as_ref(), remote, json).await,
        }
    })
}

async fn propose(
    local: Option<&LocalMember>,
    remote: Option<&RemoteAdmin>,
    proposal: Proposal,
) -> anyhow::Result<()> {
    let (body, common) = match proposal {
        Proposal::Admit { card, common } => {
            let text = std::fs::read_to_string(&card)
                .with_context(|| format!("cannot read {}", card.display()))?;
            let card_json: Json = serde_json::from_str(&text)
                .with_context(|| format!("{} is not JSON", card.display()))?;
            (json!({"action": "admit", "card": card_json}), common)
        }
        Proposal::Suspend { member, common } => {
            (json!({"action": "suspend", "member": member}), common)
        }
        Proposal::Reinstate { member, common } => {
            (json!({"action": "reinstate", "member": member}), common)
        }
        Proposal::Expel { member, common } => {
            (json!({"action": "expel", "member": member}), common)
        }
        Proposal::Amend {
            admission,
            withdrawal_notice,
            common,
        } => (
            json!({"action": "amend", "admission": admission, "withdrawal_notice_seconds": withdrawal_notice}),
            common,
        ),
    };
    let answer = match (local, remote) {
        (_, Some(remote)) => {
            let mut body = body;
            body["text"] = json!(common.text);
            body["deadline"] = json!(common.deadline);
            remote
                .call(reqwest::Method::POST, "/council/proposals", Some(body))
                .await?
        }
        (Some(local), None) => {
            let now = now();
            let action = local_action(&body, &local.council)?;
            let deadline = council::parse_deadline(&common.deadline, now)?;
            let committed = council::propose(
                local.store.as_ref(),
                &local.node,
                &local.council,
                action,
                &common.text,
                deadline,
                now,
            )
            .await?;
            local_answer(&committed, local, now)
        }
        (None, None) => bail!("no node to act on"),
    };
    print_act(&answer, "proposal", common.json)
}

/// The action of a proposal body, on a local ledger.
fn local_action(body: &Json, council: &LedgerMembership) -> anyhow::Result<Action> {
    let member = || body["member"].as_str().unwrap_or_default().to_owned();
    Ok(match body["action"].as_str().unwrap_or_default() {
        "admit" => Action::Admit {
            card: MemberCard::from_json(&body["card"].to_string(), POLICY)
                .context("--card is not a valid member card")?,
        },
        "suspend" => Action::Suspend { member: member() },
        "reinstate" => Action::Reinstate { member: member() },
        "expel" => Action::Expel { member: member() },
        _ => {
            let current = council.with_ledger(|l| l.membership().rules());
            let admission: Admission = match body["admission"].as_str() {
                Some(text) => text.parse()?,
                None => current.admission,
            };
            Action::Amend {
                rules: Rules {
                    admission,
                    withdrawal_notice_seconds: body["withdrawal_notice_seconds"]
                        .as_u64()
                        .unwrap_or(current.withdrawal_notice_seconds),
                },
            }
        }
    })
}

/// The admin API's answer for an own act, computed locally.
fn local_answer(committed: &Committed, local: &LocalMember, now: i64) -> Json {
    let target = match &committed.act.body {
        liaison_core::ledger::Body::Vote { proposal, .. } => proposal.to_hex(),
        _ => committed.hash.to_hex(),
    };
    let proposal = local.council.with_ledger(|l| {
        proposals_report(l, now)
            .into_iter()
            .find(|p| p.proposal == target)
    });
    json!({
        "act": committed.hash.to_hex(),
        "sent_to": committed.recipients,
        "messages": committed.enqueued.len(),
        "proposal": proposal,
    })
}

/// Prints an own act: `<what> <hash>` first (for scripts), then the
/// proposal's state and the recipients; or the JSON answer.
fn print_act(answer: &Json, what: &str, as_json: bool) -> anyhow::Result<()> {
    if as_json {
        say!("{}", serde_json::to_string_pretty(answer)?);
        return Ok(());
    }
    say!("{what} {}", answer["act"].as_str().unwrap_or_default());
    if let Some(p) = answer.get("proposal").filter(|p| !p.is_null()) {
        let p: ProposalReport = serde_json::from_value(p.clone())
            .context("the node answered an unknown proposal shape")?;
        say!("  {}", headline(&p));
    }
    let sent: Vec<&str> = answer["sent_to"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Json::as_str)
        .collect();
    if sent.is_empty() {
        say!("  sent to no other member");
    } else {
        say!("  sent to {}", sent.join(", "));
    }
    Ok(())
}

async fn vote(
    local: Option<&LocalMember>,
    remote: Option<&RemoteAdmin>,
    proposal: &str,
    choice: &str,
    as_json: bool,
) -> anyhow::Result<()> {
    let answer = match (local, remote) {
        (_, Some(remote)) => {
            remote
                .call(
                    reqwest::Method::POST,
                    &format!("/council/proposals/{}/votes", segment(proposal)),
                    Some(json!({ "choice": choice })),
                )
                .await?
        }
        (Some(local), None) => {
            let choice: Choice = choice.parse()?;
            let now = now();
            let committed = council::vote(
                local.store.as_ref(),
                &local.node,
                &local.council,
                proposal,
                choice,
                now,
            )
            .await?;
            local_answer(&committed, local, now)
        }
        (None, None) => bail!("no node to act on"),
    };
    print_act(&answer, "vote", as_json)
}

async fn list(
    local: Option<&LocalMember>,
    remote: Option<&RemoteAdmin>,
    as_json: bool,
) -> anyhow::Result<()> {
    let proposals: Vec<ProposalReport> = match (local, remote) {
        (_, Some(remote)) => {
            let answer = remote
                .call(reqwest::Method::GET, "/council/proposals", None)
                .await?;
            serde_json::from_value(answer["proposals"].clone())
                .context("the node answered an unknown shape of proposals")?
        }
        (Some(local), None) => local.council.with_ledger(|l| proposals_report(l, now())),
        (None, None) => bail!("no node to act on"),
    };
    if as_json {
        say!(
            "{}",
            serde_json::to_string_pretty(&json!({ "proposals": proposals }))?
        );
        return Ok(());
    }
    if proposals.is_empty() {
        say!("no proposals");
    }
    for p in &proposals {
        print_proposal(p);
    }
    Ok(())
}

/// `admit cert-d (...): adopted — 3 of 3 yes (unanimity of cert-a, cert-b, cert-c)`
fn headline(p: &ProposalReport) -> String {
    let outcome = match (&p.status[..], &p.effect) {
        ("adopted", Some(effect)) if effect != "applied" => format!("adopted, {effect}"),
        (status, _) => status.to_owned(),
    };
    format!(
        "{}: {outcome} — {} yes, {} no, {} abstain, {} outstanding; {} yes needed ({} of {})",
        p.summary,
        p.yes,
        p.no,
        p.abstain,
        p.outstanding,
        p.quorum,
        p.rule,
        p.electorate.join(", ")
    )
}

fn print_proposal(p: &ProposalReport) {
    say!("proposal {}", p.proposal);
    say!("  {}", headline(p));
    say!(
        "  by {} at {}, deadline {}",
        p.author,
        p.created,
        p.deadline
    );
    say!("  text: {}", p.text.replace('\n', "\n        "));
    if let Some(by) = &p.decided_by {
        say!("  decided by {by}");
    }
    for v in &p.votes {
        say!(
            "    {:<20} {:<8} {}  {}",
            v.voter,
            v.choice,
            v.created,
            v.why
        );
    }
}

// ----- member withdraw | rotate-key -----------------------------------------

/// The node `liaison member withdraw|rotate-key` acts on.
async fn member_target(
    data: &Path,
    args: &MemberActArgs,
) -> anyhow::Result<Result<LocalMember, RemoteAdmin>> {
    if let Some(url) = &args.server {
        return Ok(Err(RemoteAdmin::from_env(url, args.ca_cert.as_deref())?));
    }
    let database = crate::config::Database::parse(args.database.as_deref(), data)?;
    if let crate::config::Database::Sqlite(path) = &database
        && !path.exists()
    {
        bail!("no Liaison database at {}", path.display());
    }
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let store = liaison_store::open(&database.locator(), clock)
        .await
        .with_context(|| format!("opening the database ({})", database.describe()))?;
    Ok(Ok(LocalMember::open(store, data).await?))
}

/// Runs `liaison member withdraw`.
pub fn withdraw(data: &Path, args: &MemberActArgs) -> anyhow::Result<()> {
    runtime()?.block_on(async {
        let answer = match member_target(data, args).await? {
            Err(remote) => {
                remote
                    .call(reqwest::Method::POST, "/member/withdraw", None)
                    .await?
            }
            Ok(local) => {
                let now = now();
                let committed =
                    council::withdraw(local.store.as_ref(), &local.node, &local.council, now)
                        .await?;
                local_answer(&committed, &local, now)
            }
        };
        print_act(&answer, "withdrawal", args.json)?;
        if !args.json {
            say!("  this member leaves the commonwealth (after the notice in the rules); what it received stays its own");
        }
        Ok(())
    })
}

/// Runs `liaison member rotate-key`.
pub fn rotate_key(data: &Path, args: &MemberActArgs) -> anyhow::Result<()> {
    runtime()?.block_on(async {
        let answer = match member_target(data, args).await? {
            Err(remote) => {
                remote
                    .call(reqwest::Method::POST, "/member/rotate-key", None)
                    .await?
            }
            Ok(local) => {
                let files = MemberFiles::new(&local.data);
                let new_key = SigningKey::generate();
                files.stage(&new_key).context("writing the new key")?;
                let now = now();
                let rotated = council::rotate_key(
                    local.store.as_ref(),
                    &local.node,
                    &local.council,
                    &new_key,
                    POLICY,
                    now,
                )
                .await;
                let (committed, card) = match rotated {
                    Ok(done) => done,
                    Err(e) => {
                        let _ = files.unstage();
                        return Err(e.into());
                    }
                };
                files
                    .commit(&card)
                    .context("the rotation is in the ledger, but the key files could not be moved: the next `liaison serve` finishes it")?;
                let mut answer = local_answer(&committed, &local, now);
                answer["card"] = json!(card);
                eprintln!("restart the node if it is running: it signs with the key it started with");
                answer
            }
        };
        print_act(&answer, "key-rotation", args.json)?;
        if !args.json {
            let key = answer["card"]["signing_key"].as_str().unwrap_or_default();
            say!("  new signing key {key}; the previous key is kept in member/signing.key.previous");
        }
        Ok(())
    })
}

/// Runs `liaison resend`.
pub fn resend(args: &ResendArgs) -> anyhow::Result<()> {
    runtime()?.block_on(async {
        let (recipients, messages) = match args.target.open().await? {
            Target::Remote(remote) => {
                let body = json!({"to": args.to, "objects": args.objects});
                let answer = remote
                    .call(reqwest::Method::POST, "/resend", Some(body))
                    .await?;
                let recipients: Vec<String> =
                    serde_json::from_value(answer["recipients"].clone()).unwrap_or_default();
                (
                    recipients,
                    answer["messages"].as_u64().unwrap_or(0) as usize,
                )
            }
            Target::Local(store) => {
                let (data, _) = args.target.local()?;
                let local = LocalMember::open(store, &data).await?;
                let report = council::resend(
                    local.store.as_ref(),
                    &local.node,
                    &local.council,
                    &args.to,
                    &args.objects,
                    crate::bootstrap::ADMIN_USER,
                    now(),
                )
                .await?;
                (report.recipients, report.enqueued.len())
            }
        };
        say!(
            "sent {} objects again to {} ({messages} new messages)",
            args.objects.len(),
            recipients.join(", ")
        );
        Ok(())
    })
}
