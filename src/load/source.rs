use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A file's text with a line index, so byte offsets turn into line:column.
#[derive(Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
    /// Built on first use: only files with diagnostics need it.
    line_starts: OnceLock<Vec<usize>>,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: String) -> Self {
        SourceFile {
            path: path.into(),
            text,
            line_starts: OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1));
            starts
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The path as it is shown to the user.
    pub fn display_name(&self) -> String {
        self.path.display().to_string()
    }

    /// The 0-based line holding the byte `offset` (at most the text's length).
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts().binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// 1-based line and column (column counted in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_of(offset);
        let start = self.line_starts()[line];
        let mut end = offset;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let column = self.text[start..end].chars().count() + 1;
        (line + 1, column)
    }

    /// The byte range of the 0-based `line`, without its line break; `None` past the last.
    pub fn line_range(&self, line: usize) -> Option<(usize, usize)> {
        let line_starts = self.line_starts();
        let start = *line_starts.get(line)?;
        let end = line_starts
            .get(line + 1)
            .map_or(self.text.len(), |&next| next - 1);
        let end = if end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        Some((start, end.max(start)))
    }

    /// The byte offset of a 1-based line and column (column in characters).
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let Some(&start) = self.line_starts().get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        self.text[start..]
            .char_indices()
            .nth(column.saturating_sub(1))
            .map(|(i, _)| start + i)
            .unwrap_or(self.text.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_of_offsets() {
        let s = SourceFile::new("x", "ab\ncé\n\nz".to_string());
        assert_eq!(s.line_col(0), (1, 1));
        assert_eq!(s.line_col(2), (1, 3));
        assert_eq!(s.line_col(3), (2, 1));
        assert_eq!(s.line_col(6), (2, 3)); // after the two-byte é
        assert_eq!(s.line_col(8), (4, 1));
        assert_eq!(s.offset_of(2, 3), 6);
        assert_eq!(s.line_range(s.line_of(4)), Some((3, 6)));
        assert_eq!(s.line_range(s.line_of(7)), Some((7, 7)));
        assert_eq!(s.line_range(s.line_of(8)), Some((8, 9)));
        let crlf = SourceFile::new("x", "ab\r\ncd".to_string());
        assert_eq!(crlf.line_range(crlf.line_of(1)), Some((0, 2)));
        assert_eq!(crlf.line_range(1), Some((4, 6)));
        assert_eq!(crlf.line_range(2), None);
    }
}
