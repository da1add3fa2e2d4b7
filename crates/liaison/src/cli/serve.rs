//! `liaison serve`: run the node.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use liaison_core::clock::{Clock, SystemClock};
use liaison_core::council::LedgerMembership;
use liaison_core::exchange_ops::{
    CARD_FILE, MembershipSource, NodeIdentity, SIGNING_KEY_FILE, ensure_collections,
};
use liaison_core::federation::{EndpointPolicy, Standing};
use liaison_server::federation::tls::NodeCertificate;
use liaison_server::federation::{
    Federation, FederationSettings, MemberFiles, WorkerSettings, Workers,
};

use crate::bootstrap::{self, ADMIN_PASSWORD_ENV, ADMIN_USER};
use crate::config::{ConfigFile, LogFormat, Settings};
use crate::{fsutil, tls};

/// Arguments of `liaison serve`; each overrides the configuration file.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Configuration file (TOML); see the README for every option.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Data directory [default: ./liaison-data].
    #[arg(long, value_name = "DIR")]
    data: Option<PathBuf>,
    /// `sqlite` (default, in the data directory), an SQLite file, or a postgres:// URL.
    #[arg(
        long,
        value_name = "DATABASE",
        env = "LIAISON_DATABASE",
        hide_env_values = true
    )]
    database: Option<String>,
    /// Address to listen on [default: 127.0.0.1:8443].
    #[arg(long, value_name = "ADDR")]
    listen: Option<std::net::SocketAddr>,
    /// TLS certificate chain (PEM); without it a self-signed certificate is used.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Serve plain HTTP (behind a TLS-terminating proxy, or for tests on loopback).
    #[arg(long)]
    insecure_http: bool,
    /// Log format.
    #[arg(long, value_enum)]
    log_format: Option<LogFormat>,
    /// Log filter, e.g. `info` or `liaison=debug,info`.
    #[arg(long, value_name = "FILTER")]
    log_level: Option<String>,
    /// Largest page of objects per request.
    #[arg(long, value_name = "N")]
    max_page_size: Option<usize>,
}

impl Args {
    fn into_flags(self) -> (Option<PathBuf>, ConfigFile) {
        let flags = ConfigFile {
            listen: self.listen,
            data: self.data,
            database: self.database,
            tls_cert: self.tls_cert,
            tls_key: self.tls_key,
            insecure_http: self.insecure_http.then_some(true),
            log_format: self.log_format,
            log_level: self.log_level,
            max_page_size: self.max_page_size,
            ..ConfigFile::default()
        };
        (self.config, flags)
    }
}

/// Runs the node until SIGINT or SIGTERM.
pub fn run(args: Args) -> anyhow::Result<()> {
    let (config_path, flags) = args.into_flags();
    let file = match &config_path {
        Some(path) => ConfigFile::load(path)?,
        None => ConfigFile::default(),
    };
    let settings = Settings::resolve(file, flags)?;
    init_logging(&settings)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    runtime.block_on(serve(settings))
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    fsutil::ensure_data_dir(&settings.data)?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let store = liaison_store::open(&settings.database.locator(), clock.clone())
        .await
        .with_context(|| format!("opening the database ({})", settings.database.describe()))?;
    let admin_password = std::env::var(ADMIN_PASSWORD_ENV)
        .ok()
        .filter(|p| !p.is_empty());
    let created =
        bootstrap::ensure_defaults(store.as_ref(), settings.max_content_length, admin_password)
            .await?;
    announce_first_start(&created);

    let tls = tls::server_config(&settings.transport, &settings.data)?;
    // Before the "listening" line: from then on a SIGTERM must shut down
    // gracefully, never kill by the default action.
    let signals = Signals::install();
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("cannot listen on {}", settings.listen))?;
    let local = listener.local_addr()?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    match &tls {
        Some((_, cert)) => tracing::info!(
            address = %local,
            certificate = %cert.display(),
            fingerprint = %tls::fingerprint(cert).unwrap_or_default(),
            database = %settings.database.describe(),
            "Liaison listening on {scheme}://{local}/taxii2/"
        ),
        None => {
            tracing::warn!(address = %local, database = %settings.database.describe(), "Liaison listening on plain HTTP {scheme}://{local}/taxii2/ (--insecure-http)")
        }
    }

    let own_certificate = tls::node_certificate(&settings.transport, &settings.data)?;
    let state = liaison_server::AppState::new(store, clock, server_settings(&settings));
    let membership = Arc::new(Joining {
        state: state.clone(),
        data: settings.data.clone(),
        own_certificate,
        workers: tokio::sync::Mutex::new(None),
    });
    // A node that is not a member yet joins the commonwealth it adopts
    // while it runs (`liaison agreement adopt` on its data directory or
    // database): no restart needed.
    let watch = if membership.join_if_adopted().await? {
        None
    } else {
        membership
            .own_certificate
            .is_some()
            .then(|| tokio::spawn(membership.clone().watch_for_adoption()))
    };
    let grace = Duration::from_secs(settings.shutdown_grace_seconds);
    liaison_server::serve(
        listener,
        tls.map(|(config, _)| config),
        state,
        shutdown_signal(grace, signals),
    )
    .await?;
    if let Some(watch) = watch {
        watch.abort();
    }
    if let Some(workers) = membership.workers.lock().await.take() {
        workers.stop().await;
    }
    tracing::info!("Liaison stopped");
    Ok(())
}

/// How often a node that is not a member looks for an adopted agreement.
const ADOPTION_POLL: Duration = Duration::from_secs(2);

/// What makes the running node a member of its commonwealth, at start or
/// later: the federation in the server's state and its workers.
struct Joining {
    state: liaison_server::AppState,
    data: PathBuf,
    own_certificate: Option<NodeCertificate>,
    workers: tokio::sync::Mutex<Option<Workers>>,
}

impl Joining {
    /// Joins the commonwealth the store holds an adopted agreement of, if
    /// any ([`load_federation`]), and starts the workers; false when the
    /// node is not a member.
    async fn join_if_adopted(&self) -> anyhow::Result<bool> {
        let state = &self.state;
        let Some(federation) = load_federation(
            state.store.as_ref(),
            &self.data,
            self.own_certificate.as_ref(),
            state.clock.clone(),
        )
        .await?
        else {
            return Ok(false);
        };
        let mut workers = self.workers.lock().await;
        if !state.join(federation) {
            return Ok(true);
        }
        if let Some(own) = &self.own_certificate {
            *workers = Some(Workers::start(state, own, WorkerSettings::default())?);
        }
        Ok(true)
    }

    /// Looks for an adopted agreement every [`ADOPTION_POLL`] until the
    /// node has joined. A failure to join is logged (once per distinct
    /// reason) and tried again: the node keeps serving TAXII meanwhile.
    async fn watch_for_adoption(self: Arc<Self>) {
        let mut last_error = None;
        loop {
            tokio::time::sleep(ADOPTION_POLL).await;
            match self.state.store.commonwealth().await {
                Ok(Some(_)) => {}
                Ok(None) => continue,
                Err(e) => {
                    tracing::debug!(error = %e, "looking for an adopted agreement");
                    continue;
                }
            }
            match self.join_if_adopted().await {
                Ok(true) => {
                    tracing::info!("agreement adopted while running");
                    return;
                }
                Ok(false) => {}
                Err(e) => {
                    let message = format!("{e:#}");
                    if last_error.as_ref() != Some(&message) {
                        tracing::error!(error = %message, "cannot join the adopted commonwealth; serving TAXII only, trying again");
                        last_error = Some(message);
                    }
                }
            }
        }
    }
}

/// The node as a member of its commonwealth, when the data directory holds
/// a member identity ([`SIGNING_KEY_FILE`], [`CARD_FILE`]) and the store an
/// adopted agreement; otherwise `None` and the node is a plain TAXII
/// server. Replays the council's ledger from the store (the membership),
/// checks that the node's card is its current card there (finishing a key
/// rotation a stop interrupted), and creates the exchange collections
/// that are missing.
async fn load_federation(
    store: &dyn liaison_core::Store,
    data: &std::path::Path,
    own_certificate: Option<&NodeCertificate>,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<Option<Arc<Federation>>> {
    let key_path = data.join(SIGNING_KEY_FILE);
    if !key_path.exists() {
        return Ok(None);
    }
    let Some(mut node) = load_identity(store, data).await? else {
        tracing::info!("member identity found but no agreement adopted: serving TAXII only");
        return Ok(None);
    };
    let Some(own_certificate) = own_certificate else {
        tracing::warn!(
            "federation needs TLS (peers authenticate by certificate): serving TAXII only"
        );
        return Ok(None);
    };
    let served = own_certificate
        .chain
        .first()
        .map(liaison_server::federation::tls::fingerprint)
        .unwrap_or_default();
    if served != node.tls_fingerprint() {
        tracing::warn!(served = %served, card = %node.tls_fingerprint(), "the TLS certificate served is not the one in the member card: peers will refuse this node");
    }
    let council = LedgerMembership::load(
        store,
        node.agreement(),
        node.name(),
        EndpointPolicy::HttpsOnly,
        clock,
        node.max_skew(),
    )
    .await
    .context("replaying the council's ledger (see `liaison ledger verify`)")?;
    let files = MemberFiles::new(data);
    if let Err(mismatch) = council.check_identity(node.card()) {
        let current = council
            .membership()
            .get(node.name())
            .map(|m| m.card.clone());
        let recovered = match &current {
            Some(card) => files.recover(card).context("finishing a key rotation")?,
            None => false,
        };
        if !recovered {
            return Err(mismatch.into());
        }
        tracing::warn!("finished a key rotation interrupted by a stop");
        node = load_identity(store, data)
            .await?
            .context("the adopted commonwealth went away")?;
        council.check_identity(node.card())?;
    }
    let node = node.with_previous_key(files.previous_key()?);
    match council.membership().standing(node.name()) {
        Some(Standing::Good) | None => {}
        Some(standing) => {
            tracing::warn!(member = %node.name(), standing = %standing, "this member is not in good standing: peers refuse its requests and send it nothing")
        }
    }
    let created = ensure_collections(store, &node, &council.members()).await?;
    for collection in &created {
        tracing::info!(alias = ?collection.alias, "created exchange collection");
    }
    tracing::info!(member = %node.name(), commonwealth = %node.commonwealth(), acts = council.with_ledger(|l| l.len()), "member of the commonwealth");
    Ok(Some(Arc::new(Federation::with_council(
        Arc::new(node),
        Arc::new(council),
        Some(files),
        FederationSettings::default(),
    ))))
}

/// The node's identity from its member files and the adopted agreement;
/// `None` when none is adopted.
async fn load_identity(
    store: &dyn liaison_core::Store,
    data: &std::path::Path,
) -> anyhow::Result<Option<NodeIdentity>> {
    let read = |file: &str| {
        let path = data.join(file);
        std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))
    };
    let (key, card) = (read(SIGNING_KEY_FILE)?, read(CARD_FILE)?);
    Ok(NodeIdentity::load(store, &key, &card, EndpointPolicy::HttpsOnly).await?)
}

fn server_settings(settings: &Settings) -> liaison_server::Settings {
    liaison_server::Settings {
        title: settings.title.clone(),
        description: settings.description.clone(),
        contact: settings.contact.clone(),
        default_api_root: Some(bootstrap::DEFAULT_API_ROOT.to_owned()),
        max_page_size: settings.max_page_size,
        ..liaison_server::Settings::default()
    }
}

/// Shows what the first start created. The generated password goes to the
/// terminal only, never through the logger.
fn announce_first_start(created: &bootstrap::Created) {
    if let Some(collection) = &created.collection_created {
        tracing::info!(id = %collection.id, alias = ?collection.alias, "created the default collection");
    }
    if created.admin_created {
        tracing::info!(user = ADMIN_USER, "created the first administrator");
    }
    if let Some(password) = &created.generated_admin_password {
        eprintln!(
            "\n  First start: the administrator is '{ADMIN_USER}' with the password\n\n      {password}\n\n  \
             It is shown this once; set {ADMIN_PASSWORD_ENV} before the first start to choose it.\n"
        );
    }
}

/// Resolves on SIGINT or SIGTERM. After the signal, in-flight requests get
/// `grace` to finish; a second signal stops at once.
async fn shutdown_signal(grace: Duration, mut signals: Signals) {
    signals.recv().await;
    tracing::info!(
        grace_seconds = grace.as_secs(),
        "shutting down: finishing in-flight requests"
    );
    tokio::spawn(async move {
        tokio::select! {
            () = tokio::time::sleep(grace) => tracing::warn!("grace period over; stopping"),
            () = signals.recv() => tracing::warn!("second signal; stopping"),
        }
        std::process::exit(1);
    });
}

/// SIGTERM and SIGINT, caught from the moment this is made (a signal that
/// arrives before anyone waits is kept, not lost to the default action).
struct Signals(Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>);

impl Signals {
    fn install() -> Signals {
        use tokio::signal::unix::{SignalKind, signal};
        Signals(
            signal(SignalKind::terminate())
                .ok()
                .zip(signal(SignalKind::interrupt()).ok()),
        )
    }

    async fn recv(&mut self) {
        match &mut self.0 {
            Some((term, int)) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = int.recv() => {}
                }
            }
            // Without signal handlers the node can only be killed, which
            // loses nothing acknowledged; keep serving.
            None => std::future::pending().await,
        }
    }
}

fn init_logging(settings: &Settings) -> anyhow::Result<()> {
    let filter = tracing_subscriber::EnvFilter::try_new(&settings.log_level)
        .with_context(|| format!("log_level: cannot parse {:?}", settings.log_level))?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = match settings.log_format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
    result.map_err(|e| anyhow::anyhow!("cannot set up logging: {e}"))
}
