//! Every seed and every past finding of every fuzz target, run again under `cargo test`.
//!
//! A finding of the fuzzers (`scripts/fuzz.sh`) is kept as a file in `regressions/TARGET/`;
//! this test runs it through the same target body as the fuzzer, with the same heap cap, so a
//! panic or a blow-up that comes back fails here. (Slowness is checked where time is measured:
//! the fuzz step of the test command replays the same folders with libFuzzer's per-input time
//! limit.)

use cap::Cap;
use iam_fuzz::{HEAP_CAP, Target};

#[global_allocator]
static ALLOCATOR: Cap<std::alloc::System> = Cap::new(std::alloc::System, HEAP_CAP);

#[test]
fn the_heap_cap_is_in_force() {
    let mut too_much: Vec<u8> = Vec::new();
    assert!(too_much.try_reserve_exact(HEAP_CAP).is_err());
}

#[test]
fn the_catalog_checks_are_fuzzed_too() {
    assert!(iam_fuzz::catalog().is_some_and(|c| c.actions().len() > 1000));
}

#[test]
fn every_target_has_seeds_from_the_fixtures() {
    for target in Target::ALL {
        let seeds = target.seeds().unwrap();
        assert!(!seeds.is_empty(), "{} has no seeds", target.name());
    }
}

#[test]
fn seeds_and_regressions_pass_every_target() {
    let mut ran = 0;
    for target in Target::ALL {
        let inputs = target
            .seeds()
            .unwrap()
            .into_iter()
            .chain(target.regressions().unwrap());
        for input in inputs {
            // The name goes to the output first, so an abort at the heap cap says which input.
            eprintln!("{}: {}", target.name(), input.name);
            target.run(&input.data);
            ran += 1;
        }
    }
    assert!(ran > 0);
}
