//! One test per rule of the policy: admins and users, deactivated accounts, the people of a
//! task, events, comments, posts and their audience, reminders, agendas, the last admin.

use super::*;

const ME: u64 = 10;
const OTHER: u64 = 20;
const THIRD: u64 = 30;

fn user(id: u64, role: Role, active: bool) -> User {
    User {
        id,
        role,
        active,
        ..User::default()
    }
}

fn admin() -> Grants {
    Grants::new(&user(ME, Role::Admin, true), Vec::new())
}

fn member() -> Grants {
    Grants::new(&user(ME, Role::User, true), Vec::new())
}

fn gone(role: Role) -> Grants {
    Grants::new(&user(ME, role, false), Vec::new())
}

/// A task made by OTHER, with THIRD responsible, and `me_as` deciding where ME sits.
fn task(me_as: &str) -> Facts {
    let mut f = Facts {
        author: Some(OTHER),
        responsible: Some(THIRD),
        ..Facts::default()
    };
    match me_as {
        "creator" => f.author = Some(ME),
        "responsible" => f.responsible = Some(ME),
        "participant" => f.participants = vec![ME],
        "observer" => f.observers = vec![ME],
        _ => {}
    }
    f
}

fn by(author: u64) -> Facts {
    Facts {
        author: Some(author),
        ..Facts::default()
    }
}

const CRM: [Entity; 4] = [Entity::Company, Entity::Contact, Entity::Lead, Entity::Deal];
const ALL_ACTIONS: [Action; 9] = [
    Action::Read,
    Action::Add,
    Action::Edit,
    Action::Delete,
    Action::Export,
    Action::Import,
    Action::Work,
    Action::Delegate,
    Action::Respond,
];

#[test]
fn admins_manage_users_see_and_write_crm() {
    let a = user(1, Role::Admin, true);
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
    let u = user(1, Role::User, true);
    assert!(allowed(&u, Permission::ReadCrm));
    assert!(allowed(&u, Permission::WriteCrm));
    assert!(!allowed(&u, Permission::ManageUsers));
    assert!(!allowed(&u, Permission::ManageDepartments));
    assert!(!allowed(&u, Permission::ManageReferenceLists));
    assert!(!allowed(&u, Permission::ManageBackups));
    assert!(matches!(
        allow(&u, Permission::ManageUsers),
        Err(Error::Forbidden(m)) if m.contains("ManageUsers")
    ));
    assert!(allow(&u, Permission::ReadCrm).is_ok());
}

#[test]
fn deactivated_users_may_do_nothing() {
    for role in [Role::Admin, Role::User] {
        let d = user(1, role, false);
        assert!(!allowed(&d, Permission::ReadCrm));
        assert!(!allowed(&d, Permission::ManageUsers));
        let g = gone(role);
        for e in [Entity::Company, Entity::Task, Entity::Event, Entity::Post] {
            for a in ALL_ACTIONS {
                assert!(!g.may(e, a, &Facts::owned_by(ME)), "{role:?} {e:?} {a:?}");
            }
            assert_eq!(g.visibility(e), Visibility::Nothing);
            assert!(!g.module_open(Module::Crm));
        }
        assert!(matches!(
            g.check(Entity::Company, Action::Read, &Facts::default()),
            Err(Error::Forbidden(m)) if m.contains("deactivated")
        ));
    }
}

#[test]
fn everyone_has_every_crm_record_today() {
    for g in [admin(), member()] {
        for e in CRM {
            for a in [
                Action::Read,
                Action::Add,
                Action::Edit,
                Action::Delete,
                Action::Export,
                Action::Import,
            ] {
                assert!(g.may(e, a, &Facts::owned_by(OTHER)), "{e:?} {a:?}");
            }
            assert_eq!(g.visibility(e), Visibility::All);
        }
        assert!(g.module_open(Module::Crm));
    }
}

#[test]
fn activities_change_by_their_responsible_author_or_an_admin() {
    let u = member();
    let theirs = Facts {
        responsible: Some(OTHER),
        author: Some(THIRD),
        ..Facts::default()
    };
    assert!(u.may(Entity::Activity, Action::Read, &theirs));
    assert!(u.may(Entity::Activity, Action::Add, &theirs));
    for a in [Action::Edit, Action::Delete, Action::Work] {
        assert!(!u.may(Entity::Activity, a, &theirs), "{a:?}");
        assert!(u.may(Entity::Activity, a, &Facts::owned_by(ME)), "{a:?}");
        assert!(u.may(Entity::Activity, a, &by(ME)), "{a:?}");
        assert!(admin().may(Entity::Activity, a, &theirs), "{a:?}");
    }
    assert!(matches!(
        u.check(Entity::Activity, Action::Edit, &theirs),
        Err(Error::Forbidden(m)) if m.contains("activity")
    ));
}

#[test]
fn a_task_is_seen_by_its_people_and_admins_only() {
    let u = member();
    for who in ["creator", "responsible", "participant", "observer"] {
        assert!(u.may(Entity::Task, Action::Read, &task(who)), "{who}");
        assert!(
            u.must_see(Entity::Task, &task(who), "task").is_ok(),
            "{who}"
        );
    }
    assert!(!u.may(Entity::Task, Action::Read, &task("stranger")));
    assert!(matches!(
        u.must_see(Entity::Task, &task("stranger"), "task"),
        Err(Error::NotFound("task"))
    ));
    assert!(admin().may(Entity::Task, Action::Read, &task("stranger")));
    assert!(u.may(Entity::Task, Action::Add, &Facts::default()));
    assert_eq!(u.visibility(Entity::Task), Visibility::Involved);
    assert_eq!(admin().visibility(Entity::Task), Visibility::All);
}

#[test]
fn a_task_is_edited_and_delegated_by_its_creator_responsible_or_an_admin() {
    let u = member();
    for a in [Action::Edit, Action::Delegate] {
        assert!(u.may(Entity::Task, a, &task("creator")), "{a:?}");
        assert!(u.may(Entity::Task, a, &task("responsible")), "{a:?}");
        assert!(!u.may(Entity::Task, a, &task("participant")), "{a:?}");
        assert!(!u.may(Entity::Task, a, &task("observer")), "{a:?}");
        assert!(!u.may(Entity::Task, a, &task("stranger")), "{a:?}");
        assert!(admin().may(Entity::Task, a, &task("stranger")), "{a:?}");
    }
}

#[test]
fn observers_may_not_change_a_tasks_status_but_participants_may() {
    let u = member();
    assert!(u.may(Entity::Task, Action::Work, &task("participant")));
    assert!(u.may(Entity::Task, Action::Work, &task("creator")));
    assert!(u.may(Entity::Task, Action::Work, &task("responsible")));
    assert!(admin().may(Entity::Task, Action::Work, &task("stranger")));
    assert!(matches!(
        u.check(Entity::Task, Action::Work, &task("observer")),
        Err(Error::Forbidden(m)) if m.contains("observers")
    ));
}

#[test]
fn only_the_creator_or_an_admin_deletes_a_task() {
    let u = member();
    assert!(u.may(Entity::Task, Action::Delete, &task("creator")));
    assert!(admin().may(Entity::Task, Action::Delete, &task("stranger")));
    for who in ["responsible", "participant", "observer", "stranger"] {
        assert!(!u.may(Entity::Task, Action::Delete, &task(who)), "{who}");
    }
}

#[test]
fn the_organizer_or_an_admin_changes_an_event_attendees_answer() {
    let u = member();
    let event = Facts {
        author: Some(OTHER),
        participants: vec![ME],
        ..Facts::default()
    };
    assert!(u.may(Entity::Event, Action::Read, &event));
    assert!(u.may(Entity::Event, Action::Add, &event));
    assert!(u.may(Entity::Event, Action::Respond, &event));
    for a in [Action::Edit, Action::Delete] {
        assert!(!u.may(Entity::Event, a, &event), "{a:?}");
        assert!(u.may(Entity::Event, a, &by(ME)), "{a:?}");
        assert!(admin().may(Entity::Event, a, &event), "{a:?}");
    }
    // Not invited: not even an admin answers for others.
    assert!(!admin().may(Entity::Event, Action::Respond, &by(OTHER)));
    assert!(matches!(
        u.check(Entity::Event, Action::Respond, &by(OTHER)),
        Err(Error::Forbidden(m)) if m.contains("attendees")
    ));
}

#[test]
fn the_author_edits_a_comment_the_author_or_an_admin_deletes_it() {
    let u = member();
    assert!(u.may(Entity::Comment, Action::Edit, &by(ME)));
    assert!(!u.may(Entity::Comment, Action::Edit, &by(OTHER)));
    // Editing someone's words is theirs alone, even for an admin.
    assert!(!admin().may(Entity::Comment, Action::Edit, &by(OTHER)));
    assert!(u.may(Entity::Comment, Action::Delete, &by(ME)));
    assert!(!u.may(Entity::Comment, Action::Delete, &by(OTHER)));
    assert!(admin().may(Entity::Comment, Action::Delete, &by(OTHER)));
    assert!(u.may(Entity::Comment, Action::Add, &Facts::default()));
}

#[test]
fn a_post_reaches_its_department_and_the_ones_below() {
    const SALES: u64 = 1;
    const SALES_KYIV: u64 = 2;
    const EDITORS: u64 = 3;
    // ME works in Kyiv sales, which sits under sales.
    let kyiv = Grants::new(&user(ME, Role::User, true), vec![SALES_KYIV, SALES]);
    let post_to = |d: Option<u64>, author: u64| Facts {
        author: Some(author),
        audience: d,
        ..Facts::default()
    };
    assert!(kyiv.may(Entity::Post, Action::Read, &post_to(None, OTHER)));
    assert!(kyiv.may(Entity::Post, Action::Read, &post_to(Some(SALES), OTHER)));
    assert!(kyiv.may(
        Entity::Post,
        Action::Read,
        &post_to(Some(SALES_KYIV), OTHER)
    ));
    assert!(!kyiv.may(Entity::Post, Action::Read, &post_to(Some(EDITORS), OTHER)));
    // The head office (sales) does not read what was posted to a department below it.
    let head = Grants::new(&user(ME, Role::User, true), vec![SALES]);
    assert!(!head.may(
        Entity::Post,
        Action::Read,
        &post_to(Some(SALES_KYIV), OTHER)
    ));
    // Nobody's department: only posts to everyone.
    assert!(!member().may(Entity::Post, Action::Read, &post_to(Some(SALES), OTHER)));
    // Its author and admins always read it.
    assert!(member().may(Entity::Post, Action::Read, &post_to(Some(EDITORS), ME)));
    assert!(admin().may(Entity::Post, Action::Read, &post_to(Some(EDITORS), OTHER)));
    assert_eq!(kyiv.visibility(Entity::Post), Visibility::EachRecord);
    assert_eq!(admin().visibility(Entity::Post), Visibility::All);
}

#[test]
fn the_author_or_an_admin_deletes_a_post() {
    assert!(member().may(Entity::Post, Action::Delete, &by(ME)));
    assert!(!member().may(Entity::Post, Action::Delete, &by(OTHER)));
    assert!(admin().may(Entity::Post, Action::Delete, &by(OTHER)));
    assert!(member().may(Entity::Post, Action::Add, &Facts::default()));
}

#[test]
fn a_reminder_belongs_to_the_reminded_person_and_its_author() {
    let u = member();
    let mine = Facts {
        responsible: Some(ME),
        author: Some(OTHER),
        ..Facts::default()
    };
    let set_by_me = Facts {
        responsible: Some(OTHER),
        author: Some(ME),
        ..Facts::default()
    };
    let theirs = Facts {
        responsible: Some(OTHER),
        author: Some(THIRD),
        ..Facts::default()
    };
    for a in [Action::Read, Action::Delete] {
        assert!(u.may(Entity::Reminder, a, &mine), "{a:?}");
        assert!(u.may(Entity::Reminder, a, &set_by_me), "{a:?}");
        assert!(!u.may(Entity::Reminder, a, &theirs), "{a:?}");
        assert!(admin().may(Entity::Reminder, a, &theirs), "{a:?}");
    }
    assert!(u.may(Entity::Reminder, Action::Add, &theirs));
    assert_eq!(u.visibility(Entity::Reminder), Visibility::Involved);
    assert_eq!(admin().visibility(Entity::Reminder), Visibility::All);
}

#[test]
fn only_admins_open_someone_elses_agenda() {
    assert!(member().may(Entity::Agenda, Action::Read, &Facts::owned_by(ME)));
    assert!(!member().may(Entity::Agenda, Action::Read, &Facts::owned_by(OTHER)));
    assert!(admin().may(Entity::Agenda, Action::Read, &Facts::owned_by(OTHER)));
    assert!(!member().may(Entity::Agenda, Action::Edit, &Facts::owned_by(ME)));
    assert!(matches!(
        member().check(Entity::Agenda, Action::Read, &Facts::owned_by(OTHER)),
        Err(Error::Forbidden(m)) if m.contains("agenda")
    ));
}

#[test]
fn the_last_active_admin_stays_an_admin() {
    let a = user(1, Role::Admin, true);
    // Losing the role or the account, when nobody else is admin: refused.
    for (role, active) in [
        (Role::User, true),
        (Role::Admin, false),
        (Role::User, false),
    ] {
        assert!(matches!(
            keep_an_admin(&a, role, active, 1),
            Err(Error::Conflict(_))
        ));
        assert!(keep_an_admin(&a, role, active, 2).is_ok());
    }
    // Staying admin, or a user changing: always fine.
    assert!(keep_an_admin(&a, Role::Admin, true, 1).is_ok());
    assert!(keep_an_admin(&user(2, Role::User, true), Role::User, false, 1).is_ok());
    // A deactivated admin is not one of the active admins to keep.
    assert!(keep_an_admin(&user(3, Role::Admin, false), Role::User, false, 1).is_ok());
}

#[test]
fn the_department_chain_is_read_upwards_and_survives_a_cycle() {
    use crate::access::Department;
    let dir = tempfile::tempdir().expect("temp dir");
    let store = crate::store::Store::open(&dir.path().join("db.redb")).expect("open store");
    let now = chrono::Utc::now();
    store
        .write(None, now, |tx| {
            for (id, parent) in [
                (1, None),
                (2, Some(1)),
                (3, Some(2)),
                (7, Some(8)),
                (8, Some(7)),
            ] {
                tx.insert(&Department {
                    id,
                    name: format!("d{id}"),
                    parent_id: parent,
                    head_id: None,
                })?;
            }
            Ok(())
        })
        .expect("write departments");
    store
        .read(|rx| {
            assert_eq!(departments::chain(rx, Some(3))?, vec![3, 2, 1]);
            assert_eq!(departments::chain(rx, None)?, Vec::<u64>::new());
            assert_eq!(departments::chain(rx, Some(7))?, vec![7, 8]);
            let g = Grants::load(
                rx,
                &User {
                    id: ME,
                    active: true,
                    department_id: Some(3),
                    ..User::default()
                },
            )?;
            let to_top = Facts {
                audience: Some(1),
                ..Facts::default()
            };
            assert!(g.may(Entity::Post, Action::Read, &to_top));
            Ok(())
        })
        .expect("read departments");
}

#[test]
fn each_entity_belongs_to_the_module_a_role_can_close() {
    use super::{Entity, Module};
    assert_eq!(Entity::Deal.module(), Some(Module::Crm));
    assert_eq!(Entity::Activity.module(), Some(Module::Crm));
    assert_eq!(Entity::Task.module(), Some(Module::Tasks));
    assert_eq!(Entity::Agenda.module(), Some(Module::Tasks));
    assert_eq!(Entity::Event.module(), Some(Module::Calendar));
    assert_eq!(Entity::Post.module(), Some(Module::Feed));
    // Comments and reminders follow their record or their person.
    assert_eq!(Entity::Comment.module(), None);
    assert_eq!(Entity::Reminder.module(), None);
}
