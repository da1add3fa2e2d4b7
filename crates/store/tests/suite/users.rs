//! Users, grants and tokens.

use std::sync::Arc;

use liaison_core::clock::ManualClock;
use liaison_core::federation::Clearance;
use liaison_core::users::{Grant, Role, TokenRecord, User};
use liaison_core::{Store, StoreError};

use super::*;

fn user(name: &str, role: Role) -> User {
    User {
        name: name.into(),
        role,
        password_hash: Some(format!("$argon2id$v=19$m=19456,t=2,p=1$salt${name}")),
        clearance: Clearance::default(),
    }
}

fn token(id: &str, user: &str, created: i64) -> TokenRecord {
    TokenRecord {
        id: id.into(),
        user: user.into(),
        label: format!("label of {id}"),
        secret_digest: format!("{:0>64}", id),
        created,
    }
}

fn grant(user: &str, c: &Collection, read: bool, write: bool) -> Grant {
    Grant {
        user: user.into(),
        api_root: c.api_root.clone(),
        collection_id: c.id.clone(),
        read,
        write,
    }
}

pub async fn users_round_trip(store: Arc<dyn Store>, _clock: Arc<ManualClock>) {
    let s = store.as_ref();
    assert_eq!(s.users().await.unwrap(), vec![]);
    let (bob, alice) = (
        user("bob", Role::Reader),
        User {
            password_hash: None,
            ..user("alice", Role::Admin)
        },
    );
    s.create_user(&bob).await.unwrap();
    s.create_user(&alice).await.unwrap();
    assert!(matches!(
        s.create_user(&user("bob", Role::Admin)).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        s.users().await.unwrap(),
        vec![alice.clone(), bob.clone()],
        "by name"
    );
    assert_eq!(s.user("alice").await.unwrap(), Some(alice));
    assert_eq!(s.user("carol").await.unwrap(), None);

    let promoted = User {
        role: Role::Analyst,
        password_hash: Some("$argon2id$new".into()),
        ..bob
    };
    s.update_user(&promoted).await.unwrap();
    assert_eq!(s.user("bob").await.unwrap(), Some(promoted));
    assert!(matches!(
        s.update_user(&user("carol", Role::Reader)).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        s.delete_user("carol").await,
        Err(StoreError::NotFound(_))
    ));
    s.delete_user("bob").await.unwrap();
    assert_eq!(s.users().await.unwrap().len(), 1);
}

pub async fn grants_round_trip(store: Arc<dyn Store>, _clock: Arc<ManualClock>) {
    let s = store.as_ref();
    let (c1, c2) = (
        collection(s, None).await,
        collection(s, Some("second")).await,
    );
    s.create_user(&user("ann", Role::Analyst)).await.unwrap();
    assert_eq!(s.grant("ann", ROOT, &c1.id).await.unwrap(), None);

    s.set_grant(&grant("ann", &c2, true, false)).await.unwrap();
    s.set_grant(&grant("ann", &c1, true, false)).await.unwrap();
    s.set_grant(&grant("ann", &c1, true, true)).await.unwrap();
    assert_eq!(
        s.grant("ann", ROOT, &c1.id).await.unwrap(),
        Some(grant("ann", &c1, true, true))
    );
    assert_eq!(
        s.grants_of("ann").await.unwrap(),
        vec![
            grant("ann", &c1, true, true),
            grant("ann", &c2, true, false)
        ],
        "in collection order"
    );
    // No rights at all removes the grant.
    s.set_grant(&grant("ann", &c2, false, false)).await.unwrap();
    assert_eq!(s.grant("ann", ROOT, &c2.id).await.unwrap(), None);
    assert_eq!(s.grants_of("ann").await.unwrap().len(), 1);
    s.set_grant(&grant("ann", &c2, false, false)).await.unwrap();

    assert!(matches!(
        s.set_grant(&grant("nobody", &c1, true, false)).await,
        Err(StoreError::NotFound(_))
    ));
    let mut missing = c1.clone();
    missing.id = liaison_core::model::new_uuid_v4();
    assert!(matches!(
        s.set_grant(&grant("ann", &missing, true, false)).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(s.grants_of("nobody").await.unwrap(), vec![]);
}

pub async fn tokens_round_trip(store: Arc<dyn Store>, _clock: Arc<ManualClock>) {
    let s = store.as_ref();
    s.create_user(&user("ann", Role::Analyst)).await.unwrap();
    s.create_user(&user("ben", Role::Reader)).await.unwrap();
    let (t1, t2, t3) = (
        token("tokB", "ann", 20),
        token("tokA", "ann", 10),
        token("tokC", "ben", 5),
    );
    for t in [&t1, &t2, &t3] {
        s.create_token(t).await.unwrap();
    }
    assert!(matches!(
        s.create_token(&token("tokB", "ben", 1)).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        s.create_token(&token("tokD", "nobody", 1)).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(s.token("tokA").await.unwrap(), Some(t2.clone()));
    assert_eq!(s.token("nope").await.unwrap(), None);
    assert_eq!(
        s.tokens_of("ann").await.unwrap(),
        vec![t2, t1.clone()],
        "by creation time"
    );
    s.delete_token("tokA").await.unwrap();
    assert!(matches!(
        s.delete_token("tokA").await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(s.tokens_of("ann").await.unwrap(), vec![t1]);
    assert_eq!(s.tokens_of("ben").await.unwrap(), vec![t3]);
}

pub async fn deleting_a_user_cascades(store: Arc<dyn Store>, _clock: Arc<ManualClock>) {
    let s = store.as_ref();
    let c = collection(s, None).await;
    for name in ["ann", "ben"] {
        s.create_user(&user(name, Role::Analyst)).await.unwrap();
        s.set_grant(&grant(name, &c, true, true)).await.unwrap();
        s.create_token(&token(&format!("{name}-token"), name, 1))
            .await
            .unwrap();
    }
    s.delete_user("ann").await.unwrap();
    assert_eq!(s.user("ann").await.unwrap(), None);
    assert_eq!(s.grants_of("ann").await.unwrap(), vec![]);
    assert_eq!(s.tokens_of("ann").await.unwrap(), vec![]);
    assert_eq!(
        s.token("ann-token").await.unwrap(),
        None,
        "a token never outlives its user"
    );
    // A new user of the same name inherits nothing.
    s.create_user(&user("ann", Role::Analyst)).await.unwrap();
    assert_eq!(s.grant("ann", ROOT, &c.id).await.unwrap(), None);
    // Others are untouched.
    assert_eq!(s.grants_of("ben").await.unwrap().len(), 1);
    assert!(s.token("ben-token").await.unwrap().is_some());
}

pub async fn clearances_round_trip(store: Arc<dyn Store>, _clock: Arc<ManualClock>) {
    let s = store.as_ref();
    let plain = user("ann", Role::Reader);
    assert_eq!(plain.clearance, Clearance::Standard);
    let cleared = User {
        clearance: Clearance::Red,
        ..user("ben", Role::Analyst)
    };
    s.create_user(&plain).await.unwrap();
    s.create_user(&cleared).await.unwrap();
    assert_eq!(s.user("ann").await.unwrap(), Some(plain.clone()));
    assert_eq!(s.user("ben").await.unwrap(), Some(cleared.clone()));

    // update_user replaces the clearance with the rest.
    let raised = User {
        clearance: Clearance::AmberStrict,
        ..plain
    };
    s.update_user(&raised).await.unwrap();
    let lowered = User {
        clearance: Clearance::Standard,
        ..cleared
    };
    s.update_user(&lowered).await.unwrap();
    assert_eq!(s.users().await.unwrap(), vec![raised, lowered]);
}
