//! Earlier items for a new member: an admitted member receives what is
//! shared with `all` after its admission; the originator may also send it
//! what it shared with `all` before (`liaison resend --to NAME ID...`).
//!
//! Law: only what this node itself shared with `all` can be sent again
//! (never what it received: a member never forwards another member's
//! object), as a new share of the latest version to that member alone,
//! with a provenance record naming it; recipients in good standing only.

use liaison_stix::json::{self, Value};

use crate::Store;
use crate::exchange_ops::{
    self, EXCHANGE_API_ROOT, MembershipSource, NodeIdentity, ShareReport, outbound_alias,
};
use crate::federation::Audience;
use crate::objects::{ObjectQuery, VersionFilter};

use super::CouncilError;

/// Most ids one call sends again.
pub const MAX_RESEND: usize = 1000;

/// Shares again with member `to` the latest version of each object of
/// `object_ids` this node shared with `all`, on behalf of local user
/// `user`. Fails, changing nothing, if an id was not shared with `all` by
/// this node.
pub async fn resend(
    store: &dyn Store,
    node: &NodeIdentity,
    membership: &dyn MembershipSource,
    to: &str,
    object_ids: &[String],
    user: &str,
    now_micros: i64,
) -> Result<ShareReport, CouncilError> {
    if object_ids.is_empty() || object_ids.len() > MAX_RESEND {
        return Err(CouncilError::Invalid(format!(
            "give 1 to {MAX_RESEND} object ids to send again"
        )));
    }
    let alias = outbound_alias(None);
    let Some(collection) = store.collection(EXCHANGE_API_ROOT, &alias).await? else {
        return Err(CouncilError::Invalid(format!(
            "this node has no {alias} collection: it shared nothing with all"
        )));
    };
    let page = store
        .query_objects(&ObjectQuery {
            api_root: EXCHANGE_API_ROOT.to_owned(),
            collection_id: collection.id,
            added_after: None,
            ids: object_ids.to_vec(),
            types: Vec::new(),
            versions: VersionFilter::Some {
                first: false,
                last: true,
                exact: Vec::new(),
            },
            spec_versions: Vec::new(),
            limit: object_ids.len(),
            manifest_only: false,
            max_tlp: None,
        })
        .await?;
    if let Some(missing) = object_ids
        .iter()
        .find(|id| !page.items.iter().any(|o| &o.id == *id))
    {
        return Err(CouncilError::Invalid(format!(
            "{missing} was not shared with all by this node: only those objects are sent again"
        )));
    }
    let values: Vec<Value<'_>> = page
        .items
        .iter()
        .map(|o| json::parse(&o.json))
        .collect::<Result<_, _>>()
        .map_err(|e| CouncilError::Invalid(format!("a stored object does not read: {e}")))?;
    let audience = Audience::Members(vec![to.to_owned()]);
    Ok(exchange_ops::share(
        store, node, membership, &values, &audience, user, now_micros,
    )
    .await?)
}
