//! Helpers shared by the share-link test binaries (`share.rs` and `share_bomb.rs`): hand-built
//! link records, so a test can sign a body of its choosing.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use iam_engine::share::LINK_FORMAT;

/// Where the links of the tests point.
pub const BASE_URL: &str = "https://example.github.io/iam-playground/";
/// The data version the links of the tests carry.
pub const DATA_VERSION: &str = "2026-09-26";

/// Appends an unsigned LEB128 number, as the link record writes lengths.
fn push_varint(bytes: &mut Vec<u8>, mut value: usize) {
    loop {
        let low = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            bytes.push(low);
            return;
        }
        bytes.push(low | 0x80);
    }
}

/// A correctly signed link record around `body`, which is used as the compressed body as is.
pub fn signed_link(body: &[u8], claimed_body_len: Option<usize>) -> String {
    let mut bytes = vec![LINK_FORMAT];
    push_varint(&mut bytes, iam_engine::VERSION.len());
    bytes.extend_from_slice(iam_engine::VERSION.as_bytes());
    push_varint(&mut bytes, 1); // The scenario format.
    push_varint(&mut bytes, DATA_VERSION.len());
    bytes.extend_from_slice(DATA_VERSION.as_bytes());
    push_varint(&mut bytes, claimed_body_len.unwrap_or(body.len()));
    bytes.extend_from_slice(body);
    let checksum = adler2::adler32_slice(&bytes);
    bytes.extend_from_slice(&checksum.to_be_bytes());
    URL_SAFE_NO_PAD.encode(&bytes)
}
