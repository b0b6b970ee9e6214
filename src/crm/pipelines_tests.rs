//! The rules of pipelines and lead statuses, called directly over a real store in a temp
//! folder: stage order, a pipeline's default (first) stage, at least one open stage, a stage
//! or status with records is deleted only by moving them, renames, and the same for lead
//! statuses.

use chrono::{DateTime, TimeZone, Utc};

use super::*;
use crate::{
    access::Role,
    crm::{
        custom::Values,
        deals::{self, Deal, DealInput},
        leads::{self, Lead, LeadInput},
    },
    store::Store,
};

struct Office {
    _dir: tempfile::TempDir,
    store: Store,
    admin: User,
}

fn t(h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, h, 0, 0)
        .single()
        .expect("a time")
}

fn office() -> Office {
    let (dir, store, admin) = super::super::seeded_test_store();
    Office {
        _dir: dir,
        store,
        admin,
    }
}

impl Office {
    fn write<T>(
        &self,
        at: DateTime<Utc>,
        f: impl FnOnce(&mut Tx, &User) -> Result<T>,
    ) -> Result<T> {
        self.store
            .write(Some(self.admin.id), at, |tx| f(tx, &self.admin))
    }

    fn pipelines(&self) -> Vec<PipelineOut> {
        self.store.read(list).expect("pipelines")
    }

    fn stages(&self, pipeline: u64) -> Vec<Stage> {
        self.store
            .read(|rx| stages_of(rx, pipeline))
            .expect("stages")
    }

    fn names(&self, pipeline: u64) -> Vec<String> {
        self.stages(pipeline).into_iter().map(|s| s.name).collect()
    }

    fn statuses(&self) -> Vec<LeadStatus> {
        self.store.read(lead_statuses).expect("statuses")
    }

    fn deal(&self, pipeline: u64, stage: Option<u64>) -> Deal {
        self.write(t(9), |tx, a| {
            deals::create(
                tx,
                a,
                DealInput {
                    title: "Deal".into(),
                    pipeline_id: Some(pipeline),
                    stage_id: stage,
                    amount: String::new(),
                    currency: String::new(),
                    company_id: None,
                    contact_ids: vec![],
                    customer_side_id: None,
                    responsible_id: None,
                    observer_ids: vec![],
                    expected_close: None,
                    probability: None,
                    source_id: None,
                    type_id: None,
                    custom: Values::new(),
                },
            )
        })
        .expect("deal")
    }

    fn lead(&self, status: u64) -> Lead {
        self.write(t(9), |tx, a| {
            leads::create(
                tx,
                a,
                LeadInput {
                    title: "Lead".into(),
                    person_name: String::new(),
                    company_name: String::new(),
                    phone: String::new(),
                    email: String::new(),
                    source_id: None,
                    responsible_id: None,
                    amount: String::new(),
                    currency: String::new(),
                    status_id: Some(status),
                    comments: String::new(),
                    custom: Values::new(),
                },
            )
        })
        .expect("lead")
    }

    fn stored_deal(&self, id: u64) -> Deal {
        self.store
            .read(|rx| store::get::<Deal>(rx, id))
            .expect("read")
            .expect("the deal is there")
    }
}

fn stage_input(name: &str, color: &str, kind: StageKind) -> StageInput {
    StageInput {
        name: name.into(),
        color: color.into(),
        kind,
    }
}

fn status_input(name: &str, kind: LeadStatusKind) -> LeadStatusInput {
    LeadStatusInput {
        name: name.into(),
        color: String::new(),
        kind,
    }
}

fn problems<T>(r: Result<T>) -> Vec<(String, &'static str)> {
    match r {
        Err(Error::Validation(v)) => v.into_iter().map(|f| (f.field, f.code)).collect(),
        Err(e) => panic!("expected a validation error, got {e:?}"),
        Ok(_) => panic!("expected a validation error, got success"),
    }
}

fn id_of(stages: &[Stage], name: &str) -> u64 {
    stages
        .iter()
        .find(|s| s.name == name)
        .map(|s| s.id)
        .expect("a stage of that name")
}

#[test]
fn a_new_office_and_a_new_pipeline_have_the_default_stages_in_order() {
    let o = office();
    let ps = o.pipelines();
    assert_eq!(ps.len(), 1);
    let stages = &ps[0].stages;
    let seen: Vec<(&str, StageKind, i64)> = stages
        .iter()
        .map(|s| (s.name.as_str(), s.kind, s.sort))
        .collect();
    assert_eq!(
        seen,
        [
            ("New", StageKind::Open, 10),
            ("Offer", StageKind::Open, 20),
            ("Negotiation", StageKind::Open, 30),
            ("Won", StageKind::Won, 40),
            ("Lost", StageKind::Lost, 50)
        ]
    );
    // Seeding again adds nothing.
    o.write(t(9), |tx, _| seed(tx)).expect("seed again");
    assert_eq!(o.pipelines().len(), 1);
    assert_eq!(o.statuses().len(), 4);

    let p = o
        .write(t(9), |tx, a| {
            create(
                tx,
                a,
                PipelineInput {
                    name: " Rent ".into(),
                    sort: 0,
                    archived: false,
                },
            )
        })
        .expect("create");
    assert_eq!(p.pipeline.name, "Rent");
    assert_eq!(p.pipeline.sort, 20, "after the first pipeline");
    assert_eq!(o.names(p.pipeline.id), o.names(ps[0].pipeline.id));
    assert_eq!(
        problems(o.write(t(9), |tx, a| {
            create(
                tx,
                a,
                PipelineInput {
                    name: "  ".into(),
                    sort: 0,
                    archived: false,
                },
            )
        })),
        vec![("name".to_string(), "required")]
    );
    assert_eq!(o.pipelines().len(), 2);
}

#[test]
fn only_admins_change_pipelines_and_statuses() {
    let o = office();
    let p = o.pipelines().remove(0).pipeline.id;
    let member = o
        .write(t(9), |tx, a| {
            crate::access::users::create(
                tx,
                Some(a),
                crate::access::users::NewUser {
                    login: "olena".into(),
                    name: "Olena".into(),
                    email: String::new(),
                    password: "long enough secret".into(),
                    role: Role::User,
                    department_id: None,
                    position: String::new(),
                    language: Default::default(),
                    time_zone: "Europe/Kyiv".into(),
                },
            )
        })
        .expect("user");
    let as_member = |f: &dyn Fn(&mut Tx, &User) -> Result<()>| {
        o.store.write(Some(member.id), t(10), |tx| f(tx, &member))
    };
    let refusals = [
        as_member(&|tx, u| {
            add_stage(tx, u, p, stage_input("Audit", "", StageKind::Open)).map(|_| ())
        }),
        as_member(&|tx, u| delete(tx, u, p)),
        as_member(&|tx, u| {
            create_status(tx, u, status_input("Cold", LeadStatusKind::Open)).map(|_| ())
        }),
    ];
    for r in refusals {
        assert!(r.as_ref().is_err_and(Error::is_refusal), "{r:?}");
    }
    assert_eq!(o.stages(p).len(), 5);
    assert_eq!(o.pipelines().len(), 1);
    assert_eq!(o.statuses().len(), 4);
}

#[test]
fn stages_are_added_at_the_end_renamed_and_reordered() {
    let o = office();
    let p = o.pipelines().remove(0).pipeline.id;
    let s = o
        .write(t(9), |tx, a| {
            add_stage(tx, a, p, stage_input(" Audit ", "#ABCDEF", StageKind::Open))
        })
        .expect("add");
    assert_eq!(
        (s.name.as_str(), s.color.as_str(), s.sort),
        ("Audit", "#abcdef", 60)
    );
    assert_eq!(o.names(p).last().map(String::as_str), Some("Audit"));
    assert_eq!(
        problems(o.write(t(9), |tx, a| {
            add_stage(tx, a, p, stage_input("Bad", "blue", StageKind::Open))
        })),
        vec![("color".to_string(), "invalid_value")]
    );
    let renamed = o
        .write(t(10), |tx, a| {
            update_stage(
                tx,
                a,
                s.id,
                stage_input("Due diligence", "", StageKind::Open),
            )
        })
        .expect("rename");
    assert_eq!(renamed.name, "Due diligence");
    assert_eq!(renamed.color, "#64748b", "an empty colour is the default");
    assert_eq!(renamed.sort, 60, "a rename keeps the place");

    let stages = o.stages(p);
    let mut order: Vec<u64> = stages.iter().map(|s| s.id).collect();
    order.rotate_right(1);
    o.write(t(11), |tx, a| reorder_stages(tx, a, p, &order))
        .expect("reorder");
    assert_eq!(
        o.names(p),
        [
            "Due diligence",
            "New",
            "Offer",
            "Negotiation",
            "Won",
            "Lost"
        ]
    );
    // A new deal without a stage goes into the first stage of the new order.
    let d = o.deal(p, None);
    assert_eq!(d.stage_id, s.id);

    // An order must list every stage once: one missing, one twice, or a stranger.
    let mut missing = order.clone();
    missing.pop();
    let mut twice = order.clone();
    twice[1] = twice[0];
    let mut stranger = order.clone();
    stranger[0] = 999;
    for bad in [missing, twice, stranger] {
        assert_eq!(
            problems(o.write(t(12), |tx, a| reorder_stages(tx, a, p, &bad))),
            vec![("stage_ids".to_string(), "invalid_value")]
        );
    }
    assert_eq!(o.names(p)[0], "Due diligence", "order unchanged");
}

#[test]
fn a_pipeline_keeps_at_least_one_open_stage() {
    let o = office();
    let p = o.pipelines().remove(0).pipeline.id;
    let stages = o.stages(p);
    for name in ["Offer", "Negotiation"] {
        o.write(t(9), |tx, a| {
            delete_stage(tx, a, id_of(&stages, name), None)
        })
        .expect("delete an empty open stage");
    }
    let new = id_of(&stages, "New");
    let r = o.write(t(10), |tx, a| {
        update_stage(tx, a, new, stage_input("New", "", StageKind::Won))
    });
    assert!(matches!(r, Err(Error::Conflict(_))), "{r:?}");
    let r = o.write(t(10), |tx, a| delete_stage(tx, a, new, None));
    assert!(matches!(r, Err(Error::Conflict(_))), "{r:?}");
    assert_eq!(o.names(p), ["New", "Won", "Lost"]);
    assert_eq!(o.stages(p)[0].kind, StageKind::Open);
    // The last won stage may go: only open stages are required.
    o.write(t(11), |tx, a| {
        delete_stage(tx, a, id_of(&stages, "Won"), None)
    })
    .expect("delete won");
    // With a second open stage, the first may change its kind.
    o.write(t(12), |tx, a| {
        add_stage(tx, a, p, stage_input("Later", "", StageKind::Open))
    })
    .expect("add");
    o.write(t(13), |tx, a| {
        update_stage(tx, a, new, stage_input("Done", "", StageKind::Won))
    })
    .expect("now it may");
}

#[test]
fn a_stage_with_deals_is_deleted_only_by_moving_them_within_the_pipeline() {
    let o = office();
    let ps = o.pipelines();
    let p = ps[0].pipeline.id;
    let stages = o.stages(p);
    let offer = id_of(&stages, "Offer");
    let negotiation = id_of(&stages, "Negotiation");
    let other = o
        .write(t(9), |tx, a| {
            create(
                tx,
                a,
                PipelineInput {
                    name: "Rent".into(),
                    sort: 0,
                    archived: false,
                },
            )
        })
        .expect("pipeline");
    let d1 = o.deal(p, Some(offer));
    let d2 = o.deal(p, Some(offer));

    let r = o.write(t(10), |tx, a| delete_stage(tx, a, offer, None));
    assert!(matches!(r, Err(Error::StageNotEmpty(_))), "{r:?}");
    for target in [other.stages[0].id, offer, 999] {
        let r = o.write(t(10), |tx, a| delete_stage(tx, a, offer, Some(target)));
        assert!(
            matches!(&r, Err(Error::Validation(_)) | Err(Error::NotFound(_))),
            "{target}: {r:?}"
        );
    }
    assert_eq!(o.stages(p).len(), 5, "the stage is still there");
    assert_eq!(o.stored_deal(d1.id).stage_id, offer);

    o.write(t(11), |tx, a| delete_stage(tx, a, offer, Some(negotiation)))
        .expect("delete with a move");
    assert_eq!(o.names(p), ["New", "Negotiation", "Won", "Lost"]);
    for d in [&d1, &d2] {
        let stored = o.stored_deal(d.id);
        assert_eq!(stored.stage_id, negotiation);
        assert_eq!(stored.stage_changed_at, t(11));
        let log = o
            .store
            .read(|rx| deals::stage_log(rx, d.id, t(12)))
            .expect("log");
        assert_eq!(
            log.iter().map(|v| v.stage_id).collect::<Vec<_>>(),
            [offer, negotiation],
            "the move is in the stage log"
        );
    }
    o.store
        .read(|rx| {
            assert!(store::ids_by(rx, tables::DEAL_BY_STAGE, offer)?.is_empty());
            Ok(())
        })
        .expect("index");
}

#[test]
fn a_pipeline_with_deals_is_archived_not_deleted() {
    let o = office();
    let p = o.pipelines().remove(0).pipeline.id;
    let stages = o.stages(p);
    let d = o.deal(p, None);
    let r = o.write(t(10), |tx, a| delete(tx, a, p));
    assert!(matches!(r, Err(Error::Conflict(_))), "{r:?}");
    assert_eq!(o.pipelines().len(), 1);
    assert_eq!(o.stages(p).len(), 5);
    let archived = o
        .write(t(11), |tx, a| {
            update(
                tx,
                a,
                p,
                PipelineInput {
                    name: "Sales (old)".into(),
                    sort: 10,
                    archived: true,
                },
            )
        })
        .expect("archive");
    assert!(archived.pipeline.archived);
    assert_eq!(archived.stages.len(), 5);
    // Once empty, it may go, with its stages.
    o.write(t(12), |tx, a| deals::delete(tx, a, d.id))
        .expect("delete the deal");
    o.write(t(13), |tx, a| delete(tx, a, p))
        .expect("delete the pipeline");
    assert!(o.pipelines().is_empty());
    o.store
        .read(|rx| {
            for s in &stages {
                assert!(store::get::<Stage>(rx, s.id)?.is_none(), "{}", s.name);
            }
            Ok(())
        })
        .expect("stages gone");
}

#[test]
fn lead_statuses_keep_an_open_and_a_converted_one_and_move_their_leads() {
    let o = office();
    let all = o.statuses();
    let kinds: Vec<(&str, LeadStatusKind)> =
        all.iter().map(|s| (s.name.as_str(), s.kind)).collect();
    assert_eq!(
        kinds,
        [
            ("New", LeadStatusKind::Open),
            ("In progress", LeadStatusKind::Open),
            ("Converted", LeadStatusKind::Converted),
            ("Junk", LeadStatusKind::Junk)
        ]
    );
    let (new, in_progress, converted, junk) = (all[0].id, all[1].id, all[2].id, all[3].id);
    // The only converted status can neither change kind nor go.
    let r = o.write(t(9), |tx, a| {
        update_status(tx, a, converted, status_input("Won", LeadStatusKind::Junk))
    });
    assert!(matches!(r, Err(Error::Conflict(_))), "{r:?}");
    let r = o.write(t(9), |tx, a| delete_status(tx, a, converted, None));
    assert!(matches!(r, Err(Error::Conflict(_))), "{r:?}");
    // One of two open statuses may become junk; the last open one may not.
    o.write(t(9), |tx, a| {
        update_status(
            tx,
            a,
            in_progress,
            status_input("Parked", LeadStatusKind::Junk),
        )
    })
    .expect("one open left");
    let r = o.write(t(9), |tx, a| {
        update_status(tx, a, new, status_input("New", LeadStatusKind::Junk))
    });
    assert!(matches!(r, Err(Error::Conflict(_))), "{r:?}");
    let r = o.write(t(9), |tx, a| delete_status(tx, a, new, None));
    assert!(matches!(r, Err(Error::Conflict(_))), "{r:?}");
    assert_eq!(o.statuses()[0].kind, LeadStatusKind::Open);

    // A status with leads goes only by giving them another one.
    let cold = o
        .write(t(9), |tx, a| {
            create_status(tx, a, status_input("Cold", LeadStatusKind::Junk))
        })
        .expect("create");
    assert_eq!(cold.sort, 50, "at the end");
    let l = o.lead(cold.id);
    let r = o.write(t(10), |tx, a| delete_status(tx, a, cold.id, None));
    assert!(matches!(r, Err(Error::StatusNotEmpty(_))), "{r:?}");
    for target in [cold.id, 999] {
        assert_eq!(
            problems(o.write(t(10), |tx, a| delete_status(tx, a, cold.id, Some(target)))),
            vec![("move_to".to_string(), "invalid_value")]
        );
    }
    assert_eq!(o.statuses().len(), 5);
    o.write(t(11), |tx, a| delete_status(tx, a, cold.id, Some(junk)))
        .expect("delete with a move");
    assert_eq!(o.statuses().len(), 4);
    let moved = o
        .store
        .read(|rx| store::get::<Lead>(rx, l.id))
        .expect("read")
        .expect("lead");
    assert_eq!(moved.status_id, junk);

    // Reordering names every status once.
    let mut ids: Vec<u64> = o.statuses().iter().map(|s| s.id).collect();
    ids.reverse();
    let after = o
        .write(t(12), |tx, a| reorder_statuses(tx, a, &ids))
        .expect("reorder");
    assert_eq!(after.iter().map(|s| s.id).collect::<Vec<_>>(), ids);
    ids.pop();
    assert_eq!(
        problems(o.write(t(13), |tx, a| reorder_statuses(tx, a, &ids))),
        vec![("ids".to_string(), "invalid_value")]
    );
}
