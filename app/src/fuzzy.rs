//! Typo-tolerant search over short texts (template names, descriptions, tags), as the
//! console's "fuzzy search" box does it: "mps webhok" finds "MPS Webhook 模板".

/// How well `query` matches `haystack`; `None` when some query word matches nothing.
/// Each query word must match a word of the haystack exactly, as a prefix, within a small
/// edit distance, or (for CJK text) as a substring. Higher is better.
pub fn score(query: &str, haystack: &str) -> Option<u32> {
    let hay = words(haystack);
    let folded = haystack.to_lowercase();
    let mut total = 0;
    let mut any = false;
    for q in words(query) {
        any = true;
        total += hay
            .iter()
            .filter_map(|w| word_score(&q, w))
            .max()
            .or_else(|| folded.contains(q.as_str()).then_some(2))?;
    }
    any.then_some(total)
}

/// Lower-case words: runs of ASCII letters and digits, and each run of other characters
/// (CJK text has no spaces, so it stays one word and matches by substring).
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut cur_ascii = true;
    for c in text.chars().map(half_width).flat_map(char::to_lowercase) {
        let ascii_word = c.is_ascii_alphanumeric();
        let other_word = !c.is_ascii() && c.is_alphanumeric();
        let boundary = !(ascii_word || other_word) || cur_ascii != ascii_word;
        if boundary && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        if ascii_word || other_word {
            cur_ascii = ascii_word;
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The ASCII form of a full-width character (`ＭＰＳ`, as a Chinese input method in
/// full-width mode types it); other characters as they are.
fn half_width(c: char) -> char {
    match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

fn word_score(q: &str, w: &str) -> Option<u32> {
    if q == w {
        return Some(10);
    }
    if w.starts_with(q) {
        return Some(8);
    }
    if !q.is_ascii() {
        return w.contains(q).then_some(6);
    }
    let allowed = match q.chars().count() {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    };
    // Compare with the word cut to about the query's length too, so a typo in a prefix
    // ("webho" for "webhook") still counts.
    let cut: String = w.chars().take(q.chars().count()).collect();
    let d = edit_distance(q, w).min(edit_distance(q, &cut));
    (allowed > 0 && d <= allowed).then(|| 5 - d as u32)
}

/// Levenshtein distance with adjacent transpositions counted as one edit.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev2 = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                cur[j] = cur[j].min(prev2[j - 2] + 1);
            }
        }
        prev2 = std::mem::replace(&mut prev, cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const MPS: &str =
        "MPS Webhook 模板 MPS Webhook Demo template 使用云函数处理 MPS 任务回调 Nodejs8.9 MPS Webhook COS";
    const HELLO: &str =
        "helloworld 模板 Hello World Demo 最简单的 Node.js 云函数 Nodejs8.9 helloworld";

    #[test]
    fn typos_and_languages() {
        assert!(score("mps webhok", MPS).is_some());
        assert!(score("MPS Webhook 模板", MPS).is_some());
        assert!(score("wbehook", MPS).is_some(), "transposition");
        assert!(score("回调", MPS).is_some());
        assert!(score("ＭＰＳ　Ｗｅｂｈｏｏｋ", MPS).is_some(), "full-width");
        assert!(score("MPS Webhook template", MPS).is_some());
        assert!(score("webhok", HELLO).is_none());
        assert!(
            score("mps", HELLO).is_none(),
            "short words need an exact or prefix match"
        );
        assert!(score("hello", HELLO) > score("hello", MPS));
        assert_eq!(score("", MPS), None);
        assert_eq!(score("   ", MPS), None);
    }

    #[test]
    fn distances() {
        assert_eq!(edit_distance("webhok", "webhook"), 1);
        assert_eq!(edit_distance("abc", "abc"), 0);
        assert_eq!(edit_distance("ab", "ba"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
