//! Client configuration: credentials, TLS, limits, and the errors the
//! client reports.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue};

use super::{Client, DEFAULT_MAX_RESPONSE_BYTES};
use crate::media::TAXII_21;
use crate::resources::ErrorResource;

/// How the client authenticates.
#[derive(Clone, Default)]
pub enum Auth {
    #[default]
    None,
    Basic {
        user: String,
        password: String,
    },
    Bearer(String),
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::None => f.write_str("None"),
            Auth::Basic { user, .. } => f
                .debug_struct("Basic")
                .field("user", user)
                .finish_non_exhaustive(),
            Auth::Bearer(_) => f.write_str("Bearer(..)"),
        }
    }
}

/// What can go wrong talking to a TAXII server.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("invalid URL {0:?}")]
    Url(String),
    #[error(
        "refusing plain HTTP for {0}: TAXII requires HTTPS (allow_plain_http enables it for tests)"
    )]
    InsecureUrl(String),
    #[error("could not set up the HTTP client: {0}")]
    Setup(String),
    #[error("request to {url} failed: {source}")]
    Transport { url: String, source: reqwest::Error },
    #[error("{url} answered {status}{}", .error.as_ref().map(|e| format!(": {} ({})", e.title, e.description.as_deref().unwrap_or(""))).unwrap_or_default())]
    Status {
        url: String,
        status: u16,
        error: Option<Box<ErrorResource>>,
    },
    #[error("{url} answered with Content-Type {content_type:?}, not {TAXII_21}")]
    ContentType { url: String, content_type: String },
    #[error("{url} sent a body larger than {limit} bytes")]
    TooLarge { url: String, limit: usize },
    #[error("{url} sent a body that is not a valid {resource}: {message}")]
    Body {
        url: String,
        resource: &'static str,
        message: String,
    },
    #[error("status {id} was still pending after {waited:?}")]
    StatusTimeout { id: String, waited: Duration },
    #[error("pagination of {url} stalled: the server repeated the position of the previous page")]
    Stalled { url: String },
}

impl ClientError {
    /// The HTTP status of a [`ClientError::Status`].
    pub fn http_status(&self) -> Option<u16> {
        match self {
            ClientError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// Configures a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    discovery: String,
    auth: Auth,
    tls: Option<rustls::ClientConfig>,
    user_agent: String,
    timeout: Duration,
    allow_plain_http: bool,
    max_response_bytes: usize,
}

impl ClientBuilder {
    pub(super) fn new(discovery: String) -> Self {
        ClientBuilder {
            discovery,
            auth: Auth::None,
            tls: None,
            user_agent: format!("liaison-taxii/{}", env!("CARGO_PKG_VERSION")),
            timeout: Duration::from_secs(60),
            allow_plain_http: false,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }

    /// Credentials to send.
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
        self
    }

    /// The TLS configuration (for pinned roots or a client certificate).
    pub fn tls_config(mut self, config: rustls::ClientConfig) -> Self {
        self.tls = Some(config);
        self
    }

    /// The `User-Agent` header (default `liaison-taxii/<version>`).
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = agent.into();
        self
    }

    /// Time limit of one request (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Allows `http://` URLs (tests on loopback); TAXII requires HTTPS.
    pub fn allow_plain_http(mut self, allow: bool) -> Self {
        self.allow_plain_http = allow;
        self
    }

    /// Largest response body accepted.
    pub fn max_response_bytes(mut self, max: usize) -> Self {
        self.max_response_bytes = max;
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client, ClientError> {
        let discovery =
            Url::parse(&self.discovery).map_err(|_| ClientError::Url(self.discovery.clone()))?;
        check_scheme(&discovery, self.allow_plain_http)?;
        let mut tls = match self.tls {
            Some(config) => config,
            None => default_tls()?,
        };
        if tls.alpn_protocols.is_empty() {
            tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        }
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static(TAXII_21));
        if let Some(value) = auth_header(&self.auth)? {
            headers.insert(AUTHORIZATION, value);
        }
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .user_agent(self.user_agent)
            .default_headers(headers)
            .timeout(self.timeout)
            .https_only(!self.allow_plain_http)
            .build()
            .map_err(|e| ClientError::Setup(e.to_string()))?;
        Ok(Client {
            http,
            discovery,
            allow_plain_http: self.allow_plain_http,
            max_response_bytes: self.max_response_bytes,
        })
    }
}

fn default_tls() -> Result<rustls::ClientConfig, ClientError> {
    use rustls_platform_verifier::BuilderVerifierExt;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ClientError::Setup(e.to_string()))?
        .with_platform_verifier()
        .map_err(|e| ClientError::Setup(e.to_string()))?
        .with_no_client_auth())
}

fn auth_header(auth: &Auth) -> Result<Option<HeaderValue>, ClientError> {
    use base64::Engine;
    let text = match auth {
        Auth::None => return Ok(None),
        Auth::Basic { user, password } => {
            let pair = format!("{user}:{password}");
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(pair)
            )
        }
        Auth::Bearer(token) => format!("Bearer {token}"),
    };
    let mut value = HeaderValue::from_str(&text)
        .map_err(|_| ClientError::Setup("credentials are not a valid header".into()))?;
    value.set_sensitive(true);
    Ok(Some(value))
}

pub(super) fn check_scheme(url: &Url, allow_plain_http: bool) -> Result<(), ClientError> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if allow_plain_http => Ok(()),
        _ => Err(ClientError::InsecureUrl(url.to_string())),
    }
}
