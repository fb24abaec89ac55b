//! Reading an API 3.0 request body.
use serde_json::Value;

use crate::WireError;

/// The request body as a JSON object (`{}` when empty or only whitespace).
pub fn parse_params(body: &[u8]) -> Result<Value, WireError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Default::default()));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(v @ Value::Object(_)) if has_nul(&v) => Err(WireError::NulInParameter),
        Ok(v @ Value::Object(_)) => Ok(v),
        _ => Err(WireError::BodyNotObject),
    }
}

/// Whether a string (key or value) anywhere in `v` holds a NUL character. Iterative: a
/// body may nest deeply.
fn has_nul(v: &Value) -> bool {
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::String(s) if s.contains('\0') => return true,
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => {
                if map.keys().any(|k| k.contains('\0')) {
                    return true;
                }
                stack.extend(map.values());
            }
            _ => {}
        }
    }
    false
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
        for nul in [
            &br#"{"Role": "a\u0000b"}"#[..],
            br#"{"A": [{"B": ["x\u0000"]}]}"#,
            br#"{"K\u0000": 1}"#,
        ] {
            assert_eq!(parse_params(nul), Err(WireError::NulInParameter), "{nul:?}");
        }
    }
}
