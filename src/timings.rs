//! `DANGOL_TIMINGS=1`: a phase report on stderr — for each phase of a command the wall time,
//! the process's CPU time (user + system) and its resident and peak memory after it — to see
//! where a long run spends its time and memory. Off (and free) unless the variable is set;
//! never part of an output.

use std::sync::Mutex;
use std::time::Instant;

/// The environment variable that turns the phase report on (any value but empty or `0`).
pub const TIMINGS_ENV: &str = "DANGOL_TIMINGS";

static LAST: Mutex<Option<(Instant, f64)>> = Mutex::new(None);

/// Whether the phase report is on.
pub fn enabled() -> bool {
    std::env::var_os(TIMINGS_ENV).is_some_and(|v| !v.is_empty() && v != "0")
}

/// Starts the clock of the first phase (a later [`phase`] measures from here).
pub fn start() {
    if enabled()
        && let Ok(mut last) = LAST.lock()
    {
        *last = Some((Instant::now(), cpu_seconds().unwrap_or(0.0)));
    }
}

/// Ends phase `name`: prints its line and starts the next phase's clock.
pub fn phase(name: &str) {
    if !enabled() {
        return;
    }
    let Ok(mut last) = LAST.lock() else {
        return;
    };
    let now = Instant::now();
    let cpu = cpu_seconds().unwrap_or(0.0);
    let (t0, c0) = last.unwrap_or((now, cpu));
    *last = Some((now, cpu));
    let (rss, peak) = memory_kb().unwrap_or((0, 0));
    eprintln!(
        "{}",
        line(name, (now - t0).as_secs_f64(), cpu - c0, rss, peak)
    );
}

/// One line of the report.
fn line(name: &str, wall: f64, cpu: f64, rss_kb: u64, peak_kb: u64) -> String {
    format!(
        "dangol: timing: {name:<12} {wall:>7.3} s wall {cpu:>7.3} s cpu  rss {:>6.1} MiB  peak {:>6.1} MiB",
        rss_kb as f64 / 1024.0,
        peak_kb as f64 / 1024.0
    )
}

/// The process's user + system time so far (Linux: `/proc/self/stat`, in clock ticks of 1/100 s).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split(' ').collect();
    // utime and stime are fields 14 and 15 of the line: 12 and 13 after the name and state.
    let ticks = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / 100.0)
}

/// Resident and peak resident memory in KiB (Linux: `VmRSS` and `VmHWM` of `/proc/self/status`).
fn memory_kb() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_names_the_phase_and_its_figures() {
        assert_eq!(
            line("merge", 1.23456, 0.5, 2048, 112_640),
            "dangol: timing: merge          1.235 s wall   0.500 s cpu  rss    2.0 MiB  peak  110.0 MiB"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_has_cpu_time_and_memory() {
        let (rss, peak) = memory_kb().expect("/proc/self/status");
        assert!(rss > 0 && peak >= rss, "{rss} {peak}");
        assert!(cpu_seconds().expect("/proc/self/stat") >= 0.0);
    }
}
