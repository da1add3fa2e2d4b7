//! Helpers of the council tests: the binary's council commands, acts and
//! requests crafted in a member's name, and a candidate node.

use std::path::{Path, PathBuf};

use liaison_core::clock::{Clock, SystemClock};
use liaison_core::exchange::{MessageKind, OutboxRow};
use liaison_core::exchange_ops::{
    FEDERATION_INBOX_PATH, WireMessage, act_message_id, envelope_for, object_message_id,
};
use liaison_core::federation::{
    Audience, Author, CommonwealthId, Provenance, RequestSignature, SigningKey,
};
use liaison_core::ledger::{ActHash, Choice, Draft};
use serde_json::{Value, json};

use crate::support::commonwealth::{Commonwealth, wait_until};
use crate::support::node::{TAXII, TestNode, Via, free_port, fresh_password};

pub const A: &str = "cert-a";

/// A proposes new rules; the proposal's hash.
pub fn amend(cw: &Commonwealth, admission: &str, notice: &str) -> String {
    let args = [
        "council",
        "propose",
        "amend",
        "--admission",
        admission,
        "--withdrawal-notice",
        notice,
        "--text",
        "rules",
        "--deadline",
        "1h",
    ];
    first_hash(&cw.cli_ok(A, &args), "proposal")
}

pub fn timeout() -> std::time::Duration {
    crate::support::commonwealth::DELIVERY_TIMEOUT
}

pub fn path(p: &Path) -> String {
    p.to_str().unwrap().to_owned()
}

/// The hash after `word` on the first line of a command's output.
pub fn first_hash(out: &str, word: &str) -> String {
    let line = out.lines().next().unwrap_or_default();
    let hash = line.strip_prefix(&format!("{word} ")).unwrap_or_default();
    assert_eq!(hash.len(), 64, "no {word} hash in {out:?}");
    hash.to_owned()
}

/// `liaison council list --json` at `name`: the proposal `hash`, or null.
pub fn proposal(cw: &Commonwealth, name: &str, hash: &str) -> Value {
    let list: Value =
        serde_json::from_str(&cw.cli_ok(name, &["council", "list", "--json"])).unwrap();
    list["proposals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["proposal"] == hash)
        .cloned()
        .unwrap_or(Value::Null)
}

pub fn wait_for_proposal(cw: &Commonwealth, name: &str, hash: &str) {
    wait_until(
        &format!("{name} receives proposal {hash}"),
        timeout(),
        || !proposal(cw, name, hash).is_null(),
    );
}

/// `member` as `name`'s ledger proves it (`liaison ledger verify --json`
/// through its admin API).
pub fn member_at(cw: &Commonwealth, name: &str, member: &str) -> Value {
    let out = cw.cli_ok(name, &["ledger", "verify", "--json"]);
    let proof: Value = serde_json::from_str(&out).unwrap();
    proof["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == member)
        .cloned()
        .unwrap_or(Value::Null)
}

pub fn standing_at(cw: &Commonwealth, name: &str, member: &str) -> String {
    member_at(cw, name, member)["standing"]
        .as_str()
        .unwrap_or("unknown")
        .to_owned()
}

/// `liaison ledger verify` on the node's data directory: its own proof.
pub fn verify(node: &TestNode) -> String {
    let run = node.cli_with(Via::Local, &["ledger", "verify"], None, &[]);
    assert_eq!(run.code, 0, "{run:#?}");
    run.stdout
}

/// The ids in `node`'s `from-<origin>`, through TAXII.
pub fn inbound_ids(cw: &Commonwealth, node: &TestNode, origin: &str) -> Vec<String> {
    let (client, root) = (node.client(), node.api_root_url());
    let alias = format!("from-{origin}");
    cw.block_on(async move {
        match client.manifest(&root, &alias, &Default::default()).await {
            Ok(page) => page.body.objects.into_iter().map(|r| r.id).collect(),
            Err(_) => Vec::new(),
        }
    })
}

/// `GET /admin/v1/ledger` at `name`: the heads.
pub fn heads_now(cw: &Commonwealth, name: &str) -> Vec<ActHash> {
    let node = cw.node(name);
    let (user, password) = node.admin();
    let (user, password) = (user.to_owned(), password.to_owned());
    let (http, url) = (node.http(), format!("{}/admin/v1/ledger", node.url()));
    let ledger: Value = cw.block_on(async move {
        let response = http.get(url).basic_auth(user, Some(password)).send().await;
        response.unwrap().json().await.unwrap()
    });
    ledger["heads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| ActHash::parse(h.as_str().unwrap()).unwrap())
        .collect()
}

/// A yes vote by `author` signed with `key`, on `parents`, made now.
pub fn act_vote(
    id: &CommonwealthId,
    author: &str,
    key: &SigningKey,
    parents: Vec<ActHash>,
    proposal: &str,
) -> String {
    act_vote_at(id, author, key, parents, proposal, SystemClock.now_micros())
}

/// [`act_vote`], dated `at`.
pub fn act_vote_at(
    id: &CommonwealthId,
    author: &str,
    key: &SigningKey,
    parents: Vec<ActHash>,
    proposal: &str,
    at: i64,
) -> String {
    let draft = Draft {
        author: Author {
            commonwealth: id,
            name: author,
            key,
        },
        parents,
        created_micros: at,
    };
    let act = draft
        .vote(ActHash::parse(proposal).unwrap(), Choice::Yes)
        .unwrap();
    serde_json::to_string(&act).unwrap()
}

/// An envelope of act messages.
pub fn envelope(acts: &[&str]) -> String {
    let messages: Vec<Value> = acts
        .iter()
        .map(|act| {
            let value: Value = serde_json::from_str(act).unwrap();
            let hash = liaison_core::ledger::Act::from_json(act)
                .unwrap()
                .hash()
                .unwrap();
            json!({"v": 2, "id": act_message_id(&hash.to_hex()), "kind": "act", "act": value})
        })
        .collect();
    json!({"objects": [], "x_liaison_messages": messages}).to_string()
}

/// The envelope `from` would push to `to` with `object`, its provenance
/// dated `at`.
pub fn object_envelope(cw: &Commonwealth, from: &str, to: &str, object: &str, at: i64) -> String {
    let node = cw.identity(from);
    let value = liaison_stix::json::parse(object).unwrap();
    let audience = Audience::Members(vec![to.to_owned()]);
    let p = Provenance::create(&node.author(), &value, audience, at).unwrap();
    let id = object_message_id(&p.object_id, &p.object_version, &p.digest);
    let message = WireMessage::object(
        &id,
        serde_json::to_string(&p).unwrap(),
        value.to_json_string(),
    );
    let row = OutboxRow {
        peer: to.to_owned(),
        seq: 1,
        id,
        kind: MessageKind::Object,
        payload: message.to_json(),
        object: None,
        created_at: 0,
        delivered_at: None,
    };
    envelope_for(&[row], false).unwrap()
}

/// Pushes `body` to `to`'s inbox as member `from` (its certificate),
/// signing with `key`; the status and the JSON answer.
pub fn push(cw: &Commonwealth, from: &str, to: &str, key: &SigningKey, body: &str) -> (u16, Value) {
    let id = CommonwealthId::parse(cw.id()).unwrap();
    let signed = RequestSignature {
        method: "POST",
        path_and_query: FEDERATION_INBOX_PATH,
        body: body.as_bytes(),
        origin: from,
        destination: to,
        commonwealth: &id,
        time_micros: SystemClock.now_micros(),
    }
    .sign(key)
    .unwrap();
    let mut request = cw
        .peer_client(from, to)
        .post(format!("{}{FEDERATION_INBOX_PATH}", cw.node(to).url()))
        .header("accept", TAXII)
        .header("content-type", TAXII)
        .body(body.to_owned());
    for (name, value) in signed.pairs() {
        request = request.header(name, value);
    }
    cw.block_on(async move {
        let response = request.send().await.expect("an answer");
        let status = response.status().as_u16();
        (status, response.json().await.expect("JSON"))
    })
}

/// Pushes one act from `from` to `to`: it must be refused; the reason.
pub fn refused_act(cw: &Commonwealth, from: &str, to: &str, act: &str) -> String {
    let (status, answer) = push(cw, from, to, &cw.signing_key(from), &envelope(&[act]));
    assert_eq!(status, 200, "{answer}");
    let receipt = &answer["receipts"]["entries"][0];
    assert_eq!(receipt["outcome"], "refused", "{answer}");
    receipt["reason"].as_str().unwrap().to_owned()
}

/// A node that is not a member yet: its identity, then its node once it
/// has joined.
pub struct Candidate {
    pub name: String,
    pub data: PathBuf,
    pub port: u16,
    pub password: String,
    pub card: PathBuf,
}

impl Candidate {
    /// `liaison member init` and `liaison member card` for `name`.
    pub fn init(cw: &Commonwealth, name: &str) -> Candidate {
        let data = cw.dir().join(name);
        let port = free_port();
        let endpoint = format!("https://127.0.0.1:{port}");
        run(
            cw.dir(),
            &[
                "member",
                "init",
                "--name",
                name,
                "--endpoint",
                &endpoint,
                "--data",
                &path(&data),
            ],
            &[],
        );
        let card = run(cw.dir(), &["member", "card", "--data", &path(&data)], &[]);
        let card_path = cw.dir().join(format!("{name}-card.json"));
        std::fs::write(&card_path, card).unwrap();
        Candidate {
            name: name.to_owned(),
            data,
            port,
            password: fresh_password(),
            card: card_path,
        }
    }

    /// `liaison agreement join`, then `liaison serve`.
    pub fn join_and_start(&mut self, agreement: &Path, ledger: &Path) -> TestNode {
        let args = [
            "agreement",
            "join",
            "--agreement",
            &path(agreement),
            "--ledger",
            &path(ledger),
            "--data",
            &path(&self.data),
        ];
        let out = run(
            self.data.parent().unwrap(),
            &args,
            &[("LIAISON_ADMIN_PASSWORD", &self.password)],
        );
        assert!(
            out.contains(&format!("{} is a member of commonwealth", self.name)),
            "{out}"
        );
        TestNode::builder()
            .data_dir(&self.data)
            .port(self.port)
            .admin_password(self.password.clone())
            .start()
    }
}

/// `liaison ARGS` in `dir`; stdout, or a panic with the output.
pub fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_liaison"));
    command.args(args).current_dir(dir);
    for key in [
        "LIAISON_DATABASE",
        "LIAISON_TOKEN",
        "LIAISON_USER",
        "LIAISON_PASSWORD",
        "RUST_LOG",
    ] {
        command.env_remove(key);
    }
    command.env_remove("LIAISON_ADMIN_PASSWORD");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("run liaison");
    assert!(
        output.status.success(),
        "liaison {args:?}: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}
