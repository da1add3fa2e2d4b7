//! Who may do what: roles, per-collection grants, and the TAXII rules that
//! turn missing rights into 403 or 404.

use crate::users::{Grant, Role, User};

/// A user's rights on one collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Access {
    pub read: bool,
    pub write: bool,
}

impl Access {
    /// Neither read nor write: the collection is invisible to the user.
    pub fn is_none(&self) -> bool {
        !self.read && !self.write
    }
}

/// The rights of `user` on a collection, given the user's grant for it.
///
/// Laws: administrators may read and write every collection; analysts have
/// exactly what they were granted; readers have at most read, whatever was
/// granted (a grant is never wider than the role).
pub fn collection_access(user: &User, grant: Option<&Grant>) -> Access {
    match user.role {
        Role::Admin => Access {
            read: true,
            write: true,
        },
        Role::Analyst => grant
            .map(|g| Access {
                read: g.read,
                write: g.write,
            })
            .unwrap_or_default(),
        Role::Reader => Access {
            read: grant.is_some_and(|g| g.read),
            write: false,
        },
    }
}

/// What an endpoint requires, and what TAXII says to answer when it is not met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denial {
    /// 404: the client may not learn the collection exists.
    NotFound,
    /// 403: the client knows the collection but lacks the right.
    Forbidden,
}

/// Reading (objects, manifest, versions): a collection without any right is
/// not found; with write but no read, forbidden.
pub fn check_read(access: Access) -> Result<(), Denial> {
    match (access.read, access.write) {
        (true, _) => Ok(()),
        (false, true) => Err(Denial::Forbidden),
        (false, false) => Err(Denial::NotFound),
    }
}

/// Adding objects.
pub fn check_write(access: Access) -> Result<(), Denial> {
    match (access.read, access.write) {
        (_, true) => Ok(()),
        (true, false) => Err(Denial::Forbidden),
        (false, false) => Err(Denial::NotFound),
    }
}

/// Deleting an object needs both rights; the TAXII 2.1 matrix (§5.7) fixes
/// the answer for every combination.
pub fn check_delete(access: Access) -> Result<(), Denial> {
    match (access.read, access.write) {
        (true, true) => Ok(()),
        (false, false) => Err(Denial::NotFound),
        _ => Err(Denial::Forbidden),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role) -> User {
        User {
            name: "u".into(),
            role,
            password_hash: None,
            clearance: crate::federation::Clearance::default(),
        }
    }

    fn grant(read: bool, write: bool) -> Grant {
        Grant {
            user: "u".into(),
            api_root: "r".into(),
            collection_id: "c".into(),
            read,
            write,
        }
    }

    #[test]
    fn roles_bound_grants() {
        assert_eq!(
            collection_access(&user(Role::Admin), None),
            Access {
                read: true,
                write: true
            }
        );
        assert_eq!(
            collection_access(&user(Role::Analyst), None),
            Access::default()
        );
        assert_eq!(
            collection_access(&user(Role::Analyst), Some(&grant(false, true))),
            Access {
                read: false,
                write: true
            }
        );
        assert_eq!(
            collection_access(&user(Role::Reader), Some(&grant(true, true))),
            Access {
                read: true,
                write: false
            }
        );
    }

    #[test]
    fn delete_matrix() {
        let a = |read, write| Access { read, write };
        assert_eq!(check_delete(a(false, false)), Err(Denial::NotFound));
        assert_eq!(check_delete(a(true, false)), Err(Denial::Forbidden));
        assert_eq!(check_delete(a(false, true)), Err(Denial::Forbidden));
        assert_eq!(check_delete(a(true, true)), Ok(()));
        assert_eq!(check_read(a(false, true)), Err(Denial::Forbidden));
        assert_eq!(check_write(a(true, false)), Err(Denial::Forbidden));
        assert_eq!(check_write(a(false, false)), Err(Denial::NotFound));
    }
}
