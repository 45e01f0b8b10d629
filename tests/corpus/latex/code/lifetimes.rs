// This line is not shown (firstline=2).
fn longest<'a>(x: &'a str, y: &'a str) -> &'a str {
    if x.len() > y.len() { x } else { y }
}
// Nor this one (lastline=4).
