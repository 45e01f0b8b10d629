#!/usr/bin/env python3
"""Writes a deterministic Markdown book of std-only Rust blocks for the benchmark.

  tests/bench/make_large_book.py [--blocks 300] [--chapters 10] [--out FILE] [--edit K]

Blocks are numbered 0..N-1 and spread evenly over the chapters (H1), five
blocks to a section (H2). Block i is, by i % 20:
  0-1   compile_fail with its error code (E0308, E0382, E0384, E0502)
  2-4   no_run (compiles only)
  5-19  run: compiles and runs, printing a line or two
so a 300-block book has 30 compile_fail, 45 no_run and 225 run blocks. Every
block is valid for `rustdoc --test --edition 2021` and for snipcheck (the
compile_fail ones fail with exactly the stated code). The output depends only
on the arguments, so a prefix of blocks (--blocks 100) is a subset of a larger
book with the same chapter count only in content, not in layout.

--edit K changes the string printed by block K (which must be a run block)
to "...(edit K)": the benchmark uses it to model a one-listing edit.
"""
import argparse
import sys

TOPICS = [
    "Ownership and Borrowing", "Structs and Enums", "Traits and Generics", "Iterators and Closures",
    "Collections", "Error Handling", "Smart Pointers", "Strings and Text", "Pattern Matching",
    "Modules and Visibility",
]


def run_block(i, tag):
    n = i
    k = i % 15
    if k == 0:
        return f"""fn square_{n}(x: u64) -> u64 {{
    x * x
}}
println!("{tag}: {{}}", square_{n}({n % 97}));"""
    if k == 1:
        return f"""use std::fmt;

struct Point{n} {{ x: i32, y: i32 }}

impl fmt::Display for Point{n} {{
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {{
        write!(f, "({{}}, {{}})", self.x, self.y)
    }}
}}

let p = Point{n} {{ x: {n % 13}, y: -{n % 7} }};
println!("{tag}: {{}}", p);"""
    if k == 2:
        return f"""#[derive(Debug)]
enum Shape {{ Circle(f64), Square(f64) }}

fn area(s: &Shape) -> f64 {{
    match s {{
        Shape::Circle(r) => 3.14 * r * r,
        Shape::Square(a) => a * a,
    }}
}}

let shapes = [Shape::Circle({n % 5 + 1}.0), Shape::Square({n % 4 + 2}.0)];
let total: f64 = shapes.iter().map(area).sum();
println!("{tag}: {{:.2}}", total);"""
    if k == 3:
        return f"""let evens: u32 = (1..={n % 10 + 3}u32).map(|x| x * 2).filter(|x| x % 3 != 0).sum();
println!("{tag}: {{}}", evens);"""
    if k == 4:
        return f"""use std::collections::HashMap;

let text = "the quick brown fox jumps over the lazy dog the end {n}";
let mut counts: HashMap<&str, usize> = HashMap::new();
for word in text.split_whitespace() {{
    *counts.entry(word).or_insert(0) += 1;
}}
println!("{tag}: the={{}}", counts["the"]);"""
    if k == 5:
        return f"""trait Describe {{
    fn name(&self) -> String;
    fn describe(&self) -> String {{
        format!("<{{}}>", self.name())
    }}
}}

struct Item{n};
impl Describe for Item{n} {{
    fn name(&self) -> String {{ "item {n}".to_string() }}
}}

fn show<T: Describe>(t: &T) -> String {{ t.describe() }}
println!("{tag}: {{}}", show(&Item{n}));"""
    if k == 6:
        return f"""let offset = {n % 11};
let add = |x: i32| x + offset;
let mut v = vec![5, 3, 9, 1, {n % 20}];
v.sort_by_key(|&x| std::cmp::Reverse(add(x)));
println!("{tag}: {{:?}}", v);"""
    if k == 7:
        return f"""let parsed: i32 = "{n}".parse()?;
let doubled = parsed.checked_mul(2).ok_or("overflow")?;
println!("{tag}: {{}}", doubled);
Ok::<(), Box<dyn std::error::Error>>(())"""
    if k == 8:
        return f"""fn reverse_words(s: &str) -> String {{
    s.split(' ').rev().collect::<Vec<_>>().join(" ")
}}
println!("{tag}: {{}}", reverse_words("one two three {n}"));"""
    if k == 9:
        return f"""let maybe: Option<u32> = if {n} % 2 == 0 {{ Some({n}) }} else {{ None }};
let shown = maybe.map(|x| x + 1).filter(|x| x % 3 != 0).unwrap_or_default();
println!("{tag}: {{}}", shown);"""
    if k == 10:
        return f"""use std::cell::RefCell;
use std::rc::Rc;

let shared = Rc::new(RefCell::new(vec![{n % 9}]));
let other = Rc::clone(&shared);
other.borrow_mut().push(42);
println!("{tag}: {{:?}} (refs {{}})", shared.borrow(), Rc::strong_count(&shared));"""
    if k == 11:
        return f"""trait Animal {{ fn speak(&self) -> &'static str; }}
struct Dog;
struct Cat;
impl Animal for Dog {{ fn speak(&self) -> &'static str {{ "woof" }} }}
impl Animal for Cat {{ fn speak(&self) -> &'static str {{ "meow" }} }}

let zoo: Vec<Box<dyn Animal>> = vec![Box::new(Dog), Box::new(Cat)];
let sounds: Vec<_> = zoo.iter().map(|a| a.speak()).collect();
println!("{tag}: {{}}", sounds.join("-"));"""
    if k == 12:
        return f"""struct Stack<T> {{ items: Vec<T> }}

impl<T: std::fmt::Debug> Stack<T> {{
    fn new() -> Self {{ Stack {{ items: Vec::new() }} }}
    fn push(&mut self, t: T) {{ self.items.push(t); }}
    fn pop(&mut self) -> Option<T> {{ self.items.pop() }}
}}

let mut s = Stack::new();
for x in 0..{n % 6 + 2} {{ s.push(x); }}
println!("{tag}: {{:?}}", s.pop());"""
    if k == 13:
        return f"""fn longest<'a>(a: &'a str, b: &'a str) -> &'a str {{
    if a.len() >= b.len() {{ a }} else {{ b }}
}}

let first = String::from("block {n}");
let result;
{{
    let second = String::from("xy");
    result = longest(first.as_str(), second.as_str()).to_string();
}}
println!("{tag}: {{}}", result);"""
    return f"""mod geometry {{
    pub mod shapes {{
        pub fn perimeter(sides: &[u32]) -> u32 {{ sides.iter().sum() }}
    }}
}}

use geometry::shapes::perimeter;
let p = perimeter(&[{n % 5 + 1}, {n % 7 + 1}, {n % 3 + 1}]);
println!("{tag}: {{}}", p);"""


def no_run_block(i):
    n = i
    k = i % 3
    if k == 0:
        return f"""use std::io::{{self, BufRead}};

// Reads lines until end of input and echoes them numbered.
let stdin = io::stdin();
for (number, line) in stdin.lock().lines().enumerate() {{
    println!("{{}}: {{}}", number + {n}, line?);
}}
Ok::<(), io::Error>(())"""
    if k == 1:
        return f"""use std::net::TcpListener;

fn main() -> std::io::Result<()> {{
    let listener = TcpListener::bind("127.0.0.1:{8000 + n}")?;
    for stream in listener.incoming() {{
        let _stream = stream?;
        println!("connection");
    }}
    Ok(())
}}"""
    return f"""use std::thread;
use std::time::Duration;

// Runs forever: a ticker thread.
let handle = thread::spawn(|| loop {{
    println!("tick {n}");
    thread::sleep(Duration::from_secs(1));
}});
handle.join().unwrap();"""


def compile_fail_block(i):
    n = i
    k = (i // 20 * 2 + i % 20) % 4
    if k == 0:
        return "E0308", f"""// A string is not a number.
let count: i32 = "{n}";"""
    if k == 1:
        return "E0382", f"""let name = String::from("block {n}");
let moved = name;
println!("{{}} {{}}", name, moved);"""
    if k == 2:
        return "E0384", f"""let total = {n};
total = total + 1;
println!("{{}}", total);"""
    return "E0502", f"""let mut numbers = vec![{n}, 2, 3];
let first = &numbers[0];
numbers.push(4);
println!("{{}}", first);"""


def block(i, edit):
    kind = i % 20
    if kind < 2:
        code, body = compile_fail_block(i)
        return f"rust,compile_fail,{code}", body
    if kind < 5:
        return "rust,no_run", no_run_block(i)
    tag = f"block {i}" + (f" (edit {edit})" if edit is not None else "")
    return "rust", run_block(i, tag)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--blocks", type=int, default=300)
    parser.add_argument("--chapters", type=int, default=10)
    parser.add_argument("--out", default="-")
    parser.add_argument("--edit", type=int, default=None, help="block whose printed string changes")
    parser.add_argument("--edit-label", default=None, help="text of the change (default: the block number)")
    args = parser.parse_args()
    if args.edit is not None and args.edit % 20 < 5:
        sys.exit(f"--edit {args.edit}: not a run block (i % 20 must be >= 5)")

    per_chapter = -(-args.blocks // args.chapters)
    out = ["<!-- Generated by tests/bench/make_large_book.py; do not edit. -->", ""]
    for i in range(args.blocks):
        chapter = i // per_chapter
        within = i % per_chapter
        if within == 0:
            out += [f"# {chapter + 1} {TOPICS[chapter % len(TOPICS)]}", "",
                    f"Examples {i} to {min(i + per_chapter, args.blocks) - 1}.", ""]
        if within % 5 == 0:
            out += [f"## {chapter + 1}.{within // 5 + 1} Part {within // 5 + 1}", ""]
        edit = (args.edit_label or str(args.edit)) if args.edit == i else None
        info, body = block(i, edit)
        out += [f"Example {i}:", "", "```" + info, body, "```", ""]
    text = "\n".join(out)
    if args.out == "-":
        sys.stdout.write(text)
    else:
        with open(args.out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
