//! `--format json`: the report model as one JSON object (schema in
//! docs/schema/report.schema.json). The serializer escapes every string.
//!
//! Indented like `serde_json`'s pretty printer, except that an array of plain
//! values (numbers, strings, booleans) stays on one line: a contributor's two
//! hour-of-week tables are 336 numbers, and one per line made a report of
//! 25,000 contributors 196 MB instead of 70.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::Formatter;

use super::Report;

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut buffered = io::BufWriter::with_capacity(1 << 16, out);
    write_value(report, &mut buffered)?;
    buffered.write_all(b"\n")?;
    buffered.flush()
}

/// Any serialisable value in this file's layout (the other machine-readable
/// formats use it too, so every JSON file looks alike).
pub fn write_value<T: Serialize + ?Sized>(value: &T, out: &mut dyn Write) -> io::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(out, CompactLeaves::default());
    // An io::Error (a closed pipe) comes back out with its kind.
    value.serialize(&mut serializer).map_err(io::Error::from)
}

/// One open array or object, and whether its elements go on one line
/// (decided by its first element).
struct Open {
    array: bool,
    inline: Option<bool>,
    empty: bool,
}

#[derive(Default)]
struct CompactLeaves {
    open: Vec<Open>,
    /// An array element is about to start (`Some(first)`); its separator is
    /// written once its first token shows whether it is a plain value.
    pending: Option<bool>,
}

const INDENT: &[u8] = b"  ";

impl CompactLeaves {
    fn newline<W: ?Sized + Write>(&self, w: &mut W, depth: usize) -> io::Result<()> {
        w.write_all(b"\n")?;
        for _ in 0..depth {
            w.write_all(INDENT)?;
        }
        Ok(())
    }

    /// Called before every value's first token.
    fn token<W: ?Sized + Write>(&mut self, w: &mut W, plain: bool) -> io::Result<()> {
        let Some(first) = self.pending.take() else {
            return Ok(());
        };
        let depth = self.open.len();
        let Some(top) = self.open.last_mut() else {
            return Ok(());
        };
        let inline = *top.inline.get_or_insert(plain);
        top.empty = false;
        if !first {
            w.write_all(b",")?;
        }
        if inline {
            if !first {
                w.write_all(b" ")?;
            }
            Ok(())
        } else {
            self.newline(w, depth)
        }
    }

    fn open<W: ?Sized + Write>(&mut self, w: &mut W, array: bool) -> io::Result<()> {
        self.token(w, false)?;
        self.open.push(Open {
            array,
            inline: None,
            empty: true,
        });
        w.write_all(if array { b"[" } else { b"{" })
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        let Some(open) = self.open.pop() else {
            return Ok(());
        };
        if !open.empty && open.inline != Some(true) {
            self.newline(w, self.open.len())?;
        }
        w.write_all(if open.array { b"]" } else { b"}" })
    }
}

macro_rules! plain {
    ($($name:ident: $t:ty),* $(,)?) => {
        $(
            fn $name<W: ?Sized + Write>(&mut self, w: &mut W, value: $t) -> io::Result<()> {
                self.token(w, true)?;
                serde_json::ser::CompactFormatter.$name(w, value)
            }
        )*
    };
}

impl Formatter for CompactLeaves {
    plain!(
        write_bool: bool,
        write_i8: i8, write_i16: i16, write_i32: i32, write_i64: i64, write_i128: i128,
        write_u8: u8, write_u16: u16, write_u32: u32, write_u64: u64, write_u128: u128,
        write_f32: f32, write_f64: f64,
        write_number_str: &str,
    );

    fn write_null<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.token(w, true)?;
        w.write_all(b"null")
    }

    fn begin_string<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.token(w, true)?;
        w.write_all(b"\"")
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, true)
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w)
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, _w: &mut W, first: bool) -> io::Result<()> {
        self.pending = Some(first);
        Ok(())
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, false)
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w)
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if let Some(top) = self.open.last_mut() {
            top.empty = false;
        }
        if !first {
            w.write_all(b",")?;
        }
        self.newline(w, self.open.len())
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(value: &serde_json::Value) -> String {
        let mut out = Vec::new();
        write_value(value, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn plain_arrays_stay_on_one_line_and_the_rest_is_indented() {
        let value = serde_json::json!({
            "a": [1, 2, 3],
            "b": [[1, 2], [3]],
            "c": [{"x": "y"}, {}],
            "d": [],
            "e": {},
            "f": ["s", null, true, 1.5],
        });
        let text = render(&value);
        assert_eq!(
            text,
            "{\n  \"a\": [1, 2, 3],\n  \"b\": [\n    [1, 2],\n    [3]\n  ],\n  \"c\": [\n    {\n      \"x\": \"y\"\n    },\n    {}\n  ],\n  \"d\": [],\n  \"e\": {},\n  \"f\": [\"s\", null, true, 1.5]\n}"
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }

    proptest::proptest! {
        /// Whatever the nesting, the output reads back as the same value.
        #[test]
        fn output_reads_back(seed in proptest::collection::vec(0u8..6, 0..40)) {
            let mut stack = vec![serde_json::Value::Array(Vec::new())];
            for s in seed {
                let leaf = match s {
                    0 => serde_json::json!(1),
                    1 => serde_json::json!("x\n\u{1b}"),
                    2 => serde_json::json!(null),
                    3 => { stack.push(serde_json::json!([])); continue; }
                    4 => { stack.push(serde_json::json!({})); continue; }
                    _ => match stack.len() { 1 => continue, _ => stack.pop().unwrap() },
                };
                match stack.last_mut().unwrap() {
                    serde_json::Value::Array(a) => a.push(leaf),
                    serde_json::Value::Object(o) => { let k = format!("k{}", o.len()); o.insert(k, leaf); }
                    _ => unreachable!(),
                }
            }
            while stack.len() > 1 {
                let leaf = stack.pop().unwrap();
                match stack.last_mut().unwrap() {
                    serde_json::Value::Array(a) => a.push(leaf),
                    serde_json::Value::Object(o) => { let k = format!("k{}", o.len()); o.insert(k, leaf); }
                    _ => unreachable!(),
                }
            }
            let value = stack.pop().unwrap();
            let back: serde_json::Value = serde_json::from_str(&render(&value)).unwrap();
            proptest::prop_assert_eq!(back, value);
        }
    }
}
