//! The sales side of the demo office: rates, the three project pipelines with the Free and
//! Project fields, deals spread over stages and currencies (some moved along), and leads.

use chrono::{DateTime, NaiveDate, Utc};
use rand::{Rng, rngs::StdRng, seq::IndexedRandom};

use super::{
    Scale,
    names::{CO_FORMS_UA, CO_WORDS, DEAL_TOPICS, DOMAINS, phone, pick, slug},
};
use crate::{
    access::{Role, User},
    crm::{
        custom::{self, Entity, FieldDef, FieldInput, FieldKind, OptionInput},
        deals::{self, DealInput},
        leads::{self, LeadInput},
        money::{self, RateInput},
        pipelines::{self, PipelineInput, PipelineOut, StageKind},
    },
    error::Result,
    store::{Store, Tx},
};

/// Rates, the three project pipelines with the Free and Project fields, deals spread over
/// stages and currencies (some moved along), and leads.
pub(super) fn pipeline(
    store: &Store,
    now: DateTime<Utc>,
    scale: &Scale,
    rng: &mut StdRng,
    actor: &User,
    managers: &[User],
    companies: &[(u64, String)],
) -> Result<(usize, usize)> {
    let admin = User {
        role: Role::Admin,
        active: true,
        ..actor.clone()
    };
    let today = now.date_naive();
    let projects = store.write(Some(actor.id), now, |tx| {
        rates(tx, &admin, today)?;
        let pipelines = project_pipelines(tx, &admin)?;
        let (free, project) = deal_fields(tx, &admin)?;
        Ok(Projects {
            pipelines,
            free,
            project,
        })
    })?;
    let mut made = 0;
    while made < scale.deals {
        let n = 1_000.min(scale.deals - made);
        store.write(Some(actor.id), now, |tx| {
            let mut inputs = Vec::with_capacity(n);
            let mut in_project = Vec::with_capacity(n);
            for _ in 0..n {
                let (input, pi) = deal(tx, rng, &projects, companies, managers, today)?;
                in_project.push(pi);
                inputs.push(input);
            }
            let made = deals::create_many(tx, actor, inputs)?;
            for (d, pi) in made.iter().zip(in_project) {
                move_along(tx, rng, actor, d.id, &projects.pipelines[pi])?;
            }
            Ok(())
        })?;
        made += n;
    }
    leads(store, now, scale, rng, actor, managers)?;
    Ok((scale.deals, scale.leads))
}

/// The project pipelines and the deal fields that say whether a deal is free and which
/// project it is for.
struct Projects {
    pipelines: Vec<PipelineOut>,
    free: FieldDef,
    project: FieldDef,
}

/// A month-old and yesterday's rate of each foreign currency.
fn rates(tx: &mut Tx, admin: &User, today: NaiveDate) -> Result<()> {
    for (code, old, new) in [
        ("USD", "40.90", "41.25"),
        ("EUR", "44.10", "44.80"),
        ("RUB", "0.44", "0.45"),
    ] {
        for (days, rate) in [(30, old), (1, new)] {
            money::set_rate(
                tx,
                admin,
                code,
                RateInput {
                    date: today - chrono::Duration::days(days),
                    rate: rate.into(),
                },
            )?;
        }
    }
    Ok(())
}

/// The pipelines of the three projects (the seeded one, when it has no deals yet, becomes the
/// first).
fn project_pipelines(tx: &mut Tx, admin: &User) -> Result<Vec<PipelineOut>> {
    // The seeded pipeline becomes the first project.
    let reuse_seeded = tx.exists::<crate::crm::pipelines::Pipeline>(1)?
        && tx
            .ids_by(crate::store::tables::DEAL_BY_PIPELINE, 1)?
            .is_empty();
    let mut ids = Vec::new();
    for (i, name) in ["keddr", "kaddr", "veddo"].into_iter().enumerate() {
        let p = if i == 0 && reuse_seeded {
            pipelines::update(
                tx,
                admin,
                1,
                PipelineInput {
                    name: name.into(),
                    sort: 10,
                    archived: false,
                },
            )?
        } else {
            pipelines::create(
                tx,
                admin,
                PipelineInput {
                    name: name.into(),
                    sort: 0,
                    archived: false,
                },
            )?
        };
        ids.push(p);
    }
    Ok(ids)
}

/// The deal fields Free (required yes/no) and Project (a choice of the three).
fn deal_fields(tx: &mut Tx, admin: &User) -> Result<(FieldDef, FieldDef)> {
    let free = custom::create(
        tx,
        admin,
        field(
            "Free",
            "Безкоштовно",
            "Бесплатно",
            FieldKind::Boolean,
            true,
            vec![],
        ),
    )?;
    let project = custom::create(
        tx,
        admin,
        field(
            "Project",
            "Проєкт",
            "Проект",
            FieldKind::Select,
            false,
            vec!["keddr", "kaddr", "veddo"],
        ),
    )?;
    Ok((free, project))
}

/// A deal field shown in lists and filterable, labelled in the three languages.
fn field(
    name: &str,
    uk: &str,
    ru: &str,
    kind: FieldKind,
    required: bool,
    options: Vec<&str>,
) -> FieldInput {
    FieldInput {
        entity: Entity::Deal,
        name: name.into(),
        labels: crate::crm::company_types::Labels {
            en: name.into(),
            uk: uk.into(),
            ru: ru.into(),
        },
        kind,
        required,
        default: (kind == FieldKind::Boolean).then_some(serde_json::json!(false)),
        sort: 0,
        show_in_list: true,
        filterable: true,
        options: options
            .into_iter()
            .map(|l| OptionInput {
                id: None,
                label: l.into(),
                archived: false,
            })
            .collect(),
        pipeline_ids: vec![],
        archived: None,
    }
}

/// One ad deal of a random project, with a company and one of its contacts; and the index
/// of its project.
fn deal(
    tx: &Tx,
    rng: &mut StdRng,
    projects: &Projects,
    companies: &[(u64, String)],
    managers: &[User],
    today: NaiveDate,
) -> Result<(DealInput, usize)> {
    let currencies = ["UAH", "UAH", "UAH", "USD", "USD", "EUR", "RUB"];
    let (free, project) = (&projects.free, &projects.project);
    let pi = rng.random_range(0..projects.pipelines.len());
    let currency = pick(rng, &currencies);
    let p = &projects.pipelines[pi];
    let company = companies.choose(rng).map(|(id, _)| *id);
    let contacts = company
        .map(|c| tx.ids_by(crate::store::tables::CONTACT_BY_COMPANY, c))
        .transpose()?
        .unwrap_or_default();
    let mut custom = crate::crm::custom::Values::new();
    custom.insert(free.id.to_string(), serde_json::json!(rng.random_bool(0.1)));
    custom.insert(
        project.id.to_string(),
        serde_json::json!(project.options[pi].id),
    );
    let input = DealInput {
        title: format!("{} — {}", pick(rng, DEAL_TOPICS), p.pipeline.name),
        pipeline_id: Some(p.pipeline.id),
        stage_id: None,
        // Ad deals: tens of thousands of hryvnias, hundreds to a few thousand dollars.
        amount: format!(
            "{}.{:02}",
            rng.random_range(20..400)
                * match currency {
                    "UAH" => 100,
                    "RUB" => 200,
                    _ => 3,
                },
            rng.random_range(0..100)
        ),
        currency: currency.into(),
        company_id: company,
        contact_ids: contacts.choose(rng).copied().into_iter().collect(),
        customer_side_id: None,
        responsible_id: managers.choose(rng).map(|u| u.id),
        observer_ids: vec![],
        expected_close: Some(today + chrono::Duration::days(rng.random_range(-10..60))),
        probability: Some(rng.random_range(1..10) * 10),
        source_id: Some(rng.random_range(1..=6)),
        type_id: Some(rng.random_range(1..=3)),
        custom,
    };
    Ok((input, pi))
}

/// Moves a new deal some stages along its pipeline, as a real week would (it stops at the
/// first won or lost stage it reaches).
fn move_along(
    tx: &mut Tx,
    rng: &mut StdRng,
    actor: &User,
    deal_id: u64,
    p: &PipelineOut,
) -> Result<()> {
    let steps = rng.random_range(0..p.stages.len());
    let open: Vec<u64> = p
        .stages
        .iter()
        .filter(|s| s.kind == StageKind::Open)
        .map(|s| s.id)
        .collect();
    for s in p.stages.iter().skip(1).take(steps) {
        if open.contains(&s.id) || rng.random_bool(0.5) {
            deals::move_to_stage(tx, actor, deal_id, s.id)?;
            if !open.contains(&s.id) {
                break;
            }
        }
    }
    Ok(())
}

/// The leads, in open statuses, from a handful of people.
fn leads(
    store: &Store,
    now: DateTime<Utc>,
    scale: &Scale,
    rng: &mut StdRng,
    actor: &User,
    managers: &[User],
) -> Result<()> {
    let lead_people = [
        "Ірина Бондар",
        "Сергей Иванов",
        "Emily Clarke",
        "Тарас Мельник",
        "Ольга Лебедева",
    ];
    store.write(Some(actor.id), now, |tx| {
        let statuses = pipelines::lead_statuses_tx(tx)?;
        let open: Vec<u64> = statuses
            .iter()
            .filter(|s| s.kind != crate::crm::pipelines::LeadStatusKind::Converted)
            .map(|s| s.id)
            .collect();
        let mut inputs = Vec::with_capacity(scale.leads);
        for i in 0..scale.leads {
            let person = pick(rng, &lead_people);
            inputs.push(LeadInput {
                title: format!("{} ({})", pick(rng, DEAL_TOPICS), i + 1),
                person_name: person.into(),
                company_name: format!("{} «{}»", pick(rng, CO_FORMS_UA), pick(rng, CO_WORDS)),
                phone: phone(rng),
                email: format!(
                    "{}@{}",
                    slug(person.split(' ').next().unwrap_or("lead")),
                    pick(rng, DOMAINS)
                ),
                source_id: Some(rng.random_range(1..=6)),
                responsible_id: managers.choose(rng).map(|u| u.id),
                amount: format!("{}", rng.random_range(1..100) * 500),
                currency: pick(rng, &["UAH", "USD"]).into(),
                status_id: open.choose(rng).copied(),
                comments: String::new(),
                custom: Default::default(),
            });
        }
        leads::create_many(tx, actor, inputs).map(|_| ())
    })
}
