fn main() {
    println!("hello from listings");
}
