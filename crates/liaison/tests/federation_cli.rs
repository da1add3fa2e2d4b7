//! `liaison member` and `liaison agreement` through the real binary, without
//! running nodes: the member identity on disk (key mode 0600, a card that
//! verifies, the key never printed), and founding a commonwealth (draft,
//! sign, merge, verify, adopt) with errors that name the founder or
//! signature at fault.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use liaison_core::federation::{Agreement, EndpointPolicy, MemberCard, SigningKey};
use support::{Run, TempDir, liaison};

/// Runs the binary in `dir` and keeps every output, to check at the end
/// that no signing key ever appeared in one.
struct Session {
    dir: TempDir,
    outputs: Vec<String>,
}

impl Session {
    fn new(label: &str) -> Session {
        Session {
            dir: TempDir::new(label),
            outputs: Vec::new(),
        }
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    fn run(&mut self, args: &[&str]) -> Run {
        let run = liaison(self.dir.path(), args, None);
        self.outputs.push(format!("{}\n{}", run.stdout, run.stderr));
        run
    }

    /// [`Session::run`] with `LIAISON_ADMIN_PASSWORD` set to `password`.
    fn run_with_password(&mut self, args: &[&str], password: &str) -> Run {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_liaison"))
            .args(args)
            .current_dir(self.dir.path())
            .env("LIAISON_ADMIN_PASSWORD", password)
            .output()
            .expect("run liaison");
        let run = Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        self.outputs.push(format!("{}\n{}", run.stdout, run.stderr));
        run
    }

    fn ok(&mut self, args: &[&str]) -> String {
        let run = self.run(args);
        assert_eq!(run.code, 0, "liaison {args:?}: {run:#?}");
        run.stdout
    }

    fn fails(&mut self, args: &[&str]) -> String {
        let run = self.run(args);
        assert_eq!(run.code, 1, "liaison {args:?} should fail: {run:#?}");
        assert!(run.stderr.starts_with("liaison: "), "{}", run.stderr);
        run.stderr
    }

    /// `member init` of `name` in folder `name` with port `port`.
    fn init(&mut self, name: &str, port: u16) {
        let endpoint = format!("https://127.0.0.1:{port}");
        self.ok(&[
            "member",
            "init",
            "--name",
            name,
            "--endpoint",
            &endpoint,
            "--data",
            name,
        ]);
    }

    /// `member card` of `name`, written to `name.card.json`.
    fn card(&mut self, name: &str) -> String {
        let card = self.ok(&["member", "card", "--data", name]);
        std::fs::write(self.path(&format!("{name}.card.json")), &card).unwrap();
        format!("{name}.card.json")
    }

    /// Drafts `file` from the cards of `names`.
    fn draft(&mut self, file: &str, names: &[&str]) {
        let cards: Vec<String> = names.iter().map(|n| self.card(n)).collect();
        let mut args = vec!["agreement", "draft", "--title", "Test exchange"];
        for card in &cards {
            args.extend(["--card", card.as_str()]);
        }
        let draft = self.ok(&args);
        std::fs::write(self.path(file), draft).unwrap();
    }

    fn key_hex(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(&format!("{name}/member/signing.key")))
            .unwrap()
            .trim()
            .to_owned()
    }

    /// Checks that no output so far shows a key of `names`.
    fn assert_no_key_printed(&self, names: &[&str]) {
        for name in names {
            let key = self.key_hex(name);
            for output in &self.outputs {
                assert!(
                    !output.contains(&key) && !output.contains(&key.to_uppercase()),
                    "the signing key of {name} was printed:\n{output}"
                );
            }
        }
    }

    fn agreement(&self, file: &str) -> Agreement {
        Agreement::from_json(&std::fs::read_to_string(self.path(file)).unwrap()).unwrap()
    }

    fn write_agreement(&self, file: &str, agreement: &Agreement) {
        std::fs::write(
            self.path(file),
            serde_json::to_string_pretty(agreement).unwrap(),
        )
        .unwrap();
    }
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn member_init_writes_a_private_key_a_certificate_and_a_card_that_verifies() {
    let mut s = Session::new("member-init");
    let out = s.ok(&[
        "member",
        "init",
        "--name",
        "cert-a",
        "--endpoint",
        "https://node.cert-a.example:8443",
        "--data",
        "a",
    ]);
    assert!(out.contains("member cert-a"), "{out}");

    let key_path = s.path("a/member/signing.key");
    assert_eq!(mode(&key_path), 0o600, "the signing key is private");
    assert_eq!(
        mode(&s.path("a/tls/key.pem")),
        0o600,
        "the TLS key is private"
    );
    let key = SigningKey::from_seed_hex(&std::fs::read_to_string(&key_path).unwrap()).unwrap();

    let printed = s.ok(&["member", "card", "--data", "a"]);
    let card =
        MemberCard::from_json(&printed, EndpointPolicy::HttpsOnly).expect("the card verifies");
    assert_eq!(card.name, "cert-a");
    assert_eq!(card.endpoint, "https://node.cert-a.example:8443");
    assert_eq!(card.signing_key, key.public_key());
    let cert = support::node::first_cert(&s.path("a/tls/cert.pem"));
    assert_eq!(
        card.tls_fingerprint,
        liaison_core::users::hex_sha256(cert.as_ref()),
        "the card names the certificate the node will serve"
    );
    let on_disk = std::fs::read_to_string(s.path("a/member/card.json")).unwrap();
    assert_eq!(
        MemberCard::from_json(&on_disk, EndpointPolicy::HttpsOnly).unwrap(),
        card
    );

    // An existing identity is kept unless --force.
    let err = s.fails(&[
        "member",
        "init",
        "--name",
        "cert-a",
        "--endpoint",
        "https://node.cert-a.example:8443",
        "--data",
        "a",
    ]);
    assert!(
        err.contains("already has a member identity") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(
        SigningKey::from_seed_hex(&std::fs::read_to_string(&key_path).unwrap())
            .unwrap()
            .public_key(),
        key.public_key()
    );
    s.ok(&[
        "member",
        "init",
        "--name",
        "cert-a",
        "--endpoint",
        "https://node.cert-a.example:8443",
        "--data",
        "a",
        "--force",
    ]);
    let replaced = s.ok(&["member", "card", "--data", "a"]);
    let replaced = MemberCard::from_json(&replaced, EndpointPolicy::HttpsOnly).unwrap();
    assert_ne!(
        replaced.signing_key, card.signing_key,
        "--force makes a new key"
    );
    assert_eq!(
        replaced.tls_fingerprint, card.tls_fingerprint,
        "the certificate is reused"
    );
    assert_eq!(mode(&key_path), 0o600);

    s.assert_no_key_printed(&["a"]);
}

#[test]
fn member_init_refuses_bad_names_and_endpoints_and_writes_nothing() {
    let mut s = Session::new("member-init-bad");
    for (name, endpoint, expected) in [
        ("Cert-A", "https://127.0.0.1:8443", "name must match"),
        ("all", "https://127.0.0.1:8443", "reserved"),
        ("cert-a", "http://127.0.0.1:8443", "https://"),
        ("cert-a", "https://user@127.0.0.1:8443", "user information"),
    ] {
        let err = s.fails(&[
            "member",
            "init",
            "--name",
            name,
            "--endpoint",
            endpoint,
            "--data",
            "d",
        ]);
        assert!(err.contains(expected), "{name} {endpoint}: {err}");
        assert!(
            !s.path("d").exists(),
            "nothing written for {name} {endpoint}"
        );
    }
    let err = s.fails(&["member", "card", "--data", "d"]);
    assert!(err.contains("liaison member init"), "{err}");
}

#[test]
fn founders_draft_sign_verify_and_adopt_an_agreement() {
    let mut s = Session::new("agreement");
    for (i, name) in ["cert-a", "cert-b", "cert-c", "cert-d"].iter().enumerate() {
        s.init(name, 18_000 + i as u16);
    }
    s.draft("agreement.json", &["cert-c", "cert-a", "cert-b"]);
    let draft = s.agreement("agreement.json");
    let names: Vec<&str> = draft.founders.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        ["cert-a", "cert-b", "cert-c"],
        "founders listed by name"
    );
    let id = draft.commonwealth_id().unwrap().to_string();

    // Not in force until every founder signed; nobody adopts it before.
    let err = s.fails(&["agreement", "verify", "agreement.json"]);
    assert!(err.contains("founder cert-a has not signed"), "{err}");
    let err = s.fails(&["agreement", "adopt", "agreement.json", "--data", "cert-a"]);
    assert!(err.contains("founder cert-a has not signed"), "{err}");

    // A non-founder cannot sign.
    let err = s.fails(&["agreement", "sign", "agreement.json", "--data", "cert-d"]);
    assert!(err.contains("does not list this node (cert-d)"), "{err}");

    for name in ["cert-a", "cert-b", "cert-c"] {
        s.ok(&["agreement", "sign", "agreement.json", "--data", name]);
    }
    let signed = s.agreement("agreement.json");
    assert_eq!(
        signed.commonwealth_id().unwrap().to_string(),
        id,
        "signing keeps the id"
    );
    let out = s.ok(&["agreement", "verify", "agreement.json"]);
    assert!(out.contains(&id) && out.contains("in force"), "{out}");

    // Adopt: the node becomes a member; its exchange collections exist.
    let out = s.ok(&["agreement", "adopt", "agreement.json", "--data", "cert-a"]);
    assert!(
        out.contains(&format!("cert-a is a member of commonwealth {id}")),
        "{out}"
    );
    let collections = s.ok(&["collection", "list", "--data", "cert-a"]);
    for alias in [
        "shared",
        "to-all",
        "to-cert-b",
        "from-cert-b",
        "to-cert-c",
        "from-cert-c",
    ] {
        assert!(
            collections
                .lines()
                .any(|l| l.split('\t').nth(1) == Some(alias)),
            "{alias} missing from\n{collections}"
        );
    }
    // Adopting again changes nothing.
    s.ok(&["agreement", "adopt", "agreement.json", "--data", "cert-a"]);
    assert_eq!(
        s.ok(&["collection", "list", "--data", "cert-a"]),
        collections
    );

    // A node whose card is not a founder's cannot adopt it.
    let err = s.fails(&["agreement", "adopt", "agreement.json", "--data", "cert-d"]);
    assert!(err.contains("(cert-d) is not among the founders"), "{err}");

    // A member of one commonwealth does not adopt another.
    s.draft("other.json", &["cert-a", "cert-d"]);
    s.ok(&["agreement", "sign", "other.json", "--data", "cert-a"]);
    s.ok(&["agreement", "sign", "other.json", "--data", "cert-d"]);
    let err = s.fails(&["agreement", "adopt", "other.json", "--data", "cert-a"]);
    assert!(
        err.contains("already adopted another commonwealth"),
        "{err}"
    );

    s.assert_no_key_printed(&["cert-a", "cert-b", "cert-c", "cert-d"]);
}

#[test]
fn adopting_on_a_new_data_directory_sets_the_node_up_with_the_chosen_password() {
    let mut s = Session::new("agreement-first-start");
    for (i, name) in ["cert-a", "cert-b"].iter().enumerate() {
        s.init(name, 18_300 + i as u16);
    }
    s.draft("agreement.json", &["cert-a", "cert-b"]);
    for name in ["cert-a", "cert-b"] {
        s.ok(&["agreement", "sign", "agreement.json", "--data", name]);
    }
    let args = ["agreement", "adopt", "agreement.json", "--data", "cert-a"];
    // A password too short is refused before anything is written.
    let run = s.run_with_password(&args, "short");
    assert_eq!(run.code, 1, "{run:#?}");
    assert!(run.stderr.contains("at least 12 characters"), "{run:#?}");
    assert!(!s.path("cert-a/liaison.sqlite").exists());
    // The chosen password is the administrator's, never printed.
    let run = s.run_with_password(&args, "a-long-enough-password");
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stderr.contains("initialised the node's database"),
        "{run:#?}"
    );
    assert!(!run.stderr.contains("a-long-enough-password"), "{run:#?}");
    let users = s.ok(&["user", "list", "--data", "cert-a"]);
    assert!(users.contains("admin\tadmin\tpassword"), "{users}");
    // Without a chosen password, one is generated and shown once.
    let run = s.run_with_password(
        &["agreement", "adopt", "agreement.json", "--data", "cert-b"],
        "",
    );
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(run.stderr.contains("It is shown this once"), "{run:#?}");
    s.assert_no_key_printed(&["cert-a", "cert-b"]);
}

#[test]
fn copies_signed_apart_merge_into_an_agreement_in_force() {
    let mut s = Session::new("agreement-merge");
    for (i, name) in ["cert-a", "cert-b"].iter().enumerate() {
        s.init(name, 18_100 + i as u16);
    }
    s.draft("agreement.json", &["cert-a", "cert-b"]);
    std::fs::copy(s.path("agreement.json"), s.path("copy-b.json")).unwrap();
    s.ok(&[
        "agreement",
        "sign",
        "agreement.json",
        "--data",
        "cert-a",
        "--out",
        "copy-a.json",
    ]);
    s.ok(&["agreement", "sign", "copy-b.json", "--data", "cert-b"]);
    assert!(
        s.agreement("agreement.json").signatures.is_empty(),
        "--out leaves the input"
    );
    let merged = s.ok(&["agreement", "merge", "copy-a.json", "copy-b.json"]);
    std::fs::write(s.path("merged.json"), merged).unwrap();
    s.ok(&["agreement", "verify", "merged.json"]);
    s.ok(&["agreement", "adopt", "merged.json", "--data", "cert-b"]);

    // Copies of different agreements do not merge.
    s.draft("other.json", &["cert-a", "cert-b"]);
    let err = s.fails(&["agreement", "merge", "copy-a.json", "other.json"]);
    assert!(err.contains("another agreement"), "{err}");
}

#[test]
fn a_forged_or_altered_agreement_is_refused_naming_the_signature_at_fault() {
    let mut s = Session::new("agreement-forged");
    for (i, name) in ["cert-a", "cert-b", "cert-c"].iter().enumerate() {
        s.init(name, 18_200 + i as u16);
    }
    s.draft("agreement.json", &["cert-a", "cert-b", "cert-c"]);
    for name in ["cert-a", "cert-b", "cert-c"] {
        s.ok(&["agreement", "sign", "agreement.json", "--data", name]);
    }
    let signed = s.agreement("agreement.json");

    // cert-b's signature forged: another key signed in its name.
    let mut forged = signed.clone();
    let thief = SigningKey::generate();
    let mut unsigned = signed.clone();
    unsigned.signatures.clear();
    let bytes = liaison_core::federation::canonical_json(&{
        let mut v = serde_json::to_value(&unsigned).unwrap();
        v.as_object_mut().unwrap().remove("signatures");
        v
    })
    .unwrap();
    forged
        .signatures
        .insert("cert-b".into(), thief.sign(bytes.as_bytes()));
    s.write_agreement("forged.json", &forged);
    let err = s.fails(&["agreement", "adopt", "forged.json", "--data", "cert-a"]);
    assert!(err.contains("signature of cert-b does not verify"), "{err}");
    let err = s.fails(&["agreement", "verify", "forged.json"]);
    assert!(err.contains("signature of cert-b does not verify"), "{err}");
    let out = s.run(&["agreement", "verify", "forged.json"]).stdout;
    let line = |name: &str| {
        out.lines()
            .find(|l| l.trim_start().starts_with(name))
            .unwrap_or_default()
            .to_owned()
    };
    assert!(line("cert-a").contains(" signed"), "{out}");
    assert!(
        line("cert-b").contains("SIGNATURE DOES NOT VERIFY"),
        "{out}"
    );
    assert!(line("cert-c").contains(" signed"), "{out}");

    // A signature in the name of someone who is not a founder.
    let mut extra = signed.clone();
    extra
        .signatures
        .insert("cert-x".into(), signed.signatures["cert-a"]);
    s.write_agreement("extra.json", &extra);
    let err = s.fails(&["agreement", "adopt", "extra.json", "--data", "cert-a"]);
    assert!(err.contains("\"cert-x\", who is not a founder"), "{err}");

    // A term changed after signing voids every signature: the first
    // founder's is named.
    let mut altered = signed.clone();
    altered.title = "Another exchange".into();
    s.write_agreement("altered.json", &altered);
    let err = s.fails(&["agreement", "adopt", "altered.json", "--data", "cert-b"]);
    assert!(err.contains("signature of cert-a does not verify"), "{err}");

    // A founder whose signature is missing.
    let mut missing = signed;
    missing.signatures.remove("cert-c");
    s.write_agreement("missing.json", &missing);
    let err = s.fails(&["agreement", "adopt", "missing.json", "--data", "cert-a"]);
    assert!(err.contains("founder cert-c has not signed"), "{err}");

    // Nothing was adopted anywhere.
    for name in ["cert-a", "cert-b"] {
        assert!(
            !s.path(&format!("{name}/liaison.sqlite")).exists(),
            "{name} opened no database for a refused agreement"
        );
    }
    s.assert_no_key_printed(&["cert-a", "cert-b", "cert-c"]);
}
