//! The rules of leads, called directly over a real store in a temp folder: statuses (a new lead
//! is open, "converted" only by converting), phone, e-mail and amount checks, required custom
//! fields, and conversion into a deal with a new or an existing company and contact — all or
//! nothing, once.

use chrono::TimeZone;
use rust_decimal::Decimal;
use serde_json::json;

use super::*;
use crate::{
    crm::{
        custom::{FieldInput, FieldKind},
        pipelines::{self, Pipeline, Stage},
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

    fn lead(&self, id: u64) -> Lead {
        self.store
            .read(|rx| store::get::<Lead>(rx, id))
            .expect("read")
            .expect("the lead is there")
    }

    fn count<R: Record>(&self) -> u64 {
        self.store.read(store::count::<R>).expect("count")
    }

    fn status(&self, kind: LeadStatusKind) -> u64 {
        self.store
            .read(pipelines::lead_statuses)
            .expect("statuses")
            .into_iter()
            .find(|s| s.kind == kind)
            .map(|s| s.id)
            .expect("a status of that kind")
    }

    fn create(&self, input: LeadInput) -> Result<Lead> {
        self.write(t(9), |tx, a| create(tx, a, input))
    }

    fn required_field(&self, entity: Entity) -> String {
        self.write(t(8), |tx, a| {
            custom::create(
                tx,
                a,
                FieldInput {
                    entity,
                    name: "Budget line".into(),
                    labels: Default::default(),
                    kind: FieldKind::Text,
                    required: true,
                    default: None,
                    sort: 0,
                    show_in_list: false,
                    filterable: false,
                    options: vec![],
                    pipeline_ids: vec![],
                    archived: None,
                },
            )
        })
        .expect("custom field")
        .id
        .to_string()
    }

    /// The seeded pipeline and its stages in order.
    fn sales(&self) -> (Pipeline, Vec<Stage>) {
        let p = self
            .store
            .read(pipelines::list)
            .expect("pipelines")
            .remove(0);
        (p.pipeline, p.stages)
    }
}

fn input(title: &str) -> LeadInput {
    LeadInput {
        title: title.into(),
        person_name: String::new(),
        company_name: String::new(),
        phone: String::new(),
        email: String::new(),
        source_id: None,
        responsible_id: None,
        amount: String::new(),
        currency: String::new(),
        status_id: None,
        comments: String::new(),
        custom: Values::new(),
    }
}

/// A lead as it comes from the website form.
fn full(title: &str) -> LeadInput {
    LeadInput {
        person_name: "Олена Петрівна Шевченко".into(),
        company_name: "ТОВ «Ромашка»".into(),
        phone: "+38 (067) 123-45-67".into(),
        email: "olena@romashka.ua".into(),
        amount: "1 500,50".into(),
        currency: "usd".into(),
        ..input(title)
    }
}

fn convert_input(pipeline: u64, company: LinkAction, contact: LinkAction) -> ConvertInput {
    ConvertInput {
        pipeline_id: Some(pipeline),
        stage_id: None,
        deal_title: None,
        contact: Some(LinkChoice {
            action: contact,
            id: None,
        }),
        company: Some(LinkChoice {
            action: company,
            id: None,
        }),
        custom: Values::new(),
    }
}

fn problems<T>(r: Result<T>) -> Vec<(String, &'static str)> {
    match r {
        Err(Error::Validation(v)) => v.into_iter().map(|f| (f.field, f.code)).collect(),
        Err(e) => panic!("expected a validation error, got {e:?}"),
        Ok(_) => panic!("expected a validation error, got success"),
    }
}

#[test]
fn a_new_lead_is_open_owned_by_its_author_and_converted_only_by_converting() {
    let o = office();
    let l = o.create(input("Call back")).expect("create");
    assert_eq!(l.status_id, o.status(LeadStatusKind::Open));
    assert_eq!(l.responsible_id, Some(1));
    assert_eq!(l.created_by, Some(1));
    assert_eq!(l.converted, None);

    let converted = o.status(LeadStatusKind::Converted);
    let mut i = input("Sneaky");
    i.status_id = Some(converted);
    assert_eq!(
        problems(o.create(i)),
        vec![("status_id".to_string(), "invalid_value")]
    );
    let mut i = input("Call back");
    i.status_id = Some(converted);
    assert_eq!(
        problems(o.write(t(10), |tx, a| update(tx, a, l.id, i))),
        vec![("status_id".to_string(), "invalid_value")]
    );
    let mut i = input("Call back");
    i.status_id = Some(9999);
    assert_eq!(
        problems(o.write(t(10), |tx, a| update(tx, a, l.id, i))),
        vec![("status_id".to_string(), "not_found")]
    );
    assert_eq!(o.lead(l.id).status_id, o.status(LeadStatusKind::Open));
    assert_eq!(o.count::<Lead>(), 1);

    // Junk is a status one may set; an edit without a status keeps it.
    let junk = o.status(LeadStatusKind::Junk);
    let mut i = input("Call back");
    i.status_id = Some(junk);
    o.write(t(10), |tx, a| update(tx, a, l.id, i))
        .expect("junk");
    let kept = o
        .write(t(11), |tx, a| update(tx, a, l.id, input("Call back later")))
        .expect("edit");
    assert_eq!(kept.status_id, junk);
    assert_eq!(o.lead(l.id).status_id, junk);
    // Someone else made responsible stays responsible; an unknown user is refused.
    let mut i = input("Call back");
    i.responsible_id = Some(42);
    assert_eq!(
        problems(o.write(t(12), |tx, a| update(tx, a, l.id, i))),
        vec![("responsible_id".to_string(), "not_found")]
    );
}

#[test]
fn phones_e_mails_and_amounts_are_checked() {
    let o = office();
    let l = o.create(full("Website form")).expect("a valid lead");
    assert_eq!(l.phone, "+38 (067) 123-45-67");
    assert_eq!(
        l.amount.map(|a| a.0),
        Decimal::from_str_exact("1500.50").ok()
    );
    assert_eq!(l.currency, "USD");
    let bad = [
        ("phone", "call me maybe", "invalid_phone"),
        ("phone", "1234", "invalid_phone"),
        ("phone", "+1 234 567 890 123 456 789 01", "invalid_phone"),
        ("email", "olena@", "invalid_email"),
        ("email", "olena romashka.ua", "invalid_email"),
        ("amount", "12.345", "invalid_value"),
        ("amount", "lots", "invalid_value"),
        ("currency", "XYZ", "not_found"),
        ("title", "   ", "required"),
    ];
    for (field, value, code) in bad {
        let mut i = full("Website form");
        match field {
            "phone" => i.phone = value.into(),
            "email" => i.email = value.into(),
            "amount" => i.amount = value.into(),
            "currency" => i.currency = value.into(),
            _ => i.title = value.into(),
        }
        assert_eq!(
            problems(o.create(i)),
            vec![(field.to_string(), code)],
            "{field} = {value:?}"
        );
    }
    // Empty phone, e-mail and amount are fine: a lead may be just a name.
    let bare = o.create(input("Someone called")).expect("bare lead");
    assert_eq!((bare.phone.as_str(), bare.amount), ("", None));
    assert_eq!(bare.currency, "UAH", "the base currency");
    assert_eq!(o.count::<Lead>(), 2);
}

#[test]
fn a_required_lead_field_holds_on_create_and_on_edit() {
    let o = office();
    let key = o.required_field(Entity::Lead);
    let field = format!("custom.{key}");
    assert_eq!(
        problems(o.create(input("No budget"))),
        vec![(field.clone(), "required")]
    );
    assert_eq!(o.count::<Lead>(), 0);
    let mut i = input("Budgeted");
    i.custom.insert(key.clone(), json!("marketing"));
    let l = o.create(i).expect("create");
    let mut i = input("Budgeted");
    i.custom.insert(key.clone(), json!(" "));
    assert_eq!(
        problems(o.write(t(10), |tx, a| update(tx, a, l.id, i))),
        vec![(field, "required")]
    );
    assert_eq!(o.lead(l.id).custom.get(&key), Some(&json!("marketing")));
}

#[test]
fn conversion_creates_a_company_a_contact_and_a_deal_and_marks_the_lead() {
    let o = office();
    let (sales, stages) = o.sales();
    let l = o.create(full("Website form")).expect("create");
    let c = o
        .write(t(10), |tx, a| {
            convert(
                tx,
                a,
                l.id,
                convert_input(sales.id, LinkAction::Create, LinkAction::Create),
            )
        })
        .expect("convert");
    let (company_id, contact_id) = (
        c.company_id.expect("a company"),
        c.contact_id.expect("a contact"),
    );
    let (company, contact, deal, lead) = o
        .store
        .read(|rx| {
            Ok((
                store::get::<Company>(rx, company_id)?.expect("company stored"),
                store::get::<Contact>(rx, contact_id)?.expect("contact stored"),
                store::get::<Deal>(rx, c.deal.id)?.expect("deal stored"),
                store::get::<Lead>(rx, l.id)?.expect("lead stored"),
            ))
        })
        .expect("read");
    assert_eq!(company.name, "ТОВ «Ромашка»");
    assert_eq!(company.responsible_id, Some(1));
    assert_eq!(
        (contact.first_name.as_str(), contact.last_name.as_str()),
        ("Олена", "Петрівна Шевченко")
    );
    assert_eq!(contact.company_id, Some(company_id));
    assert_eq!(contact.phones[0].value, "+38 (067) 123-45-67");
    assert_eq!(contact.emails[0].value, "olena@romashka.ua");

    assert_eq!(deal.title, "Website form");
    assert_eq!(deal.lead_id, Some(l.id));
    assert_eq!(deal.company_id, Some(company_id));
    assert_eq!(deal.contact_ids, vec![contact_id]);
    assert_eq!(
        deal.amount.0,
        Decimal::from_str_exact("1500.50").expect("dec")
    );
    assert_eq!(deal.currency, "USD");
    assert_eq!((deal.pipeline_id, deal.stage_id), (sales.id, stages[0].id));

    let conv = lead.converted.expect("marked converted");
    assert_eq!(conv.deal_id, deal.id);
    assert_eq!(
        (conv.company_id, conv.contact_id),
        (Some(company_id), Some(contact_id))
    );
    assert_eq!((conv.at, conv.by), (t(10), Some(1)));
    assert_eq!(lead.status_id, o.status(LeadStatusKind::Converted));

    // Converting twice is refused, and makes nothing.
    let again = o.write(t(11), |tx, a| {
        convert(
            tx,
            a,
            l.id,
            convert_input(sales.id, LinkAction::None, LinkAction::None),
        )
    });
    assert!(
        matches!(again, Err(Error::Conflict(_))),
        "{:?}",
        again.err()
    );
    assert_eq!(o.count::<Deal>(), 1);
    assert_eq!(o.count::<Company>(), 1);
    assert_eq!(o.count::<Contact>(), 1);
    // A converted lead keeps its status on edit.
    let mut i = full("Website form (done)");
    i.status_id = Some(o.status(LeadStatusKind::Converted));
    let edited = o
        .write(t(12), |tx, a| update(tx, a, l.id, i))
        .expect("edit a converted lead");
    assert!(edited.converted.is_some());
}

#[test]
fn conversion_links_existing_records_into_the_chosen_stage() {
    let o = office();
    let (sales, stages) = o.sales();
    let (company, contact) = o
        .write(t(9), |tx, a| {
            let company = companies::create(
                tx,
                a,
                CompanyInput {
                    name: "Romashka LLC".into(),
                    ..Default::default()
                },
            )?;
            let mut ci = ContactInput {
                first_name: "Olena".into(),
                middle_name: String::new(),
                last_name: String::new(),
                position: String::new(),
                company_id: None,
                responsible_id: None,
                phones: vec![],
                emails: vec![],
                messengers: vec![],
                birthday: None,
                source: String::new(),
                notes: String::new(),
                custom: Values::new(),
            };
            ci.last_name = "Shevchenko".into();
            let contact = contacts::create(tx, a, ci)?;
            Ok((company, contact))
        })
        .expect("existing records");
    let l = o.create(full("Second order")).expect("create");
    let mut ci = convert_input(sales.id, LinkAction::Link, LinkAction::Link);
    ci.company = Some(LinkChoice {
        action: LinkAction::Link,
        id: Some(company.id),
    });
    ci.contact = Some(LinkChoice {
        action: LinkAction::Link,
        id: Some(contact.id),
    });
    ci.stage_id = Some(stages[2].id);
    ci.pipeline_id = Some(sales.id);
    ci.deal_title = Some("Second order: 2 pallets".into());
    let c = o
        .write(t(10), |tx, a| convert(tx, a, l.id, ci))
        .expect("convert");
    assert_eq!(c.company_id, Some(company.id));
    assert_eq!(c.contact_id, Some(contact.id));
    assert_eq!(c.deal.stage_id, stages[2].id);
    assert_eq!(c.deal.title, "Second order: 2 pallets");
    assert_eq!(o.count::<Company>(), 1, "no new company");
    assert_eq!(o.count::<Contact>(), 1, "no new contact");
}

/// Every refused conversion leaves the office as it was: no deal, company or contact, and the
/// lead not converted.
#[test]
fn a_refused_conversion_stores_nothing() {
    let o = office();
    let (sales, stages) = o.sales();
    let key = o.required_field(Entity::Deal);
    let mut bare = input("No company name");
    bare.person_name = "Ivan".into();
    let bare = o.create(bare).expect("create");
    let l = o.create(full("Website form")).expect("create");
    let link_missing = {
        let mut i = convert_input(sales.id, LinkAction::Create, LinkAction::Link);
        i.contact = Some(LinkChoice {
            action: LinkAction::Link,
            id: Some(404),
        });
        i.custom.insert(key.clone(), json!("ok"));
        i
    };
    let link_without_id = {
        let mut i = convert_input(sales.id, LinkAction::Link, LinkAction::Create);
        i.custom.insert(key.clone(), json!("ok"));
        i
    };
    let foreign_stage = {
        let mut i = convert_input(sales.id, LinkAction::Create, LinkAction::Create);
        i.custom.insert(key.clone(), json!("ok"));
        i.pipeline_id = Some(12345);
        i.stage_id = Some(stages[0].id);
        i
    };
    let no_pipeline = {
        let mut i = convert_input(sales.id, LinkAction::Create, LinkAction::Create);
        i.custom.insert(key.clone(), json!("ok"));
        i.pipeline_id = None;
        i
    };
    let cases = [
        (l.id, no_pipeline, "deal.pipeline_id".into(), "required"),
        (
            l.id,
            convert_input(sales.id, LinkAction::Create, LinkAction::Create),
            format!("deal.custom.{key}"),
            "required",
        ),
        (l.id, link_missing, "contact.id".into(), "not_found"),
        (l.id, link_without_id, "company.id".into(), "required"),
        (l.id, foreign_stage, "deal.pipeline_id".into(), "not_found"),
        (
            bare.id,
            convert_input(sales.id, LinkAction::Create, LinkAction::None),
            "company.action".into(),
            "invalid_value",
        ),
    ];
    for (lead, input, field, code) in cases {
        let r = o.write(t(10), |tx, a| convert(tx, a, lead, input));
        assert_eq!(problems(r), vec![(field.clone(), code)], "{field}");
        assert_eq!(o.count::<Deal>(), 0, "{field}");
        assert_eq!(o.count::<Company>(), 0, "{field}");
        assert_eq!(o.count::<Contact>(), 0, "{field}");
        let stored = o.lead(lead);
        assert_eq!(stored.converted, None, "{field}");
        assert_eq!(stored.status_id, o.status(LeadStatusKind::Open));
    }
}

#[test]
fn set_status_and_delete() {
    let o = office();
    let l = o.create(input("Cold")).expect("create");
    let junk = o.status(LeadStatusKind::Junk);
    let moved = o
        .write(t(10), |tx, a| set_status(tx, a, l.id, junk))
        .expect("status");
    assert_eq!((moved.status_id, moved.updated_at), (junk, t(10)));
    assert_eq!(o.lead(l.id).status_id, junk);
    o.store
        .read(|rx| {
            assert_eq!(store::ids_by(rx, tables::LEAD_BY_STATUS, junk)?, vec![l.id]);
            assert_eq!(count_open(rx)?, 0);
            Ok(())
        })
        .expect("indexes");
    o.write(t(11), |tx, a| delete(tx, a, l.id)).expect("delete");
    assert_eq!(o.count::<Lead>(), 0);
    assert!(matches!(
        o.store.read(|rx| get(rx, &o.admin, l.id)),
        Err(Error::NotFound(_))
    ));
    o.store
        .read(|rx| {
            assert!(store::ids_by(rx, tables::LEAD_BY_STATUS, junk)?.is_empty());
            Ok(())
        })
        .expect("indexes");
}
