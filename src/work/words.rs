//! The few sentences the server writes itself (notifications, reminder e-mails, the feed's
//! summaries), in the reader's language and time zone. Everything else the UI translates by
//! `code`/`type`.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::{
    TargetKind,
    feed::{FeedItem, FeedType},
};
use crate::access::Language;

/// What a notification says; rendered for each recipient.
pub enum Msg<'a> {
    Mentioned {
        who: &'a str,
        title: &'a str,
        excerpt: &'a str,
    },
    GaveTask {
        who: &'a str,
        title: &'a str,
    },
    Planned {
        who: &'a str,
        subject: &'a str,
    },
    Handed {
        who: &'a str,
        title: &'a str,
    },
    Overdue {
        title: &'a str,
    },
    Invites {
        who: &'a str,
        title: &'a str,
        at: DateTime<Utc>,
    },
    Answered {
        who: &'a str,
        accepted: bool,
        title: &'a str,
    },
    Deadline {
        minutes: i64,
        title: &'a str,
    },
    /// A person's own words (a reminder's note).
    Text(&'a str),
}

fn local(at: DateTime<Utc>, tz: &str) -> String {
    let tz: Tz = tz.parse().unwrap_or(chrono_tz::UTC);
    at.with_timezone(&tz).format("%d.%m.%Y %H:%M").to_string()
}

fn span(minutes: i64, lang: Language) -> String {
    let (n, unit) = if minutes >= 1440 && minutes % 1440 == 0 {
        (minutes / 1440, 0)
    } else if minutes >= 60 && minutes % 60 == 0 {
        (minutes / 60, 1)
    } else {
        (minutes, 2)
    };
    let w = match (lang, unit) {
        (Language::En, 0) => {
            if n == 1 {
                "day"
            } else {
                "days"
            }
        }
        (Language::En, 1) => {
            if n == 1 {
                "hour"
            } else {
                "hours"
            }
        }
        (Language::En, _) => "min",
        (Language::Uk, 0) => "дн.",
        (Language::Uk, 1) => "год",
        (Language::Uk, _) => "хв",
        (Language::Ru, 0) => "дн.",
        (Language::Ru, 1) => "ч",
        (Language::Ru, _) => "мин",
    };
    format!("{n} {w}")
}

pub fn render(m: &Msg, lang: Language, tz: &str) -> String {
    use Language::*;
    match m {
        Msg::Mentioned {
            who,
            title,
            excerpt,
        } => match lang {
            En => format!("{who} mentioned you in “{title}”: {excerpt}"),
            Uk => format!("{who} згадав(-ла) вас у «{title}»: {excerpt}"),
            Ru => format!("{who} упомянул(-а) вас в «{title}»: {excerpt}"),
        },
        Msg::GaveTask { who, title } => match lang {
            En => format!("{who} gave you a task: {title}"),
            Uk => format!("{who} доручив(-ла) вам завдання: {title}"),
            Ru => format!("{who} поручил(-а) вам задачу: {title}"),
        },
        Msg::Planned { who, subject } => match lang {
            En => format!("{who} planned for you: {subject}"),
            Uk => format!("{who} запланував(-ла) для вас справу: {subject}"),
            Ru => format!("{who} запланировал(-а) для вас дело: {subject}"),
        },
        Msg::Handed { who, title } => match lang {
            En => format!("{who} handed you a task: {title}"),
            Uk => format!("{who} передав(-ла) вам завдання: {title}"),
            Ru => format!("{who} передал(-а) вам задачу: {title}"),
        },
        Msg::Overdue { title } => match lang {
            En => format!("Overdue: {title}"),
            Uk => format!("Прострочено: {title}"),
            Ru => format!("Просрочено: {title}"),
        },
        Msg::Invites { who, title, at } => {
            let at = local(*at, tz);
            match lang {
                En => format!("{who} invites you: {title} ({at})"),
                Uk => format!("{who} запрошує вас: {title} ({at})"),
                Ru => format!("{who} приглашает вас: {title} ({at})"),
            }
        }
        Msg::Answered {
            who,
            accepted,
            title,
        } => match (lang, accepted) {
            (En, true) => format!("{who} accepted: {title}"),
            (En, false) => format!("{who} declined: {title}"),
            (Uk, true) => format!("{who} прийняв(-ла) запрошення: {title}"),
            (Uk, false) => format!("{who} відхилив(-ла) запрошення: {title}"),
            (Ru, true) => format!("{who} принял(-а) приглашение: {title}"),
            (Ru, false) => format!("{who} отклонил(-а) приглашение: {title}"),
        },
        Msg::Deadline { minutes, title } => {
            let s = span(*minutes, lang);
            match lang {
                En => format!("Deadline in {s}: {title}"),
                Uk => format!("Крайній термін через {s}: {title}"),
                Ru => format!("Крайний срок через {s}: {title}"),
            }
        }
        Msg::Text(t) => t.to_string(),
    }
}

/// The reminder e-mail: (subject, body).
pub fn reminder_mail(
    lang: Language,
    tz: &str,
    text: &str,
    title: &str,
    at: DateTime<Utc>,
) -> (String, String) {
    let (word, due) = match lang {
        Language::En => ("Reminder", "Due"),
        Language::Uk => ("Нагадування", "Час"),
        Language::Ru => ("Напоминание", "Время"),
    };
    let mut body = format!("{text}\n");
    if !title.is_empty() && title != text {
        body.push_str(&format!("\n{title}\n"));
    }
    body.push_str(&format!("\n{due}: {}\n\n-- \nKorobka\n", local(at, tz)));
    (format!("{word}: {}", super::short(text, 120)), body)
}

/// A record kind as the object of a verb ("created the company", "створив(-ла) компанію").
fn kind_word(kind: TargetKind, lang: Language) -> &'static str {
    use Language::*;
    use TargetKind::*;
    match (lang, kind) {
        (En, Company) => "company",
        (En, Contact) => "contact",
        (En, Lead) => "lead",
        (En, Deal) => "deal",
        (En, Task) => "task",
        (En, Event) => "event",
        (En, Post) => "post",
        (Uk, Company) => "компанію",
        (Uk, Contact) => "контакт",
        (Uk, Lead) => "лід",
        (Uk, Deal) => "угоду",
        (Uk, Task) => "завдання",
        (Uk, Event) => "подію",
        (Uk, Post) => "повідомлення",
        (Ru, Company) => "компанию",
        (Ru, Contact) => "контакт",
        (Ru, Lead) => "лид",
        (Ru, Deal) => "сделку",
        (Ru, Task) => "задачу",
        (Ru, Event) => "событие",
        (Ru, Post) => "сообщение",
    }
}

/// "12 companies", "12 компаній", "3 компанії", "21 компания".
fn count_of(n: u64, kind: TargetKind, lang: Language) -> String {
    use TargetKind::*;
    // (one, few, many) for Ukrainian and Russian; (one, many) for English.
    let forms: [&str; 3] = match (lang, kind) {
        (Language::En, Company) => ["company", "companies", "companies"],
        (Language::En, Contact) => ["contact", "contacts", "contacts"],
        (Language::En, Lead) => ["lead", "leads", "leads"],
        (Language::En, Deal) => ["deal", "deals", "deals"],
        (Language::En, Task) => ["task", "tasks", "tasks"],
        (Language::En, Event) => ["event", "events", "events"],
        (Language::En, Post) => ["post", "posts", "posts"],
        (Language::Uk, Company) => ["компанію", "компанії", "компаній"],
        (Language::Uk, Contact) => ["контакт", "контакти", "контактів"],
        (Language::Uk, Lead) => ["лід", "ліди", "лідів"],
        (Language::Uk, Deal) => ["угоду", "угоди", "угод"],
        (Language::Uk, Task) => ["завдання", "завдання", "завдань"],
        (Language::Uk, Event) => ["подію", "події", "подій"],
        (Language::Uk, Post) => ["повідомлення", "повідомлення", "повідомлень"],
        (Language::Ru, Company) => ["компанию", "компании", "компаний"],
        (Language::Ru, Contact) => ["контакт", "контакта", "контактов"],
        (Language::Ru, Lead) => ["лид", "лида", "лидов"],
        (Language::Ru, Deal) => ["сделку", "сделки", "сделок"],
        (Language::Ru, Task) => ["задачу", "задачи", "задач"],
        (Language::Ru, Event) => ["событие", "события", "событий"],
        (Language::Ru, Post) => ["сообщение", "сообщения", "сообщений"],
    };
    let form = if lang == Language::En {
        if n == 1 { forms[0] } else { forms[2] }
    } else if n % 10 == 1 && n % 100 != 11 {
        forms[0]
    } else if (2..=4).contains(&(n % 10)) && !(12..=14).contains(&(n % 100)) {
        forms[1]
    } else {
        forms[2]
    };
    format!("{n} {form}")
}

/// A feed entry as one sentence in the reader's language, from its type and data (never from
/// a stored sentence). The record is named by its current title, or by its title at the time
/// when it is gone.
pub fn feed_line(item: &FeedItem, lang: Language) -> String {
    use Language::*;
    let who = if !item.actor_name.is_empty() {
        item.actor_name.as_str()
    } else {
        match lang {
            En => "Someone",
            Uk => "Хтось",
            Ru => "Кто-то",
        }
    };
    let d = |k: &str| item.data.get(k).map(String::as_str).unwrap_or_default();
    let (kind, title) = match &item.target {
        Some(t) => {
            let title = if !t.title.is_empty() {
                t.title.clone()
            } else if !d("title").is_empty() {
                d("title").to_string()
            } else {
                format!("#{}", t.id)
            };
            (t.kind, title)
        }
        None => (TargetKind::Post, String::new()),
    };
    let what = kind_word(kind, lang);
    let q = |s: &str| match lang {
        En => format!("“{s}”"),
        Uk | Ru => format!("«{s}»"),
    };
    let name = q(&title);
    match item.kind {
        FeedType::Created => match d("count").parse::<u64>().ok().filter(|n| *n > 1) {
            Some(n) => {
                let many = count_of(n, kind, lang);
                match lang {
                    En => format!("{who} added {many}, among them {name}"),
                    Uk => format!("{who} додав(-ла) {many}, серед них {name}"),
                    Ru => format!("{who} добавил(-а) {many}, среди них {name}"),
                }
            }
            None => match lang {
                En => format!("{who} created the {what} {name}"),
                Uk => format!("{who} створив(-ла) {what} {name}"),
                Ru => format!("{who} создал(-а) {what} {name}"),
            },
        },
        FeedType::StageMoved => {
            let (from, to) = (q(d("from_stage")), q(d("to_stage")));
            match lang {
                En => format!("{who} moved the deal {name} from {from} to {to}"),
                Uk => format!("{who} перемістив(-ла) угоду {name} з {from} до {to}"),
                Ru => format!("{who} переместил(-а) сделку {name} из {from} в {to}"),
            }
        }
        FeedType::Won => match lang {
            En => format!("{who} won the deal {name}"),
            Uk => format!("{who} виграв(-ла) угоду {name}"),
            Ru => format!("{who} выиграл(-а) сделку {name}"),
        },
        FeedType::Lost => match lang {
            En => format!("{who} lost the deal {name}"),
            Uk => format!("{who} програв(-ла) угоду {name}"),
            Ru => format!("{who} проиграл(-а) сделку {name}"),
        },
        FeedType::LeadConverted => match lang {
            En => format!("{who} converted the lead {name} into a deal"),
            Uk => format!("{who} конвертував(-ла) лід {name} в угоду"),
            Ru => format!("{who} конвертировал(-а) лид {name} в сделку"),
        },
        FeedType::TaskCreated => match lang {
            En => format!("{who} created the task {name}"),
            Uk => format!("{who} створив(-ла) завдання {name}"),
            Ru => format!("{who} создал(-а) задачу {name}"),
        },
        FeedType::TaskCompleted => match lang {
            En => format!("{who} completed the task {name}"),
            Uk => format!("{who} виконав(-ла) завдання {name}"),
            Ru => format!("{who} выполнил(-а) задачу {name}"),
        },
        FeedType::TaskOverdue => match lang {
            En => format!("The task is overdue: {name}"),
            Uk => format!("Завдання прострочено: {name}"),
            Ru => format!("Задача просрочена: {name}"),
        },
        FeedType::Comment => match lang {
            En => format!("{who} commented on the {what} {name}"),
            Uk => format!("{who} прокоментував(-ла) {what} {name}"),
            Ru => format!("{who} прокомментировал(-а) {what} {name}"),
        },
        FeedType::Post => match lang {
            En => format!("{who} wrote a post"),
            Uk => format!("{who} написав(-ла) повідомлення"),
            Ru => format!("{who} написал(-а) сообщение"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn sentences_speak_the_recipients_language_and_zone() {
        let at = Utc.with_ymd_and_hms(2026, 12, 5, 8, 0, 0).unwrap();
        let m = Msg::Invites {
            who: "Ада",
            title: "Планірка",
            at,
        };
        assert_eq!(
            render(&m, Language::Uk, "Europe/Kyiv"),
            "Ада запрошує вас: Планірка (05.12.2026 10:00)"
        );
        assert_eq!(
            render(&m, Language::En, "UTC"),
            "Ада invites you: Планірка (05.12.2026 08:00)"
        );
        let d = Msg::Deadline {
            minutes: 1440,
            title: "Звіт",
        };
        assert_eq!(render(&d, Language::En, "UTC"), "Deadline in 1 day: Звіт");
        assert_eq!(
            render(&d, Language::Ru, "UTC"),
            "Крайний срок через 1 дн.: Звіт"
        );
        let (subject, body) = reminder_mail(Language::Uk, "Europe/Kyiv", "Вимкнути банер", "", at);
        assert_eq!(subject, "Нагадування: Вимкнути банер");
        assert!(body.contains("Час: 05.12.2026 10:00"), "{body}");
    }

    fn entry(
        kind: FeedType,
        target: Option<(TargetKind, &str)>,
        data: &[(&str, &str)],
    ) -> FeedItem {
        FeedItem {
            id: 1,
            at: Utc::now(),
            actor_id: Some(2),
            kind,
            target: target.map(|(k, title)| super::super::Target {
                kind: k,
                id: 5,
                title: title.into(),
            }),
            text: String::new(),
            data: data
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            department_id: None,
            project: String::new(),
            actor_name: "Ада".into(),
            comment_count: 0,
            summary: String::new(),
        }
    }

    /// Every feed type in each language: [en, uk, ru].
    #[test]
    fn feed_lines_speak_the_readers_language() {
        use FeedType::*;
        use TargetKind as K;
        let stages = [("from_stage", "Нова"), ("to_stage", "Переговори")];
        let cases: Vec<(FeedItem, [&str; 3])> = vec![
            (
                entry(Created, Some((K::Company, "Acme")), &[]),
                [
                    "Ада created the company “Acme”",
                    "Ада створив(-ла) компанію «Acme»",
                    "Ада создал(-а) компанию «Acme»",
                ],
            ),
            (
                entry(Created, Some((K::Contact, "Іван")), &[("count", "3")]),
                [
                    "Ада added 3 contacts, among them “Іван”",
                    "Ада додав(-ла) 3 контакти, серед них «Іван»",
                    "Ада добавил(-а) 3 контакта, среди них «Іван»",
                ],
            ),
            (
                entry(Created, Some((K::Deal, "Поставка")), &[("count", "12")]),
                [
                    "Ада added 12 deals, among them “Поставка”",
                    "Ада додав(-ла) 12 угод, серед них «Поставка»",
                    "Ада добавил(-а) 12 сделок, среди них «Поставка»",
                ],
            ),
            (
                entry(StageMoved, Some((K::Deal, "Поставка")), &stages),
                [
                    "Ада moved the deal “Поставка” from “Нова” to “Переговори”",
                    "Ада перемістив(-ла) угоду «Поставка» з «Нова» до «Переговори»",
                    "Ада переместил(-а) сделку «Поставка» из «Нова» в «Переговори»",
                ],
            ),
            (
                entry(Won, Some((K::Deal, "Поставка")), &stages),
                [
                    "Ада won the deal “Поставка”",
                    "Ада виграв(-ла) угоду «Поставка»",
                    "Ада выиграл(-а) сделку «Поставка»",
                ],
            ),
            (
                entry(Lost, Some((K::Deal, "Поставка")), &stages),
                [
                    "Ада lost the deal “Поставка”",
                    "Ада програв(-ла) угоду «Поставка»",
                    "Ада проиграл(-а) сделку «Поставка»",
                ],
            ),
            (
                entry(LeadConverted, Some((K::Lead, "Запит")), &[("deal_id", "9")]),
                [
                    "Ада converted the lead “Запит” into a deal",
                    "Ада конвертував(-ла) лід «Запит» в угоду",
                    "Ада конвертировал(-а) лид «Запит» в сделку",
                ],
            ),
            (
                entry(TaskCreated, Some((K::Task, "Звіт")), &[]),
                [
                    "Ада created the task “Звіт”",
                    "Ада створив(-ла) завдання «Звіт»",
                    "Ада создал(-а) задачу «Звіт»",
                ],
            ),
            (
                entry(TaskCompleted, Some((K::Task, "Звіт")), &[]),
                [
                    "Ада completed the task “Звіт”",
                    "Ада виконав(-ла) завдання «Звіт»",
                    "Ада выполнил(-а) задачу «Звіт»",
                ],
            ),
            (
                // The task is gone: its title at the time names it.
                entry(TaskOverdue, Some((K::Task, "")), &[("title", "Звіт")]),
                [
                    "The task is overdue: “Звіт”",
                    "Завдання прострочено: «Звіт»",
                    "Задача просрочена: «Звіт»",
                ],
            ),
            (
                entry(Comment, Some((K::Lead, "Запит")), &[("comment_id", "4")]),
                [
                    "Ада commented on the lead “Запит”",
                    "Ада прокоментував(-ла) лід «Запит»",
                    "Ада прокомментировал(-а) лид «Запит»",
                ],
            ),
            (
                entry(Post, None, &[]),
                [
                    "Ада wrote a post",
                    "Ада написав(-ла) повідомлення",
                    "Ада написал(-а) сообщение",
                ],
            ),
        ];
        for (item, want) in &cases {
            for (lang, want) in [Language::En, Language::Uk, Language::Ru].iter().zip(want) {
                assert_eq!(&feed_line(item, *lang), want, "{:?} in {lang:?}", item.kind);
            }
        }
        // Nobody (the scheduler) and a record gone without a remembered title.
        let mut e = entry(Created, Some((K::Company, "")), &[]);
        e.actor_name.clear();
        assert_eq!(
            feed_line(&e, Language::Uk),
            "Хтось створив(-ла) компанію «#5»"
        );
        assert_eq!(
            feed_line(&e, Language::En),
            "Someone created the company “#5”"
        );
        assert_eq!(
            feed_line(&e, Language::Ru),
            "Кто-то создал(-а) компанию «#5»"
        );
    }

    #[test]
    fn counts_take_the_plural_their_number_needs() {
        let uk = |n| count_of(n, TargetKind::Company, Language::Uk);
        assert_eq!(
            [uk(2), uk(5), uk(11), uk(21), uk(22), uk(112)],
            [
                "2 компанії",
                "5 компаній",
                "11 компаній",
                "21 компанію",
                "22 компанії",
                "112 компаній"
            ]
        );
        assert_eq!(count_of(24, TargetKind::Lead, Language::Ru), "24 лида");
        assert_eq!(count_of(1, TargetKind::Lead, Language::En), "1 lead");
    }
}
