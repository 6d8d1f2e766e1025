//! The decompression-bomb test of share links, alone in its test binary.
//!
//! The binary counts its heap use (see `ALLOC`). It holds this one test, so the peak it reads is
//! this test's alone: no other test allocates in parallel in the same process.

use std::alloc::System;

use cap::Cap;
use iam_engine::share::{self, MAX_DECODED_BYTES, ShareError};

mod share_links;

use share_links::{BASE_URL, signed_link};

#[global_allocator]
static ALLOC: Cap<System> = Cap::new(System, usize::MAX);

/// Raw deflate of `total` zero bytes, produced in chunks so that building the bomb does not
/// allocate it either.
fn deflate_zeros(total: usize) -> Vec<u8> {
    use miniz_oxide::deflate::core::{
        CompressorOxide, TDEFLFlush, TDEFLStatus, compress, create_comp_flags_from_zip_params,
    };
    let mut compressor = Box::new(CompressorOxide::new(create_comp_flags_from_zip_params(
        1, 0, 0,
    )));
    let zeros = vec![0u8; 64 * 1024];
    let mut buffer = vec![0u8; 64 * 1024];
    let mut out = Vec::new();
    let mut remaining = total;
    loop {
        let chunk = remaining.min(zeros.len());
        let flush = if chunk == remaining {
            TDEFLFlush::Finish
        } else {
            TDEFLFlush::None
        };
        let (status, consumed, produced) =
            compress(&mut compressor, &zeros[..chunk], &mut buffer, flush);
        out.extend_from_slice(&buffer[..produced]);
        remaining -= consumed;
        if status == TDEFLStatus::Done {
            return out;
        }
        assert_eq!(status, TDEFLStatus::Okay, "compression failed");
    }
}

#[test]
fn a_decompression_bomb_is_refused_without_inflating_it() {
    const BOMB: usize = 64 * 1024 * 1024;
    let body = deflate_zeros(BOMB);
    // The bomb itself is the real thing: it inflates to 64 MiB.
    assert!(body.len() < BOMB / 200, "{} bytes", body.len());
    let link = signed_link(&body, None);
    let before = ALLOC.allocated();
    assert_eq!(
        share::decode(&share::share_url(BASE_URL, &link)),
        Err(ShareError::TooLarge {
            max_bytes: MAX_DECODED_BYTES
        })
    );
    // The peak heap use of this test (building the bomb, then refusing it) stays a small
    // fraction of what inflating the bomb would take.
    let peak = ALLOC.max_allocated();
    println!(
        "bomb of {BOMB} bytes: peak heap use {peak} bytes ({before} bytes in use before decoding)"
    );
    assert!(peak < 16 * 1024 * 1024, "peak heap use {peak} bytes");
}
