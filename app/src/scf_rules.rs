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

/// Environment variables the platform sets itself, or that steer the runtime rather than
/// the function (`NODE_OPTIONS` can make Node.js load any code, `LD_PRELOAD` any library):
/// a function may not set them.
pub fn reserved_variable(key: &str) -> bool {
    ["SCF_", "TENCENTCLOUD_", "NODE_", "LD_", "_"]
        .iter()
        .any(|prefix| key.starts_with(prefix))
        || ["QCLOUD_APPID", "PATH", "HOME"].contains(&key)
}

/// Whether `key` is a variable name: a letter, then letters, digits and `_`, at most 64.
pub fn variable_key_ok(key: &str) -> bool {
    key.len() <= 64
        && key.starts_with(|c: char| c.is_ascii_alphabetic())
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Why `role` cannot be a CAM role name, as an i18n key under `err.`; blank means none.
/// CAM allows letters, digits and `+=,.@_-`, 1 to 128 characters.
pub fn role_problem(role: &str) -> Option<&'static str> {
    let ok = role.len() <= 128
        && role
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b));
    (!ok).then_some("role_invalid")
}

/// Whether well-formed variable lines leave out `key` (badly formed ones are left to
/// [`parse_variables`]'s own error).
pub fn lacks_variable(text: &str, key: &str) -> bool {
    parse_variables(text).is_ok_and(|vars| !vars.iter().any(|(k, _)| k == key))
}

/// A control character, or one that changes how the text around it shows without
/// showing itself: direction overrides and isolates (a name could read backwards),
/// zero-width spaces and joiners of words, the byte-order mark, the soft hyphen. The
/// zero-width (non-)joiner are not: scripts and emoji need them.
pub fn hidden_char(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}' | '\u{200E}' | '\u{200F}'
            | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}')
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
        if !variable_key_ok(key) {
            return Err((i + 1, "variable_key_invalid"));
        }
        if out.iter().any(|(k, _)| k == key) {
            return Err((i + 1, "variable_duplicate"));
        }
        // The cloud takes them, but a value could then show as other text than it is.
        if value.chars().any(hidden_char) {
            return Err((i + 1, "variable_value_chars"));
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
    fn variable_values_show_as_they_are() {
        assert!(parse_variables("A=a b\nB=中文 ✓").is_ok());
        for bad in ["A=a\u{1}b", "A=\u{202E}evil", "A=x\u{200B}y", "A=\u{2067}x"] {
            assert_eq!(
                parse_variables(bad),
                Err((1, "variable_value_chars")),
                "{bad:?}"
            );
        }
        assert_eq!(
            parse_variables("A=1\nB=\u{7f}"),
            Err((2, "variable_value_chars"))
        );
    }

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
        for reserved in [
            "NODE_OPTIONS=--import=x",
            "LD_PRELOAD=/x.so",
            "PATH=/x",
            "_X=1",
        ] {
            assert_eq!(
                parse_variables(reserved),
                Err((1, "variable_reserved")),
                "{reserved}"
            );
        }
        for bad in ["1KEY=v", "KEY WITH SPACE=1", "KÉY=1", "A-B=1"] {
            assert_eq!(
                parse_variables(bad),
                Err((1, "variable_key_invalid")),
                "{bad}"
            );
        }
        assert_eq!(role_problem(""), None);
        assert_eq!(role_problem("SCF_QcsRole"), None);
        assert_eq!(role_problem("bad role!"), Some("role_invalid"));
        assert_eq!(role_problem(&"r".repeat(129)), Some("role_invalid"));
        assert_eq!(
            parse_variables(&format!("A={}", "x".repeat(5000))),
            Err((0, "variables_too_big"))
        );
    }
}
