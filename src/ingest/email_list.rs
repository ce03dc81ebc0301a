//! The e-mail list of `dangol groups add --emails FILE|-`: read from a file or stdin, split
//! into addresses.

use std::io::Read as _;

use crate::i18n::{Msg, Text, said};

/// The e-mails of a list: split on commas, semicolons and new lines, trimmed, lower-cased.
pub fn parse_list(text: &str) -> Vec<String> {
    text.trim_start_matches('\u{feff}')
        .split([',', ';', '\n', '\r'])
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The text of the list `src` names: a file, or stdin for `-`.
pub fn read_list(src: &str) -> anyhow::Result<String> {
    let failed = |e: std::io::Error| {
        let text = if src == "-" {
            Text::new(Msg::GroupsCannotReadStdin)
        } else {
            Text::new(Msg::GroupsCannotReadList).arg("path", src)
        };
        said(text.io_parts("error", e.to_string(), crate::i18n::read_error(&e)))
    };
    if src == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map_err(failed)?;
        Ok(s)
    } else {
        std::fs::read_to_string(src).map_err(failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_is_split_on_commas_semicolons_and_lines_trimmed_and_lower_cased() {
        assert_eq!(
            parse_list("\u{feff}A@x.kr, b@y.kr;\r\n\n  C@Z.KR ,,\n"),
            ["a@x.kr", "b@y.kr", "c@z.kr"]
        );
        assert!(parse_list(" \n,;").is_empty());
    }

    #[test]
    fn a_missing_list_file_is_named_in_the_owners_words() {
        let err = read_list("/nonexistent/dangol/list.txt").unwrap_err();
        let said = err.downcast_ref::<crate::i18n::Said>().unwrap();
        assert_eq!(
            said.0.render(crate::model::Lang::Ko),
            "이메일 목록 /nonexistent/dangol/list.txt를 읽을 수 없습니다: 파일이나 폴더가 없습니다"
        );
    }
}
