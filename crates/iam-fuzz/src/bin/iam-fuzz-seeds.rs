//! `iam-fuzz-seeds DIR [TARGET…]`: writes each target's seed corpus into `DIR/TARGET/`, as
//! `seed-NAME` files, for `scripts/fuzz.sh` to hand to libFuzzer. Files already there (the
//! corpus the fuzzer grew in earlier runs) are kept.

use std::path::Path;
use std::process::ExitCode;

use iam_fuzz::Target;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((dir, names)) = args.split_first() else {
        eprintln!("usage: iam-fuzz-seeds DIR [TARGET…]");
        return ExitCode::from(2);
    };
    let mut targets = Vec::new();
    for name in names {
        match Target::from_name(name) {
            Some(target) => targets.push(target),
            None => {
                eprintln!("iam-fuzz-seeds: no target {name:?}");
                return ExitCode::from(2);
            }
        }
    }
    if targets.is_empty() {
        targets = Target::ALL.to_vec();
    }
    for target in targets {
        match write_seeds(Path::new(dir), target) {
            Ok(count) => eprintln!("{}: {count} seeds", target.name()),
            Err(e) => {
                eprintln!("iam-fuzz-seeds: {}: {e}", target.name());
                return ExitCode::from(1);
            }
        }
    }
    ExitCode::SUCCESS
}

fn write_seeds(dir: &Path, target: Target) -> Result<usize, String> {
    let out = dir.join(target.name());
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let seeds = target.seeds()?;
    for seed in &seeds {
        let path = out.join(format!("seed-{}", seed.name));
        std::fs::write(&path, &seed.data)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(seeds.len())
}
