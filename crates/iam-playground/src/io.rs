//! Reading input and writing output like a well-behaved Unix tool.
//!
//! - Input (a path, `file://path`, or `-` for standard input) is read with a size cap, checked
//!   while reading, so `/dev/zero` or a runaway pipe is refused instead of filling memory. The
//!   cap is [`DEFAULT_MAX_INPUT_BYTES`] (64 MiB: real accounts' authorization details run to
//!   tens of megabytes) and `--max-input-bytes` changes it. A UTF-8 byte-order mark is
//!   accepted and dropped, for every command.
//! - Output goes through [`out`]: a closed pipe (`| head`) ends the output quietly instead of
//!   panicking; the command's exit status is unchanged.
//! - Error messages quote at most a short prefix of the input ([`short`]).

use std::io::{BufRead, Read, Write};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

/// The default cap on one input, in bytes.
pub(crate) const DEFAULT_MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

static MAX_INPUT_BYTES: OnceLock<u64> = OnceLock::new();
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Sets the cap on one input (from `--max-input-bytes`); the first call wins.
pub(crate) fn set_max_input_bytes(max: u64) {
    let _ = MAX_INPUT_BYTES.set(max);
}

/// The cap on one input, in bytes.
pub(crate) fn max_input_bytes() -> u64 {
    MAX_INPUT_BYTES
        .get()
        .copied()
        .unwrap_or(DEFAULT_MAX_INPUT_BYTES)
}

/// Reads the input named by `source`: a path, `file://path`, or `-` for standard input. The
/// text is UTF-8, without a leading byte-order mark, and at most [`max_input_bytes`] long.
pub(crate) fn read_input(source: &str) -> Result<String, String> {
    let max = max_input_bytes();
    let (name, bytes) = if source == "-" {
        let stdin = std::io::stdin();
        let bytes = read_capped(stdin.lock(), max)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        ("standard input".to_string(), bytes)
    } else {
        let path = source.strip_prefix("file://").unwrap_or(source);
        let file = std::fs::File::open(path).map_err(|e| format!("cannot read {path}: {e}"))?;
        let bytes = read_capped(file, max).map_err(|e| format!("cannot read {path}: {e}"))?;
        (path.to_string(), bytes)
    };
    if bytes.len() as u64 > max {
        return Err(too_large(&name, max));
    }
    let text = String::from_utf8(bytes).map_err(|_| format!("{name} is not UTF-8 text"))?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// Reads at most `max + 1` bytes, so a caller can tell "exactly the cap" from "more".
fn read_capped(reader: impl Read, max: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn too_large(name: &str, max: u64) -> String {
    format!(
        "{name} is larger than {max} bytes; pass --max-input-bytes to read more (the default is {DEFAULT_MAX_INPUT_BYTES})"
    )
}

/// Reads one line of at most [`max_input_bytes`] from `reader` (`--batch`): `Ok(None)` at the
/// end of the input; the line without its line ending and a leading byte-order mark.
pub(crate) fn read_line(reader: &mut impl BufRead) -> Result<Option<String>, String> {
    let max = max_input_bytes();
    let mut bytes = Vec::new();
    reader
        .take(max.saturating_add(1))
        .read_until(b'\n', &mut bytes)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    if bytes.is_empty() {
        return Ok(None);
    }
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
    } else if bytes.len() as u64 > max {
        return Err(format!(
            "a line is larger than {max} bytes; pass --max-input-bytes to read more"
        ));
    }
    if bytes.last() == Some(&b'\r') {
        bytes.pop();
    }
    let line = String::from_utf8(bytes).map_err(|_| "a line is not UTF-8 text".to_string())?;
    Ok(Some(match line.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => line,
    }))
}

/// Writes `text` to standard output. Once the reader has gone (a closed pipe) nothing more is
/// written and nothing is said: the reader has what it wanted.
pub(crate) fn out(text: &str) {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut stdout = std::io::stdout().lock();
    let written = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
    if let Err(e) = written {
        STDOUT_CLOSED.store(true, Ordering::Relaxed);
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("iam-playground: cannot write to standard output: {e}");
        }
    }
}

/// [`out`] with a line ending.
pub(crate) fn outln(text: &str) {
    let mut line = String::with_capacity(text.len() + 1);
    line.push_str(text);
    line.push('\n');
    out(&line);
}

/// Whether standard output was closed by its reader.
pub(crate) fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::Relaxed)
}

/// A message for standard error with every quoted piece of input cut to a short prefix
/// ([`iam_engine::diagnostic::short_quotes`]).
pub(crate) fn short(message: &str) -> String {
    iam_engine::diagnostic::short_quotes(message)
}
