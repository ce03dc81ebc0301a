//! Output-injection guards for names and header values derived from the data: a sheet name
//! Excel accepts, a file name that stays in its folder, an e-mail header value that cannot add
//! headers. (The CSV formula guard lives in the CSV writer.)

/// Longest sheet name Excel accepts.
pub const MAX_SHEET_NAME: usize = 31;
/// Longest file name produced (characters), well under every file system's limit.
pub const MAX_FILE_NAME: usize = 120;

/// A sheet name Excel accepts: at most 31 characters, none of `[ ] : * ? / \`, no control
/// characters, not starting or ending with `'`, not empty, and not `History` (reserved).
pub fn sanitize_sheet_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| match c {
            '[' | ']' | ':' | '*' | '?' | '/' | '\\' => '_',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let mut s: String = cleaned
        .trim()
        .trim_matches('\'')
        .trim()
        .chars()
        .take(MAX_SHEET_NAME)
        .collect();
    // Truncation can leave a trailing apostrophe or space.
    while s.ends_with('\'') || s.ends_with(' ') {
        s.pop();
    }
    if s.is_empty() {
        return "Sheet".to_string();
    }
    if s.eq_ignore_ascii_case("history") {
        s.push('_');
    }
    s
}

/// Names Windows reserves for devices, with or without an extension.
const RESERVED: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// A file name (not a path) that stays in the folder it is written to on any system: no path
/// separators or `..`, no control characters or characters Windows forbids (`<>:"|?*`), no
/// leading or trailing dots and spaces, not a reserved device name (`CON`, `NUL`, `COM1`, …),
/// not empty, and at most [`MAX_FILE_NAME`] characters.
pub fn sanitize_file_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| match c {
            '/' | '\\' | '<' | '>' | ':' | '"' | '|' | '?' | '*' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let mut s = cleaned
        .trim_matches(|c: char| c == '.' || c.is_whitespace())
        .to_string();
    while s.contains("..") {
        s = s.replace("..", "_");
    }
    let mut s: String = s
        .trim_matches(|c: char| c == '.' || c.is_whitespace())
        .chars()
        .take(MAX_FILE_NAME)
        .collect();
    while s.ends_with('.') || s.ends_with(char::is_whitespace) {
        s.pop();
    }
    if s.is_empty() {
        return "untitled".to_string();
    }
    let stem = s.split('.').next().unwrap_or("").trim_end();
    if RESERVED.iter().any(|r| stem.eq_ignore_ascii_case(r)) {
        s.insert(0, '_');
    }
    s
}

/// A value for one e-mail header line: CR, LF and other control characters (which could end
/// the header and start a new one) become spaces, runs of spaces collapse, ends are trimmed.
pub fn header_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut space = false;
    for c in value.chars() {
        // U+2028/2029 are line breaks to some mail readers.
        let c = if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
            ' '
        } else {
            c
        };
        if c == ' ' {
            if !space && !out.is_empty() {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names() {
        assert_eq!(sanitize_sheet_name("Sales 2025"), "Sales 2025");
        assert_eq!(sanitize_sheet_name("a/b\\c[d]e:f*g?h"), "a_b_c_d_e_f_g_h");
        assert_eq!(sanitize_sheet_name(""), "Sheet");
        assert_eq!(sanitize_sheet_name("  '' "), "Sheet");
        assert_eq!(sanitize_sheet_name("history"), "history_");
        assert_eq!(sanitize_sheet_name("History"), "History_");
        assert_eq!(sanitize_sheet_name("'quoted'"), "quoted");
        assert_eq!(sanitize_sheet_name("line\nbreak"), "line break");
        let long = "가".repeat(40);
        assert_eq!(sanitize_sheet_name(&long), "가".repeat(31));
        assert_eq!(
            sanitize_sheet_name(&format!("{}'x", "a".repeat(30))),
            "a".repeat(30)
        );
    }

    #[test]
    fn file_names() {
        assert_eq!(
            sanitize_file_name("report 2025-04.pdf"),
            "report 2025-04.pdf"
        );
        assert_eq!(sanitize_file_name("../../etc/passwd"), "___etc_passwd");
        assert_eq!(sanitize_file_name("..\\..\\boot.ini"), "___boot.ini");
        assert_eq!(sanitize_file_name("a..b"), "a_b");
        assert_eq!(sanitize_file_name("..."), "untitled");
        assert_eq!(sanitize_file_name(""), "untitled");
        assert_eq!(sanitize_file_name("con"), "_con");
        assert_eq!(sanitize_file_name("NUL.txt"), "_NUL.txt");
        assert_eq!(sanitize_file_name("com1 .eml"), "_com1 .eml");
        assert_eq!(sanitize_file_name("console.txt"), "console.txt");
        assert_eq!(sanitize_file_name("a\u{0}b\nc"), "a_b_c");
        assert_eq!(sanitize_file_name("what?<>|*\".csv"), "what______.csv");
        assert_eq!(sanitize_file_name("trailing. "), "trailing");
        assert_eq!(sanitize_file_name(&"x".repeat(300)).len(), MAX_FILE_NAME);
    }

    #[test]
    fn header_values() {
        assert_eq!(header_value("김철수"), "김철수");
        assert_eq!(
            header_value("Kim\r\nBcc: victim@example.com"),
            "Kim Bcc: victim@example.com"
        );
        assert_eq!(header_value("a\n\n\tb"), "a b");
        assert_eq!(header_value("\r\nx\r\n"), "x");
        assert_eq!(header_value("a\u{2028}b\u{85}c"), "a b c");
        assert!(!header_value("x\r\ny\rz\n").contains(['\r', '\n']));
    }
}
