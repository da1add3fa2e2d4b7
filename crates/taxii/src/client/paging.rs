//! Following pagination to the end, and waiting for a status.

use std::time::Duration;

use reqwest::Url;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use super::{Client, ClientError, Filter, Paged, collection_url, object_path};
use crate::resources::{Envelope, Manifest, ManifestRecord, StatusResource, Versions};

impl Client {
    /// Polls a status every `interval` until it is complete or `timeout` passes.
    pub async fn wait_for_status(
        &self,
        api_root: &Url,
        mut status: StatusResource,
        interval: Duration,
        timeout: Duration,
    ) -> Result<StatusResource, ClientError> {
        let start = tokio::time::Instant::now();
        while !status.is_complete() {
            if start.elapsed() >= timeout {
                return Err(ClientError::StatusTimeout {
                    id: status.id,
                    waited: start.elapsed(),
                });
            }
            tokio::time::sleep(interval).await;
            status = self.status(api_root, &status.id).await?;
        }
        Ok(status)
    }

    /// Every object matching `filter`, following pagination pages of
    /// `page_size` (by `next`, or by `X-TAXII-Date-Added-Last` when the
    /// server gives no `next`).
    pub async fn all_objects(
        &self,
        api_root: &Url,
        collection: &str,
        filter: &Filter,
        page_size: u64,
    ) -> Result<Vec<Box<RawValue>>, ClientError> {
        let url = collection_url(api_root, collection, "objects/")?;
        self.collect_pages(url, filter, page_size, "envelope", |e: Envelope| {
            (e.more, e.next, e.objects)
        })
        .await
    }

    /// Every manifest record matching `filter`, following pagination.
    pub async fn all_manifest(
        &self,
        api_root: &Url,
        collection: &str,
        filter: &Filter,
        page_size: u64,
    ) -> Result<Vec<ManifestRecord>, ClientError> {
        let url = collection_url(api_root, collection, "manifest/")?;
        self.collect_pages(url, filter, page_size, "manifest", |m: Manifest| {
            (m.more, m.next, m.objects)
        })
        .await
    }

    /// Every version of an object matching `filter`, following pagination.
    pub async fn all_versions(
        &self,
        api_root: &Url,
        collection: &str,
        object_id: &str,
        filter: &Filter,
        page_size: u64,
    ) -> Result<Vec<String>, ClientError> {
        let url = collection_url(api_root, collection, &object_path(object_id, "versions/"))?;
        self.collect_pages(url, filter, page_size, "versions", |v: Versions| {
            (v.more, v.next, v.versions)
        })
        .await
    }

    async fn collect_pages<T: DeserializeOwned, I>(
        &self,
        base: Url,
        filter: &Filter,
        page_size: u64,
        resource: &'static str,
        split: impl Fn(T) -> (bool, Option<String>, Vec<I>),
    ) -> Result<Vec<I>, ClientError> {
        let mut filter = Filter {
            limit: Some(page_size.max(1)),
            next: None,
            ..filter.clone()
        };
        let mut items = Vec::new();
        loop {
            let mut url = base.clone();
            filter.apply(&mut url);
            let page: Paged<T> = self.get_json(url, resource).await?;
            let (more, next, mut page_items) = split(page.body);
            items.append(&mut page_items);
            if !more {
                return Ok(items);
            }
            let before = (filter.next.clone(), filter.added_after.clone());
            match (next, page.date_added_last) {
                (Some(next), _) => filter.next = Some(next),
                (None, Some(last)) => {
                    filter.next = None;
                    filter.added_after = Some(last);
                }
                // More is promised but there is no way to ask for it.
                (None, None) => return Ok(items),
            }
            if (filter.next.clone(), filter.added_after.clone()) == before {
                return Err(ClientError::Stalled {
                    url: base.to_string(),
                });
            }
        }
    }
}
