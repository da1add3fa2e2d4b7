//! Interop test: real TAXII 2.1 clients against a running `liaison serve`.
//!
//! Starts the real binary (through the test kit, TLS with the certificate the
//! node generates), creates users, an API token, collections and grants with
//! the real administration commands (through the node's admin API), then runs
//! `interop/taxii_clients.py` with the Python environment of `scripts/test`
//! (`LIAISON_TEST_PYTHON`). That script drives every TAXII 2.1 endpoint with
//! `taxii2-client` and `stix2` (discovery, API root, collections, add and get
//! objects with every filter, `as_pages` paging, get and delete an object,
//! versions, manifest, status; Basic and Bearer authentication; 401/403/404
//! per user and the other error answers) and checks every STIX object it
//! gets back with `stix2-validator`. The script prints a check list and stops
//! at the first failed check; this test fails with its whole output.
//!
//! The clients trust nothing but the node's certificate: the script passes
//! the node's `DATA/tls/cert.pem` as `verify=` to requests, which accepts the
//! self-signed leaf certificate as its own trust anchor (no CA certificate
//! needed).
//!
//! The same script runs against both storage back ends; the PostgreSQL run
//! needs `LIAISON_TEST_PG_URL` (set by `scripts/test`).

mod support;

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::node::{API_ROOT, DEFAULT_COLLECTION, NodeBuilder, TestNode};

/// The node's largest page: small, so that the script also sees a client
/// asking for more than the server gives.
const MAX_PAGE_SIZE: usize = 100;

/// How long the script may run before it is killed (it needs a few seconds).
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(300);

/// Node log lines shown when the script fails.
const NODE_LOG_TAIL: usize = 30;

/// The script's users: (key in the script's configuration, user name, role).
/// Rights are granted in [`prepare`].
const USERS: [(&str, &str, &str); 4] = [
    ("alice", "alice", "analyst"),
    ("rita", "rita", "reader"),
    ("walt", "walt", "analyst"),
    ("nobody", "nobody", "analyst"),
];

#[test]
fn interop_taxii2_client_and_stix2_drive_every_endpoint_on_sqlite() {
    interop(TestNode::builder());
}

#[test]
fn interop_taxii2_client_and_stix2_drive_every_endpoint_on_postgres() {
    interop(TestNode::builder().postgres());
}

fn interop(builder: NodeBuilder) {
    let python = python();
    let mut node = builder
        .args(["--max-page-size", &MAX_PAGE_SIZE.to_string()])
        .start();
    assert!(node.is_tls(), "the interop test runs over TLS");
    let config = prepare(&mut node);
    let output = run_script(&python, &config);
    if !output.success {
        let logs = node.logs();
        let tail = &logs[logs.len().saturating_sub(NODE_LOG_TAIL)..];
        panic!(
            "the TAXII interop script failed:\n\n{}\n--- the node's last {} log lines ---\n{}",
            output.text,
            tail.len(),
            tail.join("\n")
        );
    }
    println!("{}", output.text);
}

/// The Python of the test venv, or a panic that says how to get it.
fn python() -> String {
    std::env::var("LIAISON_TEST_PYTHON").unwrap_or_else(|_| {
        panic!(
            "LIAISON_TEST_PYTHON is not set. The interop test drives the node with the Python \
             TAXII clients (taxii2-client, stix2, stix2-validator) of the environment that \
             scripts/test prepares: run `scripts/test interop`, or `scripts/venv` and export \
             LIAISON_TEST_PYTHON=<the path it prints>."
        )
    })
}

/// Creates the script's users, token, collections and grants with the
/// administration commands; returns the script's configuration.
fn prepare(node: &mut TestNode) -> Value {
    let mut users = serde_json::Map::new();
    let (admin, admin_password) = node.admin();
    users.insert(
        "admin".into(),
        json!({ "name": admin, "password": admin_password }),
    );
    for (key, name, role) in USERS {
        let password = format!("{name}-interop-password");
        let run = node.cli_stdin(
            &["user", "add", name, "--role", role],
            &format!("{password}\n"),
        );
        assert_eq!(run.code, 0, "liaison user add {name}: {run:#?}");
        users.insert(key.into(), json!({ "name": name, "password": password }));
    }
    let token = node.cli_ok(&["token", "create", "alice", "--label", "interop"]);
    users["alice"]["token"] = json!(token.trim());

    let mut collections = serde_json::Map::new();
    for alias in ["interop", "paging", "dropbox"] {
        let id = node.cli_ok(&["collection", "add", "--title", alias, "--alias", alias]);
        collections.insert(alias.into(), json!(id.trim()));
    }
    let listing = node.cli_ok(&["collection", "list"]);
    let shared = listing
        .lines()
        .find_map(|line| {
            let mut fields = line.split('\t');
            let id = fields.next()?;
            (fields.next()? == DEFAULT_COLLECTION).then(|| id.to_owned())
        })
        .unwrap_or_else(|| panic!("no {DEFAULT_COLLECTION} collection in:\n{listing}"));
    collections.insert("shared".into(), json!(shared));

    for (user, collection, rights) in [
        ("alice", "interop", "read-write"),
        ("alice", "paging", "read-write"),
        ("rita", "interop", "read"),
        ("walt", "dropbox", "write"),
    ] {
        node.cli_ok(&["grant", user, collection, rights]);
    }

    json!({
        "base_url": node.url(),
        "ca_cert": node.cert_path().map(Path::to_owned),
        "api_root": API_ROOT,
        "title": "Liaison",
        "max_page_size": MAX_PAGE_SIZE,
        "users": users,
        "collections": collections,
    })
}

/// What the script printed (stdout, then stderr) and whether it passed.
struct ScriptOutput {
    success: bool,
    text: String,
}

/// Runs the script with `config` in `LIAISON_INTEROP`, killing it after
/// [`SCRIPT_TIMEOUT`].
fn run_script(python: &str, config: &Value) -> ScriptOutput {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/taxii_clients.py");
    let mut child = Command::new(python)
        .arg(&script)
        .env("LIAISON_INTEROP", config.to_string())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONUNBUFFERED", "1")
        // These override `verify=` of a requests Session (psf/requests#3829).
        .env_remove("REQUESTS_CA_BUNDLE")
        .env_remove("CURL_CA_BUNDLE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {python} (LIAISON_TEST_PYTHON): {e}"));
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("piped stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("piped stderr")));

    let deadline = Instant::now() + SCRIPT_TIMEOUT;
    let (status, timed_out) = loop {
        if let Some(status) = child.try_wait().expect("wait for the script") {
            break (Some(status), false);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break (None, true);
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut text = stdout.join().unwrap_or_default();
    let errors = stderr.join().unwrap_or_default();
    if !errors.trim().is_empty() {
        text.push_str("\n--- standard error ---\n");
        text.push_str(&errors);
    }
    if timed_out {
        text.push_str(&format!("\n(killed after {SCRIPT_TIMEOUT:?})\n"));
    }
    ScriptOutput {
        success: status.is_some_and(|s| s.success()),
        text,
    }
}
