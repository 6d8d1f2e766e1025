//! AccessDenied decoder benchmark: the time to read a typical message and event, and inputs of
//! the largest accepted size built to stress each reader, measured natively with
//! `std::time::Instant` and printed with the throughput, which stays flat as inputs grow when
//! the reading is linear.
//!
//! Run with `cargo bench -p iam-engine --bench denied`.

use iam_engine::denied::{MAX_INPUT, parse_denied};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Runs `f` `iterations` times and returns the mean time of one run.
fn mean<T>(iterations: u32, mut f: impl FnMut() -> T) -> Duration {
    let start = Instant::now();
    for _ in 0..iterations {
        black_box(f());
    }
    start.elapsed() / iterations
}

fn report(name: &str, text: &str, iterations: u32) {
    let t = mean(iterations, || parse_denied(black_box(text)).is_ok());
    let mb_per_s = text.len() as f64 / t.as_secs_f64() / 1e6;
    println!(
        "{name:<44} {:>8} bytes {:>12.2?} {:>10.1} MB/s",
        text.len(),
        t,
        mb_per_s
    );
}

/// Repeats `piece` to just under `size` bytes.
fn fill(piece: &str, size: usize) -> String {
    piece.repeat(size / piece.len())
}

fn main() {
    let message = "An error occurred (AccessDenied) when calling the DeleteBucket operation: User: arn:aws:iam::123456789012:user/dev is not authorized to perform: s3:DeleteBucket on resource: arn:aws:s3:::prod-logs because no identity-based policy allows the s3:DeleteBucket action";
    report("typical message", message, 100_000);
    let event = r#"{"eventVersion":"1.08","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/app/i-0abc","accountId":"111122223333","sessionContext":{"sessionIssuer":{"arn":"arn:aws:iam::111122223333:role/app"},"attributes":{"creationDate":"2026-11-20T08:00:00Z","mfaAuthenticated":"true"}}},"eventTime":"2026-11-20T08:15:00Z","eventSource":"kms.amazonaws.com","eventName":"Decrypt","awsRegion":"eu-west-1","sourceIPAddress":"192.0.2.7","userAgent":"aws-sdk-java/2.25.0","errorCode":"AccessDeniedException","errorMessage":"User: arn:aws:sts::111122223333:assumed-role/app/i-0abc is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:eu-west-1:111122223333:key/1234abcd because no resource-based policy allows the kms:Decrypt action","requestParameters":{"encryptionAlgorithm":"SYMMETRIC_DEFAULT"},"recipientAccountId":"111122223333"}"#;
    report("typical CloudTrail event", event, 20_000);

    // Largest inputs, built to make a backtracking reader slow: many "User:" before the
    // marker (the principal is searched backwards from it), a resource followed by many
    // almost-clauses, a reason that almost matches, and deep or wide JSON.
    let size = MAX_INPUT - 1024;
    let users = format!(
        "{}User: arn:aws:iam::1:user/a is not authorized to perform: s3:GetObject",
        fill("User: User: ", size - 100)
    );
    report("max size: many \"User:\" before the marker", &users, 200);
    let clauses = format!(
        "User: arn:aws:iam::111122223333:user/a is not authorized to perform: s3:GetObject on resource: {}",
        fill("arn:aws:s3:::b/ becaus with an explici ", size - 200)
    );
    report("max size: almost-clauses after the resource", &clauses, 200);
    let wide = format!(
        "{{\"Records\": [{}{{}}]}}",
        fill(
            "{\"eventName\": \"x\", \"errorCode\": \"None\"}, ",
            size - 100
        )
    );
    report("max size: CloudTrail file of many events", &wide, 50);
    let deep = format!("{}{}", "[".repeat(size / 2), "]".repeat(size / 2));
    report("max size: deeply nested JSON", &deep, 50);
}
