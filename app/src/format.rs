//! Plain formatting helpers shared by server rendering and the browser.
//!
//! They must give the same text on both sides (hydration compares them), so they use a
//! fixed offset (Beijing time, as Tencent Cloud's console shows times) and nothing from
//! the machine's locale; the UI language is passed in where it matters.
use crate::i18n::Lang;

/// Formats unix seconds in Beijing time, as `YYYY-MM-DD HH:MM (UTC+8)`.
pub fn datetime(unix_secs: i64) -> String {
    format!("{} (UTC+8)", datetime_cell(unix_secs))
}

/// [`datetime`] without the zone, for a table whose column header names it
/// ([`utc8_column`]).
pub fn datetime_cell(unix_secs: i64) -> String {
    let beijing = unix_secs + 8 * 3600;
    let days = beijing.div_euclid(86_400);
    let secs = beijing.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}",
        secs / 3600,
        (secs % 3600) / 60
    )
}

/// A time column's header: its label and the zone its cells are in.
pub fn utc8_column(label: &str) -> String {
    format!("{label} (UTC+8)")
}

/// Days since 1970-01-01 to (year, month, day), after Howard Hinnant's algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// A short user-agent description such as `Chrome on Linux` (`Chrome（Linux）` in Chinese).
pub fn user_agent(ua: &str, lang: Lang) -> String {
    let browser = [
        ("Edg/", "Edge"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
        ("curl/", "curl"),
    ]
    .iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| *name);
    let os = [
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("Linux", "Linux"),
    ]
    .iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| *name);
    match (browser, os) {
        (Some(b), Some(o)) => match lang {
            Lang::En => format!("{b} on {o}"),
            Lang::Zh => format!("{b}（{o}）"),
        },
        (Some(b), None) => b.to_owned(),
        (None, Some(o)) => o.to_owned(),
        (None, None) if ua.is_empty() => match lang {
            Lang::En => "unknown".to_owned(),
            Lang::Zh => "未知".to_owned(),
        },
        (None, None) => ua.chars().take(40).collect(),
    }
}

/// Parses `YYYY-MM-DDTHH:MM` (an `<input type="datetime-local">` value) as UTC into unix
/// seconds; `None` when malformed.
pub fn parse_utc_minute(text: &str) -> Option<i64> {
    let (date, clock) = text.trim().split_once('T')?;
    let mut c = clock.splitn(3, ':').map(|p| p.parse::<i64>().ok());
    let (h, min) = (c.next()??, c.next()??);
    unix_secs(date, h, min, 0)
}

/// A cloud API time in UTC (`2026-11-30T06:35:33Z`, `2026-11-30T06:35:33.000Z`) shown as
/// Beijing time, `2026-11-30 14:35:33`, the way SCF reports its own times; anything else is
/// shown as it is.
pub fn beijing_time(iso: &str) -> String {
    let parsed = || -> Option<i64> {
        let (date, clock) = iso.trim().strip_suffix('Z')?.split_once('T')?;
        let clock = clock.split_once('.').map_or(clock, |(whole, _)| whole);
        let mut c = clock.splitn(3, ':').map(|p| p.parse::<i64>().ok());
        let (h, min, sec) = (c.next()??, c.next()??, c.next()??);
        if !(0..60).contains(&sec) {
            return None;
        }
        unix_secs(date, h, min, sec)
    };
    match parsed() {
        Some(t) => {
            let t = t + 8 * 3600;
            let (y, m, d) = civil_from_days(t.div_euclid(86_400));
            let secs = t.rem_euclid(86_400);
            format!(
                "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
                secs / 3600,
                (secs % 3600) / 60,
                secs % 60
            )
        }
        None => iso.to_owned(),
    }
}

/// `YYYY-MM-DD` and a time of day, checked, to unix seconds.
fn unix_secs(date: &str, h: i64, min: i64, sec: i64) -> Option<i64> {
    let mut d = date.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    if !(1..=12).contains(&m)
        || !(1..=31).contains(&day)
        || !(0..24).contains(&h)
        || !(0..60).contains(&min)
    {
        return None;
    }
    Some(days_from_civil(y, m, day) * 86_400 + h * 3600 + min * 60 + sec)
}

/// (year, month, day) to days since 1970-01-01, after Howard Hinnant's algorithm.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Percent-encodes `text` for a URL query value (RFC 3986 unreserved characters stay).
pub fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_epoch_and_leap_day() {
        assert_eq!(datetime(0), "1970-01-01 08:00 (UTC+8)");
        assert_eq!(datetime(951_782_400 - 8 * 3600), "2000-02-29 00:00 (UTC+8)");
        assert_eq!(datetime(1_795_570_290), "2026-11-25 09:31 (UTC+8)");
        assert_eq!(datetime(-8 * 3600 - 1), "1969-12-31 23:59 (UTC+8)");
    }

    #[test]
    fn describes_user_agents() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";
        assert_eq!(user_agent(chrome, Lang::En), "Chrome on Linux");
        assert_eq!(user_agent(chrome, Lang::Zh), "Chrome（Linux）");
        assert_eq!(user_agent("curl/8.0", Lang::En), "curl");
        assert_eq!(user_agent("", Lang::En), "unknown");
        assert_eq!(user_agent("", Lang::Zh), "未知");
    }

    #[test]
    fn datetime_local_round_trips() {
        assert_eq!(parse_utc_minute("1970-01-01T00:00"), Some(0));
        let t = parse_utc_minute("2026-11-25T07:29").expect("valid");
        assert_eq!(datetime(t), "2026-11-25 15:29 (UTC+8)");
        assert_eq!(datetime(t + 9 * 3600), "2026-11-26 00:29 (UTC+8)");
        assert_eq!(parse_utc_minute("2026-13-01T00:00"), None);
        assert_eq!(parse_utc_minute("garbage"), None);
        assert_eq!(parse_utc_minute(""), None);
    }

    #[test]
    fn cloud_times_show_in_beijing_time() {
        assert_eq!(beijing_time("2026-11-30T06:35:33Z"), "2026-11-30 14:35:33");
        assert_eq!(
            beijing_time("2026-12-31T20:00:05.000Z"),
            "2027-01-01 04:00:05"
        );
        // MPS's "not finished" time and anything unparsed stay as they are.
        assert_eq!(beijing_time("0000-00-00T00:00:00Z"), "0000-00-00T00:00:00Z");
        assert_eq!(beijing_time("2026-11-30 14:35:33"), "2026-11-30 14:35:33");
        assert_eq!(beijing_time("2026-11-30T06:35:61Z"), "2026-11-30T06:35:61Z");
    }
}
