//! A TAXII 2.1 client (reqwest over rustls with the ring provider).
//!
//! It follows the client checklist of TAXII 2.1: HTTPS only (unless plain
//! HTTP is allowed explicitly, for loopback tests), HTTP Basic or bearer
//! authentication, `Accept: application/taxii+json;version=2.1` and a
//! `User-Agent` on every request, `Content-Type` on POST, the response's
//! `Content-Type` checked, relative API root URLs resolved against the
//! discovery URL, status polled until complete, and pagination by `next` or,
//! when a server gives none, by `added_after` set to the previous page's
//! `X-TAXII-Date-Added-Last`.
//!
//! TLS: pass a [`rustls::ClientConfig`] to pin certificates or present a
//! client certificate; ALPN (`h2`, `http/1.1`) is set on it when empty.
//! Without one, the platform's trust store is used.

mod builder;
mod paging;

use reqwest::header::{CONTENT_TYPE, HeaderMap};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

pub use builder::{Auth, ClientBuilder, ClientError};

use crate::media::{TAXII_21, is_taxii_content_type};
use crate::resources::{
    ApiRootResource, CollectionResource, Collections, Discovery, Envelope, ErrorResource, Manifest,
    StatusResource, Versions,
};

/// Header carrying the `date_added` of the first item of a page.
pub const DATE_ADDED_FIRST: &str = "X-TAXII-Date-Added-First";
/// Header carrying the `date_added` of the last item of a page.
pub const DATE_ADDED_LAST: &str = "X-TAXII-Date-Added-Last";

/// Largest response body read by default.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 256 * 1024 * 1024;

/// Query parameters of a filtered request (TAXII §3.4).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub added_after: Option<String>,
    pub limit: Option<u64>,
    pub next: Option<String>,
    pub ids: Vec<String>,
    pub types: Vec<String>,
    pub versions: Vec<String>,
    pub spec_versions: Vec<String>,
}

impl Filter {
    fn apply(&self, url: &mut Url) {
        let mut pairs = url.query_pairs_mut();
        if let Some(a) = &self.added_after {
            pairs.append_pair("added_after", a);
        }
        if let Some(l) = self.limit {
            pairs.append_pair("limit", &l.to_string());
        }
        if let Some(n) = &self.next {
            pairs.append_pair("next", n);
        }
        for (name, list) in [
            ("match[id]", &self.ids),
            ("match[type]", &self.types),
            ("match[version]", &self.versions),
            ("match[spec_version]", &self.spec_versions),
        ] {
            if !list.is_empty() {
                pairs.append_pair(name, &list.join(","));
            }
        }
        drop(pairs);
        if url.query() == Some("") {
            url.set_query(None);
        }
    }
}

/// A paginated response with its `X-TAXII-Date-Added-*` headers.
#[derive(Debug, Clone)]
pub struct Paged<T> {
    pub body: T,
    pub date_added_first: Option<String>,
    pub date_added_last: Option<String>,
}

/// A TAXII 2.1 client bound to one server's discovery URL.
#[derive(Debug, Clone)]
pub struct Client {
    pub(super) http: reqwest::Client,
    pub(super) discovery: Url,
    pub(super) allow_plain_http: bool,
    pub(super) max_response_bytes: usize,
}

impl Client {
    /// Starts configuring a client for the server whose discovery URL is
    /// `discovery` (e.g. `https://taxii.example.com/taxii2/`).
    pub fn builder(discovery: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(discovery.into())
    }

    /// `GET /taxii2/`.
    pub async fn discovery(&self) -> Result<Discovery, ClientError> {
        self.get_json(self.discovery.clone(), "discovery")
            .await
            .map(|p| p.body)
    }

    /// Resolves an API root as listed in discovery (absolute, or relative to
    /// the discovery URL) to an absolute URL ending in `/`.
    pub fn api_root_url(&self, api_root: &str) -> Result<Url, ClientError> {
        let mut url = self
            .discovery
            .join(api_root)
            .map_err(|_| ClientError::Url(api_root.to_owned()))?;
        if !url.path().ends_with('/') {
            url.set_path(&format!("{}/", url.path()));
        }
        builder::check_scheme(&url, self.allow_plain_http)?;
        Ok(url)
    }

    /// `GET {api-root}/`.
    pub async fn api_root(&self, api_root: &Url) -> Result<ApiRootResource, ClientError> {
        self.get_json(api_root.clone(), "api-root")
            .await
            .map(|p| p.body)
    }

    /// `GET {api-root}/collections/`.
    pub async fn collections(&self, api_root: &Url) -> Result<Collections, ClientError> {
        self.get_json(join(api_root, "collections/")?, "collections")
            .await
            .map(|p| p.body)
    }

    /// `GET {api-root}/collections/{id}/`.
    pub async fn collection(
        &self,
        api_root: &Url,
        id: &str,
    ) -> Result<CollectionResource, ClientError> {
        self.get_json(collection_url(api_root, id, "")?, "collection")
            .await
            .map(|p| p.body)
    }

    /// `GET {api-root}/collections/{id}/objects/`.
    pub async fn get_objects(
        &self,
        api_root: &Url,
        collection: &str,
        filter: &Filter,
    ) -> Result<Paged<Envelope>, ClientError> {
        let url = filtered_url(api_root, collection, "objects/", filter)?;
        self.get_json(url, "envelope").await
    }

    /// `GET {api-root}/collections/{id}/objects/{object-id}/`.
    pub async fn get_object(
        &self,
        api_root: &Url,
        collection: &str,
        object_id: &str,
        filter: &Filter,
    ) -> Result<Paged<Envelope>, ClientError> {
        let url = filtered_url(api_root, collection, &object_path(object_id, ""), filter)?;
        self.get_json(url, "envelope").await
    }

    /// `GET {api-root}/collections/{id}/objects/{object-id}/versions/`.
    pub async fn versions(
        &self,
        api_root: &Url,
        collection: &str,
        object_id: &str,
        filter: &Filter,
    ) -> Result<Paged<Versions>, ClientError> {
        let url = filtered_url(
            api_root,
            collection,
            &object_path(object_id, "versions/"),
            filter,
        )?;
        self.get_json(url, "versions").await
    }

    /// `GET {api-root}/collections/{id}/manifest/`.
    pub async fn manifest(
        &self,
        api_root: &Url,
        collection: &str,
        filter: &Filter,
    ) -> Result<Paged<Manifest>, ClientError> {
        let url = filtered_url(api_root, collection, "manifest/", filter)?;
        self.get_json(url, "manifest").await
    }

    /// `POST {api-root}/collections/{id}/objects/` with an envelope of
    /// objects (each one JSON text, sent exactly as given).
    pub async fn add_objects(
        &self,
        api_root: &Url,
        collection: &str,
        objects: Vec<Box<RawValue>>,
    ) -> Result<StatusResource, ClientError> {
        let body = serde_json::to_vec(&Envelope {
            objects,
            ..Envelope::default()
        })
        .map_err(|e| ClientError::Setup(e.to_string()))?;
        self.add_envelope(api_root, collection, body).await
    }

    /// `POST {api-root}/collections/{id}/objects/` with a body given as bytes.
    pub async fn add_envelope(
        &self,
        api_root: &Url,
        collection: &str,
        body: Vec<u8>,
    ) -> Result<StatusResource, ClientError> {
        let url = collection_url(api_root, collection, "objects/")?;
        let request = self
            .http
            .request(Method::POST, url.clone())
            .header(CONTENT_TYPE, TAXII_21)
            .body(body);
        let response = send(request, &url).await?;
        let (_, bytes) = self.read(response, StatusCode::ACCEPTED).await?;
        decode(&url, "status", &bytes)
    }

    /// `GET {api-root}/status/{status-id}/`.
    pub async fn status(&self, api_root: &Url, id: &str) -> Result<StatusResource, ClientError> {
        self.get_json(
            join(api_root, &format!("status/{}/", segment(id)))?,
            "status",
        )
        .await
        .map(|p| p.body)
    }

    /// `DELETE {api-root}/collections/{id}/objects/{object-id}/`.
    pub async fn delete_object(
        &self,
        api_root: &Url,
        collection: &str,
        object_id: &str,
        filter: &Filter,
    ) -> Result<(), ClientError> {
        let url = filtered_url(api_root, collection, &object_path(object_id, ""), filter)?;
        let response = send(self.http.request(Method::DELETE, url.clone()), &url).await?;
        self.read(response, StatusCode::OK).await.map(|_| ())
    }

    pub(super) async fn get_json<T: DeserializeOwned>(
        &self,
        url: Url,
        resource: &'static str,
    ) -> Result<Paged<T>, ClientError> {
        let response = send(self.http.get(url.clone()), &url).await?;
        let (headers, bytes) = self.read(response, StatusCode::OK).await?;
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        Ok(Paged {
            body: decode(&url, resource, &bytes)?,
            date_added_first: header(DATE_ADDED_FIRST),
            date_added_last: header(DATE_ADDED_LAST),
        })
    }

    /// Reads a response: the expected status with a TAXII content type, or
    /// an error carrying the server's error resource when it sent one.
    async fn read(
        &self,
        mut response: reqwest::Response,
        expected: StatusCode,
    ) -> Result<(HeaderMap, Vec<u8>), ClientError> {
        let url = response.url().to_string();
        let status = response.status();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let headers = response.headers().clone();
        // Pages are large: size the buffer from Content-Length when given.
        let declared = response.content_length().unwrap_or(0);
        let mut body = Vec::with_capacity(
            usize::try_from(declared)
                .unwrap_or(0)
                .min(self.max_response_bytes),
        );
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|source| ClientError::Transport {
                url: url.clone(),
                source,
            })?
        {
            if body.len() + chunk.len() > self.max_response_bytes {
                return Err(ClientError::TooLarge {
                    url,
                    limit: self.max_response_bytes,
                });
            }
            body.extend_from_slice(&chunk);
        }
        if status != expected {
            let error = serde_json::from_slice::<ErrorResource>(&body)
                .ok()
                .map(Box::new);
            return Err(ClientError::Status {
                url,
                status: status.as_u16(),
                error,
            });
        }
        if !is_taxii_content_type(&content_type) {
            return Err(ClientError::ContentType { url, content_type });
        }
        Ok((headers, body))
    }
}

/// Sends a request to `url`.
async fn send(
    request: reqwest::RequestBuilder,
    url: &Url,
) -> Result<reqwest::Response, ClientError> {
    request
        .send()
        .await
        .map_err(|source| ClientError::Transport {
            url: url.to_string(),
            source,
        })
}

fn decode<T: DeserializeOwned>(
    url: &Url,
    resource: &'static str,
    bytes: &[u8],
) -> Result<T, ClientError> {
    serde_json::from_slice(bytes).map_err(|e| ClientError::Body {
        url: url.to_string(),
        resource,
        message: e.to_string(),
    })
}

fn join(base: &Url, path: &str) -> Result<Url, ClientError> {
    let mut base = base.clone();
    if !base.path().ends_with('/') {
        base.set_path(&format!("{}/", base.path()));
    }
    base.join(path)
        .map_err(|_| ClientError::Url(path.to_owned()))
}

pub(super) fn collection_url(
    api_root: &Url,
    collection: &str,
    rest: &str,
) -> Result<Url, ClientError> {
    join(
        api_root,
        &format!("collections/{}/{rest}", segment(collection)),
    )
}

/// [`collection_url`] with the filter's query parameters.
fn filtered_url(
    api_root: &Url,
    collection: &str,
    rest: &str,
    filter: &Filter,
) -> Result<Url, ClientError> {
    let mut url = collection_url(api_root, collection, rest)?;
    filter.apply(&mut url);
    Ok(url)
}

/// `objects/{object-id}/{rest}`, relative to a collection.
pub(super) fn object_path(object_id: &str, rest: &str) -> String {
    format!("objects/{}/{rest}", segment(object_id))
}

/// Percent-encodes a path segment (ids are URL-safe; this guards the rest).
pub(super) fn segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests;
