pub fn answer() -> u32 { inner::forty() + 2 }
