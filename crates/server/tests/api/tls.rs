//! TLS: the server over tokio-rustls with HTTP/2 by ALPN, and the
//! liaison-taxii client with a pinned certificate through every endpoint.

use std::sync::Arc;
use std::time::Duration;

use liaison_core::users::Role;
use liaison_taxii::client::{Auth, Client, ClientError, Filter};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::value::RawValue;

use crate::kit::*;

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A self-signed certificate for 127.0.0.1 and the server configuration using it.
fn certificate() -> (CertificateDer<'static>, Arc<rustls::ServerConfig>) {
    let certified =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .unwrap();
    let cert = certified.cert.der().clone();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        certified.signing_key.serialize_der(),
    ));
    let config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.clone()], key)
        .unwrap();
    (cert, Arc::new(config))
}

/// A client configuration trusting only `cert`.
fn pinned(cert: &CertificateDer<'static>) -> rustls::ClientConfig {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert.clone()).unwrap();
    rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth()
}

fn raw(objects: &[String]) -> Vec<Box<RawValue>> {
    objects
        .iter()
        .map(|o| RawValue::from_string(o.clone()).unwrap())
        .collect()
}

#[tokio::test]
async fn http2_by_alpn_and_pinning() {
    let (cert, config) = certificate();
    let server = TestServer::builder()
        .tls(config, pinned(&cert))
        .start()
        .await;
    let mut tls = pinned(&cert);
    tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let http = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .build()
        .unwrap();
    let resp = http
        .get(format!("{}/taxii2/", server.url))
        .header("accept", TAXII)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.version(), reqwest::Version::HTTP_2);

    // A client that does not trust the certificate gets nowhere.
    let (other, _) = certificate();
    let stranger = Client::builder(format!("{}/taxii2/", server.url))
        .tls_config(pinned(&other))
        .build()
        .unwrap();
    assert!(matches!(
        stranger.discovery().await,
        Err(ClientError::Transport { .. })
    ));
    // Plain HTTP on a TLS port fails without harming the server.
    {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", server.port))
            .await
            .unwrap();
        stream
            .write_all(b"GET /taxii2/ HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer).await;
        assert!(!answer.starts_with(b"HTTP/1.1 200"));
    }
    let resp = http
        .get(format!("{}/health", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn the_client_through_every_endpoint() {
    let (cert, config) = certificate();
    let server = TestServer::builder()
        .tls(config, pinned(&cert))
        .settings(|s| s.default_api_root = Some(ROOT.into()))
        .start()
        .await;
    let c = server.collection(Some("shared")).await;
    let Creds::Bearer(token) = server.analyst("alice", &c, true, true).await else {
        unreachable!()
    };
    let client = Client::builder(format!("{}/taxii2/", server.url))
        .tls_config(pinned(&cert))
        .auth(Auth::Bearer(token))
        .build()
        .unwrap();

    let discovery = client.discovery().await.unwrap();
    assert_eq!(discovery.default.as_deref(), Some("/api1/"));
    let root = client.api_root_url(&discovery.api_roots[0]).unwrap();
    assert_eq!(client.api_root(&root).await.unwrap().title, "API root one");
    let collections = client.collections(&root).await.unwrap();
    assert_eq!(collections.collections.len(), 1);
    assert!(collections.collections[0].can_write);
    assert_eq!(client.collection(&root, "shared").await.unwrap().id, c);

    let objects: Vec<String> = (1..=5)
        .map(|n| indicator(n, &version(1)))
        .chain([indicator(1, &version(2))])
        .collect();
    let status = client.add_objects(&root, &c, raw(&objects)).await.unwrap();
    assert!(status.is_consistent());
    let status = client
        .wait_for_status(
            &root,
            status,
            Duration::from_millis(10),
            Duration::from_secs(5),
        )
        .await
        .unwrap();
    assert_eq!((status.success_count, status.failure_count), (6, 0));
    assert_eq!(client.status(&root, &status.id).await.unwrap(), status);

    let page = client
        .get_objects(
            &root,
            &c,
            &Filter {
                limit: Some(2),
                ..Filter::default()
            },
        )
        .await
        .unwrap();
    assert!(page.body.more && page.body.next.is_some());
    assert_eq!(page.body.objects.len(), 2);
    assert!(page.date_added_first.is_some() && page.date_added_last.is_some());
    let all = client
        .all_objects(&root, &c, &Filter::default(), 2)
        .await
        .unwrap();
    assert_eq!(all.len(), 5);
    assert_eq!(
        all[4].get(),
        indicator(1, &version(2)),
        "verbatim, latest versions last added last"
    );
    let every_version = client
        .all_objects(
            &root,
            &c,
            &Filter {
                versions: vec!["all".into()],
                ..Filter::default()
            },
            4,
        )
        .await
        .unwrap();
    assert_eq!(every_version.len(), 6);

    let manifest = client
        .all_manifest(
            &root,
            &c,
            &Filter {
                types: vec!["indicator".into()],
                ..Filter::default()
            },
            3,
        )
        .await
        .unwrap();
    assert_eq!(manifest.len(), 5);
    assert_eq!(
        client
            .manifest(&root, &c, &Filter::default())
            .await
            .unwrap()
            .body
            .objects
            .len(),
        5
    );
    let versions = client
        .all_versions(&root, &c, &indicator_id(1), &Filter::default(), 1)
        .await
        .unwrap();
    assert_eq!(versions, vec![version(1), version(2)]);
    let one = client
        .get_object(
            &root,
            &c,
            &indicator_id(1),
            &Filter {
                versions: vec!["first".into()],
                ..Filter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(one.body.objects[0].get(), indicator(1, &version(1)));
    assert_eq!(
        client
            .versions(&root, &c, &indicator_id(1), &Filter::default())
            .await
            .unwrap()
            .body
            .versions
            .len(),
        2
    );

    client
        .delete_object(&root, &c, &indicator_id(1), &Filter::default())
        .await
        .unwrap();
    let gone = client
        .get_object(&root, &c, &indicator_id(1), &Filter::default())
        .await
        .unwrap_err();
    assert_eq!(gone.http_status(), Some(404));
    let ClientError::Status {
        error: Some(error), ..
    } = gone
    else {
        panic!("an error resource: {gone}")
    };
    assert_eq!(error.http_status.as_deref(), Some("404"));
    let bad = client
        .get_objects(
            &root,
            &c,
            &Filter {
                limit: Some(0),
                ..Filter::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(bad.http_status(), Some(400));
    assert!(bad.to_string().contains("limit"), "{bad}");
}

#[tokio::test]
async fn basic_authentication_through_the_client() {
    let (cert, config) = certificate();
    let server = TestServer::builder()
        .tls(config, pinned(&cert))
        .start()
        .await;
    server
        .password_user("bob", Role::Reader, "correct horse battery")
        .await;
    let client = |password: &str| {
        Client::builder(format!("{}/taxii2/", server.url))
            .tls_config(pinned(&cert))
            .auth(Auth::Basic {
                user: "bob".into(),
                password: password.into(),
            })
            .build()
            .unwrap()
    };
    let root = client("x").api_root_url("/api1/").unwrap();
    assert!(
        client("correct horse battery")
            .api_root(&root)
            .await
            .is_ok()
    );
    let err = client("wrong horse battery")
        .api_root(&root)
        .await
        .unwrap_err();
    assert_eq!(err.http_status(), Some(401));
}
