//! `TestNode`: the real `liaison serve` binary as a child process, for
//! end-to-end tests (this crate's `node_*.rs` tests, and interop tests that
//! point real TAXII clients at a node).
//!
//! ```ignore
//! mod support;
//! use support::node::{TestNode, Via};
//!
//! let node = TestNode::start();                     // SQLite, TLS, fresh data dir
//! let client = node.client();                       // liaison_taxii client, as admin
//! let root = node.api_root_url();                   // https://127.0.0.1:PORT/default/
//! // ... client.add_objects(&root, "shared", objects).await ...
//! let out = node.cli_ok(&["user", "list"]);          // `liaison user list --server ...`
//!
//! let mut pg = TestNode::builder().postgres().insecure_http().start();
//! pg.kill9();                                       // crash it
//! pg.restart();                                     // same data dir, database and port
//! ```
//!
//! What a node gets:
//!
//! * a fresh data directory (removed on drop; `LIAISON_TEST_KEEP=1` keeps it),
//!   or a given one ([`NodeBuilder::data_dir`]) to start on existing data;
//! * SQLite in the data directory by default, or a PostgreSQL database of its
//!   own ([`NodeBuilder::postgres`]: created on the server named by
//!   `LIAISON_TEST_PG_URL`, dropped when the last holder of the
//!   [`PgDatabase`] drops it), or a shared one ([`NodeBuilder::database`]:
//!   several processes over one database);
//! * `--listen 127.0.0.1:0` and `--log-format json`; the kit learns the bound
//!   address, scheme and certificate from the "Liaison listening on" log line
//!   (logged right after the socket is bound, so the node accepts
//!   connections from then on). A restart asks for the same port again and
//!   falls back to a new one if it is taken; re-read [`TestNode::url`] (and
//!   rebuild clients) after a restart if you need to be safe.
//!   [`NodeBuilder::port`] fixes the port instead (a restart then waits for
//!   it): for a node whose address is published before it starts, like a
//!   commonwealth member's endpoint (see [`free_port`] and
//!   `support::commonwealth`, which founds several nodes into one
//!   commonwealth);
//! * TLS with the self-signed certificate the node generates in
//!   `DATA/tls/cert.pem`; [`TestNode::http`] and [`TestNode::client`] trust
//!   exactly that certificate, and speak HTTP/1.1 (see [`trusting`] for why). [`NodeBuilder::insecure_http`] serves plain
//!   HTTP, [`NodeBuilder::operator_tls`] the operator's certificate;
//! * `LIAISON_ADMIN_PASSWORD` set to a fresh password (see
//!   [`TestNode::admin`]); [`NodeBuilder::generated_admin_password`] leaves
//!   it unset and the kit reads the password the node prints on first start;
//! * its standard error and output captured line by line ([`TestNode::logs`],
//!   [`TestNode::all_logs`], [`TestNode::json_logs`],
//!   [`TestNode::wait_for_log`]); `LIAISON_TEST_NODE_ECHO=1` also echoes them
//!   to the test's standard error, prefixed with the node's pid.
//!
//! Lifecycle: [`TestNode::kill9`] (SIGKILL), [`TestNode::terminate`] (SIGTERM
//! and wait), [`TestNode::send_sigterm`] + [`TestNode::wait_exit`] (for
//! requests in flight), [`TestNode::restart`]. Dropping a `TestNode` kills the
//! process (SIGKILL) before its data directory and database go.
//!
//! Administration: [`TestNode::cli`] runs `liaison ARGS` against the node:
//! through its admin API (`--server URL --ca-cert CERT`, as admin) while it
//! runs, on its data directory (`--data DIR [--database URL]`) when stopped;
//! [`TestNode::cli_with`] chooses ([`Via`]) and sets stdin and environment.
//!
//! Everything here is synchronous (processes, threads, pipes), so it works in
//! plain `#[test]`s and inside `#[tokio::test]`s alike; only the clients it
//! hands out are async.

use std::ffi::OsString;
use std::future::Future;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use liaison_taxii::client::{Auth, Client};
use reqwest::Url;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use super::{Run, TempDir};

/// Name of the node's first administrator.
pub const ADMIN_USER: &str = "admin";

/// The API root every node has.
pub const API_ROOT: &str = "default";

/// Alias of the collection every node creates on first start.
pub const DEFAULT_COLLECTION: &str = "shared";

/// Environment variable naming the PostgreSQL server of the tests.
pub const PG_URL_VARIABLE: &str = "LIAISON_TEST_PG_URL";

/// How long a node may take to start listening (debug build, busy CI).
pub const START_TIMEOUT: Duration = Duration::from_secs(120);

/// How long a node may take to exit after SIGTERM.
pub const EXIT_TIMEOUT: Duration = Duration::from_secs(60);

/// Variables of the developer's environment that would change what the
/// binary does; children never inherit them.
const SCRUBBED_ENV: [&str; 6] = [
    "LIAISON_DATABASE",
    "LIAISON_TOKEN",
    "LIAISON_USER",
    "LIAISON_PASSWORD",
    "LIAISON_ADMIN_PASSWORD",
    "RUST_LOG",
];

/// The log line that says the node is bound (and where).
const LISTENING: &str = "Liaison listening on";

/// Where a node keeps its state.
#[derive(Clone, Debug, Default)]
pub enum Database {
    /// `liaison.sqlite` in the data directory (the node's default).
    #[default]
    Sqlite,
    /// A PostgreSQL database, kept alive as long as someone holds it.
    Postgres(Arc<PgDatabase>),
}

impl Database {
    /// The `--database` argument, if any.
    pub fn arg(&self) -> Option<&str> {
        match self {
            Database::Sqlite => None,
            Database::Postgres(db) => Some(db.url()),
        }
    }

    /// A fresh PostgreSQL database of its own.
    pub fn fresh_postgres() -> Database {
        Database::Postgres(PgDatabase::create())
    }
}

/// A uniquely named database on the server of `LIAISON_TEST_PG_URL`,
/// dropped (with `FORCE`, so even with nodes still connected) on drop.
#[derive(Debug)]
pub struct PgDatabase {
    server: String,
    name: String,
    url: String,
}

impl PgDatabase {
    /// Creates the database. Panics, naming the fix, when
    /// `LIAISON_TEST_PG_URL` is unset: PostgreSQL tests never pass silently.
    pub fn create() -> Arc<PgDatabase> {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let server = pg_server();
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!(
            "liaison_e2e_{}_{}_{nanos}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        );
        let sql = format!("CREATE DATABASE {name}");
        let admin_url = server.clone();
        on_fresh_runtime(async move {
            pg_connect(&admin_url)
                .await
                .batch_execute(&sql)
                .await
                .unwrap_or_else(|e| panic!("cannot create a test database: {e}"));
        });
        let url = with_database(&server, &name);
        Arc::new(PgDatabase { server, name, url })
    }

    /// The URL to pass as `--database`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The database's name on the server.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if std::env::var_os("LIAISON_TEST_KEEP").is_some() {
            println!("kept database {}", self.name);
            return;
        }
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        let server = self.server.clone();
        let name = self.name.clone();
        on_fresh_runtime(async move {
            if let Err(e) = pg_connect(&server).await.batch_execute(&sql).await {
                eprintln!("could not drop test database {name}: {e}");
            }
        });
    }
}

/// The PostgreSQL server of the tests.
pub fn pg_server() -> String {
    match std::env::var(PG_URL_VARIABLE) {
        Ok(url) if !url.trim().is_empty() => url,
        _ => panic!(
            "{PG_URL_VARIABLE} is not set: the PostgreSQL tests need a server. Run them through \
             scripts/test, or start a throwaway one with `source scripts/pg.sh; pg_start /tmp/lpg` \
             (it exports {PG_URL_VARIABLE})."
        ),
    }
}

/// `server` with its database replaced by `db`.
fn with_database(server: &str, db: &str) -> String {
    // Query parameters are read after the path, so dbname= wins.
    let separator = if server.contains('?') { '&' } else { '?' };
    format!("{server}{separator}dbname={db}")
}

async fn pg_connect(url: &str) -> tokio_postgres::Client {
    let config: tokio_postgres::Config = url
        .parse()
        .unwrap_or_else(|e| panic!("{PG_URL_VARIABLE} is not a valid connection string: {e}"));
    let (client, connection) = config
        .connect(tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to the server in {PG_URL_VARIABLE}: {e}"));
    tokio::spawn(connection);
    client
}

/// Runs `future` on a runtime of its own in a thread of its own, so that
/// this works both from plain tests and from inside a tokio runtime.
fn on_fresh_runtime<F>(future: F) -> F::Output
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime")
            .block_on(future)
    })
    .join()
    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// How a node serves HTTP.
#[derive(Clone, Debug, Default)]
pub enum Transport {
    /// TLS with the certificate the node generates in `DATA/tls/`.
    #[default]
    SelfSigned,
    /// `--insecure-http`.
    Plain,
    /// `--tls-cert CERT --tls-key KEY`.
    Operator { cert: PathBuf, key: PathBuf },
}

/// Configures a [`TestNode`] before it starts. Every option has a default
/// (see the module documentation); [`NodeBuilder::start`] starts it.
#[derive(Clone, Debug)]
pub struct NodeBuilder {
    data: Option<PathBuf>,
    port: Option<u16>,
    database: Database,
    transport: Transport,
    admin_password: Option<String>,
    text_logs: bool,
    managed: bool,
    args: Vec<OsString>,
    env: Vec<(OsString, OsString)>,
}

impl Default for NodeBuilder {
    fn default() -> Self {
        NodeBuilder {
            data: None,
            port: None,
            database: Database::Sqlite,
            transport: Transport::SelfSigned,
            admin_password: Some(fresh_password()),
            text_logs: false,
            managed: true,
            args: Vec::new(),
            env: Vec::new(),
        }
    }
}

impl NodeBuilder {
    /// Uses `dir` as the data directory (it is not removed afterwards);
    /// without this the node gets a fresh one of its own.
    pub fn data_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.data = Some(dir.into());
        self
    }

    /// Listens on this port of 127.0.0.1, at start and at every restart
    /// (a restart waits for the port to be free rather than taking
    /// another): for nodes whose address is published before they start,
    /// like a member's endpoint in its card. See [`free_port`].
    pub fn port(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }

    /// A fresh PostgreSQL database of the node's own.
    pub fn postgres(self) -> Self {
        self.database(Database::fresh_postgres())
    }

    /// The given database (e.g. one [`PgDatabase`] shared by several nodes).
    pub fn database(mut self, database: Database) -> Self {
        self.database = database;
        self
    }

    /// Plain HTTP (`--insecure-http`).
    pub fn insecure_http(mut self) -> Self {
        self.transport = Transport::Plain;
        self
    }

    /// The operator's certificate chain and key (`--tls-cert/--tls-key`).
    pub fn operator_tls(mut self, cert: impl Into<PathBuf>, key: impl Into<PathBuf>) -> Self {
        self.transport = Transport::Operator {
            cert: cert.into(),
            key: key.into(),
        };
        self
    }

    /// Sets `LIAISON_ADMIN_PASSWORD` to `password` (the default is a fresh
    /// random one).
    pub fn admin_password(mut self, password: impl Into<String>) -> Self {
        self.admin_password = Some(password.into());
        self
    }

    /// Leaves `LIAISON_ADMIN_PASSWORD` unset: on first start the node
    /// generates the password and prints it, and the kit reads it from there.
    pub fn generated_admin_password(mut self) -> Self {
        self.admin_password = None;
        self
    }

    /// `--log-format text` instead of `json`.
    pub fn text_logs(mut self) -> Self {
        self.text_logs = true;
        self
    }

    /// Passes only `serve` and the [`arg`](Self::arg)s: no `--data`,
    /// `--database`, `--listen`, `--log-format` or TLS flags. For tests of
    /// `--config`: the file must then give what the kit would have, and the
    /// kit's data directory and database must be the ones it names (for
    /// [`TestNode::cli`] on a stopped node). The listening log line must
    /// still be logged (log level `info`, or `warn` with plain HTTP).
    pub fn config_only(mut self) -> Self {
        self.managed = false;
        self
    }

    /// An extra argument to `liaison serve` (after the kit's own).
    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Extra arguments to `liaison serve`.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// An environment variable for the node.
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Starts the node and waits until it listens; panics with its output
    /// if it does not.
    pub fn start(self) -> TestNode {
        match self.try_start() {
            Ok(node) => node,
            Err(failed) => panic!("{failed}"),
        }
    }

    /// Starts the node and waits until it listens, or returns how it failed
    /// (for tests of bad configurations).
    pub fn try_start(self) -> Result<TestNode, StartFailure> {
        let (temp, data) = match &self.data {
            Some(dir) => (None, dir.clone()),
            None => {
                let temp = TempDir::new("node");
                let data = temp.path().join("data");
                (Some(temp), data)
            }
        };
        let mut node = TestNode {
            child: None,
            builder: self,
            data,
            _temp: temp,
            addr: None,
            tls: false,
            cert: None,
            logged_fingerprint: None,
            admin_password: None,
            capture: Arc::new(Capture::default()),
            history: Vec::new(),
        };
        node.admin_password = node.builder.admin_password.clone();
        match node.builder.port {
            Some(port) => node.launch_on(port)?,
            None => node.launch(None)?,
        }
        Ok(node)
    }
}

/// A node that did not come up: its exit status and everything it printed.
#[derive(Debug)]
pub struct StartFailure {
    /// `None` if it was still running (and was killed) at the deadline.
    pub status: Option<ExitStatus>,
    pub output: String,
}

impl std::fmt::Display for StartFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.status {
            Some(status) => write!(f, "liaison serve exited ({status}) before listening")?,
            None => write!(
                f,
                "liaison serve did not log {LISTENING:?} within {START_TIMEOUT:?}"
            )?,
        }
        write!(f, "; its output:\n{}", self.output)
    }
}

/// Where [`TestNode::cli_with`] runs an administration command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// On the data directory and database (`--data`, `--database`).
    Local,
    /// Through the running node's admin API (`--server`, `--ca-cert`), as
    /// admin unless the environment given says otherwise.
    Remote,
}

/// A running (or stopped) `liaison serve`.
pub struct TestNode {
    child: Option<Child>,
    builder: NodeBuilder,
    data: PathBuf,
    _temp: Option<TempDir>,
    addr: Option<SocketAddr>,
    tls: bool,
    cert: Option<PathBuf>,
    logged_fingerprint: Option<String>,
    admin_password: Option<String>,
    capture: Arc<Capture>,
    history: Vec<String>,
}

impl TestNode {
    /// A node with every default: SQLite, TLS, fresh data directory.
    pub fn start() -> TestNode {
        NodeBuilder::default().start()
    }

    /// Configures a node.
    pub fn builder() -> NodeBuilder {
        NodeBuilder::default()
    }

    /// A node on the same database as `self` (which must be PostgreSQL) but
    /// with a data directory of its own: scale-out.
    pub fn sibling(&self) -> TestNode {
        assert!(
            matches!(self.builder.database, Database::Postgres(_)),
            "siblings share a PostgreSQL database; this node has SQLite"
        );
        TestNode::builder()
            .database(self.builder.database.clone())
            .admin_password(self.admin_password().to_owned())
            .start()
    }

    // ----- where it is ------------------------------------------------------

    /// Base URL without a trailing slash, e.g. `https://127.0.0.1:40123`.
    pub fn url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.addr())
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr.expect("the node has listened once")
    }

    /// `…/taxii2/`.
    pub fn discovery_url(&self) -> String {
        format!("{}/taxii2/", self.url())
    }

    /// `…/default/`, the API root every node has.
    pub fn api_root_url(&self) -> Url {
        Url::parse(&format!("{}/{API_ROOT}/", self.url())).expect("a valid URL")
    }

    /// `…/default/collections/{collection}/{rest}` (`collection` is an id or alias).
    pub fn collection_url(&self, collection: &str, rest: &str) -> String {
        format!("{}/{API_ROOT}/collections/{collection}/{rest}", self.url())
    }

    /// True when the node serves HTTPS.
    pub fn is_tls(&self) -> bool {
        self.tls
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data
    }

    /// The database.
    pub fn database(&self) -> &Database {
        &self.builder.database
    }

    /// The certificate the node serves (PEM), if TLS.
    pub fn cert_path(&self) -> Option<&Path> {
        self.cert.as_deref()
    }

    /// SHA-256 (lowercase hex) of the served certificate, computed from the
    /// file; the node logs the same value at start ([`Self::logged_fingerprint`]).
    pub fn fingerprint(&self) -> Option<String> {
        self.cert
            .as_deref()
            .map(|path| liaison_core::users::hex_sha256(first_cert(path).as_ref()))
    }

    /// The fingerprint the node logged when it started listening.
    pub fn logged_fingerprint(&self) -> Option<&str> {
        self.logged_fingerprint.as_deref()
    }

    /// The process id, while running.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// True while the process has not exited.
    pub fn is_running(&mut self) -> bool {
        match &mut self.child {
            Some(child) => child.try_wait().expect("poll the node").is_none(),
            None => false,
        }
    }

    // ----- credentials and clients -----------------------------------------

    /// `(user, password)` of the first administrator.
    pub fn admin(&self) -> (&str, &str) {
        (ADMIN_USER, self.admin_password())
    }

    /// The first administrator's password.
    pub fn admin_password(&self) -> &str {
        self.admin_password.as_deref().expect(
            "the admin password is unknown: the node started on existing data without \
             LIAISON_ADMIN_PASSWORD set by this kit",
        )
    }

    /// A rustls client configuration trusting exactly the certificates of
    /// the file the node serves (each made a trust anchor: the self-signed
    /// certificate, or every certificate of an operator's chain; names are
    /// still checked, and the node's certificate is for 127.0.0.1). Panics
    /// on a plain node.
    pub fn tls_config(&self) -> rustls::ClientConfig {
        let cert = self
            .cert
            .as_deref()
            .expect("the node serves plain HTTP: no certificate to trust");
        let mut roots = rustls::RootCertStore::empty();
        for der in CertificateDer::pem_file_iter(cert).expect("read the certificate") {
            roots
                .add(der.expect("PEM certificate"))
                .expect("the certificate can be a trust anchor");
        }
        client_config(roots)
    }

    /// An HTTP client for the node (trusting its certificate), without
    /// credentials: add them per request.
    pub fn http(&self) -> reqwest::Client {
        let tls = if self.tls {
            self.tls_config()
        } else {
            trusting_nothing()
        };
        reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .timeout(Duration::from_secs(120))
            .build()
            .expect("an HTTP client")
    }

    /// A TAXII client logged in as the first administrator (HTTP Basic).
    pub fn client(&self) -> Client {
        let (user, password) = self.admin();
        self.client_as(Auth::Basic {
            user: user.to_owned(),
            password: password.to_owned(),
        })
    }

    /// A TAXII client with the given credentials.
    pub fn client_as(&self, auth: Auth) -> Client {
        let mut builder = Client::builder(self.discovery_url())
            .auth(auth)
            .timeout(Duration::from_secs(120));
        builder = if self.tls {
            builder.tls_config(self.tls_config())
        } else {
            builder
                .allow_plain_http(true)
                .tls_config(trusting_nothing())
        };
        builder.build().expect("a TAXII client")
    }

    /// A TAXII client using a bearer token.
    pub fn client_with_token(&self, token: &str) -> Client {
        self.client_as(Auth::Bearer(token.to_owned()))
    }

    // ----- administration commands ------------------------------------------

    /// `liaison ARGS`: through the admin API while the node runs, on its data
    /// directory when it is stopped.
    pub fn cli(&mut self, args: &[&str]) -> Run {
        let via = self.default_via();
        self.cli_with(via, args, None, &[])
    }

    /// [`Self::cli`] with `stdin` (e.g. a password followed by a newline).
    pub fn cli_stdin(&mut self, args: &[&str], stdin: &str) -> Run {
        let via = self.default_via();
        self.cli_with(via, args, Some(stdin), &[])
    }

    /// [`Self::cli`], panicking with the output unless it exits 0; returns stdout.
    pub fn cli_ok(&mut self, args: &[&str]) -> String {
        let run = self.cli(args);
        assert_eq!(run.code, 0, "liaison {args:?} failed: {run:#?}");
        run.stdout
    }

    /// `liaison ARGS` via `via`, with `stdin`, and `env` added to (and
    /// overriding) the kit's: for [`Via::Remote`] the kit sets
    /// `LIAISON_USER`/`LIAISON_PASSWORD` to the admin's; pass
    /// `("LIAISON_TOKEN", token)` to use a token instead (it takes precedence),
    /// or other credentials.
    pub fn cli_with(
        &self,
        via: Via,
        args: &[&str],
        stdin: Option<&str>,
        env: &[(&str, &str)],
    ) -> Run {
        let mut command = Command::new(env!("CARGO_BIN_EXE_liaison"));
        command.args(args);
        for key in SCRUBBED_ENV {
            command.env_remove(key);
        }
        match via {
            Via::Local => {
                command.arg("--data").arg(&self.data);
                if let Some(db) = self.builder.database.arg() {
                    command.args(["--database", db]);
                }
            }
            Via::Remote => {
                command.args(["--server", &self.url()]);
                if let Some(cert) = &self.cert {
                    command.arg("--ca-cert").arg(cert);
                }
                if let Some(password) = &self.admin_password {
                    command.env("LIAISON_USER", ADMIN_USER);
                    command.env("LIAISON_PASSWORD", password);
                }
            }
        }
        for (key, value) in env {
            command.env(key, value);
        }
        run_to_end(command, stdin.unwrap_or_default().as_bytes())
    }

    fn default_via(&mut self) -> Via {
        if self.is_running() {
            Via::Remote
        } else {
            Via::Local
        }
    }

    // ----- output -------------------------------------------------------------

    /// Lines the current (or last) process wrote to stderr and stdout, in
    /// arrival order (the two streams interleave as read).
    pub fn logs(&self) -> Vec<String> {
        self.capture.lines()
    }

    /// Lines of every process this node has run, oldest first.
    pub fn all_logs(&self) -> Vec<String> {
        let mut all = self.history.clone();
        all.extend(self.logs());
        all
    }

    /// The current process's lines that are JSON objects (with
    /// `--log-format json`, every log line).
    pub fn json_logs(&self) -> Vec<serde_json::Value> {
        self.logs()
            .iter()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(serde_json::Value::is_object)
            .collect()
    }

    /// Waits until the current process has written a line for which `found`
    /// holds, and returns it; panics (with the output) after `timeout` or
    /// when the process ends without one.
    pub fn wait_for_log(&self, found: impl Fn(&str) -> bool, timeout: Duration) -> String {
        match self.capture.wait_for(0, &found, Instant::now() + timeout) {
            Waited::Found(_, line) => line,
            other => panic!(
                "no such log line ({other:?}); the node wrote:\n{}",
                self.logs().join("\n")
            ),
        }
    }

    // ----- lifecycle ------------------------------------------------------------

    /// SIGKILL, then reap. Nothing of the process survives; the data stays.
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
            self.capture
                .wait_closed(Instant::now() + Duration::from_secs(10));
        }
    }

    /// Sends SIGTERM without waiting (e.g. while a request is in flight).
    pub fn send_sigterm(&self) {
        let pid = self.pid().expect("the node is running");
        let status = Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .expect("run kill(1)");
        assert!(status.success(), "kill -TERM {pid} failed");
    }

    /// Waits for the process to exit; panics after `timeout`.
    pub fn wait_exit(&mut self, timeout: Duration) -> ExitStatus {
        let child = self.child.as_mut().expect("the node is running");
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = child.try_wait().expect("poll the node") {
                self.child = None;
                self.capture
                    .wait_closed(Instant::now() + Duration::from_secs(10));
                return status;
            }
            if Instant::now() >= deadline {
                panic!(
                    "the node did not exit within {timeout:?}; it wrote:\n{}",
                    self.logs().join("\n")
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// SIGTERM, then waits for the exit (at most [`EXIT_TIMEOUT`]).
    pub fn terminate(&mut self) -> ExitStatus {
        self.send_sigterm();
        self.wait_exit(EXIT_TIMEOUT)
    }

    /// Starts the node again on the same data directory and database, asking
    /// for the same port (a new one if it is taken, unless the port was
    /// fixed with [`NodeBuilder::port`]: then it waits up to
    /// [`START_TIMEOUT`] for the port to be free). A running node is
    /// terminated first (SIGTERM). Clients made before keep working when
    /// the port is the same, which it is unless something else took it.
    pub fn restart(&mut self) {
        if self.is_running() {
            let status = self.terminate();
            assert!(status.success(), "the node exited with {status} on SIGTERM");
        }
        self.child = None;
        if let Some(port) = self.builder.port {
            if let Err(e) = self.launch_on(port) {
                panic!("{e}");
            }
            return;
        }
        let port = self.addr.map(|a| a.port());
        if let Err(first) = self.launch(port) {
            let taken = first.output.contains("cannot listen");
            if !(taken && port.is_some()) {
                panic!("{first}");
            }
            if let Err(second) = self.launch(None) {
                panic!("{second}");
            }
        }
    }

    /// [`Self::launch`] on a fixed port, waiting up to [`START_TIMEOUT`]
    /// for it to be free (another process, or an outgoing connection that
    /// drew it as its local port, may hold it for a moment).
    fn launch_on(&mut self, port: u16) -> Result<(), StartFailure> {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            match self.launch(Some(port)) {
                Err(e) if e.output.contains("cannot listen") && Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(200));
                }
                done => return done,
            }
        }
    }

    /// Spawns `liaison serve` and waits for its listening line.
    fn launch(&mut self, port: Option<u16>) -> Result<(), StartFailure> {
        let builder = &self.builder;
        let mut command = Command::new(env!("CARGO_BIN_EXE_liaison"));
        command.arg("serve");
        if builder.managed {
            command.arg("--data").arg(&self.data);
            if let Some(db) = builder.database.arg() {
                command.args(["--database", db]);
            }
            command.args(["--listen", &format!("127.0.0.1:{}", port.unwrap_or(0))]);
            command.args([
                "--log-format",
                if builder.text_logs { "text" } else { "json" },
            ]);
            match &builder.transport {
                Transport::SelfSigned => {}
                Transport::Plain => {
                    command.arg("--insecure-http");
                }
                Transport::Operator { cert, key } => {
                    command.arg("--tls-cert").arg(cert);
                    command.arg("--tls-key").arg(key);
                }
            }
        }
        command.args(&builder.args);
        for key in SCRUBBED_ENV {
            command.env_remove(key);
        }
        command.env("NO_COLOR", "1");
        if let Some(password) = &builder.admin_password {
            command.env("LIAISON_ADMIN_PASSWORD", password);
        }
        for (key, value) in &builder.env {
            command.env(key, value);
        }
        // Keep the working directory out of the way of relative defaults.
        if let Some(parent) = self.data.parent() {
            command.current_dir(parent);
        }
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());

        // The previous process's lines move to the history.
        self.history.extend(self.capture.lines());
        let capture = Arc::new(Capture::default());
        let mut child = command.spawn().expect("start liaison serve");
        let echo = std::env::var_os("LIAISON_TEST_NODE_ECHO").map(|_| child.id());
        spawn_reader(child.stderr.take().expect("piped"), capture.clone(), echo);
        spawn_reader(child.stdout.take().expect("piped"), capture.clone(), echo);
        self.capture = capture.clone();

        let deadline = Instant::now() + START_TIMEOUT;
        let line = match capture.wait_for(0, &|l: &str| l.contains(LISTENING), deadline) {
            Waited::Found(_, line) => line,
            Waited::Closed => {
                // The pipes closed: the process has exited (or is exiting).
                let status = child.wait().ok();
                return Err(StartFailure {
                    status,
                    output: capture.lines().join("\n"),
                });
            }
            Waited::TimedOut => {
                let _ = child.kill();
                let _ = child.wait();
                capture.wait_closed(Instant::now() + Duration::from_secs(10));
                return Err(StartFailure {
                    status: None,
                    output: capture.lines().join("\n"),
                });
            }
        };
        let listening = Listening::parse(&line)
            .unwrap_or_else(|| panic!("cannot read the address from the log line {line:?}"));
        self.addr = Some(listening.addr);
        self.tls = listening.tls;
        self.cert = listening.cert;
        self.logged_fingerprint = listening.fingerprint;
        self.child = Some(child);
        if self.admin_password.is_none() {
            self.admin_password = generated_password(&capture.lines());
        }
        Ok(())
    }
}

impl Drop for TestNode {
    fn drop(&mut self) {
        self.kill9();
        if std::thread::panicking() && std::env::var_os("LIAISON_TEST_NODE_ECHO").is_none() {
            let logs = self.all_logs();
            let tail = &logs[logs.len().saturating_sub(40)..];
            eprintln!(
                "--- last lines of the node at {} ---\n{}",
                self.data.display(),
                tail.join("\n")
            );
        }
    }
}

/// What the listening line says.
struct Listening {
    addr: SocketAddr,
    tls: bool,
    cert: Option<PathBuf>,
    fingerprint: Option<String>,
}

impl Listening {
    /// Reads a JSON or a text log line.
    fn parse(line: &str) -> Option<Listening> {
        if let Ok(json) = serde_json::from_str::<serde_json::Value>(line) {
            let field = |name: &str| json.get(name).and_then(|v| v.as_str()).map(str::to_owned);
            let message = field("message")?;
            return Some(Listening {
                addr: field("address")?.parse().ok()?,
                tls: message.contains("https://"),
                cert: field("certificate").map(PathBuf::from),
                fingerprint: field("fingerprint"),
            });
        }
        let field = |name: &str| {
            let start = line.find(&format!("{name}="))? + name.len() + 1;
            let value = line[start..].split_whitespace().next()?;
            Some(value.trim_matches('"').to_owned())
        };
        Some(Listening {
            addr: field("address")?.parse().ok()?,
            tls: line.contains("https://"),
            cert: field("certificate").map(PathBuf::from),
            fingerprint: field("fingerprint"),
        })
    }
}

/// The password the node printed on first start, if it did.
fn generated_password(lines: &[String]) -> Option<String> {
    let at = lines.iter().position(|l| l.contains("with the password"))?;
    lines[at + 1..]
        .iter()
        .map(|l| l.trim())
        .find(|l| !l.is_empty())
        .map(str::to_owned)
}

/// A port of 127.0.0.1 that was free a moment ago (the system picks it;
/// another process could take it before the node binds it, which the
/// system makes unlikely by handing out ports in turn).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind a free port")
        .port()
}

/// A password for `LIAISON_ADMIN_PASSWORD`, different per node.
pub fn fresh_password() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "kit-admin-{}-{}-{nanos:x}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// The first certificate of a PEM file.
pub fn first_cert(path: &Path) -> CertificateDer<'static> {
    CertificateDer::pem_file_iter(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
        .next()
        .unwrap_or_else(|| panic!("no certificate in {}", path.display()))
        .unwrap_or_else(|e| panic!("bad PEM in {}: {e}", path.display()))
}

/// A client configuration whose only trust anchor is `cert`.
///
/// Every client configuration of the kit offers HTTP/1.1 only (ALPN): on
/// SIGTERM the node closes idle HTTP/1.1 connections at once, whereas an
/// idle HTTP/2 connection closes only after the client answers the server's
/// GOAWAY ping, which it cannot do while the test blocks its own runtime in
/// [`TestNode::terminate`]; the node would then wait out its whole grace
/// period (30 s) and exit 1. Set `alpn_protocols` yourself to test h2, and
/// drop such clients (and let the runtime run) before terminating.
pub fn trusting(cert: &CertificateDer<'_>) -> rustls::ClientConfig {
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(cert.clone().into_owned())
        .expect("the certificate can be a trust anchor");
    client_config(roots)
}

/// A client configuration trusting no one (for plain-HTTP clients, which
/// still need a TLS configuration to be built).
pub fn trusting_nothing() -> rustls::ClientConfig {
    client_config(rustls::RootCertStore::empty())
}

fn client_config(roots: rustls::RootCertStore) -> rustls::ClientConfig {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    // HTTP/1.1 only: see `trusting`.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    config
}

/// Runs a prepared command to its end, feeding `stdin`.
fn run_to_end(mut command: Command, stdin: &[u8]) -> Run {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start liaison");
    let mut input = child.stdin.take().expect("stdin is piped");
    let bytes = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&bytes);
    });
    let output = child.wait_with_output().expect("wait for liaison");
    let _ = writer.join();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

// ----- output capture -------------------------------------------------------

/// Lines read from a process's pipes, with a way to wait for one.
#[derive(Default)]
struct Capture {
    state: Mutex<CaptureState>,
    changed: Condvar,
}

#[derive(Default)]
struct CaptureState {
    lines: Vec<String>,
    closed_streams: u8,
}

#[derive(Debug)]
enum Waited {
    Found(usize, String),
    Closed,
    TimedOut,
}

impl Capture {
    fn lines(&self) -> Vec<String> {
        self.state.lock().expect("capture lock").lines.clone()
    }

    fn closed(&self) -> bool {
        self.state.lock().expect("capture lock").closed_streams >= 2
    }

    fn push(&self, line: String) {
        self.state.lock().expect("capture lock").lines.push(line);
        self.changed.notify_all();
    }

    fn close(&self) {
        self.state.lock().expect("capture lock").closed_streams += 1;
        self.changed.notify_all();
    }

    /// The first line from index `from` on for which `found` holds.
    fn wait_for(&self, from: usize, found: &dyn Fn(&str) -> bool, deadline: Instant) -> Waited {
        let mut state = self.state.lock().expect("capture lock");
        let mut next = from;
        loop {
            while next < state.lines.len() {
                if found(&state.lines[next]) {
                    return Waited::Found(next, state.lines[next].clone());
                }
                next += 1;
            }
            if state.closed_streams >= 2 {
                return Waited::Closed;
            }
            let now = Instant::now();
            if now >= deadline {
                return Waited::TimedOut;
            }
            state = self
                .changed
                .wait_timeout(state, deadline - now)
                .expect("capture lock")
                .0;
        }
    }

    /// Waits until both pipes are at their end (all output is in).
    fn wait_closed(&self, deadline: Instant) {
        let mut state = self.state.lock().expect("capture lock");
        while state.closed_streams < 2 {
            let now = Instant::now();
            if now >= deadline {
                return;
            }
            state = self
                .changed
                .wait_timeout(state, deadline - now)
                .expect("capture lock")
                .0;
        }
    }
}

fn spawn_reader(stream: impl Read + Send + 'static, capture: Arc<Capture>, echo: Option<u32>) {
    std::thread::spawn(move || {
        let mut reader = BufReader::new(stream);
        let mut buffer = Vec::new();
        loop {
            buffer.clear();
            match reader.read_until(b'\n', &mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let line = String::from_utf8_lossy(&buffer);
                    let line = strip_ansi(line.trim_end_matches(['\n', '\r']));
                    if let Some(pid) = echo {
                        eprintln!("[node {pid}] {line}");
                    }
                    capture.push(line);
                }
            }
        }
        capture.close();
    });
}

/// Removes terminal colour sequences (`ESC [ ... letter`).
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

// ----- STIX fixtures ----------------------------------------------------------

/// A valid STIX 2.1 indicator with a deterministic id derived from `n`
/// (distinct `n`, distinct objects) and a fixed `created`/`modified`.
pub fn indicator(n: u64) -> String {
    let id = format!(
        "indicator--{:08x}-0000-4000-8000-{:012x}",
        n >> 48,
        n & 0xffff_ffff_ffff
    );
    format!(
        r#"{{"type":"indicator","spec_version":"2.1","id":"{id}","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","name":"e2e indicator {n}","pattern":"[ipv4-addr:value = '10.{}.{}.{}']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z"}}"#,
        (n >> 16) & 0xff,
        (n >> 8) & 0xff,
        n & 0xff
    )
}

/// The id [`indicator`] gives object `n`.
pub fn indicator_id(n: u64) -> String {
    format!(
        "indicator--{:08x}-0000-4000-8000-{:012x}",
        n >> 48,
        n & 0xffff_ffff_ffff
    )
}

/// A TAXII envelope (`{"objects":[...]}`) of the given JSON object texts.
pub fn envelope<S: AsRef<str>>(objects: &[S]) -> String {
    let body: Vec<&str> = objects.iter().map(AsRef::as_ref).collect();
    format!("{{\"objects\":[{}]}}", body.join(","))
}

/// The TAXII 2.1 media type.
pub const TAXII: &str = "application/taxii+json;version=2.1";
