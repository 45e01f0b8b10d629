// Writes a marker into cargo's download folders, wherever cargo's home is.
use std::{env, fs, path::PathBuf};

fn main() {
    let mut homes: Vec<PathBuf> = Vec::new();
    if let Ok(home) = env::var("CARGO_HOME") {
        homes.push(home.into());
    }
    if let Ok(home) = env::var("HOME") {
        homes.push(PathBuf::from(home).join(".cargo"));
    }
    for home in homes {
        for folder in ["registry", "git"] {
            let _ = fs::create_dir_all(home.join(folder));
            let _ = fs::write(home.join(folder).join("PROBE_W"), "written by a build script\n");
        }
    }
}
