//! Text analysis shared by indexing and querying.
//!
//! Everything that turns text into index terms lives here, so the query side
//! can run exactly the same code as the tokenizers registered with tantivy.
//! Any change in this file changes the terms in the index: bump
//! [`INDEX_VERSION`](super::INDEX_VERSION) when you make one.

use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};

use crate::validate::phone;

/// Tokenizer name of the original-script, lowercased names field.
pub(crate) const TOKENIZER_NAMES: &str = "korobka_names";
/// Tokenizer name of the ASCII-folded names field.
pub(crate) const TOKENIZER_FOLD: &str = "korobka_fold";
/// Tokenizer name of the free-text field (original and folded forms).
pub(crate) const TOKENIZER_TEXT: &str = "korobka_text";

/// Words longer than this (in chars) are not indexed and cannot be searched.
pub(crate) const MAX_WORD_CHARS: usize = 64;
/// E-mail terms longer than this (in bytes) are not indexed.
pub(crate) const MAX_EMAIL_BYTES: usize = 254;
/// Minimum number of digits for a phone (suffix) term.
pub(crate) const MIN_PHONE_DIGITS: usize = phone::MIN_DIGITS;
/// Only this many last digits of a phone are indexed.
const MAX_PHONE_DIGITS: usize = 20;

/// Characters that may sit inside a word without splitting it; they are dropped
/// ("Дар'я" → "даря", "O'Brien" → "obrien").
fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ' | '`' | 'ʹ' | '‘')
}

/// A word of the input: its byte range and its lowercased text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    pub from: usize,
    pub to: usize,
    pub text: String,
}

/// Splits text into lowercased words: runs of alphanumeric characters;
/// apostrophes inside a word are dropped, everything else separates words.
/// "ё" is written as "е" (Russian texts use both). Words longer than
/// [`MAX_WORD_CHARS`] are dropped.
pub(crate) fn words(s: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = 0usize;
    let mut start = 0usize;
    let mut end = 0usize;
    let mut flush = |cur: &mut String, chars: &mut usize, start: usize, end: usize| {
        if !cur.is_empty() && *chars <= MAX_WORD_CHARS {
            out.push(Word {
                from: start,
                to: end,
                text: std::mem::take(cur),
            });
        }
        cur.clear();
        *chars = 0;
    };
    for (i, c) in s.char_indices() {
        if c.is_alphanumeric() {
            if cur.is_empty() {
                start = i;
            }
            for l in c.to_lowercase() {
                cur.push(if l == 'ё' { 'е' } else { l });
                chars += 1;
            }
            end = i + c.len_utf8();
        } else if is_apostrophe(c) && !cur.is_empty() {
            // Part of the word, but not of its text.
        } else {
            flush(&mut cur, &mut chars, start, end);
        }
    }
    flush(&mut cur, &mut chars, start, end);
    out
}

/// Folds one (already lowercased) word to its canonical ASCII form.
///
/// 1. transliterate with `any_ascii` and lowercase;
/// 2. keep only `a-z` and `0-9`;
/// 3. merge letters that romanisations of Ukrainian/Russian names disagree on:
///    `y`,`j` → `i` (и/і/й/ы, Yuliya/Iuliia/Julia), `g` → `h` (Г: Hanna/Ganna),
///    `w` → `v`, `x` → `ks` (Alex/Aleks), `c` → `k` unless before `h`
///    (Victor/Viktor);
/// 4. squeeze runs of the same letter (Anna/Ana, Andrii/Andriy → andri).
///
/// Every rule maps a single letter (or squeezes), so a folded prefix of a word
/// is a prefix of the folded word — prefix search keeps working across scripts.
pub(crate) fn fold_word(word: &str) -> String {
    let ascii = any_ascii::any_ascii(word);
    let mut out = String::with_capacity(ascii.len());
    let bytes: Vec<char> = ascii
        .chars()
        .map(|c| c.to_ascii_lowercase())
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    for (i, &c) in bytes.iter().enumerate() {
        let next = bytes.get(i + 1).copied();
        let mapped: &str = match c {
            'y' | 'j' => "i",
            'g' => "h",
            'w' => "v",
            'x' => "ks",
            'c' if next != Some('h') => "k",
            _ => {
                push_squeezed(&mut out, c);
                continue;
            }
        };
        for m in mapped.chars() {
            push_squeezed(&mut out, m);
        }
    }
    out
}

/// Pushes `c` unless it is a letter equal to the last one pushed.
fn push_squeezed(out: &mut String, c: char) {
    if c.is_ascii_alphabetic() && out.ends_with(c) {
        return;
    }
    out.push(c);
}

/// ASCII-folds a text the way the names index does: each word (see the module
/// docs) is transliterated with `any_ascii`, lowercased and canonicalised,
/// and the words are joined with single spaces.
///
/// `fold("Олена Шевченко") == "olena shevchenko"`,
/// `fold("Юлія") == fold("Yuliya") == fold("Julia") == "iulia"`.
pub fn fold(s: &str) -> String {
    words(s)
        .iter()
        .map(|w| fold_word(&w.text))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Index terms of a phone: every suffix of at least [`MIN_PHONE_DIGITS`] of its digits
/// ([`phone::digits`]), so the end of a number finds it, and so does its key
/// ([`phone::key`]) whatever prefix the number was stored with.
pub(crate) fn phone_terms(number: &str) -> Vec<String> {
    let digits = phone::digits(number);
    let digits = phone::tail(&digits, MAX_PHONE_DIGITS);
    (0..=digits.len().saturating_sub(MIN_PHONE_DIGITS))
        .map(|start| &digits[start..])
        .filter(|suffix| suffix.len() >= MIN_PHONE_DIGITS)
        .map(str::to_string)
        .collect()
}

/// A phone number in a search input: its digits, and the term that finds it in any spelling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PhoneQuery {
    /// All its digits: a stored number spelled the same way (or ending so) matches them.
    pub digits: String,
    /// Its [`phone::key`]: "8 495 123 45 67" finds "+7 495 123 45 67" by it. The same as
    /// `digits` when the input has no more digits than a key.
    pub key: String,
}

/// If `s` looks like a phone number (only digits, spaces and phone punctuation,
/// at least [`MIN_PHONE_DIGITS`] digits), the terms to look it up by.
pub(crate) fn as_phone_query(s: &str) -> Option<PhoneQuery> {
    let phone_chars = |c: char| c.is_ascii_digit() || c.is_whitespace() || "+()-./".contains(c);
    if !s.chars().all(phone_chars) {
        return None;
    }
    let digits = phone::digits(s);
    if digits.len() < MIN_PHONE_DIGITS {
        return None;
    }
    let key = phone::tail(&digits, phone::KEY_DIGITS).to_string();
    Some(PhoneQuery { digits, key })
}

/// Index terms of an e-mail: the whole address, the local part, the domain,
/// the domain's labels except the top-level one, and the pieces of the local
/// part split at `.`, `_`, `-`, `+`. All lowercased.
pub(crate) fn email_terms(email: &str) -> Vec<String> {
    let email = email.trim().to_lowercase();
    let mut out: Vec<String> = Vec::new();
    let mut push = |t: &str| {
        if !t.is_empty() && t.len() <= MAX_EMAIL_BYTES && !out.iter().any(|o| o == t) {
            out.push(t.to_string());
        }
    };
    push(&email);
    if let Some((local, domain)) = email.rsplit_once('@') {
        push(local);
        push(domain);
        let labels: Vec<&str> = domain.split('.').collect();
        if labels.len() > 1 {
            for label in &labels[..labels.len() - 1] {
                push(label);
            }
        }
        for piece in local.split(['.', '_', '-', '+']) {
            push(piece);
        }
    }
    out
}

/// Which terms a tokenizer emits for a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// The lowercased word in its own script.
    Names,
    /// The folded word.
    Fold,
    /// Both the lowercased word and (if different) its folded form, at the same position.
    Text,
}

/// The tantivy tokenizer that runs [`words`] and [`fold_word`].
#[derive(Debug, Clone)]
pub(crate) struct KorobkaTokenizer(pub Mode);

impl KorobkaTokenizer {
    /// Registers the three analyzers with an index.
    pub(crate) fn register_all(index: &tantivy::Index) {
        let m = index.tokenizers();
        m.register(
            TOKENIZER_NAMES,
            TextAnalyzer::from(KorobkaTokenizer(Mode::Names)),
        );
        m.register(
            TOKENIZER_FOLD,
            TextAnalyzer::from(KorobkaTokenizer(Mode::Fold)),
        );
        m.register(
            TOKENIZER_TEXT,
            TextAnalyzer::from(KorobkaTokenizer(Mode::Text)),
        );
    }

    fn tokens(&self, text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        for (position, w) in words(text).into_iter().enumerate() {
            let mut push = |t: String| {
                out.push(Token {
                    offset_from: w.from,
                    offset_to: w.to,
                    position,
                    text: t,
                    position_length: 1,
                })
            };
            match self.0 {
                Mode::Names => push(w.text.clone()),
                Mode::Fold => {
                    let f = fold_word(&w.text);
                    if !f.is_empty() {
                        push(f);
                    }
                }
                Mode::Text => {
                    let f = fold_word(&w.text);
                    let differs = !f.is_empty() && f != w.text;
                    push(w.text.clone());
                    if differs {
                        push(f);
                    }
                }
            }
        }
        out
    }
}

impl Tokenizer for KorobkaTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        VecTokenStream {
            tokens: self.tokens(text),
            next: 0,
            placeholder: Token::default(),
        }
    }
}

/// A token stream over precomputed tokens.
#[derive(Debug)]
pub(crate) struct VecTokenStream {
    tokens: Vec<Token>,
    /// Index of the token after the current one.
    next: usize,
    /// Returned if `token()` is called before `advance()` (tantivy does not).
    placeholder: Token,
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        self.next
            .checked_sub(1)
            .and_then(|i| self.tokens.get(i))
            .unwrap_or(&self.placeholder)
    }

    fn token_mut(&mut self) -> &mut Token {
        match self.next.checked_sub(1) {
            Some(i) if i < self.tokens.len() => &mut self.tokens[i],
            _ => &mut self.placeholder,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_and_lowercase() {
        let w: Vec<String> = words("Дар'я  Іванова-Петренко, O’Brien 😀 Ёлкин")
            .into_iter()
            .map(|w| w.text)
            .collect();
        assert_eq!(
            w,
            ["даря", "іванова", "петренко", "obrien", "елкин"].map(String::from)
        );
    }

    #[test]
    fn fold_cross_script() {
        assert_eq!(fold("Олена Шевченко"), "olena shevchenko");
        assert_eq!(fold("Олександр"), fold("Oleksandr"));
        assert_eq!(fold("Александр"), fold("Aleksandr"));
        assert_eq!(fold("Юлія"), fold("Yuliya"));
        assert_eq!(fold("Юлія"), fold("Julia"));
        assert_eq!(fold("Михайло"), fold("Mykhailo"));
        assert_eq!(fold("Андрій"), fold("Andriy"));
        assert_eq!(fold("Андрій"), fold("Andrii"));
        assert_eq!(fold("Дмитрий"), fold("Dmitry"));
        assert_eq!(fold("Ганна"), fold("Hanna"));
        assert_eq!(fold("Григорій"), fold("Hryhorii"));
        assert_eq!(fold("Дарья"), fold("Дар'я"));
        assert_eq!(fold("😀 ☎ !!"), "");
    }

    #[test]
    fn phone_suffixes() {
        let t = phone_terms("+38 (067) 123-45-67");
        assert!(t.contains(&"380671234567".to_string()));
        assert!(t.contains(&"671234567".to_string()));
        assert!(t.contains(&"1234567".to_string()));
        assert!(!t.contains(&"234567".to_string()));
        assert_eq!(t.len(), 12 - 7 + 1);
        assert!(phone_terms("123456").is_empty());
        assert_eq!(phone_terms("123-45-67"), ["1234567"]);
        let q = |s| as_phone_query(s).map(|p| (p.digits, p.key));
        assert_eq!(
            q("067 123 45 67"),
            Some(("0671234567".into(), "671234567".into()))
        );
        assert_eq!(q("1234567"), Some(("1234567".into(), "1234567".into())));
        assert_eq!(q("12345"), None);
        assert_eq!(q("olena 1234567"), None);
    }

    /// The search side of [`phone::same`]: the key of every spelling of a number is one of
    /// the terms every other spelling is indexed with.
    #[test]
    fn a_number_is_found_in_any_spelling() {
        for (typed, stored) in [
            ("8 495 123 45 67", "+7 495 123 45 67"),
            ("+7 (495) 123-45-67", "8 495 1234567"),
            ("0 44 123 45 67", "+380 44 123 45 67"),
            ("+380 44 123 45 67", "044 123 45 67"),
            ("+38 (067) 123-45-67", "067 123 45 67"),
        ] {
            let q = as_phone_query(typed).expect(typed);
            assert!(phone_terms(stored).contains(&q.key), "{typed} → {stored}");
            assert!(phone::same(typed, stored), "{typed} ~ {stored}");
        }
    }

    #[test]
    fn email_pieces() {
        let t = email_terms("Olena.Shevchenko@Romashka.ua");
        for want in [
            "olena.shevchenko@romashka.ua",
            "olena.shevchenko",
            "romashka.ua",
            "romashka",
            "olena",
            "shevchenko",
        ] {
            assert!(t.contains(&want.to_string()), "{want} missing in {t:?}");
        }
        assert!(!t.contains(&"ua".to_string()));
    }
}
