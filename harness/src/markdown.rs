//! The one piece of Markdown structure both the spec parser and the README claim scanner need:
//! which lines are inside fenced code blocks (```` ``` ```` or `~~~`), where nothing counts.

/// A line of Markdown, classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Line<'a> {
    /// A line outside fenced code, with its 1-based number.
    Text(usize, &'a str),
    /// The opening line of a fenced code block (its content and closing line are skipped).
    FenceOpens,
}

/// The lines of `text` outside fenced code blocks, each opening fence reported once.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = Line<'_>> {
    let mut fence: Option<&'static str> = None;
    text.lines().enumerate().filter_map(move |(index, line)| {
        let trimmed = line.trim_start();
        if let Some(marker) = fence {
            if trimmed.starts_with(marker) {
                fence = None;
            }
            return None;
        }
        if let Some(marker) = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m)) {
            fence = Some(marker);
            return Some(Line::FenceOpens);
        }
        Some(Line::Text(index + 1, line))
    })
}
