//! `liaison agreement draft|sign|merge|verify|adopt`: founding a
//! commonwealth.
//!
//! The founders exchange member cards; one drafts the agreement from
//! them; each signs it (passing the file on, or signing copies that
//! `merge` combines); each node adopts the fully signed agreement, which
//! makes it a member. The rules (who may sign, when an agreement is in
//! force) are `liaison_core::federation::Agreement`'s; adopting is
//! `liaison_core::exchange_ops::adopt`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use liaison_core::clock::{Clock, SystemClock};
use liaison_core::exchange_ops::{self, outbound_alias};
use liaison_core::federation::{Agreement, EndpointPolicy, MemberCard, Rules, canonical_json};
use liaison_core::model::DEFAULT_MAX_CONTENT_LENGTH;
use liaison_core::users::{MIN_PASSWORD_LEN, Role};

use super::admin::runtime;
use super::member::{DataArgs, pretty, read_identity};
use crate::bootstrap::{self, ADMIN_PASSWORD_ENV, ADMIN_USER, DEFAULT_API_ROOT};
use crate::config::Database;
use crate::fsutil::ensure_data_dir;

const POLICY: EndpointPolicy = EndpointPolicy::HttpsOnly;

/// `liaison agreement ...`
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Draft a founding agreement from the founders' member cards; prints
    /// it (JSON) for every founder to sign.
    Draft(DraftArgs),
    /// Add this node's signature to an agreement (in place, or to --out).
    Sign {
        /// The agreement (JSON).
        file: PathBuf,
        /// Write the signed agreement here instead (`-`: standard output).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Combine the signatures of copies of one agreement; prints it.
    Merge {
        /// Copies of the same agreement, each signed by some founders.
        #[arg(required = true, num_args = 2..)]
        files: Vec<PathBuf>,
        /// Write the result here instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Show an agreement: its commonwealth id, founders and signatures;
    /// exits 1 unless every founder's signature verifies.
    Verify {
        /// The agreement (JSON).
        file: PathBuf,
    },
    /// Make this node a member of the commonwealth the agreement founds
    /// (every founder must have signed; this node's card must be a
    /// founder's). Acts on the node's data directory and database; a
    /// running node joins within seconds, a stopped one when it starts.
    Adopt {
        /// The signed agreement (JSON).
        file: PathBuf,
        /// Database of the node (overrides the data directory's SQLite file).
        #[arg(
            long,
            value_name = "DATABASE",
            env = "LIAISON_DATABASE",
            hide_env_values = true
        )]
        database: Option<String>,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Join a commonwealth as an admitted candidate: verifies the
    /// agreement and the ledger a member exported, and that it admits this
    /// node's card, then adopts both. Start the node afterwards.
    Join {
        #[command(flatten)]
        args: super::ledger::JoinArgs,
        #[command(flatten)]
        data: DataArgs,
    },
}

/// `liaison agreement draft`
#[derive(Debug, clap::Args)]
pub struct DraftArgs {
    /// Title of the commonwealth, e.g. "Northern CERT exchange".
    #[arg(long)]
    title: String,
    /// A founder's member card (JSON, from `liaison member card`); one per
    /// founder, this node's included.
    #[arg(long = "card", value_name = "FILE", required = true)]
    cards: Vec<PathBuf>,
    /// Quorum for admitting new members.
    #[arg(long, default_value = "unanimity", value_parser = ["unanimity", "two-thirds", "majority"])]
    admission: String,
    /// Seconds between a member's withdrawal and its effect.
    #[arg(long, value_name = "SECONDS", default_value_t = 0)]
    withdrawal_notice: u64,
    /// Write the draft here instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// Runs `liaison agreement ...`.
pub fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Draft(args) => draft(&args),
        Command::Sign { file, out, data } => sign(&file, out.as_deref(), &data),
        Command::Merge { files, out } => merge(&files, out.as_deref()),
        Command::Verify { file } => verify(&file),
        Command::Adopt {
            file,
            database,
            data,
        } => runtime()?.block_on(adopt(&file, database.as_deref(), &data)),
        Command::Join { args, data } => super::ledger::join(&data, &args),
    }
}

fn draft(args: &DraftArgs) -> anyhow::Result<()> {
    let mut founders = Vec::with_capacity(args.cards.len());
    for path in &args.cards {
        let text = read(path)?;
        let card = MemberCard::from_json(&text, POLICY)
            .with_context(|| format!("{} is not a valid member card", path.display()))?;
        founders.push(card);
    }
    let rules = Rules {
        admission: args.admission.parse()?,
        withdrawal_notice_seconds: args.withdrawal_notice,
    };
    let agreement = Agreement::draft(
        &args.title,
        founders,
        rules,
        SystemClock.now_micros(),
        POLICY,
    )?;
    let id = agreement.commonwealth_id()?;
    write_agreement(&agreement, args.out.as_deref())?;
    eprintln!(
        "drafted commonwealth {id} with founders {}; each founder signs it with `liaison agreement sign FILE`",
        founder_names(&agreement)
    );
    Ok(())
}

fn sign(file: &Path, out: Option<&Path>, data: &DataArgs) -> anyhow::Result<()> {
    let mut agreement = read_agreement(file)?;
    let (key, card) = read_identity(&data.dir()?)?;
    let listed = agreement
        .founders
        .iter()
        .find(|f| f.signing_key == card.signing_key);
    match listed {
        None => bail!(
            "{} does not list this node ({}) among its founders: it cannot sign it",
            file.display(),
            card.name
        ),
        Some(founder) if *founder != card => bail!(
            "{} lists {} with another card than this node's (name, endpoint or certificate differ): \
             draft it again from the current card (`liaison member card`)",
            file.display(),
            founder.name
        ),
        Some(_) => {}
    }
    let name = agreement
        .sign(&key, POLICY)
        .with_context(|| format!("cannot sign {}", file.display()))?;
    write_agreement(&agreement, Some(out.unwrap_or(file)))?;
    let id = agreement.commonwealth_id()?;
    let missing = agreement.unsigned_founders();
    if missing.is_empty() {
        eprintln!(
            "signed as {name}: every founder has signed commonwealth {id}; each adopts it with `liaison agreement adopt FILE`"
        );
    } else {
        eprintln!(
            "signed as {name}; still to sign commonwealth {id}: {}",
            missing.join(", ")
        );
    }
    Ok(())
}

fn merge(files: &[PathBuf], out: Option<&Path>) -> anyhow::Result<()> {
    let mut merged: Option<(Agreement, String)> = None;
    for path in files {
        let copy = read_agreement(path)?;
        let id = copy.commonwealth_id()?.to_string();
        let Some((agreement, first_id)) = &mut merged else {
            merged = Some((copy, id));
            continue;
        };
        if id != *first_id {
            bail!(
                "{} is another agreement (commonwealth {id}) than {} (commonwealth {first_id}): only copies of one agreement merge",
                path.display(),
                files[0].display()
            );
        }
        for (name, signature) in copy.signatures {
            match agreement.signatures.get(&name) {
                Some(existing) if *existing != signature => bail!(
                    "{} and an earlier copy carry different signatures by {name}; check them with `liaison agreement verify`",
                    path.display()
                ),
                _ => {
                    agreement.signatures.insert(name, signature);
                }
            }
        }
    }
    let (agreement, id) = merged.context("nothing to merge")?;
    write_agreement(&agreement, out)?;
    let missing = agreement.unsigned_founders();
    if missing.is_empty() {
        eprintln!("merged: every founder has signed commonwealth {id}");
    } else {
        eprintln!(
            "merged; still to sign commonwealth {id}: {}",
            missing.join(", ")
        );
    }
    Ok(())
}

fn verify(file: &Path) -> anyhow::Result<()> {
    let agreement = read_agreement(file)?;
    println!("title         {}", agreement.title);
    println!("commonwealth  {}", agreement.commonwealth_id()?);
    println!("created       {}", agreement.created);
    println!(
        "rules         admission {}, withdrawal notice {} s",
        agreement.rules.admission, agreement.rules.withdrawal_notice_seconds
    );
    println!("founders");
    let signed = signed_bytes(&agreement)?;
    for card in &agreement.founders {
        let state = match agreement.signatures.get(&card.name) {
            None => "not signed",
            Some(signature) if card.signing_key.verify_strict(&signed, signature).is_ok() => {
                "signed"
            }
            Some(_) => "SIGNATURE DOES NOT VERIFY",
        };
        println!("  {:<20} {:<26} {}", card.name, state, card.endpoint);
    }
    match agreement.verify(POLICY) {
        Ok(_) => {
            println!("in force: every founder has signed and every signature verifies");
            Ok(())
        }
        Err(e) => bail!("{} is not in force: {e}", file.display()),
    }
}

async fn adopt(file: &Path, database: Option<&str>, data: &DataArgs) -> anyhow::Result<()> {
    let (dir, database) = data.resolve(database)?;
    let agreement = read_agreement(file)?;
    let (key, card) = read_identity(&dir)?;
    let id = agreement
        .verify_adoption(&card, POLICY)
        .with_context(|| format!("{} cannot be adopted", file.display()))?;
    // Checked before anything is written.
    let password = admin_password()?;
    ensure_data_dir(&dir)?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let store = liaison_store::open(&database.locator(), clock.clone())
        .await
        .with_context(|| format!("opening the database ({})", database.describe()))?;
    if let Some(held) = store.commonwealth().await?
        && held.id != id.as_str()
    {
        bail!(
            "this node has already adopted another commonwealth ({}, as {}): a node is a member of one commonwealth",
            held.id,
            held.self_name
        );
    }
    first_start(store.as_ref(), &database, password).await?;
    let node = exchange_ops::adopt(
        store.as_ref(),
        key,
        card,
        &agreement,
        clock.now_micros(),
        POLICY,
    )
    .await?;
    println!(
        "{} is a member of commonwealth {} \"{}\" with {}",
        node.name(),
        id,
        agreement.title,
        founder_names(&agreement)
    );
    let mut aliases = vec![outbound_alias(None)];
    for founder in agreement.founders.iter().filter(|f| f.name != node.name()) {
        aliases.push(outbound_alias(Some(&founder.name)));
        aliases.push(exchange_ops::inbound_alias(&founder.name));
    }
    println!(
        "exchange collections in API root {}: {}",
        exchange_ops::EXCHANGE_API_ROOT,
        aliases.join(", ")
    );
    println!(
        "a running node joins within seconds; otherwise start it to exchange: liaison serve --data {}",
        dir.display()
    );
    Ok(())
}

/// `LIAISON_ADMIN_PASSWORD`, checked before anything is written.
pub(super) fn admin_password() -> anyhow::Result<Option<String>> {
    let password = std::env::var(ADMIN_PASSWORD_ENV)
        .ok()
        .filter(|p| !p.is_empty());
    if let Some(p) = &password
        && p.chars().count() < MIN_PASSWORD_LEN
    {
        bail!(
            "{ADMIN_PASSWORD_ENV}: passwords must be at least {MIN_PASSWORD_LEN} characters long"
        );
    }
    Ok(password)
}

/// On a database no node has started on yet (no administrator), creates
/// what the first `liaison serve` would (default collection, first
/// administrator), so that adopting before the first start leaves the
/// node as it would be.
pub(super) async fn first_start(
    store: &dyn liaison_core::Store,
    database: &Database,
    password: Option<String>,
) -> anyhow::Result<()> {
    let started = store.api_root(DEFAULT_API_ROOT).await?.is_some()
        && store.users().await?.iter().any(|u| u.role == Role::Admin);
    if started {
        return Ok(());
    }
    let created = bootstrap::ensure_defaults(store, DEFAULT_MAX_CONTENT_LENGTH, password).await?;
    eprintln!("initialised the node's database ({})", database.describe());
    if let Some(password) = created.generated_admin_password {
        eprintln!(
            "\n  The administrator is '{ADMIN_USER}' with the password\n\n      {password}\n\n  \
             It is shown this once; set {ADMIN_PASSWORD_ENV} beforehand to choose it.\n"
        );
    }
    Ok(())
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

fn read_agreement(path: &Path) -> anyhow::Result<Agreement> {
    Agreement::from_json(&read(path)?)
        .with_context(|| format!("{} is not an agreement", path.display()))
}

/// Writes the agreement as indented JSON to `out` (atomically), or to
/// standard output for `None` or `-`.
fn write_agreement(agreement: &Agreement, out: Option<&Path>) -> anyhow::Result<()> {
    let text = format!("{}\n", pretty(agreement)?);
    match out {
        None => print!("{text}"),
        Some(path) if path == Path::new("-") => print!("{text}"),
        Some(path) => {
            let tmp = path.with_extension("json.tmp");
            std::fs::write(&tmp, &text)
                .with_context(|| format!("cannot write {}", tmp.display()))?;
            std::fs::rename(&tmp, path)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
    }
    Ok(())
}

fn founder_names(agreement: &Agreement) -> String {
    let names: Vec<&str> = agreement.founders.iter().map(|f| f.name.as_str()).collect();
    names.join(", ")
}

/// The bytes every founder signs: the canonical JSON of the agreement
/// without `signatures` (see `liaison_core::federation::agreement`).
fn signed_bytes(agreement: &Agreement) -> anyhow::Result<Vec<u8>> {
    let mut value = serde_json::to_value(agreement).context("serialising the agreement")?;
    if let Some(members) = value.as_object_mut() {
        members.remove("signatures");
    }
    Ok(canonical_json(&value)?.into_bytes())
}
