pub const ANSWER: i32 = 42;
