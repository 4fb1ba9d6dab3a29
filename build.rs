//! Fingerprints the tagging rules and reference lists, so an index built by
//! an older newsgrep knows it must re-tag (see `TAGGING_VERSION`). (How the
//! binary is linked is set in `.cargo/config.toml`.)

use std::path::Path;

fn fnv1a(hash: &mut u64, bytes: &[u8]) {
    for b in bytes {
        *hash ^= u64::from(*b);
        *hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
}

fn visit(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            visit(&p, files);
        } else {
            files.push(p);
        }
    }
}

fn main() {
    let mut files = Vec::new();
    for dir in ["src/tagging", "data"] {
        println!("cargo:rerun-if-changed={dir}");
        visit(Path::new(dir), &mut files);
    }
    for f in [
        "src/article.rs",
        "src/gazetteer.rs",
        "src/text.rs",
        "src/tokenizer.rs",
    ] {
        println!("cargo:rerun-if-changed={f}");
        files.push(f.into());
    }
    files.sort();
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for f in &files {
        fnv1a(&mut hash, f.to_string_lossy().as_bytes());
        if let Ok(bytes) = std::fs::read(f) {
            fnv1a(&mut hash, &bytes);
        }
    }
    println!("cargo:rustc-env=NEWSGREP_TAGGING_VERSION={hash:016x}");
}
