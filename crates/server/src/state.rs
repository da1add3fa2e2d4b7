//! The state every handler shares: the store, the clock, the settings and
//! the authentication cache. One [`AppState`] per server; several servers
//! (with their own stores) can run in one process.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use liaison_core::Store;
use liaison_core::clock::Clock;

use crate::auth::AuthCache;
use crate::federation::Federation;

/// Settings of the HTTP application.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `title` of the discovery resource.
    pub title: String,
    /// `description` of the discovery resource.
    pub description: Option<String>,
    /// `contact` of the discovery resource.
    pub contact: Option<String>,
    /// The API root named as `default` in discovery (when it exists).
    pub default_api_root: Option<String>,
    /// Largest page any paginated endpoint returns; a client's `limit`
    /// above it is lowered to it.
    pub max_page_size: usize,
    /// How long a successful password verification is remembered.
    pub auth_cache_ttl: Duration,
    /// How many verifications are remembered at most.
    pub auth_cache_capacity: usize,
    /// Largest admin API request body, in bytes.
    pub max_admin_body: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            title: "Liaison".to_owned(),
            description: None,
            contact: None,
            default_api_root: None,
            max_page_size: 1000,
            auth_cache_ttl: Duration::from_secs(60),
            auth_cache_capacity: 10_000,
            max_admin_body: 64 * 1024,
        }
    }
}

/// Shared state of one server.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub settings: Arc<Settings>,
    pub(crate) auth_cache: Arc<AuthCache>,
    /// The node as a member of a commonwealth: empty on a plain TAXII
    /// server (no agreement adopted), set once when it joins one, at start
    /// or later while it runs (shared by every clone of the state).
    federation: Arc<OnceLock<Arc<Federation>>>,
}

impl AppState {
    /// State over `store`, reading time from `clock`.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, settings: Settings) -> Self {
        let auth_cache = Arc::new(AuthCache::new(
            settings.auth_cache_ttl,
            settings.auth_cache_capacity,
        ));
        AppState {
            store,
            clock,
            settings: Arc::new(settings),
            auth_cache,
            federation: Arc::default(),
        }
    }

    /// The same state, as a member of a commonwealth.
    pub fn with_federation(self, federation: Arc<Federation>) -> Self {
        self.join(federation);
        self
    }

    /// Makes the node a member of a commonwealth from now on, for every
    /// clone of this state (the handlers of a running server too); false
    /// when it already was one (a node joins one commonwealth, once).
    pub fn join(&self, federation: Arc<Federation>) -> bool {
        self.federation.set(federation).is_ok()
    }

    /// The node as a member of its commonwealth, once it joined one.
    pub fn federation(&self) -> Option<&Arc<Federation>> {
        self.federation.get()
    }

    /// How many password verifications are remembered (monitoring, tests).
    pub fn auth_cache_len(&self) -> usize {
        self.auth_cache.len()
    }
}
