#[path = "../.hidden/answer.rs"]
mod answer;
pub use answer::answer;

pub fn word() -> &'static str {
    include_str!("target/word.txt").trim()
}
