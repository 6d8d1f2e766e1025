//! Code splitting (src/split.rs): index.html asks Trunk to build the app with the `split`
//! feature, and this script turns it on (`cfg(split_build)`) only for an optimised wasm32 build,
//! the one scripts/split_build.py cuts into chunks, linked with its relocations kept (which
//! `wasm-split-cli` needs). A debug build (`trunk serve`), the tests and every build without the
//! feature call the split points directly.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rustc-check-cfg=cfg(split_build)");
    let split = std::env::var_os("CARGO_FEATURE_SPLIT").is_some();
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|arch| arch == "wasm32");
    let release = std::env::var("PROFILE").is_ok_and(|profile| profile == "release");
    if split && wasm && release {
        println!("cargo:rustc-cfg=split_build");
        println!("cargo:rustc-link-arg-bin=iam-playground-app=--emit-relocs");
    }
}
