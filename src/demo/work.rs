//! The other half of the demo office's day: tasks (some overdue), calls and meetings, a
//! planning meeting, a feed post with a mention, and a reminder to switch a banner off.

use chrono::{DateTime, Duration, Utc};

use crate::{
    access::User,
    error::Result,
    store::{self, Store},
    work::{
        Target, TargetKind,
        activities::{self, ActivityInput, ActivityKind},
        calendar::{self, EventInput},
        comments::{self, CommentInput},
        feed::{self, PostInput},
        reminders::{self, ReminderInput},
        tasks::{self, Priority, TaskInput},
    },
};

/// The other half of the day: tasks (some overdue), calls and meetings, a planning meeting,
/// feed posts with a mention, and a reminder to switch a banner off.
pub(super) fn work(
    store: &Store,
    now: DateTime<Utc>,
    managers: &[User],
    company_ids: &[(u64, String)],
) -> Result<()> {
    let Some(owner) = managers.first() else {
        return Ok(());
    };
    let deal_ids: Vec<u64> = store.read(|rx| {
        Ok(store::iter::<crate::crm::deals::Deal>(rx)?
            .take(12)
            .filter_map(|d| d.ok().map(|d| d.id))
            .collect())
    })?;
    let day = Day {
        owner,
        now,
        company_ids,
        deal_ids,
    };
    store.write(Some(owner.id), now, |tx| {
        for (i, m) in managers.iter().enumerate().skip(1).take(4) {
            manager_tasks(tx, &day, i, m)?;
            manager_activities(tx, &day, i, m)?;
        }
        let admin_like = managers.last().unwrap_or(owner);
        day.task(
            tx,
            admin_like,
            "Зібрати новий ПК для монтажу",
            Some(day.hour(24 * 6)),
            None,
            "office",
            &[
                "Замовити відеокарту",
                "Купити 64 ГБ RAM",
                "Встановити DaVinci Resolve",
            ],
        )?;
        planning_meeting(tx, &day, managers)?;
        announcement(tx, &day, managers)
    })
}

/// What the day's records hang on: the owner who hands out the work, the time, and the
/// companies and deals they link to.
struct Day<'a> {
    owner: &'a User,
    now: DateTime<Utc>,
    company_ids: &'a [(u64, String)],
    deal_ids: Vec<u64>,
}

impl Day<'_> {
    /// The `i`th company (round the list).
    fn company(&self, i: usize) -> Option<Target> {
        self.company_ids
            .get(i % self.company_ids.len().max(1))
            .map(|(id, _)| Target::new(TargetKind::Company, *id))
    }

    /// The `i`th of the first deals (round the list).
    fn deal(&self, i: usize) -> Option<Target> {
        self.deal_ids
            .get(i % self.deal_ids.len().max(1))
            .map(|id| Target::new(TargetKind::Deal, *id))
    }

    /// `h` hours from now (before it when negative).
    fn hour(&self, h: i64) -> DateTime<Utc> {
        self.now + Duration::hours(h)
    }

    /// A task the owner gives `who` (and observes), reminded an hour before its deadline.
    #[allow(clippy::too_many_arguments)]
    fn task(
        &self,
        tx: &mut store::Tx,
        who: &User,
        title: &str,
        deadline: Option<DateTime<Utc>>,
        link: Option<Target>,
        project: &str,
        checklist: &[&str],
    ) -> Result<()> {
        tasks::create(
            tx,
            self.owner,
            TaskInput {
                title: title.into(),
                description: String::new(),
                checklist: checklist.iter().map(|s| s.to_string()).collect(),
                responsible_id: Some(who.id),
                participant_ids: Vec::new(),
                observer_ids: vec![self.owner.id],
                deadline,
                priority: Some(Priority::Normal),
                link,
                project: project.into(),
                remind_before: Some(vec![60]),
            },
        )
        .map(|_| ())
    }
}

/// The `i`th manager's tasks: one overdue, one due today, one for later in the week.
fn manager_tasks(tx: &mut store::Tx, day: &Day, i: usize, m: &User) -> Result<()> {
    day.task(
        tx,
        m,
        "Надіслати медіакит і прайс",
        Some(day.hour(-20 - i as i64)),
        day.deal(i),
        "",
        &["Оновити прайс", "Надіслати листом"],
    )?;
    day.task(
        tx,
        m,
        "Вимкнути банер після кампанії",
        Some(day.hour(3 + i as i64)),
        day.deal(i + 4),
        "",
        &[],
    )?;
    day.task(
        tx,
        m,
        "Підготувати звіт для клієнта",
        Some(day.hour(72 + 24 * i as i64)),
        day.company(i),
        "",
        &["Скріншоти розміщень", "Статистика переходів", "Рахунок"],
    )
}

/// The `i`th manager's call, meeting and e-mail, each with a company.
fn manager_activities(tx: &mut store::Tx, day: &Day, i: usize, m: &User) -> Result<()> {
    for (k, (kind, subject, at)) in [
        (
            ActivityKind::Call,
            "Дзвінок: узгодити дати розміщення",
            day.hour(-2),
        ),
        (
            ActivityKind::Meeting,
            "Зустріч: презентація спецпроєкту",
            day.hour(26),
        ),
        (ActivityKind::Email, "Лист: надіслати договір", day.hour(5)),
    ]
    .into_iter()
    .enumerate()
    {
        if let Some(link) = day.company(i * 3 + k) {
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
    Ok(())
}

/// Tomorrow's sales planning meeting, with every manager but the owner.
fn planning_meeting(tx: &mut store::Tx, day: &Day, managers: &[User]) -> Result<()> {
    let tomorrow10 = (day.now + Duration::days(1))
        .date_naive()
        .and_hms_opt(8, 0, 0)
        .map(|t| t.and_utc())
        .unwrap_or(day.hour(24));
    calendar::create(
        tx,
        day.owner,
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
    Ok(())
}

/// The owner's post that the office moves to Korobka, a manager's comment mentioning them,
/// and that manager's reminder about a deal's banner.
fn announcement(tx: &mut store::Tx, day: &Day, managers: &[User]) -> Result<()> {
    let owner = day.owner;
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
        if let Some(d) = day.deal(0) {
            reminders::create(
                tx,
                m,
                ReminderInput {
                    at: Some(day.hour(24 * 5)),
                    note: "Вимкнути банер о 10:00".into(),
                    user_id: Some(m.id),
                    target: Some(d),
                },
            )?;
        }
    }
    Ok(())
}
