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

/// The digits of a phone number.
pub fn phone_digits(v: &str) -> String {
    v.chars().filter(char::is_ascii_digit).collect()
}

pub fn phone(p: &mut Problems, field: &str, value: &str) -> String {
    let v = value.trim();
    let digits = phone_digits(v);
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
        assert_eq!(phone_digits("+38 (067) 123-45-67"), "380671234567");
    }
}
