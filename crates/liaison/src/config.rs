//! Node configuration: one documented TOML structure (`--config FILE`),
//! unknown keys rejected, every option also settable by a command-line flag
//! (flags win), validated into [`Settings`] before anything starts.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::Deserialize;

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// The configuration file. Every field is optional; defaults are given.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Address and port to listen on. Default `127.0.0.1:8443`.
    pub listen: Option<SocketAddr>,
    /// Data directory: database, TLS certificate and key. Default `./liaison-data`.
    pub data: Option<PathBuf>,
    /// Database: `sqlite` (the file `liaison.sqlite` in the data directory,
    /// the default), a path to an SQLite file, or a `postgres://` URL.
    pub database: Option<String>,
    /// TLS certificate chain (PEM). Without it, a self-signed certificate is
    /// generated into the data directory.
    pub tls_cert: Option<PathBuf>,
    /// TLS private key (PEM), with `tls_cert`.
    pub tls_key: Option<PathBuf>,
    /// Serve plain HTTP instead of HTTPS. Only for use behind a TLS proxy or
    /// on loopback for tests. Default `false`.
    pub insecure_http: Option<bool>,
    /// `text` (default) or `json`.
    pub log_format: Option<LogFormat>,
    /// Log filter, e.g. `info` (default) or `liaison=debug,info`.
    pub log_level: Option<String>,
    /// Title of the server in TAXII discovery. Default `Liaison`.
    pub title: Option<String>,
    /// Description in TAXII discovery.
    pub description: Option<String>,
    /// Contact in TAXII discovery (e.g. the CERT's address).
    pub contact: Option<String>,
    /// Largest page of objects one request returns; clients asking for more
    /// get this many. Default 1000.
    pub max_page_size: Option<usize>,
    /// Largest request body of the default API root, in bytes. Default 100 MiB.
    pub max_content_length: Option<u64>,
    /// Seconds that in-flight requests get to finish on shutdown. Default 30.
    pub shutdown_grace_seconds: Option<u64>,
}

impl ConfigFile {
    /// Reads and parses a configuration file.
    pub fn load(path: &Path) -> anyhow::Result<ConfigFile> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        toml::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
    }
}

/// Where the node keeps its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// An SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL URL (kept out of logs: it may hold a password).
    Postgres(String),
}

impl Database {
    /// The string `liaison_store::open` takes.
    pub fn locator(&self) -> String {
        match self {
            Database::Sqlite(path) => format!("sqlite:{}", path.display()),
            Database::Postgres(url) => url.clone(),
        }
    }

    /// A description safe to log (no credentials).
    pub fn describe(&self) -> String {
        match self {
            Database::Sqlite(path) => format!("SQLite {}", path.display()),
            Database::Postgres(_) => "PostgreSQL".to_owned(),
        }
    }

    /// Interprets the `database` option relative to the data directory.
    pub fn parse(value: Option<&str>, data: &Path) -> anyhow::Result<Database> {
        match value {
            None | Some("sqlite") => Ok(Database::Sqlite(data.join("liaison.sqlite"))),
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Ok(Database::Postgres(url.to_owned()))
            }
            Some(other) if other.contains("://") => {
                bail!(
                    "database: unsupported URL scheme in {:?}; use sqlite, a file path, or postgres://",
                    scheme(other)
                )
            }
            Some(path) => Ok(Database::Sqlite(PathBuf::from(
                path.strip_prefix("sqlite:").unwrap_or(path),
            ))),
        }
    }
}

/// The flag's value if given, else the file's.
fn pick<T>(flag: Option<T>, file: Option<T>) -> Option<T> {
    flag.or(file)
}

fn scheme(url: &str) -> &str {
    url.split("://").next().unwrap_or_default()
}

/// How the node serves HTTP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// Plain HTTP (`--insecure-http`).
    Plain,
    /// TLS with the given PEM files.
    Tls { cert: PathBuf, key: PathBuf },
    /// TLS with a self-signed certificate in the data directory.
    SelfSigned,
}

/// Validated settings of `liaison serve`.
#[derive(Debug, Clone)]
pub struct Settings {
    pub listen: SocketAddr,
    pub data: PathBuf,
    pub database: Database,
    pub transport: Transport,
    pub log_format: LogFormat,
    pub log_level: String,
    pub title: String,
    pub description: Option<String>,
    pub contact: Option<String>,
    pub max_page_size: usize,
    pub max_content_length: u64,
    pub shutdown_grace_seconds: u64,
}

/// Default listening address: loopback only, until the operator decides.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8443";

impl Settings {
    /// Combines the file (if any) with flag overrides and checks the result.
    pub fn resolve(file: ConfigFile, flags: ConfigFile) -> anyhow::Result<Settings> {
        let data = pick(flags.data, file.data).unwrap_or_else(|| PathBuf::from("./liaison-data"));
        let database = Database::parse(pick(flags.database, file.database).as_deref(), &data)?;
        let insecure = pick(flags.insecure_http, file.insecure_http).unwrap_or(false);
        let transport = match (
            pick(flags.tls_cert, file.tls_cert),
            pick(flags.tls_key, file.tls_key),
            insecure,
        ) {
            (Some(_), _, true) | (_, Some(_), true) => {
                bail!("tls_cert/tls_key and insecure_http exclude each other")
            }
            (None, None, true) => Transport::Plain,
            (None, None, false) => Transport::SelfSigned,
            (Some(cert), Some(key), false) => Transport::Tls { cert, key },
            (Some(_), None, _) => bail!("tls_cert needs tls_key"),
            (None, Some(_), _) => bail!("tls_key needs tls_cert"),
        };
        let max_page_size = pick(flags.max_page_size, file.max_page_size).unwrap_or(1000);
        if !(1..=100_000).contains(&max_page_size) {
            bail!("max_page_size must be between 1 and 100000");
        }
        let max_content_length = pick(flags.max_content_length, file.max_content_length)
            .unwrap_or(liaison_core::model::DEFAULT_MAX_CONTENT_LENGTH);
        if max_content_length == 0 {
            bail!("max_content_length must be greater than 0");
        }
        Ok(Settings {
            listen: pick(flags.listen, file.listen)
                .unwrap_or_else(|| DEFAULT_LISTEN.parse().expect("valid default")),
            data,
            database,
            transport,
            log_format: pick(flags.log_format, file.log_format).unwrap_or_default(),
            log_level: pick(flags.log_level, file.log_level).unwrap_or_else(|| "info".to_owned()),
            title: pick(flags.title, file.title).unwrap_or_else(|| "Liaison".to_owned()),
            description: pick(flags.description, file.description),
            contact: pick(flags.contact, file.contact),
            max_page_size,
            max_content_length,
            shutdown_grace_seconds: pick(flags.shutdown_grace_seconds, file.shutdown_grace_seconds)
                .unwrap_or(30),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_rejected() {
        let err = toml::from_str::<ConfigFile>("listne = \"127.0.0.1:1\"").unwrap_err();
        assert!(err.to_string().contains("unknown field `listne`"), "{err}");
    }

    #[test]
    fn flags_override_the_file() {
        let file: ConfigFile =
            toml::from_str("listen = \"127.0.0.1:1\"\nmax_page_size = 50\ninsecure_http = true")
                .unwrap();
        let flags = ConfigFile {
            listen: Some("127.0.0.1:2".parse().unwrap()),
            ..ConfigFile::default()
        };
        let s = Settings::resolve(file, flags).unwrap();
        assert_eq!(s.listen.port(), 2);
        assert_eq!(s.max_page_size, 50);
        assert_eq!(s.transport, Transport::Plain);
    }

    #[test]
    fn databases() {
        let data = Path::new("/d");
        assert_eq!(
            Database::parse(None, data).unwrap(),
            Database::Sqlite("/d/liaison.sqlite".into())
        );
        assert_eq!(
            Database::parse(Some("sqlite:/x.db"), data).unwrap(),
            Database::Sqlite("/x.db".into())
        );
        assert!(matches!(
            Database::parse(Some("postgres://u:p@h/db"), data).unwrap(),
            Database::Postgres(_)
        ));
        assert!(Database::parse(Some("mysql://h/db"), data).is_err());
        assert_eq!(
            Database::parse(Some("postgres://u:secret@h/db"), data)
                .unwrap()
                .describe(),
            "PostgreSQL"
        );
    }

    #[test]
    fn tls_options_must_pair() {
        let flags = ConfigFile {
            tls_cert: Some("c.pem".into()),
            ..ConfigFile::default()
        };
        assert!(Settings::resolve(ConfigFile::default(), flags).is_err());
        let s = Settings::resolve(ConfigFile::default(), ConfigFile::default()).unwrap();
        assert_eq!(s.transport, Transport::SelfSigned);
    }
}
