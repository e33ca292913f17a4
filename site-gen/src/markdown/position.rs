//! Byte offsets → positions in the Markdown FILE (1-based line, column in
//! characters), and the offset map between the source and the text where
//! shortcodes were replaced by placeholders.

use std::cell::Cell;

/// Lines of the source, to turn byte offsets into file positions.
pub(crate) struct LineIndex<'a> {
    src: &'a str,
    /// Byte offset where each line starts (the first is 0).
    line_starts: Vec<usize>,
    first_line: usize,
    /// Last answer (offset, line index, column): queries mostly go forward on
    /// the same line, so very long lines are not counted again and again.
    cache: Cell<Option<(usize, usize, usize)>>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(src: &'a str, first_line: usize) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', src.as_bytes()).map(|i| i + 1));
        LineIndex {
            src,
            line_starts,
            first_line: first_line.max(1),
            cache: Cell::new(None),
        }
    }

    /// (line, column) in the file of the byte `offset` of the source.
    pub(crate) fn position(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.src.len());
        while !self.src.is_char_boundary(offset) {
            offset -= 1;
        }
        let idx = self
            .line_starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1);
        let line_start = self.line_starts.get(idx).copied().unwrap_or(0);
        let column = match self.cache.get() {
            Some((prev_offset, prev_idx, prev_col)) if prev_idx == idx && prev_offset <= offset => {
                prev_col + self.src[prev_offset..offset].chars().count()
            }
            _ => self.src[line_start..offset].chars().count() + 1,
        };
        self.cache.set(Some((offset, idx, column)));
        (self.first_line + idx, column)
    }
}

/// One replaced span: `orig` in the source became `new` in the rewritten text.
#[derive(Debug, Clone, Copy)]
struct Replacement {
    orig_start: usize,
    orig_end: usize,
    new_start: usize,
    new_end: usize,
}

/// Maps offsets of the rewritten text (placeholders) back to the source.
#[derive(Debug, Default)]
pub(crate) struct OffsetMap {
    replacements: Vec<Replacement>,
}

impl OffsetMap {
    /// Records that `orig_start..orig_end` of the source was written as
    /// `new_start..new_end`; calls come in increasing order.
    pub(crate) fn push(
        &mut self,
        orig_start: usize,
        orig_end: usize,
        new_start: usize,
        new_end: usize,
    ) {
        self.replacements.push(Replacement {
            orig_start,
            orig_end,
            new_start,
            new_end,
        });
    }

    /// Source offset of the rewritten text's offset `new` (the start of the
    /// replaced span when `new` falls inside a placeholder).
    pub(crate) fn to_source(&self, new: usize) -> usize {
        let idx = self.replacements.partition_point(|r| r.new_start <= new);
        match idx.checked_sub(1).and_then(|i| self.replacements.get(i)) {
            None => new,
            Some(r) if new < r.new_end => r.orig_start,
            Some(r) => r.orig_end + (new - r.new_end),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_file_lines_and_char_columns() {
        let src = "abc\nçà é\n\nx";
        let idx = LineIndex::new(src, 5);
        assert_eq!(idx.position(0), (5, 1));
        assert_eq!(idx.position(2), (5, 3));
        assert_eq!(idx.position(4), (6, 1));
        // `é` starts after "çà " = 2 two-byte chars + 1 space = 5 bytes.
        assert_eq!(idx.position(4 + 5), (6, 4));
        assert_eq!(idx.position(src.len() - 1), (8, 1));
        // Out of range and mid-char offsets do not panic.
        assert_eq!(idx.position(1000), (8, 2));
        let _ = idx.position(5);
    }

    #[test]
    fn cache_does_not_change_answers() {
        let src = "aéb\ncd";
        let idx = LineIndex::new(src, 1);
        assert_eq!(idx.position(3), (1, 3));
        assert_eq!(idx.position(1), (1, 2));
        assert_eq!(idx.position(4), (1, 4));
        assert_eq!(idx.position(3), (1, 3));
        assert_eq!(idx.position(6), (2, 2));
    }

    #[test]
    fn offset_map() {
        // "ab{{x()}}cd" → "ab@@cd"
        let mut map = OffsetMap::default();
        map.push(2, 9, 2, 4);
        assert_eq!(map.to_source(0), 0);
        assert_eq!(map.to_source(2), 2);
        assert_eq!(map.to_source(3), 2);
        assert_eq!(map.to_source(4), 9);
        assert_eq!(map.to_source(5), 10);
    }
}
