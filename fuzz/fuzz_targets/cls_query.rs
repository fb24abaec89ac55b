//! Arbitrary text as a CLS search statement (the emulated `SearchLog`'s `QueryString`):
//! parsing must never panic, and what parses must match a log line without panicking.
#![no_main]

use cloud_wire::cls_query::{parse, FieldValue, Line, QueryError};
use libfuzzer_sys::fuzz_target;

struct Report;

impl Line for Report {
    fn field(&self, name: &str) -> Option<FieldValue<'_>> {
        match name {
            "SCF_Message" => Some(FieldValue::Text(self.text())),
            "SCF_Type" => Some(FieldValue::Text("Platform")),
            "SCF_StatusCode" => Some(FieldValue::Number(200.0)),
            "SCF_Duration" => Some(FieldValue::Number(12.0)),
            _ => None,
        }
    }

    fn text(&self) -> &str {
        "Report RequestId: 5f1c Duration:12.00ms 任务 ß"
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(statement) = std::str::from_utf8(data) else {
        return;
    };
    match parse(statement) {
        Ok(query) => {
            let _ = query.matches(&Report);
            // NOT q is the opposite of q on any line.
            let negated = parse(&format!("NOT ({statement})"));
            if let Ok(negated) = negated {
                assert_ne!(
                    negated.matches(&Report),
                    query.matches(&Report),
                    "{statement}"
                );
            }
            for part in query.required() {
                let _ = part.matches(&Report);
            }
        }
        Err(QueryError::Syntax(why)) => assert!(!why.is_empty()),
        Err(QueryError::Analysis) => assert!(statement.contains('|')),
    }
});
