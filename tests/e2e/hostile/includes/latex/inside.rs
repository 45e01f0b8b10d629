pub fn inside() -> u32 {
    1
}
