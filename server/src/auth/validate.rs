//! Input rules for accounts and teams, each giving the field and i18n code of its
//! problem.
use app::error::AppError;

/// A trimmed, plausible email address.
///
/// # Errors
/// `Invalid` on `field` with `email_invalid`.
pub fn email(field: &str, value: &str) -> Result<String, AppError> {
    let value = value.trim();
    let ok = value.len() <= 254
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
        && match value.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            }
            None => false,
        };
    if ok {
        Ok(value.to_owned())
    } else {
        Err(AppError::invalid(field, "email_invalid"))
    }
}

/// A trimmed name of 1 to 64 characters (display names, team names), without control
/// or invisible characters.
///
/// # Errors
/// `Invalid` on `field` with `name_required`, `name_chars` or `name_too_long`.
pub fn name(field: &str, value: &str) -> Result<String, AppError> {
    let value = value.trim();
    if value.is_empty() {
        Err(AppError::invalid(field, "name_required"))
    } else if value.chars().any(app::scf_rules::hidden_char) {
        Err(AppError::invalid(field, "name_chars"))
    } else if value.chars().count() > 64 {
        Err(AppError::invalid(field, "name_too_long"))
    } else {
        Ok(value.to_owned())
    }
}

/// A new password: 10 to 128 characters, not all of them spaces.
///
/// # Errors
/// `Invalid` on `password` with `password_too_short`, `password_too_long` or
/// `password_blank`.
pub fn new_password(value: &str) -> Result<(), AppError> {
    match value.chars().count() {
        n if n < 10 => Err(AppError::invalid("password", "password_too_short")),
        n if n > 128 => Err(AppError::invalid("password", "password_too_long")),
        _ if value.trim().is_empty() => Err(AppError::invalid("password", "password_blank")),
        _ => Ok(()),
    }
}

pub use app::error::outcome;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            email("email", " Ann@Example.com ").as_deref(),
            Ok("Ann@Example.com")
        );
        for bad in [
            "",
            "ann",
            "ann@",
            "@x.com",
            "ann@x",
            "a b@x.com",
            "a@b@c.com",
            "a@.com",
        ] {
            assert!(email("email", bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn names_and_passwords() {
        assert_eq!(name("n", "  Media team ").as_deref(), Ok("Media team"));
        assert!(name("n", "   ").is_err());
        assert!(name("n", &"x".repeat(65)).is_err());
        for hidden in [
            "a\u{0}b",
            "\u{202E}evil",
            "a\u{200B}b",
            "\u{2067}x",
            "x\u{FEFF}",
        ] {
            assert_eq!(
                name("n", hidden),
                Err(AppError::invalid("n", "name_chars")),
                "{hidden:?}"
            );
        }
        assert!(name("n", "👩\u{200D}💻 team").is_ok());
        assert_eq!(
            name("n", &"视".repeat(64)).map(|s| s.chars().count()),
            Ok(64)
        );
        assert!(new_password("short").is_err());
        assert!(new_password("long enough!").is_ok());
        assert!(new_password(&"p".repeat(129)).is_err());
        assert_eq!(
            new_password(&" ".repeat(12)),
            Err(AppError::invalid("password", "password_blank"))
        );
        assert!(new_password("  spaced out  ").is_ok());
    }
}
