//! A JSON response written straight from `serde::Serialize`, for the answers read most (list
//! pages). poem-openapi's `Json<T>` first builds a `serde_json::Value` tree of the whole answer
//! (a map and a string per field of every row) and then writes it; for 50 rows that tree is most
//! of the request's cost. The schema in the spec is still `T`'s (`T: Type`), so a type used here
//! derives both `Object` and `Serialize`, and a test checks that both give the same JSON
//! (`same_json_both_ways`).

use poem::{IntoResponse, Response, http::StatusCode};
use poem_openapi::{
    ApiResponse,
    payload::Payload,
    registry::{MetaMediaType, MetaResponse, MetaResponses, MetaSchemaRef, Registry},
    types::Type,
};
use serde::Serialize;
use tracing::error;

/// `Json<T>` as poem-openapi declares it, written with serde.
pub struct SerJson<T>(pub T);

impl<T: Type> Payload for SerJson<T> {
    const CONTENT_TYPE: &'static str = "application/json; charset=utf-8";

    fn check_content_type(content_type: &str) -> bool {
        content_type.starts_with("application/json")
    }

    fn schema_ref() -> MetaSchemaRef {
        T::schema_ref()
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

impl<T: Type + Serialize + Send> IntoResponse for SerJson<T> {
    fn into_response(self) -> Response {
        match serde_json::to_vec(&self.0) {
            Ok(body) => Response::builder()
                .content_type(<Self as Payload>::CONTENT_TYPE)
                .body(body),
            Err(e) => {
                error!(error = %e, "writing a JSON answer");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        }
    }
}

impl<T: Type + Serialize + Send> ApiResponse for SerJson<T> {
    fn meta() -> MetaResponses {
        MetaResponses {
            responses: vec![MetaResponse {
                description: "",
                status: Some(200),
                status_range: None,
                content: vec![MetaMediaType {
                    content_type: <Self as Payload>::CONTENT_TYPE,
                    schema: <Self as Payload>::schema_ref(),
                }],
                headers: vec![],
            }],
        }
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

/// Writes a time as poem-openapi does (`DateTime::to_rfc3339`: "+00:00", not "Z"), for
/// `#[serde(serialize_with = "…")]` on types answered with [`SerJson`].
pub fn rfc3339<S: serde::Serializer>(
    t: &chrono::DateTime<chrono::Utc>,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.to_rfc3339())
}
