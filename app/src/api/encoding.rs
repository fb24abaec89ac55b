//! The JSON of server function answers, decoded from text.
//!
//! Leptos decodes a resource's hydration data with `serde_json::from_str`, and the stock
//! server function encoding decodes answers with `serde_json::from_slice`: every answer
//! type then has two `Deserialize` instances in the WASM, one per reader. Decoding answers
//! from text as well leaves one (the release WASM is smaller by the other).
use leptos::server_fn::codec::Post;
use leptos::server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};
use serde::de::{DeserializeOwned, Error as _};
use serde::Serialize;

/// JSON in the body of a `POST` answer, read as UTF-8 text.
pub struct TextJsonEncoding;

/// The output encoding every server function here declares.
pub type TextJson = Post<TextJsonEncoding>;

impl ContentType for TextJsonEncoding {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for TextJsonEncoding {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for TextJsonEncoding {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(output).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for TextJsonEncoding {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        let text = std::str::from_utf8(&bytes).map_err(serde_json::Error::custom)?;
        serde_json::from_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_round_trip_and_bad_bytes_are_errors() {
        let bytes = TextJsonEncoding::encode(&vec!["MPSAnalysis".to_owned()]).expect("encodes");
        let back: Vec<String> = TextJsonEncoding::decode(bytes).expect("decodes");
        assert_eq!(back, ["MPSAnalysis"]);
        let bad: Result<Vec<String>, _> =
            TextJsonEncoding::decode(Bytes::from_static(b"[\"\xff\"]"));
        assert!(bad.is_err());
    }
}
