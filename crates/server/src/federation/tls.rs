//! TLS between member nodes, without a certificate authority: each side is
//! known by the SHA-256 fingerprint of its certificate, published in its
//! member card.
//!
//! - Server side, [`AnyClientCertificate`] asks every client for a
//!   certificate without requiring one (TAXII clients without a
//!   certificate are unaffected) and accepts any certificate whose owner
//!   proves possession of its key in the handshake. Whether it is the
//!   certificate of the member a request claims to come from is decided
//!   per request, by the federation extractor, against the member card.
//! - Client side, [`client_config`] trusts exactly the peer's certificate
//!   (its fingerprint) and presents this node's certificate.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, SignatureScheme};

use liaison_core::users::hex_sha256;

/// The ring provider, the only one Liaison builds with.
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Lowercase hex SHA-256 of a DER certificate: what member cards publish.
pub fn fingerprint(certificate: &CertificateDer<'_>) -> String {
    hex_sha256(certificate.as_ref())
}

/// Requests an optional client certificate and accepts any that the
/// client proves to hold the key of (see the module documentation).
#[derive(Debug)]
pub struct AnyClientCertificate {
    provider: Arc<CryptoProvider>,
}

impl AnyClientCertificate {
    pub fn new(provider: Arc<CryptoProvider>) -> AnyClientCertificate {
        AnyClientCertificate { provider }
    }
}

impl ClientCertVerifier for AnyClientCertificate {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        false
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        // Identity is the fingerprint, checked per request against the
        // member card; the handshake signature (below) proves possession.
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12(&self.provider, message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13(&self.provider, message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        supported_schemes(&self.provider)
    }
}

/// Trusts only the server certificate with this fingerprint (the
/// handshake signatures are still verified).
#[derive(Debug)]
struct PinnedServerCertificate {
    fingerprint: String,
    provider: Arc<CryptoProvider>,
    /// The handshake error when the server presents another certificate.
    mismatch: &'static str,
}

impl ServerCertVerifier for PinnedServerCertificate {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if fingerprint(end_entity) == self.fingerprint {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(self.mismatch.into()))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12(&self.provider, message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13(&self.provider, message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        supported_schemes(&self.provider)
    }
}

// The handshake signature checks both verifiers make: the provider's
// algorithms, whatever the certificate.

fn verify_tls12(
    provider: &CryptoProvider,
    message: &[u8],
    cert: &CertificateDer<'_>,
    dss: &DigitallySignedStruct,
) -> Result<HandshakeSignatureValid, rustls::Error> {
    rustls::crypto::verify_tls12_signature(
        message,
        cert,
        dss,
        &provider.signature_verification_algorithms,
    )
}

fn verify_tls13(
    provider: &CryptoProvider,
    message: &[u8],
    cert: &CertificateDer<'_>,
    dss: &DigitallySignedStruct,
) -> Result<HandshakeSignatureValid, rustls::Error> {
    rustls::crypto::verify_tls13_signature(
        message,
        cert,
        dss,
        &provider.signature_verification_algorithms,
    )
}

fn supported_schemes(provider: &CryptoProvider) -> Vec<SignatureScheme> {
    provider
        .signature_verification_algorithms
        .supported_schemes()
}

/// This node's TLS certificate and key, which it also presents as a
/// client to its peers.
pub struct NodeCertificate {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: PrivateKeyDer<'static>,
}

impl std::fmt::Debug for NodeCertificate {
    /// Never the key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NodeCertificate")
            .field(
                "fingerprint",
                &self.chain.first().map(fingerprint).unwrap_or_default(),
            )
            .finish_non_exhaustive()
    }
}

impl Clone for NodeCertificate {
    fn clone(&self) -> Self {
        NodeCertificate {
            chain: self.chain.clone(),
            key: self.key.clone_key(),
        }
    }
}

/// A client configuration for talking to the peer whose certificate has
/// `peer_fingerprint`, presenting `own` (ALPN h2 and HTTP/1.1).
pub fn client_config(
    peer_fingerprint: &str,
    own: &NodeCertificate,
) -> Result<rustls::ClientConfig, rustls::Error> {
    let mut config = pinned(
        peer_fingerprint,
        "the peer's certificate is not the one in its member card",
    )?
    .with_client_auth_cert(own.chain.clone(), own.key.clone_key())?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// A client configuration trusting only the certificate with `fingerprint`
/// (lowercase hex SHA-256 of the DER certificate, any case) and presenting
/// none (for talking to a node's TAXII or admin API: the `liaison` CLI's
/// `--cert`), with ALPN h2 and HTTP/1.1.
pub fn pinned_client_config(fingerprint: &str) -> Result<rustls::ClientConfig, rustls::Error> {
    let mut config = pinned(
        fingerprint,
        "the server's certificate is not the pinned one",
    )?
    .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// A client configuration builder trusting only the certificate with
/// `fingerprint` ([`PinnedServerCertificate`]; `mismatch` is its error).
fn pinned(
    fingerprint: &str,
    mismatch: &'static str,
) -> Result<
    rustls::ConfigBuilder<rustls::ClientConfig, rustls::client::WantsClientCert>,
    rustls::Error,
> {
    let provider = provider();
    let verifier = PinnedServerCertificate {
        fingerprint: fingerprint.to_ascii_lowercase(),
        provider: provider.clone(),
        mismatch,
    };
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier)))
}

/// A server configuration serving `own` that asks clients for an optional
/// certificate ([`AnyClientCertificate`]), with ALPN h2 and HTTP/1.1.
pub fn server_config(own: &NodeCertificate) -> Result<rustls::ServerConfig, rustls::Error> {
    let provider = provider();
    let mut config = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()?
        .with_client_cert_verifier(Arc::new(AnyClientCertificate::new(provider)))
        .with_single_cert(own.chain.clone(), own.key.clone_key())?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}
