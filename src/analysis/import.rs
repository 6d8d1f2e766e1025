//! The import, run in the analysis worker: the text is read there (any format
//! [`iam_engine::import::detect_and_import`] reads, or several Terraform files), and the
//! scenario comes back to the page in pieces ([`super::pieces`]) the page reads one per task,
//! then the report. The page runs each import in a worker of its own and closes it once the
//! import ends (`super::client::Client::import`): reading a real account's file takes a few
//! times its size, and a worker's wasm memory never shrinks.

use std::rc::Rc;

use iam_engine::import::{
    ImportError, ImportOptions, Imported, Skipped, Source, TerraformFile, detect_and_import,
    import_terraform_files,
};
use iam_engine::scenario::Scenario;

use super::pieces::{PieceWriter, ScenarioPiece};
use super::protocol::Response;
pub use super::protocol::{ImportInput, ImportReport, NamedText, SkippedData};

/// The bytes of JSON of one piece of the imported scenario: the page reads a piece per task, so
/// a piece reads in a few milliseconds (a piece of 256 KiB of a real account's policies, their
/// documents strings full of escapes, took 30 to 50 ms).
pub const PIECE_BYTES: usize = 64 * 1024;

/// How many bytes of a file are read, decoded and sent to the worker at a time. (Parts of
/// 1 MiB made the L account's import 1.4 s instead of 0.9 s, for no lower peak of memory.)
pub const PART_BYTES: usize = 4 * 1024 * 1024;

/// Where to cut `bytes` (a part of a UTF-8 file) so that the first piece ends with a whole
/// character: its length, or the start of a character cut short at its end.
pub fn char_boundary(bytes: &[u8]) -> usize {
    let len = bytes.len();
    // Back over at most three continuation bytes to the character's first byte.
    let mut start = len;
    while start > 0 && len - start < 3 && bytes.get(start - 1).is_some_and(|b| b & 0xC0 == 0x80) {
        start -= 1;
    }
    let Some(&lead) = start.checked_sub(1).and_then(|i| bytes.get(i)) else {
        return len;
    };
    let width = match lead {
        0x00..=0x7F => return len,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        // A stray continuation or an invalid byte: nothing to keep whole.
        _ => return len,
    };
    if len - (start - 1) >= width {
        len
    } else {
        start - 1
    }
}

/// The text of the bytes of a file, as the browser's `File.text()` decodes it (invalid UTF-8
/// becomes U+FFFD).
pub fn decode(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The report of an import, as the page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportSummary {
    /// Which reader took the text.
    pub source: Source,
    /// What was left out, in source order.
    pub skipped: Vec<Skipped>,
    /// The assumptions the import made.
    pub notes: Vec<String>,
    /// The name the new scenario's slot is made from.
    pub slot_base: String,
}

impl From<ImportReport> for ImportSummary {
    fn from(r: ImportReport) -> ImportSummary {
        ImportSummary {
            source: r.source,
            skipped: r.skipped.into_iter().map(Skipped::from).collect(),
            notes: r.notes,
            slot_base: r.slot_base,
        }
    }
}

/// The error of a failed import in words, with its place.
pub fn import_error_text(e: &ImportError) -> String {
    match (&e.file, e.line, e.column) {
        (Some(f), Some(l), Some(c)) => format!("{f}, line {l}, column {c}: {}", e.message),
        (None, Some(l), Some(c)) => format!("Line {l}, column {c}: {}", e.message),
        _ => e.message.clone(),
    }
}

/// Reads `input` with the engine, and names the result: a scenario without a title is titled
/// after its source ("Imported account authorization details"); the slot's name is based on
/// "Imported" and the title.
///
/// # Errors
/// The import's error in words, with its place.
pub fn run_import(
    input: &ImportInput,
    account_id: Option<String>,
) -> Result<(Scenario, ImportSummary), String> {
    let options = ImportOptions {
        account_id,
        ..ImportOptions::default()
    };
    let imported = match input {
        ImportInput::Text(text) => detect_and_import(text, &options),
        ImportInput::Parts { .. } => {
            return Err("The import's text did not reach the worker.".to_owned());
        }
        ImportInput::Terraform(files) => {
            let files: Vec<TerraformFile> = files
                .iter()
                .map(|f| TerraformFile {
                    name: f.name.clone(),
                    text: f.text.clone(),
                })
                .collect();
            import_terraform_files(&files, &options)
        }
    }
    .map_err(|e| import_error_text(&e))?;
    let Imported {
        source,
        mut scenario,
        skipped,
        notes,
    } = imported;
    let slot_base = if scenario.title.trim().is_empty() {
        scenario.title = format!("Imported {}", source.describe());
        scenario.title.clone()
    } else {
        format!("Imported {}", scenario.title)
    };
    Ok((
        scenario,
        ImportSummary {
            source,
            skipped,
            notes,
            slot_base,
        },
    ))
}

/// An import in the worker: read in one step, then the scenario's pieces a step at a time
/// (a Cancel is honoured between them), then the report.
#[derive(Debug)]
pub struct ImportJob {
    state: State,
}

#[derive(Debug)]
enum State {
    Read {
        input: ImportInput,
        account_id: Option<String>,
    },
    Send {
        writer: PieceWriter,
        report: ImportReport,
    },
    Done,
}

impl ImportJob {
    /// An import of `input`, for an account `account_id` when the text names none.
    pub fn new(input: ImportInput, account_id: Option<String>) -> ImportJob {
        ImportJob {
            state: State::Read { input, account_id },
        }
    }

    /// Whether the job has nothing left to do.
    pub fn is_done(&self) -> bool {
        matches!(self.state, State::Done)
    }

    /// The next step of job `id`: the import itself (its answer: how many entities follow, or
    /// the failure), then pieces of about [`PIECE_BYTES`] each until `budget_ms` has passed,
    /// then the report. Returns the imported scenario once it is read, for the worker to keep.
    pub fn step(
        &mut self,
        id: u64,
        budget_ms: f64,
        now: impl Fn() -> f64,
    ) -> (Vec<Response>, Option<Rc<Scenario>>) {
        match std::mem::replace(&mut self.state, State::Done) {
            State::Read { input, account_id } => match run_import(&input, account_id) {
                Ok((scenario, summary)) => {
                    let scenario = Rc::new(scenario);
                    let writer = PieceWriter::new(Rc::clone(&scenario));
                    let total = writer.total();
                    self.state = State::Send {
                        writer,
                        report: ImportReport {
                            source: summary.source,
                            skipped: summary.skipped.iter().map(SkippedData::from).collect(),
                            notes: summary.notes,
                            slot_base: summary.slot_base,
                        },
                    };
                    (
                        vec![Response::ImportRead { job: id, total }],
                        Some(scenario),
                    )
                }
                Err(message) => (vec![Response::Failed { job: id, message }], None),
            },
            State::Send { mut writer, report } => {
                let start = now();
                let mut out = Vec::new();
                loop {
                    match writer.next_piece(PIECE_BYTES) {
                        Some(piece) => out.push(piece_response(id, &writer, piece)),
                        None => {
                            out.push(Response::Imported { job: id, report });
                            return (out, None);
                        }
                    }
                    if now() - start >= budget_ms {
                        break;
                    }
                }
                self.state = State::Send { writer, report };
                (out, None)
            }
            State::Done => (Vec::new(), None),
        }
    }
}

fn piece_response(id: u64, writer: &PieceWriter, piece: ScenarioPiece) -> Response {
    Response::ImportPiece {
        job: id,
        received: writer.written(),
        total: writer.total(),
        piece,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::pieces::Assembler;
    use crate::analysis::protocol::Request;
    use crate::analysis::round_trip;

    const TEMPLATE: &str = "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Ops:\n    Type: AWS::IAM::Group\n    Properties:\n      GroupName: ops\n  Fn:\n    Type: AWS::Lambda::Function\n";

    /// Runs a job to its end, as the worker does, and reads its answers back as the page does.
    fn run(job: &mut ImportJob) -> (Vec<Response>, Option<Rc<Scenario>>) {
        let mut all = Vec::new();
        let mut kept = None;
        let mut steps = 0;
        while !job.is_done() {
            let (out, scenario) = job.step(7, 0.0, || 0.0);
            kept = kept.or(scenario);
            all.extend(out.iter().map(round_trip));
            steps += 1;
            assert!(steps < 10_000);
        }
        (all, kept)
    }

    #[test]
    fn a_template_comes_back_in_pieces_with_its_report() {
        let mut job = ImportJob::new(
            ImportInput::Text(TEMPLATE.to_owned()),
            Some("123456789012".into()),
        );
        let (answers, kept) = run(&mut job);
        let kept = kept.unwrap();
        let mut assembler = Assembler::default();
        let mut report = None;
        for a in &answers {
            match a {
                Response::ImportRead { job, total } => {
                    assert_eq!(*job, 7);
                    assert_eq!(*total, 1);
                }
                Response::ImportPiece { piece, .. } => assembler.add(piece).unwrap(),
                Response::Imported { report: r, .. } => report = Some(r.clone()),
                other => panic!("unexpected {other:?}"),
            }
        }
        let (scenario, json) = assembler.finish().unwrap();
        assert_eq!(scenario, *kept);
        assert_eq!(json, kept.to_json());
        assert_eq!(scenario.account.id, "123456789012");
        assert_eq!(scenario.groups.len(), 1);
        let report = report.unwrap();
        assert_eq!(report.source, Source::CloudFormationYaml);
        assert_eq!(
            scenario.title, "Imported CloudFormation template (YAML)",
            "an untitled import is named after its source"
        );
        assert_eq!(report.slot_base, scenario.title);
        let skipped: Vec<Skipped> = report.skipped.iter().cloned().map(Skipped::from).collect();
        assert!(
            skipped
                .iter()
                .any(|s| s.what.contains("Fn") && s.line == Some(7))
        );
    }

    #[test]
    fn parts_are_cut_between_characters() {
        let text = "añ€😀z";
        let bytes = text.as_bytes();
        // Every cut of the text gives a first piece of whole characters, and the pieces
        // decoded one by one join into the text.
        for end in 0..=bytes.len() {
            let cut = char_boundary(&bytes[..end]);
            assert!(text.is_char_boundary(cut), "cut {cut} of {end}");
            assert!(end - cut < 4);
            let first = decode(bytes[..cut].to_vec());
            let rest = decode(bytes[cut..].to_vec());
            assert_eq!(format!("{first}{rest}"), text);
        }
        assert_eq!(char_boundary(b"abc"), 3);
        assert_eq!(char_boundary(&[]), 0);
        // Invalid bytes are not kept back; they decode as the browser decodes them.
        assert_eq!(char_boundary(&[b'a', 0xFF]), 2);
        assert_eq!(decode(vec![b'a', 0xFF]), "a\u{FFFD}");
    }

    #[test]
    fn a_bad_text_fails_with_its_place() {
        let mut job = ImportJob::new(ImportInput::Text("{\"Resources\": [".into()), None);
        let (answers, kept) = run(&mut job);
        assert!(kept.is_none());
        match answers.as_slice() {
            [Response::Failed { job: 7, message }] => {
                assert!(message.starts_with("Line 1, column"), "{message}");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn terraform_files_are_read_together() {
        let files = vec![
            NamedText {
                name: "groups.tf".into(),
                text: "resource \"aws_iam_group\" \"ops\" {\n  name = \"ops\"\n}\n".into(),
            },
            NamedText {
                name: "users.tf".into(),
                text: "resource \"aws_iam_user\" \"dana\" {\n  name = \"dana\"\n}\nresource \"aws_iam_user_group_membership\" \"m\" {\n  user   = aws_iam_user.dana.name\n  groups = [aws_iam_group.ops.name]\n}\n".into(),
            },
        ];
        let request = Request::Import(super::super::protocol::ImportRequest {
            job: 3,
            scenario_id: 3,
            account_id: None,
            input: ImportInput::Terraform(files.clone()),
        });
        assert_eq!(round_trip(&request), request);
        let mut job = ImportJob::new(ImportInput::Terraform(files), None);
        let (answers, kept) = run(&mut job);
        let kept = kept.unwrap();
        assert_eq!(kept.users.len(), 1);
        assert_eq!(kept.users[0].groups, vec!["ops".to_owned()]);
        assert!(matches!(answers.last(), Some(Response::Imported { .. })));
    }
}
