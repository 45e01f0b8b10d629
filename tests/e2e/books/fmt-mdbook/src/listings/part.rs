fn helper() -> i32 {
    1
}

fn main() {
    // ANCHOR: body
    let x=2*21;
    println!("{x}");
    // ANCHOR_END: body
    helper();
}
