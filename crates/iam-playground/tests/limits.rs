#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The CLI as a good Unix tool on large and odd input: input read with a cap, a closed pipe
//! ending quietly, a byte-order mark accepted by every command, error messages that quote a
//! short prefix of bad input, capped findings, and `--batch` without requests.

mod common;

use std::io::Read;
use std::process::Stdio;

use common::{SEED, assert_success, bin, with_stdin};
use serde_json::{Value, json};

fn request(caller: &str) -> Value {
    json!({
        "PolicyInputList": [
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:Get*\",\"Resource\":\"*\"}]}"
        ],
        "ActionNames": ["s3:GetObject"],
        "CallerArn": caller,
    })
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn batch_without_requests_says_so() {
    let out = with_stdin(&["simulate-custom-policy", "--batch"], "\n  \n\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("no requests"), "{}", stderr(&out));
}

#[test]
fn input_is_read_with_a_cap() {
    // Regression: `/dev/zero` grew to gigabytes; the cap is checked while reading.
    for command in [
        &["import", "/dev/zero"][..],
        &["validate", "/dev/zero"],
        &["simulate-custom-policy", "--cli-input-json", "/dev/zero"],
        &["export", "--format", "cfn-json", "/dev/zero"],
        &["share", "/dev/zero"],
    ] {
        let out = bin()
            .args(["--max-input-bytes", "1048576"])
            .args(command)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{command:?}");
        assert!(
            stderr(&out).contains("larger than 1048576 bytes"),
            "{command:?}: {}",
            stderr(&out)
        );
    }
    // One `--batch` line too.
    let line = format!("{}\n", "x".repeat(2_000));
    let out = with_stdin(
        &[
            "--max-input-bytes",
            "1000",
            "simulate-custom-policy",
            "--batch",
        ],
        &line,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("larger than 1000 bytes"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_closed_pipe_ends_quietly() {
    // Regression: `| head` panicked with "failed printing to stdout: Broken pipe".
    let line = format!("{}\n", request("arn:aws:iam::111122223333:user/alice"));
    let input = line.repeat(3_000);
    let mut child = bin()
        .args(["simulate-custom-policy", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let _ = stdin.write_all(input.as_bytes());
    });
    let mut first = [0u8; 100];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The read end is dropped here, as `head` does after its lines.
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert_ne!(out.status.code(), Some(101), "{}", stderr(&out));
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("Broken pipe"), "{}", stderr(&out));
}

#[test]
fn a_byte_order_mark_is_accepted_everywhere() {
    let scenario = format!("\u{feff}{}", std::fs::read_to_string(SEED).unwrap());
    for args in [
        &["share", "-"][..],
        &["export", "--format", "cfn-yaml", "-"],
        &["import", "-"],
    ] {
        let out = with_stdin(args, &scenario);
        assert_success(&out);
    }
    let out = with_stdin(
        &["simulate-custom-policy", "--cli-input-json", "-"],
        &format!(
            "\u{feff}{}",
            request("arn:aws:iam::111122223333:user/alice")
        ),
    );
    assert_success(&out);
    let out = with_stdin(
        &["validate", "--no-catalog", "-"],
        "\u{feff}{\"Version\": \"2012-10-17\", \"Statement\": []}",
    );
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    let link = with_stdin(&["share", "-"], &scenario);
    let link = String::from_utf8(link.stdout).unwrap();
    let out = with_stdin(&["open", "-"], &format!("\u{feff}{link}"));
    assert_success(&out);
}

#[test]
fn errors_quote_a_short_prefix_of_bad_input() {
    // Regression: a 50 MB CallerArn was written to standard error in full.
    let caller = "x".repeat(5_000_000);
    let out = with_stdin(
        &["simulate-custom-policy", "--cli-input-json", "-"],
        &request(&caller).to_string(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(!stderr(&out).is_empty());
    assert!(stderr(&out).len() < 2_000, "{}", stderr(&out).len());
}

#[test]
fn many_findings_are_capped_in_text_and_json() {
    // Regression: a 20 KB file of `{` and commas printed 606 MB (its line once per finding).
    let text = format!("{{{}", ",".repeat(20_000));
    let out = with_stdin(&["validate", "--no-catalog", "-"], &text);
    let printed = String::from_utf8(out.stdout).unwrap();
    assert!(printed.len() < 200_000, "{}", printed.len());
    assert!(printed.contains("more like this"), "{printed}");
    let out = with_stdin(&["validate", "--no-catalog", "--json", "-"], &text);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let shown = report["findings"].as_array().unwrap().len();
    let omitted: u64 = report["omitted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["count"].as_u64().unwrap())
        .sum();
    assert!(shown <= 50 * 10, "{shown}");
    assert!(omitted >= 19_000, "{omitted}");
}
