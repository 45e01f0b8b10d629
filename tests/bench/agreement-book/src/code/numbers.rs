fn helper() -> u32 {
    40
}

// ANCHOR: body
fn main() {
    assert_eq!(helper() + 2, 42);
}
// ANCHOR_END: body
