//! The rules of deals, called directly over a real store in a temp folder: a deal stays in a
//! stage of its own pipeline (on create, edit and move), a move is logged and closes or reopens
//! the deal, required custom fields hold on create and on edit, amounts are exact and
//! currencies known, a deletion takes the stage log with it, and stage totals add up.

use chrono::TimeZone;
use rust_decimal::Decimal;
use serde_json::json;

use super::*;
use crate::{
    crm::{
        ReadCaches,
        custom::{FieldDef, FieldInput, FieldKind},
        money::{CurrencyInput, RateInput},
        pipelines::{self, PipelineInput, PipelineOut},
    },
    store::Store,
};

/// A store with the seeded office (currencies, reference lists, the "Sales" pipeline) and a
/// second pipeline "Rent"; both with the default stages New, Offer, Negotiation, Won, Lost.
struct Office {
    _dir: tempfile::TempDir,
    store: Store,
    admin: User,
    sales: PipelineOut,
    rent: PipelineOut,
}

fn t(h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, h, 0, 0)
        .single()
        .expect("a time")
}

fn today() -> NaiveDate {
    t(9).date_naive()
}

fn office() -> Office {
    let (dir, store, admin) = super::super::seeded_test_store();
    let (sales, rent) = store
        .write(Some(1), t(8), |tx| {
            let sales = first_pipeline(tx)?;
            let rent = pipelines::create(
                tx,
                &admin,
                PipelineInput {
                    name: "Rent".into(),
                    sort: 0,
                    archived: false,
                },
            )?;
            Ok((sales, rent))
        })
        .expect("seed");
    Office {
        _dir: dir,
        store,
        admin,
        sales,
        rent,
    }
}

/// The first pipeline as the transaction sees it (the seeded one).
fn first_pipeline(tx: &Tx) -> Result<PipelineOut> {
    let mut ps: Vec<Pipeline> = tx.all()?;
    ps.sort_by_key(|p| (p.sort, p.id));
    let pipeline = ps.into_iter().next().ok_or(Error::NotFound("pipeline"))?;
    Ok(PipelineOut {
        stages: stages_of_tx(tx, pipeline.id)?,
        pipeline,
    })
}

impl Office {
    fn stage(&self, p: &PipelineOut, name: &str) -> u64 {
        p.stages
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.id)
            .expect("a stage of that name")
    }

    fn write<T>(
        &self,
        at: DateTime<Utc>,
        f: impl FnOnce(&mut Tx, &User) -> Result<T>,
    ) -> Result<T> {
        self.store
            .write(Some(self.admin.id), at, |tx| f(tx, &self.admin))
    }

    fn deal(&self, id: u64) -> Option<Deal> {
        self.store
            .read(|rx| store::get::<Deal>(rx, id))
            .expect("read")
    }

    fn count_deals(&self) -> u64 {
        self.store.read(store::count::<Deal>).expect("count")
    }

    fn count_moves(&self) -> u64 {
        self.store.read(store::count::<StageMove>).expect("count")
    }

    fn log(&self, id: u64, now: DateTime<Utc>) -> Vec<StageVisit> {
        self.store
            .read(|rx| stage_log(rx, id, now))
            .expect("stage log")
    }

    fn create(&self, input: DealInput) -> Result<Deal> {
        self.write(t(9), |tx, a| create(tx, a, input))
    }

    fn field(&self, name: &str, required: bool, pipeline_ids: Vec<u64>) -> FieldDef {
        self.write(t(8), |tx, a| {
            custom::create(
                tx,
                a,
                FieldInput {
                    entity: Entity::Deal,
                    name: name.into(),
                    labels: Default::default(),
                    kind: FieldKind::Text,
                    required,
                    default: None,
                    sort: 0,
                    show_in_list: false,
                    filterable: false,
                    options: vec![],
                    pipeline_ids,
                    archived: None,
                },
            )
        })
        .expect("custom field")
    }
}

fn input(title: &str, pipeline: u64, stage: Option<u64>) -> DealInput {
    DealInput {
        title: title.into(),
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
    }
}

/// The (field, code) pairs of a validation error; panics on any other outcome.
fn problems<T: std::fmt::Debug>(r: Result<T>) -> Vec<(String, &'static str)> {
    match r {
        Err(Error::Validation(v)) => v.into_iter().map(|f| (f.field, f.code)).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

fn money(s: &str) -> Decimal {
    Decimal::from_str_exact(s).expect("a decimal")
}

#[test]
fn a_new_deal_in_a_stage_of_another_pipeline_is_refused_and_nothing_is_stored() {
    let o = office();
    let r = o.create(input(
        "Lease",
        o.sales.pipeline.id,
        Some(o.stage(&o.rent, "Offer")),
    ));
    assert_eq!(problems(r), vec![("stage_id".to_string(), "invalid_value")]);
    assert_eq!(o.count_deals(), 0);
    assert_eq!(o.count_moves(), 0, "no stage log for a deal never made");
}

#[test]
fn an_edit_into_a_stage_of_another_pipeline_is_refused_and_the_deal_stays() {
    let o = office();
    let d = o
        .create(input(
            "Lease",
            o.sales.pipeline.id,
            Some(o.stage(&o.sales, "Offer")),
        ))
        .expect("create");
    // The stage alone (the pipeline as stored), and the pipeline named with a foreign stage.
    for pipeline in [None, Some(o.sales.pipeline.id)] {
        let mut i = input("Lease", 0, Some(o.stage(&o.rent, "Negotiation")));
        i.pipeline_id = pipeline;
        let r = o.write(t(10), |tx, a| update(tx, a, d.id, i));
        assert_eq!(problems(r), vec![("stage_id".to_string(), "invalid_value")]);
    }
    let stored = o.deal(d.id).expect("still there");
    assert_eq!(stored.stage_id, o.stage(&o.sales, "Offer"));
    assert_eq!(stored.pipeline_id, o.sales.pipeline.id);
    assert_eq!(stored.updated_at, t(9), "not touched");
    assert_eq!(o.log(d.id, t(11)).len(), 1, "no move logged");
}

#[test]
fn a_move_to_a_stage_of_another_pipeline_is_refused() {
    let o = office();
    let d = o
        .create(input("Lease", o.sales.pipeline.id, None))
        .expect("create");
    let r = o.write(t(10), |tx, a| {
        move_to_stage(tx, a, d.id, o.stage(&o.rent, "Won"))
    });
    assert_eq!(problems(r), vec![("stage_id".to_string(), "invalid_value")]);
    let r = o.write(t(10), |tx, a| move_to_stage(tx, a, d.id, 999_999));
    assert_eq!(problems(r), vec![("stage_id".to_string(), "not_found")]);
    let stored = o.deal(d.id).expect("still there");
    assert_eq!(stored.stage_id, o.stage(&o.sales, "New"));
    assert_eq!(stored.closed_at, None);
    assert_eq!(o.count_moves(), 1);
}

#[test]
fn a_deal_without_a_stage_starts_in_the_first_stage_and_an_edit_keeps_it() {
    let o = office();
    let d = o
        .create(input("Lease", o.sales.pipeline.id, None))
        .expect("create");
    assert_eq!(d.stage_id, o.stage(&o.sales, "New"));
    o.write(t(10), |tx, a| {
        move_to_stage(tx, a, d.id, o.stage(&o.sales, "Negotiation"))
    })
    .expect("move");
    // An edit that names no stage leaves the deal where it is.
    let (edited, moved) = o
        .write(t(11), |tx, a| {
            update(
                tx,
                a,
                d.id,
                input("Lease, 2 floors", o.sales.pipeline.id, None),
            )
        })
        .expect("edit");
    assert_eq!(moved, None);
    assert_eq!(edited.stage_id, o.stage(&o.sales, "Negotiation"));
    assert_eq!(edited.stage_changed_at, t(10), "an edit is not a move");
    // Another pipeline without a stage: its first stage.
    let (edited, moved) = o
        .write(t(12), |tx, a| {
            update(
                tx,
                a,
                d.id,
                input("Lease, 2 floors", o.rent.pipeline.id, None),
            )
        })
        .expect("to another pipeline");
    assert_eq!(moved, Some(o.stage(&o.sales, "Negotiation")));
    assert_eq!(edited.pipeline_id, o.rent.pipeline.id);
    assert_eq!(edited.stage_id, o.stage(&o.rent, "New"));
    assert_eq!(edited.stage_changed_at, t(12));
}

#[test]
fn a_move_within_the_pipeline_is_logged_with_its_times() {
    let o = office();
    let d = o
        .create(input("Lease", o.sales.pipeline.id, None))
        .expect("create");
    let (moved, left) = o
        .write(t(10), |tx, a| {
            move_to_stage(tx, a, d.id, o.stage(&o.sales, "Offer"))
        })
        .expect("move");
    assert_eq!(left, o.stage(&o.sales, "New"));
    assert_eq!(moved.stage_id, o.stage(&o.sales, "Offer"));
    assert_eq!(moved.stage_changed_at, t(10));
    let stored = o.deal(d.id).expect("stored");
    assert_eq!(stored.stage_id, moved.stage_id);
    // A move is a change of the deal: it is stamped with its time (created at 9, moved at 10).
    assert_eq!(stored.updated_at, t(10));
    // A move to where the deal already is changes nothing and logs nothing.
    o.write(t(11), |tx, a| {
        move_to_stage(tx, a, d.id, o.stage(&o.sales, "Offer"))
    })
    .expect("same stage");
    // An edit naming another stage is a move too.
    let (_, from) = o
        .write(t(12), |tx, a| {
            update(
                tx,
                a,
                d.id,
                input(
                    "Lease",
                    o.sales.pipeline.id,
                    Some(o.stage(&o.sales, "Negotiation")),
                ),
            )
        })
        .expect("edit");
    assert_eq!(from, Some(o.stage(&o.sales, "Offer")));
    let log = o.log(d.id, t(15));
    let stages: Vec<u64> = log.iter().map(|v| v.stage_id).collect();
    assert_eq!(
        stages,
        [
            o.stage(&o.sales, "New"),
            o.stage(&o.sales, "Offer"),
            o.stage(&o.sales, "Negotiation")
        ]
    );
    assert_eq!(log[0].entered_at, t(9));
    assert_eq!(log[0].left_at, Some(t(10)));
    assert_eq!(log[0].seconds, 3600);
    assert_eq!(log[1].seconds, 2 * 3600);
    assert_eq!(log[2].left_at, None);
    assert_eq!(
        log[2].seconds,
        3 * 3600,
        "the current stage counts until now"
    );
    assert!(log.iter().all(|v| v.by == Some(1)));
}

#[test]
fn won_and_lost_stages_close_the_deal_and_an_open_stage_reopens_it() {
    let o = office();
    let d = o
        .create(input("Lease", o.sales.pipeline.id, None))
        .expect("create");
    assert_eq!(d.closed_at, None);
    let (won, _) = o
        .write(t(10), |tx, a| {
            move_to_stage(tx, a, d.id, o.stage(&o.sales, "Won"))
        })
        .expect("won");
    assert_eq!(won.closed_at, Some(t(10)));
    assert_eq!(o.deal(d.id).expect("stored").closed_at, Some(t(10)));
    // An edit that leaves it in Won keeps the day it was won.
    let mut i = input("Lease (signed)", o.sales.pipeline.id, None);
    i.amount = "10".into();
    let (edited, _) = o
        .write(t(11), |tx, a| update(tx, a, d.id, i))
        .expect("edit");
    assert_eq!(edited.closed_at, Some(t(10)));
    // Lost after won: closed again, now.
    let (lost, _) = o
        .write(t(12), |tx, a| {
            move_to_stage(tx, a, d.id, o.stage(&o.sales, "Lost"))
        })
        .expect("lost");
    assert_eq!(lost.closed_at, Some(t(12)));
    // Back to an open stage: open again.
    let (open, _) = o
        .write(t(13), |tx, a| {
            move_to_stage(tx, a, d.id, o.stage(&o.sales, "Offer"))
        })
        .expect("reopen");
    assert_eq!(open.closed_at, None);
    assert_eq!(o.deal(d.id).expect("stored").closed_at, None);
    // Created straight into Won, and edited into Lost: closed at those times.
    let w = o
        .create(input(
            "Sold",
            o.sales.pipeline.id,
            Some(o.stage(&o.sales, "Won")),
        ))
        .expect("create won");
    assert_eq!(w.closed_at, Some(t(9)));
    let (l, _) = o
        .write(t(14), |tx, a| {
            update(
                tx,
                a,
                w.id,
                input("Sold", o.sales.pipeline.id, Some(o.stage(&o.sales, "Lost"))),
            )
        })
        .expect("edit to lost");
    assert_eq!(l.closed_at, Some(t(14)));
}

#[test]
fn a_required_custom_field_holds_on_create_and_on_edit() {
    let o = office();
    let f = o.field("Contract no.", true, vec![]);
    let key = f.id.to_string();
    let field = format!("custom.{key}");
    let r = o.create(input("Lease", o.sales.pipeline.id, None));
    assert_eq!(problems(r), vec![(field.clone(), "required")]);
    assert_eq!(o.count_deals(), 0);

    let mut i = input("Lease", o.sales.pipeline.id, None);
    i.custom.insert(key.clone(), json!("  K-17 "));
    let d = o.create(i).expect("create with the field");
    assert_eq!(d.custom.get(&key), Some(&json!("K-17")));

    // Dropping the value on edit (blank, null, or left out) is refused; the value stays.
    for dropped in [Some(json!("")), Some(serde_json::Value::Null), None] {
        let mut i = input("Lease", o.sales.pipeline.id, None);
        if let Some(v) = dropped.clone() {
            i.custom.insert(key.clone(), v);
        }
        let r = o.write(t(10), |tx, a| update(tx, a, d.id, i));
        assert_eq!(
            problems(r),
            vec![(field.clone(), "required")],
            "{dropped:?}"
        );
    }
    let stored = o.deal(d.id).expect("stored");
    assert_eq!(stored.custom.get(&key), Some(&json!("K-17")));
    assert_eq!(stored.updated_at, t(9));

    // A move does not ask for fields (it changes no values).
    o.write(t(11), |tx, a| {
        move_to_stage(tx, a, d.id, o.stage(&o.sales, "Offer"))
    })
    .expect("move");
}

#[test]
fn a_required_field_of_one_pipeline_is_asked_only_there() {
    let o = office();
    let f = o.field("Floor area", true, vec![o.rent.pipeline.id]);
    let key = f.id.to_string();
    o.create(input("Sale", o.sales.pipeline.id, None))
        .expect("not a field of Sales");
    let r = o.create(input("Lease", o.rent.pipeline.id, None));
    assert_eq!(problems(r), vec![(format!("custom.{key}"), "required")]);
    // A value for a field the pipeline does not have is refused too.
    let mut i = input("Sale 2", o.sales.pipeline.id, None);
    i.custom.insert(key.clone(), json!("120 m²"));
    assert_eq!(
        problems(o.create(i)),
        vec![(format!("custom.{key}"), "invalid_value")]
    );
    assert_eq!(o.count_deals(), 1);
    // Moving a Sales deal into Rent by an edit asks for the field.
    let sale = o.store.read(store::all::<Deal>).expect("deals").remove(0);
    let r = o.write(t(10), |tx, a| {
        update(tx, a, sale.id, input("Sale", o.rent.pipeline.id, None))
    });
    assert_eq!(problems(r), vec![(format!("custom.{key}"), "required")]);
    assert_eq!(
        o.deal(sale.id).expect("stored").pipeline_id,
        o.sales.pipeline.id
    );
}

#[test]
fn amounts_are_exact_decimals_and_currencies_known() {
    let o = office();
    let cases = [
        ("1 234,50", "", Some(("1234.50", "UAH"))),
        ("0.1", "usd", Some(("0.10", "USD"))),
        ("-3", "EUR", Some(("-3.00", "EUR"))),
        ("", "", Some(("0", "UAH"))),
        ("1.234", "", None),
        ("12abc", "", None),
        ("10", "XYZ", None),
        ("10", "dollars", None),
    ];
    for (amount, currency, want) in cases {
        let mut i = input("Deal", o.sales.pipeline.id, None);
        i.amount = amount.into();
        i.currency = currency.into();
        let r = o.create(i);
        match want {
            Some((a, c)) => {
                let d = r.expect("valid");
                assert_eq!(d.amount.0, money(a), "{amount}");
                assert_eq!(d.currency, c);
                let stored = o.deal(d.id).expect("stored");
                assert_eq!(stored.amount.0, money(a));
            }
            None => {
                let p = problems(r);
                assert_eq!(p.len(), 1, "{amount} {currency}: {p:?}");
                assert!(
                    p[0].0 == "amount" || p[0].0 == "currency",
                    "{amount} {currency}: {p:?}"
                );
            }
        }
    }
    assert_eq!(o.count_deals(), 4);
    // 0.1 + 0.2 in decimals is 0.30, not a float's 0.30000000000000004.
    let mut i = input("Sum", o.sales.pipeline.id, None);
    i.amount = "0.2".into();
    let d = o.create(i).expect("create");
    assert_eq!(d.amount.0 + money("0.1"), money("0.30"));
}

#[test]
fn a_deactivated_currency_stays_on_its_deals_but_is_refused_for_new_ones() {
    let o = office();
    let mut i = input("Euro deal", o.sales.pipeline.id, None);
    i.amount = "100".into();
    i.currency = "EUR".into();
    let d = o.create(i.clone()).expect("create");
    o.write(t(10), |tx, a| {
        money::update(
            tx,
            a,
            "EUR",
            CurrencyInput {
                code: "EUR".into(),
                name: "Euro".into(),
                symbol: "€".into(),
                active: false,
            },
        )
    })
    .expect("deactivate");
    i.amount = "150".into();
    let (edited, _) = o
        .write(t(11), |tx, a| update(tx, a, d.id, i.clone()))
        .expect("its own currency");
    assert_eq!(edited.currency, "EUR");
    assert_eq!(edited.amount.0, money("150"));
    assert_eq!(
        problems(o.create(i)),
        vec![("currency".to_string(), "invalid_value")]
    );
}

#[test]
fn probability_people_and_archived_pipelines_are_checked() {
    let o = office();
    let mut i = input("Deal", o.sales.pipeline.id, None);
    i.probability = Some(101);
    i.responsible_id = Some(77);
    i.observer_ids = vec![1, 78];
    i.company_id = Some(5);
    i.contact_ids = vec![6];
    i.customer_side_id = Some(7);
    let mut got = problems(o.create(i));
    got.sort();
    assert_eq!(
        got,
        vec![
            ("company_id".to_string(), "not_found"),
            ("contact_ids[0]".to_string(), "not_found"),
            ("customer_side_id".to_string(), "not_found"),
            ("observer_ids[1]".to_string(), "not_found"),
            ("probability".to_string(), "invalid_value"),
            ("responsible_id".to_string(), "not_found"),
        ]
    );
    let mut i = input("Deal", o.sales.pipeline.id, None);
    i.probability = Some(100);
    let d = o.create(i).expect("100 is fine");
    assert_eq!(d.probability, Some(100));
    assert_eq!(d.responsible_id, Some(1), "the author by default");

    // An archived pipeline takes no new deals; its deals can still be edited.
    o.write(t(10), |tx, a| {
        pipelines::update(
            tx,
            a,
            o.sales.pipeline.id,
            PipelineInput {
                name: "Sales".into(),
                sort: 10,
                archived: true,
            },
        )
    })
    .expect("archive");
    assert_eq!(
        problems(o.create(input("New", o.sales.pipeline.id, None))),
        vec![("pipeline_id".to_string(), "invalid_value")]
    );
    o.write(t(11), |tx, a| {
        update(
            tx,
            a,
            d.id,
            input("Deal, renamed", o.sales.pipeline.id, None),
        )
    })
    .expect("edit in an archived pipeline");
}

#[test]
fn a_deleted_deal_takes_its_stage_log_and_index_entries_along() {
    let o = office();
    let keep = o
        .create(input("Keep", o.sales.pipeline.id, None))
        .expect("create");
    let d = o
        .create(input("Drop", o.sales.pipeline.id, None))
        .expect("create");
    for s in ["Offer", "Won"] {
        o.write(t(10), |tx, a| {
            move_to_stage(tx, a, d.id, o.stage(&o.sales, s))
        })
        .expect("move");
    }
    assert_eq!(o.count_moves(), 4);
    let gone = o.write(t(11), |tx, a| delete(tx, a, d.id)).expect("delete");
    assert_eq!(gone.id, d.id);
    assert!(o.deal(d.id).is_none());
    assert_eq!(o.count_moves(), 1, "only the kept deal's entry is left");
    assert!(matches!(
        o.store.read(|rx| stage_log(rx, d.id, t(12))),
        Err(Error::NotFound(_))
    ));
    o.store
        .read(|rx| {
            assert!(store::ids_by(rx, tables::DEAL_BY_STAGE, o.stage(&o.sales, "Won"))?.is_empty());
            assert_eq!(
                store::ids_by(rx, tables::DEAL_BY_PIPELINE, o.sales.pipeline.id)?,
                vec![keep.id]
            );
            Ok(())
        })
        .expect("indexes");
    assert!(matches!(
        o.write(t(12), |tx, a| delete(tx, a, d.id)),
        Err(Error::NotFound(_))
    ));
}

/// Per-currency amounts and counts, the base total and the unconverted count.
fn summary(t: &Totals) -> (Vec<(String, Decimal, u64)>, Decimal, u64) {
    (
        t.by_currency
            .iter()
            .map(|c| (c.currency.clone(), c.amount.0, c.count))
            .collect(),
        t.base_total.0,
        t.unconverted,
    )
}

#[test]
fn stage_totals_add_up_the_same_way_in_lists_and_on_the_board() {
    let o = office();
    o.write(t(8), |tx, a| {
        money::set_rate(
            tx,
            a,
            "USD",
            RateInput {
                date: today(),
                rate: "41.1234".into(),
            },
        )
    })
    .expect("rate");
    let new = o.stage(&o.sales, "New");
    let offer = o.stage(&o.sales, "Offer");
    let mut ids = Vec::new();
    for (amount, currency, stage) in [
        ("100.10", "UAH", new),
        ("200.20", "UAH", new),
        ("10.01", "USD", offer),
        ("5", "EUR", offer),
    ] {
        let mut i = input("Deal", o.sales.pipeline.id, Some(stage));
        i.amount = amount.into();
        i.currency = currency.into();
        ids.push(o.create(i).expect("create").id);
    }
    // A deal of another pipeline is in no total of this one.
    let mut i = input("Other", o.rent.pipeline.id, None);
    i.amount = "1000".into();
    o.create(i).expect("create");

    // 10.01 USD × 41.1234 = 411.645234 → 411.65 UAH.
    let want = (
        vec![
            ("EUR".to_string(), money("5"), 1),
            ("UAH".to_string(), money("300.30"), 2),
            ("USD".to_string(), money("10.01"), 1),
        ],
        money("711.95"),
        1,
    );
    let caches = ReadCaches::default();
    let by_pipeline = DealFilter {
        pipeline_id: Some(o.sales.pipeline.id),
        ..DealFilter::default()
    };
    // The index path (pipeline only) and the filtering path (`mine`) agree.
    let mine = DealFilter {
        mine: true,
        ..by_pipeline.clone()
    };
    let read = |f: &DealFilter| {
        o.store
            .read(|rx| {
                list(
                    rx,
                    &caches,
                    &o.admin,
                    f,
                    DealSort::CreatedDesc,
                    None,
                    2,
                    today(),
                )
            })
            .expect("list")
    };
    for f in [&by_pipeline, &mine] {
        let page = read(f);
        assert_eq!(summary(&page.totals), want, "{f:?}");
        assert_eq!(page.total, 4);
        assert_eq!(page.items.len(), 2);
        assert!(page.next_cursor.is_some());
    }
    let board = |caches: &ReadCaches| {
        o.store
            .read(|rx| {
                board(
                    rx,
                    caches,
                    &o.admin,
                    o.sales.pipeline.id,
                    &DealFilter::default(),
                    10,
                    today(),
                )
            })
            .expect("board")
    };
    let b = board(&caches);
    let cols: Vec<(u64, Decimal, u64)> = b
        .columns
        .iter()
        .map(|c| (c.count, c.sum_base.0, c.unconverted))
        .collect();
    assert_eq!(
        cols,
        [
            (2, money("300.30"), 0),
            (2, money("411.65"), 1),
            (0, Decimal::ZERO, 0),
            (0, Decimal::ZERO, 0),
            (0, Decimal::ZERO, 0)
        ]
    );
    let sum: Decimal = b.columns.iter().map(|c| c.sum_base.0).sum();
    assert_eq!(sum, want.1, "columns add up to the list's base total");

    // A move shows in the (cached) totals at once, in the list and on the board.
    o.write(t(10), |tx, a| move_to_stage(tx, a, ids[0], offer))
        .expect("move");
    let b = board(&caches);
    assert_eq!(
        (b.columns[0].count, b.columns[0].sum_base.0),
        (1, money("200.20"))
    );
    assert_eq!(
        (b.columns[1].count, b.columns[1].sum_base.0),
        (3, money("511.75"))
    );
    let offer_only = DealFilter {
        stage_id: Some(offer),
        ..by_pipeline.clone()
    };
    let page = read(&offer_only);
    assert_eq!(page.total, 3);
    assert_eq!(page.totals.base_total.0, money("511.75"));
    assert_eq!(b.columns[1].cards[0].id, ids[0], "the latest move first");
}

#[test]
fn a_write_answers_the_same_row_a_read_gives() {
    let o = office();
    let mut i = input("Banner", o.sales.pipeline.id, None);
    i.amount = "1200".into();
    i.currency = "USD".into();
    let row = o
        .write(t(9), |tx, a| create_row(tx, a, i, today()))
        .expect("create");
    let read = |id| {
        o.store
            .read(|rx| get(rx, &o.admin, id, today()))
            .expect("get")
    };
    let got = read(row.deal.id);
    assert_eq!(
        (&row.base_amount, row.rate, &row.company_name),
        (&got.base_amount, got.rate, &got.company_name)
    );
    assert_eq!(row.deal.amount.0, got.deal.amount.0);
    let (moved, from) = o
        .write(t(10), |tx, a| {
            move_row(tx, a, row.deal.id, o.stage(&o.sales, "Offer"), today())
        })
        .expect("move");
    assert_eq!(from, row.deal.stage_id);
    let got = read(row.deal.id);
    assert_eq!(moved.deal.stage_id, got.deal.stage_id);
    assert_eq!(moved.base_amount, got.base_amount);
}
