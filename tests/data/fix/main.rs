#![allow(unused)]
extern "C" {
    fn abs(x: i32) -> i32;
}
static mut COUNTER: u32 = 0;
fn main() {
    let mut x = 5;
    let v: Vec<i32> = vec![1, 2];
    if let Some(y) = v.iter().next() { println!("{}", y); } else { }
    unsafe { COUNTER += 1; }
    let r#gen = 1;
    let gen = 2;
    return;
}
