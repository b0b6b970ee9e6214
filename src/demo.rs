//! A realistic small office for the first look and for benchmarks: managers in departments,
//! companies and contacts with Ukrainian, Russian and English names, phones and e-mails.
//! Everything goes through the same use-cases as the API. The same seed gives the same office.

use chrono::{DateTime, NaiveDate, Utc};
use rand::{Rng, SeedableRng, rngs::StdRng, seq::IndexedRandom};

use crate::{
    access::{
        Language, Role, User,
        departments::{self, DepartmentInput},
        users::{self, NewUser},
    },
    crm::{
        CompanyType, Email, EmailKind, Messenger, MessengerKind, Phone, PhoneKind,
        companies::{self, CompanyInput},
        contacts::{self, ContactInput},
    },
    error::{Error, Result},
    store::{self, Store},
};

pub struct Scale {
    pub companies: usize,
    pub contacts: usize,
    pub deals: usize,
    pub leads: usize,
    pub seed: u64,
}

impl Default for Scale {
    fn default() -> Self {
        Scale {
            companies: 300,
            contacts: 700,
            deals: 240,
            leads: 40,
            seed: 42,
        }
    }
}

pub const DEMO_PASSWORD: &str = "korobka-demo";

const UK_FIRST_F: &[&str] = &[
    "Олена",
    "Наталія",
    "Ірина",
    "Оксана",
    "Юлія",
    "Марія",
    "Тетяна",
    "Анна",
    "Світлана",
    "Христина",
];
const UK_FIRST_M: &[&str] = &[
    "Олександр",
    "Андрій",
    "Тарас",
    "Богдан",
    "Дмитро",
    "Сергій",
    "Максим",
    "Василь",
    "Ігор",
    "Микола",
];
const UK_LAST: &[&str] = &[
    "Шевченко",
    "Коваленко",
    "Бондаренко",
    "Ткаченко",
    "Кравченко",
    "Олійник",
    "Мельник",
    "Савченко",
    "Лисенко",
    "Руденко",
    "Марченко",
    "Гончаренко",
    "Поліщук",
    "Кравчук",
    "Бойко",
];
const UK_MIDDLE_M: &[&str] = &["Петрович", "Іванович", "Миколайович", "Васильович"];
const UK_MIDDLE_F: &[&str] = &["Петрівна", "Іванівна", "Миколаївна", "Василівна"];
const RU_FIRST_F: &[&str] = &["Екатерина", "Ольга", "Анна", "Татьяна", "Елена", "Мария"];
const RU_FIRST_M: &[&str] = &[
    "Алексей",
    "Сергей",
    "Дмитрий",
    "Михаил",
    "Александр",
    "Николай",
];
const RU_LAST_M: &[&str] = &[
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Соколов",
    "Лебедев",
    "Морозов",
    "Волков",
];
const EN_FIRST: &[&str] = &[
    "John", "Emily", "Michael", "Sarah", "David", "Laura", "James", "Olivia",
];
const EN_LAST: &[&str] = &[
    "Smith", "Johnson", "Brown", "Taylor", "Wilson", "Clarke", "Evans", "Walker",
];
const CO_FORMS_UA: &[&str] = &["ТОВ", "ПП", "ФОП", "ПрАТ"];
const CO_FORMS_EN: &[&str] = &["LLC", "Ltd", "GmbH", "Inc."];
const CO_WORDS: &[&str] = &[
    "Ромашка",
    "Світанок",
    "Техноторг",
    "Медіа Плюс",
    "Агросвіт",
    "Будмайстер",
    "Дніпро-Сервіс",
    "Карпати",
    "Полісся",
    "Київбуд",
    "Либідь",
    "Оболонь",
    "Смарт Девайс",
    "Діджитал Арт",
    "Зелений Гай",
    "Авто Лайн",
    "Фуд Маркет",
    "Експрес Логістик",
    "Інфотех",
    "Сонячна Енергія",
];
const CO_TAILS: &[&str] = &[
    "",
    "Груп",
    "Трейд",
    "Сервіс",
    "Медіа",
    "Софт",
    "Буд",
    "Логістик",
    "Консалт",
    "Маркет",
    "Студіо",
    "Агро",
];
const CO_TAILS_EN: &[&str] = &[
    "",
    "Group",
    "Trade",
    "Digital",
    "Labs",
    "Studio",
    "Partners",
    "Systems",
    "Solutions",
    "Media",
    "Works",
];
const CO_WORDS_EN: &[&str] = &[
    "Northwind",
    "Blue Ocean",
    "Bright Media",
    "Gadget Hub",
    "Pixel Forge",
    "Green Valley",
    "Techline",
    "Orbit Labs",
    "Silverstone",
    "Red Fox",
];
const POSITIONS: &[&str] = &[
    "Директор",
    "Маркетолог",
    "Менеджер з реклами",
    "Бухгалтер",
    "PR-менеджер",
    "SMM-спеціаліст",
    "Head of Marketing",
    "Brand manager",
    "Комерційний директор",
    "Офіс-менеджер",
];
const SOURCES: &[&str] = &[
    "Сайт",
    "Рекомендація",
    "Виставка",
    "Холодний дзвінок",
    "E-mail розсилка",
    "Соцмережі",
];
const DOMAINS: &[&str] = &["gmail.com", "ukr.net", "i.ua", "outlook.com", "meta.ua"];
const OPERATORS: &[&str] = &["67", "50", "63", "93", "97", "99", "66", "68"];
const STREETS: &[&str] = &[
    "вул. Хрещатик",
    "просп. Перемоги",
    "вул. Січових Стрільців",
    "вул. Велика Васильківська",
    "вул. Шевченка",
    "просп. Бажана",
];
const CITIES: &[&str] = &["Київ", "Львів", "Харків", "Одеса", "Дніпро", "Вінниця"];

fn pick<'a>(rng: &mut StdRng, list: &[&'a str]) -> &'a str {
    list.choose(rng).copied().unwrap_or("")
}

fn phone(rng: &mut StdRng) -> String {
    format!(
        "+38 (0{}) {:03}-{:02}-{:02}",
        pick(rng, OPERATORS),
        rng.random_range(100..1000),
        rng.random_range(0..100),
        rng.random_range(0..100)
    )
}

fn slug(s: &str) -> String {
    any_ascii::any_ascii(s)
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}

/// A person's (first, middle, last) name in one of the three languages of the office.
fn person(rng: &mut StdRng) -> (String, String, String) {
    let female = rng.random_bool(0.5);
    match rng.random_range(0..10) {
        0..=5 => {
            let last = pick(rng, UK_LAST).to_string();
            if female {
                (
                    pick(rng, UK_FIRST_F).into(),
                    pick(rng, UK_MIDDLE_F).into(),
                    last,
                )
            } else {
                (
                    pick(rng, UK_FIRST_M).into(),
                    pick(rng, UK_MIDDLE_M).into(),
                    last,
                )
            }
        }
        6..=7 => {
            let last = pick(rng, RU_LAST_M).to_string();
            if female {
                (
                    pick(rng, RU_FIRST_F).into(),
                    String::new(),
                    format!("{last}а"),
                )
            } else {
                (pick(rng, RU_FIRST_M).into(), String::new(), last)
            }
        }
        _ => (
            pick(rng, EN_FIRST).into(),
            String::new(),
            pick(rng, EN_LAST).into(),
        ),
    }
}

/// Fills an office whose CRM is still empty. Refuses (Conflict) when companies or contacts exist.
pub fn fill(store: &Store, now: DateTime<Utc>, scale: &Scale) -> Result<String> {
    fill_observed(store, now, scale, &mut |_| {})
}

/// [`fill`], telling `on_phase` when each phase starts ("companies", "contacts", "deals")
/// and when it is done ("done"), so the benchmark can time each kind of record.
pub fn fill_observed(
    store: &Store,
    now: DateTime<Utc>,
    scale: &Scale,
    on_phase: &mut dyn FnMut(&'static str),
) -> Result<String> {
    let (companies_n, contacts_n) = store.read(|rx| {
        Ok((
            store::count::<crate::crm::Company>(rx)?,
            store::count::<crate::crm::Contact>(rx)?,
        ))
    })?;
    if companies_n + contacts_n > 0 {
        return Err(Error::Conflict(format!(
            "the data folder already holds {companies_n} companies and {contacts_n} contacts"
        )));
    }
    let mut rng = StdRng::seed_from_u64(scale.seed);
    // People: an admin (if none yet), the owner and managers in two departments.
    let managers: Vec<User> = store.write(None, now, |tx| {
        let dept = |tx: &mut store::Tx, name: &str, parent| {
            departments::create(
                tx,
                &User {
                    role: Role::Admin,
                    active: true,
                    ..User::default()
                },
                DepartmentInput {
                    name: name.into(),
                    parent_id: parent,
                    head_id: None,
                },
            )
        };
        let office = dept(tx, "Офіс", None)?;
        let sales = dept(tx, "Відділ продажів", Some(office.id))?;
        let ads = dept(tx, "Реклама", Some(office.id))?;
        let people = [
            (
                "admin",
                "Адміністратор",
                Role::Admin,
                Some(office.id),
                "Адміністратор",
                Language::Uk,
            ),
            (
                "owner",
                "Андрій Кравчук",
                Role::Admin,
                Some(office.id),
                "Власник",
                Language::Uk,
            ),
            (
                "olena",
                "Олена Марченко",
                Role::User,
                Some(sales.id),
                "Менеджер з продажу",
                Language::Uk,
            ),
            (
                "taras",
                "Тарас Бойко",
                Role::User,
                Some(sales.id),
                "Менеджер з продажу",
                Language::Uk,
            ),
            (
                "ekaterina",
                "Екатерина Соколова",
                Role::User,
                Some(ads.id),
                "Менеджер по рекламе",
                Language::Ru,
            ),
            (
                "john",
                "John Walker",
                Role::User,
                Some(ads.id),
                "Account manager",
                Language::En,
            ),
        ];
        let mut managers = Vec::new();
        for (login, name, role, dep, position, language) in people {
            if users::find_by_login_tx(tx, login)?.is_some() {
                continue;
            }
            let u = users::create(
                tx,
                None,
                NewUser {
                    login: login.into(),
                    name: name.into(),
                    email: format!("{login}@korobka.example"),
                    password: DEMO_PASSWORD.into(),
                    role,
                    department_id: dep,
                    position: position.into(),
                    language,
                    time_zone: "Europe/Kyiv".into(),
                },
            )?;
            if role == Role::User || login == "owner" {
                managers.push(u);
            }
        }
        Ok(managers)
    })?;
    let managers = if managers.is_empty() {
        store.read(|rx| users::list(rx, false))?
    } else {
        managers
    };
    let types: Vec<CompanyType> = store.read(store::all)?;
    let actor = managers
        .first()
        .cloned()
        .ok_or_else(|| Error::Internal("demo: no users".into()))?;
    on_phase("companies");
    let mut company_ids = Vec::with_capacity(scale.companies);
    let mut used_names = std::collections::HashSet::new();
    // Records per write transaction: each commit is an fsync (a few ms on a VM's disk), so an
    // import commits every few thousand records rather than every few hundred.
    const BATCH: usize = 2_000;
    let mut made = 0;
    while made < scale.companies {
        let n = BATCH.min(scale.companies - made);
        let inputs: Vec<CompanyInput> = (0..n)
            .map(|i| {
                let mut name;
                let mut tries = 0;
                loop {
                    name = if rng.random_bool(0.75) {
                        let base = pick(&mut rng, CO_WORDS);
                        let tail = pick(&mut rng, CO_TAILS);
                        let sep = if tail.is_empty() { "" } else { " " };
                        format!("{} «{base}{sep}{tail}»", pick(&mut rng, CO_FORMS_UA))
                    } else {
                        let base = pick(&mut rng, CO_WORDS_EN);
                        let tail = pick(&mut rng, CO_TAILS_EN);
                        let sep = if tail.is_empty() { "" } else { " " };
                        format!("{base}{sep}{tail} {}", pick(&mut rng, CO_FORMS_EN))
                    };
                    tries += 1;
                    if tries > 20 {
                        name = format!("{name} {}", made + i + 1);
                    }
                    if used_names.insert(name.clone()) {
                        break;
                    }
                }
                let domain = format!("{}.ua", slug(&name.replace(['«', '»'], "")));
                CompanyInput {
                    name,
                    type_id: types.choose(&mut rng).map(|t| t.id),
                    responsible_id: managers.choose(&mut rng).map(|u| u.id),
                    phones: vec![Phone {
                        value: phone(&mut rng),
                        kind: PhoneKind::Work,
                    }],
                    emails: vec![Email {
                        value: format!("info@{domain}"),
                        kind: EmailKind::Work,
                    }],
                    website: format!("https://{domain}"),
                    address: format!(
                        "{}, {}, {}",
                        pick(&mut rng, CITIES),
                        pick(&mut rng, STREETS),
                        rng.random_range(1..150)
                    ),
                    notes: String::new(),
                    custom: Default::default(),
                }
            })
            .collect();
        // The owner imports the old spreadsheet: records and history agree on the author.
        let created = store.write(Some(actor.id), now, |tx| {
            companies::create_many(tx, &actor, inputs)
        })?;
        company_ids.extend(
            created
                .into_iter()
                .map(|c| (c.id, c.emails[0].value.clone())),
        );
        made += n;
    }
    on_phase("contacts");
    let mut made = 0;
    while made < scale.contacts {
        let n = BATCH.min(scale.contacts - made);
        let inputs: Vec<ContactInput> = (0..n)
            .map(|_| {
                let (first, middle, last) = person(&mut rng);
                let company = if rng.random_bool(0.85) {
                    company_ids.choose(&mut rng).cloned()
                } else {
                    None
                };
                let domain = company
                    .as_ref()
                    .and_then(|(_, e)| e.split_once('@').map(|(_, d)| d.to_string()))
                    .unwrap_or_else(|| pick(&mut rng, DOMAINS).to_string());
                let email = format!("{}.{}@{domain}", slug(&first), slug(&last));
                let mut messengers = Vec::new();
                if rng.random_bool(0.4) {
                    messengers.push(Messenger {
                        kind: MessengerKind::Telegram,
                        value: format!("@{}_{}", slug(&first), slug(&last)),
                    });
                }
                ContactInput {
                    first_name: first,
                    middle_name: middle,
                    last_name: last,
                    position: pick(&mut rng, POSITIONS).into(),
                    company_id: company.map(|(id, _)| id),
                    responsible_id: managers.choose(&mut rng).map(|u| u.id),
                    phones: vec![Phone {
                        value: phone(&mut rng),
                        kind: PhoneKind::Mobile,
                    }],
                    emails: vec![Email {
                        value: email,
                        kind: EmailKind::Work,
                    }],
                    messengers,
                    birthday: if rng.random_bool(0.3) {
                        NaiveDate::from_ymd_opt(
                            rng.random_range(1965..2002),
                            rng.random_range(1..13),
                            rng.random_range(1..29),
                        )
                    } else {
                        None
                    },
                    source: pick(&mut rng, SOURCES).into(),
                    notes: String::new(),
                    custom: Default::default(),
                }
            })
            .collect();
        store.write(Some(actor.id), now, |tx| {
            contacts::create_many(tx, &actor, inputs)
        })?;
        made += n;
    }
    on_phase("deals");
    let (deals_n, leads_n) =
        pipeline(store, now, scale, &mut rng, &actor, &managers, &company_ids)?;
    on_phase("work");
    work(store, now, &managers, &company_ids)?;
    on_phase("done");
    Ok(format!(
        "demo office ready: {} companies, {} contacts, {deals_n} deals in 3 pipelines, {leads_n} leads, users admin/owner/olena/taras/ekaterina/john with password {DEMO_PASSWORD:?} (change them!)",
        scale.companies, scale.contacts
    ))
}

/// The other half of the day: tasks (some overdue), calls and meetings, a planning meeting,
/// feed posts with a mention, and a reminder to switch a banner off.
fn work(
    store: &Store,
    now: DateTime<Utc>,
    managers: &[User],
    company_ids: &[(u64, String)],
) -> Result<()> {
    use crate::work::{
        Target, TargetKind,
        activities::{self, ActivityInput, ActivityKind},
        calendar::{self, EventInput},
        comments::{self, CommentInput},
        feed::{self, PostInput},
        reminders::{self, ReminderInput},
        tasks::{self, Priority, TaskInput},
    };
    use chrono::Duration;
    let Some(owner) = managers.first() else {
        return Ok(());
    };
    let deal_ids: Vec<u64> = store.read(|rx| {
        Ok(store::iter::<crate::crm::deals::Deal>(rx)?
            .take(12)
            .filter_map(|d| d.ok().map(|d| d.id))
            .collect())
    })?;
    let company = |i: usize| {
        company_ids
            .get(i % company_ids.len().max(1))
            .map(|(id, _)| Target::new(TargetKind::Company, *id))
    };
    let deal = |i: usize| {
        deal_ids
            .get(i % deal_ids.len().max(1))
            .map(|id| Target::new(TargetKind::Deal, *id))
    };
    let hour = |h: i64| now + Duration::hours(h);
    store.write(Some(owner.id), now, |tx| {
        let task = |tx: &mut store::Tx,
                    who: &User,
                    title: &str,
                    deadline: Option<DateTime<Utc>>,
                    link: Option<Target>,
                    project: &str,
                    checklist: &[&str]| {
            tasks::create(
                tx,
                owner,
                TaskInput {
                    title: title.into(),
                    description: String::new(),
                    checklist: checklist.iter().map(|s| s.to_string()).collect(),
                    responsible_id: Some(who.id),
                    participant_ids: Vec::new(),
                    observer_ids: vec![owner.id],
                    deadline,
                    priority: Some(Priority::Normal),
                    link,
                    project: project.into(),
                    remind_before: Some(vec![60]),
                },
            )
        };
        for (i, m) in managers.iter().enumerate().skip(1).take(4) {
            task(
                tx,
                m,
                "Надіслати медіакит і прайс",
                Some(hour(-20 - i as i64)),
                deal(i),
                "",
                &["Оновити прайс", "Надіслати листом"],
            )?;
            task(
                tx,
                m,
                "Вимкнути банер після кампанії",
                Some(hour(3 + i as i64)),
                deal(i + 4),
                "",
                &[],
            )?;
            task(
                tx,
                m,
                "Підготувати звіт для клієнта",
                Some(hour(72 + 24 * i as i64)),
                company(i),
                "",
                &["Скріншоти розміщень", "Статистика переходів", "Рахунок"],
            )?;
            for (k, (kind, subject, at)) in [
                (ActivityKind::Call, "Дзвінок: узгодити дати розміщення", hour(-2)),
                (ActivityKind::Meeting, "Зустріч: презентація спецпроєкту", hour(26)),
                (ActivityKind::Email, "Лист: надіслати договір", hour(5)),
            ]
            .into_iter()
            .enumerate()
            {
                if let Some(link) = company(i * 3 + k) {
                    activities::create(
                        tx,
                        m,
                        ActivityInput {
                            kind,
                            subject: subject.into(),
                            description: String::new(),
                            due_at: Some(at),
                            duration_min: Some(30),
                            responsible_id: Some(m.id),
                            link: Some(link),
                        },
                    )?;
                }
            }
        }
        let admin_like = managers.last().unwrap_or(owner);
        task(
            tx,
            admin_like,
            "Зібрати новий ПК для монтажу",
            Some(hour(24 * 6)),
            None,
            "office",
            &["Замовити відеокарту", "Купити 64 ГБ RAM", "Встановити DaVinci Resolve"],
        )?;
        let tomorrow10 = (now + Duration::days(1))
            .date_naive()
            .and_hms_opt(8, 0, 0)
            .map(|t| t.and_utc())
            .unwrap_or(hour(24));
        calendar::create(
            tx,
            owner,
            EventInput {
                title: "Планірка відділу продажів".into(),
                start: Some(tomorrow10),
                end: Some(tomorrow10 + Duration::hours(1)),
                all_day: false,
                place: "Переговорна".into(),
                description: "План на тиждень, прострочені справи, нові ліди.".into(),
                attendee_ids: managers.iter().skip(1).map(|m| m.id).collect(),
                link: None,
            },
        )?;
        let post = feed::post(
            tx,
            owner,
            PostInput {
                body: "Колеги, з понеділка працюємо в Korobka: усі задачі, дзвінки й угоди — тут, не в таблиці. Питання — в коментарях.".into(),
                department_id: None,
            },
        )?;
        if let Some(m) = managers.get(1) {
            comments::create(
                tx,
                m,
                CommentInput {
                    target: Target::new(TargetKind::Post, post.id),
                    body: format!("@{} а старі контакти вже перенесли?", owner.login),
                },
            )?;
            if let Some(d) = deal(0) {
                reminders::create(
                    tx,
                    m,
                    ReminderInput {
                        at: Some(hour(24 * 5)),
                        note: "Вимкнути банер о 10:00".into(),
                        user_id: Some(m.id),
                        target: Some(d),
                    },
                )?;
            }
        }
        Ok(())
    })
}

const DEAL_TOPICS: &[&str] = &[
    "Банер на головній",
    "Огляд гаджета",
    "Спонсорство подкасту",
    "Нативна стаття",
    "Відеоогляд",
    "Розсилка партнерам",
    "Google Ads campaign",
    "Review video",
    "Обзор смартфона",
    "Интеграция в выпуск",
];

/// Rates, the three project pipelines with the Free and Project fields, deals spread over
/// stages and currencies (some moved along), and leads.
fn pipeline(
    store: &Store,
    now: DateTime<Utc>,
    scale: &Scale,
    rng: &mut StdRng,
    actor: &User,
    managers: &[User],
    companies: &[(u64, String)],
) -> Result<(usize, usize)> {
    use crate::crm::{
        custom::{self, Entity, FieldInput, FieldKind, OptionInput},
        deals::{self, DealInput},
        leads::{self, LeadInput},
        money::{self, RateInput},
        pipelines::{self, PipelineInput, StageKind},
    };
    let admin = User {
        role: Role::Admin,
        active: true,
        ..actor.clone()
    };
    let today = now.date_naive();
    let (projects, free, project) = store.write(Some(actor.id), now, |tx| {
        for (code, old, new) in [
            ("USD", "40.90", "41.25"),
            ("EUR", "44.10", "44.80"),
            ("RUB", "0.44", "0.45"),
        ] {
            for (days, rate) in [(30, old), (1, new)] {
                money::set_rate(
                    tx,
                    &admin,
                    code,
                    RateInput {
                        date: today - chrono::Duration::days(days),
                        rate: rate.into(),
                    },
                )?;
            }
        }
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
                    &admin,
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
                    &admin,
                    PipelineInput {
                        name: name.into(),
                        sort: 0,
                        archived: false,
                    },
                )?
            };
            ids.push(p);
        }
        let field =
            |name: &str, uk: &str, ru: &str, kind, required, options: Vec<&str>| FieldInput {
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
            };
        let free = custom::create(
            tx,
            &admin,
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
            &admin,
            field(
                "Project",
                "Проєкт",
                "Проект",
                FieldKind::Select,
                false,
                vec!["keddr", "kaddr", "veddo"],
            ),
        )?;
        Ok((ids, free, project))
    })?;
    let currencies = ["UAH", "UAH", "UAH", "USD", "USD", "EUR", "RUB"];
    let mut made = 0;
    while made < scale.deals {
        let n = 1_000.min(scale.deals - made);
        store.write(Some(actor.id), now, |tx| {
            let mut inputs = Vec::with_capacity(n);
            let mut in_project = Vec::with_capacity(n);
            for _ in 0..n {
                let pi = rng.random_range(0..projects.len());
                let currency = pick(rng, &currencies);
                let p = &projects[pi];
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
                in_project.push(pi);
                inputs.push(DealInput {
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
                });
            }
            let made = deals::create_many(tx, actor, inputs)?;
            for (d, pi) in made.iter().zip(in_project) {
                let p = &projects[pi];
                // Move some along the pipeline, as a real week would.
                let steps = rng.random_range(0..p.stages.len());
                let open: Vec<u64> = p
                    .stages
                    .iter()
                    .filter(|s| s.kind == StageKind::Open)
                    .map(|s| s.id)
                    .collect();
                for s in p.stages.iter().skip(1).take(steps) {
                    if open.contains(&s.id) || rng.random_bool(0.5) {
                        deals::move_to_stage(tx, actor, d.id, s.id)?;
                        if !open.contains(&s.id) {
                            break;
                        }
                    }
                }
            }
            Ok(())
        })?;
        made += n;
    }
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
    })?;
    Ok((scale.deals, scale.leads))
}
