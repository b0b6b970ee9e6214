//! Small input checks shared by every area. Each adds to a `Problems` list so a form gets
//! every error at once, named by field.

use crate::error::Problems;

/// Trims and checks a required text field.
pub fn required(p: &mut Problems, field: &str, value: &str, max: usize) -> String {
    let v = value.trim();
    if v.is_empty() {
        p.add(field, "required", "is required");
    } else if v.chars().count() > max {
        p.add(
            field,
            "too_long",
            format!("is longer than {max} characters"),
        );
    }
    v.to_string()
}

/// Trims and checks an optional text field.
pub fn optional(p: &mut Problems, field: &str, value: &str, max: usize) -> String {
    let v = value.trim();
    if v.chars().count() > max {
        p.add(
            field,
            "too_long",
            format!("is longer than {max} characters"),
        );
    }
    v.to_string()
}

pub fn is_email(v: &str) -> bool {
    let Some((local, domain)) = v.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && domain.len() <= 253
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !v
            .chars()
            .any(|c| c.is_whitespace() || c == ',' || c == ';' || c == '<' || c == '>')
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.')
}

/// An optional e-mail (empty allowed), lowercased domain kept as typed otherwise.
pub fn email(p: &mut Problems, field: &str, value: &str) -> String {
    let v = value.trim();
    if !v.is_empty() && !is_email(v) {
        p.add(field, "invalid_email", "is not a valid e-mail address");
    }
    v.to_string()
}

/// Phone numbers: the one normalisation that validation, the search index and the lead
/// duplicate check all use, so that what one calls the same number the others do too.
pub mod phone {
    /// A number is told by its last this many digits: its national number without the country
    /// code or trunk prefix, so "+7 495 123 45 67" and "8 495 123 45 67" share "951234567",
    /// and "+380 44 123 45 67" and "0 44 123 45 67" share "441234567".
    pub const KEY_DIGITS: usize = 9;
    /// Fewest digits that name a number (or the end of one) well enough to look it up.
    pub const MIN_DIGITS: usize = 7;

    /// The digits of a number as typed in any format ("+38 (067) 123-45-67" → "380671234567").
    pub fn digits(s: &str) -> String {
        s.chars().filter(char::is_ascii_digit).collect()
    }

    /// The last `n` digits of `digits` (all of them when there are fewer).
    pub fn tail(digits: &str, n: usize) -> &str {
        &digits[digits.len().saturating_sub(n)..]
    }

    /// What two spellings of the same number have in common: the last [`KEY_DIGITS`] digits.
    pub fn key(s: &str) -> String {
        tail(&digits(s), KEY_DIGITS).to_string()
    }

    /// Do `a` and `b` look like the same number? Their keys are equal and long enough to mean
    /// something.
    pub fn same(a: &str, b: &str) -> bool {
        let ka = key(a);
        ka.len() >= MIN_DIGITS && ka == key(b)
    }
}

pub fn phone(p: &mut Problems, field: &str, value: &str) -> String {
    let v = value.trim();
    let digits = phone::digits(v);
    let allowed = v
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if v.is_empty() {
        p.add(field, "required", "is required");
    } else if !allowed || !(5..=20).contains(&digits.len()) {
        p.add(
            field,
            "invalid_phone",
            "is not a phone number (5 to 20 digits, with + ( ) - . and spaces allowed)",
        );
    }
    v.to_string()
}

pub fn url(p: &mut Problems, field: &str, value: &str) -> String {
    let v = value.trim();
    if v.is_empty() {
        return String::new();
    }
    let rest = v
        .strip_prefix("https://")
        .or_else(|| v.strip_prefix("http://"))
        .unwrap_or(v);
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let ok = v.len() <= 500
        && !v.chars().any(char::is_whitespace)
        && host.contains('.')
        && !host.starts_with('.')
        && host
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.' || c == ':');
    if !ok {
        p.add(field, "invalid_url", "is not a web address");
    }
    v.to_string()
}

pub fn time_zone(p: &mut Problems, field: &str, value: &str) -> String {
    let v = value.trim();
    if v.parse::<chrono_tz::Tz>().is_err() {
        p.add(
            field,
            "invalid_value",
            "is not a known time zone (e.g. Europe/Kyiv)",
        );
    }
    v.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        for ok in [
            "a@b.ua",
            "olena.shevchenko@romashka.com.ua",
            "x+y@пошта.укр",
        ] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "", "a", "a@b", "@b.ua", "a@.ua", "a b@c.ua", "a@b..ua", "a@b.ua,",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn phones_and_urls() {
        let mut p = Problems::default();
        phone(&mut p, "a", "+38 (067) 123-45-67");
        url(&mut p, "b", "romashka.ua");
        url(&mut p, "c", "https://romashka.ua/about?x=1");
        assert!(p.0.is_empty(), "{:?}", p.0);
        phone(&mut p, "d", "call me");
        phone(&mut p, "e", "123");
        url(&mut p, "f", "not a url");
        let fields: Vec<_> = p.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["d", "e", "f"]);
        assert_eq!(phone::digits("+38 (067) 123-45-67"), "380671234567");
    }

    #[test]
    fn one_number_in_any_spelling() {
        // Trunk prefix or country code: the same number.
        for (a, b) in [
            ("8 495 123 45 67", "+7 495 123 45 67"),
            ("0 44 123 45 67", "+380 44 123 45 67"),
            ("(044) 123-45-67", "+38 044 1234567"),
            ("+380441234567", "00380 44 123 45 67"),
        ] {
            assert!(phone::same(a, b), "{a} ~ {b}");
            assert!(phone::same(b, a), "{b} ~ {a}");
        }
        assert_eq!(phone::key("8 495 123 45 67"), "951234567");
        assert_eq!(phone::key("+380 44 123 45 67"), "441234567");
        // Short numbers are their own key; too short to name a number.
        assert_eq!(phone::key("123-45-67"), "1234567");
        assert!(phone::same("123-45-67", "1234567"));
        assert!(!phone::same("12-34", "1234"));
        assert!(!phone::same("", ""));
        // Different numbers stay different.
        assert!(!phone::same("+380 44 123 45 67", "+380 44 123 45 68"));
        assert!(!phone::same("+380 44 123 45 67", "+380 45 123 45 67"));
        assert_eq!(phone::tail("12", 9), "12");
        assert_eq!(phone::tail("0123456789", 3), "789");
    }
}
