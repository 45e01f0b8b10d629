fn main(){println!("whole");}
