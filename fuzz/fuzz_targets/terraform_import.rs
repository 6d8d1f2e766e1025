//! Fuzz target `terraform_import`: see `iam_fuzz::Target::TerraformImport`.
#![no_main]

use cap::Cap;
use iam_fuzz::{HEAP_CAP, Target};
use libfuzzer_sys::fuzz_target;

#[global_allocator]
static ALLOCATOR: Cap<std::alloc::System> = Cap::new(std::alloc::System, HEAP_CAP);

fuzz_target!(|data: &[u8]| Target::TerraformImport.run(data));
