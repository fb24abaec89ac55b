//! The search statements the emulated CLS understands: the part of CLS's syntax (CQL and
//! Lucene share it) that searching function logs uses. `field:value`, `field:"a phrase"`,
//! `field:prefix*`, `field:>n` (also `>=`, `<`, `<=`), bare words and `"phrases"` searched
//! in the whole line, `*` for everything, `AND`, `OR`, `NOT` (any case) and parentheses;
//! terms side by side are joined by `AND`. SQL analysis (`| select …`) is not emulated.

/// A parsed search statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Query {
    /// `*` or an empty statement.
    All,
    Term(Term),
    And(Vec<Query>),
    Or(Vec<Query>),
    Not(Box<Query>),
}

/// One condition: on a field, or on the whole line when `field` is `None`.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub field: Option<String>,
    pub value: Match,
}

/// What a term asks of its value.
#[derive(Debug, Clone, PartialEq)]
pub enum Match {
    /// The value (a word or a quoted phrase).
    Is(String),
    /// A value starting with this (`abc*`).
    Prefix(String),
    /// A number compared with this one.
    Compare(Cmp, f64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Gt,
    Ge,
    Lt,
    Le,
}

/// Why a statement was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryError {
    /// Not a statement of this syntax (the message says where).
    Syntax(String),
    /// `| select …`: SQL analysis, which the emulator does not run.
    Analysis,
}

/// A field value of a log line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FieldValue<'a> {
    Text(&'a str),
    Number(f64),
}

/// What a query is matched against: a log line's fields and its text.
pub trait Line {
    /// The field's value, `None` when the line has no such field.
    fn field(&self, name: &str) -> Option<FieldValue<'_>>;
    /// The line's text (what bare words search).
    fn text(&self) -> &str;
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    And,
    Or,
    Not,
    /// A term as written: an optional field and its value.
    Term(Term),
}

/// Parses a statement.
pub fn parse(statement: &str) -> Result<Query, QueryError> {
    if has_pipe(statement) {
        return Err(QueryError::Analysis);
    }
    let tokens = tokenize(statement)?;
    if tokens.is_empty() {
        return Ok(Query::All);
    }
    let mut parser = Parser {
        tokens,
        at: 0,
        depth: 0,
    };
    let query = parser.or()?;
    match parser.tokens.get(parser.at) {
        None => Ok(query),
        Some(Token::Close) => Err(syntax("a `)` closes no `(`")),
        Some(_) => Err(syntax("unexpected text after the statement")),
    }
}

fn syntax(message: &str) -> QueryError {
    QueryError::Syntax(message.to_owned())
}

/// A `|` outside quotes starts an analysis statement.
fn has_pipe(s: &str) -> bool {
    let mut quoted = false;
    let mut escaped = false;
    for c in s.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            '|' if !quoted => return true,
            _ => {}
        }
    }
    false
}

fn tokenize(s: &str) -> Result<Vec<Token>, QueryError> {
    let mut tokens = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' => {
                chars.next();
                tokens.push(Token::Open);
            }
            ')' => {
                chars.next();
                tokens.push(Token::Close);
            }
            '"' => {
                chars.next();
                let phrase = quoted(&mut chars)?;
                tokens.push(Token::Term(Term {
                    field: None,
                    value: Match::Is(phrase),
                }));
            }
            _ => {
                let mut word = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || matches!(c, '(' | ')' | '"') {
                        break;
                    }
                    word.push(c);
                    chars.next();
                }
                // `field:"a phrase"`: the quote ended the word.
                if word.ends_with(':') && chars.peek() == Some(&'"') {
                    chars.next();
                    let field = field_name(&word[..word.len() - 1])?;
                    let phrase = quoted(&mut chars)?;
                    tokens.push(Token::Term(Term {
                        field: Some(field),
                        value: Match::Is(phrase),
                    }));
                    continue;
                }
                tokens.push(match word.to_ascii_uppercase().as_str() {
                    "AND" | "&&" => Token::And,
                    "OR" | "||" => Token::Or,
                    "NOT" => Token::Not,
                    _ => Token::Term(word_term(&word)?),
                });
            }
        }
    }
    Ok(tokens)
}

/// The rest of a quoted phrase (the opening quote read); `\"` and `\\` are escapes.
fn quoted(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Result<String, QueryError> {
    let mut out = String::new();
    loop {
        match chars.next() {
            None => return Err(syntax("a quoted phrase is not closed")),
            Some('"') => return Ok(out),
            Some('\\') => match chars.next() {
                Some(c) => out.push(c),
                None => return Err(syntax("a quoted phrase is not closed")),
            },
            Some(c) => out.push(c),
        }
    }
}

fn field_name(name: &str) -> Result<String, QueryError> {
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if ok {
        Ok(name.to_owned())
    } else {
        Err(syntax(
            "a field name has letters, digits, `_`, `.` and `-` only",
        ))
    }
}

/// A word: `value`, `value*`, `field:value`, `field:value*` or `field:>n`.
fn word_term(word: &str) -> Result<Term, QueryError> {
    let (field, value) = match word.split_once(':') {
        Some((field, value)) => (Some(field_name(field)?), value),
        None => (None, word),
    };
    if value.is_empty() {
        return Err(syntax("a field has no value after `:`"));
    }
    let compare = [
        (">=", Cmp::Ge),
        ("<=", Cmp::Le),
        (">", Cmp::Gt),
        ("<", Cmp::Lt),
    ]
    .into_iter()
    .find_map(|(op, cmp)| value.strip_prefix(op).map(|n| (cmp, n)));
    let value = match compare {
        Some((cmp, n)) => match (field.is_some(), n.parse::<f64>()) {
            (true, Ok(n)) if n.is_finite() => Match::Compare(cmp, n),
            _ => return Err(syntax("a comparison takes a field and a number")),
        },
        None => match value.strip_suffix('*') {
            Some("") if field.is_none() => return Ok(star()),
            Some("") => Match::Prefix(String::new()),
            Some(prefix) => Match::Prefix(prefix.to_owned()),
            None => Match::Is(value.to_owned()),
        },
    };
    Ok(Term { field, value })
}

/// `*` alone: every line (a prefix of nothing on the text).
fn star() -> Term {
    Term {
        field: None,
        value: Match::Prefix(String::new()),
    }
}

/// How deep parentheses and NOTs may nest: the parser and the matcher recurse once per
/// level, and a statement (up to 12 KB) must not exhaust a server thread's stack.
pub const MAX_DEPTH: usize = 32;

struct Parser {
    tokens: Vec<Token>,
    at: usize,
    /// Parentheses and NOTs open around the current token.
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn or(&mut self) -> Result<Query, QueryError> {
        let mut parts = vec![self.and()?];
        while self.peek() == Some(&Token::Or) {
            self.at += 1;
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Query::Or(parts)
        })
    }

    fn and(&mut self) -> Result<Query, QueryError> {
        let mut parts = vec![self.unary()?];
        loop {
            match self.peek() {
                Some(Token::And) => {
                    self.at += 1;
                    parts.push(self.unary()?);
                }
                // Side by side: AND.
                Some(Token::Open | Token::Not | Token::Term(_)) => parts.push(self.unary()?),
                _ => break,
            }
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Query::And(parts)
        })
    }

    fn unary(&mut self) -> Result<Query, QueryError> {
        let token = self.peek().cloned();
        self.at += 1;
        let nests = matches!(token, Some(Token::Not | Token::Open));
        if nests {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return Err(syntax("parentheses and NOT nest too deeply"));
            }
        }
        let query = match token {
            Some(Token::Not) => Ok(Query::Not(Box::new(self.unary()?))),
            Some(Token::Open) => {
                let inner = self.or()?;
                if self.peek() != Some(&Token::Close) {
                    return Err(syntax("a `(` is not closed"));
                }
                self.at += 1;
                Ok(inner)
            }
            Some(Token::Term(term)) if term == star() => Ok(Query::All),
            Some(Token::Term(term)) => Ok(Query::Term(term)),
            Some(Token::And | Token::Or) => Err(syntax("AND or OR lacks a term before it")),
            Some(Token::Close) => Err(syntax("empty parentheses or a `)` too many")),
            None => Err(syntax("the statement ends after an operator")),
        };
        if nests {
            self.depth -= 1;
        }
        query
    }
}

impl Query {
    /// Whether `line` matches.
    pub fn matches(&self, line: &dyn Line) -> bool {
        match self {
            Query::All => true,
            Query::Term(term) => term.matches(line),
            Query::And(parts) => parts.iter().all(|q| q.matches(line)),
            Query::Or(parts) => parts.iter().any(|q| q.matches(line)),
            Query::Not(inner) => !inner.matches(line),
        }
    }

    /// The conditions every match must meet: the terms ANDed at the top.
    pub fn required(&self) -> Vec<&Query> {
        match self {
            Query::And(parts) => parts.iter().collect(),
            Query::All => Vec::new(),
            other => vec![other],
        }
    }
}

impl Term {
    fn matches(&self, line: &dyn Line) -> bool {
        let Some(field) = &self.field else {
            return text_contains(line.text(), &self.value);
        };
        match (line.field(field), &self.value) {
            (None, _) => false,
            (Some(FieldValue::Text(v)), Match::Is(want)) => v == want || word_in(v, want),
            (Some(FieldValue::Text(v)), Match::Prefix(p)) => {
                v.starts_with(p.as_str()) || words(v).any(|w| w.starts_with(p.as_str()))
            }
            (Some(FieldValue::Number(n)), Match::Is(want)) => want.parse::<f64>() == Ok(n),
            (Some(FieldValue::Number(n)), Match::Prefix(p)) => n.to_string().starts_with(p),
            (Some(FieldValue::Number(n)), Match::Compare(cmp, x)) => match cmp {
                Cmp::Gt => n > *x,
                Cmp::Ge => n >= *x,
                Cmp::Lt => n < *x,
                Cmp::Le => n <= *x,
            },
            (Some(FieldValue::Text(_)), Match::Compare(..)) => false,
        }
    }
}

/// Words of a text field, split where CLS's default tokenizer splits (anything but
/// letters, digits, `_` and `-`).
fn words(v: &str) -> impl Iterator<Item = &str> {
    v.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .filter(|w| !w.is_empty())
}

/// A text field holding `want` as one of its words (a phrase: as a run of them).
fn word_in(v: &str, want: &str) -> bool {
    if want.is_empty() {
        return false;
    }
    v.match_indices(want).any(|(at, _)| {
        let before = v[..at].chars().next_back();
        let after = v[at + want.len()..].chars().next();
        // The same word characters as `words`: `-` joins (a RequestId, `MPS-Analysis` are
        // one word each), which keeps a name's match its equality.
        let separates =
            |c: Option<char>| c.is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '-'));
        separates(before) && separates(after)
    })
}

/// Full-text search of a line: case-insensitive, anywhere in it.
fn text_contains(text: &str, value: &Match) -> bool {
    let needle = match value {
        Match::Is(s) | Match::Prefix(s) => s,
        Match::Compare(..) => return false,
    };
    needle.is_empty() || text.to_lowercase().contains(&needle.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    struct L(&'static str, Vec<(&'static str, FieldValue<'static>)>);

    impl Line for L {
        fn field(&self, name: &str) -> Option<FieldValue<'_>> {
            self.1.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
        }
        fn text(&self) -> &str {
            self.0
        }
    }

    fn report() -> L {
        L(
            "Report RequestId: 5f1c Duration:12.00ms",
            vec![
                (
                    "SCF_Message",
                    FieldValue::Text("Report RequestId: 5f1c Duration:12.00ms"),
                ),
                ("SCF_Type", FieldValue::Text("Platform")),
                ("SCF_RequestId", FieldValue::Text("5f1c")),
                ("SCF_FunctionName", FieldValue::Text("MPSAnalysis")),
                ("SCF_StatusCode", FieldValue::Number(200.0)),
                ("SCF_Duration", FieldValue::Number(12.0)),
            ],
        )
    }

    fn m(q: &str) -> bool {
        parse(q).expect(q).matches(&report())
    }

    #[test]
    fn fields_words_and_operators() {
        assert!(m("*"));
        assert!(m(""));
        assert!(m(
            r#"SCF_FunctionName:"MPSAnalysis" AND SCF_Type:Platform AND SCF_Message:Report*"#
        ));
        assert!(m("SCF_FunctionName:MPSAnalysis SCF_StatusCode:200"));
        assert!(!m("SCF_FunctionName:MPS"));
        assert!(m("SCF_FunctionName:MPS*"));
        assert!(m("NOT SCF_StatusCode:430"));
        assert!(!m("not SCF_StatusCode:200"));
        assert!(m("SCF_StatusCode:430 or SCF_Duration:>=12"));
        assert!(!m("SCF_Duration:>12"));
        assert!(m(
            "SCF_Duration:<12.5 AND (SCF_Type:Custom OR SCF_Type:Platform)"
        ));
        assert!(m("duration"));
        assert!(m(r#""requestid: 5f1c""#));
        assert!(!m("timeout"));
        assert!(!m("SCF_Nothing:x"));
        // A word of a text field matches; part of one does not.
        assert!(m("SCF_Message:RequestId"));
        assert!(!m("SCF_Message:Request"));
        assert!(m(r#"SCF_Message:"RequestId: 5f1c""#));
    }

    #[test]
    fn hyphens_join_words() {
        let line = L(
            "x",
            vec![("SCF_FunctionName", FieldValue::Text("MPS-Analysis"))],
        );
        let m = |q: &str| parse(q).expect("valid").matches(&line);
        assert!(m("SCF_FunctionName:MPS-Analysis"));
        assert!(!m("SCF_FunctionName:MPS"));
        assert!(!m("SCF_FunctionName:Analysis"));
        assert!(m("SCF_FunctionName:MPS*"));
    }

    #[test]
    fn escapes_in_phrases() {
        assert_eq!(
            parse(r#"SCF_Message:"a \"b\" \\c""#),
            Ok(Query::Term(Term {
                field: Some("SCF_Message".into()),
                value: Match::Is(r#"a "b" \c"#.into())
            }))
        );
    }

    #[test]
    fn top_level_conditions() {
        let q = parse("a:1 AND (b:2 OR c:3) NOT d:4").expect("valid");
        assert_eq!(q.required().len(), 3);
        assert_eq!(parse("a:1 OR b:2").expect("valid").required().len(), 1);
        assert!(parse("*").expect("valid").required().is_empty());
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        for bad in [
            "(a:1",
            "a:1)",
            "a:1 AND",
            "OR a:1",
            "NOT",
            "()",
            r#"a:"open"#,
            "a:",
            "a:>x",
            ">3",
            "bad field!:x",
        ] {
            assert!(matches!(parse(bad), Err(QueryError::Syntax(_))), "{bad}");
        }
        assert_eq!(parse("* | select count(*)"), Err(QueryError::Analysis));
        // Nesting is bounded; 12 KB of `(` is refused, not a stack overflow.
        let deep = |n: usize| format!("{}a:1{}", "(".repeat(n), ")".repeat(n));
        assert!(parse(&deep(MAX_DEPTH)).is_ok());
        assert!(matches!(
            parse(&deep(MAX_DEPTH + 1)),
            Err(QueryError::Syntax(_))
        ));
        assert!(matches!(
            parse(&"(".repeat(12 * 1024)),
            Err(QueryError::Syntax(_))
        ));
        assert!(matches!(
            parse(&"NOT ".repeat(3000)),
            Err(QueryError::Syntax(_))
        ));
        assert!(parse(&format!("{}a:1", "NOT ".repeat(MAX_DEPTH))).is_ok());
        assert!(parse(r#"SCF_Message:"a | b""#).is_ok());
    }
}
