//! The domain error: one enum for every area; `http::problem` maps it to HTTP in one place.

use std::fmt::Display;

use serde::Serialize;

/// One invalid input field, named the way the client sent it (`emails[0].value`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code,
            message: message.into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("validation failed: {0:?}")]
    Validation(Vec<FieldError>),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("stage not empty: {0}")]
    StageNotEmpty(String),
    #[error("status not empty: {0}")]
    StatusNotEmpty(String),
    /// Refused by the access policy; the text names the rule. Only `src/access` makes it.
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("not signed in")]
    Unauthenticated,
    #[error("wrong login or password")]
    BadCredentials,
    #[error("too many failed attempts, retry in {retry_after_secs} s")]
    TooManyAttempts { retry_after_secs: u64 },
    #[error("setup is already done")]
    SetupDone,
    #[error("the setup token is wrong")]
    BadSetupToken,
    #[error("missing or wrong CSRF token")]
    Csrf,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("storage: {0}")]
    Storage(String),
    #[error("search index: {0}")]
    Search(String),
    #[error("internal: {0}")]
    Internal(String),
    /// The mail server refused or could not be reached.
    #[error("mail: {0}")]
    Mail(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How a refusal of the access policy is titled for a client (status 403, code `forbidden`).
pub const REFUSAL_TITLE: &str = "Forbidden";

impl Error {
    /// Splits off a refusal of the access policy: `Ok(the rule that refused)`, or the error
    /// itself back. Lets the HTTP layer map refusals without naming them.
    pub fn into_refusal(self) -> Result<String, Error> {
        match self {
            Error::Forbidden(why) => Ok(why),
            other => Err(other),
        }
    }

    /// Is this a refusal of the access policy (403)? For tests and logs outside access.
    pub fn is_refusal(&self) -> bool {
        matches!(self, Error::Forbidden(_))
    }

    pub fn field(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Error::Validation(vec![FieldError::new(field, code, message)])
    }
}

/// Adds context to storage-level failures: `table.get(id).ctx("read company")?`.
pub trait Ctx<T> {
    fn ctx(self, what: &str) -> Result<T>;
}

impl<T, E: Display> Ctx<T> for std::result::Result<T, E> {
    fn ctx(self, what: &str) -> Result<T> {
        self.map_err(|e| Error::Storage(format!("{what}: {e}")))
    }
}

/// Collects field errors during validation, then fails once with all of them.
#[derive(Default, Debug)]
pub struct Problems(pub Vec<FieldError>);

impl Problems {
    pub fn add(
        &mut self,
        field: impl Into<String>,
        code: &'static str,
        message: impl Into<String>,
    ) {
        self.0.push(FieldError::new(field, code, message));
    }
    pub fn finish(self) -> Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Error::Validation(self.0))
        }
    }
}
