//! Exit codes (SPEC §6): what cron and scripts can rely on.

/// The process exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Everything worked.
    Ok = 0,
    /// A data or runtime error (bad input, unreadable file, failed write).
    Failure = 1,
    /// The command line was wrong.
    Usage = 2,
    /// The workbook is locked by another dangol run or open in Excel.
    Locked = 3,
}

impl Exit {
    pub fn code(self) -> i32 {
        self as i32
    }
}

#[cfg(test)]
mod tests {
    use super::Exit;

    #[test]
    fn codes_are_the_documented_ones() {
        assert_eq!(Exit::Ok.code(), 0);
        assert_eq!(Exit::Failure.code(), 1);
        assert_eq!(Exit::Usage.code(), 2);
        assert_eq!(Exit::Locked.code(), 3);
    }
}
