pub fn forty() -> u32 { 40 }
