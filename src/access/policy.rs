//! Who may do what. Every use case asks here; nothing else compares roles or people, and
//! nothing else produces `Error::Forbidden`.
//!
//! The shape, meant to carry roles with scopes (none / own / own + department / department and
//! below / all), per-pipeline and per-stage overrides and closed modules without a rewrite:
//! - an actor's rights are compiled once into [`Grants`] (today from the user's role and
//!   department; later from the roles assigned to them and their departments);
//! - a use case describes the record as plain [`Facts`] (who is responsible, who made it, who
//!   takes part or watches, its department, pipeline and stage, a post's audience) — access
//!   imports nothing from crm or work;
//! - it asks [`Grants::may`] / [`Grants::check`] (403, naming the rule that refused) /
//!   [`Grants::must_see`] (404: what one may not see does not exist for them);
//! - lists ask [`Grants::visibility`] for their filter before they read.
//!
//! Settings rights (users, departments, reference lists, backups) and the coarse CRM rights
//! are [`Permission`]s, checked with [`allow`].

use super::{
    departments,
    users::{Role, User},
};
use crate::error::{Error, Result};

/// A part of the application that can be closed for a role as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Module {
    Crm,
    Tasks,
    Calendar,
    Feed,
    Reports,
    Settings,
}

/// What kind of record a question is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entity {
    Company,
    Contact,
    Lead,
    Deal,
    /// A planned call, meeting or letter on a CRM record.
    Activity,
    Task,
    /// A comment follows its record: who may read that record reads and writes its comments.
    Comment,
    /// A calendar event.
    Event,
    /// A post in the feed (to everyone or to one department and the ones below it).
    Post,
    Reminder,
    /// Someone's open work ("my activities", counters).
    Agenda,
}

impl Entity {
    /// The module the entity belongs to (none: it follows its record or its person).
    pub fn module(self) -> Option<Module> {
        match self {
            Entity::Company | Entity::Contact | Entity::Lead | Entity::Deal | Entity::Activity => {
                Some(Module::Crm)
            }
            Entity::Task | Entity::Agenda => Some(Module::Tasks),
            Entity::Event => Some(Module::Calendar),
            Entity::Post => Some(Module::Feed),
            Entity::Comment | Entity::Reminder => None,
        }
    }
}

/// What one wants to do to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Read,
    Add,
    Edit,
    Delete,
    Export,
    Import,
    /// Work on a task: change its status, tick its checklist.
    Work,
    /// Hand a task to someone else.
    Delegate,
    /// Answer an invitation to an event.
    Respond,
}

/// What the area knows about one record, as plain data. Fields that do not apply stay empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// The responsible: "own" in scopes; the reminded person of a reminder; the owner of an
    /// agenda.
    pub responsible: Option<u64>,
    /// Who made it: a task's creator, an event's organizer, a comment's or post's author, an
    /// activity's or reminder's creator.
    pub author: Option<u64>,
    /// Who works on it: a task's participants, an event's attendees.
    pub participants: Vec<u64>,
    /// Who watches it: a task's observers. Participants and observers always read.
    pub observers: Vec<u64>,
    /// The department of the responsible (for department scopes).
    pub department: Option<u64>,
    /// A deal's pipeline and stage (for per-pipeline and per-stage overrides).
    pub pipeline: Option<u64>,
    pub stage: Option<u64>,
    /// The department a post is addressed to (with the ones below it); none: everyone.
    pub audience: Option<u64>,
}

impl Facts {
    /// A record whose responsible is `user`.
    pub fn owned_by(user: u64) -> Facts {
        Facts {
            responsible: Some(user),
            ..Facts::default()
        }
    }

    fn is_responsible(&self, user: u64) -> bool {
        self.responsible == Some(user)
    }

    fn is_author(&self, user: u64) -> bool {
        self.author == Some(user)
    }

    fn takes_part(&self, user: u64) -> bool {
        self.participants.contains(&user)
    }

    /// One of the record's people: responsible, author, participant or observer.
    fn involves(&self, user: u64) -> bool {
        self.is_responsible(user)
            || self.is_author(user)
            || self.takes_part(user)
            || self.observers.contains(&user)
    }
}

/// Which records of an entity a list may show, decided before it reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visibility {
    /// Every record.
    All,
    /// Only records the user is one of the people of (responsible, author, participant,
    /// observer): lists read the per-person indexes.
    Involved,
    /// Ask [`Grants::may`] for each record (e.g. posts by audience).
    EachRecord,
    /// Nothing.
    Nothing,
}

/// One user's rights, compiled once for a request or a use case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grants {
    pub user_id: u64,
    active: bool,
    role: Role,
    /// The user's department and every department above it: "in department D or one of its
    /// sub-departments" is `departments.contains(D)`.
    departments: Vec<u64>,
}

impl Grants {
    /// The rights of a user whose department chain (own department first, then the ones
    /// above it) is already known.
    pub fn new(user: &User, departments: Vec<u64>) -> Grants {
        Grants {
            user_id: user.id,
            active: user.active,
            role: user.role,
            departments,
        }
    }

    /// The rights of a user, reading where they sit in the department tree.
    pub fn load(src: &impl departments::Source, user: &User) -> Result<Grants> {
        Ok(Grants::new(
            user,
            departments::chain(src, user.department_id)?,
        ))
    }

    fn admin(&self) -> bool {
        self.active && self.role == Role::Admin
    }

    /// Is the module open to the user? Today every module is open to every active user.
    pub fn module_open(&self, _m: Module) -> bool {
        self.active
    }

    /// A settings right or a coarse CRM right.
    pub fn permits(&self, what: Permission) -> bool {
        if !self.active {
            return false;
        }
        match what {
            Permission::ManageUsers
            | Permission::ManageDepartments
            | Permission::ManageReferenceLists
            | Permission::ManageBackups => self.admin(),
            Permission::ReadCrm | Permission::WriteCrm => self.module_open(Module::Crm),
        }
    }

    /// The rule that refuses `action` on the record, or None when it is allowed.
    pub fn refusal(&self, entity: Entity, action: Action, f: &Facts) -> Option<&'static str> {
        use Action::*;
        if !self.active {
            return Some("the account is deactivated");
        }
        if let Some(m) = entity.module()
            && !self.module_open(m)
        {
            return Some("the module is closed for this role");
        }
        let me = self.user_id;
        let admin = self.admin();
        let rule = |allowed: bool, why: &'static str| (!allowed).then_some(why);
        match entity {
            // Every user has the "all" scope on CRM records today.
            Entity::Company | Entity::Contact | Entity::Lead | Entity::Deal => None,
            Entity::Activity => match action {
                Read | Add | Export => None,
                _ => rule(
                    admin || f.is_responsible(me) || f.is_author(me),
                    "only the responsible, the author or an admin changes an activity",
                ),
            },
            Entity::Task => match action {
                Add => None,
                Read | Export => rule(
                    admin || f.involves(me),
                    "only the task's people and admins see a task",
                ),
                Edit => rule(
                    admin || f.is_author(me) || f.is_responsible(me),
                    "only the creator, the responsible or an admin edits a task",
                ),
                Delegate => rule(
                    admin || f.is_author(me) || f.is_responsible(me),
                    "only the responsible, the creator or an admin delegates a task",
                ),
                Work => rule(
                    admin || f.is_author(me) || f.is_responsible(me) || f.takes_part(me),
                    "observers cannot change a task's status or checklist",
                ),
                Delete => rule(
                    admin || f.is_author(me),
                    "only the creator or an admin deletes a task",
                ),
                Import | Respond => Some("tasks are not imported or answered"),
            },
            // Calendars are open in the office: everyone reads every event.
            Entity::Event => match action {
                Read | Add | Export => None,
                Respond => rule(f.takes_part(me), "only attendees answer an invitation"),
                _ => rule(
                    admin || f.is_author(me),
                    "only the organizer or an admin changes an event",
                ),
            },
            // Reading and writing comments follows the record; only changing one is decided here.
            Entity::Comment => match action {
                Read | Add => None,
                Edit => rule(f.is_author(me), "only the author edits a comment"),
                _ => rule(
                    admin || f.is_author(me),
                    "only the author or an admin deletes a comment",
                ),
            },
            Entity::Post => match action {
                Add => None,
                Read | Export => rule(
                    match f.audience {
                        None => true,
                        Some(d) => admin || f.is_author(me) || self.departments.contains(&d),
                    },
                    "the post is for another department",
                ),
                _ => rule(
                    admin || f.is_author(me),
                    "only the author or an admin deletes a post",
                ),
            },
            // Anyone may remind anyone (of a record they can see); a reminder is then personal.
            Entity::Reminder => match action {
                Add => None,
                _ => rule(
                    admin || f.is_responsible(me) || f.is_author(me),
                    "only its author or the reminded person deletes a reminder",
                ),
            },
            Entity::Agenda => rule(
                action == Read && (admin || f.responsible.is_none_or(|u| u == me)),
                "only admins open someone else's agenda",
            ),
        }
    }

    /// May the user do `action` to the record?
    pub fn may(&self, entity: Entity, action: Action, f: &Facts) -> bool {
        self.refusal(entity, action, f).is_none()
    }

    /// Refuses (403, naming the rule) unless the user may do `action` to the record.
    pub fn check(&self, entity: Entity, action: Action, f: &Facts) -> Result<()> {
        match self.refusal(entity, action, f) {
            None => Ok(()),
            Some(why) => Err(Error::Forbidden(why.into())),
        }
    }

    /// Answers 404 (`what` not found) unless the user may read the record: what one may not
    /// see does not exist for them.
    pub fn must_see(&self, entity: Entity, f: &Facts, what: &'static str) -> Result<()> {
        if self.may(entity, Action::Read, f) {
            Ok(())
        } else {
            Err(Error::NotFound(what))
        }
    }

    /// Which records of `entity` a list may show.
    pub fn visibility(&self, entity: Entity) -> Visibility {
        if !self.active || entity.module().is_some_and(|m| !self.module_open(m)) {
            return Visibility::Nothing;
        }
        match entity {
            Entity::Task | Entity::Reminder if !self.admin() => Visibility::Involved,
            Entity::Post if !self.admin() => Visibility::EachRecord,
            _ => Visibility::All,
        }
    }

    /// Refuses a permission (403, naming it).
    pub fn allow(&self, what: Permission) -> Result<()> {
        if self.permits(what) {
            Ok(())
        } else if !self.active {
            Err(Error::Forbidden("the account is deactivated".into()))
        } else {
            Err(Error::Forbidden(format!("{what:?} needs the admin role")))
        }
    }
}

/// Settings rights, and the coarse CRM rights the CRM use cases ask today (they move to
/// `Grants::check(Entity, Action, Facts)` when roles get per-entity scopes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// Create, edit, deactivate users and set their passwords; mail settings.
    ManageUsers,
    /// Edit the department tree.
    ManageDepartments,
    /// Edit reference lists (company types…), pipelines, custom fields, currencies.
    ManageReferenceLists,
    /// Read companies and contacts.
    ReadCrm,
    /// Create, edit and delete companies and contacts.
    WriteCrm,
    /// Take, list, download and delete backups.
    ManageBackups,
}

/// The rights of a user for the questions that need no department (all but posts).
fn role_only(user: &User) -> Grants {
    Grants::new(user, Vec::new())
}

pub fn allowed(user: &User, what: Permission) -> bool {
    role_only(user).permits(what)
}

pub fn allow(user: &User, what: Permission) -> Result<()> {
    role_only(user).allow(what)
}

/// Refuses a change to users that would leave no active admin (409: a state, not a right).
pub fn keep_an_admin(old: &User, role: Role, active: bool, active_admins: usize) -> Result<()> {
    let loses_admin = old.role == Role::Admin && old.active && (role != Role::Admin || !active);
    if loses_admin && active_admins <= 1 {
        return Err(Error::Conflict(
            "this is the last active admin: make someone else admin first".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
#[path = "policy_tests.rs"]
mod tests;
