//! Text from repositories is untrusted bytes: classify it (scripts, line
//! endings) and display it safely.

use serde::Serialize;

/// Line endings used in a commit message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LineEndings {
    None,
    Lf,
    Crlf,
    Mixed,
}

impl LineEndings {
    pub fn name(self) -> &'static str {
        match self {
            LineEndings::None => "none",
            LineEndings::Lf => "lf",
            LineEndings::Crlf => "crlf",
            LineEndings::Mixed => "mixed",
        }
    }
}

/// Lowercase hex of bytes (a commit id as git prints it).
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// A commit id abbreviated as reports show it: 12 hex digits.
pub fn short_hex(id: &[u8]) -> String {
    hex(&id[..id.len().min(6)])
}

pub fn line_endings(message: &[u8]) -> LineEndings {
    let mut lf = 0usize;
    let mut crlf = 0usize;
    for (i, &b) in message.iter().enumerate() {
        if b == b'\n' {
            if i > 0 && message[i - 1] == b'\r' {
                crlf += 1;
            } else {
                lf += 1;
            }
        }
    }
    match (lf, crlf) {
        (0, 0) => LineEndings::None,
        (_, 0) => LineEndings::Lf,
        (0, _) => LineEndings::Crlf,
        _ => LineEndings::Mixed,
    }
}

/// Unicode scripts we report. A compact table of the blocks that matter for
/// the language signals; anything else non-Latin is `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Script {
    Latin,
    Cyrillic,
    Greek,
    Han,
    Hangul,
    Kana,
    Arabic,
    Hebrew,
    Thai,
    Devanagari,
    Other,
}

pub const SCRIPT_COUNT: usize = 11;

impl Script {
    pub const ALL: [Script; SCRIPT_COUNT] = [
        Script::Latin,
        Script::Cyrillic,
        Script::Greek,
        Script::Han,
        Script::Hangul,
        Script::Kana,
        Script::Arabic,
        Script::Hebrew,
        Script::Thai,
        Script::Devanagari,
        Script::Other,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Script::Latin => "latin",
            Script::Cyrillic => "cyrillic",
            Script::Greek => "greek",
            Script::Han => "han",
            Script::Hangul => "hangul",
            Script::Kana => "kana",
            Script::Arabic => "arabic",
            Script::Hebrew => "hebrew",
            Script::Thai => "thai",
            Script::Devanagari => "devanagari",
            Script::Other => "other",
        }
    }

    pub fn of(c: char) -> Option<Script> {
        let u = c as u32;
        Some(match u {
            0x41..=0x5A | 0x61..=0x7A | 0xC0..=0x24F | 0x1E00..=0x1EFF => Script::Latin,
            0x370..=0x3FF | 0x1F00..=0x1FFF => Script::Greek,
            0x400..=0x52F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => Script::Cyrillic,
            0x590..=0x5FF | 0xFB1D..=0xFB4F => Script::Hebrew,
            0x600..=0x6FF | 0x750..=0x77F | 0x8A0..=0x8FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => {
                Script::Arabic
            }
            0x900..=0x97F => Script::Devanagari,
            0xE00..=0xE7F => Script::Thai,
            0x1100..=0x11FF
            | 0x3130..=0x318F
            | 0xA960..=0xA97F
            | 0xAC00..=0xD7AF
            | 0xD7B0..=0xD7FF => Script::Hangul,
            0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => Script::Kana,
            0x2E80..=0x2FDF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xF900..=0xFAFF
            | 0x20000..=0x3FFFF => Script::Han,
            // Punctuation, digits, symbols, emoji: no script.
            0..=0x2FF => return None,
            0x2000..=0x2BFF | 0x3000..=0x303F | 0xFE00..=0xFE0F | 0xFF00..=0xFF65 => return None,
            0x1F000..=0x1FAFF => return None,
            _ => Script::Other,
        })
    }
}

/// Bit set of the scripts seen in a text.
pub fn scripts_in(bytes: &[u8]) -> u16 {
    if bytes.is_ascii() {
        return if bytes.iter().any(u8::is_ascii_alphabetic) {
            1 << Script::Latin as u16
        } else {
            0
        };
    }
    let mut set = 0u16;
    for c in String::from_utf8_lossy(bytes).chars() {
        if c == char::REPLACEMENT_CHARACTER {
            continue;
        }
        if let Some(s) = Script::of(c) {
            set |= 1 << s as u16;
        }
    }
    set
}

/// Is this a character that can change how surrounding text is displayed
/// (bidi overrides and isolates, zero-width joiners are left alone)?
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Is this a character that shows nothing (zero-width spaces and joiners,
/// word joiners and invisible operators, the byte-order mark, soft hyphens,
/// Hangul fillers, tag characters, line and paragraph separators)? Two
/// names that differ only by one look the same, and one can hide a word.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200D}' | '\u{2028}' | '\u{2029}'
        | '\u{2060}'..='\u{2064}' | '\u{206A}'..='\u{206F}' | '\u{3164}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF9}'..='\u{FFFB}' | '\u{E0000}'..='\u{E007F}')
}

/// Make untrusted bytes safe for a terminal, markdown table or CSV cell:
/// lossy UTF-8, control characters, bidi controls and invisible characters
/// shown as `\u{..}` escapes, and at most `max_chars` characters with a `…` marker.
pub fn display_safe(bytes: &[u8], max_chars: usize) -> String {
    let lossy = String::from_utf8_lossy(bytes);
    let mut out = String::with_capacity(lossy.len().min(max_chars.saturating_mul(2)));
    for (count, c) in lossy.chars().enumerate() {
        if count >= max_chars {
            out.push('…');
            break;
        }
        if c.is_control() || is_bidi_control(c) || is_invisible(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Text for markdown (GitHub job summaries, tickets): controls, bidi
/// overrides and invisible characters neutralised as in [`display_safe`],
/// then every character that markdown or inline HTML would interpret
/// escaped, so a name cannot become a link, an image, a table cell break or
/// a tag. GitHub's renderer (cmark-gfm) turns `www.` names into links unless
/// the dot is escaped, and addresses (also `mailto:` and `xmpp:`) even with
/// every character escaped, because it finds them in text already
/// unescaped: an empty HTML comment after `@` splits the text so that no
/// address is found, and renders as nothing.
pub fn markdown_safe(bytes: &[u8], max_chars: usize) -> String {
    let safe = display_safe(bytes, max_chars);
    let mut out = String::with_capacity(safe.len() + 8);
    for c in safe.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '@' => out.push_str("@<!-- -->"),
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '(' | ')' | '#' | '!' | '|' | '~'
            | ':' | '$' | '.' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Text of a SARIF message: neutralised as in [`display_safe`], with `\`,
/// `[` and `]` escaped, since viewers read `[text](target)` in a message's
/// text as a link (SARIF 2.1.0, 3.11.6).
pub fn sarif_safe(bytes: &[u8], max_chars: usize) -> String {
    let safe = display_safe(bytes, max_chars);
    let mut out = String::with_capacity(safe.len() + 4);
    for c in safe.chars() {
        if matches!(c, '\\' | '[' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Lossy UTF-8 for structured outputs (JSON, SARIF): the serializer escapes
/// control characters; we only bound the length.
pub fn lossy_bounded(bytes: &[u8], max_chars: usize) -> String {
    let lossy = String::from_utf8_lossy(bytes);
    if lossy.chars().count() <= max_chars {
        return lossy.into_owned();
    }
    let mut s: String = lossy.chars().take(max_chars).collect();
    s.push('…');
    s
}

/// How many characters of repository text each place shows before it is cut
/// with "…". Every string read from a repository is bounded; the bounds are
/// listed here so that they can be reviewed in one place.
pub mod limit {
    /// A name or email as reports carry it (JSON, CSV), before escaping.
    pub const NAME_STORED: usize = 200;
    /// A name heading a result (SARIF, GitLab, the HTML overview,
    /// `identities`, the accepted-findings file).
    pub const NAME: usize = 80;
    /// A name inside a line (finding lines, peers, markdown tables).
    pub const NAME_IN_LINE: usize = 60;
    /// A name, id or location in a narrow table column.
    pub const CELL: usize = 40;
    /// The claimed location column of the terminal table.
    pub const LOCATION_CELL: usize = 30;
    /// A claimed location in a contributor's details.
    pub const LOCATION: usize = 60;
    /// A heading or label: a contributor card's name, a claim's source.
    pub const HEADING: usize = 120;
    /// A repository path, a roster source, an email list.
    pub const PATH: usize = 200;
    /// A repository path inside a line.
    pub const PATH_IN_LINE: usize = 80;
    /// A revision range as typed.
    pub const RANGE: usize = 100;
    /// Why a history is incomplete or too little to judge; why a finding was accepted.
    pub const REASON: usize = 300;
    /// A finding's summary in a line of the terminal or markdown report.
    pub const SUMMARY: usize = 400;
    /// A finding's summary in an overview row.
    pub const SUMMARY_IN_ROW: usize = 160;
    /// A finding's summary where it is the whole message (SARIF, GitLab, HTML).
    pub const SUMMARY_FULL: usize = 600;
    /// One CSV cell.
    pub const CSV_CELL: usize = 500;
    /// A word the tool wrote (command, version), escaped all the same.
    pub const WORD: usize = 20;
    /// `YYYY-MM-DD`.
    pub const DATE: usize = 10;
    /// A finding's evidence on one line (`show`).
    pub const EVIDENCE_LINE: usize = 2000;
    /// A warning line.
    pub const WARNING_LINE: usize = 4096;
}

/// "1 commit", "2 commits": a count with the word that agrees with it.
pub fn count(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endings() {
        assert_eq!(line_endings(b"a\nb\n"), LineEndings::Lf);
        assert_eq!(line_endings(b"a\r\nb\r\n"), LineEndings::Crlf);
        assert_eq!(line_endings(b"a\r\nb\n"), LineEndings::Mixed);
        assert_eq!(line_endings(b"a"), LineEndings::None);
    }

    #[test]
    fn scripts() {
        let set = scripts_in("Fix 버그 in ядро 修正".as_bytes());
        for s in [Script::Latin, Script::Hangul, Script::Cyrillic, Script::Han] {
            assert!(set & (1 << s as u16) != 0, "{s:?}");
        }
        assert_eq!(scripts_in(b"1234 -- !"), 0);
        assert_eq!(scripts_in(b"\xff\xfe"), 0);
    }

    #[test]
    fn safe_display() {
        let s = display_safe(b"evil\x1b[31mred\xe2\x80\xaeabc", 100);
        assert!(!s.contains('\x1b'));
        assert!(!s.contains('\u{202e}'));
        assert!(s.contains("\\u{1b}"));
        assert_eq!(display_safe("ab".repeat(10).as_bytes(), 5), "ababa…");
        assert_eq!(display_safe(b"\xffok", 10), "\u{fffd}ok");
        assert_eq!(
            display_safe("ad\u{200b}min\u{feff}".as_bytes(), 20),
            "ad\\u{200b}min\\u{feff}"
        );
        assert_eq!(display_safe("a\u{e0041}".as_bytes(), 20), "a\\u{e0041}");
    }

    #[test]
    fn markdown_and_sarif_text_carry_no_links() {
        assert_eq!(
            markdown_safe(b"www.evil.example", 100),
            "www\\.evil\\.example"
        );
        assert_eq!(markdown_safe(b"xmpp:a@b.c", 100), "xmpp\\:a@<!-- -->b\\.c");
        assert_eq!(
            sarif_safe(b"[click](https://x)", 100),
            "\\[click\\](https://x)"
        );
    }
}
