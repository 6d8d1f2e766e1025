//! The fixture runners' one way to find their files: every `.json` file below a folder, in
//! sorted order (folders included in that order), so a run is the same on every machine.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

/// Appends every `.json` file below `dir` to `out`, sorted by path.
pub fn fixture_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            fixture_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "json") {
            out.push(p);
        }
    }
}
