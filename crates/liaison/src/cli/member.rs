//! `liaison member init|card`: the node's identity in a commonwealth.
//!
//! `init` writes into the data directory the member's ed25519 signing key
//! (`member/signing.key`, the seed in hexadecimal, mode 0600, never printed
//! or logged), the node's TLS certificate if it has none (`tls/cert.pem`
//! and `tls/key.pem`, self-signed for the endpoint's host and loopback:
//! the certificate `liaison serve` serves and presents to its peers) and
//! the self-signed member card (`member/card.json`), which `card` prints
//! for the other founders.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use liaison_core::exchange_ops::{CARD_FILE, SIGNING_KEY_FILE};
use liaison_core::federation::{EndpointPolicy, MemberCard, SigningKey};

use crate::config::{ConfigFile, Database};
use crate::fsutil::{ensure_data_dir, write_private};
use crate::tls;

/// `--config`/`--data`: where the node's files are.
#[derive(Debug, Clone, clap::Args)]
pub struct DataArgs {
    /// Configuration file of the node (for its data directory).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Data directory of the node [default: ./liaison-data].
    #[arg(long, global = true, value_name = "DIR")]
    data: Option<PathBuf>,
}

impl DataArgs {
    /// The data directory: the flag, else the configuration file's, else
    /// `./liaison-data`.
    pub fn dir(&self) -> anyhow::Result<PathBuf> {
        Ok(self.resolve(None)?.0)
    }

    /// The data directory and the database (`database` if given, else
    /// the configuration file's, else SQLite in the data directory).
    pub fn resolve(&self, database: Option<&str>) -> anyhow::Result<(PathBuf, Database)> {
        let file = match &self.config {
            Some(path) => ConfigFile::load(path)?,
            None => ConfigFile::default(),
        };
        let data = self
            .data
            .clone()
            .or(file.data)
            .unwrap_or_else(|| PathBuf::from("./liaison-data"));
        let database = Database::parse(database.or(file.database.as_deref()), &data)?;
        Ok((data, database))
    }
}

/// `liaison member ...`
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Create this node's member identity: signing key, TLS certificate (if
    /// absent) and member card.
    Init(InitArgs),
    /// Print this node's member card (JSON) for the other founders.
    Card,
    /// Withdraw this member from the commonwealth (after the notice in the
    /// rules): it is sent nothing more and its requests are refused.
    Withdraw(super::council::MemberActArgs),
    /// Rotate this member's signing key: a new key and card (same name,
    /// endpoint and certificate), announced by an act signed by both keys.
    RotateKey(super::council::MemberActArgs),
}

/// `liaison member init`
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The member's name in the commonwealth (2 to 63 of a-z, 0-9, '-').
    #[arg(long)]
    name: String,
    /// The URL peers reach this node at, e.g. https://node.cert-a.example:8443.
    #[arg(long, value_name = "URL")]
    endpoint: String,
    /// The certificate the node serves when it runs with --tls-cert (its
    /// fingerprint goes into the card); without it, DATA/tls/cert.pem,
    /// created self-signed if absent.
    #[arg(long, value_name = "FILE")]
    tls_cert: Option<PathBuf>,
    /// Replace an existing signing key (the old identity is lost: a
    /// commonwealth that knows the old key no longer knows this node).
    #[arg(long)]
    force: bool,
}

/// Runs `liaison member ...`.
pub fn run(data: &DataArgs, command: Command) -> anyhow::Result<()> {
    let dir = data.dir()?;
    match command {
        Command::Init(args) => init(&dir, &args),
        Command::Card => {
            let card = read_card(&dir)?;
            check_certificate(&dir, &card);
            println!("{}", pretty(&card)?);
            Ok(())
        }
        Command::Withdraw(args) => super::council::withdraw(&dir, &args),
        Command::RotateKey(args) => super::council::rotate_key(&dir, &args),
    }
}

fn init(data: &Path, args: &InitArgs) -> anyhow::Result<()> {
    let key_path = data.join(SIGNING_KEY_FILE);
    if key_path.exists() && !args.force {
        bail!(
            "{} exists: this node already has a member identity (see `liaison member card`). \
             Pass --force to replace it; the old identity is then lost",
            key_path.display()
        );
    }
    let host = endpoint_host(&args.endpoint)?;
    // Check the name and endpoint before anything is written.
    MemberCard::create(
        &args.name,
        &args.endpoint,
        &"0".repeat(64),
        &SigningKey::generate(),
        EndpointPolicy::HttpsOnly,
    )?;
    ensure_data_dir(data)?;
    let member_dir = data.join("member");
    create_private_dir(&member_dir)?;

    let (cert_path, created) = match &args.tls_cert {
        Some(path) => (path.clone(), false),
        None => {
            let (cert, key) = tls::self_signed_paths(data);
            if cert.exists() && key.exists() {
                (cert, false)
            } else {
                generate_certificate(&cert, &key, &host)?;
                (cert, true)
            }
        }
    };
    let fingerprint = tls::fingerprint(&cert_path)?;

    let key = SigningKey::generate();
    let card = MemberCard::create(
        &args.name,
        &args.endpoint,
        &fingerprint,
        &key,
        EndpointPolicy::HttpsOnly,
    )?;
    let mut seed = key.to_seed_hex();
    seed.push('\n');
    write_private(&key_path, seed.as_bytes())?;
    let card_path = data.join(CARD_FILE);
    std::fs::write(&card_path, format!("{}\n", pretty(&card)?))
        .with_context(|| format!("cannot write {}", card_path.display()))?;

    println!("member {} of endpoint {}", card.name, card.endpoint);
    println!("  signing key  {} (mode 0600)", key_path.display());
    println!("  public key   {}", card.signing_key);
    let origin = if created {
        "created, self-signed"
    } else {
        "existing"
    };
    println!("  certificate  {} ({origin})", cert_path.display());
    println!("  fingerprint  {fingerprint}");
    println!("  card         {}", card_path.display());
    println!(
        "Send the card to the other founders: liaison member card --data {}",
        data.display()
    );
    Ok(())
}

/// Reads and verifies the node's own card.
pub fn read_card(data: &Path) -> anyhow::Result<MemberCard> {
    let path = data.join(CARD_FILE);
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "cannot read {}: create the member identity with `liaison member init`",
            path.display()
        )
    })?;
    MemberCard::from_json(&text, EndpointPolicy::HttpsOnly)
        .with_context(|| format!("{} is not a valid member card", path.display()))
}

/// Reads the node's signing key and card, and checks that they belong
/// together. The key's content never appears in an error.
pub fn read_identity(data: &Path) -> anyhow::Result<(SigningKey, MemberCard)> {
    let path = data.join(SIGNING_KEY_FILE);
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "cannot read {}: create the member identity with `liaison member init`",
            path.display()
        )
    })?;
    let key = SigningKey::from_seed_hex(&text).with_context(|| path.display().to_string())?;
    let card = read_card(data)?;
    if card.signing_key != key.public_key() {
        bail!(
            "{} is not the key of the member card {}",
            path.display(),
            data.join(CARD_FILE).display()
        );
    }
    Ok((key, card))
}

/// Warns when the self-signed certificate in the data directory is not
/// the one the card names (peers would refuse the node).
fn check_certificate(data: &Path, card: &MemberCard) {
    let (cert, _) = tls::self_signed_paths(data);
    if let Ok(served) = tls::fingerprint(&cert)
        && served != card.tls_fingerprint
    {
        eprintln!(
            "liaison: warning: {} (fingerprint {served}) is not the certificate of this card; \
             unless the node serves the card's certificate with --tls-cert, peers will refuse it",
            cert.display()
        );
    }
}

/// A record as indented JSON.
pub fn pretty<T: serde::Serialize>(record: &T) -> anyhow::Result<String> {
    serde_json::to_string_pretty(record).context("serialising JSON")
}

/// The host of `https://host[:port][/path]`, without IPv6 brackets; the
/// URL's full check is the card's.
fn endpoint_host(endpoint: &str) -> anyhow::Result<String> {
    let rest = endpoint
        .strip_prefix("https://")
        .with_context(|| format!("--endpoint {endpoint:?} must be an https:// URL"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    if host.is_empty() {
        bail!("--endpoint {endpoint:?} names no host");
    }
    Ok(host.to_owned())
}

/// A self-signed certificate for `host` and the loopback names, its key
/// readable by the owner only.
fn generate_certificate(cert: &Path, key: &Path, host: &str) -> anyhow::Result<()> {
    let mut names = vec![host.to_owned()];
    for name in ["localhost", "127.0.0.1", "::1"] {
        if name != host {
            names.push(name.to_owned());
        }
    }
    let certified = rcgen::generate_simple_self_signed(names)
        .context("generating a self-signed certificate")?;
    if let Some(dir) = cert.parent() {
        create_private_dir(dir)?;
    }
    write_private(key, certified.signing_key.serialize_pem().as_bytes())?;
    std::fs::write(cert, certified.cert.pem())
        .with_context(|| format!("cannot write {}", cert.display()))
}

/// Creates a directory readable by the owner only, if it is missing.
fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("cannot create {}", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_hosts() {
        assert_eq!(
            endpoint_host("https://127.0.0.1:8443").unwrap(),
            "127.0.0.1"
        );
        assert_eq!(endpoint_host("https://a.example/x").unwrap(), "a.example");
        assert_eq!(endpoint_host("https://[::1]:8443").unwrap(), "::1");
        assert!(endpoint_host("http://a.example").is_err());
        assert!(endpoint_host("https://").is_err());
    }
}
