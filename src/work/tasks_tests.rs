//! The rules of tasks, called directly over a real store in a temp folder: who sees a task
//! (its creator, responsible, participants and observers, and admins — a stranger does not),
//! who edits, delegates, works on and deletes it, what a delegation changes, the checklist,
//! deadlines in the past and the one-time overdue note.

use chrono::{Duration, TimeZone};

use super::*;
use crate::{
    access::{
        Role as UserRole,
        users::{self, NewUser, UserUpdate},
    },
    store::Store,
    work::agenda::Periods,
};

fn t(h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, h, 0, 0)
        .single()
        .expect("a time")
}

/// An office of an admin (1) and the people of one task, each by role.
struct Office {
    _dir: tempfile::TempDir,
    store: Store,
    admin: User,
    creator: User,
    responsible: User,
    participant: User,
    observer: User,
    stranger: User,
    /// Deactivated.
    gone: User,
}

fn office() -> Office {
    let (dir, store, admin) = crate::crm::test_store();
    let people = store
        .write(Some(1), t(8), |tx| {
            let mut v = Vec::new();
            for login in [
                "creator",
                "responsible",
                "participant",
                "observer",
                "stranger",
                "gone",
            ] {
                v.push(users::create(
                    tx,
                    Some(&admin),
                    NewUser {
                        login: login.into(),
                        name: login.into(),
                        email: String::new(),
                        password: "long enough secret".into(),
                        role: UserRole::User,
                        department_id: None,
                        position: String::new(),
                        language: Default::default(),
                        time_zone: "UTC".into(),
                    },
                )?);
            }
            let gone = users::update(
                tx,
                &admin,
                v[5].id,
                UserUpdate {
                    name: "gone".into(),
                    email: String::new(),
                    role: UserRole::User,
                    department_id: None,
                    position: String::new(),
                    language: Default::default(),
                    time_zone: "UTC".into(),
                    active: false,
                },
            )?;
            v[5] = gone;
            Ok(v)
        })
        .expect("people");
    let mut people = people.into_iter();
    let mut next = || people.next().expect("a user");
    Office {
        _dir: dir,
        store,
        admin,
        creator: next(),
        responsible: next(),
        participant: next(),
        observer: next(),
        stranger: next(),
        gone: next(),
    }
}

impl Office {
    fn as_<T>(
        &self,
        who: &User,
        at: DateTime<Utc>,
        f: impl FnOnce(&mut Tx, &User) -> Result<T>,
    ) -> Result<T> {
        self.store.write(Some(who.id), at, |tx| f(tx, who))
    }

    /// A task made by `creator` for `responsible`, with one participant and one observer.
    fn task(&self) -> Task {
        self.as_(&self.creator, t(9), |tx, me| {
            create(
                tx,
                me,
                TaskInput {
                    checklist: vec!["Draft".into(), " ".into(), "Send".into()],
                    ..self.input("Prepare the offer")
                },
            )
        })
        .expect("task")
    }

    fn input(&self, title: &str) -> TaskInput {
        TaskInput {
            title: title.into(),
            description: String::new(),
            checklist: vec![],
            responsible_id: Some(self.responsible.id),
            participant_ids: vec![self.participant.id],
            observer_ids: vec![self.observer.id],
            deadline: None,
            priority: None,
            link: None,
            project: "Offers".into(),
            remind_before: None,
        }
    }

    fn stored(&self, id: u64) -> Option<Task> {
        self.store
            .read(|rx| store::get::<Task>(rx, id))
            .expect("read")
    }

    fn everyone(&self) -> [&User; 6] {
        [
            &self.admin,
            &self.creator,
            &self.responsible,
            &self.participant,
            &self.observer,
            &self.stranger,
        ]
    }

    fn list_all(&self, who: &User, now: DateTime<Utc>) -> Vec<u64> {
        self.list(who, Role::All, now)
    }

    fn list(&self, who: &User, role: Role, now: DateTime<Utc>) -> Vec<u64> {
        let f = Filter {
            role,
            statuses: vec![],
            due: None,
            project: None,
            link: None,
            q: None,
        };
        self.store
            .read(|rx| list(rx, who, &f, &Periods::new("UTC", now), None, 100))
            .expect("list")
            .0
            .into_iter()
            .map(|t| t.id)
            .collect()
    }
}

fn forbidden<T: std::fmt::Debug>(r: Result<T>) {
    assert!(r.as_ref().is_err_and(Error::is_refusal), "{r:?}");
}

fn not_found<T: std::fmt::Debug>(r: Result<T>) {
    assert!(matches!(r, Err(Error::NotFound(_))), "{r:?}");
}

fn problems<T>(r: Result<T>) -> Vec<(String, &'static str)> {
    match r {
        Err(Error::Validation(v)) => v.into_iter().map(|f| (f.field, f.code)).collect(),
        Err(e) => panic!("expected a validation error, got {e:?}"),
        Ok(_) => panic!("expected a validation error, got success"),
    }
}

#[test]
fn a_task_is_seen_by_its_people_and_admins_and_by_no_stranger() {
    let o = office();
    let task = o.task();
    for who in o.everyone() {
        let seen = o.store.read(|rx| get(rx, who, task.id, t(10)));
        let listed = o.list_all(who, t(10));
        let projects = o.store.read(|rx| projects(rx, who)).expect("projects");
        if who.id == o.stranger.id {
            not_found(seen);
            assert!(listed.is_empty(), "{}", who.login);
            assert!(projects.is_empty());
        } else {
            assert_eq!(seen.expect("seen").id, task.id, "{}", who.login);
            assert_eq!(listed, vec![task.id], "{}", who.login);
            assert_eq!(projects, vec!["Offers".to_string()], "{}", who.login);
        }
    }
    // Each person finds it under their own role, and not under another's.
    assert_eq!(o.list(&o.creator, Role::Created, t(10)), vec![task.id]);
    assert_eq!(
        o.list(&o.responsible, Role::Responsible, t(10)),
        vec![task.id]
    );
    assert_eq!(
        o.list(&o.participant, Role::Participant, t(10)),
        vec![task.id]
    );
    assert_eq!(o.list(&o.observer, Role::Observed, t(10)), vec![task.id]);
    assert!(o.list(&o.observer, Role::Responsible, t(10)).is_empty());
    // Nothing the stranger may do to it works; each answers as if it did not exist.
    not_found(o.as_(&o.stranger, t(10), |tx, me| {
        set_status(tx, me, task.id, TaskStatus::Completed)
    }));
    not_found(o.as_(&o.stranger, t(10), |tx, me| delete(tx, me, task.id)));
    not_found(o.as_(&o.stranger, t(10), |tx, me| {
        add_item(tx, me, task.id, "Sneak in")
    }));
    let stored = o.stored(task.id).expect("still there");
    assert_eq!(stored.status, TaskStatus::New);
    assert_eq!(stored.checklist.len(), 2);
}

#[test]
fn only_the_creator_the_responsible_or_an_admin_edits_a_task() {
    let o = office();
    let task = o.task();
    for who in [&o.participant, &o.observer] {
        forbidden(o.as_(who, t(10), |tx, me| {
            update(tx, me, task.id, o.input("Renamed"))
        }));
    }
    assert_eq!(
        o.stored(task.id).expect("stored").title,
        "Prepare the offer"
    );
    for (who, title) in [
        (&o.creator, "By the creator"),
        (&o.responsible, "By the responsible"),
        (&o.admin, "By an admin"),
    ] {
        let edited = o
            .as_(who, t(10), |tx, me| update(tx, me, task.id, o.input(title)))
            .expect("edit");
        assert_eq!(edited.title, title);
        assert_eq!(o.stored(task.id).expect("stored").title, title);
    }
}

#[test]
fn delegation_hands_the_task_over_and_keeps_the_former_responsible_watching() {
    let o = office();
    let task = o.task();
    for who in [&o.participant, &o.observer] {
        forbidden(o.as_(who, t(10), |tx, me| {
            delegate(tx, me, task.id, o.stranger.id)
        }));
    }
    let mut bad: Vec<(String, &'static str)> = Vec::new();
    for to in [o.responsible.id, o.gone.id, 999] {
        bad.extend(problems(o.as_(&o.responsible, t(10), |tx, me| {
            delegate(tx, me, task.id, to)
        })));
    }
    assert_eq!(
        bad,
        [
            ("to".to_string(), "invalid_value"),
            ("to".to_string(), "invalid_value"),
            ("to".to_string(), "not_found")
        ]
    );
    assert_eq!(
        o.stored(task.id).expect("stored").responsible_id,
        o.responsible.id
    );
    assert!(o.stored(task.id).expect("stored").delegations.is_empty());

    // The responsible hands it to the observer.
    let d = o
        .as_(&o.responsible, t(10), |tx, me| {
            delegate(tx, me, task.id, o.observer.id)
        })
        .expect("delegate");
    assert_eq!(d.responsible_id, o.observer.id);
    assert_eq!(
        d.observer_ids,
        vec![o.responsible.id],
        "the new one no longer only watches"
    );
    assert_eq!(
        d.delegations,
        vec![Delegation {
            from: o.responsible.id,
            to: o.observer.id,
            by: o.responsible.id,
            at: t(10),
        }]
    );
    let stored = o.stored(task.id).expect("stored");
    assert_eq!(stored.responsible_id, o.observer.id);
    assert_eq!(stored.delegations.len(), 1);
    // The former responsible still sees it, now as an observer, and as its delegator.
    assert_eq!(o.list(&o.responsible, Role::Observed, t(11)), vec![task.id]);
    assert_eq!(
        o.list(&o.responsible, Role::Delegated, t(11)),
        vec![task.id]
    );
    assert_eq!(o.list(&o.observer, Role::Responsible, t(11)), vec![task.id]);
    // ...and may no longer work on it or hand it on.
    forbidden(o.as_(&o.responsible, t(11), |tx, me| {
        set_status(tx, me, task.id, TaskStatus::Completed)
    }));
    forbidden(o.as_(&o.responsible, t(11), |tx, me| {
        delegate(tx, me, task.id, o.participant.id)
    }));
    // An edit naming another responsible is a delegation too (here by the creator).
    let mut i = o.input("Prepare the offer");
    i.responsible_id = Some(o.stranger.id);
    i.observer_ids = vec![o.responsible.id];
    let e = o
        .as_(&o.creator, t(12), |tx, me| update(tx, me, task.id, i))
        .expect("edit");
    assert_eq!(e.responsible_id, o.stranger.id);
    assert_eq!(e.observer_ids, vec![o.responsible.id, o.observer.id]);
    assert_eq!(e.delegations.len(), 2);
    assert_eq!(e.delegations[1].by, o.creator.id);
}

#[test]
fn observers_may_not_change_the_status_and_completion_is_stamped() {
    let o = office();
    let task = o.task();
    forbidden(o.as_(&o.observer, t(10), |tx, me| {
        set_status(tx, me, task.id, TaskStatus::Completed)
    }));
    let stored = o.stored(task.id).expect("stored");
    assert_eq!(
        (stored.status, stored.completed_at),
        (TaskStatus::New, None)
    );
    for who in [&o.participant, &o.responsible, &o.creator, &o.admin] {
        let s = o
            .as_(who, t(10), |tx, me| {
                set_status(tx, me, task.id, TaskStatus::InProgress)
            })
            .expect("in progress");
        assert_eq!(s.status, TaskStatus::InProgress, "{}", who.login);
        o.as_(who, t(10), |tx, me| {
            set_status(tx, me, task.id, TaskStatus::New)
        })
        .expect("back");
    }
    let done = o
        .as_(&o.participant, t(11), |tx, me| {
            set_status(tx, me, task.id, TaskStatus::Completed)
        })
        .expect("complete");
    assert_eq!(done.completed_at, Some(t(11)));
    let stored = o.stored(task.id).expect("stored");
    assert_eq!(
        (stored.status, stored.completed_at),
        (TaskStatus::Completed, Some(t(11)))
    );
    let reopened = o
        .as_(&o.responsible, t(12), |tx, me| {
            set_status(tx, me, task.id, TaskStatus::InProgress)
        })
        .expect("reopen");
    assert_eq!(reopened.completed_at, None);
}

#[test]
fn only_the_creator_or_an_admin_deletes_a_task() {
    let o = office();
    let task = o.task();
    for who in [&o.responsible, &o.participant, &o.observer] {
        forbidden(o.as_(who, t(10), |tx, me| delete(tx, me, task.id)));
    }
    assert!(o.stored(task.id).is_some());
    o.as_(&o.creator, t(10), |tx, me| delete(tx, me, task.id))
        .expect("the creator deletes");
    assert!(o.stored(task.id).is_none());
    assert!(o.list_all(&o.responsible, t(10)).is_empty());
    let other = o.task();
    o.as_(&o.admin, t(10), |tx, me| delete(tx, me, other.id))
        .expect("an admin deletes");
    assert!(o.stored(other.id).is_none());
}

#[test]
fn the_checklist_is_kept_in_order_by_the_people_who_work_on_the_task() {
    let o = office();
    let task = o.task();
    let texts = |t: &Task| -> Vec<(u64, String, bool)> {
        t.checklist
            .iter()
            .map(|i| (i.id, i.text.clone(), i.done))
            .collect()
    };
    assert_eq!(
        texts(&task),
        [(1, "Draft".into(), false), (2, "Send".into(), false)],
        "blank items are dropped"
    );
    forbidden(o.as_(&o.observer, t(10), |tx, me| {
        edit_item(tx, me, task.id, 1, None, Some(true))
    }));
    forbidden(o.as_(&o.observer, t(10), |tx, me| {
        add_item(tx, me, task.id, "Watch")
    }));
    let added = o
        .as_(&o.participant, t(10), |tx, me| {
            add_item(tx, me, task.id, " Call ")
        })
        .expect("add");
    assert_eq!(added.checklist[2].id, 3);
    assert_eq!(added.checklist[2].text, "Call");
    assert_eq!(
        problems(o.as_(&o.participant, t(10), |tx, me| add_item(
            tx, me, task.id, "  "
        ))),
        vec![("text".to_string(), "required")]
    );
    o.as_(&o.responsible, t(11), |tx, me| {
        edit_item(tx, me, task.id, 1, Some("Draft v2".into()), Some(true))
    })
    .expect("tick");
    not_found(o.as_(&o.responsible, t(11), |tx, me| {
        edit_item(tx, me, task.id, 99, None, Some(true))
    }));
    o.as_(&o.responsible, t(12), |tx, me| {
        delete_item(tx, me, task.id, 2)
    })
    .expect("delete");
    not_found(o.as_(&o.responsible, t(12), |tx, me| {
        delete_item(tx, me, task.id, 2)
    }));
    // Ids are not reused after a deletion.
    let again = o
        .as_(&o.creator, t(13), |tx, me| {
            add_item(tx, me, task.id, "Follow up")
        })
        .expect("add");
    assert_eq!(again.checklist.last().map(|i| i.id), Some(4));
    for bad in [vec![4, 3], vec![4, 3, 1, 1], vec![4, 3, 2]] {
        assert_eq!(
            problems(o.as_(&o.creator, t(13), |tx, me| reorder_items(
                tx, me, task.id, &bad
            ))),
            vec![("ids".to_string(), "invalid_value")],
            "{bad:?}"
        );
    }
    o.as_(&o.creator, t(14), |tx, me| {
        reorder_items(tx, me, task.id, &[4, 3, 1])
    })
    .expect("reorder");
    assert_eq!(
        texts(&o.stored(task.id).expect("stored")),
        [
            (4, "Follow up".into(), false),
            (3, "Call".into(), false),
            (1, "Draft v2".into(), true)
        ]
    );
}

#[test]
fn a_task_needs_a_title_and_an_active_responsible() {
    let o = office();
    let mut i = o.input(" ");
    i.responsible_id = Some(o.gone.id);
    i.participant_ids = vec![o.participant.id, 999];
    i.remind_before = Some(vec![0]);
    let mut got = problems(o.as_(&o.creator, t(9), |tx, me| create(tx, me, i)));
    got.sort();
    assert_eq!(
        got,
        [
            ("participant_ids[1]".to_string(), "not_found"),
            ("remind_before".to_string(), "invalid_value"),
            ("responsible_id".to_string(), "invalid_value"),
            ("title".to_string(), "required"),
        ]
    );
    assert_eq!(o.store.read(store::count::<Task>).expect("count"), 0);
    // Without a responsible, the author is.
    let mut i = o.input("Mine");
    i.responsible_id = None;
    let mine = o
        .as_(&o.stranger, t(9), |tx, me| create(tx, me, i))
        .expect("create");
    assert_eq!(
        (mine.created_by, mine.responsible_id),
        (o.stranger.id, o.stranger.id)
    );
}

#[test]
fn a_deadline_in_the_past_is_overdue_and_noted_once() {
    let o = office();
    let mut i = o.input("Late already");
    i.deadline = Some(t(8));
    let late = o
        .as_(&o.creator, t(9), |tx, me| create(tx, me, i))
        .expect("a past deadline is accepted");
    assert!(late.overdue, "and shown overdue at once");
    let mut i = o.input("Due at noon");
    i.deadline = Some(t(12));
    let noon = o
        .as_(&o.creator, t(9), |tx, me| create(tx, me, i))
        .expect("create");
    assert!(!noon.overdue);
    let mut i = o.input("Done late");
    i.deadline = Some(t(8));
    let done = o
        .as_(&o.creator, t(9), |tx, me| create(tx, me, i))
        .expect("create");
    o.as_(&o.responsible, t(9), |tx, me| {
        set_status(tx, me, done.id, TaskStatus::Completed)
    })
    .expect("complete");

    let note = |at: DateTime<Utc>| o.store.write(None, at, note_overdue).expect("note");
    assert_eq!(note(t(10)), 1, "only the open task past its deadline");
    assert!(o.stored(late.id).expect("stored").overdue_noted);
    assert!(!o.stored(done.id).expect("stored").overdue_noted);
    assert_eq!(note(t(11)), 0, "noted once");
    assert_eq!(note(t(13)), 1, "the noon task, once it is past");
    assert_eq!(note(t(14)), 0);

    // Moving the deadline forgets the note; the task is noted again when that one passes.
    let mut i = o.input("Late already");
    i.deadline = Some(t(15));
    let moved = o
        .as_(&o.responsible, t(14), |tx, me| update(tx, me, late.id, i))
        .expect("move the deadline");
    assert!(!moved.overdue);
    assert!(!o.stored(late.id).expect("stored").overdue_noted);
    assert_eq!(note(t(14)), 0);
    assert_eq!(note(t(16)), 1);
    let seen = o
        .store
        .read(|rx| get(rx, &o.responsible, late.id, t(16)))
        .expect("get");
    assert!(seen.overdue);
    let later = o
        .store
        .read(|rx| get(rx, &o.responsible, late.id, t(14) - Duration::hours(1)))
        .expect("get");
    assert!(!later.overdue, "overdue is computed for the time asked");
}

#[test]
fn a_target_is_seen_by_the_facts_of_what_it_points_at() {
    use crate::work::{Target, TargetKind, can_see, facts_of};
    let o = office();
    let task = o.task();
    let as_task = Target::new(TargetKind::Task, task.id);
    let facts = o
        .store
        .read(|rx| facts_of(rx, &as_task))
        .expect("facts")
        .expect("the task exists");
    assert_eq!(facts, task.facts());
    for (who, sees) in [(&o.participant, true), (&o.stranger, false)] {
        let seen = o
            .store
            .read(|rx| can_see(rx, who, &as_task))
            .expect("can_see");
        assert_eq!(seen, sees, "{}", who.login);
    }
    // CRM records and events are open to everyone today; a missing task or post is nothing.
    for (kind, id, some) in [
        (TargetKind::Deal, 1, true),
        (TargetKind::Event, 1, true),
        (TargetKind::Task, 999, false),
        (TargetKind::Post, 999, false),
    ] {
        let f = o
            .store
            .read(|rx| facts_of(rx, &Target::new(kind, id)))
            .expect("facts");
        assert_eq!(f.is_some(), some, "{kind:?}");
        if let Some(f) = f {
            assert_eq!(f, crate::access::policy::Facts::default(), "{kind:?}");
        }
    }
}
