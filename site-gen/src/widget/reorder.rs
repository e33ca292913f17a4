//! The module's functions in an order that gzip compresses better.
//!
//! gzip finds repeats within 32 KB only: functions that look alike
//! compress better side by side. The linker orders them by crate and
//! module; sorting them by size class (powers of two), then by the bytes
//! of their bodies, puts the similar ones together (the same size, the same
//! locals, the same first instructions): about 0.9 KB less of the gzipped
//! widget, nothing else changed (bench/README.md).
//!
//! binaryen does the renumbering (calls, table, exports): [`order_names`]
//! names each function after its rank, `wasm-opt
//! --reorder-functions-by-name` sorts them, and its output has no names.

/// `wasm` with a `name` section naming each defined function after its
/// rank once sorted ([`ranks`]: `f00000`, `f00001`, …), or why the module could not be read. `wasm` must have
/// no `name` section of its own (the shipped module's is removed).
pub(crate) fn order_names(wasm: &[u8]) -> Result<Vec<u8>, String> {
    use wasmparser::{Parser, Payload, TypeRef};
    let mut imported = 0u32;
    let mut bodies: Vec<&[u8]> = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.map_err(|e| e.to_string())? {
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    if let TypeRef::Func(_) = import.map_err(|e| e.to_string())?.ty {
                        imported += 1;
                    }
                }
            }
            Payload::CodeSectionEntry(body) => bodies.push(&wasm[body.range()]),
            Payload::CustomSection(c) if c.name() == "name" => {
                return Err("the module already has a name section".into());
            }
            _ => {}
        }
    }
    Ok(with_names(wasm, imported, &ranks(&bodies)))
}

/// Each body's rank once sorted by size class (⌊log2(length + 1)⌋), then
/// by bytes; ties keep the linker's order (a stable sort: deterministic).
/// The size classes first: measured 0.2 KB smaller than the bytes alone.
fn ranks(bodies: &[&[u8]]) -> Vec<u32> {
    let mut order: Vec<usize> = (0..bodies.len()).collect();
    order.sort_by_key(|&i| ((bodies[i].len() + 1).ilog2(), bodies[i]));
    let mut ranks = vec![0u32; bodies.len()];
    for (rank, &i) in order.iter().enumerate() {
        ranks[i] = rank as u32;
    }
    ranks
}

/// `wasm` followed by a `name` section whose function names are `ranks`
/// (function `imported + i` is named after `ranks[i]`).
fn with_names(wasm: &[u8], imported: u32, ranks: &[u32]) -> Vec<u8> {
    let mut names = Vec::new();
    leb(&mut names, ranks.len() as u32);
    for (i, rank) in ranks.iter().enumerate() {
        leb(&mut names, imported + i as u32);
        let name = format!("f{rank:05}");
        leb(&mut names, name.len() as u32);
        names.extend_from_slice(name.as_bytes());
    }
    // Custom section: its name, then the function names subsection (id 1).
    let mut payload = Vec::new();
    leb(&mut payload, 4);
    payload.extend_from_slice(b"name");
    payload.push(1);
    leb(&mut payload, names.len() as u32);
    payload.extend_from_slice(&names);
    let mut out = Vec::with_capacity(wasm.len() + payload.len() + 6);
    out.extend_from_slice(wasm);
    out.push(0);
    leb(&mut out, payload.len() as u32);
    out.extend_from_slice(&payload);
    out
}

/// Unsigned LEB128, as wasm writes sizes and indices.
fn leb(out: &mut Vec<u8>, mut n: u32) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_ranked_by_size_class_then_bytes_ties_in_order() {
        let bodies: [&[u8]; 5] = [b"\x02bc", b"\x01z", b"\x02ab", b"\x01z", b"\x00abcdefg"];
        // By bytes alone the last body (0x00…) would come first.
        assert_eq!(ranks(&bodies), [3, 0, 2, 1, 4]);
    }

    #[test]
    fn leb128_as_wasm_writes_it() {
        let enc = |n| {
            let mut v = Vec::new();
            leb(&mut v, n);
            v
        };
        assert_eq!(enc(0), [0]);
        assert_eq!(enc(127), [0x7f]);
        assert_eq!(enc(128), [0x80, 1]);
        assert_eq!(enc(624_485), [0xe5, 0x8e, 0x26]);
    }

    #[test]
    #[cfg(feature = "widget")]
    fn functions_are_named_after_their_rank() {
        // One imported function, then two defined ones: `i32.const 0; drop`
        // (0x41…) sorts after the empty body (`end`, 0x0b).
        let module: &[u8] = &[
            0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, // header
            1, 4, 1, 0x60, 0, 0, // type: () -> ()
            2, 7, 1, 1, b'm', 1, b'f', 0, 0, // import m.f
            3, 3, 2, 0, 0, // two functions
            10, 10, 2, 5, 0, 0x41, 0, 0x1a, 0x0b, 2, 0, 0x0b, // bodies
        ];
        let named = order_names(module).expect("readable");
        let mut names = Vec::new();
        for payload in wasmparser::Parser::new(0).parse_all(&named) {
            if let wasmparser::Payload::CustomSection(c) = payload.expect("valid") {
                if let wasmparser::KnownCustom::Name(reader) = c.as_known() {
                    for sub in reader {
                        if let wasmparser::Name::Function(map) = sub.expect("valid") {
                            for n in map {
                                let n = n.expect("valid");
                                names.push((n.index, n.name.to_owned()));
                            }
                        }
                    }
                }
            }
        }
        assert_eq!(names, [(1, "f00001".to_owned()), (2, "f00000".to_owned())]);
        assert!(order_names(&named).is_err(), "names are never overwritten");
    }
}
