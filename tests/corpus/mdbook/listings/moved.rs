let s = String::from("moved");
let t = s;
assert_eq!(t, "moved");
