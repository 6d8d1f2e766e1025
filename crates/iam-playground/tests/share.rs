//! `iam-playground share` and `open`: scenario files to links and snippets, and back.

// Test helpers may panic on broken fixtures: that is how they fail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{SEED, assert_success, bin, with_stdin};

fn share(args: &[&str]) -> String {
    let out = bin().arg("share").arg(SEED).args(args).output().unwrap();
    assert_success(&out);
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[test]
fn a_link_opens_back_into_the_same_scenario() {
    let link = share(&["--base-url", "https://docs.example.com/playground/"]);
    assert!(
        link.starts_with("https://docs.example.com/playground/#s="),
        "{link}"
    );
    assert!(
        link.len() < 1_500,
        "the seed admin link is {} characters",
        link.len()
    );

    let out = bin().arg("open").arg(&link).output().unwrap();
    assert_success(&out);
    let opened =
        iam_engine::scenario::Scenario::from_json(&String::from_utf8_lossy(&out.stdout)).unwrap();
    let original =
        iam_engine::scenario::Scenario::from_json(&std::fs::read_to_string(SEED).unwrap()).unwrap();
    assert_eq!(opened, original);
}

#[test]
fn open_reads_a_link_from_standard_input() {
    let link = share(&[]);
    let out = with_stdin(&["open", "-"], &format!("{link}\n"));
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"formatVersion\": 1"));
}

#[test]
fn embed_prints_an_escaped_iframe() {
    let snippet = share(&[
        "--embed",
        "--view",
        "simulate",
        "--readonly",
        "--theme",
        "dark",
    ]);
    assert!(snippet.starts_with("<iframe "), "{snippet}");
    assert!(snippet.contains("?embed&amp;view=simulate&amp;readonly=1&amp;theme=dark#s="));
    assert!(snippet.contains("loading=\"lazy\""));
}

#[test]
fn damaged_links_and_files_exit_2_with_a_message() {
    let link = share(&[]);
    let cut = &link[..link.len() - 40];
    let out = bin().arg("open").arg(cut).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("incomplete"));

    let out = bin()
        .args(["open", "https://example.com/"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a playground share link"));

    let dir = std::env::temp_dir().join(format!("iam-playground-share-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{\"formatVersion\": 1,\n").unwrap();
    let out = bin().arg("share").arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains(":2:1:"));
    std::fs::remove_dir_all(&dir).unwrap();

    let out = bin()
        .args(["share", SEED, "--theme", "neon"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn compact_embeds_carry_their_request_and_refuse_bad_names() {
    let snippet = share(&[
        "--embed",
        "--view",
        "decision",
        "--principal",
        "root",
        "--action",
        "s3:ListAllMyBuckets",
        "--resource",
        "*",
    ]);
    assert!(snippet.contains("?embed&amp;view=decision#s="), "{snippet}");
    let link = snippet.split('"').nth(1).unwrap().replace("&amp;", "&");
    let payload = iam_engine::share::decode(&link).unwrap();
    let state = payload.view.unwrap();
    assert_eq!(state.view.as_deref(), Some("decision"));
    assert_eq!(state.action.as_deref(), Some("s3:ListAllMyBuckets"));

    let out = bin()
        .args(["share", SEED, "--embed", "--view", "cards"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("view named"));
    let out = bin()
        .args([
            "share",
            SEED,
            "--embed",
            "--view",
            "try",
            "--policy",
            "policy Nope",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no policy named"));
}
