//! The words the demo office is made of: names in three languages, company names, places,
//! deal topics; and the random picks that put them together.

use rand::{Rng, rngs::StdRng, seq::IndexedRandom};

pub(super) const UK_FIRST_F: &[&str] = &[
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
pub(super) const UK_FIRST_M: &[&str] = &[
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
pub(super) const UK_LAST: &[&str] = &[
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
pub(super) const UK_MIDDLE_M: &[&str] = &["Петрович", "Іванович", "Миколайович", "Васильович"];
pub(super) const UK_MIDDLE_F: &[&str] = &["Петрівна", "Іванівна", "Миколаївна", "Василівна"];
pub(super) const RU_FIRST_F: &[&str] = &["Екатерина", "Ольга", "Анна", "Татьяна", "Елена", "Мария"];
pub(super) const RU_FIRST_M: &[&str] = &[
    "Алексей",
    "Сергей",
    "Дмитрий",
    "Михаил",
    "Александр",
    "Николай",
];
pub(super) const RU_LAST_M: &[&str] = &[
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Соколов",
    "Лебедев",
    "Морозов",
    "Волков",
];
pub(super) const EN_FIRST: &[&str] = &[
    "John", "Emily", "Michael", "Sarah", "David", "Laura", "James", "Olivia",
];
pub(super) const EN_LAST: &[&str] = &[
    "Smith", "Johnson", "Brown", "Taylor", "Wilson", "Clarke", "Evans", "Walker",
];
pub(super) const CO_FORMS_UA: &[&str] = &["ТОВ", "ПП", "ФОП", "ПрАТ"];
pub(super) const CO_FORMS_EN: &[&str] = &["LLC", "Ltd", "GmbH", "Inc."];
pub(super) const CO_WORDS: &[&str] = &[
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
pub(super) const CO_TAILS: &[&str] = &[
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
pub(super) const CO_TAILS_EN: &[&str] = &[
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
pub(super) const CO_WORDS_EN: &[&str] = &[
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
pub(super) const POSITIONS: &[&str] = &[
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
pub(super) const SOURCES: &[&str] = &[
    "Сайт",
    "Рекомендація",
    "Виставка",
    "Холодний дзвінок",
    "E-mail розсилка",
    "Соцмережі",
];
pub(super) const DOMAINS: &[&str] = &["gmail.com", "ukr.net", "i.ua", "outlook.com", "meta.ua"];
pub(super) const OPERATORS: &[&str] = &["67", "50", "63", "93", "97", "99", "66", "68"];
pub(super) const STREETS: &[&str] = &[
    "вул. Хрещатик",
    "просп. Перемоги",
    "вул. Січових Стрільців",
    "вул. Велика Васильківська",
    "вул. Шевченка",
    "просп. Бажана",
];
pub(super) const CITIES: &[&str] = &["Київ", "Львів", "Харків", "Одеса", "Дніпро", "Вінниця"];

pub(super) fn pick<'a>(rng: &mut StdRng, list: &[&'a str]) -> &'a str {
    list.choose(rng).copied().unwrap_or("")
}

pub(super) fn phone(rng: &mut StdRng) -> String {
    format!(
        "+38 (0{}) {:03}-{:02}-{:02}",
        pick(rng, OPERATORS),
        rng.random_range(100..1000),
        rng.random_range(0..100),
        rng.random_range(0..100)
    )
}

pub(super) fn slug(s: &str) -> String {
    any_ascii::any_ascii(s)
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}

/// A person's (first, middle, last) name in one of the three languages of the office.
pub(super) fn person(rng: &mut StdRng) -> (String, String, String) {
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

pub(super) const DEAL_TOPICS: &[&str] = &[
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
