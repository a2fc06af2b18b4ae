//! Raw commit parsing of our own.
//!
//! gix and libgit2 both normalise malformed identity lines (an author offset of
//! `+051800` becomes `+05:18` or `+0000`), which would erase exactly the tooling
//! fingerprints we look for. So we parse the raw commit object ourselves,
//! following git's own `split_ident_line` rules, and keep what was written.

use gix::ObjectId;

use crate::text::{LineEndings, line_endings};

/// A UTC offset as written in an ident line, plus what we made of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offset {
    /// A well-formed `[+-]HHMM` with minutes < 60 and |offset| <= 14:00 (minutes east of UTC).
    Valid(i16),
    /// `-0000`: RFC 2822's "local offset unknown". git writes it only when told to.
    NegativeZero,
    /// Anything else: wrong length, junk, out of range (`+051800`, `+9999`).
    Invalid,
}

impl Offset {
    pub fn minutes(self) -> Option<i16> {
        match self {
            Offset::Valid(m) => Some(m),
            Offset::NegativeZero => Some(0),
            Offset::Invalid => None,
        }
    }

    /// Parse the text after the timestamp, as written.
    pub fn parse(raw: &[u8]) -> Offset {
        if raw.len() != 5 {
            return Offset::Invalid;
        }
        let sign = match raw[0] {
            b'+' => 1i32,
            b'-' => -1i32,
            _ => return Offset::Invalid,
        };
        if !raw[1..].iter().all(u8::is_ascii_digit) {
            return Offset::Invalid;
        }
        let d = |i: usize| (raw[i] - b'0') as i32;
        let hours = d(1) * 10 + d(2);
        let minutes = d(3) * 10 + d(4);
        if minutes >= 60 || hours > 14 || (hours == 14 && minutes > 0) {
            return Offset::Invalid;
        }
        let total = sign * (hours * 60 + minutes);
        if sign < 0 && total == 0 {
            return Offset::NegativeZero;
        }
        Offset::Valid(total as i16)
    }
}

/// Why an ident line is something git itself would not write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentProblem {
    /// No `<` or no `>`: git's `split_ident_line` fails.
    NoEmail,
    /// No timestamp after the email.
    NoTimestamp,
    /// Timestamp not a plain decimal number, or beyond year 9999.
    BadTimestamp,
    /// Offset missing, malformed or out of range.
    BadOffset,
    /// More than one `<...>` on the line (`A <a@x>, B <b@y>`).
    ExtraBrackets,
}

/// One author or committer line, borrowed from the raw object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident<'a> {
    pub name: &'a [u8],
    pub email: &'a [u8],
    /// Seconds since the epoch; 0 when missing or unparseable (see `problem`).
    pub seconds: i64,
    /// The offset text exactly as written (may be empty).
    pub offset_raw: &'a [u8],
    pub offset: Offset,
    pub problem: Option<IdentProblem>,
}

/// Latest instant we accept as a real timestamp (9999-12-31T23:59:59Z).
const MAX_SECONDS: i64 = 253_402_300_799;

impl<'a> Ident<'a> {
    /// Parse an ident line the way git's `split_ident_line` does: the name runs
    /// to the first `<`, the email to the first `>` after it, and the date
    /// follows the *last* `>` on the line.
    pub fn parse(line: &'a [u8]) -> Ident<'a> {
        let mut ident = Ident {
            name: b"",
            email: b"",
            seconds: 0,
            offset_raw: b"",
            offset: Offset::Invalid,
            problem: None,
        };
        let Some(lt) = line.iter().position(|&b| b == b'<') else {
            ident.name = trim(line);
            ident.problem = Some(IdentProblem::NoEmail);
            return ident;
        };
        ident.name = trim(&line[..lt]);
        let Some(gt_rel) = line[lt + 1..].iter().position(|&b| b == b'>') else {
            ident.email = &line[lt + 1..];
            ident.problem = Some(IdentProblem::NoEmail);
            return ident;
        };
        ident.email = &line[lt + 1..lt + 1 + gt_rel];
        let last_gt = line
            .iter()
            .rposition(|&b| b == b'>')
            .unwrap_or(lt + 1 + gt_rel);
        if last_gt != lt + 1 + gt_rel {
            ident.problem = Some(IdentProblem::ExtraBrackets);
        }
        let rest = trim_start(&line[last_gt + 1..]);
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 {
            ident.problem = ident.problem.or(Some(if rest.is_empty() {
                IdentProblem::NoTimestamp
            } else {
                IdentProblem::BadTimestamp
            }));
            return ident;
        }
        match std::str::from_utf8(&rest[..digits])
            .ok()
            .and_then(|s| s.parse::<i64>().ok())
            .filter(|&s| s <= MAX_SECONDS)
        {
            Some(s) => ident.seconds = s,
            None => {
                ident.problem = ident.problem.or(Some(IdentProblem::BadTimestamp));
            }
        }
        let after = &rest[digits..];
        if !after.is_empty() && !after[0].is_ascii_whitespace() {
            ident.problem = ident.problem.or(Some(IdentProblem::BadTimestamp));
        }
        ident.offset_raw = trim(after);
        ident.offset = Offset::parse(ident.offset_raw);
        if ident.offset == Offset::Invalid {
            ident.problem = ident.problem.or(Some(IdentProblem::BadOffset));
        }
        ident
    }

    /// Offset in minutes when it could be read; `None` for invalid offsets.
    pub fn offset_minutes(&self) -> Option<i16> {
        self.offset.minutes()
    }
}

/// Kind of signature carried in a `gpgsig` / `gpgsig-sha256` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SignatureKind {
    OpenPgp,
    Ssh,
    X509,
    Unknown,
}

impl SignatureKind {
    pub fn name(self) -> &'static str {
        match self {
            SignatureKind::OpenPgp => "openpgp",
            SignatureKind::Ssh => "ssh",
            SignatureKind::X509 => "x509",
            SignatureKind::Unknown => "unknown",
        }
    }

    fn from_armor(first_line: &[u8]) -> SignatureKind {
        if first_line.starts_with(b"-----BEGIN PGP SIGNATURE") {
            SignatureKind::OpenPgp
        } else if first_line.starts_with(b"-----BEGIN SSH SIGNATURE") {
            SignatureKind::Ssh
        } else if first_line.starts_with(b"-----BEGIN SIGNED MESSAGE")
            || first_line.starts_with(b"-----BEGIN CMS")
            || first_line.starts_with(b"-----BEGIN PKCS7")
        {
            SignatureKind::X509
        } else {
            SignatureKind::Unknown
        }
    }
}

/// Everything we read from one raw commit object. Borrowed; the walker turns it
/// into a compact record and aggregates the rest immediately.
#[derive(Debug, Clone)]
pub struct CommitFacts<'a> {
    pub tree: Option<&'a [u8]>,
    /// Parent ids as hex text (as written).
    pub parents: Vec<&'a [u8]>,
    pub author: Option<Ident<'a>>,
    pub committer: Option<Ident<'a>>,
    pub encoding: Option<&'a [u8]>,
    pub signature: Option<SignatureKind>,
    /// The whole `gpgsig` value, continuation lines included (as written).
    pub signature_text: Option<&'a [u8]>,
    pub mergetag: bool,
    /// Header names git does not write itself (kept for fingerprints).
    pub unknown_headers: Vec<&'a [u8]>,
    /// The whole message (after the blank line).
    pub message: &'a [u8],
}

const KNOWN_HEADERS: &[&[u8]] = &[
    b"tree",
    b"parent",
    b"author",
    b"committer",
    b"encoding",
    b"gpgsig",
    b"gpgsig-sha256",
    b"mergetag",
];

impl<'a> CommitFacts<'a> {
    /// Parse a raw commit object (the bytes after the object header).
    /// Never fails: malformed input yields missing fields and problems.
    pub fn parse(data: &'a [u8]) -> CommitFacts<'a> {
        let mut facts = CommitFacts {
            tree: None,
            parents: Vec::new(),
            author: None,
            committer: None,
            encoding: None,
            signature: None,
            signature_text: None,
            mergetag: false,
            unknown_headers: Vec::new(),
            message: b"",
        };
        let mut pos = 0;
        let mut sig_start: Option<usize> = None;
        // The header block ends at the first empty line.
        while pos < data.len() {
            let end = memchr(b'\n', &data[pos..]).map_or(data.len(), |i| pos + i);
            let line = &data[pos..end];
            let next = (end + 1).min(data.len());
            if line.is_empty() {
                pos = next;
                facts.message = &data[pos.min(data.len())..];
                return facts;
            }
            if line[0] == b' ' {
                // Continuation of a multi-line header (gpgsig, mergetag).
                if let Some(start) = sig_start {
                    facts.signature_text = Some(&data[start..end]);
                }
                pos = next;
                continue;
            }
            sig_start = None;
            let (key, value) = match memchr(b' ', line) {
                Some(i) => (&line[..i], &line[i + 1..]),
                None => (line, &b""[..]),
            };
            match key {
                b"tree" => facts.tree = Some(value),
                b"parent" => facts.parents.push(value),
                b"author" if facts.author.is_none() => facts.author = Some(Ident::parse(value)),
                b"committer" if facts.committer.is_none() => {
                    facts.committer = Some(Ident::parse(value))
                }
                b"encoding" => facts.encoding = Some(value),
                b"gpgsig" | b"gpgsig-sha256" => {
                    facts.signature = Some(SignatureKind::from_armor(value));
                    let start = pos + key.len() + 1;
                    facts.signature_text = Some(&data[start.min(end)..end]);
                    sig_start = Some(start.min(end));
                }
                b"mergetag" => facts.mergetag = true,
                _ => {
                    if !KNOWN_HEADERS.contains(&key) && !facts.unknown_headers.contains(&key) {
                        facts.unknown_headers.push(key);
                    }
                }
            }
            pos = next;
        }
        facts
    }

    pub fn is_merge(&self) -> bool {
        self.parents.len() > 1
    }

    /// The summary line: the first paragraph of the message joined into one
    /// line, as `git log --format=%s` shows it.
    pub fn summary(&self) -> Vec<u8> {
        summary_of(self.message)
    }

    /// Trailers of the message's last paragraph.
    pub fn trailers(&self) -> Vec<Trailer<'a>> {
        trailers_of(self.message)
    }

    pub fn line_endings(&self) -> LineEndings {
        line_endings(self.message)
    }
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == needle)
}

fn trim(s: &[u8]) -> &[u8] {
    trim_end(trim_start(s))
}

fn trim_start(s: &[u8]) -> &[u8] {
    let start = s
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(s.len());
    &s[start..]
}

fn trim_end(s: &[u8]) -> &[u8] {
    let end = s
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(0, |i| i + 1);
    &s[..end]
}

/// First paragraph of a message, its lines joined by single spaces.
pub fn summary_of(message: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for line in message.split(|&b| b == b'\n') {
        let line = trim(line);
        if line.is_empty() {
            if out.is_empty() {
                continue;
            }
            break;
        }
        if !out.is_empty() {
            out.push(b' ');
        }
        out.extend_from_slice(line);
    }
    out
}

/// One `Key: value` trailer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trailer<'a> {
    pub key: &'a [u8],
    pub value: &'a [u8],
}

/// Trailers as git's `interpret-trailers` finds them, simplified: the last
/// paragraph of the message (never the subject paragraph) counts as a trailer
/// block when every non-continuation line is `Token: value`, or when at least
/// one line is a well-known trailer and at least a quarter are trailers.
pub fn trailers_of(message: &[u8]) -> Vec<Trailer<'_>> {
    let body = trim_end(message);
    let Some(split) = find_last_paragraph(body) else {
        return Vec::new();
    };
    let block = &body[split..];
    let mut trailers = Vec::new();
    let mut lines = 0usize;
    let mut known = false;
    for line in block.split(|&b| b == b'\n') {
        let line = trim_end(line);
        if line.is_empty() {
            continue;
        }
        if line[0] == b' ' || line[0] == b'\t' {
            continue; // continuation of the previous trailer
        }
        lines += 1;
        if let Some(colon) = memchr(b':', line) {
            let key = &line[..colon];
            if !key.is_empty()
                && key.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'-')
                && line.get(colon + 1).is_none_or(|&b| b == b' ' || b == b'\t')
            {
                if KNOWN_TRAILERS.iter().any(|k| k.eq_ignore_ascii_case(key)) {
                    known = true;
                }
                trailers.push(Trailer {
                    key,
                    value: trim(&line[colon + 1..]),
                });
            }
        }
    }
    let all = trailers.len() == lines;
    let enough = known && trailers.len() * 4 >= lines;
    if lines > 0 && (all || enough) {
        trailers
    } else {
        Vec::new()
    }
}

/// Start of the last paragraph, if the message has more than one.
fn find_last_paragraph(body: &[u8]) -> Option<usize> {
    let mut last = None;
    let mut i = 0;
    while i + 1 < body.len() {
        if body[i] == b'\n' {
            let mut j = i + 1;
            while j < body.len() && (body[j] == b' ' || body[j] == b'\t' || body[j] == b'\r') {
                j += 1;
            }
            if j < body.len() && body[j] == b'\n' {
                last = Some(j + 1);
                i = j;
                continue;
            }
        }
        i += 1;
    }
    last
}

/// Trailers git and the big forges write themselves.
/// What a commit message's shape says about how the commit was made (bits).
pub mod message_kind {
    /// `Merge pull request #N from …`: a forge's merge button.
    pub const PR_MERGE: u8 = 1;
    /// A subject ending in `(#N)`: squash- or rebase-merged by a forge.
    pub const PR_SUFFIX: u8 = 1 << 1;
    /// `(cherry picked from commit …)`: `git cherry-pick -x`.
    pub const CHERRY_PICK: u8 = 1 << 2;
    /// A line an importer from Subversion writes ([`super::IMPORT_MARKERS`]).
    pub const IMPORTED: u8 = 1 << 3;
}

/// Line starts that importers from Subversion write into every commit they
/// convert: `git svn` (`git-svn-id: URL@REV UUID`), LLVM's monorepo
/// conversion (`llvm-svn: REV`), GCC's reposurgeon conversion (`From-SVN:
/// rREV`) and KDE's svn2git (`svn path=…; revision=REV`).
pub const IMPORT_MARKERS: &[&[u8]] = &[b"git-svn-id: ", b"llvm-svn: ", b"From-SVN: ", b"svn path="];

/// The [`message_kind`] bits of a commit message.
pub fn message_kind(message: &[u8]) -> u8 {
    let subject = message.split(|&b| b == b'\n').next().unwrap_or_default();
    let subject = subject
        .strip_suffix(b"\r")
        .unwrap_or(subject)
        .trim_ascii_end();
    let mut kind = 0;
    if subject.starts_with(b"Merge pull request #") {
        kind |= message_kind::PR_MERGE;
    }
    if let Some(open) = subject.iter().rposition(|&b| b == b'(')
        && subject.ends_with(b")")
        && subject[open + 1..].starts_with(b"#")
        && subject.len() > open + 3
        && subject[open + 2..subject.len() - 1]
            .iter()
            .all(u8::is_ascii_digit)
    {
        kind |= message_kind::PR_SUFFIX;
    }
    if message
        .windows(b"(cherry picked from commit ".len())
        .any(|w| w == b"(cherry picked from commit ")
    {
        kind |= message_kind::CHERRY_PICK;
    }
    if message
        .split(|&b| b == b'\n')
        .any(|line| IMPORT_MARKERS.iter().any(|m| line.starts_with(m)))
    {
        kind |= message_kind::IMPORTED;
    }
    kind
}

pub const KNOWN_TRAILERS: &[&[u8]] = &[
    b"Signed-off-by",
    b"Co-authored-by",
    b"Change-Id",
    b"Reviewed-by",
    b"Acked-by",
    b"Tested-by",
    b"Reported-by",
    b"Suggested-by",
    b"Helped-by",
    b"Cc",
    b"Fixes",
    b"Closes",
    b"Link",
    b"Bug",
    b"Reviewed-on",
    b"Cherry-picked-from",
];

/// Parent ids of a raw commit, read from the `parent` header lines that
/// directly follow `tree`.
pub fn parent_ids(data: &[u8]) -> impl Iterator<Item = ObjectId> + '_ {
    data.split(|&b| b == b'\n')
        .skip(1)
        .take_while(|line| line.starts_with(b"parent "))
        .filter_map(|line| ObjectId::from_hex(&line[7..]).ok())
}

/// An identity as one byte string: the name's length (4 bytes, little
/// endian), the name, the email. Length-prefixed because names can hold any
/// byte, NUL included: a separator could be forged to move bytes between them.
pub fn identity_key(out: &mut Vec<u8>, name: &[u8], email: &[u8]) {
    out.clear();
    out.extend_from_slice(&(name.len() as u32).to_le_bytes());
    out.extend_from_slice(name);
    out.extend_from_slice(email);
}

/// Inverse of [`identity_key`]; malformed input yields an empty name.
pub fn split_identity(raw: &[u8]) -> (&[u8], &[u8]) {
    if raw.len() < 4 {
        return (b"", b"");
    }
    let n = u32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]]) as usize;
    match raw.get(4..4 + n) {
        Some(name) => (name, &raw[4 + n..]),
        None => (b"", &raw[4..]),
    }
}

const FORGE_EMAILS: &[&str] = &[
    "noreply@github.com",
    "noreply@gitlab.com",
    "noreply@gitea.io",
    "noreply@codeberg.org",
    "noreply@bitbucket.org",
];

pub fn is_forge_identity(name: &[u8], email: &[u8]) -> bool {
    let email = String::from_utf8_lossy(email).to_ascii_lowercase();
    let name = String::from_utf8_lossy(name).to_ascii_lowercase();
    FORGE_EMAILS.contains(&email.trim())
        || (email.trim() == "noreply@github.com" && name.contains("github"))
        || (name == "github" && email.ends_with("github.com"))
}

/// Trailer keys compared case-insensitively, shown in their usual spelling.
pub fn canonical_trailer(key: &[u8]) -> String {
    for known in crate::git::facts::KNOWN_TRAILERS {
        if known.eq_ignore_ascii_case(key) {
            return String::from_utf8_lossy(known).into_owned();
        }
    }
    crate::text::lossy_bounded(key, 40)
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any bytes: parsed or reported as problems, never a panic.
        #[test]
        fn any_bytes_parse_without_panic(data in proptest::collection::vec(any::<u8>(), 0..600)) {
            let facts = CommitFacts::parse(&data);
            let _ = facts.trailers();
            let _ = facts.line_endings();
            let _ = message_kind(facts.message);
        }

        /// Header-shaped noise: lines that start like real headers.
        #[test]
        fn header_shaped_noise(lines in proptest::collection::vec(
            (prop_oneof![Just("tree "), Just("parent "), Just("author "), Just("committer "),
                         Just("encoding "), Just("gpgsig "), Just(" "), Just("mergetag ")],
             proptest::collection::vec(any::<u8>(), 0..80)),
            0..12)) {
            let mut data = Vec::new();
            for (head, rest) in lines {
                data.extend_from_slice(head.as_bytes());
                data.extend(rest.into_iter().filter(|&b| b != b'\n'));
                data.push(b'\n');
            }
            let _ = CommitFacts::parse(&data);
        }

        /// Well-formed identities come back exactly as written.
        #[test]
        fn well_formed_idents_round_trip(
            name in "[A-Za-z][A-Za-z .'-]{0,30}[A-Za-z]",
            email in "[a-z0-9.]{1,20}@[a-z0-9]{1,12}\\.[a-z]{2,4}",
            seconds in 0i64..4_000_000_000,
            hours in -12i16..=14,
            quarter in 0i16..4,
        ) {
            // Real offsets stop at +14:00 (Kiribati); beyond is invalid by design.
            let quarter = if hours == 14 { 0 } else { quarter };
            let minutes = hours * 60 + if hours < 0 { -quarter * 15 } else { quarter * 15 };
            let sign = if minutes < 0 { '-' } else { '+' };
            let offset = format!("{sign}{:02}{:02}", minutes.abs() / 60, minutes.abs() % 60);
            let raw = format!(
                "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor {name} <{email}> {seconds} {offset}\ncommitter {name} <{email}> {seconds} {offset}\n\nsubject\n"
            );
            let facts = CommitFacts::parse(raw.as_bytes());
            let author = facts.author.expect("author");
            prop_assert_eq!(author.name, name.as_bytes());
            prop_assert_eq!(author.email, email.as_bytes());
            prop_assert_eq!(author.seconds, seconds);
            prop_assert_eq!(author.offset_minutes(), Some(minutes));
            prop_assert!(author.problem.is_none());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_kinds() {
        use message_kind::*;
        assert_eq!(
            message_kind(b"Merge pull request #12 from a/b\n\nx"),
            PR_MERGE
        );
        assert_eq!(message_kind(b"Fix parser (#1234)\n"), PR_SUFFIX);
        assert_eq!(message_kind(b"Fix parser (#1234) \r\nbody"), PR_SUFFIX);
        assert_eq!(message_kind(b"Fix (#) and (#x)"), 0);
        assert_eq!(
            message_kind(b"Fix\n\n(cherry picked from commit abc)\n"),
            CHERRY_PICK
        );
        assert_eq!(
            message_kind(b"Fix\n\ngit-svn-id: https://svn.example.org/r/trunk@1674549 13f79535-47bb-0310-9956-ffa450edef68\n"),
            IMPORTED
        );
        assert_eq!(message_kind(b"Fix\n\nllvm-svn: 12345\n"), IMPORTED);
        assert_eq!(message_kind(b"Mention git-svn-id: in prose"), 0);
        assert_eq!(message_kind(b"Merge branch 'main'"), 0);
        assert_eq!(message_kind(b""), 0);
    }

    #[test]
    fn offsets() {
        assert_eq!(Offset::parse(b"+0100"), Offset::Valid(60));
        assert_eq!(Offset::parse(b"-0330"), Offset::Valid(-210));
        assert_eq!(Offset::parse(b"+0545"), Offset::Valid(345));
        assert_eq!(Offset::parse(b"+1400"), Offset::Valid(840));
        assert_eq!(Offset::parse(b"-0000"), Offset::NegativeZero);
        assert_eq!(Offset::parse(b"+0000"), Offset::Valid(0));
        assert_eq!(Offset::parse(b"+051800"), Offset::Invalid);
        assert_eq!(Offset::parse(b"+9999"), Offset::Invalid);
        assert_eq!(Offset::parse(b"+0560"), Offset::Invalid);
        assert_eq!(Offset::parse(b"junk!"), Offset::Invalid);
        assert_eq!(Offset::parse(b""), Offset::Invalid);
    }

    #[test]
    fn ident_like_git() {
        let i = Ident::parse(b"A U Thor <a@x.org> 1700000000 +0200");
        assert_eq!(i.name, b"A U Thor");
        assert_eq!(i.email, b"a@x.org");
        assert_eq!(i.seconds, 1_700_000_000);
        assert_eq!(i.offset, Offset::Valid(120));
        assert_eq!(i.problem, None);

        // Two idents on a line: git takes the first email, the date after the last '>'.
        let i = Ident::parse(b"A <a@x>, B <b@y> 1700000000 +0000");
        assert_eq!(i.email, b"a@x");
        assert_eq!(i.seconds, 1_700_000_000);
        assert_eq!(i.problem, Some(IdentProblem::ExtraBrackets));

        // Trailing space inside the brackets is kept, as git does.
        assert_eq!(Ident::parse(b"X <x@y > 1 +0000").email, b"x@y ");
        // Empty email.
        let i = Ident::parse(b"Nobody <> 5 +0000");
        assert_eq!(i.email, b"");
        assert_eq!(i.problem, None);
        // rails' +051800
        let i = Ident::parse(b"R <r@x> 1200000000 +051800");
        assert_eq!(i.offset_raw, b"+051800");
        assert_eq!(i.offset, Offset::Invalid);
        assert_eq!(i.problem, Some(IdentProblem::BadOffset));
        // No email at all.
        assert_eq!(Ident::parse(b"nobody").problem, Some(IdentProblem::NoEmail));
        // Absurd date.
        assert_eq!(
            Ident::parse(b"A <a> 99999999999999999999 +0000").problem,
            Some(IdentProblem::BadTimestamp)
        );
        assert_eq!(
            Ident::parse(b"A <a>").problem,
            Some(IdentProblem::NoTimestamp)
        );
    }

    #[test]
    fn commit_headers() {
        let raw = b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\
parent 1111111111111111111111111111111111111111\n\
parent 2222222222222222222222222222222222222222\n\
author A <a@x> 1700000000 +0900\n\
committer C <c@x> 1700000100 +0000\n\
encoding euc-kr\n\
x-custom hello\n\
gpgsig -----BEGIN SSH SIGNATURE-----\n \n abc\n -----END SSH SIGNATURE-----\n\
\n\
Subject line\n  continues\n\nBody.\n\nSigned-off-by: A <a@x>\nChange-Id: I123\n";
        let f = CommitFacts::parse(raw);
        assert_eq!(f.parents.len(), 2);
        assert!(f.is_merge());
        assert_eq!(f.author.as_ref().unwrap().offset, Offset::Valid(540));
        assert_eq!(f.encoding, Some(&b"euc-kr"[..]));
        assert_eq!(f.signature, Some(SignatureKind::Ssh));
        assert_eq!(f.unknown_headers, vec![&b"x-custom"[..]]);
        assert_eq!(f.summary(), b"Subject line continues");
        let t = f.trailers();
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].key, b"Signed-off-by");
        assert_eq!(t[1].value, b"I123");
    }

    #[test]
    fn no_trailers_in_subject_or_prose() {
        assert!(trailers_of(b"Fix: something\n").is_empty());
        assert!(
            trailers_of(b"Subject\n\nJust prose here.\nAnd more: text that is long\n").is_empty()
        );
    }
}
