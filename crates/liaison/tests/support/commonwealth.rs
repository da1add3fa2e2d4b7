//! `Commonwealth`: several real `liaison serve` processes founded into one
//! commonwealth exactly as operators found one, through the binary:
//!
//! 1. `liaison member init --name NAME --endpoint https://127.0.0.1:PORT`
//!    per node (a port picked free beforehand: the endpoint is in the card,
//!    so the node must listen there, at every restart too);
//! 2. `liaison member card` per node, `liaison agreement draft` from the
//!    cards, `liaison agreement sign` by every node, `liaison agreement
//!    adopt` on every node (which also does the first start's set-up, with
//!    the kit's admin password);
//! 3. `liaison serve` per node ([`TestNode`], TLS with the certificate
//!    `member init` made), all started at once.
//!
//! ```ignore
//! mod support;
//! use support::commonwealth::Commonwealth;
//!
//! let cw = Commonwealth::found(&["cert-a", "cert-b", "cert-c"]);
//! let a = cw.node("cert-a");                         // a TestNode
//! cw.share("cert-a", &[indicator(1)], "all");       // `liaison share` via A's admin API
//! cw.wait_until("B has it", || cw.inbound_ids("cert-b", "cert-a").len() == 1);
//! let status = cw.status("cert-a", &indicator_id(1)); // `liaison status --json`
//! let store = cw.store("cert-b");                    // B's store, opened beside the node
//! cw.block_on(store.provenance_of(&indicator_id(1)));
//! ```
//!
//! Everything is synchronous: helpers that need async code run it on the
//! fixture's own runtime ([`Commonwealth::block_on`]), so tests are plain
//! `#[test]`s (never `#[tokio::test]`: a runtime cannot block inside one).
//! The nodes are killed, then their data removed, when the fixture drops
//! (`LIAISON_TEST_KEEP=1` keeps the data).

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use liaison_core::Store;
use liaison_core::clock::{Clock, SystemClock};
use liaison_core::exchange::CommonwealthRecord;
use liaison_core::exchange_ops::{CARD_FILE, NodeIdentity, SIGNING_KEY_FILE};
use liaison_core::federation::{Agreement, EndpointPolicy, MemberCard, SigningKey};
use liaison_server::federation::tls::NodeCertificate;
use liaison_taxii::client::Filter;
use liaison_taxii::resources::ManifestRecord;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use serde_json::Value;

use super::node::{NodeBuilder, TestNode, Via, free_port, fresh_password};
use super::{Run, TempDir};

/// The API root of the exchange collections.
pub const EXCHANGE_ROOT: &str = "default";

/// How long [`Commonwealth::wait_until`] waits by default: deliveries on
/// a busy 2-core machine in a debug build, with retries after a restart.
pub const DELIVERY_TIMEOUT: Duration = Duration::from_secs(90);

/// Variables of the developer's environment that would change what the
/// binary does (as in the node kit).
const SCRUBBED_ENV: [&str; 6] = [
    "LIAISON_DATABASE",
    "LIAISON_TOKEN",
    "LIAISON_USER",
    "LIAISON_PASSWORD",
    "LIAISON_ADMIN_PASSWORD",
    "RUST_LOG",
];

/// Nodes founded into one commonwealth, running.
pub struct Commonwealth {
    // Declared first: dropped (killed) before the directory goes.
    nodes: Vec<TestNode>,
    names: Vec<String>,
    id: String,
    agreement: PathBuf,
    runtime: tokio::runtime::Runtime,
    dir: TempDir,
}

impl Commonwealth {
    /// Founds a commonwealth of `names` (at least two) and starts every
    /// node with the kit's defaults.
    pub fn found(names: &[&str]) -> Commonwealth {
        Commonwealth::found_with(names, |_, builder| builder)
    }

    /// [`Commonwealth::found`], with each node's [`NodeBuilder`] adjusted
    /// by `configure(name, builder)` before it starts (extra `serve`
    /// arguments, environment).
    pub fn found_with(
        names: &[&str],
        configure: impl Fn(&str, NodeBuilder) -> NodeBuilder,
    ) -> Commonwealth {
        Commonwealth::found_in_order(names, configure, false)
    }

    /// [`Commonwealth::found`], but every node is started before the
    /// agreement is adopted on its data directory, and joins while it
    /// runs; returns once every node logged that it joined.
    pub fn found_while_running(names: &[&str]) -> Commonwealth {
        let cw = Commonwealth::found_in_order(names, |_, builder| builder, true);
        for name in cw.names() {
            cw.wait_until(&format!("{name} joins while running"), || {
                !cw.log_events(name, "agreement adopted while running")
                    .is_empty()
            });
        }
        cw
    }

    fn found_in_order(
        names: &[&str],
        configure: impl Fn(&str, NodeBuilder) -> NodeBuilder,
        adopt_while_running: bool,
    ) -> Commonwealth {
        assert!(names.len() >= 2, "a commonwealth has at least two members");
        let dir = TempDir::new("commonwealth");
        let agreement = dir.path().join("agreement.json");
        let mut founders = Vec::new();
        let mut draft: Vec<String> = vec![
            "agreement".into(),
            "draft".into(),
            "--title".into(),
            "Test commonwealth".into(),
        ];
        for &name in names {
            let data = dir.path().join(name);
            let port = free_port();
            let endpoint = format!("https://127.0.0.1:{port}");
            run_ok(
                dir.path(),
                &[
                    "member",
                    "init",
                    "--name",
                    name,
                    "--endpoint",
                    &endpoint,
                    "--data",
                    &path_arg(&data),
                ],
                &[],
            );
            let card = run_ok(
                dir.path(),
                &["member", "card", "--data", &path_arg(&data)],
                &[],
            );
            let card_path = dir.write(&format!("cards/{name}.json"), card);
            draft.extend(["--card".into(), path_arg(&card_path)]);
            founders.push((name.to_owned(), data, port, fresh_password()));
        }
        draft.extend(["--out".into(), path_arg(&agreement)]);
        let draft: Vec<&str> = draft.iter().map(String::as_str).collect();
        run_ok(dir.path(), &draft, &[]);
        for (_, data, _, _) in &founders {
            run_ok(
                dir.path(),
                &[
                    "agreement",
                    "sign",
                    &path_arg(&agreement),
                    "--data",
                    &path_arg(data),
                ],
                &[],
            );
        }
        let adopt_all = || {
            for (_, data, _, password) in &founders {
                run_ok(
                    dir.path(),
                    &[
                        "agreement",
                        "adopt",
                        &path_arg(&agreement),
                        "--data",
                        &path_arg(data),
                    ],
                    &[("LIAISON_ADMIN_PASSWORD", password)],
                );
            }
        };
        if !adopt_while_running {
            adopt_all();
        }
        let text = std::fs::read_to_string(&agreement).expect("read the agreement");
        let id = Agreement::from_json(&text)
            .and_then(|a| a.verify(EndpointPolicy::HttpsOnly))
            .expect("the adopted agreement is in force")
            .to_string();
        let builders: Vec<NodeBuilder> = founders
            .iter()
            .map(|(name, data, port, password)| {
                configure(
                    name,
                    TestNode::builder()
                        .data_dir(data)
                        .port(*port)
                        .admin_password(password.clone()),
                )
            })
            .collect();
        // Start them all at once: each waits for its own listening line.
        let nodes = std::thread::scope(|scope| {
            let handles: Vec<_> = builders
                .into_iter()
                .map(|b| scope.spawn(move || b.start()))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect()
        });
        if adopt_while_running {
            adopt_all();
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime");
        Commonwealth {
            nodes,
            names: founders.into_iter().map(|f| f.0).collect(),
            id,
            agreement,
            runtime,
            dir,
        }
    }

    // ----- who is who ----------------------------------------------------

    /// The commonwealth id (hex SHA-256 of the agreement without signatures).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The signed agreement every node adopted.
    pub fn agreement_path(&self) -> &Path {
        &self.agreement
    }

    /// A folder for the test's own files, removed with the fixture.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The members' names, in founding order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    fn index(&self, name: &str) -> usize {
        self.names
            .iter()
            .position(|n| n == name)
            .unwrap_or_else(|| panic!("no member {name} in this commonwealth"))
    }

    /// The node of member `name`.
    pub fn node(&self, name: &str) -> &TestNode {
        &self.nodes[self.index(name)]
    }

    /// The node of member `name`, to stop, kill or restart it.
    pub fn node_mut(&mut self, name: &str) -> &mut TestNode {
        let i = self.index(name);
        &mut self.nodes[i]
    }

    /// The member card `name` published.
    pub fn card(&self, name: &str) -> MemberCard {
        let path = self.node(name).data_dir().join(CARD_FILE);
        let text = std::fs::read_to_string(&path).expect("read the card");
        MemberCard::from_json(&text, EndpointPolicy::HttpsOnly).expect("a valid card")
    }

    /// The signing key of `name` (the test plays that member).
    pub fn signing_key(&self, name: &str) -> SigningKey {
        let path = self.node(name).data_dir().join(SIGNING_KEY_FILE);
        let text = std::fs::read_to_string(&path).expect("read the key");
        SigningKey::from_seed_hex(&text).expect("a valid key")
    }

    /// The identity of `name` as its node loads it: to sign records and
    /// requests in its name.
    pub fn identity(&self, name: &str) -> NodeIdentity {
        let data = self.node(name).data_dir();
        let read = |f: &str| std::fs::read_to_string(data.join(f)).expect("read member file");
        let record = CommonwealthRecord {
            id: self.id.clone(),
            agreement_json: std::fs::read_to_string(&self.agreement).expect("read agreement"),
            self_name: name.to_owned(),
            adopted_at: 0,
        };
        NodeIdentity::from_files(
            &read(SIGNING_KEY_FILE),
            &read(CARD_FILE),
            &record,
            EndpointPolicy::HttpsOnly,
        )
        .expect("the node's identity")
    }

    /// The TLS certificate and key `name` serves and presents to peers.
    pub fn certificate(&self, name: &str) -> NodeCertificate {
        let tls = self.node(name).data_dir().join("tls");
        let chain: Vec<CertificateDer<'static>> =
            CertificateDer::pem_file_iter(tls.join("cert.pem"))
                .expect("read cert.pem")
                .collect::<Result<_, _>>()
                .expect("PEM certificates");
        let key = PrivateKeyDer::from_pem_file(tls.join("key.pem")).expect("read key.pem");
        NodeCertificate { chain, key }
    }

    /// An HTTP client that talks to `to` as member `from` does: pinned to
    /// `to`'s certificate, presenting `from`'s (mutual TLS).
    pub fn peer_client(&self, from: &str, to: &str) -> reqwest::Client {
        self.client_presenting(&self.certificate(from), to)
    }

    /// An HTTP client pinned to `to`'s certificate, presenting `own`.
    pub fn client_presenting(&self, own: &NodeCertificate, to: &str) -> reqwest::Client {
        let mut tls =
            liaison_server::federation::tls::client_config(&self.card(to).tls_fingerprint, own)
                .expect("a client TLS configuration");
        // HTTP/1.1 only, as every client of the kit (see node::trusting).
        tls.alpn_protocols = vec![b"http/1.1".to_vec()];
        reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .timeout(Duration::from_secs(60))
            .build()
            .expect("an HTTP client")
    }

    // ----- the exchange, through the binary -------------------------------

    /// `liaison ARGS` against `name`'s running node, through its admin API,
    /// as its administrator.
    pub fn cli(&self, name: &str, args: &[&str]) -> Run {
        self.node(name).cli_with(Via::Remote, args, None, &[])
    }

    /// [`Commonwealth::cli`], panicking with the output unless it exits 0;
    /// returns stdout.
    pub fn cli_ok(&self, name: &str, args: &[&str]) -> String {
        let run = self.cli(name, args);
        assert_eq!(run.code, 0, "liaison {args:?} at {name} failed: {run:#?}");
        run.stdout
    }

    /// `liaison ARGS` on `name`'s data directory (not through the API).
    pub fn cli_local(&self, name: &str, args: &[&str]) -> Run {
        self.node(name).cli_with(Via::Local, args, None, &[])
    }

    /// `liaison share FILE --to TO` at `from` (through its admin API), with
    /// `objects` (JSON texts) in a bundle-like array; returns the run.
    pub fn share(&self, from: &str, objects: &[String], to: &str) -> Run {
        let file = self.write_objects(objects);
        self.cli(from, &["share", &path_arg(&file), "--to", to])
    }

    /// [`Commonwealth::share`], panicking unless it exits 0.
    pub fn share_ok(&self, from: &str, objects: &[String], to: &str) -> String {
        let run = self.share(from, objects, to);
        assert_eq!(run.code, 0, "liaison share at {from} failed: {run:#?}");
        run.stdout
    }

    /// Writes `objects` as a JSON array into a fresh file of the fixture's
    /// folder and returns its path.
    pub fn write_objects(&self, objects: &[String]) -> PathBuf {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.dir.write(
            &format!("objects/{n}.json"),
            format!("[{}]", objects.join(",")),
        )
    }

    /// `liaison status OBJECT_ID --json` at `origin` (through its API).
    pub fn status(&self, origin: &str, object_id: &str) -> Value {
        let out = self.cli_ok(origin, &["status", object_id, "--json"]);
        serde_json::from_str(&out).expect("status is JSON")
    }

    /// The entry of `recipient` in the status of the latest version of
    /// `object_id` at `origin`.
    pub fn recipient_status(&self, origin: &str, object_id: &str, recipient: &str) -> Value {
        let status = self.status(origin, object_id);
        let versions = status["versions"].as_array().expect("versions");
        let latest = versions.last().expect("a shared version");
        latest["recipients"]
            .as_array()
            .expect("recipients")
            .iter()
            .find(|r| r["recipient"] == recipient)
            .cloned()
            .unwrap_or_else(|| panic!("{recipient} is not a recipient of {object_id}: {status}"))
    }

    /// `GET /admin/v1/federation` at `name`.
    pub fn federation(&self, name: &str) -> Value {
        let node = self.node(name);
        let (user, password) = node.admin();
        let url = format!("{}/admin/v1/federation", node.url());
        let http = node.http();
        let (user, password) = (user.to_owned(), password.to_owned());
        self.block_on(async move {
            let response = http
                .get(url)
                .basic_auth(user, Some(password))
                .send()
                .await
                .expect("GET /admin/v1/federation");
            assert!(response.status().is_success(), "{}", response.status());
            response.json().await.expect("JSON")
        })
    }

    /// Every record of the manifest of `name`'s collection `alias` (every
    /// version), page by page, through TAXII as its administrator.
    pub fn manifest(&self, name: &str, alias: &str) -> Vec<ManifestRecord> {
        let node = self.node(name);
        let (client, root) = (node.client(), node.api_root_url());
        let alias = alias.to_owned();
        self.block_on(async move {
            let mut filter = Filter {
                limit: Some(1000),
                versions: vec!["all".to_owned()],
                ..Filter::default()
            };
            let mut records = Vec::new();
            loop {
                let page = client
                    .manifest(&root, &alias, &filter)
                    .await
                    .unwrap_or_else(|e| panic!("manifest of {alias}: {e}"));
                records.extend(page.body.objects);
                match page.body.next {
                    Some(next) if page.body.more => filter.next = Some(next),
                    _ => break,
                }
            }
            records
        })
    }

    /// The ids in `name`'s `from-<origin>` collection (what `origin`
    /// shared with it), each once per version held.
    pub fn inbound_ids(&self, name: &str, origin: &str) -> Vec<String> {
        self.manifest(name, &format!("from-{origin}"))
            .into_iter()
            .map(|r| r.id)
            .collect()
    }

    /// `name`'s store, opened beside its running node (SQLite allows it).
    /// Use it on [`Commonwealth::block_on`].
    pub fn store(&self, name: &str) -> Arc<dyn Store> {
        let path = self.node(name).data_dir().join("liaison.sqlite");
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        self.block_on(liaison_store::open(
            &format!("sqlite:{}", path.display()),
            clock,
        ))
        .expect("open the node's store")
    }

    /// Runs `future` to its end on the fixture's runtime.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// Polls `check` every 100 ms until it holds; panics naming `what`
    /// after [`DELIVERY_TIMEOUT`].
    pub fn wait_until(&self, what: &str, check: impl FnMut() -> bool) {
        wait_until(what, DELIVERY_TIMEOUT, check);
    }

    /// The JSON log lines of `name`'s current process with this message.
    pub fn log_events(&self, name: &str, message: &str) -> Vec<Value> {
        self.node(name)
            .json_logs()
            .into_iter()
            .filter(|l| l["message"] == message)
            .collect()
    }
}

/// Polls `check` every 100 ms until it holds; panics naming `what` after
/// `timeout`.
pub fn wait_until(what: &str, timeout: Duration, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !check() {
        assert!(
            Instant::now() < deadline,
            "timed out after {timeout:?} waiting until {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn path_arg(path: &Path) -> String {
    path.to_str().expect("a UTF-8 path").to_owned()
}

/// `liaison ARGS` in `dir` with `env`, panicking with the output unless it
/// exits 0; returns stdout.
fn run_ok(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_liaison"));
    command.args(args).current_dir(dir);
    for key in SCRUBBED_ENV {
        command.env_remove(key);
    }
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("run liaison");
    assert!(
        output.status.success(),
        "liaison {args:?} failed ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}
