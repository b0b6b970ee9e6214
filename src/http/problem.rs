//! The one place where domain errors become HTTP: `application/problem+json` bodies with a
//! stable machine `code`, a human `detail` and, for validation, the offending fields.

use poem_openapi::{ApiResponse, Object, payload::Json};

use crate::error::{Error, FieldError};

#[derive(Debug, Clone, Object)]
pub struct ProblemField {
    pub field: String,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, Object)]
pub struct Problem {
    #[oai(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// Stable machine-readable code, e.g. `validation`, `not_found`, `csrf`.
    pub code: String,
    pub detail: String,
    #[oai(skip_serializing_if_is_empty)]
    pub fields: Vec<ProblemField>,
}

pub fn problem(status: u16, code: &str, title: &str, detail: impl Into<String>) -> Box<Problem> {
    Box::new(Problem {
        kind: "about:blank".into(),
        title: title.into(),
        status,
        code: code.into(),
        detail: detail.into(),
        fields: Vec::new(),
    })
}

#[derive(Debug, ApiResponse)]
#[oai(bad_request_handler = "bad_request")]
pub enum ApiError {
    /// The request could not be read (malformed JSON, wrong parameter type).
    #[oai(status = 400, content_type = "application/problem+json")]
    BadRequest(Json<Box<Problem>>),
    /// Not signed in, or wrong login or password.
    #[oai(status = 401, content_type = "application/problem+json")]
    Unauthorized(Json<Box<Problem>>),
    /// Signed in, but not allowed; or a missing CSRF token; or a wrong setup token.
    #[oai(status = 403, content_type = "application/problem+json")]
    Denied(Json<Box<Problem>>),
    #[oai(status = 404, content_type = "application/problem+json")]
    NotFound(Json<Box<Problem>>),
    /// The request conflicts with stored data (login taken, record in use, setup done).
    #[oai(status = 409, content_type = "application/problem+json")]
    Conflict(Json<Box<Problem>>),
    #[oai(status = 413, content_type = "application/problem+json")]
    TooLarge(Json<Box<Problem>>),
    /// Validation failed: `fields` names every invalid field.
    #[oai(status = 422, content_type = "application/problem+json")]
    Invalid(Json<Box<Problem>>),
    #[oai(status = 429, content_type = "application/problem+json")]
    TooManyRequests(Json<Box<Problem>>, #[oai(header = "Retry-After")] u64),
    #[oai(status = 500, content_type = "application/problem+json")]
    Internal(Json<Box<Problem>>),
    /// The mail server refused the message or could not be reached (`mail_failed`).
    #[oai(status = 502, content_type = "application/problem+json")]
    BadGateway(Json<Box<Problem>>),
}

pub fn bad_request(err: poem::Error) -> ApiError {
    ApiError::BadRequest(Json(problem(
        400,
        "bad_request",
        "Bad request",
        err.to_string(),
    )))
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        match e {
            Error::Validation(fields) => {
                let n = fields.len();
                let mut p = problem(
                    422,
                    "validation",
                    "Validation failed",
                    if n == 1 {
                        format!("{} {}", fields[0].field, fields[0].message)
                    } else {
                        format!("{n} fields are invalid")
                    },
                );
                p.fields = fields
                    .into_iter()
                    .map(
                        |FieldError {
                             field,
                             code,
                             message,
                         }| ProblemField {
                            field,
                            code: code.into(),
                            message,
                        },
                    )
                    .collect();
                ApiError::Invalid(Json(p))
            }
            Error::NotFound(what) => ApiError::NotFound(Json(problem(
                404,
                "not_found",
                "Not found",
                format!("{what} not found"),
            ))),
            Error::StageNotEmpty(d) => {
                ApiError::Conflict(Json(problem(409, "stage_not_empty", "Stage not empty", d)))
            }
            Error::StatusNotEmpty(d) => {
                ApiError::Conflict(Json(problem(409, "status_not_empty", "Status in use", d)))
            }
            Error::Conflict(d) => ApiError::Conflict(Json(problem(409, "conflict", "Conflict", d))),
            Error::Mail(d) => ApiError::BadGateway(Json(problem(
                502,
                "mail_failed",
                "The mail server did not accept the message",
                d,
            ))),
            Error::Unauthenticated => ApiError::Unauthorized(Json(problem(
                401,
                "unauthenticated",
                "Sign-in required",
                "sign in or send an API token",
            ))),
            Error::BadCredentials => ApiError::Unauthorized(Json(problem(
                401,
                "bad_credentials",
                "Wrong login or password",
                "wrong login or password",
            ))),
            Error::TooManyAttempts { retry_after_secs } => ApiError::TooManyRequests(
                Json(problem(
                    429,
                    "too_many_attempts",
                    "Too many attempts",
                    format!("too many failed sign-ins: try again in {retry_after_secs} s"),
                )),
                retry_after_secs,
            ),
            Error::SetupDone => ApiError::Conflict(Json(problem(
                409,
                "setup_done",
                "Setup is already done",
                "an administrator already exists: sign in instead",
            ))),
            Error::BadSetupToken => ApiError::Denied(Json(problem(
                403,
                "bad_setup_token",
                "Wrong setup token",
                "the setup token does not match the one printed on the server console",
            ))),
            Error::Csrf => ApiError::Denied(Json(problem(
                403,
                "csrf",
                "Missing CSRF token",
                "send the X-CSRF-Token header from GET /api/v1/me with every change",
            ))),
            Error::BadRequest(d) => {
                ApiError::BadRequest(Json(problem(400, "bad_request", "Bad request", d)))
            }
            // What is left is a refusal of the access policy (its text names the rule that
            // refused) or a failure of the server (storage, search index, internal).
            other => match other.into_refusal() {
                Ok(why) => ApiError::Denied(Json(problem(
                    403,
                    "forbidden",
                    crate::error::REFUSAL_TITLE,
                    why,
                ))),
                Err(e) => {
                    tracing::error!("internal error: {e}");
                    ApiError::Internal(Json(problem(
                        500,
                        "internal",
                        "Internal error",
                        "the server failed; the details are in its log",
                    )))
                }
            },
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
