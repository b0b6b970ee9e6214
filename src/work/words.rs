//! The few sentences the server writes itself (notifications, reminder e-mails), in the
//! recipient's language and time zone. Everything else the UI translates by `code`/`type`.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

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
}
