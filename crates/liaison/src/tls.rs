//! TLS for the node's listener: load the operator's certificate, or create
//! a self-signed one in the data directory on first start so that a node
//! speaks HTTPS with zero set-up.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use liaison_server::federation::tls::NodeCertificate;

use crate::config::Transport;
use crate::fsutil::write_private;

/// Where the self-signed certificate lives in the data directory.
pub fn self_signed_paths(data: &Path) -> (PathBuf, PathBuf) {
    let dir = data.join("tls");
    (dir.join("cert.pem"), dir.join("key.pem"))
}

/// The certificate and key files for `transport` (the self-signed pair is
/// created on first start), or `None` for plain HTTP.
fn certificate_files(
    transport: &Transport,
    data: &Path,
) -> anyhow::Result<Option<(PathBuf, PathBuf)>> {
    Ok(match transport {
        Transport::Plain => None,
        Transport::Tls { cert, key } => Some((cert.clone(), key.clone())),
        Transport::SelfSigned => {
            let (cert, key) = self_signed_paths(data);
            if !cert.exists() || !key.exists() {
                generate_self_signed(&cert, &key)?;
            }
            Some((cert, key))
        }
    })
}

/// The node's certificate chain and key for `transport`: what it serves,
/// and what it presents as a client to its federation peers.
pub fn node_certificate(
    transport: &Transport,
    data: &Path,
) -> anyhow::Result<Option<NodeCertificate>> {
    let Some((cert, key)) = certificate_files(transport, data)? else {
        return Ok(None);
    };
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&cert)
        .with_context(|| format!("cannot read TLS certificate {}", cert.display()))?
        .collect::<Result<_, _>>()
        .with_context(|| format!("{} is not a PEM certificate chain", cert.display()))?;
    if chain.is_empty() {
        bail!("{} holds no certificate", cert.display());
    }
    let key = PrivateKeyDer::from_pem_file(&key)
        .with_context(|| format!("cannot read a PEM private key from {}", key.display()))?;
    Ok(Some(NodeCertificate { chain, key }))
}

/// The rustls configuration for `transport`, or `None` for plain HTTP.
/// Returns also the certificate file in use, for the startup message.
///
/// Clients are asked for an optional certificate (mutual TLS for
/// federation peers, whose requests must come with the certificate of
/// their member card); TAXII clients without one are served as before.
pub fn server_config(
    transport: &Transport,
    data: &Path,
) -> anyhow::Result<Option<(Arc<rustls::ServerConfig>, PathBuf)>> {
    let Some((cert, _)) = certificate_files(transport, data)? else {
        return Ok(None);
    };
    let Some(own) = node_certificate(transport, data)? else {
        return Ok(None);
    };
    let config = liaison_server::federation::tls::server_config(&own)
        .context("the TLS certificate and key do not match")?;
    Ok(Some((Arc::new(config), cert)))
}

/// Creates a self-signed certificate for `localhost` and the loopback
/// addresses, with its key readable by the owner only.
fn generate_self_signed(cert_path: &Path, key_path: &Path) -> anyhow::Result<()> {
    let names = vec![
        "localhost".to_owned(),
        "127.0.0.1".to_owned(),
        "::1".to_owned(),
    ];
    let certified = rcgen::generate_simple_self_signed(names)
        .context("generating a self-signed certificate")?;
    if let Some(dir) = cert_path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    write_private(key_path, certified.signing_key.serialize_pem().as_bytes())?;
    std::fs::write(cert_path, certified.cert.pem())
        .with_context(|| format!("cannot write {}", cert_path.display()))?;
    Ok(())
}

/// SHA-256 fingerprint (lowercase hex) of the first certificate in a PEM file.
pub fn fingerprint(cert_path: &Path) -> anyhow::Result<String> {
    let first = CertificateDer::pem_file_iter(cert_path)
        .with_context(|| format!("cannot read {}", cert_path.display()))?
        .next()
        .context("no certificate in the file")?
        .context("bad PEM")?;
    Ok(liaison_core::users::hex_sha256(first.as_ref()))
}
