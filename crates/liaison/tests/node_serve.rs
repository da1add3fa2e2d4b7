//! End-to-end tests of `liaison serve`'s options through the real binary:
//! the configuration file (every option; unknown keys rejected by name;
//! flags override it), TLS with the generated or the operator's certificate
//! versus `--insecure-http`, JSON logs, the first start's generated admin
//! password, and logs that never hold a secret.

mod support;

use base64::Engine;
use liaison_taxii::client::Auth;
use reqwest::StatusCode;
use serde_json::Value;
use support::TempDir;
use support::node::{TAXII, TestNode, Via, envelope, indicator, trusting, trusting_nothing};

/// A CA and a certificate for 127.0.0.1 signed by it, written to `dir`:
/// returns (chain PEM path, key PEM path, CA certificate DER).
fn operator_certificate(
    dir: &TempDir,
) -> (
    std::path::PathBuf,
    std::path::PathBuf,
    rustls::pki_types::CertificateDer<'static>,
) {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "E2E test CA");
    ca_params.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyCertSign,
        rcgen::KeyUsagePurpose::CrlSign,
    ];
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let mut leaf_params =
        CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).unwrap();
    leaf_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "e2e node");
    let leaf = leaf_params.signed_by(&leaf_key, &ca).unwrap();
    let chain = dir.write("operator/chain.pem", format!("{}{}", leaf.pem(), ca.pem()));
    let key = dir.write("operator/key.pem", leaf_key.serialize_pem());
    (chain, key, ca.der().clone())
}

fn toml_path(path: &std::path::Path) -> String {
    format!("{:?}", path.to_str().expect("UTF-8 path"))
}

#[tokio::test]
async fn config_file_sets_every_option_and_flags_override_it() {
    let dir = TempDir::new("config");
    let (chain, key, ca) = operator_certificate(&dir);
    let data = dir.path().join("data");
    let config = dir.write(
        "liaison.toml",
        format!(
            r#"
listen = "127.0.0.1:0"
data = {data}
database = "sqlite"
tls_cert = {chain}
tls_key = {key}
insecure_http = false
log_format = "text"
log_level = "warn,liaison::cli=info"
title = "E2E node"
description = "Configured by file"
contact = "cert@example.org"
max_page_size = 5
max_content_length = 20000
shutdown_grace_seconds = 7
"#,
            data = toml_path(&data),
            chain = toml_path(&chain),
            key = toml_path(&key),
        ),
    );
    // Flags win: JSON logs instead of the file's text, pages of 7, not 5.
    let mut node = TestNode::builder()
        .data_dir(&data)
        .config_only()
        .arg("--config")
        .arg(&config)
        .args(["--log-format", "json", "--max-page-size", "7"])
        .start();

    assert!(node.is_tls());
    assert_eq!(node.cert_path(), Some(chain.as_path()), "tls_cert");
    assert!(data.join("liaison.sqlite").exists(), "data and database");
    assert!(
        !data.join("tls").exists(),
        "a self-signed certificate was made despite tls_cert"
    );
    let client = node.client_as(Auth::Basic {
        user: node.admin().0.to_owned(),
        password: node.admin().1.to_owned(),
    });
    let discovery = client.discovery().await.unwrap();
    assert_eq!(discovery.title, "E2E node");
    assert_eq!(discovery.description.as_deref(), Some("Configured by file"));
    assert_eq!(discovery.contact.as_deref(), Some("cert@example.org"));
    let root = node.api_root_url();
    assert_eq!(
        client.api_root(&root).await.unwrap().max_content_length,
        20000
    );

    let objects: Vec<String> = (0..10).map(indicator).collect();
    let raw = objects
        .iter()
        .map(|o| serde_json::value::RawValue::from_string(o.clone()).unwrap())
        .collect();
    let status = client.add_objects(&root, "shared", raw).await.unwrap();
    assert_eq!(status.success_count, 10, "{status:?}");
    let page = client
        .get_objects(
            &root,
            "shared",
            &liaison_taxii::client::Filter {
                limit: Some(100),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        page.body.objects.len(),
        7,
        "--max-page-size 7 caps the page"
    );
    assert!(page.body.more);

    // max_content_length: 413 above it.
    let big = envelope(&(0..100).map(indicator).collect::<Vec<_>>());
    assert!(big.len() > 20000);
    let response = node
        .http()
        .post(node.collection_url("shared", "objects/"))
        .basic_auth(node.admin().0, Some(node.admin().1))
        .header("Accept", TAXII)
        .header("Content-Type", TAXII)
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);

    node.terminate();
    let logs = node.logs();
    for line in &logs {
        let json: Value = serde_json::from_str(line)
            .unwrap_or_else(|_| panic!("not JSON despite --log-format json: {line:?}"));
        // log_level from the file: request lines (info, from the server) are off.
        assert_ne!(json["message"], "request handled", "log_level ignored");
    }
    assert!(
        logs.iter()
            .any(|l| l.contains("shutting down") && l.contains("\"grace_seconds\":7")),
        "shutdown_grace_seconds: {logs:#?}"
    );
    // The CA the operator's certificate chains to is enough to trust it.
    node.restart();
    let via_ca = node
        .client_as(Auth::Basic {
            user: "admin".into(),
            password: node.admin_password().to_owned(),
        })
        .discovery()
        .await;
    assert!(via_ca.is_ok());
    let https = reqwest::Client::builder()
        .tls_backend_preconfigured(trusting(&ca))
        .build()
        .unwrap();
    let response = https.get(node.discovery_url()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[test]
fn bad_configuration_is_refused_with_a_message_naming_the_problem() {
    let dir = TempDir::new("bad-config");
    let cases = [
        ("max_pagesize = 3\n", "max_pagesize"),
        ("max_page_size = 0\n", "max_page_size"),
        ("max_page_size = \"many\"\n", "max_page_size"),
        ("log_format = \"xml\"\n", "xml"),
        ("listen = \"nowhere\"\n", "listen"),
        ("database = \"mysql://h/db\"\n", "mysql"),
        ("tls_cert = \"c.pem\"\n", "tls_key"),
        (
            "tls_cert = \"c.pem\"\ntls_key = \"k.pem\"\ninsecure_http = true\n",
            "insecure_http",
        ),
        (
            "tls_cert = \"nope.pem\"\ntls_key = \"nope.key\"\n",
            "nope.pem",
        ),
        ("log_level = \"[[[\"\n", "log_level"),
    ];
    for (i, (text, needle)) in cases.into_iter().enumerate() {
        let config = dir.write(&format!("bad-{i}.toml"), text);
        let failure = TestNode::builder()
            .data_dir(dir.path().join(format!("data-{i}")))
            .arg("--config")
            .arg(&config)
            .try_start()
            .err()
            .unwrap_or_else(|| panic!("started with {text:?}"));
        let status = failure.status.expect("it exits on its own");
        assert!(!status.success(), "{text:?}: {status}");
        assert!(
            failure.output.contains(needle),
            "{text:?}: the message does not name {needle:?}:\n{}",
            failure.output
        );
        assert!(!failure.output.contains("panicked"), "{}", failure.output);
    }
    // A missing file is named too.
    let failure = TestNode::builder()
        .arg("--config")
        .arg(dir.path().join("missing.toml"))
        .try_start()
        .err()
        .expect("started without its config file");
    assert!(
        failure.output.contains("missing.toml"),
        "{}",
        failure.output
    );
}

#[tokio::test]
async fn tls_by_default_plain_http_only_on_request() {
    let tls = TestNode::start();
    assert!(tls.is_tls() && tls.url().starts_with("https://"));
    assert_eq!(
        tls.logged_fingerprint(),
        tls.fingerprint().as_deref(),
        "the logged fingerprint is the served certificate's"
    );
    assert_eq!(
        tls.cert_path(),
        Some(tls.data_dir().join("tls/cert.pem").as_path())
    );
    // The pinned certificate works; trusting nothing, or plain HTTP, does not.
    let discovery = tls.client().discovery().await.unwrap();
    assert_eq!(discovery.title, "Liaison");
    let untrusting = reqwest::Client::builder()
        .tls_backend_preconfigured(trusting_nothing())
        .build()
        .unwrap();
    assert!(untrusting.get(tls.discovery_url()).send().await.is_err());
    let plain_url = tls.discovery_url().replacen("https://", "http://", 1);
    assert!(untrusting.get(&plain_url).send().await.is_err());
    // The certificate stays the same across restarts.
    let mut tls = tls;
    let before = tls.fingerprint();
    tls.restart();
    assert_eq!(tls.fingerprint(), before);
    assert_eq!(tls.logged_fingerprint(), before.as_deref());

    let plain = TestNode::builder().insecure_http().start();
    assert!(!plain.is_tls() && plain.url().starts_with("http://"));
    assert!(plain.cert_path().is_none());
    assert!(!plain.data_dir().join("tls").exists());
    assert!(
        plain
            .logs()
            .iter()
            .any(|l| l.contains("WARN") && l.contains("--insecure-http")),
        "plain HTTP is announced as a warning"
    );
    let discovery = plain.client().discovery().await.unwrap();
    assert_eq!(discovery.title, "Liaison");
    let https_url = plain.discovery_url().replacen("http://", "https://", 1);
    let tls_client = tls.http();
    assert!(tls_client.get(&https_url).send().await.is_err());
}

#[tokio::test]
async fn operator_certificate_is_served_instead_of_a_generated_one() {
    let dir = TempDir::new("operator-tls");
    let (chain, key, ca) = operator_certificate(&dir);
    let node = TestNode::builder().operator_tls(&chain, &key).start();
    assert_eq!(node.cert_path(), Some(chain.as_path()));
    assert!(!node.data_dir().join("tls").exists());
    let client = reqwest::Client::builder()
        .tls_backend_preconfigured(trusting(&ca))
        .build()
        .unwrap();
    let response = client.get(node.discovery_url()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    // A client that trusts another node's certificate refuses this one.
    let other = TestNode::start();
    assert!(other.http().get(node.discovery_url()).send().await.is_err());
    // A key that does not match the certificate is refused at start.
    let other_dir = TempDir::new("other-key");
    let (_, other_key, _) = operator_certificate(&other_dir);
    let failure = TestNode::builder()
        .operator_tls(&chain, &other_key)
        .try_start()
        .err()
        .expect("started with a key that does not match");
    assert!(
        failure.output.contains("do not match"),
        "{}",
        failure.output
    );
}

#[tokio::test]
async fn json_logs_are_one_json_object_per_line() {
    let mut node = TestNode::start();
    node.client().discovery().await.unwrap();
    let collections = node.client().collections(&node.api_root_url()).await;
    assert!(collections.is_ok());
    node.terminate();
    let logs = node.logs();
    assert!(logs.len() >= 4, "{logs:#?}");
    for line in &logs {
        let json: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line:?}"));
        assert!(json.is_object(), "{line}");
        for field in ["timestamp", "level", "message"] {
            assert!(json.get(field).is_some(), "no {field} in {line}");
        }
    }
    let request = node
        .json_logs()
        .into_iter()
        .find(|j| j["message"] == "request handled")
        .expect("a request line");
    assert_eq!(request["span"]["path"], "/taxii2/");
    assert_eq!(request["span"]["status"], 200);

    // Text logs are not JSON.
    let mut text = TestNode::builder().text_logs().start();
    text.terminate();
    assert!(
        text.logs()
            .iter()
            .all(|l| serde_json::from_str::<Value>(l).is_err())
    );
    assert!(text.logs().iter().any(|l| l.contains("INFO")));
}

#[tokio::test]
async fn generated_admin_password_is_shown_once_on_first_start_only() {
    let mut node = TestNode::builder().generated_admin_password().start();
    let password = node.admin_password().to_owned();
    assert!(password.len() >= 16, "{password:?}");
    let first = node.logs();
    assert_eq!(
        first.iter().filter(|l| l.contains(&password)).count(),
        1,
        "{first:#?}"
    );
    // It is printed outside the logger: no JSON log line holds it.
    assert!(
        node.json_logs()
            .iter()
            .all(|j| !j.to_string().contains(&password))
    );
    node.client().api_root(&node.api_root_url()).await.unwrap();

    node.restart();
    assert!(
        node.logs()
            .iter()
            .all(|l| !l.contains(&password) && !l.contains("with the password")),
        "shown again: {:#?}",
        node.logs()
    );
    node.client().api_root(&node.api_root_url()).await.unwrap();
    // A set LIAISON_ADMIN_PASSWORD is never printed.
    let other = TestNode::start();
    let set = other.admin_password().to_owned();
    assert!(other.logs().iter().all(|l| !l.contains(&set)));
    assert!(
        other
            .logs()
            .iter()
            .all(|l| !l.contains("with the password"))
    );
}

#[tokio::test]
async fn logs_never_hold_passwords_tokens_or_authorization_headers() {
    let mut node = TestNode::builder().args(["--log-level", "trace"]).start();
    let (admin, admin_password) = (node.admin().0.to_owned(), node.admin_password().to_owned());
    let user_password = "e2e-user-password-7f3a9c";
    let new_password = "e2e-user-password-changed-41d2";
    let wrong_password = "e2e-wrong-password-0b8e5d";
    let fake_token = "liaison_0000000000000000_notarealsecretatall0000";

    // Through the admin API: a password and a token travel in bodies.
    let run = node.cli_stdin(
        &["user", "add", "carol", "--role", "analyst"],
        &format!("{user_password}\n"),
    );
    assert_eq!(run.code, 0, "{run:#?}");
    node.cli_ok(&["grant", "carol", "shared", "read-write"]);
    let token = node.cli_ok(&["token", "create", "carol"]).trim().to_owned();
    let local_token = node
        .cli_with(Via::Local, &["token", "create", "carol"], None, &[])
        .stdout
        .trim()
        .to_owned();
    assert!(local_token.starts_with("liaison_"));
    let run = node.cli_with(
        Via::Remote,
        &["user", "passwd", "carol"],
        Some(&format!("{new_password}\n")),
        &[("LIAISON_TOKEN", &token)],
    );
    assert_ne!(run.code, 0, "an analyst's token changed a password");
    let run = node.cli_stdin(&["user", "passwd", "carol"], &format!("{new_password}\n"));
    assert_eq!(run.code, 0, "{run:#?}");

    // TAXII with good and bad credentials of every kind.
    let http = node.http();
    let url = node.collection_url("shared", "objects/");
    let credentials: Vec<(&str, Option<&str>, Option<&str>)> = vec![
        ("carol", Some(new_password), None),
        ("carol", Some(user_password), None),
        ("carol", Some(wrong_password), None),
        (&admin, Some(&admin_password), None),
        (&admin, Some(wrong_password), None),
        ("", None, Some(&token)),
        ("", None, Some(&local_token)),
        ("", None, Some(fake_token)),
        ("", None, Some(wrong_password)),
    ];
    for (user, password, bearer) in &credentials {
        for post in [false, true] {
            let mut request = if post {
                http.post(&url)
                    .header("Content-Type", TAXII)
                    .body(envelope(&[indicator(1)]))
            } else {
                http.get(&url)
            };
            request = request.header("Accept", TAXII);
            request = match bearer {
                Some(token) => request.bearer_auth(token),
                None => request.basic_auth(user, *password),
            };
            request.send().await.unwrap();
        }
    }
    // A malformed Authorization header.
    http.get(&url)
        .header("Authorization", format!("Basic {wrong_password}"))
        .send()
        .await
        .unwrap();
    // Revoke and use the token again.
    let id = node
        .cli_ok(&["token", "list", "carol"])
        .lines()
        .map(|l| l.split('\t').next().unwrap().to_owned())
        .find(|id| token.contains(id.as_str()))
        .expect("the token is listed");
    node.cli_ok(&["token", "revoke", &id]);
    http.get(&url).bearer_auth(&token).send().await.unwrap();
    node.terminate();

    let logs = node.all_logs();
    assert!(
        logs.iter().any(|l| l.contains("request handled")),
        "requests were not logged at all"
    );
    assert!(
        logs.iter().any(|l| l.contains("\"status\":401")),
        "the refused requests were not logged"
    );
    let b64 = |s: String| base64::engine::general_purpose::STANDARD.encode(s);
    let mut secrets = vec![
        admin_password.clone(),
        user_password.to_owned(),
        new_password.to_owned(),
        wrong_password.to_owned(),
        token.clone(),
        local_token.clone(),
        fake_token.to_owned(),
        b64(format!("{admin}:{admin_password}")),
        b64(format!("carol:{new_password}")),
        b64(format!("carol:{user_password}")),
        b64(format!("carol:{wrong_password}")),
    ];
    // The secret part of a token alone must not show either (it may hold
    // `_` itself: split as the node does).
    for t in [&token, &local_token] {
        let (_, secret) = liaison_core::users::parse_token(t).expect("a token");
        secrets.push(secret.to_owned());
    }
    for line in &logs {
        for secret in &secrets {
            assert!(
                !line.contains(secret.as_str()),
                "a secret ({secret}) is in the log line {line}"
            );
        }
        assert!(
            !has_credential(line),
            "an Authorization value is in the log line {line}"
        );
    }
}

/// True when `line` holds `Basic X` or `Bearer X` with X credential-like
/// (8 or more base64 or token characters), in any letter case.
fn has_credential(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    ["basic ", "bearer "].iter().any(|scheme| {
        lower.match_indices(scheme).any(|(at, _)| {
            lower[at + scheme.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || "+/=_-".contains(*c))
                .count()
                >= 8
        })
    })
}
