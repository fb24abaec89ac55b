//! Reading an API 3.0 request body.
use serde_json::Value;

use crate::WireError;

/// The request body as a JSON object (`{}` when empty or only whitespace).
pub fn parse_params(body: &[u8]) -> Result<Value, WireError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Default::default()));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(v @ Value::Object(_)) => Ok(v),
        _ => Err(WireError::BodyNotObject),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn objects_only() {
        assert_eq!(parse_params(b"").expect("empty is {}"), json!({}));
        assert_eq!(parse_params(b" \r\n\t").expect("blank is {}"), json!({}));
        assert_eq!(
            parse_params(br#"{"A": 1}"#).expect("object"),
            json!({"A": 1})
        );
        for bad in [
            &b"[1]"[..],
            b"{not json",
            b"null",
            b"1",
            b"\"s\"",
            b"{} {}",
            b"\xff",
        ] {
            assert_eq!(parse_params(bad), Err(WireError::BodyNotObject), "{bad:?}");
        }
    }
}
