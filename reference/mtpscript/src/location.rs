//! Byte offsets to `line:column` (spec/mtpscript.md notation): 1-based; lines end at LF, CR,
//! CRLF (one), U+2028, U+2029; columns count Unicode scalar values.

/// The 1-based `(line, column)` of byte offset `offset` in `source`.
pub(crate) fn line_col(source: &str, offset: usize) -> (u32, u32) {
    let mut line: u32 = 1;
    let mut col: u32 = 1;
    let mut chars = source.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if i >= offset {
            break;
        }
        match c {
            '\r' => {
                if let Some(&(j, '\n')) = chars.peek()
                    && j < offset
                {
                    chars.next();
                }
                line += 1;
                col = 1;
            }
            '\n' | '\u{2028}' | '\u{2029}' => {
                line += 1;
                col = 1;
            }
            _ => col += 1,
        }
    }
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::line_col;

    #[test]
    fn lines_and_columns_count_scalar_values() {
        let src = "a\r\nbé\u{2028}c\rd\ne";
        for (needle, want) in [
            ("a", (1, 1)),
            ("b", (2, 1)),
            ("é", (2, 2)),
            ("c", (3, 1)),
            ("d", (4, 1)),
            ("e", (5, 1)),
        ] {
            let at = src.find(needle).unwrap_or(usize::MAX);
            assert_eq!(line_col(src, at), want, "{needle}");
        }
    }
}
