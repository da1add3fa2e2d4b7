//! `liaison serve`: run the node.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use liaison_core::clock::{Clock, SystemClock};

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

    let state = liaison_server::AppState::new(store, clock, server_settings(&settings));
    let grace = Duration::from_secs(settings.shutdown_grace_seconds);
    liaison_server::serve(
        listener,
        tls.map(|(config, _)| config),
        state,
        shutdown_signal(grace),
    )
    .await?;
    tracing::info!("Liaison stopped");
    Ok(())
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
async fn shutdown_signal(grace: Duration) {
    wait_for_signal().await;
    tracing::info!(
        grace_seconds = grace.as_secs(),
        "shutting down: finishing in-flight requests"
    );
    tokio::spawn(async move {
        tokio::select! {
            () = tokio::time::sleep(grace) => tracing::warn!("grace period over; stopping"),
            () = wait_for_signal() => tracing::warn!("second signal; stopping"),
        }
        std::process::exit(1);
    });
}

async fn wait_for_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        // Without signal handlers the node can only be killed, which loses
        // nothing acknowledged; keep serving.
        return std::future::pending().await;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
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
