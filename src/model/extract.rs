//! Facts files: the per-commit facts the analysis reads, written to Apache
//! Parquet by `git alibi extract` and read back by `--facts`, so that an
//! organisation extracts on as many machines as it likes and audits once, and
//! its analysts query the same files with DuckDB or Spark SQL. The columns are
//! documented in `docs/schema/facts.md`; this module and that page change
//! together, with [`FACTS_VERSION`].
//!
//! What is written is the commit store (`crate::git::store`) of each repository
//! as the walk selected it, before `.mailmap` and before any filter, plus the
//! mailmap's answer for each identity and the repository's settings files:
//! everything `crate::model::history` needs, so that an audit of the facts gives the
//! same report as an audit of the repositories.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine as _;
use gix::ObjectId;
use parquet::basic::Compression;
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, Int32Type, Int64Type};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::file::writer::SerializedFileWriter;
use serde::{Deserialize, Serialize};

use crate::error::{Cause, Error};
use crate::git::settings::{RepoSettings, SettingsFile};
use crate::git::store::{self, BitSet, CommitSummary, NONE, Store};
use crate::git::walk::{WalkStats, Walked};
use crate::model::history::{
    CommitterClocks, LINE_ENDINGS, Provenance, RepoRead, RepoSummary, SquashClickers,
};
use crate::model::identities::{IdentityMap, contributor_key};

/// Version of the column schema and of the repository metadata. A reader
/// refuses files of another version.
pub const FACTS_VERSION: u32 = 1;
/// Key-value metadata: the version.
pub const VERSION_KEY: &str = "git-alibi.facts.version";
/// Key-value metadata: the repositories of the file (JSON, see [`RepoMeta`]).
pub const REPOSITORIES_KEY: &str = "git-alibi.repositories";

const SCHEMA: &str = "
message git_alibi_commit {
  required binary repository (STRING);
  required binary commit (STRING);
  required boolean selected;
  required group parents (LIST) { repeated group list { required binary element (STRING); } }
  required binary author_name (STRING);
  required binary author_email (STRING);
  optional binary author_name_bytes;
  optional binary author_email_bytes;
  optional binary author_mailmap_name (STRING);
  optional binary author_mailmap_email (STRING);
  optional binary author_mailmap_name_bytes;
  optional binary author_mailmap_email_bytes;
  required int64 author_time;
  optional int32 author_offset;
  optional binary author_problem (STRING);
  optional binary author_offset_text (STRING);
  required binary committer_name (STRING);
  required binary committer_email (STRING);
  optional binary committer_name_bytes;
  optional binary committer_email_bytes;
  optional binary committer_mailmap_name (STRING);
  optional binary committer_mailmap_email (STRING);
  optional binary committer_mailmap_name_bytes;
  optional binary committer_mailmap_email_bytes;
  required int64 committer_time;
  optional int32 committer_offset;
  optional binary committer_problem (STRING);
  optional binary committer_offset_text (STRING);
  required binary provenance (STRING);
  required int32 flags;
  optional binary signature (STRING);
  optional binary signing_key (STRING);
  optional binary encoding (STRING);
  required group trailers (LIST) { repeated group list { required binary element (STRING); } }
  required group unknown_headers (LIST) { repeated group list { required binary element (STRING); } }
  required int32 message_scripts;
  required int32 message_kind;
  required binary line_endings (STRING);
}
";

/// What a facts file says about one repository besides its commits.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RepoMeta {
    /// Set for a repository that could not be read: the reason, as the
    /// report lists it (the other fields are then empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_read: Option<String>,
    pub path: String,
    pub range: Option<String>,
    pub commits: u64,
    pub shallow: bool,
    pub missing_objects: u64,
    pub unreadable_objects: u64,
    pub non_commit_tips: u64,
    pub anchor_file: String,
    pub incomplete: Vec<String>,
    pub notes: Vec<String>,
    /// Whether the mailmap columns were filled (not `--no-mailmap`).
    pub mailmap: bool,
    pub config: Option<FileMeta>,
    pub accepted: Option<FileMeta>,
    pub edited_in_range: Vec<String>,
    /// The refs the extract walked from (full names, and `HEAD`) with their
    /// commits, for `check --facts` to name a range. Pseudonymised extracts
    /// keep `HEAD` only: branch names often carry people's names.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub refs: BTreeMap<String, String>,
}

/// A settings file as read from the repository.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileMeta {
    pub label: String,
    /// The file's bytes, base64 (standard alphabet, padded).
    pub base64: String,
}

/// How identities are written.
pub struct ExtractOptions {
    /// Replace the names and emails of people by salted pseudonyms (bots and
    /// forges keep theirs: the analysis tells them apart by name).
    pub pseudonymize: Option<crate::privacy::Privacy>,
}

/// Writes repositories, one row group each, to a Parquet file.
pub struct FactsWriter<W: Write + Send> {
    writer: SerializedFileWriter<W>,
    options: ExtractOptions,
    repositories: Vec<RepoMeta>,
    rows: u64,
}

impl<W: Write + Send> FactsWriter<W> {
    pub fn new(
        out: W,
        options: ExtractOptions,
    ) -> Result<FactsWriter<W>, parquet::errors::ParquetError> {
        let schema = Arc::new(parquet::schema::parser::parse_message_type(SCHEMA)?);
        let properties = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_created_by(format!("git-alibi {}", env!("CARGO_PKG_VERSION")))
            .build();
        Ok(FactsWriter {
            writer: SerializedFileWriter::new(out, schema, Arc::new(properties))?,
            options,
            repositories: Vec::new(),
            rows: 0,
        })
    }

    /// Rows written so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Write the selected commits of one repository, and the parents of
    /// selected commits that the store holds (`selected = false`: outside a
    /// range, kept because the analysis reads a parent's dates).
    pub fn write_repository(
        &mut self,
        read: &RepoRead,
    ) -> Result<(), parquet::errors::ParquetError> {
        let store = &read.store;
        let mut rows: Vec<(u32, bool)> = Vec::new();
        let mut parent_of_selected = BitSet::new(store.len());
        for i in 0..store.len() as u32 {
            if read.walked.selected.contains(i) {
                rows.push((i, true));
                for &p in store.parents_of(i) {
                    if p != store::MISSING && !read.walked.selected.contains(p) {
                        parent_of_selected.insert(p);
                    }
                }
            }
        }
        rows.extend(
            (0..store.len() as u32)
                .filter(|&i| parent_of_selected.contains(i))
                .map(|i| (i, false)),
        );
        // Rows in commit-id order: the file does not depend on the walk or the cache.
        rows.sort_by(|a, b| store.ids[a.0 as usize].cmp(&store.ids[b.0 as usize]));
        let columns = self.columns(read, &rows);
        let mut group = self.writer.next_row_group()?;
        for column in columns {
            let Some(mut writer) = group.next_column()? else {
                break;
            };
            column.write(&mut writer)?;
            writer.close()?;
        }
        group.close()?;
        self.rows += rows.len() as u64;
        self.repositories
            .push(meta_of(read, self.options.pseudonymize.is_some()));
        Ok(())
    }

    /// Record a repository that could not be read, in its place in the order.
    pub fn write_not_read(&mut self, reason: String) {
        self.repositories.push(RepoMeta {
            not_read: Some(reason),
            path: String::new(),
            range: None,
            commits: 0,
            shallow: false,
            missing_objects: 0,
            unreadable_objects: 0,
            non_commit_tips: 0,
            anchor_file: String::new(),
            incomplete: Vec::new(),
            notes: Vec::new(),
            mailmap: false,
            config: None,
            accepted: None,
            edited_in_range: Vec::new(),
            refs: BTreeMap::new(),
        });
    }

    /// Close the file, with its version and repositories in the metadata.
    pub fn finish(mut self) -> Result<u64, parquet::errors::ParquetError> {
        self.writer.append_key_value_metadata(KeyValue::new(
            VERSION_KEY.to_owned(),
            FACTS_VERSION.to_string(),
        ));
        let repositories = serde_json::to_string(&self.repositories)
            .map_err(|e| parquet::errors::ParquetError::General(e.to_string()))?;
        self.writer
            .append_key_value_metadata(KeyValue::new(REPOSITORIES_KEY.to_owned(), repositories));
        self.writer.close()?;
        Ok(self.rows)
    }

    fn columns(&self, read: &RepoRead, rows: &[(u32, bool)]) -> Vec<Column> {
        let store = &read.store;
        let n = rows.len();
        let pseudonym = |kind: &str, value: &[u8]| -> Vec<u8> {
            match &self.options.pseudonymize {
                Some(p) => p.pseudonym(kind, value).into_bytes(),
                None => value.to_vec(),
            }
        };
        // Pseudonyms keep what makes identities one contributor (the
        // lower-cased email, or the name without one) and leave bots and
        // forges as written.
        let write_identity = |name: &[u8], email: &[u8]| -> (Vec<u8>, Vec<u8>) {
            if self.options.pseudonymize.is_none()
                || crate::model::identities::classify(name, email)
                    != crate::model::identities::ContributorKind::Human
            {
                return (name.to_vec(), email.to_vec());
            }
            let email_key = contributor_key(b"", email);
            let email_out = if email_key.starts_with(b"name:") {
                Vec::new()
            } else {
                let mut e = pseudonym("email", &email_key);
                e.extend_from_slice(b"@pseudonym.invalid");
                e
            };
            (pseudonym("person", &name.to_ascii_lowercase()), email_out)
        };
        let mapped = |name: &[u8], email: &[u8]| -> Option<(Vec<u8>, Vec<u8>)> {
            read.identity_map.as_ref()?.map(name, email)
        };
        // Each identity's contributor key (after the identity map), once:
        // rows name identities by index.
        let keys: Vec<Vec<u8>> = (0..store.identities.len() as u32)
            .map(|id| {
                let (name, email) = store.identity(id);
                match mapped(name, email) {
                    Some((n, e)) => contributor_key(&n, &e),
                    None => contributor_key(name, email),
                }
            })
            .collect();
        let author_key = |s: &CommitSummary| &keys[s.author as usize];
        let committer_key = |s: &CommitSummary| &keys[s.committer as usize];
        // Each row classified once; who clicks squash merges and which
        // offsets each committer writes are then read over the repository's
        // selected commits, as the audit reads them (`crate::model::history`),
        // and refine those readings below.
        let classified: Vec<Provenance> = rows
            .iter()
            .map(|&(i, _)| {
                let s = &store.commits[i as usize];
                let (name, email) = store.identity(s.committer);
                let kind = crate::model::identities::classify(name, email);
                Provenance::classify(s, kind, author_key(s) != committer_key(s))
            })
            .collect();
        let selected = || {
            rows.iter()
                .zip(&classified)
                .filter(|((_, selected), _)| *selected)
                .map(|(&(i, _), &p)| (&store.commits[i as usize], p))
        };
        let clickers = SquashClickers::tally(
            selected()
                .filter(|(_, p)| *p == Provenance::ForgeSquash)
                .map(|(s, _)| (s, author_key(s))),
        );
        let clocks = CommitterClocks::tally(
            selected().map(|(s, p)| (s, p, author_key(s), committer_key(s))),
        );
        let mut c = ColumnSet::new(n);
        let repository = read.summary.path.as_bytes();
        for (&(i, selected), &classified) in rows.iter().zip(&classified) {
            let s = &store.commits[i as usize];
            c.repository.push_str(repository);
            c.commit
                .push_str(store.ids[i as usize].to_hex().to_string().as_bytes());
            c.selected.push(selected);
            let parents: Vec<Vec<u8>> = store
                .parents_of(i)
                .iter()
                .filter(|&&p| p != store::MISSING)
                .map(|&p| store.ids[p as usize].to_hex().to_string().into_bytes())
                .collect();
            // Parents the store does not hold are missing objects: the row
            // keeps the ids it can name.
            c.parents.push_list(parents.iter().map(Vec::as_slice));
            let (author_name, author_email) = store.identity(s.author);
            let (committer_name, committer_email) = store.identity(s.committer);
            for (who, name, email) in [
                (0usize, author_name, author_email),
                (1, committer_name, committer_email),
            ] {
                let (out_name, out_email) = write_identity(name, email);
                c.idents[who].name.push_some(&out_name);
                c.idents[who].email.push_some(&out_email);
                match mapped(name, email) {
                    Some((mn, me)) => {
                        let (mn, me) = write_identity(&mn, &me);
                        c.idents[who].mailmap_name.push_some(&mn);
                        c.idents[who].mailmap_email.push_some(&me);
                    }
                    None => {
                        c.idents[who].mailmap_name.push_null();
                        c.idents[who].mailmap_email.push_null();
                    }
                }
            }
            for (who, time, offset, problem, raw) in [
                (
                    0usize,
                    s.author_time,
                    s.author_offset,
                    s.author_problem,
                    s.author_raw_offset,
                ),
                (
                    1,
                    s.committer_time,
                    s.committer_offset,
                    s.committer_problem,
                    s.committer_raw_offset,
                ),
            ] {
                let d = &mut c.dates[who];
                d.time.push(time);
                if offset == crate::model::history::OFFSET_INVALID {
                    d.offset.push_null();
                } else {
                    d.offset.push(i32::from(offset));
                }
                d.problem
                    .push_opt(store::problem::name(problem).map(str::as_bytes));
                d.offset_text
                    .push_opt((raw != NONE).then(|| store.strings.get(raw)));
            }
            let provenance = clocks.refine(clickers.refine(classified, s), s, &committer_key(s));
            c.provenance.push_str(provenance.name().as_bytes());
            c.flags.push(i32::from(s.flags));
            c.signature.push_opt(
                store::signature::NAMES
                    .get(s.signature as usize)
                    .filter(|_| s.signature != 0)
                    .map(|n| n.as_bytes()),
            );
            c.signing_key
                .push_opt((s.signing_key != NONE).then(|| store.strings.get(s.signing_key)));
            c.encoding
                .push_opt((s.encoding != NONE).then(|| store.strings.get(s.encoding)));
            let extras = store.extras_of(s);
            c.trailers.push_list(
                extras
                    .iter()
                    .filter(|&&e| e & store::EXTRA_UNKNOWN_HEADER == 0)
                    .map(|&e| store.strings.get(e)),
            );
            c.unknown_headers.push_list(
                extras
                    .iter()
                    .filter(|&&e| e & store::EXTRA_UNKNOWN_HEADER != 0)
                    .map(|&e| store.strings.get(e & !store::EXTRA_UNKNOWN_HEADER)),
            );
            c.message_scripts.push(i32::from(s.message_scripts));
            c.message_kind.push(i32::from(s.message_kind));
            c.line_endings.push_str(
                LINE_ENDINGS
                    .get(s.line_endings as usize)
                    .copied()
                    .unwrap_or("none")
                    .as_bytes(),
            );
        }
        c.into_columns()
    }
}

fn meta_of(read: &RepoRead, pseudonymized: bool) -> RepoMeta {
    let file = |f: &Option<SettingsFile>| {
        f.as_ref().map(|f| FileMeta {
            label: f.label.to_string_lossy().into_owned(),
            base64: base64::engine::general_purpose::STANDARD.encode(&f.bytes),
        })
    };
    let s: &RepoSummary = &read.summary;
    RepoMeta {
        not_read: None,
        path: s.path.clone(),
        range: s.range.clone(),
        commits: s.commits,
        shallow: s.shallow,
        missing_objects: s.missing_objects,
        unreadable_objects: s.unreadable_objects,
        non_commit_tips: read.walked.stats.non_commit_tips,
        anchor_file: s.anchor_file.clone(),
        incomplete: read.incomplete.clone(),
        notes: read.notes.clone(),
        mailmap: read.identity_map.is_some(),
        config: file(&read.settings.config),
        accepted: file(&read.settings.accepted),
        edited_in_range: read
            .settings
            .edited_in_range
            .iter()
            .map(|s| s.file.clone())
            .collect(),
        refs: read
            .walked
            .refs
            .iter()
            .filter(|(name, id)| (!pseudonymized || name == "HEAD") && read.store.contains(id))
            .map(|(name, id)| (name.clone(), id.to_hex().to_string()))
            .collect(),
    }
}

/// Column buffers in schema order.
struct ColumnSet {
    repository: Text,
    commit: Text,
    selected: Vec<bool>,
    parents: TextList,
    idents: [Ident; 2],
    dates: [Date; 2],
    provenance: Text,
    flags: Vec<i32>,
    signature: Text,
    signing_key: Text,
    encoding: Text,
    trailers: TextList,
    unknown_headers: TextList,
    message_scripts: Vec<i32>,
    message_kind: Vec<i32>,
    line_endings: Text,
}

#[derive(Default)]
struct Ident {
    name: ExactText,
    email: ExactText,
    mailmap_name: ExactText,
    mailmap_email: ExactText,
}

#[derive(Default)]
struct Date {
    time: Vec<i64>,
    offset: OptInt,
    problem: Text,
    offset_text: Text,
}

/// Strings, with definition levels when the column is optional.
#[derive(Default)]
struct Text {
    values: Vec<ByteArray>,
    defined: Vec<i16>,
}

impl Text {
    fn push_str(&mut self, v: &[u8]) {
        self.values.push(ByteArray::from(v.to_vec()));
        self.defined.push(1);
    }

    fn push_opt(&mut self, v: Option<&[u8]>) {
        match v {
            Some(v) => self.push_str(v),
            None => self.defined.push(0),
        }
    }
}

/// A text column that must give back its exact bytes: the UTF-8 (lossy)
/// string for people and engines, and the bytes beside it only when they are
/// not valid UTF-8.
#[derive(Default)]
struct ExactText {
    text: Text,
    bytes: Text,
}

impl ExactText {
    fn push_some(&mut self, v: &[u8]) {
        match std::str::from_utf8(v) {
            Ok(s) => {
                self.text.push_str(s.as_bytes());
                self.bytes.push_opt(None);
            }
            Err(_) => {
                self.text.push_str(String::from_utf8_lossy(v).as_bytes());
                self.bytes.push_opt(Some(v));
            }
        }
    }

    fn push_null(&mut self) {
        self.text.push_opt(None);
        self.bytes.push_opt(None);
    }
}

#[derive(Default)]
struct OptInt {
    values: Vec<i32>,
    defined: Vec<i16>,
}

impl OptInt {
    fn push(&mut self, v: i32) {
        self.values.push(v);
        self.defined.push(1);
    }

    fn push_null(&mut self) {
        self.defined.push(0);
    }
}

/// A required list of strings: repetition level 0 starts a row, definition
/// level 0 is an empty list.
#[derive(Default)]
struct TextList {
    values: Vec<ByteArray>,
    defined: Vec<i16>,
    repeated: Vec<i16>,
}

impl TextList {
    fn push_list<'a>(&mut self, items: impl Iterator<Item = &'a [u8]>) {
        let mut first = true;
        for item in items {
            self.values.push(ByteArray::from(item.to_vec()));
            self.defined.push(1);
            self.repeated.push(if first { 0 } else { 1 });
            first = false;
        }
        if first {
            self.defined.push(0);
            self.repeated.push(0);
        }
    }
}

enum Column {
    Text(Text, bool),
    Bool(Vec<bool>),
    Int32(Vec<i32>),
    Int64(Vec<i64>),
    OptInt32(OptInt),
    List(TextList),
}

impl Column {
    fn write(
        self,
        writer: &mut parquet::file::writer::SerializedColumnWriter<'_>,
    ) -> Result<(), parquet::errors::ParquetError> {
        match self {
            Column::Text(t, optional) => {
                let levels = optional.then_some(t.defined.as_slice());
                writer
                    .typed::<ByteArrayType>()
                    .write_batch(&t.values, levels, None)?;
            }
            Column::Bool(v) => {
                writer.typed::<BoolType>().write_batch(&v, None, None)?;
            }
            Column::Int32(v) => {
                writer.typed::<Int32Type>().write_batch(&v, None, None)?;
            }
            Column::Int64(v) => {
                writer.typed::<Int64Type>().write_batch(&v, None, None)?;
            }
            Column::OptInt32(v) => {
                writer
                    .typed::<Int32Type>()
                    .write_batch(&v.values, Some(&v.defined), None)?;
            }
            Column::List(l) => {
                writer.typed::<ByteArrayType>().write_batch(
                    &l.values,
                    Some(&l.defined),
                    Some(&l.repeated),
                )?;
            }
        }
        Ok(())
    }
}

impl ColumnSet {
    fn new(n: usize) -> ColumnSet {
        ColumnSet {
            repository: Text::default(),
            commit: Text::default(),
            selected: Vec::with_capacity(n),
            parents: TextList::default(),
            idents: Default::default(),
            dates: Default::default(),
            provenance: Text::default(),
            flags: Vec::with_capacity(n),
            signature: Text::default(),
            signing_key: Text::default(),
            encoding: Text::default(),
            trailers: TextList::default(),
            unknown_headers: TextList::default(),
            message_scripts: Vec::with_capacity(n),
            message_kind: Vec::with_capacity(n),
            line_endings: Text::default(),
        }
    }

    /// In the order of [`SCHEMA`].
    fn into_columns(self) -> Vec<Column> {
        let mut out = vec![
            Column::Text(self.repository, false),
            Column::Text(self.commit, false),
            Column::Bool(self.selected),
            Column::List(self.parents),
        ];
        let [author, committer] = self.idents;
        let [author_date, committer_date] = self.dates;
        for (ident, date) in [(author, author_date), (committer, committer_date)] {
            out.extend([
                Column::Text(ident.name.text, false),
                Column::Text(ident.email.text, false),
                Column::Text(ident.name.bytes, true),
                Column::Text(ident.email.bytes, true),
                Column::Text(ident.mailmap_name.text, true),
                Column::Text(ident.mailmap_email.text, true),
                Column::Text(ident.mailmap_name.bytes, true),
                Column::Text(ident.mailmap_email.bytes, true),
                Column::Int64(date.time),
                Column::OptInt32(date.offset),
                Column::Text(date.problem, true),
                Column::Text(date.offset_text, true),
            ]);
        }
        out.extend([
            Column::Text(self.provenance, false),
            Column::Int32(self.flags),
            Column::Text(self.signature, true),
            Column::Text(self.signing_key, true),
            Column::Text(self.encoding, true),
            Column::List(self.trailers),
            Column::List(self.unknown_headers),
            Column::Int32(self.message_scripts),
            Column::Int32(self.message_kind),
            Column::Text(self.line_endings, false),
        ]);
        out
    }
}

/// The Parquet files named: files as given, directories' `*.parquet` files
/// in name order (not recursive).
pub fn facts_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|e| Error::Facts {
                path: path.clone(),
                message: "cannot list the directory".into(),
                source: Some(Box::new(e)),
            })?;
            let mut files: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "parquet") && p.is_file())
                .collect();
            files.sort();
            if files.is_empty() {
                return Err(Error::Facts {
                    path: path.clone(),
                    message: "no *.parquet files in this directory".into(),
                    source: None,
                });
            }
            out.extend(files);
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

/// Read one facts file and hand each repository to `consume`, in the order
/// of the file's repository list (a repository the extract could not read
/// comes as its reason). One repository is in memory at a time, so the rows
/// of a repository must be contiguous, as `extract` writes them.
pub fn read_file(
    path: &Path,
    consume: &mut dyn FnMut(Result<RepoRead, String>) -> Result<(), Error>,
) -> Result<(), Error> {
    let bad = |message: String| Error::Facts {
        path: path.to_owned(),
        message,
        source: None,
    };
    let failed = |message: &str, source: Cause| Error::Facts {
        path: path.to_owned(),
        message: message.to_owned(),
        source: Some(source),
    };
    let file = std::fs::File::open(path).map_err(|e| failed("cannot open", Box::new(e)))?;
    let reader =
        SerializedFileReader::new(file).map_err(|e| failed("not a Parquet file", Box::new(e)))?;
    let metadata = reader.metadata().file_metadata();
    let value_of = |key: &str| {
        metadata
            .key_value_metadata()
            .and_then(|kv| kv.iter().find(|k| k.key == key))
            .and_then(|k| k.value.clone())
    };
    match value_of(VERSION_KEY) {
        Some(v) if v == FACTS_VERSION.to_string() => {}
        Some(v) => {
            return Err(bad(format!(
                "facts version {v}, this git-alibi reads version {FACTS_VERSION}: extract again with this version"
            )));
        }
        None => {
            return Err(bad(
                "not a git-alibi facts file (no version in its metadata)".into(),
            ));
        }
    }
    let metas: Vec<RepoMeta> = value_of(REPOSITORIES_KEY)
        .ok_or_else(|| bad("no repository list in its metadata".into()))
        .and_then(|v| {
            serde_json::from_str(&v).map_err(|e| failed("bad repository list", Box::new(e)))
        })?;
    // Leaf columns by their top-level name (each field here has one leaf).
    let leaves = metadata.schema_descr().columns();
    let columns: HashMap<String, usize> = leaves
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.path().parts().first().map(|name| (name.clone(), i)))
        .collect();
    let column = |name: &str| -> Result<usize, Error> {
        columns
            .get(name)
            .copied()
            .ok_or_else(|| bad(format!("no column '{name}'")))
    };
    let at = Columns::find(&column)?;
    let index: HashMap<&str, usize> = metas
        .iter()
        .enumerate()
        .filter(|(_, m)| m.not_read.is_none())
        .map(|(i, m)| (m.path.as_str(), i))
        .collect();
    // Hand over every repository of the list before `until`, the one being
    // loaded included (with its rows), the others empty or unread.
    let mut next = 0usize;
    let mut current: Option<(usize, Loading)> = None;
    let mut hand_over = |until: usize,
                         current: &mut Option<(usize, Loading)>,
                         next: &mut usize|
     -> Result<(), Error> {
        while *next < until {
            let mut meta = metas[*next].clone();
            let loading = match current.take() {
                Some((r, loading)) if r == *next => loading,
                other => {
                    *current = other;
                    Loading::default()
                }
            };
            let read = match meta.not_read.take() {
                Some(reason) => Err(reason),
                None => Ok(loading.finish(meta).map_err(&bad)?),
            };
            consume(read)?;
            *next += 1;
        }
        Ok(())
    };
    let needed = at.all();
    let mut n = 0usize;
    let mut values: Vec<Value> = vec![Value::Null; leaves.len()];
    for g in 0..reader.num_row_groups() {
        let group = reader
            .get_row_group(g)
            .map_err(|e| bad(format!("row group {g}: {e}")))?;
        let rows = usize::try_from(group.metadata().num_rows()).unwrap_or(0);
        let mut cursors = Vec::with_capacity(needed.len());
        for &leaf in &needed {
            let column = read_leaf(&*group, leaf, &leaves[leaf]).map_err(|e| {
                bad(format!(
                    "row group {g}, column {}: {e}",
                    leaves[leaf].name()
                ))
            })?;
            cursors.push((leaf, LeafCursor::new(column)));
        }
        for _ in 0..rows {
            for (leaf, cursor) in &mut cursors {
                values[*leaf] = cursor.next_value();
            }
            let repository = text(&values[at.repository]).unwrap_or_default();
            let Some(&r) = index.get(String::from_utf8_lossy(&repository).as_ref()) else {
                return Err(bad(format!(
                    "row {n}: repository '{}' is not in the file's repository list",
                    String::from_utf8_lossy(&repository)
                )));
            };
            if current.as_ref().is_none_or(|(c, _)| *c != r) {
                if r < next {
                    return Err(bad(format!(
                        "row {n}: the rows of repository '{}' are not together in the order of the file's repository list (as extract writes them); sort a rewritten file by the list's order",
                        metas[r].path
                    )));
                }
                if let Some((c, _)) = &current {
                    let c = *c;
                    hand_over(c + 1, &mut current, &mut next)?;
                }
                hand_over(r, &mut current, &mut next)?;
                current = Some((r, Loading::default()));
            }
            if let Some((_, loading)) = &mut current {
                loading
                    .add(&values, &at)
                    .map_err(|message| bad(format!("row {n}: {message}")))?;
            }
            n += 1;
        }
    }
    hand_over(metas.len(), &mut current, &mut next)
}

/// Column positions, by name (a file rewritten by another engine may order them differently).
struct Columns {
    repository: usize,
    commit: usize,
    selected: usize,
    parents: usize,
    idents: [[usize; 8]; 2],
    dates: [[usize; 4]; 2],
    flags: usize,
    signature: usize,
    signing_key: usize,
    encoding: usize,
    trailers: usize,
    unknown_headers: usize,
    message_scripts: usize,
    message_kind: usize,
    line_endings: usize,
}

impl Columns {
    /// Every leaf the reader needs.
    fn all(&self) -> Vec<usize> {
        let mut out = vec![
            self.repository,
            self.commit,
            self.selected,
            self.parents,
            self.flags,
            self.signature,
            self.signing_key,
            self.encoding,
            self.trailers,
            self.unknown_headers,
            self.message_scripts,
            self.message_kind,
            self.line_endings,
        ];
        for who in 0..2 {
            out.extend_from_slice(&self.idents[who]);
            out.extend_from_slice(&self.dates[who]);
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    fn find(column: &dyn Fn(&str) -> Result<usize, Error>) -> Result<Columns, Error> {
        let ident = |who: &str| -> Result<[usize; 8], Error> {
            let mut out = [0; 8];
            for (k, suffix) in [
                "name",
                "email",
                "name_bytes",
                "email_bytes",
                "mailmap_name",
                "mailmap_email",
                "mailmap_name_bytes",
                "mailmap_email_bytes",
            ]
            .iter()
            .enumerate()
            {
                out[k] = column(&format!("{who}_{suffix}"))?;
            }
            Ok(out)
        };
        let date = |who: &str| -> Result<[usize; 4], Error> {
            Ok([
                column(&format!("{who}_time"))?,
                column(&format!("{who}_offset"))?,
                column(&format!("{who}_problem"))?,
                column(&format!("{who}_offset_text"))?,
            ])
        };
        Ok(Columns {
            repository: column("repository")?,
            commit: column("commit")?,
            selected: column("selected")?,
            parents: column("parents")?,
            idents: [ident("author")?, ident("committer")?],
            dates: [date("author")?, date("committer")?],
            flags: column("flags")?,
            signature: column("signature")?,
            signing_key: column("signing_key")?,
            encoding: column("encoding")?,
            trailers: column("trailers")?,
            unknown_headers: column("unknown_headers")?,
            message_scripts: column("message_scripts")?,
            message_kind: column("message_kind")?,
            line_endings: column("line_endings")?,
        })
    }
}

/// One cell of a row, as the columnar reader assembled it.
#[derive(Clone, Debug)]
enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Bytes(ByteArray),
    List(Vec<ByteArray>),
}

fn text(v: &Value) -> Option<Vec<u8>> {
    match v {
        Value::Bytes(b) => Some(b.data().to_vec()),
        _ => None,
    }
}

fn integer(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(*i),
        _ => None,
    }
}

fn texts(v: &Value) -> Vec<Vec<u8>> {
    match v {
        Value::List(items) => items.iter().map(|b| b.data().to_vec()).collect(),
        _ => Vec::new(),
    }
}

/// One leaf column of a row group, read whole.
struct Leaf {
    values: LeafValues,
    defined: Vec<i16>,
    repeated: Vec<i16>,
    max_def: i16,
    max_rep: i16,
}

enum LeafValues {
    Bool(Vec<bool>),
    Int32(Vec<i32>),
    Int64(Vec<i64>),
    Bytes(Vec<ByteArray>),
}

fn read_leaf(
    group: &dyn parquet::file::reader::RowGroupReader,
    leaf: usize,
    descr: &parquet::schema::types::ColumnDescriptor,
) -> Result<Leaf, String> {
    use parquet::basic::Type as Physical;
    use parquet::column::reader::get_typed_column_reader;
    let reader = group.get_column_reader(leaf).map_err(|e| e.to_string())?;
    let rows = usize::try_from(group.metadata().num_rows()).unwrap_or(0);
    let mut defined = Vec::new();
    let mut repeated = Vec::new();
    fn all<T: parquet::data_type::DataType>(
        reader: parquet::column::reader::ColumnReader,
        rows: usize,
        defined: &mut Vec<i16>,
        repeated: &mut Vec<i16>,
    ) -> Result<Vec<T::T>, String> {
        let mut typed = get_typed_column_reader::<T>(reader);
        let mut values = Vec::new();
        let mut read = 0;
        while read < rows {
            let (records, _, _) = typed
                .read_records(rows - read, Some(defined), Some(repeated), &mut values)
                .map_err(|e| e.to_string())?;
            if records == 0 {
                return Err(format!("{read} of {rows} rows"));
            }
            read += records;
        }
        Ok(values)
    }
    let values = match descr.physical_type() {
        Physical::BOOLEAN => {
            LeafValues::Bool(all::<BoolType>(reader, rows, &mut defined, &mut repeated)?)
        }
        Physical::INT32 => {
            LeafValues::Int32(all::<Int32Type>(reader, rows, &mut defined, &mut repeated)?)
        }
        Physical::INT64 => {
            LeafValues::Int64(all::<Int64Type>(reader, rows, &mut defined, &mut repeated)?)
        }
        Physical::BYTE_ARRAY => LeafValues::Bytes(all::<ByteArrayType>(
            reader,
            rows,
            &mut defined,
            &mut repeated,
        )?),
        other => return Err(format!("unexpected physical type {other}")),
    };
    Ok(Leaf {
        values,
        defined,
        repeated,
        max_def: descr.max_def_level(),
        max_rep: descr.max_rep_level(),
    })
}

/// Walks a leaf row by row: levels give, per row, a value, a null, or a
/// list of values (a repetition level of 0 starts a row).
struct LeafCursor {
    leaf: Leaf,
    level: usize,
    value: usize,
}

impl LeafCursor {
    fn new(leaf: Leaf) -> LeafCursor {
        LeafCursor {
            leaf,
            level: 0,
            value: 0,
        }
    }

    fn take(&mut self) -> Value {
        let i = self.value;
        self.value += 1;
        match &self.leaf.values {
            LeafValues::Bool(v) => v.get(i).map_or(Value::Null, |b| Value::Bool(*b)),
            LeafValues::Int32(v) => v.get(i).map_or(Value::Null, |x| Value::Int(i64::from(*x))),
            LeafValues::Int64(v) => v.get(i).map_or(Value::Null, |x| Value::Int(*x)),
            LeafValues::Bytes(v) => v.get(i).map_or(Value::Null, |b| Value::Bytes(b.clone())),
        }
    }

    fn next_value(&mut self) -> Value {
        let leaf = &self.leaf;
        if leaf.max_rep == 0 {
            if leaf.max_def == 0 {
                return self.take();
            }
            let defined = leaf.defined.get(self.level).copied().unwrap_or(0);
            self.level += 1;
            return if defined == leaf.max_def {
                self.take()
            } else {
                Value::Null
            };
        }
        let mut items = Vec::new();
        loop {
            let defined = self.leaf.defined.get(self.level).copied().unwrap_or(0);
            self.level += 1;
            // Only a fully defined level carries a value (shorter ones are an
            // empty or null list, or a null element, which is skipped).
            if defined == self.leaf.max_def
                && let Value::Bytes(b) = self.take()
            {
                items.push(b);
            }
            if self.leaf.repeated.get(self.level).is_none_or(|&r| r == 0) {
                break;
            }
        }
        Value::List(items)
    }
}

fn object_id(hex: &[u8]) -> Result<ObjectId, String> {
    ObjectId::from_hex(hex).map_err(|_| format!("bad commit id '{}'", String::from_utf8_lossy(hex)))
}

/// One repository being rebuilt from rows.
#[derive(Default)]
struct Loading {
    store: Store,
    selected: Vec<bool>,
    mailmap: HashMap<Vec<u8>, (Vec<u8>, Vec<u8>)>,
}

impl Loading {
    fn add(&mut self, f: &[Value], at: &Columns) -> Result<(), String> {
        let id = object_id(&text(&f[at.commit]).ok_or("no commit id")?)?;
        let parents = texts(&f[at.parents])
            .iter()
            .map(|p| object_id(p))
            .collect::<Result<Vec<_>, _>>()?;
        let store = &mut self.store;
        let mut key = Vec::new();
        let mut identity = |cols: &[usize; 8]| -> Result<u32, String> {
            let exact = |text_col: usize, bytes_col: usize| -> Option<Vec<u8>> {
                text(&f[bytes_col]).or_else(|| text(&f[text_col]))
            };
            let name = exact(cols[0], cols[2]).ok_or("no name")?;
            let email = exact(cols[1], cols[3]).ok_or("no email")?;
            crate::git::store::identity_key(&mut key, &name, &email);
            if let (Some(mn), Some(me)) = (exact(cols[4], cols[6]), exact(cols[5], cols[7])) {
                self.mailmap.insert(key.clone(), (mn, me));
            }
            Ok(store.identities.intern(&key))
        };
        let author = identity(&at.idents[0])?;
        let committer = identity(&at.idents[1])?;
        let mut date = |cols: &[usize; 4]| -> Result<(i64, i16, u8, u32), String> {
            let time = integer(&f[cols[0]]).ok_or("no time")?;
            let offset = match integer(&f[cols[1]]) {
                Some(v) => i16::try_from(v).map_err(|_| format!("offset {v} out of range"))?,
                None => crate::model::history::OFFSET_INVALID,
            };
            let problem = match text(&f[cols[2]]) {
                None => store::problem::NONE,
                Some(name) => store::problem::code_of(&name).ok_or_else(|| {
                    format!("unknown problem '{}'", String::from_utf8_lossy(&name))
                })?,
            };
            let raw = match text(&f[cols[3]]) {
                Some(t) => store.strings.intern(&t),
                None => NONE,
            };
            Ok((time, offset, problem, raw))
        };
        let (author_time, author_offset, author_problem, author_raw_offset) = date(&at.dates[0])?;
        let (committer_time, committer_offset, committer_problem, committer_raw_offset) =
            date(&at.dates[1])?;
        let small = |col: usize, what: &str| -> Result<i64, String> {
            integer(&f[col]).ok_or_else(|| format!("no {what}"))
        };
        let flags = u16::try_from(small(at.flags, "flags")?).map_err(|_| "bad flags")?;
        let message_scripts = u16::try_from(small(at.message_scripts, "message_scripts")?)
            .map_err(|_| "bad message_scripts")?;
        let message_kind = u8::try_from(small(at.message_kind, "message_kind")?)
            .map_err(|_| "bad message_kind")?;
        let signature = match text(&f[at.signature]) {
            None => 0,
            Some(name) => store::signature::NAMES
                .iter()
                .position(|n| n.as_bytes() == name.as_slice())
                .filter(|&k| k != 0)
                .ok_or_else(|| format!("unknown signature '{}'", String::from_utf8_lossy(&name)))?
                as u8,
        };
        let optional_string = |store: &mut Store, col: usize| match text(&f[col]) {
            Some(t) => store.strings.intern(&t),
            None => NONE,
        };
        let signing_key = optional_string(store, at.signing_key);
        let encoding = optional_string(store, at.encoding);
        let line_endings = {
            let name = text(&f[at.line_endings]).unwrap_or_default();
            LINE_ENDINGS
                .iter()
                .position(|n| n.as_bytes() == name.as_slice())
                .ok_or_else(|| {
                    format!("unknown line endings '{}'", String::from_utf8_lossy(&name))
                })? as u8
        };
        let (extras_start, extras_len) = store.intern_extras(
            texts(&f[at.trailers]).into_iter(),
            texts(&f[at.unknown_headers]).into_iter(),
        );
        let selected = matches!(&f[at.selected], Value::Bool(true));
        let summary = CommitSummary {
            author_time,
            committer_time,
            author,
            committer,
            encoding,
            signing_key,
            author_raw_offset,
            committer_raw_offset,
            extras_start,
            extras_len,
            author_offset,
            committer_offset,
            flags,
            message_scripts,
            signature,
            line_endings,
            author_problem,
            committer_problem,
            message_kind,
        };
        if store.add_summary(id, summary, parents).is_some() {
            self.selected.push(selected);
        }
        Ok(())
    }

    fn finish(mut self, meta: RepoMeta) -> Result<RepoRead, String> {
        self.store.resolve_parents();
        let mut selected = BitSet::new(self.store.len());
        for (i, &s) in self.selected.iter().enumerate() {
            if s {
                selected.insert(i as u32);
            }
        }
        let file = |f: Option<FileMeta>| -> Result<Option<SettingsFile>, String> {
            f.map(|f| {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(&f.base64)
                    .map_err(|e| format!("settings file {}: bad base64: {e}", f.label))?;
                Ok(SettingsFile {
                    label: PathBuf::from(f.label),
                    bytes,
                })
            })
            .transpose()
        };
        Ok(RepoRead {
            summary: RepoSummary {
                path: meta.path,
                anchor_file: meta.anchor_file,
                range: meta.range,
                commits: meta.commits,
                shallow: meta.shallow,
                missing_objects: meta.missing_objects,
                unreadable_objects: meta.unreadable_objects,
            },
            store: self.store,
            walked: Walked {
                stats: WalkStats {
                    commits: meta.commits,
                    shallow: meta.shallow,
                    missing_objects: meta.missing_objects,
                    unreadable_objects: meta.unreadable_objects,
                    non_commit_tips: meta.non_commit_tips,
                    ..WalkStats::default()
                },
                selected,
                range: None,
                refs: meta
                    .refs
                    .iter()
                    .map(|(name, hex)| Ok((name.clone(), object_id(hex.as_bytes())?)))
                    .collect::<Result<_, String>>()?,
            },
            identity_map: meta.mailmap.then_some(IdentityMap::Table(self.mailmap)),
            settings: RepoSettings {
                config: file(meta.config)?,
                accepted: file(meta.accepted)?,
                ..RepoSettings::default()
            },
            workdir: None,
            incomplete: meta.incomplete,
            notes: meta.notes,
            save_to: None,
            forge_checks: Vec::new(),
        })
    }
}
