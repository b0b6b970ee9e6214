//! A JSON answer whose bytes the use-case wrote, declared in the spec with the schema of `T`.
//!
//! poem-openapi's `Json<T>` builds a `serde_json::Value` tree of the whole answer (a map and a
//! string per field of every row) and then writes it; for a page of 50 rows that tree was most
//! of the request. Lists read most often write their JSON straight from the stored records
//! instead (e.g. `contacts::list_json`); `T` is the `Object` type describing it, and a test per
//! use keeps the bytes equal to what `Json<T>` would write.

use poem::{IntoResponse, Response};
use poem_openapi::{
    ApiResponse,
    payload::Payload,
    registry::{MetaMediaType, MetaResponse, MetaResponses, MetaSchemaRef, Registry},
    types::Type,
};

/// JSON bytes declared as `T`.
pub struct RawJson<T> {
    bytes: Vec<u8>,
    of: std::marker::PhantomData<fn() -> T>,
}

impl<T> RawJson<T> {
    /// `bytes` must be JSON of the shape `T` describes.
    pub fn new(bytes: Vec<u8>) -> Self {
        RawJson {
            bytes,
            of: std::marker::PhantomData,
        }
    }
}

impl<T: Type> Payload for RawJson<T> {
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

impl<T: Type> IntoResponse for RawJson<T> {
    fn into_response(self) -> Response {
        Response::builder()
            .content_type(<Self as Payload>::CONTENT_TYPE)
            .body(self.bytes)
    }
}

impl<T: Type> ApiResponse for RawJson<T> {
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
