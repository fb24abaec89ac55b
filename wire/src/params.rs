//! Reading an API 3.0 call's parameters: a POST's JSON body, or a GET's query.
use std::collections::BTreeMap;

use serde_json::{Map, Number, Value};

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

/// How a GET parameter's text is typed. A query carries every value as text
/// (`Limit=10`, `SubTaskHasFailed=True`); the cloud types it by the action's model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    Text,
    /// A whole or decimal number; text that is not one stays text (and fails the
    /// parameter's own check).
    Number,
    /// `true` or `false` in any case (Python SDKs send `True`).
    Bool,
}

/// The longest query a GET may carry (the API documents 32 KB; longer calls are POSTs).
pub const MAX_QUERY_LEN: usize = 32 * 1024;
/// The deepest parameter name (`A.0.B.1.C` is five deep); the models nest far less.
const MAX_DEPTH: usize = 16;

/// A GET's query as the JSON object its POST would carry, as the SDKs flatten it: names
/// joined by `.`, list items by their index from 0 (`Filters.0.Values.1=x`), values
/// form-encoded. `kind` types a value by its parameter's name (a list item by the list's).
pub fn parse_query_params(
    query: &str,
    kind: impl Fn(&str) -> ParamKind,
) -> Result<Value, WireError> {
    if query.len() > MAX_QUERY_LEN {
        return Err(WireError::QueryNotParams(
            "it is longer than 32 KB; send the parameters in a POST body".into(),
        ));
    }
    let mut root = BTreeMap::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (name, value) = (form_decode(name)?, form_decode(value)?);
        if name.contains('\0') || value.contains('\0') {
            return Err(WireError::NulInParameter);
        }
        insert(&mut root, &name, value)?;
    }
    let object = root
        .into_iter()
        .map(|(name, node)| {
            let value = node.into_value(&name, &kind)?;
            Ok((name, value))
        })
        .collect::<Result<Map<String, Value>, WireError>>()?;
    Ok(Value::Object(object))
}

/// A parameter read from a query: text, or the parameters under a name.
enum Node {
    Leaf(String),
    Branch(BTreeMap<String, Node>),
}

impl Node {
    fn into_value(self, name: &str, kind: &impl Fn(&str) -> ParamKind) -> Result<Value, WireError> {
        let map = match self {
            Node::Leaf(text) => return Ok(typed(text, kind(name))),
            Node::Branch(map) => map,
        };
        if !map.keys().all(|k| k.bytes().all(|b| b.is_ascii_digit())) {
            return map
                .into_iter()
                .map(|(key, node)| Ok((key.clone(), node.into_value(&key, kind)?)))
                .collect::<Result<Map<String, Value>, WireError>>()
                .map(Value::Object);
        }
        // A list: its indexes must be 0, 1, 2, … with none left out.
        let mut items = map
            .into_iter()
            .map(|(index, node)| index.parse::<usize>().map(|i| (i, node)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| {
                WireError::QueryNotParams(format!("{} has an index too large", clip(name)))
            })?;
        items.sort_by_key(|(i, _)| *i);
        let mut list = Vec::with_capacity(items.len());
        for (expected, (index, node)) in items.into_iter().enumerate() {
            if index != expected {
                return Err(WireError::QueryNotParams(format!(
                    "{} has no item {expected}",
                    clip(name)
                )));
            }
            list.push(node.into_value(name, kind)?);
        }
        Ok(Value::Array(list))
    }
}

fn insert(root: &mut BTreeMap<String, Node>, name: &str, value: String) -> Result<(), WireError> {
    let segments: Vec<&str> = name.split('.').collect();
    if segments.iter().any(|s| s.is_empty()) {
        return Err(WireError::QueryNotParams(format!(
            "the name {:?} is not a parameter name",
            clip(name)
        )));
    }
    if segments.len() > MAX_DEPTH {
        return Err(WireError::QueryNotParams(format!(
            "{} nests more than {MAX_DEPTH} deep",
            clip(name)
        )));
    }
    let conflict = || WireError::QueryNotParams(format!("{} is given twice", clip(name)));
    let Some((last, parents)) = segments.split_last() else {
        return Err(conflict());
    };
    let mut map = root;
    for segment in parents {
        let node = map
            .entry((*segment).to_owned())
            .or_insert_with(|| Node::Branch(BTreeMap::new()));
        map = match node {
            Node::Branch(map) => map,
            Node::Leaf(_) => return Err(conflict()),
        };
    }
    match map.entry((*last).to_owned()) {
        std::collections::btree_map::Entry::Vacant(slot) => {
            slot.insert(Node::Leaf(value));
            Ok(())
        }
        std::collections::btree_map::Entry::Occupied(_) => Err(conflict()),
    }
}

fn typed(text: String, kind: ParamKind) -> Value {
    match kind {
        ParamKind::Number => {
            if let Ok(n) = text.parse::<i64>() {
                return Value::from(n);
            }
            match text.parse::<f64>().ok().and_then(Number::from_f64) {
                Some(n) => Value::Number(n),
                None => Value::String(text),
            }
        }
        ParamKind::Bool if text.eq_ignore_ascii_case("true") => Value::Bool(true),
        ParamKind::Bool if text.eq_ignore_ascii_case("false") => Value::Bool(false),
        ParamKind::Text | ParamKind::Bool => Value::String(text),
    }
}

/// Form decoding: `+` is a space, `%XX` a byte; a `%` not followed by two hex digits
/// stays as it is (as browsers and the SDKs' decoders treat it). The result must be UTF-8.
fn form_decode(text: &str) -> Result<String, WireError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                if let (Some(high), Some(low)) = (hex(i + 1), hex(i + 2)) {
                    // Two hex digits make at most 255.
                    out.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
                    i += 3;
                    continue;
                }
                out.push(b'%');
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out)
        .map_err(|_| WireError::QueryNotParams("a parameter is not UTF-8 text".into()))
}

/// A name short enough to quote in a message.
fn clip(name: &str) -> &str {
    match name.char_indices().nth(64) {
        Some((at, _)) => &name[..at],
        None => name,
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
        for nul in [
            &br#"{"Role": "a\u0000b"}"#[..],
            br#"{"A": [{"B": ["x\u0000"]}]}"#,
            br#"{"K\u0000": 1}"#,
        ] {
            assert_eq!(parse_params(nul), Err(WireError::NulInParameter), "{nul:?}");
        }
    }

    fn kind(name: &str) -> ParamKind {
        match name {
            "Limit" | "Definition" | "TimeOffsetSet" => ParamKind::Number,
            "SubTaskHasFailed" => ParamKind::Bool,
            _ => ParamKind::Text,
        }
    }

    #[test]
    fn queries_as_the_sdks_flatten_them() {
        let q = "Limit=10&Filters.0.Name=function-name&Filters.0.Values.0=MPS+Analysis&Filters.0.Values.1=%E4%BB%BB%E5%8A%A1\
                 &Task.SnapshotByTimeOffsetTaskSet.0.Definition=10&Task.SnapshotByTimeOffsetTaskSet.0.TimeOffsetSet.0=1.5\
                 &SubTaskHasFailed=True&FunctionName=123";
        assert_eq!(
            parse_query_params(q, kind).expect("parses"),
            json!({
                "Limit": 10,
                "Filters": [{"Name": "function-name", "Values": ["MPS Analysis", "任务"]}],
                "Task": {"SnapshotByTimeOffsetTaskSet": [{"Definition": 10, "TimeOffsetSet": [1.5]}]},
                "SubTaskHasFailed": true,
                "FunctionName": "123",
            })
        );
        assert_eq!(parse_query_params("", kind).expect("empty"), json!({}));
        // Not a number stays text, for the parameter's own check to refuse.
        assert_eq!(
            parse_query_params("Limit=ten&SubTaskHasFailed=maybe&A=%zz&B", kind).expect("parses"),
            json!({"Limit": "ten", "SubTaskHasFailed": "maybe", "A": "%zz", "B": ""})
        );
    }

    #[test]
    fn malformed_queries_are_refused() {
        for bad in [
            "A=1&A=2",
            "A=1&A.B=2",
            "A.B=2&A=1",
            "A..B=1",
            ".A=1",
            "L.0=a&L.2=b",
            "L.1=a",
            "L.0=a&L.00=b",
            "L.99999999999999999999999=a",
            "A=%FF",
        ] {
            assert!(
                matches!(
                    parse_query_params(bad, kind),
                    Err(WireError::QueryNotParams(_))
                ),
                "{bad}"
            );
        }
        let deep = vec!["A"; MAX_DEPTH + 1].join(".") + "=1";
        assert!(parse_query_params(&deep, kind).is_err());
        let long = format!("A={}", "x".repeat(MAX_QUERY_LEN));
        assert!(parse_query_params(&long, kind).is_err());
        assert_eq!(
            parse_query_params("A=a%00b", kind),
            Err(WireError::NulInParameter)
        );
    }
}
