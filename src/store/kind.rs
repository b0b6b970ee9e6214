//! The one list of record kinds: each kind's stored number, its stable text name, and the
//! subsets some places accept (work targets, search documents), each declared once.
//!
//! Numbers are stored (history keys, outbox entries): never renumber. Text names are stored
//! too (record links such as `deal:5`, targets inside records, search documents): never
//! rename. The serde names of `Kind` itself (`"CalEvent"`, in backup history lines) are the
//! variant names: never rename a variant either.

use serde::{Deserialize, Serialize};

/// What kind of record something is about. Conversions are derived: `Kind::from_repr(u8)`,
/// `kind as u8`, `kind.as_str()`, `"deal".parse::<Kind>()`, `Kind::VARIANTS`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::FromRepr,
    strum::VariantArray,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
)]
#[repr(u8)]
#[strum(serialize_all = "snake_case")]
pub enum Kind {
    User = 1,
    Department = 2,
    CompanyType = 3,
    Company = 4,
    Contact = 5,
    ApiToken = 6,
    Pipeline = 7,
    Stage = 8,
    LeadStatus = 9,
    Lead = 10,
    Deal = 11,
    Currency = 12,
    Rate = 13,
    CustomField = 14,
    LeadSource = 15,
    DealType = 16,
    StageMove = 17,
    Task = 18,
    Activity = 19,
    Comment = 20,
    /// An entry of the company feed. As a target only posts (entries people write) are
    /// addressed, hence the name.
    #[strum(serialize = "post")]
    FeedItem = 21,
    Notification = 22,
    Reminder = 23,
    /// A calendar event; "event" on the wire and in links.
    #[strum(serialize = "event")]
    CalEvent = 24,
    MailSettings = 25,
    IcalFeed = 26,
    Mail = 27,
}

impl Kind {
    /// The stable text name: `company`, `event`, `post`, `stage_move`…
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Is this kind one of `list`? (A `const fn`, so `Record::SEARCHABLE` can be derived.)
    pub const fn is_in(self, list: &[Kind]) -> bool {
        let mut i = 0;
        while i < list.len() {
            if list[i] as u8 == self as u8 {
                return true;
            }
            i += 1;
        }
        false
    }
}

/// A text that names no kind of the expected set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown record kind {0:?}")]
pub struct UnknownKind(pub String);

/// Declares a subset of [`Kind`] once: a Rust enum of its members (exhaustive matches, wire
/// schemas), the const slice `Kind::<LIST>`, and lossless conversions both ways (`From` into
/// `Kind`, `TryFrom<Kind>` back). The enum's serde names are its variants in lowercase; a test
/// checks that they are the kinds' names.
macro_rules! kind_subset {
    (
        $(#[$meta:meta])*
        pub enum $name:ident as Kind::$list:ident {
            $($variant:ident = $kind:ident),+ $(,)?
        }
    ) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        $(#[$meta])*
        #[serde(rename_all = "lowercase")]
        pub enum $name {
            $($variant),+
        }

        impl Kind {
            #[doc = concat!("The kinds a [`", stringify!($name), "`] may be.")]
            pub const $list: &'static [Kind] = &[$(Kind::$kind),+];
        }

        impl $name {
            /// Every member, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The kind's stable text name.
            pub fn as_str(self) -> &'static str {
                Kind::from(self).as_str()
            }

            /// The member named `s`, if it is one.
            pub fn parse(s: &str) -> Option<$name> {
                s.parse::<Kind>().ok().and_then(|k| $name::try_from(k).ok())
            }
        }

        impl From<$name> for Kind {
            fn from(v: $name) -> Kind {
                match v {
                    $($name::$variant => Kind::$kind),+
                }
            }
        }

        impl TryFrom<Kind> for $name {
            type Error = Kind;
            fn try_from(k: Kind) -> Result<$name, Kind> {
                match k {
                    $(Kind::$kind => Ok($name::$variant),)+
                    other => Err(other),
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownKind;
            fn from_str(s: &str) -> Result<$name, UnknownKind> {
                $name::parse(s).ok_or_else(|| UnknownKind(s.to_string()))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

kind_subset! {
    /// What a link, comment or reminder points at.
    #[derive(poem_openapi::Enum)]
    #[oai(rename_all = "lowercase")]
    pub enum TargetKind as Kind::TARGETS {
        Company = Company,
        Contact = Contact,
        Lead = Lead,
        Deal = Deal,
        Task = Task,
        Event = CalEvent,
        Post = FeedItem,
    }
}

kind_subset! {
    /// The kind of a searchable record: what the search index holds documents of.
    pub enum DocKind as Kind::SEARCHABLE {
        Company = Company,
        Contact = Contact,
        Lead = Lead,
        Deal = Deal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::VariantArray;

    #[test]
    fn every_kind_round_trips_through_its_number_and_name() {
        assert_eq!(Kind::VARIANTS.len(), 27);
        let mut names = std::collections::BTreeSet::new();
        for &k in Kind::VARIANTS {
            assert_eq!(Kind::from_repr(k as u8), Some(k), "{k:?}");
            assert_eq!(k.as_str().parse::<Kind>(), Ok(k), "{k:?}");
            assert_eq!(k.to_string(), k.as_str());
            assert!(names.insert(k.as_str()), "two kinds named {}", k.as_str());
        }
        assert_eq!(Kind::from_repr(0), None);
        assert_eq!(Kind::from_repr(28), None);
        assert!("person".parse::<Kind>().is_err());
    }

    /// Numbers and names are stored: these must never change.
    #[test]
    fn stored_numbers_and_names_stay() {
        let fixed = [
            (Kind::User, 1, "user"),
            (Kind::Company, 4, "company"),
            (Kind::Contact, 5, "contact"),
            (Kind::Lead, 10, "lead"),
            (Kind::Deal, 11, "deal"),
            (Kind::StageMove, 17, "stage_move"),
            (Kind::Task, 18, "task"),
            (Kind::FeedItem, 21, "post"),
            (Kind::CalEvent, 24, "event"),
            (Kind::Mail, 27, "mail"),
        ];
        for (k, n, name) in fixed {
            assert_eq!((k as u8, k.as_str()), (n, name));
        }
        // Backup history lines carry the serde name.
        assert_eq!(
            serde_json::to_string(&Kind::CalEvent).expect("json"),
            "\"CalEvent\""
        );
    }

    fn check_subset<S>(all: &[S], list: &[Kind])
    where
        S: Copy + std::fmt::Debug + PartialEq + Serialize + Into<Kind> + TryFrom<Kind>,
    {
        assert_eq!(all.len(), list.len());
        for (&s, &k) in all.iter().zip(list) {
            assert_eq!(s.into(), k);
            // The wire/stored name of the member is the kind's name.
            assert_eq!(
                serde_json::to_string(&s).expect("json"),
                format!("\"{}\"", k.as_str())
            );
            assert!(k.is_in(list));
        }
        for &k in Kind::VARIANTS {
            assert_eq!(S::try_from(k).is_ok(), list.contains(&k), "{k:?}");
        }
    }

    #[test]
    fn subsets_convert_losslessly_and_use_the_kinds_names() {
        check_subset(TargetKind::ALL, Kind::TARGETS);
        check_subset(DocKind::ALL, Kind::SEARCHABLE);
        assert_eq!(TargetKind::parse("event"), Some(TargetKind::Event));
        assert_eq!(TargetKind::parse("cal_event"), None);
        assert_eq!(TargetKind::parse("stage"), None);
        assert_eq!("post".parse::<TargetKind>(), Ok(TargetKind::Post));
        assert_eq!(
            "task".parse::<DocKind>(),
            Err(UnknownKind("task".to_string()))
        );
        assert_eq!(DocKind::Deal.to_string(), "deal");
        assert!(!Kind::Task.is_in(Kind::SEARCHABLE));
    }
}
