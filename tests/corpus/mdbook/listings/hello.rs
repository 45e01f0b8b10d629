fn main() {
    // ANCHOR: greet
    let name = "world";
    println!("Hello, {name}!");
    // ANCHOR_END: greet
    assert_eq!(name.len(), 5);
}
