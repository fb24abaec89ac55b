//! SCF's validation rules, shared by the forms (live validation), the console's server
//! functions and the emulator, so all three agree. Source: the project's API reference.

/// Memory sizes SCF accepts, in MB: 64, then 128 to 3072 in steps of 128.
pub fn memory_ok(mb: i64) -> bool {
    mb == 64 || ((128..=3072).contains(&mb) && mb % 128 == 0)
}

/// Every memory size the form offers.
pub fn memory_choices() -> Vec<i64> {
    std::iter::once(64)
        .chain((1..=24).map(|i| i * 128))
        .collect()
}

/// Timeouts SCF accepts, in seconds.
pub fn timeout_ok(secs: i64) -> bool {
    (1..=900).contains(&secs)
}

/// Why a description breaks SCF's rules, as an i18n key under `err.`; `None` when valid.
/// At most 1000 characters: letters (Chinese too), digits, space, comma, newline, period
/// (the Chinese comma and full stop as well).
pub fn description_problem(text: &str) -> Option<&'static str> {
    if text.chars().count() > 1000 {
        return Some("description_too_long");
    }
    let allowed =
        |c: char| c.is_alphanumeric() || matches!(c, ' ' | ',' | '\n' | '.' | '，' | '。');
    (!text.chars().all(allowed)).then_some("description_chars")
}

/// Why a function name breaks SCF's rules, as an i18n key under `err.`; `None` when valid.
/// 2–60 characters: letters, digits, `-` and `_`, starting with a letter and ending with
/// a letter or digit.
pub fn function_name_problem(name: &str) -> Option<&'static str> {
    let bytes = name.as_bytes();
    if name.is_empty() {
        Some("required")
    } else if !(2..=60).contains(&bytes.len()) {
        Some("function_name_length")
    } else if !bytes[0].is_ascii_alphabetic() {
        Some("function_name_start")
    } else if !bytes
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
    {
        Some("function_name_chars")
    } else if !bytes.last().is_some_and(u8::is_ascii_alphanumeric) {
        Some("function_name_end")
    } else {
        None
    }
}

/// Environment variables the platform sets itself and will not let a function override.
pub fn reserved_variable(key: &str) -> bool {
    key.starts_with("SCF_") || key.starts_with("TENCENTCLOUD_") || key == "QCLOUD_APPID"
}

/// Parses `KEY=VALUE` lines (blank lines skipped) into variables. The error names the
/// first bad line (1-based) and an i18n key under `err.`.
pub fn parse_variables(text: &str) -> Result<Vec<(String, String)>, (usize, &'static str)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            return Err((i + 1, "variable_format"));
        };
        let (key, value) = (key.trim(), value.trim());
        if key.is_empty() || value.is_empty() {
            return Err((i + 1, "variable_format"));
        }
        if reserved_variable(key) {
            return Err((i + 1, "variable_reserved"));
        }
        if out.iter().any(|(k, _)| k == key) {
            return Err((i + 1, "variable_duplicate"));
        }
        out.push((key.to_owned(), value.to_owned()));
    }
    if out.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>() > 4096 {
        return Err((0, "variables_too_big"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions() {
        assert_eq!(
            description_problem("MPS callbacks, v2.\n使用云函数，处理回调。"),
            None
        );
        assert_eq!(description_problem("a: b"), Some("description_chars"));
        assert_eq!(
            description_problem("（快速配置）"),
            Some("description_chars")
        );
        assert_eq!(
            description_problem(&"a".repeat(1001)),
            Some("description_too_long")
        );
    }

    #[test]
    fn function_names() {
        assert_eq!(function_name_problem("MPSAnalysis"), None);
        assert_eq!(function_name_problem("a1"), None);
        assert_eq!(function_name_problem(""), Some("required"));
        assert_eq!(function_name_problem("a"), Some("function_name_length"));
        assert_eq!(
            function_name_problem(&"a".repeat(61)),
            Some("function_name_length")
        );
        assert_eq!(function_name_problem("1abc"), Some("function_name_start"));
        assert_eq!(function_name_problem("ab c"), Some("function_name_chars"));
        assert_eq!(function_name_problem("名字ab"), Some("function_name_start"));
        assert_eq!(function_name_problem("abc-"), Some("function_name_end"));
    }

    #[test]
    fn memory_and_timeout() {
        assert!(memory_choices().into_iter().all(memory_ok));
        assert_eq!(memory_choices().len(), 25);
        assert!(!memory_ok(100) && !memory_ok(3200) && !memory_ok(0));
        assert!(timeout_ok(1) && timeout_ok(900) && !timeout_ok(0) && !timeout_ok(901));
    }

    #[test]
    fn variables() {
        assert_eq!(
            parse_variables("A=1\n\n B = two \n"),
            Ok(vec![("A".into(), "1".into()), ("B".into(), "two".into())])
        );
        assert_eq!(parse_variables("A"), Err((1, "variable_format")));
        assert_eq!(parse_variables("A=1\nA=2"), Err((2, "variable_duplicate")));
        assert_eq!(parse_variables("SCF_X=1"), Err((1, "variable_reserved")));
        assert_eq!(
            parse_variables(&format!("A={}", "x".repeat(5000))),
            Err((0, "variables_too_big"))
        );
    }
}
