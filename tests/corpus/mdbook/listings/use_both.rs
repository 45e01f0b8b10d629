// lines of a file can be included by number
println!("{a} {b}");
