//! End-to-end tests of the administration commands (`liaison user`, `token`,
//! `collection`, `grant`) through the real binary: once on the data directory
//! of a stopped node, once through the admin API of a running one
//! (`--server`), each followed by what the changes do to TAXII requests:
//! authentication (401), and the rights and 403/404 answers of the TAXII 2.1
//! tables (§5.2 can_read/can_write, the object endpoints, the delete matrix).

mod support;

use reqwest::{Method, StatusCode};
use serde_json::Value;
use support::Run;
use support::node::{TAXII, TestNode, Via, envelope, indicator, indicator_id};

/// Credentials of a TAXII request.
#[derive(Clone)]
enum Who {
    Basic(String, String),
    Bearer(String),
}

/// Runs administration commands the way a test asks for: `Via::Local` stops
/// the node first (commands on the data directory of a stopped node);
/// `Via::Remote` starts it first.
struct Admin {
    node: TestNode,
    via: Via,
}

impl Admin {
    fn run(&mut self, args: &[&str], stdin: Option<&str>) -> Run {
        match self.via {
            Via::Local => {
                if self.node.is_running() {
                    let status = self.node.terminate();
                    assert!(status.success(), "the node exited with {status}");
                }
            }
            Via::Remote => self.online(),
        }
        self.node.cli_with(self.via, args, stdin, &[])
    }

    /// Runs a command that must succeed; returns its stdout.
    fn ok(&mut self, args: &[&str], stdin: Option<&str>) -> String {
        let run = self.run(args, stdin);
        assert_eq!(
            run.code, 0,
            "liaison {args:?} ({:?}) failed: {run:#?}",
            self.via
        );
        run.stdout
    }

    /// Runs a command that must fail with a message containing `needle`.
    fn fails(&mut self, args: &[&str], stdin: Option<&str>, needle: &str) {
        let run = self.run(args, stdin);
        assert_ne!(
            run.code, 0,
            "liaison {args:?} ({:?}) succeeded: {run:#?}",
            self.via
        );
        assert!(
            run.stderr.contains(needle),
            "liaison {args:?} ({:?}): expected {needle:?} in the error, got {run:#?}",
            self.via
        );
        assert!(
            !run.stderr.contains("panicked"),
            "liaison {args:?} panicked: {run:#?}"
        );
    }

    /// Makes sure the node runs (for TAXII requests).
    fn online(&mut self) {
        if !self.node.is_running() {
            self.node.restart();
        }
    }

    /// One TAXII request; returns the status and the body as JSON (`Null`
    /// when the body is not JSON). The media type is checked on every answer.
    async fn taxii(
        &mut self,
        who: &Who,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> (StatusCode, Value) {
        self.online();
        let url = format!("{}{path}", self.node.url());
        let mut request = self
            .node
            .http()
            .request(method.clone(), &url)
            .header("Accept", TAXII);
        request = match who {
            Who::Basic(user, password) => request.basic_auth(user, Some(password)),
            Who::Bearer(token) => request.bearer_auth(token),
        };
        if let Some(body) = body {
            request = request.header("Content-Type", TAXII).body(body);
        }
        let response = request.send().await.expect("the node answers");
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        if status == StatusCode::UNAUTHORIZED {
            assert!(
                response.headers().contains_key("www-authenticate"),
                "401 without WWW-Authenticate for {method} {path}"
            );
        }
        assert!(
            content_type.starts_with("application/taxii+json"),
            "{method} {path} answered {status} with Content-Type {content_type:?}"
        );
        let text = response.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// The collection as listed in `GET /default/collections/` for `who`
    /// (`None` when it is not listed).
    async fn listed(&mut self, who: &Who, id: &str) -> Option<Value> {
        let (status, body) = self
            .taxii(who, Method::GET, "/default/collections/", None)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body.get("collections")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|c| c["id"] == id)
            .cloned()
    }

    /// Checks everything TAXII lets `who` do on collection `id` when the
    /// user's rights are (`read`, `write`). `object` is an object in the
    /// collection; with both rights it gets deleted (and posted back).
    async fn check_rights(&mut self, who: &Who, id: &str, read: bool, write: bool, object: u64) {
        let context = format!("rights read={read} write={write}");
        let listed = self.listed(who, id).await;
        let one = format!("/default/collections/{id}/");
        let objects = format!("{one}objects/");
        let manifest = format!("{one}manifest/");
        let single = format!("{objects}{}/", indicator_id(object));
        let versions = format!("{single}versions/");
        if !read && !write {
            assert!(listed.is_none(), "{context}: listed: {listed:?}");
            for path in [&one, &objects, &manifest, &single, &versions] {
                let (status, body) = self.taxii(who, Method::GET, path, None).await;
                assert_eq!(
                    status,
                    StatusCode::NOT_FOUND,
                    "{context}: GET {path}: {body}"
                );
                assert!(body.get("title").is_some(), "not an error resource: {body}");
            }
            let (status, _) = self
                .taxii(
                    who,
                    Method::POST,
                    &objects,
                    Some(envelope(&[indicator(9_999)])),
                )
                .await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{context}: POST");
            let (status, _) = self.taxii(who, Method::DELETE, &single, None).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{context}: DELETE");
            return;
        }
        let listed = listed.unwrap_or_else(|| panic!("{context}: the collection is not listed"));
        assert_eq!(listed["can_read"], read, "{context}: {listed}");
        assert_eq!(listed["can_write"], write, "{context}: {listed}");
        let (status, body) = self.taxii(who, Method::GET, &one, None).await;
        assert_eq!(status, StatusCode::OK, "{context}: GET collection: {body}");
        assert_eq!(body["can_read"], read);
        assert_eq!(body["can_write"], write);

        let read_status = if read {
            StatusCode::OK
        } else {
            StatusCode::FORBIDDEN
        };
        for path in [&objects, &manifest, &single, &versions] {
            let (status, body) = self.taxii(who, Method::GET, path, None).await;
            assert_eq!(status, read_status, "{context}: GET {path}: {body}");
        }
        let post = Some(envelope(&[indicator(object + 1)]));
        let (status, body) = self.taxii(who, Method::POST, &objects, post).await;
        if write {
            assert_eq!(status, StatusCode::ACCEPTED, "{context}: POST: {body}");
            assert_eq!(body["status"], "complete", "{body}");
            assert_eq!(body["success_count"], 1, "{body}");
        } else {
            assert_eq!(status, StatusCode::FORBIDDEN, "{context}: POST: {body}");
        }
        let (status, body) = self.taxii(who, Method::DELETE, &single, None).await;
        if read && write {
            assert_eq!(status, StatusCode::OK, "{context}: DELETE: {body}");
            let (status, _) = self.taxii(who, Method::GET, &single, None).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "deleted, yet found");
            let admin = self.admin();
            let (status, body) = self
                .taxii(
                    &admin,
                    Method::POST,
                    &objects,
                    Some(envelope(&[indicator(object)])),
                )
                .await;
            assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        } else {
            assert_eq!(status, StatusCode::FORBIDDEN, "{context}: DELETE: {body}");
        }
    }

    fn admin(&self) -> Who {
        let (user, password) = self.node.admin();
        Who::Basic(user.to_owned(), password.to_owned())
    }
}

/// The whole administration story, via `via`.
async fn administration(via: Via) {
    let node = TestNode::start();
    let mut admin = Admin { node, via };
    let alice = |password: &str| Who::Basic("alice".into(), password.into());

    // Users.
    admin.ok(
        &["user", "add", "alice", "--role", "analyst"],
        Some("alice-password-1\n"),
    );
    admin.ok(
        &["user", "add", "bob", "--role", "reader"],
        Some("bob-password-1\n"),
    );
    admin.fails(
        &["user", "add", "alice", "--role", "analyst"],
        Some("another-password\n"),
        "alice",
    );
    admin.fails(
        &["user", "add", "carol", "--role", "analyst"],
        Some(""),
        "no password on standard input",
    );
    admin.fails(
        &["user", "add", "carol", "--role", "analyst"],
        Some("short\n"),
        "password",
    );
    admin.fails(
        &["user", "add", "carol", "--role", "king"],
        Some("carol-password-1\n"),
        "king",
    );
    admin.fails(&["user", "role", "nobody", "reader"], None, "nobody");
    let list = admin.ok(&["user", "list"], None);
    let rows: Vec<Vec<&str>> = list.lines().map(|l| l.split('\t').collect()).collect();
    assert!(rows.contains(&vec!["admin", "admin", "password"]), "{list}");
    assert!(
        rows.contains(&vec!["alice", "analyst", "password"]),
        "{list}"
    );
    assert!(rows.contains(&vec!["bob", "reader", "password"]), "{list}");
    assert!(!list.contains("carol"), "a failed add left a user: {list}");

    // Collections.
    let id = admin
        .ok(
            &[
                "collection",
                "add",
                "--title",
                "End to end",
                "--alias",
                "e2e",
            ],
            None,
        )
        .trim()
        .to_owned();
    assert!(
        id.len() == 36 && id.matches('-').count() == 4,
        "not an id: {id:?}"
    );
    admin.fails(
        &["collection", "add", "--title", "Again", "--alias", "e2e"],
        None,
        "e2e",
    );
    admin.fails(&["collection", "add", "--title", ""], None, "title");
    let list = admin.ok(&["collection", "list"], None);
    assert!(
        list.lines().any(|l| l == format!("{id}\te2e\tEnd to end")),
        "{list}"
    );
    assert!(list.lines().any(|l| l.contains("\tshared\t")), "{list}");

    // A seed object, posted by the administrator.
    let admin_who = admin.admin();
    let objects = format!("/default/collections/{id}/objects/");
    let (status, body) = admin
        .taxii(
            &admin_who,
            Method::POST,
            &objects,
            Some(envelope(&[indicator(1)])),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");

    // Grants, and what they do. Alice has no grant yet: invisible.
    let alice_who = alice("alice-password-1");
    admin.check_rights(&alice_who, &id, false, false, 1).await;
    admin.ok(&["grant", "alice", "e2e", "read"], None);
    admin.check_rights(&alice_who, &id, true, false, 1).await;
    admin.ok(&["grant", "alice", &id, "write"], None);
    admin.check_rights(&alice_who, &id, false, true, 1).await;
    admin.ok(&["grant", "alice", "e2e", "read-write"], None);
    admin.check_rights(&alice_who, &id, true, true, 1).await;
    admin.ok(&["grant", "alice", "e2e", "none"], None);
    admin.check_rights(&alice_who, &id, false, false, 1).await;

    // A reader can be granted read, never write.
    admin.fails(
        &["grant", "bob", "e2e", "write"],
        None,
        "readers cannot be granted write",
    );
    admin.fails(
        &["grant", "bob", "e2e", "read-write"],
        None,
        "readers cannot be granted write",
    );
    admin.ok(&["grant", "bob", "e2e", "read"], None);
    let bob = Who::Basic("bob".into(), "bob-password-1".into());
    admin.check_rights(&bob, &id, true, false, 1).await;

    // Bad grants.
    admin.fails(
        &["grant", "alice", "e2e", "everything"],
        None,
        "unknown rights",
    );
    admin.fails(&["grant", "nobody", "e2e", "read"], None, "nobody");
    admin.fails(&["grant", "alice", "no-such", "read"], None, "no-such");

    // Tokens: a bearer token acts as its user, until revoked.
    admin.ok(&["grant", "alice", "e2e", "read"], None);
    let token = admin
        .ok(&["token", "create", "alice", "--label", "e2e test"], None)
        .trim()
        .to_owned();
    assert!(token.starts_with("liaison_"), "{token:?}");
    let listed = admin.ok(&["token", "list", "alice"], None);
    let line = listed
        .lines()
        .find(|l| l.ends_with("\te2e test"))
        .unwrap_or_else(|| panic!("token not listed: {listed}"));
    let token_id = line.split('\t').next().unwrap().to_owned();
    assert!(token.contains(&token_id), "{token} vs id {token_id}");
    assert!(!listed.contains(&token), "token list shows the secret");
    let bearer = Who::Bearer(token.clone());
    admin.check_rights(&bearer, &id, true, false, 1).await;
    admin.fails(&["token", "create", "nobody"], None, "nobody");
    admin.ok(&["token", "revoke", &token_id], None);
    let (status, _) = admin.taxii(&bearer, Method::GET, &objects, None).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a revoked token still works"
    );
    let listed = admin.ok(&["token", "list", "alice"], None);
    assert!(
        !listed.contains(&token_id),
        "revoked token listed: {listed}"
    );

    // Password change.
    admin.ok(&["user", "passwd", "alice"], Some("alice-password-2\n"));
    let (status, _) = admin
        .taxii(&alice("alice-password-1"), Method::GET, &objects, None)
        .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the old password still works"
    );
    let (status, _) = admin
        .taxii(&alice("alice-password-2"), Method::GET, &objects, None)
        .await;
    assert_eq!(status, StatusCode::OK);

    // Role change: an analyst turned reader loses write on the spot.
    admin.ok(&["grant", "alice", "e2e", "read-write"], None);
    admin.ok(&["user", "role", "alice", "reader"], None);
    let alice_who = alice("alice-password-2");
    admin.check_rights(&alice_who, &id, true, false, 1).await;
    admin.ok(&["user", "role", "alice", "analyst"], None);
    admin.check_rights(&alice_who, &id, true, true, 1).await;
    admin.fails(&["user", "role", "alice", "emperor"], None, "emperor");

    // Removal: the user, its tokens and grants go.
    let token = admin
        .ok(&["token", "create", "alice"], None)
        .trim()
        .to_owned();
    admin.ok(&["user", "remove", "alice"], None);
    for who in [alice_who, Who::Bearer(token)] {
        let (status, _) = admin.taxii(&who, Method::GET, &objects, None).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "a removed user still works"
        );
    }
    let list = admin.ok(&["user", "list"], None);
    assert!(!list.contains("alice"), "{list}");
    admin.fails(&["user", "remove", "alice"], None, "alice");

    // Wrong credentials for the admin API (remote only) are refused clearly.
    if via == Via::Remote {
        let run = admin.node.cli_with(
            Via::Remote,
            &["user", "list"],
            None,
            &[("LIAISON_PASSWORD", "not-the-password")],
        );
        assert_ne!(run.code, 0, "{run:#?}");
        assert!(run.stderr.contains("401"), "{run:#?}");
        let run = admin.node.cli_with(
            Via::Remote,
            &["user", "list"],
            None,
            &[
                ("LIAISON_USER", "bob"),
                ("LIAISON_PASSWORD", "bob-password-1"),
            ],
        );
        assert_ne!(run.code, 0, "a reader used the admin API: {run:#?}");
        assert!(run.stderr.contains("403"), "{run:#?}");
    }
}

#[tokio::test]
async fn admin_commands_on_a_stopped_nodes_data_take_effect() {
    administration(Via::Local).await;
}

#[tokio::test]
async fn admin_commands_through_a_running_nodes_admin_api_take_effect() {
    administration(Via::Remote).await;
}

#[test]
fn admin_commands_without_a_node_or_credentials_fail_clearly() {
    let node = TestNode::start();
    let other = TestNode::start();
    let empty = support::TempDir::new("no-node");
    let liaison = |args: &[&str], env: &[(&str, &str)]| -> Run {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_liaison"))
            .args(args)
            .current_dir(empty.path())
            .env_remove("LIAISON_TOKEN")
            .env_remove("LIAISON_USER")
            .env_remove("LIAISON_PASSWORD")
            .env_remove("LIAISON_DATABASE")
            .envs(env.iter().copied())
            .stdin(std::process::Stdio::null())
            .output()
            .expect("run liaison");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    };
    let url = node.url();
    let cert = node.cert_path().unwrap().to_str().unwrap().to_owned();
    let other_cert = other.cert_path().unwrap().to_str().unwrap().to_owned();
    let (user, password) = node.admin();
    let credentials = [("LIAISON_USER", user), ("LIAISON_PASSWORD", password)];

    // No database here.
    let run = liaison(&["user", "list", "--data", "nowhere"], &[]);
    assert_ne!(run.code, 0, "{run:#?}");
    assert!(run.stderr.contains("no Liaison database"), "{run:#?}");
    // --server without credentials.
    let run = liaison(&["user", "list", "--server", &url, "--ca-cert", &cert], &[]);
    assert_ne!(run.code, 0, "{run:#?}");
    assert!(run.stderr.contains("LIAISON_TOKEN"), "{run:#?}");
    // https without --ca-cert, or with a file that is not there.
    let run = liaison(&["user", "list", "--server", &url], &credentials);
    assert_ne!(run.code, 0, "{run:#?}");
    assert!(run.stderr.contains("--ca-cert"), "{run:#?}");
    let run = liaison(
        &[
            "user",
            "list",
            "--server",
            &url,
            "--ca-cert",
            "/nonexistent/cert.pem",
        ],
        &credentials,
    );
    assert_ne!(run.code, 0, "{run:#?}");
    assert!(run.stderr.contains("/nonexistent/cert.pem"), "{run:#?}");
    // Another node's certificate: the connection is refused.
    let run = liaison(
        &["user", "list", "--server", &url, "--ca-cert", &other_cert],
        &credentials,
    );
    assert_ne!(run.code, 0, "{run:#?}");
    assert!(run.stderr.contains("cannot reach"), "{run:#?}");
    // The right one works.
    let run = liaison(
        &["user", "list", "--server", &url, "--ca-cert", &cert],
        &credentials,
    );
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(run.stdout.contains("admin\tadmin"), "{run:#?}");
    // Bad usage is exit status 2.
    let run = liaison(&["grant", "alice"], &[]);
    assert_eq!(run.code, 2, "{run:#?}");
}

#[test]
fn admin_commands_reach_a_plain_http_node() {
    let mut node = TestNode::builder().insecure_http().start();
    assert!(node.url().starts_with("http://"));
    let run = node.cli_stdin(
        &["user", "add", "dave", "--role", "reader"],
        "dave-password-1\n",
    );
    assert_eq!(run.code, 0, "{run:#?}");
    let users = node.cli_ok(&["user", "list"]);
    assert!(users.contains("dave\treader"), "{users}");
}
