//! `liaison ledger show|verify|export` and `liaison agreement join`: the
//! council's ledger as a node holds it, proved from the founding agreement.
//!
//! `verify` replays every stored act from the agreement, as a node that
//! knew nothing else would, and prints the membership it proves — the same
//! text on every node holding the same acts — or the first act that breaks
//! it (exit status 1). On the data directory by default (the proof is this
//! node's own), or through a running node's admin API with `--server`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use liaison_core::clock::{Clock, SystemClock};
use liaison_core::council::report::{ActReport, MembershipReport, acts_report, membership_report};
use liaison_core::council::{self, LedgerExport};
use liaison_core::federation::{Agreement, EndpointPolicy};
use liaison_core::ledger::{Act, replay};
use serde_json::{Value as Json, json};

use super::admin::{Target, TargetArgs, runtime};
use super::council::{LocalMember, say};
use super::member::{DataArgs, read_identity};

const POLICY: EndpointPolicy = EndpointPolicy::HttpsOnly;

/// `liaison ledger ...`
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// The membership and every act, in the order of the laws.
    Show {
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Replay the whole ledger from the founding agreement: print the
    /// membership it proves, or the first act that breaks it (exit 1).
    Verify {
        /// Print the membership as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write the ledger for a candidate to join with (`liaison agreement
    /// join --ledger FILE`).
    Export {
        /// Write here instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

/// `liaison agreement join`
#[derive(Debug, clap::Args)]
pub struct JoinArgs {
    /// The commonwealth's founding agreement (signed by every founder).
    #[arg(long, value_name = "FILE")]
    agreement: PathBuf,
    /// The ledger a member exported (`liaison ledger export`), in which an
    /// adopted proposal admits this node's card.
    #[arg(long, value_name = "FILE")]
    ledger: PathBuf,
    /// Database of the node (overrides the data directory's SQLite file).
    #[arg(
        long,
        value_name = "DATABASE",
        env = "LIAISON_DATABASE",
        hide_env_values = true
    )]
    database: Option<String>,
}

/// Runs `liaison ledger ...`.
pub fn run(target: &TargetArgs, command: Command) -> anyhow::Result<()> {
    runtime()?.block_on(async {
        let opened = target.open().await?;
        match command {
            Command::Show { json } => show(target, &opened, json).await,
            Command::Verify { json } => verify(&opened, json).await,
            Command::Export { out } => export(target, &opened, out.as_deref()).await,
        }
    })
}

async fn show(target: &TargetArgs, opened: &Target, as_json: bool) -> anyhow::Result<()> {
    let (membership, acts): (MembershipReport, Vec<ActReport>) = match opened {
        Target::Remote(remote) => {
            let answer = remote.call(reqwest::Method::GET, "/ledger", None).await?;
            (
                serde_json::from_value(answer["membership"].clone())?,
                serde_json::from_value(answer["acts"].clone())?,
            )
        }
        Target::Local(store) => {
            let (data, _) = target.local()?;
            let local = LocalMember::open(store.clone(), &data).await?;
            local
                .council
                .with_ledger(|l| (membership_report(l), acts_report(l)))
        }
    };
    if as_json {
        say!(
            "{}",
            serde_json::to_string_pretty(&json!({"membership": membership, "acts": acts}))?
        );
        return Ok(());
    }
    say!("acts, in the order of the laws:");
    if acts.is_empty() {
        say!("  none: the founding agreement alone");
    }
    for act in &acts {
        say!(
            "  {}  {}  {:<20} {}",
            &act.hash[..12],
            act.created,
            act.author,
            act.summary
        );
    }
    print_membership(&membership);
    Ok(())
}

async fn verify(opened: &Target, as_json: bool) -> anyhow::Result<()> {
    let membership = match opened {
        Target::Remote(remote) => {
            let answer = remote
                .call(reqwest::Method::GET, "/ledger/verify", None)
                .await?;
            serde_json::from_value::<MembershipReport>(answer)?
        }
        Target::Local(store) => {
            let record = store
                .commonwealth()
                .await?
                .context("this node has adopted no commonwealth: there is no ledger")?;
            let agreement = Agreement::from_json(&record.agreement_json)
                .context("the stored agreement does not read")?;
            let mut acts = Vec::new();
            for stored in store.acts().await? {
                let act = Act::from_json(&stored.json).map_err(|e| {
                    anyhow::anyhow!("the ledger does not verify: act {}: {e}", stored.hash)
                })?;
                acts.push(act);
            }
            let ledger = replay(agreement, acts, POLICY)
                .map_err(|e| anyhow::anyhow!("the ledger does not verify: {e}"))?;
            membership_report(&ledger)
        }
    };
    if as_json {
        say!("{}", serde_json::to_string_pretty(&membership)?);
        return Ok(());
    }
    say!(
        "verified: {} acts replay from the founding agreement",
        membership.acts
    );
    print_membership(&membership);
    Ok(())
}

/// The membership, identical on every node that holds the same acts.
fn print_membership(m: &MembershipReport) {
    say!("commonwealth {}", m.commonwealth);
    say!(
        "rules: admission {}, withdrawal notice {} s",
        m.rules.admission,
        m.rules.withdrawal_notice_seconds
    );
    say!("members:");
    for member in &m.members {
        let notice = member
            .withdrawal_effective
            .as_deref()
            .map(|at| format!("  (withdraws at {at})"))
            .unwrap_or_default();
        say!(
            "  {:<20} {:<10} {}  {}{notice}",
            member.name,
            member.standing,
            member.signing_key,
            member.endpoint
        );
    }
}

async fn export(target: &TargetArgs, opened: &Target, out: Option<&Path>) -> anyhow::Result<()> {
    let export: Json = match opened {
        Target::Remote(remote) => {
            remote
                .call(reqwest::Method::GET, "/ledger/export", None)
                .await?
        }
        Target::Local(store) => {
            let (data, _) = target.local()?;
            let local = LocalMember::open(store.clone(), &data).await?;
            json!(local.council.with_ledger(LedgerExport::of))
        }
    };
    let text = format!("{}\n", serde_json::to_string_pretty(&export)?);
    match out {
        None => super::council::write_line(format_args!("{}", text.trim_end())),
        Some(path) => {
            std::fs::write(path, text)
                .with_context(|| format!("cannot write {}", path.display()))?;
            let acts = export["acts"].as_array().map_or(0, Vec::len);
            eprintln!(
                "wrote the ledger ({acts} acts) to {}: give it with the agreement to the admitted candidate (`liaison agreement join`)",
                path.display()
            );
        }
    }
    Ok(())
}

/// Runs `liaison agreement join`: on the data directory, like `adopt`.
pub fn join(data: &DataArgs, args: &JoinArgs) -> anyhow::Result<()> {
    runtime()?.block_on(async {
        let (dir, database) = data.resolve(args.database.as_deref())?;
        let read = |path: &Path| {
            std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
        };
        let agreement = Agreement::from_json(&read(&args.agreement)?)
            .with_context(|| format!("{} is not an agreement", args.agreement.display()))?;
        let export = LedgerExport::from_json(&read(&args.ledger)?)
            .with_context(|| format!("{} is not a ledger export", args.ledger.display()))?;
        let (key, card) = read_identity(&dir)?;
        // Judge everything before touching the database.
        let ledger = replay(agreement.clone(), export.acts.iter().cloned(), POLICY)
            .map_err(|e| anyhow::anyhow!("{} does not verify: {e}", args.ledger.display()))?;
        if ledger.membership().get(&card.name).is_none_or(|m| m.card != card) {
            bail!(
                "{} does not admit this node ({}, key {}): the council must adopt a proposal to admit this card first",
                args.ledger.display(),
                card.name,
                card.signing_key
            );
        }
        let password = super::agreement::admin_password()?;
        crate::fsutil::ensure_data_dir(&dir)?;
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let store = liaison_store::open(&database.locator(), clock.clone())
            .await
            .with_context(|| format!("opening the database ({})", database.describe()))?;
        super::agreement::first_start(store.as_ref(), &database, password).await?;
        let (node, membership) = council::join(
            store.as_ref(),
            key,
            card,
            &agreement,
            &export,
            clock.now_micros(),
            POLICY,
        )
        .await?;
        let members: Vec<&str> = membership
            .in_good_standing()
            .map(|m| m.name())
            .collect();
        say!(
            "{} is a member of commonwealth {} \"{}\" with {} ({} acts verified)",
            node.name(),
            node.commonwealth(),
            agreement.title,
            members.join(", "),
            ledger.len()
        );
        say!(
            "a running node joins within seconds; otherwise start it to exchange: liaison serve --data {}",
            dir.display()
        );
        Ok(())
    })
}
