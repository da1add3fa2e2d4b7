//! TLS clients that trust exactly one certificate, identified by the
//! SHA-256 fingerprint of its DER bytes. Nodes use self-signed certificates
//! (no public CA is needed), so "trust" means "is the certificate we were
//! told about"; the handshake signatures are still fully verified. The
//! verifier is the federation's ([`tls::pinned_client_config`]).

use std::path::Path;

use anyhow::Context;
use liaison_server::federation::tls;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

/// A client configuration trusting only the first certificate in a PEM file.
pub fn client_config_for_cert_file(path: &Path) -> anyhow::Result<rustls::ClientConfig> {
    let cert = CertificateDer::pem_file_iter(path)
        .with_context(|| format!("cannot read {}", path.display()))?
        .next()
        .with_context(|| format!("no certificate in {}", path.display()))?
        .with_context(|| format!("{} is not PEM", path.display()))?;
    tls::pinned_client_config(&tls::fingerprint(&cert)).context("TLS protocol versions")
}
