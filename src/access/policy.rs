//! Who may do what. Every use-case asks here; nothing else compares roles.
//! Today there are two roles (admin, user); the full permission model grows in this file.

use super::users::{Role, User};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Create, edit, deactivate users and set their passwords.
    ManageUsers,
    /// Edit the department tree.
    ManageDepartments,
    /// Edit reference lists (company types…).
    ManageReferenceLists,
    /// Read companies and contacts.
    ReadCrm,
    /// Create, edit and delete companies and contacts.
    WriteCrm,
    /// Take, list, download and delete backups.
    ManageBackups,
}

pub fn allowed(user: &User, what: Permission) -> bool {
    if !user.active {
        return false;
    }
    match what {
        Permission::ManageUsers
        | Permission::ManageDepartments
        | Permission::ManageReferenceLists
        | Permission::ManageBackups => user.role == Role::Admin,
        Permission::ReadCrm | Permission::WriteCrm => true,
    }
}

pub fn allow(user: &User, what: Permission) -> Result<()> {
    if allowed(user, what) {
        Ok(())
    } else {
        Err(Error::Forbidden(format!("{what:?} needs the admin role")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role, active: bool) -> User {
        User {
            role,
            active,
            ..User::default()
        }
    }

    #[test]
    fn admins_manage_users_see_and_write_crm() {
        let a = user(Role::Admin, true);
        for p in [
            Permission::ManageUsers,
            Permission::ManageDepartments,
            Permission::ManageReferenceLists,
            Permission::ReadCrm,
            Permission::WriteCrm,
            Permission::ManageBackups,
        ] {
            assert!(allowed(&a, p), "{p:?}");
        }
    }

    #[test]
    fn users_work_the_crm_but_do_not_administer() {
        let u = user(Role::User, true);
        assert!(allowed(&u, Permission::ReadCrm));
        assert!(allowed(&u, Permission::WriteCrm));
        assert!(!allowed(&u, Permission::ManageUsers));
        assert!(!allowed(&u, Permission::ManageDepartments));
        assert!(!allowed(&u, Permission::ManageReferenceLists));
        assert!(!allowed(&u, Permission::ManageBackups));
        assert!(matches!(
            allow(&u, Permission::ManageUsers),
            Err(Error::Forbidden(_))
        ));
    }

    #[test]
    fn deactivated_users_may_do_nothing() {
        for role in [Role::Admin, Role::User] {
            let d = user(role, false);
            assert!(!allowed(&d, Permission::ReadCrm));
            assert!(!allowed(&d, Permission::ManageUsers));
        }
    }
}
